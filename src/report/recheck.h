/* report/recheck: the results of re-checking a procedure (or one round) as plain data and
 * as the four tables of `oko recheck report` and the round page's downloads
 * (docs/recheck.md, "Results"; docs/formats.md).
 *
 * Built from model/recheck (the works with their checks, the control checks) and
 * stats/recheck (states, outcomes, the schools', experts' and positions' figures):
 * - works.csv: school,code,check1,check2,check3,final,mark1,mark_final,delta,objective —
 *   primary scores of each check ("" where none), delta = check1 − final, objective 1/0
 *   (empty while the work is not finished);
 * - schools.csv: school,works,objective_share,mean_delta,up,down,p — finished works only,
 *   control checks never counted;
 * - experts.csv: expert,works,exact,within1,qwk,mean_delta,control_accuracy — the expert's
 *   finished checks against the works' final scores, control checks against the agreed
 *   scores;
 * - positions.csv: position,max,works,mean_delta,over,under,p — where the schools
 *   over-score (the criteria that need a seminar).
 * Numbers in the CSV files are machine-readable (a decimal point, shares as 0..1, empty
 * for NaN); pages format them in Russian. */
#ifndef OKO_REPORT_RECHECK_H
#define OKO_REPORT_RECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "io/table_write.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/scope.h"
#include "stats/recheck.h"

struct rc_report_work {
	const struct rc_work *w;
	enum rc_state state;
	bool finished;            /* state FINAL2 or FINAL3 */
	struct rc_outcome o;      /* when finished */
};
struct rc_report_school {
	int64_t school_id;
	char school[64], name[256];
	struct rc_school f;
};
struct rc_report_expert {
	int64_t expert_id;
	char expert[RC_CODE_MAX];
	struct rc_expert f;
};
struct rc_report {
	struct procedure proc;
	struct rc_cfg cfg;
	struct rc_work *works;           /* from recheck_work_list */
	size_t nworks;
	struct rc_report_work *rw;       /* [nworks] */
	struct rc_report_school *schools; /* by school login */
	size_t nschools;
	struct rc_report_expert *experts; /* by expert code */
	size_t nexperts;
	struct rc_position pos[PROC_MAX_POSITIONS]; /* [proc.npos] */
	struct rc_school total;          /* every finished work of the report */
	long finished, waiting3;         /* works finished / waiting for check 3 */
};

enum rc_table { RC_T_WORKS, RC_T_SCHOOLS, RC_T_EXPERTS, RC_T_POSITIONS, RC_T_COUNT };
/* "works.csv", "schools.csv", "experts.csv", "positions.csv". */
const char *rc_table_file(enum rc_table t);
/* By file name; -1 unknown. */
int rc_table_parse(const char *file);

/* Builds the report of one round (round_id > 0) or of every round of a procedure
 * (round_id 0) within the scope. ERR_NOTFOUND (msg) for an unknown round or procedure.
 * Free with rc_report_free. */
int rc_report_build(struct db *d, const struct scope *sc, int64_t round_id, int64_t procedure_id,
		    struct rc_report **out, char *msg, size_t n);
void rc_report_free(struct rc_report *r);

/* Writes one table (header row first) to an open writer (CSV or XLSX). */
int rc_report_write(const struct rc_report *r, enum rc_table t, struct table_writer *w);
/* Writes the four tables into dir (created if missing) as their rc_table_file names. */
int rc_report_write_dir(const struct rc_report *r, const char *dir, char *msg, size_t n);

#endif
