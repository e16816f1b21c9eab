/* report/png: see png.h. */
#include "report/png.h"

#include <pango/pangocairo.h>
#include <stdio.h>

#include "base/err.h"
#include "base/ru.h"

static cairo_status_t sink(void *ctx, const unsigned char *data, unsigned int len)
{
	return buf_append(ctx, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int png_write(cairo_surface_t *s, struct buf *out)
{
	cairo_surface_flush(s);
	return cairo_surface_write_to_png_stream(s, sink, out) == CAIRO_STATUS_SUCCESS ? 0 : ERR_IO;
}

void png_text(cairo_t *cr, const char *text, double x, double y, double size, int align, double max_w)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	if (max_w > 0) {
		pango_layout_set_width(l, (int)(max_w * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	char font[64];
	snprintf(font, sizeof font, "Liberation Sans %.1fpx", size);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, text, -1);
	int w, h;
	pango_layout_get_pixel_size(l, &w, &h);
	double dx = align < 0 ? 0 : align == 0 ? -w / 2.0 : -w;
	cairo_move_to(cr, x + dx, y - h / 2.0);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
}

void png_grid_pct(cairo_t *cr, double left, double right, double top, double bottom, double ymax,
		  double step, double size)
{
	cairo_set_line_width(cr, 2);
	for (double y0 = 0; y0 <= ymax + 1e-9; y0 += step) {
		double y = bottom - (bottom - top) * y0 / ymax;
		double g = y0 == 0 ? 0.2 : 0.85;
		cairo_set_source_rgb(cr, g, g, g);
		cairo_move_to(cr, left, y);
		cairo_line_to(cr, right, y);
		cairo_stroke(cr);
		char t[RU_NUM_MAX + 8], n[RU_NUM_MAX];
		snprintf(t, sizeof t, "%s %%", ru_num(n, sizeof n, y0, 0));
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		png_text(cr, t, left - 12, y, size, 1, 0);
	}
}
