/* stats/signs: per-school signs of one procedure from the per-school count table. */
#include "stats/signs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/catalogue.h"
#include "stats/desc.h"
#include "stats/mark.h"
#include "stats/rank.h"
#include "stats/tests.h"

/* Names and kinds come from the one catalogue (stats/catalogue.c). */
const char *stat_sign_name(enum stat_sign s)
{
	const struct stat_sign_info *i = stat_sign_info(s);
	return i ? i->id : NULL;
}

bool stat_sign_official(enum stat_sign s)
{
	const struct stat_sign_info *i = stat_sign_info(s);
	return i && i->kind == STAT_KIND_OFFICIAL;
}

int stat_tab_build(const struct stat_proc *p, struct stat_tab *t)
{
	memset(t, 0, sizeof *t);
	if (p->max_score < 1 || p->max_score > STAT_MAX_SCORE || p->nschools > UINT32_MAX ||
	    (p->n > 0 && (!p->school || !p->score)))
		return ERR_INVALID;
	t->nschools = p->nschools;
	t->max_score = p->max_score;
	t->w = (size_t)p->max_score + 1;
	t->has_scale = p->has_scale;
	memcpy(t->scale, p->scale, sizeof t->scale);
	t->has_journal = p->journal != NULL;
	t->c = xcalloc((p->nschools ? p->nschools : 1) * 5 * t->w, sizeof *t->c);
	t->n = xcalloc(p->nschools ? p->nschools : 1, sizeof *t->n);
	t->region = xcalloc(5 * t->w, sizeof *t->region);
	t->hist = xcalloc((p->nschools ? p->nschools : 1) * t->w, sizeof *t->hist);
	if (p->mark && p->journal)
		t->jm = xcalloc((p->nschools ? p->nschools : 1) * 16, sizeof *t->jm);
	for (size_t i = 0; i < p->n; i++) {
		uint32_t s = p->school[i];
		int v = p->score[i], j = p->journal ? p->journal[i] : 0;
		if (s >= p->nschools || v < 0 || v > p->max_score || (j != 0 && (j < 2 || j > 5))) {
			stat_tab_free(t);
			return ERR_INVALID;
		}
		int slot = j ? j - 1 : 0;
		t->c[((size_t)s * 5 + (size_t)slot) * t->w + (size_t)v]++;
		t->n[s]++;
		t->hist[(size_t)s * t->w + (size_t)v]++;
		t->region[(size_t)slot * t->w + (size_t)v]++;
		if (t->jm && j) {
			int m = p->mark[i] ? p->mark[i] : t->has_scale ? score_mark(t->scale, v) : 0;
			if (m < 0 || m == 1 || m > 5) {
				stat_tab_free(t);
				return ERR_INVALID;
			}
			if (m)
				t->jm[(size_t)s * 16 + (size_t)(j - 2) * 4 + (size_t)(m - 2)]++;
		}
	}
	/* Each school's span of scores, from its histogram (the loops over a school's rows
	 * skip their zeros: only where they are not all zero is read). */
	t->span = xcalloc(2 * (p->nschools ? p->nschools : 1), sizeof *t->span);
	for (size_t s = 0; s < p->nschools; s++) {
		if (!t->n[s])
			continue;
		const uint32_t *h = t->hist + s * t->w;
		size_t lo = 0, hi = t->w;
		while (!h[lo])
			lo++;
		while (!h[hi - 1])
			hi--;
		t->span[2 * s] = (uint32_t)lo;
		t->span[2 * s + 1] = (uint32_t)hi;
	}
	return 0;
}

void stat_tab_free(struct stat_tab *t)
{
	free(t->c);
	free(t->n);
	free(t->region);
	free(t->hist);
	free(t->span);
	free(t->jm);
	memset(t, 0, sizeof *t);
}

void stat_tab_school_hist(const struct stat_tab *t, size_t s, uint32_t *h)
{
	/* Summed as the table is built: four signs read every school's. */
	memcpy(h, t->hist + s * t->w, t->w * sizeof *h);
}

void stat_tab_region_hist(const struct stat_tab *t, uint64_t *h)
{
	for (size_t v = 0; v < t->w; v++)
		h[v] = 0;
	for (int j = 0; j < 5; j++)
		for (size_t v = 0; v < t->w; v++)
			h[v] += t->region[(size_t)j * t->w + v];
}

int stat_sign_mean(const struct stat_tab *t, const struct stat_cfg *cfg,
		   struct stat_mean_region *r, struct stat_mean_school *out)
{
	uint64_t *rh = xmalloc(t->w * sizeof *rh);
	uint32_t *h = xmalloc(t->w * sizeof *h);
	stat_tab_region_hist(t, rh);
	struct stat_moments rm = stat_hist_moments64(rh, t->w);
	r->n = rm.n;
	r->mean = rm.mean;
	r->sd = rm.sd;
	stat_mean_ci(rm.mean, rm.sd, rm.n, cfg->z, &r->lo, &r->hi);
	for (size_t s = 0; s < t->nschools; s++) {
		struct stat_mean_school *o = &out[s];
		stat_tab_school_hist(t, s, h);
		struct stat_moments m = stat_hist_moments(h, t->w);
		o->n = (uint32_t)m.n;
		o->mean = m.mean;
		o->sd = m.sd;
		o->pct = m.n ? 100.0 * m.mean / t->max_score : NAN;
		stat_mean_ci(m.mean, m.sd, m.n, cfg->z, &o->lo, &o->hi);
		if (o->n < cfg->min_n_mean || o->n < 2 || isnan(r->hi))
			o->status = STAT_NOT_EVALUABLE;
		else
			o->status = o->lo > r->hi ? STAT_FLAG : STAT_OK;
	}
	free(rh);
	free(h);
	return 0;
}

