/* web: the HTTP application — requests, responses, the route table, HTML helpers.
 *
 * server.c turns libmicrohttpd's callbacks into one `struct web_req` per request (method,
 * path, query, form fields, an uploaded file, the user of the session) and sends back the
 * `struct web_res` a handler filled. route.c holds the one table of routes: method, path
 * pattern, handler, who may call it, whether it changes state (CSRF token required) and
 * the typed keys it takes (struct web_key: an integer in a range, a date, a login, a
 * procedure code, one of a list, text of bounded length, a flag, the file; path parameters
 * typed by name in route.c). The dispatcher enforces all of that before any handler runs,
 * parsing every value (400 with a Russian message naming the field when one is bad); a
 * handler reads the parsed values (web_int, web_str, web_flag) and only checks the
 * specific objects it touches (that this school is in the
 * user's territory). Memory of a request comes from its arena and dies with it. */
#ifndef OKO_WEB_H
#define OKO_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "db/db.h"
#include "model/scope.h"
#include "model/user.h"

#define WEB_MAX_FIELDS 64
/* Form fields of one POST: the results grid sends one field per cell (a class of 30 with
 * 25 positions is ~900). */
#define WEB_MAX_FORM_FIELDS 4096
#define WEB_MAX_PARAMS 4
#define WEB_MAX_KEYS 24   /* declared keys of one route, path parameters included */
#define WEB_TEXT_MAX 1000 /* characters of a WEB_TEXT value without its own .max */
#define WEB_MAX_UPLOAD (64u << 20) /* bytes of one uploaded file */
#define WEB_MAX_FORM (256u << 10)  /* bytes of all form fields of a request */
#define WEB_MAX_HEADERS (32u << 10) /* bytes of the request line and headers (431 past it) */

struct web_kv {
	const char *key, *value;
};

/* Bytes of all uploads held in memory at once, every request together (web_config). */
#define WEB_UPLOAD_MEMORY (256u << 20)

struct web_upload {
	const char *field;    /* form key of the file */
	const char *filename; /* as sent by the browser (base name only, untrusted) */
	const char *data;     /* the bytes, in memory (never written to disk); NULL when none */
	size_t size;
	bool too_large;
};

struct web_req {
	struct arena *a;
	struct db *db;          /* this thread's connection */
	const char *method;
	const char *path;       /* decoded path, no query */
	const char *ip;
	int64_t now;            /* unix seconds, from the server's clock */
	struct web_kv query[WEB_MAX_FIELDS];
	int nquery;
	struct web_kv *form;     /* nform fields, in the request's arena (at most
				   WEB_MAX_FORM_FIELDS); NULL when none */
	int nform;
	bool form_overflow;     /* more fields or bytes than allowed */
	bool bad_text;          /* the path, a query or form key or value holds a NUL byte or
				   is not UTF-8: refused before any handler */
	struct web_upload upload;
	const char *params[WEB_MAX_PARAMS]; /* {name} parts of the route pattern */
	int nparams;
	/* The values of the route's keys and path parameters, parsed by the dispatcher. */
	struct web_val {
		const struct web_key *key;
		const char *text;   /* as sent (a date as ГГГГ-ММ-ДД); NULL when not given */
		int64_t num;        /* WEB_INT: the number (dflt when not given or a word) */
	} vals[WEB_MAX_KEYS];
	int nvals;
	bool authed;
	bool by_token;          /* authenticated by an API token (no CSRF needed) */
	bool token_kind_refused; /* a valid metrics-only key sent to a path other than /metrics */
	struct user user;
	struct scope scope;     /* what the user may see (model/scope.h); NONE until authed */
	char csrf[USER_TOKEN_HEX];
	char session[USER_TOKEN_HEX];
	bool secure;            /* the request came over TLS (--secure-cookies, or
				   X-Forwarded-Proto: https from a trusted proxy) */
	bool via_proxy;         /* the peer is a trusted proxy (its X-Forwarded-* count) */
	void *conn;             /* struct MHD_Connection, for headers */
	const struct web_route *route; /* the route the path matched (route.c), NULL when none:
					  what /metrics and the access log name the request by */
	bool parked;            /* its connection is parked (web_park): no answer yet */
	struct web_req *next_parked; /* rcache.c: the next request waiting for the same answer */
};

