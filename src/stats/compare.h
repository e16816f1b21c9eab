/* stats/compare: a school's result in one procedure against its result in another that
 * the same pupils wrote — the ВПР against the region's own diagnostic work (ДКР) of the
 * same subject and cohort (docs/methodology-oko.md §5.6, sign vpr_above_dkr).
 *
 * Each procedure is put on one scale by the region: d = (x̄ − X̄) / S, the school's mean
 * primary score x̄ against the region's mean X̄ and sample SD S of that procedure (from
 * stat_sign_mean). A school whose ВПР stands much higher in the region than its ДКР does
 * is suspicious when the ДКР is the better-controlled work. obs = d_vpr − d_dkr, expct 0,
 * var = 1/n_vpr + 1/n_dkr (the sampling variance of two standardised means of
 * independent-looking samples, each of variance 1 on that scale); z, the empirical null,
 * p (upper tail) and the BH flag by stat_zres_finish with n = min(n_vpr, n_dkr) and
 * cfg->min_n_group. Pure: no SQL, no I/O. */
#ifndef OKO_STATS_COMPARE_H
#define OKO_STATS_COMPARE_H

#include <stddef.h>

#include "stats/cfg.h"
#include "stats/signs.h"

/* v, d: per school (nschools) from stat_sign_mean of the ВПР and of the ДКР (the same
 * school index space); vr, dr: the regions. out[nschools]; nul (optional) gets the null.
 * ERR_INVALID when a region has no spread. */
int stat_sign_vpr_dkr(const struct stat_mean_school *v, const struct stat_mean_region *vr,
		      const struct stat_mean_school *d, const struct stat_mean_region *dr,
		      size_t nschools, const struct stat_cfg *cfg, struct stat_znull *nul,
		      struct stat_zres *out);

#endif
