/* user: users, roles and territories, sessions, API tokens, audit log. */
#include "model/user.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "embedded.h"
#include "model/registry.h"
#include "model/scope.h"

static const char *const role_names[ROLE_COUNT] = {
	"admin", "region", "municipality", "school", "expert", "observer",
};
static const char *const role_titles[ROLE_COUNT] = {
	"администратор", "региональный координатор", "муниципальный координатор",
	"школьный координатор", "эксперт", "общественный наблюдатель",
};

const char *user_role_name(enum role r)
{
	return r < ROLE_COUNT ? role_names[r] : "?";
}

const char *user_role_title(enum role r)
{
	return r < ROLE_COUNT ? role_titles[r] : "?";
}

int user_role_parse(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (!strcmp(name, role_names[i]))
			return i;
	return -1;
}

/* Hex BLAKE2b of a token: what the database keeps. */
static void token_hash(const char *token, char out[USER_TOKEN_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, USER_TOKEN_HEX, h, sizeof h);
}

static void new_token(char out[USER_TOKEN_HEX])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, USER_TOKEN_HEX, b, sizeof b);
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES])
{
	/* Interactive limits: about 0.1 s and 64 MiB per check on this kind of machine. */
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return ERR_NOMEM;
	return 0;
}

/* ---- password rules ---- */

#define PASSWORD_LIST "src/model/common-passwords.txt"

/* True for what people pad a word with: ASCII digits, punctuation and spaces. */
static bool pad_byte(unsigned char c)
{
	return c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/* True when the folded text s is a line of the list of common passwords. */
static bool common_password(const char *s)
{
	const struct embedded_file *list = NULL;
	for (size_t i = 0; i < embedded_count && !list; i++)
		if (!strcmp(embedded_files[i].path, PASSWORD_LIST))
			list = &embedded_files[i];
	assert(list); /* built into the binary by the Makefile */
	if (!*s)
		return false;
	const char *p = (const char *)list->data, *end = p + list->len;
	char line[128];
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && *p != '#' && n < sizeof line) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (str_fold_eq(line, s))
				return true;
		}
		p += n + 1;
	}
	return false;
}

/* True when s is a date alone: three groups of digits split by one separator (". - /" or a
 * space), a year 1900–2099 first or last and the other two a day and a month. */
static bool date_only(const char *s)
{
	int g[3], len[3], ng = 0;
	char sep = 0;
	for (;;) {
		int v = 0, k = 0;
		while (*s >= '0' && *s <= '9' && k < 5) {
			v = v * 10 + (*s++ - '0');
			k++;
		}
		if (!k || k > 4 || ng == 3)
			return false;
		g[ng] = v;
		len[ng++] = k;
		if (!*s)
			break;
		if (!strchr(".-/ ", *s) || (sep && *s != sep))
			return false;
		sep = *s++;
	}
	if (ng != 3)
		return false;
	int y = len[2] == 4 ? g[2] : len[0] == 4 ? g[0] : 0;
	int a = len[2] == 4 ? g[0] : g[1], b = len[2] == 4 ? g[1] : g[2];
	int la = len[2] == 4 ? len[0] : len[1], lb = len[2] == 4 ? len[1] : len[2];
	if (y < 1900 || y > 2099 || la > 2 || lb > 2 || a < 1 || b < 1)
		return false;
	return (a <= 31 && b <= 12) || (a <= 12 && b <= 31);
}

/* Fewer than three distinct characters ("aaaaaaaaaa", "ababababab"). */
static bool too_few_kinds(const char *s, size_t n)
{
	uint32_t seen[2] = { 0, 0 };
	int kinds = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			cp = 0x80000000u | (unsigned char)s[i];
			k = 1;
		}
		i += k;
		if ((kinds > 0 && cp == seen[0]) || (kinds > 1 && cp == seen[1]))
			continue;
		if (kinds == 2)
			return false;
		seen[kinds++] = cp;
	}
	return true;
}

int user_password_check(const char *login, const char *password, char *msg, size_t msglen)
{
	size_t n = strlen(password);
	size_t chars = utf8_valid(password, n) ? utf8_len(password, n) : n;
	struct buf f = BUF_INIT, part = BUF_INIT;
	int rc = ERR_INVALID;
	if (chars < USER_PASSWORD_MIN) {
		snprintf(msg, msglen, "пароль должен быть не короче %d символов", USER_PASSWORD_MIN);
		goto out;
	}
	if (too_few_kinds(password, n)) {
		snprintf(msg, msglen, "в пароле слишком мало разных символов");
		goto out;
	}
	str_fold(password, n, &f);
	if (date_only(buf_str(&f))) {
		snprintf(msg, msglen, "дата не годится в пароли: её легко угадать");
		goto out;
	}
	/* The folded password, and the same without the digits and punctuation padded around
	 * it: "Qwerty2024!" is "qwerty" to a guesser. */
	const char *s = buf_str(&f);
	size_t b = 0, e = f.len;
	while (b < e && pad_byte((unsigned char)s[b]))
		b++;
	while (e > b && pad_byte((unsigned char)s[e - 1]))
		e--;
	const size_t from[4] = { 0, 0, b, b }, to[4] = { f.len, e, f.len, e };
	for (int i = 0; i < 4; i++) {
		buf_reset(&part);
		buf_append(&part, s + from[i], to[i] - from[i]);
		const char *c = buf_str(&part);
		if (login && *login && str_fold_eq(c, login)) {
			snprintf(msg, msglen, "пароль не должен повторять логин");
			goto out;
		}
		if (common_password(c)) {
			snprintf(msg, msglen, "пароль — один из самых частых паролей (или частый пароль "
					      "с цифрами и знаками вокруг): его подбирают первым, "
					      "придумайте другой");
			goto out;
		}
	}
	rc = 0;
out:
	if (f.p)
		sodium_memzero(f.p, f.len);
	if (part.p)
		sodium_memzero(part.p, part.len);
	buf_free(&f);
	buf_free(&part);
	return rc;
}

/* The territory ids of a role's scope text: a region name for ROLE_REGION (optional), a
 * municipality name for ROLE_MUNICIPALITY, a school login for ROLE_SCHOOL; nothing for the
 * other roles. ERR_INVALID when a required one is missing, ERR_NOTFOUND when unknown. */
