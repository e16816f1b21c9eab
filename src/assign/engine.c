/* assign/engine: the optimal assignment of people to sittings as a min-cost flow solved
 * level by level. The network and why the answer is exact are in docs/observers.md
 * ("Assignment"); in short:
 *
 *   S ─(unit arcs, costs 2(f+k)-1)→ person ─(max_per_day - fixed)→ person-day
 *     ─(1)→ person-slot ─→ { own municipality's hub of the slot
 *                           | the slot's tree of hubs, entered at the nodes that cover
 *                             every other municipality
 *                           | direct arcs to the sittings of a municipality where the
 *                             person has a conflict or a previous school in that slot }
 *     hub ─→ sitting ─(1)→ T;   S ─→ T (unused supply).
 *
 * One solve per level; after it every arc with a non-zero reduced cost is fixed at the
 * bound complementary slackness puts it at, which leaves exactly the optima of that
 * level for the next one. The solver is our own primal-dual min-cost flow (below):
 * GLPK 5.0 ships glp_mincost_relax4 disabled ("temporarily disabled due to licensing
 * problems", it aborts the process) and its out-of-kilter glp_mincost_okalg was far too
 * slow when tried at this size. assign_evaluate() is written apart from the flow: it is
 * the checker of the answer and of the tests' brute force. */
#include "assign/assign.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

/* Far beyond a region's campaign; flows and capacities are int, costs and potentials
 * long long (the load costs reach 2 * sittings). */
#define ASSIGN_MAX_SITTINGS 10000000
#define ASSIGN_MAX_ARCS (INT_MAX / 4)
/* Level 6 draws a cost in [0, ASSIGN_DRAW) for each arc a person can choose. A small
 * range keeps the primal-dual rounds few (one per distinct path length); the draw among
 * equal answers needs no more, and extract() shuffles the split at every hub too. */
#define ASSIGN_DRAW 8

/* ---- checking an answer (independent of the flow) ---- */

struct pair_key {
	int a, b;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair_key *p = x, *q = y;
	if (p->a != q->a)
		return (p->a > q->a) - (p->a < q->a);
	return (p->b > q->b) - (p->b < q->b);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

/* Sorted copy of person/school pairs for bsearch. */
static struct pair_key *pairs_sorted(const struct assign_pair *v, int n)
{
	struct pair_key *k = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *k);
	for (int i = 0; i < n; i++)
		k[i] = (struct pair_key){v[i].person, v[i].school};
	qsort(k, (size_t)n, sizeof *k, cmp_pair);
	return k;
}

static bool pair_has(const struct pair_key *k, int n, int person, int school)
{
	struct pair_key q = {person, school};
	return n > 0 && bsearch(&q, k, (size_t)n, sizeof *k, cmp_pair) != NULL;
}

/* One assigned sitting seen by the checker: its person, day, start time, whether it was
 * fixed by hand. */
struct seen {
	int person, day, slot, fixed;
};

static int cmp_seen(const void *x, const void *y)
{
	const struct seen *p = x, *q = y;
	if (p->person != q->person)
		return (p->person > q->person) - (p->person < q->person);
	if (p->day != q->day)
		return (p->day > q->day) - (p->day < q->day);
	return (p->slot > q->slot) - (p->slot < q->slot);
}

static bool day_available(const struct assign_person *pp, int day)
{
	if (pp->ndays <= 0 || !pp->days)
		return true;
	for (int i = 0; i < pp->ndays; i++)
		if (pp->days[i] == day)
			return true;
	return false;
}

/* ---- consecutive sittings of a school with the same person ---- */

struct chrono {
	int school, day, slot, s;
};

static int cmp_chrono(const void *x, const void *y)
{
	const struct chrono *a = x, *b = y;
	if (a->school != b->school)
		return (a->school > b->school) - (a->school < b->school);
	if (a->day != b->day)
		return (a->day > b->day) - (a->day < b->day);
	if (a->slot != b->slot)
		return (a->slot > b->slot) - (a->slot < b->slot);
	return (a->s > b->s) - (a->s < b->s);
}

/* The sittings in school, day, slot order (malloc'ed). */
static struct chrono *chrono_order(const struct assign_problem *p)
{
	struct chrono *c = xmalloc((size_t)(p->nsittings > 0 ? p->nsittings : 1) * sizeof *c);
	for (int s = 0; s < p->nsittings; s++)
		c[s] = (struct chrono){p->sittings[s].school, p->sittings[s].day, p->sittings[s].slot, s};
	qsort(c, (size_t)p->nsittings, sizeof *c, cmp_chrono);
	return c;
}

static long inside_repeats(const struct assign_problem *p, const int *person)
{
	struct chrono *c = chrono_order(p);
	long n = 0;
	for (int i = 1; i < p->nsittings; i++)
		if (c[i].school == c[i - 1].school && person[c[i].s] >= 0 &&
		    person[c[i].s] == person[c[i - 1].s])
			n++;
	free(c);
	return n;
}

bool assign_evaluate(const struct assign_problem *p, const int *person, struct assign_result *r)
{
	r->priority = r->priority_covered = r->others = r->others_covered = 0;
	r->repeats = r->same_municipality = 0;
	r->load_squares = 0;
	r->repeats_inside = 0;
	if (p->nsittings < 0 || p->npeople < 0 || (p->nsittings > 0 && (!person || !p->sittings)))
		return false;
	bool ok = true;
	struct pair_key *conf = pairs_sorted(p->conflicts, p->nconflicts);
	struct pair_key *prev = pairs_sorted(p->previous, p->nprevious);
	long *load = xcalloc((size_t)(p->npeople > 0 ? p->npeople : 1), sizeof *load);
	struct seen *seen = xmalloc((size_t)(p->nsittings > 0 ? p->nsittings : 1) * sizeof *seen);
	int nseen = 0;
	for (int s = 0; s < p->nsittings; s++) {
		const struct assign_sitting *st = &p->sittings[s];
		int who = person[s];
		if (st->priority)
			r->priority++;
		else
			r->others++;
		if (who < -1 || who >= p->npeople) {
			ok = false;
			continue;
		}
		if (st->fixed >= 0 && who != st->fixed)
			ok = false; /* a coordinator's choice is kept */
		if (who < 0)
			continue;
		if (st->priority)
			r->priority_covered++;
		else
			r->others_covered++;
		const struct assign_person *pp = &p->people[who];
		if (pair_has(prev, p->nprevious, who, st->school))
			r->repeats++;
		if (st->municipality >= 0 && st->municipality == pp->municipality)
			r->same_municipality++;
		load[who]++;
		bool fixed = st->fixed >= 0;
		if (!fixed && (pair_has(conf, p->nconflicts, who, st->school) ||
			       !day_available(pp, st->day)))
			ok = false;
		seen[nseen++] = (struct seen){who, st->day, st->slot, fixed};
	}
	for (int i = 0; i < p->npeople; i++)
		r->load_squares += (long long)load[i] * load[i];
	r->repeats_inside = inside_repeats(p, person);
	/* One sitting a slot, max_per_day a day; the rules bind only where a sitting of the
	 * group was chosen by the solver (fixed ones were checked when they were made). */
	qsort(seen, (size_t)nseen, sizeof *seen, cmp_seen);
	for (int i = 0; i < nseen;) {
		int j = i, free_day = 0;
		while (j < nseen && seen[j].person == seen[i].person && seen[j].day == seen[i].day) {
			int k = j, free_slot = 0;
			while (k < nseen && seen[k].person == seen[j].person &&
			       seen[k].day == seen[j].day && seen[k].slot == seen[j].slot) {
				free_slot += !seen[k].fixed;
				k++;
			}
			if (k - j > 1 && free_slot > 0)
				ok = false;
			free_day += free_slot;
			j = k;
		}
		if (free_day > 0 && j - i > p->people[seen[i].person].max_per_day)
			ok = false;
		i = j;
	}
	free(conf);
	free(prev);
	free(load);
	free(seen);
	return ok;
}

