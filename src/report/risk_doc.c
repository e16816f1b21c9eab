/* report/risk_doc: the evidence card in words and as a document (see the header). */
#include "report/risk_doc.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "model/procedure.h"
#include "report/card_words.h"
#include "report/png.h"
#include "stats/catalogue.h"

/* How a value is written. */
enum unit {
	U_INT,   /* a count: «1 234» */
	U_NUM1,  /* one decimal: «32,5» */
	U_NUM2,  /* two decimals: «0,42» */
	U_SHARE, /* a share 0..1 as a percent: «48,5 %» */
	U_PCT,   /* already a percent: «48,5 %» */
	U_P,     /* a p-value: «p < 0,001» */
	U_PROC   /* a procedure code: its title */
};

/* A key's label; sign NULL: any sign (the first matching entry wins, so a sign's own
 * entries come before the general ones). */
static const struct label {
	const char *sign, *key, *label;
	enum unit unit;
} labels[] = {
	/* mean_inflated */
	{ NULL, "mean", "средний балл школы", U_NUM1 },
	{ NULL, "sd", "стандартное отклонение", U_NUM1 },
	{ NULL, "lo", "нижняя граница 95 % интервала", U_NUM1 },
	{ NULL, "hi", "верхняя граница 95 % интервала", U_NUM1 },
	{ NULL, "region_mean", "средний балл региона", U_NUM1 },
	{ NULL, "region_sd", "стандартное отклонение в регионе", U_NUM1 },
	{ NULL, "region_n", "работ в регионе", U_INT },
	/* journal_mismatch */
	{ NULL, "rs_classic", "он же по классической формуле, без учёта одинаковых рангов", U_NUM2 },
	/* journal_gap */
	{ NULL, "below", "отметка за работу ниже журнальной", U_INT },
	{ NULL, "same", "совпала с журнальной", U_INT },
	{ NULL, "above", "выше журнальной", U_INT },
	{ NULL, "gap", "расходится на две отметки и более", U_INT },
	/* the z-statistics of the own signs, the pooled boundary statistic */
	{ "twins", "expected", "ожидалось почти одинаковых пар", U_NUM1 },
	{ NULL, "obs", "наблюдаемое значение", U_NUM1 },
	{ NULL, "exp", "ожидаемое по региону", U_NUM1 },
	{ NULL, "expected", "ожидаемое по региону", U_NUM1 },
	{ NULL, "var", "дисперсия", U_NUM1 },
	{ NULL, "z", "z-статистика", U_NUM2 },
	{ NULL, "pool_n", "работ в окнах у границ", U_INT },
	{ NULL, "k3", "третий кумулянт", U_NUM2 },
	{ NULL, "tilt", "наклон распределения", U_NUM2 },
	{ NULL, "lenience", "мягкость проверки", U_NUM2 },
	{ NULL, "agreement", "согласие с журналом", U_NUM2 },
	{ NULL, "pi0", "ожидаемая доля у границы", U_SHARE },
	{ NULL, "p", "вероятность случайно", U_P },
	/* difficulty_inverted */
	{ NULL, "basic", "выполнение базовых заданий в школе", U_SHARE },
	{ NULL, "region_basic", "в регионе", U_SHARE },
	{ NULL, "hard", "выполнение трудных заданий в школе", U_SHARE },
	{ NULL, "region_hard", "в регионе", U_SHARE },
	/* twins */
	{ NULL, "pairs", "пар работ сравнено", U_INT },
	{ NULL, "near", "почти одинаковых пар", U_INT },
	/* recheck_inflated */
	{ NULL, "works", "перепроверено работ", U_INT },
	{ NULL, "objective", "из них оценены объективно", U_INT },
	{ NULL, "up", "отметка эксперта выше", U_INT },
	{ NULL, "down", "отметка эксперта ниже", U_INT },
	{ NULL, "over", "школа поставила больше баллов", U_INT },
	{ NULL, "under", "школа поставила меньше баллов", U_INT },
	/* the pair signs: the earlier procedure and both years */
	{ NULL, "from", "сравнение с процедурой", U_PROC },
	{ NULL, "n1", "работ в ней", U_INT },
	{ NULL, "n2", "работ в этой", U_INT },
	{ "vpr_above_dkr", "s1", "средний балл в ней", U_NUM1 },
	{ "vpr_above_dkr", "s2", "средний балл в этой", U_NUM1 },
	{ "vpr_above_dkr", "region1", "средний балл по региону в ней", U_NUM1 },
	{ "vpr_above_dkr", "sd1", "стандартное отклонение по региону в ней", U_NUM1 },
	{ "vpr_above_dkr", "region2", "средний балл по региону в этой", U_NUM1 },
	{ "vpr_above_dkr", "sd2", "стандартное отклонение по региону в этой", U_NUM1 },
	{ "share2_rise", "s1", "доля «2» в ней", U_SHARE },
	{ "share2_rise", "s2", "доля «2» в этой", U_SHARE },
	{ NULL, "s1", "средний процент выполнения в ней", U_PCT },
	{ NULL, "s2", "средний процент выполнения в этой", U_PCT },
	{ NULL, "q25", "первый квартиль по региону", U_NUM2 },
	{ NULL, "q75", "третий квартиль по региону", U_NUM2 },
	{ NULL, "iqr", "межквартильный размах", U_NUM2 },
};

