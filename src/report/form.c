/* form: the ФИС ОКО results form of one school and procedure (see form.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/err.h"
#include "base/mem.h"
#include "io/table_write.h"
#include "model/pupil.h"
#include "model/result.h"
#include "model/unit.h"
#include "report/form.h"

static const struct { const char *subject, *prefix; } books[] = {
	{ "RU", "ru" }, { "MA", "ma" }, { "BI", "bio" }, { "IS", "hist" }, { "GG", "geo" },
	{ "OB", "ob" }, { "FI", "phys" }, { "HI", "chem" }, { "EN", "en" }, { "DE", "de" },
	{ "FR", "fr" }, { "OM", "okr" },
};

const char *form_book_prefix(const char *subject)
{
	for (size_t i = 0; i < sizeof books / sizeof *books; i++)
		if (!strcmp(books[i].subject, subject))
			return books[i].prefix;
	return "";
}

void form_date(int year, int64_t now, char out[24])
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 < year) {
		tm = (struct tm){ .tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1 };
	} else if (tm.tm_year + 1900 > year) {
		tm = (struct tm){ .tm_year = year - 1900, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23,
				  .tm_min = 59, .tm_sec = 59 };
	}
	snprintf(out, 24, "%02u.%02u.%04u %02u:%02u:%02u", (unsigned)tm.tm_mday % 100u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

static int row_cmp(const void *a, const void *b)
{
	const struct form_row *x = a, *y = b;
	if (!x->class_name[0] != !y->class_name[0])
		return x->class_name[0] ? -1 : 1;
	int c = strcmp(x->class_name, y->class_name);
	if (c)
		return c;
	size_t lx = strlen(x->code), ly = strlen(y->code);
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->code, y->code);
}

static struct form_row *find_row(struct form_data *fd, const char *code)
{
	for (size_t i = 0; i < fd->n; i++)
		if (!strcmp(fd->rows[i].code, code))
			return &fd->rows[i];
	return NULL;
}

static struct form_row *add_row(struct form_data *fd, size_t *cap, const char *code)
{
	if (fd->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		fd->rows = xrealloc(fd->rows, *cap * sizeof *fd->rows);
	}
	struct form_row *r = &fd->rows[fd->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->code, sizeof r->code, "%s", code);
	memset(r->scores, SCORE_EMPTY, sizeof r->scores);
	return r;
}

static void add_class(struct form_data *fd, const char *c)
{
	if (!*c)
		return;
	for (size_t i = 0; i < fd->nclasses; i++)
		if (!strcmp(fd->classes[i], c))
			return;
	fd->classes = xrealloc(fd->classes, (fd->nclasses + 1) * sizeof *fd->classes);
	snprintf(fd->classes[fd->nclasses++], 16, "%s", c);
}

static int class_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int form_load(struct db *d, int64_t school_id, const char *procedure, struct form_data *fd,
	      char *msg, size_t msglen)
{
	memset(fd, 0, sizeof *fd);
	struct result_scan *s = NULL;
	struct pupil *pv = NULL;
	size_t np = 0, cap = 0;
	int rc = procedure_get(d, procedure, &fd->p);
	if (rc) {
		snprintf(msg, msglen, "процедуры %s нет в базе", procedure);
		return rc;
	}
	fd->school_id = school_id;
	if ((rc = unit_school_place(d, school_id, fd->school, sizeof fd->school, fd->school_name,
				    sizeof fd->school_name, fd->municipality, sizeof fd->municipality,
				    fd->region, sizeof fd->region))) {
		snprintf(msg, msglen, "такой школы нет в базе");
		goto out;
	}

	/* Stored results first: they carry what was entered before. */
	if ((rc = result_scan_open(d, fd->p.id, school_id, RESULT_SCAN_FULL, &s)))
		goto out;
	struct result_row w;
	while ((rc = result_scan_next(s, &w)) == 1) {
		struct form_row *r = add_row(fd, &cap, w.code);
		snprintf(r->class_name, sizeof r->class_name, "%s", w.class_name);
		snprintf(r->gender, sizeof r->gender, "%s", w.gender);
		r->variant = w.variant;
		r->journal_mark = w.journal_mark;
		r->absent = w.absent;
		r->stored = true;
		size_t n = (size_t)w.ncells;
		if (w.cells && !r->absent)
			memcpy(r->scores, w.cells, n < (size_t)fd->p.npos ? n : (size_t)fd->p.npos);
		add_class(fd, r->class_name);
	}
	if (rc < 0)
		goto out;
	result_scan_close(s);
	s = NULL;

	/* Then the codes issued to pupils of the grade in the procedure's school year. */
	char m2[256];
	if ((rc = pupil_list(d, NULL, school_id, fd->p.year, NULL, &pv, &np, m2, sizeof m2)))
		goto out;
	for (size_t i = 0; i < np; i++) {
		if (pv[i].grade != fd->p.grade)
			continue;
		add_class(fd, pv[i].class_name);
		if (!pv[i].code[0] || find_row(fd, pv[i].code))
			continue;
		struct form_row *r = add_row(fd, &cap, pv[i].code);
		snprintf(r->class_name, sizeof r->class_name, "%s", pv[i].class_name);
	}
	if (fd->n)
		qsort(fd->rows, fd->n, sizeof *fd->rows, row_cmp);
	if (fd->nclasses)
		qsort(fd->classes, fd->nclasses, sizeof *fd->classes, class_cmp);
	rc = 0;
