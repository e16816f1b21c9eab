/* stats/risk: combination of per-school evidence, risk score, BH list, ranking. */
#include "stats/risk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/tests.h"

static int cmp_ev(const void *a, const void *b)
{
	const struct stat_evidence *x = a, *y = b;
	if (x->sign != y->sign)
		return (x->sign > y->sign) - (x->sign < y->sign);
	return (x->proc > y->proc) - (x->proc < y->proc);
}

/* Combined p of one school's evidence e[0..k-1] (sorted by sign). */
static double combine(struct stat_evidence *e, size_t k, enum stat_combine how, double *buf)
{
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (!isnan(e[i].p))
			buf[m++] = e[i].p;
	if (how == STAT_COMBINE_FISHER)
		return stat_fisher(buf, m);
	if (how == STAT_COMBINE_BONFERRONI)
		return stat_bonferroni_min(buf, m, NULL);
	/* Family: Fisher within each sign, Bonferroni-min across signs. buf holds 2k. */
	qsort(e, k, sizeof *e, cmp_ev);
	double *fam = buf + k;
	size_t nf = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i, c = 0;
		while (j < k && e[j].sign == e[i].sign) {
			if (!isnan(e[j].p))
				buf[c++] = e[j].p;
			j++;
		}
		if (c > 0)
			fam[nf++] = stat_fisher(buf, c);
		i = j;
	}
	return stat_bonferroni_min(fam, nf, NULL);
}

/* qsort has no context argument in C17; rank with a small merge sort instead of a global. */
static void rank_sort(uint32_t *ix, uint32_t *tmp, size_t n, const struct stat_risk_school *r)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	rank_sort(ix, tmp, h, r);
	rank_sort(ix + h, tmp, n - h, r);
	size_t a = 0, b = h, k = 0;
	while (a < h && b < n) {
		const struct stat_risk_school *x = &r[ix[a]], *y = &r[ix[b]];
		int c;
		if (x->risk != y->risk)
			c = x->risk < y->risk ? 1 : -1;
		else {
			double px = isnan(x->pmin) ? 2 : x->pmin, py = isnan(y->pmin) ? 2 : y->pmin;
			c = px != py ? (px > py ? 1 : -1) : (ix[a] > ix[b]) - (ix[a] < ix[b]);
		}
		tmp[k++] = c <= 0 ? ix[a++] : ix[b++];
	}
	while (a < h)
		tmp[k++] = ix[a++];
	while (b < n)
		tmp[k++] = ix[b++];
	memcpy(ix, tmp, n * sizeof *ix);
}

int stat_risk(const struct stat_evidence *ev, size_t nev, size_t nschools, enum stat_combine how,
	      double q, struct stat_risk_school *out, struct stat_risk_summary *sum)
{
	if (!(q > 0 && q < 1))
		return ERR_INVALID;
	for (size_t i = 0; i < nev; i++)
		if (ev[i].school >= nschools)
			return ERR_INVALID;
	/* Group the evidence by school (counting sort). */
	size_t *start = xcalloc(nschools + 1, sizeof *start);
	for (size_t i = 0; i < nev; i++)
		start[ev[i].school + 1]++;
	for (size_t s = 0; s < nschools; s++)
		start[s + 1] += start[s];
	struct stat_evidence *e = xmalloc((nev ? nev : 1) * sizeof *e);
	size_t *fill = xmalloc((nschools ? nschools : 1) * sizeof *fill);
	memcpy(fill, start, (nschools ? nschools : 1) * sizeof *fill);
	for (size_t i = 0; i < nev; i++)
		e[fill[ev[i].school]++] = ev[i];
	free(fill);
	double *buf = xmalloc(2 * (nev ? nev : 1) * sizeof *buf);
	double *pv = xmalloc((nschools ? nschools : 1) * sizeof *pv);
	for (size_t s = 0; s < nschools; s++) {
		struct stat_risk_school *o = &out[s];
		*o = (struct stat_risk_school){0, NAN, -1, -1, 1, 0, NAN, false, 0};
		struct stat_evidence *x = e + start[s];
		size_t k = start[s + 1] - start[s];
		for (size_t i = 0; i < k; i++) {
			if (isnan(x[i].p))
				continue;
			o->nev++;
			if (isnan(o->pmin) || x[i].p < o->pmin) {
				o->pmin = x[i].p;
				o->sign = x[i].sign;
				o->proc = x[i].proc;
			}
		}
		pv[s] = NAN;
		if (!o->nev)
			continue;
		o->p = combine(x, k, how, buf);
		o->risk = -log10(o->p > 1e-300 ? o->p : 1e-300);
		pv[s] = o->p;
	}
	stat_bh_adjust(pv, nschools, pv);
	size_t nlisted = 0, neval = 0;
	for (size_t s = 0; s < nschools; s++) {
		out[s].q_adj = pv[s];
		out[s].listed = !isnan(pv[s]) && pv[s] <= q;
		nlisted += out[s].listed;
		neval += out[s].nev > 0;
	}
	uint32_t *ix = xmalloc((nschools ? nschools : 1) * sizeof *ix);
	uint32_t *tmp = xmalloc((nschools ? nschools : 1) * sizeof *tmp);
	for (size_t s = 0; s < nschools; s++)
		ix[s] = (uint32_t)s;
	rank_sort(ix, tmp, nschools, out);
	for (size_t r = 0; r < nschools; r++)
		out[ix[r]].rank = (uint32_t)(r + 1);
	if (sum)
		*sum = (struct stat_risk_summary){neval, nlisted, q * (double)nlisted};
	free(start);
	free(e);
	free(buf);
	free(pv);
	free(ix);
	free(tmp);
	return 0;
}
