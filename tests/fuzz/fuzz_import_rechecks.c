/* libFuzzer target for the re-check importers: checks typed in from paper (import_rechecks)
 * and the experts' registry (import_experts) share one input — the file (CSV, or XLSX when
 * it starts like a zip) is imported as both into a fresh copy of a database with three
 * schools, a procedure of three positions (1, 2, 3 points; scale 2/4/5), a round of five
 * sampled works, experts E1 (works at sch1), E2 (a child at sch2) and E3, and one work
 * (sch2, 2001) whose check 2 differs significantly, so that a check 3 may be stored. Each
 * import runs as a dry run and then for real: a dry run, and any refused import, must
 * leave the experts' and the checks' tables exactly as they were; a refusal must name an
 * error; a stored file never gives an expert a work of its own school; nothing may leak.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_import.h"
#include "import/import.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/result.h"

static const char TABLES_SQL[] =
	"SELECT code || '|' || name || '|' || coalesce(municipality_id, 0) || '|' || subjects || "
	"'|' || max_works || '|' || coalesce(user_id, 0) FROM expert UNION ALL SELECT expert_id || "
	"'|' || school_id || '|' || why FROM expert_school UNION ALL SELECT work_id || '|' || "
	"check_no || '|' || control || '|' || coalesce(expert_id, 0) || '|' || "
	"coalesce(hex(scores), '') || '|' || done || '|' || source FROM recheck_check ORDER BY 1";

/* Checks stored for a work of a school where their expert works or has a child. */
static const char CONFLICT_SQL[] =
	"SELECT c.id FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id JOIN "
	"expert_school es ON es.expert_id = c.expert_id AND es.school_id = w.school_id";

static void seed(struct db *d)
{
	struct school s[3] = {
		{ .login = "sch1", .name = "Школа 1", .municipality = "М1", .region = "Р" },
		{ .login = "sch2", .name = "Школа 2", .municipality = "М1", .region = "Р" },
		{ .login = "sch3", .name = "Школа 3", .municipality = "М2", .region = "Р" },
	};
	int64_t sid[3];
	for (int i = 0; i < 3; i++)
		IMP_CHECK(registry_school_put(d, &s[i], &sid[i]) == 0);
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	IMP_CHECK(p != NULL);
	IMP_CHECK(procedure_code_parse("VPR-2021-MA-4", p, msg, sizeof msg) == 0);
	IMP_CHECK(procedure_positions_parse("1:1:Б 2:2:Б 3:3:П", p, msg, sizeof msg) == 0);
	IMP_CHECK(procedure_scale_parse("2/4/5", p, msg, sizeof msg) == 0);
	IMP_CHECK(procedure_put(d, p, msg, sizeof msg) == 0);
	int64_t proc = p->id;
	free(p);
	static const struct { int school; const char *code; uint8_t s[3]; } res[] = {
		{ 0, "1001", { 1, 2, 3 } }, { 0, "1002", { 0, 1, 1 } }, { 1, "2001", { 1, 2, 2 } },
		{ 1, "2002", { 1, 1, 1 } }, { 2, "3001", { 0, 0, 1 } }, { 2, "3002", { 1, 1, 0 } },
	};
	struct result_writer *w;
	IMP_CHECK(db_begin(d) == 0 && result_writer_open(d, proc, &w) == 0);
	for (size_t i = 0; i < sizeof res / sizeof *res; i++) {
		struct result r = { .school_id = sid[res[i].school], .code = res[i].code,
				    .stated_total = -1, .npos = 3 };
		memcpy(r.scores, res[i].s, 3);
		IMP_CHECK(result_writer_put(w, &r) == 0);
	}
	result_writer_close(w);
	IMP_CHECK(db_commit(d) == 0);
	static const char *const codes[3] = { "E1", "E2", "E3" };
	int64_t ex[3];
	IMP_CHECK(db_begin(d) == 0);
	for (int i = 0; i < 3; i++) {
		struct rc_expert_row e = { .max_works = 200 };
		snprintf(e.code, sizeof e.code, "%s", codes[i]);
		snprintf(e.name, sizeof e.name, "Эксперт %d", i + 1);
		if (i == 0)
			e.works_at[e.nworks++] = sid[0];
		if (i == 1)
			e.children_at[e.nchildren++] = sid[1];
		IMP_CHECK(expert_put(d, &e, "fuzz") == 0);
		IMP_CHECK(expert_find(d, codes[i], &ex[i]) == 0);
	}
	struct rc_round r = { .procedure_id = proc, .kind = RC_MUNICIPAL, .share = 1, .seed = 1,
			      .no_mutual = true };
	snprintf(r.rules, sizeof r.rules, "random");
	snprintf(r.created_by, sizeof r.created_by, "fuzz");
	IMP_CHECK(recheck_round_add(d, &r) == 0);
	for (size_t i = 0; i < 5; i++)
		IMP_CHECK(recheck_work_add(d, r.id, proc, sid[res[i].school], res[i].code, "random",
					   "") == 0);
	int64_t wid;
	static const uint8_t check2[3] = { 1, 0, 2 }; /* position 2 apart by 2: significant */
	IMP_CHECK(recheck_work_find(d, proc, "sch2", "2001", &wid) == 0);
	IMP_CHECK(recheck_check_import(d, wid, 2, ex[0], check2, 3, "fuzz") == 0);
	IMP_CHECK(db_commit(d) == 0);
}

static int run(struct db *d, bool dry, bool experts)
{
	struct import_opts o = { .dry_run = dry };
	struct import_stats st;
	struct diag_list dl;
	diag_init(&dl, 100);
	char *before = imp_dump(d, TABLES_SQL);
	int rc = experts ? import_experts(d, imp_input, &o, &dl, &st)
			 : import_rechecks(d, imp_input, &o, &dl, &st);
	imp_check_diags(&dl, rc);
	IMP_CHECK(st.summary[0] != '\0');
	char *after = imp_dump(d, TABLES_SQL);
	if (rc || dry) {
		IMP_CHECK(strcmp(before, after) == 0);
	} else {
		IMP_CHECK(st.created + st.updated <= st.rows);
		char *conflicts = imp_dump(d, CONFLICT_SQL);
		IMP_CHECK(experts || conflicts[0] == '\0');
		free(conflicts);
	}
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
