/* report/recheck: the results of re-checking as plain data and as four tables (see
 * report/recheck.h for the columns; docs/recheck.md "Results" for their meaning).
 *
 * One pass over the works of the round (or of every round of the procedure): each work's
 * state and, when finished, its outcome (stats/recheck); a school's figures from the
 * outcomes of its finished works (the list comes grouped by school); the positions from
 * the school's and the final scores; each expert from its done checks of finished works
 * against the final scores. Control checks come from recheck_control_each and are compared
 * with the final scores of their works (works of earlier rounds, looked up in a map of the
 * whole procedure): they feed only the experts' control accuracy. */
#include "report/recheck.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/numfmt.h"

static const char *const table_files[RC_T_COUNT] = { "works.csv", "schools.csv", "experts.csv",
						     "positions.csv" };

const char *rc_table_file(enum rc_table t)
{
	return (unsigned)t < RC_T_COUNT ? table_files[t] : "";
}

int rc_table_parse(const char *file)
{
	for (int t = 0; file && t < RC_T_COUNT; t++)
		if (!strcmp(file, table_files[t]))
			return t;
	return -1;
}

/* ---- building ---- */

/* The experts met so far, with their accumulators. */
struct experts {
	struct hmap index; /* expert id (as text) → slot */
	int64_t *id;
	char (*code)[RC_CODE_MAX];
	struct rc_expert_acc *acc;
	size_t n, cap;
};

static struct rc_expert_acc *expert_slot(struct experts *e, int64_t id, const char *code)
{
	char key[24];
	int kn = snprintf(key, sizeof key, "%lld", (long long)id);
	int64_t k;
	if (hmap_get(&e->index, key, (size_t)kn, &k))
		return &e->acc[k];
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->id = xrealloc(e->id, e->cap * sizeof *e->id);
		e->code = xrealloc(e->code, e->cap * sizeof *e->code);
		e->acc = xrealloc(e->acc, e->cap * sizeof *e->acc);
	}
	e->id[e->n] = id;
	snprintf(e->code[e->n], sizeof e->code[0], "%s", code ? code : "");
	memset(&e->acc[e->n], 0, sizeof e->acc[0]);
	hmap_put(&e->index, key, (size_t)kn, (int64_t)e->n);
	return &e->acc[e->n++];
}

static void experts_free(struct experts *e)
{
	hmap_free(&e->index);
	free(e->id);
	free(e->code);
	free(e->acc);
}

/* The final scores of the procedure's finished works, by work id: what control checks
 * are compared with. */
struct finals {
	struct hmap index; /* work id → slot */
	struct rc_work *works;
	const uint8_t **final;
	size_t n;
};

static int final_of(const struct rc_report *r, const struct rc_work *w, const uint8_t **final)
{
	const int *scale = r->proc.has_scale ? r->proc.scale : NULL;
	return (int)rc_state_of(&r->cfg, scale, w->s1, w->done[0] ? w->s[0] : NULL,
				w->done[1] ? w->s[1] : NULL, r->proc.npos, final);
}

struct control_ctx {
	struct rc_report *r;
	struct finals *f;
	struct experts *e;
};

static int take_control(void *ctx, const struct rc_control_row *c)
{
	struct control_ctx *cc = ctx;
	if (!c->done || c->npos != cc->r->proc.npos)
		return 0;
	char key[24];
	int kn = snprintf(key, sizeof key, "%lld", (long long)c->work_id);
	int64_t k;
	if (!hmap_get(&cc->f->index, key, (size_t)kn, &k) || !cc->f->final[k])
		return 0; /* a control work whose scores are not agreed (cannot happen by the rule) */
	const int *scale = cc->r->proc.has_scale ? cc->r->proc.scale : NULL;
	rc_expert_add_control(expert_slot(cc->e, c->expert_id, c->expert), &cc->r->cfg, scale,
			      cc->f->final[k], c->s, c->npos);
	return 0;
}

