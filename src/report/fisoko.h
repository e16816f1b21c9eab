/* fisoko: the seven analytics reports of ФИОКО's recommendations for analysing ВПР results
 * for one procedure and one unit — a school, a municipality or a region — side by side
 * with the levels above it.
 *
 * fisoko_build() reads the procedure's results in one range scan (the result table is
 * clustered by procedure and school) and aggregates every level in the same pass, decoding
 * the score blobs through model/result.h (result_scan). The output is plain data; pages and
 * the XLSX export format it.
 *
 * Conventions (documented here and on the page):
 *  - participants are the rows that wrote the work: absent = 0 and a primary score stored;
 *  - a mark is the one the results stated (ОГЭ, ГВЭ: the processing centre's, which may
 *    depend on conditions beyond the total), else the procedure's scale applied to the
 *    primary score (neither → no marks, and the reports that need marks say so); for ОГЭ,
 *    ГВЭ and ЕГЭ the journal mark is the annual mark (годовая отметка);
 *  - a position's points are clamped to its maximum; X, empty and «не пройд.» count 0;
 *  - «достижение планируемых результатов» of a position is the share of participants who
 *    got its maximum (achieved) and the share who got at least half of it (at least
 *    partly achieved); positions are grouped by level Б/П/В. */
#ifndef OKO_FISOKO_H
#define OKO_FISOKO_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/procedure.h"

enum fisoko_kind { FISOKO_SCHOOL, FISOKO_MUNICIPALITY, FISOKO_REGION };

#define FISOKO_LEVELS 3
#define FISOKO_MIN_HIST 50  /* a distribution is informative from this N */
#define FISOKO_ROUGH_HIST 20 /* below this N it is not shown as a shape at all */
#define FISOKO_MIN_GROUP 10 /* a mark group is analysable from this N */

struct fisoko_pos {
	int64_t points; /* sum of points, each clamped to the position's maximum */
	int64_t full;   /* participants who got the maximum */
	int64_t half;   /* participants who got at least half of the maximum */
};

struct fisoko_level {
	enum fisoko_kind kind;
	int64_t id;
	char name[256];
	int64_t n;        /* participants who wrote */
	int64_t absent;   /* rows marked absent */
	int64_t marks[4]; /* participants by mark 2..5 (fisoko_report.marks only) */
	int64_t stated;   /* participants whose results stated their mark (2..5) */
	/* ВПР mark against the journal mark, participants with both (fisoko_report.marks only). */
	int64_t jn, jlower, jequal, jhigher;
	int64_t jlower2, jhigher2; /* gaps of two marks or more, included in jlower/jhigher */
	int64_t *hist;    /* [max_score + 1]: participants by primary score */
	struct fisoko_pos *pos; /* [npos] */
	int64_t *gpoints; /* [4 * npos]: points by mark group (2..5) and position */
	double mean;      /* mean primary score, NAN when n = 0 */
};

/* One participant of a school, for the individual results. Codes only, never names. */
struct fisoko_person {
	char *code;
	char *class_name; /* "" when unknown */
	int variant;      /* 0 when unknown */
	int journal;      /* 0 when none */
	bool absent;
	int primary;      /* -1 when absent */
	int mark;         /* 0 when absent, or no scale and no stated mark */
	uint8_t *scores;  /* [npos] raw bytes (see model/result.h) */
};

struct fisoko_report {
	struct procedure proc;
	int nlev;                 /* 1..3 */
	struct fisoko_level lev[FISOKO_LEVELS]; /* lev[0] the unit, then the levels above */
	/* Every participant has a mark: the procedure has a scale, or (ОГЭ, ГВЭ without one)
	 * every participant of the widest level had a stated mark. The reports that need marks
	 * show them only then. */
	bool marks;
	int npeople;              /* schools only */
	struct fisoko_person *people;
};

/* A participant's mark: the stated one (2..5) when there is one, else the scale's for the
 * primary score (0 without a scale). */
int fisoko_mark(const struct procedure *p, int stated, int primary);

/* Builds the reports of a procedure for a unit (school, municipality or region by id).
 * ERR_NOTFOUND when the procedure or the unit does not exist. Access control is the
 * caller's. Free with fisoko_free(). */
int fisoko_build(struct db *d, const char *procedure, enum fisoko_kind kind, int64_t id,
		 struct fisoko_report *out);
void fisoko_free(struct fisoko_report *r);

/* Percent k of n, NAN when n = 0. */
double fisoko_pct(int64_t k, int64_t n);
/* Mean success of a position at a level (points / (max · n)), percent; NAN when empty. */
double fisoko_success(const struct fisoko_report *r, int lev, int pos);
/* The same within mark group mark (2..5). */
double fisoko_group_success(const struct fisoko_report *r, int lev, int mark, int pos);

/* Verdict of a success percentage against the threshold of its level (§3): Б 60 % with
 * the uncertainty band 57–63 %, П and В 30 % with 28.5–31.5 %. */
enum fisoko_verdict { FISOKO_NA, FISOKO_BELOW, FISOKO_BORDER, FISOKO_OK };
enum fisoko_verdict fisoko_verdict(const char *level, double pct);
const char *fisoko_verdict_title(enum fisoko_verdict v);
/* Russian title of a unit kind ("школа", "муниципалитет", "регион"). */
const char *fisoko_kind_title(enum fisoko_kind k);

/* Writes the seven reports as an XLSX workbook with one sheet per report. ERR_IO on
 * failure. */
int fisoko_xlsx(const struct fisoko_report *r, const char *path);

#endif
