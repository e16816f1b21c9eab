/* report/medalists_pdf: the medalists' non-confirmation index (model/medalist.h) as a printed
 * document (io/doc.h, written by doc_pdf_write): the title «Подтверждение медалей
 * результатами ЕГЭ, 2025 год» (or «…, 2023–2025 годы» for years pooled), the territory,
 * the region's totals in words, the table of the visible schools — the same figures as the
 * page's download (medalists, checked, not confirmed, no result, the share, p, q, the
 * verdict) — and a legend saying how the test reads. No SQL: the caller reads the index. */
#ifndef OKO_REPORT_MEDALISTS_PDF_H
#define OKO_REPORT_MEDALISTS_PDF_H

#include <stddef.h>

#include "io/doc.h"
#include "model/medalist.h"

/* The years in words: «2025 год» or «2023–2025 годы» (out of n bytes); returns out. */
char *medal_years_words(char *out, size_t n, const struct medal_index *x);

/* A new document of the index (the caller frees it with doc_free); territory (may be NULL
 * or "") goes under the title. */
struct doc *medal_index_doc(const struct medal_index *x, const char *territory);

#endif
