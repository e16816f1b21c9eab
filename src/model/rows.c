/* model/rows: the model files' shared helpers (see rows.h). */
#include "model/rows.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "model/plan.h"

void model_now_iso(char out[24])
{
	time_t t = (time_t)plan_now();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void *model_rows(int *rc, struct db_stmt *s, size_t size, model_row_fn read, size_t *n)
{
	char *v = NULL;
	size_t cap = 0;
	*n = 0;
	if (!*rc) {
		while ((*rc = db_step(s)) == DB_ROW) {
			v = xgrow(v, &cap, *n + 1, size);
			memset(v + *n * size, 0, size);
			read(s, v + (*n)++ * size);
		}
		*rc = model_done(*rc);
	}
	db_finalize(s);
	if (*rc) {
		free(v);
		v = NULL;
		*n = 0;
	}
	return v;
}
