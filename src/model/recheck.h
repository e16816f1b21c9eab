/* recheck: experts, re-check rounds, sampled works, their scans and checks (migration 015;
 * docs/recheck.md). All SQL of re-checking is in recheck.c.
 *
 * Conventions:
 * - A round samples works of one procedure in a scope (a municipality's round or the
 *   region's). A work (recheck_work) is a stored result (procedure, school, code), sampled
 *   at most once per procedure, with the rule that chose it and why, in Russian.
 * - Check 1 is the school's scores as stored when the work was sampled (kept in the work:
 *   a later upload replaces the results, not what is re-checked); checks 2 and 3 are
 *   experts' (recheck_check).
 *   Control checks (control = true) are an expert's checks of a work of an earlier round
 *   whose final scores are agreed; they never count for a school.
 * - Anonymity: what an expert reads (struct rc_task, rc_task_view) has no school, no
 *   municipality and no login: the code, the procedure and the scan only. The school's
 *   scores reach an expert only in check 3 (rc_task_view.earlier).
 * - Scores are one byte per position (0..max; the school's SCORE_X/SCORE_EMPTY/
 *   SCORE_NOT_TAUGHT read as 0 here). An expert's unfinished check may keep a position not
 *   yet scored between scored ones as RC_SCORE_EMPTY; a finished one has every position.
 * - Scope (model/scope.h): a coordinator sees the rounds of its territory (a municipality
 *   its own rounds; the region every round) and the works of its schools; a school its own
 *   sampled works (to upload their scans); an expert only its checks (by expert id).
 * - Functions return 0 or a negative ERR_*; those with msg write the Russian reason of
 *   ERR_INVALID / ERR_NOTFOUND there. Lists are malloc'ed arrays: free() them. */
#ifndef OKO_RECHECK_H
#define OKO_RECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/procedure.h"
#include "model/scope.h"
#include "stats/recheck.h"

#define RC_CODE_MAX 64
#define RC_NAME_MAX 200
#define RC_MAX_SCHOOLS 32   /* works_at / children_at of one expert */
#define RC_SCAN_ID_LEN 33   /* 32 hex digits + NUL */
#define RC_DETAIL_MAX 200

/* ---- settings ---- */

/* The procedure's settings (defaults RC_CFG_DEFAULT when none stored). */
int recheck_cfg_get(struct db *d, int64_t procedure_id, struct rc_cfg *out);
/* ERR_INVALID (msg) for values out of range (point_diff 1..100, tolerance 0..100,
 * control_rate 0..0.5). */
int recheck_cfg_put(struct db *d, int64_t procedure_id, const struct rc_cfg *cfg,
		    const char *by, char *msg, size_t n);

/* ---- experts ---- */

struct rc_expert_row {
	int64_t id;                          /* 0 until stored */
	char code[RC_CODE_MAX];
	char name[RC_NAME_MAX];
	int64_t municipality_id;             /* 0: none (a regional expert) */
	char municipality[256];              /* its name, when listed */
	char subjects[64];                   /* 'RU,MA'; '' any */
	int max_works;                       /* 1..10000 */
	int nworks, nchildren;
	int64_t works_at[RC_MAX_SCHOOLS];    /* school ids: conflicts of interest */
	int64_t children_at[RC_MAX_SCHOOLS];
	char login[64];                      /* the linked user's, "" when none */
	long assigned, done;                 /* checks (all rounds; control included) */
};
/* Stores an expert in the caller's transaction: a known code is updated (its schools
 * replaced), a new one added. */
int expert_put(struct db *d, const struct rc_expert_row *e, const char *by);
/* The experts the scope sees (its municipality's, and for REGION/ALL every one), by name,
 * with works_at/children_at and their counts. */
int expert_list(struct db *d, const struct scope *sc, struct rc_expert_row **out, size_t *n);
int expert_get(struct db *d, int64_t id, struct rc_expert_row *out);
int expert_find(struct db *d, const char *code, int64_t *id);
bool expert_in_scope(struct db *d, const struct scope *sc, int64_t expert_id);
/* Links a user of role expert. ERR_INVALID (msg) for another role or a user linked to
 * another expert. */
int expert_link_user(struct db *d, int64_t expert_id, int64_t user_id, char *msg, size_t n);
int expert_of_user(struct db *d, int64_t user_id, int64_t *expert_id);

/* ---- rounds ---- */

enum rc_kind { RC_MUNICIPAL, RC_CROSS };
const char *rc_kind_id(enum rc_kind k);     /* 'municipal' | 'cross' */
const char *rc_kind_title(enum rc_kind k);  /* «муниципальная перепроверка» | «перекрёстная проверка» */
int rc_kind_parse(const char *s);           /* -1 unknown */

