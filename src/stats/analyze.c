/* stats/analyze: the per-procedure driver and the evidence list for the risk. */
#include "stats/analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

#define ALLOC(n, T) ((T *)xcalloc((n) > 0 ? (n) : 1, sizeof(T)))

void stat_scoring_targets(const struct stat_proc *p, bool *target)
{
	for (int k = 0; k < p->npos && k < STAT_MAX_POS; k++)
		target[k] = p->pos_max[k] >= 2;
}

int stat_analyze(const struct stat_proc *p, const struct stat_cfg *cfg, struct stat_analysis *a)
{
	memset(a, 0, sizeof *a);
	/* Each work's points, summed once by the check for the person fit and the twins. */
	int32_t *pts = p->pos ? xmalloc((p->n ? p->n : 1) * sizeof *pts) : NULL;
	int rc = stat_proc_check_points(p, pts);
	if (rc) {
		free(pts);
		return rc;
	}
	size_t ns = p->nschools, nc = p->class_id ? p->nclasses : 0;
	a->nschools = ns;
	a->nclasses = nc;
	if ((rc = stat_tab_build(p, &a->tab)))
		goto fail;
	a->mean = ALLOC(ns, struct stat_mean_school);
	a->journal = ALLOC(ns, struct stat_journal_school);
	a->marks = ALLOC(ns, struct stat_marks_school);
	a->gap = ALLOC(ns, struct stat_gap_school);
	a->peak = ALLOC(ns * 3, struct stat_peak_school);
	a->bunch = ALLOC(ns, struct stat_bunch_school);
	a->lenient = ALLOC(ns, struct stat_zres);
	a->above = ALLOC(ns, struct stat_zres);
	if ((rc = stat_sign_mean(&a->tab, cfg, &a->mean_r, a->mean)) ||
	    (rc = stat_sign_journal(&a->tab, cfg, a->journal)) ||
	    (rc = stat_marks(&a->tab, a->marks, &a->marks_r)) ||
	    (rc = stat_sign_gap(&a->tab, cfg, &a->gap_r, a->gap)) ||
	    (rc = stat_sign_peak(&a->tab, cfg, a->peak)) ||
	    (rc = stat_sign_bunch(&a->tab, cfg, a->bunch_r, a->bunch)) ||
	    (rc = stat_sign_jcond(&a->tab, STAT_JCOND_JOURNAL, cfg, &a->lenient_null, a->lenient)) ||
	    (rc = stat_sign_jcond(&a->tab, STAT_JCOND_SCORE, cfg, &a->above_null, a->above)))
		goto fail;
	if (nc) {
		a->lenient_class = ALLOC(nc, struct stat_zres);
		a->bunch_class = ALLOC(nc, struct stat_class_bunch);
		if ((rc = stat_lenient_classes(p, &a->tab, cfg, &a->lenient_class_null, a->lenient_class)) ||
		    (rc = stat_bunch_classes(p, a->bunch_r, a->bunch_class)))
			goto fail;
	}
	if (!p->pos)
		return 0; /* pts is NULL */
	a->hard = ALLOC(ns, struct stat_zres);
	a->prof = ALLOC(ns, struct stat_profile_group);
	a->fit = ALLOC(ns, struct stat_zres);
	a->twins = ALLOC(ns, struct stat_twins_group);
	a->scoring = ALLOC(ns, struct stat_zres);
	bool target[STAT_MAX_POS];
	stat_scoring_targets(p, target);
	if (nc) {
		a->hard_class = ALLOC(nc, struct stat_zres);
		a->prof_class = ALLOC(nc, struct stat_profile_group);
		a->fit_class = ALLOC(nc, struct stat_zres);
		a->twins_class = ALLOC(nc, struct stat_twins_group);
		a->scoring_class = ALLOC(nc, struct stat_zres);
	}
	/* Schools and classes from one pass over the positions per statistic; hard_help,
	 * difficulty_inverted and lenient_scoring from one pass together. */
	struct stat_grouping g[2] = {{p->school, ns}, {p->class_id, nc}};
	int ng = nc ? 2 : 1;
	if ((rc = stat_profile_multi(p, g, ng, cfg,
				     (struct stat_profile_region *[]){&a->prof_r, &a->prof_class_r},
				     (struct stat_zres *[]){a->hard, a->hard_class},
				     (struct stat_profile_group *[]){a->prof, a->prof_class}, target,
				     (struct stat_znull *[]){&a->scoring_null, &a->scoring_class_null},
				     (struct stat_zres *[]){a->scoring, a->scoring_class})) ||
	    (rc = stat_personfit_multi(p, g, ng, cfg,
				       (struct stat_fit_region *[]){&a->fit_r, &a->fit_class_r},
				       (struct stat_zres *[]){a->fit, a->fit_class}, NULL, pts)))
		goto fail;
	if ((rc = stat_twins(p, cfg, &a->twins_r, a->twins_class, a->twins, pts)))
		goto fail;
	free(pts);
	return 0;
fail:
	free(pts);
	stat_analysis_free(a);
	return rc;
}