int stat_sign_journal(const struct stat_tab *t, const struct stat_cfg *cfg,
		      struct stat_journal_school *out)
{
	for (size_t s = 0; s < t->nschools; s++) {
		struct stat_journal_school *o = &out[s];
		/* Rows j = 1..4 of the school are contiguous: a 4 x w table mark x score. */
		const uint32_t *tab = stat_tab_row(t, s, 1);
		uint64_t n = 0;
		for (size_t i = 0; i < 4 * t->w; i++)
			n += tab[i];
		o->n = (uint32_t)n;
		o->rs = o->rs_classic = NAN;
		if (n < cfg->min_n_journal || n < 2) {
			o->status = STAT_NOT_EVALUABLE;
			continue;
		}
		o->rs = stat_spearman_table(tab, 4, t->w, &o->rs_classic);
		if (isnan(o->rs))
			o->status = STAT_NOT_EVALUABLE;
		else
			o->status = o->rs < 0 ? STAT_FLAG : STAT_OK;
	}
	return 0;
}

int stat_sign_cohort(const struct stat_mean_school *a, const struct stat_mean_school *b,
		     size_t nschools, const struct stat_cfg *cfg, struct stat_cohort_region *r,
		     struct stat_cohort_school *out)
{
	double *k = xmalloc((nschools ? nschools : 1) * sizeof *k);
	size_t nk = 0;
	uint32_t min_n = cfg->min_n_cohort ? cfg->min_n_cohort : 1;
	for (size_t s = 0; s < nschools; s++) {
		struct stat_cohort_school *o = &out[s];
		o->n1 = a[s].n;
		o->n2 = b[s].n;
		o->s1 = a[s].n ? a[s].pct : NAN;
		o->s2 = b[s].n ? b[s].pct : NAN;
		o->k = NAN;
		if (o->n1 >= min_n && o->n2 >= min_n && o->s2 > 0) {
			o->k = o->s1 / o->s2;
			k[nk++] = o->k;
		}
	}
	*r = (struct stat_cohort_region){nk, NAN, NAN, NAN, NAN, NAN};
	if (nk > 0) {
		stat_sort(k, nk);
		r->q25 = stat_quantile7_sorted(k, nk, 0.25);
		r->q75 = stat_quantile7_sorted(k, nk, 0.75);
		r->iqr = r->q75 - r->q25;
		r->lo = r->q25 - cfg->cohort_iqr * r->iqr;
		r->hi = r->q75 + cfg->cohort_iqr * r->iqr;
	}
	for (size_t s = 0; s < nschools; s++) {
		struct stat_cohort_school *o = &out[s];
		if (isnan(o->k)) {
			o->rise = o->drop = STAT_NOT_EVALUABLE;
			continue;
		}
		o->drop = o->k > r->hi ? STAT_FLAG : STAT_OK;
		o->rise = o->k < r->lo ? STAT_FLAG : STAT_OK;
	}
	free(k);
	return 0;
}

/* Mark 2..5 of a score by the table's scale. */
static int tab_mark(const struct stat_tab *t, size_t v)
{
	return score_mark(t->scale, (int)v);
}

int stat_marks(const struct stat_tab *t, struct stat_marks_school *out,
	       struct stat_marks_school *r)
{
	uint32_t *h = xmalloc(t->w * sizeof *h);
	uint64_t rm[4] = {0}, rn = 0;
	for (size_t s = 0; s < t->nschools; s++) {
		struct stat_marks_school *o = &out[s];
		memset(o, 0, sizeof *o);
		o->n = t->n[s];
		o->share2 = NAN;
		if (!t->has_scale)
			continue;
		stat_tab_school_hist(t, s, h);
		for (size_t v = 0; v < t->w; v++)
			o->m[tab_mark(t, v) - 2] += h[v];
		if (o->n)
			o->share2 = (double)o->m[0] / o->n;
		for (int i = 0; i < 4; i++)
			rm[i] += o->m[i];
		rn += o->n;
	}
	if (r) {
		memset(r, 0, sizeof *r);
		r->n = (uint32_t)(rn > UINT32_MAX ? UINT32_MAX : rn);
		for (int i = 0; i < 4; i++)
			r->m[i] = (uint32_t)(rm[i] > UINT32_MAX ? UINT32_MAX : rm[i]);
		r->share2 = t->has_scale && rn ? (double)rm[0] / (double)rn : NAN;
	}
	free(h);
	return 0;
}

