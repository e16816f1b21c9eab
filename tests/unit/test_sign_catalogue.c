/* Unit tests of stats/catalogue: every sign of enum stat_sign has a complete entry, and
 * every sign identifier that an analysis writes to signs.csv is in the catalogue (a small
 * two-year database, so that the pair signs are written too). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "base/log.h"
#include "db/db.h"
#include "report/card_words.h"
#include "report/risk_doc.h"
#include "stats/catalogue.h"

static void test_complete(void **state)
{
	for (int i = 0; i < STAT_SIGN_COUNT; i++) {
		const struct stat_sign_info *c = stat_sign_info((enum stat_sign)i);
		assert_non_null(c);
		assert_int_equal(c->sign, i);
		assert_non_null(c->id);
		assert_true(*c->id);
		assert_non_null(c->family);
		assert_true(*c->family);
		assert_non_null(c->title);
		assert_true(*c->title);
		assert_non_null(c->explain);
		assert_true(strlen(c->explain) > 20);
		assert_non_null(c->method);
		assert_true(*c->method >= '3' && *c->method <= '8');
		assert_true(c->kind == STAT_KIND_OFFICIAL || c->kind == STAT_KIND_PUBLISHED ||
			    c->kind == STAT_KIND_OWN);
		assert_ptr_equal(stat_sign_find(c->id), c);
		assert_string_equal(stat_sign_name((enum stat_sign)i), c->id);
		assert_int_equal(stat_sign_official((enum stat_sign)i), c->kind == STAT_KIND_OFFICIAL);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(stat_sign_info((enum stat_sign)j)->id, c->id);
	}
	assert_null(stat_sign_info(STAT_SIGN_COUNT));
	assert_null(stat_sign_find("no_such_sign"));
	assert_string_equal(stat_sign_kind_id(STAT_KIND_OWN), "own");
	assert_string_equal(stat_sign_kind_id(STAT_KIND_OFFICIAL), "official");
	assert_string_equal(stat_sign_kind_id(STAT_KIND_PUBLISHED), "published");
}

/* Two schools, RU-4 and RU-5 in 2020 and 2021: RU-5 2021 has a cohort predecessor (RU-4
 * 2020) and a share2 one (RU-5 2020). */
static void fixture(struct db *d)
{
	assert_int_equal(db_exec(d,
		"INSERT INTO region (id, name) VALUES (1, 'Край');"
		"INSERT INTO municipality (id, region_id, name) VALUES (1, 1, 'Город');"
		"INSERT INTO school (id, login, name, municipality_id, kind) VALUES"
		" (1, 'sch1', 'Школа 1', 1, 'СОШ'), (2, 'sch2', 'Школа 2', 1, 'СОШ');"
		"INSERT INTO procedure (id, code, kind, year, subject, grade, max_score, scale3, scale4, scale5) VALUES"
		" (1, 'VPR-2020-RU-4', 'VPR', 2020, 'RU', 4, 6, 2, 4, 5),"
		" (2, 'VPR-2020-RU-5', 'VPR', 2020, 'RU', 5, 6, 2, 4, 5),"
		" (3, 'VPR-2021-RU-5', 'VPR', 2021, 'RU', 5, 6, 2, 4, 5);"
		"INSERT INTO position (procedure_id, idx, label, label_key, max, level) VALUES"
		" (1, 0, '1', '1', 2, 'Б'), (1, 1, '2', '2', 2, 'П'), (1, 2, '3', '3', 2, 'В'),"
		" (2, 0, '1', '1', 2, 'Б'), (2, 1, '2', '2', 2, 'П'), (2, 2, '3', '3', 2, 'В'),"
		" (3, 0, '1', '1', 2, 'Б'), (3, 1, '2', '2', 2, 'П'), (3, 2, '3', '3', 2, 'В');"), 0);
	static const char *const scores[] = { "020202", "010102", "020100", "000101", "010000", "020200" };
	char sql[512];
	for (int p = 1; p <= 3; p++)
		for (int s = 1; s <= 2; s++)
			for (int i = 0; i < 6; i++) {
				const char *x = scores[(i + s + p) % 6];
				int total = 0;
				for (int k = 0; k < 6; k += 2)
					total += (x[k] - '0') * 10 + (x[k + 1] - '0');
				snprintf(sql, sizeof sql,
					 "INSERT INTO result (procedure_id, school_id, code, class, journal_mark,"
					 " absent, primary_score, scores, problems) VALUES (%d, %d, '%d', '%dА',"
					 " %d, 0, %d, X'%s', 0)", p, s, i + 1, p == 1 ? 4 : 5, 2 + total / 2,
					 total, x);
				assert_int_equal(db_exec(d, sql), 0);
			}
	/* Rows written here, not by the result writer: not packed (model/result_pack.h). */
	assert_int_equal(db_exec(d, "INSERT INTO result_unpacked (procedure_id) SELECT DISTINCT"
				    " procedure_id FROM result"), 0);
}