struct risk_value_words risk_value_words(const char *sign)
{
	static const struct {
		const char *sign;
		struct risk_value_words w;
	} own[] = {
		{ "boundary_peak", { "границ с пиком", NULL, RV_PLAIN } },
		{ "twins", { "почти одинаковых пар", "при ожидаемых", RV_PLAIN } },
		{ "recheck_inflated", { "средняя разница баллов школы и эксперта", NULL, RV_PLAIN } },
		{ "journal_mismatch", { "коэффициент Спирмена с учётом одинаковых рангов", "при пороге", RV_PLAIN } },
		{ "vpr_above_dkr", { "z-статистика разницы (с поправкой на разброс школ)", NULL, RV_PLAIN } },
		{ "share2_rise", { "доля «2» выросла на", "при пороге", RV_POINTS } },
		{ "journal_gap", { "доля таких работ", "при региональной", RV_PERCENT } },
		/* its value is its p before the correction, which the line gives anyway */
		{ "boundary_bunching", { NULL, NULL, RV_PLAIN } },
	};
	for (size_t i = 0; sign && i < sizeof own / sizeof *own; i++)
		if (!strcmp(own[i].sign, sign))
			return own[i].w;
	return (struct risk_value_words){ "значение", "при пороге", RV_PLAIN };
}

char *risk_number(char *out, size_t n, double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
		return ru_int(out, n, (long long)v);
	return ru_num(out, n, v, fabs(v) >= 10 ? 1 : 2);
}

char *risk_value_number(char *out, size_t n, const struct risk_value_words *w, double v)
{
	if (w->unit == RV_PLAIN || !isfinite(v))
		return risk_number(out, n, v);
	char t[RU_NUM_MAX];
	double x = round(1000 * v) / 10; /* percent to one decimal, «,0» left out */
	snprintf(out, n, "%s\xC2\xA0%s",
		 x == floor(x) ? ru_int(t, sizeof t, (long long)x) : ru_num(t, sizeof t, x, 1),
		 w->unit == RV_PERCENT ? "%" : "п.\xC2\xA0п.");
	return out;
}

char *risk_years_words(char *out, size_t n, const char *years)
{
	struct buf b = BUF_INIT;
	for (const char *y = years; *y; y++) {
		if (*y != ' ')
			buf_putc(&b, *y);
		else if (y[1] && y[1] != ' ')
			buf_puts(&b, ", ");
	}
	str_copy_utf8(out, n, buf_str(&b));
	buf_free(&b);
	return out;
}

void risk_top_sign_words(struct buf *out, const struct run_risk *x, bool with_procedure)
{
	const struct stat_sign_info *s = stat_sign_find(x->top_sign);
	char proc[200];
	if (!s && !*x->top_sign)
		return;
	buf_puts(out, s ? s->title : "признак без описания");
	if (with_procedure && *x->top_procedure)
		buf_printf(out, " (%s)", risk_procedure_words(proc, sizeof proc, x->top_procedure));
	if (!x->top_flagged)
		buf_puts(out, " — ниже своего порога");
}

char *risk_procedure_words(char *out, size_t n, const char *code)
{
	/* KIND-YEAR-SUBJECT-GRADE */
	char kind[16], subj[16];
	int year = 0, grade = 0, used = 0;
	if (code && sscanf(code, "%15[A-Z]-%d-%15[A-Z]-%d%n", kind, &year, subj, &grade, &used) == 4 &&
	    !code[used] && year > 1990 && year < 2200) {
		char t[200];
		if (procedure_title_of(code, subj, grade, t, sizeof t)) {
			snprintf(out, n, "%s, %d", t, year);
			return out;
		}
	}
	snprintf(out, n, "%s", code ? code : "");
	return out;
}

