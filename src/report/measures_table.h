/* measures_table: a plan of measures as a table (CSV or XLSX) — for download and for the
 * round trip with import/measures.c (docs/formats.md, «План мероприятий»).
 *
 * Columns: «№ п/п», «Мероприятие», «Срок», «Выполнить до», «Ответственный», «Ожидаемый
 * результат», «Учёт специфики территории», «Статус», «Отметка о выполнении» and, when the
 * plan has addressed help,
 * «Школа», «Основание». A block is a row of its own: its number («1.») and title, the rest
 * empty; a measure is numbered «1.1». The term is written as stored; «Выполнить до» holds
 * the tracked due date («23.08.2020», empty when none), so a re-import keeps it. The status
 * is its Russian title, «, просрочено» added for an overdue measure; the note is the last
 * status note, with the name of its evidence file. */
#ifndef OKO_REPORT_MEASURES_TABLE_H
#define OKO_REPORT_MEASURES_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"
#include "io/table.h"

struct table_writer;

/* Writes the plan's header row and rows to w (opened by the caller, closed by it).
 * ERR_NOTFOUND for an unknown plan. */
int measures_table_write(struct db *d, int64_t plan_id, struct table_writer *w);
/* The same into a new file at path; ERR_IO with a Russian reason in msg when it cannot. */
int measures_table_save(struct db *d, int64_t plan_id, const char *path, enum table_kind kind,
			char *msg, size_t n);
/* The same appended to out (a download: nothing written to the disk). */
int measures_table_mem(struct db *d, int64_t plan_id, enum table_kind kind, struct buf *out,
		       char *msg, size_t n);
/* The name of the sheet (XLSX): «План мероприятий». */
extern const char measures_table_sheet[];

#endif
