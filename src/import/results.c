/* results: import of participants' results from any results layout of formats.md.
 *
 * The file is streamed row by row (table_read) inside one transaction: each row is
 * validated, its school and participant are found or created, and the result is stored.
 * The transaction is committed only when no problem rejects the file; otherwise (and for
 * --dry-run) it is rolled back, so the database is never half-changed. The policy for each
 * problem — what rejects the file, what is stored with the row marked — is in
 * docs/import.md and in the table `rules` below. A school's earlier results for a
 * procedure are replaced by the rows of a new upload, and the upload is recorded with its
 * row counts per school. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "io/layouts.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/result.h"

#define MAX_PROCEDURES 64 /* procedures in one file */
#define MAX_CODE 20       /* characters of a participant code */

/* Problems and how each is treated. Rejecting ones make the whole file fail; the others
 * store the row with a problem bit set and are counted in the report. */
enum rule {
	R_SCHOOL, R_CODE, R_DUPLICATE, R_PROCEDURE, R_VARIANT, R_SCORE_RANGE, R_EXTRA_POSITION,
	R_ABSENT_VALUE, R_SCORE_OVER_MAX, R_CELL_INVALID, R_TOTAL_OVER_MAX, R_TOTAL_MISMATCH, R_JOURNAL,
	R_VARIANT_MISSING, R_ABSENT_WITH_SCORES, R_SCORES_MISSING, R_NRULES
};

static const struct {
	const char *code;
	bool rejects;
	unsigned problem; /* bit stored with the row when it does not reject */
	const char *title; /* Russian, for the report */
} rules[R_NRULES] = {
	[R_SCHOOL] = { "school", true, 0, "неверный логин школы" },
	[R_CODE] = { "code", true, 0, "неверный код участника" },
	[R_DUPLICATE] = { "duplicate_code", true, 0, "код участника повторяется в школе" },
	[R_PROCEDURE] = { "procedure", true, 0, "неизвестная процедура" },
	[R_VARIANT] = { "variant", true, 0, "вариант не число" },
	[R_SCORE_RANGE] = { "score_range", true, 0, "балл позиции отрицательный или больше 200" },
	[R_SCORE_OVER_MAX] = { "score_over_max", false, RP_SCORE_OVER_MAX,
			       "балл позиции больше её максимума (сохранён как записан)" },
	[R_EXTRA_POSITION] = { "extra_position", true, 0, "баллы в лишнем столбце позиции" },
	[R_ABSENT_VALUE] = { "absent", true, 0, "признак отсутствия не 0/1" },
	[R_CELL_INVALID] = { "cell_invalid", false, RP_CELL_INVALID,
			     "нечитаемое значение позиции (сохранено как пустое)" },
	[R_TOTAL_OVER_MAX] = { "total_over_max", false, RP_TOTAL_OVER_MAX | RP_TOTAL_MISMATCH,
			       "сумма баллов больше максимума (первичный балл = сумма позиций)" },
	[R_TOTAL_MISMATCH] = { "total_mismatch", false, RP_TOTAL_MISMATCH,
			       "сумма баллов не равна сумме позиций (первичный балл = сумма позиций)" },
	[R_JOURNAL] = { "journal_mark", false, RP_JOURNAL_INVALID,
			"отметка по журналу не 2–5 (сохранено без отметки)" },
	[R_VARIANT_MISSING] = { "variant_missing", false, RP_VARIANT_UNKNOWN,
				"не указан вариант (сохранено без варианта)" },
	[R_ABSENT_WITH_SCORES] = { "absent_with_scores", false, RP_ABSENT_WITH_SCORES,
				   "отсутствовавший участник с баллами (сохранён как отсутствовавший)" },
	[R_SCORES_MISSING] = { "scores_missing", false, RP_SCORES_MISSING,
			       "у писавшего участника пустые позиции" },
};

/* One procedure met in the file. */
struct proc_state {
	struct procedure p;
	struct result_writer *w;
	int map[PROC_MAX_POSITIONS]; /* position column j of the file → position index, or -1 */
};

/* One (procedure, school) pair met in the file: its rows and what it replaced. */
struct touched {
	int proc;
	int64_t school_id;
	long rows;
	long written;
	int64_t replaced;
};

struct imp {
	struct db *d;
	const char *path;
	const char *name;                 /* the file as the user knows it, for messages */
	const struct import_opts *o;
	struct diag_list *diags;
	struct import_stats *st;
	struct table_src src;
	struct layout_map map;
	bool have_header;
	char hdr[LF_NFIELDS][160];        /* header texts of the fields, for messages */
	char poshdr[PROC_MAX_POSITIONS][64];
	struct proc_state *procs[MAX_PROCEDURES];
	int nprocs;
	int fixed_proc;                   /* the procedure of a file that names none, or -1 */
	struct hmap schools;              /* login → school id */
	struct hmap school_mun;           /* school id → municipality id, for territory checks */
	struct hmap touched_idx;          /* "proc:school" → index in touched */
	struct touched *touched;
	size_t ntouched, cap_touched;
	int64_t last_touched;             /* index of the pair of the previous row, or -1 */
	long rule_count[R_NRULES];
	long rows_since_progress;
	bool fatal;                       /* stop reading: an error beyond repair */
};

/* ---- messages ---- */

