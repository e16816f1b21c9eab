/* user: people who use oko, their roles and territories, sessions, API tokens, audit log.
 *
 * Every user has one role bound to a territory: the region, a municipality
 * or a school. Passwords are argon2id (libsodium); session and API tokens are 32 random
 * bytes handed to the client once, and only their BLAKE2b hash is stored. */
#ifndef OKO_USER_H
#define OKO_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

enum role { ROLE_ADMIN, ROLE_REGION, ROLE_MUNICIPALITY, ROLE_SCHOOL, ROLE_EXPERT, ROLE_OBSERVER,
	    ROLE_COUNT };

struct user {
	int64_t id;
	char login[64];
	char name[128];
	enum role role;
	int64_t region_id;       /* 0 when not bound */
	int64_t municipality_id;
	int64_t school_id;
	char scope_name[256];    /* the territory's name for display */
};

#define USER_TOKEN_HEX 65 /* 32 bytes as hex + NUL */

/* Stable role name ("admin", "region", …) and its Russian title. */
const char *user_role_name(enum role r);
const char *user_role_title(enum role r);
/* Role by name; -1 when unknown. */
int user_role_parse(const char *name);

#define USER_PASSWORD_MIN 10 /* characters (code points) of a new password */

/* Checks a new password for login: at least USER_PASSWORD_MIN characters, at least three
 * distinct ones, not a date, not the login, and not one of the common passwords of
 * src/model/common-passwords.txt — compared case-insensitively, also with the digits and
 * punctuation around it taken off ("Qwerty2024!" is "qwerty"). 0, or ERR_INVALID with the
 * reason in Russian in msg. Every path that sets a password goes through it. */
int user_password_check(const char *login, const char *password, char *msg, size_t msglen);

/* Adds a user. scope names the territory: a region name for ROLE_REGION (optional), a
 * municipality name for ROLE_MUNICIPALITY, a school login for ROLE_SCHOOL. Fails with
 * ERR_EXISTS for a taken login, ERR_NOTFOUND for an unknown territory, ERR_INVALID for a
 * password user_password_check() refuses; msg explains in Russian. */
int user_add(struct db *d, const char *login, const char *name, enum role role,
	     const char *scope, const char *password, char *msg, size_t msglen);
/* Sets a new password (user_password_check() first) and, in the same transaction, ends
 * the user's sessions and revokes its API keys at now: whoever knew the old password may
 * have made either. *keys gets the number of keys revoked (may be NULL). */
int user_set_password(struct db *d, const char *login, const char *password, int64_t now,
		      long *keys, char *msg, size_t msglen);
/* Loads a user by id or by login; ERR_NOTFOUND when absent or disabled. */
int user_get(struct db *d, int64_t id, struct user *u);
int user_find(struct db *d, const char *login, struct user *u);
/* Checks a login and password; 0 and *u on success, ERR_PERM otherwise (the same answer
 * for an unknown login, to give nothing away). Takes the argon2id time either way. */
int user_verify(struct db *d, const char *login, const char *password, struct user *u);

/* Creates a session for the user valid for ttl seconds from now; token (hex, for the
 * cookie) and csrf (hex, for forms) are filled. */
int session_create(struct db *d, int64_t user_id, int64_t now, int ttl, char token[USER_TOKEN_HEX],
		   char csrf[USER_TOKEN_HEX]);
/* Finds the live session of a cookie token: the user and its csrf token. ERR_NOTFOUND
 * when unknown or expired. */
int session_lookup(struct db *d, const char *token, int64_t now, struct user *u,
		   char csrf[USER_TOKEN_HEX]);
int session_delete(struct db *d, const char *token);
/* How many sessions are live at now (monitoring: /metrics). */
int session_count(struct db *d, int64_t now, int64_t *n);
/* API keys for scripts (docs/api.md). A key is valid from its creation for a lifetime in
 * days, until revoked, and while its user is enabled; only its hash is stored. */
#define USER_TOKEN_DAYS 90      /* default lifetime */
#define USER_TOKEN_MAX_DAYS 365

/* What a key opens (migration 022, column api_token.kind). A full key opens the JSON API
 * and, when its user is an administrator, /metrics; a metrics key opens /metrics only (the
 * Prometheus scraper's credential, which must not read results, risk or signs). */
