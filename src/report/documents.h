/* documents: the printed documents of conducting a procedure in a school.
 *
 * Code slips to cut (one slip per pupil: school, class, code, ФИО) and the paper protocol
 * «протокол соответствия кодов и ФИО» (per class: №, code, class, ФИО, variant, signature),
 * both PDF. They carry names, so they are drawn only for a reader that
 * pupil_may_read_names() allows; they are meant to be printed and kept in the school. */
#ifndef OKO_DOCUMENTS_H
#define OKO_DOCUMENTS_H

#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"
#include "model/user.h"

struct doc_opts {
	int64_t school_id;
	int year;               /* school year (pupil_year_of) */
	const char *class_name; /* one class, or NULL/"" for all */
	const char *procedure;  /* printed on slips and the protocol when given, optional */
	int64_t now;            /* the date printed; 0 = now */
};

/* Appends the PDF to out. ERR_PERM for a reader that may not see names, ERR_NOTFOUND when
 * there are no pupils, ERR_INVALID when some have no code yet; msg explains in Russian. */
int doc_slips(struct db *d, const struct user *reader, const struct doc_opts *o, struct buf *out,
	      char *msg, size_t msglen);
int doc_protocol(struct db *d, const struct user *reader, const struct doc_opts *o,
		 struct buf *out, char *msg, size_t msglen);

#endif
