/* Unit tests of model/keys and model/pupil: sealing round trip, wrong keys, class and name
 * normalisation, codes unique and stable, and the reader check for names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "model/keys.h"
#include "model/pupil.h"
#include "model/registry.h"

static char dir[64], path[128];
static struct db *db;
static int64_t school_a, school_b;

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-pupil-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	unsetenv("OKO_KEY_FILE");
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	struct school a = { .login = "sch1", .name = "Школа 1", .municipality = "М", .region = "Р" };
	struct school b = { .login = "sch2", .name = "Школа 2", .municipality = "М", .region = "Р" };
	return registry_school_put(db, &a, &school_a) || registry_school_put(db, &b, &school_b);
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_seal_round_trip(void **state)
{
	uint8_t k[KEYS_BYTES], k2[KEYS_BYTES];
	memset(k, 7, sizeof k);
	memset(k2, 8, sizeof k2);
	const char *name = "Иванова Мария Петровна";
	uint8_t *c = NULL;
	size_t cn = 0, pn = 0;
	char *p = NULL;
	assert_int_equal(keys_seal(k, "ad:1", name, strlen(name), &c, &cn), 0);
	for (size_t i = 0; i + 4 <= cn; i++)
		assert_false(memcmp(c + i, "Иван", 4) == 0 && i + strlen("Иванова") <= cn &&
			     memcmp(c + i, "Иванова", strlen("Иванова")) == 0);
	assert_int_equal(keys_open(k, "ad:1", c, cn, &p, &pn), 0);
	assert_string_equal(p, name);
	free(p);
	assert_int_equal(keys_open(k2, "ad:1", c, cn, &p, &pn), ERR_INVALID); /* wrong key */
	assert_int_equal(keys_open(k, "ad:2", c, cn, &p, &pn), ERR_INVALID);  /* other school */
	c[cn - 1] ^= 1;
	assert_int_equal(keys_open(k, "ad:1", c, cn, &p, &pn), ERR_INVALID);  /* tampered */
	free(c);
	/* Two seals of one value differ (random nonce). */
	uint8_t *c1, *c2;
	size_t n1, n2;
	keys_seal(k, "a", "x", 1, &c1, &n1);
	keys_seal(k, "a", "x", 1, &c2, &n2);
	assert_true(n1 == n2 && memcmp(c1, c2, n1) != 0);
	free(c1);
	free(c2);
}

static void test_norm(void **state)
{
	char c[PUPIL_CLASS_MAX], n[PUPIL_NAME_MAX];
	int g;
	const char *why;
	assert_int_equal(pupil_class_norm("4 а", c, &g), 0);
	assert_string_equal(c, "4А");
	assert_int_equal(g, 4);
	assert_int_equal(pupil_class_norm("10-b", c, &g), 0);
	assert_string_equal(c, "10В");
	assert_int_equal(pupil_class_norm("11", c, &g), 0);
	assert_int_equal(pupil_class_norm("12А", c, &g), ERR_INVALID);
	assert_int_equal(pupil_class_norm("А4", c, &g), ERR_INVALID);
	assert_int_equal(pupil_class_norm("4!", c, &g), ERR_INVALID);
	assert_int_equal(pupil_name_norm("  Иванов   Иван\tИванович ", n, &why), 0);
	assert_string_equal(n, "Иванов Иван Иванович");
	assert_int_equal(pupil_name_norm("Салтыков-Щедрин Михаил", n, &why), 0);
	assert_int_equal(pupil_name_norm("Иванов", n, &why), ERR_INVALID);
	assert_int_equal(pupil_name_norm("Иванов 123", n, &why), ERR_INVALID);
	assert_int_equal(pupil_name_norm("Иванов <script>", n, &why), ERR_INVALID);
	assert_int_equal(pupil_year_of(1600000000), 2021); /* 13.09.2020 */
	assert_int_equal(pupil_year_of(1620000000), 2021); /* 03.05.2021 */
}

static void add(int64_t school, const char *cls, int grade, const char *name, bool *created)
{
	int64_t id;
	char msg[256];
	assert_int_equal(pupil_put(db, school, 2021, cls, grade, name, &id, created, msg, sizeof msg), 0);
}