int stat_sign_share2(const struct stat_marks_school *y1, const struct stat_marks_school *y2,
		     size_t nschools, const struct stat_cfg *cfg, struct stat_share2_school *out)
{
	for (size_t s = 0; s < nschools; s++) {
		struct stat_share2_school *o = &out[s];
		o->n1 = y1[s].n;
		o->n2 = y2[s].n;
		o->s1 = y1[s].share2;
		o->s2 = y2[s].share2;
		o->diff = o->s2 - o->s1;
		if (o->n1 < cfg->min_n_share2 || o->n2 < cfg->min_n_share2 || isnan(o->diff) ||
		    o->n1 == 0 || o->n2 == 0) {
			o->status = STAT_NOT_EVALUABLE;
			continue;
		}
		/* The tolerance keeps an exact 10 p.p. rise (e.g. 0.2 -> 0.3) a flag. */
		o->status = o->diff >= cfg->share2_rise - 1e-12 ? STAT_FLAG : STAT_OK;
	}
	return 0;
}

int stat_sign_gap(const struct stat_tab *t, const struct stat_cfg *cfg,
		  struct stat_gap_region *r, struct stat_gap_school *out)
{
	memset(r, 0, sizeof *r);
	r->share = NAN;
	bool ok = (t->has_scale || t->jm) && t->has_journal;
	for (size_t s = 0; s < t->nschools; s++) {
		struct stat_gap_school *o = &out[s];
		memset(o, 0, sizeof *o);
		o->share = o->p = o->q_adj = NAN;
		if (!ok)
			continue;
		/* Stated exam marks (ОГЭ): the journal x mark table; else the scale's mark of each
		 * score. */
		for (int j = 0; t->jm && j < 4; j++) {
			for (int m = 0; m < 4; m++) {
				uint32_t c = t->jm[s * 16 + (size_t)j * 4 + (size_t)m];
				int d = m - j;
				o->n += c;
				if (d < 0)
					o->below += c;
				else if (d == 0)
					o->same += c;
				else
					o->above += c;
				if (abs(d) >= cfg->gap_marks)
					o->gap += c;
			}
		}
		size_t lo, hi;
		stat_tab_span(t, s, &lo, &hi);
		for (int j = 1; j <= 4 && !t->jm; j++) {
			const uint32_t *row = stat_tab_row(t, s, j);
			int jm = j + 1;
			for (size_t v = lo; v < hi; v++) {
				if (!row[v])
					continue;
				int d = tab_mark(t, v) - jm;
				o->n += row[v];
				if (d < 0)
					o->below += row[v];
				else if (d == 0)
					o->same += row[v];
				else
					o->above += row[v];
				if (abs(d) >= cfg->gap_marks)
					o->gap += row[v];
			}
		}
		r->n += o->n;
		r->below += o->below;
		r->same += o->same;
		r->above += o->above;
		r->gap += o->gap;
		if (o->n)
			o->share = (double)o->gap / o->n;
	}
	if (r->n)
		r->share = (double)r->gap / (double)r->n;
	for (size_t s = 0; s < t->nschools; s++) {
		struct stat_gap_school *o = &out[s];
		if (!ok || o->n < cfg->min_n_group || o->n == 0 || isnan(r->share)) {
			o->status = STAT_NOT_EVALUABLE;
			continue;
		}
		o->p = stat_binom_upper(o->gap, o->n, r->share);
	}
	if (t->nschools)
		stat_bh_strided(&out[0].p, sizeof *out, &out[0].q_adj, sizeof *out, t->nschools,
				cfg->q);
	for (size_t s = 0; s < t->nschools; s++)
		if (!isnan(out[s].p))
			out[s].status = out[s].q_adj <= cfg->q ? STAT_FLAG : STAT_OK;
	return 0;
}

int stat_sign_peak(const struct stat_tab *t, const struct stat_cfg *cfg,
		   struct stat_peak_school *out)
{
	uint32_t *h = xmalloc(t->w * sizeof *h);
	for (size_t s = 0; s < t->nschools; s++) {
		stat_tab_school_hist(t, s, h);
		for (int i = 0; i < 3; i++) {
			struct stat_peak_school *o = &out[s * 3 + (size_t)i];
			memset(o, 0, sizeof *o);
			o->n = t->n[s];
			if (!t->has_scale) {
				o->status = STAT_NOT_EVALUABLE;
				continue;
			}
			size_t b = (size_t)t->scale[i];
			o->below = b >= 1 ? h[b - 1] : 0;
			o->at = h[b];
			o->above = b + 1 < t->w ? h[b + 1] : 0;
			if (o->n < cfg->min_n_peak || b < 1) {
				o->status = STAT_NOT_EVALUABLE;
				continue;
			}
			bool peak = o->at >= cfg->min_peak_count && o->at > o->below &&
				    (b + 1 >= t->w || o->at > o->above);
			o->status = peak ? STAT_FLAG : STAT_OK;
		}
	}
	free(h);
	return 0;
}

/* Counts of a school in the per-school window of boundary ref: a (at/above b), m (all). */
static void window_counts(const uint32_t *h, const struct stat_bunch_ref *ref, uint64_t *a,
			  uint64_t *m)
{
	*a = *m = 0;
	for (int v = ref->lo; v <= ref->hi; v++) {
		*m += h[v];
		if (v >= ref->est.b)
			*a += h[v];
	}
}

