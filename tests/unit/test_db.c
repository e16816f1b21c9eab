/* Unit tests of the database layer: migrations, pragmas, statements, transactions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "embedded.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-db-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_missing_file_not_created(void **state)
{
	struct db *d = NULL;
	assert_int_equal(db_open(&d, path, 0), ERR_NOTFOUND);
	assert_null(d);
	assert_int_not_equal(access(path, F_OK), 0);
}

static void test_create_migrates_to_latest(void **state)
{
	struct db *d = NULL;
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE), 0);
	int v = -1;
	assert_int_equal(db_schema_version(d, &v), 0);
	assert_true(db_schema_latest() >= 1);
	assert_int_equal(v, db_schema_latest());
	int64_t n = 0;
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM sqlite_master WHERE name = 'result'",
				      0, &n), 0);
	assert_int_equal(n, 1);
	int64_t fk = 0;
	assert_int_equal(db_query_int(d, "PRAGMA foreign_keys", 0, &fk), 0);
	assert_int_equal(fk, 1);
	db_close(d);
	/* Opening again applies nothing and keeps the version. */
	assert_int_equal(db_open(&d, path, 0), 0);
	int applied = -1;
	assert_int_equal(db_migrate(d, &applied), 0);
	assert_int_equal(applied, 0);
	struct db_stmt *s;
	assert_int_equal(db_prepare(d, &s, "PRAGMA journal_mode"), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "wal");
	db_finalize(s);
	/* A new database has 16 KiB pages. */
	int64_t ps = 0;
	assert_int_equal(db_query_int(d, "PRAGMA page_size", 0, &ps), 0);
	assert_int_equal(ps, 16384);
	db_close(d);
}

static void test_older_database_is_migrated(void **state)
{
	struct db *d = NULL;
	unlink(path);
	/* An "old" database: version 0 with nothing in it, as before the first migration. */
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE | DB_OPEN_NOMIGRATE), 0);
	int v = -1;
	db_schema_version(d, &v);
	assert_int_equal(v, 0);
	db_close(d);
	assert_int_equal(db_open(&d, path, 0), 0);
	db_schema_version(d, &v);
	assert_int_equal(v, db_schema_latest());
	db_close(d);
}

/* A database made with 4 KiB pages (by an earlier oko) keeps them: the page size is set
 * only when the file is new. */
static void test_existing_page_size_kept(void **state)
{
	char p4[160];
	snprintf(p4, sizeof p4, "%s/p4.db", dir);
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(p4, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA page_size = 4096; CREATE TABLE x (a);", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	struct db *d = NULL;
	assert_int_equal(db_open(&d, p4, 0), 0);
	int64_t ps = 0;
	assert_int_equal(db_query_int(d, "PRAGMA page_size", 0, &ps), 0);
	assert_int_equal(ps, 4096);
	int v = -1;
	db_schema_version(d, &v);
	assert_int_equal(v, db_schema_latest());
	db_close(d);
}

static void test_newer_database_refused(void **state)
{
	struct db *d = NULL;
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE), 0);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_latest() + 1);
	assert_int_equal(db_exec(d, sql), 0);
	db_close(d);
	assert_int_equal(db_open(&d, path, 0), ERR_VERSION);
	assert_null(d);
	unlink(path);
}

static void test_not_a_database(void **state)
{
	FILE *f = fopen(path, "w");
	fputs("this is not a database, just some text that is long enough to matter\n", f);
	fclose(f);
	struct db *d = NULL;
	assert_int_not_equal(db_open(&d, path, 0), 0);
	assert_null(d);
	unlink(path);
}

static void test_bind_step_and_rollback(void **state)
{
	struct db *d = NULL;
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "CREATE TABLE t(a INTEGER, b TEXT, c BLOB, e REAL)"), 0);
	struct db_stmt *s;
	assert_int_equal(db_prepare(d, &s, "INSERT INTO t VALUES (?, ?, ?, ?)"), 0);
	assert_int_equal(db_begin(d), 0);
	for (int i = 0; i < 3; i++) {
		db_reset(s);
		assert_int_equal(db_bind_int(s, 1, i), 0);
		/* A value with SQL metacharacters is data, never SQL. */
		assert_int_equal(db_bind_text(s, 2, "x'); DROP TABLE t; --", -1), 0);
		unsigned char blob[3] = { 1, 255, 0 };
		assert_int_equal(db_bind_blob(s, 3, blob, 3), 0);
		assert_int_equal(db_bind_double(s, 4, 0.5), 0);
		assert_int_equal(db_step(s), DB_DONE);
	}
	assert_int_equal(db_commit(d), 0);
	db_finalize(s);
	int64_t n;
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM t", -1, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(db_exec(d, "DELETE FROM t"), 0);
	assert_int_equal(db_rollback(d), 0);
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM t", -1, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(db_prepare(d, &s, "SELECT b, c, e FROM t WHERE a = ?"), 0);
	assert_int_equal(db_bind_int(s, 1, 2), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "x'); DROP TABLE t; --");
	size_t len;
	const unsigned char *b = db_col_blob(s, 1, &len);
	assert_int_equal(len, 3);
	assert_int_equal(b[1], 255);
	assert_true(db_col_double(s, 2) == 0.5);
	assert_int_equal(db_step(s), DB_DONE);
	/* One row expected: 0 with the row, ERR_NOTFOUND without. */
	db_reset(s);
	assert_int_equal(db_step_one(s), 0);
	assert_true(db_col_double(s, 2) == 0.5);
	db_reset(s);
	assert_int_equal(db_bind_int(s, 1, 99), 0);
	assert_int_equal(db_step_one(s), ERR_NOTFOUND);
	db_finalize(s);
	/* Errors come back as negative codes with a message. */
	assert_true(db_prepare(d, &s, "SELECT nonsense FROM nowhere") < 0);
	assert_true(strlen(db_errmsg(d)) > 0);
	db_close(d);
	unlink(path);
}

