/* gen: the synthetic region model (docs/generator.md has the formulas and why).
 *
 * One run: the procedures and their item parameters first, then school by school: the
 * school's attributes, its cohorts of pupils (one cohort per entry year, the same pupils
 * moving up a grade each year, with a little turnover), and for each procedure the block
 * of its participants' rows. A block is generated clean from the school's data stream,
 * then — in a manipulated school — changed by the planted manipulation drawn from the
 * school's manipulation stream, then handed to the sink. Memory is a few fixed buffers
 * sized by the largest school. */
#include "gen/gen.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "gen/template.h"
#include "model/result.h"

const char *const gen_kind_names[GEN_NKINDS_ALL] = {
	"boundary", "lenient", "help", "journal", "copy", "jump", "medal", "teacher"
};

/* ---- model constants (docs/generator.md explains each; calibrated against the real
 * Altai Krai ВПР 2021 results) ---- */

#define D_SCALE 1.0        /* logistic scale of the item model; 1.0 matches the real SDs */
#define A_SIGMA 0.25       /* log-discrimination SD: a ~ lognormal(0, 0.25) */
#define THR_SPREAD 0.6     /* distance between the category thresholds of one position */
#define COHORT_SHARE 0.1   /* part of the between-school variance that varies by cohort */
#define CLASS_VAR 0.03     /* variance of the class effect (within the school) */
#define OCCASION_SHARE 0.05 /* part of the pupil variance that is the day's form */
#define SUBJECT_CORR 0.7   /* correlation of a pupil's stable abilities in two subjects */
#define RU_GENDER 0.1      /* girls +0.1, boys -0.1 in Russian */
#define SIZE_SIGMA_COHORT 0.12 /* cohort size around the school's usual size (log SD) */
#define TURNOVER 0.03      /* yearly share of pupils leaving and of newcomers */
#define CLASS_MAX 30
#define CLASS_TYPICAL 25.0
#define JOURNAL_RHO 0.85   /* weight of ability in the latent journal mark */
#define JOURNAL_RELATIVE 0.3 /* share of the school effect teachers' marks ignore */
#define JOURNAL_LENIENCY 0.15 /* SD of a school's marking leniency */
#define ALIGN_A 0.7        /* Beta(a, b) of the schools' share of journal marks written */
#define ALIGN_B 1.0        /* … to agree with the work (the form is filled after checking) */
#define ABSENT_SIGMA 0.4   /* school variation of absences (log SD) */
#define X_BASIC 0.05       /* share of zero points written as X on level Б (or no level) */
#define X_HARD 0.15        /* … on П/В positions */
#define JUMP_THETA 1.2     /* ability shift of a jump at strength 1 (SD units) */
#define COPY_NOISE 0.1     /* share of positions a copier gets differently */
#define ONE_CLASS_SHARE 0.3 /* manipulated schools where only one class is involved */
#define SECOND_KIND_SHARE 0.3 /* manipulated schools with a second kind */
#define SUBJECT_SHARE 0.7  /* chance that a manipulating school does it in a subject */

/* --exams */
#define EGE_MA_CUT (-0.2)  /* profile maths is taken by pupils whose maths ability is above */
#define MEDAL_CUT 1.55     /* latent school record of a medalist (about 6 % of graduates) */
#define MEDAL_BAND 1.2     /* a planted medal goes to a graduate within this of the cut */

#define MAX_CAT 16         /* categories per position the item model handles (max points) */
#define COHORT_CAP 600     /* pupils ever in one cohort of a school (300 + newcomers) */
#define NLETTERS 12

static const char *const class_letters[NLETTERS] = {
	"А", "Б", "В", "Г", "Д", "Е", "Ж", "З", "И", "К", "Л", "М"
};

/* ---- school kinds, settlements and their parameters ---- */

enum { K_SOSH, K_OOSH, K_NOSH, K_LYC, K_GYM, K_BRANCH, K_OTHER, NKIND };
static const char *const kind_names[NKIND] = {
	"СОШ", "ООШ", "НОШ", "лицей", "гимназия", "филиал", "другое"
};

struct kind_par {
	double prob;   /* share among schools of the settlement type */
	double median; /* median pupils per parallel */
	double sigma;  /* log SD of the size */
	double offset; /* ability offset of the school type (SD units), before centring */
};

/* [0] город, [1] село */
static const struct kind_par kind_par[2][NKIND] = {
	{ { 0.65, 85, 0.45, 0.10 }, { 0.06, 25, 0.50, -0.10 }, { 0.03, 40, 0.40, 0.00 },
	  { 0.09, 90, 0.35, 0.55 }, { 0.09, 85, 0.35, 0.50 }, { 0.03, 12, 0.40, -0.10 },
	  { 0.05, 20, 0.60, 0.00 } },
	{ { 0.50, 22, 0.55, -0.15 }, { 0.25, 10, 0.40, -0.25 }, { 0.03, 8, 0.40, -0.15 },
	  { 0.00, 0, 0, 0 }, { 0.00, 0, 0, 0 }, { 0.20, 7, 0.30, -0.30 },
	  { 0.02, 10, 0.50, -0.15 } },
};
#define INDEPTH_OFFSET 0.10
#define CITY_SCHOOL_SHARE 0.30   /* schools in city okrugs when there are both kinds */
#define TOWN_IN_DISTRICT 0.15    /* district schools in a town (райцентр) */

static double indepth_prob(int settl, int kind)
{
	if (kind == K_LYC || kind == K_GYM)
		return 0.85;
	if (settl == 0 && kind == K_SOSH)
		return 0.15;
	return 0.02;
}

static const char *const city_names[] = {
	"г. Северск", "г. Заречный", "г. Озёрск", "г. Новоборск", "г. Светлогорск",
	"г. Каменск", "г. Приречный", "г. Лесногорск", "г. Ясногорск", "г. Красноборск",
};
static const char *const district_names[] = {
	"Берёзовский район", "Сосновский район", "Кедровский район", "Озёрный район",
	"Заречный район", "Михайловский район", "Покровский район", "Луговой район",
	"Ключевской район", "Рябиновый район", "Степной район", "Таёжный район",
	"Журавлёвский район", "Полевой район", "Солнечный район", "Ольховский район",
	"Вишнёвый район", "Калиновый район", "Родниковый район", "Горный район",
	"Еловый район", "Дубравный район", "Тополиный район", "Речной район",
	"Ивановский район", "Петровский район", "Никольский район", "Троицкий район",
	"Знаменский район", "Успенский район",
};
static const char *const village_names[] = {
	"Берёзовка", "Сосновка", "Михайловка", "Покровка", "Ключи", "Заречье", "Луговое",
	"Ивановка", "Петровка", "Никольское", "Троицкое", "Знаменка", "Успенка", "Рождествено",
	"Озёрки", "Каменка", "Дубровка", "Ольховка", "Калиновка", "Вишнёвка", "Малиновка",
	"Черёмушки", "Красный Яр", "Белый Ключ", "Светлое", "Степное", "Полевое", "Садовое",
	"Новоселово", "Старая Деревня", "Верх-Ключи", "Нижняя Суетка", "Гришино", "Ельцовка",
	"Тальменка", "Кулунда", "Хабары", "Волчиха", "Мамонтово", "Ребриха", "Шипуново",
	"Сростки", "Алтайское", "Павловск", "Баево", "Завьялово", "Родино", "Табуны",
};
#define NCITY ((int)(sizeof city_names / sizeof *city_names))
#define NDISTRICT ((int)(sizeof district_names / sizeof *district_names))
#define NVILLAGE ((int)(sizeof village_names / sizeof *village_names))


/* ---- random streams ----
 *
 * Every stream is a GSL mt19937 seeded with a 32-bit value. The seeds of one run are a
 * bijective mix (murmur3's finaliser) of a stream number and the run's seed, so no two
 * schools of a run share a stream. */

static uint32_t fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static void stream_seed(gsl_rng *r, unsigned long seed, uint32_t stream)
{
	uint32_t s = fmix32(stream + fmix32((uint32_t)seed ^ 0x6f6b6f00u));
	gsl_rng_set(r, s ? s : 0x9e3779b9u);
}

