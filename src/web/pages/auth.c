/* auth pages: log in (argon2id check, throttled, refused from foreign sites) and log out. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/str.h"
#include "web/metrics.h"
#include "web/web.h"

#define SESSION_TTL (12 * 3600) /* a working day */

/* Only local paths may follow a login: "/x", never "//host", a scheme, or anything with
 * white space or control characters (a browser drops a tab in "/<TAB>/host" and goes to
 * "//host"). Letters, digits and the punctuation of paths and queries only. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return "/";
	for (const char *p = next; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("/_.-?=&%~", c)))
			return "/";
	}
	return next;
}

static const char *header(struct web_req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

/* Host and port of "host[:port]" (host may be an IPv6 literal in brackets), lower-cased;
 * the port is dflt when absent. False when it does not parse. */
static bool split_authority(const char *a, size_t n, char *host, size_t hn, long dflt, long *port)
{
	const char *colon = NULL;
	if (n && a[0] == '[') {
		const char *close = memchr(a, ']', n);
		if (!close)
			return false;
		if ((size_t)(close + 1 - a) < n) {
			if (close[1] != ':')
				return false;
			colon = close + 1;
		}
	} else {
		colon = memchr(a, ':', n);
	}
	size_t hl = colon ? (size_t)(colon - a) : n;
	if (!hl || hl >= hn)
		return false;
	for (size_t i = 0; i < hl; i++)
		host[i] = (char)((a[i] >= 'A' && a[i] <= 'Z') ? a[i] + 32 : a[i]);
	host[hl] = '\0';
	*port = dflt;
	if (colon) {
		char digits[8], *end;
		size_t pl = n - hl - 1;
		if (!pl || pl >= sizeof digits)
			return false;
		memcpy(digits, colon + 1, pl);
		digits[pl] = '\0';
		*port = strtol(digits, &end, 10);
		if (*end || *port <= 0 || *port > 65535)
			return false;
	}
	return true;
}

/* True when url ("scheme://authority[/…]", an Origin or a Referer) names the server that
 * the browser addressed as `addressed` (a Host or X-Forwarded-Host value). */
static bool names_us(const char *url, const char *addressed)
{
	const char *sep = url ? strstr(url, "://") : NULL;
	if (!sep || !addressed)
		return false;
	size_t sl = (size_t)(sep - url);
	long dflt = sl == 5 && !strncasecmp(url, "https", 5) ? 443
		  : sl == 4 && !strncasecmp(url, "http", 4) ? 80 : 0;
	if (!dflt)
		return false;
	const char *a = sep + 3;
	size_t an = strcspn(a, "/?#");
	size_t xn = strcspn(addressed, ", "); /* the first of a proxy chain's values */
	char h1[256], h2[256];
	long p1, p2;
	return split_authority(a, an, h1, sizeof h1, dflt, &p1) &&
	       split_authority(addressed, xn, h2, sizeof h2, dflt, &p2) && !strcmp(h1, h2) && p1 == p2;
}

/* Login CSRF: a foreign site must not be able to post the login form and so log a
 * visitor's browser into an account of the attacker's (whatever the visitor then uploads
 * or types would land there). Browsers tell where a form was posted from:
 * Sec-Fetch-Site (all current browsers) must say same-origin — or none, a navigation the
 * user made; without it, Origin, else Referer, must name this server: the Host the browser
 * addressed, or the X-Forwarded-Host of a declared reverse proxy that rewrites Host (like
 * every X-Forwarded-* header, believed only from a --trusted-proxy). "Origin: null" (a sandboxed or
 * privacy-stripped page) is foreign. A request with none of the three is not a browser's
 * cross-site post — curl, scripts, and browsers too old to send Origin on a POST — and is
 * allowed: refusing it would break scripted logins for no gain against current browsers,
 * which always send Sec-Fetch-Site or Origin on a cross-site POST. */
