/* stats/rank: average ranks with ties and Spearman's rank correlation.
 *
 * Spearman's rs is the Pearson correlation of average ranks ("tie-corrected"): journal marks
 * take four values, so ties are the rule and the no-ties formula 1 - 6*sum(d^2)/(n(n^2-1))
 * is biased. That classic formula is also given (stat_spearman_classic*) because the
 * official 2019 text prints it; oko flags by the tie-corrected value. Both are NaN ("not
 * evaluable") when n < 2 or either variable is constant. */
#ifndef OKO_STATS_RANK_H
#define OKO_STATS_RANK_H

#include <stddef.h>
#include <stdint.h>

/* Average ranks (1-based; ties get the mean of the ranks they span) of x into r. */
void stat_rank_avg(const double *x, size_t n, double *r);
/* Pearson correlation; NaN when n < 2 or either variable has zero variance. */
double stat_pearson(const double *x, const double *y, size_t n);
/* Spearman rs = Pearson correlation of average ranks; NaN as above. */
double stat_spearman(const double *x, const double *y, size_t n);
/* 1 - 6*sum(d^2)/(n(n^2-1)) with d the differences of average ranks (official formula). */
double stat_spearman_classic(const double *x, const double *y, size_t n);

/* Spearman from a contingency table: c[i*ny + j] observations have the i-th smallest value
 * of x and the j-th smallest value of y (rows and columns in ascending value order; empty
 * rows and columns are allowed). O(nx*ny), no sorting: the per-school form, where x is the
 * journal mark (4 values) and y the primary score. *classic (optional) receives the
 * official no-ties formula on the same average ranks. */
double stat_spearman_table(const uint32_t *c, size_t nx, size_t ny, double *classic);

/* Sorts the pairs (key[i], val[i]) by key, stably (equal keys keep their order); tk and tv
 * are scratch arrays of n. Radix sort: O(8n), the sort of the near-pair hashes and of the
 * p-values of Benjamini–Hochberg (stat_sort_key_double maps a double to a key in its
 * numeric order). */
void stat_sort_u64(uint64_t *key, uint32_t *val, uint64_t *tk, uint32_t *tv, size_t n);
/* A key whose unsigned order is the numeric order of the (non-NaN) double v. */
uint64_t stat_sort_key_double(double v);

#endif
