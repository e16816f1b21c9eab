/* home: what each role sees first — the territory's upload progress and observation
 * coverage, the school's procedures, sittings, works waiting for scans and what to do next,
 * the observer's assignments, or the expert's re-check queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/hmap.h"
#include "base/ru.h"
#include "base/str.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/run.h"
#include "model/summary.h"
#include "model/upload_list.h"
#include "web/web.h"

/* A procedure as people name it, with its year; the code in a tooltip. */
static void proc_title(struct buf *b, const char *code, const char *subject, int grade, int year)
{
	char t[160];
	bool titled = procedure_title_of(code, subject, grade, t, sizeof t);
	buf_puts(b, "<span title=\"");
	html_attr(b, code);
	buf_puts(b, "\">");
	html_text(b, t);
	if (titled && year > 0)
		html_printf(b, ", %d", year);
	buf_puts(b, "</span>");
}

static void tile(struct buf *b, long v, const char *one, const char *few, const char *many)
{
	buf_puts(b, "<li><strong>");
	html_int(b, v);
	buf_puts(b, "</strong>");
	html_text(b, str_plural(v, one, few, many));
	buf_puts(b, "</li>");
}

/* The territory's figures: the region's schools, municipalities, procedures and results;
 * a municipality's schools and what they have results of; a school's procedures and works. */
static void counts(struct web_req *r, struct buf *b, const struct summary_counts *cp)
{
	if (!cp)
		return;
	struct summary_counts c = *cp;
	buf_puts(b, "<ul class=\"tiles\">");
	if (r->user.role == ROLE_SCHOOL) {
		tile(b, c.procedures, "процедура с результатами", "процедуры с результатами",
		     "процедур с результатами");
		tile(b, c.written, "работа написана", "работы написаны", "работ написано");
		tile(b, c.results - c.written, "участник отсутствовал", "участника отсутствовали",
		     "участников отсутствовали");
	} else {
		tile(b, c.schools, "школа", "школы", "школ");
		if (r->user.role != ROLE_MUNICIPALITY)
			tile(b, c.municipalities, "муниципалитет", "муниципалитета", "муниципалитетов");
		tile(b, c.procedures, "процедура", "процедуры", "процедур");
		tile(b, c.results, "результат", "результата", "результатов");
	}
	buf_puts(b, "</ul>");
}

/* The progress section being written: the current procedure's line waits until its
 * municipalities are all read. */
struct progress {
	struct buf *b;
	struct buf rows;
	char cur[48];
	char subject[8];
	int grade, year;
	long got, all;
	int procs, muns;
	int newest;  /* the first (newest) year of the rows */
	bool every;  /* ?all: every procedure by municipality */
	int folded;  /* procedures of earlier years shown as their line only */
};

static void share(struct buf *b, long got, long all)
{
	double v = all > 0 ? (double)got / (double)all : 1.0;
	/* the bar at the exact share (the text beside it is rounded): 406 of 600 is a bar at
	 * 67.7 and «68 %», where a truncated value said 67 */
	html_printf(b, "<meter min=\"0\" max=\"100\" value=\"%.1f\">", 100 * (v > 1 ? 1 : v));
	html_pct(b, v, 0);
	buf_puts(b, "</meter> <span class=\"num\">");
	html_pct(b, v, 0);
	buf_puts(b, "</span>");
}

/* «27 из 28 школ», «1 из 1 школы». */
static void got_of(struct buf *b, long got, long all)
{
	html_int(b, got);
	buf_puts(b, " из ");
	html_int(b, all);
	buf_puts(b, "\xC2\xA0");
	html_text(b, str_plural(all, "школы", "школ", "школ"));
}

/* One procedure done: its line, then its municipalities folded (a district's own line
 * says it all). The newest year's procedures have their municipalities under the line;
 * those of earlier years only the line, the municipalities on /?all=1 (the region's page
 * was 150 KB of tables of every procedure ever uploaded, issue 21). */
