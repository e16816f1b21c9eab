/* model/teacher: teachers, assignments and a run's teachers (see the header). */
#include "model/teacher.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "model/keys.h"
#include "model/rows.h"

bool teacher_may_read_names(const struct user *u, int64_t school_id)
{
	return pupil_may_read_names(u, school_id);
}

/* Names are padded to one length before sealing (as pupils' names, model/pupil.c), so the
 * ciphertext does not tell a short name from a long one; the associated data names the kind
 * of value and the school, so a sealed teacher's name opens neither as a pupil's name nor
 * in another school's row. */
#define NAME_BUCKET 256

static void name_ad(int64_t school_id, char *ad, size_t n)
{
	snprintf(ad, n, "oko-teacher-name:%lld", (long long)school_id);
}

static int name_seal(const uint8_t key[KEYS_BYTES], int64_t school_id, const char *name,
		     uint8_t **sealed, size_t *sn)
{
	char ad[64];
	name_ad(school_id, ad, sizeof ad);
	return keys_seal_padded(key, ad, name, NAME_BUCKET, sealed, sn);
}

/* Opens a sealed name into out (n bytes). */
static int name_open(const uint8_t key[KEYS_BYTES], int64_t school_id, const void *sealed,
		     size_t sn, char *out, size_t n)
{
	char ad[64];
	char *plain = NULL;
	size_t pn = 0;
	name_ad(school_id, ad, sizeof ad);
	int rc = keys_open_padded(key, ad, sealed, sn, NAME_BUCKET, &plain, &pn);
	if (rc)
		return rc;
	str_copy_utf8(out, n, plain);
	keys_wipe(plain, pn);
	free(plain);
	return 0;
}

static void name_tag(const uint8_t key[KEYS_BYTES], const char *name, uint8_t tag[KEYS_TAG_BYTES])
{
	struct buf b = BUF_INIT, f = BUF_INIT;
	buf_puts(&b, "teacher");
	buf_putc(&b, 0x1f);
	str_fold(name, strlen(name), &f);
	buf_puts(&b, buf_str(&f));
	keys_tag(key, b.p, b.len, tag);
	keys_wipe(b.p, b.len);
	keys_wipe(f.p, f.len);
	buf_free(&b);
	buf_free(&f);
}

/* Teachers' names as keys_reseal handles them. */
static int kind_open(const uint8_t key[KEYS_BYTES], int64_t school_id, const void *sealed, size_t n,
		     char **plain, size_t *pn, bool *stale)
{
	char ad[64];
	name_ad(school_id, ad, sizeof ad);
	*stale = false;
	return keys_open_padded(key, ad, sealed, n, NAME_BUCKET, plain, pn);
}

static void kind_tag(const uint8_t key[KEYS_BYTES], const char *context, const char *name,
		     uint8_t tag[KEYS_TAG_BYTES])
{
	(void)context;
	name_tag(key, name, tag);
}

int teacher_rekey(struct db *d, int64_t school_id, const uint8_t *old, const uint8_t *fresh, long *n,
		  char *msg, size_t msglen)
{
	static const struct keys_sealed_kind teacher_names = {
		.what = "ФИО учителя", .open = kind_open, .seal = name_seal, .tag = kind_tag,
	};
	struct db_stmt *sel = NULL, *upd = NULL;
	*n = 0;
	int rc = db_prepare(d, &sel, "SELECT id, school_id, name_enc, '' FROM teacher WHERE school_id = ? "
				     "ORDER BY id");
	if (!rc)
		rc = db_prepare(d, &upd, "UPDATE teacher SET name_enc = ?1, name_tag = ?2 WHERE id = ?3");
	if (!rc) {
		db_bind_int(sel, 1, school_id);
		rc = keys_reseal(d, sel, upd, &teacher_names, old, fresh, n, msg, msglen);
	}
	db_finalize(sel);
	db_finalize(upd);
	return rc;
}

