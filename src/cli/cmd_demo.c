/* demo: fill the database with a synthetic region.
 *
 * Generates a region with the generator (gen/) into a temporary directory as canonical
 * CSV and loads it with the ordinary importers — schools, procedures, results — so the
 * demo goes through exactly the path real data takes; then a campaign of the last year
 * with dated sittings, observers (conflicts of interest among them), their assignment, a
 * few acts and video records (docs/observers.md). A database that already holds
 * results is refused unless --force: the demo must not mix into real data by accident. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assign/observers.h"
#include "base/err.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "cli/gen_opts.h"
#include "gen/gen.h"
#include "base/buf.h"
#include "import/catalogue.h"
#include "import/import.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/summary.h"
#include "model/user.h"

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
			buf_printf(&b, "edu%s,%s,%d,4%s,%d,%s,%d,0", registry_login_digits(f.login[s]), p.code,
				   70001 + k, k % 2 ? "А" : "Б", 1 + k % 2, k % 3 ? "м" : "ж", 3 + k % 3);
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

static void remove_generated(const char *dir)
{
	static const char *const files[] = { "schools.csv", "procedures.csv", "results.csv",
					     "truth.csv", "README" };
	char path[4096];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, files[i]) < (int)sizeof path)
			unlink(path);
	}
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
	printf("Загрузка школ и процедур…\n");
	fflush(stdout);
	if ((rc = load(d, dir, "schools.csv", import_schools, &o, &ss)) ||
	    (rc = load(d, dir, "procedures.csv", import_procedures, &o, &ps)))
		goto out;
	printf("Загрузка результатов: %ld строк…\n", gc.results);
	fflush(stdout);
	if ((rc = load(d, dir, "results.csv", import_results, &o, &rs)) ||
	    (rc = demo_next_year(d, &o)))
		goto out;

	printf("\nДемонстрационный регион «%s» загружен в %s за %.1f с:\n"
	       "  муниципалитетов: %d, школ: %ld\n"
	       "  процедур: %ld (ВПР, годы %d–%d, классы %d–%d)\n"
	       "  результатов: %ld (писали работу %ld, отсутствовали %ld)\n"
	       "  школ с заложенными искажениями: %ld (записей о них: %ld)\n",
	       p.region, c->db_path, now() - t0, p.municipalities, gc.schools, gc.procedures,
	       p.year_from, p.year_to, p.grade_from, p.grade_to, gc.results,
	       gc.results - gc.absent, gc.absent, gc.manipulated, gc.truth);
	if ((rc = demo_users(d)) || (rc = demo_observers(d, &p, &o)))
		goto out;
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
