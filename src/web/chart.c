#define _GNU_SOURCE /* memmem */
/* chart: inline SVG charts; numeric markup only, every text through html_text. */
#include "web/chart.h"

#include <math.h>
#include <string.h>
#include <stdio.h>

#include "base/ru.h"
#include "web/web.h"

#define W 720.0
#define H 300.0
#define ML 46.0  /* left margin: y labels */
#define MR 12.0
#define MT 34.0  /* top: legend */
#define MB 46.0  /* bottom: x labels */

#define LEGEND_CHARS 28

static const char *const colors[CHART_MAX_SERIES] = { "#1f5fa8", "#e0a21b", "#7d8a99", "#5aa469" };

void chart_pct(struct buf *b, double v)
{
	if (isnan(v)) {
		buf_puts(b, "—");
		return;
	}
	char t[RU_NUM_MAX];
	buf_puts(b, ru_num(t, sizeof t, v, 1));
}

static void open_svg(struct buf *b, const char *title, const char *desc)
{
	/* The ids of its title and description: from what it says and how many charts the
	 * text already holds — the same page has the same bytes however many charts the
	 * process drew before (a process-wide counter made a kept page differ from a fresh
	 * one), and two charts of a page, or of two fragments of it, differ. */
	uint32_t id = 2166136261u; /* FNV-1a */
	for (const char *p = title; *p; p++)
		id = (id ^ (unsigned char)*p) * 16777619u;
	for (const char *p = desc; *p; p++)
		id = (id ^ (unsigned char)*p) * 16777619u;
	const char *t = b->p ? b->p : "";
	for (const char *m = t; (m = memmem(m, b->len - (size_t)(m - t), "<svg class=\"chart\"", 18)); m += 18)
		id = (id ^ 0x5bu) * 16777619u;
	/* The wrapper scrolls on a narrow screen (oko.css) so the labels keep their size. */
	html_printf(b, "<div class=\"chart-scroll\"><svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\""
		       " aria-labelledby=\"ct%08x cd%08x\" xmlns=\"http://www.w3.org/2000/svg\">"
		       "<title id=\"ct%08x\">", W, H, id, id, id);
	html_text(b, title);
	html_printf(b, "</title><desc id=\"cd%08x\">", id);
	html_text(b, desc);
	buf_puts(b, "</desc>");
}

static void legend(struct buf *b, const struct chart_series *s, int ns, bool lines)
{
	double x = ML;
	for (int i = 0; i < ns && i < CHART_MAX_SERIES; i++) {
		if (lines && i > 0)
			html_printf(b, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\" stroke=\"%s\""
				       " stroke-width=\"3\"/>", x, x + 14, colors[i]);
		else
			html_printf(b, "<rect x=\"%.1f\" y=\"8\" width=\"14\" height=\"12\" fill=\"%s\"/>",
				    x, colors[i]);
		html_printf(b, "<text x=\"%.1f\" y=\"19\" class=\"lg\">", x + 18);
		/* Long names are cut to LEGEND_CHARS characters; the tables carry them whole. */
		const char *name = s[i].name ? s[i].name : "";
		size_t chars = 0, cut = 0;
		for (const char *c = name; *c; c++)
			if (((unsigned char)*c & 0xC0) != 0x80 && ++chars == LEGEND_CHARS + 1)
				cut = (size_t)(c - name);
		if (cut) {
			char t[256];
			snprintf(t, sizeof t, "%.*s…", (int)(cut < 240 ? cut : 240), name);
			html_text(b, t);
			chars = LEGEND_CHARS + 1;
		} else {
			html_text(b, name);
		}
		buf_puts(b, "</text>");
		x += 30 + 7.4 * (double)chars;
	}
}

/* y axis from 0 to ymax with grid lines; returns nothing, draws in the plot area. */
static void y_axis(struct buf *b, double ymax, double step)
{
	double ph = H - MT - MB;
	for (double v = 0; v <= ymax + 1e-9; v += step) {
		double y = MT + ph - ph * v / ymax;
		html_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			       "<text class=\"ax\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f %%</text>",
			    ML, y, W - MR, y, ML - 6, y + 4, v);
	}
	html_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		    ML, MT + ph, W - MR, MT + ph);
}

static double fit_max(double m)
{
	if (!(m > 0))
		return 10;
	double top = ceil(m / 10.0) * 10.0;
	return top > 100 ? ceil(m / 10.0) * 10.0 : top;
}

static double tick_step(double ymax)
{
	return ymax <= 10 ? 2 : ymax <= 30 ? 5 : ymax <= 60 ? 10 : 20;
}

