/* medalists: import of the medalists' list (medalists.csv) and of the medal thresholds
 * (medal_thresholds.csv), docs/formats.md and docs/medalists.md.
 *
 *   school,year,code,medal
 *   year,medal,subject,min_score,min_mark,source
 *
 * Both files are small: every row is checked into memory first, each problem named by row,
 * column and value in Russian, and the rows are stored through model/medalist in one
 * transaction only when no row is refused. A medalists' file replaces the lists of the
 * (school, year) pairs it names; a thresholds file replaces the thresholds of its years. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "import/named.h"
#include "model/medalist.h"
#include "model/registry.h"
#include "model/scope.h"

#define MAX_ROWS 200000 /* a region's medalists are thousands a year */

static bool too_many(struct named_reader *rd, const struct table_row *r)
{
	if (++rd->rows <= MAX_ROWS)
		return false;
	named_err(rd, r->row, -1, NULL, "too_many_rows", "больше %d строк: это не похоже на список",
	       MAX_ROWS);
	return true;
}

/* A year 2000..2100 into *y; false (and a problem) otherwise. */
static bool year_ok(struct named_reader *rd, long row, int k, const char *v, int *y)
{
	long n;
	if (!*v) {
		named_err(rd, row, k, v, "required", "не указан год");
		return false;
	}
	if (str_to_int(v, strlen(v), &n) || n < 2000 || n > 2100) {
		named_err(rd, row, k, v, "year", "год — число от 2000 до 2100, например 2025");
		return false;
	}
	*y = (int)n;
	return true;
}

/* ---- medalists.csv ---- */

enum { M_SCHOOL, M_YEAR, M_CODE, M_MEDAL, M_NCOLS };
static const char *const med_cols[M_NCOLS][4] = {
	{ "school", "школа", "логин", NULL },
	{ "year", "год", NULL },
	{ "code", "код", "код участника", NULL },
	{ "medal", "медаль", NULL },
};
static const bool med_required[M_NCOLS] = { true, true, true, true };

struct med_reader {
	struct named_reader rd; /* its schools: login → school id (aliases too) */
	struct scope scope;
	struct medalist_item *items;
	size_t n, cap;
};

static int medalist_row(void *ctx, const struct table_row *r)
{
	struct med_reader *mr = ctx;
	struct named_reader *rd = &mr->rd;
	if (!rd->have_header)
		return named_header(rd, r);
	if (table_row_blank(r))
		return 0;
	if (too_many(rd, r))
		return ERR_LIMIT;
	size_t before = diag_errors(rd->diags);
	struct medalist_item it = { 0 };
	const char *login = named_cell(rd, r, M_SCHOOL), *year = named_cell(rd, r, M_YEAR),
		   *code = named_cell(rd, r, M_CODE), *medal = named_cell(rd, r, M_MEDAL);
	if (!*login) {
		named_err(rd, r->row, M_SCHOOL, login, "required", "не указан логин школы");
	} else if (!hmap_get(&mr->rd.schools, login, strlen(login), &it.school_id)) {
		named_err(rd, r->row, M_SCHOOL, login, "school", "школы с этим логином нет в реестре школ");
	} else if (!scope_sees_school(mr->rd.db, &mr->scope, it.school_id)) {
		named_err(rd, r->row, M_SCHOOL, login, "scope",
		       mr->scope.kind == SCOPE_SCHOOL ? "можно загружать только медалистов своей школы"
						      : "эта школа не относится к вашей территории");
	}
	year_ok(rd, r->row, M_YEAR, year, &it.year);
	if (!*code)
		named_err(rd, r->row, M_CODE, code, "required", "не указан код участника");
	else if (strlen(code) >= MEDAL_CODE_MAX || named_has_control(code))
		named_err(rd, r->row, M_CODE, code, "code",
		       "код участника — не длиннее %d байт, без управляющих символов (фамилии и имена не "
		       "нужны: только код, как в результатах ЕГЭ)", MEDAL_CODE_MAX - 1);
	else
		snprintf(it.code, sizeof it.code, "%s", code);
	it.medal = medal_parse(medal);
	if (it.medal < 0)
		named_err(rd, r->row, M_MEDAL, medal, *medal ? "medal" : "required",
		       *medal ? "медаль — «медаль» (до 2024 года), «1» (I степени) или «2» (II степени)"
			      : "не указана медаль: «медаль», «1» или «2»");
	if (diag_errors(rd->diags) == before) {
		char key[MEDAL_CODE_MAX + 48];
		int kn = snprintf(key, sizeof key, "%lld\x1f%d\x1f%s", (long long)it.school_id, it.year,
				  it.code);
		int64_t first;
		if (hmap_get(&rd->seen, key, (size_t)kn, &first))
			named_err(rd, r->row, M_CODE, code, "duplicate",
			       "этот участник этой школы и года уже есть в файле выше (строка %lld)",
			       (long long)first);
		else
			hmap_put(&rd->seen, key, (size_t)kn, r->row);
	}
	if (diag_errors(rd->diags) > before) {
		rd->bad++;
		return 0;
	}
	mr->items = xgrow(mr->items, &mr->cap, mr->n + 1, sizeof it);
	mr->items[mr->n++] = it;
	return 0;
}

