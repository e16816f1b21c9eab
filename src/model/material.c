/* material: the bank of КИМ files, release times, school sets, archives (material.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sodium.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/ru.h"
#include "model/keys.h"
#include "model/material.h"

static const char MAGIC[8] = { 'O', 'K', 'O', 'K', 'I', 'M', '1', '\n' };
#define CHUNK 65536

int material_time_parse(const char *s, int64_t *t)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0;
	char z = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) == 7 && z == 'Z') {
	} else if (sscanf(s, "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &h, &mi) == 5) {
		sec = 0;
	} else {
		return ERR_INVALID;
	}
	if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return ERR_INVALID;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = (int64_t)timegm(&tm);
	return 0;
}

void material_time_fmt(int64_t t, char out[32])
{
	time_t x = (time_t)t;
	struct tm tm;
	gmtime_r(&x, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void material_time_ru(int64_t t, char out[48])
{
	char iso[32];
	time_t x = (time_t)t;
	struct tm tm;
	gmtime_r(&x, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	ru_moment(out, 48, iso);
}

/* DBPATH.files, created when missing. */
static int files_dir(struct db *d, char *out, size_t n, bool create)
{
	char f[1024];
	db_file(d, f, sizeof f);
	if (!*f)
		return ERR_NOTFOUND;
	int rc = (size_t)snprintf(out, n, "%s.files", f) >= n ? ERR_LIMIT : 0;
	if (!rc && create && mkdir(out, 0700) && errno != EEXIST)
		rc = ERR_IO;
	return rc;
}

int material_work_dir(struct db *d, char *out, size_t n)
{
	char base[512];
	int rc = files_dir(d, base, sizeof base, true);
	if (rc)
		return rc;
	if ((size_t)snprintf(out, n, "%s/open", base) >= n)
		return ERR_LIMIT;
	if (mkdir(out, 0700) && errno != EEXIST)
		return ERR_IO;
	return 0;
}

static int read_file(const char *path, struct buf *b, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ERR_IO;
	char chunk[CHUNK];
	size_t k;
	int rc = 0;
	while (!rc && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = b->len + k > max ? ERR_LIMIT : buf_append(b, chunk, k);
	if (ferror(f))
		rc = ERR_IO;
	fclose(f);
	return rc;
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return ERR_IO;
	int rc = fwrite(p, 1, n, f) == n ? 0 : ERR_IO;
	if (fclose(f))
		rc = ERR_IO;
	return rc;
}

int material_add(struct db *d, int64_t procedure_id, const char *kind, int variant, const char *path,
		 const char *name, const char *user, char *msg, size_t msglen)
{
	struct buf b = BUF_INIT;
	int rc = read_file(path, &b, MATERIAL_MAX_FILE);
	if (rc)
		snprintf(msg, msglen, rc == ERR_LIMIT ? "файл больше 64 МБ" : "файл не читается");
	else
		rc = material_add_data(d, procedure_id, kind, variant, b.p, b.len, name, user, msg, msglen);
	buf_free(&b);
	return rc;
}

int material_add_data(struct db *d, int64_t procedure_id, const char *kind, int variant, const void *data,
		      size_t len, const char *name, const char *user, char *msg, size_t msglen)
{
	bool crit = !strcmp(kind, "criteria");
	if ((!crit && strcmp(kind, "variant")) || (crit ? variant != 0 : variant < 1 || variant > 99)) {
		snprintf(msg, msglen, "вид материала: вариант с номером от 1 до 99 или критерии");
		return ERR_INVALID;
	}
	struct db_stmt *s = NULL;
	char dir[4096], stored[128], full[4300], hex[65];
	unsigned char h[32];
	int rc = 0;
	if (len > MATERIAL_MAX_FILE) {
		snprintf(msg, msglen, "файл больше 64 МБ");
		rc = ERR_LIMIT;
		goto out;
	}
	if (!len) {
		snprintf(msg, msglen, "файл пуст");
		rc = ERR_INVALID;
		goto out;
	}
	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	if ((rc = files_dir(d, dir, sizeof dir, true))) {
		snprintf(msg, msglen, "нет каталога для файлов материалов рядом с базой");
		goto out;
	}
	snprintf(stored, sizeof stored, "%lld-%s-%d-%.16s", (long long)procedure_id, kind, variant, hex);
	snprintf(full, sizeof full, "%s/%s", dir, stored);
	if ((rc = write_file(full, data, len))) {
		snprintf(msg, msglen, "файл не записан в %s", dir);
		goto out;
	}
	const char *base = strrchr(name, '/');
	if ((rc = db_prepare(d, &s, "INSERT INTO material_file(procedure_id, kind, variant, name, stored, size,"
				    " digest, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
				    " ON CONFLICT(procedure_id, kind, variant) DO UPDATE SET name = excluded.name,"
				    " stored = excluded.stored, size = excluded.size, digest = excluded.digest,"
				    " uploaded_by = excluded.uploaded_by, created_at = excluded.created_at")) ||
	    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_text(s, 2, kind, -1)) ||
	    (rc = db_bind_int(s, 3, variant)) || (rc = db_bind_text(s, 4, base ? base + 1 : name, -1)) ||
	    (rc = db_bind_text(s, 5, stored, -1)) || (rc = db_bind_int(s, 6, (int64_t)len)) ||
	    (rc = db_bind_text(s, 7, hex, -1)) || (rc = db_bind_text(s, 8, user, -1)))
		goto out;
	rc = db_step(s) < 0 ? ERR_DB : 0;
out:
	db_finalize(s);
	return rc;
}

