/* observers: the coordinator's pages of observation (docs/observers.md).
 *
 *   GET  /observers[?campaign=ID&municipality=&page=]   the campaign chooser; one campaign's
 *        coverage, violations, the sittings with their observers (each linked to its override
 *        page), the assignment button, the school's reveal setting, the registry (upload,
 *        logins) and the documents
 *   GET  /observers/set?campaign=&procedure=&school=   one sitting and its override form
 *   POST /observers/set       a coordinator's choice for one sitting (or «снять»)
 *   POST /observers/assign    the automatic assignment (src/assign/observers.c), or a dry run
 *   POST /observers/reveal    region/admin: the school sees its observer only on the day
 *   POST /observers/import    the registry file (observers.csv / .xlsx) from memory
 *   POST /observers/link      a login of role observer linked to a person of the registry
 *   GET  /observers/schedule.csv|.xlsx|.pdf?campaign=   the schedule (report/observers.c)
 *   GET  /observers/acts.csv|.xlsx?campaign=            the acts as a table
 *   GET  /observers/coverage.csv|.xlsx?campaign=&by=    coverage as a table
 *
 * The violations list (/observers/violations) is in observers_act.c, beside the act.
 *
 * Everything is limited to the coordinator's scope: the model lists only the sittings and
 * observers it sees; a sitting, school or observer named in a request outside it is 404.
 * All SQL is in model/observer.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "assign/observers.h"
#include "base/diag.h"
#include "base/err.h"
#include "base/str.h"
#include "import/import.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "report/observers.h"
#include "report/plan_pdf.h"
#include "web/download.h"
#include "web/metrics.h"
#include "web/web.h"

#define SITTINGS_PER_PAGE 100

/* ---- helpers shared with observers_act.c (declared in web.h) ---- */

void web_procedure_title(struct buf *b, const char *code, const char *subject, int grade)
{
	char t[160];
	procedure_title_of(code, subject, grade, t, sizeof t); /* else the code as it is */
	html_text(b, t);
}

/* ---- this file's helpers ---- */

static bool is_region(const struct web_req *r)
{
	return r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION;
}

static void notice(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

static void hidden_campaign(struct buf *b, int64_t cid)
{
	html_printf(b, "<input type=\"hidden\" name=\"campaign\" value=\"%lld\">", (long long)cid);
}

/* «12 из 40 (30 %)», the share rounded down to a whole percent. */
/* «264 из 272 (97 %)»: in a cell of class "share" (oko.css) it may break before the
 * percent only, so that a table of several such columns fits a 1366 px screen. */
static void share(struct buf *b, long part, long all)
{
	html_int(b, part);
	buf_puts(b, "\xC2\xA0из\xC2\xA0");
	html_int(b, all);
	if (all > 0)
		html_printf(b, " (%ld\xC2\xA0%%)", 100 * part / all);
}

/* The newest campaign (plan_campaigns lists newest first); 0 when none. */
static int64_t latest_campaign(struct web_req *r, char *name, size_t n)
{
	struct plan_campaign_item *v = NULL;
	size_t nv = 0;
	int64_t id = 0;
	if (!plan_campaigns(r->db, &v, &nv) && nv) {
		id = v[0].id;
		if (name)
			snprintf(name, n, "%s", v[0].name);
	}
	free(v);
	return id;
}

/* What a POST handler has to say above the page. */
struct flash {
	const char *text;
	bool ok;
	const struct obs_assign_report *rep;
	bool dry_run;
	uint64_t seed;
	const struct diag_list *diags;
};

static void campaign_chooser(struct web_req *r, struct buf *b, int64_t cid)
{
	struct plan_campaign_item *v = NULL;
	size_t n = 0;
	if (plan_campaigns(r->db, &v, &n))
		return;
	buf_puts(b, "<nav class=\"toc\" aria-label=\"Кампании\"><ol>");
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<li><a href=\"/observers?campaign=%lld\"%s>", (long long)v[i].id,
			    v[i].id == cid ? " aria-current=\"page\"" : "");
		html_text(b, v[i].name);
		buf_puts(b, "</a></li>");
	}
	buf_puts(b, "</ol></nav>");
	if (!n)
		buf_puts(b, "<p>Кампаний пока нет: наблюдатели назначаются на проведения кампании "
			    "плана-графика.</p>");
	free(v);
}

/* ---- coverage ---- */

static void coverage_row(struct buf *b, const struct obs_coverage *c, bool total)
{
	buf_puts(b, total ? "<tr class=\"total\"><th scope=\"row\">" : "<tr><td>");
	html_text(b, total ? "Всего" : c->group);
	buf_puts(b, total ? "</th><td class=\"num share\">" : "</td><td class=\"num share\">");
	share(b, c->observed, c->sittings);
	buf_puts(b, "</td><td class=\"num share\">");
	share(b, c->priority_observed, c->priority);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, c->acts);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, c->acts_violations);
	buf_puts(b, "</td><td class=\"num share\">");
	share(b, c->video_sitting, c->sittings);
	buf_puts(b, "</td><td class=\"num share\">");
	share(b, c->video_checking, c->sittings);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, c->video_problems);
	buf_puts(b, "</td></tr>");
}

/* The coverage of the campaign the page's tables and its municipality filter read: one
 * query for all of them, made when the first of them needs it (a kept coverage section
 * needs none). */
struct cov_once {
	bool tried;
	int rc;
	struct obs_coverage_set set;
};

static const struct obs_coverage_set *cov_get(struct web_req *r, int64_t cid, struct cov_once *c)
{
	if (!c->tried) {
		c->tried = true;
		c->rc = observer_coverage_set(r->db, &r->scope, cid, &c->set);
	}
	return c->rc ? NULL : &c->set;
}

