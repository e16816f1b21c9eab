/* db/backup: online backup, restore and the engine's checks (see backup.h). */
#define _GNU_SOURCE
#include "db/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "base/log.h"
#include "base/mem.h"
#include "db/copy.h"

extern char **environ;

/* Renames from onto to unless to exists (ERR_EXISTS); atomic where the file system can. */
static int rename_new(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST)
		return ERR_EXISTS;
	if (errno != EINVAL && errno != ENOSYS)
		return ERR_IO;
	if (access(to, F_OK) == 0)
		return ERR_EXISTS;
	return rename(from, to) ? ERR_IO : 0;
}

/* A new empty file beside `beside`, named after it plus suffix and six random characters,
 * mode 0600 (mkstemp); its name in tmp. */
static int temp_beside(const char *beside, const char *suffix, char *tmp, size_t ntmp, char *msg,
		       size_t n)
{
	if ((size_t)snprintf(tmp, ntmp, "%s%sXXXXXX", beside, suffix) >= ntmp) {
		err_set(msg, n, "слишком длинное имя файла %s", beside);
		return ERR_LIMIT;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(msg, n, "не удалось создать временный файл рядом с %s: %s", beside, strerror(errno));
		return ERR_IO;
	}
	close(fd);
	return 0;
}

/* The start of a backup into out: refused when out exists (a backup never replaces a file),
 * else the temporary file beside it (temp_beside) that the copy is written into. */
static int begin_out(const char *out, char *tmp, size_t ntmp, char *msg, size_t n)
{
	if (access(out, F_OK) == 0) {
		err_set(msg, n, "файл %s уже есть: резервная копия не записывается поверх файла", out);
		return ERR_EXISTS;
	}
	return temp_beside(out, ".tmp-", tmp, ntmp, msg, n);
}

/* The end of it: the written temporary file fsync'ed, renamed onto out (never over a file
 * that appeared meanwhile) and the rename made durable. */
static int put_in_place(const char *tmp, const char *out, char *msg, size_t n)
{
	if (file_sync(tmp)) {
		err_set(msg, n, "не удалось записать %s на диск: %s", tmp, strerror(errno));
		return ERR_IO;
	}
	int rc = rename_new(tmp, out);
	if (rc) {
		err_set(msg, n, rc == ERR_EXISTS ? "файл %s появился во время копирования"
						 : "не удалось переименовать копию в %s", out);
		return rc;
	}
	file_sync_dir_of(out);
	return 0;
}

/* Copies the SQLite database src into the empty file dst by the backup API, in steps, under
 * one read transaction of the source; dst ends in the rollback journal and checked. */
