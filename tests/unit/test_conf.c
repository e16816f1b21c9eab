/* Unit tests of the configuration file (cli/conf.c): the lines it takes (keys with values,
 * blanks, comments, CRLF, a byte-order mark) in order and with their lines; each kind of bad
 * line refused with its line number in Russian; values checked by kind; conf_load setting
 * only the variables not set, an absent default file silent, a named absent file an error;
 * the origin of a value named for messages; the man page escaping troff. */
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
#include "cli/conf.h"
#include "cli/man.h"

struct seen {
	char text[1024];
};

static int collect(const struct conf_key *k, const char *value, int line, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof s->text - n, "%d:%s=%s;", line, k->key, value);
	return 0;
}

static int parse(const char *text, struct seen *s, char *msg, size_t n)
{
	s->text[0] = '\0';
	msg[0] = '\0';
	return conf_parse(text, strlen(text), collect, s, msg, n);
}

static void test_good_file(void **state)
{
	struct seen s;
	char msg[512];
	const char *text = "\xEF\xBB\xBF# комментарий\n"
			   "\n"
			   "  db = /var/lib/oko/oko.db  \r\n"
			   "\t# ещё комментарий = с равенством\n"
			   "listen=0.0.0.0:8080\n"
			   "upload_wait = 30\n"
			   "secure_cookies = yes\n"
			   "time_zone = Asia/Barnaul\n"
			   "trusted_proxy = 127.0.0.1,10.0.0.0/8\n"
			   "log_format = json\n"
			   "files = /srv/oko#files"; /* no newline at the end; # inside a value */
	assert_int_equal(parse(text, &s, msg, sizeof msg), 0);
	assert_string_equal(s.text, "3:db=/var/lib/oko/oko.db;5:listen=0.0.0.0:8080;6:upload_wait=30;"
				    "7:secure_cookies=yes;8:time_zone=Asia/Barnaul;"
				    "9:trusted_proxy=127.0.0.1,10.0.0.0/8;10:log_format=json;"
				    "11:files=/srv/oko#files;");
	assert_int_equal(parse("", &s, msg, sizeof msg), 0);
	assert_string_equal(s.text, "");
	assert_int_equal(parse("# only\n\n   \n", &s, msg, sizeof msg), 0);
}

/* text must be refused with msg containing want. */
static void refused(const char *text, const char *want)
{
	struct seen s;
	char msg[512];
	assert_int_equal(parse(text, &s, msg, sizeof msg), ERR_INVALID);
	if (!strstr(msg, want))
		fail_msg("«%s»: got «%s», want «%s»", text, msg, want);
}

static void test_bad_lines(void **state)
{
	refused("db = a\ncolour = blue\n", "строка 2: неизвестный параметр «colour»");
	refused("\n\njust words\n", "строка 3: «just words» — не параметр");
	refused("= value\n", "строка 1: нет имени параметра");
	refused("db =\n", "строка 1: у параметра db нет значения");
	refused("db = a\n# x\ndb = b\n", "строка 3: параметр db уже задан в строке 1");
	refused("db = \xff\xfe\n", "строка 1: текст не в кодировке UTF-8");
	refused("db = a\x01" "b\n", "строка 1: управляющий символ");
	refused("upload_wait = 0\n", "строка 1: upload_wait: число секунд от 1 до 3600, а не «0»");
	refused("upload_wait = 10s\n", "число секунд от 1 до 3600, а не «10s»");
	refused("upload_memory = 99999999999999\n", "число мегабайт от 1 до 65536");
	refused("threads = -1\n", "число потоков от 1 до 1024");
	refused("secure_cookies = maybe\n", "yes или no, а не «maybe»");
	refused("time_zone = Mars/Olympus\n", "неизвестный часовой пояс «Mars/Olympus»");
	refused("log_format = xml\n", "одно из слов text,json, а не «xml»");
	refused("trusted_proxy = nowhere\n", "строка 1: trusted_proxy: ");
	/* A comment after a value would become part of it (a file named "x.db   # main"). */
	refused("db = /srv/x.db   # main\n", "строка 1: после значения db стоит комментарий «# main»");
	refused("log = info\t#why\n", "после значения log стоит комментарий");
	char key[200];
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	char line[300];
	snprintf(line, sizeof line, "%s = 1\n", key);
	refused(line, "строка 1: неизвестный параметр «kkkk");
	char *big = malloc(CONF_VALUE_MAX + 16);
	memcpy(big, "db = ", 5);
	memset(big + 5, 'x', CONF_VALUE_MAX);
	big[5 + CONF_VALUE_MAX] = '\0';
	refused(big, "строка 1: значение db длиннее");
	free(big);
}

