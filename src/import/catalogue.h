/* catalogue: oko's catalogue of official ВПР structures, shipped inside the binary.
 *
 * src/model/catalogue.csv (procedure,kind,year,subject,grade,max_score,positions,scale,
 * source) holds, per procedure, the positions with their maxima and levels and the mark
 * scale as the official descriptions give them, each row with its source. When a results
 * file arrives for a procedure oko does not know yet, the importer takes it from here, so
 * a region rarely types one (docs/import.md, «Каталог процедур»). */
#ifndef OKO_CATALOGUE_H
#define OKO_CATALOGUE_H

#include <stddef.h>

#include "model/procedure.h"

/* Fills p (code, positions, maxima, levels, scale, source) from the catalogue entry of
 * code; ERR_NOTFOUND when the catalogue has none. ERR_INVALID means the shipped catalogue
 * itself is wrong (a test keeps that from happening), with the reason in msg. */
int catalogue_find(const char *code, struct procedure *p, char *msg, size_t msglen);

/* Calls fn for every entry in the catalogue's order; a non-zero return stops. */
typedef int (*catalogue_fn)(void *ctx, const struct procedure *p);
int catalogue_each(catalogue_fn fn, void *ctx, char *msg, size_t msglen);

#endif
