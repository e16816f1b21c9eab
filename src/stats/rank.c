/* stats/rank: average ranks, Pearson and Spearman correlation, Spearman from counts. */
#include "stats/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

struct ix {
	double v;
	size_t i;
};

static int cmp_ix(const void *a, const void *b)
{
	const struct ix *x = a, *y = b;
	if (x->v != y->v)
		return (x->v > y->v) - (x->v < y->v);
	return (x->i > y->i) - (x->i < y->i);
}

void stat_rank_avg(const double *x, size_t n, double *r)
{
	struct ix *a = xmalloc((n ? n : 1) * sizeof *a);
	for (size_t i = 0; i < n; i++)
		a[i] = (struct ix){x[i], i};
	qsort(a, n, sizeof *a, cmp_ix);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && a[j].v == a[i].v)
			j++;
		/* Positions i..j-1 (0-based) share the ranks i+1..j: their mean is (i+1+j)/2. */
		double avg = ((double)(i + 1) + (double)j) / 2.0;
		for (size_t k = i; k < j; k++)
			r[a[k].i] = avg;
		i = j;
	}
	free(a);
}

double stat_pearson(const double *x, const double *y, size_t n)
{
	if (n < 2)
		return NAN;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxy = 0, sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxy += dx * dy;
		sxx += dx * dx;
		syy += dy * dy;
	}
	if (!(sxx > 0) || !(syy > 0))
		return NAN;
	double r = sxy / sqrt(sxx * syy);
	return r > 1 ? 1 : r < -1 ? -1 : r;
}

/* Ranks of both variables, or 0 when n < 2. */
static int ranks2(const double *x, const double *y, size_t n, double **rx, double **ry)
{
	if (n < 2)
		return 0;
	*rx = xmalloc(n * sizeof **rx);
	*ry = xmalloc(n * sizeof **ry);
	stat_rank_avg(x, n, *rx);
	stat_rank_avg(y, n, *ry);
	return 1;
}

double stat_spearman(const double *x, const double *y, size_t n)
{
	double *rx = NULL, *ry = NULL;
	if (!ranks2(x, y, n, &rx, &ry))
		return NAN;
	double r = stat_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return r;
}

/* NaN when a variable is constant (all ranks equal), as for the Pearson form. */
static int constant(const double *r, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (r[i] != r[0])
			return 0;
	return 1;
}

double stat_spearman_classic(const double *x, const double *y, size_t n)
{
	double *rx = NULL, *ry = NULL;
	if (!ranks2(x, y, n, &rx, &ry))
		return NAN;
	double r = NAN;
	if (!constant(rx, n) && !constant(ry, n)) {
		double d2 = 0;
		for (size_t i = 0; i < n; i++)
			d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
		double nn = (double)n;
		r = 1 - 6 * d2 / (nn * (nn * nn - 1));
	}
	free(rx);
	free(ry);
	return r;
}

/* Centred average ranks of the categories from their totals: R_i - (n+1)/2. */
static void table_ranks(const uint64_t *tot, size_t k, uint64_t n, double *r)
{
	uint64_t before = 0;
	double mid = ((double)n + 1) / 2;
	for (size_t i = 0; i < k; i++) {
		r[i] = (double)before + ((double)tot[i] + 1) / 2 - mid;
		before += tot[i];
	}
}

double stat_spearman_table(const uint32_t *c, size_t nx, size_t ny, double *classic)
{
	if (classic)
		*classic = NAN;
	uint64_t *tx = xcalloc(nx + ny, sizeof *tx), *ty = tx + nx;
	double *rx = xmalloc((nx + ny) * sizeof *rx), *ry = rx + nx;
	uint64_t n = 0;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++) {
			tx[i] += c[i * ny + j];
			ty[j] += c[i * ny + j];
			n += c[i * ny + j];
		}
	double rs = NAN;
	size_t kx = 0, ky = 0; /* non-empty categories */
	for (size_t i = 0; i < nx; i++)
		kx += tx[i] > 0;
	for (size_t j = 0; j < ny; j++)
		ky += ty[j] > 0;
	if (n < 2 || kx < 2 || ky < 2)
		goto out;
	table_ranks(tx, nx, n, rx);
	table_ranks(ty, ny, n, ry);
	double sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < nx; i++)
		sxx += (double)tx[i] * rx[i] * rx[i];
	for (size_t j = 0; j < ny; j++)
		syy += (double)ty[j] * ry[j] * ry[j];
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			if (c[i * ny + j])
				sxy += (double)c[i * ny + j] * rx[i] * ry[j];
	rs = sxy / sqrt(sxx * syy);
	rs = rs > 1 ? 1 : rs < -1 ? -1 : rs;
	if (classic) {
		/* sum d^2 = sum (rx - ry)^2 over observations; the centring cancels. */
		double d2 = sxx + syy - 2 * sxy, nn = (double)n;
		*classic = 1 - 6 * d2 / (nn * (nn * nn - 1));
	}
out:
	free(tx);
	free(rx);
	return rs;
}

/* LSD radix sort, 8 bits per pass: the eight byte histograms in one read of the keys, a
 * pass skipped when every key has the same byte, the data moving between the arrays and
 * their scratch twins (one copy at the end when it stops in the scratch ones). */
void stat_sort_u64(uint64_t *key, uint32_t *val, uint64_t *tk, uint32_t *tv, size_t n)
{
	if (n < 2)
		return;
	size_t (*count)[256] = xcalloc(8, sizeof *count);
	for (size_t i = 0; i < n; i++) {
		uint64_t k = key[i];
		for (int b = 0; b < 8; b++)
			count[b][(k >> (8 * b)) & 255]++;
	}
	uint64_t *ka = key, *kb = tk;
	uint32_t *va = val, *vb = tv;
	for (int b = 0; b < 8; b++) {
		size_t *c = count[b];
		int shift = 8 * b;
		if (c[(key[0] >> shift) & 255] == n)
			continue; /* every key has this byte: the pass would not move anything */
		size_t sum = 0;
		for (int d = 0; d < 256; d++) {
			size_t x = c[d];
			c[d] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++) {
			size_t at = c[(ka[i] >> shift) & 255]++;
			kb[at] = ka[i];
			vb[at] = va[i];
		}
		uint64_t *tk2 = ka;
		uint32_t *tv2 = va;
		ka = kb;
		va = vb;
		kb = tk2;
		vb = tv2;
	}
	if (ka != key) {
		memcpy(key, ka, n * sizeof *key);
		memcpy(val, va, n * sizeof *val);
	}
	free(count);
}

uint64_t stat_sort_key_double(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return u >> 63 ? ~u : u | 0x8000000000000000ULL;
}