struct rc_round {
	int64_t id;
	int64_t procedure_id;
	char procedure[40];         /* code */
	char title[160];            /* «ВПР, математика, 4 класс, 2021» */
	int64_t municipality_id;    /* 0: the region's round */
	char municipality[256];
	enum rc_kind kind;
	char rules[64];             /* 'risk,boundary,random' */
	double share;
	uint64_t seed;
	bool no_mutual;
	char created_by[64], created_at[24], assigned_at[24]; /* "" when not assigned */
	/* Progress (not control checks): */
	long works, scans;          /* sampled works, of them with a scan */
	long assigned2, done2;      /* works with check 2 assigned / done */
	long need3, done3;          /* works with a significant discrepancy / check 3 done */
	long final;                 /* works with final scores */
	long control, control_done; /* control checks in the round's queues */
};
/* Adds a round (in the caller's transaction); r->id is set. */
int recheck_round_add(struct db *d, struct rc_round *r);
/* The rounds the scope sees, newest first; procedure_id 0: all. Progress filled. */
int recheck_round_list(struct db *d, const struct scope *sc, int64_t procedure_id,
		       struct rc_round **out, size_t *n);
int recheck_round_get(struct db *d, int64_t id, struct rc_round *out);
bool recheck_round_in_scope(struct db *d, const struct scope *sc, int64_t round_id);
/* Records the round's assignment (by, now). */
int recheck_round_assigned(struct db *d, int64_t round_id, const char *by);

/* ---- sampling ---- */

/* One result that may be sampled, as rc_sample wants it, with its ids. */
struct rc_cand_row {
	int64_t school_id, municipality_id;
	const char *school;    /* login */
	const char *code;
	int score;             /* primary score */
	bool listed, official; /* in the latest analysis run: the school on the risk list /
				  with an official sign in this procedure */
	bool taken;            /* sampled in an earlier round */
};
typedef int (*rc_cand_fn)(void *ctx, const struct rc_cand_row *c);
/* Every result of the procedure at the scope's schools with a score (not absent), grouped
 * by school (school login, then code). */
int recheck_candidates(struct db *d, const struct scope *sc, int64_t procedure_id, rc_cand_fn fn,
		       void *ctx);
/* Adds a sampled work to a round (caller's transaction), keeping the school's scores as
 * they are now (check 1). ERR_EXISTS when the work is already sampled, ERR_NOTFOUND when
 * there is no such result with scores. */
int recheck_work_add(struct db *d, int64_t round_id, int64_t procedure_id, int64_t school_id,
		     const char *code, const char *reason, const char *detail);

/* ---- works ---- */

/* One sampled work with everything the coordinator, the assignment and the report need. */
struct rc_work {
	int64_t id, round_id, procedure_id, school_id, municipality_id;
	char school[64];             /* login */
	char school_name[256];
	char code[RC_CODE_MAX];
	char reason[12];             /* rc_rule_id */
	char detail[RC_DETAIL_MAX];
	char scan_id[RC_SCAN_ID_LEN]; /* "" when no scan */
	char scan_type[8];           /* 'pdf' | 'jpeg' */
	int64_t scan_size;
	int npos;
	uint8_t s1[PROC_MAX_POSITIONS];  /* the school's scores */
	/* Check 2 and 3 (expert_id 0: not assigned). */
	int64_t check_id[2], expert_id[2];
	char expert[2][RC_CODE_MAX];
	bool done[2];
	int filled[2];
	uint8_t s[2][PROC_MAX_POSITIONS];
	char scan_at[24];            /* when the scan was uploaded (UTC), "" when none */
	char class_name[64];         /* the result row's class as the results wrote it ("" when
					none): the teacher's re-check evidence */
};
/* The works of a round (round_id > 0) or of every round of a procedure (round_id 0,
 * procedure_id > 0) at the scope's schools, by school login then code. */
int recheck_work_list(struct db *d, const struct scope *sc, int64_t round_id,
		      int64_t procedure_id, struct rc_work **out, size_t *n);
/* One work; ERR_NOTFOUND when unknown or not in the scope. */
int recheck_work_get(struct db *d, const struct scope *sc, int64_t work_id, struct rc_work *out);
/* A sampled work by (procedure, school login, code). ERR_NOTFOUND when not sampled. */
int recheck_work_find(struct db *d, int64_t procedure_id, const char *school, const char *code,
		      int64_t *work_id);

/* ---- scans ---- */

/* Records a work's scan (the file already written to the scans directory under scan_id).
 * *old gets the replaced scan's id ("" when none) for the caller to delete. */
int recheck_scan_set(struct db *d, int64_t work_id, const char *scan_id, const char *type,
		     int64_t size, const char *by, char old[RC_SCAN_ID_LEN]);