/* ---- the network ---- */

enum arc_kind {
	A_LOAD,    /* S -> person, one unit, level 5 cost in aux */
	A_DAY,     /* person -> person-day, or person -> person-slot */
	A_SLOT,    /* person-day -> person-slot */
	A_SAME,    /* person-slot -> own municipality's hub */
	A_FOREIGN, /* person-slot -> a tree node of other municipalities */
	A_DIRECT,  /* person-slot -> sitting */
	A_TREE,    /* tree node -> child, O node -> tree node */
	A_HUB,     /* hub -> sitting */
	A_SINK,    /* sitting -> T */
	A_BYPASS,  /* S -> T */
};

enum { F_PRIORITY = 1, F_REPEAT = 2, F_SAMEMUN = 4 };

enum node_kind { N_PLAIN, N_PDS, N_OHUB, N_TREE };

struct net {
	int nn, na;
	size_t ncap, acap;
	unsigned char *nkind;
	int *nperson; /* person of a person-slot node */
	int *tail, *head, *cap, *aux;
	unsigned char *kind, *flag;
	bool overflow;
};

static int node_new(struct net *g, enum node_kind k, int person)
{
	if ((size_t)g->nn == g->ncap) {
		size_t c = g->ncap;
		g->nkind = xgrow(g->nkind, &c, (size_t)g->nn + 1, sizeof *g->nkind);
		c = g->ncap;
		g->nperson = xgrow(g->nperson, &c, (size_t)g->nn + 1, sizeof *g->nperson);
		g->ncap = c;
	}
	g->nkind[g->nn] = (unsigned char)k;
	g->nperson[g->nn] = person;
	return g->nn++;
}

static void arc_new(struct net *g, int tail, int head, int cap, enum arc_kind k, int flag, int aux)
{
	if (g->na >= ASSIGN_MAX_ARCS) {
		g->overflow = true;
		return;
	}
	if ((size_t)g->na == g->acap) {
		size_t need = (size_t)g->na + 1, c;
		c = g->acap, g->tail = xgrow(g->tail, &c, need, sizeof *g->tail);
		c = g->acap, g->head = xgrow(g->head, &c, need, sizeof *g->head);
		c = g->acap, g->cap = xgrow(g->cap, &c, need, sizeof *g->cap);
		c = g->acap, g->aux = xgrow(g->aux, &c, need, sizeof *g->aux);
		c = g->acap, g->kind = xgrow(g->kind, &c, need, sizeof *g->kind);
		c = g->acap, g->flag = xgrow(g->flag, &c, need, sizeof *g->flag);
		g->acap = c;
	}
	int a = g->na++;
	g->tail[a] = tail;
	g->head[a] = head;
	g->cap[a] = cap;
	g->aux[a] = aux;
	g->kind[a] = (unsigned char)k;
	g->flag[a] = (unsigned char)flag;
}

static void net_free(struct net *g)
{
	free(g->nkind);
	free(g->nperson);
	free(g->tail);
	free(g->head);
	free(g->cap);
	free(g->aux);
	free(g->kind);
	free(g->flag);
}

/* A node of a slot's tree over its cells (municipalities with sittings in that slot):
 * cells lo..hi; a leaf is the cell's hub. */
struct tnode {
	int node, lo, hi, left, right;
};

struct build {
	const struct assign_problem *p;
	struct net g;
	int S, T, U;
	/* slots: (day, start) sorted; days sorted */
	int nslots, ndays;
	int *slot_day, *slot_start; /* per slot: day index, start */
	int *day_value, *day_first, *day_nslots;
	int *sit_slot;              /* per sitting */
	/* groups: municipalities of sittings, then one group for "unknown" */
	int ngroups, *group_mun;    /* group_mun[g] for g < ngroups - 1 */
	int *sit_group;
	/* cells: (slot, group) with free sittings; sittings in cell order */
	int ncells, *cell_group, *cell_first, *cell_n, *cell_hub, *cell_foreign;
	int *slot_cell, *slot_ncells, *slot_root;
	int *order;                 /* free sittings by cell */
	int *sit_node, *sit_cell;   /* per sitting (-1: fixed) */
	struct tnode *tn;
	int ntn;
	size_t tncap;
	/* per person: conflicts and previous schools (sorted), fixed sittings */
	int *conf_first, *conf;
	int *prev_first, *prev;
	int *fixed_load;
	struct pair_key *fixed_slot; /* (person, slot) of fixed sittings, sorted */
	int nfixed;
	/* per school: its free sittings */
	int *school_first, *school_sit;
};

static bool list_has(const int *v, int from, int to, int x)
{
	return to > from && bsearch(&x, v + from, (size_t)(to - from), sizeof *v, cmp_int) != NULL;
}

static int tree_build(struct build *b, int first_cell, int lo, int hi)
{
	if ((size_t)b->ntn == b->tncap)
		b->tn = xgrow(b->tn, &b->tncap, (size_t)b->ntn + 1, sizeof *b->tn);
	int t = b->ntn++;
	b->tn[t] = (struct tnode){-1, lo, hi, -1, -1};
	if (lo == hi) {
		b->tn[t].node = b->cell_hub[first_cell + lo];
		return t;
	}
	int node = node_new(&b->g, N_TREE, -1);
	int mid = lo + (hi - lo) / 2;
	int l = tree_build(b, first_cell, lo, mid);
	int r = tree_build(b, first_cell, mid + 1, hi);
	b->tn[t].node = node;
	b->tn[t].left = l;
	b->tn[t].right = r;
	arc_new(&b->g, node, b->tn[l].node, b->U, A_TREE, 0, 0);
	arc_new(&b->g, node, b->tn[r].node, b->U, A_TREE, 0, 0);
	return t;
}

/* The tree nodes that together cover every cell of the slot except the sorted excluded
 * positions ex[0..nex-1]; appended to out. */
static void tree_cover(const struct build *b, int t, const int *ex, int nex, int **out, int *nout,
		       size_t *outcap)
{
	const struct tnode *n = &b->tn[t];
	int i = 0;
	while (i < nex && ex[i] < n->lo)
		i++;
	if (i == nex || ex[i] > n->hi) {
		*out = xgrow(*out, outcap, (size_t)*nout + 1, sizeof **out);
		(*out)[(*nout)++] = n->node;
		return;
	}
	if (n->left < 0)
		return;
	tree_cover(b, n->left, ex, nex, out, nout, outcap);
	tree_cover(b, n->right, ex, nex, out, nout, outcap);
}

/* Free sittings ordered by (slot, group, index): the cells. */
struct okey {
	int slot, group, s;
};

static int cmp_okey(const void *x, const void *y)
{
	const struct okey *p = x, *q = y;
	if (p->slot != q->slot)
		return (p->slot > q->slot) - (p->slot < q->slot);
	if (p->group != q->group)
		return (p->group > q->group) - (p->group < q->group);
	return (p->s > q->s) - (p->s < q->s);
}

