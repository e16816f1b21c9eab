/* medalists: the medalists' lists, the medal thresholds and the non-confirmation index from
 * the command line (model/medalist.h, docs/medalists.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "cli/cli.h"
#include "import/import.h"
#include "model/medalist.h"
#include "report/doc_pdf.h"
#include "report/medalists_pdf.h"

const char cmd_medalists_summary[] = "медалисты: списки, пороги ЕГЭ, индекс неподтверждения";
const char cmd_medalists_usage[] =
	"использование: oko medalists import ФАЙЛ... [--dry-run]\n"
	"       oko medalists thresholds [ФАЙЛ] [--year ГОД] [--dry-run]\n"
	"       oko medalists index [--year ГОД | --years ГОД-ГОД | --pooled] [--out ФАЙЛ.pdf]\n\n"
	"import      — списки медалистов (CSV или XLSX: school,year,code,medal; только коды\n"
	"              участников, без ФИО); списки школ и годов из файла заменяются; файл\n"
	"              загружается целиком или не загружается. То же — «oko import medalists».\n"
	"thresholds  — без файла показывает пороги ЕГЭ года (--year, по умолчанию последний год\n"
	"              с медалистами); с файлом (year,medal,subject,min_score,min_mark,source)\n"
	"              заменяет пороги годов из файла. Год без своих порогов берёт пороги oko по\n"
	"              умолчанию (docs/medalists.md).\n"
	"index       — по школам: медалистов, не подтвердили, нет результата, доля, p, значимо ли\n"
	"              выше доли региона (точный биномиальный критерий, поправка Бенджамини —\n"
	"              Хохберга). --years 2023-2025 — годы сложены: по школе суммы за годы\n"
	"              против доли региона каждого года; --pooled — последние три года.\n"
	"              --out ФАЙЛ.pdf — таблица документом PDF.";

static int latest_year(struct db *d, int *year)
{
	int *ys = NULL;
	size_t n = 0;
	int rc = medal_years(d, &ys, &n);
	if (!rc && n)
		*year = ys[0];
	free(ys);
	return rc;
}

static int run_import(struct db *d, int npos, char **argv, bool dry, bool thresholds)
{
	struct import_opts o = { .dry_run = dry, .user = cli_user_name() };
	int rc = 0;
	for (int i = 1; i < npos; i++) {
		struct diag_list diags;
		struct import_stats st;
		diag_init(&diags, 1000);
		int frc = thresholds ? import_medal_thresholds(d, argv[i], &o, &diags, &st)
				     : import_medalists(d, argv[i], &o, &diags, &st);
		cli_print_diags(&diags);
		if (frc) {
			fprintf(stderr, "oko: файл %s не загружен%s; данные в базе не изменены\n", argv[i],
				frc == ERR_INVALID ? ": исправьте ошибки и повторите" : "");
			if (!rc)
				rc = frc;
		} else {
			printf("%s: %s\n", argv[i], st.summary);
		}
		diag_free(&diags);
	}
	return rc;
}

static int show_thresholds(struct db *d, int year)
{
	struct medal_threshold *t = NULL;
	size_t n = 0;
	bool stored;
	int rc = medal_thresholds(d, year, &t, &n, &stored);
	if (rc)
		return rc;
	printf("пороги %d года (%s):\n", year, stored ? "заданы регионом" : "по умолчанию oko");
	if (!n)
		printf("  порогов нет: медалисты этого года не проверяются\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %s: %s", medal_title(t[i].medal), medal_subject_title(t[i].subject));
		if (t[i].min_score >= 0)
			printf(" — не менее %d баллов", t[i].min_score);
		else
			printf(" — отметка не ниже %d", t[i].min_mark);
		printf("%s%s\n", t[i].source[0] ? "; " : "", t[i].source);
	}
	free(t);
	return 0;
}

static void pct(char *out, size_t n, double share)
{
	if (isnan(share))
		snprintf(out, n, "—");
	else
		ru_num(out, n, 100 * share, 1);
}

/* The index as a PDF at path (report/medalists_pdf.c). */
static int write_pdf(const struct medal_index *x, const char *path)
{
	const char *territory = x->nregions == 1 ? x->regions[0].name : "";
	struct doc *doc = medal_index_doc(x, territory);
	struct buf b = BUF_INIT;
	int rc = doc_pdf_write(doc, &b);
	doc_free(doc);
	if (!rc)
		rc = cli_write_out(path, &b);
	buf_free(&b);
	return rc;
}

