/* reports: the seven ФИС ОКО analytics reports (report/fisoko.h) as one page per procedure
 * and unit, with inline SVG charts beside data tables, and the same tables as XLSX.
 *
 *   GET /reports                          choose a procedure and a unit in the territory
 *   GET /reports/{procedure}?school=LOGIN | ?municipality=ID | ?region=ID
 *   GET /reports/{procedure}/xlsx?…       the same as a workbook, one sheet per report
 *   GET /reports/{procedure}/pdf?…        the same as a printed A4 document (report/fisoko_doc.c)
 *
 * Without a unit the page opens the user's own: the school, the municipality or the region.
 * A unit outside the user's territory answers 404, the same as one that does not exist. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "io/table_write.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/result.h"
#include "model/unit.h"
#include "report/doc_pdf.h"
#include "report/fisoko.h"
#include "report/fisoko_doc.h"
#include "report/risk_doc.h"
#include "web/chart.h"
#include "web/download.h"
#include "web/web.h"

/* ---- the unit of a request ---- */

struct unit {
	enum fisoko_kind kind;
	int64_t id;
	const char *param; /* "school=…" etc. for links, URL-encoded */
};

static int64_t first_region(struct db *d)
{
	int64_t id = 0;
	if (unit_first_region(d, &id))
		return 0;
	return id;
}

/* The unit named by the query (or the user's own), checked against the territory. */
static int resolve_unit(struct web_req *r, struct unit *u)
{
	const char *school = web_str(r, "school"), *mun = web_str(r, "municipality"),
		   *reg = web_str(r, "region");
	struct buf p = BUF_INIT;
	int given = (school && *school) + (mun && *mun) + (reg && *reg);
	if (given > 1)
		return ERR_INVALID;
	if (school && *school) {
		if (strlen(school) > 64 || registry_school_find(r->db, school, &u->id) ||
		    !scope_sees_school(r->db, &r->scope, u->id))
			return ERR_NOTFOUND;
		u->kind = FISOKO_SCHOOL;
	} else if (mun && *mun) {
		if ((u->id = web_int(r, "municipality")) <= 0 || !scope_sees_municipality(r->db, &r->scope, u->id))
			return ERR_NOTFOUND;
		u->kind = FISOKO_MUNICIPALITY;
	} else if (reg && *reg) {
		if ((u->id = web_int(r, "region")) <= 0 || !scope_sees_region(r->db, &r->scope, u->id))
			return ERR_NOTFOUND;
		u->kind = FISOKO_REGION;
	} else if (r->scope.kind == SCOPE_SCHOOL) {
		u->kind = FISOKO_SCHOOL;
		u->id = r->scope.id;
	} else if (r->scope.kind == SCOPE_MUNICIPALITY) {
		u->kind = FISOKO_MUNICIPALITY;
		u->id = r->scope.id;
	} else if (r->scope.kind == SCOPE_REGION) {
		u->kind = FISOKO_REGION;
		u->id = r->scope.id;
	} else {
		u->kind = FISOKO_REGION;
		u->id = r->scope.kind == SCOPE_ALL ? first_region(r->db) : 0;
	}
	if (!u->id)
		return ERR_NOTFOUND;
	if (u->kind == FISOKO_SCHOOL) {
		char login[64];
		buf_puts(&p, "school=");
		if (!unit_school(r->db, u->id, NULL, 0, login, sizeof login))
			html_url(&p, login);
	} else {
		buf_printf(&p, "%s=%lld", u->kind == FISOKO_MUNICIPALITY ? "municipality" : "region",
			   (long long)u->id);
	}
	u->param = arena_strdup(r->a, buf_str(&p));
	buf_free(&p);
	return 0;
}

/* ---- small output helpers ---- */

static void td_int(struct buf *b, int64_t v)
{
	buf_puts(b, "<td class=\"num\">");
	html_int(b, (long)v);
	buf_puts(b, "</td>");
}

static void td_pct(struct buf *b, double v)
{
	buf_puts(b, "<td class=\"num\">");
	chart_pct(b, v);
	buf_puts(b, "</td>");
}

static void th_level(struct buf *b, const struct fisoko_level *l)
{
	buf_puts(b, "<th scope=\"row\">");
	html_text(b, l->name);
	buf_puts(b, " <small class=\"muted\">");
	html_text(b, fisoko_kind_title(l->kind));
	buf_puts(b, "</small></th>");
}

static void section(struct buf *b, const char *id, const char *num, const char *title)
{
	html_printf(b, "<section class=\"report\" id=\"%s\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">"
		       "<span class=\"rn\">%s</span> ", id, id, id, num);
	html_text(b, title);
	buf_puts(b, "</h2>");
}

static void figure_begin(struct buf *b)
{
	buf_puts(b, "<div class=\"figure\">");
}

static void figure_end(struct buf *b)
{
	buf_puts(b, "</div>");
}

static void series_of(const struct fisoko_report *rep, struct chart_series *s, double (*v)[64],
		      int nv)
{
	(void)nv;
	for (int i = 0; i < rep->nlev; i++) {
		s[i].name = rep->lev[i].name;
		s[i].v = v[i];
	}
}

static const char *const mark_names[] = { "«2»", "«3»", "«4»", "«5»" };

/* ---- the seven sections ---- */

