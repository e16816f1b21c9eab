/* registry: regions, municipalities and schools. */
#include "model/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"

const char *const registry_kinds[] = {
	"СОШ", "ООШ", "НОШ", "лицей", "гимназия", "филиал", "другое", NULL
};

const char *registry_kind_canonical(const char *kind)
{
	if (!kind)
		return NULL;
	for (size_t i = 0; registry_kinds[i]; i++)
		if (str_fold_eq(kind, registry_kinds[i]))
			return registry_kinds[i];
	return NULL;
}

const char *registry_kind_guess(const char *name)
{
	/* Folded words, first match wins: a branch is a branch of whatever school. */
	static const struct { const char *word, *kind; } words[] = {
		{ "филиал", "филиал" }, { "лицей", "лицей" }, { "гимназия", "гимназия" },
		{ "сош", "СОШ" }, { "осш", "СОШ" }, { "средняя общеобразовательная", "СОШ" },
		{ "средняя школа", "СОШ" },
		{ "оош", "ООШ" }, { "основная общеобразовательная", "ООШ" }, { "основная школа", "ООШ" },
		{ "нош", "НОШ" }, { "начальная общеобразовательная", "НОШ" }, { "начальная школа", "НОШ" },
	};
	struct buf f = BUF_INIT, w = BUF_INIT;
	const char *kind = "другое";
	str_fold(name, strlen(name), &f);
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		str_fold(words[i].word, strlen(words[i].word), &w);
		/* A whole word: not "сош" inside another word. */
		const char *s = buf_str(&f);
		for (const char *p = s; (p = strstr(p, buf_str(&w))); p++) {
			const unsigned char *q = (const unsigned char *)p;
			/* Folded text holds Latin letters and Cyrillic ones (D0/D1 and a byte). */
			bool letter_b = p > s && ((q[-1] >= 'a' && q[-1] <= 'z') ||
						 (p - 1 > s && (q[-2] == 0xD0 || q[-2] == 0xD1)));
			unsigned char a = q[w.len];
			bool letter_a = (a >= 'a' && a <= 'z') || a == 0xD0 || a == 0xD1;
			if (!letter_b && !letter_a) {
				kind = words[i].kind;
				goto out;
			}
		}
	}
out:
	buf_free(&f);
	buf_free(&w);
	return kind;
}

const char *registry_settlement_canonical(const char *s)
{
	if (!s)
		return NULL;
	if (str_fold_eq(s, "город"))
		return "город";
	if (str_fold_eq(s, "село"))
		return "село";
	return NULL;
}

