/* report/notes: the official documents oko fills with real figures (docs/documents.md) —
 * built as io/doc.h documents, written as DOCX or PDF by the caller (docx_write,
 * doc_pdf_write). Every number comes from the database through model/ (the latest analysis
 * run, results, observers, re-checks, plans of measures); numbers in Russian format
 * (decimal comma, thin-space thousands), dates «01 марта 2021 г.», procedures in words
 * («ВПР по математике, 4 класс»), never codes.
 *
 * Kinds:
 *   order         приказ with its appendices (the shape of an order of a municipal
 *                 education authority: organisation, date, number, place, «О …», preamble,
 *                 ПРИКАЗЫВАЮ with numbered points, the responsible persons, the signature;
 *                 appendices with the approval stamp: the plan of measures, the observers'
 *                 lists (specialists, public observers), the coordinators of the plan-graph,
 *                 the plan of addressed help);
 *   info-note     информационная справка on the measures taken: the four columns (measure;
 *                 local specifics; dates; result of the management decisions), or for a
 *                 school the measures addressed to it with what was done;
 *   analytic-note аналитическая справка on a procedure or a campaign: participation, marks
 *                 distribution, понизили/подтвердили/повысили against the journal, schools
 *                 with official signs by sign, the objectivity index and its change from
 *                 last year, oko's risk list with the top evidence, the boundary excess, the
 *                 re-check KPI and the observers' coverage when present, with charts;
 *   plan          the plan of measures as a table (№, мероприятие, срок, ответственный,
 *                 ожидаемый результат), blocks as group rows, with the approval stamp. */
#ifndef OKO_REPORT_NOTES_H
#define OKO_REPORT_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "io/doc.h"
#include "model/scope.h"

enum note_kind { NOTE_ORDER, NOTE_INFO, NOTE_ANALYTIC, NOTE_PLAN, NOTE_KIND_COUNT };
const char *note_kind_id(enum note_kind k);    /* 'order' 'info-note' 'analytic-note' 'plan' */
const char *note_kind_title(enum note_kind k); /* «Приказ», «Информационная справка», … */
int note_kind_parse(const char *s);            /* -1 unknown */

/* What a document is about; 0/NULL/"" when not given. Which are needed depends on the
 * kind (note_build says what is missing in Russian). */
struct note_opts {
	int64_t campaign_id;      /* order, analytic-note (a campaign) */
	const char *procedure;    /* analytic-note (one procedure) */
	int64_t municipality_id;  /* the territory (else the scope's own) */
	const char *school;       /* a school's info-note */
	int year;                 /* the school year (analytic-note, info-note) */
	int64_t plan_id;          /* plan, order (its appendix 1), info-note */
	const char *number;       /* an order's number («136/1»), "" for a blank to fill */
	const char *date;         /* the document's date 'YYYY-MM-DD' (default: today) */
	bool web;                 /* a refusal's advice names the page's fields, not options */
};

/* Builds the document for the scope (a municipal coordinator: its municipality). The
 * caller frees it with doc_free. ERR_INVALID (msg) when something the kind needs is
 * missing or not in the scope; ERR_NOTFOUND (msg) for an unknown campaign, procedure,
 * school or plan. */
int note_build(struct db *d, const struct scope *sc, enum note_kind k, const struct note_opts *o,
	       struct doc **out, char *msg, size_t n);

/* The chart of the analytic note (marks distribution of the procedure, region against the
 * scope), as PNG bytes appended to out; also drawn on pages as SVG by web/chart.c. */
int note_chart_marks(struct db *d, const struct scope *sc, const char *procedure, struct buf *out);

#endif
