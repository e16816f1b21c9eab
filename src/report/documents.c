/* documents: code slips and the code protocol as PDF. See documents.h. */
#include "report/documents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "model/keys.h"
#include "model/pupil.h"
#include "model/unit.h"
#include "report/pdf.h"

#define SLIP_COLS 2
#define SLIP_ROWS 8
#define SLIPS_A_PAGE (SLIP_COLS * SLIP_ROWS)

struct ctx {
	const struct doc_opts *o;
	struct pupil *v;
	size_t n;
	char school[512];
	char login[64];
	char years[64];  /* "2020/21 учебный год" */
	char date[16];   /* "15.04.2021" */
};

typedef void (*draw_fn)(struct pdf *p, const void *ctx);

static int load(struct db *d, const struct user *reader, const struct doc_opts *o, struct ctx *c,
		char *msg, size_t msglen)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	int rc = unit_school(d, o->school_id, c->school, sizeof c->school, c->login, sizeof c->login);
	if (rc) {
		snprintf(msg, msglen, "школа не найдена");
		return rc;
	}
	snprintf(c->years, sizeof c->years, "%d/%02d учебный год", o->year - 1, o->year % 100);
	time_t t = o->now ? (time_t)o->now : time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(c->date, sizeof c->date, "%d.%m.%Y", &tm);
	if ((rc = pupil_list(d, reader, o->school_id, o->year, o->class_name, &c->v, &c->n, msg, msglen)))
		return rc;
	if (c->n == 0) {
		snprintf(msg, msglen, o->class_name && *o->class_name ? "в классе %s нет учеников"
								      : "в школе нет учеников%s",
			 o->class_name && *o->class_name ? o->class_name : "");
		return ERR_NOTFOUND;
	}
	size_t uncoded = 0;
	for (size_t i = 0; i < c->n; i++)
		uncoded += !c->v[i].code[0];
	if (uncoded) {
		snprintf(msg, msglen, "у %zu учеников ещё нет кода участника: сначала выдайте коды", uncoded);
		pupil_list_free(c->v, c->n);
		c->v = NULL;
		return ERR_INVALID;
	}
	return 0;
}

static void draw_slips(struct pdf *p, const void *ctx)
{
	const struct ctx *c = ctx;
	double w = pdf_width(p) / SLIP_COLS;
	double h = (pdf_bottom(p) - pdf_top(p)) / SLIP_ROWS;
	double pad = pdf_mm(4);
	char line[640];
	for (size_t i = 0; i < c->n; i++) {
		size_t k = i % SLIPS_A_PAGE;
		if (i && k == 0)
			pdf_page_break(p);
		if (k == 0) { /* the cut lines of a page */
			size_t on_page = c->n - i < SLIPS_A_PAGE ? c->n - i : SLIPS_A_PAGE;
			size_t rows = (on_page + SLIP_COLS - 1) / SLIP_COLS;
			double x0 = pdf_left(p), y0 = pdf_top(p);
			for (size_t r = 0; r <= rows; r++)
				pdf_line(p, x0, y0 + r * h, x0 + pdf_width(p), y0 + r * h, 0.5, true);
			for (int col = 0; col <= SLIP_COLS; col++)
				pdf_line(p, x0 + col * w, y0, x0 + col * w, y0 + rows * h, 0.5, true);
		}
		const struct pupil *u = &c->v[i];
		double x = pdf_left(p) + (double)(k % SLIP_COLS) * w + pad;
		double y = pdf_top(p) + (double)(k / SLIP_COLS) * h + pad;
		double iw = w - 2 * pad;
		y += pdf_text(p, x, y, iw, c->school, "DejaVu Sans 7", PDF_LEFT, true);
		if (c->o->procedure && *c->o->procedure)
			snprintf(line, sizeof line, "Класс %s · %s · %s", u->class_name, c->years, c->o->procedure);
		else
			snprintf(line, sizeof line, "Класс %s · %s", u->class_name, c->years);
		y += pdf_text(p, x, y, iw, line, "DejaVu Sans 8", PDF_LEFT, true) + pdf_mm(1);
		snprintf(line, sizeof line, "Код участника: %s", u->code);
		y += pdf_text(p, x, y, iw, line, "DejaVu Sans Bold 16", PDF_LEFT, true) + pdf_mm(1);
		pdf_text(p, x, y, iw, u->name, "DejaVu Sans 9", PDF_LEFT, true);
		keys_wipe(line, sizeof line);
	}
}

