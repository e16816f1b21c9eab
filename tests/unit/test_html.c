/* Unit tests of the HTML helpers (web/html.c): text is escaped, and the page stays valid
 * UTF-8 whatever text it is given (a message that cut a character in two, found by
 * fuzz_http, put a broken byte sequence into the upload page). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "web/web.h"

static const char *text(const char *s)
{
	static struct buf b;
	buf_free(&b);
	html_text(&b, s);
	return buf_str(&b);
}

static void test_escapes(void **state)
{
	assert_string_equal(text("<b a=\"1\" c='2'>&</b>"), "&lt;b a=&quot;1&quot; c=&#39;2&#39;&gt;&amp;&lt;/b&gt;");
	assert_string_equal(text("Школа № 1 — «ёлка»"), "Школа № 1 — «ёлка»");
	assert_string_equal(text(""), "");
	assert_string_equal(text(NULL), "");
}

static void test_broken_utf8_replaced(void **state)
{
	/* «метка» cut after the first byte of «а»; a lone continuation byte; cp1251 bytes; an
	 * overlong «/»; a surrogate. Each broken byte becomes U+FFFD, the rest is kept. */
	assert_string_equal(text("«мет\xd0"), "«мет\xef\xbf\xbd");
	assert_string_equal(text("a\x80z"), "a\xef\xbf\xbdz");
	assert_string_equal(text("\xcf\xf0\xe8"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(text("\xc0\xaf<"), "\xef\xbf\xbd\xef\xbf\xbd&lt;");
	assert_string_equal(text("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	const char *out = text("x\xd0\xb0\xd0");
	assert_true(utf8_valid(out, strlen(out)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_broken_utf8_replaced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
