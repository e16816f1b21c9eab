/* stats/fit: hard-position profile at equal score, lz-type person fit, near-twin pairs. */
#include "stats/fit.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/desc.h"
#include "stats/rank.h"
#include "stats/rowsum.h"
#include "stats/tests.h"

static bool groups_valid(const struct stat_grouping *g, int ng, size_t n)
{
	for (int j = 0; j < ng; j++)
		for (size_t i = 0; i < n; i++)
			if (g[j].of[i] >= g[j].n)
				return false;
	return true;
}

/* Per-work totals in one pass over the cells: t[i] the work's points, y[m][i] its points
 * on the positions of mask m (m < STAT_MASKS; a NULL mask gives no y). ERR_INVALID when a
 * cell exceeds its position's maximum or a total exceeds the procedure's (stats/rowsum.h:
 * the masks as bytes, 16 cells at a time). */
#define STAT_MASKS STAT_ROWSUM_MASKS
static int work_points(const struct stat_proc *p, const bool *const *mask, int32_t *t,
		       int16_t *const *y)
{
	size_t np = (size_t)p->npos;
	struct stat_rowsum rs;
	stat_rowsum_init(&rs, np, p->pos_max, mask, STAT_MASKS);
	const uint8_t *end = p->pos + p->n * np;
	for (size_t i = 0; i < p->n; i++) {
		int tt, ym[STAT_MASKS];
		if (!stat_row_sums(&rs, p->pos + i * np, end, &tt, ym) || tt > p->max_score)
			return ERR_INVALID;
		t[i] = tt;
		for (int m = 0; m < STAT_MASKS; m++)
			if (y[m])
				y[m][i] = (int16_t)ym[m];
	}
	return 0;
}

/* Sums of the obs/expct/var of a z-statistic "points on the target positions (y) against
 * the regional mean at the same score (t)" into z[j][g] for each grouping j (which the
 * caller zeroed), counting works in .n. Two passes: regional moments per score, then each
 * group's expectation. nz statistics (1 or 2: yy[m] into zz[m]; a constant where it is
 * called, so that the loops over them unroll) share the passes, each summed in the order
 * it would be alone. */
static inline __attribute__((always_inline)) void
conditional_sums(const struct stat_proc *p, const struct stat_grouping *gs, int ng,
		 const int32_t *tt, int nz, const int16_t *const *yy,
		 struct stat_zres *const *const *zz)
{
	size_t w = (size_t)p->max_score + 1;
	double *cnt = xcalloc(5 * w, sizeof *cnt), *sy[2] = {cnt + w, cnt + 3 * w},
	       *syy[2] = {cnt + 2 * w, cnt + 4 * w};
	for (size_t i = 0; i < p->n; i++) {
		int t = tt[i];
		cnt[t] += 1;
		for (int m = 0; m < nz; m++) {
			int y = yy[m][i];
			sy[m][t] += y;
			syy[m][t] += (double)y * y;
		}
		for (int j = 0; j < ng; j++) {
			uint32_t gi = gs[j].of[i];
			for (int m = 0; m < nz; m++) {
				struct stat_zres *o = &zz[m][j][gi];
				o->n++;
				o->obs += yy[m][i];
			}
		}
	}
	for (int m = 0; m < nz; m++)
		for (size_t t = 0; t < w; t++)
			if (cnt[t] > 0) {
				sy[m][t] /= cnt[t];
				syy[m][t] = syy[m][t] / cnt[t] - sy[m][t] * sy[m][t];
				if (syy[m][t] < 0)
					syy[m][t] = 0;
			}
	for (size_t i = 0; i < p->n; i++) {
		int t = tt[i];
		for (int j = 0; j < ng; j++) {
			uint32_t gi = gs[j].of[i];
			for (int m = 0; m < nz; m++) {
				struct stat_zres *o = &zz[m][j][gi];
				o->expct += sy[m][t];
				o->var += syy[m][t];
			}
		}
	}
	free(cnt);
}

/* Targets must be a proper part of the work: all positions would give z = 0. */
static bool positions_testable(const struct stat_proc *p, const bool *target)
{
	int nt = 0;
	for (int k = 0; k < p->npos; k++)
		nt += target[k] && p->pos_max[k] > 0;
	return p->pos && nt > 0 && nt < p->npos && p->max_score >= 1 &&
	       p->max_score <= STAT_MAX_SCORE;
}

int stat_profile_positions(const struct stat_proc *p, const uint32_t *group, size_t ngroups,
			   const bool *target, const struct stat_cfg *cfg, struct stat_znull *nul,
			   struct stat_zres *out)
{
	struct stat_grouping g = {group, ngroups};
	memset(out, 0, ngroups * sizeof *out);
	if (positions_testable(p, target)) {
		if (!groups_valid(&g, 1, p->n))
			return ERR_INVALID;
		int32_t *t = xmalloc((p->n ? p->n : 1) * sizeof *t);
		int16_t *y = xmalloc((p->n ? p->n : 1) * sizeof *y);
		int rc = work_points(p, (const bool *[]){target, NULL, NULL}, t,
				     (int16_t *[]){y, NULL, NULL});
		if (!rc)
			conditional_sums(p, &g, 1, t, 1, (const int16_t *const[]){y},
					 (struct stat_zres *const *const[]){&out});
		free(t);
		free(y);
		if (rc)
			return rc;
	}
	stat_zres_finish(out, ngroups, cfg->min_n_group, STAT_TAIL_UPPER, cfg, nul);
	return 0;
}

int stat_profile_multi(const struct stat_proc *p, const struct stat_grouping *g, int ng,
		       const struct stat_cfg *cfg, struct stat_profile_region *const *r,
		       struct stat_zres *const *hard, struct stat_profile_group *const *out,
		       const bool *extra, struct stat_znull *const *extra_nul,
		       struct stat_zres *const *extra_out)
{
	bool target[STAT_MAX_POS] = {false}, basic[STAT_MAX_POS] = {false};
	if (ng < 1 || ng > STAT_MAX_GROUPINGS)
		return ERR_INVALID;
	struct stat_profile_region reg;
	memset(&reg, 0, sizeof reg);
	reg.succ_basic = reg.succ_hard = NAN;
	for (int j = 0; j < ng; j++) {
		for (size_t k = 0; k < g[j].n; k++)
			out[j][k] = (struct stat_profile_group){0, NAN, NAN, STAT_NOT_EVALUABLE};
		memset(hard[j], 0, g[j].n * sizeof *hard[j]);
		if (extra)
			memset(extra_out[j], 0, g[j].n * sizeof *extra_out[j]);
	}
	int maxb = 0, maxh = 0;
	for (int k = 0; k < p->npos && k < STAT_MAX_POS; k++) {
		if (p->pos_level[k] == 'B') {
			reg.nbasic++;
			maxb += p->pos_max[k];
			basic[k] = true;
		} else if (p->pos_level[k] == 'P' || p->pos_level[k] == 'H') {
			reg.nhard++;
			maxh += p->pos_max[k];
			target[k] = true;
		}
	}
	/* Without a known basic and a known hard level every group is not evaluable. */
	bool levels = p->pos && maxb > 0 && maxh > 0;
	bool hard_ok = levels && positions_testable(p, target);
	bool extra_ok = extra && positions_testable(p, extra);
	for (int j = 0; j < ng; j++)
		*r[j] = reg;
	int32_t *t = NULL;
	int16_t *y[STAT_MASKS] = {NULL};
	int rc = 0;
	if (levels || extra_ok) {
		if (!groups_valid(g, ng, p->n))
			return ERR_INVALID;
		size_t n1 = p->n ? p->n : 1;
		t = xmalloc(n1 * sizeof *t);
		for (int m = 0; m < STAT_MASKS; m++)
			y[m] = xmalloc(n1 * sizeof *y[m]);
		if ((rc = work_points(p, (const bool *[]){target, basic, extra_ok ? extra : NULL},
				      t, y)))
			goto out;
		/* Both statistics in the same passes when both are made. */
		const int16_t *ys[2];
		struct stat_zres *const *zs[2];
		int nz = 0;
		if (hard_ok) {
			ys[nz] = y[0];
			zs[nz++] = hard;
		}
		if (extra_ok) {
			ys[nz] = y[2];
			zs[nz++] = extra_out;
		}
		if (nz == 2)
			conditional_sums(p, g, ng, t, 2, ys, zs);
		else if (nz == 1)
			conditional_sums(p, g, ng, t, 1, ys, zs);
	}
	for (int j = 0; j < ng; j++) {
		stat_zres_finish(hard[j], g[j].n, cfg->min_n_group, STAT_TAIL_UPPER, cfg, &r[j]->nul);
		if (extra)
			stat_zres_finish(extra_out[j], g[j].n, cfg->min_n_group, STAT_TAIL_UPPER, cfg,
					 extra_nul[j]);
	}
	if (!levels)
		goto out;
	/* Success rates on basic and hard positions (the published, unconditional view). */
	double rb = 0, rh = 0;
	double *sum[STAT_MAX_GROUPINGS] = {NULL};
	for (int j = 0; j < ng; j++)
		sum[j] = xcalloc(2 * (g[j].n ? g[j].n : 1), sizeof *sum[j]);
	for (size_t i = 0; i < p->n; i++) {
		double b = y[1][i], h = y[0][i];
		for (int j = 0; j < ng; j++) {
			uint32_t gi = g[j].of[i];
			sum[j][2 * gi] += b;
			sum[j][2 * gi + 1] += h;
			out[j][gi].n++;
		}
		rb += b;
		rh += h;
	}
	for (int j = 0; j < ng; j++) {
		struct stat_profile_region *rj = r[j];
		if (p->n) {
			rj->succ_basic = rb / ((double)p->n * maxb);
			rj->succ_hard = rh / ((double)p->n * maxh);
		}
		for (size_t k = 0; k < g[j].n; k++) {
			struct stat_profile_group *o = &out[j][k];
			if (o->n) {
				o->succ_basic = sum[j][2 * k] / ((double)o->n * maxb);
				o->succ_hard = sum[j][2 * k + 1] / ((double)o->n * maxh);
			}
			if (hard[j][k].status == STAT_NOT_EVALUABLE)
				continue;
			bool inv = o->succ_basic < rj->succ_basic && o->succ_hard > rj->succ_hard;
			o->inverted = inv && hard[j][k].status == STAT_FLAG ? STAT_FLAG : STAT_OK;
		}
		free(sum[j]);
	}
out:
	free(t);
	for (int m = 0; m < STAT_MASKS; m++)
		free(y[m]);
	return rc;
}

