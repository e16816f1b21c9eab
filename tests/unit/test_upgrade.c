/* Upgrades: a database of every earlier schema version N (1 … latest-1), built from the
 * migrations the binary carries and holding data of the main tables that exist at N, opened
 * the normal way: it is migrated to the latest version, its data is all there, `oko check`
 * passes, and the backup db_open() took before migrating exists and holds exactly the old
 * database. On PostgreSQL too when OKO_PG_HOST names a cluster's socket directory
 * (scripts/pgtest.sh): the step latest-1 → latest, its backup a pg_dump archive. */
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
#include "cli/cli.h"
#include "db/backup.h"
#include "db/db.h"
#include "model/keys.h"

static char dir[64];

/* The seed: each statement tagged with the first schema version whose tables it fits, and
 * the table and rows it adds (checked after the upgrade). */
static const struct seed {
	int since;
	const char *table;
	int rows;
	const char *sql;
} seeds[] = {
	{ 1, "region", 1, "INSERT INTO region (id, name) VALUES (1, 'Алтайский край')" },
	{ 1, "municipality", 1, "INSERT INTO municipality (id, region_id, name) VALUES (1, 1, 'г. Барнаул')" },
	{ 1, "school", 2, "INSERT INTO school (id, login, name, municipality_id, kind, settlement, indepth) "
			  "VALUES (1, 'sch220001', 'МБОУ СОШ № 1', 1, 'СОШ', 'город', 0), "
			  "(2, 'sch220002', 'МБОУ Лицей № 2', 1, 'лицей', 'город', 1)" },
	{ 1, "procedure", 1, "INSERT INTO procedure (id, code, kind, year, subject, grade, max_score, "
			     "scale3, scale4, scale5) VALUES (1, 'VPR-2021-MA-4', 'VPR', 2021, 'MA', 4, 3, 1, 2, 3)" },
	{ 1, "position", 2, "INSERT INTO position (procedure_id, idx, label, label_key, max, level) "
			    "VALUES (1, 0, '1', '1', 1, 'Б'), (1, 1, '2', '2', 2, 'П')" },
	{ 1, "result", 3, "INSERT INTO result (procedure_id, school_id, code, class, gender, variant, "
			  "journal_mark, absent, primary_score) VALUES "
			  "(1, 1, '10001', '4А', 'м', 1, 4, 0, 3), "
			  "(1, 1, '10002', '4А', 'ж', 2, 3, 0, 1), "
			  "(1, 2, '10001', '4Б', 'ж', 1, 5, 1, NULL)" },
	{ 2, "upload", 1, "INSERT INTO upload (id, file, digest, size, layout, user_name, rows, written, "
			  "absent, warnings) VALUES (1, 'results.csv', 'ab', 100, 'canonical', 'admin', 3, 2, 1, 0)" },
	{ 2, "upload_school", 2, "INSERT INTO upload_school (upload_id, procedure_id, school_id, rows, "
				 "written, replaced) VALUES (1, 1, 1, 2, 2, 0), (1, 1, 2, 1, 0, 0)" },
	{ 3, "user", 2, "INSERT INTO \"user\" (id, login, name, role, region_id, school_id, password) "
			"VALUES (1, 'admin', 'Администратор', 'admin', NULL, NULL, 'x'), "
			"(2, 'sch220001', 'Школа № 1', 'school', NULL, 1, 'x')" },
	{ 3, "audit", 1, "INSERT INTO audit (user_id, user_login, action) VALUES (1, 'admin', 'login')" },
	{ 8, "api_token", 1, "INSERT INTO api_token (id, token_hash, user_id, label, created_at, expires_at) "
			     "VALUES (1, 'ab', 1, 'nightly', 1600000000, 1700000000)" },
	{ 6, "campaign", 1, "INSERT INTO campaign (id, name) VALUES (1, 'ВПР-2021')" },
	{ 6, "plan_procedure", 1, "INSERT INTO plan_procedure (procedure_id, campaign_id, materials_from, "
				  "window_from, window_to, criteria_from, form_from, upload_deadline) VALUES "
				  "(1, 1, '2021-03-10', '2021-03-15', '2021-04-20', '2021-03-15', "
				  "'2021-03-01', '2021-04-30')" },
	{ 6, "plan_school", 1, "INSERT INTO plan_school (procedure_id, school_id, sit_date, sit_time, "
			       "assigned_by) VALUES (1, 1, '2021-03-16', '09:00', 'admin')" },
	{ 17, "setting", 1, "INSERT INTO setting (key, value) VALUES ('time_zone', 'Asia/Barnaul')" },
};

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-upgrade-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	log_set_level(LOG_WARN);
	unsetenv("OKO_BACKUP_DIR");
	unsetenv("OKO_KEY_FILE");
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A database as an oko of schema version v left it (migrations 1 … v), with the seed. */
static void build_at(const char *url, int v)
{
	struct db *d = NULL;
	assert_int_equal(db_open(&d, url, DB_OPEN_CREATE | DB_OPEN_NOMIGRATE), 0);
	int applied = 0;
	assert_int_equal(db_migrate_to(d, v, &applied), 0);
	assert_int_equal(applied, v);
	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
		if (seeds[i].since <= v && db_exec(d, seeds[i].sql))
			fail_msg("version %d: the seed of %s failed: %s", v, seeds[i].table, db_errmsg(d));
	struct db_stmt *u = NULL;
	assert_int_equal(db_prepare(d, &u, "UPDATE result SET scores = ? WHERE school_id = 1 AND "
					   "code = '10001'"), 0);
	db_bind_blob(u, 1, "\x01\x02", 2);
	assert_int_equal(db_step(u), DB_DONE);
	db_finalize(u);
	if (v >= 5) {
		/* A pupil's name sealed under the school's key as oko seals names (the format in
		 * docs/personal-data.md), so that the check opens it after the upgrade. */
		uint8_t key[KEYS_BYTES], *sealed = NULL;
		size_t sn = 0;
		char msg[256];
		assert_int_equal(keys_school(d, 1, true, key, msg, sizeof msg), 0);
		assert_int_equal(keys_seal_padded(key, "oko-pupil-name-2:1", "Иванова Мария", 256,
						  &sealed, &sn), 0);
		keys_wipe(key, sizeof key);
		struct db_stmt *s = NULL;
		assert_int_equal(db_prepare(d, &s, "INSERT INTO pupil (school_id, year, class, grade, "
						   "name_enc, name_tag, code) VALUES (1, 2021, '4А', 4, ?, ?, '10001')"), 0);
		db_bind_blob(s, 1, sealed, sn);
		db_bind_blob(s, 2, "tag-1", 5);
		assert_int_equal(db_step(s), DB_DONE);
		db_finalize(s);
		free(sealed);
	}
	db_close(d);
}