static void test_foreign_keys_enforced(void **state)
{
	struct db *d = NULL;
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "INSERT INTO municipality(region_id, name) VALUES (999, 'x')"),
			 ERR_INVALID);
	db_close(d);
	unlink(path);
}

static unsigned mode_of(const char *file)
{
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	return (unsigned)(st.st_mode & 0777);
}

/* The database and its -wal and -shm companions are readable by their owner only, whatever
 * the umask (they hold password hashes and the audit log). */
static void test_new_database_private(void **state)
{
	char p[160], wal[170], shm[170];
	snprintf(p, sizeof p, "%s/private.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", p);
	snprintf(shm, sizeof shm, "%s-shm", p);
	mode_t old = umask(022);
	struct db *d = NULL;
	assert_int_equal(db_open(&d, p, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "CREATE TABLE x (a); INSERT INTO x VALUES (1)"), 0);
	assert_int_equal(mode_of(p), 0600);
	assert_int_equal(mode_of(wal), 0600); /* the connection is open: the WAL is there */
	assert_int_equal(mode_of(shm), 0600);
	db_close(d);
	/* Opening it again (no longer new) keeps the mode. */
	assert_int_equal(db_open(&d, p, DB_OPEN_CREATE), 0);
	db_close(d);
	assert_int_equal(mode_of(p), 0600);
	umask(old);
	unlink(p);
}

