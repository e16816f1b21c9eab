/* Unit tests of /metrics's text (web/metrics.c) and of the log's one-line events
 * (base/log.c).
 *
 * Prometheus's own parser is not at hand, so the output is read back by a strict checker of
 * the text format (version 0.0.4) written here from the format's rules: # HELP and # TYPE
 * lines once per family and before its samples, the samples of a family together, metric
 * and label names of the allowed characters, label values quoted with only \\, \" and \n
 * escaped, a value Go's ParseFloat accepts, no series twice, and for a histogram
 * cumulative buckets in increasing «le» ending in +Inf, equal to _count, with a _sum. The
 * checker is itself tested on texts that break each rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "web/metrics.h"
#include "web/web.h"

/* ---- the checker ---- */

#define MAXS 4096
#define SAMPLE_KEY 1024 /* name (128) + labels (512) + le: room for all */
struct series {
	char key[512];     /* sample name + labels without le */
	double last_le;
	double last;       /* the previous bucket's count */
	double inf;        /* the +Inf bucket's count */
	bool has_inf, has_sum, has_count;
	double count;
};

struct checker {
	char fam[128], type[16];
	char seen_help[64][128], seen_type[64][128];
	int nhelp, ntype;
	char samples[MAXS][SAMPLE_KEY];
	int nsamples;
	struct series hs[256];
	int nhs;
	char why[256];
};

static bool name_char(char c, bool first, bool colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
	       (!first && c >= '0' && c <= '9');
}

/* A metric (colon allowed) or label name at *p; its length, 0 when none. */
static size_t name_at(const char *p, bool colon)
{
	size_t n = 0;
	while (p[n] && name_char(p[n], n == 0, colon))
		n++;
	return n;
}

