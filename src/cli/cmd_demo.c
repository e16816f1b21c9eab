/* demo: fill the database with a synthetic region.
 *
 * Generates a region with the generator (gen/) into a temporary directory as canonical
 * CSV and loads it with the ordinary importers — schools, procedures, results — so the
 * demo goes through exactly the path real data takes; then a campaign of the last year
 * with dated sittings, observers (conflicts of interest among them), their assignment, a
 * few acts and video records (docs/observers.md); then re-checks (docs/recheck.md): an
 * experts' registry, finished rounds and a round in progress with demonstration scans in
 * `<database>.scans/`. A database that already holds
 * results is refused unless --force: the demo must not mix into real data by accident. */
#include <dirent.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "assign/observers.h"
#include "assign/recheck.h"
#include "base/err.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "cli/gen_opts.h"
#include "gen/gen.h"
#include "base/buf.h"
#include "base/hmap.h"
#include "base/ru.h"
#include "base/str.h"
#include "import/catalogue.h"
#include "import/import.h"
#include "io/scan.h"
#include "model/measure.h"
#include "model/medalist.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/pupil.h"
#include "model/keys.h"
#include "model/material.h"
#include "model/result.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/summary.h"
#include "model/user.h"
#include "report/pdf.h"
#include "report/scan_demo.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct progress {
	bool tty;
	int last;
	double t_last;
};

static void gen_progress(void *ctx, long done, long total)
{
	struct progress *pr = ctx;
	int pct = (int)(done * 100 / total);
	if (!pr->tty || pct == pr->last)
		return;
	pr->last = pct;
	fprintf(stderr, "\r  школ: %ld из %ld (%d %%)%s", done, total, pct, done == total ? "\n" : "");
}

static void import_progress(void *ctx, uint64_t done, uint64_t total, long rows)
{
	struct progress *pr = ctx;
	double t = now();
	bool final = total && done >= total;
	if (!pr->tty || (!final && t - pr->t_last < 0.5))
		return;
	pr->t_last = t;
	if (total)
		fprintf(stderr, "\r  строк: %ld (%.0f %%)%s", rows, 100.0 * (double)done / (double)total,
			final ? "\n" : "   ");
}

typedef int (*import_fn)(struct db *, const char *, const struct import_opts *,
			 struct diag_list *, struct import_stats *);

/* Loads one generated file; prints the problems when it fails. */
static int load(struct db *d, const char *dir, const char *name, import_fn fn,
		struct import_opts *o, struct import_stats *st)
{
	char path[4096];
	struct diag_list diags;
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return ERR_LIMIT;
	diag_init(&diags, 50);
	memset(st, 0, sizeof *st);
	int rc = fn(d, path, o, &diags, st);
	if (rc) {
		cli_print_diags(&diags);
		fprintf(stderr, "oko demo: не удалось загрузить сгенерированный файл %s: %s\n", name,
			err_str(rc));
	}
	diag_free(&diags);
	return rc;
}

/* The medalists of the generated region (medalists.csv, written by `--exams`): loaded when
 * the generator wrote them, so every role finds the index on /medalists; nothing otherwise. */
static int demo_medalists(struct db *d, const char *dir, const struct import_opts *o)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/medalists.csv", dir) >= (int)sizeof path || access(path, F_OK))
		return 0;
	struct import_opts oo = { .user = o->user };
	struct import_stats st;
	printf("Загрузка списков медалистов…\n");
	fflush(stdout);
	int rc = load(d, dir, "medalists.csv", import_medalists, &oo, &st);
	if (rc)
		return rc;
	printf("  %s\n", st.summary);
	/* oko's default thresholds start in 2021; an earlier year of the demo gets the region's
	 * own rule, as a region that set one would store it, so the index checks every year and
	 * the page shows thresholds of both kinds. */
	int *years = NULL;
	size_t ny = 0;
	if ((rc = medal_years(d, &years, &ny)))
		return rc;
	for (size_t i = 0; i < ny && !rc; i++) {
		struct medal_threshold *t = NULL;
		size_t n = 0;
		bool stored;
		if ((rc = medal_thresholds(d, years[i], &t, &n, &stored)))
			break;
		free(t);
		if (n)
			continue;
		struct medal_threshold r = { .year = years[i], .medal = 0, .subject = "RU", .min_score = 70,
					     .min_mark = -1 };
		snprintf(r.source, sizeof r.source, "Положение региона о медалях выпускников %d года "
			 "(демонстрация): русский язык не ниже 70 тестовых баллов", years[i]);
		if (!(rc = medal_thresholds_put(d, years[i], &r, 1, "demo")))
			printf("  пороги региона для выпуска %d года: русский язык не ниже 70 баллов\n",
			       years[i]);
	}
	free(years);
	return rc;
}

/* The teachers of the generated region (teachers_YEAR.csv, written by `--teachers`), year
 * by year, so the school finds its teachers on /teachers and the analysis their evidence. */
static int demo_teachers(struct db *d, const char *dir, const struct gen_params *p,
			 const struct import_opts *o)
{
	int rc = 0;
	for (int y = p->year_from; y <= p->year_to && !rc; y++) {
		char name[64], path[4096];
		snprintf(name, sizeof name, "teachers_%d.csv", y);
		if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
		    access(path, F_OK))
			continue;
		struct import_opts oo = { .user = o->user, .year = y };
		struct import_stats st;
		printf("Загрузка учителей %d года…\n", y);
		fflush(stdout);
		if (!(rc = load(d, dir, name, import_teachers, &oo, &st)))
			printf("  %s\n", st.summary);
	}
	return rc;
}

#define DEMO_PASSWORD "oko-demo-2026"

/* Users for every role, bound to the first municipality and its first school, so the demo
 * can be walked through in the browser. Existing logins are left as they are. */
/* The first few schools of the registry, for the next year's file. */
struct first_schools {
	char login[6][80];
	int n;
};

static int take_school(void *ctx, const struct registry_school_row *s)
{
	struct first_schools *f = ctx;
	if (!registry_login_digits(s->login) || strncmp(s->login, "sch", 3))
		return 0;
	snprintf(f->login[f->n++], sizeof f->login[0], "%s", s->login);
	return f->n == 6;
}

/* A results file of the next year as ФИС ОКО gave it: the same schools under edu… logins.
 * oko takes the procedure from its catalogue and proposes each new login as the school it
 * was, so the regional coordinator has logins to confirm (Школы → Логины школ). */
static int demo_next_year(struct db *d, struct import_opts *o)
{
	struct first_schools f = { .n = 0 };
	struct procedure p;
	char msg[256];
	int rc = registry_school_each(d, false, take_school, &f);
	if (rc < 0 || !f.n || catalogue_find("VPR-2022-MA-4", &p, msg, sizeof msg))
		return rc < 0 ? rc : 0; /* a build without the catalogue: nothing to show */
	struct buf b = BUF_INIT;
	buf_puts(&b, "school,procedure,code,class,variant,gender,journal_mark,absent");
	for (int j = 0; j < p.npos; j++)
		buf_printf(&b, ",%s", p.pos[j].label);
	buf_puts(&b, "\n");
	unsigned seed = 2022;
	for (int s = 0; s < f.n; s++)
		for (int k = 0; k < 20; k++) {
			/* A code of the grade's digit and four more, as ФИС ОКО's are (40001…). */
			buf_printf(&b, "edu%s,%s,%d,%d%s,%d,%s,%d,0", registry_login_digits(f.login[s]), p.code,
				   p.grade * 10000 + 1 + k, p.grade, k % 2 ? "А" : "Б", 1 + k % 2, k % 3 ? "м" : "ж",
				   3 + k % 3);
			for (int j = 0; j < p.npos; j++) {
				seed = seed * 1103515245u + 12345u;
				buf_printf(&b, ",%u", (seed >> 16) % (unsigned)(p.pos[j].max + 1));
			}
			buf_puts(&b, "\n");
		}
	struct import_opts oo = *o;
	oo.data = b.p;
	oo.len = b.len;
	oo.name = "vpr2022-ma4.csv";
	oo.progress = NULL;
	struct diag_list diags;
	struct import_stats st;
	diag_init(&diags, 100);
	rc = import_results(d, "vpr2022-ma4.csv", &oo, &diags, &st);
	if (rc)
		cli_print_diags(&diags);
	else
		printf("  ВПР 2022 (математика, 4 класс) у %d школ под новыми логинами edu…: oko предлагает "
		       "связать их с прежними sch… (Школы → Логины школ)\n", f.n);
	diag_free(&diags);
	buf_free(&b);
	return rc;
}

static int demo_users(struct db *d)
{
	char mun[256] = "", school[80] = "", msg[256];
	int rc = registry_first_school(d, mun, sizeof mun, school, sizeof school);
	if (rc)
		return rc;
	const struct {
		const char *login, *name;
		enum role role;
		const char *scope;
	} users[] = {
		{ "admin", "Администратор системы", ROLE_ADMIN, NULL },
		{ "region", "Региональный координатор", ROLE_REGION, NULL },
		{ "mun", "Муниципальный координатор", ROLE_MUNICIPALITY, mun },
		{ "school", "Школьный координатор", ROLE_SCHOOL, school },
		{ "expert", "Эксперт предметной комиссии", ROLE_EXPERT, NULL },
		{ "observer", "Общественный наблюдатель", ROLE_OBSERVER, NULL },
	};
	printf("Пользователи демонстрации (пароль у всех: %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
		rc = user_add(d, users[i].login, users[i].name, users[i].role, users[i].scope,
			      DEMO_PASSWORD, msg, sizeof msg);
		if (rc && rc != ERR_EXISTS) {
			fprintf(stderr, "oko demo: пользователь %s не добавлен: %s\n", users[i].login, msg);
			return rc;
		}
		printf("  %-9s %s%s%s\n", users[i].login, user_role_title(users[i].role),
		       users[i].scope ? " · " : "", users[i].scope ? users[i].scope : "");
	}
	return 0;
}

/* ---- observers: a campaign with sittings, a registry, an assignment, acts and video ----
 *
 * Everything is deterministic from the generator's seed. The campaign holds the last
 * generated year's procedures with the window of ВПР 2021 (15.03–21.05); each procedure
 * has a part of the window (ten working days, the parts staggered), every school that
 * wrote it a day and a start (09:00, 10:00 or 11:00) there. Observers are as many as the
 * busiest day's sittings (most take one sitting a day, some two or three), spread over the
 * municipalities like the schools. */

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_of(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void date_plus(const char *iso, int days, char out[PLAN_DATE_LEN])
{
	int y = 0, m = 0, d = 0;
	sscanf(iso, "%d-%d-%d", &y, &m, &d);
	plan_date_of((days_of(y, m, d) + days) * 86400, out);
}

static void time_plus(const char *hhmm, int minutes, char out[PLAN_TIME_LEN])
{
	int h = 0, m = 0;
	sscanf(hhmm, "%d:%d", &h, &m);
	unsigned t = (unsigned)(h * 60 + m + minutes);
	if (t > 23 * 60 + 59)
		t = 23 * 60 + 59;
	snprintf(out, PLAN_TIME_LEN, "%02u:%02u", (t / 60) % 24, t % 60);
}

struct demo_school {
	char login[64], mun[256];
	int64_t id;
};

struct demo_obs {
	struct db *d;
	int year;
	struct demo_school *s;
	size_t n, cap;
	char codes[64][40]; /* the campaign's procedures */
	int64_t pid[64];
	int np;
};

static int take_demo_school(void *ctx, const struct registry_school_row *r)
{
	struct demo_obs *x = ctx;
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 256;
		x->s = xrealloc(x->s, x->cap * sizeof *x->s);
	}
	struct demo_school *s = &x->s[x->n];
	snprintf(s->login, sizeof s->login, "%s", r->login);
	snprintf(s->mun, sizeof s->mun, "%s", r->municipality ? r->municipality : "");
	if (registry_school_find(x->d, r->login, &s->id) == 0)
		x->n++;
	return 0;
}

static int take_demo_proc(void *ctx, const struct procedure_item *p)
{
	struct demo_obs *x = ctx;
	if (p->year == x->year && !strcmp(p->kind, "VPR") && x->np < 64) {
		snprintf(x->codes[x->np], sizeof x->codes[0], "%s", p->code);
		x->pid[x->np++] = p->id;
	}
	return 0;
}

/* The procedures a school wrote (has results for), as bits over x->codes. */
struct wrote {
	const struct demo_obs *x;
	uint64_t bits;
};

static int take_wrote(void *ctx, const char *code, int64_t results)
{
	struct wrote *w = ctx;
	for (int k = 0; k < w->x->np; k++)
		if (results > 0 && !strcmp(code, w->x->codes[k]))
			w->bits |= 1ull << k;
	return 0;
}

static const char *const surnames[] = {
	"Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
	"Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
	"Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
	"Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
	"Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
	"Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
	"Антонов", "Тарасов",
};
static const char *const men[] = { "Александр", "Сергей", "Андрей", "Алексей", "Дмитрий",
				   "Михаил", "Владимир", "Николай", "Игорь", "Олег", "Виктор",
				   "Юрий", "Евгений", "Павел", "Анатолий" };
