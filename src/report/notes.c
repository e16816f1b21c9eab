/* report/notes: the official documents filled with real figures (notes.h, docs/documents.md).
 *
 * Each kind is built as an io/doc.h document from model/ data only: the plan of measures
 * (model/measure.h), the plan-graph and its coordinators (model/plan.h), the observers'
 * sittings and coverage (model/observer.h), the ФИС ОКО figures of a procedure
 * (report/fisoko.h: participation, marks, the journal comparison — one range scan each),
 * the latest analysis run (model/run.h, model/notes_data.h) and the re-checks
 * (report/recheck.h). Formatting helpers at the top give numbers, dates and procedures in
 * the words of an official document. */
#include "report/notes.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "model/measure.h"
#include "model/medalist.h"
#include "model/notes_data.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/unit.h"
#include "report/fisoko.h"
#include "report/png.h"
#include "report/recheck.h"
#include "stats/catalogue.h"

/* ---- kinds ---- */

static const char *const KIND_ID[NOTE_KIND_COUNT] = { "order", "info-note", "analytic-note", "plan" };
static const char *const KIND_TITLE[NOTE_KIND_COUNT] = { "Приказ", "Информационная справка",
							 "Аналитическая справка", "План мероприятий" };

const char *note_kind_id(enum note_kind k)
{
	return (unsigned)k < NOTE_KIND_COUNT ? KIND_ID[k] : "";
}

const char *note_kind_title(enum note_kind k)
{
	return (unsigned)k < NOTE_KIND_COUNT ? KIND_TITLE[k] : "";
}

int note_kind_parse(const char *s)
{
	for (int k = 0; s && k < NOTE_KIND_COUNT; k++)
		if (!strcmp(s, KIND_ID[k]))
			return k;
	return -1;
}

/* ---- numbers, dates and procedures in a document's words ---- */

#define THIN "\xe2\x80\x89" /* U+2009 THIN SPACE: the thousands separator */
#define NBSP "\xc2\xa0"     /* before «%» and «г.» */
/* What to do when the territory has no plan of its own, on the page or the command line. */
#define NO_PLAN_ADVICE(o) \
	((o)->web ? "выберите план в поле «План мероприятий» или создайте план территории в разделе «Планы " \
		    "мероприятий»" \
		  : "создайте его (oko measures) или укажите --plan")

/* An integer with thin spaces between thousands: «12 345». */
static void fmt_int(char *out, size_t n, long v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%ld", v < 0 ? -v : v);
	size_t len = strlen(digits), o = 0;
	if (v < 0 && o + 1 < n)
		out[o++] = '-';
	for (size_t i = 0; i < len && o + 4 < n; i++) {
		if (i && (len - i) % 3 == 0) {
			memcpy(out + o, THIN, 3);
			o += 3;
		}
		out[o++] = digits[i];
	}
	out[o] = 0;
}

/* A number with dec decimals, a decimal comma and thin-space thousands: «1 234,5»; «—» for
 * NaN. */
static void fmt_dec(char *out, size_t n, double v, int dec)
{
	if (isnan(v) || isinf(v)) {
		snprintf(out, n, "—");
		return;
	}
	char b[64];
	snprintf(b, sizeof b, "%.*f", dec, v);
	if (!strcmp(b, "-0") || !strncmp(b, "-0.", 3)) { /* «-0,0» reads as a sign error */
		bool zero = true;
		for (const char *p = b + 1; *p; p++)
			zero = zero && (*p == '0' || *p == '.');
		if (zero)
			memmove(b, b + 1, strlen(b));
	}
	char *dot = strchr(b, '.');
	long ip = 0;
	bool neg = b[0] == '-';
	str_to_int(neg ? b + 1 : b, dot ? (size_t)(dot - b - neg) : strlen(b) - neg, &ip);
	char ib[48];
	fmt_int(ib, sizeof ib, ip);
	snprintf(out, n, "%s%s%s%s", neg ? "−" : "", ib, dot ? "," : "", dot ? dot + 1 : "");
}

/* A percentage «48,5 %» (one decimal). */
static void fmt_pct(char *out, size_t n, double pct)
{
	if (isnan(pct)) {
		snprintf(out, n, "—");
		return;
	}
	char b[48];
	fmt_dec(b, sizeof b, pct, 1);
	snprintf(out, n, "%s" NBSP "%%", b);
}

/* Short-lived formatted numbers for one printf: a ring of buffers per thread (the web
 * server builds documents on several threads). */
static _Thread_local char ring[16][64];
static _Thread_local int ring_i;
static const char *I(long v)
{
	char *b = ring[ring_i++ % 16];
	fmt_int(b, 64, v);
	return b;
}
static const char *D(double v, int dec)
{
	char *b = ring[ring_i++ % 16];
	fmt_dec(b, 64, v, dec);
	return b;
}
static const char *P(double pct)
{
	char *b = ring[ring_i++ % 16];
	fmt_pct(b, 64, pct);
	return b;
}
static double pct_of(long k, long n)
{
	return n > 0 ? 100.0 * (double)k / (double)n : NAN;
}

static const char *const MONTHS[12] = { "января", "февраля", "марта", "апреля", "мая", "июня",
					"июля", "августа", "сентября", "октября", "ноября", "декабря" };

/* 'YYYY-MM-DD' → «01 марта 2021 г.»; the text as it is when it is not a date. */
static void date_words(const char *iso, char *out, size_t n)
{
	if (!iso || !plan_date_valid(iso)) {
		snprintf(out, n, "%s", iso ? iso : "");
		return;
	}
	int m = (iso[5] - '0') * 10 + (iso[6] - '0');
	snprintf(out, n, "%.2s %s %.4s" NBSP "г.", iso + 8, MONTHS[m - 1], iso);
}

/* 'YYYY-MM-DD' → «01.03.2021». */
static void date_dots(const char *iso, char *out, size_t n)
{
	char b[PLAN_DATE_LEN];
	if (!iso || !*iso) {
		snprintf(out, n, "%s", "");
		return;
	}
	plan_date_ru(iso, b);
	snprintf(out, n, "%s", b);
}

/* The subject after «по»: «математике», «русскому языку». */
static const char *subject_dative(const char *code)
{
	static const struct {
		const char *code, *dat;
	} t[] = {
		{ "RU", "русскому языку" }, { "MA", "математике" }, { "OM", "окружающему миру" },
		{ "BI", "биологии" }, { "IS", "истории" }, { "GG", "географии" },
		{ "OB", "обществознанию" }, { "FI", "физике" }, { "HI", "химии" },
		{ "EN", "английскому языку" }, { "DE", "немецкому языку" },
		{ "FR", "французскому языку" }, { "LI", "литературе" }, { "IN", "информатике" },
	};
	for (size_t i = 0; code && i < sizeof t / sizeof *t; i++)
		if (!strcmp(t[i].code, code))
			return t[i].dat;
	return NULL;
}

/* «ВПР по математике, 4 класс» (with_year: «…, 2021 год»); the title of
 * procedure_title() when the subject has no «по» form. */
static void proc_words(const struct procedure *p, bool with_year, char *out, size_t n)
{
	const char *dat = subject_dative(p->subject);
	char b[160];
	if (dat)
		snprintf(b, sizeof b, "%s по %s, %d класс", procedure_kind_name(p->kind), dat, p->grade);
	else
		procedure_title(p->kind, p->subject, p->grade, b, sizeof b);
	if (with_year)
		snprintf(out, n, "%s, %d год", b, p->year);
	else
		snprintf(out, n, "%s", b);
}

/* The same from a procedure's code (the risk list's top procedure). */
static void code_words(struct db *d, const char *code, bool with_year, char *out, size_t n)
{
	struct procedure p;
	if (code && *code && !procedure_get(d, code, &p))
		proc_words(&p, with_year, out, n);
	else
		snprintf(out, n, "%s", "");
}

static void today(char out[PLAN_DATE_LEN])
{
	plan_date_of(plan_now(), out);
}

/* ---- the territory a document is about ---- */

struct terr {
	enum mp_level level;
	int64_t id;               /* region, municipality or school */
	struct scope sc;          /* what the figures are limited to */
	char name[256];
	char where[400];          /* «в общеобразовательных организациях муниципального образования
				     «Берёзовский район»», «в образовательной организации: …» */
};

static int terr_school(struct db *d, const struct scope *sc, const char *login, struct terr *t,
		       char *msg, size_t n);

/* The territory of a plan the scope sees (level, id and the figures' scope); false when the
 * plan is unknown or outside the scope (the caller's plan_resolve says so). */
static bool plan_terr(struct db *d, const struct scope *sc, int64_t plan_id, struct terr *t)
{
	struct mp_plan *p = xcalloc(1, sizeof *p);
	bool ok = !mplan_get(d, plan_id, p) && mplan_in_scope(d, sc, plan_id);
	if (ok) {
		t->level = p->level;
		t->id = p->level == MP_SCHOOL ? p->school_id : p->level == MP_MUNICIPALITY ? p->municipality_id
										   : p->region_id;
		t->sc = (struct scope){ p->level == MP_SCHOOL		? SCOPE_SCHOOL
					: p->level == MP_MUNICIPALITY ? SCOPE_MUNICIPALITY
								      : SCOPE_REGION,
					t->id };
		ok = t->id > 0;
	}
	free(p);
	return ok;
}

/* The territory a document is about: the school or municipality given, else (by_plan) the
 * territory of the plan given, else the scope's own. */