static bool posted_from_us(struct web_req *r)
{
	const char *site = header(r, "Sec-Fetch-Site");
	if (site)
		return !strcmp(site, "same-origin") || !strcmp(site, "none");
	const char *from = header(r, "Origin");
	if (!from)
		from = header(r, "Referer");
	if (!from)
		return true;
	return names_us(from, header(r, "Host")) ||
	       (r->via_proxy && names_us(from, header(r, "X-Forwarded-Host")));
}

static void login_form(struct web_req *r, struct web_res *w, const char *login, const char *error)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Вход");
	buf_puts(b, "<section class=\"card narrow\"><h1>Вход в oko</h1>");
	if (error) {
		buf_puts(b, "<p class=\"alert\" role=\"alert\">");
		html_text(b, error);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"next\" value=\"");
	html_attr(b, safe_next(web_str(r, "next")));
	buf_puts(b, "\"><label>Логин <input name=\"login\" autocomplete=\"username\" required autofocus value=\"");
	html_attr(b, login ? login : "");
	buf_puts(b, "\"></label><label>Пароль <input name=\"password\" type=\"password\" "
		    "autocomplete=\"current-password\" required></label>"
		    "<button>Войти</button></form></section>");
	html_end(r, w);
}

int page_login(struct web_req *r, struct web_res *w)
{
	if (r->authed) {
		web_redirect(w, "/");
		return 0;
	}
	login_form(r, w, NULL, NULL);
	return 0;
}

int page_login_post(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "login");
	const char *pw = web_str(r, "password");
	if (!posted_from_us(r)) {
		w->status = 403;
		login_form(r, w, NULL, "Вход отклонён: форма входа была отправлена с другого сайта. "
				       "Если вы хотели войти в oko, введите логин и пароль здесь.");
		return 0;
	}
	if (!login || !pw || !*login) {
		w->status = 400;
		login_form(r, w, login, "Введите логин и пароль.");
		return 0;
	}
	int wait = web_throttle_wait(r->ip, login, r->now);
	if (wait > 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "Слишком много неудачных попыток. Повторите через %d %s.", wait,
			 str_plural(wait, "секунду", "секунды", "секунд"));
		w->status = 429;
		metrics_login_refused(METRICS_LOGIN_THROTTLED);
		login_form(r, w, login, msg);
		return 0;
	}
	struct user u;
	if (user_verify(r->db, login, pw, &u) != 0) {
		web_throttle_fail(r->ip, login, r->now);
		/* What was typed may be a password typed in the wrong field: the log keeps it only
		 * when it is an existing login, else a fingerprint. */
		audit_login_failed(r->db, login, r->ip);
		metrics_login_refused(METRICS_LOGIN_PASSWORD);
		w->status = 403;
		login_form(r, w, login, "Неверный логин или пароль.");
		return 0;
	}
	web_throttle_reset(login, r->now);
	/* A new login ends the session the browser came with, if any. */
	const char *old = r->conn ? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "oko_session")
				  : NULL;
	if (old)
		session_delete(r->db, old);
	char token[USER_TOKEN_HEX], csrf[USER_TOKEN_HEX];
	int rc = session_create(r->db, u.id, r->now, SESSION_TTL, token, csrf);
	if (rc)
		return rc;
	audit_add(r->db, &u, NULL, "login", NULL, NULL, r->ip);
	snprintf(w->cookie, sizeof w->cookie, "oko_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 token, SESSION_TTL, r->secure ? "; Secure" : "");
	web_redirect(w, arena_strdup(r->a, safe_next(web_str(r, "next"))));
	return 0;
}

int page_logout(struct web_req *r, struct web_res *w)
{
	if (r->session[0])
		session_delete(r->db, r->session);
	audit_add(r->db, &r->user, NULL, "logout", NULL, NULL, r->ip);
	snprintf(w->cookie, sizeof w->cookie, "oko_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	web_redirect(w, "/login");
	return 0;
}
