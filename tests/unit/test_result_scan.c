/* Unit tests of the results range scan (model/result.h: result_scan_*) on known blobs —
 * points, X, empty, «не пройд.», absent works, a missing primary score, a short blob — and
 * of the in-memory table writers (io/table_write.h): the XLSX bytes read back with the
 * project's own reader give back the cells. The database is built here with plain SQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "io/table.h"
#include "io/table_write.h"
#include "model/result.h"

static char dir[64], path[128];
static struct db *db;

static const char *FIXTURE =
	"INSERT INTO region (id, name) VALUES (1, 'Край');"
	"INSERT INTO municipality (id, region_id, name) VALUES (1, 1, 'Город');"
	"INSERT INTO school (id, login, name, municipality_id, kind) VALUES"
	" (3, 'sch1', 'Школа 1', 1, 'СОШ'), (7, 'sch2', 'Школа 2', 1, 'СОШ');"
	"INSERT INTO procedure (id, code, kind, year, subject, grade, max_score)"
	" VALUES (1, 'VPR-2021-RU-4', 'VPR', 2021, 'RU', 4, 6), (2, 'VPR-2021-MA-4', 'VPR', 2021, 'MA', 4, 6);"
	"INSERT INTO result (procedure_id, school_id, code, class, gender, variant, journal_mark, absent,"
	" primary_score, stated_total, scores, problems) VALUES"
	" (1, 3, '10', '4Б', 'ж', 2, 5, 0, 5, 5, X'0203FF', 0),"   /* points, X */
	" (1, 3, '2', '4А', 'м', 1, NULL, 0, 1, NULL, X'01FEFD', 72)," /* empty, не пройд. */
	" (1, 3, '3', NULL, NULL, NULL, 4, 1, NULL, NULL, NULL, 0),"   /* absent */
	" (1, 7, '1', '4А', NULL, 1, 3, 0, NULL, NULL, X'00', 0),"   /* no score, short blob */
	" (2, 3, '1', '4А', NULL, 1, 3, 0, 2, NULL, X'0101', 0);";   /* another procedure */

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-scan-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	return db_exec(db, FIXTURE);
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The whole procedure, every field, ordered by class then code (codes by length first). */
static void test_scan_full(void **state)
{
	(void)state;
	struct result_scan *s;
	struct result_row r;
	assert_int_equal(result_scan_open(db, 1, 0, RESULT_SCAN_FULL | RESULT_SCAN_BY_CLASS, &s), 0);
	/* NULL class first (SQL orders NULL lowest): the absent row. */
	assert_int_equal(result_scan_next(s, &r), 1);
	assert_string_equal(r.code, "3");
	assert_int_equal(r.school_id, 3);
	assert_string_equal(r.class_name, "");
	assert_string_equal(r.gender, "");
	assert_true(r.absent);
	assert_false(r.scored);
	assert_int_equal(r.primary_score, -1);
	assert_int_equal(r.journal_mark, 4);
	assert_int_equal(r.variant, 0);
	assert_int_equal(r.stated_total, -1);
	assert_null(r.cells);
	assert_int_equal(r.ncells, 0);
	/* 4А: school 7's '1' before school 3's '2' (length, then text). */
	assert_int_equal(result_scan_next(s, &r), 1);
	assert_string_equal(r.code, "1");
	assert_int_equal(r.school_id, 7);
	assert_false(r.absent);
	assert_false(r.scored); /* a row without a primary score */
	assert_int_equal(r.primary_score, -1);
	assert_int_equal(r.ncells, 1); /* a short blob is handed out as stored */
	assert_int_equal(result_scan_next(s, &r), 1);
	assert_string_equal(r.code, "2");
	assert_string_equal(r.class_name, "4А");
	assert_string_equal(r.gender, "м");
	assert_int_equal(r.variant, 1);
	assert_int_equal(r.journal_mark, 0);
	assert_true(r.scored);
	assert_int_equal(r.primary_score, 1);
	assert_int_equal(r.problems, RP_SCORES_MISSING | RP_CELL_INVALID);
	assert_int_equal(r.ncells, 3);
	assert_int_equal(result_cell_points(r.cells[0]), 1);
	assert_int_equal(r.cells[1], SCORE_EMPTY);
	assert_int_equal(result_cell_points(r.cells[1]), -1);
	assert_int_equal(r.cells[2], SCORE_NOT_TAUGHT);
	assert_int_equal(result_cell_points(r.cells[2]), -1);
	assert_int_equal(result_scan_next(s, &r), 1);
	assert_string_equal(r.code, "10");
	assert_string_equal(r.class_name, "4Б");
	assert_string_equal(r.gender, "ж");
	assert_int_equal(r.variant, 2);
	assert_int_equal(r.journal_mark, 5);
	assert_int_equal(r.primary_score, 5);
	assert_int_equal(r.stated_total, 5);
	assert_int_equal(r.ncells, 3);
	assert_int_equal(result_cell_points(r.cells[0]), 2);
	assert_int_equal(result_cell_points(r.cells[1]), 3);
	assert_int_equal(r.cells[2], SCORE_X);
	assert_int_equal(result_cell_points(r.cells[2]), -1);
	assert_int_equal(result_scan_next(s, &r), 0);
	assert_int_equal(result_scan_next(s, &r), 0); /* stays at the end */
	result_scan_close(s);
}