static bool parse_value(const char *s, double *out)
{
	if (!strcmp(s, "+Inf")) {
		*out = INFINITY;
		return true;
	}
	if (!strcmp(s, "-Inf")) {
		*out = -INFINITY;
		return true;
	}
	if (!strcmp(s, "NaN")) {
		*out = NAN;
		return true;
	}
	if (!*s || strchr(s, ' '))
		return false;
	char *end;
	*out = strtod(s, &end);
	return !*end && (isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.');
}

static bool fail_at(struct checker *c, int line, const char *why)
{
	snprintf(c->why, sizeof c->why, "line %d: %s", line, why);
	return false;
}

static bool listed(char (*list)[128], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

static struct series *series_of(struct checker *c, const char *key)
{
	for (int i = 0; i < c->nhs; i++)
		if (!strcmp(c->hs[i].key, key))
			return &c->hs[i];
	if (c->nhs == 256)
		return NULL;
	struct series *s = &c->hs[c->nhs++];
	memset(s, 0, sizeof *s);
	snprintf(s->key, sizeof s->key, "%s", key);
	s->last_le = -INFINITY;
	return s;
}

/* The histogram series of the family just ended: complete and consistent. */
static bool end_family(struct checker *c, int line)
{
	for (int i = 0; i < c->nhs; i++) {
		struct series *s = &c->hs[i];
		if (!s->has_inf || !s->has_sum || !s->has_count)
			return fail_at(c, line, "a histogram series without its +Inf bucket, _sum or _count");
		if (s->inf != s->count)
			return fail_at(c, line, "the +Inf bucket differs from _count");
	}
	c->nhs = 0;
	return true;
}

static bool check_line(struct checker *c, int ln, const char *line)
{
	if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
		bool help = line[2] == 'H';
		const char *p = line + 7;
		size_t n = name_at(p, true);
		if (!n || n >= 128 || p[n] != ' ')
			return fail_at(c, ln, "a bad metric name after # HELP/# TYPE");
		char name[128];
		memcpy(name, p, n);
		name[n] = '\0';
		p += n + 1;
		if (help) {
			if (listed(c->seen_help, c->nhelp, name))
				return fail_at(c, ln, "# HELP twice for one family");
			for (const char *q = p; *q; q++)
				if (*q == '\\' && q[1] != '\\' && q[1] != 'n')
					return fail_at(c, ln, "a bad escape in # HELP");
				else if (*q == '\\')
					q++;
			snprintf(c->seen_help[c->nhelp++], 128, "%s", name);
			return true;
		}
		if (listed(c->seen_type, c->ntype, name))
			return fail_at(c, ln, "# TYPE twice for one family");
		if (strcmp(p, "counter") && strcmp(p, "gauge") && strcmp(p, "histogram") && strcmp(p, "summary") &&
		    strcmp(p, "untyped"))
			return fail_at(c, ln, "an unknown type");
		if (!strcmp(p, "counter") && (n < 6 || strcmp(name + n - 6, "_total")))
			return fail_at(c, ln, "a counter whose name does not end in _total");
		if (!end_family(c, ln))
			return false;
		snprintf(c->seen_type[c->ntype++], 128, "%s", name);
		snprintf(c->fam, sizeof c->fam, "%s", name);
		snprintf(c->type, sizeof c->type, "%s", p);
		return true;
	}
	if (line[0] == '#')
		return fail_at(c, ln, "a comment that is neither # HELP nor # TYPE");
	/* A sample: name{label="value",…} value */
	size_t n = name_at(line, true);
	if (!n || n >= 128)
		return fail_at(c, ln, "a bad metric name");
	char name[128];
	memcpy(name, line, n);
	name[n] = '\0';
	if (!*c->fam)
		return fail_at(c, ln, "a sample before any # TYPE");
	const char *suffix = "";
	if (!strcmp(c->type, "histogram")) {
		size_t f = strlen(c->fam);
		if (strncmp(name, c->fam, f) || (strcmp(name + f, "_bucket") && strcmp(name + f, "_sum") &&
						 strcmp(name + f, "_count")))
			return fail_at(c, ln, "a sample outside its histogram family (families must not interleave)");
		suffix = name + f;
	} else if (strcmp(name, c->fam)) {
		return fail_at(c, ln, "a sample outside the family of the # TYPE before it");
	}
	const char *p = line + n;
	char key[SAMPLE_KEY], labels[512] = "", names[16][64];
	int nnames = 0;
	double le = NAN;
	bool has_le = false;
	if (*p == '{') {
		p++;
		size_t lp = 0;
		while (*p != '}') {
			size_t k = name_at(p, false);
			if (!k || k >= 64 || p[k] != '=' || p[k + 1] != '"')
				return fail_at(c, ln, "a bad label name or a missing =\"");
			if (!strncmp(p, "__", 2))
				return fail_at(c, ln, "a label name starting with __ (reserved)");
			char lname[64], value[256];
			memcpy(lname, p, k);
			lname[k] = '\0';
			for (int i = 0; i < nnames; i++)
				if (!strcmp(names[i], lname))
					return fail_at(c, ln, "a label twice in one sample");
			if (nnames == 16)
				return fail_at(c, ln, "too many labels");
			snprintf(names[nnames++], 64, "%s", lname);
			p += k + 2;
			size_t vn = 0;
			while (*p != '"') {
				if (!*p || *p == '\n')
					return fail_at(c, ln, "an unterminated label value");
				if (*p == '\\') {
					if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
						return fail_at(c, ln, "a bad escape in a label value");
					p++;
				}
				if (vn + 1 < sizeof value)
					value[vn++] = *p;
				p++;
			}
			value[vn] = '\0';
			p++;
			if (!strcmp(lname, "le")) {
				has_le = true;
				if (!parse_value(value, &le))
					return fail_at(c, ln, "«le» is not a number");
			} else {
				lp += (size_t)snprintf(labels + lp, sizeof labels - lp, "%s=%s,", lname, value);
				if (lp >= sizeof labels)
					return fail_at(c, ln, "labels too long for the checker");
			}
			if (*p == ',' && p[1] != '}')
				p++;
			else if (*p != '}')
				return fail_at(c, ln, "labels not separated by a comma");
		}
		p++;
	}
	if (*p != ' ')
		return fail_at(c, ln, "no space before the value");
	double v;
	if (!parse_value(p + 1, &v))
		return fail_at(c, ln, "the value is not a number (or a timestamp follows it)");
	if ((!strcmp(c->type, "counter") || *suffix) && !(v >= 0) && strcmp(suffix, "_sum"))
		return fail_at(c, ln, "a negative count");
	snprintf(key, sizeof key, "%s{%s%s%g}", name, labels, has_le ? "le=" : "", has_le ? le : 0.0);
	for (int i = 0; i < c->nsamples; i++)
		if (!strcmp(c->samples[i], key))
			return fail_at(c, ln, "a series given twice");
	if (c->nsamples == MAXS)
		return fail_at(c, ln, "too many samples for the checker");
	snprintf(c->samples[c->nsamples++], SAMPLE_KEY, "%s", key);
	if (*suffix) {
		if (!strcmp(suffix, "_bucket") != has_le)
			return fail_at(c, ln, "«le» on a sample that is not a bucket, or a bucket without it");
		struct series *s = series_of(c, labels);
		if (!s)
			return fail_at(c, ln, "too many histogram series for the checker");
		if (!strcmp(suffix, "_bucket")) {
			if (s->has_inf || !(le > s->last_le))
				return fail_at(c, ln, "bucket bounds not increasing");
			if (v < s->last)
				return fail_at(c, ln, "buckets not cumulative");
			s->last_le = le;
			s->last = v;
			if (isinf(le)) {
				s->has_inf = true;
				s->inf = v;
			}
		} else if (!strcmp(suffix, "_sum")) {
			s->has_sum = true;
		} else {
			s->has_count = true;
			s->count = v;
		}
	}
	return true;
}

/* true when text is valid; else c->why says where and why. */
static bool check_text(struct checker *c, const char *text)
{
	memset(c, 0, sizeof *c);
	size_t len = strlen(text);
	if (!len || text[len - 1] != '\n')
		return fail_at(c, 0, "the text does not end with a line feed");
	int ln = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		char line[2048];
		size_t n = (size_t)(e - p);
		ln++;
		if (n >= sizeof line || n == 0)
			return fail_at(c, ln, n ? "a line too long" : "an empty line");
		memcpy(line, p, n);
		line[n] = '\0';
		if (!check_line(c, ln, line))
			return false;
		p = e + 1;
	}
	for (int i = 0; i < c->ntype; i++)
		if (!listed(c->seen_help, c->nhelp, c->seen_type[i]))
			return fail_at(c, ln, "a family without # HELP");
	return end_family(c, ln);
}