/* A database as an oko of schema version v left it: migrations 1..v only. */
static struct db *open_at_version(const char *file, int v)
{
	struct db *d = NULL;
	assert_int_equal(db_open(&d, file, DB_OPEN_CREATE | DB_OPEN_NOMIGRATE), 0);
	for (int i = 1; i <= v; i++) {
		char prefix[32];
		snprintf(prefix, sizeof prefix, "src/db/sql/%03d_", i);
		const struct embedded_file *f = NULL;
		for (size_t k = 0; k < embedded_count && !f; k++)
			if (!strncmp(embedded_files[k].path, prefix, strlen(prefix)))
				f = &embedded_files[k];
		assert_non_null(f);
		assert_int_equal(db_exec(d, (const char *)f->data), 0);
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
	assert_int_equal(db_exec(d, sql), 0);
	return d;
}

/* 008: failed logins of logins that do not exist lose the typed text (it may be a
 * password); those of existing logins and other actions stay. */
static void test_migration_008_scrubs_typed_logins(void **state)
{
	char p[160];
	snprintf(p, sizeof p, "%s/v7.db", dir);
	struct db *d = open_at_version(p, 7);
	assert_int_equal(db_exec(d, "INSERT INTO user(id, login, name, role, password)"
				    " VALUES (1, 'adm', 'A', 'admin', 'x');"
				    "INSERT INTO audit(user_id, user_login, action) VALUES"
				    " (NULL, 'adm', 'login_failed'), (NULL, 'MyPassw0rd!', 'login_failed'),"
				    " (1, 'adm', 'login'), (NULL, 'cli-user', 'user_add')"), 0);
	db_close(d);
	assert_int_equal(db_open(&d, p, 0), 0);
	struct db_stmt *s;
	assert_int_equal(db_prepare(d, &s, "SELECT group_concat(user_login, ',') FROM"
					   " (SELECT user_login FROM audit ORDER BY id)"), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "adm,#,adm,cli-user");
	db_finalize(s);
	db_close(d);
}

/* 008: API keys of an older database get a number and expire 90 days after the
 * migration (they never expired before: scripts keep working meanwhile). */
static void test_migration_008_keys_expire(void **state)
{
	char p[160];
	snprintf(p, sizeof p, "%s/v7k.db", dir);
	struct db *d = open_at_version(p, 7);
	assert_int_equal(db_exec(d, "INSERT INTO user(id, login, name, role, password)"
				    " VALUES (1, 'adm', 'A', 'admin', 'x');"
				    "INSERT INTO api_token(token_hash, user_id, label, created_at)"
				    " VALUES ('abc', 1, 'old', '2021-05-01T10:00:00Z')"), 0);
	db_close(d);
	assert_int_equal(db_open(&d, p, 0), 0);
	int64_t v = 0;
	assert_int_equal(db_query_int(d, "SELECT id FROM api_token WHERE token_hash = 'abc'", -1, &v), 0);
	assert_true(v > 0);
	assert_int_equal(db_query_int(d, "SELECT created_at FROM api_token", -1, &v), 0);
	assert_int_equal(v, 1619863200);
	assert_int_equal(db_query_int(d, "SELECT expires_at - CAST(strftime('%s', 'now') AS INTEGER)"
					 " FROM api_token", -1, &v), 0);
	assert_true(v > 90 * 86400 - 60 && v <= 90 * 86400);
	assert_int_equal(db_query_int(d, "SELECT revoked_at IS NULL FROM api_token", -1, &v), 0);
	assert_int_equal(v, 1);
	db_close(d);
}

/* The PostgreSQL form of a migration: each rule on an input whose answer is known. */
static void expect_ddl(const char *in, const char *want)
{
	char *got = db_pg_ddl(in, "test");
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_pg_ddl_rules(void **state)
{
	expect_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, x REAL, b BLOB);",
		   "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
		   "n BIGINT NOT NULL, x DOUBLE PRECISION, b BYTEA);");
	/* a key that is also a reference numbers nothing */
	expect_ddl("c INTEGER PRIMARY KEY REFERENCES campaign(id) ON DELETE CASCADE,",
		   "c BIGINT PRIMARY KEY REFERENCES campaign(id) ON DELETE CASCADE "
		   "DEFERRABLE INITIALLY IMMEDIATE,");
	expect_ddl("r INTEGER REFERENCES run(id) ON DELETE SET NULL ON UPDATE NO ACTION, k TEXT",
		   "r BIGINT REFERENCES run(id) ON DELETE SET NULL ON UPDATE NO ACTION "
		   "DEFERRABLE INITIALLY IMMEDIATE, k TEXT");
	expect_ddl("u INTEGER REFERENCES \"user\"(id))", "u BIGINT REFERENCES \"user\"(id) "
		   "DEFERRABLE INITIALLY IMMEDIATE)");
	expect_ddl(") WITHOUT ROWID;", ") ;");
	expect_ddl("at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
		   "at TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', "
		   "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))");
	/* words inside quotes and identifiers that merely contain a keyword stay as they are;
	 * comments go */
	expect_ddl("INSERT INTO k VALUES ('INTEGER BLOB'); -- REAL comment\nSELECT realm, integer_x;",
		   "INSERT INTO k VALUES ('INTEGER BLOB'); \nSELECT realm, integer_x;");
	/* a statement about an existing SQLite database's rows is left out up to its ';' */
	expect_ddl("A;\n-- @sqlite-only: old rows\nINSERT INTO x SELECT ';' FROM y;\nB;", "A;\n\nB;");
	/* what has no translation is refused, not passed on */
	assert_null(db_pg_ddl("id INTEGER PRIMARY KEY AUTOINCREMENT", "test"));
	assert_null(db_pg_ddl("x TEXT DEFAULT (strftime('%s', 'now'))", "test"));
	/* every migration oko carries translates, and nothing SQLite-only is left in it */
	for (size_t i = 0; i < embedded_count; i++) {
		if (strncmp(embedded_files[i].path, "src/db/sql/", 11))
			continue;
		char *t = db_pg_ddl((const char *)embedded_files[i].data, embedded_files[i].path);
		assert_non_null(t);
		assert_null(strstr(t, "WITHOUT ROWID"));
		assert_null(strstr(t, "BLOB"));
		assert_null(strstr(t, "strftime"));
		free(t);
	}
}

/* db_each's rows, gathered by each_gather: the same as a plain statement's. */
struct gathered {
	char text[4096];
	int rows, stop_at;
	struct db *inner; /* a db_each tried from inside the callback */
	int inner_rc;
	struct db *fail;  /* at stop_at, a failing statement on the connection, then stop */
	struct db_stmt *other; /* stepped by hand from inside the callback */
	int other_rc;
};

static int each_gather(void *ctx, struct db_stmt *row)
{
	struct gathered *g = ctx;
	size_t n = 0, len = strlen(g->text);
	const unsigned char *b = db_col_blob(row, 2, &n);
	snprintf(g->text + len, sizeof g->text - len, "%lld|%s|%zu:%d|%s|%g;", (long long)db_col_int(row, 0),
		 db_col_text(row, 1), n, b ? b[0] : -1, db_col_null(row, 3) ? "null" : "v",
		 db_col_double(row, 4));
	if (g->inner) {
		struct db_stmt *s = NULL;
		assert_int_equal(db_prepare_each(g->inner, &s, "SELECT k FROM t"), 0);
		g->inner_rc = db_each(s, each_gather, NULL);
		db_finalize(s);
		g->inner = NULL;
	}
	if (g->other) {
		g->other_rc = db_step(g->other);
		g->other = NULL;
	}
	/* columns past the select list read as NULL */
	assert_int_equal(db_col_int(row, 99), 0);
	assert_true(db_col_null(row, 99));
	assert_string_equal(db_col_text(row, -1), "");
	if (++g->rows != g->stop_at)
		return 0;
	if (g->fail)
		return db_exec(g->fail, "INSERT INTO no_such_table VALUES (1)");
	return ERR_LIMIT;
}

