/* assign/observers: the automatic assignment of observers to a campaign's sittings — the
 * problem loaded through model/observer, solved by the engine (assign.h), stored through
 * observer_assign_store. See observers.h and docs/observers.md.
 *
 * The problem in dense indices:
 *   - sittings: those the scope sees; a manual choice is `fixed` to its observer (kept
 *     as it is), unless that observer is not one the scope sees — then the sitting stays
 *     out of the problem (it is covered and kept, nobody else may take it); a sitting
 *     already held (dated before today, or with an act) is fixed to its observer the
 *     same way, or left out when it had none; so is one whose automatic observer the
 *     scope does not see (placed by the region on a municipality's school);
 *   - the campaign's other sittings (outside the scope), and the sittings of other
 *     campaigns on the campaign's days, whose observer is one the scope sees are added as
 *     fixed too: they hold that observer's slot and a place of its day, so a run cannot
 *     double-book an observer a neighbour or another campaign already placed; they are
 *     neither reported nor stored;
 *   - people: the observers the scope sees, with their available days as day numbers
 *     (days since 1970-01-01) and the sittings' municipalities mapped to the same indices;
 *   - conflicts: their observer_school rows; previous: who observed each school last
 *     before the campaign's first sitting date. */
#include "assign/observers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assign/assign.h"
#include "base/err.h"
#include "base/mem.h"
#include "model/observer.h"
#include "model/plan.h"