static void build_free(struct build *b)
{
	net_free(&b->g);
	free(b->slot_day);
	free(b->slot_start);
	free(b->day_value);
	free(b->day_first);
	free(b->day_nslots);
	free(b->sit_slot);
	free(b->group_mun);
	free(b->sit_group);
	free(b->cell_group);
	free(b->cell_first);
	free(b->cell_n);
	free(b->cell_hub);
	free(b->cell_foreign);
	free(b->slot_cell);
	free(b->slot_ncells);
	free(b->slot_root);
	free(b->order);
	free(b->sit_node);
	free(b->sit_cell);
	free(b->tn);
	free(b->conf_first);
	free(b->conf);
	free(b->prev_first);
	free(b->prev);
	free(b->fixed_load);
	free(b->fixed_slot);
	free(b->school_first);
	free(b->school_sit);
}

static int validate(const struct assign_problem *p, char *msg, size_t n)
{
	if (p->nsittings < 0 || p->npeople < 0 || p->nschools < 0 || p->nconflicts < 0 ||
	    p->nprevious < 0 || (p->nsittings > 0 && !p->sittings) ||
	    (p->npeople > 0 && !p->people) || (p->nconflicts > 0 && !p->conflicts) ||
	    (p->nprevious > 0 && !p->previous)) {
		snprintf(msg, n, "Задача назначения неполна: нет списка проведений, людей или пар.");
		return ERR_INVALID;
	}
	if (p->nsittings > ASSIGN_MAX_SITTINGS) {
		snprintf(msg, n, "Задача назначения слишком велика: %d проведений (не больше %d).",
			 p->nsittings, ASSIGN_MAX_SITTINGS);
		return ERR_LIMIT;
	}
	for (int s = 0; s < p->nsittings; s++) {
		const struct assign_sitting *st = &p->sittings[s];
		if (st->school < 0 || st->school >= p->nschools) {
			snprintf(msg, n, "Проведение №%d: школа №%d не из списка школ (их %d).", s + 1,
				 st->school + 1, p->nschools);
			return ERR_INVALID;
		}
		if (st->fixed < -1 || st->fixed >= p->npeople) {
			snprintf(msg, n, "Проведение №%d: назначенный вручную человек №%d не из списка "
				 "(в нём %d).", s + 1, st->fixed + 1, p->npeople);
			return ERR_INVALID;
		}
		if (st->municipality < -1) {
			snprintf(msg, n, "Проведение №%d: неверный номер муниципалитета.", s + 1);
			return ERR_INVALID;
		}
	}
	for (int i = 0; i < p->npeople; i++) {
		const struct assign_person *pp = &p->people[i];
		if (pp->max_per_day < 1) {
			snprintf(msg, n, "Человек №%d: в день можно не меньше одного проведения, указано %d.",
				 i + 1, pp->max_per_day);
			return ERR_INVALID;
		}
		if (pp->ndays < 0 || (pp->ndays > 0 && !pp->days) || pp->municipality < -1) {
			snprintf(msg, n, "Человек №%d: неверный список дней или муниципалитет.", i + 1);
			return ERR_INVALID;
		}
	}
	for (int k = 0; k < 2; k++) {
		const struct assign_pair *v = k ? p->previous : p->conflicts;
		int nv = k ? p->nprevious : p->nconflicts;
		for (int i = 0; i < nv; i++)
			if (v[i].person < 0 || v[i].person >= p->npeople || v[i].school < 0 ||
			    v[i].school >= p->nschools) {
				snprintf(msg, n, "%s №%d: человек №%d или школа №%d не из списка.",
					 k ? "Прежнее наблюдение" : "Конфликт интересов", i + 1,
					 v[i].person + 1, v[i].school + 1);
				return ERR_INVALID;
			}
	}
	return 0;
}

/* Per-person sorted school lists (conflicts or previous) as CSR. */
static void person_lists(int npeople, const struct assign_pair *v, int nv, int **first, int **list)
{
	int *f = xcalloc((size_t)npeople + 1, sizeof *f);
	int *l = xmalloc((size_t)(nv > 0 ? nv : 1) * sizeof *l);
	for (int i = 0; i < nv; i++)
		f[v[i].person + 1]++;
	for (int i = 0; i < npeople; i++)
		f[i + 1] += f[i];
	int *pos = xmalloc((size_t)(npeople > 0 ? npeople : 1) * sizeof *pos);
	memcpy(pos, f, (size_t)npeople * sizeof *pos);
	for (int i = 0; i < nv; i++)
		l[pos[v[i].person]++] = v[i].school;
	for (int i = 0; i < npeople; i++)
		qsort(l + f[i], (size_t)(f[i + 1] - f[i]), sizeof *l, cmp_int);
	free(pos);
	*first = f;
	*list = l;
}

/* Fixed sittings of person in slots lo..hi-1. */
static int fixed_count(const struct build *b, int person, int lo, int hi)
{
	int a = 0, z = b->nfixed;
	while (a < z) { /* first entry >= (person, lo) */
		int m = a + (z - a) / 2;
		const struct pair_key *k = &b->fixed_slot[m];
		if (k->a < person || (k->a == person && k->b < lo))
			a = m + 1;
		else
			z = m;
	}
	int c = 0;
	while (a + c < b->nfixed && b->fixed_slot[a + c].a == person && b->fixed_slot[a + c].b < hi)
		c++;
	return c;
}

/* Scratch vectors of one person-slot. */
struct scratch {
	int *head, *kind, *flag, *aux;
	size_t cap;
	int n;
	int *sp, *ex, *cov;
	size_t spcap, excap, covcap;
	int nsp, nex, ncov;
};

static void target(struct scratch *x, int head, int kind, int flag, int aux)
{
	if ((size_t)x->n == x->cap) {
		size_t need = (size_t)x->n + 1, c;
		c = x->cap, x->head = xgrow(x->head, &c, need, sizeof *x->head);
		c = x->cap, x->kind = xgrow(x->kind, &c, need, sizeof *x->kind);
		c = x->cap, x->flag = xgrow(x->flag, &c, need, sizeof *x->flag);
		c = x->cap, x->aux = xgrow(x->aux, &c, need, sizeof *x->aux);
		x->cap = c;
	}
	x->head[x->n] = head;
	x->kind[x->n] = kind;
	x->flag[x->n] = flag;
	x->aux[x->n] = aux;
	x->n++;
}

static void push(int **v, size_t *cap, int *n, int x)
{
	*v = xgrow(*v, cap, (size_t)*n + 1, sizeof **v);
	(*v)[(*n)++] = x;
}