/* Mean of the curve f[0..w-1] tilted by exp(lam * (v - vc)), and its variance; g[v] gets
 * the tilted curve. At lam = 0 the factor is exp(±0) = 1 exactly: no exp is called, the
 * same bits. */
static double tilt_mean(const double *f, size_t w, double lam, double vc, double *var, double *g)
{
	double s0 = 0, s1 = 0, s2 = 0;
	for (size_t v = 0; v < w; v++) {
		double x = (double)v - vc;
		g[v] = lam == 0 ? f[v] : f[v] * exp(lam * x);
		s0 += g[v];
		s1 += g[v] * x;
		s2 += g[v] * x * x;
	}
	if (!(s0 > 0)) {
		*var = 0;
		return vc;
	}
	double m = s1 / s0;
	*var = s2 / s0 - m * m;
	return m + vc;
}

/* lambda such that the tilted curve's mean is target (safeguarded Newton on [-1, 1] per
 * score point; the mean is increasing in lambda). g (w values) gets the curve tilted by
 * the lambda returned: the last evaluation's when it was at that lambda (it mostly is:
 * Newton stops where it has just evaluated), else computed again, the same way. */
static double tilt_solve(const double *f, size_t w, double vc, double target, double *g)
{
	double lo = -1, hi = 1, lam = 0, var, at = NAN;
	for (int it = 0; it < 50; it++) {
		double m = tilt_mean(f, w, lam, vc, &var, g), d = m - target;
		at = lam;
		if (fabs(d) < 1e-9)
			break;
		if (d > 0)
			hi = lam;
		else
			lo = lam;
		double nx = var > 0 ? lam - d / var : 0.5 * (lo + hi);
		lam = nx > lo && nx < hi ? nx : 0.5 * (lo + hi);
		if (hi - lo < 1e-12)
			break;
	}
	if (!(at == lam && signbit(at) == signbit(lam)))
		tilt_mean(f, w, lam, vc, &var, g);
	return lam;
}

/* The mark of score v on the scale (2..5). */
static int mark_at(const struct stat_tab *t, int v)
{
	return score_mark(t->scale, v);
}

/* The region's journal slot shares by score, computed once per procedure: sh[v*5 + j]
 * (slot 0 none, 1..4 marks 2..5), NaN in slot 0 where the region has no work. */
static double *region_share_table(const struct stat_tab *t)
{
	size_t w = t->w;
	double *sh = xmalloc(5 * w * sizeof *sh);
	for (size_t v = 0; v < w; v++) {
		uint64_t n = 0;
		for (int j = 0; j < 5; j++)
			n += t->region[(size_t)j * w + v];
		for (int j = 0; j < 5; j++)
			sh[v * 5 + (size_t)j] = n ? (double)t->region[(size_t)j * w + v] / (double)n : 0;
		if (!n)
			sh[v * 5] = NAN;
	}
	return sh;
}

/* A school's grading culture: the region's journal marks at each score tilted by
 * exp(lenience * mark + agreement * [mark == the work's mark]) (methodology-oko.md §5.4). */
struct culture {
	double lenience, agreement;
	double el[4], ea; /* exp(lenience * mark) for marks 2..5, exp(agreement) */
};
static const struct culture no_culture = {0, 0, {1, 1, 1, 1}, 1};

/* The school's slot shares at score v under its culture: the share without a mark stays
 * the region's, the marks' shares are tilted. False when the region has no work at v. */
static bool school_shares(const struct stat_tab *t, const double *rsh, int v,
			  const struct culture *cu, double *pj)
{
	const double *r = rsh + (size_t)v * 5;
	if (isnan(r[0]))
		return false;
	memcpy(pj, r, 5 * sizeof *pj);
	if (cu->lenience == 0 && cu->agreement == 0)
		return true;
	int mk = mark_at(t, v);
	double e[5], tot = 0;
	for (int j = 1; j < 5; j++) {
		e[j] = pj[j] * cu->el[j - 1] * (j + 1 == mk ? cu->ea : 1);
		tot += e[j];
	}
	if (tot > 0)
		for (int j = 1; j < 5; j++)
			pj[j] = e[j] / tot * (1 - pj[0]);
	return true;
}

/* One score of a school in the culture's likelihood: its marked works there. */
struct cscore {
	const double *base; /* the region's shares of marks 2..5 (slots 1..4) */
	int mk;             /* the score's mark on the scale, 2..5 */
	double n, sx, na;   /* marked works, sum of their marks, those agreeing with mk */
};

/* The culture of school s by penalised maximum likelihood (independent N(0, sd^2) priors,
 * Newton) from its works with a journal mark whose score is not a bound of the scale (the
 * heap, where pulled works sit, does not inform it). sd <= 0: no culture (the region's
 * marks as they are). cs: scratch of w entries. */
