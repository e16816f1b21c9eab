/* server: libmicrohttpd underneath the web application.
 *
 * A thread pool (one thread per core, epoll) accepts connections; each request gets an
 * arena, its query and form fields (urlencoded or multipart through MHD's own post
 * processor), an uploaded file kept in memory with a hard cap, and this thread's database
 * connection. web_dispatch() does the rest. SIGTERM or SIGINT stops accepting, waits for
 * the requests in flight (at most 10 s) and stops.
 *
 * Uploads never touch the disk: a file left in a shared /tmp by a crash would keep pupils'
 * names in clear. Each is capped (WEB_MAX_UPLOAD), and the bytes of all uploads in flight
 * together are capped too (web_config.upload_memory): a request whose file would pass that
 * gets 503 «сервер занят» with Retry-After, never an out-of-memory stop.
 *
 * Slow clients: libmicrohttpd's timeout counts only silence, so a client sending a byte a
 * second held a connection forever. A watchdog thread bounds the time to the end of the
 * headers and the rate of a body (see "connection watch" below), and one address may hold
 * at most a quarter of the connections — except a declared proxy, behind which a whole
 * region may sit. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "model/setting.h"
#include "web/metrics.h"
#include "web/web.h"

struct field {
	char *key;
	struct buf value;
};

struct watch;

struct conn {
	struct arena arena;
	struct watch *watch;     /* the connection's (socket context), for its phase */
	struct web_req req;
	struct web_res res;
	struct MHD_PostProcessor *pp;
	struct field *fields;    /* the form fields, grown as they arrive (most requests have
				    none: a request's memory is small, never WEB_MAX_FORM_FIELDS) */
	int nfields;
	size_t fields_cap;
	bool files_allowed;      /* the route takes a file (web_body_policy) */
	bool other_file;         /* a second file part is being skipped */
	uint64_t body_bytes;     /* bytes of body received, for the hard stop */
	size_t form_bytes;
	char *file;              /* the uploaded file's bytes (req.upload.data) */
	size_t file_cap;         /* bytes allocated for them */
	size_t reserved;         /* bytes of the upload budget this request holds */
	bool busy;               /* the upload budget was exhausted: 503 */
	bool begun;              /* the handler has seen this request's headers */
	bool urlencoded;         /* the body is application/x-www-form-urlencoded */
	int pct;                 /* bytes of "%00" just seen in an urlencoded body */
	bool made;               /* parked, and its answer was made by a maker thread */
	bool again;              /* parked, and its dispatch is to run again (web_park_again) */
	struct timespec t0;
};

static const struct web_config *config;
static pthread_key_t db_key;
static atomic_int in_flight;

/* ---- connection watch: the deadlines libmicrohttpd 0.9.75 does not have ---- */

#define CONN_LIMIT 1024          /* connections at once */
#define CONN_PER_ADDRESS 256     /* of them from one address (IPv6: one /64), proxies aside */
#define WATCH_HEADERS_MS 15000   /* accept (or the previous answer) to the end of the headers */
#define WATCH_BODY_GRACE_MS 10000 /* a body may start slowly … */
#define WATCH_BODY_RATE 2048     /* … then must average this many bytes a second */
#define WATCH_PERIOD_MS 500      /* how often the watchdog looks */

/* What a connection is waiting for: the client's headers, the client's body, or us (a
 * handler at work, an answer being sent — MHD's idle timeout covers a client that does
 * not read it). */
enum phase { PHASE_HEADERS, PHASE_BODY, PHASE_SERVER };

/* One per connection, from MHD's "started" notification to its "closed" one, in a list
 * under watch_mu. The watchdog shuts an overdue connection's socket down (under the
 * mutex); MHD then sees it closed and closes it in its own thread. The descriptor stays
 * valid while the watch is listed: MHD calls the "closed" notification, which unlists it
 * under the same mutex, before it closes the socket (MHD_cleanup_connections). */
struct watch {
	struct watch *prev, *next;
	int fd;
	struct web_addr key;  /* the peer, IPv6 cut to its /64: the per-address count */
	bool proxy;           /* the peer is a declared proxy: no per-address limit */
	bool cut;             /* shut down by the watchdog */
	enum phase phase;     /* under watch_mu */
	int64_t since;        /* when the phase began (ms, monotonic); under watch_mu */
	atomic_uint_fast64_t body; /* bytes of body received in PHASE_BODY */
	char ip[INET6_ADDRSTRLEN];
};