bool registry_login_valid(const char *login)
{
	size_t n = strlen(login);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Runs a "get or create" pair: select the id, else insert and take the new id. */
static int get_or_create(struct db *d, const char *sel, const char *ins, int64_t parent,
			 const char *name, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc, k = 1;
	if ((rc = db_cached(d, &s, sel)) || (parent && (rc = db_bind_int(s, k++, parent))) ||
	    (rc = db_bind_text(s, k, name, -1)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		db_reset(s); /* a cached statement left mid-row keeps a read transaction open */
		return 0;
	}
	if (rc < 0)
		return rc;
	k = 1;
	if ((rc = db_cached(d, &s, ins)) || (parent && (rc = db_bind_int(s, k++, parent))) ||
	    (rc = db_bind_text(s, k, name, -1)) || (rc = db_step(s)) < 0)
		return rc;
	*id = db_last_id(d);
	return 0;
}

int registry_region_id(struct db *d, const char *name, int64_t *id)
{
	return get_or_create(d, "SELECT id FROM region WHERE name = ?",
			     "INSERT INTO region(name) VALUES (?)", 0, name, id);
}

int registry_municipality_id(struct db *d, int64_t region_id, const char *name, int64_t *id)
{
	return get_or_create(d, "SELECT id FROM municipality WHERE region_id = ? AND name = ?",
			     "INSERT INTO municipality(region_id, name) VALUES (?, ?)", region_id,
			     name, id);
}

static int64_t own_school(struct db *d, const char *login);

/* Binds a school's eight columns (login, name, municipality_id, kind, settlement, indepth,
 * kind_guessed, address), finding or creating its region and municipality. */
static int school_bind(struct db *d, struct db_stmt *s, const struct school *sc)
{
	int64_t mun = 0;
	int rc = 0;
	if (sc->municipality && *sc->municipality) {
		int64_t reg = 0;
		const char *region = sc->region && *sc->region ? sc->region : "Регион не указан";
		if ((rc = registry_region_id(d, region, &reg)) ||
		    (rc = registry_municipality_id(d, reg, sc->municipality, &mun)))
			return rc;
	}
	const char *kind = sc->kind ? registry_kind_canonical(sc->kind) : "другое";
	if (!kind)
		return ERR_INVALID;
	if ((rc = db_bind_text(s, 1, sc->login, -1)) || (rc = db_bind_text(s, 2, sc->name, -1)) ||
	    (rc = mun ? db_bind_int(s, 3, mun) : db_bind_null(s, 3)) ||
	    (rc = db_bind_text(s, 4, kind, -1)) ||
	    (rc = db_bind_text(s, 5, registry_settlement_canonical(sc->settlement), -1)) ||
	    (rc = db_bind_int(s, 6, sc->indepth ? 1 : 0)) ||
	    (rc = db_bind_int(s, 7, sc->kind_guessed ? 1 : 0)) ||
	    (rc = sc->address ? db_bind_text(s, 8, sc->address, -1) : db_bind_null(s, 8)))
		return rc;
	return 0;
}

int registry_school_insert_new(struct db *d, const struct school *sc, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s,
			    "INSERT INTO school(login, name, municipality_id, kind, settlement, indepth,"
			    " kind_guessed, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) ||
	    (rc = school_bind(d, s, sc)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	*id = db_last_id(d);
	return 0;
}

int registry_school_put(struct db *d, const struct school *in, int64_t *id)
{
	/* A confirmed alias's login updates its school: the school keeps its own login. */
	struct school copy = *in;
	const struct school *sc = &copy;
	char own[80];
	int64_t aliased;
	if (!own_school(d, in->login) && registry_school_find(d, in->login, &aliased) == 0) {
		struct db_stmt *q = NULL;
		own[0] = '\0';
		if (!db_cached(d, &q, "SELECT login FROM school WHERE id = ?") &&
		    !db_bind_int(q, 1, aliased) && db_step(q) == DB_ROW)
			snprintf(own, sizeof own, "%s", db_col_text(q, 0));
		if (q)
			db_reset(q);
		if (*own)
			copy.login = own;
	}
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s,
			    "INSERT INTO school(login, name, municipality_id, kind, settlement, indepth,"
			    " kind_guessed, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
			    " ON CONFLICT(login) DO UPDATE SET name = excluded.name,"
			    " municipality_id = coalesce(excluded.municipality_id, school.municipality_id),"
			    " kind = excluded.kind, settlement = excluded.settlement,"
			    " indepth = excluded.indepth, kind_guessed = excluded.kind_guessed,"
			    " address = coalesce(excluded.address, school.address)"
			    " RETURNING id")) ||
	    (rc = school_bind(d, s, sc)))
		return rc;
	rc = db_step(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : ERR_DB;
	if (id)
		*id = db_col_int(s, 0);
	db_reset(s); /* finish the RETURNING statement so the row is written */
	return 0;
}

int registry_school_find(struct db *d, const char *login, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc;
	/* The school's own login, else a confirmed alias. */
	if ((rc = db_cached(d, &s, "SELECT id FROM school WHERE login = ? UNION ALL SELECT school_id"
				   " FROM school_alias WHERE login = ? AND status = 'confirmed'")) ||
	    (rc = db_bind_text(s, 1, login, -1)) || (rc = db_bind_text(s, 2, login, -1)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		db_reset(s); /* a cached statement left mid-row keeps a read transaction open */
		return 0;
	}
	return rc == DB_DONE ? ERR_NOTFOUND : rc;
}

int registry_school_territory(struct db *d, int64_t school_id, int64_t *municipality_id,
			      int64_t *region_id)
{
	struct db_stmt *s = NULL;
	int rc;
	*municipality_id = *region_id = 0;
	if ((rc = db_cached(d, &s, "SELECT coalesce(s.municipality_id, 0), coalesce(m.region_id, 0)"
				   " FROM school s LEFT JOIN municipality m ON m.id = s.municipality_id"
				   " WHERE s.id = ?")) ||
	    (rc = db_bind_int(s, 1, school_id)))
		goto out;
	if (!(rc = db_step_one(s))) {
		*municipality_id = db_col_int(s, 0);
		*region_id = db_col_int(s, 1);
	}
out:
	if (s)
		db_reset(s);
	return rc;
}

int registry_school_ensure(struct db *d, const char *login, int64_t *id, bool *created)
{
	int rc = registry_school_find(d, login, id);
	*created = false;
	if (rc != ERR_NOTFOUND)
		return rc;
	struct school sc = { .login = login, .name = login };
	if ((rc = registry_school_put(d, &sc, id)))
		return rc;
	*created = true;
	return 0;
}

int registry_school_index(struct db *d, struct hmap *m)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT login, id FROM school UNION ALL SELECT login, school_id"
				   " FROM school_alias WHERE status = 'confirmed'");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *login = db_col_text(s, 0);
		hmap_put(m, login, strlen(login), db_col_int(s, 1));
	}
	db_finalize(s);
	return rc == DB_DONE ? 0 : rc;
}

/* ---- aliases ---- */

const char *registry_login_digits(const char *login)
{
	const char *p = login;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		p++;
	if (p == login || !*p)
		return NULL;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return NULL;
	return p;
}

/* Runs constant SQL with np (1 or 2) integer parameters a, b; with out, copies the first
 * column of the first row there ("" when there is none). */