static int copy_pages(const char *src, const char *dst, bool src_readonly,
		      dbbackup_progress *progress, void *ctx, char *msg, size_t n)
{
	sqlite3 *s = NULL, *t = NULL;
	sqlite3_backup *b = NULL;
	sqlite3_stmt *q = NULL;
	int rc = ERR_DB, r;
	r = sqlite3_open_v2(src, &s, src_readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
			    NULL);
	if (r != SQLITE_OK) {
		err_set(msg, n, "не удалось открыть базу %s: %s", src, s ? sqlite3_errmsg(s) : sqlite3_errstr(r));
		goto out;
	}
	sqlite3_busy_timeout(s, 10000);
	/* The snapshot: a read transaction held until the last page is copied. */
	if ((r = sqlite3_exec(s, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL))) {
		err_set(msg, n, "файл %s не читается как база данных SQLite: %s", src, sqlite3_errmsg(s));
		rc = r == SQLITE_BUSY ? ERR_BUSY : ERR_DB;
		goto out;
	}
	if ((r = sqlite3_open_v2(dst, &t, SQLITE_OPEN_READWRITE, NULL)) != SQLITE_OK) {
		err_set(msg, n, "не удалось открыть файл %s: %s", dst, t ? sqlite3_errmsg(t) : sqlite3_errstr(r));
		goto out;
	}
	if (!(b = sqlite3_backup_init(t, "main", s, "main"))) {
		err_set(msg, n, "не удалось начать копирование: %s", sqlite3_errmsg(t));
		goto out;
	}
	for (int waited = 0;;) {
		r = sqlite3_backup_step(b, DBBACKUP_STEP);
		if (r == SQLITE_OK || r == SQLITE_DONE) {
			waited = 0;
			if (progress) {
				int64_t total = sqlite3_backup_pagecount(b);
				progress(ctx, total - sqlite3_backup_remaining(b), total);
			}
			if (r == SQLITE_DONE)
				break;
			continue;
		}
		/* Busy or locked: another connection of this process or a writer's lock; the
		 * source is read in WAL mode, so this is brief. Up to 60 s in 50 ms waits. */
		if ((r == SQLITE_BUSY || r == SQLITE_LOCKED) && ++waited < 1200) {
			sqlite3_sleep(50);
			continue;
		}
		err_set(msg, n, "копирование остановилось: %s", sqlite3_errstr(r));
		rc = r == SQLITE_BUSY || r == SQLITE_LOCKED ? ERR_BUSY : ERR_IO;
		goto out;
	}
	r = sqlite3_backup_finish(b);
	b = NULL;
	if (r != SQLITE_OK) {
		err_set(msg, n, "копирование не завершено: %s", sqlite3_errmsg(t));
		goto out;
	}
	sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	/* One self-contained file (no -wal beside it), checked before it gets its name. */
	if (sqlite3_exec(t, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t, "PRAGMA quick_check", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(q, 0), "ok")) {
		err_set(msg, n, "копия не прошла проверку: %s", sqlite3_errmsg(t));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	if (b)
		sqlite3_backup_finish(b);
	if (t && sqlite3_close(t) != SQLITE_OK && !rc) {
		err_set(msg, n, "не удалось закрыть копию");
		rc = ERR_IO;
	}
	if (s)
		sqlite3_close(s);
	return rc;
}

int dbbackup_sqlite(const char *src, const char *out, dbbackup_progress *progress, void *ctx,
		    int64_t *bytes, char *msg, size_t n)
{
	char tmp[4200];
	int rc = begin_out(out, tmp, sizeof tmp, msg, n);
	if (rc)
		return rc;
	if ((rc = copy_pages(src, tmp, false, progress, ctx, msg, n)) ||
	    (rc = put_in_place(tmp, out, msg, n))) {
		dbcopy_remove_sqlite(tmp);
		return rc;
	}
	if (bytes) {
		struct stat st;
		*bytes = stat(out, &st) == 0 ? (int64_t)st.st_size : 0;
	}
	return 0;
}

/* A PostgreSQL URL split for a client program (pg_dump, pg_restore): conninfo is its
 * parameters as libpq parses them (PQconninfoParse) written back as key='value' without the
 * password, for the program's command line, which any user of the machine sees (ps); the
 * password, when the URL has one, goes to the program's environment (PGPASSWORD), which only
 * its owner can read. */
struct pg_client {
	char conninfo[4200];
	char password[1100];
};

static int pg_client_of(const char *url, struct pg_client *c, char *msg, size_t n)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &err);
	c->conninfo[0] = c->password[0] = 0;
	if (!opts) {
		/* libpq's own message names the part it could not read. */
		err_set(msg, n, "адрес базы PostgreSQL не разобран: %s", err ? err : "нет памяти");
		PQfreemem(err);
		return ERR_USAGE;
	}
	size_t len = 0;
	int rc = 0;
	for (const PQconninfoOption *o = opts; o->keyword && !rc; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "password")) {
			if ((size_t)snprintf(c->password, sizeof c->password, "%s", o->val) >=
			    sizeof c->password)
				rc = ERR_LIMIT;
			continue;
		}
		/* key='value' with \ and ' escaped, as libpq reads a connection string. */
		int w = snprintf(c->conninfo + len, sizeof c->conninfo - len, "%s%s='", len ? " " : "",
				 o->keyword);
		if (w < 0 || (size_t)w >= sizeof c->conninfo - len) {
			rc = ERR_LIMIT;
			break;
		}
		len += (size_t)w;
		for (const char *v = o->val; *v && !rc; v++) {
			if (len + 4 >= sizeof c->conninfo) {
				rc = ERR_LIMIT;
				break;
			}
			if (*v == '\\' || *v == '\'')
				c->conninfo[len++] = '\\';
			c->conninfo[len++] = *v;
		}
		if (!rc) {
			c->conninfo[len++] = '\'';
			c->conninfo[len] = 0;
		}
	}
	PQconninfoFree(opts);
	if (rc) {
		explicit_bzero(c, sizeof *c);
		err_set(msg, n, "слишком длинный адрес базы PostgreSQL");
	}
	return rc;
}

/* Runs argv (a PostgreSQL client program) with stdout to /dev/null when quiet, and with
 * PGPASSWORD set to c's password when c has one (c may be NULL); 0 when it exits 0, else
 * ERR_IO with a Russian reason. */
