/* measures: plans of measures (планы мероприятий) from the command line (docs/measures.md,
 * docs/formats.md «План мероприятий»).
 *
 *   oko measures templates
 *   oko measures new [--template ID] --level region|municipality|school
 *                    [--municipality NAME | --school LOGIN] --from DATE --to DATE [--title T]
 *   oko measures list
 *   oko measures show --plan N
 *   oko measures import --plan N FILE [--dry-run]
 *   oko measures export --plan N --out FILE.xlsx|FILE.csv
 *   oko measures help --plan N [--run N|latest] --kinds K[,K…] [--due DATE]
 *   oko measures report --measure N --status S [--note TEXT] [--file FILE] [--on DATE]
 *   oko measures outcome --plan N
 *   oko measures requisites [--municipality NAME] [--org T --place T --head-position T
 *                           --head-name T]
 *
 * The command line is the server's operator and sees the whole region (scope_all). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "cli/cli.h"
#include "import/import.h"
#include "io/scan.h"
#include "io/table.h"
#include "model/measure.h"
#include "model/plan.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/unit.h"
#include "report/measures_table.h"

const char cmd_measures_summary[] =
	"планы мероприятий: шаблоны, загрузка и выгрузка, адресная помощь, исполнение";
const char cmd_measures_usage[] =
	"использование: oko measures templates\n"
	"       oko measures new [--template ШАБЛОН] --level region|municipality|school\n"
	"                  [--municipality НАЗВАНИЕ | --school ЛОГИН] --from ДАТА --to ДАТА\n"
	"                  [--title НАЗВАНИЕ]\n"
	"       oko measures list\n"
	"       oko measures show --plan N\n"
	"       oko measures import --plan N ФАЙЛ [--dry-run]\n"
	"       oko measures export --plan N --out ФАЙЛ.xlsx|ФАЙЛ.csv\n"
	"       oko measures help --plan N [--run N|latest] --kinds ВИДЫ [--due ДАТА]\n"
	"       oko measures report --measure N --status planned|progress|done|cancelled\n"
	"                  [--note ТЕКСТ] [--file ФАЙЛ] [--on ДАТА]\n"
	"       oko measures outcome --plan N\n"
	"       oko measures requisites [--municipality НАЗВАНИЕ] [--org ТЕКСТ] [--place ТЕКСТ]\n"
	"                  [--head-position ТЕКСТ] [--head-name ТЕКСТ]\n\n"
	"templates  — шаблоны планов (по документам регионов и муниципалитетов).\n"
	"new        — новый план: региона, муниципалитета (--municipality) или школы (--school)\n"
	"             на период --from … --to (ДД.ММ.ГГГГ); с --template — с направлениями и\n"
	"             мероприятиями шаблона, без него нужно --title.\n"
	"list       — планы с их исполнением.\n"
	"show       — направления и мероприятия плана: статус, срок, просроченные, доля\n"
	"             выполненных в срок.\n"
	"import     — добавить в план мероприятия из таблицы существующего плана (CSV или XLSX:\n"
	"             «№ п/п», «Мероприятия», «Срок», «Ответственный», «Ожидаемый результат»;\n"
	"             строка только с названием — направление). Срок-дата становится сроком\n"
	"             исполнения (docs/formats.md). Файл загружается целиком или не загружается.\n"
	"export     — план таблицей XLSX или CSV (по расширению; «-» — CSV в стандартный вывод).\n"
	"help       — адресная помощь школам списка риска и школам с официальными признаками\n"
	"             анализа (--run, по умолчанию последний): по мероприятию каждого вида из\n"
	"             --kinds (interview — собеседование с руководителем, control — контроль,\n"
	"             recheck — перепроверка работ, observers — наблюдатели, seminar — семинар,\n"
	"             только где перепроверка подтвердила завышение) со сроком --due.\n"
	"report     — отметка о выполнении: статус, комментарий и файл-подтверждение (PDF, JPEG,\n"
	"             PNG, DOCX или XLSX, до 20 МБ); --on — день, когда мероприятие выполнено\n"
	"             (не позже сегодняшнего; без него — сегодня).\n"
	"outcome    — вышли ли школы, которым помогали, из списка риска.\n"
	"requisites — реквизиты документов региона или муниципалитета: организация, место,\n"
	"             должность и ФИО руководителя; без --org… — показать.\n"
	"  --db ФАЙЛ   база данных (по умолчанию OKO_DB или ./oko.db)";

static const struct scope *all(void)
{
	static struct scope s;
	s = scope_all();
	return &s;
}

/* A whole positive number, like "12". */
static int parse_id(const char *s, int64_t *v)
{
	if (!s || !*s || strlen(s) > 18)
		return ERR_USAGE;
	int64_t x = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ERR_USAGE;
		x = x * 10 + (*s - '0');
	}
	if (!x)
		return ERR_USAGE;
	*v = x;
	return 0;
}

