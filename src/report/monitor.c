/* monitor: the upload monitoring of a procedure as a table (see monitor.h). */
#include "report/monitor.h"

#include <stdio.h>

#include "io/table_write.h"

/* The rows of the list into an open writer. */
static int rows(const struct plan_monitor *m, struct table_writer *w)
{
	static const char *const head[] = { "school", "name", "municipality", "status", "status_title",
					    "sit_date", "sit_time", "first_upload", "last_upload",
					    "rows", "written" };
	int rc = 0;
	for (size_t i = 0; i < sizeof head / sizeof *head && !rc; i++)
		rc = table_writer_text(w, head[i]);
	if (!rc)
		rc = table_writer_end_row(w);
	for (size_t i = 0; i < m->n && !rc; i++) {
		const struct plan_mon_school *x = &m->s[i];
		const char *texts[] = { x->login, x->name, x->municipality, plan_status_name(x->status),
					plan_status_title(x->status), x->sit_date, x->sit_time,
					x->first_at, x->last_at };
		for (size_t k = 0; k < sizeof texts / sizeof *texts && !rc; k++)
			rc = texts[k][0] ? table_writer_text(w, texts[k]) : table_writer_empty(w);
		if (!rc)
			rc = x->first_at[0] ? table_writer_int(w, x->rows) : table_writer_empty(w);
		if (!rc)
			rc = x->first_at[0] ? table_writer_int(w, x->written) : table_writer_empty(w);
		if (!rc)
			rc = table_writer_end_row(w);
	}
	return rc;
}

/* Fills an opened writer and closes it; a failure without a message names path (NULL: the
 * table in memory). */
static int fill(struct table_writer *w, const struct plan_monitor *m, const char *path, char *msg,
		size_t msglen)
{
	int rc = rows(m, w);
	int crc = table_writer_close(w);
	if (!rc)
		rc = crc;
	if (rc && !*msg) {
		if (path)
			snprintf(msg, msglen, "не удалось записать %s", path);
		else
			snprintf(msg, msglen, "не удалось построить таблицу");
	}
	return rc;
}

int monitor_write(const struct plan_monitor *m, const char *path, enum table_kind kind, char *msg,
		  size_t msglen)
{
	struct table_writer *w = NULL;
	int rc = table_writer_open(&w, path, kind, "Мониторинг", msg, msglen);
	return rc ? rc : fill(w, m, path, msg, msglen);
}

int monitor_write_mem(const struct plan_monitor *m, enum table_kind kind, struct buf *out, char *msg,
		      size_t msglen)
{
	struct table_writer *w = NULL;
	int rc = table_writer_open_mem(&w, kind, "Мониторинг", out, msg, msglen);
	return rc ? rc : fill(w, m, NULL, msg, msglen);
}