static int run_tool(char *const argv[], bool quiet, const struct pg_client *c, char *msg,
		    size_t n)
{
	char pw[sizeof c->password + 16];
	size_t ne = 0, k = 0;
	while (environ[ne])
		ne++;
	char **env = xcalloc(ne + 2, sizeof *env);
	bool has_pw = c && *c->password;
	for (size_t i = 0; i < ne; i++)
		if (!has_pw || strncmp(environ[i], "PGPASSWORD=", 11))
			env[k++] = environ[i];
	if (has_pw) {
		snprintf(pw, sizeof pw, "PGPASSWORD=%s", c->password);
		env[k++] = pw;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (has_pw)
		explicit_bzero(pw, sizeof pw);
	if (e) {
		err_set(msg, n, "не удалось запустить %s: %s (установите пакет postgresql-client той же "
				"или более новой версии, что и сервер)", argv[0], strerror(e));
		return ERR_IO;
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			err_set(msg, n, "%s: %s", argv[0], strerror(errno));
			return ERR_IO;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		err_set(msg, n, "программа %s не найдена: установите пакет postgresql-client той же или "
				"более новой версии, что и сервер", argv[0]);
	else
		err_set(msg, n, "%s завершилась с ошибкой (причина выше)", argv[0]);
	return ERR_IO;
}

int dbbackup_pg(struct db *d, const char *out, char *msg, size_t n)
{
	char tmp[4200], url[2048], schema[256] = "public";
	struct pg_client c;
	db_url(d, url, sizeof url);
	int rc = pg_client_of(url, &c, msg, n);
	explicit_bzero(url, sizeof url);
	if (rc)
		return rc;
	/* Only oko's schema (the connection's current one): a cluster's other schemas in the
	 * same database are not oko's to copy. */
	struct db_stmt *s = NULL;
	if (!db_prepare(d, &s, "SELECT current_schema()") && db_step(s) == DB_ROW)
		snprintf(schema, sizeof schema, "%s", db_col_text(s, 0));
	db_finalize(s);
	if ((rc = begin_out(out, tmp, sizeof tmp, msg, n)))
		goto out;
	char *argv[] = { "pg_dump", "--format=custom", "--no-password", "--schema", schema,
			 "--file", tmp, "--dbname", c.conninfo, NULL };
	if ((rc = run_tool(argv, false, &c, msg, n)) || (rc = put_in_place(tmp, out, msg, n)))
		unlink(tmp);
out:
	explicit_bzero(&c, sizeof c);
	return rc;
}

int dbbackup_before_migration(struct db *d, const char *path, int version)
{
	char file[2048], dir[2048], name[4600], msg[1024] = "";
	db_file(d, file, sizeof file);
	if (!*file || !strcmp(file, ":memory:"))
		return 0;
	const char *env = getenv("OKO_BACKUP_DIR");
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s", env);
	} else {
		char t[2048];
		snprintf(t, sizeof t, "%s", file);
		snprintf(dir, sizeof dir, "%s", dirname(t));
	}
	char t[2048];
	snprintf(t, sizeof t, "%s", file);
	const char *base = basename(t);
	for (int k = 1; k < 1000; k++) {
		if (k == 1)
			snprintf(name, sizeof name, "%s/%s.before-schema-%03d", dir, base, version);
		else
			snprintf(name, sizeof name, "%s/%s.before-schema-%03d.%d", dir, base, version, k);
		if (access(name, F_OK) != 0)
			break;
	}
	int rc;
	if (db_is_pg(d)) {
		rc = dbbackup_pg(d, name, msg, sizeof msg);
	} else {
		rc = dbbackup_sqlite(file, name, NULL, NULL, NULL, msg, sizeof msg);
	}
	if (rc) {
		log_error("обновление схемы базы %s остановлено, база не изменена: не удалось сделать "
			  "резервную копию перед обновлением (%s). Освободите место или укажите другой "
			  "каталог копий в OKO_BACKUP_DIR", path, msg);
		return rc;
	}
	log_info("перед обновлением схемы сделана резервная копия базы (версия схемы %d): %s",
		 version, name);
	return 0;
}

int dbbackup_verify(const char *file, struct dbbackup_info *info, char *msg, size_t n)
{
	*info = (struct dbbackup_info){ 0 };
	char head[16] = { 0 };
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(msg, n, "не удалось открыть %s: %s", file, strerror(errno));
		return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
	}
	struct stat st;
	ssize_t got = read(fd, head, sizeof head);
	if (fstat(fd, &st) == 0)
		info->bytes = st.st_size;
	close(fd);
	if (got >= 5 && !memcmp(head, "PGDMP", 5)) {
		info->pg = true;
		char *argv[] = { "pg_restore", "--list", (char *)file, NULL };
		return run_tool(argv, true, NULL, msg, n);
	}
	if (got < 16 || memcmp(head, "SQLite format 3", 16)) {
		err_set(msg, n, "%s — не резервная копия oko (ни база SQLite, ни архив pg_dump)", file);
		return ERR_FORMAT;
	}
	sqlite3 *h = NULL;
	sqlite3_stmt *q = NULL;
	int rc = ERR_DB;
	if (sqlite3_open_v2(file, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(msg, n, "не удалось открыть %s: %s", file, h ? sqlite3_errmsg(h) : "нет памяти");
		goto out;
	}
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &q, NULL) != SQLITE_OK) {
		err_set(msg, n, "%s не читается: %s", file, sqlite3_errmsg(h));
		goto out;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		if (t && strcmp(t, "ok")) {
			err_set(msg, n, "копия %s повреждена: %s", file, t);
			rc = ERR_INVALID;
			goto out;
		}
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &q, NULL) != SQLITE_OK) {
		err_set(msg, n, "%s не читается: %s", file, sqlite3_errmsg(h));
		goto out;
	}
	if (sqlite3_step(q) == SQLITE_ROW) {
		err_set(msg, n, "в копии %s нарушена ссылочная целостность: таблица %s, строка %lld", file,
			(const char *)sqlite3_column_text(q, 0), (long long)sqlite3_column_int64(q, 1));
		rc = ERR_INVALID;
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		err_set(msg, n, "%s не читается: %s", file, sqlite3_errmsg(h));
		goto out;
	}
	info->version = sqlite3_column_int(q, 0);
	if (info->version == 0) {
		err_set(msg, n, "%s — база SQLite, но не база oko (версия схемы 0)", file);
		rc = ERR_INVALID;
	} else if (info->version > db_schema_latest()) {
		err_set(msg, n, "копия %s сделана более новой версией oko (схема %d, эта программа знает до "
				"%d): обновите oko", file, info->version, db_schema_latest());
		rc = ERR_VERSION;
	} else {
		rc = 0;
	}
