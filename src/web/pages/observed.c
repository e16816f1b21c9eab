/* observed: observation as a control group — do schools write better where nobody watches?
 *
 *   GET /observers/control[?campaign=ID]     (web.h: int page_observers_control(struct
 *                                             web_req *r, struct web_res *w); the route is
 *                                             route.c's, for the coordinators)
 *
 * For each procedure of the campaign that has observed sittings (no campaign: every such
 * procedure), the schools of the viewer's scope are compared: observed sittings against
 * unobserved ones within strata of comparable schools (the same kind and the same risk
 * status in the latest analysis run), the difference weighted across strata, with its 95 %
 * confidence interval and p (stats/observed.h, numbers from model/observed.h). The page
 * says in plain Russian what the difference means and that it is a reason to look, not a
 * verdict. The rendered tables are cached per scope and database version. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/ru.h"
#include "model/observed.h"
#include "model/plan.h"
#include "stats/observed.h"
#include "web/chart.h"
#include "web/web.h"

/* A p-value as people read it: «0,004», «< 0,001», «—» when none (base/ru.h's form
 * without its «p =», as the column and the sentence say «p» themselves). */
static void p_text(struct buf *b, double p)
{
	if (isnan(p)) {
		buf_puts(b, "—");
		return;
	}
	char t[RU_NUM_MAX];
	if (p < 0.001)
		html_text(b, "< 0,001");
	else
		html_text(b, ru_num(t, sizeof t, p, 3));
}

/* Percentage points of a share difference, one decimal, decimal comma, a true minus. */
static void pp(struct buf *b, double share)
{
	char t[RU_NUM_MAX];
	html_text(b, ru_num(t, sizeof t, 100 * share, 1));
}

static void count(struct buf *b, long v)
{
	char t[RU_NUM_MAX];
	html_text(b, ru_int(t, sizeof t, v));
}

/* A confidence interval: «3,1–9,3», or «от −1,2 до 3,4» when a bound is negative. */
static void ci(struct buf *b, double lo, double hi)
{
	bool neg = lo < 0 || hi < 0;
	if (neg)
		buf_puts(b, "от ");
	pp(b, lo);
	buf_puts(b, neg ? " до " : "–");
	pp(b, hi);
}

static void proc_title(struct buf *b, const struct obsd_procedure *p)
{
	web_procedure_title(b, p->code, p->subject, p->grade);
	html_printf(b, ", %d", p->year);
}

/* The comparison of one procedure in the scope. */
struct proc_cmp {
	struct obsd_procedure p;
	struct stat_obs_control c;
	bool ok; /* read */
};

static int compare(struct web_req *r, const struct obsd_procedure *p, struct proc_cmp *x)
{
	x->p = *p;
	struct obsd_sitting *s = NULL;
	size_t n = 0;
	int rc = observed_sittings(r->db, &r->scope, p, &s, &n);
	if (rc)
		return rc;
	struct stat_obs_unit *u = xmalloc((n ? n : 1) * sizeof *u);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!s[i].in_scope || !s[i].works)
			continue;
		u[k].stratum = (int)s[i].risk * 64 + s[i].kind_ix;
		u[k].observed = s[i].observed;
		u[k].mean = s[i].sum / (double)s[i].works;
		k++;
	}
	stat_obs_control(u, k, &x->c);
	x->ok = true;
	free(u);
	free(s);
	return 0;
}

/* «в школах без наблюдателя средний результат выше на 6,2 п. п. (95 % ДИ 3,1–9,3), p = 0,001». */
static void sentence(struct buf *b, const struct proc_cmp *x)
{
	const struct stat_obs_control *c = &x->c;
	buf_puts(b, "<li><strong>");
	proc_title(b, &x->p);
	buf_puts(b, ":</strong> ");
	if (isnan(c->diff)) {
		buf_puts(b, "сравнить не с чем — ни в одной группе сопоставимых школ нет хотя бы двух "
			    "школ с наблюдателем и двух без него (школ с наблюдателем: ");
		count(b, c->schools_obs);
		buf_puts(b, ", без: ");
		count(b, c->schools_unobs);
		buf_puts(b, ").</li>");
		return;
	}
	buf_puts(b, "в школах без наблюдателя средний результат ");
	if (fabs(c->diff) < 0.0005)
		buf_puts(b, "такой же, как в школах с наблюдателем");
	else {
		buf_puts(b, c->diff > 0 ? "выше на " : "ниже на ");
		pp(b, fabs(c->diff));
		buf_puts(b, " п. п.");
	}
	buf_puts(b, " (95 % ДИ ");
	ci(b, c->lo, c->hi);
	buf_puts(b, "), p ");
	if (!isnan(c->p) && c->p >= 0.001)
		buf_puts(b, "= ");
	p_text(b, c->p);
	buf_puts(b, ". ");
	if (!isnan(c->p) && c->p < 0.05 && c->diff > 0)
		buf_puts(b, "Без наблюдателя работы написаны заметно лучше, чем в таких же школах под "
			    "наблюдением: это повод проверить объективность проведения в школах без "
			    "наблюдателя, а не вывод о нарушении.");
	else if (!isnan(c->p) && c->p < 0.05)
		buf_puts(b, "Под наблюдением работы написаны лучше — наблюдатели, видимо, направлены в "
			    "более сильные школы; о необъективности это не говорит.");
	else
		buf_puts(b, "Разница в пределах случайной: признаков того, что без наблюдателя результаты "
			    "завышаются, нет.");
	buf_puts(b, "</li>");
}

