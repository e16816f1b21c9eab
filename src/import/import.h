/* import: reads files of the outside contract (formats.md) into the model, atomically.
 *
 * Each importer parses with io/ (table_read), validates every row, collects all problems
 * in a diag_list with file, sheet, row, column and value, and stores through model/ in
 * one transaction only when no problem rejects the file: a file with any error changes
 * nothing. The caller (cli/, later web/) prints or renders the problems and the summary. */
#ifndef OKO_IMPORT_H
#define OKO_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "db/db.h"
#include "io/table.h"

struct import_opts {
	bool dry_run;          /* validate only, store nothing */
	const char *procedure; /* procedure code, for layouts that do not carry one */
	const char *scale;     /* "a/b/c" mark scale to set with a KIM description */
};

struct import_stats {
	long rows;     /* data rows read */
	long created;  /* objects created */
	long updated;  /* objects updated */
	long rejected; /* rows with errors */
	char summary[512]; /* one Russian sentence describing what was stored */
};

/* schools.csv: login,name,municipality,region,kind,settlement,indepth */
int import_schools(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st);
/* procedures.csv: procedure,kind,year,subject,grade,max_score,positions,scale */
int import_procedures(struct db *d, const char *path, const struct import_opts *o,
		      struct diag_list *diags, struct import_stats *st);
/* A KIM description (layout 4): positions with level and maximum for o->procedure. */
int import_kim(struct db *d, const char *path, const struct import_opts *o,
	       struct diag_list *diags, struct import_stats *st);

/* Helpers shared by the importers. */

/* Index of the first cell of a header row equal (folded) to one of names, or -1. */
int import_column(const struct table_row *hdr, const char *const *names);
/* Index of the first cell whose folded text starts with one of the folded prefixes, or -1. */
int import_column_prefix(const struct table_row *hdr, const char *const *prefixes);
/* How a person names a column: "C «kind»" for XLSX, "3 «kind»" for CSV. */
void import_colname(const struct table_src *src, int col, const char *header, char *out,
		    size_t n);

#endif