static int run_ints(struct db *d, const char *sql, int np, int64_t a, int64_t b, char *out,
		    size_t n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, sql);
	if (out)
		out[0] = '\0';
	if (!rc && !(rc = db_bind_int(s, 1, a)) && !(np > 1 && (rc = db_bind_int(s, 2, b))) &&
	    (rc = db_step(s)) == DB_ROW && out)
		snprintf(out, n, "%s", db_col_text(s, 0));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Merges school `from` into school `into` (inside the caller's transaction): the results,
 * upload history, plan-graph places, material sets and downloads and the stored analysis
 * move, and its medalists; the school `from` is deleted. Refused (ERR_INVALID, msg) when
 * `from` has pupils, teachers or users — personal data (sealed under the school's own key)
 * and accounts are not moved silently — or when both schools hold results, a plan-graph
 * place or a material set of the same procedure, or a medalists' list of the same year. */
static int merge_school(struct db *d, int64_t from, int64_t into, char *msg, size_t msglen)
{
	char what[256];
	int rc;
	static const struct { const char *sql, *say; } refuse[] = {
		{ "SELECT 'ученики' FROM pupil WHERE school_id = ? LIMIT 1",
		  "у второй школы есть ученики" },
		{ "SELECT 'учителя' FROM teacher WHERE school_id = ? LIMIT 1",
		  "у второй школы есть учителя" },
		{ "SELECT login FROM \"user\" WHERE school_id = ? LIMIT 1",
		  "у второй школы есть пользователь" },
		{ "SELECT p.code FROM procedure p WHERE EXISTS (SELECT 1 FROM result r WHERE"
		  " r.procedure_id = p.id AND r.school_id = ?) AND EXISTS (SELECT 1 FROM result r"
		  " WHERE r.procedure_id = p.id AND r.school_id = ?) LIMIT 1",
		  "у обеих школ есть результаты процедуры" },
		{ "SELECT p.code FROM procedure p JOIN plan_school a ON a.procedure_id = p.id AND"
		  " a.school_id = ? JOIN plan_school b ON b.procedure_id = p.id AND b.school_id = ?"
		  " LIMIT 1", "обе школы назначены в плане-графике на процедуру" },
		{ "SELECT p.code FROM procedure p JOIN material_set a ON a.procedure_id = p.id AND"
		  " a.school_id = ? JOIN material_set b ON b.procedure_id = p.id AND b.school_id = ?"
		  " LIMIT 1", "у обеих школ есть комплект материалов процедуры" },
		{ "SELECT CAST(a.year AS TEXT) FROM medalist a WHERE a.school_id = ? AND EXISTS (SELECT 1"
		  " FROM medalist b WHERE b.school_id = ? AND b.year = a.year) LIMIT 1",
		  "у обеих школ есть список медалистов года" },
	};
	for (size_t i = 0; i < sizeof refuse / sizeof *refuse; i++) {
		/* the first three ask about `from` alone and name no object */
		if ((rc = run_ints(d, refuse[i].sql, i < 3 ? 1 : 2, from, into, what, sizeof what)))
			return rc;
		if (*what) {
			snprintf(msg, msglen, "школы нельзя объединить: %s %s", refuse[i].say,
				 i >= 2 ? what : "");
			return ERR_INVALID;
		}
	}
	static const char *const move[] = {
		"UPDATE result SET school_id = ? WHERE school_id = ?",
		"UPDATE result_pack SET school_id = ? WHERE school_id = ?", /* no procedure of both */
		"UPDATE upload_school SET school_id = ? WHERE school_id = ?",
		"UPDATE plan_school SET school_id = ? WHERE school_id = ?",
		"UPDATE material_set SET school_id = ? WHERE school_id = ?",
		"UPDATE material_download SET school_id = ? WHERE school_id = ?",
		"UPDATE sign_result SET school_id = ? WHERE school_id = ?",
		"UPDATE run_histogram SET school_id = ? WHERE school_id = ?",
		"UPDATE school_alias SET school_id = ? WHERE school_id = ?",
		"UPDATE medalist SET school_id = ? WHERE school_id = ?",
	};
	/* A run that assessed both schools keeps its figure of the one that stays. */
	if ((rc = run_ints(d, "DELETE FROM school_risk WHERE school_id = ? AND run_id IN (SELECT"
			      " run_id FROM school_risk WHERE school_id = ?)", 2, from, into, NULL, 0)) ||
	    (rc = run_ints(d, "DELETE FROM run_histogram WHERE school_id = ? AND run_id IN (SELECT"
			      " run_id FROM run_histogram WHERE school_id = ?)", 2, from, into, NULL, 0)) ||
	    (rc = run_ints(d, "UPDATE school_risk SET school_id = ? WHERE school_id = ?", 2, into, from,
			   NULL, 0)))
		return rc;
	for (size_t i = 0; i < sizeof move / sizeof *move; i++)
		if ((rc = run_ints(d, move[i], 2, into, from, NULL, 0)))
			return rc;
	if ((rc = run_ints(d, "DELETE FROM school_key WHERE school_id = ?", 1, from, 0, NULL, 0)) ||
	    (rc = run_ints(d, "DELETE FROM school WHERE id = ?", 1, from, 0, NULL, 0))) {
		snprintf(msg, msglen, "школы нельзя объединить: на вторую школу ещё ссылаются данные (%s)",
			 db_errmsg(d));
		return rc;
	}
	return 0;
}

/* Sets login's alias row: status and reason, pointing at school_id. */
static int alias_put(struct db *d, const char *login, int64_t school_id, const char *status,
		     const char *reason, const char *by)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "INSERT INTO school_alias(login, school_id, status, reason, decided_by)"
				   " VALUES (?, ?, ?, ?, ?) ON CONFLICT(login) DO UPDATE SET"
				   " school_id = excluded.school_id, status = excluded.status,"
				   " reason = excluded.reason, decided_by = excluded.decided_by");
	if (!rc && !(rc = db_bind_text(s, 1, login, -1)) && !(rc = db_bind_int(s, 2, school_id)) &&
	    !(rc = db_bind_text(s, 3, status, -1)) && !(rc = db_bind_text(s, 4, reason, -1)) &&
	    !(rc = db_bind_text(s, 5, by, -1)))
		rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The id of the school whose own login this is (not an alias), or 0. */
static int64_t own_school(struct db *d, const char *login)
{
	struct db_stmt *s = NULL;
	int64_t id = 0;
	if (!db_cached(d, &s, "SELECT id FROM school WHERE login = ?") &&
	    !db_bind_text(s, 1, login, -1) && db_step(s) == DB_ROW)
		id = db_col_int(s, 0);
	if (s)
		db_reset(s);
	return id;
}

int registry_alias_add(struct db *d, const char *login, int64_t school_id, const char *reason,
		       const char *by, char *msg, size_t msglen)
{
	int64_t other = own_school(d, login), now = 0;
	msg[0] = '\0';
	if (other == school_id) {
		snprintf(msg, msglen, "«%s» — собственный логин этой школы", login);
		return ERR_EXISTS;
	}
	if (registry_school_find(d, login, &now) == 0 && now != school_id && !other) {
		snprintf(msg, msglen, "логин «%s» уже принадлежит другой школе как псевдоним", login);
		return ERR_EXISTS;
	}
	int rc = other ? merge_school(d, other, school_id, msg, msglen) : 0;
	return rc ? rc : alias_put(d, login, school_id, "confirmed", reason, by);
}

/* Login prefixes known to be one school's logins in different years: ФИС ОКО gave schools
 * sch… logins until 2021 and edu… ones from 2022 with the same digits. Other prefixes are
 * other kinds of organisations (ksh… special schools share digits with sch… schools). */
static const struct { const char *a, *b; } renamed[] = { { "sch", "edu" } };
_Static_assert(2 * sizeof renamed / sizeof *renamed <= REGISTRY_TWINS_MAX,
	       "REGISTRY_TWINS_MAX holds every twin a login can have");

int registry_alias_propose(struct db *d, int64_t school_id, long *n)
{
	struct db_stmt *s = NULL;
	char login[80];
	*n = 0;
	/* Cached: an import creating thousands of schools asks this for each. */
	login[0] = '\0';
	int rc = db_cached(d, &s, "SELECT login FROM school WHERE id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, school_id)) && (rc = db_step(s)) == DB_ROW)
		snprintf(login, sizeof login, "%s", db_col_text(s, 0));
	if (s)
		db_reset(s);
	rc = rc < 0 ? rc : 0;
	return rc ? rc : registry_alias_propose_login(d, school_id, login, n);
}

int registry_login_twins(const char *login, char twins[][REGISTRY_LOGIN_MAX], int max)
{
	const char *digits = registry_login_digits(login);
	int n = 0;
	if (!digits)
		return 0;
	for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++) {
		for (int side = 0; side < 2 && n < max; side++) {
			const char *mine = side ? renamed[i].b : renamed[i].a;
			const char *other = side ? renamed[i].a : renamed[i].b;
			if (strncmp(login, mine, strlen(mine)) || strlen(mine) != (size_t)(digits - login))
				continue;
			snprintf(twins[n++], REGISTRY_LOGIN_MAX, "%s%s", other, digits);
		}
	}
	return n;
}

int registry_alias_propose_login(struct db *d, int64_t school_id, const char *login, long *n)
{
	struct db_stmt *s = NULL;
	char twins[REGISTRY_TWINS_MAX][REGISTRY_LOGIN_MAX];
	int rc = 0, k = registry_login_twins(login, twins, REGISTRY_TWINS_MAX);
	*n = 0;
	/* The logins this school would have had in the other years: exact look-ups on the
	 * unique index (an import creating thousands of schools asks this for each). */
	for (int i = 0; i < k && !rc; i++) {
		const char *twin = twins[i];
		int64_t twin_id = 0;
		if ((rc = db_cached(d, &s, "SELECT s.id FROM school s WHERE s.login = ? AND NOT EXISTS"
					   " (SELECT 1 FROM school_alias a WHERE a.login IN (s.login, ?))")) ||
		    (rc = db_bind_text(s, 1, twin, -1)) || (rc = db_bind_text(s, 2, login, -1)))
			break;
		if ((rc = db_step(s)) == DB_ROW)
			twin_id = db_col_int(s, 0);
		db_reset(s);
		rc = rc < 0 ? rc : 0;
		if (rc || !twin_id)
			continue;
		/* The newer login is the alias of the school that was there first. */
		bool older = twin_id < school_id;
		rc = alias_put(d, older ? login : twin, older ? twin_id : school_id, "proposed",
			       "те же цифры логина", NULL);
		*n += !rc;
	}
	return rc;
}

int registry_alias_propose_all(struct db *d, long *n)
{
	struct db_stmt *s = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0;
	*n = 0;
	int rc = db_prepare(d, &s, "SELECT id FROM school ORDER BY id");
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		ids = xgrow(ids, &cap, nids + 1, sizeof *ids);
		ids[nids++] = db_col_int(s, 0);
		rc = 0;
	}
	db_finalize(s);
	if (rc == DB_DONE)
		rc = 0;
	for (size_t i = 0; i < nids && !rc; i++) {
		long k;
		if (!(rc = registry_alias_propose(d, ids[i], &k)))
			*n += k;
	}
	free(ids);
	return rc;
}

