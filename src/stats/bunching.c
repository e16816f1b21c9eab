/* stats/bunching: polynomial counterfactual and excess mass with a bootstrap interval,
 * exact per-school tests, Frandsen's discrete density test. */
#include "stats/bunching.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/desc.h"
#include "stats/tests.h"

#define MAX_DEGREE 12

void stat_bunch_opts_default(struct stat_bunch_opts *o)
{
	o->degree = 4;
	o->below = 2;
	o->above = 1;
	o->nboot = 1000;
	o->seed = 20110501;
	o->level = 0.95;
	o->boot = STAT_BOOT_RESIDUAL;
	o->link = STAT_LINK_LOG;
}

/* Polynomial basis at bin v: powers of v rescaled to [-1, 1] for a well-conditioned fit. */
static void basis(int v, int nv, int deg, double *x)
{
	double half = nv > 1 ? (double)(nv - 1) / 2 : 1;
	double u = ((double)v - half) / half, t = 1;
	for (int d = 0; d <= deg; d++) {
		x[d] = t;
		t *= u;
	}
}

static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* The counterfactual model fitted to the bins outside the windows. */
struct fitter {
	int nv, deg;
	size_t nfit, p;
	const int *fitv;      /* the fit bins */
	enum stat_link link;
	gsl_matrix *X, *cov;
	gsl_vector *y, *z, *w, *beta, *bnew;
	gsl_multifit_linear_workspace *ws;
};

static double eta_at(const struct fitter *f, const gsl_vector *beta, int v)
{
	double x[MAX_DEGREE + 1], s = 0;
	basis(v, f->nv, f->deg, x);
	for (size_t d = 0; d < f->p; d++)
		s += x[d] * gsl_vector_get(beta, d);
	return s;
}

/* Counterfactual count at bin v under the current coefficients. */
static double predict(const struct fitter *f, int v)
{
	double e = eta_at(f, f->beta, v);
	return f->link == STAT_LINK_LOG ? exp(e < 700 ? e : 700) : e;
}

/* Fits f->beta to the counts yv[0..nfit-1]. Identity link: ordinary least squares. Log
 * link: Poisson maximum likelihood by iteratively reweighted least squares, started from
 * the current beta when warm, else from least squares on log(y + 1/2). */
static int fit(struct fitter *f, const double *yv, bool warm)
{
	double chisq;
	if (f->link == STAT_LINK_IDENTITY) {
		for (size_t j = 0; j < f->nfit; j++) {
			gsl_vector_set(f->y, j, yv[j]);
			gsl_vector_set(f->w, j, 1.0);
		}
		return gsl_multifit_wlinear(f->X, f->w, f->y, f->beta, f->cov, &chisq, f->ws) ? ERR_INVALID : 0;
	}
	if (!warm) {
		for (size_t j = 0; j < f->nfit; j++) {
			gsl_vector_set(f->z, j, log(yv[j] + 0.5));
			gsl_vector_set(f->w, j, 1.0);
		}
		if (gsl_multifit_wlinear(f->X, f->w, f->z, f->beta, f->cov, &chisq, f->ws))
			return ERR_INVALID;
	}
	for (int it = 0; it < 100; it++) {
		for (size_t j = 0; j < f->nfit; j++) {
			double e = eta_at(f, f->beta, f->fitv[j]);
			e = e < 700 ? e : 700;
			double mu = exp(e);
			if (mu < 1e-10)
				mu = 1e-10;
			gsl_vector_set(f->z, j, e + (yv[j] - mu) / mu);
			gsl_vector_set(f->w, j, mu);
		}
		if (gsl_multifit_wlinear(f->X, f->w, f->z, f->bnew, f->cov, &chisq, f->ws))
			return ERR_INVALID;
		double dmax = 0;
		for (size_t d = 0; d < f->p; d++) {
			double a = gsl_vector_get(f->bnew, d), b = gsl_vector_get(f->beta, d);
			if (!isfinite(a))
				return ERR_INVALID;
			double dd = fabs(a - b) / (1 + fabs(b));
			dmax = dd > dmax ? dd : dmax;
		}
		gsl_vector_memcpy(f->beta, f->bnew);
		if (dmax < 1e-10)
			return 0;
	}
	return ERR_INVALID;
}

static void window_cf(const struct fitter *f, const struct stat_bunch_est *e, double *above,
		      double *below)
{
	*above = *below = 0;
	for (int v = e->lo; v <= e->hi; v++) {
		if (v >= e->b)
			*above += predict(f, v);
		else
			*below += predict(f, v);
	}
}

