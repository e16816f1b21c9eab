/* keys: master key file, per-school data keys wrapped under it, sealing of values.
 * See keys.h and docs/personal-data.md. */
#include "model/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

#define FILE_MAGIC "oko-master-key-1 "
#define ID_HEX 17 /* 8 bytes as hex + NUL */
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ABYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

void keys_wipe(void *p, size_t n)
{
	if (p && n)
		sodium_memzero(p, n);
}

static int sodium_ready(void)
{
	return sodium_init() < 0 ? ERR_INVALID : 0;
}

int keys_file_path(struct db *d, char *out, size_t n)
{
	const char *env = getenv("OKO_KEY_FILE");
	if (env && *env) {
		if ((size_t)snprintf(out, n, "%s", env) >= n)
			return ERR_LIMIT;
		return 0;
	}
	/* Beside the database's file (for PostgreSQL, in OKO_FILES: db_file()); none for an
	 * in-memory database. */
	char f[1024];
	db_file(d, f, sizeof f);
	if (!*f)
		return ERR_NOTFOUND;
	return (size_t)snprintf(out, n, "%s.key", f) >= n ? ERR_LIMIT : 0;
}

static void master_id(const uint8_t key[KEYS_BYTES], char id[ID_HEX])
{
	uint8_t h[8];
	crypto_generichash(h, sizeof h, key, KEYS_BYTES, (const uint8_t *)"oko-master-id", 13);
	sodium_bin2hex(id, ID_HEX, h, sizeof h);
}

