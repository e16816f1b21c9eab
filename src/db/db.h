/* db: the only module that talks to a database driver.
 *
 * Callers see a narrow interface: open, prepared statements with bound parameters,
 * transactions, migrations. SQL text is constant and uses '?' placeholders only, so a
 * PostgreSQL driver can sit behind the same functions (rewriting '?' to $n at prepare
 * time) without touching callers. The SQLite driver opens databases in WAL mode with
 * foreign keys on, one connection per thread. */
#ifndef OKO_DB_H
#define OKO_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum {
	DB_DONE = 0, /* db_step(): no more rows */
	DB_ROW = 1,  /* db_step(): a row is ready */
};

enum db_open_flags {
	DB_OPEN_CREATE = 1,   /* create the file when missing */
	DB_OPEN_READONLY = 2,
	DB_OPEN_NOMIGRATE = 4, /* do not migrate an older database automatically */
	DB_OPEN_SCAN = 8,      /* SQLite: a connection for long range scans beside others in the
				  process (the analysis's workers): no memory map of the file and
				  a small page cache, so that each one does not add the file's first
				  256 MB and 64 MB of cache to the process's resident memory */
};

/* Opens the database at path: a file name for SQLite (optionally written "sqlite:FILE"), or
 * a PostgreSQL URL ("postgresql://user@host/dbname", "postgresql:///dbname?host=/run/sock")
 * for the PostgreSQL driver (src/db/pg.h). Unless DB_OPEN_NOMIGRATE is given, a database created by an
 * older oko is migrated (with a message on stderr), after a backup of it is taken
 * (dbbackup_before_migration, src/db/backup.h: no backup, no migration); a newer one fails
 * with ERR_VERSION. A
 * missing file without DB_OPEN_CREATE fails with ERR_NOTFOUND. */
int db_open(struct db **out, const char *path, int flags);
void db_close(struct db *d);
/* The directory of the database's file, for scratch files that belong beside it (never the
 * shared /tmp); "" for an in-memory database. */
void db_directory(struct db *d, char *out, size_t n);
/* The database's file (absolute as the driver has it); "" for an in-memory database. Files
 * that belong to one database (the scans of re-checked works) are named after it. */
void db_file(struct db *d, char *out, size_t n);
/* What db_open() takes to open the same database again (another thread's connection): the
 * file for SQLite, the URL for PostgreSQL. */
void db_url(struct db *d, char *out, size_t n);
/* True when the database is PostgreSQL (commands that copy or back up a database). */
bool db_is_pg(struct db *d);
/* The database's size in bytes (SQLite: pages × page size of the main file, the WAL aside;
 * PostgreSQL: pg_database_size of the current database), for monitoring. */
int db_size_bytes(struct db *d, int64_t *out);
/* Russian-prefixed text of the driver's last error, for messages. */
const char *db_errmsg(struct db *d);

/* Runs constant SQL without parameters (may hold several statements). */
int db_exec(struct db *d, const char *sql);

/* Prepares one statement. The statement belongs to the caller: db_finalize() it. */
int db_prepare(struct db *d, struct db_stmt **out, const char *sql);
void db_finalize(struct db_stmt *s);
/* A statement kept by the connection for reuse, like Fossil's static statements: sql must
 * be a string constant (it is the cache key). The statement comes back reset; the caller
 * binds, steps and must not finalize it; after reading a row it must db_reset() it, or
 * the connection keeps a read transaction open and a later write fails as busy. Finalized
 * by db_close(). For model functions that run once per imported school or per request. */
int db_cached(struct db *d, struct db_stmt **out, const char *sql);
/* Resets a statement for another execution. Bindings stay: rebind what changes. */
int db_reset(struct db_stmt *s);
/* Marks a statement to be read row by row as the server sends it (PostgreSQL's single-row
 * mode) instead of whole: for one big scan read to the end, with no other statement run on
 * the connection until it is done or reset. A no-op on SQLite, which always steps. */
void db_stream(struct db_stmt *s);
/* Parameters are 1-based, in the order of the '?' in the SQL. */
int db_bind_int(struct db_stmt *s, int i, int64_t v);
int db_bind_double(struct db_stmt *s, int i, double v);
/* Text is copied; n < 0 means NUL-terminated. A NULL pointer binds SQL NULL. */
int db_bind_text(struct db_stmt *s, int i, const char *v, int n);
int db_bind_blob(struct db_stmt *s, int i, const void *v, size_t n);
/* Like db_bind_text/db_bind_blob but without a copy: the value must stay unchanged until
 * the statement has been stepped and reset. For hot loops that bind and step at once. */