int material_release_set(struct db *d, int64_t procedure_id, const struct material_release *r, char *msg,
			 size_t msglen)
{
	if (r->archive_at > r->key_at || r->key_at > r->criteria_at) {
		snprintf(msg, msglen, "порядок времён: архив ≤ ключ ≤ критерии");
		return ERR_INVALID;
	}
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "INSERT INTO material_release(procedure_id, archive_at, key_at,"
				   " criteria_at) VALUES (?, ?, ?, ?) ON CONFLICT (procedure_id) DO UPDATE SET"
				   " archive_at = excluded.archive_at, key_at = excluded.key_at,"
				   " criteria_at = excluded.criteria_at");
	if (!rc && !(rc = db_bind_int(s, 1, procedure_id)) && !(rc = db_bind_int(s, 2, r->archive_at)) &&
	    !(rc = db_bind_int(s, 3, r->key_at)) && !(rc = db_bind_int(s, 4, r->criteria_at)))
		rc = db_step(s) < 0 ? ERR_DB : 0;
	db_finalize(s);
	return rc;
}

int material_release_get(struct db *d, int64_t procedure_id, struct material_release *r)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT archive_at, key_at, criteria_at FROM material_release"
				   " WHERE procedure_id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, procedure_id))) {
		if (!(rc = db_step_one(s))) {
			r->archive_at = db_col_int(s, 0);
			r->key_at = db_col_int(s, 1);
			r->criteria_at = db_col_int(s, 2);
		}
	}
	db_finalize(s);
	return rc;
}

static void set_ad(char *ad, size_t n, int64_t proc, int64_t school)
{
	snprintf(ad, n, "oko-material:%lld:%lld", (long long)proc, (long long)school);
}

/* Reads the school's set and, when key is not NULL, opens its archive key. */
static int set_read(struct db *d, int64_t proc, int64_t school, char *variants, size_t n,
		    uint8_t *key, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	uint8_t master[KEYS_BYTES];
	int rc = db_prepare(d, &s, "SELECT variants, key_sealed FROM material_set WHERE procedure_id = ?"
				   " AND school_id = ?");
	if (rc || (rc = db_bind_int(s, 1, proc)) || (rc = db_bind_int(s, 2, school)))
		goto out;
	if ((rc = db_step(s)) != DB_ROW) {
		rc = rc == DB_DONE ? ERR_NOTFOUND : rc;
		goto out;
	}
	snprintf(variants, n, "%s", db_col_text(s, 0));
	rc = 0;
	if (key) {
		size_t len;
		const void *sealed = db_col_blob(s, 1, &len);
		char ad[80], *plain = NULL;
		size_t pn = 0;
		set_ad(ad, sizeof ad, proc, school);
		if ((rc = keys_master(d, false, master, msg, msglen)))
			goto out;
		if ((rc = keys_open(master, ad, sealed, len, &plain, &pn)) || pn != MATERIAL_KEY_BYTES) {
			snprintf(msg, msglen, "ключ архива не открывается: файл ключа не от этой базы");
			rc = ERR_INVALID;
		} else {
			memcpy(key, plain, MATERIAL_KEY_BYTES);
		}
		if (plain) {
			sodium_memzero(plain, pn);
			free(plain);
		}
	}
out:
	sodium_memzero(master, sizeof master);
	db_finalize(s);
	return rc;
}