/* db_each (an aggregate over the columns on SQLite) gives the rows a stepped statement
 * gives, stops where its callback says with the callback's code and message, can run again,
 * refuses a nested scan, a statement stepped by hand and a query whose rows an aggregate
 * would not shape. */
static void test_each(void **state)
{
	struct db *d = NULL;
	char file[160];
	snprintf(file, sizeof file, "%s/each.db", dir);
	assert_int_equal(db_open(&d, file, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "CREATE TABLE t (g INTEGER, k INTEGER, s TEXT, b BLOB, n INTEGER,"
				    " PRIMARY KEY (g, k)) WITHOUT ROWID"), 0);
	assert_int_equal(db_exec(d, "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c"
				    " WHERE i < 99) INSERT INTO t SELECT i % 3, 1000 - i,"
				    " CASE WHEN i % 4 THEN 'r' || i END, CASE WHEN i % 5 THEN"
				    " zeroblob(i % 7) END, CASE WHEN i % 2 THEN i END FROM c"), 0);
	assert_int_equal(db_exec(d, "UPDATE t SET b = x'2a' || b WHERE b IS NOT NULL"), 0);
	const char *sql = "SELECT k, s, b, n, k / 8.0 FROM t WHERE g = ? ORDER BY g, k";
	for (int g = 0; g < 3; g++) {
		struct gathered want = { .rows = 0 }, got = want;
		struct db_stmt *s = NULL;
		assert_int_equal(db_prepare(d, &s, sql), 0);
		assert_int_equal(db_bind_int(s, 1, g), 0);
		while (db_step(s) == DB_ROW)
			each_gather(&want, s);
		db_finalize(s);
		assert_int_equal(db_prepare_each(d, &s, sql), 0);
		assert_int_equal(db_bind_int(s, 1, g), 0);
		assert_int_equal(db_each(s, each_gather, &got), 0);
		assert_int_equal(got.rows, want.rows);
		assert_true(want.rows >= 33);
		assert_string_equal(got.text, want.text);
		/* stopped by its callback: the callback's code, no row after it */
		struct gathered cut = { .stop_at = 5 };
		assert_int_equal(db_reset(s), 0);
		assert_int_equal(db_each(s, each_gather, &cut), ERR_LIMIT);
		assert_int_equal(cut.rows, 5);
		assert_memory_equal(cut.text, want.text, strlen(cut.text));
		/* and again to the end: the statement is usable after a stop */
		struct gathered again = { .rows = 0 };
		assert_int_equal(db_reset(s), 0);
		assert_int_equal(db_each(s, each_gather, &again), 0);
		assert_string_equal(again.text, want.text);
		db_finalize(s);
	}
	/* none at all; one inside another refused */
	struct db_stmt *s = NULL;
	struct gathered none = { .inner = d };
	assert_int_equal(db_prepare_each(d, &s, "SELECT k, s, b, n, 1.0 FROM t WHERE g = 7"), 0);
	assert_int_equal(db_each(s, each_gather, &none), 0);
	assert_int_equal(none.rows, 0);
	db_finalize(s);
	struct gathered nest = { .stop_at = 2, .inner = d };
	assert_int_equal(db_prepare_each(d, &s, "SELECT k, s, b, n, 1.0 FROM t"), 0);
	assert_int_equal(db_each(s, each_gather, &nest), ERR_LIMIT);
	assert_int_equal(nest.inner_rc, ERR_INVALID);
	db_finalize(s);
	/* stopped by a failing statement of the callback's: its code and its message */
	struct gathered failing = { .stop_at = 3, .fail = d };
	assert_int_equal(db_prepare_each(d, &s, "SELECT k, s, b, n, 1.0 FROM t"), 0);
	assert_int_equal(db_each(s, each_gather, &failing), ERR_DB);
	assert_non_null(strstr(db_errmsg(d), "no_such_table"));
	/* stepped by hand, outside db_each or inside another's callback: refused */
	assert_true(db_step(s) < 0);
	struct db_stmt *other = NULL;
	assert_int_equal(db_prepare_each(d, &other, "SELECT k, s, b, n, 1.0 FROM t WHERE g = 1"), 0);
	struct gathered by_hand = { .stop_at = 1, .other = other };
	assert_int_equal(db_reset(s), 0);
	assert_int_equal(db_each(s, each_gather, &by_hand), ERR_LIMIT);
	assert_int_equal(by_hand.other_rc, ERR_INVALID);
	db_finalize(other);
	db_finalize(s);
	/* not SELECT … FROM …, or rows an aggregate would not shape; and the function called
	 * outside db_each fails its statement */
	const char *refused[] = { "VALUES (1)", "SELECT DISTINCT k FROM t", "SELECT k FROM t GROUP BY g",
				  "SELECT k FROM t ORDER BY k LIMIT 1" };
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		assert_int_equal(db_prepare_each(d, &s, refused[i]), ERR_INVALID);
		assert_null(s);
	}
	assert_int_equal(db_prepare_each(d, &s, "SELECT 'LIMIT', k FROM t"), 0);
	db_finalize(s);
	assert_int_equal(db_prepare(d, &s, "SELECT oko_each(k) FROM t"), 0);
	assert_true(db_step(s) < 0);
	db_finalize(s);
	db_close(d);
}

