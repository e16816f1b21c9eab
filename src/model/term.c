/* term: the due date a measure's term gives (docs/measures.md, «Due dates from terms») —
 * the one rule for a plan made from a template and a plan read from a file. Pure: no SQL,
 * no clock. Dates are compared as keys YYYYMMDD. */
#include "model/measure.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : days[m - 1];
}

static bool date_ok(int y, int m, int d)
{
	return y >= 2000 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

static long date_key(int y, int m, int d)
{
	return (long)y * 10000 + m * 100 + d;
}

/* "YYYY-MM-DD" → its key, 0 when not a date. */
static long iso_key(const char *s)
{
	int y, m, d;
	char end;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || !date_ok(y, m, d))
		return 0;
	return date_key(y, m, d);
}

/* The month a word names (1..12), 0 when none: any case form of the full name («март»,
 * «марта», «марте») or the usual abbreviations («янв», «сент»). w is folded. */
static int month_of(const char *w)
{
	static const char *const stems[12] = { "январ", "феврал", "март", "апрел", "ма",
					       "июн", "июл", "август", "сентябр", "октябр",
					       "ноябр", "декабр" };
	static const char *const abbr[] = { "янв", "фев", "февр", "мар", "апр", "авг", "сен",
					    "сент", "окт", "ноя", "нояб", "дек", NULL };
	static const int abbr_m[] = { 1, 2, 2, 3, 4, 8, 9, 9, 10, 11, 11, 12 };
	if (!strcmp(w, "май") || !strcmp(w, "мая") || !strcmp(w, "мае"))
		return 5;
	for (int m = 0; m < 12; m++)
		if (m != 4 && !strncmp(w, stems[m], strlen(stems[m])))
			return m + 1;
	for (int i = 0; abbr[i]; i++)
		if (!strcmp(w, abbr[i]))
			return abbr_m[i];
	return 0;
}