enum api_token_kind { API_TOKEN_FULL, API_TOKEN_METRICS };
/* Its words in lists: «JSON API», «только /metrics». */
const char *api_token_kind_title(enum api_token_kind k);

struct api_token_info {
	int64_t id;              /* the key's number, for lists and revocation */
	char login[64];          /* its user */
	char label[128];
	enum api_token_kind kind;
	int64_t created_at, expires_at, revoked_at; /* unix seconds; revoked_at 0 = not */
	char revoked_by[64];
};

/* Creates an API key of kind valid for days (1..USER_TOKEN_MAX_DAYS) from now; the key is
 * shown once (token), *id (may be NULL) gets its number. ERR_INVALID for a lifetime out of
 * range. */
int api_token_create(struct db *d, int64_t user_id, const char *label, enum api_token_kind kind,
		     int64_t now, int days, char token[USER_TOKEN_HEX], int64_t *id);
/* The user and the kind of a key that is valid at now; ERR_NOTFOUND for an unknown, expired
 * or revoked key or a disabled user. The caller must honour *kind. */
int api_token_lookup(struct db *d, const char *token, int64_t now, struct user *u,
		     enum api_token_kind *kind);
/* Revokes key id at now, recording by (a login, or what revoked it); ERR_NOTFOUND when no
 * such key is valid. *info (may be NULL) gets the key as it was. */
int api_token_revoke(struct db *d, int64_t id, int64_t now, const char *by,
		     struct api_token_info *info);
/* Revokes every valid key of the user; *n (may be NULL) gets the count. */
int api_token_revoke_all(struct db *d, int64_t user_id, int64_t now, const char *by, long *n);
/* Keys of one user (user_id != 0) or of all, newest first: the valid ones at now, or with
 * all also the expired and revoked ones. *out is malloc'd (caller frees), *n its length. */
int api_token_list(struct db *d, int64_t user_id, bool all, int64_t now,
		   struct api_token_info **out, size_t *n);

/* Appends to the audit log; user may be NULL for anonymous events. */
int audit_add(struct db *d, const struct user *u, const char *login, const char *action,
	      const char *object, const char *detail, const char *ip);
/* What audit_add writes while a capture is set on this thread (audit_capture(c); NULL
 * ends it): each entry's action, object and detail, so that the web server can keep a
 * download and write the same entries again, under the user who gets the kept bytes
 * (web/rcache.c). At most AUDIT_CAPTURE_MAX entries; more sets overflow. */
#define AUDIT_CAPTURE_MAX 4
struct audit_capture {
	int n;
	bool overflow;
	struct {
		char *action, *object, *detail; /* malloc'ed; NULL where audit_add got NULL */
	} e[AUDIT_CAPTURE_MAX];
};
void audit_capture(struct audit_capture *c);
void audit_capture_free(struct audit_capture *c);

#define AUDIT_FINGERPRINT_HEX 12 /* hex digits of the fingerprint of an unknown login */

/* Records a failed login ("login_failed"). What was typed as the login is kept only when
 * such a login exists; otherwise it may be a password typed into the wrong field, and the
 * log keeps "#" + a fingerprint: the first AUDIT_FINGERPRINT_HEX hex digits of BLAKE2b of
 * the text keyed by a random secret of the database, so equal texts show equal prints
 * and the text cannot be read back (docs/accounts.md). */
int audit_login_failed(struct db *d, const char *typed, const char *ip);

/* ---- reading users and the audit log for pages and commands ----
 * Row callbacks get text valid only during the call; a non-zero return of the callback
 * stops the walk and is returned. */

struct scope;

/* A user as listed, with the names of its territory ("" for what it is not bound to). */
struct user_item {
	const char *login, *name;
	const char *role;          /* the stored name: user_role_parse() gives the enum */
	const char *school_login, *school, *municipality, *region;
	bool disabled;
};
typedef int (*user_item_fn)(void *ctx, const struct user_item *u);
enum user_order { USER_BY_ROLE, USER_BY_LOGIN }; /* by role then login, or by login */
/* Every user, disabled ones too. */
int user_list(struct db *d, enum user_order order, user_item_fn fn, void *ctx);