static void progress_flush(struct progress *g)
{
	if (!g->cur[0])
		return;
	bool muns = g->muns > 1 && (g->every || g->year == g->newest);
	if (g->muns > 1 && !muns)
		g->folded++;
	buf_puts(g->b, muns ? "<details class=\"progress\"><summary>" : "<p class=\"progress\">");
	buf_puts(g->b, "<span class=\"proc\">");
	proc_title(g->b, g->cur, g->subject, g->grade, g->year);
	buf_puts(g->b, "</span> <span class=\"num\">");
	got_of(g->b, g->got, g->all);
	buf_puts(g->b, "</span> ");
	share(g->b, g->got, g->all);
	if (muns)
		html_printf(g->b, "</summary><table><thead><tr><th>Муниципалитет</th><th>Школ загрузили</th>"
				  "<th>Доля</th></tr></thead><tbody>%s</tbody></table></details>",
			    buf_str(&g->rows));
	else
		buf_puts(g->b, "</p>");
	buf_reset(&g->rows);
	g->got = g->all = 0;
	g->muns = 0;
	g->cur[0] = '\0';
	g->procs++;
}

static int progress_row(void *ctx, const struct summary_progress_row *x)
{
	struct progress *g = ctx;
	if (g->cur[0] && strcmp(g->cur, x->procedure))
		progress_flush(g);
	if (!g->procs && !g->cur[0])
		g->newest = x->year; /* the rows come newest year first */
	snprintf(g->cur, sizeof g->cur, "%s", x->procedure);
	snprintf(g->subject, sizeof g->subject, "%s", x->subject ? x->subject : "");
	g->grade = x->grade;
	g->year = x->year;
	g->got += x->got;
	g->all += x->all;
	g->muns++;
	buf_puts(&g->rows, "<tr><td>");
	html_text(&g->rows, x->municipality);
	buf_puts(&g->rows, "</td><td class=\"num\">");
	got_of(&g->rows, x->got, x->all);
	buf_puts(&g->rows, "</td><td>");
	share(&g->rows, x->got, x->all);
	buf_puts(&g->rows, "</td></tr>");
	return 0;
}

/* Per procedure: schools with uploaded results against schools of the territory, with the
 * breakdown by municipality folded under each procedure; *c gets the territory's figures
 * from the same rows (false when they could not be read). */
static bool progress(struct web_req *r, struct buf *b, bool every, struct summary_counts *c)
{
	struct progress g = { .b = b, .rows = BUF_INIT, .every = every };
	buf_puts(b, "<section><h2>Загрузка результатов</h2>");
	bool ok = !summary_home(r->db, &r->scope, c, progress_row, &g);
	if (ok)
		progress_flush(&g);
	if (!g.procs)
		buf_puts(b, "<p>Результатов пока нет.</p>");
	if (g.folded)
		buf_puts(b, "<p><a href=\"/?all=1\">Все процедуры по муниципалитетам</a></p>");
	buf_puts(b, "</section>");
	buf_free(&g.rows);
	return ok;
}

/* A school's own results, per procedure. */
static int school_result_row(void *ctx, const struct summary_school_result *x)
{
	struct buf *b = ctx;
	buf_puts(b, "<tr><td>");
	proc_title(b, x->procedure, x->subject, x->grade, x->year);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->written);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->absent);
	buf_puts(b, "</td><td class=\"num\">");
	if (x->written)
		html_num(b, x->mean, 1);
	buf_puts(b, " из ");
	html_int(b, x->max_score);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->problems);
	buf_puts(b, "</td></tr>");
	return 0;
}

static void school_results(struct web_req *r, struct buf *b)
{
	struct buf rows = BUF_INIT;
	buf_puts(b, "<section><h2>Результаты школы</h2>");
	summary_school_results(r->db, r->user.school_id, school_result_row, &rows);
	if (rows.len)
		html_printf(b, "<div class=\"scroll\"><table><thead><tr><th>Процедура</th><th>Писали</th>"
			       "<th>Отсутствовали</th><th>Средний первичный балл</th><th>Строк с замечаниями"
			       "</th></tr></thead><tbody>%s</tbody></table></div>", buf_str(&rows));
	else
		buf_puts(b, "<p>Результатов школы пока нет: <a href=\"/upload\">загрузите файл</a> или "
			    "<a href=\"/grid\">введите их на странице</a>.</p>");
	buf_puts(b, "</section>");
	buf_free(&rows);
}

/* The school's procedures in the newest campaign of the plan-graph: when each is held, the
 * school's own date and the upload deadline. */
