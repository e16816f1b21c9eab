/* report/fisoko_doc: the ФИС ОКО reports as a printed document (see the header). */
#include "report/fisoko_doc.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/ru.h"
#include "base/str.h"
#include "model/result.h"
#include "report/png.h"

static const char *const marks[4] = { "«2»", "«3»", "«4»", "«5»" };

/* A percent with one decimal, «—» for NaN (the page's chart_pct). */
static char *pct(char *out, size_t n, double v)
{
	return ru_num(out, n, v, 1);
}

static char *num(char *out, size_t n, int64_t v)
{
	return ru_int(out, n, (long long)v);
}

char *fisoko_doc_procedure(const struct fisoko_report *r, char *out, size_t n)
{
	const struct procedure *p = &r->proc;
	procedure_title(p->kind, p->subject, p->grade, out, n);
	size_t len = strlen(out);
	if (p->year > 0 && len + 8 < n)
		snprintf(out + len, n - len, ", %d", p->year);
	return out;
}

/* ---- a bar chart as PNG (cairo), for the marks ---- */

/* The shares of marks by level as grouped bars with the values over them and a legend. */
static int marks_png(const struct fisoko_report *r, struct buf *out)
{
	const int W = 1500, H = 720;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	const double left = 110, right = W - 40, top = 110, bottom = H - 90;
	double v[FISOKO_LEVELS][4], maxp = 0;
	for (int l = 0; l < r->nlev; l++)
		for (int k = 0; k < 4; k++) {
			v[l][k] = r->lev[l].n ? fisoko_pct(r->lev[l].marks[k], r->lev[l].n) : 0;
			if (v[l][k] > maxp)
				maxp = v[l][k];
		}
	double ymax = maxp <= 0 ? 10 : ceil(maxp / 10.0) * 10.0, step = ymax > 50 ? 20 : 10;
	png_grid_pct(cr, left, right, top, bottom, ymax, step, 30);
	static const double colour[FISOKO_LEVELS][3] = { { 0.18, 0.36, 0.62 }, { 0.55, 0.68, 0.85 },
							  { 0.75, 0.75, 0.75 } };
	double group = (right - left) / 4.0, bw = group * 0.7 / r->nlev;
	for (int k = 0; k < 4; k++) {
		double gx = left + group * k + group * 0.15;
		for (int l = 0; l < r->nlev; l++) {
			double h = (bottom - top) * v[l][k] / ymax, x = gx + bw * l;
			cairo_set_source_rgb(cr, colour[l][0], colour[l][1], colour[l][2]);
			cairo_rectangle(cr, x, bottom - h, bw - 6, h);
			cairo_fill(cr);
			char t[RU_NUM_MAX];
			cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
			png_text(cr, pct(t, sizeof t, v[l][k]), x + (bw - 6) / 2, bottom - h - 20, 26, 0, 0);
		}
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		png_text(cr, marks[k], left + group * k + group / 2, bottom + 34, 32, 0, 0);
	}
	double lx = left;
	for (int l = 0; l < r->nlev; l++) {
		cairo_set_source_rgb(cr, colour[l][0], colour[l][1], colour[l][2]);
		cairo_rectangle(cr, lx, 28, 36, 36);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		png_text(cr, r->lev[l].name, lx + 48, 46, 30, -1, (right - left) / r->nlev - 64);
		lx += (right - left) / r->nlev;
	}
	int rc = png_write(s, out);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}

/* ---- the seven reports ---- */

