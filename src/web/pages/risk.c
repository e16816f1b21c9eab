/* risk: the risk list of the latest analysis run and a school's evidence card.
 *
 * Both read what `oko analyze` stored, through model/run: the ranked schools with their
 * risk and official flags, and for a school every flagged sign with its value, threshold, n
 * and inputs, explained in plain Russian (stats/catalogue), with the school's score
 * distribution drawn over the region's as the run saw it, its history across runs, and
 * (section «Наблюдение») which of its sittings were observed with the comparison of its
 * results in observed and unobserved years (model/observed.h, stats/observed.h). A flag is
 * evidence for a person to review, and the page says so. Re-checking is the strongest
 * evidence there is: the card shows it first (web_recheck_card, pages/recheck.c), and the
 * list marks a school a re-check confirmed («перепроверка подтвердила», class rc-confirmed)
 * apart from one it did not (rc-unconfirmed), from the run's run_recheck rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "model/observed.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/run.h"
#include "stats/catalogue.h"
#include "stats/observed.h"
#include "web/chart.h"
#include "web/web.h"

static void no_run(struct web_req *r, struct web_res *w, const char *title)
{
	html_begin(r, w, title);
	buf_puts(&w->body, "<h1>");
	html_text(&w->body, title);
	buf_puts(&w->body, "</h1><p class=\"card\">Анализ ещё не проводился. Его запускает "
			   "администратор командой <code>oko analyze --out КАТАЛОГ</code> после загрузки "
			   "результатов.</p>");
	html_end(r, w);
}

static void num(struct buf *b, double v, const char *fmt)
{
	if (isnan(v))
		buf_puts(b, "—");
	else
		html_printf(b, fmt, v);
}

/* The tiles of the run: index, flagged, listed, schools, and when and how it was made. */
static void run_tiles(struct buf *b, const struct run_info *ri)
{
	buf_puts(b, "<ul class=\"tiles\"><li><strong>");
	num(b, ri->index, "%.1f");
	buf_puts(b, "</strong>показатель объективности</li><li><strong>");
	html_int(b, ri->flagged);
	buf_puts(b, "</strong>школ с официальными признаками</li><li><strong>");
	html_int(b, ri->listed);
	buf_puts(b, "</strong>школ в списке oko</li><li><strong>");
	html_int(b, ri->schools);
	buf_puts(b, "</strong>школ с работами</li></ul><p class=\"muted\">Анализ от ");
	html_text(b, ri->at);
	html_printf(b, " (UTC), процедур: %lld. Список oko составлен с контролем доли ложных "
		       "обнаружений %.0f %%. Признак — повод для проверки, а не вывод.</p>",
		    (long long)ri->procedures, 100 * ri->q);
}

struct mun_options {
	struct buf *b;
	long selected;
};

static int mun_option(void *ctx, int64_t id, const char *name)
{
	struct mun_options *o = ctx;
	html_printf(o->b, "<option value=\"%lld\"%s>", (long long)id, id == o->selected ? " selected" : "");
	html_text(o->b, name);
	buf_puts(o->b, "</option>");
	return 0;
}

/* The filter form: which schools (oko's list or all), municipality, kind. */
static void risk_filters(struct web_req *r, struct buf *b, bool listed_only, long mun,
			 const char *kind)
{
	buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/risk\"><label>Школы <select name=\"all\">");
	html_printf(b, "<option value=\"\"%s>из списка oko и с официальными признаками</option>"
		       "<option value=\"1\"%s>все по убыванию риска</option></select></label>",
		    listed_only ? " selected" : "", listed_only ? "" : " selected");
	buf_puts(b, "<label>Муниципалитет <select name=\"municipality\"><option value=\"0\">все</option>");
	registry_municipality_each(r->db, &r->scope, mun_option, &(struct mun_options){ b, mun });
	buf_puts(b, "</select></label><label>Тип <select name=\"kind\"><option value=\"\">все</option>");
	for (size_t i = 0; registry_kinds[i]; i++) {
		buf_puts(b, "<option");
		buf_puts(b, !strcmp(kind, registry_kinds[i]) ? " selected>" : ">");
		html_text(b, registry_kinds[i]);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><button>Показать</button></form>");
}

