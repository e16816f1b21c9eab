/* report/observers: the schedule of observers, the printed act and the acts table (see
 * observers.h).
 *
 * The XLSX and PDF schedules are the two appendices of a municipal order on ВПР:
 *   Приложение 2 — the specialists' schedule: № п/п, date, subject, grade, school,
 *                  specialist (kind 'специалист'), in date, time, school order;
 *   Приложение 3 — the public observers per school: №, school, date, subject, grade,
 *                  observer (kind 'общественный'), in school, date, time order.
 * The CSV holds every assignment in one table (the canonical layout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/ru.h"
#include "io/table_write.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/unit.h"
#include "report/observers.h"
#include "report/pdf.h"
#include "report/plan_pdf.h"

int obs_group_parse(const char *s)
{
	if (!s || !strcmp(s, "municipality"))
		return OBS_BY_MUNICIPALITY;
	if (!strcmp(s, "kind"))
		return OBS_BY_KIND;
	if (!strcmp(s, "risk"))
		return OBS_BY_RISK;
	return -1;
}

int obs_doc_format_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "csv"))
		return OBS_DOC_CSV;
	if (!strcmp(s, "xlsx"))
		return OBS_DOC_XLSX;
	if (!strcmp(s, "pdf"))
		return OBS_DOC_PDF;
	return -1;
}

/* ---- the schedule ---- */

static int by_date(const void *a, const void *b)
{
	const struct obs_sitting *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	if (!c)
		c = strcmp(x->time, y->time);
	if (!c)
		c = strcmp(x->school_login, y->school_login);
	if (!c)
		c = strcmp(x->procedure, y->procedure);
	return c;
}

static int by_school(const void *a, const void *b)
{
	const struct obs_sitting *x = a, *y = b;
	int c = strcmp(x->school_name, y->school_name);
	if (!c)
		c = strcmp(x->school_login, y->school_login);
	return c ? c : by_date(a, b);
}

/* The assigned sittings of the campaign in date, time, school order. */
struct sched {
	char campaign[PLAN_NAME_MAX];
	char territory[300]; /* the scope's name for the heading, "" for all */
	char printed[PLAN_DATE_LEN];
	struct obs_sitting *s;
	size_t n;
};

