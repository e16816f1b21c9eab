/* registry: import of schools.csv and procedures.csv (canonical layouts of formats.md).
 *
 * Both files are small (thousands of rows), so rows are validated into memory first and
 * stored in one transaction only when the whole file is clean. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "model/procedure.h"
#include "model/registry.h"

#define MAX_ROWS 1000000 /* a schools or procedures file larger than this is not one */

/* State shared by the row callbacks of both importers. */
struct reader {
	const char *path;        /* the file as the user knows it, for messages */
	struct table_in in;
	struct diag_list *diags;
	struct table_src src;
	struct arena arena;
	int ncols;
	int col[8];
	const char *colname[8];
	char header[8][64];
	bool have_header;
	long rows;
	long bad_rows;
	void *items;
	size_t nitems, cap;
	struct hmap seen; /* keys met so far, to refuse duplicates */
	const char *region; /* schools: the region when the file names none (--region) */
	long guessed;       /* schools: kinds guessed from the name */
	long proposed;      /* schools: aliases proposed (another school, the same digits) */
};

static void row_error(struct reader *rd, long row, int k, const char *value, const char *code,
		      const char *msg)
{
	char col[128];
	table_colname(&rd->src, rd->col[k], rd->header[k], col, sizeof col);
	diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, row, col, value, code, "%s", msg);
}

/* Maps the header row to the columns named in names[k][0..]; reports missing ones. */
static int map_header(struct reader *rd, const struct table_row *r, const char *const names[][4],
		      int ncols, const bool *required)
{
	rd->ncols = ncols;
	for (int k = 0; k < ncols; k++) {
		rd->col[k] = table_column(r, names[k]);
		/* Messages name the column as the file heads it. */
		str_copy_utf8(rd->header[k], sizeof rd->header[k],
			      rd->col[k] >= 0 ? r->v[rd->col[k]] : names[k][0]);
		if (rd->col[k] < 0 && required[k])
			diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
				 "missing_column",
				 "в строке заголовков нет обязательного столбца «%s»", names[k][0]);
	}
	rd->have_header = true;
	return diag_errors(rd->diags) ? ERR_INVALID : 0;
}

/* ---- schools ---- */

enum { S_LOGIN, S_NAME, S_MUN, S_REGION, S_KIND, S_SETTLEMENT, S_INDEPTH, S_ADDRESS, S_NCOLS };
static const char *const school_cols[S_NCOLS][4] = {
	{ "login", "логин", NULL }, { "name", "наименование", "имя", NULL },
	{ "municipality", "муниципалитет", NULL }, { "region", "регион", NULL },
	{ "kind", "тип", NULL }, { "settlement", "местность", NULL },
	{ "indepth", "углублённое", NULL }, { "address", "адрес", NULL },
};
/* The region's own school list has only «логин, имя, регион», its «регион» holding the
 * municipality (as in the ВПР exports): without a municipality column, «регион» is read
 * as the municipality and the region comes from --region. Without a kind column the kind
 * is guessed from the name and marked as guessed. */
static const bool school_required[S_NCOLS] = { true, true, false, false, false, false, false,
						false };