/* The run's re-check verdicts of the scope's schools (recheck_run_verdicts), sorted by id. */
struct verdicts {
	struct verdict { int64_t school_id; int verdict; } *v;
	size_t n, cap;
};

static int verdict_add(void *ctx, int64_t school_id, int verdict)
{
	struct verdicts *x = ctx;
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->v = xrealloc(x->v, x->cap * sizeof *x->v);
	}
	x->v[x->n++] = (struct verdict){ school_id, verdict };
	return 0;
}

static int verdict_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct verdict *)a)->school_id, y = ((const struct verdict *)b)->school_id;
	return x < y ? -1 : x > y;
}

/* 1 confirmed, 0 not confirmed, -1 no re-check. */
static int verdict_of(const struct verdicts *x, int64_t school_id)
{
	struct verdict key = { school_id, 0 };
	const struct verdict *f = x->n ? bsearch(&key, x->v, x->n, sizeof *x->v, verdict_cmp) : NULL;
	return f ? f->verdict : -1;
}

static void risk_row(struct buf *b, const struct run_risk *x, int verdict)
{
	html_printf(b, "<tr%s><td class=\"num\">%ld</td><td><a href=\"/risk/",
		    verdict > 0 ? " class=\"rc-confirmed\"" : verdict == 0 ? " class=\"rc-unconfirmed\"" : "",
		    x->rank);
	html_url(b, x->login);
	buf_puts(b, "\">");
	html_text(b, x->name);
	buf_puts(b, "</a><br><small>");
	html_text(b, x->login);
	buf_puts(b, "</small></td><td>");
	html_text(b, x->municipality);
	buf_puts(b, "</td><td>");
	html_text(b, x->kind);
	buf_puts(b, "</td><td class=\"num\">");
	num(b, x->risk, "%.1f");
	html_printf(b, "</td><td>%s", x->listed ? "<strong>да</strong>" : "нет");
	if (verdict > 0)
		buf_puts(b, "<br><span class=\"rc-mark rc-confirmed\">перепроверка подтвердила</span>");
	else if (verdict == 0)
		buf_puts(b, "<br><span class=\"rc-mark rc-unconfirmed\">перепроверка не подтвердила</span>");
	html_printf(b, "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td><td>", x->official_flags,
		    x->own_flags);
	const struct stat_sign_info *t = stat_sign_find(x->top_sign);
	html_text(b, t ? t->title : x->top_sign);
	if (*x->top_procedure) {
		buf_puts(b, "<br><small>");
		html_text(b, x->top_procedure);
		buf_puts(b, "</small>");
	}
	buf_puts(b, "</td><td>");
	html_text(b, x->years_flagged);
	if (x->consecutive_years > 1)
		html_printf(b, "<br><small>подряд: %ld</small>", x->consecutive_years);
	buf_puts(b, "</td></tr>");
}