int teacher_put(struct db *d, int64_t school_id, const char *name, int64_t *id, bool *created,
		char *msg, size_t msglen)
{
	uint8_t key[KEYS_BYTES], tag[KEYS_TAG_BYTES];
	uint8_t *sealed = NULL;
	size_t sn = 0;
	struct db_stmt *s = NULL;
	*created = false;
	int rc = keys_school(d, school_id, true, key, msg, msglen);
	if (rc)
		return rc;
	name_tag(key, name, tag);
	if ((rc = db_cached(d, &s, "SELECT id FROM teacher WHERE school_id = ? AND name_tag = ?")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_blob(s, 2, tag, sizeof tag);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		db_reset(s);
		rc = 0;
		goto out;
	}
	db_reset(s);
	if (rc < 0)
		goto out;
	if ((rc = name_seal(key, school_id, name, &sealed, &sn)))
		goto out;
	if ((rc = db_cached(d, &s, "INSERT INTO teacher (school_id, name_enc, name_tag) VALUES (?, ?, ?)")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_blob(s, 2, sealed, sn);
	db_bind_blob(s, 3, tag, sizeof tag);
	rc = db_step(s);
	db_reset(s);
	if (rc < 0) {
		snprintf(msg, msglen, "не удалось сохранить учителя: %s", db_errmsg(d));
		goto out;
	}
	rc = 0;
	*id = db_last_id(d);
	*created = true;
out:
	keys_wipe(key, sizeof key);
	free(sealed);
	return rc;
}

int teacher_assign(struct db *d, int64_t school_id, int64_t procedure_id, const char *class_name,
		   int64_t teacher_id)
{
	struct db_stmt *s = NULL;
	int rc = teacher_id
		? db_prepare(d, &s, "INSERT INTO class_teacher (school_id, procedure_id, class, teacher_id)"
				    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (school_id, procedure_id, class)"
				    " DO UPDATE SET teacher_id = excluded.teacher_id")
		: db_prepare(d, &s, "DELETE FROM class_teacher WHERE school_id = ?1 AND procedure_id = ?2"
				    " AND class = ?3");
	if (rc)
		return rc;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, procedure_id);
	db_bind_text(s, 3, class_name, -1);
	if (teacher_id)
		db_bind_int(s, 4, teacher_id);
	rc = model_done(db_step(s));
	db_finalize(s);
	return rc;
}

static void read_assign(struct db_stmt *s, void *item)
{
	struct teacher_assign *a = item;
	a->school_id = db_col_int(s, 0);
	a->procedure_id = db_col_int(s, 1);
	model_copy(a->class_name, sizeof a->class_name, db_col_text(s, 2));
	a->teacher_id = db_col_int(s, 3);
}

int teacher_assignments(struct db *d, struct teacher_assign **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT school_id, procedure_id, class, teacher_id FROM class_teacher"
				   " ORDER BY school_id, procedure_id, class");
	*out = model_rows(&rc, s, sizeof **out, read_assign, n);
	return rc;
}

/* The school's data key when it has one (*have false when it has none: nothing sealed). */
static int school_key(struct db *d, int64_t school_id, uint8_t key[KEYS_BYTES], bool *have,
		      char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	*have = false;
	int rc = db_prepare(d, &s, "SELECT count(*) FROM school_key WHERE school_id = ?");
	if (rc)
		return rc;
	db_bind_int(s, 1, school_id);
	int64_t keyed = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
	db_finalize(s);
	if (!keyed)
		return 0;
	if ((rc = keys_school(d, school_id, false, key, msg, msglen)))
		return rc;
	*have = true;
	return 0;
}

/* Opens the names of the school's teachers into v[i].name by v[i].teacher_id-like ids:
 * ids[i] (stride) → names[i] (stride). */
static int open_names(struct db *d, int64_t school_id, const uint8_t key[KEYS_BYTES], size_t n,
		      const int64_t *ids, size_t idstride, char *names, size_t namestride,
		      size_t namecap, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT id, name_enc FROM teacher WHERE school_id = ?");
	if (rc)
		return rc;
	db_bind_int(s, 1, school_id);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t id = db_col_int(s, 0);
		size_t bn = 0;
		const void *b = db_col_blob(s, 1, &bn);
		for (size_t i = 0; i < n; i++) {
			const int64_t *x = (const int64_t *)(const void *)((const char *)ids + i * idstride);
			if (*x != id)
				continue;
			if (name_open(key, school_id, b, bn, names + i * namestride, namecap)) {
				model_say(msg, msglen, "ФИО учителя не расшифровывается: данные повреждены "
						       "или ключ не тот");
				rc = ERR_INVALID;
				goto out;
			}
		}
	}
	rc = model_done(rc);
out:
	db_finalize(s);
	return rc;
}

void teacher_classes_free(struct teacher_class *v, size_t n)
{
	if (v)
		keys_wipe(v, n * sizeof *v);
	free(v);
}

static struct teacher_class *class_find(struct teacher_class *v, size_t n, int64_t proc,
					const char *cls)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].procedure_id == proc && !strcmp(v[i].class_name, cls))
			return &v[i];
	return NULL;
}

static int by_year_code_class(const void *a, const void *b)
{
	const struct teacher_class *x = a, *y = b;
	if (x->year != y->year)
		return y->year - x->year;
	int c = strcmp(x->code, y->code);
	if (c)
		return c;
	if (x->grade != y->grade)
		return x->grade - y->grade;
	return strcmp(x->class_name, y->class_name);
}

