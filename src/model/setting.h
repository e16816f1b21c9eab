/* setting: the installation's settings (migration 017), one value a key.
 *
 * Keys:
 * - SETTING_TIME_ZONE "time_zone": the region's time zone, an id of ru_zones (base/ru.h);
 *   default "Europe/Moscow". Every moment a user reads is shown in it (ru_moment). The
 *   server and every command apply it when they open the database (setting_apply_zone),
 *   the settings page and `oko settings` at once when they change it. */
#ifndef OKO_MODEL_SETTING_H
#define OKO_MODEL_SETTING_H

#include <stddef.h>

#include "db/db.h"

#define SETTING_TIME_ZONE "time_zone"
#define SETTING_ZONE_DEFAULT "Europe/Moscow"
#define SETTING_VALUE_MAX 256 /* bytes of a value, NUL included */

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

#endif