/* db_copy on SQLite gathers rows into batches (one INSERT … SELECT each): rows across batch
 * boundaries and a short last batch arrive whole and in order, texts and blobs from
 * buffers the caller reuses are copied, and a key given twice fails — at the latest by
 * the close — leaving the transaction to roll back with nothing stored. */
static void test_copy_batches(void **state)
{
	struct db *d = NULL;
	char file[160];
	snprintf(file, sizeof file, "%s/copy.db", dir);
	assert_int_equal(db_open(&d, file, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT, b BLOB, n INTEGER)"), 0);
	for (int total = 0; total <= 600; total += 257) {
		assert_int_equal(db_exec(d, "DELETE FROM t"), 0);
		assert_int_equal(db_begin(d), 0);
		struct db_copy *c = NULL;
		assert_int_equal(db_copy_open(d, &c, "t", "k, s, b, n", 4), 0);
		for (int i = 0; i < total; i++) {
			char text[16];
			unsigned char blob[3] = { (unsigned char)i, 7, (unsigned char)(i >> 8) };
			snprintf(text, sizeof text, "r%d", i);
			assert_int_equal(db_copy_int(c, i), 0);
			assert_int_equal(db_copy_text(c, text), 0);
			assert_int_equal(db_copy_blob(c, blob, sizeof blob), 0);
			assert_int_equal(i % 3 ? db_copy_int(c, -i) : db_copy_null(c), 0);
			assert_int_equal(db_copy_row(c), 0);
			memset(text, 'x', sizeof text - 1); /* the caller reuses its buffers */
		}
		assert_int_equal(db_copy_close(c), 0);
		assert_int_equal(db_commit(d), 0);
		int64_t n = -1;
		assert_int_equal(db_query_int(d, "SELECT count(*) FROM t", 0, &n), 0);
		assert_int_equal(n, total);
		assert_int_equal(db_query_int(d, "SELECT count(*) FROM t WHERE s = 'r' || k AND"
					      " hex(b) = printf('%02X07%02X', k % 256, k / 256) AND"
					      " (n IS NULL) = (k % 3 = 0) AND coalesce(n, -k) = -k", 0, &n), 0);
		assert_int_equal(n, total);
	}
	/* A key given twice: refused, by the row that fills its batch or by the close. */
	assert_int_equal(db_exec(d, "DELETE FROM t"), 0);
	assert_int_equal(db_begin(d), 0);
	struct db_copy *c = NULL;
	assert_int_equal(db_copy_open(d, &c, "t", "k, s, b, n", 4), 0);
	int failed = 0;
	for (int i = 0; i < 600 && !failed; i++) {
		failed = db_copy_int(c, i == 500 ? 3 : i) || db_copy_text(c, "x") ||
			 db_copy_null(c) || db_copy_null(c) || db_copy_row(c);
	}
	int rc = db_copy_close(c);
	assert_true(failed || rc == ERR_INVALID);
	/* The batch table reads only a batch handed over as a pointer: SQL cannot make one. */
	int64_t forged = -1;
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM oko_batch(1)", -1, &forged), 0);
	assert_int_equal(forged, 0);
	assert_int_equal(db_rollback(d), 0);
	int64_t n = -1;
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM t", 0, &n), 0);
	assert_int_equal(n, 0);
	db_close(d);
}

/* Overlapped copies (db_copy_overlap): two on one connection, their rows interleaved over
 * several full batches and a short last one, arrive whole; the driver's own calls made
 * meanwhile wait for the batch in store (a count then sees only whole batches); a key
 * given twice still fails, by a later row or by the close, and rolls back to nothing. */
static void test_copy_overlapped(void **state)
{
	struct db *d = NULL;
	char file[160];
	snprintf(file, sizeof file, "%s/overlap.db", dir);
	assert_int_equal(db_open(&d, file, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "CREATE TABLE a (k INTEGER PRIMARY KEY, s TEXT, b BLOB);"
				    "CREATE TABLE b (k INTEGER PRIMARY KEY, s TEXT, b BLOB)"), 0);
	enum { ROWS = 3 * 4096 + 100 };
	assert_int_equal(db_begin(d), 0);
	struct db_copy *ca = NULL, *cb = NULL;
	assert_int_equal(db_copy_open(d, &ca, "a", "k, s, b", 3), 0);
	assert_int_equal(db_copy_open(d, &cb, "b", "k, s, b", 3), 0);
	db_copy_overlap(ca);
	db_copy_overlap(cb);
	for (int i = 0; i < ROWS; i++) {
		char text[16];
		unsigned char blob[2] = { (unsigned char)i, (unsigned char)(i >> 8) };
		snprintf(text, sizeof text, "r%d", i);
		for (int t = 0; t < 2; t++) {
			struct db_copy *c = t ? cb : ca;
			assert_int_equal(db_copy_int(c, t ? -i : i), 0);
			assert_int_equal(db_copy_text(c, text), 0);
			assert_int_equal(db_copy_blob(c, blob, sizeof blob), 0);
			assert_int_equal(db_copy_row(c), 0);
		}
		memset(text, 'x', sizeof text - 1);
		if (i == 2 * 4096 + 7) {
			int64_t n = -1;
			assert_int_equal(db_query_int(d, "SELECT count(*) FROM a", -1, &n), 0);
			assert_true(n >= 4096 && n <= i + 1 && n % 4096 == 0);
		}
	}
	assert_int_equal(db_copy_close(ca), 0);
	assert_int_equal(db_copy_close(cb), 0);
	assert_int_equal(db_commit(d), 0);
	int64_t n = -1;
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM a WHERE s = 'r' || k AND"
				      " hex(b) = printf('%02X%02X', k % 256, k / 256)", 0, &n), 0);
	assert_int_equal(n, ROWS);
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM b WHERE s = 'r' || -k AND"
				      " hex(b) = printf('%02X%02X', -k % 256, -k / 256)", 0, &n), 0);
	assert_int_equal(n, ROWS);
	/* A key given twice, in the second batch. */
	assert_int_equal(db_exec(d, "DELETE FROM a"), 0);
	assert_int_equal(db_begin(d), 0);
	struct db_copy *c = NULL;
	assert_int_equal(db_copy_open(d, &c, "a", "k, s, b", 3), 0);
	db_copy_overlap(c);
	int failed = 0;
	for (int i = 0; i < ROWS && !failed; i++)
		failed = db_copy_int(c, i == 5000 ? 4100 : i) || db_copy_text(c, "x") ||
			 db_copy_null(c) || db_copy_row(c);
	int rc = db_copy_close(c);
	assert_true(failed || rc == ERR_INVALID);
	assert_int_equal(db_rollback(d), 0);
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM a", 0, &n), 0);
	assert_int_equal(n, 0);
	/* A full database in the middle: the load fails, and neither this copy nor another on
	 * the connection stores a batch after it (the transaction may be gone), so the
	 * rollback leaves nothing. */
	assert_int_equal(db_exec(d, "PRAGMA max_page_count = 40"), 0);
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(db_copy_open(d, &ca, "a", "k, s, b", 3), 0);
	assert_int_equal(db_copy_open(d, &cb, "b", "k, s, b", 3), 0);
	db_copy_overlap(ca);
	db_copy_overlap(cb);
	char big[600];
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	failed = 0;
	for (int i = 0; i < ROWS && !failed; i++)
		for (int t = 0; t < 2 && !failed; t++) {
			struct db_copy *x = t ? cb : ca;
			failed = db_copy_int(x, i + ROWS) || db_copy_text(x, big) || db_copy_null(x) ||
				 db_copy_row(x);
		}
	int ra = db_copy_close(ca), rb = db_copy_close(cb);
	assert_true(failed || ra || rb);
	db_rollback(d);
	assert_int_equal(db_exec(d, "PRAGMA max_page_count = 1073741823"), 0);
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM a WHERE k >= 12388", 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM b WHERE k >= 12388", 0, &n), 0);
	assert_int_equal(n, 0);
	/* Outside a transaction overlap is refused: the rows are stored as without it. */
	assert_int_equal(db_copy_open(d, &c, "a", "k, s, b", 3), 0);
	db_copy_overlap(c);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(db_copy_int(c, 100000 + i) || db_copy_text(c, "z") || db_copy_null(c) ||
					 db_copy_row(c),
				 0);
	assert_int_equal(db_copy_close(c), 0);
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM a WHERE k >= 100000", 0, &n), 0);
	assert_int_equal(n, 5000);
	db_close(d);
}

