/* model/medalist: medalists, medal thresholds and the non-confirmation index (see
 * medalist.h). */
#include "model/medalist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "embedded.h"
#include "io/csv.h"
#include "model/procedure.h"
#include "model/rows.h"

#define DEFAULTS_FILE "src/model/medal_thresholds.csv"

int medal_parse(const char *t)
{
	if (!t)
		return -1;
	if (!strcmp(t, "0") || str_fold_eq(t, "медаль"))
		return 0;
	if (!strcmp(t, "1") || str_fold_eq(t, "I") || str_fold_eq(t, "I степени") ||
	    str_fold_eq(t, "медаль I степени"))
		return 1;
	if (!strcmp(t, "2") || str_fold_eq(t, "II") || str_fold_eq(t, "II степени") ||
	    str_fold_eq(t, "медаль II степени"))
		return 2;
	return -1;
}

const char *medal_title(int medal)
{
	switch (medal) {
	case 0: return "медаль";
	case 1: return "медаль I степени";
	case 2: return "медаль II степени";
	default: return "";
	}
}

bool medal_subject_valid(const char *code)
{
	if (!code)
		return false;
	if (!strcmp(code, "*"))
		return true;
	for (size_t i = 0; procedure_subjects[i]; i++)
		if (!strcmp(procedure_subjects[i], code))
			return true;
	return false;
}

const char *medal_subject_title(const char *code)
{
	if (code && !strcmp(code, "*"))
		return "любой другой предмет";
	return procedure_subject_name(code);
}

/* ---- medalists ---- */

