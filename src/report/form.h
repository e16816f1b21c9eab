/* form: the results form of a school for one procedure (форма сбора результатов), in the
 * ФИС ОКО layout (formats.md, layout 3), and the rows the web grid edits.
 *
 * The rows are the school's participant codes of the procedure's grade and year (pupils
 * with an issued code, model/pupil.h) together with every result already stored for the
 * school and procedure, merged by code: codes and classes only, never names — the form
 * leaves the school. The XLSX has sheet «Классы» (one row per class of the grade, with the
 * columns of the real form) and sheet «Протокол» (one row per code, the header exactly as
 * the real forms: positions as "LABEL (Kб)"), with input hints (data validation) and a
 * formula for «Итого баллов». import_results() reads it back; see docs/materials.md
 * («Форма сбора результатов») for how the procedure is recognised. */
#ifndef OKO_FORM_H
#define OKO_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/procedure.h"

struct form_row {
	char code[16];
	char class_name[16]; /* "" when unknown */
	bool stored;         /* a result is stored for this code */
	bool absent;
	int variant;         /* 0 when unknown */
	int journal_mark;    /* 0 when none */
	char gender[4];      /* "м", "ж" or "" */
	uint8_t scores[PROC_MAX_POSITIONS]; /* model/result.h bytes; SCORE_EMPTY when none */
};

struct form_data {
	struct procedure p;
	int64_t school_id;
	char school[64];          /* login */
	char school_name[256];
	char municipality[256];
	char region[256];
	size_t n;
	struct form_row *rows;    /* sorted by class ("" last), then code */
	size_t nclasses;
	char (*classes)[16];      /* the classes of the grade, sorted */
};

/* Loads the rows of a school for a procedure (by code). ERR_NOTFOUND with msg for an
 * unknown procedure or school. Free with form_data_free(). */
int form_load(struct db *d, int64_t school_id, const char *procedure, struct form_data *fd,
	      char *msg, size_t msglen);
void form_data_free(struct form_data *fd);

/* The «Дата загрузки» written into the form: now as "dd.mm.yyyy HH:MM:SS" (UTC), moved into
 * the procedure's calendar year when now lies outside it (the importer reads the year of the
 * procedure from this date). */
void form_date(int year, int64_t now, char out[24]);
/* The textbook-like code that tells the importer the subject and grade ("ru4.0"), or ""
 * when the procedure is not a ВПР or its subject has no such prefix. */
const char *form_book_prefix(const char *subject);

/* Writes the XLSX form to path. ERR_IO with a Russian msg when it cannot be written. */
int form_write_xlsx(const struct form_data *fd, int64_t now, const char *path, char *msg,
		    size_t msglen);

#endif
