/* rcache: finished downloads kept in memory, shared by the worker threads (issue 21).
 *
 * A download (an XLSX, PDF or CSV built from the database) costs tens of milliseconds to
 * seconds of CPU (a 260-page schedule PDF: 7 s), an API list of 1000 rows ~20 ms; the same
 * answer is asked for again and again while its data stay the same. A GET route listed in cached[] below has its answer kept under a key made of
 * exactly what determines its bytes:
 *   - the route's pattern and every parsed value of its keys and path parameters
 *     (r->vals, in the table's order: a value not given is keyed as not given);
 *   - the user's role and scope (scope_key): the handler computes the answer from the
 *     scope alone, so two users with the same role and territory get the same bytes, and a
 *     user never gets an answer computed for another territory;
 *   - the minute of the request's clock and of plan_now() (a date printed on a document,
 *     "late" or "missing" in the monitoring: the key changes at least as often as they);
 *     while this minute's answer is being made, other requests for it get the same data's
 *     answer of an earlier minute if one is kept (at most STALE_MAX seconds old) instead
 *     of waiting — as if they had asked a moment earlier;
 *   - the database's epoch: its content version (db_content_version, read on the request's
 *     connection before every look-up), which every committed change of the content moves
 *     — in this process or another, such as `oko import` run beside the server — so an
 *     answer is never served after a new upload, analysis run or any other change; and
 *     which an audit entry or a login does not move, so that an audited download or a
 *     login leaves the kept answers in place.
 * Only answers 200 with a Content-Disposition (a real download), of the API's data
 * routes, or HTML pages (keyed by their user as well, see "Pages" below) are kept. One
 * generation at a time per key: a request that finds the key being generated waits for it
 * rather than computing it too — except a download, which answers at once with a 202 page
 * «Документ готовится» that refreshes itself (a 260-page PDF takes seconds: 64 requests
 * waiting for it held both worker threads, and every other page, as long). Memory is capped (RCACHE_BYTES in all, RCACHE_ENTRY_MAX for one
 * answer); the least recently used answers go first, and answers of an older epoch are
 * dropped as soon as the epoch moves.
 *
 * Audited downloads (AUDITED: /schools/export, /grid/{p}/form.xlsx, /documents/file, a
 * school's confidential materials /materials/{p}/{what} but the key) are kept with the
 * audit entries their generation wrote (audit_capture, model/user.h) and the requests for
 * materials it recorded (material_capture, model/material.h), and each later reader of the
 * bytes gets the same entries and requests written under his own name, address and moment,
 * as the handler would have written them. The materials' files are only changed with a
 * change of the content (a new file in the bank, new release times move the epoch), and a
 * request for them is not one (db.h).
 *
 * The school's documents with its pupils' names (SEALED: /pupils/slips.pdf and
 * /pupils/protocol.pdf) are kept as the audited downloads are, keyed by their user as well,
 * and sealed (XChaCha20-Poly1305) with a key drawn when the first is kept and held in
 * guarded memory (sodium_malloc: locked in RAM where the system allows, left out of a core
 * dump); each request opens its copy into its own answer. So the copy kept between
 * requests holds no name in the clear: a name is in the clear only in the answer being
 * sent, as when every request made its own (docs/personal-data.md). A change of a pupil's
 * name, class or code moves the epoch, like any change of the content. A class's slips
 * cost 3.3 ms of CPU and its protocol 5 ms: at 64 connections on two cores that was a p99
 * of 100–190 ms; copying out and opening a kept copy costs about 39 µs for the demo
 * school's whole protocol (57 KB). While one is made, the
 * others wait for it as for a page (it takes milliseconds), rather than get «Документ
 * готовится».
 *
 * Not listed: routes that read files (scans, notes), export the audit journal
 * (/audit?format=: the export is itself an entry of it) or show names on a page (/pupils,
 * /teachers: the names are not kept in memory beyond a request). */
#define _GNU_SOURCE /* memmem */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "db/db.h"
#include "model/material.h"
#include "model/plan.h"
#include "model/user.h"
#include "web/web.h"

