/* import: load files of the outside contract into the database, whole or not at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "cli/cli.h"
#include "import/import.h"
#include "model/plan.h"

typedef int (*import_fn)(struct db *, const char *, const struct import_opts *,
			 struct diag_list *, struct import_stats *);

static const struct {
	const char *kind;
	import_fn fn;
} kinds[] = {
	{ "schools", import_schools },
	{ "procedures", import_procedures },
	{ "kim", import_kim },
	{ "results", import_results },
	{ "plan", import_plan },
	{ "sittings", import_sittings },
	{ "aliases", import_aliases },
	{ "acts", import_acts },
	{ "experts", import_experts },
	{ "rechecks", import_rechecks },
	{ "teachers", import_teachers }, /* with --year or --procedure */
	{ "medalists", import_medalists },
	{ "observers", NULL }, /* import_observers: needs --campaign */
	{ "measures", NULL },  /* import_measures: needs --plan */
};

/* Progress on a terminal: rows, rate and the time left, redrawn in place. */
struct progress {
	struct timespec start, last;
	bool shown;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, uint64_t done, uint64_t total, long rows)
{
	struct progress *p = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	bool final = total && done >= total;
	if (!final && since(&p->last, &now) < 0.5)
		return;
	if (final && !p->shown)
		return; /* short imports print nothing */
	p->last = now;
	p->shown = true;
	double el = since(&p->start, &now);
	double rate = el > 0 ? (double)rows / el : 0;
	if (total && done && done < total)
		fprintf(stderr, "\r  строк: %ld, %.0f строк/с, %.0f%%, осталось ~%.0f с   ", rows, rate,
			100.0 * (double)done / (double)total, el * (double)(total - done) / (double)done);
	else
		fprintf(stderr, "\r  строк: %ld, %.0f строк/с%s", rows, rate, final ? "\n" : "   ");
}

int cmd_import(struct cli *c, int argc, char **argv)
{
	struct import_opts o = { 0 };
	const char *report = NULL, *campaign = NULL, *plan_s = NULL, *year_s = NULL;
	o.user = cli_user_name();
	o.may_create_procedure = true; /* the operator of the command line may */
	o.wait_seconds = 600;          /* a script waits in line behind a long import */
	o.region = "Регион не указан";
	const struct cli_opt opts[] = {
		{ "--user", &o.user, NULL },
		{ "--region", &o.region, NULL },
		{ "--procedure", &o.procedure, NULL },
		{ "--scale", &o.scale, NULL },
		{ "--dry-run", NULL, &o.dry_run },
		{ "--strict", NULL, &o.strict },
		{ "--accept-inferred", NULL, &o.accept_inferred },
		{ "--report", &report, NULL },
		{ "--campaign", &campaign, NULL },
		{ "--plan", &plan_s, NULL },
		{ "--year", &year_s, NULL },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos < 2)
		return cli_usage_error(c, "укажите вид данных и хотя бы один файл");
	struct progress prog = { 0 };
	if (cli_is_tty()) {
		clock_gettime(CLOCK_MONOTONIC, &prog.start);
		prog.last = prog.start;
		o.progress = show_progress;
		o.progress_ctx = &prog;
	}
	import_fn fn = NULL;
	bool known = false;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(argv[0], kinds[i].kind)) {
			fn = kinds[i].fn;
			known = true;
		}
	if (!known)
		return cli_usage_error(c, "неизвестный вид данных «%s»; допустимы: schools, "
					  "procedures, kim, results, plan, sittings, aliases, observers, "
					  "acts, experts, rechecks, measures, medalists, teachers",
				       argv[0]);
	if (year_s) {
		char *end = NULL;
		long y = strtol(year_s, &end, 10);
		if (!*year_s || *end || y < 2000 || y > 2100)
			return cli_usage_error(c, "--year: нужен год от 2000 до 2100, например --year 2021");
		o.year = (int)y;
	}
	bool measures = !strcmp(argv[0], "measures");
	int64_t plan_id = 0;
	if (measures) {
		char *end = NULL;
		long long v = plan_s ? strtoll(plan_s, &end, 10) : 0;
		if (!plan_s || !*plan_s || *end || v <= 0)
			return cli_usage_error(c, "для плана мероприятий укажите план: --plan N (номера — "
						  "oko measures list)");
		plan_id = (int64_t)v;
	}
	if (!fn && !measures && !campaign)
		return cli_usage_error(c, "для наблюдателей укажите кампанию: --campaign НАЗВАНИЕ "
					  "(даты доступности проверяются по её периоду проведения)");
	struct db *d = NULL;
	FILE *rep = NULL;
	int64_t campaign_id = 0;
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	if (!fn && !measures && (rc = plan_campaign_find(d, campaign, &campaign_id))) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: кампании «%s» нет; создайте её загрузкой плана-графика "
					"(oko import plan ФАЙЛ)\n", campaign);
		goto out;
	}
	if (report && !(rep = fopen(report, "w"))) {
		fprintf(stderr, "oko: не удалось создать файл отчёта %s\n", report);
		rc = ERR_IO;
		goto out;
	}
	for (int i = 1; i < npos; i++) {
		struct diag_list diags;
		struct import_stats st;
		diag_init(&diags, 1000);
		int frc = fn ? fn(d, argv[i], &o, &diags, &st)
			  : measures ? import_measures(d, argv[i], &o, plan_id, &diags, &st)
				     : import_observers(d, argv[i], &o, campaign_id, &diags, &st);
		cli_print_diags(&diags);
		if (rep)
			diag_write_csv(rep, &diags);
		if (frc) {
			if (st.summary[0])
				fprintf(stderr, "%s: %s\n", argv[i], st.summary);
			fprintf(stderr, "oko: файл %s не загружен%s; данные в базе не изменены\n",
				argv[i], frc == ERR_INVALID ? ": исправьте ошибки и повторите" : "");
			if (!rc)
				rc = frc;
		} else {
			printf("%s: %s\n", argv[i], st.summary);
		}
		diag_free(&diags);
	}
out:
	if (rep)
		fclose(rep);
	db_close(d);
	return rc;
}
