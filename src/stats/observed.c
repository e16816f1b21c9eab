/* stats/observed: observed against unobserved sittings (see observed.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "base/mem.h"
#include "stats/observed.h"
#include "stats/tests.h"

static int by_stratum(const void *a, const void *b)
{
	const struct stat_obs_unit *x = *(const struct stat_obs_unit *const *)a;
	const struct stat_obs_unit *y = *(const struct stat_obs_unit *const *)b;
	return (x->stratum > y->stratum) - (x->stratum < y->stratum);
}

/* Mean and sample variance of one side of a stratum (two passes). */
static void side(const struct stat_obs_unit *const *v, size_t n, bool observed, long *k,
		 double *mean, double *var)
{
	double s = 0;
	*k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i]->observed == observed) {
			s += v[i]->mean;
			++*k;
		}
	*mean = *k ? s / (double)*k : NAN;
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i]->observed == observed)
			ss += (v[i]->mean - *mean) * (v[i]->mean - *mean);
	*var = *k > 1 ? ss / (double)(*k - 1) : NAN;
}

int stat_obs_control(const struct stat_obs_unit *u, size_t n, struct stat_obs_control *out)
{
	memset(out, 0, sizeof *out);
	out->diff = out->se = out->z = out->p = out->lo = out->hi = NAN;
	double so = 0, su = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[i].observed) {
			out->schools_obs++;
			so += u[i].mean;
		} else {
			out->schools_unobs++;
			su += u[i].mean;
		}
	}
	out->mean_obs = out->schools_obs ? so / (double)out->schools_obs : NAN;
	out->mean_unobs = out->schools_unobs ? su / (double)out->schools_unobs : NAN;
	if (!n)
		return 0;
	const struct stat_obs_unit **v = xmalloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = &u[i];
	if (n > 1)
		qsort(v, n, sizeof *v, by_stratum);
	double sw = 0, swd = 0, sw2v = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j]->stratum == v[i]->stratum)
			j++;
		long n1, n0;
		double m1, v1, m0, v0;
		side(v + i, j - i, true, &n1, &m1, &v1);
		side(v + i, j - i, false, &n0, &m0, &v0);
		if (n1 < STAT_OBS_MIN_SCHOOLS || n0 < STAT_OBS_MIN_SCHOOLS) {
			out->strata_skipped++;
		} else {
			double w = (double)n0 * (double)n1 / (double)(n0 + n1);
			sw += w;
			swd += w * (m0 - m1);
			sw2v += w * w * (v0 / (double)n0 + v1 / (double)n1);
			out->strata_used++;
			out->used_obs += n1;
			out->used_unobs += n0;
		}
		i = j;
	}
	free(v);
	if (!out->strata_used)
		return 0;
	out->diff = swd / sw;
	out->se = sqrt(sw2v) / sw;
	out->lo = out->diff - STAT_OBS_Z95 * out->se;
	out->hi = out->diff + STAT_OBS_Z95 * out->se;
	if (out->se > 0) {
		out->z = out->diff / out->se;
		out->p = 2 * stat_norm_upper(fabs(out->z));
		if (out->p > 1)
			out->p = 1;
	}
	return 0;
}

/* True when series s has both an observed and an unobserved year among y. */
static bool series_counts(const struct stat_obs_year *y, size_t n, int s)
{
	bool o = false, u = false;
	for (size_t i = 0; i < n; i++)
		if (y[i].series == s && y[i].n) {
			if (y[i].observed)
				o = true;
			else
				u = true;
		}
	return o && u;
}

int stat_obs_school(const struct stat_obs_year *y, size_t n, struct stat_obs_school *out)
{
	memset(out, 0, sizeof *out);
	out->mean_obs = out->mean_unobs = out->gap = out->t = out->df = out->p = NAN;
	/* Per side: N, Σx, Σx² of the relative scores x = share − region mean. */
	double cnt[2] = { 0, 0 }, sx[2] = { 0, 0 }, sxx[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		const struct stat_obs_year *a = &y[i];
		if (!a->n || !series_counts(y, n, a->series))
			continue;
		int g = a->observed ? 1 : 0;
		double k = (double)a->n, r = a->region_mean;
		cnt[g] += k;
		sx[g] += a->sum - k * r;
		sxx[g] += a->sumsq - 2 * r * a->sum + k * r * r;
		if (a->observed)
			out->years_obs++;
		else
			out->years_unobs++;
	}
	out->n_unobs = (uint64_t)cnt[0];
	out->n_obs = (uint64_t)cnt[1];
	if (cnt[0] > 0)
		out->mean_unobs = sx[0] / cnt[0];
	if (cnt[1] > 0)
		out->mean_obs = sx[1] / cnt[1];
	if (!(cnt[0] > 0 && cnt[1] > 0))
		return 0;
	out->gap = out->mean_unobs - out->mean_obs;
	if (cnt[0] >= 2 && cnt[1] >= 2) {
		double var[2];
		for (int g = 0; g < 2; g++) {
			var[g] = (sxx[g] - sx[g] * sx[g] / cnt[g]) / (cnt[g] - 1);
			if (var[g] < 0)
				var[g] = 0; /* rounding of a constant sample */
		}
		double a0 = var[0] / cnt[0], a1 = var[1] / cnt[1], se2 = a0 + a1;
		if (se2 > 0) {
			out->t = out->gap / sqrt(se2);
			out->df = se2 * se2 /
				  (a0 * a0 / (cnt[0] - 1) + a1 * a1 / (cnt[1] - 1));
			out->p = 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
			if (out->p > 1)
				out->p = 1;
		}
	}
	out->evidence = out->years_obs > 0 && out->years_unobs > 0 && out->gap >= STAT_OBS_MIN_GAP &&
			!isnan(out->p) && out->p < STAT_OBS_ALPHA;
	return 0;
}