int registry_alias_decide(struct db *d, const char *login, bool confirm, const char *by, char *msg,
			  size_t msglen)
{
	struct db_stmt *s = NULL;
	int64_t into = 0;
	msg[0] = '\0';
	int rc = db_begin(d);
	if (rc)
		return rc;
	if (!(rc = db_prepare(d, &s, "SELECT school_id FROM school_alias WHERE login = ? AND"
				     " status = 'proposed'")) &&
	    !(rc = db_bind_text(s, 1, login, -1))) {
		rc = db_step(s);
		if (rc == DB_ROW) {
			into = db_col_int(s, 0);
			rc = 0;
		} else if (rc == DB_DONE) {
			snprintf(msg, msglen, "предложения объединить «%s» с другой школой нет", login);
			rc = ERR_NOTFOUND;
		}
	}
	db_finalize(s);
	if (!rc && confirm) {
		int64_t other = own_school(d, login);
		if (other)
			rc = merge_school(d, other, into, msg, msglen);
	}
	if (!rc)
		rc = alias_put(d, login, into, confirm ? "confirmed" : "rejected",
			       "те же цифры логина",
			       by ? by : "");
	if (rc)
		db_rollback(d);
	else if ((rc = db_commit(d)))
		db_rollback(d);
	return rc;
}

