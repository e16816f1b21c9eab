/* summary: figures about a territory's schools and results for the home page, a school's
 * card and the API — counts, upload progress per procedure and municipality, a school's
 * results per procedure, and the score distribution of a procedure per school.
 *
 * Conventions: functions return 0 or a negative ERR_*; territory-limited ones take a
 * struct scope (model/scope.h) and see only its schools. Row callbacks get text that is
 * valid only during the call; a callback returning non-zero stops the walk and its value
 * is returned. Figures come from result_pair (migration 002: the rows of each school's
 * latest upload) where the old pages read it, from result where they scanned results. */
#ifndef OKO_SUMMARY_H
#define OKO_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

struct summary_counts {
	long schools;        /* schools of the scope */
	long municipalities; /* distinct known municipalities of those schools */
	long procedures;     /* the region's and everything: every procedure; a municipality's
				and a school's: the procedures its schools have results of */
	long results;        /* result rows of the scope's schools (their latest uploads) */
	long written;        /* of them, works written (the participant was not absent) */
};
int summary_counts(struct db *d, const struct scope *sc, struct summary_counts *out);

/* Upload progress: one row per procedure with results in the scope and municipality of
 * the uploading schools, procedures newest year first, then by code and municipality
 * name. all counts the municipality's schools (for a school's scope: the school). */
struct summary_progress_row {
	const char *procedure;    /* code */
	const char *subject;      /* the procedure's subject code and grade and year, for its title */
	int grade, year;
	const char *municipality; /* «муниципалитет не указан» for schools without one */
	long got;                 /* schools with results */
	long all;                 /* schools of the municipality */
};
typedef int (*summary_progress_fn)(void *ctx, const struct summary_progress_row *r);
/* The counts and the progress at once, from one walk over the current uploads (the home
 * page): *out gets the counts, and fn (when not NULL) each progress row. */
int summary_home(struct db *d, const struct scope *sc, struct summary_counts *out,
		 summary_progress_fn fn, void *ctx);

/* One school's results per procedure, newest year first. */
struct summary_school_result {
	const char *procedure;
	long written, absent;
	double mean;      /* mean primary score; 0 when nobody has one */
	long max_score;   /* the procedure's */
	long problems;    /* rows with a problem marked at import */
	const char *subject; /* the procedure's subject code, grade and year, for its title */
	int grade, year;
};
typedef int (*summary_school_result_fn)(void *ctx, const struct summary_school_result *r);
int summary_school_results(struct db *d, int64_t school_id, summary_school_result_fn fn, void *ctx);

/* A procedure's works in one school of the scope: counts and the distribution of primary
 * scores (scores ascending; absent works carry no score and are not in it). */
struct summary_score_count {
	int score;
	long n;
};
struct summary_school_scores {
	const char *school;   /* login */
	long written, absent;
	double mean;          /* of the scores; 0 when there are none */
	size_t nscores;
	const struct summary_score_count *scores;
};
typedef int (*summary_scores_fn)(void *ctx, const struct summary_school_scores *s);
/* Calls fn for each school of the scope with works of the procedure (by code), by login.
 * An unknown code gives no schools. */
int summary_scores(struct db *d, const struct scope *sc, const char *procedure,
		   summary_scores_fn fn, void *ctx);

/* Result rows stored in the whole database. */
int summary_result_total(struct db *d, int64_t *n);

#endif
