/* The faster paths of the analysis give the same bits as the plain ones: the row sums
 * (src/stats/rowsum.h) against the plain loop — rows of every length up to STAT_MAX_POS
 * with X, empty and out-of-range cells, rows ending at the very end of their data (the
 * padded copy); the boundary tests' memo (stat_bunch_test) against the direct
 * computation, with repeated and colliding inputs; the shared decomposition
 * (src/stats/wls.h) against gsl_multifit_wlinear, bit for bit, on the installed GSL; the
 * screened bootstrap of the excess mass (stat_bunch_opts.screen) against every refit
 * exact, bit for bit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stats/bunching.h"
#include "stats/proc.h"
#include "stats/rowsum.h"
#include "stats/tests.h"
#include "stats/wls.h"

/* A small deterministic generator (xorshift). */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The reference: the loop every statistic had before rowsum.h. */
static bool ref_sums(const int *pmax, const bool *const *mask, int nmask, size_t np,
		     const uint8_t *row, int *total, int *y)
{
	int t = 0, bad = 0;
	for (int m = 0; m < nmask; m++)
		y[m] = 0;
	for (size_t k = 0; k < np; k++) {
		uint8_t v = row[k];
		bool valid = v < STAT_POS_EMPTY;
		bad |= valid && v > pmax[k];
		int x = valid ? v : 0;
		t += x;
		for (int m = 0; m < nmask; m++)
			y[m] += mask[m] && mask[m][k] ? x : 0;
	}
	*total = t;
	return !bad;
}

static void test_rowsum_matches_loop(void **state)
{
	(void)state;
	uint64_t s = 0x6f6b6f;
	enum { ROWS = 40 };
	for (size_t np = 1; np <= STAT_MAX_POS; np++) {
		int pmax[STAT_MAX_POS];
		bool m0[STAT_MAX_POS], m1[STAT_MAX_POS];
		for (size_t k = 0; k < np; k++) {
			pmax[k] = (int)(rnd(&s) % 4);
			m0[k] = rnd(&s) & 1;
			m1[k] = k % 3 == 0;
		}
		const bool *mask[STAT_ROWSUM_MASKS] = {m0, NULL, m1};
		struct stat_rowsum rs;
		stat_rowsum_init(&rs, np, pmax, mask, STAT_ROWSUM_MASKS);
		/* Exactly ROWS rows: the last ones end within 16 bytes of the allocation, which
		 * the address sanitizer watches. */
		uint8_t *data = malloc(ROWS * np);
		for (size_t i = 0; i < ROWS * np; i++) {
			uint64_t r = rnd(&s) % 16;
			size_t k = i % np;
			data[i] = r == 0 ? STAT_POS_X : r == 1 ? STAT_POS_EMPTY
				: r == 2 && i % 7 == 0 ? (uint8_t)(pmax[k] + 1) /* over its maximum */
				: r == 3 && i % 11 == 0 ? 253 : (uint8_t)(rnd(&s) % (unsigned)(pmax[k] + 1));
		}
		const uint8_t *end = data + ROWS * np;
		for (size_t i = 0; i < ROWS; i++) {
			int t1, t2, y1[STAT_ROWSUM_MASKS], y2[STAT_ROWSUM_MASKS];
			bool ok1 = ref_sums(pmax, mask, STAT_ROWSUM_MASKS, np, data + i * np, &t1, y1);
			bool ok2 = stat_row_sums(&rs, data + i * np, end, &t2, y2);
			assert_int_equal(ok1, ok2);
			if (!ok1)
				continue;
			assert_int_equal(t1, t2);
			for (int m = 0; m < STAT_ROWSUM_MASKS; m++)
				assert_int_equal(y1[m], y2[m]);
		}
		free(data);
	}
}

