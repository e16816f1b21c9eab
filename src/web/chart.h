/* chart: small inline SVG charts for report pages, built from numbers only.
 *
 * Every chart is an <svg role="img"> with <title> and <desc> (labels escaped with
 * html_text), axes with ticks and labels, a legend, and scales with the page (viewBox).
 * The page shows the same numbers in a table beside the chart, so nothing depends on
 * seeing it. Values are percentages; NAN is drawn as nothing. */
#ifndef OKO_CHART_H
#define OKO_CHART_H

#include "base/buf.h"

#define CHART_MAX_SERIES 4

struct chart_series {
	const char *name;  /* legend text (escaped) */
	const double *v;   /* one value per category or bin, percent */
};

/* Grouped vertical bars: ncats categories × ns series, y from 0 to ymax percent (0 = fit
 * the data, rounded up to a step of 10). Values are printed above the bars when few. */
void chart_bars(struct buf *b, const char *title, const char *desc, const char *const *cats,
		int ncats, const struct chart_series *s, int ns, double ymax);

/* A histogram of shares by score 0..nbins-1: series 0 as bars, the others as step lines
 * over them; vertical dashed lines at the score bounds (the lowest score of a mark), each
 * labelled with its bound_labels entry. */
void chart_hist(struct buf *b, const char *title, const char *desc, const struct chart_series *s,
		int ns, int nbins, const int *bounds, const char *const *bound_labels, int nbounds);

/* A number with one decimal in the Russian format (base/ru.h: "45,0", "1 234,5", "−3,0"); "—"
 * for NAN. */
void chart_pct(struct buf *b, double v);

#endif