static pthread_mutex_t watch_mu = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watch_list;
static atomic_bool watch_stop;
static _Atomic int64_t refused_logged; /* when a refused connection was last logged (ms) */

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The per-address key: IPv4 as it is, IPv6 cut to /64 (one subscriber's network). */
static struct web_addr addr_key(const struct web_addr *a)
{
	struct web_addr k = *a;
	if (k.family == AF_INET6)
		memset(k.a + 8, 0, 8);
	return k;
}

static void watch_phase(struct watch *w, enum phase p)
{
	if (!w)
		return;
	pthread_mutex_lock(&watch_mu);
	w->phase = p;
	w->since = now_ms();
	atomic_store(&w->body, 0);
	pthread_mutex_unlock(&watch_mu);
}

static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct watch *w = xcalloc(1, sizeof *w);
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		struct web_addr a;
		if (!ci || web_addr_from_sockaddr(ci->client_addr, &a))
			memset(&a, 0, sizeof a);
		w->fd = fd ? fd->connect_fd : -1;
		w->key = addr_key(&a);
		w->proxy = web_proxies_trust(&config->proxies, &a);
		web_addr_str(&a, w->ip, sizeof w->ip);
		w->phase = PHASE_HEADERS;
		w->since = now_ms();
		pthread_mutex_lock(&watch_mu);
		w->next = watch_list;
		if (watch_list)
			watch_list->prev = w;
		watch_list = w;
		pthread_mutex_unlock(&watch_mu);
		*socket_context = w;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct watch *w = *socket_context;
		pthread_mutex_lock(&watch_mu);
		if (w->prev)
			w->prev->next = w->next;
		else
			watch_list = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&watch_mu);
		free(w);
		*socket_context = NULL;
	}
}

/* MHD's accept policy: an address that holds CONN_PER_ADDRESS connections gets no more,
 * so that it cannot take them all; a declared proxy carries many clients and is exempt.
 * (The count may overshoot by the few connections being accepted at the same moment.) */
static enum MHD_Result admit(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct web_addr a;
	if (web_addr_from_sockaddr(sa, &a) || web_proxies_trust(&config->proxies, &a))
		return MHD_YES;
	struct web_addr k = addr_key(&a);
	int n = 0;
	pthread_mutex_lock(&watch_mu);
	for (struct watch *w = watch_list; w && n < CONN_PER_ADDRESS; w = w->next)
		n += !w->proxy && w->key.family == k.family && !memcmp(w->key.a, k.a, sizeof k.a);
	pthread_mutex_unlock(&watch_mu);
	if (n < CONN_PER_ADDRESS)
		return MHD_YES;
	int64_t now = now_ms(), last = atomic_load(&refused_logged);
	if (now - last > 10000 && atomic_compare_exchange_strong(&refused_logged, &last, now)) {
		char ip[INET6_ADDRSTRLEN];
		web_addr_str(&a, ip, sizeof ip);
		log_warn("%s: уже %d соединений с этого адреса, новые не принимаются", ip, CONN_PER_ADDRESS);
	}
	return MHD_NO;
}

/* Shuts down the socket of every connection overdue for its phase. Time when the server
 * had the client's bytes unread in the socket (a worker busy with another request) is not
 * held against the client: the phase's clock is moved on by it. */
static void *watchdog(void *arg)
{
	while (!atomic_load(&watch_stop)) {
		struct timespec ts = { 0, WATCH_PERIOD_MS * 1000000L };
		nanosleep(&ts, NULL);
		int64_t now = now_ms();
		pthread_mutex_lock(&watch_mu);
		for (struct watch *w = watch_list; w; w = w->next) {
			if (w->cut || w->phase == PHASE_SERVER || w->fd < 0)
				continue;
			int pending = 0;
			if (ioctl(w->fd, FIONREAD, &pending) == 0 && pending > 0) {
				w->since += WATCH_PERIOD_MS;
				continue;
			}
			int64_t age = now - w->since;
			uint64_t body = atomic_load(&w->body);
			const char *why = NULL;
			if (w->phase == PHASE_HEADERS && age > WATCH_HEADERS_MS)
				why = "заголовки запроса не получены за 15 с";
			else if (w->phase == PHASE_BODY && age > WATCH_BODY_GRACE_MS &&
				 body * 1000 < (uint64_t)age * WATCH_BODY_RATE)
				why = "тело запроса идёт медленнее 2 КБ/с";
			if (why) {
				shutdown(w->fd, SHUT_RDWR);
				w->cut = true;
				log_warn("%s: медленный клиент, соединение закрыто: %s", w->ip, why);
			}
		}
		pthread_mutex_unlock(&watch_mu);
	}
	return NULL;
}

/* ---- uploads in memory ---- */

static atomic_size_t upload_held; /* bytes of the upload budget held by requests */

static size_t upload_budget(void)
{
	return config->upload_memory ? config->upload_memory : WEB_UPLOAD_MEMORY;
}

/* Takes n more bytes of the upload budget for c; false when they are not there. */
static bool upload_reserve(struct conn *c, size_t n)
{
	size_t cur = atomic_load(&upload_held);
	do {
		if (n > upload_budget() || cur > upload_budget() - n)
			return false;
	} while (!atomic_compare_exchange_weak(&upload_held, &cur, cur + n));
	c->reserved += n;
	return true;
}

/* Gives back c's share of the budget and frees the file. */
static void upload_release(struct conn *c)
{
	atomic_fetch_sub(&upload_held, c->reserved);
	c->reserved = 0;
	free(c->file);
	c->file = NULL;
	c->file_cap = 0;
	c->req.upload.data = NULL;
}

/* Appends size bytes of the file to memory, within the per-file cap and the budget (a
 * request that declared its length reserved it already; a chunked one reserves as it
 * grows). False when the budget is exhausted. */