int db_bind_text_ref(struct db_stmt *s, int i, const char *v, int n);
int db_bind_blob_ref(struct db_stmt *s, int i, const void *v, size_t n);
int db_bind_null(struct db_stmt *s, int i);
/* Executes: DB_ROW while rows come, DB_DONE at the end, or a negative ERR_* code. */
int db_step(struct db_stmt *s);
/* Steps a statement expected to give one row: 0 with the row ready, ERR_NOTFOUND when
 * there is none, or a negative ERR_* code. */
int db_step_one(struct db_stmt *s);
/* Column accessors for the current row; columns are 0-based. Text and blobs are valid
 * until the next step/reset. */
int64_t db_col_int(struct db_stmt *s, int i);
double db_col_double(struct db_stmt *s, int i);
const char *db_col_text(struct db_stmt *s, int i); /* "" for NULL */
const void *db_col_blob(struct db_stmt *s, int i, size_t *n);
bool db_col_null(struct db_stmt *s, int i);

/* A long scan read by a callback, for the hottest reads (the analysis's million rows a
 * second). sql is "SELECT <columns> FROM <the rest>": the first " FROM " ends the columns;
 * no DISTINCT, GROUP BY or LIMIT (refused: ERR_INVALID). Bind its parameters as usual, then
 * db_each() calls fn for every row, which reads the row with db_col_* (valid during the
 * call only) and returns 0 to go on or a negative ERR_* code to stop; db_each returns that
 * code (with the connection's message as fn left it), the step's error, or 0 at the end.
 * On SQLite the columns are the arguments of an aggregate function (oko_each) that calls
 * fn: a row costs no call through SQLite's API for each column (about 550 instructions
 * fewer a row of eight columns). What follows FROM applies to that aggregate's one row, so
 * an ORDER BY does not order the rows there: they come in the scan's order — the primary
 * key's for a range of it, which is what an ORDER BY for db_each must ask for. On
 * PostgreSQL the statement is stepped as prepared (ORDER BY applies; with db_stream, fn
 * runs no other statement on the connection). One db_each at a time on a connection, and
 * a statement prepared for it is stepped only by it. */
int db_prepare_each(struct db *d, struct db_stmt **out, const char *sql);
int db_each(struct db_stmt *s, int (*fn)(void *ctx, struct db_stmt *row), void *ctx);

/* Runs a statement that returns at most one integer (e.g. SELECT count(*)); *out gets it,
 * or dflt when there is no row or the value is NULL. */
int db_query_int(struct db *d, const char *sql, int64_t dflt, int64_t *out);
/* The same through the connection's statement cache (db_cached), for a query asked often. */
int db_cached_int(struct db *d, const char *sql, int64_t dflt, int64_t *out);

/* Bulk load of many rows into one table, whole or not at all with the caller's transaction:
 * SQLite gathers the rows in batches of 256 and inserts each batch by one INSERT … SELECT
 * from the batch (a virtual table, oko_batch: no bound value a cell, one statement
 * execution a batch); PostgreSQL streams them with COPY FROM STDIN. cols is the constant
 * column list ("a, b, c"), ncols its length (at most 64 on SQLite). Each row gives every
 * column in order through db_copy_int/text/blob/null, then db_copy_row(); texts and blobs
 * are copied, so the caller may reuse its buffers at once. A row that breaks a constraint
 * fails when its batch is stored — at a later db_copy_row() or at db_copy_close() on
 * SQLite, at db_copy_close() (or the next statement on the connection) on PostgreSQL: the
 * caller rolls back either way. */
struct db_copy;
int db_copy_open(struct db *d, struct db_copy **out, const char *table, const char *cols,
		 int ncols);
int db_copy_int(struct db_copy *c, int64_t v);
int db_copy_text(struct db_copy *c, const char *v); /* NULL gives SQL NULL */
int db_copy_blob(struct db_copy *c, const void *v, size_t n);
int db_copy_null(struct db_copy *c);
int db_copy_row(struct db_copy *c);
/* Fixes a column's value for every row of the copy (an integer, or NULL), before the first
 * value is put. The caller still puts the column in each row; a row whose value is not
 * the fixed one fails the copy (ERR_INVALID). On SQLite the INSERT holds the value instead
 * of reading it from every row of the batch: a column call less a row for each. */
