/* xlsx_read: streaming reader of Office Open XML workbooks (libzip, expat, io/xml_scan).
 *
 * Opens the workbook, lists its sheets by name, and streams one sheet's rows to a callback
 * without building the sheet in memory. Understands shared strings (including rich text),
 * inline strings, formula string results, numbers, booleans, error cells and date-styled
 * numbers. Hostile files are refused with a Russian message: not a zip, a truncated or
 * corrupt zip, a missing part, more uncompressed bytes than the limit (zip bombs), more
 * columns or rows than the limit, a cell larger than the limit, a row or a sheet with more
 * cells than the limit, shared strings over the limit by count or by bytes.
 *
 * Memory while a sheet is read is bounded by the limits, whatever the file says: the shared
 * strings (max_sst_bytes, plus 8 bytes per string), one row (max_row_cells cell records
 * and max_row_bytes of text) and the XML parser's own state (8 MiB; a giant tag or deeply
 * nested elements are refused with ERR_LIMIT).
 *
 * A cell reference that occurs twice in one row (<c r="A1"> ... <c r="A1">, or a cell without
 * r whose implied column was already used) makes the file damaged: the sheet is refused with
 * ERR_PARSE naming the cell: Excel itself reports such a file as damaged, and keeping either
 * value would silently drop the other. Cells out of column order are accepted. */
#ifndef OKO_XLSX_READ_H
#define OKO_XLSX_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xlsx_limits {
	uint64_t max_part_bytes; /* uncompressed bytes of one XML part (default 512 MiB) */
	uint32_t max_cols;       /* columns (default 16,384, Excel's own maximum) */
	uint32_t max_rows;       /* rows (default 1,048,576) */
	size_t max_cell;         /* bytes in one cell's text (default 128 KiB) */
	size_t max_strings;      /* shared strings (default 4,000,000) */
	uint32_t max_row_cells;  /* <c> elements in one row, every one counted (default 16,384:
				    a row cannot hold more cells than Excel has columns) */
	uint64_t max_cells;      /* <c> elements in one sheet (default 67,108,864 =
				    1,048,576 rows x 64 columns) */
	size_t max_row_bytes;    /* text of one row's cells (default 16 MiB) */
	size_t max_sst_bytes;    /* text of all shared strings, a NUL after each counted
				    (default 64 MiB) */
	bool expat_sheets;       /* read sheets with expat, the reference, instead of the
				    faster io/xml_scan (tests compare the two) */
};

enum xlsx_type { XLSX_EMPTY, XLSX_STRING, XLSX_NUMBER, XLSX_BOOL, XLSX_ERROR };

struct xlsx_cell {
	const char *v;      /* text as stored: numbers as written in the XML ("14", "0.5"),
			       strings decoded to UTF-8; "" for an empty cell; NUL-terminated */
	size_t len;
	enum xlsx_type type;
	bool date;          /* a number whose style is a date/time format (v is the serial) */
};

struct xlsx_book;

/* Called once per row that has at least one cell. row is the 1-based sheet row; cells is
 * dense: cells[c] is column c (0-based, A = 0), up to the last non-empty cell, with
 * XLSX_EMPTY cells in the gaps. Valid only during the call. A non-zero return stops the
 * reading and is returned by xlsx_sheet_read(). */
typedef int (*xlsx_row_fn)(void *ctx, long row, const struct xlsx_cell *cells, size_t ncells);

/* Opens a workbook; lim may be NULL for the defaults. On failure *out is NULL, the return is
 * ERR_IO, ERR_FORMAT, ERR_PARSE or ERR_LIMIT, and msg (if not NULL) gets a Russian reason. */
int xlsx_open(struct xlsx_book **out, const char *path, const struct xlsx_limits *lim,
	      char *msg, size_t msglen);
/* The same over a memory buffer (not copied: it must outlive the book). */
int xlsx_open_mem(struct xlsx_book **out, const void *data, size_t len,
		  const struct xlsx_limits *lim, char *msg, size_t msglen);
void xlsx_close(struct xlsx_book *b);

size_t xlsx_sheet_count(const struct xlsx_book *b);
const char *xlsx_sheet_name(const struct xlsx_book *b, size_t i);
/* Index of the sheet whose name matches (case-insensitively, trimmed), or -1. */
int xlsx_sheet_find(const struct xlsx_book *b, const char *name);

/* Streams the rows of sheet i in order. Returns 0, the callback's non-zero value, or a
 * negative ERR_* with xlsx_error() explaining (in Russian, naming the row when known). */
int xlsx_sheet_read(struct xlsx_book *b, size_t i, xlsx_row_fn fn, void *ctx);
/* Uncompressed size of sheet i's XML part, for progress (0 when unknown). */
uint64_t xlsx_sheet_size(const struct xlsx_book *b, size_t i);
/* Bytes of the sheet's XML consumed so far during xlsx_sheet_read(), for progress. */
uint64_t xlsx_bytes_done(const struct xlsx_book *b);
const char *xlsx_error(const struct xlsx_book *b);

#endif