static bool upload_append(struct conn *c, const char *data, size_t size)
{
	struct web_upload *u = &c->req.upload;
	size_t need = u->size + size;
	if (need > c->file_cap) {
		size_t cap = c->file_cap ? c->file_cap : 64 * 1024;
		while (cap < need)
			cap *= 2;
		if (cap > WEB_MAX_UPLOAD)
			cap = WEB_MAX_UPLOAD;
		if (cap > c->reserved && !upload_reserve(c, cap - c->reserved))
			return false;
		c->file = xrealloc(c->file, cap);
		c->file_cap = cap;
	}
	memcpy(c->file + u->size, data, size);
	u->size = need;
	u->data = c->file;
	return true;
}

/* A worker thread ends: its cache and its connection go with it. */
static void close_db(void *p)
{
	web_cache_free();
	db_close(p);
}

struct db *web_db(void)
{
	struct db *d = pthread_getspecific(db_key);
	if (!d && db_open(&d, config->db_path, 0) == 0)
		pthread_setspecific(db_key, d);
	return d;
}

int web_upload_wait(void)
{
	return config && config->upload_wait ? (int)config->upload_wait : 60;
}

/* Text a handler may take as a C string: no NUL inside (it would cut the text short —
 * «a\0b» would be «a») and well-formed UTF-8. */
static bool good_text(const char *s, size_t n)
{
	return !memchr(s, '\0', n) && utf8_valid(s, n);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				   const char *value, size_t value_size)
{
	struct conn *c = cls;
	struct web_req *r = &c->req;
	if (r->nquery >= WEB_MAX_FIELDS) {
		r->form_overflow = true;
		return MHD_NO;
	}
	if (!good_text(key, key_size) || (value && !good_text(value, value_size)))
		r->bad_text = true;
	r->query[r->nquery].key = arena_strdup(&c->arena, key);
	r->query[r->nquery++].value = arena_strdup(&c->arena, value ? value : "");
	return MHD_YES;
}

/* An urlencoded body's raw bytes: "%00" anywhere (in a key too, which the post processor
 * hands over as a C string, cut at the NUL) makes the request bad. */
static void scan_urlencoded(struct conn *c, const char *p, size_t n)
{
	for (size_t i = 0; i < n && !c->req.bad_text; i++) {
		if (p[i] == '%')
			c->pct = 1;
		else if (c->pct && p[i] == '0')
			c->pct++;
		else
			c->pct = 0;
		if (c->pct == 3)
			c->req.bad_text = true;
	}
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *filename, const char *content_type,
				 const char *transfer_encoding, const char *data, uint64_t off,
				 size_t size)
{
	struct conn *c = cls;
	struct web_req *r = &c->req;
	if (!key) {
		/* A multipart part without a name (MHD passes NULL): no route declares it. It
		 * used to reach strcmp() and crash the server (found by fuzz_http). */
		r->form_overflow = true;
		return MHD_YES;
	}
	if (filename) {
		struct web_upload *u = &r->upload;
		if (!c->files_allowed)
			return MHD_YES; /* this route takes no file: nothing is kept */
		if (off == 0 && u->field)
			c->other_file = true; /* one file per request: further ones are skipped */
		if (c->other_file || u->too_large || c->busy)
			return MHD_YES;
		if (!u->field) {
			u->field = arena_strdup(&c->arena, key);
			const char *base = strrchr(filename, '/');
			const char *base2 = strrchr(base ? base : filename, '\\');
			const char *name = base2 ? base2 + 1 : base ? base + 1 : filename;
			/* The name is shown and kept in the upload history: a name that is not
			 * UTF-8 (an old client's code page) becomes «файл» rather than garbage. */
			u->filename = utf8_valid(name, strlen(name)) ? arena_strdup(&c->arena, name) : "файл";
		}
		if (u->size + size > WEB_MAX_UPLOAD) {
			u->too_large = true; /* keep reading so the answer can say why */
			upload_release(c);
			return MHD_YES;
		}
		if (size && !upload_append(c, data, size)) {
			c->busy = true;
			upload_release(c);
		}
		return MHD_YES;
	}
	c->form_bytes += size;
	if (c->form_bytes > WEB_MAX_FORM) {
		r->form_overflow = true;
		return MHD_YES;
	}
	if (memchr(data, '\0', size))
		r->bad_text = true;
	struct field *f = c->nfields ? &c->fields[c->nfields - 1] : NULL;
	if (off == 0 || !f || strcmp(f->key, key)) {
		if (c->nfields >= WEB_MAX_FORM_FIELDS) {
			r->form_overflow = true;
			return MHD_YES;
		}
		c->fields = xgrow(c->fields, &c->fields_cap, (size_t)c->nfields + 1, sizeof *c->fields);
		f = &c->fields[c->nfields++];
		f->key = arena_strdup(&c->arena, key);
		buf_init(&f->value, WEB_MAX_FORM);
		buf_append(&f->value, "", 0);
	}
	buf_append(&f->value, data, size);
	return MHD_YES;
}

/* The headers of every answer of ours. Over TLS (--secure-cookies, or a trusted proxy's
 * X-Forwarded-Proto: https) browsers are told to use nothing but HTTPS for a year (HSTS;
 * without includeSubDomains: other sites of the same domain are not oko's to decide). */