/* One school, the narrow row: the fields the loader does not read are blank. */
static void test_scan_school(void **state)
{
	(void)state;
	struct result_scan *s;
	struct result_row r;
	int n = 0, absent = 0;
	assert_int_equal(result_scan_open(db, 1, 3, 0, &s), 0);
	int rc;
	while ((rc = result_scan_next(s, &r)) == 1) {
		assert_int_equal(r.school_id, 3);
		assert_string_equal(r.code, "");
		assert_int_equal(r.stated_total, -1);
		n++;
		absent += r.absent;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 3);
	assert_int_equal(absent, 1);
	result_scan_close(s);
	/* An unknown procedure or school is an empty scan, not an error. */
	assert_int_equal(result_scan_open(db, 99, 0, 0, &s), 0);
	assert_int_equal(result_scan_next(s, &r), 0);
	result_scan_close(s);
	assert_int_equal(result_scan_open(db, 2, 7, RESULT_SCAN_FULL, &s), 0);
	assert_int_equal(result_scan_next(s, &r), 0);
	result_scan_close(s);
}

/* The cells in the statistics' form: «не пройд.» and points above the maximum are `none`. */
static void test_cells_clip(void **state)
{
	(void)state;
	const uint8_t cells[] = { 2, 3, SCORE_X, SCORE_EMPTY, SCORE_NOT_TAUGHT, 0 };
	const int max[] = { 2, 2, 1, 1, 1, 1 };
	uint8_t out[6];
	uint64_t nt = 0;
	assert_true(result_cells_clip(cells, 6, max, 254, out, &nt));
	const uint8_t want[] = { 2, 254, SCORE_X, SCORE_EMPTY, 254, 0 };
	assert_memory_equal(out, want, 6);
	assert_int_equal(nt, 1);
	nt = 0;
	assert_false(result_cells_clip(cells, 1, max, 254, out, &nt));
	assert_int_equal(nt, 0);
}

/* The prepared clip, 16 cells at a time, gives result_cells_clip's bytes, count and answer
 * for every row length (whole blocks, a partial last block, both), every kind of cell and
 * maxima from 0 to above the markers; a maximum below 0 takes the plain path. The row is
 * copied to the end of a buffer: a read past it would be caught by the sanitizer build. */
static void test_clip_row(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int round = 0; round < 4000; round++) {
		int n = 1 + round % 40 + (round % 7 == 0 ? 88 : 0);
		int max[PROC_MAX_POSITIONS];
		uint8_t *row = malloc((size_t)n), want[PROC_MAX_POSITIONS + 1], got[PROC_MAX_POSITIONS + 1];
		for (int k = 0; k < n; k++) {
			x = x * 6364136223846793005u + 1442695040888963407u;
			unsigned r = (unsigned)(x >> 33);
			max[k] = round % 50 == 49 && k == n / 2 ? -1 : (int)(r % 260);
			unsigned kind = (r >> 9) % 8;
			row[k] = kind == 0 ? SCORE_X : kind == 1 ? SCORE_EMPTY : kind == 2 ? SCORE_NOT_TAUGHT
				 : kind == 3 ? (uint8_t)((r >> 12) % 256) : (uint8_t)((r >> 12) % 6);
		}
		want[n] = got[n] = 0xa5;
		uint64_t nt_want = 3, nt_got = 3;
		bool over_want = result_cells_clip(row, n, max, 254, want, &nt_want);
		struct result_clip c;
		result_clip_init(&c, max, n);
		bool over_got = result_clip_row(&c, row, 254, got, &nt_got);
		assert_int_equal(over_got, over_want);
		assert_int_equal(nt_got, nt_want);
		assert_memory_equal(got, want, (size_t)n + 1);
		free(row);
	}
}

