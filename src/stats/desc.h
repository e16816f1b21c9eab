/* stats/desc: descriptive statistics over arrays and integer histograms.
 *
 * Conventions (docs/methodology-oko.md §2): the standard deviation is the sample one (n-1
 * in the denominator), quantiles are Hyndman & Fan type 7 (linear interpolation between
 * order statistics, R's default and numpy's "linear"), IQR = Q75 - Q25 of type 7. Functions
 * return NaN when the statistic is undefined (n = 0, or n < 2 for the SD). */
#ifndef OKO_STATS_DESC_H
#define OKO_STATS_DESC_H

#include <stddef.h>
#include <stdint.h>

/* Arithmetic mean; NaN when n = 0. */
double stat_mean(const double *x, size_t n);
/* Sample standard deviation (n-1); NaN when n < 2. Two passes, so no cancellation. */
double stat_sd(const double *x, size_t n);
/* Type-7 quantile of an ascending array at probability p in [0,1]; NaN when n = 0. */
double stat_quantile7_sorted(const double *sorted, size_t n, double p);
/* Type-7 quantile of an unsorted array (sorts a private copy); NaN when n = 0. */
double stat_quantile7(const double *x, size_t n, double p);
/* Q75 - Q25 of type 7 of an unsorted array; NaN when n = 0. */
double stat_iqr(const double *x, size_t n);
/* Sorts doubles ascending in place (NaN must not occur). */
void stat_sort(double *x, size_t n);
/* Median of an unsorted array, reordering it in place; NaN when n = 0. */
double stat_median_inplace(double *x, size_t n);

/* Moments of an integer histogram: c[v] works have value v, v = 0..nv-1. */
struct stat_moments {
	uint64_t n;
	double mean; /* NaN when n = 0 */
	double sd;   /* sample SD; NaN when n < 2 */
};
/* Mean and sample SD of a histogram of uint32 counts (exact sums, then a second pass). */
struct stat_moments stat_hist_moments(const uint32_t *c, size_t nv);
/* The same for 64-bit counts (regional histograms). */
struct stat_moments stat_hist_moments64(const uint64_t *c, size_t nv);
/* Type-7 quantile of the values of a histogram with 64-bit counts; NaN when empty. */
double stat_hist_quantile7(const uint64_t *c, size_t nv, double p);

/* Confidence interval mean +- z*sd/sqrt(n) of the official inflated-mean rule; both bounds
 * NaN when n < 2. */
void stat_mean_ci(double mean, double sd, uint64_t n, double z, double *lo, double *hi);

#endif