static const char *const women[] = { "Елена", "Ольга", "Наталья", "Татьяна", "Ирина",
				     "Светлана", "Марина", "Людмила", "Галина", "Анна", "Мария",
				     "Екатерина", "Надежда", "Оксана", "Валентина" };
static const char *const fathers[][2] = {
	{ "Александрович", "Александровна" }, { "Сергеевич", "Сергеевна" },
	{ "Андреевич", "Андреевна" }, { "Викторович", "Викторовна" },
	{ "Николаевич", "Николаевна" }, { "Владимирович", "Владимировна" },
	{ "Петрович", "Петровна" }, { "Иванович", "Ивановна" },
	{ "Михайлович", "Михайловна" }, { "Юрьевич", "Юрьевна" },
	{ "Геннадьевич", "Геннадьевна" }, { "Анатольевич", "Анатольевна" },
};
#define NELEM(a) (sizeof(a) / sizeof *(a))

/* The plan-graph of the campaign, loaded through the plan importer. */
static int demo_plan(struct db *d, const struct demo_obs *x, const char *campaign,
		     const struct import_opts *o)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "campaign,procedure,materials_from,window_from,window_to,criteria_from,"
		     "form_from,upload_deadline\n");
	for (int k = 0; k < x->np; k++)
		buf_printf(&b, "%s,%s,%d-03-10,%d-03-15,%d-05-21,%d-03-15,%d-03-15,%d-05-28\n", campaign,
			   x->codes[k], x->year, x->year, x->year, x->year, x->year, x->year);
	struct import_opts oo = *o;
	oo.data = b.p;
	oo.len = b.len;
	oo.name = "plan.csv";
	oo.progress = NULL;
	struct diag_list diags;
	struct import_stats st;
	diag_init(&diags, 50);
	int rc = import_plan(d, "plan.csv", &oo, &diags, &st);
	if (rc)
		cli_print_diags(&diags);
	diag_free(&diags);
	buf_free(&b);
	return rc;
}

/* Assigns the schools that wrote each procedure and fixes their dates and starts; the
 * busiest day's count of sittings in *peak. */
static int demo_sittings(struct db *d, struct demo_obs *x, int64_t cid, unsigned long seed,
			 char (*days)[PLAN_DATE_LEN], int ndays, long *sittings, long *peak)
{
	const struct scope all = scope_all();
	static const char *const starts[] = { "09:00", "10:00", "11:00" };
	long *per_day = xcalloc((size_t)ndays, sizeof *per_day);
	char msg[256];
	int len = ndays < 10 ? ndays : 10, rc = db_begin(d);
	*sittings = *peak = 0;
	for (size_t i = 0; !rc && i < x->n; i++) {
		struct wrote w = { .x = x };
		if ((rc = procedure_each_for_school(d, x->s[i].id, take_wrote, &w)))
			break;
		for (int k = 0; k < x->np && !rc; k++) {
			if (!(w.bits & (1ull << k)))
				continue;
			long added;
			int first = x->np > 1 ? k * (ndays - len) / (x->np - 1) : 0;
			uint64_t h = mix(seed * 1000003u + (uint64_t)i * 131u + (uint64_t)k);
			int day = first + (int)(h % (uint64_t)len);
			if ((rc = plan_assign(d, &all, cid, x->pid[k], x->s[i].id, 0, "oko demo", &added)) ||
			    (rc = plan_fix_date(d, x->pid[k], x->s[i].id, NULL, days[day],
						starts[(h >> 20) % 3], "oko demo", msg, sizeof msg))) {
				fprintf(stderr, "oko demo: %s\n", *msg ? msg : err_str(rc));
				break;
			}
			++*sittings;
			per_day[day]++;
		}
	}
	for (int i = 0; i < ndays; i++)
		if (per_day[i] > *peak)
			*peak = per_day[i];
	free(per_day);
	if (rc) {
		db_rollback(d);
		return rc;
	}
	return db_commit(d);
}

/* The registry as observers.csv in memory, loaded through the observers importer. */
static int demo_registry(struct db *d, const struct demo_obs *x, int64_t cid, unsigned long seed,
			 long nobs, char (*days)[PLAN_DATE_LEN], int ndays,
			 const struct import_opts *o, long *conflicts)
{
	struct buf b = BUF_INIT;
	*conflicts = 0;
	buf_puts(&b, "id,name,kind,municipality,works_at,children_at,max_per_day,available\n");
	for (long i = 0; i < nobs; i++) {
		uint64_t h = mix(seed * 7919u + (uint64_t)i);
		bool woman = h % 3 != 0;
		const char *sur = surnames[(h >> 8) % NELEM(surnames)];
		const char *first = woman ? women[(h >> 16) % NELEM(women)] : men[(h >> 16) % NELEM(men)];
		const char *pat = fathers[(h >> 24) % NELEM(fathers)][woman];
		/* Spread like the schools: the observer's municipality is that of the school at
		 * the same place in the registry's order. */
		size_t at = (size_t)(i * (long)x->n / nobs);
		const char *mun = x->s[at].mun;
		buf_printf(&b, "N%04ld,%s%s %s %s,%s,", i + 1, sur, woman ? "а" : "", first, pat,
			   i % 5 == 4 ? "специалист" : "общественный");
		buf_csv_field(&b, mun, strlen(mun), ',');
		buf_putc(&b, ',');
		/* About 30 % with a conflict of interest in their own municipality. */
		int c = (int)(i % 10);
		if (c == 0 || c == 3 || c == 6) {
			size_t w = at + (size_t)((h >> 32) % 3);
			if (w >= x->n || strcmp(x->s[w].mun, mun))
				w = at;
			buf_puts(&b, x->s[w].login);
			buf_putc(&b, ',');
			size_t ch = at + 1 + (size_t)((h >> 40) % 4);
			if (c != 6 && ch < x->n && !strcmp(x->s[ch].mun, mun) && ch != w)
				buf_puts(&b, x->s[ch].login);
			++*conflicts;
		} else {
			buf_putc(&b, ',');
		}
		static const int maxday[] = { 1, 1, 2, 1, 1, 3, 1, 2 };
		buf_printf(&b, ",%d,", maxday[(h >> 44) % NELEM(maxday)]);
		/* Each is available on about two days of five (volunteers with work of their
		 * own), so that some sittings stay unobserved: the control group of
		 * /observers/control. */
		int put = 0;
		for (int k = 0; k < ndays && put < OBS_MAX_DAYS; k++)
			if (mix(h + (uint64_t)k) % 5 < 2)
				buf_printf(&b, "%s%s", put++ ? " " : "", days[k]);
		buf_putc(&b, '\n');
	}
	struct import_opts oo = *o;
	oo.data = b.p;
	oo.len = b.len;
	oo.name = "observers.csv";
	oo.progress = NULL;
	struct diag_list diags;
	struct import_stats st;
	diag_init(&diags, 50);
	int rc = import_observers(d, "observers.csv", &oo, cid, &diags, &st);
	if (rc)
		cli_print_diags(&diags);
	diag_free(&diags);
	buf_free(&b);
	return rc;
}

/* Acts for some observed sittings (online, as the observer fills them), video records for
 * some sittings and for every sitting of the demo school. */
static int demo_acts(struct db *d, int64_t cid, const char *school, long *nacts, long *nvideo)
{
	const struct scope all = scope_all();
	struct obs_sitting *s = NULL;
	struct obs_violation_kind *vk = NULL;
	struct obs_act *a = xcalloc(1, sizeof *a);
	struct obs_video *v = xcalloc(1, sizeof *v);
	size_t n = 0, nvk = 0;
	char today[PLAN_DATE_LEN], msg[256] = "";
	static const char *const comments[] = {
		"Двое участников пользовались телефонами; телефоны изъяты, отмечено в протоколе.",
		"В аудитории находился учитель-предметник, выходил по просьбе наблюдателя.",
		"Работа начата на 15 минут позже: опоздание участников.",
	};
	*nacts = *nvideo = 0;
	plan_date_of(plan_now(), today);
	int rc = observer_sittings(d, &all, cid, &s, &n);
	if (rc || (rc = observer_violation_kinds(d, true, &vk, &nvk)))
		goto out;
	long observed = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!s[i].observer_id || strcmp(s[i].date, today) >= 0)
			continue;
		if (observed++ % 9 != 0 || *nacts >= 60)
			continue;
		int64_t id;
		memset(a, 0, sizeof *a);
		a->procedure_id = s[i].procedure_id;
		a->school_id = s[i].school_id;
		a->observer_id = s[i].observer_id;
		snprintf(a->started, sizeof a->started, "%s", s[i].time);
		time_plus(s[i].time, 45 + (int)(i % 4) * 15, a->ended);
		a->stages = i % 3 ? 31 : OBS_STAGE_PREPARE | OBS_STAGE_HANDOVER | OBS_STAGE_ROOM;
		if (*nacts % 4 == 3 && nvk) {
			a->violations[a->nviolations++] = vk[(size_t)*nacts % nvk].id;
			if (*nacts % 8 == 7 && nvk > 1)
				a->violations[a->nviolations++] = vk[((size_t)*nacts + 3) % nvk].id;
			snprintf(a->comment, sizeof a->comment, "%s", comments[(size_t)*nacts % NELEM(comments)]);
		} else {
			a->no_violations = true;
		}
		if ((rc = observer_act_put(d, a, "oko demo", &id, msg, sizeof msg)))
			fprintf(stderr, "oko demo: акт не сохранён: %s\n", *msg ? msg : err_str(rc));
		else
			++*nacts;
	}
	/* Each act is stored in a transaction of its own (observer_act_put); the video rows
	 * in one. */
	if (rc || (rc = db_begin(d)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		bool own = !strcmp(s[i].school_login, school);
		if (!own && i % 5 != 2)
			continue;
		for (int ph = 0; ph < 2 && !rc; ph++) {
			if (ph == 1 && !own && i % 10 != 2)
				continue;
			memset(v, 0, sizeof *v);
			v->procedure_id = s[i].procedure_id;
			v->school_id = s[i].school_id;
			v->phase = ph ? OBS_PHASE_CHECKING : OBS_PHASE_SITTING;
			snprintf(v->mode, sizeof v->mode, "%s", i % 7 == 0 ? "online" : i % 11 == 5 ? "none" : "record");
			if (strcmp(v->mode, "none")) {
				date_plus(s[i].date, 90, v->kept_until);
				snprintf(v->kept_where, sizeof v->kept_where, "%s",
					 ph ? "сервер школы, папка «Проверка ВПР»" : "сервер школы, архив видеозаписей");
			}
			if (i % 13 == 2) {
				v->outage_minutes = 12;
				snprintf(v->problems, sizeof v->problems, "%s",
					 "камера в кабинете отключалась на 12 минут (сбой питания)");
			}
			if ((rc = observer_video_put(d, v, "oko demo", msg, sizeof msg)))
				fprintf(stderr, "oko demo: видеонаблюдение не записано: %s\n", *msg ? msg : err_str(rc));
			else
				++*nvideo;
		}
	}
	if (rc)
		db_rollback(d);
	else
		rc = db_commit(d);
out:
	free(s);
	free(vk);
	free(a);
	free(v);
	return rc;
}

/* The demo user `observer` works as an observer who got assignments, preferably of the
 * demo municipality. */
static int demo_link(struct db *d, int64_t cid, const char *mun, char *code, size_t n)
{
	const struct scope all = scope_all();
	struct obs_person *v = NULL;
	size_t nv = 0;
	struct user u;
	char msg[256] = "";
	*code = '\0';
	int rc = observer_list(d, &all, cid, &v, &nv);
	if (rc || (rc = user_find(d, "observer", &u)))
		goto out;
	size_t best = nv;
	for (size_t i = 0; i < nv; i++)
		if (v[i].assigned > 0 && (best == nv || (!strcmp(v[i].municipality, mun) &&
							  strcmp(v[best].municipality, mun))))
			best = i;
	if (best == nv)
		goto out;
	if ((rc = observer_link_user(d, v[best].id, u.id, msg, sizeof msg))) {
		/* A second demo over the same database: the login is linked already. */
		fprintf(stderr, "oko demo: вход observer не связан с наблюдателем: %s\n",
			*msg ? msg : err_str(rc));
		rc = 0;
		goto out;
	}
	snprintf(code, n, "%s (%s), назначений: %ld", v[best].code, v[best].name, v[best].assigned);
out:
	free(v);
	return rc == ERR_NOTFOUND ? 0 : rc;
}

