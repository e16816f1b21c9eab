/* stats/analyze: every per-procedure sign of one procedure in one call, and the evidence
 * list for the risk score.
 *
 * stat_analyze() runs, over the columns of one procedure: the count table (one pass), the
 * official signs (a) and (b), marks, journal gaps, boundary peaks, boundary bunching (with
 * the regional excess mass), the journal conditionals, and — when positions are loaded —
 * hard_help / difficulty_inverted, person fit and near twins, per school and (when classes
 * are known) per class. The two-procedure signs (cohort_rise/drop, share2_rise) take the
 * mean/marks arrays of two analyses (stat_sign_cohort, stat_sign_share2). The function has
 * no global state: analyses of different procedures may run in parallel threads. */
#ifndef OKO_STATS_ANALYZE_H
#define OKO_STATS_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "stats/cfg.h"
#include "stats/fit.h"
#include "stats/proc.h"
#include "stats/risk.h"
#include "stats/signs.h"
#include "stats/teacher.h"

struct stat_analysis {
	size_t nschools, nclasses;  /* nclasses = 0 when the procedure has no classes */
	struct stat_tab tab;
	/* Official. */
	struct stat_mean_region mean_r;
	struct stat_mean_school *mean;       /* [nschools] */
	struct stat_journal_school *journal; /* [nschools] */
	/* Published criteria. */
	struct stat_marks_school marks_r;
	struct stat_marks_school *marks;     /* [nschools] */
	struct stat_gap_region gap_r;
	struct stat_gap_school *gap;         /* [nschools] */
	struct stat_peak_school *peak;       /* [nschools * 3] */
	/* Own, from the count table. */
	struct stat_bunch_ref bunch_r[3];
	struct stat_bunch_school *bunch;     /* [nschools] */
	struct stat_znull lenient_null, above_null;
	struct stat_zres *lenient;           /* journal_lenient [nschools] */
	struct stat_zres *above;             /* score_above_journal [nschools] */
	/* Own, from the positions (NULL when the procedure has no positions loaded). */
	struct stat_profile_region prof_r, prof_class_r;
	struct stat_zres *hard;              /* hard_help [nschools] */
	struct stat_profile_group *prof;     /* difficulty_inverted [nschools] */
	struct stat_zres *hard_class;        /* [nclasses] or NULL */
	struct stat_profile_group *prof_class;
	struct stat_znull scoring_null, scoring_class_null;
	struct stat_zres *scoring;           /* lenient_scoring [nschools] */
	struct stat_zres *scoring_class;     /* [nclasses] or NULL */
	struct stat_fit_region fit_r, fit_class_r;
	struct stat_zres *fit;               /* person_fit [nschools] */
	struct stat_zres *fit_class;         /* [nclasses] or NULL */
	struct stat_twins_region twins_r;
	struct stat_twins_group *twins;      /* [nschools] */
	struct stat_twins_group *twins_class; /* [nclasses] or NULL */
	/* Per class from the count table's model (stats/teacher.h; NULL without classes):
	 * journal_lenient and the boundary heap of each class, the teachers' evidence. */
	struct stat_znull lenient_class_null;
	struct stat_zres *lenient_class;         /* [nclasses] or NULL */
	struct stat_class_bunch *bunch_class;    /* [nclasses] or NULL */
};

/* Marks the positions scored by judgement (maximum >= 2) in target[0..npos-1], the targets
 * of lenient_scoring. */
void stat_scoring_targets(const struct stat_proc *p, bool *target);

/* Analyses p (checked with stat_proc_check first; ERR_INVALID when it fails). On success
 * the caller owns a and frees it with stat_analysis_free(); on failure a is left empty. */
int stat_analyze(const struct stat_proc *p, const struct stat_cfg *cfg, struct stat_analysis *a);
void stat_analysis_free(struct stat_analysis *a);

/* The own signs that feed the risk by default (bit = 1 << enum stat_sign): boundary
 * bunching, hard_help, lenient_scoring, person_fit, twins, journal_lenient, and
 * recheck_inflated and vpr_above_dkr (their evidence is added by the analysis from the
 * re-checks and from the ВПР–ДКР pairs, not by stat_evidence_add). score_above_journal and
 * journal_gap stay out: they measure the school's grading culture as much as its
 * results. */
#define STAT_RISK_DEFAULT_MASK                                                             \
	((1u << STAT_SIGN_BOUNDARY_BUNCHING) | (1u << STAT_SIGN_HARD_HELP) |               \
	 (1u << STAT_SIGN_LENIENT_SCORING) | (1u << STAT_SIGN_PERSON_FIT) |               \
	 (1u << STAT_SIGN_TWINS) | (1u << STAT_SIGN_JOURNAL_LENIENT) |                    \
	 (1u << STAT_SIGN_RECHECK_INFLATED) | (1u << STAT_SIGN_VPR_ABOVE_DKR))

/* Appends to the growable array *ev (*nev used, *cap allocated) one entry per school and
 * own sign in mask whose result has a p-value, tagged with proc. Official signs in the
 * mask are ignored. */
void stat_evidence_add(const struct stat_analysis *a, unsigned mask, int proc,
		       struct stat_evidence **ev, size_t *nev, size_t *cap);

#endif
