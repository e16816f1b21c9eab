/* stats/cfg: default thresholds and the shared completion of z-statistics. */
#include "stats/cfg.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "stats/tests.h"

void stat_cfg_default(struct stat_cfg *c)
{
	*c = (struct stat_cfg){
		.z = 1.96,
		.min_n_mean = 2,
		.min_n_journal = 3,
		.cohort_iqr = 3,
		.min_n_cohort = 1,
		.gap_marks = 2,
		.share2_rise = 0.10,
		.min_n_share2 = 10,
		.min_n_peak = 20,
		.min_peak_count = 3,
		.min_n_group = 10,
		.min_null = 30,
		.q = 0.05,
		.max_rho = 0.5,
		.twins_sample = 50000,
	};
	stat_bunch_opts_default(&c->bunch);
	c->school_below = 2;
	c->school_above = 2;
	c->pool_below = 3;
	c->pool_above = 1;
	c->pool_tilt = true;
	c->twins_guess = true;
	c->pool_journal = 0.5;
	c->pool_culture = 1;
}

size_t stat_bh_strided(const double *p, size_t pstride, double *q_adj, size_t qstride,
		       size_t n, double q)
{
	double *v = xmalloc((n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = *(const double *)((const char *)p + i * pstride);
	stat_bh_adjust(v, n, v);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		*(double *)((char *)q_adj + i * qstride) = v[i];
		k += !isnan(v[i]) && v[i] <= q;
	}
	free(v);
	return k;
}

void stat_zres_finish(struct stat_zres *r, size_t n, uint32_t min_n, enum stat_tail tail,
		      const struct stat_cfg *cfg, struct stat_znull *nul)
{
	if (nul)
		*nul = (struct stat_znull){0, 0, 1};
	if (n == 0)
		return;
	double *z = xmalloc(n * sizeof *z);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		r[i].z = r[i].zc = r[i].p = r[i].q_adj = NAN;
		if (r[i].n < min_n || !(r[i].var > 0) || r[i].n == 0) {
			r[i].status = STAT_NOT_EVALUABLE;
			continue;
		}
		r[i].z = (r[i].obs - r[i].expct) / sqrt(r[i].var);
		z[m++] = r[i].z;
	}
	struct stat_znull nl = {m, 0, 1};
	stat_empirical_null(z, m, cfg->min_null, &nl.center, &nl.scale);
	for (size_t i = 0; i < n; i++) {
		if (isnan(r[i].z))
			continue;
		r[i].zc = (r[i].z - nl.center) / nl.scale;
		r[i].p = tail == STAT_TAIL_UPPER ? stat_norm_upper(r[i].zc) : stat_norm_lower(r[i].zc);
	}
	stat_bh_strided(&r[0].p, sizeof *r, &r[0].q_adj, sizeof *r, n, cfg->q);
	for (size_t i = 0; i < n; i++)
		if (!isnan(r[i].z))
			r[i].status = r[i].q_adj <= cfg->q ? STAT_FLAG : STAT_OK;
	if (nul)
		*nul = nl;
	free(z);
}
