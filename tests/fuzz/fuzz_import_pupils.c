/* libFuzzer target for the class list importer (import_pupils): the input is the file (CSV,
 * or XLSX when it starts like a zip), imported into a fresh copy of a database with a school
 * that already has one pupil, so both new and known pupils occur. Names are sealed with a
 * key kept in the scratch directory. A refused import must leave the pupils as they were
 * and name an error; an accepted one must have stored exactly the pupils it counts as new;
 * nothing may leak.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_import.h"
#include "import/import.h"
#include "model/pupil.h"
#include "model/registry.h"

static const char PUPIL_SQL[] =
	"SELECT school_id || '|' || year || '|' || class || '|' || grade || '|' || hex(name_tag) || "
	"'|' || coalesce(code, '') FROM pupil ORDER BY 1";

static int64_t school;

/* A school with one pupil. */
static void seed(struct db *d)
{
	struct school s = { .login = "sch1", .name = "Школа 1", .municipality = "М1", .region = "Р" };
	int64_t id;
	bool created;
	char msg[256];
	IMP_CHECK(registry_school_put(d, &s, &school) == 0);
	IMP_CHECK(pupil_put(d, school, 2021, "4А", 4, "Иванов Иван Иванович", &id, &created, msg,
			    sizeof msg) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	imp_init(seed);
	imp_write(data, size);
	struct db *d = imp_db();
	int64_t n0 = 0, n1 = 0;
	IMP_CHECK(db_query_int(d, "SELECT count(*) FROM pupil", 0, &n0) == 0 && n0 == 1);
	char *before = imp_dump(d, PUPIL_SQL);

	struct import_opts o = { .only_school = school, .year = 2021 };
	struct import_stats st;
	struct diag_list dl;
	diag_init(&dl, 100);
	int rc = import_pupils(d, imp_input, &o, &dl, &st);
	imp_check_diags(&dl, rc);
	IMP_CHECK(db_query_int(d, "SELECT count(*) FROM pupil", 0, &n1) == 0);
	char *after = imp_dump(d, PUPIL_SQL);
	if (rc) {
		IMP_CHECK(strcmp(before, after) == 0);
	} else {
		IMP_CHECK(n1 - n0 == st.created);
		IMP_CHECK(st.created + st.updated >= 1);
	}
	free(before);
	free(after);
	diag_free(&dl);
	db_close(d);
	return 0;
}
