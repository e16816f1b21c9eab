/* db: the SQLite driver behind the db_* interface. */
#include "db/db.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "db/backup.h"
#include "db/pg.h"

/* Room for every db_cached call site in the source (about 140): a connection that served
 * every route holds them all. */
#define DB_CACHE 192

/* Once per process, before SQLite initialises: no memory statistics (oko never reads
 * them), so an allocation does not take SQLite's global memory mutex — every thread's
 * connection allocated under that one lock (4 % of the results import's store in its
 * profile). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int copy_module(sqlite3 *h);
static int each_function(struct db *d);

struct db {
	sqlite3 *h;
	char msg[512];
	struct {
		const char *sql;
		struct db_stmt *s;
	} cache[DB_CACHE];
	int ncache;
	bool bulk; /* in a db_begin_bulk() transaction: foreign key checks are off */
	bool touched; /* a statement changed the content since the version last moved */
	bool has_rev; /* the table content_rev was seen (it is never dropped) */
	bool kept;    /* the driver ran statements of its own (the version's) since the
			 caller's last one: db_changes gives the caller's count, kept here */
	int64_t changes;
	struct pg *pg; /* the PostgreSQL connection, when the database is one (h is NULL) */
	struct db_copy *busy; /* the overlapped copy whose thread last had a batch (db_copy_overlap) */
	/* db_each's callback while its statement steps (oko_each calls it), NULL otherwise */
	int (*each)(void *ctx, struct db_stmt *row);
	void *each_ctx;
	struct db_stmt *each_stmt;
	int each_rc;
	char each_msg[512]; /* d->msg when the callback stopped the scan (its own error) */
};

struct db_stmt {
	struct db *d;
	sqlite3_stmt *h;
	struct pg_stmt *pg;
	bool content; /* it changes the content (db_sql_changes_content) */
	bool each;    /* prepared by db_prepare_each: the columns are oko_each's arguments */
	sqlite3_value **argv; /* a row of db_each on SQLite: the columns (h and pg are NULL) */
	int argc;
};

static void settle(struct db *d);
static int rev_move(struct db *d);
static void copy_settle(struct db *d);
static void keep_changes(struct db *d, int64_t changed);

static int fail(struct db *d, int rc)
{
	snprintf(d->msg, sizeof d->msg, "%s", d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_BUSY;
	if (rc == SQLITE_CONSTRAINT)
		return ERR_INVALID;
	return ERR_DB;
}

void db_directory(struct db *d, char *out, size_t n)
{
	char pf[1024];
	if (d->pg)
		pg_file(d->pg, pf, sizeof pf);
	const char *f = d->pg ? pf : sqlite3_db_filename(d->h, "main");
	const char *slash = f ? strrchr(f, '/') : NULL;
	if (!f || !*f)
		snprintf(out, n, "%s", "");
	else if (!slash)
		snprintf(out, n, "%s", ".");
	else
		snprintf(out, n, "%.*s", slash == f ? 1 : (int)(slash - f), f);
}

void db_file(struct db *d, char *out, size_t n)
{
	if (d->pg) {
		pg_file(d->pg, out, n);
		return;
	}
	const char *f = sqlite3_db_filename(d->h, "main");
	snprintf(out, n, "%s", f ? f : "");
}

void db_url(struct db *d, char *out, size_t n)
{
	if (d->pg)
		pg_url(d->pg, out, n);
	else
		db_file(d, out, n);
}

bool db_is_pg(struct db *d)
{
	return d->pg != NULL;
}

int db_size_bytes(struct db *d, int64_t *out)
{
	if (d->pg)
		return db_query_int(d, "SELECT pg_database_size(current_database())", 0, out);
	int64_t pages = 0, size = 0;
	int rc = db_query_int(d, "PRAGMA page_count", 0, &pages);
	if (!rc)
		rc = db_query_int(d, "PRAGMA page_size", 0, &size);
	*out = rc ? 0 : pages * size;
	return rc;
}

const char *db_errmsg(struct db *d)
{
	copy_settle(d); /* an overlapped copy's thread may be writing it */
	return d->pg ? pg_errmsg(d->pg) : d->msg;
}

/* The database holds password hashes, the audit log and sealed personal data: only its
 * owner may read it. SQLite creates a new database file with mode 0644 (less the umask)
 * and gives its -wal and -shm files the mode of the database file, so a new database is
 * created here first, empty, with mode 0600 (an empty file is a new database to SQLite)
 * and the companions follow. An existing database readable by others is left as it is
 * (its operator may mean it) but said once per process, as for the key file. */
static int private_file(struct db *d, const char *path, int flags)
{
	static int warned;
	if (!*path || !strcmp(path, ":memory:"))
		return 0;
	if (flags & DB_OPEN_CREATE) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (errno != EEXIST) {
			snprintf(d->msg, sizeof d->msg, "не удалось создать файл базы данных %s: %s", path,
				 strerror(errno));
			log_error("%s", d->msg);
			return ERR_IO;
		}
	}
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) &&
	    !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		log_warn("файл базы данных %s доступен не только владельцу: выполните chmod 600 %s "
			 "(и для файлов %s-wal, %s-shm, если они есть)", path, path, path, path);
	return 0;
}