int page_risk(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	struct run_info ri;
	int rc = run_latest(r->db, &ri);
	if (rc == ERR_NOTFOUND) {
		no_run(r, w, "Зона риска");
		return 0;
	}
	if (rc)
		return rc;
	const char *all = web_str(r, "all");
	bool listed_only = !all || !*all;
	long mun = web_int(r, "municipality");
	const char *kind = web_str(r, "kind") ? web_str(r, "kind") : "";
	long page = web_int(r, "page"), per = 50;
	html_begin(r, w, "Зона риска");
	buf_puts(b, "<h1>Зона риска</h1>");
	run_tiles(b, &ri);
	risk_filters(r, b, listed_only, mun, kind);
	buf_puts(b, "<table><thead><tr><th>Место</th><th>Школа</th><th>Муниципалитет</th><th>Тип</th>"
		    "<th>Риск</th><th>В списке</th><th>Официальных признаков</th><th>Признаков oko</th>"
		    "<th>Главный признак</th><th>Годы с признаками</th></tr></thead><tbody>");
	struct run_filter f = { listed_only ? RUN_LISTED_OR_FLAGGED : RUN_EVERY, mun, kind, per + 1,
				(page - 1) * per };
	struct run_risk *rows = NULL;
	size_t n = 0;
	struct verdicts vd = { NULL, 0, 0 };
	if ((rc = run_risk_list(r->db, &r->scope, ri.id, &f, &rows, &n)) ||
	    (rc = recheck_run_verdicts(r->db, &r->scope, ri.id, verdict_add, &vd)))
		goto out;
	if (vd.n)
		qsort(vd.v, vd.n, sizeof *vd.v, verdict_cmp);
	bool more = n > (size_t)per;
	for (size_t i = 0; i < n && i < (size_t)per; i++)
		risk_row(b, &rows[i], verdict_of(&vd, rows[i].school_id));
	if (!n)
		buf_puts(b, "<tr><td colspan=\"10\">Школ с признаками нет.</td></tr>");
	buf_puts(b, "</tbody></table>");
	if (vd.n)
		buf_puts(b, "<p class=\"muted\"><span class=\"rc-mark rc-confirmed\">перепроверка подтвердила</span> — "
			    "эксперты систематически ставили школе меньше, чем она сама; <span class=\"rc-mark "
			    "rc-unconfirmed\">перепроверка не подтвердила</span> — работы школы перепроверены, "
			    "завышения не найдено (на момент анализа).</p>");
	buf_puts(b, "<nav class=\"pager\">");
	struct buf q = BUF_INIT;
	buf_printf(&q, "&amp;all=%s&amp;municipality=%ld&amp;kind=", listed_only ? "" : "1", mun);
	html_url(&q, kind);
	if (page > 1)
		html_printf(b, "<a href=\"/risk?page=%ld%s\">← назад</a>", page - 1, buf_str(&q));
	if (more)
		html_printf(b, "<a href=\"/risk?page=%ld%s\">дальше →</a>", page + 1, buf_str(&q));
	buf_free(&q);
	buf_puts(b, "</nav>");
out:
	run_risk_free(rows, n);
	free(vd.v);
	html_end(r, w);
	return rc;
}

/* The school's distribution over the run's for one procedure, with the mark bounds, as the
 * run saw them (the results may have been replaced since). */
static void distribution(struct web_req *r, struct buf *b, int64_t run, int64_t school,
			 const char *code)
{
	struct run_hist h;
	if (run_school_histogram(r->db, run, school, code, &h)) {
		buf_puts(b, "<p class=\"muted\">Распределение баллов этот анализ не сохранил: оно "
			    "появится после следующего запуска анализа.</p>");
		return;
	}
	int nb = (int)h.nbins;
	double *sv = calloc((size_t)nb, sizeof *sv), *rv = calloc((size_t)nb, sizeof *rv);
	if (sv && rv && h.school_n > 0 && h.all_n > 0) {
		for (int i = 0; i < nb; i++) {
			sv[i] = 100.0 * (double)h.school[i] / (double)h.school_n;
			rv[i] = 100.0 * (double)h.all[i] / (double)h.all_n;
		}
		struct chart_series ser[2] = { { "школа", sv }, { "регион", rv } };
		static const char *const labels[3] = { "«3»", "«4»", "«5»" };
		char title[96];
		snprintf(title, sizeof title, "Первичные баллы: %s", code);
		buf_puts(b, "<figure class=\"chart\">");
		chart_hist(b, title, "Доли работ школы по первичному баллу (столбцы) поверх региона (линия); "
				     "пунктир — нижние границы отметок.", ser, 2, nb, h.has_scale ? h.scale : NULL,
			   labels, h.has_scale ? 3 : 0);
		html_printf(b, "<figcaption>Работ в школе: %lld, в регионе: %lld (на момент анализа).</figcaption></figure>",
			    (long long)h.school_n, (long long)h.all_n);
	}
	free(sv);
	free(rv);
	run_hist_free(&h);
}