static void rep_marks(struct doc *d, const struct fisoko_report *r)
{
	const struct procedure *p = &r->proc;
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "1. Статистика по отметкам");
	if (!r->marks) {
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "У процедуры не задана шкала перевода баллов "
			 "в отметки, и не у всех участников отметка указана в результатах — отметки не "
			 "рассчитываются.");
		return;
	}
	struct buf png = BUF_INIT;
	if (!marks_png(r, &png))
		doc_image(d, png.p, png.len, 150, "Распределение отметок, % участников");
	buf_free(&png);
	static const char *const titles[7] = { "Уровень", "Писали", "«2», %", "«3», %", "«4», %", "«5», %",
					       "Средний балл" };
	static const double widths[7] = { 0, 18, 16, 16, 16, 16, 20 };
	doc_table_begin(d, 7, titles, widths);
	for (int i = 0; i < r->nlev; i++) {
		const struct fisoko_level *l = &r->lev[i];
		char c[7][RU_NUM_MAX];
		const char *cells[7] = { l->name, num(c[1], sizeof c[1], l->n) };
		for (int m = 0; m < 4; m++)
			cells[2 + m] = pct(c[2 + m], sizeof c[2 + m], fisoko_pct(l->marks[m], l->n));
		cells[6] = pct(c[6], sizeof c[6], l->mean);
		doc_table_row(d, cells);
	}
	doc_table_end(d);
	char a[RU_NUM_MAX];
	if (p->has_scale)
		doc_paraf(d, DOC_SMALL, "Шкала: «3» от %d, «4» от %d, «5» от %d первичных баллов из %d. "
			  "Отсутствовали: %s.", p->scale[0], p->scale[1], p->scale[2], p->max_score,
			  num(a, sizeof a, r->lev[0].absent));
	else
		doc_paraf(d, DOC_SMALL, "Отметки — указанные в результатах (шкала процедуры не задана). "
			  "Отсутствовали: %s.", num(a, sizeof a, r->lev[0].absent));
}

static void rep_journal(struct doc *d, const struct fisoko_report *r)
{
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "2. Сравнение отметок с отметками по журналу");
	if (!r->marks) {
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Без отметок сравнение невозможно: у процедуры "
			 "не задана шкала, и не у всех участников отметка указана в результатах.");
		return;
	}
	static const char *const titles[7] = { "Уровень", "Участников", "Понизили", "Подтвердили", "Повысили",
					       "Ниже на 2+", "Выше на 2+" };
	static const double widths[7] = { 0, 24, 25, 27, 24, 16, 16 };
	doc_table_begin(d, 7, titles, widths);
	for (int i = 0; i < r->nlev; i++) {
		const struct fisoko_level *l = &r->lev[i];
		int64_t k[3] = { l->jlower, l->jequal, l->jhigher };
		char c[7][2 * RU_NUM_MAX + 32];
		const char *cells[7] = { l->name, num(c[1], sizeof c[1], l->jn) };
		for (int j = 0; j < 3; j++) {
			char a[RU_NUM_MAX], b[RU_NUM_MAX];
			snprintf(c[2 + j], sizeof c[2 + j], "%s\u00a0%% (%s\u00a0чел.)", pct(a, sizeof a, fisoko_pct(k[j], l->jn)),
				 num(b, sizeof b, k[j]));
			cells[2 + j] = c[2 + j];
		}
		cells[5] = num(c[5], sizeof c[5], l->jlower2);
		cells[6] = num(c[6], sizeof c[6], l->jhigher2);
		doc_table_row(d, cells);
	}
	doc_table_end(d);
	const struct fisoko_level *u = &r->lev[0];
	char a[RU_NUM_MAX];
	if (u->jlower2 + u->jhigher2 > 0)
		doc_paraf(d, DOC_PLAIN, "Расхождение на две отметки и более: %s чел. По рекомендациям ФИОКО "
			  "такие случаи нужно разобрать отдельно.", num(a, sizeof a, u->jlower2 + u->jhigher2));
	doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, u->jn ? "Учтены участники, писавшие работу и имеющие "
		 "отметку по журналу (2–5); отметка ВПР — по шкале процедуры." : "Отметок по журналу в "
		 "загруженных данных нет.");
}