static void sec_marks(struct buf *b, const struct fisoko_report *rep)
{
	const struct procedure *p = &rep->proc;
	section(b, "marks", "1", "Статистика по отметкам");
	if (!rep->marks) {
		buf_puts(b, "<p class=\"muted\">У процедуры не задана шкала перевода баллов в отметки, "
			    "и не у всех участников отметка указана в результатах — отметки не "
			    "рассчитываются.</p></section>");
		return;
	}
	double v[FISOKO_LEVELS][64];
	struct chart_series s[FISOKO_LEVELS];
	for (int i = 0; i < rep->nlev; i++)
		for (int m = 0; m < 4; m++)
			v[i][m] = fisoko_pct(rep->lev[i].marks[m], rep->lev[i].n);
	series_of(rep, s, v, 4);
	figure_begin(b);
	chart_bars(b, "Распределение отметок, % участников",
		   "Доли отметок «2», «3», «4», «5» по шкале процедуры для каждого уровня. "
		   "Числа — в таблице рядом.", mark_names, 4, s, rep->nlev, 0);
	buf_puts(b, "<table class=\"data\"><caption>Доли отметок, % участников</caption><thead><tr>"
		    "<th>Уровень</th><th class=\"num\">Писали</th>");
	for (int m = 0; m < 4; m++)
		html_printf(b, "<th class=\"num\">%s</th>", mark_names[m]);
	buf_puts(b, "<th class=\"num\">Средний балл</th></tr></thead><tbody>");
	for (int i = 0; i < rep->nlev; i++) {
		const struct fisoko_level *l = &rep->lev[i];
		buf_puts(b, "<tr>");
		th_level(b, l);
		td_int(b, l->n);
		for (int m = 0; m < 4; m++) {
			html_printf(b, "<td class=\"num\" title=\"%lld чел.\">", (long long)l->marks[m]);
			chart_pct(b, v[i][m]);
			buf_puts(b, "</td>");
		}
		td_pct(b, l->mean);
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table>");
	figure_end(b);
	if (p->has_scale)
		html_printf(b, "<p class=\"muted\">Шкала: «3» от %d, «4» от %d, «5» от %d первичных "
			       "баллов из %d. Отсутствовали: ", p->scale[0], p->scale[1], p->scale[2],
			    p->max_score);
	else
		buf_puts(b, "<p class=\"muted\">Отметки — указанные в результатах (шкала процедуры не "
			    "задана). Отсутствовали: ");
	html_int(b, (long)rep->lev[0].absent);
	buf_puts(b, ".</p></section>");
}

static void sec_journal(struct buf *b, const struct fisoko_report *rep)
{
	section(b, "journal", "2", "Сравнение отметок с отметками по журналу");
	if (!rep->marks) {
		buf_puts(b, "<p class=\"muted\">Без отметок сравнение невозможно: у процедуры не задана "
			    "шкала, и не у всех участников отметка указана в результатах.</p></section>");
		return;
	}
	static const char *const cats[] = { "Понизили", "Подтвердили", "Повысили" };
	double v[FISOKO_LEVELS][64];
	struct chart_series s[FISOKO_LEVELS];
	for (int i = 0; i < rep->nlev; i++) {
		const struct fisoko_level *l = &rep->lev[i];
		v[i][0] = fisoko_pct(l->jlower, l->jn);
		v[i][1] = fisoko_pct(l->jequal, l->jn);
		v[i][2] = fisoko_pct(l->jhigher, l->jn);
	}
	series_of(rep, s, v, 3);
	figure_begin(b);
	chart_bars(b, "Отметка ВПР против отметки по журналу, % участников",
		   "Понизили — отметка ВПР ниже отметки по журналу, подтвердили — равна, повысили — "
		   "выше. Числа — в таблице рядом.", cats, 3, s, rep->nlev, 100);
	buf_puts(b, "<table class=\"data\"><caption>Участники с отметкой по журналу</caption><thead><tr>"
		    "<th>Уровень</th><th class=\"num\">Участников</th><th class=\"num\">Понизили</th>"
		    "<th class=\"num\">Подтвердили</th><th class=\"num\">Повысили</th>"
		    "<th class=\"num\">Ниже на 2+</th><th class=\"num\">Выше на 2+</th></tr></thead><tbody>");
	for (int i = 0; i < rep->nlev; i++) {
		const struct fisoko_level *l = &rep->lev[i];
		int64_t k[3] = { l->jlower, l->jequal, l->jhigher };
		buf_puts(b, "<tr>");
		th_level(b, l);
		td_int(b, l->jn);
		for (int j = 0; j < 3; j++) {
			buf_puts(b, "<td class=\"num\">");
			chart_pct(b, v[i][j]);
			buf_puts(b, " %<br><small class=\"muted\">");
			html_int(b, (long)k[j]);
			buf_puts(b, " чел.</small></td>");
		}
		html_printf(b, "<td class=\"num%s\">", l->jlower2 ? " flag" : "");
		html_int(b, (long)l->jlower2);
		html_printf(b, "</td><td class=\"num%s\">", l->jhigher2 ? " flag" : "");
		html_int(b, (long)l->jhigher2);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table>");
	figure_end(b);
	const struct fisoko_level *u = &rep->lev[0];
	if (u->jlower2 + u->jhigher2 > 0) {
		buf_puts(b, "<p class=\"alert\">Расхождение на две отметки и более: ");
		html_int(b, (long)(u->jlower2 + u->jhigher2));
		buf_puts(b, " чел. По рекомендациям ФИОКО такие случаи нужно разобрать отдельно.</p>");
	}
	buf_puts(b, "<p class=\"muted\">Учтены участники, писавшие работу и имеющие отметку по журналу "
		    "(2–5); отметка ВПР — по шкале процедуры. Отметки за расхождение на 2 и более входят "
		    "в «понизили» и «повысили».</p>");
	if (u->jn == 0)
		buf_puts(b, "<p class=\"muted\">Отметок по журналу в загруженных данных нет.</p>");
	buf_puts(b, "</section>");
}

static void sec_scores(struct buf *b, const struct fisoko_report *rep)
{
	const struct procedure *p = &rep->proc;
	const struct fisoko_level *u = &rep->lev[0];
	int nb = p->max_score + 1;
	section(b, "scores", "3", "Распределение первичных баллов");
	if (u->n < FISOKO_ROUGH_HIST) {
		buf_puts(b, "<p class=\"notice warn\">Участников меньше 20 — форма распределения не "
			    "информативна; показаны только числа.</p>");
	} else if (u->n < FISOKO_MIN_HIST) {
		buf_puts(b, "<p class=\"notice warn\">Участников меньше 50 — распределение даёт лишь "
			    "грубую картину.</p>");
	}
	double *v = calloc((size_t)rep->nlev * (size_t)nb, sizeof *v);
	if (!v) {
		buf_puts(b, "</section>");
		return;
	}
	struct chart_series s[FISOKO_LEVELS];
	for (int i = 0; i < rep->nlev; i++) {
		for (int k = 0; k < nb; k++)
			v[i * nb + k] = fisoko_pct(rep->lev[i].hist[k], rep->lev[i].n);
		s[i].name = rep->lev[i].name;
		s[i].v = v + i * nb;
	}
	char l3[32], l4[32], l5[32];
	snprintf(l3, sizeof l3, "«3» от %d", p->scale[0]);
	snprintf(l4, sizeof l4, "«4» от %d", p->scale[1]);
	snprintf(l5, sizeof l5, "«5» от %d", p->scale[2]);
	const char *const bl[] = { l3, l4, l5 };
	if (u->n >= FISOKO_ROUGH_HIST)
		chart_hist(b, "Распределение первичных баллов, % участников",
			   "Столбцы — доли участников по первичному баллу для выбранной единицы, линии — "
			   "для уровней выше; пунктир — нижние границы отметок. Числа — в таблице ниже.",
			   s, rep->nlev, nb, p->scale, bl, p->has_scale ? 3 : 0);
	if (p->has_scale) {
		/* Bunching check: the share at a boundary against the share one point below. */
		buf_puts(b, "<table class=\"data\"><caption>Доли у границ отметок, % участников "
			    "(балл на границе и на 1 ниже)</caption><thead><tr><th>Граница</th>");
		for (int i = 0; i < rep->nlev; i++) {
			buf_puts(b, "<th class=\"num\">");
			html_text(b, rep->lev[i].name);
			buf_puts(b, "</th>");
		}
		buf_puts(b, "</tr></thead><tbody>");
		for (int k = 0; k < 3; k++) {
			int at = p->scale[k];
			if (at <= 0 || at >= nb)
				continue;
			buf_puts(b, "<tr><th scope=\"row\">");
			html_text(b, bl[k]);
			html_printf(b, ": %d и %d</th>", at, at - 1);
			for (int i = 0; i < rep->nlev; i++) {
				buf_puts(b, "<td class=\"num\">");
				chart_pct(b, v[i * nb + at]);
				buf_puts(b, " / ");
				chart_pct(b, v[i * nb + at - 1]);
				buf_puts(b, "</td>");
			}
			buf_puts(b, "</tr>");
		}
		buf_puts(b, "</tbody></table><p class=\"muted\">Резкий пик на границе отметки при "
			    "провале на балл ниже — возможный признак необъективности (методика, §3–4).</p>");
	}
	buf_puts(b, "<details><summary>Таблица распределения по баллам</summary><table class=\"data\">"
		    "<thead><tr><th class=\"num\">Балл</th>");
	for (int i = 0; i < rep->nlev; i++) {
		buf_puts(b, "<th class=\"num\">");
		html_text(b, rep->lev[i].name);
		buf_puts(b, ", чел.</th><th class=\"num\">%</th>");
	}
	buf_puts(b, "</tr></thead><tbody>");
	for (int k = 0; k < nb; k++) {
		bool edge = p->has_scale && (k == p->scale[0] || k == p->scale[1] || k == p->scale[2]);
		html_printf(b, "<tr%s><td class=\"num\">%d</td>", edge ? " class=\"edge\"" : "", k);
		for (int i = 0; i < rep->nlev; i++) {
			td_int(b, rep->lev[i].hist[k]);
			td_pct(b, v[i * nb + k]);
		}
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table></details></section>");
	free(v);
}

static const char *verdict_class(enum fisoko_verdict v)
{
	return v == FISOKO_BELOW ? "err" : v == FISOKO_BORDER ? "warn" : "";
}

static void sec_tasks(struct buf *b, const struct fisoko_report *rep)
{
	const struct procedure *p = &rep->proc;
	section(b, "tasks", "4", "Выполнение заданий");
	if (p->npos == 0) {
		buf_puts(b, "<p class=\"muted\">Позиции процедуры не заданы.</p></section>");
		return;
	}
	double v[FISOKO_LEVELS][PROC_MAX_POSITIONS];
	const char *cats[PROC_MAX_POSITIONS];
	struct chart_series s[FISOKO_LEVELS];
	for (int j = 0; j < p->npos; j++) {
		cats[j] = p->pos[j].label;
		for (int i = 0; i < rep->nlev; i++)
			v[i][j] = fisoko_success(rep, i, j);
	}
	for (int i = 0; i < rep->nlev; i++) {
		s[i].name = rep->lev[i].name;
		s[i].v = v[i];
	}
	chart_bars(b, "Средний процент выполнения заданий",
		   "Для каждой позиции — средний процент от максимального балла по уровням. Числа — в "
		   "таблице ниже.", cats, p->npos, s, rep->nlev, 100);
	buf_puts(b, "<table class=\"data\"><thead><tr><th>Позиция</th><th>Уровень</th>"
		    "<th class=\"num\">Макс. балл</th>");
	for (int i = 0; i < rep->nlev; i++) {
		buf_puts(b, "<th class=\"num\">");
		html_text(b, rep->lev[i].name);
		buf_puts(b, ", %</th>");
	}
	buf_puts(b, "<th>Порог (по первому столбцу)</th></tr></thead><tbody>");
	int below = 0;
	for (int j = 0; j < p->npos; j++) {
		enum fisoko_verdict vd = fisoko_verdict(p->pos[j].level, v[0][j]);
		below += vd == FISOKO_BELOW;
		html_printf(b, "<tr class=\"%s\"><th scope=\"row\">", verdict_class(vd));
		html_text(b, p->pos[j].label);
		buf_puts(b, "</th><td>");
		html_text(b, *p->pos[j].level ? p->pos[j].level : "—");
		buf_puts(b, "</td>");
		td_int(b, p->pos[j].max);
		for (int i = 0; i < rep->nlev; i++)
			td_pct(b, v[i][j]);
		buf_puts(b, "<td>");
		html_text(b, fisoko_verdict_title(vd));
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table><p class=\"muted\">Пороги ФИОКО: задания базового уровня (Б) — "
		    "60 % (зона неопределённости 57–63 %), повышенного и высокого (П, В) — 30 % "
		    "(28,5–31,5 %). «На границе» — значение внутри зоны неопределённости.");
	if (below) {
		buf_puts(b, " Ниже порога: ");
		html_int(b, below);
		buf_puts(b, " поз.");
	}
	buf_puts(b, "</p></section>");
}

static void sec_planned(struct buf *b, const struct fisoko_report *rep)
{
	const struct procedure *p = &rep->proc;
	static const char *const levels[] = { "Б", "П", "В", "" };
	static const char *const titles[] = { "Базовый уровень (Б)", "Повышенный уровень (П)",
					      "Высокий уровень (В)", "Уровень не указан" };
	const int top = rep->nlev - 1;
	section(b, "planned", "5", "Достижение планируемых результатов");
	buf_puts(b, "<p>Планируемый результат, проверяемый позицией, считается <strong>достигнутым</strong>, "
		    "если участник получил за неё максимальный балл, и <strong>достигнутым хотя бы "
		    "частично</strong> — если не меньше половины максимума. Доли — от писавших работу.</p>");
	/* Chart: mean share of achieved per level of difficulty. */
	double v[FISOKO_LEVELS][64];
	const char *cats[4];
	int nc = 0, gi[4];
	for (int g = 0; g < 4; g++) {
		int cnt = 0;
		double sum[FISOKO_LEVELS] = { 0 };
		for (int j = 0; j < p->npos; j++) {
			if (strcmp(p->pos[j].level, levels[g]))
				continue;
			cnt++;
			for (int i = 0; i < rep->nlev; i++)
				sum[i] += fisoko_pct(rep->lev[i].pos[j].full, rep->lev[i].n);
		}
		if (!cnt)
			continue;
		gi[nc] = g;
		cats[nc] = titles[g];
		for (int i = 0; i < rep->nlev; i++)
			v[i][nc] = sum[i] / cnt;
		nc++;
	}
	if (nc) {
		struct chart_series s[FISOKO_LEVELS];
		series_of(rep, s, v, nc);
		figure_begin(b);
		chart_bars(b, "Доля достигших планируемых результатов, в среднем по позициям уровня, %",
			   "Средняя по позициям доля участников, получивших максимальный балл, по уровням "
			   "сложности. Числа — в таблице рядом.", cats, nc, s, rep->nlev, 100);
		buf_puts(b, "<table class=\"data\"><caption>Среднее по позициям уровня, %</caption><thead><tr>"
			    "<th>Уровень сложности</th>");
		for (int i = 0; i < rep->nlev; i++) {
			buf_puts(b, "<th class=\"num\">");
			html_text(b, rep->lev[i].name);
			buf_puts(b, "</th>");
		}
		buf_puts(b, "</tr></thead><tbody>");
		for (int c = 0; c < nc; c++) {
			buf_puts(b, "<tr><th scope=\"row\">");
			html_text(b, titles[gi[c]]);
			buf_puts(b, "</th>");
			for (int i = 0; i < rep->nlev; i++)
				td_pct(b, v[i][c]);
			buf_puts(b, "</tr>");
		}
		buf_puts(b, "</tbody></table>");
		figure_end(b);
	}
	for (int c = 0; c < nc; c++) {
		int g = gi[c];
		buf_puts(b, "<h3>");
		html_text(b, titles[g]);
		buf_puts(b, "</h3><table class=\"data\"><thead><tr><th>Позиция</th><th class=\"num\">Достигли, %"
			    "</th><th class=\"num\">Хотя бы частично, %</th>");
		if (top > 0) {
			buf_puts(b, "<th class=\"num\">Достигли: ");
			html_text(b, rep->lev[top].name);
			buf_puts(b, ", %</th><th class=\"num\">Разница, п.п.</th>");
		}
		buf_puts(b, "</tr></thead><tbody>");
		for (int j = 0; j < p->npos; j++) {
			if (strcmp(p->pos[j].level, levels[g]))
				continue;
			double f0 = fisoko_pct(rep->lev[0].pos[j].full, rep->lev[0].n);
			buf_puts(b, "<tr><th scope=\"row\">");
			html_text(b, p->pos[j].label);
			buf_puts(b, "</th>");
			td_pct(b, f0);
			td_pct(b, fisoko_pct(rep->lev[0].pos[j].half, rep->lev[0].n));
			if (top > 0) {
				double ft = fisoko_pct(rep->lev[top].pos[j].full, rep->lev[top].n);
				td_pct(b, ft);
				double d = f0 - ft;
				html_printf(b, "<td class=\"num%s\">", d <= -10 ? " flag" : "");
				if (!isnan(d) && d > 0)
					buf_puts(b, "+");
				chart_pct(b, d);
				buf_puts(b, "</td>");
			}
			buf_puts(b, "</tr>");
		}
		buf_puts(b, "</tbody></table>");
	}
	if (top > 0)
		buf_puts(b, "<p class=\"muted\">Разница на 10 п.п. и более ниже уровня выше выделена.</p>");
	buf_puts(b, "</section>");
}

static void sec_groups(struct buf *b, const struct fisoko_report *rep)
{
	const struct procedure *p = &rep->proc;
	const struct fisoko_level *u = &rep->lev[0];
	section(b, "groups", "6", "Выполнение заданий группами участников");
	if (!rep->marks || p->npos == 0) {
		buf_puts(b, "<p class=\"muted\">Группы по отметкам нельзя выделить без отметок и позиций.</p>"
			    "</section>");
		return;
	}
	buf_puts(b, "<p>Участники выбранной единицы разбиты на группы по отметке ВПР; для каждой "
		    "группы — средний процент выполнения позиции. Группа меньше 10 человек не "
		    "анализируется (методика, §3).</p>");
	double v[4][PROC_MAX_POSITIONS];
	const char *cats[PROC_MAX_POSITIONS];
	char names[4][48];
	struct chart_series s[4];
	int ns = 0;
	for (int j = 0; j < p->npos; j++)
		cats[j] = p->pos[j].label;
	for (int m = 0; m < 4; m++) {
		for (int j = 0; j < p->npos; j++)
			v[m][j] = fisoko_group_success(rep, 0, m + 2, j);
		if (u->marks[m] >= FISOKO_MIN_GROUP) {
			snprintf(names[m], sizeof names[m], "группа %s", mark_names[m]);
			s[ns].name = names[m];
			s[ns].v = v[m];
			ns++;
		}
	}
	if (ns)
		chart_bars(b, "Выполнение заданий группами по отметке, %",
			   "Средний процент выполнения каждой позиции в группах участников с отметками "
			   "«2», «3», «4», «5» (только группы от 10 человек). Числа — в таблице ниже.",
			   cats, p->npos, s, ns, 100);
	buf_puts(b, "<table class=\"data\"><thead><tr><th>Позиция</th><th>Уровень</th>");
	for (int m = 0; m < 4; m++) {
		bool ok = u->marks[m] >= FISOKO_MIN_GROUP;
		html_printf(b, "<th class=\"num%s\">Группа %s<br><small>", ok ? "" : " muted", mark_names[m]);
		html_printf(b, "%lld чел.%s</small></th>", (long long)u->marks[m],
			    ok ? "" : ", не анализируется");
	}
	buf_puts(b, "</tr></thead><tbody>");
	for (int j = 0; j < p->npos; j++) {
		buf_puts(b, "<tr><th scope=\"row\">");
		html_text(b, p->pos[j].label);
		buf_puts(b, "</th><td>");
		html_text(b, *p->pos[j].level ? p->pos[j].level : "—");
		buf_puts(b, "</td>");
		for (int m = 0; m < 4; m++) {
			bool ok = u->marks[m] >= FISOKO_MIN_GROUP;
			buf_puts(b, ok ? "<td class=\"num\">" : "<td class=\"num muted\">");
			chart_pct(b, v[m][j]);
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table></section>");
}

/* A unit one level down as a list item linking to its report. */
struct unit_link {
	struct buf *b;
	const char *code;
	bool school;
};

static int unit_link_li(void *ctx, int64_t id, const char *login, const char *name)
{
	struct unit_link *l = ctx;
	buf_puts(l->b, "<li><a href=\"/reports/");
	html_url(l->b, l->code);
	buf_puts(l->b, l->school ? "?school=" : "?municipality=");
	if (l->school) {
		html_url(l->b, login);
	} else {
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)id);
		html_url(l->b, v);
	}
	buf_puts(l->b, "#people\">");
	html_text(l->b, name);
	buf_puts(l->b, "</a></li>");
	return 0;
}

static void sec_people(struct web_req *r, struct buf *b, const struct fisoko_report *rep)
{
	const struct procedure *p = &rep->proc;
	const struct fisoko_level *u = &rep->lev[0];
	section(b, "people", "7", "Индивидуальные результаты");
	if (u->kind != FISOKO_SCHOOL) {
		/* Individual rows live in a school's report: list the units one level down. */
		bool mun = u->kind == FISOKO_MUNICIPALITY;
		buf_puts(b, mun ? "<p>Индивидуальные результаты показываются в отчёте школы. Школы "
				  "муниципалитета:</p>"
				: "<p>Индивидуальные результаты показываются в отчёте школы. Отчёты "
				  "муниципалитетов:</p>");
		buf_puts(b, "<ul class=\"units\">");
		struct unit_link ul = { b, p->code, mun };
		unit_children(r->db, mun ? UNIT_MUNICIPALITY : UNIT_REGION, u->id, unit_link_li, &ul);
		buf_puts(b, "</ul></section>");
		return;
	}
	buf_puts(b, "<p class=\"muted\">Только коды участников, без фамилий. «X» — не приступал, "
		    "«н» — тема не пройдена, пусто — нет данных.</p>");
	buf_puts(b, "<div class=\"scroll wide\" tabindex=\"0\" role=\"region\" aria-label=\"Индивидуальные "
		    "результаты\"><table class=\"data people\"><thead><tr><th>Код</th><th>Класс</th>"
		    "<th class=\"num\">Вар.</th>");
	for (int j = 0; j < p->npos; j++) {
		buf_puts(b, "<th class=\"num\">");
		html_text(b, p->pos[j].label);
		buf_puts(b, "</th>");
	}
	buf_puts(b, "<th class=\"num\">Балл</th><th class=\"num\">Отметка</th>"
		    "<th class=\"num\">По журналу</th></tr></thead><tbody>");
	for (int k = 0; k < rep->npeople; k++) {
		const struct fisoko_person *q = &rep->people[k];
		int gap = q->mark && q->journal ? q->mark - q->journal : 0;
		html_printf(b, "<tr%s><th scope=\"row\">", gap <= -2 || gap >= 2 ? " class=\"warn\"" : "");
		html_text(b, q->code);
		buf_puts(b, "</th><td>");
		html_text(b, q->class_name);
		buf_puts(b, "</td><td class=\"num\">");
		if (q->variant)
			html_printf(b, "%d", q->variant);
		buf_puts(b, "</td>");
		if (q->absent) {
			html_printf(b, "<td colspan=\"%d\" class=\"muted\">отсутствовал</td><td></td><td></td>",
				    p->npos + 1);
		} else {
			for (int j = 0; j < p->npos; j++) {
				int sc = q->scores[j];
				if (sc <= PROC_MAX_POINTS)
					html_printf(b, "<td class=\"num\">%d</td>", sc);
				else
					html_printf(b, "<td class=\"num muted\">%s</td>",
						    sc == SCORE_X ? "X" : sc == SCORE_NOT_TAUGHT ? "н" : "");
			}
			html_printf(b, "<td class=\"num\"><strong>%d</strong></td><td class=\"num\">", q->primary);
			if (q->mark)
				html_printf(b, "%d", q->mark);
			buf_puts(b, "</td>");
		}
		buf_puts(b, "<td class=\"num\">");
		if (q->journal)
			html_printf(b, "%d", q->journal);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>");
	if (rep->npeople == 0)
		buf_puts(b, "<p class=\"muted\">Результатов школы по этой процедуре нет.</p>");
	buf_puts(b, "</section>");
}

/* ---- pages ---- */

int page_report(struct web_req *r, struct web_res *w)
{
	struct unit u;
	int rc = resolve_unit(r, &u);
	if (rc)
		return rc;
	/* A report reads the whole procedure (0.3 s on a million works) and is the same for
	 * every user allowed to see the unit: rendered once per database version. The access
	 * check above runs on every request. */
	char key[160], tkey[168];
	snprintf(key, sizeof key, "report:%s:%d:%lld", web_str(r, "procedure"), (int)u.kind, (long long)u.id);
	snprintf(tkey, sizeof tkey, "title:%s", key);
	const char *cached = web_cache_get(r, key), *title = web_cache_get(r, tkey);
	if (cached && title) {
		html_begin(r, w, title);
		html_raw(&w->body, cached);
		html_end(r, w);
		return 0;
	}
	struct fisoko_report *rep = calloc(1, sizeof *rep);
	if (!rep)
		return ERR_NOMEM;
	if ((rc = fisoko_build(r->db, web_str(r, "procedure"), u.kind, u.id, rep))) {
		free(rep);
		return rc;
	}
	const struct procedure *p = &rep->proc;
	const struct fisoko_level *l0 = &rep->lev[0];
	char full[480], ptitle[200];
	if (procedure_title_of(p->code, p->subject, p->grade, ptitle, sizeof ptitle)) {
		size_t len = strlen(ptitle);
		snprintf(ptitle + len, sizeof ptitle - len, ", %d", p->year);
	}
	snprintf(full, sizeof full, "%s — %s", ptitle, l0->name);
	struct buf part = BUF_INIT, *b = &part;
	buf_puts(b, "<nav class=\"crumbs\" aria-label=\"Путь\"><a href=\"/reports\">Аналитика</a> › ");
	html_text(b, ptitle);
	buf_puts(b, "</nav><h1 ptitle=\"");
	html_attr(b, p->code);
	buf_puts(b, "\">Аналитика: ");
	html_text(b, ptitle);
	buf_puts(b, "</h1><p class=\"lead\">");
	html_text(b, fisoko_kind_title(l0->kind));
	buf_puts(b, ": <strong>");
	html_text(b, l0->name);
	buf_puts(b, "</strong>");
	if (rep->nlev > 1) {
		buf_puts(b, " · в сравнении с: ");
		for (int i = 1; i < rep->nlev; i++) {
			if (i > 1)
				buf_puts(b, ", ");
			html_text(b, rep->lev[i].name);
		}
	}
	buf_puts(b, "</p><ul class=\"tiles\"><li><strong>");
	html_int(b, (long)l0->n);
	buf_puts(b, "</strong>писали</li><li><strong>");
	html_int(b, (long)l0->absent);
	buf_puts(b, "</strong>не писали</li><li><strong>");
	chart_pct(b, l0->mean);
	html_printf(b, "</strong>средний балл из %d</li>", p->max_score);
	if (rep->marks) {
		buf_puts(b, "<li><strong>");
		chart_pct(b, fisoko_pct(l0->marks[0], l0->n));
		buf_puts(b, " %</strong>отметок «2»</li>");
	}
	buf_puts(b, "</ul><p class=\"actions\"><a class=\"button\" href=\"/reports/");
	html_url(b, p->code);
	buf_puts(b, "/xlsx?");
	html_attr(b, u.param);
	buf_puts(b, "\" download>Скачать XLSX</a> <a class=\"button\" href=\"/reports/");
	html_url(b, p->code);
	buf_puts(b, "/pdf?");
	html_attr(b, u.param);
	buf_puts(b, "\">Распечатать / PDF</a></p>"
		    "<nav class=\"toc\" aria-label=\"Отчёты\"><ol>"
		    "<li><a href=\"#marks\">Статистика по отметкам</a></li>"
		    "<li><a href=\"#journal\">Сравнение с журналом</a></li>"
		    "<li><a href=\"#scores\">Распределение баллов</a></li>"
		    "<li><a href=\"#tasks\">Выполнение заданий</a></li>"
		    "<li><a href=\"#planned\">Планируемые результаты</a></li>"
		    "<li><a href=\"#groups\">Группы участников</a></li>"
		    "<li><a href=\"#people\">Индивидуальные результаты</a></li></ol></nav>");
	if (l0->n == 0)
		buf_puts(b, "<p class=\"notice warn\">Результатов этой единицы по процедуре нет — "
			    "таблицы пусты.</p>");
	sec_marks(b, rep);
	sec_journal(b, rep);
	sec_scores(b, rep);
	sec_tasks(b, rep);
	sec_planned(b, rep);
	sec_groups(b, rep);
	sec_people(r, b, rep);
	web_cache_put(r, key, buf_str(&part));
	web_cache_put(r, tkey, full);
	html_begin(r, w, full);
	html_raw(&w->body, buf_str(&part));
	html_end(r, w);
	buf_free(&part);
	fisoko_free(rep);
	free(rep);
	return 0;
}

int page_report_xlsx(struct web_req *r, struct web_res *w)
{
	struct unit u;
	struct table_mem mem = { .fd = -1 };
	struct fisoko_report *rep = calloc(1, sizeof *rep);
	if (!rep)
		return ERR_NOMEM;
	int rc = resolve_unit(r, &u);
	if (!rc)
		rc = fisoko_build(r->db, web_str(r, "procedure"), u.kind, u.id, rep);
	if (rc) {
		free(rep);
		return rc;
	}
	if ((rc = table_mem_open(&mem)) || (rc = fisoko_xlsx(rep, mem.path)) ||
	    (rc = table_mem_take(&mem, &w->body)))
		goto out;
	/* The code is validated by procedure_get (letters, digits, '-'). */
	static const char *const ascii[] = { [FISOKO_SCHOOL] = "school",
					     [FISOKO_MUNICIPALITY] = "municipality",
					     [FISOKO_REGION] = "region" };
	char pt[200];
	risk_procedure_words(pt, sizeof pt, rep->proc.code);
	web_send_table(r, w, TABLE_XLSX, arena_printf(r->a, "%s-%s.xlsx", rep->proc.code, ascii[u.kind]),
		       arena_printf(r->a, "Аналитика %s, %s.xlsx", pt, fisoko_kind_title(u.kind)));
out:
	table_mem_close(&mem);
	fisoko_free(rep);
	free(rep);
	return rc;
}

/* GET /reports/{procedure}/pdf?…: the seven reports as a printed document. */
int page_report_pdf(struct web_req *r, struct web_res *w)
{
	struct unit u;
	struct doc *doc = NULL;
	struct fisoko_report *rep = calloc(1, sizeof *rep);
	if (!rep)
		return ERR_NOMEM;
	int rc = resolve_unit(r, &u);
	if (!rc)
		rc = fisoko_build(r->db, web_str(r, "procedure"), u.kind, u.id, rep);
	if (rc) {
		free(rep);
		return rc;
	}
	doc = fisoko_doc(rep);
	buf_reset(&w->body);
	if ((rc = doc_pdf_write(doc, &w->body))) {
		buf_reset(&w->body);
		goto out;
	}
	w->type = "application/pdf";
	w->cache = "no-store";
	static const char *const ascii[] = { [FISOKO_SCHOOL] = "school",
					     [FISOKO_MUNICIPALITY] = "municipality",
					     [FISOKO_REGION] = "region" };
	char title[200];
	struct buf d = BUF_INIT;
	web_disposition(&d, arena_printf(r->a, "%s-%s.pdf", rep->proc.code, ascii[u.kind]),
			arena_printf(r->a, "Аналитика %s, %s.pdf", fisoko_doc_procedure(rep, title, sizeof title),
				     rep->lev[0].name));
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
out:
	doc_free(doc);
	fisoko_free(rep);
	free(rep);
	return rc;
}

static void option(struct buf *b, const char *value, const char *title, bool selected)
{
	buf_puts(b, "<option value=\"");
	html_attr(b, value);
	buf_puts(b, selected ? "\" selected>" : "\">");
	html_text(b, title);
	buf_puts(b, "</option>");
}

static int region_option(void *ctx, int64_t id, const char *login, const char *name)
{
	(void)login;
	char v[40], t[300];
	snprintf(v, sizeof v, "reg:%lld", (long long)id);
	snprintf(t, sizeof t, "Регион: %s", name);
	option(ctx, v, t, false);
	return 0;
}

static int municipality_option(void *ctx, int64_t id, const char *name)
{
	char v[40];
	snprintf(v, sizeof v, "mun:%lld", (long long)id);
	option(ctx, v, name, false);
	return 0;
}

/* Schools found by the chooser's school field (a part of the name or a login). */
struct found {
	struct arena *a;
	size_t n;
	struct found_school { const char *login, *name, *municipality; } v[50];
};

static int found_add(void *ctx, const struct registry_school_item *s)
{
	struct found *f = ctx;
	if (f->n < sizeof f->v / sizeof *f->v)
		f->v[f->n++] = (struct found_school){ arena_strdup(f->a, s->login), arena_strdup(f->a, s->name),
						      arena_strdup(f->a, s->municipality) };
	return 0;
}

/* The report address of procedure proc for school login. */
static const char *school_report(struct web_req *r, const char *proc, const char *login)
{
	struct buf t = BUF_INIT;
	buf_puts(&t, "/reports/");
	html_url(&t, proc);
	buf_puts(&t, "?school=");
	html_url(&t, login);
	const char *url = arena_strdup(r->a, buf_str(&t));
	buf_free(&t);
	return url;
}

/* The school field's text: a login of the territory, or a part of a school's name (folded:
 * case, ё, Latin look-alikes — registry_school_list). One school: its report (*url); none
 * or several: what to say above the form (*notice, HTML). */
static int find_school(struct web_req *r, const char *proc, const char *q, const char **url,
		       struct buf *notice)
{
	int64_t id = 0;
	*url = NULL;
	if (!registry_school_find(r->db, q, &id) && scope_sees_school(r->db, &r->scope, id)) {
		*url = school_report(r, proc, q);
		return 0;
	}
	struct found *f = arena_alloc(r->a, sizeof *f);
	f->a = r->a;
	f->n = 0;
	long total = 0;
	struct registry_school_filter flt = { .q = q, .kind = "", .order = REGISTRY_BY_NAME,
					      .limit = (long)(sizeof f->v / sizeof *f->v) };
	int rc = registry_school_list(r->db, &r->scope, &flt, found_add, f, &total);
	if (rc)
		return rc;
	if (total == 1 && f->n == 1) {
		*url = school_report(r, proc, f->v[0].login);
		return 0;
	}
	if (!total) {
		buf_puts(notice, "<p class=\"notice warn\" role=\"status\">Школа «");
		html_text(notice, q);
		buf_puts(notice, "» не найдена среди школ вашей территории. Введите часть названия "
				 "(например, «СОШ № 1») или логин школы.</p>");
		return 0;
	}
	char t[RU_NUM_MAX];
	html_printf(notice, "<section class=\"card\" aria-labelledby=\"found-h\"><h2 id=\"found-h\">По запросу «");
	html_text(notice, q);
	html_printf(notice, "» %s %s %s — выберите:</h2><ul class=\"units\">",
		    str_plural(total, "найдена", "найдены", "найдено"), ru_int(t, sizeof t, total),
		    str_plural(total, "школа", "школы", "школ"));
	for (size_t i = 0; i < f->n; i++) {
		buf_puts(notice, "<li><a href=\"");
		html_attr(notice, school_report(r, proc, f->v[i].login));
		buf_puts(notice, "\">");
		html_text(notice, f->v[i].name);
		buf_puts(notice, "</a>");
		if (*f->v[i].municipality) {
			buf_puts(notice, " <small class=\"muted\">");
			html_text(notice, f->v[i].municipality);
			buf_puts(notice, "</small>");
		}
		buf_puts(notice, "</li>");
	}
	buf_puts(notice, "</ul>");
	if ((size_t)total > f->n)
		html_printf(notice, "<p class=\"muted\">Показаны первые %zu — уточните название.</p>", f->n);
	buf_puts(notice, "</section>");
	return 0;
}

int page_reports(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const struct user *me = &r->user;
	const char *proc = web_str(r, "procedure"), *unit = web_str(r, "unit"),
		   *school = web_str(r, "school");
	int rc = 0;
	struct buf notice = BUF_INIT;
	if (proc && *proc) {
		/* The form's answer: go to the report's own address. */
		struct buf t = BUF_INIT;
		if (strlen(proc) > 40 || (school && strlen(school) > 200) || (unit && strlen(unit) > 40))
			return ERR_INVALID;
		if (school && *school) {
			const char *url = NULL;
			if ((rc = find_school(r, proc, school, &url, &notice))) {
				buf_free(&notice);
				return rc;
			}
			if (url) {
				web_redirect(w, url);
				buf_free(&notice);
				return 0;
			}
			goto form;
		}
		buf_puts(&t, "/reports/");
		html_url(&t, proc);
		if (unit && !strncmp(unit, "mun:", 4)) {
			buf_puts(&t, "?municipality=");
			html_url(&t, unit + 4);
		} else if (unit && !strncmp(unit, "reg:", 4)) {
			buf_puts(&t, "?region=");
			html_url(&t, unit + 4);
		}
		web_redirect(w, arena_strdup(r->a, buf_str(&t)));
		buf_free(&t);
		return 0;
	}
form:;
	bool own_school = r->scope.kind == SCOPE_SCHOOL;
	html_begin(r, w, "Аналитика");
	buf_puts(b, "<h1>Аналитика ВПР</h1><p class=\"lead\">Семь отчётов по рекомендациям ФИОКО: "
		    "отметки, сравнение с журналом, распределение баллов, выполнение заданий, планируемые "
		    "результаты, группы участников и индивидуальные результаты — в сравнении с "
		    "муниципалитетом и регионом.</p>");
	buf_puts(b, buf_str(&notice));
	buf_puts(b, "<form class=\"filters card\" method=\"get\" action=\"/reports\">"
		    "<label>Процедура <select name=\"procedure\" required>");
	/* Procedures with results in the territory. */
	int nproc = 0;
	char (*codes)[40] = arena_alloc(r->a, 256 * sizeof *codes);
	if ((rc = unit_procedures_with_results(r->db, own_school ? r->scope.id : 0, codes, 256, &nproc)))
		goto out;
	char (*titles)[200] = arena_alloc(r->a, (size_t)(nproc ? nproc : 1) * sizeof *titles);
	for (int i = 0; i < nproc; i++) {
		web_procedure_name(r->db, codes[i], titles[i], sizeof titles[i]);
		option(b, codes[i], titles[i], proc && *proc ? !strcmp(codes[i], proc) : i == 0);
	}
	buf_puts(b, "</select></label>");
	if (!own_school) {
		buf_puts(b, "<label>Территория <select name=\"unit\">");
		if ((rc = unit_regions(r->db, &r->scope, region_option, b)) ||
		    (rc = registry_municipality_each(r->db, &r->scope, municipality_option, b)))
			goto out;
		buf_puts(b, "</select></label><label>или школа (часть названия или логин) <input name=\"school\" "
			    "placeholder=\"например, СОШ № 1\" autocomplete=\"off\" maxlength=\"200\" value=\"");
		html_attr(b, school && *school ? school : "");
		buf_puts(b, "\"></label>");
	}
	buf_puts(b, "<button>Открыть отчёты</button></form>");
	if (nproc == 0) {
		buf_puts(b, "<p class=\"notice warn\">Результатов пока нет. Загрузите их на странице "
			    "<a href=\"/upload\">«Загрузка результатов»</a>.</p>");
	} else {
		buf_puts(b, "<h2>Быстрый переход</h2><table class=\"data\"><thead><tr><th>Процедура</th>"
			    "<th>Отчёты</th><th>Файлы</th></tr></thead><tbody>");
		for (int i = 0; i < nproc; i++) {
			buf_puts(b, "<tr><th scope=\"row\" title=\"");
			html_attr(b, codes[i]);
			buf_puts(b, "\">");
			html_text(b, titles[i]);
			buf_puts(b, "</th><td><a href=\"/reports/");
			html_url(b, codes[i]);
			buf_puts(b, "\">");
			html_text(b, own_school ? "Отчёты школы" : me->role == ROLE_MUNICIPALITY
				  ? "Отчёты муниципалитета" : "Отчёты региона");
			buf_puts(b, "</a></td><td><a href=\"/reports/");
			html_url(b, codes[i]);
			buf_puts(b, "/xlsx\">XLSX</a> · <a href=\"/reports/");
			html_url(b, codes[i]);
			buf_puts(b, "/pdf\">PDF</a></td></tr>");
		}
		buf_puts(b, "</tbody></table>");
	}
out:
	html_end(r, w);
	buf_free(&notice);
	return rc;
}
