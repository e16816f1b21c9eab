/* analysis/run: one analysis run — selection of the procedures, parallel load and analysis
 * on worker threads, the outputs in order, the risk and the stored run. */
#include "analysis/analysis.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/job.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "model/load.h"
#include "model/procedure.h"
#include "model/result_pack.h"
#include "stats/analyze.h"

/* ---- workers ---- */

struct worker {
	struct job *r;
	pthread_t th;
};

/* Works a municipality needs for its excess mass: ФИОКО's "distributions are informative
 * from N >= 50" (docs/methodology-oko.md §8); below, municipalities.csv leaves the estimates empty. */
#define MUN_MIN_WORKS 50

/* The excess mass at each boundary per municipality (methodology-oko §5.1): the
 * municipality's histogram summed from its schools' rows of the count table, against the
 * region's counterfactual curve moved and widened to it (stat_bunch_excess_ref, degree 2),
 * with the delta-method interval. */
static void municipal_excess(struct job *r, struct aproc *p)
{
	const struct stat_tab *t = &p->a.tab;
	size_t w = t->w, nm = r->nmun;
	if (!nm || w > STAT_BUNCH_MAX_BINS)
		return;
	double *cf = xcalloc(2 * w, sizeof *cf), *rh = cf + w;
	uint64_t *rh64 = xmalloc(w * sizeof *rh64);
	stat_tab_region_hist(t, rh64);
	for (size_t v = 0; v < w; v++)
		rh[v] = (double)rh64[v];
	free(rh64);
	/* The region's counterfactual curve: the point fit of stat_sign_bunch again, without
	 * its bootstrap (one fit next to the thousand of the region's interval). */
	struct stat_bunch_opts o = r->cfg.bunch;
	struct stat_bunch_est est[3];
	o.nboot = 0;
	if (stat_bunch_excess(rh, (int)w, p->scale, 3, &o, est, cf, NULL)) {
		free(cf);
		return; /* no regional counterfactual: nothing to move */
	}
	double *h = xcalloc(nm * w, sizeof *h);
	uint32_t *sh = xmalloc(w * sizeof *sh);
	p->mun = xcalloc(nm, sizeof *p->mun);
	for (size_t s = 0; s < t->nschools; s++) {
		if (!t->n[s])
			continue;
		struct munrow *m = &p->mun[r->mun_of[s]];
		m->works += t->n[s];
		m->schools++;
		stat_tab_school_hist(t, s, sh);
		for (size_t v = 0; v < w; v++)
			h[r->mun_of[s] * w + v] += sh[v];
	}
	for (size_t k = 0; k < nm; k++)
		if (p->mun[k].works >= MUN_MIN_WORKS) /* a failed fit leaves every est.ok false */
			stat_bunch_excess_ref(h + k * w, cf, (int)w, p->scale, 3, 2, &o, p->mun[k].est);
	free(h);
	free(sh);
	free(cf);
}

/* A stored run keeps the procedure's distributions for the evidence cards. */
static void keep_histograms(struct job *r, struct aproc *p)
{
	const struct stat_tab *t = &p->a.tab;
	size_t w = t->w, ns = r->sc.n;
	uint64_t *rh = xmalloc(w * sizeof *rh);
	uint32_t *sh = xmalloc(w * sizeof *sh);
	p->w = w;
	p->hist = xcalloc((ns ? ns : 1) * w, sizeof *p->hist);
	p->rhist = xmalloc(w * sizeof *p->rhist);
	for (size_t s = 0; s < ns && s < t->nschools; s++) {
		if (!t->n[s])
			continue;
		stat_tab_school_hist(t, s, sh);
		for (size_t v = 0; v < w; v++) {
			if (sh[v] < HIST_BIG) {
				p->hist[s * w + v] = (uint8_t)sh[v];
				continue;
			}
			p->hist[s * w + v] = HIST_BIG;
			p->over = xgrow(p->over, &p->overcap, p->nover + 1, sizeof *p->over);
			p->over[p->nover++] = (struct hist_over){ s, (uint32_t)v, sh[v] };
		}
	}
	stat_tab_region_hist(t, rh);
	for (size_t v = 0; v < w; v++)
		p->rhist[v] = rh[v] > UINT32_MAX ? UINT32_MAX : (uint32_t)rh[v];
	free(rh);
	free(sh);
}