int db_open(struct db **out, const char *path, int flags)
{
	*out = NULL;
	int rc = 0;
	struct db *d = xcalloc(1, sizeof *d);
	if (!strncmp(path, "sqlite:", 7))
		path += 7;
	if (pg_is_url(path)) {
		if ((rc = pg_open(&d->pg, path, d->msg, sizeof d->msg))) {
			log_error("%s", d->msg);
			goto out;
		}
		goto opened;
	}
	if (!(flags & DB_OPEN_CREATE) && access(path, F_OK) != 0) {
		snprintf(d->msg, sizeof d->msg, "файл базы данных %s не найден", path);
		log_error("база данных %s не найдена; создайте её командой «oko init»", path);
		rc = ERR_NOTFOUND;
		goto out;
	}
	if ((rc = private_file(d, path, flags)))
		goto out;
	int oflags = (flags & DB_OPEN_READONLY) ? SQLITE_OPEN_READONLY
						: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	pthread_once(&sqlite_once, sqlite_setup);
	int src = sqlite3_open_v2(path, &d->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (src != SQLITE_OK) {
		rc = fail(d, src);
		log_error("не удалось открыть базу данных %s: %s", path, d->msg);
		goto out;
	}
	sqlite3_busy_timeout(d->h, 5000);
	if ((src = copy_module(d->h)) != SQLITE_OK || (src = each_function(d)) != SQLITE_OK) {
		rc = fail(d, src);
		goto out;
	}
	/* A file that is not a database fails on the first read: check it here so the user
	 * gets one clear message. Reads go through a 256 MiB memory map: fewer copies for the
	 * analysis's range scans, and every connection's map counts in resident memory, so it
	 * stays modest. A new database gets 16 KiB pages (an existing one keeps its own): the
	 * analysis reads each procedure's results in one range scan, and a quarter of the
	 * page reads beyond the map cost less system time (docs/analysis.md has the
	 * measurements). secure_delete: what a connection deletes or overwrites — a pupil's
	 * name, a school key replaced by its rotation (docs/personal-data.md) — is overwritten
	 * with zeros in the file instead of lingering in free space until VACUUM. */
	if ((rc = db_exec(d, "PRAGMA page_size = 16384; PRAGMA secure_delete = ON;"
			     "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
			     "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;"
			     "PRAGMA mmap_size = 268435456;")) ||
	    ((flags & DB_OPEN_SCAN) &&
	     (rc = db_exec(d, "PRAGMA mmap_size = 0; PRAGMA cache_size = -8192;")))) {
		log_error("файл %s не является базой данных oko: %s", path, d->msg);
		goto out;
	}
	if (!(flags & DB_OPEN_READONLY) && (rc = db_exec(d, "PRAGMA journal_mode = WAL;"))) {
		log_error("не удалось включить журнал WAL для %s: %s", path, d->msg);
		goto out;
	}
opened:;
	int version = 0;
	if ((rc = db_schema_version(d, &version)))
		goto out;
	if (d->pg && version == 0 && !(flags & DB_OPEN_CREATE) && !(flags & DB_OPEN_NOMIGRATE)) {
		/* An empty PostgreSQL database is what «oko init» fills, as a missing file is. */
		log_error("база данных %s пуста; создайте в ней схему oko командой «oko init»", path);
		rc = ERR_NOTFOUND;
		goto out;
	}
	if (version > db_schema_latest()) {
		log_error("база данных %s имеет версию схемы %d, а эта программа знает только до %d: "
			  "обновите oko", path, version, db_schema_latest());
		rc = ERR_VERSION;
		goto out;
	}
	/* A command that only reads an older database migrates it first, through a connection
	 * that may write: its queries speak the latest schema. */
	if ((flags & DB_OPEN_READONLY) && !d->pg && !(flags & DB_OPEN_NOMIGRATE) && version > 0 &&
	    version < db_schema_latest()) {
		struct db *w = NULL;
		if ((rc = db_open(&w, path, flags & ~DB_OPEN_READONLY)))
			goto out;
		db_close(w);
	}
	if (!(flags & DB_OPEN_NOMIGRATE) && (!(flags & DB_OPEN_READONLY) || d->pg) &&
	    version < db_schema_latest()) {
		int applied = 0;
		if (version > 0) {
			log_info("база данных %s обновляется: схема %d → %d", path, version,
				 db_schema_latest());
			/* A database with data: a copy first (db/backup.h), or no migration. */
			if ((rc = dbbackup_before_migration(d, path, version)))
				goto out;
		}
		if ((rc = db_migrate(d, &applied)))
			goto out;
	}
	*out = d;
	d = NULL;
out:
	if (d)
		db_close(d);
	return rc;
}

void db_close(struct db *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->ncache; i++)
		db_finalize(d->cache[i].s);
	if (d->pg)
		pg_close(d->pg);
	if (d->h)
		sqlite3_close_v2(d->h);
	free(d);
}

int db_exec(struct db *d, const char *sql)
{
	copy_settle(d);
	d->kept = false;
	if (db_sql_changes_content(sql))
		d->touched = true;
	int rc;
	if (d->pg) {
		rc = pg_exec(d->pg, sql);
	} else {
		rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);
		rc = rc == SQLITE_OK ? 0 : fail(d, rc);
	}
	settle(d);
	return rc;
}

int db_prepare(struct db *d, struct db_stmt **out, const char *sql)
{
	copy_settle(d);
	if (d->pg) {
		struct db_stmt *s = xcalloc(1, sizeof *s);
		s->d = d;
		s->content = db_sql_changes_content(sql);
		pg_prepare(d->pg, &s->pg, sql);
		*out = s;
		return 0;
	}
	sqlite3_stmt *h = NULL;
	int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &h, NULL);
	if (rc != SQLITE_OK) {
		*out = NULL;
		rc = fail(d, rc);
		log_error("внутренняя ошибка SQL: %s", d->msg);
		return rc;
	}
	struct db_stmt *s = xcalloc(1, sizeof *s);
	s->d = d;
	s->h = h;
	/* SQLite knows exactly whether a statement writes; the text says what it writes. */
	s->content = !sqlite3_stmt_readonly(h) && db_sql_changes_content(sql);
	*out = s;
	return 0;
}

void db_finalize(struct db_stmt *s)
{
	if (!s)
		return;
	copy_settle(s->d);
	if (s->pg)
		pg_finalize(s->pg);
	else
		sqlite3_finalize(s->h);
	free(s);
}

void db_stream(struct db_stmt *s)
{
	if (s->pg)
		pg_stream(s->pg);
}

int db_reset(struct db_stmt *s)
{
	copy_settle(s->d);
	if (s->pg)
		return pg_reset(s->pg);
	sqlite3_reset(s->h);
	return 0;
}

int db_cached(struct db *d, struct db_stmt **out, const char *sql)
{
	copy_settle(d);
	for (int i = 0; i < d->ncache; i++) {
		if (d->cache[i].sql == sql) {
			*out = d->cache[i].s;
			if ((*out)->pg) {
				pg_reset((*out)->pg);
				return 0;
			}
			sqlite3_reset((*out)->h);
			sqlite3_clear_bindings((*out)->h);
			return 0;
		}
	}
	if (d->ncache >= DB_CACHE) {
		/* The call sites are a fixed set of constants: more than the cache holds is a bug. */
		snprintf(d->msg, sizeof d->msg, "кэш подготовленных запросов переполнен");
		return ERR_LIMIT;
	}
	int rc = db_prepare(d, out, sql);
	if (rc)
		return rc;
	d->cache[d->ncache].sql = sql;
	d->cache[d->ncache++].s = *out;
	return 0;
}

static int bound(struct db_stmt *s, int rc)
{
	return rc == SQLITE_OK ? 0 : fail(s->d, rc);
}

int db_bind_int(struct db_stmt *s, int i, int64_t v)
{
	if (s->pg)
		return pg_bind_int(s->pg, i, v);
	return bound(s, sqlite3_bind_int64(s->h, i, v));
}

