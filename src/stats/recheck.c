/* stats/recheck: the arithmetic of re-checking (see the header; formulas in
 * docs/methodology-oko.md §8.2). */
#include "stats/recheck.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "stats/mark.h"
#include "stats/tests.h"

/* ---- one work ---- */

int rc_total(const uint8_t *s, int n)
{
	int t = 0;
	for (int i = 0; i < n; i++)
		t += s[i];
	return t;
}

bool rc_significant(const struct rc_cfg *cfg, const int *scale, const uint8_t *a,
		    const uint8_t *b, int n)
{
	for (int i = 0; i < n; i++)
		if (abs((int)a[i] - (int)b[i]) >= cfg->point_diff)
			return true;
	return scale && score_mark(scale, rc_total(a, n)) != score_mark(scale, rc_total(b, n));
}

enum rc_state rc_state_of(const struct rc_cfg *cfg, const int *scale, const uint8_t *s1,
			  const uint8_t *s2, const uint8_t *s3, int n, const uint8_t **final)
{
	const uint8_t *f = NULL;
	enum rc_state st;
	if (!s2) {
		st = RC_WAIT2;
	} else if (!rc_significant(cfg, scale, s1, s2, n)) {
		st = RC_FINAL2;
		f = s2;
	} else if (s3) {
		st = RC_FINAL3;
		f = s3;
	} else {
		st = RC_WAIT3;
	}
	if (final)
		*final = f;
	return st;
}

const char *rc_state_title(enum rc_state s)
{
	switch (s) {
	case RC_WAIT2: return "ждёт второй проверки";
	case RC_FINAL2: return "проверена";
	case RC_WAIT3: return "ждёт третьей проверки";
	case RC_FINAL3: return "проверена третьим экспертом";
	}
	return "";
}

void rc_outcome_of(const struct rc_cfg *cfg, const int *scale, const uint8_t *s1,
		   const uint8_t *sfinal, int n, struct rc_outcome *out)
{
	out->score1 = rc_total(s1, n);
	out->score_final = rc_total(sfinal, n);
	out->mark1 = score_mark(scale, out->score1);
	out->mark_final = score_mark(scale, out->score_final);
	out->delta = out->score1 - out->score_final;
	out->objective = out->mark1 == out->mark_final && abs(out->delta) <= cfg->tolerance;
}

/* One-sided exact sign test: P(X >= over), X ~ Binomial(over + under, 1/2). */
static double sign_test(long over, long under)
{
	if (over + under <= 0)
		return 1;
	return stat_binom_upper((uint64_t)over, (uint64_t)(over + under), 0.5);
}

/* ---- a school's figures ---- */

void rc_school_of(const struct rc_outcome *o, size_t n, struct rc_school *out)
{
	memset(out, 0, sizeof *out);
	long sum = 0;
	for (size_t i = 0; i < n; i++) {
		out->works++;
		out->objective += o[i].objective;
		sum += o[i].delta;
		out->up += o[i].mark_final > o[i].mark1;
		out->down += o[i].mark_final < o[i].mark1;
		out->over += o[i].delta > 0;
		out->under += o[i].delta < 0;
	}
	out->objective_share = n ? (double)out->objective / (double)n : NAN;
	out->mean_delta = n ? (double)sum / (double)n : NAN;
	out->p = sign_test(out->over, out->under);
	out->inflated = n && out->objective_share < RC_OBJECTIVE_TARGET && out->p < RC_ALPHA;
}

/* ---- positions ---- */

void rc_position_add(struct rc_position *pos, const uint8_t *s1, const uint8_t *sfinal, int n)
{
	/* mean_delta holds the sum until rc_position_finish. */
	for (int i = 0; i < n; i++) {
		int d = (int)s1[i] - (int)sfinal[i];
		pos[i].works++;
		pos[i].mean_delta += d;
		pos[i].over += d > 0;
		pos[i].under += d < 0;
	}
}

void rc_position_finish(struct rc_position *pos, int n)
{
	for (int i = 0; i < n; i++) {
		pos[i].mean_delta = pos[i].works ? pos[i].mean_delta / (double)pos[i].works : NAN;
		pos[i].p = sign_test(pos[i].over, pos[i].under);
	}
}

/* ---- an expert's figures ---- */

/* The quadratic-weighted kappa from the sums, every moment multiplied by n² so that the
 * arithmetic on integer scores stays exact: 2(n·Σxy − Σx·Σy) / (n·Σx² − (Σx)² + n·Σy² −
 * (Σy)² + (Σx − Σy)²). */