static int resolve_scope(struct db *d, enum role role, const char *scope, int64_t *region,
			 int64_t *mun, int64_t *school, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	int rc = 0;
	*region = *mun = *school = 0;
	const char *sql = NULL;
	switch (role) {
	case ROLE_REGION:
		sql = scope && *scope ? "SELECT id FROM region WHERE name = ?" : NULL;
		break;
	case ROLE_MUNICIPALITY:
		sql = "SELECT id FROM municipality WHERE name = ?";
		break;
	case ROLE_SCHOOL:
		sql = "SELECT id FROM school WHERE login = ?";
		break;
	default:
		break;
	}
	if ((role == ROLE_MUNICIPALITY || role == ROLE_SCHOOL) && !(scope && *scope)) {
		snprintf(msg, msglen, "для роли «%s» укажите %s", user_role_title(role),
			 role == ROLE_SCHOOL ? "логин школы" : "муниципалитет");
		return ERR_INVALID;
	}
	if (sql) {
		int64_t id = 0;
		if ((rc = db_prepare(d, &s, sql)) || (rc = db_bind_text(s, 1, scope, -1)))
			goto out;
		rc = db_step(s);
		if (rc == DB_ROW)
			id = db_col_int(s, 0);
		db_finalize(s);
		s = NULL;
		if (rc < 0)
			goto out;
		if (!id) {
			snprintf(msg, msglen, "%s «%s» %s в реестре",
				 role == ROLE_SCHOOL ? "школа с логином" : role == ROLE_REGION ? "регион" : "муниципалитет",
				 scope, role == ROLE_SCHOOL ? "не найдена" : "не найден");
			rc = ERR_NOTFOUND;
			goto out;
		}
		if (role == ROLE_REGION)
			*region = id;
		else if (role == ROLE_MUNICIPALITY)
			*mun = id;
		else
			*school = id;
		rc = 0;
	}
out:
	db_finalize(s);
	return rc;
}

int user_add(struct db *d, const char *login, const char *name, enum role role,
	     const char *scope, const char *password, char *msg, size_t msglen)
{
	int64_t region = 0, mun = 0, school = 0;
	int rc;
	struct db_stmt *s = NULL;
	if (sodium_init() < 0)
		return ERR_INVALID;
	if (!registry_login_valid(login)) {
		snprintf(msg, msglen, "логин может содержать только латинские буквы, цифры, «_» и «-»");
		return ERR_INVALID;
	}
	if ((rc = user_password_check(login, password, msg, msglen)))
		return rc;
	if ((rc = resolve_scope(d, role, scope, &region, &mun, &school, msg, msglen)))
		return rc;
	char hash[crypto_pwhash_STRBYTES];
	if ((rc = hash_password(password, hash)))
		goto out;
	if ((rc = db_prepare(d, &s, "INSERT INTO \"user\"(login, name, role, region_id, municipality_id,"
				    " school_id, password) VALUES (?, ?, ?, ?, ?, ?, ?)")) ||
	    (rc = db_bind_text(s, 1, login, -1)) || (rc = db_bind_text(s, 2, name, -1)) ||
	    (rc = db_bind_text(s, 3, role_names[role], -1)) ||
	    (rc = region ? db_bind_int(s, 4, region) : db_bind_null(s, 4)) ||
	    (rc = mun ? db_bind_int(s, 5, mun) : db_bind_null(s, 5)) ||
	    (rc = school ? db_bind_int(s, 6, school) : db_bind_null(s, 6)) ||
	    (rc = db_bind_text(s, 7, hash, -1)))
		goto out;
	rc = db_step(s);
	if (rc == ERR_INVALID) {
		snprintf(msg, msglen, "пользователь «%s» уже есть", login);
		rc = ERR_EXISTS;
	} else if (rc > 0) {
		rc = 0;
	}
out:
	db_finalize(s);
	return rc;
}

int user_set_password(struct db *d, const char *login, const char *password, int64_t now,
		      long *keys, char *msg, size_t msglen)
{
	char hash[crypto_pwhash_STRBYTES];
	struct db_stmt *s = NULL;
	struct user u;
	bool in_tx = false;
	int rc;
	if (keys)
		*keys = 0;
	if (sodium_init() < 0)
		return ERR_INVALID;
	if ((rc = user_password_check(login, password, msg, msglen)) ||
	    (rc = hash_password(password, hash)))
		return rc;
	if ((rc = db_begin(d)))
		return rc;
	in_tx = true;
	if ((rc = db_prepare(d, &s, "UPDATE \"user\" SET password = ? WHERE login = ?")) ||
	    (rc = db_bind_text(s, 1, hash, -1)) || (rc = db_bind_text(s, 2, login, -1)) ||
	    (rc = db_step(s)) < 0)
		goto out;
	if (db_changes(d) == 0) {
		snprintf(msg, msglen, "пользователя «%s» нет", login);
		rc = ERR_NOTFOUND;
		goto out;
	}
	db_finalize(s);
	s = NULL;
	/* A new password ends what the old one opened: sessions and API keys. */
	if ((rc = db_prepare(d, &s, "DELETE FROM session WHERE user_id = (SELECT id FROM \"user\" WHERE login = ?)")) ||
	    (rc = db_bind_text(s, 1, login, -1)) || (rc = db_step(s)) < 0)
		goto out;
	/* A disabled user keeps no valid key to revoke: user_find fails, nothing to do. */
	if (user_find(d, login, &u) == 0 &&
	    (rc = api_token_revoke_all(d, u.id, now, "смена пароля", keys)))
		goto out;
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
	rc = 0;
out:
	db_finalize(s);
	if (in_tx)
		db_rollback(d);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

#define USER_COLS "u.id, u.login, u.name, u.role, coalesce(u.region_id, 0)," \
	" coalesce(u.municipality_id, 0), coalesce(u.school_id, 0)," \
	" coalesce(sc.name, m.name, r.name, '')"
#define USER_FROM " FROM \"user\" u LEFT JOIN school sc ON sc.id = u.school_id" \
	" LEFT JOIN municipality m ON m.id = u.municipality_id" \
	" LEFT JOIN region r ON r.id = u.region_id"

static void read_user(struct db_stmt *s, struct user *u, int first)
{
	memset(u, 0, sizeof *u);
	u->id = db_col_int(s, first);
	snprintf(u->login, sizeof u->login, "%s", db_col_text(s, first + 1));
	snprintf(u->name, sizeof u->name, "%s", db_col_text(s, first + 2));
	int r = user_role_parse(db_col_text(s, first + 3));
	u->role = r < 0 ? ROLE_OBSERVER : (enum role)r;
	u->region_id = db_col_int(s, first + 4);
	u->municipality_id = db_col_int(s, first + 5);
	u->school_id = db_col_int(s, first + 6);
	snprintf(u->scope_name, sizeof u->scope_name, "%s", db_col_text(s, first + 7));
}

static int get_by(struct db *d, const char *sql, int64_t id, const char *text, struct user *u)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, sql);
	if (rc || (rc = text ? db_bind_text(s, 1, text, -1) : db_bind_int(s, 1, id)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		read_user(s, u, 0);
		db_reset(s);
		return 0;
	}
	return rc == DB_DONE ? ERR_NOTFOUND : rc;
}