static void field_col(struct imp *im, int f, char *out, size_t n)
{
	table_colname(&im->src, im->map.col[f], im->hdr[f], out, n);
}

/* Reports a problem of rule r found in row `row`, column `col` (a field or -1). */
static void report(struct imp *im, enum rule r, long row, const char *col, const char *value,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void report(struct imp *im, enum rule r, long row, const char *col, const char *value,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->rule_count[r]++;
	diag_add(im->diags, rules[r].rejects ? DIAG_ERROR : DIAG_WARN, im->name, im->src.sheet, row,
		 col, value, rules[r].code, "%s", msg);
}

/* A cell copied to a NUL-terminated buffer (truncated to fit). */
static const char *cell_str(const struct table_row *r, int col, char *buf, size_t n)
{
	size_t len;
	const char *s = table_cell(r, col, &len);
	if (len >= n)
		len = n - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

/* The part of a form cell after "code | ": "reg22_m012 | Залесовский район" → the name. */
static const char *after_bar(const char *s)
{
	const char *bar = strstr(s, " | ");
	return bar ? bar + 3 : s;
}

/* ---- procedures ---- */

/* Maps the file's position columns to the procedure's positions; reports a mismatch. */
static int map_positions(struct imp *im, struct proc_state *ps)
{
	const struct layout_map *m = &im->map;
	for (int j = 0; j < m->npos; j++) {
		if (m->posmode == POS_BY_ORDER) {
			ps->map[j] = j < ps->p.npos ? j : -1;
			continue;
		}
		int i = procedure_position_find(&ps->p, m->pos_label[j]);
		if (i < 0) {
			report(im, R_PROCEDURE, 1, im->poshdr[j], m->pos_label[j],
			       "у процедуры %s нет позиции «%s»", ps->p.code, m->pos_label[j]);
			return ERR_INVALID;
		}
		if (m->pos_max[j] >= 0 && m->pos_max[j] != ps->p.pos[i].max) {
			report(im, R_PROCEDURE, 1, im->poshdr[j], m->pos_label[j],
			       "в файле максимум позиции «%s» %d, а в описании процедуры %s — %d",
			       m->pos_label[j], m->pos_max[j], ps->p.code, ps->p.pos[i].max);
			return ERR_INVALID;
		}
		ps->map[j] = i;
	}
	if (m->posmode == POS_BY_LABEL && m->npos < ps->p.npos) {
		report(im, R_PROCEDURE, 1, NULL, NULL,
		       "в файле %d столбцов позиций, а у процедуры %s их %d", m->npos, ps->p.code,
		       ps->p.npos);
		return ERR_INVALID;
	}
	return 0;
}

/* A procedure described only by a form's headers "N (kб)" is created from them. */
static int procedure_from_form(struct imp *im, struct procedure *p)
{
	const struct layout_map *m = &im->map;
	for (int j = 0; j < m->npos; j++) {
		if (m->pos_max[j] < 0 || procedure_add_position(p, m->pos_label[j], m->pos_max[j], NULL)) {
			report(im, R_PROCEDURE, 1, im->poshdr[j], m->pos_label[j],
			       "недопустимая или повторная позиция в заголовке формы");
			return ERR_INVALID;
		}
		p->max_score += m->pos_max[j];
	}
	char msg[256] = "";
	int rc = procedure_put(im->d, p, msg, sizeof msg);
	if (rc)
		report(im, R_PROCEDURE, 1, NULL, p->code, "процедура не создана: %s", msg);
	else
		diag_add(im->diags, DIAG_NOTE, im->name, im->src.sheet, 0, NULL, p->code, "procedure_created",
			 "процедура %s создана по заголовкам формы: %d позиций, максимум %d; шкала "
			 "отметок не известна — загрузите описание КИМ со шкалой", p->code, p->npos,
			 p->max_score);
	return rc;
}

/* Index of the procedure with this code among those met, loading it on first use. */
static int procedure_index(struct imp *im, const char *code, long row)
{
	for (int i = 0; i < im->nprocs; i++)
		if (!strcmp(im->procs[i]->p.code, code))
			return i;
	char col[128];
	field_col(im, LF_PROCEDURE, col, sizeof col);
	if (im->nprocs >= MAX_PROCEDURES) {
		report(im, R_PROCEDURE, row, col, code, "больше %d процедур в одном файле", MAX_PROCEDURES);
		return -1;
	}
	struct proc_state *ps = xcalloc(1, sizeof *ps);
	char msg[256] = "";
	int rc = procedure_code_parse(code, &ps->p, msg, sizeof msg);
	if (rc) {
		report(im, R_PROCEDURE, row, im->map.col[LF_PROCEDURE] >= 0 ? col : NULL, code, "%s", msg);
		goto fail;
	}
	struct procedure parsed = ps->p;
	rc = procedure_get(im->d, code, &ps->p);
	if (rc == ERR_NOTFOUND && im->map.kind == LAYOUT_FORM) {
		ps->p = parsed;
		rc = procedure_from_form(im, &ps->p);
	} else if (rc == ERR_NOTFOUND || (rc == 0 && ps->p.npos == 0)) {
		report(im, R_PROCEDURE, row, im->map.col[LF_PROCEDURE] >= 0 ? col : NULL, code,
		       "процедура %s не описана: сначала загрузите её позиции (oko import procedures "
		       "или oko import kim)", code);
		rc = ERR_INVALID;
	}
	if (rc || (rc = map_positions(im, ps)) || (rc = result_writer_open(im->d, ps->p.id, &ps->w)))
		goto fail;
	im->procs[im->nprocs] = ps;
	return im->nprocs++;
fail:
	free(ps);
	im->fatal = true;
	return -1;
}

/* ---- schools and participants ---- */

/* Whether the uploader's territory contains the school (see import_opts). */
static bool school_allowed(struct imp *im, int64_t id)
{
	if (im->o->only_school)
		return id == im->o->only_school;
	if (im->o->only_region) {
		struct db_stmt *q = NULL;
		int64_t reg = 0;
		if (!db_cached(im->d, &q, "SELECT coalesce(m.region_id, 0) FROM school s JOIN municipality m"
					  " ON m.id = s.municipality_id WHERE s.id = ?") &&
		    !db_bind_int(q, 1, id) && db_step(q) == DB_ROW)
			reg = db_col_int(q, 0);
		if (q)
			db_reset(q);
		return reg == im->o->only_region;
	}
	if (!im->o->only_municipality)
		return true;
	int64_t mun;
	if (hmap_get(&im->school_mun, (const char *)&id, sizeof id, &mun))
		return mun == im->o->only_municipality;
	struct db_stmt *s = NULL;
	mun = 0;
	if (!db_cached(im->d, &s, "SELECT coalesce(municipality_id, 0) FROM school WHERE id = ?") &&
	    !db_bind_int(s, 1, id) && db_step(s) == DB_ROW)
		mun = db_col_int(s, 0);
	if (s)
		db_reset(s);
	hmap_put(&im->school_mun, (const char *)&id, sizeof id, mun);
	return mun == im->o->only_municipality;
}

static int64_t school_id(struct imp *im, const struct table_row *r, long row)
{
	char login[80], col[128];
	cell_str(r, im->map.col[LF_SCHOOL], login, sizeof login);
	int64_t id;
	if (hmap_get(&im->schools, login, strlen(login), &id)) {
		if (!school_allowed(im, id)) {
			/* The same words as for a login that does not exist: an upload must not tell
			 * which schools exist outside the uploader's territory. */
			field_col(im, LF_SCHOOL, col, sizeof col);
			report(im, R_SCHOOL, row, col, login,
			       "школы с таким логином нет на вашей территории: загружать можно только "
			       "результаты своих школ");
			return 0;
		}
		return id;
	}
	if (im->o->only_school || im->o->only_municipality || im->o->only_region) {
		field_col(im, LF_SCHOOL, col, sizeof col);
		report(im, R_SCHOOL, row, col, login,
		       "школы с таким логином нет на вашей территории: загружать можно только "
		       "результаты своих школ");
		return 0;
	}
	if (!registry_login_valid(login)) {
		field_col(im, LF_SCHOOL, col, sizeof col);
		report(im, R_SCHOOL, row, col, login,
		       *login ? "логин школы может содержать только латинские буквы, цифры, «_» и «-»"
			      : "не указан логин школы");
		return 0;
	}
	/* Every known school is in the map: this one is new. */
	int rc = 0;
	{
		/* First seen here: create it with what the file says about it. */
		char name[512], mun[256], reg[256];
		cell_str(r, im->map.col[LF_SCHOOL_NAME], name, sizeof name);
		cell_str(r, im->map.col[LF_MUNICIPALITY], mun, sizeof mun);
		cell_str(r, im->map.col[LF_REGION], reg, sizeof reg);
		struct school s = {
			.login = login,
			.name = *name ? after_bar(name) : login,
			.municipality = after_bar(mun),
			.region = *reg ? after_bar(reg) : im->o->region,
		};
		rc = registry_school_put(im->d, &s, &id);
		if (!rc)
			im->st->created++;
	}
	if (rc) {
		report(im, R_SCHOOL, row, NULL, login, "школа не сохранена: %s", db_errmsg(im->d));
		im->fatal = true;
		return 0;
	}
	hmap_put(&im->schools, login, strlen(login), id);
	return id;
}

/* Registers the first row of (procedure, school) in this file: earlier results of the
 * school for the procedure are deleted so the upload replaces them. */
static struct touched *touch(struct imp *im, int proc, int64_t school)
{
	/* Rows come grouped by school: the previous row's pair is the likely one. */
	if (im->last_touched >= 0 && im->touched[im->last_touched].proc == proc &&
	    im->touched[im->last_touched].school_id == school)
		return &im->touched[im->last_touched];
	char key[48];
	int n = snprintf(key, sizeof key, "%d:%lld", proc, (long long)school);
	int64_t idx;
	if (hmap_get(&im->touched_idx, key, (size_t)n, &idx)) {
		im->last_touched = idx;
		return &im->touched[idx];
	}
	im->touched = xgrow(im->touched, &im->cap_touched, im->ntouched + 1, sizeof *im->touched);
	struct touched *t = &im->touched[im->ntouched];
	memset(t, 0, sizeof *t);
	t->proc = proc;
	t->school_id = school;
	if (result_writer_delete_school(im->procs[proc]->w, school, &t->replaced)) {
		im->fatal = true;
		return NULL;
	}
	hmap_put(&im->touched_idx, key, (size_t)n, (int64_t)im->ntouched);
	im->last_touched = (int64_t)im->ntouched++;
	return t;
}

/* ---- one row ---- */

static bool is_absent_word(const char *s, size_t n)
{
	static const char w[] = "отсутствовал";
	return n >= sizeof w - 1 && !memcmp(s, w, sizeof w - 1);
}

/* Reads the position cells of a row into r->scores; returns false on a rejecting problem. */
static bool read_scores(struct imp *im, const struct table_row *row, struct proc_state *ps,
			struct result *r, bool *any, bool *missing)
{
	const struct layout_map *m = &im->map;
	bool ok = true;
	r->npos = ps->p.npos;
	memset(r->scores, SCORE_EMPTY, (size_t)r->npos);
	*any = *missing = false;
	for (int j = 0; j < m->npos; j++) {
		size_t n;
		const char *s = table_cell(row, m->pos_col[j], &n);
		int i = ps->map[j];
		if (n == 0)
			continue;
		*any = true;
		if (i < 0) {
			report(im, R_EXTRA_POSITION, row->row, im->poshdr[j], s,
			       "у процедуры %s только %d позиций, а в этом столбце есть значение: "
			       "похоже, столбцы сдвинуты", ps->p.code, ps->p.npos);
			ok = false;
			continue;
		}
		long v;
		if (n == 1 && *s >= '0' && *s <= '9' && *s - '0' <= ps->p.pos[i].max) {
			r->scores[i] = (uint8_t)(*s - '0'); /* the common case, checked first */
		} else if (str_is_x(s, n)) {
			r->scores[i] = SCORE_X;
		} else if (n >= 7 && !memcmp(s, "не пр", 7)) {
			r->scores[i] = SCORE_NOT_TAUGHT; /* "не пройд.": topic not taught */
		} else if (!str_to_int(s, n, &v)) {
			if (v < 0 || v > PROC_MAX_POINTS) {
				report(im, R_SCORE_RANGE, row->row, im->poshdr[j], s,
				       "балл позиции «%s» должен быть от 0 до %d", ps->p.pos[i].label,
				       ps->p.pos[i].max);
				ok = false;
				continue;
			}
			if (v > ps->p.pos[i].max) {
				/* Real uploads have these; the row is kept as written and marked so
				 * the analytics can tell, rather than the file refused. */
				report(im, R_SCORE_OVER_MAX, row->row, im->poshdr[j], s,
				       "балл позиции «%s» больше её максимума %d; строка сохранена как "
				       "записана и отмечена", ps->p.pos[i].label, ps->p.pos[i].max);
				r->problems |= rules[R_SCORE_OVER_MAX].problem;
			}
			r->scores[i] = (uint8_t)v;
		} else {
			report(im, R_CELL_INVALID, row->row, im->poshdr[j], s,
			       "значение позиции «%s» не число и не «X»; сохранено как пустое",
			       ps->p.pos[i].label);
			r->problems |= rules[R_CELL_INVALID].problem;
		}
	}
	for (int i = 0; i < r->npos; i++)
		if (r->scores[i] == SCORE_EMPTY)
			*missing = true;
	return ok;
}

/* "м"/"ж" in either case, else NULL. */
static const char *gender_of(const char *s, size_t n)
{
	if (n != 2 || (unsigned char)s[0] != 0xD0)
		return NULL;
	switch ((unsigned char)s[1]) {
	case 0xBC: case 0x9C: return "м"; /* м М */
	case 0xB6: case 0x96: return "ж"; /* ж Ж */
	}
	return NULL;
}

static void read_journal(struct imp *im, const struct table_row *row, struct result *r)
{
	size_t n;
	const char *s = table_cell(row, im->map.col[LF_JOURNAL], &n);
	long v;
	if (n == 0)
		return;
	if (n == 1 && *s >= '2' && *s <= '5') {
		r->journal_mark = *s - '0';
		return;
	}
	if (!str_to_int(s, n, &v) && v >= 2 && v <= 5) {
		r->journal_mark = (int)v;
		return;
	}
	char word[32];
	if (n < sizeof word && str_fold_eq(cell_str(row, im->map.col[LF_JOURNAL], word, sizeof word),
					   "нет отметки"))
		return;
	char col[128], val[64];
	field_col(im, LF_JOURNAL, col, sizeof col);
	cell_str(row, im->map.col[LF_JOURNAL], val, sizeof val);
	bool gender = str_fold_eq(val, "ж") || str_fold_eq(val, "м");
	report(im, R_JOURNAL, row->row, col, val,
	       gender ? "отметка по журналу должна быть от 2 до 5, а здесь пол — похоже, столбцы "
			"сдвинуты; строка сохранена без отметки"
		      : "отметка по журналу должна быть от 2 до 5; строка сохранена без отметки");
	r->problems |= rules[R_JOURNAL].problem;
}

/* No variant, no absence mark, no points: the participant's row was left empty. */
static bool row_has_no_result(struct imp *im, const struct table_row *row)
{
	size_t n;
	table_cell(row, im->map.col[LF_VARIANT], &n);
	if (n)
		return false;
	const char *a = table_cell(row, im->map.col[LF_ABSENT], &n);
	if (n && *a != '0')
		return false;
	for (int j = 0; j < im->map.npos; j++) {
		table_cell(row, im->map.pos_col[j], &n);
		if (n)
			return false;
	}
	return true;
}

static int result_row(void *ctx, const struct table_row *row)
{
	struct imp *im = ctx;
	if (!im->have_header)
		return 0; /* handled by header_row */
	if (table_row_blank(row))
		return 0;
	struct import_stats *st = im->st;
	st->rows++;
	if (im->o->progress && ++im->rows_since_progress >= 4096) {
		im->rows_since_progress = 0;
		im->o->progress(im->o->progress_ctx, im->src.bytes_done, im->src.bytes_total, st->rows);
	}
	char col[128], code[MAX_CODE + 8], buf[64];
	size_t before = diag_errors(im->diags);
	struct result r = { .stated_total = -1, .upload_id = st->upload_id };

	/* Procedure: named by the row (canonical) or fixed for the file. */
	int proc = im->fixed_proc;
	if (proc < 0) {
		cell_str(row, im->map.col[LF_PROCEDURE], buf, sizeof buf);
		proc = procedure_index(im, buf, row->row);
		if (proc < 0)
			return im->fatal ? ERR_INVALID : 0;
	}
	struct proc_state *ps = im->procs[proc];
	int64_t school = school_id(im, row, row->row);
	if (im->fatal)
		return ERR_DB;

	/* Participant code: digits, unique in the school. */
	cell_str(row, im->map.col[LF_CODE], code, sizeof code);
	long v;
	bool code_ok = *code && strlen(code) <= MAX_CODE;
	for (const char *c = code; *c && code_ok; c++)
		code_ok = *c >= '0' && *c <= '9';
	if (!code_ok && !str_to_int(code, strlen(code), &v) && v > 0) {
		snprintf(code, sizeof code, "%ld", v); /* "40001.0" from a spreadsheet */
		code_ok = true;
	}
	if (!code_ok) {
		field_col(im, LF_CODE, col, sizeof col);
		report(im, R_CODE, row->row, col, code,
		       *code ? "код участника должен состоять из цифр (не длиннее %d)"
			     : "не указан код участника", MAX_CODE);
	}

	/* A row with a code and nothing else (an untouched row of a pre-filled form) holds no
	 * result: it is skipped and counted, not stored as a zero-score work. */
	size_t n;
	if (code_ok && row_has_no_result(im, row)) {
		st->skipped++;
		return 0;
	}
	/* Absence: the canonical column, or "отсутствовал" in place of the variant. */
	const char *s = table_cell(row, im->map.col[LF_VARIANT], &n);
	if (im->map.kind == LAYOUT_CANONICAL) {
		const char *a = table_cell(row, im->map.col[LF_ABSENT], &n);
		if (n == 1 && (*a == '0' || *a == '1')) {
			r.absent = *a == '1';
		} else if (n) {
			field_col(im, LF_ABSENT, col, sizeof col);
			report(im, R_ABSENT_VALUE, row->row, col, cell_str(row, im->map.col[LF_ABSENT], buf, sizeof buf),
			       "признак отсутствия должен быть 0 или 1");
		}
		s = table_cell(row, im->map.col[LF_VARIANT], &n);
	} else {
		r.absent = is_absent_word(s, n);
	}
	if (!r.absent) {
		if (n == 0 || (n == 1 && *s == '0')) {
			/* Real exports write 0 when the variant is not known. */
			field_col(im, LF_VARIANT, col, sizeof col);
			report(im, R_VARIANT_MISSING, row->row, col, n ? "0" : "",
			       "вариант не указан; строка сохранена без варианта");
			r.problems |= rules[R_VARIANT_MISSING].problem;
		} else if (str_to_int(s, n, &v) || v < 1 || v > 999) {
			field_col(im, LF_VARIANT, col, sizeof col);
			report(im, R_VARIANT, row->row, col, cell_str(row, im->map.col[LF_VARIANT], buf, sizeof buf),
			       "вариант должен быть целым числом или «отсутствовал»");
		} else {
			r.variant = (int)v;
		}
	}

	bool any, missing;
	bool scores_ok = read_scores(im, row, ps, &r, &any, &missing);
	if (r.absent) {
		if (any && scores_ok) {
			report(im, R_ABSENT_WITH_SCORES, row->row, NULL, NULL,
			       "участник отмечен отсутствовавшим, но у него есть баллы; сохранён как "
			       "отсутствовавший");
			r.problems |= rules[R_ABSENT_WITH_SCORES].problem;
		}
		r.npos = 0;
	} else if (scores_ok) {
		if (missing) {
			report(im, R_SCORES_MISSING, row->row, NULL, NULL,
			       "у писавшего работу участника есть пустые позиции; они учтены как 0");
			r.problems |= rules[R_SCORES_MISSING].problem;
		}
		const char *t = table_cell(row, im->map.col[LF_TOTAL], &n);
		if (n && !str_to_int(t, n, &v)) {
			int sum = result_primary_score(&r);
			r.stated_total = (int)v;
			if (v > ps->p.max_score || v < 0) {
				field_col(im, LF_TOTAL, col, sizeof col);
				report(im, R_TOTAL_OVER_MAX, row->row, col, cell_str(row, im->map.col[LF_TOTAL], buf, sizeof buf),
				       "сумма баллов больше максимума %d; первичный балл взят как сумма "
				       "позиций (%d)", ps->p.max_score, sum);
				r.problems |= rules[R_TOTAL_OVER_MAX].problem;
			} else if (v != sum) {
				field_col(im, LF_TOTAL, col, sizeof col);
				report(im, R_TOTAL_MISMATCH, row->row, col, cell_str(row, im->map.col[LF_TOTAL], buf, sizeof buf),
				       "сумма баллов не равна сумме позиций (%d); первичный балл взят как "
				       "сумма позиций", sum);
				r.problems |= rules[R_TOTAL_MISMATCH].problem;
			}
		}
	}
	read_journal(im, row, &r);
	r.gender = gender_of(table_cell(row, im->map.col[LF_GENDER], &n), n);
	char cls[32];
	cell_str(row, im->map.col[LF_CLASS], cls, sizeof cls);
	/* "НЕТ"/"нет" (6 bytes in UTF-8) means no class. */
	r.class_name = strlen(cls) == 6 && str_fold_eq(cls, "нет") ? NULL : cls;

	if (diag_errors(im->diags) > before || !school) {
		st->rejected++;
		return 0;
	}
	struct touched *t = touch(im, proc, school);
	if (!t)
		return ERR_DB;
	r.school_id = school;
	r.code = code;
	int rc = result_writer_put(ps->w, &r);
	if (rc == ERR_EXISTS) {
		field_col(im, LF_CODE, col, sizeof col);
		report(im, R_DUPLICATE, row->row, col, code,
		       "код участника уже встречался выше в этой школе по процедуре %s", ps->p.code);
		st->rejected++;
		return 0;
	}
	if (rc) {
		report(im, R_SCHOOL, row->row, NULL, code, "результат не сохранён: %s", db_errmsg(im->d));
		return rc;
	}
	t->rows++;
	t->written += !r.absent;
	if (r.absent)
		st->absent++;
	else
		st->written++;
	if (r.problems)
		st->marked++;
	return 0;
}

/* ---- header and procedure of the file ---- */

/* The procedure of a form without --procedure: its textbook code ("ma4.8 | …") names the
 * subject and grade, its upload date the year. Empty when it cannot be told. */
struct form_guess {
	char subject[4];
	int grade, year;
	int cbook, cdate; /* columns of the textbook and the date, once the header is read */
	bool have_header;
};

static int classes_row(void *ctx, const struct table_row *r)
{
	static const char *const book[] = { "Основной учебник", NULL };
	static const char *const date[] = { "Дата загрузки", NULL };
	static const struct { const char *prefix, *subject; } subjects[] = {
		{ "ru", "RU" }, { "ma", "MA" }, { "bio", "BI" }, { "bi", "BI" }, { "hist", "IS" },
		{ "is", "IS" }, { "geo", "GG" }, { "gg", "GG" }, { "ob", "OB" }, { "phys", "FI" },
		{ "fi", "FI" }, { "chem", "HI" }, { "hi", "HI" }, { "en", "EN" }, { "de", "DE" },
		{ "fr", "FR" }, { "okr", "OM" }, { "om", "OM" },
	};
	struct form_guess *g = ctx;
	if (!g->have_header) {
		g->cbook = table_column_prefix(r, book);
		g->cdate = table_column(r, date);
		g->have_header = true;
		return 0;
	}
	int cbook = g->cbook, cdate = g->cdate;
	if (cbook < 0 || (size_t)cbook >= r->n)
		return 1;
	const char *b = r->v[cbook];
	size_t i = 0;
	while (b[i] >= 'a' && b[i] <= 'z')
		i++;
	int grade = 0;
	while (b[i] >= '0' && b[i] <= '9')
		grade = grade * 10 + (b[i++] - '0');
	for (size_t k = 0; k < sizeof subjects / sizeof *subjects; k++) {
		size_t lp = strlen(subjects[k].prefix);
		if (grade >= 1 && grade <= 11 && b[i] == '.' && i - (b[i - 1] >= '0' ? 1 : 0) >= lp &&
		    !strncmp(b, subjects[k].prefix, lp) && (b[lp] >= '0' && b[lp] <= '9')) {
			memcpy(g->subject, subjects[k].subject, 3);
			g->grade = grade;
			break;
		}
	}
	if (cdate >= 0 && (size_t)cdate < r->n && r->len[cdate] >= 10) {
		long y;
		if (!str_to_int(r->v[cdate] + 6, 4, &y))
			g->year = (int)y;
	}
	return 1; /* the first data row is enough */
}

static void guess_form_procedure(const char *path, char *code, size_t n)
{
	struct form_guess g = { "", 0, 0, -1, -1, false };
	char msg[256];
	code[0] = '\0';
	table_read(path, "Классы", classes_row, &g, NULL, msg, sizeof msg);
	if (g.subject[0] && g.grade && g.year)
		snprintf(code, n, "VPR-%d-%s-%d", g.year, g.subject, g.grade);
}

static int header_row(struct imp *im, const struct table_row *r)
{
	char msg[512];
	int rc = layout_detect(r, &im->map, msg, sizeof msg);
	if (rc) {
		diag_add(im->diags, DIAG_ERROR, im->name, im->src.sheet, r->row, NULL, NULL, "layout",
			 "%s", msg);
		return rc;
	}
	for (int f = 0; f < LF_NFIELDS; f++)
		if (im->map.col[f] >= 0)
			str_copy_utf8(im->hdr[f], sizeof im->hdr[f], r->v[im->map.col[f]]);
	for (int j = 0; j < im->map.npos; j++)
		table_colname(&im->src, im->map.pos_col[j], r->v[im->map.pos_col[j]], im->poshdr[j],
			      sizeof im->poshdr[j]);
	snprintf(im->st->layout, sizeof im->st->layout, "%s", layout_name(im->map.kind));
	im->have_header = true;
	if (im->map.kind == LAYOUT_CANONICAL) {
		if (im->map.posmode == POS_BY_LABEL)
			im->fixed_proc = -1;
	im->last_touched = -1; /* positions by label: checked against each procedure */
		return 0;
	}
	char code[48];
	const char *proc = im->o->procedure;
	if ((!proc || !*proc) && im->map.kind == LAYOUT_FORM) {
		guess_form_procedure(im->path, code, sizeof code);
		if (*code) {
			proc = code;
			diag_add(im->diags, DIAG_NOTE, im->name, NULL, 0, NULL, code, "procedure_guessed",
				 "процедура определена по форме (учебник и дата загрузки): %s", code);
		}
	}
	if (!proc || !*proc) {
		diag_add(im->diags, DIAG_ERROR, im->name, im->src.sheet, 0, NULL, NULL, "procedure",
			 "в файле (%s) не указана процедура: укажите её параметром --procedure, "
			 "например --procedure VPR-2021-RU-4", layout_title(im->map.kind));
		return ERR_INVALID;
	}
	im->fixed_proc = procedure_index(im, proc, 0);
	return im->fixed_proc < 0 ? ERR_INVALID : 0;
}

static int any_row(void *ctx, const struct table_row *r)
{
	struct imp *im = ctx;
	if (im->have_header)
		return result_row(ctx, r);
	return table_row_blank(r) ? 0 : header_row(im, r);
}

/* ---- the upload record ---- */

static int file_digest(const char *path, char hex[65], int64_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ERR_IO;
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	unsigned char buf[65536], out[32];
	size_t n;
	*size = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		crypto_generichash_update(&h, buf, n);
		*size += (int64_t)n;
	}
	int rc = ferror(f) ? ERR_IO : 0;
	fclose(f);
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(hex, 65, out, sizeof out);
	return rc;
}

static int upload_begin(struct imp *im)
{
	char hex[65];
	int64_t size;
	int rc = file_digest(im->path, hex, &size);
	if (rc)
		return rc;
	struct db_stmt *s = NULL;
	const char *base = strrchr(im->name, '/');
	rc = db_prepare(im->d, &s, "INSERT INTO upload(file, digest, size, layout, user_name, rows,"
				   " written, absent, warnings) VALUES (?, ?, ?, '', ?, 0, 0, 0, 0)");
	if (!rc && !(rc = db_bind_text(s, 1, base ? base + 1 : im->name, -1)) &&
	    !(rc = db_bind_text(s, 2, hex, -1)) && !(rc = db_bind_int(s, 3, size)) &&
	    !(rc = db_bind_text(s, 4, im->o->user && *im->o->user ? im->o->user : "?", -1)) &&
	    (rc = db_step(s)) >= 0) {
		im->st->upload_id = db_last_id(im->d);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

static int upload_end(struct imp *im)
{
	struct import_stats *st = im->st;
	struct db_stmt *s = NULL;
	int rc = db_prepare(im->d, &s, "UPDATE upload SET layout = ?, rows = ?, written = ?,"
				       " absent = ?, warnings = ? WHERE id = ?");
	if (rc || (rc = db_bind_text(s, 1, st->layout, -1)) || (rc = db_bind_int(s, 2, st->rows)) ||
	    (rc = db_bind_int(s, 3, st->written)) || (rc = db_bind_int(s, 4, st->absent)) ||
	    (rc = db_bind_int(s, 5, st->marked)) || (rc = db_bind_int(s, 6, st->upload_id)) ||
	    (rc = db_step(s)) < 0)
		goto out;
	db_finalize(s);
	if ((rc = db_prepare(im->d, &s, "INSERT INTO upload_school(upload_id, procedure_id, school_id,"
					" rows, written, replaced) VALUES (?, ?, ?, ?, ?, ?)")))
		goto out;
	for (size_t i = 0; i < im->ntouched; i++) {
		const struct touched *t = &im->touched[i];
		db_reset(s);
		if ((rc = db_bind_int(s, 1, st->upload_id)) ||
		    (rc = db_bind_int(s, 2, im->procs[t->proc]->p.id)) ||
		    (rc = db_bind_int(s, 3, t->school_id)) || (rc = db_bind_int(s, 4, t->rows)) ||
		    (rc = db_bind_int(s, 5, t->written)) || (rc = db_bind_int(s, 6, t->replaced)) ||
		    (rc = db_step(s)) < 0)
			goto out;
		st->replaced += t->replaced;
	}
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

/* ---- the report ---- */

static void summarise(struct imp *im, bool stored)
{
	struct import_stats *st = im->st;
	struct hmap schools, with_works;
	hmap_init(&schools);
	hmap_init(&with_works);
	for (size_t i = 0; i < im->ntouched; i++) {
		char key[24];
		int n = snprintf(key, sizeof key, "%lld", (long long)im->touched[i].school_id);
		hmap_put(&schools, key, (size_t)n, 1);
		if (im->touched[i].written)
			hmap_put(&with_works, key, (size_t)n, 1);
	}
	st->schools = (long)schools.count;
	st->schools_written = (long)with_works.count;
	hmap_free(&schools);
	hmap_free(&with_works);
	char *p = st->summary;
	size_t left = sizeof st->summary;
	int n = snprintf(p, left, "макет: %s; строк: %ld, писали работу: %ld, отсутствовали: %ld, "
				  "школ: %ld (с работами: %ld)",
			 layout_title(im->map.kind), st->rows, st->written, st->absent, st->schools,
			 st->schools_written);
	for (int i = 0; i < im->nprocs && n > 0 && (size_t)n < left; i++) {
		p += n;
		left -= (size_t)n;
		n = snprintf(p, left, "%s %s", i ? "," : "; процедура", im->procs[i]->p.code);
	}
	if (n > 0 && (size_t)n < left) {
		p += n;
		left -= (size_t)n;
		n = snprintf(p, left, "\n%s: %ld строк с отмеченными проблемами, заменено прежних "
				      "результатов: %ld, новых школ: %ld",
			     stored ? "сохранено" : "проверено (ничего не сохранено)", st->marked,
			     st->replaced, st->created);
	}
	if (st->skipped && n > 0 && (size_t)n < left) {
		p += n;
		left -= (size_t)n;
		n = snprintf(p, left, "\nпропущено строк только с кодом участника, без результата "
				      "и без отметки об отсутствии: %ld", st->skipped);
	}
	for (int r = 0; r < R_NRULES && n > 0 && (size_t)n < left; r++) {
		if (!im->rule_count[r])
			continue;
		p += n;
		left -= (size_t)n;
		n = snprintf(p, left, "\n  %s [%s]: %ld — %s", rules[r].title, rules[r].code,
			     im->rule_count[r], rules[r].rejects ? "файл отклоняется" : "строка сохранена с отметкой");
	}
}

int import_results(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st)
{
	struct imp *im = xcalloc(1, sizeof *im);
	char msg[512] = "";
	bool began = false;
	int rc;
	memset(st, 0, sizeof *st);
	im->d = d;
	im->path = path;
	im->name = o->name && *o->name ? o->name : path;
	im->o = o;
	im->diags = diags;
	im->st = st;
	im->fixed_proc = -1;
	im->last_touched = -1;
	hmap_init(&im->schools);
	hmap_init(&im->school_mun);
	hmap_init(&im->touched_idx);
	if (sodium_init() < 0) {
		rc = ERR_INVALID;
		goto out;
	}
	/* A form keeps the results on its «Протокол» sheet. */
	char **sheets = NULL;
	size_t nsheets = 0;
	const char *sheet = NULL;
	if ((rc = table_sheets(path, &sheets, &nsheets, msg, sizeof msg))) {
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "read", "%s", msg);
		goto out;
	}
	for (size_t i = 0; i < nsheets; i++) {
		if (str_fold_eq(sheets[i], "Протокол"))
			sheet = "Протокол";
		free(sheets[i]);
	}
	free(sheets);
	/* The ids stored come from the database within this transaction, so checking them
	 * against their tables per row (two look-ups per result) buys nothing: the checks are
	 * switched off for the import and on again at the end. */
	if ((rc = db_exec(d, "PRAGMA foreign_keys = OFF")) || (rc = db_begin(d)))
		goto out;
	began = true;
	if ((rc = registry_school_index(d, &im->schools)) || (rc = upload_begin(im)))
		goto out;
	rc = table_read_threaded(path, sheet, any_row, im, &im->src, msg, sizeof msg);
	if (rc < 0 && *msg)
		diag_add(diags, DIAG_ERROR, im->name, im->src.sheet, 0, NULL, NULL, "read", "%s", msg);
	if (rc == 0 && !im->have_header) {
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "empty",
			 "файл пуст: нет ни строки заголовков, ни данных");
		rc = ERR_INVALID;
	}
	if (rc == 0 && st->rows == 0) {
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "empty",
			 "в файле есть заголовки, но нет ни одной строки с результатами");
		rc = ERR_INVALID;
	}
	if (rc == 0 && diag_errors(diags))
		rc = ERR_INVALID;
	if (rc == 0)
		rc = upload_end(im);
	if (o->progress)
		o->progress(o->progress_ctx, im->src.bytes_total, im->src.bytes_total, st->rows);
out:
	for (int i = 0; i < im->nprocs; i++)
		result_writer_close(im->procs[i]->w);
	if (began) {
		if (rc == 0 && !o->dry_run) {
			if ((rc = db_commit(d)))
				db_rollback(d);
		} else {
			db_rollback(d);
		}
	}
	db_exec(d, "PRAGMA foreign_keys = ON");
	if (im->have_header)
		summarise(im, rc == 0 && !o->dry_run);
	for (int i = 0; i < im->nprocs; i++)
		free(im->procs[i]);
	hmap_free(&im->schools);
	hmap_free(&im->school_mun);
	hmap_free(&im->touched_idx);
	free(im->touched);
	free(im);
	return rc;
}