static int school_row(void *ctx, const struct table_row *r)
{
	struct reader *rd = ctx;
	if (!rd->have_header) {
		int rc = map_header(rd, r, school_cols, S_NCOLS, school_required);
		if (rc)
			return rc;
		/* «регион» holds the municipality when there is no municipality column. */
		if (rd->col[S_MUN] < 0 && rd->col[S_REGION] >= 0) {
			rd->col[S_MUN] = rd->col[S_REGION];
			rd->col[S_REGION] = -1;
			snprintf(rd->header[S_MUN], sizeof rd->header[S_MUN], "%s", "регион");
		}
		if (rd->col[S_MUN] < 0) {
			diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
				 "missing_column", "в строке заголовков нет обязательного столбца "
				 "«municipality» (или «муниципалитет»; в списке ОО региона — «регион»)");
			return ERR_INVALID;
		}
		return 0;
	}
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_ROWS) {
		diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
			 "too_many_rows", "больше %d строк: это не похоже на список школ", MAX_ROWS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct school s = { 0 };
	s.login = table_cell_dup(&rd->arena, r, rd->col[S_LOGIN]);
	s.name = table_cell_dup(&rd->arena, r, rd->col[S_NAME]);
	s.municipality = table_cell_dup(&rd->arena, r, rd->col[S_MUN]);
	s.region = table_cell_dup(&rd->arena, r, rd->col[S_REGION]);
	const char *kind = table_cell_dup(&rd->arena, r, rd->col[S_KIND]);
	const char *settl = table_cell_dup(&rd->arena, r, rd->col[S_SETTLEMENT]);
	const char *indepth = table_cell_dup(&rd->arena, r, rd->col[S_INDEPTH]);
	/* A file without the column keeps the stored addresses. */
	s.address = rd->col[S_ADDRESS] < 0 ? NULL : table_cell_dup(&rd->arena, r, rd->col[S_ADDRESS]);
	if (s.address && strlen(s.address) > 300)
		row_error(rd, r->row, S_ADDRESS, s.address, "address",
			  "адрес длиннее 300 байт: проверьте, что в столбце только адрес школы");

	if (!registry_login_valid(s.login))
		row_error(rd, r->row, S_LOGIN, s.login, "login",
			  *s.login ? "логин школы может содержать только латинские буквы, цифры, «_» и "
				     "«-» (например sch220206)"
				   : "не указан логин школы");
	if (!*s.name)
		row_error(rd, r->row, S_NAME, s.name, "required", "не указано наименование школы");
	if (!*s.municipality)
		row_error(rd, r->row, S_MUN, s.municipality, "required", "не указан муниципалитет");
	if (!*s.region) {
		if (rd->col[S_REGION] >= 0 || !rd->region || !*rd->region)
			row_error(rd, r->row, S_REGION, s.region, "required",
				  rd->col[S_REGION] >= 0 ? "не указан регион"
							 : "в файле нет столбца региона: укажите регион "
							   "параметром --region");
		else
			s.region = rd->region;
	}
	if (rd->col[S_KIND] < 0) {
		/* No kind column: the name says it, marked as guessed for a person to check. */
		s.kind = registry_kind_guess(s.name);
		s.kind_guessed = true;
		rd->guessed++;
	} else {
		s.kind = registry_kind_canonical(kind);
		if (!s.kind)
			row_error(rd, r->row, S_KIND, kind, "kind",
				  "неизвестный тип школы; допустимы: СОШ, ООШ, НОШ, лицей, гимназия, "
				  "филиал, другое");
	}
	if (*settl) {
		s.settlement = registry_settlement_canonical(settl);
		if (!s.settlement)
			row_error(rd, r->row, S_SETTLEMENT, settl, "settlement",
				  "местность должна быть «город» или «село»");
	}
	if (*indepth && strcmp(indepth, "0") && strcmp(indepth, "1"))
		row_error(rd, r->row, S_INDEPTH, indepth, "indepth",
			  "признак углублённого изучения должен быть 0 или 1");
	s.indepth = !strcmp(indepth, "1");
	if (registry_login_valid(s.login) && !hmap_put(&rd->seen, s.login, strlen(s.login), r->row))
		row_error(rd, r->row, S_LOGIN, s.login, "duplicate",
			  "школа с этим логином уже встречалась в файле выше");
	if (diag_errors(rd->diags) > before) {
		rd->bad_rows++;
		return 0;
	}
	rd->items = xgrow(rd->items, &rd->cap, rd->nitems + 1, sizeof s);
	((struct school *)rd->items)[rd->nitems++] = s;
	return 0;
}

static void reader_init(struct reader *rd, const char *path, const struct import_opts *o,
			struct diag_list *diags)
{
	memset(rd, 0, sizeof *rd);
	rd->path = o->name && *o->name ? o->name : path;
	rd->in = import_input(path, o);
	rd->diags = diags;
	arena_init(&rd->arena, 0);
	hmap_init(&rd->seen);
}

static void reader_free(struct reader *rd)
{
	arena_free(&rd->arena);
	hmap_free(&rd->seen);
	free(rd->items);
}

/* Reads the whole table through fn; turns a reading failure into a diagnostic. */
static int read_all(struct reader *rd, table_row_fn fn)
{
	return import_read_table(&rd->in, fn, rd, &rd->src, rd->path, &rd->have_header, rd->diags);
}

int import_schools(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st)
{
	struct reader rd;
	reader_init(&rd, path, o, diags);
	rd.region = o->region;
	memset(st, 0, sizeof *st);
	int rc = read_all(&rd, school_row);
	st->rows = rd.rows;
	st->rejected = rd.bad_rows;
	if (rc || o->dry_run)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	const struct school *items = rd.items;
	for (size_t i = 0; i < rd.nitems; i++) {
		int64_t id;
		bool exists = registry_school_find(d, items[i].login, &id) == 0;
		if ((rc = registry_school_put(d, &items[i], &id))) {
			diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, items[i].login, "db",
				 "не удалось сохранить школу: %s", db_errmsg(d));
			db_rollback(d);
			goto out;
		}
		long proposed = 0;
		if (!exists && (rc = registry_alias_propose(d, id, &proposed))) {
			db_rollback(d);
			goto out;
		}
		rd.proposed += proposed;
		if (exists)
			st->updated++;
		else
			st->created++;
	}
	if ((rc = db_commit(d))) {
		db_rollback(d);
		goto out;
	}
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary, "%s школ: %ld (новых %ld, обновлено %ld)%s%s",
			 o->dry_run ? "Проверено" : "Загружено", rd.rows, st->created, st->updated,
			 rd.guessed ? "; тип школы определён по названию (столбца типа в файле нет) — "
				      "проверьте: oko schools list --guessed" : "",
			 rd.proposed ? "; у новых школ есть двойники с теми же цифрами логина — "
				       "подтвердите или отклоните: oko schools aliases" : "");
	reader_free(&rd);
	return rc;
}