static double qwk_sums(double n, double sx, double sy, double sxx, double syy, double sxy)
{
	if (n < 2)
		return NAN;
	double cov = n * sxy - sx * sy;
	double den = (n * sxx - sx * sx) + (n * syy - sy * sy) + (sx - sy) * (sx - sy);
	return den > 0 ? 2 * cov / den : NAN;
}

void rc_expert_add(struct rc_expert_acc *a, int x, int y)
{
	double dx = x, dy = y;
	a->works++;
	a->exact += x == y;
	a->within1 += abs(x - y) <= 1;
	a->sx += dx;
	a->sy += dy;
	a->sxx += dx * dx;
	a->syy += dy * dy;
	a->sxy += dx * dy;
	a->sdelta += dx - dy;
}

void rc_expert_add_control(struct rc_expert_acc *a, const struct rc_cfg *cfg, const int *scale,
			   const uint8_t *agreed, const uint8_t *expert, int n)
{
	struct rc_outcome o;
	rc_outcome_of(cfg, scale, agreed, expert, n, &o);
	a->control++;
	a->control_ok += o.objective;
}

void rc_expert_finish(const struct rc_expert_acc *a, struct rc_expert *out)
{
	double n = (double)a->works;
	out->works = a->works;
	out->exact = a->works ? (double)a->exact / n : NAN;
	out->within1 = a->works ? (double)a->within1 / n : NAN;
	out->qwk = qwk_sums(n, a->sx, a->sy, a->sxx, a->syy, a->sxy);
	out->mean_delta = a->works ? a->sdelta / n : NAN;
	out->control = a->control;
	out->control_accuracy = a->control ? (double)a->control_ok / (double)a->control : NAN;
}

double rc_qwk(const int *x, const int *y, size_t n)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double a = x[i], b = y[i];
		sx += a;
		sy += b;
		sxx += a * a;
		syy += b * b;
		sxy += a * b;
	}
	return qwk_sums((double)n, sx, sy, sxx, syy, sxy);
}

/* ---- sampling ---- */

static const struct {
	enum rc_rule r;
	const char *id, *title;
} rules[RC_RULE_COUNT] = {
	{ RC_RULE_RISK, "risk", "школа в списке oko" },
	{ RC_RULE_OFFICIAL, "official", "у школы есть официальный признак необъективности" },
	{ RC_RULE_BOUNDARY, "boundary", "балл у границы отметки" },
	{ RC_RULE_RANDOM, "random", "случайная контрольная выборка" },
	{ RC_RULE_MEDAL, "medal", "кандидат на медаль" },
};

const char *rc_rule_id(enum rc_rule r)
{
	for (int i = 0; i < RC_RULE_COUNT; i++)
		if (rules[i].r == r)
			return rules[i].id;
	return NULL;
}

const char *rc_rule_title(enum rc_rule r)
{
	for (int i = 0; i < RC_RULE_COUNT; i++)
		if (rules[i].r == r)
			return rules[i].title;
	return NULL;
}

unsigned rc_rules_parse(const char *list, const char **bad)
{
	/* The bad word is copied here (the list is not NUL-terminated after it). */
	static _Thread_local char word[64];
	unsigned mask = 0;
	const char *s = list ? list : "";
	if (bad)
		*bad = NULL;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		const char *e = s;
		while (*e && *e != ',')
			e++;
		size_t len = (size_t)(e - s);
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		unsigned bit = 0;
		for (int i = 0; i < RC_RULE_COUNT && len; i++)
			if (strlen(rules[i].id) == len && !memcmp(rules[i].id, s, len))
				bit = (unsigned)rules[i].r;
		if (!bit) {
			if (len >= sizeof word)
				len = sizeof word - 1;
			memcpy(word, s, len);
			word[len] = 0;
			if (bad)
				*bad = word;
			return 0;
		}
		mask |= bit;
		if (!*e)
			return mask;
		s = e + 1;
	}
}

/* splitmix64 (Steele, Lea, Flood 2014): a 64-bit state, one add and a mix per number. */
static uint64_t sm_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0), without modulo bias: numbers in the incomplete last block of
 * 2^64 mod n are drawn again. */