/* "01.03.2021" or "2021-03-01" → "2021-03-01". */
static int parse_date(const char *s, char out[MP_DATE_LEN])
{
	int d, m, y;
	char end;
	if (!s)
		return ERR_USAGE;
	if (sscanf(s, "%2d.%2d.%4d%c", &d, &m, &y, &end) == 3 && d > 0 && m > 0 && y > 0)
		snprintf(out, MP_DATE_LEN, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 100,
			 (unsigned)d % 100);
	else if (strlen(s) == 10)
		snprintf(out, MP_DATE_LEN, "%s", s);
	else
		return ERR_USAGE;
	return plan_date_valid(out) ? 0 : ERR_USAGE;
}

/* "12,5 %" — a share in per cent with the decimal comma; "—" when there is none. */
static const char *percent(char out[16], double share)
{
	if (!isfinite(share)) {
		snprintf(out, 16, "—");
		return out;
	}
	snprintf(out, 16, "%.1f %%", 100.0 * share);
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = ',';
	return out;
}

static const char *date_ru(const char *iso, char out[PLAN_DATE_LEN])
{
	if (iso && *iso)
		plan_date_ru(iso, out);
	else
		snprintf(out, PLAN_DATE_LEN, "—");
	return out;
}

static const char *level_title(enum mp_level l)
{
	return l == MP_REGION ? "региона" : l == MP_MUNICIPALITY ? "муниципалитета" : "школы";
}

static int find_plan(struct db *d, int64_t id, struct mp_plan *p)
{
	int rc = mplan_get(d, id, p);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: плана мероприятий № %lld нет (oko measures list)\n",
			(long long)id);
	else if (rc)
		fprintf(stderr, "oko: план не прочитан: %s\n", err_str(rc));
	return rc;
}

/* ---- templates, new, list ---- */

static int templates(void)
{
	struct mp_template *v = NULL;
	size_t n = 0;
	int rc = mp_templates(&v, &n);
	if (rc) {
		fprintf(stderr, "oko: шаблоны не прочитаны: %s\n", err_str(rc));
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t(план %s; направлений: %d, мероприятий: %d)\n  %s\n", v[i].id,
		       level_title(v[i].level), v[i].nblocks, v[i].nmeasures, v[i].title);
	if (!n)
		printf("шаблонов нет\n");
	free(v);
	return 0;
}