static int set_create(struct db *d, int64_t proc, int64_t school, char *variants, size_t n, char *msg,
		      size_t msglen)
{
	struct db_stmt *s = NULL;
	int bank[100], nb = 0;
	int rc = db_prepare(d, &s, "SELECT variant FROM material_file WHERE procedure_id = ? AND kind = 'variant'"
				   " ORDER BY variant");
	if (rc || (rc = db_bind_int(s, 1, proc)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW && nb < 100)
		bank[nb++] = (int)db_col_int(s, 0);
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto out;
	if (!nb) {
		snprintf(msg, msglen, "в банке процедуры ещё нет вариантов");
		rc = ERR_NOTFOUND;
		goto out;
	}
	/* A random choice of MATERIAL_SET_SIZE variants (partial Fisher–Yates), ascending. */
	int k = nb < MATERIAL_SET_SIZE ? nb : MATERIAL_SET_SIZE;
	for (int i = 0; i < k; i++) {
		int j = i + (int)randombytes_uniform((uint32_t)(nb - i));
		int t = bank[i];
		bank[i] = bank[j];
		bank[j] = t;
	}
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && bank[j - 1] > bank[j]; j--) {
			int t = bank[j];
			bank[j] = bank[j - 1];
			bank[j - 1] = t;
		}
	size_t off = 0;
	variants[0] = '\0';
	for (int i = 0; i < k && off < n; i++)
		off += (size_t)snprintf(variants + off, n - off, "%s%d", i ? "," : "", bank[i]);
	uint8_t key[MATERIAL_KEY_BYTES], master[KEYS_BYTES], *sealed = NULL;
	size_t sn = 0;
	char ad[80];
	randombytes_buf(key, sizeof key);
	set_ad(ad, sizeof ad, proc, school);
	if ((rc = keys_master(d, true, master, msg, msglen)) ||
	    (rc = keys_seal(master, ad, key, sizeof key, &sealed, &sn))) {
		sodium_memzero(key, sizeof key);
		sodium_memzero(master, sizeof master);
		goto out;
	}
	sodium_memzero(key, sizeof key);
	sodium_memzero(master, sizeof master);
	if (!(rc = db_prepare(d, &s, "INSERT INTO material_set(procedure_id, school_id, variants, key_sealed)"
				     " VALUES (?, ?, ?, ?)")) &&
	    !(rc = db_bind_int(s, 1, proc)) && !(rc = db_bind_int(s, 2, school)) &&
	    !(rc = db_bind_text(s, 3, variants, -1)) && !(rc = db_bind_blob(s, 4, sealed, sn)))
		rc = db_step(s) < 0 ? ERR_DB : 0;
	free(sealed);
out:
	db_finalize(s);
	return rc;
}

int material_set_get(struct db *d, int64_t procedure_id, int64_t school_id, char *variants, size_t n,
		     char *msg, size_t msglen)
{
	int rc = set_read(d, procedure_id, school_id, variants, n, NULL, msg, msglen);
	if (rc != ERR_NOTFOUND)
		return rc;
	return set_create(d, procedure_id, school_id, variants, n, msg, msglen);
}

int material_assign_all(struct db *d, int64_t procedure_id, long *n, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0;
	*n = 0;
	int rc = db_prepare(d, &s, "SELECT id FROM school WHERE id NOT IN (SELECT school_id FROM material_set"
				   " WHERE procedure_id = ?) ORDER BY id");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		if (nids == cap) {
			cap = cap ? 2 * cap : 64;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[nids++] = db_col_int(s, 0);
	}
	db_finalize(s);
	s = NULL;
	if (rc < 0 || (rc = db_begin(d)))
		goto out;
	char v[64];
	for (size_t i = 0; i < nids && !rc; i++)
		if (!(rc = set_create(d, procedure_id, ids[i], v, sizeof v, msg, msglen)))
			(*n)++;
	if (rc)
		db_rollback(d);
	else
		rc = db_commit(d);
out:
	free(ids);
	db_finalize(s);
	return rc;
}

static _Thread_local struct material_capture *capture; /* material_capture() */

void material_capture(struct material_capture *c)
{
	capture = c;
}