out:
	sqlite3_finalize(q);
	sqlite3_close(h);
	return rc;
}

bool dbbackup_in_use(const char *path)
{
	char shm[4200];
	snprintf(shm, sizeof shm, "%s-shm", path);
	int fd = open(shm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* SQLite's unix VFS: the byte after the 8 lock slots at offset 120 of the -shm file is
	 * read-locked by every connection while it has the database open. */
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1 };
	bool used = fcntl(fd, F_GETLK, &lk) == 0 && lk.l_type != F_UNLCK;
	close(fd);
	return used;
}

int dbbackup_stage(const char *file, const char *target, char *tmp, size_t ntmp, char *msg,
		   size_t n)
{
	int rc = temp_beside(target, ".restore-", tmp, ntmp, msg, n);
	if (rc)
		return rc;
	if ((rc = copy_pages(file, tmp, true, NULL, NULL, msg, n)) || (rc = file_sync(tmp))) {
		if (rc == ERR_IO && !*msg)
			err_set(msg, n, "не удалось записать %s на диск", tmp);
		dbcopy_remove_sqlite(tmp);
		tmp[0] = 0;
	}
	return rc;
}

#define IN_USE "база %s открыта другой программой (работает «oko serve» или идёт загрузка): " \
	       "остановите её и повторите"

