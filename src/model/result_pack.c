/* model/result_pack: see result_pack.h. */
#include "model/result_pack.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

/* Row flags (the first byte of a row). */
enum {
	PF_ABSENT = 1 << 0,
	PF_SCORED = 1 << 1,
	PF_CLASS = 1 << 2,
	PF_PROBLEMS = 1 << 3,
	PF_EXAM = 1 << 4,
	PF_JOURNAL_SHIFT = 5, /* bits 5-7: the journal mark, 0 for none */
};

static size_t put_text(struct pack_set *s, const char *t)
{
	size_t n = strlen(t) + 1, at = s->ntext;
	s->text = xgrow(s->text, &s->captext, at + n, 1);
	memcpy(s->text + at, t, n);
	s->ntext = at + n;
	return at;
}

/* An unsigned LEB128 number: 7 bits a byte, low first, the high bit set on all but the
 * last. At most 5 bytes for 32 bits. */
static size_t put_uv(uint8_t *p, uint32_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Reads one from p (before end) into *v: the byte after it, or NULL when cut short. */
static const uint8_t *get_uv(const uint8_t *p, const uint8_t *end, uint32_t *v)
{
	uint32_t x = 0;
	for (int sh = 0; sh < 35 && p < end; sh += 7) {
		uint8_t b = *p++;
		x |= (uint32_t)(b & 0x7F) << sh;
		if (!(b & 0x80)) {
			*v = x;
			return p;
		}
	}
	return NULL;
}

void pack_set_add(struct pack_set *s, const char *code, const struct result_row *r)
{
	s->e = xgrow(s->e, &s->cap, s->n + 1, sizeof *s->e);
	struct pack_ent *e = &s->e[s->n++];
	e->school = r->school_id;
	e->code = put_text(s, code);
	/* A school's rows mostly come a class at a time: the row before's name is kept once,
	 * and pack_set_emit tells the same class by the same offset before comparing names. */
	const char *cname = r->class_name ? r->class_name : "";
	const struct pack_ent *prev = s->n > 1 ? e - 1 : NULL;
	if (prev && prev->school == e->school && !strcmp(s->text + prev->cls, cname))
		e->cls = prev->cls;
	else
		e->cls = put_text(s, cname);
	/* All but the class, whose number follows the flags once the school's blob is made:
	 * flags, then the fields the flags say are there, then ncells and the cells. */
	int nc = r->cells ? r->ncells : 0;
	e->row = s->nbytes;
	s->bytes = xgrow(s->bytes, &s->capbytes, s->nbytes + 1 + 3 * 5 + 1 + (size_t)nc, 1);
	uint8_t *p = s->bytes + e->row, *o = p + 1;
	unsigned f = (r->absent ? PF_ABSENT : 0) | (s->text[e->cls] ? PF_CLASS : 0) |
		     (unsigned)(r->journal_mark & 7) << PF_JOURNAL_SHIFT;
	if (r->scored) {
		f |= PF_SCORED; /* zigzag: a stored score is never negative, but may be */
		int32_t v = r->primary_score;
		o += put_uv(o, (uint32_t)v << 1 ^ (uint32_t)(v >> 31));
	}
	if (r->problems) {
		f |= PF_PROBLEMS;
		o += put_uv(o, r->problems);
	}
	if (r->exam_mark) {
		f |= PF_EXAM;
		*o++ = (uint8_t)r->exam_mark;
	}
	o += put_uv(o, (uint32_t)nc);
	if (nc)
		memcpy(o, r->cells, (size_t)nc);
	o += nc;
	p[0] = (uint8_t)f;
	e->len = (size_t)(o - p);
	s->nbytes += e->len;
}

void pack_set_filter(struct pack_set *s, bool (*drop)(void *ctx, int64_t school), void *ctx)
{
	size_t k = 0;
	bool dropped = false;
	for (size_t i = 0; i < s->n; i++) {
		if (!i || s->e[i].school != s->e[i - 1].school) /* asked once a run of a school */
			dropped = drop(ctx, s->e[i].school);
		if (!dropped)
			s->e[k++] = s->e[i];
	}
	s->n = k; /* their text and bytes stay, unreferenced */
}

void pack_set_clear(struct pack_set *s)
{
	s->n = s->ntext = s->nbytes = 0;
}

void pack_set_free(struct pack_set *s)
{
	free(s->e);
	free(s->text);
	free(s->bytes);
	memset(s, 0, sizeof *s);
}

/* qsort has no context argument: the set's text, per thread (the analysis's workers). */
static _Thread_local const char *tl_text;

static int ent_cmp_tl(const void *a, const void *b)
{
	const struct pack_ent *x = a, *y = b;
	if (x->school != y->school)
		return x->school < y->school ? -1 : 1;
	return strcmp(tl_text + x->code, tl_text + y->code);
}

/* Sorts the set by school, then code — usually it is nearly so (an import stores a
 * school's rows together; the result table gives them in this order), so what is in
 * order already is only checked. */
static void pack_set_sort(struct pack_set *s)
{
	tl_text = s->text;
	size_t i = 1;
	while (i < s->n && ent_cmp_tl(&s->e[i - 1], &s->e[i]) <= 0)
		i++;
	if (i < s->n)
		qsort(s->e, s->n, sizeof *s->e, ent_cmp_tl);
}

int pack_set_emit(struct pack_set *s, int (*fn)(void *ctx, int64_t school, const uint8_t *blob,
						 size_t n),
		  void *ctx)
{
	pack_set_sort(s);
	uint8_t *blob = NULL;
	size_t cap = 0;
	size_t *cls = NULL, ccap = 0; /* the school's classes: offsets into text */
	int rc = 0;
	for (size_t a = 0; a < s->n && !rc;) {
		size_t b = a;
		while (b < s->n && s->e[b].school == s->e[a].school)
			b++;
		/* the classes, in the order of their first row */
		size_t ncls = 0, nb = 5, last = 0;
		for (size_t i = a; i < b; i++) {
			const char *c = s->text + s->e[i].cls;
			if (!*c)
				continue;
			if (ncls && (cls[last] == s->e[i].cls || !strcmp(s->text + cls[last], c)))
				continue;
			size_t k = 0;
			while (k < ncls && strcmp(s->text + cls[k], c))
				k++;
			if (k == ncls) {
				cls = xgrow(cls, &ccap, ncls + 1, sizeof *cls);
				cls[ncls++] = s->e[i].cls;
				nb += 5 + strlen(c) + 1;
			}
			last = k;
		}
		for (size_t i = a; i < b; i++)
			nb += 5 + s->e[i].len; /* the row and its class's number */
		blob = xgrow(blob, &cap, nb + 5, 1);
		uint8_t *p = blob;
		p += put_uv(p, (uint32_t)ncls);
		for (size_t k = 0; k < ncls; k++) {
			const char *c = s->text + cls[k];
			size_t l = strlen(c) + 1;
			p += put_uv(p, (uint32_t)l);
			memcpy(p, c, l);
			p += l;
		}
		last = 0;
		for (size_t i = a; i < b; i++) {
			const struct pack_ent *e = &s->e[i];
			const uint8_t *r = s->bytes + e->row;
			const char *c = s->text + e->cls;
			*p++ = r[0];
			if (*c) {
				if (cls[last] != e->cls && strcmp(s->text + cls[last], c))
					for (last = 0; strcmp(s->text + cls[last], c); last++)
						;
				p += put_uv(p, (uint32_t)last);
			}
			memcpy(p, r + 1, e->len - 1);
			p += e->len - 1;
		}
		if (!rc)
			rc = fn(ctx, s->e[a].school, blob, (size_t)(p - blob));
		a = b;
	}
	free(blob);
	free(cls);
	return rc;
}

int pack_set_read(struct db *d, int64_t procedure_id, int64_t school_id, struct pack_set *s)
{
	struct result_scan *it = NULL;
	int rc = result_scan_open(d, procedure_id, school_id, RESULT_SCAN_FULL, &it);
	if (rc)
		return rc;
	struct result_row r;
	while ((rc = result_scan_next(it, &r)) == 1)
		pack_set_add(s, r.code, &r);
	result_scan_close(it);
	return rc;
}

struct store_ctx {
	struct db_copy *cp;
	int64_t procedure_id;
};

static int store_one(void *ctx, int64_t school, const uint8_t *blob, size_t n)
{
	struct store_ctx *c = ctx;
	int rc;
	if ((rc = db_copy_int(c->cp, c->procedure_id)) || (rc = db_copy_int(c->cp, school)) ||
	    (rc = db_copy_blob(c->cp, blob, n)))
		return rc;
	return db_copy_row(c->cp);
}

int pack_set_store(struct db *d, int64_t procedure_id, struct pack_set *s, struct db_copy *cp)
{
	if (!s->n)
		return 0;
	struct store_ctx c = { cp, procedure_id };
	int rc = cp ? 0 : db_copy_open(d, &c.cp, "result_pack", PACK_COLS, 3);
	if (rc)
		return rc;
	rc = pack_set_emit(s, store_one, &c);
	int e = cp ? 0 : db_copy_close(c.cp);
	return rc ? rc : e;
}

int result_pack_packed(struct db *d, int64_t procedure_id, bool *packed)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT 1 FROM result_unpacked WHERE procedure_id = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)))
		return rc;
	rc = db_step(s);
	*packed = rc == DB_DONE;
	db_reset(s);
	return rc < 0 ? rc : 0;
}