int stat_profile(const struct stat_proc *p, const uint32_t *group, size_t ngroups,
		 const struct stat_cfg *cfg, struct stat_profile_region *r,
		 struct stat_zres *hard, struct stat_profile_group *out)
{
	struct stat_grouping g = {group, ngroups};
	return stat_profile_multi(p, &g, 1, cfg, &r, &hard, &out, NULL, NULL, NULL);
}

int stat_personfit_multi(const struct stat_proc *p, const struct stat_grouping *g, int ng,
			 const struct stat_cfg *cfg, struct stat_fit_region *const *r,
			 struct stat_zres *const *out, double *lz, const int32_t *points)
{
	int rc = 0;
	size_t w = (size_t)p->max_score + 1;
	size_t *off = NULL;
	uint32_t *cix = NULL, *cnt = NULL, *nt = NULL;
	double *lp = NULL, *et = NULL, *vt = NULL;
	int32_t *tt = NULL;
	if (ng < 1 || ng > STAT_MAX_GROUPINGS)
		return ERR_INVALID;
	struct stat_fit_region reg;
	memset(&reg, 0, sizeof reg);
	reg.mean_lz = reg.sd_lz = NAN;
	for (int j = 0; j < ng; j++) {
		memset(r[j], 0, sizeof *r[j]);
		r[j]->mean_lz = r[j]->sd_lz = NAN;
		memset(out[j], 0, g[j].n * sizeof *out[j]);
	}
	if (lz)
		for (size_t i = 0; i < p->n; i++)
			lz[i] = NAN;
	if (!p->pos || p->npos < 2 || p->max_score < 1 || p->max_score > STAT_MAX_SCORE)
		goto finish;
	if (!groups_valid(g, ng, p->n)) {
		rc = ERR_INVALID;
		goto out;
	}
	/* Category offsets: position k has categories 0..pos_max[k] at off[k].. */
	off = xmalloc(((size_t)p->npos + 1) * sizeof *off);
	off[0] = 0;
	for (int k = 0; k < p->npos; k++)
		off[k + 1] = off[k] + (size_t)p->pos_max[k] + 1;
	size_t K = off[p->npos];
	/* The count in a local: the counts' stores (uint32_t) could alias p->npos. */
	const int npos = p->npos;
	/* Each (position, cell byte)'s category: off[k] + the cell's points, one look-up a
	 * cell in both passes. */
	cix = xmalloc((size_t)p->npos * 256 * sizeof *cix);
	for (int k = 0; k < p->npos; k++)
		for (int v = 0; v < 256; v++)
			cix[(size_t)k * 256 + (size_t)v] =
				(uint32_t)(off[k] + (size_t)stat_cell_points((uint8_t)v));
	cnt = xcalloc(w * K, sizeof *cnt);
	nt = xcalloc(w, sizeof *nt);
	/* The works' points: the caller's (checked rows), else summed and checked here. */
	if (!points)
		tt = xmalloc((p->n ? p->n : 1) * sizeof *tt);
	const int32_t *ts = points ? points : tt;
	struct stat_rowsum rs;
	stat_rowsum_init(&rs, (size_t)p->npos, p->pos_max, NULL, 0);
	const uint8_t *end = p->pos + p->n * (size_t)p->npos;
	for (size_t i = 0; i < p->n; i++) {
		const uint8_t *row = p->pos + i * (size_t)p->npos;
		int t;
		if (points) {
			t = points[i];
		} else {
			if (!stat_row_sums(&rs, row, end, &t, NULL) || t > p->max_score) {
				rc = ERR_INVALID;
				goto out;
			}
			tt[i] = t;
		}
		nt[t]++;
		uint32_t *c = cnt + (size_t)t * K;
		const uint32_t *cx = cix; /* position k's row of cix */
		int k = 0;
		/* Four positions a step (the loop's own count and steps were half its cost). */
		for (; k + 4 <= npos; k += 4, cx += 4 * 256) {
			c[cx[row[k]]]++;
			c[cx[256 + row[k + 1]]]++;
			c[cx[512 + row[k + 2]]]++;
			c[cx[768 + row[k + 3]]]++;
		}
		for (; k < npos; k++, cx += 256)
			c[cx[row[k]]]++;
	}
	/* log P_k(x | t) with add-1/2 smoothing, and the mean and variance of the
	 * log-likelihood at each score under independence of positions given the score. */
	lp = xmalloc(w * K * sizeof *lp);
	et = xcalloc(2 * w, sizeof *et);
	vt = et + w;
	for (size_t t = 0; t < w; t++) {
		if (!nt[t])
			continue;
		for (int k = 0; k < p->npos; k++) {
			double cats = (double)p->pos_max[k] + 1, e = 0, e2 = 0;
			for (size_t x = 0; x <= (size_t)p->pos_max[k]; x++) {
				size_t at = t * K + off[k] + x;
				double pr = (cnt[at] + 0.5) / (nt[t] + 0.5 * cats);
				double l = log(pr);
				lp[at] = l;
				e += pr * l;
				e2 += pr * l * l;
			}
			et[t] += e;
			vt[t] += e2 - e * e;
		}
	}
	/* Pass 2: lz per work; scores 0 and max have one possible pattern and are skipped. */
	double s1 = 0, s2 = 0;
	size_t m = 0;
	for (size_t i = 0; i < p->n; i++) {
		int t = ts[i];
		if (t == 0 || t == p->max_score || !(vt[t] > 0))
			continue;
		const uint8_t *row = p->pos + i * (size_t)p->npos;
		const double *l = lp + (size_t)t * K;
		double ll = 0;
		const uint32_t *cx = cix;
		int k = 0;
		/* Four positions a step, still summed one by one in position order. */
		for (; k + 4 <= npos; k += 4, cx += 4 * 256) {
			ll += l[cx[row[k]]];
			ll += l[cx[256 + row[k + 1]]];
			ll += l[cx[512 + row[k + 2]]];
			ll += l[cx[768 + row[k + 3]]];
		}
		for (; k < npos; k++, cx += 256)
			ll += l[cx[row[k]]];
		double z = (ll - et[t]) / sqrt(vt[t]);
		if (lz)
			lz[i] = z;
		s1 += z;
		s2 += z * z;
		m++;
		for (int j = 0; j < ng; j++) {
			struct stat_zres *o = &out[j][g[j].of[i]];
			o->n++;
			o->obs += z;
		}
	}
	reg.nworks = m;
	if (m >= 2) {
		reg.mean_lz = s1 / (double)m;
		double v = (s2 - (double)m * reg.mean_lz * reg.mean_lz) / (double)(m - 1);
		reg.sd_lz = v > 0 ? sqrt(v) : 0;
	}
	for (int j = 0; j < ng; j++) {
		*r[j] = reg;
		for (size_t k = 0; k < g[j].n; k++) {
			struct stat_zres *o = &out[j][k];
			if (m >= 2) {
				o->expct = o->n * reg.mean_lz;
				o->var = o->n * reg.sd_lz * reg.sd_lz;
			} else {
				o->n = 0;
			}
		}
	}
finish:
	for (int j = 0; j < ng; j++)
		stat_zres_finish(out[j], g[j].n, cfg->min_n_group, STAT_TAIL_LOWER, cfg, &r[j]->nul);
out:
	free(off);
	free(cix);
	free(cnt);
	free(nt);
	free(lp);
	free(et);
	free(tt);
	return rc;
}

