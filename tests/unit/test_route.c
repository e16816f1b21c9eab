/* Unit tests of the typed route keys (web/route.c): the value parsers behind the
 * dispatcher (integers with their ranges and overflow, no "+" nor spaces; calendar dates
 * in both forms; times; release date-times), the check of one value by its declared type
 * with the Russian message naming the field, and the route table itself (every path
 * parameter typed, no key declared twice or under a path parameter's name). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "web/web.h"

static int64_t int_of(const char *s, int64_t min, int64_t max, int *rc)
{
	int64_t x = -12345;
	*rc = web_parse_int(s, min, max, &x);
	return x;
}

static void test_int(void **state)
{
	int rc;
	assert_int_equal(int_of("1", 1, 100, &rc), 1);
	assert_int_equal(rc, 0);
	assert_int_equal(int_of("100", 1, 100, &rc), 100);
	assert_int_equal(int_of("007", 1, 100, &rc), 7);
	assert_int_equal(int_of("-5", -10, 10, &rc), -5);
	assert_int_equal(rc, 0);
	/* Out of the declared range. */
	int_of("0", 1, 100, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	int_of("101", 1, 100, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	int_of("-1", 0, 100, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	/* Overflow is out of range, never a wrapped number. */
	int_of("99999999999999999999", 0, INT64_MAX, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	int_of("9223372036854775808", 0, INT64_MAX, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	assert_true(int_of("9223372036854775807", 0, INT64_MAX, &rc) == INT64_MAX);
	assert_int_equal(rc, 0);
	assert_true(int_of("-9223372036854775808", INT64_MIN, 0, &rc) == INT64_MIN);
	assert_int_equal(rc, 0);
	int_of("-9223372036854775809", INT64_MIN, 0, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	/* Not numbers: the output is left alone. */
	static const char *const bad[] = { "", "-", "+1", " 1", "1 ", "1.0", "1,0", "1e3", "0x10", "abc", "1x",
					   "--1", "٣", "99999999999999999999x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(int_of(bad[i], INT64_MIN, INT64_MAX, &rc), -12345);
		assert_int_equal(rc, ERR_PARSE);
	}
}

static void test_date(void **state)
{
	char out[11];
	assert_int_equal(web_parse_date("2026-02-28", out), 0);
	assert_string_equal(out, "2026-02-28");
	assert_int_equal(web_parse_date("31.12.2026", out), 0);
	assert_string_equal(out, "2026-12-31");
	assert_int_equal(web_parse_date("29.02.2024", out), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(web_parse_date("29.02.2000", out), 0); /* divisible by 400: leap */
	/* Dates that do not exist, or outside 2000–2100. */
	static const char *const none[] = { "31.02.2026", "29.02.2025", "29.02.2100", "2026-04-31", "2026-13-01",
					    "2026-00-10", "00.01.2026", "1999-12-31", "01.01.2101" };
	for (size_t i = 0; i < sizeof none / sizeof *none; i++)
		assert_int_equal(web_parse_date(none[i], out), ERR_LIMIT);
	/* Not dates at all. */
	static const char *const bad[] = { "", "1.1.2026", "2026-1-01", " 2026-01-01", "2026-01-01 ", "2026/01/01",
					   "01-01-2026", "2026.01.01", "2026-01-01T00:00", "abcdefghij", "2026-01-0x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(web_parse_date(bad[i], out), ERR_PARSE);
}

static void test_time(void **state)
{
	assert_int_equal(web_parse_time("00:00"), 0);
	assert_int_equal(web_parse_time("23:59"), 0);
	assert_int_equal(web_parse_time("24:00"), ERR_LIMIT);
	assert_int_equal(web_parse_time("12:60"), ERR_LIMIT);
	assert_int_equal(web_parse_time("9:00"), ERR_PARSE);
	assert_int_equal(web_parse_time("12-30"), ERR_PARSE);
	assert_int_equal(web_parse_time("12:30:00"), ERR_PARSE);
	assert_int_equal(web_parse_time(""), ERR_PARSE);
}

static void test_datetime(void **state)
{
	int64_t t = 0;
	struct tm tm = { .tm_year = 121, .tm_mon = 3, .tm_mday = 13, .tm_hour = 6 };
	assert_int_equal(web_parse_datetime("2021-04-13 06:00", &t), 0);
	assert_true(t == (int64_t)timegm(&tm));
	tm = (struct tm){ .tm_year = 121, .tm_mon = 3, .tm_mday = 15, .tm_hour = 7, .tm_min = 30, .tm_sec = 5 };
	assert_int_equal(web_parse_datetime("2021-04-15T07:30:05Z", &t), 0);
	assert_true(t == (int64_t)timegm(&tm));
	tm = (struct tm){ .tm_year = 100, .tm_mon = 1, .tm_mday = 29, .tm_hour = 23, .tm_min = 59 };
	assert_int_equal(web_parse_datetime("2000-02-29 23:59", &t), 0);
	assert_true(t == (int64_t)timegm(&tm));
	assert_int_equal(web_parse_datetime("2021-02-29 06:00", &t), ERR_LIMIT);
	assert_int_equal(web_parse_datetime("2021-04-15 24:00", &t), ERR_LIMIT);
	assert_int_equal(web_parse_datetime("2021-04-13", &t), ERR_PARSE);
	assert_int_equal(web_parse_datetime("2021-04-13T06:00:00", &t), ERR_PARSE);
	/* the users' own form, the same moment */
	tm = (struct tm){ .tm_year = 121, .tm_mon = 3, .tm_mday = 13, .tm_hour = 6 };
	assert_int_equal(web_parse_datetime("13.04.2021 06:00", &t), 0);
	assert_true(t == (int64_t)timegm(&tm));
	assert_int_equal(web_parse_datetime("31.04.2021 06:00", &t), ERR_LIMIT);
	assert_int_equal(web_parse_datetime("13.04.21 06:00", &t), ERR_PARSE);
	assert_int_equal(web_parse_datetime("13.04.2021T06:00", &t), ERR_PARSE);
}

/* The message of a refused value, or "" when it passes. */
static const char *check(const struct web_key *k, const char *v)
{
	static char msg[512];
	msg[0] = '\0';
	int rc = web_check_value(k, v, msg, sizeof msg);
	assert_int_equal(rc, *msg ? 400 : 0);
	return msg;
}

static void test_check_value(void **state)
{
	static const char *const kinds[] = { "СОШ", "лицей", NULL };
	static const char *const all[] = { "all", NULL };
	const struct web_key page = { "page", WEB_INT, "номер страницы", .min = 1, .max = 1000, .dflt = 1 };
	const struct web_key mun = { "municipality", WEB_INT, "муниципалитет", .min = 1, .max = (int64_t)1 << 53,
				     .values = all };
	const struct web_key kind = { "kind", WEB_ENUM, "тип школы", .values = kinds };
	const struct web_key q = { "q", WEB_TEXT, "поиск", .max = 5 };
	const struct web_key text = { .name = "t", .type = WEB_TEXT, .title = "текст" };
	const struct web_key login = { .name = "school", .type = WEB_LOGIN, .title = "школа" };
	const struct web_key code = { .name = "procedure", .type = WEB_CODE, .title = "процедура" };
	const struct web_key date = { .name = "date", .type = WEB_DATE, .title = "дата проведения" };
	const struct web_key flag = { .name = "dry_run", .type = WEB_FLAG, .title = "только проверить" };

	/* Empty is "not given": always passes. */
	const struct web_key *keys[] = { &page, &mun, &kind, &q, &login, &code, &date, &flag };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		assert_string_equal(check(keys[i], ""), "");

	assert_string_equal(check(&page, "1000"), "");
	assert_string_equal(check(&page, "1001"), "Поле «номер страницы» заполнено неверно: нужно целое число от 1 до 1000.");
	assert_string_equal(check(&page, "abc"), "Поле «номер страницы» заполнено неверно: нужно целое число от 1 до 1000.");
	assert_string_equal(check(&mun, "all"), "");
	assert_string_equal(check(&mun, "7"), "");
	assert_string_equal(check(&mun, "все"), "Поле «муниципалитет» заполнено неверно: нужно целое число не меньше 1 или «all».");
	assert_string_equal(check(&kind, "лицей"), "");
	assert_string_equal(check(&kind, "Лицей"), "Поле «тип школы» заполнено неверно: допустимые значения: «СОШ», «лицей».");
	/* Text limits count characters, not bytes. */
	assert_string_equal(check(&q, "шшшшш"), "");
	assert_string_equal(check(&q, "шшшшшш"), "Поле «поиск» заполнено неверно: не длиннее 5 знаков.");
	char big[WEB_TEXT_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_string_equal(check(&text, big), "Поле «текст» заполнено неверно: не длиннее 1000 знаков.");
	big[WEB_TEXT_MAX] = '\0';
	assert_string_equal(check(&text, big), "");
	assert_string_equal(check(&login, "sch220206"), "");
	assert_string_equal(check(&login, "edu_22-30"), "");
	assert_true(*check(&login, "a b"));
	assert_true(*check(&login, "школа"));
	assert_true(*check(&login, "a'b"));
	assert_true(*check(&login, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")); /* 65 */
	assert_string_equal(check(&code, "VPR-2021-RU-4"), "");
	assert_string_equal(check(&code, "NOPE"), ""); /* well-formed; whether it exists is the handler's */
	assert_true(*check(&code, "VPR 2021"));
	assert_true(*check(&code, "VPR-2021-RU-4/../x"));
	assert_true(*check(&code, "VPR-2021-RU-4-XXXXXXXXXXXXXXXXXXXXXXXXXXX")); /* 40 */
	assert_string_equal(check(&date, "14.04.2021"), "");
	assert_string_equal(check(&date, "31.02.2026"), "Поле «дата проведения» заполнено неверно: нужна существующая дата "
							"в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД (годы 2000–2100).");
	assert_string_equal(check(&flag, "1"), "");
	assert_string_equal(check(&flag, "on"), "");
	assert_true(*check(&flag, "yes"));
}

static void test_route_table(void **state)
{
	for (const struct web_route *rt = web_routes; rt->method; rt++) {
		int n = 0;
		for (const char *p = rt->pattern; (p = strchr(p, '{')); p++) {
			const char *close = strchr(p, '}');
			assert_non_null(close);
			const struct web_key *k = web_path_key(p + 1, (size_t)(close - p - 1));
			if (!k)
				fail_msg("%s: {%.*s} has no type", rt->pattern, (int)(close - p - 1), p + 1);
			for (const struct web_key *x = rt->keys; x->name; x++)
				if (!strcmp(x->name, k->name))
					fail_msg("%s: key %s is also a path parameter", rt->pattern, x->name);
			n++;
		}
		for (const struct web_key *k = rt->keys; k->name; k++) {
			n++;
			assert_non_null(k->title);
			if (k->type == WEB_INT)
				assert_true(k->min <= k->max && k->dflt >= 0);
			if (k->type == WEB_ENUM)
				assert_non_null(k->values);
			for (const struct web_key *x = k + 1; x->name; x++)
				if (!strcmp(x->name, k->name))
					fail_msg("%s %s: key %s declared twice", rt->method, rt->pattern, k->name);
		}
		assert_true(n <= WEB_MAX_KEYS);
		/* A state-changing route takes the CSRF token as a key. */
		if (rt->csrf) {
			bool has = false;
			for (const struct web_key *k = rt->keys; k->name; k++)
				has |= !strcmp(k->name, "csrf");
			assert_true(has);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_datetime),
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_route_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
