/* gen: synthetic regions with known truth.
 *
 * The generator builds a region (municipalities, schools of the kinds of formats.md, classes,
 * pupils who move up a grade each year) and the results of its ВПР-like procedures from a
 * documented statistical model (docs/generator.md): abilities with a school effect, points
 * per position from a graded-response model on the real KIM structures, journal marks and
 * absences. In a chosen share of schools it plants non-objective results of six kinds and
 * records each planted manipulation as "truth", so that detection can be measured.
 *
 * Output is streamed school by school through a sink (struct gen_sink): memory does not
 * depend on the number of schools. gen_write_dir() is the sink that writes the canonical
 * CSV files of formats.md plus truth.csv and README. The same parameters and seed give the
 * same output, byte for byte. Each school draws from its own random streams (GSL's
 * mt19937 seeded from the seed and the school's number): one for the clean data and one
 * for the manipulation, so a clean school's rows do not depend on which other schools are
 * manipulated or how strongly. */
#ifndef OKO_GEN_H
#define OKO_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/procedure.h"

/* The kinds of planted non-objectivity (names as in truth.csv and --kinds). */
enum gen_kind {
	GEN_BOUNDARY, /* scores 1-3 points below a mark boundary raised to it */
	GEN_LENIENT,  /* extra points on constructed-response positions (max >= 2) */
	GEN_HELP,     /* hard (П/В) positions answered right far more than ability predicts */
	GEN_JOURNAL,  /* inflated journal marks unrelated to results */
	GEN_COPY,     /* near-identical score vectors within a class */
	GEN_JUMP,     /* a sharp one-year jump of the school's results */
	GEN_NKINDS,   /* the kinds of the ВПР-like works, planted by one plan per school */
	/* Kinds planted by a plan of their own, only when their data are generated: */
	GEN_MEDAL = GEN_NKINDS, /* medals awarded to graduates below the medal level (--exams) */
	GEN_TEACHER,  /* one lenient teacher: inflated journal marks in all of their classes
		       * (--teachers) */
	GEN_NKINDS_ALL
};
#define GEN_ALL_KINDS ((1u << GEN_NKINDS) - 1)
#define GEN_EXTRA_KINDS ((1u << GEN_MEDAL) | (1u << GEN_TEACHER))

/* "boundary", "lenient", "help", "journal", "copy", "jump", "medal", "teacher". */
extern const char *const gen_kind_names[GEN_NKINDS_ALL];

#define GEN_MAX_SUBJECTS 16
#define GEN_MAX_YEARS 12
#define GEN_MAX_SCHOOLS 1000000L
#define GEN_MAX_PARALLEL 300 /* pupils per parallel (grade) of one school */

struct gen_params {
	long schools;            /* number of schools */
	int municipalities;      /* number of municipalities (0: one per 30 schools) */
	int year_from, year_to;  /* school years by the spring of the work, inclusive */
	unsigned long seed;
	double manipulated;      /* share of schools with planted manipulation, 0..1 */
	double icc;              /* intra-class correlation of ability between schools */
	int nsubjects;
	char subjects[GEN_MAX_SUBJECTS][4]; /* codes of procedure_subjects */
	int grade_from, grade_to;
	double absent;           /* share of participants absent from a work */
	unsigned kinds;          /* bit set of enum gen_kind to plant */
	double strength;         /* base strength of the planted manipulation, 0..1 */
	double variant_sd;       /* SD of the shift of a position's difficulty in a school's
				  * own variant (logit units); 0: every school writes the
				  * same work */
	double not_taught;       /* chance that a class was not taught a position's topic
				  * by the day of the work (it scores 0 there) */
	const char *region;      /* name of the region */
	bool exams;              /* also ОГЭ (Russian, maths, grade 9) and ЕГЭ (Russian,
				  * profile maths, grade 11) each year, and the medalists */
	bool teachers;           /* also the class -> teacher assignment of every year */
};

/* The defaults (those of `oko demo`): 600 schools in 20 municipalities, ВПР RU and MA for
 * grades 4-8 in 2020 and 2021, seed 1, 10 % manipulated schools with all kinds at strength
 * 0.5, ICC 0.2, 8 % absent. */
void gen_params_default(struct gen_params *p);

/* Option values as typed on the command line; NULL leaves a parameter at its value. */
struct gen_opt_text {
	const char *schools, *municipalities, *years, *seed, *manipulated, *icc, *subjects,
		*grades, *absent, *kinds, *strength, *region, *variant_sd,
		*not_taught;
	bool exams, teachers;
};
/* Sets the parameters named in t and checks the whole set. On an error returns ERR_USAGE
 * with a Russian explanation in msg. */
int gen_params_parse(struct gen_params *p, const struct gen_opt_text *t, char *msg, size_t n);
/* Checks ranges and consistency; ERR_USAGE with a Russian message. */
int gen_params_check(const struct gen_params *p, char *msg, size_t n);

