/* recheck: re-checking and cross-checking of sampled works by experts, from the command line
 * (docs/recheck.md, "Command line").
 *
 *   oko recheck sample --procedure P --rule R[,R…] [--share X] --seed S [--kind K] [--mutual]
 *                      [--medal FILE] [--out sample.csv] [--dry-run]
 *   oko recheck assign --round N [--seed S]
 *   oko recheck rounds [--procedure P]
 *   oko recheck status --round N
 *   oko recheck experts import FILE [--dry-run] | list | link --expert CODE --login LOGIN
 *   oko recheck settings --procedure P [--point-diff N] [--tolerance N] [--control-rate X]
 *   oko recheck scan --round N --school LOGIN (--code C FILE | --split FILE --codes "C1 C2 …")
 *   oko recheck report --procedure P [--round N] --out DIR
 *
 * The command line is the server's operator and sees the whole region (scope_all). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assign/recheck.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "cli/cli.h"
#include "io/scan.h"
#include "io/table.h"
#include "io/table_write.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/user.h"
#include "report/recheck.h"
#include "stats/recheck.h"

const char cmd_recheck_summary[] =
	"перепроверка работ: выборка, эксперты, сканы, назначение, результаты";
const char cmd_recheck_usage[] =
	"использование: oko recheck sample --procedure КОД --rule ПРАВИЛА [--share ДОЛЯ] --seed S\n"
	"                  [--kind municipal|cross] [--mutual] [--medal ФАЙЛ] [--out ФАЙЛ]\n"
	"                  [--dry-run]\n"
	"       oko recheck assign --round N [--seed S]\n"
	"       oko recheck rounds [--procedure КОД]\n"
	"       oko recheck status --round N\n"
	"       oko recheck experts import ФАЙЛ [--dry-run]\n"
	"       oko recheck experts list\n"
	"       oko recheck experts link --expert КОД --login ЛОГИН\n"
	"       oko recheck settings --procedure КОД [--point-diff N] [--tolerance N]\n"
	"                  [--control-rate ДОЛЯ]\n"
	"       oko recheck scan --round N --school ЛОГИН --code КОД ФАЙЛ\n"
	"       oko recheck scan --round N --school ЛОГИН --split ФАЙЛ --codes \"К1 К2 …\"\n"
	"       oko recheck report --procedure КОД [--round N] --out КАТАЛОГ\n\n"
	"sample   — отобрать работы для перепроверки (новый раунд). Правила через запятую:\n"
	"           risk (все работы школ из списка риска oko), official (школ с официальными\n"
	"           признаками), boundary (работы этих школ с баллами b−1, b, b+1 у границ\n"
	"           отметок), random (случайная контрольная выборка других школ: --share — доля\n"
	"           школ), medal (кандидаты на медаль из --medal ФАЙЛ со столбцами school,code).\n"
	"           Для risk, official и boundary нужен анализ (oko analyze). Выборка\n"
	"           воспроизводится по --seed. Файл выборки: school,procedure,code,reason.\n"
	"assign   — назначить экспертов на работы раунда: вторая проверка, третья при\n"
	"           значительном расхождении, контрольные работы. Эксперт не получает работ\n"
	"           школы, где работает или учится его ребёнок, и не видит школу.\n"
	"rounds   — раунды перепроверки (CSV).\n"
	"status   — ход раунда: сканы, проверки, расхождения; работы без скана.\n"
	"experts  — реестр экспертов (id,name,municipality,subjects,works_at,children_at,\n"
	"           max_works,login; то же — «oko import experts»), список, связь со входом.\n"
	"settings — значительное расхождение (--point-diff баллов по позиции, по умолчанию 2),\n"
	"           объективность (--tolerance: первичный балл сдвинулся не больше, по\n"
	"           умолчанию 1) и доля контрольных работ (--control-rate, по умолчанию 0,1).\n"
	"scan     — загрузить скан работы (PDF или JPEG, до 20 МБ): одна работа (--code) или\n"
	"           один PDF на несколько работ (--split, --codes \"К1 К2\" — поровну страниц,\n"
	"           или \"К1:1-2 К2:3-4\" — страницы каждой работы).\n"
	"report   — результаты: works.csv, schools.csv, experts.csv, positions.csv в КАТАЛОГ.\n\n"
	"Проверки с бумажных протоколов загружаются командой «oko import rechecks ФАЙЛ»\n"
	"(procedure,school,code,check,expert,p1…pK).\n"
	"  --db ФАЙЛ   база данных (по умолчанию OKO_DB или ./oko.db)";

static const struct scope *all(void)
{
	static struct scope s;
	s = scope_all();
	return &s;
}

/* "12,5 %" — a share in per cent with the decimal comma; "—" without a whole. */
static const char *percent(char out[16], long part, long whole)
{
	if (whole <= 0) {
		snprintf(out, 16, "—");
		return out;
	}
	if (part == whole || part == 0)
		snprintf(out, 16, "%ld %%", part == whole ? 100L : 0L);
	else
		snprintf(out, 16, "%.1f %%", 100.0 * (double)part / (double)whole);
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = ',';
	return out;
}