static void coverage_table(struct buf *b, const struct obs_coverage_set *set, enum obs_group by,
			   const char *title)
{
	if (!set)
		return;
	const struct obs_coverage *v = set->v[by], *total = &set->total[by];
	size_t n = set->n[by];
	html_printf(b, "<table class=\"monitor\"><caption>%s</caption><thead><tr><th>%s</th>"
		       "<th>Проведений с наблюдателем</th><th>Из них в зоне риска</th><th>Актов</th>"
		       "<th>С нарушениями</th><th>Видео на проведении</th><th>Видео на проверке</th>"
		       "<th>Сбоев видео</th></tr></thead><tbody>",
		    title, by == OBS_BY_MUNICIPALITY ? "Муниципалитет" : by == OBS_BY_KIND ? "Тип школы"
											: "Статус риска");
	for (size_t i = 0; i < n; i++)
		coverage_row(b, &v[i], false);
	if (!n)
		buf_puts(b, "<tr><td colspan=\"8\">Проведений с назначенной датой пока нет.</td></tr>");
	else
		coverage_row(b, total, true);
	buf_puts(b, "</tbody></table>");
}

static void violations_table(struct web_req *r, struct buf *b, int64_t cid)
{
	struct obs_violation_count *v = NULL;
	size_t n = 0;
	if (observer_violation_counts(r->db, &r->scope, cid, &v, &n))
		return;
	buf_puts(b, "<h3>Нарушения по видам и школам</h3>");
	if (!n) {
		buf_puts(b, "<p>В актах кампании нарушений не отмечено.</p>");
		free(v);
		return;
	}
	buf_puts(b, "<table><thead><tr><th>Нарушение</th><th>Школа</th><th>Муниципалитет</th>"
		    "<th>Актов</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "<tr><td>");
		html_text(b, v[i].violation);
		buf_puts(b, "</td><td>");
		html_text(b, v[i].school_name);
		buf_puts(b, " <small class=\"muted\">");
		html_text(b, v[i].school_login);
		buf_puts(b, "</small></td><td>");
		html_text(b, v[i].municipality);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, v[i].acts);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table>");
	free(v);
}

static void coverage_render(struct web_req *r, struct buf *b, int64_t cid, struct cov_once *c)
{
	buf_puts(b, "<section class=\"card\" id=\"coverage\"><h2>Охват наблюдением</h2><div class=\"scroll\">");
	const struct obs_coverage_set *set = cov_get(r, cid, c);
	if (r->scope.kind != SCOPE_MUNICIPALITY)
		coverage_table(b, set, OBS_BY_MUNICIPALITY, "По муниципалитетам");
	coverage_table(b, set, OBS_BY_KIND, "По типам школ");
	coverage_table(b, set, OBS_BY_RISK, "По статусу риска (последний анализ)");
	violations_table(r, b, cid);
	buf_puts(b, "</div><p>Выгрузить охват: ");
	static const struct { const char *by, *title; } groups[] = {
		{ "municipality", "по муниципалитетам" }, { "kind", "по типам школ" },
		{ "risk", "по статусу риска" },
	};
	for (size_t i = r->scope.kind == SCOPE_MUNICIPALITY; i < sizeof groups / sizeof *groups; i++)
		html_printf(b, "%s%s — <a href=\"/observers/coverage.xlsx?campaign=%lld&amp;by=%s\">XLSX</a>, "
			       "<a href=\"/observers/coverage.csv?campaign=%lld&amp;by=%s\">CSV</a>",
			    i > (size_t)(r->scope.kind == SCOPE_MUNICIPALITY) ? "; " : "", groups[i].title,
			    (long long)cid, groups[i].by, (long long)cid, groups[i].by);
	buf_puts(b, ".</p></section>");
}

/* The coverage tables read every sitting of the campaign (one statement, grouped three
 * ways): rendered once per scope, campaign and database version (web_cache). */
static void coverage(struct web_req *r, struct buf *b, int64_t cid, struct cov_once *c)
{
	char sk[64], key[128];
	scope_key(&r->scope, sk, sizeof sk);
	snprintf(key, sizeof key, "obscov:%s:%lld", sk, (long long)cid);
	const char *cached = web_cache_get(r, key);
	if (cached) {
		html_raw(b, cached);
		return;
	}
	struct buf part = BUF_INIT;
	coverage_render(r, &part, cid, c);
	web_cache_put(r, key, buf_str(&part));
	html_raw(b, buf_str(&part));
	buf_free(&part);
}

/* ---- the sittings ---- */

static const char *video_word(const char *mode)
{
	return *mode ? obs_video_mode_title(mode) : "—";
}

/* The override form of one sitting: the observers of its municipality and those with none. */
static void override_form(struct web_req *r, struct buf *b, int64_t cid, const struct obs_sitting *s,
			  const struct obs_person *obs, size_t nobs)
{
	buf_puts(b, "<form method=\"post\" action=\"/observers/set\" class=\"inline\">");
	html_csrf(r, b);
	hidden_campaign(b, cid);
	buf_puts(b, "<input type=\"hidden\" name=\"procedure\" value=\"");
	html_attr(b, s->procedure);
	buf_puts(b, "\"><input type=\"hidden\" name=\"school\" value=\"");
	html_attr(b, s->school_login);
	buf_puts(b, "\"><select name=\"observer\" aria-label=\"Наблюдатель\"><option value=\"0\">");
	buf_puts(b, s->observer_id ? "— снять наблюдателя —" : "— не назначен —");
	buf_puts(b, "</option>");
	for (size_t i = 0; i < nobs; i++) {
		const struct obs_person *p = &obs[i];
		if (p->municipality_id && p->municipality_id != s->municipality_id && p->id != s->observer_id)
			continue;
		html_printf(b, "<option value=\"%lld\"%s>", (long long)p->id,
			    p->id == s->observer_id ? " selected" : "");
		html_text(b, p->name);
		buf_puts(b, " (");
		html_text(b, obs_kind_name(p->kind));
		buf_puts(b, ")</option>");
	}
	buf_puts(b, "</select><button class=\"secondary\">Назначить</button></form>");
}

/* The sitting's row links to its own page with the override form: a form in every row
 * listed every eligible observer 100 times, 204 KB of the demo region's 371 KB page
 * (issue 21). */