static int sched_load(struct db *d, const struct scope *sc, int64_t campaign_id, int64_t now,
		      struct sched *x, char *msg, size_t msglen)
{
	memset(x, 0, sizeof *x);
	if (plan_campaign_get(d, campaign_id, x->campaign, sizeof x->campaign)) {
		snprintf(msg, msglen, "кампания не найдена");
		return ERR_NOTFOUND;
	}
	if (sc->kind == SCOPE_REGION || sc->kind == SCOPE_MUNICIPALITY || sc->kind == SCOPE_SCHOOL)
		unit_title(d, sc->kind == SCOPE_REGION ? UNIT_REGION
			      : sc->kind == SCOPE_MUNICIPALITY ? UNIT_MUNICIPALITY : UNIT_SCHOOL,
			   sc->id, x->territory, sizeof x->territory);
	char today[PLAN_DATE_LEN];
	plan_date_of(now, today);
	plan_date_ru(today, x->printed);
	size_t n = 0;
	int rc = observer_sittings(d, sc, campaign_id, &x->s, &n);
	if (rc) {
		snprintf(msg, msglen, "не удалось прочитать назначения");
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		if (x->s[i].observer_id)
			x->s[x->n++] = x->s[i];
	if (x->n > 1)
		qsort(x->s, x->n, sizeof *x->s, by_date);
	return 0;
}

/* «Математика» and «4» for the appendices' columns. */
static void grade_text(int grade, char out[8])
{
	snprintf(out, 8, "%d", grade % 100);
}

static int sched_csv(const struct sched *x, struct buf *out, char *msg, size_t msglen)
{
	struct table_writer *w = NULL;
	int rc = table_writer_open_mem(&w, TABLE_CSV, NULL, out, msg, msglen);
	if (rc)
		return rc;
	static const char *const head[] = { "date", "time", "procedure", "school", "observer_id",
					    "observer", "kind" };
	for (size_t k = 0; k < 7 && !rc; k++)
		rc = table_writer_text(w, head[k]);
	if (!rc)
		rc = table_writer_end_row(w);
	for (size_t i = 0; i < x->n && !rc; i++) {
		const struct obs_sitting *s = &x->s[i];
		const char *cells[7] = { s->date, s->time, s->procedure, s->school_login, s->observer_code,
					 s->observer_name, obs_kind_name(s->observer_kind) };
		for (size_t k = 0; k < 7 && !rc; k++)
			rc = table_writer_text(w, cells[k]);
		if (!rc)
			rc = table_writer_end_row(w);
	}
	int rc2 = table_writer_close(w);
	if (rc || rc2)
		snprintf(msg, msglen, "не удалось записать таблицу");
	return rc ? rc : rc2;
}

/* The appendices' words. */
static const char *const app2_title = "График проведения оценочных процедур с участием специалистов";
static const char *const app3_title = "Общественные наблюдатели, направляемые в образовательные организации";
static const char *const app2_head[6] = { "№ п/п", "Дата", "Предмет", "Класс", "ОО",
					  "Специалист (ФИО)" };
static const char *const app3_head[6] = { "№", "ОО", "Дата", "Предмет", "Класс",
					  "ФИО общественного наблюдателя" };

/* The six cells of a row of appendix 2 (specialists) or 3 (public observers). */
struct app_row {
	char no[24], date[PLAN_DATE_LEN], grade[8];
	const char *cells[6];
};

static void app_row(struct app_row *r, int appendix, long no, const struct obs_sitting *s)
{
	snprintf(r->no, sizeof r->no, "%ld", no);
	plan_date_ru(s->date, r->date);
	grade_text(s->grade, r->grade);
	const char *subject = plan_subject_name(s->subject);
	if (appendix == 2) {
		const char *c[6] = { r->no, r->date, subject, r->grade, s->school_name, s->observer_name };
		memcpy(r->cells, c, sizeof c);
	} else {
		const char *c[6] = { r->no, s->school_name, r->date, subject, r->grade, s->observer_name };
		memcpy(r->cells, c, sizeof c);
	}
}

/* The rows of an appendix: specialists by date, or public observers by school. */
static struct obs_sitting *app_rows(const struct sched *x, int appendix, size_t *n)
{
	struct obs_sitting *v = xmalloc((x->n ? x->n : 1) * sizeof *v);
	enum obs_kind k = appendix == 2 ? OBS_SPECIALIST : OBS_PUBLIC;
	*n = 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->s[i].observer_kind == k)
			v[(*n)++] = x->s[i];
	if (*n > 1)
		qsort(v, *n, sizeof *v, appendix == 2 ? by_date : by_school);
	return v;
}

static int xl_sheet(lxw_workbook *wb, const struct sched *x, int appendix, lxw_format *bold,
		    lxw_format *head, lxw_format *wrap)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, appendix == 2 ? "Специалисты"
								      : "Общественные наблюдатели");
	if (!ws)
		return ERR_IO;
	static const double w2[6] = { 7, 12, 22, 7, 45, 35 }, w3[6] = { 6, 45, 12, 22, 7, 35 };
	lxw_col_t school_col = appendix == 2 ? 4 : 1, grade_col = appendix == 2 ? 3 : 4;
	for (lxw_col_t c = 0; c < 6; c++)
		worksheet_set_column(ws, c, c, appendix == 2 ? w2[c] : w3[c], c == school_col ? wrap : NULL);
	char t[PLAN_NAME_MAX + 500];
	lxw_error e = LXW_NO_ERROR;
	snprintf(t, sizeof t, "Приложение %d к приказу от ____________ № ______", appendix);
	e |= worksheet_write_string(ws, 0, 0, t, NULL);
	snprintf(t, sizeof t, "%s. %s%s%s", appendix == 2 ? app2_title : app3_title, x->campaign,
		 x->territory[0] ? ", " : "", x->territory);
	e |= worksheet_write_string(ws, 1, 0, t, bold);
	const char *const *h = appendix == 2 ? app2_head : app3_head;
	for (lxw_col_t c = 0; c < 6; c++)
		e |= worksheet_write_string(ws, 3, c, h[c], head);
	size_t n;
	struct obs_sitting *v = app_rows(x, appendix, &n);
	for (size_t i = 0; i < n; i++) {
		struct app_row r;
		app_row(&r, appendix, (long)i + 1, &v[i]);
		lxw_row_t row = (lxw_row_t)(4 + i);
		e |= worksheet_write_number(ws, row, 0, (double)(i + 1), NULL);
		for (lxw_col_t c = 1; c < 6; c++) {
			if (c == grade_col)
				e |= worksheet_write_number(ws, row, c, v[i].grade, NULL);
			else
				e |= worksheet_write_string(ws, row, c, r.cells[c], NULL);
		}
	}
	free(v);
	return e == LXW_NO_ERROR ? 0 : ERR_IO;
}