static void test_rowsum_cases(void **state)
{
	(void)state;
	int pmax[20] = {1, 1, 2, 2, 1, 1, 3, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1};
	struct stat_rowsum rs;
	stat_rowsum_init(&rs, 20, pmax, NULL, 0);
	uint8_t row[20] = {1, 0, 2, STAT_POS_X, 1, STAT_POS_EMPTY, 3, 1, 0, 2,
			   1, 1, 1, 2, 1, 1, 1, 2, 1, 1};
	int t;
	assert_true(stat_row_sums(&rs, row, row + 20, &t, NULL));
	assert_int_equal(t, 1 + 2 + 1 + 3 + 1 + 2 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 2 + 1 + 1);
	row[19] = 2; /* the last cell, in the second block, over its maximum */
	assert_false(stat_row_sums(&rs, row, row + 20, &t, NULL));
	row[19] = 1;
	row[0] = 253; /* not taught: not a marker the statistics count as 0 */
	assert_false(stat_row_sums(&rs, row, row + 20, &t, NULL));
}

/* The memo gives what the direct computation gives, for repeated and interleaved inputs. */
static void test_bunch_test_memo(void **state)
{
	(void)state;
	uint64_t s = 12345;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 3000; i++) {
			uint64_t m = 1 + rnd(&s) % 60, a = rnd(&s) % (m + 1);
			double pi0 = (double)(1 + rnd(&s) % 3) / 4, rho = (double)(rnd(&s) % 3) / 50;
			struct stat_bunch_test t;
			stat_bunch_test(a, m, pi0, rho, &t);
			assert_true(t.a == a && t.m == m && t.pi0 == pi0);
			double pb = stat_binom_upper(a, m, pi0), pbb = stat_betabinom_upper_rho(a, m, pi0, rho);
			assert_memory_equal(&t.p_binom, &pb, sizeof pb);
			assert_memory_equal(&t.p_bb, &pbb, sizeof pbb);
		}
	struct stat_bunch_test t;
	stat_bunch_test(3, 0, 0.5, 0.01, &t);
	assert_true(isnan(t.p_binom) && isnan(t.p_bb));
	stat_bunch_test(3, 5, NAN, 0.01, &t);
	assert_true(isnan(t.p_binom) && isnan(t.p_bb));
}

/* Many responses under one design and one set of weights, then other weights: every
 * coefficient as gsl_multifit_wlinear computes it, to the bit. The designs are the
 * bunching fits' (a polynomial basis, 10 to 60 bins, degree 1 to 6) and a random one. */
static void test_wls_matches_gsl(void **state)
{
	(void)state;
	uint64_t s = 777;
	for (int shape = 0; shape < 24; shape++) {
		size_t n = 10 + (size_t)(rnd(&s) % 51), p = 2 + (size_t)(rnd(&s) % 6);
		if (p + 2 > n)
			p = n - 2;
		gsl_matrix *X = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
		gsl_vector *w = gsl_vector_alloc(n), *y = gsl_vector_alloc(n);
		gsl_vector *c1 = gsl_vector_alloc(p), *c2 = gsl_vector_alloc(p);
		gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, p);
		for (size_t i = 0; i < n; i++) {
			double u = shape % 2 ? ((double)i - (double)(n - 1) / 2) / ((double)(n - 1) / 2)
					     : (double)(rnd(&s) % 2001) / 1000 - 1, t = 1;
			for (size_t d = 0; d < p; d++, t *= u)
				gsl_matrix_set(X, i, d, t);
		}
		struct stat_wls wl;
		stat_wls_init(&wl, X);
		for (int wset = 0; wset < 3; wset++) {
			for (size_t i = 0; i < n; i++) /* Poisson-like weights, some tiny, one set all 1 */
				gsl_vector_set(w, i, wset == 2 ? 1.0
						   : i % 9 == 0 ? 1e-10 : (double)(1 + rnd(&s) % 5000) / 7);
			assert_false(stat_wls_has(&wl, w));
			assert_int_equal(stat_wls_decompose(&wl, w), 0);
			assert_true(stat_wls_has(&wl, w));
			for (int r = 0; r < 50; r++) {
				for (size_t i = 0; i < n; i++)
					gsl_vector_set(y, i, (double)(rnd(&s) % 100000) / 313 - 40);
				double chisq;
				assert_int_equal(gsl_multifit_wlinear(X, w, y, c1, cov, &chisq, ws), 0);
				assert_int_equal(stat_wls_solve(&wl, y, c2), 0);
				for (size_t d = 0; d < p; d++) {
					double a = gsl_vector_get(c1, d), b = gsl_vector_get(c2, d);
					assert_memory_equal(&a, &b, sizeof a);
				}
			}
		}
		stat_wls_free(&wl);
		gsl_matrix_free(X);
		gsl_matrix_free(cov);
		gsl_vector_free(w);
		gsl_vector_free(y);
		gsl_vector_free(c1);
		gsl_vector_free(c2);
		gsl_multifit_linear_free(ws);
	}
}


