/* stats/risk: combination of per-school evidence, risk score, BH list, ranking. */
#include "stats/risk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/desc.h"
#include "stats/signs.h"
#include "stats/tests.h"

_Static_assert(STAT_SIGN_COUNT <= STAT_RISK_MAX_SIGNS, "every sign needs a row in the per-sign tables");

/* 1.4826 * MAD of z_i = d_i / sqrt(v_i + tau2 w_i), and their median. buf: 2n. */
static double pool_scale(const double *d, const double *v, const double *w, size_t n,
			 double tau2, double *buf, double *med)
{
	double *z = buf, *a = buf + n;
	for (size_t i = 0; i < n; i++)
		z[i] = d[i] / sqrt(v[i] + tau2 * w[i]);
	memcpy(a, z, n * sizeof *a);
	*med = stat_median_inplace(a, n);
	for (size_t i = 0; i < n; i++)
		a[i] = fabs(z[i] - *med);
	return 1.4826 * stat_median_inplace(a, n);
}

void stat_pool_calibrate(const double *d, const double *v, const double *w, size_t n,
			 bool centered, double *tau2, double *center, double *z)
{
	*tau2 = 0;
	*center = 0;
	if (n >= STAT_RISK_MIN_NULL) {
		double *buf = xmalloc(2 * n * sizeof *buf), med;
		if (pool_scale(d, v, w, n, 0, buf, &med) > 1) {
			/* The scale falls as tau2 grows: bracket, then bisect. */
			double lo = 0, hi = 1e-3;
			for (int k = 0; k < 60 && pool_scale(d, v, w, n, hi, buf, &med) > 1; k++) {
				lo = hi;
				hi *= 4;
			}
			for (int k = 0; k < 40; k++) {
				double mid = 0.5 * (lo + hi);
				if (pool_scale(d, v, w, n, mid, buf, &med) > 1)
					lo = mid;
				else
					hi = mid;
			}
			*tau2 = hi;
		}
		pool_scale(d, v, w, n, *tau2, buf, &med);
		*center = centered ? med : 0;
		free(buf);
	}
	if (z)
		for (size_t i = 0; i < n; i++)
			z[i] = d[i] / sqrt(v[i] + *tau2 * w[i]) - *center;
}

/* Sorts one school's evidence by (sign, procedure), stably. The usual input (oko analyze)
 * lists it procedure by procedure, so a stable counting sort by sign (stat_risk checked
 * them all in range) already leaves each sign's procedures in order; a group that is not
 * gets an insertion sort. tmp holds k. Done three times per school, so it must be cheap. */
static void sort_evidence(struct stat_evidence *e, size_t k, struct stat_evidence *tmp)
{
	size_t at[STAT_RISK_MAX_SIGNS + 1] = {0};
	for (size_t i = 0; i < k; i++)
		at[e[i].sign + 1]++;
	for (int sg = 0; sg < STAT_RISK_MAX_SIGNS; sg++)
		at[sg + 1] += at[sg];
	size_t fill[STAT_RISK_MAX_SIGNS];
	memcpy(fill, at, sizeof fill);
	for (size_t i = 0; i < k; i++)
		tmp[fill[e[i].sign]++] = e[i];
	for (int sg = 0; sg < STAT_RISK_MAX_SIGNS; sg++)
		for (size_t i = at[sg] + 1; i < at[sg + 1]; i++) {
			struct stat_evidence x = tmp[i];
			size_t j = i;
			for (; j > at[sg] && tmp[j - 1].proc > x.proc; j--)
				tmp[j] = tmp[j - 1];
			tmp[j] = x;
		}
	memcpy(e, tmp, k * sizeof *e);
}

/* School s's evidence, in the order of ev, into e; returns its number. */
static size_t gather(const struct stat_evidence *ev, const size_t *ord, const size_t *start,
		     size_t s, struct stat_evidence *e)
{
	size_t k = 0;
	for (size_t i = start[s]; i < start[s + 1]; i++)
		e[k++] = ev[ord[i]];
	return k;
}

/* The family p's of one school's evidence e[0..k-1] (sorted here by sign) into fam[],
 * their signs into famsig[]; returns their number. Family: Fisher over the sign's p's, or
 * (POOLED) the sign's pooled p from pp (NaN: none), nsig signs. buf holds k. */