static void school_plan(struct web_req *r, struct buf *b)
{
	struct plan_campaign_item *cs = NULL;
	size_t nc = 0;
	if (plan_campaigns(r->db, &cs, &nc) || !nc) {
		free(cs);
		return;
	}
	struct plan_row *v = NULL;
	size_t n = 0;
	if (!plan_rows(r->db, cs[0].id, r->user.school_id, NULL, &v, &n) && n) {
		buf_puts(b, "<section><h2>План-график: ");
		html_text(b, cs[0].name);
		buf_puts(b, "</h2><div class=\"scroll\"><table><thead><tr><th>Процедура</th><th>Период "
			    "проведения</th><th>Дата в школе</th><th>Загрузить результаты до</th></tr></thead>"
			    "<tbody>");
		for (size_t i = 0; i < n; i++) {
			const struct plan_row *x = &v[i];
			buf_puts(b, "<tr><td>");
			proc_title(b, x->code, x->subject, x->grade, 0);
			buf_puts(b, "</td><td>");
			web_date_ru(b, x->dates.d[PLAN_WINDOW_FROM]);
			buf_puts(b, "–");
			web_date_ru(b, x->dates.d[PLAN_WINDOW_TO]);
			buf_puts(b, "</td><td>");
			if (x->sit_date[0]) {
				web_date_ru(b, x->sit_date);
				if (x->sit_time[0]) {
					buf_puts(b, " ");
					html_text(b, x->sit_time);
				}
			} else {
				buf_puts(b, "не назначена — <a href=\"/plan\">назначить</a>");
			}
			buf_puts(b, "</td><td>");
			web_date_ru(b, x->dates.d[PLAN_DEADLINE]);
			buf_puts(b, "</td></tr>");
		}
		buf_puts(b, "</tbody></table></div></section>");
	}
	free(v);
	free(cs);
}

/* The latest analysis: the objectivity index of the user's territory (the region's, or the
 * district's schools in that run) and the top of the risk list within it. */
static void risk_summary(struct web_req *r, struct buf *b)
{
	struct run_info ri;
	if (r->user.role == ROLE_SCHOOL || run_latest(r->db, &ri))
		return;
	bool district = r->scope.kind == SCOPE_MUNICIPALITY;
	if (district && run_scope_totals(r->db, &r->scope, &ri))
		return;
	buf_puts(b, "<section><h2>Объективность</h2><p>Анализ от ");
	web_moment_ru(b, ri.at);
	html_printf(b, ": показатель объективности %s <strong>",
		    district ? "школ муниципалитета" : "региона");
	html_num(b, ri.index, 1);
	buf_puts(b, "</strong>");
	if (district) {
		buf_puts(b, " (школ с работами — ");
		html_int(b, ri.schools);
		buf_puts(b, ")");
	}
	buf_puts(b, "; школ с официальными признаками — ");
	html_int(b, ri.flagged);
	buf_puts(b, ", в списке oko — ");
	html_int(b, ri.listed);
	buf_puts(b, ".</p>");
	struct run_filter f = { .which = RUN_LISTED, .limit = 5 };
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
		buf_puts(b, "</a> — риск ");
		html_num(b, rows[i].risk, 1);
		buf_puts(b, ", официальных признаков: ");
		html_int(b, rows[i].official_flags);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ol>");
	if (!n)
		buf_puts(b, "<p>На вашей территории школ из списка oko нет.</p>");
	buf_puts(b, "<p><a href=\"/risk\">Вся зона риска</a></p></section>");
	run_risk_free(rows, n);
}

/* The latest uploads for recent_uploads: the rows of one upload (a region's file holds
 * hundreds of schools and several procedures) make one line — «635 школ» in the «Школа»
 * column, «20 процедур» in the «Процедура» one; a school's table has no «Школа» column.
 * Texts are copied: a row's are valid only in its call. */
struct recent {
	struct buf *b;
	bool with_school;
	int lines;
	bool open;
	int64_t upload;
	char at[24], file[256], user[256], layout[32], procedure[40], school[64], school_name[256];
	struct hmap schools;   /* the logins of the upload's rows */
	long procedures;       /* runs of one procedure: the rows come by upload, then procedure */
	int64_t rows, written, replaced;
	long read;             /* rows read so far */
};
#define RECENT_LINES 10
#define RECENT_ROWS 100000 /* rows read at most (a region's file is tens of thousands); a line
				    cut by it counts «не меньше» */

