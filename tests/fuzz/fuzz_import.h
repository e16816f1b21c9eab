/* Helpers of the importer targets (fuzz_import_*.c): the input written to a scratch file,
 * a fresh copy of a seeded database per input, a fingerprint of tables to show that a
 * refused or dry-run import changed nothing. The importers read a path, so the input goes
 * through a file. */
#ifndef OKO_FUZZ_IMPORT_H
#define OKO_FUZZ_IMPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/log.h"
#include "db/db.h"

#define IMP_CHECK(c)                                                                   \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                       \
		}                                                                      \
	} while (0)

static char imp_dir[64], imp_input[128], imp_work[128];
static void *imp_tmpl;   /* the seeded database file, copied for every input */
static size_t imp_tmpl_len;

static void imp_unlink_db(const char *path)
{
	char p[160];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static void imp_cleanup(void)
{
	char p[160];
	unlink(imp_input);
	imp_unlink_db(imp_work);
	snprintf(p, sizeof p, "%s/master.key", imp_dir);
	unlink(p);
	rmdir(imp_dir);
	free(imp_tmpl);
}

static void imp_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	IMP_CHECK(f != NULL);
	IMP_CHECK(fwrite(data, 1, size, f) == size);
	IMP_CHECK(fclose(f) == 0);
}

/* Once per process: a scratch directory (removed at exit) with the key file of personal
 * data, a fixed clock, no log output, and the template database: migrated and seeded once,
 * since migrating a fresh database for every input took most of the time. */
static void imp_init(void (*seed)(struct db *))
{
	if (imp_dir[0])
		return;
	const char *t = getenv("TMPDIR");
	snprintf(imp_dir, sizeof imp_dir, "%s/oko-fuzz-XXXXXX",
		 t && *t && strlen(t) < 40 ? t : "/tmp");
	IMP_CHECK(mkdtemp(imp_dir) != NULL);
	snprintf(imp_input, sizeof imp_input, "%s/input", imp_dir);
	snprintf(imp_work, sizeof imp_work, "%s/work.db", imp_dir);
	char key[128];
	snprintf(key, sizeof key, "%s/master.key", imp_dir);
	setenv("OKO_KEY_FILE", key, 1);
	setenv("OKO_NOW", "2021-04-01T09:00:00Z", 1);
	log_set_level(LOG_QUIET);
	atexit(imp_cleanup);
	struct db *d = NULL;
	IMP_CHECK(db_open(&d, imp_work, DB_OPEN_CREATE) == 0);
	seed(d);
	db_close(d);
	FILE *f = fopen(imp_work, "rb");
	IMP_CHECK(f != NULL);
	IMP_CHECK(fseek(f, 0, SEEK_END) == 0);
	long n = ftell(f);
	IMP_CHECK(n > 0 && fseek(f, 0, SEEK_SET) == 0);
	imp_tmpl = malloc((size_t)n);
	IMP_CHECK(imp_tmpl != NULL);
	IMP_CHECK(fread(imp_tmpl, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	imp_tmpl_len = (size_t)n;
}

/* Writes the input to imp_input. */
static void imp_write(const uint8_t *data, size_t size)
{
	imp_write_file(imp_input, data, size);
}

/* A fresh copy of the seeded database. */
static struct db *imp_db(void)
{
	struct db *d = NULL;
	imp_unlink_db(imp_work);
	imp_write_file(imp_work, imp_tmpl, imp_tmpl_len);
	IMP_CHECK(db_open(&d, imp_work, 0) == 0);
	return d;
}

/* The text of every row sql returns (constant SQL, one text column), joined: a cheap
 * fingerprint of what an import may change. malloc'd. */
static char *imp_dump(struct db *d, const char *sql)
{
	struct db_stmt *s = NULL;
	IMP_CHECK(db_prepare(d, &s, sql) == 0);
	size_t n = 0, cap = 256;
	char *out = malloc(cap);
	IMP_CHECK(out != NULL);
	out[0] = '\0';
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *v = db_col_text(s, 0);
		size_t k = strlen(v);
		if (n + k + 2 > cap) {
			cap = (n + k + 2) * 2;
			out = realloc(out, cap);
			IMP_CHECK(out != NULL);
		}
		memcpy(out + n, v, k);
		n += k;
		out[n++] = '\n';
		out[n] = '\0';
	}
	IMP_CHECK(rc == DB_DONE);
	db_finalize(s);
	return out;
}

/* Every problem has a place to show and a Russian text; a refused file names at least one
 * error, so the user is never left without a reason. */
static void imp_check_diags(const struct diag_list *dl, int rc)
{
	for (size_t i = 0; i < dl->n; i++) {
		IMP_CHECK(dl->v[i].msg && dl->v[i].msg[0]);
		IMP_CHECK(dl->v[i].code && dl->v[i].code[0]);
	}
	if (rc)
		IMP_CHECK(diag_errors(dl) > 0);
	else
		IMP_CHECK(diag_errors(dl) == 0);
}

#endif