static const struct label *label_of(const char *sign, const char *key)
{
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if ((!labels[i].sign || !strcmp(labels[i].sign, sign)) && !strcmp(labels[i].key, key))
			return &labels[i];
	return NULL;
}

static void value_words(struct buf *out, enum unit u, const char *v)
{
	char t[200];
	char *end = NULL;
	double x = strtod(v, &end);
	bool num = end && end != v && !*end;
	if (u == U_PROC) {
		buf_puts(out, risk_procedure_words(t, sizeof t, v));
		return;
	}
	if (!num) {
		buf_puts(out, v);
		return;
	}
	switch (u) {
	case U_INT: buf_puts(out, risk_number(t, sizeof t, x)); break;
	case U_NUM1: buf_puts(out, ru_num(t, sizeof t, x, 1)); break;
	case U_NUM2: buf_puts(out, ru_num(t, sizeof t, x, 2)); break;
	case U_SHARE: buf_puts(out, ru_pct(t, sizeof t, x, 1)); break;
	case U_PCT: buf_puts(out, ru_pct(t, sizeof t, x / 100, 1)); break;
	case U_P: buf_puts(out, ru_p(t, sizeof t, x)); break;
	default: buf_puts(out, risk_number(t, sizeof t, x)); break;
	}
}

/* One "key=value" pair. */
static void pair_words(struct buf *out, const char *sign, const char *k, const char *v)
{
	const struct label *l = label_of(sign, k);
	if (l && l->unit == U_P) {
		value_words(out, U_P, v);
		return;
	}
	buf_puts(out, l ? l->label : "другой показатель");
	buf_putc(out, ' ');
	value_words(out, l ? l->unit : U_NUM2, v);
}

/* A boundary group "b3=10:a/b/c" (boundary_peak: works one point below, at and one above the
 * boundary) or "b3=10:a/m" (boundary_bunching: works at and just above it of the window).
 * False when the group is not of that form. */
static bool boundary_words(struct buf *out, const char *k, const char *v)
{
	unsigned mark, score;
	unsigned long long c[3];
	int used = 0;
	if (sscanf(k, "b%u%n", &mark, &used) != 1 || k[used] || mark < 3 || mark > 5)
		return false;
	int m = sscanf(v, "%u:%llu/%llu/%llu", &score, &c[0], &c[1], &c[2]);
	if (m < 3)
		return false;
	char t[3][RU_NUM_MAX];
	buf_printf(out, "граница «%u» (%s %s): ", mark, ru_int(t[0], sizeof t[0], score),
		   str_plural((long)score, "балл", "балла", "баллов"));
	if (m == 4)
		buf_printf(out, "на балл ниже — %s, на границе — %s, на балл выше — %s",
			   ru_int(t[0], sizeof t[0], (long long)c[0]), ru_int(t[1], sizeof t[1], (long long)c[1]),
			   ru_int(t[2], sizeof t[2], (long long)c[2]));
	else
		buf_printf(out, "на границе и сразу над ней %s из %s %s окна",
			   ru_int(t[0], sizeof t[0], (long long)c[0]), ru_int(t[1], sizeof t[1], (long long)c[1]),
			   str_plural((long)c[1], "работы", "работ", "работ"));
	return true;
}

void risk_detail_words(struct buf *out, const char *sign, const char *detail)
{
	if (!detail || !*detail)
		return;
	char *copy = strdup(detail), *groups = NULL;
	if (!copy)
		return;
	bool first = true;
	for (char *g = strtok_r(copy, ";", &groups); g; g = strtok_r(NULL, ";", &groups)) {
		char *items = NULL;
		bool in_group = false;
		for (char *it = strtok_r(g, ",", &items); it; it = strtok_r(NULL, ",", &items)) {
			char *eq = strchr(it, '=');
			if (!eq || eq == it)
				continue;
			*eq = 0;
			const char *k = it, *v = eq + 1;
			if (!in_group && !first)
				buf_puts(out, "; ");
			else if (in_group)
				buf_puts(out, ", ");
			if (!in_group && k[0] == 'b' && boundary_words(out, k, v)) {
				in_group = true;
				first = false;
				continue;
			}
			pair_words(out, sign, k, v);
			in_group = true;
			first = false;
		}
	}
	free(copy);
}