/* The seed is all there after the upgrade. */
static void check_seed(struct db *d, int v)
{
	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
		if (seeds[i].since > v || (i && !strcmp(seeds[i].table, seeds[i - 1].table)))
			continue;
		int want = 0;
		for (size_t j = i; j < sizeof seeds / sizeof *seeds; j++)
			if (!strcmp(seeds[j].table, seeds[i].table) && seeds[j].since <= v)
				want += seeds[j].rows;
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s%s%s",
			 strcmp(seeds[i].table, "user") ? "" : "\"", seeds[i].table,
			 strcmp(seeds[i].table, "user") ? "" : "\"");
		int64_t n = -1;
		assert_int_equal(db_query_int(d, sql, -1, &n), 0);
		if (n != want)
			fail_msg("version %d: %s has %lld rows, expected %d", v, seeds[i].table,
				 (long long)n, want);
	}
	int64_t n = -1;
	/* A key made before 022 had kinds opens what it opened: the JSON API (and /metrics). */
	if (v >= 8) {
		assert_int_equal(db_query_int(d, "SELECT count(*) FROM api_token WHERE kind = 'full'", -1, &n), 0);
		assert_int_equal(n, 1);
	}
	assert_int_equal(db_query_int(d, "SELECT count(*) FROM result WHERE length(scores) = 2 "
					 "AND primary_score = 3", -1, &n), 0);
	assert_int_equal(n, 1);
}

/* `oko check` on the database passes (its exit status would be 0). */
static void check_passes(const char *url)
{
	struct cli c = { .db_path = url };
	char *argv[] = { "check", NULL };
	fflush(stdout);
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w");
	int rc = cmd_check(&c, 1, argv);
	fclose(stdout);
	stdout = saved;
	assert_int_equal(rc, 0);
}