/* "12 работ" with the right plural form. */
static const char *works_n(char out[32], long n)
{
	snprintf(out, 32, "%ld %s", n, str_plural(n, "работа", "работы", "работ"));
	return out;
}

static int find_procedure(struct db *d, const char *code, struct procedure *p)
{
	int rc = procedure_get(d, code, p);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: процедуры «%s» нет в базе\n", code);
	else if (rc)
		fprintf(stderr, "oko: процедура не прочитана: %s\n", err_str(rc));
	return rc;
}

static void procedure_title_year(const struct procedure *p, char *out, size_t n)
{
	char t[160];
	if (procedure_title_of(p->code, p->subject, p->grade, t, sizeof t))
		snprintf(out, n, "%s, %d", t, p->year);
	else
		snprintf(out, n, "%s", t);
}

static int find_round(struct db *d, int64_t id, struct rc_round *r)
{
	int rc = recheck_round_get(d, id, r);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: раунда перепроверки № %lld нет (oko recheck rounds)\n",
			(long long)id);
	else if (rc)
		fprintf(stderr, "oko: раунд не прочитан: %s\n", err_str(rc));
	return rc;
}

/* A whole number without sign, like "12345". */
static int parse_u64(const char *s, uint64_t *v)
{
	if (!s || !*s || strlen(s) > 19)
		return ERR_USAGE;
	uint64_t x = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ERR_USAGE;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

/* A fraction with a decimal point or comma: "0.1", "0,25". */
static int parse_share(const char *s, double *v)
{
	char t[32], *end;
	if (!s || !*s || strlen(s) >= sizeof t)
		return ERR_USAGE;
	snprintf(t, sizeof t, "%s", s);
	for (char *p = t; *p; p++)
		if (*p == ',')
			*p = '.';
	errno = 0;
	double x = strtod(t, &end);
	if (*end || errno || !isfinite(x))
		return ERR_USAGE;
	*v = x;
	return 0;
}

/* ---- sample ---- */

/* The medal candidates' file: school,code (any other columns ignored). */
struct medal {
	struct table_src src;
	bool header;
	int cs, cc;
	char **school, **code;
	size_t n, cap;
	char msg[256];
};

static int medal_row(void *ctx, const struct table_row *r)
{
	struct medal *m = ctx;
	static const char *const sn[] = { "school", "школа", "логин школы", NULL };
	static const char *const cn[] = { "code", "код", "код участника", NULL };
	if (!m->header) {
		m->header = true;
		m->cs = table_column(r, sn);
		m->cc = table_column(r, cn);
		if (m->cs < 0 || m->cc < 0) {
			snprintf(m->msg, sizeof m->msg, "в файле кандидатов на медаль нужны столбцы "
							"school и code");
			return ERR_INVALID;
		}
		return 0;
	}
	if (table_row_blank(r))
		return 0;
	if (m->n == 100000) {
		snprintf(m->msg, sizeof m->msg, "больше 100000 строк в файле кандидатов на медаль");
		return ERR_LIMIT;
	}
	size_t ls, lc;
	const char *s = table_cell(r, m->cs, &ls), *c = table_cell(r, m->cc, &lc);
	if (!ls || !lc) {
		snprintf(m->msg, sizeof m->msg, "строка %ld: не указаны школа или код участника",
			 r->row);
		return ERR_INVALID;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->school = xrealloc(m->school, m->cap * sizeof *m->school);
		m->code = xrealloc(m->code, m->cap * sizeof *m->code);
	}
	m->school[m->n] = xstrndup(s, ls);
	m->code[m->n++] = xstrndup(c, lc);
	return 0;
}

static void medal_free(struct medal *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->school[i]);
		free(m->code[i]);
	}
	free(m->school);
	free(m->code);
}

struct sample_out {
	struct table_writer *w;
	const char *procedure;
	int rc;
};

static int sample_row(void *ctx, const struct rc_sample_row *r)
{
	struct sample_out *so = ctx;
	int rc = table_writer_text(so->w, r->school);
	rc = rc ? rc : table_writer_text(so->w, so->procedure);
	rc = rc ? rc : table_writer_text(so->w, r->code);
	rc = rc ? rc : table_writer_text(so->w, r->reason);
	rc = rc ? rc : table_writer_end_row(so->w);
	return rc;
}