static void sign_block(struct doc *d, const struct run_sign *x, bool head)
{
	char t[4][200];
	if (head) {
		const struct stat_sign_info *s = stat_sign_find(x->sign);
		doc_paraf(d, DOC_HEADING, "%s (%s)", s ? s->title : "Признак",
			  s ? stat_sign_kind_title(s->kind) : "без описания");
		if (s)
			doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, s->explain);
	}
	struct buf b = BUF_INIT;
	struct risk_value_words vw = risk_value_words(x->sign);
	buf_printf(&b, "%s: ", risk_procedure_words(t[0], sizeof t[0], x->procedure));
	if (vw.value) {
		buf_printf(&b, "%s %s", vw.value, risk_value_number(t[1], sizeof t[1], &vw, x->value));
		if (vw.threshold && isfinite(x->threshold))
			buf_printf(&b, " %s %s", vw.threshold,
				   risk_value_number(t[2], sizeof t[2], &vw, x->threshold));
		buf_puts(&b, "; ");
	}
	buf_printf(&b, "работ %s", ru_int(t[3], sizeof t[3], x->n));
	if (isfinite(x->q_adj))
		buf_printf(&b, "; %s (с поправкой на множественность сравнений)", ru_p(t[0], sizeof t[0], x->q_adj));
	buf_puts(&b, ".");
	doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, false, buf_str(&b));
	if (x->detail && *x->detail) {
		buf_reset(&b);
		buf_puts(&b, "Исходные числа: ");
		risk_detail_words(&b, x->sign, x->detail);
		buf_puts(&b, ".");
		doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, buf_str(&b));
	}
	buf_free(&b);
}

/* ---- the distribution as a PNG ---- */

int risk_hist_png(const struct run_hist *h, struct buf *out)
{
	if (!h->nbins || !h->school_n || !h->all_n)
		return ERR_INVALID;
	const int W = 1500, H = 620;
	const double left = 100, right = W - 30, top = 90, bottom = H - 100;
	int nb = (int)h->nbins;
	double m = 0;
	for (int i = 0; i < nb; i++) {
		double a = 100.0 * (double)h->school[i] / (double)h->school_n;
		double b = 100.0 * (double)h->all[i] / (double)h->all_n;
		m = a > m ? a : m;
		m = b > m ? b : m;
	}
	/* The y axis to a round percent above the highest column. */
	double step = m <= 10 ? 2 : m <= 25 ? 5 : m <= 50 ? 10 : 20;
	double ymax = m <= 0 ? step : ceil(m / step) * step;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	double pw = right - left, ph = bottom - top, bw = pw / nb;
	png_grid_pct(cr, left, right, top, bottom, ymax, step, 26);
	/* The school's columns, the region's step line (the page's colours). */
	cairo_set_source_rgb(cr, 0x1f / 255.0, 0x5f / 255.0, 0xa8 / 255.0);
	for (int i = 0; i < nb; i++) {
		double v = 100.0 * (double)h->school[i] / (double)h->school_n;
		if (v <= 0)
			continue;
		double hh = ph * (v > ymax ? ymax : v) / ymax;
		cairo_rectangle(cr, left + bw * i + 1, bottom - hh, bw > 4 ? bw - 2 : bw, hh);
	}
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0xe0 / 255.0, 0xa2 / 255.0, 0x1b / 255.0);
	cairo_set_line_width(cr, 4);
	for (int i = 0; i < nb; i++) {
		double v = 100.0 * (double)h->all[i] / (double)h->all_n;
		double y = bottom - ph * (v > ymax ? ymax : v) / ymax;
		if (!i)
			cairo_move_to(cr, left, y);
		else
			cairo_line_to(cr, left + bw * i, y);
		cairo_line_to(cr, left + bw * (i + 1), y);
	}
	cairo_stroke(cr);
	/* The marks' lower bounds, dashed, with «3», «4», «5». */
	static const char *const marks[3] = { "«3»", "«4»", "«5»" };
	double dash[1] = { 10 };
	for (int k = 0; h->has_scale && k < 3; k++) {
		if (h->scale[k] < 0 || h->scale[k] >= nb)
			continue;
		double x = left + bw * h->scale[k];
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		cairo_set_line_width(cr, 2);
		cairo_set_dash(cr, dash, 1, 0);
		cairo_move_to(cr, x, top - 10);
		cairo_line_to(cr, x, bottom);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		png_text(cr, marks[k], x + 6, top, 28, -1, 0);
	}
	/* The scores under the axis: every one when few, else a step of 2, 5, 10… */
	int every = nb <= 26 ? 1 : nb <= 52 ? 2 : nb <= 130 ? 5 : nb <= 260 ? 10 : 50;
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	for (int i = 0; i < nb; i += every) {
		char t[16];
		snprintf(t, sizeof t, "%d", i);
		png_text(cr, t, left + bw * i + bw / 2, bottom + 26, 26, 0, 0);
	}
	png_text(cr, "первичный балл", left + pw / 2, H - 30, 28, 0, 0);
	/* The legend. */
	cairo_set_source_rgb(cr, 0x1f / 255.0, 0x5f / 255.0, 0xa8 / 255.0);
	cairo_rectangle(cr, left, 22, 34, 34);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	png_text(cr, "школа", left + 46, 39, 30, -1, 0);
	cairo_set_source_rgb(cr, 0xe0 / 255.0, 0xa2 / 255.0, 0x1b / 255.0);
	cairo_set_line_width(cr, 5);
	cairo_move_to(cr, left + 220, 39);
	cairo_line_to(cr, left + 266, 39);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	png_text(cr, "регион", left + 278, 39, 30, -1, 0);
	int rc = png_write(s, out);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}