/* Fixed columns (db_copy_fix_*): every row stores the fixed value, overlapped or not and
 * across batches; a row that puts another value, or a text, fails the copy, and so does a
 * fix after the first value. */
static void test_copy_fixed(void **state)
{
	(void)state;
	struct db *d = NULL;
	char file[160];
	snprintf(file, sizeof file, "%s/copyfix.db", dir);
	assert_int_equal(db_open(&d, file, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "CREATE TABLE f (p INTEGER NOT NULL, k INTEGER, u INTEGER,"
				    " x INTEGER, PRIMARY KEY (p, k)) WITHOUT ROWID"), 0);
	for (int overlap = 0; overlap < 2; overlap++) {
		assert_int_equal(db_exec(d, "DELETE FROM f"), 0);
		assert_int_equal(db_begin(d), 0);
		struct db_copy *c = NULL;
		assert_int_equal(db_copy_open(d, &c, "f", "p, k, u, x", 4), 0);
		assert_int_equal(db_copy_fix_int(c, 0, 7), 0);
		assert_int_equal(db_copy_fix_null(c, 3), 0);
		if (overlap)
			db_copy_overlap(c);
		for (int i = 0; i < 9000; i++) {
			assert_int_equal(db_copy_int(c, 7), 0);
			assert_int_equal(db_copy_int(c, i), 0);
			assert_int_equal(i % 2 ? db_copy_int(c, -i) : db_copy_null(c), 0);
			assert_int_equal(db_copy_text(c, NULL), 0); /* NULL, as fixed */
			assert_int_equal(db_copy_row(c), 0);
		}
		assert_int_equal(db_copy_close(c), 0);
		assert_int_equal(db_commit(d), 0);
		int64_t n = -1;
		assert_int_equal(db_query_int(d, "SELECT count(*) FROM f WHERE p = 7 AND x IS NULL AND"
					      " (u IS NULL) = (k % 2 = 0) AND coalesce(u, -k) = -k", 0, &n), 0);
		assert_int_equal(n, 9000);
	}
	/* Another value in a fixed column, a text in one, a fix after a value. */
	for (int bad = 0; bad < 3; bad++) {
		assert_int_equal(db_begin(d), 0);
		struct db_copy *c = NULL;
		assert_int_equal(db_copy_open(d, &c, "f", "p, k, u, x", 4), 0);
		assert_int_equal(db_copy_fix_int(c, 0, 8), 0);
		int rc = 0;
		for (int i = 0; i < 300 && !rc; i++) {
			rc = bad == 1 && i == 150 ? db_copy_text(c, "8")
						  : db_copy_int(c, bad == 0 && i == 299 ? 9 : 8);
			if (!rc && bad == 2 && i == 1)
				rc = db_copy_fix_null(c, 3);
			if (!rc)
				rc = db_copy_int(c, i);
			if (!rc)
				rc = db_copy_null(c);
			if (!rc)
				rc = db_copy_null(c);
			if (!rc)
				rc = db_copy_row(c);
		}
		assert_int_equal(rc, ERR_INVALID);
		assert_int_equal(db_copy_close(c), ERR_INVALID);
		assert_int_equal(db_rollback(d), 0);
		int64_t n = -1;
		assert_int_equal(db_query_int(d, "SELECT count(*) FROM f WHERE p = 8", 0, &n), 0);
		assert_int_equal(n, 0);
	}
	db_close(d);
}