int user_get(struct db *d, int64_t id, struct user *u)
{
	return get_by(d, "SELECT " USER_COLS USER_FROM " WHERE u.id = ? AND u.disabled = 0", id,
		      NULL, u);
}

int user_find(struct db *d, const char *login, struct user *u)
{
	return get_by(d, "SELECT " USER_COLS USER_FROM " WHERE u.login = ? AND u.disabled = 0", 0,
		      login, u);
}

int user_verify(struct db *d, const char *login, const char *password, struct user *u)
{
	struct db_stmt *s = NULL;
	char hash[crypto_pwhash_STRBYTES] = "";
	int rc;
	if (sodium_init() < 0)
		return ERR_PERM;
	if ((rc = db_cached(d, &s, "SELECT password FROM \"user\" WHERE login = ? AND disabled = 0")) ||
	    (rc = db_bind_text(s, 1, login, -1)))
		return rc;
	if (db_step(s) == DB_ROW)
		snprintf(hash, sizeof hash, "%s", db_col_text(s, 0));
	db_reset(s);
	if (!*hash) {
		/* Spend the same time as a real check so timing does not tell logins apart. */
		char dummy[crypto_pwhash_STRBYTES];
		hash_password("not-a-password", dummy);
		return ERR_PERM;
	}
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return ERR_PERM;
	return user_find(d, login, u) ? ERR_PERM : 0;
}

int session_create(struct db *d, int64_t user_id, int64_t now, int ttl, char token[USER_TOKEN_HEX],
		   char csrf[USER_TOKEN_HEX])
{
	char h[USER_TOKEN_HEX];
	struct db_stmt *s = NULL;
	int rc;
	if (sodium_init() < 0)
		return ERR_INVALID;
	new_token(token);
	new_token(csrf);
	token_hash(token, h);
	if ((rc = db_cached(d, &s, "INSERT INTO session(token_hash, user_id, csrf, created_at,"
				   " expires_at) VALUES (?, ?, ?, ?, ?)")) ||
	    (rc = db_bind_text(s, 1, h, -1)) || (rc = db_bind_int(s, 2, user_id)) ||
	    (rc = db_bind_text(s, 3, csrf, -1)) || (rc = db_bind_int(s, 4, now)) ||
	    (rc = db_bind_int(s, 5, now + ttl)) || (rc = db_step(s)) < 0)
		return rc;
	/* Expired sessions are swept now and then, on logins. */
	if (!(rc = db_cached(d, &s, "DELETE FROM session WHERE expires_at < ?")) &&
	    !(rc = db_bind_int(s, 1, now)))
		rc = db_step(s);
	return rc < 0 ? rc : 0;
}

int session_lookup(struct db *d, const char *token, int64_t now, struct user *u,
		   char csrf[USER_TOKEN_HEX])
{
	char h[USER_TOKEN_HEX];
	struct db_stmt *s = NULL;
	int rc;
	if (strlen(token) != USER_TOKEN_HEX - 1)
		return ERR_NOTFOUND;
	token_hash(token, h);
	if ((rc = db_cached(d, &s, "SELECT se.csrf, " USER_COLS " FROM session se JOIN \"user\" u"
				   " ON u.id = se.user_id LEFT JOIN school sc ON sc.id = u.school_id"
				   " LEFT JOIN municipality m ON m.id = u.municipality_id"
				   " LEFT JOIN region r ON r.id = u.region_id"
				   " WHERE se.token_hash = ? AND se.expires_at > ? AND u.disabled = 0")) ||
	    (rc = db_bind_text(s, 1, h, -1)) || (rc = db_bind_int(s, 2, now)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(csrf, USER_TOKEN_HEX, "%s", db_col_text(s, 0));
		read_user(s, u, 1);
		db_reset(s);
		return 0;
	}
	return rc == DB_DONE ? ERR_NOTFOUND : rc;
}

int session_delete(struct db *d, const char *token)
{
	char h[USER_TOKEN_HEX];
	struct db_stmt *s = NULL;
	token_hash(token, h);
	int rc = db_cached(d, &s, "DELETE FROM session WHERE token_hash = ?");
	if (!rc && !(rc = db_bind_text(s, 1, h, -1)))
		rc = db_step(s);
	return rc < 0 ? rc : 0;
}

int session_count(struct db *d, int64_t now, int64_t *n)
{
	struct db_stmt *s = NULL;
	*n = 0;
	int rc = db_prepare(d, &s, "SELECT count(*) FROM session WHERE expires_at > ?");
	if (!rc && !(rc = db_bind_int(s, 1, now)) && (rc = db_step_one(s)) == 0)
		*n = db_col_int(s, 0);
	db_finalize(s);
	return rc;
}

/* api_token.kind as stored (migration 022). */
static const char *kind_text(enum api_token_kind k)
{
	return k == API_TOKEN_METRICS ? "metrics" : "full";
}

/* A stored kind read back; anything but 'full' opens no more than /metrics. */
static enum api_token_kind kind_parse(const char *t)
{
	return t && !strcmp(t, "full") ? API_TOKEN_FULL : API_TOKEN_METRICS;
}

const char *api_token_kind_title(enum api_token_kind k)
{
	return k == API_TOKEN_METRICS ? "только /metrics" : "JSON API";
}

int api_token_create(struct db *d, int64_t user_id, const char *label, enum api_token_kind kind,
		     int64_t now, int days, char token[USER_TOKEN_HEX], int64_t *id)
{
	char h[USER_TOKEN_HEX];
	struct db_stmt *s = NULL;
	if (days < 1 || days > USER_TOKEN_MAX_DAYS)
		return ERR_INVALID;
	if (kind != API_TOKEN_FULL && kind != API_TOKEN_METRICS)
		return ERR_INVALID;
	if (sodium_init() < 0)
		return ERR_INVALID;
	new_token(token);
	token_hash(token, h);
	int rc = db_prepare(d, &s, "INSERT INTO api_token(token_hash, user_id, label, kind, created_at,"
				   " expires_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (!rc && !(rc = db_bind_text(s, 1, h, -1)) && !(rc = db_bind_int(s, 2, user_id)) &&
	    !(rc = db_bind_text(s, 3, label, -1)) && !(rc = db_bind_text(s, 4, kind_text(kind), -1)) &&
	    !(rc = db_bind_int(s, 5, now)) && !(rc = db_bind_int(s, 6, now + (int64_t)days * 86400)))
		rc = db_step(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (id)
		*id = db_last_id(d);
	return 0;
}

int api_token_lookup(struct db *d, const char *token, int64_t now, struct user *u,
		     enum api_token_kind *kind)
{
	char h[USER_TOKEN_HEX];
	struct db_stmt *s = NULL;
	int rc;
	*kind = API_TOKEN_METRICS;
	if (strlen(token) != USER_TOKEN_HEX - 1)
		return ERR_NOTFOUND;
	token_hash(token, h);
	if ((rc = db_cached(d, &s, "SELECT " USER_COLS ", t.kind FROM api_token t"
				   " JOIN \"user\" u ON u.id = t.user_id"
				   " LEFT JOIN school sc ON sc.id = u.school_id"
				   " LEFT JOIN municipality m ON m.id = u.municipality_id"
				   " LEFT JOIN region r ON r.id = u.region_id"
				   " WHERE t.token_hash = ? AND t.expires_at > ? AND t.revoked_at IS NULL"
				   " AND u.disabled = 0")) ||
	    (rc = db_bind_text(s, 1, h, -1)) || (rc = db_bind_int(s, 2, now)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		read_user(s, u, 0);
		*kind = kind_parse(db_col_text(s, 8));
		db_reset(s);
		return 0;
	}
	db_reset(s);
	return rc == DB_DONE ? ERR_NOTFOUND : rc;
}

#define TOKEN_COLS "t.id, u.login, t.label, t.created_at, t.expires_at, coalesce(t.revoked_at, 0)," \
	" coalesce(t.revoked_by, ''), t.kind FROM api_token t JOIN \"user\" u ON u.id = t.user_id"

static void read_token(struct db_stmt *s, struct api_token_info *t)
{
	memset(t, 0, sizeof *t);
	t->id = db_col_int(s, 0);
	snprintf(t->login, sizeof t->login, "%s", db_col_text(s, 1));
	snprintf(t->label, sizeof t->label, "%s", db_col_text(s, 2));
	t->created_at = db_col_int(s, 3);
	t->expires_at = db_col_int(s, 4);
	t->revoked_at = db_col_int(s, 5);
	snprintf(t->revoked_by, sizeof t->revoked_by, "%s", db_col_text(s, 6));
	t->kind = kind_parse(db_col_text(s, 7));
}

int api_token_revoke(struct db *d, int64_t id, int64_t now, const char *by,
		     struct api_token_info *info)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_prepare(d, &s, "SELECT " TOKEN_COLS " WHERE t.id = ? AND t.revoked_at IS NULL"
				    " AND t.expires_at > ?")) ||
	    (rc = db_bind_int(s, 1, id)) || (rc = db_bind_int(s, 2, now)))
		goto out;
	rc = db_step(s);
	if (rc != DB_ROW) {
		rc = rc == DB_DONE ? ERR_NOTFOUND : rc;
		goto out;
	}
	if (info)
		read_token(s, info);
	db_finalize(s);
	s = NULL;
	if ((rc = db_prepare(d, &s, "UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE id = ?"
				    " AND revoked_at IS NULL")) ||
	    (rc = db_bind_int(s, 1, now)) || (rc = db_bind_text(s, 2, by, -1)) ||
	    (rc = db_bind_int(s, 3, id)) || (rc = db_step(s)) < 0)
		goto out;
	rc = db_changes(d) ? 0 : ERR_NOTFOUND;
out:
	db_finalize(s);
	return rc;
}