static int sample(struct db *d, const char *proc_code, const char *rules_s, const char *share_s,
		  const char *seed_s, const char *kind_s, bool mutual, const char *medal_path,
		  const char *out_path, bool dry_run, struct cli *c)
{
	struct rc_sample_opts o = { .dry_run = dry_run, .no_mutual = !mutual, .share = 1.0 };
	const char *bad = NULL;
	if (!proc_code || !rules_s || !seed_s)
		return cli_usage_error(c, "укажите --procedure КОД, --rule ПРАВИЛА и --seed S");
	if (!(o.rules = rc_rules_parse(rules_s, &bad)))
		return cli_usage_error(c, "неизвестное правило отбора «%s»; допустимы: risk, official, "
					  "boundary, random, medal", bad ? bad : rules_s);
	if (parse_u64(seed_s, &o.seed))
		return cli_usage_error(c, "--seed — целое неотрицательное число, например 12345");
	if ((o.rules & RC_RULE_RANDOM) && !share_s)
		return cli_usage_error(c, "для случайной выборки укажите долю школ: --share 0,1");
	if (share_s && (parse_share(share_s, &o.share) || !(o.share > 0 && o.share <= 1)))
		return cli_usage_error(c, "--share — доля от 0 до 1, например 0,1");
	int k = kind_s ? rc_kind_parse(kind_s) : RC_MUNICIPAL;
	if (k < 0)
		return cli_usage_error(c, "--kind — municipal (муниципальная комиссия) или cross "
					  "(перекрёстная проверка школ)");
	o.kind = (enum rc_kind)k;
	if ((o.rules & RC_RULE_MEDAL) && !medal_path)
		return cli_usage_error(c, "для правила medal укажите файл кандидатов: --medal ФАЙЛ "
					  "(столбцы school,code)");
	struct procedure *p = xcalloc(1, sizeof *p);
	struct medal m = { 0 };
	struct buf b = BUF_INIT;
	struct rc_sample_report rep = { 0 };
	char msg[512] = "", title[200];
	int rc = find_procedure(d, proc_code, p);
	if (rc)
		goto out;
	o.procedure_id = p->id;
	procedure_title_year(p, title, sizeof title);
	if (medal_path) {
		char rmsg[512] = "";
		rc = table_read(TABLE_FILE(medal_path), NULL, medal_row, &m, &m.src, rmsg, sizeof rmsg);
		if (rc) {
			fprintf(stderr, "oko: %s: %s\n", medal_path, *m.msg ? m.msg : rmsg);
			goto out;
		}
		o.medal_school = (const char *const *)m.school;
		o.medal_code = (const char *const *)m.code;
		o.nmedal = m.n;
	}
	struct sample_out so = { .procedure = p->code };
	if ((rc = table_writer_open_mem(&so.w, TABLE_CSV, NULL, &b, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", msg);
		goto out;
	}
	static const char *const head[] = { "school", "procedure", "code", "reason" };
	for (size_t i = 0; i < 4 && !rc; i++)
		rc = table_writer_text(so.w, head[i]);
	rc = rc ? rc : table_writer_end_row(so.w);
	if (!rc)
		rc = recheck_sample(d, all(), &o, cli_user_name(), sample_row, &so, &rep, msg,
				    sizeof msg);
	int crc = table_writer_close(so.w);
	if (rc) {
		fprintf(stderr, "oko: выборка не сделана: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if ((rc = crc) || (rc = cli_write_out(out_path, &b)))
		goto out;
	char a[32];
	if (dry_run)
		fprintf(stderr, "%s: выборка рассчитана, ничего не сохранено (--dry-run)\n", title);
	else
		fprintf(stderr, "%s: раунд перепроверки № %lld (%s)\n", title, (long long)rep.round_id,
			rc_kind_title(o.kind));
	fprintf(stderr, "  отобрано: %s из %ld %s (рассмотрено результатов: %ld; жеребьёвка %llu)\n",
		works_n(a, rep.works), rep.schools,
		str_plural(rep.schools, "школы", "школ", "школ"), rep.candidates,
		(unsigned long long)o.seed);
	for (int i = 0; i < RC_RULE_COUNT; i++)
		if (o.rules & (1u << i))
			fprintf(stderr, "  %s: %s\n", rc_rule_title((enum rc_rule)(1u << i)),
				works_n(a, rep.chosen[i]));
out:
	buf_free(&b);
	medal_free(&m);
	free(p);
	return rc;
}

/* ---- assign ---- */

static int assign(struct db *d, int64_t round_id, const char *seed_s, struct cli *c)
{
	uint64_t seed;
	if (seed_s && parse_u64(seed_s, &seed))
		return cli_usage_error(c, "--seed — целое неотрицательное число, например 12345");
	struct rc_round r;
	int rc = find_round(d, round_id, &r);
	if (rc)
		return rc;
	if (!seed_s)
		seed = r.seed;
	struct rc_assign_report rep = { 0 };
	char msg[512] = "", a[32], b[32];
	if ((rc = recheck_assign(d, round_id, seed, cli_user_name(), &rep, msg, sizeof msg))) {
		fprintf(stderr, "oko: эксперты не назначены: %s\n", *msg ? msg : err_str(rc));
		return rc;
	}
	printf("Раунд № %lld, %s: эксперты назначены (жеребьёвка %llu)\n", (long long)round_id,
	       r.title, (unsigned long long)seed);
	printf("  работ, которым нужен эксперт: %ld, назначено сейчас: %ld (из них третья проверка: "
	       "%ld)\n", rep.works, rep.assigned, rep.third);
	printf("  контрольных работ добавлено: %ld\n", rep.control);
	printf("  экспертов: %ld, получили работы: %ld; наибольшая нагрузка: %s\n", rep.experts,
	       rep.experts_used, works_n(a, rep.max_load));
	if (rep.works > rep.assigned)
		printf("  без эксперта осталось: %s — не хватает экспертов без конфликта интересов "
		       "или их нагрузки\n", works_n(b, rep.works - rep.assigned));
	return 0;
}

/* ---- rounds, status ---- */

static int rounds(struct db *d, const char *proc_code)
{
	struct procedure *p = xcalloc(1, sizeof *p);
	struct rc_round *v = NULL;
	size_t n = 0;
	struct table_writer *w = NULL;
	char msg[256];
	int rc = proc_code ? find_procedure(d, proc_code, p) : 0;
	if (rc || (rc = recheck_round_list(d, all(), proc_code ? p->id : 0, &v, &n)))
		goto out;
	if ((rc = table_writer_open(&w, "-", TABLE_CSV, NULL, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", msg);
		goto out;
	}
	static const char *const head[] = { "round", "procedure", "title", "kind", "municipality",
					    "rules", "share", "seed", "created_at", "assigned_at",
					    "works", "scans", "assigned", "checked", "need3", "done3",
					    "final", "control", "control_done", NULL };
	for (size_t i = 0; head[i] && !rc; i++)
		rc = table_writer_text(w, head[i]);
	rc = rc ? rc : table_writer_end_row(w);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct rc_round *r = &v[i];
		char share[32], seed[24];
		snprintf(share, sizeof share, "%g", r->share);
		snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
		rc = table_writer_int(w, (long)r->id);
		rc = rc ? rc : table_writer_text(w, r->procedure);
		rc = rc ? rc : table_writer_text(w, r->title);
		rc = rc ? rc : table_writer_text(w, rc_kind_id(r->kind));
		rc = rc ? rc : table_writer_text(w, r->municipality);
		rc = rc ? rc : table_writer_text(w, r->rules);
		rc = rc ? rc : table_writer_text(w, share);
		rc = rc ? rc : table_writer_text(w, seed);
		rc = rc ? rc : table_writer_text(w, r->created_at);
		rc = rc ? rc : table_writer_text(w, r->assigned_at);
		const long nums[] = { r->works, r->scans, r->assigned2, r->done2, r->need3,
				      r->done3, r->final, r->control, r->control_done };
		for (size_t k = 0; k < sizeof nums / sizeof *nums && !rc; k++)
			rc = table_writer_int(w, nums[k]);
		rc = rc ? rc : table_writer_end_row(w);
	}
	int crc = table_writer_close(w);
	rc = rc ? rc : crc;
out:
	free(v);
	free(p);
	return rc;
}

static int status(struct db *d, int64_t round_id)
{
	struct rc_round r;
	struct rc_work *v = NULL;
	size_t n = 0;
	char a[16], b[32];
	int rc = find_round(d, round_id, &r);
	if (rc || (rc = recheck_work_list(d, all(), round_id, 0, &v, &n)))
		goto out;
	printf("Раунд № %lld: %s, %s%s%s\n", (long long)r.id, r.title, rc_kind_title(r.kind),
	       r.municipality[0] ? ", " : "", r.municipality);
	printf("  правила отбора: %s; жеребьёвка %llu; эксперты %s\n", r.rules,
	       (unsigned long long)r.seed, r.assigned_at[0] ? "назначены" : "не назначены");
	printf("  работ: %ld\n", r.works);
	printf("  со сканом: %ld (%s)\n", r.scans, percent(a, r.scans, r.works));
	printf("  вторая проверка назначена: %ld, сделана: %ld\n", r.assigned2, r.done2);
	printf("  значительное расхождение, нужна третья проверка: %ld, сделана: %ld\n", r.need3,
	       r.done3);
	printf("  итоговые баллы есть: %s (%s)\n", works_n(b, r.final), percent(a, r.final, r.works));
	printf("  контрольных работ в очередях: %ld, проверено: %ld\n", r.control, r.control_done);
	long missing = 0;
	for (size_t i = 0; i < n; i++)
		missing += !v[i].scan_id[0];
	if (missing) {
		printf("  нет скана (%s):\n", works_n(b, missing));
		for (size_t i = 0; i < n; i++)
			if (!v[i].scan_id[0])
				printf("    %s %s\n", v[i].school, v[i].code);
	}
out:
	free(v);
	return rc;
}

/* ---- experts ---- */

/* School ids to logins, for printing works_at / children_at as imported. */
struct logins {
	int64_t *id;
	char (*login)[64];
	size_t n, cap;
	struct db *d;
};

static int take_login(void *ctx, const struct registry_school_row *s)
{
	struct logins *l = ctx;
	int64_t id;
	if (registry_school_find(l->d, s->login, &id))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->id = xrealloc(l->id, l->cap * sizeof *l->id);
		l->login = xrealloc(l->login, l->cap * sizeof *l->login);
	}
	l->id[l->n] = id;
	snprintf(l->login[l->n++], sizeof l->login[0], "%s", s->login);
	return 0;
}

static int put_schools(struct table_writer *w, const struct logins *l, const int64_t *ids, int n)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < l->n; k++)
			if (l->id[k] == ids[i]) {
				buf_printf(&b, "%s%s", b.len ? " " : "", l->login[k]);
				break;
			}
	int rc = table_writer_text(w, b.len ? buf_str(&b) : "");
	buf_free(&b);
	return rc;
}

static int experts_list(struct db *d)
{
	struct rc_expert_row *v = NULL;
	size_t n = 0;
	struct logins l = { .d = d };
	struct table_writer *w = NULL;
	char msg[256];
	int rc = expert_list(d, all(), &v, &n);
	if (rc || (rc = registry_school_each(d, false, take_login, &l)))
		goto out;
	if ((rc = table_writer_open(&w, "-", TABLE_CSV, NULL, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", msg);
		goto out;
	}
	static const char *const head[] = { "id", "name", "municipality", "subjects", "works_at",
					    "children_at", "max_works", "login", "assigned", "done",
					    NULL };
	for (size_t i = 0; head[i] && !rc; i++)
		rc = table_writer_text(w, head[i]);
	rc = rc ? rc : table_writer_end_row(w);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct rc_expert_row *e = &v[i];
		char subj[64];
		snprintf(subj, sizeof subj, "%s", e->subjects);
		for (char *p = subj; *p; p++)
			if (*p == ',')
				*p = ' ';
		rc = table_writer_text(w, e->code);
		rc = rc ? rc : table_writer_text(w, e->name);
		rc = rc ? rc : table_writer_text(w, e->municipality);
		rc = rc ? rc : table_writer_text(w, subj);
		rc = rc ? rc : put_schools(w, &l, e->works_at, e->nworks);
		rc = rc ? rc : put_schools(w, &l, e->children_at, e->nchildren);
		rc = rc ? rc : table_writer_int(w, e->max_works);
		rc = rc ? rc : table_writer_text(w, e->login);
		rc = rc ? rc : table_writer_int(w, e->assigned);
		rc = rc ? rc : table_writer_int(w, e->done);
		rc = rc ? rc : table_writer_end_row(w);
	}
	int crc = table_writer_close(w);
	rc = rc ? rc : crc;
out:
	free(l.id);
	free(l.login);
	free(v);
	return rc;
}

static int experts_link(struct db *d, const char *code, const char *login)
{
	struct user u;
	int64_t eid;
	char msg[256] = "";
	int rc = expert_find(d, code, &eid);
	if (rc) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: эксперта с кодом «%s» нет в реестре (oko recheck experts "
					"import)\n", code);
		return rc;
	}
	if ((rc = user_find(d, login, &u))) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: пользователя «%s» нет (oko user add %s --role expert)\n",
				login, login);
		return rc;
	}
	if ((rc = expert_link_user(d, eid, u.id, msg, sizeof msg)))
		fprintf(stderr, "oko: вход не связан: %s\n", *msg ? msg : err_str(rc));
	else
		printf("эксперт %s входит в веб-интерфейс как %s\n", code, login);
	return rc;
}