static void add_headers(struct MHD_Response *resp, const struct web_res *w, bool secure)
{
	MHD_add_response_header(resp, "Content-Type", w->type ? w->type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", w->frame_self ? "SAMEORIGIN" : "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Content-Security-Policy",
				w->frame_self ? "default-src 'self'; img-src 'self' data:; form-action 'self'; "
						"frame-ancestors 'self'; base-uri 'none'"
					      : "default-src 'self'; img-src 'self' data:; form-action 'self'; "
						"frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "Cache-Control", w->cache ? w->cache : "no-store");
	if (secure)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (w->location)
		MHD_add_response_header(resp, "Location", w->location);
	if (w->cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", w->cookie);
	if (w->disposition)
		MHD_add_response_header(resp, "Content-Disposition", w->disposition);
	if (w->close)
		MHD_add_response_header(resp, "Connection", "close");
	if (w->retry_after > 0) {
		char s[16];
		snprintf(s, sizeof s, "%d", w->retry_after);
		MHD_add_response_header(resp, "Retry-After", s);
		/* 202: the answer is being prepared (rcache.c), the browser asks again by itself. */
		if (w->status == 202)
			MHD_add_response_header(resp, "Refresh", s);
	}
}

/* Queues the response a handler (or the server) filled. A body of ANSWER_HAND_OVER bytes or
 * more is handed to libmicrohttpd, which frees it once sent, rather than copied (a download
 * of megabytes was copied once more per request); a smaller one is copied, and its buffer
 * freed with the connection. */
#define ANSWER_HAND_OVER 16384
static enum MHD_Result answer(struct MHD_Connection *conn, struct conn *c)
{
	struct web_res *w = &c->res;
	struct MHD_Response *resp;
	if (w->static_body) {
		resp = MHD_create_response_from_buffer(w->static_len, (void *)w->static_body,
						       MHD_RESPMEM_PERSISTENT);
	} else if (w->body.len >= ANSWER_HAND_OVER) {
		size_t n = w->body.len;
		char *p = buf_steal(&w->body);
		if ((resp = MHD_create_response_from_buffer(n, p, MHD_RESPMEM_MUST_FREE)))
			w->handed = n;
		else
			free(p);
	} else {
		resp = MHD_create_response_from_buffer(w->body.len, w->body.p ? w->body.p : (void *)"",
						       MHD_RESPMEM_MUST_COPY);
	}
	if (!resp)
		return MHD_NO;
	add_headers(resp, w, c->req.secure);
	watch_phase(c->watch, PHASE_SERVER); /* no more of the request is read */
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)w->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* 503 for an upload past the budget of uploads in flight: not the file's fault. */
static void busy_page(struct conn *c)
{
	web_error_page(&c->req, &c->res, 503, "Сервер занят: сейчас принимается много файлов сразу. "
					     "Ваш файл не принят, данные не изменены. Загрузите его "
					     "ещё раз через минуту.");
	c->res.retry_after = 60;
}

/* The X-Forwarded-For headers of a request, in order (a proxy chain may send several). */
struct xff {
	const char *v[8];
	int n;
};

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct xff *x = cls;
	if (value && !strcasecmp(key, "X-Forwarded-For")) {
		if (x->n == (int)(sizeof x->v / sizeof *x->v))
			return MHD_NO;
		x->v[x->n++] = value;
	}
	return MHD_YES;
}

static void fill_request(struct conn *c, struct MHD_Connection *conn, const char *url,
			 const char *method)
{
	struct web_req *r = &c->req;
	r->a = &c->arena;
	r->method = arena_strdup(&c->arena, method);
	r->path = arena_strdup(&c->arena, url);
	r->now = (int64_t)time(NULL);
	r->conn = conn;
	/* The client is the peer, unless the peer is a declared proxy: then X-Forwarded-For
	 * says who it is and X-Forwarded-Proto whether it came over TLS. From anybody else
	 * these headers are the client's own words and are ignored. */
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct web_addr peer, client;
	if (!ci || web_addr_from_sockaddr(ci->client_addr, &peer))
		memset(&peer, 0, sizeof peer);
	r->via_proxy = web_proxies_trust(&config->proxies, &peer);
	client = peer;
	if (r->via_proxy) {
		struct xff x = { .n = 0 };
		MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_xff, &x);
		web_client_addr(&config->proxies, &peer, x.v, x.n, &client);
	}
	char ip[INET6_ADDRSTRLEN];
	web_addr_str(&client, ip, sizeof ip);
	r->ip = arena_strdup(&c->arena, ip);
	const char *proto = r->via_proxy ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto")
					 : NULL;
	r->secure = config->secure_cookies || (proto && !strcasecmp(proto, "https"));
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, c);
	if (!utf8_valid(r->path, strlen(r->path)))
		r->bad_text = true;
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	c->urlencoded = ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33);
	buf_init(&c->res.body, 0);
	c->res.status = 200;
}

