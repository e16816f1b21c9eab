/* model/teacher: a school's teachers, the class → teacher assignment per procedure, and a
 * run's results per teacher (migration 020) — the only code that reads or writes teacher,
 * class_teacher, run_teacher and run_teacher_class.
 *
 * Teachers' names are personal data of the school, kept as pupils' names are
 * (model/pupil.h, docs/personal-data.md): sealed under the school's data key, found again
 * by a keyed tag of the folded name, opened only for a reader teacher_may_read_names()
 * allows — a user of that very school. Everyone else (the municipality, the region, files
 * of `oko analyze`) sees teachers as numbers: ids and counts. */
#ifndef OKO_MODEL_TEACHER_H
#define OKO_MODEL_TEACHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/pupil.h"
#include "model/scope.h"
#include "model/user.h"

#define TEACHER_NAME_MAX PUPIL_NAME_MAX

/* True when u may read the names of the school's teachers (pupil_may_read_names' rule:
 * role school, the same school). */
bool teacher_may_read_names(const struct user *u, int64_t school_id);

/* Re-seals the names of the school's teachers (name and look-up tag) from the data key old
 * to the data key fresh (KEYS_BYTES each), inside the caller's transaction: a step of
 * re-keying the school (pupil_rekey_school). *n gets the count; ERR_INVALID when a name does
 * not open under old. */
int teacher_rekey(struct db *d, int64_t school_id, const uint8_t *old, const uint8_t *fresh, long *n,
		  char *msg, size_t msglen);

/* Finds the school's teacher with this name (normalised by pupil_name_norm) or adds one;
 * *created tells which. Creates the school's data key on first use. */
int teacher_put(struct db *d, int64_t school_id, const char *name, int64_t *id, bool *created,
		char *msg, size_t msglen);

/* Assigns the class (normalised, "4А") that wrote procedure_id in the school to teacher_id
 * (replacing an earlier assignment); teacher_id 0 removes the assignment. */
int teacher_assign(struct db *d, int64_t school_id, int64_t procedure_id, const char *class_name,
		   int64_t teacher_id);

/* Every assignment of the database, ordered by school, procedure, class (the analysis). */
struct teacher_assign {
	int64_t school_id, procedure_id, teacher_id;
	char class_name[PUPIL_CLASS_MAX];
};
int teacher_assignments(struct db *d, struct teacher_assign **out, size_t *n);

/* The school's classes that wrote a procedure of the given year (0: any), by the results
 * stored, with the assigned teacher (teacher_id 0: none) and, for a reader
 * teacher_may_read_names() allows, the name (else ""; another reader: ERR_PERM). Ordered by
 * year descending, procedure code, class. Classes of results not written as a class name
 * ("4 а" is "4А"; a text that is not a class is left out). */
struct teacher_class {
	int64_t procedure_id, teacher_id;
	char code[40], kind[8], subject[4];
	int year, grade;
	char class_name[PUPIL_CLASS_MAX];
	char name[TEACHER_NAME_MAX];
};
int teacher_classes(struct db *d, const struct user *reader, int64_t school_id, int year,
		    struct teacher_class **out, size_t *n, char *msg, size_t msglen);
void teacher_classes_free(struct teacher_class *v, size_t n);

/* ---- a run's rows (written inside the run's transaction, after run_flush) ---- */

struct teacher_run_row {
	int64_t teacher_id, school_id;
	long classes, works;
	double p, q_adj;      /* NaN: no evidence */
	bool listed;
	const char *top_kind; /* "" when none */
};
int teacher_run_add(struct db *d, int64_t run_id, const struct teacher_run_row *x);
struct teacher_run_class_row {
	int64_t teacher_id, procedure_id;
	const char *class_name, *kind;
	long works;
	double p;
};
int teacher_run_class_add(struct db *d, int64_t run_id, const struct teacher_run_class_row *x);

/* ---- reading a run ---- */

/* A school's teachers in the run, the listed ones first (then by q_adj); names opened for a
 * reader teacher_may_read_names() allows (else ERR_PERM). */
struct teacher_zone {
	int64_t teacher_id;
	char name[TEACHER_NAME_MAX];
	long classes, works;
	double p, q_adj;
	bool listed;
	char top_kind[32];
};
int teacher_run_school(struct db *d, const struct user *reader, int64_t run_id, int64_t school_id,
		       struct teacher_zone **out, size_t *n, char *msg, size_t msglen);
void teacher_zone_free(struct teacher_zone *v, size_t n);

/* The evidence of one teacher in the run: per class, procedure and kind, smallest p first. */
struct teacher_evidence {
	char code[40], kind_code[8], subject[4];
	int grade;
	char class_name[PUPIL_CLASS_MAX];
	char kind[32];
	long works;
	double p;
};
int teacher_run_evidence(struct db *d, int64_t run_id, int64_t teacher_id,
			 struct teacher_evidence **out, size_t *n);

/* Per school of the scope with teachers assessed in the run: how many, and how many in the
 * risk zone — never who. Ordered by municipality, school name. */
struct teacher_count {
	int64_t school_id;
	char login[64], name[256], municipality[256];
	long teachers, listed;
};
int teacher_run_counts(struct db *d, const struct scope *sc, int64_t run_id,
		       struct teacher_count **out, size_t *n);

#endif
