/* Unit tests of model/scope: every role and territory, two regions, a school with no
 * municipality yet, unknown ids; and for every scope, the SQL filter (SCOPE_SQL,
 * SCOPE_MUN_SQL) must give exactly the schools and municipalities the C answers give. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/scope.h"

static char dir[64], path[128];
static struct db *db;

/* Two regions: R1 with municipalities A and B, R2 with C. Schools: a1, a2 in A, b1 in B,
 * c1 in C, and x1 with no municipality yet (first seen in a results file). */
static int64_t r1, r2, mA, mB, mC, a1, a2, b1, c1, x1, proc;

enum { NSCHOOL = 5, NMUN = 3 };
static int64_t *schools[NSCHOOL] = { &a1, &a2, &b1, &c1, &x1 };
static int64_t *muns[NMUN] = { &mA, &mB, &mC };

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-scope-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	struct school sa1 = { .login = "sch1", .name = "Школа 1", .municipality = "А", .region = "Р1" };
	struct school sa2 = { .login = "sch2", .name = "Школа 2", .municipality = "А", .region = "Р1" };
	struct school sb1 = { .login = "sch3", .name = "Школа 3", .municipality = "Б", .region = "Р1" };
	/* The same municipality name in another region is another municipality. */
	struct school sc1 = { .login = "sch4", .name = "Школа 4", .municipality = "В", .region = "Р2" };
	struct school sx1 = { .login = "sch5", .name = "Школа 5" };
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	int rc = !p || registry_school_put(db, &sa1, &a1) || registry_school_put(db, &sa2, &a2) ||
		 registry_school_put(db, &sb1, &b1) || registry_school_put(db, &sc1, &c1) ||
		 registry_school_put(db, &sx1, &x1) || registry_region_id(db, "Р1", &r1) ||
		 registry_region_id(db, "Р2", &r2) || registry_municipality_id(db, r1, "А", &mA) ||
		 registry_municipality_id(db, r1, "Б", &mB) || registry_municipality_id(db, r2, "В", &mC) ||
		 procedure_code_parse("VPR-2021-MA-4", p, msg, sizeof msg) ||
		 procedure_positions_parse("1:1:Б 2:2:Б", p, msg, sizeof msg) ||
		 procedure_put(db, p, msg, sizeof msg);
	proc = p ? p->id : 0;
	free(p);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct user user_of(enum role role, int64_t region, int64_t mun, int64_t school)
{
	struct user u;
	memset(&u, 0, sizeof u);
	u.role = role;
	u.region_id = region;
	u.municipality_id = mun;
	u.school_id = school;
	return u;
}

static void test_scope_of(void **state)
{
	(void)state;
	struct user u;
	struct scope s = scope_of(NULL);
	assert_int_equal(s.kind, SCOPE_ALL);
	u = user_of(ROLE_ADMIN, 0, 0, 0);
	assert_int_equal(scope_of(&u).kind, SCOPE_ALL);
	/* An administrator's territory fields do not narrow it. */
	u = user_of(ROLE_ADMIN, r1, mA, a1);
	assert_int_equal(scope_of(&u).kind, SCOPE_ALL);
	u = user_of(ROLE_REGION, 0, 0, 0);
	assert_int_equal(scope_of(&u).kind, SCOPE_ALL);
	u = user_of(ROLE_REGION, r2, 0, 0);
	s = scope_of(&u);
	assert_int_equal(s.kind, SCOPE_REGION);
	assert_int_equal(s.id, r2);
	u = user_of(ROLE_MUNICIPALITY, 0, mB, 0);
	s = scope_of(&u);
	assert_int_equal(s.kind, SCOPE_MUNICIPALITY);
	assert_int_equal(s.id, mB);
	u = user_of(ROLE_MUNICIPALITY, 0, 0, 0);
	assert_int_equal(scope_of(&u).kind, SCOPE_NONE);
	u = user_of(ROLE_SCHOOL, 0, 0, x1);
	s = scope_of(&u);
	assert_int_equal(s.kind, SCOPE_SCHOOL);
	assert_int_equal(s.id, x1);
	u = user_of(ROLE_SCHOOL, 0, 0, 0);
	assert_int_equal(scope_of(&u).kind, SCOPE_NONE);
	/* Experts and observers have no territory, whatever fields they carry. */
	u = user_of(ROLE_EXPERT, r1, mA, a1);
	assert_int_equal(scope_of(&u).kind, SCOPE_NONE);
	u = user_of(ROLE_OBSERVER, r1, mA, a1);
	assert_int_equal(scope_of(&u).kind, SCOPE_NONE);
	u = user_of(ROLE_COUNT, r1, 0, 0);
	assert_int_equal(scope_of(&u).kind, SCOPE_NONE);
	s = scope_all();
	assert_int_equal(s.kind, SCOPE_ALL);
	assert_int_equal(s.id, 0);
}