static void sitting_link(struct buf *b, int64_t cid, const struct obs_sitting *s)
{
	html_printf(b, "<a href=\"/observers/set?campaign=%lld&amp;procedure=", (long long)cid);
	html_url(b, s->procedure);
	buf_puts(b, "&amp;school=");
	html_url(b, s->school_login);
	buf_puts(b, s->observer_id ? "\">заменить или снять</a>" : "\">назначить</a>");
}

/* The region's filter by municipality: those with sittings, named as coverage names them. */
static void municipality_filter(struct web_req *r, struct buf *b, int64_t cid, int64_t mid,
				const struct obs_sitting *v, size_t n, struct cov_once *c)
{
	buf_puts(b, "<form method=\"get\" action=\"/observers\" class=\"filters\">");
	hidden_campaign(b, cid);
	buf_puts(b, "<label>Муниципалитет <select name=\"municipality\"><option value=\"\">все</option>");
	const struct obs_coverage_set *set = cov_get(r, cid, c);
	if (set) {
		const struct obs_coverage *m = set->v[OBS_BY_MUNICIPALITY];
		size_t nm = set->n[OBS_BY_MUNICIPALITY];
		for (size_t i = 0; i < nm; i++) {
			int64_t id = 0;
			for (size_t j = 0; j < n && !id; j++)
				if (!strcmp(v[j].municipality, m[i].group))
					id = v[j].municipality_id;
			if (!id)
				continue;
			html_printf(b, "<option value=\"%lld\"%s>", (long long)id, id == mid ? " selected" : "");
			html_text(b, m[i].group);
			buf_puts(b, "</option>");
		}
	}
	buf_puts(b, "</select></label><button class=\"secondary\">Показать</button></form>");
}

/* The campaign's registry as the scope sees it, read once for the registry's table. */
struct obs_once {
	int rc;
	struct obs_person *v;
	size_t n;
};

/* A sitting's school, its municipality and whether it is a priority; sep before the
 * municipality ("<br>" in the list's cell). */
static void sitting_school(struct buf *b, const struct obs_sitting *s, const char *sep)
{
	html_text(b, s->school_name);
	buf_puts(b, sep);
	buf_puts(b, "<small class=\"muted\">");
	html_text(b, s->municipality);
	if (s->priority)
		buf_puts(b, " · в зоне риска");
	buf_puts(b, "</small>");
}

/* A sitting's observer, its kind and a choice by hand with what it breaks; sep between
 * them. */
static void sitting_observer(struct buf *b, const struct obs_sitting *s, const char *sep)
{
	if (!s->observer_id) {
		buf_puts(b, "<span class=\"muted\">не назначен</span>");
		return;
	}
	html_text(b, s->observer_name);
	buf_puts(b, sep);
	buf_puts(b, "<small class=\"muted\">");
	html_text(b, obs_kind_name(s->observer_kind));
	buf_puts(b, "</small>");
	if (s->manual) {
		buf_puts(b, sep);
		buf_puts(b, "<span class=\"tag\">вручную</span>");
		if (s->note[0]) {
			buf_puts(b, " <small class=\"warn\">");
			html_text(b, s->note);
			buf_puts(b, "</small>");
		}
	}
}