int teacher_classes(struct db *d, const struct user *reader, int64_t school_id, int year,
		    struct teacher_class **out, size_t *n, char *msg, size_t msglen)
{
	uint8_t key[KEYS_BYTES];
	bool have_key = false;
	struct teacher_class *v = NULL;
	size_t cnt = 0, cap = 0;
	struct db_stmt *s = NULL;
	*out = NULL;
	*n = 0;
	if (msg && msglen)
		msg[0] = '\0';
	int rc = 0;
	if (reader) {
		if (!teacher_may_read_names(reader, school_id)) {
			model_say(msg, msglen, "ФИО учителей видит только пользователь этой школы");
			return ERR_PERM;
		}
		if ((rc = school_key(d, school_id, key, &have_key, msg, msglen)))
			return rc;
	}
	/* The classes of the stored results and the assignments (a file of teachers may come
	 * before the results), one row per procedure and normalised class. */
	static const char *const sql[2] = {
		"SELECT DISTINCT p.id, p.code, p.kind, p.subject, p.year, p.grade, r.class, 0"
		" FROM result r JOIN procedure p ON p.id = r.procedure_id"
		" WHERE r.school_id = ?1 AND (?2 = 0 OR p.year = ?2) AND r.class IS NOT NULL",
		"SELECT p.id, p.code, p.kind, p.subject, p.year, p.grade, c.class, c.teacher_id"
		" FROM class_teacher c JOIN procedure p ON p.id = c.procedure_id"
		" WHERE c.school_id = ?1 AND (?2 = 0 OR p.year = ?2)",
	};
	for (int q = 0; q < 2 && !rc; q++) {
		if ((rc = db_prepare(d, &s, sql[q])))
			break;
		db_bind_int(s, 1, school_id);
		db_bind_int(s, 2, year);
		while ((rc = db_step(s)) == DB_ROW) {
			char cls[PUPIL_CLASS_MAX];
			int grade = 0;
			if (pupil_class_norm(db_col_text(s, 6), cls, &grade))
				continue;
			int64_t proc = db_col_int(s, 0);
			struct teacher_class *x = class_find(v, cnt, proc, cls);
			if (!x) {
				v = xgrow(v, &cap, cnt + 1, sizeof *v);
				x = &v[cnt++];
				memset(x, 0, sizeof *x);
				x->procedure_id = proc;
				model_copy(x->code, sizeof x->code, db_col_text(s, 1));
				model_copy(x->kind, sizeof x->kind, db_col_text(s, 2));
				model_copy(x->subject, sizeof x->subject, db_col_text(s, 3));
				x->year = (int)db_col_int(s, 4);
				x->grade = (int)db_col_int(s, 5);
				snprintf(x->class_name, sizeof x->class_name, "%s", cls);
			}
			if (q == 1)
				x->teacher_id = db_col_int(s, 7);
		}
		rc = model_done(rc);
		db_finalize(s);
		s = NULL;
	}
	if (!rc && have_key && cnt)
		rc = open_names(d, school_id, key, cnt, &v[0].teacher_id, sizeof *v, v[0].name,
				sizeof *v, sizeof v->name, msg, msglen);
	if (!rc && cnt)
		qsort(v, cnt, sizeof *v, by_year_code_class);
	if (have_key)
		keys_wipe(key, sizeof key);
	if (rc) {
		teacher_classes_free(v, cnt);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int teacher_run_add(struct db *d, int64_t run_id, const struct teacher_run_row *x)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "INSERT INTO run_teacher (run_id, teacher_id, school_id, classes, works,"
				  " p, q_adj, listed, top_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (rc)
		return rc;
	db_bind_int(s, 1, run_id);
	db_bind_int(s, 2, x->teacher_id);
	db_bind_int(s, 3, x->school_id);
	db_bind_int(s, 4, x->classes);
	db_bind_int(s, 5, x->works);
	model_bind_num(s, 6, x->p);
	model_bind_num(s, 7, x->q_adj);
	db_bind_int(s, 8, x->listed ? 1 : 0);
	db_bind_text(s, 9, x->top_kind ? x->top_kind : "", -1);
	rc = model_done(db_step(s));
	db_reset(s);
	return rc;
}

int teacher_run_class_add(struct db *d, int64_t run_id, const struct teacher_run_class_row *x)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "INSERT INTO run_teacher_class (run_id, teacher_id, procedure_id, class,"
				  " kind, works, p) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (rc)
		return rc;
	db_bind_int(s, 1, run_id);
	db_bind_int(s, 2, x->teacher_id);
	db_bind_int(s, 3, x->procedure_id);
	db_bind_text(s, 4, x->class_name, -1);
	db_bind_text(s, 5, x->kind, -1);
	db_bind_int(s, 6, x->works);
	db_bind_double(s, 7, x->p);
	rc = model_done(db_step(s));
	db_reset(s);
	return rc;
}