int stat_personfit(const struct stat_proc *p, const uint32_t *group, size_t ngroups,
		   const struct stat_cfg *cfg, struct stat_fit_region *r, struct stat_zres *out,
		   double *lz)
{
	struct stat_grouping g = {group, ngroups};
	return stat_personfit_multi(p, &g, 1, cfg, &r, &out, lz, NULL);
}

/* ---- near twins ---- */

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Random 64-bit value per (position, cell byte): the additive hash of a vector is the sum
 * over its positions, so masking position k subtracts one table entry. */
static uint64_t *hash_table(int npos)
{
	uint64_t *h = xmalloc((size_t)npos * 256 * sizeof *h);
	for (size_t i = 0; i < (size_t)npos * 256; i++)
		h[i] = splitmix64(0x6f6b6f0000000000ULL ^ i);
	return h;
}

static uint64_t pairs_of(uint64_t k)
{
	return k * (k - (k > 0)) / 2;
}

/* Sum over runs of equal keys of C(run, 2), for keys already sorted. */
static uint64_t equal_pairs(const uint64_t *key, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && key[j] == key[i])
			j++;
		s += pairs_of(j - i);
		i = j;
	}
	return s;
}

/* The number of nonzero bytes of x: each byte's bits ORed into its lowest bit, then the
 * lowest bits summed by one multiplication. */
static int nonzero_bytes(uint64_t x)
{
	x |= x >> 4;
	x |= x >> 2;
	x |= x >> 1;
	x &= 0x0101010101010101ULL;
	return (int)((x * 0x0101010101010101ULL) >> 56);
}

/* Every pair compared, eight cells at a time: the rows are copied into zero-padded 64-bit
 * words, and a pair stops at its second differing cell. */
static uint64_t near_pairs_brute(const uint8_t *rows, size_t m, int npos)
{
	size_t nw = ((size_t)npos + 7) / 8;
	uint64_t *w = xcalloc(m * nw, sizeof *w);
	for (size_t a = 0; a < m; a++)
		memcpy(w + a * nw, rows + a * (size_t)npos, (size_t)npos);
	uint64_t near = 0;
	for (size_t a = 0; a < m; a++) {
		const uint64_t *x = w + a * nw;
		for (size_t b = a + 1; b < m; b++) {
			const uint64_t *y = w + b * nw;
			int d = 0;
			for (size_t k = 0; k < nw && d < 2; k++)
				d += nonzero_bytes(x[k] ^ y[k]);
			near += d < 2;
		}
	}
	free(w);
	return near;
}

#if defined(__SSE2__)
/* The cells in which two rows of 16-byte chunks differ, one bit each (nc <= 4 chunks). */
static inline uint64_t chunk_diff(const __m128i *x, const __m128i *y, size_t nc)
{
	uint64_t d = 0;
	for (size_t c = 0; c < nc; c++) {
		__m128i e = _mm_cmpeq_epi8(_mm_loadu_si128(x + c), _mm_loadu_si128(y + c));
		d |= (uint64_t)(~(unsigned)_mm_movemask_epi8(e) & 0xffffu) << (16 * c);
	}
	return d;
}

/* near_pairs_brute for up to 64 positions: the rows zero-padded to 16-byte chunks, a pair's
 * differing cells one bit each from SSE2's byte comparison, near when at most one bit is
 * set — no branch on the data, the same count. */
static uint64_t near_pairs_sse2(const uint8_t *rows, size_t m, int npos)
{
	size_t nc = ((size_t)npos + 15) / 16, len = m * (size_t)npos;
	/* Up to 64 rows (every call of the twins' classes) on the stack: 4 KB. */
	__m128i small[64 * 4];
	__m128i *w = m <= 64 ? small : xmalloc(m * nc * sizeof *w);
	/* A row's chunks loaded whole from the rows (the bytes past a row are the next
	 * row's), the last one masked to the row's own cells; only the last row's last chunk,
	 * which would read past the rows, is copied. */
	uint8_t keep[16];
	for (size_t l = 0; l < 16; l++)
		keep[l] = l < (size_t)npos - 16 * (nc - 1) ? 0xff : 0;
	const __m128i km = _mm_loadu_si128((const __m128i *)(const void *)keep);
	for (size_t a = 0; a < m; a++)
		for (size_t c = 0; c < nc; c++) {
			size_t off = a * (size_t)npos + 16 * c;
			__m128i v;
			if (off + 16 <= len) {
				v = _mm_loadu_si128((const __m128i *)(const void *)(rows + off));
			} else {
				uint8_t t[16] = {0};
				memcpy(t, rows + off, len - off);
				v = _mm_loadu_si128((const __m128i *)(const void *)t);
			}
			w[a * nc + c] = c == nc - 1 ? _mm_and_si128(v, km) : v;
		}
	uint64_t near = 0;
	for (size_t a = 0; a < m; a++) {
		const __m128i *x = w + a * nc;
		if (nc == 1) {
			__m128i xv = _mm_loadu_si128(x);
			for (size_t b = a + 1; b < m; b++) {
				unsigned d = ~(unsigned)_mm_movemask_epi8(
						     _mm_cmpeq_epi8(xv, _mm_loadu_si128(w + b))) &
					     0xffffu;
				near += (d & (d - 1)) == 0;
			}
		} else if (nc == 2) {
			for (size_t b = a + 1; b < m; b++) {
				uint64_t d = chunk_diff(x, w + b * 2, 2);
				near += (d & (d - 1)) == 0;
			}
		} else {
			for (size_t b = a + 1; b < m; b++) {
				uint64_t d = chunk_diff(x, w + b * nc, nc);
				near += (d & (d - 1)) == 0;
			}
		}
	}
	if (w != small)
		free(w);
	return near;
}
#endif

/* A row's np cells as points (stat_cell_points: X and empty 0) from src to dst. With SSE2
 * 16 cells a step: a block is loaded whole unless it would pass end (the end of the data
 * src lies in; such a block is copied first), and stored whole — dst needs 15 bytes of
 * room past the row (the next row's place, or spare bytes after the last). */
static inline void row_points(uint8_t *dst, const uint8_t *src, size_t np, const uint8_t *end)
{
#if defined(__SSE2__)
	const __m128i top = _mm_set1_epi8((char)(STAT_POS_EMPTY - 1));
	for (size_t k = 0; k < np; k += 16) {
		__m128i v;
		if ((size_t)(end - (src + k)) >= 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)(src + k));
		} else {
			uint8_t t[16] = {0};
			memcpy(t, src + k, (size_t)(end - (src + k)));
			v = _mm_loadu_si128((const __m128i *)(const void *)t);
		}
		/* Cells below STAT_POS_EMPTY stay; X and empty become 0. */
		v = _mm_and_si128(v, _mm_cmpeq_epi8(_mm_min_epu8(v, top), v));
		_mm_storeu_si128((__m128i *)(void *)(dst + k), v);
	}
#else
	(void)end;
	for (size_t k = 0; k < np; k++)
		dst[k] = (uint8_t)stat_cell_points(src[k]);
#endif
}

/* Near pairs among m contiguous rows; tab is the hash table of hash_table(npos), built
 * once by the caller (it costs npos * 256 hashes). */