static struct scope scope_of_opts(const struct import_opts *o)
{
	if (o->only_school > 0)
		return (struct scope){ SCOPE_SCHOOL, o->only_school };
	if (o->only_municipality > 0)
		return (struct scope){ SCOPE_MUNICIPALITY, o->only_municipality };
	if (o->only_region > 0)
		return (struct scope){ SCOPE_REGION, o->only_region };
	return scope_all();
}

int import_medalists(struct db *d, const char *path, const struct import_opts *o,
		     struct diag_list *diags, struct import_stats *st)
{
	struct med_reader mr = { .scope = scope_of_opts(o) };
	struct named_reader *rd = &mr.rd;
	named_init(rd, d, path, o, diags);
	rd->ncols = M_NCOLS;
	rd->names = med_cols;
	rd->required = med_required;
	memset(st, 0, sizeof *st);
	int rc = registry_school_index(d, &mr.rd.schools);
	if (rc)
		goto out;
	struct table_in in = import_input(path, o);
	rc = import_read_table(&in, medalist_row, &mr, &rd->src, rd->path, &rd->have_header, diags);
	st->rows = rd->rows;
	st->rejected = rd->bad;
	if (!rc && !mr.n) {
		diag_add(diags, DIAG_ERROR, rd->path, NULL, 0, NULL, NULL, "empty",
			 "в файле нет ни одного медалиста");
		rc = ERR_INVALID;
	}
	if (rc)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	long replaced = 0;
	rc = medalist_replace(d, mr.items, mr.n, rd->path, o->user && *o->user ? o->user : "oko import",
			      &replaced);
	if (rc)
		diag_add(diags, DIAG_ERROR, rd->path, NULL, 0, NULL, NULL, "db",
			 "не удалось сохранить медалистов: %s", db_errmsg(d));
	st->created = (long)mr.n;
	st->replaced = replaced;
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc) {
		long schools = 0;
		for (size_t i = 0; i < mr.n; i++) {
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = mr.items[j].school_id == mr.items[i].school_id &&
				       mr.items[j].year == mr.items[i].year;
			schools += !seen;
		}
		st->schools = schools;
		snprintf(st->summary, sizeof st->summary,
			 o->dry_run ? "проверено медалистов: %ld (списков школ: %ld); ошибок нет, ничего не "
				      "сохранено"
				    : "медалистов: %ld (списков школ: %ld); заменено прежних записей: %ld",
			 (long)mr.n, schools, st->replaced);
	}
	free(mr.items);
	named_free(rd);
	return rc;
}

/* ---- medal_thresholds.csv ---- */

enum { T_YEAR, T_MEDAL, T_SUBJECT, T_SCORE, T_MARK, T_SOURCE, T_NCOLS };
static const char *const thr_cols[T_NCOLS][4] = {
	{ "year", "год", NULL },
	{ "medal", "медаль", NULL },
	{ "subject", "предмет", NULL },
	{ "min_score", "минимальный балл", "балл", NULL },
	{ "min_mark", "минимальная отметка", "отметка", NULL },
	{ "source", "источник", NULL },
};
/* Every column is required, but the thresholds' source. */
static const bool thr_required[T_NCOLS] = { true, true, true, true, true, false };

struct thr_reader {
	struct named_reader rd;
	struct medal_threshold *items;
	size_t n, cap;
};