static void sittings_table(struct web_req *r, struct buf *b, int64_t cid, struct cov_once *c)
{
	struct obs_sitting *v = NULL;
	size_t n = 0;
	int64_t mid = web_int(r, "municipality");
	long page = (long)web_int(r, "page");
	buf_puts(b, "<section class=\"card\" id=\"sittings\"><h2>Проведения и наблюдатели</h2>");
	if (observer_sittings(r->db, &r->scope, cid, &v, &n)) {
		notice(b, false, "Не удалось прочитать проведения.");
		goto out;
	}
	if (r->scope.kind != SCOPE_MUNICIPALITY)
		municipality_filter(r, b, cid, mid, v, n, c);
	/* The municipality filter: the rows kept are moved to the front. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (!mid || v[i].municipality_id == mid)
			v[kept++] = v[i];
	buf_puts(b, "<p class=\"muted\">Проведений: ");
	html_int(b, (long)kept);
	buf_puts(b, ". «Вручную» — выбор координатора; он сохраняется при автоматическом назначении.</p>");
	buf_puts(b, "<div class=\"scroll\"><table class=\"sittings\"><thead><tr><th>Дата</th><th>Время</th>"
		    "<th>Процедура</th><th>Школа</th><th>Наблюдатель</th><th>Акт</th><th>Видео</th>"
		    "<th>Изменить</th></tr></thead><tbody>");
	size_t from = (size_t)(page - 1) * SITTINGS_PER_PAGE;
	for (size_t i = from; i < kept && i < from + SITTINGS_PER_PAGE; i++) {
		const struct obs_sitting *s = &v[i];
		html_printf(b, "<tr%s><td>", s->priority ? " class=\"priority\"" : "");
		web_date_ru(b, s->date);
		buf_puts(b, "</td><td>");
		html_text(b, s->time);
		buf_puts(b, "</td><td>");
		web_procedure_title(b, s->procedure, s->subject, s->grade);
		buf_puts(b, "</td><td>");
		sitting_school(b, s, "<br>");
		buf_puts(b, "</td><td>");
		sitting_observer(b, s, "<br>");
		buf_puts(b, "</td><td>");
		if (s->act_id) {
			html_printf(b, "<a href=\"/acts/%lld\">%s</a>", (long long)s->act_id,
				    s->violations ? "есть нарушения" : "нарушений нет");
		} else {
			buf_puts(b, "<span class=\"muted\">нет</span>");
		}
		buf_puts(b, "</td><td><small>проведение: ");
		html_text(b, video_word(s->video_sitting));
		buf_puts(b, "<br>проверка: ");
		html_text(b, video_word(s->video_checking));
		buf_puts(b, "</small></td><td>");
		sitting_link(b, cid, s);
		buf_puts(b, "</td></tr>");
	}
	if (!kept)
		buf_puts(b, "<tr><td colspan=\"8\">Проведений с назначенной датой нет: школы назначают дату и "
			    "время на странице «План-график».</td></tr>");
	buf_puts(b, "</tbody></table></div>");
	char *base = arena_printf(r->a, "/observers?campaign=%lld%s", (long long)cid,
				  mid ? arena_printf(r->a, "&municipality=%lld", (long long)mid) : "");
	html_pager(b, base, (long)kept, SITTINGS_PER_PAGE, page);
	buf_puts(b, "</section>");
out:
	free(v);
}

/* ---- the assignment, the setting, the registry, documents, acts ---- */

static void assign_report(struct buf *b, const struct flash *f)
{
	const struct obs_assign_report *x = f->rep;
	buf_puts(b, "<section class=\"card\" id=\"report\"><h2>");
	buf_puts(b, f->dry_run ? "Проверка назначения (ничего не сохранено)" : "Назначение выполнено");
	buf_puts(b, "</h2><dl class=\"facts\"><dt>Проведений с наблюдателем</dt><dd>");
	share(b, x->covered, x->sittings);
	buf_puts(b, "</dd><dt>Из них в зоне риска</dt><dd>");
	share(b, x->priority_covered, x->priority);
	buf_puts(b, "</dd><dt>Наблюдателей занято</dt><dd>");
	share(b, x->observers_used, x->observers);
	buf_puts(b, "</dd><dt>Назначений вручную сохранено</dt><dd>");
	html_int(b, x->manual);
	buf_puts(b, "</dd><dt>Уже прошли или есть акт (наблюдатель не менялся)</dt><dd>");
	html_int(b, x->held);
	buf_puts(b, "</dd><dt>Наблюдатель назначен другим координатором (оставлен)</dt><dd>");
	html_int(b, x->foreign);
	buf_puts(b, "</dd><dt>Из своего муниципалитета</dt><dd>");
	html_int(b, x->same_municipality);
	buf_puts(b, "</dd><dt>В ту же школу, что в прошлый раз</dt><dd>");
	html_int(b, x->repeats);
	buf_puts(b, "</dd><dt>В ту же школу на соседние проведения кампании</dt><dd>");
	html_int(b, x->repeats_inside);
	buf_puts(b, "</dd><dt>Больше всего у одного наблюдателя</dt><dd>");
	html_int(b, x->max_load);
	html_printf(b, "</dd><dt>Число для жребия</dt><dd>%llu</dd><dt>Время расчёта</dt><dd>",
		    (unsigned long long)f->seed);
	html_num(b, x->seconds, 2);
	buf_puts(b, " с</dd></dl></section>");
}

static void assign_form(struct web_req *r, struct buf *b, int64_t cid, const char *assigned_at)
{
	buf_puts(b, "<section class=\"card\" id=\"assign\"><h2>Автоматическое назначение</h2><p>Сначала "
		    "покрываются проведения школ из зоны риска, затем как можно больше остальных; затем "
		    "наблюдатели из того же муниципалитета и равномерная нагрузка. Наблюдатель никогда не "
		    "назначается в школу, где работает или где учится его ребёнок. Назначения вручную "
		    "и проведения, которые уже прошли или по которым есть акт, не меняются. Из равноценных вариантов выбирается случайный.</p>");
	if (assigned_at && *assigned_at) {
		buf_puts(b, "<p class=\"muted\">Последнее назначение: ");
		web_moment_ru(b, assigned_at);
		buf_puts(b, ".</p>");
	}
	buf_puts(b, "<form method=\"post\" action=\"/observers/assign\" class=\"grid\">");
	html_csrf(r, b);
	hidden_campaign(b, cid);
	buf_puts(b, "<label>Число для жребия (необязательно) <input name=\"seed\" inputmode=\"numeric\" "
		    "pattern=\"[0-9]*\"></label><label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" "
		    "value=\"1\"> только проверить, не сохранять</label><button>Назначить наблюдателей</button>"
		    "</form></section>");
}

static void reveal_form(struct web_req *r, struct buf *b, int64_t cid, bool day)
{
	buf_puts(b, "<section class=\"card\" id=\"reveal\"><h2>Когда школа видит наблюдателя</h2><p>");
	buf_puts(b, day ? "Сейчас: школа видит своего наблюдателя только в день проведения."
			: "Сейчас: школа видит своего наблюдателя сразу после назначения.");
	buf_puts(b, "</p>");
	if (is_region(r)) {
		buf_puts(b, "<form method=\"post\" action=\"/observers/reveal\" class=\"filters\">");
		html_csrf(r, b);
		hidden_campaign(b, cid);
		html_printf(b, "<label class=\"check\"><input type=\"radio\" name=\"reveal\" value=\"always\"%s> "
			       "сразу после назначения</label><label class=\"check\"><input type=\"radio\" "
			       "name=\"reveal\" value=\"day\"%s> школа видит наблюдателя только в день "
			       "проведения</label><button class=\"secondary\">Сохранить</button></form>",
			    day ? "" : " checked", day ? " checked" : "");
	}
	buf_puts(b, "</section>");
}

static void registry(struct web_req *r, struct buf *b, int64_t cid, const struct flash *f,
		     const struct obs_once *people)
{
	const struct obs_person *v = people->v;
	size_t n = people->n;
	buf_puts(b, "<section class=\"card\" id=\"registry\"><h2>Реестр наблюдателей</h2>");
	if (f)
		web_diag_list(b, f->diags);
	buf_puts(b, "<p>Файл реестра — CSV (UTF-8 или Windows-1251) или XLSX со столбцами id, name, kind, "
		    "municipality, works_at, children_at, max_per_day, available. Файл загружается целиком "
		    "или не загружается совсем: при ошибке реестр не меняется.</p><form method=\"post\" "
		    "action=\"/observers/import\" enctype=\"multipart/form-data\" class=\"grid\">");
	html_csrf(r, b);
	hidden_campaign(b, cid);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required accept=\".csv,.xlsx,.txt\"></label>"
		    "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> только "
		    "проверить</label><button>Загрузить реестр</button></form>");
	if (people->rc) {
		buf_puts(b, "</section>");
		return;
	}
	buf_puts(b, "<div class=\"scroll\"><table class=\"people\"><thead><tr><th>Код</th><th>ФИО</th>"
		    "<th>Вид</th><th>Муниципалитет</th><th>Не назначать в школы</th><th>В день, не больше</th>"
		    "<th>Дни</th><th>Назначений</th><th>Логин</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct obs_person *p = &v[i];
		buf_puts(b, "<tr><td>");
		html_text(b, p->code);
		buf_puts(b, "</td><td>");
		html_text(b, p->name);
		buf_puts(b, "</td><td>");
		html_text(b, obs_kind_name(p->kind));
		buf_puts(b, "</td><td>");
		html_text(b, p->municipality[0] ? p->municipality : "—");
		html_printf(b, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td>",
			    p->nworks + p->nchildren, p->max_per_day);
		if (!p->ndays)
			buf_puts(b, "любые");
		for (int d = 0; d < p->ndays && p->ndays <= 4; d++) {
			if (d)
				buf_puts(b, ", ");
			web_date_ru(b, p->days[d]);
		}
		if (p->ndays > 4) { /* days are sorted: the count and the span */
			html_count(b, p->ndays, "день", "дня", "дней");
			buf_puts(b, ", ");
			web_date_ru(b, p->days[0]);
			buf_puts(b, " – ");
			web_date_ru(b, p->days[p->ndays - 1]);
		}
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, p->assigned);
		buf_puts(b, "</td><td>");
		html_text(b, p->login[0] ? p->login : "—");
		buf_puts(b, "</td></tr>");
	}
	if (!n)
		buf_puts(b, "<tr><td colspan=\"9\">В реестре пока никого нет.</td></tr>");
	buf_puts(b, "</tbody></table></div>");
	if (n) {
		buf_puts(b, "<h3>Вход для наблюдателя</h3><p>Пользователь с ролью «наблюдатель» после связи с "
			    "записью реестра видит свои назначения и заполняет акты.</p><form method=\"post\" "
			    "action=\"/observers/link\" class=\"grid\">");
		html_csrf(r, b);
		hidden_campaign(b, cid);
		buf_puts(b, "<label>Наблюдатель <select name=\"observer\" required>");
		for (size_t i = 0; i < n; i++) {
			html_printf(b, "<option value=\"%lld\">", (long long)v[i].id);
			html_text(b, v[i].name);
			buf_puts(b, " — ");
			html_text(b, v[i].code);
			buf_puts(b, "</option>");
		}
		buf_puts(b, "</select></label><label>Логин пользователя <input name=\"login\" required "
			    "maxlength=\"64\"></label><button class=\"secondary\">Связать</button></form>");
	}
	buf_puts(b, "</section>");
}