struct web_res {
	int status;
	const char *type;       /* Content-Type; default text/html; charset=utf-8 */
	struct buf body;
	const char *location;   /* redirect target */
	char cookie[256];       /* Set-Cookie value, if any */
	const char *disposition; /* Content-Disposition, for downloads */
	const void *static_body; /* a body that outlives the request (embedded assets) */
	size_t static_len;
	size_t handed;          /* the body's length once handed to libmicrohttpd (server.c) */
	const char *cache;      /* Cache-Control */
	int retry_after;        /* seconds for Retry-After (a 503 that will pass), or 0 */
	bool close;             /* close the connection after the answer */
	bool frame_self;        /* may be shown inside our own pages (a scan beside the score
				   grid): SAMEORIGIN / frame-ancestors 'self' instead of DENY */
};

typedef int (*web_handler)(struct web_req *r, struct web_res *w);

/* Who may call a route: a set of role bits, or WEB_PUBLIC. */
#define WEB_ROLE(r) (1u << (r))
#define WEB_PUBLIC 0u
#define WEB_ANY_USER 0xFFu
#define WEB_STAFF (WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION) | WEB_ROLE(ROLE_MUNICIPALITY) | \
		   WEB_ROLE(ROLE_SCHOOL))
#define WEB_TERRITORY (WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION) | WEB_ROLE(ROLE_MUNICIPALITY))

/* The type of a request value. An empty value counts as not given (the default), except
 * that web_str still returns "" for it. */
enum web_type {
	WEB_TEXT,     /* UTF-8 text of at most .max characters (WEB_TEXT_MAX when 0) */
	WEB_INT,      /* a decimal integer ("-" allowed, no "+", no spaces) in [.min, .max];
			 .values: words also accepted as they are (web_int gives .dflt) */
	WEB_LOGIN,    /* a school or user login: 1–64 of A–Z a–z 0–9 _ - (registry_login_valid) */
	WEB_CODE,     /* a procedure code: 1–39 of A–Z a–z 0–9 _ - (its sense is the handler's) */
	WEB_DATE,     /* a calendar date ГГГГ-ММ-ДД (<input type=date>) or ДД.ММ.ГГГГ (typed);
			 web_str gives it as ГГГГ-ММ-ДД, years 2000–2100 */
	WEB_TIME,     /* ЧЧ:ММ, 00:00–23:59 (<input type=time>) */
	WEB_DATETIME, /* ГГГГ-ММ-ДД ЧЧ:ММ or ГГГГ-ММ-ДДTЧЧ:ММ:ССZ, a real date and time (UTC) */
	WEB_ENUM,     /* exactly one of .values */
	WEB_FLAG,     /* a checkbox: "", "1" or "on"; web_flag tells whether it was sent */
	WEB_FILE,     /* the uploaded file (multipart); the route then may receive one */
};

/* One key a route takes: { "page", WEB_INT, "номер страницы", .min = 1, .max = 1000 }. */
struct web_key {
	const char *name;
	enum web_type type;
	const char *title;          /* the field in the user's words, for the 400 message */
	int64_t min, max;           /* WEB_INT: the range; WEB_TEXT: max characters */
	int64_t dflt;               /* WEB_INT: the value when not given */
	const char *const *values;  /* WEB_ENUM, WEB_INT words: NULL-terminated */
	bool many;                  /* may repeat (the grid's cells, read from r->form in
				       order); any other key given twice is refused */
	bool prefix;                /* name is a prefix: every key starting with it, same type */
};

struct web_route {
	const char *method;     /* "GET" or "POST" */
	const char *pattern;    /* "/schools/{login}": {name} typed by name (route.c) */
	web_handler fn;
	unsigned roles;         /* WEB_PUBLIC or role bits */
	bool csrf;              /* state-changing: the form must carry the session's token */
	const struct web_key *keys; /* the form/query keys it takes, ended by { NULL };
				       others → 400 */
};

/* The route table (route.c). */
extern const struct web_route web_routes[];

/* What the server may read of a POST's body, decided before reading it: nothing for an
 * unknown route or a caller the route does not admit (the answer is given at once), form
 * fields only, or fields and one file for routes that declare a "file" key. */
