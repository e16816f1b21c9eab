/* scan_demo: a demonstration "scan" of a work, drawn as a one-page A4 PDF (`oko demo`).
 *
 * The demo has no paper works to scan, so it draws one per sampled work: the heading
 * «Демонстрационный скан работы», the procedure's title, the participant's code and, per
 * position, a box with its label, its maximum and the points an independent expert would
 * give (the demo's simulated expert scores), so that a demo user can score from it. Like
 * every scan an expert can open, it names no school, municipality or login: the caller
 * passes only the title, the code and the positions. */
#ifndef OKO_SCAN_DEMO_H
#define OKO_SCAN_DEMO_H

#include <stdint.h>

#include "base/buf.h"
#include "model/procedure.h"

/* Draws the page into out (appended). title: «ВПР, русский язык, 4 класс, 2021»; code: the
 * participant code; points[0..p->npos-1] within the positions' maxima. 0 or ERR_IO. */
int scan_demo_pdf(const char *title, const char *code, const struct procedure *p,
		  const uint8_t *points, struct buf *out);

#endif