/* Headers that decide where a request ends, counted (names compare case-insensitively). */
struct framing {
	int content_length, transfer_encoding, host;
	const char *te;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;
	if (!strcasecmp(key, "Content-Length"))
		f->content_length++;
	else if (!strcasecmp(key, "Transfer-Encoding"))
		f->transfer_encoding++, f->te = value ? value : "";
	else if (!strcasecmp(key, "Host"))
		f->host++;
	return MHD_YES;
}

/* Request smuggling: when a proxy in front and libmicrohttpd could disagree on where a
 * request ends, the bytes after it could be read as a second request that the proxy never
 * saw. libmicrohttpd 0.9.75 accepts both Content-Length and Transfer-Encoding (and then
 * runs the smuggled request), two Content-Lengths, and HTTP/1.1 without Host. Such a
 * request gets 400 and the connection is closed before anything of it is processed
 * (answering before the body makes MHD read no further). Also refused here: headers
 * over WEB_MAX_HEADERS (libmicrohttpd's own limit, the connection's memory, lies above and
 * answers with its own page). True when c->res holds the refusal. */
static bool refuse_framing(struct conn *c, struct MHD_Connection *conn, const char *version)
{
	struct framing f = { 0, 0, 0, NULL };
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
	bool old = !strcmp(version, "HTTP/1.0") || !strcmp(version, "HTTP/0.9") || !*version;
	const char *why = NULL;
	if (f.content_length > 1)
		why = "два заголовка Content-Length";
	else if (f.transfer_encoding && f.content_length)
		why = "заголовки Content-Length и Transfer-Encoding вместе";
	else if (f.transfer_encoding > 1 || (f.transfer_encoding && (old || strcasecmp(f.te, "chunked"))))
		why = "Transfer-Encoding, кроме одного «chunked» в HTTP/1.1, не поддерживается";
	else if (f.host > 1)
		why = "несколько заголовков Host";
	else if (!f.host && !old)
		why = "нет заголовка Host, обязательного в HTTP/1.1";
	if (why) {
		web_error_page(&c->req, &c->res, 400,
			       arena_printf(&c->arena, "Запрос составлен неверно: %s. Соединение закрыто.", why));
		c->res.close = true;
		return true;
	}
	const union MHD_ConnectionInfo *hs = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (hs && hs->header_size > WEB_MAX_HEADERS) {
		web_error_page(&c->req, &c->res, 431, "Адрес и заголовки запроса больше 32 КБ. Если так "
						      "велики cookie, удалите cookie этого сайта в браузере.");
		c->res.close = true;
		return true;
	}
	return false;
}

/* The request line has arrived (before its headers): the request's memory starts here,
 * while the URI is still raw. A "%00" in it would reach the path or a query value as a
 * NUL that cuts it short, so the request is marked bad now. */
static void *uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct conn *c = xcalloc(1, sizeof *c);
	arena_init(&c->arena, 16 * 1024);
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	const union MHD_ConnectionInfo *sc = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	c->watch = sc ? sc->socket_context : NULL;
	for (const char *p = uri; (p = strchr(p, '%')); p++)
		if (p[1] == '0' && p[2] == '0')
			c->req.bad_text = true;
	return c;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct conn *c = *con_cls;
	if (!c)
		*con_cls = c = uri_log(NULL, "", conn);
	if (!c->begun) {
		c->begun = true;
		atomic_fetch_add(&in_flight, 1);
		fill_request(c, conn, url, method);
		if (refuse_framing(c, conn, version))
			return answer(conn, c);
		if (!strcmp(method, "POST")) {
			/* Decide before reading a byte of the body: an unknown route or a caller the
			 * route does not admit gets its answer now, and only routes that take a file
			 * may send one; a declared length over the caps is refused at once. */
			const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
			c->req.db = web_db();
			enum web_body body = c->req.db ? web_body_policy(&c->req) : WEB_BODY_REFUSE;
			if (cl && strtoull(cl, NULL, 10) > (uint64_t)WEB_MAX_UPLOAD + WEB_MAX_FORM) {
				metrics_file_refused(METRICS_REFUSED_TOO_LARGE);
				web_error_page(&c->req, &c->res, 413, "Файл больше 64 МБ: так велики файлы "
								      "результатов не бывают.");
				return answer(conn, c);
			}
			if (body == WEB_BODY_REFUSE) {
				if (c->req.db)
					web_dispatch(&c->req, &c->res);
				else
					web_error_page(&c->req, &c->res, 503, "База данных недоступна.");
				return answer(conn, c);
			}
			c->files_allowed = body == WEB_BODY_FILE;
			/* A declared length takes its share of the upload budget before a byte is
			 * read; without one (chunked) the share grows with the file. */
			if (c->files_allowed && cl) {
				uint64_t want = strtoull(cl, NULL, 10);
				if (!upload_reserve(c, want < WEB_MAX_UPLOAD ? (size_t)want : WEB_MAX_UPLOAD)) {
					metrics_file_refused(METRICS_REFUSED_BUSY);
					busy_page(c);
					return answer(conn, c);
				}
			}
			c->pp = MHD_create_post_processor(conn, 64 * 1024, post_iter, c);
		}
		/* Now the client owes us its body, if it announced one. */
		const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		bool body = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding") ||
			    (length && strtoull(length, NULL, 10) > 0);
		watch_phase(c->watch, body ? PHASE_BODY : PHASE_SERVER);
		return MHD_YES;
	}
	if (c->made) /* parked, and answered by a maker thread */
		return answer(conn, c);
	if (c->again) { /* parked while another request made its answer: look again */
		c->again = false;
		c->req.parked = false;
		struct buf body = c->res.body;
		buf_reset(&body);
		memset(&c->res, 0, sizeof c->res);
		c->res.body = body;
		c->res.status = 200;
		c->req.db = web_db();
		if (!c->req.db)
			web_error_page(&c->req, &c->res, 503, "База данных недоступна. Попробуйте позже.");
		else
			web_dispatch(&c->req, &c->res);
		return c->req.parked ? MHD_YES : answer(conn, c);
	}
	if (*upload_size) {
		/* Past twice the caps nobody is sending a form: drop the connection. */
		c->body_bytes += *upload_size;
		if (c->watch)
			atomic_fetch_add(&c->watch->body, *upload_size);
		if (c->body_bytes > 2 * ((uint64_t)WEB_MAX_UPLOAD + WEB_MAX_FORM))
			return MHD_NO;
		if (c->urlencoded)
			scan_urlencoded(c, upload_data, *upload_size);
		if (c->pp && MHD_post_process(c->pp, upload_data, *upload_size) != MHD_YES)
			c->req.form_overflow = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->busy) {
		metrics_file_refused(METRICS_REFUSED_BUSY);
		busy_page(c);
		return answer(conn, c);
	}
	struct web_req *r = &c->req;
	if (c->nfields)
		r->form = arena_alloc(&c->arena, (size_t)c->nfields * sizeof *r->form);
	for (int i = 0; i < c->nfields; i++) {
		const struct buf *v = &c->fields[i].value;
		if (!good_text(v->p ? v->p : "", v->len) || !utf8_valid(c->fields[i].key, strlen(c->fields[i].key)))
			r->bad_text = true;
		r->form[i].key = c->fields[i].key;
		r->form[i].value = arena_strdup(&c->arena, buf_str(v));
	}
	r->nform = c->nfields;
	r->db = web_db();
	struct web_res *w = &c->res;
	if (!r->db)
		web_error_page(r, w, 503, "База данных недоступна. Попробуйте позже.");
	else
		web_dispatch(r, w);
	return r->parked ? MHD_YES : answer(conn, c);
}

