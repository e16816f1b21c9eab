/* keys: the keys that protect personal data, and sealing of values under them.
 *
 * Two levels. The master key (32 random bytes) lives in a file outside the database: by
 * default the database's path plus ".key" (oko.db.key), or OKO_KEY_FILE; it is created on
 * first use with mode 0600. Each school has its own data key, stored in table school_key
 * wrapped (sealed) under the master key. Values (pupils' names) are sealed with the school's
 * data key by XChaCha20-Poly1305 with a random nonce and the school id as associated data,
 * so a sealed value moved to another school's row does not open. A copy of the database
 * alone therefore opens nothing; see docs/personal-data.md for the threat model.
 *
 * Key bytes are held in caller-provided arrays: wipe them with keys_wipe() after use. */
#ifndef OKO_KEYS_H
#define OKO_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define KEYS_BYTES 32
#define KEYS_TAG_BYTES 16

/* Path of the master key file for the database: OKO_KEY_FILE when set, else the main
 * database file's path + ".key". ERR_NOTFOUND when neither is known (in-memory database
 * without OKO_KEY_FILE). */
int keys_file_path(struct db *d, char *out, size_t n);

/* Loads the master key. With create, a missing file is created (mode 0600, 32 random
 * bytes as hex). ERR_NOTFOUND when missing and !create; ERR_INVALID when the file is
 * malformed, or when the database's school keys were wrapped by another master key
 * (the wrong key file). msg explains in Russian. */
int keys_master(struct db *d, bool create, uint8_t key[KEYS_BYTES], char *msg, size_t msglen);

/* The data key of a school, unwrapped. With create, a school without one gets a fresh
 * key (use inside the caller's transaction or alone). ERR_NOTFOUND when the school has no
 * key and !create; ERR_INVALID when the key does not unwrap (wrong master key). */
int keys_school(struct db *d, int64_t school_id, bool create, uint8_t key[KEYS_BYTES],
		char *msg, size_t msglen);

/* Locks the school's key row until the caller's transaction ends (an UPDATE that changes
 * nothing), the first statement of whatever writes values sealed under the key or replaces
 * it: keys_school with create does it, pupil_rekey_school and pupil_repad call it. A writer
 * and a rotation of the same key thus run one after the other on PostgreSQL too. *exists
 * false when the school has no key (nothing locked). */
int keys_school_lock(struct db *d, int64_t school_id, bool *exists);

/* One kind of sealed value (a pupil's name, a teacher's name) as keys_reseal handles it. */
struct keys_sealed_kind {
	const char *what; /* in messages, genitive: "ФИО ученика" */
	/* Opens a value of school into *plain (malloc'd, NUL-terminated; keys_reseal wipes and
	 * frees it); *stale true when the value must be sealed again even under the same key
	 * (an older format). */
	int (*open)(const uint8_t key[KEYS_BYTES], int64_t school_id, const void *sealed, size_t n,
		    char **plain, size_t *plainn, bool *stale);
	int (*seal)(const uint8_t key[KEYS_BYTES], int64_t school_id, const char *plain, uint8_t **out,
		    size_t *outn);
	/* The look-up tag of plain in context (the row's class; teachers ignore it). */
	void (*tag)(const uint8_t key[KEYS_BYTES], const char *context, const char *plain,
		    uint8_t tag[KEYS_TAG_BYTES]);
};

/* The one open-and-reseal loop: every row sel gives (id, school id, sealed value, context
 * text) is opened and sealed again, and written through upd (?1 the sealed value, ?2 its tag,
 * ?3 the id), inside the caller's transaction. With old and fresh (a school's key rotated)
 * every row is opened with old and sealed under fresh; with both NULL (re-sealing in a newer
 * format) each school's own key is taken (its row locked) and only stale rows are written.
 * sel's rows must come in an order the updates do not change (by id). *n gets the count of
 * rows written; ERR_INVALID (msg) when a value does not open. */
int keys_reseal(struct db *d, struct db_stmt *sel, struct db_stmt *upd, const struct keys_sealed_kind *kind,
		const uint8_t *old, const uint8_t *fresh, long *n, char *msg, size_t msglen);

/* Seals n bytes of plain under key with associated data ad; *out (malloc'd, caller frees)
 * holds nonce || ciphertext || tag, *outn its length. */
int keys_seal(const uint8_t key[KEYS_BYTES], const char *ad, const void *plain, size_t n,
	      uint8_t **out, size_t *outn);
/* Opens what keys_seal made. *plain (malloc'd, NUL-terminated; wipe and free it) and
 * *plainn. ERR_INVALID when the key or the associated data is wrong or the value was
 * tampered with. */
int keys_open(const uint8_t key[KEYS_BYTES], const char *ad, const void *sealed, size_t n,
	      char **plain, size_t *plainn);
/* A person's name (any short text) sealed padded: the text is padded to a multiple of
 * bucket bytes (ISO/IEC 7816-4, sodium_pad) and sealed by keys_seal, so the ciphertext's
 * length says nothing of the text's below the bucket. keys_open_padded opens it into
 * *plain (malloc'd, NUL-terminated, *plainn its length without the padding; wipe and free
 * it); ERR_INVALID as keys_open, or when the padding is not there. Pupils' and teachers'
 * names (model/pupil.c, model/teacher.c) use them with their own associated data. */
int keys_seal_padded(const uint8_t key[KEYS_BYTES], const char *ad, const char *text,
		     size_t bucket, uint8_t **out, size_t *outn);
int keys_open_padded(const uint8_t key[KEYS_BYTES], const char *ad, const void *sealed, size_t n,
		     size_t bucket, char **plain, size_t *plainn);
/* A keyed 16-byte fingerprint of text (for finding equal values without opening them). */
void keys_tag(const uint8_t key[KEYS_BYTES], const char *text, size_t n,
	      uint8_t tag[KEYS_TAG_BYTES]);

/* Replaces the master key: writes a new key file, rewraps every school key in one
 * transaction, then moves the old file to PATH.old (which the operator deletes once the
 * new key is backed up). A crash part-way leaves either key usable: keys_master() also
 * tries PATH.new when PATH does not match the database. *schools gets the count. */
int keys_rotate(struct db *d, long *schools, char *msg, size_t msglen);

/* Replaces the data key of a school that has one by key, wrapped under the master key — the
 * last step of re-keying a school (pupil_rekey_school), inside the caller's transaction,
 * once everything sealed under the old key is sealed under the new one. The old wrapped key
 * is overwritten: without it, nothing sealed under the old key opens again. ERR_NOTFOUND
 * when the school has no key. */
int keys_school_replace(struct db *d, int64_t school_id, const uint8_t key[KEYS_BYTES], char *msg,
			size_t msglen);

/* Wipes key material or a decrypted value. */
void keys_wipe(void *p, size_t n);

#endif