int db_bind_double(struct db_stmt *s, int i, double v)
{
	if (s->pg)
		return pg_bind_double(s->pg, i, v);
	return bound(s, sqlite3_bind_double(s->h, i, v));
}

int db_bind_text(struct db_stmt *s, int i, const char *v, int n)
{
	if (!v)
		return db_bind_null(s, i);
	if (s->pg)
		return pg_bind_text(s->pg, i, v, n, true);
	return bound(s, sqlite3_bind_text(s->h, i, v, n, SQLITE_TRANSIENT));
}

int db_bind_blob(struct db_stmt *s, int i, const void *v, size_t n)
{
	if (!v)
		return db_bind_null(s, i);
	if (s->pg)
		return pg_bind_blob(s->pg, i, v, n, true);
	return bound(s, sqlite3_bind_blob64(s->h, i, v, n, SQLITE_TRANSIENT));
}

int db_bind_text_ref(struct db_stmt *s, int i, const char *v, int n)
{
	if (!v)
		return db_bind_null(s, i);
	if (s->pg)
		return pg_bind_text(s->pg, i, v, n, false);
	return bound(s, sqlite3_bind_text(s->h, i, v, n, SQLITE_STATIC));
}

int db_bind_blob_ref(struct db_stmt *s, int i, const void *v, size_t n)
{
	if (!v)
		return db_bind_null(s, i);
	if (s->pg)
		return pg_bind_blob(s->pg, i, v, n, false);
	return bound(s, sqlite3_bind_blob64(s->h, i, v, n, SQLITE_STATIC));
}

int db_bind_null(struct db_stmt *s, int i)
{
	if (s->pg)
		return pg_bind_null(s->pg, i);
	return bound(s, sqlite3_bind_null(s->h, i));
}

/* db_step without the wait for an overlapped copy: that copy's own thread steps by it. */
static int step(struct db_stmt *s)
{
	if (s->each && s != s->d->each_stmt) {
		/* stepped by hand, its rows would go to no callback (or to another db_each's) */
		snprintf(s->d->msg, sizeof s->d->msg, "внутренняя ошибка: запрос для db_each выполнен без неё");
		return ERR_INVALID;
	}
	s->d->kept = false;
	if (s->content)
		s->d->touched = true;
	int rc;
	if (s->pg) {
		rc = pg_step(s->pg);
	} else {
		rc = sqlite3_step(s->h);
		if (rc == SQLITE_ROW) {
			rc = DB_ROW;
		} else if (rc == SQLITE_DONE) {
			rc = DB_DONE;
		} else {
			rc = fail(s->d, rc);
			sqlite3_reset(s->h);
		}
	}
	if (s->content)
		settle(s->d);
	return rc;
}

int db_step(struct db_stmt *s)
{
	copy_settle(s->d);
	return step(s);
}

int db_step_one(struct db_stmt *s)
{
	int rc = db_step(s);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? ERR_NOTFOUND : rc;
}

int64_t db_col_int(struct db_stmt *s, int i)
{
	if (s->pg)
		return pg_col_int(s->pg, i);
	if (s->argv)
		return i >= 0 && i < s->argc ? sqlite3_value_int64(s->argv[i]) : 0;
	return sqlite3_column_int64(s->h, i);
}

double db_col_double(struct db_stmt *s, int i)
{
	if (s->pg)
		return pg_col_double(s->pg, i);
	if (s->argv)
		return i >= 0 && i < s->argc ? sqlite3_value_double(s->argv[i]) : 0;
	return sqlite3_column_double(s->h, i);
}

const char *db_col_text(struct db_stmt *s, int i)
{
	if (s->pg)
		return pg_col_text(s->pg, i);
	const unsigned char *t = !s->argv		     ? sqlite3_column_text(s->h, i)
				 : i >= 0 && i < s->argc ? sqlite3_value_text(s->argv[i])
							 : NULL;
	return t ? (const char *)t : "";
}

const void *db_col_blob(struct db_stmt *s, int i, size_t *n)
{
	if (s->pg)
		return pg_col_blob(s->pg, i, n);
	if (s->argv) {
		bool in = i >= 0 && i < s->argc;
		const void *p = in ? sqlite3_value_blob(s->argv[i]) : NULL;
		*n = in ? (size_t)sqlite3_value_bytes(s->argv[i]) : 0;
		return p;
	}
	const void *p = sqlite3_column_blob(s->h, i);
	*n = (size_t)sqlite3_column_bytes(s->h, i);
	return p;
}

bool db_col_null(struct db_stmt *s, int i)
{
	if (s->pg)
		return pg_col_null(s->pg, i);
	if (s->argv)
		return !(i >= 0 && i < s->argc) || sqlite3_value_type(s->argv[i]) == SQLITE_NULL;
	return sqlite3_column_type(s->h, i) == SQLITE_NULL;
}

/* ---- db_each: a scan read by a callback ---- */

/* oko_each(columns…): an aggregate whose every step is a row for db_each's callback. */
static void each_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	struct db *d = sqlite3_user_data(c);
	if (!d->each) {
		sqlite3_result_error(c, "внутренняя ошибка: oko_each вызвана не из db_each", -1);
		return;
	}
	struct db_stmt row = { .d = d, .argv = argv, .argc = argc };
	int rc = d->each(d->each_ctx, &row);
	if (rc) {
		d->each_rc = rc;
		memcpy(d->each_msg, d->msg, sizeof d->each_msg); /* the callback's own reason */
		sqlite3_result_error(c, "oko_each: остановлено", -1);
	}
}

static void each_final(sqlite3_context *c)
{
	sqlite3_result_null(c);
}

static int each_function(struct db *d)
{
	return sqlite3_create_function_v2(d->h, "oko_each", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, d,
					  NULL, each_step, each_final, NULL);
}

/* Whether sql has word (upper case, as the model writes its SQL) outside its quotes. */
static bool sql_has(const char *sql, const char *word)
{
	size_t n = strlen(word);
	bool quoted = false;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		else if (!quoted && !strncmp(p, word, n) && (p == sql || !isalnum((unsigned char)p[-1])) &&
			 !isalnum((unsigned char)p[n]) && p[n] != '_')
			return true;
	}
	return false;
}

