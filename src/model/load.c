/* model/load: schools and one procedure's works from the database into stats columns. */
#include "model/load.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "model/result.h"
#include "model/result_pack.h"

int load_schools(struct db *d, struct load_schools *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int64_t maxid = 0;
	int rc = db_prepare(d, &st,
			    "SELECT s.id, s.login, s.name, coalesce(m.name, ''), s.kind, s.indepth "
			    "FROM school s LEFT JOIN municipality m ON m.id = s.municipality_id "
			    "ORDER BY s.login");
	if (rc)
		goto out;
	while ((rc = db_step(st)) == DB_ROW) {
		out->s = xgrow(out->s, &cap, out->n + 1, sizeof *out->s);
		struct load_school *x = &out->s[out->n++];
		x->id = db_col_int(st, 0);
		x->login = xstrdup(db_col_text(st, 1));
		x->name = xstrdup(db_col_text(st, 2));
		x->municipality = xstrdup(db_col_text(st, 3));
		x->kind = xstrdup(db_col_text(st, 4));
		x->indepth = db_col_int(st, 5) != 0;
		if (x->id > maxid)
			maxid = x->id;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (out->n > UINT32_MAX - 1) {
		rc = ERR_LIMIT;
		goto out;
	}
	out->nid = (size_t)maxid + 1;
	out->by_id = xcalloc(out->nid, sizeof *out->by_id);
	for (size_t i = 0; i < out->n; i++)
		if (out->s[i].id >= 0)
			out->by_id[out->s[i].id] = (uint32_t)(i + 1);
out:
	db_finalize(st);
	if (rc)
		load_schools_free(out);
	return rc;
}

void load_schools_free(struct load_schools *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->s[i].login);
		free(s->s[i].name);
		free(s->s[i].municipality);
		free(s->s[i].kind);
	}
	free(s->s);
	free(s->by_id);
	memset(s, 0, sizeof *s);
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

int load_procedures(struct db *d, struct load_procinfo **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	struct db_stmt *st = NULL;
	/* EXISTS, not count(*): the result table keeps whole rows in its primary-key b-tree,
	 * so counting a procedure's rows reads all of them (nationally 4 s, serial, before
	 * any worker starts); one row per procedure tells the same. */
	int rc = db_prepare(d, &st,
			    "SELECT p.id, p.code, p.kind, p.year, p.subject, p.grade, p.max_score "
			    "FROM procedure p "
			    "WHERE EXISTS (SELECT 1 FROM result r WHERE r.procedure_id = p.id) "
			    "ORDER BY p.kind, p.subject, p.grade, p.year");
	if (rc)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		struct load_procinfo *p = &(*out)[(*n)++];
		memset(p, 0, sizeof *p);
		p->id = db_col_int(st, 0);
		copy_text(p->code, sizeof p->code, db_col_text(st, 1));
		copy_text(p->kind, sizeof p->kind, db_col_text(st, 2));
		p->year = (int)db_col_int(st, 3);
		copy_text(p->subject, sizeof p->subject, db_col_text(st, 4));
		p->grade = (int)db_col_int(st, 5);
		p->max_score = (int)db_col_int(st, 6);
	}
	db_finalize(st);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	return 0;
}

/* result_cells_clip copies X and empty cells as they are into the statistics' columns. */
_Static_assert((int)SCORE_X == (int)STAT_POS_X && (int)SCORE_EMPTY == (int)STAT_POS_EMPTY,
	       "stored and statistics cell markers differ");

/* The classes of the school being read: name -> class index. */
struct cls {
	char name[64];
	uint32_t id;
};

static char level_code(const char *lv)
{
	if (!strcmp(lv, "Б"))
		return 'B';
	if (!strcmp(lv, "П"))
		return 'P';
	if (!strcmp(lv, "В"))
		return 'H';
	return 0;
}