static void test_codes_and_access(void **state)
{
	bool created;
	char msg[256];
	add(school_a, "4А", 4, "Уникальнова Евлампия", &created);
	assert_true(created);
	add(school_a, "4А", 4, "Уникальнова  евлампия", &created); /* the same pupil, folded */
	assert_false(created);
	for (int i = 0; i < 40; i++) {
		char n[64];
		snprintf(n, sizeof n, "Ученик %c%c", 'A' + i / 26, 'a' + i % 26);
		add(school_a, i % 2 ? "4Б" : "10А", i % 2 ? 4 : 10, n, &created);
	}
	add(school_b, "4А", 4, "Другая Школа", &created);
	long issued;
	assert_int_equal(pupil_codes_issue(db, school_a, 2021, &issued), 0);
	assert_int_equal(issued, 41);
	struct user op;
	pupil_operator_user(school_a, &op);
	struct pupil *v;
	size_t n;
	assert_int_equal(pupil_list(db, &op, school_a, 2021, NULL, &v, &n, msg, sizeof msg), 0);
	assert_int_equal(n, 41);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i].code);
		assert_int_equal(len, v[i].grade >= 10 ? 6 : 5);
		char pre[4];
		snprintf(pre, sizeof pre, "%d", v[i].grade);
		assert_memory_equal(v[i].code, pre, strlen(pre));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(v[i].code, v[j].code);
		assert_true(v[i].name[0] != '\0');
	}
	/* Stable: issuing again changes nothing. */
	char first[PUPIL_CODE_MAX];
	snprintf(first, sizeof first, "%s", v[0].code);
	int64_t id0 = v[0].id;
	pupil_list_free(v, n);
	assert_int_equal(pupil_codes_issue(db, school_a, 2021, &issued), 0);
	assert_int_equal(issued, 0);
	assert_int_equal(pupil_list(db, &op, school_a, 2021, NULL, &v, &n, msg, sizeof msg), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id0)
			assert_string_equal(v[i].code, first);
	pupil_list_free(v, n);

	/* The reader check: other roles and other schools are refused; NULL gives codes only. */
	struct user u = { .role = ROLE_SCHOOL, .school_id = school_b };
	assert_int_equal(pupil_list(db, &u, school_a, 2021, NULL, &v, &n, msg, sizeof msg), ERR_PERM);
	enum role roles[] = { ROLE_ADMIN, ROLE_REGION, ROLE_MUNICIPALITY, ROLE_EXPERT, ROLE_OBSERVER };
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
		struct user x = { .role = roles[i], .school_id = school_a };
		assert_false(pupil_may_read_names(&x, school_a));
		assert_int_equal(pupil_list(db, &x, school_a, 2021, NULL, &v, &n, msg, sizeof msg), ERR_PERM);
	}
	assert_int_equal(pupil_list(db, NULL, school_a, 2021, "4Б", &v, &n, msg, sizeof msg), 0);
	assert_int_equal(n, 20);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].name, "");
		assert_true(v[i].code[0] != '\0');
	}
	pupil_list_free(v, n);

	/* A wrong master key file: names do not open. */
	char wrong[160];
	snprintf(wrong, sizeof wrong, "%s/wrong.key", dir);
	FILE *f = fopen(wrong, "w");
	assert_non_null(f);
	fprintf(f, "oko-master-key-1 %064d\n", 0);
	fclose(f);
	setenv("OKO_KEY_FILE", wrong, 1);
	assert_int_equal(pupil_list(db, &op, school_a, 2021, NULL, &v, &n, msg, sizeof msg), ERR_INVALID);
	unsetenv("OKO_KEY_FILE");

	/* Rotation: names still open afterwards. */
	long schools;
	assert_int_equal(keys_rotate(db, &schools, msg, sizeof msg), 0);
	assert_int_equal(schools, 2);
	assert_int_equal(pupil_list(db, &op, school_a, 2021, "4А", &v, &n, msg, sizeof msg), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Уникальнова Евлампия");
	pupil_list_free(v, n);
}

/* Sealed names all have one length, whatever the name's; names sealed before padding (the
 * plain name under the first associated data) still open beside padded ones. */
