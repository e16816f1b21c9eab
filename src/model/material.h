/* material: confidential materials (КИМ) of a procedure — the bank of variant files, the
 * criteria, when they open, the individual set of variants of each school, its encrypted
 * archive and every download (docs/materials.md).
 *
 * Files are kept in DBPATH.files/ beside the database. A school's set is chosen at random
 * from the bank on first request (or by material_assign_all) and recorded. Its archive is
 * the set's files in a small container encrypted with libsodium secretstream
 * (XChaCha20-Poly1305) under a random per-(procedure, school) key, itself sealed under the
 * master key (model/keys.h). The archive may be fetched from archive_at, the key only from
 * key_at, the criteria from criteria_at — all compared with the server's clock
 * (plan_now(), which honours OKO_NOW for tests). */
#ifndef OKO_MATERIAL_H
#define OKO_MATERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"

#define MATERIAL_KEY_BYTES 32
#define MATERIAL_SET_SIZE 2 /* variants per school when the bank has enough */
#define MATERIAL_MAX_FILE (64u << 20)

enum material_what { MATERIAL_ARCHIVE, MATERIAL_KEY, MATERIAL_CRITERIA };

struct material_release {
	int64_t archive_at, key_at, criteria_at; /* unix seconds UTC */
};

/* Parses "YYYY-MM-DDTHH:MM:SSZ" (or "YYYY-MM-DD HH:MM") as UTC; ERR_INVALID otherwise. */
int material_time_parse(const char *s, int64_t *t);
/* Formats t as "YYYY-MM-DD HH:MM:SS UTC". */
void material_time_fmt(int64_t t, char out[32]);
/* Formats t as a person reads it: «15.04.2021 10:30» in the region's time (base/ru.h). */
void material_time_ru(int64_t t, char out[48]);

/* Adds a file to the bank (kind "variant" with its number ≥ 1, or "criteria" with 0),
 * replacing the one of the same kind and number. Copies the file into DBPATH.files/. */
int material_add(struct db *d, int64_t procedure_id, const char *kind, int variant, const char *path,
		 const char *name, const char *user, char *msg, size_t msglen);
/* The same for bytes in memory (an upload, which the server keeps off the disk); name is the
 * file's name as its sender gave it. */
int material_add_data(struct db *d, int64_t procedure_id, const char *kind, int variant, const void *data,
		      size_t len, const char *name, const char *user, char *msg, size_t msglen);
int material_release_set(struct db *d, int64_t procedure_id, const struct material_release *r,
			 char *msg, size_t msglen);
/* ERR_NOTFOUND when the procedure has no release times. */
int material_release_get(struct db *d, int64_t procedure_id, struct material_release *r);

/* The school's set of variants ("3,7"), choosing and recording it when there is none yet.
 * ERR_NOTFOUND with msg when the bank has no variants. */
int material_set_get(struct db *d, int64_t procedure_id, int64_t school_id, char *variants, size_t n,
		     char *msg, size_t msglen);
/* Chooses the sets of every school that has none; *n gets how many were chosen. */
int material_assign_all(struct db *d, int64_t procedure_id, long *n, char *msg, size_t msglen);

/* One request for a material at time now by user (login) for a school: checks the release
 * time (ERR_PERM with msg naming the time when it is too early), fills out (the encrypted
 * archive, the key as hex text, or the criteria file), and records the request, given or
 * refused, in material_download. *name gets a file name for the download. */
int material_fetch(struct db *d, int64_t procedure_id, int64_t school_id, enum material_what what,
		   int64_t now, const char *user, const char *ip, struct buf *out, char *name, size_t namelen,
		   char *msg, size_t msglen);

/* What material_fetch records (material_download rows) while a capture is set on this thread
 * (material_capture(c); NULL ends it): each row's school, procedure, what and whether it was
 * given, so that the web server can keep a download's bytes and record the same rows again
 * for each later reader, under his name, address and moment (web/rcache.c, like the audit
 * entries of model/user.h's audit_capture). At most MATERIAL_CAPTURE_MAX rows; more set
 * overflow. */
#define MATERIAL_CAPTURE_MAX 4
struct material_capture {
	int n;
	bool overflow;
	struct {
		int64_t school_id, procedure_id;
		enum material_what what;
		bool given;
	} e[MATERIAL_CAPTURE_MAX];
};
void material_capture(struct material_capture *c);
/* Records the captured rows again, as requests by user (login) from ip at now. */
int material_record_again(struct db *d, const struct material_capture *c, int64_t now, const char *user,
			  const char *ip);
/* The id of the last recorded request for a material (0 when none): it grows with every
 * request, so a list of the requests is the same while it is. The requests are not a change
 * of the content (db_content_version does not move with them: a download must not drop every
 * kept page), so what lists them is keyed by this as well. */
int material_download_last_id(struct db *d, int64_t *id);

/* DBPATH.files/open (mode 0700, created when missing): where the server opens archives
 * for a moment, beside the database rather than in the shared /tmp. */
int material_work_dir(struct db *d, char *out, size_t n);
/* Opens an archive with its key (hex) and writes its files into dir. *nfiles gets the count. */
int material_open(const char *archive, const char *key_hex, const char *dir, long *nfiles, char *msg,
		  size_t msglen);

/* ---- lists for the materials page ----
 * Row callbacks get text valid only during the call; a non-zero return of the callback
 * stops the walk and is returned. */

/* The release times of every procedure that has them, latest key first, then by code. */
struct material_release_item {
	const char *procedure;
	struct material_release at;
};
typedef int (*material_release_fn)(void *ctx, const struct material_release_item *x);
int material_release_each(struct db *d, material_release_fn fn, void *ctx);

/* The bank: every file by procedure, variants before criteria, by variant number. */
struct material_file_item {
	const char *procedure, *kind; /* kind "variant" or "criteria" */
	int variant;                  /* 0 for the criteria */
	const char *name, *uploaded_by;
	int64_t size;
};
typedef int (*material_file_fn)(void *ctx, const struct material_file_item *x);
int material_file_each(struct db *d, material_file_fn fn, void *ctx);

/* The latest requests for materials, newest first, at most limit. */
struct material_download_item {
	int64_t at;
	const char *user, *school, *procedure, *what; /* school "" when none */
	bool given;
};
typedef int (*material_download_fn)(void *ctx, const struct material_download_item *x);
int material_download_each(struct db *d, long limit, material_download_fn fn, void *ctx);

#endif