/* ---- the parts after the signs ---- */

static void card_recheck(struct doc *d, const struct risk_card *c)
{
	size_t n = c->nrechecks;
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= c->rechecks[i].row->inflated;
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_RECHECK_TITLE);
	struct card_text v = CARD_TEXT_INIT;
	card_recheck_verdict(&v, any);
	doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, card_text_str(&v));
	card_text_free(&v);
	/* One procedure a paragraph, its figures labelled by the page's column titles: a table
	 * of seven columns squeezes their words to syllables on A4 (as the signs below do). */
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct rc_run_row *x = c->rechecks[i].row;
		char cells[5][64];
		card_recheck_cells(x, cells);
		doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, true, x->title[0] ? x->title : x->procedure);
		buf_reset(&b);
		for (int k = 0; k < 5; k++)
			buf_printf(&b, "%s: %s. ", card_recheck_columns[k + 1], cells[k]);
		buf_printf(&b, "%s: ", card_recheck_columns[CARD_RECHECK_NCOLS - 1]);
		card_recheck_conclusion(&b, x);
		buf_putc(&b, '.');
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, buf_str(&b));
	}
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_RECHECK_CHANGED);
	static const double wwidths[CARD_RECHECK_WORK_NCOLS] = { 0, 22, 24, 30, 20, 38 };
	for (size_t i = 0; i < n; i++) {
		const struct risk_card_recheck *r = &c->rechecks[i];
		if (n > 1)
			doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, true, r->row->title[0] ? r->row->title : r->row->procedure);
		if (r->nworks) {
			doc_table_begin(d, CARD_RECHECK_WORK_NCOLS, card_recheck_work_columns, wwidths);
			for (size_t j = 0; j < r->nworks; j++) {
				const struct risk_card_work *w = &r->works[j];
				char s1[16], sf[16], mk[32], dl[RU_NUM_MAX];
				snprintf(s1, sizeof s1, "%d", w->score1);
				snprintf(sf, sizeof sf, "%d", w->score_final);
				if (w->mark1)
					snprintf(mk, sizeof mk, "%d → %d", w->mark1, w->mark_final);
				else
					snprintf(mk, sizeof mk, "—");
				doc_table_row(d, (const char *const[]){ w->code, s1, sf, mk,
									card_signed(dl, sizeof dl, w->delta, 0),
									w->state ? w->state : "" });
			}
			doc_table_end(d);
		}
		buf_reset(&b);
		card_recheck_more(&b, r->changed);
		if (b.len)
			doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, buf_str(&b));
	}
	doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, CARD_RECHECK_NOTE);
	buf_free(&b);
}