/* Stream numbers: school i uses 3i (data) and 3i+1 (manipulation); procedures use the
 * hash of their code with the low bits set to 2 so they never meet a school's. */
static uint32_t code_stream(const char *code)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *s = (const unsigned char *)code; *s; s++)
		h = (h ^ *s) * 16777619u;
	return (h & ~3u) | 2u;
}

static double unif(gsl_rng *r)
{
	return gsl_rng_uniform(r);
}

static double gauss(gsl_rng *r)
{
	return gsl_ran_gaussian_ziggurat(r, 1.0);
}

/* ---- procedures and their item parameters ---- */

struct gproc {
	int subj;       /* index into params.subjects */
	int yoff;       /* year - year_from */
	double a[PROC_MAX_POSITIONS];            /* D × discrimination */
	double thr[PROC_MAX_POSITIONS][MAX_CAT]; /* category thresholds, rising */
	double qx[PROC_MAX_POSITIONS];           /* chance that zero points are written X */
	bool hard[PROC_MAX_POSITIONS];           /* level П or В */
	double jcut[3];                          /* latent journal mark cut points for 3, 4, 5 */
};

int gen_procedures(const struct gen_params *p, struct procedure **out, int *n)
{
	int ny = p->year_to - p->year_from + 1, ng = p->grade_to - p->grade_from + 1;
	int total = ny * p->nsubjects * ng + (p->exams ? ny * GEN_NEXAMS : 0), k = 0;
	struct procedure *v = xcalloc((size_t)total, sizeof *v);
	for (int y = p->year_from; y <= p->year_to; y++) {
		for (int s = 0; s < p->nsubjects; s++) {
			for (int g = p->grade_from; g <= p->grade_to; g++) {
				struct procedure *x = &v[k++];
				const struct gen_template *t = gen_template_find(p->subjects[s], g);
				snprintf(x->code, sizeof x->code, "VPR-%d-%s-%d", y, p->subjects[s], g);
				memcpy(x->kind, "VPR", 4);
				x->year = y;
				snprintf(x->subject, sizeof x->subject, "%s", p->subjects[s]);
				x->grade = g;
				for (int i = 0; i < t->npos; i++) {
					int rc = procedure_add_position(x, t->pos[i].label, t->pos[i].max,
									t->pos[i].level);
					assert(rc == 0); /* the templates are constant and valid */
					(void)rc;
					x->max_score += t->pos[i].max;
				}
				x->has_scale = true;
				memcpy(x->scale, t->scale, sizeof x->scale);
			}
		}
	}
	for (int y = p->year_from; p->exams && y <= p->year_to; y++) {
		for (int e = 0; e < GEN_NEXAMS; e++) {
			struct procedure *x = &v[k++];
			const struct gen_exam *ex = &gen_exams[e];
			const struct gen_template *t = ex->t;
			snprintf(x->code, sizeof x->code, "%s-%d-%s-%d", ex->kind, y, ex->subject,
				 ex->grade);
			memcpy(x->kind, ex->kind, 4);
			x->year = y;
			snprintf(x->subject, sizeof x->subject, "%s", ex->subject);
			x->grade = ex->grade;
			for (int i = 0; i < t->npos; i++) {
				int rc = procedure_add_position(x, t->pos[i].label, t->pos[i].max,
								t->pos[i].level);
				assert(rc == 0);
				(void)rc;
				x->max_score += t->pos[i].max;
			}
			x->has_scale = true;
			memcpy(x->scale, t->scale, sizeof x->scale);
		}
	}
	*out = v;
	*n = k;
	return 0;
}

/* The exam a procedure is, or NULL for a ВПР-like work. */
static const struct gen_exam *exam_of(const struct procedure *x)
{
	if (!strcmp(x->kind, "VPR"))
		return NULL;
	for (int e = 0; e < GEN_NEXAMS; e++)
		if (!strcmp(gen_exams[e].kind, x->kind) && !strcmp(gen_exams[e].subject, x->subject))
			return &gen_exams[e];
	return NULL;
}

static const struct gen_template *template_of(const struct procedure *x)
{
	const struct gen_exam *e = exam_of(x);
	return e ? e->t : gen_template_find(x->subject, x->grade);
}

