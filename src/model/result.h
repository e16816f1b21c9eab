/* result: participants and their results, stored compactly.
 *
 * One row per (procedure, participant). The points of all positions are one byte each in a
 * blob (index = position index of the procedure): 0..PROC_MAX_POINTS are points,
 * SCORE_X marks a position not attempted ('X' on the form; counts as 0) and SCORE_EMPTY a
 * cell left empty. 30 million works × 20 positions fit in well under 1 GB this way and
 * load with one range scan per procedure. Problems found at import are kept per row as a
 * bit set so the analytics can include or exclude such rows knowingly. */
#ifndef OKO_RESULT_H
#define OKO_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/procedure.h"

enum {
	SCORE_X = 255,     /* not attempted ("X"/"Х"): a fact, counts as 0 */
	SCORE_EMPTY = 254, /* the cell was empty */
};

/* Row problems kept with a stored result (result.problems). */
enum result_problem {
	RP_TOTAL_MISMATCH = 1 << 0, /* the file's total differs from the sum of positions */
	RP_TOTAL_OVER_MAX = 1 << 1, /* the file's total exceeds the procedure's maximum */
	RP_JOURNAL_INVALID = 1 << 2, /* journal mark not 2..5 (e.g. "ж"); stored as none */
	RP_SCORES_MISSING = 1 << 3,  /* a participant who wrote has empty position cells */
	RP_NOT_PASSED = 1 << 4,      /* "не пройд.": the work was not passed/checked */
	RP_VARIANT_UNKNOWN = 1 << 5, /* variant missing or not a number */
};

struct result {
	int64_t school_id;
	int64_t participant_id;
	const char *class_name; /* NULL when unknown */
	int variant;            /* 0 when unknown */
	int journal_mark;       /* 2..5, or 0 when none */
	bool absent;
	int stated_total;       /* the file's total, or -1 when the file had none */
	unsigned problems;      /* enum result_problem bits */
	int npos;
	uint8_t scores[PROC_MAX_POSITIONS];
};

/* Sum of the points; SCORE_X and SCORE_EMPTY count as 0. */
int result_primary_score(const struct result *r);

/* Finds the participant by (school, year, code) or creates it; a known gender ("м"/"ж")
 * updates the stored one. */
int participant_ensure(struct db *d, int64_t school_id, int year, const char *code,
		       const char *gender, int64_t *id);

/* A prepared writer for many results of one procedure (use inside a transaction). */
struct result_writer;
int result_writer_open(struct db *d, int64_t procedure_id, struct result_writer **out);
/* Inserts or replaces the result of r->participant_id for the procedure. */
int result_writer_put(struct result_writer *w, const struct result *r);
void result_writer_close(struct result_writer *w);

/* Deletes a school's results for a procedure (before storing a corrected upload). Returns
 * the number deleted in *n. */
int result_delete_school(struct db *d, int64_t procedure_id, int64_t school_id, int64_t *n);

#endif
