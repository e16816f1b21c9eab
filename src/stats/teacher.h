/* stats/teacher: class-level evidence and its aggregation per teacher (issue 20, item 4).
 *
 * A class's evidence comes in kinds (enum stat_tkind), each a one-sided p-value of the
 * class against the region's model of the same procedure: journal leniency and the
 * boundary heap computed here per class (stat_lenient_classes, stat_bunch_classes), and the
 * position statistics stat_analyze already computes per class (hard_help, lenient_scoring,
 * person_fit, twins), and the experts' re-checks of the class's works where there are any
 * (stat_recheck_p, the class form of recheck_inflated). stat_teacher_combine() pools a
 * teacher's classes (across procedures and years) kind by kind with Stouffer's weighted z
 * (weights sqrt(works)) — the z-kinds instead by stat_teacher_contrast (pooled sums
 * contrasted with the teacher's school), the re-checks by one sign test over all the
 * teacher's re-checked works (stat_teacher_recheck) —, combines the kinds with a weighted Simes test, and controls the false
 * discovery rate over the region's teachers with Benjamini-Hochberg. Pure: no SQL, no I/O.
 * Formulas: docs/methodology-oko.md, «Teachers in the risk zone». */
#ifndef OKO_STATS_TEACHER_H
#define OKO_STATS_TEACHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats/cfg.h"
#include "stats/proc.h"
#include "stats/recheck.h"
#include "stats/signs.h"

/* Kinds of class-level evidence (the order of teachers.csv's columns). */
enum stat_tkind {
	STAT_TK_BUNCH = 0, /* boundary heap: works just at/above the mark boundaries */
	STAT_TK_LENIENT,   /* journal marks above the region's at equal primary score */
	STAT_TK_HARD,      /* hard positions above expectation given the score */
	STAT_TK_SCORING,   /* judgement-scored positions above expectation */
	STAT_TK_FIT,       /* answer patterns unlike the region's */
	STAT_TK_TWINS,     /* near-identical works within the class */
	STAT_TK_RECHECK,   /* re-checked works the school scored above the experts */
	STAT_TK_COUNT
};
/* "boundary_bunching", "journal_lenient", … (the sign the kind is the class form of). */
const char *stat_tkind_name(enum stat_tkind k);
/* The kind of a name, or -1. */
int stat_tkind_of(const char *name);

/* A class's journal sums: over its works with a journal mark (2..5) the school sign
 * journal_lenient's per-work term f (stat_jcond_terms on t with STAT_JCOND_ALPHA and
 * STAT_JCOND_CAP) minus its null mean μ(v) at the work's score: res = Σ (f − μ), ss =
 * Σ (f − μ)², var = Σ of the null variances, k3 = Σ of the null third cumulants. */
struct stat_tjsums {
	uint32_t n;
	double res, ss, var, k3;
};
/* out[p->nclasses]; all zero when p has no classes or no journal marks. */
int stat_lenient_class_sums(const struct stat_proc *p, const struct stat_tab *t,
			    struct stat_tjsums *out);

/* journal_lenient per class: the school sign's per-work term (stat_jcond_terms on t, the
 * procedure's school count table: the ratio of how often the region gives the work's
 * journal mark to works of mark >= 4 to how often it gives it at the work's score) summed
 * over the class's works with a mark, against its null mean: obs = Σ (f − μ), expct = 0,
 * var and k3 (the null third cumulant) as stat_lenient_class_sums, for every class, z with the empirical null over
 * the classes (stat_zres_finish, min_n_group works) and p the Pearson type III tail with
 * the sum's skewness. out[p->nclasses]; every class not evaluable when p has no classes or
 * no journal marks. */
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

/* The re-check kind (STAT_TK_RECHECK, the class form of recheck_inflated, methodology-oko
 * §8.2): the outcomes (rc_outcome_of) of finished re-checked works — check 2 without a
 * significant discrepancy, or check 3; never a control check. p is rc_school_of's exact
 * one-sided sign test, P(X >= over), X ~ Binomial(over + under, 1/2) over the works whose
 * primary score moved; NaN when none moved (n = 0, or every final score equals the
 * school's: the test has nothing to say, and the kind gives no evidence). */
double stat_recheck_p(const struct rc_outcome *o, size_t n);

/* One finished re-checked work of a teacher's class. */
struct stat_trecheck {
	uint32_t teacher;   /* teacher index 0..nteachers-1 */
	struct rc_outcome o;
};
/* Per teacher, the works of all its classes pooled (every procedure and year): works[t] =
 * its finished works, p[t] = stat_recheck_p of them (NaN without a moved work). ERR_INVALID
 * when an entry names a teacher out of range. */
