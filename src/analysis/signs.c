/* analysis/signs: the rows of signs.csv — every sign of every school with works, with its
 * inputs — written by the workers into per-procedure buffers, and the flags kept for the
 * stored run. Sign names and kinds come from the catalogue (stats/catalogue.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/job.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/numfmt.h"
#include "stats/catalogue.h"
#include "stats/compare.h"

/* A flagged row kept for the database. */
struct flagrow {
	uint32_t school;
	enum stat_sign sign;
	double value, threshold, pv, q;
	long n;
	char *detail;
};

static const char *const SIGNS_HDR[] = {"school", "procedure", "sign", "value", "threshold", "n",
	"status", "p", "q_adj", "detail"};

int analysis_signs_header(struct file_out *f)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof SIGNS_HDR / sizeof *SIGNS_HDR; i++)
		buf_printf(&b, "%s%s", i ? "," : "", SIGNS_HDR[i]);
	buf_putc(&b, '\n');
	int rc = file_out_write(f, b.p, b.len);
	buf_free(&b);
	return rc;
}

/* One row of signs.csv (and of sign_result when flagged). */
struct srow {
	size_t school;
	const struct aproc *p;
	enum stat_sign sign;
	double value, threshold;
	long n;
	enum stat_status st;
	double pv, q;
	const char *detail;
};

/* The detail cell, "key=value;key=value": numbers through numfmt (as printf's %.Ng would
 * write them, without its cost: signs.csv holds tens of millions of them). */
struct det {
	char s[512];
	size_t n;
};

/* Inlined where called: a literal key's strlen and copy become constants. */
#define DET_INLINE static inline __attribute__((always_inline))

DET_INLINE void det_key(struct det *d, const char *k)
{
	size_t l = strlen(k);
	if (d->n + l + NUMFMT_MAX < sizeof d->s) {
		memcpy(d->s + d->n, k, l + 1);
		d->n += l;
	}
}

DET_INLINE void det_g(struct det *d, const char *k, double v, int prec)
{
	det_key(d, k);
	if (d->n + NUMFMT_MAX < sizeof d->s)
		d->n += numfmt_g(d->s + d->n, v, prec);
}

DET_INLINE void det_u(struct det *d, const char *k, unsigned long long u)
{
	det_key(d, k);
	if (d->n + NUMFMT_MAX < sizeof d->s)
		d->n += numfmt_u(d->s + d->n, u);
}

/* signs.csv is written with plain stdio from per-procedure buffers that the workers fill
 * in parallel: logins, codes, sign names and numbers need no quoting; a detail (a
 * key=value list, some with commas in it) that needs quoting goes through the one CSV
 * quoting rule (buf_csv_field), one that does not is copied.
 * The other outputs go through io/table_write. */

/* Appends s and then the separator c at *o. */
static char *put_field(char *o, const char *s, size_t n, char c)
{
	memcpy(o, s, n);
	o[n] = c;
	return o + n + 1;
}

/* "login,code," into o (room for nl + nc + 2 bytes). */
static void o_prefix(char *o, const char *login, size_t nl, const char *code, size_t nc)
{
	o = put_field(o, login, nl, ',');
	put_field(o, code, nc, ',');
}

/* A number (empty when NaN or infinite) and the separator c. */
static char *put_numf(char *o, double v, char c)
{
	if (!isnan(v) && !isinf(v))
		o += numfmt_g(o, v, 10);
	*o = c;
	return o + 1;
}

/* put_numf through m: a value with the bits of m's last is its text again (the bytes past
 * the text are scratch, as numfmt_g's own: the room reserved for a number). */
static char *put_numm(char *o, double v, char c, struct num_memo *m)
{
	if (isnan(v) || isinf(v)) {
		*o = c;
		return o + 1;
	}
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	if (m->len && m->bits == bits) {
		memcpy(o, m->s, NUMFMT_MAX);
	} else {
		m->len = numfmt_g(o, v, 10);
		m->bits = bits;
		memcpy(m->s, o, NUMFMT_MAX);
	}
	o += m->len;
	*o = c;
	return o + 1;
}

