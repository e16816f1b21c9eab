/* teachers: import of teachers.csv (school,class,subject,teacher — docs/formats.md) into
 * model/teacher: who taught each class that wrote a procedure.
 *
 * A row's class and subject map to the procedures of that subject and of the class's grade
 * (the digits of its name) held in the year o->year, or to the one procedure o->procedure
 * (whose subject and grade the row must match). The subject is a subject code of the
 * procedure codes (MA) or its Russian name («математика»). The whole file is checked
 * first and stored in one transaction only when no row is wrong. Teachers' names are
 * personal data of the school: stored sealed (model/teacher.h); a message quotes a name
 * only as the offending cell, which the uploader is looking at anyway. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "model/keys.h"
#include "model/procedure.h"
#include "model/pupil.h"
#include "model/registry.h"
#include "model/teacher.h"

#define MAX_ROWS 200000 /* a region's classes and subjects, generously */

enum { C_SCHOOL, C_CLASS, C_SUBJECT, C_TEACHER, C_N };

static const char *const school_names[] = { "school", "школа", "логин", "логин школы", "login", NULL };
static const char *const class_names[] = { "class", "класс", NULL };
static const char *const subject_names[] = { "subject", "предмет", NULL };
static const char *const teacher_names[] = { "teacher", "учитель", "фио учителя", "педагог", NULL };
static const char *const titles[C_N] = { "school", "class", "subject", "teacher" };

/* A procedure as the mapping needs it. */
struct tproc {
	int64_t id;
	char code[40], subject[4];
	int year, grade;
};

/* One assignment to store. */
struct item {
	int64_t school_id, procedure_id;
	char class_name[PUPIL_CLASS_MAX];
	char *name; /* normalised, in the arena (wiped at the end) */
	size_t len;
};

struct reader {
	struct db *d;
	const struct import_opts *o;
	const char *file;
	struct diag_list *diags;
	struct table_src src;
	struct arena arena;
	int col[C_N];
	char header[C_N][64];
	bool have_header;
	long rows, bad_rows;
	struct tproc *procs;
	size_t nprocs, pcap;
	const struct tproc *named; /* o->procedure */
	struct item *items;
	size_t n, cap;
	struct hmap seen; /* school \x1f procedure \x1f class -> row */
};

static int collect_proc(void *ctx, const struct procedure_item *p)
{
	struct reader *rd = ctx;
	rd->procs = xgrow(rd->procs, &rd->pcap, rd->nprocs + 1, sizeof *rd->procs);
	struct tproc *x = &rd->procs[rd->nprocs++];
	memset(x, 0, sizeof *x);
	x->id = p->id;
	snprintf(x->code, sizeof x->code, "%s", p->code);
	snprintf(x->subject, sizeof x->subject, "%s", p->subject);
	x->year = p->year;
	x->grade = p->grade;
	return 0;
}

