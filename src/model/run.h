/* model/run: the stored analysis runs (migrations 004 and 012) — the only code that reads or
 * writes analysis_run, sign_result, school_risk, region_index and run_histogram.
 *
 * Writing: run_begin() opens the transaction and the run's row; run_add_*() add its rows;
 * run_finish() writes the totals and commits; run_abort() rolls back. The whole run is one
 * transaction, as a reader must never see half of one. A national run adds hundreds of
 * thousands of rows: on SQLite the writer prepares each insert once; on PostgreSQL it keeps
 * the rows of sign_result, school_risk and run_histogram and sends each table by one COPY
 * in run_flush() or run_finish() (so a constraint those rows break fails there, and the run
 * rolls back).
 *
 * Reading: the latest run, the risk list of a scope (filters and paging of /risk), one
 * school's figures, its flagged signs, its history over runs and the score distributions
 * its card draws — all as the run stored them, so a page shows one moment even after the
 * results were replaced.
 *
 * Conventions: functions return 0 or a negative ERR_*; ERR_NOTFOUND when there is no run
 * (or no such row); what they fill is owned by the caller, to free with the matching
 * *_free(). Numbers a run left empty are NaN. */
#ifndef OKO_MODEL_RUN_H
#define OKO_MODEL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

/* ---- writing ---- */

struct run_writer;

/* Begins the transaction and the run's row (params: JSON text). The transaction is a bulk
 * one (db_begin_bulk): the caller vouches that every school, procedure and teacher id it
 * adds was read from the database after run_begin() took the write lock, so that the
 * rows they name stay until the run commits, and that its values keep the tables' CHECK
 * rules. On SQLite the per-row foreign-key look-ups are then left out (three for each
 * flagged sign: about a quarter of storing a national run's 461,000 flags); PostgreSQL
 * checks them all at COMMIT. */
int run_begin(struct db *d, const char *params, const char *out_dir, struct run_writer **out);
int64_t run_writer_id(const struct run_writer *w);

/* A flagged sign (sign_result). kind: "official", "published" or "own". */
struct run_sign_row {
	int64_t school_id, procedure_id;
	const char *sign, *kind;
	double value, threshold, p, q_adj;
	long n;
	const char *detail;
};
int run_add_sign(struct run_writer *w, const struct run_sign_row *x);

/* A school's risk (school_risk). top_sign NULL or "" and top_procedure_id 0: none. */
struct run_school_row {
	int64_t school_id;
	long official_flags, own_flags, works, rank, consecutive_years;
	double risk, p, q_adj, top_p;
	bool listed;
	const char *top_sign;
	int64_t top_procedure_id;
	const char *years_flagged;
};
int run_add_school(struct run_writer *w, const struct run_school_row *x);

/* A procedure's row of the region's index (region_index); procedure_id 0 with scope "all"
 * is the whole run, of which only schools, flagged_official and index are set. The excess
 * fields (boundary < 0: none) are of the boundary with the largest excess. */
struct run_index_row {
	int64_t procedure_id;
	const char *scope;
	int64_t works, schools, excluded, absent;
	double mean, sd;
	int64_t flagged_mean, flagged_journal, flagged_rise, flagged_drop, flagged_share2,
		flagged_official, own_flagged;
	double index;
	int boundary;
	double excess, excess_lo, excess_hi, excess_share;
};
int run_add_index(struct run_writer *w, const struct run_index_row *x);

/* A score distribution: counts[0..n-1] works by primary score. school_id 0: every school of
 * the run, with the mark scale (scale NULL: none). */
int run_add_histogram(struct run_writer *w, int64_t procedure_id, int64_t school_id,
		      const uint32_t *counts, size_t n, const int *scale);

/* Sends the rows kept so far (PostgreSQL; nothing to do on SQLite): the analysis calls it
 * after each procedure's flags, so that a national run keeps one procedure's rows at a
 * time, not the whole run's. The connection must be free of other statements' results. */
int run_flush(struct run_writer *w);

/* The run's totals; commits and frees the writer. */
struct run_totals {
	long procedures, schools, flagged, listed;
	double index, q;
};
int run_finish(struct run_writer *w, const struct run_totals *t);
/* Rolls back and frees the writer (NULL is fine). */
void run_abort(struct run_writer *w);

/* ---- reading ---- */

