/* analysis/tables: the outputs written after the procedures — schools.csv, region.csv,
 * municipalities.csv, official_list.xlsx — each under ".NAME.part" until the run has
 * succeeded, and the stored run's school, index and histogram rows (model/run.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/job.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/numfmt.h"
#include "stats/catalogue.h"

/* ---- formatting helpers ---- */

static int w_num(struct table_writer *w, double v)
{
	if (isnan(v) || isinf(v))
		return table_writer_empty(w);
	char b[NUMFMT_MAX];
	numfmt_g(b, v, 10);
	return table_writer_text(w, b);
}

static int w_row(struct table_writer *w, const char *const *cells, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = table_writer_text(w, cells[i]);
	return rc ? rc : table_writer_end_row(w);
}

/* The outputs, written under a temporary name (".NAME.part") and renamed to NAME only when
 * the whole run has succeeded: a killed or failed run never leaves a half-written file
 * under an output's name, and the previous run's files stay whole until replaced. */
static const char *const OUTPUTS[] = { "signs.csv", "schools.csv", "region.csv",
				       "municipalities.csv", "official_list.xlsx" };

char *analysis_out_path(const struct job *r, const char *name, bool part)
{
	size_t n = strlen(r->o->out_dir) + strlen(name) + 8;
	char *path = xmalloc(n);
	snprintf(path, n, part ? "%s/.%s.part" : "%s/%s", r->o->out_dir, name);
	return path;
}

int analysis_outputs_finish(struct job *r, bool ok)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof OUTPUTS / sizeof *OUTPUTS; i++) {
		char *part = analysis_out_path(r, OUTPUTS[i], true), *name = analysis_out_path(r, OUTPUTS[i], false);
		if (!ok) {
			unlink(part);
		} else if (rename(part, name) && errno != ENOENT && !rc) {
			snprintf(r->msg, r->msglen, "не удалось переименовать «%s» в «%s»: %s", part, name,
				 strerror(errno));
			rc = ERR_IO;
		}
		free(part);
		free(name);
	}
	return rc;
}

static int open_out(struct job *r, struct table_writer **w, const char *name, enum table_kind k,
		    const char *sheet)
{
	char *path = analysis_out_path(r, name, true);
	int rc = table_writer_open(w, path, k, sheet, r->msg, r->msglen);
	free(path);
	return rc;
}

/* ---- outputs after the procedures ---- */

struct order {
	const char *muni, *login;
	size_t ix;
};

static int cmp_order(const void *x, const void *y)
{
	const struct order *a = x, *b = y;
	int c = strcmp(a->muni, b->muni);
	return c ? c : strcmp(a->login, b->login);
}

int analysis_write_official(struct job *r)
{
	struct table_writer *w = NULL;
	int rc = open_out(r, &w, "official_list.xlsx", TABLE_XLSX, "Список ОО");
	if (rc)
		return rc;
	rc = table_writer_text(w, "Муниципалитет");
	rc = rc ? rc : table_writer_text(w, "Логин ОО");
	rc = rc ? rc : table_writer_text(w, "Образовательная организация");
	for (size_t c = 0; c < r->ncols && !rc; c++)
		rc = table_writer_text(w, r->colname[c]);
	rc = rc ? rc : table_writer_text(w, "Количество маркеров");
	rc = rc ? rc : table_writer_text(w, "Лет подряд с маркерами");
	rc = rc ? rc : table_writer_end_row(w);
	struct order *o = xmalloc((r->sc.n ? r->sc.n : 1) * sizeof *o);
	size_t no = 0;
	for (size_t s = 0; s < r->sc.n; s++)
		if (r->official[s])
			o[no++] = (struct order){r->sc.s[s].municipality, r->sc.s[s].login, s};
	qsort(o, no, sizeof *o, cmp_order);
	for (size_t i = 0; i < no && !rc; i++) {
		size_t s = o[i].ix;
		rc = table_writer_text(w, r->sc.s[s].municipality);
		rc = rc ? rc : table_writer_text(w, r->sc.s[s].login);
		rc = rc ? rc : table_writer_text(w, r->sc.s[s].name);
		for (size_t c = 0; c < r->ncols && !rc; c++) {
			uint8_t m = r->markers[s * r->ncols + c];
			rc = m ? table_writer_int(w, m) : table_writer_empty(w);
		}
		rc = rc ? rc : table_writer_int(w, (long)r->official[s]);
		int run = 0;
		for (size_t y = r->nyears; y-- > 0 && r->yflag[s * r->nyears + y];)
			run++;
		rc = rc ? rc : table_writer_int(w, run);
		rc = rc ? rc : table_writer_end_row(w);
	}
	free(o);
	int rc2 = table_writer_close(w);
	return rc ? rc : rc2;
}