/* The access log: one event per request, text for people («127.0.0.1 GET /schools 200
 * 3.1 мс admin») or, with OKO_LOG_FORMAT=json, the same with the request's fields. The path
 * never carries its query string (libmicrohttpd hands it over without). */
static void access_log(const struct conn *c, enum MHD_RequestTerminationCode toe, double ms)
{
	const struct web_req *r = &c->req;
	const struct web_res *w = &c->res;
	const char *user = r->authed ? r->user.login : "-";
	const char *aborted = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL
			      : toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "тайм-аут"
			      : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? "остановка"
			      : "соединение закрыто";
	char text[4096];
	if (!aborted)
		snprintf(text, sizeof text, "%s %s %s %d %.1f мс %s", r->ip, r->method, r->path, w->status, ms, user);
	else
		snprintf(text, sizeof text, "%s %s %s прерван (%s) %.1f мс %s", r->ip, r->method, r->path, aborted, ms,
			 user);
	if (log_get_format() == LOG_TEXT) {
		log_info("%s", text);
		return;
	}
	const struct log_field f[] = {
		LOG_TEXT_FIELD("method", r->method),
		LOG_TEXT_FIELD("route", metrics_route_label(r->route, r->path, r->method)),
		LOG_TEXT_FIELD("path", r->path),
		LOG_INT_FIELD("status", w->status),
		LOG_INT_FIELD("bytes", (int64_t)(w->static_body ? w->static_len : w->handed ? w->handed : w->body.len)),
		LOG_NUM_FIELD("duration_ms", (double)(int64_t)(ms * 1000 + 0.5) / 1000),
		LOG_TEXT_FIELD("ip", r->ip),
		LOG_TEXT_FIELD("user", user),
		LOG_TEXT_FIELD("aborted", aborted),
	};
	log_fields(LOG_INFO, text, f, aborted ? 9 : 8);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *con_cls;
	if (!c)
		return;
	bool begun = c->begun;
	/* Keep-alive: the next request's headers are due within the bound from now. */
	watch_phase(c->watch, PHASE_HEADERS);
	if (c->begun) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ms = (double)(t1.tv_sec - c->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - c->t0.tv_nsec) / 1e6;
		bool done = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
		/* Counted once answered (an aborted request has no status to count it under). */
		if (done)
			metrics_request(c->req.route, c->req.path, c->req.method, c->res.status, ms / 1e3);
		if (c->req.upload.too_large)
			metrics_file_refused(METRICS_REFUSED_TOO_LARGE);
		if (!config->quiet)
			access_log(c, toe, ms);
	}
	if (c->pp)
		MHD_destroy_post_processor(c->pp);
	upload_release(c);
	for (int i = 0; i < c->nfields; i++)
		buf_free(&c->fields[i].value);
	free(c->fields);
	buf_free(&c->res.body);
	arena_free(&c->arena);
	free(c);
	*con_cls = NULL;
	if (begun)
		atomic_fetch_sub(&in_flight, 1);
}

