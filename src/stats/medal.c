/* stats/medal: the medalists' non-confirmation index (see medal.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "base/mem.h"
#include "stats/medal.h"
#include "stats/tests.h"

static bool meets(const struct stat_medal_req *q, const struct stat_medal_res *r)
{
	if (q->min_score >= 0)
		return r->score >= 0 && r->score >= q->min_score;
	return r->mark >= 0 && r->mark >= q->min_mark;
}

/* True when result r is one the requirement q looks at. */
static bool applies(const struct stat_medal_req *q, const struct stat_medal_res *r)
{
	if (!strcmp(q->subject, "*"))
		return strcmp(r->subject, "RU") && strcmp(r->subject, "MB") && r->score >= 0;
	return !strcmp(q->subject, r->subject);
}

/* 1 met, 0 failed, -1 no result: of the requirements of req for which `alt` says whether
 * they are the alternatives (any met is enough) or RU (alone). */
static int group(const struct stat_medal_req *req, size_t nreq, bool alt,
		 const struct stat_medal_res *res, size_t nres, bool *present)
{
	bool seen = false, any = false;
	for (size_t i = 0; i < nreq; i++) {
		bool ru = !strcmp(req[i].subject, "RU");
		if (ru == alt)
			continue;
		any = true;
		for (size_t j = 0; j < nres; j++) {
			if (!applies(&req[i], &res[j]))
				continue;
			seen = true;
			if (meets(&req[i], &res[j])) {
				*present = true;
				return 1;
			}
		}
	}
	*present = any;
	return seen ? 0 : -1;
}

enum stat_medal_status stat_medal_status(const struct stat_medal_req *req, size_t nreq,
					 const struct stat_medal_res *res, size_t nres,
					 const char **failed)
{
	if (failed)
		*failed = NULL;
	if (!nreq)
		return STAT_MEDAL_NORULE;
	bool has_ru, has_alt;
	int ru = group(req, nreq, false, res, nres, &has_ru);
	int alt = group(req, nreq, true, res, nres, &has_alt);
	if (has_ru && ru == 0) {
		if (failed)
			*failed = "RU";
		return STAT_MEDAL_BELOW;
	}
	if (has_alt && alt == 0) {
		if (failed)
			*failed = "";
		return STAT_MEDAL_BELOW;
	}
	if ((has_ru && ru < 0) || (has_alt && alt < 0))
		return STAT_MEDAL_NORESULT;
	return STAT_MEDAL_OK;
}

double stat_medal_pooled_upper(uint64_t k, const uint64_t *n, const double *p, size_t m)
{
	uint64_t total = 0, widest = 0;
	size_t used = 0, last = 0;
	for (size_t j = 0; j < m; j++)
		if (n[j]) {
			total += n[j];
			widest = n[j] > widest ? n[j] : widest;
			used++;
			last = j;
		}
	if (k == 0)
		return 1.0;
	if (k > total)
		return 0.0;
	if (used == 1)
		return stat_binom_upper(k, n[last], p[last]);
	/* f: the law of the sum so far over 0..cur; b: the next year's binomial. */
	double *f = xcalloc(total + 1, sizeof *f), *g = xcalloc(total + 1, sizeof *g);
	double *b = xmalloc((widest + 1) * sizeof *b);
	uint64_t cur = 0;
	f[0] = 1.0;
	for (size_t j = 0; j < m; j++) {
		if (!n[j])
			continue;
		double pj = p[j] < 0 ? 0 : p[j] > 1 ? 1 : p[j];
		for (uint64_t x = 0; x <= n[j]; x++)
			b[x] = gsl_ran_binomial_pdf((unsigned)x, pj, (unsigned)n[j]);
		memset(g, 0, (cur + n[j] + 1) * sizeof *g);
		for (uint64_t a = 0; a <= cur; a++)
			if (f[a] != 0)
				for (uint64_t x = 0; x <= n[j]; x++)
					g[a + x] += f[a] * b[x];
		double *t = f;
		f = g;
		g = t;
		cur += n[j];
	}
	/* The tail from its small end first. */
	double tail = 0;
	for (uint64_t x = total + 1; x-- > k;)
		tail += f[x];
	free(f);
	free(g);
	free(b);
	return tail > 1 ? 1.0 : tail;
}

void stat_medal_schools_years(struct stat_medal_school *s, size_t n,
			      const struct stat_medal_school *y, size_t ny, double alpha,
			      struct stat_medal_total *t, double *rates)
{
	memset(t, 0, sizeof *t);
	t->schools = n;
	double *rate = xmalloc((ny ? ny : 1) * sizeof *rate);
	for (size_t j = 0; j < ny; j++) {
		uint64_t c = 0, k = 0;
		for (size_t i = 0; i < n; i++) {
			c += y[i * ny + j].checked;
			k += y[i * ny + j].below;
		}
		rate[j] = c ? (double)k / (double)c : NAN;
		if (rates)
			rates[j] = rate[j];
	}
	uint64_t *nn = xmalloc((ny ? ny : 1) * sizeof *nn);
	double *p = xmalloc((n ? n : 1) * sizeof *p), *q = xmalloc((n ? n : 1) * sizeof *q);
	for (size_t i = 0; i < n; i++) {
		struct stat_medal_school *x = &s[i];
		x->medalists = x->checked = x->below = x->noresult = x->norule = 0;
		double mean = 0;
		for (size_t j = 0; j < ny; j++) {
			const struct stat_medal_school *v = &y[i * ny + j];
			x->medalists += v->medalists;
			x->checked += v->checked;
			x->below += v->below;
			x->noresult += v->noresult;
			x->norule += v->norule;
			nn[j] = v->checked;
			if (v->checked)
				mean += (double)v->checked * rate[j];
		}
		t->medalists += x->medalists;
		t->checked += x->checked;
		t->below += x->below;
		t->noresult += x->noresult;
		t->norule += x->norule;
		x->share = x->checked ? (double)x->below / (double)x->checked : NAN;
		x->expected = x->checked ? mean / (double)x->checked : NAN;
		x->p = x->checked ? stat_medal_pooled_upper(x->below, nn, rate, ny) : NAN;
		p[i] = x->p;
		if (!isnan(x->p))
			t->tested++;
	}
	t->rate = t->checked ? (double)t->below / (double)t->checked : NAN;
	stat_bh_adjust(p, n, q);
	for (size_t i = 0; i < n; i++) {
		s[i].q = q[i];
		s[i].significant = !isnan(q[i]) && q[i] <= alpha && s[i].share > s[i].expected;
		t->significant += s[i].significant;
	}
	free(rate);
	free(nn);
	free(p);
	free(q);
}

void stat_medal_schools(struct stat_medal_school *s, size_t n, double alpha,
			struct stat_medal_total *t)
{
	/* One year: the pooled test of a single binomial. */
	struct stat_medal_school *y = xmalloc((n ? n : 1) * sizeof *y);
	if (n)
		memcpy(y, s, n * sizeof *y);
	stat_medal_schools_years(s, n, y, 1, alpha, t, NULL);
	free(y);
}
