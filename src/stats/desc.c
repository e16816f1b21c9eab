/* stats/desc: mean, sample SD, type-7 quantiles, IQR, histogram moments. */
#include "stats/desc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

double stat_mean(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

double stat_sd(const double *x, size_t n)
{
	if (n < 2)
		return NAN;
	double m = stat_mean(x, n), ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrt(ss / (double)(n - 1));
}

double stat_quantile7_sorted(const double *sorted, size_t n, double p)
{
	if (n == 0 || !(p >= 0 && p <= 1))
		return NAN;
	/* h = (n-1)p; Q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). */
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo >= n - 1)
		return sorted[n - 1];
	return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void stat_sort(double *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof *x, cmp_double);
}

double stat_quantile7(const double *x, size_t n, double p)
{
	if (n == 0)
		return NAN;
	double *c = xmalloc(n * sizeof *c);
	memcpy(c, x, n * sizeof *c);
	stat_sort(c, n);
	double q = stat_quantile7_sorted(c, n, p);
	free(c);
	return q;
}

double stat_iqr(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	double *c = xmalloc(n * sizeof *c);
	memcpy(c, x, n * sizeof *c);
	stat_sort(c, n);
	double r = stat_quantile7_sorted(c, n, 0.75) - stat_quantile7_sorted(c, n, 0.25);
	free(c);
	return r;
}

/* The k-th smallest of x[0..n) (0-based), reordering x so that x[k] holds it, everything
 * before is ≤ and everything after ≥ (Hoare's selection, expected O(n)). */
static double select_kth(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		/* Median of three as the pivot keeps sorted and reversed input linear. */
		size_t mid = lo + (hi - lo) / 2;
		double a = x[lo], b = x[mid], c = x[hi];
		double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break; /* x[k] equals the pivot */
	}
	return x[k];
}

double stat_median_inplace(double *x, size_t n)
{
	/* Type 7 at p = 0.5: the middle element, or the mean of the two middle ones. Selection
	 * instead of a sort: the robust calibration takes medians of every school's z many
	 * times per run. */
	if (n == 0)
		return NAN;
	size_t k = (n - 1) / 2;
	double lo = select_kth(x, n, k);
	if (n % 2)
		return lo;
	double hi = x[k + 1];
	for (size_t i = k + 2; i < n; i++)
		if (x[i] < hi)
			hi = x[i];
	return lo + 0.5 * (hi - lo);
}

struct stat_moments stat_hist_moments64(const uint64_t *c, size_t nv)
{
	struct stat_moments m = {0, NAN, NAN};
	uint64_t s1 = 0;
	for (size_t v = 0; v < nv; v++) {
		m.n += c[v];
		s1 += c[v] * v;
	}
	if (m.n == 0)
		return m;
	m.mean = (double)s1 / (double)m.n;
	if (m.n < 2)
		return m;
	double ss = 0;
	for (size_t v = 0; v < nv; v++)
		if (c[v])
			ss += (double)c[v] * ((double)v - m.mean) * ((double)v - m.mean);
	m.sd = sqrt(ss / (double)(m.n - 1));
	return m;
}

struct stat_moments stat_hist_moments(const uint32_t *c, size_t nv)
{
	struct stat_moments m = {0, NAN, NAN};
	uint64_t s1 = 0;
	for (size_t v = 0; v < nv; v++) {
		m.n += c[v];
		s1 += (uint64_t)c[v] * v;
	}
	if (m.n == 0)
		return m;
	m.mean = (double)s1 / (double)m.n;
	if (m.n < 2)
		return m;
	double ss = 0;
	for (size_t v = 0; v < nv; v++)
		if (c[v])
			ss += (double)c[v] * ((double)v - m.mean) * ((double)v - m.mean);
	m.sd = sqrt(ss / (double)(m.n - 1));
	return m;
}

/* Value of the k-th order statistic (0-based) of a histogram. */
static double hist_order(const uint64_t *c, size_t nv, uint64_t k)
{
	uint64_t cum = 0;
	for (size_t v = 0; v < nv; v++) {
		cum += c[v];
		if (k < cum)
			return (double)v;
	}
	return NAN;
}

double stat_hist_quantile7(const uint64_t *c, size_t nv, double p)
{
	uint64_t n = 0;
	for (size_t v = 0; v < nv; v++)
		n += c[v];
	if (n == 0 || !(p >= 0 && p <= 1))
		return NAN;
	double h = (double)(n - 1) * p;
	uint64_t lo = (uint64_t)floor(h);
	double a = hist_order(c, nv, lo);
	if (lo >= n - 1)
		return a;
	return a + (h - (double)lo) * (hist_order(c, nv, lo + 1) - a);
}

void stat_mean_ci(double mean, double sd, uint64_t n, double z, double *lo, double *hi)
{
	if (n < 2 || isnan(sd)) {
		*lo = *hi = NAN;
		return;
	}
	double half = z * sd / sqrt((double)n);
	*lo = mean - half;
	*hi = mean + half;
}