int db_prepare_each(struct db *d, struct db_stmt **out, const char *sql)
{
	*out = NULL;
	const char *from = strstr(sql, " FROM ");
	/* On SQLite what follows FROM applies to the aggregate's one row: a DISTINCT, GROUP BY
	 * or LIMIT would not shape the rows the callback gets. Refused on both engines. */
	if (strncmp(sql, "SELECT ", 7) || !from || sql_has(sql, "DISTINCT") ||
	    sql_has(sql, "GROUP") || sql_has(sql, "LIMIT")) {
		snprintf(d->msg, sizeof d->msg, "внутренняя ошибка: запрос не для db_each: %s", sql);
		log_error("%s", d->msg);
		return ERR_INVALID;
	}
	if (d->pg)
		return db_prepare(d, out, sql);
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "SELECT oko_each(%.*s)%s", (int)(from - sql - 7), sql + 7, from);
	int rc = db_prepare(d, out, b.p);
	buf_free(&b);
	if (!rc)
		(*out)->each = true;
	return rc;
}

int db_each(struct db_stmt *s, int (*fn)(void *ctx, struct db_stmt *row), void *ctx)
{
	struct db *d = s->d;
	int rc;
	if (!s->each) { /* PostgreSQL: stepped as prepared */
		while ((rc = db_step(s)) == DB_ROW)
			if ((rc = fn(ctx, s)))
				return rc;
		return rc == DB_DONE ? 0 : rc;
	}
	if (d->each) {
		snprintf(d->msg, sizeof d->msg, "внутренняя ошибка: db_each внутри db_each");
		return ERR_INVALID;
	}
	d->each = fn;
	d->each_ctx = ctx;
	d->each_stmt = s;
	d->each_rc = 0;
	rc = db_step(s); /* every row, then the aggregate's one row */
	if (rc == DB_ROW)
		rc = db_step(s);
	int stopped = d->each_rc;
	d->each = NULL;
	d->each_ctx = NULL;
	d->each_stmt = NULL;
	d->each_rc = 0;
	if (stopped) {
		memcpy(d->msg, d->each_msg, sizeof d->msg);
		return stopped;
	}
	return rc == DB_DONE ? 0 : rc < 0 ? rc : ERR_DB;
}

/* The first column of s's one row into *out, dflt when NULL or no row. */
static int one_int(struct db_stmt *s, int64_t dflt, int64_t *out)
{
	int rc = db_step(s);
	*out = rc == DB_ROW && !db_col_null(s, 0) ? db_col_int(s, 0) : dflt;
	return rc < 0 ? rc : 0;
}

int db_query_int(struct db *d, const char *sql, int64_t dflt, int64_t *out)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, sql);
	if (rc)
		return rc;
	rc = one_int(s, dflt, out);
	db_finalize(s);
	return rc;
}

int db_cached_int(struct db *d, const char *sql, int64_t dflt, int64_t *out)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, sql);
	if (rc)
		return rc;
	rc = one_int(s, dflt, out);
	db_reset(s); /* a statement left on its row would hold the read transaction open */
	return rc;
}

int db_begin(struct db *d)
{
	if (d->pg)
		return pg_begin(d->pg, false);
	return db_exec(d, "BEGIN IMMEDIATE");
}

/* Ends what db_begin_bulk() changed for the connection. */
static void bulk_end(struct db *d)
{
	if (d->bulk && sqlite3_get_autocommit(d->h)) {
		d->bulk = false;
		db_exec(d, "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF");
	}
}

int db_begin_bulk(struct db *d)
{
	if (d->pg)
		return pg_begin(d->pg, true);
	int rc = db_exec(d, "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON");
	if (rc)
		return rc;
	d->bulk = true;
	if ((rc = db_begin(d)))
		bulk_end(d);
	return rc;
}

int db_commit(struct db *d)
{
	copy_settle(d);
	int rc;
	/* The version moves in the transaction that changed the content: a reader sees both
	 * or neither. A failed move (on PostgreSQL also a COPY refused at its end) rolls the
	 * transaction back: nothing is committed without its version. */
	if (d->touched && (rc = rev_move(d))) {
		char msg[sizeof d->msg];
		memcpy(msg, d->msg, sizeof msg);
		db_rollback(d);
		memcpy(d->msg, msg, sizeof msg);
		return rc;
	}
	if (d->pg)
		return pg_commit(d->pg);
	rc = db_exec(d, "COMMIT");
	bulk_end(d); /* a failed COMMIT leaves the transaction open: db_rollback ends it */
	return rc;
}

int db_rollback(struct db *d)
{
	copy_settle(d);
	d->touched = false;
	if (d->pg)
		return pg_rollback(d->pg);
	int rc = sqlite3_get_autocommit(d->h) ? 0 : db_exec(d, "ROLLBACK");
	bulk_end(d);
	return rc;
}

/* ---- the content version ---- */

/* Tables whose rows change no page, list or document of the content (db.h): the audit
 * journal, the browser sessions, the requests for confidential materials (a download is
 * recorded, and must not drop every kept answer: the pages that list them are keyed by
 * their last row, web/rcache.c), and the version's own row. */
static const char *const quiet_tables[] = { "audit", "session", "material_download", "content_rev" };

