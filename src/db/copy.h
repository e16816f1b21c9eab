/* db/copy: the schema of an oko database as data, read from either engine's catalog, and a
 * whole database copied into another of either engine (`oko db schema`, `oko db copy`:
 * src/cli/cmd_db.c; docs/postgresql.md).
 *
 * The schema is what both engines can be compared on, whatever the names and spellings
 * each gives: per column its table, name, type class (the SQLite affinity of the migration's
 * declared type; bigint/double precision/text/bytea on PostgreSQL), NOT NULL (a primary key
 * column counts as NOT NULL on both) and position in the primary key; per index its table,
 * columns (DESC when descending), UNIQUE and the WHERE of a partial index, normalised —
 * never its name (migration 003 renamed an index in the source, old SQLite databases keep the
 * old name) and never the index of a primary key (the column lines say it); per foreign key
 * its columns, the parent and its columns, the ON DELETE/UPDATE actions; the views by name.
 * The catalog SQL (pragma_table_info and friends, pg_catalog) lives here, in the driver.
 *
 * The copy reads the source in one snapshot (a read transaction) and writes the target in one
 * transaction (db_begin_bulk: foreign keys checked at COMMIT on PostgreSQL, by
 * foreign_key_check before COMMIT on SQLite), table by table, parents first, through db_copy
 * (COPY on PostgreSQL) or, on SQLite, one INSERT with typed bindings (a REAL keeps its every
 * bit). Each table's rows are counted in the source, as read and in the target: all three
 * must agree. On PostgreSQL every identity column's sequence is then moved past max(id). The
 * files kept beside a database (key, scans, evidence, materials) are copied by
 * dbcopy_files(), whose caller names them (their names are the model's). */
#ifndef OKO_DB_COPY_H
#define OKO_DB_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

enum dbcopy_class { DBCOPY_INTEGER, DBCOPY_REAL, DBCOPY_TEXT, DBCOPY_BLOB };

struct dbcopy_column {
	char *name;
	int cls;        /* enum dbcopy_class */
	bool notnull;   /* NOT NULL, or part of the primary key */
	int pk;         /* position in the primary key from 1; 0 when not in it */
	bool identity;  /* PostgreSQL: GENERATED … AS IDENTITY (its sequence is reset by a copy) */
};

struct dbcopy_table {
	char *name;
	struct dbcopy_column *cols;
	int ncols;
	char **indexes; /* canonical descriptions (see the top), sorted */
	int nindexes;
	char **fkeys;   /* canonical descriptions, sorted */
	int nfkeys;
	char **parents; /* the tables its foreign keys reference (itself left out) */
	int nparents;
};

struct dbcopy_schema {
	int version;                 /* db_schema_version() */
	struct dbcopy_table *tables; /* by name; oko_schema (PostgreSQL) and sqlite_* left out */
	int ntables;
	char **views;
	int nviews;
};

/* Reads the schema of the database's main schema (SQLite) or current schema (PostgreSQL). */
int dbcopy_schema_read(struct db *d, struct dbcopy_schema *out);
void dbcopy_schema_free(struct dbcopy_schema *s);
/* The canonical text (one line per column, index, foreign key and view, each kind sorted;
 * the first line says the version), malloc'ed. Equal for two databases of one schema. */
char *dbcopy_schema_text(const struct dbcopy_schema *s);

/* Opens the target of a copy, creating it (a new SQLite file, or the oko schema in an empty
 * PostgreSQL database) at the latest schema. Refuses, with a Russian reason in msg and
 * before changing anything, a target that holds oko data (ERR_EXISTS: rows beyond those a
 * fresh database has), one that holds tables that are not oko's (ERR_EXISTS) or cannot be
 * opened. *created says whether a SQLite file was made here (dbcopy_remove_sqlite() it when
 * the copy fails). */
int dbcopy_open_target(const char *url, struct db **out, bool *created, char *msg, size_t n);
/* 0 when the database holds no more than a fresh database holds (the rows migrations put
 * in); ERR_EXISTS, with the first table that holds more named in msg, when it holds data. */
int dbcopy_holds_data(struct db *d, char *msg, size_t n);
/* Removes a SQLite database file and its companions (-wal, -shm, -journal). */
void dbcopy_remove_sqlite(const char *url);

/* Called after each table is copied, with the rows copied (and checked in the target). */
typedef void dbcopy_progress(void *ctx, const char *table, int64_t rows);

/* Copies every table of src into dst (both at the same schema version, dst holding no more
 * than a fresh database: checked again inside the transaction), whole or not at all.
 * *total gets the rows copied. A failure rolls dst back and says why in msg. */
int dbcopy_tables(struct db *src, struct db *dst, dbcopy_progress *progress, void *ctx,
		  int64_t *total, char *msg, size_t n);

/* A file or directory kept beside a database and where its copy goes. */
struct dbcopy_file {
	const char *from, *to;
	bool copied;  /* set by dbcopy_files(): something was written at `to` */
	bool made;    /* `to` was created (not an empty directory that was there) */
	int64_t files; /* how many files were copied */
};

/* Copies each entry that exists at `from` (a file, or a directory with its tree; modes kept)
 * to `to`. Refuses (ERR_EXISTS) before copying anything when a `to` exists, unless it is an
 * empty directory or a file with the same bytes (a key file copied before). On a failure
 * removes what it wrote. */
int dbcopy_files(struct dbcopy_file *f, int n, char *msg, size_t m);
/* Removes what dbcopy_files() wrote (a later step failed). */
void dbcopy_files_undo(struct dbcopy_file *f, int n);

#endif
