/* gen/template: the structure of the generated works — positions, maxima, levels, mark
 * scales and each position's target difficulty.
 *
 * RU-4, MA-4, RU-5 and MA-5 are the real ВПР 2021 works (the public KIM descriptions and
 * mark scales of these works, read with `oko import kim`); their target difficulties are
 * the mean points per position measured on the public Altai Krai 2021 results. Russian and maths
 * for grades 6-8 are plausible works modelled on them, and every other subject or grade
 * gets one generic work. These tables are facts about the tests, kept as constants. */
#ifndef OKO_GEN_TEMPLATE_H
#define OKO_GEN_TEMPLATE_H

struct gen_tpos {
	const char *label;
	int max;
	const char *level; /* "Б", "П", "В", or "" (no level) */
	double p;          /* target mean points as a share of max, for an average region */
};

struct gen_template {
	const char *subject; /* NULL for the generic template */
	int grade;           /* 0 for the generic template */
	const char *source;  /* where the structure comes from, for README and docs */
	int scale[3];        /* lower bounds of marks 3, 4, 5 */
	int npos;
	const struct gen_tpos *pos;
};

/* The template for a subject and grade; the generic one when there is no specific one.
 * Never NULL. */
const struct gen_template *gen_template_find(const char *subject, int grade);

/* The exams of --exams: ОГЭ Russian and maths (grade 9), ЕГЭ Russian and profile maths
 * (grade 11). Plausible works shaped like the exams (the counts of tasks and their points,
 * a mark scale for ОГЭ, the 100-point test scale for ЕГЭ), not their official structures:
 * enough to exercise the exam signs, the annual-mark comparison and the medalists' index. */
struct gen_exam {
	const char *kind;    /* "OGE" or "EGE" */
	const char *subject; /* "RU" or "MA" */
	int grade;
	const struct gen_template *t;
	/* ЕГЭ: the primary -> test score conversion as points (primary, test) joined by
	 * straight lines, rising, from (0, 0) to (max, 100); the second point is the minimum
	 * score. Unused (npoints 0) for ОГЭ. */
	int npoints;
	int conv[6][2];
};
#define GEN_NEXAMS 4
extern const struct gen_exam gen_exams[GEN_NEXAMS];
/* The test score of a primary score by the exam's conversion, 0..100. */
int gen_exam_test_score(const struct gen_exam *e, int primary);

#endif
