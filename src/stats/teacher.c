/* stats/teacher: class-level evidence and its aggregation per teacher (see the header). */
#include "stats/teacher.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "stats/bunching.h"
#include "stats/tests.h"

static const char *const tkind_names[STAT_TK_COUNT] = {
	"boundary_bunching", "journal_lenient", "hard_help", "lenient_scoring", "person_fit", "twins",
	"recheck_inflated",
};

const char *stat_tkind_name(enum stat_tkind k)
{
	return (unsigned)k < STAT_TK_COUNT ? tkind_names[k] : NULL;
}

int stat_tkind_of(const char *name)
{
	for (int k = 0; name && k < STAT_TK_COUNT; k++)
		if (!strcmp(tkind_names[k], name))
			return k;
	return -1;
}

int stat_lenient_class_sums(const struct stat_proc *p, const struct stat_tab *t,
			    struct stat_tjsums *out)
{
	size_t nc = p->class_id ? p->nclasses : 0;
	for (size_t c = 0; c < nc; c++)
		memset(&out[c], 0, sizeof out[c]);
	if (!nc || !t->has_journal || !p->journal)
		return 0;
	/* Each work's term and its null moments at its score: the school sign
	 * journal_lenient's (stat_jcond_terms, §6.4). */
	size_t w = t->w;
	double *f = xcalloc(7 * w, sizeof *f), *mu = f + 4 * w, *var = mu + w, *k3 = var + w;
	stat_jcond_terms(t, STAT_JCOND_ALPHA, STAT_JCOND_CAP, f, mu, var, k3);
	for (size_t i = 0; i < p->n; i++) {
		int jm = p->journal[i], v = p->score[i];
		uint32_t c = p->class_id[i];
		if (jm < 2 || jm > 5 || c >= nc || v < 0 || (size_t)v >= w)
			continue;
		double r = f[(size_t)(jm - 2) * w + (size_t)v] - mu[v];
		out[c].n++;
		out[c].res += r;
		out[c].ss += r * r;
		out[c].var += var[v];
		out[c].k3 += k3[v];
	}
	free(f);
	return 0;
}

int stat_lenient_classes(const struct stat_proc *p, const struct stat_tab *t,
			 const struct stat_cfg *cfg, struct stat_znull *nul, struct stat_zres *out)
{
	size_t nc = p->class_id ? p->nclasses : 0;
	if (nul)
		memset(nul, 0, sizeof *nul);
	if (!nc)
		return 0;
	struct stat_tjsums *sm = xcalloc(nc, sizeof *sm);
	stat_lenient_class_sums(p, t, sm);
	for (size_t c = 0; c < nc; c++)
		out[c] = (struct stat_zres){ .n = sm[c].n, .obs = sm[c].res, .expct = 0,
					     .var = sm[c].var, .k3 = sm[c].k3 };
	free(sm);
	stat_zres_finish(out, nc, cfg->min_n_group, STAT_TAIL_UPPER, cfg, nul);
	/* The skewed tail of the sum, as for schools: Pearson type III (no BH here: a class's
	 * p is evidence for its teacher, not a flag). */
	for (size_t c = 0; c < nc; c++)
		if (!isnan(out[c].zc))
			out[c].p = stat_pearson3_upper(out[c].zc, out[c].k3 / (out[c].var * sqrt(out[c].var)));
	return 0;
}

