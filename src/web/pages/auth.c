/* auth pages: log in (argon2id check, throttled) and log out. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
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
	html_attr(b, safe_next(web_query(r, "next") ? web_query(r, "next") : web_form(r, "next")));
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
	const char *login = web_form(r, "login");
	const char *pw = web_form(r, "password");
	if (!login || !pw || !*login) {
		w->status = 400;
		login_form(r, w, login, "Введите логин и пароль.");
		return 0;
	}
	int wait = web_throttle_wait(r->ip, login, r->now);
	if (wait > 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "Слишком много неудачных попыток. Повторите через %d с.", wait);
		w->status = 429;
		login_form(r, w, login, msg);
		return 0;
	}
	struct user u;
	if (user_verify(r->db, login, pw, &u) != 0) {
		web_throttle_fail(r->ip, login, r->now);
		/* What was typed is kept short: it may be a password typed in the wrong field. */
		char typed[65];
		str_copy_utf8(typed, sizeof typed, login);
		audit_add(r->db, NULL, typed, "login_failed", NULL, NULL, r->ip);
		w->status = 403;
		login_form(r, w, login, "Неверный логин или пароль.");
		return 0;
	}
	web_throttle_reset(login, r->now);
	/* A new login ends the session the browser came with, if any. */
	const char *old = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "oko_session");
	if (old)
		session_delete(r->db, old);
	char token[USER_TOKEN_HEX], csrf[USER_TOKEN_HEX];
	int rc = session_create(r->db, u.id, r->now, SESSION_TTL, token, csrf);
	if (rc)
		return rc;
	audit_add(r->db, &u, NULL, "login", NULL, NULL, r->ip);
	snprintf(w->cookie, sizeof w->cookie, "oko_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 token, SESSION_TTL, r->secure ? "; Secure" : "");
	web_redirect(w, arena_strdup(r->a, safe_next(web_form(r, "next"))));
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