int result_pack_each(struct db *d, int64_t procedure_id,
		     int (*fn)(void *ctx, const struct result_row *row), void *ctx)
{
	bool packed = false;
	int rc = result_pack_packed(d, procedure_id, &packed);
	if (rc)
		return rc;
	if (!packed)
		return result_scan_each(d, procedure_id, fn, ctx);
	struct db_stmt *s = NULL;
	if ((rc = db_prepare(d, &s, "SELECT school_id, data FROM result_pack WHERE procedure_id = ?"
				    " ORDER BY school_id")) ||
	    (rc = db_bind_int(s, 1, procedure_id))) {
		db_finalize(s);
		return rc;
	}
	const char **cls = NULL;
	size_t ccap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		size_t n = 0;
		const uint8_t *p = db_col_blob(s, 1, &n), *end = p + n;
		struct result_row r = { .school_id = db_col_int(s, 0), .code = "", .gender = "",
					.stated_total = -1, .test_score = -1 };
		uint32_t ncls, v;
		rc = ERR_INVALID; /* a blob cut short or not of this form */
		if (!n || !(p = get_uv(p, end, &ncls)))
			break;
		cls = xgrow(cls, &ccap, (size_t)ncls + 1, sizeof *cls);
		for (uint32_t k = 0; k < ncls; k++) {
			if (!(p = get_uv(p, end, &v)) || v < 1 || (size_t)(end - p) < v || p[v - 1])
				goto out;
			cls[k] = (const char *)p;
			p += v;
		}
		while (p < end) {
			unsigned f = *p++;
			r.absent = f & PF_ABSENT;
			r.scored = (f & PF_SCORED) != 0;
			r.journal_mark = (int)(f >> PF_JOURNAL_SHIFT);
			r.class_name = "";
			if (f & PF_CLASS) {
				if (!(p = get_uv(p, end, &v)) || v >= ncls)
					goto out;
				r.class_name = cls[v];
			}
			r.primary_score = -1;
			if (f & PF_SCORED) {
				if (!(p = get_uv(p, end, &v)))
					goto out;
				r.primary_score = (int32_t)(v >> 1 ^ (uint32_t)-(int32_t)(v & 1));
			}
			r.problems = 0;
			if ((f & PF_PROBLEMS) && !(p = get_uv(p, end, &r.problems)))
				goto out;
			r.exam_mark = 0;
			if (f & PF_EXAM) {
				if (p == end)
					goto out;
				r.exam_mark = *p++;
			}
			if (!(p = get_uv(p, end, &v)) || (size_t)(end - p) < v)
				goto out;
			r.ncells = (int)v;
			r.cells = v ? p : NULL;
			p += v;
			if ((rc = fn(ctx, &r)))
				goto out;
			rc = ERR_INVALID;
		}
		rc = 0;
	}
	if (rc == DB_DONE)
		rc = 0;