static int sched_xlsx(const struct sched *x, struct buf *out, char *msg, size_t msglen)
{
	struct table_mem mem = { .fd = -1 };
	lxw_workbook *wb = NULL;
	int rc = table_mem_open(&mem);
	if (rc || !(wb = table_xlsx_new(mem.path, false))) {
		rc = ERR_IO;
		goto out;
	}
	lxw_format *bold = workbook_add_format(wb), *head = workbook_add_format(wb),
		   *wrap = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_bold(head);
	format_set_bg_color(head, 0xEEF1F4);
	format_set_text_wrap(head);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_text_wrap(wrap);
	int r2 = xl_sheet(wb, x, 2, bold, head, wrap), r3 = xl_sheet(wb, x, 3, bold, head, wrap);
	lxw_error e = workbook_close(wb);
	wb = NULL;
	if (r2 || r3 || e != LXW_NO_ERROR) {
		rc = ERR_IO;
		goto out;
	}
	rc = table_mem_take(&mem, out);
out:
	table_mem_close(&mem);
	if (rc)
		snprintf(msg, msglen, "не удалось построить XLSX");
	return rc;
}

/* One appendix on its own pages. */
static void pdf_appendix(struct pdf *p, const struct sched *x, int appendix)
{
	char t[PLAN_NAME_MAX + 500];
	snprintf(t, sizeof t, "Приложение %d\nк приказу ________________________\nот «___» ____________ 20___ г. № ______",
		 appendix);
	pdf_para(p, t, "DejaVu Sans 9", PDF_RIGHT, 6);
	pdf_para(p, appendix == 2 ? app2_title : app3_title, "DejaVu Sans Bold 12", PDF_CENTER, 1.5);
	snprintf(t, sizeof t, "«%s»%s%s", x->campaign, x->territory[0] ? ", " : "", x->territory);
	pdf_para(p, t, "DejaVu Sans 10", PDF_CENTER, 5);
	size_t n;
	struct obs_sitting *v = app_rows(x, appendix, &n);
	if (!n) {
		pdf_para(p, appendix == 2 ? "Специалисты не назначены."
					  : "Общественные наблюдатели не назначены.",
			 "DejaVu Sans 10", PDF_LEFT, 3);
	} else {
		static const struct pdf_col c2[6] = {
			{ "№ п/п", 12, PDF_CENTER }, { "Дата", 26, PDF_CENTER }, { "Предмет", 32, PDF_LEFT },
			{ "Класс", 18, PDF_CENTER }, { "ОО", 0, PDF_LEFT }, { "Специалист (ФИО)", 46, PDF_LEFT },
		};
		static const struct pdf_col c3[6] = {
			{ "№", 10, PDF_CENTER }, { "ОО", 0, PDF_LEFT }, { "Дата", 26, PDF_CENTER },
			{ "Предмет", 32, PDF_LEFT }, { "Класс", 18, PDF_CENTER },
			{ "ФИО общественного наблюдателя", 46, PDF_LEFT },
		};
		struct pdf_table tb;
		pdf_table_begin(&tb, p, appendix == 2 ? c2 : c3, 6, "DejaVu Sans 8.5", 0);
		for (size_t i = 0; i < n; i++) {
			struct app_row r;
			app_row(&r, appendix, (long)i + 1, &v[i]);
			pdf_table_row(&tb, r.cells);
		}
	}
	free(v);
	pdf_set_y(p, pdf_y(p) + pdf_mm(4));
	snprintf(t, sizeof t, "Дата печати: %s", x->printed);
	pdf_para(p, t, "DejaVu Sans Oblique 8", PDF_LEFT, 2);
}

