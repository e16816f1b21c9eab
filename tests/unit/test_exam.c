/* Unit tests of the ОГЭ/ГВЭ/ЕГЭ pieces: the РЦОИ protocol's answer strings and layout
 * (import/layouts), the annual-mark comparison with stated exam marks (stats/signs
 * journal_gap) and the report's mark of a participant (report/fisoko). Answers known by
 * construction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "import/layouts.h"
#include "report/fisoko.h"
#include "stats/cfg.h"
#include "stats/proc.h"
#include "stats/signs.h"

static void test_short_answers(void **state)
{
	(void)state;
	struct layout_answer a[8];
	int at = 0;
	const char *s = "++-+-1+";
	assert_int_equal(layout_short_answers(s, strlen(s), a, 8, &at), 7);
	assert_int_equal(a[0].points, LAYOUT_FULL);
	assert_int_equal(a[2].points, 0);
	assert_int_equal(a[5].points, 1);
	assert_int_equal(a[6].points, LAYOUT_FULL);
	assert_int_equal(a[0].max, -1);
	s = " + 2 ";
	assert_int_equal(layout_short_answers(s, strlen(s), a, 8, &at), 2);
	assert_int_equal(a[1].points, 2);
	assert_int_equal(layout_short_answers("", 0, a, 8, &at), 0);
	/* The character that does not read, counted in characters: «ж» is two bytes. */
	s = "+жa";
	assert_int_equal(layout_short_answers(s, strlen(s), a, 8, &at), -1);
	assert_int_equal(at, 2);
	s = "++-x";
	assert_int_equal(layout_short_answers(s, strlen(s), a, 8, &at), -1);
	assert_int_equal(at, 4);
	/* More tasks than room: one past the room. */
	s = "+++";
	assert_int_equal(layout_short_answers(s, strlen(s), a, 2, &at), -1);
	assert_int_equal(at, 3);
}

static void test_long_answers(void **state)
{
	(void)state;
	struct layout_answer a[8];
	int at = 0;
	const char *s = "2(2)1(3)0(2)";
	assert_int_equal(layout_long_answers(s, strlen(s), a, 8, &at), 3);
	assert_int_equal(a[0].points, 2);
	assert_int_equal(a[0].max, 2);
	assert_int_equal(a[1].points, 1);
	assert_int_equal(a[1].max, 3);
	assert_int_equal(a[2].points, 0);
	assert_int_equal(a[2].max, 2);
	s = "X(2) Х(3)х(1)12(20)";
	assert_int_equal(layout_long_answers(s, strlen(s), a, 8, &at), 4);
	assert_int_equal(a[0].points, LAYOUT_NOT_DONE);
	assert_int_equal(a[1].points, LAYOUT_NOT_DONE);
	assert_int_equal(a[1].max, 3);
	assert_int_equal(a[2].points, LAYOUT_NOT_DONE);
	assert_int_equal(a[3].points, 12);
	assert_int_equal(a[3].max, 20);
	/* Each refusal names the character where the task that does not read begins. */
	static const struct {
		const char *s;
		int at;
	} bad[] = {
		{ "2(2)1[3]", 5 }, { "2(2", 1 }, { "2(2)(3)", 5 }, { "2()", 1 }, { "a(1)", 1 },
		{ "1(2)3", 5 }, { "1000(2)", 1 }, { "2(2)Х(", 5 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		at = 0;
		assert_int_equal(layout_long_answers(bad[i].s, strlen(bad[i].s), a, 8, &at), -1);
		assert_int_equal(at, bad[i].at);
	}
	s = "1(1)1(1)";
	assert_int_equal(layout_long_answers(s, strlen(s), a, 1, &at), -1);
	assert_int_equal(at, 5);
}

static void test_subject_code(void **state)
{
	(void)state;
	assert_string_equal(layout_subject_code("Математика"), "MA");
	assert_string_equal(layout_subject_code("русский язык"), "RU");
	assert_string_equal(layout_subject_code("FI"), "FI");
	assert_null(layout_subject_code("Астрономия"));
	assert_null(layout_subject_code(""));
}

static struct table_row row_of(const char *const *cells, size_t n, size_t *lens)
{
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(cells[i]);
	return (struct table_row){ 1, n, cells, lens };
}

static void test_detect_rcoi(void **state)
{
	(void)state;
	struct layout_map m;
	char msg[256];
	size_t len[16];
	const char *h[] = { "АТЕ", "Код ОО", "Класс", "Код участника", "Вариант", "Предмет",
			    "Дата экзамена", "Задания с кратким ответом",
			    "Задания с развёрнутым ответом", "Первичный балл", "Отметка",
			    "Годовая отметка", "Тестовый балл" };
	struct table_row r = row_of(h, 13, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.kind, LAYOUT_RCOI);
	assert_int_equal(m.posmode, POS_STRINGS);
	assert_int_equal(m.npos, 0);
	assert_int_equal(m.col[LF_SCHOOL], 1);
	assert_int_equal(m.col[LF_MUNICIPALITY], 0);
	assert_int_equal(m.col[LF_CODE], 3);
	assert_int_equal(m.col[LF_SUBJECT], 5);
	assert_int_equal(m.col[LF_EXAM_DATE], 6);
	assert_int_equal(m.col[LF_SHORT], 7);
	assert_int_equal(m.col[LF_LONG], 8);
	assert_int_equal(m.col[LF_TOTAL], 9);
	assert_int_equal(m.col[LF_MARK], 10);
	assert_int_equal(m.col[LF_JOURNAL], 11);
	assert_int_equal(m.col[LF_TEST_SCORE], 12);
	assert_string_equal(layout_name(m.kind), "rcoi");
	/* «Логин ОО» and «Номер» name the same fields; one answer string is enough. */
	const char *h2[] = { "Логин ОО", "Номер", "Задания с развёрнутым ответом" };
	r = row_of(h2, 3, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.kind, LAYOUT_RCOI);
	assert_int_equal(m.col[LF_CODE], 1);
	assert_int_equal(m.col[LF_SHORT], -1);
	/* Without the participant's code it is refused, naming the column. */
	const char *h3[] = { "Логин ОО", "Задания с кратким ответом" };
	r = row_of(h3, 2, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), ERR_FORMAT);
	assert_non_null(strstr(msg, "нет обязательного столбца «Код участника»"));
	/* The canonical CSV's mark and test_score are fields, not position labels. */
	const char *c[] = { "school", "procedure", "code", "absent", "total", "mark", "test_score",
			    "1", "2" };
	r = row_of(c, 9, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.col[LF_MARK], 5);
	assert_int_equal(m.col[LF_TEST_SCORE], 6);
	assert_int_equal(m.npos, 2);
	assert_string_equal(m.pos_label[0], "1");
}

