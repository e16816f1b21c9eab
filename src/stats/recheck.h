/* stats/recheck: the arithmetic of re-checking — pure functions, no SQL, no I/O.
 *
 * Conventions (docs/recheck.md, methodology-oko.md §8.2):
 * - A work's scores are one value per position, 0..max (the callers turn SCORE_X,
 *   SCORE_EMPTY and SCORE_NOT_TAUGHT into 0 before calling). Check 1 is the school's own
 *   scoring (the stored result), check 2 an expert's, check 3 a third expert's.
 * - Significant discrepancy between checks 1 and 2: some position differs by at least
 *   point_diff points, or the two primary scores give different marks (procedures with a
 *   scale). Then check 3 decides and is final; otherwise check 2 is final.
 * - A work is objectively assessed ("objective") when its final mark equals the school's
 *   mark and the final primary score differs from the school's by at most `tolerance`
 *   points. delta = school's primary score − final primary score (positive: the school
 *   over-scored).
 * - Control checks (an expert's check of a work whose final scores are agreed) measure the
 *   expert and never enter a school's figures: callers pass them only to rc_expert_*.
 * - Sampling: rc_sample() draws from the seed with its own generator (splitmix64), so a
 *   sample depends only on the candidates, their order, the rules, the share and the seed. */
#ifndef OKO_STATS_RECHECK_H
#define OKO_STATS_RECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The settings of a procedure's re-checks (recheck_setting; defaults in brackets). */
struct rc_cfg {
	int point_diff;      /* [2] a position differing by this much is significant */
	int tolerance;       /* [1] objective: the primary score moved by at most this */
	double control_rate; /* [0.1] control checks per assigned work in a queue */
};
#define RC_CFG_DEFAULT ((struct rc_cfg){ 2, 1, 0.1 })
#define RC_OBJECTIVE_TARGET 0.9 /* the regional target share of objectively assessed works */
#define RC_ALPHA 0.05           /* recheck_inflated: the sign test's level */

/* ---- one work ---- */

/* The sum of n scores. */
int rc_total(const uint8_t *s, int n);
/* True when checks a and b (n positions) differ significantly: a position by at least
 * cfg->point_diff, or different marks on scale (NULL: no marks). */
bool rc_significant(const struct rc_cfg *cfg, const int *scale, const uint8_t *a,
		    const uint8_t *b, int n);

enum rc_state {
	RC_WAIT2,  /* check 2 not done */
	RC_FINAL2, /* check 2 done, no significant discrepancy: check 2 is final */
	RC_WAIT3,  /* significant discrepancy, check 3 not done */
	RC_FINAL3, /* check 3 done: final */
};
/* The state of a work from its checks (s2/s3 NULL when not done). *final points at the
 * final scores (s2 or s3) or NULL while waiting. */
enum rc_state rc_state_of(const struct rc_cfg *cfg, const int *scale, const uint8_t *s1,
			  const uint8_t *s2, const uint8_t *s3, int n, const uint8_t **final);
/* Russian: «ждёт второй проверки», «проверена», «ждёт третьей проверки», «проверена
 * третьим экспертом». */
const char *rc_state_title(enum rc_state s);

/* One finished work: the school's and the final primary scores and marks. */
struct rc_outcome {
	int score1, score_final;
	int mark1, mark_final; /* 0 without a scale */
	int delta;             /* score1 - score_final */
	bool objective;
};
void rc_outcome_of(const struct rc_cfg *cfg, const int *scale, const uint8_t *s1,
		   const uint8_t *sfinal, int n, struct rc_outcome *out);

/* ---- a school's figures ---- */

struct rc_school {
	long works;          /* finished works (not control checks) */
	long objective;      /* of them objectively assessed */
	double objective_share; /* objective / works (NaN when no works) */
	double mean_delta;   /* mean of delta (NaN when no works) */
	long up, down;       /* works whose final mark is above / below the school's */
	long over, under;    /* works with delta > 0 / delta < 0 */
	double p;            /* one-sided exact sign test of over-scoring: P(X >= over),
				X ~ Binomial(over + under, 1/2); 1 when over + under = 0 */
	bool inflated;       /* recheck_inflated: objective_share < RC_OBJECTIVE_TARGET and
				p < RC_ALPHA */
};
/* Figures of n finished works (outcomes). */
void rc_school_of(const struct rc_outcome *o, size_t n, struct rc_school *out);

