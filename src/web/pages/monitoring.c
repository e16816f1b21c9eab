/* monitoring: who has uploaded the results of a planned procedure, who is late, who is
 * missing — per municipality and per school, with CSV/XLSX export.
 *
 *   GET /monitoring                               the planned procedures with their counts
 *   GET /monitoring?procedure=CODE[&municipality=ID][&format=csv|xlsx]
 *
 * The region sees every school, a municipality its own; a municipality outside the user's
 * territory is 404. "Late" and "missing" follow model/plan.h; the clock is plan_now(). The
 * home page's section (web_monitoring_home) shows only figures that do not depend on the
 * clock (on time, late, without results), so it may be cached per database version. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "model/plan.h"
#include "report/monitor.h"
#include "web/download.h"
#include "web/web.h"

/* Now moved to the region's wall clock: plan_monitor takes today's date from it, so today
 * and what is overdue follow the region's calendar, not UTC's. */
static int64_t region_now(void)
{
	return ru_local_time(plan_now());
}

static void counts_row(struct buf *b, const struct plan_mon_count *c, bool bold)
{
	buf_puts(b, bold ? "<tr class=\"total\"><th scope=\"row\">" : "<tr><td>");
	html_text(b, c->municipality);
	buf_puts(b, bold ? "</th>" : "</td>");
	long v[] = { c->assigned, c->n[PLAN_ONTIME], c->n[PLAN_LATE], c->missing, c->n[PLAN_OVERDUE],
		     c->n[PLAN_UNASSIGNED] };
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		buf_puts(b, i == 2 && v[i] ? "<td class=\"num late\">" : i >= 3 && i <= 4 && v[i]
									  ? "<td class=\"num missing\">"
									  : "<td class=\"num\">");
		html_int(b, v[i]);
		buf_puts(b, "</td>");
	}
	buf_puts(b, "</tr>");
}

static const char counts_head[] =
	"<thead><tr><th>Муниципалитет</th><th>Назначено школ</th><th>Загрузили в срок</th>"
	"<th>С опозданием</th><th>Нет результатов</th><th>из них срок прошёл</th>"
	"<th>Без назначения</th></tr></thead>";

static int export(struct web_req *r, struct web_res *w, const struct plan_monitor *m, bool xlsx)
{
	char msg[256] = "";
	enum table_kind kind = xlsx ? TABLE_XLSX : TABLE_CSV;
	int rc = monitor_write_mem(m, kind, &w->body, msg, sizeof msg);
	if (rc)
		return rc;
	/* The code went through procedure lookup: letters, digits and '-' only. */
	const char *ext = xlsx ? "xlsx" : "csv";
	web_send_table(r, w, kind, arena_printf(r->a, "monitoring-%s.%s", m->procedure, ext),
		       arena_printf(r->a, "Мониторинг загрузки %s.%s", m->procedure, ext));
	return 0;
}

static void overview_build(struct web_req *r, struct buf *b)
{
	struct plan_monitor *v = NULL;
	size_t n = 0;
	if (plan_monitor_counts_all(r->db, &r->scope, region_now(), &v, &n)) {
		buf_puts(b, "<p class=\"alert\">Не удалось прочитать план-график.</p>");
		return;
	}
	buf_puts(b, "<section class=\"card\"><table><thead><tr><th>Процедура</th><th>Кампания</th>"
		    "<th>Загрузка до</th><th>Назначено</th><th>В срок</th><th>С опозданием</th>"
		    "<th>Нет результатов</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct plan_monitor *m = &v[i];
		char dl[PLAN_DATE_LEN], title[200];
		plan_date_ru(m->deadline, dl);
		web_procedure_name(r->db, m->procedure, title, sizeof title);
		buf_puts(b, "<tr><td><a href=\"/monitoring?procedure=");
		html_url(b, m->procedure);
		buf_puts(b, "\" title=\"");
		html_attr(b, m->procedure);
		buf_puts(b, "\">");
		html_text(b, title);
		buf_puts(b, "</a></td><td>");
		html_text(b, m->campaign);
		buf_puts(b, "</td><td>");
		html_text(b, dl);
		html_printf(b, "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td><td class=\"num\">%ld"
			       "</td><td class=\"num\">%ld</td></tr>", m->total.assigned, m->total.n[PLAN_ONTIME],
			    m->total.n[PLAN_LATE], m->total.missing);
	}
	if (!n)
		buf_puts(b, "<tr><td colspan=\"7\">В плане-графике пока нет процедур.</td></tr>");
	buf_puts(b, "</tbody></table></section>");
	plan_monitors_free(v, n);
}

