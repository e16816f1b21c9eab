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
 * apart from one it did not (rc-unconfirmed), from the run's run_recheck rows.
 *
 * Everything a user reads is in words: signs by their catalogue titles, procedures as
 * «ВПР, математика, 4 класс, 2021» (the code in a tooltip and in the export's own column),
 * a sign's inputs as labelled Russian values (report/risk_doc.c), numbers, p-values and the
 * run's moment through base/ru.h. The list counts the three kinds of flags (official,
 * published criteria, oko's own) and says why a school is on it; its tiles are the scope's
 * (a municipal coordinator's district), it sorts by a column and exports as CSV or XLSX
 * (/risk/export) or prints as a PDF (/risk/pdf, risk_list_doc_*). The card prints as a PDF
 * (/risk/{login}/pdf, risk_card_doc) with every part the page shows, read the same way; the
 * sentences both say are built once in report/card_words.c (web_card_text writes one with
 * its bold part). The card links to the actions a coordinator takes next: addressed help,
 * observers, a re-check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/ru.h"
#include "base/str.h"
#include "io/table_write.h"
#include "model/procedure.h"
#include "model/observed.h"
#include "model/plan.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/unit.h"
#include "report/card_words.h"
#include "report/doc_pdf.h"
#include "report/risk_doc.h"
#include "stats/catalogue.h"
#include "stats/observed.h"
#include "web/chart.h"
#include "web/download.h"
#include "web/web.h"

static void no_run(struct web_req *r, struct web_res *w, const char *title)
{
	html_begin(r, w, title);
	buf_puts(&w->body, "<h1>");
	html_text(&w->body, title);
	buf_puts(&w->body, "</h1><p class=\"card\">Анализ ещё не проводился. Он появится здесь, когда "
			   "результаты будут загружены и анализ запущен.");
	if (r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION)
		buf_puts(&w->body, " <a href=\"/analysis\">Запустить анализ</a>");
	buf_puts(&w->body, "</p>");
	html_end(r, w);
}

/* A number with dec places in the Russian format («32,5»), «—» for NaN. */
static void num(struct buf *b, double v, int dec)
{
	char t[RU_NUM_MAX];
	html_text(b, ru_num(t, sizeof t, v, dec));
}

static void count(struct buf *b, long long v)
{
	char t[RU_NUM_MAX];
	html_text(b, ru_int(t, sizeof t, v));
}

static void moment(struct buf *b, const char *at)
{
	char t[64];
	html_text(b, ru_moment(t, sizeof t, at));
}

/* A procedure by its title with the year, the code in a tooltip. */
static void procedure(struct buf *b, const char *code)
{
	char t[200];
	buf_puts(b, "<span title=\"");
	html_text(b, code);
	buf_puts(b, "\">");
	html_text(b, risk_procedure_words(t, sizeof t, code));
	buf_puts(b, "</span>");
}

void web_card_text(struct buf *b, const struct card_text *t)
{
	html_text(b, buf_str(&t->pre));
	if (t->bold.len) {
		buf_puts(b, "<strong>");
		html_text(b, buf_str(&t->bold));
		buf_puts(b, "</strong>");
	}
	html_text(b, buf_str(&t->post));
}

/* The tiles of the run for the user's territory: index, flagged, listed, schools, and when
 * and how it was made. */
static void run_tiles(struct web_req *r, struct buf *b, const struct run_info *ri)
{
	bool part = r->scope.kind == SCOPE_MUNICIPALITY;
	buf_puts(b, "<ul class=\"tiles\"><li><strong>");
	num(b, ri->index, 1);
	buf_puts(b, part ? "</strong>показатель объективности муниципалитета</li><li><strong>"
			 : "</strong>показатель объективности</li><li><strong>");
	count(b, ri->flagged);
	html_printf(b, "</strong>%s с официальными признаками</li><li><strong>",
		    str_plural(ri->flagged, "школа", "школы", "школ"));
	count(b, ri->listed);
	html_printf(b, "</strong>%s в списке oko</li><li><strong>",
		    str_plural(ri->listed, "школа", "школы", "школ"));
	count(b, ri->schools);
	html_printf(b, "</strong>%s%s с работами</li></ul><p class=\"muted\">Анализ от ",
		    str_plural(ri->schools, "школа", "школы", "школ"), part ? " муниципалитета" : "");
	moment(b, ri->at);
	char t[RU_NUM_MAX];
	html_printf(b, ", %s %s. Список oko составлен с контролем доли ложных обнаружений ",
		    ru_int(t, sizeof t, ri->procedures),
		    str_plural(ri->procedures, "процедура", "процедуры", "процедур"));
	html_text(b, ru_pct(t, sizeof t, ri->q, 0));
	buf_puts(b, ". Признак — повод для проверки, а не вывод.</p>");
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

/* The orders of the list: the key's value, its Russian name, the model's order. */
static const struct sort_key {
	const char *id, *title;
	enum run_sort sort;
} sorts[] = {
	{ "rank", "по риску", RUN_SORT_RANK },
	{ "name", "по названию школы", RUN_SORT_NAME },
	{ "municipality", "по муниципалитету", RUN_SORT_MUNICIPALITY },
	{ "official", "по официальным признакам", RUN_SORT_OFFICIAL },
	{ "published", "по опубликованным критериям", RUN_SORT_PUBLISHED },
	{ "own", "по признакам oko", RUN_SORT_OWN },
	{ "works", "по числу работ", RUN_SORT_WORKS },
};

static const struct sort_key *sort_of(const char *id)
{
	for (size_t i = 0; id && i < sizeof sorts / sizeof *sorts; i++)
		if (!strcmp(sorts[i].id, id))
			return &sorts[i];
	return &sorts[0];
}

/* The list's query: which schools, municipality, kind and order. */
struct risk_query {
	bool listed_only;
	long mun;
	const char *kind;
	const struct sort_key *sort;
};

static struct risk_query risk_query(struct web_req *r)
{
	const char *all = web_str(r, "all");
	return (struct risk_query){ !all || !*all, (long)web_int(r, "municipality"),
				    web_str(r, "kind") ? web_str(r, "kind") : "", sort_of(web_str(r, "sort")) };
}

/* "all=…&amp;municipality=…&amp;kind=…" (and the order unless without_sort) of q. */
static void query_keys(struct buf *b, const struct risk_query *q, bool with_sort)
{
	buf_printf(b, "all=%s&amp;municipality=%ld&amp;kind=", q->listed_only ? "" : "1", q->mun);
	html_url(b, q->kind);
	if (with_sort) {
		buf_puts(b, "&amp;sort=");
		buf_puts(b, q->sort->id);
	}
}

/* The filter form: which schools (oko's list or all), municipality, kind, order. */
static void risk_filters(struct web_req *r, struct buf *b, const struct risk_query *q)
{
	buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/risk\"><label>Школы <select name=\"all\">");
	html_printf(b, "<option value=\"\"%s>в списке oko или с признаками</option>"
		       "<option value=\"1\"%s>все по убыванию риска</option></select></label>",
		    q->listed_only ? " selected" : "", q->listed_only ? "" : " selected");
	if (r->scope.kind != SCOPE_MUNICIPALITY) {
		buf_puts(b, "<label>Муниципалитет <select name=\"municipality\"><option value=\"0\">все</option>");
		registry_municipality_each(r->db, &r->scope, mun_option, &(struct mun_options){ b, q->mun });
		buf_puts(b, "</select></label>");
	}
	buf_puts(b, "<label>Тип <select name=\"kind\"><option value=\"\">все</option>");
	for (size_t i = 0; registry_kinds[i]; i++) {
		buf_puts(b, "<option");
		buf_puts(b, !strcmp(q->kind, registry_kinds[i]) ? " selected>" : ">");
		html_text(b, registry_kinds[i]);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>Порядок <select name=\"sort\">");
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		html_printf(b, "<option value=\"%s\"%s>%s</option>", sorts[i].id,
			    &sorts[i] == q->sort ? " selected" : "", sorts[i].title);
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

/* Why a school is on the page, in words: «официальный признак» …, or the pooled evidence. */
static const char *why(const struct run_risk *x)
{
	if (x->official_flags)
		return "официальные признаки";
	if (x->published_flags && x->own_flags)
		return "опубликованные критерии и признаки oko";
	if (x->published_flags)
		return "опубликованные критерии";
	if (x->own_flags)
		return "признаки oko";
	return x->listed ? "совокупность слабых признаков (по отдельности ниже порога)" : "";
}

/* One school of the list, in four columns that fit a phone: place; the school with whether it
 * is on oko's list and why, a re-check's verdict, the main sign with its procedure and the
 * years with official flags; risk; the three counts of flags. */
static void risk_row(struct buf *b, const struct run_risk *x, int verdict)
{
	html_printf(b, "<tr%s><td class=\"num\">",
		    verdict > 0 ? " class=\"rc-confirmed\"" : verdict == 0 ? " class=\"rc-unconfirmed\"" : "");
	count(b, x->rank);
	buf_puts(b, "</td><td><a href=\"/risk/");
	html_url(b, x->login);
	buf_puts(b, "\">");
	html_text(b, x->name);
	buf_puts(b, "</a><br><small>");
	html_text(b, x->municipality);
	if (*x->kind) {
		buf_puts(b, " · ");
		html_text(b, x->kind);
	}
	buf_puts(b, "</small>");
	const char *w = why(x);
	if (x->listed) {
		buf_puts(b, "<br><small class=\"listed\"><strong>в списке oko</strong>: ");
		html_text(b, w);
		buf_puts(b, "</small>");
	}
	if (verdict > 0)
		buf_puts(b, "<br><span class=\"rc-mark rc-confirmed\">перепроверка подтвердила</span>");
	else if (verdict == 0)
		buf_puts(b, "<br><span class=\"rc-mark rc-unconfirmed\">перепроверка не подтвердила</span>");
	const struct stat_sign_info *t = stat_sign_find(x->top_sign);
	if (t || *x->top_sign) {
		/* The sign that gave most of the risk; a school's risk adds up its evidence, so
		 * that sign may stay under its own threshold and not be on the card. */
		buf_puts(b, x->top_flagged ? "<br><small>главный признак: "
					   : "<br><small>больше всего в риск дал признак ниже своего порога: ");
		html_text(b, t ? t->title : "признак без описания");
		if (*x->top_procedure) {
			buf_puts(b, " (");
			procedure(b, x->top_procedure);
			buf_puts(b, ")");
		}
		buf_puts(b, "</small>");
	}
	if (*x->years_flagged) {
		char years[200];
		buf_puts(b, "<br><small>годы с официальными признаками: ");
		html_text(b, risk_years_words(years, sizeof years, x->years_flagged));
		if (x->consecutive_years > 1) {
			buf_puts(b, " (подряд: ");
			html_int(b, x->consecutive_years);
			buf_puts(b, ")");
		}
		buf_puts(b, "</small>");
	}
	buf_puts(b, "</td><td class=\"num\">");
	num(b, x->risk, 1);
	buf_puts(b, "</td><td class=\"num\" title=\"официальные / опубликованные критерии / oko\">");
	count(b, x->official_flags);
	buf_puts(b, " / ");
	count(b, x->published_flags);
	buf_puts(b, " / ");
	count(b, x->own_flags);
	buf_puts(b, "</td></tr>");
}

/* A column's title as a link to the list in that order (the current order unlinked). */
static void sort_head(struct buf *b, const struct risk_query *q, const char *id, const char *title,
		      const char *tip)
{
	buf_puts(b, "<th");
	if (tip) {
		buf_puts(b, " title=\"");
		html_text(b, tip);
		buf_puts(b, "\"");
	}
	buf_puts(b, ">");
	if (!strcmp(q->sort->id, id)) {
		html_text(b, title);
		buf_puts(b, " ↓</th>");
		return;
	}
	struct buf k = BUF_INIT;
	query_keys(&k, q, false);
	html_printf(b, "<a href=\"/risk?%s&amp;sort=%s\">", buf_str(&k), id);
	html_text(b, title);
	buf_puts(b, "</a></th>");
	buf_free(&k);
}

static struct run_filter filter_of(const struct risk_query *q, long limit, long offset)
{
	return (struct run_filter){ q->listed_only ? RUN_LISTED_OR_FLAGGED : RUN_EVERY, q->mun, q->kind, limit,
				    offset };
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
	if (rc || (r->scope.kind == SCOPE_MUNICIPALITY && (rc = run_scope_totals(r->db, &r->scope, &ri))))
		return rc;
	struct risk_query q = risk_query(r);
	long page = web_int(r, "page"), per = 50;
	html_begin(r, w, "Зона риска");
	buf_puts(b, "<h1>Зона риска</h1>");
	run_tiles(r, b, &ri);
	risk_filters(r, b, &q);
	struct buf qs = BUF_INIT;
	query_keys(&qs, &q, true);
	html_printf(b, "<p class=\"actions\">Скачать список: <a href=\"/risk/export?format=xlsx&amp;%s\">XLSX</a> · "
		       "<a href=\"/risk/export?format=csv&amp;%s\">CSV</a> · "
		       "<a href=\"/risk/pdf?%s\">Распечатать / PDF</a></p>",
		    buf_str(&qs), buf_str(&qs), buf_str(&qs));
	buf_puts(b, "<table class=\"risk\"><thead><tr>");
	sort_head(b, &q, "rank", "Место", NULL);
	sort_head(b, &q, "name", "Школа", NULL);
	buf_puts(b, "<th>Риск</th><th>Признаки: ");
	struct buf k = BUF_INIT;
	query_keys(&k, &q, false);
	static const char *const kinds[3][3] = { { "official", "офиц.", "официальные признаки (методика 2019 г.)" },
						 { "published", "опубл.", "опубликованные критерии (ФИОКО, Рособрнадзор)" },
						 { "own", "oko", "собственные признаки oko" } };
	for (int i = 0; i < 3; i++) {
		if (i)
			buf_puts(b, " / ");
		if (!strcmp(q.sort->id, kinds[i][0]))
			html_printf(b, "<span title=\"%s\">%s ↓</span>", kinds[i][2], kinds[i][1]);
		else
			html_printf(b, "<a href=\"/risk?%s&amp;sort=%s\" title=\"%s\">%s</a>", buf_str(&k), kinds[i][0],
				    kinds[i][2], kinds[i][1]);
	}
	buf_free(&k);
	buf_puts(b, "</th></tr></thead><tbody>");
	struct run_filter f = filter_of(&q, per + 1, (page - 1) * per);
	struct run_risk *rows = NULL;
	size_t n = 0;
	struct verdicts vd = { NULL, 0, 0 };
	if ((rc = run_risk_list_by(r->db, &r->scope, ri.id, &f, q.sort->sort, &rows, &n)) ||
	    (rc = recheck_run_verdicts(r->db, &r->scope, ri.id, verdict_add, &vd)))
		goto out;
	if (vd.n)
		qsort(vd.v, vd.n, sizeof *vd.v, verdict_cmp);
	bool more = n > (size_t)per;
	for (size_t i = 0; i < n && i < (size_t)per; i++)
		risk_row(b, &rows[i], verdict_of(&vd, rows[i].school_id));
	if (!n)
		buf_puts(b, "<tr><td colspan=\"4\">Школ с признаками нет.</td></tr>");
	buf_puts(b, "</tbody></table><p class=\"muted\">Признаки: офиц. — официальные (методика 2019 г.), "
		    "опубл. — опубликованные критерии (ФИОКО, Рособрнадзор), oko — собственные признаки oko. "
		    "Школа попадает в список oko по совокупности признаков с контролем доли ложных "
		    "обнаружений, поэтому в нём бывают школы, у которых ни один признак по отдельности не "
		    "превысил порог.</p>");
	if (vd.n)
		buf_puts(b, "<p class=\"muted\"><span class=\"rc-mark rc-confirmed\">перепроверка подтвердила</span> — "
			    "эксперты систематически ставили школе меньше, чем она сама; <span class=\"rc-mark "
			    "rc-unconfirmed\">перепроверка не подтвердила</span> — работы школы перепроверены, "
			    "завышения не найдено (на момент анализа).</p>");
	buf_puts(b, "<nav class=\"pager\">");
	if (page > 1)
		html_printf(b, "<a href=\"/risk?page=%ld&amp;%s\">← назад</a>", page - 1, buf_str(&qs));
	if (more)
		html_printf(b, "<a href=\"/risk?page=%ld&amp;%s\">дальше →</a>", page + 1, buf_str(&qs));
	buf_puts(b, "</nav>");
out:
	buf_free(&qs);
	run_risk_free(rows, n);
	free(vd.v);
	html_end(r, w);
	return rc;
}

/* The export's columns: the page's, and the codes a spreadsheet can join on. */
static const char *const export_head[] = {
	"Место", "Школа", "Логин", "Муниципалитет", "Тип", "Риск", "В списке oko", "Официальных признаков",
	"Опубликованных критериев", "Признаков oko", "Работ", "Главный признак", "Процедура", "Код процедуры",
	"Почему в списке", "Годы с официальными признаками", NULL
};

struct export_ctx {
	struct table_writer *t;
	int rc;
};

static int export_row(void *ctx, const struct run_risk *x)
{
	struct export_ctx *e = ctx;
	struct table_writer *t = e->t;
	char risk[RU_NUM_MAX], proc[200];
	struct buf top = BUF_INIT;
	risk_top_sign_words(&top, x, false);
	table_writer_int(t, x->rank);
	table_writer_text(t, x->name);
	table_writer_text(t, x->login);
	table_writer_text(t, x->municipality);
	table_writer_text(t, x->kind);
	table_writer_num(t, x->risk, ru_num(risk, sizeof risk, x->risk, 1));
	table_writer_text(t, x->listed ? "да" : "нет");
	table_writer_int(t, x->official_flags);
	table_writer_int(t, x->published_flags);
	table_writer_int(t, x->own_flags);
	table_writer_int(t, x->works);
	table_writer_text(t, buf_str(&top));
	buf_free(&top);
	table_writer_text(t, *x->top_procedure ? risk_procedure_words(proc, sizeof proc, x->top_procedure) : "");
	table_writer_text(t, x->top_procedure);
	table_writer_text(t, why(x));
	char years[200];
	table_writer_text(t, risk_years_words(years, sizeof years, x->years_flagged));
	return e->rc = table_writer_end_row(t);
}

/* GET /risk/export?format=csv|xlsx and the list's keys: the whole list in the page's order. */
int page_risk_export(struct web_req *r, struct web_res *w)
{
	struct run_info ri;
	int rc = run_latest(r->db, &ri);
	if (rc)
		return rc;
	struct risk_query q = risk_query(r);
	const char *fmt = web_str(r, "format");
	bool xlsx = !fmt || strcmp(fmt, "csv");
	enum table_kind kind = xlsx ? TABLE_XLSX : TABLE_CSV;
	char msg[256] = "";
	struct table_writer *t = NULL;
	buf_reset(&w->body);
	if ((rc = table_writer_open_mem(&t, kind, "Зона риска", &w->body, msg, sizeof msg)))
		return rc;
	for (size_t i = 0; export_head[i]; i++)
		table_writer_text(t, export_head[i]);
	table_writer_end_row(t);
	struct run_filter f = filter_of(&q, 0, 0);
	struct export_ctx e = { t, 0 };
	rc = run_risk_each_by(r->db, &r->scope, ri.id, &f, q.sort->sort, export_row, &e);
	int rc2 = table_writer_close(t);
	if (rc || rc2) {
		buf_reset(&w->body);
		return rc ? rc : rc2;
	}
	char day[16];
	snprintf(day, sizeof day, "%.10s", ri.at);
	const char *ext = xlsx ? "xlsx" : "csv";
	web_send_table(r, w, kind, arena_printf(r->a, "risk-%s.%s", day, ext),
		       arena_printf(r->a, "Зона риска %s.%s", ru_date(msg, sizeof msg, ri.at), ext));
	return 0;
}

struct pdf_ctx {
	struct doc *d;
	size_t n;
};

static int pdf_row(void *ctx, const struct run_risk *x)
{
	struct pdf_ctx *p = ctx;
	risk_list_doc_row(p->d, x);
	p->n++;
	return 0;
}

/* GET /risk/pdf and the list's keys: the whole list in the page's order as a printed
 * document (report/risk_doc.c), for the territory the page shows. */
int page_risk_pdf(struct web_req *r, struct web_res *w)
{
	struct run_info ri;
	int rc = run_latest(r->db, &ri);
	if (rc)
		return rc;
	struct risk_query q = risk_query(r);
	char territory[300] = "";
	if (q.mun > 0) {
		if (!scope_sees_municipality(r->db, &r->scope, q.mun))
			return ERR_NOTFOUND;
		unit_title(r->db, UNIT_MUNICIPALITY, q.mun, territory, sizeof territory);
	} else if (r->scope.kind == SCOPE_MUNICIPALITY) {
		unit_title(r->db, UNIT_MUNICIPALITY, r->scope.id, territory, sizeof territory);
	} else if (r->scope.kind == SCOPE_REGION) {
		unit_title(r->db, UNIT_REGION, r->scope.id, territory, sizeof territory);
	} else {
		int64_t reg = 0;
		if (!unit_first_region(r->db, &reg) && reg)
			unit_title(r->db, UNIT_REGION, reg, territory, sizeof territory);
	}
	struct buf f = BUF_INIT;
	buf_puts(&f, q.listed_only ? "школы в списке oko или с признаками" : "все школы по убыванию риска");
	if (*q.kind)
		buf_printf(&f, "; тип: %s", q.kind);
	buf_printf(&f, "; порядок: %s", q.sort->title);
	struct pdf_ctx p = { risk_list_doc_begin(&ri, territory, buf_str(&f)), 0 };
	buf_free(&f);
	struct run_filter fl = filter_of(&q, 0, 0);
	if ((rc = run_risk_each_by(r->db, &r->scope, ri.id, &fl, q.sort->sort, pdf_row, &p)))
		goto out;
	risk_list_doc_end(p.d, p.n);
	buf_reset(&w->body);
	if ((rc = doc_pdf_write(p.d, &w->body))) {
		buf_reset(&w->body);
		goto out;
	}
	w->type = "application/pdf";
	w->cache = "no-store";
	char day[16], dru[32];
	snprintf(day, sizeof day, "%.10s", ri.at);
	struct buf d = BUF_INIT;
	web_disposition(&d, arena_printf(r->a, "risk-%s.pdf", day),
			arena_printf(r->a, "Зона риска %s.pdf", ru_date(dru, sizeof dru, ri.at)));
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
out:
	doc_free(p.d);
	return rc;
}

/* The school's distribution over the run's for one procedure, with the mark bounds, as the
 * run saw them (the results may have been replaced since). */
static void distribution(struct web_req *r, struct buf *b, int64_t run, int64_t school,
			 const char *code)
{
	struct run_hist h;
	if (run_school_histogram(r->db, run, school, code, &h)) {
		buf_puts(b, "<p class=\"muted\">" CARD_HIST_MISSING "</p>");
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
		struct buf title = BUF_INIT, caption = BUF_INIT;
		card_hist_title(&title, code);
		card_hist_caption(&caption, code, h.school_n, h.all_n);
		buf_puts(b, "<figure class=\"chart\">");
		chart_hist(b, buf_str(&title), CARD_HIST_DESC, ser, 2, nb, h.has_scale ? h.scale : NULL, labels,
			   h.has_scale ? 3 : 0);
		buf_puts(b, "<figcaption>");
		html_text(b, buf_str(&caption));
		buf_puts(b, "</figcaption></figure>");
		buf_free(&title);
		buf_free(&caption);
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
	num(b, k.risk, 1);
	buf_puts(b, "</strong>риск (место ");
	count(b, k.rank);
	buf_puts(b, " из ");
	count(b, ranked);
	html_printf(b, ")</li><li><strong>%s</strong>в списке oko</li><li><strong>", k.listed ? "да" : "нет");
	count(b, k.official_flags);
	html_printf(b, "</strong>%s</li><li><strong>",
		    str_plural(k.official_flags, "официальный признак", "официальных признака",
			       "официальных признаков"));
	count(b, k.published_flags);
	html_printf(b, "</strong>%s</li><li><strong>",
		    str_plural(k.published_flags, "опубликованный критерий",
			       "опубликованных критерия", "опубликованных критериев"));
	count(b, k.own_flags);
	html_printf(b, "</strong>%s oko</li><li><strong>",
		    str_plural(k.own_flags, "признак", "признака", "признаков"));
	count(b, k.works);
	html_printf(b, "</strong>%s</li></ul>", str_plural(k.works, "работа", "работы", "работ"));
	const char *w = why(&k);
	if (k.listed && *w) {
		buf_puts(b, "<p>В списке oko: ");
		html_text(b, w);
		buf_puts(b, ".</p>");
	}
	if (*k.years_flagged) {
		buf_puts(b, "<p>Годы с официальными признаками: ");
		char years[200];
		html_text(b, risk_years_words(years, sizeof years, k.years_flagged));
		if (k.consecutive_years > 1) {
			buf_puts(b, " (подряд: ");
			html_int(b, k.consecutive_years);
			buf_puts(b, ")");
		}
		buf_puts(b, ".</p>");
	}
	snprintf(top, ntop, "%s", k.top_procedure);
	run_risk_clear(&k);
}

/* One block per sign: what it means, once, then its procedures with their numbers. Sets
 * top to the card's top procedure (card_top_procedure), given the risk's in top. */
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
				buf_puts(b, "</ul></div>");
			const struct stat_sign_info *t = stat_sign_find(x->sign);
			buf_puts(b, "<div class=\"sign card\"><h3>");
			html_text(b, t ? t->title : "Признак без описания");
			if (t) {
				buf_puts(b, " <small>");
				html_text(b, stat_sign_kind_title(t->kind));
				buf_puts(b, "</small>");
			}
			buf_puts(b, "</h3>");
			if (t) {
				buf_puts(b, "<p>");
				html_text(b, t->explain);
				buf_puts(b, "</p>");
			}
			buf_puts(b, "<ul class=\"sign-rows\">");
		}
		/* One procedure a line (a table of six columns does not fit a phone): «ВПР, …:
		 * значение 30,6 при пороге 25,9; работ 11; p < 0,001 (с поправкой …)» in the sign's
		 * words (risk_value_words), the inputs under it. */
		char t1[RU_NUM_MAX];
		buf_puts(b, "<li class=\"sign-row\"><strong>");
		procedure(b, x->procedure);
		struct risk_value_words vw = risk_value_words(x->sign);
		buf_puts(b, "</strong>: ");
		if (vw.value) {
			html_text(b, vw.value);
			buf_putc(b, ' ');
			html_text(b, risk_value_number(t1, sizeof t1, &vw, x->value));
			if (vw.threshold && !isnan(x->threshold)) {
				buf_putc(b, ' ');
				html_text(b, vw.threshold);
				buf_putc(b, ' ');
				html_text(b, risk_value_number(t1, sizeof t1, &vw, x->threshold));
			}
			buf_puts(b, "; ");
		}
		buf_puts(b, "работ ");
		count(b, x->n);
		if (!isnan(x->q_adj)) {
			buf_puts(b, "; ");
			html_text(b, ru_p(t1, sizeof t1, x->q_adj));
			buf_puts(b, " (с поправкой на множественность сравнений)");
		}
		buf_puts(b, ".");
		struct buf d = BUF_INIT;
		risk_detail_words(&d, x->sign, x->detail);
		if (d.len) {
			buf_puts(b, "<br><small>Исходные числа: ");
			html_text(b, buf_str(&d));
			buf_puts(b, ".</small>");
		}
		buf_free(&d);
		buf_puts(b, "</li>");
	}
	const char *t = card_top_procedure(top, v, n);
	if (t != top)
		snprintf(top, ntop, "%s", t);
	if (n)
		buf_puts(b, "</ul></div>");
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
	buf_puts(b, "<section><h2>" CARD_HISTORY_TITLE "</h2><table><thead><tr>");
	for (int c = 0; c < CARD_HISTORY_NCOLS; c++)
		html_printf(b, "<th>%s</th>", card_history_columns[c]);
	buf_puts(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "<tr><td>");
		moment(b, v[i].at);
		buf_puts(b, "</td><td class=\"num\">");
		num(b, v[i].risk, 1);
		buf_puts(b, "</td><td class=\"num\">");
		count(b, v[i].rank);
		html_printf(b, "</td><td>%s</td><td class=\"num\">", v[i].listed ? "да" : "нет");
		count(b, v[i].official_flags);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></section>");
	free(v);
	return rc;
}

/* The section «Наблюдение»: which of the school's sittings were observed and, when its
 * results relative to the region are markedly higher in the years nobody watched
 * (stats/observed.h: gap ≥ 5 п. п., Welch p < 0.01), that evidence with its years; the
 * sentences are report/card_words.h's, which the card's PDF says too. */
static int evidence_observation(struct web_req *r, struct buf *b, int64_t school)
{
	struct obsd_year *y = NULL;
	size_t n = 0;
	int rc = observed_school_years(r->db, school, &y, &n);
	if (rc)
		return rc;
	struct card_obs o;
	card_obs_of(y, n, &o);
	buf_puts(b, "<section><h2>" CARD_OBS_TITLE "</h2>");
	if (o.seen.len) {
		buf_puts(b, "<p>");
		html_text(b, buf_str(&o.seen));
		buf_puts(b, "</p>");
	}
	if (o.title) {
		buf_puts(b, "<div class=\"sign card\"><h3>");
		html_text(b, o.title);
		buf_puts(b, "</h3>");
	}
	buf_puts(b, "<p>");
	html_text(b, buf_str(&o.text));
	buf_puts(b, o.title ? "</p></div>" : "</p>");
	if (o.table) {
		buf_puts(b, "<table><thead><tr>");
		for (int c = 0; c < CARD_OBS_NCOLS; c++)
			html_printf(b, "<th>%s</th>", card_obs_columns[c]);
		buf_puts(b, "</tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			char cells[CARD_OBS_NCOLS][CARD_CELL];
			if (!card_obs_row(&y[i], cells))
				continue;
			for (int c = 0; c < CARD_OBS_NCOLS; c++) {
				buf_puts(b, c == 0 ? "<tr><td>" : c == 1 || c >= 3 ? "</td><td class=\"num\">" : "</td><td>");
				html_text(b, cells[c]);
			}
			buf_puts(b, "</td></tr>");
		}
		buf_puts(b, "</tbody></table>");
	}
	buf_puts(b, "</section>");
	card_obs_free(&o);
	free(y);
	return 0;
}

/* The card's content below the frame (hundreds of milliseconds on a region: the run's signs,
 * histograms, re-checks, observation and history of the school). */
static int evidence_body(struct web_req *r, struct buf *b, const char *login, int64_t school, const char *name,
			 const struct run_info *ri)
{
	int rc;
	buf_puts(b, "<p><a href=\"/risk\">← Зона риска</a></p><h1>");
	html_text(b, name);
	buf_puts(b, "</h1><p class=\"muted\">Доказательная карточка: признаки, по которым школа "
		    "отмечена в последнем анализе, с исходными числами. Признак — повод для проверки "
		    "(перепроверки работ, наблюдения), а не вывод о нарушении. Всё на карточке — "
		    "на момент анализа от ");
	moment(b, ri->at);
	buf_puts(b, ".</p><p class=\"actions\"><a href=\"/risk/");
	html_url(b, login);
	buf_puts(b, "/pdf\">Распечатать / PDF</a></p><nav class=\"card\" aria-label=\"Что сделать\"><h2>Что "
		    "сделать</h2><ul><li><a href=\"/measures\">Создать меры адресной помощи</a></li>"
		    "<li><a href=\"/observers\">Назначить наблюдателей</a></li>"
		    "<li><a href=\"/recheck\">Отобрать работы на перепроверку</a></li></ul></nav>");
	web_recheck_card(r, b, ri->id, school);
	char top[48];
	evidence_tiles(r, b, ri->id, school, top, sizeof top);
	rc = evidence_signs(r, b, ri->id, school, top, sizeof top);
	if (top[0]) {
		buf_puts(b, "<section><h2>" CARD_HIST_TITLE "</h2>");
		distribution(r, b, ri->id, school, top);
		buf_puts(b, "<p><a href=\"/reports/");
		html_url(b, top);
		buf_puts(b, "?school=");
		html_url(b, login);
		buf_puts(b, "\">Все отчёты школы по этой процедуре (по текущим результатам)</a></p></section>");
	}
	web_medalists_card(r, b, school, login);
	web_teachers_card(r, b, ri->id, school);
	int rc3 = evidence_observation(r, b, school);
	int rc2 = evidence_history(r, b, school);
	return rc ? rc : rc3 ? rc3 : rc2;
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
	/* Kept per thread for the database's version (cache.c) under what it depends on: the
	 * school, the role and scope (the card's links and observation) and the minute of
	 * plan_now() (what the observation part shows depends on the day). */
	char key[256], sk[64];
	scope_key(&r->scope, sk, sizeof sk);
	int n = snprintf(key, sizeof key, "evidence:%d:%s:%lld:%s", (int)r->user.role, sk,
			 (long long)(plan_now() / 60), login);
	bool keep = n > 0 && (size_t)n < sizeof key; /* a cut key could name another card */
	const char *cached = keep ? web_cache_get(r, key) : NULL;
	html_begin(r, w, name);
	if (cached) {
		html_raw(b, cached);
	} else {
		struct buf part = BUF_INIT;
		rc = evidence_body(r, &part, login, school, name, &ri);
		if (!rc && keep)
			web_cache_put(r, key, buf_str(&part));
		html_raw(b, buf_str(&part));
		buf_free(&part);
	}
	html_end(r, w);
	return rc;
}

/* GET /risk/{login}/pdf: the card as a printed document (report/risk_doc.c) with what the
 * page shows, read as the page reads it: the run's re-check of the school with its changed
 * works, the risk figures and signs, the top procedure's distribution, the medalists, the
 * teachers' counts, the observation and the history. */
int page_evidence_pdf(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "login");
	struct registry_school_card card;
	int rc = registry_school_get(r->db, login, r->a, &card);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (rc || !scope_sees_school(r->db, &r->scope, card.id))
		return ERR_NOTFOUND;
	struct run_info ri;
	if ((rc = run_latest(r->db, &ri)))
		return rc;
	struct run_risk k;
	long ranked = 0;
	bool has_k = !run_school_risk(r->db, ri.id, card.id, &k, &ranked);
	struct run_sign *v = NULL;
	size_t n = 0;
	struct doc *doc = NULL;
	struct rc_run_row *rows = NULL;
	size_t nrows = 0;
	struct risk_card_recheck *rcs = NULL;
	struct run_hist h;
	bool has_h = false;
	struct risk_card_medal medal;
	struct obsd_year *obs = NULL;
	size_t nobs = 0;
	struct run_history *hist = NULL;
	size_t nhist = 0;
	char top[48] = "";
	if ((rc = run_school_signs(r->db, ri.id, card.id, RUN_SIGNS_BY_SIGN, &v, &n)))
		goto out;
	struct risk_card c = { .school = card.name, .municipality = card.municipality, .login = login, .run = &ri,
				.k = has_k ? &k : NULL, .ranked = ranked, .signs = v, .nsigns = n };
	/* The re-check as web_recheck_card reads it: nothing when there is none. */
	if (!recheck_run_school(r->db, ri.id, card.id, &rows, &nrows) && nrows) {
		rcs = xcalloc(nrows, sizeof *rcs);
		for (size_t i = 0; i < nrows; i++) {
			struct risk_card_work *works = NULL;
			size_t nw = 0;
			long changed = 0;
			web_recheck_card_works(r, card.id, rows[i].procedure_id, rows[i].procedure, &works, &nw, &changed);
			rcs[i] = (struct risk_card_recheck){ &rows[i], works, nw, changed };
		}
		c.rechecks = rcs;
		c.nrechecks = nrows;
	}
	/* The top procedure, as the page chooses it. */
	snprintf(top, sizeof top, "%s", card_top_procedure(has_k ? k.top_procedure : "", v, n));
	c.top = top;
	if (top[0] && !run_school_histogram(r->db, ri.id, card.id, top, &h)) {
		has_h = true;
		c.hist = &h;
	}
	if (web_medalists_card_data(r, card.id, &medal))
		c.medal = &medal;
	web_teachers_card_counts(r, ri.id, card.id, &c.teachers, &c.teachers_listed);
	if (!observed_school_years(r->db, card.id, &obs, &nobs)) {
		c.obs = obs;
		c.nobs = nobs;
		c.has_obs = true;
	}
	if (!run_school_history(r->db, card.id, 20, &hist, &nhist)) {
		c.history = hist;
		c.nhistory = nhist;
	}
	doc = risk_card_doc(&c);
	buf_reset(&w->body);
	if ((rc = doc_pdf_write(doc, &w->body))) {
		buf_reset(&w->body);
		goto out;
	}
	w->type = "application/pdf";
	w->cache = "no-store";
	struct buf d = BUF_INIT;
	web_disposition(&d, arena_printf(r->a, "evidence-%s.pdf", login),
			arena_printf(r->a, "Доказательная карточка %s.pdf", card.name));
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
out:
	doc_free(doc);
	run_signs_free(v, n);
	if (has_k)
		run_risk_clear(&k);
	for (size_t i = 0; rcs && i < nrows; i++)
		free((void *)rcs[i].works);
	free(rcs);
	free(rows);
	if (has_h)
		run_hist_free(&h);
	free(obs);
	free(hist);
	return rc;
}