static int plan_new(struct db *d, struct cli *c, const char *tmpl, const char *level_s,
		    const char *mun, const char *school, const char *from, const char *to,
		    const char *title)
{
	int lv = level_s ? mp_level_parse(level_s) : -1;
	if (lv < 0)
		return cli_usage_error(c, "--level — region (регион), municipality (муниципалитет) "
					  "или school (школа)");
	if (lv == MP_MUNICIPALITY && (!mun || school))
		return cli_usage_error(c, "для плана муниципалитета укажите --municipality НАЗВАНИЕ");
	if (lv == MP_SCHOOL && (!school || mun))
		return cli_usage_error(c, "для плана школы укажите --school ЛОГИН");
	if (lv == MP_REGION && (mun || school))
		return cli_usage_error(c, "план региона — без --municipality и --school");
	struct mp_plan *p = xcalloc(1, sizeof *p);
	int rc = 0;
	if (parse_date(from, p->period_from) || parse_date(to, p->period_to)) {
		free(p);
		return cli_usage_error(c, "укажите период плана: --from ДАТА --to ДАТА (ДД.ММ.ГГГГ)");
	}
	if (!tmpl && (!title || !*title)) {
		free(p);
		return cli_usage_error(c, "укажите шаблон (--template, см. oko measures templates) "
					  "или название плана (--title)");
	}
	p->level = (enum mp_level)lv;
	if (lv == MP_REGION) {
		if ((rc = unit_first_region(d, &p->region_id)) || !p->region_id) {
			fprintf(stderr, "oko: в базе нет региона: загрузите реестр школ "
					"(oko import schools)\n");
			rc = rc ? rc : ERR_NOTFOUND;
			goto out;
		}
	} else if (lv == MP_MUNICIPALITY) {
		if ((rc = registry_municipality_find(d, mun, &p->municipality_id))) {
			fprintf(stderr, "oko: муниципалитета «%s» нет в реестре школ\n", mun);
			goto out;
		}
	} else if ((rc = registry_school_find(d, school, &p->school_id))) {
		fprintf(stderr, "oko: школы с логином «%s» нет в реестре школ\n", school);
		goto out;
	}
	if (title)
		str_copy_utf8(p->title, sizeof p->title, title);
	char msg[512] = "";
	rc = tmpl ? mplan_from_template(d, tmpl, p, cli_user_name(), msg, sizeof msg)
		  : mplan_add(d, p, cli_user_name(), msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: план не создан: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	struct mp_plan *got = xcalloc(1, sizeof *got);
	if (!(rc = mplan_get(d, p->id, got))) {
		char a[PLAN_DATE_LEN], b[PLAN_DATE_LEN];
		printf("План мероприятий № %lld создан: %s\n  план %s: %s, %s – %s; мероприятий: %ld\n",
		       (long long)got->id, got->title, level_title(got->level), got->owner,
		       date_ru(got->period_from, a), date_ru(got->period_to, b), got->measures);
	}
	free(got);
out:
	free(p);
	return rc;
}

static int plan_list(struct db *d)
{
	struct mp_plan *v = NULL;
	size_t n = 0;
	int rc = mplan_list(d, all(), &v, &n);
	if (rc) {
		fprintf(stderr, "oko: планы не прочитаны: %s\n", err_str(rc));
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		char a[PLAN_DATE_LEN], b[PLAN_DATE_LEN], pc[16];
		printf("№ %lld\t%s (план %s: %s), %s – %s\n  мероприятий: %ld, выполнено: %ld, "
		       "просрочено: %ld, отменено: %ld; выполнено в срок: %s\n",
		       (long long)v[i].id, v[i].title, level_title(v[i].level), v[i].owner,
		       date_ru(v[i].period_from, a), date_ru(v[i].period_to, b), v[i].measures,
		       v[i].done, v[i].overdue, v[i].cancelled, percent(pc, v[i].execution));
	}
	if (!n)
		printf("планов мероприятий нет (oko measures new)\n");
	free(v);
	return 0;
}

/* ---- show ---- */

static int plan_show(struct db *d, int64_t id)
{
	struct mp_plan *p = xcalloc(1, sizeof *p);
	struct mp_block *b = NULL;
	struct mp_measure *m = NULL;
	size_t nb = 0, nm = 0;
	int rc = find_plan(d, id, p);
	if (rc || (rc = mplan_blocks(d, id, &b, &nb)) || (rc = measure_list(d, id, &m, &nm)))
		goto out;
	char a[PLAN_DATE_LEN], z[PLAN_DATE_LEN], pc[16];
	printf("План мероприятий № %lld: %s\n", (long long)p->id, p->title);
	printf("План %s: %s; период: %s – %s\n", level_title(p->level), p->owner,
	       date_ru(p->period_from, a), date_ru(p->period_to, z));
	if (p->goal[0])
		printf("Цель: %s\n", p->goal);
	if (p->approved[0])
		printf("Утверждён %s\n", p->approved);
	for (size_t i = 0; i < nb; i++) {
		printf("\n%zu. %s\n", i + 1, b[i].title);
		int pos = 0;
		for (size_t j = 0; j < nm; j++) {
			const struct mp_measure *x = &m[j];
			if (x->block_id != b[i].id)
				continue;
			printf("  %zu.%d. [%s%s] %s\n", i + 1, ++pos, mp_status_title(x->status),
			       x->overdue ? ", ПРОСРОЧЕНО" : "", x->text);
			if (x->term[0] && x->due[0])
				printf("       срок: %s (выполнить до %s)\n", x->term, date_ru(x->due, a));
			else if (x->term[0] || x->due[0])
				printf("       срок: %s%s\n", x->term[0] ? x->term : "до ",
				       x->term[0] ? "" : date_ru(x->due, a));
			if (x->responsible[0])
				printf("       ответственный: %s\n", x->responsible);
			if (x->specifics[0])
				printf("       учёт специфики территории: %s\n", x->specifics);
			if (x->school[0])
				printf("       школа: %s (%s)\n", x->school_name, x->school);
			if (x->status == MP_DONE && x->done_on[0])
				printf("       выполнено %s\n", date_ru(x->done_on, a));
		}
	}
	printf("\nМероприятий: %ld, выполнено: %ld (в срок: %ld), просрочено: %ld, отменено: %ld\n",
	       p->measures, p->done, p->done_on_time, p->overdue, p->cancelled);
	printf("Выполнено в срок: %s (от мероприятий без отменённых)\n", percent(pc, p->execution));
out:
	free(m);
	free(b);
	free(p);
	return rc;
}

/* ---- import, export ---- */

static int plan_import(struct db *d, int64_t id, const char *path, bool dry_run)
{
	struct mp_plan *p = xcalloc(1, sizeof *p);
	int rc = find_plan(d, id, p);
	free(p);
	if (rc)
		return rc;
	struct import_opts o = { .dry_run = dry_run, .user = cli_user_name() };
	struct import_stats st;
	struct diag_list diags;
	diag_init(&diags, 1000);
	rc = import_measures(d, path, &o, id, &diags, &st);
	cli_print_diags(&diags);
	if (rc) {
		if (st.summary[0])
			fprintf(stderr, "%s: %s\n", path, st.summary);
		fprintf(stderr, "oko: файл %s не загружен%s; план не изменён\n", path,
			rc == ERR_INVALID ? ": исправьте ошибки и повторите" : "");
	} else {
		printf("%s: %s\n", path, st.summary);
	}
	diag_free(&diags);
	return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcasecmp(s + n - k, suffix);
}

static int plan_export(struct db *d, struct cli *c, int64_t id, const char *out)
{
	enum table_kind kind;
	if (!strcmp(out, "-") || ends_with(out, ".csv"))
		kind = TABLE_CSV;
	else if (ends_with(out, ".xlsx"))
		kind = TABLE_XLSX;
	else
		return cli_usage_error(c, "--out — файл .xlsx или .csv («-» — CSV в стандартный вывод)");
	struct mp_plan *p = xcalloc(1, sizeof *p);
	int rc = find_plan(d, id, p);
	char msg[512] = "";
	if (!rc && (rc = measures_table_save(d, id, out, kind, msg, sizeof msg)))
		fprintf(stderr, "oko: план не выгружен: %s\n", *msg ? msg : err_str(rc));
	else if (!rc && strcmp(out, "-"))
		fprintf(stderr, "План № %lld выгружен в %s: мероприятий %ld\n", (long long)id, out,
			p->measures);
	free(p);
	return rc;
}

/* ---- addressed help ---- */

static int plan_help(struct db *d, struct cli *c, int64_t id, const char *run_s,
		     const char *kinds_s, const char *due_s)
{
	if (!kinds_s)
		return cli_usage_error(c, "укажите виды помощи: --kinds interview,control,recheck,"
					  "observers,seminar");
	unsigned kinds = 0;
	char list[256];
	snprintf(list, sizeof list, "%s", kinds_s);
	for (char *save = NULL, *k = strtok_r(list, ", ", &save); k; k = strtok_r(NULL, ", ", &save)) {
		int v = mp_kind_parse(k);
		if (v <= 0)
			return cli_usage_error(c, "неизвестный вид помощи «%s»; допустимы: interview, "
						  "control, recheck, observers, seminar", k);
		kinds |= 1u << v;
	}
	if (!kinds)
		return cli_usage_error(c, "укажите хотя бы один вид помощи в --kinds");
	char due[MP_DATE_LEN] = "";
	if (due_s && parse_date(due_s, due))
		return cli_usage_error(c, "--due — дата в виде ДД.ММ.ГГГГ");
	int64_t run = 0;
	int rc;
	if (!run_s || !strcmp(run_s, "latest")) {
		struct run_info ri;
		if ((rc = run_latest(d, &ri))) {
			if (rc == ERR_NOTFOUND)
				fprintf(stderr, "oko: анализа ещё не было: сначала oko analyze\n");
			else
				fprintf(stderr, "oko: анализ не прочитан: %s\n", err_str(rc));
			return rc;
		}
		run = ri.id;
	} else if (parse_id(run_s, &run)) {
		return cli_usage_error(c, "--run — номер анализа или latest (последний)");
	}
	struct mp_plan *p = xcalloc(1, sizeof *p);
	struct mp_help_report rep = { 0 };
	char msg[512] = "";
	if (!(rc = find_plan(d, id, p)) &&
	    (rc = measure_help_from_run(d, all(), id, run, kinds, due, cli_user_name(), &rep, msg,
					sizeof msg)))
		fprintf(stderr, "oko: адресная помощь не добавлена: %s\n", *msg ? msg : err_str(rc));
	if (!rc) {
		printf("План № %lld, анализ № %lld: школ с признаками необъективности: %ld\n",
		       (long long)id, (long long)run, rep.schools);
		printf("  добавлено мероприятий: %ld; уже были в плане: %ld\n", rep.measures,
		       rep.skipped);
	}
	free(p);
	return rc;
}

/* ---- report with evidence ---- */

/* Reads a file of at most SCAN_MAX_BYTES (a larger one: ERR_LIMIT, nothing kept). */
static int read_evidence(const char *path, unsigned char **data, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "oko: не удалось открыть %s: %s\n", path, strerror(errno));
		return ERR_IO;
	}
	size_t cap = (size_t)SCAN_MAX_BYTES + 1, len = 0;
	unsigned char *p = xmalloc(1 << 16);
	size_t have = 1 << 16;
	for (;;) {
		if (len == have) {
			have *= 2;
			p = xrealloc(p, have);
		}
		size_t k = fread(p + len, 1, have - len, f);
		len += k;
		if (!k || len >= cap)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(p);
		fprintf(stderr, "oko: не удалось прочитать %s\n", path);
		return ERR_IO;
	}
	if (len >= cap) {
		free(p);
		fprintf(stderr, "oko: файл %s больше 20 МБ: подтверждение не принято (сожмите скан или "
				"разделите документ)\n", path);
		return ERR_LIMIT;
	}
	*data = p;
	*n = len;
	return 0;
}

