/* setting: the installation's settings (migration 017), one value a key.
 *
 * Keys:
 * - SETTING_TIME_ZONE "time_zone": the region's time zone, an id of ru_zones (base/ru.h);
 *   when none is stored, the installation's OKO_TIME_ZONE (oko.conf's time_zone), else
 *   "Europe/Moscow". Every moment a user reads is shown in it (ru_moment). The
 *   server and every command apply it when they open the database (setting_apply_zone),
 *   the settings page and `oko settings` at once when they change it.
 * - SETTING_PUPIL_RETENTION "pupil_names_retention": how long pupils' names are kept, in
 *   months (SETTING_RETENTION_MIN..MAX), counted from the end of the school year of the
 *   class list, and never less than that from the day the name was entered; default
 *   SETTING_RETENTION_DEFAULT. `oko pupils purge` and `oko serve` (daily) delete the names
 *   past it (model/pupil.h pupil_purge; docs/personal-data.md). A database setting, so
 *   every server and command of the installation agrees on it. */
#ifndef OKO_MODEL_SETTING_H
#define OKO_MODEL_SETTING_H

#include <stddef.h>

#include "db/db.h"

#define SETTING_TIME_ZONE "time_zone"
#define SETTING_ZONE_DEFAULT "Europe/Moscow"
#define SETTING_VALUE_MAX 256 /* bytes of a value, NUL included */
#define SETTING_PUPIL_RETENTION "pupil_names_retention"
#define SETTING_RETENTION_DEFAULT 12 /* months */
#define SETTING_RETENTION_MIN 1
#define SETTING_RETENTION_MAX 120

/* The value of key into out (n bytes): 0, ERR_NOTFOUND when the key has no row (out gets
 * ""), or ERR_DB. A database without the table (older, opened without migrating) reads
 * as ERR_NOTFOUND. */
int setting_get(struct db *d, const char *key, char *out, size_t n);
/* Stores key = value with who set it and when (now, UTC): 0 or ERR_DB. Values are checked
 * by the typed setters below, not here. */
int setting_put(struct db *d, const char *key, const char *value, const char *by);

/* The stored zone id into out (the default when none is stored or the stored one is not
 * a known zone): 0 or ERR_DB. */
int setting_zone(struct db *d, char *out, size_t n);
/* Checks id against ru_zones, stores it and applies it to the process (ru_set_zone):
 * 0, ERR_INVALID for an unknown id (nothing stored), ERR_DB. */
int setting_zone_set(struct db *d, const char *id, const char *by);
/* Reads the stored zone and applies it (ru_set_zone): 0 or ERR_DB (the zone then stays). */
int setting_apply_zone(struct db *d);

/* The retention period of pupils' names in months (the default when none is stored or the
 * stored value is out of range): 0 or ERR_DB. */
int setting_retention(struct db *d, int *months);
/* Stores the retention period: 0, ERR_INVALID outside MIN..MAX (nothing stored), ERR_DB. */
int setting_retention_set(struct db *d, int months, const char *by);

#endif