static struct culture school_culture(const struct stat_tab *t, const double *rsh, size_t s,
				     double sd, struct cscore *cs)
{
	struct culture cu = no_culture;
	if (!(sd > 0) || !t->has_journal)
		return cu;
	size_t w = t->w, k = 0;
	for (size_t v = 0; v < w; v++) {
		if ((int)v == t->scale[0] || (int)v == t->scale[1] || (int)v == t->scale[2] ||
		    isnan(rsh[v * 5]))
			continue;
		struct cscore c = {rsh + v * 5 + 1, mark_at(t, (int)v), 0, 0, 0};
		for (int j = 0; j < 4; j++) {
			double n = stat_tab_row(t, s, j + 1)[v];
			c.n += n;
			c.sx += n * (j + 2);
			if (j + 2 == c.mk)
				c.na = n;
		}
		if (c.n > 0) /* the region holds this school's works: base > 0 where n > 0 */
			cs[k++] = c;
	}
	if (!k)
		return cu;
	double lam = 1 / (sd * sd);
	for (int it = 0; it < 30; it++) {
		double g1 = -lam * cu.lenience, g2 = -lam * cu.agreement, h11 = lam, h22 = lam,
		       h12 = 0, el[4], ea = exp(cu.agreement);
		for (int j = 0; j < 4; j++)
			el[j] = exp(cu.lenience * (j + 2));
		for (size_t i = 0; i < k; i++) {
			const struct cscore *c = &cs[i];
			double q[4], tot = 0, ex = 0, exx = 0;
			/* The loops over the four marks unrolled (the same operations). */
#pragma GCC unroll 4
			for (int j = 0; j < 4; j++) {
				q[j] = c->base[j] * el[j] * (j + 2 == c->mk ? ea : 1);
				tot += q[j];
			}
			if (!(tot > 0))
				continue;
#pragma GCC unroll 4
			for (int j = 0; j < 4; j++) {
				q[j] /= tot;
				ex += q[j] * (j + 2);
				exx += q[j] * (j + 2) * (j + 2);
			}
			double agr = q[c->mk - 2];
			g1 += c->sx - c->n * ex;
			g2 += c->na - c->n * agr;
			h11 += c->n * (exx - ex * ex);
			h22 += c->n * (agr - agr * agr);
			h12 += c->n * (agr * c->mk - ex * agr);
		}
		double det = h11 * h22 - h12 * h12;
		if (!(det > 0))
			break;
		double dc = (h22 * g1 - h12 * g2) / det, dd = (h11 * g2 - h12 * g1) / det;
		cu.lenience += dc > 1 ? 1 : dc < -1 ? -1 : dc;
		cu.agreement += dd > 1 ? 1 : dd < -1 ? -1 : dd;
		if (fabs(dc) + fabs(dd) < 1e-8)
			break;
	}
	for (int j = 0; j < 4; j++)
		cu.el[j] = exp(cu.lenience * (j + 2));
	cu.ea = exp(cu.agreement);
	return cu;
}

/* The journal slot shares of scores lo..hi, each score weighted by g[v] (the school's
 * expected shape), under the school's culture: P(j | scores lo..hi). False when the region
 * has no works there. */
static bool window_shares(const struct stat_tab *t, const double *rsh, const double *g,
			  int lo, int hi, const struct culture *cu, double *pj)
{
	double tot = 0, sv[5];
	for (int j = 0; j < 5; j++)
		pj[j] = 0;
	for (int v = lo; v <= hi; v++) {
		if (!school_shares(t, rsh, v, cu, sv))
			continue;
		for (int j = 0; j < 5; j++)
			pj[j] += g[v] * sv[j];
		tot += g[v];
	}
	if (!(tot > 0))
		return false;
	for (int j = 0; j < 5; j++)
		pj[j] /= tot;
	return true;
}

/* The journal-mark likelihood ratio of a work in the heap: rho[j] = P(j | hole) /
 * P(j | heap) under the school's culture, smoothed by prior mass alpha spread over the
 * five slots and scaled so that its mean over the heap is 1 (the statistic's null mean
 * stays 0). Returns E[rho^2] over the heap and puts E[rho^3] in *m3; rho = 1 (return 1)
 * when marks are off, the procedure has none (rsh NULL) or the region has none there. */
static double journal_ratio(const struct stat_tab *t, const double *rsh, const double *g,
			    int lo, int b, int hi, double alpha, const struct culture *cu,
			    double *rho, double *m3)
{
	double hole[5], heap[5];
	for (int j = 0; j < 5; j++)
		rho[j] = 1;
	*m3 = 1;
	if (alpha < 0 || !rsh || !window_shares(t, rsh, g, lo, b - 1, cu, hole) ||
	    !window_shares(t, rsh, g, b, hi, cu, heap))
		return 1;
	double mean = 0, m2 = 0;
	for (int j = 0; j < 5; j++) {
		rho[j] = (hole[j] + alpha / 5) / (heap[j] + alpha / 5);
		mean += heap[j] * rho[j];
	}
	*m3 = 0;
	for (int j = 0; j < 5; j++) {
		rho[j] /= mean;
		m2 += heap[j] * rho[j] * rho[j];
		*m3 += heap[j] * rho[j] * rho[j] * rho[j];
	}
	return m2;
}

/* The pooled window statistic of one school s (see struct stat_bunch_school). f: the
 * regional counterfactual curve (w values), vc its mean; rmean: the region's observed
 * mean score. */