int medalist_replace(struct db *d, const struct medalist_item *v, size_t n, const char *file,
		     const char *by, long *replaced)
{
	struct db_stmt *del = NULL, *ins = NULL;
	char now[24];
	model_now_iso(now);
	long gone = 0;
	int rc = db_prepare(d, &del, "DELETE FROM medalist WHERE year = ? AND school_id = ?");
	if (!rc)
		rc = db_prepare(d, &ins, "INSERT INTO medalist(year, school_id, code, medal, file,"
					 " uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	/* Each (school, year) once: the items of one pair are removed before the first of
	 * them is stored, and a pair seen before is not removed again. */
	for (size_t i = 0; !rc && i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = v[j].year == v[i].year && v[j].school_id == v[i].school_id;
		if (seen)
			continue;
		if (!(rc = db_reset(del)) && !(rc = db_bind_int(del, 1, v[i].year)) &&
		    !(rc = db_bind_int(del, 2, v[i].school_id)))
			rc = model_done(db_step(del));
		gone += (long)db_changes(d);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		if ((rc = db_reset(ins)) || (rc = db_bind_int(ins, 1, v[i].year)) ||
		    (rc = db_bind_int(ins, 2, v[i].school_id)) ||
		    (rc = db_bind_text(ins, 3, v[i].code, -1)) ||
		    (rc = db_bind_int(ins, 4, v[i].medal)) ||
		    (rc = db_bind_text(ins, 5, file ? file : "", -1)) ||
		    (rc = db_bind_text(ins, 6, by ? by : "", -1)) || (rc = db_bind_text(ins, 7, now, -1)))
			break;
		rc = model_done(db_step(ins));
	}
	db_finalize(del);
	db_finalize(ins);
	if (replaced)
		*replaced = gone;
	return rc;
}

int medal_years(struct db *d, int **years, size_t *n)
{
	*years = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	size_t cap = 0;
	int rc = db_prepare(d, &s, "SELECT DISTINCT year FROM medalist ORDER BY year DESC");
	/* Every row (rc is DB_ROW after the first: testing it for 0 would stop there). */
	if (!rc)
		while ((rc = db_step(s)) == DB_ROW) {
			*years = xgrow(*years, &cap, *n + 1, sizeof **years);
			(*years)[(*n)++] = (int)db_col_int(s, 0);
		}
	rc = model_done(rc);
	db_finalize(s);
	if (rc) {
		free(*years);
		*years = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- thresholds ---- */

static int cmp_thr(const void *a, const void *b)
{
	const struct medal_threshold *x = a, *y = b;
	if (x->year != y->year)
		return (x->year > y->year) - (x->year < y->year);
	if (x->medal != y->medal)
		return (x->medal > y->medal) - (x->medal < y->medal);
	return strcmp(x->subject, y->subject);
}

int medal_thresholds_default(struct medal_threshold **out, size_t *n, char *msg, size_t msglen)
{
	*out = NULL;
	*n = 0;
	const struct embedded_file *file = NULL;
	for (size_t i = 0; i < embedded_count && !file; i++)
		if (!strcmp(embedded_files[i].path, DEFAULTS_FILE))
			file = &embedded_files[i];
	if (!file)
		return ERR_NOTFOUND;
	struct csv_reader *r = NULL;
	char why[256] = "";
	int rc = csv_open_mem(&r, file->data, file->len, NULL, why, sizeof why);
	if (rc) {
		model_say(msg, msglen, why);
		return rc;
	}
	size_t nf, *lens, row = 0, cap = 0;
	char **f;
	while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
		if (row++ == 0)
			continue;
		long y, m, sc = -1, mk = -1;
		if (nf != 6 || str_to_int(f[0], lens[0], &y) || str_to_int(f[1], lens[1], &m) ||
		    (lens[3] && str_to_int(f[3], lens[3], &sc)) ||
		    (lens[4] && str_to_int(f[4], lens[4], &mk)) || !medal_subject_valid(f[2])) {
			snprintf(why, sizeof why, "пороги медалистов по умолчанию: ошибка в строке %zu", row);
			model_say(msg, msglen, why);
			rc = ERR_INVALID;
			break;
		}
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		struct medal_threshold *t = &(*out)[(*n)++];
		memset(t, 0, sizeof *t);
		t->year = (int)y;
		t->medal = (int)m;
		model_copy(t->subject, sizeof t->subject, f[2]);
		t->min_score = (int)sc;
		t->min_mark = (int)mk;
		model_copy(t->source, sizeof t->source, f[5]);
	}
	if (rc < 0 && msg && !*msg)
		model_say(msg, msglen, csv_error(r));
	csv_close(r);
	rc = rc < 0 ? rc : 0;
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	} else if (*n > 1) {
		qsort(*out, *n, sizeof **out, cmp_thr);
	}
	return rc;
}

static void read_thr(struct db_stmt *s, void *item)
{
	struct medal_threshold *t = item;
	t->year = (int)db_col_int(s, 0);
	t->medal = (int)db_col_int(s, 1);
	model_copy(t->subject, sizeof t->subject, db_col_text(s, 2));
	t->min_score = db_col_null(s, 3) ? -1 : (int)db_col_int(s, 3);
	t->min_mark = db_col_null(s, 4) ? -1 : (int)db_col_int(s, 4);
	model_copy(t->source, sizeof t->source, db_col_text(s, 5));
}

int medal_thresholds(struct db *d, int year, struct medal_threshold **out, size_t *n,
		     bool *stored)
{
	*out = NULL;
	*n = 0;
	*stored = false;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT year, medal, subject, min_score, min_mark, source"
				   " FROM medal_threshold WHERE year = ? ORDER BY medal, subject");
	if (!rc)
		rc = db_bind_int(s, 1, year);
	*out = model_rows(&rc, s, sizeof **out, read_thr, n);
	if (rc || *n) {
		*stored = !rc;
		return rc;
	}
	free(*out);
	*out = NULL;
	struct medal_threshold *all = NULL;
	size_t nall = 0;
	if ((rc = medal_thresholds_default(&all, &nall, NULL, 0)))
		return rc;
	/* The latest default year not after `year`. */
	int from = 0;
	for (size_t i = 0; i < nall; i++)
		if (all[i].year <= year && all[i].year > from)
			from = all[i].year;
	size_t k = 0;
	for (size_t i = 0; i < nall; i++)
		if (from && all[i].year == from) {
			all[k] = all[i];
			all[k++].year = year;
		}
	if (!k) {
		free(all);
		all = NULL;
	}
	*out = all;
	*n = k;
	return 0;
}

