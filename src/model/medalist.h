/* model/medalist: medalists of a school and year, the medal thresholds, and the medalists'
 * non-confirmation index (migration 019, docs/medalists.md).
 *
 * A medalist is known by the participant code its ЕГЭ results carry in its school and year
 * (no names). The thresholds of a year are the rows of medal_threshold for that year when
 * it has any, else oko's defaults (the embedded src/model/medal_thresholds.csv) of the
 * latest default year not after it. The index (medal_index) joins each medalist of a year
 * with its ЕГЭ results of that year (procedures of kind EGE, present, with a test score or
 * a mark) and applies stats/medal.h per medalist, per school, per municipality and per
 * region; the schools are tested against their region's rate. medal_index_span pools the
 * years of a span: per school the counts summed over its years, tested against the
 * region's rate of each year (stat_medal_schools_years); one year is medal_index. */
#ifndef OKO_MODEL_MEDALIST_H
#define OKO_MODEL_MEDALIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"
#include "stats/medal.h"

#define MEDAL_CODE_MAX 64    /* a participant code's bytes with its NUL */
#define MEDAL_SOURCE_MAX 400 /* a threshold's source text */
#define MEDAL_NAME_MAX 512   /* a school's or municipality's name */
#define MEDAL_SPAN_YEARS 3   /* the years pooled by default: the latest three (docs/medalists.md) */

/* The medal from a file's or form's text: «медаль»/«0» → 0, «1»/«I»/«I степени» → 1,
 * «2»/«II»/«II степени» → 2; -1 for anything else. */
int medal_parse(const char *text);
/* The medal in words: «медаль», «медаль I степени», «медаль II степени». */
const char *medal_title(int medal);
/* A threshold's subject: a procedure subject code or "*" (any one other subject). */
bool medal_subject_valid(const char *code);
/* The subject in words: «русский язык», «любой другой предмет», … */
const char *medal_subject_title(const char *code);

struct medalist_item {
	int year;
	int64_t school_id;
	char code[MEDAL_CODE_MAX];
	int medal;
};

/* Replaces the medalist lists of every (school, year) the items name by the items; in the
 * caller's transaction. st_replaced (optional) receives the earlier rows removed. */
int medalist_replace(struct db *d, const struct medalist_item *v, size_t n, const char *file,
		     const char *by, long *replaced);

struct medal_threshold {
	int year, medal;
	char subject[STAT_MEDAL_SUBJ];
	int min_score;  /* -1 when the threshold is a mark */
	int min_mark;   /* -1 when it is a score */
	char source[MEDAL_SOURCE_MAX];
};

/* The thresholds in force for a year (stored, else the defaults), ordered by medal and
 * subject; *stored says which. The years of the result are `year`. */
int medal_thresholds(struct db *d, int year, struct medal_threshold **out, size_t *n,
		     bool *stored);
/* oko's defaults, all years. */
int medal_thresholds_default(struct medal_threshold **out, size_t *n, char *msg, size_t msglen);
/* Replaces the stored thresholds of every year the rows name by the rows; n = 0 with
 * year > 0 removes that year's rows (back to the defaults). In the caller's transaction. */
int medal_thresholds_put(struct db *d, int year, const struct medal_threshold *v, size_t n,
			 const char *by);

/* Years with medalists, latest first. */
int medal_years(struct db *d, int **years, size_t *n);

/* One medalist in the index. */
struct medal_pupil {
	size_t school;        /* index into medal_index.schools */
	int year;             /* the graduation year */
	char code[MEDAL_CODE_MAX];
	int medal;
	enum stat_medal_status status;
	char failed[STAT_MEDAL_SUBJ]; /* the failed requirement ("RU", "" the alternatives) */
	char results[160];    /* the ЕГЭ results in words: «русский язык 68; математика 72» */
};

struct medal_school {
	int64_t id, municipality_id, region_id;
	char login[64], name[MEDAL_NAME_MAX], municipality[MEDAL_NAME_MAX];
	bool visible;         /* within the scope asked */
	struct stat_medal_school st;
};

struct medal_area {
	int64_t id;           /* municipality or region */
	char name[MEDAL_NAME_MAX];
	struct stat_medal_total st; /* rate: of the area; schools/significant: of the area */
};

struct medal_index {
	int year;                      /* the span's last year (the year of a single year) */
	int year_from;                 /* the span's first year (= year for a single year) */
	int *years;                    /* the years with medalists in the span, ascending */
	size_t nyears;
	struct medal_school *schools;  /* every school with medalists in the span, by name */
	size_t nschools;
	struct medal_pupil *pupils;    /* by year, school, code */
	size_t npupils;
	struct medal_area *muns;       /* municipalities with visible schools, by name */
	size_t nmuns;
	struct medal_area *regions;    /* regions with visible schools */
	size_t nregions;
	bool thresholds_stored;        /* the (last) year's thresholds are the region's, not defaults */
};

/* The index of a year: computed over every school of each region (the test needs them
 * all), with `visible` marking the schools within sc; municipalities and regions are the
 * ones with a visible school. */
int medal_index(struct db *d, int year, const struct scope *sc, struct medal_index *out);
/* The index over the years from..to pooled (the same over the span's years with medalists;
 * a school's st holds its sums and the pooled test, an area's its sums with the rate of
 * all the years together). */
int medal_index_span(struct db *d, int from, int to, const struct scope *sc,
		     struct medal_index *out);
void medal_index_free(struct medal_index *x);
/* The default span: the latest MEDAL_SPAN_YEARS graduation years up to the latest year with
 * medalists, not before the first year with medalists; *from = *to = 0 when there are none. */
int medal_span_default(struct db *d, int *from, int *to);

/* One school's figures of its latest year with medalists (for its card and the notes):
 * *found false when it has none. */
int medal_school_latest(struct db *d, int64_t school_id, int *year, struct stat_medal_school *st,
			double *region_rate, bool *found);
/* One school's figures pooled over from..to (the school's card); *first and *last receive
 * the first and last year of the span with medalists of the region, *nyears how many of
 * them the school has medalists in; *found false when it has none in the span. */
int medal_school_span(struct db *d, int64_t school_id, int from, int to, int *first, int *last,
		      size_t *nyears, struct stat_medal_school *st, double *region_rate, bool *found);

#endif
