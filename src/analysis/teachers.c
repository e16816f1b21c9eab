/* analysis/teachers: teachers in the risk zone (issue 20, item 4; docs/analysis.md,
 * docs/methodology-oko.md, «Teachers in the risk zone»).
 *
 * Before the workers start, the class → teacher assignments of the database are read once
 * (model/teacher.h) into a read-only map. Each worker, for a reported procedure, turns the
 * class-level results of stat_analyze (journal leniency, the boundary heap, hard_help,
 * lenient_scoring, person_fit, twins) of every assigned class into evidence entries, and
 * keeps the sums of the z-kinds (journal_lenient, hard_help, lenient_scoring, person_fit) of
 * every class, assigned or not, for the contrast of a teacher with the rest of its school.
 * At the end the main thread reads the reported procedures' re-checked works
 * (model/recheck.h: each with its result row's class) and keeps the finished ones of
 * assigned classes — the same rule as analysis/recheck.c — as the re-check kind. The
 * entries of all procedures and years are pooled per teacher (stats/teacher.h), written to
 * teachers.csv — teacher ids and counts only, never names — and stored with the run
 * (run_teacher, run_teacher_class). */
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
#include "model/pupil.h"
#include "model/recheck.h"
#include "model/scope.h"
#include "model/teacher.h"
#include "stats/teacher.h"

/* One class's evidence of one kind, or (sums) its sums of a z-kind for the contrast of its
 * teacher with the school (stat_teacher_contrast): every class of the procedure, teacher_id 0
 * when the class has no assigned teacher. */
struct tev {
	int64_t teacher_id;
	int64_t procedure_id;
	uint32_t works;        /* the class's works in the procedure */
	uint32_t n;            /* works behind p or the sums */
	uint8_t kind;
	bool sums;
	uint32_t school_ix;    /* sums: the class's school */
	double p;
	double res, var, k3, ss; /* sums (journal: stat_lenient_class_sums) */
	char class_name[PUPIL_CLASS_MAX];
};

static int key_of(char *key, size_t n, int64_t school, int64_t proc, const char *cls)
{
	int k = snprintf(key, n, "%lld\x1f%lld\x1f%s", (long long)school, (long long)proc, cls);
	return k < 0 || (size_t)k >= n ? -1 : k;
}

static int school_key(char *key, size_t n, int64_t school)
{
	int k = snprintf(key, n, "S\x1f%lld", (long long)school);
	return k < 0 || (size_t)k >= n ? -1 : k;
}

int analysis_teachers_prepare(struct job *r)
{
	struct teacher_assign *a = NULL;
	size_t n = 0;
	int rc = teacher_assignments(r->d, &a, &n);
	if (rc)
		return rc;
	hmap_init(&r->tmap);
	r->tready = true;
	for (size_t i = 0; i < n; i++) {
		char key[128];
		int k = key_of(key, sizeof key, a[i].school_id, a[i].procedure_id, a[i].class_name);
		if (k > 0)
			hmap_put(&r->tmap, key, (size_t)k, a[i].teacher_id);
		/* The schools with a teacher: only their classes' sums are kept. */
		k = school_key(key, sizeof key, a[i].school_id);
		if (k > 0)
			hmap_put(&r->tmap, key, (size_t)k, 1);
	}
	r->tassigned = n;
	r->tassign = a;
	return 0;
}

static void push(struct aproc *p, int64_t teacher, const char *cls, uint32_t works, int kind,
		 uint32_t n, double pv)
{
	if (isnan(pv) || !n)
		return;
	p->tev = xgrow(p->tev, &p->tevcap, p->ntev + 1, sizeof *p->tev);
	struct tev *e = &p->tev[p->ntev++];
	memset(e, 0, sizeof *e);
	e->teacher_id = teacher;
	e->procedure_id = p->info.id;
	e->works = works;
	e->n = n;
	e->kind = (uint8_t)kind;
	e->p = pv;
	snprintf(e->class_name, sizeof e->class_name, "%s", cls);
}

static void push_z(struct aproc *p, int64_t teacher, const char *cls, uint32_t works, int kind,
		   const struct stat_zres *z)
{
	if (z && z->status != STAT_NOT_EVALUABLE)
		push(p, teacher, cls, works, kind, z->n, z->p);
}

