/* measure: plans of measures (планы мероприятий) — plans of the region, a municipality or a
 * school, their blocks (направления) and measures, status notes with evidence files,
 * templates, addressed help from an analysis run, tracking (overdue, execution, whether
 * helped schools left the list), and the requisites documents print (migrations 016, 025;
 * docs/measures.md). All SQL of plans of measures is in measure.c.
 *
 * Conventions:
 * - Not the plan-graph (model/plan.h, «план-график»): here «план» is a plan of measures.
 * - Dates 'YYYY-MM-DD' (MP_DATE_LEN), moments UTC. "Today" is plan_now()'s date.
 * - A measure's status is stored (planned, progress, done, cancelled); overdue is derived:
 *   planned or in progress with a due date before today. Done on time: done with done_on
 *   on or before due (or without a due date).
 * - Scope (model/scope.h): a plan belongs to a territory; a user sees and edits the plans
 *   of its territory (the region every plan of its municipalities and schools, a
 *   municipality its own and its schools', a school its own). A school also sees, and
 *   reports on (status, note, evidence — never the text), every measure addressed to it
 *   (measure.school_id) in any plan.
 * - Templates are data: src/model/measure_templates.csv (embedded), one row per measure:
 *   template,title,level,goal,block,text,term,responsible,expected.
 * - Functions return 0 or a negative ERR_*; those with msg write the Russian reason of
 *   ERR_INVALID / ERR_NOTFOUND there. Lists are malloc'ed arrays: free() them. */
#ifndef OKO_MEASURE_H
#define OKO_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

#define MP_DATE_LEN 11
#define MP_TITLE_MAX 400
#define MP_TEXT_MAX 2000   /* bytes of a measure's text, goal, expected result */
#define MP_SHORT_MAX 300   /* bytes of a term, responsible */
#define MP_NOTE_MAX 2000

enum mp_level { MP_REGION, MP_MUNICIPALITY, MP_SCHOOL };
const char *mp_level_id(enum mp_level l);    /* 'region' | 'municipality' | 'school' */
int mp_level_parse(const char *s);           /* -1 unknown */

enum mp_status { MP_PLANNED, MP_PROGRESS, MP_DONE, MP_CANCELLED };
const char *mp_status_id(enum mp_status s);    /* 'planned' … */
const char *mp_status_title(enum mp_status s); /* «запланировано», «выполняется», «выполнено», «отменено» */
int mp_status_parse(const char *s);            /* the id or the Russian title; -1 unknown */

/* Kinds of addressed help (measure.kind), with their Russian texts. */
enum mp_kind { MP_KIND_NONE, MP_KIND_INTERVIEW, MP_KIND_CONTROL, MP_KIND_RECHECK, MP_KIND_OBSERVERS,
	       MP_KIND_SEMINAR, MP_KIND_COUNT };
const char *mp_kind_id(enum mp_kind k);      /* '' 'interview' 'control' 'recheck' 'observers' 'seminar' */
int mp_kind_parse(const char *s);            /* -1 unknown */
/* The measure's text for a school («Собеседование с руководителем МБОУ «СОШ № 1» по
 * результатам …»), its responsible and expected result, in the seeds' words. */
void mp_kind_text(enum mp_kind k, const char *school_name, const char *procedures, char *text,
		  size_t n);
const char *mp_kind_responsible(enum mp_kind k);
const char *mp_kind_expected(enum mp_kind k);

/* ---- plans ---- */

struct mp_plan {
	int64_t id;
	enum mp_level level;
	int64_t region_id, municipality_id, school_id; /* per level; 0 when not */
	char owner[256];              /* the territory's name (region, municipality or school) */
	char title[MP_TITLE_MAX];
	char goal[MP_TEXT_MAX];
	char period_from[MP_DATE_LEN], period_to[MP_DATE_LEN];
	char template_id[32];
	char approved[MP_SHORT_MAX];
	char created_by[64], created_at[24];
	/* Tracking, as of today: */
	long measures, done, done_on_time, overdue, cancelled;
	double execution;             /* done on time / (measures − cancelled); NaN when none */
};

/* Adds a plan (p->id set). ERR_INVALID (msg) for an empty title, bad dates, a level
 * without its territory. */
int mplan_add(struct db *d, struct mp_plan *p, const char *by, char *msg, size_t n);
/* Updates title, goal, period and approved. */
int mplan_update(struct db *d, const struct mp_plan *p, const char *by, char *msg, size_t n);
int mplan_delete(struct db *d, int64_t plan_id);
/* The plans the scope sees (with their tracking), newest period first. */
int mplan_list(struct db *d, const struct scope *sc, struct mp_plan **out, size_t *n);
int mplan_get(struct db *d, int64_t id, struct mp_plan *out);
/* May the scope see / edit the plan (a school never edits a plan of a municipality). */
bool mplan_in_scope(struct db *d, const struct scope *sc, int64_t plan_id);

