/* stats/bunching: polynomial counterfactual and excess mass with a bootstrap interval,
 * exact per-school tests, Frandsen's discrete density test. */
#include "stats/bunching.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/desc.h"
#include "stats/tests.h"
#include "stats/wls.h"

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
	o->screen = true;
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
	struct stat_wls first; /* the first refit's decomposition, shared by the replicates */
};

/* The weighted least squares of a refit's first step (warm) or of every refit (identity
 * link): replicates start from the same coefficients, so this step has the same weights
 * in every replicate and the decomposition of the first serves them all (stats/wls.h: the
 * same coefficients as gsl_multifit_wlinear, bit for bit). */
static int wls_first(struct fitter *f, const gsl_vector *y, gsl_vector *c)
{
	if (!stat_wls_has(&f->first, f->w) && stat_wls_decompose(&f->first, f->w))
		return ERR_INVALID;
	return stat_wls_solve(&f->first, y, c) ? ERR_INVALID : 0;
}

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
		if (warm) /* a refit: no covariance needed */
			return wls_first(f, f->y, f->beta);
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
		if (warm && it == 0) {
			if (wls_first(f, f->z, f->bnew))
				return ERR_INVALID;
		} else if (gsl_multifit_wlinear(f->X, f->w, f->z, f->bnew, f->cov, &chisq, f->ws)) {
			return ERR_INVALID;
		}
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

/* Every estimate empty, with its window lo..hi = b-below..b+above-1 and ok when the window
 * fits in the nv bins of the histogram c. */
static void est_init(const double *c, int nv, const int *bounds, int nb,
		     const struct stat_bunch_opts *o, struct stat_bunch_est *out)
{
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
}

/* The observed sums of a window and what follows from them and the counterfactual sums
 * cfa (b..hi) and cfb (lo..b-1). */
static void est_fill(struct stat_bunch_est *e, const double *c, double cfa, double cfb)
{
	e->obs_above = e->obs_below = 0;
	for (int v = e->lo; v <= e->hi; v++) {
		if (v >= e->b)
			e->obs_above += c[v];
		else
			e->obs_below += c[v];
	}
	e->cf_above = cfa;
	e->cf_below = cfb;
	e->excess = e->obs_above - e->cf_above;
	e->missing = e->cf_below - e->obs_below;
	e->excess_share = e->cf_above > 0 ? e->excess / e->cf_above : NAN;
	double ca = cfa > 0 ? cfa : 0, cb = cfb > 0 ? cfb : 0;
	e->pi_cf = ca + cb > 0 ? clamp(ca / (ca + cb), 0.01, 0.99) : NAN;
	double ow = e->obs_above + e->obs_below;
	e->pi_obs = ow > 0 ? e->obs_above / ow : NAN;
}

/* The delta-method interval of B and M of one window (STAT_BOOT_DELTA): Var = the window
 * counts' variance (scale * count when poisson, else scale per bin) + scale * J' S J, J the
 * gradient of the window's counterfactual sum: the rows grad[v*p..] of dcf(v)/dbeta summed
 * over the window; S (p x p, row-major) the fit's (X'WX)^-1. */
static void delta_set(struct stat_bunch_est *e, const double *c, const double *grad, size_t p,
		      const double *cov, double scale, bool poisson, double level)
{
	double ja[MAX_DEGREE + 1] = {0}, jb[MAX_DEGREE + 1] = {0}, va = 0, vb = 0, qa = 0, qb = 0;
	for (int v = e->lo; v <= e->hi; v++) {
		double *jj = v >= e->b ? ja : jb;
		for (size_t k = 0; k < p; k++)
			jj[k] += grad[(size_t)v * p + k];
		double cv = poisson ? scale * (c[v] > 0 ? c[v] : 0) : scale;
		if (v >= e->b)
			va += cv;
		else
			vb += cv;
	}
	for (size_t a = 0; a < p; a++)
		for (size_t b = 0; b < p; b++) {
			qa += ja[a] * cov[a * p + b] * ja[b];
			qb += jb[a] * cov[a * p + b] * jb[b];
		}
	double zq = gsl_cdf_ugaussian_Pinv(0.5 + level / 2), sa = sqrt(va + scale * qa),
	       sb = sqrt(vb + scale * qb);
	e->excess_lo = e->excess - zq * sa;
	e->excess_hi = e->excess + zq * sa;
	e->missing_lo = e->missing - zq * sb;
	e->missing_hi = e->missing + zq * sb;
}

