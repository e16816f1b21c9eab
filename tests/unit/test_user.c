/* Unit tests of model/user: the password rules, API keys (expiry, revocation, a password
 * change ends them), and what the audit log keeps of a failed login. */
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
#include "model/user.h"

static char dir[64], path[128];
static struct db *db;

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-user-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	return db_open(&db, path, DB_OPEN_CREATE);
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_password_rules(void **state)
{
	static const char *const refused[] = {
		"short-1!",             /* 8 characters */
		"123456789",            /* 9 */
		"пароль123",            /* 9 characters, 15 bytes: characters count */
		"1234567890",           /* the list */
		"qwertyuiop",
		"QwErTyUiOp",           /* case-insensitive */
		"йцукенгшщз",
		"ЙЦУКЕНГШЩЗ",
		"фывапролдж",
		"gfhjkm2024",           /* «пароль» typed in the Latin layout, with a year */
		"Пароль2024!",          /* a list word padded with digits and punctuation */
		"2024!Пароль",
		"Qwerty123!!",
		"marina1985",
		"Natasha-2010",
		"Солнышко12",
		"iloveyou!!",
		"demo-20261",           /* the old demo password is in the list */
		"01.01.1990",           /* dates */
		"1990-12-31",
		"31/12/1990",
		"aaaaaaaaaaaa",         /* one or two characters repeated */
		"ababababab",
		"ivanova_ms",           /* the login itself */
		"Ivanova_MS2024",
	};
	static const char *const accepted[] = {
		"oko-demo-2026", "password-admin", "конь-батарея-скрепка", "Tr0ub4dor&3x",
		"password-school1", "correct horse battery", "32.13.1990x", "Ёжик в тумане 7",
	};
	char msg[256];
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		msg[0] = '\0';
		int rc = user_password_check("ivanova_ms", refused[i], msg, sizeof msg);
		if (rc != ERR_INVALID)
			fail_msg("accepted «%s»", refused[i]);
		assert_true(strlen(msg) > 10);
	}
	for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++)
		if (user_password_check("ivanova_ms", accepted[i], msg, sizeof msg) != 0)
			fail_msg("refused «%s»: %s", accepted[i], msg);
}

/* Every path that sets a password applies the rules. */
static void test_rules_on_every_path(void **state)
{
	char msg[256] = "";
	assert_int_equal(user_add(db, "adm", "Админ", ROLE_ADMIN, NULL, "1234567890", msg, sizeof msg),
			 ERR_INVALID);
	assert_non_null(strstr(msg, "частых паролей"));
	assert_int_equal(user_add(db, "adm", "Админ", ROLE_ADMIN, NULL, "first-pass-10", msg, sizeof msg), 0);
	assert_int_equal(user_set_password(db, "adm", "йцукенгшщз", 0, NULL, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(user_set_password(db, "adm", "short-pw", 0, NULL, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "не короче 10"));
	struct user u;
	assert_int_equal(user_verify(db, "adm", "first-pass-10", &u), 0); /* unchanged */
	assert_int_equal(user_set_password(db, "adm", "another-one-42", 0, NULL, msg, sizeof msg), 0);
	assert_int_equal(user_verify(db, "adm", "another-one-42", &u), 0);
}

static void last_audit_login(char *out, size_t n)
{
	struct db_stmt *s = NULL;
	assert_int_equal(db_prepare(db, &s, "SELECT user_login FROM audit WHERE action = 'login_failed'"
					    " ORDER BY id DESC LIMIT 1"), 0);
	assert_int_equal(db_step(s), DB_ROW);
	snprintf(out, n, "%s", db_col_text(s, 0));
	db_finalize(s);
}

/* A failed login keeps the typed login only when it exists; otherwise a fingerprint that
 * tells equal texts apart from different ones and does not contain the text. */
static void test_failed_login_audit(void **state)
{
	char msg[256], a[80], b[80], c[80];
	user_add(db, "teacher1", "Учитель", ROLE_EXPERT, NULL, "teacher-pass-1", msg, sizeof msg);
	assert_int_equal(audit_login_failed(db, "teacher1", "10.0.0.1"), 0);
	last_audit_login(a, sizeof a);
	assert_string_equal(a, "teacher1");
	assert_int_equal(audit_login_failed(db, "MySecret-Passw0rd", "10.0.0.1"), 0);
	last_audit_login(a, sizeof a);
	assert_int_equal(strlen(a), 1 + AUDIT_FINGERPRINT_HEX);
	assert_int_equal(a[0], '#');
	assert_null(strstr(a, "MySecret"));
	assert_int_equal(audit_login_failed(db, "MySecret-Passw0rd", "10.0.0.2"), 0);
	last_audit_login(b, sizeof b);
	assert_string_equal(a, b); /* the same text, the same print */
	assert_int_equal(audit_login_failed(db, "Teacher1", "10.0.0.2"), 0); /* logins are exact */
	last_audit_login(c, sizeof c);
	assert_int_equal(c[0], '#');
	assert_string_not_equal(a, c);
	assert_int_equal(audit_login_failed(db, "пароль с пробелами", "10.0.0.2"), 0);
	last_audit_login(c, sizeof c);
	assert_int_equal(c[0], '#');
	int64_t n = 0;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE user_login LIKE '%Secret%'"
				      " OR user_login LIKE '%пароль%'", -1, &n), 0);
	assert_int_equal(n, 0);
}

