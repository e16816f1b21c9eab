/* fisoko: the seven ФИС ОКО analytics reports, computed in one pass over a procedure. */
#include "report/fisoko.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/err.h"
#include "base/mem.h"
#include "io/table_write.h"
#include "model/result.h"
#include "model/unit.h"
#include "report/risk_doc.h"

const char *fisoko_kind_title(enum fisoko_kind k)
{
	switch (k) {
	case FISOKO_SCHOOL: return "школа";
	case FISOKO_MUNICIPALITY: return "муниципалитет";
	case FISOKO_REGION: return "регион";
	}
	return "";
}

double fisoko_pct(int64_t k, int64_t n)
{
	return n > 0 ? 100.0 * (double)k / (double)n : NAN;
}

double fisoko_success(const struct fisoko_report *r, int lev, int pos)
{
	const struct fisoko_level *l = &r->lev[lev];
	int max = r->proc.pos[pos].max;
	if (l->n <= 0 || max <= 0)
		return NAN;
	return 100.0 * (double)l->pos[pos].points / ((double)max * (double)l->n);
}

double fisoko_group_success(const struct fisoko_report *r, int lev, int mark, int pos)
{
	const struct fisoko_level *l = &r->lev[lev];
	int max = r->proc.pos[pos].max;
	if (mark < 2 || mark > 5 || max <= 0 || l->marks[mark - 2] <= 0)
		return NAN;
	return 100.0 * (double)l->gpoints[(mark - 2) * r->proc.npos + pos] /
	       ((double)max * (double)l->marks[mark - 2]);
}

enum fisoko_verdict fisoko_verdict(const char *level, double pct)
{
	double lo, hi;
	if (isnan(pct) || !level || !*level)
		return FISOKO_NA;
	if (!strcmp(level, "Б")) {
		lo = 57.0, hi = 63.0;
	} else if (!strcmp(level, "П") || !strcmp(level, "В")) {
		lo = 28.5, hi = 31.5;
	} else {
		return FISOKO_NA;
	}
	return pct < lo ? FISOKO_BELOW : pct < hi ? FISOKO_BORDER : FISOKO_OK;
}

const char *fisoko_verdict_title(enum fisoko_verdict v)
{
	switch (v) {
	case FISOKO_BELOW: return "ниже порога";
	case FISOKO_BORDER: return "на границе";
	case FISOKO_OK: return "достаточно";
	case FISOKO_NA: break;
	}
	return "—";
}

/* ---- building ---- */

static int place_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct unit_place *)a)->school, y = ((const struct unit_place *)b)->school;
	return x < y ? -1 : x > y;
}

/* The model's kinds are the report's, in the same order. */
static enum unit_kind unit_of(enum fisoko_kind k)
{
	return k == FISOKO_SCHOOL ? UNIT_SCHOOL : k == FISOKO_MUNICIPALITY ? UNIT_MUNICIPALITY : UNIT_REGION;
}

/* Fills a level's identity and name; ERR_NOTFOUND when absent. */
static int level_init(struct db *d, struct fisoko_level *l, enum fisoko_kind kind, int64_t id,
		      const struct procedure *p)
{
	int rc = unit_title(d, unit_of(kind), id, l->name, sizeof l->name);
	if (rc)
		return rc;
	l->kind = kind;
	l->id = id;
	l->hist = xcalloc((size_t)p->max_score + 1, sizeof *l->hist);
	l->pos = xcalloc((size_t)p->npos + 1, sizeof *l->pos);
	l->gpoints = xcalloc(4 * (size_t)p->npos + 1, sizeof *l->gpoints);
	l->mean = NAN;
	return 0;
}

int fisoko_mark(const struct procedure *p, int stated, int primary)
{
	return stated >= 2 && stated <= 5 ? stated : procedure_mark(p, primary);
}

