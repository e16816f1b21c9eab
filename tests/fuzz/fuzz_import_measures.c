/* libFuzzer target for the importer of plans of measures (import_measures): the input (CSV,
 * or XLSX when it starts like a zip) is imported into a plan of a fresh copy of a database
 * with one region, a plan of the school year 2020/21 and one block with one measure. The
 * import runs as a dry run and then for real: a dry run, and any refused import, must leave
 * the plans' tables exactly as they were; a refusal must name an error; a stored file adds
 * st->created measures, each with text and a due date that is a real date or none. Then the
 * round trip: the plan exported as XLSX (report/measures_table) and imported into a new
 * plan of the same period gives the same blocks and measures. Nothing may leak.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_import.h"
#include "import/import.h"
#include "model/measure.h"
#include "model/plan.h"
#include "model/registry.h"
#include "report/measures_table.h"

static const char TABLES_SQL[] =
	"SELECT id || '|' || plan_id || '|' || pos || '|' || title FROM mplan_block UNION ALL "
	"SELECT id || '|' || block_id || '|' || pos || '|' || text || '|' || term || '|' || "
	"coalesce(due, '') || '|' || responsible || '|' || expected || '|' || specifics || '|' || status "
	"FROM measure "
	"ORDER BY 1";

static int64_t region_id;

static int64_t new_plan(struct db *d)
{
	struct mp_plan *p = calloc(1, sizeof *p);
	char msg[256];
	IMP_CHECK(p != NULL);
	p->level = MP_REGION;
	p->region_id = region_id;
	snprintf(p->title, sizeof p->title, "План");
	snprintf(p->period_from, sizeof p->period_from, "2020-09-01");
	snprintf(p->period_to, sizeof p->period_to, "2021-08-31");
	IMP_CHECK(mplan_add(d, p, "fuzz", msg, sizeof msg) == 0);
	int64_t id = p->id;
	free(p);
	return id;
}

static void seed(struct db *d)
{
	struct school s = { .login = "sch1", .name = "Школа 1", .municipality = "М1", .region = "Р" };
	int64_t sid, mid;
	IMP_CHECK(registry_school_put(d, &s, &sid) == 0);
	IMP_CHECK(registry_school_territory(d, sid, &mid, &region_id) == 0 && region_id);
	int64_t plan = new_plan(d), block;
	IMP_CHECK(mplan_block_add(d, plan, "Анализ результатов", &block) == 0);
	struct mp_measure *m = calloc(1, sizeof *m);
	char msg[256];
	IMP_CHECK(m != NULL);
	m->plan_id = plan;
	m->block_id = block;
	snprintf(m->text, sizeof m->text, "Собеседование с руководителями");
	snprintf(m->term, sizeof m->term, "март 2021 г.");
	snprintf(m->due, sizeof m->due, "2021-03-31");
	IMP_CHECK(measure_add(d, m, "fuzz", msg, sizeof msg) == 0);
	free(m);
}

/* The plan's content without ids: block title, text, term, due, responsible, expected,
 * specifics. */
static char *content(struct db *d, int64_t plan)
{
	struct mp_block *b = NULL;
	struct mp_measure *m = NULL;
	size_t nb = 0, nm = 0;
	IMP_CHECK(mplan_blocks(d, plan, &b, &nb) == 0 && measure_list(d, plan, &m, &nm) == 0);
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < nb; i++) {
		buf_printf(&out, "#%s\n", b[i].title);
		for (size_t j = 0; j < nm; j++)
			if (m[j].block_id == b[i].id)
				buf_printf(&out, "%s|%s|%s|%s|%s|%s\n", m[j].text, m[j].term, m[j].due,
					   m[j].responsible, m[j].expected, m[j].specifics);
	}
	free(b);
	free(m);
	char *s = buf_steal(&out);
	return s ? s : calloc(1, 1);
}

static int run(struct db *d, bool dry)
{
	struct import_opts o = { .dry_run = dry };
	struct import_stats st;
	struct diag_list dl;
	diag_init(&dl, 100);
	char *before = imp_dump(d, TABLES_SQL);
	int64_t had = 0, have = 0;
	IMP_CHECK(db_query_int(d, "SELECT count(*) FROM measure", 0, &had) == 0);
	int rc = import_measures(d, imp_input, &o, 1, &dl, &st);
	imp_check_diags(&dl, rc);
	IMP_CHECK(st.summary[0] != '\0');
	char *after = imp_dump(d, TABLES_SQL);
	if (rc || dry) {
		IMP_CHECK(strcmp(before, after) == 0);
	} else {
		IMP_CHECK(db_query_int(d, "SELECT count(*) FROM measure", 0, &have) == 0);
		IMP_CHECK(have - had == st.created && st.created > 0);
		struct mp_measure *m = NULL;
		size_t n = 0;
		IMP_CHECK(measure_list(d, 1, &m, &n) == 0);
		for (size_t i = 0; i < n; i++)
			IMP_CHECK(m[i].text[0] && (!m[i].due[0] || plan_date_valid(m[i].due)));
		free(m);
	}
	free(before);
	free(after);
	diag_free(&dl);
	return rc;
}

/* Export plan 1 as XLSX, import it into a new plan: the same content. */
static void round_trip(struct db *d)
{
	struct buf x = BUF_INIT;
	char msg[256] = "";
	IMP_CHECK(measures_table_mem(d, 1, TABLE_XLSX, &x, msg, sizeof msg) == 0);
	int64_t copy = new_plan(d);
	struct import_opts o = { .data = x.p, .len = x.len, .name = "plan.xlsx" };
	struct import_stats st;
	struct diag_list dl;
	diag_init(&dl, 100);
	int rc = import_measures(d, "plan.xlsx", &o, copy, &dl, &st);
	if (rc)
		diag_print(stderr, &dl);
	IMP_CHECK(rc == 0);
	char *a = content(d, 1), *b = content(d, copy);
	if (strcmp(a, b))
		fprintf(stderr, "round trip differs:\n%s---\n%s", a, b);
	IMP_CHECK(strcmp(a, b) == 0);
	free(a);
	free(b);
	diag_free(&dl);
	buf_free(&x);
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
	if (!rc)
		round_trip(d);
	db_close(d);
	return 0;
}