/* The login's results are counted procedure by procedure through the primary key
 * (procedure_id, school_id, code): CROSS JOIN keeps SQLite from scanning the whole result
 * table for each alias (1 s for 6 aliases on the demo region; issue 21). */
#define ALIAS_SELECT                                                                             \
	"SELECT a.login, sc.login, sc.name, a.status, a.reason, coalesce(a.decided_by, ''),"     \
	" (SELECT count(*) FROM procedure p CROSS JOIN result r WHERE r.procedure_id = p.id"    \
	" AND r.school_id = (SELECT o.id FROM school o WHERE o.login = a.login)),"              \
	" a.school_id, coalesce((SELECT o.id FROM school o WHERE o.login = a.login), 0)"        \
	" FROM school_alias a JOIN school sc ON sc.id = a.school_id"

static void alias_of_row(struct db_stmt *s, struct registry_alias *a)
{
	*a = (struct registry_alias){
		db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3),
		db_col_text(s, 4), db_col_text(s, 5), db_col_int(s, 6), db_col_int(s, 7),
		db_col_int(s, 8),
	};
}

int registry_alias_get(struct db *d, const char *login, int64_t *school_id, int64_t *own_id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT a.school_id, coalesce((SELECT o.id FROM school o WHERE"
				  " o.login = a.login), 0) FROM school_alias a WHERE a.login = ?");
	if (!rc && !(rc = db_bind_text(s, 1, login, -1)))
		if (!(rc = db_step_one(s))) {
		*school_id = db_col_int(s, 0);
		*own_id = db_col_int(s, 1);
	}
	if (s)
		db_reset(s);
	return rc;
}

int registry_alias_each(struct db *d, const char *status, registry_alias_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, ALIAS_SELECT " WHERE ? IS NULL OR a.status = ?"
				   " ORDER BY a.status = 'proposed' DESC, sc.login, a.login");
	if (!rc && !(rc = db_bind_text(s, 1, status, -1)) && !(rc = db_bind_text(s, 2, status, -1))) {
		while ((rc = db_step(s)) == DB_ROW) {
			struct registry_alias a;
			alias_of_row(s, &a);
			if ((rc = fn(ctx, &a)))
				break;
		}
		if (rc == DB_DONE)
			rc = 0;
	}
	db_finalize(s);
	return rc;
}

/* The school being gathered by registry_school_each: its columns outlive the row. */
struct school_acc {
	struct buf login, name, mun, kind, aliases;
	bool guessed;
};

static int school_emit(struct school_acc *x, registry_school_fn fn, void *ctx)
{
	if (!x->login.len)
		return 0;
	struct registry_school_row r = { buf_str(&x->login), buf_str(&x->name), buf_str(&x->mun),
					 buf_str(&x->kind), buf_str(&x->aliases), x->guessed };
	int rc = fn(ctx, &r);
	buf_reset(&x->login);
	buf_reset(&x->name);
	buf_reset(&x->mun);
	buf_reset(&x->kind);
	buf_reset(&x->aliases);
	return rc;
}

int registry_school_each(struct db *d, bool guessed_only, registry_school_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	struct school_acc x = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, false };
	/* One row per school and confirmed alias; the aliases are joined here, by login. */
	int rc = db_prepare(d, &s, "SELECT sc.login, sc.name, coalesce(m.name, ''), sc.kind,"
				   " sc.kind_guessed, a.login FROM school sc"
				   " LEFT JOIN municipality m ON m.id = sc.municipality_id"
				   " LEFT JOIN school_alias a ON a.school_id = sc.id AND a.status = 'confirmed'"
				   " WHERE ? = 0 OR sc.kind_guessed = 1 ORDER BY sc.login, a.login");
	if (rc || (rc = db_bind_int(s, 1, guessed_only ? 1 : 0)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *login = db_col_text(s, 0);
		if (x.login.len && strcmp(buf_str(&x.login), login) && (rc = school_emit(&x, fn, ctx)))
			goto out;
		if (!x.login.len) {
			buf_puts(&x.login, login);
			buf_puts(&x.name, db_col_text(s, 1));
			buf_puts(&x.mun, db_col_text(s, 2));
			buf_puts(&x.kind, db_col_text(s, 3));
			x.guessed = db_col_int(s, 4) != 0;
		}
		if (!db_col_null(s, 5)) {
			if (x.aliases.len)
				buf_putc(&x.aliases, ' ');
			buf_puts(&x.aliases, db_col_text(s, 5));
		}
	}
	if (rc == DB_DONE)
		rc = school_emit(&x, fn, ctx);
out:
	db_finalize(s);
	buf_free(&x.login);
	buf_free(&x.name);
	buf_free(&x.mun);
	buf_free(&x.kind);
	buf_free(&x.aliases);
	return rc;
}

int registry_alias_count(struct db *d, const char *status, long *n)
{
	struct db_stmt *s = NULL;
	*n = 0;
	int rc = db_cached(d, &s, "SELECT count(*) FROM school_alias WHERE status = ?");
	if (!rc && !(rc = db_bind_text(s, 1, status, -1)) && (rc = db_step(s)) == DB_ROW) {
		*n = (long)db_col_int(s, 0);
		rc = 0;
	}
	if (s)
		db_reset(s);
	return rc < 0 ? rc : 0;
}

/* ---- reading the registry for pages and commands ---- */