static size_t sm_below(uint64_t *x, size_t n)
{
	uint64_t m = (uint64_t)n, lim = UINT64_MAX - UINT64_MAX % m;
	uint64_t v;
	do
		v = sm_next(x);
	while (v >= lim);
	return (size_t)(v % m);
}

/* k of the n items of ix drawn uniformly to its front (partial Fisher–Yates). */
static void draw_front(uint64_t *x, size_t *ix, size_t n, size_t k)
{
	for (size_t i = 0; i < k && i < n; i++) {
		size_t j = i + sm_below(x, n - i);
		size_t t = ix[i];
		ix[i] = ix[j];
		ix[j] = t;
	}
}

/* round(share × n), at least 1 and at most n (n > 0). */
static size_t share_of(double share, size_t n)
{
	double k = floor(share * (double)n + 0.5);
	if (k < 1)
		return 1;
	return k > (double)n ? n : (size_t)k;
}

/* Does rule r (not RANDOM) choose candidate c of a school with flags listed/official? */
static bool rule_chooses(enum rc_rule r, const struct rc_candidate *c, bool listed,
			 bool official, const int *scale)
{
	switch (r) {
	case RC_RULE_RISK:
		return listed;
	case RC_RULE_OFFICIAL:
		return official;
	case RC_RULE_MEDAL:
		return c->medal;
	case RC_RULE_BOUNDARY:
		if (!scale || !(listed || official))
			return false;
		for (int b = 0; b < 3; b++)
			if (c->score >= scale[b] - 1 && c->score <= scale[b] + 1)
				return true;
		return false;
	default:
		return false;
	}
}

size_t rc_sample(const struct rc_candidate *c, size_t n, const struct rc_sample_params *p,
		 unsigned *why)
{
	for (size_t i = 0; i < n; i++)
		why[i] = 0;
	double share = p->share;
	if (!n || !(share > 0))
		return 0;
	if (share > 1)
		share = 1;
	uint64_t x = p->seed;
	/* The schools: runs of equal c[].school, with their flags. */
	size_t ng = 0;
	size_t *start = xmalloc((n + 1) * sizeof *start);
	bool *listed = xmalloc(n * sizeof *listed), *official = xmalloc(n * sizeof *official);
	for (size_t i = 0; i < n; i++) {
		if (!i || c[i].school != c[i - 1].school) {
			start[ng] = i;
			listed[ng] = official[ng] = false;
			ng++;
		}
		listed[ng - 1] |= c[i].listed;
		official[ng - 1] |= c[i].official;
	}
	start[ng] = n;
	size_t *ix = xmalloc(n * sizeof *ix), chosen = 0;
	/* The rules in the order that names the reason: a work keeps the first rule that chose
	 * it, and a later rule draws only among the works still free. */
	static const enum rc_rule order[] = { RC_RULE_RISK, RC_RULE_OFFICIAL, RC_RULE_MEDAL,
					      RC_RULE_BOUNDARY };
	for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
		enum rc_rule r = order[k];
		if (!(p->rules & (unsigned)r))
			continue;
		for (size_t g = 0; g < ng; g++) {
			size_t m = 0;
			for (size_t i = start[g]; i < start[g + 1]; i++)
				if (!c[i].taken && !why[i] &&
				    rule_chooses(r, &c[i], listed[g], official[g], p->scale))
					ix[m++] = i;
			if (!m)
				continue;
			size_t want = share >= 1 ? m : share_of(share, m);
			if (want < m)
				draw_front(&x, ix, m, want);
			for (size_t j = 0; j < want; j++)
				why[ix[j]] = (unsigned)r;
			chosen += want;
		}
	}
	if (p->rules & RC_RULE_RANDOM) {
		/* The other schools: neither listed nor official, with a work still free. */
		size_t m = 0;
		for (size_t g = 0; g < ng; g++) {
			if (listed[g] || official[g])
				continue;
			for (size_t i = start[g]; i < start[g + 1]; i++)
				if (!c[i].taken && !why[i]) {
					ix[m++] = g;
					break;
				}
		}
		if (m) {
			size_t want = share_of(share, m);
			draw_front(&x, ix, m, want);
			for (size_t j = 0; j < want; j++)
				for (size_t i = start[ix[j]]; i < start[ix[j] + 1]; i++)
					if (!c[i].taken && !why[i]) {
						why[i] = RC_RULE_RANDOM;
						chosen++;
					}
		}
	}
	free(ix);
	free(start);
	free(listed);
	free(official);
	return chosen;
}
