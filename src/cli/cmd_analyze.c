/* analyze: the objectivity analytics from the command line — `oko analyze` over the
 * database (analysis/run.c does the work) and `oko analyze-histogram` over a histogram
 * of scores alone (a published regional distribution). */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "io/table_write.h"
#include "analysis/analysis.h"
#include "stats/bunching.h"
#include "stats/proc.h"

/* Parses a whole decimal integer in [lo, hi]. */
static bool parse_long(const char *s, long lo, long hi, long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cmd_analyze(struct cli *c, int argc, char **argv)
{
	const char *year = NULL, *procedure = NULL, *out = NULL, *threads = NULL, *q = NULL;
	bool quiet = false, no_store = false, timing = false;
	const struct cli_opt opts[] = {
		{ "--year", &year, NULL },
		{ "--procedure", &procedure, NULL },
		{ "--out", &out, NULL },
		{ "--threads", &threads, NULL },
		{ "--q", &q, NULL },
		{ "--no-store", NULL, &no_store },
		{ "--quiet", NULL, &quiet },
		{ "--time", NULL, &timing },
		{ 0 },
	};
	int rc;
	if ((rc = cli_parse_options(c, argc, argv, opts)))
		return rc > 0 ? 0 : rc;
	if (!out)
		return cli_usage_error(c, "укажите каталог для результатов: --out КАТАЛОГ");
	struct analysis_opts o = { 0 };
	o.db_path = c->db_path;
	o.out_dir = out;
	o.procedure = procedure;
	o.store = !no_store;
	o.progress = !quiet && cli_is_tty();
	o.timing = timing;
	o.q = 0.05;
	long v;
	if (year) {
		if (!parse_long(year, 1990, 2100, &v))
			return cli_usage_error(c, "год должен быть числом, например 2021, а не «%s»", year);
		o.year = (int)v;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu > 1 ? (ncpu > 8 ? 8 : (int)ncpu) : 1;
	if (threads) {
		if (!parse_long(threads, 1, 64, &v))
			return cli_usage_error(c, "--threads: число от 1 до 64, а не «%s»", threads);
		o.threads = (int)v;
	}
	if (q) {
		char *end;
		double x = strtod(q, &end);
		if (*end || !(x > 0 && x < 1))
			return cli_usage_error(c, "--q: доля от 0 до 1, например 0.05, а не «%s»", q);
		o.q = x;
	}
	gsl_set_error_handler_off();
	struct db *d = NULL;
	if ((rc = cli_open_db(c, 0, &d))) {
		fprintf(stderr, "oko analyze: не удалось открыть базу данных «%s»: %s\n", c->db_path,
			err_str(rc));
		return rc;
	}
	struct analysis_summary s;
	char msg[512];
	/* Every procedure's columns (tens of MB) are allocated and freed in turn: keep freed
	 * memory in the process instead of returning it to the kernel and faulting it in again
	 * (glibc; a region of 1 M works: half the page faults, 1.41 -> 1.22 s). */
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
	rc = analysis_run(d, &o, &s, msg, sizeof msg);
	db_close(d);
	if (rc) {
		fprintf(stderr, "oko analyze: %s\n", msg);
		return rc;
	}
	if (!quiet) {
		if (s.packed)
			printf("упаковано для анализа процедур: %zu (один раз: их результаты были "
			       "сохранены прежней версией oko)\n", s.packed);
		printf("процедур: %zu", s.procedures);
		if (s.companions)
			printf(" (и %zu за предыдущий год — для сравнения параллелей)", s.companions);
		printf(", работ: %llu, исключено строк: %llu\n", (unsigned long long)s.works,
		       (unsigned long long)s.excluded);
		char ix[RU_NUM_MAX], ef[RU_NUM_MAX];
		printf("школ с работами: %zu, отмечены официальными признаками: %zu, "
		       "показатель объективности: %s\n", s.considered, s.flagged,
		       ru_num(ix, sizeof ix, s.index, 1));
		printf("список риска oko: %zu %s (ожидаемое число ошибочно включённых не больше %s)\n",
		       s.listed, str_plural((long)s.listed, "школа", "школы", "школ"),
		       ru_num(ef, sizeof ef, s.expected_false, 1));
		if (s.run_id)
			printf("запуск анализа №%lld сохранён в базе\n", (long long)s.run_id);
		printf("файлы: %s/signs.csv, schools.csv, region.csv, municipalities.csv, "
		       "official_list.xlsx\n", out);
	}
	return 0;
}

/* ---- analyze-histogram ---- */

/* Reads "score,count" lines (a header line and ';' separators allowed) into counts. */
static int read_counts(const char *path, double **out, int *nv, char *msg, size_t msglen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		snprintf(msg, msglen, "не удалось открыть «%s»: %s", path, strerror(errno));
		return ERR_IO;
	}
	double *c = xcalloc(STAT_MAX_SCORE + 1, sizeof *c);
	int maxv = -1, rc = 0;
	long line = 0;
	char buf[256];
	while (fgets(buf, sizeof buf, f)) {
		line++;
		char *s = buf;
		if (line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
		    (unsigned char)s[2] == 0xBF)
			s += 3;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n' || *s == '\r' || *s == '#')
			continue;
		char *end;
		errno = 0;
		long score = strtol(s, &end, 10);
		if (end == s) {
			if (line == 1)
				continue; /* header */
			snprintf(msg, msglen, "%s, строка %ld: ожидается «балл,количество»", path, line);
			rc = ERR_PARSE;
			break;
		}
		while (*end == ' ' || *end == '"')
			end++;
		if (*end != ',' && *end != ';' && *end != '\t') {
			snprintf(msg, msglen, "%s, строка %ld: ожидается «балл,количество»", path, line);
			rc = ERR_PARSE;
			break;
		}
		char *e2;
		double cnt = strtod(end + 1, &e2);
		while (*e2 == ' ' || *e2 == '\r' || *e2 == '\n' || *e2 == '"')
			e2++;
		if (errno || e2 == end + 1 || *e2 || score < 0 || score > STAT_MAX_SCORE ||
		    !(cnt >= 0) || isinf(cnt)) {
			snprintf(msg, msglen,
				 "%s, строка %ld: балл должен быть от 0 до %d, количество — неотрицательным",
				 path, line, STAT_MAX_SCORE);
			rc = ERR_PARSE;
			break;
		}
		c[score] += cnt;
		if (score > maxv)
			maxv = (int)score;
	}
	if (f != stdin)
		fclose(f);
	if (!rc && maxv < 0) {
		snprintf(msg, msglen, "%s: нет ни одной строки «балл,количество»", path);
		rc = ERR_PARSE;
	}
	if (rc) {
		free(c);
		return rc;
	}
	*out = c;
	*nv = maxv + 1;
	return 0;
}

static int parse_bounds(const char *s, int *b, int *nb)
{
	*nb = 0;
	while (*s) {
		char *end;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (end == s || errno || v < 1 || v > STAT_MAX_SCORE || *nb >= 8)
			return ERR_PARSE;
		if (*nb && v <= b[*nb - 1])
			return ERR_PARSE;
		b[(*nb)++] = (int)v;
		if (*end == ',' || *end == '/')
			end++;
		else if (*end)
			return ERR_PARSE;
		s = end;
	}
	return *nb ? 0 : ERR_PARSE;
}

static int w_num(struct table_writer *w, double v)
{
	if (isnan(v))
		return table_writer_empty(w);
	char b[48];
	snprintf(b, sizeof b, "%.10g", v);
	return table_writer_text(w, b);
}

int cmd_analyze_histogram(struct cli *c, int argc, char **argv)
{
	const char *counts = NULL, *bounds = NULL, *out = NULL, *boot = NULL, *degree = NULL,
		   *below = NULL, *above = NULL, *seed = NULL, *method = NULL, *link = NULL;
	const struct cli_opt opts[] = {
		{ "--counts", &counts, NULL },
		{ "--boundaries", &bounds, NULL },
		{ "--out", &out, NULL },
		{ "--boot", &boot, NULL },
		{ "--degree", &degree, NULL },
		{ "--below", &below, NULL },
		{ "--above", &above, NULL },
		{ "--seed", &seed, NULL },
		{ "--bootstrap", &method, NULL },
		{ "--link", &link, NULL },
		{ 0 },
	};
	int rc;
	if ((rc = cli_parse_options(c, argc, argv, opts)))
		return rc > 0 ? 0 : rc;
	if (!counts)
		return cli_usage_error(c, "укажите файл с распределением: --counts ФАЙЛ (балл,количество)");
	if (!bounds)
		return cli_usage_error(c, "укажите границы отметок: --boundaries 14,24,33");
	int b[8], nb;
	if (parse_bounds(bounds, b, &nb))
		return cli_usage_error(c, "границы — возрастающие целые числа через запятую, например "
					  "14,24,33, а не «%s»", bounds);
	struct stat_bunch_opts bo;
	stat_bunch_opts_default(&bo);
	long v;
	if (boot) {
		if (!parse_long(boot, 0, 100000, &v))
			return cli_usage_error(c, "--boot: число повторов от 0 до 100000");
		bo.nboot = (int)v;
	}
	if (degree) {
		if (!parse_long(degree, 1, 9, &v))
			return cli_usage_error(c, "--degree: степень многочлена от 1 до 9");
		bo.degree = (int)v;
	}
	if (below) {
		if (!parse_long(below, 1, 20, &v))
			return cli_usage_error(c, "--below: от 1 до 20 баллов");
		bo.below = (int)v;
	}
	if (above) {
		if (!parse_long(above, 1, 20, &v))
			return cli_usage_error(c, "--above: от 1 до 20 баллов");
		bo.above = (int)v;
	}
	if (seed) {
		if (!parse_long(seed, 0, 0x7fffffffL, &v))
			return cli_usage_error(c, "--seed: целое неотрицательное число");
		bo.seed = (uint64_t)v;
	}
	if (method) {
		if (!strcmp(method, "residual"))
			bo.boot = STAT_BOOT_RESIDUAL;
		else if (!strcmp(method, "multinomial"))
			bo.boot = STAT_BOOT_MULTINOMIAL;
		else if (!strcmp(method, "delta"))
			bo.boot = STAT_BOOT_DELTA;
		else
			return cli_usage_error(c, "--bootstrap: residual, multinomial или delta");
	}
	if (link) {
		if (!strcmp(link, "log"))
			bo.link = STAT_LINK_LOG;
		else if (!strcmp(link, "identity"))
			bo.link = STAT_LINK_IDENTITY;
		else
			return cli_usage_error(c, "--link: log или identity");
	}
	gsl_set_error_handler_off();
	double *h = NULL, *cf = NULL;
	int nv = 0, deg = 0;
	char msg[512];
	struct stat_bunch_est est[8];
	struct table_writer *w = NULL;
	if ((rc = read_counts(counts, &h, &nv, msg, sizeof msg))) {
		fprintf(stderr, "oko analyze-histogram: %s\n", msg);
		return rc;
	}
	if (b[nb - 1] >= nv) {
		fprintf(stderr, "oko analyze-histogram: граница %d не меньше наибольшего балла в файле (%d)\n",
			b[nb - 1], nv - 1);
		rc = ERR_INVALID;
		goto out;
	}
	cf = xcalloc((size_t)nv, sizeof *cf);
	rc = stat_bunch_excess(h, nv, b, nb, &bo, est, cf, &deg);
	if (rc) {
		fprintf(stderr, "oko analyze-histogram: слишком мало баллов вне окон у границ, чтобы "
				"построить контрфактическое распределение\n");
		goto out;
	}
	double total = 0;
	for (int i = 0; i < nv; i++)
		total += h[i];
	char how[64];
	bool delta = bo.boot == STAT_BOOT_DELTA, interval = delta || bo.nboot > 0;
	if (delta) {
		bo.nboot = 0; /* no replications: the CSV says so */
		snprintf(how, sizeof how, "интервал по дельта-методу");
	} else
		snprintf(how, sizeof how, "бутстрэп: %d повторов", bo.nboot);
	printf("работ: %.0f, баллы 0..%d, многочлен степени %d (%s), %s, уровень %.0f%%\n", total,
	       nv - 1, deg, bo.link == STAT_LINK_LOG ? "логарифм частот" : "частоты", how,
	       100 * bo.level);
	printf("%-8s %-9s %10s %10s %12s %24s %8s %10s %24s\n", "граница", "окно", "факт", "ожид.",
	       "избыток B", "интервал B", "B/ожид.", "недостача", "интервал M");
	for (int i = 0; i < nb; i++) {
		const struct stat_bunch_est *e = &est[i];
		if (!e->ok) {
			printf("%-8d окно не помещается в распределение\n", e->b);
			continue;
		}
		char win[32], ib[64], im[64];
		snprintf(win, sizeof win, "%d..%d", e->lo, e->hi);
		snprintf(ib, sizeof ib, "[%.1f; %.1f]", e->excess_lo, e->excess_hi);
		snprintf(im, sizeof im, "[%.1f; %.1f]", e->missing_lo, e->missing_hi);
		printf("%-8d %-9s %10.0f %10.1f %12.1f %24s %8.3f %10.1f %24s\n", e->b, win, e->obs_above,
		       e->cf_above, e->excess, interval ? ib : "—", e->excess_share, e->missing,
		       interval ? im : "—");
	}
	if (out) {
		if ((rc = table_writer_open(&w, out, TABLE_CSV, NULL, msg, sizeof msg))) {
			fprintf(stderr, "oko analyze-histogram: %s\n", msg);
			goto out;
		}
		static const char *hdr[] = {"boundary", "lo", "hi", "total", "obs_above", "cf_above",
			"excess", "excess_lo", "excess_hi", "excess_share", "obs_below", "cf_below",
			"missing", "missing_lo", "missing_hi", "pi_cf", "pi_obs", "degree", "nboot"};
		for (size_t i = 0; i < sizeof hdr / sizeof *hdr && !rc; i++)
			rc = table_writer_text(w, hdr[i]);
		rc = rc ? rc : table_writer_end_row(w);
		for (int i = 0; i < nb && !rc; i++) {
			const struct stat_bunch_est *e = &est[i];
			rc = table_writer_int(w, e->b);
			if (!e->ok) {
				for (size_t k = 1; k < sizeof hdr / sizeof *hdr && !rc; k++)
					rc = table_writer_empty(w);
			} else {
				double vals[] = {e->lo, e->hi, e->total, e->obs_above, e->cf_above, e->excess,
					e->excess_lo, e->excess_hi, e->excess_share, e->obs_below, e->cf_below,
					e->missing, e->missing_lo, e->missing_hi, e->pi_cf, e->pi_obs, deg,
					bo.nboot};
				for (size_t k = 0; k < sizeof vals / sizeof *vals && !rc; k++)
					rc = w_num(w, vals[k]);
			}
			rc = rc ? rc : table_writer_end_row(w);
		}
		int rc2 = table_writer_close(w);
		rc = rc ? rc : rc2;
		if (rc) {
			fprintf(stderr, "oko analyze-histogram: не удалось записать «%s»\n", out);
			goto out;
		}
	}
	rc = 0;
out:
	free(h);
	free(cf);
	return rc;
}