static void test_names_padded_and_legacy(void **state)
{
	bool created;
	char msg[256];
	static const char *const names[] = {
		"Ли Ан",
		"Иванова Мария Петровна",
		"Салтыкова-Щедрина Анастасия-Виктория Константиновна Оглы",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		add(school_b, "5А", 5, names[i], &created);
	struct db_stmt *s;
	assert_int_equal(db_prepare(db, &s, "SELECT count(DISTINCT length(name_enc)), min(length(name_enc))"
					   " FROM pupil WHERE school_id = ? AND class = '5А'"), 0);
	db_bind_int(s, 1, school_b);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 1);
	assert_int_equal(db_col_int(s, 1), 24 + 256 + 16); /* nonce, one bucket, tag */
	db_finalize(s);

	/* A name stored by an oko from before padding: the name itself, old associated data. */
	uint8_t key[KEYS_BYTES];
	assert_int_equal(keys_school(db, school_b, false, key, msg, sizeof msg), 0);
	const char *old_name = "Старова Ольга";
	char ad[64];
	snprintf(ad, sizeof ad, "oko-pupil-name:%lld", (long long)school_b);
	uint8_t *sealed = NULL;
	size_t sn = 0;
	assert_int_equal(keys_seal(key, ad, old_name, strlen(old_name), &sealed, &sn), 0);
	keys_wipe(key, sizeof key);
	assert_int_equal(db_prepare(db, &s, "INSERT INTO pupil (school_id, year, class, grade, name_enc,"
					   " name_tag) VALUES (?, 2021, '5А', 5, ?, x'00')"), 0);
	db_bind_int(s, 1, school_b);
	db_bind_blob(s, 2, sealed, sn);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
	free(sealed);

	struct user op;
	pupil_operator_user(school_b, &op);
	struct pupil *v;
	size_t n;
	assert_int_equal(pupil_list(db, &op, school_b, 2021, "5А", &v, &n, msg, sizeof msg), 0);
	assert_int_equal(n, 4);
	int seen = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof names / sizeof *names; k++)
			seen += !strcmp(v[i].name, names[k]);
		seen += !strcmp(v[i].name, old_name);
	}
	assert_int_equal(seen, 4);
	pupil_list_free(v, n);

	/* oko keys repad: the old name is sealed again, padded; it still opens, and a second run
	 * finds nothing to do. */
	long resealed = -1;
	assert_int_equal(pupil_repad(db, &resealed, msg, sizeof msg), 0);
	assert_int_equal(resealed, 1);
	assert_int_equal(db_prepare(db, &s, "SELECT count(DISTINCT length(name_enc)) FROM pupil"), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 1);
	db_finalize(s);
	assert_int_equal(pupil_list(db, &op, school_b, 2021, "5А", &v, &n, msg, sizeof msg), 0);
	seen = 0;
	for (size_t i = 0; i < n; i++)
		seen += !strcmp(v[i].name, old_name);
	assert_int_equal(seen, 1);
	pupil_list_free(v, n);
	assert_int_equal(pupil_repad(db, &resealed, msg, sizeof msg), 0);
	assert_int_equal(resealed, 0);
}

/* The retention bounds: calendar months back from now, the day clamped to the month, and
 * the latest school year whose end (1 September of it, UTC) is not after the cutoff. */
static void test_retention_bounds(void **state)
{
	(void)state;
	int y = 0;
	char c[24];
	pupil_retention_bounds(1661990401 /* 2022-09-01T00:00:01Z */, 12, &y, c);
	assert_string_equal(c, "2021-09-01T00:00:01Z");
	assert_int_equal(y, 2021);
	pupil_retention_bounds(1661990399 /* 2022-08-31T23:59:59Z */, 12, &y, c);
	assert_string_equal(c, "2021-08-31T23:59:59Z");
	assert_int_equal(y, 2020);
	pupil_retention_bounds(1711886400 /* 2024-03-31T12:00:00Z */, 1, &y, c);
	assert_string_equal(c, "2024-02-29T12:00:00Z"); /* a leap February */
	assert_int_equal(y, 2023);
	pupil_retention_bounds(1711886400, 13, &y, c);
	assert_string_equal(c, "2023-02-28T12:00:00Z");
	assert_int_equal(y, 2022);
	pupil_retention_bounds(1711886400, 120, &y, c);
	assert_string_equal(c, "2014-03-31T12:00:00Z");
	assert_int_equal(y, 2013);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_round_trip),
		cmocka_unit_test(test_norm),
		cmocka_unit_test(test_codes_and_access),
		cmocka_unit_test(test_names_padded_and_legacy),
		cmocka_unit_test(test_retention_bounds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