/* The card's tiles: risk, rank, list, flags, works and the years with official flags.
 * Returns the top procedure's code in top (or ""). */
static void evidence_tiles(struct web_req *r, struct buf *b, int64_t run, int64_t school,
			   char *top, size_t ntop)
{
	struct run_risk k;
	long ranked = 0;
	top[0] = 0;
	if (run_school_risk(r->db, run, school, &k, &ranked)) {
		buf_puts(b, "<p class=\"notice\">В последнем анализе у школы нет признаков.</p>");
		return;
	}
	buf_puts(b, "<ul class=\"tiles\"><li><strong>");
	num(b, k.risk, "%.1f");
	html_printf(b, "</strong>риск (место %ld из %ld)</li><li><strong>%s</strong>в списке oko</li>"
		       "<li><strong>%ld</strong>официальных признаков</li><li><strong>%ld"
		       "</strong>признаков oko</li><li><strong>",
		    k.rank, ranked, k.listed ? "да" : "нет", k.official_flags, k.own_flags);
	html_int(b, k.works);
	buf_puts(b, "</strong>работ</li></ul>");
	if (*k.years_flagged) {
		buf_puts(b, "<p>Годы с официальными признаками: ");
		html_text(b, k.years_flagged);
		if (k.consecutive_years > 1)
			html_printf(b, " (подряд: %ld)", k.consecutive_years);
		buf_puts(b, ".</p>");
	}
	snprintf(top, ntop, "%s", k.top_procedure);
	run_risk_clear(&k);
}

/* One block per sign: what it means, once, then its procedures with their numbers. Sets
 * top to the first procedure when it is still empty. */
static int evidence_signs(struct web_req *r, struct buf *b, int64_t run, int64_t school,
			  char *top, size_t ntop)
{
	struct run_sign *v = NULL;
	size_t n = 0;
	int rc = run_school_signs(r->db, run, school, RUN_SIGNS_BY_SIGN, &v, &n);
	buf_puts(b, "<section><h2>Признаки</h2>");
	for (size_t i = 0; i < n; i++) {
		const struct run_sign *x = &v[i];
		if (!i || strcmp(v[i - 1].sign, x->sign)) {
			if (i)
				buf_puts(b, "</tbody></table></div>");
			const struct stat_sign_info *t = stat_sign_find(x->sign);
			buf_puts(b, "<div class=\"sign card\"><h3>");
			html_text(b, t ? t->title : x->sign);
			buf_puts(b, " <small>");
			html_text(b, t ? stat_sign_kind_title(t->kind) : "");
			buf_puts(b, " · <code>");
			html_text(b, x->sign);
			buf_puts(b, "</code></small></h3>");
			if (t) {
				buf_puts(b, "<p>");
				html_text(b, t->explain);
				buf_puts(b, "</p>");
			}
			buf_puts(b, "<table><thead><tr><th>Процедура</th><th>Значение</th><th>Порог</th>"
				    "<th>N</th><th>p (с поправкой)</th><th>Исходные числа</th></tr></thead><tbody>");
		}
		buf_puts(b, "<tr><td>");
		html_text(b, x->procedure);
		buf_puts(b, "</td><td class=\"num\">");
		num(b, x->value, "%.3g");
		buf_puts(b, "</td><td class=\"num\">");
		num(b, x->threshold, "%.3g");
		html_printf(b, "</td><td class=\"num\">%ld</td><td class=\"num\">", x->n);
		num(b, x->q_adj, "%.2g");
		buf_puts(b, "</td><td class=\"detail\"><code>");
		html_text(b, x->detail);
		buf_puts(b, "</code></td></tr>");
		if (!top[0])
			snprintf(top, ntop, "%s", x->procedure);
	}
	if (n)
		buf_puts(b, "</tbody></table></div>");
	else
		buf_puts(b, "<p>Ни один признак не отмечен.</p>");
	buf_puts(b, "</section>");
	run_signs_free(v, n);
	return rc;
}