/* One row of material_download; 0 or ERR_*. */
static int insert_download(struct db *d, int64_t now, const char *user, int64_t school, int64_t proc,
			   enum material_what what, bool given, const char *ip)
{
	static const char *const names[] = { "archive", "key", "criteria" };
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "INSERT INTO material_download(at, user_login, school_id, procedure_id, what,"
				  " given, ip) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (rc || (rc = db_bind_int(s, 1, now)) || (rc = db_bind_text(s, 2, user, -1)) ||
	    (rc = school ? db_bind_int(s, 3, school) : db_bind_null(s, 3)) || (rc = db_bind_int(s, 4, proc)) ||
	    (rc = db_bind_text(s, 5, names[what], -1)) || (rc = db_bind_int(s, 6, given)) ||
	    (rc = db_bind_text(s, 7, ip, -1)))
		return rc;
	rc = db_step(s);
	return rc < 0 ? rc : 0;
}

static void record(struct db *d, int64_t now, const char *user, int64_t school, int64_t proc,
		   enum material_what what, bool given, const char *ip)
{
	if (insert_download(d, now, user, school, proc, what, given, ip) || !capture)
		return;
	if (capture->n == MATERIAL_CAPTURE_MAX) {
		capture->overflow = true;
		return;
	}
	capture->e[capture->n].school_id = school;
	capture->e[capture->n].procedure_id = proc;
	capture->e[capture->n].what = what;
	capture->e[capture->n].given = given;
	capture->n++;
}

int material_record_again(struct db *d, const struct material_capture *c, int64_t now, const char *user,
			  const char *ip)
{
	int rc = 0;
	for (int i = 0; i < c->n && !rc; i++)
		rc = insert_download(d, now, user, c->e[i].school_id, c->e[i].procedure_id, c->e[i].what,
				     c->e[i].given, ip);
	return rc;
}

int material_download_last_id(struct db *d, int64_t *id)
{
	return db_cached_int(d, "SELECT max(id) FROM material_download", 0, id);
}