/* What one scope must see: schools, municipalities and regions as bit sets over the
 * arrays above (regions: bit 0 = R1, bit 1 = R2), and procedures. */
struct expect {
	const char *what;
	struct user u;
	unsigned schools, muns, regions;
	bool procedures;
};

/* The schools a SCOPE_SQL query returns, as a bit set over schools[]. */
static unsigned sql_schools(const struct scope *sc)
{
	struct db_stmt *s = NULL;
	unsigned got = 0;
	assert_int_equal(db_prepare(db, &s, "SELECT s.id FROM school s WHERE " SCOPE_SQL("s")
					    " ORDER BY s.id"), 0);
	assert_int_equal(scope_bind(s, sc), 0);
	while (db_step(s) == DB_ROW) {
		int64_t id = db_col_int(s, 0);
		int k = -1;
		for (int i = 0; i < NSCHOOL; i++)
			if (*schools[i] == id)
				k = i;
		assert_true(k >= 0);
		got |= 1u << k;
	}
	db_finalize(s);
	return got;
}

/* The municipalities a SCOPE_MUN_SQL query returns, as a bit set over muns[]. */
static unsigned sql_muns(const struct scope *sc)
{
	struct db_stmt *s = NULL;
	unsigned got = 0;
	assert_int_equal(db_prepare(db, &s, "SELECT m.id FROM municipality m WHERE " SCOPE_MUN_SQL("m.id")),
			 0);
	assert_int_equal(scope_bind(s, sc), 0);
	while (db_step(s) == DB_ROW) {
		int64_t id = db_col_int(s, 0);
		for (int i = 0; i < NMUN; i++)
			if (*muns[i] == id)
				got |= 1u << i;
	}
	db_finalize(s);
	return got;
}

static void check(const struct expect *e)
{
	struct scope sc = scope_of(&e->u);
	unsigned c_schools = 0, c_muns = 0, c_regions = 0;
	for (int i = 0; i < NSCHOOL; i++)
		if (scope_sees_school(db, &sc, *schools[i]))
			c_schools |= 1u << i;
	for (int i = 0; i < NMUN; i++)
		if (scope_sees_municipality(db, &sc, *muns[i]))
			c_muns |= 1u << i;
	if (scope_sees_region(db, &sc, r1))
		c_regions |= 1;
	if (scope_sees_region(db, &sc, r2))
		c_regions |= 2;
	if (c_schools != e->schools || c_muns != e->muns || c_regions != e->regions)
		fail_msg("%s: schools %u muns %u regions %u, expected %u %u %u", e->what, c_schools, c_muns,
			 c_regions, e->schools, e->muns, e->regions);
	assert_int_equal(scope_sees_procedure(db, &sc, proc), e->procedures);
	/* The SQL and the C answers agree on every school and municipality. */
	if (sql_schools(&sc) != c_schools || sql_muns(&sc) != c_muns)
		fail_msg("%s: SQL sees schools %u muns %u, C %u %u", e->what, sql_schools(&sc), sql_muns(&sc),
			 c_schools, c_muns);
	/* Unknown and impossible ids are seen by nobody. */
	for (int64_t id = -1; id <= 0; id++) {
		assert_false(scope_sees_school(db, &sc, id));
		assert_false(scope_sees_municipality(db, &sc, id));
		assert_false(scope_sees_region(db, &sc, id));
		assert_false(scope_sees_procedure(db, &sc, id));
	}
	assert_false(scope_sees_school(db, &sc, 999999));
	assert_false(scope_sees_municipality(db, &sc, 999999));
	assert_false(scope_sees_region(db, &sc, 999999));
	assert_false(scope_sees_procedure(db, &sc, 999999));
}