#define RCACHE_SLOTS 256
#define RCACHE_BYTES (96u << 20)
#define RCACHE_ENTRY_MAX (16u << 20)
#define RCACHE_KEY 1024
/* An answer of an earlier minute (the same data: the same epoch) is given, for at most
 * this many seconds after it was made, to a request that finds this minute's being made,
 * instead of waiting for it (stale() below). */
#define STALE_MAX 120

/* The GET routes kept (patterns of route.c). DOWNLOAD: an attachment; FORMAT: an attachment
 * when the key `format` is given, else a page (PAGE); DATA: an API answer (JSON, nothing of
 * the user but the role and scope in it: /api/v1/me is not here); PAGE: an HTML page, kept
 * for its user (see "Pages" below); AUDITED: an attachment whose audit entries are written
 * again for each reader (above); JOURNAL: a page of the audit journal itself, kept as a PAGE
 * and keyed by the journal's last entry as well (an audit entry does not move the epoch),
 * and not kept when `format` is given (an export of the journal is an entry of it);
 * DOWNLOADS: a page that lists the requests for materials to all but a school (/materials),
 * kept as a PAGE and keyed by the last request as well (a request does not move the epoch);
 * SEALED: an AUDITED attachment that holds pupils' names, keyed by its user as well and kept
 * sealed (see the top). */
enum kept { DOWNLOAD, FORMAT, DATA, PAGE, AUDITED, JOURNAL, DOWNLOADS, SEALED };
static const struct {
	const char *pattern;
	enum kept kind;
} cached[] = {
	{ "/reports/{procedure}/xlsx", DOWNLOAD },
	{ "/reports/{procedure}/pdf", DOWNLOAD },
	{ "/risk/export", DOWNLOAD },
	{ "/risk/pdf", DOWNLOAD },
	{ "/risk/{login}/pdf", DOWNLOAD },
	{ "/plan/print.pdf", DOWNLOAD },
	{ "/monitoring", FORMAT },
	{ "/observers/schedule.csv", DOWNLOAD },
	{ "/observers/schedule.xlsx", DOWNLOAD },
	{ "/observers/schedule.pdf", DOWNLOAD },
	{ "/observers/acts.csv", DOWNLOAD },
	{ "/observers/acts.xlsx", DOWNLOAD },
	{ "/observers/coverage.csv", DOWNLOAD },
	{ "/observers/coverage.xlsx", DOWNLOAD },
	{ "/acts/{id}.pdf", DOWNLOAD },
	{ "/recheck/{id}/works.csv", DOWNLOAD },
	{ "/recheck/{id}/schools.csv", DOWNLOAD },
	{ "/recheck/{id}/experts.csv", DOWNLOAD },
	{ "/recheck/{id}/positions.csv", DOWNLOAD },
	{ "/measures/{id}/plan.xlsx", DOWNLOAD },
	{ "/schools/export", AUDITED },
	{ "/grid/{procedure}/form.xlsx", AUDITED },
	{ "/documents/file", AUDITED },
	{ "/materials/{procedure}/{what}", AUDITED }, /* not the key: cacheable() */
	{ "/pupils/slips.pdf", SEALED },
	{ "/pupils/protocol.pdf", SEALED },
	{ "/api/v1/schools", DATA },
	{ "/api/v1/procedures", DATA },
	{ "/api/v1/results", DATA },
	{ "/api/v1/uploads", DATA },
	{ "/api/v1/risk", DATA },
	{ "/api/v1/signs", DATA },
	/* Pages: none that writes on a GET, reads a file beside the database, shows what
	 * only memory knows (/analysis: the run in progress) or shows names (/pupils,
	 * /teachers). */
	{ "/", PAGE },
	{ "/schools", PAGE },
	{ "/schools/new", PAGE },
	{ "/schools/{login}/edit", PAGE },
	{ "/municipalities", PAGE },
	{ "/schools/aliases", PAGE },
	{ "/schools/{login}", PAGE },
	{ "/upload", PAGE },
	{ "/users", PAGE },
	{ "/users/edit", PAGE },
	{ "/reports", PAGE },
	{ "/reports/{procedure}", PAGE },
	{ "/risk", PAGE },
	{ "/risk/{login}", PAGE },
	{ "/grid", PAGE },
	{ "/grid/{procedure}", PAGE },
	{ "/plan", PAGE },
	{ "/procedures", PAGE },
	{ "/procedures/{procedure}", PAGE },
	{ "/materials", DOWNLOADS },
	{ "/observers", PAGE },
	{ "/observers/control", PAGE },
	{ "/observers/violations", PAGE },
	{ "/observers/school", PAGE },
	{ "/acts/new", PAGE },
	{ "/acts/{id}", PAGE },
	{ "/recheck", PAGE },
	{ "/recheck/{id}", PAGE },
	{ "/scans", PAGE },
	{ "/expert", PAGE },
	{ "/expert/{id}", PAGE },
	{ "/measures", PAGE },
	{ "/measures/{id}", PAGE },
	{ "/audit", JOURNAL },
	{ "/measure/{id}", PAGE },
	{ "/documents", PAGE },
	{ "/settings", PAGE },
};

