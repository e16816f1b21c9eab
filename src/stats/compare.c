/* stats/compare: one procedure against another the same pupils wrote (see compare.h). */
#include "stats/compare.h"

#include <math.h>
#include <string.h>

#include "base/err.h"

int stat_sign_vpr_dkr(const struct stat_mean_school *v, const struct stat_mean_region *vr,
		      const struct stat_mean_school *d, const struct stat_mean_region *dr,
		      size_t nschools, const struct stat_cfg *cfg, struct stat_znull *nul,
		      struct stat_zres *out)
{
	if (!(vr->sd > 0) || !(dr->sd > 0) || !isfinite(vr->mean) || !isfinite(dr->mean))
		return ERR_INVALID;
	for (size_t s = 0; s < nschools; s++) {
		struct stat_zres *o = &out[s];
		memset(o, 0, sizeof *o);
		o->z = o->zc = o->p = o->q_adj = NAN;
		if (!v[s].n || !d[s].n)
			continue; /* not_evaluable (stat_zres_finish: n 0) */
		o->n = v[s].n < d[s].n ? v[s].n : d[s].n;
		double dv = (v[s].mean - vr->mean) / vr->sd, dd = (d[s].mean - dr->mean) / dr->sd;
		o->obs = dv - dd;
		o->expct = 0;
		o->var = 1.0 / v[s].n + 1.0 / d[s].n;
	}
	stat_zres_finish(out, nschools, cfg->min_n_group, STAT_TAIL_UPPER, cfg, nul);
	return 0;
}
