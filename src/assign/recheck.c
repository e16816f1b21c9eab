/* assign/recheck: sampling a round and giving its works to experts (see recheck.h). */
#include "assign/recheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assign/assign.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "model/procedure.h"
#include "model/run.h"

static void say(char *msg, size_t n, const char *text)
{
	if (msg && n)
		str_copy_utf8(msg, n, text);
}

/* splitmix64: the seed's draws (control works; the cross-check circle). */
static uint64_t mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- sampling ---- */

/* The candidates as read, with the strings kept. */
struct cands {
	struct rc_candidate *c;
	int64_t *school_id;    /* per candidate */
	char **school, **code; /* per candidate (school: shared per school) */
	size_t n, cap;
	uint32_t nschools;
	int64_t last_school;
};

static int take_cand(void *ctx, const struct rc_cand_row *r)
{
	struct cands *x = ctx;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 1024;
		x->c = xrealloc(x->c, cap * sizeof *x->c);
		x->school_id = xrealloc(x->school_id, cap * sizeof *x->school_id);
		x->school = xrealloc(x->school, cap * sizeof *x->school);
		x->code = xrealloc(x->code, cap * sizeof *x->code);
		x->cap = cap;
	}
	bool fresh = !x->n || r->school_id != x->last_school;
	if (fresh)
		x->nschools++;
	x->last_school = r->school_id;
	size_t i = x->n++;
	x->c[i] = (struct rc_candidate){ .school = x->nschools - 1, .score = r->score, .listed = r->listed,
					 .official = r->official, .taken = r->taken };
	x->school_id[i] = r->school_id;
	x->school[i] = fresh ? xstrdup(r->school) : x->school[i - 1];
	x->code[i] = xstrdup(r->code);
	return 0;
}

static void cands_free(struct cands *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->code[i]);
		if (!i || x->school[i] != x->school[i - 1])
			free(x->school[i]);
	}
	free(x->c);
	free(x->school_id);
	free(x->school);
	free(x->code);
}

static int bit_index(unsigned bit)
{
	int i = 0;
	while (bit > 1) {
		bit >>= 1;
		i++;
	}
	return i;
}

/* Why a work was chosen, in Russian. */
static void detail_of(unsigned why, const struct rc_candidate *c, const int *scale, char *out,
		      size_t n)
{
	if (why == RC_RULE_BOUNDARY && scale) {
		int best = 0;
		for (int k = 1; k < 3; k++)
			if (abs(c->score - scale[k]) < abs(c->score - scale[best]))
				best = k;
		snprintf(out, n, "балл %d у границы отметки «%d» (%d %s)", c->score, best + 3, scale[best],
			 str_plural(scale[best], "балл", "балла", "баллов"));
		return;
	}
	snprintf(out, n, "%s", rc_rule_title((enum rc_rule)why));
}