static int sort_unique(int *v, int n)
{
	if (n <= 1)
		return n;
	qsort(v, (size_t)n, sizeof *v, cmp_int);
	int m = 0;
	for (int i = 0; i < n; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

/* The person-slot node of person in slot s with its arcs, or -1 when it reaches no
 * sitting. */
static int person_slot(struct build *b, struct scratch *x, int person, int own, int s)
{
	const struct assign_problem *p = b->p;
	int c0 = b->slot_cell[s], nc = b->slot_ncells[s];
	x->n = x->nsp = x->nex = x->ncov = 0;
	/* cells where the person has a conflict or a previous school sitting in this slot */
	for (int k = 0; k < 2; k++) {
		const int *first = k ? b->prev_first : b->conf_first, *list = k ? b->prev : b->conf;
		for (int i = first[person]; i < first[person + 1]; i++) {
			int sch = list[i];
			for (int j = b->school_first[sch]; j < b->school_first[sch + 1]; j++) {
				int t = b->school_sit[j];
				if (b->sit_slot[t] == s)
					push(&x->sp, &x->spcap, &x->nsp, b->sit_cell[t] - c0);
			}
		}
	}
	x->nsp = sort_unique(x->sp, x->nsp);
	int ownpos = -1;
	if (own >= 0) {
		int lo = 0, hi = nc;
		while (lo < hi) {
			int m = lo + (hi - lo) / 2;
			if (b->cell_group[c0 + m] < own)
				lo = m + 1;
			else
				hi = m;
		}
		if (lo < nc && b->cell_group[c0 + lo] == own)
			ownpos = lo;
	}
	bool own_special = false;
	for (int i = 0; i < x->nsp; i++) {
		int c = c0 + x->sp[i];
		own_special |= x->sp[i] == ownpos;
		for (int j = b->cell_first[c]; j < b->cell_first[c] + b->cell_n[c]; j++) {
			int t = b->order[j], sch = p->sittings[t].school;
			if (list_has(b->conf, b->conf_first[person], b->conf_first[person + 1], sch))
				continue;
			int flag = 0;
			if (list_has(b->prev, b->prev_first[person], b->prev_first[person + 1], sch))
				flag |= F_REPEAT;
			if (x->sp[i] == ownpos)
				flag |= F_SAMEMUN;
			target(x, b->sit_node[t], A_DIRECT, flag, t);
		}
	}
	if (ownpos >= 0 && !own_special)
		target(x, b->cell_hub[c0 + ownpos], A_SAME, 0, 0);
	if (x->nsp == 0 || (x->nsp == 1 && own_special)) {
		/* every other municipality: the whole slot, or the slot but the own cell */
		if (ownpos < 0) {
			target(x, b->tn[b->slot_root[s]].node, A_FOREIGN, 0, 0);
		} else {
			int c = c0 + ownpos;
			if (b->cell_foreign[c] == -1) {
				tree_cover(b, b->slot_root[s], &ownpos, 1, &x->cov, &x->ncov, &x->covcap);
				if (x->ncov == 0) {
					b->cell_foreign[c] = -2;
				} else if (x->ncov == 1) {
					b->cell_foreign[c] = x->cov[0];
				} else {
					int o = node_new(&b->g, N_OHUB, -1);
					for (int i = 0; i < x->ncov; i++)
						arc_new(&b->g, o, x->cov[i], b->U, A_TREE, 0, 0);
					b->cell_foreign[c] = o;
				}
			}
			if (b->cell_foreign[c] >= 0)
				target(x, b->cell_foreign[c], A_FOREIGN, 0, 0);
		}
	} else {
		for (int i = 0; i < x->nsp; i++)
			push(&x->ex, &x->excap, &x->nex, x->sp[i]);
		if (ownpos >= 0)
			push(&x->ex, &x->excap, &x->nex, ownpos);
		x->nex = sort_unique(x->ex, x->nex);
		tree_cover(b, b->slot_root[s], x->ex, x->nex, &x->cov, &x->ncov, &x->covcap);
		for (int i = 0; i < x->ncov; i++)
			target(x, x->cov[i], A_FOREIGN, 0, 0);
	}
	if (x->n == 0)
		return -1;
	int node = node_new(&b->g, N_PDS, person);
	for (int i = 0; i < x->n; i++)
		arc_new(&b->g, node, x->head[i], 1, x->kind[i], x->flag[i], x->aux[i]);
	return node;
}

static void scratch_free(struct scratch *x)
{
	free(x->head);
	free(x->kind);
	free(x->flag);
	free(x->aux);
	free(x->sp);
	free(x->ex);
	free(x->cov);
}

struct dslot {
	int day, start, s;
};

static int cmp_dslot(const void *x, const void *y)
{
	const struct dslot *p = x, *q = y;
	if (p->day != q->day)
		return (p->day > q->day) - (p->day < q->day);
	if (p->start != q->start)
		return (p->start > q->start) - (p->start < q->start);
	return (p->s > q->s) - (p->s < q->s);
}

/* Everything but the people: slots, days, municipalities, cells, hubs, trees, sittings. */
static void build_frame(struct build *b)
{
	const struct assign_problem *p = b->p;
	int ns = p->nsittings;
	size_t nz = (size_t)(ns > 0 ? ns : 1);
	struct dslot *ds = xmalloc(nz * sizeof *ds);
	for (int s = 0; s < ns; s++)
		ds[s] = (struct dslot){p->sittings[s].day, p->sittings[s].slot, s};
	qsort(ds, (size_t)ns, sizeof *ds, cmp_dslot);
	b->sit_slot = xmalloc(nz * sizeof *b->sit_slot);
	b->slot_day = xmalloc(nz * sizeof *b->slot_day);
	b->slot_start = xmalloc(nz * sizeof *b->slot_start);
	b->day_value = xmalloc(nz * sizeof *b->day_value);
	b->day_first = xmalloc(nz * sizeof *b->day_first);
	b->day_nslots = xcalloc(nz, sizeof *b->day_nslots);
	for (int i = 0; i < ns; i++) {
		bool new_day = i == 0 || ds[i].day != ds[i - 1].day;
		if (new_day) {
			b->day_value[b->ndays] = ds[i].day;
			b->day_first[b->ndays] = b->nslots;
			b->ndays++;
		}
		if (new_day || ds[i].start != ds[i - 1].start) {
			b->slot_day[b->nslots] = b->ndays - 1;
			b->slot_start[b->nslots] = ds[i].start;
			b->day_nslots[b->ndays - 1]++;
			b->nslots++;
		}
		b->sit_slot[ds[i].s] = b->nslots - 1;
	}
	free(ds);

	/* groups: the sittings' municipalities, sorted, then "unknown" */
	b->group_mun = xmalloc(nz * sizeof *b->group_mun);
	int nm = 0;
	for (int s = 0; s < ns; s++)
		if (p->sittings[s].municipality >= 0)
			b->group_mun[nm++] = p->sittings[s].municipality;
	nm = sort_unique(b->group_mun, nm);
	b->ngroups = nm + 1;
	b->sit_group = xmalloc(nz * sizeof *b->sit_group);
	for (int s = 0; s < ns; s++) {
		int m = p->sittings[s].municipality;
		const int *f = m >= 0 ? bsearch(&m, b->group_mun, (size_t)nm, sizeof(int), cmp_int) : NULL;
		b->sit_group[s] = f ? (int)(f - b->group_mun) : nm;
	}

	/* cells of the free sittings */
	struct okey *ok = xmalloc(nz * sizeof *ok);
	int nfree = 0;
	for (int s = 0; s < ns; s++)
		if (p->sittings[s].fixed < 0)
			ok[nfree++] = (struct okey){b->sit_slot[s], b->sit_group[s], s};
	qsort(ok, (size_t)nfree, sizeof *ok, cmp_okey);
	b->U = nfree;
	b->order = xmalloc(nz * sizeof *b->order);
	b->sit_cell = xmalloc(nz * sizeof *b->sit_cell);
	b->sit_node = xmalloc(nz * sizeof *b->sit_node);
	b->cell_group = xmalloc(nz * sizeof *b->cell_group);
	b->cell_first = xmalloc(nz * sizeof *b->cell_first);
	b->cell_n = xcalloc(nz, sizeof *b->cell_n);
	b->cell_hub = xmalloc(nz * sizeof *b->cell_hub);
	b->cell_foreign = xmalloc(nz * sizeof *b->cell_foreign);
	b->slot_cell = xcalloc(nz, sizeof *b->slot_cell);
	b->slot_ncells = xcalloc(nz, sizeof *b->slot_ncells);
	b->slot_root = xmalloc(nz * sizeof *b->slot_root);
	for (int s = 0; s < ns; s++)
		b->sit_cell[s] = b->sit_node[s] = -1;
	for (int i = 0; i < nfree; i++) {
		if (i == 0 || ok[i].slot != ok[i - 1].slot || ok[i].group != ok[i - 1].group) {
			int c = b->ncells++;
			b->cell_group[c] = ok[i].group;
			b->cell_first[c] = i;
			b->cell_foreign[c] = -1;
			if (b->slot_ncells[ok[i].slot]++ == 0)
				b->slot_cell[ok[i].slot] = c;
		}
		b->order[i] = ok[i].s;
		b->cell_n[b->ncells - 1]++;
		b->sit_cell[ok[i].s] = b->ncells - 1;
	}
	free(ok);

	struct net *g = &b->g;
	b->S = node_new(g, N_PLAIN, -1);
	b->T = node_new(g, N_PLAIN, -1);
	for (int i = 0; i < nfree; i++) {
		int s = b->order[i];
		b->sit_node[s] = node_new(g, N_PLAIN, -1);
		arc_new(g, b->sit_node[s], b->T, 1, A_SINK, p->sittings[s].priority ? F_PRIORITY : 0, s);
	}
	for (int c = 0; c < b->ncells; c++) {
		b->cell_hub[c] = node_new(g, N_TREE, -1);
		for (int j = b->cell_first[c]; j < b->cell_first[c] + b->cell_n[c]; j++)
			arc_new(g, b->cell_hub[c], b->sit_node[b->order[j]], 1, A_HUB, 0, b->order[j]);
	}
	for (int s = 0; s < b->nslots; s++)
		b->slot_root[s] = b->slot_ncells[s] > 0 ?
			tree_build(b, b->slot_cell[s], 0, b->slot_ncells[s] - 1) : -1;
	if (nfree > 0)
		arc_new(g, b->S, b->T, nfree, A_BYPASS, 0, 0);

	/* people's lists, fixed sittings, schools' free sittings */
	person_lists(p->npeople, p->conflicts, p->nconflicts, &b->conf_first, &b->conf);
	person_lists(p->npeople, p->previous, p->nprevious, &b->prev_first, &b->prev);
	b->fixed_load = xcalloc((size_t)(p->npeople > 0 ? p->npeople : 1), sizeof *b->fixed_load);
	b->fixed_slot = xmalloc(nz * sizeof *b->fixed_slot);
	for (int s = 0; s < ns; s++)
		if (p->sittings[s].fixed >= 0) {
			b->fixed_load[p->sittings[s].fixed]++;
			b->fixed_slot[b->nfixed++] = (struct pair_key){p->sittings[s].fixed, b->sit_slot[s]};
		}
	qsort(b->fixed_slot, (size_t)b->nfixed, sizeof *b->fixed_slot, cmp_pair);
	b->school_first = xcalloc((size_t)p->nschools + 1, sizeof *b->school_first);
	b->school_sit = xmalloc(nz * sizeof *b->school_sit);
	for (int i = 0; i < nfree; i++)
		b->school_first[p->sittings[b->order[i]].school + 1]++;
	for (int i = 0; i < p->nschools; i++)
		b->school_first[i + 1] += b->school_first[i];
	int *pos = xmalloc((size_t)(p->nschools > 0 ? p->nschools : 1) * sizeof *pos);
	memcpy(pos, b->school_first, (size_t)p->nschools * sizeof *pos);
	for (int i = 0; i < nfree; i++) {
		int s = b->order[i];
		b->school_sit[pos[p->sittings[s].school]++] = s;
	}
	free(pos);
}

/* The people's side: load arcs, days, slots and what each person-slot reaches. */
static void build_people(struct build *b)
{
	const struct assign_problem *p = b->p;
	struct net *g = &b->g;
	struct scratch x = {0};
	int *days = NULL, *pds = NULL;
	size_t dcap = 0, pcap = 0;
	for (int i = 0; i < p->npeople && !g->overflow; i++) {
		const struct assign_person *pp = &p->people[i];
		int own = -1;
		if (pp->municipality >= 0) {
			const int *f = bsearch(&pp->municipality, b->group_mun, (size_t)(b->ngroups - 1),
					       sizeof(int), cmp_int);
			own = f ? (int)(f - b->group_mun) : -1;
		}
		int nd = 0;
		if (pp->ndays <= 0 || !pp->days) {
			for (int d = 0; d < b->ndays; d++)
				push(&days, &dcap, &nd, d);
		} else {
			for (int k = 0; k < pp->ndays; k++) {
				const int *f = bsearch(&pp->days[k], b->day_value, (size_t)b->ndays,
						       sizeof(int), cmp_int);
				if (f)
					push(&days, &dcap, &nd, (int)(f - b->day_value));
			}
			nd = sort_unique(days, nd);
		}
		int P = node_new(g, N_PLAIN, -1);
		long load = 0;
		for (int k = 0; k < nd; k++) {
			int d = days[k], s0 = b->day_first[d], s1 = s0 + b->day_nslots[d];
			int capd = pp->max_per_day - fixed_count(b, i, s0, s1);
			if (capd <= 0)
				continue;
			int np = 0;
			for (int s = s0; s < s1; s++) {
				if (b->slot_ncells[s] == 0 || fixed_count(b, i, s, s + 1) > 0)
					continue;
				int node = person_slot(b, &x, i, own, s);
				if (node >= 0)
					push(&pds, &pcap, &np, node);
			}
			if (np == 0)
				continue;
			if (capd >= np) {
				for (int j = 0; j < np; j++)
					arc_new(g, P, pds[j], 1, A_DAY, 0, 0);
				load += np;
			} else {
				int D = node_new(g, N_PLAIN, -1);
				arc_new(g, P, D, capd, A_DAY, 0, 0);
				for (int j = 0; j < np; j++)
					arc_new(g, D, pds[j], 1, A_SLOT, 0, 0);
				load += capd;
			}
		}
		/* the k-th sitting of a person with f fixed ones costs (f+k)^2 - (f+k-1)^2 */
		if (load > b->U)
			load = b->U;
		for (long k = 1; k <= load; k++)
			arc_new(g, b->S, P, 1, A_LOAD, 0, (int)(2 * (b->fixed_load[i] + k) - 1));
	}
	free(days);
	free(pds);
	scratch_free(&x);
}

/* splitmix64: the seed's draw for level 6. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The cost of arc a at level lev (1..6); rnd is the arc's draw. */
static int level_cost(const struct net *g, int a, int lev, int rnd)
{
	int k = g->kind[a], f = g->flag[a];
	switch (lev) {
	case 1:
		return k == A_SINK && (f & F_PRIORITY) ? -1 : 0;
	case 2:
		return k == A_SINK && !(f & F_PRIORITY) ? -1 : 0;
	case 3:
		return k == A_DIRECT && (f & F_REPEAT) ? 1 : 0;
	case 4:
		return k == A_SAME || (k == A_DIRECT && (f & F_SAMEMUN)) ? -1 : 0;
	case 5:
		return k == A_LOAD ? g->aux[a] : 0;
	default:
		return k == A_SAME || k == A_FOREIGN || k == A_DIRECT || k == A_HUB ? rnd : 0;
	}
}

/* ---- min-cost flow: primal-dual (shortest paths, then a blocking flow) ----
 *
 * Each level starts from the flow at the lower bounds (after the fixing of the levels
 * before, some arcs have low = cap). The network is acyclic, so potentials pi with
 * reduced costs c + pi(tail) - pi(head) >= 0 on every residual arc are found by label
 * correcting. Then, until no node has excess: Dijkstra on reduced costs from the nodes
 * with excess, stopped at the first node with a deficit (distance d*); pi(v) +=
 * min(d(v), d*), which keeps every reduced cost >= 0 and makes the shortest paths arcs
 * of reduced cost 0; a maximal flow on those arcs (Dinic's layered blocking flows) from
 * excess to deficit. The number of rounds is the number of distinct path lengths, small
 * because every level's costs are small integers. At the end the flow is feasible and
 * pi satisfies complementary slackness with it: pi is an optimal dual, exactly what the
 * level fixing needs. Residual arc 2a is arc a forward (capacity cap - x, cost c), 2a + 1
 * backward (x - low, -c). */
struct mcf {
	int n, m;
	int *first, *radj;     /* residual arcs by their tail (CSR) */
	const int *tail, *head;
	int *low, *cap, *x;    /* per arc */
	long long *cost;       /* per arc, this level's */
	long long *supply;     /* per node */
	long long *excess, *pi, *dist;
	int *cur, *queue, *level, *stack;
	unsigned char *mark;
	struct hitem { long long d; int v; } *heap;
	size_t heapcap;
};

static inline int rhead(const struct mcf *f, int ra)
{
	return ra & 1 ? f->tail[ra >> 1] : f->head[ra >> 1];
}

static inline int rcap(const struct mcf *f, int ra)
{
	int a = ra >> 1;
	return ra & 1 ? f->x[a] - f->low[a] : f->cap[a] - f->x[a];
}

static inline long long rcost(const struct mcf *f, int ra)
{
	return ra & 1 ? -f->cost[ra >> 1] : f->cost[ra >> 1];
}

static void mcf_init(struct mcf *f, const struct net *g)
{
	int n = g->nn, m = g->na;
	f->n = n;
	f->m = m;
	f->tail = g->tail;
	f->head = g->head;
	f->first = xcalloc((size_t)n + 1, sizeof *f->first);
	f->radj = xmalloc((size_t)(2 * m > 0 ? 2 * m : 1) * sizeof *f->radj);
	for (int a = 0; a < m; a++) {
		f->first[g->tail[a] + 1]++;
		f->first[g->head[a] + 1]++;
	}
	for (int v = 0; v < n; v++)
		f->first[v + 1] += f->first[v];
	int *pos = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *pos);
	memcpy(pos, f->first, (size_t)n * sizeof *pos);
	for (int a = 0; a < m; a++) {
		f->radj[pos[g->tail[a]]++] = 2 * a;
		f->radj[pos[g->head[a]]++] = 2 * a + 1;
	}
	free(pos);
	size_t mz = (size_t)(m > 0 ? m : 1), nz = (size_t)(n > 0 ? n : 1);
	f->low = xcalloc(mz, sizeof *f->low);
	f->cap = xmalloc(mz * sizeof *f->cap);
	memcpy(f->cap, g->cap, (size_t)m * sizeof *f->cap);
	f->x = xcalloc(mz, sizeof *f->x);
	f->cost = xcalloc(mz, sizeof *f->cost);
	f->supply = xcalloc(nz, sizeof *f->supply);
	f->excess = xmalloc(nz * sizeof *f->excess);
	f->pi = xmalloc(nz * sizeof *f->pi);
	f->dist = xmalloc(nz * sizeof *f->dist);
	f->cur = xmalloc(nz * sizeof *f->cur);
	f->queue = xmalloc(nz * sizeof *f->queue);
	f->level = xmalloc(nz * sizeof *f->level);
	f->stack = xmalloc(nz * sizeof *f->stack);
	f->mark = xmalloc(nz);
	f->heapcap = nz;
	f->heap = xmalloc(f->heapcap * sizeof *f->heap);
}

static void mcf_free(struct mcf *f)
{
	free(f->first);
	free(f->radj);
	free(f->low);
	free(f->cap);
	free(f->x);
	free(f->cost);
	free(f->supply);
	free(f->excess);
	free(f->pi);
	free(f->dist);
	free(f->cur);
	free(f->queue);
	free(f->level);
	free(f->stack);
	free(f->mark);
	free(f->heap);
}

static void heap_push(struct mcf *f, size_t *n, long long d, int v)
{
	f->heap = xgrow(f->heap, &f->heapcap, *n + 1, sizeof *f->heap);
	size_t i = (*n)++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (f->heap[up].d <= d)
			break;
		f->heap[i] = f->heap[up];
		i = up;
	}
	f->heap[i] = (struct hitem){d, v};
}