enum web_body { WEB_BODY_REFUSE, WEB_BODY_FORM, WEB_BODY_FILE };
enum web_body web_body_policy(struct web_req *r);

/* Runs the request through the table: finds the route (404), authenticates, checks the
 * role (403, or a redirect to the login page for pages), the CSRF token (403) and the
 * keys (400), then calls the handler. */
void web_dispatch(struct web_req *r, struct web_res *w);

/* The parsed value of a declared key or path parameter of the request's route: its text
 * (NULL when not given; "" when sent empty), its number (WEB_INT, WEB_DATETIME as unix
 * seconds; the declared default when not given, empty or a word), whether it was sent
 * (WEB_FLAG). Asking for a key the route does not declare is a bug: logged, NULL/0. */
const char *web_str(const struct web_req *r, const char *name);
int64_t web_int(const struct web_req *r, const char *name);
bool web_flag(const struct web_req *r, const char *name);
/* Raw text of a query or form field, or NULL (the dispatcher's own checks; handlers read
 * the parsed values above). */
const char *web_query(const struct web_req *r, const char *key);
const char *web_form(const struct web_req *r, const char *key);
/* Why the request's file cannot be read, or NULL when it has bytes: big when it is over the
 * limit, «Файл «x.xlsx» пуст…» when the chosen file is empty, else choose (the page's «Выберите
 * файл …»). Answer with 413 when r->upload.too_large, else 400. */
const char *web_upload_refusal(const struct web_req *r, const char *choose, const char *big);
/* The value parsers behind the dispatcher (0 or ERR_PARSE when malformed, ERR_LIMIT when
 * out of range; exported for tests). web_parse_date writes ГГГГ-ММ-ДД into out. */
int web_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
int web_parse_date(const char *s, char out[11]);
int web_parse_time(const char *s);
int web_parse_datetime(const char *s, int64_t *out);
/* Checks v against k; 0, or 400 with msg (Russian, naming k->title) filled. */
int web_check_value(const struct web_key *k, const char *v, char *msg, size_t msglen);
/* The type of a path parameter {name}, or NULL when none is declared. */
const struct web_key *web_path_key(const char *name, size_t len);
/* HTTP status for an ERR_* code. */
int web_status_of(int err);
/* Sets w to a redirect (303) to a local path. */
void web_redirect(struct web_res *w, const char *path);
/* An error page in Russian with the status set. */
void web_error_page(struct web_req *r, struct web_res *w, int status, const char *text);
/* Serves an embedded static asset by name (under /static/); 404 when unknown. */
int web_static(struct web_req *r, struct web_res *w);

/* Login throttling (throttle.c): a growing delay per account after a few failures, and per
 * client address only far above normal use. Records a failure of login from ip; tells how
 * many seconds an attempt must still wait (0 = go ahead); forgets an account's failures
 * after it logged in. */
void web_throttle_fail(const char *ip, const char *login, int64_t now);
int web_throttle_wait(const char *ip, const char *login, int64_t now);
void web_throttle_reset(const char *login, int64_t now);

/* ---- client addresses behind trusted reverse proxies (proxy.c) ---- */

/* An IPv4 or IPv6 address; an IPv4-mapped IPv6 address is kept as IPv4. */
struct web_addr {
	int family;          /* AF_INET or AF_INET6; 0 when unknown */
	unsigned char a[16]; /* 4 or 16 bytes, network order */
};

#define WEB_MAX_PROXIES 16
/* The proxies of `serve --trusted-proxy`: addresses or networks (ADDR/BITS). */
struct web_proxies {
	struct web_addr net[WEB_MAX_PROXIES];
	int bits[WEB_MAX_PROXIES];
	int n;
};

/* Parses n bytes of "1.2.3.4", "2001:db8::1", "[2001:db8::1]" or either with ":port"
 * (white space around is ignored); ERR_INVALID for anything else. */