static int tables(struct web_req *r, int64_t campaign, struct buf *b)
{
	struct obsd_procedure *p = NULL;
	size_t n = 0;
	int rc = observed_procedures(r->db, campaign, &p, &n);
	if (rc)
		return rc;
	if (!n) {
		buf_puts(b, "<p class=\"card\">Проведений с наблюдателем пока нет: сравнивать не с чем. "
			    "Сравнение появится, когда наблюдатели будут назначены и результаты загружены.</p>");
		free(p);
		return 0;
	}
	struct proc_cmp *x = xcalloc(n, sizeof *x);
	for (size_t i = 0; i < n && !rc; i++)
		rc = compare(r, &p[i], &x[i]);
	if (rc)
		goto out;
	/* Six columns, pairs in one cell («с / без»), so that the table fits a phone. */
	buf_puts(b, "<table><thead><tr><th>Процедура</th><th>Школ: с наблюдателем / без</th>"
		    "<th>Средний результат, %: с наблюдателем / без</th>"
		    "<th>Разница (без − с), п. п., и её 95 % ДИ</th><th>p</th>"
		    "<th>Групп сопоставимых школ: учтено / пропущено</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct stat_obs_control *c = &x[i].c;
		buf_puts(b, "<tr><td>");
		proc_title(b, &x[i].p);
		buf_puts(b, "</td><td class=\"num\">");
		count(b, c->schools_obs);
		buf_puts(b, " / ");
		count(b, c->schools_unobs);
		buf_puts(b, "</td><td class=\"num\">");
		pp(b, c->mean_obs);
		buf_puts(b, " / ");
		pp(b, c->mean_unobs);
		buf_puts(b, "</td><td class=\"num\">");
		pp(b, c->diff);
		if (!isnan(c->diff)) {
			buf_puts(b, "<br><small>");
			ci(b, c->lo, c->hi);
			buf_puts(b, "</small>");
		}
		buf_puts(b, "</td><td class=\"num\">");
		p_text(b, c->p);
		buf_puts(b, "</td><td class=\"num\">");
		count(b, c->strata_used);
		buf_puts(b, " / ");
		count(b, c->strata_skipped);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table><h2>Что это значит</h2><ul class=\"explain\">");
	for (size_t i = 0; i < n; i++)
		sentence(b, &x[i]);
	buf_puts(b, "</ul>");
out:
	free(x);
	free(p);
	return rc;
}

static void campaign_form(struct web_req *r, struct buf *b, int64_t campaign)
{
	struct plan_campaign_item *v = NULL;
	size_t n = 0;
	if (plan_campaigns(r->db, &v, &n))
		return;
	buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/observers/control\"><label>"
		    "Кампания <select name=\"campaign\"><option value=\"\">все проведения с наблюдателем"
		    "</option>");
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<option value=\"%lld\"%s>", (long long)v[i].id,
			    v[i].id == campaign ? " selected" : "");
		html_text(b, v[i].name);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><button>Показать</button></form>");
	free(v);
}

int page_observers_control(struct web_req *r, struct web_res *w)
{
	if (r->scope.kind == SCOPE_NONE)
		return ERR_NOTFOUND;
	int64_t campaign = web_int(r, "campaign");
	if (campaign > 0) {
		char name[PLAN_NAME_MAX];
		if (plan_campaign_get(r->db, campaign, name, sizeof name))
			return ERR_NOTFOUND;
	} else {
		campaign = 0;
	}
	struct buf *b = &w->body;
	html_begin(r, w, "Наблюдение как контрольная группа");
	buf_puts(b, "<p><a href=\"/observers\">← Наблюдатели</a></p>"
		    "<h1>Наблюдение как контрольная группа</h1>"
		    "<p class=\"muted\">Если без наблюдателя результаты завышаются, то в школах без "
		    "наблюдателя они окажутся выше, чем в таких же школах под наблюдением. Сравниваются "
		    "школы одного типа с одинаковым положением в последнем анализе (в списке oko, с "
		    "официальными признаками, без признаков); для каждой школы берётся средний первичный "
		    "балл её работ в процентах от максимального. Группа, где с какой-либо стороны меньше "
		    "двух школ, не учитывается. Разница по группам сводится с весами, тем большими, чем "
		    "больше школ с обеих сторон; 95 % ДИ — доверительный интервал разницы, p — "
		    "вероятность получить такую разницу случайно, если наблюдение на результаты не "
		    "влияет. Учитываются только школы, которые вы видите.</p>");
	campaign_form(r, b, campaign);
	char sk[64], key[128];
	scope_key(&r->scope, sk, sizeof sk);
	snprintf(key, sizeof key, "obsctl:%s:%lld", sk, (long long)campaign);
	const char *cached = web_cache_get(r, key);
	int rc = 0;
	if (cached) {
		html_raw(b, cached);
	} else {
		struct buf part = BUF_INIT;
		if (!(rc = tables(r, campaign, &part))) {
			web_cache_put(r, key, buf_str(&part));
			html_raw(b, buf_str(&part));
		}
		buf_free(&part);
	}
	html_end(r, w);
	return rc;
}
