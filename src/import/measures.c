/* measures: import of an existing plan of measures (план мероприятий) from its table, CSV or
 * XLSX, into a plan (docs/formats.md, «План мероприятий»).
 *
 * The tables the plans are written in (orders' appendices, a school's plan) have a few
 * headers above the table, then a header row such as
 *
 *   № п/п | Мероприятия | Дата проведения | Ответственные | Ожидаемый результат
 *   № п/п | Наименование мероприятия (краткое содержание) | Сроки исполнения |
 *           Ответственный исполнитель | Ожидаемый результат, отчетность
 *
 * and optionally «Учёт специфики территории» (an information note's «Учет специфики района
 * при реализации мер/мероприятий»: the local acts and forums a measure goes through); a
 * file without it imports as before, the measures without specifics.
 *
 * then rows of two kinds: a block (направление) — a row with only its first cells filled
 * («1. Мероприятия по …» | | | |, or «1.» | «Контроль …» | | |) — and measures of the
 * current block. Headers are matched loosely (case folded, ё as е, punctuation ignored, by
 * keywords: see column_kind). A measure's term gives its due date where one can be derived
 * (mp_term_due, model/term.c). The file is small (a plan holds tens of measures): every row is
 * checked into memory first, each problem named by row and column in Russian, and the plan
 * gets the blocks and measures in one transaction only when no row is refused. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "model/measure.h"
#include "model/plan.h"

#define MAX_ROWS 5000     /* a plan holds tens of measures, an order's appendix a hundred */
#define HEADER_ROWS 30    /* the header row is searched among the first rows */

/* ---- text helpers ---- */

/* A copy of a cell with white space (line breaks, tabs, runs of spaces) collapsed to one
 * space and other control characters dropped. */
static char *clean_cell(struct arena *a, const struct table_row *r, int col)
{
	size_t n;
	const char *s = col >= 0 ? table_cell(r, col, &n) : "";
	if (col < 0)
		n = 0;
	char *out = arena_alloc(a, n + 1), *o = out;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = true;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (space && o > out)
			*o++ = ' ';
		space = false;
		*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

/* ---- the header ---- */

enum { M_NUM, M_TEXT, M_TERM, M_DUE, M_RESP, M_EXP, M_STATUS, M_NOTE, M_SCHOOL, M_CAUSE, M_SPEC, M_NCOLS };

/* What a header cell names, by keywords of its folded words, in this order (the first
 * rule that matches wins): «специфик» → the specifics («Учёт специфики территории», «Учет
 * специфики района при реализации мер/мероприятий»: before «мероприят»); «выполнить до» /
 * «крайний срок» → the due date; «отметка» →
 * the note; «статус»; «основание»; «школа» / «образовательная организация»; «№» /
 * «номер» / «п п» → the number; «срок» / «дата» → the term; «ответствен» / «исполнител»
 * → the responsible; «ожидаем» / «результат» → the expected result; «мероприят» /
 * «наименование» / «содержание» → the measure. -1 for anything else. */
static int column_kind(const char *s, size_t n)
{
	static const struct {
		int kind;
		const char *key;
	} rules[] = {
		{ M_SPEC, "специфик" }, { M_DUE, "выполнить до" }, { M_DUE, "крайний срок" },
		{ M_NOTE, "отметка" },
		{ M_STATUS, "статус" }, { M_CAUSE, "основание" }, { M_SCHOOL, "школа" },
		{ M_SCHOOL, "образовательная организация" }, { M_NUM, "№" }, { M_NUM, "номер" },
		{ M_TERM, "срок" }, { M_TERM, "дата" }, { M_RESP, "ответствен" },
		{ M_RESP, "исполнител" }, { M_EXP, "ожидаем" }, { M_EXP, "результат" },
		{ M_TEXT, "мероприят" }, { M_TEXT, "наименование" }, { M_TEXT, "содержание" },
	};
	struct buf b = BUF_INIT;
	buf_putc(&b, ' ');
	str_fold_words(s, n, &b);
	buf_putc(&b, ' ');
	const char *f = buf_str(&b);
	int kind = -1;
	if (!strcmp(f, " п п ") || !strcmp(f, " пп ") || !strcmp(f, " n "))
		kind = M_NUM;
	for (size_t i = 0; kind < 0 && i < sizeof rules / sizeof *rules; i++)
		if (strstr(f, rules[i].key))
			kind = rules[i].kind;
	buf_free(&b);
	return kind;
}

/* ---- the rows ---- */

struct item {
	long row;
	bool block;
	int block_no;          /* measures: index of their block in the file, -1 the default */
	char *text;            /* the measure, or the block's title */
	char *term, *resp, *expected, *spec;
	char due[MP_DATE_LEN]; /* from a due-date column; else derived at the end */
	bool numbered;         /* a measure whose row had a number */
};

struct reader {
	const char *path;
	struct diag_list *diags;
	struct table_src src;
	struct arena arena;
	bool have_rows;        /* import_read_table's flag: the file has a row at all */
	bool have_header;
	long rows_before;      /* rows read before the header */
	int col[M_NCOLS];
	char header[M_NCOLS][64];
	long rows, bad;
	struct item *items;
	size_t n, cap;
	int blocks;
};

static void err_col(struct reader *rd, long row, int k, const char *value, const char *code,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void err_col(struct reader *rd, long row, int k, const char *value, const char *code,
		    const char *fmt, ...)
{
	char cname[128] = "", msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (k >= 0 && rd->col[k] >= 0)
		table_colname(&rd->src, rd->col[k], rd->header[k], cname, sizeof cname);
	char shown[200] = "";
	if (value)
		str_copy_utf8(shown, sizeof shown, value);
	diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, row, *cname ? cname : NULL,
		 value ? shown : NULL, code, "%s", msg);
}

/* A header row has a measure column and at least one other column of the plan's table. */
static bool try_header(struct reader *rd, const struct table_row *r)
{
	int col[M_NCOLS], found = 0;
	for (int k = 0; k < M_NCOLS; k++)
		col[k] = -1;
	for (size_t c = 0; c < r->n && c < 256; c++) {
		size_t n;
		const char *s = table_cell(r, (int)c, &n);
		if (!n)
			continue;
		int k = column_kind(s, n);
		if (k >= 0 && col[k] < 0) {
			col[k] = (int)c;
			found++;
		}
	}
	if (col[M_TEXT] < 0 || found < 2)
		return false;
	memcpy(rd->col, col, sizeof col);
	for (int k = 0; k < M_NCOLS; k++)
		str_copy_utf8(rd->header[k], sizeof rd->header[k], col[k] >= 0 ? r->v[col[k]] : "");
	rd->have_header = true;
	return true;
}

/* «1», «1.», «1)», «IV.»: the number of a block (one level), not of a measure («1.1»). */
static bool block_number(const char *s)
{
	size_t i = 0;
	if (s[0] >= '0' && s[0] <= '9') {
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (i > 3)
			return false;
	} else {
		while (s[i] == 'I' || s[i] == 'V' || s[i] == 'X')
			i++;
		if (!i || i > 5)
			return false;
	}
	if (s[i] == '.' || s[i] == ')')
		i++;
	return s[i] == '\0';
}

/* «1. Мероприятия по …» → «Мероприятия по …» (the block's own number dropped). */
static char *drop_number(char *s)
{
	char *p = s;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s || p - s > 3 || (*p != '.' && *p != ')'))
		return s;
	p++;
	while (*p == ' ')
		p++;
	return *p ? p : s;
}