static struct hitem heap_pop(struct mcf *f, size_t *n)
{
	struct hitem top = f->heap[0], last = f->heap[--*n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && f->heap[c + 1].d < f->heap[c].d)
			c++;
		if (f->heap[c].d >= last.d)
			break;
		f->heap[i] = f->heap[c];
		i = c;
	}
	if (*n > 0)
		f->heap[i] = last;
	return top;
}

static inline long long rreduced(const struct mcf *f, int v, int ra)
{
	return rcost(f, ra) + f->pi[v] - f->pi[rhead(f, ra)];
}

/* Dinic on the arcs of reduced cost 0 from excess to deficit; false when no deficit is
 * reachable any more. */
static bool mcf_blocking(struct mcf *f)
{
	int n = f->n, qn = 0;
	bool reached = false;
	for (int v = 0; v < n; v++) {
		f->level[v] = -1;
		if (f->excess[v] > 0) {
			f->level[v] = 0;
			f->queue[qn++] = v;
		}
	}
	for (int qh = 0; qh < qn; qh++) {
		int v = f->queue[qh];
		if (f->excess[v] < 0)
			reached = true;
		for (int i = f->first[v]; i < f->first[v + 1]; i++) {
			int ra = f->radj[i], w = rhead(f, ra);
			if (f->level[w] < 0 && rcap(f, ra) > 0 && rreduced(f, v, ra) == 0) {
				f->level[w] = f->level[v] + 1;
				f->queue[qn++] = w;
			}
		}
	}
	if (!reached)
		return false;
	int nsrc = 0;
	while (nsrc < qn && f->level[f->queue[nsrc]] == 0)
		nsrc++;
	for (int v = 0; v < n; v++)
		f->cur[v] = f->first[v];
	for (int si = 0; si < nsrc; si++) {
		int s = f->queue[si];
		if (f->level[s] != 0)
			continue;
		while (f->excess[s] > 0) {
			/* a path by DFS with current arcs; stack holds residual arcs */
			int depth = 0, v = s;
			while (v >= 0 && !(f->excess[v] < 0 && v != s)) {
				int end = f->first[v + 1];
				for (; f->cur[v] < end; f->cur[v]++) {
					int ra = f->radj[f->cur[v]], w = rhead(f, ra);
					if (f->level[w] == f->level[v] + 1 && rcap(f, ra) > 0 &&
					    rreduced(f, v, ra) == 0)
						break;
				}
				if (f->cur[v] < end) {
					int ra = f->radj[f->cur[v]];
					f->stack[depth++] = ra;
					v = rhead(f, ra);
				} else {
					f->level[v] = -1; /* dead end */
					if (depth == 0) {
						v = -1;
						break;
					}
					int ra = f->stack[--depth];
					v = ra & 1 ? f->head[ra >> 1] : f->tail[ra >> 1];
					f->cur[v]++;
				}
			}
			if (v < 0)
				break;
			long long d = f->excess[s] < -f->excess[v] ? f->excess[s] : -f->excess[v];
			for (int k = 0; k < depth; k++) {
				int c = rcap(f, f->stack[k]);
				if (c < d)
					d = c;
			}
			for (int k = 0; k < depth; k++) {
				int ra = f->stack[k];
				if (ra & 1)
					f->x[ra >> 1] -= (int)d;
				else
					f->x[ra >> 1] += (int)d;
			}
			f->excess[s] -= d;
			f->excess[v] += d;
		}
	}
	return true;
}