/* The dispersion of a fit: Pearson chi^2 (log link, at least 1) or the residual variance
 * (identity link) over the fit bins, per degree of freedom; 1 without any. */
static double dispersion(const double *y, const double *mu, size_t n, size_t p, bool poisson)
{
	if (n <= p)
		return 1;
	double ss = 0;
	for (size_t j = 0; j < n; j++) {
		double r = y[j] - mu[j];
		ss += poisson ? r * r / (mu[j] > 1e-10 ? mu[j] : 1e-10) : r * r;
	}
	ss /= (double)(n - p);
	return poisson && ss < 1 ? 1 : ss;
}

/* STAT_BOOT_DELTA around the point fit in f, whose cov is the last (X'WX)^-1 of the fit. */
static void delta_interval(const struct fitter *f, const double *c, const double *yfit,
			   struct stat_bunch_est *out, int nb, double level)
{
	size_t p = f->p, nv = (size_t)f->nv;
	bool poisson = f->link == STAT_LINK_LOG;
	double *grad = xmalloc(nv * p * sizeof *grad), *mu = xmalloc(f->nfit * sizeof *mu),
	       cov[(MAX_DEGREE + 1) * (MAX_DEGREE + 1)], x[MAX_DEGREE + 1];
	for (size_t v = 0; v < nv; v++) {
		basis((int)v, f->nv, f->deg, x);
		double d = poisson ? predict(f, (int)v) : 1;
		for (size_t k = 0; k < p; k++)
			grad[v * p + k] = d * x[k];
	}
	for (size_t j = 0; j < f->nfit; j++)
		mu[j] = predict(f, f->fitv[j]);
	for (size_t a = 0; a < p; a++)
		for (size_t b = 0; b < p; b++)
			cov[a * p + b] = gsl_matrix_get(f->cov, a, b);
	double scale = dispersion(yfit, mu, f->nfit, p, poisson);
	for (int i = 0; i < nb; i++)
		if (out[i].ok)
			delta_set(&out[i], c, grad, p, cov, scale, poisson, level);
	free(grad);
	free(mu);
}

/* ---- the bootstrap's refits ----
 *
 * A replicate's values (B and M of every window) come from its refit: fit() above, GSL's
 * SVD per IRLS step — the reference, and the cost of the interval (nboot refits of a few
 * steps each). Under the log link the refits are screened instead: each replicate is first
 * refitted by the same Newton iteration on the normal equations (Cholesky of X'WX, p <= 13
 * coefficients: a few thousand operations a step), which converges to the same maximum of
 * the likelihood; the two differ by rounding only: at most 3e-10 works (relative 1e-10)
 * on the bench's region of a million works, where the margin eps below is 1e-4 works.
 * The interval reads two order statistics per end of each window's sorted values
 * (stat_quantile7_sorted), and an order statistic moves by at most eps when every value
 * does: so only the replicates whose
 * screened value lies within 2 eps of those order statistics can hold them; they are
 * refitted exactly by fit(), and the interval is what the exact refit of every replicate
 * gives, bit for bit (the replicates below and above the band stay below and above). A
 * recomputed replicate that differs from its screened value by more than eps/16, or that
 * the exact refit drops, makes every replicate exact (the bound did not hold: no shortcut
 * is taken). tests/unit/test_stats_fast.c compares both on many histograms. */
enum { BOOT_DROPPED, BOOT_SCREENED, BOOT_EXACT };

/* The screen's cap on Newton steps: a replicate that needs more is refitted exactly. */
#define SCREEN_ITER 30

static bool cholesky(const double *a, size_t p, double *l);
static void chol_solve(const double *l, size_t p, const double *b, double *x);

