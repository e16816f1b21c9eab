/* metrics: the server's counters and the /metrics page (see metrics.h). */
#include "web/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "model/run.h"
#include "model/user.h"
#include "web/web.h"

#ifndef OKO_VERSION
#define OKO_VERSION "unknown"
#endif

#define MAX_ROUTES METRICS_MAX_ROUTES

/* Methods of requests no route took: a fixed list, anything else is "other". */
static const char *const methods[] = { "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "other" };
#define NMETHODS (sizeof methods / sizeof *methods)

/* A slot is one series of requests: a route of the table, the static assets, or no route
 * with one of the methods. */
#define SLOT_STATIC MAX_ROUTES
#define SLOT_OTHER (MAX_ROUTES + 1)
#define NSLOTS (SLOT_OTHER + NMETHODS)

/* The statuses oko answers with; the last index stands for any other. */
static const int statuses[] = { 200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404,
				405, 409, 411, 413, 414, 415, 416, 429, 431, 500, 501, 502, 503, 504, 505 };
#define NSTATUS (sizeof statuses / sizeof *statuses + 1)

/* Latency buckets (seconds) of oko_http_request_duration_seconds. */
static const double req_le[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
static const char *const req_le_text[] = { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10" };
#define NREQ_LE (sizeof req_le / sizeof *req_le)
/* … and of oko_analysis_duration_seconds: an analysis takes seconds to an hour. */
static const double run_le[] = { 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600 };
static const char *const run_le_text[] = { "1", "5", "10", "30", "60", "120", "300", "600", "1800", "3600" };
#define NRUN_LE (sizeof run_le / sizeof *run_le)

static const char *const kinds[METRICS_NKINDS] = { "results", "grid", "pupils", "teachers", "medalists",
						   "medal_thresholds", "kim", "observers", "experts", "measures" };
enum { UP_STORED, UP_REFUSED, UP_CHECKED, NUP };
static const char *const up_results[NUP] = { "stored", "refused", "checked" };
static const char *const refusals[METRICS_NREFUSALS] = { "import", "too_large", "busy" };
static const char *const login_reasons[METRICS_NLOGINS] = { "password", "throttled", "token" };

typedef _Atomic uint64_t counter;

/* A histogram: per bucket the observations that fell in it (not cumulative: each
 * observation adds to one bucket, the last one past every bound), so that the cumulative
 * counts and the total written at a scrape always agree; the sum in microseconds. */
static counter req_total[NSLOTS][NSTATUS];
static counter req_bucket[NSLOTS][NREQ_LE + 1];
static counter req_sum_us[NSLOTS];
static counter uploads[METRICS_NKINDS][NUP];
static counter rows_imported[METRICS_NKINDS];
static counter files_refused[METRICS_NREFUSALS];
static counter logins_refused[METRICS_NLOGINS];
static counter runs[2]; /* done, failed */
static counter run_bucket[NRUN_LE + 1];
static counter run_sum_ms;
static _Atomic int64_t start_ms;
static const char *_Atomic version = OKO_VERSION;

static void add(counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t get(counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void metrics_start(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	int64_t zero = 0, now = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	atomic_compare_exchange_strong(&start_ms, &zero, now);
}

void metrics_set_version(const char *v)
{
	if (v && *v)
		atomic_store(&version, v);
}

static size_t nroutes(void)
{
	static _Atomic size_t n;
	size_t k = atomic_load_explicit(&n, memory_order_relaxed);
	if (!k) {
		while (web_routes[k].method)
			k++;
		atomic_store_explicit(&n, k, memory_order_relaxed);
	}
	return k;
}

static size_t slot_of(const struct web_route *rt, const char *path, const char *method)
{
	if (rt && rt >= web_routes && (size_t)(rt - web_routes) < nroutes() && rt - web_routes < MAX_ROUTES)
		return (size_t)(rt - web_routes);
	if (!rt && path && !strncmp(path, "/static/", 8) && method && !strcmp(method, "GET"))
		return SLOT_STATIC;
	size_t m = 0;
	while (m < NMETHODS - 1 && (!method || strcmp(methods[m], method)))
		m++;
	return SLOT_OTHER + m;
}

static const char *slot_route(size_t s)
{
	return s < SLOT_STATIC ? web_routes[s].pattern : s == SLOT_STATIC ? "/static/{file}" : "other";
}

const char *metrics_route_label(const struct web_route *rt, const char *path, const char *method)
{
	return slot_route(slot_of(rt, path, method));
}

static size_t status_index(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

static size_t bucket(const double *le, size_t n, double v)
{
	size_t i = 0;
	while (i < n && v > le[i])
		i++;
	return i;
}

void metrics_request(const struct web_route *rt, const char *path, const char *method, int status,
		     double seconds)
{
	metrics_start();
	if (seconds < 0)
		seconds = 0;
	size_t s = slot_of(rt, path, method);
	add(&req_total[s][status_index(status)], 1);
	add(&req_bucket[s][bucket(req_le, NREQ_LE, seconds)], 1);
	add(&req_sum_us[s], (uint64_t)(seconds * 1e6 + 0.5));
}

void metrics_upload(enum metrics_kind k, int rc, bool dry_run, long rows)
{
	if ((unsigned)k >= METRICS_NKINDS || rc == ERR_CONFIRM)
		return;
	if (rc) {
		add(&uploads[k][UP_REFUSED], 1);
		add(&files_refused[rc == ERR_BUSY ? METRICS_REFUSED_BUSY : METRICS_REFUSED_IMPORT], 1);
	} else if (dry_run) {
		add(&uploads[k][UP_CHECKED], 1);
	} else {
		add(&uploads[k][UP_STORED], 1);
		add(&rows_imported[k], rows > 0 ? (uint64_t)rows : 0);
	}
}

void metrics_file_refused(enum metrics_refusal why)
{
	if ((unsigned)why < METRICS_NREFUSALS)
		add(&files_refused[why], 1);
}

void metrics_login_refused(enum metrics_login why)
{
	if ((unsigned)why < METRICS_NLOGINS)
		add(&logins_refused[why], 1);
}

void metrics_analysis(int rc, double seconds)
{
	if (seconds < 0)
		seconds = 0;
	add(&runs[rc ? 1 : 0], 1);
	add(&run_bucket[bucket(run_le, NRUN_LE, seconds)], 1);
	add(&run_sum_ms, (uint64_t)(seconds * 1e3 + 0.5));
}

#define ZERO(a) memset((void *)(a), 0, sizeof(a))
void metrics_reset(void)
{
	/* Tests only, with no request in flight. */
	ZERO(req_total);
	ZERO(req_bucket);
	ZERO(req_sum_us);
	ZERO(uploads);
	ZERO(rows_imported);
	ZERO(files_refused);
	ZERO(logins_refused);
	ZERO(runs);
	ZERO(run_bucket);
	run_sum_ms = 0;
}

/* ---- the text format ---- */

static void family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and line feed escaped (the format's rules). */
static void label(struct buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			buf_putc(b, '\\'), buf_putc(b, *v);
		else if (*v == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *v);
	}
}

static void slot_labels(struct buf *b, size_t s)
{
	const char *route = slot_route(s);
	const char *method = s < SLOT_STATIC ? web_routes[s].method : s == SLOT_STATIC ? "GET" : methods[s - SLOT_OTHER];
	buf_puts(b, "route=\"");
	label(b, route);
	buf_puts(b, "\",method=\"");
	label(b, method);
	buf_putc(b, '"');
}

static bool slot_used(size_t s)
{
	return s < SLOT_STATIC ? s < nroutes() : true;
}

/* A histogram's _bucket, _sum and _count lines; labels go before "le" (may be ""). */
static void histogram(struct buf *b, const char *name, const char *labels, counter *buckets,
		      const char *const *le, size_t nle, double sum)
{
	uint64_t cum = 0;
	const char *sep = *labels ? "," : "";
	for (size_t i = 0; i <= nle; i++) {
		cum += get(&buckets[i]);
		buf_printf(b, "%s_bucket{%s%sle=\"%s\"} %llu\n", name, labels, sep, i < nle ? le[i] : "+Inf",
			   (unsigned long long)cum);
	}
	if (*labels)
		buf_printf(b, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name, labels, sum, name, labels,
			   (unsigned long long)cum);
	else
		buf_printf(b, "%s_sum %.6f\n%s_count %llu\n", name, sum, name, (unsigned long long)cum);
}

void metrics_write(struct buf *b, const struct metrics_db *d)
{
	metrics_start();
	family(b, "oko_http_requests_total", "counter",
	       "HTTP requests answered, by route pattern (\"other\": no route), method and status.");
	for (size_t s = 0; s < NSLOTS; s++) {
		if (!slot_used(s))
			continue;
		for (size_t i = 0; i < NSTATUS; i++) {
			uint64_t n = get(&req_total[s][i]);
			if (!n)
				continue;
			buf_puts(b, "oko_http_requests_total{");
			slot_labels(b, s);
			if (i < NSTATUS - 1)
				buf_printf(b, ",status=\"%d\"} %llu\n", statuses[i], (unsigned long long)n);
			else
				buf_printf(b, ",status=\"other\"} %llu\n", (unsigned long long)n);
		}
	}
	family(b, "oko_http_request_duration_seconds", "histogram",
	       "Time from a request's first byte to its answer sent, by route pattern and method.");
	struct buf lb = BUF_INIT;
	for (size_t s = 0; s < NSLOTS; s++) {
		uint64_t n = 0;
		for (size_t i = 0; slot_used(s) && i <= NREQ_LE; i++)
			n += get(&req_bucket[s][i]);
		if (!n)
			continue;
		buf_reset(&lb);
		slot_labels(&lb, s);
		histogram(b, "oko_http_request_duration_seconds", buf_str(&lb), req_bucket[s], req_le_text, NREQ_LE,
			  (double)get(&req_sum_us[s]) / 1e6);
	}
	buf_free(&lb);
	family(b, "oko_uploads_total", "counter",
	       "Files (and grid saves) imported from the web, by kind and result: stored, refused, or "
	       "checked (a dry run without errors).");
	for (size_t k = 0; k < METRICS_NKINDS; k++)
		for (size_t i = 0; i < NUP; i++)
			buf_printf(b, "oko_uploads_total{kind=\"%s\",result=\"%s\"} %llu\n", kinds[k], up_results[i],
				   (unsigned long long)get(&uploads[k][i]));
	family(b, "oko_rows_imported_total", "counter", "Data rows of the files stored from the web, by kind.");
	for (size_t k = 0; k < METRICS_NKINDS; k++)
		buf_printf(b, "oko_rows_imported_total{kind=\"%s\"} %llu\n", kinds[k],
			   (unsigned long long)get(&rows_imported[k]));
	family(b, "oko_files_refused_total", "counter",
	       "Uploaded files not stored: errors found by the importer, over the size cap, or the server "
	       "busy.");
	for (size_t i = 0; i < METRICS_NREFUSALS; i++)
		buf_printf(b, "oko_files_refused_total{reason=\"%s\"} %llu\n", refusals[i],
			   (unsigned long long)get(&files_refused[i]));
	family(b, "oko_logins_refused_total", "counter",
	       "Refused logins: a wrong login or password, an attempt while throttled, an invalid API key.");
	for (size_t i = 0; i < METRICS_NLOGINS; i++)
		buf_printf(b, "oko_logins_refused_total{reason=\"%s\"} %llu\n", login_reasons[i],
			   (unsigned long long)get(&logins_refused[i]));
	family(b, "oko_analysis_runs_total", "counter",
	       "Analysis runs started from the browser by this process that ended, by result.");
	buf_printf(b, "oko_analysis_runs_total{result=\"done\"} %llu\noko_analysis_runs_total{result=\"failed\"} %llu\n",
		   (unsigned long long)get(&runs[0]), (unsigned long long)get(&runs[1]));
	family(b, "oko_analysis_duration_seconds", "histogram",
	       "Duration of the analysis runs started from the browser by this process.");
	histogram(b, "oko_analysis_duration_seconds", "", run_bucket, run_le_text, NRUN_LE,
		  (double)get(&run_sum_ms) / 1e3);
	if (d && d->runs_stored >= 0) {
		family(b, "oko_analysis_runs_stored", "gauge",
		       "Analysis runs stored in the database (from the browser or `oko analyze`).");
		buf_printf(b, "oko_analysis_runs_stored %lld\n", (long long)d->runs_stored);
	}
	if (d && d->last_run >= 0) {
		family(b, "oko_analysis_last_run_timestamp_seconds", "gauge",
		       "When the latest stored analysis run was stored (unix seconds).");
		buf_printf(b, "oko_analysis_last_run_timestamp_seconds %lld\n", (long long)d->last_run);
	}
	if (d && d->size_bytes >= 0) {
		family(b, "oko_database_size_bytes", "gauge", "Size of the database (SQLite: its main file's pages).");
		buf_printf(b, "oko_database_size_bytes %lld\n", (long long)d->size_bytes);
	}
	if (d && d->sessions >= 0) {
		family(b, "oko_sessions_active", "gauge", "Browser sessions not yet expired.");
		buf_printf(b, "oko_sessions_active %lld\n", (long long)d->sessions);
	}
	family(b, "oko_build_info", "gauge", "The running oko's version (always 1).");
	buf_puts(b, "oko_build_info{version=\"");
	label(b, atomic_load(&version));
	buf_puts(b, "\"} 1\n");
	family(b, "process_start_time_seconds", "gauge", "Start time of the process since the epoch, in seconds.");
	int64_t ms = atomic_load(&start_ms);
	buf_printf(b, "process_start_time_seconds %lld.%03d\n", (long long)(ms / 1000), (int)(ms % 1000));
}

/* ---- GET /metrics ---- */

int page_metrics(struct web_req *r, struct web_res *w)
{
	struct metrics_db d = { -1, -1, -1, -1 };
	int64_t v;
	struct run_info ri;
	if (db_size_bytes(r->db, &v) == 0)
		d.size_bytes = v;
	if (run_count(r->db, &v) == 0)
		d.runs_stored = v;
	if (run_latest(r->db, &ri) == 0 && web_parse_datetime(ri.at, &v) == 0)
		d.last_run = v;
	if (session_count(r->db, r->now, &v) == 0)
		d.sessions = v;
	metrics_write(&w->body, &d);
	w->type = "text/plain; version=0.0.4; charset=utf-8";
	w->cache = "no-store";
	return 0;
}
