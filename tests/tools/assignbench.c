/* assignbench: times the assignment engine on a generated region-sized campaign.
 *
 *   assignbench [SITTINGS [PERSONS [SEED]]]     (defaults 10000 3000 1)
 *
 * The campaign: 10 days with 2 or 3 start times each, 60 municipalities, 2,500 schools
 * (15 % on the risk list), each sitting at a random school; each person in a random
 * municipality (2 % without one), available on 3 to 6 random days, 1 or 2 sittings a
 * day, 40 % with one or two conflict schools in their own municipality, 25 % with a school
 * observed last time (one in five of them in another municipality), 0.5 % of the sittings
 * fixed by hand. Prints the sizes, the levels reached and the wall-clock seconds of
 * assign_solve (CLOCK_MONOTONIC). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assign/assign.h"
#include "base/mem.h"

enum { NDAYS = 10, NMUN = 60, NSCHOOLS = 2500 };

static uint64_t state;

static uint32_t rnd(uint32_t n)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) % n);
}

/* A random school of municipality m. */
static int school_in(const int *mun_first, const int *mun_school, int m)
{
	int k = mun_first[m + 1] - mun_first[m];
	return k > 0 ? mun_school[mun_first[m] + (int)rnd((uint32_t)k)] : (int)rnd(NSCHOOLS);
}

int main(int argc, char **argv)
{
	int ns = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 10000;
	int np = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3000;
	state = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	if (ns < 0 || np < 0) {
		fprintf(stderr, "usage: assignbench [SITTINGS [PERSONS [SEED]]]\n");
		return 2;
	}
	int school_mun[NSCHOOLS], mun_first[NMUN + 1] = {0}, mun_school[NSCHOOLS];
	char risky[NSCHOOLS];
	for (int i = 0; i < NSCHOOLS; i++) {
		school_mun[i] = (int)rnd(NMUN);
		risky[i] = rnd(100) < 15;
		mun_first[school_mun[i] + 1]++;
	}
	for (int m = 0; m < NMUN; m++)
		mun_first[m + 1] += mun_first[m];
	int fill[NMUN];
	memcpy(fill, mun_first, sizeof fill);
	for (int i = 0; i < NSCHOOLS; i++)
		mun_school[fill[school_mun[i]]++] = i;
	int nslots[NDAYS];
	for (int d = 0; d < NDAYS; d++)
		nslots[d] = 2 + (int)rnd(2);

	struct assign_person *people = xcalloc((size_t)np + 1, sizeof *people);
	int *days = xmalloc(((size_t)np + 1) * 6 * sizeof *days);
	struct assign_pair *conf = xmalloc(((size_t)np + 1) * 2 * sizeof *conf);
	struct assign_pair *prev = xmalloc(((size_t)np + 1) * sizeof *prev);
	int nconf = 0, nprev = 0;
	for (int i = 0; i < np; i++) {
		struct assign_person *pp = &people[i];
		pp->municipality = rnd(100) < 2 ? -1 : (int)rnd(NMUN);
		pp->max_per_day = 1 + (int)rnd(2);
		int k = 3 + (int)rnd(4);
		int *dd = days + (size_t)i * 6, n = 0;
		while (n < k) { /* k distinct days */
			int d = 20000 + (int)rnd(NDAYS), seen = 0;
			for (int j = 0; j < n; j++)
				seen |= dd[j] == d;
			if (!seen)
				dd[n++] = d;
		}
		pp->days = dd;
		pp->ndays = n;
		int home = pp->municipality >= 0 ? pp->municipality : (int)rnd(NMUN);
		if (rnd(100) < 40) {
			int c = 1 + (int)rnd(2);
			for (int j = 0; j < c; j++)
				conf[nconf++] = (struct assign_pair){i, school_in(mun_first, mun_school, home)};
		}
		if (rnd(100) < 25) {
			int m = rnd(5) == 0 ? (int)rnd(NMUN) : home;
			prev[nprev++] = (struct assign_pair){i, school_in(mun_first, mun_school, m)};
		}
	}
	struct assign_sitting *sit = xcalloc((size_t)ns + 1, sizeof *sit);
	for (int s = 0; s < ns; s++) {
		int d = (int)rnd(NDAYS), school = (int)rnd(NSCHOOLS);
		sit[s] = (struct assign_sitting){20000 + d, 540 + 90 * (int)rnd((uint32_t)nslots[d]),
						 school, school_mun[school], risky[school] != 0, -1};
		if (np > 0 && rnd(1000) < 5)
			sit[s].fixed = (int)rnd((uint32_t)np);
	}
	struct assign_problem p = {sit, ns, people, np, NSCHOOLS, conf, nconf, prev, nprev, 1};
	struct assign_result r;
	char msg[256];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = assign_solve(&p, &r, msg, sizeof msg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc) {
		fprintf(stderr, "assign_solve: %s\n", msg);
		return 1;
	}
	double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("sittings %d persons %d conflicts %d previous %d: priority %ld/%ld others %ld/%ld "
	       "repeats %ld same %ld load2 %lld seconds %.3f\n",
	       ns, np, nconf, nprev, r.priority_covered, r.priority, r.others_covered, r.others,
	       r.repeats, r.same_municipality, r.load_squares, sec);
	assign_result_free(&r);
	free(sit);
	free(people);
	free(days);
	free(conf);
	free(prev);
	return 0;
}