static int analyse_one(struct job *r, struct db *d, struct aproc *p)
{
	struct stat_proc *sp = NULL;
	struct load_classes cls;
	int rc = load_proc_classes(d, &r->sc, p->info.id, LOAD_POS | LOAD_CLASS, &sp, &p->ls, &cls);
	if (rc)
		return rc;
	p->has_pos = sp->pos != NULL;
	p->has_scale = sp->has_scale;
	memcpy(p->scale, sp->scale, sizeof p->scale);
	p->max_score = sp->max_score;
	rc = stat_analyze(sp, &r->cfg, &p->a);
	if (!rc && p->report)
		rc = analysis_teachers_collect(r, p, sp, &cls);
	load_classes_free(&cls);
	stat_proc_free(sp);
	if (rc)
		return rc;
	p->mean_r = p->a.mean_r;
	for (int b = 0; b < 3; b++)
		p->est[b] = p->a.bunch_r[b].est;
	if (p->report && p->has_scale)
		municipal_excess(r, p);
	if (p->report) {
		size_t ns = r->sc.n;
		p->fl = xcalloc(ns + 1, 1);
		p->ownc = xcalloc(ns + 1, 1);
		pthread_mutex_lock(&r->mu);
		if (r->nspare)
			p->csv = r->spare[--r->nspare];
		else
			buf_init(&p->csv, (size_t)1 << 40);
		pthread_mutex_unlock(&r->mu);
		if ((rc = analysis_recheck_load(r, d, p)) || (rc = analysis_write_proc(r, p)))
			return rc;
		stat_evidence_add(&p->a, STAT_RISK_DEFAULT_MASK, (int)(p - r->p), &p->ev, &p->nev,
				  &p->evcap);
		analysis_recheck_evidence(p, STAT_RISK_DEFAULT_MASK, (int)(p - r->p));
	}
	if (p->report && r->store)
		keep_histograms(r, p);
	/* Keep what the pair signs need; free the rest. */
	p->mean = p->a.mean;
	p->marks = p->a.marks;
	p->a.mean = NULL;
	p->a.marks = NULL;
	stat_analysis_free(&p->a);
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *r = w->r;
	struct db *d = NULL;
	int rc = db_open(&d, r->o->db_path, DB_OPEN_NOMIGRATE | DB_OPEN_SCAN);
	size_t window = (size_t)r->o->threads + 1;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (r->next < r->np && r->next >= r->written + window)
			pthread_cond_wait(&r->cv, &r->mu);
		size_t i = r->next < r->np ? r->next++ : r->np;
		pthread_mutex_unlock(&r->mu);
		if (i >= r->np)
			break;
		int prc = rc ? rc : analyse_one(r, d, &r->p[i]);
		pthread_mutex_lock(&r->mu);
		r->p[i].rc = prc;
		r->p[i].done = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	db_close(d);
	return NULL;
}

/* ---- selection ---- */

static int find_proc(const struct load_procinfo *all, size_t n, const char *kind,
		     const char *subject, int grade, int year)
{
	for (size_t i = 0; i < n; i++)
		if (all[i].grade == grade && all[i].year == year && !strcmp(all[i].kind, kind) &&
		    !strcmp(all[i].subject, subject))
			return (int)i;
	return -1;
}

