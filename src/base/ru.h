/* ru: numbers, dates and times as a Russian reader writes them — the one home of the format
 * every page, document and message uses (code, logs and machine files keep theirs).
 *
 * - Integers group thousands with a thin space U+2009 («23 310»); a four-digit number too
 *   («1 895»), as the Russian norm for running text. A minus is U+2212 («−3»).
 * - Decimals take a comma («82,0»); ru_num rounds to `dec` places (NaN and infinities: «—»).
 * - Percent: the number, a no-break space U+00A0 and «%» («48,5 %»).
 * - p-values: «p < 0,001» below 0,001, else «p = 0,012» (three places).
 * - Dates 'YYYY-MM-DD…' → «14.04.2021»; long «01 марта 2021 г.».
 * - Moments 'YYYY-MM-DDTHH:MM:SSZ' (UTC, as stored) → the region's local time «14.04.2021
 *   09:30» with ru_set_zone's offset. Russia keeps no daylight saving since 26.10.2014, so a
 *   zone is a fixed offset from UTC; ru_zones lists the country's zones with their offsets.
 * Every function writes a NUL-terminated string into out (at most n bytes, truncated at a
 * character boundary) and returns out, so calls can be nested in printf's arguments. Pure
 * but for the process-wide zone (set once at start, read by every thread). */
#ifndef OKO_RU_H
#define OKO_RU_H

#include <stddef.h>
#include <stdint.h>

#define RU_NUM_MAX 48 /* enough for any number this module writes */

char *ru_int(char *out, size_t n, long long v);
char *ru_num(char *out, size_t n, double v, int dec);
/* share 0..1 as a percent with dec places («48,5 %»). */
char *ru_pct(char *out, size_t n, double share, int dec);
char *ru_p(char *out, size_t n, double p);
/* «14.04.2021» from 'YYYY-MM-DD' (or the date part of a moment); the input as it is when it
 * is not a date. */
char *ru_date(char *out, size_t n, const char *iso);
/* «01 марта 2021 г.» */
char *ru_date_long(char *out, size_t n, const char *iso);
/* «14.04.2021 09:30» in the region's time (input: a UTC moment 'YYYY-MM-DDTHH:MM[:SS]Z'). */
char *ru_moment(char *out, size_t n, const char *iso_utc);

/* The region's calendar date 'YYYY-MM-DD' of a UTC moment (what day it was there: an upload
 * at 22:00 UTC on the deadline is the next day in Barnaul); the input as it is otherwise. */
char *ru_local_day(char *out, size_t n, const char *iso_utc);

/* Russia's time zones: IANA name, offset from UTC in minutes, Russian title. */
struct ru_zone {
	const char *id;     /* "Asia/Barnaul" */
	int offset_min;     /* 420 */
	const char *title;  /* «Барнаул, Новосибирск, Томск (МСК+4, UTC+7)» */
};
extern const struct ru_zone ru_zones[];
extern const size_t ru_nzones;
/* The zone by id; NULL unknown. */
const struct ru_zone *ru_zone_find(const char *id);
/* Sets the process's zone (default Europe/Moscow); 0, or -1 for an unknown id. */
int ru_set_zone(const char *id);
const struct ru_zone *ru_zone(void);
/* A moment in seconds since 1970 UTC as the region's wall clock reads it (the zone's offset
 * added: gmtime_r of the result gives the local date and time), and back. */
int64_t ru_local_time(int64_t utc);
int64_t ru_utc_time(int64_t local);

#endif
