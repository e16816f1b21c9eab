/* libFuzzer target for oko's request parsing as the server uses it: the request line and
 * query string, the headers and framing checks, urlencoded and multipart forms (MHD's post
 * processor and oko's collection of fields, NUL and UTF-8 checks, the upload budget), the
 * route table and the handlers behind it, on a seeded database.
 *
 * Each input is raw HTTP, written into one end of a loopback TCP connection whose other end
 * is handed to an in-process libmicrohttpd daemon (web_server_start with no listening socket, driven
 * by MHD_run in this thread), so the real server code handles it exactly as it would a
 * client's bytes. Four markers in the input are replaced before sending, so the fuzzer can
 * reach the pages behind a login: @A@ and @a@ are the session cookie and CSRF token of an
 * administrator, @S@ and @s@ those of a school coordinator. The database is a fresh copy
 * of the seeded one for every input.
 *
 * Checked: no crash, leak or hang (the exchange must end within 8 s); every answer is a
 * well-formed HTTP/1.1 response — status line, headers ended by an empty line, a
 * Content-Length the body matches; an answer of oko's carries its security headers and an
 * HTML body that is valid UTF-8; an answer without them comes from libmicrohttpd itself, is
 * one of the few statuses it produces (docs/deploy.md) and ends the connection.
 * FUZZ_HTTP_SHOW=1 prints the answers (running the target on a seed shows what it reaches).
 *
 * fuzz.sh: whole library */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/str.h"
#include "fuzz_import.h"
#include "import/import.h"
#include "model/user.h"
#include "web/web.h"

static char tok_admin[USER_TOKEN_HEX], csrf_admin[USER_TOKEN_HEX];
static char tok_school[USER_TOKEN_HEX], csrf_school[USER_TOKEN_HEX];
static struct web_config cfg;
static struct MHD_Daemon *daemon_;
static char key_path[160];
static int listen_fd = -1;           /* the loopback socket inputs connect to */
static struct sockaddr_in listen_addr;

static const char SCHOOLS[] =
	"login,name,municipality,region,kind,settlement,indepth\n"
	"sch1,\"Школа № 1\",г. Барнаул,Алтайский край,СОШ,город,0\n"
	"sch2,Лицей № 2,Бийск,Алтайский край,лицей,город,1\n";
static const char PROCEDURES[] =
	"procedure,kind,year,subject,grade,max_score,positions,scale\n"
	"VPR-2021-MA-4,VPR,2021,MA,4,20,1:1:Б 2:1:Б 3:2:Б 4:1:Б 5.1:1:Б 5.2:1:Б 6.1:1:Б 6.2:1:Б 7:1:Б "
	"8:2:Б 9.1:1:Б 9.2:1:Б 10:2:П 11:2:Б 12:2:П,6/10/14\n";

static void session(struct db *d, const char *login, char tok[USER_TOKEN_HEX], char csrf[USER_TOKEN_HEX])
{
	struct user u;
	IMP_CHECK(user_find(d, login, &u) == 0);
	IMP_CHECK(session_create(d, u.id, (int64_t)time(NULL), 7 * 24 * 3600, tok, csrf) == 0);
}

/* Two schools, a procedure, an administrator and a school coordinator with sessions. */
static void seed(struct db *d)
{
	struct diag_list dl;
	struct import_stats st;
	char msg[256];
	diag_init(&dl, 10);
	struct import_opts o = { .data = SCHOOLS, .len = sizeof SCHOOLS - 1 };
	IMP_CHECK(import_schools(d, "schools.csv", &o, &dl, &st) == 0);
	struct import_opts p = { .data = PROCEDURES, .len = sizeof PROCEDURES - 1 };
	IMP_CHECK(import_procedures(d, "procedures.csv", &p, &dl, &st) == 0);
	diag_free(&dl);
	IMP_CHECK(user_add(d, "admin", "Админ", ROLE_ADMIN, NULL, "Kx9-fuzz-admin1", msg, sizeof msg) == 0);
	IMP_CHECK(user_add(d, "sch1", "Школа", ROLE_SCHOOL, "sch1", "Kx9-fuzz-school1", msg, sizeof msg) == 0);
	session(d, "admin", tok_admin, csrf_admin);
	session(d, "sch1", tok_school, csrf_school);
}

