/* Unit tests of the one score -> mark rule (stats/mark.h) and of its two wrappers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "model/procedure.h"
#include "stats/mark.h"
#include "stats/proc.h"

/* Scale 7/12/16 (МА-4 2021): 0..6 → 2, 7..11 → 3, 12..15 → 4, 16.. → 5. */
static void test_boundaries(void **state)
{
	(void)state;
	const int sc[3] = { 7, 12, 16 };
	static const struct { int score, mark; } want[] = {
		{ 0, 2 }, { 6, 2 }, { 7, 3 }, { 11, 3 }, { 12, 4 }, { 15, 4 }, { 16, 5 }, { 20, 5 },
		{ -1, 2 }, { 1000, 5 },
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		assert_int_equal(score_mark(sc, want[i].score), want[i].mark);
	/* No scale, no marks. */
	assert_int_equal(score_mark(NULL, 0), 0);
	assert_int_equal(score_mark(NULL, 16), 0);
}

/* procedure_mark (model) and stat_mark (stats) give the same answers as score_mark. */
static void test_wrappers(void **state)
{
	(void)state;
	struct procedure p;
	memset(&p, 0, sizeof p);
	p.max_score = 20;
	struct stat_proc *sp = stat_proc_new(0, 0);
	sp->max_score = 20;
	for (int s = 0; s <= 20; s++) {
		assert_int_equal(procedure_mark(&p, s), 0);
		assert_int_equal(stat_mark(sp, s), 0);
	}
	p.has_scale = sp->has_scale = true;
	const int sc[3] = { 7, 12, 16 };
	memcpy(p.scale, sc, sizeof sc);
	memcpy(sp->scale, sc, sizeof sc);
	for (int s = 0; s <= 20; s++) {
		assert_int_equal(procedure_mark(&p, s), score_mark(sc, s));
		assert_int_equal(stat_mark(sp, s), score_mark(sc, s));
	}
	stat_proc_free(sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_wrappers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