/* Pages. A page carries its user (the name in the frame, what the role may do) and the
 * session's CSRF token in its forms, so it is keyed by the user's id as well, and kept with
 * the token replaced by the byte CSRF_MARK, put back for each reader: the same user in
 * another session (another browser) gets the same bytes with his own token. A page with
 * that byte of its own (a stored name with a control character) or of a request without a
 * token (an API key) is not kept. What a page shows changes with the data (the epoch),
 * the clock (the minute: "overdue", "today", a release at a set time) and the request's
 * values (all keyed), nothing else: that is what the list above was chosen by. */
#define CSRF_MARK '\x01'

struct entry {
	char *key;      /* NULL: a free slot */
	uint64_t epoch;
	bool pending;   /* being generated by one request; others wait */
	int status;
	char *type, *disposition, *cache;
	char *body;
	size_t len;
	uint64_t used;
	struct audit_capture audit; /* AUDITED: what its generation audited */
	struct material_capture mat; /* AUDITED: the requests for materials it recorded */
	size_t base_len;            /* the key without its minutes (make_key) */
	int64_t made;               /* when it was made (the request's clock) */
	struct web_req *parked;     /* pending: the requests parked until it is made */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static struct entry slots[RCACHE_SLOTS];
static size_t bytes;
static uint64_t tick;
static _Atomic uint64_t epoch; /* the newest content version any request saw */

uint64_t web_rcache_epoch(struct db *d)
{
	uint64_t v = db_content_version(d), e = atomic_load(&epoch);
	while (v > e && !atomic_compare_exchange_weak(&epoch, &e, v))
		;
	return v;
}

static void drop(struct entry *e)
{
	bytes -= e->len;
	free(e->key);
	free(e->type);
	free(e->disposition);
	free(e->cache);
	/* wiped: a kept download may be confidential (the opened variants of a school's
	 * materials, docs/materials.md) */
	if (e->body)
		sodium_memzero(e->body, e->len);
	free(e->body);
	audit_capture_free(&e->audit);
	memset(e, 0, sizeof *e);
}

/* The parsed value of the key or path parameter name, NULL when not given (read from the
 * declared inputs, without asking web_str about a route that does not declare it). */
static const char *value_of(const struct web_req *r, const char *name)
{
	for (int i = 0; i < r->nvals; i++)
		if (!strcmp(r->vals[i].key->name, name))
			return r->vals[i].text;
	return NULL;
}

/* Whether the key `format` was given, not empty. */
static bool format_given(const struct web_req *r)
{
	const char *f = value_of(r, "format");
	return f && *f;
}

/* What else than the epoch a kept page is keyed by: the last entry of a table whose rows do
 * not move the epoch but which the page lists. */
enum tail { TAIL_NONE, TAIL_JOURNAL, TAIL_DOWNLOADS };

/* How the route's answer to r is kept, or -1 when it is not; *tail: keyed by the audit
 * journal's last entry (JOURNAL) or the last request for materials (DOWNLOADS) as well,
 * both kept as a PAGE. */
static int cacheable(const struct web_route *rt, const struct web_req *r, enum tail *tail)
{
	*tail = TAIL_NONE;
	if (strcmp(rt->method, "GET"))
		return -1;
	for (size_t i = 0; i < sizeof cached / sizeof cached[0]; i++) {
		if (strcmp(cached[i].pattern, rt->pattern))
			continue;
		enum kept k = cached[i].kind;
		if (k == FORMAT)
			return format_given(r) ? DOWNLOAD : PAGE;
		if (k == JOURNAL) {
			*tail = TAIL_JOURNAL;
			return format_given(r) ? -1 : PAGE;
		}
		if (k == DOWNLOADS) {
			/* a school's view of the materials lists no requests */
			*tail = r->user.role == ROLE_SCHOOL ? TAIL_NONE : TAIL_DOWNLOADS;
			return PAGE;
		}
		/* The archive's key is shown as text, not a download: made for each request (a
		 * kept answer is kept only with a Content-Disposition, and while one is made the
		 * others would be told «Документ готовится»). */
		if (k == AUDITED && value_of(r, "what") && !strcmp(value_of(r, "what"), "key"))
			return -1;
		return (int)k;
	}
	return -1;
}

/* The key (see the header); false when it would not fit. */
static bool make_key(struct web_req *r, const char *pattern, enum kept kind, uint64_t ep,
		     enum tail tail, int64_t last, char *out, size_t n, size_t *base_len)
{
	char sc[64];
	scope_key(&r->scope, sc, sizeof sc);
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s\n%d\n%s\n%llu", pattern, (int)r->user.role, sc, (unsigned long long)ep);
	if (kind == PAGE || kind == SEALED)
		buf_printf(&b, "\nuser %lld", (long long)r->user.id);
	if (tail != TAIL_NONE)
		buf_printf(&b, "\n%s %lld", tail == TAIL_JOURNAL ? "journal" : "downloads", (long long)last);
	for (int i = 0; i < r->nvals; i++) {
		const struct web_val *v = &r->vals[i];
		buf_printf(&b, "\n%s%c", v->key->name, v->text ? '=' : '-');
		if (v->text)
			buf_puts(&b, v->text);
	}
	/* The minutes last: the key without them (its base) names the same answer at an
	 * earlier minute (stale() below). */
	*base_len = b.len;
	buf_printf(&b, "\n%lld\n%lld", (long long)(r->now / 60), (long long)(plan_now() / 60));
	bool fits = b.len < n;
	if (fits)
		memcpy(out, buf_str(&b), b.len + 1);
	buf_free(&b);
	return fits;
}

/* The newest answer kept for the key's base (the same route, values, user, scope and epoch)
 * at an earlier minute, made at most STALE_MAX seconds ago: what a page or document said a
 * minute ago, of the same data. NULL when none. */
static struct entry *stale(const char *key, size_t base_len, int64_t now)
{
	struct entry *best = NULL;
	for (int i = 0; i < RCACHE_SLOTS; i++) {
		struct entry *e = &slots[i];
		if (e->key && !e->pending && e->base_len == base_len && !memcmp(e->key, key, base_len) &&
		    now - e->made <= STALE_MAX && (!best || e->made > best->made))
			best = e;
	}
	return best;
}

static struct entry *find(const char *key)
{
	for (int i = 0; i < RCACHE_SLOTS; i++)
		if (slots[i].key && !strcmp(slots[i].key, key))
			return &slots[i];
	return NULL;
}

/* A slot for a new key: a free one, else the least recently used one not pending. */
static struct entry *claim(void)
{
	struct entry *victim = NULL;
	for (int i = 0; i < RCACHE_SLOTS; i++) {
		if (!slots[i].key)
			return &slots[i];
		if (!slots[i].pending && (!victim || slots[i].used < victim->used))
			victim = &slots[i];
	}
	if (victim)
		drop(victim);
	return victim;
}

/* Frees the answers of older epochs and, past the cap, the least recently used ones. */
static void trim(size_t need, int64_t now)
{
	uint64_t ep = atomic_load(&epoch);
	for (int i = 0; i < RCACHE_SLOTS; i++)
		if (slots[i].key && !slots[i].pending && (slots[i].epoch < ep || now - slots[i].made > STALE_MAX))
			drop(&slots[i]);
	while (bytes + need > RCACHE_BYTES) {
		struct entry *victim = NULL;
		for (int i = 0; i < RCACHE_SLOTS; i++)
			if (slots[i].key && !slots[i].pending && slots[i].len &&
			    (!victim || slots[i].used < victim->used))
				victim = &slots[i];
		if (!victim)
			break;
		drop(victim);
	}
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* SEALED answers (see the top): the key, drawn once and read-only from then on; a kept copy
 * is the ciphertext with its tag, then the nonce — so that it opens in place. */
#define SEAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
static unsigned char *seal_key;
static pthread_once_t seal_once = PTHREAD_ONCE_INIT;

static void seal_init(void)
{
	if (sodium_init() < 0 || !(seal_key = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)))
		return;
	crypto_aead_xchacha20poly1305_ietf_keygen(seal_key);
	sodium_mprotect_readonly(seal_key);
}

/* The sealed copy of body into out; false when there is no key (the answer is then not
 * kept). */
static bool seal(const struct buf *body, struct buf *out)
{
	pthread_once(&seal_once, seal_init);
	unsigned long long clen;
	if (!seal_key || buf_reserve(out, body->len + SEAL_TAG + SEAL_NONCE))
		return false;
	unsigned char *c = (unsigned char *)out->p, *nonce = c + body->len + SEAL_TAG;
	randombytes_buf(nonce, SEAL_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c, &clen, (const unsigned char *)body->p, body->len,
						   NULL, 0, NULL, nonce, seal_key);
	out->len = (size_t)clen + SEAL_NONCE;
	out->p[out->len] = '\0';
	return true;
}

/* Opens a sealed copy in place (w->body, as serve() put it); ERR_INVALID when it does not
 * open (it always does: the key never changes while the process lives). */
static int unseal(struct buf *b)
{
	unsigned long long n;
	if (b->len < SEAL_TAG + SEAL_NONCE)
		return ERR_INVALID;
	unsigned char *c = (unsigned char *)b->p;
	size_t clen = b->len - SEAL_NONCE;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(c, &n, NULL, c, clen, NULL, 0, c + clen, seal_key)) {
		buf_reset(b);
		return ERR_INVALID;
	}
	b->len = (size_t)n;
	b->p[n] = '\0';
	return 0;
}

