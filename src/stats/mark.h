/* mark: the one rule that turns a primary score into a mark 2..5.
 *
 * scale[] holds the lower bounds of marks 3, 4 and 5 (procedure.scale3..5); a score below
 * scale[0] is a 2, from scale[0] a 3, from scale[1] a 4, from scale[2] a 5. A procedure
 * without a scale has no marks: pass scale = NULL and the answer is 0. Pure and inline so
 * that model/ (procedure_mark) and the pure statistics of stats/ use the same boundaries
 * without a call across the data flow. tests/unit/test_mark.c checks the boundaries. */
#ifndef OKO_STATS_MARK_H
#define OKO_STATS_MARK_H

#include <stddef.h>

/* Mark 2..5 of score on scale, or 0 when scale is NULL (no scale, no marks). */
static inline int score_mark(const int *scale, int score)
{
	if (!scale)
		return 0;
	return 2 + (score >= scale[0]) + (score >= scale[1]) + (score >= scale[2]);
}

#endif
