/* pupil: the pupils of a school, their participant codes, and access to their names.
 *
 * A school coordinator keeps classes and pupils; oko issues each pupil one participant
 * code per school year (the code result.code holds for all of the pupil's works), unique
 * within the school: the grade's digits then four random digits (grade 4 → 4xxxx, grade
 * 10 → 10xxxx), random so that the order of codes does not reveal the alphabetical order
 * of a class list. Codes never change once issued.
 *
 * Names are personal data (152-ФЗ): stored sealed under the school's data key (keys.h),
 * opened only by pupil_list() for a user that pupil_may_read_names() allows — a school
 * coordinator of that very school. Everything else (codes, classes, counts) is open to
 * whoever may see the school. */
#ifndef OKO_PUPIL_H
#define OKO_PUPIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/user.h"

#define PUPIL_CLASS_MAX 16
#define PUPIL_CODE_MAX 8
#define PUPIL_NAME_MAX 256 /* bytes of a full name, UTF-8 */

struct pupil {
	int64_t id;
	char class_name[PUPIL_CLASS_MAX]; /* "4А" */
	int grade;
	char code[PUPIL_CODE_MAX];        /* "" while not issued */
	char name[PUPIL_NAME_MAX];        /* "Фамилия Имя Отчество"; "" unless opened */
	bool name_deleted;                /* the name was deleted (pupil_forget, pupil_purge) */
};

/* The school year that the date belongs to, as the calendar year in which it ends
 * (September 2020 … August 2021 → 2021), the convention of procedure.year. */
int pupil_year_of(int64_t unix_time);

/* Normalises a class name ("4 а", "4-a", "4А") to "4А": the grade 1..11 and an optional
 * letter part of up to 3 letters, upper-case, Latin look-alikes made Cyrillic. ERR_INVALID
 * when it is not a class name. */
int pupil_class_norm(const char *in, char out[PUPIL_CLASS_MAX], int *grade);

/* Normalises a full name: words of letters, '-', '\'' and '.', single spaces, 2..5 words.
 * ERR_INVALID with a Russian reason in why. */
int pupil_name_norm(const char *in, char out[PUPIL_NAME_MAX], const char **why);

/* True when the user may read the names of the school's pupils: role school and the same
 * school. Regional, municipal, admin, expert and observer users never may. */
bool pupil_may_read_names(const struct user *u, int64_t school_id);

/* The user the command line acts as for a school: the server's operator, who holds the
 * key file anyway (docs/personal-data.md). Fills u as a school coordinator of the school. */
void pupil_operator_user(int64_t school_id, struct user *u);

/* Adds a pupil (class and name normalised by the caller) or finds the one with the same
 * class and name in that year; *created tells which. Creates the school's data key on
 * first use. Run inside a transaction for many pupils. */
int pupil_put(struct db *d, int64_t school_id, int year, const char *class_name, int grade,
	      const char *name, int64_t *id, bool *created, char *msg, size_t msglen);

/* The pupils of a school and year (of one class when class_name is not NULL/""), ordered
 * by class, then by name when names are opened, else by code. With reader NULL names stay
 * empty; otherwise the reader must pass pupil_may_read_names() (else ERR_PERM) and names
 * are opened. *out (caller frees with pupil_list_free, which wipes the names). */
int pupil_list(struct db *d, const struct user *reader, int64_t school_id, int year,
	       const char *class_name, struct pupil **out, size_t *n, char *msg, size_t msglen);
void pupil_list_free(struct pupil *v, size_t n);

/* Issues codes to the pupils of the school and year that have none; existing codes stay.
 * A code is never one already held by a pupil or by a stored result of the school for a
 * procedure of that year. *issued gets the count. One transaction. */
int pupil_codes_issue(struct db *d, int64_t school_id, int year, long *issued);
/* The same with the codes drawn from a stream of seed: the same seed, the same codes. For
 * `oko demo` only, so that a demonstration is the same for the same --seed (what its
 * simulated experts do depends on the codes); a real pupil's code must not be guessable. */