/* The values of a replicate from the coefficients of its refit: val[2i] = B = oa - ca,
 * val[2i+1] = M = cb - ob of window i (win: its observed sums oa, ob). */
static int refit_exact(struct fitter *f, const gsl_vector *beta_hat, const double *yv,
		       const struct stat_bunch_est *out, int nb, const double *win, double *val)
{
	gsl_vector_memcpy(f->beta, beta_hat);
	if (fit(f, yv, true))
		return ERR_INVALID;
	for (int i = 0; i < nb; i++) {
		if (!out[i].ok)
			continue;
		double ca, cb;
		window_cf(f, &out[i], &ca, &cb);
		val[2 * i] = win[2 * i] - ca;
		val[2 * i + 1] = cb - win[2 * i + 1];
	}
	return 0;
}

/* One Newton step's sums of the screened refit: the gradient g and the lower triangle of
 * the information a (zeroed by the caller) at beta, over the n rows of the design xr.
 * Inlined where called, with p a constant for the common degrees; every sum in the
 * order of the rows, as the plain loops. */
static inline __attribute__((always_inline)) void
screen_sums(const double *xr, size_t n, size_t p, const double *beta, const double *yv,
	    double *a, double *g)
{
	for (size_t j = 0; j < n; j++) {
		const double *x = xr + j * p;
		double e = 0;
		for (size_t k = 0; k < p; k++)
			e += x[k] * beta[k];
		double mu = exp(e < 700 ? e : 700);
		if (mu < 1e-10)
			mu = 1e-10;
		double r = yv[j] - mu;
		for (size_t k = 0; k < p; k++) {
			double mx = mu * x[k];
			g[k] += r * x[k];
			for (size_t m = 0; m <= k; m++)
				a[k * p + m] += mx * x[m];
		}
	}
}

/* The screened refit of the response yv (Newton's method for the Poisson likelihood from
 * the point fit's coefficients; xr the design, nfit x p row-major) and its values. */
static int refit_screen(const struct fitter *f, const double *xr, const gsl_vector *beta_hat,
			const double *yv, const struct stat_bunch_est *out, int nb,
			const double *win, double *val)
{
	size_t p = f->p, n = f->nfit;
	double beta[MAX_DEGREE + 1];
	for (size_t k = 0; k < p; k++)
		beta[k] = gsl_vector_get(beta_hat, k);
	bool conv = false;
	for (int it = 0; it < SCREEN_ITER && !conv; it++) {
		double a[(MAX_DEGREE + 1) * (MAX_DEGREE + 1)], l[sizeof a / sizeof *a];
		double g[MAX_DEGREE + 1] = {0}, d[MAX_DEGREE + 1];
		for (size_t k = 0; k < p; k++)
			for (size_t m = 0; m <= k; m++)
				a[k * p + m] = 0;
		/* The common sizes with p a constant: the loops unrolled, the same sums. */
		switch (p) {
		case 4:
			screen_sums(xr, n, 4, beta, yv, a, g);
			break;
		case 5:
			screen_sums(xr, n, 5, beta, yv, a, g);
			break;
		case 6:
			screen_sums(xr, n, 6, beta, yv, a, g);
			break;
		default:
			screen_sums(xr, n, p, beta, yv, a, g);
		}
		if (!cholesky(a, p, l))
			return ERR_INVALID;
		chol_solve(l, p, g, d);
		double dmax = 0;
		for (size_t k = 0; k < p; k++) {
			if (!isfinite(d[k]))
				return ERR_INVALID;
			double dd = fabs(d[k]) / (1 + fabs(beta[k]));
			dmax = dd > dmax ? dd : dmax;
			beta[k] += d[k];
		}
		conv = dmax < 1e-10;
	}
	if (!conv)
		return ERR_INVALID;
	for (int i = 0; i < nb; i++) {
		const struct stat_bunch_est *e = &out[i];
		if (!e->ok)
			continue;
		double ca = 0, cb = 0, x[MAX_DEGREE + 1];
		for (int v = e->lo; v <= e->hi; v++) {
			basis(v, f->nv, f->deg, x);
			double s = 0;
			for (size_t k = 0; k < p; k++)
				s += x[k] * beta[k];
			double m = exp(s < 700 ? s : 700);
			if (v >= e->b)
				ca += m;
			else
				cb += m;
		}
		val[2 * i] = win[2 * i] - ca;
		val[2 * i + 1] = cb - win[2 * i + 1];
		if (!isfinite(val[2 * i]) || !isfinite(val[2 * i + 1]))
			return ERR_INVALID;
	}
	return 0;
}

