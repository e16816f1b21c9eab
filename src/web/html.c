/* html: escaping by default, and the page around every handler's content. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/ru.h"
#include "base/str.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "base/diag.h"
#include "web/web.h"

/* Escapes s, and keeps the page valid UTF-8 whatever s holds: a byte that does not start
 * a well-formed character (a message cut in the middle of one, a code page's byte) becomes
 * U+FFFD, as a browser would show it anyway. */
void html_text(struct buf *b, const char *s)
{
	if (!s)
		return;
	while (*s) {
		if ((unsigned char)*s >= 0x80) {
			uint32_t cp;
			size_t n = utf8_decode(s, strnlen(s, 4), &cp);
			if (n) {
				buf_append(b, s, n);
				s += n;
			} else {
				buf_puts(b, "\xEF\xBF\xBD");
				s++;
			}
			continue;
		}
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *s);
		}
		s++;
	}
}

void html_attr(struct buf *b, const char *s)
{
	html_text(b, s);
}

void html_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			buf_putc(b, c);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

void html_raw(struct buf *b, const char *s)
{
	buf_puts(b, s);
}

void html_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void html_textf(struct buf *b, const char *fmt, ...)
{
	struct buf t = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&t, fmt, ap);
	va_end(ap);
	html_text(b, buf_str(&t));
	buf_free(&t);
}

void html_int(struct buf *b, long v)
{
	char t[RU_NUM_MAX];
	buf_puts(b, ru_int(t, sizeof t, v));
}

void html_num(struct buf *b, double v, int dec)
{
	char t[RU_NUM_MAX];
	html_text(b, ru_num(t, sizeof t, v, dec));
}

void html_pct(struct buf *b, double share, int dec)
{
	char t[RU_NUM_MAX];
	html_text(b, ru_pct(t, sizeof t, share, dec));
}

void html_p(struct buf *b, double p)
{
	char t[RU_NUM_MAX];
	html_text(b, ru_p(t, sizeof t, p));
}

void web_diag_list(struct buf *b, const struct diag_list *dl)
{
	if (!dl || !dl->n)
		return;
	buf_puts(b, "<ul class=\"problems\">");
	for (size_t i = 0; i < dl->n; i++) {
		const struct diag *x = &dl->v[i];
		buf_puts(b, "<li>");
		if (x->row > 0)
			html_printf(b, "строка %ld, ", x->row);
		if (x->column && *x->column)
			html_textf(b, "столбец %s, ", x->column);
		if (x->value && *x->value)
			html_textf(b, "значение «%s»: ", x->value);
		html_text(b, x->msg);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ul>");
	if (dl->dropped) {
		buf_puts(b, "<p>… и ещё ");
		html_count(b, (long)dl->dropped, "сообщение", "сообщения", "сообщений");
		buf_puts(b, ".</p>");
	}
}

void html_count(struct buf *b, long n, const char *one, const char *few, const char *many)
{
	html_int(b, n);
	buf_puts(b, "\xC2\xA0"); /* no-break space: the number stays with its word */
	html_text(b, str_plural(n, one, few, many));
}

void web_procedure_name(struct db *d, const char *code, char *out, size_t n)
{
	struct procedure p;
	if (procedure_get(d, code, &p) || !procedure_title_of(code, p.subject, p.grade, out, n)) {
		snprintf(out, n, "%s", code);
		return;
	}
	size_t len = strlen(out);
	if (len < n)
		snprintf(out + len, n - len, ", %d", p.year);
}

void web_today(char out[11])
{
	plan_date_of(ru_local_time(plan_now()), out);
}

/* Dates and moments a page shows: the one format of base/ru.h, moments in the region's
 * time zone (the setting time_zone). */
void web_date_ru(struct buf *b, const char *iso)
{
	char d[64];
	if (!iso || !*iso)
		return;
	html_text(b, ru_date(d, sizeof d, iso));
}

void web_moment_ru(struct buf *b, const char *iso)
{
	char d[64];
	if (!iso || !*iso)
		return;
	html_text(b, ru_moment(d, sizeof d, iso));
}

void html_csrf(struct web_req *r, struct buf *b)
{
	buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, r->csrf);
	buf_puts(b, "\">");
}

struct nav {
	const char *href, *title;
	unsigned roles;
};