void chart_bars(struct buf *b, const char *title, const char *desc, const char *const *cats,
		int ncats, const struct chart_series *s, int ns, double ymax)
{
	if (ns > CHART_MAX_SERIES)
		ns = CHART_MAX_SERIES;
	if (ymax <= 0) {
		double m = 0;
		for (int i = 0; i < ns; i++)
			for (int c = 0; c < ncats; c++)
				if (!isnan(s[i].v[c]) && s[i].v[c] > m)
					m = s[i].v[c];
		ymax = fit_max(m);
	}
	open_svg(b, title, desc);
	legend(b, s, ns, false);
	y_axis(b, ymax, tick_step(ymax));
	double pw = W - ML - MR, ph = H - MT - MB;
	double gw = pw / (ncats > 0 ? ncats : 1);
	double bw = gw * 0.8 / (ns > 0 ? ns : 1);
	bool values = ncats * ns <= 24;
	int every = ncats > 24 ? (ncats + 23) / 24 : 1;
	for (int c = 0; c < ncats; c++) {
		double gx = ML + gw * c + gw * 0.1;
		for (int i = 0; i < ns; i++) {
			double v = s[i].v[c];
			if (isnan(v))
				continue;
			double h = ph * (v > ymax ? ymax : v < 0 ? 0 : v) / ymax;
			double x = gx + bw * i, y = MT + ph - h;
			html_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				       "<title>", x, y, bw > 1.5 ? bw - 1 : bw, h, colors[i]);
			html_text(b, s[i].name);
			buf_puts(b, ", ");
			html_text(b, cats[c]);
			buf_puts(b, ": ");
			chart_pct(b, v);
			buf_puts(b, " %</title></rect>");
			if (values) {
				html_printf(b, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
					    x + bw / 2, y - 4);
				chart_pct(b, v);
				buf_puts(b, "</text>");
			}
		}
		if (c % every == 0) {
			html_printf(b, "<text class=\"ax\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
				    ML + gw * c + gw / 2, MT + ph + 18);
			html_text(b, cats[c]);
			buf_puts(b, "</text>");
		}
	}
	buf_puts(b, "</svg></div>");
}

void chart_hist(struct buf *b, const char *title, const char *desc, const struct chart_series *s,
		int ns, int nbins, const int *bounds, const char *const *bound_labels, int nbounds)
{
	if (ns > CHART_MAX_SERIES)
		ns = CHART_MAX_SERIES;
	if (nbins < 1)
		nbins = 1;
	double m = 0;
	for (int i = 0; i < ns; i++)
		for (int c = 0; c < nbins; c++)
			if (!isnan(s[i].v[c]) && s[i].v[c] > m)
				m = s[i].v[c];
	double ymax = fit_max(m);
	open_svg(b, title, desc);
	legend(b, s, ns, true);
	y_axis(b, ymax, tick_step(ymax));
	double pw = W - ML - MR, ph = H - MT - MB;
	double bw = pw / nbins;
	/* Bars of the unit. */
	for (int c = 0; c < nbins; c++) {
		double v = ns > 0 ? s[0].v[c] : NAN;
		if (isnan(v) || v <= 0)
			continue;
		double h = ph * (v > ymax ? ymax : v) / ymax;
		html_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\""
			       " fill-opacity=\"0.85\"><title>%d: ",
			    ML + bw * c + 0.5, MT + ph - h, bw > 2 ? bw - 1 : bw, h, colors[0], c);
		chart_pct(b, v);
		buf_puts(b, " %</title></rect>");
	}
	/* Step lines of the levels above. */
	for (int i = 1; i < ns; i++) {
		html_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colors[i]);
		for (int c = 0; c < nbins; c++) {
			double v = isnan(s[i].v[c]) ? 0 : s[i].v[c];
			double y = MT + ph - ph * (v > ymax ? ymax : v) / ymax;
			html_printf(b, "%.1f,%.1f %.1f,%.1f ", ML + bw * c, y, ML + bw * (c + 1), y);
		}
		buf_puts(b, "\"/>");
	}
	/* Mark boundaries. */
	for (int k = 0; k < nbounds; k++) {
		if (bounds[k] < 0 || bounds[k] >= nbins)
			continue;
		double x = ML + bw * bounds[k];
		html_printf(b, "<line class=\"bound\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			       "<text class=\"bl\" x=\"%.1f\" y=\"%.1f\">", x, MT - 4, x, MT + ph, x + 3, MT + 10);
		html_text(b, bound_labels[k]);
		buf_puts(b, "</text>");
	}
	/* x labels: every score when few, else a step of 2, 5, 10… */
	int step = nbins <= 26 ? 1 : nbins <= 52 ? 2 : nbins <= 130 ? 5 : nbins <= 260 ? 10 : 50;
	for (int c = 0; c < nbins; c += step)
		html_printf(b, "<text class=\"ax\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>",
			    ML + bw * c + bw / 2, MT + ph + 16, c);
	html_printf(b, "<text class=\"ax\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		       "первичный балл</text>", ML + pw / 2, H - 6);
	buf_puts(b, "</svg></div>");
}