/* The screen's margin: a bound on how far a screened value may lie from the exact one, in
 * the values' own unit (works): 1e-9 of the histogram's total, some 10^5 times the largest
 * difference seen (see above). */
static double screen_eps(const double *c, int nv)
{
	double t = 0;
	for (int v = 0; v < nv; v++)
		t += fabs(c[v]);
	return 1e-9 * (1 + t);
}

struct ranked {
	double v;
	int r;
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;
	return (x > y) - (x < y);
}

/* Refits exactly the screened replicates that may hold an order statistic the interval
 * reads (or all of them when the screen's bound fails). rs: per replicate its response
 * (nfit values), window sums and values (2 nb each); rstate its BOOT_*. */
static void boot_settle(struct fitter *f, const gsl_vector *beta_hat,
			const struct stat_bunch_est *out, int nb, double *rs, size_t nfit,
			unsigned char *rstate, int nboot, double level, double eps)
{
	size_t nval = 2 * (size_t)nb, stride = nfit + 2 * nval;
	bool *need = xcalloc((size_t)nboot, sizeof *need);
	struct ranked *rk = xmalloc((size_t)nboot * sizeof *rk);
	double *ex = xmalloc(nval * sizeof *ex);
	size_t good = 0;
	for (int r = 0; r < nboot; r++)
		good += rstate[r] != BOOT_DROPPED;
	bool all = good < 2;
	double qs[2] = { (1 - level) / 2, 1 - (1 - level) / 2 };
	for (size_t j = 0; j < nval && !all; j++) {
		if (!out[j / 2].ok)
			continue;
		size_t m = 0;
		for (int r = 0; r < nboot; r++)
			if (rstate[r] != BOOT_DROPPED)
				rk[m++] = (struct ranked){ rs[(size_t)r * stride + nfit + nval + j], r };
		qsort(rk, m, sizeof *rk, cmp_ranked);
		for (int k = 0; k < 2; k++) {
			/* The ranks stat_quantile7_sorted reads. */
			double h = (double)(m - 1) * qs[k];
			size_t lo = h >= 0 ? (size_t)floor(h) : 0;
			lo = lo < m - 1 ? lo : m - 1;
			size_t hi = lo + 1 < m ? lo + 1 : lo;
			double from = rk[lo].v - 2 * eps, to = rk[hi].v + 2 * eps;
			for (size_t u = 0; u < m; u++)
				if (rk[u].v >= from && rk[u].v <= to)
					need[rk[u].r] = true;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int r = 0; r < nboot; r++) {
			if (rstate[r] != BOOT_SCREENED || !(all || need[r]))
				continue;
			double *yr = rs + (size_t)r * stride, *win = yr + nfit, *val = win + nval;
			if (refit_exact(f, beta_hat, yr, out, nb, win, ex)) {
				rstate[r] = BOOT_DROPPED;
				all = true;
				continue;
			}
			for (size_t j = 0; j < nval; j++)
				if (out[j / 2].ok && !(fabs(ex[j] - val[j]) <= eps / 16))
					all = true;
			memcpy(val, ex, nval * sizeof *val);
			rstate[r] = BOOT_EXACT;
		}
		if (!all)
			break;
	}
	free(need);
	free(rk);
	free(ex);
}