static int evidence_history(struct web_req *r, struct buf *b, int64_t school)
{
	struct run_history *v = NULL;
	size_t n = 0;
	int rc = run_school_history(r->db, school, 20, &v, &n);
	buf_puts(b, "<section><h2>История по анализам</h2><table><thead><tr><th>Анализ (UTC)</th>"
		    "<th>Риск</th><th>Место</th><th>В списке</th><th>Официальных признаков</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "<tr><td>");
		html_text(b, v[i].at);
		buf_puts(b, "</td><td class=\"num\">");
		num(b, v[i].risk, "%.1f");
		html_printf(b, "</td><td class=\"num\">%ld</td><td>%s</td><td class=\"num\">%ld</td></tr>",
			    v[i].rank, v[i].listed ? "да" : "нет", v[i].official_flags);
	}
	buf_puts(b, "</tbody></table></section>");
	free(v);
	return rc;
}

/* A share difference in percentage points, one decimal with a comma. */
static void obs_pp(struct buf *b, double share)
{
	chart_pct(b, 100 * share);
}

static void obs_p(struct buf *b, double p)
{
	if (p < 0.001) {
		buf_puts(b, "p &lt; 0,001");
		return;
	}
	char t[32];
	snprintf(t, sizeof t, "p = %.3f", p);
	for (char *c = t; *c; c++)
		if (*c == '.')
			*c = ',';
	buf_puts(b, t);
}

/* The section «Наблюдение»: which of the school's sittings were observed and, when its
 * results relative to the region are markedly higher in the years nobody watched
 * (stats/observed.h: gap ≥ 5 п. п., Welch p < 0.01), that evidence with its years. */
static int evidence_observation(struct web_req *r, struct buf *b, int64_t school)
{
	struct obsd_year *y = NULL;
	size_t n = 0;
	int rc = observed_school_years(r->db, school, &y, &n);
	if (rc)
		return rc;
	buf_puts(b, "<section><h2>Наблюдение</h2>");
	struct stat_obs_year *v = calloc(n ? n : 1, sizeof *v);
	size_t nobs = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct stat_obs_year){ y[i].series, y[i].observed, y[i].works, y[i].sum,
					       y[i].sumsq, y[i].region_mean };
		nobs += y[i].observed;
	}
	struct stat_obs_school s;
	stat_obs_school(v, n, &s);
	if (!nobs) {
		buf_puts(b, "<p>На проведениях этой школы, по которым есть результаты, наблюдателей не "
			    "было.</p></section>");
		goto out;
	}
	buf_puts(b, "<p>С наблюдателем: ");
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!y[i].observed)
			continue;
		if (k++)
			buf_puts(b, "; ");
		web_procedure_title(b, y[i].procedure, y[i].subject, y[i].grade);
		html_printf(b, ", %d", y[i].year);
		if (y[i].date[0]) {
			buf_puts(b, " (");
			web_date_ru(b, y[i].date);
			buf_puts(b, ")");
		}
	}
	buf_puts(b, ".</p>");
	if (!s.years_obs) {
		buf_puts(b, "<p>Лет без наблюдателя по тем же работам (тот же предмет и класс) для "
			    "сравнения нет.</p></section>");
		goto out;
	}
	if (s.evidence) {
		buf_puts(b, "<div class=\"sign card\"><h3>Без наблюдателя результаты выше</h3><p>В годы "
			    "без наблюдателя результаты школы относительно региона выше на ");
		obs_pp(b, s.gap);
		html_printf(b, " п. п. (от максимального балла), чем в годы с наблюдателем "
			       "(работ без наблюдателя: %llu, с наблюдателем: %llu; критерий Уэлча, ",
			    (unsigned long long)s.n_unobs, (unsigned long long)s.n_obs);
		obs_p(b, s.p);
		buf_puts(b, "). Это повод для проверки объективности проведения и проверки работ в "
			    "годы без наблюдателя, а не вывод о нарушении.</p>");
	} else {
		buf_puts(b, "<p>Результаты школы относительно региона ");
		if (isnan(s.gap) || isnan(s.p)) {
			buf_puts(b, "в годы без наблюдателя и с ним сравнить не удалось (слишком мало "
				    "работ).</p>");
		} else {
			buf_puts(b, s.gap >= 0 ? "выше на " : "ниже на ");
			obs_pp(b, fabs(s.gap));
			buf_puts(b, " п. п. в годы без наблюдателя (");
			obs_p(b, s.p);
			buf_puts(b, "): этого недостаточно, чтобы считать разницу признаком (нужно "
				    "не меньше 5 п. п. при p &lt; 0,01).</p>");
		}
	}
	buf_puts(b, "<table><thead><tr><th>Работа</th><th>Год</th><th>Наблюдатель</th>"
		    "<th>Работ</th><th>Школа, % от максимума</th><th>Регион, % от максимума</th>"
		    "<th>Разница, п. п.</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		if (isnan(y[i].region_mean))
			continue; /* a series without both kinds of years */
		double mean = y[i].works ? y[i].sum / (double)y[i].works : NAN;
		buf_puts(b, "<tr><td>");
		web_procedure_title(b, y[i].procedure, y[i].subject, y[i].grade);
		html_printf(b, "</td><td class=\"num\">%d</td><td>%s</td><td class=\"num\">", y[i].year,
			    y[i].observed ? "был" : "не было");
		html_int(b, (long)y[i].works);
		buf_puts(b, "</td><td class=\"num\">");
		obs_pp(b, mean);
		buf_puts(b, "</td><td class=\"num\">");
		obs_pp(b, y[i].region_mean);
		buf_puts(b, "</td><td class=\"num\">");
		obs_pp(b, mean - y[i].region_mean);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></section>");
out:
	free(v);
	free(y);
	return 0;
}