static void acts_list(struct web_req *r, struct buf *b, int64_t cid)
{
	struct obs_act *v = NULL;
	size_t n = 0;
	buf_puts(b, "<section class=\"card\" id=\"acts\"><h2>Акты наблюдения</h2>");
	html_printf(b, "<p>Выгрузить: <a href=\"/observers/acts.xlsx?campaign=%lld\">акты (XLSX)</a> · "
		       "<a href=\"/observers/acts.csv?campaign=%lld\">акты (CSV)</a></p>",
		    (long long)cid, (long long)cid);
	if (observer_acts(r->db, &r->scope, cid, &v, &n)) {
		buf_puts(b, "</section>");
		return;
	}
	buf_puts(b, "<div class=\"scroll\"><table><thead><tr><th>Дата</th><th>Процедура</th><th>Школа</th>"
		    "<th>Наблюдатель</th><th>Итог</th><th>Подан</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct obs_act *a = &v[i];
		buf_puts(b, "<tr><td>");
		web_date_ru(b, a->date);
		buf_puts(b, "</td><td>");
		web_procedure_title(b, a->procedure, a->subject, a->grade);
		buf_puts(b, "</td><td>");
		html_text(b, a->school_name);
		buf_puts(b, "</td><td>");
		html_text(b, a->observer_name);
		html_printf(b, "</td><td><a href=\"/acts/%lld\">", (long long)a->id);
		html_text(b, a->no_violations ? "нарушений не выявлено"
				: arena_printf(r->a, "нарушений: %d", a->nviolations));
		buf_puts(b, "</a></td><td>");
		html_text(b, a->paper ? "с бумажного акта" : "онлайн");
		buf_puts(b, "</td></tr>");
	}
	if (!n)
		buf_puts(b, "<tr><td colspan=\"6\">Актов пока нет.</td></tr>");
	buf_puts(b, "</tbody></table></div></section>");
	free(v);
}

/* The campaign's page below its heading and messages: coverage, sittings, the forms, the
 * registry and the acts (tens of milliseconds on a region). */
static void campaign_body(struct web_req *r, struct buf *b, int64_t cid, const char *at, bool day,
			  const struct flash *f)
{
	buf_puts(b, "<nav class=\"toc\" aria-label=\"Разделы страницы\"><ol><li><a href=\"#coverage\">Охват</a>"
		    "</li><li><a href=\"#sittings\">Проведения</a></li><li><a href=\"#assign\">Назначение</a>"
		    "</li><li><a href=\"#registry\">Реестр</a></li><li><a href=\"#acts\">Акты</a></li></ol></nav>");
	html_printf(b, "<p>Расписание наблюдателей (приложения к приказу): <a href=\"/observers/schedule.pdf?"
		       "campaign=%lld\">PDF</a> · <a href=\"/observers/schedule.xlsx?campaign=%lld\">XLSX</a> · "
		       "<a href=\"/observers/schedule.csv?campaign=%lld\">CSV</a></p>",
		    (long long)cid, (long long)cid, (long long)cid);
	html_printf(b, "<p><a href=\"/observers/control?campaign=%lld\">Результаты под наблюдением и без "
		       "наблюдения</a></p>", (long long)cid);
	struct cov_once c = { 0 };
	struct obs_once people = { 0 };
	coverage(r, b, cid, &c);
	people.rc = observer_list(r->db, &r->scope, cid, &people.v, &people.n);
	sittings_table(r, b, cid, &c);
	assign_form(r, b, cid, at);
	reveal_form(r, b, cid, day);
	registry(r, b, cid, f, &people);
	acts_list(r, b, cid);
	if (c.tried && !c.rc)
		observer_coverage_set_free(&c.set);
	free(people.v);
}