int medal_thresholds_put(struct db *d, int year, const struct medal_threshold *v, size_t n,
			 const char *by)
{
	struct db_stmt *del = NULL, *ins = NULL;
	char now[24];
	model_now_iso(now);
	int rc = db_prepare(d, &del, "DELETE FROM medal_threshold WHERE year = ?");
	if (!rc)
		rc = db_prepare(d, &ins, "INSERT INTO medal_threshold(year, medal, subject, min_score,"
					 " min_mark, source, updated_by, updated_at)"
					 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!rc && year > 0 && !(rc = db_bind_int(del, 1, year)))
		rc = model_done(db_step(del));
	for (size_t i = 0; !rc && i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = v[j].year == v[i].year;
		if (seen || v[i].year == year)
			continue;
		if (!(rc = db_reset(del)) && !(rc = db_bind_int(del, 1, v[i].year)))
			rc = model_done(db_step(del));
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const struct medal_threshold *t = &v[i];
		if ((rc = db_reset(ins)) || (rc = db_bind_int(ins, 1, t->year)) ||
		    (rc = db_bind_int(ins, 2, t->medal)) || (rc = db_bind_text(ins, 3, t->subject, -1)) ||
		    (rc = t->min_score >= 0 ? db_bind_int(ins, 4, t->min_score) : db_bind_null(ins, 4)) ||
		    (rc = t->min_score < 0 ? db_bind_int(ins, 5, t->min_mark) : db_bind_null(ins, 5)) ||
		    (rc = db_bind_text(ins, 6, t->source, -1)) ||
		    (rc = db_bind_text(ins, 7, by ? by : "", -1)) || (rc = db_bind_text(ins, 8, now, -1)))
			break;
		rc = model_done(db_step(ins));
	}
	db_finalize(del);
	db_finalize(ins);
	return rc;
}

/* ---- the index ---- */

void medal_index_free(struct medal_index *x)
{
	free(x->schools);
	free(x->pupils);
	free(x->muns);
	free(x->regions);
	free(x->years);
	memset(x, 0, sizeof *x);
}

/* The ЕГЭ results of a year's medalists, in (school, code) order. */
struct eres {
	int64_t school_id;
	char code[MEDAL_CODE_MAX];
	struct stat_medal_res r;
};

static void read_eres(struct db_stmt *s, void *item)
{
	struct eres *e = item;
	e->school_id = db_col_int(s, 0);
	model_copy(e->code, sizeof e->code, db_col_text(s, 1));
	model_copy(e->r.subject, sizeof e->r.subject, db_col_text(s, 2));
	e->r.score = db_col_null(s, 3) ? -1 : (int)db_col_int(s, 3);
	e->r.mark = db_col_null(s, 4) ? -1 : (int)db_col_int(s, 4);
}

static int cmp_key(int64_t sa, const char *ca, int64_t sb, const char *cb)
{
	if (sa != sb)
		return (sa > sb) - (sa < sb);
	return strcmp(ca, cb);
}

static int cmp_school_name(const void *a, const void *b)
{
	const struct medal_school *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int cmp_area_name(const void *a, const void *b)
{
	const struct medal_area *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The area of id among v[0..*n), added when new. */
static struct medal_area *area(struct medal_area **v, size_t *n, size_t *cap, int64_t id,
			       const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].id == id)
			return &(*v)[i];
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	struct medal_area *a = &(*v)[(*n)++];
	memset(a, 0, sizeof *a);
	a->id = id;
	model_copy(a->name, sizeof a->name, name);
	return a;
}

static void add_counts(struct stat_medal_total *t, const struct stat_medal_school *s)
{
	t->medalists += s->medalists;
	t->checked += s->checked;
	t->below += s->below;
	t->noresult += s->noresult;
	t->norule += s->norule;
	t->schools++;
	t->significant += s->significant;
}

static void results_words(const struct stat_medal_res *r, size_t n, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o + 1 < len; i++) {
		int w;
		if (r[i].score >= 0)
			w = snprintf(out + o, len - o, "%s%s %d", o ? "; " : "",
				     procedure_subject_name(r[i].subject), r[i].score);
		else
			w = snprintf(out + o, len - o, "%s%s: отметка %d", o ? "; " : "",
				     procedure_subject_name(r[i].subject), r[i].mark);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
}

/* What the index builds while it reads the years. */
struct span {
	struct hmap ids;               /* school id (8 bytes) → index into out->schools */
	size_t cap, pcap, ycap;        /* of out->schools, out->pupils, ys (rows) */
	struct stat_medal_school *ys;  /* [school * nyears + year]: the counts of each year */
	int64_t *school_of;            /* per pupil: the school's id */
	struct medal_area *regs;
	size_t nregs, rcap;
};