void teacher_zone_free(struct teacher_zone *v, size_t n)
{
	if (v)
		keys_wipe(v, n * sizeof *v);
	free(v);
}

static void read_zone(struct db_stmt *s, void *item)
{
	struct teacher_zone *z = item;
	z->teacher_id = db_col_int(s, 0);
	z->classes = (long)db_col_int(s, 1);
	z->works = (long)db_col_int(s, 2);
	z->p = model_col_num(s, 3);
	z->q_adj = model_col_num(s, 4);
	z->listed = db_col_int(s, 5) == 1;
	model_copy(z->top_kind, sizeof z->top_kind, db_col_text(s, 6));
}

int teacher_run_school(struct db *d, const struct user *reader, int64_t run_id, int64_t school_id,
		       struct teacher_zone **out, size_t *n, char *msg, size_t msglen)
{
	*out = NULL;
	*n = 0;
	if (!teacher_may_read_names(reader, school_id)) {
		model_say(msg, msglen, "ФИО учителей видит только пользователь этой школы");
		return ERR_PERM;
	}
	uint8_t key[KEYS_BYTES];
	bool have_key = false;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT teacher_id, classes, works, p, q_adj, listed, top_kind"
				   " FROM run_teacher WHERE run_id = ? AND school_id = ?"
				   " ORDER BY listed DESC, CASE WHEN q_adj IS NULL THEN 1 ELSE 0 END, q_adj,"
				   " teacher_id");
	if (!rc) {
		db_bind_int(s, 1, run_id);
		db_bind_int(s, 2, school_id);
	}
	size_t cnt = 0;
	struct teacher_zone *v = model_rows(&rc, s, sizeof *v, read_zone, &cnt);
	if (!rc && cnt && !(rc = school_key(d, school_id, key, &have_key, msg, msglen)) && have_key)
		rc = open_names(d, school_id, key, cnt, &v[0].teacher_id, sizeof *v, v[0].name, sizeof *v,
				sizeof v->name, msg, msglen);
	if (have_key)
		keys_wipe(key, sizeof key);
	if (rc) {
		teacher_zone_free(v, cnt);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static void read_evidence(struct db_stmt *s, void *item)
{
	struct teacher_evidence *e = item;
	model_copy(e->code, sizeof e->code, db_col_text(s, 0));
	model_copy(e->kind_code, sizeof e->kind_code, db_col_text(s, 1));
	model_copy(e->subject, sizeof e->subject, db_col_text(s, 2));
	e->grade = (int)db_col_int(s, 3);
	model_copy(e->class_name, sizeof e->class_name, db_col_text(s, 4));
	model_copy(e->kind, sizeof e->kind, db_col_text(s, 5));
	e->works = (long)db_col_int(s, 6);
	e->p = model_col_num(s, 7);
}

int teacher_run_evidence(struct db *d, int64_t run_id, int64_t teacher_id,
			 struct teacher_evidence **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.code, p.kind, p.subject, p.grade, c.class, c.kind, c.works, c.p"
				   " FROM run_teacher_class c JOIN procedure p ON p.id = c.procedure_id"
				   " WHERE c.run_id = ? AND c.teacher_id = ?"
				   " ORDER BY c.p, p.code, c.class, c.kind");
	if (!rc) {
		db_bind_int(s, 1, run_id);
		db_bind_int(s, 2, teacher_id);
	}
	*out = model_rows(&rc, s, sizeof **out, read_evidence, n);
	return rc;
}

static void read_count(struct db_stmt *s, void *item)
{
	struct teacher_count *c = item;
	c->school_id = db_col_int(s, 0);
	model_copy(c->login, sizeof c->login, db_col_text(s, 1));
	model_copy(c->name, sizeof c->name, db_col_text(s, 2));
	model_copy(c->municipality, sizeof c->municipality, db_col_text(s, 3));
	c->teachers = (long)db_col_int(s, 4);
	c->listed = (long)db_col_int(s, 5);
}

int teacher_run_counts(struct db *d, const struct scope *sc, int64_t run_id,
		       struct teacher_count **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT s.id, s.login, s.name, coalesce(m.name, ''), count(*),"
				   " sum(CASE WHEN t.listed = 1 THEN 1 ELSE 0 END)"
				   " FROM run_teacher t JOIN school s ON s.id = t.school_id"
				   " LEFT JOIN municipality m ON m.id = s.municipality_id"
				   " WHERE t.run_id = ?3 AND " SCOPE_SQL("s")
				   " GROUP BY s.id, s.login, s.name, m.name"
				   " ORDER BY coalesce(m.name, ''), s.name, s.login");
	if (!rc && !(rc = scope_bind(s, sc)))
		db_bind_int(s, 3, run_id);
	*out = model_rows(&rc, s, sizeof **out, read_count, n);
	return rc;
}
