/* home: what each role sees first — the territory's upload progress and observation
 * coverage, the school's procedures, sittings, works waiting for scans and what to do next,
 * the observer's assignments, or the expert's re-check queue. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "model/run.h"
#include "model/summary.h"
#include "model/upload_list.h"
#include "web/web.h"

/* Territory filter of the queries below (scope_bind binds ?1 and ?2). */
#define SCOPE_SQL_S SCOPE_SQL("s")

static void counts(struct web_req *r, struct buf *b)
{
	struct summary_counts c;
	if (summary_counts(r->db, &r->scope, &c))
		return;
	buf_puts(b, "<ul class=\"tiles\">");
	static const char *labels[] = { "школ", "муниципалитетов", "процедур", "результатов" };
	const long v[] = { c.schools, c.municipalities, c.procedures, c.results };
	for (int i = 0; i < 4; i++) {
		if (i == 1 && r->user.role == ROLE_MUNICIPALITY)
			continue;
		buf_puts(b, "<li><strong>");
		html_int(b, v[i]);
		buf_puts(b, "</strong>");
		html_text(b, labels[i]);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ul>");
}

/* The progress section being written: the current procedure's line waits until its
 * municipalities are all read. */
struct progress {
	struct buf *b;
	struct buf rows;
	char cur[48];
	long got, all;
	int procs;
};

/* One procedure done: its line, then its municipalities folded. */
static void progress_flush(struct progress *g)
{
	if (!g->cur[0])
		return;
	int pct = g->all > 0 ? (int)(100 * g->got / g->all) : 100;
	buf_puts(g->b, "<details class=\"progress\"><summary><span class=\"proc\">");
	html_text(g->b, g->cur);
	buf_puts(g->b, "</span><span class=\"num\">");
	html_int(g->b, g->got);
	buf_puts(g->b, " из ");
	html_int(g->b, g->all);
	html_printf(g->b, " школ</span><meter min=\"0\" max=\"100\" value=\"%d\">%d%%</meter>"
			  "<span class=\"num\">%d%%</span></summary><table><thead><tr>"
			  "<th>Муниципалитет</th><th>Школ загрузили</th><th>Доля</th></tr></thead>"
			  "<tbody>%s</tbody></table></details>", pct > 100 ? 100 : pct, pct, pct,
		    buf_str(&g->rows));
	buf_reset(&g->rows);
	g->got = g->all = 0;
	g->cur[0] = '\0';
	g->procs++;
}

static int progress_row(void *ctx, const struct summary_progress_row *x)
{
	struct progress *g = ctx;
	if (g->cur[0] && strcmp(g->cur, x->procedure))
		progress_flush(g);
	snprintf(g->cur, sizeof g->cur, "%s", x->procedure);
	int pct = x->all > 0 ? (int)(100 * x->got / x->all) : 100;
	g->got += x->got;
	g->all += x->all;
	buf_puts(&g->rows, "<tr><td>");
	html_text(&g->rows, x->municipality);
	buf_puts(&g->rows, "</td><td class=\"num\">");
	html_int(&g->rows, x->got);
	buf_puts(&g->rows, " из ");
	html_int(&g->rows, x->all);
	html_printf(&g->rows, "</td><td><meter min=\"0\" max=\"100\" value=\"%d\">%d%%</meter> %d%%"
			      "</td></tr>", pct > 100 ? 100 : pct, pct, pct);
	return 0;
}

/* Per procedure: schools with uploaded results against schools of the territory, with the
 * breakdown by municipality folded under each procedure. */
static void progress(struct web_req *r, struct buf *b)
{
	struct progress g = { .b = b, .rows = BUF_INIT };
	buf_puts(b, "<section><h2>Загрузка результатов</h2>");
	if (!summary_progress(r->db, &r->scope, progress_row, &g))
		progress_flush(&g);
	if (!g.procs)
		buf_puts(b, "<p>Результатов пока нет.</p>");
	buf_puts(b, "</section>");
	buf_free(&g.rows);
}

/* The latest analysis: the region's objectivity index and the top of the risk list within
 * the user's territory (region, municipality). */
static void risk_summary(struct web_req *r, struct buf *b)
{
	struct run_info ri;
	if (r->user.role == ROLE_SCHOOL || run_latest(r->db, &ri))
		return;
	buf_puts(b, "<section><h2>Объективность</h2><p>Анализ от ");
	html_text(b, ri.at);
	html_printf(b, " (UTC): показатель объективности региона <strong>%.1f</strong>, школ с "
		       "официальными признаками — %lld, в списке oko — %lld.</p>",
		    ri.index, (long long)ri.flagged, (long long)ri.listed);
	struct run_filter f = { RUN_LISTED, 0, NULL, 5, 0 };
	struct run_risk *rows = NULL;
	size_t n = 0;
	if (run_risk_list(r->db, &r->scope, ri.id, &f, &rows, &n))
		return;
	buf_puts(b, "<ol class=\"top\">");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "<li><a href=\"/risk/");
		html_url(b, rows[i].login);
		buf_puts(b, "\">");
		html_text(b, rows[i].name);
		html_printf(b, "</a> — риск %.1f, официальных признаков: %ld</li>", rows[i].risk,
			    rows[i].official_flags);
	}
	buf_puts(b, "</ol>");
	if (!n)
		buf_puts(b, "<p>На вашей территории школ из списка oko нет.</p>");
	buf_puts(b, "<p><a href=\"/risk\">Вся зона риска</a></p></section>");
	run_risk_free(rows, n);
}