/* Reads the procedure's metadata and positions into p (allocated here). */
static int load_meta(struct db *d, int64_t proc_id, unsigned flags, struct stat_proc **out)
{
	struct db_stmt *st = NULL;
	struct stat_proc *p = NULL;
	int rc = db_prepare(d, &st,
			    "SELECT code, kind, year, subject, grade, max_score, scale3, scale4, scale5 "
			    "FROM procedure WHERE id = ?");
	if (rc)
		goto out;
	db_bind_int(st, 1, proc_id);
	if ((rc = db_step(st)) != DB_ROW) {
		rc = rc < 0 ? rc : ERR_NOTFOUND;
		goto out;
	}
	int max = (int)db_col_int(st, 5);
	if (max < 1 || max > STAT_MAX_SCORE) {
		rc = ERR_INVALID;
		goto out;
	}
	int pos_max[STAT_MAX_POS];
	char pos_level[STAT_MAX_POS];
	int npos = 0, sum = 0;
	struct db_stmt *ps = NULL;
	if ((rc = db_prepare(d, &ps, "SELECT idx, max, coalesce(level, '') FROM position "
				     "WHERE procedure_id = ? ORDER BY idx")))
		goto out;
	db_bind_int(ps, 1, proc_id);
	bool dense = true;
	while ((rc = db_step(ps)) == DB_ROW) {
		if (npos >= STAT_MAX_POS || db_col_int(ps, 0) != npos) {
			dense = false;
			break;
		}
		pos_max[npos] = (int)db_col_int(ps, 1);
		pos_level[npos] = level_code(db_col_text(ps, 2));
		sum += pos_max[npos];
		npos++;
	}
	db_finalize(ps);
	if (rc < 0)
		goto out;
	rc = 0;
	/* Positions are usable only when they are exactly the work's positions. */
	bool use_pos = dense && npos > 0 && sum == max;
	unsigned cols = STAT_COL_JOURNAL;
	if (flags & LOAD_CLASS)
		cols |= STAT_COL_CLASS;
	if ((flags & LOAD_POS) && use_pos)
		cols |= STAT_COL_POS;
	p = stat_proc_new(use_pos ? npos : 0, cols);
	copy_text(p->code, sizeof p->code, db_col_text(st, 0));
	copy_text(p->kind, sizeof p->kind, db_col_text(st, 1));
	p->year = (int)db_col_int(st, 2);
	copy_text(p->subject, sizeof p->subject, db_col_text(st, 3));
	p->grade = (int)db_col_int(st, 4);
	p->max_score = max;
	if (!db_col_null(st, 6) && !db_col_null(st, 7) && !db_col_null(st, 8)) {
		int a = (int)db_col_int(st, 6), b = (int)db_col_int(st, 7), c = (int)db_col_int(st, 8);
		if (0 < a && a < b && b < c && c <= max) {
			p->has_scale = true;
			p->scale[0] = a;
			p->scale[1] = b;
			p->scale[2] = c;
		}
	}
	if (use_pos) {
		for (int k = 0; k < npos; k++) {
			p->pos_max[k] = pos_max[k];
			p->pos_level[k] = pos_level[k];
		}
	}
	*out = p;
	p = NULL;
out:
	db_finalize(st);
	stat_proc_free(p);
	return rc;
}

void load_classes_free(struct load_classes *c)
{
	free(c->name);
	free(c->school);
	memset(c, 0, sizeof *c);
}

/* Records class index c = names->n: its school index and name. */
static void class_named(struct load_classes *names, size_t *cap, uint32_t school, const char *name)
{
	if (!names)
		return;
	size_t c = names->n, had = *cap;
	names->school = xgrow(names->school, cap, c + 1, sizeof *names->school);
	if (*cap != had) /* the names grow with the schools' array, not a class at a time */
		names->name = xrealloc(names->name, *cap * sizeof *names->name);
	names->school[c] = school;
	copy_text(names->name[c], sizeof names->name[c], name);
	names->n = c + 1;
}

int load_proc(struct db *d, const struct load_schools *sc, int64_t proc_id, unsigned flags,
	      struct stat_proc **out, struct load_stats *st)
{
	return load_proc_classes(d, sc, proc_id, flags, out, st, NULL);
}

/* The loader's state while the rows of one procedure come (load_row). */
struct loader {
	struct stat_proc *p;
	struct load_stats *st;
	struct load_classes *names;
	const struct load_schools *sc;
	struct result_clip clip;
	size_t namecap, cap;
	struct cls *cl;
	size_t ncl, clcap;
	int64_t cur_school;
	uint32_t cur_ix;
	int64_t pseudo; /* class id of the current school's works without a class */
	size_t last;    /* index in cl of the last named class read (none when ≥ ncl) */
};