/* Control checks of the procedure against the agreed (final) scores of their works. */
static int add_controls(struct db *d, const struct scope *sc, struct rc_report *r,
			struct experts *e)
{
	const struct scope all = scope_all();
	struct finals f = { 0 };
	hmap_init(&f.index);
	/* The works of every round, whatever the scope: a control work may be of a school the
	 * report does not show; only the accuracy figure comes out of it. */
	int rc = recheck_work_list(d, &all, 0, r->proc.id, &f.works, &f.n);
	if (!rc) {
		f.final = xcalloc(f.n ? f.n : 1, sizeof *f.final);
		for (size_t i = 0; i < f.n; i++) {
			char key[24];
			int kn = snprintf(key, sizeof key, "%lld", (long long)f.works[i].id);
			int st = final_of(r, &f.works[i], &f.final[i]);
			if (st != RC_FINAL2 && st != RC_FINAL3)
				f.final[i] = NULL;
			hmap_put(&f.index, key, (size_t)kn, (int64_t)i);
		}
		struct control_ctx cc = { r, &f, e };
		rc = recheck_control_each(d, sc, r->proc.id, take_control, &cc);
	}
	hmap_free(&f.index);
	free(f.works);
	free(f.final);
	return rc;
}

static int by_expert_code(const void *a, const void *b)
{
	const struct rc_report_expert *x = a, *y = b;
	int c = strcmp(x->expert, y->expert);
	return c ? c : (x->expert_id > y->expert_id) - (x->expert_id < y->expert_id);
}

int rc_report_build(struct db *d, const struct scope *sc, int64_t round_id, int64_t procedure_id,
		    struct rc_report **out, char *msg, size_t n)
{
	struct rc_report *r = xcalloc(1, sizeof *r);
	struct experts e = { 0 };
	struct rc_outcome *outs = NULL, *all_outs = NULL;
	hmap_init(&e.index);
	int rc = 0;
	*out = NULL;
	if (msg && n)
		msg[0] = '\0';
	if (round_id > 0) {
		struct rc_round rd;
		rc = recheck_round_get(d, round_id, &rd);
		if (!rc && sc && !recheck_round_in_scope(d, sc, round_id))
			rc = ERR_NOTFOUND;
		if (rc == ERR_NOTFOUND)
			snprintf(msg, n, "перепроверки № %lld нет", (long long)round_id);
		if (rc)
			goto out;
		procedure_id = rd.procedure_id;
	}
	if ((rc = procedure_get_id(d, procedure_id, &r->proc))) {
		if (rc == ERR_NOTFOUND)
			snprintf(msg, n, "процедуры нет в базе");
		goto out;
	}
	if ((rc = recheck_cfg_get(d, procedure_id, &r->cfg)) ||
	    (rc = recheck_work_list(d, sc, round_id, round_id > 0 ? 0 : procedure_id, &r->works,
				    &r->nworks)))
		goto out;
	const int *scale = r->proc.has_scale ? r->proc.scale : NULL;
	int np = r->proc.npos;
	r->rw = xcalloc(r->nworks ? r->nworks : 1, sizeof *r->rw);
	outs = xcalloc(r->nworks ? r->nworks : 1, sizeof *outs);
	all_outs = xcalloc(r->nworks ? r->nworks : 1, sizeof *all_outs);
	size_t nall = 0;
	for (size_t i = 0; i < r->nworks; i++) {
		const struct rc_work *w = &r->works[i];
		struct rc_report_work *x = &r->rw[i];
		const uint8_t *final = NULL;
		x->w = w;
		x->state = (enum rc_state)final_of(r, w, &final);
		x->finished = x->state == RC_FINAL2 || x->state == RC_FINAL3;
		r->waiting3 += x->state == RC_WAIT3;
		if (!x->finished)
			continue;
		r->finished++;
		rc_outcome_of(&r->cfg, scale, w->s1, final, np, &x->o);
		all_outs[nall++] = x->o;
		rc_position_add(r->pos, w->s1, final, np);
		int yf = rc_total(final, np);
		for (int k = 0; k < 2; k++)
			if (w->done[k] && w->expert_id[k])
				rc_expert_add(expert_slot(&e, w->expert_id[k], w->expert[k]),
					      rc_total(w->s[k], np), yf);
	}
	rc_position_finish(r->pos, np);
	rc_school_of(all_outs, nall, &r->total);

