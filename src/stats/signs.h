/* stats/signs: the signs of non-objective results per school for one procedure (or a pair
 * of procedures), computed from a per-school table of counts.
 *
 * stat_tab_build() makes one O(n) pass over the works and counts, per school, the works by
 * journal mark (none, 2, 3, 4, 5) and primary score. Every sign of this module is then a
 * pass over the schools' rows of that table: no per-school sorting, so a region of a
 * million works costs one pass plus nschools * 5 * (max_score + 1) cells.
 *
 * Official 2019 signs (docs/methodology-oko.md §3): stat_sign_mean (mean_inflated), stat_sign_journal
 * (journal_mismatch), stat_sign_cohort (cohort_rise, cohort_drop). Published criteria:
 * stat_sign_gap (journal_gap), stat_sign_share2 (share2_rise), stat_sign_peak
 * (boundary_peak); stat_profile in fit.h (difficulty_inverted). oko's own: stat_sign_bunch
 * (boundary_bunching), stat_sign_jcond (journal_lenient, score_above_journal), and in fit.h
 * hard_help, lenient_scoring, person_fit, twins. Every result
 * keeps its inputs so a person can recompute it with a spreadsheet. Conventions and
 * formulas: docs/methodology-oko.md. */
#ifndef OKO_STATS_SIGNS_H
#define OKO_STATS_SIGNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats/bunching.h"
#include "stats/cfg.h"
#include "stats/proc.h"

/* Stable identifiers of the signs (the `sign` column of signs.csv). */
enum stat_sign {
	STAT_SIGN_MEAN_INFLATED = 0,  /* official (a) */
	STAT_SIGN_JOURNAL_MISMATCH,   /* official (b) */
	STAT_SIGN_COHORT_RISE,        /* official (c) */
	STAT_SIGN_COHORT_DROP,        /* official (c) */
	STAT_SIGN_JOURNAL_GAP,        /* ФИОКО: procedure mark vs journal mark >= 2 apart */
	STAT_SIGN_SHARE2_RISE,        /* ФИОКО: share of mark 2 up by >= 10 p.p. */
	STAT_SIGN_BOUNDARY_PEAK,      /* ФИОКО: peak of the score distribution at a boundary */
	STAT_SIGN_DIFFICULTY_INVERTED, /* Rosobrnadzor 2018: easy below region, hard above */
	STAT_SIGN_BOUNDARY_BUNCHING,  /* ours: exact test of a heap at the boundaries */
	STAT_SIGN_HARD_HELP,          /* ours: hard positions above expectation given score */
	STAT_SIGN_PERSON_FIT,         /* ours: answer patterns unlike the region's */
	STAT_SIGN_TWINS,              /* ours: near-identical score vectors within classes */
	STAT_SIGN_JOURNAL_LENIENT,    /* ours: journal marks above the region's at equal score */
	STAT_SIGN_SCORE_ABOVE_JOURNAL, /* ours: scores above the region's at equal journal mark */
	STAT_SIGN_LENIENT_SCORING,    /* ours: judgement-scored positions above, at equal score */
	STAT_SIGN_RECHECK_INFLATED,   /* ours: experts' re-check found systematic over-scoring */
	STAT_SIGN_VPR_ABOVE_DKR,      /* ours: the school's ВПР far above its ДКР, same pupils */
	STAT_SIGN_COUNT
};
/* "mean_inflated", "journal_mismatch", ...; NULL for an unknown value. */
const char *stat_sign_name(enum stat_sign s);
/* True for the official 2019 signs (reported as they are, outside the FDR procedure). */
bool stat_sign_official(enum stat_sign s);

/* Per-school counts of works by journal mark and primary score. */
struct stat_tab {
	size_t nschools;
	int max_score;
	size_t w;           /* max_score + 1 */
	bool has_scale;
	int scale[3];
	bool has_journal;
	uint32_t *c;        /* c[(s*5 + j)*w + score], j = 0 no journal mark, 1..4 marks 2..5 */
	uint32_t *n;        /* works per school */
	uint64_t *region;   /* region[j*w + score]: the sum over schools */
	uint32_t *hist;     /* hist[s*w + score]: the sum over j (stat_tab_school_hist) */
	uint32_t *span;     /* span[2s], span[2s + 1]: school s's lowest score with works and
			     * its highest + 1 (0, 0 without works): the rows' zeros outside */
	/* Works with a journal mark by the mark they are compared with: jm[s*16 + (journal-2)*4
	 * + (mark-2)], the mark the results stated, else the scale's. Only when the procedure
	 * has stated marks (p->mark, ОГЭ/ГВЭ); NULL otherwise (the scale's mark is read off c). */
	uint32_t *jm;
};

/* Builds the table from the works of p (validating the school index, score and journal
 * mark of each; ERR_INVALID on a value out of range). Free with stat_tab_free(). */
