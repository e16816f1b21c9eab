/* pupils: import of a school's class list (CSV or XLSX) into model/pupil.
 *
 * Liberal in headers: the header row may follow a few title rows, and columns are found
 * by many names («Класс», «Фамилия», «Имя», «Отчество», or one «ФИО» column). Strict in
 * values: a class must be a grade 1..11 with a letter, a name must be letters. The whole
 * file is stored in one transaction, or nothing when any row is wrong. Names are never
 * written into messages' values beyond the offending cell itself, which the coordinator
 * of the school is looking at anyway. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "model/keys.h"
#include "model/pupil.h"

#define MAX_ROWS 20000    /* a school larger than this is not a school */
#define HEADER_SCAN 20    /* rows to look through for the header row */

enum { C_CLASS, C_FIO, C_SURNAME, C_NAME, C_PATRONYMIC, C_N };

static const char *const class_names[] = { "класс", "class", "наименование класса", "класс/группа",
					    "класс (группа)", "литера класса", NULL };
static const char *const fio_names[] = { "фио", "ф.и.о.", "ф.и.о", "ф. и. о.", "фамилия имя отчество",
					  "фамилия, имя, отчество", "фио обучающегося", "фио ученика",
					  "фио участника", "обучающийся", "ученик", "участник",
					  "full name", NULL };
static const char *const fio_prefixes[] = { "фио ", "ф.и.о. ", "фамилия, имя", "фамилия имя", NULL };
static const char *const surname_names[] = { "фамилия", "surname", "last name", NULL };
static const char *const name_names[] = { "имя", "first name", NULL };
static const char *const patronymic_names[] = { "отчество", "patronymic", "middle name", NULL };
static const char *const titles[C_N] = { "Класс", "ФИО", "Фамилия", "Имя", "Отчество" };

struct item {
	char class_name[PUPIL_CLASS_MAX];
	int grade;
	char *name; /* normalised full name, in the arena (wiped at the end) */
	size_t len;
};

struct reader {
	const char *path;   /* for messages */
	const char *file;
	struct diag_list *diags;
	struct table_src src;
	struct arena arena;
	int col[C_N];
	char header[C_N][64];
	bool have_header;
	int scanned;
	long rows, bad_rows;
	struct item *items;
	size_t n, cap;
	struct hmap seen;
};

static void row_error(struct reader *rd, long row, int k, const char *value, const char *code,
		      const char *msg)
{
	char col[128];
	table_colname(&rd->src, rd->col[k], rd->header[k], col, sizeof col);
	diag_add(rd->diags, DIAG_ERROR, rd->file, rd->src.sheet, row, col, value, code, "%s", msg);
}

/* Tries r as the header row; true when it names a class and the names. */
static bool try_header(struct reader *rd, const struct table_row *r)
{
	int c[C_N];
	c[C_CLASS] = table_column(r, class_names);
	c[C_FIO] = table_column(r, fio_names);
	if (c[C_FIO] < 0)
		c[C_FIO] = table_column_prefix(r, fio_prefixes);
	c[C_SURNAME] = table_column(r, surname_names);
	c[C_NAME] = table_column(r, name_names);
	c[C_PATRONYMIC] = table_column(r, patronymic_names);
	bool names = c[C_FIO] >= 0 || (c[C_SURNAME] >= 0 && c[C_NAME] >= 0);
	if (c[C_CLASS] < 0 || !names)
		return false;
	if (c[C_SURNAME] >= 0 && c[C_NAME] >= 0)
		c[C_FIO] = -1; /* separate columns win over a combined one */
	for (int k = 0; k < C_N; k++) {
		rd->col[k] = c[k];
		const char *h = c[k] >= 0 && (size_t)c[k] < r->n ? r->v[c[k]] : titles[k];
		snprintf(rd->header[k], sizeof rd->header[k], "%s", h);
	}
	rd->have_header = true;
	return true;
}