/* One school as generated. Strings live until the next school. */
struct gen_school {
	long index;               /* 0-based */
	const char *login;        /* sch99NNNN */
	const char *name;
	const char *municipality;
	const char *region;
	const char *address;      /* «Берёзовский район, с. Ивановка, ул. Школьная, д. 5» */
	const char *kind;         /* registry kind: СОШ, ООШ, НОШ, лицей, гимназия, филиал, другое */
	const char *settlement;   /* город | село */
	int indepth;
	int grade_min, grade_max; /* grades the school teaches */
	double effect;            /* persistent school effect on ability (SD units) */
	bool manipulated;         /* a manipulation is planted somewhere in this school */
};

/* One participant's row of one procedure. */
struct gen_result {
	const struct gen_school *school;
	const struct procedure *proc;
	int proc_index;           /* index into the procedure list given to begin() */
	char code[8];             /* participant code, unique within school and year */
	char class_name[8];       /* e.g. "4А" */
	int class_index;          /* 0-based class of the parallel */
	int variant;              /* 1 or 2; 0 when absent */
	const char *gender;       /* "м" or "ж" */
	int journal;              /* journal mark 2..5, 0 when none (the annual mark for an exam) */
	int mark;                 /* an exam's mark 2..5 as its processing centre states it (ОГЭ),
				   * 0 when none */
	int test_score;           /* ЕГЭ's test score 0..100, -1 when none */
	bool absent;
	int total;                /* primary score (0 when absent) */
	double theta;             /* the pupil's ability in this subject and year, clean */
	unsigned planted;         /* bit set of the kinds that changed this row */
	uint8_t scores[PROC_MAX_POSITIONS]; /* points 0..max, or SCORE_X (not attempted) */
};

/* One planted manipulation: a school, a procedure and a kind. */
struct gen_truth {
	const char *school;       /* login */
	const char *procedure;    /* code */
	int year;
	enum gen_kind kind;
	double strength;          /* 0..1; see docs/generator.md for its meaning per kind */
	const char *class_name;   /* the only class manipulated, or NULL for all */
	int works;                /* works this kind actually changed (0: none qualified) */
};

/* A graduate with a medal (--exams): the year of the ЕГЭ and the participant code of that
 * year's results. */
struct gen_medalist {
	const struct gen_school *school;
	int year;
	const char *code;
	int degree;               /* 0: the single medal (up to 2023); from 2024 1 or 2 (I, II) */
	bool planted;             /* awarded by the planted manipulation (kind medal) */
};

/* A class's teacher in a subject (--teachers): the class as its results name it. The name
 * is fictional, unique within the school. */
struct gen_teacher {
	const struct gen_school *school;
	int year;
	const char *class_name;
	const char *subject;      /* procedure subject code */
	const char *name;
	bool planted;             /* the school's lenient teacher (kind teacher) */
};

/* Where the generator sends what it makes. Callbacks return 0 or an ERR_* code, which
 * stops the run and is returned by gen_run(). Any callback may be NULL. */
struct gen_sink {
	void *ctx;
	int (*begin)(void *ctx, const struct gen_params *p, const struct procedure *procs,
		     int nprocs);
	int (*school)(void *ctx, const struct gen_school *s);
	int (*result)(void *ctx, const struct gen_result *r);
	int (*truth)(void *ctx, const struct gen_truth *t);
	int (*medalist)(void *ctx, const struct gen_medalist *m);
	int (*teacher)(void *ctx, const struct gen_teacher *t);
	int (*end)(void *ctx);
};

/* Progress callback for long runs: called after each school. */
typedef void (*gen_progress_fn)(void *ctx, long done, long total);

/* Generates the region described by p into sink. Returns 0 or an ERR_* code. */
int gen_run(const struct gen_params *p, const struct gen_sink *sink, gen_progress_fn progress,
	    void *progress_ctx);

/* The procedures p describes, in output order (year, subject, grade). *out is malloc'ed
 * (free() it). */
int gen_procedures(const struct gen_params *p, struct procedure **out, int *n);

/* Counts of what a run wrote. */
struct gen_counts {
	long schools, procedures, results, absent, truth;
	long medalists, teachers; /* rows of medalists.csv and of the teachers_YYYY.csv files */
	long manipulated; /* schools with a planted manipulation */
	uint64_t bytes; /* bytes of results.csv */
};

/* Writes schools.csv, procedures.csv, results.csv, truth.csv and README into dir (created
 * when missing; existing files of these names are replaced). On failure a Russian message
 * is in msg. */
int gen_write_dir(const struct gen_params *p, const char *dir, struct gen_counts *counts,
		  gen_progress_fn progress, void *progress_ctx, char *msg, size_t n);

#endif