static int load_row(void *ctx, const struct result_row *r)
{
	struct loader *L = ctx;
	struct stat_proc *p = L->p;
	struct load_stats *st = L->st;
	st->rows++;
	if (r->absent) {
		st->absent++;
		return 0;
	}
	if (r->school_id != L->cur_school) {
		/* A school's rows come together, schools ascending (the primary key's order, which
		 * SQLite's db_each gives by its scan alone): a school seen again would split its
		 * classes. */
		if (r->school_id < L->cur_school)
			return ERR_INVALID;
		int64_t ix = load_school_index(L->sc, r->school_id);
		if (ix < 0)
			return ERR_INVALID; /* the foreign key makes this impossible */
		L->cur_school = r->school_id;
		L->cur_ix = (uint32_t)ix;
		L->ncl = 0;
		L->pseudo = -1;
	}
	if (!r->scored) {
		st->no_score++;
		return 0;
	}
	int score = r->primary_score;
	if (score < 0 || score > p->max_score) {
		st->over_max++;
		return 0;
	}
	if (r->problems & LOAD_EXCLUDED) {
		st->marked++;
		return 0;
	}
	/* A cell above its position's maximum (RP_SCORE_OVER_MAX) with a total within the
	 * maximum: the row keeps its primary score; the cell is read as unreadable. */
	bool cell_over = (r->problems & RP_SCORE_OVER_MAX) != 0;
	int npos = p->npos;
	if (npos && p->pos && r->ncells != npos) {
		st->no_score++;
		return 0;
	}
	if (p->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 4096;
		stat_proc_reserve(p, L->cap);
	}
	size_t i = p->n++;
	p->school[i] = L->cur_ix;
	p->score[i] = (int16_t)score;
	int jm = r->journal_mark;
	p->journal[i] = (int8_t)(jm >= 2 && jm <= 5 ? jm : 0);
	/* The exam mark the results stated (ОГЭ, ГВЭ): the column exists from the first
	 * one on, the works before it zeroed (stat_proc_reserve grows it with the rest). */
	if (r->exam_mark >= 2 && r->exam_mark <= 5 && !p->mark)
		p->mark = xcalloc(p->cap, sizeof *p->mark);
	if (p->mark)
		p->mark[i] = (int8_t)(r->exam_mark >= 2 && r->exam_mark <= 5 ? r->exam_mark : 0);
	if (p->pos && result_clip_row(&L->clip, r->cells, STAT_POS_EMPTY, p->pos + i * (size_t)npos,
				      &st->not_taught))
		cell_over = true;
	st->cells_over += cell_over;
	if (p->class_id) {
		const char *cn = r->class_name;
		int64_t id = -1;
		if (!*cn) {
			if (L->pseudo < 0) {
				class_named(L->names, &L->namecap, L->cur_ix, "");
				L->pseudo = (int64_t)p->nclasses++;
			}
			id = L->pseudo;
		} else {
			/* Rows come by school and code, and a class's codes mostly follow
			 * one another: the class of the row before is tried first. */
			struct cls *cl = L->cl;
			size_t ncl = L->ncl;
			if (L->last < ncl && !strcmp(cl[L->last].name, cn))
				id = cl[L->last].id;
			for (size_t k = 0; k < ncl && id < 0; k++)
				if (!strcmp(cl[k].name, cn)) {
					id = cl[k].id;
					L->last = k;
				}
			if (id < 0) {
				cl = L->cl = xgrow(L->cl, &L->clcap, ncl + 1, sizeof *cl);
				copy_text(cl[ncl].name, sizeof cl[ncl].name, cn);
				class_named(L->names, &L->namecap, L->cur_ix, cn);
				cl[ncl].id = (uint32_t)p->nclasses++;
				L->last = ncl;
				id = cl[L->ncl++].id;
			}
		}
		p->class_id[i] = (uint32_t)id;
	}
	return 0;
}

int load_proc_classes(struct db *d, const struct load_schools *sc, int64_t proc_id, unsigned flags,
		      struct stat_proc **out, struct load_stats *st, struct load_classes *names)
{
	*out = NULL;
	if (names)
		memset(names, 0, sizeof *names);
	memset(st, 0, sizeof *st);
	struct loader L = { .st = st, .names = names, .sc = sc, .cur_school = -1, .pseudo = -1 };
	int rc = load_meta(d, proc_id, flags, &L.p);
	if (rc)
		return rc;
	L.p->nschools = sc->n;
	result_clip_init(&L.clip, L.p->pos_max, L.p->pos ? L.p->npos : 0);
	if ((rc = result_pack_each(d, proc_id, load_row, &L)))
		goto out;
	st->works = L.p->n;
	*out = L.p;
	L.p = NULL;
out:
	free(L.cl);
	stat_proc_free(L.p);
	if (rc && names)
		load_classes_free(names);
	return rc;
}