static void protocol_head(struct pdf *p, const struct ctx *c, const char *cls)
{
	char line[768];
	pdf_para(p, "ПРОТОКОЛ СООТВЕТСТВИЯ КОДОВ И ФИО УЧАСТНИКОВ", "DejaVu Sans Bold 13", PDF_CENTER, 2);
	snprintf(line, sizeof line, "%s (%s)", c->school, c->login);
	pdf_para(p, line, "DejaVu Sans 10", PDF_CENTER, 3);
	snprintf(line, sizeof line, "Класс: %s        %s        Дата печати: %s", cls, c->years, c->date);
	pdf_para(p, line, "DejaVu Sans 10", PDF_LEFT, 1.5);
	if (c->o->procedure && *c->o->procedure)
		snprintf(line, sizeof line, "Оценочная процедура: %s        Дата проведения: ____________",
			 c->o->procedure);
	else
		snprintf(line, sizeof line, "Оценочная процедура: ____________________   "
					    "Дата проведения: ____________");
	pdf_para(p, line, "DejaVu Sans 10", PDF_LEFT, 1.5);
	pdf_para(p, "Протокол заполняется при проведении работы и хранится в образовательной организации; "
		    "за её пределы передаются только коды участников.", "DejaVu Sans Oblique 8", PDF_LEFT, 3);
}

static void draw_protocol(struct pdf *p, const void *ctx)
{
	const struct ctx *c = ctx;
	static const struct pdf_col cols[] = {
		{ "№", 10, PDF_RIGHT }, { "Код", 20, PDF_CENTER }, { "Класс", 18, PDF_CENTER },
		{ "ФИО участника", 0, PDF_LEFT }, { "Вариант", 21, PDF_CENTER },
		{ "Подпись", 30, PDF_LEFT },
	};
	struct pdf_table t;
	size_t i = 0;
	bool first = true;
	while (i < c->n) {
		const char *cls = c->v[i].class_name;
		if (!first)
			pdf_page_break(p);
		first = false;
		protocol_head(p, c, cls);
		pdf_table_begin(&t, p, cols, 6, "DejaVu Sans 10", 8);
		int num = 0;
		for (; i < c->n && !strcmp(c->v[i].class_name, cls); i++) {
			char no[16];
			snprintf(no, sizeof no, "%d", ++num);
			const char *cells[6] = { no, c->v[i].code, c->v[i].class_name, c->v[i].name, "", "" };
			pdf_table_row(&t, cells);
		}
		pdf_set_y(p, pdf_y(p) + pdf_mm(8));
		pdf_need(p, pdf_mm(20));
		pdf_para(p, "Организатор в аудитории: ______________ / ______________",
			 "DejaVu Sans 10", PDF_LEFT, 4);
		pdf_para(p, "Школьный координатор: ______________ / ______________",
			 "DejaVu Sans 10", PDF_LEFT, 0);
	}
}

/* grid: the document is draw_slips', whose pages hold SLIPS_A_PAGE slips each whatever
 * their text, so its page count needs no counting pass. */
static int make(struct db *d, const struct user *reader, const struct doc_opts *o, struct buf *out,
		char *msg, size_t msglen, const char *title, draw_fn fn, bool grid)
{
	struct ctx c;
	msg[0] = '\0';
	int rc = load(d, reader, o, &c, msg, msglen);
	if (rc)
		return rc;
	char footer[640];
	snprintf(footer, sizeof footer, "%s · %s", c.login, c.years);
	rc = pdf_render(out, title, 12, footer, grid ? (int)((c.n + SLIPS_A_PAGE - 1) / SLIPS_A_PAGE) : 0,
			fn, &c);
	if (rc)
		snprintf(msg, msglen, "не удалось построить PDF");
	pupil_list_free(c.v, c.n);
	return rc;
}

int doc_slips(struct db *d, const struct user *reader, const struct doc_opts *o, struct buf *out,
	      char *msg, size_t msglen)
{
	return make(d, reader, o, out, msg, msglen, "Коды участников", draw_slips, true);
}

int doc_protocol(struct db *d, const struct user *reader, const struct doc_opts *o,
		 struct buf *out, char *msg, size_t msglen)
{
	return make(d, reader, o, out, msg, msglen, "Протокол соответствия кодов и ФИО", draw_protocol,
		    false);
}