/* ---- positions: where the schools over-score ---- */

struct rc_position {
	long works;       /* finished works */
	double mean_delta; /* school − final on this position */
	long over, under; /* works where the school gave more / less */
	double p;         /* one-sided sign test of over (as rc_school.p) */
};
/* Accumulates one finished work into pos[0..n-1] (zeroed by the caller; call
 * rc_position_finish once after the last work). */
void rc_position_add(struct rc_position *pos, const uint8_t *s1, const uint8_t *sfinal, int n);
void rc_position_finish(struct rc_position *pos, int n);

/* ---- an expert's figures ---- */

/* Accumulator of one expert's checks against the final (or agreed) scores. */
struct rc_expert_acc {
	long works;                  /* checks compared (not control) */
	long exact, within1;         /* equal primary score, within one point */
	double sx, sy, sxx, syy, sxy; /* sums for the kappa: x = expert, y = final */
	double sdelta;               /* sum of expert − final */
	long control, control_ok;    /* control checks, of them accurate */
};
struct rc_expert {
	long works;
	double exact, within1;  /* shares (NaN when no works) */
	double qwk;             /* quadratic-weighted Cohen's kappa of primary scores (NaN
				   when undefined: fewer than 2 works or no variance) */
	double mean_delta;      /* expert − final: positive = lenient, negative = severe */
	long control;
	double control_accuracy; /* control checks within tolerance and with the agreed mark
				    (NaN when none) */
};
/* Adds one check: x = the expert's primary score, y = the final one. */
void rc_expert_add(struct rc_expert_acc *a, int x, int y);
/* Adds one control check: accurate when rc_outcome_of(agreed as check 1, the expert's as
 * final) is objective, i.e. the same mark and within tolerance. */
void rc_expert_add_control(struct rc_expert_acc *a, const struct rc_cfg *cfg, const int *scale,
			   const uint8_t *agreed, const uint8_t *expert, int n);
void rc_expert_finish(const struct rc_expert_acc *a, struct rc_expert *out);
/* Quadratic-weighted kappa of n pairs (x[i], y[i]) (used by rc_expert_finish through the
 * sums; here for the tests): 2·cov(x,y) / (var x + var y + (mean x − mean y)²), population
 * moments; NaN when the denominator is 0 or n < 2. */
double rc_qwk(const int *x, const int *y, size_t n);

/* ---- sampling ---- */

enum rc_rule {
	RC_RULE_RISK = 1 << 0,     /* every work of a school on oko's risk list */
	RC_RULE_OFFICIAL = 1 << 1, /* every work of a school with an official sign */
	RC_RULE_BOUNDARY = 1 << 2, /* works of those schools at b−1, b, b+1 of a mark boundary */
	RC_RULE_RANDOM = 1 << 3,   /* a random control sample of the other schools */
	RC_RULE_MEDAL = 1 << 4,    /* medal candidates (a list given by the caller) */
};
#define RC_RULE_COUNT 5
/* "risk", "official", "boundary", "random", "medal" ↔ bit; parse a comma list into a mask
 * (0 and the bad word in *bad on an unknown word). */
const char *rc_rule_id(enum rc_rule r);
const char *rc_rule_title(enum rc_rule r); /* Russian: «школа в списке oko», … */
unsigned rc_rules_parse(const char *list, const char **bad);

/* One candidate work. */
struct rc_candidate {
	uint32_t school;   /* the caller's school index */
	int score;         /* primary score */
	bool listed;       /* its school is on the risk list */
	bool official;     /* its school has an official sign in the procedure */
	bool medal;        /* a medal candidate */
	bool taken;        /* sampled before (never drawn again) */
};
/* What rc_sample chose for a candidate: 0 = not chosen, else one rc_rule bit (the first
 * rule of the list risk, official, medal, boundary, random that chose it). */
struct rc_sample_params {
	unsigned rules;   /* rc_rule bits */
	double share;     /* 0 < share <= 1: RANDOM: the share of the other schools drawn (at
			     least one); the others: the share of each school's works drawn */
	uint64_t seed;
	const int *scale; /* mark boundaries (BOUNDARY needs them; NULL: BOUNDARY chooses none) */
};
/* Fills why[0..n-1]. Candidates must be grouped by school (the order of the caller's
 * query). Returns the number chosen. */
size_t rc_sample(const struct rc_candidate *c, size_t n, const struct rc_sample_params *p,
		 unsigned *why);

#endif