int stat_tab_build(const struct stat_proc *p, struct stat_tab *t);
void stat_tab_free(struct stat_tab *t);
/* The scores [*lo, *hi) outside which every row of school s is 0 (stat_tab.span). */
static inline void stat_tab_span(const struct stat_tab *t, size_t s, size_t *lo, size_t *hi)
{
	*lo = t->span[2 * s];
	*hi = t->span[2 * s + 1];
}

/* Counts of school s with journal slot j (0 none, 1..4 marks 2..5), w values. */
static inline const uint32_t *stat_tab_row(const struct stat_tab *t, size_t s, int j)
{
	return t->c + (s * 5 + (size_t)j) * t->w;
}
/* All works of school s by score into h[0..w-1]. */
void stat_tab_school_hist(const struct stat_tab *t, size_t s, uint32_t *h);
/* All works of the region by score into h[0..w-1]. */
void stat_tab_region_hist(const struct stat_tab *t, uint64_t *h);

/* (a) mean_inflated. Region: all works; interval mean +- z*sd/sqrt(n). */
struct stat_mean_region {
	uint64_t n;
	double mean, sd, lo, hi;
};
struct stat_mean_school {
	uint32_t n;
	double mean, sd, lo, hi;
	double pct;     /* 100 * mean / max_score: the S of the cohort sign */
	enum stat_status status; /* flag when lo > region hi; not_evaluable when n < min_n_mean */
};
int stat_sign_mean(const struct stat_tab *t, const struct stat_cfg *cfg,
		   struct stat_mean_region *r, struct stat_mean_school *out);

/* (b) journal_mismatch: tie-corrected Spearman of journal mark and primary score over the
 * school's works with a journal mark; flag when rs < 0. not_evaluable when fewer than
 * min_n_journal such works or marks or scores are constant. */
struct stat_journal_school {
	uint32_t n;
	double rs;         /* Pearson correlation of average ranks (the flagged value) */
	double rs_classic; /* 1 - 6 sum d^2 / (n(n^2-1)) on average ranks, for reference */
	enum stat_status status;
};
int stat_sign_journal(const struct stat_tab *t, const struct stat_cfg *cfg,
		      struct stat_journal_school *out);

/* (c) cohort_rise / cohort_drop. a: grade N in year Y, b: grade N+1 in year Y+1, both
 * indexed by the same school index (the caller aligns the two procedures). K = a.pct /
 * b.pct for schools with >= min_n_cohort works in both and b.pct > 0; quartiles (type 7)
 * over those K; drop when K > Q75 + m*IQR, rise when K < Q25 - m*IQR. */
struct stat_cohort_region {
	size_t nk;      /* schools with a K */
	double q25, q75, iqr;
	double lo, hi;  /* Q25 - m*IQR, Q75 + m*IQR */
};
struct stat_cohort_school {
	uint32_t n1, n2;
	double s1, s2;  /* mean percent completion in a and b */
	double k;
	enum stat_status rise, drop;
};
int stat_sign_cohort(const struct stat_mean_school *a, const struct stat_mean_school *b,
		     size_t nschools, const struct stat_cfg *cfg, struct stat_cohort_region *r,
		     struct stat_cohort_school *out);

/* Marks of the procedure (by its scale) per school. */
struct stat_marks_school {
	uint32_t n;
	uint32_t m[4];  /* works with mark 2, 3, 4, 5 */
	double share2;  /* m[0] / n; NaN without a scale or works */
};
/* Fills out (nschools) and, when r is not NULL, the region's total in *r. */
int stat_marks(const struct stat_tab *t, struct stat_marks_school *out,
	       struct stat_marks_school *r);

/* share2_rise: the same grade and subject in years Y (y1) and Y+1 (y2), schools aligned;
 * flag when share2(Y+1) - share2(Y) >= share2_rise, both years with >= min_n_share2
 * works. */
struct stat_share2_school {
	uint32_t n1, n2;
	double s1, s2, diff;
	enum stat_status status;
};
int stat_sign_share2(const struct stat_marks_school *y1, const struct stat_marks_school *y2,
		     size_t nschools, const struct stat_cfg *cfg, struct stat_share2_school *out);

/* journal_gap: procedure mark vs journal mark for works with both. below = "понизили"
 * (procedure mark lower), same = "подтвердили", above = "повысили"; gap = works with
 * |difference| >= gap_marks. p = P(Binomial(n, region share) >= gap); flag when the
 * BH-adjusted p over the schools <= q. Needs a scale and journal marks. */
struct stat_gap_region {
	uint64_t n, below, same, above, gap;
	double share;   /* gap / n */
};
struct stat_gap_school {
	uint32_t n, below, same, above, gap;
	double share, p, q_adj;
	enum stat_status status;
};
int stat_sign_gap(const struct stat_tab *t, const struct stat_cfg *cfg,
		  struct stat_gap_region *r, struct stat_gap_school *out);