static int pupil_row(void *ctx, const struct table_row *r)
{
	struct reader *rd = ctx;
	if (!rd->have_header) {
		if (try_header(rd, r))
			return 0;
		if (++rd->scanned >= HEADER_SCAN) {
			diag_add(rd->diags, DIAG_ERROR, rd->file, rd->src.sheet, 0, NULL, NULL,
				 "missing_column",
				 "не найдена строка заголовков: нужны столбцы «Класс» и «ФИО» (или "
				 "«Фамилия», «Имя», «Отчество»)");
			return ERR_INVALID;
		}
		return 0;
	}
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_ROWS) {
		diag_add(rd->diags, DIAG_ERROR, rd->file, rd->src.sheet, r->row, NULL, NULL,
			 "too_many_rows", "больше %d строк: это не похоже на список классов", MAX_ROWS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct item it = { 0 };
	const char *cls = table_cell_dup(&rd->arena, r, rd->col[C_CLASS]);
	if (!*cls)
		row_error(rd, r->row, C_CLASS, cls, "required", "не указан класс");
	else if (pupil_class_norm(cls, it.class_name, &it.grade))
		row_error(rd, r->row, C_CLASS, cls, "class",
			  "это не название класса: нужен номер от 1 до 11 и буква, например 4А");
	const char *full;
	int name_col = C_FIO;
	if (rd->col[C_FIO] >= 0) {
		full = table_cell_dup(&rd->arena, r, rd->col[C_FIO]);
		if (!*full)
			row_error(rd, r->row, C_FIO, full, "required", "не указаны фамилия и имя");
	} else {
		const char *sur = table_cell_dup(&rd->arena, r, rd->col[C_SURNAME]);
		const char *nam = table_cell_dup(&rd->arena, r, rd->col[C_NAME]);
		const char *pat = table_cell_dup(&rd->arena, r, rd->col[C_PATRONYMIC]);
		if (!*sur)
			row_error(rd, r->row, C_SURNAME, sur, "required", "не указана фамилия");
		if (!*nam)
			row_error(rd, r->row, C_NAME, nam, "required", "не указано имя");
		full = arena_printf(&rd->arena, "%s %s %s", sur, nam, pat);
		name_col = C_SURNAME;
	}
	char norm[PUPIL_NAME_MAX];
	const char *why = "";
	if (diag_errors(rd->diags) == before && pupil_name_norm(full, norm, &why))
		row_error(rd, r->row, name_col, full, "name", why);
	if (diag_errors(rd->diags) == before) {
		char key[PUPIL_CLASS_MAX + PUPIL_NAME_MAX + 2];
		struct buf f = BUF_INIT;
		str_fold(norm, strlen(norm), &f);
		int kn = snprintf(key, sizeof key, "%s\x1f%s", it.class_name, buf_str(&f));
		buf_free(&f);
		int64_t first = 0;
		if (hmap_get(&rd->seen, key, (size_t)kn, &first)) {
			char m[160];
			snprintf(m, sizeof m, "этот ученик этого класса уже есть в файле выше (строка %lld)",
				 (long long)first);
			row_error(rd, r->row, name_col, full, "duplicate", m);
		} else {
			hmap_put(&rd->seen, key, (size_t)kn, r->row);
		}
		keys_wipe(key, sizeof key);
	}
	if (diag_errors(rd->diags) > before) {
		rd->bad_rows++;
		keys_wipe(norm, sizeof norm);
		return 0;
	}
	it.len = strlen(norm);
	it.name = arena_strndup(&rd->arena, norm, it.len);
	keys_wipe(norm, sizeof norm);
	rd->items = xgrow(rd->items, &rd->cap, rd->n + 1, sizeof it);
	rd->items[rd->n++] = it;
	return 0;
}

int import_pupils(struct db *d, const char *path, const struct import_opts *o,
		  struct diag_list *diags, struct import_stats *st)
{
	struct reader rd;
	char msg[512];
	bool in_tx = false;
	memset(&rd, 0, sizeof rd);
	memset(st, 0, sizeof *st);
	rd.path = path;
	rd.file = o->name ? o->name : path;
	rd.diags = diags;
	arena_init(&rd.arena, 0);
	hmap_init(&rd.seen);
	int rc;
	if (o->only_school <= 0) {
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "school",
			 "не указана школа, в которую загружается список классов");
		rc = ERR_INVALID;
		goto out;
	}
	int year = o->year ? o->year : pupil_year_of(time(NULL));
	msg[0] = '\0';
	struct table_in in = import_input(path, o);
	rc = table_read(&in, NULL, pupil_row, &rd, &rd.src, msg, sizeof msg);
	if (rc < 0 && *msg)
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "read", "%s", msg);
	if (rc == 0 && !rd.have_header) {
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "missing_column",
			 rd.scanned ? "не найдена строка заголовков: нужны столбцы «Класс» и «ФИО» (или "
				      "«Фамилия», «Имя», «Отчество»)"
				    : "файл пуст: нет ни строки заголовков, ни данных");
		rc = ERR_INVALID;
	}
	if (rc == 0 && rd.n == 0 && !diag_errors(diags)) {
		diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "empty",
			 "в файле нет ни одного ученика");
		rc = ERR_INVALID;
	}
	if (rc == 0 && diag_errors(diags))
		rc = ERR_INVALID;
	st->rows = rd.rows;
	st->rejected = rd.bad_rows;
	if (rc || o->dry_run)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	in_tx = true;
	for (size_t i = 0; i < rd.n; i++) {
		int64_t id;
		bool created;
		msg[0] = '\0';
		rc = pupil_put(d, o->only_school, year, rd.items[i].class_name, rd.items[i].grade,
			       rd.items[i].name, &id, &created, msg, sizeof msg);
		if (rc) {
			diag_add(diags, DIAG_ERROR, rd.file, NULL, 0, NULL, NULL, "store",
				 "не удалось сохранить список: %s", *msg ? msg : err_str(rc));
			goto out;
		}
		if (created)
			st->created++;
		else
			st->updated++;
	}
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
out:
	if (in_tx)
		db_rollback(d);
	if (rc == 0)
		snprintf(st->summary, sizeof st->summary,
			 o->dry_run ? "проверено учеников: %ld; ошибок нет, ничего не сохранено"
				    : "учеников в файле: %ld; добавлено: %ld, уже были: %ld",
			 rd.rows, st->created, st->updated);
	for (size_t i = 0; i < rd.n; i++)
		keys_wipe(rd.items[i].name, rd.items[i].len);
	free(rd.items);
	hmap_free(&rd.seen);
	arena_free(&rd.arena);
	return rc;
}