/* Reads year number j (out->years[j]) into out and sp. */
static int load_year(struct db *d, size_t j, const struct scope *sc, struct medal_index *out,
		     struct span *sp)
{
	int year = out->years[j];
	size_t ny = out->nyears;
	struct medal_threshold *thr = NULL;
	struct eres *res = NULL;
	size_t nthr = 0, nres = 0;
	bool stored = false;
	int rc = medal_thresholds(d, year, &thr, &nthr, &stored);
	if (rc)
		goto done;
	if (j + 1 == ny)
		out->thresholds_stored = stored;
	struct db_stmt *s = NULL;
	rc = db_prepare(d, &s,
			/* The year's ЕГЭ procedures, then each medalist's result through the results'
			 * key (procedure_id, school_id, code): CROSS JOIN keeps SQLite from scanning
			 * the whole result table (the evidence card: 70 ms a year on the demo region
			 * → 3 ms; issue 21). */
			"SELECT r.school_id, r.code, p.subject, r.test_score, r.exam_mark"
			" FROM procedure p CROSS JOIN medalist m CROSS JOIN result r"
			" WHERE p.year = ?1 AND p.kind = 'EGE' AND m.year = ?1 AND r.procedure_id = p.id"
			" AND r.school_id = m.school_id AND r.code = m.code AND r.absent = 0"
			" AND (r.test_score IS NOT NULL OR r.exam_mark IS NOT NULL)"
			" ORDER BY r.school_id, r.code, p.subject, p.code");
	if (!rc)
		rc = db_bind_int(s, 1, year);
	res = model_rows(&rc, s, sizeof *res, read_eres, &nres);
	if (rc)
		goto done;
	rc = db_prepare(d, &s,
			"SELECT m.school_id, m.code, m.medal, s.login, s.name, s.municipality_id,"
			" mu.name, mu.region_id, re.name, CASE WHEN " SCOPE_SQL("s") " THEN 1 ELSE 0 END"
			" FROM medalist m JOIN school s ON s.id = m.school_id"
			" LEFT JOIN municipality mu ON mu.id = s.municipality_id"
			" LEFT JOIN region re ON re.id = mu.region_id"
			" WHERE m.year = ?3 ORDER BY m.school_id, m.code");
	if (rc)
		goto done;
	if ((rc = scope_bind(s, sc)) || (rc = db_bind_int(s, 3, year))) {
		db_finalize(s);
		goto done;
	}
	size_t at = 0, k = 0; /* the current school; the merge's position in res */
	int64_t last = -1;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t sid = db_col_int(s, 0);
		const char *code = db_col_text(s, 1);
		if (sid != last) {
			int64_t v;
			last = sid;
			if (hmap_get(&sp->ids, (const char *)&sid, sizeof sid, &v)) {
				at = (size_t)v;
			} else {
				at = out->nschools;
				hmap_put(&sp->ids, (const char *)&sid, sizeof sid, (int64_t)at);
				out->schools = xgrow(out->schools, &sp->cap, at + 1, sizeof *out->schools);
				struct medal_school *m = &out->schools[out->nschools++];
				memset(m, 0, sizeof *m);
				m->id = sid;
				model_copy(m->login, sizeof m->login, db_col_text(s, 3));
				model_copy(m->name, sizeof m->name, db_col_text(s, 4));
				m->municipality_id = db_col_null(s, 5) ? 0 : db_col_int(s, 5);
				model_copy(m->municipality, sizeof m->municipality, db_col_text(s, 6));
				m->region_id = db_col_null(s, 7) ? 0 : db_col_int(s, 7);
				m->visible = db_col_int(s, 9) == 1;
				if (m->visible)
					area(&sp->regs, &sp->nregs, &sp->rcap, m->region_id, db_col_text(s, 8));
				sp->ys = xgrow(sp->ys, &sp->ycap, out->nschools * ny, sizeof *sp->ys);
				memset(&sp->ys[at * ny], 0, ny * sizeof *sp->ys);
			}
		}
		size_t pc = sp->pcap;
		out->pupils = xgrow(out->pupils, &sp->pcap, out->npupils + 1, sizeof *out->pupils);
		if (sp->pcap != pc)
			sp->school_of = xrealloc(sp->school_of, sp->pcap * sizeof *sp->school_of);
		struct medal_pupil *p = &out->pupils[out->npupils];
		sp->school_of[out->npupils++] = sid;
		memset(p, 0, sizeof *p);
		p->year = year;
		model_copy(p->code, sizeof p->code, code);
		p->medal = (int)db_col_int(s, 2);
		while (k < nres && cmp_key(res[k].school_id, res[k].code, sid, p->code) < 0)
			k++;
		struct stat_medal_res r[32];
		size_t nr = 0;
		while (k < nres && !cmp_key(res[k].school_id, res[k].code, sid, p->code)) {
			if (nr < sizeof r / sizeof *r)
				r[nr++] = res[k].r;
			k++;
		}
		struct stat_medal_req q[32];
		size_t nq = 0;
		for (size_t t = 0; t < nthr && nq < sizeof q / sizeof *q; t++)
			if (thr[t].medal == p->medal) {
				snprintf(q[nq].subject, sizeof q[nq].subject, "%s", thr[t].subject);
				q[nq].min_score = thr[t].min_score;
				q[nq++].min_mark = thr[t].min_mark;
			}
		const char *failed = NULL;
		p->status = stat_medal_status(q, nq, r, nr, &failed);
		model_copy(p->failed, sizeof p->failed, failed);
		results_words(r, nr, p->results, sizeof p->results);
		struct stat_medal_school *c = &sp->ys[at * ny + j];
		c->medalists++;
		switch (p->status) {
		case STAT_MEDAL_OK: c->checked++; break;
		case STAT_MEDAL_BELOW: c->checked++; c->below++; break;
		case STAT_MEDAL_NORESULT: c->noresult++; break;
		case STAT_MEDAL_NORULE: c->norule++; break;
		}
	}
	rc = model_done(rc);
	db_finalize(s);