/* `oko recheck experts import …` is `oko import experts …`. */
static int experts_import(struct cli *c, int argc, char **argv)
{
	if (argc < 4)
		return cli_usage_error(c, "укажите файл реестра: oko recheck experts import ФАЙЛ");
	char **av = xcalloc((size_t)argc + 1, sizeof *av);
	av[0] = "import";
	av[1] = "experts";
	for (int i = 3; i < argc; i++)
		av[i - 1] = argv[i];
	int rc = cmd_import(c, argc - 1, av);
	free(av);
	return rc;
}

/* ---- settings ---- */

static int settings(struct db *d, const char *proc_code, const char *diff_s, const char *tol_s,
		    const char *rate_s, struct cli *c)
{
	struct procedure *p = xcalloc(1, sizeof *p);
	struct rc_cfg cfg;
	char msg[256] = "", title[200], rate[32];
	int rc = find_procedure(d, proc_code, p);
	if (rc || (rc = recheck_cfg_get(d, p->id, &cfg)))
		goto out;
	if (diff_s || tol_s || rate_s) {
		uint64_t v;
		if (diff_s) {
			if (parse_u64(diff_s, &v) || v > 1000) {
				rc = cli_usage_error(c, "--point-diff — целое число баллов от 1 до 100");
				goto out;
			}
			cfg.point_diff = (int)v;
		}
		if (tol_s) {
			if (parse_u64(tol_s, &v) || v > 1000) {
				rc = cli_usage_error(c, "--tolerance — целое число баллов от 0 до 100");
				goto out;
			}
			cfg.tolerance = (int)v;
		}
		if (rate_s && parse_share(rate_s, &cfg.control_rate)) {
			rc = cli_usage_error(c, "--control-rate — доля от 0 до 0,5, например 0,1");
			goto out;
		}
		if ((rc = db_begin(d)))
			goto out;
		rc = recheck_cfg_put(d, p->id, &cfg, cli_user_name(), msg, sizeof msg);
		if (!rc)
			rc = db_commit(d);
		else
			db_rollback(d);
		if (rc) {
			fprintf(stderr, "oko: настройки не сохранены: %s\n", *msg ? msg : err_str(rc));
			goto out;
		}
	}
	procedure_title_year(p, title, sizeof title);
	snprintf(rate, sizeof rate, "%g", cfg.control_rate);
	for (char *q = rate; *q; q++)
		if (*q == '.')
			*q = ',';
	printf("%s (%s)%s\n", title, p->code, diff_s || tol_s || rate_s ? ": настройки сохранены" : "");
	printf("  значительное расхождение: %d %s по позиции%s\n", cfg.point_diff,
	       str_plural(cfg.point_diff, "балл", "балла", "баллов"),
	       p->has_scale ? " или другая отметка" : "");
	printf("  объективно: та же отметка и первичный балл сдвинулся не больше чем на %d\n",
	       cfg.tolerance);
	printf("  контрольных работ на одну назначенную: %s\n", rate);
out:
	free(p);
	return rc;
}