int db_copy_fix_int(struct db_copy *c, int col, int64_t v);
int db_copy_fix_null(struct db_copy *c, int col);
/* Overlapped (SQLite, inside a transaction; nothing otherwise): each full batch is stored
 * by a thread of its own while the caller gathers the next, so gathering and storing take
 * a core each. From
 * here to db_copy_close() the caller promises not to use the connection otherwise (reading
 * a statement's columns, binding); the driver's own entry points (db_exec, db_prepare,
 * db_cached, db_step, db_reset, db_finalize, db_changes, db_last_id, db_errmsg, db_commit,
 * db_rollback) wait for the batch in store first. A batch's failure is reported one batch
 * later: by a db_copy_row() or by the close; after SQLite has rolled the transaction back
 * (an I/O error), no further batch is stored. */
void db_copy_overlap(struct db_copy *c);
/* Ends the load (sending what is left) and frees c; its result is the load's. */
int db_copy_close(struct db_copy *c);

/* Transactions. db_begin() takes the write lock at once (BEGIN IMMEDIATE) so a long
 * import does not fail half-way on a busy database. Not nested. */
int db_begin(struct db *d);
/* A write transaction for a bulk store whose caller vouches for its references and values:
 * every id it stores was read from the database within the same transaction, and every
 * value was validated against the columns' CHECK rules before, so the per-row foreign key
 * checks (two index look-ups a result) and CHECK expressions buy nothing and the driver may
 * skip them until db_commit()/db_rollback(), which restore them. Otherwise as db_begin()
 * (ERR_BUSY when the lock is not had; then the checks are on again).
 * SQLite: PRAGMA foreign_keys = OFF and ignore_check_constraints = ON before BEGIN
 * IMMEDIATE (the first is a no-op inside a transaction), back after the end (the CHECKs
 * were 7 % of a results import's instructions).
 * PostgreSQL: BEGIN and SET CONSTRAINTS ALL DEFERRED (the translated schema declares every
 * foreign key DEFERRABLE): the checks run at COMMIT — still one per row (measured: about
 * half of a big import's time, docs/scale.md), so this keeps the guarantee but buys no
 * speed there; every CHECK is checked as usual, so the tests' PostgreSQL pass would catch
 * a value a caller did not validate. */
int db_begin_bulk(struct db *d);
int db_commit(struct db *d);
int db_rollback(struct db *d);

/* The content version: a number that moves with every committed change of the content —
 * what pages, lists and documents show — and only then, for caches of answers derived
 * from it (the web's kept pages and downloads), in this process or another (a command
 * importing while the server serves). It is the row of the table content_rev, moved by
 * this driver in the same transaction as the change (at db_commit; at once after a change
 * made outside a transaction), so a reader that sees the change sees the new number. What
 * is a change of the content is read from each statement's text (db_sql_changes_content):
 * any write but to the audit journal, the sessions and the requests for materials
 * (material_download), which no cached answer shows — a download that writes its audit row
 * or its request, or a login, leaves every kept answer valid. Pages that show those tables
 * (the audit log, the region's materials page) must not be cached on this number alone. 0 when the
 * database has no such table yet (not migrated): nothing may be cached then. */
uint64_t db_content_version(struct db *d);
/* Whether the SQL text (one statement or several) changes the content: a write (INSERT,
 * REPLACE, UPDATE, DELETE, also after WITH; any statement not known to only read, such as
 * CREATE or COPY) to a table other than audit, session, material_download and content_rev. */
bool db_sql_changes_content(const char *sql);

int64_t db_last_id(struct db *d);
int64_t db_changes(struct db *d);

/* Schema version: the number of the last migration applied (SQLite's user_version; the
 * table oko_schema on PostgreSQL). */
int db_schema_version(struct db *d, int *version);
/* The newest migration this binary knows. */
int db_schema_latest(void);
/* Applies the pending migrations in one transaction each; *applied gets how many. */
int db_migrate(struct db *d, int *applied);
/* The same up to schema version target only (an older schema, for the upgrade tests). */
int db_migrate_to(struct db *d, int target, int *applied);
/* The text of migration `version` for this database's engine (the PostgreSQL form is
 * translated from the SQLite file, see migrate.c), malloc'ed; NULL when there is none. */
char *db_migration_sql(struct db *d, int version);
/* The PostgreSQL form of a migration written for SQLite (the rules are at the top of
 * migrate.c), malloc'ed; NULL, with a message naming `name`, on a construct it cannot
 * translate. */
char *db_pg_ddl(const char *sqlite_sql, const char *name);

#endif