int registry_school_get(struct db *d, const char *login, struct arena *a, struct registry_school_card *out)
{
	struct db_stmt *s = NULL;
	memset(out, 0, sizeof *out);
	int rc = db_prepare(d, &s, "SELECT s.id, coalesce(s.municipality_id, 0), s.name, coalesce(m.name, ''),"
				   " s.kind, coalesce(s.settlement, ''), s.indepth, coalesce(s.address, '') FROM school s"
				   " LEFT JOIN municipality m ON m.id = s.municipality_id WHERE s.login = ?");
	if (rc || (rc = db_bind_text(s, 1, login, -1)))
		goto out;
	rc = db_step(s);
	if (rc != DB_ROW) {
		rc = rc == DB_DONE ? ERR_NOTFOUND : rc;
		goto out;
	}
	out->id = db_col_int(s, 0);
	out->municipality_id = db_col_int(s, 1);
	out->name = arena_strdup(a, db_col_text(s, 2));
	out->municipality = arena_strdup(a, db_col_text(s, 3));
	out->kind = arena_strdup(a, db_col_text(s, 4));
	out->settlement = arena_strdup(a, db_col_text(s, 5));
	out->indepth = db_col_int(s, 6) != 0;
	out->address = arena_strdup(a, db_col_text(s, 7));
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

/* ---- the schools list: filtered and ordered in C ----
 *
 * SQLite's LIKE and ORDER BY fold and compare ASCII only, so «табуны» would not find
 * «Табуны» and «№ 10» would sort before «№ 2». The database filters by territory,
 * municipality and kind (bound values, the common dialect); the text search (str_fold on both
 * sides: case, ё, Latin look-alikes) and the natural order are done here, over the rows of
 * one territory — a region's few thousand schools. */

struct list_row {
	char *login, *name, *municipality, *kind, *settlement, *region, *address;
	bool indepth, guessed;
	int64_t results;
};

/* The next code point of s lower-cased for ordering (Latin and Cyrillic, ё as е); *s moves. */
static uint32_t order_cp(const char **s)
{
	uint32_t cp;
	size_t n = utf8_decode(*s, strlen(*s), &cp);
	if (!n) {
		cp = (unsigned char)**s;
		n = 1;
	}
	*s += n;
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 32;
	if (cp == 0x401 || cp == 0x451)
		return 0x435;
	return cp;
}

int registry_natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			/* Numbers by value: skip leading zeros, then the longer run is larger. */
			while (*a == '0' && a[1] >= '0' && a[1] <= '9')
				a++;
			while (*b == '0' && b[1] >= '0' && b[1] <= '9')
				b++;
			size_t na = 0, nb = 0;
			while (a[na] >= '0' && a[na] <= '9')
				na++;
			while (b[nb] >= '0' && b[nb] <= '9')
				nb++;
			if (na != nb)
				return na < nb ? -1 : 1;
			int c = memcmp(a, b, na);
			if (c)
				return c < 0 ? -1 : 1;
			a += na;
			b += nb;
			continue;
		}
		uint32_t ca = order_cp(&a), cb = order_cp(&b);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return *a ? 1 : *b ? -1 : 0;
}

/* One comparison per order (qsort takes no context, and pages sort on several threads). */
static int by_name(const void *pa, const void *pb)
{
	const struct list_row *a = pa, *b = pb;
	int c = registry_natural_cmp(a->name, b->name);
	return c ? c : registry_natural_cmp(a->login, b->login);
}

static int by_login(const void *pa, const void *pb)
{
	const struct list_row *a = pa, *b = pb;
	return registry_natural_cmp(a->login, b->login);
}

static int by_municipality(const void *pa, const void *pb)
{
	const struct list_row *a = pa, *b = pb;
	/* schools without a municipality first: they need a person's attention */
	if (!*a->municipality != !*b->municipality)
		return *a->municipality ? 1 : -1;
	int c = registry_natural_cmp(a->municipality, b->municipality);
	return c ? c : by_name(pa, pb);
}

static int by_results(const void *pa, const void *pb)
{
	const struct list_row *a = pa, *b = pb;
	if (a->results != b->results)
		return a->results > b->results ? -1 : 1;
	return by_name(pa, pb);
}

static void rows_free(struct list_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].login);
		free(v[i].name);
		free(v[i].municipality);
		free(v[i].kind);
		free(v[i].settlement);
		free(v[i].region);
		free(v[i].address);
	}
	free(v);
}

static bool folded_has(const char *s, const char *q, struct buf *tmp)
{
	return !str_fold(s, strlen(s), tmp) && strstr(buf_str(tmp), q);
}

