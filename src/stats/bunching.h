/* stats/bunching: excess mass of primary scores at mark boundaries.
 *
 * Pupils pushed over a mark boundary leave a hole just below it and a heap at it. Three
 * tools, all usable on a histogram alone (counts per score, as regional reports publish):
 *
 * 1. stat_bunch_excess: regional/municipal excess mass (Chetty et al. 2011; Kleven 2016).
 *    A polynomial counterfactual is fitted to the counts outside the windows around all
 *    boundaries; for boundary b with window lo..hi (lo = b - below, hi = b + above - 1) the
 *    excess is B = sum_{v=b..hi} (c_v - cf_v) and the missing mass M = sum_{v=lo..b-1}
 *    (cf_v - c_v). By default the polynomial models log counts (a Poisson regression fitted
 *    by IRLS): score distributions are bell-shaped and the windows of a short scale (6/10/14
 *    of 20) hide most of the bell, which a polynomial in the counts themselves cannot
 *    bridge; STAT_LINK_IDENTITY is Chetty's least squares on counts. The interval is a
 *    bootstrap percentile interval, refitting on each replicate: either Chetty's residual
 *    bootstrap (every bin gets a resampled residual; Pearson residuals scaled by sqrt(mu)
 *    under the log link) or a multinomial bootstrap of the pupils.
 * 2. stat_bunch_test: a school's count at b..b+above-1 among its window counts against
 *    the expected share pi0 (from the regional counterfactual), exactly by the binomial and
 *    by the beta-binomial with between-school overdispersion rho.
 * 3. stat_frandsen: the discrete density test of Frandsen (2017), one-sided.
 *
 * Formulas and defaults: docs/methodology-oko.md §5. */
#ifndef OKO_STATS_BUNCHING_H
#define OKO_STATS_BUNCHING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum stat_boot {
	STAT_BOOT_RESIDUAL = 0,    /* Chetty et al. (2011): resample fit residuals */
	STAT_BOOT_MULTINOMIAL = 1, /* resample pupils: counts ~ Multinomial(N, c/N) */
	/* No resampling: a Wald interval by the delta method, the window counts' variance
	 * plus the fitted counterfactual's (the fit's covariance, scaled by the Pearson
	 * dispersion when it exceeds 1 under the log link, by the residual variance under the
	 * identity link). One fit instead of nboot + 1: for many small histograms
	 * (municipalities). */
	STAT_BOOT_DELTA = 2,
};

enum stat_link {
	STAT_LINK_LOG = 0,      /* log counts are a polynomial (Poisson GLM, IRLS): default */
	STAT_LINK_IDENTITY = 1, /* counts are a polynomial (OLS; Chetty et al. 2011) */
};

struct stat_bunch_opts {
	int degree;   /* polynomial degree (default 4); lowered so that fit bins >= degree + 3 */
	int below;    /* window bins below the boundary (default 2): b-below..b-1 */
	int above;    /* window bins at/above it (default 1): b..b+above-1 */
	int nboot;    /* bootstrap replications (default 1000; 0: no interval; unused by
		       * STAT_BOOT_DELTA) */
	uint64_t seed; /* GSL mt19937 seed (default 20110501): results are reproducible */
	double level; /* interval level (default 0.95) */
	enum stat_boot boot; /* default STAT_BOOT_RESIDUAL */
	enum stat_link link; /* default STAT_LINK_LOG */
	bool screen; /* default true: the log link's bootstrap refits screened, the few that
		      * decide the interval refitted exactly (the same interval, bit for bit,
		      * and several times faster; bunching.c); false: every refit exact */
};

void stat_bunch_opts_default(struct stat_bunch_opts *o);

/* The estimate at one boundary. */
struct stat_bunch_est {
	int b;           /* the boundary (lower bound of a mark) */
	int lo, hi;      /* window used, lo <= b-1 < b <= hi */
	bool ok;         /* false: the window does not fit in the histogram, nothing below set */
	double total;    /* all counts of the histogram */
	double obs_above, cf_above; /* observed and counterfactual counts in b..hi */
	double obs_below, cf_below; /* in lo..b-1 */
	double excess;   /* B = obs_above - cf_above */
	double missing;  /* M = cf_below - obs_below */
	double excess_share; /* B / cf_above: relative heap at the boundary (1 = doubled) */
	double excess_lo, excess_hi;   /* bootstrap interval of B (NaN when nboot = 0) */
	double missing_lo, missing_hi; /* of M */
	double pi_cf;    /* cf_above / (cf_above + cf_below): expected upper share (clamped to
			  * [0.01, 0.99]); the null of stat_bunch_test */
	double pi_obs;   /* obs_above / (obs_above + obs_below), NaN when the window is empty */
};

/* Fits the counterfactual to c[0..nv-1] with the windows of all nb boundaries excluded and
 * fills out[0..nb-1]. cf (optional, nv values) receives the counterfactual curve, degree
 * (optional) the degree used. ERR_INVALID when too few bins remain to fit a line (then all
 * out[i].ok are false). */
int stat_bunch_excess(const double *c, int nv, const int *bounds, int nb,
		      const struct stat_bunch_opts *o, struct stat_bunch_est *out, double *cf,
		      int *degree);

/* The largest histogram stat_bunch_excess_ref takes (scores 0..STAT_BUNCH_MAX_BINS-1). */
#define STAT_BUNCH_MAX_BINS 256

/* The excess mass of a small histogram (a municipality's) against a reference curve ref
 * (the region's counterfactual, nv values): the counterfactual is ref(v) * exp(a
 * polynomial of degree deg <= 3 in v) — for deg = 2 the reference moved and widened or
 * narrowed —, fitted by Poisson maximum likelihood with offset log ref on the bins outside
 * the windows of o (below, above), with the delta-method interval at o->level (as
 * STAT_BOOT_DELTA; o->boot and nboot are not used). Far fewer coefficients than a fit of
 * its own: stable on a few hundred works, and cheap. ERR_INVALID (every out[i].ok false)
 * when too few bins remain or the fit does not converge. */
int stat_bunch_excess_ref(const double *c, const double *ref, int nv, const int *bounds, int nb,
			  int deg, const struct stat_bunch_opts *o, struct stat_bunch_est *out);

/* One school at one boundary. */
struct stat_bunch_test {
	uint64_t a;     /* works in b..b+above-1 */
	uint64_t m;     /* works in the whole window */
	double pi0;     /* expected share of a in m */
	double p_binom; /* P(Binomial(m, pi0) >= a) */
	double p_bb;    /* P(BetaBinomial(m, pi0, rho) >= a) */
};
void stat_bunch_test(uint64_t a, uint64_t m, double pi0, double rho, struct stat_bunch_test *t);

/* Frandsen's (2017) discrete density test, one-sided for a heap at the threshold: under a
 * probability mass function whose curvature is bounded by k (0 <= k < 1), the count at the
 * threshold given the three counts at b-1, b, b+1 is Binomial with success probability at
 * most (1+k)/(3+k) (1/3 for k = 0). Returns P(Binomial(n, (1+k)/(3+k)) >= at). */
double stat_frandsen(uint64_t below, uint64_t at, uint64_t above, double k);

#endif
