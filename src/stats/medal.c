/* stats/medal: the medalists' non-confirmation index (see medal.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void stat_medal_schools(struct stat_medal_school *s, size_t n, double alpha,
			struct stat_medal_total *t)
{
	memset(t, 0, sizeof *t);
	t->schools = n;
	for (size_t i = 0; i < n; i++) {
		t->medalists += s[i].medalists;
		t->checked += s[i].checked;
		t->below += s[i].below;
		t->noresult += s[i].noresult;
		t->norule += s[i].norule;
	}
	t->rate = t->checked ? (double)t->below / (double)t->checked : NAN;
	double *p = xmalloc((n ? n : 1) * sizeof *p), *q = xmalloc((n ? n : 1) * sizeof *q);
	for (size_t i = 0; i < n; i++) {
		struct stat_medal_school *x = &s[i];
		x->share = x->checked ? (double)x->below / (double)x->checked : NAN;
		x->p = x->checked ? stat_binom_upper(x->below, x->checked, t->rate) : NAN;
		p[i] = x->p;
		if (!isnan(x->p))
			t->tested++;
	}
	stat_bh_adjust(p, n, q);
	for (size_t i = 0; i < n; i++) {
		s[i].q = q[i];
		s[i].significant = !isnan(q[i]) && q[i] <= alpha && s[i].share > t->rate;
		t->significant += s[i].significant;
	}
	free(p);
	free(q);
}