/* The page: the chooser when cid is 0, else the campaign. */
static int render(struct web_req *r, struct web_res *w, int64_t cid, const struct flash *f)
{
	struct buf *b = &w->body;
	char name[PLAN_NAME_MAX], at[32] = "";
	bool day = false;
	if (cid < 0 || (cid > 0 && plan_campaign_get(r->db, cid, name, sizeof name)))
		return ERR_NOTFOUND;
	html_begin(r, w, "Наблюдатели");
	if (!cid) {
		buf_puts(b, "<h1>Наблюдатели</h1><p class=\"lead\">Выберите кампанию.</p>");
		if (f && f->text)
			notice(b, f->ok, f->text);
		campaign_chooser(r, b, 0);
		html_end(r, w);
		return 0;
	}
	observer_campaign_get(r->db, cid, &day, at, sizeof at);
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/observers\">Наблюдатели</a></p><h1>Наблюдатели: ");
	html_text(b, name);
	buf_puts(b, "</h1>");
	campaign_chooser(r, b, cid);
	if (f && f->text)
		notice(b, f->ok, f->text);
	if (f && f->rep)
		assign_report(b, f);
	if (f) {
		campaign_body(r, b, cid, at, day, f);
	} else {
		/* A plain GET: kept per thread for the database's version (cache.c, the forms'
		 * CSRF token put back for each reader) under the role, scope, campaign, filter,
		 * page and minute. */
		char key[200], sk[64];
		scope_key(&r->scope, sk, sizeof sk);
		snprintf(key, sizeof key, "observers:%d:%s:%lld:%lld:%lld:%lld", (int)r->user.role, sk, (long long)cid,
			 (long long)web_int(r, "municipality"), (long long)web_int(r, "page"), (long long)(plan_now() / 60));
		if (!web_cache_out(r, key, b)) {
			struct buf part = BUF_INIT;
			campaign_body(r, &part, cid, at, day, NULL);
			web_cache_keep(r, key, buf_str(&part));
			html_raw(b, buf_str(&part));
			buf_free(&part);
		}
	}
	if (is_region(r))
		buf_puts(b, "<p><a href=\"/observers/violations\">Перечень нарушений для актов</a></p>");
	html_end(r, w);
	return 0;
}

static int answer(struct web_req *r, struct web_res *w, int64_t cid, int status, const char *text, bool ok)
{
	struct flash f = { .text = text, .ok = ok };
	w->status = status;
	return render(r, w, cid, &f);
}

/* The campaign of a POST: it must exist. */
static int64_t posted_campaign(struct web_req *r)
{
	int64_t cid = web_int(r, "campaign");
	return cid > 0 && !plan_campaign_get(r->db, cid, NULL, 0) ? cid : 0;
}

int page_observers(struct web_req *r, struct web_res *w)
{
	int64_t cid = web_int(r, "campaign");
	if (!web_str(r, "campaign"))
		cid = latest_campaign(r, NULL, 0);
	return render(r, w, cid, NULL);
}

static int sitting_page(struct web_req *r, struct web_res *w, const char *refused);

int page_observers_set(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r), pid, sid, oid = web_int(r, "observer"), pc = 0;
	const char *code = web_str(r, "procedure"), *login = web_str(r, "school");
	char note[256] = "", msg[300] = "", text[700];
	struct procedure *p = calloc(1, sizeof *p);
	int rc = ERR_NOTFOUND;
	if (!cid || !p || !code || !login || procedure_get(r->db, code, p))
		goto out;
	pid = p->id;
	if (plan_procedure_get(r->db, pid, &pc, NULL) || pc != cid || registry_school_find(r->db, login, &sid) ||
	    !scope_sees_school(r->db, &r->scope, sid) || (oid && !observer_in_scope(r->db, &r->scope, oid)))
		goto out;
	rc = observer_set(r->db, pid, sid, oid, r->user.login, note, sizeof note, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "%s: %s. Ничего не изменено.", oid ? "Наблюдатель не назначен" : "Наблюдатель не снят", msg);
		w->status = 400;
		rc = sitting_page(r, w, text);
		goto out;
	}
	if (rc)
		goto out;
	audit_add(r->db, &r->user, NULL, "observer_set", arena_printf(r->a, "%s %s", code, login),
		  arena_printf(r->a, "%lld %s", (long long)oid, note), r->ip);
	if (!oid)
		snprintf(text, sizeof text, "Наблюдатель снят с проведения.");
	else if (note[0])
		snprintf(text, sizeof text, "Наблюдатель назначен вручную, с отступлением от предпочтений: %s.", note);
	else
		snprintf(text, sizeof text, "Наблюдатель назначен вручную.");
	rc = answer(r, w, cid, 200, text, true);
out:
	free(p);
	return rc;
}

/* GET /observers/set: one sitting with its override form (the list links each sitting
 * here). The same checks as the POST: the campaign's procedure, a school the user sees, a
 * sitting with a date; else 404. */
int page_observers_sitting(struct web_req *r, struct web_res *w)
{
	return sitting_page(r, w, NULL);
}

/* The sitting's page; refused: why the choice just sent was refused (shown above the form,
 * so the coordinator can choose again where he chose). */
