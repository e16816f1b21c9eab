/* plan_pdf: the printed plan-graph (план-график) of a campaign.
 *
 * An A4 PDF: the campaign's procedures with their dates (materials, conducting window,
 * criteria, results form, upload deadline) and, for the region or a municipality, how many
 * of its schools are assigned and have fixed their date; for one school, only the
 * procedures it takes part in with its own date and time. Then the coordinators the
 * viewer sees. */
#ifndef OKO_PLAN_PDF_H
#define OKO_PLAN_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"
#include "model/user.h"

/* Russian name of a subject code ("RU" → "Русский язык"); the code itself when unknown. */
const char *plan_subject_name(const char *code);

/* Appends the PDF to out. school_id 0: the whole campaign as the viewer sees it (viewer
 * NULL: everything); else that school's own dates. now is the date printed. ERR_NOTFOUND
 * for an unknown campaign; msg explains in Russian. */
int plan_pdf(struct db *d, int64_t campaign_id, int64_t school_id, const struct user *viewer,
	     int64_t now, struct buf *out, char *msg, size_t msglen);

#endif