done:
	free(thr);
	free(res);
	return rc;
}

int medal_index_span(struct db *d, int from, int to, const struct scope *sc,
		     struct medal_index *out)
{
	memset(out, 0, sizeof *out);
	out->year = to;
	out->year_from = from;
	struct span sp;
	memset(&sp, 0, sizeof sp);
	hmap_init(&sp.ids);
	int *all = NULL;
	size_t nall = 0;
	int rc = medal_years(d, &all, &nall);
	if (rc)
		goto done;
	/* The years with medalists in the span, ascending (medal_years is latest first). */
	out->years = xmalloc((nall ? nall : 1) * sizeof *out->years);
	for (size_t i = nall; i-- > 0;)
		if (all[i] >= from && all[i] <= to)
			out->years[out->nyears++] = all[i];
	for (size_t j = 0; !rc && j < out->nyears; j++)
		rc = load_year(d, j, sc, out, &sp);
	if (rc)
		goto done;
	size_t ny = out->nyears, ns = out->nschools;
	/* The test, region by region over all its schools and the years. */
	struct stat_medal_school *buf = xmalloc((ns ? ns : 1) * sizeof *buf);
	struct stat_medal_school *yb = xmalloc((ns * ny + 1) * sizeof *yb);
	size_t *idx = xmalloc((ns ? ns : 1) * sizeof *idx);
	bool *done_s = xcalloc(ns ? ns : 1, sizeof *done_s);
	for (size_t a = 0; a < ns; a++) {
		if (done_s[a])
			continue;
		size_t k = 0;
		for (size_t b = a; b < ns; b++)
			if (!done_s[b] && out->schools[b].region_id == out->schools[a].region_id) {
				done_s[b] = true;
				idx[k] = b;
				memcpy(&yb[k * ny], &sp.ys[b * ny], ny * sizeof *yb);
				k++;
			}
		struct stat_medal_total t;
		stat_medal_schools_years(buf, k, yb, ny, STAT_MEDAL_ALPHA, &t, NULL);
		for (size_t b = 0; b < k; b++)
			out->schools[idx[b]].st = buf[b];
		for (size_t r = 0; r < sp.nregs; r++)
			if (sp.regs[r].id == out->schools[a].region_id)
				sp.regs[r].st = t;
	}
	free(buf);
	free(yb);
	free(idx);
	free(done_s);
	out->regions = sp.regs;
	out->nregions = sp.nregs;
	sp.regs = NULL;
	/* Municipalities: the sums of their schools (all of them: a visible school's
	 * municipality is seen whole by the region; a school sees its own only). */
	size_t mcap = 0;
	for (size_t a = 0; a < ns; a++) {
		const struct medal_school *m = &out->schools[a];
		if (!m->visible || !m->municipality_id || sc->kind == SCOPE_SCHOOL)
			continue;
		area(&out->muns, &out->nmuns, &mcap, m->municipality_id, m->municipality);
	}
	for (size_t i = 0; i < out->nmuns; i++) {
		struct medal_area *mu = &out->muns[i];
		for (size_t a = 0; a < ns; a++)
			if (out->schools[a].municipality_id == mu->id)
				add_counts(&mu->st, &out->schools[a].st);
		mu->st.rate = mu->st.checked ? (double)mu->st.below / (double)mu->st.checked : NAN;
	}
	if (out->nmuns > 1)
		qsort(out->muns, out->nmuns, sizeof *out->muns, cmp_area_name);
	/* Schools by name; the pupils follow their school's new place. */
	if (ns > 1)
		qsort(out->schools, ns, sizeof *out->schools, cmp_school_name);
	for (size_t a = 0; a < ns; a++) {
		int64_t id = out->schools[a].id;
		hmap_put(&sp.ids, (const char *)&id, sizeof id, (int64_t)a);
	}
	for (size_t i = 0; i < out->npupils; i++) {
		int64_t v = 0;
		hmap_get(&sp.ids, (const char *)&sp.school_of[i], sizeof sp.school_of[i], &v);
		out->pupils[i].school = (size_t)v;
	}
done:
	free(all);
	free(sp.ys);
	free(sp.school_of);
	free(sp.regs);
	hmap_free(&sp.ids);
	if (rc)
		medal_index_free(out);
	return rc;
}

