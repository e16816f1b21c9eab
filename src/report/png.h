/* report/png: what the charts drawn for documents share (a document takes a PNG, io/doc.h
 * doc_image): a cairo surface written as PNG bytes, and a line of text placed by its middle.
 * The charts themselves are their reports': report/fisoko_doc.c (marks by level),
 * report/notes.c (the notes' marks), report/risk_doc.c (the evidence card's distribution). */
#ifndef OKO_REPORT_PNG_H
#define OKO_REPORT_PNG_H

#include <cairo.h>

#include "base/buf.h"

/* The surface as PNG bytes appended to out: 0, or ERR_IO. */
int png_write(cairo_surface_t *s, struct buf *out);

/* text in Liberation Sans of size px, its middle at y: align −1 starts at x, 0 is centred
 * on x, 1 ends at x; max_w > 0 ellipsizes a longer text (a name in a legend). */
void png_text(cairo_t *cr, const char *text, double x, double y, double size, int align, double max_w);

/* The horizontal grid of a percent axis from 0 to ymax by step between left and right
 * (the zero line darker), each line labelled «20 %» at its left in text of size px. */
void png_grid_pct(cairo_t *cr, double left, double right, double top, double bottom, double ymax,
		  double step, double size);

#endif
