/* assign/recheck: which works go to re-check and which expert checks each — loads through
 * model/recheck, decides with stats/recheck (rc_sample) and the assignment engine
 * (assign.h), stores through model/recheck. Used by `oko recheck sample|assign` and the
 * coordinator's page (docs/recheck.md).
 *
 * Assignment as the engine's problem: every work is its own "school" and its own time
 * slot on one day, so that the engine's hard rules become: an expert never gets a work of
 * a school where it works or has a child (conflicts), nor a work it checked before (check
 * 3), nor — in a cross-check round with no_mutual — a work of a school whose experts
 * check the expert's own school (the schools are put on a circle drawn from the seed and
 * each checks only the next half of it, so no two schools check each other); at most
 * max_works checks per expert (max_per_day); the subject must be one of the expert's.
 * Goal: every work covered, then the same municipality (a municipal round), then the load
 * spread (least sum of squares), then a draw from the seed. Control checks are added
 * after: per expert round(control_rate × its new checks) works of earlier rounds with
 * agreed final scores, drawn from the seed, never of its own schools and never one it
 * checked. */
#ifndef OKO_ASSIGN_RECHECK_H
#define OKO_ASSIGN_RECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/recheck.h"
#include "model/scope.h"

struct rc_sample_opts {
	int64_t procedure_id;
	unsigned rules;         /* rc_rule bits */
	double share;           /* 0 < share <= 1 */
	uint64_t seed;
	enum rc_kind kind;
	bool no_mutual;
	/* RC_RULE_MEDAL: the candidates' (school login, code) pairs, n of them. */
	const char *const *medal_school, *const *medal_code;
	size_t nmedal;
	bool dry_run;           /* compute, store nothing */
};

struct rc_sample_report {
	int64_t round_id;             /* 0 on a dry run */
	long candidates;              /* results considered */
	long chosen[RC_RULE_COUNT];   /* works per rule (index = bit position) */
	long works, schools;          /* chosen in all */
};
/* One chosen work, for the sample file. */
struct rc_sample_row {
	const char *school, *code, *reason, *detail;
};
typedef int (*rc_sample_fn)(void *ctx, const struct rc_sample_row *r);

/* Samples a round of the procedure in the scope (a municipality's coordinator: its round;
 * the region or the command line: the region's) and stores it (round + works) in one
 * transaction, unless dry_run; fn (may be NULL) gets each chosen work. ERR_INVALID (msg)
 * for bad options, no latest analysis run when risk/official/boundary are asked, a medal
 * pair that is not a stored result, or nothing chosen. by: the login recorded. */
int recheck_sample(struct db *d, const struct scope *sc, const struct rc_sample_opts *o,
		   const char *by, rc_sample_fn fn, void *ctx, struct rc_sample_report *rep,
		   char *msg, size_t n);

struct rc_assign_report {
	long works;        /* works that needed an expert (check 2 or 3) */
	long assigned;     /* of them given one now */
	long third;        /* of them check 3 */
	long control;      /* control checks added */
	long experts, experts_used;
	long max_load;     /* most unfinished checks of one expert after */
	double seconds;
};
/* Gives every work of the round that needs check 2, and every one whose significant
 * discrepancy needs check 3, an expert of the round's commission (the experts the round's
 * scope sees), and adds control checks. Works already assigned keep their experts.
 * ERR_NOTFOUND (msg) for an unknown round, ERR_INVALID (msg) with no experts. */
int recheck_assign(struct db *d, int64_t round_id, uint64_t seed, const char *by,
		   struct rc_assign_report *rep, char *msg, size_t n);

#endif