	/* Schools: the list is grouped by school (login, then code). */
	r->schools = xcalloc(r->nworks ? r->nworks : 1, sizeof *r->schools);
	for (size_t i = 0; i < r->nworks;) {
		size_t j = i, no = 0;
		for (; j < r->nworks && r->works[j].school_id == r->works[i].school_id; j++)
			if (r->rw[j].finished)
				outs[no++] = r->rw[j].o;
		struct rc_report_school *s = &r->schools[r->nschools++];
		s->school_id = r->works[i].school_id;
		snprintf(s->school, sizeof s->school, "%s", r->works[i].school);
		snprintf(s->name, sizeof s->name, "%s", r->works[i].school_name);
		rc_school_of(outs, no, &s->f);
		i = j;
	}

	if ((rc = add_controls(d, sc, r, &e)))
		goto out;
	r->experts = xcalloc(e.n ? e.n : 1, sizeof *r->experts);
	for (size_t i = 0; i < e.n; i++) {
		struct rc_report_expert *x = &r->experts[r->nexperts++];
		x->expert_id = e.id[i];
		snprintf(x->expert, sizeof x->expert, "%s", e.code[i]);
		rc_expert_finish(&e.acc[i], &x->f);
	}
	qsort(r->experts, r->nexperts, sizeof *r->experts, by_expert_code);
out:
	experts_free(&e);
	free(outs);
	free(all_outs);
	if (rc)
		rc_report_free(r);
	else
		*out = r;
	return rc;
}

void rc_report_free(struct rc_report *r)
{
	if (!r)
		return;
	free(r->works);
	free(r->rw);
	free(r->schools);
	free(r->experts);
	free(r);
}

/* ---- writing ---- */

static int put_int(struct table_writer *w, bool have, long v)
{
	return have ? table_writer_int(w, v) : table_writer_empty(w);
}

/* A number for machines: a decimal point, up to 6 significant digits, empty for NaN. */
static int put_num(struct table_writer *w, double v)
{
	if (isnan(v))
		return table_writer_empty(w);
	char s[NUMFMT_MAX];
	numfmt_g(s, v == 0 ? 0.0 : v, 6); /* never "-0" */
	return table_writer_text(w, s);
}

static int header(struct table_writer *w, const char *const *cols)
{
	int rc = 0;
	for (; *cols && !rc; cols++)
		rc = table_writer_text(w, *cols);
	return rc ? rc : table_writer_end_row(w);
}

static int write_works(const struct rc_report *r, struct table_writer *w)
{
	static const char *const cols[] = { "school", "code", "check1", "check2", "check3", "final",
					    "mark1", "mark_final", "delta", "objective", NULL };
	int rc = header(w, cols), np = r->proc.npos;
	bool marks = r->proc.has_scale;
	for (size_t i = 0; i < r->nworks && !rc; i++) {
		const struct rc_report_work *x = &r->rw[i];
		const struct rc_work *k = x->w;
		int s1 = rc_total(k->s1, np);
		rc = table_writer_text(w, k->school);
		rc = rc ? rc : table_writer_text(w, k->code);
		rc = rc ? rc : table_writer_int(w, s1);
		rc = rc ? rc : put_int(w, k->done[0], k->done[0] ? rc_total(k->s[0], np) : 0);
		rc = rc ? rc : put_int(w, k->done[1], k->done[1] ? rc_total(k->s[1], np) : 0);
		rc = rc ? rc : put_int(w, x->finished, x->o.score_final);
		rc = rc ? rc : put_int(w, marks, procedure_mark(&r->proc, s1));
		rc = rc ? rc : put_int(w, marks && x->finished, x->o.mark_final);
		rc = rc ? rc : put_int(w, x->finished, x->o.delta);
		rc = rc ? rc : put_int(w, x->finished, x->o.objective);
		rc = rc ? rc : table_writer_end_row(w);
	}
	return rc;
}