static const struct nav nav[] = {
	{ "/", "Главная", WEB_ANY_USER },
	{ "/schools", "Школы", WEB_TERRITORY },
	{ "/reports", "Аналитика", WEB_STAFF },
	{ "/risk", "Зона риска", WEB_TERRITORY },
	{ "/teachers", "Учителя в зоне риска", WEB_STAFF },
	{ "/medalists", "Медалисты", WEB_STAFF },
	{ "/analysis", "Анализ", WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION) },
	{ "/pupils", "Ученики и коды", WEB_ROLE(ROLE_SCHOOL) },
	{ "/grid", "Ввод результатов", WEB_ROLE(ROLE_SCHOOL) },
	{ "/plan", "План-график", WEB_STAFF },
	{ "/monitoring", "Мониторинг загрузки", WEB_TERRITORY },
	{ "/observers", "Наблюдатели", WEB_TERRITORY },
	{ "/observers/school", "Наблюдатели и видео", WEB_ROLE(ROLE_SCHOOL) },
	{ "/recheck", "Перепроверка", WEB_TERRITORY },
	{ "/measures", "Планы мероприятий", WEB_STAFF },
	{ "/documents", "Документы", WEB_STAFF },
	{ "/expert", "Мои работы", WEB_ROLE(ROLE_EXPERT) },
	{ "/scans", "Сканы работ", WEB_ROLE(ROLE_SCHOOL) },
	{ "/materials", "Материалы", WEB_ROLE(ROLE_SCHOOL) | WEB_ROLE(ROLE_REGION) | WEB_ROLE(ROLE_ADMIN) },
	{ "/upload", "Загрузка результатов", WEB_STAFF },
	{ "/procedures", "Процедуры", WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION) },
	{ "/users", "Пользователи", WEB_ROLE(ROLE_ADMIN) },
	{ "/audit", "Журнал действий", WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION) },
	{ "/settings", "Настройки", WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION) },
};

void html_begin(struct web_req *r, struct web_res *w, const char *title)
{
	struct buf *b = &w->body;
	buf_puts(b, "<!doctype html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<link rel=\"stylesheet\" href=\"/static/oko.css\">"
		    "<link rel=\"stylesheet\" href=\"/static/frame.css\"><title>");
	html_text(b, title);
	buf_puts(b, " — oko</title></head><body>\n<a class=\"skip\" href=\"#main\">К содержанию</a>"
		    "<header class=\"top\"><a class=\"brand\" href=\"/\">oko</a>");
	if (r->authed) {
		buf_puts(b, "<nav aria-label=\"Разделы\"><ul>");
		for (size_t i = 0; i < sizeof nav / sizeof *nav; i++) {
			if (!(nav[i].roles & WEB_ROLE(r->user.role)))
				continue;
			bool here = !strcmp(r->path, nav[i].href) ||
				    (strlen(nav[i].href) > 1 && !strncmp(r->path, nav[i].href, strlen(nav[i].href)));
			html_printf(b, "<li><a href=\"%s\"%s>", nav[i].href, here ? " aria-current=\"page\"" : "");
			html_text(b, nav[i].title);
			buf_puts(b, "</a></li>");
		}
		buf_puts(b, "</ul></nav><div class=\"who\"><span>");
		html_text(b, r->user.name);
		buf_puts(b, "</span><small>");
		html_text(b, user_role_title(r->user.role));
		if (r->user.scope_name[0]) {
			buf_puts(b, " · ");
			html_text(b, r->user.scope_name);
		}
		buf_puts(b, "</small><form method=\"post\" action=\"/logout\">");
		html_csrf(r, b);
		buf_puts(b, "<button class=\"link\">Выйти</button></form></div>");
	}
	buf_puts(b, "</header>\n<main id=\"main\">");
}

void html_end(struct web_req *r, struct web_res *w)
{
	buf_puts(&w->body, "</main>\n<footer>oko — открытая система объективности оценочных "
			   "процедур</footer></body></html>\n");
}

void html_pager(struct buf *b, const char *base, long total, long per, long page)
{
	long pages = (total + per - 1) / per;
	if (pages <= 1)
		return;
	const char *sep = strchr(base, '?') ? "&amp;" : "?";
	buf_puts(b, "<nav class=\"pager\" aria-label=\"Страницы\">");
	for (long p = 1; p <= pages; p++) {
		if (pages > 12 && p > 2 && p < pages - 1 && (p < page - 2 || p > page + 2)) {
			if (p == 3 || p == page + 3)
				buf_puts(b, "<span>…</span>");
			continue;
		}
		if (p == page) {
			html_printf(b, "<span aria-current=\"page\">%ld</span>", p);
		} else {
			buf_puts(b, "<a href=\"");
			html_attr(b, base);
			html_printf(b, "%spage=%ld\">%ld</a>", sep, p, p);
		}
	}
	buf_puts(b, "</nav>");
}