/* Reads a key file: 0, ERR_NOTFOUND when absent, ERR_INVALID when malformed. */
static int read_key(const char *path, uint8_t key[KEYS_BYTES], char *msg, size_t msglen)
{
	char text[128];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ERR_NOTFOUND;
		snprintf(msg, msglen, "не удалось прочитать файл ключа %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077))
		log_warn("файл ключа %s доступен не только владельцу: выполните chmod 600 %s", path, path);
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	int rc = ERR_INVALID;
	size_t hexlen = 2 * KEYS_BYTES;
	if (n >= (ssize_t)(sizeof FILE_MAGIC - 1 + hexlen) &&
	    !memcmp(text, FILE_MAGIC, sizeof FILE_MAGIC - 1)) {
		size_t got = 0;
		if (sodium_hex2bin(key, KEYS_BYTES, text + sizeof FILE_MAGIC - 1, hexlen, NULL, &got,
				   NULL) == 0 && got == KEYS_BYTES)
			rc = 0;
	}
	keys_wipe(text, sizeof text);
	if (rc)
		snprintf(msg, msglen, "файл ключа %s повреждён или не является ключом oko", path);
	return rc;
}

/* Writes a new key file with mode 0600; ERR_EXISTS when the file is already there. */
static int write_key(const char *path, const uint8_t key[KEYS_BYTES], char *msg, size_t msglen)
{
	char text[128];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return ERR_EXISTS;
		snprintf(msg, msglen, "не удалось создать файл ключа %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	size_t m = sizeof FILE_MAGIC - 1;
	memcpy(text, FILE_MAGIC, m);
	sodium_bin2hex(text + m, sizeof text - m, key, KEYS_BYTES);
	m += 2 * KEYS_BYTES;
	text[m++] = '\n';
	int rc = 0;
	if (write(fd, text, m) != (ssize_t)m || fsync(fd) != 0) {
		snprintf(msg, msglen, "не удалось записать файл ключа %s: %s", path, strerror(errno));
		rc = ERR_IO;
	}
	close(fd);
	keys_wipe(text, sizeof text);
	if (rc)
		unlink(path);
	return rc;
}

/* The master id the database's school keys were wrapped with, or "" when none. */
static int stored_master_id(struct db *d, char id[ID_HEX])
{
	struct db_stmt *s = NULL;
	id[0] = '\0';
	int rc = db_cached(d, &s, "SELECT master_id FROM school_key LIMIT 1");
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		snprintf(id, ID_HEX, "%s", db_col_text(s, 0));
	db_reset(s);
	return rc < 0 ? rc : 0;
}

int keys_master(struct db *d, bool create, uint8_t key[KEYS_BYTES], char *msg, size_t msglen)
{
	char path[4096], alt[4200], want[ID_HEX], have[ID_HEX];
	int rc;
	msg[0] = '\0';
	if ((rc = sodium_ready()))
		return rc;
	if ((rc = keys_file_path(d, path, sizeof path))) {
		snprintf(msg, msglen, "не известно, где файл ключа: задайте OKO_KEY_FILE");
		return rc;
	}
	if ((rc = stored_master_id(d, want)))
		return rc;
	rc = read_key(path, key, msg, msglen);
	if (rc == ERR_NOTFOUND && !want[0] && create) {
		randombytes_buf(key, KEYS_BYTES);
		rc = write_key(path, key, msg, msglen);
		if (rc == ERR_EXISTS) /* another process created it just now */
			rc = read_key(path, key, msg, msglen);
		else if (rc == 0)
			log_info("создан файл ключа персональных данных %s: храните его копию отдельно "
				 "от копии базы", path);
	}
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (rc == 0) {
		master_id(key, have);
		if (!want[0] || !strcmp(want, have))
			return 0;
	}
	/* An interrupted rotation leaves the new key in PATH.new. */
	snprintf(alt, sizeof alt, "%s.new", path);
	if (want[0] && read_key(alt, key, msg, msglen) == 0) {
		master_id(key, have);
		if (!strcmp(want, have))
			return 0;
	}
	keys_wipe(key, KEYS_BYTES);
	if (rc == ERR_NOTFOUND) {
		snprintf(msg, msglen, want[0] ? "нет файла ключа %s, а в базе есть зашифрованные "
						"персональные данные: восстановите файл ключа из резервной копии"
					      : "нет файла ключа %s",
			 path);
		return ERR_NOTFOUND;
	}
	snprintf(msg, msglen, "файл ключа %s не подходит к этой базе данных (ключ %s, а данные "
			      "зашифрованы ключом %s)", path, have, want);
	return ERR_INVALID;
}

int keys_seal(const uint8_t key[KEYS_BYTES], const char *ad, const void *plain, size_t n,
	      uint8_t **out, size_t *outn)
{
	if (sodium_ready())
		return ERR_INVALID;
	uint8_t *c = xmalloc(NONCE + n + ABYTES);
	unsigned long long clen = 0;
	randombytes_buf(c, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c + NONCE, &clen, plain, n,
						   (const uint8_t *)ad, strlen(ad), NULL, c, key);
	*out = c;
	*outn = NONCE + (size_t)clen;
	return 0;
}

int keys_open(const uint8_t key[KEYS_BYTES], const char *ad, const void *sealed, size_t n,
	      char **plain, size_t *plainn)
{
	*plain = NULL;
	*plainn = 0;
	if (sodium_ready() || n < NONCE + ABYTES)
		return ERR_INVALID;
	const uint8_t *c = sealed;
	char *p = xmalloc(n - NONCE - ABYTES + 1);
	unsigned long long plen = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((uint8_t *)p, &plen, NULL, c + NONCE, n - NONCE,
						       (const uint8_t *)ad, strlen(ad), c, key) != 0) {
		free(p);
		return ERR_INVALID;
	}
	p[plen] = '\0';
	*plain = p;
	*plainn = (size_t)plen;
	return 0;
}

int keys_seal_padded(const uint8_t key[KEYS_BYTES], const char *ad, const char *text,
		     size_t bucket, uint8_t **out, size_t *outn)
{
	size_t n = strlen(text), padded = 0;
	size_t cap = (n / bucket + 1) * bucket;
	unsigned char *p = xmalloc(cap);
	memcpy(p, text, n);
	int rc = 0;
	if (sodium_pad(&padded, p, n, bucket, cap) != 0)
		rc = ERR_INVALID; /* cannot happen: cap leaves room for the padding */
	else
		rc = keys_seal(key, ad, p, padded, out, outn);
	keys_wipe(p, cap);
	free(p);
	return rc;
}

int keys_open_padded(const uint8_t key[KEYS_BYTES], const char *ad, const void *sealed, size_t n,
		     size_t bucket, char **plain, size_t *plainn)
{
	int rc = keys_open(key, ad, sealed, n, plain, plainn);
	if (rc)
		return rc;
	size_t len = 0;
	if (sodium_unpad(&len, (unsigned char *)*plain, *plainn, bucket) != 0) {
		keys_wipe(*plain, *plainn);
		free(*plain);
		*plain = NULL;
		*plainn = 0;
		return ERR_INVALID;
	}
	keys_wipe(*plain + len, *plainn - len);
	(*plain)[len] = '\0';
	*plainn = len;
	return 0;
}

void keys_tag(const uint8_t key[KEYS_BYTES], const char *text, size_t n, uint8_t tag[KEYS_TAG_BYTES])
{
	uint8_t sub[KEYS_BYTES];
	/* A subkey, so the tag key is never the sealing key itself. */
	crypto_generichash(sub, sizeof sub, (const uint8_t *)"oko-pupil-tag", 13, key, KEYS_BYTES);
	crypto_generichash(tag, KEYS_TAG_BYTES, (const uint8_t *)text, n, sub, sizeof sub);
	keys_wipe(sub, sizeof sub);
}

static void school_ad(int64_t school_id, char *ad, size_t n)
{
	snprintf(ad, n, "oko-school-key:%lld", (long long)school_id);
}

int keys_school_lock(struct db *d, int64_t school_id, bool *exists)
{
	struct db_stmt *s = NULL;
	/* A write that changes nothing: both engines lock the row until the transaction ends. */
	int rc = db_cached(d, &s, "UPDATE school_key SET master_id = master_id WHERE school_id = ?");
	if (rc)
		return rc;
	db_bind_int(s, 1, school_id);
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	*exists = db_changes(d) == 1;
	return 0;
}

/* Makes the school's key when it has none: after the row of the first school with a key is
 * locked (keys_rotate locks every row, so a key is not wrapped under a master key that is
 * being replaced), under the master key read then; a key another writer made meanwhile is
 * kept (*made false) and locked. */
static int create_school_key(struct db *d, int64_t school_id, const char *ad, uint8_t key[KEYS_BYTES],
			     bool *made, char *msg, size_t msglen)
{
	uint8_t master[KEYS_BYTES], *wrapped = NULL;
	size_t wn = 0;
	char id[ID_HEX];
	struct db_stmt *s = NULL;
	bool exists = false;
	*made = false;
	int rc = db_cached(d, &s, "UPDATE school_key SET master_id = master_id "
				  "WHERE school_id = (SELECT min(school_id) FROM school_key)");
	if (rc)
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	if ((rc = keys_master(d, true, master, msg, msglen)))
		return rc;
	randombytes_buf(key, KEYS_BYTES);
	if ((rc = keys_seal(master, ad, key, KEYS_BYTES, &wrapped, &wn)))
		goto out;
	master_id(master, id);
	if ((rc = db_cached(d, &s, "INSERT INTO school_key (school_id, wrapped, master_id) VALUES (?, ?, ?) "
				   "ON CONFLICT (school_id) DO NOTHING")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_blob(s, 2, wrapped, wn);
	db_bind_text(s, 3, id, -1);
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		goto out;
	rc = 0;
	*made = db_changes(d) == 1;
	if (!*made && !(rc = keys_school_lock(d, school_id, &exists)) && !exists)
		rc = ERR_NOTFOUND;
out:
	if (rc || !*made)
		keys_wipe(key, KEYS_BYTES);
	keys_wipe(master, sizeof master);
	free(wrapped);
	return rc;
}

int keys_school(struct db *d, int64_t school_id, bool create, uint8_t key[KEYS_BYTES], char *msg,
		size_t msglen)
{
	uint8_t master[KEYS_BYTES];
	char ad[64], *plain = NULL;
	size_t plainn = 0;
	struct db_stmt *s = NULL;
	bool have_master = false;
	int rc;
	msg[0] = '\0';
	school_ad(school_id, ad, sizeof ad);
	if (create) {
		/* A writer locks the key's row before reading it: a rotation of the school's key
		 * (pupil_rekey_school) locks it first too, so a name is never sealed under a key
		 * that a rotation committed meanwhile has destroyed (PostgreSQL's read committed
		 * lets the two run side by side; SQLite's BEGIN IMMEDIATE does not). */
		bool exists = false, made = false;
		if ((rc = keys_school_lock(d, school_id, &exists)))
			return rc;
		if (!exists) {
			if ((rc = create_school_key(d, school_id, ad, key, &made, msg, msglen)))
				return rc;
			if (made)
				return 0;
		}
	}
	if ((rc = keys_master(d, create, master, msg, msglen)))
		return rc;
	have_master = true;
	if ((rc = db_cached(d, &s, "SELECT wrapped FROM school_key WHERE school_id = ?")))
		goto out;
	db_bind_int(s, 1, school_id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		size_t n = 0;
		const void *b = db_col_blob(s, 0, &n);
		rc = keys_open(master, ad, b, n, &plain, &plainn);
		db_reset(s);
		if (rc || plainn != KEYS_BYTES) {
			snprintf(msg, msglen, "ключ школы не расшифровывается: файл ключа не от этой базы");
			rc = ERR_INVALID;
			goto out;
		}
		memcpy(key, plain, KEYS_BYTES);
		goto out;
	}
	db_reset(s);
	if (rc >= 0)
		rc = ERR_NOTFOUND;
out:
	if (rc)
		keys_wipe(key, KEYS_BYTES);
	if (have_master)
		keys_wipe(master, sizeof master);
	if (plain) {
		keys_wipe(plain, plainn);
		free(plain);
	}
	return rc;
}

int keys_school_replace(struct db *d, int64_t school_id, const uint8_t key[KEYS_BYTES], char *msg,
			size_t msglen)
{
	uint8_t master[KEYS_BYTES], *wrapped = NULL;
	size_t wn = 0;
	char ad[64], id[ID_HEX];
	struct db_stmt *s = NULL;
	int rc = keys_master(d, false, master, msg, msglen);
	if (rc)
		return rc;
	school_ad(school_id, ad, sizeof ad);
	master_id(master, id);
	if ((rc = keys_seal(master, ad, key, KEYS_BYTES, &wrapped, &wn)))
		goto out;
	if ((rc = db_prepare(d, &s, "UPDATE school_key SET wrapped = ?, master_id = ? WHERE school_id = ?")))
		goto out;
	db_bind_blob(s, 1, wrapped, wn);
	db_bind_text(s, 2, id, -1);
	db_bind_int(s, 3, school_id);
	rc = db_step(s);
	if (rc >= 0)
		rc = db_changes(d) == 1 ? 0 : ERR_NOTFOUND;
out:
	db_finalize(s);
	keys_wipe(master, sizeof master);
	free(wrapped);
	return rc;
}

int keys_rotate(struct db *d, long *schools, char *msg, size_t msglen)
{
	uint8_t old[KEYS_BYTES], fresh[KEYS_BYTES];
	char path[4096], newpath[4200], oldpath[4200], id[ID_HEX];
	struct db_stmt *sel = NULL, *upd = NULL;
	bool in_tx = false, wrote = false;
	*schools = 0;
	int rc = keys_master(d, false, old, msg, msglen);
	if (rc)
		return rc;
	if ((rc = keys_file_path(d, path, sizeof path)))
		goto out;
	snprintf(newpath, sizeof newpath, "%s.new", path);
	snprintf(oldpath, sizeof oldpath, "%s.old", path);
	randombytes_buf(fresh, sizeof fresh);
	unlink(newpath); /* a leftover of a rotation that did not commit */
	if ((rc = write_key(newpath, fresh, msg, msglen)))
		goto out;
	wrote = true;
	master_id(fresh, id);
	if ((rc = db_begin(d)))
		goto out;
	in_tx = true;
	/* Every school key's row locked first: a writer holding one (a class list being stored,
	 * a school's key being rotated) is waited for, and one that comes later waits (it locks
	 * the row first too) — no school key is rewrapped from a value that is being replaced,
	 * and none is made under the old master key meanwhile. */
	if ((rc = db_exec(d, "UPDATE school_key SET master_id = master_id")))
		goto out;
	if ((rc = db_prepare(d, &sel, "SELECT school_id, wrapped FROM school_key")) ||
	    (rc = db_prepare(d, &upd, "UPDATE school_key SET wrapped = ?, master_id = ? WHERE school_id = ?")))
		goto out;
	while ((rc = db_step(sel)) == DB_ROW) {
		int64_t sid = db_col_int(sel, 0);
		size_t n = 0, pn = 0, wn = 0;
		const void *b = db_col_blob(sel, 1, &n);
		char ad[64], *plain = NULL;
		uint8_t *wrapped = NULL;
		school_ad(sid, ad, sizeof ad);
		if ((rc = keys_open(old, ad, b, n, &plain, &pn))) {
			snprintf(msg, msglen, "ключ школы %lld не расшифровывается", (long long)sid);
			goto out;
		}
		rc = keys_seal(fresh, ad, plain, pn, &wrapped, &wn);
		keys_wipe(plain, pn);
		free(plain);
		if (rc)
			goto out;
		db_reset(upd);
		db_bind_blob(upd, 1, wrapped, wn);
		db_bind_text(upd, 2, id, -1);
		db_bind_int(upd, 3, sid);
		rc = db_step(upd);
		free(wrapped);
		if (rc < 0)
			goto out;
		(*schools)++;
	}
	if (rc < 0)
		goto out;
	db_finalize(sel);
	db_finalize(upd);
	sel = upd = NULL;
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
	/* Committed: the new key is the one. Keep the old file until the operator removes it. */
	unlink(oldpath);
	if (rename(path, oldpath) != 0 && errno != ENOENT) {
		snprintf(msg, msglen, "ключ заменён в базе, но старый файл %s не переименован: %s; "
				      "новый ключ — в %s", path, strerror(errno), newpath);
		rc = ERR_IO;
		wrote = false;
		goto out;
	}
	if (rename(newpath, path) != 0) {
		snprintf(msg, msglen, "ключ заменён в базе, но файл %s не переименован в %s: %s",
			 newpath, path, strerror(errno));
		rc = ERR_IO;
		wrote = false;
		goto out;
	}
	wrote = false;
	rc = 0;
out:
	db_finalize(sel);
	db_finalize(upd);
	if (in_tx)
		db_rollback(d);
	if (rc && wrote)
		unlink(newpath);
	keys_wipe(old, sizeof old);
	keys_wipe(fresh, sizeof fresh);
	return rc;
}

int keys_reseal(struct db *d, struct db_stmt *sel, struct db_stmt *upd, const struct keys_sealed_kind *kind,
		const uint8_t *old, const uint8_t *fresh, long *n, char *msg, size_t msglen)
{
	uint8_t own[KEYS_BYTES];
	int64_t keyed = 0; /* the school whose key is in own */
	int rc;
	*n = 0;
	while ((rc = db_step(sel)) == DB_ROW) {
		int64_t id = db_col_int(sel, 0), school = db_col_int(sel, 1);
		if (!old && school != keyed) {
			bool exists = false;
			keys_wipe(own, sizeof own);
			keyed = 0;
			if ((rc = keys_school_lock(d, school, &exists)) ||
			    (rc = keys_school(d, school, false, own, msg, msglen)))
				break;
			keyed = school;
		}
		const uint8_t *from = old ? old : own, *to = fresh ? fresh : own;
		size_t bn = 0, pn = 0, sn = 0;
		const void *b = db_col_blob(sel, 2, &bn);
		char context[256], *plain = NULL;
		uint8_t *sealed = NULL, tag[KEYS_TAG_BYTES];
		bool stale = false;
		rc = 0;
		snprintf(context, sizeof context, "%s", db_col_text(sel, 3));
		if (kind->open(from, school, b, bn, &plain, &pn, &stale)) {
			snprintf(msg, msglen, "%s %lld не расшифровывается: данные повреждены или ключ не тот",
				 kind->what, (long long)id);
			rc = ERR_INVALID;
			break;
		}
		if (fresh || stale) {
			kind->tag(to, context, plain, tag);
			rc = kind->seal(to, school, plain, &sealed, &sn);
		}
		keys_wipe(plain, pn);
		free(plain);
		if (rc)
			break;
		if (!sealed)
			continue;
		db_reset(upd);
		db_bind_blob(upd, 1, sealed, sn);
		db_bind_blob(upd, 2, tag, sizeof tag);
		db_bind_int(upd, 3, id);
		rc = db_step(upd);
		free(sealed);
		if (rc < 0)
			break;
		(*n)++;
	}
	if (keyed)
		keys_wipe(own, sizeof own);
	if (rc < 0) {
		*n = 0;
		return rc;
	}
	return 0;
}
