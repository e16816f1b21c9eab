/* analysis: one analysis run — every procedure from the database through the
 * statistics library to the output files and the database.
 *
 * analysis_run() selects the procedures (all with results, or one year, or one code, plus
 * the previous year's procedures that the cohort and share2 signs of the selected ones
 * need), loads and analyses them on worker threads (each with its own connection, see
 * model/load.h), and writes in DIR: signs.csv (every sign of every school and procedure,
 * with its inputs), schools.csv (official flags, risk, oko's list, persistence),
 * region.csv (objectivity index, exclusions and boundary excess per procedure),
 * municipalities.csv (excess mass per municipality) and official_list.xlsx (the official
 * markers in the shape regions publish), each renamed from ".NAME.part" only when the whole
 * run succeeded. The run is stored through model/run.h (migrations 004 and 012:
 * analysis_run, sign_result with the flags, school_risk, region_index, run_histogram) in one
 * transaction. Formats and decisions: docs/analysis.md. */
#ifndef OKO_ANALYSIS_ANALYSIS_H
#define OKO_ANALYSIS_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct analysis_opts {
	const char *db_path;   /* workers open their own connections to it */
	const char *out_dir;   /* created when missing */
	int year;              /* 0: every year */
	const char *procedure; /* NULL: every procedure */
	int threads;           /* worker threads, >= 1 */
	double q;              /* FDR level of oko's own signs and list (0.05) */
	bool store;            /* keep the run in the database */
	bool progress;         /* progress line on stderr */
	bool timing;           /* phase times on stderr */
	/* Called on the calling thread as the run goes: after each procedure is analysed and
	 * written (done of total: the selected procedures and the previous-year ones they
	 * need); after the last, the risk, the files and the stored run follow before
	 * analysis_run returns. For a caller that shows the run's progress (the web's
	 * /analysis); may be NULL. */
	void (*on_progress)(void *ctx, size_t done, size_t total);
	/* Called on the calling thread before the run, when a stored run first packs the
	 * procedures stored before the analysis's copy existed (model/result_pack.h; once after
	 * an upgrade, about 25 s for a national database): done of total procedures packed,
	 * 0 before the first. May be NULL; progress_ctx is its ctx too. */
	void (*on_packing)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
};

struct analysis_summary {
	int64_t run_id;        /* 0 when not stored */
	size_t procedures;     /* procedures reported */
	size_t companions;     /* previous-year procedures loaded for the pair signs */
	size_t pairs;          /* cohort pairs evaluated */
	uint64_t works, excluded;
	size_t considered;     /* schools with works */
	size_t flagged;        /* schools with an official flag */
	double index;          /* objectivity index */
	size_t listed;         /* schools on oko's list */
	double expected_false; /* q * listed */
	size_t packed;         /* procedures a stored run packed first (model/result_pack.h) */
};

/* Runs the analysis on the open database d (the connection writes the run). Returns
 * ERR_NOTFOUND with a Russian message in msg when there are no results or the procedure
 * is unknown, ERR_IO when an output cannot be written. */
int analysis_run(struct db *d, const struct analysis_opts *o, struct analysis_summary *sum,
		 char *msg, size_t msglen);

#endif