static size_t families(struct stat_evidence *e, size_t k, enum stat_combine how, double *buf,
		       const double *pp, int nsig, double *fam, int *famsig,
		       struct stat_evidence *tmp)
{
	sort_evidence(e, k, tmp);
	size_t nf = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i, c = 0;
		bool pooled = false;

		while (j < k && e[j].sign == e[i].sign) {
			if (!isnan(e[j].p))
				buf[c++] = e[j].p;
			pooled |= e[j].pooled;
			j++;
		}
		int sg = e[i].sign;
		if (how == STAT_COMBINE_POOLED && pooled && sg >= 0 && sg < nsig) {
			if (!isnan(pp[sg])) {
				famsig[nf] = sg;
				fam[nf++] = pp[sg];
			}
		} else if (c > 0) {
			famsig[nf] = sg;
			fam[nf++] = stat_fisher(buf, c);
		}
		i = j;
	}
	return nf;
}

/* Combined p of one school's evidence e[0..k-1]. pp (POOLED only): the pooled p of each
 * sign for this school (NaN: none), nsig signs; u (POOLED only): the raw weight of each
 * sign (weighted Bonferroni, see family_weights), NULL for equal weights. *top receives
 * the sign behind the combined p. buf holds 2k. */
static double combine(struct stat_evidence *e, size_t k, enum stat_combine how, double *buf,
		      const double *pp, int nsig, const double *u, int *top,
		      struct stat_evidence *tmp)
{
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (!isnan(e[i].p))
			buf[m++] = e[i].p;
	if (how == STAT_COMBINE_FISHER)
		return stat_fisher(buf, m);
	if (how == STAT_COMBINE_BONFERRONI)
		return stat_bonferroni_min(buf, m, NULL);
	double *fam = buf + k;
	int famsig[STAT_RISK_MAX_SIGNS];
	size_t nf = families(e, k, how, buf, pp, nsig, fam, famsig, tmp);
	if (!u) {
		long am = -1;
		double p = stat_bonferroni_min(fam, nf, &am);
		if (top)
			*top = am >= 0 ? famsig[am] : -1;
		return p;
	}
	/* Weighted Bonferroni: p = min p_f / w_f with the weights u of the school's families
	 * scaled to sum to 1 (equal weights: k * min p). */
	double us = 0, best = INFINITY;
	for (size_t i = 0; i < nf; i++)
		us += u[famsig[i]];
	if (top)
		*top = -1;
	for (size_t i = 0; i < nf; i++) {
		double w = u[famsig[i]] / us, r = fam[i] / w;
		if (r < best) {
			best = r;
			if (top)
				*top = famsig[i];
		}
	}
	return nf ? (best < 1 ? best : 1) : 1;
}

/* The raw family weights of the weighted Bonferroni (POOLED): for each fold of schools
 * (index parity) and sign, u = floor + max(0, share of the OTHER fold's schools whose
 * family p is below the tail p of z = STAT_RISK_WEIGHT_Z, minus that tail p): the sign's
 * excess of strong evidence in the region, estimated without the school itself
 * (cross-fitting keeps each school's weighted p valid). fp: nschools x
 * STAT_RISK_MAX_SIGNS family p's (NaN: none); u: 2 x STAT_RISK_MAX_SIGNS. */