static void recent_emit(struct recent *c)
{
	char many[80], procs[80], n[RU_NUM_MAX], file[300];
	struct upload_list_row x = { c->upload, c->at, c->file, c->user, c->layout, c->procedure, c->school,
				     c->rows, c->written, c->replaced, c->school_name };
	long schools = (long)c->schools.count;
	/* The walk stopped inside this upload: its counts are at least these. */
	bool cut = c->read >= RECENT_ROWS;
	if (cut) {
		snprintf(file, sizeof file, "%s (учтены не все строки)", c->file);
		x.file = file;
	}
	if (schools > 1) {
		snprintf(many, sizeof many, "%s%s %s", cut ? "не меньше " : "", ru_int(n, sizeof n, schools),
			 cut ? str_plural(schools, "школы", "школ", "школ") : str_plural(schools, "школа", "школы", "школ"));
		x.school = many;
		x.school_name = many;
	}
	if (c->procedures > 1) {
		snprintf(procs, sizeof procs, "%s%s %s", cut ? "не меньше " : "", ru_int(n, sizeof n, c->procedures),
			 cut ? str_plural(c->procedures, "процедуры", "процедур", "процедур")
			     : str_plural(c->procedures, "процедура", "процедуры", "процедур"));
		x.procedure = procs; /* not a code's shape: web_upload_row shows it as written */
	}
	web_upload_row(c->b, &x, c->with_school);
	c->lines++;
	c->open = false;
	hmap_free(&c->schools);
}

static int recent_row(void *ctx, const struct upload_list_row *x)
{
	struct recent *c = ctx;
	c->read++;
	if (c->open && c->upload == x->upload) {
		if (strcmp(c->procedure, x->procedure)) {
			c->procedures++;
			snprintf(c->procedure, sizeof c->procedure, "%s", x->procedure);
		}
		hmap_put(&c->schools, x->school, strlen(x->school), 1);
		c->rows += x->rows;
		c->written += x->written;
		c->replaced += x->replaced;
		return 0;
	}
	if (c->open)
		recent_emit(c);
	if (c->lines >= RECENT_LINES)
		return 1; /* enough: stop the walk */
	c->open = true;
	c->upload = x->upload;
	snprintf(c->at, sizeof c->at, "%s", x->at);
	snprintf(c->file, sizeof c->file, "%s", x->file);
	snprintf(c->user, sizeof c->user, "%s", x->user);
	snprintf(c->layout, sizeof c->layout, "%s", x->layout ? x->layout : "");
	snprintf(c->procedure, sizeof c->procedure, "%s", x->procedure);
	snprintf(c->school, sizeof c->school, "%s", x->school);
	snprintf(c->school_name, sizeof c->school_name, "%s", x->school_name ? x->school_name : "");
	hmap_init(&c->schools);
	hmap_put(&c->schools, x->school, strlen(x->school), 1);
	c->procedures = 1;
	c->rows = x->rows;
	c->written = x->written;
	c->replaced = x->replaced;
	return 0;
}

static void recent_uploads(struct web_req *r, struct buf *b)
{
	struct recent *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->b = b;
	c->with_school = r->user.role != ROLE_SCHOOL;
	html_printf(b, "<section><h2>Последние загрузки</h2><div class=\"scroll\"><table><thead><tr>"
		       "<th>Когда</th><th>Файл</th><th>Кто</th><th>Процедура</th>%s<th>Строк</th>"
		       "<th>Заменено</th></tr></thead><tbody>", c->with_school ? "<th>Школа</th>" : "");
	upload_list_scope(r->db, &r->scope, false, RECENT_ROWS, recent_row, c);
	if (c->open)
		recent_emit(c); /* open only below RECENT_LINES: recent_row stops before a new one */
	if (!c->lines)
		html_printf(b, "<tr><td colspan=\"%d\">Загрузок пока не было.</td></tr>", c->with_school ? 7 : 6);
	buf_puts(b, "</tbody></table></div></section>");
	free(c);
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
	bool every = web_flag(r, "all");
	scope_key(&r->scope, sk, sizeof sk);
	snprintf(key, sizeof key, "home:%d:%s:%d", (int)r->user.role, sk, every);
	const char *cached = web_cache_get(r, key);
	if (cached) {
		html_raw(b, cached);
	} else {
		struct buf part = BUF_INIT, prog = BUF_INIT;
		struct summary_counts c;
		bool have;
		if (r->user.role == ROLE_SCHOOL)
			have = !summary_counts(r->db, &r->scope, &c);
		else
			have = progress(r, &prog, every, &c); /* shown below the figures it gives */
		counts(r, &part, have ? &c : NULL);
		risk_summary(r, &part);
		if (r->user.role == ROLE_SCHOOL) {
			school_plan(r, &part);
			school_results(r, &part);
		} else {
			buf_append(&part, buf_str(&prog), prog.len);
		}
		buf_free(&prog);
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