static void serve(struct web_req *r, struct web_res *w, const struct entry *e, enum kept kind)
{
	w->status = e->status;
	w->type = e->type ? arena_strdup(r->a, e->type) : NULL;
	w->disposition = e->disposition ? arena_strdup(r->a, e->disposition) : NULL;
	w->cache = e->cache ? arena_strdup(r->a, e->cache) : NULL;
	buf_reset(&w->body);
	if (kind != PAGE) {
		buf_append(&w->body, e->body, e->len);
		return;
	}
	/* The reader's own token where the page had the mark. */
	const char *t = e->body, *end = e->body + e->len;
	for (const char *m; (m = memchr(t, CSRF_MARK, (size_t)(end - t))); t = m + 1) {
		buf_append(&w->body, t, (size_t)(m - t));
		buf_puts(&w->body, r->csrf);
	}
	buf_append(&w->body, t, (size_t)(end - t));
}

/* The page's bytes with the session's token replaced by the mark (into out); false when
 * the page cannot be kept that way. */
static bool page_marked(const struct web_req *r, const struct buf *body, struct buf *out)
{
	size_t n = strlen(r->csrf);
	if (!n || memchr(body->p, CSRF_MARK, body->len))
		return false;
	const char *t = body->p, *end = body->p + body->len;
	for (const char *m; (m = memmem(t, (size_t)(end - t), r->csrf, n)); t = m + n) {
		buf_append(out, t, (size_t)(m - t));
		buf_putc(out, CSRF_MARK);
	}
	buf_append(out, t, (size_t)(end - t));
	return true;
}