int api_token_revoke_all(struct db *d, int64_t user_id, int64_t now, const char *by, long *n)
{
	struct db_stmt *s = NULL;
	int rc;
	if (n)
		*n = 0;
	if ((rc = db_prepare(d, &s, "UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE user_id = ?"
				    " AND revoked_at IS NULL AND expires_at > ?")) ||
	    (rc = db_bind_int(s, 1, now)) || (rc = db_bind_text(s, 2, by, -1)) ||
	    (rc = db_bind_int(s, 3, user_id)) || (rc = db_bind_int(s, 4, now)) || (rc = db_step(s)) < 0)
		goto out;
	if (n)
		*n = (long)db_changes(d);
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

int api_token_list(struct db *d, int64_t user_id, bool all, int64_t now,
		   struct api_token_info **out, size_t *n)
{
	struct db_stmt *s = NULL;
	struct api_token_info *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(d, &s, "SELECT " TOKEN_COLS " WHERE (?1 = 0 OR t.user_id = ?1)"
				    " AND (?2 OR (t.revoked_at IS NULL AND t.expires_at > ?3))"
				    " ORDER BY t.id DESC")) ||
	    (rc = db_bind_int(s, 1, user_id)) || (rc = db_bind_int(s, 2, all)) ||
	    (rc = db_bind_int(s, 3, now)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		read_token(s, &v[cnt++]);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	*out = v;
	*n = cnt;
	v = NULL;
out:
	db_finalize(s);
	free(v);
	return rc;
}

static _Thread_local struct audit_capture *capture; /* audit_capture() */

int audit_add(struct db *d, const struct user *u, const char *login, const char *action,
	      const char *object, const char *detail, const char *ip)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "INSERT INTO audit(user_id, user_login, action, object, detail, ip)"
				  " VALUES (?, ?, ?, ?, ?, ?)");
	if (rc || (rc = u ? db_bind_int(s, 1, u->id) : db_bind_null(s, 1)) ||
	    (rc = db_bind_text(s, 2, u ? u->login : login ? login : "", -1)) ||
	    (rc = db_bind_text(s, 3, action, -1)) || (rc = db_bind_text(s, 4, object, -1)) ||
	    (rc = db_bind_text(s, 5, detail, -1)) || (rc = db_bind_text(s, 6, ip, -1)))
		return rc;
	rc = db_step(s);
	if (rc >= 0 && capture) {
		if (capture->n < AUDIT_CAPTURE_MAX) {
			capture->e[capture->n].action = xstrdup(action);
			capture->e[capture->n].object = object ? xstrdup(object) : NULL;
			capture->e[capture->n].detail = detail ? xstrdup(detail) : NULL;
			capture->n++;
		} else {
			capture->overflow = true;
		}
	}
	return rc < 0 ? rc : 0;
}

void audit_capture(struct audit_capture *c)
{
	capture = c;
}

void audit_capture_free(struct audit_capture *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->e[i].action);
		free(c->e[i].object);
		free(c->e[i].detail);
	}
	memset(c, 0, sizeof *c);
}