/* ---- blocks and measures ---- */

struct mp_block {
	int64_t id, plan_id;
	int pos;
	char title[MP_TITLE_MAX];
};
int mplan_block_add(struct db *d, int64_t plan_id, const char *title, int64_t *id);
int mplan_block_rename(struct db *d, int64_t block_id, const char *title);
/* Deletes a block with its measures. */
int mplan_block_delete(struct db *d, int64_t block_id);
int mplan_blocks(struct db *d, int64_t plan_id, struct mp_block **out, size_t *n);

struct mp_measure {
	int64_t id, plan_id, block_id;
	int pos;                      /* order in the block, from 1 */
	char number[16];              /* «2.3» (block.measure), when listed */
	char text[MP_TEXT_MAX];
	char term[MP_SHORT_MAX];
	char start[MP_DATE_LEN], due[MP_DATE_LEN]; /* "" when none */
	char responsible[MP_SHORT_MAX];
	int64_t responsible_user_id;  /* 0 none */
	char expected[MP_TEXT_MAX];
	/* «Учёт специфики территории» (migration 025): how the measure is carried out in the
	 * territory — the local acts and forums it goes through («Приказ управления образования
	 * о проведении ВПР», «совещание руководителей ОО»), as written; "" when not given. The
	 * information note's second column. Not "note": that is a status note (mp_note). */
	char specifics[MP_TEXT_MAX];
	int64_t school_id;            /* addressed help: the school (0 none) */
	char school[64], school_name[256];
	enum mp_kind kind;
	int64_t run_id;
	char cause[MP_TEXT_MAX];
	enum mp_status status;
	char done_on[MP_DATE_LEN];
	bool overdue;                 /* derived, as of today */
	char updated_by[64], updated_at[24];
	long notes;                   /* status notes */
};
/* Adds a measure at the end of its block (m->id, m->pos set). ERR_INVALID (msg) for an
 * empty text, a bad date, a due date outside any sense (before start). */
int measure_add(struct db *d, struct mp_measure *m, const char *by, char *msg, size_t n);
/* Updates text, term, start, due, responsible, expected, specifics (not the status). */
int measure_update(struct db *d, const struct mp_measure *m, const char *by, char *msg, size_t n);
int measure_delete(struct db *d, int64_t id);
/* Moves a measure up (-1) or down (+1) in its block. */
int measure_move(struct db *d, int64_t id, int dir);
int measure_get(struct db *d, int64_t id, struct mp_measure *out);
/* A plan's measures in block and position order (number filled). */
int measure_list(struct db *d, int64_t plan_id, struct mp_measure **out, size_t *n);
/* The measures addressed to a school (any plan), due date first. */
int measure_of_school(struct db *d, int64_t school_id, struct mp_measure **out, size_t *n);
/* May the scope see the measure: its plan's territory, or a school it is addressed to. */
bool measure_in_scope(struct db *d, const struct scope *sc, int64_t measure_id);
/* May the scope report on it (status, note, evidence): the plan's editors and the school it
 * is addressed to. */
bool measure_may_report(struct db *d, const struct scope *sc, int64_t measure_id);

/* ---- status notes ---- */

struct mp_note {
	int64_t id, measure_id;
	enum mp_status status;
	char note[MP_NOTE_MAX];
	char file_id[33], file_name[256], file_type[16]; /* "" when no file */
	int64_t file_size;
	char at[24], by[160]; /* by: the user's name (the login once the account is gone) */
};
/* Sets a measure's status with a dated note and optionally an evidence file already stored
 * (file_id from scan_store in the evidence directory, see measure_files_dir). done sets
 * done_on to today. */
int measure_report(struct db *d, int64_t measure_id, enum mp_status st, const char *note,
		   const char *file_id, const char *file_name, const char *file_type, int64_t file_size,
		   const char *by, char *msg, size_t n);
/* The same, done on a given day (done_on 'YYYY-MM-DD', not after today; NULL or "": today):
 * a coordinator records a measure done earlier, and the execution counts it by that day.
 * ERR_INVALID (msg) for a bad or future date, or a date with a status other than done. */
int measure_report_on(struct db *d, int64_t measure_id, enum mp_status st, const char *done_on,
		      const char *note, const char *file_id, const char *file_name, const char *file_type,
		      int64_t file_size, const char *by, char *msg, size_t n);
int measure_notes(struct db *d, int64_t measure_id, struct mp_note **out, size_t *n);
int measure_note_get(struct db *d, int64_t note_id, struct mp_note *out);
/* The evidence directory of a database file: "<file>.evidence". */
void measure_files_dir(const char *db_file, char *out, size_t n);

