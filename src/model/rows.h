/* model/rows: the small helpers the model files share — for model/ only. */
#ifndef OKO_MODEL_ROWS_H
#define OKO_MODEL_ROWS_H

#include <math.h>
#include <stddef.h>

#include "base/str.h"
#include "db/db.h"

/* A step's answer as a function's: DB_ROW/DB_DONE → 0, an error as it is. */
static inline int model_done(int rc)
{
	return rc < 0 ? rc : 0;
}

/* The Russian reason of a refusal into msg (when the caller gave one). */
static inline void model_say(char *msg, size_t n, const char *text)
{
	if (msg && n)
		str_copy_utf8(msg, n, text);
}

/* A column's text into a fixed field, cut at a character boundary; NULL as "". */
static inline void model_copy(char *dst, size_t n, const char *src)
{
	str_copy_utf8(dst, n, src ? src : "");
}

/* A statistic in and out of a REAL column: NaN and infinities stored as NULL, NULL read
 * as NaN. */
static inline int model_bind_num(struct db_stmt *s, int i, double v)
{
	return isnan(v) || isinf(v) ? db_bind_null(s, i) : db_bind_double(s, i, v);
}

static inline double model_col_num(struct db_stmt *s, int i)
{
	return db_col_null(s, i) ? NAN : db_col_double(s, i);
}

/* Now as UTC 'YYYY-MM-DDTHH:MM:SSZ', from the one clock (plan_now). */
void model_now_iso(char out[24]);

/* Reads the rows of a prepared statement (unless *rc already says it failed) into a
 * malloc'ed array of elements of `size` bytes, each zeroed and filled by read();
 * finalizes the statement. On an error the array is freed, *n is 0 and NULL returned. */
typedef void (*model_row_fn)(struct db_stmt *s, void *item);
void *model_rows(int *rc, struct db_stmt *s, size_t size, model_row_fn read, size_t *n);

#endif
