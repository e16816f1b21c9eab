/* gen: write a synthetic region with known truth as canonical CSV (no database). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "cli/cli.h"
#include "cli/gen_opts.h"
#include "gen/gen.h"

/* Peak resident memory of this process in KiB (VmHWM), or -1 when unknown. */
static long peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6) && sscanf(line + 6, "%ld", &kib) != 1)
			kib = -1;
	fclose(f);
	return kib;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct progress {
	int last; /* last percentage shown */
};

static void show_progress(void *ctx, long done, long total)
{
	struct progress *pr = ctx;
	int pct = (int)(done * 100 / total);
	if (pct != pr->last) {
		pr->last = pct;
		fprintf(stderr, "\rгенерация: %3d %% (%ld из %ld школ)", pct, done, total);
		if (done == total)
			fputc('\n', stderr);
	}
}

int cmd_gen(struct cli *c, int argc, char **argv)
{
	struct gen_opt_text t = { 0 };
	const char *out = NULL;
	bool stats = false, quiet = false;
	const struct cli_opt opts[] = {
		{ "--out", &out, NULL },
		GEN_CLI_OPTS(t),
		{ "--stats", NULL, &stats },
		{ "--quiet", NULL, &quiet },
		{ 0 },
	};
	int rc;
	if ((rc = cli_parse_options(c, argc, argv, opts)))
		return rc > 0 ? 0 : rc;
	if (!out)
		return cli_usage_error(c, "укажите каталог для файлов: --out КАТАЛОГ");
	struct gen_params p;
	char msg[512];
	gen_params_default(&p);
	if ((rc = gen_params_parse(&p, &t, msg, sizeof msg)))
		return cli_usage_error(c, "%s", msg);
	struct gen_counts counts;
	struct progress pr = { -1 };
	bool tty = !quiet && cli_is_tty();
	double t0 = now();
	rc = gen_write_dir(&p, out, &counts, tty ? show_progress : NULL, &pr, msg, sizeof msg);
	double dt = now() - t0;
	if (rc) {
		fprintf(stderr, "oko gen: %s\n", msg[0] ? msg : err_str(rc));
		return rc;
	}
	if (!quiet)
		printf("Записано в %s: школ %ld, процедур %ld, результатов %ld (отсутствовали %ld), "
		       "заложенных искажений %ld (truth.csv).\n",
		       out, counts.schools, counts.procedures, counts.results, counts.absent,
		       counts.truth);
	if (stats) {
		long kib = peak_rss_kib();
		printf("время %.2f с; %.0f результатов/с; %.1f МБ/с results.csv; "
		       "пиковая память (VmHWM) %.1f МБ\n",
		       dt, dt > 0 ? counts.results / dt : 0.0,
		       dt > 0 ? counts.bytes / dt / 1e6 : 0.0, kib >= 0 ? kib / 1024.0 : -1.0);
	}
	return 0;
}
