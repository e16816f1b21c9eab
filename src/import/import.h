/* import: reads files of the outside contract (formats.md) into the model, atomically.
 *
 * Each importer parses with io/ (table_read), validates every row, collects all problems
 * in a diag_list with file, sheet, row, column and value, and stores through model/ in
 * one transaction only when no problem rejects the file: a file with any error changes
 * nothing. The caller (cli/, later web/) prints or renders the problems and the summary. */
#ifndef OKO_IMPORT_H
#define OKO_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "db/db.h"
#include "io/table.h"
#include "model/procedure.h"

struct user;

struct import_opts {
	bool dry_run;          /* validate only, store nothing */
	const char *procedure; /* procedure code, for layouts that do not carry one */
	const char *scale;     /* "a/b/c" mark scale to set with a KIM description */
	const char *user;      /* who uploads, recorded with a results upload */
	const char *name;      /* the file's name for messages and the upload history, when
				  the path is not what the user knows (a browser upload); NULL:
				  the path */
	/* The file's bytes when they are in memory (an upload the server keeps off the disk):
	 * then path is only a name and nothing is read from the disk. */
	const void *data;
	size_t len;
	const char *region;    /* region of schools first seen in a results file */
	/* Territory of the uploader: when set, rows of other schools reject the file and no
	 * school is created (a school coordinator uploads only its own school). */
	int64_t only_school;
	int64_t only_municipality;
	int64_t only_region;
	int year;              /* pupils: the school year (pupil_year_of); 0 = the current one;
				  teachers: the year of the procedures (required without procedure) */
	/* Results: rows replace only the results of the participants they name, and a row with
	 * a code and nothing else deletes that participant's result (the results grid); else a
	 * school's rows replace all its earlier results for the procedure. */
	bool merge;
	/* Results: when the file would replace results stored by earlier uploads, store nothing
	 * and return ERR_CONFIRM with the summary naming them (the web asks first); else they
	 * are replaced and named in the summary. */
	bool ask_replace;
	/* Results: strict mode — problems that by default only mark a row (an impossible cell)
	 * reject the file (docs/import.md). */
	bool strict;
	/* Results: a form for a procedure oko does not know may create it from its headers
	 * (the region and the administrator; never a school). */
	bool may_create_procedure;
	/* Results: a procedure neither described nor in oko's catalogue, read by position
	 * number (regional exports), is created from the file — positions by column, maxima
	 * the largest points seen, marked as inferred — instead of the file being refused with
	 * that proposal (--accept-inferred; needs may_create_procedure). */
	bool accept_inferred;
	/* Results: how long the store waits in line for the write lock behind another import
	 * (seconds; 0 = 60). */
	int wait_seconds;
	/* Results: when set, the audit row of a stored upload, written in the upload's own
	 * transaction (object: the file's name; detail: the summary). */
	const char *audit_action;
	const struct user *audit_user;
	const char *audit_ip;
	/* Called now and then during a long import (may be NULL). */
	void (*progress)(void *ctx, uint64_t done, uint64_t total, long rows);
	void *progress_ctx;
};

struct import_stats {
	long rows;     /* data rows read */
	long created;  /* objects created */
	long updated;  /* objects updated */
	long rejected; /* rows with errors */
	long written;  /* results: participants who wrote the work */
	long absent;   /* results: participants marked absent */
	long schools;  /* results: schools in the file */
	long schools_written; /* results: schools with at least one written work */
	long marked;   /* results: rows stored with a problem marked */
	long replaced; /* results: earlier results replaced */
	long replacing; /* results: earlier results replaced, or that storing the file would replace */
	long skipped;  /* results: rows with a code and nothing else, not stored */
	int64_t upload_id; /* results: the upload recorded */
	char layout[16];   /* results: the layout recognised */
	/* results: a procedure proposed from the file (not accepted): its code and positions
	 * as "label:max …", for a page that lets a person confirm or correct it. */
	char proposal_code[40];
	char proposal[PROC_MAX_POSITIONS * 12];
	char summary[2048]; /* Russian text describing what was stored, one or more lines */
};

/* What an importer reads: the bytes in memory when the options carry them, else the file. */
static inline struct table_in import_input(const char *path, const struct import_opts *o)
{
	return o->data ? (struct table_in){ .data = o->data, .len = o->len }
		       : (struct table_in){ .path = path };
}

/* Reads the whole table through fn (table_read) and turns what went wrong into problems:
 * a reading failure ("read"), a file without even a header row ("empty", *have_header is
 * the reader's flag, set by fn), and any error fn added — ERR_INVALID. */
int import_read_table(const struct table_in *in, table_row_fn fn, void *ctx,
		      struct table_src *src, const char *path, const bool *have_header,
		      struct diag_list *diags);