static int sign_out(struct job *r, struct aproc *p, const struct srow *x)
{
	struct buf *b = &p->csv;
	/* "login,code," is made once for the school's rows (consecutive: a school's signs
	 * are written together). */
	if (!p->pre_len || p->pre_school != x->school) {
		const char *login = r->sc.s[x->school].login;
		size_t nl = strlen(login), nc = strlen(p->info.code);
		if (nl + nc + 2 > sizeof p->pre) {
			p->pre_len = 0;
		} else {
			o_prefix(p->pre, login, nl, p->info.code, nc);
			p->pre_len = nl + nc + 2;
			p->pre_school = x->school;
		}
	}
	if (!p->names_ready) {
		for (int s = 0; s < STAT_SIGN_COUNT; s++) {
			const char *n = stat_sign_name((enum stat_sign)s);
			p->sign_len[s] = (uint8_t)(n ? strlen(n) : 0);
		}
		for (int s = 0; s <= STAT_FLAG; s++)
			p->status_len[s] = (uint8_t)strlen(stat_status_name((enum stat_status)s));
		p->names_ready = true;
	}
	const char *st = stat_status_name(x->st);
	const char *det = x->detail ? x->detail : "", *sign = stat_sign_name(x->sign);
	size_t ns = p->sign_len[x->sign], nst = p->status_len[x->st], nd = strlen(det);
	size_t npre = p->pre_len ? p->pre_len
				 : strlen(r->sc.s[x->school].login) + strlen(p->info.code) + 2;
	/* One reservation for the row: the texts, four numbers, a count, 10 separators. */
	if (buf_reserve(b, npre + ns + nst + nd + 4 * NUMFMT_MAX + 24 + 10))
		return ERR_LIMIT;
	char *o = b->p + b->len;
	if (p->pre_len) {
		/* A fixed-size copy when it fits: pre has the room, and so has the
		 * reservation (the numbers' alone are more than 32 bytes). */
		if (npre <= 32)
			memcpy(o, p->pre, 32);
		else
			memcpy(o, p->pre, npre);
		o += npre;
	} else {
		const char *login = r->sc.s[x->school].login;
		o = put_field(o, login, strlen(login), ',');
		o = put_field(o, p->info.code, strlen(p->info.code), ',');
	}
	o = put_field(o, sign, ns, ',');
	o = put_numf(o, x->value, ',');
	struct num_memo *memo = p->memo[x->sign];
	o = put_numm(o, x->threshold, ',', &memo[0]);
	o += numfmt_u(o, x->n > 0 ? (unsigned long long)x->n : 0); /* a count */
	*o++ = ',';
	o = put_field(o, st, nst, ',');
	o = put_numm(o, x->pv, ',', &memo[1]);
	o = put_numm(o, x->q, ',', &memo[2]);
	/* A detail without a separator, quote or line break is copied as it is (reserved
	 * above); another goes through the quoting rule. */
	if (det[strcspn(det, ",\"\r\n")] == 0) {
		memcpy(o, det, nd);
		o[nd] = '\n';
		b->len = (size_t)(o + nd + 1 - b->p);
	} else {
		b->len = (size_t)(o - b->p);
		if (buf_csv_field(b, det, nd, ',') || buf_putc(b, '\n'))
			return ERR_LIMIT;
	}
	if (x->st == STAT_FLAG && r->store) {
		p->flags = xgrow(p->flags, &p->flcap, p->nflags + 1, sizeof *p->flags);
		p->flags[p->nflags++] = (struct flagrow){(uint32_t)x->school, x->sign, x->value,
			x->threshold, x->pv, x->q, x->n, xstrdup(x->detail ? x->detail : "")};
	}
	return 0;
}

int analysis_flags_store(struct job *r, struct aproc *p)
{
	int rc = 0;
	size_t k = (size_t)(p - r->p);
	for (size_t i = 0; i < p->nflags && r->store && !rc; i++) {
		const struct flagrow *x = &p->flags[i];
		const struct stat_sign_info *c = stat_sign_info(x->sign);
		struct run_sign_row row = { r->sc.s[x->school].id, p->info.id, c->id,
			stat_sign_kind_id(c->kind), x->value, x->threshold, x->pv, x->q, x->n, x->detail };
		rc = run_add_sign(r->store, &row);
		r->flagged_in[x->school * r->np + k] = 1;
	}
	return rc;
}

void analysis_flags_free(struct aproc *p)
{
	for (size_t i = 0; i < p->nflags; i++)
		free(p->flags[i].detail);
	free(p->flags);
	p->flags = NULL;
	p->nflags = p->flcap = 0;
}