/* Why nothing was selected, in r->msg. */
static void no_selection(struct job *r)
{
	if (!r->o->procedure) {
		snprintf(r->msg, r->msglen, "нет результатов за %d год", r->o->year);
		return;
	}
	struct procedure *pr = xmalloc(sizeof *pr);
	if (!procedure_get(r->d, r->o->procedure, pr))
		snprintf(r->msg, r->msglen, "по процедуре «%s» нет результатов%s", r->o->procedure,
			 r->o->year ? " за этот год" : "");
	else
		snprintf(r->msg, r->msglen, "неизвестная процедура «%s»", r->o->procedure);
	free(pr);
}

/* The run's years ascending, each reported procedure's year index and its columns of the
 * official list (its own, and its cohort pair's). */
static void years_and_columns(struct job *r)
{
	/* Years ascending (few): insertion sort, then re-index. */
	for (size_t i = 1; i < r->nyears; i++)
		for (size_t j = i; j > 0 && r->years[j - 1] > r->years[j]; j--) {
			int t = r->years[j];
			r->years[j] = r->years[j - 1];
			r->years[j - 1] = t;
		}
	r->colname = xcalloc(2 * r->np + 1, sizeof *r->colname);
	for (size_t k = 0; k < r->np; k++) {
		struct aproc *p = &r->p[k];
		if (!p->report)
			continue;
		for (size_t yi = 0; yi < r->nyears; yi++)
			if (r->years[yi] == p->info.year)
				p->year_ix = (int)yi;
		p->col = (int)r->ncols;
		r->colname[r->ncols++] = xstrdup(p->info.code);
		if (p->cohort_from >= 0) {
			size_t len = strlen(p->info.code) + 64;
			char *nm = xmalloc(len);
			snprintf(nm, len, "%s %d→%d класс", p->info.subject, p->info.grade - 1, p->info.grade);
			/* e.g. "RU 4→5 класс (2021)" */
			char *full = xmalloc(len + 16);
			snprintf(full, len + 16, "%s (%d)", nm, p->info.year);
			free(nm);
			r->colname[r->ncols++] = full;
		}
	}
}

/* The ДКР a ВПР is compared with (vpr_above_dkr): the same subject and the same cohort of
 * pupils (year - grade), written the same school year or the next one (an autumn
 * diagnostic work of the next grade); the same year first. -1 when none or not a ВПР. */
static int find_dkr(const struct load_procinfo *all, size_t n, const struct load_procinfo *v)
{
	if (strcmp(v->kind, "VPR"))
		return -1;
	int c = find_proc(all, n, "DKR", v->subject, v->grade, v->year);
	return c >= 0 ? c : find_proc(all, n, "DKR", v->subject, v->grade + 1, v->year + 1);
}

