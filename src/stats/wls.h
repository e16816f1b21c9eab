/* stats/wls: the coefficients gsl_multifit_wlinear gives, for one design X and one set of
 * weights w and many responses y, decomposing sqrt(W) X once.
 *
 * gsl_multifit_wlinear (GSL 2.x) weights the rows (gsl_multifit_linear_applyW), takes the
 * balanced SVD of the weighted design (gsl_multifit_linear_bsvd) and solves with it
 * (gsl_multifit_linear_solve with lambda 0: truncation at GSL_DBL_EPSILON, as its own);
 * the decomposition depends on X and w only. stat_wls_solve repeats the weighting and the
 * solve with the decomposition kept, so its coefficients are gsl_multifit_wlinear's bit
 * for bit (tests/unit/test_stats_fast.c checks it on the installed GSL) at a fraction of
 * the cost: the bunching bootstrap's first refit of every replicate has the same weights
 * (those of the point fit's coefficients), only its response differs. No covariance. */
#ifndef OKO_STATS_WLS_H
#define OKO_STATS_WLS_H

#include <stdbool.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_vector.h>

struct stat_wls {
	const gsl_matrix *X;              /* the design (not owned) */
	gsl_vector *w;                    /* the weights decomposed for; NULL: none yet */
	gsl_matrix *A;                    /* scratch: the weighted design */
	gsl_vector *b;                    /* the weighted response */
	gsl_multifit_linear_workspace *ws; /* holds the decomposition */
};

/* An empty solver for the design X (n x p, kept by pointer: it must not change). */
void stat_wls_init(struct stat_wls *s, const gsl_matrix *X);
/* Whether the decomposition held is the one for weights w (bit for bit). */
bool stat_wls_has(const struct stat_wls *s, const gsl_vector *w);
/* Decomposes sqrt(W) X for the weights w. 0, or a GSL error code. */
int stat_wls_decompose(struct stat_wls *s, const gsl_vector *w);
/* The coefficients c of the weighted least squares of y under the weights decomposed for;
 * 0, or a GSL error code. */
int stat_wls_solve(struct stat_wls *s, const gsl_vector *y, gsl_vector *c);
void stat_wls_free(struct stat_wls *s);

#endif
