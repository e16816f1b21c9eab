/* gen/params: the generator's parameters — defaults, parsing of command-line values and
 * checks, shared by `oko gen` and `oko demo`. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "gen/gen.h"
#include "model/procedure.h"

void gen_params_default(struct gen_params *p)
{
	memset(p, 0, sizeof *p);
	p->schools = 600;
	p->municipalities = 20;
	p->year_from = 2020;
	p->year_to = 2021;
	p->seed = 1;
	p->manipulated = 0.1;
	p->icc = 0.2;
	p->nsubjects = 2;
	memcpy(p->subjects[0], "RU", 3);
	memcpy(p->subjects[1], "MA", 3);
	p->grade_from = 4;
	p->grade_to = 8;
	p->absent = 0.08;
	/* medal and teacher take effect only with --exams and --teachers */
	p->kinds = GEN_ALL_KINDS | GEN_EXTRA_KINDS;
	p->strength = 0.5;
	p->region = "Демонстрационная область";
}

int gen_params_check(const struct gen_params *p, char *msg, size_t n)
{
	if (p->schools < 1 || p->schools > GEN_MAX_SCHOOLS) {
		snprintf(msg, n, "число школ должно быть от 1 до %ld", GEN_MAX_SCHOOLS);
		return ERR_USAGE;
	}
	if (p->municipalities < 0 || p->municipalities > 10000) {
		snprintf(msg, n, "число муниципалитетов должно быть от 1 до 10000");
		return ERR_USAGE;
	}
	if (p->year_from < 2000 || p->year_to > 2100 || p->year_from > p->year_to ||
	    p->year_to - p->year_from + 1 > GEN_MAX_YEARS) {
		snprintf(msg, n, "годы должны быть в пределах 2000–2100, не больше %d подряд, "
				 "например 2020-2021", GEN_MAX_YEARS);
		return ERR_USAGE;
	}
	if (p->grade_from < 1 || p->grade_to > 11 || p->grade_from > p->grade_to) {
		snprintf(msg, n, "классы должны быть в пределах 1–11, например 4-8");
		return ERR_USAGE;
	}
	if (p->nsubjects < 1 || p->nsubjects > GEN_MAX_SUBJECTS) {
		snprintf(msg, n, "укажите от 1 до %d предметов, например RU,MA", GEN_MAX_SUBJECTS);
		return ERR_USAGE;
	}
	if (!(p->manipulated >= 0 && p->manipulated <= 1)) {
		snprintf(msg, n, "доля школ с искажениями должна быть от 0 до 1");
		return ERR_USAGE;
	}
	if (!(p->icc >= 0 && p->icc <= 0.6)) {
		snprintf(msg, n, "внутриклассовая корреляция (ICC) должна быть от 0 до 0.6");
		return ERR_USAGE;
	}
	if (!(p->absent >= 0 && p->absent <= 0.5)) {
		snprintf(msg, n, "доля отсутствующих должна быть от 0 до 0.5");
		return ERR_USAGE;
	}
	if (!(p->strength >= 0 && p->strength <= 1)) {
		snprintf(msg, n, "сила искажений должна быть от 0 до 1");
		return ERR_USAGE;
	}
	if (!(p->variant_sd >= 0 && p->variant_sd <= 2)) {
		snprintf(msg, n, "разброс трудности заданий по вариантам школ должен быть от 0 до 2");
		return ERR_USAGE;
	}
	if (!(p->not_taught >= 0 && p->not_taught <= 0.5)) {
		snprintf(msg, n, "доля непройденных тем должна быть от 0 до 0.5");
		return ERR_USAGE;
	}
	if (p->exams) {
		bool ru = false, ma = false;
		for (int s = 0; s < p->nsubjects; s++) {
			ru |= !strcmp(p->subjects[s], "RU");
			ma |= !strcmp(p->subjects[s], "MA");
		}
		if (!ru || !ma) {
			snprintf(msg, n, "ОГЭ и ЕГЭ (--exams) генерируются по русскому языку и "
					 "математике: укажите в --subjects и RU, и MA");
			return ERR_USAGE;
		}
	}
	if (p->manipulated > 0 && !p->kinds) {
		snprintf(msg, n, "укажите хотя бы один вид искажений");
		return ERR_USAGE;
	}
	if (!p->region || !*p->region || strpbrk(p->region, ",\"\r\n")) {
		snprintf(msg, n, "название региона не должно быть пустым и содержать запятые, "
				 "кавычки и переводы строки");
		return ERR_USAGE;
	}
	return 0;
}