static void pool_school(const struct stat_tab *t, const struct stat_cfg *cfg, size_t s,
			const uint32_t *h, const double *f, double vc, double rmean,
			const double *rsh, double *g, struct cscore *cs,
			struct stat_bunch_school *o)
{
	size_t w = t->w;
	uint64_t n = 0, sx = 0;
	for (size_t v = 0; v < w; v++) {
		n += h[v];
		sx += (uint64_t)h[v] * v;
	}
	if (!n)
		return;
	double lam = 0;
	if (cfg->pool_tilt) {
		lam = tilt_solve(f, w, vc, vc + (double)sx / (double)n - rmean, g);
	} else {
		double var;
		tilt_mean(f, w, 0, vc, &var, g);
	}
	o->tilt = lam;
	struct culture cu = no_culture;
	if (cfg->pool_journal >= 0 && rsh)
		cu = school_culture(t, rsh, s, cfg->pool_culture, cs);
	o->lenience = cu.lenience;
	o->agreement = cu.agreement;
	int prev_hi = -1;
	for (int i = 0; i < 3; i++) {
		int b = t->scale[i], lo = b - cfg->pool_below, hi = b + cfg->pool_above - 1;
		if (lo <= prev_hi)
			lo = prev_hi + 1; /* windows of close boundaries must not overlap */
		if (i + 1 < 3 && hi >= t->scale[i + 1] - cfg->pool_below)
			hi = t->scale[i + 1] - cfg->pool_below - 1;
		if (lo < 0)
			lo = 0;
		if (hi >= (int)w)
			hi = (int)w - 1;
		if (lo >= b || hi < b)
			continue;
		prev_hi = hi;
		double ga = 0, gm = 0;
		uint64_t a = 0, m = 0;
		for (int v = lo; v <= hi; v++) {
			gm += g[v];
			m += h[v];
			if (v >= b) {
				ga += g[v];
				a += h[v];
			}
		}
		if (!m || !(gm > 0))
			continue;
		double pi = ga / gm;
		pi = pi < 0.01 ? 0.01 : pi > 0.99 ? 0.99 : pi;
		/* Works in the heap weighted by how much their journal marks look like the
		 * hole's (a pulled pupil keeps the marks of a weaker one). */
		double rho[5], e3, ar = 0,
		       e2 = journal_ratio(t, rsh, g, lo, b, hi, cfg->pool_journal, &cu, rho, &e3);
		for (int j = 0; j < 5; j++) {
			const uint32_t *row = stat_tab_row(t, s, j);
			for (int v = b; v <= hi; v++)
				ar += rho[j] * row[v];
		}
		o->nwin += (uint32_t)m;
		o->obs += (1 - pi) * ar + pi * (double)a;
		o->expct += (double)m * pi;
		o->var += (double)m * pi * (1 - pi) * ((1 - pi) * e2 + pi);
		/* A work adds Y = (1 - pi) rho_j + pi when on b (probability pi), else 0: the
		 * third cumulant pi E[Y^3] - 3 pi^2 E[Y^2] + 2 pi^3 (the sum is skewed when
		 * few works carry large ratios; the risk's tail uses it). */
		double q = 1 - pi, ey2 = q * q * e2 + 2 * pi * q + pi * pi,
		       ey3 = q * q * q * e3 + 3 * q * q * pi * e2 + 3 * q * pi * pi + pi * pi * pi;
		o->k3 += (double)m * (pi * ey3 - 3 * pi * pi * ey2 + 2 * pi * pi * pi);
	}
}