/* Optimal flow for this level's costs with optimal potentials pi. false: infeasible, or
 * no convergence (a bug). */
static bool mcf_solve(struct mcf *f)
{
	int n = f->n;
	for (int a = 0; a < f->m; a++)
		f->x[a] = f->low[a];
	for (int v = 0; v < n; v++)
		f->excess[v] = f->supply[v];
	for (int a = 0; a < f->m; a++) {
		f->excess[f->tail[a]] -= f->low[a];
		f->excess[f->head[a]] += f->low[a];
	}
	/* potentials of the acyclic residual network at the lower bounds */
	int qh = 0, qn = 0;
	for (int v = 0; v < n; v++) {
		f->pi[v] = 0;
		f->queue[qn++] = v;
		f->mark[v] = 1;
	}
	long long work = 0, limit = 64LL * ((long long)f->m + n) + 1000000;
	while (qn > 0) {
		int v = f->queue[qh];
		qh = qh + 1 == n ? 0 : qh + 1;
		qn--;
		f->mark[v] = 0;
		for (int i = f->first[v]; i < f->first[v + 1]; i++) {
			int ra = f->radj[i];
			if (rcap(f, ra) <= 0)
				continue;
			int w = rhead(f, ra);
			long long d = f->pi[v] + rcost(f, ra);
			if (d < f->pi[w]) {
				f->pi[w] = d;
				if (!f->mark[w]) {
					int t = qh + qn;
					f->queue[t >= n ? t - n : t] = w;
					qn++;
					f->mark[w] = 1;
				}
			}
		}
		if (++work > limit)
			return false;
	}
	for (;;) {
		size_t hn = 0;
		bool any = false;
		for (int v = 0; v < n; v++) {
			f->dist[v] = LLONG_MAX;
			f->mark[v] = 0;
			if (f->excess[v] > 0) {
				f->dist[v] = 0;
				heap_push(f, &hn, 0, v);
				any = true;
			}
		}
		if (!any)
			return true;
		long long dstar = LLONG_MAX;
		while (hn > 0) {
			struct hitem it = heap_pop(f, &hn);
			int v = it.v;
			if (f->mark[v] || it.d > f->dist[v])
				continue;
			if (f->excess[v] < 0) {
				dstar = it.d;
				break;
			}
			f->mark[v] = 1;
			for (int i = f->first[v]; i < f->first[v + 1]; i++) {
				int ra = f->radj[i];
				if (rcap(f, ra) <= 0)
					continue;
				int w = rhead(f, ra);
				long long d = it.d + rreduced(f, v, ra);
				if (d < f->dist[w]) {
					f->dist[w] = d;
					heap_push(f, &hn, d, w);
				}
			}
		}
		if (dstar == LLONG_MAX)
			return false;
		for (int v = 0; v < n; v++)
			f->pi[v] += f->mark[v] ? f->dist[v] : dstar;
		while (mcf_blocking(f))
			;
	}
}

