/* report/card_words: the evidence card's shared sentences (see the header). */
#include "report/card_words.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ru.h"
#include "base/str.h"
#include "model/procedure.h"
#include "model/run.h"
#include "report/risk_doc.h"
#include "stats/recheck.h"

const char *card_text_str(struct card_text *t)
{
	buf_reset(&t->all);
	buf_puts(&t->all, buf_str(&t->pre));
	buf_puts(&t->all, buf_str(&t->bold));
	buf_puts(&t->all, buf_str(&t->post));
	return buf_str(&t->all);
}

void card_text_free(struct card_text *t)
{
	buf_free(&t->pre);
	buf_free(&t->bold);
	buf_free(&t->post);
	buf_free(&t->all);
}

char *card_signed(char *out, size_t n, double v, int dec)
{
	char t[RU_NUM_MAX];
	snprintf(out, n, "%s%s", !isnan(v) && v > 0.5 * pow(10, -dec) ? "+" : "", ru_num(t, sizeof t, v, dec));
	return out;
}

char *card_q(char *out, size_t n, double q)
{
	if (q < 0.001)
		snprintf(out, n, "< 0,001");
	else
		ru_num(out, n, q, 3);
	return out;
}

/* «4 медалиста»: the number, a no-break space, the word in its form (html_count's). */
static void count_words(struct buf *b, long n, const char *one, const char *few, const char *many)
{
	char t[RU_NUM_MAX];
	buf_printf(b, "%s\xC2\xA0%s", ru_int(t, sizeof t, n), str_plural(n, one, few, many));
}

/* ---- the re-check ---- */

const char *const card_recheck_columns[CARD_RECHECK_NCOLS] = {
	"Процедура", "Работ проверено", "Оценены объективно", "Средняя разница (школа − итог)",
	"Отметок понижено", "Отметок повышено", "Вывод",
};

bool card_recheck_confirmed(const struct rc_run_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].inflated)
			return true;
	return false;
}

void card_recheck_verdict(struct card_text *t, bool confirmed)
{
	if (confirmed) {
		buf_puts(&t->bold, "Перепроверка подтвердила завышение:");
		buf_puts(&t->post, " эксперты систематически ставили этой школе меньше, чем она сама, и доля "
				   "объективно оценённых работ ниже 90\xC2\xA0%. Это самое сильное свидетельство "
				   "из всех на карточке.");
	} else {
		buf_puts(&t->bold, "Перепроверка не подтвердила завышение:");
		buf_puts(&t->post, " эксперты в целом согласны с оценками школы. Другие признаки на карточке "
				   "стоит читать с этим в уме.");
	}
}

void card_recheck_cells(const struct rc_run_row *x, char cells[5][64])
{
	double share = x->works ? (double)x->objective / (double)x->works : NAN;
	ru_int(cells[0], 64, x->works);
	ru_pct(cells[1], 64, share, 1);
	card_signed(cells[2], 64, x->mean_delta, 2);
	ru_int(cells[3], 64, x->down);
	ru_int(cells[4], 64, x->up);
}

void card_recheck_conclusion(struct buf *out, const struct rc_run_row *x)
{
	double share = x->works ? (double)x->objective / (double)x->works : NAN;
	char t[RU_NUM_MAX];
	if (x->inflated)
		buf_printf(out, "завышение подтверждено (%s)", ru_p(t, sizeof t, x->p));
	else if (!isnan(share) && share < RC_OBJECTIVE_TARGET)
		buf_printf(out, "объективно оценено меньше 90\xC2\xA0%% работ, но систематического завышения "
				"не видно (%s)", ru_p(t, sizeof t, x->p));
	else
		buf_puts(out, "не подтверждено");
}

const char *const card_recheck_work_columns[CARD_RECHECK_WORK_NCOLS] = {
	"Код", "Балл школы", "Итоговый балл", "Отметка (школа → итог)", "Разница", "Проверка",
};

void card_recheck_more(struct buf *out, long changed)
{
	if (changed > CARD_RECHECK_WORKS_MAX) {
		buf_puts(out, "И ещё ");
		count_words(out, changed - CARD_RECHECK_WORKS_MAX, "работа", "работы", "работ");
		buf_puts(out, " с изменёнными баллами: все работы — на странице перепроверки и в выгрузке works.csv.");
	} else if (!changed) {
		buf_puts(out, "Баллы ни одной проверенной работы не изменились.");
	}
}

/* ---- the distribution ---- */

const char *card_top_procedure(const char *risk_top, const struct run_sign *v, size_t n)
{
	return risk_top && *risk_top ? risk_top : n ? v[0].procedure : "";
}

void card_hist_title(struct buf *out, const char *code)
{
	char words[200];
	buf_printf(out, "Распределение первичных баллов: %s", risk_procedure_words(words, sizeof words, code));
}