/* Adds one participant's row to a level. */
static void level_add(struct fisoko_level *l, const struct procedure *p, int journal, int stated,
		      int primary, const uint8_t *sc, size_t nsc)
{
	l->n++;
	int bin = primary < 0 ? 0 : primary > p->max_score ? p->max_score : primary;
	l->hist[bin]++;
	int mark = fisoko_mark(p, stated, primary);
	l->stated += stated >= 2 && stated <= 5;
	if (mark) {
		l->marks[mark - 2]++;
		if (journal >= 2 && journal <= 5) {
			l->jn++;
			int gap = mark - journal;
			if (gap < 0) {
				l->jlower++;
				l->jlower2 += gap <= -2;
			} else if (gap > 0) {
				l->jhigher++;
				l->jhigher2 += gap >= 2;
			} else {
				l->jequal++;
			}
		}
	}
	int64_t *g = mark ? l->gpoints + (size_t)(mark - 2) * (size_t)p->npos : NULL;
	for (int i = 0; i < p->npos; i++) {
		int v = (size_t)i < nsc ? result_cell_points(sc[i]) : 0;
		int max = p->pos[i].max;
		if (v < 0)
			v = 0; /* X, empty, «не пройд.» */
		if (v > max)
			v = max;
		l->pos[i].points += v;
		if (max > 0) {
			l->pos[i].full += v >= max;
			l->pos[i].half += 2 * v >= max;
		}
		if (g)
			g[i] += v;
	}
}

static int load_people(struct db *d, struct fisoko_report *r)
{
	struct result_scan *it = NULL;
	struct result_row w;
	size_t cap = 0;
	int rc = result_scan_open(d, r->proc.id, r->lev[0].id, RESULT_SCAN_FULL | RESULT_SCAN_BY_CLASS,
				  &it);
	if (rc)
		return rc;
	while ((rc = result_scan_next(it, &w)) == 1) {
		r->people = xgrow(r->people, &cap, (size_t)r->npeople + 1, sizeof *r->people);
		struct fisoko_person *x = &r->people[r->npeople++];
		memset(x, 0, sizeof *x);
		x->code = xstrdup(w.code);
		x->class_name = xstrdup(w.class_name);
		x->variant = w.variant;
		x->journal = w.journal_mark;
		x->absent = w.absent || !w.scored;
		x->primary = x->absent ? -1 : w.primary_score;
		x->mark = x->absent ? 0 : fisoko_mark(&r->proc, w.exam_mark, x->primary);
		x->scores = xmalloc((size_t)r->proc.npos + 1);
		memset(x->scores, SCORE_EMPTY, (size_t)r->proc.npos + 1);
		size_t n = (size_t)w.ncells;
		if (w.cells && !x->absent)
			memcpy(x->scores, w.cells, n < (size_t)r->proc.npos ? n : (size_t)r->proc.npos);
	}
	result_scan_close(it);
	return rc < 0 ? rc : 0;
}