static void test_signs_csv(void **state)
{
	char dir[64], path[256], out[128], cmd[160];
	snprintf(dir, sizeof dir, "/tmp/oko-test-signcat-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	log_set_level(LOG_QUIET);
	struct db *d = NULL;
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE), 0);
	fixture(d);
	struct analysis_opts o = { .db_path = path, .out_dir = out, .threads = 1, .q = 0.05,
				   .store = true };
	struct analysis_summary sum;
	char msg[256];
	int rc = analysis_run(d, &o, &sum, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "# %s\n", msg);
	assert_int_equal(rc, 0);
	db_close(d);
	snprintf(path, sizeof path, "%s/signs.csv", out);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	bool seen[STAT_SIGN_COUNT] = { false };
	int rows = 0;
	assert_non_null(fgets(line, sizeof line, f)); /* the header */
	while (fgets(line, sizeof line, f)) {
		char *a = strchr(line, ','), *b = a ? strchr(a + 1, ',') : NULL, *c = b ? strchr(b + 1, ',') : NULL;
		assert_non_null(c);
		*c = 0;
		const struct stat_sign_info *i = stat_sign_find(b + 1);
		if (!i)
			fprintf(stderr, "# not in the catalogue: %s\n", b + 1);
		assert_non_null(i);
		seen[i->sign] = true;
		rows++;
	}
	fclose(f);
	assert_true(rows > 0);
	/* The pair signs were written too. */
	assert_true(seen[STAT_SIGN_COHORT_RISE] && seen[STAT_SIGN_SHARE2_RISE]);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A sign's value reads in the unit its title uses: the rise of the share of «2» in
 * percentage points (the title says «на 10 п. п.»), the share of works two marks off the
 * journal as a percent; other values as they are. */
static void test_value_words(void **state)
{
	(void)state;
	char t[64];
	struct risk_value_words w = risk_value_words("share2_rise");
	assert_int_equal(w.unit, RV_POINTS);
	assert_string_equal(risk_value_number(t, sizeof t, &w, 0.1818), "18,2\xC2\xA0п.\xC2\xA0п.");
	assert_string_equal(risk_value_number(t, sizeof t, &w, 0.1), "10\xC2\xA0п.\xC2\xA0п.");
	w = risk_value_words("journal_gap");
	assert_int_equal(w.unit, RV_PERCENT);
	assert_string_equal(risk_value_number(t, sizeof t, &w, 0.14), "14\xC2\xA0%");
	assert_string_equal(risk_value_number(t, sizeof t, &w, 0.02693657661), "2,7\xC2\xA0%");
	w = risk_value_words("boundary_bunching"); /* its value is a p: not shown */
	assert_null(w.value);
	/* the value is the tie-corrected coefficient, which the words say: the classical one,
	 * among the inputs, may differ from it in sign when many marks are equal */
	w = risk_value_words("journal_mismatch");
	assert_non_null(strstr(w.value, "с учётом одинаковых рангов"));
	w = risk_value_words("mean_inflated");
	assert_int_equal(w.unit, RV_PLAIN);
	assert_string_equal(risk_value_number(t, sizeof t, &w, 30.64), "30,6");
	assert_string_equal(risk_value_number(t, sizeof t, &w, 0.42), "0,42");
}

/* The risk list's words for the years with official flags and for its main sign. */
static void test_list_words(void **state)
{
	(void)state;
	char y[64];
	assert_string_equal(risk_years_words(y, sizeof y, "2020 2021"), "2020, 2021");
	assert_string_equal(risk_years_words(y, sizeof y, "2019 2020 2021"), "2019, 2020, 2021");
	assert_string_equal(risk_years_words(y, sizeof y, "2021"), "2021");
	assert_string_equal(risk_years_words(y, sizeof y, ""), "");
	const struct stat_sign_info *si = stat_sign_find("mean_inflated");
	assert_non_null(si);
	struct run_risk x = { .top_sign = "mean_inflated", .top_procedure = "VPR-2021-MA-4", .top_flagged = true };
	struct buf b = BUF_INIT;
	risk_top_sign_words(&b, &x, true);
	char want[400];
	snprintf(want, sizeof want, "%s (ВПР, математика, 4 класс, 2021)", si->title);
	assert_string_equal(buf_str(&b), want);
	buf_reset(&b);
	x.top_flagged = false;
	risk_top_sign_words(&b, &x, false);
	snprintf(want, sizeof want, "%s — ниже своего порога", si->title);
	assert_string_equal(buf_str(&b), want);
	buf_reset(&b);
	x.top_sign = "";
	risk_top_sign_words(&b, &x, true);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

/* The evidence card's chart: how to read it is in the image's caption, which stays with the
 * image; as a paragraph after it, it began a page of its own in the demo's card. */
static void test_card_chart_caption(void **state)
{
	(void)state;
	uint64_t school[5] = { 0, 1, 2, 3, 4 }, all[5] = { 5, 6, 7, 8, 9 };
	struct run_hist h = { .nbins = 5, .school = school, .all = all, .school_n = 10, .all_n = 35 };
	struct run_info ri = { .id = 1 };
	snprintf(ri.at, sizeof ri.at, "2021-05-01T10:00:00Z");
	struct risk_card c = { .school = "Школа", .municipality = "Район", .login = "sch1", .run = &ri,
				.top = "VPR-2021-MA-4", .hist = &h };
	struct doc *d = risk_card_doc(&c);
	assert_non_null(d);
	int images = 0;
	for (size_t i = 0; i < doc_nblocks(d); i++) {
		const struct doc_block *b = doc_block(d, i);
		if (b->kind != DOC_B_IMAGE)
			continue;
		images++;
		assert_non_null(strstr(b->text[0], CARD_HIST_DESC));
		if (i + 1 < doc_nblocks(d)) {
			const struct doc_block *n = doc_block(d, i + 1);
			assert_true(n->kind != DOC_B_PARA || !strstr(n->text[0], "Доли работ школы"));
		}
	}
	assert_int_equal(images, 1);
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_signs_csv),
		cmocka_unit_test(test_value_words),
		cmocka_unit_test(test_list_words),
		cmocka_unit_test(test_card_chart_caption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