/* The value of one series line "prefix value" in text; -1 when absent. */
static double value_of(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, series, n) && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

static const struct web_route *route(const char *method, const char *pattern)
{
	for (const struct web_route *r = web_routes; r->method; r++)
		if (!strcmp(r->method, method) && !strcmp(r->pattern, pattern))
			return r;
	return NULL;
}

static char *written(void)
{
	struct buf b = BUF_INIT;
	struct metrics_db d = { 123456, 2, 1700000000, 3 };
	metrics_write(&b, &d);
	char *s = strdup(buf_str(&b));
	buf_free(&b);
	return s;
}

/* ---- tests ---- */

static void test_checker_refuses_broken_texts(void **state)
{
	static const char *const bad[] = {
		/* no # TYPE */
		"x_total 1\n",
		/* a family twice */
		"# HELP a_total h\n# TYPE a_total counter\na_total 1\n# HELP a_total h\n# TYPE a_total counter\n",
		/* families interleaved */
		"# HELP a g\n# TYPE a gauge\n# HELP b g\n# TYPE b gauge\nb 1\na 1\n",
		/* a bad escape in a label value, an unterminated one, a raw line feed */
		"# HELP a g\n# TYPE a gauge\na{x=\"\\t\"} 1\n",
		"# HELP a g\n# TYPE a gauge\na{x=\"y} 1\n",
		/* the same series twice */
		"# HELP a g\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n",
		/* a value that is not a number, a timestamp */
		"# HELP a g\n# TYPE a gauge\na 1,5\n",
		"# HELP a g\n# TYPE a gauge\na 1 1700000000\n",
		/* buckets not cumulative; +Inf missing; +Inf not equal to _count */
		"# HELP h g\n# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"2\"} 2\nh_bucket{le=\"+Inf\"} 3\n"
		"h_sum 1\nh_count 3\n",
		"# HELP h g\n# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_sum 1\nh_count 3\n",
		"# HELP h g\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_sum 1\nh_count 4\n",
		/* a counter not named _total, a negative count, a bad metric name, no final line feed */
		"# HELP c g\n# TYPE c counter\nc 1\n",
		"# HELP c_total g\n# TYPE c_total counter\nc_total -1\n",
		"# HELP a g\n# TYPE a gauge\n9a 1\n",
		"# HELP a g\n# TYPE a gauge\na 1",
		/* a family without # HELP */
		"# TYPE a gauge\na 1\n",
	};
	struct checker *c = malloc(sizeof *c);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (check_text(c, bad[i]))
			fail_msg("the checker took broken text %zu:\n%s", i, bad[i]);
	}
	assert_true(check_text(c, "# HELP h g\n# TYPE h histogram\nh_bucket{a=\"x\\\"y\",le=\"0.5\"} 1\n"
				  "h_bucket{a=\"x\\\"y\",le=\"+Inf\"} 2\nh_sum{a=\"x\\\"y\"} 0.75\nh_count{a=\"x\\\"y\"} 2\n"));
	free(c);
}