static int measure_mark(struct db *d, struct cli *c, int64_t id, const char *status_s,
			const char *note, const char *file, const char *on_s)
{
	char on[MP_DATE_LEN] = "";
	if (on_s && parse_date(on_s, on))
		return cli_usage_error(c, "--on — дата выполнения в виде ДД.ММ.ГГГГ");
	int st = status_s ? mp_status_parse(status_s) : -1;
	if (st < 0)
		return cli_usage_error(c, "--status — planned (запланировано), progress (выполняется), "
					  "done (выполнено) или cancelled (отменено)");
	struct mp_measure *m = xcalloc(1, sizeof *m);
	unsigned char *data = NULL;
	size_t n = 0;
	char id_s[SCAN_ID_LEN] = "", dir[4096] = "", msg[512] = "";
	const char *type = NULL, *name = NULL;
	int rc = measure_get(d, id, m);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: мероприятия № %lld нет (номера — oko measures show)\n",
			(long long)id);
	else if (rc)
		fprintf(stderr, "oko: мероприятие не прочитано: %s\n", err_str(rc));
	if (rc)
		goto out;
	if (note && strlen(note) >= MP_NOTE_MAX) {
		fprintf(stderr, "oko: комментарий длиннее %d байт\n", MP_NOTE_MAX - 1);
		rc = ERR_INVALID;
		goto out;
	}
	if (file) {
		if ((rc = read_evidence(file, &data, &n)))
			goto out;
		if (!n) {
			fprintf(stderr, "oko: файл %s пуст: подтверждение не принято\n", file);
			rc = ERR_INVALID;
			goto out;
		}
		char why[300];
		if (!(type = scan_evidence_type(data, n, why, sizeof why))) {
			fprintf(stderr, "oko: %s: %s; подтверждение не принято\n", file, why);
			rc = ERR_INVALID;
			goto out;
		}
		name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		char dbf[4096];
		db_file(d, dbf, sizeof dbf);
		measure_files_dir(dbf, dir, sizeof dir);
		if ((rc = scan_store(dir, data, n, id_s))) {
			fprintf(stderr, "oko: файл не сохранён в %s: %s\n", dir, err_str(rc));
			goto out;
		}
	}
	rc = measure_report_on(d, id, (enum mp_status)st, on, note ? note : "", file ? id_s : NULL, name,
			    type, (int64_t)n, cli_user_name(), msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: отметка не сохранена: %s\n", *msg ? msg : err_str(rc));
		if (file)
			scan_remove(dir, id_s);
		goto out;
	}
	printf("Мероприятие № %lld: %s%s%s\n", (long long)id, mp_status_title((enum mp_status)st),
	       file ? "; приложен файл " : "", file ? name : "");