static uint64_t near_pairs(const uint8_t *rows, size_t m, int npos, enum stat_near_method how,
			   const uint64_t *tab)
{
	if (m < 2)
		return 0;
	if (how == STAT_NEAR_BRUTE || (how == STAT_NEAR_AUTO && m <= 64)) {
#if defined(__SSE2__)
		if (npos <= 64)
			return near_pairs_sse2(rows, m, npos);
#endif
		return near_pairs_brute(rows, m, npos);
	}
	uint64_t *full = xmalloc(m * sizeof *full), *key = xmalloc(m * sizeof *key);
	uint64_t *tk = xmalloc(m * sizeof *tk);
	uint32_t *val = xmalloc(m * sizeof *val), *tv = xmalloc(m * sizeof *tv);
	for (size_t a = 0; a < m; a++) {
		const uint8_t *x = rows + a * (size_t)npos;
		uint64_t h = 0;
		for (int k = 0; k < npos; k++)
			h += tab[(size_t)k * 256 + x[k]];
		full[a] = h;
	}
	uint64_t eq = 0, masked = 0;
	for (int k = -1; k < npos; k++) {
		for (size_t a = 0; a < m; a++) {
			key[a] = full[a] - (k < 0 ? 0 : tab[(size_t)k * 256 + rows[a * (size_t)npos + (size_t)k]]);
			val[a] = (uint32_t)a;
		}
		stat_sort_u64(key, val, tk, tv, m);
		uint64_t e = equal_pairs(key, m);
		if (k < 0)
			eq = e;
		else
			masked += e;
	}
	free(full);
	free(key);
	free(tk);
	free(val);
	free(tv);
	return masked - (uint64_t)(npos - 1) * eq;
}

uint64_t stat_near_pairs(const uint8_t *rows, size_t m, int npos, enum stat_near_method how)
{
	if (m < 2 || npos < 1)
		return 0;
	uint64_t *tab = hash_table(npos);
	uint64_t r = near_pairs(rows, m, npos, how, tab);
	free(tab);
	return r;
}

/* Adds the pairs of a multiset of scores (tv[i] with count tc[i], nt distinct) to the
 * upper triangle of the w x w table acc with sign sg. */
static void add_score_pairs(double *acc, size_t w, const int *tv, const uint64_t *tc, size_t nt,
			    double sg)
{
	for (size_t a = 0; a < nt; a++) {
		/* (a, a) first, then (a, b > a), as the pairs come; the first without a test in
		 * the loop. */
		double ca = (double)tc[a];
		acc[(size_t)tv[a] * w + (size_t)tv[a]] += sg * (double)pairs_of(tc[a]);
		for (size_t b = a + 1; b < nt; b++) {
			int x = tv[a] < tv[b] ? tv[a] : tv[b], y = tv[a] < tv[b] ? tv[b] : tv[a];
			acc[(size_t)x * w + (size_t)y] += sg * (ca * (double)tc[b]);
		}
	}
}

/* Distinct scores of a list of members in the order they first appear, with their counts:
 * tv[0..nt) and tc[0..nt); at[x] is score x's place in tv while it is counted (-1 outside
 * a tally, as tally() leaves it), so a member costs one look-up, not a search. */
struct tally_ws {
	int *tv;
	uint64_t *tc;
	int *at;
};

static struct tally_ws tally_ws_new(size_t w)
{
	struct tally_ws ws = { xmalloc((w + 1) * sizeof *ws.tv), xmalloc((w + 1) * sizeof *ws.tc),
			       xmalloc((w + 1) * sizeof *ws.at) };
	for (size_t x = 0; x <= w; x++)
		ws.at[x] = -1;
	return ws;
}

static void tally_ws_free(struct tally_ws *ws)
{
	free(ws->tv);
	free(ws->tc);
	free(ws->at);
}

/* Distinct scores with counts of members [from, to) of an index list. */
static size_t tally(const uint32_t *idx, size_t from, size_t to, const int32_t *t,
		    struct tally_ws *ws)
{
	size_t nt = 0;
	int *tv = ws->tv, *at = ws->at;
	uint64_t *tc = ws->tc;
	for (size_t i = from; i < to; i++) {
		int x = t[idx[i]];
		int j = at[x];
		if (j < 0) {
			j = (int)nt++;
			at[x] = j;
			tv[j] = x;
			tc[j] = 0;
		}
		tc[j]++;
	}
	for (size_t j = 0; j < nt; j++)
		at[tv[j]] = -1;
	return nt;
}

/* Cross-school pairs by score pair among a run of members ordered by school. */
static void run_pairs(double *acc, size_t w, const uint32_t *idx, size_t from, size_t to,
		      const int32_t *t, const uint32_t *school, struct tally_ws *ws, double sg)
{
	size_t nt = tally(idx, from, to, t, ws);
	add_score_pairs(acc, w, ws->tv, ws->tc, nt, sg);
	for (size_t i = from; i < to;) {
		size_t j = i + 1;
		while (j < to && school[idx[j]] == school[idx[i]])
			j++;
		if (j - i >= 2) {
			nt = tally(idx, i, j, t, ws);
			add_score_pairs(acc, w, ws->tv, ws->tc, nt, -sg);
		}
		i = j;
	}
}

/* Groups of equal 64-bit keys without sorting them. The keys are sums of random 64-bit
 * values, so the high bits of a key times an odd constant spread them evenly: the top
 * pbits of them (at most KEY_PART_BITS_MAX) pick a part (the members are first copied, key and index,
 * into their parts, in order), and each part is grouped by itself in an open-addressed
 * table small enough for the first-level cache (a table of the whole sample, 2 MB, was
 * read at random, and so was each group's list: cache misses, not instructions, were the
 * twins' cost). A slot (16 bytes: key, first member, the use it belongs to) heads a list
 * of its members in the order they were added (last first, so the list is in member
 * order), and the slots that came to hold a second member are listed as they do. A slot
 * of an earlier use counts as free (no clearing between uses). */
struct key_slot {
	uint64_t key;
	uint32_t head;  /* first member (its position in the parts' order) */
	uint32_t epoch; /* 2 x the use that filled the slot (0 never), + 1 once it has two */
};

/* A part holds some KEY_PART_SIZE members on average: its table (twice as many slots,
 * 16 bytes each) is 32 KB. */
#define KEY_PART_SIZE 1024
#define KEY_PART_BITS_MAX 12

struct key_groups {
	struct key_slot *slot; /* [2 x the largest part, rounded up to a power of 2] */
	uint32_t *next;        /* [n]: the member after, UINT32_MAX at a list's end */
	uint32_t *dup;         /* a part's slots with two members or more, as they got two */
	uint64_t *pkey;        /* [n] the keys in parts' order */
	uint32_t *pmem;        /* [n] their members */
	uint32_t *pstart;      /* [nparts + 1] where each part starts in pkey/pmem */
	size_t n, ndup, nslots;
	uint32_t epoch;
	int pbits; /* parts: 2^pbits */
};

static void key_groups_init(struct key_groups *g, size_t n)
{
	memset(g, 0, sizeof *g);
	g->n = n;
	while (g->pbits < KEY_PART_BITS_MAX && (n >> g->pbits) > KEY_PART_SIZE)
		g->pbits++;
	size_t n1 = n ? n : 1;
	g->next = xmalloc(n1 * sizeof *g->next);
	g->dup = xmalloc(n1 * sizeof *g->dup);
	g->pkey = xmalloc(n1 * sizeof *g->pkey);
	g->pmem = xmalloc(n1 * sizeof *g->pmem);
	g->pstart = xmalloc(((size_t)1 << g->pbits) * sizeof *g->pstart + sizeof *g->pstart);
}

/* The key the groups are made of: k times an odd constant, one to one (equal mixed keys
 * are equal keys), its high bits spread. The caller mixes each key once; the parts and the
 * tables read the mixed key's bits. */
static inline uint64_t key_groups_mix(uint64_t k)
{
	return k * 0x9e3779b97f4a7c15ULL;
}

/* The part of mixed key mk: its top pbits (none when pbits is 0), without a branch. */
static inline uint16_t key_groups_part(const struct key_groups *g, uint64_t mk)
{
	return (uint16_t)((mk >> 1) >> (63 - g->pbits));
}

/* Starts a use: the parts' counts zeroed, for the caller to count each member's part q
 * (key_groups_part) with ++g->pstart[q + 1] as it makes the keys. */
static void key_groups_begin(struct key_groups *g)
{
	memset(g->pstart, 0, (((size_t)1 << g->pbits) + 1) * sizeof *g->pstart);
}