int stat_bunch_excess(const double *c, int nv, const int *bounds, int nb,
		      const struct stat_bunch_opts *o, struct stat_bunch_est *out, double *cf,
		      int *degree)
{
	int rc = 0;
	bool *excl = NULL;
	int *fitv = NULL;
	double *yfit = NULL, *mu = NULL, *res = NULL, *bs = NULL, *ystar = NULL, *cstar = NULL;
	double *rs = NULL, *xr = NULL;
	unsigned char *rstate = NULL;
	unsigned *draw = NULL;
	double *prob = NULL;
	gsl_vector *beta_hat = NULL;
	gsl_rng *rng = NULL;
	struct fitter f = {0};

	est_init(c, nv, bounds, nb, o, out);
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
	stat_wls_init(&f.first, f.X);
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
		double ca, cb;
		window_cf(&f, e, &ca, &cb);
		est_fill(e, c, ca, cb);
	}
	if (o->boot == STAT_BOOT_DELTA) {
		delta_interval(&f, c, yfit, out, nb, o->level);
		goto out;
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
	size_t nval = 2 * (size_t)nb;
	bs = xmalloc(2 * (size_t)nboot * (size_t)nb * sizeof *bs);
	ystar = xmalloc(nfit * sizeof *ystar);
	cstar = xmalloc((size_t)nv * sizeof *cstar);
	rs = xcalloc((size_t)nboot * (nfit + 2 * nval), sizeof *rs);
	rstate = xmalloc((size_t)nboot * sizeof *rstate);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, (unsigned long)o->seed);
	double total = 0;
	if (o->boot == STAT_BOOT_MULTINOMIAL) {
		draw = xmalloc((size_t)nv * sizeof *draw);
		prob = xmalloc((size_t)nv * sizeof *prob);
		for (int v = 0; v < nv; v++) {
			prob[v] = c[v] > 0 ? c[v] : 0;
			total += c[v];
		}
	}
	bool screen = o->screen && f.link == STAT_LINK_LOG;
	if (screen) {
		xr = xmalloc(nfit * f.p * sizeof *xr);
		for (size_t j = 0; j < nfit; j++)
			for (size_t d = 0; d < f.p; d++)
				xr[j * f.p + d] = gsl_matrix_get(f.X, j, d);
	}
	for (int r = 0; r < nboot; r++) {
		/* Replicate r: its response, its windows' observed sums, its values. */
		double *yr = rs + (size_t)r * (nfit + 2 * nval), *win = yr + nfit, *val = win + nval;
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
		memcpy(yr, ystar, nfit * sizeof *yr);
		for (int i = 0; i < nb; i++) {
			double oa = 0, ob = 0;
			for (int v = out[i].lo; out[i].ok && v <= out[i].hi; v++) {
				if (v >= out[i].b)
					oa += cstar[v];
				else
					ob += cstar[v];
			}
			win[2 * i] = oa;
			win[2 * i + 1] = ob;
		}
		if (screen && !refit_screen(&f, xr, beta_hat, yr, out, nb, win, val))
			rstate[r] = BOOT_SCREENED;
		else /* a replicate whose exact refit does not converge is dropped */
			rstate[r] = refit_exact(&f, beta_hat, yr, out, nb, win, val) ? BOOT_DROPPED : BOOT_EXACT;
	}
	if (screen)
		boot_settle(&f, beta_hat, out, nb, rs, nfit, rstate, nboot, o->level, screen_eps(c, nv));
	int good = 0;
	for (int r = 0; r < nboot; r++) {
		if (rstate[r] == BOOT_DROPPED)
			continue;
		const double *val = rs + (size_t)r * (nfit + 2 * nval) + nfit + nval;
		for (int i = 0; i < nb; i++) {
			bs[(size_t)i * 2 * (size_t)nboot + (size_t)good] = val[2 * i];
			bs[((size_t)i * 2 + 1) * (size_t)nboot + (size_t)good] = val[2 * i + 1];
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
	free(rs);
	free(xr);
	free(rstate);
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
	stat_wls_free(&f.first);
	if (beta_hat)
		gsl_vector_free(beta_hat);
	if (rng)
		gsl_rng_free(rng);
	return rc;
}

/* The tests' memo: a procedure tests thousands of schools and classes at one boundary
 * with one (pi0, rho), and their window counts (a, m) repeat — a few hundred distinct pairs
 * among thousands, each test a sum of lnbeta terms. A direct-mapped table per thread keyed
 * by all four inputs (the doubles by their bits) returns the very values computed before,
 * so the results are what the computation gives, bit for bit. Static thread-local storage
 * (no allocation, nothing to free when a thread ends); m = 0 is never stored, so the zeroed
 * table holds no key. */
#define BTEST_MEMO 2048
struct btest_memo {
	uint64_t a, m, pi0, rho;
	double p_binom, p_bb;
};
static _Thread_local struct btest_memo btest_memo[BTEST_MEMO];

void stat_bunch_test(uint64_t a, uint64_t m, double pi0, double rho, struct stat_bunch_test *t)
{
	t->a = a;
	t->m = m;
	t->pi0 = pi0;
	if (m == 0 || isnan(pi0)) {
		t->p_binom = t->p_bb = NAN;
		return;
	}
	uint64_t bp, br;
	memcpy(&bp, &pi0, sizeof bp);
	memcpy(&br, &rho, sizeof br);
	uint64_t h = (a * 0x9e3779b97f4a7c15ULL) ^ (m * 0xbf58476d1ce4e5b9ULL) ^ bp ^ (br >> 7);
	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	struct btest_memo *e = &btest_memo[(h >> 40) % BTEST_MEMO];
	if (e->a == a && e->m == m && e->pi0 == bp && e->rho == br) {
		t->p_binom = e->p_binom;
		t->p_bb = e->p_bb;
		return;
	}
	t->p_binom = stat_binom_upper(a, m, pi0);
	t->p_bb = stat_betabinom_upper_rho(a, m, pi0, rho);
	*e = (struct btest_memo){ a, m, bp, br, t->p_binom, t->p_bb };
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

/* Cholesky factor of the p x p symmetric positive definite a (row-major) into l; false
 * when a is not positive definite. */
static bool cholesky(const double *a, size_t p, double *l)
{
	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j <= i; j++) {
			double sum = a[i * p + j];
			for (size_t k = 0; k < j; k++)
				sum -= l[i * p + k] * l[j * p + k];
			if (i == j) {
				if (!(sum > 0))
					return false;
				l[i * p + i] = sqrt(sum);
			} else {
				l[i * p + j] = sum / l[j * p + j];
			}
		}
	return true;
}

/* Solves l l' x = b for the Cholesky factor l. */
static void chol_solve(const double *l, size_t p, const double *b, double *x)
{
	for (size_t i = 0; i < p; i++) {
		double sum = b[i];
		for (size_t k = 0; k < i; k++)
			sum -= l[i * p + k] * x[k];
		x[i] = sum / l[i * p + i];
	}
	for (size_t i = p; i-- > 0;) {
		double sum = x[i];
		for (size_t k = i + 1; k < p; k++)
			sum -= l[k * p + i] * x[k];
		x[i] = sum / l[i * p + i];
	}
}

#define REF_MAX_DEGREE 3

int stat_bunch_excess_ref(const double *c, const double *ref, int nv, const int *bounds, int nb,
			  int deg, const struct stat_bunch_opts *o, struct stat_bunch_est *out)
{
	bool excl[STAT_BUNCH_MAX_BINS] = {false};
	if (nv > STAT_BUNCH_MAX_BINS)
		nv = 0; /* refused below, before any bin is touched */
	est_init(c, nv, bounds, nb, o, out);
	for (int i = 0; i < nb; i++)
		for (int v = out[i].lo; out[i].ok && v <= out[i].hi; v++)
			excl[v] = true;
	if (nv < 3 || deg < 0 || deg > REF_MAX_DEGREE)
		goto fail;
	size_t p = (size_t)deg + 1, nfit = 0;
	double x[STAT_BUNCH_MAX_BINS][REF_MAX_DEGREE + 1], beta[REF_MAX_DEGREE + 1] = {0};
	double sc = 0, sr = 0;
	for (int v = 0; v < nv; v++) {
		basis(v, nv, deg, x[v]);
		if (!excl[v] && ref[v] > 0) {
			nfit++;
			sc += c[v];
			sr += ref[v];
		}
	}
	if (nfit < p + 2 || !(sc > 0) || !(sr > 0))
		goto fail;
	beta[0] = log(sc / sr);
	double a[(REF_MAX_DEGREE + 1) * (REF_MAX_DEGREE + 1)], l[sizeof a / sizeof *a];
	double mu[STAT_BUNCH_MAX_BINS];
	bool conv = false;
	for (int it = 0; it < 50 && !conv; it++) {
		/* Newton's method for the Poisson log likelihood with offset log ref (= IRLS). */
		double g[REF_MAX_DEGREE + 1] = {0}, d[REF_MAX_DEGREE + 1];
		memset(a, 0, sizeof a);
		for (int v = 0; v < nv; v++) {
			double eta = 0;
			for (size_t k = 0; k < p; k++)
				eta += beta[k] * x[v][k];
			mu[v] = ref[v] > 0 ? ref[v] * exp(eta < 700 ? eta : 700) : 0;
			if (excl[v] || !(ref[v] > 0))
				continue;
			for (size_t k = 0; k < p; k++) {
				g[k] += (c[v] - mu[v]) * x[v][k];
				for (size_t m = 0; m < p; m++)
					a[k * p + m] += mu[v] * x[v][k] * x[v][m];
			}
		}
		if (!cholesky(a, p, l))
			goto fail;
		chol_solve(l, p, g, d);
		double dmax = 0;
		for (size_t k = 0; k < p; k++) {
			beta[k] += d[k];
			dmax = fmax(dmax, fabs(d[k]) / (1 + fabs(beta[k])));
		}
		conv = dmax < 1e-10;
	}
	if (!conv)
		goto fail;
	/* mu at the final beta, the covariance (X'WX)^-1 there, the dispersion. */
	double ys[STAT_BUNCH_MAX_BINS], ms[STAT_BUNCH_MAX_BINS], cov[sizeof a / sizeof *a];
	double grad[STAT_BUNCH_MAX_BINS * (REF_MAX_DEGREE + 1)];
	memset(a, 0, sizeof a);
	size_t n = 0;
	for (int v = 0; v < nv; v++) {
		double eta = 0;
		for (size_t k = 0; k < p; k++)
			eta += beta[k] * x[v][k];
		mu[v] = ref[v] > 0 ? ref[v] * exp(eta < 700 ? eta : 700) : 0;
		for (size_t k = 0; k < p; k++)
			grad[(size_t)v * p + k] = mu[v] * x[v][k];
		if (excl[v] || !(ref[v] > 0))
			continue;
		ys[n] = c[v];
		ms[n++] = mu[v];
		for (size_t k = 0; k < p; k++)
			for (size_t m = 0; m < p; m++)
				a[k * p + m] += mu[v] * x[v][k] * x[v][m];
	}
	if (!cholesky(a, p, l))
		goto fail;
	for (size_t k = 0; k < p; k++) {
		double unit[REF_MAX_DEGREE + 1] = {0}, col[REF_MAX_DEGREE + 1];
		unit[k] = 1;
		chol_solve(l, p, unit, col);
		for (size_t m = 0; m < p; m++)
			cov[m * p + k] = col[m];
	}
	double scale = dispersion(ys, ms, n, p, true);
	for (int i = 0; i < nb; i++) {
		struct stat_bunch_est *e = &out[i];
		if (!e->ok)
			continue;
		double ca = 0, cb = 0;
		for (int v = e->lo; v <= e->hi; v++) {
			if (v >= e->b)
				ca += mu[v];
			else
				cb += mu[v];
		}
		est_fill(e, c, ca, cb);
		delta_set(e, c, grad, p, cov, scale, true, o->level);
	}
	return 0;
fail:
	for (int i = 0; i < nb; i++)
		out[i].ok = false;
	return ERR_INVALID;
}