out:
	free(data);
	free(m);
	return rc;
}

/* ---- outcome ---- */

static int plan_outcome(struct db *d, int64_t id)
{
	struct mp_plan *p = xcalloc(1, sizeof *p);
	struct mp_outcome o = { 0 };
	int rc = find_plan(d, id, p);
	if (rc || (rc = measure_outcome(d, id, &o))) {
		if (rc && rc != ERR_NOTFOUND)
			fprintf(stderr, "oko: итоги не рассчитаны: %s\n", err_str(rc));
		goto out;
	}
	printf("План № %lld: %s\n", (long long)id, p->title);
	printf("Школ, которым оказана адресная помощь: %ld; с результатами после неё: %ld; "
	       "вышли из списка: %ld; остались: %ld\n", o.helped, o.measured_after, o.left, o.stayed);
	for (size_t i = 0; i < o.n; i++) {
		const struct mp_outcome_school *s = &o.s[i];
		const char *verdict = !s->measured_after ? "результатов после помощи ещё нет"
				      : s->flagged_after ? "осталась в списке"
							 : "вышла из списка";
		char when[32] = "";
		if (s->year_after)
			snprintf(when, sizeof when, " в %d году", s->year_after);
		printf("  %s (%s): признаки в %d году; %s%s; мероприятий: %ld, выполнено: %ld\n",
		       s->school_name, s->school, s->year_before, verdict,
		       s->measured_after ? when : "", s->measures, s->done);
	}
out:
	measure_outcome_free(&o);
	free(p);
	return rc;
}

