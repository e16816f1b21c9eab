/* stats/tests: tail probabilities (GSL and our beta-binomial), Fisher and Bonferroni
 * combinations, Benjamini-Hochberg, Efron's empirical null, overdispersion. */
#include "stats/tests.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "base/mem.h"
#include "stats/desc.h"
#include "stats/rank.h"

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

double stat_binom_upper(uint64_t k, uint64_t n, double p)
{
	if (k == 0)
		return 1;
	if (k > n)
		return 0;
	if (p <= 0)
		return 0;
	if (p >= 1)
		return 1;
	/* gsl_cdf_binomial_Q(k-1) = P(X > k-1) = P(X >= k). */
	return clamp01(gsl_cdf_binomial_Q((unsigned)(k - 1), p, (unsigned)n));
}

double stat_binom_lower(uint64_t k, uint64_t n, double p)
{
	if (k >= n)
		return 1;
	if (p <= 0)
		return 1;
	if (p >= 1)
		return 0;
	return clamp01(gsl_cdf_binomial_P((unsigned)k, p, (unsigned)n));
}

double stat_betabinom_upper(uint64_t k, uint64_t n, double a, double b)
{
	if (k == 0)
		return 1;
	if (k > n)
		return 0;
	/* P(X = x) = C(n,x) B(x+a, n-x+b) / B(a,b). Sum the upper terms in log space from the
	 * largest term so that tiny tails keep their precision. */
	double lb = gsl_sf_lnbeta(a, b);
	size_t cnt = (size_t)(n - k + 1);
	double *lt = xmalloc(cnt * sizeof *lt), mx = -INFINITY;
	for (uint64_t x = k; x <= n; x++) {
		double l = gsl_sf_lnchoose((unsigned)n, (unsigned)x) +
			   gsl_sf_lnbeta((double)x + a, (double)(n - x) + b) - lb;
		lt[x - k] = l;
		if (l > mx)
			mx = l;
	}
	double s = 0;
	for (size_t i = 0; i < cnt; i++)
		s += exp(lt[i] - mx);
	free(lt);
	return clamp01(exp(mx) * s);
}

double stat_betabinom_upper_rho(uint64_t k, uint64_t n, double pi, double rho)
{
	if (pi <= 0)
		return k == 0 ? 1 : 0;
	if (pi >= 1)
		return k <= n ? 1 : 0;
	if (rho <= 1e-12)
		return stat_binom_upper(k, n, pi);
	/* alpha + beta = (1 - rho) / rho gives Var = n pi (1-pi) (1 + (n-1) rho). */
	double s = (1 - rho) / rho;
	return stat_betabinom_upper(k, n, pi * s, (1 - pi) * s);
}

double stat_poisson_upper(uint64_t k, double mu)
{
	if (k == 0)
		return 1;
	if (!(mu > 0))
		return 0;
	return clamp01(gsl_cdf_poisson_Q((unsigned)(k - 1), mu));
}

double stat_nbinom_upper(uint64_t k, double mu, double phi)
{
	if (k == 0)
		return 1;
	if (!(mu > 0))
		return 0;
	if (!(phi > 1 + 1e-9))
		return stat_poisson_upper(k, mu);
	/* GSL's NB(p, n) counts failures before the n-th success: mean n(1-p)/p and variance
	 * n(1-p)/p^2, so p = 1/phi and n = mu/(phi-1) give mean mu and variance phi*mu. */
	return clamp01(gsl_cdf_negative_binomial_Q((unsigned)(k - 1), 1 / phi, mu / (phi - 1)));
}

double stat_norm_upper(double z)
{
	return gsl_cdf_ugaussian_Q(z);
}

double stat_pearson3_upper(double x, double g)
{
	if (!(g > 1e-4))
		return gsl_cdf_ugaussian_Q(x);
	double k = 4 / (g * g), y = k + x * sqrt(k);
	if (y <= 0)
		return 1;
	if (k > 1000) {
		/* Wilson-Hilferty: (G/k)^(1/3) is nearly normal; within 1e-6 (absolute) of the
		 * gamma tail from this k on, and it keeps GSL's incomplete gamma away from its
		 * large-argument limits. */
		double v = 1 / (9 * k);
		return gsl_cdf_ugaussian_Q((cbrt(y / k) - (1 - v)) / sqrt(v));
	}
	return gsl_cdf_gamma_Q(y, k, 1);
}