int analysis_teachers_collect(struct job *r, struct aproc *p, const struct stat_proc *sp,
			      const struct load_classes *cls)
{
	const struct stat_analysis *a = &p->a;
	size_t nc = a->nclasses < cls->n ? a->nclasses : cls->n;
	if (!r->tassigned || !nc)
		return 0;
	uint32_t *works = xcalloc(nc, sizeof *works);
	struct stat_tjsums *js = xcalloc(sp->class_id ? sp->nclasses : 1, sizeof *js);
	stat_lenient_class_sums(sp, &a->tab, js);
	for (size_t i = 0; i < sp->n; i++)
		if (sp->class_id[i] < nc)
			works[sp->class_id[i]]++;
	for (size_t c = 0; c < nc; c++) {
		char cn[PUPIL_CLASS_MAX] = "", key[128];
		int grade;
		int64_t teacher = 0;
		bool named = cls->name[c][0] && !pupil_class_norm(cls->name[c], cn, &grade);
		int k = named ? key_of(key, sizeof key, r->sc.s[cls->school[c]].id, p->info.id, cn) : -1;
		if (k < 0 || !hmap_get(&r->tmap, key, (size_t)k, &teacher))
			teacher = 0;
		int64_t one;
		k = school_key(key, sizeof key, r->sc.s[cls->school[c]].id);
		if (k < 0 || !hmap_get(&r->tmap, key, (size_t)k, &one))
			continue; /* no teacher in the school */
		/* The journal sums of every class, assigned or not: the school's other works. */
		const struct stat_tjsums *lz = &js[c];
		if (lz->n) {
			p->tev = xgrow(p->tev, &p->tevcap, p->ntev + 1, sizeof *p->tev);
			struct tev *e = &p->tev[p->ntev++];
			memset(e, 0, sizeof *e);
			*e = (struct tev){ .teacher_id = teacher, .procedure_id = p->info.id, .works = works[c],
				.n = lz->n, .kind = STAT_TK_LENIENT, .sums = true, .school_ix = cls->school[c],
				.p = NAN, .res = lz->res, .var = lz->var, .k3 = lz->k3, .ss = lz->ss };
			snprintf(e->class_name, sizeof e->class_name, "%s", cn);
		}
		/* The sums of the other z-kinds, oriented so that a large res is suspicious
		 * (person_fit's tail is the lower one). */
		const struct stat_zres *zk[3] = { a->hard_class ? &a->hard_class[c] : NULL,
			a->scoring_class ? &a->scoring_class[c] : NULL, a->fit_class ? &a->fit_class[c] : NULL };
		static const int zkind[3] = { STAT_TK_HARD, STAT_TK_SCORING, STAT_TK_FIT };
		for (int j = 0; j < 3; j++) {
			if (!zk[j] || !zk[j]->n || !(zk[j]->var > 0))
				continue;
			double d = zk[j]->obs - zk[j]->expct;
			p->tev = xgrow(p->tev, &p->tevcap, p->ntev + 1, sizeof *p->tev);
			struct tev *e = &p->tev[p->ntev++];
			*e = (struct tev){ .teacher_id = teacher, .procedure_id = p->info.id, .works = works[c],
				.n = zk[j]->n, .kind = (uint8_t)zkind[j], .sums = true, .school_ix = cls->school[c],
				.p = NAN, .res = zkind[j] == STAT_TK_FIT ? -d : d, .var = zk[j]->var };
			snprintf(e->class_name, sizeof e->class_name, "%s", cn);
		}
		if (!teacher)
			continue;
		if (a->bunch_class)
			push(p, teacher, cn, works[c], STAT_TK_BUNCH, a->bunch_class[c].nwin, a->bunch_class[c].p);
		if (a->lenient_class)
			push_z(p, teacher, cn, works[c], STAT_TK_LENIENT, &a->lenient_class[c]);
		if (a->hard_class)
			push_z(p, teacher, cn, works[c], STAT_TK_HARD, &a->hard_class[c]);
		if (a->scoring_class)
			push_z(p, teacher, cn, works[c], STAT_TK_SCORING, &a->scoring_class[c]);
		if (a->fit_class)
			push_z(p, teacher, cn, works[c], STAT_TK_FIT, &a->fit_class[c]);
		if (a->twins_class && a->twins_class[c].status != STAT_NOT_EVALUABLE)
			push(p, teacher, cn, works[c], STAT_TK_TWINS, a->twins_class[c].n, a->twins_class[c].p);
	}
	free(works);
	free(js);
	return 0;
}