struct run_info {
	int64_t id;
	char at[32];   /* UTC, ISO 8601 */
	long procedures, schools, flagged, listed;
	double index, q;
};
/* The latest run; ERR_NOTFOUND when there is none. */
int run_latest(struct db *d, struct run_info *out);
/* How many runs the database stores (monitoring: /metrics). */
int run_count(struct db *d, int64_t *n);

/* One school of a run's risk list. */
struct run_risk {
	long rank;
	int64_t school_id;
	const char *login, *name, *municipality, *kind; /* "" when unknown */
	double risk;
	bool listed;
	long official_flags, own_flags, works, consecutive_years;
	const char *top_sign, *top_procedure, *years_flagged; /* "" when none */
	long published_flags; /* the run's flags of published criteria (sign_result.kind) */
	bool top_flagged;     /* top_sign is among the school's flags (else under its threshold) */
};

enum run_which {
	RUN_EVERY,          /* every school with works */
	RUN_LISTED_OR_FLAGGED, /* on oko's list or with an official flag (the /risk default) */
	RUN_LISTED          /* on oko's list */
};

/* The order of a risk list: rank (default), then by a column; names ascending, counts
 * descending, ties by rank. */
enum run_sort {
	RUN_SORT_RANK,
	RUN_SORT_NAME,
	RUN_SORT_MUNICIPALITY,
	RUN_SORT_OFFICIAL,
	RUN_SORT_PUBLISHED,
	RUN_SORT_OWN,
	RUN_SORT_WORKS
};

struct run_filter {
	enum run_which which;
	int64_t municipality_id; /* 0: any */
	const char *kind;        /* NULL or "": any */
	long limit, offset;      /* limit 0: no limit */
};

/* The run's schools within the scope, in rank order, to fn one by one (texts valid during
 * the call only: nothing is copied); fn's non-zero return stops and is returned. */
typedef int (*run_risk_fn)(void *ctx, const struct run_risk *x);
int run_risk_each(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		  run_risk_fn fn, void *ctx);
/* The same in the order o (the list's columns, pages/risk.c). */
int run_risk_each_by(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		     enum run_sort o, run_risk_fn fn, void *ctx);
/* The same as an array the caller frees with run_risk_free(). */
int run_risk_list(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		  struct run_risk **out, size_t *n);
int run_risk_list_by(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		     enum run_sort o, struct run_risk **out, size_t *n);
void run_risk_free(struct run_risk *rows, size_t n);
/* Frees the texts of one row (run_school_risk); they share one block. */
void run_risk_clear(struct run_risk *x);

/* The run's totals within a scope (a municipal coordinator's district): the schools with
 * works, those with an official flag, those on oko's list and the objectivity index
 * (100 − % of the schools with an official flag; NaN without schools), counted from the
 * run's school rows. The other fields of io (id, at, procedures, q) are kept. */
int run_scope_totals(struct db *d, const struct scope *sc, struct run_info *io);

/* A school's row in a run and the number of schools ranked in it; ERR_NOTFOUND when the
 * run has no row for it. */
int run_school_risk(struct db *d, int64_t run_id, int64_t school_id, struct run_risk *out,
		    long *ranked);

/* A school's flagged signs in a run. */
struct run_sign {
	char *sign, *kind, *procedure, *detail;
	double value, threshold, p, q_adj;
	long n;
};
enum run_sign_order {
	RUN_SIGNS_BY_SIGN,      /* official first, then by sign, latest year first (the card) */
	RUN_SIGNS_BY_PROCEDURE  /* by procedure code, then sign (the API) */
};
int run_school_signs(struct db *d, int64_t run_id, int64_t school_id, enum run_sign_order o,
		     struct run_sign **out, size_t *n);
void run_signs_free(struct run_sign *s, size_t n);

/* A school over the runs, latest first (at most limit). */
struct run_history {
	char at[32];
	double risk;
	long rank, official_flags;
	bool listed;
};
int run_school_history(struct db *d, int64_t school_id, size_t limit, struct run_history **out,
		       size_t *n);

/* The distributions a school's card draws for one procedure of a run: the school's and the
 * run's whole population, with the mark scale the run used. ERR_NOTFOUND when the run did
 * not keep them (older runs). */
struct run_hist {
	size_t nbins;            /* max score + 1 */
	uint64_t *school, *all;  /* [nbins] */
	uint64_t school_n, all_n;
	bool has_scale;
	int scale[3];
};
int run_school_histogram(struct db *d, int64_t run_id, int64_t school_id, const char *procedure,
			 struct run_hist *out);
void run_hist_free(struct run_hist *h);

#endif