double stat_norm_lower(double z)
{
	return gsl_cdf_ugaussian_P(z);
}

double stat_norm_quantile(double p)
{
	if (!(p > 0))
		return -INFINITY;
	if (!(p < 1))
		return INFINITY;
	return gsl_cdf_ugaussian_Pinv(p);
}

double stat_fisher(const double *p, size_t k)
{
	double s = 0;
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (isnan(p[i]))
			continue;
		double q = p[i] < DBL_MIN ? DBL_MIN : p[i] > 1 ? 1 : p[i];
		s += -2 * log(q);
		m++;
	}
	if (m == 0)
		return 1;
	return clamp01(gsl_cdf_chisq_Q(s, 2.0 * (double)m));
}

double stat_bonferroni_min(const double *p, size_t k, long *argmin)
{
	double mn = INFINITY;
	size_t m = 0;
	long at = -1;
	for (size_t i = 0; i < k; i++) {
		if (isnan(p[i]))
			continue;
		m++;
		if (p[i] < mn) {
			mn = p[i];
			at = (long)i;
		}
	}
	if (argmin)
		*argmin = at;
	if (m == 0)
		return 1;
	return clamp01(mn * (double)m);
}

/* The p-values are ordered by a stable radix sort of their keys: equal p keep the index
 * order, as a comparison sort on (p, index) would give; it is a sort per sign, procedure
 * and grouping, tens of thousands of values each. */
void stat_bh_adjust(const double *p, size_t n, double *adj)
{
	size_t cap = n ? n : 1;
	uint64_t *key = xmalloc(2 * cap * sizeof *key), *tk = key + cap;
	uint32_t *ix = xmalloc(2 * cap * sizeof *ix), *tv = ix + cap;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i])) {
			key[m] = stat_sort_key_double(p[i]);
			ix[m++] = (uint32_t)i;
		}
	stat_sort_u64(key, ix, tk, tv, m);
	/* Step-up: running minimum from the largest p down. Read every p before writing:
	 * adj may be p. */
	double *ps = xmalloc(cap * sizeof *ps);
	for (size_t r = 0; r < m; r++)
		ps[r] = p[ix[r]];
	for (size_t i = 0; i < n; i++)
		if (isnan(p[i]))
			adj[i] = NAN;
	double run = 1;
	for (size_t r = m; r-- > 0;) {
		double v = ps[r] * (double)m / (double)(r + 1);
		if (v < run)
			run = v;
		adj[ix[r]] = clamp01(run);
	}
	free(key);
	free(ix);
	free(ps);
}

size_t stat_bh_reject(const double *p, size_t n, double q, bool *rej)
{
	double *adj = xmalloc((n ? n : 1) * sizeof *adj);
	stat_bh_adjust(p, n, adj);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		rej[i] = !isnan(adj[i]) && adj[i] <= q;
		k += rej[i];
	}
	free(adj);
	return k;
}

void stat_empirical_null(const double *z, size_t n, size_t min_n, double *center,
			 double *scale)
{
	*center = 0;
	*scale = 1;
	double *v = xmalloc((n ? n : 1) * sizeof *v);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(z[i]))
			v[m++] = z[i];
	if (m >= min_n && m > 0) {
		double med = stat_median_inplace(v, m);
		for (size_t i = 0; i < m; i++)
			v[i] = fabs(v[i] - med);
		double mad = stat_median_inplace(v, m);
		*center = med;
		*scale = fmax(1.0, 1.4826 * mad);
	}
	free(v);
}

double stat_overdispersion_rho(const uint64_t *a, const uint64_t *m, size_t ngroups,
			       double max_rho)
{
	double sa = 0, sm = 0;
	for (size_t s = 0; s < ngroups; s++)
		if (m[s] >= 2) {
			sa += (double)a[s];
			sm += (double)m[s];
		}
	if (sm <= 0)
		return 0;
	double pi = sa / sm;
	if (pi <= 0 || pi >= 1)
		return 0;
	double chi = 0, smm = 0;
	for (size_t s = 0; s < ngroups; s++)
		if (m[s] >= 2) {
			double d = (double)a[s] - (double)m[s] * pi;
			chi += d * d / (pi * (1 - pi));
			smm += (double)m[s] * (double)(m[s] - 1);
		}
	if (smm <= 0)
		return 0;
	double rho = (chi - sm) / smm;
	return rho < 0 ? 0 : rho > max_rho ? max_rho : rho;
}