void card_hist_caption(struct buf *out, const char *code, uint64_t school_n, uint64_t all_n)
{
	char a[RU_NUM_MAX], b[RU_NUM_MAX];
	card_hist_title(out, code);
	buf_printf(out, ". Работ в школе: %s, в регионе: %s (на момент анализа).",
		   ru_int(a, sizeof a, (long long)school_n), ru_int(b, sizeof b, (long long)all_n));
}

/* ---- the medalists ---- */

/* «, не подтвердили … — 2 из 5 проверенных (40,0 %)»: what latest and pooled share. */
static void medal_checked(struct buf *b, const struct stat_medal_school *st)
{
	char t[RU_NUM_MAX];
	buf_printf(b, "%s", ru_int(t, sizeof t, (long)st->below));
	if (st->checked) {
		buf_printf(b, " из %s", ru_int(t, sizeof t, (long)st->checked));
		buf_printf(b, " %s (", str_plural((long)st->checked, "проверенного", "проверенных", "проверенных"));
		buf_puts(b, ru_pct(t, sizeof t, st->share, 1));
		buf_puts(b, ")");
	}
}

/* « Доля значимо выше …» (bold) or « Доля не выше … значимо», with p and q. */
static void medal_test(struct card_text *t, const struct stat_medal_school *st, const char *above,
		       const char *not_above)
{
	if (isnan(st->p))
		return;
	char p[RU_NUM_MAX], q[RU_NUM_MAX];
	struct buf *after = &t->pre;
	buf_putc(&t->pre, ' ');
	if (st->significant) {
		buf_puts(&t->bold, above);
		after = &t->post;
		buf_puts(after, " (");
	} else {
		buf_printf(&t->pre, "%s (", not_above);
	}
	buf_printf(after, "%s; с поправкой на число школ — %s).", ru_p(p, sizeof p, st->p), card_q(q, sizeof q, st->q));
}

void card_medal_latest(struct card_text *t, int year, const struct stat_medal_school *st, double region_rate)
{
	struct buf *b = &t->pre;
	char x[RU_NUM_MAX];
	buf_printf(b, "Выпуск %d года: ", year);
	count_words(b, (long)st->medalists, "медалист", "медалиста", "медалистов");
	buf_puts(b, ", не подтвердили медаль результатами ЕГЭ — ");
	medal_checked(b, st);
	if (st->noresult)
		buf_printf(b, "; нет результата — %s", ru_int(x, sizeof x, (long)st->noresult));
	buf_puts(b, ".");
	if (!isnan(region_rate))
		buf_printf(b, " По региону не подтвердили %s.", ru_pct(x, sizeof x, region_rate, 1));
	medal_test(t, st, "Доля значимо выше региональной", "Доля не выше региональной значимо");
}

void card_medal_pooled(struct card_text *t, int first, int last, const struct stat_medal_school *st)
{
	struct buf *b = &t->pre;
	char x[RU_NUM_MAX];
	buf_printf(b, "За %d–%d годы вместе: ", first, last);
	count_words(b, (long)st->medalists, "медалист", "медалиста", "медалистов");
	buf_puts(b, ", не подтвердили медаль — ");
	medal_checked(b, st);
	if (st->checked)
		buf_printf(b, "; по доле региона каждого года ожидалось бы %s", ru_pct(x, sizeof x, st->expected, 1));
	buf_puts(b, ".");
	medal_test(t, st, "Доля значимо выше ожидаемой", "Доля не выше ожидаемой значимо");
}

/* ---- the teachers ---- */

void card_teachers(struct buf *out, long teachers, long listed)
{
	char t[RU_NUM_MAX];
	buf_puts(out, "По этому анализу оценено ");
	count_words(out, teachers, "учитель", "учителя", "учителей");
	buf_printf(out, " школы, в зоне риска — %s. Кто именно, видит только сама школа (это её "
			"персональные данные).", ru_int(t, sizeof t, listed));
}

/* ---- the observation ---- */

const char *const card_obs_columns[CARD_OBS_NCOLS] = {
	"Работа", "Год", "Наблюдатель", "Работ", "Школа, % от максимума", "Регион, % от максимума",
	"Разница, п. п.",
};

/* A share as a percent of the maximum with one decimal, «—» for NaN (chart_pct's). */
static char *pp(char *out, size_t n, double share)
{
	if (isnan(share)) {
		snprintf(out, n, "—");
		return out;
	}
	return ru_num(out, n, 100 * share, 1);
}