static void rep_scores(struct doc *d, const struct fisoko_report *r)
{
	const struct procedure *p = &r->proc;
	const struct fisoko_level *u = &r->lev[0];
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "3. Распределение первичных баллов");
	if (u->n < FISOKO_ROUGH_HIST)
		doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, false, "Участников меньше 20 — форма распределения не "
			 "информативна; показаны только числа.");
	else if (u->n < FISOKO_MIN_HIST)
		doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, false, "Участников меньше 50 — распределение даёт лишь "
			 "грубую картину.");
	const char *titles[1 + 2 * FISOKO_LEVELS];
	double widths[1 + 2 * FISOKO_LEVELS];
	char names[FISOKO_LEVELS][300];
	int nc = 0;
	titles[nc] = "Балл";
	widths[nc++] = 26;
	for (int i = 0; i < r->nlev; i++) {
		snprintf(names[i], sizeof names[i], "%s, чел.", r->lev[i].name);
		titles[nc] = names[i];
		widths[nc++] = 0;
		titles[nc] = "%";
		widths[nc++] = 15;
	}
	doc_table_begin(d, nc, titles, widths);
	for (int k = 0; k <= p->max_score; k++) {
		char c[1 + 2 * FISOKO_LEVELS][RU_NUM_MAX + 24];
		const char *cells[1 + 2 * FISOKO_LEVELS];
		bool edge = p->has_scale && (k == p->scale[0] || k == p->scale[1] || k == p->scale[2]);
		char a[RU_NUM_MAX];
		snprintf(c[0], sizeof c[0], edge ? "%s (граница «%d»)" : "%s", num(a, sizeof a, k),
			 k == p->scale[0] ? 3 : k == p->scale[1] ? 4 : 5);
		cells[0] = c[0];
		for (int i = 0; i < r->nlev; i++) {
			cells[1 + 2 * i] = num(c[1 + 2 * i], sizeof c[1 + 2 * i], r->lev[i].hist[k]);
			cells[2 + 2 * i] = pct(c[2 + 2 * i], sizeof c[2 + 2 * i], fisoko_pct(r->lev[i].hist[k], r->lev[i].n));
		}
		doc_table_row(d, cells);
	}
	doc_table_end(d);
	if (p->has_scale)
		doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, "Резкий пик на границе отметки при провале на "
			 "балл ниже — возможный признак необъективности.");
}

static void rep_tasks(struct doc *d, const struct fisoko_report *r)
{
	const struct procedure *p = &r->proc;
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "4. Выполнение заданий");
	if (!p->npos) {
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Позиции процедуры не заданы.");
		return;
	}
	static const char *const extra[2] = { "Уровень", "Макс. балл" };
	static const double extra_w[2] = { 20, 16 };
	const char *titles[12];
	double widths[12];
	char names[FISOKO_LEVELS][300];
	int nc = 0;
	titles[nc] = "Позиция";
	widths[nc++] = 20;
	for (int i = 0; i < 2; i++) {
		titles[nc] = extra[i];
		widths[nc++] = extra_w[i];
	}
	for (int i = 0; i < r->nlev; i++) {
		snprintf(names[i], sizeof names[i], "%s, %%", r->lev[i].name);
		titles[nc] = names[i];
		widths[nc++] = 0;
	}
	titles[nc] = "Порог (по первому столбцу)";
	widths[nc++] = 28;
	doc_table_begin(d, nc, titles, widths);
	for (int j = 0; j < p->npos; j++) {
		char c[12][RU_NUM_MAX];
		const char *cells[12];
		int k = 0;
		cells[k++] = p->pos[j].label;
		cells[k++] = *p->pos[j].level ? p->pos[j].level : "—";
		cells[k++] = num(c[2], sizeof c[2], p->pos[j].max);
		for (int i = 0; i < r->nlev; i++, k++)
			cells[k] = pct(c[k], sizeof c[k], fisoko_success(r, i, j));
		cells[k++] = fisoko_verdict_title(fisoko_verdict(p->pos[j].level, fisoko_success(r, 0, j)));
		doc_table_row(d, cells);
	}
	doc_table_end(d);
	doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, "Пороги ФИОКО: задания базового уровня (Б) — 60 % "
		 "(зона неопределённости 57–63 %), повышенного (П) и высокого (В) — 30 % (28,5–31,5 %).");
}