/* db_begin_bulk skips the CHECK rules on SQLite for its caller's validated values, and
 * only within its transaction: after the commit (and after a rollback) they hold again. */
static void test_bulk_checks_restored(void **state)
{
	struct db *d = NULL;
	char file[160];
	snprintf(file, sizeof file, "%s/bulk.db", dir);
	assert_int_equal(db_open(&d, file, DB_OPEN_CREATE), 0);
	assert_int_equal(db_exec(d, "CREATE TABLE c (v INTEGER CHECK (v BETWEEN 2 AND 5))"), 0);
	assert_int_equal(db_begin_bulk(d), 0);
	assert_int_equal(db_exec(d, "INSERT INTO c VALUES (3)"), 0);
	assert_int_equal(db_commit(d), 0);
	assert_int_not_equal(db_exec(d, "INSERT INTO c VALUES (9)"), 0);
	assert_int_equal(db_begin_bulk(d), 0);
	assert_int_equal(db_rollback(d), 0);
	assert_int_not_equal(db_exec(d, "INSERT INTO c VALUES (9)"), 0);
	int64_t n = -1;
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM c", 0, &n), 0);
	assert_int_equal(n, 1);
	db_close(d);
}

/* What moves the content version, read from a statement's text (db.h): known by the
 * statement's verb and table. */