/* "127.0.0.1:8080" or "[::1]:8080" into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof host)
		return ERR_USAGE;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return ERR_USAGE;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[') {
		size_t n = strlen(host);
		if (n < 3 || host[n - 1] != ']')
			return ERR_USAGE;
		host[n - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return ERR_USAGE;
		*len = sizeof *a;
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return ERR_USAGE;
	*len = sizeof *a;
	return 0;
}

/* CONN_LIMIT, or fewer when the process may not open that many descriptors (the soft
 * limit is raised to the hard one first); room is left for the database and the rest. */
static unsigned conn_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 256;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < CONN_LIMIT + 64 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > CONN_LIMIT + 64 ? CONN_LIMIT + 64
											    : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= CONN_LIMIT + 64)
		return CONN_LIMIT;
	unsigned n = rl.rlim_cur > 128 ? (unsigned)rl.rlim_cur - 64 : 64;
	log_warn("можно открыть только %u файлов: соединений не больше %u (ulimit -n)", (unsigned)rl.rlim_cur, n);
	return n;
}

/* ---- parked requests: answers made off the worker threads ----
 *
 * A worker thread serves every connection libmicrohttpd gave it: a page or document that
 * takes 100 ms to seconds to make held all of them as long (at 64 connections, the p99 of
 * every route was the slowest first render). A kept answer not yet made (rcache.c) is made
 * on a maker thread instead: the request's connection is parked (MHD_suspend_connection),
 * the worker goes on with the others, and the maker resumes it with the answer; requests
 * for the same answer meanwhile are parked too and look again when it is ready. Makers are
 * twice as many as workers, at least four (PARK_MAKERS), so that a page is not queued behind
 * one or two documents of seconds; each has its own database connection, opened at its
 * first job. */
#define PARK_MAKERS(threads) ((threads) * 2 > 4 ? (threads) * 2 : 4)
struct park_job {
	struct conn *c;     /* NULL: a task (web_park_task) */
	web_make_fn fn;
	void (*task)(void *arg);
	void *arg;
	struct park_job *next;
};

static pthread_mutex_t park_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t park_work = PTHREAD_COND_INITIALIZER; /* a job, or the end */
static pthread_cond_t park_idle = PTHREAD_COND_INITIALIZER; /* nothing parked */
static struct park_job *park_head, *park_tail;
static int parked;      /* connections parked and not yet resumed */
static bool park_open;  /* makers run and take jobs */
static pthread_t makers[64];
static unsigned nmakers;
static _Thread_local bool on_maker;

static struct conn *conn_of(struct web_req *r)
{
	return (struct conn *)(void *)((char *)r - offsetof(struct conn, req));
}

bool web_park(struct web_req *r)
{
	if (!r->conn || on_maker)
		return false;
	pthread_mutex_lock(&park_mu);
	bool ok = park_open;
	if (ok)
		parked++;
	pthread_mutex_unlock(&park_mu);
	if (!ok)
		return false;
	MHD_suspend_connection(r->conn);
	r->parked = true;
	return true;
}

static void unpark(struct conn *c)
{
	struct MHD_Connection *conn = c->req.conn;
	MHD_resume_connection(conn); /* c is the worker's again: not touched after this */
	pthread_mutex_lock(&park_mu);
	if (--parked == 0)
		pthread_cond_broadcast(&park_idle);
	pthread_mutex_unlock(&park_mu);
}

static void park_enqueue(struct park_job *j)
{
	pthread_mutex_lock(&park_mu);
	if (park_tail)
		park_tail->next = j;
	else
		park_head = j;
	park_tail = j;
	pthread_cond_signal(&park_work);
	pthread_mutex_unlock(&park_mu);
}

void web_park_make(struct web_req *r, web_make_fn fn, void *arg)
{
	struct park_job *j = xcalloc(1, sizeof *j);
	j->c = conn_of(r);
	j->fn = fn;
	j->arg = arg;
	park_enqueue(j);
}

void web_park_task(void (*task)(void *arg), void *arg)
{
	struct park_job *j = xcalloc(1, sizeof *j);
	j->task = task;
	j->arg = arg;
	park_enqueue(j);
}

void web_park_answer(struct web_req *r)
{
	struct conn *c = conn_of(r);
	c->made = true;
	unpark(c);
}

void web_park_again(struct web_req *r)
{
	struct conn *c = conn_of(r);
	c->again = true;
	unpark(c);
}

static void *maker(void *arg)
{
	(void)arg;
	on_maker = true;
	pthread_mutex_lock(&park_mu);
	for (;;) {
		while (!park_head && park_open)
			pthread_cond_wait(&park_work, &park_mu);
		struct park_job *j = park_head;
		if (!j)
			break; /* closed and drained */
		park_head = j->next;
		if (!park_head)
			park_tail = NULL;
		pthread_mutex_unlock(&park_mu);
		if (!j->c) {
			j->task(j->arg);
			free(j);
			pthread_mutex_lock(&park_mu);
			continue;
		}
		struct conn *c = j->c;
		struct web_req *r = &c->req;
		r->db = web_db(); /* NULL: fn answers 503, and wakes whoever waits */
		web_answer_error(r, &c->res, j->fn(r, &c->res, j->arg));
		free(j);
		c->made = true;
		unpark(c);
		pthread_mutex_lock(&park_mu);
	}
	pthread_mutex_unlock(&park_mu);
	return NULL;
}