out:
	free(cls);
	db_finalize(s);
	return rc;
}

int result_unpacked(struct db *d, int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	size_t cap = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT procedure_id FROM result_unpacked ORDER BY procedure_id");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		*ids = xgrow(*ids, &cap, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = db_col_int(s, 0);
	}
	db_finalize(s);
	if (rc < 0) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return rc;
	}
	return 0;
}

static int exec_id(struct db *d, const char *sql, int64_t id)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, sql);
	if (!rc && !(rc = db_bind_int(s, 1, id)))
		rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int result_pack_procedure(struct db *d, int64_t procedure_id)
{
	struct pack_set ps = { 0 };
	struct result_scan *it = NULL;
	struct db_copy *cp = NULL;
	int rc;
	if ((rc = exec_id(d, "DELETE FROM result_pack WHERE procedure_id = ?", procedure_id)) ||
	    (rc = result_scan_open(d, procedure_id, 0, RESULT_SCAN_FULL, &it)) ||
	    (rc = db_copy_open(d, &cp, "result_pack", PACK_COLS, 3)))
		goto out;
	/* The rows come by school: the blobs go PACK_FLUSH bytes of rows at a time. */
	struct result_row r;
	int64_t last = 0;
	while ((rc = result_scan_next(it, &r)) == 1) {
		if (r.school_id != last && ps.nbytes >= PACK_FLUSH) {
			rc = pack_set_store(d, procedure_id, &ps, cp);
			pack_set_clear(&ps);
			if (rc)
				goto out;
		}
		last = r.school_id;
		pack_set_add(&ps, r.code, &r);
	}
	if (rc || (rc = pack_set_store(d, procedure_id, &ps, cp)))
		goto out;
	rc = db_copy_close(cp);
	cp = NULL;
	if (!rc)
		rc = exec_id(d, "DELETE FROM result_unpacked WHERE procedure_id = ?", procedure_id);
out:
	db_copy_close(cp);
	result_scan_close(it);
	pack_set_free(&ps);
	return rc;
}