static void rep_planned(struct doc *d, const struct fisoko_report *r)
{
	const struct procedure *p = &r->proc;
	static const char *const levels[] = { "Б", "П", "В", "" };
	static const char *const titles[] = { "Базовый уровень (Б)", "Повышенный уровень (П)",
					      "Высокий уровень (В)", "Уровень не указан" };
	const int top = r->nlev - 1;
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "5. Достижение планируемых результатов");
	doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Планируемый результат, проверяемый позицией, "
		 "считается достигнутым, если участник получил за неё максимальный балл, и достигнутым хотя "
		 "бы частично — если не меньше половины максимума. Доли — от писавших работу.");
	char topname[300];
	snprintf(topname, sizeof topname, "Достигли: %s, %%", r->lev[top].name);
	const char *tt[5] = { "Позиция", "Достигли, %", "Хотя бы частично, %", topname, "Разница, п.\u00a0п." };
	static const double tw[5] = { 0, 30, 32, 40, 28 };
	for (int g = 0; g < 4; g++) {
		bool any = false;
		for (int j = 0; j < p->npos && !any; j++)
			any = !strcmp(p->pos[j].level, levels[g]);
		if (!any)
			continue;
		doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, true, titles[g]);
		doc_table_begin(d, top > 0 ? 5 : 3, tt, tw);
		for (int j = 0; j < p->npos; j++) {
			if (strcmp(p->pos[j].level, levels[g]))
				continue;
			char c[5][RU_NUM_MAX + 4];
			double f0 = fisoko_pct(r->lev[0].pos[j].full, r->lev[0].n);
			const char *cells[5] = { p->pos[j].label, pct(c[1], sizeof c[1], f0),
						 pct(c[2], sizeof c[2], fisoko_pct(r->lev[0].pos[j].half, r->lev[0].n)) };
			if (top > 0) {
				double ft = fisoko_pct(r->lev[top].pos[j].full, r->lev[top].n), dd = f0 - ft;
				cells[3] = pct(c[3], sizeof c[3], ft);
				char a[RU_NUM_MAX];
				snprintf(c[4], sizeof c[4], "%s%s", !isnan(dd) && dd > 0 ? "+" : "", pct(a, sizeof a, dd));
				cells[4] = c[4];
			}
			doc_table_row(d, cells);
		}
		doc_table_end(d);
	}
}

static void rep_groups(struct doc *d, const struct fisoko_report *r)
{
	const struct procedure *p = &r->proc;
	const struct fisoko_level *u = &r->lev[0];
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "6. Выполнение заданий группами участников");
	if (!r->marks || !p->npos) {
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Группы по отметкам нельзя выделить без отметок и "
			 "позиций.");
		return;
	}
	doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Участники выбранной единицы разбиты на группы по "
		 "отметке ВПР; для каждой группы — средний процент выполнения позиции. Группа меньше 10 "
		 "человек не анализируется.");
	char t[4][120];
	const char *titles[6] = { "Позиция", "Уровень" };
	static const double widths[6] = { 0, 20, 28, 28, 28, 28 };
	for (int m = 0; m < 4; m++) {
		char a[RU_NUM_MAX];
		snprintf(t[m], sizeof t[m], "Группа %s, %% (%s\u00a0чел.)", marks[m], num(a, sizeof a, u->marks[m]));
		titles[2 + m] = t[m];
	}
	doc_table_begin(d, 6, titles, widths);
	for (int j = 0; j < p->npos; j++) {
		char c[6][RU_NUM_MAX];
		const char *cells[6] = { p->pos[j].label, *p->pos[j].level ? p->pos[j].level : "—" };
		for (int m = 0; m < 4; m++)
			cells[2 + m] = u->marks[m] >= FISOKO_MIN_GROUP
					       ? pct(c[2 + m], sizeof c[2 + m], fisoko_group_success(r, 0, m + 2, j))
					       : "—";
		doc_table_row(d, cells);
	}
	doc_table_end(d);
	doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, "«—» — группа меньше 10 человек, не анализируется.");
}

