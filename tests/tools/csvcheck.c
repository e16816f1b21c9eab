/* csvcheck: reads CSV files strictly, as pandas or Excel would need them, for the tests of
 * oko's outputs.
 *
 *   csvcheck FILE...
 *
 * Each file must read through oko's RFC 4180 reader without an error, in UTF-8, with a
 * comma as the separator, and every record must have as many fields as the header. Prints
 * "FILE: N records of K fields" per file; on the first violation prints where and exits 1. */
#include <stdio.h>
#include <string.h>

#include "io/csv.h"

static int check(const char *path)
{
	struct csv_reader *r = NULL;
	char msg[512];
	if (csv_open_file(&r, path, NULL, msg, sizeof msg)) {
		fprintf(stderr, "%s: %s\n", path, msg);
		return 1;
	}
	size_t nf, *lens, want = 0;
	char **f;
	long records = 0;
	int rc, bad = 0;
	while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
		if (records++ == 0) {
			want = nf;
			continue;
		}
		if (nf != want) {
			fprintf(stderr, "%s: line %ld has %zu fields, the header %zu\n", path, csv_line(r),
				nf, want);
			bad = 1;
			break;
		}
	}
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", path, csv_error(r));
		bad = 1;
	} else if (!bad && csv_encoding(r) == CSV_CP1251) {
		fprintf(stderr, "%s: not UTF-8\n", path);
		bad = 1;
	} else if (!bad && records && csv_separator(r) != ',') {
		fprintf(stderr, "%s: the separator is not a comma\n", path);
		bad = 1;
	}
	if (!bad)
		printf("%s: %ld records of %zu fields\n", path, records, want);
	csv_close(r);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc && !bad; i++)
		bad = check(argv[i]);
	return bad;
}
