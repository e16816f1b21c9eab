/* report/fisoko_doc: the seven ФИС ОКО analytics reports of report/fisoko.h as a printed
 * document (io/doc.h), for doc_pdf_write(): the procedure by its title with the year (never
 * its code), the unit and the levels it is compared with, then one section per report —
 * marks, the journal comparison, the distribution of primary scores, task success with the
 * thresholds' verdicts, planned results by difficulty level, mark groups, individual
 * results (a school's; codes only) — as tables with the numbers of the report page, in the
 * Russian format of base/ru.h (decimal comma, «—» for no data). A chart of the marks is
 * drawn as a PNG (cairo) above the first table. No SQL: the caller builds the report. */
#ifndef OKO_REPORT_FISOKO_DOC_H
#define OKO_REPORT_FISOKO_DOC_H

#include <stddef.h>

#include "io/doc.h"
#include "report/fisoko.h"

/* The title of the report's procedure: «ВПР, математика, 4 класс, 2022» into out. */
char *fisoko_doc_procedure(const struct fisoko_report *r, char *out, size_t n);
/* A new document of the reports (the caller frees it with doc_free). */
struct doc *fisoko_doc(const struct fisoko_report *r);

#endif