/* ---- templates ---- */

struct mp_template {
	char id[32];
	char title[MP_TITLE_MAX];      /* the plan's title */
	enum mp_level level;           /* the level it is written for */
	char goal[MP_TEXT_MAX];
	int nblocks, nmeasures;
};
/* The templates of measure_templates.csv, in file order. */
int mp_templates(struct mp_template **out, size_t *n);
/* Adds a plan from a template: its blocks and measures (terms as written, due dates from
 * the terms by mp_term_due against p's period), p's level/territory/period/title given by
 * the caller (an empty title takes the template's). */
int mplan_from_template(struct db *d, const char *template_id, struct mp_plan *p, const char *by,
			char *msg, size_t n);

/* The due date a measure's term gives in a plan of the period [period_from, period_to]
 * ('YYYY-MM-DD'), in model/term.c — the one rule for templates and imported plans: the
 * latest of the dates it names — «23.08.2020» or «03 сентября 2019 года» as written, a
 * month («март 2021 г.») its last day, a day or a month without a year («до 23 августа»,
 * «февраль») in its first occurrence within the period (a month's last day, clamped to the
 * period's end; none when the period has no such day) — else, for «в течение …»,
 * «постоянно», «ежемесячно» and the like, the period's end. Returns 1 with due set, 0 with
 * due "" when the term gives no date («по графику», «по мере необходимости»). */
int mp_term_due(const char *term, const char *period_from, const char *period_to, char due[MP_DATE_LEN]);

/* ---- addressed help ---- */

struct mp_help_report {
	long schools;    /* schools listed or officially flagged in the run, in the scope */
	long measures;   /* measures added */
	long skipped;    /* measures already there (same plan, school, kind, run) */
};
/* Adds to the plan, for every school of the plan's own territory (a municipality's plan:
 * its schools, whoever adds the help; a region's plan: the scope's) listed or officially
 * flagged in the run,
 * one measure of each kind in kinds (bits 1 << enum mp_kind) — seminar only where a
 * re-check confirmed over-scoring (run_recheck inflated) — into a block «Адресная помощь
 * школам с признаками необъективности» (created when missing), each with the school, the
 * run and the evidence in words as its cause (the top sign and procedure, official flags,
 * the re-check verdict), due = due (may be ""). In one transaction. */
int measure_help_from_run(struct db *d, const struct scope *sc, int64_t plan_id, int64_t run_id,
			  unsigned kinds, const char *due, const char *by, struct mp_help_report *rep,
			  char *msg, size_t n);

/* ---- tracking ---- */

/* Overdue measures the scope sees (its plans' and, for a school, those addressed to it),
 * due date first, at most limit (0: all). */
int measure_overdue(struct db *d, const struct scope *sc, size_t limit, struct mp_measure **out,
		    size_t *n, long *total);

/* Whether the schools a plan helped left the list: per school addressed by the plan's
 * measures, whether the school was listed or officially flagged in the run that caused
 * the help and whether it still is in the latest run, for the procedures of the latest
 * year after the cause's year. */
struct mp_outcome_school {
	int64_t school_id;
	char school[64], school_name[256];
	int year_before;          /* the latest year of the cause run's flags */
	int year_after;           /* the latest year of the latest run's procedures, 0 none */
	bool flagged_after;       /* listed or officially flagged in year_after */
	bool measured_after;      /* the school has results in year_after */
	long measures, done;
};
struct mp_outcome {
	long helped, measured_after, left, stayed; /* left + stayed = measured_after */
	struct mp_outcome_school *s;
	size_t n;
};
int measure_outcome(struct db *d, int64_t plan_id, struct mp_outcome *out);
void measure_outcome_free(struct mp_outcome *o);

/* ---- requisites of documents ---- */

struct mp_requisite {
	char org[MP_SHORT_MAX];      /* «КОМИТЕТ АДМИНИСТРАЦИИ г. СЛАВГОРОДА … ПО ОБРАЗОВАНИЮ» */
	char place[128];             /* «г. Славгород» */
	char head_position[MP_SHORT_MAX], head_name[128];
};
/* A territory's requisites; when none are stored, defaults from the registry (the
 * territory's name: «Орган управления образованием муниципального образования «…»» or
 * «… региона «…»», a school's own name; place and head empty) and *stored = false. */
int requisite_get(struct db *d, enum mp_level unit, int64_t unit_id, struct mp_requisite *out,
		  bool *stored);
int requisite_put(struct db *d, enum mp_level unit, int64_t unit_id, const struct mp_requisite *r,
		  const char *by);

#endif