/* Copies key[0..n) with their members into the parts (part[a] = key_groups_part of
 * key[a], counted), each part in member order. */
static void key_groups_split(struct key_groups *g, const uint64_t *key, const uint16_t *part)
{
	size_t np = (size_t)1 << g->pbits, n = g->n;
	uint32_t *at = g->pstart;
	for (size_t q = 0; q < np; q++)
		at[q + 1] += at[q];
	/* The largest part sets the table's size; the ends are moved back below. */
	size_t big = 0;
	for (size_t q = 0; q < np; q++)
		if (at[q + 1] - at[q] > big)
			big = at[q + 1] - at[q];
	size_t want = 16;
	while (want < 2 * big)
		want *= 2;
	if (want > g->nslots) {
		free(g->slot);
		g->slot = xcalloc(want, sizeof *g->slot);
		g->nslots = want;
		g->epoch = 0;
	}
	for (size_t a = 0; a < n; a++) {
		uint32_t pos = at[part[a]]++;
		g->pkey[pos] = key[a];
		g->pmem[pos] = (uint32_t)a;
	}
	/* at[q] is now where part q ends, i.e. where part q + 1 starts. */
	for (size_t q = np; q > 0; q--)
		at[q] = at[q - 1];
	at[0] = 0;
}

/* Groups part q's members (positions pstart[q]..pstart[q + 1]), added last first. */
static void key_groups_fill(struct key_groups *g, size_t q)
{
	uint32_t from = g->pstart[q], to = g->pstart[q + 1];
	size_t size = 16;
	while (size < 2 * (size_t)(to - from))
		size *= 2;
	size_t mask = size - 1;
	int sh = 64 - g->pbits - __builtin_ctzll((unsigned long long)size);
	uint32_t ep = ++g->epoch;
	g->ndup = 0;
	for (uint32_t a = to; a-- > from;) {
		uint64_t k = g->pkey[a];
		size_t h = (size_t)(k >> sh) & mask;
		struct key_slot *s = &g->slot[h];
		while (s->epoch >> 1 == ep && s->key != k) {
			h = (h + 1) & mask;
			s = &g->slot[h];
		}
		if (s->epoch >> 1 != ep) {
			s->epoch = ep << 1;
			s->key = k;
			g->next[a] = UINT32_MAX;
		} else {
			if (!(s->epoch & 1)) { /* its second member: no look at the first's link */
				s->epoch |= 1;
				g->dup[g->ndup++] = (uint32_t)h;
			}
			g->next[a] = s->head;
		}
		s->head = a;
	}
}

static void key_groups_free(struct key_groups *g)
{
	free(g->slot);
	free(g->next);
	free(g->dup);
	free(g->pkey);
	free(g->pmem);
	free(g->pstart);
}

/* Regional probability q(t1, t2) that two works of different schools with scores t1, t2
 * are near twins, from a systematic sample (every ceil(n/sample)-th work), smoothed towards
 * the pooled rate of pairs with the same |t1 - t2|. q is w x w, symmetric. */
static void near_prob(const struct stat_proc *p, const int32_t *t, size_t sample, double *q,
		      struct stat_twins_region *r)
{
	size_t w = (size_t)p->max_score + 1, n = p->n, np = (size_t)p->npos;
	size_t stride = sample && n > sample ? (n + sample - 1) / sample : 1;
	size_t ns = (n + stride - 1) / stride;
	uint32_t *idx = xmalloc((ns ? ns : 1) * sizeof *idx);
	/* The sample sorted by school (counting sort) so that each group of equal keys below
	 * lists a school's members together. */
	size_t *cs = xcalloc(p->nschools + 1, sizeof *cs);
	for (size_t i = 0; i < n; i += stride)
		cs[p->school[i] + 1]++;
	for (size_t s = 0; s < p->nschools; s++)
		cs[s + 1] += cs[s];
	for (size_t i = 0; i < n; i += stride)
		idx[cs[p->school[i]]++] = (uint32_t)i;
	free(cs);
	double *nacc = xcalloc(w * w, sizeof *nacc), *pacc = xcalloc(w * w, sizeof *pacc);
	struct tally_ws ws = tally_ws_new(w);
	/* All cross-school pairs by score pair. */
	run_pairs(pacc, w, idx, 0, ns, t, p->school, &ws, 1);
	uint64_t *tab = hash_table(p->npos);
	size_t n1 = ns ? ns : 1;
	uint64_t *full = xmalloc(n1 * sizeof *full), *key = xmalloc(n1 * sizeof *key);
	uint32_t *run = xmalloc(n1 * sizeof *run);
	uint16_t *part = xmalloc(n1 * sizeof *part);
	/* The sample's points, scores and schools, compactly in sample order (each mask reads
	 * them again; a group's members are scattered over the sample). */
	uint8_t *pts = xmalloc(n1 * np);
	int32_t *st = xmalloc(n1 * sizeof *st);
	uint32_t *ssc = xmalloc(n1 * sizeof *ssc);
	for (size_t a = 0; a < ns; a++) {
		st[a] = t[idx[a]];
		ssc[a] = p->school[idx[a]];
	}
	for (size_t a = 0; a < ns; a++) {
		const uint8_t *x = p->pos + (size_t)idx[a] * np;
		uint8_t *y = pts + a * np;
		uint64_t h = 0;
		size_t k = 0;
		/* Four positions a step (the sum wraps: any order gives the same key). */
		for (; k + 4 <= np; k += 4) {
			y[k] = (uint8_t)stat_cell_points(x[k]);
			y[k + 1] = (uint8_t)stat_cell_points(x[k + 1]);
			y[k + 2] = (uint8_t)stat_cell_points(x[k + 2]);
			y[k + 3] = (uint8_t)stat_cell_points(x[k + 3]);
			h += tab[k * 256 + y[k]] + tab[(k + 1) * 256 + y[k + 1]] +
			     tab[(k + 2) * 256 + y[k + 2]] + tab[(k + 3) * 256 + y[k + 3]];
		}
		for (; k < np; k++) {
			y[k] = (uint8_t)stat_cell_points(x[k]);
			h += tab[k * 256 + y[k]];
		}
		full[a] = h;
	}
	struct key_groups kg;
	key_groups_init(&kg, ns);
	for (long k = -1; k < (long)np; k++) {
		/* Equal keys grouped, each group's members in sample order, i.e. by school: what
		 * run_pairs needs. The groups' order does not matter: the tables sum whole numbers
		 * of pairs, exactly. */
		key_groups_begin(&kg);
		for (size_t a = 0; a < ns; a++) {
			key[a] = key_groups_mix(full[a] - (k < 0 ? 0 : tab[(size_t)k * 256 +
									     pts[a * np + (size_t)k]]));
			part[a] = key_groups_part(&kg, key[a]);
			kg.pstart[part[a] + 1]++;
		}
		key_groups_split(&kg, key, part);
		/* Full-vector matches are counted npos times among the masked keys: weight
		 * -(npos-1) leaves each near pair counted once. */
		double sg = k < 0 ? -(double)(np - 1) : 1;
		for (size_t pt = 0; pt < ((size_t)1 << kg.pbits); pt++) {
			key_groups_fill(&kg, pt);
			for (size_t u = 0; u < kg.ndup; u++) {
				size_t m = 0;
				for (uint32_t a = kg.slot[kg.dup[u]].head; a != UINT32_MAX;
				     a = kg.next[a])
					run[m++] = kg.pmem[a];
				if (m == 2) {
					/* What run_pairs adds for two members: their pair if
					 * their schools differ, else that pair less itself. */
					uint32_t a = run[0], b = run[1];
					if (ssc[a] != ssc[b]) {
						size_t x = (size_t)(st[a] < st[b] ? st[a] : st[b]);
						size_t y = (size_t)(st[a] < st[b] ? st[b] : st[a]);
						nacc[x * w + y] += sg;
					}
					continue;
				}
				run_pairs(nacc, w, run, 0, m, st, ssc, &ws, sg);
			}
		}
	}
	/* Pool by score difference, then shrink each cell towards its pool with the weight
	 * of one pseudo-event: q = (N + 1) / (P + 1/qbar). */
	int maxk = 0;
	for (int k = 0; k < p->npos; k++)
		if (p->pos_max[k] > maxk)
			maxk = p->pos_max[k];
	double sp = 0, sn = 0;
	for (size_t d = 0; d < w; d++) {
		double pn = 0, pp = 0;
		for (size_t a = 0; a + d < w; a++) {
			pn += nacc[a * w + a + d];
			pp += pacc[a * w + a + d];
		}
		sp += pp;
		sn += pn;
		/* A pair of works that differ in one position differs in score by at most the
		 * largest position maximum; 'X' vs 0 can make equal scores differ too. */
		double qbar = (double)d <= maxk ? (pn + 0.5) / (pp + 1) : 0;
		for (size_t a = 0; a + d < w; a++) {
			double v = qbar > 0 ? (nacc[a * w + a + d] + 1) /
						      (pacc[a * w + a + d] + 1 / qbar)
					    : 0;
			q[a * w + a + d] = q[(a + d) * w + a] = v;
		}
	}
	r->nsample = ns;
	r->sample_pairs = sp;
	r->sample_near = sn;
	free(idx);
	free(nacc);
	free(pacc);
	tally_ws_free(&ws);
	free(tab);
	free(full);
	free(key);
	free(run);
	free(part);
	free(pts);
	free(st);
	free(ssc);
	key_groups_free(&kg);
}