/* ---- scan ---- */

static int read_file(const char *path, void **data, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "oko: не удалось открыть %s: %s\n", path, strerror(errno));
		return ERR_IO;
	}
	size_t cap = (size_t)SCAN_MAX_BYTES * 4 + 1, len = 0, chunk = 1 << 16;
	unsigned char *p = NULL;
	size_t have = 0;
	for (;;) {
		if (len + chunk > have) {
			have = have ? have * 2 : chunk * 4;
			p = xrealloc(p, have);
		}
		size_t k = fread(p + len, 1, chunk, f);
		len += k;
		if (k < chunk)
			break;
		if (len >= cap)
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
		fprintf(stderr, "oko: %s: файл слишком большой\n", path);
		return ERR_LIMIT;
	}
	*data = p;
	*n = len;
	return 0;
}

/* One work of a scan upload: its code, its pages (split) and the stored file. */
struct part {
	char code[RC_CODE_MAX];
	int first, last;
	int64_t work_id;
	void *data;
	size_t n;
	enum scan_type type;
	char id[SCAN_ID_LEN];
};

/* --codes "К1 К2 К3" (pages shared equally) or "К1:1-2 К2:3-4". */
static int parse_codes(const char *spec, int pages, struct part **out, size_t *np)
{
	char *copy = xstrdup(spec), *s = copy, *tok;
	struct part *v = NULL;
	size_t n = 0, cap = 0;
	int ranged = -1, rc = 0;
	while ((tok = strtok_r(s, " \t,;", &s))) {
		char *colon = strchr(tok, ':');
		if (ranged >= 0 && ranged != (colon != NULL)) {
			fprintf(stderr, "oko: --codes: укажите страницы у всех кодов или ни у одного\n");
			rc = ERR_USAGE;
			break;
		}
		ranged = colon != NULL;
		v = xgrow(v, &cap, n + 1, sizeof *v);
		struct part *p = &v[n++];
		memset(p, 0, sizeof *p);
		if (colon)
			*colon = '\0';
		if (!*tok || strlen(tok) >= sizeof p->code) {
			fprintf(stderr, "oko: --codes: пустой или слишком длинный код участника\n");
			rc = ERR_USAGE;
			break;
		}
		snprintf(p->code, sizeof p->code, "%s", tok);
		if (colon) {
			char *dash = strchr(colon + 1, '-');
			uint64_t a, b;
			if (dash)
				*dash = '\0';
			if (parse_u64(colon + 1, &a) || parse_u64(dash ? dash + 1 : colon + 1, &b) ||
			    a < 1 || b < a || b > (uint64_t)pages) {
				fprintf(stderr, "oko: --codes: у кода %s страницы должны быть в пределах "
						"1–%d, например %s:1-2\n", p->code, pages, p->code);
				rc = ERR_USAGE;
				break;
			}
			p->first = (int)a;
			p->last = (int)b;
		}
	}
	if (!rc && !n) {
		fprintf(stderr, "oko: --codes: не указано ни одного кода участника\n");
		rc = ERR_USAGE;
	}
	if (!rc && ranged == 0) {
		if (pages % (int)n) {
			fprintf(stderr, "oko: в PDF %d %s, на %zu %s поровну не делится: укажите "
					"страницы каждой работы, например \"К1:1-2 К2:3-5\"\n",
				pages, str_plural(pages, "страница", "страницы", "страниц"), n,
				str_plural((long)n, "работу", "работы", "работ"));
			rc = ERR_USAGE;
		} else {
			int per = pages / (int)n;
			for (size_t i = 0; i < n; i++) {
				v[i].first = (int)i * per + 1;
				v[i].last = (int)(i + 1) * per;
			}
		}
	}
	free(copy);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*np = n;
	return 0;
}