static int demo_observers(struct db *d, const struct gen_params *p, const struct import_opts *o)
{
	double t0 = now();
	struct demo_obs x = { .d = d, .year = p->year_to };
	char campaign[PLAN_NAME_MAX], mun[256] = "", school[80] = "", linked[400] = "",
	     msg[512] = "";
	char (*days)[PLAN_DATE_LEN] = NULL;
	int64_t cid = 0;
	long sittings = 0, peak = 0, conflicts = 0, nacts = 0, nvideo = 0;
	int ndays = 0;
	snprintf(campaign, sizeof campaign, "ВПР весна %d", p->year_to);
	int rc = procedure_each(d, take_demo_proc, &x);
	if (rc || !x.np || (rc = registry_school_each(d, false, take_demo_school, &x)) || !x.n)
		goto out;
	if ((rc = demo_plan(d, &x, campaign, o)) || (rc = plan_campaign_find(d, campaign, &cid)))
		goto out;
	/* The working days of the window. */
	days = xcalloc(80, sizeof *days);
	for (int64_t k = days_of(p->year_to, 3, 15); k <= days_of(p->year_to, 5, 21) && ndays < 80; k++)
		if ((k + 4) % 7 != 0 && (k + 4) % 7 != 6)
			plan_date_of(k * 86400, days[ndays++]);
	if ((rc = demo_sittings(d, &x, cid, p->seed, days, ndays, &sittings, &peak)))
		goto out;
	long nobs = peak;
	if (nobs < 6)
		nobs = 6;
	if ((rc = demo_registry(d, &x, cid, p->seed, nobs, days, ndays, o, &conflicts)))
		goto out;
	const struct scope all = scope_all();
	struct obs_assign_report r = { 0 };
	if ((rc = assign_observers_at(d, &all, cid, 2021, false, "oko demo", NULL, &r, msg, sizeof msg))) {
		fprintf(stderr, "oko demo: наблюдатели не назначены: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if ((rc = registry_first_school(d, mun, sizeof mun, school, sizeof school)) ||
	    (rc = demo_link(d, cid, mun, linked, sizeof linked)) ||
	    (rc = demo_acts(d, cid, school, &nacts, &nvideo)))
		goto out;
	char secs[16];
	snprintf(secs, sizeof secs, "%.1f", now() - t0);
	for (char *c = secs; *c; c++)
		if (*c == '.')
			*c = ',';
	printf("Наблюдатели (кампания «%s», %s с): наблюдателей: %ld (с конфликтом интересов: "
	       "%ld), проведений: %ld, назначено: %ld, актов: %ld, записей видеонаблюдения: %ld\n",
	       campaign, secs, nobs, conflicts, sittings, r.covered, nacts, nvideo);
	if (*linked)
		printf("  вход observer — наблюдатель %s\n", linked);
	printf("  Списка риска при назначении ещё не было: покрытие школ из списка видно после "
	       "анализа (oko analyze) на странице «Наблюдатели» кампании «%s».\n", campaign);
out:
	free(days);
	free(x.s);
	return rc;
}

/* ---- re-checks: an experts' registry, a finished round and one in progress ----
 *
 * docs/recheck.md. The procedure is the last year's ВПР in Russian, grade 4, for every
 * round (control works are drawn from the procedure's finished rounds). Everything is
 * drawn from the generator's seed:
 * - 30 experts (subjects RU, MA or both; 8 in the demo municipality, the others spread
 *   over the rest), each working at a school of its municipality, every third with a child
 *   at another — conflicts of interest; the login `expert` is the first of them, in the
 *   demo municipality, not at the demo school.
 * - The analysis runs first when the database has no run (the risk and boundary rules
 *   take their schools from the latest run), and again after the rounds: that run takes
 *   the finished re-checks into the schools' signs, and the plans of measures take their
 *   addressed help from it, so a measure's cause states the re-check the demo made.
 * - Two finished rounds of the region, scanned, checked and typed in (a demonstration scan
 *   per work, assigned, then recheck_check_import for every check 2 and every check 3 a
 *   discrepancy needed — every work an expert re-checked has its scan): a
 *   fifth of the works of each school on the risk list (five or so each: enough for the
 *   sign test), and every work of one school in two hundred of the others (the baseline).
 *   One round of both rules would draw a fifth of all schools whole. No control works in
 *   them (control_rate 0 while they are assigned): typed-in rounds leave none to do.
 * - The round in progress of the demo municipality (risk + boundary + random, share 0.2),
 *   its seed the first from the generator's on which the demo school and (when the
 *   municipality has one) a school with planted manipulation are sampled; a
 *   demonstration scan per work but every third of the demo school's (at most
 *   RC_DEMO_UNSCANNED: its uploads to do); assigned; about half its checks done through
 *   the expert's own path (recheck_task_save), the significant discrepancies first; the
 *   third checks they need assigned and about half of them done; the login `expert` keeps
 *   at least RC_DEMO_KEEP checks with a scan to do; the finished works drawn into queues as
 *   control works have their scans already.
 *
 * The simulated independent expert (what a demo scan shows, and every check of the demo):
 * from the school's scores, at a school the generator manipulated (any row of truth.csv)
 * each position scored by judgement (maximum >= 2) that the school gave points loses one
 * with probability 1/2; elsewhere, with probability 1/10, one random position moves by
 * one point (within 0..max). In the finished rounds a check 2 also slips by one point on
 * one position with probability RC_DEMO_SLIP (experts are not perfect: the experts' table
 * has something to show); checks 3 and the round in progress use the expert's scores. */

#define RC_DEMO_EXPERTS 30
#define RC_DEMO_LOCAL 8    /* experts in the demo municipality */
#define RC_DEMO_KEEP 10    /* checks the login `expert` keeps to do (the browser test
			    * scores five) */
#define RC_DEMO_SLIP 0.08
#define RC_DEMO_UNSCANNED 5 /* the demo school's works left for it to scan */

struct demo_rc_school {
	char login[64];
	int64_t id, mun_id;
	char mun[256];
};

struct demo_rc {
	struct db *d;
	struct demo_rc_school *s;
	size_t n, cap;
	struct hmap manipulated; /* school login -> 1 */
	struct procedure *p;
	char title[160];
	char scans[4096];
	uint64_t seed;
	char school[80]; /* the demo school's login */
};

static uint64_t rnd(uint64_t *st)
{
	*st += 0x9e3779b97f4a7c15u;
	return mix(*st);
}

static bool chance(uint64_t *st, double p)
{
	return (double)(rnd(st) >> 11) * 0x1.0p-53 < p;
}

