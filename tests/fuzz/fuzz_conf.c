/* libFuzzer target for the configuration file reader (cli/conf.c): any input either gives
 * known keys, each once, with values that pass their own check, on lines within the input,
 * in order — or a refusal whose message names a line within the input. Never a read past
 * the input.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/conf.h"

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                       \
		}                                                                      \
	} while (0)

struct state {
	int lines;      /* lines in the input */
	int last;       /* the line of the previous key */
	unsigned seen[64];
};

static int one(const struct conf_key *k, const char *value, int line, void *arg)
{
	struct state *s = arg;
	char msg[512];
	size_t i = (size_t)(k - conf_keys);
	CHECK(i < conf_nkeys && conf_find(k->key) == k);
	CHECK(!s->seen[i]);
	s->seen[i] = 1;
	CHECK(line > s->last && line <= s->lines);
	s->last = line;
	CHECK(*value && strlen(value) < CONF_VALUE_MAX);
	CHECK(value[0] != ' ' && value[strlen(value) - 1] != ' ');
	CHECK(conf_check(k, value, msg, sizeof msg) == 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1); /* exactly the input: a read past it is ASan's */
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct state s = { .lines = 1 };
	for (size_t i = 0; i < size; i++)
		s.lines += text[i] == '\n';
	char msg[2048];
	msg[0] = '\0';
	int rc = conf_parse(text, size, one, &s, msg, sizeof msg);
	if (rc) {
		int line = 0;
		CHECK(rc == ERR_INVALID);
		CHECK(sscanf(msg, "строка %d:", &line) == 1);
		CHECK(line >= 1 && line <= s.lines && line > s.last);
	}
	free(text);
	return 0;
}
