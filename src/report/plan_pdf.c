/* plan_pdf: the plan-graph document of a campaign (see plan_pdf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/unit.h"
#include "report/pdf.h"
#include "report/plan_pdf.h"
#include "report/risk_doc.h"

const char *plan_subject_name(const char *code)
{
	return procedure_subject_title(code);
}

struct ctx {
	char campaign[PLAN_NAME_MAX];
	char school[320];      /* "name (login)" for a school's document, else "" */
	char scope[300];       /* the viewer's territory, for the heading */
	char date[PLAN_DATE_LEN];
	struct plan_row *rows;
	size_t n;
	struct plan_coord *coords;
	size_t nc;
};

static void draw(struct pdf *p, const void *ctx)
{
	const struct ctx *c = ctx;
	char line[768];
	pdf_para(p, "ПЛАН-ГРАФИК ПРОВЕДЕНИЯ ОЦЕНОЧНЫХ ПРОЦЕДУР", "DejaVu Sans Bold 13", PDF_CENTER, 2);
	snprintf(line, sizeof line, "«%s»", c->campaign);
	pdf_para(p, line, "DejaVu Sans Bold 11", PDF_CENTER, 3);
	if (c->school[0]) {
		snprintf(line, sizeof line, "Образовательная организация: %s", c->school);
		pdf_para(p, line, "DejaVu Sans 10", PDF_LEFT, 1.5);
	} else if (c->scope[0]) {
		snprintf(line, sizeof line, "Территория: %s", c->scope);
		pdf_para(p, line, "DejaVu Sans 10", PDF_LEFT, 1.5);
	}
	snprintf(line, sizeof line, "Дата печати: %s", c->date);
	pdf_para(p, line, "DejaVu Sans 10", PDF_LEFT, 3);
	const struct pdf_col cols[] = {
		{ "Процедура", 0, PDF_LEFT }, { "Материалы с", 25, PDF_CENTER },
		{ "Период проведения", 25, PDF_CENTER }, { "Критерии с", 25, PDF_CENTER },
		{ "Форма с", 25, PDF_CENTER }, { "Загрузка до", 25, PDF_CENTER },
		{ c->school[0] ? "Дата и время в ОО" : "Школ: назначено / дата", 26, PDF_CENTER },
	};
	if (!c->n) {
		pdf_para(p, c->school[0] ? "Школа не назначена ни на одну процедуру этой кампании."
					 : "В кампании пока нет процедур.",
			 "DejaVu Sans 10", PDF_LEFT, 3);
	} else {
		struct pdf_table t;
		pdf_table_begin(&t, p, cols, 7, "DejaVu Sans 8", 0);
		for (size_t i = 0; i < c->n; i++) {
			const struct plan_row *r = &c->rows[i];
			char what[200], d[PLAN_NFIELDS][PLAN_DATE_LEN], win[32], last[48];
			risk_procedure_words(what, sizeof what, r->code); /* «ВПР, математика, 4 класс, 2021» */
			for (int f = 0; f < PLAN_NFIELDS; f++)
				plan_date_ru(r->dates.d[f], d[f]);
			if (strcmp(r->dates.d[PLAN_WINDOW_FROM], r->dates.d[PLAN_WINDOW_TO]))
				snprintf(win, sizeof win, "%s – %s", d[PLAN_WINDOW_FROM], d[PLAN_WINDOW_TO]);
			else
				snprintf(win, sizeof win, "%s", d[PLAN_WINDOW_FROM]);
			if (c->school[0]) {
				char sd[PLAN_DATE_LEN];
				plan_date_ru(r->sit_date, sd);
				if (r->sit_date[0])
					snprintf(last, sizeof last, "%s %s", sd, r->sit_time);
				else
					snprintf(last, sizeof last, "не назначена");
			} else {
				snprintf(last, sizeof last, "%ld / %ld", r->assigned, r->fixed);
			}
			const char *cells[7] = { what, d[PLAN_MATERIALS], win, d[PLAN_CRITERIA], d[PLAN_FORM],
						 d[PLAN_DEADLINE], last };
			pdf_table_row(&t, cells);
		}
	}
	pdf_set_y(p, pdf_y(p) + pdf_mm(4));
	pdf_para(p, "Все классы одной параллели выполняют работу в один день и в одно время, "
		    "назначенные школой в пределах периода проведения. Результаты загружаются до конца "
		    "дня срока загрузки.", "DejaVu Sans Oblique 8", PDF_LEFT, 4);
	pdf_need(p, pdf_mm(30));
	pdf_para(p, "Координаторы", "DejaVu Sans Bold 11", PDF_LEFT, 2);
	if (!c->nc) {
		pdf_para(p, "Координаторы не назначены.", "DejaVu Sans 10", PDF_LEFT, 2);
		return;
	}
	static const struct pdf_col ccols[] = {
		{ "Уровень", 40, PDF_LEFT }, { "Территория", 0, PDF_LEFT }, { "Координатор", 55, PDF_LEFT },
		{ "Логин", 30, PDF_LEFT },
	};
	struct pdf_table t;
	pdf_table_begin(&t, p, ccols, 4, "DejaVu Sans 9", 0);
	for (size_t i = 0; i < c->nc; i++) {
		const struct plan_coord *k = &c->coords[i];
		const char *cells[4] = { !strcmp(k->role, "municipality") ? "муниципальный" : "школьный",
					 k->scope, k->name, k->login };
		pdf_table_row(&t, cells);
	}
}

/* Both passes of pdf_render: the page count, then the document. */
static int render(const struct ctx *c, const char *footer, struct buf *out)
{
	char title[PLAN_NAME_MAX + 32];
	snprintf(title, sizeof title, "План-график: %s", c->campaign);
	return pdf_render(out, title, 12, footer, 0, draw, c);
}

int plan_pdf(struct db *d, int64_t campaign_id, int64_t school_id, const struct user *viewer,
	     int64_t now, struct buf *out, char *msg, size_t msglen)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
	msg[0] = '\0';
	int rc = plan_campaign_get(d, campaign_id, c.campaign, sizeof c.campaign);
	if (rc) {
		snprintf(msg, msglen, "кампания не найдена");
		return rc;
	}
	if (school_id) {
		if ((rc = unit_title(d, UNIT_SCHOOL, school_id, c.school, sizeof c.school))) {
			snprintf(msg, msglen, "школа не найдена");
			goto out;
		}
	} else if (viewer && viewer->scope_name[0]) {
		snprintf(c.scope, sizeof c.scope, "%s", viewer->scope_name);
	}
	char today[PLAN_DATE_LEN];
	plan_date_of(now, today);
	plan_date_ru(today, c.date);
	struct scope sc = viewer ? scope_of(viewer) : scope_all();
	if ((rc = plan_rows(d, campaign_id, school_id, &sc, &c.rows, &c.n)))
		goto out;
	struct scope as_school = { SCOPE_SCHOOL, school_id };
	if ((rc = plan_coordinators(d, campaign_id, school_id ? &as_school : &sc, &c.coords, &c.nc)))
		goto out;
	char footer[PLAN_NAME_MAX + 360];
	snprintf(footer, sizeof footer, "План-график «%s»%s%s", c.campaign, c.school[0] ? " · " : "",
		 c.school);
	if ((rc = render(&c, footer, out)))
		snprintf(msg, msglen, "не удалось построить PDF");
out:
	free(c.rows);
	free(c.coords);
	return rc;
}