static void card_distribution(struct doc *d, const struct risk_card *c)
{
	if (!c->hist) {
		doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_HIST_TITLE);
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, CARD_HIST_MISSING);
		return;
	}
	/* The page's heading over the chart (the writer keeps it with the image). */
	struct buf png = BUF_INIT, cap = BUF_INIT;
	if (!risk_hist_png(c->hist, &png)) {
		doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_HIST_TITLE);
		/* How to read it is in the caption, which stays with the image (a paragraph after
		 * it could start the next page alone). */
		card_hist_caption(&cap, c->top, c->hist->school_n, c->hist->all_n);
		buf_puts(&cap, " " CARD_HIST_DESC);
		doc_image(d, png.p, png.len, 160, buf_str(&cap));
	}
	buf_free(&png);
	buf_free(&cap);
}

static void card_medal(struct doc *d, const struct risk_card_medal *m)
{
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_MEDAL_TITLE);
	struct card_text t = CARD_TEXT_INIT;
	card_medal_latest(&t, m->year, &m->st, m->region_rate);
	doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, card_text_str(&t));
	card_text_free(&t);
	if (m->pooled) {
		struct card_text p = CARD_TEXT_INIT;
		card_medal_pooled(&p, m->first, m->last, &m->pooled_st);
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, card_text_str(&p));
		card_text_free(&p);
	}
}

static void card_observation(struct doc *d, const struct risk_card *c)
{
	struct card_obs o;
	card_obs_of(c->obs, c->nobs, &o);
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_OBS_TITLE);
	if (o.seen.len)
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, buf_str(&o.seen));
	if (o.title)
		doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, true, o.title);
	doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, buf_str(&o.text));
	if (o.table) {
		static const double widths[CARD_OBS_NCOLS] = { 0, 12, 31, 15, 26, 26, 22 };
		doc_table_begin(d, CARD_OBS_NCOLS, card_obs_columns, widths);
		for (size_t i = 0; i < c->nobs; i++) {
			char cells[CARD_OBS_NCOLS][CARD_CELL];
			if (card_obs_row(&c->obs[i], cells))
				doc_table_row(d, (const char *const[]){ cells[0], cells[1], cells[2], cells[3],
									cells[4], cells[5], cells[6] });
		}
		doc_table_end(d);
	}
	card_obs_free(&o);
}

static void card_history(struct doc *d, const struct risk_card *c)
{
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_HISTORY_TITLE);
	static const double widths[CARD_HISTORY_NCOLS] = { 0, 22, 22, 24, 44 };
	doc_table_begin(d, CARD_HISTORY_NCOLS, card_history_columns, widths);
	for (size_t i = 0; i < c->nhistory; i++) {
		const struct run_history *x = &c->history[i];
		char at[64], risk[RU_NUM_MAX], rank[RU_NUM_MAX], fl[RU_NUM_MAX];
		doc_table_row(d, (const char *const[]){ ru_moment(at, sizeof at, x->at), ru_num(risk, sizeof risk, x->risk, 1),
							ru_int(rank, sizeof rank, x->rank), x->listed ? "да" : "нет",
							ru_int(fl, sizeof fl, x->official_flags) });
	}
	doc_table_end(d);
}

struct doc *risk_card_doc(const struct risk_card *c)
{
	char t[4][RU_NUM_MAX + 16];
	struct doc *d = doc_new(c->school);
	doc_para(d, DOC_TITLE, DOC_ALIGN_DEFAULT, true, "Доказательная карточка школы");
	doc_para(d, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, c->school);
	if (c->municipality && *c->municipality)
		doc_para(d, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, c->municipality);
	doc_paraf(d, DOC_BODY, "По анализу от %s. Признак — повод для проверки (перепроверки работ, "
		  "наблюдения), а не вывод о нарушении.", ru_moment(t[0], sizeof t[0], c->run->at));
	if (c->nrechecks)
		card_recheck(d, c);
	if (c->k) {
		const struct run_risk *k = c->k;
		static const char *const titles[2] = { "Показатель", "Значение" };
		static const double widths[2] = { 100, 0 };
		doc_table_begin(d, 2, titles, widths);
		const char *rows[][2] = {
			{ "Риск", ru_num(t[0], sizeof t[0], k->risk, 1) },
			{ "Место в регионе", NULL },
			{ "В списке oko", k->listed ? "да" : "нет" },
			{ "Официальных признаков", ru_int(t[1], sizeof t[1], k->official_flags) },
			{ "Опубликованных критериев", ru_int(t[2], sizeof t[2], k->published_flags) },
			{ "Признаков oko", ru_int(t[3], sizeof t[3], k->own_flags) },
		};
		char place[2 * RU_NUM_MAX + 8], a[RU_NUM_MAX], b[RU_NUM_MAX];
		snprintf(place, sizeof place, "%s из %s", ru_int(a, sizeof a, k->rank), ru_int(b, sizeof b, c->ranked));
		rows[1][1] = place;
		for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
			doc_table_row(d, rows[i]);
		char works[RU_NUM_MAX], years[200];
		doc_table_row(d, (const char *const[]){ "Работ", ru_int(works, sizeof works, k->works) });
		if (*k->years_flagged)
			doc_table_row(d, (const char *const[]){ "Годы с официальными признаками",
								risk_years_words(years, sizeof years, k->years_flagged) });
		doc_table_end(d);
	} else {
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "В этом анализе у школы нет признаков.");
	}
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "Признаки");
	if (!c->nsigns)
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Ни один признак не отмечен.");
	for (size_t i = 0; i < c->nsigns; i++)
		sign_block(d, &c->signs[i], !i || strcmp(c->signs[i - 1].sign, c->signs[i].sign));
	if (c->top && *c->top)
		card_distribution(d, c);
	if (c->medal)
		card_medal(d, c->medal);
	if (c->teachers) {
		struct buf b = BUF_INIT;
		card_teachers(&b, c->teachers, c->teachers_listed);
		doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, CARD_TEACHERS_TITLE);
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, buf_str(&b));
		buf_free(&b);
	}
	if (c->has_obs)
		card_observation(d, c);
	if (c->nhistory)
		card_history(d, c);
	return d;
}