static int get_long(const char *s, long lo, long hi, long *v)
{
	long x;
	if (str_to_int(s, strlen(s), &x) || x < lo || x > hi)
		return ERR_USAGE;
	*v = x;
	return 0;
}

static int get_share(const char *s, double *v)
{
	double x;
	if (str_to_double(s, strlen(s), &x) || !(x >= 0 && x <= 1))
		return ERR_USAGE;
	*v = x;
	return 0;
}

/* A number in [lo, hi]. */
static int get_number(const char *s, double lo, double hi, double *v)
{
	double x;
	if (str_to_double(s, strlen(s), &x) || !(x >= lo && x <= hi))
		return ERR_USAGE;
	*v = x;
	return 0;
}

/* "2020-2021" or "2021" into lo..hi. */
static int get_range(const char *s, long min, long max, int *lo, int *hi)
{
	const char *dash = strchr(s, '-');
	long a, b;
	if (!dash) {
		if (get_long(s, min, max, &a))
			return ERR_USAGE;
		*lo = *hi = (int)a;
		return 0;
	}
	if (str_to_int(s, (size_t)(dash - s), &a) || str_to_int(dash + 1, strlen(dash + 1), &b) ||
	    a < min || b > max || a > b)
		return ERR_USAGE;
	*lo = (int)a;
	*hi = (int)b;
	return 0;
}

/* Calls fn for each comma-separated, trimmed item of s. */
static int each_item(const char *s, int (*fn)(void *ctx, const char *item, size_t n), void *ctx)
{
	while (1) {
		const char *e = strchr(s, ',');
		const char *t = s;
		size_t n = str_trim(&t, e ? (size_t)(e - s) : strlen(s));
		int rc = fn(ctx, t, n);
		if (rc)
			return rc;
		if (!e)
			return 0;
		s = e + 1;
	}
}

static int add_subject(void *ctx, const char *item, size_t n)
{
	struct gen_params *p = ctx;
	for (int i = 0; procedure_subjects[i]; i++) {
		if (strlen(procedure_subjects[i]) != n || memcmp(procedure_subjects[i], item, n))
			continue;
		for (int k = 0; k < p->nsubjects; k++)
			if (!strcmp(p->subjects[k], procedure_subjects[i]))
				return 0; /* repeated: once is enough */
		if (p->nsubjects >= GEN_MAX_SUBJECTS)
			return ERR_USAGE;
		memcpy(p->subjects[p->nsubjects++], procedure_subjects[i], n + 1);
		return 0;
	}
	return ERR_USAGE;
}

static int add_kind(void *ctx, const char *item, size_t n)
{
	unsigned *kinds = ctx;
	for (int k = 0; k < GEN_NKINDS_ALL; k++) {
		if (strlen(gen_kind_names[k]) == n && !memcmp(gen_kind_names[k], item, n)) {
			*kinds |= 1u << k;
			return 0;
		}
	}
	if (n == 3 && !memcmp(item, "all", 3)) {
		*kinds = GEN_ALL_KINDS | GEN_EXTRA_KINDS;
		return 0;
	}
	if (n == 4 && !memcmp(item, "none", 4))
		return 0;
	return ERR_USAGE;
}