/* A work's own stream: the seed, the school, the code and a salt. */
static uint64_t work_stream(uint64_t seed, const char *school, const char *code, uint64_t salt)
{
	uint64_t h = 1469598103934665603u ^ seed;
	for (const char *c = school; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211u;
	h = (h ^ '/') * 1099511628211u;
	for (const char *c = code; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211u;
	return mix(h ^ salt);
}

/* One point up or down on one random position, staying within 0..max. */
static void nudge(uint64_t *st, const struct procedure *p, uint8_t *s)
{
	int j = (int)(rnd(st) % (uint64_t)p->npos);
	bool up = rnd(st) & 1;
	if (up && s[j] >= p->pos[j].max)
		up = false;
	if (!up && s[j] == 0)
		up = p->pos[j].max > 0;
	if (up && s[j] < p->pos[j].max)
		s[j]++;
	else if (!up && s[j] > 0)
		s[j]--;
}

/* The independent expert's scores of a work (see above). */
static void expert_scores(const struct demo_rc *r, const struct rc_work *w, uint8_t *out)
{
	uint64_t st = work_stream(r->seed, w->school, w->code, 1);
	int64_t v;
	memcpy(out, w->s1, (size_t)w->npos);
	if (hmap_get(&r->manipulated, w->school, strlen(w->school), &v)) {
		for (int j = 0; j < w->npos && j < r->p->npos; j++)
			if (r->p->pos[j].max >= 2 && out[j] > 0 && chance(&st, 0.5))
				out[j]--;
	} else if (chance(&st, 0.1)) {
		nudge(&st, r->p, out);
	}
}

static int take_rc_school(void *ctx, const struct registry_school_row *row)
{
	struct demo_rc *r = ctx;
	int64_t id, mun = 0, reg = 0;
	if (registry_school_find(r->d, row->login, &id) ||
	    registry_school_territory(r->d, id, &mun, &reg) || !mun)
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->s = xrealloc(r->s, r->cap * sizeof *r->s);
	}
	struct demo_rc_school *s = &r->s[r->n++];
	snprintf(s->login, sizeof s->login, "%s", row->login);
	snprintf(s->mun, sizeof s->mun, "%s", row->municipality ? row->municipality : "");
	s->id = id;
	s->mun_id = mun;
	return 0;
}

/* The schools the generator manipulated: the first column of truth.csv. */
static void read_truth(struct demo_rc *r, const char *dir)
{
	char path[4096], line[512];
	if (snprintf(path, sizeof path, "%s/truth.csv", dir) >= (int)sizeof path)
		return;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	for (int first = 1; fgets(line, sizeof line, f); first = 0) {
		size_t k = strcspn(line, ",\r\n");
		if (!first && k)
			hmap_put(&r->manipulated, line, k, 1);
	}
	fclose(f);
}

/* The registry: RC_DEMO_EXPERTS experts stored through the model, the first linked to the
 * login `expert`. *linked gets its code and name. */
static int demo_experts(struct demo_rc *r, int64_t mun0, char *linked, size_t ln)
{
	static const char *const local_subjects[] = { "RU,MA", "RU", "RU,MA", "MA", "RU", "RU,MA",
						      "RU", "MA" };
	static const char *const subjects[] = { "RU", "MA", "RU,MA" };
	struct rc_expert_row *e = xcalloc(1, sizeof *e);
	int64_t *muns = xcalloc(r->n, sizeof *muns);
	size_t nm = 0;
	char msg[256] = "";
	*linked = '\0';
	for (size_t i = 0; i < r->n; i++) {
		size_t k = 0;
		while (k < nm && muns[k] != r->s[i].mun_id)
			k++;
		if (k == nm && r->s[i].mun_id != mun0)
			muns[nm++] = r->s[i].mun_id;
	}
	int rc = db_begin(r->d);
	for (int i = 0; !rc && i < RC_DEMO_EXPERTS; i++) {
		uint64_t h = mix(r->seed * 6151u + (uint64_t)i);
		int64_t mun = i < RC_DEMO_LOCAL || !nm ? mun0 : muns[(size_t)(i - RC_DEMO_LOCAL) % nm];
		/* The municipality's schools, by registry order. */
		size_t first = r->n, count = 0;
		for (size_t k = 0; k < r->n; k++)
			if (r->s[k].mun_id == mun) {
				if (first == r->n)
					first = k;
				count++;
			}
		if (!count)
			continue;
		memset(e, 0, sizeof *e);
		bool woman = h % 4 != 0;
		snprintf(e->code, sizeof e->code, "E%03d", i + 1);
		snprintf(e->name, sizeof e->name, "%s%s %s %s", surnames[(h >> 8) % NELEM(surnames)],
			 woman ? "а" : "", woman ? women[(h >> 16) % NELEM(women)] : men[(h >> 16) % NELEM(men)],
			 fathers[(h >> 24) % NELEM(fathers)][woman]);
		e->municipality_id = mun;
		snprintf(e->subjects, sizeof e->subjects, "%s",
			 i < RC_DEMO_LOCAL ? local_subjects[i] : subjects[i % 3]);
		e->max_works = 100;
		/* Where it works: a school of its municipality; the login `expert` not at the
		 * demo school, so that school's works may come to it. */
		size_t at = (size_t)((h >> 32) % count), seen = 0, w = first;
		for (size_t k = first; k < r->n; k++)
			if (r->s[k].mun_id == mun && seen++ == at) {
				w = k;
				break;
			}
		if (i == 0 && !strcmp(r->s[w].login, r->school) && count > 1)
			for (size_t k = first; k < r->n; k++)
				if (r->s[k].mun_id == mun && k != w) {
					w = k;
					break;
				}
		e->works_at[e->nworks++] = r->s[w].id;
		if (i % 3 == 2 && count > 1) {
			size_t ch = w;
			for (size_t k = w + 1 + (size_t)((h >> 40) % 3); k < r->n && ch == w; k++)
				if (r->s[k].mun_id == mun)
					ch = k;
			if (ch != w)
				e->children_at[e->nchildren++] = r->s[ch].id;
		}
		rc = expert_put(r->d, e, "oko demo");
	}
	if (rc) {
		db_rollback(r->d);
		goto out;
	}
	if ((rc = db_commit(r->d)))
		goto out;
	struct user u;
	int64_t eid;
	if (user_find(r->d, "expert", &u) || expert_find(r->d, "E001", &eid))
		goto out;
	if (expert_link_user(r->d, eid, u.id, msg, sizeof msg)) {
		/* A second demo over the same database: the login is linked already. */
		fprintf(stderr, "oko demo: вход expert не связан с экспертом: %s\n", *msg ? msg : "ошибка");
		goto out;
	}
	if (!expert_get(r->d, eid, e))
		snprintf(linked, ln, "%s (%s, %s)", e->code, e->name, e->municipality);
out:
	free(muns);
	free(e);
	return rc;
}

/* Draws a work's demonstration scan and stores it (file, then row). *id names the file
 * for the caller to remove when the transaction is undone. */
static int demo_scan(struct demo_rc *r, const struct rc_work *w, char id[SCAN_ID_LEN])
{
	uint8_t s[PROC_MAX_POSITIONS];
	char old[RC_SCAN_ID_LEN];
	struct buf b = BUF_INIT;
	*id = '\0';
	expert_scores(r, w, s);
	int rc = scan_demo_pdf(r->title, w->code, r->p, s, &b);
	if (!rc)
		rc = scan_store(r->scans, b.p, b.len, id);
	if (!rc && (rc = recheck_scan_set(r->d, w->id, id, "pdf", (int64_t)b.len, "oko demo", old)))
		scan_remove(r->scans, id), *id = '\0';
	if (!rc && *old)
		scan_remove(r->scans, old);
	buf_free(&b);
	return rc;
}

/* Scans for the works of a round: all, or (skip_school) all but a third of that school's
 * (at most RC_DEMO_UNSCANNED). In one transaction; the files of an undone one are
 * removed. */
static int demo_scans(struct demo_rc *r, int64_t round_id, const char *skip_school, long *made,
		      long *left)
{
	struct rc_work *w = NULL;
	size_t n = 0;
	char (*ids)[SCAN_ID_LEN] = NULL;
	long own = 0;
	*made = *left = 0;
	int rc = recheck_work_list(r->d, NULL, round_id, 0, &w, &n);
	if (rc || !n || (rc = db_begin(r->d)))
		goto out;
	ids = xcalloc(n, sizeof *ids);
	for (size_t i = 0; i < n && !rc; i++) {
		if (w[i].scan_id[0])
			continue;
		/* Every third of the school's works, at most RC_DEMO_UNSCANNED, waits. */
		if (skip_school && !strcmp(w[i].school, skip_school) && own++ % 3 == 1 &&
		    *left < RC_DEMO_UNSCANNED) {
			++*left;
			continue;
		}
		if (!(rc = demo_scan(r, &w[i], ids[i])))
			++*made;
	}
	if (!rc) {
		rc = db_commit(r->d);
	} else {
		fprintf(stderr, "oko demo: сканы не сохранены в %s: %s\n", r->scans, err_str(rc));
		db_rollback(r->d);
		for (size_t i = 0; i < n; i++)
			if (ids[i][0])
				scan_remove(r->scans, ids[i]);
	}
out:
	free(ids);
	free(w);
	return rc;
}

/* The finished round: every assigned check 2, then every needed check 3, typed in. */
static int demo_finish(struct demo_rc *r, int64_t round_id, uint64_t seed, long *third)
{
	struct rc_assign_report ar;
	struct rc_work *w = NULL;
	size_t n = 0;
	char msg[512] = "";
	*third = 0;
	int rc = 0;
	for (int check = 2; check <= 3 && !rc; check++) {
		if ((rc = recheck_assign(r->d, round_id, seed + (uint64_t)check, "oko demo", &ar, msg,
					 sizeof msg))) {
			fprintf(stderr, "oko demo: эксперты не назначены: %s\n", *msg ? msg : err_str(rc));
			break;
		}
		free(w);
		w = NULL;
		if ((rc = recheck_work_list(r->d, NULL, round_id, 0, &w, &n)) || (rc = db_begin(r->d)))
			break;
		for (size_t i = 0; i < n && !rc; i++) {
			int c = check - 2;
			if (!w[i].expert_id[c] || w[i].done[c])
				continue;
			uint8_t s[PROC_MAX_POSITIONS];
			expert_scores(r, &w[i], s);
			uint64_t st = work_stream(r->seed, w[i].school, w[i].code, 2);
			if (check == 2 && chance(&st, RC_DEMO_SLIP))
				nudge(&st, r->p, s);
			rc = recheck_check_import(r->d, w[i].id, check, w[i].expert_id[c], s, w[i].npos,
						  "oko demo");
			*third += check == 3;
		}
		if (rc)
			db_rollback(r->d);
		else
			rc = db_commit(r->d);
	}
	free(w);
	return rc;
}

/* A dry run's works: does it take the demo school's works and a manipulated school's? */
struct rc_probe {
	const struct demo_rc *r;
	long own, manipulated;
};

static int probe_row(void *ctx, const struct rc_sample_row *row)
{
	struct rc_probe *pr = ctx;
	int64_t v;
	pr->own += !strcmp(row->school, pr->r->school);
	pr->manipulated += hmap_get(&pr->r->manipulated, row->school, strlen(row->school), &v);
	return 0;
}

/* The round in progress: about half its checks done, significant discrepancies first,
 * then the third checks they need (half of them done, at least one); the login `expert`
 * (expert id mine) keeps at least RC_DEMO_KEEP to do. */
static int demo_progress(struct demo_rc *r, int64_t round_id, uint64_t seed, int64_t mine,
			 long *done, long *third_done)
{
	struct rc_assign_report ar;
	struct rc_work *w = NULL;
	struct rc_task *q = NULL;
	size_t n = 0, nq = 0;
	char msg[512] = "";
	struct rc_cfg cfg;
	const int *scale = r->p->has_scale ? r->p->scale : NULL;
	long mine_left = 0;
	*done = *third_done = 0;
	int rc = recheck_cfg_get(r->d, r->p->id, &cfg);
	if (rc || (rc = recheck_assign(r->d, round_id, seed, "oko demo", &ar, msg, sizeof msg))) {
		fprintf(stderr, "oko demo: эксперты не назначены: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if (mine && !(rc = recheck_queue(r->d, mine, &q, &nq)))
		for (size_t i = 0; i < nq; i++)
			mine_left += !q[i].done && q[i].has_scan;
	if (rc || (rc = recheck_work_list(r->d, NULL, round_id, 0, &w, &n)))
		goto out;
	uint8_t s[PROC_MAX_POSITIONS];
	long want = (long)n / 2;
	if ((rc = db_begin(r->d)))
		goto out;
	/* Two passes: the works whose expert's scores differ significantly from the school's,
	 * then the others, while fewer than half are done. */
	for (int pass = 0; pass < 2 && !rc; pass++)
		for (size_t i = 0; i < n && !rc && *done < want; i++) {
			if (!w[i].expert_id[0] || w[i].done[0] || !w[i].scan_id[0])
				continue;
			expert_scores(r, &w[i], s);
			bool sig = rc_significant(&cfg, scale, w[i].s1, s, w[i].npos);
			if (sig != (pass == 0))
				continue;
			if (w[i].expert_id[0] == mine) {
				if (mine_left <= RC_DEMO_KEEP)
					continue;
				mine_left--;
			}
			if ((rc = recheck_task_save(r->d, w[i].expert_id[0], w[i].check_id[0], s, w[i].npos,
						    true, msg, sizeof msg)))
				fprintf(stderr, "oko demo: проверка не сохранена: %s\n", msg);
			else
				++*done;
		}
	if (rc) {
		db_rollback(r->d);
		goto out;
	}
	if ((rc = db_commit(r->d)))
		goto out;
	/* Third checks for the significant discrepancies, half of them done. */
	if ((rc = recheck_assign(r->d, round_id, seed + 3, "oko demo", &ar, msg, sizeof msg))) {
		fprintf(stderr, "oko demo: третьи эксперты не назначены: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	free(w);
	w = NULL;
	if ((rc = recheck_work_list(r->d, NULL, round_id, 0, &w, &n)) || (rc = db_begin(r->d)))
		goto out;
	long waiting3 = 0;
	for (size_t i = 0; i < n; i++)
		waiting3 += w[i].expert_id[1] && !w[i].done[1];
	for (size_t i = 0, k = 0; i < n && !rc; i++) {
		if (!w[i].expert_id[1] || w[i].done[1] || w[i].expert_id[1] == mine)
			continue;
		if (k++ > (size_t)waiting3 / 2)
			break;
		expert_scores(r, &w[i], s);
		if ((rc = recheck_task_save(r->d, w[i].expert_id[1], w[i].check_id[1], s, w[i].npos, true,
					    msg, sizeof msg)))
			fprintf(stderr, "oko demo: третья проверка не сохранена: %s\n", msg);
		else
			++*third_done, ++*done;
	}
	if (rc)
		db_rollback(r->d);
	else
		rc = db_commit(r->d);
out:
	free(q);
	free(w);
	return rc;
}

/* Runs the analysis (into dir/analysis): before the rounds (again false) for the risk
 * list when the database has none; after them (again true), so that the latest run — the
 * one the plans of measures take their addressed help and its causes from — has the
 * re-checks' verdicts. */
static int demo_analysis(struct db *d, const char *db_path, const char *dir, bool again)
{
	struct run_info ri;
	if (!again && !run_latest(d, &ri))
		return 0;
	char out[4096], msg[512] = "";
	if (snprintf(out, sizeof out, "%s/analysis", dir) >= (int)sizeof out)
		return ERR_LIMIT;
	struct analysis_opts o = { 0 };
	o.db_path = db_path;
	o.out_dir = out;
	o.store = true;
	o.q = 0.05;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu > 1 ? (ncpu > 8 ? 8 : (int)ncpu) : 1;
	struct analysis_summary sum;
	gsl_set_error_handler_off();
	int rc = analysis_run(d, &o, &sum, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "oko demo: анализ для отбора работ не выполнен: %s\n", *msg ? msg : err_str(rc));
	else
		printf("  анализ %s: список риска — %zu %s\n", again ? "с итогами перепроверки" : "для отбора работ",
		       sum.listed, str_plural((long)sum.listed, "школа", "школы", "школ"));
	return rc;
}

static void secs_text(double s, char *out, size_t n)
{
	snprintf(out, n, "%.1f", s);
	for (char *c = out; *c; c++)
		if (*c == '.')
			*c = ',';
}

static int demo_recheck(struct db *d, const struct gen_params *gp, const char *db_path,
			const char *dir)
{
	double t0 = now();
	struct demo_rc r = { .d = d, .seed = gp->seed };
	struct rc_round *rounds = NULL;
	size_t nrounds = 0;
	char code[40], mun[256] = "", linked[600] = "", msg[512] = "", secs[16];
	struct user mu;
	const struct scope all = scope_all();
	r.p = xcalloc(1, sizeof *r.p);
	hmap_init(&r.manipulated);
	snprintf(code, sizeof code, "VPR-%d-RU-4", gp->year_to);
	int rc = procedure_get(d, code, r.p);
	if (rc) {
		/* A demo without grade 4 or Russian: nothing to re-check. */
		printf("Перепроверка в демонстрации не добавлена: нет процедуры %s.\n", code);
		rc = 0;
		goto out;
	}
	procedure_title_of(r.p->code, r.p->subject, r.p->grade, r.title, sizeof r.title);
	snprintf(r.title + strlen(r.title), sizeof r.title - strlen(r.title), ", %d", r.p->year);
	if ((rc = recheck_round_list(d, &all, r.p->id, &rounds, &nrounds)))
		goto out;
	if (nrounds) {
		printf("Перепроверка: в базе уже есть туры по процедуре «%s» — новые не добавлены.\n",
		       r.title);
		goto out;
	}
	if ((rc = registry_first_school(d, mun, sizeof mun, r.school, sizeof r.school)) ||
	    (rc = user_find(d, "mun", &mu)) ||
	    (rc = registry_school_each(d, false, take_rc_school, &r)))
		goto out;
	if (!r.n || !mu.municipality_id)
		goto out;
	read_truth(&r, dir);
	/* The database's own name for its file (absolute), as the web server finds the
	 * scans. */
	char file[4096];
	db_file(d, file, sizeof file);
	scan_dir_of(*file ? file : db_path, r.scans, sizeof r.scans);
	printf("Перепроверка работ («%s»):\n", r.title);
	fflush(stdout);
	if ((rc = demo_analysis(d, db_path, dir, false)) ||
	    (rc = demo_experts(&r, mu.municipality_id, linked, sizeof linked)))
		goto out;

	/* The finished rounds of the region (see above). */
	static const struct {
		unsigned rules;
		double share;
	} past[] = { { RC_RULE_RISK, 0.2 }, { RC_RULE_RANDOM, 0.005 } };
	struct rc_sample_opts so = { .procedure_id = r.p->id, .kind = RC_MUNICIPAL, .no_mutual = true };
	struct rc_sample_report sr1[2], sr2;
	/* No control works in the finished rounds (their checks are typed in whole, control
	 * checks left in queues would never be done); the procedure's settings are the
	 * defaults again for the round in progress. */
	struct rc_cfg cfg;
	if ((rc = recheck_cfg_get(d, r.p->id, &cfg)))
		goto out;
	struct rc_cfg nocontrol = cfg;
	nocontrol.control_rate = 0;
	if ((rc = recheck_cfg_put(d, r.p->id, &nocontrol, "oko demo", msg, sizeof msg)))
		goto out;
	long scans1 = 0;
	for (int k = 0; k < 2; k++) {
		long third = 0, made = 0, left = 0;
		so.rules = past[k].rules;
		so.share = past[k].share;
		so.seed = gp->seed * 1000u + 1u + (uint64_t)k;
		if ((rc = recheck_sample(d, &all, &so, "oko demo", NULL, NULL, &sr1[k], msg, sizeof msg))) {
			fprintf(stderr, "oko demo: работы не отобраны: %s\n", msg);
			goto out;
		}
		/* Every work re-checked has its scan, the finished rounds' too. */
		if ((rc = demo_scans(&r, sr1[k].round_id, NULL, &made, &left)) ||
		    (rc = demo_finish(&r, sr1[k].round_id, so.seed, &third)))
			goto out;
		scans1 += made;
	}
	if ((rc = recheck_cfg_put(d, r.p->id, &cfg, "oko demo", msg, sizeof msg)))
		goto out;

	/* The round in progress of the demo municipality: the first seed from the
	 * generator's that samples the demo school and a manipulated school. */
	const struct scope ms = scope_of(&mu);
	so.rules = RC_RULE_RISK | RC_RULE_BOUNDARY | RC_RULE_RANDOM;
	so.share = 0.2;
	so.dry_run = true;
	uint64_t base = gp->seed * 1000u + 3u, pick = base;
	bool found = false, own = false, any = false;
	int64_t v;
	for (size_t i = 0; i < r.n && !any; i++)
		any = r.s[i].mun_id == mu.municipality_id &&
		      hmap_get(&r.manipulated, r.s[i].login, strlen(r.s[i].login), &v);
	for (uint64_t k = 0; k < 100 && !found; k++) {
		struct rc_probe pr = { .r = &r };
		so.seed = base + k;
		if (recheck_sample(d, &ms, &so, "oko demo", probe_row, &pr, &sr2, msg, sizeof msg) ||
		    pr.own < 3)
			continue;
		if (!own)
			pick = so.seed; /* failing both: the first with the demo school */
		own = true;
		if (pr.manipulated > 0 || !any) {
			pick = so.seed;
			found = true;
		}
	}
	so.seed = pick;
	so.dry_run = false;
	if ((rc = recheck_sample(d, &ms, &so, "oko demo", NULL, NULL, &sr2, msg, sizeof msg))) {
		fprintf(stderr, "oko demo: работы не отобраны: %s\n", msg);
		goto out;
	}
	long made2 = 0, left2 = 0, done2 = 0, third2 = 0;
	int64_t mine = 0;
	struct user eu;
	if (user_find(d, "expert", &eu) || expert_of_user(d, eu.id, &mine))
		mine = 0;
	if ((rc = demo_scans(&r, sr2.round_id, r.school, &made2, &left2)) ||
	    (rc = demo_progress(&r, sr2.round_id, pick, mine, &done2, &third2)) ||
	    (rc = demo_analysis(d, db_path, dir, true)))
		goto out;

	/* The summary, from the rounds as the coordinator's page reads them. */
	struct rc_round r1[2], r2;
	long mine_left = 0;
	struct rc_task *q = NULL;
	size_t nq = 0;
	if ((rc = recheck_round_get(d, sr1[0].round_id, &r1[0])) ||
	    (rc = recheck_round_get(d, sr1[1].round_id, &r1[1])) ||
	    (rc = recheck_round_get(d, sr2.round_id, &r2)))
		goto out;
	if (mine && !recheck_queue(d, mine, &q, &nq))
		for (size_t i = 0; i < nq; i++)
			mine_left += !q[i].done;
	free(q);
	secs_text(now() - t0, secs, sizeof secs);
	long wait = r2.works - r2.final;
	printf("  экспертов в реестре: %d; вход expert — эксперт %s\n", RC_DEMO_EXPERTS,
	       *linked ? linked : "(не связан)");
	printf("  завершённые туры области (работы отсканированы, проверки внесены): работ из школ "
	       "списка риска: %ld, случайной выборки: %ld; сканов: %ld; проверено: %ld (третьим "
	       "экспертом: %ld)\n", r1[0].works, r1[1].works, scans1, r1[0].final + r1[1].final,
	       r1[0].done3 + r1[1].done3);
	printf("  текущий тур (%s): отобрано работ: %ld, сканов: %ld (не загружено: %ld — у школы "
	       "%s), сделано проверок: %ld (третьих: %ld), ждут проверки %ld %s, контрольных работ "
	       "в очередях: %ld; у входа expert %ld %s\n",
	       r2.municipality, r2.works, r2.scans, r2.works - r2.scans, r.school, done2, third2,
	       wait, str_plural(wait, "работа", "работы", "работ"), r2.control, mine_left,
	       str_plural(mine_left, "проверка", "проверки", "проверок"));
	printf("  (перепроверка в демонстрации: %s с)\n", secs);
out:
	free(rounds);
	free(r.s);
	free(r.p);
	hmap_free(&r.manipulated);
	return rc;
}

/* ---- plans of measures (docs/measures.md) ----
 *
 * After the re-checks: the demo municipality's plan of measures from the template
 * municipal-vpr for the demo's school year, with addressed help from the latest analysis run
 * — the one made after the re-checks, so each cause states the re-check's verdict where the
 * demo re-checked the school's works — for the municipality's flagged schools; some measures
 * done with a dated note, some in progress, some overdue (the demo plays a past year: a
 * due date in it is before today); a measure addressed to the demo school when it is not
 * flagged; the demo school's own plan from school-objectivity; the municipality's
 * requisites for the documents. */

/* Sets a measure's due date (and keeps the rest). */
static int demo_due(struct db *d, struct mp_measure *m, const char *due)
{
	char msg[256] = "";
	snprintf(m->due, sizeof m->due, "%s", due);
	int rc = measure_update(d, m, "oko demo", msg, sizeof msg);
	if (rc)
		fprintf(stderr, "oko demo: срок мероприятия не записан: %s\n", *msg ? msg : err_str(rc));
	return rc;
}

/* A status with its note. A measure done is recorded on a day of the demo's year — its due
 * date (done on time), or, for every fourth done measure and for those without a due date,
 * the last day of the plan (late when it had a due date): the demo plays a past year, and
 * "today" would make every measure late. */
static int demo_report(struct db *d, const struct mp_measure *m, enum mp_status st, const char *note)
{
	static long ndone;
	char msg[256] = "", on[MP_DATE_LEN] = "";
	struct mp_plan *p = xcalloc(1, sizeof *p);
	if (st == MP_DONE && !mplan_get(d, m->plan_id, p))
		snprintf(on, sizeof on, "%s", m->due[0] && ndone++ % 4 != 3 ? m->due : p->period_to);
	free(p);
	int rc = measure_report_on(d, m->id, st, on, note, NULL, NULL, NULL, 0, "oko demo", msg, sizeof msg);
	if (rc)
		fprintf(stderr, "oko demo: отметка о мероприятии не записана: %s\n", *msg ? msg : err_str(rc));
	return rc;
}

/* Whether the run has a re-check verdict for the school (works re-checked to the end). */
static bool demo_rechecked(struct db *d, int64_t run_id, int64_t school_id)
{
	struct rc_run_row *rr = NULL;
	size_t nr = 0;
	bool yes = run_id && !recheck_run_school(d, run_id, school_id, &rr, &nr) && nr > 0;
	free(rr);
	return yes;
}

/* Whether the school has works sampled into the demo's re-check rounds (of its one
 * procedure, VPR-YEAR-RU-4: demo_recheck), from the list w of n works. */
static bool demo_sampled(const struct rc_work *w, size_t n, int64_t school_id)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].school_id == school_id)
			return true;
	return false;
}

static int demo_measures(struct db *d, const struct gen_params *gp)
{
	struct user mu, su;
	struct run_info ri;
	struct mp_plan *p = xcalloc(1, sizeof *p), *sp = xcalloc(1, sizeof *sp);
	struct mp_measure *v = NULL, *sv = NULL;
	struct mp_block *b = NULL;
	size_t n = 0, ns = 0, nb = 0;
	char msg[512] = "", from[MP_DATE_LEN], to[MP_DATE_LEN], date[MP_DATE_LEN];
	int y = gp->year_to;
	struct rc_work *rw = NULL;
	size_t nrw = 0;
	int rc = user_find(d, "mun", &mu);
	if (rc || !mu.municipality_id || (rc = user_find(d, "school", &su)) || !su.school_id)
		goto out;
	/* The works the demo re-checks (none when it re-checks nothing). */
	struct procedure *rp = xcalloc(1, sizeof *rp);
	char rcode[40];
	const struct scope all = scope_all();
	snprintf(rcode, sizeof rcode, "VPR-%d-RU-4", y);
	if (!procedure_get(d, rcode, rp))
		rc = recheck_work_list(d, &all, 0, rp->id, &rw, &nrw);
	free(rp);
	if (rc)
		goto out;
	const struct scope ms = scope_of(&mu);
	struct mp_plan *have = NULL;
	size_t nhave = 0;
	if ((rc = mplan_list(d, &ms, &have, &nhave)))
		goto out;
	free(have);
	if (nhave) {
		printf("Планы мероприятий: у муниципалитета «%s» планы уже есть — новые не добавлены.\n",
		       mu.scope_name);
		goto out;
	}
	snprintf(from, sizeof from, "%04u-09-01", (unsigned)(y - 1) % 10000u);
	snprintf(to, sizeof to, "%04u-08-31", (unsigned)y % 10000u);

	/* The municipality's plan. */
	p->level = MP_MUNICIPALITY;
	p->municipality_id = mu.municipality_id;
	snprintf(p->period_from, sizeof p->period_from, "%s", from);
	snprintf(p->period_to, sizeof p->period_to, "%s", to);
	snprintf(p->title, sizeof p->title, "План мероприятий по повышению объективности проведения ВПР в %d году "
		 "в общеобразовательных организациях муниципалитета «%.150s»", y, mu.scope_name);
	snprintf(p->approved, sizeof p->approved, "приказом от 01.03.%d № 36/1", y);
	if ((rc = mplan_from_template(d, "municipal-vpr", p, "oko demo", msg, sizeof msg))) {
		fprintf(stderr, "oko demo: план мероприятий не добавлен: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	/* Addressed help from the latest run (made after the re-checks). */
	struct mp_help_report hr = { 0 };
	unsigned kinds = 1u << MP_KIND_INTERVIEW | 1u << MP_KIND_CONTROL | 1u << MP_KIND_RECHECK |
			 1u << MP_KIND_OBSERVERS | 1u << MP_KIND_SEMINAR;
	snprintf(date, sizeof date, "%04u-05-31", (unsigned)y % 10000u);
	if (!run_latest(d, &ri) &&
	    (rc = measure_help_from_run(d, &ms, p->id, ri.id, kinds, date, "oko demo", &hr, msg, sizeof msg))) {
		fprintf(stderr, "oko demo: адресная помощь не добавлена: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if ((rc = measure_list(d, p->id, &v, &n)) || (rc = mplan_blocks(d, p->id, &b, &nb)) || nb < 2)
		goto out;
	/* The demo school: addressed help when it is flagged, else one measure for it. */
	bool addressed = false;
	for (size_t i = 0; i < n; i++)
		addressed |= v[i].school_id == su.school_id;
	if (!addressed) {
		struct mp_measure *m = xcalloc(1, sizeof *m);
		m->plan_id = p->id;
		m->block_id = b[1].id;
		m->school_id = su.school_id;
		snprintf(m->text, sizeof m->text, "Представление справки о мерах по обеспечению объективности "
			 "проведения ВПР и проверки работ в %.200s", su.scope_name);
		snprintf(m->term, sizeof m->term, "до 30 апреля");
		snprintf(m->due, sizeof m->due, "%04u-04-30", (unsigned)y % 10000u);
		snprintf(m->responsible, sizeof m->responsible, "Руководитель ОО");
		snprintf(m->expected, sizeof m->expected, "Справка о мерах по обеспечению объективности");
		rc = measure_add(d, m, "oko demo", msg, sizeof msg);
		free(m);
		if (rc) {
			fprintf(stderr, "oko demo: мероприятие для школы не добавлено: %s\n", msg);
			goto out;
		}
		free(v);
		v = NULL;
		if ((rc = measure_list(d, p->id, &v, &n)))
			goto out;
	}
	/* «Учёт специфики территории» of some of the template's measures: the local acts and
	 * forums they go through, as a municipality's information note writes them. */
	static const struct {
		const char *text;      /* the start of the measure's text */
		const char *specifics;
		bool minutes;          /* followed by the meeting's minutes of March of the year */
	} local[] = {
		{ "Издание приказа о назначении", "Приказ Комитета по образованию о проведении ВПР, приказы ОО "
		  "о назначении школьных координаторов", false },
		{ "Издание приказов об организации", "Приказ Комитета по образованию о проведении ВПР; "
		  "совещание руководителей ОО", true },
		{ "Разработка в ОО плана", "совещание руководителей ОО", true },
		{ "Анализ итогов ВПР", "заседания городских и школьных методических объединений учителей", false },
		{ "Совершенствование внутришкольного контроля", "планы внутришкольного контроля ОО; выборочный "
		  "контроль Комитета по образованию", false },
		{ "Привлечение специалистов", "Приказ Комитета по образованию о направлении наблюдателей в ОО; "
		  "общественные наблюдатели из родительских комитетов ОО", false },
		{ "Консультативная помощь", "Программа методического сопровождения учителей, показавших "
		  "необъективные результаты, муниципальной методической службы", false },
		{ "Семинар для экспертов", "семинар муниципальной методической службы на базе ОО с объективными "
		  "результатами", false },
		{ "Размещение на официальном сайте", "раздел «ВПР» официального сайта Комитета по образованию", false },
	};
	for (size_t i = 0; i < n && !rc; i++) {
		struct mp_measure *m = &v[i];
		for (size_t k = 0; k < NELEM(local) && !m->school_id; k++) {
			if (strncmp(m->text, local[k].text, strlen(local[k].text)))
				continue;
			if (local[k].minutes)
				snprintf(m->specifics, sizeof m->specifics, "%s (протокол № 3 от 25.03.%04u)",
					 local[k].specifics, (unsigned)y % 10000u);
			else
				snprintf(m->specifics, sizeof m->specifics, "%s", local[k].specifics);
			if ((rc = measure_update(d, m, "oko demo", msg, sizeof msg)))
				fprintf(stderr, "oko demo: учёт специфики мероприятия не записан: %s\n",
					*msg ? msg : err_str(rc));
			break;
		}
	}
	if (rc)
		goto out;
	/* Statuses: the first block's measures done (but the last), the second's first two done,
	 * the information block in progress; dated measures of the second block overdue; of the
	 * addressed help, interviews done, personal control in progress, the re-check done
	 * where the run has the school's re-check verdict and in progress where its works wait
	 * in a round, observers sent to the first three schools, the rest left as planned —
	 * overdue after their due date. */
	static const char *const notes[] = {
		"Приказ издан, копия приложена к отчёту.",
		"Выполнено в срок, информация направлена в Комитет.",
		"Проведено; протокол совещания размещён на сайте.",
		"Рассмотрено на заседании методического объединения.",
	};
	long ndone = 0, nprog = 0, ordinal = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		struct mp_measure *m = &v[i];
		const char *note = notes[i % NELEM(notes)];
		if (m->school_id && m->kind == MP_KIND_NONE) {
			/* The measure added for the demo school: left for the school to report. */
			continue;
		}
		if (m->school_id) {
			/* Help is added school by school, the interview first. */
			ordinal += m->kind == MP_KIND_INTERVIEW;
			if (m->kind == MP_KIND_INTERVIEW) {
				rc = demo_report(d, m, MP_DONE, "Собеседование с руководителем проведено, план работы "
							"школы по обеспечению объективности получен. Протокол в приложении.");
				ndone++;
			} else if (m->kind == MP_KIND_CONTROL) {
				/* Personal control runs through the year: no due date. */
				snprintf(m->term, sizeof m->term, "в течение учебного года");
				if (!(rc = demo_due(d, m, "")))
					rc = demo_report(d, m, MP_PROGRESS, "Персональный контроль начат: посещены уроки "
								"учителей математики и русского языка.");
				nprog++;
			} else if (m->kind == MP_KIND_RECHECK) {
				/* As the demo re-checked: done where the run has the school's verdict (its
				 * cause says what it found), in progress where its works wait in a round,
				 * else left to do. */
				if (demo_rechecked(d, m->run_id, m->school_id)) {
					rc = demo_report(d, m, MP_DONE, "Работы перепроверены предметной комиссией, "
									 "протокол в приложении.");
					ndone++;
				} else if (demo_sampled(rw, nrw, m->school_id)) {
					rc = demo_report(d, m, MP_PROGRESS, "Работы школы отобраны в тур перепроверки, "
									    "эксперты проверяют их по сканам.");
					nprog++;
				}
			} else if (m->kind == MP_KIND_OBSERVERS && ordinal <= 3) {
				rc = demo_report(d, m, MP_DONE, "Наблюдатели направлены, акты наблюдения получены.");
				ndone++;
			}
			continue;
		}
		if (m->block_id == b[0].id && m->pos < 6) {
			rc = demo_report(d, m, MP_DONE, note);
			ndone++;
		} else if (m->block_id == b[1].id && m->pos <= 2) {
			rc = demo_report(d, m, MP_DONE, note);
			ndone++;
		} else if (m->block_id == b[1].id && m->pos <= 5) {
			/* Dated terms of the past year: overdue. */
			static const unsigned md[][2] = { { 9, 30 }, { 3, 31 }, { 5, 31 } }; /* pos 3, 4, 5 */
			const unsigned *x = md[m->pos - 3];
			snprintf(date, sizeof date, "%04u-%02u-%02u", (unsigned)(y - (m->pos == 3)) % 10000u, x[0] % 100u,
				 x[1] % 100u);
			rc = demo_due(d, m, date);
			if (!rc && m->pos == 4) {
				rc = demo_report(d, m, MP_PROGRESS, "Начато: посещены уроки в 4–6 классах.");
				nprog++;
			}
		} else if (nb > 3 && m->block_id == b[3].id && m->pos <= 2) {
			rc = demo_report(d, m, MP_PROGRESS, "Информация обновляется на сайте по мере проведения работ.");
			nprog++;
		}
	}
	if (rc)
		goto out;

	/* The demo school's own plan. */
	sp->level = MP_SCHOOL;
	sp->school_id = su.school_id;
	snprintf(sp->period_from, sizeof sp->period_from, "%s", from);
	snprintf(sp->period_to, sizeof sp->period_to, "%s", to);
	snprintf(sp->title, sizeof sp->title, "План мероприятий по повышению объективности оценки "
		 "образовательных результатов в %.150s", su.scope_name);
	if ((rc = mplan_from_template(d, "school-objectivity", sp, "oko demo", msg, sizeof msg))) {
		fprintf(stderr, "oko demo: план школы не добавлен: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if ((rc = measure_list(d, sp->id, &sv, &ns)))
		goto out;
	for (size_t i = 0; i < ns && i < 3 && !rc; i++)
		rc = demo_report(d, &sv[i], i < 2 ? MP_DONE : MP_PROGRESS, notes[i]);
	if (rc)
		goto out;

	/* Requisites of the municipality for its documents. */
	struct mp_requisite rq = { 0 };
	snprintf(rq.org, sizeof rq.org, "Комитет по образованию администрации муниципального образования «%.150s»",
		 mu.scope_name);
	snprintf(rq.place, sizeof rq.place, "%.120s", mu.scope_name);
	snprintf(rq.head_position, sizeof rq.head_position, "Председатель Комитета");
	snprintf(rq.head_name, sizeof rq.head_name, "Е.А. %s", surnames[mix(gp->seed) % NELEM(surnames)]);
	if ((rc = requisite_put(d, MP_MUNICIPALITY, mu.municipality_id, &rq, "oko demo")))
		goto out;

	if ((rc = mplan_get(d, p->id, p)))
		goto out;
	char ex[32] = "—";
	if (p->execution == p->execution)
		snprintf(ex, sizeof ex, "%.0f %%", 100 * p->execution);
	printf("План мероприятий муниципалитета «%s»: мероприятий: %ld, из них адресной помощи: %ld "
	       "(%ld %s из списка риска и с официальными признаками); выполнено: %ld, выполняется: %ld, "
	       "просрочено: %ld; исполнение в срок: %s. План школы %s: %zu %s.\n",
	       mu.scope_name, p->measures, hr.measures, hr.schools,
	       str_plural(hr.schools, "школа", "школы", "школ"), p->done, nprog, p->overdue, ex, su.scope_name, ns,
	       str_plural((long)ns, "мероприятие", "мероприятия", "мероприятий"));
	(void)ndone;
out:
	free(rw);
	free(sv);
	free(v);
	free(b);
	free(sp);
	free(p);
	return rc;
}

/* ---- pupils with codes, and confidential materials ----
 *
 * docs/personal-data.md, docs/materials.md. Pupils, made before the results are loaded, as
 * a school gives codes before the works are written: for the demo school and up to
 * DEMO_PUPIL_SCHOOLS - 1 other schools of the demo municipality, the class lists of the
 * demo's last year read from the generated results.csv: one pupil per distinct participant
 * code of a class (the generator gives a pupil one code for all the year's works), the
 * gender of the results, a name drawn from the lists of common names above and below (no
 * real people), stored through pupil_put (sealed under the school's data key; the key file
 * appears beside the database), then codes issued by pupil_codes_issue_seeded (from --seed:
 * the same demonstration for the same seed). The generated results.csv and medalists.csv
 * are then rewritten with each participant's issued code in place of the generator's, so
 * every work of those schools in that year is stored under the code of its pupil (the pupils' page, the slips and the protocol show the results'
 * codes). A second demo over a database with the lists gives the k-th participant of a
 * class the code of the class's k-th pupil.
 *
 * Materials: for every ВПР of the last year (the campaign's procedures), DEMO_VARIANTS
 * small PDF variants — the variants the results were written in — and a criteria file in
 * the bank, every school's set assigned, and release times on the plan-graph's days of the
 * procedure (demo_plan): past, so the school sees materials to download. */

#define DEMO_PUPIL_SCHOOLS 5
/* The variants of the bank: the generator's, 1 and 2 (gen.h: struct gen_result), so that
 * the materials are the variants the pupils wrote. */
#define DEMO_VARIANTS 2

static const char *const boys[] = { "Артём", "Максим", "Александр", "Михаил", "Даниил", "Иван",
				    "Дмитрий", "Кирилл", "Андрей", "Егор", "Никита", "Илья",
				    "Алексей", "Матвей", "Тимофей", "Роман", "Владимир", "Ярослав",
				    "Фёдор", "Георгий" };
static const char *const girls[] = { "Анастасия", "Мария", "Анна", "Виктория", "Полина",
				     "Елизавета", "Екатерина", "Дарья", "Софья", "Варвара", "Алиса",
				     "Ксения", "Александра", "Вероника", "Арина", "Ульяна",
				     "Кристина", "Алёна", "Василиса", "Милана" };

/* The distinct participants of one school's generated results in the demo's last year, by
 * class in the order the file first names them: the code the generator gave the pupil,
 * the gender, and the pupil (id) made for it. */
struct demo_pupil {
	char code[PUPIL_CODE_MAX];
	char gender; /* 1 a boy, 2 a girl, 0 unknown */
	int64_t id;  /* the pupil's row; 0 when none */
};

struct demo_class {
	char cls[PUPIL_CLASS_MAX];
	int grade;
	struct demo_pupil *p;
	size_t n, cap;
};

struct demo_pupil_school {
	int64_t id;
	char login[80];
	struct hmap seen; /* generator's code -> index into code[] of demo_pupils_map */
	struct demo_class c[64];
	int nc;
	bool had;         /* the school had the year's pupils before this demo */
};

/* The pupil schools and the codes of their results: codes[k] is what the results will say
 * in place of the generator's code k (the pupil's issued code; the generator's own when
 * the school has no such pupil). */
struct demo_pupils_map {
	struct demo_pupil_school s[DEMO_PUPIL_SCHOOLS];
	int n;
	int year;          /* the demo's last year */
	struct hmap procs; /* the codes of its procedures */
	char (*codes)[PUPIL_CODE_MAX];
	size_t ncodes, cap;
};

static struct demo_pupil_school *pupil_school_of(struct demo_pupils_map *m, const char *login, size_t len)
{
	for (int i = 0; i < m->n; i++)
		if (strlen(m->s[i].login) == len && !memcmp(m->s[i].login, login, len))
			return &m->s[i];
	return NULL;
}

/* One row of results.csv ("school,procedure,code,class,…"): its participant, when the row
 * is a pupil school's of the last year. */
static void take_result_line(struct demo_pupils_map *m, const char *line)
{
	const char *f[5];
	size_t len[4];
	f[0] = line;
	for (int k = 0; k < 4; k++) {
		const char *c = strchr(f[k], ',');
		if (!c)
			return;
		len[k] = (size_t)(c - f[k]);
		f[k + 1] = c + 1;
	}
	int64_t v;
	struct demo_pupil_school *ps = pupil_school_of(m, f[0], len[0]);
	char cls[PUPIL_CLASS_MAX], raw[PUPIL_CLASS_MAX];
	int grade;
	if (!ps || !len[2] || len[2] >= PUPIL_CODE_MAX || !len[3] || len[3] >= sizeof raw ||
	    !hmap_get(&m->procs, f[1], len[1], &v))
		return;
	memcpy(raw, f[3], len[3]);
	raw[len[3]] = '\0';
	if (pupil_class_norm(raw, cls, &grade) || hmap_get(&ps->seen, f[2], len[2], &v))
		return;
	int i = 0;
	while (i < ps->nc && strcmp(ps->c[i].cls, cls))
		i++;
	if (i == ps->nc) {
		if (ps->nc == (int)NELEM(ps->c))
			return;
		snprintf(ps->c[i].cls, sizeof ps->c[i].cls, "%s", cls);
		ps->c[i].grade = grade;
		ps->nc++;
	}
	struct demo_class *c = &ps->c[i];
	c->p = xgrow(c->p, &c->cap, c->n + 1, sizeof *c->p);
	struct demo_pupil *p = &c->p[c->n++];
	memset(p, 0, sizeof *p);
	memcpy(p->code, f[2], len[2]);
	const char *g = strchr(f[4], ','); /* f[4] the variant, then the gender */
	p->gender = !g ? 0 : !strncmp(g + 1, "ж,", strlen("ж,")) ? 2 : !strncmp(g + 1, "м,", strlen("м,")) ? 1 : 0;
	m->codes = xgrow(m->codes, &m->cap, m->ncodes + 1, sizeof *m->codes);
	memcpy(m->codes[m->ncodes], p->code, sizeof p->code);
	hmap_put(&ps->seen, f[2], len[2], (int64_t)m->ncodes++);
}

/* Reads the participants of the pupil schools from dir/results.csv. */
static int read_participants(struct demo_pupils_map *m, const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/results.csv", dir) >= (int)sizeof path)
		return ERR_LIMIT;
	FILE *f = fopen(path, "r");
	if (!f)
		return ERR_IO;
	char *line = NULL;
	size_t cap = 0;
	for (bool first = true; getline(&line, &cap, f) > 0; first = false)
		if (!first)
			take_result_line(m, line);
	int rc = ferror(f) ? ERR_IO : 0;
	free(line);
	fclose(f);
	return rc;
}

/* A pupil school's class lists (when it has none for the year), names drawn from the
 * lists above, then the codes issued; *npupils, *nclasses get the counts. */
static int put_pupils(struct db *d, struct demo_pupil_school *ps, int year, uint64_t seed, long *npupils,
		      int *nclasses)
{
	struct hmap names;
	char msg[256] = "", name[PUPIL_NAME_MAX];
	long issued = 0;
	hmap_init(&names);
	int rc = db_begin(d);
	if (rc)
		goto out;
	for (int i = 0; i < ps->nc && !rc; i++) {
		for (size_t k = 0; k < ps->c[i].n && !rc; k++) {
			uint64_t h = mix(seed ^ mix((uint64_t)ps->id * 1000003u + (uint64_t)i * 1009u + (uint64_t)k));
			int g = ps->c[i].p[k].gender;
			bool girl = g ? g == 2 : (h & 1);
			/* A name not yet in the class: pupil_put takes the same class and name for the
			 * same pupil. */
			for (int tries = 0;; tries++, h = mix(h)) {
				snprintf(name, sizeof name, "%s%s %s %s", surnames[(h >> 8) % NELEM(surnames)],
					 girl ? "а" : "",
					 girl ? girls[(h >> 20) % NELEM(girls)] : boys[(h >> 20) % NELEM(boys)],
					 fathers[(h >> 32) % NELEM(fathers)][girl]);
				char key[PUPIL_NAME_MAX + PUPIL_CLASS_MAX];
				int kn = snprintf(key, sizeof key, "%s\t%s", ps->c[i].cls, name);
				if (hmap_put(&names, key, (size_t)kn, 1) || tries > 50)
					break;
			}
			bool created;
			if ((rc = pupil_put(d, ps->id, year, ps->c[i].cls, ps->c[i].grade, name, &ps->c[i].p[k].id,
					    &created, msg, sizeof msg)))
				fprintf(stderr, "oko demo: ученик не добавлен: %s\n", *msg ? msg : err_str(rc));
			else if (created)
				++*npupils;
			else
				ps->c[i].p[k].id = 0; /* a namesake: this participant gets no pupil */
		}
	}
	if (rc) {
		db_rollback(d);
		goto out;
	}
	/* Codes from the demo's seed: the same demonstration for the same --seed. */
	if ((rc = db_commit(d)) ||
	    (rc = pupil_codes_issue_seeded(d, ps->id, year, mix(seed ^ (uint64_t)ps->id * 7919u), &issued)))
		goto out;
	*nclasses += ps->nc;
out:
	hmap_free(&names);
	return rc;
}

static int by_pupil_id(const void *a, const void *b)
{
	const struct pupil *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The codes the school's pupils hold, put in place of the generator's in m->codes: by the
 * pupil made for each participant, or (the school had its lists before: a second demo)
 * the class's k-th participant to the class's k-th pupil by the order they were added. */
static int map_codes(struct db *d, struct demo_pupils_map *m, struct demo_pupil_school *ps, int year)
{
	struct pupil *v = NULL;
	size_t n = 0;
	char msg[256] = "";
	int rc = pupil_list(d, NULL, ps->id, year, NULL, &v, &n, msg, sizeof msg);
	if (rc)
		return rc;
	qsort(v, n, sizeof *v, by_pupil_id);
	for (int i = 0; i < ps->nc; i++) {
		size_t next = 0; /* the class's pupils, by id, for a school that had its lists */
		for (size_t k = 0; k < ps->c[i].n; k++) {
			const struct pupil *p = NULL;
			if (!ps->had) {
				struct pupil key = { .id = ps->c[i].p[k].id };
				p = key.id ? bsearch(&key, v, n, sizeof *v, by_pupil_id) : NULL;
			} else {
				while (next < n && strcmp(v[next].class_name, ps->c[i].cls))
					next++;
				p = next < n ? &v[next++] : NULL;
			}
			int64_t at;
			if (p && p->code[0] && hmap_get(&ps->seen, ps->c[i].p[k].code, strlen(ps->c[i].p[k].code), &at))
				memcpy(m->codes[at], p->code, sizeof m->codes[at]);
		}
	}
	pupil_list_free(v, n);
	return 0;
}

/* Rewrites dir/NAME with the pupil schools' codes of the last year in place of the
 * generator's: the field `field` (0-based) holds the code; a row is the last year's when
 * its field `by` is a procedure of that year (by_year false) or that year (by_year true). */
static int rewrite_codes(struct demo_pupils_map *m, const char *dir, const char *name, int field, int by,
			 bool by_year, int year)
{
	char path[4096], tmp[4200];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
	    snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return ERR_LIMIT;
	FILE *in = fopen(path, "r");
	if (!in)
		return errno == ENOENT ? 0 : ERR_IO;
	FILE *out = fopen(tmp, "w");
	if (!out) {
		fclose(in);
		return ERR_IO;
	}
	char *line = NULL, ytext[16];
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	snprintf(ytext, sizeof ytext, "%d", year);
	for (bool first = true; (len = getline(&line, &cap, in)) > 0; first = false) {
		const char *f[8];
		size_t fl[8];
		int nf = 0;
		for (const char *c = line; nf < 8;) {
			const char *e = c + strcspn(c, ",\n");
			f[nf] = c;
			fl[nf++] = (size_t)(e - c);
			if (*e != ',')
				break;
			c = e + 1;
		}
		struct demo_pupil_school *ps = first || nf <= field || nf <= by ? NULL : pupil_school_of(m, f[0], fl[0]);
		int64_t v, at;
		bool last = false;
		if (ps && by_year)
			last = fl[by] == strlen(ytext) && !memcmp(f[by], ytext, fl[by]);
		else if (ps)
			last = hmap_get(&m->procs, f[by], fl[by], &v);
		if (last && hmap_get(&ps->seen, f[field], fl[field], &at)) {
			fwrite(line, 1, (size_t)(f[field] - line), out);
			fputs(m->codes[at], out);
			fputs(f[field] + fl[field], out);
		} else {
			fwrite(line, 1, (size_t)len, out);
		}
	}
	if (ferror(in))
		rc = ERR_IO;
	free(line);
	fclose(in);
	if (fclose(out) && !rc)
		rc = ERR_IO;
	if (!rc && rename(tmp, path))
		rc = ERR_IO;
	if (rc)
		unlink(tmp);
	return rc;
}

struct demo_mun_schools {
	struct db *d;
	const char *mun, *school;
	struct demo_pupils_map *m;
	char name[256]; /* the demo school's */
};

static int take_mun_school(void *ctx, const struct registry_school_row *r)
{
	struct demo_mun_schools *x = ctx;
	int64_t id;
	if (!strcmp(r->login, x->school))
		snprintf(x->name, sizeof x->name, "%s", r->name ? r->name : r->login);
	if (x->m->n == DEMO_PUPIL_SCHOOLS)
		return 0;
	if (!r->municipality || strcmp(r->municipality, x->mun) || !strcmp(r->login, x->school) ||
	    registry_school_find(x->d, r->login, &id))
		return 0;
	x->m->s[x->m->n].id = id;
	snprintf(x->m->s[x->m->n++].login, sizeof x->m->s[0].login, "%s", r->login);
	return 0;
}

static int take_year_proc(void *ctx, const struct procedure_item *p)
{
	struct demo_pupils_map *m = ctx;
	if (p->year == m->year)
		hmap_put(&m->procs, p->code, strlen(p->code), 1);
	return 0;
}

/* The pupils, before the results are loaded (see above); summary gets the line to print. */
static int demo_pupils(struct db *d, const struct gen_params *gp, const char *dir, char *summary, size_t sn)
{
	struct demo_pupils_map *m = xcalloc(1, sizeof *m);
	char mun[256] = "", school[80] = "", keyfile[4096] = "";
	long npupils = 0, pupils = 0, coded = 0;
	int nclasses = 0, year = gp->year_to, had = 0;
	*summary = '\0';
	hmap_init(&m->procs);
	for (int i = 0; i < DEMO_PUPIL_SCHOOLS; i++)
		hmap_init(&m->s[i].seen);
	int rc = registry_first_school(d, mun, sizeof mun, school, sizeof school);
	if (rc || !*school || (rc = registry_school_find(d, school, &m->s[0].id))) {
		rc = rc == ERR_NOTFOUND ? 0 : rc;
		goto out;
	}
	snprintf(m->s[0].login, sizeof m->s[0].login, "%s", school);
	m->n = 1;
	struct demo_mun_schools x = { .d = d, .mun = mun, .school = school, .m = m };
	if ((rc = registry_school_each(d, false, take_mun_school, &x)) < 0)
		goto out;
	m->year = year;
	if ((rc = procedure_each(d, take_year_proc, m)) || (rc = read_participants(m, dir)))
		goto out;
	for (int i = 0; i < m->n; i++) {
		struct demo_pupil_school *ps = &m->s[i];
		pupil_count(d, ps->id, year, &pupils, &coded);
		ps->had = pupils > 0;
		had += ps->had;
		if ((!ps->had && (rc = put_pupils(d, ps, year, gp->seed, &npupils, &nclasses))) ||
		    (rc = map_codes(d, m, ps, year)))
			goto out;
	}
	/* The results (and the medalists, whose codes are the ЕГЭ's) under the pupils' codes. */
	if ((rc = rewrite_codes(m, dir, "results.csv", 2, 1, false, year)) ||
	    (rc = rewrite_codes(m, dir, "medalists.csv", 2, 1, true, year))) {
		fprintf(stderr, "oko demo: коды учеников не записаны в результаты: %s\n", err_str(rc));
		goto out;
	}
	pupil_count(d, m->s[0].id, year, &pupils, &coded);
	keys_file_path(d, keyfile, sizeof keyfile);
	if (m->s[0].had)
		snprintf(summary, sn, "Ученики: у школы %s списки классов %d/%02d учебного года уже есть — новые не "
			 "добавлены; результаты записаны под кодами её учеников.\n", x.name, year - 1, year % 100);
	else if (snprintf(summary, sn, "Ученики и коды участников (%d/%02d учебный год): %d %s муниципалитета «%s», "
			 "классов: %d, учеников: %ld; у школы %s (вход school) %ld %s, с кодом: %ld. ФИО придуманы из "
			 "списков частых имён и хранятся только зашифрованными; ключ — в файле %s. Коды выданы до "
			 "загрузки результатов: каждая работа записана под кодом своего ученика.\n",
			 year - 1, year % 100, m->n - had, str_plural(m->n - had, "школа", "школы", "школ"), mun,
			 nclasses, npupils, x.name, pupils, str_plural(pupils, "ученик", "ученика", "учеников"), coded,
			 keyfile) >= (int)sn && sn > 5) {
		/* a key file's path too long for the line: cut at a character, «…» */
		size_t cut = sn - 5;
		while (cut && ((unsigned char)summary[cut] & 0xC0) == 0x80)
			cut--;
		memcpy(summary + cut, "…\n", 5);
	}
out:
	for (int i = 0; i < DEMO_PUPIL_SCHOOLS; i++) {
		for (int c = 0; c < m->s[i].nc; c++)
			free(m->s[i].c[c].p);
		hmap_free(&m->s[i].seen);
	}
	hmap_free(&m->procs);
	free(m->codes);
	free(m);
	return rc;
}

/* A small PDF: a title and a line of text. */
static int demo_pdf(struct buf *out, const char *title, const char *text)
{
	struct pdf *p = NULL;
	int rc = pdf_open(&p, out, title, 20);
	if (rc)
		return rc;
	pdf_para(p, title, "DejaVu Sans Bold 16", PDF_CENTER, 8);
	pdf_para(p, text, "DejaVu Sans 11", PDF_LEFT, 4);
	return pdf_close(p);
}

struct demo_kim {
	int year;
	int64_t id[64];
	char code[64][40];
	int n;
};

static int take_kim_proc(void *ctx, const struct procedure_item *p)
{
	struct demo_kim *k = ctx;
	if (p->year == k->year && !strcmp(p->kind, "VPR") && k->n < (int)NELEM(k->id)) {
		k->id[k->n] = p->id;
		snprintf(k->code[k->n++], sizeof k->code[0], "%s", p->code);
	}
	return 0;
}

/* Unix seconds of hour:00 UTC on an ISO date "YYYY-MM-DD". */
static int64_t at_hour(const char *iso, int hour)
{
	int y = 0, m = 0, dd = 0;
	sscanf(iso, "%d-%d-%d", &y, &m, &dd);
	return days_of(y, m, dd) * 86400 + hour * 3600;
}

static int demo_materials(struct db *d, const struct gen_params *gp)
{
	struct demo_kim k = { .year = gp->year_to };
	struct user su;
	struct procedure *p = xcalloc(1, sizeof *p);
	struct buf b = BUF_INIT;
	char msg[512] = "", title[160], head[256], text[512], name[128];
	long files = 0, sets = 0, released = 0;
	int rc = user_find(d, "school", &su);
	if (rc || !su.school_id || (rc = procedure_each(d, take_kim_proc, &k)) || !k.n)
		goto out;
	struct material_release have;
	if (!material_release_get(d, k.id[0], &have)) {
		printf("Материалы (КИМ): время выдачи уже назначено — банк не изменён.\n");
		goto out;
	}
	for (int i = 0; i < k.n && !rc; i++) {
		if ((rc = procedure_get(d, k.code[i], p)))
			goto out;
		procedure_title_of(p->code, p->subject, p->grade, title, sizeof title);
		for (int v = 0; v <= DEMO_VARIANTS && !rc; v++) {
			buf_free(&b);
			if (v)
				snprintf(head, sizeof head, "Демонстрационный вариант %d. %s, %d", v, title, p->year);
			else
				snprintf(head, sizeof head, "Критерии оценивания. %s, %d", title, p->year);
			snprintf(text, sizeof text, "Учебный материал демонстрации oko, не настоящие КИМ: %s. "
				 "Заданий: %d, максимальный первичный балл: %d.",
				 v ? "вариант с заданиями" : "система оценивания", p->npos, p->max_score);
			/* The file's name as a person would give it: the procedure in words. */
			if (v)
				snprintf(name, sizeof name, "%.80s, %d, вариант %d.pdf", title, p->year, v);
			else
				snprintf(name, sizeof name, "%.80s, %d, критерии.pdf", title, p->year);
			if ((rc = demo_pdf(&b, head, text)) ||
			    (rc = material_add_data(d, p->id, v ? "variant" : "criteria", v, b.p, b.len, name,
						    "oko demo", msg, sizeof msg)))
				fprintf(stderr, "oko demo: материал не добавлен: %s\n", *msg ? msg : err_str(rc));
			else
				files++;
		}
		/* The plan-graph's days of the procedure (demo_plan): the archive on the day the
		 * materials are available, the key on the first day of the window, the criteria on
		 * theirs; the campaign's days when the procedure is not in the plan. */
		struct plan_dates pd;
		int64_t cid;
		if (plan_procedure_get(d, p->id, &cid, &pd)) {
			snprintf(pd.d[PLAN_MATERIALS], sizeof pd.d[0], "%04u-03-10", (unsigned)p->year % 10000u);
			snprintf(pd.d[PLAN_WINDOW_FROM], sizeof pd.d[0], "%04u-03-15", (unsigned)p->year % 10000u);
			snprintf(pd.d[PLAN_CRITERIA], sizeof pd.d[0], "%04u-03-15", (unsigned)p->year % 10000u);
		}
		long n = 0;
		struct material_release r = {
			.archive_at = at_hour(pd.d[PLAN_MATERIALS], 5),
			.key_at = at_hour(pd.d[PLAN_WINDOW_FROM], 4),
			.criteria_at = at_hour(pd.d[PLAN_CRITERIA], 11),
		};
		if (rc || (rc = material_release_set(d, p->id, &r, msg, sizeof msg)) ||
		    (rc = material_assign_all(d, p->id, &n, msg, sizeof msg))) {
			if (rc && *msg)
				fprintf(stderr, "oko demo: %s\n", msg);
			goto out;
		}
		sets += n;
		bool yes = false;
		if (!plan_takes_part(d, p->id, su.school_id, &yes) && yes && plan_now() >= r.key_at)
			released++;
	}
	printf("Материалы (КИМ): процедур: %d, файлов в банке: %ld (по %d %s — те, что писали участники, — "
	       "и критерии), наборов вариантов школ: %ld; выдача в дни плана-графика; у школы %s открыты "
	       "варианты %ld %s.\n",
	       k.n, files, DEMO_VARIANTS, str_plural(DEMO_VARIANTS, "варианту", "варианта", "вариантов"), sets,
	       su.scope_name, released, str_plural(released, "процедуры", "процедур", "процедур"));
out:
	buf_free(&b);
	free(p);
	return rc;
}

static void remove_generated(const char *dir)
{
	static const char *const files[] = { "schools.csv", "procedures.csv", "results.csv",
					     "truth.csv", "README", "medalists.csv" };
	char path[4096];
	/* The analysis the re-check round needed (demo_analysis): its files, whatever they
	 * are, then its directory. */
	if (snprintf(path, sizeof path, "%s/analysis", dir) < (int)sizeof path) {
		DIR *dh = opendir(path);
		for (struct dirent *e; dh && (e = readdir(dh));) {
			char f[8192];
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    snprintf(f, sizeof f, "%s/%s", path, e->d_name) < (int)sizeof f)
				unlink(f);
		}
		if (dh)
			closedir(dh);
		rmdir(path);
	}
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, files[i]) < (int)sizeof path)
			unlink(path);
	}
	/* teachers_YEAR.csv of --teachers */
	DIR *dh = opendir(dir);
	for (struct dirent *e; dh && (e = readdir(dh));) {
		char f[8192];
		if (!strncmp(e->d_name, "teachers_", 9) && strstr(e->d_name, ".csv") &&
		    snprintf(f, sizeof f, "%s/%s", dir, e->d_name) < (int)sizeof f)
			unlink(f);
	}
	if (dh)
		closedir(dh);
	rmdir(dir);
}

int cmd_demo(struct cli *c, int argc, char **argv)
{
	struct gen_opt_text t = { 0 };
	const char *keep = NULL;
	bool force = false;
	const struct cli_opt opts[] = {
		GEN_CLI_OPTS(t),
		{ "--keep", &keep, NULL },
		{ "--force", NULL, &force },
		{ 0 },
	};
	int rc;
	if ((rc = cli_parse_options(c, argc, argv, opts)))
		return rc > 0 ? 0 : rc;
	struct gen_params p;
	char msg[512], tmp[4096] = "";
	gen_params_default(&p);
	if ((rc = gen_params_parse(&p, &t, msg, sizeof msg)))
		return cli_usage_error(c, "%s", msg);
	/* The demo shows every capability: the exams and medalists (when Russian and maths are
	 * generated — the exams draw on them) and the teachers. The ВПР-like region is the
	 * same with or without them (docs/generator.md). */
	bool ru = false, ma = false;
	for (int s = 0; s < p.nsubjects; s++) {
		ru |= !strcmp(p.subjects[s], "RU");
		ma |= !strcmp(p.subjects[s], "MA");
	}
	p.exams |= ru && ma;
	p.teachers = true;

	struct db *d = NULL;
	const char *dir = keep;
	struct progress pr = { cli_is_tty(), -1, 0 };
	if ((rc = cli_open_db(c, DB_OPEN_CREATE, &d))) {
		fprintf(stderr, "oko demo: не удалось открыть базу данных %s: %s\n", c->db_path,
			err_str(rc));
		return rc;
	}
	int64_t have = 0;
	if ((rc = summary_result_total(d, &have))) {
		fprintf(stderr, "oko demo: %s\n", db_errmsg(d));
		goto out;
	}
	if (have > 0 && !force) {
		fprintf(stderr, "oko demo: в базе данных %s уже есть результаты (%lld); "
				"демонстрационный регион не загружен, чтобы не смешать его с этими "
				"данными.\nВозьмите новую базу (--db ФАЙЛ) или добавьте регион всё равно: "
				"oko demo --force\n", c->db_path, (long long)have);
		rc = ERR_EXISTS;
		goto out;
	}
	if (!dir) {
		const char *base = getenv("TMPDIR");
		snprintf(tmp, sizeof tmp, "%s/oko-demo-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmp)) {
			fprintf(stderr, "oko demo: не удалось создать временный каталог %s: %s\n", tmp,
				strerror(errno));
			tmp[0] = '\0';
			rc = ERR_IO;
			goto out;
		}
		dir = tmp;
	}

	double t0 = now();
	struct gen_counts gc;
	printf("Генерация региона «%s»: %ld школ, годы %d–%d, классы %d–%d…\n", p.region,
	       p.schools, p.year_from, p.year_to, p.grade_from, p.grade_to);
	fflush(stdout);
	if ((rc = gen_write_dir(&p, dir, &gc, gen_progress, &pr, msg, sizeof msg))) {
		fprintf(stderr, "oko demo: %s\n", msg[0] ? msg : err_str(rc));
		goto out;
	}
	struct import_opts o = { 0 };
	o.user = "oko demo";
	o.may_create_procedure = true;
	o.region = p.region;
	o.progress = import_progress;
	o.progress_ctx = &pr;
	struct import_stats ss, ps, rs;
	char pupils_line[2048] = "";
	printf("Загрузка школ и процедур…\n");
	fflush(stdout);
	/* The pupils and their codes before the results, as a school does: the results are
	 * written under the codes the pupils were given. */
	if ((rc = load(d, dir, "schools.csv", import_schools, &o, &ss)) ||
	    (rc = load(d, dir, "procedures.csv", import_procedures, &o, &ps)) ||
	    (rc = demo_pupils(d, &p, dir, pupils_line, sizeof pupils_line)))
		goto out;
	printf("Загрузка результатов: %ld строк…\n", gc.results);
	fflush(stdout);
	if ((rc = load(d, dir, "results.csv", import_results, &o, &rs)) ||
	    (rc = demo_next_year(d, &o)) || (rc = demo_medalists(d, dir, &o)) ||
	    (rc = demo_teachers(d, dir, &p, &o)))
		goto out;

	printf("\nДемонстрационный регион «%s» загружен в %s за %.1f с:\n"
	       "  муниципалитетов: %d, школ: %ld\n"
	       "  процедур: %ld (ВПР, годы %d–%d, классы %d–%d%s)\n"
	       "  результатов: %ld (писали работу %ld, отсутствовали %ld)\n"
	       "  школ с заложенными искажениями: %ld (записей о них: %ld)\n",
	       p.region, c->db_path, now() - t0, p.municipalities, gc.schools, gc.procedures,
	       p.year_from, p.year_to, p.grade_from, p.grade_to,
	       p.exams ? "; ОГЭ и ЕГЭ по русскому языку и математике" : "", gc.results,
	       gc.results - gc.absent, gc.absent, gc.manipulated, gc.truth);
	if ((rc = demo_users(d)) || (rc = demo_observers(d, &p, &o)))
		goto out;
	/* A fresh connection for the re-checks: the demo's statements so far need not stay
	 * in one connection's cache (db.c's DB_CACHE) for the rest of it. */
	db_close(d);
	d = NULL;
	if ((rc = cli_open_db(c, 0, &d)) || (rc = demo_recheck(d, &p, c->db_path, dir)))
		goto out;
	/* Again a fresh connection for the plans of measures. */
	db_close(d);
	d = NULL;
	if ((rc = cli_open_db(c, 0, &d)) || (rc = demo_measures(d, &p)))
		goto out;
	/* Materials on a fresh connection too (the statement cache). */
	db_close(d);
	d = NULL;
	double t1 = now();
	fputs(pupils_line, stdout);
	if ((rc = cli_open_db(c, 0, &d)) || (rc = demo_materials(d, &p)))
		goto out;
	char s1[32], s2[32];
	printf("  (материалы: %s с; вся демонстрация: %s с)\n", ru_num(s1, sizeof s1, now() - t1, 1),
	       ru_num(s2, sizeof s2, now() - t0, 1));
	if (keep)
		printf("Сгенерированные файлы и правда об искажениях (truth.csv): %s\n", keep);
	else
		printf("Чтобы сохранить сгенерированные файлы и truth.csv, запустите с --keep КАТАЛОГ.\n");
out:
	if (tmp[0])
		remove_generated(tmp);
	db_close(d);
	return rc;
}