/* bits of schools[]: a1 1, a2 2, b1 4, c1 8, x1 16; of muns[]: A 1, B 2, C 4 */
static void test_roles(void **state)
{
	(void)state;
	const struct expect ex[] = {
		{ "admin", user_of(ROLE_ADMIN, 0, 0, 0), 31, 7, 3, true },
		{ "region unbound", user_of(ROLE_REGION, 0, 0, 0), 31, 7, 3, true },
		/* A region sees its schools and those with no municipality, nothing of R2. */
		{ "region R1", user_of(ROLE_REGION, r1, 0, 0), 1 | 2 | 4 | 16, 1 | 2, 1, true },
		{ "region R2", user_of(ROLE_REGION, r2, 0, 0), 8 | 16, 4, 2, true },
		/* A municipality sees its schools only, never a school without municipality. */
		{ "municipality A", user_of(ROLE_MUNICIPALITY, 0, mA, 0), 1 | 2, 1, 0, true },
		{ "municipality B", user_of(ROLE_MUNICIPALITY, 0, mB, 0), 4, 2, 0, true },
		{ "municipality C", user_of(ROLE_MUNICIPALITY, 0, mC, 0), 8, 4, 0, true },
		{ "municipality unbound", user_of(ROLE_MUNICIPALITY, 0, 0, 0), 0, 0, 0, false },
		/* A school sees itself and no municipality, not even its own. */
		{ "school a1", user_of(ROLE_SCHOOL, 0, 0, a1), 1, 0, 0, true },
		{ "school c1", user_of(ROLE_SCHOOL, 0, 0, c1), 8, 0, 0, true },
		{ "school x1 (no municipality)", user_of(ROLE_SCHOOL, 0, 0, x1), 16, 0, 0, true },
		{ "school unbound", user_of(ROLE_SCHOOL, 0, 0, 0), 0, 0, 0, false },
		{ "expert", user_of(ROLE_EXPERT, 0, 0, 0), 0, 0, 0, false },
		{ "expert with fields", user_of(ROLE_EXPERT, r1, mA, a1), 0, 0, 0, false },
		{ "observer", user_of(ROLE_OBSERVER, r1, mA, a1), 0, 0, 0, false },
	};
	for (size_t i = 0; i < sizeof ex / sizeof *ex; i++)
		check(&ex[i]);
}

/* Scopes made directly (not through a user), including territories that do not exist. */
static void test_direct_scopes(void **state)
{
	(void)state;
	struct scope none = { SCOPE_NONE, 0 }, ghost_reg = { SCOPE_REGION, 999999 },
		     ghost_mun = { SCOPE_MUNICIPALITY, 999999 }, ghost_school = { SCOPE_SCHOOL, 999999 };
	assert_int_equal(sql_schools(&none), 0);
	assert_false(scope_sees_school(db, &none, a1));
	/* A region not in the database still sees the schools no municipality holds: the SQL
	 * and C agree. */
	assert_int_equal(sql_schools(&ghost_reg), 16);
	assert_true(scope_sees_school(db, &ghost_reg, x1));
	assert_false(scope_sees_school(db, &ghost_reg, a1));
	assert_false(scope_sees_region(db, &ghost_reg, r1));
	assert_int_equal(sql_muns(&ghost_reg), 0);
	assert_int_equal(sql_schools(&ghost_mun), 0);
	assert_false(scope_sees_school(db, &ghost_mun, x1));
	assert_int_equal(sql_schools(&ghost_school), 0);
	assert_false(scope_sees_school(db, &ghost_school, a1));
	/* A scope's school, municipality or region id is never taken for another kind's. */
	struct scope mun_as_school = { SCOPE_MUNICIPALITY, a1 }, school_as_mun = { SCOPE_SCHOOL, mA };
	for (int i = 0; i < NSCHOOL; i++) {
		assert_int_equal(scope_sees_school(db, &mun_as_school, *schools[i]),
				 (sql_schools(&mun_as_school) >> i) & 1);
		assert_int_equal(scope_sees_school(db, &school_as_mun, *schools[i]),
				 (sql_schools(&school_as_mun) >> i) & 1);
	}
}

static void test_key(void **state)
{
	(void)state;
	char k[32];
	scope_key(&(struct scope){ SCOPE_ALL, 0 }, k, sizeof k);
	assert_string_equal(k, "all");
	scope_key(&(struct scope){ SCOPE_NONE, 0 }, k, sizeof k);
	assert_string_equal(k, "none");
	scope_key(&(struct scope){ SCOPE_REGION, 3 }, k, sizeof k);
	assert_string_equal(k, "reg:3");
	scope_key(&(struct scope){ SCOPE_MUNICIPALITY, 12 }, k, sizeof k);
	assert_string_equal(k, "mun:12");
	scope_key(&(struct scope){ SCOPE_SCHOOL, 40 }, k, sizeof k);
	assert_string_equal(k, "school:40");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_of),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_direct_scopes),
		cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
