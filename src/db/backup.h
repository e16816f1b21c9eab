/* db/backup: a consistent copy of a database taken while it is in use, its restore, and the
 * engine's own checks (`oko backup`, `oko restore`, `oko check`: src/cli/cmd_backup.c; the
 * copy taken before a migration: db_open()). docs/postgresql.md and docs/personal-data.md
 * say what an operator keeps.
 *
 * SQLite: the online backup API copies the pages of one snapshot — a read transaction held
 * on the source for the whole copy, so a server that keeps writing (WAL: writers never wait
 * for readers) neither waits nor makes the copy start over — in steps of DBBACKUP_STEP pages,
 * into a temporary file beside the target (mode 0600), which is switched to the rollback
 * journal (one self-contained file, no -wal), checked (quick_check), fsync'ed and renamed
 * onto the target's name: a half copy never carries it.
 * PostgreSQL: pg_dump in its custom format (-Fc), into a temporary file renamed likewise;
 * pg_restore puts one into an empty database. Both get the database's parameters on their
 * command line without the password (libpq's PQconninfoParse splits the URL) and the
 * password, when the URL has one, in their environment (PGPASSWORD): any user of the
 * machine can read a process's command line (ps), only its owner its environment. */
#ifndef OKO_DB_BACKUP_H
#define OKO_DB_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define DBBACKUP_STEP 1024 /* pages copied per step */

/* Called after each step with the pages copied and the pages of the snapshot. */
typedef void dbbackup_progress(void *ctx, int64_t done, int64_t total);

/* Copies the SQLite database file src into out (which must not exist: ERR_EXISTS), as
 * above. *bytes (may be NULL) gets the copy's size. A failure leaves nothing at out and says
 * why in msg (Russian). */
int dbbackup_sqlite(const char *src, const char *out, dbbackup_progress *progress, void *ctx,
		    int64_t *bytes, char *msg, size_t n);
/* Dumps oko's schema (the connection's current schema) of the PostgreSQL database d into
 * out (which must not exist) with pg_dump -Fc, connecting with d's URL. */
int dbbackup_pg(struct db *d, const char *out, char *msg, size_t n);

/* The copy db_open() takes before it migrates a database of schema version `version`
 * (≥ 1): into OKO_BACKUP_DIR, else beside the database (for PostgreSQL: beside db_file(),
 * i.e. in OKO_FILES), named after it plus ".before-schema-NNN" (".2", ".3"… when that name
 * is taken); said on stderr. A failure is said in Russian and returned: the caller does not
 * migrate. */
int dbbackup_before_migration(struct db *d, const char *path, int version);

/* What a backup file is, read without changing it. */
struct dbbackup_info {
	bool pg;       /* a pg_dump archive (PGDMP) rather than a SQLite database */
	int version;   /* SQLite: its schema version */
	int64_t bytes;
};
/* Checks a backup: a pg_dump archive that pg_restore can list, or a SQLite database whose
 * integrity_check and foreign_key_check pass and whose schema version is one this binary
 * knows (ERR_VERSION when newer, ERR_INVALID when 0). Russian reason in msg. */
int dbbackup_verify(const char *file, struct dbbackup_info *info, char *msg, size_t n);

/* Whether a SQLite database file is open in another process (a server, an import): the
 * shared-memory file's "dead man switch" byte is read-locked by every connection that has
 * the database open in WAL mode. */
bool dbbackup_in_use(const char *path);

/* Restore, SQLite, in two steps so the caller can check the copy in between:
 * dbbackup_stage() copies the backup into a new temporary file beside target (its name in
 * tmp); dbbackup_swap() takes the database at target for itself — refusing with ERR_BUSY
 * when another process has it open, and holding an exclusive lock so none opens it
 * meanwhile — renames it to keep (when it exists and keep is not NULL; else it must not
 * exist) and the staged file onto target, then syncs the directory. */
int dbbackup_stage(const char *file, const char *target, char *tmp, size_t ntmp, char *msg,
		   size_t n);
int dbbackup_swap(const char *tmp, const char *target, const char *keep, char *msg, size_t n);
/* Undoes a dbbackup_swap() that succeeded (a later step of the restore failed): the restored
 * database goes back to tmp and, when keep exists, keep back to target. */
int dbbackup_unswap(const char *tmp, const char *target, const char *keep, char *msg, size_t n);
/* pg_restore of a pg_dump archive into the (empty) PostgreSQL database at url, in one
 * transaction, stopping at the first error. */
int dbbackup_pg_restore(const char *file, const char *url, char *msg, size_t n);

/* SQLite's integrity_check (quick_check when quick): *problems gets how many lines it gave
 * other than "ok", first the first of them. On PostgreSQL *problems is 0 (the server keeps
 * its pages' integrity; checksums are the cluster's option). */
int dbbackup_integrity(struct db *d, bool quick, int64_t *problems, char *first, size_t n);
/* SQLite's foreign_key_check: *violations gets the rows that break a foreign key, first the
 * first of them ("таблица child, строка 5 → parent"). On PostgreSQL 0: the constraints are
 * enforced by the server at every commit. */
int dbbackup_foreign_keys(struct db *d, int64_t *violations, char *first, size_t n);

#endif