/* A download another request is generating: instead of holding this connection (and the
 * others its thread serves) for seconds, a page that says so and asks again in a moment.
 * The request that started the generation gets the file itself. */
static void preparing(struct web_req *r, struct web_res *w)
{
	w->status = 202;
	w->retry_after = 2;
	w->cache = "no-store";
	buf_reset(&w->body);
	html_begin(r, w, "Документ готовится");
	buf_puts(&w->body, "<h1>Документ готовится</h1><p>Этот файл сейчас составляется по запросу, "
			   "сделанному чуть раньше. Страница обновится сама через несколько секунд, и "
			   "файл начнёт скачиваться; ничего нажимать не нужно.</p>"
			   "<p><a href=\"");
	html_attr(&w->body, r->path);
	for (int i = 0; i < r->nquery; i++) {
		buf_puts(&w->body, i ? "&amp;" : "?");
		html_url(&w->body, r->query[i].key);
		buf_putc(&w->body, '=');
		html_url(&w->body, r->query[i].value);
	}
	buf_puts(&w->body, "\">Обновить сейчас</a></p>");
	html_end(r, w);
}

/* The audit entries of kept downloads being served, written together: each was one
 * transaction of its own, and at thousands of downloads a second their commits (two 16 KB
 * pages of the journal and its index each) were most of the time, and grew the WAL by
 * hundreds of MB a minute. A request whose entries wait here is parked with its file; one
 * task on a maker thread writes every entry waiting in one transaction, then sends each
 * its file — the file still goes out only after its entry is committed. */