/* Appends one container record: u32 name length, name, u64 size, bytes (big-endian). */
static void put_record(struct buf *b, const char *name, const void *p, size_t n)
{
	uint32_t ln = (uint32_t)strlen(name);
	unsigned char h[12];
	for (int i = 0; i < 4; i++)
		h[i] = (unsigned char)(ln >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		h[4 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
	buf_append(b, h, 4);
	buf_append(b, name, ln);
	buf_append(b, h + 4, 8);
	buf_append(b, p, n);
}

static int build_archive(struct db *d, int64_t proc, const char *variants, const uint8_t *key,
			 struct buf *out, char *msg, size_t msglen)
{
	char dir[4096], full[4400];
	struct buf plain = BUF_INIT, file = BUF_INIT;
	struct db_stmt *s = NULL;
	int rc = files_dir(d, dir, sizeof dir, false);
	if (rc)
		return rc;
	if ((rc = db_prepare(d, &s, "SELECT variant, name, stored FROM material_file WHERE procedure_id = ?"
				    " AND kind = 'variant' ORDER BY variant")) || (rc = db_bind_int(s, 1, proc)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		int v = (int)db_col_int(s, 0);
		char tok[8];
		snprintf(tok, sizeof tok, "%d", v);
		/* Is v in the set "a,b,c"? */
		bool in = false;
		for (const char *p = variants; *p && !in;) {
			size_t l = strcspn(p, ",");
			in = l == strlen(tok) && !strncmp(p, tok, l);
			p += l + (p[l] == ',');
		}
		if (!in)
			continue;
		snprintf(full, sizeof full, "%s/%s", dir, db_col_text(s, 2));
		buf_reset(&file);
		if ((rc = read_file(full, &file, MATERIAL_MAX_FILE))) {
			snprintf(msg, msglen, "файл варианта %d не читается", v);
			goto out;
		}
		char name[300];
		snprintf(name, sizeof name, "вариант-%d/%s", v, db_col_text(s, 1));
		put_record(&plain, name, file.p ? file.p : "", file.len);
	}
	if (rc < 0)
		goto out;
	/* Encrypt: magic, secretstream header, then [u32 length][ciphertext] chunks. */
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	buf_append(out, MAGIC, sizeof MAGIC);
	buf_append(out, header, sizeof header);
	unsigned char *c = xmalloc(CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
	size_t off = 0;
	do {
		size_t k = plain.len - off < CHUNK ? plain.len - off : CHUNK;
		bool last = off + k >= plain.len;
		unsigned long long cl;
		crypto_secretstream_xchacha20poly1305_push(&st, c, &cl, (const unsigned char *)plain.p + off, k, NULL, 0,
							   last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		unsigned char lb[4] = { (unsigned char)(cl >> 24), (unsigned char)(cl >> 16), (unsigned char)(cl >> 8),
					(unsigned char)cl };
		buf_append(out, lb, 4);
		buf_append(out, c, (size_t)cl);
		off += k;
	} while (off < plain.len);
	free(c);
	rc = 0;
out:
	db_finalize(s);
	if (plain.p)
		sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	buf_free(&file);
	return rc;
}

int material_fetch(struct db *d, int64_t procedure_id, int64_t school_id, enum material_what what,
		   int64_t now, const char *user, const char *ip, struct buf *out, char *name, size_t namelen,
		   char *msg, size_t msglen)
{
	struct material_release rel;
	char when[32], variants[64];
	uint8_t key[MATERIAL_KEY_BYTES];
	int rc = material_release_get(d, procedure_id, &rel);
	if (rc) {
		snprintf(msg, msglen, "время выдачи материалов этой процедуры ещё не назначено");
		goto refused;
	}
	int64_t at = what == MATERIAL_ARCHIVE ? rel.archive_at : what == MATERIAL_KEY ? rel.key_at : rel.criteria_at;
	if (now < at) {
		material_time_fmt(at, when);
		snprintf(msg, msglen, "%s будут доступны с %s (время сервера)",
			 what == MATERIAL_ARCHIVE ? "архив с материалами" : what == MATERIAL_KEY ? "ключ к архиву"
											      : "критерии оценивания",
			 when);
		rc = ERR_PERM;
		goto refused;
	}
	if (what == MATERIAL_CRITERIA) {
		struct db_stmt *s = NULL;
		char dir[4096], full[4400];
		if ((rc = files_dir(d, dir, sizeof dir, false)) ||
		    (rc = db_prepare(d, &s, "SELECT name, stored FROM material_file WHERE procedure_id = ?"
					    " AND kind = 'criteria'")) ||
		    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_step(s)) != DB_ROW) {
			db_finalize(s);
			snprintf(msg, msglen, "критерии ещё не загружены");
			rc = ERR_NOTFOUND;
			goto refused;
		}
		snprintf(name, namelen, "%s", db_col_text(s, 0));
		snprintf(full, sizeof full, "%s/%s", dir, db_col_text(s, 1));
		db_finalize(s);
		if ((rc = read_file(full, out, MATERIAL_MAX_FILE))) {
			snprintf(msg, msglen, "файл критериев не читается");
			goto refused;
		}
	} else {
		if ((rc = material_set_get(d, procedure_id, school_id, variants, sizeof variants, msg, msglen)) ||
		    (rc = set_read(d, procedure_id, school_id, variants, sizeof variants, key, msg, msglen)))
			goto refused;
		if (what == MATERIAL_KEY) {
			char hex[2 * MATERIAL_KEY_BYTES + 1];
			sodium_bin2hex(hex, sizeof hex, key, sizeof key);
			buf_printf(out, "%s\n", hex);
			sodium_memzero(hex, sizeof hex);
			snprintf(name, namelen, "key.txt");
		} else {
			rc = build_archive(d, procedure_id, variants, key, out, msg, msglen);
			snprintf(name, namelen, "materials.okokim");
		}
		sodium_memzero(key, sizeof key);
		if (rc)
			goto refused;
	}
	record(d, now, user, school_id, procedure_id, what, true, ip);
	return 0;
refused:
	record(d, now, user, school_id, procedure_id, what, false, ip);
	return rc;
}

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int material_open(const char *archive, const char *key_hex, const char *dir, long *nfiles, char *msg,
		  size_t msglen)
{
	struct buf in = BUF_INIT, plain = BUF_INIT;
	uint8_t key[MATERIAL_KEY_BYTES];
	size_t kl = 0;
	unsigned char *m = NULL;
	*nfiles = 0;
	int rc = read_file(archive, &in, 2 * MATERIAL_MAX_FILE);
	if (rc) {
		snprintf(msg, msglen, "архив не читается");
		goto out;
	}
	if (sodium_hex2bin(key, sizeof key, key_hex, strlen(key_hex), " \n", &kl, NULL) || kl != sizeof key) {
		snprintf(msg, msglen, "ключ — 64 шестнадцатеричные цифры");
		rc = ERR_INVALID;
		goto out;
	}
	const size_t hb = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
	rc = ERR_INVALID;
	snprintf(msg, msglen, "архив повреждён или ключ не тот");
	if (in.len < sizeof MAGIC + hb || memcmp(in.p, MAGIC, sizeof MAGIC))
		goto out;
	crypto_secretstream_xchacha20poly1305_state st;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&st, (const unsigned char *)in.p + sizeof MAGIC, key))
		goto out;
	size_t off = sizeof MAGIC + hb;
	unsigned char tag = 0;
	m = xmalloc(CHUNK);
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		if (off + 4 > in.len)
			goto out;
		size_t cl = (size_t)be((const unsigned char *)in.p + off, 4);
		off += 4;
		if (cl > CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES || off + cl > in.len)
			goto out;
		unsigned long long ml;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, m, &ml, &tag, (const unsigned char *)in.p + off, cl,
							       NULL, 0))
			goto out;
		buf_append(&plain, m, (size_t)ml);
		off += cl;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(msg, msglen, "каталог %s не создан", dir);
		rc = ERR_IO;
		goto out;
	}
	for (size_t p = 0; p < plain.len;) {
		if (p + 4 > plain.len)
			goto out;
		size_t nl = (size_t)be((const unsigned char *)plain.p + p, 4);
		if (nl == 0 || nl > 512 || p + 4 + nl + 8 > plain.len)
			goto out;
		char name[600], path[4700];
		memcpy(name, plain.p + p + 4, nl);
		name[nl] = '\0';
		uint64_t sz = be((const unsigned char *)plain.p + p + 4 + nl, 8);
		size_t data = p + 4 + nl + 8;
		if (sz > plain.len - data)
			goto out;
		/* Only "вариант-N/NAME": no other directories, no "..". */
		char *slash = strchr(name, '/');
		if (!slash || strchr(slash + 1, '/') || strstr(name, "..") || strncmp(name, "вариант-", strlen("вариант-")))
			goto out;
		*slash = '\0';
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (mkdir(path, 0700) && errno != EEXIST)
			goto out;
		*slash = '/';
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (write_file(path, plain.p + data, (size_t)sz)) {
			rc = ERR_IO;
			snprintf(msg, msglen, "файл %s не записан", path);
			goto out;
		}
		(*nfiles)++;
		p = data + (size_t)sz;
	}
	rc = 0;
	msg[0] = '\0';