/* The named random secret of the database (table secret), created on first use. */
static int db_secret(struct db *d, const char *name, uint8_t key[32])
{
	struct db_stmt *s = NULL;
	int rc;
	for (int round = 0; round < 2; round++) {
		if ((rc = db_cached(d, &s, "SELECT value FROM secret WHERE name = ?")) ||
		    (rc = db_bind_text(s, 1, name, -1)))
			return rc;
		rc = db_step(s);
		if (rc == DB_ROW) {
			size_t n = 0;
			const void *v = db_col_blob(s, 0, &n);
			bool ok = v && n == 32;
			if (ok)
				memcpy(key, v, 32);
			db_reset(s);
			return ok ? 0 : ERR_INVALID;
		}
		db_reset(s);
		if (rc < 0)
			return rc;
		/* None yet: make one; of two racing writers the first wins and both read it. */
		uint8_t fresh[32];
		randombytes_buf(fresh, sizeof fresh);
		if (!(rc = db_cached(d, &s, "INSERT INTO secret(name, value) SELECT ?, ?"
					    " WHERE NOT EXISTS (SELECT 1 FROM secret WHERE name = ?)")) &&
		    !(rc = db_bind_text(s, 1, name, -1)) && !(rc = db_bind_blob(s, 2, fresh, sizeof fresh)) &&
		    !(rc = db_bind_text(s, 3, name, -1)))
			rc = db_step(s);
		sodium_memzero(fresh, sizeof fresh);
		if (rc < 0)
			return rc;
	}
	return ERR_DB;
}

int audit_login_failed(struct db *d, const char *typed, const char *ip)
{
	struct db_stmt *s = NULL;
	bool exists = false;
	int rc;
	if (sodium_init() < 0)
		return ERR_INVALID;
	if (registry_login_valid(typed)) {
		if ((rc = db_cached(d, &s, "SELECT 1 FROM \"user\" WHERE login = ?")) ||
		    (rc = db_bind_text(s, 1, typed, -1)))
			return rc;
		rc = db_step(s);
		exists = rc == DB_ROW;
		db_reset(s);
		if (rc < 0)
			return rc;
	}
	if (exists)
		return audit_add(d, NULL, typed, "login_failed", NULL, NULL, ip);
	uint8_t key[32], h[16];
	char hex[2 * sizeof h + 1], shown[AUDIT_FINGERPRINT_HEX + 2];
	if ((rc = db_secret(d, "audit-login", key)))
		return rc;
	crypto_generichash(h, sizeof h, (const uint8_t *)typed, strlen(typed), key, sizeof key);
	sodium_memzero(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(shown, sizeof shown, "#%.*s", AUDIT_FINGERPRINT_HEX, hex);
	return audit_add(d, NULL, shown, "login_failed", NULL, NULL, ip);
}

/* ---- reading users and the audit log ---- */

int user_list(struct db *d, enum user_order order, user_item_fn fn, void *ctx)
{
#define USER_LIST "SELECT u.login, u.name, u.role, coalesce(sc.login, ''), coalesce(sc.name, ''),"  \
	" coalesce(m.name, ''), coalesce(rg.name, ''), u.disabled FROM \"user\" u"                   \
	" LEFT JOIN school sc ON sc.id = u.school_id LEFT JOIN municipality m ON m.id = u.municipality_id" \
	" LEFT JOIN region rg ON rg.id = u.region_id ORDER BY "
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, order == USER_BY_ROLE ? USER_LIST "u.role, u.login" : USER_LIST "u.login");
#undef USER_LIST
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		struct user_item u = {
			db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3),
			db_col_text(s, 4), db_col_text(s, 5), db_col_text(s, 6), db_col_int(s, 7) != 0,
		};
		rc = fn(ctx, &u);
	}
	db_finalize(s);
	return rc;
}

/* The users whose entries a scope other than 'all' may read (?1, ?2 bound by scope_bind),
 * aliased u: a user's territory is its region, its municipality or its school. */
#define AUDIT_SCOPE_USERS " FROM \"user\" u LEFT JOIN school s ON s.id = u.school_id" \
	" WHERE (?1 = 'reg' AND u.region_id = ?2) OR " SCOPE_MUN_SQL("u.municipality_id") \
	" OR (u.school_id IS NOT NULL AND " SCOPE_SQL("s") ")"
/* The entries a scope may read. */
#define AUDIT_SCOPE "(?1 = 'all' OR a.user_id IN (SELECT u.id" AUDIT_SCOPE_USERS "))"

int audit_scope_digest(struct db *d, const struct scope *sc, unsigned char digest[AUDIT_DIGEST_BYTES])
{
	memset(digest, 0, AUDIT_DIGEST_BYTES);
	if (sc->kind == SCOPE_ALL)
		return 0;
	struct db_stmt *s = NULL;
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, AUDIT_DIGEST_BYTES);
	int rc = db_cached(d, &s, "SELECT u.id, u.login, u.created_at" AUDIT_SCOPE_USERS " ORDER BY u.id");
	if (!rc && !(rc = scope_bind(s, sc)))
		while ((rc = db_step(s)) == DB_ROW) {
			/* the id's bytes as they lie: the digest never leaves the process */
			int64_t id = db_col_int(s, 0);
			crypto_generichash_update(&h, (const unsigned char *)&id, sizeof id);
			/* each text with its ending zero: no two rows read the same */
			for (int c = 1; c <= 2; c++) {
				const char *t = db_col_text(s, c);
				crypto_generichash_update(&h, (const unsigned char *)t, strlen(t) + 1);
			}
		}
	if (rc == DB_DONE)
		rc = 0;
	if (s)
		db_reset(s);
	crypto_generichash_final(&h, digest, AUDIT_DIGEST_BYTES);
	return rc;
}

int audit_last_id(struct db *d, int64_t *id)
{
	return db_cached_int(d, "SELECT max(id) FROM audit", 0, id);
}

int audit_entries(struct db *d, int64_t after, int64_t upto, long *n)
{
	struct db_stmt *s = NULL;
	*n = 0;
	/* From the first id: all less those above (a whole table's count is a walk of its
	 * pages, SQLite does not read the rows; the ids above are few). */
	int rc = after ? db_cached(d, &s, "SELECT count(*) FROM audit WHERE id > ? AND id <= ?")
		       : db_cached(d, &s, "SELECT (SELECT count(*) FROM audit) - (SELECT count(*) FROM audit WHERE id > ?)");
	if (!rc && after)
		rc = db_bind_int(s, 1, after);
	if (!rc && !(rc = db_bind_int(s, after ? 2 : 1, upto)) && !(rc = db_step_one(s)))
		*n = (long)db_col_int(s, 0);
	if (s)
		db_reset(s);
	return rc;
}