struct later {
	struct web_req *r;
	struct audit_capture cap;
	struct material_capture mat; /* the requests for materials, recorded at `at` */
	int64_t at;
	struct later *next;
};
static pthread_mutex_t later_mu = PTHREAD_MUTEX_INITIALIZER;
static struct later *later_head, **later_tail = &later_head;
static bool later_queued; /* a task is queued or running: it takes what arrives meanwhile */

static void audit_flush(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&later_mu);
		struct later *l = later_head;
		later_head = NULL;
		later_tail = &later_head;
		if (!l)
			later_queued = false;
		pthread_mutex_unlock(&later_mu);
		if (!l)
			return;
		struct db *d = web_db();
		int rc = d ? db_begin(d) : ERR_BUSY;
		for (struct later *p = l; p && !rc; p = p->next) {
			for (int i = 0; i < p->cap.n && !rc; i++)
				rc = audit_add(d, &p->r->user, NULL, p->cap.e[i].action, p->cap.e[i].object,
					       p->cap.e[i].detail, p->r->ip);
			if (!rc)
				rc = material_record_again(d, &p->mat, p->at, p->r->user.login, p->r->ip);
		}
		if (d && !rc)
			rc = db_commit(d);
		if (rc) {
			if (d)
				db_rollback(d);
			log_error("записи журнала о выданных файлах не сохранены: %s",
				  d ? db_errmsg(d) : "нет соединения с базой");
		}
		while (l) {
			struct later *next = l->next;
			struct web_req *r = l->r;
			audit_capture_free(&l->cap);
			free(l);
			web_park_answer(r);
			l = next;
		}
	}
}

/* Parked r's entries (taken from cap) and requests for materials (of mat, at `at`) are
 * written by audit_flush, which then sends r. */
static void audit_later(struct web_req *r, struct audit_capture *cap, const struct material_capture *mat,
			int64_t at)
{
	struct later *l = xcalloc(1, sizeof *l);
	l->r = r;
	l->cap = *cap;
	l->mat = *mat;
	l->at = at;
	memset(cap, 0, sizeof *cap);
	pthread_mutex_lock(&later_mu);
	*later_tail = l;
	later_tail = &l->next;
	bool start = !later_queued;
	later_queued = true;
	pthread_mutex_unlock(&later_mu);
	if (start)
		web_park_task(audit_flush, NULL);
}