/* boundary_peak at each boundary of the scale (nb = 3): flag when the school has >=
 * min_n_peak works, >= min_peak_count at the boundary score b, and more there than at b-1
 * and at b+1 (a strict local maximum at the boundary). out[s*3 + i] for boundary i. */
struct stat_peak_school {
	uint32_t n;
	uint32_t below, at, above; /* counts at b-1, b, b+1 */
	enum stat_status status;
};
int stat_sign_peak(const struct stat_tab *t, const struct stat_cfg *cfg,
		   struct stat_peak_school *out);

/* boundary_bunching. Reference per boundary: the regional excess-mass fit (window of
 * cfg->bunch) and the per-school window lo..hi = b-school_below .. b+school_above-1 with its
 * null share from the regional counterfactual curve. */
struct stat_bunch_ref {
	struct stat_bunch_est est; /* regional excess mass (window, B, M, interval) */
	int lo, hi;     /* the per-school window */
	bool ok;        /* the per-school test can run at this boundary */
	double pi0;     /* null share of b..hi in lo..hi: counterfactual curve, else observed */
	double pi_obs;  /* the region's observed share */
	double rho;     /* between-school overdispersion of the share (moments) */
};
struct stat_bunch_school {
	struct stat_bunch_test t[3]; /* per boundary (p NaN when the window is empty) */
	int nused;      /* boundaries with works in the window */
	double p;       /* combined over boundaries: Fisher on the beta-binomial p's when the
			 * windows are disjoint, else Bonferroni-min */
	double q_adj;
	enum stat_status status; /* flag when q_adj <= q */
	/* The pooled statistic for the risk, summed over the boundaries: per boundary window
	 * b-pool_below..b+pool_above-1 with a works at/above b out of m, and the share pi
	 * expected from the regional counterfactual tilted to the school's mean: obs = sum a,
	 * expct = sum m*pi, var = sum m*pi*(1-pi); nwin = sum m. */
	uint32_t nwin;
	double obs, expct, var;
	double k3;      /* the third cumulant of obs under the null (its skewness) */
	double tilt;    /* the school's lambda (per score point) */
	double lenience, agreement; /* the school's grading culture behind the journal
				     * ratio (0 without marks or with pool_culture <= 0) */
};
/* Fits the regional counterfactual (cfg->bunch) on the region's histogram, then tests each
 * school at each boundary of the scale in its window. ref[3], out[nschools]. Needs a
 * scale. */
int stat_sign_bunch(const struct stat_tab *t, const struct stat_cfg *cfg,
		    struct stat_bunch_ref *ref, struct stat_bunch_school *out);

/* journal_lenient (STAT_JCOND_JOURNAL): per work with a journal mark, the ratio of how often
 * the region gives that mark to works of mark >= 4 to how often it gives it at the work's
 * score (stat_jcond_terms), summed over the school's works against its regional null mean
 * given the score (obs, expct, var; k3 the null third cumulant, the tail Pearson type III
 * with that skewness); score_above_journal (STAT_JCOND_SCORE): its scores against the
 * region's mean score of works with the same journal mark (normal tail). Both upper-tail z
 * with the empirical null (stat_zres_finish). */
enum stat_jcond {
	STAT_JCOND_JOURNAL = 0,
	STAT_JCOND_SCORE = 1,
};
int stat_sign_jcond(const struct stat_tab *t, enum stat_jcond which, const struct stat_cfg *cfg,
		    struct stat_znull *nul, struct stat_zres *out);
/* journal_lenient's smoothing (pseudo-works per score) and cap of the per-work ratio. */
#define STAT_JCOND_ALPHA 10.0
#define STAT_JCOND_CAP 20.0
/* journal_lenient's per-work term (docs/methodology-oko.md §6.4): f[(j-1)*w + v], the ratio
 * of the journal mark j+1's share among the region's works of mark >= 4 to its smoothed
 * share at score v (alpha pseudo-works spread as the region's marks; capped at cap when cap
 * > 0), and its null mean, variance and third central moment at each score v under the
 * region's shares: mu[v], var[v], k3[v] (w = t->w values each). */
void stat_jcond_terms(const struct stat_tab *t, double alpha, double cap, double *f, double *mu,
		      double *var, double *k3);

/* The region's objectivity index (docs/methodology-oko.md §3.4): 100 - the percentage of schools flagged
 * by at least one official sign. nflags[s] counts the official flags of school s over all
 * procedures of the run; considered[s] says whether school s counts in the denominator
 * (the caller's choice, documented in methodology-oko.md: schools with at least one written
 * work in the procedures analysed); NULL counts every school. index is NaN without any. */
struct stat_index {
	size_t nconsidered, nflagged;
	double index;
};
struct stat_index stat_objectivity_index(const uint32_t *nflags, const bool *considered,
					 size_t nschools);

#endif