int web_addr_parse(const char *s, size_t n, struct web_addr *out);
/* The address of a struct sockaddr (IPv4 or IPv6); ERR_INVALID for other families. */
int web_addr_from_sockaddr(const void *sockaddr, struct web_addr *out);
/* The address as text ("?" when unknown). */
void web_addr_str(const struct web_addr *a, char *out, size_t n);
/* Parses "ADDR[/BITS][,ADDR[/BITS]…]"; ERR_INVALID or ERR_LIMIT with a Russian msg. */
int web_proxies_parse(const char *list, struct web_proxies *p, char *msg, size_t msglen);
/* True when a is one of the trusted proxies (p may be NULL: none). */
bool web_proxies_trust(const struct web_proxies *p, const struct web_addr *a);
/* The client of a request from peer carrying the X-Forwarded-For values xff[0..nxff) in
 * the order received: the peer itself unless it is a trusted proxy; else, reading the
 * values right to left, the first address that is not a trusted proxy. An entry that is
 * not an address stops the walk at the proxy that passed it on. */
void web_client_addr(const struct web_proxies *p, const struct web_addr *peer, const char *const *xff,
		     int nxff, struct web_addr *client);

/* ---- HTML (html.c): escaped by default; raw output only through html_raw ---- */

void html_text(struct buf *b, const char *s);  /* element content */
void html_attr(struct buf *b, const char *s);  /* attribute value (inside quotes) */
void html_url(struct buf *b, const char *s);   /* a URL component, percent-encoded */
void html_raw(struct buf *b, const char *s);   /* trusted markup: the only raw path */
void html_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* printf whose %s arguments are escaped as element text; numbers as they are. */
void html_textf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The page around a handler's content: head, navigation for the user's role, footer. */
void html_begin(struct web_req *r, struct web_res *w, const char *title);
void html_end(struct web_req *r, struct web_res *w);
/* A hidden input with the session's CSRF token, for every state-changing form. */
void html_csrf(struct web_req *r, struct buf *b);
/* Pagination links for a list of total items, page size per, current page (1-based);
 * base is the path with its query minus "page". */
void html_pager(struct buf *b, const char *base, long total, long per, long page);
/* A number with thin-space thousands ("26 595"). */
void html_int(struct buf *b, long v);
/* Numbers in the one Russian format of base/ru.h (escaped): ru_num's decimal comma, a share
 * 0..1 as ru_pct's «48,5 %», ru_p's «p < 0,001»; html_count writes «12 работ» (the number,
 * a no-break space, str_plural's form). web/html.c. */
void html_num(struct buf *b, double v, int dec);
void html_pct(struct buf *b, double share, int dec);
void html_p(struct buf *b, double p);
void html_count(struct buf *b, long n, const char *one, const char *few, const char *many);
/* The problems an importer found in a file, one item each: «строка 3, столбец 1 «school»,
 * значение «x»: message» (the parts it has), then how many more were dropped. Nothing for
 * an empty list. */
struct diag_list;
void web_diag_list(struct buf *b, const struct diag_list *dl);
/* A procedure code as people name it, with its year: «ВПР, математика, 4 класс, 2021» (the
 * code itself when the database does not know it or oko does not name its kind); the code
 * belongs in a tooltip (title="VPR-2021-MA-4") or an export column. web/html.c. */
void web_procedure_name(struct db *d, const char *code, char *out, size_t n);
/* Today's date 'YYYY-MM-DD' in the region's time zone (plan_now's clock): what is due or
 * overdue, and the default date of a form. web/html.c. */
void web_today(char out[11]);
/* A row of an upload history table (model/upload_list.h): when, file, who, procedure,
 * the school when with_school, rows, replaced (pages/schools.c; the home page too). */
struct upload_list_row;
void web_upload_row(struct buf *b, const struct upload_list_row *x, bool with_school);

/* ---- per-thread cache of rendered fragments (cache.c) ---- */

/* The text stored under key for the database's current version, or NULL. */
const char *web_cache_get(struct web_req *r, const char *key);
void web_cache_put(struct web_req *r, const char *key, const char *text);
/* Frees this thread's cache (at the end of a worker thread). */
void web_cache_free(void);
/* The same for fragments with forms: web_cache_keep stores text with the session's CSRF
 * token masked (nothing when the request has none); web_cache_out appends the text kept
 * under key with the reader's token put back, false when there is none. */
bool web_cache_out(struct web_req *r, const char *key, struct buf *b);
void web_cache_keep(struct web_req *r, const char *key, const char *text);

/* ---- finished downloads shared by the worker threads (rcache.c; issue 21) ---- */

/* Runs the route's handler, or answers from memory when the route is a download kept by
 * rcache.c and its key (route, parsed values, role and scope, minute, database epoch) was
 * answered before; one generation at a time per key. */