#define DAY 86400

/* A key works until its lifetime ends (90 days by default, or as given), and not after. */
static void test_token_expiry(void **state)
{
	char msg[256], tok[USER_TOKEN_HEX], tok1[USER_TOKEN_HEX];
	struct user u, v;
	enum api_token_kind k;
	int64_t now = 1700000000, id = 0;
	assert_int_equal(user_add(db, "script1", "Скрипт", ROLE_REGION, NULL, "script-pass-1", msg, sizeof msg), 0);
	assert_int_equal(user_find(db, "script1", &u), 0);
	assert_int_equal(api_token_create(db, u.id, "nightly", API_TOKEN_FULL, now, USER_TOKEN_DAYS, tok, &id), 0);
	assert_true(id > 0);
	assert_int_equal(api_token_lookup(db, tok, now, &v, &k), 0);
	assert_string_equal(v.login, "script1");
	assert_int_equal(api_token_lookup(db, tok, now + 90 * DAY - 1, &v, &k), 0);
	assert_int_equal(api_token_lookup(db, tok, now + 90 * DAY, &v, &k), ERR_NOTFOUND);
	assert_int_equal(api_token_create(db, u.id, "short", API_TOKEN_FULL, now, 1, tok1, NULL), 0);
	assert_int_equal(api_token_lookup(db, tok1, now + DAY - 1, &v, &k), 0);
	assert_int_equal(api_token_lookup(db, tok1, now + DAY, &v, &k), ERR_NOTFOUND);
	assert_int_equal(api_token_create(db, u.id, "x", API_TOKEN_FULL, now, 0, tok1, NULL), ERR_INVALID);
	assert_int_equal(api_token_create(db, u.id, "x", API_TOKEN_FULL, now, USER_TOKEN_MAX_DAYS + 1, tok1, NULL), ERR_INVALID);
	/* The list: valid keys, or with all also the expired ones. */
	struct api_token_info *list;
	size_t n;
	assert_int_equal(api_token_list(db, u.id, false, now + 2 * DAY, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].label, "nightly");
	assert_int_equal(list[0].expires_at, now + 90 * DAY);
	free(list);
	assert_int_equal(api_token_list(db, u.id, true, now + 2 * DAY, &list, &n), 0);
	assert_int_equal(n, 2);
	free(list);
}