/* Words that mean «all through the plan's period». */
static bool whole_period(const char *w)
{
	static const char *const words[] = { "течение", "постоянно", "ежемесячно", "ежеквартально",
					     "еженедельно", "систематически", NULL };
	for (int i = 0; words[i]; i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

enum tok_kind { TOK_NUM, TOK_WORD, TOK_DATE };
struct tok {
	enum tok_kind kind;
	long num;        /* TOK_NUM: its value; TOK_DATE: its key */
	int digits;      /* TOK_NUM: how many */
	char word[48];   /* TOK_WORD, folded (truncated) */
	bool range;      /* a dash between it and the token before («март – декабрь») */
};
#define MAX_TOKS 96

/* Splits a term into numbers, words and dates written with dots («23.08.2020», «01.03.21»). */
static size_t tokenize(const char *s, struct tok *t, size_t max)
{
	size_t n = 0, len = strlen(s), i = 0;
	bool dash = false; /* seen since the last token */
	while (i < len && n < max) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9') {
			long v[3] = { 0, 0, 0 };
			int dg[3] = { 0, 0, 0 }, parts = 0;
			size_t j = i;
			while (parts < 3) {
				while (j < len && s[j] >= '0' && s[j] <= '9') {
					if (dg[parts] < 9)
						v[parts] = v[parts] * 10 + (s[j] - '0');
					dg[parts]++;
					j++;
				}
				parts++;
				if (parts < 3 && j + 1 < len && s[j] == '.' && s[j + 1] >= '0' &&
				    s[j + 1] <= '9')
					j++;
				else
					break;
			}
			if (parts == 3 && dg[0] <= 2 && dg[1] <= 2 && (dg[2] == 4 || dg[2] == 2)) {
				int y = (int)(dg[2] == 2 ? 2000 + v[2] : v[2]);
				if (date_ok(y, (int)v[1], (int)v[0])) {
					t[n++] = (struct tok){ .kind = TOK_DATE,
							       .num = date_key(y, (int)v[1], (int)v[0]),
							       .range = dash };
					dash = false;
					i = j;
					continue;
				}
			}
			/* Not a date: the first number only. */
			j = i;
			long x = 0;
			int d = 0;
			while (j < len && s[j] >= '0' && s[j] <= '9') {
				if (d < 9)
					x = x * 10 + (s[j] - '0');
				d++;
				j++;
			}
			t[n++] = (struct tok){ .kind = TOK_NUM, .num = x, .digits = d, .range = dash };
			dash = false;
			i = j;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		bool letter = (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
			      (cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451;
		if (!letter) {
			dash |= cp == '-' || (cp >= 0x2010 && cp <= 0x2015); /* hyphen, en and em dashes */
			i += k;
			continue;
		}
		size_t j = i;
		while (j < len) {
			size_t kk = utf8_decode(s + j, len - j, &cp);
			if (!kk || !((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
				     (cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451))
				break;
			j += kk;
		}
		struct buf b = BUF_INIT;
		str_fold_words(s + i, j - i, &b);
		struct tok *w = &t[n++];
		*w = (struct tok){ .kind = TOK_WORD, .range = dash };
		dash = false;
		str_copy_utf8(w->word, sizeof w->word, buf_str(&b));
		buf_free(&b);
		i = j;
	}
	return n;
}

/* The first 4-digit year (2000..2100) among tokens from i on; 0 when none. */
static int year_after(const struct tok *t, size_t n, size_t i)
{
	for (; i < n; i++)
		if (t[i].kind == TOK_NUM && t[i].digits == 4 && t[i].num >= 2000 && t[i].num <= 2100)
			return (int)t[i].num;
	return 0;
}

/* A day (0: the month's last) of month m without a year: its first occurrence within the
 * plan's period [from, to] — and after the key `after` when it ends a range whose start
 * set one («март – декабрь»: the December after that March) —, clamped to the period's
 * end; 0 when the period has none (with `after`: the period's end, the range running past
 * it). */
static long in_period(int m, int day, long from, long to, long after)
{
	if (!from || !to)
		return 0;
	for (int y = (int)(from / 10000); y <= (int)(to / 10000) + 1; y++) {
		int d = day ? day : month_days(y, m);
		if (day && !date_ok(y, m, day))
			continue;
		long first = date_key(y, m, day ? day : 1), last = date_key(y, m, d);
		if (last < from || (after && last <= after))
			continue;
		if (first > to) /* the period has no such day after the ones before it */
			return after ? to : 0;
		return last > to ? to : last;
	}
	return 0;
}

int mp_term_due(const char *term, const char *period_from, const char *period_to, char due[MP_DATE_LEN])
{
	struct tok *t = xcalloc(MAX_TOKS, sizeof *t);
	size_t n = tokenize(term ? term : "", t, MAX_TOKS);
	long from = iso_key(period_from), to = iso_key(period_to), best = 0;
	long seq = 0; /* the last day or month without a year read: a range's end comes after it */
	bool period = false;
	for (size_t i = 0; i < n; i++) {
		long k = 0;
		if (t[i].kind == TOK_DATE) {
			k = t[i].num;
		} else if (t[i].kind == TOK_NUM && t[i].digits <= 2 && t[i].num >= 1 &&
			   t[i].num <= 31 && i + 1 < n && t[i + 1].kind == TOK_WORD &&
			   month_of(t[i + 1].word)) {
			/* «03 сентября 2019 года»: a day of a month. */
			int m = month_of(t[i + 1].word), y = year_after(t, n, i + 2);
			if (y)
				k = date_ok(y, m, (int)t[i].num) ? date_key(y, m, (int)t[i].num) : 0;
			else if ((k = in_period(m, (int)t[i].num, from, to, t[i].range ? seq : 0)))
				seq = k;
			i++;
		} else if (t[i].kind == TOK_WORD && month_of(t[i].word)) {
			/* «март 2021 г.», «ноябрь – декабрь 2021 года», «февраль»: the month's end. */
			int m = month_of(t[i].word), y = year_after(t, n, i + 1);
			if (y)
				k = date_key(y, m, month_days(y, m));
			else if ((k = in_period(m, 0, from, to, t[i].range ? seq : 0)))
				seq = k;
		} else if (t[i].kind == TOK_WORD && whole_period(t[i].word)) {
			period = true;
		}
		if (k > best)
			best = k;
	}
	free(t);
	if (!best && period)
		best = to;
	if (!best) {
		due[0] = '\0';
		return 0;
	}
	unsigned y = (unsigned)(best / 10000 % 10000), m = (unsigned)(best / 100 % 100) % 13,
		 dd = (unsigned)(best % 100) % 32;
	snprintf(due, MP_DATE_LEN, "%04u-%02u-%02u", y, m, dd);
	return 1;
}

