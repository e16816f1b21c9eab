/* report/doc_pdf: a document of io/doc.h drawn as an A4 PDF with cairo and pango, in the
 * layout io/doc.h states (ГОСТ Р 7.0.97: fields, a serif 14 pt face, page numbers centred
 * at the top from the second page, the approval stamp at the top right), on the helpers of
 * report/pdf.h. The PDF's text (pdftotext) holds every string of the document, as given:
 * the typographic binding — no line break after «№» or between a number and its «%»,
 * «чел.» or «г.» — is
 * Pango's allow_breaks over the pair, not a changed character. A heading stays with what
 * follows it (two lines of text, a table's head and first row, or a whole image). */
#ifndef OKO_REPORT_DOC_PDF_H
#define OKO_REPORT_DOC_PDF_H

#include "base/buf.h"
#include "io/doc.h"

/* Appends the PDF to out. 0, or ERR_IO when cairo failed. */
int doc_pdf_write(const struct doc *d, struct buf *out);

#endif