static const char *SCHOOLS_HDR[] = {"school", "municipality", "official_flags", "risk", "listed",
	"rank", "name", "kind", "indepth", "works", "own_flags", "p", "q_adj", "top_sign",
	"top_procedure", "top_p", "years_flagged", "consecutive_years"};

/* The years school s has an official flag in ("2020 2021") and how many of them run up to
 * the last year. */
static int years_flagged(const struct job *r, size_t s, char *years, size_t n)
{
	size_t off = 0;
	int run = 0;
	years[0] = 0;
	for (size_t y = 0; y < r->nyears; y++)
		if (r->yflag[s * r->nyears + y] && off < n)
			off += (size_t)snprintf(years + off, n - off, "%s%d", off ? " " : "", r->years[y]);
	for (size_t y = r->nyears; y-- > 0 && r->yflag[s * r->nyears + y];)
		run++;
	return run;
}

/* One school's row of schools.csv and of school_risk, ranked k. */
static int school_row(struct job *r, struct table_writer *w, size_t s,
		      const struct stat_risk_school *x, uint32_t k)
{
	char years[64 * 6];
	int run = years_flagged(r, s, years, sizeof years);
	const char *top = x->sign >= 0 ? stat_sign_name((enum stat_sign)x->sign) : "";
	const struct aproc *tp = x->proc >= 0 ? &r->p[x->proc] : NULL;
	const struct load_school *sc = &r->sc.s[s];
	int rc = table_writer_text(w, sc->login);
	rc = rc ? rc : table_writer_text(w, sc->municipality);
	rc = rc ? rc : table_writer_int(w, (long)r->official[s]);
	rc = rc ? rc : w_num(w, x->risk);
	rc = rc ? rc : table_writer_int(w, x->listed);
	rc = rc ? rc : table_writer_int(w, (long)k);
	rc = rc ? rc : table_writer_text(w, sc->name);
	rc = rc ? rc : table_writer_text(w, sc->kind);
	rc = rc ? rc : table_writer_int(w, sc->indepth);
	rc = rc ? rc : table_writer_int(w, (long)r->works[s]);
	rc = rc ? rc : table_writer_int(w, (long)r->own[s]);
	rc = rc ? rc : w_num(w, x->nev ? x->p : NAN);
	rc = rc ? rc : w_num(w, x->q_adj);
	rc = rc ? rc : table_writer_text(w, top ? top : "");
	rc = rc ? rc : table_writer_text(w, tp ? tp->info.code : "");
	rc = rc ? rc : w_num(w, x->pmin);
	rc = rc ? rc : table_writer_text(w, years);
	rc = rc ? rc : table_writer_int(w, run);
	rc = rc ? rc : table_writer_end_row(w);
	if (rc || !r->store)
		return rc;
	struct run_school_row row = { sc->id, (long)r->official[s], (long)r->own[s],
		(long)r->works[s], (long)k, run, x->risk, x->nev ? x->p : NAN, x->q_adj, x->pmin,
		x->listed, top, tp ? tp->info.id : 0, years };
	return run_add_school(r->store, &row);
}

int analysis_write_schools(struct job *r, const struct stat_risk_school *rk,
			   struct analysis_summary *sum)
{
	struct table_writer *w = NULL;
	int rc = open_out(r, &w, "schools.csv", TABLE_CSV, NULL);
	if (rc)
		return rc;
	rc = w_row(w, SCHOOLS_HDR, sizeof SCHOOLS_HDR / sizeof *SCHOOLS_HDR);
	/* In rank order, schools with works only; ranks renumbered over them. */
	uint32_t *ord = xmalloc((r->sc.n ? r->sc.n : 1) * sizeof *ord);
	for (size_t s = 0; s < r->sc.n; s++)
		ord[rk[s].rank - 1] = (uint32_t)s;
	uint32_t k = 0;
	for (size_t i = 0; i < r->sc.n && !rc; i++) {
		size_t s = ord[i];
		if (!r->works[s])
			continue;
		rc = school_row(r, w, s, &rk[s], ++k);
		sum->considered++;
		sum->flagged += r->official[s] > 0;
	}
	free(ord);
	int rc2 = table_writer_close(w);
	return rc ? rc : rc2;
}