/* ---- procedures ---- */

enum { P_CODE, P_KIND, P_YEAR, P_SUBJECT, P_GRADE, P_MAX, P_POSITIONS, P_SCALE, P_NCOLS };
static const char *const proc_cols[P_NCOLS][4] = {
	{ "procedure", "процедура", NULL }, { "kind", "вид", NULL }, { "year", "год", NULL },
	{ "subject", "предмет", NULL }, { "grade", "класс", NULL },
	{ "max_score", "максимальный балл", NULL }, { "positions", "позиции", NULL },
	{ "scale", "шкала", NULL },
};
static const bool proc_required[P_NCOLS] = { true, false, false, false, false, true, true,
					     false };

static int proc_row(void *ctx, const struct table_row *r)
{
	struct reader *rd = ctx;
	if (!rd->have_header)
		return map_header(rd, r, proc_cols, P_NCOLS, proc_required);
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_ROWS)
		return ERR_LIMIT;
	size_t before = diag_errors(rd->diags);
	struct procedure *p = arena_alloc(&rd->arena, sizeof *p);
	char msg[512] = "";
	const char *code = table_cell_dup(&rd->arena, r, rd->col[P_CODE]);
	if (procedure_code_parse(code, p, msg, sizeof msg)) {
		row_error(rd, r->row, P_CODE, code, "procedure_code", msg);
		goto done;
	}
	/* The separate kind/year/subject/grade columns must agree with the code. */
	char expect[4][16];
	snprintf(expect[0], sizeof expect[0], "%s", p->kind);
	snprintf(expect[1], sizeof expect[1], "%d", p->year);
	snprintf(expect[2], sizeof expect[2], "%s", p->subject);
	snprintf(expect[3], sizeof expect[3], "%d", p->grade);
	for (int k = P_KIND; k <= P_GRADE; k++) {
		const char *v = table_cell_dup(&rd->arena, r, rd->col[k]);
		if (*v && !str_fold_eq(v, expect[k - P_KIND])) {
			snprintf(msg, sizeof msg, "значение не совпадает с кодом процедуры %s (там %s)",
				 code, expect[k - P_KIND]);
			row_error(rd, r->row, k, v, "procedure_mismatch", msg);
		}
	}
	const char *base = strrchr(rd->path, '/');
	snprintf(p->source, sizeof p->source, "файл процедур «%s»", base ? base + 1 : rd->path);
	const char *pos = table_cell_dup(&rd->arena, r, rd->col[P_POSITIONS]);
	if (procedure_positions_parse(pos, p, msg, sizeof msg))
		row_error(rd, r->row, P_POSITIONS, pos, "positions", msg);
	else if (p->npos == 0)
		row_error(rd, r->row, P_POSITIONS, pos, "positions", "не указано ни одной позиции");
	const char *max = table_cell_dup(&rd->arena, r, rd->col[P_MAX]);
	long m;
	if (str_to_int(max, strlen(max), &m) || m < 0) {
		row_error(rd, r->row, P_MAX, max, "max_score",
			  "максимальный балл должен быть целым неотрицательным числом");
	} else if (p->npos > 0 && m != p->max_score) {
		snprintf(msg, sizeof msg, "максимальный балл не равен сумме максимумов позиций (%d)",
			 p->max_score);
		row_error(rd, r->row, P_MAX, max, "max_score", msg);
	}
	const char *scale = table_cell_dup(&rd->arena, r, rd->col[P_SCALE]);
	if (*scale) {
		if (procedure_scale_parse(scale, p, msg, sizeof msg) ||
		    procedure_validate(p, msg, sizeof msg))
			row_error(rd, r->row, P_SCALE, scale, "scale", msg);
	}
	if (!hmap_put(&rd->seen, p->code, strlen(p->code), r->row))
		row_error(rd, r->row, P_CODE, code, "duplicate",
			  "эта процедура уже встречалась в файле выше");
done:
	if (diag_errors(rd->diags) > before) {
		rd->bad_rows++;
		return 0;
	}
	rd->items = xgrow(rd->items, &rd->cap, rd->nitems + 1, sizeof p);
	((struct procedure **)rd->items)[rd->nitems++] = p;
	return 0;
}