int audit_count(struct db *d, const struct scope *sc, long *n)
{
	struct db_stmt *s = NULL;
	*n = 0;
	int rc = db_prepare(d, &s, "SELECT count(*) FROM audit a WHERE " AUDIT_SCOPE);
	if (!rc && !(rc = scope_bind(s, sc)) && (rc = db_step(s)) == DB_ROW) {
		*n = (long)db_col_int(s, 0);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

int audit_list(struct db *d, const struct scope *sc, long limit, long offset, audit_item_fn fn,
	       void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT a.at, a.user_login, a.action, coalesce(a.object, ''),"
				   " coalesce(a.detail, ''), coalesce(a.ip, '') FROM audit a WHERE " AUDIT_SCOPE
				   " ORDER BY a.id DESC LIMIT ?3 OFFSET ?4");
	if (!rc && !(rc = scope_bind(s, sc)) && !(rc = db_bind_int(s, 3, limit)))
		rc = db_bind_int(s, 4, offset);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		struct audit_item a = { db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2),
					db_col_text(s, 3), db_col_text(s, 4), db_col_text(s, 5) };
		rc = fn(ctx, &a);
	}
	db_finalize(s);
	return rc;
}

/* ---- editing users (the administrator's page) ---- */

int user_get_any(struct db *d, const char *login, struct user *u, bool *disabled)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " USER_COLS ", u.disabled" USER_FROM " WHERE u.login = ?");
	if (rc || (rc = db_bind_text(s, 1, login, -1)))
		goto out;
	rc = db_step(s);
	if (rc == DB_ROW) {
		read_user(s, u, 0);
		if (disabled)
			*disabled = db_col_int(s, 8) != 0;
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = ERR_NOTFOUND;
	}
out:
	db_finalize(s);
	return rc;
}

/* Refuses what would leave no enabled administrator: target is an enabled administrator
 * and no other enabled one exists. what says the action for the message. */
static int keep_an_admin(struct db *d, const struct user *target, bool disabled, const char *what,
			 char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	if (target->role != ROLE_ADMIN || disabled)
		return 0;
	int rc = db_prepare(d, &s, "SELECT count(*) FROM \"user\" WHERE role = 'admin' AND disabled = 0"
				   " AND login <> ?");
	if (!rc && !(rc = db_bind_text(s, 1, target->login, -1)) && (rc = db_step(s)) == DB_ROW) {
		rc = db_col_int(s, 0) > 0 ? 0 : ERR_INVALID;
		if (rc)
			snprintf(msg, msglen, "«%s» — последний действующий администратор: его нельзя %s. "
					      "Сначала назначьте администратором другого пользователя.",
				 target->login, what);
	}
	db_finalize(s);
	return rc;
}

int user_update(struct db *d, const char *login, const char *name, enum role role, const char *scope,
		const char *by, char *msg, size_t msglen)
{
	struct user u;
	bool disabled = false;
	int64_t region, mun, school;
	struct db_stmt *s = NULL;
	int rc = user_get_any(d, login, &u, &disabled);
	if (rc == ERR_NOTFOUND)
		snprintf(msg, msglen, "пользователя «%s» нет", login);
	if (rc)
		return rc;
	if (!name || !*name) {
		snprintf(msg, msglen, "укажите имя пользователя");
		return ERR_INVALID;
	}
	if ((unsigned)role >= ROLE_COUNT)
		return ERR_INVALID;
	if (role != ROLE_ADMIN && u.role == ROLE_ADMIN) {
		if ((rc = keep_an_admin(d, &u, disabled, "лишить роли администратора", msg, msglen)))
			return rc;
		if (by && !strcmp(by, login)) {
			snprintf(msg, msglen, "нельзя снять роль администратора с самого себя: это сделает "
					      "другой администратор");
			return ERR_INVALID;
		}
	}
	if ((rc = resolve_scope(d, role, scope, &region, &mun, &school, msg, msglen)))
		return rc;
	if ((rc = db_prepare(d, &s, "UPDATE \"user\" SET name = ?, role = ?, region_id = ?,"
				    " municipality_id = ?, school_id = ? WHERE login = ?")) ||
	    (rc = db_bind_text(s, 1, name, -1)) || (rc = db_bind_text(s, 2, role_names[role], -1)) ||
	    (rc = region ? db_bind_int(s, 3, region) : db_bind_null(s, 3)) ||
	    (rc = mun ? db_bind_int(s, 4, mun) : db_bind_null(s, 4)) ||
	    (rc = school ? db_bind_int(s, 5, school) : db_bind_null(s, 5)) ||
	    (rc = db_bind_text(s, 6, login, -1)))
		goto out;
	rc = db_step(s);
	rc = rc < 0 ? rc : 0;
out:
	db_finalize(s);
	return rc;
}

int user_set_blocked(struct db *d, const char *login, bool blocked, const char *by, int64_t now,
		     char *msg, size_t msglen)
{
	struct user u;
	bool disabled = false, in_tx = false;
	struct db_stmt *s = NULL;
	int rc = user_get_any(d, login, &u, &disabled);
	if (rc == ERR_NOTFOUND)
		snprintf(msg, msglen, "пользователя «%s» нет", login);
	if (rc)
		return rc;
	if (blocked && (rc = keep_an_admin(d, &u, disabled, "заблокировать", msg, msglen)))
		return rc;
	if (blocked && by && !strcmp(by, login)) {
		snprintf(msg, msglen, "нельзя заблокировать самого себя");
		return ERR_INVALID;
	}
	if ((rc = db_begin(d)))
		return rc;
	in_tx = true;
	/* Blocking also ends the user's sessions and revokes its API keys: unblocking gives
	 * back the login, not what was open. */
	if (blocked && (rc = api_token_revoke_all(d, u.id, now, "блокировка", NULL)))
		goto out;
	if ((rc = db_prepare(d, &s, "UPDATE \"user\" SET disabled = ? WHERE id = ?")) ||
	    (rc = db_bind_int(s, 1, blocked ? 1 : 0)) || (rc = db_bind_int(s, 2, u.id)) ||
	    (rc = db_step(s)) < 0)
		goto out;
	db_finalize(s);
	s = NULL;
	if (blocked && ((rc = db_prepare(d, &s, "DELETE FROM session WHERE user_id = ?")) ||
			(rc = db_bind_int(s, 1, u.id)) || (rc = db_step(s)) < 0))
		goto out;
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
	rc = 0;
out:
	db_finalize(s);
	if (in_tx)
		db_rollback(d);
	return rc;
}