int stat_bunch_excess(const double *c, int nv, const int *bounds, int nb,
		      const struct stat_bunch_opts *o, struct stat_bunch_est *out, double *cf,
		      int *degree)
{
	int rc = 0;
	bool *excl = NULL;
	int *fitv = NULL;
	double *yfit = NULL, *mu = NULL, *res = NULL, *bs = NULL, *ystar = NULL, *cstar = NULL;
	unsigned *draw = NULL;
	double *prob = NULL;
	gsl_vector *beta_hat = NULL;
	gsl_rng *rng = NULL;
	struct fitter f = {0};

	double total = 0;
	for (int v = 0; v < nv; v++)
		total += c[v];
	for (int i = 0; i < nb; i++) {
		struct stat_bunch_est *e = &out[i];
		*e = (struct stat_bunch_est){.b = bounds[i], .total = total};
		e->lo = bounds[i] - o->below;
		e->hi = bounds[i] + o->above - 1;
		e->ok = o->below >= 1 && o->above >= 1 && e->lo >= 0 && e->hi < nv;
		e->excess_lo = e->excess_hi = e->missing_lo = e->missing_hi = NAN;
		e->pi_cf = e->pi_obs = e->excess_share = NAN;
	}
	if (degree)
		*degree = -1;
	if (nv < 3) {
		rc = ERR_INVALID;
		goto fail;
	}
	excl = xcalloc((size_t)nv, sizeof *excl);
	for (int i = 0; i < nb; i++)
		if (out[i].ok)
			for (int v = out[i].lo; v <= out[i].hi; v++)
				excl[v] = true;
	fitv = xmalloc((size_t)nv * sizeof *fitv);
	size_t nfit = 0;
	for (int v = 0; v < nv; v++)
		if (!excl[v])
			fitv[nfit++] = v;
	int deg = o->degree < 1 ? 1 : o->degree > MAX_DEGREE ? MAX_DEGREE : o->degree;
	while (deg >= 1 && nfit < (size_t)deg + 3)
		deg--;
	if (deg < 1) {
		rc = ERR_INVALID;
		goto fail;
	}
	if (degree)
		*degree = deg;
	f.nv = nv;
	f.deg = deg;
	f.nfit = nfit;
	f.p = (size_t)deg + 1;
	f.fitv = fitv;
	f.link = o->link;
	f.X = gsl_matrix_alloc(nfit, f.p);
	f.cov = gsl_matrix_alloc(f.p, f.p);
	f.y = gsl_vector_alloc(nfit);
	f.z = gsl_vector_alloc(nfit);
	f.w = gsl_vector_alloc(nfit);
	f.beta = gsl_vector_alloc(f.p);
	f.bnew = gsl_vector_alloc(f.p);
	f.ws = gsl_multifit_linear_alloc(nfit, f.p);
	beta_hat = gsl_vector_alloc(f.p);
	yfit = xmalloc(nfit * sizeof *yfit);
	double xb[MAX_DEGREE + 1];
	for (size_t j = 0; j < nfit; j++) {
		basis(fitv[j], nv, deg, xb);
		for (size_t d = 0; d < f.p; d++)
			gsl_matrix_set(f.X, j, d, xb[d]);
		yfit[j] = c[fitv[j]];
	}
	if (fit(&f, yfit, false)) {
		rc = ERR_INVALID;
		goto fail;
	}
	gsl_vector_memcpy(beta_hat, f.beta);
	if (cf)
		for (int v = 0; v < nv; v++)
			cf[v] = predict(&f, v);
	for (int i = 0; i < nb; i++) {
		struct stat_bunch_est *e = &out[i];
		if (!e->ok)
			continue;
		for (int v = e->lo; v <= e->hi; v++) {
			if (v >= e->b)
				e->obs_above += c[v];
			else
				e->obs_below += c[v];
		}
		window_cf(&f, e, &e->cf_above, &e->cf_below);
		e->excess = e->obs_above - e->cf_above;
		e->missing = e->cf_below - e->obs_below;
		e->excess_share = e->cf_above > 0 ? e->excess / e->cf_above : NAN;
		double ca = e->cf_above > 0 ? e->cf_above : 0, cb = e->cf_below > 0 ? e->cf_below : 0;
		e->pi_cf = ca + cb > 0 ? clamp(ca / (ca + cb), 0.01, 0.99) : NAN;
		double ow = e->obs_above + e->obs_below;
		e->pi_obs = ow > 0 ? e->obs_above / ow : NAN;
	}
	int nboot = o->nboot > 0 ? o->nboot : 0;
	if (!nboot)
		goto out;
	/* Residuals of the point fit: raw (identity link) or Pearson (log link), which the
	 * residual bootstrap adds back scaled by sqrt(mu) so that large bins vary more. */
	mu = xmalloc(nfit * sizeof *mu);
	res = xmalloc(nfit * sizeof *res);
	for (size_t j = 0; j < nfit; j++) {
		mu[j] = predict(&f, fitv[j]);
		res[j] = f.link == STAT_LINK_LOG ? (yfit[j] - mu[j]) / sqrt(mu[j] > 1e-10 ? mu[j] : 1e-10)
						 : yfit[j] - mu[j];
	}
	bs = xmalloc(2 * (size_t)nboot * (size_t)nb * sizeof *bs);
	ystar = xmalloc(nfit * sizeof *ystar);
	cstar = xmalloc((size_t)nv * sizeof *cstar);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, (unsigned long)o->seed);
	if (o->boot == STAT_BOOT_MULTINOMIAL) {
		draw = xmalloc((size_t)nv * sizeof *draw);
		prob = xmalloc((size_t)nv * sizeof *prob);
		for (int v = 0; v < nv; v++)
			prob[v] = c[v] > 0 ? c[v] : 0;
	}
	int good = 0;
	for (int r = 0; r < nboot; r++) {
		if (o->boot == STAT_BOOT_MULTINOMIAL) {
			gsl_ran_multinomial(rng, (size_t)nv, (unsigned)llround(total), prob, draw);
			for (int v = 0; v < nv; v++)
				cstar[v] = draw[v];
			for (size_t j = 0; j < nfit; j++)
				ystar[j] = cstar[fitv[j]];
		} else {
			/* Every bin gets a resampled residual: the fit bins around their fitted
			 * values, the window bins around their observed counts. */
			for (size_t j = 0; j < nfit; j++) {
				double e = res[gsl_rng_uniform_int(rng, nfit)];
				ystar[j] = f.link == STAT_LINK_LOG ? fmax(0, mu[j] + e * sqrt(mu[j])) : mu[j] + e;
			}
			for (int v = 0; v < nv; v++) {
				if (!excl[v])
					continue;
				double e = res[gsl_rng_uniform_int(rng, nfit)];
				cstar[v] = f.link == STAT_LINK_LOG ? fmax(0, c[v] + e * sqrt(c[v])) : c[v] + e;
			}
		}
		gsl_vector_memcpy(f.beta, beta_hat);
		if (fit(&f, ystar, true))
			continue; /* a replicate that does not converge is dropped */
		for (int i = 0; i < nb; i++) {
			struct stat_bunch_est *e = &out[i];
			if (!e->ok)
				continue;
			double oa = 0, ob = 0, ca, cb;
			for (int v = e->lo; v <= e->hi; v++) {
				if (v >= e->b)
					oa += cstar[v];
				else
					ob += cstar[v];
			}
			window_cf(&f, e, &ca, &cb);
			bs[(size_t)i * 2 * (size_t)nboot + (size_t)good] = oa - ca;
			bs[((size_t)i * 2 + 1) * (size_t)nboot + (size_t)good] = cb - ob;
		}
		good++;
	}
	gsl_vector_memcpy(f.beta, beta_hat);
	if (good < 2)
		goto out;
	double a = (1 - o->level) / 2;
	for (int i = 0; i < nb; i++) {
		struct stat_bunch_est *e = &out[i];
		if (!e->ok)
			continue;
		double *bx = bs + (size_t)i * 2 * (size_t)nboot, *bm = bx + nboot;
		stat_sort(bx, (size_t)good);
		stat_sort(bm, (size_t)good);
		e->excess_lo = stat_quantile7_sorted(bx, (size_t)good, a);
		e->excess_hi = stat_quantile7_sorted(bx, (size_t)good, 1 - a);
		e->missing_lo = stat_quantile7_sorted(bm, (size_t)good, a);
		e->missing_hi = stat_quantile7_sorted(bm, (size_t)good, 1 - a);
	}
	goto out;