static void init(void)
{
	if (daemon_)
		return;
	imp_init(seed);
	signal(SIGPIPE, SIG_IGN);
	snprintf(key_path, sizeof key_path, "%s/master.key", imp_dir);
	cfg.db_path = imp_work;
	cfg.listen = NULL;
	cfg.quiet = true;
	cfg.upload_wait = 1;
	cfg.upload_memory = 1u << 20; /* small, so that the budget's 503 is reachable */
	daemon_ = web_server_start(&cfg);
	IMP_CHECK(daemon_ != NULL);
	listen_addr.sin_family = AF_INET;
	listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof listen_addr;
	IMP_CHECK((listen_fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	IMP_CHECK(bind(listen_fd, (struct sockaddr *)&listen_addr, sizeof listen_addr) == 0);
	IMP_CHECK(listen(listen_fd, 4) == 0);
	IMP_CHECK(getsockname(listen_fd, (struct sockaddr *)&listen_addr, &len) == 0);
}

/* The input with the markers replaced (malloc'd, *n updated). */
static uint8_t *expand(const uint8_t *data, size_t *n)
{
	size_t cap = *n * 22 + 1, k = 0; /* a 3-byte marker becomes 64 bytes */
	uint8_t *out = malloc(cap);
	IMP_CHECK(out != NULL);
	for (size_t i = 0; i < *n; i++) {
		const char *with = NULL;
		if (i + 2 < *n && data[i] == '@' && data[i + 2] == '@') {
			switch (data[i + 1]) {
			case 'A': with = tok_admin; break;
			case 'a': with = csrf_admin; break;
			case 'S': with = tok_school; break;
			case 's': with = csrf_school; break;
			}
		}
		if (with) {
			size_t l = strlen(with);
			memcpy(out + k, with, l);
			k += l;
			i += 2;
		} else {
			out[k++] = data[i];
		}
	}
	*n = k;
	return out;
}

static int64_t ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Sends req through a loopback connection to the daemon and collects the answer until the daemon
 * closes the connection (the write side is shut after the request, so it does). True when
 * the connection ended with a reset: a daemon that closes with bytes of the request still
 * unread resets it, and the kernel may drop the tail of the answer not yet read. */
static bool exchange(const uint8_t *req, size_t n, struct buf *out)
{
	/* A loopback TCP connection, as in production (libmicrohttpd treats TCP sockets
	 * differently from others: TCP_NODELAY, corking). */
	int sv[2];
	struct sockaddr_in peer;
	socklen_t plen = sizeof peer;
	IMP_CHECK((sv[1] = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	IMP_CHECK(connect(sv[1], (struct sockaddr *)&listen_addr, sizeof listen_addr) == 0);
	IMP_CHECK((sv[0] = accept(listen_fd, (struct sockaddr *)&peer, &plen)) >= 0);
	IMP_CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0 && fcntl(sv[1], F_SETFL, O_NONBLOCK) == 0);
	IMP_CHECK(MHD_add_connection(daemon_, sv[0], (struct sockaddr *)&peer, plen) == MHD_YES);
	size_t sent = 0;
	bool shut = false, reset = false;
	int64_t t0 = ms_now();
	for (;;) {
		if (sent < n) {
			ssize_t k = send(sv[1], req + sent, n - sent, MSG_NOSIGNAL);
			if (k > 0)
				sent += (size_t)k;
			else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				sent = n; /* the daemon closed: the rest is not read */
		}
		if (sent == n && !shut) {
			shutdown(sv[1], SHUT_WR);
			shut = true;
		}
		IMP_CHECK(MHD_run(daemon_) == MHD_YES);
		char tmp[65536];
		ssize_t k;
		while ((k = read(sv[1], tmp, sizeof tmp)) > 0)
			if (out->len + (size_t)k <= (64u << 20))
				buf_append(out, tmp, (size_t)k);
		if (k < 0 && errno == ECONNRESET)
			reset = true;
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		if (ms_now() - t0 > 8000) {
			fprintf(stderr, "fuzz_http: no end of the exchange after 8 s\n");
			abort();
		}
	}
	close(sv[1]);
	/* Let the daemon finish the connection: notifications, freeing. */
	for (int i = 0; i < 1000; i++) {
		IMP_CHECK(MHD_run(daemon_) == MHD_YES);
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || !info->num_connections)
			return reset;
	}
	fprintf(stderr, "fuzz_http: the daemon kept the connection\n");
	abort();
}

/* The first needle (nl bytes) in p[0..n), or NULL. */
static const char *find(const char *p, size_t n, const char *needle, size_t nl)
{
	for (size_t i = 0; i + nl <= n; i++)
		if (!memcmp(p + i, needle, nl))
			return p + i;
	return NULL;
}

/* Value of header name (case-insensitive) in the header block h[0..n), or NULL. */
static const char *header(const char *h, size_t n, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	for (const char *p = h; p < h + n;) {
		const char *eol = find(p, (size_t)(h + n - p), "\r\n", 2);
		if (!eol)
			break;
		if ((size_t)(eol - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
			const char *v = p + nl + 1;
			while (v < eol && *v == ' ')
				v++;
			*vlen = (size_t)(eol - v);
			return v;
		}
		p = eol + 2;
	}
	return NULL;
}

/* Every answer in the bytes the daemon sent is well-formed (see the file's comment); after
 * a reset the last one may be cut short. */
static void check_answers(const char *p, size_t n, bool reset)
{
	while (n) {
		if (reset && (n < 13 || !find(p, n, "\r\n\r\n", 4)))
			return;
		IMP_CHECK(n >= 13 && !memcmp(p, "HTTP/1.1 ", 9));
		int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
		IMP_CHECK(p[9] >= '1' && p[9] <= '5' && p[10] >= '0' && p[10] <= '9' && p[11] >= '0' &&
			  p[11] <= '9' && p[12] == ' ');
		const char *end = find(p, n, "\r\n\r\n", 4);
		IMP_CHECK(end != NULL);
		size_t hn = (size_t)(end - p) + 2, vl;
		if (status == 100) { /* "Expect: 100-continue" answered before the real answer */
			p += hn + 2;
			n -= hn + 2;
			continue;
		}
		const char *cl = header(p, hn, "Content-Length", &vl);
		IMP_CHECK(cl != NULL);
		char digits[24];
		IMP_CHECK(vl > 0 && vl < sizeof digits);
		memcpy(digits, cl, vl);
		digits[vl] = '\0';
		char *e;
		unsigned long long len = strtoull(digits, &e, 10);
		IMP_CHECK(*e == '\0');
		const char *body = end + 4;
		size_t have = n - (size_t)(body - p);
		/* A HEAD answer has the length of a body it does not send; then nothing follows. */
		IMP_CHECK(len <= have || have == 0 || reset);
		if (len > have) {
			if (have)
				return; /* cut short by the reset */
			len = 0;
		}
		if (header(p, hn, "X-Content-Type-Options", &vl)) {
			IMP_CHECK(header(p, hn, "X-Frame-Options", &vl) && header(p, hn, "Content-Security-Policy", &vl) &&
				  header(p, hn, "Referrer-Policy", &vl) && header(p, hn, "Cache-Control", &vl));
			const char *type = header(p, hn, "Content-Type", &vl);
			IMP_CHECK(type != NULL);
			if (vl >= 9 && !memcmp(type, "text/html", 9))
				IMP_CHECK(utf8_valid(body, (size_t)len));
		} else {
			/* libmicrohttpd's own pages. It closes the connection after one, so
			 * nothing of oko's follows; and for an unparsable Content-Length 0.9.75
			 * sends its status line and headers twice, which is not oko's to check. */
			IMP_CHECK(status == 400 || status == 413 || status == 414 || status == 431 ||
				  status == 500 || status == 505);
			return;
		}
		p = body + len;
		n = have - (size_t)len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	/* A fresh copy of the seeded database (and no key file of personal data yet). */
	imp_unlink_db(imp_work);
	unlink(key_path);
	imp_write_file(imp_work, imp_tmpl, imp_tmpl_len);
	size_t n = size;
	uint8_t *req = expand(data, &n);
	struct buf out;
	buf_init(&out, 0);
	bool reset = exchange(req, n, &out);
	if (getenv("FUZZ_HTTP_SHOW")) /* to see what an input gets: the answers on stderr */
		fprintf(stderr, "%.*s\n", (int)out.len, out.p ? out.p : "");
	check_answers(out.p ? out.p : "", out.len, reset);
	buf_free(&out);
	free(req);
	/* Closed now rather than before the next input: libFuzzer runs an input again to look
	 * for leaks when it ends with more allocations than frees. */
	web_db_release();
	return 0;
}