int user_delete(struct db *d, const char *login, const char *by, char *msg, size_t msglen)
{
	struct user u;
	bool disabled = false, in_tx = false;
	struct db_stmt *s = NULL;
	int rc = user_get_any(d, login, &u, &disabled);
	if (rc == ERR_NOTFOUND)
		snprintf(msg, msglen, "пользователя «%s» нет", login);
	if (rc)
		return rc;
	if ((rc = keep_an_admin(d, &u, disabled, "удалить", msg, msglen)))
		return rc;
	if (by && !strcmp(by, login)) {
		snprintf(msg, msglen, "нельзя удалить самого себя");
		return ERR_INVALID;
	}
	if ((rc = db_begin(d)))
		return rc;
	in_tx = true;
	/* The audit log keeps the login as text; only the link to the row goes. Sessions and
	 * keys go with the user (ON DELETE CASCADE). */
	if ((rc = db_prepare(d, &s, "UPDATE audit SET user_id = NULL WHERE user_id = ?")) ||
	    (rc = db_bind_int(s, 1, u.id)) || (rc = db_step(s)) < 0)
		goto out;
	db_finalize(s);
	s = NULL;
	if ((rc = db_prepare(d, &s, "DELETE FROM \"user\" WHERE id = ?")) || (rc = db_bind_int(s, 1, u.id)))
		goto out;
	if ((rc = db_step(s)) < 0) {
		if (rc == ERR_INVALID)
			snprintf(msg, msglen, "«%s» упоминается в данных: координатор план-графика, "
					      "наблюдатель, эксперт, ответственный за мероприятие или автор загрузки, "
					      "ждущей подтверждения. Такого пользователя можно заблокировать, "
					      "но не удалить.", login);
		goto out;
	}
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
	rc = 0;
out:
	db_finalize(s);
	if (in_tx)
		db_rollback(d);
	return rc;
}

int user_password_generate(const char *login, char *out, size_t n)
{
	/* No look-alikes (0/O, 1/l/I), groups of four for reading aloud: "k7Wq-m3Pz-x9Rt". */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char why[160];
	if (n < 15 || sodium_init() < 0)
		return ERR_INVALID;
	for (int attempt = 0; attempt < 100; attempt++) {
		for (int i = 0; i < 14; i++)
			out[i] = (i % 5 == 4) ? '-' : alphabet[randombytes_uniform(sizeof alphabet - 1)];
		out[14] = '\0';
		if (user_password_check(login, out, why, sizeof why) == 0)
			return 0;
	}
	return ERR_INVALID;
}

/* ---- the audit log with a filter ---- */

/* Every action the code writes, with its title in the users' words; the page shows
 * «другое действие» for one that is not here. Keep it in step with `grep -rn audit_add src`
 * (and the audit_action of the results importer: "upload", "grid_save"). */
static const struct audit_action actions[] = {
	{ "login", "вход в систему" },
	{ "login_failed", "неудачная попытка входа" },
	{ "logout", "выход из системы" },
	{ "user_add", "добавлен пользователь" },
	{ "user_edit", "изменён пользователь" },
	{ "user_block", "пользователь заблокирован" },
	{ "user_unblock", "пользователь разблокирован" },
	{ "user_delete", "удалён пользователь" },
	{ "user_passwd", "сменён пароль пользователя" },
	{ "api_token", "выдан ключ API" },
	{ "api_token_revoke", "отозван ключ API" },
	{ "upload", "загружены результаты" },
	{ "upload_asked", "загрузка ждёт подтверждения" },
	{ "upload_checked", "файл результатов проверен" },
	{ "upload_refused", "загрузка результатов отклонена" },
	{ "grid_save", "результаты введены в сетку" },
	{ "grid_refused", "ввод в сетку отклонён" },
	{ "form_download", "скачана форма сбора результатов" },
	{ "procedure_add", "добавлена процедура" },
	{ "procedure_kim", "загружено описание КИМ процедуры" },
	{ "procedure_kim_refused", "отклонено описание КИМ процедуры" },
	{ "procedure_edit", "изменена процедура" },
	{ "kim_import", "загружено описание КИМ" },
	{ "analysis_start", "запущен анализ" },
	{ "analysis_done", "анализ завершён" },
	{ "analysis_failed", "анализ не удался" },
	{ "school_add", "добавлена школа" },
	{ "school_edit", "изменена школа" },
	{ "municipality_add", "добавлен муниципалитет" },
	{ "municipality_edit", "переименован муниципалитет" },
	{ "registry_export", "выгружен реестр школ" },
	{ "school_alias", "объединены логины школы" },
	{ "school_alias_reject", "логины признаны разными школами" },
	{ "audit_export", "выгружен журнал действий" },
	{ "pupil_add", "добавлен ученик" },
	{ "pupils_import", "загружен список учеников" },
	{ "teachers_import", "загружен файл учителей классов" },
	{ "teachers_import_refused", "файл учителей классов не принят" },
	{ "teacher_assign", "указан учитель класса" },
	{ "medalists_import", "загружен список медалистов" },
	{ "medalists_import_refused", "список медалистов не принят" },
	{ "medal_thresholds", "изменены пороги ЕГЭ для медалистов" },
	{ "medal_thresholds_refused", "файл порогов ЕГЭ для медалистов не принят" },
	{ "medal_thresholds_reset", "пороги ЕГЭ для медалистов возвращены по умолчанию" },
	{ "pupils_import_refused", "список учеников отклонён" },
	{ "codes_issue", "выданы коды участников" },
	{ "print_slips", "напечатаны коды для разрезания" },
	{ "print_protocol", "напечатан протокол кодов" },
	{ "pupil_delete", "удалено ФИО ученика (код и результаты остались)" },
	{ "pupils_purge", "удалены ФИО учеников по сроку хранения" },
	{ "school_key_rotate", "заменён ключ шифрования школы" },
	{ "keys_rotate", "заменён главный ключ шифрования" },
	{ "plan_campaign", "создана кампания план-графика" },
	{ "plan_procedure", "процедура добавлена в план-график" },
	{ "plan_assign", "школы назначены в план-график" },
	{ "plan_coordinator", "назначен координатор кампании" },
	{ "plan_date", "назначена дата проведения" },
	{ "plan_unassign", "школа снята с процедуры план-графика" },
	{ "plan_unassign_refused", "отказано в снятии школы с процедуры" },
	{ "material_add", "загружены материалы" },
	{ "material_add_refused", "материалы отклонены" },
	{ "material_schedule", "назначено время открытия материалов" },
	{ "material_download", "скачаны материалы" },
	{ "material_refused", "отказано в материалах" },
	{ "material_open", "открыты материалы" },
	{ "observers_import", "загружен реестр наблюдателей" },
	{ "observer_set", "назначен наблюдатель" },
	{ "observers_assign", "наблюдатели распределены" },
	{ "observers_reveal", "раскрыты назначения наблюдателей" },
	{ "observer_link", "наблюдатель связан с пользователем" },
	{ "act", "сохранён акт наблюдения" },
	{ "act_revised", "исправлен поданный акт наблюдения" },
	{ "violation_kind", "изменён перечень нарушений" },
	{ "video", "отмечено видеонаблюдение" },
	{ "experts_import", "загружен реестр экспертов" },
	{ "expert_link", "эксперт связан с пользователем" },
	{ "recheck_sample", "отобраны работы на перепроверку" },
	{ "recheck_settings", "изменены настройки перепроверки" },
	{ "recheck_assign", "работы распределены экспертам" },
	{ "recheck_done", "эксперт завершил проверку работы" },
	{ "scan_upload", "загружен скан работы" },
	{ "scan_split", "скан разделён на работы" },
	{ "mplan_add", "создан план мероприятий" },
	{ "mplan_update", "изменён план мероприятий" },
	{ "mplan_delete", "удалён план мероприятий" },
	{ "mplan_block_add", "добавлен раздел плана" },
	{ "mplan_block_rename", "переименован раздел плана" },
	{ "mplan_block_delete", "удалён раздел плана" },
	{ "measure_add", "добавлено мероприятие" },
	{ "measure_update", "изменено мероприятие" },
	{ "measure_delete", "удалено мероприятие" },
	{ "measure_report", "отчёт о выполнении мероприятия" },
	{ "measure_help", "добавлена адресная помощь" },
	{ "measures_import", "загружен план мероприятий" },
	{ "document", "сформирован документ" },
	{ "settings", "изменены настройки" },
	{ "setting_set", "изменена настройка" },
};