int web_rcache_run(const struct web_route *rt, struct web_req *r, struct web_res *w);
/* Parked requests (server.c): a kept answer not yet made is made on a maker thread while
 * the worker thread serves its other connections. web_park parks the request's connection
 * (only from its dispatch, on its worker thread): false when the server cannot (in-process,
 * stopping, already on a maker), and the caller does the work itself. web_park_make then
 * runs fn(r, w, arg) on a maker thread, with that thread's database connection in r->db,
 * and answers the request with what it made (fn returns as a handler does: an error
 * becomes its page, web_answer_error). web_park_again wakes a request parked to wait for
 * another's answer: its dispatch runs again on its worker. */
typedef int (*web_make_fn)(struct web_req *r, struct web_res *w, void *arg);
bool web_park(struct web_req *r);
void web_park_make(struct web_req *r, web_make_fn fn, void *arg);
void web_park_again(struct web_req *r);
/* Runs task(arg) on a maker thread (web_db() there is the maker's connection); with
 * web_park_answer, a parked request whose answer is in its web_res already is sent it. */
void web_park_task(void (*task)(void *arg), void *arg);
void web_park_answer(struct web_req *r);
/* The page of a handler's error rc (nothing when rc is 0): 404, 403, 500… (route.c). */
void web_answer_error(struct web_req *r, struct web_res *w, int rc);
/* The epoch answers are kept under: the database's content version (db_content_version)
 * as this connection sees it; 0 when there is none (nothing is kept). */
uint64_t web_rcache_epoch(struct db *d);
/* Frees every answer kept (at the server's end). */
void web_rcache_free(void);

/* ---- the server (server.c) ---- */

struct web_config {
	const char *db_path;
	const char *listen;  /* "127.0.0.1:8080" */
	unsigned threads;    /* worker threads; 0 = number of cores */
	bool quiet;          /* no access log */
	bool secure_cookies; /* always mark cookies Secure (behind a TLS proxy) */
	unsigned upload_wait; /* seconds an upload waits in line for the write lock */
	size_t upload_memory; /* bytes of uploads held at once (0 = WEB_UPLOAD_MEMORY); past
				 it a request with a file gets 503 «сервер занят» */
	struct web_proxies proxies; /* --trusted-proxy: whose X-Forwarded-* headers count */
};

/* Serves until SIGTERM/SIGINT, then stops accepting, lets requests in flight finish
 * (up to 10 s) and returns. */
int web_serve(const struct web_config *cfg);
/* The server without web_serve's signal handling, for running it in-process: returns the
 * struct MHD_Daemon * (void * here: this header does not include microhttpd.h), or NULL
 * with the reason logged. With cfg->listen NULL it listens nowhere and runs no thread:
 * connections come from MHD_add_connection() and the caller drives them with MHD_run()
 * (the HTTP fuzz target). cfg must outlive the server. */
void *web_server_start(const struct web_config *cfg);
void web_server_stop(void *daemon);
/* The per-thread database connection of a worker (opened on first use). */
struct db *web_db(void);
/* Closes this thread's connection and its cache of fragments (the next web_db() opens the
 * database again: the fuzz target puts a fresh copy in place between inputs). */
void web_db_release(void);
/* Seconds a state-changing import waits in line for the write lock (web_config). */
int web_upload_wait(void);

/* Pages and API handlers (the files under pages/ and api/). */
int page_login(struct web_req *r, struct web_res *w);
int page_login_post(struct web_req *r, struct web_res *w);
int page_logout(struct web_req *r, struct web_res *w);
int page_home(struct web_req *r, struct web_res *w);
int page_schools(struct web_req *r, struct web_res *w);
/* <datalist id="id"> of the schools the scope sees, by name: each a login (the value) with
 * its name and municipality, for an input that takes a school's login
 * (list="id"): the user types a name and gets the login. */