/* Days since 1970-01-01 of a valid 'YYYY-MM-DD' (the proleptic Gregorian calendar). */
static int day_number(const char *iso)
{
	int y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
	int m = (iso[5] - '0') * 10 + (iso[6] - '0');
	int d = (iso[8] - '0') * 10 + (iso[9] - '0');
	y -= m <= 2;
	int era = y / 400; /* years 2000..2100 only (plan_date_valid) */
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int slot_minutes(const char *hhmm)
{
	return ((hhmm[0] - '0') * 10 + (hhmm[1] - '0')) * 60 + (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

/* A sorted id → dense index map. */
struct idmap {
	int64_t *id;
	size_t n, cap;
};

static void idmap_add(struct idmap *m, int64_t id)
{
	m->id = xgrow(m->id, &m->cap, m->n + 1, sizeof *m->id);
	m->id[m->n++] = id;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void idmap_seal(struct idmap *m)
{
	if (!m->n)
		return;
	qsort(m->id, m->n, sizeof *m->id, cmp_id);
	size_t k = 1;
	for (size_t i = 1; i < m->n; i++)
		if (m->id[i] != m->id[k - 1])
			m->id[k++] = m->id[i];
	m->n = k;
}

/* The dense index of id, -1 when absent. */
static int idmap_find(const struct idmap *m, int64_t id)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->id[lo] == id ? (int)lo : -1;
}

/* Observers are indexed in the list's order (by name), looked up by id through a sorted
 * (id, index) table. */
struct person_key {
	int64_t id;
	int idx;
};

static int cmp_person_key(const void *a, const void *b)
{
	const struct person_key *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int person_of(const struct person_key *k, size_t n, int64_t id)
{
	struct person_key key = { id, -1 };
	const struct person_key *f = id > 0 && n ? bsearch(&key, k, n, sizeof *k, cmp_person_key) : NULL;
	return f ? f->idx : -1;
}

/* observer_previous gives its pairs by observer, then school. */
static int cmp_pair(const void *a, const void *b)
{
	const struct obs_conflict *x = a, *y = b;
	if (x->observer_id != y->observer_id)
		return x->observer_id < y->observer_id ? -1 : 1;
	return x->school_id < y->school_id ? -1 : x->school_id > y->school_id;
}

static bool same_sitting(const struct obs_sitting *a, const struct obs_sitting *b)
{
	return a->procedure_id == b->procedure_id && a->school_id == b->school_id;
}

/* A sitting that happened (before today) or whose act is in keeps what it had. */
static bool held(const struct obs_sitting *x, const char *today)
{
	return x->act_id > 0 || (today && strcmp(x->date, today) < 0);
}

int assign_observers(struct db *d, const struct scope *sc, int64_t campaign_id, uint64_t seed,
		     bool dry_run, const char *by, struct obs_assign_report *rep, char *msg,
		     size_t n)
{
	char today[PLAN_DATE_LEN];
	plan_date_of(plan_now(), today);
	return assign_observers_at(d, sc, campaign_id, seed, dry_run, by, today, rep, msg, n);
}

int assign_observers_at(struct db *d, const struct scope *sc, int64_t campaign_id,
			uint64_t seed, bool dry_run, const char *by, const char *today,
			struct obs_assign_report *rep, char *msg, size_t n)
{
	struct obs_sitting *sit = NULL, *every = NULL;
	struct obs_person *ppl = NULL;
	struct obs_conflict *conf = NULL, *prev = NULL;
	size_t nsit = 0, nevery = 0, nppl = 0, nconf = 0, nprev = 0;
	struct person_key *pkey = NULL;
	struct idmap schools = { 0 }, muns = { 0 };
	struct assign_sitting *as = NULL;
	struct assign_person *ap = NULL;
	struct assign_pair *acf = NULL, *apv = NULL;
	int *days = NULL, *where = NULL; /* where: per problem sitting, its index in sit or -1 */
	struct assign_result res = { 0 };
	struct obs_assignment *store = NULL;
	long *load = NULL;
	const struct scope all = scope_all();
	int rc;

	if (!sc)
		sc = &all;
	memset(rep, 0, sizeof *rep);
	if (msg && n)
		msg[0] = '\0';
	if ((rc = plan_campaign_get(d, campaign_id, NULL, 0))) {
		if (rc == ERR_NOTFOUND && msg)
			snprintf(msg, n, "план-график не найден");
		return rc;
	}
	if ((rc = observer_sittings(d, sc, campaign_id, &sit, &nsit)))
		goto out;
	if (!nsit) {
		snprintf(msg, n, "нечего назначать: в план-графике нет проведений с назначенной датой");
		rc = ERR_INVALID;
		goto out;
	}
	if ((rc = observer_list(d, sc, 0, &ppl, &nppl)))
		goto out;
	if (!nppl) {
		snprintf(msg, n, "нечего назначать: в реестре нет наблюдателей");
		rc = ERR_INVALID;
		goto out;
	}
	if (sc->kind != SCOPE_ALL) {
		if ((rc = observer_sittings(d, &all, campaign_id, &every, &nevery)))
			goto out;
	}
	/* Observers already busy in other campaigns on these days: those sittings hold their
	 * slots and places of their days too (appended after the campaign's own). */
	{
		const char *lo = sit[0].date, *hi = sit[0].date;
		for (size_t i = 1; i < nsit; i++) {
			if (strcmp(sit[i].date, lo) < 0)
				lo = sit[i].date;
			if (strcmp(sit[i].date, hi) > 0)
				hi = sit[i].date;
		}
		struct obs_sitting *busy = NULL;
		size_t nbusy = 0;
		if ((rc = observer_sittings_elsewhere(d, campaign_id, lo, hi, &busy, &nbusy)))
			goto out;
		if (nbusy) {
			every = xrealloc(every, (nevery + nbusy) * sizeof *every);
			memcpy(every + nevery, busy, nbusy * sizeof *busy);
			nevery += nbusy;
		}
		free(busy);
	}
	pkey = xmalloc(nppl * sizeof *pkey);
	for (size_t i = 0; i < nppl; i++)
		pkey[i] = (struct person_key){ ppl[i].id, (int)i };
	qsort(pkey, nppl, sizeof *pkey, cmp_person_key);

	/* The problem's sittings: the scope's (less the manual ones of observers it does not
	 * see), then the campaign's others held by its observers. Both lists come in the same
	 * order, the scope's a subsequence of the campaign's. */
	size_t cap = nsit + nevery;
	as = xmalloc((cap ? cap : 1) * sizeof *as);
	where = xmalloc((cap ? cap : 1) * sizeof *where);
	int nas = 0;
	const char *first = sit[0].date;
	for (size_t i = 0; i < nsit; i++) {
		if (strcmp(sit[i].date, first) < 0)
			first = sit[i].date;
		int had = sit[i].observer_id ? person_of(pkey, nppl, sit[i].observer_id) : -1;
		/* an observer placed by another territory (the region on a municipality's
		 * school) stays: this run does not see that observer's other sittings */
		bool foreign = sit[i].observer_id && had < 0;
		bool keep = sit[i].manual || held(&sit[i], today) || foreign;
		int fixed = keep ? had : -1;
		if (keep && fixed < 0)
			continue;
		as[nas] = (struct assign_sitting){ .fixed = fixed, .priority = sit[i].priority };
		where[nas++] = (int)i;
	}
	for (size_t i = 0, j = 0; i < nevery; i++) {
		if (strcmp(every[i].date, first) < 0)
			first = every[i].date;
		if (j < nsit && same_sitting(&every[i], &sit[j])) {
			j++;
			continue;
		}
		int who = person_of(pkey, nppl, every[i].observer_id);
		if (who < 0)
			continue;
		as[nas] = (struct assign_sitting){ .fixed = who, .priority = every[i].priority };
		where[nas++] = -1 - (int)i; /* outside the scope: -1 - its index in every */
	}
	for (int k = 0; k < nas; k++) {
		const struct obs_sitting *x = where[k] >= 0 ? &sit[where[k]] : &every[-1 - where[k]];
		idmap_add(&schools, x->school_id);
		if (x->municipality_id > 0)
			idmap_add(&muns, x->municipality_id);
	}
	idmap_seal(&schools);
	idmap_seal(&muns);
	for (int k = 0; k < nas; k++) {
		const struct obs_sitting *x = where[k] >= 0 ? &sit[where[k]] : &every[-1 - where[k]];
		as[k].day = day_number(x->date);
		as[k].slot = slot_minutes(x->time);
		as[k].school = idmap_find(&schools, x->school_id);
		as[k].municipality = x->municipality_id > 0 ? idmap_find(&muns, x->municipality_id) : -1;
	}

	/* People with their days. */
	size_t ndays = 0;
	for (size_t i = 0; i < nppl; i++)
		ndays += (size_t)ppl[i].ndays;
	days = xmalloc((ndays ? ndays : 1) * sizeof *days);
	ap = xmalloc(nppl * sizeof *ap);
	ndays = 0;
	for (size_t i = 0; i < nppl; i++) {
		const struct obs_person *p = &ppl[i];
		ap[i] = (struct assign_person){
			.municipality = p->municipality_id > 0 ? idmap_find(&muns, p->municipality_id) : -1,
			.max_per_day = p->max_per_day,
			.days = p->ndays ? &days[ndays] : NULL,
			.ndays = 0,
		};
		for (int k = 0; k < p->ndays; k++)
			if (plan_date_valid(p->days[k]))
				days[ndays + (size_t)ap[i].ndays++] = day_number(p->days[k]);
		/* Days given but none readable: available on none of them, not on any day. */
		if (p->ndays && !ap[i].ndays) {
			days[ndays] = -1;
			ap[i].ndays = 1;
		}
		ndays += (size_t)ap[i].ndays;
	}

	/* Conflicts and the previous observers, of the problem's people and schools. */
	if ((rc = observer_conflicts(d, sc, &conf, &nconf)) || (rc = observer_previous(d, first, &prev, &nprev)))
		goto out;
	acf = xmalloc((nconf ? nconf : 1) * sizeof *acf);
	apv = xmalloc((nprev ? nprev : 1) * sizeof *apv);
	int nacf = 0, napv = 0;
	for (size_t i = 0; i < nconf; i++) {
		int who = person_of(pkey, nppl, conf[i].observer_id), sch = idmap_find(&schools, conf[i].school_id);
		if (who >= 0 && sch >= 0)
			acf[nacf++] = (struct assign_pair){ who, sch };
	}
	for (size_t i = 0; i < nprev; i++) {
		int who = person_of(pkey, nppl, prev[i].observer_id), sch = idmap_find(&schools, prev[i].school_id);
		if (who >= 0 && sch >= 0)
			apv[napv++] = (struct assign_pair){ who, sch };
	}

	struct assign_problem prob = {
		.sittings = as, .nsittings = nas, .people = ap, .npeople = (int)nppl,
		.nschools = (int)schools.n, .conflicts = acf, .nconflicts = nacf,
		.previous = apv, .nprevious = napv, .seed = seed,
	};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = assign_solve(&prob, &res, msg, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc) {
		if (msg && n && !msg[0])
			snprintf(msg, n, "назначение не удалось: %s", err_str(rc));
		goto out;
	}

	rep->repeats_inside = res.repeats_inside;
	/* The report, over the scope's sittings as they will be stored. */
	int *person_at = xmalloc(nsit * sizeof *person_at); /* per scope sitting: person or -1 */
	for (size_t i = 0; i < nsit; i++)
		person_at[i] = -1;
	for (int k = 0; k < nas; k++)
		if (where[k] >= 0)
			person_at[where[k]] = res.person[k];
	load = xcalloc(nppl, sizeof *load);
	store = xmalloc(nsit * sizeof *store);
	size_t nstore = 0;
	rep->sittings = (long)nsit;
	rep->observers = (long)nppl;
	for (size_t i = 0; i < nsit; i++) {
		const struct obs_sitting *x = &sit[i];
		int who = person_at[i];
		/* kept: also a choice of an observer the scope does not see */
		bool foreign = x->observer_id && person_of(pkey, nppl, x->observer_id) < 0;
		bool kept = x->manual || held(x, today) || foreign;
		if (x->priority)
			rep->priority++;
		if (x->manual)
			rep->manual++;
		else if (held(x, today))
			rep->held++;
		else if (foreign)
			rep->foreign++;
		if (kept && !x->observer_id)
			continue;
		if (who < 0 && !kept)
			continue;
		rep->covered++;
		if (x->priority)
			rep->priority_covered++;
		/* A held automatic choice is stored again (the store replaces the automatic rows),
		 * also one of an observer the scope does not see. */
		if (!x->manual && who < 0)
			store[nstore++] = (struct obs_assignment){ x->procedure_id, x->school_id,
								   x->observer_id };
		if (who < 0)
			continue;
		load[who]++;
		const struct obs_person *p = &ppl[who];
		if (p->municipality_id > 0 && p->municipality_id == x->municipality_id)
			rep->same_municipality++;
		struct obs_conflict key = { p->id, x->school_id, false };
		if (nprev && bsearch(&key, prev, nprev, sizeof *prev, cmp_pair))
			rep->repeats++;
		if (!x->manual)
			store[nstore++] = (struct obs_assignment){ x->procedure_id, x->school_id, p->id };
	}
	free(person_at);
	for (size_t i = 0; i < nppl; i++) {
		if (load[i])
			rep->observers_used++;
		if (load[i] > rep->max_load)
			rep->max_load = load[i];
		rep->load_squares += (long long)load[i] * load[i];
	}
	if (!dry_run && (rc = observer_assign_store(d, sc, campaign_id, store, nstore, seed, by)))
		snprintf(msg, n, "назначение не сохранено: %s", err_str(rc));
out:
	assign_result_free(&res);
	free(sit);
	free(every);
	free(ppl);
	free(conf);
	free(prev);
	free(pkey);
	free(schools.id);
	free(muns.id);
	free(as);
	free(ap);
	free(acf);
	free(apv);
	free(days);
	free(where);
	free(store);
	free(load);
	return rc;
}