static int terr_resolve(struct db *d, const struct scope *sc, const struct note_opts *o, bool by_plan,
			struct terr *t, char *msg, size_t n)
{
	memset(t, 0, sizeof *t);
	int rc = 0;
	if (o->school && *o->school)
		return terr_school(d, sc, o->school, t, msg, n);
	if (o->municipality_id > 0) {
		if (!scope_sees_municipality(d, sc, o->municipality_id)) {
			err_set(msg, n, "муниципалитет вне вашей территории");
			return ERR_INVALID;
		}
		t->level = MP_MUNICIPALITY;
		t->id = o->municipality_id;
		t->sc = (struct scope){ SCOPE_MUNICIPALITY, t->id };
	} else if (by_plan && o->plan_id > 0 && plan_terr(d, sc, o->plan_id, t)) {
		/* t is the plan's territory */
	} else if (sc->kind == SCOPE_MUNICIPALITY) {
		t->level = MP_MUNICIPALITY;
		t->id = sc->id;
		t->sc = *sc;
	} else if (sc->kind == SCOPE_SCHOOL) {
		t->level = MP_SCHOOL;
		t->id = sc->id;
		t->sc = *sc;
	} else if (sc->kind == SCOPE_REGION) {
		t->level = MP_REGION;
		t->id = sc->id;
		t->sc = *sc;
	} else if (sc->kind == SCOPE_ALL) {
		t->level = MP_REGION;
		t->sc = *sc;
		if ((rc = unit_first_region(d, &t->id)))
			return rc;
	} else {
		err_set(msg, n, "нет доступа к данным");
		return ERR_INVALID;
	}
	if (t->level == MP_SCHOOL) {
		rc = unit_school(d, t->id, t->name, sizeof t->name, NULL, 0);
		snprintf(t->where, sizeof t->where, "в образовательной организации: %s", t->name);
	} else if (t->level == MP_MUNICIPALITY) {
		rc = unit_title(d, UNIT_MUNICIPALITY, t->id, t->name, sizeof t->name);
		snprintf(t->where, sizeof t->where,
			 "в общеобразовательных организациях муниципального образования «%s»", t->name);
	} else if (t->id > 0) {
		rc = unit_title(d, UNIT_REGION, t->id, t->name, sizeof t->name);
		snprintf(t->where, sizeof t->where, "в общеобразовательных организациях региона «%s»", t->name);
	} else {
		snprintf(t->where, sizeof t->where, "в общеобразовательных организациях региона");
	}
	return rc;
}

static int terr_school(struct db *d, const struct scope *sc, const char *login, struct terr *t,
		       char *msg, size_t n)
{
	memset(t, 0, sizeof *t);
	int64_t id = 0;
	int rc = registry_school_find(d, login, &id);
	if (rc == ERR_NOTFOUND || (!rc && !scope_sees_school(d, sc, id))) {
		err_set(msg, n, "школы с логином «%s» нет на вашей территории", login);
		return ERR_NOTFOUND;
	}
	if (rc)
		return rc;
	t->level = MP_SCHOOL;
	t->id = id;
	t->sc = (struct scope){ SCOPE_SCHOOL, id };
	if ((rc = unit_school(d, id, t->name, sizeof t->name, NULL, 0)))
		return rc;
	snprintf(t->where, sizeof t->where, "в образовательной организации: %s", t->name);
	return 0;
}

/* ---- small text helpers ---- */

/* The first letter in upper case (Cyrillic а–я, ё and ASCII), for a status starting a cell. */
static void ucfirst(char *s)
{
	unsigned char *u = (unsigned char *)s;
	if (u[0] == 0xD0 && u[1] >= 0xB0 && u[1] <= 0xBF)
		u[1] -= 0x20;
	else if (u[0] == 0xD1 && u[1] >= 0x80 && u[1] <= 0x8F) {
		u[0] = 0xD0;
		u[1] += 0x20;
	} else if (u[0] == 0xD1 && u[1] == 0x91) {
		u[0] = 0xD0;
		u[1] = 0x81;
	} else if (u[0] < 0x80)
		u[0] = (unsigned char)toupper(u[0]);
}

/* A measure's term as printed: its words, and the due date when the words do not say it. */
static void term_text(const struct mp_measure *m, char *out, size_t n)
{
	char due[PLAN_DATE_LEN] = "";
	date_dots(m->due, due, sizeof due);
	if (m->term[0] && due[0] && !strpbrk(m->term, "0123456789"))
		snprintf(out, n, "%s (до %s)", m->term, due);
	else if (m->term[0])
		snprintf(out, n, "%s", m->term);
	else if (due[0])
		snprintf(out, n, "до %s", due);
	else
		snprintf(out, n, "%s", "");
}

/* ---- the plan a document is about ---- */

static bool plan_of_terr(const struct mp_plan *p, const struct terr *t)
{
	if (p->level != t->level)
		return false;
	switch (t->level) {
	case MP_REGION:
		return !t->id || p->region_id == t->id;
	case MP_MUNICIPALITY:
		return p->municipality_id == t->id;
	case MP_SCHOOL:
		return p->school_id == t->id;
	}
	return false;
}

/* The plan given (in the scope), else the newest plan of the territory (*found false when
 * it has none). */
static int plan_resolve(struct db *d, const struct scope *sc, const struct terr *t, int64_t plan_id,
			struct mp_plan *p, bool *found, char *msg, size_t n)
{
	*found = false;
	memset(p, 0, sizeof *p);
	if (plan_id > 0) {
		int rc = mplan_get(d, plan_id, p);
		if (rc == ERR_NOTFOUND || (!rc && !mplan_in_scope(d, sc, plan_id))) {
			err_set(msg, n, "плана мероприятий № %lld нет на вашей территории", (long long)plan_id);
			return ERR_NOTFOUND;
		}
		*found = !rc;
		return rc;
	}
	struct mp_plan *list = NULL;
	size_t np = 0;
	int rc = mplan_list(d, &t->sc, &list, &np);
	for (size_t i = 0; !rc && i < np; i++)
		if (plan_of_terr(&list[i], t)) {
			*p = list[i];
			*found = true;
			break;
		}
	free(list);
	return rc;
}

/* The last status note of a measure ("" when none). */
static int last_note(struct db *d, int64_t measure_id, char *out, size_t n)
{
	struct mp_note *notes = NULL;
	size_t nn = 0;
	out[0] = 0;
	int rc = measure_notes(d, measure_id, &notes, &nn);
	const struct mp_note *last = NULL;
	for (size_t i = 0; !rc && i < nn; i++)
		if (notes[i].note[0] && (!last || strcmp(notes[i].at, last->at) >= 0))
			last = &notes[i];
	if (last)
		snprintf(out, n, "%s", last->note);
	free(notes);
	return rc;
}

/* Addressed measures by school name, then by their order in the plan (block, position). */
static int cmp_addressed(const void *x, const void *y)
{
	const struct mp_measure *a = x, *b = y;
	int c = strcmp(a->school_name, b->school_name);
	if (!c && a->school_id != b->school_id)
		c = a->school_id < b->school_id ? -1 : 1;
	if (!c && a->block_id != b->block_id)
		c = a->block_id < b->block_id ? -1 : 1;
	return c ? c : a->pos - b->pos;
}

/* A plan's measures as a table: which 0 every measure, 1 those addressed to no school, 2
 * the addressed ones (with the school and the cause). *rows counts the measures put. */
enum { PT_ALL, PT_GENERAL, PT_ADDRESSED };
static int plan_table(struct db *d, struct doc *doc, const struct mp_plan *p, int which, long *rows)
{
	struct mp_block *blocks = NULL;
	struct mp_measure *m = NULL;
	size_t nb = 0, nm = 0;
	*rows = 0;
	int rc = mplan_blocks(d, p->id, &blocks, &nb);
	rc = rc ? rc : measure_list(d, p->id, &m, &nm);
	if (rc)
		goto out;
	if (which == PT_ADDRESSED) {
		static const char *const t[] = { "№ п/п", "Мероприятие", "Срок", "Ответственный", "Основание" };
		static const double w[] = { 16, 0, 24, 35, 44 };
		doc_table_begin(doc, 5, t, w);
		/* by school, each school a group row, its measures in plan order */
		size_t k = 0;
		for (size_t i = 0; i < nm; i++)
			if (m[i].school_id)
				m[k++] = m[i];
		nm = k;
		qsort(m, nm, sizeof *m, cmp_addressed);
	} else {
		static const char *const t[] = { "№ п/п", "Мероприятие", "Срок", "Ответственный",
						 "Ожидаемый результат" };
		static const double w[] = { 16, 0, 26, 34, 36 };
		doc_table_begin(doc, 5, t, w);
	}
	int64_t cur_block = -1;
	for (size_t i = 0; i < nm; i++) {
		const struct mp_measure *x = &m[i];
		if ((which == PT_GENERAL && x->school_id) || (which == PT_ADDRESSED && !x->school_id))
			continue;
		if (which == PT_ADDRESSED && (i == 0 || x->school_id != m[i - 1].school_id)) {
			doc_table_group(doc, x->school_name);
		} else if (which != PT_ADDRESSED && x->block_id != cur_block) {
			cur_block = x->block_id;
			for (size_t b = 0; b < nb; b++)
				if (blocks[b].id == x->block_id) {
					char g[MP_TITLE_MAX + 16];
					snprintf(g, sizeof g, "%d. %s", blocks[b].pos, blocks[b].title);
					doc_table_group(doc, g);
				}
		}
		char term[MP_SHORT_MAX + 32];
		term_text(x, term, sizeof term);
		if (which == PT_ADDRESSED) {
			const char *cells[] = { x->number, x->text, term, x->responsible, x->cause };
			doc_table_row(doc, cells);
		} else {
			const char *cells[] = { x->number, x->text, term, x->responsible, x->expected };
			doc_table_row(doc, cells);
		}
		(*rows)++;
	}
	doc_table_end(doc);
out:
	free(blocks);
	free(m);
	return rc;
}

static long plan_count(struct db *d, int64_t plan_id, int which)
{
	struct mp_measure *m = NULL;
	size_t nm = 0;
	long k = 0;
	if (measure_list(d, plan_id, &m, &nm))
		return 0;
	for (size_t i = 0; i < nm; i++)
		if (which == PT_ALL || (which == PT_GENERAL) == !m[i].school_id)
			k++;
	free(m);
	return k;
}

static void plan_period(const struct mp_plan *p, char *out, size_t n)
{
	char a[64], b[64];
	date_words(p->period_from, a, sizeof a);
	date_words(p->period_to, b, sizeof b);
	if (p->period_from[0] && p->period_to[0])
		snprintf(out, n, "на период с %s по %s", a, b);
	else
		snprintf(out, n, "%s", "");
}

/* ---- plan ---- */

static int build_plan(struct db *d, const struct scope *sc, const struct note_opts *o, struct doc **out,
		      char *msg, size_t n)
{
	struct terr t;
	struct mp_plan p;
	bool found = false;
	int rc = o->school && *o->school ? terr_school(d, sc, o->school, &t, msg, n)
					 : terr_resolve(d, sc, o, true, &t, msg, n);
	rc = rc ? rc : plan_resolve(d, sc, &t, o->plan_id, &p, &found, msg, n);
	if (rc)
		return rc;
	if (!found) {
		err_set(msg, n, "у территории%s%s%s нет своего плана мероприятий: %s", t.name[0] ? " «" : "", t.name,
			t.name[0] ? "»" : "", NO_PLAN_ADVICE(o));
		return ERR_INVALID;
	}
	struct doc *doc = doc_new(p.title);
	char stamp[MP_SHORT_MAX + 64];
	snprintf(stamp, sizeof stamp, "УТВЕРЖДЁН\n%s", p.approved[0] ? p.approved : "____________________");
	doc_stamp(doc, stamp);
	doc_para(doc, DOC_TITLE, DOC_ALIGN_DEFAULT, true, p.title);
	char period[200];
	plan_period(&p, period, sizeof period);
	if (period[0])
		doc_para(doc, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, period);
	if (p.goal[0])
		doc_paraf(doc, DOC_BODY, "Цель: %s", p.goal);
	long rows = 0;
	if ((rc = plan_table(d, doc, &p, PT_ALL, &rows))) {
		doc_free(doc);
		return rc;
	}
	if (!rows)
		doc_para(doc, DOC_BODY, DOC_ALIGN_DEFAULT, false, "В плане пока нет мероприятий.");
	*out = doc;
	return 0;
}