int recheck_sample(struct db *d, const struct scope *sc, const struct rc_sample_opts *o,
		   const char *by, rc_sample_fn fn, void *ctx, struct rc_sample_report *rep,
		   char *msg, size_t n)
{
	memset(rep, 0, sizeof *rep);
	struct cands x = { 0 };
	struct procedure *p = xcalloc(1, sizeof *p);
	unsigned *why = NULL;
	bool tx = false;
	int rc;
	if (!o->rules || (o->rules & ~((1u << RC_RULE_COUNT) - 1))) {
		say(msg, n, "не выбрано ни одного правила отбора");
		rc = ERR_INVALID;
		goto out;
	}
	if (!(o->share > 0 && o->share <= 1)) {
		say(msg, n, "доля должна быть больше 0 и не больше 100 %");
		rc = ERR_INVALID;
		goto out;
	}
	if ((o->rules & RC_RULE_MEDAL) && !o->nmedal) {
		say(msg, n, "для правила «кандидаты на медаль» нужен список: школа и код участника");
		rc = ERR_INVALID;
		goto out;
	}
	if ((rc = procedure_get_id(d, o->procedure_id, p))) {
		say(msg, n, "процедура не найдена");
		goto out;
	}
	if (o->rules & (RC_RULE_RISK | RC_RULE_OFFICIAL | RC_RULE_BOUNDARY)) {
		struct run_info ri;
		if ((rc = run_latest(d, &ri))) {
			say(msg, n, "нет анализа результатов: правила «список риска», «официальные признаки» "
				    "и «границы отметок» берут школы из последнего анализа — запустите анализ");
			rc = rc == ERR_NOTFOUND ? ERR_INVALID : rc;
			goto out;
		}
	}
	if ((o->rules & RC_RULE_BOUNDARY) && !p->has_scale) {
		say(msg, n, "у процедуры нет шкалы отметок: правило «границы отметок» неприменимо");
		rc = ERR_INVALID;
		goto out;
	}
	if ((rc = recheck_candidates(d, sc, o->procedure_id, take_cand, &x)))
		goto out;
	rep->candidates = (long)x.n;
	for (size_t k = 0; k < o->nmedal; k++) {
		size_t i = 0;
		while (i < x.n && (strcmp(x.school[i], o->medal_school[k]) || strcmp(x.code[i], o->medal_code[k])))
			i++;
		if (i == x.n) {
			snprintf(msg, n, "кандидат на медаль: школа %s, код %s — такой работы нет среди результатов "
					 "процедуры на вашей территории", o->medal_school[k], o->medal_code[k]);
			rc = ERR_INVALID;
			goto out;
		}
		x.c[i].medal = true;
	}
	why = xcalloc(x.n ? x.n : 1, sizeof *why);
	struct rc_sample_params sp = { o->rules, o->share, o->seed, p->has_scale ? p->scale : NULL };
	size_t chosen = rc_sample(x.c, x.n, &sp, why);
	if (!chosen) {
		say(msg, n, "по этим правилам не отобрано ни одной работы");
		rc = ERR_INVALID;
		goto out;
	}
	struct rc_round r = {
		.procedure_id = o->procedure_id,
		.municipality_id = sc && sc->kind == SCOPE_MUNICIPALITY ? sc->id : 0,
		.kind = o->kind,
		.share = o->share,
		.seed = o->seed,
		.no_mutual = o->no_mutual,
	};
	snprintf(r.created_by, sizeof r.created_by, "%s", by ? by : "");
	for (int k = 0; k < RC_RULE_COUNT; k++)
		if (o->rules & (1u << k)) {
			size_t l = strlen(r.rules);
			snprintf(r.rules + l, sizeof r.rules - l, "%s%s", l ? "," : "", rc_rule_id((enum rc_rule)(1u << k)));
		}
	if (!o->dry_run) {
		if ((rc = db_begin(d)))
			goto out;
		tx = true;
		if ((rc = recheck_round_add(d, &r)))
			goto out;
		rep->round_id = r.id;
	}
	int64_t last = -1;
	for (size_t i = 0; i < x.n; i++) {
		if (!why[i])
			continue;
		char detail[RC_DETAIL_MAX];
		detail_of(why[i], &x.c[i], p->has_scale ? p->scale : NULL, detail, sizeof detail);
		const char *reason = rc_rule_id((enum rc_rule)why[i]);
		rep->chosen[bit_index(why[i])]++;
		rep->works++;
		if (x.school_id[i] != last)
			rep->schools++;
		last = x.school_id[i];
		if (!o->dry_run &&
		    (rc = recheck_work_add(d, r.id, o->procedure_id, x.school_id[i], x.code[i], reason, detail)))
			goto out;
		struct rc_sample_row row = { x.school[i], x.code[i], reason, detail };
		if (fn && (rc = fn(ctx, &row)))
			goto out;
	}
	if (tx) {
		rc = db_commit(d);
		tx = false;
	}
out:
	if (tx)
		db_rollback(d);
	if (rc && !o->dry_run)
		rep->round_id = 0;
	free(why);
	free(p);
	cands_free(&x);
	return rc;
}

/* ---- assignment ---- */

/* One work needing an expert now. */
struct need {
	int work;      /* index into the round's works */
	int check_no;  /* 2 or 3 */
};

static bool subject_ok(const char *subjects, const char *subject)
{
	if (!subjects[0])
		return true;
	size_t l = strlen(subject);
	for (const char *s = subjects; *s;) {
		while (*s == ',' || *s == ' ')
			s++;
		size_t k = strcspn(s, ", ");
		if (k == l && !strncmp(s, subject, l))
			return true;
		s += k;
	}
	return false;
}

static bool works_at(const struct rc_expert_row *e, int64_t school)
{
	for (int k = 0; k < e->nworks; k++)
		if (e->works_at[k] == school)
			return true;
	for (int k = 0; k < e->nchildren; k++)
		if (e->children_at[k] == school)
			return true;
	return false;
}

/* Position of a school on the cross-check circle, -1 when not on it. */
static int circle_pos(const int64_t *ids, const int *pos, size_t n, int64_t school)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == school)
			return pos[i];
	return -1;
}

/* With no_mutual: may a school at circle position a check one at b (N places)? Each pair
 * gets exactly one direction: the next half of the circle after a. */