static double logistic(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* Expected points of a position with thresholds b + off[k] under θ ~ N(0, 1). */
static double expected_points(double da, double b, const double *off, int m)
{
	double sum = 0, wsum = 0;
	for (int i = -60; i <= 60; i++) {
		double th = i * 0.1, w = exp(-0.5 * th * th), e = 0;
		for (int k = 0; k < m; k++)
			e += logistic(da * (th - b - off[k]));
		sum += w * e;
		wsum += w;
	}
	return sum / wsum;
}

/* Draws the item parameters of a procedure: discriminations a ~ lognormal(0, A_SIGMA),
 * thresholds evenly spread around a location solved so that the expected points of each
 * position equal its target under θ ~ N(0, 1). Depends only on the seed and the code. */
static void gproc_init(struct gproc *g, const struct procedure *x, const struct gen_params *p,
		       int subj, gsl_rng *r, double jsd)
{
	const struct gen_template *t = template_of(x);
	stream_seed(r, p->seed, code_stream(x->code));
	g->subj = subj;
	g->yoff = x->year - p->year_from;
	for (int j = 0; j < x->npos; j++) {
		int m = x->pos[j].max;
		assert(m >= 1 && m <= MAX_CAT);
		double da = D_SCALE * exp(A_SIGMA * gauss(r)), off[MAX_CAT];
		for (int k = 0; k < m; k++)
			off[k] = THR_SPREAD * (k + 1 - (m + 1) / 2.0);
		double target = t->pos[j].p * m, lo = -10, hi = 10;
		for (int it = 0; it < 40; it++) {
			double mid = 0.5 * (lo + hi);
			if (expected_points(da, mid, off, m) > target)
				lo = mid;
			else
				hi = mid;
		}
		double b = 0.5 * (lo + hi);
		g->a[j] = da;
		for (int k = 0; k < m; k++)
			g->thr[j][k] = b + off[k];
		g->hard[j] = !strcmp(x->pos[j].level, "П") || !strcmp(x->pos[j].level, "В");
		g->qx[j] = g->hard[j] ? X_HARD : X_BASIC;
	}
	/* Journal marks before alignment (journal_mark(), block_clean()): shares of 2/3/4/5
	 * such that after a share of them is aligned with the work, the journal marks have
	 * about the shares of the real ВПР 2021 journal marks (grade 4: 1/32/51/16 %,
	 * grade 5: 1/39/47/13 %). */
	static const double share4[4] = { 0.017, 0.29, 0.595, 0.098 };
	static const double share5[4] = { 0.018, 0.268, 0.577, 0.137 };
	const double *sh = x->grade <= 4 ? share4 : share5;
	double cum = 0;
	for (int k = 0; k < 3; k++) {
		cum += sh[k];
		g->jcut[k] = jsd * gsl_cdf_ugaussian_Pinv(cum);
	}
}

/* Points of one participant: for each position one logistic variate L decides how many
 * thresholds θ - L/a passes (inverse-CDF sampling of the graded-response model), the
 * thresholds raised by shift[j] (the school's variant, --variant-sd; NULL: none). Zero
 * points are written X with a small chance. Returns the total. */
static int draw_scores(gsl_rng *r, const struct gproc *g, const struct procedure *x,
		       double theta, const double *shift, uint8_t *sc)
{
	int total = 0;
	for (int j = 0; j < x->npos; j++) {
		double u = gsl_rng_uniform_pos(r);
		double t = theta - log(u / (1.0 - u)) / g->a[j] - (shift ? shift[j] : 0);
		int m = x->pos[j].max, k = 0;
		while (k < m && g->thr[j][k] < t)
			k++;
		if (k == 0 && unif(r) < g->qx[j])
			sc[j] = SCORE_X;
		else
			sc[j] = (uint8_t)k;
		total += k;
	}
	return total;
}

static int row_total(const struct procedure *x, const uint8_t *sc)
{
	int t = 0;
	for (int j = 0; j < x->npos; j++)
		if (sc[j] != SCORE_X)
			t += sc[j];
	return t;
}

/* ---- the run's state ---- */

struct pupil {
	float ab[GEN_MAX_SUBJECTS]; /* stable ability per subject, all effects included */
	uint8_t cls;
	uint8_t female;
	int8_t first, last;         /* year offsets of presence, inclusive */
};

struct cohort {
	int n;       /* pupils ever; 0 when the cohort is not observed in this school */
	int nclass;
	struct pupil *pu;
};

struct plan {
	bool on;
	unsigned kinds;
	double strength[GEN_NKINDS];
	bool subject[GEN_MAX_SUBJECTS];
	bool one_class;
	int jump_yoff;
};

struct gen {
	const struct gen_params *p;
	const struct gen_sink *sink;
	struct procedure *procs;
	int nprocs;
	struct gproc *gp;
	gsl_rng *rs, *rm, *rv;
	/* the current block's position shifts by variant (--variant-sd), or NULL */
	double vshift[2][PROC_MAX_POSITIONS];
	const double (*vs)[PROC_MAX_POSITIONS];
	/* the current block's positions each class was not taught (--not-taught) */
	bool untaught[NLETTERS][PROC_MAX_POSITIONS];
	bool any_untaught;
	int nyears, cohort0, ncohorts;
	int gmin, gmax;          /* grades generated: the works' and the exams' */
	struct cohort *co;
	struct gen_result *rows;
	/* region */
	int nmuni, ncity;
	double p_city;           /* share of schools in city okrugs */
	double off_mean, off_scale, sd_z, sd_v, sd_c, sd_w, sd_e, jsd;
	int login_width;
	int *counter;            /* per municipality and kind: schools named so far */
	struct hmap names;       /* municipality and village school name → schools so named */
	/* the current school */
	struct gen_school sc;
	char login[32], name[256], muni[96], address[256];
	double u, leniency, absent_p, size, align;
	struct plan plan;
	/* --exams, --teachers: the school's own stream and plan for the kinds medal and
	 * teacher, so the rest of the region is the same with or without them */
	gsl_rng *rx;
	bool medal_on, teacher_on;
	double medal_strength, teacher_strength;
	int teacher_subj;        /* subject index of the lenient teacher */
	int teacher_id;          /* the lenient teacher, -1 when none */
	int nsubject_teachers;   /* teachers of one subject in grades 5-11 */
	char tname[64];
};

/* Pupil-weighted mean and variance of the type offsets, so the region's ability is
 * centred and the offsets' share of the between-school variance is known. */
static void offsets_summary(const struct gen *G, double *mean, double *var)
{
	double pc = G->p_city + (1 - G->p_city) * (G->nmuni > G->ncity ? TOWN_IN_DISTRICT : 0);
	double w = 0, s1 = 0, s2 = 0;
	for (int st = 0; st < 2; st++) {
		double ps = st == 0 ? pc : 1 - pc;
		for (int k = 0; k < NKIND; k++) {
			const struct kind_par *kp = &kind_par[st][k];
			if (kp->prob <= 0)
				continue;
			double size = kp->median * exp(0.5 * kp->sigma * kp->sigma);
			double pin = indepth_prob(st, k);
			for (int in = 0; in < 2; in++) {
				double wt = ps * kp->prob * size * (in ? pin : 1 - pin);
				double o = kp->offset + in * INDEPTH_OFFSET;
				w += wt;
				s1 += wt * o;
				s2 += wt * o * o;
			}
		}
	}
	*mean = s1 / w;
	*var = s2 / w - *mean * *mean;
}

static void region_init(struct gen *G)
{
	const struct gen_params *p = G->p;
	G->nmuni = p->municipalities > 0 ? p->municipalities : (int)((p->schools + 29) / 30);
	if (G->nmuni < 1)
		G->nmuni = 1;
	if (G->nmuni == 1)
		G->ncity = 0;
	else if (G->nmuni == 2)
		G->ncity = 1;
	else
		G->ncity = (int)lround(G->nmuni * 0.15) > 0 ? (int)lround(G->nmuni * 0.15) : 1;
	G->p_city = G->ncity == 0 ? 0 : G->ncity == G->nmuni ? 1 : CITY_SCHOOL_SHARE;

	/* Variance components of ability (total 1): between schools icc, of which
	 * COHORT_SHARE varies by cohort; within: class, stable pupil, occasion. */
	double var_u = (1 - COHORT_SHARE) * p->icc, var_v = COHORT_SHARE * p->icc;
	double off_var;
	offsets_summary(G, &G->off_mean, &off_var);
	G->off_scale = 1;
	if (off_var > 0.75 * var_u)
		G->off_scale = off_var > 0 ? sqrt(0.75 * var_u / off_var) : 0;
	double var_z = var_u - G->off_scale * G->off_scale * off_var;
	G->sd_z = sqrt(var_z > 0 ? var_z : 0);
	G->sd_v = sqrt(var_v);
	double within = 1 - p->icc;
	double var_c = CLASS_VAR < 0.1 * within ? CLASS_VAR : 0.1 * within;
	double pupil = within - var_c;
	G->sd_c = sqrt(var_c);
	G->sd_w = sqrt((1 - OCCASION_SHARE) * pupil);
	G->sd_e = sqrt(OCCASION_SHARE * pupil);
	/* SD of the latent journal mark (see journal_mark()). */
	double l = JOURNAL_RELATIVE, rho = JOURNAL_RHO;
	double vs = 1 - G->sd_e * G->sd_e - (2 * l - l * l) * var_u;
	G->jsd = sqrt(rho * rho * vs + 1 - rho * rho + JOURNAL_LENIENCY * JOURNAL_LENIENCY);

	int digits = 1;
	for (long x = p->schools; x >= 10; x /= 10)
		digits++;
	G->login_width = digits > 4 ? digits : 4;
	G->counter = xcalloc((size_t)G->nmuni * NKIND, sizeof *G->counter);
	hmap_init(&G->names);
}

/* ---- one school ---- */

static void muni_name(const struct gen *G, int m, char *out, size_t n)
{
	if (m < G->ncity) {
		if (m < NCITY)
			snprintf(out, n, "%s", city_names[m]);
		else
			snprintf(out, n, "г. Город-%d", m + 1);
	} else {
		int d = m - G->ncity;
		if (d < NDISTRICT)
			snprintf(out, n, "%s", district_names[d]);
		else
			snprintf(out, n, "Район № %d", d + 1);
	}
}

static int pick(gsl_rng *r, const struct kind_par *kp)
{
	double u = unif(r), c = 0;
	for (int k = 0; k < NKIND; k++) {
		c += kp[k].prob;
		if (u < c)
			return k;
	}
	return K_SOSH;
}

/* Draws the school's attributes, name and effects from the data stream. */
static void school_init(struct gen *G, long i)
{
	const struct gen_params *p = G->p;
	gsl_rng *r = G->rs;
	struct gen_school *s = &G->sc;
	int m, settl;
	if (G->ncity > 0 && (G->ncity == G->nmuni || unif(r) < G->p_city)) {
		m = (int)(unif(r) * G->ncity);
		settl = 0;
	} else {
		m = G->ncity + (int)(unif(r) * (G->nmuni - G->ncity));
		settl = unif(r) < TOWN_IN_DISTRICT ? 0 : 1;
	}
	int kind = pick(r, kind_par[settl]);
	const struct kind_par *kp = &kind_par[settl][kind];
	int gmin = 1, gmax = 11;
	double ug = unif(r);
	if (kind == K_NOSH || (kind == K_BRANCH && ug < 0.5))
		gmax = 4;
	else if (kind == K_OOSH || kind == K_BRANCH)
		gmax = 9;
	else if (kind == K_LYC && ug < 0.3)
		gmin = 5;
	int indepth = unif(r) < indepth_prob(settl, kind);
	double size = kp->median * exp(kp->sigma * gauss(r));
	double off = kp->offset + indepth * INDEPTH_OFFSET - G->off_mean;
	G->u = G->off_scale * off + G->sd_z * gauss(r);
	G->leniency = JOURNAL_LENIENCY * gauss(r);
	G->align = gsl_ran_beta(r, ALIGN_A, ALIGN_B);
	double am = exp(ABSENT_SIGMA * gauss(r) - 0.5 * ABSENT_SIGMA * ABSENT_SIGMA);
	G->absent_p = p->absent * am < 0.5 ? p->absent * am : 0.5;
	double uv1 = unif(r), uv2 = unif(r);

	muni_name(G, m, G->muni, sizeof G->muni);
	int num = ++G->counter[m * NKIND + kind];
	const char *v1 = village_names[(int)(uv1 * NVILLAGE)];
	const char *v2 = village_names[(int)(uv2 * NVILLAGE)];
	if (settl == 0) {
		static const char *const fmt[NKIND] = {
			"МБОУ «СОШ № %d»", "МБОУ «ООШ № %d»", "МБОУ «Начальная школа № %d»",
			"МБОУ «Лицей № %d»", "МБОУ «Гимназия № %d»", "Филиал МБОУ «СОШ № %d»",
			"ЧОУ «Школа № %d»",
		};
		snprintf(G->name, sizeof G->name, fmt[kind], num);
	} else if (kind == K_BRANCH) {
		snprintf(G->name, sizeof G->name, "Филиал МКОУ «СОШ с. %s» в с. %s", v1, v2);
		v1 = v2; /* the branch stands in the second village */
	} else {
		static const char *const fmt[NKIND] = {
			"МКОУ «СОШ с. %s»", "МКОУ «ООШ с. %s»", "МКОУ «НОШ с. %s»", "", "", "",
			"МКОУ «Школа-интернат с. %s»",
		};
		snprintf(G->name, sizeof G->name, fmt[kind], v1);
	}
	if (settl != 0) {
		/* Two village schools of one kind in one village of a municipality are told apart by
		 * a number, as real ones are («МКОУ «ООШ № 2 с. Садовое»»): no draw of its own. */
		char key[400];
		int kl = snprintf(key, sizeof key, "%d|%s", m, G->name);
		int64_t seen = 0;
		hmap_get(&G->names, key, (size_t)kl, &seen);
		hmap_put(&G->names, key, (size_t)kl, seen + 1);
		const char *at = strstr(G->name, " с. ");
		if (seen && at) {
			char renamed[sizeof G->name];
			snprintf(renamed, sizeof renamed, "%.*s № %d%s", (int)(at - G->name), G->name,
				 (int)seen + 1, at);
			memcpy(G->name, renamed, sizeof renamed);
		}
	}
	snprintf(G->login, sizeof G->login, "sch99%0*ld", G->login_width, i + 1);
	/* An address from what is drawn already (no draw of its own: the same seed gives the
	 * same results as before addresses existed). */
	static const char *const streets[] = { "Школьная", "Ленина", "Советская", "Центральная",
					       "Молодёжная", "Мира" };
	const char *street = streets[i % (long)(sizeof streets / sizeof *streets)];
	if (settl == 0)
		snprintf(G->address, sizeof G->address, "%s, ул. %s, д. %ld", G->muni, street, i % 47 + 1);
	else
		snprintf(G->address, sizeof G->address, "%s, с. %s, ул. %s, д. %ld", G->muni, v1, street,
			 i % 23 + 1);

	s->index = i;
	s->login = G->login;
	s->name = G->name;
	s->address = G->address;
	s->municipality = G->muni;
	s->region = p->region;
	s->kind = kind_names[kind];
	s->settlement = settl == 0 ? "город" : "село";
	s->indepth = indepth;
	s->grade_min = gmin;
	s->grade_max = gmax;
	s->effect = G->u;
	G->size = size;
}

/* Active pupils of a cohort in a year, in order (their codes follow this order). */
static bool active(const struct pupil *pu, int yoff)
{
	return pu->first <= yoff && yoff <= pu->last;
}

/* A pupil's stable abilities: the school, cohort and class effects (base), a general
 * factor g shared by the subjects and a subject-specific part gs[s]; girls are a little
 * better in Russian. */
static void pupil_abilities(const struct gen *G, struct pupil *pu, double base, double g,
			    const double *gs)
{
	const double wg = sqrt(SUBJECT_CORR), ws = sqrt(1 - SUBJECT_CORR);
	for (int s = 0; s < G->p->nsubjects; s++) {
		double a = base + G->sd_w * (wg * g + ws * gs[s]);
		if (!strcmp(G->p->subjects[s], "RU"))
			a += pu->female ? RU_GENDER : -RU_GENDER;
		pu->ab[s] = (float)a;
	}
}

/* The cohort's pupils: size around the school's usual size, classes of at most 30, a
 * cohort effect, class effects, and per pupil a general and subject-specific abilities;
 * then a little turnover each year. */
static void cohort_init(struct gen *G, struct cohort *c, gsl_rng *r)
{
	const struct gen_params *p = G->p;
	double sz = G->size * exp(SIZE_SIGMA_COHORT * gauss(r));
	int n = (int)lround(sz);
	n = n < 5 ? 5 : n > GEN_MAX_PARALLEL ? GEN_MAX_PARALLEL : n;
	int nclass = (n + CLASS_MAX - 1) / CLASS_MAX;
	int typical = (int)lround(n / CLASS_TYPICAL);
	if (typical > nclass)
		nclass = typical;
	if (nclass < 1)
		nclass = 1;
	assert(nclass <= NLETTERS);
	double v = G->sd_v * gauss(r), ce[NLETTERS];
	for (int k = 0; k < nclass; k++)
		ce[k] = G->sd_c * gauss(r);
	c->nclass = nclass;
	for (int i = 0; i < n; i++) {
		struct pupil *pu = &c->pu[i];
		pu->cls = (uint8_t)(i * nclass / n);
		pu->female = unif(r) < 0.49;
		double g = gauss(r), gs[GEN_MAX_SUBJECTS];
		for (int s = 0; s < p->nsubjects; s++)
			gs[s] = gauss(r);
		pupil_abilities(G, pu, G->u + v + ce[pu->cls], g, gs);
		pu->first = 0;
		pu->last = (int8_t)(G->nyears - 1);
	}
	for (int y = 1; y < G->nyears; y++) {
		int per_class[NLETTERS] = { 0 }, nact = 0;
		for (int i = 0; i < n; i++) {
			struct pupil *pu = &c->pu[i];
			if (!active(pu, y - 1))
				continue;
			if (unif(r) < TURNOVER)
				pu->last = (int8_t)(y - 1);
			else
				per_class[pu->cls]++, nact++;
		}
		unsigned arrivals = gsl_ran_poisson(r, TURNOVER * n);
		for (unsigned k = 0; k < arrivals; k++) {
			int best = 0;
			for (int q = 1; q < nclass; q++)
				if (per_class[q] < per_class[best])
					best = q;
			double g = gauss(r), fem = unif(r);
			double gs[GEN_MAX_SUBJECTS];
			for (int s = 0; s < p->nsubjects; s++)
				gs[s] = gauss(r);
			if (n >= COHORT_CAP || nact >= GEN_MAX_PARALLEL || per_class[best] >= CLASS_MAX)
				continue;
			struct pupil *pu = &c->pu[n++];
			pu->cls = (uint8_t)best;
			pu->female = fem < 0.49;
			pupil_abilities(G, pu, G->u + v + ce[best], g, gs);
			pu->first = (int8_t)y;
			pu->last = (int8_t)(G->nyears - 1);
			per_class[best]++;
			nact++;
		}
	}
	c->n = n;
}

/* Whether the school has a grade of the cohort (entry year e) in a generated year: 2 in a
 * ВПР-like work, 1 only in an exam (--exams), 0 not at all. */
static int cohort_observed(const struct gen *G, int e)
{
	const struct gen_params *p = G->p;
	int lo = p->grade_from > G->sc.grade_min ? p->grade_from : G->sc.grade_min;
	int hi = p->grade_to < G->sc.grade_max ? p->grade_to : G->sc.grade_max;
	int seen = 0;
	for (int y = p->year_from; y <= p->year_to; y++) {
		if (y - e >= lo && y - e <= hi)
			return 2;
		for (int x = 0; p->exams && x < GEN_NEXAMS; x++)
			if (y - e == gen_exams[x].grade && gen_exams[x].grade >= G->sc.grade_min &&
			    gen_exams[x].grade <= G->sc.grade_max)
				seen = 1;
	}
	return seen;
}

/* The school's manipulation plan, from its manipulation stream. The number of draws does
 * not depend on the outcome, so the plan of one school does not shift with the share or
 * the strength asked for. */
static void plan_init(struct gen *G)
{
	const struct gen_params *p = G->p;
	gsl_rng *r = G->rm;
	struct plan *pl = &G->plan;
	memset(pl, 0, sizeof *pl);
	double u_on = unif(r), u_first = unif(r), u_second = unif(r), u_pick2 = unif(r);
	for (int k = 0; k < GEN_NKINDS; k++) {
		double s = p->strength * (0.6 + 0.8 * unif(r));
		pl->strength[k] = s > 1 ? 1 : s;
	}
	int any = 0;
	double u_subj[GEN_MAX_SUBJECTS];
	for (int s = 0; s < p->nsubjects; s++) {
		u_subj[s] = unif(r);
		pl->subject[s] = u_subj[s] < SUBJECT_SHARE;
		any += pl->subject[s];
	}
	double u_subj_pick = unif(r), u_class = unif(r), u_jump = unif(r);
	unsigned enabled = p->kinds;
	if (G->nyears < 2)
		enabled &= ~(1u << GEN_JUMP);
	int list[GEN_NKINDS], nk = 0;
	for (int k = 0; k < GEN_NKINDS; k++)
		if (enabled & (1u << k))
			list[nk++] = k;
	if (!(u_on < p->manipulated) || nk == 0)
		return;
	pl->on = true;
	int first = list[(int)(u_first * nk)];
	pl->kinds = 1u << first;
	if (nk >= 2 && u_second < SECOND_KIND_SHARE) {
		int rest[GEN_NKINDS], nr = 0;
		for (int k = 0; k < nk; k++)
			if (list[k] != first)
				rest[nr++] = list[k];
		pl->kinds |= 1u << rest[(int)(u_pick2 * nr)];
	}
	if (!any)
		pl->subject[(int)(u_subj_pick * p->nsubjects)] = true;
	pl->one_class = u_class < ONE_CLASS_SHARE;
	pl->jump_yoff = G->nyears >= 2 ? 1 + (int)(u_jump * (G->nyears - 1)) : -1;
}

/* Journal mark: a latent mark driven by the pupil's stable ability, partly relative to the
 * school (teachers mark partly against their own pupils), plus the school's leniency, cut
 * at the procedure's quantiles (gproc_init). */
static int journal_mark(const struct gen *G, const struct gproc *g, double ab, double z)
{
	double rho = JOURNAL_RHO;
	double j = rho * (ab - JOURNAL_RELATIVE * G->u) + sqrt(1 - rho * rho) * z + G->leniency;
	return j < g->jcut[0] ? 2 : j < g->jcut[1] ? 3 : j < g->jcut[2] ? 4 : 5;
}

/* Participant code: 5 digits, the first the grade (6 for grades 10 and 11), then the
 * pupil's number in the parallel. out has 8 bytes. */
static void code_format(char *out, int grade, int num)
{
	int k = 0;
	if (grade >= 10)
		out[k++] = (char)('0' + grade / 10);
	out[k++] = (char)('0' + grade % 10);
	for (int d = 1000; d >= 1; d /= 10)
		out[k++] = (char)('0' + num / d % 10);
	out[k] = '\0';
}

/* Class name "4А": the grade and the letter. out has 8 bytes. */
static void class_format(char *out, int grade, int cls)
{
	int k = 0;
	if (grade >= 10)
		out[k++] = (char)('0' + grade / 10);
	out[k++] = (char)('0' + grade % 10);
	const char *l = class_letters[cls];
	while (*l)
		out[k++] = *l++;
	out[k] = '\0';
}

/* A class that was not taught a position's topic scores 0 there (--not-taught). Returns
 * the row's total. */
static int untaught_zero(const struct gen *G, const struct procedure *x, struct gen_result *row)
{
	if (G->any_untaught)
		for (int j = 0; j < x->npos; j++)
			if (G->untaught[row->class_index][j])
				row->scores[j] = 0;
	return row_total(x, row->scores);
}

/* Generates the clean rows of one procedure in the school; returns their number. */
static int block_clean(struct gen *G, int pi, struct cohort *c)
{
	const struct procedure *x = &G->procs[pi];
	const struct gproc *g = &G->gp[pi];
	const struct gen_exam *ex = exam_of(x);
	gsl_rng *r = G->rs;
	int n = 0, ord = 0;
	/* The school's own variants (ВПР 2021: each school's variants were put together from
	 * the task bank): every position of each of its two variants is easier or harder by
	 * a shift of its own. Drawn from a stream of their own and only when asked for, so
	 * the default region is the same as without these options. */
	G->vs = NULL;
	if (G->p->variant_sd > 0) {
		for (int v = 0; v < 2; v++)
			for (int j = 0; j < x->npos; j++)
				G->vshift[v][j] = G->p->variant_sd * gauss(G->rv);
		G->vs = G->vshift;
	}
	/* Topics a class was not taught by the day of the work (the teacher's order of the
	 * course): the class scores 0 on those positions. */
	G->any_untaught = false;
	if (G->p->not_taught > 0)
		for (int k = 0; k < c->nclass; k++)
			for (int j = 0; j < x->npos; j++) {
				G->untaught[k][j] = unif(G->rv) < G->p->not_taught;
				G->any_untaught |= G->untaught[k][j];
			}
	for (int i = 0; i < c->n; i++) {
		const struct pupil *pu = &c->pu[i];
		if (!active(pu, g->yoff))
			continue;
		/* A pupil's code is the same in every work of the year, taken or not. */
		ord++;
		/* Profile maths (ЕГЭ) is chosen by the stronger half of the graduates. */
		if (ex && !strcmp(ex->kind, "EGE") && !strcmp(ex->subject, "MA") &&
		    pu->ab[g->subj] + 0.5 * gauss(r) < EGE_MA_CUT)
			continue;
		struct gen_result *row = &G->rows[n];
		row->school = &G->sc;
		row->proc = x;
		row->proc_index = pi;
		row->mark = 0;
		row->test_score = -1;
		code_format(row->code, x->grade, ord);
		class_format(row->class_name, x->grade, pu->cls);
		row->class_index = pu->cls;
		row->gender = pu->female ? "ж" : "м";
		row->planted = 0;
		double ab = pu->ab[g->subj];
		row->absent = unif(r) < G->absent_p;
		if (row->absent) {
			row->variant = 0;
			row->journal = 0;
			row->total = 0;
			row->theta = ab;
			memset(row->scores, 0, (size_t)x->npos);
		} else {
			row->variant = 1 + (n & 1);
			row->theta = ab + G->sd_e * gauss(r);
			row->total = draw_scores(r, g, x, row->theta,
						 G->vs ? G->vs[row->variant - 1] : NULL, row->scores);
			if (G->any_untaught)
				row->total = untaught_zero(G, x, row);
			row->journal = journal_mark(G, g, ab, gauss(r));
			/* The journal column is filled after checking: in a share of the school's
			 * works it follows the work's mark (a quarter «2» stays rare). An exam's
			 * annual mark is set before the exam. */
			if (!ex && unif(r) < G->align) {
				int m = procedure_mark(x, row->total);
				row->journal = m > 3 ? m : 3;
			}
		}
		n++;
	}
	return n;
}

/* ---- planted manipulation ---- */

static bool in_scope(const struct gen_result *row, int cls)
{
	return !row->absent && (cls < 0 || row->class_index == cls);
}

/* Adds need points to a row the way a lenient checker would: first on constructed-response
 * positions (max >= 2), then anywhere, one point per position per sweep, starting at a
 * position that varies by row. Returns the points actually added. */
static int add_points(const struct procedure *x, uint8_t *sc, int need, int start)
{
	int added = 0;
	for (int pass = 0; pass < 2 && added < need; pass++) {
		bool progress = true;
		while (added < need && progress) {
			progress = false;
			for (int q = 0; q < x->npos && added < need; q++) {
				int j = (start + q) % x->npos;
				int v = sc[j] == SCORE_X ? 0 : sc[j];
				if ((pass == 0 && x->pos[j].max < 2) || v >= x->pos[j].max)
					continue;
				sc[j] = (uint8_t)(v + 1);
				added++;
				progress = true;
			}
		}
	}
	return added;
}

/* The mark boundary b with b-3 <= t <= b-1, or 0. */
static int boundary_above(const struct procedure *x, int t)
{
	for (int k = 0; k < 3; k++)
		if (t >= x->scale[k] - 3 && t <= x->scale[k] - 1)
			return x->scale[k];
	return 0;
}

static void plant_jump(struct gen *G, int pi, int n, double s)
{
	const struct procedure *x = &G->procs[pi];
	for (int i = 0; i < n; i++) {
		struct gen_result *row = &G->rows[i];
		if (row->absent)
			continue;
		row->total = draw_scores(G->rm, &G->gp[pi], x, row->theta + JUMP_THETA * s,
					 G->vs ? G->vs[row->variant - 1] : NULL, row->scores);
		if (G->any_untaught)
			row->total = untaught_zero(G, x, row);
		row->planted |= 1u << GEN_JUMP;
	}
}

static void plant_help(struct gen *G, int pi, int n, int cls, double s)
{
	const struct procedure *x = &G->procs[pi];
	const struct gproc *g = &G->gp[pi];
	for (int i = 0; i < n; i++) {
		struct gen_result *row = &G->rows[i];
		if (!in_scope(row, cls))
			continue;
		for (int j = 0; j < x->npos; j++) {
			if (!g->hard[j])
				continue;
			double u = unif(G->rm);
			if (u < s && row->scores[j] != x->pos[j].max) {
				row->scores[j] = (uint8_t)x->pos[j].max;
				row->planted |= 1u << GEN_HELP;
			}
		}
	}
}

static void plant_lenient(struct gen *G, int pi, int n, int cls, double s)
{
	const struct procedure *x = &G->procs[pi];
	for (int i = 0; i < n; i++) {
		struct gen_result *row = &G->rows[i];
		if (!in_scope(row, cls))
			continue;
		for (int j = 0; j < x->npos; j++) {
			if (x->pos[j].max < 2)
				continue;
			double u = unif(G->rm);
			int v = row->scores[j] == SCORE_X ? 0 : row->scores[j];
			if (u < s && v < x->pos[j].max) {
				row->scores[j] = (uint8_t)(v + 1);
				row->planted |= 1u << GEN_LENIENT;
			}
		}
	}
}

/* Copying within a class: the best work of the class is the source; each other pupil
 * copies it with probability s, getting a tenth of the positions one point differently. */
static void plant_copy(struct gen *G, int pi, int n, int cls, int nclass, double s)
{
	const struct procedure *x = &G->procs[pi];
	for (int c = 0; c < nclass; c++) {
		if (cls >= 0 && c != cls)
			continue;
		int src = -1, best = -1;
		for (int i = 0; i < n; i++) {
			const struct gen_result *row = &G->rows[i];
			if (row->absent || row->class_index != c)
				continue;
			int t = row_total(x, row->scores);
			if (t > best) {
				src = i;
				best = t;
			}
		}
		if (src < 0)
			continue;
		for (int i = 0; i < n; i++) {
			struct gen_result *row = &G->rows[i];
			if (row->absent || row->class_index != c || i == src)
				continue;
			bool copy = unif(G->rm) < s;
			for (int j = 0; j < x->npos; j++) {
				bool noise = unif(G->rm) < COPY_NOISE;
				if (!copy)
					continue;
				int v = G->rows[src].scores[j];
				if (noise) {
					int pts = v == SCORE_X ? 0 : v;
					v = pts > 0 ? pts - 1 : (pts < x->pos[j].max ? pts + 1 : pts);
				}
				row->scores[j] = (uint8_t)v;
			}
			if (copy)
				row->planted |= 1u << GEN_COPY;
		}
	}
}

static void plant_boundary(struct gen *G, int pi, int n, int cls, double s)
{
	const struct procedure *x = &G->procs[pi];
	for (int i = 0; i < n; i++) {
		struct gen_result *row = &G->rows[i];
		if (!in_scope(row, cls))
			continue;
		double u = unif(G->rm);
		int t = row_total(x, row->scores), b = boundary_above(x, t);
		if (b && u < s && add_points(x, row->scores, b - t, i % x->npos) == b - t)
			row->planted |= 1u << GEN_BOUNDARY;
	}
}

static void plant_journal(struct gen *G, int n, int cls, double s)
{
	for (int i = 0; i < n; i++) {
		struct gen_result *row = &G->rows[i];
		if (!in_scope(row, cls))
			continue;
		double u = unif(G->rm), v = unif(G->rm);
		if (u < s) {
			row->journal = v < 0.1 ? 3 : v < 0.55 ? 4 : 5;
			row->planted |= 1u << GEN_JOURNAL;
		}
	}
}

/* Applies the school's plan to one block and reports the truth rows. */
static int block_plant(struct gen *G, int pi, int n, int nclass)
{
	const struct plan *pl = &G->plan;
	const struct gproc *g = &G->gp[pi];
	const struct procedure *x = &G->procs[pi];
	if (!pl->on || !pl->subject[g->subj])
		return 0;
	unsigned kinds = pl->kinds;
	if (g->yoff != pl->jump_yoff)
		kinds &= ~(1u << GEN_JUMP);
	double u_class = unif(G->rm);
	int cls = pl->one_class && nclass >= 2 ? (int)(u_class * nclass) : -1;
	char cname[8] = "";
	if (cls >= 0)
		class_format(cname, x->grade, cls);
	if (kinds & (1u << GEN_JUMP))
		plant_jump(G, pi, n, pl->strength[GEN_JUMP]);
	if (kinds & (1u << GEN_HELP))
		plant_help(G, pi, n, cls, pl->strength[GEN_HELP]);
	if (kinds & (1u << GEN_LENIENT))
		plant_lenient(G, pi, n, cls, pl->strength[GEN_LENIENT]);
	if (kinds & (1u << GEN_COPY))
		plant_copy(G, pi, n, cls, nclass, pl->strength[GEN_COPY]);
	if (kinds & (1u << GEN_BOUNDARY))
		plant_boundary(G, pi, n, cls, pl->strength[GEN_BOUNDARY]);
	if (kinds & (1u << GEN_JOURNAL))
		plant_journal(G, n, cls, pl->strength[GEN_JOURNAL]);
	for (int i = 0; i < n; i++)
		if (!G->rows[i].absent)
			G->rows[i].total = row_total(x, G->rows[i].scores);
	for (int k = 0; k < GEN_NKINDS; k++) {
		if (!(kinds & (1u << k)) || !G->sink->truth)
			continue;
		int changed = 0;
		for (int i = 0; i < n; i++)
			changed += (G->rows[i].planted >> k) & 1u;
		struct gen_truth t = {
			G->sc.login, x->code, x->year, (enum gen_kind)k, pl->strength[k],
			cls >= 0 && k != GEN_JUMP ? cname : NULL, changed,
		};
		int rc = G->sink->truth(G->sink->ctx, &t);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- medalists and teachers (--exams, --teachers) ---- */

static int subject_index(const struct gen_params *p, const char *code)
{
	for (int s = 0; s < p->nsubjects; s++)
		if (!strcmp(p->subjects[s], code))
			return s;
	return -1;
}

/* The extra kinds' plan, from the school's own stream: a fixed number of draws. */
static void extra_plan(struct gen *G)
{
	const struct gen_params *p = G->p;
	gsl_rng *r = G->rx;
	double u_med = unif(r), s_med = unif(r), u_t = unif(r), s_t = unif(r), u_subj = unif(r);
	G->medal_on = p->exams && (p->kinds & (1u << GEN_MEDAL)) && u_med < p->manipulated;
	G->teacher_on = p->teachers && (p->kinds & (1u << GEN_TEACHER)) && u_t < p->manipulated;
	double sm = p->strength * (0.6 + 0.8 * s_med), st = p->strength * (0.6 + 0.8 * s_t);
	G->medal_strength = sm > 1 ? 1 : sm;
	G->teacher_strength = st > 1 ? 1 : st;
	G->teacher_subj = (int)(u_subj * p->nsubjects);
	G->teacher_id = -1;
}

/* The teacher of class k of the cohort with index c in a subject, as a number unique in
 * the school: in grades 1-4 the class's own teacher teaches every subject; from grade 5
 * each subject has its teachers, each keeping a class over the years. */
static int teacher_of(const struct gen *G, int subj, int c, int k, int grade)
{
	if (grade <= 4)
		return 1 + c * NLETTERS + k;
	return 100000 + subj * 1000 + (c * 3 + k) % G->nsubject_teachers;
}

/* A fictional name for teacher number seq of the school (seq < 800 are distinct). */
static void teacher_name(char *out, size_t n, long school, int seq)
{
	static const char *const surname[] = {
		"Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Васильева", "Соколова",
		"Михайлова", "Новикова", "Фёдорова", "Морозова", "Волкова", "Алексеева", "Лебедева",
		"Семёнова", "Егорова", "Павлова", "Козлова", "Степанова", "Николаева", "Орлова",
		"Андреева", "Макарова", "Никитина", "Захарова", "Зайцева", "Соловьёва", "Борисова",
		"Яковлева", "Григорьева", "Романова", "Воробьёва", "Сергеева", "Кузьмина", "Фролова",
		"Александрова", "Дмитриева", "Королёва", "Гусева", "Киселёв",
	};
	static const char *const first[] = { "А", "Е", "Н", "О", "Т", "С", "М", "Л", "И", "Г",
					     "В", "Ю", "Ж", "Р", "Д", "З", "Э", "К", "П", "Л" };
	static const char *const patr[] = { "А", "В", "Н", "С", "П", "И", "М", "Г", "Д", "Е",
					    "Ю", "Б", "К", "Ф", "Р", "Л" };
	const int ns = (int)(sizeof surname / sizeof *surname);
	const int nf = (int)(sizeof first / sizeof *first), np = (int)(sizeof patr / sizeof *patr);
	long h = school * 7;
	snprintf(out, n, "%s %s. %s.", surname[(h + seq) % ns], first[(seq / ns + h) % nf],
		 patr[(seq + h / 7) % np]);
}

/* The teacher's number in the order the school's teachers first appear, for the name. */
struct tseq {
	int n;
	int id[1024];
};

static int tseq_of(struct tseq *t, int id)
{
	for (int i = 0; i < t->n; i++)
		if (t->id[i] == id)
			return i;
	if (t->n == (int)(sizeof t->id / sizeof *t->id))
		return t->n - 1;
	t->id[t->n] = id;
	return t->n++;
}

/* Picks the lenient teacher among the teachers of the chosen subject who have classes in
 * the generated ВПР-like works or exams of the school. */
static void teacher_pick(struct gen *G)
{
	if (!G->teacher_on)
		return;
	int ids[512], nids = 0;
	for (int pi = 0; pi < G->nprocs; pi++) {
		const struct procedure *x = &G->procs[pi];
		if (G->gp[pi].subj != G->teacher_subj || x->grade < G->sc.grade_min ||
		    x->grade > G->sc.grade_max)
			continue;
		int c = x->year - x->grade - G->cohort0;
		for (int k = 0; k < G->co[c].nclass && G->co[c].n; k++) {
			int id = teacher_of(G, G->teacher_subj, c, k, x->grade), seen = 0;
			for (int q = 0; q < nids; q++)
				seen |= ids[q] == id;
			if (!seen && nids < (int)(sizeof ids / sizeof *ids))
				ids[nids++] = id;
		}
	}
	double u = unif(G->rx);
	G->teacher_id = nids ? ids[(int)(u * nids)] : -1;
}

/* The teachers of a block's classes, to the sink (once per year, class and subject: an
 * exam of a grade and subject the ВПР-like works also cover adds no rows). */
static int block_teachers(struct gen *G, int pi, int n, struct tseq *ts)
{
	const struct procedure *x = &G->procs[pi];
	const struct gen_params *p = G->p;
	if (!p->teachers || !G->sink->teacher)
		return 0;
	if (exam_of(x) && x->grade >= p->grade_from && x->grade <= p->grade_to &&
	    subject_index(p, x->subject) >= 0)
		for (int q = 0; q < G->nprocs; q++)
			if (!exam_of(&G->procs[q]) && G->procs[q].year == x->year &&
			    G->procs[q].grade == x->grade && !strcmp(G->procs[q].subject, x->subject))
				return 0;
	bool seen[NLETTERS] = { false };
	for (int i = 0; i < n; i++)
		seen[G->rows[i].class_index] = true;
	int c = x->year - x->grade - G->cohort0;
	for (int k = 0; k < NLETTERS; k++) {
		if (!seen[k])
			continue;
		int id = teacher_of(G, G->gp[pi].subj, c, k, x->grade);
		char cname[8];
		class_format(cname, x->grade, k);
		teacher_name(G->tname, sizeof G->tname, G->sc.index, tseq_of(ts, id));
		struct gen_teacher t = { &G->sc, x->year, cname, x->subject, G->tname,
					 G->teacher_on && id == G->teacher_id };
		int rc = G->sink->teacher(G->sink->ctx, &t);
		if (rc)
			return rc;
	}
	return 0;
}

/* The lenient teacher inflates the journal (annual) marks of their classes in the block,
 * as plant_journal does for a school; one truth row per class. */
static int block_teacher_plant(struct gen *G, int pi, int n)
{
	const struct procedure *x = &G->procs[pi];
	if (!G->teacher_on || G->teacher_id < 0 || G->gp[pi].subj != G->teacher_subj)
		return 0;
	int c = x->year - x->grade - G->cohort0, changed[NLETTERS] = { 0 };
	bool mine[NLETTERS] = { false };
	for (int k = 0; k < G->co[c].nclass; k++)
		mine[k] = teacher_of(G, G->teacher_subj, c, k, x->grade) == G->teacher_id;
	for (int i = 0; i < n; i++) {
		struct gen_result *row = &G->rows[i];
		double u = unif(G->rx), v = unif(G->rx);
		if (row->absent || !mine[row->class_index] || !(u < G->teacher_strength))
			continue;
		row->journal = v < 0.1 ? 3 : v < 0.55 ? 4 : 5;
		row->planted |= 1u << GEN_TEACHER;
		changed[row->class_index]++;
	}
	for (int k = 0; k < G->co[c].nclass && G->sink->truth; k++) {
		if (!mine[k])
			continue;
		char cname[8];
		class_format(cname, x->grade, k);
		struct gen_truth t = { G->sc.login, x->code, x->year, GEN_TEACHER,
				       G->teacher_strength, cname, changed[k] };
		int rc = G->sink->truth(G->sink->ctx, &t);
		if (rc)
			return rc;
	}
	return 0;
}

/* The school's medalists of each ЕГЭ year: graduates whose school record — a latent mark
 * like the journal's, from their Russian and maths abilities — passes MEDAL_CUT; with the
 * kind medal, also graduates up to MEDAL_BAND below it, each with the chance of the
 * strength. Codes are those of the year's results. */
static int school_medals(struct gen *G)
{
	const struct gen_params *p = G->p;
	if (!p->exams || G->sc.grade_max < 11 || G->sc.grade_min > 11)
		return 0;
	int sru = subject_index(p, "RU"), sma = subject_index(p, "MA");
	const double rho = JOURNAL_RHO;
	for (int y = p->year_from; y <= p->year_to; y++) {
		int c = y - 11 - G->cohort0, yoff = y - p->year_from, ord = 0, planted = 0;
		const struct cohort *co = &G->co[c];
		for (int i = 0; i < co->n; i++) {
			const struct pupil *pu = &co->pu[i];
			if (!active(pu, yoff))
				continue;
			ord++;
			double z = gauss(G->rx), u = unif(G->rx);
			double ab = 0.5 * (pu->ab[sru] + pu->ab[sma]);
			double rec = rho * (ab - JOURNAL_RELATIVE * G->u) + sqrt(1 - rho * rho) * z +
				     G->leniency;
			bool medal = rec > MEDAL_CUT, plant = false;
			if (!medal && G->medal_on && rec > MEDAL_CUT - MEDAL_BAND &&
			    u < G->medal_strength)
				medal = plant = true;
			if (!medal)
				continue;
			planted += plant;
			char code[8];
			code_format(code, 11, ord);
			/* From 2024 two degrees: I for a record well above the cut. */
			int degree = y < 2024 ? 0 : !plant && rec > MEDAL_CUT + 0.5 ? 1 : 2;
			struct gen_medalist m = { &G->sc, y, code, degree, plant };
			int rc = G->sink->medalist ? G->sink->medalist(G->sink->ctx, &m) : 0;
			if (rc)
				return rc;
		}
		if (G->medal_on && G->sink->truth) {
			char pc[40];
			snprintf(pc, sizeof pc, "EGE-%d-RU-11", y);
			struct gen_truth t = { G->sc.login, pc, y, GEN_MEDAL, G->medal_strength,
					       NULL, planted };
			int rc = G->sink->truth(G->sink->ctx, &t);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* An exam's stated mark (ОГЭ: the scale's) and test score (ЕГЭ), from the final points. */
static void exam_marks(struct gen *G, int pi, int n)
{
	const struct procedure *x = &G->procs[pi];
	const struct gen_exam *ex = exam_of(x);
	if (!ex)
		return;
	for (int i = 0; i < n; i++) {
		struct gen_result *row = &G->rows[i];
		if (row->absent)
			continue;
		if (!strcmp(ex->kind, "OGE"))
			row->mark = procedure_mark(x, row->total);
		else
			row->test_score = gen_exam_test_score(ex, row->total);
	}
}

/* ---- the run ---- */

static int school_run(struct gen *G, long i)
{
	const struct gen_params *p = G->p;
	int rc = 0;
	stream_seed(G->rs, p->seed, (uint32_t)(3 * i));
	stream_seed(G->rm, p->seed, (uint32_t)(3 * i + 1));
	if (p->variant_sd > 0 || p->not_taught > 0)
		stream_seed(G->rv, p->seed, (uint32_t)(3 * i + 2));
	school_init(G, i);
	plan_init(G);
	G->sc.manipulated = G->plan.on;
	if (p->exams || p->teachers) {
		/* a stream number no school's 3i, 3i+1, 3i+2 reaches (i < 10^6) */
		stream_seed(G->rx, p->seed, (uint32_t)(0x80000000u + (uint32_t)i));
		extra_plan(G);
		G->sc.manipulated |= G->medal_on || G->teacher_on;
	}
	if (G->sink->school && (rc = G->sink->school(G->sink->ctx, &G->sc)))
		return rc;
	int nclasses = 0;
	/* A cohort only the exams see draws from the extra stream, and the exams' blocks
	 * come after the works' (gen_procedures): the ВПР-like rows are the same with or
	 * without --exams. */
	for (int c = 0; c < G->ncohorts; c++) {
		G->co[c].n = 0;
		int seen = cohort_observed(G, G->cohort0 + c);
		if (seen) {
			cohort_init(G, &G->co[c], seen == 2 ? G->rs : G->rx);
			nclasses += G->co[c].nclass;
		}
	}
	G->nsubject_teachers = nclasses / 5 > 1 ? nclasses / 5 : 1;
	struct tseq *ts = NULL;
	if (p->exams || p->teachers) {
		teacher_pick(G);
		if ((rc = school_medals(G)))
			return rc;
		ts = xcalloc(1, sizeof *ts);
	}
	for (int pi = 0; pi < G->nprocs; pi++) {
		const struct procedure *x = &G->procs[pi];
		if (x->grade < G->sc.grade_min || x->grade > G->sc.grade_max)
			continue;
		struct cohort *c = &G->co[x->year - x->grade - G->cohort0];
		if (c->n == 0)
			continue;
		int n = block_clean(G, pi, c);
		if ((rc = block_plant(G, pi, n, c->nclass)))
			goto out;
		if (ts && ((rc = block_teachers(G, pi, n, ts)) || (rc = block_teacher_plant(G, pi, n))))
			goto out;
		exam_marks(G, pi, n);
		for (int k = 0; k < n && G->sink->result; k++)
			if ((rc = G->sink->result(G->sink->ctx, &G->rows[k])))
				goto out;
	}
out:
	free(ts);
	return rc;
}

int gen_run(const struct gen_params *p, const struct gen_sink *sink, gen_progress_fn progress,
	    void *progress_ctx)
{
	char msg[256];
	int rc = gen_params_check(p, msg, sizeof msg);
	if (rc)
		return rc;
	struct gen G = { 0 };
	G.p = p;
	G.sink = sink;
	G.nyears = p->year_to - p->year_from + 1;
	G.gmin = p->grade_from;
	G.gmax = p->grade_to;
	for (int e = 0; p->exams && e < GEN_NEXAMS; e++) {
		G.gmin = gen_exams[e].grade < G.gmin ? gen_exams[e].grade : G.gmin;
		G.gmax = gen_exams[e].grade > G.gmax ? gen_exams[e].grade : G.gmax;
	}
	G.cohort0 = p->year_from - G.gmax;
	G.ncohorts = (p->year_to - G.gmin) - G.cohort0 + 1;
	G.rs = gsl_rng_alloc(gsl_rng_mt19937);
	G.rm = gsl_rng_alloc(gsl_rng_mt19937);
	G.rv = gsl_rng_alloc(gsl_rng_mt19937);
	G.rx = gsl_rng_alloc(gsl_rng_mt19937);
	if (!G.rs || !G.rm || !G.rv || !G.rx) {
		rc = ERR_NOMEM;
		goto out;
	}
	region_init(&G);
	if ((rc = gen_procedures(p, &G.procs, &G.nprocs)))
		goto out;
	G.gp = xcalloc((size_t)G.nprocs, sizeof *G.gp);
	for (int pi = 0; pi < G.nprocs; pi++) {
		int subj = 0;
		for (int s = 0; s < p->nsubjects; s++)
			if (!strcmp(p->subjects[s], G.procs[pi].subject))
				subj = s;
		gproc_init(&G.gp[pi], &G.procs[pi], p, subj, G.rs, G.jsd);
	}
	G.co = xcalloc((size_t)G.ncohorts, sizeof *G.co);
	for (int c = 0; c < G.ncohorts; c++)
		G.co[c].pu = xcalloc(COHORT_CAP, sizeof *G.co[c].pu);
	G.rows = xcalloc(COHORT_CAP, sizeof *G.rows);
	if (sink->begin && (rc = sink->begin(sink->ctx, p, G.procs, G.nprocs)))
		goto out;
	for (long i = 0; i < p->schools; i++) {
		if ((rc = school_run(&G, i)))
			goto out;
		if (progress)
			progress(progress_ctx, i + 1, p->schools);
	}
	if (sink->end)
		rc = sink->end(sink->ctx);
out:
	if (G.co)
		for (int c = 0; c < G.ncohorts; c++)
			free(G.co[c].pu);
	free(G.co);
	free(G.rows);
	free(G.gp);
	free(G.procs);
	free(G.counter);
	hmap_free(&G.names);
	if (G.rs)
		gsl_rng_free(G.rs);
	if (G.rm)
		gsl_rng_free(G.rm);
	if (G.rv)
		gsl_rng_free(G.rv);
	if (G.rx)
		gsl_rng_free(G.rx);
	return rc;
}