int stat_sign_bunch(const struct stat_tab *t, const struct stat_cfg *cfg,
		    struct stat_bunch_ref *ref, struct stat_bunch_school *out)
{
	size_t ns = t->nschools, w = t->w;
	double *rh = xcalloc(2 * w, sizeof *rh), *cf = rh + w;
	uint64_t *rh64 = xmalloc(w * sizeof *rh64);
	uint32_t *h = xmalloc(w * sizeof *h);
	uint64_t *a = xcalloc(3 * (ns ? ns : 1), sizeof *a), *m = xcalloc(3 * (ns ? ns : 1), sizeof *m);
	for (int i = 0; i < 3; i++) {
		memset(&ref[i], 0, sizeof ref[i]);
		ref[i].pi0 = ref[i].pi_obs = ref[i].rho = NAN;
	}
	for (size_t s = 0; s < ns; s++) {
		memset(&out[s], 0, sizeof out[s]);
		out[s].p = out[s].q_adj = NAN;
		out[s].status = STAT_NOT_EVALUABLE;
		for (int i = 0; i < 3; i++)
			out[s].t[i].p_binom = out[s].t[i].p_bb = out[s].t[i].pi0 = NAN;
		out[s].tilt = NAN;
	}
	if (!t->has_scale)
		goto out;
	stat_tab_region_hist(t, rh64);
	for (size_t v = 0; v < w; v++)
		rh[v] = (double)rh64[v];
	struct stat_bunch_est est[3];
	/* A fit that is impossible (tiny range) leaves every est[i].ok false; the per-school
	 * test then falls back to the region's observed share. */
	bool fitted = stat_bunch_excess(rh, (int)w, t->scale, 3, &cfg->bunch, est, cf, NULL) == 0;
	for (int i = 0; i < 3; i++) {
		struct stat_bunch_ref *r = &ref[i];
		int b = t->scale[i];
		r->est = est[i];
		r->lo = b - cfg->school_below;
		r->hi = b + cfg->school_above - 1;
		r->ok = cfg->school_below >= 1 && cfg->school_above >= 1 && r->lo >= 0 &&
			r->hi < (int)w;
		if (!r->ok)
			continue;
		double oa = 0, ob = 0, ca = 0, cb = 0;
		for (int v = r->lo; v <= r->hi; v++) {
			double c = cf[v] > 0 ? cf[v] : 0;
			if (v >= b)
				oa += rh[v], ca += c;
			else
				ob += rh[v], cb += c;
		}
		r->pi_obs = oa + ob > 0 ? oa / (oa + ob) : NAN;
		r->pi0 = fitted && ca + cb > 0 ? ca / (ca + cb) : r->pi_obs;
		if (isnan(r->pi0)) {
			r->ok = false;
			continue;
		}
		r->pi0 = r->pi0 < 0.01 ? 0.01 : r->pi0 > 0.99 ? 0.99 : r->pi0;
	}
	/* The pooled statistic's base curve: the counterfactual (the observed histogram when
	 * the fit failed), and its mean. */
	double *f = xmalloc(2 * w * sizeof *f), *g = f + w, f0 = 0, f1 = 0, r0 = 0, r1 = 0;
	for (size_t v = 0; v < w; v++) {
		f[v] = fitted ? (cf[v] > 1e-12 ? cf[v] : 1e-12) : rh[v];
		f0 += f[v];
		f1 += f[v] * (double)v;
		r0 += rh[v];
		r1 += rh[v] * (double)v;
	}
	double vc = f0 > 0 ? f1 / f0 : 0, rmean = r0 > 0 ? r1 / r0 : 0;
	double *rsh = t->has_journal ? region_share_table(t) : NULL;
	struct cscore *cs = xmalloc(w * sizeof *cs);
	for (size_t s = 0; s < ns; s++) {
		stat_tab_school_hist(t, s, h);
		for (int i = 0; i < 3; i++)
			if (ref[i].ok)
				window_counts(h, &ref[i], &a[(size_t)i * ns + s], &m[(size_t)i * ns + s]);
		if (f0 > 0)
			pool_school(t, cfg, s, h, f, vc, rmean, rsh, g, cs, &out[s]);
	}
	free(f);
	free(rsh);
	free(cs);
	for (int i = 0; i < 3; i++)
		if (ref[i].ok)
			ref[i].rho = stat_overdispersion_rho(a + (size_t)i * ns, m + (size_t)i * ns, ns,
							     cfg->max_rho);
	/* Fisher needs independent tests: the windows of the boundaries must not overlap. */
	bool disjoint = true;
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (ref[i].ok && ref[j].ok && ref[i].lo <= ref[j].hi && ref[j].lo <= ref[i].hi)
				disjoint = false;
	for (size_t s = 0; s < ns; s++) {
		struct stat_bunch_school *o = &out[s];
		double ps[3];
		int k = 0;
		for (int i = 0; i < 3; i++) {
			if (!ref[i].ok)
				continue;
			uint64_t ai = a[(size_t)i * ns + s], mi = m[(size_t)i * ns + s];
			stat_bunch_test(ai, mi, ref[i].pi0, ref[i].rho, &o->t[i]);
			if (mi > 0)
				ps[k++] = o->t[i].p_bb;
		}
		o->nused = k;
		if (k == 0)
			continue;
		o->p = disjoint ? stat_fisher(ps, (size_t)k) : stat_bonferroni_min(ps, (size_t)k, NULL);
	}
	if (ns)
		stat_bh_strided(&out[0].p, sizeof *out, &out[0].q_adj, sizeof *out, ns, cfg->q);
	for (size_t s = 0; s < ns; s++)
		if (!isnan(out[s].p))
			out[s].status = out[s].q_adj <= cfg->q ? STAT_FLAG : STAT_OK;
out:
	free(rh);
	free(rh64);
	free(h);
	free(a);
	free(m);
	return 0;
}

