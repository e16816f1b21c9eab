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

int stat_lenient_classes(const struct stat_proc *p, const struct stat_tab *t,
			 const struct stat_cfg *cfg, struct stat_znull *nul, struct stat_zres *out)
{
	size_t nc = p->class_id ? p->nclasses : 0;
	if (nul)
		memset(nul, 0, sizeof *nul);
	if (!nc)
		return 0;
	for (size_t c = 0; c < nc; c++)
		memset(&out[c], 0, sizeof out[c]);
	if (t->has_journal && p->journal) {
		/* The region's mean and variance of the journal mark per primary score: the same
		 * conditional model as the school sign journal_lenient (stat_sign_jcond). */
		size_t w = t->w;
		double *mu = xcalloc(3 * w, sizeof *mu), *var = mu + w, *cnt = var + w;
		for (int j = 1; j <= 4; j++)
			for (size_t v = 0; v < w; v++) {
				double k = (double)t->region[(size_t)j * w + v], x = j + 1;
				cnt[v] += k;
				mu[v] += k * x;
				var[v] += k * x * x;
			}
		for (size_t v = 0; v < w; v++)
			if (cnt[v] > 0) {
				mu[v] /= cnt[v];
				var[v] = var[v] / cnt[v] - mu[v] * mu[v];
				if (var[v] < 0)
					var[v] = 0;
			}
		for (size_t i = 0; i < p->n; i++) {
			int jm = p->journal[i], v = p->score[i];
			uint32_t c = p->class_id[i];
			if (jm < 2 || jm > 5 || c >= nc || v < 0 || (size_t)v >= w)
				continue;
			out[c].n++;
			out[c].obs += jm;
			out[c].expct += mu[v];
			out[c].var += var[v];
		}
		free(mu);
	}
	stat_zres_finish(out, nc, cfg->min_n_group, STAT_TAIL_UPPER, cfg, nul);
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
