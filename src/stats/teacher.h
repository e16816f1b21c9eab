/* stats/teacher: class-level evidence and its aggregation per teacher (issue 20, item 4).
 *
 * A class's evidence comes in kinds (enum stat_tkind), each a one-sided p-value of the
 * class against the region's model of the same procedure: journal leniency and the
 * boundary heap computed here per class (stat_lenient_classes, stat_bunch_classes), and the
 * position statistics stat_analyze already computes per class (hard_help, lenient_scoring,
 * person_fit, twins). stat_teacher_combine() pools a teacher's classes (across procedures
 * and years) kind by kind with Stouffer's weighted z (weights sqrt(works)), combines the
 * kinds with Simes' test, and controls the false discovery rate over the region's teachers
 * with Benjamini-Hochberg. Pure: no SQL, no I/O. Formulas: docs/methodology-oko.md, «Teachers in the risk zone». */
#ifndef OKO_STATS_TEACHER_H
#define OKO_STATS_TEACHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats/cfg.h"
#include "stats/proc.h"
#include "stats/signs.h"

/* Kinds of class-level evidence (the order of teachers.csv's columns). */
enum stat_tkind {
	STAT_TK_BUNCH = 0, /* boundary heap: works just at/above the mark boundaries */
	STAT_TK_LENIENT,   /* journal marks above the region's at equal primary score */
	STAT_TK_HARD,      /* hard positions above expectation given the score */
	STAT_TK_SCORING,   /* judgement-scored positions above expectation */
	STAT_TK_FIT,       /* answer patterns unlike the region's */
	STAT_TK_TWINS,     /* near-identical works within the class */
	STAT_TK_COUNT
};
/* "boundary_bunching", "journal_lenient", … (the sign the kind is the class form of). */
const char *stat_tkind_name(enum stat_tkind k);
/* The kind of a name, or -1. */
int stat_tkind_of(const char *name);

/* journal_lenient per class: the class's journal marks against the region's mean journal
 * mark at the same primary score (t is the procedure's school count table, whose region
 * row gives the conditional means and variances), z with the empirical null over the
 * classes (stat_zres_finish, min_n_group works). out[p->nclasses]; every class not
 * evaluable when p has no classes or no journal marks. */
int stat_lenient_classes(const struct stat_proc *p, const struct stat_tab *t,
			 const struct stat_cfg *cfg, struct stat_znull *nul, struct stat_zres *out);

/* The boundary heap per class: at each boundary i with ref[i].ok, a = the class's works in
 * b..ref.hi, m = in ref.lo..ref.hi, tested by stat_bunch_test against the regional null
 * share ref[i].pi0 with the schools' overdispersion ref[i].rho; the boundaries combined as
 * stat_sign_bunch combines them (Fisher when the windows are disjoint, else
 * Bonferroni-min). p NaN when no boundary window holds a work of the class. */
struct stat_class_bunch {
	uint32_t nwin;   /* works in the windows */
	double p;
};
int stat_bunch_classes(const struct stat_proc *p, const struct stat_bunch_ref *ref,
		       struct stat_class_bunch *out);

/* One class's evidence of one kind for one teacher. */
struct stat_tclass {
	uint32_t teacher;  /* teacher index 0..nteachers-1 */
	uint8_t kind;      /* enum stat_tkind */
	uint32_t n;        /* works of the class behind p (the weight is sqrt(n)) */
	double p;          /* one-sided p, small = suspicious; NaN entries are skipped */
};

struct stat_teacher {
	uint32_t classes;              /* evidence entries used (class × kind) */
	uint32_t k[STAT_TK_COUNT];     /* classes per kind */
	double z[STAT_TK_COUNT];       /* Stouffer's weighted z per kind (NaN: none) */
	double p_kind[STAT_TK_COUNT];  /* its upper tail */
	double p;                      /* Simes over the kinds with evidence; NaN: none */
	int top;                       /* the kind with the smallest p_kind, -1 */
	double q_adj;                  /* BH over the teachers with a p */
	bool listed;                   /* q_adj <= q */
};

/* Aggregates ev[0..n) into out[0..nteachers) and returns the number listed (or an ERR_*
 * when an entry names a teacher or kind out of range). z_i = Φ⁻¹(1 − p_i) (p clipped to
 * [1e-300, 1 − 1e-16]); per kind Z = Σ √n_i z_i / √(Σ n_i); p_kind = 1 − Φ(Z); p = Simes
 * min_j K p_(j) / j over the K kinds with evidence; BH at level q over the teachers. */
int stat_teacher_combine(const struct stat_tclass *ev, size_t n, size_t nteachers, double q,
			 struct stat_teacher *out);

#endif