int fisoko_build(struct db *d, const char *procedure, enum fisoko_kind kind, int64_t id,
		 struct fisoko_report *r)
{
	struct unit_place *places = NULL;
	size_t nplaces = 0;
	struct result_scan *s = NULL;
	double sum[FISOKO_LEVELS] = { 0 };
	memset(r, 0, sizeof *r);
	int rc = procedure_get(d, procedure, &r->proc);
	if (rc)
		return rc;
	/* The unit and the levels above it. */
	enum fisoko_kind k = kind;
	int64_t cur = id;
	while (r->nlev < FISOKO_LEVELS && cur) {
		if ((rc = level_init(d, &r->lev[r->nlev], k, cur, &r->proc))) {
			if (r->nlev == 0)
				goto out;
			break; /* a dangling parent: report what there is */
		}
		r->nlev++;
		if ((rc = unit_parent(d, unit_of(k), cur, &cur)))
			goto out;
		k = k == FISOKO_SCHOOL ? FISOKO_MUNICIPALITY : FISOKO_REGION;
	}
	rc = 0;
	const struct fisoko_level *top = &r->lev[r->nlev - 1];
	/* One range scan: the whole procedure, or one school when the school has no parent. */
	if (top->kind != FISOKO_SCHOOL && (rc = unit_places(d, &places, &nplaces)))
		goto out;
	if ((rc = result_scan_open(d, r->proc.id, top->kind == FISOKO_SCHOOL ? top->id : 0, 0, &s)))
		goto out;
	int64_t last_school = -1;
	bool in[FISOKO_LEVELS] = { false };
	struct result_row w;
	while ((rc = result_scan_next(s, &w)) == 1) {
		int64_t school = w.school_id;
		if (school != last_school) {
			last_school = school;
			struct unit_place key = { school, 0, 0 }, *pl = NULL;
			if (places)
				pl = bsearch(&key, places, nplaces, sizeof *places, place_cmp);
			for (int i = 0; i < r->nlev; i++) {
				const struct fisoko_level *l = &r->lev[i];
				in[i] = l->kind == FISOKO_SCHOOL ? school == l->id
					: !pl ? false
					: l->kind == FISOKO_MUNICIPALITY ? pl->municipality == l->id
					: pl->region == l->id;
			}
		}
		if (!in[0] && !in[1] && !in[2])
			continue;
		if (w.absent || !w.scored) {
			for (int i = 0; i < r->nlev; i++)
				r->lev[i].absent += in[i];
			continue;
		}
		for (int i = 0; i < r->nlev; i++) {
			if (!in[i])
				continue;
			level_add(&r->lev[i], &r->proc, w.journal_mark, w.exam_mark, w.primary_score,
				  w.cells, (size_t)w.ncells);
			sum[i] += w.primary_score;
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < r->nlev; i++)
		if (r->lev[i].n)
			r->lev[i].mean = sum[i] / (double)r->lev[i].n;
	r->marks = r->proc.has_scale || (top->n > 0 && top->stated == top->n);
	if (kind == FISOKO_SCHOOL)
		rc = load_people(d, r);
out:
	result_scan_close(s);
	free(places);
	if (rc)
		fisoko_free(r);
	return rc;
}

void fisoko_free(struct fisoko_report *r)
{
	for (int i = 0; i < FISOKO_LEVELS; i++) {
		free(r->lev[i].hist);
		free(r->lev[i].pos);
		free(r->lev[i].gpoints);
		r->lev[i].hist = NULL;
		r->lev[i].pos = NULL;
		r->lev[i].gpoints = NULL;
	}
	for (int i = 0; i < r->npeople; i++) {
		free(r->people[i].code);
		free(r->people[i].class_name);
		free(r->people[i].scores);
	}
	free(r->people);
	r->people = NULL;
	r->npeople = 0;
	r->nlev = 0;
}

/* ---- XLSX: one sheet per report ---- */

struct xl {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *pct, *bold;
	lxw_row_t row;
	lxw_col_t col;
	bool err;
};

static void xl_sheet(struct xl *x, const char *name, const char *title)
{
	x->ws = workbook_add_worksheet(x->wb, name);
	if (!x->ws) {
		x->err = true;
		return;
	}
	/* Printed: landscape, every column on one page's width (the pages run down). The first
	 * column is wide enough for a territory's name («Красногвардейский муниципальный район»). */
	worksheet_set_landscape(x->ws);
	worksheet_set_paper(x->ws, 9); /* A4 */
	worksheet_fit_to_pages(x->ws, 1, 0);
	worksheet_set_column(x->ws, 0, 0, 40, NULL);
	worksheet_set_column(x->ws, 1, 40, 12, NULL);
	x->row = 0;
	x->col = 0;
	worksheet_write_string(x->ws, 0, 0, title, x->bold);
	x->row = 2;
}

static void xl_nl(struct xl *x)
{
	x->row++;
	x->col = 0;
}

static void xl_text(struct xl *x, const char *s, lxw_format *f)
{
	if (x->ws && s && *s && worksheet_write_string(x->ws, x->row, x->col, s, f) != LXW_NO_ERROR)
		x->err = true;
	x->col++;
}

static void xl_int(struct xl *x, int64_t v)
{
	if (x->ws && worksheet_write_number(x->ws, x->row, x->col, (double)v, NULL) != LXW_NO_ERROR)
		x->err = true;
	x->col++;
}

/* A percentage written as a number with one decimal (the value is in percent, not a
 * fraction, as on the page); NAN leaves the cell empty. */
static void xl_pct(struct xl *x, double v)
{
	if (x->ws && !isnan(v) &&
	    worksheet_write_number(x->ws, x->row, x->col, round(v * 10) / 10, x->pct) != LXW_NO_ERROR)
		x->err = true;
	x->col++;
}

static void xl_heads(struct xl *x, const char *const *h)
{
	for (; *h; h++)
		xl_text(x, *h, x->head);
	xl_nl(x);
}

static void xl_level_name(struct xl *x, const struct fisoko_level *l)
{
	char t[300];
	snprintf(t, sizeof t, "%s: %s", fisoko_kind_title(l->kind), l->name);
	xl_text(x, t, NULL);
}

int fisoko_xlsx(const struct fisoko_report *r, const char *path)
{
	const struct procedure *p = &r->proc;
	struct xl x = { 0 };
	char t[800], pt[200];
	/* the sheets' titles name the procedure as the pages do: «ВПР, математика, 4 класс, 2021» */
	risk_procedure_words(pt, sizeof pt, p->code);
	if (!(x.wb = table_xlsx_new(path, false)))
		return ERR_IO;
	x.head = workbook_add_format(x.wb);
	format_set_bold(x.head);
	format_set_bg_color(x.head, 0xEEF1F4);
	format_set_text_wrap(x.head);
	x.bold = workbook_add_format(x.wb);
	format_set_bold(x.bold);
	x.pct = workbook_add_format(x.wb);
	format_set_num_format(x.pct, "0.0");

	/* 1. Marks. */
	snprintf(t, sizeof t, "%s: статистика по отметкам, %% участников", pt);
	xl_sheet(&x, "1 Отметки", t);
	xl_heads(&x, (const char *const[]){ "Уровень", "Писали", "«2», %", "«3», %", "«4», %", "«5», %",
					     "«2»", "«3»", "«4»", "«5»", "Средний балл", NULL });
	for (int i = 0; i < r->nlev; i++) {
		const struct fisoko_level *l = &r->lev[i];
		xl_level_name(&x, l);
		xl_int(&x, l->n);
		for (int m = 0; m < 4; m++)
			xl_pct(&x, r->marks ? fisoko_pct(l->marks[m], l->n) : NAN);
		for (int m = 0; m < 4; m++)
			if (r->marks)
				xl_int(&x, l->marks[m]);
			else
				x.col++;
		xl_pct(&x, l->mean);
		xl_nl(&x);
	}

	/* 2. Marks against the journal. */
	bool exam = !strcmp(p->kind, "OGE") || !strcmp(p->kind, "GVE") || !strcmp(p->kind, "EGE");
	snprintf(t, sizeof t, "%s: сравнение отметок %s с %s", pt, procedure_kind_name(p->kind),
		 exam ? "годовыми отметками" : "отметками по журналу");
	xl_sheet(&x, "2 Журнал", t);
	xl_heads(&x, (const char *const[]){ "Уровень", "С отметкой в журнале", "Понизили", "Понизили, %",
					     "Подтвердили", "Подтвердили, %", "Повысили", "Повысили, %",
					     "Ниже на 2 и более", "Выше на 2 и более", NULL });
	for (int i = 0; i < r->nlev; i++) {
		const struct fisoko_level *l = &r->lev[i];
		xl_level_name(&x, l);
		xl_int(&x, l->jn);
		xl_int(&x, l->jlower);
		xl_pct(&x, fisoko_pct(l->jlower, l->jn));
		xl_int(&x, l->jequal);
		xl_pct(&x, fisoko_pct(l->jequal, l->jn));
		xl_int(&x, l->jhigher);
		xl_pct(&x, fisoko_pct(l->jhigher, l->jn));
		xl_int(&x, l->jlower2);
		xl_int(&x, l->jhigher2);
		xl_nl(&x);
	}

	/* 3. Primary scores. */
	snprintf(t, sizeof t, "%s: распределение первичных баллов, %% участников", pt);
	xl_sheet(&x, "3 Баллы", t);
	xl_text(&x, "Балл", x.head);
	xl_text(&x, "Отметка", x.head);
	for (int i = 0; i < r->nlev; i++) {
		snprintf(t, sizeof t, "%s, чел.", r->lev[i].name);
		xl_text(&x, t, x.head);
		snprintf(t, sizeof t, "%s, %%", r->lev[i].name);
		xl_text(&x, t, x.head);
	}
	xl_nl(&x);
	for (int b = 0; b <= p->max_score; b++) {
		xl_int(&x, b);
		if (p->has_scale)
			xl_int(&x, procedure_mark(p, b));
		else
			x.col++;
		for (int i = 0; i < r->nlev; i++) {
			xl_int(&x, r->lev[i].hist[b]);
			xl_pct(&x, fisoko_pct(r->lev[i].hist[b], r->lev[i].n));
		}
		xl_nl(&x);
	}

	/* 4. Positions. */
	snprintf(t, sizeof t, "%s: выполнение заданий, средний %% от максимального балла", pt);
	xl_sheet(&x, "4 Задания", t);
	xl_text(&x, "Позиция", x.head);
	xl_text(&x, "Уровень", x.head);
	xl_text(&x, "Макс. балл", x.head);
	for (int i = 0; i < r->nlev; i++)
		xl_text(&x, r->lev[i].name, x.head);
	xl_text(&x, "Оценка по порогу", x.head);
	xl_nl(&x);
	for (int j = 0; j < p->npos; j++) {
		xl_text(&x, p->pos[j].label, NULL);
		xl_text(&x, p->pos[j].level, NULL);
		xl_int(&x, p->pos[j].max);
		for (int i = 0; i < r->nlev; i++)
			xl_pct(&x, fisoko_success(r, i, j));
		xl_text(&x, fisoko_verdict_title(fisoko_verdict(p->pos[j].level, fisoko_success(r, 0, j))), NULL);
		xl_nl(&x);
	}

	/* 5. Planned results. */
	snprintf(t, sizeof t, "%s: достижение планируемых результатов (%% получивших максимум / не менее половины)",
		 pt);
	xl_sheet(&x, "5 Планируемые", t);
	xl_text(&x, "Уровень сложности", x.head);
	xl_text(&x, "Позиция", x.head);
	for (int i = 0; i < r->nlev; i++) {
		snprintf(t, sizeof t, "%s: максимум, %%", r->lev[i].name);
		xl_text(&x, t, x.head);
		snprintf(t, sizeof t, "%s: не менее половины, %%", r->lev[i].name);
		xl_text(&x, t, x.head);
	}
	xl_nl(&x);
	static const char *const levels[] = { "Б", "П", "В", "" };
	for (size_t g = 0; g < 4; g++)
		for (int j = 0; j < p->npos; j++) {
			if (strcmp(p->pos[j].level, levels[g]))
				continue;
			xl_text(&x, *levels[g] ? levels[g] : "не указан", NULL);
			xl_text(&x, p->pos[j].label, NULL);
			for (int i = 0; i < r->nlev; i++) {
				xl_pct(&x, fisoko_pct(r->lev[i].pos[j].full, r->lev[i].n));
				xl_pct(&x, fisoko_pct(r->lev[i].pos[j].half, r->lev[i].n));
			}
			xl_nl(&x);
		}

	/* 6. Groups by mark (the unit). */
	snprintf(t, sizeof t, "%s: выполнение заданий группами участников (%s), %%", pt, r->lev[0].name);
	xl_sheet(&x, "6 Группы", t);
	xl_heads(&x, (const char *const[]){ "Позиция", "Уровень", "Группа «2»", "Группа «3»", "Группа «4»",
					     "Группа «5»", NULL });
	xl_text(&x, "Участников в группе", x.bold);
	x.col++;
	for (int m = 0; m < 4; m++)
		xl_int(&x, r->lev[0].marks[m]);
	xl_nl(&x);
	for (int j = 0; j < p->npos; j++) {
		xl_text(&x, p->pos[j].label, NULL);
		xl_text(&x, p->pos[j].level, NULL);
		for (int m = 2; m <= 5; m++)
			xl_pct(&x, fisoko_group_success(r, 0, m, j));
		xl_nl(&x);
	}

	/* 7. Individual results (schools only). */
	if (r->lev[0].kind == FISOKO_SCHOOL) {
		snprintf(t, sizeof t, "%s: индивидуальные результаты (%s)", pt, r->lev[0].name);
		xl_sheet(&x, "7 Индивидуальные", t);
		xl_text(&x, "Код", x.head);
		xl_text(&x, "Класс", x.head);
		xl_text(&x, "Вариант", x.head);
		for (int j = 0; j < p->npos; j++)
			xl_text(&x, p->pos[j].label, x.head);
		xl_text(&x, "Первичный балл", x.head);
		xl_text(&x, "Отметка ВПР", x.head);
		xl_text(&x, "Отметка по журналу", x.head);
		xl_nl(&x);
		for (int k = 0; k < r->npeople; k++) {
			const struct fisoko_person *q = &r->people[k];
			xl_text(&x, q->code, NULL);
			xl_text(&x, q->class_name, NULL);
			if (q->variant)
				xl_int(&x, q->variant);
			else
				x.col++;
			for (int j = 0; j < p->npos; j++) {
				int v = q->scores[j];
				if (q->absent)
					x.col++;
				else if (v <= PROC_MAX_POINTS)
					xl_int(&x, v);
				else
					xl_text(&x, v == SCORE_X ? "X" : v == SCORE_NOT_TAUGHT ? "не пройд." : "", NULL);
			}
			if (q->absent) {
				xl_text(&x, "отсутствовал", NULL);
				x.col++;
			} else {
				xl_int(&x, q->primary);
				if (q->mark)
					xl_int(&x, q->mark);
				else
					x.col++;
			}
			if (q->journal)
				xl_int(&x, q->journal);
			xl_nl(&x);
		}
	}
	lxw_error e = workbook_close(x.wb);
	return x.err || e != LXW_NO_ERROR ? ERR_IO : 0;
}
