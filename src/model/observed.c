/* model/observed: works, shares and attributes of observed and unobserved sittings (see
 * observed.h). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "model/load.h"
#include "model/observed.h"
#include "model/registry.h"
#include "model/result.h"
#include "model/rows.h"
#include "model/run.h"
#include "model/unit.h"

const char *obsd_risk_title(enum obsd_risk r)
{
	switch (r) {
	case OBSD_RISK_NONE: return "без признаков";
	case OBSD_RISK_FLAGGED: return "с официальными признаками";
	case OBSD_RISK_LISTED: return "в списке oko";
	default: return "не оценивалась";
	}
}

int observed_procedures(struct db *d, int64_t campaign_id, struct obsd_procedure **out,
			size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	size_t cap = 0;
	int rc = db_prepare(d, &s,
			    "SELECT p.id, p.code, p.kind, p.subject, p.year, p.grade, p.max_score, count(*)"
			    " FROM observation o JOIN procedure p ON p.id = o.procedure_id"
			    " JOIN plan_procedure pp ON pp.procedure_id = p.id"
			    " WHERE ?1 = 0 OR pp.campaign_id = ?1"
			    " GROUP BY p.id, p.code, p.kind, p.subject, p.year, p.grade, p.max_score,"
			    " pp.window_from ORDER BY pp.window_from, p.code");
	if (rc)
		return rc;
	db_bind_int(s, 1, campaign_id);
	while ((rc = db_step(s)) == DB_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		struct obsd_procedure *p = &(*out)[(*n)++];
		memset(p, 0, sizeof *p);
		p->id = db_col_int(s, 0);
		snprintf(p->code, sizeof p->code, "%s", db_col_text(s, 1));
		snprintf(p->kind, sizeof p->kind, "%s", db_col_text(s, 2));
		snprintf(p->subject, sizeof p->subject, "%s", db_col_text(s, 3));
		p->year = (int)db_col_int(s, 4);
		p->grade = (int)db_col_int(s, 5);
		p->max_score = (int)db_col_int(s, 6);
		p->observed = (long)db_col_int(s, 7);
	}
	rc = rc < 0 ? rc : 0;
	db_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* A school's counted works of one procedure. */
struct agg {
	int64_t school_id;
	uint64_t works;
	double sum, sumsq;
};

/* A procedure's counted works (school_id > 0: that school only) into per-school sums of
 * shares, sorted by school; the counting rule of model/load.c, applied by the statement. The
 * works come in the results' key order (school, code), as from the range scan, and are added
 * in that order: the sums are the range scan's to the bit. Only the two columns the sums
 * need cross: decoding every row through the range scan cost the evidence card 0.2 s and
 * /observers/control most of its time (issue 21). */
static int scan(struct db *d, int64_t procedure_id, int max_score, int64_t school_id,
		struct agg **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (max_score <= 0)
		return 0;
	static const char *const sql[2] = {
		"SELECT school_id, primary_score FROM result WHERE procedure_id = ?1 AND absent = 0"
		" AND primary_score IS NOT NULL AND primary_score BETWEEN 0 AND ?2"
		" AND (problems & CAST(?3 AS INTEGER)) = 0 ORDER BY school_id, code",
		"SELECT school_id, primary_score FROM result WHERE procedure_id = ?1 AND school_id = ?4"
		" AND absent = 0 AND primary_score IS NOT NULL AND primary_score BETWEEN 0 AND ?2"
		" AND (problems & CAST(?3 AS INTEGER)) = 0 ORDER BY school_id, code",
	};
	struct db_stmt *s = NULL;
	size_t cap = 0;
	int rc = db_cached(d, &s, sql[school_id > 0]);
	if (rc)
		return rc;
	if ((rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, max_score)) ||
	    (rc = db_bind_int(s, 3, LOAD_EXCLUDED)) ||
	    (school_id > 0 && (rc = db_bind_int(s, 4, school_id))))
		goto out;
	struct agg *cur = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t sid = db_col_int(s, 0);
		if (!cur || cur->school_id != sid) {
			*out = xgrow(*out, &cap, *n + 1, sizeof **out);
			cur = &(*out)[(*n)++];
			*cur = (struct agg){ sid, 0, 0, 0 };
		}
		double x = (double)db_col_int(s, 1) / max_score;
		cur->works++;
		cur->sum += x;
		cur->sumsq += x * x;
	}
	rc = model_done(rc);