/* p past spaces and comments. */
static const char *sql_space(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

/* The next token of a statement at p (after spaces and comments): a word or a quoted
 * identifier (*word true; a quoted one without its quotes), a string literal, or one
 * character; *start and *len give it, the result is what follows. At ';' or the end,
 * *len is 0. */
static const char *sql_token(const char *p, const char **start, size_t *len, bool *word)
{
	p = sql_space(p);
	*start = p;
	*word = false;
	if (!*p || *p == ';') {
		*len = 0;
		return p;
	}
	if (isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
		const char *q = p;
		while (isalnum((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80)
			q++;
		*len = (size_t)(q - p);
		*word = true;
		return q;
	}
	if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
		char close = *p == '[' ? ']' : *p;
		const char *q = p + 1;
		while (*q && !(*q == close && q[1] != close))
			q += *q == close ? 2 : 1; /* a doubled quote stands for itself */
		*start = p + 1;
		*len = (size_t)(q - p - 1);
		*word = *p != '\'';
		if (!*len) { /* '' or "": a token all the same */
			*start = p;
			*len = 1;
			*word = false;
		}
		return *q ? q + 1 : q;
	}
	*len = 1;
	return p + 1;
}

static bool is_kw(const char *t, size_t n, bool word, const char *kw)
{
	return word && strlen(kw) == n && !strncasecmp(t, kw, n);
}

static bool quiet_table(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof quiet_tables / sizeof *quiet_tables; i++)
		if (strlen(quiet_tables[i]) == n && !strncasecmp(t, quiet_tables[i], n))
			return true;
	return false;
}

/* Whether the statement at *p (up to its ';') changes the content; *p moves past it. */
static bool stmt_changes(const char **p)
{
	static const char *const reads[] = { "SELECT", "VALUES", "PRAGMA", "EXPLAIN", "BEGIN",
					     "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
					     "SHOW", "SET", "RESET", "ANALYZE", "VACUUM", "REINDEX",
					     "LOCK", "DECLARE", "FETCH", "CLOSE", "MOVE", "LISTEN",
					     "UNLISTEN", "NOTIFY", "DEALLOCATE", "DISCARD" };
	const char *t;
	size_t n;
	bool w, changes = false, decided = false;
	const char *q = sql_token(*p, &t, &n, &w);
	if (!n) { /* an empty statement */
		*p = *q ? q + 1 : q;
		return false;
	}
	for (size_t i = 0; i < sizeof reads / sizeof *reads; i++)
		if (is_kw(t, n, w, reads[i]))
			decided = true;
	bool with = is_kw(t, n, w, "WITH");
	if (!decided && !with)
		changes = true; /* CREATE, DROP, ALTER, COPY, TRUNCATE, …: content, to be safe */
	/* A write's verb (the first one, after a WITH's tables) and its table. */
	for (; n && !decided; q = sql_token(q, &t, &n, &w)) {
		bool ins = is_kw(t, n, w, "INSERT") || is_kw(t, n, w, "REPLACE");
		bool upd = is_kw(t, n, w, "UPDATE"), del = is_kw(t, n, w, "DELETE");
		if (!ins && !upd && !del)
			continue;
		decided = true;
		/* the table: after INTO (INSERT), FROM (DELETE), the verb and an OR clause
		 * (UPDATE OR REPLACE) */
		q = sql_token(q, &t, &n, &w);
		if (ins || del) {
			while (n && !is_kw(t, n, w, ins ? "INTO" : "FROM"))
				q = sql_token(q, &t, &n, &w);
			q = sql_token(q, &t, &n, &w);
		} else if (is_kw(t, n, w, "OR")) {
			q = sql_token(q, &t, &n, &w);
			q = sql_token(q, &t, &n, &w);
		}
		changes = !(n && w && quiet_table(t, n));
		break;
	}
	while (n)
		q = sql_token(q, &t, &n, &w);
	*p = *q ? q + 1 : q;
	return changes;
}

bool db_sql_changes_content(const char *sql)
{
	const char *p = sql;
	while (*sql_space(p))
		if (stmt_changes(&p))
			return true;
	return false;
}

static bool in_transaction(struct db *d)
{
	return d->pg ? pg_in_transaction(d->pg) : !sqlite3_get_autocommit(d->h);
}

/* Whether this database has the version's table (a database not yet migrated has not). */
static bool rev_table(struct db *d)
{
	if (d->has_rev)
		return true;
	struct db_stmt *s = NULL;
	int64_t n = 0;
	if (!db_cached(d, &s, d->pg ? "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
				     " AND tablename = 'content_rev'"
				    : "SELECT count(*) FROM sqlite_master WHERE name = 'content_rev'") &&
	    db_step(s) == DB_ROW)
		n = db_col_int(s, 0);
	if (s)
		db_reset(s);
	return d->has_rev = n > 0;
}

/* Moves the version (the changes it stands for are in this transaction, or committed). */
static int rev_move(struct db *d)
{
	d->touched = false;
	/* what the caller's last statement changed, still the answer of db_changes() (the
	 * look for the table is a statement too: on PostgreSQL it counts its row) */
	int64_t changed = db_changes(d);
	int rc = 0;
	if (rev_table(d)) {
		struct db_stmt *s = NULL;
		rc = db_cached(d, &s, "UPDATE content_rev SET n = n + 1");
		if (!rc && (rc = db_step(s)) > 0)
			rc = 0;
		if (s)
			db_reset(s);
	}
	keep_changes(d, changed);
	return rc;
}

/* After the driver's own statements: db_changes() answers `changed`, the count of the
 * caller's last statement, until the caller runs another. */
static void keep_changes(struct db *d, int64_t changed)
{
	d->changes = changed;
	d->kept = true;
}

/* After a statement that changed the content: outside a transaction its change is
 * committed already, and the version follows at once. */
static void settle(struct db *d)
{
	if (!d->touched || in_transaction(d))
		return;
	if (rev_move(d))
		log_error("версия данных не сдвинута после изменения: %s", d->msg);
}

uint64_t db_content_version(struct db *d)
{
	int64_t changed = db_changes(d); /* the caller's, kept (see rev_move) */
	int64_t n = -1;
	if (rev_table(d) && db_cached_int(d, "SELECT n FROM content_rev", -1, &n))
		n = -1;
	keep_changes(d, changed);
	return n < 0 ? 0 : (uint64_t)n + 1;
}

int64_t db_last_id(struct db *d)
{
	copy_settle(d);
	if (d->pg)
		return pg_last_id(d->pg);
	return sqlite3_last_insert_rowid(d->h);
}

int64_t db_changes(struct db *d)
{
	copy_settle(d);
	if (d->kept)
		return d->changes;
	if (d->pg)
		return pg_changes(d->pg);
	return sqlite3_changes64(d->h);
}

/* ---- bulk load ---- */

/* On SQLite the rows are gathered into batches of COPY_BATCH and stored by one
 * INSERT … SELECT from the batch each (the virtual table oko_batch below): one statement
 * execution opens the table's cursor once for the whole batch, where a row at a time paid
 * the statement's start and end per row (more than the insert itself, measured on the
 * results import), and no value is bound (a multi-row VALUES bound 13 values a row: a
 * eighth of the store's instructions). The values are copied into the batch (a caller's
 * buffers are reused before the batch is stored), so a constraint failure is reported
 * when its batch is stored: by the put that fills it or by the close, as COPY on
 * PostgreSQL reports it. An overlapped copy (db_copy_overlap: the results import, 1 M
 * rows) gathers batches of COPY_BATCH_OVERLAP into two buffers in turn and stores each full
 * one on a thread of its own meanwhile: its store 0.75-0.78 s -> 0.62-0.67 s; a failure
 * then surfaces one batch later. */
#define COPY_BATCH 256
/* An overlapped copy hands whole batches to its thread: larger ones, so that the two
 * threads' hand-overs (a wake-up each way) stay few beside the work. */
#define COPY_BATCH_OVERLAP 4096
#define COPY_MAX_COLS 64 /* columns of the oko_batch virtual table */

struct copy_val {
	int64_t i;           /* an integer, or the offset of a text or blob in bytes */
	uint32_t len;
	uint8_t type;        /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_TEXT, SQLITE_BLOB */
};

struct db_copy {
	struct db *d;
	int ncols, col;
	char *table, *cols;  /* SQLite: what the INSERT names */
	struct db_stmt *ins; /* SQLite: the INSERT of a full batch */
	struct copy_val *vals; /* SQLite: the batch, batch × ncols */
	int nrows, batch;    /* SQLite: rows in the batch, and in a full one */
	char *sql;           /* PostgreSQL: the COPY statement */
	char *line;          /* PostgreSQL: the row in COPY's text format; SQLite: the batch's
				texts and blobs */
	size_t len, cap;
	int rc;              /* the first failure; later calls return it */
	struct copy_fix {    /* db_copy_fix_*: the value every row holds in the column */
		bool on, null;
		int64_t i;
	} *fix;              /* ncols of them, or NULL: none fixed */
	bool begun;          /* a value was put: no more fixing */
	/* SQLite, overlapped (db_copy_overlap): a full batch is stored by `thread` while the
	 * next is gathered into the spare buffers; at most one batch of a connection is in the
	 * hands of a thread (db.busy). */
	bool overlap, started;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum { COPY_IDLE, COPY_BUSY, COPY_QUIT } state;
	struct copy_batch {
		const struct copy_val *vals;
		const char *line;
		int nrows, ncols;
	} work;              /* the batch the thread stores */
	int work_rc;         /* the thread's first failure */
	struct copy_val *spare_vals;
	char *spare_line;
	size_t spare_cap;
};

static void copy_put(struct db_copy *c, const void *p, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->line = xrealloc(c->line, c->cap);
	}
	memcpy(c->line + c->len, p, n);
	c->len += n;
}