void stat_analysis_free(struct stat_analysis *a)
{
	stat_tab_free(&a->tab);
	free(a->mean);
	free(a->journal);
	free(a->marks);
	free(a->gap);
	free(a->peak);
	free(a->bunch);
	free(a->lenient);
	free(a->above);
	free(a->hard);
	free(a->prof);
	free(a->hard_class);
	free(a->prof_class);
	free(a->scoring);
	free(a->scoring_class);
	free(a->fit);
	free(a->fit_class);
	free(a->twins);
	free(a->twins_class);
	free(a->lenient_class);
	free(a->bunch_class);
	memset(a, 0, sizeof *a);
}

static void push(struct stat_evidence **ev, size_t *nev, size_t *cap, size_t s, int sign,
		 int proc, double p)
{
	if (isnan(p))
		return;
	*ev = xgrow(*ev, cap, *nev + 1, sizeof **ev);
	(*ev)[(*nev)++] = (struct stat_evidence){(uint32_t)s, (int16_t)sign, (int16_t)proc, p,
		STAT_POOL_NONE, 0, 0, 0, 0, 0};
}

/* A pooled entry: the p of the procedure (NaN when the school is too small there) and the
 * sums behind it, oriented so that large obs - expct is suspicious. */
static void push_pooled(struct stat_evidence **ev, size_t *nev, size_t *cap, size_t s, int sign,
			int proc, double p, uint32_t n, double obs, double expct, double var,
			double k3, bool lower, enum stat_pool kind)
{
	if (!n || !(var > 0))
		return;
	*ev = xgrow(*ev, cap, *nev + 1, sizeof **ev);
	(*ev)[(*nev)++] = (struct stat_evidence){(uint32_t)s, (int16_t)sign, (int16_t)proc, p,
		(uint8_t)kind,
		n, lower ? -obs : obs, lower ? -expct : expct, var, lower ? -k3 : k3};
}

static void push_z(struct stat_evidence **ev, size_t *nev, size_t *cap, size_t s, int sign,
		   int proc, const struct stat_zres *z, bool lower)
{
	push_pooled(ev, nev, cap, s, sign, proc, z->p, z->n, z->obs, z->expct, z->var, z->k3, lower,
		    STAT_POOL_CENTERED);
}

void stat_evidence_add(const struct stat_analysis *a, unsigned mask, int proc,
		       struct stat_evidence **ev, size_t *nev, size_t *cap)
{
	for (size_t s = 0; s < a->nschools; s++) {
		if ((mask & (1u << STAT_SIGN_BOUNDARY_BUNCHING)) && a->bunch) {
			const struct stat_bunch_school *b = &a->bunch[s];
			if (b->nwin)
				push_pooled(ev, nev, cap, s, STAT_SIGN_BOUNDARY_BUNCHING, proc, b->p, b->nwin,
					    b->obs, b->expct, b->var, b->k3, false, STAT_POOL_ABSOLUTE);
			else
				push(ev, nev, cap, s, STAT_SIGN_BOUNDARY_BUNCHING, proc, b->p);
		}
		if ((mask & (1u << STAT_SIGN_JOURNAL_LENIENT)) && a->lenient)
			push_z(ev, nev, cap, s, STAT_SIGN_JOURNAL_LENIENT, proc, &a->lenient[s], false);
		if ((mask & (1u << STAT_SIGN_SCORE_ABOVE_JOURNAL)) && a->above)
			push_z(ev, nev, cap, s, STAT_SIGN_SCORE_ABOVE_JOURNAL, proc, &a->above[s], false);
		if ((mask & (1u << STAT_SIGN_JOURNAL_GAP)) && a->gap)
			push(ev, nev, cap, s, STAT_SIGN_JOURNAL_GAP, proc, a->gap[s].p);
		if ((mask & (1u << STAT_SIGN_HARD_HELP)) && a->hard)
			push_z(ev, nev, cap, s, STAT_SIGN_HARD_HELP, proc, &a->hard[s], false);
		if ((mask & (1u << STAT_SIGN_LENIENT_SCORING)) && a->scoring)
			push_z(ev, nev, cap, s, STAT_SIGN_LENIENT_SCORING, proc, &a->scoring[s], false);
		if ((mask & (1u << STAT_SIGN_PERSON_FIT)) && a->fit)
			push_z(ev, nev, cap, s, STAT_SIGN_PERSON_FIT, proc, &a->fit[s], true);
		if ((mask & (1u << STAT_SIGN_TWINS)) && a->twins)
			push(ev, nev, cap, s, STAT_SIGN_TWINS, proc, a->twins[s].p);
	}
}