void analysis_teachers_consume(struct job *r, struct aproc *p)
{
	if (!p->ntev)
		return;
	r->tev = xgrow(r->tev, &r->tevcap, r->ntev + p->ntev, sizeof *r->tev);
	memcpy(r->tev + r->ntev, p->tev, p->ntev * sizeof *p->tev);
	r->ntev += p->ntev;
	free(p->tev);
	p->tev = NULL;
	p->ntev = p->tevcap = 0;
}

/* A teacher of the run: its id, school and the distinct classes behind its evidence. */
struct tch {
	int64_t id, school_id;
	size_t school_ix;
	long classes, works;
};

static int by_school_teacher(const void *x, const void *y)
{
	const struct tch *a = x, *b = y;
	if (a->school_ix != b->school_ix)
		return a->school_ix < b->school_ix ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int w_num(struct table_writer *w, double v)
{
	if (isnan(v) || isinf(v))
		return table_writer_empty(w);
	char b[NUMFMT_MAX];
	numfmt_g(b, v, 10);
	return table_writer_text(w, b);
}

static int w_int(struct table_writer *w, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	return table_writer_text(w, b);
}

/* One finished re-checked work of an assigned class, before its teacher's index is known. */
struct trc {
	int64_t teacher_id, procedure_id;
	char class_name[PUPIL_CLASS_MAX];
	struct rc_outcome o;
};

static int by_class(const void *x, const void *y)
{
	const struct trc *a = x, *b = y;
	if (a->teacher_id != b->teacher_id)
		return a->teacher_id < b->teacher_id ? -1 : 1;
	if (a->procedure_id != b->procedure_id)
		return a->procedure_id < b->procedure_id ? -1 : 1;
	return strcmp(a->class_name, b->class_name);
}

/* The re-check kind: the finished re-checked works (check 2 without a significant
 * discrepancy, or check 3; recheck_work_list never gives control checks) of every assigned
 * class of the reported procedures into *out, and one evidence entry per class (its sign
 * test, stat_recheck_p) appended to r->tev for the class counts and the stored rows. */
static int recheck_works(struct job *r, struct trc **out, size_t *nout)
{
	struct scope all = scope_all();
	struct trc *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < r->np && !rc; i++) {
		const struct aproc *p = &r->p[i];
		struct rc_work *w = NULL;
		size_t nw = 0;
		struct rc_cfg cfg;
		if (!p->report)
			continue;
		if ((rc = recheck_cfg_get(r->d, p->info.id, &cfg)) ||
		    (rc = recheck_work_list(r->d, &all, 0, p->info.id, &w, &nw))) {
			free(w);
			break;
		}
		const int *scale = p->has_scale ? p->scale : NULL;
		for (size_t j = 0; j < nw; j++) {
			const struct rc_work *x = &w[j];
			char cn[PUPIL_CLASS_MAX] = "", key[128];
			int grade;
			int64_t teacher = 0;
			const uint8_t *fin = NULL;
			if (!x->class_name[0] || pupil_class_norm(x->class_name, cn, &grade))
				continue;
			int k = key_of(key, sizeof key, x->school_id, p->info.id, cn);
			if (k < 0 || !hmap_get(&r->tmap, key, (size_t)k, &teacher) || !teacher)
				continue;
			enum rc_state st = rc_state_of(&cfg, scale, x->s1, x->done[0] ? x->s[0] : NULL,
						       x->done[1] ? x->s[1] : NULL, x->npos, &fin);
			if (st != RC_FINAL2 && st != RC_FINAL3)
				continue;
			v = xgrow(v, &cap, n + 1, sizeof *v);
			v[n] = (struct trc){ .teacher_id = teacher, .procedure_id = p->info.id };
			snprintf(v[n].class_name, sizeof v[n].class_name, "%s", cn);
			rc_outcome_of(&cfg, scale, x->s1, fin, x->npos, &v[n].o);
			n++;
		}
		free(w);
	}
	if (rc) {
		free(v);
		return rc;
	}
	if (n)
		qsort(v, n, sizeof *v, by_class);
	struct rc_outcome *o = xmalloc((n ? n : 1) * sizeof *o);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !by_class(&v[i], &v[j])) {
			o[j - i] = v[j].o;
			j++;
		}
		double pv = stat_recheck_p(o, j - i);
		if (!isnan(pv)) {
			r->tev = xgrow(r->tev, &r->tevcap, r->ntev + 1, sizeof *r->tev);
			struct tev *e = &r->tev[r->ntev++];
			*e = (struct tev){ .teacher_id = v[i].teacher_id, .procedure_id = v[i].procedure_id,
				.works = (uint32_t)(j - i), .n = (uint32_t)(j - i), .kind = STAT_TK_RECHECK,
				.p = pv };
			snprintf(e->class_name, sizeof e->class_name, "%s", v[i].class_name);
		}
		i = j;
	}
	free(o);
	*out = v;
	*nout = n;
	return 0;
}

