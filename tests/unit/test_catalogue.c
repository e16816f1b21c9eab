/* Unit tests of oko's catalogue of official ВПР structures (import/catalogue): every shipped
 * entry is a valid procedure whose fields agree with its code and which names its source,
 * and look-ups find entries and only them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "import/catalogue.h"

struct seen {
	int n;
	char first[40];
	char codes[256][40];
};

static int check_entry(void *ctx, const struct procedure *p)
{
	struct seen *s = ctx;
	int sum = 0;
	for (int i = 0; i < p->npos; i++) {
		sum += p->pos[i].max;
		assert_true(p->pos[i].max >= 1);
		assert_true(!*p->pos[i].level || !strcmp(p->pos[i].level, "Б") ||
			    !strcmp(p->pos[i].level, "П") || !strcmp(p->pos[i].level, "В"));
	}
	assert_true(p->npos > 0);
	assert_int_equal(sum, p->max_score);
	if (p->has_scale) {
		assert_true(p->scale[0] > 0 && p->scale[0] < p->scale[1] && p->scale[1] < p->scale[2]);
		assert_true(p->scale[2] <= p->max_score);
	}
	/* The source is named, and it is oko's compilation of public figures. */
	assert_true(!strncmp(p->source, "каталог oko: ", strlen("каталог oko: ")));
	assert_true(strlen(p->source) > strlen("каталог oko: ") + 10);
	for (int i = 0; i < s->n && i < 256; i++)
		assert_string_not_equal(s->codes[i], p->code); /* each procedure once */
	if (s->n < 256)
		snprintf(s->codes[s->n], sizeof s->codes[0], "%s", p->code);
	if (!s->n)
		snprintf(s->first, sizeof s->first, "%s", p->code);
	s->n++;
	return 0;
}

static void test_every_entry_valid(void **state)
{
	(void)state;
	static struct seen s;
	char msg[256];
	assert_int_equal(catalogue_each(check_entry, &s, msg, sizeof msg), 0);
	printf("# catalogue: %d procedures\n", s.n);
	if (!s.n)
		return;
	struct procedure p;
	assert_int_equal(catalogue_find(s.first, &p, msg, sizeof msg), 0);
	assert_string_equal(p.code, s.first);
}

static void test_unknown_code(void **state)
{
	(void)state;
	struct procedure p;
	char msg[256];
	assert_int_equal(catalogue_find("VPR-2099-RU-4", &p, msg, sizeof msg), ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_valid),
		cmocka_unit_test(test_unknown_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
