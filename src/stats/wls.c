/* stats/wls: see wls.h. */
#include "stats/wls.h"

#include <string.h>

void stat_wls_init(struct stat_wls *s, const gsl_matrix *X)
{
	memset(s, 0, sizeof *s);
	s->X = X;
}

bool stat_wls_has(const struct stat_wls *s, const gsl_vector *w)
{
	if (!s->w || s->w->size != w->size)
		return false;
	for (size_t i = 0; i < w->size; i++) {
		double a = gsl_vector_get(s->w, i), b = gsl_vector_get(w, i);
		if (memcmp(&a, &b, sizeof a))
			return false;
	}
	return true;
}

int stat_wls_decompose(struct stat_wls *s, const gsl_vector *w)
{
	size_t n = s->X->size1, p = s->X->size2;
	if (!s->ws) {
		s->w = gsl_vector_alloc(n);
		s->A = gsl_matrix_alloc(n, p);
		s->b = gsl_vector_alloc(n);
		s->ws = gsl_multifit_linear_alloc(n, p);
	}
	int rc = gsl_vector_memcpy(s->w, w);
	/* The weighting of gsl_multifit_wlinear, then its decomposition (the response is
	 * weighted again by each solve). */
	rc = rc ? rc : gsl_multifit_linear_applyW(s->X, s->w, s->w, s->A, s->b);
	rc = rc ? rc : gsl_multifit_linear_bsvd(s->A, s->ws);
	if (rc) { /* nothing is held */
		stat_wls_free(s);
		stat_wls_init(s, s->X);
	}
	return rc;
}

int stat_wls_solve(struct stat_wls *s, const gsl_vector *y, gsl_vector *c)
{
	double rnorm, snorm;
	int rc = gsl_multifit_linear_applyW(s->X, s->w, y, s->A, s->b);
	return rc ? rc : gsl_multifit_linear_solve(0.0, s->X, s->b, c, &rnorm, &snorm, s->ws);
}

void stat_wls_free(struct stat_wls *s)
{
	if (s->w)
		gsl_vector_free(s->w);
	if (s->A)
		gsl_matrix_free(s->A);
	if (s->b)
		gsl_vector_free(s->b);
	if (s->ws)
		gsl_multifit_linear_free(s->ws);
	s->w = NULL;
	s->A = NULL;
	s->b = NULL;
	s->ws = NULL;
}
