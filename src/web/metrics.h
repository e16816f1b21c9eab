/* metrics: what the server counts for /metrics, in Prometheus's text format (version 0.0.4).
 *
 * Counters are process-wide C11 atomics updated with relaxed order: worker threads never
 * take a lock to count. A request is counted under its route's PATTERN from the route table
 * ("/schools/{login}", never the path it was called with: a bounded set of labels and no
 * logins or numbers in them), "/static/{file}" for the embedded assets, and "other" for a
 * path no route matches. Counters start at zero with the process (Prometheus's rate()
 * expects that); what the database keeps (its size, the analysis runs stored, the live
 * sessions) is read at each scrape. docs/deploy.md «Monitoring» lists every family. */
#ifndef OKO_WEB_METRICS_H
#define OKO_WEB_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"

struct web_route;
struct web_req;
struct web_res;

/* The files the web imports, by kind (the label kind="…" of oko_uploads_total). */
enum metrics_kind {
	METRICS_RESULTS,          /* /upload (results files) */
	METRICS_GRID,             /* /grid/{procedure} (the results grid: rows, not a file) */
	METRICS_PUPILS,           /* /pupils/import */
	METRICS_TEACHERS,         /* /teachers/import */
	METRICS_MEDALISTS,        /* /medalists/import */
	METRICS_MEDAL_THRESHOLDS, /* /medalists/thresholds, …/row */
	METRICS_KIM,              /* /procedures/kim */
	METRICS_OBSERVERS,        /* /observers/import */
	METRICS_EXPERTS,          /* /recheck/experts/import */
	METRICS_MEASURES,         /* /measures/{id}/import */
	METRICS_NKINDS
};

/* Why a file was refused (oko_files_refused_total{reason="…"}): the importer found errors
 * in it, it was over the per-file cap, or the server had no room for it just then. */
enum metrics_refusal { METRICS_REFUSED_IMPORT, METRICS_REFUSED_TOO_LARGE, METRICS_REFUSED_BUSY, METRICS_NREFUSALS };

/* Why a login was refused (oko_logins_refused_total{reason="…"}). */
enum metrics_login { METRICS_LOGIN_PASSWORD, METRICS_LOGIN_THROTTLED, METRICS_LOGIN_TOKEN, METRICS_NLOGINS };

/* The process's start (process_start_time_seconds): the first call wins; also taken at
 * the first count. The version of oko_build_info. */
void metrics_start(void);
void metrics_set_version(const char *version);

/* Routes of the table counted each under its own pattern (their counters are arrays of
 * this size); a route past it would be counted as "other". tests/unit/test_metrics.c
 * checks that web_routes fits. */
#define METRICS_MAX_ROUTES 400

/* One answered request: its route (NULL when none matched; path tells the static assets
 * apart), method, status and seconds from its first byte to its answer sent. */
void metrics_request(const struct web_route *rt, const char *path, const char *method, int status,
		     double seconds);
/* The route label a request is counted under: the route's pattern, "/static/{file}" or
 * "other" (the access log's "route" field too). */
const char *metrics_route_label(const struct web_route *rt, const char *path, const char *method);
/* An import from the web ended with rc: 0 stored (rows added to oko_rows_imported_total) or,
 * for a dry run, checked; ERR_CONFIRM waits for its uploader and is not counted yet;
 * anything else refused (ERR_BUSY as "busy", the rest as "import"). */
void metrics_upload(enum metrics_kind k, int rc, bool dry_run, long rows);
/* A file refused by the server before any importer saw it. */
void metrics_file_refused(enum metrics_refusal why);
void metrics_login_refused(enum metrics_login why);
/* An analysis run started from the browser ended with rc after seconds. */
void metrics_analysis(int rc, double seconds);

/* What the database says at a scrape; a field < 0 is not known (not written). */
struct metrics_db {
	int64_t size_bytes;
	int64_t runs_stored;
	int64_t last_run;   /* unix seconds of the latest stored run */
	int64_t sessions;   /* live sessions */
};
/* Appends every family in the text format to b. */
void metrics_write(struct buf *b, const struct metrics_db *d);
/* Sets every counter back to zero (tests). */
void metrics_reset(void);

/* GET /metrics (administrators: a session or an API key). */
int page_metrics(struct web_req *r, struct web_res *w);

#endif