/* Expected near pairs among a group's members from q. */
static double expected_pairs(const double *q, size_t w, const uint32_t *idx, size_t m,
			     const int32_t *t, struct tally_ws *ws)
{
	size_t nt = tally(idx, 0, m, t, ws);
	const int *tv = ws->tv;
	const uint64_t *tc = ws->tc;
	double e = 0;
	/* Each score's pairs among itself, then with the scores after it: the terms in the
	 * order of the pairs (a, b >= a), the first without a test in the loop. */
	for (size_t a = 0; a < nt; a++) {
		const double *qa = q + (size_t)tv[a] * w, ca = (double)tc[a];
		e += (double)pairs_of(tc[a]) * qa[tv[a]];
		for (size_t b = a + 1; b < nt; b++)
			e += ca * (double)tc[b] * qa[tv[b]];
	}
	return e;
}

/* p-values of the groups: negative binomial with mean expct and variance expct (1 + tau2
 * h expct), then BH over the groups; h[i] (NULL: 1) is the share of a school's squared
 * expectation that lies within its classes (a school of k equal classes: 1/k). */
static void twins_pvalues(struct stat_twins_group *g, size_t n, double tau2, const double *h,
			  double qlevel)
{
	for (size_t i = 0; i < n; i++) {
		g[i].p = g[i].q_adj = NAN;
		g[i].status = STAT_NOT_EVALUABLE;
		if (g[i].pairs == 0)
			continue;
		double t2 = tau2 * (h ? h[i] : 1);
		g[i].p = stat_nbinom_upper(g[i].near, g[i].expct, 1 + t2 * g[i].expct);
	}
	if (n)
		stat_bh_strided(&g[0].p, sizeof *g, &g[0].q_adj, sizeof *g, n, qlevel);
	for (size_t i = 0; i < n; i++)
		if (!isnan(g[i].p))
			g[i].status = g[i].q_adj <= qlevel ? STAT_FLAG : STAT_OK;
}

/* Strength bands of the twins calibration: the schools with works, by mean score. */
#define TWINS_BANDS 5
/* A band has its own factor when it holds at least this many schools with an expectation
 * and this many observed near pairs; else it takes the factor of all schools. */
#define TWINS_BAND_MIN 10
/* Alternations of the factor and heterogeneity equations (they settle in a few). */
#define TWINS_ITER 50
/* The largest heterogeneity: a gamma multiplier of shape 1/tau2 >= 1 is unimodal with its
 * mode above 0, as a school's similarity is (its pupils are at least as alike as strangers
 * of the same scores); a smaller shape piles the schools up near no similarity at all and
 * lets the factor run away where near pairs are rare. */
#define TWINS_TAU2_MAX 1.0
/* Schools the fit uses at most (a national procedure has ~40,000; the fit's cost is a few
 * hundred evaluations of every school's count distribution). */
#define TWINS_FIT_MAX 5000

/* The negative binomial with mean mu and variance mu (1 + tau2 mu) at o: *below = P(N < o)
 * and *at = P(N = o) (Poisson when tau2 mu is 0). Counts are mostly small: the recursion
 * of the probabilities from P(0), or GSL where P(0) would underflow. */
static void nb_at(uint64_t o, double mu, double tau2, double *below, double *at)
{
	bool pois = tau2 * mu < 1e-9;
	double size = pois ? 0 : 1 / tau2;
	double lp0 = pois ? -mu : -size * log1p(tau2 * mu);
	if (lp0 < -600) {
		unsigned k = o > UINT_MAX - 1 ? UINT_MAX - 1 : (unsigned)o;
		if (pois) {
			*below = k ? gsl_cdf_poisson_P(k - 1, mu) : 0;
			*at = gsl_ran_poisson_pdf(k, mu);
		} else {
			double pr = 1 / (1 + tau2 * mu);
			*below = k ? gsl_cdf_negative_binomial_P(k - 1, pr, size) : 0;
			*at = gsl_ran_negative_binomial_pdf(k, pr, size);
		}
		return;
	}
	double pk = exp(lp0), sum = 0, q = pois ? 0 : mu / (size + mu);
	for (uint64_t k = 0; k < o; k++) {
		sum += pk;
		pk *= pois ? mu / (double)(k + 1) : ((double)k + size) / (double)(k + 1) * q;
	}
	*below = sum < 1 ? sum : 1;
	*at = pk;
}

/* Over the schools used (use NULL: all), with U uniform on [F(o-1), F(o)] (the randomised
 * PIT of the count, uniform under the right model whatever the mean, small counts
 * included): location — the
 * mean of E[U] = F(o-1) + f(o)/2, minus 1/2; spread — the mean of P(U outside [1/4, 3/4]),
 * minus 1/2. A school adds at most 1/2 to either, so the few that copy cannot drag the
 * fit towards themselves. */
static double twins_pit(const double *o, const double *mu, const double *h, const bool *use,
			size_t n, double tau2, bool spread)
{
	double s = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (use && !use[i])
			continue;
		double lo, at;
		nb_at((uint64_t)o[i], mu[i], tau2 * h[i], &lo, &at);
		if (!spread)
			s += lo + 0.5 * at - 0.5;
		else if (at > 0) {
			double a = (0.25 - lo) / at, b = (lo + at - 0.75) / at;
			s += (a < 0 ? 0 : a > 1 ? 1 : a) + (b < 0 ? 0 : b > 1 ? 1 : b) - 0.5;
		} else {
			s += (lo <= 0.25 || lo >= 0.75) - 0.5;
		}
		k++;
	}
	return k ? s / (double)k : 0;
}

/* The margin a mean PIT location must clear for its sign to hold for every factor beyond
 * it: each school's term lies in [-1/2, 1/2] and falls as kappa grows; its computed value
 * is within far less than 1e-7 of the exact one (the count recursion's and the sum's
 * rounding, the switches between the Poisson, the recursion and GSL), so a computed mean
 * above 2 * TWINS_PIT_MARGIN at a factor a stays above 0 for every smaller factor,
 * computed or exact, and one below -2 * TWINS_PIT_MARGIN at b stays at or below 0 for
 * every larger one. */
#define TWINS_PIT_MARGIN 1e-6
/* Evaluations spent at most on bracketing a guess. */
#define TWINS_BRACKET_PROBES 8

/* The mean PIT location at kappa k; mu is left at k * e. */
static double twins_pit_at(const double *o, const double *e, const double *h, double *mu,
			   const bool *use, size_t n, double tau2, double k)
{
	for (size_t i = 0; i < n; i++)
		mu[i] = k * e[i];
	return twins_pit(o, mu, h, use, n, tau2, false);
}

/* Factors of known sign around the guess g: *above (location > 0 there and below it) and
 * *below (<= 0 there and above it), found at g and then at g (1 + d)^±1 for d = step,
 * 2 step, 4 step… on the side still unknown. */