/* The overview costs the monitoring of every planned procedure (a few milliseconds on a
 * region); it depends on the role and scope, the region's date (what is overdue) and the
 * data: kept per thread for the database's version (cache.c) under the first three. */
static void overview(struct web_req *r, struct buf *b)
{
	char key[96], sk[64], today[PLAN_DATE_LEN];
	scope_key(&r->scope, sk, sizeof sk);
	plan_date_of(region_now(), today);
	snprintf(key, sizeof key, "monitoring:%d:%s:%s", (int)r->user.role, sk, today);
	const char *cached = web_cache_get(r, key);
	if (cached) {
		html_raw(b, cached);
		return;
	}
	struct buf part = BUF_INIT;
	overview_build(r, &part);
	web_cache_put(r, key, buf_str(&part));
	html_raw(b, buf_str(&part));
	buf_free(&part);
}

int page_monitoring(struct web_req *r, struct web_res *w)
{
	const char *proc = web_str(r, "procedure"), *format = web_str(r, "format");
	long mun = web_int(r, "municipality");
	struct buf *b = &w->body;
	if (format && strcmp(format, "csv") && strcmp(format, "xlsx"))
		return ERR_INVALID;
	if (!proc || !*proc) {
		html_begin(r, w, "Мониторинг загрузки");
		buf_puts(b, "<h1>Мониторинг загрузки результатов</h1>");
		overview(r, b);
		html_end(r, w);
		return 0;
	}
	if (mun && !scope_sees_municipality(r->db, &r->scope, mun))
		return ERR_NOTFOUND;
	struct plan_monitor m;
	int rc = plan_monitor(r->db, proc, &r->scope, mun, region_now(), &m);
	if (rc)
		return rc;
	if (format) {
		rc = export(r, w, &m, !strcmp(format, "xlsx"));
		plan_monitor_free(&m);
		return rc;
	}
	html_begin(r, w, "Мониторинг загрузки");
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/monitoring\">Мониторинг загрузки</a></p><h1>");
	char title[200];
	web_procedure_name(r->db, m.procedure, title, sizeof title);
	buf_puts(b, "<span title=\"");
	html_attr(b, m.procedure);
	buf_puts(b, "\">");
	html_textf(b, "Загрузка результатов: %s", title);
	buf_puts(b, "</span></h1><p class=\"lead\">");
	char dl[PLAN_DATE_LEN], today[PLAN_DATE_LEN];
	plan_date_ru(m.deadline, dl);
	plan_date_ru(m.today, today);
	if (m.deadline[0])
		html_textf(b, "Кампания «%s», срок загрузки — %s (до конца дня); сегодня %s.",
			   m.campaign, dl, today);
	else
		html_text(b, "Процедура не входит в план-график: срока загрузки нет, опоздавших нет.");
	buf_puts(b, "</p><section class=\"card\"><h2>По муниципалитетам</h2><table class=\"monitor\">");
	html_raw(b, counts_head);
	buf_puts(b, "<tbody>");
	for (size_t i = 0; i < m.nm; i++)
		counts_row(b, &m.m[i], false);
	counts_row(b, &m.total, true);
	buf_puts(b, "</tbody></table><p>Выгрузить список: <a href=\"/monitoring?procedure=");
	html_url(b, m.procedure);
	if (mun)
		html_printf(b, "&amp;municipality=%ld", mun);
	buf_puts(b, "&amp;format=csv\">CSV</a> · <a href=\"/monitoring?procedure=");
	html_url(b, m.procedure);
	if (mun)
		html_printf(b, "&amp;municipality=%ld", mun);
	buf_puts(b, "&amp;format=xlsx\">XLSX</a></p></section>");
	buf_puts(b, "<section class=\"card\"><h2>Школы</h2><table class=\"monitor\"><thead><tr>"
		    "<th>Школа</th><th>Муниципалитет</th><th>Состояние</th><th>Дата проведения</th>"
		    "<th>Первая загрузка</th><th>Текущая загрузка</th><th>Строк</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < m.n; i++) {
		const struct plan_mon_school *x = &m.s[i];
		html_printf(b, "<tr class=\"st-%s\"><td>", plan_status_name(x->status));
		html_text(b, x->name);
		buf_puts(b, " <small class=\"muted\">");
		html_text(b, x->login);
		buf_puts(b, "</small></td><td>");
		html_text(b, x->municipality);
		buf_puts(b, "</td><td>");
		html_text(b, plan_status_title(x->status));
		buf_puts(b, "</td><td>");
		char sd[PLAN_DATE_LEN];
		plan_date_ru(x->sit_date, sd);
		html_textf(b, "%s %s", sd, x->sit_time);
		buf_puts(b, "</td><td>");
		web_moment_ru(b, x->first_at);
		buf_puts(b, "</td><td>");
		web_moment_ru(b, x->last_at);
		buf_puts(b, "</td><td class=\"num\">");
		if (x->first_at[0])
			html_int(b, x->rows);
		buf_puts(b, "</td></tr>");
	}
	if (!m.n)
		buf_puts(b, "<tr><td colspan=\"7\">Школы не назначены и не загружали результаты.</td></tr>");
	buf_puts(b, "</tbody></table></section>");
	html_end(r, w);
	plan_monitor_free(&m);
	return 0;
}

