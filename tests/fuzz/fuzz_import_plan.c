/* libFuzzer target for the plan-graph importer (import_plan): the input is the file (CSV, or
 * XLSX when it starts like a zip), imported into a fresh copy of a database that knows two
 * procedures, one of them already planned with a school's fixed date, so the checks that
 * need the database (another campaign, a date outside a new window) run too. Each input is
 * imported as a dry run and then for real: a dry run, and any refused import, must leave
 * the plan tables exactly as they were; a refusal must name an error; nothing may leak.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_import.h"
#include "import/import.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"

static const char PLAN_SQL[] =
	"SELECT c.name || '|' || p.procedure_id || '|' || p.materials_from || '|' || p.window_from "
	"|| '|' || p.window_to || '|' || p.criteria_from || '|' || p.form_from || '|' || "
	"p.upload_deadline FROM plan_procedure p JOIN campaign c ON c.id = p.campaign_id "
	"UNION ALL SELECT name FROM campaign UNION ALL SELECT procedure_id || '|' || school_id || "
	"'|' || coalesce(sit_date, '') FROM plan_school ORDER BY 1";

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

/* Two procedures; MA-4 planned in «ВПР весна 2021» with school sch1 sitting on 2021-04-13. */
static void seed(struct db *d)
{
	static const struct plan_dates dates = { { "2021-03-10", "2021-03-15", "2021-05-21",
						   "2021-03-15", "2021-03-15", "2021-05-25" } };
	struct school s = { .login = "sch1", .name = "Школа 1", .municipality = "М1", .region = "Р" };
	int64_t school, camp;
	bool created;
	char msg[256];
	long added;
	IMP_CHECK(registry_school_put(d, &s, &school) == 0);
	int64_t ma4 = add_procedure(d, "VPR-2021-MA-4");
	add_procedure(d, "VPR-2021-RU-4");
	IMP_CHECK(plan_campaign_put(d, "ВПР весна 2021", &camp, &created) == 0);
	IMP_CHECK(plan_procedure_put(d, camp, ma4, &dates, msg, sizeof msg) == 0);
	IMP_CHECK(plan_assign(d, &(struct scope){ SCOPE_ALL, 0 }, camp, ma4, school, 0, "fuzz", &added) == 0);
	IMP_CHECK(plan_fix_date(d, ma4, school, NULL, "2021-04-13", "10:00", "fuzz", msg,
				sizeof msg) == 0);
}

static int run(struct db *d, bool dry)
{
	struct import_opts o = { .dry_run = dry };
	struct import_stats st;
	struct diag_list dl;
	diag_init(&dl, 100);
	char *before = imp_dump(d, PLAN_SQL);
	int rc = import_plan(d, imp_input, &o, &dl, &st);
	imp_check_diags(&dl, rc);
	IMP_CHECK(st.summary[0] != '\0');
	char *after = imp_dump(d, PLAN_SQL);
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
	struct db *d = imp_db();
	int rc = run(d, true);
	/* The real import decides as the dry run did, before anything is stored. */
	IMP_CHECK((run(d, false) == 0) == (rc == 0));
	db_close(d);
	return 0;
}
