/* assign: who goes where — the optimal assignment of people (observers; later experts) to
 * sittings under hard rules and a goal taken in a strict order. Pure: no SQL, no I/O; the
 * callers load the problem from model/ and store the answer through it.
 *
 * Hard rules (never broken):
 *   - a person never goes to a school of its conflicts (works there, a child takes part);
 *   - only on its available days (ndays == 0: any day);
 *   - one sitting per time slot: sittings with the same day and start time are one slot;
 *   - at most max_per_day sittings a day;
 *   - a sitting has at most one person.
 * Goal, each level only among the optima of the levels before it:
 *   1. most priority sittings covered (schools on the risk list or officially flagged);
 *   2. most other sittings covered;
 *   3. fewest repeats: a person sent to the school it observed last time (`previous`);
 *   4. most persons from the sitting's own municipality;
 *   5. load spread: the least sum over persons of (sittings assigned)²;
 *   6. among what is still equal, fewer consecutive sittings of a school with the same
 *      person (a local search of swaps inside a time slot that keeps levels 1-5 exactly:
 *      not a proven minimum), and a draw from the seed (two seeds give different, equally
 *      good answers, so a school cannot predict its observer).
 * Sittings with `fixed` >= 0 keep that person (a coordinator's choice); they take the
 * person's slot and a place of its day and count in the levels, but are not re-checked
 * against the hard rules (the caller did that when the choice was made).
 *
 * Method: min-cost flow (engine.c's own primal-dual solver: Debian's GLPK 5.0 ships its
 * RELAX-IV disabled and its out-of-kilter code was too slow, see engine.c), one solve per
 * level; after each solve the arcs whose reduced cost is not zero are fixed at their
 * bound, which keeps exactly the optima of that level for the next one
 * (docs/observers.md, "Assignment"). */
#ifndef OKO_ASSIGN_H
#define OKO_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct assign_sitting {
	int day;          /* a day number (days since the epoch: order and equality matter) */
	int slot;         /* start time in minutes after midnight */
	int school;       /* 0 .. nschools-1 */
	int municipality; /* 0 .. , -1 unknown (never "same") */
	bool priority;
	int fixed;        /* a person kept by hand, or -1 */
};

struct assign_person {
	int municipality; /* -1: none */
	int max_per_day;  /* >= 1 */
	const int *days;  /* available day numbers, any order; NULL/0: any day */
	int ndays;
};

struct assign_pair {
	int person, school;
};

struct assign_problem {
	const struct assign_sitting *sittings;
	int nsittings;
	const struct assign_person *people;
	int npeople;
	int nschools;
	const struct assign_pair *conflicts; /* never this person at this school */
	int nconflicts;
	const struct assign_pair *previous;  /* this person observed this school last time */
	int nprevious;
	uint64_t seed;
};

struct assign_result {
	int *person;            /* per sitting: the person index, or -1 (malloc'ed) */
	long priority, priority_covered;
	long others, others_covered;
	long repeats;           /* level 3 */
	long same_municipality; /* level 4 */
	long long load_squares; /* level 5 */
	long repeats_inside;    /* consecutive sittings of a school with the same person */
};

/* Solves the problem. 0, or ERR_INVALID (msg) for an inconsistent problem (an index out
 * of range, max_per_day < 1) or when the solver fails (msg says so), ERR_LIMIT for a
 * problem beyond the solver's integers. */
int assign_solve(const struct assign_problem *p, struct assign_result *r, char *msg, size_t n);
void assign_result_free(struct assign_result *r);

/* The levels of an answer computed from p and person[] (used by the solver for its
 * result and by the tests' brute force); false when person[] breaks a hard rule. */
bool assign_evaluate(const struct assign_problem *p, const int *person, struct assign_result *r);

#endif
