/* stats/proc: the column form of a procedure: allocation and validation. */
#include "stats/proc.h"

#include <stdlib.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/mark.h"
#include "stats/rowsum.h"

struct stat_proc *stat_proc_new(int npos, unsigned cols)
{
	struct stat_proc *p = xcalloc(1, sizeof *p);
	p->npos = npos;
	/* Non-NULL markers: reserve() grows exactly the columns that are non-NULL. */
	p->school = xmalloc(sizeof *p->school);
	p->score = xmalloc(sizeof *p->score);
	if (cols & STAT_COL_CLASS)
		p->class_id = xmalloc(sizeof *p->class_id);
	if (cols & STAT_COL_JOURNAL)
		p->journal = xmalloc(sizeof *p->journal);
	if ((cols & STAT_COL_POS) && npos > 0)
		p->pos = xmalloc((size_t)npos);
	return p;
}

void stat_proc_reserve(struct stat_proc *p, size_t cap)
{
	if (cap <= p->cap)
		return;
	p->school = xrealloc(p->school, cap * sizeof *p->school);
	p->score = xrealloc(p->score, cap * sizeof *p->score);
	if (p->class_id)
		p->class_id = xrealloc(p->class_id, cap * sizeof *p->class_id);
	if (p->journal)
		p->journal = xrealloc(p->journal, cap * sizeof *p->journal);
	if (p->mark)
		p->mark = xrealloc(p->mark, cap * sizeof *p->mark);
	if (p->pos)
		p->pos = xrealloc(p->pos, cap * (size_t)p->npos);
	p->cap = cap;
}

void stat_proc_free(struct stat_proc *p)
{
	if (!p)
		return;
	free(p->school);
	free(p->class_id);
	free(p->score);
	free(p->journal);
	free(p->mark);
	free(p->pos);
	free(p);
}

int stat_proc_check(const struct stat_proc *p)
{
	return stat_proc_check_points(p, NULL);
}

int stat_proc_check_points(const struct stat_proc *p, int32_t *points)
{
	if (p->max_score < 1 || p->max_score > STAT_MAX_SCORE || p->npos < 0 ||
	    p->npos > STAT_MAX_POS || p->nschools > UINT32_MAX || p->nclasses > UINT32_MAX)
		return ERR_INVALID;
	if (p->n > 0 && (!p->school || !p->score))
		return ERR_INVALID;
	if (p->has_scale && !(0 < p->scale[0] && p->scale[0] < p->scale[1] &&
			      p->scale[1] < p->scale[2] && p->scale[2] <= p->max_score))
		return ERR_INVALID;
	int sum = 0;
	for (int k = 0; k < p->npos; k++) {
		if (p->pos_max[k] < 0 || p->pos_max[k] >= STAT_POS_EMPTY)
			return ERR_INVALID;
		char l = p->pos_level[k];
		if (l != 0 && l != 'B' && l != 'P' && l != 'H')
			return ERR_INVALID;
		sum += p->pos_max[k];
	}
	if (p->pos && (p->npos == 0 || sum != p->max_score))
		return ERR_INVALID;
	/* The rows branch-free (every work of every procedure passes here): a flag per row,
	 * the cells 16 at a time (stats/rowsum.h). */
	struct stat_rowsum rs;
	size_t np = p->pos ? (size_t)p->npos : 0;
	stat_rowsum_init(&rs, np, p->pos_max, NULL, 0);
	const uint8_t *end = np ? p->pos + p->n * np : NULL;
	for (size_t i = 0; i < p->n; i++) {
		int bad = (p->school[i] >= p->nschools) | (p->score[i] < 0) | (p->score[i] > p->max_score);
		if (p->class_id)
			bad |= p->class_id[i] >= p->nclasses;
		if (p->journal)
			bad |= (p->journal[i] != 0) & ((p->journal[i] < 2) | (p->journal[i] > 5));
		if (p->mark)
			bad |= (p->mark[i] != 0) & ((p->mark[i] < 2) | (p->mark[i] > 5));
		int total;
		if (np && !stat_row_sums(&rs, p->pos + i * np, end, &total, NULL))
			bad = 1;
		if (bad)
			return ERR_INVALID;
		if (np && points)
			points[i] = total;
	}
	return 0;
}

int stat_mark(const struct stat_proc *p, int score)
{
	return score_mark(p->has_scale ? p->scale : NULL, score);
}

const char *stat_status_name(enum stat_status s)
{
	switch (s) {
	case STAT_OK:
		return "ok";
	case STAT_FLAG:
		return "flag";
	case STAT_NOT_EVALUABLE:
		break;
	}
	return "not_evaluable";
}