/* Joins a continued cell: «август -» and «сентябрь» → «август - сентябрь». */
static char *join(struct arena *a, const char *x, const char *y)
{
	if (!*y)
		return (char *)x;
	if (!*x)
		return (char *)y;
	return arena_printf(a, "%s %s", x, y);
}

static void check_len(struct reader *rd, long row, int k, const char *s, size_t max,
		      const char *what)
{
	if (strlen(s) >= max)
		err_col(rd, row, k, s, "too_long", "%s длиннее %zu байт: проверьте, что строки таблицы "
			"не слились в одну ячейку", what, max - 1);
}

/* The due date of a due-date column: «23.08.2020» or «2020-08-23». */
static bool parse_due(const char *s, char out[MP_DATE_LEN])
{
	int d, m, y;
	char end;
	if (sscanf(s, "%2d.%2d.%4d%c", &d, &m, &y, &end) == 3 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3) {
		if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
			return false;
		snprintf(out, MP_DATE_LEN, "%04u-%02u-%02u", (unsigned)y, (unsigned)m, (unsigned)d);
		return plan_date_valid(out);
	}
	return false;
}

static int measure_row(void *ctx, const struct table_row *r)
{
	struct reader *rd = ctx;
	rd->have_rows = true;
	if (!rd->have_header) {
		if (try_header(rd, r))
			return 0;
		if (++rd->rows_before >= HEADER_ROWS) {
			diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, 0, NULL, NULL,
				 "missing_header",
				 "в первых %d строках нет строки заголовков таблицы плана: нужен столбец "
				 "мероприятий («Мероприятия» или «Наименование мероприятия») и хотя бы "
				 "один из столбцов «№ п/п», «Срок», «Ответственный», «Ожидаемый "
				 "результат»", HEADER_ROWS);
			return ERR_INVALID;
		}
		return 0;
	}
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_ROWS) {
		err_col(rd, r->row, -1, NULL, "too_many_rows",
			"больше %d строк: это не похоже на план мероприятий", MAX_ROWS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct arena *a = &rd->arena;
	char *num = clean_cell(a, r, rd->col[M_NUM]), *text = clean_cell(a, r, rd->col[M_TEXT]),
	     *term = clean_cell(a, r, rd->col[M_TERM]), *resp = clean_cell(a, r, rd->col[M_RESP]),
	     *exp = clean_cell(a, r, rd->col[M_EXP]), *due = clean_cell(a, r, rd->col[M_DUE]),
	     *spec = clean_cell(a, r, rd->col[M_SPEC]);
	bool rest_empty = !*term && !*resp && !*exp && !*due && !*spec;
	struct item it = { .row = r->row, .block_no = rd->blocks - 1 };

	/* A block: only its first cells filled. */
	if (rest_empty && ((*num && !*text) || (!*num && *text) || (block_number(num) && *text))) {
		char *title = *text ? text : drop_number(num);
		if (block_number(title))
			err_col(rd, r->row, M_NUM, num, "required",
				"в строке только номер: нет ни мероприятия, ни названия направления");
		else if (strlen(title) >= MP_TITLE_MAX)
			err_col(rd, r->row, *text ? M_TEXT : M_NUM, title, "too_long",
				"название направления длиннее %d байт", MP_TITLE_MAX - 1);
		it.block = true;
		it.text = title;
		it.block_no = rd->blocks++;
		goto keep;
	}
	/* A row without a number after a numbered measure continues it (a table split across
	 * pages by the word processor). */
	if (!*num && rd->col[M_NUM] >= 0 && rd->n && !rd->items[rd->n - 1].block &&
	    rd->items[rd->n - 1].numbered && !*due) {
		struct item *p = &rd->items[rd->n - 1];
		p->text = join(a, p->text, text);
		p->term = join(a, p->term, term);
		p->resp = join(a, p->resp, resp);
		p->expected = join(a, p->expected, exp);
		p->spec = join(a, p->spec, spec);
		diag_add(rd->diags, DIAG_NOTE, rd->path, rd->src.sheet, r->row, NULL, NULL,
			 "continued", "строка без номера продолжает мероприятие строки %ld (таблица "
			 "разорвана на страницы): её ячейки дописаны к нему", p->row);
		check_len(rd, r->row, M_TEXT, p->text, MP_TEXT_MAX, "текст мероприятия");
		check_len(rd, r->row, M_TERM, p->term, MP_SHORT_MAX, "срок");
		check_len(rd, r->row, M_RESP, p->resp, MP_SHORT_MAX, "ответственный");
		check_len(rd, r->row, M_EXP, p->expected, MP_TEXT_MAX, "ожидаемый результат");
		check_len(rd, r->row, M_SPEC, p->spec, MP_TEXT_MAX, "учёт специфики территории");
		if (diag_errors(rd->diags) > before)
			rd->bad++;
		return 0;
	}
	if (!*text)
		err_col(rd, r->row, M_TEXT, text, "required",
			"не указано мероприятие: в строке есть срок, ответственный или результат, "
			"но нет текста мероприятия");
	check_len(rd, r->row, M_TEXT, text, MP_TEXT_MAX, "текст мероприятия");
	check_len(rd, r->row, M_TERM, term, MP_SHORT_MAX, "срок");
	check_len(rd, r->row, M_RESP, resp, MP_SHORT_MAX, "ответственный");
	check_len(rd, r->row, M_EXP, exp, MP_TEXT_MAX, "ожидаемый результат");
	check_len(rd, r->row, M_SPEC, spec, MP_TEXT_MAX, "учёт специфики территории");
	if (*due && !parse_due(due, it.due))
		err_col(rd, r->row, M_DUE, due, "due",
			"«выполнить до» — дата в виде 23.08.2020 или пусто: такой даты нет или она "
			"записана иначе");
	it.text = text;
	it.term = term;
	it.resp = resp;
	it.expected = exp;
	it.spec = spec;
	it.numbered = *num != '\0';
keep:
	if (diag_errors(rd->diags) > before) {
		rd->bad++;
		return 0;
	}
	rd->items = xgrow(rd->items, &rd->cap, rd->n + 1, sizeof *rd->items);
	rd->items[rd->n++] = it;
	return 0;
}

int import_measures(struct db *d, const char *path, const struct import_opts *o, int64_t plan_id,
		    struct diag_list *diags, struct import_stats *st)
{
	struct reader rd = { .path = o->name && *o->name ? o->name : path, .diags = diags };
	for (int k = 0; k < M_NCOLS; k++)
		rd.col[k] = -1;
	arena_init(&rd.arena, 0);
	memset(st, 0, sizeof *st);
	struct mp_plan *plan = xcalloc(1, sizeof *plan);
	struct mp_block *have = NULL;
	size_t nhave = 0;
	int64_t *block_id = NULL;
	long blocks_new = 0, blocks = 0, with_due = 0;
	char msg[512] = "";
	int rc = mplan_get(d, plan_id, plan);
	if (rc) {
		diag_add(diags, DIAG_ERROR, rd.path, NULL, 0, NULL, NULL, "plan",
			 rc == ERR_NOTFOUND ? "плана мероприятий № %lld нет" : "план № %lld не прочитан",
			 (long long)plan_id);
		goto out;
	}
	struct table_in in = import_input(path, o);
	rc = import_read_table(&in, measure_row, &rd, &rd.src, rd.path, &rd.have_rows, diags);
	if (!rc && !rd.have_header) {
		diag_add(diags, DIAG_ERROR, rd.path, rd.src.sheet, 0, NULL, NULL, "missing_header",
			 "нет строки заголовков таблицы плана: нужен столбец мероприятий («Мероприятия» "
			 "или «Наименование мероприятия») и хотя бы один из столбцов «№ п/п», «Срок», "
			 "«Ответственный», «Ожидаемый результат»");
		rc = ERR_INVALID;
	}
	long measures = 0;
	for (size_t i = 0; i < rd.n; i++)
		measures += !rd.items[i].block;
	if (!rc && !measures && !diag_errors(diags)) {
		diag_add(diags, DIAG_ERROR, rd.path, rd.src.sheet, 0, NULL, NULL, "no_measures",
			 "в таблице нет ни одного мероприятия");
		rc = ERR_INVALID;
	}
	st->rows = rd.rows;
	st->rejected = rd.bad;
	if (rc)
		goto out;

	/* Due dates from the terms, as of the plan's period. */
	for (size_t i = 0; i < rd.n; i++) {
		struct item *it = &rd.items[i];
		if (!it->block && !it->due[0])
			mp_term_due(it->term, plan->period_from, plan->period_to, it->due);
		with_due += !it->block && it->due[0];
	}
	if ((rc = mplan_blocks(d, plan_id, &have, &nhave)) || (rc = db_begin(d)))
		goto out;
	/* Blocks of the file: one of the plan with the same title is added to; measures before
	 * any block go to a block «Мероприятия». */
	block_id = xcalloc((size_t)rd.blocks + 1, sizeof *block_id);
	const char *by = o->user && *o->user ? o->user : "oko import";
	for (size_t i = 0; i < rd.n && !rc; i++) {
		struct item *it = &rd.items[i];
		int64_t *bid = &block_id[it->block_no + 1];
		const char *title = it->block ? it->text : "Мероприятия";
		for (size_t j = 0; j < nhave && !*bid; j++)
			if (str_fold_eq(have[j].title, title))
				*bid = have[j].id;
		if (!*bid) {
			if ((rc = mplan_block_add(d, plan_id, title, bid))) {
				err_col(&rd, it->row, -1, NULL, "db", "не удалось сохранить направление: %s",
					err_str(rc));
				break;
			}
			blocks_new++;
			have = xrealloc(have, (nhave + 1) * sizeof *have);
			have[nhave] = (struct mp_block){ .id = *bid, .plan_id = plan_id };
			str_copy_utf8(have[nhave++].title, MP_TITLE_MAX, title);
		}
		if (it->block)
			continue;
		struct mp_measure *m = xcalloc(1, sizeof *m);
		m->plan_id = plan_id;
		m->block_id = *bid;
		str_copy_utf8(m->text, sizeof m->text, it->text);
		str_copy_utf8(m->term, sizeof m->term, it->term);
		str_copy_utf8(m->responsible, sizeof m->responsible, it->resp);
		str_copy_utf8(m->expected, sizeof m->expected, it->expected);
		str_copy_utf8(m->specifics, sizeof m->specifics, it->spec);
		snprintf(m->due, sizeof m->due, "%s", it->due);
		msg[0] = '\0';
		rc = measure_add(d, m, by, msg, sizeof msg);
		free(m);
		if (rc == ERR_INVALID) {
			err_col(&rd, it->row, -1, NULL, "measure", "мероприятие не принято: %s",
				*msg ? msg : err_str(rc));
		} else if (rc) {
			err_col(&rd, it->row, -1, NULL, "db", "не удалось сохранить мероприятие: %s",
				err_str(rc));
		} else {
			st->created++;
		}
	}
	for (int b = 0; b <= rd.blocks; b++)
		blocks += block_id[b] != 0;
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary,
			 "%sмероприятий: %ld (со сроком-датой: %ld), направлений: %ld (новых: %ld)",
			 o->dry_run ? "проверено, ничего не сохранено: " : "", st->created, with_due,
			 blocks, blocks_new);
	else
		snprintf(st->summary, sizeof st->summary, "строк: %ld, с ошибками: %ld", st->rows,
			 st->rejected);
	free(block_id);
	free(have);
	free(plan);
	free(rd.items);
	arena_free(&rd.arena);
	return rc;
}
