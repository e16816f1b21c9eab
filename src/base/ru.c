/* ru: numbers, dates and times in Russian (see ru.h). */
#include "base/ru.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"

#define THIN "\xE2\x80\x89"  /* U+2009 */
#define NBSP "\xC2\xA0"      /* U+00A0 */
#define MINUS "\xE2\x88\x92" /* U+2212 */

const struct ru_zone ru_zones[] = {
	{ "Europe/Kaliningrad", 120, "Калининград (МСК−1, UTC+2)" },
	{ "Europe/Moscow", 180, "Москва (МСК, UTC+3)" },
	{ "Europe/Samara", 240, "Самара, Ижевск (МСК+1, UTC+4)" },
	{ "Asia/Yekaterinburg", 300, "Екатеринбург, Тюмень, Уфа (МСК+2, UTC+5)" },
	{ "Asia/Omsk", 360, "Омск (МСК+3, UTC+6)" },
	{ "Asia/Novosibirsk", 420, "Новосибирск (МСК+4, UTC+7)" },
	{ "Asia/Barnaul", 420, "Барнаул, Алтайский край (МСК+4, UTC+7)" },
	{ "Asia/Krasnoyarsk", 420, "Красноярск, Кемерово, Томск (МСК+4, UTC+7)" },
	{ "Asia/Irkutsk", 480, "Иркутск, Улан-Удэ (МСК+5, UTC+8)" },
	{ "Asia/Yakutsk", 540, "Якутск, Чита (МСК+6, UTC+9)" },
	{ "Asia/Vladivostok", 600, "Владивосток, Хабаровск (МСК+7, UTC+10)" },
	{ "Asia/Magadan", 660, "Магадан, Сахалин (МСК+8, UTC+11)" },
	{ "Asia/Kamchatka", 720, "Камчатка, Чукотка (МСК+9, UTC+12)" },
};
const size_t ru_nzones = sizeof ru_zones / sizeof *ru_zones;

static _Atomic(const struct ru_zone *) zone = &ru_zones[1];

const struct ru_zone *ru_zone_find(const char *id)
{
	for (size_t i = 0; id && i < ru_nzones; i++)
		if (!strcmp(ru_zones[i].id, id))
			return &ru_zones[i];
	return NULL;
}

int ru_set_zone(const char *id)
{
	const struct ru_zone *z = ru_zone_find(id);
	if (!z)
		return -1;
	atomic_store(&zone, z);
	return 0;
}

const struct ru_zone *ru_zone(void)
{
	return atomic_load(&zone);
}

int64_t ru_local_time(int64_t utc)
{
	return utc + (int64_t)ru_zone()->offset_min * 60;
}

int64_t ru_utc_time(int64_t local)
{
	return local - (int64_t)ru_zone()->offset_min * 60;
}

/* Writes the digits of u grouped by thin spaces (from 1 000 on) after prefix. */
static char *grouped(char *out, size_t n, const char *prefix, unsigned long long u, const char *rest)
{
	char d[32];
	int k = snprintf(d, sizeof d, "%llu", u);
	char body[96];
	size_t b = 0;
	for (int i = 0; i < k && b + 4 < sizeof body; i++) {
		if (i && (k - i) % 3 == 0 && k >= 4) {
			memcpy(body + b, THIN, 3);
			b += 3;
		}
		body[b++] = d[i];
	}
	body[b] = '\0';
	char all[160];
	snprintf(all, sizeof all, "%s%s%s", prefix, body, rest ? rest : "");
	str_copy_utf8(out, n, all);
	return out;
}

char *ru_int(char *out, size_t n, long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	return grouped(out, n, v < 0 ? MINUS : "", u, NULL);
}

char *ru_num(char *out, size_t n, double v, int dec)
{
	if (!isfinite(v)) {
		str_copy_utf8(out, n, "—");
		return out;
	}
	if (dec < 0)
		dec = 0;
	if (dec > 9)
		dec = 9;
	double scale = pow(10, dec), r = round(fabs(v) * scale);
	if (r >= 9e18) {
		char t[64];
		snprintf(t, sizeof t, "%s%.*e", v < 0 ? MINUS : "", dec, fabs(v));
		str_copy_utf8(out, n, t);
		return out;
	}
	unsigned long long whole = (unsigned long long)(r / scale), frac = (unsigned long long)(r - (double)whole * scale);
	char rest[24] = "";
	if (dec)
		snprintf(rest, sizeof rest, ",%0*llu", dec, frac);
	/* -0,0 is 0,0. */
	bool neg = v < 0 && r > 0;
	return grouped(out, n, neg ? MINUS : "", whole, rest);
}

char *ru_pct(char *out, size_t n, double share, int dec)
{
	char t[RU_NUM_MAX], all[RU_NUM_MAX + 8];
	ru_num(t, sizeof t, 100 * share, dec);
	if (!isfinite(share))
		snprintf(all, sizeof all, "%s", t);
	else
		snprintf(all, sizeof all, "%s" NBSP "%%", t);
	str_copy_utf8(out, n, all);
	return out;
}