int import_procedures(struct db *d, const char *path, const struct import_opts *o,
		      struct diag_list *diags, struct import_stats *st)
{
	struct reader rd;
	reader_init(&rd, path, o, diags);
	memset(st, 0, sizeof *st);
	int rc = read_all(&rd, proc_row);
	st->rows = rd.rows;
	st->rejected = rd.bad_rows;
	if (rc || o->dry_run)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	struct procedure **items = rd.items;
	for (size_t i = 0; i < rd.nitems; i++) {
		struct procedure old;
		bool exists = procedure_get(d, items[i]->code, &old) == 0;
		char msg[512] = "";
		if ((rc = procedure_put(d, items[i], msg, sizeof msg))) {
			diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, items[i]->code, "store",
				 "процедура не сохранена: %s", msg);
			db_rollback(d);
			goto out;
		}
		if (exists)
			st->updated++;
		else
			st->created++;
	}
	if ((rc = db_commit(d)))
		db_rollback(d);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary,
			 "%s процедур: %ld (новых %ld, обновлено %ld)",
			 o->dry_run ? "Проверено" : "Загружено", rd.rows, st->created, st->updated);
	reader_free(&rd);
	return rc;
}

/* ---- aliases.csv: login,alias (one school, another of its logins) ---- */

enum { A_LOGIN, A_ALIAS, A_NCOLS };
static const char *const alias_cols[A_NCOLS][4] = {
	{ "login", "логин", NULL }, { "alias", "другой логин", "псевдоним", NULL },
};
static const bool alias_required[A_NCOLS] = { true, true };

struct alias_item {
	const char *login, *alias;
	long row;
};

static int alias_row(void *ctx, const struct table_row *r)
{
	struct reader *rd = ctx;
	if (!rd->have_header)
		return map_header(rd, r, alias_cols, A_NCOLS, alias_required);
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_ROWS) {
		diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
			 "too_many_rows", "больше %d строк: это не похоже на список логинов", MAX_ROWS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct alias_item a = { table_cell_dup(&rd->arena, r, rd->col[A_LOGIN]),
				table_cell_dup(&rd->arena, r, rd->col[A_ALIAS]), r->row };
	for (int k = 0; k < A_NCOLS; k++) {
		const char *v = k == A_LOGIN ? a.login : a.alias;
		if (!registry_login_valid(v))
			row_error(rd, r->row, k, v, "login",
				  *v ? "логин может содержать только латинские буквы, цифры, «_» и «-»"
				     : "не указан логин");
	}
	if (!strcmp(a.login, a.alias))
		row_error(rd, r->row, A_ALIAS, a.alias, "same", "логин и другой логин совпадают");
	else if (registry_login_valid(a.alias) && !hmap_put(&rd->seen, a.alias, strlen(a.alias), r->row))
		row_error(rd, r->row, A_ALIAS, a.alias, "duplicate",
			  "этот логин уже встречался в файле выше");
	if (diag_errors(rd->diags) > before) {
		rd->bad_rows++;
		return 0;
	}
	rd->items = xgrow(rd->items, &rd->cap, rd->nitems + 1, sizeof a);
	((struct alias_item *)rd->items)[rd->nitems++] = a;
	return 0;
}

int import_aliases(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st)
{
	struct reader rd;
	reader_init(&rd, path, o, diags);
	memset(st, 0, sizeof *st);
	int rc = read_all(&rd, alias_row);
	st->rows = rd.rows;
	st->rejected = rd.bad_rows;
	if (rc)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	const struct alias_item *items = rd.items;
	for (size_t i = 0; i < rd.nitems; i++) {
		char msg[256] = "", col[128];
		int64_t id;
		table_colname(&rd.src, rd.col[A_LOGIN], rd.header[A_LOGIN], col, sizeof col);
		if (registry_school_find(d, items[i].login, &id)) {
			diag_add(diags, DIAG_ERROR, rd.path, rd.src.sheet, items[i].row, col, items[i].login,
				 "unknown_school", "школы с таким логином нет в реестре");
			continue;
		}
		int arc = registry_alias_add(d, items[i].alias, id, "файл псевдонимов",
					      o->user ? o->user : "", msg, sizeof msg);
		if (arc == ERR_EXISTS || arc == ERR_INVALID) {
			table_colname(&rd.src, rd.col[A_ALIAS], rd.header[A_ALIAS], col, sizeof col);
			diag_add(diags, DIAG_ERROR, rd.path, rd.src.sheet, items[i].row, col, items[i].alias,
				 "alias", "%s", msg);
		} else if (arc) {
			rc = arc;
			break;
		} else {
			st->created++;
		}
	}
	if (!rc && diag_errors(diags))
		rc = ERR_INVALID;
	if (rc || o->dry_run)
		db_rollback(d);
	else if ((rc = db_commit(d)))
		db_rollback(d);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary, "%s других логинов школ: %ld",
			 o->dry_run ? "Проверено" : "Записано", st->created);
	reader_free(&rd);
	return rc;
}
