/* Unit tests of the download headers (web/download.h): the ASCII fallback name cannot break
 * out of its quotes, and the UTF-8 name is percent-encoded as RFC 5987 asks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "web/download.h"

static void check(const char *ascii, const char *name, const char *want)
{
	struct buf b = BUF_INIT;
	web_disposition(&b, ascii, name);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void test_disposition(void **state)
{
	(void)state;
	check("VPR-2022-MA-4-school.xlsx", NULL, "attachment; filename=\"VPR-2022-MA-4-school.xlsx\"");
	check("a\"b;c\r\n.csv", "", "attachment; filename=\"a_b_c__.csv\"");
	check("f.xlsx", "Аналитика VPR, школа.xlsx",
	      "attachment; filename=\"f.xlsx\"; filename*=UTF-8''"
	      "%D0%90%D0%BD%D0%B0%D0%BB%D0%B8%D1%82%D0%B8%D0%BA%D0%B0%20VPR%2C%20"
	      "%D1%88%D0%BA%D0%BE%D0%BB%D0%B0.xlsx");
	/* Quotes, semicolons, percent and line breaks of a name are encoded too. */
	check("f", "a\"b;c%d\r\n", "attachment; filename=\"f\"; filename*=UTF-8''a%22b%3Bc%25d%0D%0A");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