static bool circle_ok(int a, int b, int N)
{
	if (a < 0 || b < 0 || a == b)
		return a != b || a < 0;
	int dist = ((b - a) % N + N) % N;
	if (2 * dist < N)
		return true;
	return 2 * dist == N && a < b;
}

int recheck_assign(struct db *d, int64_t round_id, uint64_t seed, const char *by,
		   struct rc_assign_report *rep, char *msg, size_t n)
{
	memset(rep, 0, sizeof *rep);
	struct rc_round rd;
	struct rc_work *w = NULL, *pool = NULL;
	struct rc_expert_row *ex = NULL;
	size_t nw = 0, nex = 0, npool = 0;
	struct procedure *p = xcalloc(1, sizeof *p);
	struct need *need = NULL;
	struct assign_sitting *as = NULL;
	struct assign_person *ap = NULL;
	struct assign_pair *conf = NULL;
	int *eidx = NULL, *fresh = NULL, *cpos = NULL, *order = NULL;
	int64_t *cids = NULL;
	struct assign_result res = { 0 };
	bool tx = false;
	int rc;
	if ((rc = recheck_round_get(d, round_id, &rd))) {
		say(msg, n, "перепроверка не найдена");
		goto out;
	}
	struct scope rs = rd.municipality_id ? (struct scope){ SCOPE_MUNICIPALITY, rd.municipality_id }
					     : (struct scope){ SCOPE_ALL, 0 };
	struct rc_cfg cfg;
	if ((rc = procedure_get_id(d, rd.procedure_id, p)) || (rc = recheck_cfg_get(d, rd.procedure_id, &cfg)) ||
	    (rc = recheck_work_list(d, NULL, round_id, 0, &w, &nw)) || (rc = expert_list(d, &rs, &ex, &nex)))
		goto out;
	const int *scale = p->has_scale ? p->scale : NULL;

	/* The commission: experts of the round's territory who check this subject. */
	eidx = xmalloc((nex ? nex : 1) * sizeof *eidx);
	size_t ne = 0;
	for (size_t i = 0; i < nex; i++)
		if (subject_ok(ex[i].subjects, p->subject))
			eidx[ne++] = (int)i;
	rep->experts = (long)ne;
	if (!ne) {
		say(msg, n, "нет экспертов для этой перепроверки: загрузите реестр экспертов (с предметом "
			    "процедуры) на вашей территории");
		rc = ERR_INVALID;
		goto out;
	}

	/* Works needing an expert now, and the works already assigned (kept, they count in
	 * the load). */
	need = xmalloc((2 * nw + 1) * sizeof *need);
	size_t nneed = 0, nfixed = 0;
	for (size_t i = 0; i < nw; i++) {
		const struct rc_work *x = &w[i];
		const uint8_t *fin = NULL;
		enum rc_state st = rc_state_of(&cfg, scale, x->s1, x->done[0] ? x->s[0] : NULL,
					       x->done[1] ? x->s[1] : NULL, x->npos, &fin);
		nfixed += (x->expert_id[0] != 0) + (x->expert_id[1] != 0);
		if (!x->expert_id[0])
			need[nneed++] = (struct need){ (int)i, 2 };
		else if (st == RC_WAIT3 && !x->expert_id[1])
			need[nneed++] = (struct need){ (int)i, 3 };
	}
	rep->works = (long)nneed;
	if (!nneed)
		goto controls;