static int sitting_page(struct web_req *r, struct web_res *w, const char *refused)
{
	int64_t cid = posted_campaign(r), sid, pc = 0;
	const char *code = web_str(r, "procedure"), *login = web_str(r, "school");
	struct procedure *p = calloc(1, sizeof *p);
	struct obs_sitting *v = NULL;
	struct obs_person *people = NULL;
	size_t n = 0, np = 0;
	char name[PLAN_NAME_MAX];
	const struct obs_sitting *s = NULL;
	int rc = ERR_NOTFOUND;
	if (!cid || !p || !code || !login || procedure_get(r->db, code, p) ||
	    plan_procedure_get(r->db, p->id, &pc, NULL) || pc != cid || registry_school_find(r->db, login, &sid) ||
	    !scope_sees_school(r->db, &r->scope, sid) || plan_campaign_get(r->db, cid, name, sizeof name))
		goto out;
	/* The school's own sittings of the campaign: a handful, not the region's thousands. */
	if ((rc = observer_sittings(r->db, &(struct scope){ SCOPE_SCHOOL, sid }, cid, &v, &n)) ||
	    (rc = observer_list(r->db, &r->scope, cid, &people, &np)))
		goto out;
	for (size_t i = 0; i < n && !s; i++)
		if (v[i].procedure_id == p->id)
			s = &v[i];
	rc = ERR_NOTFOUND;
	if (!s)
		goto out;
	rc = 0;
	struct buf *b = &w->body;
	html_begin(r, w, "Наблюдатель на проведение");
	html_printf(b, "<p class=\"crumbs\"><a href=\"/observers\">Наблюдатели</a> → <a href=\"/observers?"
		       "campaign=%lld#sittings\">", (long long)cid);
	html_text(b, name);
	buf_puts(b, "</a></p><h1>Наблюдатель на проведение</h1>");
	if (refused)
		notice(b, false, refused);
	buf_puts(b, "<section class=\"card\"><dl><dt>Процедура</dt><dd>");
	web_procedure_title(b, s->procedure, s->subject, s->grade);
	buf_puts(b, "</dd><dt>Школа</dt><dd>");
	sitting_school(b, s, " ");
	buf_puts(b, "</dd><dt>Дата и время</dt><dd>");
	web_date_ru(b, s->date);
	buf_puts(b, " ");
	html_text(b, s->time);
	buf_puts(b, "</dd><dt>Наблюдатель</dt><dd>");
	sitting_observer(b, s, " ");
	buf_puts(b, "</dd></dl><p class=\"muted\">В списке — наблюдатели муниципалитета школы и наблюдатели без "
		    "муниципалитета. Выбор координатора сохраняется при автоматическом назначении; правила "
		    "(конфликт интересов, доступные дни, одно проведение в одно время) проверяются при "
		    "сохранении.</p>");
	override_form(r, b, cid, s, people, np);
	buf_puts(b, "</section>");
	html_end(r, w);
out:
	free(p);
	free(v);
	free(people);
	return rc;
}

int page_observers_assign(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r);
	if (!cid)
		return ERR_NOTFOUND;
	const char *s = web_str(r, "seed");
	uint64_t seed;
	if (s && *s) {
		seed = (uint64_t)web_int(r, "seed");
	} else {
		randombytes_buf(&seed, sizeof seed);
		seed &= ((uint64_t)1 << 53) - 1; /* typed back into the form, it must fit the key */
	}
	bool dry = web_flag(r, "dry_run");
	struct obs_assign_report rep;
	char msg[600] = "", text[800];
	memset(&rep, 0, sizeof rep);
	int rc = assign_observers(r->db, &r->scope, cid, seed, dry, r->user.login, &rep, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		snprintf(text, sizeof text, "Назначение не выполнено: %s.", *msg ? msg : "нечего назначать");
		return answer(r, w, cid, 400, text, false);
	}
	if (rc)
		return rc;
	if (!dry)
		audit_add(r->db, &r->user, NULL, "observers_assign", arena_printf(r->a, "%lld", (long long)cid),
			  arena_printf(r->a, "жребий %llu: %ld из %ld", (unsigned long long)seed, rep.covered,
				       rep.sittings), r->ip);
	struct flash f = { .rep = &rep, .dry_run = dry, .seed = seed, .ok = true };
	return render(r, w, cid, &f);
}

int page_observers_reveal(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r);
	const char *v = web_str(r, "reveal");
	if (!cid)
		return ERR_NOTFOUND;
	if (!v || !*v)
		return answer(r, w, cid, 400, "Выберите, когда школа видит наблюдателя.", false);
	bool day = !strcmp(v, "day");
	int rc = observer_campaign_set_reveal(r->db, cid, day);
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "observers_reveal", arena_printf(r->a, "%lld", (long long)cid), v, r->ip);
	return answer(r, w, cid, 200, day ? "Школы будут видеть наблюдателя только в день проведения."
					  : "Школы видят наблюдателя сразу после назначения.", true);
}

int page_observers_import(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r);
	const struct web_upload *u = &r->upload;
	if (!cid)
		return ERR_NOTFOUND; /* the registry's dates are checked against the campaign */
	const char *why = web_upload_refusal(r, "Выберите файл реестра.",
					     "Файл больше 64 МБ: так велики реестры не бывают.");
	if (why)
		return answer(r, w, cid, u->too_large ? 413 : 400, why, false);
	char named[96];
	str_copy_utf8(named, sizeof named, u->filename && *u->filename ? u->filename : "файл");
	struct import_opts o = {
		.dry_run = web_flag(r, "dry_run"), .user = r->user.login, .name = named,
		.data = u->data, .len = u->size,
	};
	/* The registry a coordinator loads holds only its own territory's people. */
	if (r->scope.kind == SCOPE_MUNICIPALITY)
		o.only_municipality = r->scope.id;
	struct diag_list d;
	struct import_stats st;
	memset(&st, 0, sizeof st);
	diag_init(&d, 200);
	int rc = import_observers(r->db, named, &o, cid, &d, &st);
	metrics_upload(METRICS_OBSERVERS, rc, o.dry_run, st.rows);
	char text[2300];
	struct flash f = { .diags = &d, .ok = !rc };
	if (rc && diag_errors(&d)) {
		w->status = 400;
		snprintf(text, sizeof text, "Реестр «%s» не загружен: исправьте ошибки и загрузите снова. "
			 "Реестр не изменён.", named);
	} else if (rc) {
		w->status = web_status_of(rc);
		snprintf(text, sizeof text, "Реестр «%s» не загружен (%s). Реестр не изменён.", named, err_str(rc));
	} else {
		snprintf(text, sizeof text, "%s «%s»: новых наблюдателей %ld, обновлено %ld.%s%s",
			 o.dry_run ? "Проверка прошла, ничего не сохранено. Файл" : "Реестр загружен из файла",
			 named, st.created, st.updated, st.summary[0] ? " " : "", st.summary);
		if (!o.dry_run)
			audit_add(r->db, &r->user, NULL, "observers_import", named, text, r->ip);
	}
	f.text = text;
	rc = render(r, w, cid, &f);
	diag_free(&d);
	return rc;
}