/* Bell-shaped histograms with heaps at the boundaries and holes below them, large and
 * tiny (zeros in the tails), under both bootstraps and several degrees and levels: the
 * screened interval is the exact one, bit for bit. */
static void test_bunch_screen_exact(void **state)
{
	(void)state;
	uint64_t s = 0x5c4ee9;
	for (int k = 0; k < 24; k++) {
		int nv = 12 + (int)(rnd(&s) % 30);
		double c[64], total = k % 4 == 3 ? 60 : 200.0 * (double)(1 + rnd(&s) % 1000);
		double mid = nv * (0.35 + 0.3 * (double)(rnd(&s) % 100) / 100), sd = nv / 5.0;
		int b[3] = { nv / 4, nv / 2, 3 * nv / 4 };
		for (int v = 0; v < nv; v++) {
			double z = (v - mid) / sd;
			c[v] = floor(total * exp(-z * z / 2) / (sd * 2.5066) + (double)(rnd(&s) % 7));
		}
		for (int i = 0; i < 3; i++) {
			double moved = floor(c[b[i] - 1] * (double)(rnd(&s) % 40) / 100);
			c[b[i] - 1] -= moved;
			c[b[i]] += moved;
		}
		struct stat_bunch_opts o;
		stat_bunch_opts_default(&o);
		o.nboot = 150 + (int)(rnd(&s) % 200);
		o.degree = 2 + k % 4;
		o.boot = k % 3 == 2 ? STAT_BOOT_MULTINOMIAL : STAT_BOOT_RESIDUAL;
		o.level = k % 2 ? 0.95 : 0.9;
		o.seed = rnd(&s);
		struct stat_bunch_est e[3], x[3];
		int rs = stat_bunch_excess(c, nv, b, 3, &o, e, NULL, NULL);
		o.screen = false;
		int rx = stat_bunch_excess(c, nv, b, 3, &o, x, NULL, NULL);
		assert_int_equal(rs, rx);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(e[i].ok, x[i].ok);
			assert_memory_equal(&e[i].excess_lo, &x[i].excess_lo, sizeof e[i].excess_lo);
			assert_memory_equal(&e[i].excess_hi, &x[i].excess_hi, sizeof e[i].excess_hi);
			assert_memory_equal(&e[i].missing_lo, &x[i].missing_lo, sizeof e[i].missing_lo);
			assert_memory_equal(&e[i].missing_hi, &x[i].missing_hi, sizeof e[i].missing_hi);
			assert_memory_equal(&e[i].excess, &x[i].excess, sizeof e[i].excess);
			if (e[i].ok && total > 1000)
				assert_true(isfinite(e[i].excess_lo) && e[i].excess_lo < e[i].excess_hi);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rowsum_matches_loop),
		cmocka_unit_test(test_rowsum_cases),
		cmocka_unit_test(test_bunch_test_memo),
		cmocka_unit_test(test_wls_matches_gsl),
		cmocka_unit_test(test_bunch_screen_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
