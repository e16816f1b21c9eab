/* setting: the installation's settings (see setting.h). */
#include "model/setting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "model/plan.h"

#define SETTING_SCHEMA 17 /* the migration that makes the table */

int setting_get(struct db *d, const char *key, char *out, size_t n)
{
	struct db_stmt *s = NULL;
	if (n)
		out[0] = '\0';
	/* No table yet (a database opened without migrating): every key has its default. */
	int version = 0;
	int rc = db_schema_version(d, &version);
	if (rc)
		return rc;
	if (version < SETTING_SCHEMA)
		return ERR_NOTFOUND;
	if ((rc = db_prepare(d, &s, "SELECT value FROM setting WHERE key = ?")))
		return rc;
	if ((rc = db_bind_text(s, 1, key, -1)))
		goto out;
	if ((rc = db_step_one(s)))
		goto out;
	str_copy_utf8(out, n, db_col_text(s, 0));
out:
	db_finalize(s);
	return rc;
}

int setting_put(struct db *d, const char *key, const char *value, const char *by)
{
	struct db_stmt *s = NULL;
	char now[24];
	time_t t = (time_t)plan_now();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	int rc = db_prepare(d, &s,
			    "INSERT INTO setting (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)"
			    " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
			    " updated_by = excluded.updated_by, updated_at = excluded.updated_at");
	if (rc)
		return rc;
	if ((rc = db_bind_text(s, 1, key, -1)) || (rc = db_bind_text(s, 2, value, -1)) ||
	    (rc = db_bind_text(s, 3, by ? by : "", -1)) || (rc = db_bind_text(s, 4, now, -1)))
		goto out;
	rc = db_step(s);
	rc = rc < 0 ? rc : 0;
out:
	db_finalize(s);
	return rc;
}

int setting_zone(struct db *d, char *out, size_t n)
{
	char v[SETTING_VALUE_MAX];
	int rc = setting_get(d, SETTING_TIME_ZONE, v, sizeof v);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	/* The database's zone, else the installation's (OKO_TIME_ZONE, which oko.conf's
	 * time_zone may set; main() refuses an unknown one), else Moscow. */
	const char *env = getenv("OKO_TIME_ZONE");
	str_copy_utf8(out, n, !rc && ru_zone_find(v) ? v : ru_zone_find(env) ? env : SETTING_ZONE_DEFAULT);
	return 0;
}

int setting_zone_set(struct db *d, const char *id, const char *by)
{
	if (!ru_zone_find(id))
		return ERR_INVALID;
	int rc = setting_put(d, SETTING_TIME_ZONE, id, by);
	if (!rc)
		ru_set_zone(id);
	return rc;
}

int setting_apply_zone(struct db *d)
{
	char id[SETTING_VALUE_MAX];
	int rc = setting_zone(d, id, sizeof id);
	if (!rc)
		ru_set_zone(id);
	return rc;
}

int setting_retention(struct db *d, int *months)
{
	char v[SETTING_VALUE_MAX];
	long m = 0;
	*months = SETTING_RETENTION_DEFAULT;
	int rc = setting_get(d, SETTING_PUPIL_RETENTION, v, sizeof v);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (!str_to_int(v, strlen(v), &m) && m >= SETTING_RETENTION_MIN && m <= SETTING_RETENTION_MAX)
		*months = (int)m;
	return 0;
}

int setting_retention_set(struct db *d, int months, const char *by)
{
	if (months < SETTING_RETENTION_MIN || months > SETTING_RETENTION_MAX)
		return ERR_INVALID;
	char v[16];
	snprintf(v, sizeof v, "%d", months);
	return setting_put(d, SETTING_PUPIL_RETENTION, v, by);
}