static void twins_bracket(const double *o, const double *e, const double *h, double *mu,
			  const bool *use, size_t n, double tau2, double g, double step,
			  double *above, double *below)
{
	double f = twins_pit_at(o, e, h, mu, use, n, tau2, g);
	if (f > 2 * TWINS_PIT_MARGIN)
		*above = g;
	else if (f < -2 * TWINS_PIT_MARGIN)
		*below = g;
	int probes = 1;
	for (double d = step; isinf(*below) && probes < TWINS_BRACKET_PROBES; d *= 2, probes++) {
		double x = g * (1 + d);
		if (x >= 1e6)
			break;
		f = twins_pit_at(o, e, h, mu, use, n, tau2, x);
		if (f < -2 * TWINS_PIT_MARGIN)
			*below = x;
		else if (f > 2 * TWINS_PIT_MARGIN)
			*above = x;
	}
	for (double d = step; *above == 0 && probes < TWINS_BRACKET_PROBES; d *= 2, probes++) {
		double x = g / (1 + d);
		if (x <= 1e-3)
			break;
		f = twins_pit_at(o, e, h, mu, use, n, tau2, x);
		if (f > 2 * TWINS_PIT_MARGIN)
			*above = x;
		else if (f < -2 * TWINS_PIT_MARGIN)
			*below = x;
	}
}

/* The factor kappa whose mean PIT location over the schools used is 0 (it falls as kappa
 * grows), by bisection in log scale over [1e-3, 1e6]; mu is scratch, left at kappa * e.
 * guess (0: none), the factor of the previous alternation, is bracketed first
 * (twins_bracket, its first step step): the bisection's steps whose midpoint lies beyond a
 * factor of known sign take that sign without evaluating it — the decision the evaluation
 * would make (TWINS_PIT_MARGIN), so the same steps and the same factor to the bit, with
 * fewer evaluations. */
static double twins_kappa(const double *o, const double *e, const double *h, double *mu,
			  const bool *use, size_t n, double tau2, double guess, double step)
{
	double above = 0, below = INFINITY; /* location > 0 up to above, <= 0 from below */
	if (guess > 1e-3 && guess < 1e6)
		twins_bracket(o, e, h, mu, use, n, tau2, guess, step, &above, &below);
	double lo = 1e-3, hi = 1e6;
	while (hi / lo > 1 + 1e-4) {
		double k = sqrt(lo * hi);
		bool pos = k <= above ? true
			   : k >= below ? false
					: twins_pit_at(o, e, h, mu, use, n, tau2, k) > 0;
		if (pos)
			lo = k;
		else
			hi = k;
	}
	double k = sqrt(lo * hi);
	for (size_t i = 0; i < n; i++)
		mu[i] = k * e[i];
	return k;
}

/* tau2 in [0, TWINS_TAU2_MAX] whose mean PIT spread is 0 (it falls as tau2 grows). */
static double twins_tau2(const double *o, const double *mu, const double *h, const bool *use,
			 size_t n)
{
	double lo = 0, hi = TWINS_TAU2_MAX;
	if (twins_pit(o, mu, h, use, n, lo, true) <= 0)
		return lo;
	if (twins_pit(o, mu, h, use, n, hi, true) > 0)
		return hi;
	while (hi - lo > 1e-4 * hi) {
		double m = 0.5 * (lo + hi);
		if (twins_pit(o, mu, h, use, n, m, true) > 0)
			lo = m;
		else
			hi = m;
	}
	return 0.5 * (lo + hi);
}

/* The first bracketing step around a factor that moved by the relative amount move in the
 * alternation before (its moves shrink some tenfold an alternation); 1 % when unknown. */
static double twins_step(double move, int it)
{
	return it < 2 ? 1e-2 : move / 8 > 1e-4 ? move / 8 : 1e-4;
}

/* Records factor j's new value k and how far it moved. */
static void twins_moved(double *gk, double *gmove, int j, double k, int it)
{
	gmove[j] = it > 0 && gk[j] > 0 ? fabs(k / gk[j] - 1) : 0;
	gk[j] = k;
}

/* kappa per band (kb; kall for all schools and for the bands too thin for their own, every
 * factor at least 1) and tau2, alternating the two equations until they settle; mu[i] is
 * left at kb[band] * e[i]. use is scratch. guess (cfg.twins_guess): each factor's search
 * starts from its value in the alternation before, and an alternation that would start
 * from the same tau2 as the one before (which would repeat it and stop) is not run. */
static void twins_fit(const double *o, const double *e, const double *h, const uint32_t *bof,
		      size_t m, double *kb, double *kall, double *tau2, bool *use, double *mu,
		      bool guess)
{
	/* The previous alternation's factors (all schools, then the bands) and how far they
	 * moved, as guesses for the next, and the heterogeneity they were found with. */
	double gk[1 + TWINS_BANDS] = {0}, gmove[1 + TWINS_BANDS] = {0}, tprev = NAN;
	for (int it = 0; it < TWINS_ITER; it++) {
		/* The same heterogeneity as the alternation before gives the same factors, the
		 * same mu and the same heterogeneity again: that alternation's state is final. */
		if (guess && it > 0 && *tau2 == tprev)
			break;
		tprev = *tau2;
		double k0 = *kall, t0 = *tau2;
		double k = twins_kappa(o, e, h, mu, NULL, m, *tau2, guess ? gk[0] : 0,
				       twins_step(gmove[0], it));
		twins_moved(gk, gmove, 0, k, it);
		*kall = k > 1 ? k : 1;
		for (uint32_t b = 0; b < TWINS_BANDS; b++) {
			size_t nb = 0;
			double ob = 0;
			for (size_t i = 0; i < m; i++) {
				use[i] = bof[i] == b;
				nb += use[i];
				ob += use[i] ? o[i] : 0;
			}
			if (nb >= TWINS_BAND_MIN && ob >= TWINS_BAND_MIN) {
				/* The first time, the band's factor is searched for near
				 * the factor of all schools (the bands' lie within some
				 * 10-50 % of it). */
				k = twins_kappa(o, e, h, mu, use, m, *tau2,
						!guess ? 0 : it ? gk[1 + b] : gk[0],
						it ? twins_step(gmove[1 + b], it) : 0.05);
				twins_moved(gk, gmove, 1 + b, k, it);
			} else {
				k = *kall;
			}
			kb[b] = k > 1 ? k : 1;
		}
		/* The spread only from the schools whose count can show it: where a pair or
		 * more is expected, not where nearly every count is 0 whatever tau2 is. */
		size_t ni = 0;
		for (size_t i = 0; i < m; i++) {
			mu[i] = kb[bof[i]] * e[i];
			use[i] = mu[i] >= 1;
			ni += use[i];
		}
		*tau2 = ni >= TWINS_BAND_MIN ? twins_tau2(o, mu, h, use, m) : 0;
		if (it > 0 && fabs(*kall - k0) <= 1e-3 * k0 && fabs(*tau2 - t0) <= 1e-3 * (t0 + 1e-3))
			break;
	}
}

/* The calibration of the expectation to the procedure's own schools (methodology-oko
 * §6.3): a school's count is negative binomial with mean mu = kappa_b E (E from the
 * cross-school pairs, kappa_b the factor of its strength band: TWINS_BANDS equal bands of
 * the schools by mean score) and variance mu (1 + tau2 mu); kappa_b and tau2 are fitted
 * over every school with an expectation so that the randomised PITs of their counts are
 * centred at 1/2 (per band) and spread like a uniform (half outside the quartiles).
 * kappa_of[s] = max(1, kappa of s's band); r->kappa = the factor of all schools (>= 1),
 * r->tau2. */