int page_evidence(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const char *login = web_str(r, "login");
	struct registry_school_card card;
	int rc = registry_school_get(r->db, login, r->a, &card);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (rc || !scope_sees_school(r->db, &r->scope, card.id))
		return ERR_NOTFOUND;
	int64_t school = card.id;
	const char *name = card.name;
	struct run_info ri;
	if ((rc = run_latest(r->db, &ri)) == ERR_NOTFOUND) {
		no_run(r, w, name);
		return 0;
	}
	if (rc)
		return rc;
	html_begin(r, w, name);
	buf_puts(b, "<p><a href=\"/risk\">← Зона риска</a></p><h1>");
	html_text(b, name);
	buf_puts(b, "</h1><p class=\"muted\">Доказательная карточка: признаки, по которым школа "
		    "отмечена в последнем анализе, с исходными числами. Признак — повод для проверки "
		    "(перепроверки работ, наблюдения), а не вывод о нарушении. Всё на карточке — "
		    "на момент анализа от ");
	html_text(b, ri.at);
	buf_puts(b, " (UTC).</p>");
	web_recheck_card(r, b, ri.id, school);
	char top[48];
	evidence_tiles(r, b, ri.id, school, top, sizeof top);
	rc = evidence_signs(r, b, ri.id, school, top, sizeof top);
	if (top[0]) {
		buf_puts(b, "<section><h2>Распределение баллов</h2>");
		distribution(r, b, ri.id, school, top);
		buf_puts(b, "<p><a href=\"/reports/");
		html_url(b, top);
		buf_puts(b, "?school=");
		html_url(b, login);
		buf_puts(b, "\">Все отчёты школы по этой процедуре (по текущим результатам)</a></p></section>");
	}
	int rc3 = evidence_observation(r, b, school);
	int rc2 = evidence_history(r, b, school);
	html_end(r, w);
	return rc ? rc : rc3 ? rc3 : rc2;
}