static void sched_draw(struct pdf *p, const struct sched *x)
{
	pdf_appendix(p, x, 2);
	pdf_page_break(p);
	pdf_appendix(p, x, 3);
}


static void sched_draw_any(struct pdf *p, const void *ctx)
{
	sched_draw(p, ctx);
}

int obs_schedule_write(struct db *d, const struct scope *sc, int64_t campaign_id,
		       enum obs_doc_format f, int64_t now, struct buf *out, char *msg, size_t n)
{
	msg[0] = '\0';
	struct sched x;
	int rc = sched_load(d, sc, campaign_id, now, &x, msg, n);
	if (rc)
		goto out;
	if (f == OBS_DOC_CSV) {
		rc = sched_csv(&x, out, msg, n);
	} else if (f == OBS_DOC_XLSX) {
		rc = sched_xlsx(&x, out, msg, n);
	} else {
		char title[PLAN_NAME_MAX + 64], footer[PLAN_NAME_MAX + 64];
		snprintf(title, sizeof title, "Наблюдатели: %s", x.campaign);
		snprintf(footer, sizeof footer, "Наблюдатели «%s»", x.campaign);
		if ((rc = pdf_render(out, title, 15, footer, 0, sched_draw_any, &x)))
			snprintf(msg, n, "не удалось построить PDF");
	}
out:
	free(x.s);
	return rc;
}

/* ---- the act ---- */

struct act_doc {
	struct obs_act a;
	struct obs_person o;
	struct obs_violation_kind *k;
	size_t nk;
};

#define BOX_ON "☑"
#define BOX_OFF "☐"

/* A label and its value on one line: the label in bold on the left. */
static void field(struct pdf *p, const char *label, const char *value)
{
	double lw = pdf_mm(55), x = pdf_left(p), w = pdf_width(p);
	double h1 = pdf_text(p, x, pdf_y(p), lw, label, "DejaVu Sans Bold 10", PDF_LEFT, false);
	double h2 = pdf_text(p, x + lw, pdf_y(p), w - lw, value, "DejaVu Sans 10", PDF_LEFT, false);
	double h = h1 > h2 ? h1 : h2;
	pdf_need(p, h);
	pdf_text(p, x, pdf_y(p), lw, label, "DejaVu Sans Bold 10", PDF_LEFT, true);
	pdf_text(p, x + lw, pdf_y(p), w - lw, value, "DejaVu Sans 10", PDF_LEFT, true);
	pdf_line(p, x + lw, pdf_y(p) + h + 1, x + w, pdf_y(p) + h + 1, 0.3, false);
	pdf_set_y(p, pdf_y(p) + h + pdf_mm(2.2));
}

/* A checklist line: the box, and the text wrapped beside it (a hanging indent). */
static void check(struct pdf *p, bool on, const char *text)
{
	const char *font = on ? "DejaVu Sans Bold 9.5" : "DejaVu Sans 9.5";
	double x = pdf_left(p), ind = pdf_mm(6.5), w = pdf_width(p) - ind;
	double h = pdf_text(p, x + ind, pdf_y(p), w, text, font, PDF_LEFT, false);
	pdf_need(p, h);
	pdf_text(p, x, pdf_y(p), ind, on ? BOX_ON : BOX_OFF, "DejaVu Sans 10", PDF_LEFT, true);
	pdf_text(p, x + ind, pdf_y(p), w, text, font, PDF_LEFT, true);
	pdf_set_y(p, pdf_y(p) + h + pdf_mm(0.8));
}

