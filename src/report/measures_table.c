/* measures_table: a plan of measures as a table (see measures_table.h). */
#include "report/measures_table.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "io/table_write.h"
#include "model/measure.h"
#include "model/plan.h"

const char measures_table_sheet[] = "План мероприятий";

/* The last status note of a measure as the table shows it: its text and the evidence
 * file's name («отчёт.pdf»). */
static int last_note(struct db *d, const struct mp_measure *m, char *out, size_t n)
{
	struct mp_note *v = NULL;
	size_t k = 0;
	out[0] = '\0';
	if (!m->notes)
		return 0;
	int rc = measure_notes(d, m->id, &v, &k);
	if (rc)
		return rc;
	const struct mp_note *last = NULL;
	for (size_t i = 0; i < k; i++)
		if (!last || v[i].id > last->id)
			last = &v[i];
	if (last && last->file_id[0])
		snprintf(out, n, "%s%s(файл «%s»)", last->note, last->note[0] ? " " : "",
			 last->file_name);
	else if (last)
		snprintf(out, n, "%s", last->note);
	free(v);
	return 0;
}

int measures_table_write(struct db *d, int64_t plan_id, struct table_writer *w)
{
	struct mp_plan *plan = xcalloc(1, sizeof *plan);
	struct mp_block *blocks = NULL;
	struct mp_measure *ms = NULL;
	size_t nb = 0, nm = 0;
	char *note = xmalloc(MP_NOTE_MAX + 300);
	int rc = mplan_get(d, plan_id, plan);
	if (rc || (rc = mplan_blocks(d, plan_id, &blocks, &nb)) ||
	    (rc = measure_list(d, plan_id, &ms, &nm)))
		goto out;
	bool addressed = false;
	for (size_t i = 0; i < nm; i++)
		addressed = addressed || ms[i].school_id;
	static const char *const head[] = { "№ п/п", "Мероприятие", "Срок", "Выполнить до",
					    "Ответственный", "Ожидаемый результат",
					    "Учёт специфики территории", "Статус",
					    "Отметка о выполнении", "Школа", "Основание" };
	size_t ncols = addressed ? 11 : 9;
	for (size_t i = 0; i < ncols && !rc; i++)
		rc = table_writer_text(w, head[i]);
	rc = rc ? rc : table_writer_end_row(w);
	for (size_t b = 0; b < nb && !rc; b++) {
		char num[40];
		snprintf(num, sizeof num, "%zu.", b + 1);
		rc = table_writer_text(w, num);
		rc = rc ? rc : table_writer_text(w, blocks[b].title);
		for (size_t i = 2; i < ncols && !rc; i++)
			rc = table_writer_empty(w);
		rc = rc ? rc : table_writer_end_row(w);
		int pos = 0;
		for (size_t i = 0; i < nm && !rc; i++) {
			const struct mp_measure *m = &ms[i];
			if (m->block_id != blocks[b].id)
				continue;
			char due[PLAN_DATE_LEN] = "", status[64];
			snprintf(num, sizeof num, "%zu.%d", b + 1, ++pos);
			if (m->due[0])
				plan_date_ru(m->due, due);
			snprintf(status, sizeof status, "%s%s", mp_status_title(m->status),
				 m->overdue ? ", просрочено" : "");
			if ((rc = last_note(d, m, note, MP_NOTE_MAX + 300)))
				break;
			rc = table_writer_text(w, num);
			rc = rc ? rc : table_writer_text(w, m->text);
			rc = rc ? rc : table_writer_text(w, m->term);
			rc = rc ? rc : table_writer_text(w, due);
			rc = rc ? rc : table_writer_text(w, m->responsible);
			rc = rc ? rc : table_writer_text(w, m->expected);
			rc = rc ? rc : table_writer_text(w, m->specifics);
			rc = rc ? rc : table_writer_text(w, status);
			rc = rc ? rc : table_writer_text(w, note);
			if (addressed) {
				rc = rc ? rc : table_writer_text(w, m->school_name);
				rc = rc ? rc : table_writer_text(w, m->cause);
			}
			rc = rc ? rc : table_writer_end_row(w);
		}
	}
out:
	free(note);
	free(ms);
	free(blocks);
	free(plan);
	return rc;
}

static int finish(struct db *d, int64_t plan_id, struct table_writer *w, char *msg, size_t n)
{
	int rc = measures_table_write(d, plan_id, w);
	int crc = table_writer_close(w);
	if (rc == ERR_NOTFOUND)
		snprintf(msg, n, "плана мероприятий № %lld нет", (long long)plan_id);
	else if (rc)
		snprintf(msg, n, "план не прочитан: %s", err_str(rc));
	else if (crc)
		snprintf(msg, n, "таблица плана не записана до конца");
	return rc ? rc : crc;
}

int measures_table_save(struct db *d, int64_t plan_id, const char *path, enum table_kind kind,
			char *msg, size_t n)
{
	struct table_writer *w;
	int rc = table_writer_open(&w, path, kind, measures_table_sheet, msg, n);
	return rc ? rc : finish(d, plan_id, w, msg, n);
}

int measures_table_mem(struct db *d, int64_t plan_id, enum table_kind kind, struct buf *out,
		       char *msg, size_t n)
{
	struct table_writer *w;
	int rc = table_writer_open_mem(&w, kind, measures_table_sheet, out, msg, n);
	return rc ? rc : finish(d, plan_id, w, msg, n);
}
