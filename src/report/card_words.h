/* report/card_words: the sentences of a school's evidence card that both its page
 * (web/pages/risk.c and the blocks of recheck.c, medalists.c, teachers.c) and its printed
 * version (risk_card_doc, report/risk_doc.c) say, built once here as plain UTF-8 text from
 * plain data: the page escapes it (html_text) and adds its links and markup, the document
 * writes it as it is. A change of wording here changes both.
 *
 * - the re-check (the run's rows of the school, model/recheck.h rc_run_row): the verdict,
 *   the table's columns and each procedure's conclusion, the note under it;
 * - the distribution of primary scores of the top procedure: its title and caption;
 * - the medalists of the school's latest year and of the years pooled;
 * - the teachers in the risk zone (counts only, never names);
 * - the observation: which sittings were observed and the observed/unobserved comparison
 *   (stats/observed.h), the years' table;
 * - the history over analyses: the table's columns.
 * Numbers are in the Russian format (base/ru.h), a number and its word joined by a
 * no-break space as html_count does. No SQL, no HTML. */
#ifndef OKO_REPORT_CARD_WORDS_H
#define OKO_REPORT_CARD_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "model/observed.h"
#include "model/recheck.h"
#include "stats/medal.h"
#include "stats/observed.h"

/* A paragraph with at most one part the page shows in bold (<strong>): pre, bold, post.
 * card_text_str() gives the three joined (the document's paragraph). */
struct card_text {
	struct buf pre, bold, post;
	struct buf all; /* card_text_str's */
};
#define CARD_TEXT_INIT { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT }
const char *card_text_str(struct card_text *t);
void card_text_free(struct card_text *t);

/* A signed difference: «+1,3», «−0,5», «0,0» (dec places); «—» for NaN. Returns out. */
char *card_signed(char *out, size_t n, double v, int dec);
/* A BH-adjusted q: «< 0,001» or three decimals. Returns out. */
char *card_q(char *out, size_t n, double q);

/* ---- the re-check ---- */
#define CARD_RECHECK_TITLE "Перепроверка работ"
#define CARD_RECHECK_NCOLS 7
extern const char *const card_recheck_columns[CARD_RECHECK_NCOLS];
/* True when a procedure of the school's re-check confirmed inflation. */
bool card_recheck_confirmed(const struct rc_run_row *v, size_t n);
/* «Перепроверка подтвердила завышение:» (bold) and what it means, or the same of «не
 * подтвердила». */
void card_recheck_verdict(struct card_text *t, bool confirmed);
/* A row's cells after the procedure: works, share objective, mean difference, marks lowered,
 * raised (cells[0..4], each of n bytes). */
void card_recheck_cells(const struct rc_run_row *x, char cells[5][64]);
/* A row's conclusion: «завышение подтверждено (p …)», «объективно оценено меньше 90 % …» or
 * «не подтверждено», appended to out. */
void card_recheck_conclusion(struct buf *out, const struct rc_run_row *x);
#define CARD_RECHECK_CHANGED "Работы, баллы которых изменились"
#define CARD_RECHECK_WORKS_MAX 30 /* changed works listed per procedure */
#define CARD_RECHECK_WORK_NCOLS 6
extern const char *const card_recheck_work_columns[CARD_RECHECK_WORK_NCOLS];
/* Under the changed works: «И ещё 5 работ с изменёнными баллами: …» when more than the
 * listed were changed, «Баллы ни одной проверенной работы не изменились.» when none. */
void card_recheck_more(struct buf *out, long changed);
#define CARD_RECHECK_NOTE "Цифры — на момент анализа; работы — по текущим проверкам экспертов."

/* ---- the distribution of the top procedure ---- */
struct run_sign;
/* The procedure whose distribution the card shows: the risk's top procedure (risk_top, ""
 * when the school has no risk row), else the first of the school's signs v[0..n-1] as
 * run_school_signs gives them; "" when neither. Returns risk_top or v[0].procedure. */
const char *card_top_procedure(const char *risk_top, const struct run_sign *v, size_t n);
#define CARD_HIST_TITLE "Распределение баллов"
#define CARD_HIST_MISSING "Распределение баллов этот анализ не сохранил: оно появится после " \
	"следующего запуска анализа."
#define CARD_HIST_DESC "Доли работ школы по первичному баллу (столбцы) поверх региона (линия); " \
	"пунктир — нижние границы отметок."
/* «Распределение первичных баллов: ВПР, математика, 4 класс, 2021» into out. */
void card_hist_title(struct buf *out, const char *code);
/* The title, then «. Работ в школе: 11, в регионе: 5 432 (на момент анализа).» */
void card_hist_caption(struct buf *out, const char *code, uint64_t school_n, uint64_t all_n);

/* ---- the medalists ---- */
#define CARD_MEDAL_TITLE "Медалисты"
/* «Выпуск 2025 года: 4 медалиста, не подтвердили медаль результатами ЕГЭ — …», the region's
 * share and the test (bold when the share is significantly above the region's). */
void card_medal_latest(struct card_text *t, int year, const struct stat_medal_school *st, double region_rate);
/* «За 2023–2025 годы вместе: …», the same over the years pooled. */
void card_medal_pooled(struct card_text *t, int first, int last, const struct stat_medal_school *st);

/* ---- the teachers ---- */
#define CARD_TEACHERS_TITLE "Учителя в зоне риска"
/* «По этому анализу оценено 5 учителей школы, в зоне риска — 1. Кто именно, видит только
 * сама школа (это её персональные данные).» */
void card_teachers(struct buf *out, long teachers, long listed);

/* ---- the observation ---- */
#define CARD_OBS_TITLE "Наблюдение"
#define CARD_OBS_NCOLS 7
extern const char *const card_obs_columns[CARD_OBS_NCOLS];
struct card_obs {
	size_t observed;          /* sittings with an observer */
	struct stat_obs_school s; /* the comparison (stats/observed.h) */
	struct buf seen;          /* «С наблюдателем: …, 2021 (14.04.2021); ….», then what the
				     acts say: «Наблюдатели отметили нарушения: …, 2021 — …. В
				     остальных актах наблюдателей (2 проведения) нарушений нет.»;
				     empty: none */
	const char *title;        /* «Без наблюдателя результаты выше» when evidence, else NULL */
	struct buf text;          /* the paragraph after (or alone): the evidence, the comparison,
				     or why there is none */
	bool table;               /* the years' table follows (card_obs_row) */
};
/* Fills o from the school's years (model/observed.h observed_school_years). */
void card_obs_of(const struct obsd_year *y, size_t n, struct card_obs *o);
void card_obs_free(struct card_obs *o);
/* A year's cells (each CARD_CELL bytes); false for a year the table leaves out (its series
 * has no years of the other kind). */
#define CARD_CELL 200
bool card_obs_row(const struct obsd_year *y, char cells[CARD_OBS_NCOLS][CARD_CELL]);

/* ---- the history over analyses ---- */
#define CARD_HISTORY_TITLE "История по анализам"
#define CARD_HISTORY_NCOLS 5
extern const char *const card_history_columns[CARD_HISTORY_NCOLS];

#endif
