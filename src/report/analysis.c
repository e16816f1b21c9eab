/* report/analysis: the analysis run (selection, parallel load and analysis, outputs). */
#include "report/analysis.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/numfmt.h"
#include "io/table_write.h"
#include "model/load.h"
#include "stats/analyze.h"

/* One procedure of the run. */
struct aproc {
	struct load_procinfo info;
	bool report;            /* selected: written to the outputs */
	int col;                /* column of the official list, -1 for companions */
	int year_ix;            /* index into run.years, -1 for companions */
	/* Filled by a worker. */
	bool done;
	int rc;
	struct stat_analysis a;
	struct load_stats ls;
	bool has_pos, has_scale;
	int scale[3], max_score;
	/* Kept after the procedure's rows are written (for the pair signs). */
	struct stat_mean_school *mean;
	struct stat_marks_school *marks;
	/* Region row. */
	struct stat_mean_region mean_r;
	struct stat_bunch_est est[3];
	size_t schools, flag_mean, flag_journal, flag_rise, flag_drop, flag_share2, flag_any, own_any;
	int cohort_from;        /* index of the cohort predecessor, -1 */
	int share2_from;
	struct stat_cohort_region coh_r;
	/* Made by the worker from the analysis, consumed in order by the main thread. */
	struct buf csv;         /* the procedure's rows of signs.csv */
	uint8_t *fl;            /* per school: 1 mean_inflated, 2 journal_mismatch flagged */
	uint8_t *ownc;          /* per school: own signs flagged */
	struct flagrow *flags;  /* flagged rows for sign_result */
	size_t nflags, flcap;
	struct stat_evidence *ev;
	size_t nev, evcap;
	struct munrow *mun;     /* [run.nmun]: excess mass per municipality (NULL: none) */
};

/* The excess mass of one municipality in one procedure (municipalities.csv). */
struct munrow {
	uint32_t works, schools;
	struct stat_bunch_est est[3];
};

/* A flagged row kept for the database. */
struct flagrow {
	uint32_t school;
	const char *sign;
	double value, threshold, pv, q;
	long n;
	char *detail;
};

struct run {
	const struct analysis_opts *o;
	struct db *d;
	struct load_schools sc;
	struct aproc *p;
	size_t np;
	struct stat_cfg cfg;
	/* Workers. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next, written;
	int worker_rc;
	/* Emptied signs.csv buffers handed back for the next procedures: a national
	 * procedure's rows are ~60 MB, and fresh memory costs a page fault per 4 KiB. */
	struct buf spare[4];
	size_t nspare;
	/* Per school. */
	uint32_t *official;     /* official flags over the run */
	uint32_t *own;          /* own-sign flags over the run */
	uint32_t *works;        /* written works in reported procedures */
	size_t ncols;           /* official list: reported procedures + cohort columns */
	char **colname;
	uint8_t *markers;       /* [school * ncols + col] */
	int years[64];
	size_t nyears;
	uint8_t *yflag;         /* [school * nyears + year_ix] */
	uint8_t *pflag;         /* [school]: flagged in the current procedure (scratch) */
	struct stat_evidence *ev;
	size_t nev, evcap;
	/* Municipalities: index of each school's municipality (in mun_name order, by name). */
	uint32_t *mun_of;
	const char **mun_name;
	size_t nmun;
	/* Outputs. */
	FILE *signs;
	struct db_stmt *ins_sign;
	int64_t run_id;
	char *msg;
	size_t msglen;
};

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

/* out_dir/NAME, or out_dir/.NAME.part; the caller frees it. */
static char *out_path(const struct run *r, const char *name, bool part)
{
	size_t n = strlen(r->o->out_dir) + strlen(name) + 8;
	char *path = xmalloc(n);
	snprintf(path, n, part ? "%s/.%s.part" : "%s/%s", r->o->out_dir, name);
	return path;
}

