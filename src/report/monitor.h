/* monitor: the upload monitoring of a procedure (model/plan.h, plan_monitor) written as a
 * table, CSV or XLSX, to a file or into memory (a web download). Columns: school, name,
 * municipality, status, status_title, sit_date, sit_time, first_upload, last_upload, rows,
 * written; rows and written are empty for a school without an upload. */
#ifndef OKO_REPORT_MONITOR_H
#define OKO_REPORT_MONITOR_H

#include <stddef.h>

#include "base/buf.h"
#include "io/table.h"
#include "model/plan.h"

/* Writes the list to path ("-": standard output, CSV only). ERR_IO with a Russian msg. */
int monitor_write(const struct plan_monitor *m, const char *path, enum table_kind kind, char *msg,
		  size_t msglen);
/* The same appended to out (a response body). */
int monitor_write_mem(const struct plan_monitor *m, enum table_kind kind, struct buf *out, char *msg,
		      size_t msglen);

#endif