int registry_school_list(struct db *d, const struct scope *sc, const struct registry_school_filter *f,
			 registry_school_item_fn fn, void *ctx, long *total)
{
	struct db_stmt *s = NULL;
	struct list_row *v = NULL;
	size_t n = 0, cap = 0;
	struct buf q = BUF_INIT, tmp = BUF_INIT;
	int rc;
	if (total)
		*total = 0;
	if ((unsigned)f->order >= REGISTRY_NORDERS)
		return ERR_INVALID;
	if (f->q && *f->q && (rc = str_fold(f->q, strlen(f->q), &q)))
		goto out;
	const char *fq = buf_str(&q);
	if ((rc = db_prepare(d, &s, "SELECT s.login, s.name, coalesce(m.name, ''), s.kind, coalesce(s.settlement, ''),"
				    " s.indepth, (SELECT coalesce(sum(x.rows), 0) FROM result_pair x WHERE x.school_id = s.id),"
				    " s.kind_guessed, coalesce(rg.name, ''), coalesce(s.address, '') FROM school s"
				    " LEFT JOIN municipality m ON m.id = s.municipality_id"
				    " LEFT JOIN region rg ON rg.id = m.region_id"
				    " WHERE " SCOPE_SQL("s") " AND (?3 = 0 OR s.municipality_id = ?3)"
				    " AND (?4 = '' OR s.kind = ?4)")) ||
	    (rc = scope_bind(s, sc)) || (rc = db_bind_int(s, 3, f->municipality_id)) ||
	    (rc = db_bind_text(s, 4, f->kind ? f->kind : "", -1)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *login = db_col_text(s, 0), *name = db_col_text(s, 1);
		if (*fq && !folded_has(login, fq, &tmp) && !folded_has(name, fq, &tmp))
			continue;
		v = xgrow(v, &cap, n + 1, sizeof *v);
		v[n++] = (struct list_row){
			xstrdup(login), xstrdup(name), xstrdup(db_col_text(s, 2)), xstrdup(db_col_text(s, 3)),
			xstrdup(db_col_text(s, 4)), xstrdup(db_col_text(s, 8)), xstrdup(db_col_text(s, 9)),
			db_col_int(s, 5) != 0, db_col_int(s, 7) != 0, db_col_int(s, 6),
		};
	}
	if (rc < 0)
		goto out;
	rc = 0;
	static int (*const cmp[REGISTRY_NORDERS])(const void *, const void *) = {
		by_name, by_login, by_municipality, by_results,
	};
	if (n > 1)
		qsort(v, n, sizeof *v, cmp[f->order]);
	if (total)
		*total = (long)n;
	size_t from = f->offset > 0 ? (size_t)f->offset : 0;
	size_t to = f->limit > 0 && from + (size_t)f->limit < n ? from + (size_t)f->limit : n;
	for (size_t i = from; i < to; i++) {
		struct registry_school_item x = {
			v[i].login, v[i].name, v[i].municipality, v[i].kind, v[i].settlement,
			v[i].indepth, v[i].guessed, v[i].results, v[i].region, v[i].address,
		};
		if ((rc = fn(ctx, &x)))
			break;
	}
out:
	db_finalize(s);
	rows_free(v, n);
	buf_free(&q);
	buf_free(&tmp);
	return rc;
}

int registry_municipality_each(struct db *d, const struct scope *sc, registry_municipality_fn fn,
			       void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT m.id, m.name FROM municipality m WHERE " SCOPE_MUN_SQL("m.id")
				   " ORDER BY m.name");
	if (!rc && !(rc = scope_bind(s, sc)))
		while ((rc = db_step(s)) == DB_ROW && !(rc = fn(ctx, db_col_int(s, 0), db_col_text(s, 1))))
			;
	db_finalize(s);
	return rc;
}

int registry_region_each(struct db *d, registry_region_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT id, name FROM region ORDER BY name");
	while (!rc && (rc = db_step(s)) == DB_ROW)
		rc = fn(ctx, db_col_int(s, 0), db_col_text(s, 1));
	db_finalize(s);
	return rc;
}

int registry_municipality_find(struct db *d, const char *name, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT id FROM municipality WHERE name = ? ORDER BY id LIMIT 1");
	if (rc || (rc = db_bind_text(s, 1, name, -1)))
		goto out;
	if (!(rc = db_step_one(s))) {
		*id = db_col_int(s, 0);
	}
out:
	db_finalize(s);
	return rc;
}

