/* model/result_pack: the analysis's copy of the results — one row a procedure and school.
 *
 * The result table keeps a row per participant, which every page, export and check reads
 * by participant. The analysis reads every row of a procedure and nothing by participant:
 * nationally 31.7 M rows, where SQLite's work a row (a cursor step, a record's columns)
 * was about a third of the run's CPU. result_pack holds the same results a school and
 * procedure in one blob (the narrow row of result_scan_each, with the classes named once),
 * so the analysis reads 0.74 M rows instead (docs/performance.md, docs/analysis.md).
 *
 * The copy is kept by the result writer in the same transaction as the rows it stores
 * (model/result.c), from the rows it puts when a school's results are replaced whole, and
 * read back from the result table when they are changed a participant at a time; the
 * registry's merge moves a school's blobs with its rows. A database made before the copy
 * existed lists its procedures in result_unpacked: the analysis reads their rows until a
 * stored run packs them (result_pack_procedure).
 *
 * A blob (numbers as unsigned LEB128 varints, 7 bits a byte, low first):
 *   nclass; then nclass × (len, len bytes: the class name and its NUL) — the school's
 *     class names in the order of their first row;
 *   then the rows in the order of their participant codes (bytes, as SQLite's BINARY
 *   collation orders them), each: a flags byte (1 absent, 2 scored, 4 a class, 8 problems,
 *   16 an exam mark; bits 5-7 the journal mark, 0 for none), then what the flags say is
 *   there — the class's number, the primary score (zigzag), the problems, the exam mark (a
 *   byte) — then ncells and ncells bytes of cells (model/result.h). About 23 bytes a work
 *   of 20 positions: most schools' blobs stay under the size SQLite keeps in the page.
 * The same rows always give the same bytes, so a blob can be checked against its rows by
 * comparing (result_pack_verify). */
#ifndef OKO_MODEL_RESULT_PACK_H
#define OKO_MODEL_RESULT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/result.h"

struct pack_ent {
	int64_t school;
	size_t code, cls; /* offsets into text */
	size_t row, len;  /* the encoded fields but the class, in bytes */
};

/* Bytes of gathered rows at which the blobs of the schools before are stored: an import
 * has a writer a procedure, each holding this much (and its rows' index and codes). */
#define PACK_FLUSH (256u << 10)

/* Rows gathered for blobs: any schools, in any order (pack_set_emit sorts them). */
struct pack_set {
	struct pack_ent *e;
	size_t n, cap;
	char *text; /* codes and class names, NUL-terminated */
	size_t ntext, captext;
	uint8_t *bytes; /* the rows' encoded fields but the class */
	size_t nbytes, capbytes;
};

void pack_set_add(struct pack_set *s, const char *code, const struct result_row *r);
/* Leaves out the rows of schools for which drop(ctx, school) is true. */
void pack_set_filter(struct pack_set *s, bool (*drop)(void *ctx, int64_t school), void *ctx);
/* Calls fn with each school's blob, schools ascending; stops at fn's error. The set is
 * sorted in place. */
int pack_set_emit(struct pack_set *s, int (*fn)(void *ctx, int64_t school, const uint8_t *blob,
						 size_t n),
		  void *ctx);
/* Empties the set, keeping its memory. */
void pack_set_clear(struct pack_set *s);
void pack_set_free(struct pack_set *s);

/* Reads one school's rows of a procedure (or all its schools' when school_id is 0) from the
 * result table into s. */
int pack_set_read(struct db *d, int64_t procedure_id, int64_t school_id, struct pack_set *s);
/* Stores the set's blobs for a procedure (db_copy; the schools' old blobs deleted first by
 * the caller): through the caller's copy cp (opened on result_pack with PACK_COLS), or
 * through one of its own when cp is NULL. */
#define PACK_COLS "procedure_id, school_id, data"
int pack_set_store(struct db *d, int64_t procedure_id, struct pack_set *s, struct db_copy *cp);

/* Whether a procedure's results are packed (not listed in result_unpacked). */
int result_pack_packed(struct db *d, int64_t procedure_id, bool *packed);

/* Every result of a procedure as result_scan_each gives it (the narrow row, schools
 * ascending), from the blobs — or from the rows, for a procedure not packed. */
int result_pack_each(struct db *d, int64_t procedure_id,
		     int (*fn)(void *ctx, const struct result_row *row), void *ctx);
/* The procedures not packed, ascending (*ids malloc'ed, free() it). */
int result_unpacked(struct db *d, int64_t **ids, size_t *n);
/* Packs a procedure from its rows (inside the caller's transaction): its blobs made again,
 * the procedure taken off result_unpacked. */
int result_pack_procedure(struct db *d, int64_t procedure_id);
/* Compares a packed procedure's blobs with its rows: *bad gets the schools whose blob is
 * missing, extra or different (0 when the copy is true; for a procedure not packed, the
 * schools that have a blob at all). */
int result_pack_verify(struct db *d, int64_t procedure_id, long *bad);

#endif