char *ru_p(char *out, size_t n, double p)
{
	char t[RU_NUM_MAX], all[RU_NUM_MAX + 8];
	if (!isfinite(p))
		snprintf(all, sizeof all, "p — нет данных");
	else if (p < 0.001)
		snprintf(all, sizeof all, "p < 0,001");
	else
		snprintf(all, sizeof all, "p = %s", ru_num(t, sizeof t, p, 3));
	str_copy_utf8(out, n, all);
	return out;
}

static bool is_date(const char *s)
{
	if (!s || strlen(s) < 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

char *ru_date(char *out, size_t n, const char *iso)
{
	char t[16];
	if (!is_date(iso)) {
		str_copy_utf8(out, n, iso ? iso : "");
		return out;
	}
	snprintf(t, sizeof t, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
	str_copy_utf8(out, n, t);
	return out;
}

char *ru_date_long(char *out, size_t n, const char *iso)
{
	static const char *const months[12] = { "января", "февраля", "марта", "апреля", "мая", "июня",
						"июля", "августа", "сентября", "октября", "ноября", "декабря" };
	if (!is_date(iso)) {
		str_copy_utf8(out, n, iso ? iso : "");
		return out;
	}
	int m = (iso[5] - '0') * 10 + (iso[6] - '0');
	if (m < 1 || m > 12) {
		str_copy_utf8(out, n, iso);
		return out;
	}
	char t[48];
	snprintf(t, sizeof t, "%.2s %s %.4s г.", iso + 8, months[m - 1], iso);
	str_copy_utf8(out, n, t);
	return out;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, written from its
 * description), and back. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long yy = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* The local civil time of a UTC moment: 0, or -1 when iso is not a moment. */
static int local_of(const char *iso, long long *y, unsigned *mo, unsigned *d, int *hh, int *mm)
{
	if (!is_date(iso) || strlen(iso) < 16 || iso[10] != 'T' || iso[13] != ':')
		return -1;
	*hh = (iso[11] - '0') * 10 + (iso[12] - '0');
	*mm = (iso[14] - '0') * 10 + (iso[15] - '0');
	if (sscanf(iso, "%4lld-%2u-%2u", y, mo, d) != 3 || *hh > 23 || *mm > 59)
		return -1;
	long long minutes = days_from_civil(*y, *mo, *d) * 1440 + *hh * 60 + *mm + ru_zone()->offset_min;
	long long days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
	int rem = (int)(minutes - days * 1440);
	civil_from_days(days, y, mo, d);
	*hh = rem / 60;
	*mm = rem % 60;
	return 0;
}

char *ru_local_day(char *out, size_t n, const char *iso)
{
	long long y;
	unsigned mo, d;
	int hh, mm;
	if (local_of(iso, &y, &mo, &d, &hh, &mm)) {
		str_copy_utf8(out, n, iso ? iso : "");
		return out;
	}
	char t[48];
	snprintf(t, sizeof t, "%04lld-%02u-%02u", y % 10000, mo % 100u, d % 100u);
	str_copy_utf8(out, n, t);
	return out;
}

char *ru_moment(char *out, size_t n, const char *iso)
{
	if (!is_date(iso) || strlen(iso) < 16 || iso[10] != 'T' || iso[13] != ':') {
		ru_date(out, n, iso);
		return out;
	}
	int hh = (iso[11] - '0') * 10 + (iso[12] - '0'), mm = (iso[14] - '0') * 10 + (iso[15] - '0');
	/* is_date checked the ten characters: four digits, '-', two, '-', two. */
	long long y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
	unsigned mo = (unsigned)((iso[5] - '0') * 10 + (iso[6] - '0'));
	unsigned d = (unsigned)((iso[8] - '0') * 10 + (iso[9] - '0'));
	if (hh > 23 || mm > 59) {
		str_copy_utf8(out, n, iso);
		return out;
	}
	long long minutes = days_from_civil(y, mo, d) * 1440 + hh * 60 + mm + ru_zone()->offset_min;
	long long days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
	int rem = (int)(minutes - days * 1440);
	civil_from_days(days, &y, &mo, &d);
	char t[80];
	if (y >= 0 && y <= 9999) { /* the snprintf below by hand: the journal's export writes one a row */
		int hr = rem / 60, mi = rem % 60;
		char *q = t;
		*q++ = (char)('0' + d / 10), *q++ = (char)('0' + d % 10), *q++ = '.';
		*q++ = (char)('0' + mo / 10), *q++ = (char)('0' + mo % 10), *q++ = '.';
		*q++ = (char)('0' + y / 1000), *q++ = (char)('0' + y / 100 % 10);
		*q++ = (char)('0' + y / 10 % 10), *q++ = (char)('0' + y % 10), *q++ = ' ';
		*q++ = (char)('0' + hr / 10), *q++ = (char)('0' + hr % 10), *q++ = ':';
		*q++ = (char)('0' + mi / 10), *q++ = (char)('0' + mi % 10), *q = '\0';
	} else {
		snprintf(t, sizeof t, "%02u.%02u.%04lld %02d:%02d", d % 100u, mo % 100u, y % 10000,
			 (rem / 60) % 100, rem % 60);
	}
	str_copy_utf8(out, n, t);
	return out;
}
