/* pupil: pupils, participant codes and the guarded access to names. See pupil.h. */
#include "model/pupil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "model/keys.h"
#include "model/plan.h"
#include "model/teacher.h"

int pupil_year_of(int64_t unix_time)
{
	time_t t = (time_t)unix_time;
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900 + (tm.tm_mon >= 8 ? 1 : 0);
}

/* Appends the UTF-8 form of a code point below 0x800. */
static size_t put_cp(char *out, size_t at, size_t cap, uint32_t cp)
{
	if (cp < 0x80) {
		if (at + 1 >= cap)
			return 0;
		out[at] = (char)cp;
		return 1;
	}
	if (at + 2 >= cap)
		return 0;
	out[at] = (char)(0xC0 | (cp >> 6));
	out[at + 1] = (char)(0x80 | (cp & 0x3F));
	return 2;
}

/* Upper-case Cyrillic letter of a class letter, Latin look-alikes mapped; 0 if not one. */
static uint32_t class_letter(uint32_t cp)
{
	static const char latin[] = "ABEKMHOPCTXY";
	static const uint32_t cyr[] = { 0x410, 0x412, 0x415, 0x41A, 0x41C, 0x41D, 0x41E, 0x420,
					0x421, 0x422, 0x425, 0x423 };
	if (cp >= 'a' && cp <= 'z')
		cp -= 32;
	if (cp >= 'A' && cp <= 'Z') {
		const char *p = strchr(latin, (int)cp);
		return p ? cyr[p - latin] : 0;
	}
	if (cp >= 0x430 && cp <= 0x44F)
		return cp - 0x20;
	if (cp == 0x451)
		return 0x401;
	if ((cp >= 0x410 && cp <= 0x42F) || cp == 0x401)
		return cp;
	return 0;
}

int pupil_class_norm(const char *in, char out[PUPIL_CLASS_MAX], int *grade)
{
	size_t n = strlen(in), at = 0;
	const char *s = in;
	n = str_trim(&s, n);
	if (!utf8_valid(s, n))
		return ERR_INVALID;
	size_t i = 0;
	int g = 0, digits = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 3) {
		g = g * 10 + (s[i++] - '0');
		digits++;
	}
	if (digits == 0 || g < 1 || g > 11)
		return ERR_INVALID;
	at = (size_t)snprintf(out, PUPIL_CLASS_MAX, "%d", g);
	while (i < n && (s[i] == ' ' || s[i] == '-'))
		i++;
	int letters = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		uint32_t up = k ? class_letter(cp) : 0;
		if (!up || ++letters > 3)
			return ERR_INVALID;
		size_t w = put_cp(out, at, PUPIL_CLASS_MAX, up);
		if (!w)
			return ERR_INVALID;
		at += w;
		i += k;
	}
	out[at] = '\0';
	*grade = g;
	return 0;
}

static bool name_char(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0x400 && cp <= 0x4FF);
}

int pupil_name_norm(const char *in, char out[PUPIL_NAME_MAX], const char **why)
{
	size_t n = strlen(in), at = 0, i = 0;
	int words = 0;
	*why = "";
	if (!utf8_valid(in, n)) {
		*why = "текст не в кодировке UTF-8";
		return ERR_INVALID;
	}
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(in + i, n - i, &cp);
		if (!k) {
			*why = "текст не в кодировке UTF-8";
			return ERR_INVALID;
		}
		if (cp == ' ' || cp == '\t' || cp == 0xA0) { /* spaces, no-break space */
			i += k;
			continue;
		}
		/* A word: letters, '-', '\'', '.', up to the next space. */
		if (words++ && at + 1 < PUPIL_NAME_MAX)
			out[at++] = ' ';
		bool letter = false;
		while (i < n) {
			k = utf8_decode(in + i, n - i, &cp);
			if (k && (cp == ' ' || cp == '\t' || cp == 0xA0))
				break;
			if (!k || !(name_char(cp) || cp == '-' || cp == '\'' || cp == '.')) {
				*why = "в ФИО допустимы только буквы, дефис, апостроф и точка";
				return ERR_INVALID;
			}
			letter |= name_char(cp);
			if (at + k >= PUPIL_NAME_MAX) {
				*why = "ФИО слишком длинное";
				return ERR_INVALID;
			}
			memcpy(out + at, in + i, k);
			at += k;
			i += k;
		}
		if (!letter) {
			*why = "в каждом слове ФИО должна быть буква";
			return ERR_INVALID;
		}
	}
	out[at] = '\0';
	if (words < 2) {
		*why = "нужны хотя бы фамилия и имя";
		return ERR_INVALID;
	}
	if (words > 5) {
		*why = "в ФИО больше пяти слов";
		return ERR_INVALID;
	}
	return 0;
}