fail:
	for (int i = 0; i < nb; i++)
		out[i].ok = false;
out:
	free(excl);
	free(fitv);
	free(yfit);
	free(mu);
	free(res);
	free(bs);
	free(ystar);
	free(cstar);
	free(draw);
	free(prob);
	if (f.X)
		gsl_matrix_free(f.X);
	if (f.cov)
		gsl_matrix_free(f.cov);
	if (f.y)
		gsl_vector_free(f.y);
	if (f.z)
		gsl_vector_free(f.z);
	if (f.w)
		gsl_vector_free(f.w);
	if (f.beta)
		gsl_vector_free(f.beta);
	if (f.bnew)
		gsl_vector_free(f.bnew);
	if (f.ws)
		gsl_multifit_linear_free(f.ws);
	if (beta_hat)
		gsl_vector_free(beta_hat);
	if (rng)
		gsl_rng_free(rng);
	return rc;
}

void stat_bunch_test(uint64_t a, uint64_t m, double pi0, double rho, struct stat_bunch_test *t)
{
	t->a = a;
	t->m = m;
	t->pi0 = pi0;
	if (m == 0 || isnan(pi0)) {
		t->p_binom = t->p_bb = NAN;
		return;
	}
	t->p_binom = stat_binom_upper(a, m, pi0);
	t->p_bb = stat_betabinom_upper_rho(a, m, pi0, rho);
}

double stat_frandsen(uint64_t below, uint64_t at, uint64_t above, double k)
{
	uint64_t n = below + at + above;
	if (n == 0)
		return NAN;
	if (k < 0)
		k = 0;
	if (k >= 1)
		k = 0.999;
	return stat_binom_upper(at, n, (1 + k) / (3 + k));
}