	/* The engine's problem. A work has no time: the works are dealt over K slots (K = the
	 * largest max_works, at most the works), so that "one sitting a slot" lets an expert
	 * take up to K works, and the network has experts × K person-slots instead of one per
	 * work. The kept checks take each expert's first slots, the works to assign are dealt
	 * from the last slot down: with K = all the works they never meet; with more works than
	 * K an expert with kept checks may not take the works dealt into its taken slots (the
	 * answer is then optimal for this dealing, not proven so for the round). A check-2 work's "school" is its school (the conflicts of interest are per
	 * school); a check-3 work and a kept check are schools of their own (check 3 also
	 * excludes the check-2 expert of that one work). */
	size_t ns = nneed + nfixed;
	int K = 1;
	for (size_t k = 0; k < ne; k++)
		if (ex[eidx[k]].max_works > K)
			K = ex[eidx[k]].max_works;
	if ((size_t)K > ns)
		K = (int)ns;
	as = xcalloc(ns, sizeof *as);
	ap = xcalloc(ne, sizeof *ap);
	fresh = xcalloc(ne, sizeof *fresh); /* here: kept checks per expert, for their slots */
	for (size_t k = 0; k < ne; k++) {
		const struct rc_expert_row *e = &ex[eidx[k]];
		ap[k] = (struct assign_person){ .municipality = rd.kind == RC_MUNICIPAL && e->municipality_id
									? (int)e->municipality_id : -1,
						.max_per_day = e->max_works };
	}
	/* Real schools first: indexes 0..nreal-1 (cids doubles as the list of school ids). */
	cids = xmalloc((nw + ne * RC_MAX_SCHOOLS + 1) * sizeof *cids);
	size_t nreal = 0;
	int *wschool = xmalloc((nw ? nw : 1) * sizeof *wschool);
	for (size_t i = 0; i < nw; i++) {
		size_t j2 = 0;
		while (j2 < nreal && cids[j2] != w[i].school_id)
			j2++;
		if (j2 == nreal)
			cids[nreal++] = w[i].school_id;
		wschool[i] = (int)j2;
	}
	size_t si = 0, pseudo = nreal;
	for (size_t k = 0; k < nneed; k++) {
		const struct rc_work *x = &w[need[k].work];
		bool third = need[k].check_no == 3;
		/* From the last slot down: the kept checks take each expert's first slots. */
		as[si] = (struct assign_sitting){ .day = 0, .slot = K - 1 - (int)(si % (size_t)K),
						  .school = third ? (int)pseudo++ : wschool[need[k].work],
						  .municipality = x->municipality_id ? (int)x->municipality_id : -1,
						  .priority = third, .fixed = -1 };
		si++;
	}
	for (size_t i = 0; i < nw; i++)
		for (int c = 0; c < 2; c++) {
			if (!w[i].expert_id[c])
				continue;
			int who = -1;
			for (size_t k = 0; k < ne; k++)
				if (ex[eidx[k]].id == w[i].expert_id[c])
					who = (int)k;
			/* A kept check takes a slot of its expert no other kept check of it has; one of
			 * an expert outside the commission takes no one's place. */
			int slot = who >= 0 ? fresh[who]++ % K : 0;
			as[si] = (struct assign_sitting){ .day = 0, .slot = slot, .school = (int)pseudo++,
							  .municipality = -1, .fixed = who };
			si++;
		}
	memset(fresh, 0, ne * sizeof *fresh);

	/* The cross-check circle, drawn from the seed over the schools involved. */
	size_t ncirc = 0;
	if (rd.kind == RC_CROSS && rd.no_mutual) {
		ncirc = nreal;
		for (size_t k = 0; k < ne; k++)
			for (int j2 = 0; j2 < ex[eidx[k]].nworks; j2++)
				cids[ncirc++] = ex[eidx[k]].works_at[j2];
		/* unique, keeping the real schools' indexes */
		size_t u = nreal;
		for (size_t i = nreal; i < ncirc; i++) {
			size_t j2 = 0;
			while (j2 < u && cids[j2] != cids[i])
				j2++;
			if (j2 == u)
				cids[u++] = cids[i];
		}
		ncirc = u;
		cpos = xmalloc((ncirc ? ncirc : 1) * sizeof *cpos);
		order = xmalloc((ncirc ? ncirc : 1) * sizeof *order);
		for (size_t i = 0; i < ncirc; i++)
			order[i] = (int)i;
		uint64_t st = seed ^ 0x5ca1ab1eULL;
		for (size_t i = ncirc; i > 1; i--) {
			size_t j2 = (size_t)(mix(&st) % i);
			int t = order[i - 1];
			order[i - 1] = order[j2];
			order[j2] = t;
		}
		for (size_t i = 0; i < ncirc; i++)
			cpos[order[i]] = (int)i;
	}

