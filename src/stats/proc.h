/* stats/proc: one procedure in column form, the only input of the analytics engine.
 *
 * The loader (outside stats/) fills a struct stat_proc with the written works of one
 * procedure (absent participants excluded) as parallel arrays, one element per work; the
 * statistics then run over these arrays in one or two passes. Schools and classes are dense
 * indices chosen by the loader (0..nschools-1, 0..nclasses-1); the loader keeps the mapping
 * back to logins and class names. stats never touches SQL, files or the network.
 *
 * Ownership: stat_proc_new() allocates the struct, stat_proc_reserve() grows the arrays that
 * the columns flags asked for, stat_proc_free() frees the struct and every array. A loader
 * that owns its arrays elsewhere may fill a struct on the stack instead and must then not
 * call stat_proc_free() on it. */
#ifndef OKO_STATS_PROC_H
#define OKO_STATS_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAT_MAX_POS 128    /* positions per procedure (= PROC_MAX_POSITIONS) */
#define STAT_MAX_SCORE 1000 /* largest primary score the engine accepts */

/* Byte values of a position cell besides the points 0..pos_max (= SCORE_X, SCORE_EMPTY). */
enum {
	STAT_POS_X = 255,     /* 'X': not attempted, counts as 0 points */
	STAT_POS_EMPTY = 254, /* empty cell, counts as 0 points */
};

/* Which optional columns stat_proc_new() allocates. */
enum {
	STAT_COL_CLASS = 1 << 0,   /* class_id */
	STAT_COL_JOURNAL = 1 << 1, /* journal */
	STAT_COL_POS = 1 << 2,     /* pos */
};

/* Result of a sign for one school: the three statuses of signs.csv. */
enum stat_status {
	STAT_NOT_EVALUABLE = 0, /* the data do not allow the sign (too few works, constant data) */
	STAT_OK = 1,            /* evaluated, not flagged */
	STAT_FLAG = 2,          /* evaluated and flagged */
};

struct stat_proc {
	char code[40];   /* KIND-YEAR-SUBJECT-GRADE, for messages only */
	char kind[8];
	char subject[4];
	int year, grade;
	int max_score;   /* maximum primary score, 1..STAT_MAX_SCORE */
	bool has_scale;
	int scale[3];    /* lower bounds of marks 3, 4, 5 (when has_scale) */
	int npos;        /* positions, 0..STAT_MAX_POS (0: positions unknown) */
	int pos_max[STAT_MAX_POS];
	char pos_level[STAT_MAX_POS]; /* 'B' basic (Б), 'P' advanced (П), 'H' high (В), 0 unknown */

	size_t n;          /* written works */
	size_t cap;        /* allocated length of the arrays (stat_proc_reserve) */
	size_t nschools;   /* school indices are 0..nschools-1 (schools may have no works) */
	size_t nclasses;   /* class indices are 0..nclasses-1 when class_id is set */
	uint32_t *school;  /* school index per work */
	uint32_t *class_id; /* class index per work, or NULL; a class lies in one school */
	int16_t *score;    /* primary score per work, 0..max_score */
	int8_t *journal;   /* journal mark per work: 0 none, else 2..5; or NULL (no marks) */
	int8_t *mark;      /* the exam mark the results stated per work (ОГЭ, ГВЭ): 0 none,
			    * else 2..5; or NULL (none stated: marks come from the scale). A
			    * loader allocates it (zeroed, cap long) at the first stated mark */
	uint8_t *pos;      /* n*npos position cells, row-major: points 0..pos_max[k],
			    * STAT_POS_X or STAT_POS_EMPTY; or NULL (positions not loaded) */
};

/* A new empty procedure with npos positions and the optional columns of cols
 * (STAT_COL_*); the caller fills the metadata and pushes works after stat_proc_reserve(). */
struct stat_proc *stat_proc_new(int npos, unsigned cols);
/* Grows every allocated column to hold at least cap works (n is unchanged). */
void stat_proc_reserve(struct stat_proc *p, size_t cap);
/* Frees the procedure and its columns; NULL is allowed. */
void stat_proc_free(struct stat_proc *p);

/* Checks every invariant above (ranges of metadata, indices, scores, marks, cells) so that
 * the analysis functions can trust the arrays. ERR_INVALID when something is out of range. */
int stat_proc_check(const struct stat_proc *p);
/* stat_proc_check, and when it passes and p->pos is set, each work's points from its cells
 * into points[0..n) (X and empty count 0; at most max_score, the cells being within their
 * maxima): the row sums that the person fit and the twins would make again (pass them
 * there). points may be NULL; untouched without positions, partly written on ERR_INVALID. */
int stat_proc_check_points(const struct stat_proc *p, int32_t *points);

/* Mark 2..5 for a primary score by the procedure's scale, or 0 when it has none. */
int stat_mark(const struct stat_proc *p, int score);
/* Points of a position cell: STAT_POS_X and STAT_POS_EMPTY count 0. */
static inline int stat_cell_points(uint8_t v)
{
	return v >= STAT_POS_EMPTY ? 0 : v;
}

/* "not_evaluable", "ok" or "flag": the status words of signs.csv. */
const char *stat_status_name(enum stat_status s);

#endif