int dbbackup_swap(const char *tmp, const char *target, const char *keep, char *msg, size_t n)
{
	sqlite3 *h = NULL;
	int rc = 0;
	if (access(target, F_OK) != 0) {
		if ((rc = rename_new(tmp, target)))
			err_set(msg, n, "не удалось переименовать %s в %s", tmp, target);
		else
			file_sync_dir_of(target);
		return rc;
	}
	if (!keep) {
		err_set(msg, n, "база %s уже есть", target);
		return ERR_EXISTS;
	}
	if (dbbackup_in_use(target)) {
		err_set(msg, n, IN_USE, target);
		return ERR_BUSY;
	}
	/* The database for this process alone: leaving WAL needs every other connection gone
	 * (it also moves the WAL's pages into the file), and the exclusive lock keeps any new
	 * one out until the names are swapped. */
	if (sqlite3_open_v2(target, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		err_set(msg, n, "не удалось открыть базу %s: %s", target, h ? sqlite3_errmsg(h) : "нет памяти");
		rc = ERR_DB;
		goto out;
	}
	sqlite3_busy_timeout(h, 3000);
	if (sqlite3_exec(h, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK) {
		int e = sqlite3_errcode(h);
		if (e == SQLITE_BUSY || e == SQLITE_LOCKED) {
			err_set(msg, n, IN_USE, target);
			rc = ERR_BUSY;
		} else {
			err_set(msg, n, "база %s не открывается для замены: %s", target, sqlite3_errmsg(h));
			rc = ERR_DB;
		}
		goto out;
	}
	if ((rc = rename_new(target, keep))) {
		err_set(msg, n, "не удалось сохранить прежнюю базу как %s", keep);
		goto out;
	}
	if (rename(tmp, target)) {
		err_set(msg, n, "не удалось переименовать %s в %s: %s", tmp, target, strerror(errno));
		rename(keep, target);
		rc = ERR_IO;
		goto out;
	}
	file_sync_dir_of(target);
out:
	if (h) {
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(h);
	}
	return rc;
}

int dbbackup_unswap(const char *tmp, const char *target, const char *keep, char *msg, size_t n)
{
	bool had = keep && access(keep, F_OK) == 0;
	if (rename_new(target, tmp)) {
		err_set(msg, n, "не удалось убрать восстановленную базу %s: %s", target, strerror(errno));
		return ERR_IO;
	}
	if (had && rename_new(keep, target)) {
		err_set(msg, n, "не удалось вернуть прежнюю базу %s на место %s: %s", keep, target,
			strerror(errno));
		return ERR_IO;
	}
	file_sync_dir_of(target);
	return 0;
}

int dbbackup_pg_restore(const char *file, const char *url, char *msg, size_t n)
{
	/* The archive's table of contents without the schema itself (CREATE SCHEMA and its
	 * comment): the empty database has its schema (public) already. Written beside the
	 * archive, removed after. */
	char list[4200], all[4200];
	struct pg_client c;
	int rc = pg_client_of(url, &c, msg, n);
	if (rc)
		return rc;
	if ((rc = temp_beside(file, ".list-", all, sizeof all, msg, n)))
		goto wipe;
	if ((rc = temp_beside(file, ".list-", list, sizeof list, msg, n))) {
		unlink(all);
		goto wipe;
	}
	char *lsargv[] = { "pg_restore", "--list", "--file", all, (char *)file, NULL };
	if ((rc = run_tool(lsargv, true, NULL, msg, n)))
		goto out;
	FILE *in = fopen(all, "r"), *to = fopen(list, "w");
	char line[8192];
	while (in && to && fgets(line, sizeof line, in))
		if (!strstr(line, " SCHEMA - ") && !strstr(line, " COMMENT - SCHEMA "))
			fputs(line, to);
	bool bad = !in || !to || ferror(in);
	if (in)
		fclose(in);
	if (to && fclose(to))
		bad = true;
	if (bad) {
		err_set(msg, n, "не удалось записать оглавление архива %s", list);
		rc = ERR_IO;
		goto out;
	}
	char *argv[] = { "pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
			 "--no-privileges", "--no-password", "--use-list", list, "--dbname",
			 c.conninfo, (char *)file, NULL };
	rc = run_tool(argv, false, &c, msg, n);
out:
	unlink(all);
	unlink(list);
wipe:
	explicit_bzero(&c, sizeof c);
	return rc;
}

int dbbackup_integrity(struct db *d, bool quick, int64_t *problems, char *first, size_t n)
{
	*problems = 0;
	first[0] = 0;
	if (db_is_pg(d))
		return 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *t = db_col_text(s, 0);
		if (!strcmp(t, "ok"))
			continue;
		if (!(*problems)++)
			snprintf(first, n, "%s", t);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int dbbackup_foreign_keys(struct db *d, int64_t *violations, char *first, size_t n)
{
	*violations = 0;
	first[0] = 0;
	if (db_is_pg(d))
		return 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "PRAGMA foreign_key_check");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		if (!(*violations)++)
			snprintf(first, n, "таблица %s, строка %lld → %s", db_col_text(s, 0),
				 (long long)db_col_int(s, 1), db_col_text(s, 2));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}
