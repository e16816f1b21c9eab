/* migrate: numbered schema migrations built into the binary.
 *
 * Each file src/db/sql/NNN_name.sql is one migration; NNN counts up from 001 without gaps.
 * The database's PRAGMA user_version holds the number of the last one applied. Each
 * migration runs in its own transaction together with the version bump, so a failure
 * leaves the database at the previous version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "embedded.h"

#define SQL_DIR "src/db/sql/"

/* Number of a migration file, or 0 when the embedded file is not a migration. */
static int migration_number(const struct embedded_file *f)
{
	size_t n = strlen(SQL_DIR);
	if (strncmp(f->path, SQL_DIR, n) != 0)
		return 0;
	const char *p = f->path + n;
	int v = 0;
	for (int i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	return p[3] == '_' ? v : 0;
}

static const struct embedded_file *find_migration(int version)
{
	for (size_t i = 0; i < embedded_count; i++)
		if (migration_number(&embedded_files[i]) == version)
			return &embedded_files[i];
	return NULL;
}

int db_schema_latest(void)
{
	int v = 0;
	while (find_migration(v + 1))
		v++;
	return v;
}

int db_schema_version(struct db *d, int *version)
{
	int64_t v = 0;
	int rc = db_query_int(d, "PRAGMA user_version", 0, &v);
	if (rc) {
		log_error("не удалось прочитать версию схемы: %s", db_errmsg(d));
		return rc;
	}
	*version = (int)v;
	return 0;
}

int db_migrate(struct db *d, int *applied)
{
	int version = 0, rc;
	*applied = 0;
	if ((rc = db_schema_version(d, &version)))
		return rc;
	for (int v = version + 1;; v++) {
		const struct embedded_file *f = find_migration(v);
		if (!f)
			break;
		char bump[64];
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v);
		if ((rc = db_begin(d)))
			goto fail;
		if ((rc = db_exec(d, (const char *)f->data)) || (rc = db_exec(d, bump))) {
			db_rollback(d);
			goto fail;
		}
		if ((rc = db_commit(d))) {
			db_rollback(d);
			goto fail;
		}
		log_debug("применена миграция %s", f->path);
		(*applied)++;
		continue;
	fail:
		log_error("миграция %s не применена: %s", f->path, db_errmsg(d));
		return rc;
	}
	return 0;
}