/* Ends the transaction an importer opened to store a file: committed when rc is 0, no row
 * was refused while storing (diags) and it is not a dry run; else undone. Returns rc, or
 * ERR_INVALID for a row refused while storing, or the commit's failure. */
int import_end_tx(struct db *d, const struct diag_list *diags, bool dry_run, int rc);

/* schools.csv: login,name,municipality,region,kind,settlement,indepth */
int import_schools(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st);
/* aliases.csv: login,alias — the alias is another login of the school (logins change
 * between years); a school of its own under the alias is merged into the school (see
 * registry_alias_add). st->created counts the aliases recorded. */
int import_aliases(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st);
/* procedures.csv: procedure,kind,year,subject,grade,max_score,positions,scale */
int import_procedures(struct db *d, const char *path, const struct import_opts *o,
		      struct diag_list *diags, struct import_stats *st);
/* Results in any of the layouts of formats.md (canonical CSV, regional exports of 2021
 * and 2020, the ФИС ОКО results form), recognised by their headers. */
int import_results(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st);
/* Result rows from a source that is not a file — the results grid, an API call — under
 * the canonical layout's column names (formats.md: school, procedure, code, class,
 * variant, gender, journal_mark, absent, total, then the positions' labels or p1…pK).
 * import_results_rows() checks and stores them exactly as it does a canonical CSV with that
 * header and those rows: the same rules (the `rules` table of import/results.c, explained in
 * docs/import.md) and options, the rows numbered as the CSV's lines (the header is row 1,
 * the first row 2), a problem's column named as in that CSV ("5 «variant»", see
 * table_colname). A source and the file of the same rows give the same problems and store
 * the same results; the upload is recorded with the digest and size of that CSV. */
struct import_rows {
	size_t ncols;
	const char *const *cols; /* the header */
	/* Points cells[0..ncols) at the next row's texts (NUL-terminated UTF-8; "" or NULL for
	 * empty; valid until the next call); returns 1, 0 after the last row, or an ERR_*. */
	int (*next)(void *ctx, const char **cells);
	void *ctx;
};
/* name: the source as the user knows it («сетка ввода»), for messages and the history;
 * o->data, o->procedure are not used. */
int import_results_rows(struct db *d, const char *name, const struct import_rows *rows,
			const struct import_opts *o, struct diag_list *diags, struct import_stats *st);
/* A KIM description (layout 4): positions with level and maximum for o->procedure. */
int import_kim(struct db *d, const char *path, const struct import_opts *o,
	       struct diag_list *diags, struct import_stats *st);

/* A class list of o->only_school (required): columns «Класс» and «Фамилия», «Имя»,
 * «Отчество» or one «ФИО» column; pupils already known (same class and name in the year)
 * are kept, new ones added; names stored sealed (model/pupil.h). st->created counts the
 * new pupils, st->updated the ones found. */
int import_pupils(struct db *d, const char *path, const struct import_opts *o,
		  struct diag_list *diags, struct import_stats *st);

/* teachers.csv: school,class,subject,teacher (docs/formats.md) — who taught each class:
 * a row maps to the procedures of the subject and the class's grade of year o->year, or to
 * the procedure o->procedure; rows of another school than o->only_school (when set) are
 * refused. Teachers are found by name or added (sealed, model/teacher.h); an assignment
 * replaces the class's earlier one. st->created counts new teachers, st->updated the
 * classes assigned. */
int import_teachers(struct db *d, const char *path, const struct import_opts *o,
		    struct diag_list *diags, struct import_stats *st);

/* A plan-graph: campaign,procedure,materials_from,window_from,window_to,criteria_from,
 * form_from,upload_deadline (docs/plan.md). st->created counts procedures newly planned,
 * st->updated those whose dates changed. */
int import_plan(struct db *d, const char *path, const struct import_opts *o,
		struct diag_list *diags, struct import_stats *st);
/* sittings.csv: procedure,school,date,time (docs/plan.md) — the schools' dates and times:
 * each row takes the school into the procedure's plan-graph (the procedure must be in
 * one) and fixes its date and time as plan_fix_date does (inside the window; one row per
 * school and procedure). st->created counts schools newly taken in, st->updated the
 * others. */
int import_sittings(struct db *d, const char *path, const struct import_opts *o,
		    struct diag_list *diags, struct import_stats *st);