int analysis_teachers_finish(struct job *r, size_t *listed_out)
{
	*listed_out = 0;
	/* The run's teachers: every assigned teacher with evidence, by school then id. */
	struct tch *t = NULL;
	size_t nt = 0, tcap = 0;
	struct hmap ix, seen;
	hmap_init(&ix);
	hmap_init(&seen);
	for (size_t i = 0; i < r->tassigned; i++) {
		const struct teacher_assign *a = &r->tassign[i];
		char key[32];
		int k = snprintf(key, sizeof key, "%lld", (long long)a->teacher_id);
		int64_t v;
		if (hmap_get(&ix, key, (size_t)k, &v))
			continue;
		int64_t s = load_school_index(&r->sc, a->school_id);
		if (s < 0)
			continue;
		t = xgrow(t, &tcap, nt + 1, sizeof *t);
		t[nt] = (struct tch){ a->teacher_id, a->school_id, (size_t)s, 0, 0 };
		hmap_put(&ix, key, (size_t)k, (int64_t)nt);
		nt++;
	}
	if (nt)
		qsort(t, nt, sizeof *t, by_school_teacher);
	hmap_free(&ix);
	hmap_init(&ix);
	for (size_t i = 0; i < nt; i++) {
		char key[32];
		int k = snprintf(key, sizeof key, "%lld", (long long)t[i].id);
		hmap_put(&ix, key, (size_t)k, (int64_t)i);
	}
	/* The re-checks: their class entries join r->tev (after the others, so that a class
	 * with other evidence is counted with its works in the procedure). */
	struct trc *rw = NULL;
	size_t nrw = 0;
	int rc = nt ? recheck_works(r, &rw, &nrw) : 0;
	struct stat_tclass *ev = xcalloc(r->ntev + STAT_TK_COUNT * nt + 1, sizeof *ev);
	struct stat_tcclass *jc = xcalloc(r->ntev + 1, sizeof *jc), *kc = xcalloc(r->ntev + 1, sizeof *kc);
	/* The kinds that enter per teacher, not per class: the contrasted ones and the
	 * re-checks (one sign test over all the teacher's works). */
	bool per_teacher[STAT_TK_COUNT] = { false };
	per_teacher[STAT_TK_LENIENT] = per_teacher[STAT_TK_HARD] = per_teacher[STAT_TK_SCORING] =
		per_teacher[STAT_TK_FIT] = per_teacher[STAT_TK_RECHECK] = true;
	struct stat_tcontrast *tj = xcalloc(nt + 1, sizeof *tj);
	struct stat_teacher *res = xcalloc(nt + 1, sizeof *res);
	struct stat_trecheck *tw = xcalloc(nrw + 1, sizeof *tw);
	uint32_t *rcn = xcalloc(nt + 1, sizeof *rcn);
	double *rcp = xcalloc(nt + 1, sizeof *rcp);
	size_t nev = 0, njc = 0, ntw = 0;
	if (rc)
		goto out;
	for (size_t i = 0; i < r->ntev; i++) {
		const struct tev *e = &r->tev[i];
		char key[160];
		int k = snprintf(key, sizeof key, "%lld", (long long)e->teacher_id);
		int64_t ti;
		bool known = e->teacher_id && hmap_get(&ix, key, (size_t)k, &ti);
		/* A teacher's classes count in the teacher's school (the assignment matched the
		 * class by its school, so the two agree; stat_teacher_contrast refuses a teacher
		 * in two schools). */
		if (e->sums)
			jc[njc++] = (struct stat_tcclass){ known ? (uint32_t)ti : STAT_TNONE,
							   known ? (uint32_t)t[ti].school_ix : e->school_ix,
							   e->n, e->res, e->var, e->k3, e->ss, e->kind };
		if (!known)
			continue;
		/* The contrasted kinds and the re-checks enter per teacher (below). */
		if (!e->sums && !per_teacher[e->kind])
			ev[nev++] = (struct stat_tclass){ (uint32_t)ti, e->kind, e->n, e->p };
		/* A class counts once per procedure, whatever the kinds of its evidence. */
		k = snprintf(key, sizeof key, "%lld\x1f%lld\x1f%s", (long long)e->teacher_id,
			     (long long)e->procedure_id, e->class_name);
		if (k > 0 && (size_t)k < sizeof key && hmap_put(&seen, key, (size_t)k, 1)) {
			t[ti].classes++;
			t[ti].works += e->works;
		}
	}
	/* The contrasted kinds: per kind, every teacher against its school's other classes. */
	for (int kind = 0; kind < STAT_TK_COUNT && !rc; kind++) {
		if (!per_teacher[kind] || kind == STAT_TK_RECHECK)
			continue;
		size_t m = 0;
		for (size_t i = 0; i < njc; i++)
			if (jc[i].kind == kind)
				kc[m++] = jc[i];
		rc = stat_teacher_contrast(kc, m, nt, r->sc.n, r->cfg.min_n_group, r->cfg.min_null,
					   kind == STAT_TK_LENIENT, tj, NULL);
		for (size_t i = 0; i < nt && !rc; i++)
			if (!isnan(tj[i].p))
				ev[nev++] = (struct stat_tclass){ (uint32_t)i, (uint8_t)kind, tj[i].n, tj[i].p };
	}
	/* The re-checks: one sign test over each teacher's works of every class, procedure and
	 * year. */
	for (size_t i = 0; i < nrw && !rc; i++) {
		char key[32];
		int k = snprintf(key, sizeof key, "%lld", (long long)rw[i].teacher_id);
		int64_t ti;
		if (hmap_get(&ix, key, (size_t)k, &ti))
			tw[ntw++] = (struct stat_trecheck){ (uint32_t)ti, rw[i].o };
	}
	rc = rc ? rc : stat_teacher_recheck(tw, ntw, nt, rcn, rcp);
	for (size_t i = 0; i < nt && !rc; i++)
		if (!isnan(rcp[i]))
			ev[nev++] = (struct stat_tclass){ (uint32_t)i, STAT_TK_RECHECK, rcn[i], rcp[i] };
	if (rc)
		goto out;
	rc = stat_teacher_combine(ev, nev, nt, r->cfg.q, res);
	if (rc < 0)
		goto out;
	*listed_out = (size_t)rc;
	rc = 0;
	/* teachers.csv: ids and counts only (docs/analysis.md). */
	struct table_writer *w = NULL;
	char *path = analysis_out_path(r, "teachers.csv", true);
	rc = table_writer_open(&w, path, TABLE_CSV, NULL, r->msg, r->msglen);
	free(path);
	if (rc)
		goto out;
	static const char *const hdr[] = { "teacher", "school", "classes", "works" };
	for (size_t i = 0; i < 4 && !rc; i++)
		rc = table_writer_text(w, hdr[i]);
	for (int k = 0; k < STAT_TK_COUNT && !rc; k++) {
		char h[64];
		snprintf(h, sizeof h, "p_%s", stat_tkind_name((enum stat_tkind)k));
		rc = table_writer_text(w, h);
	}
	static const char *const tail[] = { "p", "q_adj", "listed", "top" };
	for (size_t i = 0; i < 4 && !rc; i++)
		rc = table_writer_text(w, tail[i]);
	rc = rc ? rc : table_writer_end_row(w);
	for (size_t i = 0; i < nt && !rc; i++) {
		const struct stat_teacher *x = &res[i];
		if (!x->classes)
			continue; /* assigned, but no class of it in the procedures analysed */
		rc = w_int(w, t[i].id);
		rc = rc ? rc : table_writer_text(w, r->sc.s[t[i].school_ix].login);
		rc = rc ? rc : w_int(w, t[i].classes);
		rc = rc ? rc : w_int(w, t[i].works);
		for (int k = 0; k < STAT_TK_COUNT && !rc; k++)
			rc = w_num(w, x->p_kind[k]);
		rc = rc ? rc : w_num(w, x->p);
		rc = rc ? rc : w_num(w, x->q_adj);
		rc = rc ? rc : table_writer_text(w, x->listed ? "1" : "0");
		rc = rc ? rc : table_writer_text(w, x->top >= 0 ? stat_tkind_name((enum stat_tkind)x->top) : "");
		rc = rc ? rc : table_writer_end_row(w);
	}
	int rc2 = table_writer_close(w);
	rc = rc ? rc : rc2;
	if (rc || !r->store)
		goto out;
	/* The stored run: one row per teacher and one per class, procedure and kind. */
	if ((rc = run_flush(r->store)))
		goto out;
	int64_t run_id = run_writer_id(r->store);
	for (size_t i = 0; i < nt && !rc; i++) {
		const struct stat_teacher *x = &res[i];
		if (!x->classes)
			continue;
		struct teacher_run_row row = { t[i].id, t[i].school_id, t[i].classes, t[i].works, x->p,
			x->q_adj, x->listed, x->top >= 0 ? stat_tkind_name((enum stat_tkind)x->top) : "" };
		rc = teacher_run_add(r->d, run_id, &row);
	}
	hmap_free(&seen);
	hmap_init(&seen);
	for (size_t i = 0; i < r->ntev && !rc; i++) {
		const struct tev *e = &r->tev[i];
		char key[160];
		int k = snprintf(key, sizeof key, "%lld", (long long)e->teacher_id);
		int64_t ti;
		if (e->sums || !e->teacher_id || !hmap_get(&ix, key, (size_t)k, &ti))
			continue;
		/* Two spellings of one class in the results ("4а", "4 А") are one class: its
		 * first entry of a kind is stored. */
		k = snprintf(key, sizeof key, "%lld\x1f%lld\x1f%s\x1f%d", (long long)e->teacher_id,
			     (long long)e->procedure_id, e->class_name, e->kind);
		if (k <= 0 || (size_t)k >= sizeof key || !hmap_put(&seen, key, (size_t)k, 1))
			continue;
		struct teacher_run_class_row row = { e->teacher_id, e->procedure_id, e->class_name,
			stat_tkind_name((enum stat_tkind)e->kind), (long)e->n, e->p };
		rc = teacher_run_class_add(r->d, run_id, &row);
	}
	if (rc && !r->msg[0])
		snprintf(r->msg, r->msglen, "не удалось сохранить учителей прогона: %s", db_errmsg(r->d));
out:
	hmap_free(&ix);
	hmap_free(&seen);
	free(ev);
	free(jc);
	free(kc);
	free(tj);
	free(res);
	free(t);
	free(rw);
	free(tw);
	free(rcn);
	free(rcp);
	return rc;
}

int analysis_teachers_outputs(struct job *r, bool ok)
{
	char *part = analysis_out_path(r, "teachers.csv", true), *name = analysis_out_path(r, "teachers.csv", false);
	int rc = 0;
	if (!ok) {
		unlink(part);
	} else if (rename(part, name) && errno != ENOENT) {
		snprintf(r->msg, r->msglen, "не удалось переименовать «%s» в «%s»: %s", part, name, strerror(errno));
		rc = ERR_IO;
	}
	free(part);
	free(name);
	return rc;
}

void analysis_teachers_free(struct job *r)
{
	for (size_t i = 0; i < r->np; i++) {
		free(r->p[i].tev);
		r->p[i].tev = NULL;
	}
	free(r->tev);
	free(r->tassign);
	if (r->tready)
		hmap_free(&r->tmap);
	r->tready = false;
}