static int write_schools(const struct rc_report *r, struct table_writer *w)
{
	static const char *const cols[] = { "school", "works", "objective_share", "mean_delta",
					    "up", "down", "p", NULL };
	int rc = header(w, cols);
	for (size_t i = 0; i < r->nschools && !rc; i++) {
		const struct rc_school *f = &r->schools[i].f;
		rc = table_writer_text(w, r->schools[i].school);
		rc = rc ? rc : table_writer_int(w, f->works);
		rc = rc ? rc : put_num(w, f->objective_share);
		rc = rc ? rc : put_num(w, f->mean_delta);
		rc = rc ? rc : table_writer_int(w, f->up);
		rc = rc ? rc : table_writer_int(w, f->down);
		rc = rc ? rc : put_num(w, f->works ? f->p : NAN);
		rc = rc ? rc : table_writer_end_row(w);
	}
	return rc;
}

static int write_experts(const struct rc_report *r, struct table_writer *w)
{
	static const char *const cols[] = { "expert", "works", "exact", "within1", "qwk",
					    "mean_delta", "control_accuracy", NULL };
	int rc = header(w, cols);
	for (size_t i = 0; i < r->nexperts && !rc; i++) {
		const struct rc_expert *f = &r->experts[i].f;
		rc = table_writer_text(w, r->experts[i].expert);
		rc = rc ? rc : table_writer_int(w, f->works);
		rc = rc ? rc : put_num(w, f->exact);
		rc = rc ? rc : put_num(w, f->within1);
		rc = rc ? rc : put_num(w, f->qwk);
		rc = rc ? rc : put_num(w, f->mean_delta);
		rc = rc ? rc : put_num(w, f->control_accuracy);
		rc = rc ? rc : table_writer_end_row(w);
	}
	return rc;
}

static int write_positions(const struct rc_report *r, struct table_writer *w)
{
	static const char *const cols[] = { "position", "max", "works", "mean_delta", "over",
					    "under", "p", NULL };
	int rc = header(w, cols);
	for (int i = 0; i < r->proc.npos && !rc; i++) {
		const struct rc_position *p = &r->pos[i];
		rc = table_writer_text(w, r->proc.pos[i].label);
		rc = rc ? rc : table_writer_int(w, r->proc.pos[i].max);
		rc = rc ? rc : table_writer_int(w, p->works);
		rc = rc ? rc : put_num(w, p->works ? p->mean_delta : NAN);
		rc = rc ? rc : table_writer_int(w, p->over);
		rc = rc ? rc : table_writer_int(w, p->under);
		rc = rc ? rc : put_num(w, p->works ? p->p : NAN);
		rc = rc ? rc : table_writer_end_row(w);
	}
	return rc;
}

int rc_report_write(const struct rc_report *r, enum rc_table t, struct table_writer *w)
{
	switch (t) {
	case RC_T_WORKS: return write_works(r, w);
	case RC_T_SCHOOLS: return write_schools(r, w);
	case RC_T_EXPERTS: return write_experts(r, w);
	case RC_T_POSITIONS: return write_positions(r, w);
	default: return ERR_INVALID;
	}
}

int rc_report_write_dir(const struct rc_report *r, const char *dir, char *msg, size_t n)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(msg, n, "не удалось создать каталог %s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	for (int t = 0; t < RC_T_COUNT; t++) {
		char path[4096];
		struct table_writer *w = NULL;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, table_files[t]) >= sizeof path) {
			snprintf(msg, n, "слишком длинный путь: %s", dir);
			return ERR_IO;
		}
		int rc = table_writer_open(&w, path, TABLE_CSV, NULL, msg, n);
		if (rc)
			return rc;
		rc = rc_report_write(r, (enum rc_table)t, w);
		int crc = table_writer_close(w);
		if (rc || crc) {
			snprintf(msg, n, "не удалось записать %s", path);
			return rc ? rc : crc;
		}
	}
	return 0;
}