void card_obs_of(const struct obsd_year *y, size_t n, struct card_obs *o)
{
	*o = (struct card_obs){ 0 };
	struct stat_obs_year *v = calloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; v && i < n; i++) {
		v[i] = (struct stat_obs_year){ y[i].series, y[i].observed, y[i].works, y[i].sum, y[i].sumsq,
					       y[i].region_mean };
		o->observed += y[i].observed;
	}
	stat_obs_school(v, v ? n : 0, &o->s);
	free(v);
	const struct stat_obs_school *s = &o->s;
	char a[RU_NUM_MAX], b[RU_NUM_MAX], c[RU_NUM_MAX];
	if (!o->observed) {
		buf_puts(&o->text, "На проведениях этой школы, по которым есть результаты, наблюдателей не было.");
		return;
	}
	buf_puts(&o->seen, "С наблюдателем: ");
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!y[i].observed)
			continue;
		char t[160];
		procedure_title_of(y[i].procedure, y[i].subject, y[i].grade, t, sizeof t);
		buf_printf(&o->seen, "%s%s, %d", k++ ? "; " : "", t, y[i].year);
		if (y[i].date[0])
			buf_printf(&o->seen, " (%s)", ru_date(t, sizeof t, y[i].date));
	}
	buf_puts(&o->seen, ".");
	/* What the observers' acts say: the direct evidence of a sitting, after the list. */
	long clean = 0, marked = 0;
	for (size_t i = 0; i < n; i++) {
		if (!y[i].observed || !y[i].acts)
			continue;
		if (!y[i].violations[0]) {
			clean++;
			continue;
		}
		char t[160];
		procedure_title_of(y[i].procedure, y[i].subject, y[i].grade, t, sizeof t);
		buf_printf(&o->seen, "%s%s, %d — %s", marked++ ? "; " : " Наблюдатели отметили нарушения: ", t,
			   y[i].year, y[i].violations);
	}
	if (marked)
		buf_puts(&o->seen, ".");
	if (clean) {
		buf_printf(&o->seen, " В %sактах наблюдателей (", marked ? "остальных " : "");
		count_words(&o->seen, clean, "проведение", "проведения", "проведений");
		buf_puts(&o->seen, ") нарушений нет.");
	}
	if (!s->years_obs) {
		buf_puts(&o->text, "Лет без наблюдателя по тем же работам (тот же предмет и класс) для "
				   "сравнения нет.");
		return;
	}
	o->table = true;
	if (s->evidence) {
		o->title = "Без наблюдателя результаты выше";
		char p[RU_NUM_MAX];
		buf_printf(&o->text, "В годы без наблюдателя результаты школы относительно региона выше на "
				     "%s п. п. (от максимального балла), чем в годы с наблюдателем (работ без "
				     "наблюдателя: %s, с наблюдателем: %s; критерий Уэлча, %s). Это повод для "
				     "проверки объективности проведения и проверки работ в годы без наблюдателя, "
				     "а не вывод о нарушении.",
			   pp(a, sizeof a, s->gap), ru_int(b, sizeof b, (long long)s->n_unobs),
			   ru_int(c, sizeof c, (long long)s->n_obs), ru_p(p, sizeof p, s->p));
		return;
	}
	buf_puts(&o->text, "Результаты школы относительно региона ");
	if (isnan(s->gap) || isnan(s->p)) {
		buf_puts(&o->text, "в годы без наблюдателя и с ним сравнить не удалось (слишком мало работ).");
		return;
	}
	buf_printf(&o->text, "%s %s п. п. в годы без наблюдателя (%s): этого недостаточно, чтобы считать "
			     "разницу признаком (нужно не меньше 5 п. п. при p < 0,01).",
		   s->gap >= 0 ? "выше на" : "ниже на", pp(a, sizeof a, fabs(s->gap)), ru_p(b, sizeof b, s->p));
}

void card_obs_free(struct card_obs *o)
{
	buf_free(&o->seen);
	buf_free(&o->text);
}

bool card_obs_row(const struct obsd_year *y, char cells[CARD_OBS_NCOLS][CARD_CELL])
{
	if (isnan(y->region_mean))
		return false; /* a series without both kinds of years */
	double mean = y->works ? y->sum / (double)y->works : NAN;
	procedure_title_of(y->procedure, y->subject, y->grade, cells[0], CARD_CELL);
	snprintf(cells[1], CARD_CELL, "%d", y->year);
	snprintf(cells[2], CARD_CELL, "%s", y->observed ? "был" : "не было");
	ru_int(cells[3], CARD_CELL, (long long)y->works);
	pp(cells[4], CARD_CELL, mean);
	pp(cells[5], CARD_CELL, y->region_mean);
	pp(cells[6], CARD_CELL, mean - y->region_mean);
	return true;
}

/* ---- the history ---- */

const char *const card_history_columns[CARD_HISTORY_NCOLS] = {
	"Анализ", "Риск", "Место", "В списке", "Официальных признаков",
};