static void copy_sep(struct db_copy *c)
{
	if (c->col++)
		copy_put(c, "\t", 1);
}

/* SQLite: the batch is read by the INSERT through the virtual table oko_batch(pointer),
 * one statement execution for the whole batch and no bound value a cell. */
static int copy_prepare(struct db_copy *c, struct db_stmt **out)
{
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "INSERT INTO %s (%s) SELECT ", c->table, c->cols);
	for (int i = 0; i < c->ncols; i++) {
		const struct copy_fix *f = c->fix ? &c->fix[i] : NULL;
		if (f && f->on && f->null)
			buf_printf(&b, "%sNULL", i ? ", " : "");
		else if (f && f->on)
			buf_printf(&b, "%s%lld", i ? ", " : "", (long long)f->i);
		else
			buf_printf(&b, "%sc%d", i ? ", " : "", i);
	}
	buf_puts(&b, " FROM oko_batch(?)");
	int rc = db_prepare(c->d, out, buf_str(&b));
	buf_free(&b);
	return rc;
}

/* SQLite: the next value of the row being gathered. */
static struct copy_val *copy_val(struct db_copy *c)
{
	if (c->col >= c->ncols)
		return NULL;
	return &c->vals[(size_t)c->nrows * (size_t)c->ncols + (size_t)c->col++];
}

/* SQLite: a text or blob kept in the batch's bytes. */
static int copy_bytes(struct db_copy *c, int type, const void *v, size_t n)
{
	struct copy_val *x = copy_val(c);
	if (!x || n > UINT32_MAX)
		return c->rc = ERR_INVALID;
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->line = xrealloc(c->line, c->cap);
	}
	memcpy(c->line + c->len, v, n);
	*x = (struct copy_val){ .i = (int64_t)c->len, .len = (uint32_t)n, .type = (uint8_t)type };
	c->len += n;
	return 0;
}

/* SQLite: what step() notes before a statement runs, for the batch's INSERT. */
static void copy_mark(struct db_copy *c)
{
	c->d->kept = false;
	if (c->ins->content)
		c->d->touched = true;
}

/* SQLite: stores a batch by one INSERT: the statement alone (sqlite3_step), on the thread
 * of an overlapped copy too. The driver's bookkeeping is the caller's thread's (copy_mark;
 * an overlapped copy is always in a transaction, so there is nothing to settle). A
 * failure's text goes to d->msg, read only after waiting. */
static int copy_insert(struct db_copy *c, const struct copy_batch *b)
{
	sqlite3_stmt *h = c->ins->h;
	int rc = sqlite3_bind_pointer(h, 1, (void *)b, "oko_batch", NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(h);
	rc = rc == SQLITE_DONE ? 0 : fail(c->d, rc);
	sqlite3_reset(h);
	sqlite3_clear_bindings(h); /* b does not outlive the batch */
	return rc;
}

/* SQLite: stores the gathered rows by one INSERT, here. */
static int copy_flush(struct db_copy *c)
{
	if (!c->nrows)
		return 0;
	copy_settle(c->d); /* an overlapped copy's batch on the same connection */
	struct copy_batch b = { c->vals, c->line, c->nrows, c->ncols };
	copy_mark(c);
	int rc = copy_insert(c, &b);
	if (c->ins->content)
		settle(c->d);
	c->nrows = 0;
	c->len = 0;
	return rc;
}

/* ---- an overlapped copy: storing one batch while the caller gathers the next ---- */

static void *copy_thread(void *arg)
{
	struct db_copy *c = arg;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->state == COPY_IDLE)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->state == COPY_QUIT)
			break;
		pthread_mutex_unlock(&c->mu);
		int rc = copy_insert(c, &c->work);
		pthread_mutex_lock(&c->mu);
		if (rc && !c->work_rc)
			c->work_rc = rc;
		c->state = COPY_IDLE;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Waits until c's thread has stored the batch it was given; the first failure of its
 * batches. */