static int threshold_row(void *ctx, const struct table_row *r)
{
	struct thr_reader *tr = ctx;
	struct named_reader *rd = &tr->rd;
	if (!rd->have_header)
		return named_header(rd, r);
	if (table_row_blank(r))
		return 0;
	if (too_many(rd, r))
		return ERR_LIMIT;
	size_t before = diag_errors(rd->diags);
	struct medal_threshold t = { .min_score = -1, .min_mark = -1 };
	const char *year = named_cell(rd, r, T_YEAR), *medal = named_cell(rd, r, T_MEDAL),
		   *subj = named_cell(rd, r, T_SUBJECT), *score = named_cell(rd, r, T_SCORE),
		   *mark = named_cell(rd, r, T_MARK), *src = named_cell(rd, r, T_SOURCE);
	year_ok(rd, r->row, T_YEAR, year, &t.year);
	t.medal = medal_parse(medal);
	if (t.medal < 0)
		named_err(rd, r->row, T_MEDAL, medal, "medal",
		       "медаль — «медаль» (до 2024 года), «1» (I степени) или «2» (II степени)");
	if (!medal_subject_valid(subj))
		named_err(rd, r->row, T_SUBJECT, subj, "subject",
		       "предмет — код предмета (RU — русский язык, MA — математика профильного уровня, "
		       "MB — базового, FI, HI, BI, IS, OB, GG, EN, DE, FR, LI, IN) или «*» — любой "
		       "другой предмет");
	else
		snprintf(t.subject, sizeof t.subject, "%s", subj);
	long v;
	if (*score && *mark)
		named_err(rd, r->row, T_MARK, mark, "threshold",
		       "укажите либо минимальный балл, либо минимальную отметку, не оба");
	else if (*score) {
		if (str_to_int(score, strlen(score), &v) || v < 0 || v > 100)
			named_err(rd, r->row, T_SCORE, score, "min_score",
			       "минимальный балл — целое число от 0 до 100");
		else
			t.min_score = (int)v;
	} else if (*mark) {
		if (str_to_int(mark, strlen(mark), &v) || v < 2 || v > 5)
			named_err(rd, r->row, T_MARK, mark, "min_mark",
			       "минимальная отметка — целое число от 2 до 5");
		else if (!strcmp(subj, "*"))
			named_err(rd, r->row, T_MARK, mark, "min_mark",
			       "для «любого другого предмета» порог — тестовый балл, не отметка");
		else
			t.min_mark = (int)v;
	} else {
		named_err(rd, r->row, T_SCORE, score, "required",
		       "не указан ни минимальный балл, ни минимальная отметка");
	}
	if (strlen(src) >= MEDAL_SOURCE_MAX || named_has_control(src))
		named_err(rd, r->row, T_SOURCE, src, "source",
		       "источник — не длиннее %d байт, в одну строку", MEDAL_SOURCE_MAX - 1);
	else
		snprintf(t.source, sizeof t.source, "%s", src);
	if (diag_errors(rd->diags) == before) {
		char key[64];
		int kn = snprintf(key, sizeof key, "%d\x1f%d\x1f%s", t.year, t.medal, t.subject);
		int64_t first;
		if (hmap_get(&rd->seen, key, (size_t)kn, &first))
			named_err(rd, r->row, T_SUBJECT, subj, "duplicate",
			       "порог этого года, медали и предмета уже есть в файле выше (строка %lld)",
			       (long long)first);
		else
			hmap_put(&rd->seen, key, (size_t)kn, r->row);
	}
	if (diag_errors(rd->diags) > before) {
		rd->bad++;
		return 0;
	}
	tr->items = xgrow(tr->items, &tr->cap, tr->n + 1, sizeof t);
	tr->items[tr->n++] = t;
	return 0;
}

int import_medal_thresholds(struct db *d, const char *path, const struct import_opts *o,
			    struct diag_list *diags, struct import_stats *st)
{
	struct thr_reader tr = { 0 };
	struct named_reader *rd = &tr.rd;
	named_init(rd, d, path, o, diags);
	rd->ncols = T_NCOLS;
	rd->names = thr_cols;
	rd->required = thr_required;
	memset(st, 0, sizeof *st);
	struct table_in in = import_input(path, o);
	int rc = import_read_table(&in, threshold_row, &tr, &rd->src, rd->path, &rd->have_header,
				   diags);
	st->rows = rd->rows;
	st->rejected = rd->bad;
	if (!rc && !tr.n) {
		diag_add(diags, DIAG_ERROR, rd->path, NULL, 0, NULL, NULL, "empty",
			 "в файле нет ни одного порога");
		rc = ERR_INVALID;
	}
	if (rc)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	rc = medal_thresholds_put(d, 0, tr.items, tr.n, o->user && *o->user ? o->user : "oko import");
	if (rc)
		diag_add(diags, DIAG_ERROR, rd->path, NULL, 0, NULL, NULL, "db",
			 "не удалось сохранить пороги: %s", db_errmsg(d));
	st->created = (long)tr.n;
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary,
			 o->dry_run ? "проверено порогов: %ld; ошибок нет, ничего не сохранено"
				    : "порогов: %ld; пороги годов из файла заменены",
			 (long)tr.n);
	free(tr.items);
	named_free(rd);
	return rc;
}
