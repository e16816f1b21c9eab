/* catalogue: the official ВПР structures shipped in the binary (see catalogue.h). */
#include "import/catalogue.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "embedded.h"
#include "io/csv.h"

#define CATALOGUE_FILE "src/model/catalogue.csv"

enum { C_CODE, C_KIND, C_YEAR, C_SUBJECT, C_GRADE, C_MAX, C_POSITIONS, C_SCALE, C_SOURCE, C_NCOLS };

/* One row into p; the row's fields are NUL-terminated. */
static int entry(char **f, size_t nf, struct procedure *p, char *msg, size_t msglen)
{
	char why[256] = "";
	int rc;
	memset(p, 0, sizeof *p);
	if (nf != C_NCOLS) {
		snprintf(msg, msglen, "в строке каталога %zu полей, а нужно %d", nf, C_NCOLS);
		return ERR_INVALID;
	}
	if ((rc = procedure_code_parse(f[C_CODE], p, why, sizeof why)) ||
	    (rc = procedure_positions_parse(f[C_POSITIONS], p, why, sizeof why)) ||
	    (*f[C_SCALE] && (rc = procedure_scale_parse(f[C_SCALE], p, why, sizeof why))) ||
	    (rc = procedure_validate(p, why, sizeof why))) {
		snprintf(msg, msglen, "каталог, процедура %s: %s", f[C_CODE], why);
		return ERR_INVALID;
	}
	snprintf(p->source, sizeof p->source, "каталог oko: %s", f[C_SOURCE]);
	return 0;
}

int catalogue_each(catalogue_fn fn, void *ctx, char *msg, size_t msglen)
{
	const struct embedded_file *file = NULL;
	struct csv_reader *r = NULL;
	msg[0] = '\0';
	for (size_t i = 0; i < embedded_count && !file; i++)
		if (!strcmp(embedded_files[i].path, CATALOGUE_FILE))
			file = &embedded_files[i];
	if (!file)
		return 0; /* a build without a catalogue: nothing known */
	int rc = csv_open_mem(&r, file->data, file->len, NULL, msg, msglen);
	if (rc)
		return rc;
	size_t nf, *lens;
	char **f;
	bool header = true;
	struct procedure p;
	while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
		if (header) {
			header = false;
			continue;
		}
		if ((rc = entry(f, nf, &p, msg, msglen)) || (rc = fn(ctx, &p)))
			break;
	}
	if (rc < 0 && !*msg)
		snprintf(msg, msglen, "каталог: %s", csv_error(r));
	csv_close(r);
	return rc < 0 ? rc : rc > 0 ? rc : 0;
}

struct find {
	const char *code;
	struct procedure *p;
	bool found;
};

static int match(void *ctx, const struct procedure *p)
{
	struct find *x = ctx;
	if (strcmp(p->code, x->code))
		return 0;
	*x->p = *p;
	x->found = true;
	return 1;
}

int catalogue_find(const char *code, struct procedure *p, char *msg, size_t msglen)
{
	struct find x = { code, p, false };
	int rc = catalogue_each(match, &x, msg, msglen);
	if (rc < 0)
		return rc;
	return x.found ? 0 : ERR_NOTFOUND;
}