out:
	free(m);
	sodium_memzero(key, sizeof key);
	if (plain.p)
		sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	buf_free(&in);
	return rc;
}

/* ---- lists for the materials page ---- */

int material_release_each(struct db *d, material_release_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.code, m.archive_at, m.key_at, m.criteria_at FROM material_release m"
				   " JOIN procedure p ON p.id = m.procedure_id ORDER BY m.key_at DESC, p.code");
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		struct material_release_item x = { db_col_text(s, 0),
						   { db_col_int(s, 1), db_col_int(s, 2), db_col_int(s, 3) } };
		rc = fn(ctx, &x);
	}
	db_finalize(s);
	return rc;
}

int material_file_each(struct db *d, material_file_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.code, f.kind, f.variant, f.name, f.size, f.uploaded_by"
				   " FROM material_file f JOIN procedure p ON p.id = f.procedure_id"
				   " ORDER BY p.code, f.kind DESC, f.variant");
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		struct material_file_item x = { db_col_text(s, 0), db_col_text(s, 1), (int)db_col_int(s, 2),
						db_col_text(s, 3), db_col_text(s, 5), db_col_int(s, 4) };
		rc = fn(ctx, &x);
	}
	db_finalize(s);
	return rc;
}

int material_download_each(struct db *d, long limit, material_download_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT d.at, d.user_login, coalesce(s.login, ''), p.code, d.what, d.given"
				   " FROM material_download d JOIN procedure p ON p.id = d.procedure_id"
				   " LEFT JOIN school s ON s.id = d.school_id ORDER BY d.id DESC LIMIT ?");
	if (!rc)
		rc = db_bind_int(s, 1, limit);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		struct material_download_item x = { db_col_int(s, 0), db_col_text(s, 1), db_col_text(s, 2),
						    db_col_text(s, 3), db_col_text(s, 4), db_col_int(s, 5) != 0 };
		rc = fn(ctx, &x);
	}
	db_finalize(s);
	return rc;
}