/* One entry of the audit log. */
struct audit_item {
	const char *at, *user_login, *action;
	const char *object, *detail, *ip; /* "" when not recorded */
};
typedef int (*audit_item_fn)(void *ctx, const struct audit_item *a);
/* The audit log a scope may read: everything for SCOPE_ALL; otherwise only the actions of
 * the users bound within the territory (a region's own users, its municipalities' and its
 * schools' — never anonymous events, which carry addresses and whatever was typed).
 * audit_count gives the number of entries, audit_list one page of them, newest first. */
int audit_count(struct db *d, const struct scope *sc, long *n);
/* The id of the journal's last entry (0 when empty): it grows with every entry, so a page
 * of the journal is the same while it is. */
int audit_last_id(struct db *d, int64_t *id);
int audit_list(struct db *d, const struct scope *sc, long limit, long offset, audit_item_fn fn,
	       void *ctx);

/* ---- editing users (the administrator's page) ----
 * Each refuses, with the reason in Russian in msg, what would leave the installation without
 * an enabled administrator (ERR_INVALID), and an administrator acting on itself where it
 * would lock itself out (by is the acting login; NULL from the command line). */

/* A user by login, blocked ones too; *disabled (may be NULL) tells which. ERR_NOTFOUND. */
int user_get_any(struct db *d, const char *login, struct user *u, bool *disabled);
/* Sets the name, role and territory (scope as in user_add). */
int user_update(struct db *d, const char *login, const char *name, enum role role, const char *scope,
		const char *by, char *msg, size_t msglen);
/* Blocks (ends the sessions and revokes the API keys at now) or unblocks a user. */
int user_set_blocked(struct db *d, const char *login, bool blocked, const char *by, int64_t now,
		     char *msg, size_t msglen);
/* Deletes a user; the audit log keeps its login as text. A user the data still names (a
 * plan-graph coordinator, an observer, an expert, a measure's responsible, an upload
 * waiting for confirmation) is refused with ERR_INVALID: block it instead. */
int user_delete(struct db *d, const char *login, const char *by, char *msg, size_t msglen);
/* A random password that user_password_check() accepts for login ("k7Wq-m3Pz-x9Rt");
 * n >= 15. */
int user_password_generate(const char *login, char *out, size_t n);

/* ---- the audit log: action titles and a filter ---- */

/* An action string the code writes and its title in the users' words. */
struct audit_action {
	const char *action, *title;
};
/* Every known action, in the order a filter offers them. */
const struct audit_action *audit_actions(size_t *n);
/* The title of an action; NULL for one the table does not know («другое действие»). */
const char *audit_action_title(const char *action);

struct audit_filter {
	const char *action;       /* an action string; "" or NULL for any */
	const char *user;         /* a login; "" or NULL for any */
	const char *from, *to;    /* UTC moments 'YYYY-MM-DDTHH:MM:SSZ': from inclusive, to
				   * exclusive; "" or NULL for open */
	const char *q;            /* text in the login, the action's title, the object, the
				   * detail or the address, folded (case, ё); "" or NULL for any */
	int64_t after, upto;      /* only the entries with after < id <= upto; 0 for no bound
				   * (an export kept in parts of ids, see audit_entries) */
	bool oldest_first;        /* in the order they were written (an export) */
};
/* The entries of the scope (as audit_list) that pass the filter, newest first (or oldest
 * first, f->oldest_first): the page from offset of at most limit (limit <= 0: all of them,
 * for an export); *total (may be NULL) gets how many pass. */
int audit_query(struct db *d, const struct scope *sc, const struct audit_filter *f, long limit,
		long offset, audit_item_fn fn, void *ctx, long *total);
/* How many entries, of every scope, have an id in after < id <= upto. An id range of the
 * journal is final when this count no longer changes: on SQLite writers take turns, so
 * every id below the last one seen is final; on PostgreSQL a transaction still open may
 * commit an id below one already committed, and the count then grows. */
int audit_entries(struct db *d, int64_t after, int64_t upto, long *n);
/* What, beside the entries themselves, decides which entries the scope reads: a digest of
 * the users in its territory (their ids, logins and moments of creation, in id order). A
 * user deleted leaves it with his entries (their user is cleared); one created in his place
 * with his id could only read the same with his login in the same second. All zeros for
 * SCOPE_ALL, which reads every entry whoever wrote it. */
#define AUDIT_DIGEST_BYTES 16
int audit_scope_digest(struct db *d, const struct scope *sc, unsigned char digest[AUDIT_DIGEST_BYTES]);

#endif