void web_school_datalist(struct web_req *r, struct buf *b, const struct scope *sc, const char *id);
int page_school(struct web_req *r, struct web_res *w);
int page_school_aliases(struct web_req *r, struct web_res *w);
int page_school_aliases_post(struct web_req *r, struct web_res *w);
int page_upload(struct web_req *r, struct web_res *w);
int page_upload_post(struct web_req *r, struct web_res *w);
int page_upload_confirm(struct web_req *r, struct web_res *w);
int page_audit(struct web_req *r, struct web_res *w);
int page_users(struct web_req *r, struct web_res *w);
int page_users_post(struct web_req *r, struct web_res *w);
int page_users_token_revoke(struct web_req *r, struct web_res *w);
/* issue 18, users / audit / registry / favicon (pages/admin.c, schools.c, favicon.c) */
int page_user_edit(struct web_req *r, struct web_res *w);
int page_user_edit_post(struct web_req *r, struct web_res *w);
int page_user_block(struct web_req *r, struct web_res *w);
int page_user_password(struct web_req *r, struct web_res *w);
int page_user_delete(struct web_req *r, struct web_res *w);
int page_schools_export(struct web_req *r, struct web_res *w);
int page_school_new(struct web_req *r, struct web_res *w);
int page_school_new_post(struct web_req *r, struct web_res *w);
int page_school_edit(struct web_req *r, struct web_res *w);
int page_school_edit_post(struct web_req *r, struct web_res *w);
int page_municipalities(struct web_req *r, struct web_res *w);
int page_municipalities_post(struct web_req *r, struct web_res *w);
int page_favicon(struct web_req *r, struct web_res *w);
int page_reports(struct web_req *r, struct web_res *w);
int page_report(struct web_req *r, struct web_res *w);
int page_report_xlsx(struct web_req *r, struct web_res *w);
/* A procedure's ФИС ОКО reports as a PDF (pages/reports.c). */
int page_report_pdf(struct web_req *r, struct web_res *w);
int page_risk(struct web_req *r, struct web_res *w);
int page_evidence(struct web_req *r, struct web_res *w);
/* The risk list as CSV or XLSX; the evidence card as a PDF (pages/risk.c). */
int page_risk_export(struct web_req *r, struct web_res *w);
int page_evidence_pdf(struct web_req *r, struct web_res *w);
/* The risk list as a PDF (pages/risk.c). */
int page_risk_pdf(struct web_req *r, struct web_res *w);
int page_pupils(struct web_req *r, struct web_res *w);
int page_pupils_add(struct web_req *r, struct web_res *w);
int page_pupils_import(struct web_req *r, struct web_res *w);
int page_pupils_codes(struct web_req *r, struct web_res *w);
int page_pupils_delete(struct web_req *r, struct web_res *w);
int page_pupils_slips(struct web_req *r, struct web_res *w);
int page_pupils_protocol(struct web_req *r, struct web_res *w);
/* Teachers in the risk zone (pages/teachers.c). */
int page_teachers(struct web_req *r, struct web_res *w);
int page_teachers_assign(struct web_req *r, struct web_res *w);
int page_teachers_import(struct web_req *r, struct web_res *w);
/* The medalists' non-confirmation index (pages/medalists.c): the page, its table as CSV or
 * XLSX, the list's and the thresholds' uploads, the thresholds back to the defaults; the
 * block «Медалисты» of a school's card and evidence card (nothing when it has none). */
int page_medalists(struct web_req *r, struct web_res *w);
int page_medalists_export(struct web_req *r, struct web_res *w);
int page_medalists_import(struct web_req *r, struct web_res *w);
int page_medalists_thresholds(struct web_req *r, struct web_res *w);
int page_medalists_thresholds_reset(struct web_req *r, struct web_res *w);
int page_medalists_threshold_row(struct web_req *r, struct web_res *w);
void web_medalists_card(struct web_req *r, struct buf *b, int64_t school_id, const char *login);
/* The block's figures (also for the evidence card's PDF); false when it has none. */
struct risk_card_medal;
bool web_medalists_card_data(struct web_req *r, int64_t school_id, struct risk_card_medal *m);
/* The evidence card's teachers block: counts of the run's assessed and listed teachers;
 * the counts alone for the card's PDF (0 assessed: no block). */
void web_teachers_card(struct web_req *r, struct buf *b, int64_t run_id, int64_t school_id);
void web_teachers_card_counts(struct web_req *r, int64_t run_id, int64_t school_id, long *teachers, long *listed);
/* An evidence card's paragraph of report/card_words.h, escaped, its bold part in <strong>
 * (pages/risk.c). */
