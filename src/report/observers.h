/* report/observers: the documents of observation — the schedule of observers (the two
 * appendices of a municipal order: the specialists' schedule and the public observers per
 * school) and the printed observation act.
 *
 * Schedule rows come from model/observer (observer_sittings), one row per assignment in
 * date, time, school order. CSV has the header
 *   date,time,procedure,school,observer_id,observer,kind
 * (date ISO, procedure its code, school its login, kind 'общественный'/'специалист');
 * XLSX has two sheets shaped like the appendices («Специалисты», «Общественные
 * наблюдатели»), with Russian dates, «ВПР, математика, 4 класс» and school names; the PDF
 * prints the same two appendices on A4, ready to attach to an order. */
#ifndef OKO_REPORT_OBSERVERS_H
#define OKO_REPORT_OBSERVERS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"
#include "model/observer.h"
#include "model/scope.h"

enum obs_doc_format { OBS_DOC_CSV, OBS_DOC_XLSX, OBS_DOC_PDF };
/* "csv" | "xlsx" | "pdf" → format; -1 unknown. */
int obs_doc_format_parse(const char *s);
/* "municipality" | "kind" | "risk" → the grouping of coverage (model/observer.h); NULL →
 * by municipality; -1 unknown. */
int obs_group_parse(const char *s);

/* Appends the schedule of the campaign's sittings the scope sees to out. now (unix
 * seconds) is the date printed on the PDF. ERR_NOTFOUND for an unknown campaign (msg). */
int obs_schedule_write(struct db *d, const struct scope *sc, int64_t campaign_id,
		       enum obs_doc_format f, int64_t now, struct buf *out, char *msg, size_t n);

/* Appends the act as an A4 PDF (the form of the observation act with its marks) to out.
 * ERR_NOTFOUND for an unknown act. */
int obs_act_pdf(struct db *d, int64_t act_id, struct buf *out, char *msg, size_t n);

/* Acts as a table for `oko export acts` and for typing paper acts back in (`oko import
 * acts` reads the same header):
 *   procedure,school,observer_id,started,ended,stages,no_violations,violations,comment
 * stages: the titles of the stages observed separated by «; », violations: the violation
 * titles separated by «; ». */
int obs_acts_write(struct db *d, const struct scope *sc, int64_t campaign_id,
		   enum obs_doc_format f, struct buf *out, char *msg, size_t n);

/* Coverage of the campaign's sittings the scope sees as a table (`oko observers coverage`,
 * /observers/coverage.csv|xlsx), one row per group of `by` (model/observer.h) and a last
 * row «Итого»:
 *   group,sittings,observed,priority,priority_observed,acts,acts_violations,
 *   video_sitting,video_checking,video_problems
 * CSV or XLSX; ERR_NOTFOUND for an unknown campaign (msg). */
int obs_coverage_write(struct db *d, const struct scope *sc, int64_t campaign_id,
		       enum obs_group by, enum obs_doc_format f, struct buf *out, char *msg,
		       size_t n);

#endif