/* ---- requisites ---- */

static int requisites(struct db *d, const char *mun, const char *org, const char *place,
		      const char *head_pos, const char *head_name)
{
	enum mp_level unit = mun ? MP_MUNICIPALITY : MP_REGION;
	int64_t uid = 0;
	int rc = mun ? registry_municipality_find(d, mun, &uid) : unit_first_region(d, &uid);
	if (rc || !uid) {
		if (mun)
			fprintf(stderr, "oko: муниципалитета «%s» нет в реестре школ\n", mun);
		else
			fprintf(stderr, "oko: в базе нет региона: загрузите реестр школ\n");
		return rc ? rc : ERR_NOTFOUND;
	}
	struct mp_requisite r;
	bool stored = false;
	if ((rc = requisite_get(d, unit, uid, &r, &stored))) {
		fprintf(stderr, "oko: реквизиты не прочитаны: %s\n", err_str(rc));
		return rc;
	}
	const struct {
		const char *v;
		char *dst;
		size_t n;
		const char *what;
	} set[] = {
		{ org, r.org, sizeof r.org, "организация" },
		{ place, r.place, sizeof r.place, "место" },
		{ head_pos, r.head_position, sizeof r.head_position, "должность руководителя" },
		{ head_name, r.head_name, sizeof r.head_name, "ФИО руководителя" },
	};
	bool change = false;
	for (size_t i = 0; i < 4; i++) {
		if (!set[i].v)
			continue;
		if (strlen(set[i].v) >= set[i].n) {
			fprintf(stderr, "oko: %s длиннее %zu байт\n", set[i].what, set[i].n - 1);
			return ERR_INVALID;
		}
		snprintf(set[i].dst, set[i].n, "%s", set[i].v);
		change = true;
	}
	if (change) {
		if (!r.org[0]) {
			fprintf(stderr, "oko: организация не может быть пустой\n");
			return ERR_INVALID;
		}
		if ((rc = requisite_put(d, unit, uid, &r, cli_user_name()))) {
			fprintf(stderr, "oko: реквизиты не сохранены: %s\n", err_str(rc));
			return rc;
		}
		stored = true;
	}
	printf("Реквизиты %s%s:\n", mun ? "муниципалитета " : "региона", mun ? mun : "");
	printf("  организация: %s\n  место: %s\n  должность руководителя: %s\n  ФИО руководителя: "
	       "%s\n", r.org, r.place[0] ? r.place : "—", r.head_position[0] ? r.head_position : "—",
	       r.head_name[0] ? r.head_name : "—");
	if (!stored)
		printf("  (не заданы: показаны значения по умолчанию)\n");
	return 0;
}