/* Who takes each free sitting: direct arcs name the person; flow through the hubs is
 * followed down the slot's tree (every node a person-slot enters reaches only sittings
 * that person may take, so any way of splitting the flow is an answer of the same cost). */
static void extract(const struct build *b, const int *flow, int *person)
{
	/* which unit at a hub goes down which arc is free (all splits cost the same), so it
	 * is drawn from the seed too: otherwise the people sharing a hub would always be
	 * paired with its sittings in one order */
	uint64_t draw = b->p->seed ^ 0x6a09e667f3bcc909ULL;
	const struct net *g = &b->g;
	int nn = g->nn, na = g->na;
	int *in = xcalloc((size_t)nn + 1, sizeof *in);
	int *outf = xcalloc((size_t)nn + 1, sizeof *outf);
	for (int a = 0; a < na; a++) {
		int x = flow[a];
		if (x <= 0)
			continue;
		if (g->kind[a] == A_DIRECT)
			person[g->aux[a]] = g->nperson[g->tail[a]];
		if (g->kind[a] == A_SAME || g->kind[a] == A_FOREIGN || g->kind[a] == A_TREE)
			in[g->head[a] + 1] += x;
		if (g->kind[a] == A_TREE || g->kind[a] == A_HUB)
			outf[g->tail[a] + 1]++;
	}
	for (int v = 0; v < nn; v++) {
		in[v + 1] += in[v];
		outf[v + 1] += outf[v];
	}
	int *list = xmalloc((size_t)(in[nn] > 0 ? in[nn] : 1) * sizeof *list);
	int *fill = xmalloc((size_t)nn * sizeof *fill);
	memcpy(fill, in, (size_t)nn * sizeof *fill);
	int *out = xmalloc((size_t)(outf[nn] > 0 ? outf[nn] : 1) * sizeof *out);
	int *ofill = xmalloc((size_t)nn * sizeof *ofill);
	memcpy(ofill, outf, (size_t)nn * sizeof *ofill);
	for (int a = 0; a < na; a++) {
		int x = flow[a];
		if (x <= 0)
			continue;
		if (g->kind[a] == A_SAME || g->kind[a] == A_FOREIGN)
			list[fill[g->head[a]]++] = g->nperson[g->tail[a]];
		if (g->kind[a] == A_TREE || g->kind[a] == A_HUB)
			out[ofill[g->tail[a]]++] = a;
	}
	/* O hubs first (they feed tree nodes), then tree nodes parent before child */
	for (int pass = 0; pass < 2; pass++) {
		int count = pass == 0 ? nn : b->ntn;
		for (int i = 0; i < count; i++) {
			int v = pass == 0 ? i : b->tn[i].node;
			if (pass == 0 && g->nkind[v] != N_OHUB)
				continue;
			int taken = in[v];
			for (int j = fill[v] - 1; j > in[v]; j--) {
				int k = in[v] + (int)(splitmix64(&draw) % (uint64_t)(j - in[v] + 1));
				int t = list[j];
				list[j] = list[k];
				list[k] = t;
			}
			for (int j = outf[v]; j < outf[v + 1]; j++) {
				int a = out[j];
				for (int u = 0; u < flow[a] && taken < fill[v]; u++) {
					int who = list[taken++];
					if (g->kind[a] == A_HUB)
						person[g->aux[a]] = who;
					else
						list[fill[g->head[a]]++] = who;
				}
			}
		}
	}
	free(in);
	free(outf);
	free(list);
	free(fill);
	free(out);
	free(ofill);
}

/* Fewer consecutive sittings of a school with the same person, keeping levels 1-5: two
 * persons of two sittings in the same time slot trade places when neither may not go to
 * the other's school, no previous school is added, no own-municipality place is lost, and
 * the school's consecutive repeats go down. Coverage, each person's days, slots and load
 * stay as they are, so every level above keeps its value; the search is local (a swap at a
 * time, in an order drawn from the seed), not a proven minimum. */