void web_monitoring_home(struct web_req *r, struct buf *b)
{
	struct plan_monitor *v = NULL;
	size_t n = 0;
	if (r->user.role == ROLE_SCHOOL || plan_monitor_counts_all(r->db, &r->scope, region_now(), &v, &n) ||
	    !n) {
		plan_monitors_free(v, n);
		return;
	}
	buf_puts(b, "<section><h2>Мониторинг загрузки по плану-графику</h2>");
	for (size_t i = 0; i < n; i++) {
		const struct plan_monitor *m = &v[i];
		if (!m->total.assigned && !m->n)
			continue;
		char dl[PLAN_DATE_LEN];
		plan_date_ru(m->deadline, dl);
		char title[200];
		web_procedure_name(r->db, m->procedure, title, sizeof title);
		buf_puts(b, "<details class=\"progress monitor\"><summary><span class=\"proc\" title=\"");
		html_attr(b, m->procedure);
		buf_puts(b, "\">");
		html_text(b, title);
		buf_puts(b, "</span><span class=\"num\">");
		char n1[RU_NUM_MAX], n2[RU_NUM_MAX], n3[RU_NUM_MAX], n4[RU_NUM_MAX];
		html_textf(b, "срок %s: назначено %s, в срок %s, с опозданием %s, нет результатов %s", dl,
			   ru_int(n1, sizeof n1, m->total.assigned), ru_int(n2, sizeof n2, m->total.n[PLAN_ONTIME]),
			   ru_int(n3, sizeof n3, m->total.n[PLAN_LATE]), ru_int(n4, sizeof n4, m->total.missing));
		buf_puts(b, "</span></summary><table><thead><tr><th>Муниципалитет</th><th>Назначено</th>"
			    "<th>В срок</th><th>С опозданием</th><th>Нет результатов</th></tr></thead><tbody>");
		for (size_t k = 0; k < m->nm; k++) {
			const struct plan_mon_count *c = &m->m[k];
			buf_puts(b, "<tr><td>");
			html_text(b, c->municipality);
			html_printf(b, "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td><td class=\"num\">"
				       "%ld</td><td class=\"num\">%ld</td></tr>", c->assigned, c->n[PLAN_ONTIME],
				    c->n[PLAN_LATE], c->missing);
		}
		buf_puts(b, "</tbody></table><p><a href=\"/monitoring?procedure=");
		html_url(b, m->procedure);
		buf_puts(b, "\">Список школ</a></p></details>");
	}
	buf_puts(b, "</section>");
	plan_monitors_free(v, n);
}