static int copy_idle(struct db_copy *c)
{
	if (!c->started)
		return 0;
	pthread_mutex_lock(&c->mu);
	while (c->state == COPY_BUSY)
		pthread_cond_wait(&c->cv, &c->mu);
	int rc = c->work_rc;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* Before the caller's own use of the connection: no batch is being stored on it. A
 * failure stays with its copy, whose owner hears of it. */
static void copy_settle(struct db *d)
{
	if (d->busy)
		copy_idle(d->busy);
}

/* The full batch to c's thread, the spare buffers to gather the next in. */
static int copy_hand(struct db_copy *c)
{
	int rc = copy_idle(c);
	if (rc)
		return rc;
	copy_settle(c->d); /* another copy's batch on the same connection */
	if (!in_transaction(c->d)) {
		/* SQLite rolled the transaction back after a failure (an I/O error, a full disk)
		 * in another batch: nothing more is stored outside it. */
		snprintf(c->d->msg, sizeof c->d->msg, "транзакция прервана: %s", sqlite3_errmsg(c->d->h));
		return ERR_DB;
	}
	if (!c->started) {
		if (pthread_create(&c->thread, NULL, copy_thread, c)) {
			c->overlap = false; /* no thread: stored here from now on */
			return copy_flush(c);
		}
		c->started = true;
	}
	c->work = (struct copy_batch){ c->vals, c->line, c->nrows, c->ncols };
	struct copy_val *v = c->vals;
	char *l = c->line;
	size_t cap = c->cap;
	c->vals = c->spare_vals;
	c->line = c->spare_line;
	c->cap = c->spare_cap;
	c->spare_vals = v;
	c->spare_line = l;
	c->spare_cap = cap;
	c->nrows = 0;
	c->len = 0;
	c->d->busy = c;
	copy_mark(c);
	pthread_mutex_lock(&c->mu);
	c->state = COPY_BUSY;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

void db_copy_overlap(struct db_copy *c)
{
	/* Only inside a transaction (the worker does not settle the content version), once. */
	if (!c || !c->ins || c->spare_vals || !in_transaction(c->d))
		return;
	if (!c->nrows) {
		c->batch = COPY_BATCH_OVERLAP;
		c->vals = xrealloc(c->vals, (size_t)c->batch * (size_t)c->ncols * sizeof *c->vals);
	}
	c->spare_vals = xcalloc((size_t)c->batch * (size_t)c->ncols, sizeof *c->spare_vals);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->state = COPY_IDLE;
	c->overlap = true;
}

/* Stops c's thread after its last batch; that batch's failure, if any. */
static int copy_stop(struct db_copy *c)
{
	int rc = copy_idle(c);
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		c->state = COPY_QUIT;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thread, NULL);
		c->started = false;
	}
	if (c->d->busy == c)
		c->d->busy = NULL;
	if (c->spare_vals) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
	}
	free(c->spare_vals);
	free(c->spare_line);
	c->spare_vals = NULL;
	c->spare_line = NULL;
	return rc;
}

/* ---- oko_batch: a db_copy batch as a table, for its INSERT ... SELECT ----
 *
 * A table-valued function of one hidden argument, the batch (sqlite3_bind_pointer with the
 * type "oko_batch", so SQL cannot forge one), whose rows are the gathered rows and whose
 * columns c0 … c63 their values. */

struct batch_cursor {
	sqlite3_vtab_cursor base;
	const struct copy_batch *c;
	int row;
};

static int bt_connect(sqlite3 *h, void *aux, int argc, const char *const *argv,
		      sqlite3_vtab **out, char **err)
{
	(void)aux;
	(void)argc;
	(void)argv;
	(void)err;
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "CREATE TABLE x(");
	for (int i = 0; i < COPY_MAX_COLS; i++)
		buf_printf(&b, "c%d, ", i);
	buf_puts(&b, "src HIDDEN)");
	int rc = sqlite3_declare_vtab(h, buf_str(&b));
	buf_free(&b);
	if (rc != SQLITE_OK)
		return rc;
	*out = sqlite3_malloc(sizeof **out);
	if (!*out)
		return SQLITE_NOMEM;
	memset(*out, 0, sizeof **out);
	return SQLITE_OK;
}

static int bt_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

static int bt_best_index(sqlite3_vtab *v, sqlite3_index_info *ix)
{
	(void)v;
	for (int i = 0; i < ix->nConstraint; i++) {
		const struct sqlite3_index_constraint *k = &ix->aConstraint[i];
		if (k->iColumn == COPY_MAX_COLS && k->op == SQLITE_INDEX_CONSTRAINT_EQ && k->usable) {
			ix->aConstraintUsage[i].argvIndex = 1;
			ix->aConstraintUsage[i].omit = 1;
			ix->estimatedCost = 1;
			ix->estimatedRows = COPY_BATCH;
			return SQLITE_OK;
		}
	}
	return SQLITE_CONSTRAINT; /* only ever read with its batch */
}

static int bt_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	(void)v;
	struct batch_cursor *k = sqlite3_malloc(sizeof *k);
	if (!k)
		return SQLITE_NOMEM;
	memset(k, 0, sizeof *k);
	*out = &k->base;
	return SQLITE_OK;
}

static int bt_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int bt_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxs, int argc,
		     sqlite3_value **argv)
{
	(void)idx;
	(void)idxs;
	struct batch_cursor *k = (struct batch_cursor *)cur;
	k->c = argc == 1 ? sqlite3_value_pointer(argv[0], "oko_batch") : NULL;
	k->row = 0;
	return SQLITE_OK;
}

static int bt_next(sqlite3_vtab_cursor *cur)
{
	((struct batch_cursor *)cur)->row++;
	return SQLITE_OK;
}

static int bt_eof(sqlite3_vtab_cursor *cur)
{
	const struct batch_cursor *k = (const struct batch_cursor *)cur;
	return !k->c || k->row >= k->c->nrows;
}

static int bt_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct batch_cursor *k = (const struct batch_cursor *)cur;
	const struct copy_batch *c = k->c;
	if (col >= c->ncols) {
		sqlite3_result_null(ctx);
		return SQLITE_OK;
	}
	const struct copy_val *x = &c->vals[(size_t)k->row * (size_t)c->ncols + (size_t)col];
	switch (x->type) {
	case SQLITE_INTEGER:
		sqlite3_result_int64(ctx, x->i);
		break;
	case SQLITE_TEXT:
		sqlite3_result_text(ctx, c->line + x->i, (int)x->len, SQLITE_STATIC);
		break;
	case SQLITE_BLOB:
		sqlite3_result_blob(ctx, c->line + x->i, (int)x->len, SQLITE_STATIC);
		break;
	default:
		sqlite3_result_null(ctx);
	}
	return SQLITE_OK;
}

static int bt_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((const struct batch_cursor *)cur)->row;
	return SQLITE_OK;
}

static const sqlite3_module batch_module = {
	.iVersion = 0,
	.xConnect = bt_connect,
	.xBestIndex = bt_best_index,
	.xDisconnect = bt_disconnect,
	.xOpen = bt_open,
	.xClose = bt_close,
	.xFilter = bt_filter,
	.xNext = bt_next,
	.xEof = bt_eof,
	.xColumn = bt_column,
	.xRowid = bt_rowid,
};

static int copy_module(sqlite3 *h)
{
	return sqlite3_create_module(h, "oko_batch", &batch_module, NULL);
}

int db_copy_open(struct db *d, struct db_copy **out, const char *table, const char *cols,
		 int ncols)
{
	struct db_copy *c = xcalloc(1, sizeof *c);
	c->d = d;
	c->ncols = ncols;
	size_t n = strlen(table) + strlen(cols) + (size_t)ncols * 3 + 64;
	char *sql = xmalloc(n);
	int rc;
	if (d->pg) {
		snprintf(sql, n, "COPY %s (%s) FROM STDIN", table, cols);
		if (db_sql_changes_content(sql))
			d->touched = true;
		rc = pg_copy_begin(d->pg, sql);
		c->sql = sql;
		sql = NULL;
	} else {
		c->table = xstrdup(table);
		c->cols = xstrdup(cols);
		c->batch = COPY_BATCH;
		c->vals = xcalloc((size_t)COPY_BATCH * (size_t)ncols, sizeof *c->vals);
		rc = ncols > COPY_MAX_COLS ? ERR_INVALID : copy_prepare(c, &c->ins);
	}
	free(sql);
	if (rc) {
		db_finalize(c->ins);
		free(c->sql);
		free(c->table);
		free(c->cols);
		free(c->vals);
		free(c);
		*out = NULL;
		return rc;
	}
	*out = c;
	return 0;
}