static int select_procs(struct job *r)
{
	struct load_procinfo *all = NULL;
	size_t n = 0;
	int rc = load_procedures(r->d, &all, &n);
	if (rc)
		return rc;
	if (!n) {
		snprintf(r->msg, r->msglen, "в базе нет результатов: загрузите их командой «oko import results»");
		free(all);
		return ERR_NOTFOUND;
	}
	uint8_t *want = xcalloc(n, 1); /* 2 reported, 1 companion */
	size_t nsel = 0;
	for (size_t i = 0; i < n; i++) {
		bool sel = (!r->o->year || all[i].year == r->o->year) &&
			   (!r->o->procedure || !strcmp(all[i].code, r->o->procedure));
		if (sel) {
			want[i] = 2;
			nsel++;
		}
	}
	if (!nsel) {
		no_selection(r);
		free(all);
		free(want);
		return ERR_NOTFOUND;
	}
	for (size_t i = 0; i < n; i++) {
		if (want[i] != 2)
			continue;
		int a = find_proc(all, n, all[i].kind, all[i].subject, all[i].grade - 1, all[i].year - 1);
		int b = find_proc(all, n, all[i].kind, all[i].subject, all[i].grade, all[i].year - 1);
		int c = find_dkr(all, n, &all[i]);
		if (a >= 0 && !want[a])
			want[a] = 1;
		if (b >= 0 && !want[b])
			want[b] = 1;
		if (c >= 0 && !want[c])
			want[c] = 1;
	}
	int *map = xmalloc(n * sizeof *map);
	r->p = xcalloc(n, sizeof *r->p);
	for (size_t i = 0; i < n; i++) {
		map[i] = -1;
		if (!want[i])
			continue;
		struct aproc *p = &r->p[r->np];
		map[i] = (int)r->np++;
		p->info = all[i];
		p->report = want[i] == 2;
		p->col = -1;
		p->year_ix = -1;
		p->cohort_from = p->share2_from = p->dkr_from = -1;
	}
	/* Pairs, official-list columns and years of the reported procedures. */
	for (size_t k = 0; k < r->np; k++) {
		struct aproc *p = &r->p[k];
		if (!p->report)
			continue;
		int a = find_proc(all, n, p->info.kind, p->info.subject, p->info.grade - 1,
				  p->info.year - 1);
		int b = find_proc(all, n, p->info.kind, p->info.subject, p->info.grade,
				  p->info.year - 1);
		int c = find_dkr(all, n, &p->info);
		p->cohort_from = a >= 0 ? map[a] : -1;
		p->share2_from = b >= 0 ? map[b] : -1;
		p->dkr_from = c >= 0 ? map[c] : -1;
		size_t yi = 0;
		while (yi < r->nyears && r->years[yi] != p->info.year)
			yi++;
		if (yi == r->nyears && r->nyears < 64)
			r->years[r->nyears++] = p->info.year;
		p->year_ix = yi < r->nyears ? (int)yi : -1;
	}
	years_and_columns(r);
	free(map);
	free(all);
	free(want);
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Selection, schools, the output folder, the per-school tallies and signs.csv's header. */
static int job_prepare(struct job *r)
{
	int rc = select_procs(r);
	if (rc || (rc = load_schools(r->d, &r->sc)) || (rc = analysis_teachers_prepare(r)))
		return rc;
	analysis_municipalities_index(r);
	if (mkdir(r->o->out_dir, 0777) && errno != EEXIST) {
		snprintf(r->msg, r->msglen, "не удалось создать каталог «%s»: %s", r->o->out_dir,
			 strerror(errno));
		return ERR_IO;
	}
	size_t ns = r->sc.n;
	r->official = xcalloc(ns + 1, sizeof *r->official);
	r->own = xcalloc(ns + 1, sizeof *r->own);
	r->works = xcalloc(ns + 1, sizeof *r->works);
	r->markers = xcalloc(ns * (r->ncols ? r->ncols : 1) + 1, 1);
	r->yflag = xcalloc(ns * (r->nyears ? r->nyears : 1) + 1, 1);
	r->pflag = xcalloc(ns + 1, 1);
	char *path = analysis_out_path(r, "signs.csv", true);
	rc = file_out_open(&r->signs, path);
	if (rc)
		snprintf(r->msg, r->msglen, "не удалось создать «%s»: %s", path, strerror(errno));
	free(path);
	if (!rc && (rc = analysis_signs_header(r->signs)))
		snprintf(r->msg, r->msglen, "не удалось записать signs.csv: %s", strerror(errno));
	return rc;
}

/* A stored run packs the procedures whose results were stored before the analysis's copy
 * existed (model/result_pack.h), each in a transaction of its own before the run's, so that
 * its workers and every later run read them as blobs. */
static int pack_unpacked(struct job *r, struct analysis_summary *sum)
{
	if (!r->o->store)
		return 0;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = result_unpacked(r->d, &ids, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		if (r->o->progress)
			fprintf(stderr, "\rупаковка результатов для анализа: процедура %zu из %zu", i + 1, n);
		if (r->o->on_packing)
			r->o->on_packing(r->o->progress_ctx, i, n);
		if ((rc = db_begin(r->d)))
			break;
		if ((rc = result_pack_procedure(r->d, ids[i])) || (rc = db_commit(r->d)))
			db_rollback(r->d);
		else
			sum->packed++;
	}
	if (n && r->o->progress)
		fputc('\n', stderr);
	if (n && !rc && r->o->on_packing)
		r->o->on_packing(r->o->progress_ctx, n, n);
	free(ids);
	return rc;
}

/* A stored run: the transaction and the run's row, before anything the run stores an id of
 * is read (job_prepare: the procedures, the schools, the teachers; the workers read the
 * results on connections of their own once the write lock is had). Every id the run
 * stores is then one the database holds until the run commits, which is what lets
 * run_begin() leave the per-row foreign-key checks out (model/run.h). */
static int store_begin(struct job *r)
{
	if (!r->o->store)
		return 0;
	char params[256];
	snprintf(params, sizeof params, "{\"year\": %d, \"procedure\": \"%s\", \"q\": %g}",
		 r->o->year, r->o->procedure ? r->o->procedure : "", r->cfg.q);
	return run_begin(r->d, params, r->o->out_dir, &r->store);
}

static int workers_start(struct job *r, struct worker **out, int *nout)
{
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	int nw = r->o->threads < 1 ? 1 : r->o->threads;
	if ((size_t)nw > r->np)
		nw = (int)r->np;
	struct worker *wk = xcalloc((size_t)nw, sizeof *wk);
	*out = wk;
	*nout = nw;
	for (int i = 0; i < nw; i++) {
		wk[i].r = r;
		if (pthread_create(&wk[i].th, NULL, worker_main, &wk[i])) {
			*nout = i;
			return ERR_NOMEM;
		}
	}
	return 0;
}

/* Lets blocked workers finish (nothing more will be consumed) and joins them. */
static void workers_stop(struct job *r, struct worker *wk, int nw)
{
	pthread_mutex_lock(&r->mu);
	r->written = r->np;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	for (int i = 0; i < nw; i++)
		pthread_join(wk[i].th, NULL);
	free(wk);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

/* A reported procedure's flags into the run's tallies, its pair signs, its rows of
 * signs.csv and its flags into the stored run. */
static int consume_report(struct job *r, struct aproc *p, struct analysis_summary *sum)
{
	size_t ns = r->sc.n;
	memset(r->pflag, 0, ns);
	for (size_t k = 0; k < ns; k++) {
		r->works[k] += p->mean[k].n;
		r->own[k] += p->ownc[k];
		if (p->fl[k] & 1)
			analysis_official_flag(r, k, p, p->col);
		if (p->fl[k] & 2)
			analysis_official_flag(r, k, p, p->col);
	}
	int rc = analysis_write_pairs(r, p);
	if (rc)
		return rc;
	if (p->csv.len && file_out_write(r->signs, p->csv.p, p->csv.len)) {
		snprintf(r->msg, r->msglen, "не удалось записать signs.csv: %s", strerror(errno));
		return ERR_IO;
	}
	if ((rc = analysis_flags_store(r, p)) || (rc = run_flush(r->store)) ||
	    (rc = analysis_recheck_store(r, p)))
		return rc;
	analysis_teachers_consume(r, p);
	r->ev = xgrow(r->ev, &r->evcap, r->nev + p->nev + 1, sizeof *r->ev);
	if (p->nev) /* p->ev is NULL when the procedure gave no evidence (a tiny region) */
		memcpy(r->ev + r->nev, p->ev, p->nev * sizeof *p->ev);
	r->nev += p->nev;
	sum->procedures++;
	sum->works += p->ls.works;
	sum->excluded += p->ls.over_max + p->ls.no_score + p->ls.marked;
	return 0;
}

/* Hands p's signs.csv buffer back for the next procedures and frees what was consumed. */
static void consume_release(struct job *r, struct aproc *p)
{
	pthread_mutex_lock(&r->mu);
	if (p->csv.p && r->nspare < sizeof r->spare / sizeof *r->spare) {
		buf_reset(&p->csv);
		r->spare[r->nspare++] = p->csv;
		buf_init(&p->csv, 0);
	}
	pthread_mutex_unlock(&r->mu);
	buf_free(&p->csv);
	analysis_flags_free(p);
	analysis_recheck_free(p);
	free(p->ev);
	p->ev = NULL;
	free(p->fl);
	free(p->ownc);
	p->fl = p->ownc = NULL;
}

/* Consumes the procedures in order as the workers finish them. */
static int consume_all(struct job *r, struct analysis_summary *sum, double *t_wait)
{
	for (size_t i = 0; i < r->np; i++) {
		struct aproc *p = &r->p[i];
		double tw = now();
		pthread_mutex_lock(&r->mu);
		while (!p->done)
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		*t_wait += now() - tw;
		if (p->rc) {
			snprintf(r->msg, r->msglen, p->rc == ERR_INVALID
				 ? "процедура %s: данные не прошли проверку перед анализом"
				 : "процедура %s: не удалось загрузить результаты", p->info.code);
			return p->rc;
		}
		if (r->o->progress)
			fprintf(stderr, "\rанализ: %zu из %zu процедур (%s)      ", i + 1, r->np, p->info.code);
		int rc = p->report ? consume_report(r, p, sum) : 0;
		if (rc)
			return rc;
		sum->companions += !p->report;
		consume_release(r, p);
		sum->pairs += p->report && p->cohort_from >= 0;
		pthread_mutex_lock(&r->mu);
		r->written = i + 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (r->o->on_progress)
			r->o->on_progress(r->o->progress_ctx, i + 1, r->np);
	}
	if (r->o->progress)
		fprintf(stderr, "\r%60s\r", "");
	return 0;
}

/* The pooled risk, computed on a thread of its own while the outputs that do not need it
 * (region.csv, municipalities.csv, official_list.xlsx) are written: stat_risk is pure and
 * reads only the evidence, which nothing changes any more. */
struct risk_task {
	const struct job *r;
	struct stat_risk_school *rk;
	struct stat_risk_summary rs;
	double secs;
	int rc;
};

static void *risk_main(void *arg)
{
	struct risk_task *t = arg;
	double t0 = now();
	t->rc = stat_risk(t->r->ev, t->r->nev, t->r->sc.n, STAT_COMBINE_POOLED, t->r->cfg.q, t->rk,
			  &t->rs);
	t->secs = now() - t0;
	return NULL;
}

/* The risk, the objectivity index, the other outputs and the stored run's rows. */
static int finish(struct job *r, struct analysis_summary *sum)
{
	size_t ns = r->sc.n;
	int rc = file_out_close(r->signs);
	r->signs = NULL;
	if (rc) {
		snprintf(r->msg, r->msglen, "не удалось записать signs.csv: %s", strerror(errno));
		return rc;
	}
	struct risk_task rt = { r, xcalloc(ns + 1, sizeof *rt.rk), { 0 }, 0, 0 };
	bool *considered = xcalloc(ns + 1, sizeof *considered);
	double t0 = now();
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, risk_main, &rt) == 0;
	if (!threaded)
		risk_main(&rt);
	for (size_t s = 0; s < ns; s++)
		considered[s] = r->works[s] > 0;
	struct stat_index ix = stat_objectivity_index(r->official, considered, ns);
	sum->index = ix.index;
	rc = analysis_write_region(r, &ix);
	rc = rc ? rc : analysis_write_municipalities(r);
	rc = rc ? rc : analysis_write_official(r);
	if (threaded)
		pthread_join(th, NULL);
	rc = rc ? rc : rt.rc;
	if (rc)
		goto out;
	const struct stat_risk_school *rk = rt.rk;
	for (size_t s = 0; s < ns; s++)
		sum->listed += rk[s].listed && r->works[s];
	sum->expected_false = r->cfg.q * (double)sum->listed;
	size_t tlisted = 0;
	if ((rc = analysis_write_schools(r, rk, sum)) || (rc = analysis_store_histograms(r, rk)) ||
	    (rc = analysis_teachers_finish(r, &tlisted)))
		goto out;
	double t_files = now();
	if (r->store) {
		int64_t id = run_writer_id(r->store);
		struct run_totals t = { (long)sum->procedures, (long)sum->considered,
			(long)sum->flagged, (long)sum->listed, ix.index, r->cfg.q };
		rc = run_finish(r->store, &t);
		r->store = NULL;
		if (rc)
			goto out;
		sum->run_id = id;
	}
	rc = analysis_outputs_finish(r, true);
	rc = rc ? rc : analysis_teachers_outputs(r, true);
	if (r->o->timing)
		fprintf(stderr, "время: риск %.2f с (одновременно с файлами), файлы%s %.2f с, "
			"%sзамена файлов %.2f с\n", rt.secs, r->o->store ? " и строки прогона" : "",
			t_files - t0, r->o->store ? "запись прогона в базу и " : "", now() - t_files);
out:
	free(considered);
	free(rt.rk);
	return rc;
}

static void job_free(struct job *r)
{
	analysis_teachers_free(r);
	for (size_t i = 0; i < r->np; i++) {
		struct aproc *p = &r->p[i];
		stat_analysis_free(&p->a);
		buf_free(&p->csv);
		analysis_flags_free(p);
		analysis_recheck_free(p);
		free(p->ev);
		free(p->fl);
		free(p->ownc);
		free(p->mean);
		free(p->marks);
		free(p->mun);
		free(p->hist);
		free(p->over);
		free(p->rhist);
	}
	for (size_t i = 0; i < r->nspare; i++)
		buf_free(&r->spare[i]);
	free(r->mun_of);
	free(r->mun_name);
	for (size_t c = 0; c < r->ncols; c++)
		free(r->colname[c]);
	free(r->colname);
	free(r->p);
	free(r->official);
	free(r->own);
	free(r->works);
	free(r->markers);
	free(r->yflag);
	free(r->pflag);
	free(r->flagged_in);
	free(r->ev);
	load_schools_free(&r->sc);
}

int analysis_run(struct db *d, const struct analysis_opts *o, struct analysis_summary *sum,
		 char *msg, size_t msglen)
{
	memset(sum, 0, sizeof *sum);
	struct job R;
	memset(&R, 0, sizeof R);
	struct job *r = &R;
	r->o = o;
	r->d = d;
	r->msg = msg;
	r->msglen = msglen;
	msg[0] = 0;
	stat_cfg_default(&r->cfg);
	if (o->q > 0 && o->q < 1)
		r->cfg.q = o->q;
	struct worker *wk = NULL;
	int nw = 0;
	double t0 = now(), t_wait = 0, t1 = 0, tp = 0;
	int rc = pack_unpacked(r, sum);
	if (rc || (rc = store_begin(r)) || (rc = job_prepare(r)))
		goto out;
	if (r->store)
		r->flagged_in = xcalloc(r->sc.n * r->np + 1, 1);
	tp = now();
	if ((rc = workers_start(r, &wk, &nw)) || (rc = consume_all(r, sum, &t_wait)))
		goto out;
	t1 = now();
	if ((rc = finish(r, sum)))
		goto out;
	if (o->timing)
		fprintf(stderr, "время: подготовка %.2f с, загрузка и анализ %.2f с (ожидание потоков "
			"%.2f с), риск и файлы %.2f с\n", tp - t0, t1 - tp, t_wait, now() - t1);
out:
	if (wk)
		workers_stop(r, wk, nw);
	run_abort(r->store);
	file_out_close(r->signs);
	if (rc) {
		analysis_outputs_finish(r, false);
		analysis_teachers_outputs(r, false);
	}
	job_free(r);
	if (rc && !msg[0])
		snprintf(msg, msglen, "%s", rc == ERR_DB ? db_errmsg(d) : err_str(rc));
	return rc;
}
