/* kim: import of a KIM description (layout 4 of formats.md) as a procedure's positions.
 *
 * The real files have one row per (position, codifier element) pair, so a position
 * repeats: each is taken once, and its repetitions must agree on the maximum. Headers are
 * found by name anywhere in the first rows, the leftmost match winning — real files carry
 * a second header block to the right and may leave the level column empty. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "import/import.h"
#include "model/procedure.h"

#define HEADER_SEARCH_ROWS 30

enum { K_LABEL, K_MAX, K_LEVEL, K_NCOLS };

static const char *const label_names[] = { "№ КИМ", "№ по КИМу", "№ по КИМ", "Номер по КИМ",
					   "Номер задания", "позиция", "position", NULL };
static const char *const max_names[] = { "Максимальный балл", "Макс. балл", "Максимум", "max",
					 NULL };
static const char *const level_names[] = { "Уровень сложности", "Уровень", "level", NULL };

struct kim {
	const char *path;
	struct diag_list *diags;
	struct table_src src;
	struct procedure *p;
	int col[K_NCOLS];
	char header[K_NCOLS][96];
	bool have_header;
	long rows;
	long first_row[PROC_MAX_POSITIONS]; /* where each position was first seen */
};

static void colname(struct kim *k, int which, char *out, size_t n)
{
	table_colname(&k->src, k->col[which], k->header[which], out, n);
}

/* A label as a person writes it: a numeric cell "3.1000000000000001" becomes "3.1". */
static void label_text(const char *v, size_t n, char *out, size_t outlen)
{
	const char *s = v;
	n = str_trim(&s, n);
	double d;
	if (n > 6 && !str_to_double(s, n, &d) && fabs(d) < 1000) {
		snprintf(out, outlen, "%.6g", d);
		return;
	}
	snprintf(out, outlen, "%.*s", (int)n, s);
}

static int find_header(struct kim *k, const struct table_row *r)
{
	int label = table_column_prefix(r, label_names);
	int max = table_column_prefix(r, max_names);
	if (label < 0 || max < 0) {
		if (r->row >= HEADER_SEARCH_ROWS) {
			diag_add(k->diags, DIAG_ERROR, k->path, k->src.sheet, 0, NULL, NULL,
				 "missing_column",
				 "в первых %d строках не найдены заголовки «№ КИМ» и «Максимальный "
				 "балл»: это не похоже на описание КИМ", HEADER_SEARCH_ROWS);
			return ERR_INVALID;
		}
		return 0;
	}
	k->col[K_LABEL] = label;
	k->col[K_MAX] = max;
	k->col[K_LEVEL] = table_column_prefix(r, level_names);
	for (int i = 0; i < K_NCOLS; i++)
		if (k->col[i] >= 0)
			snprintf(k->header[i], sizeof k->header[i], "%s", r->v[k->col[i]]);
	k->have_header = true;
	return 0;
}

static int kim_row(void *ctx, const struct table_row *r)
{
	struct kim *k = ctx;
	if (!k->have_header)
		return find_header(k, r);
	if ((size_t)k->col[K_LABEL] >= r->n)
		return 0;
	char label[64], col[160];
	label_text(r->v[k->col[K_LABEL]], r->len[k->col[K_LABEL]], label, sizeof label);
	if (!*label)
		return 0;
	k->rows++;
	const char *maxs = (size_t)k->col[K_MAX] < r->n ? r->v[k->col[K_MAX]] : "";
	const char *level = k->col[K_LEVEL] >= 0 && (size_t)k->col[K_LEVEL] < r->n
				    ? r->v[k->col[K_LEVEL]] : "";
	long max;
	if (str_to_int(maxs, strlen(maxs), &max) || max < 0 || max > PROC_MAX_POINTS) {
		colname(k, K_MAX, col, sizeof col);
		diag_add(k->diags, DIAG_ERROR, k->path, k->src.sheet, r->row, col, maxs, "max",
			 "максимальный балл позиции «%s» должен быть целым числом от 0 до %d", label,
			 PROC_MAX_POINTS);
		return 0;
	}
	const char *lv = NULL;
	const char *t = level;
	if (str_trim(&t, strlen(level))) {
		lv = procedure_level_canonical(level);
		if (!lv) {
			colname(k, K_LEVEL, col, sizeof col);
			diag_add(k->diags, DIAG_ERROR, k->path, k->src.sheet, r->row, col, level,
				 "level", "неизвестный уровень сложности; допустимы Б, П, В");
			return 0;
		}
	}
	int i = procedure_position_find(k->p, label);
	if (i >= 0) {
		/* A repeated row of the same position: it must say the same. */
		if (k->p->pos[i].max != max) {
			colname(k, K_MAX, col, sizeof col);
			diag_add(k->diags, DIAG_ERROR, k->path, k->src.sheet, r->row, col, maxs,
				 "max_conflict",
				 "позиция «%s» уже встречалась в строке %ld с максимальным баллом %d",
				 label, k->first_row[i], k->p->pos[i].max);
		} else if (lv && !*k->p->pos[i].level) {
			snprintf(k->p->pos[i].level, sizeof k->p->pos[i].level, "%s", lv);
		}
		return 0;
	}
	int rc = procedure_add_position(k->p, label, (int)max, lv);
	if (rc) {
		colname(k, K_LABEL, col, sizeof col);
		diag_add(k->diags, DIAG_ERROR, k->path, k->src.sheet, r->row, col, label, "label",
			 rc == ERR_LIMIT ? "слишком много позиций (больше %d)"
					 : "недопустимая метка позиции (не длиннее %d символов)",
			 rc == ERR_LIMIT ? PROC_MAX_POSITIONS : 31);
		return rc == ERR_LIMIT ? ERR_LIMIT : 0;
	}
	k->first_row[k->p->npos - 1] = r->row;
	k->p->max_score += (int)max;
	return 0;
}

