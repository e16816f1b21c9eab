/* db/pg: the PostgreSQL driver behind db.h, on libpq. Internal to src/db/: db.c calls these
 * when a database was opened by a postgresql:// (or postgres://) URL; nothing else includes
 * this header.
 *
 * Conventions that make the shared dialect work (docs/postgresql.md has the user's side):
 * - SQL keeps SQLite's placeholders ('?' counted from 1 left to right, '?N' numbered); the
 *   driver rewrites them to $n once per statement text, outside quotes and comments.
 * - Values travel as text (blobs as binary bytea); the server infers each parameter's type
 *   from its use. A statement whose parameter has no type to infer (`? IS NULL`, `SELECT ?`)
 *   is prepared again with the types of the values bound (integer → bigint, real → double
 *   precision, text → text). Statements are prepared once per connection and text.
 * - Results come back whole (PQexecPrepared), or row by row for a statement marked with
 *   db_stream(): single-row mode, one query for a whole procedure's results, no other
 *   statement on the connection until it has been read to the end or reset.
 * - Booleans read as 1/0, bytea decoded from hex; counts are bigint, averages numeric: the
 *   column accessors parse text, so the model sees what SQLite gives.
 * - Bulk loads (db_copy_*) stream COPY … FROM STDIN in text format; any other statement on
 *   the connection first ends an open COPY (and fails with its error if the COPY failed). */
#ifndef OKO_DB_PG_H
#define OKO_DB_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pg;
struct pg_stmt;

bool pg_is_url(const char *s);
int pg_open(struct pg **out, const char *url, char *msg, size_t nmsg);
void pg_close(struct pg *c);
const char *pg_errmsg(struct pg *c);
/* The URL the database was opened with, and the base name for files kept beside it
 * ($OKO_FILES or the current directory, then the database's name). */
void pg_url(struct pg *c, char *out, size_t n);
void pg_file(struct pg *c, char *out, size_t n);

int pg_exec(struct pg *c, const char *sql);
int pg_prepare(struct pg *c, struct pg_stmt **out, const char *sql);
void pg_finalize(struct pg_stmt *s);
int pg_reset(struct pg_stmt *s);
void pg_stream(struct pg_stmt *s);
int pg_bind_int(struct pg_stmt *s, int i, int64_t v);
int pg_bind_double(struct pg_stmt *s, int i, double v);
int pg_bind_text(struct pg_stmt *s, int i, const char *v, int n, bool copy);
int pg_bind_blob(struct pg_stmt *s, int i, const void *v, size_t n, bool copy);
int pg_bind_null(struct pg_stmt *s, int i);
int pg_step(struct pg_stmt *s);
int64_t pg_col_int(struct pg_stmt *s, int i);
double pg_col_double(struct pg_stmt *s, int i);
const char *pg_col_text(struct pg_stmt *s, int i);
const void *pg_col_blob(struct pg_stmt *s, int i, size_t *n);
bool pg_col_null(struct pg_stmt *s, int i);

int pg_begin(struct pg *c, bool bulk);
int pg_commit(struct pg *c);
int pg_rollback(struct pg *c);
bool pg_in_transaction(struct pg *c);
int64_t pg_last_id(struct pg *c);
int64_t pg_changes(struct pg *c);

int pg_copy_begin(struct pg *c, const char *sql);
int pg_copy_row(struct pg *c, const char *sql, const char *line, size_t n);
int pg_copy_end(struct pg *c);

#endif