int medal_index(struct db *d, int year, const struct scope *sc, struct medal_index *out)
{
	return medal_index_span(d, year, year, sc, out);
}

int medal_span_default(struct db *d, int *from, int *to)
{
	int *ys = NULL;
	size_t n = 0;
	*from = *to = 0;
	int rc = medal_years(d, &ys, &n);
	if (!rc && n) {
		*to = ys[0];
		*from = ys[0] - (MEDAL_SPAN_YEARS - 1);
		/* Not before the first year with medalists: the span is said in words. */
		if (*from < ys[n - 1])
			*from = ys[n - 1];
	}
	free(ys);
	return rc;
}

int medal_school_span(struct db *d, int64_t school_id, int from, int to, int *first, int *last,
		      size_t *nyears, struct stat_medal_school *st, double *region_rate, bool *found)
{
	*found = false;
	*first = *last = 0;
	*nyears = 0;
	memset(st, 0, sizeof *st);
	*region_rate = NAN;
	struct scope one = { .kind = SCOPE_SCHOOL, .id = school_id };
	struct medal_index x;
	int rc = medal_index_span(d, from, to, &one, &x);
	if (rc)
		return rc;
	for (size_t a = 0; a < x.nschools; a++)
		if (x.schools[a].id == school_id) {
			*st = x.schools[a].st;
			*found = true;
		}
	if (x.nregions)
		*region_rate = x.regions[0].st.rate;
	if (x.nyears) {
		*first = x.years[0];
		*last = x.years[x.nyears - 1];
	}
	for (size_t j = 0; j < x.nyears; j++)
		for (size_t i = 0; i < x.npupils; i++)
			if (x.pupils[i].year == x.years[j] && x.schools[x.pupils[i].school].id == school_id) {
				(*nyears)++;
				break;
			}
	medal_index_free(&x);
	return 0;
}

int medal_school_latest(struct db *d, int64_t school_id, int *year, struct stat_medal_school *st,
			double *region_rate, bool *found)
{
	*found = false;
	*year = 0;
	memset(st, 0, sizeof *st);
	*region_rate = NAN;
	int64_t y = 0;
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT max(year) FROM medalist WHERE school_id = ?");
	if (rc)
		return rc;
	if (!(rc = db_bind_int(s, 1, school_id)) && (rc = db_step(s)) == DB_ROW && !db_col_null(s, 0))
		y = db_col_int(s, 0);
	rc = model_done(rc);
	db_reset(s);
	if (rc || !y)
		return rc;
	int first, last;
	size_t ny;
	if ((rc = medal_school_span(d, school_id, (int)y, (int)y, &first, &last, &ny, st, region_rate,
				    found)))
		return rc;
	*year = (int)y;
	return 0;
}