struct got {
	int rows;
	char cell[4][4][32];
};

static int collect(void *ctx, const struct table_row *r)
{
	struct got *g = ctx;
	if (g->rows < 4)
		for (size_t i = 0; i < r->n && i < 4; i++)
			snprintf(g->cell[g->rows][i], 32, "%s", r->v[i]);
	g->rows++;
	return 0;
}

/* The cell's words: what the grid shows and oko export writes. */
static void test_cell_text(void **state)
{
	(void)state;
	char d[4];
	assert_string_equal(result_cell_text(0, d), "0");
	assert_string_equal(result_cell_text(7, d), "7");
	assert_string_equal(result_cell_text(42, d), "42");
	assert_string_equal(result_cell_text(PROC_MAX_POINTS, d), "200");
	assert_string_equal(result_cell_text(SCORE_X, d), "X");
	assert_string_equal(result_cell_text(SCORE_NOT_TAUGHT, d), "не пройд.");
	assert_string_equal(result_cell_text(SCORE_EMPTY, d), "");
	assert_int_equal(result_cell_points(SCORE_EMPTY), -1);
	assert_int_equal(result_cell_points(PROC_MAX_POINTS), PROC_MAX_POINTS);
}

static void write_rows(struct table_writer *w)
{
	assert_int_equal(table_writer_text(w, "школа"), 0);
	assert_int_equal(table_writer_text(w, "=1+1"), 0);
	assert_int_equal(table_writer_end_row(w), 0);
	assert_int_equal(table_writer_text(w, "sch1"), 0);
	assert_int_equal(table_writer_int(w, 42), 0);
	assert_int_equal(table_writer_empty(w), 0);
	assert_int_equal(table_writer_int(w, -7), 0);
	assert_int_equal(table_writer_end_row(w), 0);
}

/* XLSX into memory: the bytes are a workbook the project's reader opens. */
static void test_mem_xlsx(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct table_writer *w;
	char msg[256];
	assert_int_equal(table_writer_open_mem(&w, TABLE_XLSX, "Лист", &out, msg, sizeof msg), 0);
	write_rows(w);
	assert_int_equal(table_writer_close(w), 0);
	assert_true(out.len > 100);
	assert_memory_equal(out.p, "PK", 2);
	struct table_in in = { .data = out.p, .len = out.len };
	enum table_kind k;
	assert_int_equal(table_detect(&in, &k), 0);
	assert_int_equal(k, TABLE_XLSX);
	struct got g = { 0 };
	struct table_src src;
	assert_int_equal(table_read(&in, NULL, collect, &g, &src, msg, sizeof msg), 0);
	assert_string_equal(src.sheet, "Лист");
	assert_int_equal(g.rows, 2);
	assert_string_equal(g.cell[0][0], "школа");
	assert_string_equal(g.cell[0][1], "=1+1"); /* a typed text cell, not a formula */
	assert_string_equal(g.cell[1][0], "sch1");
	assert_string_equal(g.cell[1][1], "42");
	assert_string_equal(g.cell[1][2], "");
	assert_string_equal(g.cell[1][3], "-7");
	buf_free(&out);
}

/* CSV into memory: the same bytes a file would get. */
static void test_mem_csv(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	buf_puts(&out, "head:"); /* appended after what is there */
	struct table_writer *w;
	char msg[256];
	assert_int_equal(table_writer_open_mem(&w, TABLE_CSV, NULL, &out, msg, sizeof msg), 0);
	write_rows(w);
	assert_int_equal(table_writer_close(w), 0);
	assert_string_equal(buf_str(&out), "head:школа,'=1+1\nsch1,42,,-7\n");
	buf_free(&out);
}

/* A workbook writer that takes a path writes into memory through a table_mem. */
static void test_mem_path(void **state)
{
	(void)state;
	struct table_mem m;
	struct buf out = BUF_INIT;
	assert_int_equal(table_mem_open(&m), 0);
	FILE *f = fopen(m.path, "wb");
	assert_non_null(f);
	fputs("abc", f);
	fclose(f);
	assert_int_equal(table_mem_take(&m, &out), 0);
	assert_int_equal(m.fd, -1);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.p, "abc", 3);
	table_mem_close(&m); /* closing twice is harmless */
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_full),
		cmocka_unit_test(test_scan_school),
		cmocka_unit_test(test_cells_clip),
		cmocka_unit_test(test_clip_row),
		cmocka_unit_test(test_cell_text),
		cmocka_unit_test(test_mem_xlsx),
		cmocka_unit_test(test_mem_csv),
		cmocka_unit_test(test_mem_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
