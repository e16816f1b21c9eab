/* report/risk_doc: the evidence card of a school in words and as a printed document.
 *
 * - risk_detail_words(): a sign's inputs as the analysis stored them (sign_result.detail,
 *   "key=value;key=value", a boundary's group "b3=10:5/7/2,pi0=0.3,p=0.01") written as
 *   Russian labelled values: «средний балл школы 32,5; стандартное отклонение 10,4; …».
 *   Labels come from a table of the known keys (by sign where a key means different things);
 *   an unknown key gets a generic label and its value, never the raw key.
 * - risk_procedure_words(): a procedure code KIND-YEAR-SUBJECT-GRADE as
 *   «ВПР, математика, 4 класс, 2021» (the code itself when it is not of that form).
 * - risk_number(): a sign's value or threshold in the Russian format with sensible places.
 * - risk_card_doc(): the card as an io/doc.h document for doc_pdf_write(), in the page's
 *   order (web/pages/risk.c, /risk/{login}): the school and the run; the re-check's verdict
 *   with its table per procedure and the works whose scores changed; the risk figures; every
 *   flagged sign with its title, explanation, value, threshold, p and inputs in words; the
 *   distribution of primary scores of the top procedure drawn as a PNG (cairo) with its
 *   caption; the medalists, the teachers in the risk zone (counts), the observation and the
 *   history over analyses — each part only when the page shows it, in the sentences of
 *   report/card_words.h that the page says too.
 * No SQL: the caller reads the run and the parts through model/. */
#ifndef OKO_REPORT_RISK_DOC_H
#define OKO_REPORT_RISK_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "io/doc.h"
#include "model/observed.h"
#include "model/recheck.h"
#include "model/run.h"
#include "stats/medal.h"

/* Appends the words of detail (of the sign with identifier sign) to out; nothing for "". */
void risk_detail_words(struct buf *out, const char *sign, const char *detail);
/* «ВПР, математика, 4 класс, 2021» into out (n bytes); returns out. */
char *risk_procedure_words(char *out, size_t n, const char *code);
/* The sign that gave most of a school's risk as the risk list's downloads name it: its
 * title, then « — ниже своего порога» when it is not one of the school's flags (the page
 * says «больше всего в риск дал признак ниже своего порога»: the card does not show such a
 * sign), and « (procedure in words)» when with_procedure; "" when the run names none. */
void risk_top_sign_words(struct buf *out, const struct run_risk *x, bool with_procedure);
/* The years with official flags as the run stores them («2020 2021») in words: «2020, 2021»
 * into out (n bytes); returns out. */
char *risk_years_words(char *out, size_t n, const char *years);
/* A value: «—» for NaN, an integer as «1 234», else 1 decimal from 10 up, 2 below; returns out. */
char *risk_number(char *out, size_t n, double v);

/* How a sign's value and threshold read: «значение 30,6 при пороге 25,9», or the sign's own
 * words («границ с пиком 2»; threshold NULL: not shown; value NULL: neither is shown, the
 * line's p says it all). unit: how both numbers are written
 * (risk_value_number): as they are, or a share 0..1 as a percent («14,0 %»), or a difference
 * of two shares in percentage points («18,2 п. п.»). */
enum risk_value_unit { RV_PLAIN, RV_PERCENT, RV_POINTS };
struct risk_value_words {
	const char *value, *threshold;
	enum risk_value_unit unit;
};
struct risk_value_words risk_value_words(const char *sign);
/* A sign's value or threshold v written in the unit of its words. */
char *risk_value_number(char *out, size_t n, const struct risk_value_words *w, double v);

/* A work of the school whose score the re-check changed (the page's table under the
 * verdict): its code, the school's and the final primary score and mark (mark 0: none), the
 * difference school − final and the check's state in words. */
struct risk_card_work {
	char code[64];
	int score1, score_final, mark1, mark_final, delta;
	bool objective; /* the school's score stood (within the tolerance) */
	const char *state;
};
/* One procedure of the school's re-check in the run: its row and its changed works (at most
 * the page's number of them; more: how many in all). */
struct risk_card_recheck {
	const struct rc_run_row *row;
	const struct risk_card_work *works;
	size_t nworks;
	long changed; /* all changed works, nworks of them listed */
};
/* The medalists' block: the latest year, and the years pooled when pooled. */
struct risk_card_medal {
	int year;
	struct stat_medal_school st;
	double region_rate;
	bool pooled;
	int first, last;
	struct stat_medal_school pooled_st;
};

/* The card's data. k NULL: the school has no row in the run. The parts after the signs are
 * each left out when empty (NULL, 0), as the page leaves them out. */
struct risk_card {
	const char *school, *municipality, *login;
	const struct run_info *run;
	const struct run_risk *k;
	long ranked;
	const struct run_sign *signs;
	size_t nsigns;
	const struct risk_card_recheck *rechecks; /* the run's re-check of the school */
	size_t nrechecks;
	const char *top;              /* the top procedure's code ("" or NULL: no section) */
	const struct run_hist *hist;  /* its distributions; NULL: the run did not keep them */
	const struct risk_card_medal *medal;
	long teachers, teachers_listed; /* teachers assessed by the run; 0: no block */
	const struct obsd_year *obs;  /* the school's years (model/observed.h) */
	size_t nobs;
	bool has_obs;                 /* the observation was read (the section is shown) */
	const struct run_history *history;
	size_t nhistory;
};
/* A new document of the card (the caller frees it with doc_free). */
struct doc *risk_card_doc(const struct risk_card *c);
/* The school's distribution (columns, shares of its works by primary score) over the run's
 * (a step line) with the marks' lower bounds dashed, as a PNG appended to out (what the page
 * draws as SVG, web/chart.c chart_hist). 0, or ERR_IO. */
int risk_hist_png(const struct run_hist *h, struct buf *out);

/* The risk list as a document, built row by row in the list's order: the title, the run's
 * date in words and its local moment, the territory and what the list holds (filter, e.g.
 * «школы в списке oko или с признаками; по риску»), then a table (место, школа,
 * муниципалитет, риск, признаки официальные / опубликованные критерии / oko, главный
 * признак in words with its procedure). risk_list_doc_end() closes the table and adds the
 * legend; the caller frees the document with doc_free. */
struct doc *risk_list_doc_begin(const struct run_info *run, const char *territory, const char *filter);
void risk_list_doc_row(struct doc *d, const struct run_risk *x);
void risk_list_doc_end(struct doc *d, size_t nrows);

#endif