/* observers.csv: id,name,kind,municipality,works_at,children_at,max_per_day,available
 * (docs/formats.md) — the registry of observers, checked against the campaign campaign_id
 * (required): every date of `available` must fall within the campaign (from the first
 * window_from to the last window_to of its procedures). id unique in the file (≤ 63
 * bytes), name required, kind «общественный» or «специалист» (any case), municipality a
 * known one or empty, works_at / children_at known school logins separated by spaces,
 * max_per_day empty (1) or 1–10. A known id is updated (its schools and days replaced),
 * a new one added: st->created / st->updated. With o->only_municipality set (a municipal
 * coordinator's upload) every observer must be of that municipality (an empty one is
 * taken as it) and an id already stored for another municipality is refused. Reads a
 * file or, with o->data, memory; stores in one transaction only when no row is refused. */
int import_observers(struct db *d, const char *path, const struct import_opts *o,
		     int64_t campaign_id, struct diag_list *diags, struct import_stats *st);

/* acts.csv: procedure,school,observer_id,started,ended,stages,no_violations,violations,
 * comment (report/observers.h, docs/formats.md) — paper observation acts typed in later
 * (`oko import acts`), the table `oko export acts` writes. Each row is one act of the
 * sitting (procedure, school) by the observer assigned to it (observer_act_put, paper);
 * an act already stored for that sitting and observer is replaced. stages and violations:
 * titles separated by «;» (stages also as the number of their bits), no_violations 1/0
 * (да/нет). st->created / st->updated. The whole file is checked first — every refusal
 * of observer_act_put (times, stages, violations, the observer assigned to the sitting)
 * with its row and column — and nothing is stored when a row is refused; observer_act_put
 * keeps each act in a transaction of its own, so only an I/O failure half-way through the
 * store leaves the acts of the rows above it (the message says so). */
int import_acts(struct db *d, const char *path, const struct import_opts *o,
		struct diag_list *diags, struct import_stats *st);

/* experts.csv: id,name,municipality,subjects,works_at,children_at,max_works,login
 * (docs/formats.md) — the registry of experts for re-checks (model/recheck.h). id unique
 * in the file (≤ 63 bytes), name required, municipality a known one or empty (a regional
 * expert), subjects subject codes (RU, MA, …) separated by spaces or commas, empty = any,
 * works_at / children_at known school logins separated by spaces (conflicts of interest),
 * max_works empty (200) or 1–10000, login empty or a user of role expert to link. A known
 * id is updated, a new one added (st->created / st->updated). With o->only_municipality
 * set every expert must be of that municipality. Whole file or nothing. */
int import_experts(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st);

/* rechecks.csv: procedure,school,code,check,expert,<positions> (docs/formats.md) — checks
 * typed in from paper (`oko import rechecks`): check 2 or 3, expert a code of the experts'
 * registry, the positions named as in results.csv (p1…pK or the procedure's labels), each
 * 0..its maximum. The work (procedure, school, code) must be sampled; check 3 only for a
 * work whose check 2 is done and differs significantly. Stored by recheck_check_import
 * (st->created new checks, st->updated replaced). Whole file or nothing; every problem
 * with its row and column. */
int import_rechecks(struct db *d, const char *path, const struct import_opts *o,
		    struct diag_list *diags, struct import_stats *st);

/* A plan of measures' table (docs/formats.md, «План мероприятий»): «№ п/п», «Мероприятия»
 * (or «Наименование мероприятия»), «Срок(и)» / «Дата проведения», «Ответственный»,
 * «Ожидаемый результат», headers matched loosely and searched among the first rows; the
 * columns report/measures_table.h writes are read too («Выполнить до»: the due date;
 * status, note, school and cause are ignored). A row with only its first cells filled is
 * a block (направление), the others are measures of the current block (before any block:
 * a block «Мероприятия»); a block whose title the plan has already is added to. A row
 * without a number right after a numbered measure continues it (a table split across
 * pages). Appended to the plan plan_id with due dates from the terms
 * (mp_term_due). st->created counts the measures, the summary the blocks. Whole
 * file or nothing; every problem with its row and column. */
int import_measures(struct db *d, const char *path, const struct import_opts *o, int64_t plan_id,
		    struct diag_list *diags, struct import_stats *st);
/* medalists.csv: school,year,code,medal (docs/formats.md) — the medal candidates or
 * holders of schools by participant code; the lists of the (school, year) pairs in the file
 * are replaced (model/medalist.h). Rows of schools outside o->only_school /
 * only_municipality / only_region refuse the file. st->created counts the medalists,
 * st->replaced the earlier rows removed, st->schools the lists. Whole file or nothing. */
int import_medalists(struct db *d, const char *path, const struct import_opts *o,
		     struct diag_list *diags, struct import_stats *st);
/* medal_thresholds.csv: year,medal,subject,min_score,min_mark,source (docs/medalists.md) —
 * replaces the stored thresholds of every year in the file. Whole file or nothing. */
int import_medal_thresholds(struct db *d, const char *path, const struct import_opts *o,
			    struct diag_list *diags, struct import_stats *st);

#endif