static void test_counts_and_format(void **state)
{
	metrics_reset();
	const struct web_route *m = route("GET", "/metrics"), *s = route("GET", "/schools/{login}");
	assert_non_null(m);
	assert_non_null(s);
	metrics_request(m, "/metrics", "GET", 200, 0.03);
	metrics_request(s, "/schools/sch1", "GET", 200, 0.001);
	metrics_request(s, "/schools/sch2", "GET", 404, 0.2);
	metrics_request(s, "/schools/sch2", "GET", 404, 7);
	metrics_request(NULL, "/no/such/page", "GET", 404, 0.002);
	metrics_request(NULL, "/x", "BREW", 405, 0.002);
	metrics_request(NULL, "/static/frame.css", "GET", 200, 0.0001);
	metrics_upload(METRICS_RESULTS, 0, false, 120);
	metrics_upload(METRICS_RESULTS, 0, true, 120);      /* a dry run: checked, no rows */
	metrics_upload(METRICS_RESULTS, ERR_INVALID, false, 7);
	metrics_upload(METRICS_RESULTS, ERR_CONFIRM, false, 7); /* waits: not counted */
	metrics_upload(METRICS_PUPILS, ERR_BUSY, false, 7);
	metrics_file_refused(METRICS_REFUSED_TOO_LARGE);
	metrics_login_refused(METRICS_LOGIN_PASSWORD);
	metrics_login_refused(METRICS_LOGIN_PASSWORD);
	metrics_analysis(0, 42.5);
	metrics_set_version("1.2-3-g\"x\\y\nz");
	char *t = written();
	struct checker *c = malloc(sizeof *c);
	if (!check_text(c, t))
		fail_msg("%s\n%s", c->why, t);
	free(c);
	/* Requests under the route's pattern, never the path. */
	assert_null(strstr(t, "sch1"));
	assert_int_equal(value_of(t, "oko_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"}"), 1);
	assert_int_equal(value_of(t, "oko_http_requests_total{route=\"/schools/{login}\",method=\"GET\",status=\"200\"}"), 1);
	assert_int_equal(value_of(t, "oko_http_requests_total{route=\"/schools/{login}\",method=\"GET\",status=\"404\"}"), 2);
	assert_int_equal(value_of(t, "oko_http_requests_total{route=\"other\",method=\"GET\",status=\"404\"}"), 1);
	assert_int_equal(value_of(t, "oko_http_requests_total{route=\"other\",method=\"other\",status=\"405\"}"), 1);
	assert_int_equal(value_of(t, "oko_http_requests_total{route=\"/static/{file}\",method=\"GET\",status=\"200\"}"), 1);
	/* Buckets: 0.03 s is over 0.025 and within 0.05; 7 s within 10. */
	assert_int_equal(value_of(t, "oko_http_request_duration_seconds_bucket{route=\"/metrics\",method=\"GET\",le=\"0.025\"}"), 0);
	assert_int_equal(value_of(t, "oko_http_request_duration_seconds_bucket{route=\"/metrics\",method=\"GET\",le=\"0.05\"}"), 1);
	assert_int_equal(value_of(t, "oko_http_request_duration_seconds_bucket{route=\"/schools/{login}\",method=\"GET\",le=\"0.25\"}"), 2);
	assert_int_equal(value_of(t, "oko_http_request_duration_seconds_bucket{route=\"/schools/{login}\",method=\"GET\",le=\"5\"}"), 2);
	assert_int_equal(value_of(t, "oko_http_request_duration_seconds_bucket{route=\"/schools/{login}\",method=\"GET\",le=\"+Inf\"}"), 3);
	assert_int_equal(value_of(t, "oko_http_request_duration_seconds_count{route=\"/schools/{login}\",method=\"GET\"}"), 3);
	assert_true(fabs(value_of(t, "oko_http_request_duration_seconds_sum{route=\"/schools/{login}\",method=\"GET\"}") - 7.201) < 1e-6);
	/* Uploads and rows. */
	assert_int_equal(value_of(t, "oko_uploads_total{kind=\"results\",result=\"stored\"}"), 1);
	assert_int_equal(value_of(t, "oko_uploads_total{kind=\"results\",result=\"checked\"}"), 1);
	assert_int_equal(value_of(t, "oko_uploads_total{kind=\"results\",result=\"refused\"}"), 1);
	assert_int_equal(value_of(t, "oko_uploads_total{kind=\"pupils\",result=\"refused\"}"), 1);
	assert_int_equal(value_of(t, "oko_rows_imported_total{kind=\"results\"}"), 120);
	assert_int_equal(value_of(t, "oko_files_refused_total{reason=\"import\"}"), 1);
	assert_int_equal(value_of(t, "oko_files_refused_total{reason=\"busy\"}"), 1);
	assert_int_equal(value_of(t, "oko_files_refused_total{reason=\"too_large\"}"), 1);
	assert_int_equal(value_of(t, "oko_logins_refused_total{reason=\"password\"}"), 2);
	assert_int_equal(value_of(t, "oko_analysis_runs_total{result=\"done\"}"), 1);
	assert_int_equal(value_of(t, "oko_analysis_duration_seconds_bucket{le=\"30\"}"), 0);
	assert_int_equal(value_of(t, "oko_analysis_duration_seconds_bucket{le=\"60\"}"), 1);
	assert_true(fabs(value_of(t, "oko_analysis_duration_seconds_sum") - 42.5) < 1e-6);
	/* From the database, and the version escaped. */
	assert_int_equal(value_of(t, "oko_database_size_bytes"), 123456);
	assert_int_equal(value_of(t, "oko_analysis_runs_stored"), 2);
	assert_int_equal(value_of(t, "oko_sessions_active"), 3);
	assert_int_equal(value_of(t, "oko_build_info{version=\"1.2-3-g\\\"x\\\\y\\nz\"}"), 1);
	assert_true(value_of(t, "process_start_time_seconds") > 1.7e9);
	free(t);
	/* Reset: no request series left, the fixed families still there and valid. */
	metrics_reset();
	t = written();
	assert_null(strstr(t, "oko_http_requests_total{"));
	assert_int_equal(value_of(t, "oko_uploads_total{kind=\"results\",result=\"stored\"}"), 0);
	c = malloc(sizeof *c);
	if (!check_text(c, t))
		fail_msg("%s\n%s", c->why, t);
	free(c);
	free(t);
}

/* Every route of the table as a label passes the checker (patterns hold braces, dots). The
 * table fits the counters: each route is counted under its own pattern, none as "other". */
static void test_every_route(void **state)
{
	size_t n = 0;
	for (const struct web_route *r = web_routes; r->method; r++, n++)
		if (strcmp(metrics_route_label(r, r->pattern, r->method), r->pattern))
			fail_msg("route %zu %s %s is counted as «%s»: METRICS_MAX_ROUTES (%d) is too small",
				 n, r->method, r->pattern, metrics_route_label(r, r->pattern, r->method),
				 METRICS_MAX_ROUTES);
	if (n > METRICS_MAX_ROUTES)
		fail_msg("%zu routes, METRICS_MAX_ROUTES is %d: raise it", n, METRICS_MAX_ROUTES);
	metrics_reset();
	for (const struct web_route *r = web_routes; r->method; r++)
		metrics_request(r, r->pattern, r->method, 200, 0.001);
	char *t = written();
	struct checker *c = malloc(sizeof *c);
	if (!check_text(c, t))
		fail_msg("%s", c->why);
	free(c);
	assert_null(strstr(t, "route=\"other\""));
	free(t);
	metrics_reset();
}

/* The log: one line per event whatever the message holds; JSON that parses. */
static void test_log_lines(void **state)
{
	char line[8192];
	const char *msg = "строка 1\nстрока 2\r\t\x01 конец \xff\xfe «кавычки» \"q\" \\";
	log_format_line(line, sizeof line, LOG_TEXT, LOG_WARN, 0, msg, NULL, 0);
	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '\r'));
	assert_string_equal(line, "oko: предупреждение: строка 1\\nстрока 2\\r\t\\x01 конец \\xFF\\xFE «кавычки» \"q\" \\");
	const struct log_field f[] = {
		LOG_TEXT_FIELD("method", "GET"), LOG_TEXT_FIELD("path", "/a\nb"), LOG_INT_FIELD("status", 404),
		LOG_NUM_FIELD("duration_ms", 12.25), LOG_TEXT_FIELD("user", NULL),
	};
	/* 2026-12-04T23:31:46.123Z */
	log_format_line(line, sizeof line, LOG_JSON, LOG_INFO, 1796427106123LL, msg, f, 5);
	assert_null(strchr(line, '\n'));
	json_error_t e;
	json_t *j = json_loads(line, 0, &e);
	if (!j)
		fail_msg("not JSON: %s: %s", e.text, line);
	assert_string_equal(json_string_value(json_object_get(j, "ts")), "2026-12-04T23:31:46.123Z");
	assert_string_equal(json_string_value(json_object_get(j, "level")), "info");
	assert_string_equal(json_string_value(json_object_get(j, "msg")),
			    "строка 1\nстрока 2\r\t\x01 конец \xEF\xBF\xBD\xEF\xBF\xBD «кавычки» \"q\" \\");
	assert_string_equal(json_string_value(json_object_get(j, "path")), "/a\nb");
	assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
	assert_true(json_real_value(json_object_get(j, "duration_ms")) == 12.25);
	assert_true(json_is_null(json_object_get(j, "user")));
	/* ts, level, msg come first. */
	assert_int_equal(strncmp(line, "{\"ts\":", 6), 0);
	json_decref(j);
	/* A line longer than the room is cut at a character, never inside one. */
	log_format_line(line, 12, LOG_TEXT, LOG_INFO, 0, "ёёёёёёё", NULL, 0);
	assert_string_equal(line, "oko: ёёё");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_refuses_broken_texts),
		cmocka_unit_test(test_counts_and_format),
		cmocka_unit_test(test_every_route),
		cmocka_unit_test(test_log_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