static int zrow(struct job *r, size_t s, struct aproc *p, enum stat_sign sign,
		const struct stat_zres *z)
{
	struct det d = {"", 0};
	struct srow x = {s, p, sign, NAN, NAN, 0, STAT_NOT_EVALUABLE, NAN, NAN, ""};
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

/* Counts an own flag of school s in procedure p (worker side). */
static void own_flag(struct aproc *p, size_t s, enum stat_sign sign, enum stat_status st)
{
	if (st == STAT_FLAG && stat_sign_info(sign)->kind == STAT_KIND_OWN && p->ownc[s] < 255)
		p->ownc[s]++;
}

void analysis_official_flag(struct job *r, size_t s, const struct aproc *p, int col)
{
	r->official[s]++;
	if (col >= 0 && r->markers[s * r->ncols + (size_t)col] < 255)
		r->markers[s * r->ncols + (size_t)col]++;
	if (p->year_ix >= 0)
		r->yflag[s * r->nyears + (size_t)p->year_ix] = 1;
	r->pflag[s] = 1;
}

/* mean_inflated and journal_mismatch (the official signs of one procedure). */
static int rows_official(struct job *r, struct aproc *p, size_t s)
{
	const struct stat_analysis *a = &p->a;
	const struct stat_mean_school *m = &a->mean[s];
	struct det d = {"", 0};
	det_g(&d, "mean=", m->mean, 6);
	det_g(&d, ";sd=", m->sd, 6);
	det_g(&d, ";lo=", m->lo, 6);
	det_g(&d, ";hi=", m->hi, 6);
	det_g(&d, ";region_mean=", a->mean_r.mean, 6);
	det_g(&d, ";region_sd=", a->mean_r.sd, 6);
	det_u(&d, ";region_n=", (unsigned long long)a->mean_r.n);
	struct srow x = {s, p, STAT_SIGN_MEAN_INFLATED, m->lo, a->mean_r.hi, m->n, m->status, NAN,
			 NAN, d.s};
	int rc = sign_out(r, p, &x);
	if (rc)
		return rc;
	if (m->status == STAT_FLAG) {
		p->flag_mean++;
		p->fl[s] |= 1;
	}
	const struct stat_journal_school *j = &a->journal[s];
	d.n = 0;
	det_g(&d, "rs_classic=", j->rs_classic, 6);
	x = (struct srow){s, p, STAT_SIGN_JOURNAL_MISMATCH, j->rs, 0, j->n, j->status, NAN, NAN,
			  j->status == STAT_NOT_EVALUABLE ? "" : d.s};
	if ((rc = sign_out(r, p, &x)))
		return rc;
	if (j->status == STAT_FLAG) {
		p->flag_journal++;
		p->fl[s] |= 2;
	}
	return 0;
}

/* journal_gap and boundary_peak (one row over the three boundaries). */
static int rows_gap_peak(struct job *r, struct aproc *p, size_t s)
{
	const struct stat_analysis *a = &p->a;
	const struct stat_gap_school *g = &a->gap[s];
	struct det d = {"", 0};
	det_u(&d, "below=", g->below);
	det_u(&d, ";same=", g->same);
	det_u(&d, ";above=", g->above);
	det_u(&d, ";gap=", g->gap);
	struct srow x = {s, p, STAT_SIGN_JOURNAL_GAP, g->share, a->gap_r.share, g->n, g->status, g->p,
			 g->q_adj, d.s};
	int rc = sign_out(r, p, &x);
	if (rc)
		return rc;
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
	x = (struct srow){s, p, STAT_SIGN_BOUNDARY_PEAK, nev ? nflag : NAN, 1, a->mean[s].n, st, NAN,
			  NAN, nev ? d.s : ""};
	return sign_out(r, p, &x);
}

/* boundary_bunching: the three boundary tests and the pooled statistic of the risk. */
static int rows_bunching(struct job *r, struct aproc *p, size_t s)
{
	const struct stat_bunch_school *b = &p->a.bunch[s];
	struct det d = {"", 0};
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
	struct srow x = {s, p, STAT_SIGN_BOUNDARY_BUNCHING, b->p, NAN, p->a.mean[s].n, b->status,
			 b->p, b->q_adj, d.s};
	if (b->status == STAT_NOT_EVALUABLE)
		x.value = x.pv = x.q = NAN;
	own_flag(p, s, STAT_SIGN_BOUNDARY_BUNCHING, b->status);
	return sign_out(r, p, &x);
}

/* journal_lenient and score_above_journal. */
static int rows_jcond(struct job *r, struct aproc *p, size_t s)
{
	const struct stat_analysis *a = &p->a;
	int rc;
	if ((rc = zrow(r, s, p, STAT_SIGN_JOURNAL_LENIENT, &a->lenient[s])) ||
	    (rc = zrow(r, s, p, STAT_SIGN_SCORE_ABOVE_JOURNAL, &a->above[s])))
		return rc;
	own_flag(p, s, STAT_SIGN_JOURNAL_LENIENT, a->lenient[s].status);
	own_flag(p, s, STAT_SIGN_SCORE_ABOVE_JOURNAL, a->above[s].status);
	return 0;
}

/* The position signs: hard_help, difficulty_inverted, lenient_scoring, person_fit
 * (not_evaluable rows without positions). */
static int rows_positions(struct job *r, struct aproc *p, size_t s)
{
	const struct stat_analysis *a = &p->a;
	int rc = zrow(r, s, p, STAT_SIGN_HARD_HELP, a->hard ? &a->hard[s] : NULL);
	if (rc)
		return rc;
	struct srow x = {s, p, STAT_SIGN_DIFFICULTY_INVERTED, NAN, NAN, a->mean[s].n,
			 STAT_NOT_EVALUABLE, NAN, NAN, ""};
	struct det d = {"", 0};
	if (a->prof) {
		const struct stat_profile_group *g2 = &a->prof[s];
		det_g(&d, "basic=", g2->succ_basic, 4);
		det_g(&d, ";region_basic=", a->prof_r.succ_basic, 4);
		det_g(&d, ";hard=", g2->succ_hard, 4);
		det_g(&d, ";region_hard=", a->prof_r.succ_hard, 4);
		x = (struct srow){s, p, STAT_SIGN_DIFFICULTY_INVERTED, g2->succ_hard,
				  a->prof_r.succ_hard, g2->n, g2->inverted, NAN, NAN,
				  g2->inverted == STAT_NOT_EVALUABLE ? "" : d.s};
	}
	if ((rc = sign_out(r, p, &x)))
		return rc;
	if ((rc = zrow(r, s, p, STAT_SIGN_LENIENT_SCORING, a->scoring ? &a->scoring[s] : NULL)) ||
	    (rc = zrow(r, s, p, STAT_SIGN_PERSON_FIT, a->fit ? &a->fit[s] : NULL)))
		return rc;
	if (a->hard) {
		own_flag(p, s, STAT_SIGN_HARD_HELP, a->hard[s].status);
		own_flag(p, s, STAT_SIGN_LENIENT_SCORING, a->scoring[s].status);
		own_flag(p, s, STAT_SIGN_PERSON_FIT, a->fit[s].status);
	}
	return 0;
}

/* twins: near-identical score vectors within the school's classes. */
static int rows_twins(struct job *r, struct aproc *p, size_t s)
{
	const struct stat_analysis *a = &p->a;
	struct srow x = {s, p, STAT_SIGN_TWINS, NAN, NAN, a->mean[s].n, STAT_NOT_EVALUABLE, NAN, NAN, ""};
	struct det d = {"", 0};
	if (a->twins) {
		const struct stat_twins_group *t = &a->twins[s];
		det_u(&d, "pairs=", t->pairs);
		det_u(&d, ";near=", t->near);
		det_g(&d, ";expected=", t->expct, 4);
		x = (struct srow){s, p, STAT_SIGN_TWINS, (double)t->near, t->expct, t->n, t->status, t->p,
				  t->q_adj, t->status == STAT_NOT_EVALUABLE ? "" : d.s};
		if (t->status == STAT_NOT_EVALUABLE)
			x.value = x.threshold = x.pv = x.q = NAN;
		own_flag(p, s, STAT_SIGN_TWINS, t->status);
	}
	return sign_out(r, p, &x);
}

/* recheck_inflated: the school's finished re-checked works (only schools with some). */
static int rows_recheck(struct job *r, struct aproc *p, const struct arc_school *a)
{
	const struct rc_school *f = &a->f;
	struct det d = {"", 0};
	det_u(&d, "works=", (unsigned long long)f->works);
	det_u(&d, ";objective=", (unsigned long long)f->objective);
	det_u(&d, ";up=", (unsigned long long)f->up);
	det_u(&d, ";down=", (unsigned long long)f->down);
	det_u(&d, ";over=", (unsigned long long)f->over);
	det_u(&d, ";under=", (unsigned long long)f->under);
	enum stat_status st = f->inflated ? STAT_FLAG : STAT_OK;
	struct srow x = {a->school, p, STAT_SIGN_RECHECK_INFLATED, f->mean_delta, RC_OBJECTIVE_TARGET,
			 f->works, st, f->p, NAN, d.s};
	own_flag(p, a->school, STAT_SIGN_RECHECK_INFLATED, st);
	return sign_out(r, p, &x);
}

int analysis_write_proc(struct job *r, struct aproc *p)
{
	int rc = 0;
	for (size_t s = 0; s < r->sc.n && !rc; s++) {
		if (!p->a.mean[s].n)
			continue;
		p->schools++;
		if (!(rc = rows_official(r, p, s)) && !(rc = rows_gap_peak(r, p, s)) &&
		    !(rc = rows_bunching(r, p, s)) && !(rc = rows_jcond(r, p, s)) &&
		    !(rc = rows_positions(r, p, s)) && !(rc = rows_twins(r, p, s))) {
			const struct arc_school *a = analysis_recheck_of(p, s);
			if (a)
				rc = rows_recheck(r, p, a);
		}
	}
	/* Re-checked schools whose works the loader left out of the procedure (every result
	 * excluded): their row after the others. */
	for (size_t i = 0; i < p->nrck && !rc; i++)
		if (!p->a.mean[p->rck[i].school].n)
			rc = rows_recheck(r, p, &p->rck[i]);
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

/* vpr_above_dkr: the ВПР b against the ДКР a the same pupils wrote (stats/compare.h); its
 * rows, its own flags and its evidence for the risk (a p-value, as the re-checks'). */
static int pair_dkr(struct job *r, struct aproc *b, const struct aproc *a)
{
	size_t ns = r->sc.n;
	struct stat_zres *z = xcalloc(ns ? ns : 1, sizeof *z);
	struct det d;
	int rc = stat_sign_vpr_dkr(b->mean, &b->mean_r, a->mean, &a->mean_r, ns, &r->cfg, NULL, z);
	if (rc == ERR_INVALID)
		rc = 0; /* a region without spread in one of the two: nothing to compare */
	else
		for (size_t s = 0; s < ns && !rc; s++) {
			if (!b->mean[s].n || !a->mean[s].n)
				continue;
			det_pair(&d, a->info.code, a->mean[s].n, b->mean[s].n, a->mean[s].mean,
				 b->mean[s].mean);
			det_g(&d, ";region1=", a->mean_r.mean, 6);
			det_g(&d, ";sd1=", a->mean_r.sd, 6);
			det_g(&d, ";region2=", b->mean_r.mean, 6);
			det_g(&d, ";sd2=", b->mean_r.sd, 6);
			det_g(&d, ";z=", z[s].z, 4);
			bool ev = z[s].status != STAT_NOT_EVALUABLE;
			struct srow x = {s, b, STAT_SIGN_VPR_ABOVE_DKR, ev ? z[s].zc : NAN, NAN,
					 z[s].n, z[s].status, ev ? z[s].p : NAN, ev ? z[s].q_adj : NAN,
					 ev ? d.s : ""};
			if ((rc = sign_out(r, b, &x)))
				break;
			if (z[s].status == STAT_FLAG && r->own[s] < UINT32_MAX)
				r->own[s]++;
			if (ev && (STAT_RISK_DEFAULT_MASK & (1u << STAT_SIGN_VPR_ABOVE_DKR))) {
				b->ev = xgrow(b->ev, &b->evcap, b->nev + 1, sizeof *b->ev);
				b->ev[b->nev++] = (struct stat_evidence){ .school = (uint32_t)s,
					.sign = STAT_SIGN_VPR_ABOVE_DKR, .proc = (int16_t)(b - r->p),
					.p = z[s].p, .pooled = STAT_POOL_NONE, .n = z[s].n };
			}
		}
	free(z);
	return rc;
}

int analysis_write_pairs(struct job *r, struct aproc *b)
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
			struct srow x = {s, b, STAT_SIGN_COHORT_RISE, c[s].k, b->coh_r.lo, n, c[s].rise, NAN, NAN, d.s};
			if ((rc = sign_out(r, b, &x)))
				break;
			x.sign = STAT_SIGN_COHORT_DROP;
			x.threshold = b->coh_r.hi;
			x.st = c[s].drop;
			if ((rc = sign_out(r, b, &x)))
				break;
			if (c[s].rise == STAT_FLAG) {
				b->flag_rise++;
				analysis_official_flag(r, s, b, col);
			}
			if (c[s].drop == STAT_FLAG) {
				b->flag_drop++;
				analysis_official_flag(r, s, b, col);
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
			struct srow x = {s, b, STAT_SIGN_SHARE2_RISE, c[s].diff, r->cfg.share2_rise, c[s].n2,
					 c[s].status, NAN, NAN, d.s};
			if ((rc = sign_out(r, b, &x)))
				break;
			b->flag_share2 += c[s].status == STAT_FLAG;
		}
		free(c);
	}
	if (!rc && b->dkr_from >= 0)
		rc = pair_dkr(r, b, &r->p[b->dkr_from]);
	for (size_t s = 0; s < ns; s++)
		b->flag_any += r->pflag[s]; /* by any official sign of b, its pairs included */
	return rc;
}