int registry_first_school(struct db *d, char *municipality, size_t mn, char *login, size_t ln)
{
	struct db_stmt *s = NULL;
	municipality[0] = login[0] = '\0';
	int rc = db_prepare(d, &s, "SELECT m.name, sc.login FROM municipality m JOIN school sc"
				   " ON sc.municipality_id = m.id ORDER BY m.name, sc.login LIMIT 1");
	if (!rc && (rc = db_step(s)) == DB_ROW) {
		snprintf(municipality, mn, "%s", db_col_text(s, 0));
		snprintf(login, ln, "%s", db_col_text(s, 1));
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

int registry_school_login_of(struct db *d, int64_t id, char *out, size_t n)
{
	struct db_stmt *s = NULL;
	out[0] = '\0';
	int rc = db_prepare(d, &s, "SELECT login FROM school WHERE id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, id)) && !(rc = db_step_one(s)))
		snprintf(out, n, "%s", db_col_text(s, 0));
	db_finalize(s);
	return rc;
}

/* ---- editing the registry from the web ---- */

static int check_school_edit(struct db *d, const struct registry_school_edit *e, const char **kind,
			     const char **settlement, char *msg, size_t msglen)
{
	int64_t region;
	if (!e->name || !*e->name || strlen(e->name) > 300) {
		snprintf(msg, msglen, "укажите название школы (не длиннее 300 байт)");
		return ERR_INVALID;
	}
	if (!(*kind = e->kind && *e->kind ? registry_kind_canonical(e->kind) : NULL)) {
		snprintf(msg, msglen, "выберите тип школы: СОШ, ООШ, НОШ, лицей, гимназия, филиал или другое");
		return ERR_INVALID;
	}
	*settlement = e->settlement && *e->settlement ? registry_settlement_canonical(e->settlement) : NULL;
	if (e->settlement && *e->settlement && !*settlement) {
		snprintf(msg, msglen, "местность — «город» или «село»");
		return ERR_INVALID;
	}
	if (e->address && strlen(e->address) > 300) {
		snprintf(msg, msglen, "адрес не длиннее 300 байт");
		return ERR_INVALID;
	}
	if (e->municipality_id <= 0 || registry_municipality_region(d, e->municipality_id, &region)) {
		snprintf(msg, msglen, "выберите муниципалитет из списка");
		return ERR_INVALID;
	}
	return 0;
}

static int bind_school_edit(struct db_stmt *s, const struct registry_school_edit *e, const char *kind,
			    const char *settlement)
{
	int rc;
	if ((rc = db_bind_text(s, 1, e->name, -1)) || (rc = db_bind_int(s, 2, e->municipality_id)) ||
	    (rc = db_bind_text(s, 3, kind, -1)) ||
	    (rc = settlement ? db_bind_text(s, 4, settlement, -1) : db_bind_null(s, 4)) ||
	    (rc = db_bind_int(s, 5, e->indepth ? 1 : 0)))
		return rc;
	return e->address && *e->address ? db_bind_text(s, 6, e->address, -1) : db_bind_null(s, 6);
}

int registry_school_add(struct db *d, const char *login, const struct registry_school_edit *e,
			int64_t *id, char *msg, size_t msglen)
{
	const char *kind, *settlement;
	struct db_stmt *s = NULL;
	int64_t other;
	int rc;
	if (!login || !registry_login_valid(login)) {
		snprintf(msg, msglen, "логин — от 1 до 64 латинских букв, цифр и знаков «_», «-»");
		return ERR_INVALID;
	}
	if ((rc = check_school_edit(d, e, &kind, &settlement, msg, msglen)))
		return rc;
	if (registry_school_find(d, login, &other) == 0) {
		snprintf(msg, msglen, "логин «%s» уже занят: такая школа (или её второй логин) есть в реестре",
			 login);
		return ERR_EXISTS;
	}
	if ((rc = db_prepare(d, &s, "INSERT INTO school(name, municipality_id, kind, settlement, indepth,"
				    " address, login) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) ||
	    (rc = bind_school_edit(s, e, kind, settlement)) || (rc = db_bind_text(s, 7, login, -1)))
		goto out;
	if ((rc = db_step(s)) < 0) {
		if (rc == ERR_INVALID) {
			snprintf(msg, msglen, "логин «%s» уже занят", login);
			rc = ERR_EXISTS;
		}
		goto out;
	}
	rc = registry_school_find(d, login, id ? id : &other);
out:
	db_finalize(s);
	return rc;
}

int registry_school_update(struct db *d, const char *login, const struct registry_school_edit *e,
			   char *msg, size_t msglen)
{
	const char *kind, *settlement;
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = check_school_edit(d, e, &kind, &settlement, msg, msglen)))
		return rc;
	/* A person sets the kind: it is no longer a guess from the name. */
	if ((rc = db_prepare(d, &s, "UPDATE school SET name = ?1, municipality_id = ?2, kind = ?3,"
				    " settlement = ?4, indepth = ?5, address = ?6, kind_guessed = 0"
				    " WHERE login = ?7")) ||
	    (rc = bind_school_edit(s, e, kind, settlement)) || (rc = db_bind_text(s, 7, login, -1)) ||
	    (rc = db_step(s)) < 0)
		goto out;
	rc = db_changes(d) ? 0 : ERR_NOTFOUND;
	if (rc)
		snprintf(msg, msglen, "школы с логином «%s» нет", login);
out:
	db_finalize(s);
	return rc;
}

static int municipality_name_check(const char *name, char *msg, size_t msglen)
{
	if (!name || !*name || strlen(name) > 300) {
		snprintf(msg, msglen, "укажите название муниципалитета (не длиннее 300 байт)");
		return ERR_INVALID;
	}
	return 0;
}

int registry_municipality_add(struct db *d, int64_t region_id, const char *name, int64_t *id,
			      char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = municipality_name_check(name, msg, msglen)))
		return rc;
	if ((rc = db_prepare(d, &s, "INSERT INTO municipality(region_id, name) SELECT id, ?2 FROM region"
				    " WHERE id = ?1 RETURNING id")) ||
	    (rc = db_bind_int(s, 1, region_id)) || (rc = db_bind_text(s, 2, name, -1)))
		goto out;
	rc = db_step(s);
	if (rc == DB_ROW) {
		if (id)
			*id = db_col_int(s, 0);
		db_reset(s);
		rc = 0;
	} else if (rc == DB_DONE) {
		snprintf(msg, msglen, "такого региона нет");
		rc = ERR_NOTFOUND;
	} else if (rc == ERR_INVALID) {
		snprintf(msg, msglen, "муниципалитет «%s» в этом регионе уже есть", name);
		rc = ERR_EXISTS;
	}
out:
	db_finalize(s);
	return rc;
}

int registry_municipality_rename(struct db *d, int64_t id, const char *name, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = municipality_name_check(name, msg, msglen)))
		return rc;
	if ((rc = db_prepare(d, &s, "UPDATE municipality SET name = ? WHERE id = ?")) ||
	    (rc = db_bind_text(s, 1, name, -1)) || (rc = db_bind_int(s, 2, id)))
		goto out;
	rc = db_step(s);
	if (rc == ERR_INVALID) {
		snprintf(msg, msglen, "муниципалитет «%s» в этом регионе уже есть", name);
		rc = ERR_EXISTS;
	} else if (rc >= 0) {
		rc = db_changes(d) ? 0 : ERR_NOTFOUND;
		if (rc)
			snprintf(msg, msglen, "такого муниципалитета нет");
	}
out:
	db_finalize(s);
	return rc;
}

int registry_municipality_region(struct db *d, int64_t id, int64_t *region_id)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT region_id FROM municipality WHERE id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, id)) && !(rc = db_step_one(s)))
		*region_id = db_col_int(s, 0);
	db_finalize(s);
	return rc;
}
