/* scan_demo: the demonstration scan of a work (see scan_demo.h). */
#include "report/scan_demo.h"

#include <stdio.h>

#include "base/err.h"
#include "report/pdf.h"

#define COLS 5        /* boxes per row */
#define BOX_H_MM 27.0 /* a box's height */
#define GAP_MM 4.0    /* between boxes */

/* One position's box at (x, y) of width w: the label, the maximum and the points. */
static void box(struct pdf *pd, double x, double y, double w, const struct position *pos,
		int points)
{
	cairo_t *cr = pdf_cairo(pd);
	double h = pdf_mm(BOX_H_MM), pad = pdf_mm(2.5);
	char t[64];
	cairo_save(cr);
	cairo_set_line_width(cr, 0.8);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_rectangle(cr, x, y, w, h);
	cairo_stroke(cr);
	cairo_restore(cr);
	snprintf(t, sizeof t, "№ %s", pos->label);
	double lh = pdf_text(pd, x + pad, y + pad, w - 2 * pad, t, "DejaVu Sans Bold 10", PDF_LEFT, true);
	snprintf(t, sizeof t, "макс. %d", pos->max);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	pdf_text(pd, x + pad, y + pad + lh, w - 2 * pad, t, "DejaVu Sans 8", PDF_LEFT, true);
	cairo_restore(cr);
	/* The points in blue, as a checker's pen would write them. */
	snprintf(t, sizeof t, "%d", points);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.05, 0.2, 0.65);
	pdf_text(pd, x, y + h - pad - pdf_mm(10.5), w, t, "DejaVu Sans Bold 24", PDF_CENTER, true);
	cairo_restore(cr);
}

int scan_demo_pdf(const char *title, const char *code, const struct procedure *p,
		  const uint8_t *points, struct buf *out)
{
	struct pdf *pd = NULL;
	char line[256];
	int rc = pdf_open(&pd, out, "Демонстрационный скан работы", 15);
	if (rc)
		return rc;
	pdf_para(pd, "Демонстрационный скан работы", "DejaVu Sans Bold 18", PDF_CENTER, 3);
	pdf_para(pd, title, "DejaVu Sans 13", PDF_CENTER, 1.5);
	snprintf(line, sizeof line, "Код участника: %s", code);
	pdf_para(pd, line, "DejaVu Sans Bold 13", PDF_CENTER, 5);
	cairo_save(pdf_cairo(pd));
	cairo_set_source_rgb(pdf_cairo(pd), 0.3, 0.3, 0.3);
	pdf_para(pd,
		 "Это не скан настоящей работы: его нарисовала демонстрация oko вместо бумажной "
		 "работы участника. В каждой клетке — задание, его максимальный балл и баллы, "
		 "которые поставил бы независимый эксперт. Перенесите их в таблицу оценивания.",
		 "DejaVu Sans 9.5", PDF_LEFT, 6);
	cairo_restore(pdf_cairo(pd));
	double gap = pdf_mm(GAP_MM), w = (pdf_width(pd) - (COLS - 1) * gap) / COLS;
	for (int j = 0; j < p->npos; j += COLS) {
		pdf_need(pd, pdf_mm(BOX_H_MM));
		double y = pdf_y(pd);
		for (int k = 0; k < COLS && j + k < p->npos; k++)
			box(pd, pdf_left(pd) + k * (w + gap), y, w, &p->pos[j + k], points[j + k]);
		pdf_set_y(pd, y + pdf_mm(BOX_H_MM) + gap);
	}
	int total = 0, max = 0;
	for (int j = 0; j < p->npos; j++) {
		total += points[j];
		max += p->pos[j].max;
	}
	snprintf(line, sizeof line, "Сумма баллов: %d из %d", total, max);
	pdf_para(pd, line, "DejaVu Sans Bold 12", PDF_RIGHT, 0);
	return pdf_close(pd) ? ERR_IO : 0;
}