/* One school, six works of a 10-point work with marks 3/4/5 from 3/5/8 points, every one
 * with annual mark 4: scores 9, 9 (scale 5), 6, 6 (scale 4), 2, 2 (scale 2). */
static struct stat_proc *gap_proc(bool stated)
{
	struct stat_proc *p = stat_proc_new(0, STAT_COL_JOURNAL);
	p->max_score = 10;
	p->has_scale = true;
	p->scale[0] = 3;
	p->scale[1] = 5;
	p->scale[2] = 8;
	p->nschools = 1;
	stat_proc_reserve(p, 6);
	static const int16_t sc[] = { 9, 9, 6, 6, 2, 2 };
	/* Stated: the processing centre lowered both 9s to 4 (conditions) and states nothing
	 * for the 6s (their scale mark 4 stands) nor for one 2; the other 2 it states 2. */
	static const int8_t mk[] = { 4, 4, 0, 0, 2, 0 };
	if (stated)
		p->mark = calloc(6, sizeof *p->mark);
	for (size_t i = 0; i < 6; i++) {
		p->school[i] = 0;
		p->score[i] = sc[i];
		p->journal[i] = 4;
		if (stated)
			p->mark[i] = mk[i];
	}
	p->n = 6;
	return p;
}

static void test_gap_stated_marks(void **state)
{
	(void)state;
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	for (int stated = 0; stated < 2; stated++) {
		struct stat_proc *p = gap_proc(stated);
		assert_int_equal(stat_proc_check(p), 0);
		struct stat_tab t;
		assert_int_equal(stat_tab_build(p, &t), 0);
		assert_true((t.jm != NULL) == (stated != 0));
		struct stat_gap_region r;
		struct stat_gap_school o;
		assert_int_equal(stat_sign_gap(&t, &cfg, &r, &o), 0);
		assert_int_equal(o.n, 6);
		/* By the scale: 5 5 4 4 2 2 against 4 → above 2, same 2, below 2 (gaps of two: 2).
		 * Stated: 4 4 4 4 2 2 → same 4, below 2. */
		assert_int_equal(o.above, stated ? 0 : 2);
		assert_int_equal(o.same, stated ? 4 : 2);
		assert_int_equal(o.below, 2);
		assert_int_equal(o.gap, 2);
		stat_tab_free(&t);
		stat_proc_free(p);
	}
	/* A stated mark outside 2..5 is not a column stat_proc_check accepts. */
	struct stat_proc *p = gap_proc(true);
	p->mark[3] = 6;
	assert_int_equal(stat_proc_check(p), ERR_INVALID);
	stat_proc_free(p);
}

static void test_fisoko_mark(void **state)
{
	(void)state;
	struct procedure p = { .max_score = 10, .has_scale = true, .scale = { 3, 5, 8 } };
	assert_int_equal(fisoko_mark(&p, 0, 9), 5);
	assert_int_equal(fisoko_mark(&p, 4, 9), 4);
	assert_int_equal(fisoko_mark(&p, 0, 2), 2);
	p.has_scale = false;
	assert_int_equal(fisoko_mark(&p, 0, 9), 0);
	assert_int_equal(fisoko_mark(&p, 3, 9), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_answers),
		cmocka_unit_test(test_long_answers),
		cmocka_unit_test(test_subject_code),
		cmocka_unit_test(test_detect_rcoi),
		cmocka_unit_test(test_gap_stated_marks),
		cmocka_unit_test(test_fisoko_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