/* A put into a fixed column (db_copy_fix_*): the value must be the fixed one. 0 when the
 * put is done (SQLite: the INSERT holds the value), 1 when the value is written as any
 * other (PostgreSQL's COPY names every column), or the failure. */
static int copy_fixed(struct db_copy *c, int type, int64_t v)
{
	const struct copy_fix *f = &c->fix[c->col];
	if (type != (f->null ? SQLITE_NULL : SQLITE_INTEGER) || (type == SQLITE_INTEGER && f->i != v)) {
		snprintf(c->d->msg, sizeof c->d->msg, "значение столбца %d не то, что задано для "
			 "всех строк", c->col + 1);
		return c->rc = ERR_INVALID;
	}
	if (!c->ins)
		return 1;
	c->col++;
	return 0;
}

static bool copy_is_fixed(const struct db_copy *c)
{
	return c->fix && c->col < c->ncols && c->fix[c->col].on;
}

/* Fixes column col to (null, v) for every row, before the first value is put. */
static int copy_fix(struct db_copy *c, int col, bool null, int64_t v)
{
	if (c->rc)
		return c->rc;
	if (c->begun || col < 0 || col >= c->ncols) {
		snprintf(c->d->msg, sizeof c->d->msg, "столбец %d закреплён не до первой строки "
			 "или не из загружаемых", col + 1);
		return c->rc = ERR_INVALID;
	}
	if (!c->fix)
		c->fix = xcalloc((size_t)c->ncols, sizeof *c->fix);
	c->fix[col] = (struct copy_fix){ .on = true, .null = null, .i = null ? 0 : v };
	if (!c->ins)
		return 0;
	struct db_stmt *ins = NULL; /* the INSERT with the value in place of the batch's */
	int rc = copy_prepare(c, &ins);
	if (rc)
		return c->rc = rc;
	db_finalize(c->ins);
	c->ins = ins;
	return 0;
}

int db_copy_fix_int(struct db_copy *c, int col, int64_t v)
{
	return copy_fix(c, col, false, v);
}

int db_copy_fix_null(struct db_copy *c, int col)
{
	return copy_fix(c, col, true, 0);
}

int db_copy_int(struct db_copy *c, int64_t v)
{
	if (c->rc)
		return c->rc;
	c->begun = true;
	int rc;
	if (copy_is_fixed(c) && (rc = copy_fixed(c, SQLITE_INTEGER, v)) != 1)
		return rc;
	if (c->ins) {
		struct copy_val *x = copy_val(c);
		if (!x)
			return c->rc = ERR_INVALID;
		*x = (struct copy_val){ .i = v, .type = SQLITE_INTEGER };
		return 0;
	}
	char num[24];
	int k = snprintf(num, sizeof num, "%lld", (long long)v);
	copy_sep(c);
	copy_put(c, num, (size_t)k);
	return 0;
}

int db_copy_null(struct db_copy *c)
{
	if (c->rc)
		return c->rc;
	c->begun = true;
	int rc;
	if (copy_is_fixed(c) && (rc = copy_fixed(c, SQLITE_NULL, 0)) != 1)
		return rc;
	if (c->ins) {
		struct copy_val *x = copy_val(c);
		if (!x)
			return c->rc = ERR_INVALID;
		*x = (struct copy_val){ .type = SQLITE_NULL };
		return 0;
	}
	copy_sep(c);
	copy_put(c, "\\N", 2);
	return 0;
}

int db_copy_text(struct db_copy *c, const char *v)
{
	if (!v)
		return db_copy_null(c);
	if (c->rc)
		return c->rc;
	c->begun = true;
	if (copy_is_fixed(c))
		return copy_fixed(c, SQLITE_TEXT, 0); /* a text is never a fixed value */
	if (c->ins)
		return copy_bytes(c, SQLITE_TEXT, v, strlen(v));
	copy_sep(c);
	/* COPY's text format: backslash, tab, newline and carriage return escaped. */
	for (const char *p = v; *p; p++) {
		const char *e = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n"
			      : *p == '\r' ? "\\r" : NULL;
		if (e)
			copy_put(c, e, 2);
		else
			copy_put(c, p, 1);
	}
	return 0;
}

int db_copy_blob(struct db_copy *c, const void *v, size_t n)
{
	if (!v)
		return db_copy_null(c);
	if (c->rc)
		return c->rc;
	c->begun = true;
	if (copy_is_fixed(c))
		return copy_fixed(c, SQLITE_BLOB, 0); /* nor a blob */
	if (c->ins)
		return copy_bytes(c, SQLITE_BLOB, v, n);
	copy_sep(c);
	/* bytea in hex, its backslash escaped for COPY: \\x0a1b… */
	static const char hex[] = "0123456789abcdef";
	copy_put(c, "\\\\x", 3);
	const unsigned char *b = v;
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hex[b[i] >> 4], hex[b[i] & 15] };
		copy_put(c, h, 2);
	}
	return 0;
}

int db_copy_row(struct db_copy *c)
{
	if (c->rc)
		return c->rc;
	c->col = 0;
	if (c->ins) {
		if (++c->nrows < c->batch)
			return 0;
		return c->rc = c->overlap ? copy_hand(c) : copy_flush(c);
	}
	copy_put(c, "\n", 1);
	int rc = pg_copy_row(c->d->pg, c->sql, c->line, c->len);
	c->len = 0;
	return c->rc = rc;
}

int db_copy_close(struct db_copy *c)
{
	if (!c)
		return 0;
	int rc = c->rc;
	if (c->ins) {
		int e = c->spare_vals ? copy_stop(c) : 0; /* overlapped, with a thread or not */
		if (!rc)
			rc = e;
		if (!rc)
			rc = copy_flush(c);
		db_finalize(c->ins);
		free(c->table);
		free(c->cols);
		free(c->vals);
	} else {
		int e = pg_copy_end(c->d->pg);
		if (!rc)
			rc = e;
		settle(c->d);
	}
	free(c->line);
	free(c->sql);
	free(c->fix);
	free(c);
	return rc;
}
