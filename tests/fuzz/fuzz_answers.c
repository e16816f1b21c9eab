/* libFuzzer target for the РЦОИ protocol's answer strings (import/layouts): any input, read
 * as a short-answer and as a long-answer string with a small and a full room, must give a
 * count within the room with every task in range, or -1 with the 1-based character where
 * reading stopped inside the string — never a read past the input. A string written back
 * from what was read must read the same.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/layouts.h"

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                       \
		}                                                                      \
	} while (0)

static int chars(const char *s, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

static void one(const char *s, size_t n, int part, int cap)
{
	struct layout_answer a[PROC_MAX_POSITIONS];
	int at = 0;
	int k = part ? layout_long_answers(s, n, a, cap, &at) : layout_short_answers(s, n, a, cap, &at);
	if (k < 0) {
		CHECK(k == -1);
		CHECK(at >= 1 && at <= chars(s, n) + 1);
		return;
	}
	CHECK(k <= cap);
	char back[PROC_MAX_POSITIONS * 12 + 1];
	size_t m = 0;
	for (int i = 0; i < k; i++) {
		int v = a[i].points;
		if (part) {
			CHECK((v >= 0 && v <= 999) || v == LAYOUT_NOT_DONE);
			CHECK(a[i].max >= 0 && a[i].max <= 999);
			m += v == LAYOUT_NOT_DONE ? (size_t)snprintf(back + m, sizeof back - m, "X(%d)", a[i].max)
						  : (size_t)snprintf(back + m, sizeof back - m, "%d(%d)", v, a[i].max);
		} else {
			CHECK((v >= 0 && v <= 9) || v == LAYOUT_FULL);
			CHECK(a[i].max == -1);
			back[m++] = v == LAYOUT_FULL ? '+' : v == 0 ? '-' : (char)('0' + v);
		}
	}
	back[m] = 0;
	struct layout_answer b[PROC_MAX_POSITIONS];
	int k2 = part ? layout_long_answers(back, m, b, cap, &at) : layout_short_answers(back, m, b, cap, &at);
	CHECK(k2 == k);
	for (int i = 0; i < k; i++)
		CHECK(b[i].points == (a[i].points == 0 && !part ? 0 : a[i].points) && b[i].max == a[i].max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1); /* exactly the input: a read past it is ASan's to find */
	if (!s)
		return 0;
	memcpy(s, data, size);
	for (int part = 0; part < 2; part++) {
		one(s, size, part, 3);
		one(s, size, part, PROC_MAX_POSITIONS);
	}
	free(s);
	return 0;
}