/* A revoked key stops at once; revoking twice says there is no such key. */
static void test_token_revoke(void **state)
{
	char msg[256], a[USER_TOKEN_HEX], b[USER_TOKEN_HEX];
	struct user u, v;
	enum api_token_kind k;
	struct api_token_info t;
	int64_t now = 1700000000, ia, ib;
	long n = -1;
	assert_int_equal(user_add(db, "script2", "Скрипт", ROLE_REGION, NULL, "script-pass-2", msg, sizeof msg), 0);
	assert_int_equal(user_find(db, "script2", &u), 0);
	assert_int_equal(api_token_create(db, u.id, "a", API_TOKEN_FULL, now, 30, a, &ia), 0);
	assert_int_equal(api_token_create(db, u.id, "b", API_TOKEN_FULL, now, 30, b, &ib), 0);
	assert_int_equal(api_token_revoke(db, ia, now + 10, "adm", &t), 0);
	assert_string_equal(t.login, "script2");
	assert_string_equal(t.label, "a");
	assert_int_equal(api_token_lookup(db, a, now + 11, &v, &k), ERR_NOTFOUND);
	assert_int_equal(api_token_lookup(db, b, now + 11, &v, &k), 0);
	assert_int_equal(api_token_revoke(db, ia, now + 12, "adm", NULL), ERR_NOTFOUND);
	assert_int_equal(api_token_revoke(db, 999999, now + 12, "adm", NULL), ERR_NOTFOUND);
	assert_int_equal(api_token_revoke_all(db, u.id, now + 13, "adm", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(api_token_lookup(db, b, now + 14, &v, &k), ERR_NOTFOUND);
	struct api_token_info *list;
	size_t cnt;
	assert_int_equal(api_token_list(db, u.id, true, now + 14, &list, &cnt), 0);
	assert_int_equal(cnt, 2);
	assert_int_equal(list[1].revoked_at, now + 10); /* newest first: b, then a */
	assert_string_equal(list[1].revoked_by, "adm");
	free(list);
}

/* A key's kind is stored and read back: a full key by default, a metrics key only when asked;
 * both in the list; an unknown kind is refused. */
static void test_token_kind(void **state)
{
	char msg[256], full[USER_TOKEN_HEX], met[USER_TOKEN_HEX];
	struct user u, v;
	enum api_token_kind k;
	int64_t now = 1700000000, idf, idm;
	assert_int_equal(user_add(db, "scraper", "Сбор метрик", ROLE_ADMIN, NULL, "scraper-pass-1", msg, sizeof msg), 0);
	assert_int_equal(user_find(db, "scraper", &u), 0);
	assert_int_equal(api_token_create(db, u.id, "api", API_TOKEN_FULL, now, 30, full, &idf), 0);
	assert_int_equal(api_token_create(db, u.id, "prom", API_TOKEN_METRICS, now, 30, met, &idm), 0);
	k = API_TOKEN_METRICS;
	assert_int_equal(api_token_lookup(db, full, now, &v, &k), 0);
	assert_int_equal(k, API_TOKEN_FULL);
	k = API_TOKEN_FULL;
	assert_int_equal(api_token_lookup(db, met, now, &v, &k), 0);
	assert_int_equal(k, API_TOKEN_METRICS);
	assert_string_equal(v.login, "scraper");
	/* an unknown key: the kind says nothing opens */
	k = API_TOKEN_FULL;
	assert_int_equal(api_token_lookup(db, "00", now, &v, &k), ERR_NOTFOUND);
	assert_int_equal(k, API_TOKEN_METRICS);
	assert_int_equal(api_token_create(db, u.id, "x", (enum api_token_kind)7, now, 30, full, NULL),
			 ERR_INVALID);
	struct api_token_info *list;
	size_t n;
	assert_int_equal(api_token_list(db, u.id, false, now, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, idm); /* newest first */
	assert_int_equal(list[0].kind, API_TOKEN_METRICS);
	assert_int_equal(list[1].kind, API_TOKEN_FULL);
	free(list);
	assert_string_equal(api_token_kind_title(API_TOKEN_METRICS), "только /metrics");
	assert_string_equal(api_token_kind_title(API_TOKEN_FULL), "JSON API");
	int64_t stored = 0;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM api_token WHERE kind = 'metrics'", -1, &stored), 0);
	assert_int_equal(stored, 1);
}

/* A new password revokes the user's keys and ends its sessions, and no one else's. */
static void test_password_change_revokes(void **state)
{
	char msg[256], k1[USER_TOKEN_HEX], k2[USER_TOKEN_HEX], other[USER_TOKEN_HEX];
	char tok[USER_TOKEN_HEX], csrf[USER_TOKEN_HEX];
	struct user u, o, v;
	enum api_token_kind k;
	int64_t now = 1700000000;
	long keys = -1;
	assert_int_equal(user_add(db, "script3", "Скрипт", ROLE_REGION, NULL, "script-pass-3", msg, sizeof msg), 0);
	assert_int_equal(user_add(db, "script4", "Скрипт", ROLE_REGION, NULL, "script-pass-4", msg, sizeof msg), 0);
	assert_int_equal(user_find(db, "script3", &u), 0);
	assert_int_equal(user_find(db, "script4", &o), 0);
	assert_int_equal(api_token_create(db, u.id, "1", API_TOKEN_FULL, now, 30, k1, NULL), 0);
	assert_int_equal(api_token_create(db, u.id, "2", API_TOKEN_FULL, now, 30, k2, NULL), 0);
	assert_int_equal(api_token_create(db, o.id, "o", API_TOKEN_FULL, now, 30, other, NULL), 0);
	assert_int_equal(session_create(db, u.id, now, 3600, tok, csrf), 0);
	assert_int_equal(user_set_password(db, "script3", "script-pass-new", now + 5, &keys, msg, sizeof msg), 0);
	assert_int_equal(keys, 2);
	assert_int_equal(api_token_lookup(db, k1, now + 6, &v, &k), ERR_NOTFOUND);
	assert_int_equal(api_token_lookup(db, k2, now + 6, &v, &k), ERR_NOTFOUND);
	assert_int_equal(session_lookup(db, tok, now + 6, &v, csrf), ERR_NOTFOUND);
	assert_int_equal(api_token_lookup(db, other, now + 6, &v, &k), 0);
	/* A refused password changes nothing: the keys made after it stay. */
	assert_int_equal(api_token_create(db, u.id, "3", API_TOKEN_FULL, now, 30, k1, NULL), 0);
	assert_int_equal(user_set_password(db, "script3", "qwerty12345", now + 7, &keys, msg, sizeof msg),
			 ERR_INVALID);
	assert_int_equal(api_token_lookup(db, k1, now + 8, &v, &k), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_token_kind),
		cmocka_unit_test(test_rules_on_every_path),
		cmocka_unit_test(test_failed_login_audit),
		cmocka_unit_test(test_token_expiry),
		cmocka_unit_test(test_token_revoke),
		cmocka_unit_test(test_password_change_revokes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