bool pupil_may_read_names(const struct user *u, int64_t school_id)
{
	return u && u->role == ROLE_SCHOOL && u->school_id > 0 && u->school_id == school_id;
}

void pupil_operator_user(int64_t school_id, struct user *u)
{
	memset(u, 0, sizeof *u);
	u->role = ROLE_SCHOOL;
	u->school_id = school_id;
	snprintf(u->login, sizeof u->login, "(оператор)");
	snprintf(u->name, sizeof u->name, "оператор сервера");
}

/* Names are padded to a multiple of PUPIL_NAME_BUCKET bytes before sealing (ISO/IEC 7816-4
 * padding, sodium_pad), so every name that pupil_name_norm accepts (< PUPIL_NAME_MAX bytes)
 * seals to the same length and the ciphertext does not tell a short name from a long one.
 * Padded values are sealed with the associated data "oko-pupil-name-2:<school id>"; values
 * sealed before padding (plain name, "oko-pupil-name:<school id>") still open. The version
 * sits in the associated data, so neither kind can be taken for the other. */
#define PUPIL_NAME_BUCKET 256

static void name_ad(int64_t school_id, int version, char *ad, size_t n)
{
	if (version == 2)
		snprintf(ad, n, "oko-pupil-name-2:%lld", (long long)school_id);
	else
		snprintf(ad, n, "oko-pupil-name:%lld", (long long)school_id);
}

static int name_seal(const uint8_t key[KEYS_BYTES], int64_t school_id, const char *name,
		     uint8_t **sealed, size_t *sn)
{
	char ad[64];
	name_ad(school_id, 2, ad, sizeof ad);
	return keys_seal_padded(key, ad, name, PUPIL_NAME_BUCKET, sealed, sn);
}

/* Opens a sealed name, padded or from before padding; *plain as keys_open gives it. *version
 * (may be NULL) tells which kind it was: 2 padded, 1 from before. */
static int name_open(const uint8_t key[KEYS_BYTES], int64_t school_id, const void *sealed,
		     size_t n, char **plain, size_t *pn, int *version)
{
	if (version)
		*version = 2;
	char ad[64];
	name_ad(school_id, 2, ad, sizeof ad);
	/* A padded value whose padding is broken fails here and then under the old data too. */
	if (keys_open_padded(key, ad, sealed, n, PUPIL_NAME_BUCKET, plain, pn) == 0)
		return 0;
	if (version)
		*version = 1;
	name_ad(school_id, 1, ad, sizeof ad);
	return keys_open(key, ad, sealed, n, plain, pn);
}