/* ---- order ---- */

/* The campaign of an order or a note: the one given, else the newest one. */
static int campaign_resolve(struct db *d, const struct note_opts *o, int64_t *id, char *name, size_t nn,
			    char *msg, size_t n)
{
	int rc;
	if (o->campaign_id > 0) {
		*id = o->campaign_id;
		rc = plan_campaign_get(d, o->campaign_id, name, nn);
		if (rc == ERR_NOTFOUND)
			err_set(msg, n, "такой кампании нет в плане-графике");
		return rc;
	}
	struct plan_campaign_item *c = NULL;
	size_t nc = 0;
	if ((rc = plan_campaigns(d, &c, &nc)))
		return rc;
	if (!nc) {
		free(c);
		err_set(msg, n, "в плане-графике нет ни одной кампании: загрузите план-график %s",
			o->web ? "в разделе «План-график»" : "(oko plan import)");
		return ERR_INVALID;
	}
	*id = c[0].id;
	snprintf(name, nn, "%s", c[0].name);
	free(c);
	return 0;
}

struct appendix {
	int no;
	char title[600];
};

static void stamp_of(struct doc *doc, int no, const struct mp_requisite *rq, const char *date_w,
		     const char *number)
{
	char s[MP_SHORT_MAX + 200];
	(void)rq;
	snprintf(s, sizeof s, "Приложение № %d\nк приказу\nот %s № %s", no, date_w,
		 number && *number ? number : "______");
	doc_stamp(doc, s);
}

static int cmp_public(const void *x, const void *y)
{
	const struct obs_sitting *a = x, *b = y;
	int c = strcmp(a->school_name, b->school_name);
	c = c ? c : strcmp(a->observer_name, b->observer_name);
	return c ? c : strcmp(a->date, b->date);
}