static void untangle(const struct assign_problem *p, int *person, uint64_t seed)
{
	int ns = p->nsittings;
	if (ns < 2)
		return;
	struct pair_key *conf = pairs_sorted(p->conflicts, p->nconflicts);
	struct pair_key *prev = pairs_sorted(p->previous, p->nprevious);
	struct chrono *c = chrono_order(p);
	int *pos = xmalloc((size_t)ns * sizeof *pos);   /* sitting -> index in c */
	int *slot = xmalloc((size_t)ns * sizeof *slot); /* sittings in day, slot order */
	int *order = xmalloc((size_t)ns * sizeof *order);
	for (int i = 0; i < ns; i++)
		pos[c[i].s] = i;
	struct chrono *t = xmalloc((size_t)ns * sizeof *t);
	for (int s = 0; s < ns; s++)
		t[s] = (struct chrono){0, p->sittings[s].day, p->sittings[s].slot, s};
	qsort(t, (size_t)ns, sizeof *t, cmp_chrono);
	int *slot_at = xmalloc((size_t)ns * sizeof *slot_at); /* sitting -> its index in slot[] */
	for (int i = 0; i < ns; i++) {
		slot[i] = t[i].s;
		slot_at[t[i].s] = i;
	}
	uint64_t draw = seed ^ 0x5eedc0ffee15ULL;
	for (int i = 0; i < ns; i++)
		order[i] = i;
	for (int i = ns - 1; i > 0; i--) {
		int k = (int)(splitmix64(&draw) % (uint64_t)(i + 1)), x = order[i];
		order[i] = order[k];
		order[k] = x;
	}
#define PERSON_AT(i) ((i) >= 0 && (i) < ns ? person[c[i].s] : -2)
#define SAME_SCHOOL(i, j) ((j) >= 0 && (j) < ns && c[i].school == c[j].school)
	/* The repeats a sitting at chronological index i takes part in, if it had person w. */
	for (int pass = 0; pass < 8; pass++) {
		bool changed = false;
		for (int oi = 0; oi < ns; oi++) {
			int x = order[oi], o = person[x], ix = pos[x];
			if (o < 0 || p->sittings[x].fixed >= 0)
				continue;
			bool rep_x = (SAME_SCHOOL(ix, ix - 1) && PERSON_AT(ix - 1) == o) ||
				     (SAME_SCHOOL(ix, ix + 1) && PERSON_AT(ix + 1) == o);
			if (!rep_x)
				continue;
			const struct assign_sitting *sx = &p->sittings[x];
			/* the sittings of x's slot */
			int lo = slot_at[x], hi = slot_at[x];
			while (lo > 0 && p->sittings[slot[lo - 1]].day == sx->day &&
			       p->sittings[slot[lo - 1]].slot == sx->slot)
				lo--;
			while (hi + 1 < ns && p->sittings[slot[hi + 1]].day == sx->day &&
			       p->sittings[slot[hi + 1]].slot == sx->slot)
				hi++;
			for (int j = lo; j <= hi; j++) {
				int y = slot[j], q = person[y], iy = pos[y];
				const struct assign_sitting *sy = &p->sittings[y];
				if (y == x || q < 0 || q == o || sy->fixed >= 0 || sy->school == sx->school)
					continue;
				if (pair_has(conf, p->nconflicts, o, sy->school) ||
				    pair_has(conf, p->nconflicts, q, sx->school))
					continue;
				int prev_before = pair_has(prev, p->nprevious, o, sx->school) +
						  pair_has(prev, p->nprevious, q, sy->school);
				int prev_after = pair_has(prev, p->nprevious, o, sy->school) +
						 pair_has(prev, p->nprevious, q, sx->school);
				if (prev_after > prev_before)
					continue;
				const struct assign_person *po = &p->people[o], *pq = &p->people[q];
				int same_before = (sx->municipality >= 0 && sx->municipality == po->municipality) +
						  (sy->municipality >= 0 && sy->municipality == pq->municipality);
				int same_after = (sy->municipality >= 0 && sy->municipality == po->municipality) +
						 (sx->municipality >= 0 && sx->municipality == pq->municipality);
				if (same_after < same_before)
					continue;
				/* consecutive repeats around x and y, before and after the trade */
				int before = 0, after = 0;
				for (int d = -1; d <= 1; d += 2) {
					before += SAME_SCHOOL(ix, ix + d) && PERSON_AT(ix + d) == o;
					before += SAME_SCHOOL(iy, iy + d) && PERSON_AT(iy + d) == q;
				}
				person[x] = q;
				person[y] = o;
				for (int d = -1; d <= 1; d += 2) {
					after += SAME_SCHOOL(ix, ix + d) && PERSON_AT(ix + d) == q;
					after += SAME_SCHOOL(iy, iy + d) && PERSON_AT(iy + d) == o;
				}
				if (after < before) {
					changed = true;
					break;
				}
				person[x] = o;
				person[y] = q;
			}
		}
		if (!changed)
			break;
	}
#undef PERSON_AT
#undef SAME_SCHOOL
	free(conf);
	free(prev);
	free(c);
	free(pos);
	free(slot);
	free(slot_at);
	free(order);
	free(t);
}

int assign_solve(const struct assign_problem *p, struct assign_result *r, char *msg, size_t n)
{
	memset(r, 0, sizeof *r);
	if (n > 0)
		msg[0] = '\0';
	int rc = validate(p, msg, n);
	if (rc)
		return rc;
	struct build b = {.p = p};
	struct mcf f = {0};
	int *rnd = NULL;
	build_frame(&b);
	build_people(&b);
	struct net *g = &b.g;
	if (g->overflow) {
		snprintf(msg, n, "Задача назначения слишком велика для решателя: больше %d дуг.",
			 ASSIGN_MAX_ARCS);
		rc = ERR_LIMIT;
		goto out;
	}
	r->person = xmalloc((size_t)(p->nsittings > 0 ? p->nsittings : 1) * sizeof *r->person);
	for (int s = 0; s < p->nsittings; s++)
		r->person[s] = p->sittings[s].fixed;
	if (b.U > 0) {
		mcf_init(&f, g);
		f.supply[b.S] = b.U;
		f.supply[b.T] = -b.U;
		rnd = xmalloc((size_t)g->na * sizeof *rnd);
		uint64_t state = p->seed;
		for (int a = 0; a < g->na; a++)
			rnd[a] = (int)(splitmix64(&state) % ASSIGN_DRAW);
		for (int lev = 1; lev <= 6; lev++) {
			bool any = false;
			for (int a = 0; a < g->na; a++) {
				f.cost[a] = level_cost(g, a, lev, rnd[a]);
				any |= f.cost[a] != 0;
			}
			if (!any && lev < 6)
				continue;
			if (!mcf_solve(&f)) {
				snprintf(msg, n, "Решатель не нашёл назначения (уровень %d).", lev);
				rc = ERR_INVALID;
				goto out;
			}
			if (lev == 6)
				break;
			/* keep exactly this level's optima: complementary slackness with an optimal
			 * dual; an arc with a non-zero reduced cost sits at its bound in every one */
			for (int a = 0; a < g->na; a++) {
				long long d = f.cost[a] + f.pi[g->tail[a]] - f.pi[g->head[a]];
				if ((d > 0 && f.x[a] != f.low[a]) || (d < 0 && f.x[a] != f.cap[a])) {
					snprintf(msg, n, "Решатель вернул несогласованное решение (уровень %d).",
						 lev);
					rc = ERR_INVALID;
					goto out;
				}
				if (d > 0)
					f.cap[a] = f.low[a];
				else if (d < 0)
					f.low[a] = f.cap[a];
			}
		}
		extract(&b, f.x, r->person);
		untangle(p, r->person, p->seed);
	}
	if (!assign_evaluate(p, r->person, r)) {
		snprintf(msg, n, "Решатель вернул назначение, нарушающее правила (внутренняя ошибка).");
		rc = ERR_INVALID;
		goto out;
	}
out:
	if (rc) {
		free(r->person);
		r->person = NULL;
	}
	free(rnd);
	mcf_free(&f);
	build_free(&b);
	return rc;
}

void assign_result_free(struct assign_result *r)
{
	if (!r)
		return;
	free(r->person);
	r->person = NULL;
}