static void act_draw(struct pdf *p, const void *ctx)
{
	const struct act_doc *x = ctx;
	const struct obs_act *a = &x->a;
	char t[OBS_COMMENT_MAX + 64];
	pdf_para(p, "АКТ", "DejaVu Sans Bold 14", PDF_CENTER, 0.5);
	pdf_para(p, "наблюдения за проведением оценочной процедуры", "DejaVu Sans Bold 11", PDF_CENTER,
		 5);
	char date[PLAN_DATE_LEN], what[160], grade[16];
	plan_date_ru(a->date, date);
	snprintf(what, sizeof what, "%s", plan_subject_name(a->subject));
	snprintf(grade, sizeof grade, "%d", a->grade);
	snprintf(t, sizeof t, "%s (%s)", a->school_name, a->school_login);
	field(p, "Образовательная организация", t);
	field(p, "Дата проведения", date);
	snprintf(t, sizeof t, "начало %s, окончание %s", a->started, a->ended);
	field(p, "Время наблюдения", t);
	field(p, "Учебный предмет", what);
	field(p, "Класс (параллель)", grade);
	snprintf(t, sizeof t, "%s (%s)", x->o.name, obs_kind_name(x->o.kind));
	field(p, "Наблюдатель", t);
	pdf_set_y(p, pdf_y(p) + pdf_mm(3));

	pdf_para(p, "1. Этапы, при которых присутствовал наблюдатель", "DejaVu Sans Bold 10.5",
		 PDF_LEFT, 1.5);
	for (int i = 0; i < OBS_NSTAGES; i++)
		check(p, (a->stages >> i) & 1, obs_stage_title(i));
	pdf_set_y(p, pdf_y(p) + pdf_mm(3));

	pdf_para(p, "2. Результаты наблюдения", "DejaVu Sans Bold 10.5", PDF_LEFT, 1.5);
	check(p, a->no_violations, "Нарушений не выявлено");
	pdf_para(p, "Выявлены нарушения:", "DejaVu Sans 9.5", PDF_LEFT, 0.8);
	for (size_t i = 0; i < x->nk; i++) {
		bool on = false;
		for (int j = 0; j < a->nviolations; j++)
			on |= a->violations[j] == x->k[i].id;
		if (on || x->k[i].active)
			check(p, on, x->k[i].title);
	}
	pdf_set_y(p, pdf_y(p) + pdf_mm(3));

	pdf_para(p, "3. Комментарий наблюдателя", "DejaVu Sans Bold 10.5", PDF_LEFT, 1.5);
	if (a->comment[0]) {
		pdf_para(p, a->comment, "DejaVu Sans 9.5", PDF_LEFT, 2);
	} else {
		for (int i = 0; i < 2; i++) {
			double y = pdf_y(p) + pdf_mm(6);
			pdf_line(p, pdf_left(p), y, pdf_left(p) + pdf_width(p), y, 0.3, false);
			pdf_set_y(p, y + pdf_mm(1));
		}
		pdf_set_y(p, pdf_y(p) + pdf_mm(2));
	}
	pdf_set_y(p, pdf_y(p) + pdf_mm(6));

	pdf_need(p, pdf_mm(30));
	double y = pdf_y(p) + pdf_mm(8), x0 = pdf_left(p), w = pdf_width(p);
	pdf_text(p, x0, y - pdf_mm(5), pdf_mm(40), "Наблюдатель", "DejaVu Sans 10", PDF_LEFT, true);
	pdf_line(p, x0 + pdf_mm(40), y, x0 + pdf_mm(85), y, 0.5, false);
	pdf_text(p, x0 + pdf_mm(40), y + 1, pdf_mm(45), "подпись", "DejaVu Sans 7", PDF_CENTER, true);
	pdf_text(p, x0 + pdf_mm(90), y - pdf_mm(5), w - pdf_mm(90), x->o.name, "DejaVu Sans 10",
		 PDF_LEFT, true);
	pdf_line(p, x0 + pdf_mm(90), y, x0 + w, y, 0.5, false);
	pdf_text(p, x0 + pdf_mm(90), y + 1, w - pdf_mm(90), "фамилия, имя, отчество", "DejaVu Sans 7",
		 PDF_CENTER, true);
	pdf_set_y(p, y + pdf_mm(10));
	char at[32] = "";
	if (a->submitted_at[0])
		ru_moment(at, sizeof at, a->submitted_at); /* the region's time, as the pages give it */
	char fixed[32] = "";
	if (a->revised_at[0])
		ru_moment(fixed, sizeof fixed, a->revised_at);
	snprintf(t, sizeof t, "%s%s%s%s%s", a->paper ? "Акт заполнен на бумаге и внесён в oko" : "Акт заполнен в oko",
		 at[0] ? ": " : ".", at, fixed[0] ? "; исправлен: " : "", fixed);
	pdf_para(p, t, "DejaVu Sans Oblique 8", PDF_LEFT, 1);
}