const struct audit_action *audit_actions(size_t *n)
{
	*n = sizeof actions / sizeof *actions;
	return actions;
}

const char *audit_action_title(const char *action)
{
	for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
		if (!strcmp(actions[i].action, action))
			return actions[i].title;
	return NULL;
}

/* The filter's part of the WHERE clause, after AUDIT_SCOPE (?1, ?2): ?3 action, ?4 login,
 * ?5 from (inclusive), ?6 to (exclusive); '' for any. Moments compare as ISO text. ?7, ?8
 * the ids' window (bound as numbers, never 0 for open: a plain range is what lets the
 * database walk only those ids). */
#define AUDIT_FILTER " AND (?3 = '' OR a.action = ?3) AND (?4 = '' OR a.user_login = ?4)" \
	" AND (?5 = '' OR a.at >= ?5) AND (?6 = '' OR a.at < ?6)" \
	" AND a.id > ?7 AND a.id <= ?8"

static int bind_filter(struct db_stmt *s, const struct scope *sc, const struct audit_filter *f)
{
	int rc;
	if ((rc = scope_bind(s, sc)) || (rc = db_bind_text(s, 3, f->action ? f->action : "", -1)) ||
	    (rc = db_bind_text(s, 4, f->user ? f->user : "", -1)) ||
	    (rc = db_bind_text(s, 5, f->from ? f->from : "", -1)) ||
	    (rc = db_bind_text(s, 6, f->to ? f->to : "", -1)) || (rc = db_bind_int(s, 7, f->after)))
		return rc;
	return db_bind_int(s, 8, f->upto ? f->upto : INT64_MAX);
}

/* Whether an entry holds the folded text q: in the login, the action's title, the object,
 * the detail or the address — folded as str_fold does (case, ё, Latin look-alikes). */
static bool audit_matches(const struct audit_item *a, const char *q, struct buf *tmp)
{
	const char *title = audit_action_title(a->action);
	const char *parts[] = { a->user_login, title ? title : a->action, a->object, a->detail, a->ip };
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (!str_fold(parts[i], strlen(parts[i]), tmp) && strstr(buf_str(tmp), q))
			return true;
	return false;
}

int audit_query(struct db *d, const struct scope *sc, const struct audit_filter *f, long limit,
		long offset, audit_item_fn fn, void *ctx, long *total)
{
	struct db_stmt *s = NULL;
	struct buf q = BUF_INIT, tmp = BUF_INIT;
	long seen = 0;
	int rc = 0;
	bool search = f->q && *f->q;
	if (search && (rc = str_fold(f->q, strlen(f->q), &q)))
		goto out;
	if (search && !*buf_str(&q))
		search = false;
	if (!search && total) {
		/* No text to look for: the database counts and pages. */
		if ((rc = db_prepare(d, &s, "SELECT count(*) FROM audit a WHERE " AUDIT_SCOPE AUDIT_FILTER)) ||
		    (rc = bind_filter(s, sc, f)) || (rc = db_step_one(s)))
			goto out;
		if (total)
			*total = (long)db_col_int(s, 0);
		db_finalize(s);
		s = NULL;
	}
#define AUDIT_ROWS "SELECT a.at, a.user_login, a.action, coalesce(a.object, ''), coalesce(a.detail, '')," \
	" coalesce(a.ip, '') FROM audit a WHERE " AUDIT_SCOPE AUDIT_FILTER
	bool all = search || limit <= 0;
	if ((rc = db_prepare(d, &s, f->oldest_first ? (all ? AUDIT_ROWS " ORDER BY a.id"
							   : AUDIT_ROWS " ORDER BY a.id LIMIT ?9 OFFSET ?10")
				    : all ? AUDIT_ROWS " ORDER BY a.id DESC"
					  : AUDIT_ROWS " ORDER BY a.id DESC LIMIT ?9 OFFSET ?10")) ||
	    (rc = bind_filter(s, sc, f)))
		goto out;
	if (!all && ((rc = db_bind_int(s, 9, limit)) || (rc = db_bind_int(s, 10, offset))))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		struct audit_item a = { db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2),
					db_col_text(s, 3), db_col_text(s, 4), db_col_text(s, 5) };
		if (search) {
			if (!audit_matches(&a, buf_str(&q), &tmp))
				continue;
			seen++;
			if (seen <= offset || (limit > 0 && seen > offset + limit))
				continue;
		}
		if ((rc = fn(ctx, &a)))
			goto out;
	}
	if (rc == DB_DONE)
		rc = 0;
	if (search && total && !rc)
		*total = seen;
out:
	db_finalize(s);
	buf_free(&q);
	buf_free(&tmp);
	return rc;
}