static void park_start(unsigned n)
{
	park_open = true;
	nmakers = 0;
	while (nmakers < n && nmakers < sizeof makers / sizeof *makers &&
	       pthread_create(&makers[nmakers], NULL, maker, NULL) == 0)
		nmakers++;
	if (!nmakers) {
		park_open = false;
		log_warn("потоки составления страниц не запущены: страницы составляются в потоках обслуживания");
	}
}

/* No new parking; every parked request answered; the makers gone. Before the daemon stops
 * (a parked connection must be resumed before MHD_stop_daemon). */
static void park_stop(void)
{
	pthread_mutex_lock(&park_mu);
	park_open = false;
	pthread_cond_broadcast(&park_work);
	while (parked > 0)
		pthread_cond_wait(&park_idle, &park_mu);
	pthread_mutex_unlock(&park_mu);
	for (unsigned i = 0; i < nmakers; i++)
		pthread_join(makers[i], NULL);
	nmakers = 0;
}

static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;
static pthread_t dog;
static bool dog_runs;

static void make_db_key(void)
{
	pthread_key_create(&db_key, close_db);
}

void web_db_release(void)
{
	struct db *d = pthread_getspecific(db_key);
	if (d) {
		pthread_setspecific(db_key, NULL);
		close_db(d);
	}
}

void *web_server_start(const struct web_config *cfg)
{
	config = cfg;
	metrics_start();
	pthread_once(&db_key_once, make_db_key);
	/* The region's time zone, for every moment the pages show (the settings page changes
	 * it at once; a change by `oko settings` takes effect here, at the next start). */
	struct db *zd = NULL;
	if (cfg->db_path && db_open(&zd, cfg->db_path, DB_OPEN_NOMIGRATE) == 0) {
		setting_apply_zone(zd);
		db_close(zd);
	}
	if (!cfg->listen) {
		/* In-process (the HTTP fuzz target): no socket, no thread, no watchdog. */
		return MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, admit, NULL, handle, NULL,
					MHD_OPTION_CONNECTION_LIMIT, 64u,
					MHD_OPTION_CONNECTION_TIMEOUT, 30u,
					MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
					MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
					MHD_OPTION_NOTIFY_CONNECTION, notify_connection, NULL,
					MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
					MHD_OPTION_END);
	}
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (parse_listen(cfg->listen, &ss, &sslen)) {
		log_error("адрес «%s» должен иметь вид 127.0.0.1:8080 или [::1]:8080", cfg->listen);
		return NULL;
	}
	unsigned threads = cfg->threads ? cfg->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	unsigned limit = conn_limit();
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, admit, NULL, handle, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, threads ? threads : 1u,
		MHD_OPTION_CONNECTION_LIMIT, limit,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, notify_connection, NULL,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
		MHD_OPTION_END);
	if (!d) {
		log_error("не удалось начать обслуживание на %s: %s (адрес занят или недоступен?)",
			  cfg->listen, strerror(errno));
		return NULL;
	}
	/* With port 0 the system picks one: say which (tests read this line). */
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char host[64];
	snprintf(host, sizeof host, "%.*s", (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen);
	log_info("oko слушает http://%s:%u (потоков: %u, база %s)", host, info ? info->port : 0u,
		 threads, cfg->db_path);
	park_start(PARK_MAKERS(threads ? threads : 1u));
	atomic_store(&watch_stop, false);
	dog_runs = pthread_create(&dog, NULL, watchdog, NULL) == 0;
	if (!dog_runs)
		log_warn("сторож медленных соединений не запущен: медленные клиенты не отключаются");
	return d;
}

void web_server_stop(void *daemon)
{
	park_stop();
	MHD_stop_daemon(daemon);
	atomic_store(&watch_stop, true);
	if (dog_runs)
		pthread_join(dog, NULL);
	dog_runs = false;
	web_rcache_free();
}

int web_serve(const struct web_config *cfg)
{
	/* Signals go to this thread only: workers inherit the blocked mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (parse_listen(cfg->listen, &ss, &sslen)) {
		log_error("адрес «%s» должен иметь вид 127.0.0.1:8080 или [::1]:8080", cfg->listen);
		return ERR_USAGE;
	}
	struct MHD_Daemon *d = web_server_start(cfg);
	if (!d)
		return ERR_IO;
	int sig = 0;
	sigwait(&set, &sig);
	log_info("получен сигнал %d: новые соединения не принимаются, дожидаюсь текущих запросов", sig);
	MHD_socket ls = MHD_quiesce_daemon(d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	for (int i = 0; i < 1000 && atomic_load(&in_flight) > 0; i++)
		usleep(10000);
	web_server_stop(d);
	log_info("остановлено");
	return 0;
}