out:
	db_reset(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int kind_index(const char *kind)
{
	int i = 0;
	for (; registry_kinds[i]; i++)
		if (!strcmp(registry_kinds[i], kind))
			return i;
	return i;
}

int observed_sittings(struct db *d, const struct scope *sc, const struct obsd_procedure *p,
		      struct obsd_sitting **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct agg *a = NULL;
	size_t na = 0;
	struct db_stmt *s = NULL;
	int rc = scan(d, p->id, p->max_score, 0, &a, &na);
	if (rc || !na)
		goto out;
	struct run_info ri;
	int64_t run = run_latest(d, &ri) ? 0 : ri.id;
	if ((rc = db_prepare(d, &s,
			     "SELECT s.id, coalesce(m.region_id, 0), s.kind,"
			     " CASE WHEN k.school_id IS NULL THEN 0 WHEN k.listed = 1 THEN 3"
			     "  WHEN k.official_flags > 0 THEN 2 ELSE 1 END,"
			     " CASE WHEN o.school_id IS NULL THEN 0 ELSE 1 END,"
			     " CASE WHEN " SCOPE_SQL("s") " THEN 1 ELSE 0 END"
			     " FROM school s LEFT JOIN municipality m ON m.id = s.municipality_id"
			     " LEFT JOIN school_risk k ON k.run_id = ?4 AND k.school_id = s.id"
			     " LEFT JOIN observation o ON o.procedure_id = ?3 AND o.school_id = s.id"
			     " ORDER BY s.id")))
		goto out;
	scope_bind(s, sc);
	db_bind_int(s, 3, p->id);
	db_bind_int(s, 4, run);
	*out = xcalloc(na, sizeof **out);
	size_t i = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t id = db_col_int(s, 0);
		while (i < na && a[i].school_id < id)
			i++;
		if (i == na)
			break;
		if (a[i].school_id != id)
			continue;
		struct obsd_sitting *x = &(*out)[(*n)++];
		x->school_id = id;
		x->region_id = db_col_int(s, 1);
		snprintf(x->school_kind, sizeof x->school_kind, "%s", db_col_text(s, 2));
		x->kind_ix = kind_index(x->school_kind);
		x->risk = (enum obsd_risk)db_col_int(s, 3);
		x->observed = db_col_int(s, 4) == 1;
		x->in_scope = db_col_int(s, 5) == 1;
		x->works = a[i].works;
		x->sum = a[i].sum;
		x->sumsq = a[i].sumsq;
	}
	rc = rc < 0 ? rc : 0;
out:
	db_finalize(s);
	free(a);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

double observed_region_mean(const struct obsd_sitting *s, size_t n, int64_t region_id)
{
	double sum = 0;
	uint64_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].region_id == region_id) {
			sum += s[i].sum;
			k += s[i].works;
		}
	return k ? sum / (double)k : NAN;
}

static int place_cmp(const void *a, const void *b)
{
	const struct unit_place *x = a, *y = b;
	return (x->school > y->school) - (x->school < y->school);
}

/* The region of a school among the places of unit_places() (0 when unknown). */
static int64_t region_of(const struct unit_place *v, size_t n, int64_t school_id)
{
	struct unit_place key = { school_id, 0, 0 };
	const struct unit_place *f = n ? bsearch(&key, v, n, sizeof *v, place_cmp) : NULL;
	return f ? f->region : 0;
}

/* The region's sums of a procedure's counted works: the same for every school's card of the
 * region, and a scan of the whole procedure (about 50 ms of a card's 100 on the demo
 * region), so kept for the database's content version (db_content_version: any change of
 * the content moves it) — the same doubles, summed once. Shared by the server's threads. */