int gen_params_parse(struct gen_params *p, const struct gen_opt_text *t, char *msg, size_t n)
{
	long v;
	int lo, hi;
	if (t->schools) {
		if (get_long(t->schools, 1, GEN_MAX_SCHOOLS, &v)) {
			snprintf(msg, n, "--schools: «%s» — нужно целое число от 1 до %ld", t->schools,
				 GEN_MAX_SCHOOLS);
			return ERR_USAGE;
		}
		p->schools = v;
	}
	if (t->municipalities) {
		if (get_long(t->municipalities, 1, 10000, &v)) {
			snprintf(msg, n, "--municipalities: «%s» — нужно целое число от 1 до 10000",
				 t->municipalities);
			return ERR_USAGE;
		}
		p->municipalities = (int)v;
	} else if (t->schools) {
		/* About 30 schools per municipality, as in a typical region. */
		p->municipalities = (int)((p->schools + 29) / 30);
	}
	if (t->years) {
		if (get_range(t->years, 2000, 2100, &lo, &hi) || hi - lo + 1 > GEN_MAX_YEARS) {
			snprintf(msg, n, "--years: «%s» — нужен год или диапазон лет, например 2021 или "
					 "2020-2021 (не больше %d лет)", t->years, GEN_MAX_YEARS);
			return ERR_USAGE;
		}
		p->year_from = lo;
		p->year_to = hi;
	}
	if (t->grades) {
		if (get_range(t->grades, 1, 11, &lo, &hi)) {
			snprintf(msg, n, "--grades: «%s» — нужен класс или диапазон классов от 1 до 11, "
					 "например 4-8", t->grades);
			return ERR_USAGE;
		}
		p->grade_from = lo;
		p->grade_to = hi;
	}
	if (t->seed) {
		if (get_long(t->seed, 0, 4294967295L, &v)) {
			snprintf(msg, n, "--seed: «%s» — нужно целое число от 0 до 4294967295", t->seed);
			return ERR_USAGE;
		}
		p->seed = (unsigned long)v;
	}
	if (t->manipulated && get_share(t->manipulated, &p->manipulated)) {
		snprintf(msg, n, "--manipulated: «%s» — нужна доля от 0 до 1, например 0.1",
			 t->manipulated);
		return ERR_USAGE;
	}
	if (t->absent && get_share(t->absent, &p->absent)) {
		snprintf(msg, n, "--absent: «%s» — нужна доля от 0 до 0.5, например 0.08", t->absent);
		return ERR_USAGE;
	}
	if (t->strength && get_share(t->strength, &p->strength)) {
		snprintf(msg, n, "--strength: «%s» — нужно число от 0 до 1, например 0.5",
			 t->strength);
		return ERR_USAGE;
	}
	if (t->icc && get_share(t->icc, &p->icc)) {
		snprintf(msg, n, "--icc: «%s» — нужно число от 0 до 0.6, например 0.2", t->icc);
		return ERR_USAGE;
	}
	if (t->subjects) {
		p->nsubjects = 0;
		if (each_item(t->subjects, add_subject, p)) {
			snprintf(msg, n, "--subjects: «%s» — нужны коды предметов через запятую, "
					 "например RU,MA (допустимы RU MA OM BI IS GG OB FI HI EN DE FR "
					 "LI IN)", t->subjects);
			return ERR_USAGE;
		}
	}
	if (t->kinds) {
		unsigned k = 0;
		if (each_item(t->kinds, add_kind, &k)) {
			snprintf(msg, n, "--kinds: «%s» — нужны виды искажений через запятую: boundary, "
					 "lenient, help, journal, copy, jump, medal (с --exams), teacher "
					 "(с --teachers) (или all, none)", t->kinds);
			return ERR_USAGE;
		}
		p->kinds = k;
		if (!k)
			p->manipulated = 0;
	}
	if (t->variant_sd && get_number(t->variant_sd, 0, 2, &p->variant_sd)) {
		snprintf(msg, n, "--variant-sd: «%s» — нужно число от 0 до 2, например 0.5",
			 t->variant_sd);
		return ERR_USAGE;
	}
	if (t->not_taught && get_number(t->not_taught, 0, 0.5, &p->not_taught)) {
		snprintf(msg, n, "--not-taught: «%s» — нужна доля от 0 до 0.5, например 0.02",
			 t->not_taught);
		return ERR_USAGE;
	}
	if (t->region)
		p->region = t->region;
	p->exams |= t->exams;
	p->teachers |= t->teachers;
	if (t->kinds && p->kinds && !(p->kinds & GEN_ALL_KINDS) &&
	    !((p->kinds & (1u << GEN_MEDAL)) && p->exams) &&
	    !((p->kinds & (1u << GEN_TEACHER)) && p->teachers)) {
		snprintf(msg, n, "--kinds: искажение medal закладывается только вместе с --exams, "
				 "teacher — только с --teachers");
		return ERR_USAGE;
	}
	return gen_params_check(p, msg, n);
}
