/* Unit tests of the synthetic region generator: determinism, the region's statistics
 * against the parameters and the calibration targets (docs/generator.md), the planted
 * manipulation visible where it was planted and nowhere else, and the consistency of
 * the rows (positions sum to the total, classes of at most 30, codes, cohorts). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/hmap.h"
#include "gen/gen.h"
#include "model/result.h"

#define MAXSCH 400
#define MAXPROC 40
#define MAXROWS 700

/* Per (school, procedure) block statistics. */
struct bstat {
	long n, absent;
	double total, total2, theta, theta2;
	long hard_pts, hard_max, cons_pts, cons_max;
	long journal, jn, confirmed;
	long near_pairs, pairs;
	uint64_t hash;
	unsigned planted;
	long nplanted[GEN_NKINDS]; /* works changed by each kind */
	long class_max; /* largest class in the block */
	long zero_cols; /* (class of >= 5 works, position) where every work has no points */
};

struct coll {
	struct procedure procs[MAXPROC];
	int nprocs;
	long nschools;
	struct bstat b[MAXSCH][MAXPROC];
	bool manip[MAXSCH];
	double effect[MAXSCH];
	char kind[MAXSCH][16];
	/* the block being received */
	long cur_school;
	int cur_proc;
	int nrows;
	uint8_t rows[MAXROWS][PROC_MAX_POSITIONS];
	int cls[MAXROWS];
	bool absent[MAXROWS];
	/* truth */
	long truth_n;
	bool truth_dup;
	unsigned truth_kinds;
	struct hmap truth_keys;
	bool truth_for_clean; /* a truth row names a school without a plan */
	/* violations of the row contract */
	long bad_total, bad_max, bad_absent, bad_code, bad_class;
	long hist[MAXPROC][64];
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static void block_end(struct coll *c)
{
	if (c->cur_school < 0 || c->nrows == 0)
		return;
	struct bstat *b = &c->b[c->cur_school][c->cur_proc];
	const struct procedure *x = &c->procs[c->cur_proc];
	long per_class[16] = { 0 };
	for (int i = 0; i < c->nrows; i++) {
		per_class[c->cls[i]]++;
		if (c->absent[i])
			continue;
		for (int k = i + 1; k < c->nrows; k++) {
			if (c->absent[k] || c->cls[k] != c->cls[i])
				continue;
			int diff = 0;
			for (int j = 0; j < x->npos; j++)
				diff += c->rows[i][j] != c->rows[k][j];
			b->pairs++;
			if (diff <= x->npos / 10 + 1)
				b->near_pairs++;
		}
	}
	for (int k = 0; k < 16; k++)
		if (per_class[k] > b->class_max)
			b->class_max = per_class[k];
	for (int k = 0; k < 16; k++)
		for (int j = 0; j < x->npos; j++) {
			int n = 0, pts = 0;
			for (int i = 0; i < c->nrows; i++)
				if (!c->absent[i] && c->cls[i] == k) {
					n++;
					pts += c->rows[i][j] != SCORE_X && c->rows[i][j] > 0;
				}
			b->zero_cols += n >= 5 && pts == 0;
		}
	c->nrows = 0;
}

static int c_begin(void *ctx, const struct gen_params *p, const struct procedure *procs, int n)
{
	struct coll *c = ctx;
	assert_true(n <= MAXPROC);
	assert_true(p->schools <= MAXSCH);
	memcpy(c->procs, procs, (size_t)n * sizeof *procs);
	c->nprocs = n;
	c->nschools = p->schools;
	c->cur_school = -1;
	return 0;
}

static int c_school(void *ctx, const struct gen_school *s)
{
	struct coll *c = ctx;
	c->manip[s->index] = s->manipulated;
	c->effect[s->index] = s->effect;
	snprintf(c->kind[s->index], sizeof c->kind[0], "%s", s->kind);
	return 0;
}

static int c_result(void *ctx, const struct gen_result *r)
{
	struct coll *c = ctx;
	const struct procedure *x = r->proc;
	if (r->school->index != c->cur_school || r->proc_index != c->cur_proc) {
		block_end(c);
		c->cur_school = r->school->index;
		c->cur_proc = r->proc_index;
	}
	struct bstat *b = &c->b[r->school->index][r->proc_index];
	assert_true(c->nrows < MAXROWS);
	memcpy(c->rows[c->nrows], r->scores, (size_t)x->npos);
	c->cls[c->nrows] = r->class_index;
	c->absent[c->nrows] = r->absent;
	c->nrows++;
	b->n++;
	b->hash = fnv(b->hash ? b->hash : 14695981039346656037ull, r->code, strlen(r->code));
	b->hash = fnv(b->hash, r->class_name, strlen(r->class_name));
	int fixed[4] = { r->variant, r->journal, r->absent, r->gender[1] };
	b->hash = fnv(b->hash, fixed, sizeof fixed);
	b->planted |= r->planted;
	for (int k = 0; k < GEN_NKINDS; k++)
		b->nplanted[k] += (r->planted >> k) & 1u;
	/* the code: 5 digits, the first the grade */
	if (strlen(r->code) != 5 || r->code[0] != '0' + x->grade ||
	    strspn(r->code, "0123456789") != 5)
		c->bad_code++;
	if (r->class_index < 0 || r->class_index >= 16)
		c->bad_class++;
	if (r->absent) {
		b->absent++;
		if (r->variant || r->journal || r->total)
			c->bad_absent++;
		return 0;
	}
	b->hash = fnv(b->hash, r->scores, (size_t)x->npos);
	int t = 0;
	for (int j = 0; j < x->npos; j++) {
		int v = r->scores[j] == SCORE_X ? 0 : r->scores[j];
		if (r->scores[j] != SCORE_X && r->scores[j] > x->pos[j].max)
			c->bad_max++;
		t += v;
		if (strcmp(x->pos[j].level, "Б")) {
			b->hard_pts += v;
			b->hard_max += x->pos[j].max;
		}
		if (x->pos[j].max >= 2) {
			b->cons_pts += v;
			b->cons_max += x->pos[j].max;
		}
	}
	if (t != r->total)
		c->bad_total++;
	b->total += t;
	b->total2 += (double)t * t;
	b->theta += r->theta;
	b->theta2 += r->theta * r->theta;
	if (t < 64)
		c->hist[r->proc_index][t]++;
	if (r->journal) {
		b->journal += r->journal;
		b->jn++;
		b->confirmed += procedure_mark(x, t) == r->journal;
	}
	return 0;
}

static int c_truth(void *ctx, const struct gen_truth *t)
{
	struct coll *c = ctx;
	char key[128];
	int n = snprintf(key, sizeof key, "%s|%s|%d", t->school, t->procedure, (int)t->kind);
	if (!hmap_put(&c->truth_keys, key, (size_t)n, t->works))
		c->truth_dup = true;
	c->truth_n++;
	c->truth_kinds |= 1u << t->kind;
	long idx = strtol(t->school + 5, NULL, 10) - 1; /* sch99NNNN */
	if (idx < 0 || idx >= MAXSCH || !c->manip[idx])
		c->truth_for_clean = true;
	if (!(t->strength > 0 && t->strength <= 1))
		c->truth_for_clean = true;
	return 0;
}

static int c_end(void *ctx)
{
	block_end(ctx);
	return 0;
}

static struct coll *run(const struct gen_params *p)
{
	struct coll *c = calloc(1, sizeof *c);
	assert_non_null(c);
	hmap_init(&c->truth_keys);
	struct gen_sink sink = { .ctx = c, .begin = c_begin, .school = c_school, .result = c_result,
				 .truth = c_truth, .end = c_end };
	assert_int_equal(gen_run(p, &sink, NULL, NULL), 0);
	return c;
}

static void coll_free(struct coll *c)
{
	hmap_free(&c->truth_keys);
	free(c);
}

static int proc_find(const struct coll *c, const char *code)
{
	for (int i = 0; i < c->nprocs; i++)
		if (!strcmp(c->procs[i].code, code))
			return i;
	return -1;
}

static void params_small(struct gen_params *p)
{
	gen_params_default(p);
	p->schools = 300;
	p->municipalities = 10;
	p->seed = 7;
}

/* The clean region of params_small(), generated once and shared by the tests that
 * compare a planted run with it. */
static struct coll *clean_small;

static const struct coll *clean(void)
{
	if (!clean_small) {
		struct gen_params p;
		params_small(&p);
		p.manipulated = 0;
		clean_small = run(&p);
	}
	return clean_small;
}

/* ---- tests ---- */

static int read_all(const char *path, char **out, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	*out = malloc((size_t)len + 1);
	*n = fread(*out, 1, (size_t)len, f);
	fclose(f);
	return 0;
}

static bool same_file(const char *a, const char *b)
{
	char *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	bool same = !read_all(a, &x, &nx) && !read_all(b, &y, &ny) && nx == ny && nx > 0 &&
		    !memcmp(x, y, nx);
	free(x);
	free(y);
	return same;
}

static void test_deterministic_files(void **state)
{
	char d1[64] = "/tmp/oko-test-gen-XXXXXX", d2[64] = "/tmp/oko-test-gen-XXXXXX";
	char d3[64] = "/tmp/oko-test-gen-XXXXXX";
	assert_non_null(mkdtemp(d1));
	assert_non_null(mkdtemp(d2));
	assert_non_null(mkdtemp(d3));
	struct gen_params p;
	gen_params_default(&p);
	p.schools = 40;
	p.municipalities = 4;
	p.seed = 11;
	p.manipulated = 0.3;
	char msg[256];
	struct gen_counts n1, n2;
	assert_int_equal(gen_write_dir(&p, d1, &n1, NULL, NULL, msg, sizeof msg), 0);
	assert_int_equal(gen_write_dir(&p, d2, &n2, NULL, NULL, msg, sizeof msg), 0);
	p.seed = 12;
	assert_int_equal(gen_write_dir(&p, d3, NULL, NULL, NULL, msg, sizeof msg), 0);
	assert_int_equal(n1.results, n2.results);
	assert_true(n1.results > 1000);
	assert_true(n1.truth > 0);
	const char *files[] = { "schools.csv", "procedures.csv", "results.csv", "truth.csv",
				"README" };
	for (int i = 0; i < 5; i++) {
		char a[128], b[128];
		snprintf(a, sizeof a, "%s/%s", d1, files[i]);
		snprintf(b, sizeof b, "%s/%s", d2, files[i]);
		assert_true(same_file(a, b));
	}
	char a[128], b[128];
	snprintf(a, sizeof a, "%s/results.csv", d1);
	snprintf(b, sizeof b, "%s/results.csv", d3);
	assert_false(same_file(a, b)); /* another seed, another region */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", d1, d2, d3);
	assert_int_equal(system(cmd), 0);
}

/* Clean region: the rows keep the contract; RU-4 has the calibrated mean and SD (real
 * 2021: 24.67, 7.66); the absences, the ICC of ability and the share of confirmed journal
 * marks are near their parameters; lyceums and gymnasiums are stronger. */
static void test_region_statistics(void **state)
{
	struct gen_params p;
	params_small(&p);
	p.manipulated = 0;
	p.year_from = 2021;
	p.year_to = 2021;
	p.grade_from = 4;
	p.grade_to = 5;
	p.schools = 400;
	struct coll *c = run(&p);
	assert_int_equal(c->bad_total + c->bad_max + c->bad_absent + c->bad_code + c->bad_class, 0);
	assert_int_equal(c->truth_n, 0);
	int ru4 = proc_find(c, "VPR-2021-RU-4");
	assert_true(ru4 >= 0);
	long n = 0, absent = 0, all = 0, conf = 0, jn = 0;
	double s = 0, s2 = 0;
	for (long i = 0; i < c->nschools; i++) {
		for (int k = 0; k < c->nprocs; k++) {
			const struct bstat *b = &c->b[i][k];
			absent += b->absent;
			all += b->n;
			conf += b->confirmed;
			jn += b->jn;
			assert_true(b->class_max <= 30);
		}
		const struct bstat *b = &c->b[i][ru4];
		n += b->n - b->absent;
		s += b->total;
		s2 += b->total2;
	}
	double mean = s / n, sd = sqrt((s2 - s * s / n) / (n - 1));
	print_message("# RU-4 clean: n %ld mean %.2f sd %.2f; absent %.4f; confirmed %.3f\n", n,
		      mean, sd, (double)absent / all, (double)conf / jn);
	assert_true(fabs(mean - 24.67) < 1.0);
	assert_true(fabs(sd - 7.66) < 0.6);
	assert_true(fabs((double)absent / all - p.absent) < 0.01);
	/* "подтвердили" (docs/generator.md: RU-4 ≈ 0.69, grades 4-5 together ≈ 0.63; the
	 * real 2021 data: 0.686 and 0.62). */
	assert_true((double)conf / jn > 0.57 && (double)conf / jn < 0.70);
	long rc = 0, rn = 0;
	for (long i = 0; i < c->nschools; i++)
		rc += c->b[i][ru4].confirmed, rn += c->b[i][ru4].jn;
	print_message("# RU-4 confirmed %.3f\n", (double)rc / rn);
	assert_true((double)rc / rn > 0.62 && (double)rc / rn < 0.76);

	/* No bump at the lower bound of «3» (14) in a clean region. */
	assert_true(c->hist[ru4][14] < 1.25 * c->hist[ru4][13]);
	assert_true(c->hist[ru4][14] < 1.25 * c->hist[ru4][15]);

	/* Strong lyceums and gymnasiums exist and are clean. */
	double eff_l = 0, eff_s = 0;
	long nl = 0, ns = 0;
	for (long i = 0; i < c->nschools; i++) {
		if (!strcmp(c->kind[i], "лицей") || !strcmp(c->kind[i], "гимназия"))
			eff_l += c->effect[i], nl++;
		else if (!strcmp(c->kind[i], "СОШ"))
			eff_s += c->effect[i], ns++;
	}
	assert_true(nl >= 5 && ns >= 50);
	assert_true(eff_l / nl > eff_s / ns + 0.3);
	coll_free(c);
}

/* ICC of ability between the schools of one procedure: the one-way ANOVA estimate
 * (MSB - MSW) / (MSB + (n0 - 1) MSW) over the participants who wrote. */
static double icc_of(const struct coll *c, int pi)
{
	double sum = 0, ss = 0, n = 0, sum_m2 = 0, ssb = 0;
	long k = 0;
	for (long i = 0; i < c->nschools; i++) {
		const struct bstat *b = &c->b[i][pi];
		long m = b->n - b->absent;
		if (m < 1)
			continue;
		sum += b->theta;
		ss += b->theta2;
		n += m;
		sum_m2 += (double)m * m;
		ssb += b->theta * b->theta / m;
		k++;
	}
	double sst = ss - sum * sum / n, ssbetween = ssb - sum * sum / n;
	double msb = ssbetween / (k - 1), msw = (sst - ssbetween) / (n - k);
	double n0 = (n - sum_m2 / n) / (k - 1);
	return (msb - msw) / (msb + (n0 - 1) * msw);
}

static void test_icc(void **state)
{
	double want[] = { 0.1, 0.2, 0.3 };
	for (int t = 0; t < 3; t++) {
		struct gen_params p;
		params_small(&p);
		p.manipulated = 0;
		p.year_from = p.year_to = 2021;
		p.grade_from = p.grade_to = 4;
		p.schools = 400;
		p.icc = want[t];
		struct coll *c = run(&p);
		double est = 0;
		for (int k = 0; k < c->nprocs; k++)
			est += icc_of(c, k);
		est /= c->nprocs;
		print_message("# icc %.2f: estimated %.3f\n", want[t], est);
		assert_true(fabs(est - want[t]) < 0.05);
		coll_free(c);
	}
}

/* The same pupils move up: a school's grade-4 mean in 2020 predicts its grade-5 mean in
 * 2021, and the parallel keeps its size. */
static void test_cohorts(void **state)
{
	struct gen_params p;
	params_small(&p);
	p.manipulated = 0;
	p.subjects[0][0] = 'M', p.subjects[0][1] = 'A';
	p.nsubjects = 1;
	struct coll *c = run(&p);
	int a = proc_find(c, "VPR-2020-MA-4"), b = proc_find(c, "VPR-2021-MA-5");
	assert_true(a >= 0 && b >= 0);
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	long k = 0, size_ok = 0;
	for (long i = 0; i < c->nschools; i++) {
		const struct bstat *x = &c->b[i][a], *y = &c->b[i][b];
		if (x->n < 10 || y->n < 10)
			continue;
		if (labs(x->n - y->n) <= x->n / 8 + 3)
			size_ok++;
		double mx = x->theta / (x->n - x->absent), my = y->theta / (y->n - y->absent);
		sx += mx, sy += my, sxx += mx * mx, syy += my * my, sxy += mx * my;
		k++;
	}
	double r = (sxy - sx * sy / k) / sqrt((sxx - sx * sx / k) * (syy - sy * sy / k));
	print_message("# cohort 4→5: %ld schools, r = %.3f, sizes kept in %ld\n", k, r, size_ok);
	assert_true(k > 100);
	assert_true(r > 0.85);
	assert_true(size_ok > k * 9 / 10);
	coll_free(c);
}

/* Clean schools are untouched by the manipulation of others: the same seed with and
 * without manipulated schools gives the clean schools the same rows. Planted changes
 * appear only in blocks that truth.csv names. */
static void test_clean_schools_untouched(void **state)
{
	struct gen_params p;
	params_small(&p);
	const struct coll *a = clean();
	p.manipulated = 0.4;
	p.strength = 0.8;
	struct coll *b = run(&p);
	assert_false(b->truth_dup);
	assert_false(b->truth_for_clean);
	assert_int_equal(b->truth_kinds, GEN_ALL_KINDS);
	long clean = 0, manip = 0, changed = 0;
	for (long i = 0; i < p.schools; i++) {
		if (b->manip[i])
			manip++;
		else
			clean++;
		for (int k = 0; k < b->nprocs; k++) {
			const struct bstat *x = &a->b[i][k], *y = &b->b[i][k];
			assert_int_equal(x->planted, 0);
			if (!b->manip[i]) {
				assert_int_equal(y->planted, 0);
				assert_true(x->hash == y->hash);
				continue;
			}
			changed += x->hash != y->hash;
			/* every planted kind of a block is in the truth */
			for (int kind = 0; kind < GEN_NKINDS; kind++) {
				if (!(y->planted & (1u << kind)))
					continue;
				char key[128];
				int n = snprintf(key, sizeof key, "%s%04ld|%s|%d", "sch99", i + 1,
						 b->procs[k].code, kind);
				int64_t v;
				assert_true(hmap_get(&b->truth_keys, key, (size_t)n, &v));
				/* and its count of changed works is the truth's */
				assert_int_equal(v, y->nplanted[kind]);
				assert_true(v > 0);
			}
		}
	}
	print_message("# %ld clean, %ld manipulated schools, %ld blocks changed, %ld truth rows\n",
		      clean, manip, changed, b->truth_n);
	assert_true(manip > p.schools / 4 && manip < p.schools / 2 + 20);
	assert_true(changed > 0);
	coll_free(b);
}

/* Sums over the blocks named in the truth for one kind, clean run vs planted run. */
struct pair {
	double base, planted;
};

static struct pair kind_effect(enum gen_kind kind, double strength,
			       double (*stat)(const struct bstat *), long *nblocks)
{
	struct gen_params p;
	params_small(&p);
	const struct coll *a = clean();
	p.manipulated = 1;
	p.kinds = 1u << kind;
	p.strength = strength;
	struct coll *b = run(&p);
	assert_int_equal(b->truth_kinds, 1u << kind);
	struct pair r = { 0, 0 };
	long n = 0;
	for (long i = 0; i < p.schools; i++) {
		for (int k = 0; k < b->nprocs; k++) {
			if (!(b->b[i][k].planted & (1u << kind)))
				continue;
			r.base += stat(&a->b[i][k]);
			r.planted += stat(&b->b[i][k]);
			n++;
		}
	}
	*nblocks = n;
	coll_free(b);
	return r;
}

static double st_hard(const struct bstat *b)
{
	return b->hard_max ? (double)b->hard_pts / b->hard_max : 0;
}

static double st_cons(const struct bstat *b)
{
	return b->cons_max ? (double)b->cons_pts / b->cons_max : 0;
}

static double st_journal(const struct bstat *b)
{
	return b->jn ? (double)b->journal / b->jn : 0;
}

static double st_near(const struct bstat *b)
{
	return b->pairs ? (double)b->near_pairs / b->pairs : 0;
}

static double st_mean(const struct bstat *b)
{
	long m = b->n - b->absent;
	return m ? b->total / m : 0;
}

static void test_planted_kinds_visible(void **state)
{
	long n;
	struct pair r = kind_effect(GEN_HELP, 0.8, st_hard, &n);
	print_message("# help: hard positions %.3f -> %.3f over %ld blocks\n", r.base / n,
		      r.planted / n, n);
	assert_true(n > 20 && r.planted / n > r.base / n + 0.2);
	r = kind_effect(GEN_LENIENT, 0.8, st_cons, &n);
	print_message("# lenient: constructed positions %.3f -> %.3f\n", r.base / n, r.planted / n);
	assert_true(n > 20 && r.planted / n > r.base / n + 0.08);
	r = kind_effect(GEN_JOURNAL, 0.8, st_journal, &n);
	print_message("# journal: mean journal mark %.2f -> %.2f\n", r.base / n, r.planted / n);
	assert_true(n > 20 && r.planted / n > r.base / n + 0.2);
	r = kind_effect(GEN_COPY, 0.8, st_near, &n);
	print_message("# copy: near-identical pairs %.3f -> %.3f\n", r.base / n, r.planted / n);
	assert_true(n > 20 && r.planted / n > r.base / n + 0.2);
	r = kind_effect(GEN_JUMP, 0.8, st_mean, &n);
	print_message("# jump: mean score %.2f -> %.2f\n", r.base / n, r.planted / n);
	assert_true(n > 20 && r.planted / n > r.base / n + 2);
}

/* Boundary pulling: the count at the lower bound of «3» rises with π, and the counts
 * just below it fall. */
static void test_boundary_rises_with_strength(void **state)
{
	double strength[] = { 0, 0.3, 0.9 };
	long at[3], below[3];
	for (int t = 0; t < 3; t++) {
		struct gen_params p;
		params_small(&p);
		p.manipulated = 0.6;
		p.kinds = 1u << GEN_BOUNDARY;
		p.strength = strength[t];
		struct coll *c = t ? run(&p) : NULL;
		const struct coll *r = t ? c : clean();
		int ru4 = proc_find(r, "VPR-2021-RU-4");
		at[t] = r->hist[ru4][14];
		below[t] = r->hist[ru4][11] + r->hist[ru4][12] + r->hist[ru4][13];
		print_message("# strength %.1f: 14 -> %ld, 11..13 -> %ld\n", strength[t], at[t],
			      below[t]);
		if (c)
			coll_free(c);
	}
	assert_true(at[0] < at[1] && at[1] < at[2]);
	assert_true(below[0] > below[1] && below[1] > below[2]);
	assert_true(at[2] > 1.5 * at[0]);
}

static void test_params(void **state)
{
	struct gen_params p;
	char msg[256];
	gen_params_default(&p);
	struct gen_opt_text t = { .schools = "50", .years = "2019-2021", .subjects = "RU, MA,BI",
				  .grades = "4-6", .kinds = "boundary,copy", .strength = "0.7" };
	assert_int_equal(gen_params_parse(&p, &t, msg, sizeof msg), 0);
	assert_int_equal(p.schools, 50);
	assert_int_equal(p.municipalities, 2);
	assert_int_equal(p.year_from, 2019);
	assert_int_equal(p.year_to, 2021);
	assert_int_equal(p.nsubjects, 3);
	assert_string_equal(p.subjects[2], "BI");
	assert_int_equal(p.kinds, (1u << GEN_BOUNDARY) | (1u << GEN_COPY));
	struct gen_opt_text bad[] = {
		{ .schools = "0" }, { .years = "2021-2019" }, { .subjects = "RU,XX" },
		{ .grades = "4-12" }, { .kinds = "boundary,steal" }, { .strength = "2" },
		{ .manipulated = "-0.1" }, { .icc = "abc" }, { .region = "a,b" },
	};
	const char *names[] = { "--schools", "--years", "--subjects", "--grades", "--kinds",
				"--strength", "--manipulated", "--icc", "региона" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		gen_params_default(&p);
		assert_int_equal(gen_params_parse(&p, &bad[i], msg, sizeof msg), ERR_USAGE);
		assert_non_null(strstr(msg, names[i]));
	}
	/* A generic work for a subject without a template. */
	gen_params_default(&p);
	p.schools = 5;
	p.nsubjects = 1;
	memcpy(p.subjects[0], "BI", 3);
	struct procedure *procs;
	int n;
	assert_int_equal(gen_procedures(&p, &procs, &n), 0);
	assert_int_equal(n, 10);
	assert_string_equal(procs[0].code, "VPR-2020-BI-4");
	char why[128];
	for (int i = 0; i < n; i++)
		assert_int_equal(procedure_validate(&procs[i], why, sizeof why), 0);
	free(procs);
}

/* --variant-sd and --not-taught (docs/generator.md) keep the schools and their pupils and
 * change the points: with untaught topics whole classes score 0 on a position. The GG-8
 * work is shaped like the ВПР 2021 one typed in without levels. */
static void test_variants_untaught(void **state)
{
	(void)state;
	struct gen_params p;
	gen_params_default(&p);
	p.schools = 80;
	p.municipalities = 3;
	p.seed = 3;
	p.manipulated = 0;
	p.year_from = p.year_to = 2021;
	p.grade_from = p.grade_to = 8;
	p.nsubjects = 1;
	memcpy(p.subjects[0], "GG", 3);
	struct coll *a = run(&p);
	p.variant_sd = 1;
	p.not_taught = 0.1;
	struct coll *b = run(&p);
	const struct procedure *x = &a->procs[0];
	assert_int_equal(x->npos, 23);
	assert_int_equal(x->max_score, 37);
	int small = 0;
	for (int j = 0; j < x->npos; j++) {
		assert_string_equal(x->pos[j].level, "");
		small += x->pos[j].max <= 2;
	}
	assert_true(small >= 20);
	long za = 0, zb = 0, changed = 0;
	for (long s = 0; s < a->nschools; s++) {
		const struct bstat *u = &a->b[s][0], *v = &b->b[s][0];
		assert_int_equal(u->n, v->n);
		changed += u->hash != v->hash;
		za += u->zero_cols;
		zb += v->zero_cols;
	}
	assert_true(changed > a->nschools / 2);
	assert_true(zb > 3 * za + 20);
	coll_free(a);
	coll_free(b);
	struct gen_opt_text bad = { .variant_sd = "3" }, bad2 = { .not_taught = "0.9" };
	char msg[256];
	gen_params_default(&p);
	assert_int_equal(gen_params_parse(&p, &bad, msg, sizeof msg), ERR_USAGE);
	assert_non_null(strstr(msg, "--variant-sd"));
	gen_params_default(&p);
	assert_int_equal(gen_params_parse(&p, &bad2, msg, sizeof msg), ERR_USAGE);
	assert_non_null(strstr(msg, "--not-taught"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_deterministic_files),
		cmocka_unit_test(test_region_statistics),
		cmocka_unit_test(test_icc),
		cmocka_unit_test(test_cohorts),
		cmocka_unit_test(test_clean_schools_untouched),
		cmocka_unit_test(test_planted_kinds_visible),
		cmocka_unit_test(test_boundary_rises_with_strength),
		cmocka_unit_test(test_variants_untaught),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (clean_small)
		coll_free(clean_small);
	return failed;
}