static const char *REGION_HDR[] = {"procedure", "kind", "year", "subject", "grade", "rows",
	"absent", "excluded_over_max", "excluded_no_score", "cells_over_max", "works", "schools", "mean", "sd",
	"ci_lo", "ci_hi", "mean_inflated", "journal_mismatch", "cohort_rise", "cohort_drop",
	"share2_rise", "flagged_official", "index", "own_flagged", "cohort_from", "cohort_q25",
	"cohort_q75", "cohort_lo", "cohort_hi", "b3", "b3_excess", "b3_excess_lo", "b3_excess_hi",
	"b3_share", "b3_missing", "b4", "b4_excess", "b4_excess_lo", "b4_excess_hi", "b4_share",
	"b4_missing", "b5", "b5_excess", "b5_excess_lo", "b5_excess_hi", "b5_share", "b5_missing",
	"largest_boundary", "largest_excess", "largest_excess_lo", "largest_excess_hi",
	"excluded_marked"};

static int largest(const struct aproc *p)
{
	int best = -1;
	for (int b = 0; b < 3 && p->has_scale; b++)
		if (p->est[b].ok && !isnan(p->est[b].excess) &&
		    (best < 0 || p->est[b].excess > p->est[best].excess))
			best = b;
	return best;
}

/* The procedure's objectivity index: 100 - % of its schools with an official flag. */
static double proc_index(const struct aproc *p)
{
	return p->schools ? 100.0 - 100.0 * (double)p->flag_any / (double)p->schools : NAN;
}

/* Columns procedure .. share2_rise of a procedure's row of region.csv. */
static int region_counts(struct job *r, struct table_writer *w, const struct aproc *p)
{
	int rc = table_writer_text(w, p->info.code);
	rc = rc ? rc : table_writer_text(w, p->info.kind);
	rc = rc ? rc : table_writer_int(w, p->info.year);
	rc = rc ? rc : table_writer_text(w, p->info.subject);
	rc = rc ? rc : table_writer_int(w, p->info.grade);
	rc = rc ? rc : table_writer_int(w, (long)p->ls.rows);
	rc = rc ? rc : table_writer_int(w, (long)p->ls.absent);
	rc = rc ? rc : table_writer_int(w, (long)p->ls.over_max);
	rc = rc ? rc : table_writer_int(w, (long)p->ls.no_score);
	rc = rc ? rc : table_writer_int(w, (long)p->ls.cells_over);
	rc = rc ? rc : table_writer_int(w, (long)p->ls.works);
	rc = rc ? rc : table_writer_int(w, (long)p->schools);
	rc = rc ? rc : w_num(w, p->mean_r.mean);
	rc = rc ? rc : w_num(w, p->mean_r.sd);
	rc = rc ? rc : w_num(w, p->mean_r.lo);
	rc = rc ? rc : w_num(w, p->mean_r.hi);
	rc = rc ? rc : table_writer_int(w, (long)p->flag_mean);
	rc = rc ? rc : table_writer_int(w, (long)p->flag_journal);
	bool coh = p->cohort_from >= 0;
	rc = rc ? rc : coh ? table_writer_int(w, (long)p->flag_rise) : table_writer_empty(w);
	rc = rc ? rc : coh ? table_writer_int(w, (long)p->flag_drop) : table_writer_empty(w);
	rc = rc ? rc : p->share2_from >= 0 ? table_writer_int(w, (long)p->flag_share2)
					    : table_writer_empty(w);
	return rc;
}