int page_observers_link(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r), oid = web_int(r, "observer");
	const char *login = web_str(r, "login");
	struct user u;
	char msg[600] = "", text[800];
	if (!oid || !observer_in_scope(r->db, &r->scope, oid))
		return ERR_NOTFOUND;
	if (!login || user_find(r->db, login, &u))
		return answer(r, w, cid, 400, "Пользователя с таким логином нет.", false);
	int rc = observer_link_user(r->db, oid, u.id, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "Логин не связан: %s.", msg);
		return answer(r, w, cid, 400, text, false);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "observer_link", login, arena_printf(r->a, "%lld", (long long)oid), r->ip);
	return answer(r, w, cid, 200, "Логин связан с записью реестра: наблюдатель видит свои назначения.", true);
}

/* ---- downloads ---- */

static enum obs_doc_format path_format(const struct web_req *r)
{
	const char *dot = strrchr(r->path, '.');
	return !strcmp(dot, ".pdf") ? OBS_DOC_PDF : !strcmp(dot, ".xlsx") ? OBS_DOC_XLSX : OBS_DOC_CSV;
}

static void send_doc(struct web_req *r, struct web_res *w, enum obs_doc_format f, const char *ascii,
		     const char *name)
{
	if (f != OBS_DOC_PDF) {
		web_send_table(r, w, f == OBS_DOC_XLSX ? TABLE_XLSX : TABLE_CSV, ascii, name);
		return;
	}
	struct buf d = BUF_INIT;
	w->type = "application/pdf";
	w->cache = "no-store";
	web_disposition(&d, ascii, name);
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
}

static const char *ext_of(enum obs_doc_format f)
{
	return f == OBS_DOC_PDF ? "pdf" : f == OBS_DOC_XLSX ? "xlsx" : "csv";
}

/* Sends the document a writer put into the body (stem-CAMPAIGN.ext, «title.ext»), or the
 * writer's failure with nothing sent. */
static int send_written(struct web_req *r, struct web_res *w, enum obs_doc_format f, int rc,
			int64_t cid, const char *stem, const char *title)
{
	if (rc) {
		buf_reset(&w->body);
		return rc;
	}
	const char *e = ext_of(f);
	send_doc(r, w, f, arena_printf(r->a, "%s-%lld.%s", stem, (long long)cid, e),
		 arena_printf(r->a, "%s.%s", title, e));
	return 0;
}

int page_observers_schedule(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r);
	enum obs_doc_format f = path_format(r);
	char msg[600];
	if (!cid)
		return ERR_NOTFOUND;
	return send_written(r, w, f, obs_schedule_write(r->db, &r->scope, cid, f, r->now, &w->body, msg,
							sizeof msg),
			    cid, "observers", "Расписание наблюдателей");
}

int page_observers_acts(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r);
	enum obs_doc_format f = path_format(r);
	char msg[600];
	if (!cid)
		return ERR_NOTFOUND;
	return send_written(r, w, f, obs_acts_write(r->db, &r->scope, cid, f, &w->body, msg, sizeof msg),
			    cid, "acts", "Акты наблюдения");
}

int page_observers_coverage(struct web_req *r, struct web_res *w)
{
	int64_t cid = posted_campaign(r);
	enum obs_doc_format f = path_format(r);
	int by = obs_group_parse(web_str(r, "by")); /* the route allows only the three names */
	char msg[600];
	if (!cid)
		return ERR_NOTFOUND;
	return send_written(r, w, f,
			    obs_coverage_write(r->db, &r->scope, cid, by < 0 ? OBS_BY_MUNICIPALITY : (enum obs_group)by,
					       f, &w->body, msg, sizeof msg),
			    cid, "coverage", "Охват наблюдением");
}

/* ---- the coordinators' home tile ---- */

void web_observers_tile(struct web_req *r, struct buf *b)
{
	char name[PLAN_NAME_MAX];
	int64_t cid = latest_campaign(r, name, sizeof name);
	struct obs_coverage t;
	if (!cid || observer_coverage_totals(r->db, &r->scope, cid, &t))
		return;
	if (!t.sittings)
		return;
	buf_puts(b, "<section><h2>Наблюдение: ");
	html_text(b, name);
	html_printf(b, "</h2><ul class=\"tiles\"><li><strong>%ld\xC2\xA0%%</strong>", 100 * t.observed / t.sittings);
	buf_puts(b, "проведений с наблюдателем: ");
	html_int(b, t.observed);
	buf_puts(b, " из ");
	html_int(b, t.sittings);
	buf_puts(b, "</li><li>");
	if (t.priority) {
		html_printf(b, "<strong>%ld\xC2\xA0%%</strong>в зоне риска: ", 100 * t.priority_observed / t.priority);
		html_int(b, t.priority_observed);
		buf_puts(b, " из ");
		html_int(b, t.priority);
	} else {
		buf_puts(b, "<strong>—</strong>проведений школ зоны риска нет");
	}
	buf_puts(b, "</li><li><strong>");
	html_int(b, t.acts_violations);
	html_printf(b, "</strong>%s с нарушениями из ",
		    str_plural(t.acts_violations, "акт", "акта", "актов"));
	html_int(b, t.acts);
	html_printf(b, "</li></ul><p><a href=\"/observers?campaign=%lld\">Наблюдатели и охват</a></p></section>",
		    (long long)cid);
}