struct card_text;
void web_card_text(struct buf *b, const struct card_text *t);
int page_grid_list(struct web_req *r, struct web_res *w);
int page_grid(struct web_req *r, struct web_res *w);
int page_grid_post(struct web_req *r, struct web_res *w);
int page_grid_form(struct web_req *r, struct web_res *w);
/* Procedures created and edited, KIM descriptions imported (pages/procedures.c). */
int page_procedures(struct web_req *r, struct web_res *w);
int page_procedure(struct web_req *r, struct web_res *w);
int page_procedures_create(struct web_req *r, struct web_res *w);
int page_procedure_update(struct web_req *r, struct web_res *w);
int page_procedures_kim(struct web_req *r, struct web_res *w);
/* The analysis run started from the browser and its progress (pages/analysis.c). */
int page_analysis(struct web_req *r, struct web_res *w);
int page_analysis_start(struct web_req *r, struct web_res *w);
int page_materials(struct web_req *r, struct web_res *w);
int page_materials_add(struct web_req *r, struct web_res *w);
int page_materials_schedule(struct web_req *r, struct web_res *w);
int page_materials_get(struct web_req *r, struct web_res *w);
int page_plan(struct web_req *r, struct web_res *w);
int page_plan_create(struct web_req *r, struct web_res *w);
int page_plan_procedure(struct web_req *r, struct web_res *w);
int page_plan_assign(struct web_req *r, struct web_res *w);
int page_plan_unassign(struct web_req *r, struct web_res *w);
int page_plan_coordinator(struct web_req *r, struct web_res *w);
int page_plan_date(struct web_req *r, struct web_res *w);
int page_plan_pdf(struct web_req *r, struct web_res *w);
int page_monitoring(struct web_req *r, struct web_res *w);
/* The home page's upload-monitoring section (pages/monitoring.c): figures that do not
 * depend on the clock, so the home page may cache them per database version. */
void web_monitoring_home(struct web_req *r, struct buf *b);
/* Observers (pages/observers.c: the coordinator's pages; pages/observers_act.c: the
 * observer's acts, the school's sittings and video). */
int page_observers(struct web_req *r, struct web_res *w);
int page_observers_set(struct web_req *r, struct web_res *w);
int page_observers_sitting(struct web_req *r, struct web_res *w);
int page_observers_assign(struct web_req *r, struct web_res *w);
int page_observers_reveal(struct web_req *r, struct web_res *w);
int page_observers_import(struct web_req *r, struct web_res *w);
int page_observers_link(struct web_req *r, struct web_res *w);
int page_observers_schedule(struct web_req *r, struct web_res *w);
int page_observers_acts(struct web_req *r, struct web_res *w);
int page_observers_coverage(struct web_req *r, struct web_res *w);
int page_violations(struct web_req *r, struct web_res *w);
int page_violations_post(struct web_req *r, struct web_res *w);
int page_observers_school(struct web_req *r, struct web_res *w);
int page_video_post(struct web_req *r, struct web_res *w);
/* Re-checks (pages/recheck.c: rounds, sampling, assignment, experts, results; pages/scans.c:
 * the school's scans; pages/expert.c: the expert's queue and scoring page). */
int page_recheck(struct web_req *r, struct web_res *w);
int page_recheck_sample(struct web_req *r, struct web_res *w);
int page_recheck_settings(struct web_req *r, struct web_res *w);
int page_recheck_experts_import(struct web_req *r, struct web_res *w);
int page_recheck_experts_link(struct web_req *r, struct web_res *w);
int page_recheck_round(struct web_req *r, struct web_res *w);
int page_recheck_assign(struct web_req *r, struct web_res *w);
int page_recheck_download(struct web_req *r, struct web_res *w);
int page_scans(struct web_req *r, struct web_res *w);
int page_scans_post(struct web_req *r, struct web_res *w);
int page_scans_split(struct web_req *r, struct web_res *w);
int page_scan_get(struct web_req *r, struct web_res *w);
int page_expert(struct web_req *r, struct web_res *w);
int page_expert_task(struct web_req *r, struct web_res *w);
int page_expert_save(struct web_req *r, struct web_res *w);
int page_expert_scan(struct web_req *r, struct web_res *w);
/* Home page parts: the expert's queue; a school's works waiting for scans; the risk card's
 * re-check section (first on the card) and the risk list's verdict mark. */