/* What the making of one answer needs (in the request's arena). */
struct making {
	const struct web_route *rt;
	struct entry *e; /* pending: no other request drops or reuses it */
	enum kept kind;
	uint64_t ep;
};

/* Makes the answer of a pending entry (on the request's worker, or on a maker thread when
 * the request is parked), keeps it when it may be kept, and wakes whoever waits for it. */
static int make(struct web_req *r, struct web_res *w, void *arg)
{
	const struct making *m = arg;
	struct entry *e = m->e;
	enum kept kind = m->kind;
	uint64_t ep = m->ep;
	struct audit_capture audited = { 0 };
	struct material_capture mat = { 0 };
	if (kind == AUDITED || kind == SEALED) {
		audit_capture(&audited);
		material_capture(&mat);
	}
	int rc = r->db ? m->rt->fn(r, w) : ERR_BUSY; /* a maker without its connection: 503 */
	audit_capture(NULL);
	material_capture(NULL);

	/* Kept only when whole, a download (or the API's answer, or a page), small enough, and
	 * the data did not move while it was made (a commit seen since would make it an answer
	 * of no epoch). */
	bool keep = !rc && w->status == 200 && !w->location && !w->static_body && !w->cookie[0] &&
		    w->body.len <= RCACHE_ENTRY_MAX;
	if (kind == DOWNLOAD)
		keep = keep && w->disposition;
	if (kind == AUDITED || kind == SEALED)
		keep = keep && w->disposition && audited.n && !audited.overflow && !mat.overflow;
	/* the version on this connection now: what was made is of epoch ep only if nothing
	 * was committed meanwhile */
	keep = keep && web_rcache_epoch(r->db) == ep;
	struct buf page = BUF_INIT; /* a PAGE with the mark for its token, a SEALED answer sealed */
	if (kind == PAGE)
		keep = keep && !w->disposition && (!w->type || !strncmp(w->type, "text/html", 9)) &&
		       page_marked(r, &w->body, &page);
	if (kind == SEALED)
		keep = keep && seal(&w->body, &page);
	pthread_mutex_lock(&mu);
	keep = keep && atomic_load(&epoch) == ep;
	struct web_req *waiting = e->parked;
	e->parked = NULL;
	if (keep) {
		const struct buf *body = kind == PAGE || kind == SEALED ? &page : &w->body;
		trim(body->len, r->now);
		e->status = w->status;
		e->type = dup_or_null(w->type);
		e->disposition = dup_or_null(w->disposition);
		e->cache = dup_or_null(w->cache);
		e->body = xmalloc(body->len ? body->len : 1);
		if (body->len)
			memcpy(e->body, body->p, body->len);
		e->len = body->len;
		e->audit = audited;
		memset(&audited, 0, sizeof audited);
		e->mat = mat;
		e->made = r->now;
		bytes += e->len;
		e->pending = false;
	} else {
		drop(e);
	}
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&mu);
	/* The parked requests look again: the answer kept, or (not kept) one of them makes it. */
	while (waiting) {
		struct web_req *next = waiting->next_parked;
		web_park_again(waiting);
		waiting = next;
	}
	buf_free(&page);
	audit_capture_free(&audited);
	return rc;
}