int stat_bunch_classes(const struct stat_proc *p, const struct stat_bunch_ref *ref,
		       struct stat_class_bunch *out)
{
	size_t nc = p->class_id ? p->nclasses : 0;
	for (size_t c = 0; c < nc; c++)
		out[c] = (struct stat_class_bunch){ 0, NAN };
	if (!nc || !p->has_scale)
		return 0;
	uint64_t *a = xcalloc(3 * nc, sizeof *a), *m = xcalloc(3 * nc, sizeof *m);
	for (size_t i = 0; i < p->n; i++) {
		uint32_t c = p->class_id[i];
		int v = p->score[i];
		if (c >= nc)
			continue;
		for (int b = 0; b < 3; b++) {
			if (!ref[b].ok || v < ref[b].lo || v > ref[b].hi)
				continue;
			m[(size_t)b * nc + c]++;
			a[(size_t)b * nc + c] += v >= p->scale[b];
		}
	}
	/* Fisher needs independent tests: the windows must not overlap (as stat_sign_bunch). */
	bool disjoint = true;
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (ref[i].ok && ref[j].ok && ref[i].lo <= ref[j].hi && ref[j].lo <= ref[i].hi)
				disjoint = false;
	for (size_t c = 0; c < nc; c++) {
		double ps[3];
		size_t k = 0;
		for (int b = 0; b < 3; b++) {
			uint64_t mi = m[(size_t)b * nc + c];
			if (!ref[b].ok || !mi)
				continue;
			struct stat_bunch_test t;
			double rho = isnan(ref[b].rho) ? 0 : ref[b].rho;
			stat_bunch_test(a[(size_t)b * nc + c], mi, ref[b].pi0, rho, &t);
			ps[k++] = t.p_bb;
			out[c].nwin += (uint32_t)mi;
		}
		if (k)
			out[c].p = disjoint ? stat_fisher(ps, k) : stat_bonferroni_min(ps, k, NULL);
	}
	free(a);
	free(m);
	return 0;
}

/* The normal score of a standardised sum with skewness g: the z whose upper normal tail is
 * the sum's Pearson type III tail (x itself when g <= 1e-4); p is clipped to [1e-300, 1 − 1e-16]
 * so that the score stays finite. */
static double normal_score(double x, double g)
{
	if (!(g > 1e-4))
		return x; /* stat_pearson3_upper's normal tail */
	double p = stat_pearson3_upper(x, g);
	p = p < 1e-300 ? 1e-300 : p > 1 - 1e-16 ? 1 - 1e-16 : p;
	return -stat_norm_quantile(p);
}