static void twins_calibrate(const struct stat_proc *p, const int32_t *t,
			    const struct stat_twins_group *schools, const double *hs,
			    struct stat_twins_region *r, double *kappa_of, bool guess)
{
	size_t ns = p->nschools, n1 = ns ? ns : 1;
	double *sum = xcalloc(n1, sizeof *sum), *mean = xmalloc(n1 * sizeof *mean);
	double *rk = xmalloc(n1 * sizeof *rk), *o = xmalloc(n1 * sizeof *o);
	double *e = xmalloc(n1 * sizeof *e), *mu = xmalloc(n1 * sizeof *mu);
	double *h = xmalloc(n1 * sizeof *h);
	uint32_t *cnt = xcalloc(n1, sizeof *cnt), *band = xmalloc(n1 * sizeof *band);
	uint32_t *bof = xmalloc(n1 * sizeof *bof);
	bool *use = xmalloc(n1 * sizeof *use);
	for (size_t i = 0; i < p->n; i++) {
		sum[p->school[i]] += t[i];
		cnt[p->school[i]]++;
	}
	size_t nm = 0;
	for (size_t s = 0; s < ns; s++)
		if (cnt[s])
			mean[nm++] = sum[s] / cnt[s];
	stat_rank_avg(mean, nm, rk); /* the schools with works, in index order */
	for (size_t s = 0, i = 0; s < ns; s++)
		band[s] = cnt[s] ? (uint32_t)((rk[i++] - 1) * TWINS_BANDS / (double)nm) : UINT32_MAX;
	/* The schools with an expectation, compactly; beyond TWINS_FIT_MAX of them a
	 * systematic sample (every k-th in index order) is enough for two numbers per band. */
	size_t m = 0, nexp = 0;
	for (size_t s = 0; s < ns; s++)
		nexp += schools[s].expct > 0 && band[s] < TWINS_BANDS;
	size_t stride = nexp > TWINS_FIT_MAX ? (nexp + TWINS_FIT_MAX - 1) / TWINS_FIT_MAX : 1;
	for (size_t s = 0, j = 0; s < ns; s++)
		if (schools[s].expct > 0 && band[s] < TWINS_BANDS && j++ % stride == 0) {
			o[m] = (double)schools[s].near;
			e[m] = schools[s].expct;
			h[m] = hs[s];
			bof[m++] = band[s];
		}
	double kb[TWINS_BANDS], kall = 1, tau2 = 0;
	for (uint32_t b = 0; b < TWINS_BANDS; b++)
		kb[b] = 1;
	if (m)
		twins_fit(o, e, h, bof, m, kb, &kall, &tau2, use, mu, guess);
	r->kappa = kall;
	r->tau2 = tau2;
	for (size_t s = 0; s < ns; s++)
		kappa_of[s] = band[s] < TWINS_BANDS ? kb[band[s]] : kall;
	free(sum);
	free(mean);
	free(rk);
	free(o);
	free(e);
	free(mu);
	free(h);
	free(cnt);
	free(band);
	free(bof);
	free(use);
}

int stat_twins(const struct stat_proc *p, const struct stat_cfg *cfg, struct stat_twins_region *r,
	       struct stat_twins_group *classes, struct stat_twins_group *schools,
	       const int32_t *points)
{
	int rc = 0;
	bool by_class = p->class_id != NULL;
	const uint32_t *grp = by_class ? p->class_id : p->school;
	size_t ng = by_class ? p->nclasses : p->nschools, w = (size_t)p->max_score + 1;
	struct stat_twins_group *gr = by_class ? classes : schools;
	int32_t *t = NULL;
	uint32_t *gs = NULL, *idx = NULL;
	size_t *start = NULL;
	double *q = NULL, *kappa_of = NULL, *hs = NULL;
	uint8_t *buf = NULL;
	struct tally_ws ws = {0};
	uint64_t *htab = NULL;
	memset(r, 0, sizeof *r);
	r->kappa = 1;
	if (by_class && classes)
		memset(classes, 0, p->nclasses * sizeof *classes);
	memset(schools, 0, p->nschools * sizeof *schools);
	if (!p->pos || p->npos < 3 || (by_class && !classes))
		goto finish;
	size_t np = (size_t)p->npos;
	t = xmalloc((p->n ? p->n : 1) * sizeof *t);
	struct stat_rowsum rs;
	stat_rowsum_init(&rs, np, p->pos_max, NULL, 0);
	const uint8_t *end = p->pos + p->n * np;
	for (size_t i = 0; i < p->n; i++) {
		int ti = -1;
		/* The caller's points are of checked rows; else summed and checked here. */
		if (points)
			ti = points[i];
		else if (!stat_row_sums(&rs, p->pos + i * np, end, &ti, NULL))
			ti = -1;
		t[i] = ti;
		if (t[i] < 0 || t[i] > p->max_score || p->school[i] >= p->nschools || grp[i] >= ng) {
			rc = ERR_INVALID;
			goto out;
		}
	}
	/* School of each group; a class must lie in one school. */
	gs = xmalloc((ng ? ng : 1) * sizeof *gs);
	for (size_t g = 0; g < ng; g++)
		gs[g] = UINT32_MAX;
	for (size_t i = 0; i < p->n; i++) {
		uint32_t g = grp[i];
		if (gs[g] == UINT32_MAX)
			gs[g] = p->school[i];
		else if (gs[g] != p->school[i]) {
			rc = ERR_INVALID;
			goto out;
		}
	}
	q = xmalloc(w * w * sizeof *q);
	kappa_of = xmalloc((p->nschools ? p->nschools : 1) * sizeof *kappa_of);
	hs = xmalloc((p->nschools ? p->nschools : 1) * sizeof *hs);
	for (size_t s = 0; s < p->nschools; s++)
		hs[s] = by_class ? 0 : 1;
	near_prob(p, t, cfg->twins_sample, q, r);
	/* Members of each group (counting sort by group). */
	start = xcalloc(ng + 1, sizeof *start);
	for (size_t i = 0; i < p->n; i++)
		start[grp[i] + 1]++;
	for (size_t g = 0; g < ng; g++)
		start[g + 1] += start[g];
	idx = xmalloc((p->n ? p->n : 1) * sizeof *idx);
	{
		size_t *fill = xmalloc((ng ? ng : 1) * sizeof *fill);
		memcpy(fill, start, (ng ? ng : 1) * sizeof *fill);
		for (size_t i = 0; i < p->n; i++)
			idx[fill[grp[i]]++] = (uint32_t)i;
		free(fill);
	}
	size_t maxm = 0;
	for (size_t g = 0; g < ng; g++)
		if (start[g + 1] - start[g] > maxm)
			maxm = start[g + 1] - start[g];
	buf = xmalloc((maxm ? maxm : 1) * np + 16); /* row_points writes up to 15 bytes past */
	htab = hash_table(p->npos);
	const uint8_t *pend = p->pos + p->n * np;
	ws = tally_ws_new(w);
	for (size_t g = 0; g < ng; g++) {
		size_t m = start[g + 1] - start[g];
		const uint32_t *mem = idx + start[g];
		struct stat_twins_group *o = &gr[g];
		o->n = (uint32_t)m;
		o->pairs = pairs_of(m);
		if (m < 2)
			continue;
		/* Points, not raw cells: which positions a class left out ('X') is shared by
		 * its sitting (time ran out) and is no evidence of copying. */
		for (size_t a = 0; a < m; a++)
			row_points(buf + a * np, p->pos + (size_t)mem[a] * np, np, pend);
		o->near = near_pairs(buf, m, p->npos, STAT_NEAR_AUTO, htab);
		o->expct = expected_pairs(q, w, mem, m, t, &ws);
	}
	if (by_class) {
		for (size_t g = 0; g < ng; g++) {
			if (gs[g] == UINT32_MAX)
				continue;
			struct stat_twins_group *s = &schools[gs[g]];
			s->n += classes[g].n;
			s->pairs += classes[g].pairs;
			s->near += classes[g].near;
			s->expct += classes[g].expct;
			hs[gs[g]] += classes[g].expct * classes[g].expct;
		}
		/* The likeness varies by class (its teacher, the topics it reached): a school
		 * of k equal classes averages k of them, so its heterogeneity is tau2 h with
		 * h = sum of the classes' E^2 / the school's E^2 (1/k; 1 for one class). */
		for (size_t s = 0; s < p->nschools; s++)
			hs[s] = schools[s].expct > 0 ? hs[s] / (schools[s].expct * schools[s].expct) : 1;
	}
	/* Calibration to the procedure's own schools: pupils of one school answer alike more
	 * often than pupils of different schools at the same scores (the school's own
	 * variants, what its classes were taught), and by how much differs from school to
	 * school. So the expectation is scaled by a factor fitted per strength band (strong
	 * pupils' few errors fall on the same hard positions, so a lyceum is compared with
	 * strong schools) and the null is a negative binomial whose spread tau2 is fitted too,
	 * both over every school (methodology-oko §6.3). */
	twins_calibrate(p, t, schools, hs, r, kappa_of, cfg->twins_guess);
	for (size_t s = 0; s < p->nschools; s++)
		schools[s].expct *= kappa_of[s];
	if (by_class)
		for (size_t g = 0; g < ng; g++)
			if (gs[g] != UINT32_MAX)
				classes[g].expct *= kappa_of[gs[g]];
finish:
	if (by_class && classes)
		twins_pvalues(classes, p->nclasses, r->tau2, NULL, cfg->q);
	twins_pvalues(schools, p->nschools, r->tau2, hs, cfg->q);
out:
	free(t);
	free(gs);
	free(idx);
	free(start);
	free(q);
	free(kappa_of);
	free(hs);
	free(buf);
	free(htab);
	tally_ws_free(&ws);
	return rc;
}