static void family_weights(const double *fp, size_t nschools, double *u)
{
	const double tail = stat_norm_upper(STAT_RISK_WEIGHT_Z);
	for (int k = 0; k < 2; k++)
		for (int f = 0; f < STAT_RISK_MAX_SIGNS; f++) {
			size_t n = 0, hit = 0;
			for (size_t s = (size_t)(1 - k); s < nschools; s += 2) {
				double p = fp[s * STAT_RISK_MAX_SIGNS + (size_t)f];
				if (isnan(p))
					continue;
				n++;
				hit += p < tail;
			}
			double ex = n >= STAT_RISK_MIN_NULL ? (double)hit / (double)n - tail : 0;
			u[k * STAT_RISK_MAX_SIGNS + f] = STAT_RISK_WEIGHT_FLOOR + (ex > 0 ? ex : 0);
		}
	/* A re-check is people's direct look at the works, not a statistical screen, and it
	 * covers too few schools to estimate an excess: it weighs as the fold's strongest
	 * sign (fixed without the school's own data, so the weighted p stays valid). */
	for (int k = 0; k < 2; k++) {
		double top = STAT_RISK_WEIGHT_FLOOR;
		for (int f = 0; f < STAT_RISK_MAX_SIGNS; f++)
			if (f != STAT_SIGN_RECHECK_INFLATED && u[k * STAT_RISK_MAX_SIGNS + f] > top)
				top = u[k * STAT_RISK_MAX_SIGNS + f];
		u[k * STAT_RISK_MAX_SIGNS + STAT_SIGN_RECHECK_INFLATED] = top;
	}
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
	/* Signs index per-sign tables (families, weights): every one must be in range. */
	for (size_t i = 0; i < nev; i++)
		if (ev[i].school >= nschools || ev[i].sign < 0 || ev[i].sign >= STAT_RISK_MAX_SIGNS)
			return ERR_INVALID;
	/* Group the evidence by school: a stable counting sort of its indices. (Nationally
	 * the evidence is hundreds of MB; each school's few hundred entries are gathered into
	 * a scratch array when needed instead of copying it all.) */
	size_t *start = xcalloc(nschools + 1, sizeof *start);
	for (size_t i = 0; i < nev; i++)
		start[ev[i].school + 1]++;
	size_t maxk = 1;
	for (size_t s = 0; s < nschools; s++) {
		if (start[s + 1] > maxk)
			maxk = start[s + 1];
		start[s + 1] += start[s];
	}
	size_t *ord = xmalloc((nev ? nev : 1) * sizeof *ord);
	{
		size_t *fill = xmalloc((nschools ? nschools : 1) * sizeof *fill);
		memcpy(fill, start, (nschools ? nschools : 1) * sizeof *fill);
		for (size_t i = 0; i < nev; i++)
			ord[fill[ev[i].school]++] = i;
		free(fill);
	}
	/* One school's evidence, and the scratch of its sort. */
	struct stat_evidence *e = xmalloc(2 * maxk * sizeof *e), *etmp = e + maxk;
	double *buf = xmalloc(2 * maxk * sizeof *buf);
	double *pv = xmalloc((nschools ? nschools : 1) * sizeof *pv);
	/* Pooled signs: per (school, sign) sums, then one calibration per sign. */
	int nsig = 0;
	double *pp = NULL;
	if (how == STAT_COMBINE_POOLED) {
		for (size_t i = 0; i < nev; i++)
			if (ev[i].pooled && ev[i].sign >= nsig)
				nsig = ev[i].sign + 1;
		pp = xmalloc(((size_t)nsig * nschools + 1) * sizeof *pp);
		for (size_t i = 0; i < (size_t)nsig * nschools; i++)
			pp[i] = NAN;
		double *d = xmalloc(4 * (nschools + 1) * sizeof *d), *v = d + nschools + 1,
		       *w = v + nschools + 1, *k3 = w + nschools + 1,
		       *z = xmalloc((nschools + 1) * sizeof *z);
		uint32_t *ix = xmalloc((nschools + 1) * sizeof *ix);
		bool absolute[STAT_RISK_MAX_SIGNS] = {false};
		/* Per (school, sign) sums in one pass, each in the evidence's order. */
		size_t na = (size_t)nsig * nschools + 1;
		struct psum {
			double D, V, W, K;
			uint64_t nw;
			bool any;
		} *acc = xcalloc(na, sizeof *acc);
		for (size_t i = 0; i < nev; i++) {
			const struct stat_evidence *x = &ev[i];
			if (!x->pooled || !(x->var > 0))
				continue;
			struct psum *a = &acc[(size_t)x->school * (size_t)nsig + (size_t)x->sign];
			a->any = true;
			absolute[x->sign] |= x->pooled == STAT_POOL_ABSOLUTE;
			a->D += x->obs - x->expct;
			a->V += x->var;
			a->K += x->k3;
			a->W += sqrt((double)x->n * x->var);
			a->nw += x->n;
		}
		for (int sg = 0; sg < nsig; sg++) {
			size_t m = 0;
			for (size_t s = 0; s < nschools; s++) {
				const struct psum *a = &acc[s * (size_t)nsig + (size_t)sg];
				if (!a->any || a->nw < STAT_RISK_MIN_WORKS || !(a->V > 0))
					continue;
				d[m] = a->D;
				v[m] = a->V;
				w[m] = a->W * a->W;
				k3[m] = a->K;
				ix[m++] = (uint32_t)s;
			}
			double tau2, center;
			stat_pool_calibrate(d, v, w, m, !absolute[sg], &tau2, &center, z);
			/* The tail: normal, or Pearson III with the skewness of the school's sum
			 * (its third cumulant over the calibrated variance^1.5) when the sign
			 * gives one: few works with large per-work terms are skewed. */
			for (size_t i = 0; i < m; i++) {
				double sd = sqrt(v[i] + tau2 * w[i]);
				pp[(size_t)ix[i] * (size_t)nsig + (size_t)sg] =
					stat_pearson3_upper(z[i], k3[i] / (sd * sd * sd));
			}
		}
		free(d);
		free(z);
		free(ix);
		free(acc);
	}
	/* POOLED: the family p's of every school, then the cross-fitted family weights. */
	double *u = NULL;
	if (how == STAT_COMBINE_POOLED) {
		double *fp = xmalloc((nschools ? nschools : 1) * STAT_RISK_MAX_SIGNS * sizeof *fp);
		double *fam = xmalloc(maxk * sizeof *fam);
		int famsig[STAT_RISK_MAX_SIGNS];
		for (size_t i = 0; i < nschools * STAT_RISK_MAX_SIGNS; i++)
			fp[i] = NAN;
		for (size_t s = 0; s < nschools; s++) {
			size_t k = gather(ev, ord, start, s, e);
			size_t nf = families(e, k, how, buf, pp + s * (size_t)nsig, nsig, fam, famsig,
					     etmp);
			for (size_t i = 0; i < nf; i++)
				fp[s * STAT_RISK_MAX_SIGNS + (size_t)famsig[i]] = fam[i];
		}
		u = xmalloc(2 * STAT_RISK_MAX_SIGNS * sizeof *u);
		family_weights(fp, nschools, u);
		free(fp);
		free(fam);
	}
	for (size_t s = 0; s < nschools; s++) {
		struct stat_risk_school *o = &out[s];
		*o = (struct stat_risk_school){0, NAN, -1, -1, 1, 0, NAN, false, 0};
		struct stat_evidence *x = e;
		size_t k = gather(ev, ord, start, s, e);
		if (how == STAT_COMBINE_POOLED)
			sort_evidence(x, k, etmp); /* the order families() gives */
		for (size_t i = 0; i < k; i++) {
			if (how == STAT_COMBINE_POOLED && x[i].pooled && x[i].var > 0 && isnan(x[i].p))
				o->nev++; /* used by its pooled sign */
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
		const double *ps = pp ? pp + s * (size_t)nsig : NULL;
		if (!o->nev)
			continue;
		int top = -1;
		o->p = combine(x, k, how, buf, ps, nsig, u ? u + (s % 2) * STAT_RISK_MAX_SIGNS : NULL,
			       &top, etmp);
		o->risk = -log10(o->p > 1e-300 ? o->p : 1e-300);
		pv[s] = o->p;
		if (how == STAT_COMBINE_POOLED && top >= 0) {
			/* Name the family behind the risk and its procedure with the smallest p
			 * (else the largest z). */
			double bp = INFINITY, bz = -INFINITY;
			o->sign = top;
			o->proc = -1;
			for (size_t i = 0; i < k; i++) {
				if (x[i].sign != top)
					continue;
				if (!isnan(x[i].p) && x[i].p < bp) {
					bp = x[i].p;
					o->proc = x[i].proc;
				} else if (isinf(bp) && x[i].var > 0 &&
					   (x[i].obs - x[i].expct) / sqrt(x[i].var) > bz) {
					bz = (x[i].obs - x[i].expct) / sqrt(x[i].var);
					o->proc = x[i].proc;
				}
			}
		}
	}
	free(pp);
	free(u);
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
	free(ord);
	free(e);
	free(buf);
	free(pv);
	free(ix);
	free(tmp);
	return 0;
}