static void test_sql_changes_content(void **state)
{
	static const struct {
		const char *sql;
		bool changes;
	} cases[] = {
		{ "SELECT * FROM result", false },
		{ "  select count(*) from audit", false },
		{ "SELECT id FROM school_key WHERE school_id = ? FOR UPDATE", false },
		{ "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON", false },
		{ "BEGIN IMMEDIATE", false },
		{ "COMMIT", false },
		{ "ROLLBACK", false },
		{ "WITH t AS (SELECT 1) SELECT * FROM t", false },
		{ "WITH updated AS (SELECT 'INSERT INTO x' AS q) SELECT q FROM updated", false },
		{ "-- INSERT INTO result\nSELECT 1", false },
		{ "/* DELETE FROM school */ SELECT 1", false },
		{ "INSERT INTO audit(user_id, action) VALUES (?, ?)", false },
		{ "insert into \"session\"(token_hash) values (?)", false },
		{ "DELETE FROM session WHERE expires_at < ?", false },
		{ "UPDATE content_rev SET n = n + 1", false },
		{ "INSERT INTO material_download(at, user_login) VALUES (?, ?)", false },
		{ "INSERT INTO material_set(procedure_id, school_id) VALUES (?, ?)", true },
		{ "UPDATE material_download SET school_id = ? WHERE school_id = ?", false },
		{ "", false },
		{ " ; ;", false },
		{ "INSERT INTO result (procedure_id) VALUES (?)", true },
		{ "INSERT OR IGNORE INTO school_alias VALUES (?)", true },
		{ "REPLACE INTO setting VALUES (?, ?)", true },
		{ "UPDATE \"user\" SET name = ? WHERE id = ?", true },
		{ "UPDATE OR REPLACE school SET name = ?", true },
		{ "DELETE FROM pupil WHERE id = ?", true },
		{ "WITH x AS (SELECT 1) INSERT INTO school SELECT * FROM x", true },
		{ "WITH x AS (SELECT 1) DELETE FROM audit", false },
		{ "INSERT INTO school_x VALUES (1)", true },
		{ "INSERT INTO audits VALUES (1)", true },
		{ "CREATE TABLE t (a INTEGER)", true },
		{ "DROP INDEX i", true },
		{ "COPY result (a, b) FROM STDIN", true },
		{ "SELECT 1; INSERT INTO audit VALUES (1); DELETE FROM measure", true },
		{ "SELECT 'a;b'; SELECT \"x;y\" FROM t", false },
		{ "SELECT 'it''s; INSERT INTO t'", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		if (db_sql_changes_content(cases[i].sql) != cases[i].changes)
			fail_msg("%s: expected %d", cases[i].sql, cases[i].changes);
	}
}

/* The version moves with each committed change of the content, seen from another
 * connection; not with an audit entry, a session, a read or a rolled-back change. */
static void test_content_version(void **state)
{
	struct db *a = NULL, *b = NULL;
	char file[160];
	snprintf(file, sizeof file, "%s/rev.db", dir);
	assert_int_equal(db_open(&a, file, DB_OPEN_CREATE), 0);
	assert_int_equal(db_open(&b, file, 0), 0);
	uint64_t v0 = db_content_version(b);
	assert_true(v0 > 0);
	assert_int_equal(db_content_version(a), v0);
	struct db_stmt *s = NULL;
	/* outside a transaction: at once */
	assert_int_equal(db_prepare(a, &s, "INSERT INTO setting(key, value) VALUES ('x', '1')"), 0);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
	uint64_t v1 = db_content_version(b);
	assert_true(v1 > v0);
	/* the caller's count of changed rows is its statement's, not the version's */
	assert_int_equal(db_exec(a, "INSERT INTO setting(key, value) VALUES ('y', '1'), ('z', '1')"), 0);
	assert_int_equal(db_changes(a), 2);
	assert_int_equal(db_prepare(a, &s, "DELETE FROM setting WHERE key IN ('y', 'z')"), 0);
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_changes(a), 2);
	db_finalize(s);
	v1 = db_content_version(b);
	/* an audit entry and a session: no move */
	assert_int_equal(db_prepare(a, &s, "INSERT INTO audit(user_login, action) VALUES ('x', 'login')"), 0);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
	assert_int_equal(db_exec(a, "DELETE FROM session"), 0);
	int64_t n = 0;
	assert_int_equal(db_query_int(a, "SELECT count(*) FROM school", 0, &n), 0);
	assert_int_equal(db_content_version(b), v1);
	/* in a transaction: with its commit, not before; a rollback moves nothing */
	assert_int_equal(db_begin(a), 0);
	assert_int_equal(db_exec(a, "UPDATE setting SET value = '2' WHERE key = 'x'"), 0);
	assert_int_equal(db_content_version(b), v1);
	assert_int_equal(db_commit(a), 0);
	uint64_t v2 = db_content_version(b);
	assert_true(v2 > v1);
	assert_int_equal(db_begin(a), 0);
	assert_int_equal(db_exec(a, "DELETE FROM setting"), 0);
	assert_int_equal(db_rollback(a), 0);
	assert_int_equal(db_begin(a), 0);
	assert_int_equal(db_exec(a, "INSERT INTO audit(user_login, action) VALUES ('x', 'y')"), 0);
	assert_int_equal(db_commit(a), 0);
	assert_int_equal(db_content_version(b), v2);
	/* the bulk path */
	assert_int_equal(db_begin(a), 0);
	struct db_copy *c = NULL;
	assert_int_equal(db_copy_open(a, &c, "setting", "key, value", 2), 0);
	assert_int_equal(db_copy_text(c, "y"), 0);
	assert_int_equal(db_copy_text(c, "2"), 0);
	assert_int_equal(db_copy_row(c), 0);
	assert_int_equal(db_copy_close(c), 0);
	assert_int_equal(db_content_version(b), v2);
	assert_int_equal(db_commit(a), 0);
	assert_true(db_content_version(b) > v2);
	db_close(a);
	db_close(b);
	/* a database without the table (not migrated): no version, nothing to cache on */
	snprintf(file, sizeof file, "%s/bare.db", dir);
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(file, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (a INTEGER)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(db_open(&a, file, DB_OPEN_NOMIGRATE), 0);
	assert_int_equal(db_content_version(a), 0);
	assert_int_equal(db_exec(a, "INSERT INTO t VALUES (1)"), 0);
	assert_int_equal(db_content_version(a), 0);
	db_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file_not_created),
		cmocka_unit_test(test_create_migrates_to_latest),
		cmocka_unit_test(test_older_database_is_migrated),
		cmocka_unit_test(test_existing_page_size_kept),
		cmocka_unit_test(test_newer_database_refused),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_bind_step_and_rollback),
		cmocka_unit_test(test_foreign_keys_enforced),
		cmocka_unit_test(test_new_database_private),
		cmocka_unit_test(test_migration_008_scrubs_typed_logins),
		cmocka_unit_test(test_migration_008_keys_expire),
		cmocka_unit_test(test_pg_ddl_rules),
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_copy_batches),
		cmocka_unit_test(test_copy_overlapped),
		cmocka_unit_test(test_copy_fixed),
		cmocka_unit_test(test_bulk_checks_restored),
		cmocka_unit_test(test_sql_changes_content),
		cmocka_unit_test(test_content_version),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