static void test_values(void **state)
{
	char msg[256];
	const struct conf_key *k = conf_find("upload_wait");
	assert_non_null(k);
	assert_ptr_equal(conf_find_env("OKO_UPLOAD_WAIT"), k);
	assert_null(conf_find("nope"));
	assert_int_equal(conf_check(k, "1", msg, sizeof msg), 0);
	assert_int_equal(conf_check(k, "3600", msg, sizeof msg), 0);
	assert_int_equal(conf_check(k, "3601", msg, sizeof msg), ERR_INVALID);
	assert_int_equal(conf_check(k, "", msg, sizeof msg), ERR_INVALID);
	assert_int_equal(conf_check(k, "+5", msg, sizeof msg), ERR_INVALID);
	assert_int_equal(conf_bool("yes"), 1);
	assert_int_equal(conf_bool("on"), 1);
	assert_int_equal(conf_bool("no"), 0);
	assert_int_equal(conf_bool(NULL), 0);
	assert_int_equal(conf_check(conf_find("log"), "debug", msg, sizeof msg), 0);
	assert_int_equal(conf_check(conf_find("log"), "deb", msg, sizeof msg), ERR_INVALID);
	/* Every key has its variable, and every variable is OKO_ and the key in capitals. */
	for (size_t i = 0; i < conf_nkeys; i++) {
		char want[64];
		snprintf(want, sizeof want, "OKO_%s", conf_keys[i].key);
		for (char *p = want; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		assert_string_equal(conf_keys[i].env, want);
		assert_non_null(conf_keys[i].about);
	}
}

static void test_load(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], msg[1024], from[256];
	snprintf(path, sizeof path, "%s/oko.conf", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("# test\nkey_file = /from/file.key\nlisten = 127.0.0.1:9\n", f);
	fclose(f);
	setenv("OKO_CONF", path, 1);
	unsetenv("OKO_KEY_FILE");
	setenv("OKO_LISTEN", "127.0.0.1:7", 1);
	assert_int_equal(conf_load(msg, sizeof msg), 0);
	assert_string_equal(getenv("OKO_KEY_FILE"), "/from/file.key");
	assert_string_equal(getenv("OKO_LISTEN"), "127.0.0.1:7"); /* the variable wins */
	char want[512];
	snprintf(want, sizeof want, "key_file в %s, строка 2", path);
	assert_string_equal(conf_origin("OKO_KEY_FILE", from, sizeof from), want);
	assert_string_equal(conf_origin("OKO_LISTEN", from, sizeof from), "OKO_LISTEN");
	assert_int_equal(conf_check_env(msg, sizeof msg), 0);
	/* An empty variable is unset, as for every reader of OKO_*: the file's value applies. */
	setenv("OKO_KEY_FILE", "", 1);
	assert_int_equal(conf_load(msg, sizeof msg), 0);
	assert_string_equal(getenv("OKO_KEY_FILE"), "/from/file.key");
	setenv("OKO_UPLOAD_WAIT", "never", 1);
	assert_int_equal(conf_check_env(msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "OKO_UPLOAD_WAIT: число секунд от 1 до 3600, а не «never»");
	unsetenv("OKO_UPLOAD_WAIT");

	/* A bad line: the file and the line named, and nothing after it set. */
	f = fopen(path, "w");
	fputs("threads = 2\nbad line\nupload_wait = 5\n", f);
	fclose(f);
	unsetenv("OKO_THREADS");
	assert_int_equal(conf_load(msg, sizeof msg), ERR_INVALID);
	snprintf(want, sizeof want, "файл настроек %s, строка 2: «bad line» — не параметр", path);
	assert_non_null(strstr(msg, want));
	assert_null(getenv("OKO_UPLOAD_WAIT"));

	/* A file named by OKO_CONF must exist; OKO_CONF="" reads none. */
	unlink(path);
	assert_int_equal(conf_load(msg, sizeof msg), ERR_IO);
	assert_non_null(strstr(msg, "не открывается"));
	setenv("OKO_CONF", "", 1);
	assert_int_equal(conf_load(msg, sizeof msg), 0);
	rmdir(dir);
	unsetenv("OKO_CONF");
	unsetenv("OKO_KEY_FILE");
	unsetenv("OKO_LISTEN");
	unsetenv("OKO_THREADS");
}

static void test_man_escapes(void **state)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	assert_non_null(f);
	man_text(f, ".TH trap\n'quote\nback\\slash --db\n\nlast");
	fclose(f);
	assert_string_equal(out, "\\&.TH trap\n\\&'quote\nback\\eslash \\-\\-db\n\nlast\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_man_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
