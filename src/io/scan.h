/* io/scan: scanned works kept as files outside the database (docs/recheck.md, "Scans").
 *
 * - A scan is a PDF or a JPEG, recognised by its first bytes (never by its name or the
 *   browser's type), at most SCAN_MAX_BYTES; a PDF must open (libqpdf) and have 1..
 *   SCAN_MAX_PAGES pages.
 * - Files live in one directory per database, `<database file>.scans/` (mode 0700), each
 *   named by a random id of 32 hex digits (libsodium) and nothing else: the name carries no
 *   school, code or procedure. Written to a temporary name, synced, then renamed, mode
 *   0600. The database row (model/recheck) holds the id and the type.
 * - One PDF of many works is split into one PDF per work by page ranges (libqpdf).
 * Nothing here knows the domain. Functions return 0 or a negative ERR_*; those with msg
 * write a Russian reason there. */
#ifndef OKO_IO_SCAN_H
#define OKO_IO_SCAN_H

#include <stddef.h>

#define SCAN_MAX_BYTES (20u << 20) /* one scan */
#define SCAN_MAX_PAGES 1000        /* pages of one uploaded PDF */
#define SCAN_ID_LEN 33             /* 32 hex digits + NUL */

enum scan_type { SCAN_UNKNOWN = 0, SCAN_PDF, SCAN_JPEG };
/* The type from the first bytes ("%PDF-", FF D8 FF). */
enum scan_type scan_sniff(const void *data, size_t n);
const char *scan_type_id(enum scan_type t);   /* "pdf" | "jpeg" | "" */
const char *scan_type_mime(enum scan_type t); /* "application/pdf" | "image/jpeg" */
enum scan_type scan_type_parse(const char *id); /* SCAN_UNKNOWN for anything else */

/* Checks a file as a scan: the type (sniffed), the size and, for a PDF, that it opens and
 * its page count (*pages; 1 for a JPEG). ERR_INVALID (msg: «файл не PDF и не JPEG»,
 * «файл больше 20 МБ», «PDF не открывается: …») or ERR_LIMIT for too many pages. */
int scan_check(const void *data, size_t n, enum scan_type *type, int *pages, char *msg,
	       size_t msglen);

/* The scans directory of a database file (db_file): "<file>.scans". */
void scan_dir_of(const char *db_file, char *out, size_t n);
/* Writes data under a new random id (created directory if missing). ERR_IO on failure. */
int scan_store(const char *dir, const void *data, size_t n, char id[SCAN_ID_LEN]);
/* Reads a scan (malloc'ed). ERR_INVALID for an id that is not 32 hex digits, ERR_NOTFOUND
 * for a missing file. */
int scan_load(const char *dir, const char *id, void **data, size_t *n);
/* Removes a scan (a replaced one); a missing file is not an error. */
int scan_remove(const char *dir, const char *id);

/* Pages first..last (1-based, inclusive) of a PDF as a new PDF (malloc'ed). ERR_INVALID
 * (msg) when the PDF does not open or the range is outside it. */
int scan_pdf_extract(const void *data, size_t n, int first, int last, void **out,
		     size_t *outn, char *msg, size_t msglen);

/* Evidence files of plans of measures (a protocol, an order, a photo, a table): the type by
 * the first bytes — "pdf" (it must open, as scan_check), "jpeg", "png", "docx" or "xlsx"
 * (ZIP archives told apart by their main part's name in the entries) — or NULL with the
 * Russian reason in msg. The size cap is SCAN_MAX_BYTES, the caller's. */
const char *scan_evidence_type(const void *data, size_t n, char *msg, size_t msglen);
/* The MIME type of an evidence type ("application/octet-stream" for anything else). */
const char *scan_evidence_mime(const char *type);

#endif
