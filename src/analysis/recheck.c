/* analysis/recheck: the sign recheck_inflated from the experts' re-checks of a procedure's
 * works (docs/methodology-oko.md §8.2). A worker reads the procedure's sampled works
 * through the model (its own connection), keeps the finished ones — check 2 without a
 * significant discrepancy, or check 3 — and computes each school's figures with
 * stats/recheck; signs.c writes the rows of signs.csv, this file adds the risk's evidence
 * and, on the main thread, the run's run_recheck rows. Control checks are never read here:
 * recheck_work_list gives the sampled works only. */
#include <stdlib.h>
#include <string.h>

#include "analysis/job.h"
#include "base/err.h"
#include "base/mem.h"
#include "model/recheck.h"
#include "model/scope.h"

struct rc_one {
	uint32_t school;
	struct rc_outcome o;
};

static int by_school(const void *a, const void *b)
{
	const struct rc_one *x = a, *y = b;
	return x->school < y->school ? -1 : x->school > y->school;
}

int analysis_recheck_load(struct job *r, struct db *d, struct aproc *p)
{
	struct scope all = scope_all();
	struct rc_work *w = NULL;
	size_t nw = 0;
	struct rc_cfg cfg;
	int rc = recheck_cfg_get(d, p->info.id, &cfg);
	if (rc || (rc = recheck_work_list(d, &all, 0, p->info.id, &w, &nw)) || !nw)
		goto out;
	const int *scale = p->has_scale ? p->scale : NULL;
	struct rc_one *one = xmalloc(nw * sizeof *one);
	size_t n = 0;
	for (size_t i = 0; i < nw; i++) {
		const struct rc_work *x = &w[i];
		int64_t s = load_school_index(&r->sc, x->school_id);
		const uint8_t *fin = NULL;
		if (s < 0)
			continue;
		enum rc_state st = rc_state_of(&cfg, scale, x->s1, x->done[0] ? x->s[0] : NULL,
					       x->done[1] ? x->s[1] : NULL, x->npos, &fin);
		if (st != RC_FINAL2 && st != RC_FINAL3)
			continue;
		one[n].school = (uint32_t)s;
		rc_outcome_of(&cfg, scale, x->s1, fin, x->npos, &one[n].o);
		n++;
	}
	qsort(one, n, sizeof *one, by_school);
	struct rc_outcome *o = xmalloc((n ? n : 1) * sizeof *o);
	p->rck = xcalloc(n ? n : 1, sizeof *p->rck);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && one[j].school == one[i].school) {
			o[j - i] = one[j].o;
			j++;
		}
		struct arc_school *a = &p->rck[p->nrck++];
		a->school = one[i].school;
		rc_school_of(o, j - i, &a->f);
		i = j;
	}
	free(o);
	free(one);
out:
	free(w);
	return rc;
}

const struct arc_school *analysis_recheck_of(const struct aproc *p, size_t s)
{
	size_t lo = 0, hi = p->nrck;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->rck[mid].school < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nrck && p->rck[lo].school == s ? &p->rck[lo] : NULL;
}

void analysis_recheck_evidence(struct aproc *p, unsigned mask, int proc)
{
	if (!(mask & (1u << STAT_SIGN_RECHECK_INFLATED)))
		return;
	for (size_t i = 0; i < p->nrck; i++) {
		const struct arc_school *a = &p->rck[i];
		p->ev = xgrow(p->ev, &p->evcap, p->nev + 1, sizeof *p->ev);
		/* A p-value only (STAT_POOL_NONE): combined by Fisher over the school's
		 * procedures within the sign, as twins. */
		p->ev[p->nev++] = (struct stat_evidence){ .school = a->school,
			.sign = STAT_SIGN_RECHECK_INFLATED, .proc = (int16_t)proc, .p = a->f.p,
			.pooled = STAT_POOL_NONE, .n = (uint32_t)a->f.works };
	}
}

int analysis_recheck_store(struct job *r, struct aproc *p)
{
	int rc = 0;
	if (!r->store)
		return 0;
	int64_t run_id = run_writer_id(r->store);
	for (size_t i = 0; i < p->nrck && !rc; i++) {
		const struct arc_school *a = &p->rck[i];
		struct rc_run_row row;
		memset(&row, 0, sizeof row);
		row.school_id = r->sc.s[a->school].id;
		row.procedure_id = p->info.id;
		row.works = a->f.works;
		row.objective = a->f.objective;
		row.up = a->f.up;
		row.down = a->f.down;
		row.mean_delta = a->f.mean_delta;
		row.p = a->f.p;
		row.inflated = a->f.inflated;
		rc = recheck_run_add(r->d, run_id, &row);
	}
	return rc;
}

void analysis_recheck_free(struct aproc *p)
{
	free(p->rck);
	p->rck = NULL;
	p->nrck = 0;
}
