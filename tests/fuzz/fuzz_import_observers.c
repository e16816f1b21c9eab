/* libFuzzer target for the observers' importers: the registry (import_observers) and the
 * sittings' dates (import_sittings) share one input — the file (CSV, or XLSX when it
 * starts like a zip) is imported as both into a fresh copy of a database with two
 * municipalities, three schools and a campaign of two procedures, one school's sitting
 * fixed. Each import runs as a dry run and then for real: a dry run, and any refused
 * import, must leave the observers' and the plan-graph's tables exactly as they were; a
 * refusal must name an error; nothing may leak.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_import.h"
#include "import/import.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"

static const char TABLES_SQL[] =
	"SELECT code || '|' || name || '|' || kind || '|' || coalesce(municipality_id, 0) || '|' || "
	"max_per_day FROM observer UNION ALL SELECT observer_id || '|' || school_id || '|' || why "
	"FROM observer_school UNION ALL SELECT observer_id || '|' || day FROM observer_day "
	"UNION ALL SELECT procedure_id || '|' || school_id || '|' || coalesce(sit_date, '') || '|' "
	"|| coalesce(sit_time, '') FROM plan_school ORDER BY 1";

static int64_t campaign;

static int64_t add_procedure(struct db *d, const char *code)
{
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	IMP_CHECK(p != NULL);
	IMP_CHECK(procedure_code_parse(code, p, msg, sizeof msg) == 0);
	IMP_CHECK(procedure_positions_parse("1:1:Б 2:2:Б", p, msg, sizeof msg) == 0);
	IMP_CHECK(procedure_put(d, p, msg, sizeof msg) == 0);
	int64_t id = p->id;
	free(p);
	return id;
}

static void seed(struct db *d)
{
	static const struct plan_dates dates = { { "2021-03-10", "2021-03-15", "2021-05-21",
						   "2021-03-15", "2021-03-15", "2021-05-25" } };
	struct school s1 = { .login = "sch1", .name = "Школа 1", .municipality = "М1", .region = "Р" };
	struct school s2 = { .login = "sch2", .name = "Школа 2", .municipality = "М1", .region = "Р" };
	struct school s3 = { .login = "sch3", .name = "Школа 3", .municipality = "М2", .region = "Р" };
	int64_t a, b, c;
	bool created;
	char msg[256];
	long added;
	IMP_CHECK(registry_school_put(d, &s1, &a) == 0);
	IMP_CHECK(registry_school_put(d, &s2, &b) == 0);
	IMP_CHECK(registry_school_put(d, &s3, &c) == 0);
	int64_t ma4 = add_procedure(d, "VPR-2021-MA-4"), ru4 = add_procedure(d, "VPR-2021-RU-4");
	IMP_CHECK(plan_campaign_put(d, "ВПР весна 2021", &campaign, &created) == 0);
	IMP_CHECK(plan_procedure_put(d, campaign, ma4, &dates, msg, sizeof msg) == 0);
	IMP_CHECK(plan_procedure_put(d, campaign, ru4, &dates, msg, sizeof msg) == 0);
	IMP_CHECK(plan_assign(d, &(struct scope){ SCOPE_ALL, 0 }, campaign, ma4, a, 0, "fuzz", &added) == 0);
	IMP_CHECK(plan_fix_date(d, ma4, a, NULL, "2021-04-13", "10:00", "fuzz", msg, sizeof msg) == 0);
}

static int run(struct db *d, bool dry, bool sittings)
{
	struct import_opts o = { .dry_run = dry };
	struct import_stats st;
	struct diag_list dl;
	diag_init(&dl, 100);
	char *before = imp_dump(d, TABLES_SQL);
	int rc = sittings ? import_sittings(d, imp_input, &o, &dl, &st)
			  : import_observers(d, imp_input, &o, campaign, &dl, &st);
	imp_check_diags(&dl, rc);
	IMP_CHECK(st.summary[0] != '\0');
	char *after = imp_dump(d, TABLES_SQL);
	if (rc || dry)
		IMP_CHECK(strcmp(before, after) == 0);
	else
		IMP_CHECK(st.created + st.updated <= st.rows);
	free(before);
	free(after);
	diag_free(&dl);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	imp_init(seed);
	imp_write(data, size);
	for (int k = 0; k < 2; k++) {
		struct db *d = imp_db();
		int rc = run(d, true, k == 1);
		/* The real import decides as the dry run did, before anything is stored. */
		IMP_CHECK((run(d, false, k == 1) == 0) == (rc == 0));
		db_close(d);
	}
	return 0;
}