/* Columns flagged_official .. excluded_marked: index, cohort quartiles, excess mass. */
static int region_rest(struct job *r, struct table_writer *w, const struct aproc *p)
{
	bool coh = p->cohort_from >= 0;
	int rc = table_writer_int(w, (long)p->flag_any);
	rc = rc ? rc : w_num(w, proc_index(p));
	rc = rc ? rc : table_writer_int(w, (long)p->own_any);
	rc = rc ? rc : table_writer_text(w, coh ? r->p[p->cohort_from].info.code : "");
	rc = rc ? rc : w_num(w, coh ? p->coh_r.q25 : NAN);
	rc = rc ? rc : w_num(w, coh ? p->coh_r.q75 : NAN);
	rc = rc ? rc : w_num(w, coh ? p->coh_r.lo : NAN);
	rc = rc ? rc : w_num(w, coh ? p->coh_r.hi : NAN);
	for (int b = 0; b < 3 && !rc; b++) {
		const struct stat_bunch_est *e = &p->est[b];
		bool ok = p->has_scale && e->ok;
		rc = p->has_scale ? table_writer_int(w, p->scale[b]) : table_writer_empty(w);
		rc = rc ? rc : w_num(w, ok ? e->excess : NAN);
		rc = rc ? rc : w_num(w, ok ? e->excess_lo : NAN);
		rc = rc ? rc : w_num(w, ok ? e->excess_hi : NAN);
		rc = rc ? rc : w_num(w, ok ? e->excess_share : NAN);
		rc = rc ? rc : w_num(w, ok ? e->missing : NAN);
	}
	int lb = largest(p);
	rc = rc ? rc : lb >= 0 ? table_writer_int(w, p->scale[lb]) : table_writer_empty(w);
	rc = rc ? rc : w_num(w, lb >= 0 ? p->est[lb].excess : NAN);
	rc = rc ? rc : w_num(w, lb >= 0 ? p->est[lb].excess_lo : NAN);
	rc = rc ? rc : w_num(w, lb >= 0 ? p->est[lb].excess_hi : NAN);
	rc = rc ? rc : table_writer_int(w, (long)p->ls.marked);
	return rc ? rc : table_writer_end_row(w);
}

/* The procedure's row of region_index. */
static int region_store(struct job *r, const struct aproc *p)
{
	int lb = largest(p);
	struct run_index_row x = { p->info.id, p->info.code, (int64_t)p->ls.works, (int64_t)p->schools,
		(int64_t)(p->ls.over_max + p->ls.no_score + p->ls.marked), (int64_t)p->ls.absent,
		p->mean_r.mean, p->mean_r.sd, (int64_t)p->flag_mean, (int64_t)p->flag_journal,
		(int64_t)p->flag_rise, (int64_t)p->flag_drop, (int64_t)p->flag_share2,
		(int64_t)p->flag_any, (int64_t)p->own_any, proc_index(p), lb >= 0 ? p->scale[lb] : -1,
		lb >= 0 ? p->est[lb].excess : NAN, lb >= 0 ? p->est[lb].excess_lo : NAN,
		lb >= 0 ? p->est[lb].excess_hi : NAN, lb >= 0 ? p->est[lb].excess_share : NAN };
	return run_add_index(r->store, &x);
}

/* The row of the whole run: its index over every school with works. */
static int region_all(struct job *r, struct table_writer *w, const struct stat_index *ix)
{
	int rc = table_writer_text(w, "all");
	for (int i = 1; i < 21 && !rc; i++)
		rc = table_writer_empty(w);
	rc = rc ? rc : table_writer_int(w, (long)ix->nflagged);
	rc = rc ? rc : w_num(w, ix->index);
	/* Every row as wide as the header: a strict CSV reader wants a rectangle. */
	for (size_t i = 23; i < sizeof REGION_HDR / sizeof *REGION_HDR && !rc; i++)
		rc = table_writer_empty(w);
	rc = rc ? rc : table_writer_end_row(w);
	if (rc || !r->store)
		return rc;
	struct run_index_row x = { .procedure_id = 0, .scope = "all",
		.schools = (int64_t)ix->nconsidered, .flagged_official = (int64_t)ix->nflagged,
		.index = ix->index, .boundary = -1 };
	return run_add_index(r->store, &x);
}

int analysis_write_region(struct job *r, const struct stat_index *ix)
{
	struct table_writer *w = NULL;
	int rc = open_out(r, &w, "region.csv", TABLE_CSV, NULL);
	if (rc)
		return rc;
	rc = w_row(w, REGION_HDR, sizeof REGION_HDR / sizeof *REGION_HDR);
	for (size_t k = 0; k < r->np && !rc; k++) {
		const struct aproc *p = &r->p[k];
		if (!p->report)
			continue;
		if (!(rc = region_counts(r, w, p)) && !(rc = region_rest(r, w, p)) && r->store)
			rc = region_store(r, p);
	}
	rc = rc ? rc : region_all(r, w, ix);
	int rc2 = table_writer_close(w);
	return rc ? rc : rc2;
}

/* Stored runs: per reported procedure the run's whole distribution, and per school with
 * works the distribution its card draws — its top procedure, or (no top) every procedure
 * where a flag of it was stored. */