static void row_error(struct reader *rd, long row, int k, const char *value, const char *code,
		      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void row_error(struct reader *rd, long row, int k, const char *value, const char *code,
		      const char *fmt, ...)
{
	char col[128], m[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	table_colname(&rd->src, rd->col[k], rd->header[k], col, sizeof col);
	diag_add(rd->diags, DIAG_ERROR, rd->file, rd->src.sheet, row, col, value, code, "%s", m);
}

/* The subject code of a cell: a code of formats.md (any case) or its Russian name. */
static const char *subject_of(const char *cell)
{
	for (size_t i = 0; procedure_subjects[i]; i++)
		if (str_fold_eq(cell, procedure_subjects[i]) ||
		    str_fold_eq(cell, procedure_subject_name(procedure_subjects[i])))
			return procedure_subjects[i];
	return NULL;
}

static bool try_header(struct reader *rd, const struct table_row *r)
{
	int c[C_N] = { table_column(r, school_names), table_column(r, class_names),
		       table_column(r, subject_names), table_column(r, teacher_names) };
	for (int k = 0; k < C_N; k++)
		if (c[k] < 0)
			return false;
	for (int k = 0; k < C_N; k++) {
		rd->col[k] = c[k];
		snprintf(rd->header[k], sizeof rd->header[k], "%s", (size_t)c[k] < r->n ? r->v[c[k]] : titles[k]);
	}
	rd->have_header = true;
	return true;
}

static void add_item(struct reader *rd, long row, int64_t school, const struct tproc *p,
		     const char *cls, const char *name)
{
	char key[128];
	int kn = snprintf(key, sizeof key, "%lld\x1f%lld\x1f%s", (long long)school, (long long)p->id, cls);
	int64_t first = 0;
	if (hmap_get(&rd->seen, key, (size_t)kn, &first)) {
		char m[200];
		snprintf(m, sizeof m, "учитель этого класса по процедуре %s уже указан выше (строка %lld)",
			 p->code, (long long)first);
		row_error(rd, row, C_CLASS, cls, "duplicate", "%s", m);
		return;
	}
	hmap_put(&rd->seen, key, (size_t)kn, row);
	rd->items = xgrow(rd->items, &rd->cap, rd->n + 1, sizeof *rd->items);
	struct item *it = &rd->items[rd->n++];
	it->school_id = school;
	it->procedure_id = p->id;
	snprintf(it->class_name, sizeof it->class_name, "%s", cls);
	it->len = strlen(name);
	it->name = arena_strndup(&rd->arena, name, it->len);
}

static int teacher_row(void *ctx, const struct table_row *r)
{
	struct reader *rd = ctx;
	if (!rd->have_header) {
		if (try_header(rd, r))
			return 0;
		diag_add(rd->diags, DIAG_ERROR, rd->file, rd->src.sheet, r->row, NULL, NULL, "missing_column",
			 "первая строка должна быть строкой заголовков: school, class, subject, teacher "
			 "(или «школа», «класс», «предмет», «учитель»)");
		return ERR_INVALID;
	}
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_ROWS) {
		diag_add(rd->diags, DIAG_ERROR, rd->file, rd->src.sheet, r->row, NULL, NULL, "too_many_rows",
			 "больше %d строк: разбейте файл", MAX_ROWS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	const char *login = table_cell_dup(&rd->arena, r, rd->col[C_SCHOOL]);
	const char *cls = table_cell_dup(&rd->arena, r, rd->col[C_CLASS]);
	const char *subj = table_cell_dup(&rd->arena, r, rd->col[C_SUBJECT]);
	const char *full = table_cell_dup(&rd->arena, r, rd->col[C_TEACHER]);
	int64_t school = 0;
	int rc;
	if (!*login)
		row_error(rd, r->row, C_SCHOOL, login, "required", "%s", "не указана школа");
	else if ((rc = registry_school_find(rd->d, login, &school)) == ERR_NOTFOUND)
		row_error(rd, r->row, C_SCHOOL, login, "school",
			  "школы с логином «%s» нет в реестре: сначала загрузите реестр школ", login);
	else if (rc)
		return rc;
	else if (rd->o->only_school && school != rd->o->only_school)
		row_error(rd, r->row, C_SCHOOL, login, "school_scope", "%s",
			  "это другая школа: загрузить можно только учителей своей школы");
	char cn[PUPIL_CLASS_MAX];
	int grade = 0;
	if (!*cls)
		row_error(rd, r->row, C_CLASS, cls, "required", "%s", "не указан класс");
	else if (pupil_class_norm(cls, cn, &grade))
		row_error(rd, r->row, C_CLASS, cls, "class", "%s",
			  "это не название класса: нужен номер от 1 до 11 и буква, например 4А");
	const char *code = *subj ? subject_of(subj) : NULL;
	if (!*subj)
		row_error(rd, r->row, C_SUBJECT, subj, "required", "%s", "не указан предмет");
	else if (!code)
		row_error(rd, r->row, C_SUBJECT, subj, "subject", "%s",
			  "неизвестный предмет: укажите код (RU, MA, OM…) или название, например "
			  "«математика»");
	char norm[TEACHER_NAME_MAX];
	const char *why = "";
	if (!*full)
		row_error(rd, r->row, C_TEACHER, full, "required", "%s", "не указаны фамилия и имя учителя");
	else if (pupil_name_norm(full, norm, &why))
		row_error(rd, r->row, C_TEACHER, full, "name", "%s", why);
	if (diag_errors(rd->diags) > before) {
		rd->bad_rows++;
		keys_wipe(norm, sizeof norm);
		return 0;
	}
	size_t found = 0;
	if (rd->named) {
		if (strcmp(rd->named->subject, code) || rd->named->grade != grade) {
			char m[300];
			snprintf(m, sizeof m, "строка не относится к процедуре %s: её предмет — %s, класс — %d",
				 rd->named->code, procedure_subject_name(rd->named->subject), rd->named->grade);
			row_error(rd, r->row, C_SUBJECT, subj, "procedure", "%s", m);
		} else {
			add_item(rd, r->row, school, rd->named, cn, norm);
			found = 1;
		}
	} else {
		for (size_t i = 0; i < rd->nprocs; i++) {
			const struct tproc *p = &rd->procs[i];
			if (p->year == rd->o->year && p->grade == grade && !strcmp(p->subject, code)) {
				add_item(rd, r->row, school, p, cn, norm);
				found++;
			}
		}
		if (!found) {
			char m[300];
			snprintf(m, sizeof m, "нет процедур по предмету «%s» для %d класса за %d год: "
					      "сначала загрузите их описание",
				 procedure_subject_name(code), grade, rd->o->year);
			row_error(rd, r->row, C_SUBJECT, subj, "no_procedure", "%s", m);
		}
	}
	if (diag_errors(rd->diags) > before)
		rd->bad_rows++;
	keys_wipe(norm, sizeof norm);
	return 0;
}

int import_teachers(struct db *d, const char *path, const struct import_opts *o,
		    struct diag_list *diags, struct import_stats *st)
{
	struct reader rd;
	char msg[512];
	bool in_tx = false;
	long teachers_new = 0, assigned = 0;
	memset(&rd, 0, sizeof rd);
	memset(st, 0, sizeof *st);
	rd.d = d;
	rd.o = o;
	rd.file = o->name ? o->name : path;
	rd.diags = diags;
	arena_init(&rd.arena, 0);
	hmap_init(&rd.seen);
	int rc = procedure_each(d, collect_proc, &rd);
	if (rc)
		goto out;
	if (o->procedure && *o->procedure) {
		for (size_t i = 0; i < rd.nprocs && !rd.named; i++)
			if (!strcmp(rd.procs[i].code, o->procedure))
				rd.named = &rd.procs[i];
		if (!rd.named) {
			diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, o->procedure, "procedure",
				 "процедуры «%s» нет в базе", o->procedure);
			rc = ERR_INVALID;
			goto out;
		}
	} else if (o->year <= 0) {
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "year",
			 "не указан учебный год (--year) или процедура (--procedure): без них не понять, "
			 "к каким работам относятся классы");
		rc = ERR_INVALID;
		goto out;
	}
	msg[0] = '\0';
	struct table_in in = import_input(path, o);
	rc = table_read(&in, NULL, teacher_row, &rd, &rd.src, msg, sizeof msg);
	if (rc < 0 && *msg)
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "read", "%s", msg);
	if (rc == 0 && !rd.have_header) {
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "empty",
			 "файл пуст: нет ни строки заголовков, ни данных");
		rc = ERR_INVALID;
	}
	if (rc == 0 && rd.n == 0 && !diag_errors(diags)) {
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "empty", "в файле нет ни одной строки");
		rc = ERR_INVALID;
	}
	if (rc == 0 && diag_errors(diags))
		rc = ERR_INVALID;
	if (rc > 0)
		rc = ERR_INVALID;
	st->rows = rd.rows;
	st->rejected = rd.bad_rows;
	if (rc || o->dry_run)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	in_tx = true;
	for (size_t i = 0; i < rd.n; i++) {
		int64_t id = 0;
		bool created = false;
		msg[0] = '\0';
		if ((rc = teacher_put(d, rd.items[i].school_id, rd.items[i].name, &id, &created, msg, sizeof msg)) ||
		    (rc = teacher_assign(d, rd.items[i].school_id, rd.items[i].procedure_id,
					 rd.items[i].class_name, id))) {
			diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "store",
				 "не удалось сохранить учителей: %s", *msg ? msg : err_str(rc));
			goto out;
		}
		teachers_new += created;
		assigned++;
	}
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
	st->created = teachers_new;
	st->updated = assigned;
out:
	if (in_tx)
		db_rollback(d);
	if (rc == 0)
		snprintf(st->summary, sizeof st->summary,
			 o->dry_run ? "проверено строк: %ld, назначений классов: %zu; ошибок нет, ничего не сохранено"
				    : "строк в файле: %ld; назначено классов: %zu, новых учителей: %ld",
			 rd.rows, rd.n, teachers_new);
	for (size_t i = 0; i < rd.n; i++)
		keys_wipe(rd.items[i].name, rd.items[i].len);
	free(rd.items);
	free(rd.procs);
	hmap_free(&rd.seen);
	arena_free(&rd.arena);
	return rc;
}