int stat_teacher_contrast(const struct stat_tcclass *cl, size_t n, size_t nteachers,
			  size_t nschools, uint32_t min_other, size_t min_null, bool dispersion,
			  struct stat_tcontrast *out, struct stat_tcnull *nul)
{
	int rc = 0;
	size_t nt1 = nteachers ? nteachers : 1, ns1 = nschools ? nschools : 1;
	/* The school's totals n, R, V, K, Q; the teacher's school (UINT32_MAX: none). */
	double *sn = xcalloc(5 * ns1, sizeof *sn), *sr = sn + ns1, *sv = sr + ns1, *sk = sv + ns1;
	double *sq = sk + ns1; /* Σ (f − μ)² per school */
	double *tq = xcalloc(nt1, sizeof *tq); /* and per teacher */
	double *g = xmalloc(nt1 * sizeof *g); /* the skewness of each teacher's statistic */
	uint32_t *tschool = xmalloc(nt1 * sizeof *tschool);
	double *zc = xmalloc(2 * nt1 * sizeof *zc), *zw = zc + nt1;
	if (nul)
		memset(nul, 0, sizeof *nul);
	for (size_t t = 0; t < nteachers; t++) {
		out[t] = (struct stat_tcontrast){ 0, 0, 0, 0, 0, 0, 1, false, NAN, NAN, NAN };
		g[t] = 0;
		tschool[t] = UINT32_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		const struct stat_tcclass *c = &cl[i];
		if (c->school >= nschools || (c->teacher != STAT_TNONE && c->teacher >= nteachers)) {
			rc = ERR_INVALID;
			goto done;
		}
		if (!c->n)
			continue;
		sn[c->school] += c->n;
		sr[c->school] += c->res;
		sv[c->school] += c->var;
		sk[c->school] += c->k3;
		sq[c->school] += c->ss;
		if (c->teacher == STAT_TNONE)
			continue;
		if (tschool[c->teacher] == UINT32_MAX)
			tschool[c->teacher] = c->school;
		else if (tschool[c->teacher] != c->school) {
			rc = ERR_INVALID;
			goto done;
		}
		struct stat_tcontrast *o = &out[c->teacher];
		o->n += c->n;
		o->res += c->res;
		o->var += c->var;
		o->k3 += c->k3;
		tq[c->teacher] += c->ss;
	}
	size_t mc = 0, mw = 0;
	for (size_t t = 0; t < nteachers; t++) {
		struct stat_tcontrast *o = &out[t];
		if (!o->n || !(o->var > 0))
			continue;
		uint32_t s = tschool[t];
		double no = sn[s] - o->n, ro = sr[s] - o->res, vo = sv[s] - o->var, ko = sk[s] - o->k3;
		o->n_other = no > 0 ? (uint32_t)(no + 0.5) : 0;
		if (o->n_other >= min_other && vo > 0) {
			o->contrast = true;
			o->shift = ro / no;
			double nt = (double)o->n, a = nt / no;
			double qo = sq[s] - tq[t];
			/* The other works' spread about their mean against the null's, never
			 * below 1 (kinds without ss: 1). */
			double phi = dispersion && vo > 0 ? (qo - ro * ro / no) / vo : 1;
			o->phi = phi > 1 ? phi : 1;
			double v = o->phi * (o->var + a * a * vo);
			o->z = (o->res - nt * o->shift) / sqrt(v);
			g[t] = (o->k3 - a * a * a * ko) * o->phi * sqrt(o->phi) / (v * sqrt(v));
			zc[mc++] = o->z = normal_score(o->z, g[t]);
		} else {
			double v = o->var;
			o->z = o->res / sqrt(v);
			g[t] = o->k3 / (v * sqrt(v));
			zw[mw++] = o->z = normal_score(o->z, g[t]);
		}
	}
	struct stat_znull nc = { mc, 0, 1 }, nw = { mw, 0, 1 };
	stat_empirical_null(zc, mc, min_null, &nc.center, &nc.scale);
	stat_empirical_null(zw, mw, min_null, &nw.center, &nw.scale);
	for (size_t t = 0; t < nteachers; t++) {
		struct stat_tcontrast *o = &out[t];
		if (isnan(o->z))
			continue;
		const struct stat_znull *u = o->contrast ? &nc : &nw;
		o->zc = (o->z - u->center) / u->scale;
		o->p = stat_norm_upper(o->zc);
	}
	if (nul) {
		nul->contrast = nc;
		nul->whole = nw;
	}
done:
	free(sn);
	free(tschool);
	free(zc);
	free(g);
	free(tq);
	return rc;
}

double stat_recheck_p(const struct rc_outcome *o, size_t n)
{
	/* The school sign's test (one home: rc_school_of), on the class's or teacher's works. */
	struct rc_school f;
	rc_school_of(o, n, &f);
	return f.over + f.under ? f.p : NAN;
}

int stat_teacher_recheck(const struct stat_trecheck *w, size_t n, size_t nteachers,
			 uint32_t *works, double *p)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].teacher >= nteachers)
			return ERR_INVALID;
	/* The works grouped by teacher (a counting sort), then one test per teacher. */
	size_t *at = xcalloc(nteachers + 1, sizeof *at);
	struct rc_outcome *o = xmalloc((n ? n : 1) * sizeof *o);
	for (size_t i = 0; i < n; i++)
		at[w[i].teacher + 1]++;
	for (size_t t = 0; t < nteachers; t++)
		at[t + 1] += at[t];
	for (size_t t = 0; t < nteachers; t++)
		works[t] = (uint32_t)(at[t + 1] - at[t]);
	for (size_t i = 0; i < n; i++)
		o[at[w[i].teacher]++] = w[i].o;
	/* at[t] is now the end of teacher t's works, the start of t + 1's. */
	for (size_t t = 0; t < nteachers; t++) {
		size_t end = at[t], start = end - works[t];
		p[t] = stat_recheck_p(o + start, works[t]);
	}
	free(o);
	free(at);
	return 0;
}

