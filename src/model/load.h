/* model/load: the bridge from the database to the analytics — the schools of a run and
 * one procedure's written works in the column form of stats/proc.h.
 *
 * A run uses one school index space for all its procedures (load_schools: every school of
 * the registry, ordered by login), so that the per-school arrays of different procedures
 * line up for the cohort signs and the risk. load_proc reads one procedure with one range
 * scan of the result table (clustered by procedure and school) and applies the exclusion
 * policy documented in docs/analysis.md:
 * - absent participants are not works (counted in absent);
 * - a row whose primary score is missing or exceeds the procedure's maximum (real MA-4
 *   2021: 21-30 of 20) is excluded and counted in over_max / no_score;
 * - a row whose primary score is within the maximum but a cell exceeds its position's
 *   maximum (RP_SCORE_OVER_MAX) is kept with its primary score for every score-based sign
 *   (as the official method takes each participant's primary score); the offending cells
 *   are read as unreadable (STAT_POS_EMPTY) by the answer-pattern statistics (cells_over);
 * - a "не пройд." cell (SCORE_NOT_TAUGHT) counts 0 like an empty cell (STAT_POS_EMPTY);
 * - an exam mark the results stated (ОГЭ, ГВЭ: result.exam_mark) goes to p->mark, which
 *   exists only for a procedure that has one.
 * Classes are (school, class name) pairs; works without a class share one pseudo-class
 * per school. Each connection is used by one thread only: parallel loads open their own. */
#ifndef OKO_MODEL_LOAD_H
#define OKO_MODEL_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/result.h"
#include "stats/proc.h"

struct load_school {
	int64_t id;
	char *login, *name, *municipality, *kind; /* municipality "" when unknown */
	bool indepth;
};

struct load_schools {
	size_t n;
	struct load_school *s;  /* ordered by login */
	size_t nid;             /* by_id has nid entries */
	uint32_t *by_id;        /* school id -> index + 1, 0 when not a school */
};

/* Reads every school of the registry. Free with load_schools_free(). */
int load_schools(struct db *d, struct load_schools *out);
void load_schools_free(struct load_schools *s);
/* Index of school id, or -1. */
static inline int64_t load_school_index(const struct load_schools *s, int64_t id)
{
	return id >= 0 && (size_t)id < s->nid && s->by_id[id] ? (int64_t)s->by_id[id] - 1 : -1;
}

/* A procedure that has results. */
struct load_procinfo {
	int64_t id;
	char code[40], kind[8], subject[4];
	int year, grade, max_score;
};
/* The procedures with at least one result, ordered by kind, subject, grade, year. *out is
 * malloc'ed (free()). */
int load_procedures(struct db *d, struct load_procinfo **out, size_t *n);

/* What load_proc left out. */
struct load_stats {
	uint64_t rows;       /* result rows read */
	uint64_t absent;     /* absent participants (not works) */
	uint64_t over_max;   /* excluded: primary score above the procedure's maximum */
	uint64_t cells_over; /* kept: rows with a cell above its maximum, cell read as empty */
	uint64_t no_score;   /* excluded: no primary score or a score blob of the wrong size */
	uint64_t marked;     /* excluded: rows the import marked unreliable for the score-based
				signs (an impossible cell, values past the last position, a
				two-part work with one part missing: LOAD_EXCLUDED) */
	uint64_t not_taught; /* cells "не пройд." counted as 0 (works kept) */
	uint64_t works;      /* works loaded */
};

/* Row problems (model/result.h) that leave a work out of every sign: its primary score is not
 * a whole, readable work. */
#define LOAD_EXCLUDED (RP_SCORE_RANGE | RP_EXTRA_CELLS | RP_PARTIAL)

enum {
	LOAD_POS = 1 << 0,   /* load the position cells (needed by the answer-pattern signs) */
	LOAD_CLASS = 1 << 1, /* class ids */
};

/* Loads procedure proc_id into a new struct stat_proc (stat_proc_free() it) with the
 * school indices of sc. Positions are loaded (with LOAD_POS) only when the procedure has
 * positions whose maxima sum to its max_score. ERR_NOTFOUND for an unknown procedure,
 * ERR_INVALID when its max_score is outside 1..STAT_MAX_SCORE. */
int load_proc(struct db *d, const struct load_schools *sc, int64_t proc_id, unsigned flags,
	      struct stat_proc **out, struct load_stats *st);

/* The classes of a load with LOAD_CLASS, by class index: each class's school index and its
 * name as the results wrote it ("" for the pseudo-class of a school's works without one). */
struct load_classes {
	size_t n;
	char (*name)[64];
	uint32_t *school;
};
/* load_proc that also fills *names (load_classes_free() it; left empty on failure). */
int load_proc_classes(struct db *d, const struct load_schools *sc, int64_t proc_id, unsigned flags,
		      struct stat_proc **out, struct load_stats *st, struct load_classes *names);
void load_classes_free(struct load_classes *c);

#endif