int pupil_codes_issue_seeded(struct db *d, int64_t school_id, int year, uint64_t seed, long *issued);

/* Re-seals, padded, every name stored before names were padded to one length (they open
 * but show their length; docs/personal-data.md). One transaction; needs the key file.
 * *resealed gets the count; 0 when every name is padded already. */
int pupil_repad(struct db *d, long *resealed, char *msg, size_t msglen);

/* Whether the key file opens the names (`oko check`, `oko restore`): every school key is
 * unwrapped and one sealed name of each school (its first pupil's not deleted) opened. *schools gets
 * the school keys, *failed those whose key or name did not open (msg says the first). */
int pupil_names_check(struct db *d, long *schools, long *failed, char *msg, size_t msglen);

/* ---- names over time (152-ФЗ; docs/personal-data.md «Deleting names») ----
 *
 * A deleted name leaves the pupil's row — class, grade, the participant code its results
 * are stored under — and loses the sealed name and the look-up tag made from it (migration
 * 021). Nothing else changes: results, codes, uploads and analysis runs never held names. */

/* One pupil as the deletion names it (never by name). */
struct pupil_ref {
	int64_t id;
	int year;
	char class_name[PUPIL_CLASS_MAX];
	char code[PUPIL_CODE_MAX];
	bool already;                     /* the name had been deleted before */
	bool removed;                     /* no code: the whole row went (out->code is "") */
};

/* Deletes the name of one pupil of the school, found by id (> 0) or by code (with year, or
 * year 0 for any year). *out says which pupil. ERR_NOTFOUND when the school has no such
 * pupil; ERR_INVALID (msg in Russian) when the code is the school's in several years and no
 * year is given. A name deleted before: 0 with out->already. A pupil without a code is
 * removed whole (out->removed): nothing refers to the row (results carry codes), and a row
 * with neither name nor code would only get a code later and a blank line on the slips. The
 * same holds for pupil_purge. */
int pupil_forget(struct db *d, int64_t school_id, int64_t pupil_id, const char *code, int year,
		 struct pupil_ref *out, char *msg, size_t msglen);

/* The retention rule: a name is deleted when `months` have passed both since the end of the
 * school year of its class list (1 September of pupil.year, 00:00 UTC: the school year runs
 * September to August) and since it was entered (pupil.created_at). pupil_retention_bounds
 * gives, for the clock now, the latest school year and the latest entry moment ("YYYY-MM-DD
 * THH:MM:SSZ") whose names are due: a name is due when year <= *max_year and created_at <=
 * cutoff. Months are calendar months (31 March − 1 month = 28/29 February). */
void pupil_retention_bounds(int64_t now, int months, int *max_year, char cutoff[24]);

/* The names due for deletion per school. */
struct pupil_purge_school {
	int64_t school_id;
	char login[64];
	long names;
};
/* Deletes (with dry_run only counts) every name due under the retention period of `months`
 * at the clock now, in one transaction. *out (malloc'd, by login; free()) lists the schools
 * with names due, *total the names. */
int pupil_purge(struct db *d, int months, int64_t now, bool dry_run, struct pupil_purge_school **out,
		size_t *n, long *total);

/* Rotates one school's data key: a new random key, every name sealed under the old one
 * (pupils' and teachers' names, their look-up tags) sealed again under the new one, the new
 * key wrapped under the master key in place of the old, which is gone — one transaction;
 * needs the key file. *pupils and *teachers get the counts of names re-sealed. ERR_NOTFOUND
 * (msg) when the school has no key (no name was ever stored). */
int pupil_rekey_school(struct db *d, int64_t school_id, long *pupils, long *teachers, char *msg,
		       size_t msglen);

/* Counts: pupils and those with codes, for a school and year. */
int pupil_count(struct db *d, int64_t school_id, int year, long *pupils, long *coded);
/* The latest school year with pupils of the school (*year 0 when none). */
int pupil_latest_year(struct db *d, int64_t school_id, int *year);

#endif