/* Simes' combination of k p-values (sorted in place): min_j k p_(j) / j, at most 1. */
static double simes(double *p, size_t k)
{
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && p[j - 1] > p[j]; j--) {
			double t = p[j];
			p[j] = p[j - 1];
			p[j - 1] = t;
		}
	double best = 1;
	for (size_t j = 0; j < k; j++) {
		double v = (double)k * p[j] / (double)(j + 1);
		if (v < best)
			best = v;
	}
	return best;
}

int stat_teacher_combine(const struct stat_tclass *ev, size_t n, size_t nteachers, double q,
			 struct stat_teacher *out)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].teacher >= nteachers || ev[i].kind >= STAT_TK_COUNT)
			return ERR_INVALID;
	/* Sums per teacher and kind: Σ √n z and Σ n. */
	double *sz = xcalloc(2 * (nteachers ? nteachers : 1) * STAT_TK_COUNT, sizeof *sz);
	double *sn = sz + (nteachers ? nteachers : 1) * STAT_TK_COUNT;
	for (size_t t = 0; t < nteachers; t++) {
		memset(&out[t], 0, sizeof out[t]);
		out[t].top = -1;
		out[t].p = out[t].q_adj = NAN;
		for (int k = 0; k < STAT_TK_COUNT; k++)
			out[t].z[k] = out[t].p_kind[k] = NAN;
	}
	for (size_t i = 0; i < n; i++) {
		const struct stat_tclass *e = &ev[i];
		if (isnan(e->p) || e->n == 0)
			continue;
		double pv = e->p < 1e-300 ? 1e-300 : e->p > 1 - 1e-16 ? 1 - 1e-16 : e->p;
		double z = -stat_norm_quantile(pv);
		size_t at = (size_t)e->teacher * STAT_TK_COUNT + e->kind;
		sz[at] += sqrt((double)e->n) * z;
		sn[at] += (double)e->n;
		out[e->teacher].k[e->kind]++;
		out[e->teacher].classes++;
	}
	double *pv = xmalloc((nteachers ? nteachers : 1) * sizeof *pv);
	for (size_t t = 0; t < nteachers; t++) {
		struct stat_teacher *o = &out[t];
		double ps[STAT_TK_COUNT], best = 2;
		size_t k = 0;
		for (int j = 0; j < STAT_TK_COUNT; j++) {
			size_t at = t * STAT_TK_COUNT + (size_t)j;
			if (!o->k[j])
				continue;
			o->z[j] = sz[at] / sqrt(sn[at]);
			o->p_kind[j] = stat_norm_upper(o->z[j]);
			ps[k++] = o->p_kind[j];
			if (o->p_kind[j] < best) {
				best = o->p_kind[j];
				o->top = j;
			}
		}
		/* Weights (Genovese et al. 2006), mean 1 over the k kinds: the journal kind K/2,
		 * the others share the other half. */
		if (k >= 2 && o->k[STAT_TK_LENIENT]) {
			size_t i = 0;
			for (int j = 0; j < STAT_TK_COUNT; j++) {
				if (!o->k[j])
					continue;
				double wt = j == STAT_TK_LENIENT ? (double)k / 2 : (double)k / (2.0 * (double)(k - 1));
				ps[i++] = o->p_kind[j] / wt;
			}
		}
		o->p = k ? simes(ps, k) : NAN;
		pv[t] = o->p;
	}
	size_t listed = 0;
	if (nteachers) {
		double *adj = xmalloc(nteachers * sizeof *adj);
		stat_bh_adjust(pv, nteachers, adj);
		for (size_t t = 0; t < nteachers; t++) {
			out[t].q_adj = adj[t];
			out[t].listed = !isnan(adj[t]) && adj[t] <= q;
			listed += out[t].listed;
		}
		free(adj);
	}
	free(pv);
	free(sz);
	return (int)listed;
}