int obs_act_pdf(struct db *d, int64_t act_id, struct buf *out, char *msg, size_t n)
{
	msg[0] = '\0';
	struct act_doc *x = xcalloc(1, sizeof *x);
	int rc = observer_act_get(d, act_id, &x->a);
	if (rc) {
		snprintf(msg, n, "акт не найден");
		goto out;
	}
	if ((rc = observer_get(d, x->a.observer_id, &x->o))) {
		snprintf(msg, n, "наблюдатель акта не найден");
		goto out;
	}
	if ((rc = observer_violation_kinds(d, false, &x->k, &x->nk))) {
		snprintf(msg, n, "не удалось прочитать перечень нарушений");
		goto out;
	}
	char title[512], footer[512];
	char proc[160];
	procedure_title_of(x->a.procedure, x->a.subject, x->a.grade, proc, sizeof proc);
	snprintf(title, sizeof title, "Акт наблюдения: %s, %s", x->a.school_name, proc);
	snprintf(footer, sizeof footer, "Акт наблюдения · %s · %s", x->a.school_name, proc);
	if ((rc = pdf_render(out, title, 15, footer, 0, act_draw, x)))
		snprintf(msg, n, "не удалось построить PDF");
out:
	free(x->k);
	free(x);
	return rc;
}

/* ---- the acts table ---- */

static const char *kind_title(const struct obs_violation_kind *k, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].id == id)
			return k[i].title;
	return "";
}