out:
	pupil_list_free(pv, np);
	result_scan_close(s);
	if (rc)
		form_data_free(fd);
	return rc;
}

void form_data_free(struct form_data *fd)
{
	free(fd->rows);
	free(fd->classes);
	fd->rows = NULL;
	fd->classes = NULL;
	fd->n = fd->nclasses = 0;
}

/* ---- the XLSX ---- */

/* Extra empty rows under the codes that keep the input hints, for codes added by hand. */
#define FORM_SPARE_ROWS 30

static void colname(int col, char out[8])
{
	char tmp[8];
	int n = 0;
	col++;
	while (col > 0 && n < 7) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* The letter part of a class name ("4А" → "А"), as the «Классы» sheet asks for it. */
static const char *class_letter(const char *c)
{
	while (*c >= '0' && *c <= '9')
		c++;
	return *c ? c : "нет";
}

static void validate(lxw_worksheet *ws, int first, int last, int col, lxw_data_validation *dv)
{
	worksheet_data_validation_range(ws, (lxw_row_t)first, (lxw_col_t)col, (lxw_row_t)last,
					(lxw_col_t)col, dv);
}

int form_write_xlsx(const struct form_data *fd, int64_t now, const char *path, char *msg,
		    size_t msglen)
{
	const struct procedure *p = &fd->p;
	char date[24], school[400], book[128], buf[160];
	form_date(p->year, now, date);
	snprintf(school, sizeof school, "%s | %s", fd->school, fd->school_name);
	const char *prefix = strcmp(p->kind, "VPR") ? "" : form_book_prefix(p->subject);
	if (*prefix)
		snprintf(book, sizeof book, "%s%d.0 | %s | учебник не указан", prefix, p->grade, p->code);
	else
		book[0] = '\0';

	lxw_workbook *wb = table_xlsx_new(path, false);
	if (!wb) {
		snprintf(msg, msglen, "не удалось создать файл %s", path);
		return ERR_IO;
	}
	lxw_format *hdr = workbook_add_format(wb);
	format_set_bold(hdr);
	format_set_text_wrap(hdr);
	format_set_align(hdr, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(hdr, 0xDDEBF7);
	format_set_border(hdr, LXW_BORDER_THIN);
	lxw_format *fixed = workbook_add_format(wb);
	format_set_bg_color(fixed, 0xF2F2F2);
	lxw_format *input = workbook_add_format(wb);
	format_set_border(input, LXW_BORDER_HAIR);
	format_set_align(input, LXW_ALIGN_CENTER);

	/* «Классы»: the classes of the grade with the columns of the real form. */
	lxw_worksheet *wc = workbook_add_worksheet(wb, "Классы");
	static const char *const chead[] = {
		"Пользователь", "Код региона", "Регион", "Муниципалитет", "Школа", "Дата загрузки",
		"Буква (цифра) класса. Введите \"нет\" - если отсутствует", "Основной учебник по предмету",
		"Другое (автор учебника)", "Другое (название учебника)",
	};
	for (int c = 0; c < 10; c++)
		worksheet_write_string(wc, 0, (lxw_col_t)c, chead[c], hdr);
	worksheet_set_column(wc, 0, 0, 14, NULL);
	worksheet_set_column(wc, 2, 5, 28, NULL);
	worksheet_set_column(wc, 6, 6, 22, NULL);
	worksheet_set_column(wc, 7, 7, 40, NULL);
	worksheet_set_column(wc, 8, 9, 24, NULL);
	size_t ncls = fd->nclasses ? fd->nclasses : 1;
	for (size_t i = 0; i < ncls; i++) {
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(wc, row, 0, fd->school, fixed);
		worksheet_write_string(wc, row, 2, fd->region, fixed);
		worksheet_write_string(wc, row, 3, fd->municipality, fixed);
		worksheet_write_string(wc, row, 4, school, fixed);
		worksheet_write_string(wc, row, 5, date, fixed);
		worksheet_write_string(wc, row, 6, fd->nclasses ? class_letter(fd->classes[i]) : "нет", NULL);
		if (book[0])
			worksheet_write_string(wc, row, 7, book, NULL);
	}

	/* «Протокол»: one row per code. */
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Протокол");
	int c = 0;
	static const char *const lead[] = { "Пользователь", "Код региона", "Регион", "Муниципалитет",
					    "Школа", "Дата загрузки", "Код", "Вариант" };
	for (int i = 0; i < 8; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)c++, lead[i], hdr);
	const int c_pos = c;
	for (int j = 0; j < p->npos; j++) {
		snprintf(buf, sizeof buf, "%s (%dб)", p->pos[j].label, p->pos[j].max);
		worksheet_write_string(ws, 0, (lxw_col_t)c++, buf, hdr);
	}
	const int c_class = c, c_gender = c + 1, c_journal = c + 2, c_total = c + 3;
	worksheet_write_string(ws, 0, (lxw_col_t)c_class, "Наименование класса", hdr);
	worksheet_write_string(ws, 0, (lxw_col_t)c_gender, "Пол", hdr);
	worksheet_write_string(ws, 0, (lxw_col_t)c_journal,
			       "Отметка за предыдущий триместр/ четверть/полугодие", hdr);
	worksheet_write_string(ws, 0, (lxw_col_t)c_total, "Итого баллов", hdr);
	worksheet_set_row(ws, 0, 45, NULL);
	worksheet_set_column(ws, 0, 0, 12, NULL);
	worksheet_set_column(ws, 1, 5, 10, NULL);
	worksheet_set_column(ws, 6, 7, 13, NULL);
	if (p->npos)
		worksheet_set_column(ws, (lxw_col_t)c_pos, (lxw_col_t)(c_class - 1), 7, NULL);
	worksheet_set_column(ws, (lxw_col_t)c_class, (lxw_col_t)c_total, 14, NULL);
	worksheet_freeze_panes(ws, 1, 8);

	char first[8], lastc[8], formula[64];
	colname(c_pos, first);
	colname(c_class - 1, lastc);
	int nrows = (int)fd->n + FORM_SPARE_ROWS;
	for (int i = 0; i < nrows; i++) {
		lxw_row_t row = (lxw_row_t)(i + 1);
		if (p->npos) {
			snprintf(formula, sizeof formula, "=SUM(%s%u:%s%u)", first, row + 1, lastc, row + 1);
		}
		if ((size_t)i >= fd->n)
			break; /* spare rows keep only the hints: a formula would make them non-blank */
		const struct form_row *r = &fd->rows[i];
		worksheet_write_string(ws, row, 0, fd->school, fixed);
		worksheet_write_string(ws, row, 2, fd->region, fixed);
		worksheet_write_string(ws, row, 3, fd->municipality, fixed);
		worksheet_write_string(ws, row, 4, school, fixed);
		worksheet_write_string(ws, row, 5, date, fixed);
		long code = strtol(r->code, NULL, 10);
		if (r->code[0] != '0' && code > 0)
			worksheet_write_number(ws, row, 6, (double)code, fixed);
		else
			worksheet_write_string(ws, row, 6, r->code, fixed);
		if (r->stored && r->absent)
			worksheet_write_string(ws, row, 7, "отсутствовал", input);
		else if (r->stored && r->variant > 0)
			worksheet_write_number(ws, row, 7, r->variant, input);
		int sum = 0;
		for (int j = 0; j < p->npos; j++) {
			lxw_col_t col = (lxw_col_t)(c_pos + j);
			uint8_t v = r->scores[j];
			if (!r->stored || r->absent || v == SCORE_EMPTY) {
				worksheet_write_blank(ws, row, col, input);
			} else if (v == SCORE_X) {
				worksheet_write_string(ws, row, col, "X", input);
			} else if (v == SCORE_NOT_TAUGHT) {
				worksheet_write_string(ws, row, col, "не пройд.", input);
			} else {
				worksheet_write_number(ws, row, col, v, input);
				sum += v;
			}
		}
		worksheet_write_string(ws, row, (lxw_col_t)c_class, r->class_name[0] ? r->class_name : "нет",
				       input);
		if (r->gender[0])
			worksheet_write_string(ws, row, (lxw_col_t)c_gender, r->gender, input);
		if (r->journal_mark)
			worksheet_write_number(ws, row, (lxw_col_t)c_journal, r->journal_mark, input);
		if (p->npos)
			worksheet_write_formula_num(ws, row, (lxw_col_t)c_total, formula, fixed, sum);
	}

	/* Input hints: what each column accepts, shown when a cell is selected. */
	char f[200];
	lxw_data_validation dv;
	for (int j = 0; j < p->npos; j++) {
		char cn[8];
		colname(c_pos + j, cn);
		snprintf(f, sizeof f, "=OR(AND(ISNUMBER(%s2),%s2=INT(%s2),%s2>=0,%s2<=%d),%s2=\"X\",%s2=\"Х\")",
			 cn, cn, cn, cn, cn, p->pos[j].max, cn, cn);
		snprintf(buf, sizeof buf, "Целое число от 0 до %d или X (не приступал).", p->pos[j].max);
		dv = (lxw_data_validation){ .validate = LXW_VALIDATION_TYPE_CUSTOM_FORMULA, .value_formula = f,
					    .input_title = "Баллы за позицию", .input_message = buf,
					    .error_title = "Неверный балл", .error_message = buf };
		validate(ws, 1, nrows, c_pos + j, &dv);
	}
	snprintf(f, sizeof f, "=OR(AND(ISNUMBER(H2),H2=INT(H2),H2>=1),H2=\"отсутствовал\")");
	dv = (lxw_data_validation){ .validate = LXW_VALIDATION_TYPE_CUSTOM_FORMULA, .value_formula = f,
				    .input_title = "Вариант",
				    .input_message = "Номер варианта (целое число) или «отсутствовал».",
				    .error_title = "Неверный вариант",
				    .error_message = "Нужен номер варианта или слово «отсутствовал»." };
	validate(ws, 1, nrows, 7, &dv);
	dv = (lxw_data_validation){ .validate = LXW_VALIDATION_TYPE_INTEGER,
				    .criteria = LXW_VALIDATION_CRITERIA_BETWEEN, .minimum_number = 2,
				    .maximum_number = 5, .input_title = "Отметка по журналу",
				    .input_message = "Отметка за предыдущую четверть (триместр): 2, 3, 4 или 5.",
				    .error_title = "Неверная отметка",
				    .error_message = "Отметка — целое число от 2 до 5." };
	validate(ws, 1, nrows, c_journal, &dv);
	char *genders[] = { "м", "ж", NULL };
	dv = (lxw_data_validation){ .validate = LXW_VALIDATION_TYPE_LIST, .value_list = genders,
				    .input_title = "Пол", .input_message = "м или ж.",
				    .error_title = "Неверный пол", .error_message = "Пол: м или ж." };
	validate(ws, 1, nrows, c_gender, &dv);
	if (fd->nclasses && fd->nclasses < 20) {
		char *cls[22];
		size_t k = 0;
		for (size_t i = 0; i < fd->nclasses; i++)
			cls[k++] = fd->classes[i];
		cls[k++] = "нет";
		cls[k] = NULL;
		dv = (lxw_data_validation){ .validate = LXW_VALIDATION_TYPE_LIST, .value_list = cls,
					    .input_title = "Класс", .input_message = "Класс участника.",
					    .error_type = LXW_VALIDATION_ERROR_TYPE_WARNING,
					    .error_title = "Класс", .error_message = "Такого класса нет в списке." };
		validate(ws, 1, nrows, c_class, &dv);
	}
	char subject[sizeof p->code];
	snprintf(subject, sizeof subject, "%s", p->code);
	workbook_set_properties(wb, &(lxw_doc_properties){ .title = "Форма сбора результатов",
							   .subject = subject, .author = "oko" });
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		snprintf(msg, msglen, "не удалось записать %s: %s", path, lxw_strerror(e));
		return ERR_IO;
	}
	return 0;
}