/* ---- the risk list ---- */

struct doc *risk_list_doc_begin(const struct run_info *run, const char *territory, const char *filter)
{
	char day[64], at[64];
	struct doc *d = doc_new("Зона риска");
	doc_para(d, DOC_TITLE, DOC_ALIGN_DEFAULT, true, "Зона риска: школы с признаками необъективности");
	if (territory && *territory)
		doc_para(d, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, territory);
	doc_paraf(d, DOC_SUBTITLE, "по анализу от %s (%s)", ru_date_long(day, sizeof day, run->at),
		  ru_moment(at, sizeof at, run->at));
	if (filter && *filter)
		doc_paraf(d, DOC_PLAIN, "Показаны: %s.", filter);
	static const char *const titles[6] = { "Место", "Школа", "Муниципалитет", "Риск",
					       "Признаки: офиц. / опубл. / oko", "Главный признак" };
	/* 170 mm between the margins; the school takes what is left (about 40 mm). */
	static const double widths[6] = { 17, 0, 36, 14, 24, 39 };
	doc_table_begin(d, 6, titles, widths);
	return d;
}

void risk_list_doc_row(struct doc *d, const struct run_risk *x)
{
	char rank[RU_NUM_MAX], risk[RU_NUM_MAX], c[3][RU_NUM_MAX];
	char flags[3 * RU_NUM_MAX + 8];
	snprintf(flags, sizeof flags, "%s / %s / %s", ru_int(c[0], sizeof c[0], x->official_flags),
		 ru_int(c[1], sizeof c[1], x->published_flags), ru_int(c[2], sizeof c[2], x->own_flags));
	struct buf school = BUF_INIT, top = BUF_INIT;
	buf_puts(&school, x->name);
	if (x->listed)
		buf_puts(&school, " (в списке oko)");
	risk_top_sign_words(&top, x, true);
	const char *cells[6] = { ru_int(rank, sizeof rank, x->rank), buf_str(&school), x->municipality,
				 ru_num(risk, sizeof risk, x->risk, 1), flags, buf_str(&top) };
	doc_table_row(d, cells);
	buf_free(&school);
	buf_free(&top);
}

void risk_list_doc_end(struct doc *d, size_t nrows)
{
	if (!nrows)
		doc_table_row(d, (const char *const[]){ "", "Школ с признаками нет.", "", "", "", "" });
	doc_table_end(d);
	char t[RU_NUM_MAX];
	doc_paraf(d, DOC_SMALL, "Всего %s %s. Признаки: офиц. — официальные (методика 2019 г.), опубл. — "
		  "опубликованные критерии (ФИОКО, Рособрнадзор), oko — собственные признаки oko. Школа "
		  "попадает в список oko по совокупности признаков с контролем доли ложных обнаружений. "
		  "Признак — повод для проверки, а не вывод о нарушении.",
		  ru_int(t, sizeof t, (long long)nrows), str_plural((long)nrows, "школа", "школы", "школ"));
}