	/* Conflicts: per real school (the expert's schools, the circle), and per check-3 work
	 * (those, and the work's check-2 expert). */
	size_t cap = 1024, nconf = 0;
	conf = xmalloc(cap * sizeof *conf);
	for (size_t e = 0; e < ne; e++) {
		const struct rc_expert_row *er = &ex[eidx[e]];
		for (size_t sc2 = 0; sc2 < nreal; sc2++) {
			bool bad = works_at(er, cids[sc2]);
			int wpos = ncirc ? circle_pos(cids, cpos, ncirc, cids[sc2]) : -1;
			for (int j2 = 0; !bad && ncirc && j2 < er->nworks; j2++)
				bad = !circle_ok(circle_pos(cids, cpos, ncirc, er->works_at[j2]), wpos, (int)ncirc);
			if (!bad)
				continue;
			if (nconf == cap)
				conf = xrealloc(conf, (cap *= 2) * sizeof *conf);
			conf[nconf++] = (struct assign_pair){ (int)e, (int)sc2 };
		}
	}
	for (size_t k = 0; k < nneed; k++) {
		if (need[k].check_no != 3)
			continue;
		const struct rc_work *x = &w[need[k].work];
		for (size_t e = 0; e < ne; e++) {
			const struct rc_expert_row *er = &ex[eidx[e]];
			bool bad = x->expert_id[0] == er->id;
			for (size_t c = 0; !bad && c < nconf; c++)
				bad = conf[c].person == (int)e && conf[c].school == wschool[need[k].work];
			if (!bad)
				continue;
			if (nconf == cap)
				conf = xrealloc(conf, (cap *= 2) * sizeof *conf);
			conf[nconf++] = (struct assign_pair){ (int)e, as[k].school };
		}
	}
	free(wschool);
	struct assign_problem prob = { .sittings = as, .nsittings = (int)ns, .people = ap, .npeople = (int)ne,
				       .nschools = (int)pseudo, .conflicts = conf, .nconflicts = (int)nconf,
				       .seed = seed };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = assign_solve(&prob, &res, msg, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc)
		goto out;

controls:
	if ((rc = db_begin(d)))
		goto out;
	tx = true;
	if (!fresh)
		fresh = xcalloc(ne, sizeof *fresh);
	for (size_t k = 0; k < nneed; k++) {
		int who = res.person ? res.person[k] : -1;
		if (who < 0)
			continue;
		const struct rc_work *x = &w[need[k].work];
		if ((rc = recheck_check_add(d, round_id, x->id, need[k].check_no, ex[eidx[who]].id, false, by)))
			goto out;
		rep->assigned++;
		rep->third += need[k].check_no == 3;
		fresh[who]++;
	}

	/* Control checks: works of the procedure's other rounds with agreed final scores. */
	if (cfg.control_rate > 0 && rep->assigned) {
		if ((rc = recheck_work_list(d, NULL, 0, rd.procedure_id, &pool, &npool)))
			goto out;
		size_t m = 0;
		for (size_t i = 0; i < npool; i++) {
			const uint8_t *fin = NULL;
			const struct rc_work *x = &pool[i];
			enum rc_state st = rc_state_of(&cfg, scale, x->s1, x->done[0] ? x->s[0] : NULL,
						       x->done[1] ? x->s[1] : NULL, x->npos, &fin);
			if (x->round_id != round_id && (st == RC_FINAL2 || st == RC_FINAL3))
				pool[m++] = pool[i];
		}
		npool = m;
		uint64_t st = seed ^ 0xc0417201ULL;
		for (size_t e = 0; e < ne && npool; e++) {
			long want = lround(cfg.control_rate * fresh[e]);
			const struct rc_expert_row *er = &ex[eidx[e]];
			for (long got = 0, tries = 0; got < want && tries < (long)npool * 2; tries++) {
				const struct rc_work *x = &pool[mix(&st) % npool];
				if (works_at(er, x->school_id) || x->expert_id[0] == er->id || x->expert_id[1] == er->id)
					continue;
				rc = recheck_check_add(d, round_id, x->id, 2, er->id, true, by);
				if (rc == ERR_EXISTS)
					continue;
				if (rc)
					goto out;
				got++;
				rep->control++;
			}
		}
	}
	if ((rc = recheck_round_assigned(d, round_id, by)) || (rc = db_commit(d)))
		goto out;
	tx = false;
	for (size_t e = 0; e < ne; e++)
		rep->experts_used += fresh[e] > 0;
	/* The most unfinished checks of one expert after the assignment. */
	{
		long *load = xcalloc(ne, sizeof *load);
		for (size_t i = 0; i < nw; i++)
			for (int c = 0; c < 2; c++)
				for (size_t e = 0; e < ne; e++)
					if (w[i].expert_id[c] == ex[eidx[e]].id && !w[i].done[c])
						load[e]++;
		for (size_t e = 0; e < ne; e++)
			if (load[e] + fresh[e] > rep->max_load)
				rep->max_load = load[e] + fresh[e];
		free(load);
	}
out:
	if (tx)
		db_rollback(d);
	assign_result_free(&res);
	free(w);
	free(pool);
	free(ex);
	free(p);
	free(need);
	free(as);
	free(ap);
	free(conf);
	free(eidx);
	free(fresh);
	free(cpos);
	free(order);
	free(cids);
	return rc;
}