/* The two SQLite files hold the same schema version, schema and rows. */
static void same_database(const char *a, const char *b)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(a, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	char sql[512];
	snprintf(sql, sizeof sql, "ATTACH '%s' AS b", b);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_stmt *s = NULL, *q = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT (SELECT count(*) FROM (SELECT type, name, sql "
					      "FROM main.sqlite_master EXCEPT SELECT type, name, sql FROM "
					      "b.sqlite_master)) + (SELECT count(*) FROM (SELECT type, name, "
					      "sql FROM b.sqlite_master EXCEPT SELECT type, name, sql FROM "
					      "main.sqlite_master))", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT name FROM main.sqlite_master WHERE type = "
					      "'table' ORDER BY name", -1, &s, NULL), SQLITE_OK);
	int tables = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM main.\"%s\") - (SELECT count(*) "
			 "FROM b.\"%s\"), (SELECT count(*) FROM (SELECT * FROM main.\"%s\" EXCEPT "
			 "SELECT * FROM b.\"%s\"))", t, t, t, t);
		assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (sqlite3_column_int(q, 0) || sqlite3_column_int(q, 1))
			fail_msg("table %s differs between %s and %s", t, a, b);
		sqlite3_finalize(q);
		tables++;
	}
	sqlite3_finalize(s);
	assert_true(tables > 0);
	sqlite3_stmt *v = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT (SELECT user_version FROM main.pragma_user_version) "
					      "- (SELECT user_version FROM b.pragma_user_version)", -1, &v,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(v), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(v, 0), 0);
	sqlite3_finalize(v);
	sqlite3_close(h);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static void test_every_version_upgrades_sqlite(void **state)
{
	int latest = db_schema_latest();
	assert_true(latest > 1);
	for (int v = 1; v < latest; v++) {
		char file[160], orig[160], backup[200];
		snprintf(file, sizeof file, "%s/v%03d.db", dir, v);
		snprintf(orig, sizeof orig, "%s/v%03d.orig", dir, v);
		snprintf(backup, sizeof backup, "%s.before-schema-%03d", file, v);
		build_at(file, v);
		copy_file(file, orig);
		struct db *d = NULL;
		if (db_open(&d, file, 0))
			fail_msg("the database of version %d did not open", v);
		int now = 0;
		assert_int_equal(db_schema_version(d, &now), 0);
		assert_int_equal(now, latest);
		check_seed(d, v);
		db_close(d);
		check_passes(file);
		if (access(backup, F_OK))
			fail_msg("no backup %s before migrating version %d", backup, v);
		same_database(orig, backup);
		/* The backup is a whole database of that version, one file: no -wal beside it. */
		struct dbbackup_info info;
		char msg[512];
		assert_int_equal(dbbackup_verify(backup, &info, msg, sizeof msg), 0);
		assert_int_equal(info.version, v);
	}
}

/* A failed backup stops the migration: the database stays at its version, unchanged. */
static void test_no_backup_no_migration(void **state)
{
	char file[160], orig[160];
	int v = db_schema_latest() - 1;
	snprintf(file, sizeof file, "%s/nob.db", dir);
	snprintf(orig, sizeof orig, "%s/nob.orig", dir);
	build_at(file, v);
	copy_file(file, orig);
	setenv("OKO_BACKUP_DIR", "/nonexistent/oko-backups", 1);
	struct db *d = NULL;
	int rc = db_open(&d, file, 0);
	unsetenv("OKO_BACKUP_DIR");
	assert_int_not_equal(rc, 0);
	assert_null(d);
	assert_int_equal(db_open(&d, file, DB_OPEN_NOMIGRATE), 0);
	int now = 0;
	assert_int_equal(db_schema_version(d, &now), 0);
	assert_int_equal(now, v);
	db_close(d);
	same_database(orig, file);
	/* OKO_BACKUP_DIR, when it exists, is where the backup goes. */
	char bdir[160], backup[300];
	snprintf(bdir, sizeof bdir, "%s/backups", dir);
	mkdir(bdir, 0700);
	setenv("OKO_BACKUP_DIR", bdir, 1);
	rc = db_open(&d, file, 0);
	unsetenv("OKO_BACKUP_DIR");
	assert_int_equal(rc, 0);
	db_close(d);
	snprintf(backup, sizeof backup, "%s/nob.db.before-schema-%03d", bdir, v);
	assert_int_equal(access(backup, F_OK), 0);
	same_database(orig, backup);
}

/* PostgreSQL: latest-1 → latest in a fresh database of the test cluster. */
static void test_upgrade_postgresql(void **state)
{
	const char *host = getenv("OKO_PG_HOST");
	if (!host || !*host) {
		skip();
		return;
	}
	char admin[512], url[600], name[64], sql[256];
	snprintf(name, sizeof name, "oko_upgrade_%ld", (long)getpid());
	snprintf(admin, sizeof admin, "postgresql:///postgres?host=%s&user=oko", host);
	snprintf(url, sizeof url, "postgresql:///%s?host=%s&user=oko", name, host);
	setenv("OKO_FILES", dir, 1);
	struct db *a = NULL;
	assert_int_equal(db_open(&a, admin, DB_OPEN_NOMIGRATE), 0);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'", name);
	assert_int_equal(db_exec(a, sql), 0);
	int v = db_schema_latest() - 1;
	build_at(url, v);
	struct db *d = NULL;
	int rc = db_open(&d, url, 0);
	if (!rc) {
		int now = 0;
		assert_int_equal(db_schema_version(d, &now), 0);
		assert_int_equal(now, db_schema_latest());
		check_seed(d, v);
		db_close(d);
		check_passes(url);
	}
	char backup[300];
	snprintf(backup, sizeof backup, "%s/%s.before-schema-%03d", dir, name, v);
	struct dbbackup_info info;
	char msg[512];
	int brc = dbbackup_verify(backup, &info, msg, sizeof msg);
	snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", name);
	db_exec(a, sql);
	db_close(a);
	unsetenv("OKO_FILES");
	assert_int_equal(rc, 0);
	assert_int_equal(brc, 0);
	assert_true(info.pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_version_upgrades_sqlite),
		cmocka_unit_test(test_no_backup_no_migration),
		cmocka_unit_test(test_upgrade_postgresql),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