int cmd_measures(struct cli *c, int argc, char **argv)
{
	const char *tmpl = NULL, *level = NULL, *mun = NULL, *school = NULL, *from = NULL,
		   *to = NULL, *title = NULL, *plan_s = NULL, *out = NULL, *run_s = NULL,
		   *kinds = NULL, *due = NULL, *measure_s = NULL, *status = NULL, *note = NULL,
		   *file = NULL, *org = NULL, *place = NULL, *head_pos = NULL, *head_name = NULL,
		   *on = NULL;
	bool dry_run = false;
	const struct cli_opt opts[] = {
		{ "--template", &tmpl, NULL }, { "--level", &level, NULL },
		{ "--municipality", &mun, NULL }, { "--school", &school, NULL },
		{ "--from", &from, NULL }, { "--to", &to, NULL }, { "--title", &title, NULL },
		{ "--plan", &plan_s, NULL }, { "--out", &out, NULL }, { "--run", &run_s, NULL },
		{ "--kinds", &kinds, NULL }, { "--due", &due, NULL },
		{ "--measure", &measure_s, NULL }, { "--status", &status, NULL },
		{ "--note", &note, NULL }, { "--file", &file, NULL }, { "--org", &org, NULL },
		{ "--place", &place, NULL }, { "--head-position", &head_pos, NULL },
		{ "--head-name", &head_name, NULL }, { "--on", &on, NULL }, { "--dry-run", NULL, &dry_run },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	static const char *const acts[] = { "templates", "new", "list", "show", "import", "export",
					    "help", "report", "outcome", "requisites", NULL };
	const char *act = npos >= 1 ? argv[0] : "";
	int a = -1;
	for (int i = 0; acts[i] && a < 0; i++)
		if (!strcmp(act, acts[i]))
			a = i;
	if (a < 0)
		return cli_usage_error(c, "укажите действие: templates, new, list, show, import, "
					  "export, help, report, outcome или requisites");
	bool is_import = a == 4;
	int want = is_import ? 2 : 1;
	if (npos != want)
		return npos > want ? cli_usage_error(c, "лишний аргумент «%s»", argv[want])
				   : cli_usage_error(c, "не хватает аргумента: файл плана");
	int64_t plan = 0, measure = 0;
	bool needs_plan = a == 3 || a == 4 || a == 5 || a == 6 || a == 8;
	if (needs_plan && !plan_s)
		return cli_usage_error(c, "укажите план: --plan N (номера — oko measures list)");
	if (plan_s && parse_id(plan_s, &plan))
		return cli_usage_error(c, "--plan — номер плана, целое положительное число");
	if (a == 5 && !out)
		return cli_usage_error(c, "укажите файл: --out ФАЙЛ.xlsx или ФАЙЛ.csv");
	if (a == 7 && (!measure_s || parse_id(measure_s, &measure)))
		return cli_usage_error(c, "укажите мероприятие: --measure N (номера — oko measures "
					  "show)");
	if (a == 0)
		return templates();
	bool readonly = a == 2 || a == 3 || a == 5 || a == 8 ||
			(a == 9 && !org && !place && !head_pos && !head_name);
	struct db *d = NULL;
	if ((rc = cli_open_db(c, readonly ? DB_OPEN_READONLY : 0, &d))) {
		fprintf(stderr, "oko: не удалось открыть базу данных %s: %s\n", c->db_path, err_str(rc));
		return rc;
	}
	switch (a) {
	case 1:
		rc = plan_new(d, c, tmpl, level, mun, school, from, to, title);
		break;
	case 2:
		rc = plan_list(d);
		break;
	case 3:
		rc = plan_show(d, plan);
		break;
	case 4:
		rc = plan_import(d, plan, argv[1], dry_run);
		break;
	case 5:
		rc = plan_export(d, c, plan, out);
		break;
	case 6:
		rc = plan_help(d, c, plan, run_s, kinds, due);
		break;
	case 7:
		rc = measure_mark(d, c, measure, status, note, file, on);
		break;
	case 8:
		rc = plan_outcome(d, plan);
		break;
	default:
		rc = requisites(d, mun, org, place, head_pos, head_name);
		break;
	}
	db_close(d);
	return rc;
}