static void rep_people(struct doc *d, const struct fisoko_report *r)
{
	const struct procedure *p = &r->proc;
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "7. Индивидуальные результаты");
	if (r->lev[0].kind != FISOKO_SCHOOL) {
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Индивидуальные результаты — в отчёте школы.");
		return;
	}
	doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, "Только коды участников, без фамилий. Баллы по "
		 "позициям — в порядке позиций; «X» — не приступал, «н» — тема не пройдена, «·» — нет данных.");
	struct buf pos = BUF_INIT;
	buf_puts(&pos, "Баллы по позициям (");
	for (int j = 0; j < p->npos; j++)
		buf_printf(&pos, "%s%s", j ? " " : "", p->pos[j].label);
	buf_puts(&pos, ")");
	const char *titles[7] = { "Код", "Класс", "Вариант", buf_str(&pos), "Балл", "Отметка", "По журналу" };
	static const double widths[7] = { 20, 15, 20, 0, 14, 20, 24 };
	doc_table_begin(d, 7, titles, widths);
	struct buf sc = BUF_INIT;
	for (int k = 0; k < r->npeople; k++) {
		const struct fisoko_person *q = &r->people[k];
		char c[7][RU_NUM_MAX];
		buf_reset(&sc);
		if (q->absent) {
			buf_puts(&sc, "отсутствовал");
		} else {
			for (int j = 0; j < p->npos; j++) {
				int s = q->scores[j];
				if (j)
					buf_putc(&sc, ' ');
				if (s <= PROC_MAX_POINTS)
					buf_printf(&sc, "%d", s);
				else
					buf_puts(&sc, s == SCORE_X ? "X" : s == SCORE_NOT_TAUGHT ? "н" : "·");
			}
		}
		const char *cells[7] = { q->code, q->class_name, q->variant ? num(c[2], sizeof c[2], q->variant) : "",
					 buf_str(&sc), q->absent ? "" : num(c[4], sizeof c[4], q->primary),
					 q->mark ? num(c[5], sizeof c[5], q->mark) : "",
					 q->journal ? num(c[6], sizeof c[6], q->journal) : "" };
		doc_table_row(d, cells);
	}
	if (!r->npeople)
		doc_table_row(d, (const char *const[]){ "", "", "", "Результатов школы по этой процедуре нет.", "", "", "" });
	doc_table_end(d);
	buf_free(&sc);
	buf_free(&pos);
}

struct doc *fisoko_doc(const struct fisoko_report *r)
{
	char title[200], a[RU_NUM_MAX], b[RU_NUM_MAX], m[RU_NUM_MAX];
	const struct fisoko_level *u = &r->lev[0];
	fisoko_doc_procedure(r, title, sizeof title);
	struct doc *d = doc_new(title);
	doc_para(d, DOC_TITLE, DOC_ALIGN_DEFAULT, true, "Аналитика ВПР по рекомендациям ФИОКО");
	doc_para(d, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, title);
	doc_paraf(d, DOC_SUBTITLE, "%s: %s", fisoko_kind_title(u->kind), u->name);
	if (r->nlev > 1) {
		struct buf c = BUF_INIT;
		buf_puts(&c, "в сравнении с: ");
		for (int i = 1; i < r->nlev; i++)
			buf_printf(&c, "%s%s", i > 1 ? ", " : "", r->lev[i].name);
		doc_para(d, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, buf_str(&c));
		buf_free(&c);
	}
	struct buf s = BUF_INIT;
	buf_printf(&s, "Писали: %s, не писали: %s; средний балл %s из %d", num(a, sizeof a, u->n),
		   num(b, sizeof b, u->absent), pct(m, sizeof m, u->mean), r->proc.max_score);
	if (r->marks)
		buf_printf(&s, "; отметок «2» %s %%", pct(b, sizeof b, fisoko_pct(u->marks[0], u->n)));
	buf_puts(&s, ".");
	if (!u->n)
		buf_puts(&s, " Результатов этой единицы по процедуре нет — таблицы пусты.");
	doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, false, buf_str(&s));
	buf_free(&s);
	rep_marks(d, r);
	rep_journal(d, r);
	rep_scores(d, r);
	rep_tasks(d, r);
	rep_planned(d, r);
	rep_groups(d, r);
	rep_people(d, r);
	return d;
}