int stat_teacher_recheck(const struct stat_trecheck *w, size_t n, size_t nteachers,
			 uint32_t *works, double *p);

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
	double p;                      /* weighted Simes over the kinds; NaN: none */
	int top;                       /* the kind with the smallest p_kind, -1 */
	double q_adj;                  /* BH over the teachers with a p */
	bool listed;                   /* q_adj <= q */
};

/* A z-kind per teacher (journal_lenient, hard_help, lenient_scoring, person_fit): a
 * within-school contrast of pooled sums.
 *
 * Input: one entry per class and procedure with the kind's sums, oriented so that a large
 * res is suspicious (journal: stat_lenient_class_sums; the others: the class stat_zres's
 * obs − expct and var, k3 = ss = 0), the class's school and its teacher (STAT_TNONE: a
 * class with no assigned teacher — it counts only among its school's other works). Per
 * teacher t of school s: n_t, R_t, V_t, K_t summed over all its classes (every procedure
 * and year, whatever their size), and the same sums over the school's other classes n_o,
 * R_o, V_o, K_o, Q_o (ss). With n_o >= min_other the teacher is contrasted with the school:
 * δ = R_o / n_o (the school's own excess per work), a = n_t / n_o, φ = max(1, (Q_o −
 * R_o² / n_o) / V_o) when dispersion (the other works' spread about their mean against the
 * null's; else 1), V = φ (V_t + a² V_o), z = (R_t − n_t δ) / √V, skewness
 * g = (K_t − a³ K_o) / (V_t + a² V_o)^{3/2}; else (the teacher is, for this kind, the whole
 * school) z = R_t / √V_t, g = K_t / V_t^{3/2}. Every teacher with a work (n_t >= 1, V_t > 0)
 * gets a z. z is replaced by its normal score (the z whose normal tail is the Pearson type
 * III tail of z with skewness g; z itself when g <= 1e-4), each family (contrast, whole
 * school) standardised by its own empirical null (stat_empirical_null over the family's
 * scores, min_null of them), p = 1 − Φ(zc). Returns 0 or ERR_INVALID (a teacher or school
 * out of range, or a teacher's classes in two schools). */
#define STAT_TNONE UINT32_MAX
struct stat_tcclass {
	uint32_t teacher;  /* teacher index, or STAT_TNONE */
	uint32_t school;   /* school index 0..nschools-1 */
	uint32_t n;        /* works behind the sums (journal: with a journal mark) */
	double res, var;   /* Σ (term − its null mean at the score), Σ null variances */
	double k3;         /* Σ null third cumulants */
	double ss;         /* Σ (term − its null mean)² */
	uint8_t kind;      /* enum stat_tkind (not read by stat_teacher_contrast) */
};
struct stat_tcontrast {
	uint32_t n, n_other;   /* the teacher's works; the school's other works */
	double res, var, k3;   /* the teacher's sums */
	double shift;          /* δ = R_o / n_o of the contrast, 0 without one */
	double phi;            /* the dispersion of the school's other works (1 without) */
	bool contrast;         /* compared with the school's other classes */
	double z, zc, p;       /* z: the normal score; NaN without works */
};
/* The empirical nulls used (center, scale, teachers in the family). */
struct stat_tcnull {
	struct stat_znull contrast, whole;
};
int stat_teacher_contrast(const struct stat_tcclass *cl, size_t n, size_t nteachers,
			  size_t nschools, uint32_t min_other, size_t min_null, bool dispersion,
			  struct stat_tcontrast *out, struct stat_tcnull *nul);

/* Aggregates ev[0..n) into out[0..nteachers) and returns the number listed (or an ERR_*
 * when an entry names a teacher or kind out of range). z_i = Φ⁻¹(1 − p_i) (p clipped to
 * [1e-300, 1 − 1e-16]); per kind Z = Σ √n_i z_i / √(Σ n_i); p_kind = 1 − Φ(Z) (a contrasted
 * kind enters as one entry per teacher, stat_teacher_contrast's p, and so does the re-check
 * kind, stat_teacher_recheck's p); p = weighted Simes over
 * the K kinds with evidence: Q_k = p_k / w_k, p = min_j K Q_(j) / j, with w = K/2 for the
 * journal kind and K / (2(K − 1)) for each other kind when the journal kind is among them
 * (K >= 2), else w = 1; BH at level q over the teachers. */
int stat_teacher_combine(const struct stat_tclass *ev, size_t n, size_t nteachers, double q,
			 struct stat_teacher *out);

#endif