int web_rcache_run(const struct web_route *rt, struct web_req *r, struct web_res *w)
{
	enum tail tail;
	int kind = cacheable(rt, r, &tail);
	char key[RCACHE_KEY];
	if (kind < 0)
		return rt->fn(r, w);
	uint64_t ep = web_rcache_epoch(r->db);
	int64_t last = 0;
	if (tail == TAIL_JOURNAL && (audit_last_id(r->db, &last) || !last))
		return rt->fn(r, w);
	if (tail == TAIL_DOWNLOADS && material_download_last_id(r->db, &last))
		return rt->fn(r, w);
	size_t base_len;
	if (!ep || !make_key(r, rt->pattern, (enum kept)kind, ep, tail, last, key, sizeof key, &base_len))
		return rt->fn(r, w);
	pthread_mutex_lock(&mu);
	struct entry *e;
	while ((e = find(key)) && e->pending) {
		/* Being made for this minute: the same data's answer of a minute ago, if kept,
		 * rather than a wait (the first request of each minute waited, and with it
		 * everyone asking meanwhile). */
		struct entry *old = stale(key, base_len, r->now);
		if (old) {
			e = old;
			break;
		}
		if (kind == DOWNLOAD || kind == AUDITED) {
			pthread_mutex_unlock(&mu);
			preparing(r, w);
			return 0;
		}
		/* Parked until the answer is made (server.c), so that the worker serves its
		 * other connections meanwhile; where it cannot be, this thread waits. */
		if (web_park(r)) {
			r->next_parked = e->parked;
			e->parked = r;
			pthread_mutex_unlock(&mu);
			return 0;
		}
		pthread_cond_wait(&done, &mu);
	}
	if (e) {
		e->used = ++tick;
		serve(r, w, e, (enum kept)kind);
		struct audit_capture again = { 0 };
		struct material_capture mat = e->mat;
		for (int i = 0; i < e->audit.n; i++) {
			again.e[i].action = xstrdup(e->audit.e[i].action);
			again.e[i].object = e->audit.e[i].object ? xstrdup(e->audit.e[i].object) : NULL;
			again.e[i].detail = e->audit.e[i].detail ? xstrdup(e->audit.e[i].detail) : NULL;
			again.n++;
		}
		pthread_mutex_unlock(&mu);
		/* A SEALED copy is opened outside the lock: each request its own. One that does
		 * not open is dropped, and the answer made afresh from a clean start. */
		if (kind == SEALED && unseal(&w->body)) {
			audit_capture_free(&again);
			log_error("сохранённый документ не открылся: он составлен заново");
			pthread_mutex_lock(&mu);
			if ((e = find(key)) && !e->pending)
				drop(e);
			pthread_mutex_unlock(&mu);
			w->status = 200;
			w->type = w->disposition = w->cache = NULL;
			buf_reset(&w->body);
			return rt->fn(r, w);
		}
		/* The reader of an audited download is audited (and his request for materials
		 * recorded) as its maker was (outside the lock: a write), before the file is sent:
		 * with others at the same moment in one transaction (audit_later), or here when the
		 * request cannot be parked. */
		int64_t at = plan_now();
		if ((again.n || mat.n) && web_park(r)) {
			audit_later(r, &again, &mat, at);
			return 0;
		}
		for (int i = 0; i < again.n; i++)
			audit_add(r->db, &r->user, NULL, again.e[i].action, again.e[i].object,
				  again.e[i].detail, r->ip);
		material_record_again(r->db, &mat, at, r->user.login, r->ip);
		audit_capture_free(&again);
		return 0;
	}
	trim(0, r->now);
	e = claim();
	if (!e) { /* every slot pending: generate without keeping */
		pthread_mutex_unlock(&mu);
		return rt->fn(r, w);
	}
	e->key = xstrdup(key);
	e->base_len = base_len;
	e->epoch = ep;
	e->pending = true;
	e->used = ++tick;
	struct making *m = arena_alloc(r->a, sizeof *m);
	*m = (struct making){ rt, e, (enum kept)kind, ep };
	/* Made on a maker thread while the worker serves its other connections (server.c);
	 * here when the request cannot be parked. */
	bool parked = web_park(r);
	pthread_mutex_unlock(&mu);
	if (parked) {
		web_park_make(r, make, m);
		return 0;
	}
	return make(r, w, m);
}

void web_rcache_free(void)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < RCACHE_SLOTS; i++)
		if (slots[i].key && !slots[i].pending)
			drop(&slots[i]);
	pthread_mutex_unlock(&mu);
}