int analysis_store_histograms(struct job *r, const struct stat_risk_school *rk)
{
	int rc = 0;
	uint32_t h[STAT_MAX_SCORE + 1];
	for (size_t k = 0; k < r->np && !rc && r->store; k++) {
		const struct aproc *p = &r->p[k];
		if (p->report && p->rhist)
			rc = run_add_histogram(r->store, p->info.id, 0, p->rhist, p->w,
					       p->has_scale ? p->scale : NULL);
	}
	for (size_t s = 0; s < r->sc.n && !rc && r->store; s++) {
		if (!r->works[s])
			continue;
		for (size_t k = 0; k < r->np && !rc; k++) {
			const struct aproc *p = &r->p[k];
			bool want = rk[s].proc >= 0 ? (size_t)rk[s].proc == k : r->flagged_in[s * r->np + k];
			if (!want || !p->hist)
				continue;
			for (size_t v = 0; v < p->w; v++) {
				h[v] = p->hist[s * p->w + v];
				/* The exact count behind a saturated byte (over[] is in school order). */
				for (size_t o = 0; h[v] == HIST_BIG && o < p->nover; o++)
					if (p->over[o].school == s && p->over[o].score == v)
						h[v] = p->over[o].n;
			}
			rc = run_add_histogram(r->store, p->info.id, r->sc.s[s].id, h, p->w, NULL);
		}
	}
	return rc;
}

static const char *MUN_HDR[] = {"procedure", "municipality", "schools", "works", "b3",
	"b3_excess", "b3_excess_lo", "b3_excess_hi", "b3_share", "b3_missing", "b4", "b4_excess",
	"b4_excess_lo", "b4_excess_hi", "b4_share", "b4_missing", "b5", "b5_excess", "b5_excess_lo",
	"b5_excess_hi", "b5_share", "b5_missing"};

/* municipalities.csv: per reported procedure with a scale and municipality with works. */
int analysis_write_municipalities(struct job *r)
{
	struct table_writer *w = NULL;
	int rc = open_out(r, &w, "municipalities.csv", TABLE_CSV, NULL);
	if (rc)
		return rc;
	rc = w_row(w, MUN_HDR, sizeof MUN_HDR / sizeof *MUN_HDR);
	for (size_t k = 0; k < r->np && !rc; k++) {
		const struct aproc *p = &r->p[k];
		if (!p->report || !p->mun)
			continue;
		for (size_t m = 0; m < r->nmun && !rc; m++) {
			const struct munrow *x = &p->mun[m];
			if (!x->works)
				continue;
			rc = table_writer_text(w, p->info.code);
			rc = rc ? rc : table_writer_text(w, r->mun_name[m]);
			rc = rc ? rc : table_writer_int(w, (long)x->schools);
			rc = rc ? rc : table_writer_int(w, (long)x->works);
			for (int b = 0; b < 3 && !rc; b++) {
				const struct stat_bunch_est *e = &x->est[b];
				rc = table_writer_int(w, p->scale[b]);
				rc = rc ? rc : w_num(w, e->ok ? e->excess : NAN);
				rc = rc ? rc : w_num(w, e->ok ? e->excess_lo : NAN);
				rc = rc ? rc : w_num(w, e->ok ? e->excess_hi : NAN);
				rc = rc ? rc : w_num(w, e->ok ? e->excess_share : NAN);
				rc = rc ? rc : w_num(w, e->ok ? e->missing : NAN);
			}
			rc = rc ? rc : table_writer_end_row(w);
		}
	}
	int rc2 = table_writer_close(w);
	return rc ? rc : rc2;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The run's municipalities in name order and each school's index among them (schools
 * without one share the municipality ""). */
void analysis_municipalities_index(struct job *r)
{
	size_t ns = r->sc.n, nm = 0;
	const char **names = xmalloc((ns ? ns : 1) * sizeof *names);
	for (size_t s = 0; s < ns; s++)
		names[s] = r->sc.s[s].municipality ? r->sc.s[s].municipality : "";
	qsort(names, ns, sizeof *names, cmp_str);
	for (size_t s = 0; s < ns; s++)
		if (!nm || strcmp(names[nm - 1], names[s]))
			names[nm++] = names[s];
	r->mun_name = names;
	r->nmun = nm;
	r->mun_of = xmalloc((ns ? ns : 1) * sizeof *r->mun_of);
	for (size_t s = 0; s < ns; s++) {
		const char *key = r->sc.s[s].municipality ? r->sc.s[s].municipality : "";
		const char **f = bsearch(&key, names, nm, sizeof *names, cmp_str);
		r->mun_of[s] = (uint32_t)(f - names);
	}
}