#define MEMO_SLOTS 64
static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint64_t version; /* 0: free */
	uint64_t db;      /* which database (db_url's hash): versions of two are unrelated */
	int64_t procedure_id, region;
	double sum;
	uint64_t works;
} memo[MEMO_SLOTS];

static uint64_t memo_db(struct db *d)
{
	char url[1024];
	db_url(d, url, sizeof url);
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (const char *p = url; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h;
}

static bool memo_get(struct db *d, uint64_t version, int64_t procedure_id, int64_t region,
		     double *sum, uint64_t *works)
{
	bool found = false;
	uint64_t db = version ? memo_db(d) : 0;
	pthread_mutex_lock(&memo_mu);
	for (int i = 0; i < MEMO_SLOTS && version && !found; i++)
		if (memo[i].version == version && memo[i].db == db && memo[i].procedure_id == procedure_id &&
		    memo[i].region == region) {
			*sum = memo[i].sum;
			*works = memo[i].works;
			found = true;
		}
	pthread_mutex_unlock(&memo_mu);
	return found;
}

static void memo_put(struct db *d, uint64_t version, int64_t procedure_id, int64_t region,
		     double sum, uint64_t works)
{
	if (!version)
		return;
	uint64_t db = memo_db(d);
	pthread_mutex_lock(&memo_mu);
	int slot = -1;
	for (int i = 0; i < MEMO_SLOTS && slot < 0; i++)
		if (memo[i].version != version) /* free, or of another version of the data */
			slot = i;
	if (slot < 0) /* all of this version: the slot the procedure's id names */
		slot = (int)((uint64_t)procedure_id % MEMO_SLOTS);
	memo[slot].version = version;
	memo[slot].db = db;
	memo[slot].procedure_id = procedure_id;
	memo[slot].region = region;
	memo[slot].sum = sum;
	memo[slot].works = works;
	pthread_mutex_unlock(&memo_mu);
}

int observed_school_years(struct db *d, int64_t school_id, struct obsd_year **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	struct unit_place *reg = NULL;
	size_t nreg = 0, cap = 0;
	int64_t *pid = NULL; /* procedure ids and maxima beside *out */
	int *pmax = NULL;
	int rc = db_prepare(d, &s,
			    "SELECT p.id, p.code, p.kind, p.subject, p.year, p.grade, p.max_score,"
			    " CASE WHEN EXISTS (SELECT 1 FROM observation o WHERE o.procedure_id = p.id"
			    "  AND o.school_id = ?1) THEN 1 ELSE 0 END, coalesce(ps.sit_date, '')"
			    " FROM procedure p LEFT JOIN plan_school ps ON ps.procedure_id = p.id"
			    "  AND ps.school_id = ?1"
			    " WHERE EXISTS (SELECT 1 FROM result r WHERE r.procedure_id = p.id"
			    "  AND r.school_id = ?1)"
			    " ORDER BY p.kind, p.subject, p.grade, p.year, p.code");
	if (rc)
		return rc;
	db_bind_int(s, 1, school_id);
	while ((rc = db_step(s)) == DB_ROW) {
		size_t old = cap;
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		if (cap != old) {
			pid = xrealloc(pid, cap * sizeof *pid);
			pmax = xrealloc(pmax, cap * sizeof *pmax);
		}
		struct obsd_year *y = &(*out)[*n];
		memset(y, 0, sizeof *y);
		pid[*n] = db_col_int(s, 0);
		snprintf(y->procedure, sizeof y->procedure, "%s", db_col_text(s, 1));
		snprintf(y->kind, sizeof y->kind, "%s", db_col_text(s, 2));
		snprintf(y->subject, sizeof y->subject, "%s", db_col_text(s, 3));
		y->year = (int)db_col_int(s, 4);
		y->grade = (int)db_col_int(s, 5);
		pmax[*n] = (int)db_col_int(s, 6);
		y->observed = db_col_int(s, 7) == 1;
		snprintf(y->date, sizeof y->date, "%s", db_col_text(s, 8));
		y->region_mean = NAN;
		(*n)++;
	}
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto out;
	rc = 0;
	/* The school's own works: a scan of its part of each procedure. */
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		struct agg *a = NULL;
		size_t na = 0;
		if ((rc = scan(d, pid[i], pmax[i], school_id, &a, &na)))
			goto out;
		if (na) {
			(*out)[i].works = a[0].works;
			(*out)[i].sum = a[0].sum;
			(*out)[i].sumsq = a[0].sumsq;
		}
		free(a);
		if (!(*out)[i].works)
			continue;
		(*out)[k] = (*out)[i];
		pid[k] = pid[i];
		pmax[k] = pmax[i];
		k++;
	}
	*n = k;
	/* The observers' acts of the school's sittings and the violations they marked: one
	 * read of the school's acts, each row to its procedure's year. */
	if ((rc = db_prepare(d, &s, "SELECT a.procedure_id, a.id, coalesce(vk.title, '') FROM act a"
				    " LEFT JOIN act_violation av ON av.act_id = a.id"
				    " LEFT JOIN violation_kind vk ON vk.id = av.kind_id"
				    " WHERE a.school_id = ? ORDER BY a.procedure_id, a.id, vk.id")))
		goto out;
	db_bind_int(s, 1, school_id);
	int64_t last = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		struct obsd_year *y = NULL;
		for (size_t i = 0; i < *n && !y; i++)
			if (pid[i] == db_col_int(s, 0))
				y = &(*out)[i];
		if (!y)
			continue; /* a procedure without the school's works */
		if (db_col_int(s, 1) != last) {
			last = db_col_int(s, 1);
			y->acts++;
		}
		const char *t = db_col_text(s, 2);
		size_t tl = strlen(t), len = strlen(y->violations);
		if (!tl || strstr(y->violations, t))
			continue; /* two acts may mark the same violation */
		if (len + tl + 3 >= sizeof y->violations)
			continue;
		snprintf(y->violations + len, sizeof y->violations - len, "%s%s", len ? "; " : "", t);
	}
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto out;
	rc = 0;
	/* Series: runs of equal kind, subject, grade (the order above). */
	for (size_t i = 0; i < *n; i++) {
		struct obsd_year *y = &(*out)[i], *p = i ? &(*out)[i - 1] : NULL;
		y->series = !p ? 0
			       : (strcmp(p->kind, y->kind) || strcmp(p->subject, y->subject) ||
				  p->grade != y->grade)
				       ? p->series + 1
				       : p->series;
	}
	/* The region's means, only where the series compares observed and unobserved years. */
	int64_t my_region = -1;
	for (size_t i = 0; i < *n; i++) {
		bool o = false, u = false;
		for (size_t j = 0; j < *n; j++)
			if ((*out)[j].series == (*out)[i].series) {
				o |= (*out)[j].observed;
				u |= !(*out)[j].observed;
			}
		if (!(o && u))
			continue;
		if (my_region < 0) {
			if ((rc = unit_places(d, &reg, &nreg)))
				goto out;
			my_region = region_of(reg, nreg, school_id);
		}
		double sum = 0;
		uint64_t works = 0;
		uint64_t version = db_content_version(d);
		if (!memo_get(d, version, pid[i], my_region, &sum, &works)) {
			struct agg *a = NULL;
			size_t na = 0;
			if ((rc = scan(d, pid[i], pmax[i], 0, &a, &na)))
				goto out;
			for (size_t j = 0; j < na; j++)
				if (region_of(reg, nreg, a[j].school_id) == my_region) {
					sum += a[j].sum;
					works += a[j].works;
				}
			free(a);
			memo_put(d, version, pid[i], my_region, sum, works);
		}
		(*out)[i].region_mean = works ? sum / (double)works : NAN;
	}
out:
	db_finalize(s);
	free(reg);
	free(pid);
	free(pmax);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
