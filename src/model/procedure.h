/* procedure: assessment procedures (one work: kind + year + subject + grade), their
 * positions (the scored cells of the results form) and mark scales.
 *
 * A procedure's code is KIND-YEAR-SUBJECT-GRADE, e.g. VPR-2021-RU-4. Position labels are
 * matched folded (str_fold), so '1K1' with a Latin K and '1К1' with a Cyrillic К are one
 * position everywhere. */
#ifndef OKO_PROCEDURE_H
#define OKO_PROCEDURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"

#define PROC_MAX_POSITIONS 128
#define PROC_MAX_POINTS 200 /* the most points one position can give */

struct position {
	char label[32];
	int max;
	char level[4]; /* "Б", "П", "В" or "" when unknown */
};

struct procedure {
	int64_t id; /* 0 until stored */
	char code[40];
	char kind[8];
	int year;
	char subject[4];
	int grade;
	int max_score; /* sum of the positions' maxima when positions are known */
	bool has_scale;
	int scale[3]; /* lower bounds of marks 3, 4, 5 */
	int npos;
	struct position pos[PROC_MAX_POSITIONS];
	/* Where the description came from, in Russian ("каталог oko: …", "заголовки формы …",
	 * "по файлу …: максимумы — наибольшие баллы в файле"); "" when not recorded. A put
	 * with "" keeps the stored one. */
	char source[256];
};

/* Procedure kinds and subjects of formats.md, NULL-terminated. */
extern const char *const procedure_kinds[];
extern const char *const procedure_subjects[];

/* Parses and validates a code into p's code/kind/year/subject/grade (other fields are
 * left alone). On error returns ERR_INVALID with a Russian reason in msg. */
int procedure_code_parse(const char *code, struct procedure *p, char *msg, size_t msglen);
/* Parses "1K1:4:Б 2:3:Б 3.1:1:П" into p's positions and sets max_score to their sum. */
int procedure_positions_parse(const char *spec, struct procedure *p, char *msg, size_t msglen);
/* Parses "14/24/33" into p's scale; the bounds must rise and not exceed max_score. */
int procedure_scale_parse(const char *spec, struct procedure *p, char *msg, size_t msglen);
/* Checks the whole procedure: labels unique (folded), maxima in range, scale consistent. */
int procedure_validate(const struct procedure *p, char *msg, size_t msglen);

/* Adds a position; ERR_LIMIT when full, ERR_EXISTS when the label (folded) is there. */
int procedure_add_position(struct procedure *p, const char *label, int max, const char *level);
/* The key under which a label is matched: folded (see str_fold), and "5(1)" written as
 * "5.1", so the form's "5(1)" and the KIM's "5.1", or "1K1" and "1К1", are one position. */
int procedure_label_key(const char *label, struct buf *out);
/* Index of the position with this label (matched by procedure_label_key), or -1. */
int procedure_position_find(const struct procedure *p, const char *label);
/* Normalises a level spelling ("б", "Базовый", "P") to "Б", "П", "В"; NULL when unknown. */
const char *procedure_level_canonical(const char *level);
/* Mark 2..5 for a primary score by the scale, or 0 when the procedure has no scale. */
int procedure_mark(const struct procedure *p, int score);

/* Inserts the procedure or updates the one with the same code, replacing its positions.
 * When results are stored already, the positions' number and maxima must not change
 * (ERR_INVALID with msg): stored score bytes depend on them. Sets p->id. */
int procedure_put(struct db *d, struct procedure *p, char *msg, size_t msglen);
/* Loads a procedure by code; ERR_NOTFOUND when absent. */
int procedure_get(struct db *d, const char *code, struct procedure *p);
/* The same by row id (ERR_NOTFOUND when unknown). */
int procedure_get_id(struct db *d, int64_t id, struct procedure *p);

/* Calls fn for every procedure, the latest year first (by code within a year), with the
 * number of results one school holds for it (0 included). fn's non-zero return stops the
 * walk and is returned. */
typedef int (*procedure_school_fn)(void *ctx, const char *code, int64_t results);
int procedure_each_for_school(struct db *d, int64_t school_id, procedure_school_fn fn, void *ctx);

/* A procedure as listed (without its positions); text valid only during the callback. */
struct procedure_item {
	int64_t id;
	const char *code, *kind, *subject;
	int year, grade, max_score;
	bool has_scale;
	int scale[3];
	int npos; /* positions stored */
};
typedef int (*procedure_item_fn)(void *ctx, const struct procedure_item *p);
/* Calls fn for every procedure, newest year first, then by code; a non-zero return of fn
 * stops the walk and is returned. */
int procedure_each(struct db *d, procedure_item_fn fn, void *ctx);

/* ---- a procedure in the users' words ---- */

/* A subject code of formats.md: "MA" → "математика" (as inside «ВПР, математика, 4 класс»)
 * and → "Математика" (as a heading or a column); the code itself when unknown. */
const char *procedure_subject_name(const char *code);
const char *procedure_subject_title(const char *code);
/* A procedure kind: "VPR" → "ВПР"; the kind itself when unknown. */
const char *procedure_kind_name(const char *kind);
/* «ВПР, математика, 4 класс» from a kind, a subject code and a grade. */
void procedure_title(const char *kind, const char *subject, int grade, char *out, size_t n);
/* The same from a procedure code KIND-YEAR-SUBJECT-GRADE with its subject and grade; false
 * (out = the code) when its kind is not one oko names. */
bool procedure_title_of(const char *code, const char *subject, int grade, char *out, size_t n);

#endif