/* The stored blobs of a procedure, schools ascending, for the comparison. */
struct stored {
	int64_t *school;
	uint8_t **blob;
	size_t *len;
	size_t n, cap, at;
	long bad;
};

static int compare_one(void *ctx, int64_t school, const uint8_t *blob, size_t n)
{
	struct stored *st = ctx;
	while (st->at < st->n && st->school[st->at] < school) {
		st->bad++; /* a blob with no rows */
		st->at++;
	}
	if (st->at < st->n && st->school[st->at] == school) {
		if (st->len[st->at] != n || memcmp(st->blob[st->at], blob, n))
			st->bad++;
		st->at++;
	} else {
		st->bad++; /* rows with no blob */
	}
	return 0;
}

int result_pack_verify(struct db *d, int64_t procedure_id, long *bad)
{
	*bad = 0;
	bool packed = false;
	struct stored st = { 0 };
	struct pack_set ps = { 0 };
	struct db_stmt *s = NULL;
	size_t cap2 = 0, cap3 = 0;
	int rc = result_pack_packed(d, procedure_id, &packed);
	if (rc || (rc = db_prepare(d, &s, "SELECT school_id, data FROM result_pack"
					  " WHERE procedure_id = ? ORDER BY school_id")) ||
	    (rc = db_bind_int(s, 1, procedure_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		size_t n = 0;
		const uint8_t *b = db_col_blob(s, 1, &n);
		st.school = xgrow(st.school, &st.cap, st.n + 1, sizeof *st.school);
		st.blob = xgrow(st.blob, &cap2, st.n + 1, sizeof *st.blob);
		st.len = xgrow(st.len, &cap3, st.n + 1, sizeof *st.len);
		st.school[st.n] = db_col_int(s, 0);
		st.blob[st.n] = xmalloc(n ? n : 1);
		if (n)
			memcpy(st.blob[st.n], b, n);
		st.len[st.n++] = n;
	}
	if (rc != DB_DONE)
		goto out;
	rc = 0;
	if (!packed) {
		st.bad = (long)st.n;
	} else {
		if ((rc = pack_set_read(d, procedure_id, 0, &ps)) ||
		    (rc = pack_set_emit(&ps, compare_one, &st)))
			goto out;
		st.bad += (long)(st.n - st.at);
	}
	*bad = st.bad;
out:
	db_finalize(s);
	for (size_t i = 0; i < st.n; i++)
		free(st.blob[i]);
	free(st.school);
	free(st.blob);
	free(st.len);
	pack_set_free(&ps);
	return rc;
}
