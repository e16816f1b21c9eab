/* stats/tests: tail probabilities, p-value combination and multiple testing.
 *
 * Binomial, Poisson, negative binomial, normal and chi-square tails come from GSL; the
 * beta-binomial tail is computed here from GSL's lnbeta/lnchoose. Upper tails are P(X >= k)
 * (the p-value of "at least this many"), which is what every one-sided test of oko needs.
 * Functions never call GSL outside its domain, so GSL's error handler is not reached. */
#ifndef OKO_STATS_TESTS_H
#define OKO_STATS_TESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* P(X >= k) for X ~ Binomial(n, p). */
double stat_binom_upper(uint64_t k, uint64_t n, double p);
/* P(X <= k) for X ~ Binomial(n, p). */
double stat_binom_lower(uint64_t k, uint64_t n, double p);
/* P(X >= k) for X ~ BetaBinomial(n, a, b), a, b > 0 (exact sum of the upper terms). */
double stat_betabinom_upper(uint64_t k, uint64_t n, double a, double b);
/* The same with the mean/overdispersion parametrisation: E X = n*pi and
 * Var X = n*pi*(1-pi)*(1 + (n-1)*rho); rho = 0 is the binomial. 0 < pi < 1, 0 <= rho < 1. */
double stat_betabinom_upper_rho(uint64_t k, uint64_t n, double pi, double rho);
/* P(X >= k) for X ~ Poisson(mu); 1 when k = 0; for mu = 0, 0 when k > 0. */
double stat_poisson_upper(uint64_t k, double mu);
/* P(X >= k) for a count with mean mu and variance phi*mu (negative binomial, phi > 1;
 * Poisson when phi <= 1). */
double stat_nbinom_upper(uint64_t k, double mu, double phi);
/* Standard normal: P(Z > z), P(Z < z), and the quantile z with P(Z < z) = p. */
double stat_norm_upper(double z);
double stat_norm_lower(double z);
double stat_norm_quantile(double p);
/* The upper tail at x of a standardised variable with skewness g > 0 by the Pearson type III
 * (shifted gamma) distribution with mean 0, variance 1 and that skewness: P(Y >= x) with
 * Y = (G - k) / sqrt(k), G ~ Gamma(k = 4 / g^2, 1); 1 below its lower end -2/g. g <= 0 or
 * tiny: the normal tail. The three-moment approximation of a skewed sum (Pearson 1930). */
double stat_pearson3_upper(double x, double g);

/* Fisher's combination of k independent p-values: P(chi2_{2k} >= -2 sum ln p). NaN p's
 * are skipped; 1 when none is left. p = 0 is taken as the smallest positive double. */
double stat_fisher(const double *p, size_t k);
/* Bonferroni-min combination: min(1, k * min p) over the non-NaN p's (valid under any
 * dependence); 1 when none. *argmin (optional) receives the index of the smallest p or -1. */
double stat_bonferroni_min(const double *p, size_t k, long *argmin);

/* Benjamini-Hochberg adjusted p-values ("q-values" of BH 1995): adj_(i) =
 * min_{j >= i} min(1, m p_(j) / j) over the m non-NaN p's; NaN stays NaN. adj may be p. */
void stat_bh_adjust(const double *p, size_t n, double *adj);
/* The BH rejection set at level q: rej[i] = (adj_i <= q). Returns the number rejected. */
size_t stat_bh_reject(const double *p, size_t n, double q, bool *rej);

/* Empirical null of Efron (2004) for z-scores of many schools: center = median, scale =
 * max(1, 1.4826 * MAD) over the non-NaN z's. With fewer than min_n values the theoretical
 * null (0, 1) is returned. Standardise with (z - center) / scale. */
void stat_empirical_null(const double *z, size_t n, size_t min_n, double *center,
			 double *scale);

/* Moment estimate of the intra-school correlation rho of binomial counts: a[s] successes
 * out of m[s] trials in group s around the pooled rate pi = sum a / sum m:
 * rho = (sum (a - m pi)^2 / (pi(1-pi)) - sum m) / sum m(m-1), clipped to [0, max_rho].
 * Groups with m < 2 carry no information on rho and are skipped. 0 when undefined. */
double stat_overdispersion_rho(const uint64_t *a, const uint64_t *m, size_t ngroups,
			       double max_rho);

#endif