/* ---- checks ---- */

/* Adds a check to an expert's queue (caller's transaction). control: a control check of a
 * finished work. ERR_EXISTS when the work already has that check (or this expert). */
int recheck_check_add(struct db *d, int64_t round_id, int64_t work_id, int check_no,
		      int64_t expert_id, bool control, const char *by);

/* One item of an expert's queue: no school, no municipality. */
struct rc_task {
	int64_t id;          /* the check's id: the expert's handle */
	char procedure[40];
	char title[160];     /* the procedure's title */
	char code[RC_CODE_MAX];
	int check_no;
	int npos, filled;
	bool done, has_scan;
	char saved_at[24];
};
/* The expert's checks, not done first, then by id. */
int recheck_queue(struct db *d, int64_t expert_id, struct rc_task **out, size_t *n);

/* What the scoring page shows: the task, the procedure's positions with their maxima, the
 * scan, and for check 3 the two earlier checks (the school's and check 2). */
#define RC_SCORE_EMPTY 254 /* a position of an unfinished check not scored yet */
struct rc_task_view {
	struct rc_task t;
	int64_t procedure_id;
	uint8_t s[PROC_MAX_POSITIONS];    /* the expert's scores so far: s[0..ns-1], RC_SCORE_EMPTY
					     where not scored yet (t.filled counts the others) */
	int ns;
	char scan_id[RC_SCAN_ID_LEN], scan_type[8];
	bool earlier;                      /* check 3: e1/e2 are filled */
	uint8_t e1[PROC_MAX_POSITIONS], e2[PROC_MAX_POSITIONS];
};
/* The check of this expert; ERR_NOTFOUND for a check of another expert (or none). */
int recheck_task_get(struct db *d, int64_t expert_id, int64_t check_id, struct rc_task_view *out);

/* Saves an expert's scores: s[0..ns-1] are the first positions in order (a partly filled
 * grid: RC_SCORE_EMPTY where a position is not scored yet, kept with the scores after it),
 * each checked against its maximum; done (every position scored) submits the check, after
 * which it cannot change. ERR_INVALID (msg: the position and its maximum) with nothing
 * stored; ERR_NOTFOUND for a check of another expert; ERR_EXISTS (msg) when already
 * submitted. */
int recheck_task_save(struct db *d, int64_t expert_id, int64_t check_id, const uint8_t *s,
		      int ns, bool done, char *msg, size_t n);

/* Stores a finished check typed in from paper (`oko import rechecks`), in the caller's
 * transaction: the work's check 2 or 3 by the expert, replacing an unfinished one. */
int recheck_check_import(struct db *d, int64_t work_id, int check_no, int64_t expert_id,
			 const uint8_t *s, int npos, const char *by);

/* One control check with the agreed (final) scores of its work: for the experts' figures. */
struct rc_control_row {
	int64_t expert_id;
	char expert[RC_CODE_MAX];
	int64_t work_id;
	bool done;
	int npos;
	const uint8_t *s; /* the expert's */
};
typedef int (*rc_control_fn)(void *ctx, const struct rc_control_row *c);
/* The control checks of a procedure's rounds the scope sees (the work's final scores come
 * from recheck_work_list). */
int recheck_control_each(struct db *d, const struct scope *sc, int64_t procedure_id,
			 rc_control_fn fn, void *ctx);

/* ---- the analysis run (table run_recheck) ---- */

/* One school's re-check figures in one procedure, as a run stores them. */
struct rc_run_row {
	int64_t school_id, procedure_id;
	char procedure[40], title[160]; /* filled when read */
	long works, objective, up, down;
	double mean_delta, p;
	bool inflated;
};
/* Stores a row of run run_id (inside the run's transaction: call between run_begin and
 * run_finish, with run_writer_id). */
int recheck_run_add(struct db *d, int64_t run_id, const struct rc_run_row *x);
/* A school's rows in a run, by procedure code. */
int recheck_run_school(struct db *d, int64_t run_id, int64_t school_id, struct rc_run_row **out,
		       size_t *n);
/* How many of the school's works are sampled for re-checking, in every round (finished or
 * not): a school with none was never re-checked. */
int recheck_school_sampled(struct db *d, int64_t school_id, long *works);
/* Per school of the scope with rows in the run: verdict 1 when a re-check confirmed
 * (some procedure inflated), 0 when re-checked and not confirmed. fn's non-zero return
 * stops and is returned. */
typedef int (*rc_verdict_fn)(void *ctx, int64_t school_id, int verdict);
int recheck_run_verdicts(struct db *d, const struct scope *sc, int64_t run_id, rc_verdict_fn fn,
			 void *ctx);

#endif