/* Renames every written output to its name (ok), or removes the parts (!ok). */
static int outputs_finish(struct run *r, bool ok)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof OUTPUTS / sizeof *OUTPUTS; i++) {
		char *part = out_path(r, OUTPUTS[i], true), *name = out_path(r, OUTPUTS[i], false);
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

static int open_out(struct run *r, struct table_writer **w, const char *name, enum table_kind k,
		    const char *sheet)
{
	char *path = out_path(r, name, true);
	int rc = table_writer_open(w, path, k, sheet, r->msg, r->msglen);
	free(path);
	return rc;
}

/* One row of signs.csv (and of sign_result when flagged). */
struct srow {
	size_t school;
	const struct aproc *p;
	const char *sign;
	double value, threshold;
	long n;
	enum stat_status st;
	double pv, q;
	const char *detail;
};

static int bind_num(struct db_stmt *s, int i, double v)
{
	return isnan(v) || isinf(v) ? db_bind_null(s, i) : db_bind_double(s, i, v);
}

/* The detail cell, "key=value;key=value": numbers through numfmt (as printf's %.Ng would
 * write them, without its cost: signs.csv holds tens of millions of them). */
struct det {
	char s[512];
	size_t n;
};

static void det_key(struct det *d, const char *k)
{
	size_t l = strlen(k);
	if (d->n + l + NUMFMT_MAX < sizeof d->s) {
		memcpy(d->s + d->n, k, l + 1);
		d->n += l;
	}
}

static void det_g(struct det *d, const char *k, double v, int prec)
{
	det_key(d, k);
	if (d->n + NUMFMT_MAX < sizeof d->s)
		d->n += numfmt_g(d->s + d->n, v, prec);
}

static void det_u(struct det *d, const char *k, unsigned long long u)
{
	det_key(d, k);
	if (d->n + NUMFMT_MAX < sizeof d->s)
		d->n += numfmt_u(d->s + d->n, u);
}

/* signs.csv is written with plain stdio from per-procedure buffers that the workers fill
 * in parallel: logins, codes, sign names and numbers need no quoting; the detail (a
 * key=value list with commas in it) goes through the one CSV quoting rule (buf_csv_field).
 * The other outputs go through io/table_write. */

/* Appends s and then the separator c at *o. */
static char *put_field(char *o, const char *s, size_t n, char c)
{
	memcpy(o, s, n);
	o[n] = c;
	return o + n + 1;
}

/* A number (empty when NaN or infinite) and the separator c. */
static char *put_numf(char *o, double v, char c)
{
	if (!isnan(v) && !isinf(v))
		o += numfmt_g(o, v, 10);
	*o = c;
	return o + 1;
}

static int sign_out(struct run *r, struct aproc *p, const struct srow *x)
{
	struct buf *b = &p->csv;
	const char *login = r->sc.s[x->school].login, *st = stat_status_name(x->st);
	const char *det = x->detail ? x->detail : "";
	size_t nl = strlen(login), nc = strlen(p->info.code), ns = strlen(x->sign);
	size_t nst = strlen(st), nd = strlen(det);
	/* One reservation for the row: the texts, four numbers, a count, 10 separators. */
	if (buf_reserve(b, nl + nc + ns + nst + nd + 4 * NUMFMT_MAX + 24 + 10))
		return ERR_LIMIT;
	char *o = b->p + b->len;
	o = put_field(o, login, nl, ',');
	o = put_field(o, p->info.code, nc, ',');
	o = put_field(o, x->sign, ns, ',');
	o = put_numf(o, x->value, ',');
	o = put_numf(o, x->threshold, ',');
	o += numfmt_u(o, x->n > 0 ? (unsigned long long)x->n : 0); /* a count */
	*o++ = ',';
	o = put_field(o, st, nst, ',');
	o = put_numf(o, x->pv, ',');
	o = put_numf(o, x->q, ',');
	b->len = (size_t)(o - b->p);
	if (buf_csv_field(b, det, nd, ',') || buf_putc(b, '\n'))
		return ERR_LIMIT;
	if (x->st == STAT_FLAG && r->o->store) {
		p->flags = xgrow(p->flags, &p->flcap, p->nflags + 1, sizeof *p->flags);
		p->flags[p->nflags++] = (struct flagrow){(uint32_t)x->school, x->sign, x->value,
			x->threshold, x->pv, x->q, x->n, xstrdup(x->detail ? x->detail : "")};
	}
	return 0;
}

static int flags_store(struct run *r, struct aproc *p)
{
	struct db_stmt *s = r->ins_sign;
	for (size_t i = 0; i < p->nflags && s; i++) {
		const struct flagrow *x = &p->flags[i];
		db_reset(s);
		db_bind_int(s, 1, r->run_id);
		db_bind_int(s, 2, r->sc.s[x->school].id);
		db_bind_int(s, 3, p->info.id);
		db_bind_text(s, 4, x->sign, -1);
		bind_num(s, 5, x->value);
		bind_num(s, 6, x->threshold);
		db_bind_int(s, 7, x->n);
		bind_num(s, 8, x->pv);
		bind_num(s, 9, x->q);
		db_bind_text(s, 10, x->detail, -1);
		int rc = db_step(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void flags_free(struct aproc *p)
{
	for (size_t i = 0; i < p->nflags; i++)
		free(p->flags[i].detail);
	free(p->flags);
	p->flags = NULL;
	p->nflags = p->flcap = 0;
}

static int zrow(struct run *r, size_t s, struct aproc *p, enum stat_sign sign,
		const struct stat_zres *z)
{
	struct det d = {"", 0};
	struct srow x = {s, p, stat_sign_name(sign), NAN, NAN, 0, STAT_NOT_EVALUABLE, NAN, NAN, ""};
	if (z) {
		det_g(&d, "obs=", z->obs, 6);
		det_g(&d, ";exp=", z->expct, 6);
		det_g(&d, ";var=", z->var, 6);
		det_g(&d, ";z=", z->z, 4);
		x.value = z->zc;
		x.n = z->n;
		x.st = z->status;
		x.pv = z->p;
		x.q = z->q_adj;
		x.detail = z->status == STAT_NOT_EVALUABLE ? "" : d.s;
		if (z->status == STAT_NOT_EVALUABLE)
			x.value = x.pv = x.q = NAN;
	}
	return sign_out(r, p, &x);
}

static bool own_sign(enum stat_sign s)
{
	return s == STAT_SIGN_BOUNDARY_BUNCHING || s == STAT_SIGN_HARD_HELP ||
	       s == STAT_SIGN_LENIENT_SCORING || s == STAT_SIGN_PERSON_FIT || s == STAT_SIGN_TWINS ||
	       s == STAT_SIGN_JOURNAL_LENIENT || s == STAT_SIGN_SCORE_ABOVE_JOURNAL;
}

/* Counts an own flag of school s in procedure p (worker side). */
static void own_flag(struct aproc *p, size_t s, enum stat_sign sign, enum stat_status st)
{
	if (st == STAT_FLAG && own_sign(sign) && p->ownc[s] < 255)
		p->ownc[s]++;
}

static void official_flag(struct run *r, size_t s, const struct aproc *p, int col)
{
	r->official[s]++;
	if (col >= 0 && r->markers[s * r->ncols + (size_t)col] < 255)
		r->markers[s * r->ncols + (size_t)col]++;
	if (p->year_ix >= 0)
		r->yflag[s * r->nyears + (size_t)p->year_ix] = 1;
	r->pflag[s] = 1;
}

/* Every per-procedure sign of every school with works in p. */
static int write_proc(struct run *r, struct aproc *p)
{
	const struct stat_analysis *a = &p->a;
	int rc = 0;
	struct det d;
	for (size_t s = 0; s < r->sc.n && !rc; s++) {
		const struct stat_mean_school *m = &a->mean[s];
		if (!m->n)
			continue;
		p->schools++;
		/* (a) mean_inflated */
		d.n = 0;
		det_g(&d, "mean=", m->mean, 6);
		det_g(&d, ";sd=", m->sd, 6);
		det_g(&d, ";lo=", m->lo, 6);
		det_g(&d, ";hi=", m->hi, 6);
		det_g(&d, ";region_mean=", a->mean_r.mean, 6);
		det_g(&d, ";region_sd=", a->mean_r.sd, 6);
		det_u(&d, ";region_n=", (unsigned long long)a->mean_r.n);
		struct srow x = {s, p, "mean_inflated", m->lo, a->mean_r.hi, m->n, m->status, NAN, NAN, d.s};
		if ((rc = sign_out(r, p, &x)))
			break;
		if (m->status == STAT_FLAG) {
			p->flag_mean++;
			p->fl[s] |= 1;
		}
		/* (b) journal_mismatch */
		const struct stat_journal_school *j = &a->journal[s];
		d.n = 0;
		det_g(&d, "rs_classic=", j->rs_classic, 6);
		x = (struct srow){s, p, "journal_mismatch", j->rs, 0, j->n, j->status, NAN, NAN,
				  j->status == STAT_NOT_EVALUABLE ? "" : d.s};
		if ((rc = sign_out(r, p, &x)))
			break;
		if (j->status == STAT_FLAG) {
			p->flag_journal++;
			p->fl[s] |= 2;
		}
		/* journal_gap */
		const struct stat_gap_school *g = &a->gap[s];
		d.n = 0;
		det_u(&d, "below=", g->below);
		det_u(&d, ";same=", g->same);
		det_u(&d, ";above=", g->above);
		det_u(&d, ";gap=", g->gap);
		x = (struct srow){s, p, "journal_gap", g->share, a->gap_r.share, g->n, g->status, g->p,
				  g->q_adj, d.s};
		if ((rc = sign_out(r, p, &x)))
			break;
		/* boundary_peak: one row over the three boundaries */
		{
			int nev = 0, nflag = 0;
			d.n = 0;
			d.s[0] = 0;
			for (int b = 0; b < 3; b++) {
				const struct stat_peak_school *k = &a->peak[s * 3 + (size_t)b];
				if (k->status != STAT_NOT_EVALUABLE)
					nev++;
				if (k->status == STAT_FLAG)
					nflag++;
				if (p->has_scale) {
					det_key(&d, b ? ";b" : "b");
					det_u(&d, "", (unsigned)b + 3);
					det_u(&d, "=", (unsigned)p->scale[b]);
					det_u(&d, ":", k->below);
					det_u(&d, "/", k->at);
					det_u(&d, "/", k->above);
				}
			}
			enum stat_status st = nflag ? STAT_FLAG : nev ? STAT_OK : STAT_NOT_EVALUABLE;
			x = (struct srow){s, p, "boundary_peak", nev ? nflag : NAN, 1, m->n, st, NAN, NAN,
					  nev ? d.s : ""};
			if ((rc = sign_out(r, p, &x)))
				break;
		}
		/* boundary_bunching */
		{
			const struct stat_bunch_school *b = &a->bunch[s];
			d.n = 0;
			d.s[0] = 0;
			for (int k = 0; k < 3 && p->has_scale; k++) {
				const struct stat_bunch_test *t = &b->t[k];
				det_key(&d, k ? ";b" : "b");
				det_u(&d, "", (unsigned)k + 3);
				det_u(&d, "=", (unsigned)p->scale[k]);
				det_u(&d, ":", t->a);
				det_u(&d, "/", t->m);
				det_g(&d, ",pi0=", t->pi0, 4);
				det_g(&d, ",p=", t->p_bb, 4);
			}
			/* The pooled statistic the risk sums over the school's procedures. */
			if (b->nwin) {
				det_u(&d, ";pool_n=", b->nwin);
				det_g(&d, ",obs=", b->obs, 6);
				det_g(&d, ",exp=", b->expct, 6);
				det_g(&d, ",var=", b->var, 6);
				det_g(&d, ",k3=", b->k3, 6);
				det_g(&d, ",tilt=", b->tilt, 4);
				det_g(&d, ",lenience=", b->lenience, 4);
				det_g(&d, ",agreement=", b->agreement, 4);
			}
			x = (struct srow){s, p, "boundary_bunching", b->p, NAN, m->n, b->status, b->p,
					  b->q_adj, d.s};
			if (b->status == STAT_NOT_EVALUABLE)
				x.value = x.pv = x.q = NAN;
			if ((rc = sign_out(r, p, &x)))
				break;
			own_flag(p, s, STAT_SIGN_BOUNDARY_BUNCHING, b->status);
		}
		/* journal_lenient, score_above_journal */
		if ((rc = zrow(r, s, p, STAT_SIGN_JOURNAL_LENIENT, &a->lenient[s])) ||
		    (rc = zrow(r, s, p, STAT_SIGN_SCORE_ABOVE_JOURNAL, &a->above[s])))
			break;
		own_flag(p, s, STAT_SIGN_JOURNAL_LENIENT, a->lenient[s].status);
		own_flag(p, s, STAT_SIGN_SCORE_ABOVE_JOURNAL, a->above[s].status);
		/* Position signs (not_evaluable rows without positions). */
		if ((rc = zrow(r, s, p, STAT_SIGN_HARD_HELP, a->hard ? &a->hard[s] : NULL)))
			break;
		if (a->prof) {
			const struct stat_profile_group *g2 = &a->prof[s];
			d.n = 0;
			det_g(&d, "basic=", g2->succ_basic, 4);
			det_g(&d, ";region_basic=", a->prof_r.succ_basic, 4);
			det_g(&d, ";hard=", g2->succ_hard, 4);
			det_g(&d, ";region_hard=", a->prof_r.succ_hard, 4);
			x = (struct srow){s, p, "difficulty_inverted", g2->succ_hard, a->prof_r.succ_hard,
					  g2->n, g2->inverted, NAN, NAN,
					  g2->inverted == STAT_NOT_EVALUABLE ? "" : d.s};
		} else {
			x = (struct srow){s, p, "difficulty_inverted", NAN, NAN, m->n, STAT_NOT_EVALUABLE,
					  NAN, NAN, ""};
		}
		if ((rc = sign_out(r, p, &x)))
			break;
		if ((rc = zrow(r, s, p, STAT_SIGN_LENIENT_SCORING, a->scoring ? &a->scoring[s] : NULL)) ||
		    (rc = zrow(r, s, p, STAT_SIGN_PERSON_FIT, a->fit ? &a->fit[s] : NULL)))
			break;
		if (a->hard) {
			own_flag(p, s, STAT_SIGN_HARD_HELP, a->hard[s].status);
			own_flag(p, s, STAT_SIGN_LENIENT_SCORING, a->scoring[s].status);
			own_flag(p, s, STAT_SIGN_PERSON_FIT, a->fit[s].status);
		}
		if (a->twins) {
			const struct stat_twins_group *t = &a->twins[s];
			d.n = 0;
			det_u(&d, "pairs=", t->pairs);
			det_u(&d, ";near=", t->near);
			det_g(&d, ";expected=", t->expct, 4);
			x = (struct srow){s, p, "twins", (double)t->near, t->expct, t->n, t->status, t->p,
					  t->q_adj, t->status == STAT_NOT_EVALUABLE ? "" : d.s};
			if (t->status == STAT_NOT_EVALUABLE)
				x.value = x.threshold = x.pv = x.q = NAN;
			own_flag(p, s, STAT_SIGN_TWINS, t->status);
		} else {
			x = (struct srow){s, p, "twins", NAN, NAN, m->n, STAT_NOT_EVALUABLE, NAN, NAN, ""};
		}
		if ((rc = sign_out(r, p, &x)))
			break;
	}
	for (size_t s = 0; s < r->sc.n; s++)
		p->own_any += p->ownc[s] > 0;
	return rc;
}

/* The detail a pair sign starts with: the earlier procedure, both counts and statistics. */
static void det_pair(struct det *d, const char *from, unsigned n1, unsigned n2, double s1,
		     double s2)
{
	d->n = 0;
	det_key(d, "from=");
	det_key(d, from);
	det_u(d, ";n1=", n1);
	det_u(d, ";n2=", n2);
	det_g(d, ";s1=", s1, 6);
	det_g(d, ";s2=", s2, 6);
}

/* Cohort and share2 rows of a reported procedure b against its predecessors. */
static int write_pairs(struct run *r, struct aproc *b)
{
	int rc = 0;
	struct det d;
	size_t ns = r->sc.n;
	if (b->cohort_from >= 0) {
		struct aproc *a = &r->p[b->cohort_from];
		struct stat_cohort_school *c = xcalloc(ns ? ns : 1, sizeof *c);
		rc = stat_sign_cohort(a->mean, b->mean, ns, &r->cfg, &b->coh_r, c);
		int col = b->col + 1; /* the cohort column follows the procedure's */
		for (size_t s = 0; s < ns && !rc; s++) {
			if (!c[s].n1 && !c[s].n2)
				continue;
			det_pair(&d, a->info.code, c[s].n1, c[s].n2, c[s].s1, c[s].s2);
			det_g(&d, ";q25=", b->coh_r.q25, 6);
			det_g(&d, ";q75=", b->coh_r.q75, 6);
			det_g(&d, ";iqr=", b->coh_r.iqr, 6);
			long n = c[s].n1 < c[s].n2 ? c[s].n1 : c[s].n2;
			struct srow x = {s, b, "cohort_rise", c[s].k, b->coh_r.lo, n, c[s].rise, NAN, NAN, d.s};
			if ((rc = sign_out(r, b, &x)))
				break;
			x.sign = "cohort_drop";
			x.threshold = b->coh_r.hi;
			x.st = c[s].drop;
			if ((rc = sign_out(r, b, &x)))
				break;
			if (c[s].rise == STAT_FLAG) {
				b->flag_rise++;
				official_flag(r, s, b, col);
			}
			if (c[s].drop == STAT_FLAG) {
				b->flag_drop++;
				official_flag(r, s, b, col);
			}
		}
		free(c);
	}
	if (!rc && b->share2_from >= 0) {
		struct aproc *a = &r->p[b->share2_from];
		struct stat_share2_school *c = xcalloc(ns ? ns : 1, sizeof *c);
		rc = stat_sign_share2(a->marks, b->marks, ns, &r->cfg, c);
		for (size_t s = 0; s < ns && !rc; s++) {
			if (!c[s].n2)
				continue;
			det_pair(&d, a->info.code, c[s].n1, c[s].n2, c[s].s1, c[s].s2);
			struct srow x = {s, b, "share2_rise", c[s].diff, r->cfg.share2_rise, c[s].n2,
					 c[s].status, NAN, NAN, d.s};
			if ((rc = sign_out(r, b, &x)))
				break;
			b->flag_share2 += c[s].status == STAT_FLAG;
		}
		free(c);
	}
	for (size_t s = 0; s < ns; s++)
		b->flag_any += r->pflag[s]; /* by any official sign of b, its pairs included */
	return rc;
}

/* ---- workers ---- */

struct worker {
	struct run *r;
	pthread_t th;
};

/* Works a municipality needs for its excess mass: ФИОКО's "distributions are informative
 * from N >= 50" (docs/methodology-oko.md §8); below, municipalities.csv leaves the estimates empty. */
#define MUN_MIN_WORKS 50

/* The excess mass at each boundary per municipality (methodology-oko §5.1): the
 * municipality's histogram summed from its schools' rows of the count table, against the
 * region's counterfactual curve moved and widened to it (stat_bunch_excess_ref, degree 2),
 * with the delta-method interval. */
static void municipal_excess(struct run *r, struct aproc *p)
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

static int analyse_one(struct run *r, struct db *d, struct aproc *p)
{
	struct stat_proc *sp = NULL;
	int rc = load_proc(d, &r->sc, p->info.id, LOAD_POS | LOAD_CLASS, &sp, &p->ls);
	if (rc)
		return rc;
	p->has_pos = sp->pos != NULL;
	p->has_scale = sp->has_scale;
	memcpy(p->scale, sp->scale, sizeof p->scale);
	p->max_score = sp->max_score;
	rc = stat_analyze(sp, &r->cfg, &p->a);
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
		if ((rc = write_proc(r, p)))
			return rc;
		stat_evidence_add(&p->a, STAT_RISK_DEFAULT_MASK, (int)(p - r->p), &p->ev, &p->nev,
				  &p->evcap);
	}
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
	struct run *r = w->r;
	struct db *d = NULL;
	int rc = db_open(&d, r->o->db_path, DB_OPEN_NOMIGRATE);
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

static int select_procs(struct run *r)
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
		if (r->o->procedure) {
			int64_t exists = 0;
			struct db_stmt *st = NULL;
			if (!db_prepare(r->d, &st, "SELECT count(*) FROM procedure WHERE code = ?")) {
				db_bind_text(st, 1, r->o->procedure, -1);
				if (db_step(st) == DB_ROW)
					exists = db_col_int(st, 0);
				db_finalize(st);
			}
			if (exists)
				snprintf(r->msg, r->msglen, "по процедуре «%s» нет результатов%s",
					 r->o->procedure, r->o->year ? " за этот год" : "");
			else
				snprintf(r->msg, r->msglen, "неизвестная процедура «%s»", r->o->procedure);
		} else {
			snprintf(r->msg, r->msglen, "нет результатов за %d год", r->o->year);
		}
		free(all);
		free(want);
		return ERR_NOTFOUND;
	}
	for (size_t i = 0; i < n; i++) {
		if (want[i] != 2)
			continue;
		int a = find_proc(all, n, all[i].kind, all[i].subject, all[i].grade - 1, all[i].year - 1);
		int b = find_proc(all, n, all[i].kind, all[i].subject, all[i].grade, all[i].year - 1);
		if (a >= 0 && !want[a])
			want[a] = 1;
		if (b >= 0 && !want[b])
			want[b] = 1;
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
		p->cohort_from = p->share2_from = -1;
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
		p->cohort_from = a >= 0 ? map[a] : -1;
		p->share2_from = b >= 0 ? map[b] : -1;
		size_t yi = 0;
		while (yi < r->nyears && r->years[yi] != p->info.year)
			yi++;
		if (yi == r->nyears && r->nyears < 64)
			r->years[r->nyears++] = p->info.year;
		p->year_ix = yi < r->nyears ? (int)yi : -1;
	}
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
	free(map);
	free(all);
	free(want);
	return 0;
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

static int write_official(struct run *r)
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

static int write_schools(struct run *r, const struct stat_risk_school *rk, uint32_t *rank,
			 struct analysis_summary *sum)
{
	struct table_writer *w = NULL;
	struct db_stmt *ins = NULL;
	int rc = open_out(r, &w, "schools.csv", TABLE_CSV, NULL);
	if (rc)
		return rc;
	if (r->run_id &&
	    (rc = db_prepare(r->d, &ins,
			     "INSERT INTO school_risk (run_id, school_id, official_flags, own_flags, "
			     "works, risk, p, q_adj, listed, rank, top_sign, top_procedure_id, top_p, "
			     "years_flagged, consecutive_years) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")))
		goto out;
	rc = w_row(w, SCHOOLS_HDR, sizeof SCHOOLS_HDR / sizeof *SCHOOLS_HDR);
	/* In rank order, schools with works only; ranks renumbered over them. */
	uint32_t *ord = xmalloc((r->sc.n ? r->sc.n : 1) * sizeof *ord);
	for (size_t s = 0; s < r->sc.n; s++)
		ord[rk[s].rank - 1] = (uint32_t)s;
	uint32_t k = 0;
	char years[64 * 6];
	for (size_t i = 0; i < r->sc.n && !rc; i++) {
		size_t s = ord[i];
		if (!r->works[s])
			continue;
		rank[s] = ++k;
		const struct stat_risk_school *x = &rk[s];
		size_t off = 0;
		years[0] = 0;
		int run = 0;
		for (size_t y = 0; y < r->nyears; y++)
			if (r->yflag[s * r->nyears + y] && off < sizeof years)
				off += (size_t)snprintf(years + off, sizeof years - off, "%s%d", off ? " " : "",
							r->years[y]);
		for (size_t y = r->nyears; y-- > 0 && r->yflag[s * r->nyears + y];)
			run++;
		const char *top = x->sign >= 0 ? stat_sign_name((enum stat_sign)x->sign) : "";
		const struct aproc *tp = x->proc >= 0 ? &r->p[x->proc] : NULL;
		rc = table_writer_text(w, r->sc.s[s].login);
		rc = rc ? rc : table_writer_text(w, r->sc.s[s].municipality);
		rc = rc ? rc : table_writer_int(w, (long)r->official[s]);
		rc = rc ? rc : w_num(w, x->risk);
		rc = rc ? rc : table_writer_int(w, x->listed);
		rc = rc ? rc : table_writer_int(w, (long)k);
		rc = rc ? rc : table_writer_text(w, r->sc.s[s].name);
		rc = rc ? rc : table_writer_text(w, r->sc.s[s].kind);
		rc = rc ? rc : table_writer_int(w, r->sc.s[s].indepth);
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
		sum->considered++;
		sum->flagged += r->official[s] > 0;
		if (ins && !rc) {
			db_reset(ins);
			db_bind_int(ins, 1, r->run_id);
			db_bind_int(ins, 2, r->sc.s[s].id);
			db_bind_int(ins, 3, r->official[s]);
			db_bind_int(ins, 4, r->own[s]);
			db_bind_int(ins, 5, r->works[s]);
			db_bind_double(ins, 6, x->risk);
			bind_num(ins, 7, x->nev ? x->p : NAN);
			bind_num(ins, 8, x->q_adj);
			db_bind_int(ins, 9, x->listed);
			db_bind_int(ins, 10, k);
			db_bind_text(ins, 11, top && *top ? top : NULL, -1);
			if (tp)
				db_bind_int(ins, 12, tp->info.id);
			else
				db_bind_null(ins, 12);
			bind_num(ins, 13, x->pmin);
			db_bind_text(ins, 14, years, -1);
			db_bind_int(ins, 15, run);
			int s2 = db_step(ins);
			rc = s2 < 0 ? s2 : 0;
		}
	}
	free(ord);
out:
	db_finalize(ins);
	{
		int rc2 = table_writer_close(w);
		rc = rc ? rc : rc2;
	}
	return rc;
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

static int write_region(struct run *r, const struct stat_index *ix)
{
	struct table_writer *w = NULL;
	struct db_stmt *ins = NULL;
	int rc = open_out(r, &w, "region.csv", TABLE_CSV, NULL);
	if (rc)
		return rc;
	if (r->run_id &&
	    (rc = db_prepare(r->d, &ins,
			     "INSERT INTO region_index (run_id, procedure_id, scope, works, schools, "
			     "excluded, absent, mean, sd, flagged_mean, flagged_journal, flagged_rise, "
			     "flagged_drop, flagged_share2, flagged_official, objectivity_index, "
			     "own_flagged, boundary, excess, excess_lo, excess_hi, excess_share) "
			     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")))
		goto out;
	rc = w_row(w, REGION_HDR, sizeof REGION_HDR / sizeof *REGION_HDR);
	for (size_t k = 0; k < r->np && !rc; k++) {
		const struct aproc *p = &r->p[k];
		if (!p->report)
			continue;
		double idx = p->schools ? 100.0 - 100.0 * (double)p->flag_any / (double)p->schools : NAN;
		rc = table_writer_text(w, p->info.code);
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
		rc = rc ? rc : table_writer_int(w, (long)p->flag_any);
		rc = rc ? rc : w_num(w, idx);
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
		rc = rc ? rc : table_writer_end_row(w);
		if (ins && !rc) {
			db_reset(ins);
			db_bind_int(ins, 1, r->run_id);
			db_bind_int(ins, 2, p->info.id);
			db_bind_text(ins, 3, p->info.code, -1);
			db_bind_int(ins, 4, (int64_t)p->ls.works);
			db_bind_int(ins, 5, (int64_t)p->schools);
			db_bind_int(ins, 6, (int64_t)(p->ls.over_max + p->ls.no_score + p->ls.marked));
			db_bind_int(ins, 7, (int64_t)p->ls.absent);
			bind_num(ins, 8, p->mean_r.mean);
			bind_num(ins, 9, p->mean_r.sd);
			db_bind_int(ins, 10, (int64_t)p->flag_mean);
			db_bind_int(ins, 11, (int64_t)p->flag_journal);
			db_bind_int(ins, 12, (int64_t)p->flag_rise);
			db_bind_int(ins, 13, (int64_t)p->flag_drop);
			db_bind_int(ins, 14, (int64_t)p->flag_share2);
			db_bind_int(ins, 15, (int64_t)p->flag_any);
			bind_num(ins, 16, idx);
			db_bind_int(ins, 17, (int64_t)p->own_any);
			if (lb >= 0) {
				db_bind_int(ins, 18, p->scale[lb]);
				bind_num(ins, 19, p->est[lb].excess);
				bind_num(ins, 20, p->est[lb].excess_lo);
				bind_num(ins, 21, p->est[lb].excess_hi);
				bind_num(ins, 22, p->est[lb].excess_share);
			} else {
				for (int i = 18; i <= 22; i++)
					db_bind_null(ins, i);
			}
			int s2 = db_step(ins);
			rc = s2 < 0 ? s2 : 0;
		}
	}
	/* The whole run. */
	if (!rc) {
		rc = table_writer_text(w, "all");
		for (int i = 1; i < 21 && !rc; i++)
			rc = table_writer_empty(w);
		rc = rc ? rc : table_writer_int(w, (long)ix->nflagged);
		rc = rc ? rc : w_num(w, ix->index);
		/* Every row as wide as the header: a strict CSV reader wants a rectangle. */
		for (size_t i = 23; i < sizeof REGION_HDR / sizeof *REGION_HDR && !rc; i++)
			rc = table_writer_empty(w);
		rc = rc ? rc : table_writer_end_row(w);
	}
	if (ins && !rc) {
		db_reset(ins);
		db_bind_int(ins, 1, r->run_id);
		db_bind_null(ins, 2);
		db_bind_text(ins, 3, "all", -1);
		for (int i = 4; i <= 22; i++)
			db_bind_null(ins, i);
		db_bind_int(ins, 5, (int64_t)ix->nconsidered);
		db_bind_int(ins, 15, (int64_t)ix->nflagged);
		bind_num(ins, 16, ix->index);
		int s2 = db_step(ins);
		rc = s2 < 0 ? s2 : 0;
	}
out:
	db_finalize(ins);
	{
		int rc2 = table_writer_close(w);
		rc = rc ? rc : rc2;
	}
	return rc;
}

static const char *MUN_HDR[] = {"procedure", "municipality", "schools", "works", "b3",
	"b3_excess", "b3_excess_lo", "b3_excess_hi", "b3_share", "b3_missing", "b4", "b4_excess",
	"b4_excess_lo", "b4_excess_hi", "b4_share", "b4_missing", "b5", "b5_excess", "b5_excess_lo",
	"b5_excess_hi", "b5_share", "b5_missing"};

/* municipalities.csv: per reported procedure with a scale and municipality with works. */
static int write_municipalities(struct run *r)
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
static void municipalities_index(struct run *r)
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

static const char *SIGNS_HDR[] = {"school", "procedure", "sign", "value", "threshold", "n",
	"status", "p", "q_adj", "detail"};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int analysis_run(struct db *d, const struct analysis_opts *o, struct analysis_summary *sum,
		 char *msg, size_t msglen)
{
	memset(sum, 0, sizeof *sum);
	struct run R;
	memset(&R, 0, sizeof R);
	struct run *r = &R;
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
	bool in_tx = false, mu_init = false;
	struct stat_risk_school *rk = NULL;
	uint32_t *rank = NULL;
	double t0 = now();
	int rc = select_procs(r);
	if (rc)
		goto out;
	if ((rc = load_schools(d, &r->sc)))
		goto out;
	municipalities_index(r);
	if (mkdir(o->out_dir, 0777) && errno != EEXIST) {
		snprintf(msg, msglen, "не удалось создать каталог «%s»: %s", o->out_dir, strerror(errno));
		rc = ERR_IO;
		goto out;
	}
	size_t ns = r->sc.n;
	r->official = xcalloc(ns + 1, sizeof *r->official);
	r->own = xcalloc(ns + 1, sizeof *r->own);
	r->works = xcalloc(ns + 1, sizeof *r->works);
	r->markers = xcalloc(ns * (r->ncols ? r->ncols : 1) + 1, 1);
	r->yflag = xcalloc(ns * (r->nyears ? r->nyears : 1) + 1, 1);
	r->pflag = xcalloc(ns + 1, 1);
	{
		char *path = out_path(r, "signs.csv", true);
		r->signs = fopen(path, "w");
		if (!r->signs)
			snprintf(msg, msglen, "не удалось создать «%s»: %s", path, strerror(errno));
		free(path);
		if (!r->signs) {
			rc = ERR_IO;
			goto out;
		}
		for (size_t i = 0; i < sizeof SIGNS_HDR / sizeof *SIGNS_HDR; i++)
			fprintf(r->signs, "%s%s", i ? "," : "", SIGNS_HDR[i]);
		fputc('\n', r->signs);
	}
	if (o->store) {
		if ((rc = db_begin(d)))
			goto out;
		in_tx = true;
		struct db_stmt *st = NULL;
		char params[256];
		snprintf(params, sizeof params, "{\"year\": %d, \"procedure\": \"%s\", \"q\": %g}",
			 o->year, o->procedure ? o->procedure : "", r->cfg.q);
		if ((rc = db_prepare(d, &st, "INSERT INTO analysis_run (params, out_dir) VALUES (?, ?)")))
			goto out;
		db_bind_text(st, 1, params, -1);
		db_bind_text(st, 2, o->out_dir, -1);
		rc = db_step(st);
		db_finalize(st);
		if (rc < 0)
			goto out;
		r->run_id = db_last_id(d);
		if ((rc = db_prepare(d, &r->ins_sign,
				     "INSERT INTO sign_result (run_id, school_id, procedure_id, sign, "
				     "value, threshold, n, p, q_adj, detail) VALUES (?,?,?,?,?,?,?,?,?,?)")))
			goto out;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	mu_init = true;
	nw = o->threads < 1 ? 1 : o->threads;
	if ((size_t)nw > r->np)
		nw = (int)r->np;
	wk = xcalloc((size_t)nw, sizeof *wk);
	for (int i = 0; i < nw; i++) {
		wk[i].r = r;
		if (pthread_create(&wk[i].th, NULL, worker_main, &wk[i])) {
			nw = i;
			rc = ERR_NOMEM;
			goto out;
		}
	}
	double t_wait = 0;
	for (size_t i = 0; i < r->np; i++) {
		struct aproc *p = &r->p[i];
		double tw = now();
		pthread_mutex_lock(&r->mu);
		while (!p->done)
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		t_wait += now() - tw;
		if (p->rc) {
			rc = p->rc;
			if (rc == ERR_INVALID)
				snprintf(msg, msglen, "процедура %s: данные не прошли проверку перед анализом",
					 p->info.code);
			else
				snprintf(msg, msglen, "процедура %s: не удалось загрузить результаты",
					 p->info.code);
			goto out;
		}
		if (o->progress)
			fprintf(stderr, "\rанализ: %zu из %zu процедур (%s)      ", i + 1, r->np, p->info.code);
		if (p->report) {
			memset(r->pflag, 0, ns);
			for (size_t k = 0; k < ns; k++) {
				r->works[k] += p->mean[k].n;
				r->own[k] += p->ownc[k];
				if (p->fl[k] & 1)
					official_flag(r, k, p, p->col);
				if (p->fl[k] & 2)
					official_flag(r, k, p, p->col);
			}
			if ((rc = write_pairs(r, p)))
				goto out;
			if (p->csv.len && fwrite(p->csv.p, 1, p->csv.len, r->signs) != p->csv.len) {
				snprintf(msg, msglen, "не удалось записать signs.csv: %s", strerror(errno));
				rc = ERR_IO;
				goto out;
			}
			if ((rc = flags_store(r, p)))
				goto out;
			r->ev = xgrow(r->ev, &r->evcap, r->nev + p->nev + 1, sizeof *r->ev);
			memcpy(r->ev + r->nev, p->ev, p->nev * sizeof *p->ev);
			r->nev += p->nev;
			sum->procedures++;
			sum->works += p->ls.works;
			sum->excluded += p->ls.over_max + p->ls.no_score + p->ls.marked;
		} else {
			sum->companions++;
		}
		pthread_mutex_lock(&r->mu);
		if (p->csv.p && r->nspare < sizeof r->spare / sizeof *r->spare) {
			buf_reset(&p->csv);
			r->spare[r->nspare++] = p->csv;
			buf_init(&p->csv, 0);
		}
		pthread_mutex_unlock(&r->mu);
		buf_free(&p->csv);
		flags_free(p);
		free(p->ev);
		p->ev = NULL;
		free(p->fl);
		free(p->ownc);
		p->fl = p->ownc = NULL;
		sum->pairs += p->report && p->cohort_from >= 0;
		pthread_mutex_lock(&r->mu);
		r->written = i + 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	if (o->progress)
		fprintf(stderr, "\r%60s\r", "");
	double t1 = now();
	rc = fclose(r->signs) ? ERR_IO : 0;
	r->signs = NULL;
	if (rc) {
		snprintf(msg, msglen, "не удалось записать signs.csv");
		goto out;
	}
	/* Risk and lists. */
	rk = xcalloc(ns + 1, sizeof *rk);
	rank = xcalloc(ns + 1, sizeof *rank);
	struct stat_risk_summary rs;
	if ((rc = stat_risk(r->ev, r->nev, ns, STAT_COMBINE_POOLED, r->cfg.q, rk, &rs)))
		goto out;
	bool *considered = xcalloc(ns + 1, sizeof *considered);
	for (size_t s = 0; s < ns; s++)
		considered[s] = r->works[s] > 0;
	struct stat_index ix = stat_objectivity_index(r->official, considered, ns);
	free(considered);
	sum->index = ix.index;
	for (size_t s = 0; s < ns; s++)
		sum->listed += rk[s].listed && r->works[s];
	sum->expected_false = r->cfg.q * (double)sum->listed;
	if ((rc = write_schools(r, rk, rank, sum)) || (rc = write_region(r, &ix)) ||
	    (rc = write_municipalities(r)) ||
	    (rc = write_official(r)))
		goto out;
	if (in_tx) {
		struct db_stmt *st = NULL;
		if ((rc = db_prepare(d, &st, "UPDATE analysis_run SET procedures = ?, schools = ?, "
					     "flagged = ?, objectivity_index = ?, listed = ?, q = ? "
					     "WHERE id = ?")))
			goto out;
		db_bind_int(st, 1, (int64_t)sum->procedures);
		db_bind_int(st, 2, (int64_t)sum->considered);
		db_bind_int(st, 3, (int64_t)sum->flagged);
		bind_num(st, 4, ix.index);
		db_bind_int(st, 5, (int64_t)sum->listed);
		db_bind_double(st, 6, r->cfg.q);
		db_bind_int(st, 7, r->run_id);
		rc = db_step(st);
		db_finalize(st);
		if (rc < 0)
			goto out;
		db_finalize(r->ins_sign);
		r->ins_sign = NULL;
		if ((rc = db_commit(d)))
			goto out;
		in_tx = false;
		sum->run_id = r->run_id;
	}
	if ((rc = outputs_finish(r, true)))
		goto out;
	if (o->timing)
		fprintf(stderr, "время: загрузка и анализ %.2f с (ожидание потоков %.2f с), риск и "
			"файлы %.2f с\n", t1 - t0, t_wait, now() - t1);
	rc = 0;
out:
	if (wk) {
		/* Let blocked workers finish: nothing more will be consumed. */
		pthread_mutex_lock(&r->mu);
		r->written = r->np;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		for (int i = 0; i < nw; i++)
			pthread_join(wk[i].th, NULL);
		free(wk);
	}
	if (mu_init) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
	}
	db_finalize(r->ins_sign);
	if (in_tx)
		db_rollback(d);
	if (r->signs)
		fclose(r->signs);
	if (rc)
		outputs_finish(r, false);
	for (size_t i = 0; i < r->np; i++) {
		stat_analysis_free(&r->p[i].a);
		buf_free(&r->p[i].csv);
		flags_free(&r->p[i]);
		free(r->p[i].ev);
		free(r->p[i].fl);
		free(r->p[i].ownc);
		free(r->p[i].mean);
		free(r->p[i].marks);
		free(r->p[i].mun);
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
	free(r->ev);
	free(rk);
	free(rank);
	load_schools_free(&r->sc);
	if (rc && !msg[0])
		snprintf(msg, msglen, "%s", rc == ERR_DB ? db_errmsg(d) : err_str(rc));
	return rc;
}