/* A UTC moment as stored: "YYYY-MM-DDTHH:MM:SSZ". */
static void iso_of(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void name_tag(const uint8_t key[KEYS_BYTES], const char *class_name, const char *name,
		     uint8_t tag[KEYS_TAG_BYTES])
{
	struct buf b = BUF_INIT, f = BUF_INIT;
	buf_puts(&b, class_name);
	buf_putc(&b, 0x1f);
	str_fold(name, strlen(name), &f);
	buf_puts(&b, buf_str(&f));
	keys_tag(key, b.p, b.len, tag);
	keys_wipe(b.p, b.len);
	keys_wipe(f.p, f.len);
	buf_free(&b);
	buf_free(&f);
}

int pupil_put(struct db *d, int64_t school_id, int year, const char *class_name, int grade,
	      const char *name, int64_t *id, bool *created, char *msg, size_t msglen)
{
	uint8_t key[KEYS_BYTES], tag[KEYS_TAG_BYTES];
	uint8_t *sealed = NULL;
	size_t sn = 0;
	struct db_stmt *s = NULL;
	*created = false;
	int rc = keys_school(d, school_id, true, key, msg, msglen);
	if (rc)
		return rc;
	name_tag(key, class_name, name, tag);
	if ((rc = db_cached(d, &s, "SELECT id FROM pupil WHERE school_id = ? AND year = ? AND class = ? "
				   "AND name_tag = ?")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, year);
	db_bind_text(s, 3, class_name, -1);
	db_bind_blob(s, 4, tag, sizeof tag);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		db_reset(s);
		rc = 0;
		goto out;
	}
	db_reset(s);
	if (rc < 0)
		goto out;
	if ((rc = name_seal(key, school_id, name, &sealed, &sn)))
		goto out;
	/* created_at from the server's clock (plan_now: tests set it), where retention counts. */
	char at[24];
	iso_of(plan_now(), at);
	if ((rc = db_cached(d, &s, "INSERT INTO pupil (school_id, year, class, grade, name_enc, name_tag, "
				   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, year);
	db_bind_text(s, 3, class_name, -1);
	db_bind_int(s, 4, grade);
	db_bind_blob(s, 5, sealed, sn);
	db_bind_blob(s, 6, tag, sizeof tag);
	db_bind_text(s, 7, at, -1);
	rc = db_step(s);
	db_reset(s);
	if (rc < 0) {
		snprintf(msg, msglen, "не удалось сохранить ученика: %s", db_errmsg(d));
		goto out;
	}
	rc = 0;
	*id = db_last_id(d);
	*created = true;
out:
	keys_wipe(key, sizeof key);
	free(sealed);
	return rc;
}

void pupil_list_free(struct pupil *v, size_t n)
{
	if (v)
		keys_wipe(v, n * sizeof *v);
	free(v);
}

static int by_class_name(const void *a, const void *b)
{
	const struct pupil *x = a, *y = b;
	if (x->grade != y->grade)
		return x->grade - y->grade;
	int c = strcmp(x->class_name, y->class_name);
	if (c)
		return c;
	c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->code, y->code);
}

int pupil_list(struct db *d, const struct user *reader, int64_t school_id, int year,
	       const char *class_name, struct pupil **out, size_t *n, char *msg, size_t msglen)
{
	uint8_t key[KEYS_BYTES];
	bool have_key = false;
	struct pupil *v = NULL;
	size_t cnt = 0, cap = 0;
	struct db_stmt *s = NULL;
	int rc = 0;
	*out = NULL;
	*n = 0;
	msg[0] = '\0';
	if (reader) {
		if (!pupil_may_read_names(reader, school_id)) {
			snprintf(msg, msglen, "ФИО учеников видит только школьный координатор этой школы");
			return ERR_PERM;
		}
		/* A school without a data key has no pupils yet; one with a key must open. */
		int64_t keyed = 0;
		if ((rc = db_prepare(d, &s, "SELECT count(*) FROM school_key WHERE school_id = ?")))
			return rc;
		db_bind_int(s, 1, school_id);
		if (db_step(s) == DB_ROW)
			keyed = db_col_int(s, 0);
		db_finalize(s);
		s = NULL;
		if (keyed) {
			if ((rc = keys_school(d, school_id, false, key, msg, msglen)))
				return rc;
			have_key = true;
		}
	}
	if ((rc = db_prepare(d, &s, "SELECT id, class, grade, coalesce(code, ''), name_enc, "
				    "CASE WHEN name_deleted_at IS NULL THEN 0 ELSE 1 END FROM pupil "
				    "WHERE school_id = ? AND year = ? AND (? = '' OR class = ?) "
				    "AND (code IS NOT NULL OR name_deleted_at IS NULL) "
				    "ORDER BY grade, class, code")))
		goto out;
	const char *cls = class_name ? class_name : "";
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, year);
	db_bind_text(s, 3, cls, -1);
	db_bind_text(s, 4, cls, -1);
	while ((rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		struct pupil *p = &v[cnt++];
		memset(p, 0, sizeof *p);
		p->id = db_col_int(s, 0);
		snprintf(p->class_name, sizeof p->class_name, "%s", db_col_text(s, 1));
		p->grade = (int)db_col_int(s, 2);
		snprintf(p->code, sizeof p->code, "%s", db_col_text(s, 3));
		p->name_deleted = db_col_int(s, 5) != 0;
		if (!have_key || p->name_deleted)
			continue;
		size_t bn = 0, pn = 0;
		const void *b = db_col_blob(s, 4, &bn);
		char *plain = NULL;
		if (name_open(key, school_id, b, bn, &plain, &pn, NULL)) {
			snprintf(msg, msglen, "ФИО ученика не расшифровывается: данные повреждены или "
					      "ключ не тот");
			rc = ERR_INVALID;
			goto out;
		}
		snprintf(p->name, sizeof p->name, "%s", plain);
		keys_wipe(plain, pn);
		free(plain);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (have_key && cnt) /* a year without pupils: v is NULL, which qsort may not be given */
		qsort(v, cnt, sizeof *v, by_class_name);
out:
	db_finalize(s);
	if (have_key)
		keys_wipe(key, sizeof key);
	if (rc) {
		pupil_list_free(v, cnt);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static void code_make(char *out, int grade, uint32_t num)
{
	snprintf(out, PUPIL_CODE_MAX, "%d%04u", grade, (unsigned)num);
}

/* The next of a seeded stream (splitmix64): the demo's codes, pupil_codes_issue_seeded. */
static uint32_t seeded_below(uint64_t *st, uint32_t n)
{
	uint64_t z = (*st += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return (uint32_t)((z ^ (z >> 31)) % n);
}

/* seed NULL: codes from libsodium's generator (unguessable); else from *seed's stream. */
static int codes_issue(struct db *d, int64_t school_id, int year, uint64_t *seed, long *issued)
{
	struct hmap used;
	struct db_stmt *s = NULL, *upd = NULL;
	int64_t *ids = NULL;
	int *grades = NULL;
	size_t n = 0, cap = 0, gcap = 0;
	bool in_tx = false;
	*issued = 0;
	hmap_init(&used);
	if (sodium_init() < 0)
		return ERR_INVALID;
	int rc = db_begin(d);
	if (rc)
		goto out;
	in_tx = true;
	if ((rc = db_prepare(d, &s, "SELECT code FROM pupil WHERE school_id = ? AND year = ? AND code IS NOT NULL "
				    "UNION SELECT r.code FROM result r JOIN procedure p ON p.id = r.procedure_id "
				    "WHERE r.school_id = ? AND p.year = ?")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, year);
	db_bind_int(s, 3, school_id);
	db_bind_int(s, 4, year);
	while ((rc = db_step(s)) == DB_ROW)
		hmap_put(&used, db_col_text(s, 0), strlen(db_col_text(s, 0)), 1);
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto out;
	if ((rc = db_prepare(d, &s, "SELECT id, grade FROM pupil WHERE school_id = ? AND year = ? AND code IS NULL "
				    "AND name_deleted_at IS NULL ORDER BY id")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, year);
	while ((rc = db_step(s)) == DB_ROW) {
		ids = xgrow(ids, &cap, n + 1, sizeof *ids);
		grades = xgrow(grades, &gcap, n + 1, sizeof *grades);
		ids[n] = db_col_int(s, 0);
		grades[n++] = (int)db_col_int(s, 1);
	}
	if (rc < 0)
		goto out;
	if ((rc = db_prepare(d, &upd, "UPDATE pupil SET code = ? WHERE id = ?")))
		goto out;
	for (size_t i = 0; i < n; i++) {
		char code[PUPIL_CODE_MAX];
		int tries = 0;
		do {
			if (++tries > 100000) {
				rc = ERR_LIMIT; /* a parallel of about 10 000 pupils: codes run out */
				goto out;
			}
			code_make(code, grades[i], seed ? seeded_below(seed, 10000) : randombytes_uniform(10000));
		} while (!hmap_put(&used, code, strlen(code), 1));
		db_reset(upd);
		db_bind_text(upd, 1, code, -1);
		db_bind_int(upd, 2, ids[i]);
		if ((rc = db_step(upd)) < 0)
			goto out;
		(*issued)++;
	}
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
out:
	db_finalize(s);
	db_finalize(upd);
	if (in_tx)
		db_rollback(d);
	if (rc)
		*issued = 0;
	hmap_free(&used);
	free(ids);
	free(grades);
	return rc < 0 ? rc : 0;
}

int pupil_codes_issue(struct db *d, int64_t school_id, int year, long *issued)
{
	return codes_issue(d, school_id, year, NULL, issued);
}

int pupil_codes_issue_seeded(struct db *d, int64_t school_id, int year, uint64_t seed, long *issued)
{
	return codes_issue(d, school_id, year, &seed, issued);
}

int pupil_count(struct db *d, int64_t school_id, int year, long *pupils, long *coded)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT count(*), count(code) FROM pupil WHERE school_id = ? AND year = ? "
				  "AND (code IS NOT NULL OR name_deleted_at IS NULL)");
	if (rc)
		return rc;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, year);
	rc = db_step(s);
	*pupils = rc == DB_ROW ? (long)db_col_int(s, 0) : 0;
	*coded = rc == DB_ROW ? (long)db_col_int(s, 1) : 0;
	db_reset(s);
	return rc < 0 ? rc : 0;
}

int pupil_latest_year(struct db *d, int64_t school_id, int *year)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT max(year) FROM pupil WHERE school_id = ?");
	if (rc)
		return rc;
	db_bind_int(s, 1, school_id);
	rc = db_step(s);
	*year = rc == DB_ROW && !db_col_null(s, 0) ? (int)db_col_int(s, 0) : 0;
	db_reset(s);
	return rc < 0 ? rc : 0;
}

/* Pupils' names as keys_reseal handles them. */
static int kind_open(const uint8_t key[KEYS_BYTES], int64_t school_id, const void *sealed, size_t n,
		     char **plain, size_t *pn, bool *stale)
{
	int version = 0;
	int rc = name_open(key, school_id, sealed, n, plain, pn, &version);
	*stale = version == 1;
	return rc;
}

static const struct keys_sealed_kind pupil_names = {
	.what = "ФИО ученика", .open = kind_open, .seal = name_seal, .tag = name_tag,
};

/* The rows keys_reseal takes: id, school, sealed name, class; every update leaves id. */
#define RESEAL_SELECT "SELECT id, school_id, name_enc, class FROM pupil WHERE name_deleted_at IS NULL "
#define RESEAL_UPDATE "UPDATE pupil SET name_enc = ?1, name_tag = ?2 WHERE id = ?3"

int pupil_repad(struct db *d, long *resealed, char *msg, size_t msglen)
{
	struct db_stmt *sel = NULL, *upd = NULL;
	bool in_tx = false;
	int rc;
	*resealed = 0;
	msg[0] = '\0';
	if ((rc = db_begin(d)))
		return rc;
	in_tx = true;
	if ((rc = db_prepare(d, &sel, RESEAL_SELECT "ORDER BY school_id, id")) ||
	    (rc = db_prepare(d, &upd, RESEAL_UPDATE)) ||
	    (rc = keys_reseal(d, sel, upd, &pupil_names, NULL, NULL, resealed, msg, msglen)))
		goto out;
	db_finalize(sel);
	db_finalize(upd);
	sel = upd = NULL;
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
out:
	db_finalize(sel);
	db_finalize(upd);
	if (in_tx)
		db_rollback(d);
	if (rc)
		*resealed = 0;
	return rc < 0 ? rc : 0;
}

/* ---- names over time ---- */

/* What stands in name_tag once the name is gone: the row's id, big-endian, after eight zero
 * bytes — unique in (school, year, class) as the constraint wants, and made of nothing the
 * name gave. */
static void deleted_tag(int64_t id, uint8_t tag[KEYS_TAG_BYTES])
{
	memset(tag, 0, KEYS_TAG_BYTES);
	for (int i = 0; i < 8; i++)
		tag[KEYS_TAG_BYTES - 1 - i] = (uint8_t)((uint64_t)id >> (8 * i));
}

/* Deletes the name of row id, stamped with the moment at; *changed false when it was gone.
 * A row without a code goes whole (*removed): nothing refers to it. */
static int forget_row(struct db *d, int64_t id, const char *at, bool *changed, bool *removed)
{
	struct db_stmt *s = NULL;
	uint8_t tag[KEYS_TAG_BYTES];
	static const uint8_t none[1] = { 0 };
	deleted_tag(id, tag);
	*changed = *removed = false;
	int rc = db_cached(d, &s, "DELETE FROM pupil WHERE id = ? AND code IS NULL");
	if (rc)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	if (db_changes(d) == 1) {
		*changed = *removed = true;
		return 0;
	}
	rc = db_cached(d, &s, "UPDATE pupil SET name_enc = ?, name_tag = ?, name_deleted_at = ? "
			      "WHERE id = ? AND name_deleted_at IS NULL");
	if (rc)
		return rc;
	db_bind_blob(s, 1, none, 0); /* zero bytes, not NULL: the column stays NOT NULL */
	db_bind_blob(s, 2, tag, sizeof tag);
	db_bind_text(s, 3, at, -1);
	db_bind_int(s, 4, id);
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	*changed = db_changes(d) == 1;
	return 0;
}

int pupil_forget(struct db *d, int64_t school_id, int64_t pupil_id, const char *code, int year,
		 struct pupil_ref *out, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	bool in_tx = false;
	int found = 0;
	memset(out, 0, sizeof *out);
	msg[0] = '\0';
	if (pupil_id <= 0 && (!code || !*code))
		return ERR_INVALID;
	int rc = db_begin(d);
	if (rc)
		return rc;
	in_tx = true;
	if ((rc = db_prepare(d, &s, "SELECT id, year, class, coalesce(code, ''), "
				    "CASE WHEN name_deleted_at IS NULL THEN 0 ELSE 1 END FROM pupil "
				    "WHERE school_id = ?1 AND (?2 = 0 OR id = ?2) AND (?3 = '' OR code = ?3) "
				    "AND (?4 = 0 OR year = ?4) ORDER BY year DESC, id")))
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, pupil_id > 0 ? pupil_id : 0);
	db_bind_text(s, 3, code ? code : "", -1);
	db_bind_int(s, 4, year);
	while ((rc = db_step(s)) == DB_ROW) {
		if (found++)
			continue;
		out->id = db_col_int(s, 0);
		out->year = (int)db_col_int(s, 1);
		snprintf(out->class_name, sizeof out->class_name, "%s", db_col_text(s, 2));
		snprintf(out->code, sizeof out->code, "%s", db_col_text(s, 3));
		out->already = db_col_int(s, 4) != 0;
	}
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto out;
	if (!found) {
		snprintf(msg, msglen, "в школе нет такого ученика");
		rc = ERR_NOTFOUND;
		goto out;
	}
	if (found > 1) {
		snprintf(msg, msglen, "код %s есть у учеников школы в нескольких учебных годах: укажите год",
			 code ? code : "");
		rc = ERR_INVALID;
		goto out;
	}
	if (!out->already) {
		char at[24];
		bool changed = false;
		iso_of(plan_now(), at);
		if ((rc = forget_row(d, out->id, at, &changed, &out->removed)))
			goto out;
		out->already = !changed;
	}
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
out:
	db_finalize(s);
	if (in_tx)
		db_rollback(d);
	return rc < 0 ? rc : 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void pupil_retention_bounds(int64_t now, int months, int *max_year, char cutoff[24])
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	/* now − months, the day clamped to the month's length */
	int m = tm.tm_year * 12 + tm.tm_mon - months;
	tm.tm_year = m / 12;
	tm.tm_mon = m % 12;
	int y = tm.tm_year + 1900;
	int last = mdays[tm.tm_mon] + (tm.tm_mon == 1 && leap(y));
	if (tm.tm_mday > last)
		tm.tm_mday = last;
	strftime(cutoff, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* The school year Y ends as 1 September of Y begins: due when that moment ≤ cutoff. */
	*max_year = tm.tm_mon >= 8 ? y : y - 1;
}

int pupil_purge(struct db *d, int months, int64_t now, bool dry_run, struct pupil_purge_school **out,
		size_t *n, long *total)
{
	struct db_stmt *s = NULL;
	struct pupil_purge_school *v = NULL;
	int64_t *ids = NULL;
	size_t cnt = 0, cap = 0, nid = 0, idcap = 0;
	bool in_tx = false;
	int max_year;
	char cutoff[24], at[24];
	*out = NULL;
	*n = 0;
	*total = 0;
	pupil_retention_bounds(now, months, &max_year, cutoff);
	iso_of(now, at);
	int rc = db_begin(d);
	if (rc)
		return rc;
	in_tx = true;
	if ((rc = db_prepare(d, &s, "SELECT p.id, p.school_id, s.login FROM pupil p JOIN school s ON s.id = p.school_id "
				    "WHERE p.name_deleted_at IS NULL AND p.year <= ? AND p.created_at <= ? "
				    "ORDER BY s.login, p.id")))
		goto out;
	db_bind_int(s, 1, max_year);
	db_bind_text(s, 2, cutoff, -1);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t sid = db_col_int(s, 1);
		if (!cnt || v[cnt - 1].school_id != sid) {
			v = xgrow(v, &cap, cnt + 1, sizeof *v);
			memset(&v[cnt], 0, sizeof *v);
			v[cnt].school_id = sid;
			snprintf(v[cnt].login, sizeof v[cnt].login, "%s", db_col_text(s, 2));
			cnt++;
		}
		v[cnt - 1].names++;
		(*total)++;
		ids = xgrow(ids, &idcap, nid + 1, sizeof *ids);
		ids[nid++] = db_col_int(s, 0);
	}
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < nid && !dry_run; i++) {
		bool changed, removed;
		if ((rc = forget_row(d, ids[i], at, &changed, &removed)))
			goto out;
	}
	/* Rows left with neither name nor code by an oko before forget_row removed them. */
	if (!dry_run && (rc = db_exec(d, "DELETE FROM pupil WHERE code IS NULL AND name_deleted_at IS NOT NULL")))
		goto out;
	if ((rc = dry_run ? db_rollback(d) : db_commit(d)))
		goto out;
	in_tx = false;
out:
	db_finalize(s);
	if (in_tx)
		db_rollback(d);
	free(ids);
	if (rc) {
		free(v);
		*total = 0;
		return rc < 0 ? rc : ERR_DB;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int pupil_rekey_school(struct db *d, int64_t school_id, long *pupils, long *teachers, char *msg,
		       size_t msglen)
{
	struct db_stmt *sel = NULL, *upd = NULL;
	uint8_t old[KEYS_BYTES], fresh[KEYS_BYTES];
	bool in_tx = false, have_old = false, exists = false;
	*pupils = *teachers = 0;
	msg[0] = '\0';
	if (sodium_init() < 0)
		return ERR_INVALID;
	int rc = db_begin(d);
	if (rc)
		return rc;
	in_tx = true;
	/* The key's row locked first: a class list being stored under the old key is waited for,
	 * and one that comes later waits for the new key (keys_school_lock). */
	if ((rc = keys_school_lock(d, school_id, &exists)))
		goto out;
	rc = exists ? keys_school(d, school_id, false, old, msg, msglen) : ERR_NOTFOUND;
	if (rc == ERR_NOTFOUND && !*msg)
		snprintf(msg, msglen, "у школы нет ключа: её ФИО ещё ни разу не сохранялись");
	if (rc)
		goto out;
	have_old = true;
	randombytes_buf(fresh, sizeof fresh);
	if ((rc = db_prepare(d, &sel, RESEAL_SELECT "AND school_id = ? ORDER BY id")) ||
	    (rc = db_prepare(d, &upd, RESEAL_UPDATE)))
		goto out;
	db_bind_int(sel, 1, school_id);
	if ((rc = keys_reseal(d, sel, upd, &pupil_names, old, fresh, pupils, msg, msglen)))
		goto out;
	db_finalize(sel);
	db_finalize(upd);
	sel = upd = NULL;
	if ((rc = teacher_rekey(d, school_id, old, fresh, teachers, msg, msglen)) ||
	    (rc = keys_school_replace(d, school_id, fresh, msg, msglen)))
		goto out;
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
out:
	db_finalize(sel);
	db_finalize(upd);
	if (in_tx)
		db_rollback(d);
	if (have_old)
		keys_wipe(old, sizeof old);
	keys_wipe(fresh, sizeof fresh);
	if (rc)
		*pupils = *teachers = 0;
	return rc < 0 ? rc : 0;
}

int pupil_names_check(struct db *d, long *schools, long *failed, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL, *one = NULL;
	uint8_t key[KEYS_BYTES];
	char why[512];
	int rc;
	*schools = *failed = 0;
	msg[0] = '\0';
	if ((rc = db_prepare(d, &s, "SELECT school_id FROM school_key ORDER BY school_id")) ||
	    (rc = db_prepare(d, &one, "SELECT name_enc FROM pupil WHERE school_id = ? AND "
				      "length(name_enc) > 0 ORDER BY id LIMIT 1")))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t school = db_col_int(s, 0);
		(*schools)++;
		if (keys_school(d, school, false, key, why, sizeof why)) {
			if (!(*failed)++)
				snprintf(msg, msglen, "школа %lld: %s", (long long)school, why);
			continue;
		}
		db_reset(one);
		db_bind_int(one, 1, school);
		int r = db_step(one);
		if (r == DB_ROW) {
			size_t bn = 0, pn = 0;
			const void *b = db_col_blob(one, 0, &bn);
			char *plain = NULL;
			if (name_open(key, school, b, bn, &plain, &pn, NULL)) {
				if (!(*failed)++)
					snprintf(msg, msglen, "школа %lld: ФИО ученика не расшифровывается — "
							      "данные повреждены или ключ не тот", (long long)school);
			} else {
				keys_wipe(plain, pn);
				free(plain);
			}
		}
		db_reset(one);
		keys_wipe(key, sizeof key);
		if (r < 0) {
			rc = r;
			break;
		}
	}
out:
	db_finalize(s);
	db_finalize(one);
	return rc < 0 ? rc : 0;
}