static int scan(struct db *d, int64_t round_id, const char *school, const char *code,
		const char *split, const char *codes, const char *file, struct cli *c)
{
	if (!school || (!!code + !!split) != 1 || (split && !codes) || (code && !file) ||
	    (split && file))
		return cli_usage_error(c, "укажите --school ЛОГИН и либо --code КОД ФАЙЛ, либо --split "
					  "ФАЙЛ --codes \"К1 К2 …\"");
	struct rc_round r;
	struct part *parts = NULL;
	size_t np = 0, stored = 0;
	void *data = NULL;
	size_t n = 0;
	char msg[512] = "", dbf[4096], dir[4200];
	bool in_tx = false;
	enum scan_type type;
	int pages = 0, rc = find_round(d, round_id, &r);
	const char *path = split ? split : file;
	if (rc || (rc = read_file(path, &data, &n)))
		goto out;
	if ((rc = scan_check(data, n, &type, &pages, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s: скан не принят: %s\n", path, *msg ? msg : err_str(rc));
		goto out;
	}
	if (split) {
		if (type != SCAN_PDF) {
			fprintf(stderr, "oko: %s: разделить по страницам можно только PDF\n", path);
			rc = ERR_INVALID;
			goto out;
		}
		if ((rc = parse_codes(codes, pages, &parts, &np)))
			goto out;
	} else {
		parts = xcalloc(1, sizeof *parts);
		np = 1;
		if (strlen(code) >= sizeof parts->code) {
			rc = cli_usage_error(c, "слишком длинный код участника");
			goto out;
		}
		snprintf(parts->code, sizeof parts->code, "%s", code);
		parts->data = data;
		parts->n = n;
		parts->type = type;
		data = NULL;
	}
	/* Every work first: sampled in this round, each once. */
	for (size_t i = 0; i < np; i++) {
		struct part *p = &parts[i];
		int64_t wid = 0;
		struct rc_work *w = xcalloc(1, sizeof *w);
		rc = recheck_work_find(d, r.procedure_id, school, p->code, &wid);
		if (!rc)
			rc = recheck_work_get(d, all(), wid, w);
		if (!rc && w->round_id != round_id)
			rc = ERR_NOTFOUND;
		free(w);
		for (size_t j = 0; !rc && j < i; j++)
			if (parts[j].work_id == wid) {
				fprintf(stderr, "oko: код %s указан дважды\n", p->code);
				rc = ERR_USAGE;
			}
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: работа не отобрана для перепроверки в раунде № %lld: "
					"участника %s школы %s нет в выборке\n",
				(long long)round_id, p->code, school);
		if (rc)
			goto out;
		p->work_id = wid;
		if (split) {
			if ((rc = scan_pdf_extract(data, n, p->first, p->last, &p->data, &p->n, msg,
						   sizeof msg))) {
				fprintf(stderr, "oko: страницы %d–%d не выделены: %s\n", p->first, p->last,
					*msg ? msg : err_str(rc));
				goto out;
			}
			int pg;
			if ((rc = scan_check(p->data, p->n, &p->type, &pg, msg, sizeof msg))) {
				fprintf(stderr, "oko: скан работы %s не принят: %s\n", p->code,
					*msg ? msg : err_str(rc));
				goto out;
			}
		}
	}
	db_file(d, dbf, sizeof dbf);
	scan_dir_of(dbf, dir, sizeof dir);
	for (; stored < np; stored++)
		if ((rc = scan_store(dir, parts[stored].data, parts[stored].n, parts[stored].id))) {
			fprintf(stderr, "oko: скан не сохранён в %s: %s\n", dir, err_str(rc));
			goto out;
		}
	if ((rc = db_begin(d)))
		goto out;
	in_tx = true;
	char (*old)[RC_SCAN_ID_LEN] = xcalloc(np, sizeof *old);
	for (size_t i = 0; i < np && !rc; i++)
		rc = recheck_scan_set(d, parts[i].work_id, parts[i].id, scan_type_id(parts[i].type),
				      (int64_t)parts[i].n, cli_user_name(), old[i]);
	if (!rc && !(rc = db_commit(d))) {
		in_tx = false;
		for (size_t i = 0; i < np; i++) {
			if (old[i][0])
				scan_remove(dir, old[i]);
			printf("скан работы %s школы %s сохранён (%s, %zu КБ)%s\n", parts[i].code, school,
			       scan_type_id(parts[i].type), (parts[i].n + 1023) / 1024,
			       old[i][0] ? ", прежний заменён" : "");
		}
	} else {
		fprintf(stderr, "oko: скан не записан в базу: %s\n", err_str(rc));
	}
	free(old);
out:
	if (in_tx)
		db_rollback(d);
	if (rc) /* the files stored for a scan the database does not know */
		for (size_t i = 0; i < stored; i++)
			scan_remove(dir, parts[i].id);
	for (size_t i = 0; i < np; i++)
		free(parts[i].data);
	free(parts);
	free(data);
	return rc;
}

/* ---- report ---- */

static int report(struct db *d, const char *proc_code, int64_t round_id, const char *out_dir)
{
	struct procedure *p = xcalloc(1, sizeof *p);
	struct rc_report *r = NULL;
	char msg[512] = "", a[32], pc[16];
	int rc = find_procedure(d, proc_code, p);
	if (rc)
		goto out;
	if (round_id > 0) {
		struct rc_round rd;
		if ((rc = find_round(d, round_id, &rd)))
			goto out;
		if (rd.procedure_id != p->id) {
			fprintf(stderr, "oko: раунд № %lld — перепроверка другой процедуры (%s)\n",
				(long long)round_id, rd.procedure);
			rc = ERR_INVALID;
			goto out;
		}
	}
	if ((rc = rc_report_build(d, all(), round_id, p->id, &r, msg, sizeof msg))) {
		fprintf(stderr, "oko: результаты не собраны: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if ((rc = rc_report_write_dir(r, out_dir, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	printf("записано в %s: works.csv, schools.csv, experts.csv, positions.csv\n", out_dir);
	printf("  работ: %zu, с итоговыми баллами: %s, ждут третьей проверки: %ld\n", r->nworks,
	       works_n(a, r->finished), r->waiting3);
	if (r->total.works)
		printf("  объективно оценено: %ld из %ld (%s; цель — не меньше 90 %%)\n",
		       r->total.objective, r->total.works, percent(pc, r->total.objective, r->total.works));
out:
	rc_report_free(r);
	free(p);
	return rc;
}

int cmd_recheck(struct cli *c, int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "experts") && !strcmp(argv[2], "import"))
		return experts_import(c, argc, argv);
	const char *proc = NULL, *rule = NULL, *share = NULL, *seed = NULL, *kind = NULL,
		   *medal = NULL, *out_path = NULL, *round_s = NULL, *expert = NULL, *login = NULL,
		   *diff = NULL, *tol = NULL, *rate = NULL, *school = NULL, *code = NULL,
		   *split = NULL, *codes = NULL;
	bool mutual = false, dry_run = false;
	const struct cli_opt opts[] = {
		{ "--procedure", &proc, NULL }, { "--rule", &rule, NULL },
		{ "--share", &share, NULL }, { "--seed", &seed, NULL },
		{ "--kind", &kind, NULL }, { "--mutual", NULL, &mutual },
		{ "--medal", &medal, NULL }, { "--out", &out_path, NULL },
		{ "--dry-run", NULL, &dry_run }, { "--round", &round_s, NULL },
		{ "--expert", &expert, NULL }, { "--login", &login, NULL },
		{ "--point-diff", &diff, NULL }, { "--tolerance", &tol, NULL },
		{ "--control-rate", &rate, NULL }, { "--school", &school, NULL },
		{ "--code", &code, NULL }, { "--split", &split, NULL },
		{ "--codes", &codes, NULL }, { 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	const char *act = npos >= 1 ? argv[0] : "", *sub = npos >= 2 ? argv[1] : "";
	bool is_sample = !strcmp(act, "sample"), is_assign = !strcmp(act, "assign"),
	     is_rounds = !strcmp(act, "rounds"), is_status = !strcmp(act, "status"),
	     is_experts = !strcmp(act, "experts"), is_settings = !strcmp(act, "settings"),
	     is_scan = !strcmp(act, "scan"), is_report = !strcmp(act, "report");
	if (!is_sample && !is_assign && !is_rounds && !is_status && !is_experts && !is_settings &&
	    !is_scan && !is_report)
		return cli_usage_error(c, "укажите действие: sample, assign, rounds, status, experts, "
					  "settings, scan или report");
	int want = is_experts ? 2 : is_scan && code ? 2 : 1;
	if (npos != want)
		return npos > want ? cli_usage_error(c, "лишний аргумент «%s»", argv[want])
				   : cli_usage_error(c, "не хватает аргумента: %s",
						     is_experts ? "import ФАЙЛ, list или link"
								: "файл скана");
	if (is_experts && strcmp(sub, "list") && strcmp(sub, "link"))
		return cli_usage_error(c, "oko recheck experts import ФАЙЛ | list | link");
	if (is_experts && !strcmp(sub, "link") && (!expert || !login))
		return cli_usage_error(c, "укажите --expert КОД и --login ЛОГИН");
	uint64_t round = 0;
	if ((is_assign || is_status || is_scan) && !round_s)
		return cli_usage_error(c, "укажите раунд: --round N (номера — oko recheck rounds)");
	if (round_s && (parse_u64(round_s, &round) || !round || round > INT64_MAX))
		return cli_usage_error(c, "--round — номер раунда, целое положительное число");
	if ((is_settings || is_report) && !proc)
		return cli_usage_error(c, "укажите процедуру: --procedure КОД");
	if (is_report && !out_path)
		return cli_usage_error(c, "укажите каталог для файлов результатов: --out КАТАЛОГ");
	bool readonly = is_rounds || is_status || is_report ||
			(is_experts && !strcmp(sub, "list")) ||
			(is_settings && !diff && !tol && !rate);
	struct db *d = NULL;
	if ((rc = cli_open_db(c, readonly ? DB_OPEN_READONLY : 0, &d)))
		return rc;
	if (is_sample)
		rc = sample(d, proc, rule, share, seed, kind, mutual, medal, out_path, dry_run, c);
	else if (is_assign)
		rc = assign(d, (int64_t)round, seed, c);
	else if (is_rounds)
		rc = rounds(d, proc);
	else if (is_status)
		rc = status(d, (int64_t)round);
	else if (is_experts)
		rc = !strcmp(sub, "list") ? experts_list(d) : experts_link(d, expert, login);
	else if (is_settings)
		rc = settings(d, proc, diff, tol, rate, c);
	else if (is_scan)
		rc = scan(d, (int64_t)round, school, code, split, codes, code ? argv[1] : NULL, c);
	else
		rc = report(d, proc, (int64_t)round, out_path);
	db_close(d);
	return rc;
}
