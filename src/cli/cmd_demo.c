/* demo: fill the database with a synthetic region.
 *
 * Generates a region with the generator (gen/) into a temporary directory as canonical
 * CSV and loads it with the ordinary importers — schools, procedures, results — so the
 * demo goes through exactly the path real data takes. A database that already holds
 * results is refused unless --force: the demo must not mix into real data by accident. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli.h"
#include "cli/gen_opts.h"
#include "gen/gen.h"
#include "base/buf.h"
#include "import/catalogue.h"
#include "import/import.h"
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
	if ((rc = demo_users(d)))
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