static int show_index(struct db *d, int from, int year, const char *out)
{
	struct medal_index x;
	struct scope all = scope_all();
	int rc = medal_index_span(d, from, year, &all, &x);
	if (rc)
		return rc;
	char a[RU_NUM_MAX], p[RU_NUM_MAX];
	if (out) {
		rc = write_pdf(&x, out);
		medal_index_free(&x);
		return rc;
	}
	if (from != year)
		printf("медалисты %d–%d годов (годы сложены: %zu): школ %zu\n", from, year, x.nyears,
		       x.nschools);
	else
		printf("медалисты %d года: школ %zu\n", year, x.nschools);
	for (size_t i = 0; i < x.nregions; i++) {
		const struct stat_medal_total *t = &x.regions[i].st;
		pct(a, sizeof a, t->rate);
		printf("регион «%s»: медалистов %llu, проверено %llu, не подтвердили %llu, нет результата "
		       "%llu, без порогов %llu, доля %s%%; школ со значимо большей долей: %zu\n",
		       x.regions[i].name, (unsigned long long)t->medalists,
		       (unsigned long long)t->checked, (unsigned long long)t->below,
		       (unsigned long long)t->noresult, (unsigned long long)t->norule, a,
		       t->significant);
	}
	printf("школа\tмуниципалитет\tмедалистов\tне подтвердили\tнет результата\tдоля, %%\tp\tq\t"
	       "значимо\n");
	for (size_t i = 0; i < x.nschools; i++) {
		const struct medal_school *s = &x.schools[i];
		pct(a, sizeof a, s->st.share);
		if (isnan(s->st.p))
			snprintf(p, sizeof p, "—");
		else
			ru_num(p, sizeof p, s->st.p, 4);
		char q[RU_NUM_MAX];
		if (isnan(s->st.q))
			snprintf(q, sizeof q, "—");
		else
			ru_num(q, sizeof q, s->st.q, 4);
		printf("%s\t%s\t%llu\t%llu\t%llu\t%s\t%s\t%s\t%s\n", s->login, s->municipality,
		       (unsigned long long)s->st.medalists, (unsigned long long)s->st.below,
		       (unsigned long long)s->st.noresult, a, p, q, s->st.significant ? "да" : "нет");
	}
	medal_index_free(&x);
	return 0;
}

int cmd_medalists(struct cli *c, int argc, char **argv)
{
	const char *year_s = NULL, *years_s = NULL, *out_s = NULL;
	bool dry = false, pooled = false;
	const struct cli_opt opts[] = {
		{ "--year", &year_s, NULL },
		{ "--years", &years_s, NULL },
		{ "--pooled", NULL, &pooled },
		{ "--out", &out_s, NULL },
		{ "--dry-run", NULL, &dry },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos < 1)
		return cli_usage_error(c, "укажите действие: import, thresholds или index");
	int year = 0;
	if (year_s) {
		char *end = NULL;
		long v = strtol(year_s, &end, 10);
		if (!*year_s || *end || v < 2000 || v > 2100)
			return cli_usage_error(c, "год — число от 2000 до 2100");
		year = (int)v;
	}
	int from = 0;
	if (years_s) {
		/* «2023-2025» or «2023–2025» */
		const char *dash = strstr(years_s, "–");
		size_t skip = dash ? strlen("–") : 1;
		if (!dash)
			dash = strchr(years_s, '-');
		char *e1 = NULL, *e2 = NULL;
		long a = strtol(years_s, &e1, 10), b = dash ? strtol(dash + skip, &e2, 10) : 0;
		if (!dash || e1 != dash || !e2 || *e2 || a < 2000 || b > 2100 || a > b)
			return cli_usage_error(c, "годы — «ГОД-ГОД» от 2000 до 2100, например 2023-2025");
		if (year_s || pooled)
			return cli_usage_error(c, "укажите одно: --year, --years или --pooled");
		from = (int)a;
		year = (int)b;
	}
	if (pooled && year_s)
		return cli_usage_error(c, "укажите одно: --year, --years или --pooled");
	if (out_s && (strlen(out_s) < 5 || strcmp(out_s + strlen(out_s) - 4, ".pdf")))
		return cli_usage_error(c, "--out — файл .pdf");
	const char *what = argv[0];
	bool imp = !strcmp(what, "import"), thr = !strcmp(what, "thresholds"),
	     idx = !strcmp(what, "index");
	if (!imp && !thr && !idx)
		return cli_usage_error(c, "неизвестное действие «%s»; есть: import, thresholds, index",
				       what);
	if (imp && npos < 2)
		return cli_usage_error(c, "укажите файл со списком медалистов");
	if (idx && npos > 1)
		return cli_usage_error(c, "лишний аргумент «%s»", argv[1]);
	if (!idx && (years_s || pooled || out_s))
		return cli_usage_error(c, "--years, --pooled и --out — только для index");
	struct db *d = NULL;
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	if (imp || (thr && npos > 1)) {
		rc = run_import(d, npos, argv, dry, thr);
		goto out;
	}
	if (pooled && (rc = medal_span_default(d, &from, &year)))
		goto out;
	if (!year && (rc = latest_year(d, &year)))
		goto out;
	if (!from)
		from = year;
	if (!year) {
		fprintf(stderr, "oko medalists: медалистов в базе нет; укажите год: --year ГОД\n");
		rc = ERR_NOTFOUND;
		goto out;
	}
	rc = thr ? show_thresholds(d, year) : show_index(d, from, year, out_s);
out:
	db_close(d);
	return rc;
}