static int build_order(struct db *d, const struct scope *sc, const struct note_opts *o, struct doc **out,
		       char *msg, size_t n)
{
	struct terr t;
	struct mp_plan p;
	struct mp_requisite rq;
	bool found = false, stored = false;
	int64_t cid = 0;
	char cname[PLAN_NAME_MAX] = "", date[PLAN_DATE_LEN];
	struct plan_row *prow = NULL;
	struct obs_sitting *sit = NULL;
	struct plan_coord *coord = NULL;
	size_t nprow = 0, nsit = 0, ncoord = 0;
	struct doc *doc = NULL;
	if (o->date && *o->date) {
		if (!plan_date_valid(o->date)) {
			err_set(msg, n, "дата «%s» не в виде ГГГГ-ММ-ДД", o->date);
			return ERR_INVALID;
		}
		snprintf(date, sizeof date, "%s", o->date);
	} else {
		today(date);
	}
	int rc = terr_resolve(d, sc, o, false, &t, msg, n);
	rc = rc ? rc : campaign_resolve(d, o, &cid, cname, sizeof cname, msg, n);
	rc = rc ? rc : plan_resolve(d, sc, &t, o->plan_id, &p, &found, msg, n);
	rc = rc ? rc : requisite_get(d, t.level, t.id, &rq, &stored);
	rc = rc ? rc : plan_rows(d, cid, 0, &t.sc, &prow, &nprow);
	rc = rc ? rc : observer_sittings(d, &t.sc, cid, &sit, &nsit);
	rc = rc ? rc : plan_coordinators(d, cid, &t.sc, &coord, &ncoord);
	if (rc)
		goto out;

	/* The year of the order: the campaign's procedures', else the date's. */
	long dy = 0;
	str_to_int(date, 4, &dy);
	int year = o->year > 0 ? o->year : (int)dy;
	char first[PLAN_DATE_LEN] = "", last[PLAN_DATE_LEN] = "";
	for (size_t i = 0; i < nprow; i++) {
		struct procedure pr;
		if (!o->year && !procedure_get(d, prow[i].code, &pr))
			year = pr.year;
		const char *a = prow[i].dates.d[PLAN_WINDOW_FROM], *b = prow[i].dates.d[PLAN_WINDOW_TO];
		if (*a && (!*first || strcmp(a, first) < 0))
			snprintf(first, sizeof first, "%s", a);
		if (*b && strcmp(b, last) > 0)
			snprintf(last, sizeof last, "%s", b);
	}
	long general = found ? plan_count(d, p.id, PT_GENERAL) : 0;
	long addressed = found ? plan_count(d, p.id, PT_ADDRESSED) : 0;
	long specialists = 0, publics = 0;
	for (size_t i = 0; i < nsit; i++)
		if (sit[i].observer_id)
			*(sit[i].observer_kind == OBS_SPECIALIST ? &specialists : &publics) += 1;

	char date_w[64], title[700];
	date_words(date, date_w, sizeof date_w);
	snprintf(title, sizeof title,
		 "О подготовке и проведении всероссийских проверочных работ %s в %d году",
		 t.where, year);
	doc = doc_new(title);
	doc_order_head(doc, rq.org, "П Р И К А З", date_w, o->number && *o->number ? o->number : "______",
		       rq.place);
	doc_order_title(doc, title);
	doc_paraf(doc, DOC_BODY,
		  "В целях организованного проведения всероссийских проверочных работ (далее — ВПР) в %d году "
		  "%s в соответствии с планом-графиком «%s» и обеспечения "
		  "объективности проведения ВПР и оценивания их результатов",
		  year, t.where, cname);
	doc_para(doc, DOC_PLAIN, DOC_ALIGN_LEFT, true, "ПРИКАЗЫВАЮ:");

	char b[1200], dfirst[64], dlast[64];
	date_words(first, dfirst, sizeof dfirst);
	date_words(last, dlast, sizeof dlast);
	if (nprow && first[0] && last[0])
		snprintf(b, sizeof b,
			 "Руководствоваться планом-графиком проведения ВПР «%s» (прилагается): %s %s, сроки "
			 "проведения с %s по %s",
			 cname, I((long)nprow), str_plural((long)nprow, "процедура", "процедуры", "процедур"),
			 dfirst, dlast);
	else
		snprintf(b, sizeof b, "Руководствоваться планом-графиком проведения ВПР «%s» (прилагается).", cname);
	doc_point(doc, "1.", b);

	struct appendix app[5];
	int napp = 0, sub = 0;
	char num[16];
	bool approve = general || specialists || publics || addressed;
	if (approve)
		doc_point(doc, "2.", "Утвердить:");
	if (general) {
		app[napp].no = napp + 1;
		snprintf(app[napp].title, sizeof app[napp].title, "%s", p.title);
		snprintf(num, sizeof num, "2.%d.", ++sub);
		snprintf(b, sizeof b, "%s (приложение № %d);", p.title, app[napp].no);
		doc_point(doc, num, b);
		napp++;
	}
	int app_spec = 0, app_pub = 0, app_help = 0, app_coord = 0;
	if (specialists) {
		app_spec = app[napp].no = napp + 1;
		snprintf(app[napp].title, sizeof app[napp].title,
			 "Список наблюдателей за ходом проведения ВПР из числа специалистов");
		snprintf(num, sizeof num, "2.%d.", ++sub);
		snprintf(b, sizeof b, "Список наблюдателей за ходом проведения ВПР из числа специалистов "
				      "(приложение № %d);", app_spec);
		doc_point(doc, num, b);
		napp++;
	}
	if (publics) {
		app_pub = app[napp].no = napp + 1;
		snprintf(app[napp].title, sizeof app[napp].title,
			 "Список общественных наблюдателей за порядком проведения ВПР из числа лиц, не являющихся "
			 "работниками образовательной организации, в которой проводятся ВПР, и (или) родителями "
			 "обучающихся, принимающих участие в ВПР");
		snprintf(num, sizeof num, "2.%d.", ++sub);
		snprintf(b, sizeof b, "Список общественных наблюдателей за порядком проведения ВПР (приложение № %d);",
			 app_pub);
		doc_point(doc, num, b);
		napp++;
	}
	if (addressed) {
		app_help = app[napp].no = napp + 1;
		snprintf(app[napp].title, sizeof app[napp].title,
			 "План адресной помощи общеобразовательным организациям с признаками необъективности "
			 "результатов");
		snprintf(num, sizeof num, "2.%d.", ++sub);
		snprintf(b, sizeof b, "План адресной помощи общеобразовательным организациям с признаками "
				      "необъективности результатов (приложение № %d).", app_help);
		doc_point(doc, num, b);
		napp++;
	}
	int pt = approve ? 3 : 2;
	if (ncoord) {
		app_coord = napp + 1;
		snprintf(num, sizeof num, "%d.", pt++);
		if (ncoord <= 3) {
			struct buf names = BUF_INIT;
			for (size_t i = 0; i < ncoord; i++)
				buf_printf(&names, "%s%s", i ? ", " : "", coord[i].name[0] ? coord[i].name : coord[i].login);
			snprintf(b, sizeof b, "Назначить %s %s проведения ВПР.", buf_str(&names),
				 ncoord == 1 ? "координатором" : "координаторами");
			buf_free(&names);
			app_coord = 0;
		} else {
			snprintf(b, sizeof b, "Назначить координаторами проведения ВПР работников по списку "
					      "(приложение № %d).", app_coord);
			app[napp].no = app_coord;
			snprintf(app[napp].title, sizeof app[napp].title, "Список координаторов проведения ВПР");
			napp++;
		}
		doc_point(doc, num, b);
	}
	snprintf(num, sizeof num, "%d.", pt++);
	doc_point(doc, num,
		  "Руководителям общеобразовательных организаций обеспечить объективность проведения ВПР и "
		  "проверки работ, своевременную загрузку результатов и исполнение мероприятий плана в установленные "
		  "сроки.");
	snprintf(num, sizeof num, "%d.", pt++);
	doc_point(doc, num, "Контроль исполнения настоящего приказа оставляю за собой.");
	doc_signature(doc, rq.head_position[0] ? rq.head_position : "Руководитель",
		      rq.head_name[0] ? rq.head_name : "____________________");

	/* The appendices, each on its own page with its stamp. */
	for (int a = 0; a < napp && !rc; a++) {
		doc_page_break(doc);
		stamp_of(doc, app[a].no, &rq, date_w, o->number);
		doc_para(doc, DOC_TITLE, DOC_ALIGN_DEFAULT, true, app[a].title);
		long rows = 0;
		if (a == 0 && general) {
			char period[200];
			plan_period(&p, period, sizeof period);
			if (period[0])
				doc_para(doc, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, period);
			rc = plan_table(d, doc, &p, PT_GENERAL, &rows);
		} else if (app[a].no == app_help) {
			rc = plan_table(d, doc, &p, PT_ADDRESSED, &rows);
		} else if (app[a].no == app_spec) {
			static const char *const tt[] = { "№ п/п", "Дата", "Предмет", "Класс",
							  "Образовательная организация", "ФИО специалиста" };
			static const double w[] = { 16, 25, 28, 17, 0, 40 };
			doc_table_begin(doc, 6, tt, w);
			for (size_t i = 0; i < nsit; i++) {
				const struct obs_sitting *s = &sit[i];
				if (!s->observer_id || s->observer_kind != OBS_SPECIALIST)
					continue;
				char no[24], dd[PLAN_DATE_LEN], gr[16];
				snprintf(no, sizeof no, "%ld", ++rows);
				date_dots(s->date, dd, sizeof dd);
				snprintf(gr, sizeof gr, "%d", s->grade);
				const char *cells[] = { no, dd, procedure_subject_title(s->subject), gr, s->school_name,
							s->observer_name };
				doc_table_row(doc, cells);
			}
			doc_table_end(doc);
		} else if (app[a].no == app_pub) {
			static const char *const tt[] = { "Наименование ОО", "ФИО общественного наблюдателя",
							  "Дата, предмет, класс" };
			static const double w[] = { 55, 55, 0 };
			struct obs_sitting *ps = xmalloc((nsit ? nsit : 1) * sizeof *ps);
			size_t np = 0;
			for (size_t i = 0; i < nsit; i++)
				if (sit[i].observer_id && sit[i].observer_kind == OBS_PUBLIC)
					ps[np++] = sit[i];
			qsort(ps, np, sizeof *ps, cmp_public);
			doc_table_begin(doc, 3, tt, w);
			for (size_t i = 0; i < np;) {
				/* one row per school and observer, with the observer's sittings there */
				size_t j = i;
				struct buf when = BUF_INIT;
				while (j < np && !strcmp(ps[j].school_name, ps[i].school_name) &&
				       ps[j].observer_id == ps[i].observer_id) {
					char dd[PLAN_DATE_LEN];
					date_dots(ps[j].date, dd, sizeof dd);
					buf_printf(&when, "%s%s, %s, %d класс", j > i ? "; " : "", dd,
						   procedure_subject_name(ps[j].subject), ps[j].grade);
					j++;
				}
				bool same_school = i > 0 && !strcmp(ps[i - 1].school_name, ps[i].school_name);
				const char *cells[] = { same_school ? "" : ps[i].school_name, ps[i].observer_name,
							buf_str(&when) };
				doc_table_row(doc, cells);
				buf_free(&when);
				rows++;
				i = j;
			}
			doc_table_end(doc);
			free(ps);
		} else if (app[a].no == app_coord) {
			static const char *const tt[] = { "№ п/п", "ФИО", "Территория, организация" };
			static const double w[] = { 16, 70, 0 };
			doc_table_begin(doc, 3, tt, w);
			for (size_t i = 0; i < ncoord; i++) {
				char no[24];
				snprintf(no, sizeof no, "%zu", i + 1);
				const char *cells[] = { no, coord[i].name[0] ? coord[i].name : coord[i].login,
							coord[i].scope };
				doc_table_row(doc, cells);
			}
			doc_table_end(doc);
		}
	}
out:
	free(prow);
	free(sit);
	free(coord);
	if (rc) {
		doc_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

/* ---- info-note ---- */

/* What the «result» column says of a measure: the status, the last note, and for a school
 * that received help whether it left the list. */
/* Appends a sentence after what b holds: «. » between them, or only a space when b already
 * ends one (a note «Протокол в приложении.» is not followed by «..»). */
static void sentence(struct buf *b, const char *s)
{
	const char *t = buf_str(b);
	size_t k = strlen(t);
	if (k)
		buf_puts(b, strchr(".!?", t[k - 1]) ? " " : ". ");
	buf_puts(b, s);
}

static int measure_result(struct db *d, const struct mp_measure *m, const struct mp_outcome *oc, char *out,
			  size_t n)
{
	char st[200], dd[PLAN_DATE_LEN], note[MP_NOTE_MAX];
	if (m->status == MP_DONE) {
		date_dots(m->done_on, dd, sizeof dd);
		snprintf(st, sizeof st, "выполнено%s%s", dd[0] ? " " : "", dd);
	} else if (m->overdue) {
		date_dots(m->due, dd, sizeof dd);
		snprintf(st, sizeof st, "не выполнено в срок (срок — %s)", dd);
	} else {
		snprintf(st, sizeof st, "%s", mp_status_title(m->status));
	}
	ucfirst(st);
	int rc = last_note(d, m->id, note, sizeof note);
	if (rc)
		return rc;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s", st);
	if (note[0])
		sentence(&b, note);
	for (size_t i = 0; oc && m->school_id && i < oc->n; i++) {
		const struct mp_outcome_school *s = &oc->s[i];
		char y[200];
		if (s->school_id != m->school_id)
			continue;
		if (!s->measured_after || !s->year_after)
			snprintf(y, sizeof y, "Результатов школы после оказания помощи ещё нет");
		else
			snprintf(y, sizeof y, "По результатам %d года школа %s школ с признаками необъективности",
				 s->year_after, s->flagged_after ? "осталась в списке" : "вышла из списка");
		sentence(&b, y);
		break;
	}
	snprintf(out, n, "%s", buf_str(&b));
	buf_free(&b);
	return 0;
}

struct tally {
	long measures, done, on_time, overdue, cancelled;
};

static void tally_add(struct tally *t, const struct mp_measure *m)
{
	t->measures++;
	if (m->status == MP_CANCELLED)
		t->cancelled++;
	if (m->status == MP_DONE) {
		t->done++;
		if (!m->due[0] || (m->done_on[0] && strcmp(m->done_on, m->due) <= 0))
			t->on_time++;
	}
	if (m->overdue)
		t->overdue++;
}

static void tally_para(struct doc *doc, const struct tally *t)
{
	doc_paraf(doc, DOC_BODY,
		  "Всего мероприятий — %s, выполнено — %s (из них в срок — %s), не выполнено в срок — %s, "
		  "отменено — %s. Исполнение плана (доля мероприятий, выполненных в срок) — %s.",
		  I(t->measures), I(t->done), I(t->on_time), I(t->overdue), I(t->cancelled),
		  P(pct_of(t->on_time, t->measures - t->cancelled)));
}

static int info_rows(struct db *d, struct doc *doc, const struct mp_measure *m, size_t nm,
		     const struct mp_block *blocks, size_t nb, const struct mp_outcome *oc, bool school_view,
		     int group_base, struct tally *t)
{
	int64_t cur = -1;
	int rc = 0;
	for (size_t i = 0; i < nm && !rc; i++) {
		const struct mp_measure *x = &m[i];
		if (blocks && x->block_id != cur) {
			cur = x->block_id;
			for (size_t b = 0; b < nb; b++)
				if (blocks[b].id == cur) {
					char g[MP_TITLE_MAX + 16];
					snprintf(g, sizeof g, "%d. %s", group_base + blocks[b].pos, blocks[b].title);
					doc_table_group(doc, g);
				}
		}
		char term[MP_SHORT_MAX + 32], res[MP_NOTE_MAX + 400], local[2 * MP_TEXT_MAX + 32];
		term_text(x, term, sizeof term);
		if ((rc = measure_result(d, x, oc, res, sizeof res)))
			break;
		tally_add(t, x);
		if (school_view) {
			char who[MP_SHORT_MAX * 2 + 8];
			snprintf(who, sizeof who, "%s%s%s", x->responsible, x->responsible[0] && term[0] ? ", " : "",
				 term);
			const char *cells[] = { x->number, x->text, who, res };
			doc_table_row(doc, cells);
		} else {
			/* addressed help: the evidence that caused it under the measure */
			if (x->school_id && x->cause[0])
				snprintf(local, sizeof local, "%s Основание: %s", x->text, x->cause);
			else
				snprintf(local, sizeof local, "%s", x->text);
			/* «Учёт специфики территории»: how the measure is carried out here (the local
			 * acts and forums it goes through), as the official form means it — not who
			 * answers for it, which the plan itself prints; «—» when not given. */
			const char *cells[] = { local, x->specifics[0] ? x->specifics : "—", term, res };
			doc_table_row(doc, cells);
		}
	}
	return rc;
}

static int build_info(struct db *d, const struct scope *sc, const struct note_opts *o, struct doc **out,
		      char *msg, size_t n)
{
	struct terr t;
	struct mp_plan p;
	bool found = false, school = o->school && *o->school;
	struct mp_block *blocks = NULL;
	struct mp_measure *m = NULL, *mine = NULL;
	size_t nb = 0, nm = 0, nmine = 0;
	struct mp_outcome oc;
	memset(&oc, 0, sizeof oc);
	struct doc *doc = NULL;
	char date[PLAN_DATE_LEN], date_w[64], dd[PLAN_DATE_LEN];
	if (o->date && *o->date && !plan_date_valid(o->date)) {
		err_set(msg, n, "дата «%s» не в виде ГГГГ-ММ-ДД", o->date);
		return ERR_INVALID;
	}
	if (o->date && *o->date)
		snprintf(date, sizeof date, "%s", o->date);
	else
		today(date);
	date_words(date, date_w, sizeof date_w);
	date_dots(date, dd, sizeof dd);
	int rc = school ? terr_school(d, sc, o->school, &t, msg, n) : terr_resolve(d, sc, o, true, &t, msg, n);
	rc = rc ? rc : plan_resolve(d, sc, &t, o->plan_id, &p, &found, msg, n);
	if (rc)
		return rc;
	if (found) {
		rc = mplan_blocks(d, p.id, &blocks, &nb);
		rc = rc ? rc : measure_list(d, p.id, &m, &nm);
		rc = rc ? rc : measure_outcome(d, p.id, &oc);
	}
	if (!rc && school)
		rc = measure_of_school(d, t.id, &mine, &nmine);
	if (rc)
		goto out;
	if (!school && !found) {
		err_set(msg, n, "у территории%s%s%s нет своего плана мероприятий: %s", t.name[0] ? " «" : "", t.name,
			t.name[0] ? "»" : "", NO_PLAN_ADVICE(o));
		rc = ERR_INVALID;
		goto out;
	}
	struct tally tl = { 0 };
	if (school) {
		char title[600];
		snprintf(title, sizeof title,
			 "Информационная справка о результатах обеспечения объективности проведения процедур оценки "
			 "качества образования на %s",
			 dd);
		doc = doc_new(title);
		doc_para(doc, DOC_TITLE, DOC_ALIGN_DEFAULT, true, title);
		doc_para(doc, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, t.name);
		static const char *const tt[] = { "№", "Направления и мероприятия", "Ответственный, сроки",
						  "Что сделано" };
		static const double w[] = { 14, 0, 40, 55 };
		doc_table_begin(doc, 4, tt, w);
		int base = 0;
		if (nmine) {
			doc_table_group(doc, "1. Меры, адресованные школе по результатам анализа объективности");
			for (size_t i = 0; i < nmine; i++)
				snprintf(mine[i].number, sizeof mine[i].number, "1.%d", (int)(i + 1));
			rc = info_rows(d, doc, mine, nmine, NULL, 0, NULL, true, 0, &tl);
			base = 1;
		}
		if (!rc && found) {
			/* the school's own plan, blocks numbered after the addressed measures */
			for (size_t i = 0; i < nm; i++)
				if (base) {
					char nb2[48];
					const char *dot = strchr(m[i].number, '.');
					long bn = 0;
					str_to_int(m[i].number, dot ? (size_t)(dot - m[i].number) : strlen(m[i].number), &bn);
					snprintf(nb2, sizeof nb2, "%ld.%s", (base + bn) % 1000, dot ? dot + 1 : "");
					str_copy_utf8(m[i].number, sizeof m[i].number, nb2);
				}
			rc = info_rows(d, doc, m, nm, blocks, nb, NULL, true, base, &tl);
		}
		doc_table_end(doc);
		if (!nmine && !found)
			doc_para(doc, DOC_BODY, DOC_ALIGN_DEFAULT, false,
				 "Мер, адресованных школе, и плана мероприятий школы в системе нет.");
		else
			tally_para(doc, &tl);
	} else {
		char title[800];
		snprintf(title, sizeof title,
			 "о мерах по обеспечению объективности проведения оценочных процедур и оценивания их "
			 "результатов %s по состоянию на %s",
			 t.where, date_w);
		doc = doc_new("Информационная справка");
		doc_para(doc, DOC_TITLE, DOC_ALIGN_DEFAULT, true, "Информационная справка");
		doc_para(doc, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, title);
		char period[200];
		plan_period(&p, period, sizeof period);
		char basis[sizeof p.title + sizeof period + sizeof p.approved + 160];
		snprintf(basis, sizeof basis, "Меры принимаются в соответствии с документом: %s%s%s%s%s%s",
			 p.title, period[0] ? " " : "", period, p.approved[0] ? " (утверждён " : "",
			 p.approved, p.approved[0] ? ")" : "");
		/* a period ends in «г.», which ends the sentence too («… 2021 г.», not «г..») */
		size_t bl = strlen(basis);
		if (bl && basis[bl - 1] != '.' && bl + 1 < sizeof basis)
			memcpy(basis + bl, ".", 2);
		doc_para(doc, DOC_BODY, DOC_ALIGN_DEFAULT, false, basis);
		static const char *const tt[] = {
			"Меры, мероприятия, управленческие решения", "Учёт специфики территории", "Сроки",
			"Результат принятых управленческих решений"
		};
		static const double w[] = { 0, 34, 29, 44 };
		doc_table_begin(doc, 4, tt, w);
		rc = info_rows(d, doc, m, nm, blocks, nb, &oc, false, 0, &tl);
		doc_table_end(doc);
		tally_para(doc, &tl);
		if (oc.helped) {
			doc_paraf(doc, DOC_BODY,
				  "Адресную помощь получили %s %s. Из них по результатам следующего года написали работы %s, "
				  "вышли из списка школ с признаками необъективности — %s, остались в списке — %s.",
				  I(oc.helped), str_plural(oc.helped, "школа", "школы", "школ"), I(oc.measured_after),
				  I(oc.left), I(oc.stayed));
		}
	}
	if (!rc) {
		char line[200];
		snprintf(line, sizeof line, "Сведения по состоянию на %s", date_w);
		doc_para(doc, DOC_SMALL, DOC_ALIGN_LEFT, false, line);
	}
out:
	free(blocks);
	free(m);
	free(mine);
	measure_outcome_free(&oc);
	if (rc) {
		doc_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

/* ---- analytic-note ---- */

/* One procedure of an analytic note with its figures. */
struct pfig {
	struct procedure p;
	char words[200];            /* «ВПР по математике, 4 класс» (with the year when several) */
	long schools, works;        /* of the scope, with written works */
	struct fisoko_report fr;
	bool fr_ok;
	struct nd_index ix;         /* the region's row in the run */
	bool ix_ok;
	long flagged;               /* schools of the scope with an official sign */
	double index;               /* the scope's objectivity index */
	double index_prev;          /* last year's (the same subject and grade), NaN when none */
};

static int cmp_pfig(const void *x, const void *y)
{
	const struct pfig *a = x, *b = y;
	if (a->p.year != b->p.year)
		return a->p.year - b->p.year;
	int c = strcmp(procedure_subject_name(a->p.subject), procedure_subject_name(b->p.subject));
	return c ? c : a->p.grade - b->p.grade;
}

struct codes {
	char (*c)[40];
	size_t n, cap;
	int year;
};

static void codes_add(struct codes *c, const char *code)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->c = xrealloc(c->c, c->cap * sizeof *c->c);
	}
	snprintf(c->c[c->n++], 40, "%s", code);
}

static int take_year(void *ctx, const struct procedure_item *p)
{
	struct codes *c = ctx;
	if (p->year == c->year)
		codes_add(c, p->code);
	return 0;
}

/* The scope's objectivity index of a procedure: the run's for the region, else 100 − the
 * percentage of the scope's schools with works that carry an official sign. */
static int scope_index(struct db *d, const struct terr *t, int64_t run_id, int64_t pid, double *index,
		       long *flagged, long *schools)
{
	long works = 0;
	*index = NAN;
	int rc = nd_flagged_schools(d, &t->sc, run_id, pid, 0, "official", flagged);
	rc = rc ? rc : nd_schools_with_works(d, &t->sc, pid, 0, schools, &works);
	if (rc)
		return rc;
	if (t->level == MP_REGION) {
		struct nd_index ix;
		rc = nd_index_get(d, run_id, pid, &ix);
		if (!rc) {
			*index = ix.index;
			return 0;
		}
		if (rc != ERR_NOTFOUND)
			return rc;
	}
	if (*schools > 0)
		*index = 100.0 - 100.0 * (double)*flagged / (double)*schools;
	return 0;
}

struct sign_tab {
	struct doc *doc;
	long rows;
};

static int sign_row(void *ctx, const char *sign, long schools)
{
	struct sign_tab *t = ctx;
	const struct stat_sign_info *si = stat_sign_find(sign);
	char k[32];
	fmt_int(k, sizeof k, schools);
	const char *cells[] = { si ? si->title : sign, k };
	doc_table_row(t->doc, cells);
	t->rows++;
	return 0;
}

static int fisoko_unit(const struct terr *t, enum fisoko_kind *k, int64_t *id)
{
	*id = t->id;
	*k = t->level == MP_SCHOOL ? FISOKO_SCHOOL : t->level == MP_MUNICIPALITY ? FISOKO_MUNICIPALITY : FISOKO_REGION;
	return t->id > 0 ? 0 : ERR_NOTFOUND;
}

static int heading(struct doc *doc, int *sec, const char *text)
{
	char b[300];
	snprintf(b, sizeof b, "%d. %s", ++*sec, text);
	doc_para(doc, DOC_HEADING, DOC_ALIGN_DEFAULT, true, b);
	return 0;
}

static void marks_row(struct doc *doc, const char *second, const struct fisoko_level *l)
{
	int64_t all = l->marks[0] + l->marks[1] + l->marks[2] + l->marks[3];
	char c[6][64];
	fmt_int(c[0], sizeof c[0], (long)l->n);
	for (int k = 0; k < 4; k++)
		fmt_pct(c[1 + k], sizeof c[1 + k], pct_of((long)l->marks[k], (long)all));
	fmt_dec(c[5], sizeof c[5], l->mean, 1);
	const char *cells[] = { second, c[0], c[1], c[2], c[3], c[4], c[5] };
	doc_table_row(doc, cells);
}

/* One index's part of the medalists' section: the territory's counts and its schools
 * significantly above. pooled: x is the default span's years together, each school tested
 * against the share expected from each year's region rate; else one year. */
static void medal_part(struct doc *doc, const struct terr *t, const struct medal_index *x, bool pooled)
{
	if (!x->nregions)
		return;
	const struct medal_area *reg = &x->regions[0];
	for (size_t i = 0; i < x->nregions; i++)
		if (t->level == MP_REGION && x->regions[i].id == t->id)
			reg = &x->regions[i];
	/* The territory's own counts. */
	struct stat_medal_total tot = reg->st;
	const struct medal_school *own = NULL;
	if (t->level == MP_MUNICIPALITY) {
		for (size_t i = 0; i < x->nmuns; i++)
			if (x->muns[i].id == t->id)
				tot = x->muns[i].st;
	} else if (t->level == MP_SCHOOL) {
		for (size_t i = 0; i < x->nschools; i++)
			if (x->schools[i].id == t->id)
				own = &x->schools[i];
		if (!own)
			return;
		tot = (struct stat_medal_total){ .medalists = own->st.medalists, .checked = own->st.checked,
						 .below = own->st.below, .noresult = own->st.noresult,
						 .norule = own->st.norule, .rate = own->st.share };
	}
	char when[64], tail[300] = "";
	if (pooled)
		snprintf(when, sizeof when, "За %d–%d годы вместе", x->year_from, x->year);
	else
		snprintf(when, sizeof when, "В %d году", x->year);
	if (tot.noresult || tot.norule)
		snprintf(tail, sizeof tail, "; результатов ЕГЭ по всем требованиям нет у %s%s%s", I((long)tot.noresult),
			 tot.norule ? ", порогов для медали нет у " : "", tot.norule ? I((long)tot.norule) : "");
	doc_paraf(doc, DOC_BODY,
		  "%s %s %s %s (претендентов на медаль «За особые успехи в учении»); результатами ЕГЭ "
		  "проверены %s, из них не подтвердили медаль %s (%s)%s.",
		  when, t->where, I((long)tot.medalists),
		  str_plural((long)tot.medalists, "медалист", "медалиста", "медалистов"), I((long)tot.checked),
		  I((long)tot.below), tot.checked ? P(100.0 * tot.rate) : "—", tail);
	if (t->level != MP_REGION && reg->st.checked)
		doc_paraf(doc, DOC_BODY, "По региону%s не подтвердили медаль %s проверенных медалистов.",
			  pooled ? " за эти годы" : "", P(100.0 * reg->st.rate));
	const char *test = pooled ? "выше ожидаемой по доле региона каждого года (точный критерий для суммы "
				    "биномиальных величин, поправка Бенджамини — Хохберга на число школ)"
				  : "выше региональной (точный биномиальный критерий, поправка Бенджамини — "
				    "Хохберга на число школ)";
	if (own) {
		if (isnan(own->st.p))
			doc_para(doc, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Сравнить долю школы с региональной нельзя: "
				 "нет медалистов с результатами ЕГЭ.");
		else if (own->st.significant)
			doc_paraf(doc, DOC_BODY, "Доля не подтвердивших медаль в школе значимо %s.", test);
		else
			doc_paraf(doc, DOC_BODY, "Доля не подтвердивших медаль в школе значимо не отличается от %s в "
				  "большую сторону.", pooled ? "ожидаемой" : "региональной");
		return;
	}
	size_t sig = 0;
	for (size_t i = 0; i < x->nschools; i++)
		sig += x->schools[i].visible && x->schools[i].st.significant;
	if (!sig) {
		doc_paraf(doc, DOC_BODY, "Общеобразовательных организаций, где доля не подтвердивших медаль%s "
			  "значимо %s, — таких школ нет.", pooled ? " за эти годы" : "",
			  pooled ? "выше ожидаемой" : "выше региональной");
		return;
	}
	doc_paraf(doc, DOC_BODY, "Общеобразовательные организации, где доля не подтвердивших медаль%s значимо %s: %s.",
		  pooled ? " за эти годы" : "", test, I((long)sig));
	static const char *const th[] = { "Школа", "Муниципалитет", "Медалистов", "Не подтвердили", "Доля" };
	static const double tw[] = { 0, 40, 30, 32, 20 };
	doc_table_begin(doc, 5, th, tw);
	for (size_t i = 0; i < x->nschools; i++) {
		const struct medal_school *m = &x->schools[i];
		if (!m->visible || !m->st.significant)
			continue;
		char c[3][64];
		fmt_int(c[0], sizeof c[0], (long)m->st.medalists);
		fmt_int(c[1], sizeof c[1], (long)m->st.below);
		fmt_pct(c[2], sizeof c[2], 100.0 * m->st.share);
		const char *cells[] = { m->name, m->municipality, c[0], c[1], c[2] };
		doc_table_row(doc, cells);
	}
	doc_table_end(doc);
}

/* The medalists' section (docs/medalists.md): the latest year with medalists not after the
 * note's year — the territory's medalists, the share not confirmed by the ЕГЭ, and the
 * schools whose share is significantly above the region's — then, when the default span up
 * to that year has two years with medalists or more, the same for the years pooled.
 * Nothing when no list of such a year is loaded or the territory has no medalists in it. */
static int medal_section(struct db *d, struct doc *doc, int *sec, const struct terr *t, int note_year)
{
	int *ys = NULL, year = 0, first = 0;
	size_t ny = 0;
	int rc = medal_years(d, &ys, &ny);
	for (size_t i = 0; !rc && i < ny; i++)
		if (ys[i] <= note_year && !year)
			year = ys[i];
	/* The default span ending at the note's year (medal_span_default's rule). */
	for (size_t i = 0; !rc && year && i < ny; i++)
		if (ys[i] <= year && ys[i] > year - MEDAL_SPAN_YEARS)
			first = ys[i];
	free(ys);
	if (rc || !year)
		return rc;
	struct medal_index x, xp;
	if ((rc = medal_index(d, year, &t->sc, &x)))
		return rc;
	bool any = x.nregions > 0;
	if (t->level == MP_SCHOOL) {
		any = false;
		for (size_t i = 0; i < x.nschools; i++)
			any = any || x.schools[i].id == t->id;
	}
	if (any) {
		heading(doc, sec, "Подтверждение медалей результатами ЕГЭ");
		medal_part(doc, t, &x, false);
		if (first && first < year && !(rc = medal_index_span(d, first, year, &t->sc, &xp))) {
			if (xp.nyears >= 2)
				medal_part(doc, t, &xp, true);
			medal_index_free(&xp);
		}
	}
	medal_index_free(&x);
	return rc;
}

static int build_analytic(struct db *d, const struct scope *sc, const struct note_opts *o, struct doc **out,
			  char *msg, size_t n)
{
	struct terr t;
	struct codes cs = { 0 };
	struct pfig *f = NULL;
	size_t nf = 0;
	struct doc *doc = NULL;
	struct run_info run;
	bool have_run = false;
	char what[600] = "", date[PLAN_DATE_LEN], date_w[64];
	int64_t cid = 0;
	int rc = o->school && *o->school ? terr_school(d, sc, o->school, &t, msg, n)
					 : terr_resolve(d, sc, o, false, &t, msg, n);
	if (rc)
		return rc;
	if (o->date && *o->date && !plan_date_valid(o->date)) {
		err_set(msg, n, "дата «%s» не в виде ГГГГ-ММ-ДД", o->date);
		return ERR_INVALID;
	}
	if (o->date && *o->date)
		snprintf(date, sizeof date, "%s", o->date);
	else
		today(date);
	date_words(date, date_w, sizeof date_w);

	/* The procedures: one, a campaign's or a year's. */
	if (o->procedure && *o->procedure) {
		struct procedure p;
		rc = procedure_get(d, o->procedure, &p);
		if (rc == ERR_NOTFOUND || (!rc && !scope_sees_procedure(d, sc, p.id))) {
			err_set(msg, n, "процедуры «%s» нет в базе", o->procedure);
			return ERR_NOTFOUND;
		}
		if (rc)
			return rc;
		codes_add(&cs, p.code);
	} else if (o->campaign_id > 0) {
		char cname[PLAN_NAME_MAX];
		struct plan_row *rows = NULL;
		size_t nr = 0;
		rc = campaign_resolve(d, o, &cid, cname, sizeof cname, msg, n);
		rc = rc ? rc : plan_rows(d, cid, 0, &t.sc, &rows, &nr);
		for (size_t i = 0; !rc && i < nr; i++)
			codes_add(&cs, rows[i].code);
		free(rows);
		if (rc)
			goto out;
		snprintf(what, sizeof what, "кампании «%s»", cname);
	} else if (o->year > 0) {
		cs.year = o->year;
		if ((rc = procedure_each(d, take_year, &cs)))
			goto out;
		snprintf(what, sizeof what, "оценочных процедур %d года", o->year);
	} else {
		err_set(msg, n, "%s", o->web ? "выберите процедуру, кампанию или учебный год"
					    : "укажите процедуру (--procedure), кампанию (--campaign) или год (--year)");
		return ERR_INVALID;
	}

	rc = run_latest(d, &run);
	if (rc && rc != ERR_NOTFOUND)
		goto out;
	have_run = !rc;
	rc = 0;

	/* The figures of each procedure with works in the scope. */
	f = xcalloc(cs.n ? cs.n : 1, sizeof *f);
	for (size_t i = 0; i < cs.n && !rc; i++) {
		struct pfig *x = &f[nf];
		memset(x, 0, sizeof *x);
		if ((rc = procedure_get(d, cs.c[i], &x->p)))
			break;
		if ((rc = nd_schools_with_works(d, &t.sc, x->p.id, 0, &x->schools, &x->works)))
			break;
		if (!x->works)
			continue;
		enum fisoko_kind fk;
		int64_t fid;
		if (!fisoko_unit(&t, &fk, &fid)) {
			rc = fisoko_build(d, x->p.code, fk, fid, &x->fr);
			x->fr_ok = !rc;
			if (rc == ERR_NOTFOUND)
				rc = 0;
			if (rc)
				break;
		}
		x->index = x->index_prev = NAN;
		if (have_run) {
			long sch = 0;
			rc = nd_index_get(d, run.id, x->p.id, &x->ix);
			x->ix_ok = !rc;
			rc = rc == ERR_NOTFOUND ? 0 : rc;
			rc = rc ? rc : scope_index(d, &t, run.id, x->p.id, &x->index, &x->flagged, &sch);
			char prev[40];
			struct procedure pp;
			snprintf(prev, sizeof prev, "%s-%d-%s-%d", x->p.kind, x->p.year - 1, x->p.subject, x->p.grade);
			if (!rc && !procedure_get(d, prev, &pp)) {
				long fl = 0;
				rc = scope_index(d, &t, run.id, pp.id, &x->index_prev, &fl, &sch);
				if (!sch)
					x->index_prev = NAN;
			}
		}
		nf++;
	}
	if (rc)
		goto out;
	if (!nf) {
		err_set(msg, n, "нет результатов %s %s", cs.n == 1 ? "этой процедуры" : "процедур этого выбора",
			t.where);
		rc = ERR_INVALID;
		goto out;
	}
	qsort(f, nf, sizeof *f, cmp_pfig);
	bool years = false;
	for (size_t i = 1; i < nf; i++)
		years = years || f[i].p.year != f[0].p.year;
	for (size_t i = 0; i < nf; i++)
		proc_words(&f[i].p, years, f[i].words, sizeof f[i].words);
	if (!what[0])
		snprintf(what, sizeof what, "%s", f[0].words);
	bool one = nf == 1;

	char title[1200]; /* what (600) and where (400) with the words between */
	if (one)
		snprintf(title, sizeof title, "по результатам %s (%d год) %s",
			 f[0].words, f[0].p.year, t.where);
	else
		snprintf(title, sizeof title, "по результатам %s %s", what,
			 t.where);
	doc = doc_new("Аналитическая справка");
	doc_para(doc, DOC_TITLE, DOC_ALIGN_DEFAULT, true, "Аналитическая справка");
	doc_para(doc, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, title);
	int sec = 0;

	/* 1. Participation */
	heading(doc, &sec, "Участие");
	if (one) {
		const struct pfig *x = &f[0];
		doc_paraf(doc, DOC_BODY, "Работу выполнили %s %s из %s %s%s%s.", I(x->works),
			  str_plural(x->works, "обучающийся", "обучающихся", "обучающихся"), I(x->schools),
			  str_plural(x->schools, "общеобразовательной организации", "общеобразовательных организаций",
				     "общеобразовательных организаций"),
			  x->fr_ok ? "; отсутствовали " : "", x->fr_ok ? I((long)x->fr.lev[0].absent) : "");
	} else {
		static const char *const tt[] = { "Процедура", "Организаций", "Выполнили работу", "Отсутствовали" };
		static const double w[] = { 0, 30, 32, 32 };
		doc_table_begin(doc, 4, tt, w);
		long sw = 0;
		for (size_t i = 0; i < nf; i++) {
			char a[32], b[32], c[32];
			fmt_int(a, sizeof a, f[i].schools);
			fmt_int(b, sizeof b, f[i].works);
			fmt_int(c, sizeof c, f[i].fr_ok ? (long)f[i].fr.lev[0].absent : 0);
			const char *cells[] = { f[i].words, a, b, f[i].fr_ok ? c : "—" };
			doc_table_row(doc, cells);
			sw += f[i].works;
		}
		doc_table_end(doc);
		doc_paraf(doc, DOC_BODY, "Всего выполнено работ: %s.", I(sw));
	}

	/* 2. Marks */
	bool marks = false;
	for (size_t i = 0; i < nf; i++)
		marks = marks || (f[i].fr_ok && f[i].fr.marks);
	if (marks) {
		heading(doc, &sec, "Распределение отметок");
		static const char *const tt[] = { "Территория", "Участников", "«2»", "«3»", "«4»", "«5»",
						  "Средний балл" };
		static const double w[] = { 0, 27, 19, 19, 19, 19, 22 };
		doc_table_begin(doc, 7, tt, w);
		for (size_t i = 0; i < nf; i++) {
			const struct pfig *x = &f[i];
			if (!x->fr_ok || !x->fr.marks)
				continue;
			if (!one)
				doc_table_group(doc, x->words);
			for (int l = 0; l < x->fr.nlev; l++)
				marks_row(doc, x->fr.lev[l].kind == FISOKO_SCHOOL ? t.name : x->fr.lev[l].name,
					  &x->fr.lev[l]);
		}
		doc_table_end(doc);
		doc_para(doc, DOC_SMALL, DOC_ALIGN_LEFT, false,
			 "Доли отметок — от числа участников, выполнивших работу; средний балл — первичный.");
		if (one) {
			struct buf png = BUF_INIT;
			if (!note_chart_marks(d, &t.sc, f[0].p.code, &png) && png.len)
				doc_image(doc, png.p, png.len, 150,
					  "Рисунок 1. Распределение отметок, % участников");
			buf_free(&png);
		}
	}

	/* 3. The journal */
	bool journal = false;
	for (size_t i = 0; i < nf; i++)
		journal = journal || (f[i].fr_ok && f[i].fr.lev[0].jn > 0);
	if (journal) {
		heading(doc, &sec, "Соответствие отметок за работу отметкам по журналу");
		static const char *const tt[] = { "Процедура", "Сравнено", "Понизили", "Подтвердили", "Повысили" };
		static const double w[] = { 0, 24, 32, 33, 32 };
		doc_table_begin(doc, 5, tt, w);
		for (size_t i = 0; i < nf; i++) {
			const struct fisoko_level *l = &f[i].fr.lev[0];
			if (!f[i].fr_ok || !l->jn)
				continue;
			char c[4][96];
			fmt_int(c[0], sizeof c[0], (long)l->jn);
			snprintf(c[1], sizeof c[1], "%s (%s)", I((long)l->jlower), P(pct_of((long)l->jlower, (long)l->jn)));
			snprintf(c[2], sizeof c[2], "%s (%s)", I((long)l->jequal), P(pct_of((long)l->jequal, (long)l->jn)));
			snprintf(c[3], sizeof c[3], "%s (%s)", I((long)l->jhigher),
				 P(pct_of((long)l->jhigher, (long)l->jn)));
			const char *cells[] = { f[i].words, c[0], c[1], c[2], c[3] };
			doc_table_row(doc, cells);
		}
		doc_table_end(doc);
		doc_para(doc, DOC_SMALL, DOC_ALIGN_LEFT, false,
			 "Понизили — отметка за работу ниже отметки по журналу, подтвердили — равна, повысили — выше.");
	}

	if (!have_run) {
		heading(doc, &sec, "Признаки необъективности результатов");
		doc_para(doc, DOC_BODY, DOC_ALIGN_DEFAULT, false,
			 "Анализ объективности результатов ещё не проводился.");
	} else {
		/* 4. Official signs and the index */
		char run_date[64], iso[PLAN_DATE_LEN];
		snprintf(iso, sizeof iso, "%.10s", run.at);
		date_words(iso, run_date, sizeof run_date);
		heading(doc, &sec, "Признаки необъективности результатов");
		int year_all = f[0].p.year;
		for (size_t i = 1; i < nf; i++)
			if (f[i].p.year != year_all)
				year_all = 0;
		long fl = 0, sch = 0, wk = 0;
		int64_t pid = one ? f[0].p.id : 0;
		char yb[16];
		snprintf(yb, sizeof yb, "%d", year_all);
		if (one || year_all) {
			rc = nd_flagged_schools(d, &t.sc, run.id, pid, one ? 0 : year_all, "official", &fl);
			rc = rc ? rc : nd_schools_with_works(d, &t.sc, pid, one ? 0 : year_all, &sch, &wk);
			if (rc)
				goto out;
			doc_paraf(doc, DOC_BODY,
				  "По данным анализа от %s официальные признаки необъективности результатов (методика "
				  "выявления образовательных организаций с признаками необъективных результатов)%s%s%s выявлены у "
				  "%s %s из %s (%s).",
				  run_date, one ? "" : " по процедурам ", one ? "" : yb, one ? "" : " года", I(fl), str_plural(fl, "общеобразовательной организации",
							  "общеобразовательных организаций", "общеобразовательных организаций"),
				  I(sch), P(pct_of(fl, sch)));
			if (fl) {
				static const char *const tt[] = { "Признак", "Организаций" };
				static const double w[] = { 0, 35 };
				struct sign_tab st = { doc, 0 };
				doc_table_begin(doc, 2, tt, w);
				rc = nd_sign_schools(d, &t.sc, run.id, pid, one ? 0 : year_all, "official", sign_row, &st);
				doc_table_end(doc);
				if (rc)
					goto out;
			}
		}
		static const char *const tt[] = { "Процедура", "Организаций с признаками", "Показатель объективности",
						  "Годом ранее", "Изменение" };
		static const double w[] = { 0, 32, 34, 24, 26 };
		doc_table_begin(doc, 5, tt, w);
		for (size_t i = 0; i < nf; i++) {
			const struct pfig *x = &f[i];
			char c[5][140];
			snprintf(c[0], sizeof c[0], "%s из %s", I(x->flagged), I(x->schools));
			fmt_dec(c[2], sizeof c[2], x->index, 1);
			fmt_dec(c[3], sizeof c[3], x->index_prev, 1);
			double ch = x->index - x->index_prev;
			if (isnan(ch))
				snprintf(c[4], sizeof c[4], "—");
			else
				snprintf(c[4], sizeof c[4], "%s%s", ch > 0.05 ? "+" : "", D(ch, 1));
			const char *cells[] = { x->words, c[0], c[2], c[3], c[4] };
			doc_table_row(doc, cells);
		}
		doc_table_end(doc);
		doc_para(doc, DOC_SMALL, DOC_ALIGN_LEFT, false,
			 "Показатель объективности — 100 минус доля (в процентах) организаций с официальными признаками "
			 "среди организаций, выполнивших работу.");
		if (t.level == MP_REGION && one && f[0].ix_ok)
			doc_paraf(doc, DOC_BODY, "В анализ объективности включено %s %s из %s %s.", I((long)f[0].ix.works),
				  str_plural((long)f[0].ix.works, "работа", "работы", "работ"), I((long)f[0].ix.schools),
				  str_plural((long)f[0].ix.schools, "организации", "организаций", "организаций"));
		if (t.level == MP_REGION) {
			struct nd_index all;
			if (!nd_index_get(d, run.id, 0, &all))
				doc_paraf(doc, DOC_BODY,
					  "По всем процедурам анализа показатель объективности региона — %s (%s %s с "
					  "официальными признаками из %s).",
					  D(all.index, 1), I((long)all.flagged_official),
					  str_plural((long)all.flagged_official, "организация", "организации", "организаций"),
					  I((long)all.schools));
		}

		/* 5. oko's risk list */
		struct run_filter rf = { .which = RUN_LISTED };
		struct run_risk *rr = NULL;
		size_t nr = 0;
		if ((rc = run_risk_list(d, &t.sc, run.id, &rf, &rr, &nr)))
			goto out;
		heading(doc, &sec, "Список риска oko");
		if (!nr) {
			doc_para(doc, DOC_BODY, DOC_ALIGN_DEFAULT, false,
				 "В список риска по совокупности статистических признаков не включена ни одна организация.");
		} else {
			doc_paraf(doc, DOC_BODY,
				  "По совокупности статистических признаков (по всем процедурам анализа, с поправкой на "
				  "множественные сравнения) в список риска %s %s %s:",
				  nr == 1 ? "включена" : "включены", I((long)nr),
				  str_plural((long)nr, "организация", "организации", "организаций"));
			bool region = t.level == MP_REGION;
			static const char *const t2[] = { "№ п/п", "Образовательная организация", "Муниципалитет",
							  "Основной признак; официальные признаки" };
			static const double w2[] = { 16, 0, 38, 62 };
			static const char *const t3[] = { "№ п/п", "Образовательная организация", "Основной признак",
							  "Официальных признаков" };
			static const double w3[] = { 16, 0, 62, 30 };
			if (region)
				doc_table_begin(doc, 4, t2, w2);
			else
				doc_table_begin(doc, 4, t3, w3);
			for (size_t i = 0; i < nr; i++) {
				const struct run_risk *x = &rr[i];
				const struct stat_sign_info *si = stat_sign_find(x->top_sign);
				char ev[400], pw[200], no[24], of[32];
				code_words(d, x->top_procedure, true, pw, sizeof pw);
				snprintf(ev, sizeof ev, "%s%s%s%s", si ? si->title : "", pw[0] ? " (" : "", pw, pw[0] ? ")" : "");
				snprintf(no, sizeof no, "%zu", i + 1);
				fmt_int(of, sizeof of, x->official_flags);
				char ev2[480];
				snprintf(ev2, sizeof ev2, "%s; официальных признаков: %s", ev, of);
				const char *cells[] = { no, x->name, x->municipality, ev2 };
				const char *cells4[] = { no, x->name, ev, of };
				doc_table_row(doc, region ? cells : cells4);
			}
			doc_table_end(doc);
		}
		run_risk_free(rr, nr);

		/* 6. The boundary excess (the region's figures) */
		bool bx = false;
		for (size_t i = 0; i < nf; i++)
			bx = bx || (f[i].ix_ok && f[i].ix.boundary >= 0 && !isnan(f[i].ix.excess));
		if (bx) {
			heading(doc, &sec, "Избыток работ у границ отметок (по региону)");
			static const char *const t3[] = { "Процедура", "Граница, баллов", "Избыток работ",
							  "95 % интервал", "Избыток, % ожидаемого" };
			static const double w3[] = { 0, 30, 22, 32, 30 };
			doc_table_begin(doc, 5, t3, w3);
			for (size_t i = 0; i < nf; i++) {
				const struct nd_index *x = &f[i].ix;
				if (!f[i].ix_ok || x->boundary < 0 || isnan(x->excess))
					continue;
				char c[4][96];
				int mark = 0;
				for (int k = 0; k < 3; k++)
					if (f[i].p.has_scale && f[i].p.scale[k] == x->boundary)
						mark = k + 3;
				if (mark)
					snprintf(c[0], sizeof c[0], "%d (отметка «%d»)", x->boundary, mark);
				else
					snprintf(c[0], sizeof c[0], "%d", x->boundary);
				fmt_dec(c[1], sizeof c[1], x->excess, 0);
				snprintf(c[2], sizeof c[2], "от %s до %s", D(x->excess_lo, 0), D(x->excess_hi, 0));
				fmt_pct(c[3], sizeof c[3], 100.0 * x->excess_share);
				const char *cells[] = { f[i].words, c[0], c[1], c[2], c[3] };
				doc_table_row(doc, cells);
			}
			doc_table_end(doc);
			doc_para(doc, DOC_SMALL, DOC_ALIGN_LEFT, false,
				 "Избыток — сколько работ сверх ожидаемого по гладкому распределению баллов оказалось "
				 "сразу выше границы отметки; интервал, целиком лежащий выше нуля, говорит о «дотягивании».");
		}
	}

	/* 7. Re-checks */
	bool rc_head = false;
	for (size_t i = 0; i < nf && !rc; i++) {
		struct rc_report *rep = NULL;
		char m2[200];
		int r2 = rc_report_build(d, &t.sc, 0, f[i].p.id, &rep, m2, sizeof m2);
		if (r2 == ERR_NOTFOUND)
			continue;
		if (r2) {
			rc = r2;
			break;
		}
		if (rep->total.works > 0) {
			if (!rc_head) {
				heading(doc, &sec, "Перепроверка работ");
				rc_head = true;
			}
			double share = 100.0 * rep->total.objective_share;
			doc_paraf(doc, DOC_BODY,
				  "%s: перепроверено %s %s, объективно оценены %s (%s) при целевом значении не менее "
				  "90" NBSP "%%; по итогам перепроверки отметка понижена в %s %s, повышена в %s.%s",
				  f[i].words, I(rep->total.works), str_plural(rep->total.works, "работа", "работы", "работ"),
				  I(rep->total.objective), P(share), I(rep->total.down),
				  str_plural(rep->total.down, "работе", "работах", "работах"), I(rep->total.up),
				  share >= 90.0 ? " Целевое значение достигнуто." : " Целевое значение не достигнуто.");
		}
		rc_report_free(rep);
	}
	if (rc)
		goto out;

	/* 8. Observers' coverage of the procedures' campaigns */
	int64_t seen[16];
	int nseen = 0;
	bool obs_head = false;
	for (size_t i = 0; i < nf && !rc; i++) {
		int64_t c2 = 0;
		struct plan_dates pd;
		if (plan_procedure_get(d, f[i].p.id, &c2, &pd))
			continue;
		bool dup = false;
		for (int k = 0; k < nseen; k++)
			dup = dup || seen[k] == c2;
		if (dup || nseen == 16)
			continue;
		seen[nseen++] = c2;
		struct obs_coverage *cov = NULL, tot;
		size_t ncov = 0;
		if ((rc = observer_coverage(d, &t.sc, c2, OBS_BY_MUNICIPALITY, &cov, &ncov, &tot)))
			break;
		free(cov);
		if (!tot.sittings || !tot.observed)
			continue;
		char cname[PLAN_NAME_MAX] = "";
		plan_campaign_get(d, c2, cname, sizeof cname);
		if (!obs_head) {
			heading(doc, &sec, "Общественное наблюдение");
			obs_head = true;
		}
		doc_paraf(doc, DOC_BODY,
			  "Кампания «%s»: %s %s, с наблюдателем — %s (%s)%s%s%s%s; составлено актов наблюдения — %s, "
			  "из них с нарушениями — %s.",
			  cname, I(tot.sittings), str_plural(tot.sittings, "проведение", "проведения", "проведений"),
			  I(tot.observed), P(pct_of(tot.observed, tot.sittings)),
			  tot.priority ? "; в организациях из списка риска и с признаками — " : "",
			  tot.priority ? I(tot.priority_observed) : "", tot.priority ? " из " : "",
			  tot.priority ? I(tot.priority) : "", I(tot.acts), I(tot.acts_violations));
	}
	if (rc)
		goto out;

	/* 9. Medalists */
	int note_year = o->year;
	for (size_t i = 0; i < nf && o->year <= 0; i++)
		note_year = f[i].p.year > note_year ? f[i].p.year : note_year;
	if (note_year > 0 && (rc = medal_section(d, doc, &sec, &t, note_year)))
		goto out;
	doc_paraf(doc, DOC_SMALL, "Сведения по состоянию на %s", date_w);
out:
	for (size_t i = 0; i < nf; i++)
		if (f[i].fr_ok)
			fisoko_free(&f[i].fr);
	free(f);
	free(cs.c);
	if (rc) {
		doc_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

/* ---- the chart ---- */

int note_chart_marks(struct db *d, const struct scope *sc, const char *procedure, struct buf *out)
{
	struct note_opts o = { 0 };
	struct terr t;
	struct fisoko_report fr;
	enum fisoko_kind fk;
	int64_t fid;
	char msg[200];
	int rc = terr_resolve(d, sc, &o, false, &t, msg, sizeof msg);
	if (rc || (rc = fisoko_unit(&t, &fk, &fid)))
		return rc;
	if ((rc = fisoko_build(d, procedure, fk, fid, &fr)))
		return rc;
	if (!fr.marks) {
		fisoko_free(&fr);
		return ERR_NOTFOUND;
	}
	/* 1500 × 720 px: drawn at 150 mm wide, about 250 dpi */
	const int W = 1500, H = 720;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	const double left = 110, right = W - 40, top = 90, bottom = H - 90;
	double pct[FISOKO_LEVELS][4], maxp = 0;
	for (int l = 0; l < fr.nlev; l++) {
		int64_t all = fr.lev[l].marks[0] + fr.lev[l].marks[1] + fr.lev[l].marks[2] + fr.lev[l].marks[3];
		for (int k = 0; k < 4; k++) {
			pct[l][k] = all ? 100.0 * (double)fr.lev[l].marks[k] / (double)all : 0;
			if (pct[l][k] > maxp)
				maxp = pct[l][k];
		}
	}
	double ymax = maxp <= 0 ? 10 : ceil(maxp / 10.0) * 10.0;
	/* grid and the axis */
	cairo_set_line_width(cr, 2);
	for (double v = 0; v <= ymax + 0.01; v += 10) {
		double y = bottom - (bottom - top) * v / ymax;
		cairo_set_source_rgb(cr, v == 0 ? 0.2 : 0.85, v == 0 ? 0.2 : 0.85, v == 0 ? 0.2 : 0.85);
		cairo_move_to(cr, left, y);
		cairo_line_to(cr, right, y);
		cairo_stroke(cr);
		char b[32];
		snprintf(b, sizeof b, "%.0f %%", v);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		png_text(cr, b, left - 12, y, 30, 1, 0);
	}
	static const double colour[FISOKO_LEVELS][3] = { { 0.18, 0.36, 0.62 }, { 0.62, 0.70, 0.80 },
							  { 0.85, 0.85, 0.85 } };
	double group = (right - left) / 4.0, bw = group * 0.7 / fr.nlev;
	for (int k = 0; k < 4; k++) {
		double gx = left + group * k + group * 0.15;
		for (int l = 0; l < fr.nlev; l++) {
			double h = (bottom - top) * pct[l][k] / ymax, x = gx + bw * l;
			cairo_set_source_rgb(cr, colour[l][0], colour[l][1], colour[l][2]);
			cairo_rectangle(cr, x, bottom - h, bw - 6, h);
			cairo_fill(cr);
			char v[64];
			fmt_dec(v, sizeof v, pct[l][k], 1);
			cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
			png_text(cr, v, x + (bw - 6) / 2, bottom - h - 22, 26, 0, 0);
		}
		char m[16];
		snprintf(m, sizeof m, "«%d»", k + 2);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		png_text(cr, m, left + group * k + group / 2, bottom + 30, 32, 0, 0);
	}
	/* the legend */
	double lx = left;
	for (int l = 0; l < fr.nlev; l++) {
		cairo_set_source_rgb(cr, colour[l][0], colour[l][1], colour[l][2]);
		cairo_rectangle(cr, lx, 28, 36, 36);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		char name[300];
		snprintf(name, sizeof name, "%s", fr.lev[l].kind == FISOKO_SCHOOL ? t.name : fr.lev[l].name);
		png_text(cr, name, lx + 48, 46, 30, -1, (right - left) / fr.nlev - 64);
		lx += (right - left) / fr.nlev;
	}
	rc = png_write(s, out);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	fisoko_free(&fr);
	return rc;
}

/* ---- the entry point ---- */

int note_build(struct db *d, const struct scope *sc, enum note_kind k, const struct note_opts *o,
	       struct doc **out, char *msg, size_t n)
{
	*out = NULL;
	if (msg && n)
		msg[0] = 0;
	switch (k) {
	case NOTE_ORDER:
		return build_order(d, sc, o, out, msg, n);
	case NOTE_INFO:
		return build_info(d, sc, o, out, msg, n);
	case NOTE_ANALYTIC:
		return build_analytic(d, sc, o, out, msg, n);
	case NOTE_PLAN:
		return build_plan(d, sc, o, out, msg, n);
	case NOTE_KIND_COUNT:
		break;
	}
	err_set(msg, n, "неизвестный вид документа");
	return ERR_INVALID;
}