void web_expert_home(struct web_req *r, struct buf *b);
void web_scans_school_home(struct web_req *r, struct buf *b);
void web_recheck_card(struct web_req *r, struct buf *b, int64_t run_id, int64_t school_id);
/* The school's works of a procedure whose scores its re-check changed (the section's table,
 * also for the card's PDF): the first CARD_RECHECK_WORKS_MAX in *out (free()), all counted
 * in *changed. */
struct risk_card_work;
int web_recheck_card_works(struct web_req *r, int64_t school_id, int64_t procedure_id, const char *code,
			   struct risk_card_work **out, size_t *n, long *changed);
/* Observed against unobserved results (pages/observed.c). */
int page_observers_control(struct web_req *r, struct web_res *w);
int page_act_new(struct web_req *r, struct web_res *w);
int page_act_post(struct web_req *r, struct web_res *w);
int page_act(struct web_req *r, struct web_res *w);
int page_act_pdf(struct web_req *r, struct web_res *w);
/* Home page parts: the observer's assignments; a school's sittings with their observers;
 * a coordinator's coverage tile of the latest campaign (data only: cacheable). */
void web_observers_mine(struct web_req *r, struct buf *b);
void web_observers_school_home(struct web_req *r, struct buf *b);
void web_observers_tile(struct web_req *r, struct buf *b);
/* A procedure as people name it: «ВПР, математика, 4 класс» (from its code's kind, the
 * subject code and the grade). */
void web_procedure_title(struct buf *b, const char *code, const char *subject, int grade);
/* A date "YYYY-MM-DD" as «14.04.2021» (escaped; "" stays ""). */
void web_date_ru(struct buf *b, const char *iso);
/* A UTC moment "YYYY-MM-DDTHH:MM:SSZ" as «14.04.2021 09:30» in the region's time (escaped;
 * web/html.c, like web_date_ru). */
void web_moment_ru(struct buf *b, const char *iso);
/* Plans of measures (pages/measures.c; docs/measures.md): the plans, a plan with its
 * blocks and measures, a measure with its status notes and evidence files, addressed help
 * from the latest analysis, import and export of a plan's table. */
int page_measures(struct web_req *r, struct web_res *w);
int page_measures_create(struct web_req *r, struct web_res *w);
int page_mplan(struct web_req *r, struct web_res *w);
int page_mplan_update(struct web_req *r, struct web_res *w);
int page_mplan_delete(struct web_req *r, struct web_res *w);
int page_mplan_block(struct web_req *r, struct web_res *w);
int page_mplan_measure_add(struct web_req *r, struct web_res *w);
int page_mplan_help(struct web_req *r, struct web_res *w);
int page_mplan_import(struct web_req *r, struct web_res *w);
int page_mplan_xlsx(struct web_req *r, struct web_res *w);
int page_measure(struct web_req *r, struct web_res *w);
int page_measure_update(struct web_req *r, struct web_res *w);
int page_measure_delete(struct web_req *r, struct web_res *w);
int page_measure_move(struct web_req *r, struct web_res *w);
int page_measure_report(struct web_req *r, struct web_res *w);
int page_measure_file(struct web_req *r, struct web_res *w);
/* Home page part: the overdue measures the user sees (not cached: depends on the day). */
void web_measures_home(struct web_req *r, struct buf *b);
/* Official documents (pages/documents.c): the form and the file (DOCX or PDF). */
int page_documents(struct web_req *r, struct web_res *w);
int page_documents_file(struct web_req *r, struct web_res *w);
/* The installation's settings (pages/settings.c): the region's time zone. */
int page_settings(struct web_req *r, struct web_res *w);
int page_settings_post(struct web_req *r, struct web_res *w);
int page_settings_retention(struct web_req *r, struct web_res *w);
int api_schools(struct web_req *r, struct web_res *w);
int api_me(struct web_req *r, struct web_res *w);
int api_procedures(struct web_req *r, struct web_res *w);
int api_results(struct web_req *r, struct web_res *w);
int api_uploads(struct web_req *r, struct web_res *w);
int api_risk(struct web_req *r, struct web_res *w);
int api_signs(struct web_req *r, struct web_res *w);

#endif