int obs_acts_write(struct db *d, const struct scope *sc, int64_t campaign_id,
		   enum obs_doc_format f, struct buf *out, char *msg, size_t n)
{
	msg[0] = '\0';
	struct obs_act *a = NULL;
	size_t na = 0;
	struct obs_violation_kind *k = NULL;
	size_t nk = 0;
	struct table_writer *w = NULL;
	struct buf cell = BUF_INIT;
	int rc;
	if (f == OBS_DOC_PDF) {
		snprintf(msg, n, "акты выгружаются в CSV или XLSX");
		return ERR_INVALID;
	}
	if (campaign_id > 0) {
		char name[PLAN_NAME_MAX];
		if (plan_campaign_get(d, campaign_id, name, sizeof name)) {
			snprintf(msg, n, "кампания не найдена");
			return ERR_NOTFOUND;
		}
	}
	if ((rc = observer_acts(d, sc, campaign_id, &a, &na)) ||
	    (rc = observer_violation_kinds(d, false, &k, &nk))) {
		snprintf(msg, n, "не удалось прочитать акты");
		goto out;
	}
	if ((rc = table_writer_open_mem(&w, f == OBS_DOC_XLSX ? TABLE_XLSX : TABLE_CSV, "Акты", out,
					msg, n)))
		goto out;
	static const char *const head[] = { "procedure", "school", "observer_id", "started", "ended",
					    "stages", "no_violations", "violations", "comment" };
	for (size_t i = 0; i < 9 && !rc; i++)
		rc = table_writer_text(w, head[i]);
	if (!rc)
		rc = table_writer_end_row(w);
	for (size_t i = 0; i < na && !rc; i++) {
		const struct obs_act *x = &a[i];
		rc = table_writer_text(w, x->procedure);
		if (!rc)
			rc = table_writer_text(w, x->school_login);
		if (!rc)
			rc = table_writer_text(w, x->observer_code);
		if (!rc)
			rc = table_writer_text(w, x->started);
		if (!rc)
			rc = table_writer_text(w, x->ended);
		buf_reset(&cell);
		for (int s = 0; s < OBS_NSTAGES; s++)
			if ((x->stages >> s) & 1) {
				if (cell.len)
					buf_puts(&cell, "; ");
				buf_puts(&cell, obs_stage_title(s));
			}
		if (!rc)
			rc = table_writer_text(w, buf_str(&cell));
		if (!rc)
			rc = table_writer_int(w, x->no_violations ? 1 : 0);
		buf_reset(&cell);
		for (int v = 0; v < x->nviolations; v++) {
			if (cell.len)
				buf_puts(&cell, "; ");
			buf_puts(&cell, kind_title(k, nk, x->violations[v]));
		}
		if (!rc)
			rc = table_writer_text(w, buf_str(&cell));
		if (!rc)
			rc = table_writer_text(w, x->comment);
		if (!rc)
			rc = table_writer_end_row(w);
	}
	int rc2 = table_writer_close(w);
	if (!rc)
		rc = rc2;
	if (rc)
		snprintf(msg, n, "не удалось записать таблицу актов");
out:
	buf_free(&cell);
	free(a);
	free(k);
	return rc;
}

int obs_coverage_write(struct db *d, const struct scope *sc, int64_t campaign_id,
		       enum obs_group by, enum obs_doc_format f, struct buf *out, char *msg,
		       size_t n)
{
	msg[0] = '\0';
	struct obs_coverage *c = NULL, total;
	size_t nc = 0;
	struct table_writer *w = NULL;
	char name[PLAN_NAME_MAX];
	int rc;
	if (f == OBS_DOC_PDF) {
		snprintf(msg, n, "охват выгружается в CSV или XLSX");
		return ERR_INVALID;
	}
	if (plan_campaign_get(d, campaign_id, name, sizeof name)) {
		snprintf(msg, n, "кампания не найдена");
		return ERR_NOTFOUND;
	}
	if ((rc = observer_coverage(d, sc, campaign_id, by, &c, &nc, &total))) {
		snprintf(msg, n, "не удалось прочитать охват");
		return rc;
	}
	if ((rc = table_writer_open_mem(&w, f == OBS_DOC_XLSX ? TABLE_XLSX : TABLE_CSV, "Охват", out,
					msg, n)))
		goto out;
	static const char *const head[] = { "group", "sittings", "observed", "priority",
					    "priority_observed", "acts", "acts_violations",
					    "video_sitting", "video_checking", "video_problems" };
	for (size_t i = 0; i < sizeof head / sizeof *head && !rc; i++)
		rc = table_writer_text(w, head[i]);
	if (!rc)
		rc = table_writer_end_row(w);
	for (size_t i = 0; i <= nc && !rc; i++) {
		const struct obs_coverage *x = i < nc ? &c[i] : &total;
		const long v[] = { x->sittings, x->observed, x->priority, x->priority_observed, x->acts,
				   x->acts_violations, x->video_sitting, x->video_checking,
				   x->video_problems };
		rc = table_writer_text(w, x->group);
		for (size_t k = 0; k < sizeof v / sizeof *v && !rc; k++)
			rc = table_writer_int(w, v[k]);
		if (!rc)
			rc = table_writer_end_row(w);
	}
	int crc = table_writer_close(w);
	w = NULL;
	if (!rc)
		rc = crc;
	if (rc && !msg[0])
		snprintf(msg, n, "таблица охвата не записана");
out:
	if (w)
		table_writer_close(w);
	free(c);
	return rc;
}
