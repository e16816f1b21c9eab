/* diag: a list of problems found in an input file, each with its place.
 *
 * Importers do not stop at the first problem: they add every problem they find (up to a
 * limit) with file, sheet, row, column and value, and a Russian explanation, then decide
 * whether the file is rejected. Severity DIAG_ERROR rejects the file; DIAG_WARN is reported
 * and the row is stored marked; DIAG_NOTE is information only. */
#ifndef OKO_DIAG_H
#define OKO_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_sev { DIAG_NOTE, DIAG_WARN, DIAG_ERROR };

struct diag {
	enum diag_sev sev;
	char *file;    /* base name of the file */
	char *sheet;   /* sheet name, or NULL for CSV */
	long row;      /* 1-based row (line for CSV), 0 when the problem is not in a row */
	char *column;  /* column as a person reads it: "H «вариант»", or NULL */
	char *value;   /* the offending value as found (truncated), or NULL */
	char *code;    /* stable identifier of the rule, e.g. "score_range" */
	char *msg;     /* Russian explanation */
};

struct diag_list {
	struct diag *v;
	size_t n, cap;
	size_t max;           /* at most this many are kept; the rest are only counted */
	size_t dropped;       /* problems found beyond max */
	size_t count[3];      /* problems found per severity, kept or not */
};

void diag_init(struct diag_list *d, size_t max);
void diag_free(struct diag_list *d);
void diag_add(struct diag_list *d, enum diag_sev sev, const char *file, const char *sheet,
	      long row, const char *column, const char *value, const char *code,
	      const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* The same, first in the list: a summary that explains the problems below it (when the list
 * is full, the last kept problem makes room). */
void diag_add_first(struct diag_list *d, enum diag_sev sev, const char *file, const char *sheet,
		    long row, const char *column, const char *value, const char *code,
		    const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* Forgets the problems of one code and severity, `added` of which were added (kept or
 * only counted): a summary has replaced them. */
void diag_discard(struct diag_list *d, const char *code, enum diag_sev sev, size_t added);
size_t diag_errors(const struct diag_list *d);
/* Prints each problem as one Russian line: "файл.xlsx, лист «Sheet», строка 5, столбец H
 * «вариант», значение «abc»: сообщение". */
void diag_print(FILE *f, const struct diag_list *d);
/* Writes the problems as CSV: severity,file,sheet,row,column,value,code,message. */
int diag_write_csv(FILE *f, const struct diag_list *d);
/* Spreadsheet column name of a 0-based index: 0 → "A", 27 → "AB". out needs 8 bytes. */
void diag_colname(unsigned col, char out[8]);

#endif