static int upload_row(void *ctx, const struct upload_list_row *x)
{
	web_upload_row(ctx, x, true);
	return 0;
}

/* Counts rows for recent_uploads. */
struct counted {
	struct buf *b;
	int n;
};

static int upload_row_counted(void *ctx, const struct upload_list_row *x)
{
	struct counted *c = ctx;
	c->n++;
	return upload_row(c->b, x);
}

static void recent_uploads(struct web_req *r, struct buf *b)
{
	struct counted c = { b, 0 };
	buf_puts(b, "<section><h2>Последние загрузки</h2><table><thead><tr><th>Когда (UTC)</th>"
		    "<th>Файл</th><th>Кто</th><th>Процедура</th><th>Школа</th><th>Строк</th>"
		    "<th>Заменено</th></tr></thead><tbody>");
	upload_list_scope(r->db, &r->scope, false, 10, upload_row_counted, &c);
	if (!c.n)
		buf_puts(b, "<tr><td colspan=\"7\">Загрузок пока не было.</td></tr>");
	buf_puts(b, "</tbody></table></section>");
}

int page_home(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Главная");
	if (r->user.role == ROLE_OBSERVER) {
		buf_puts(b, "<h1>Мои назначения</h1>");
		web_observers_mine(r, b);
		html_end(r, w);
		return 0;
	}
	if (r->user.role == ROLE_EXPERT) {
		/* No territory's name: an expert's pages name no school or municipality. */
		buf_puts(b, "<h1>Мои работы на проверке</h1>");
		web_expert_home(r, b);
		html_end(r, w);
		return 0;
	}
	buf_puts(b, "<h1>");
	html_text(b, r->user.scope_name[0] ? r->user.scope_name : "Регион");
	buf_puts(b, "</h1>");
	if (r->user.role == ROLE_SCHOOL)
		buf_puts(b, "<p><a class=\"button\" href=\"/upload\">Загрузить результаты</a></p>");
	/* Not cached: what is overdue depends on the day. */
	web_measures_home(r, b);
	/* The figures are the same for every user of one territory until the data change. */
	char key[96], sk[64];
	scope_key(&r->scope, sk, sizeof sk);
	snprintf(key, sizeof key, "home:%d:%s", (int)r->user.role, sk);
	const char *cached = web_cache_get(r, key);
	if (cached) {
		html_raw(b, cached);
	} else {
		struct buf part = BUF_INIT;
		counts(r, &part);
		risk_summary(r, &part);
		progress(r, &part);
		web_monitoring_home(r, &part);
		if (r->user.role != ROLE_SCHOOL)
			web_observers_tile(r, &part);
		recent_uploads(r, &part);
		web_cache_put(r, key, buf_str(&part));
		html_raw(b, buf_str(&part));
		buf_free(&part);
	}
	/* Not cached: whether the school sees its observer depends on the day. */
	if (r->user.role == ROLE_SCHOOL) {
		web_observers_school_home(r, b);
		web_scans_school_home(r, b);
	}
	html_end(r, w);
	return 0;
}
