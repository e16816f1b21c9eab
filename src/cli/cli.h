/* cli: the command line — the command table, option parsing and the shared helpers of
 * the commands (opening the database, printing problems).
 *
 * Each command is one function `int cmd_NAME(struct cli *, int argc, char **argv)` in
 * src/cli/cmd_*.c, registered in the table in src/main.c with its one-line help and usage.
 * A command returns 0 on success or a negative ERR_* code; main() turns that into the
 * exit status. Messages to users are Russian. */
#ifndef OKO_CLI_H
#define OKO_CLI_H

#include <stdbool.h>

#include "base/buf.h"
#include "base/diag.h"
#include "db/db.h"

struct cli {
	const char *db_path; /* --db, else OKO_DB, else ./oko.db */
	const struct cli_cmd *cmd;
};

struct cli_cmd {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *summary; /* one line for `oko help` */
	const char *usage;   /* the text of `oko NAME --help` */
};

struct cli_opt {
	const char *name;    /* "--procedure" */
	const char **value;  /* set for options that take a value */
	bool *flag;          /* set for options without a value */
};

/* Parses argv[1..] against opts (terminated by a zeroed entry). Positional arguments are
 * moved to the front of argv, their count returned in *npos. "--help" prints the command's
 * usage and returns 1; an unknown option or a missing value prints a Russian message and
 * returns ERR_USAGE. */
int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts, int *npos);
/* cli_parse() for a command that takes options only: a positional argument is a usage
 * error («лишний аргумент»). */
int cli_parse_options(struct cli *c, int argc, char **argv, const struct cli_opt *opts);
/* Prints "использование: …" for the current command to stderr and returns ERR_USAGE. */
int cli_usage_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the database (see db_open flags); prints a Russian message on failure. */
int cli_open_db(struct cli *c, int flags, struct db **out);
/* Prints the problems of an import to stderr, errors first, and a count line. */
void cli_print_diags(const struct diag_list *d);
/* Writes a document made in memory to path ("-" or NULL: standard output) and says where
 * it went; ERR_IO with a Russian message when it cannot. */
int cli_write_out(const char *path, const struct buf *b);
/* The operating-system user running the command, for upload records. */
const char *cli_user_name(void);
/* True when stderr is a terminal (progress is shown only then). */
bool cli_is_tty(void);

/* The commands. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_gen(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_analyze(struct cli *c, int argc, char **argv);
int cmd_analyze_histogram(struct cli *c, int argc, char **argv);
int cmd_pupils(struct cli *c, int argc, char **argv);
int cmd_codes(struct cli *c, int argc, char **argv);
int cmd_print(struct cli *c, int argc, char **argv);
int cmd_keys(struct cli *c, int argc, char **argv);
int cmd_plan(struct cli *c, int argc, char **argv);
int cmd_monitoring(struct cli *c, int argc, char **argv);
int cmd_form(struct cli *c, int argc, char **argv);
int cmd_materials(struct cli *c, int argc, char **argv);
int cmd_schools(struct cli *c, int argc, char **argv);
int cmd_observers(struct cli *c, int argc, char **argv);
int cmd_recheck(struct cli *c, int argc, char **argv);
/* The one-line help and the usage text of `oko recheck` (src/cli/cmd_recheck.c), for its row
 * in the command table. */
extern const char cmd_recheck_summary[], cmd_recheck_usage[];
/* Plans of measures (src/cli/cmd_measures.c) and official documents (cmd_document.c). */
int cmd_measures(struct cli *c, int argc, char **argv);
extern const char cmd_measures_summary[], cmd_measures_usage[];
int cmd_document(struct cli *c, int argc, char **argv);
extern const char cmd_document_summary[], cmd_document_usage[];
/* The installation's settings: the region's time zone (src/cli/cmd_settings.c). */
int cmd_settings(struct cli *c, int argc, char **argv);
extern const char cmd_settings_summary[], cmd_settings_usage[];
/* The database itself: its schema, a copy into another engine (src/cli/cmd_db.c). */
int cmd_db(struct cli *c, int argc, char **argv);
/* Medalists and the non-confirmation index (src/cli/cmd_medalists.c). */
int cmd_medalists(struct cli *c, int argc, char **argv);
extern const char cmd_medalists_summary[], cmd_medalists_usage[];
/* Teachers of classes and teachers in the risk zone (src/cli/cmd_teachers.c). */
int cmd_teachers(struct cli *c, int argc, char **argv);
extern const char cmd_teachers_summary[], cmd_teachers_usage[];
extern const char cmd_db_summary[], cmd_db_usage[];
/* The files kept beside a database (src/cli/cmd_db.c, which `oko db copy` and `oko backup`
 * copy): the key, the scans of re-checked works, the evidence of measures, the materials;
 * key_ok says whether the key's place is known. */
enum { CLI_DBF_KEY, CLI_DBF_SCANS, CLI_DBF_EVIDENCE, CLI_DBF_FILES, CLI_DBF_N };
void cli_db_files(struct db *d, char paths[CLI_DBF_N][1100], bool *key_ok);
/* The directories of those kept beside the SQLite database file `file` (which need not exist
 * yet: a restore's target); paths[CLI_DBF_KEY] is left as it is. */
void cli_db_dirs(const char *file, char paths[CLI_DBF_N][1100]);
/* Backup, restore and checks of a database (src/cli/cmd_backup.c). */
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_restore(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
extern const char cmd_backup_summary[], cmd_backup_usage[], cmd_restore_summary[],
	cmd_restore_usage[], cmd_check_summary[], cmd_check_usage[];

#endif