int import_kim(struct db *d, const char *path, const struct import_opts *o,
	       struct diag_list *diags, struct import_stats *st)
{
	struct procedure *p = calloc(1, sizeof *p);
	struct kim *k = calloc(1, sizeof *k);
	char msg[512] = "";
	int rc = 0;
	memset(st, 0, sizeof *st);
	if (!p || !k) {
		rc = ERR_NOMEM;
		goto out;
	}
	k->path = path;
	k->diags = diags;
	k->p = p;
	if (!o->procedure || !*o->procedure) {
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "usage",
			 "укажите процедуру, к которой относится описание КИМ: --procedure "
			 "VPR-2021-RU-4");
		rc = ERR_USAGE;
		goto out;
	}
	if ((rc = procedure_code_parse(o->procedure, p, msg, sizeof msg))) {
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, o->procedure, "procedure_code", "%s",
			 msg);
		goto out;
	}
	struct table_in in = import_input(path, o);
	if (o->name && *o->name)
		k->path = path = o->name;
	rc = table_read(&in, NULL, kim_row, k, &k->src, msg, sizeof msg);
	if (rc < 0 && *msg)
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "read", "%s", msg);
	if (rc == 0 && !k->have_header)
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "missing_column",
			 "не найдены заголовки «№ КИМ» и «Максимальный балл»: это не похоже на "
			 "описание КИМ");
	else if (rc == 0 && p->npos == 0)
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "empty",
			 "в описании КИМ нет ни одной позиции");
	st->rows = k->rows;
	if (rc == 0 && diag_errors(diags))
		rc = ERR_INVALID;
	if (rc)
		goto out;
	/* Keep a scale already stored unless a new one is given. */
	struct procedure old;
	if (procedure_get(d, p->code, &old) == 0) {
		st->updated = 1;
		p->has_scale = old.has_scale;
		memcpy(p->scale, old.scale, sizeof p->scale);
	} else {
		st->created = 1;
	}
	if (o->scale && *o->scale && (rc = procedure_scale_parse(o->scale, p, msg, sizeof msg))) {
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, o->scale, "scale", "%s", msg);
		goto out;
	}
	if ((rc = procedure_validate(p, msg, sizeof msg))) {
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "scale", "%s", msg);
		goto out;
	}
	if (!o->dry_run) {
		const char *base = strrchr(path, '/');
		snprintf(p->source, sizeof p->source, "описание КИМ «%s»%s", base ? base + 1 : path,
			 p->has_scale ? "" : "; шкалы отметок нет");
		if ((rc = db_begin(d)))
			goto out;
		if ((rc = procedure_put(d, p, msg, sizeof msg))) {
			db_rollback(d);
			diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "store",
				 "описание КИМ не сохранено: %s", msg);
			goto out;
		}
		if ((rc = db_commit(d))) {
			db_rollback(d);
			goto out;
		}
	}
	int levels = 0;
	for (int i = 0; i < p->npos; i++)
		levels += p->pos[i].level[0] != '\0';
	snprintf(st->summary, sizeof st->summary,
		 "%s %s: %d %s, максимальный балл %d, уровень сложности указан у %d %s",
		 o->dry_run ? "Проверено описание КИМ процедуры" : "Загружено описание КИМ процедуры",
		 p->code, p->npos, str_plural(p->npos, "позиция", "позиции", "позиций"), p->max_score, levels,
		 str_plural(levels, "позиции", "позиций", "позиций"));
out:
	free(p);
	free(k);
	return rc;
}