void stat_jcond_terms(const struct stat_tab *t, double alpha, double cap, double *f, double *mu,
		      double *var, double *k3)
{
	size_t w = t->w;
	/* q: the journal marks the region gives to works of mark >= 4 (score >= the bound of
	 * «4»; without a scale, >= half the maximum); pm: all its journal marks. */
	double q[4] = {0}, pm[4] = {0}, qs = 0, pms = 0;
	int b4 = t->has_scale ? t->scale[1] : (int)(w / 2);
	for (int j = 1; j <= 4; j++)
		for (size_t v = 0; v < w; v++) {
			double k = (double)t->region[(size_t)j * w + v];
			pm[j - 1] += k;
			pms += k;
			if ((int)v >= b4) {
				q[j - 1] += k;
				qs += k;
			}
		}
	for (int j = 0; j < 4; j++) {
		pm[j] = pms > 0 ? pm[j] / pms : 0.25;
		q[j] = qs > 0 ? q[j] / qs : pm[j];
	}
	for (size_t v = 0; v < w; v++) {
		double nv = 0, m1 = 0, m2 = 0, m3 = 0;
		for (int j = 1; j <= 4; j++)
			nv += (double)t->region[(size_t)j * w + v];
		for (int j = 1; j <= 4; j++) {
			double c = (double)t->region[(size_t)j * w + v];
			double pt = (c + alpha * pm[j - 1]) / (nv + alpha);
			double x = pt > 0 ? q[j - 1] / pt : 0;
			if (cap > 0 && x > cap)
				x = cap;
			f[(size_t)(j - 1) * w + v] = x;
		}
		/* The null moments of the term at this score, under the region's own shares. */
		for (int j = 1; j <= 4 && nv > 0; j++)
			m1 += (double)t->region[(size_t)j * w + v] / nv * f[(size_t)(j - 1) * w + v];
		for (int j = 1; j <= 4 && nv > 0; j++) {
			double pj = (double)t->region[(size_t)j * w + v] / nv;
			double d = f[(size_t)(j - 1) * w + v] - m1;
			m2 += pj * d * d;
			m3 += pj * d * d * d;
		}
		mu[v] = m1;
		var[v] = m2;
		k3[v] = m3;
	}
}

int stat_sign_jcond(const struct stat_tab *t, enum stat_jcond which, const struct stat_cfg *cfg,
		    struct stat_znull *nul, struct stat_zres *out)
{
	size_t w = t->w;
	/* Per score (JOURNAL) or per mark (SCORE): the regional null mean and variance of a
	 * work's term; JOURNAL also the term of each cell and its third central moment. */
	size_t nc = which == STAT_JCOND_JOURNAL ? w : 4;
	double *mu = xcalloc(3 * nc, sizeof *mu), *var = mu + nc, *cnt = var + nc;
	double *fx = NULL, *k3 = NULL;
	if (which == STAT_JCOND_JOURNAL) {
		fx = xcalloc(5 * w, sizeof *fx);
		k3 = fx + 4 * w;
		stat_jcond_terms(t, STAT_JCOND_ALPHA, STAT_JCOND_CAP, fx, mu, var, k3);
	} else {
		for (int j = 1; j <= 4; j++)
			for (size_t v = 0; v < w; v++) {
				double k = (double)t->region[(size_t)j * w + v];
				cnt[j - 1] += k;
				mu[j - 1] += k * (double)v;
				var[j - 1] += k * (double)v * (double)v;
			}
		for (size_t c = 0; c < nc; c++) {
			if (cnt[c] > 0) {
				mu[c] /= cnt[c];
				var[c] = var[c] / cnt[c] - mu[c] * mu[c];
				if (var[c] < 0)
					var[c] = 0;
			}
		}
	}
	for (size_t s = 0; s < t->nschools; s++) {
		struct stat_zres *o = &out[s];
		memset(o, 0, sizeof *o);
		if (!t->has_journal)
			continue;
		size_t lo, hi;
		stat_tab_span(t, s, &lo, &hi);
		for (int j = 1; j <= 4; j++) {
			const uint32_t *row = stat_tab_row(t, s, j);
			for (size_t v = lo; v < hi; v++) {
				if (!row[v])
					continue;
				double k = row[v];
				size_t c = fx ? v : (size_t)j - 1;
				o->n += row[v];
				o->obs += k * (fx ? fx[(size_t)(j - 1) * w + v] : (double)v);
				o->expct += k * mu[c];
				o->var += k * var[c];
				if (k3)
					o->k3 += k * k3[v];
			}
		}
	}
	stat_zres_finish(out, t->nschools, cfg->min_n_group, STAT_TAIL_UPPER, cfg, nul);
	if (k3) {
		/* A few works with large ratios make the sum skewed: the tail of zc is the
		 * Pearson type III one with the sum's skewness (§6.4), then BH again. */
		for (size_t s = 0; s < t->nschools; s++) {
			struct stat_zres *o = &out[s];
			if (!isnan(o->zc))
				o->p = stat_pearson3_upper(o->zc, o->k3 / (o->var * sqrt(o->var)));
		}
		stat_bh_strided(&out[0].p, sizeof *out, &out[0].q_adj, sizeof *out, t->nschools,
				cfg->q);
		for (size_t s = 0; s < t->nschools; s++)
			if (!isnan(out[s].zc))
				out[s].status = out[s].q_adj <= cfg->q ? STAT_FLAG : STAT_OK;
	}
	free(mu);
	free(fx);
	return 0;
}

struct stat_index stat_objectivity_index(const uint32_t *nflags, const bool *considered,
					 size_t nschools)
{
	struct stat_index x = {0, 0, NAN};
	for (size_t s = 0; s < nschools; s++) {
		if (considered && !considered[s])
			continue;
		x.nconsidered++;
		x.nflagged += nflags[s] > 0;
	}
	if (x.nconsidered)
		x.index = 100.0 - 100.0 * (double)x.nflagged / (double)x.nconsidered;
	return x;
}
