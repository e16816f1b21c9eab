/* observers: the registry of observers, their assignment to the sittings of a campaign and
 * the schedule, from the command line (docs/observers.md).
 *
 *   oko observers import ФАЙЛ --campaign К [--dry-run] [--report F]   (= oko import observers)
 *   oko observers list [--campaign К]
 *   oko observers assign --campaign К [--seed S] [--dry-run]
 *   oko observers set --campaign К --procedure P --school L (--observer ID | --none)
 *   oko observers export --campaign К --format csv|xlsx|pdf [--out F]
 *   oko observers link --observer ID --login L
 *   oko observers reveal --campaign К (--day | --always)
 *
 * The command line is the server's operator and sees the whole region. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assign/observers.h"
#include "base/err.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "io/table_write.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/user.h"
#include "report/observers.h"

static int find_campaign(struct db *d, const char *name, int64_t *id)
{
	int rc = plan_campaign_find(d, name, id);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: кампании «%s» нет; создайте её загрузкой плана-графика "
				"(oko import plan ФАЙЛ)\n", name);
	return rc;
}

static int find_observer(struct db *d, const char *code, int64_t *id)
{
	int rc = observer_find(d, code, id);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: наблюдателя с кодом «%s» нет в реестре (oko observers import)\n",
			code);
	return rc;
}

/* "12,5" — a share in per cent with the decimal comma. */
static const char *percent(char out[16], long part, long whole)
{
	if (whole <= 0) {
		snprintf(out, 16, "—");
		return out;
	}
	double v = 100.0 * (double)part / (double)whole;
	if (part == whole || part == 0)
		snprintf(out, 16, "%ld %%", part == whole ? 100L : 0L);
	else
		snprintf(out, 16, "%.1f %%", v);
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = ',';
	return out;
}

/* ---- list ---- */

/* School ids to their own logins, for printing works_at / children_at as imported. */
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

static const char *login_of(const struct logins *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->id[i] == id)
			return l->login[i];
	return "";
}

static int put_schools(struct table_writer *w, const struct logins *l, const int64_t *ids, int n)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", login_of(l, ids[i]));
	int rc = table_writer_text(w, n ? buf_str(&b) : "");
	buf_free(&b);
	return rc;
}

static int list(struct db *d, int64_t cid)
{
	const struct scope all = scope_all();
	struct obs_person *v = NULL;
	size_t n = 0;
	struct logins l = { .d = d };
	struct table_writer *w = NULL;
	char msg[256];
	struct buf days = BUF_INIT;
	int rc = observer_list(d, &all, cid, &v, &n);
	if (rc || (rc = registry_school_each(d, false, take_login, &l)))
		goto out;
	if ((rc = table_writer_open(&w, "-", TABLE_CSV, "Наблюдатели", msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", msg);
		goto out;
	}
	static const char *const head[] = { "id", "name", "kind", "municipality", "works_at",
					    "children_at", "max_per_day", "available", "assigned" };
	for (size_t i = 0; i < sizeof head / sizeof *head && !rc; i++)
		rc = table_writer_text(w, head[i]);
	rc = rc ? rc : table_writer_end_row(w);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct obs_person *p = &v[i];
		buf_reset(&days);
		for (int k = 0; k < p->ndays; k++)
			buf_printf(&days, "%s%s", k ? " " : "", p->days[k]);
		rc = table_writer_text(w, p->code);
		rc = rc ? rc : table_writer_text(w, p->name);
		rc = rc ? rc : table_writer_text(w, obs_kind_name(p->kind));
		rc = rc ? rc : table_writer_text(w, p->municipality);
		rc = rc ? rc : put_schools(w, &l, p->works_at, p->nworks);
		rc = rc ? rc : put_schools(w, &l, p->children_at, p->nchildren);
		rc = rc ? rc : table_writer_int(w, p->max_per_day);
		rc = rc ? rc : table_writer_text(w, p->ndays ? buf_str(&days) : "");
		rc = rc ? rc : table_writer_int(w, p->assigned);
		rc = rc ? rc : table_writer_end_row(w);
	}
	int crc = table_writer_close(w);
	rc = rc ? rc : crc;
out:
	buf_free(&days);
	free(l.id);
	free(l.login);
	free(v);
	return rc;
}

/* ---- assign ---- */

static int parse_seed(const char *s, uint64_t *seed)
{
	char *end;
	if (!s) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		*seed = ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec) % 1000000000u;
		return 0;
	}
	if (!*s || *s == '-' || *s == '+')
		return ERR_USAGE;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end)
		return ERR_USAGE;
	*seed = v;
	return 0;
}

static int assign(struct db *d, int64_t cid, const char *campaign, uint64_t seed, bool dry_run)
{
	const struct scope all = scope_all();
	struct obs_assign_report r = { 0 };
	char msg[512] = "", a[16], b[16];
	int rc = assign_observers(d, &all, cid, seed, dry_run, cli_user_name(), &r, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: наблюдатели не назначены: %s\n", *msg ? msg : err_str(rc));
		return rc;
	}
	printf("Кампания «%s»: %s (жеребьёвка %llu; повторить то же назначение: --seed %llu)\n", campaign,
	       dry_run ? "назначение рассчитано, ничего не сохранено (--dry-run)"
		       : "наблюдатели назначены",
	       (unsigned long long)seed, (unsigned long long)seed);
	printf("  проведений: %ld, с наблюдателем: %ld (%s)\n", r.sittings, r.covered,
	       percent(a, r.covered, r.sittings));
	printf("  приоритетных (список риска и официальные признаки): %ld, с наблюдателем: %ld (%s)\n",
	       r.priority, r.priority_covered, percent(b, r.priority_covered, r.priority));
	printf("  наблюдателей: %ld, получили назначения: %ld; наибольшая нагрузка: %ld; "
	       "ручных назначений сохранено: %ld\n",
	       r.observers, r.observers_used, r.max_load, r.manual);
	if (r.held)
		printf("  уже прошли или есть акт, наблюдатель не менялся: %ld\n", r.held);
	if (r.foreign)
		printf("  с наблюдателем, назначенным другим координатором (оставлен): %ld\n", r.foreign);
	printf("  повторно в ту же школу, что в прошлый раз: %ld; в ту же школу на соседние "
	       "проведения кампании: %ld\n", r.repeats, r.repeats_inside);
	printf("  наблюдатель из муниципалитета школы: %ld из %ld (%s)\n", r.same_municipality,
	       r.covered, percent(a, r.same_municipality, r.covered));
	snprintf(b, sizeof b, "%.2f", r.seconds);
	for (char *p = b; *p; p++)
		if (*p == '.')
			*p = ',';
	printf("  время решения: %s с\n", b);
	if (!r.priority)
		printf("  Приоритетных проведений нет: список риска появляется после анализа "
		       "(oko analyze); после него назначьте заново.\n");
	return 0;
}

/* ---- set ---- */

static int set(struct db *d, int64_t cid, const char *campaign, const char *proc,
	       const char *school, const char *observer)
{
	struct procedure *p = xcalloc(1, sizeof *p);
	int64_t sid = 0, oid = 0, pc = 0;
	char note[512] = "", msg[512] = "";
	int rc = procedure_get(d, proc, p);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: процедуры «%s» нет в базе\n", proc);
	if (rc)
		goto out;
	if ((rc = plan_procedure_get(d, p->id, &pc, NULL)) == ERR_NOTFOUND || (!rc && pc != cid)) {
		fprintf(stderr, "oko: процедура %s не входит в кампанию «%s»\n", proc, campaign);
		rc = ERR_NOTFOUND;
	}
	if (rc)
		goto out;
	if ((rc = registry_school_find(d, school, &sid)) == ERR_NOTFOUND)
		fprintf(stderr, "oko: школы с логином «%s» нет в базе\n", school);
	if (rc || (observer && (rc = find_observer(d, observer, &oid))))
		goto out;
	rc = observer_set(d, p->id, sid, oid, cli_user_name(), note, sizeof note, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: %s: %s\n", oid ? "наблюдатель не назначен" : "наблюдатель не снят",
			*msg ? msg : err_str(rc));
		goto out;
	}
	if (oid)
		printf("%s, %s: наблюдатель %s назначен вручную\n", school, proc, observer);
	else
		printf("%s, %s: наблюдатель снят\n", school, proc);
	if (*note)
		printf("замечание: %s\n", note);
out:
	free(p);
	return rc;
}

/* ---- export ---- */

static int export(struct db *d, int64_t cid, const char *format, const char *out_path)
{
	int f = obs_doc_format_parse(format);
	const struct scope all = scope_all();
	struct buf b = BUF_INIT;
	char msg[512] = "";
	int rc = obs_schedule_write(d, &all, cid, (enum obs_doc_format)f, plan_now(), &b, msg,
				    sizeof msg);
	if (rc)
		fprintf(stderr, "oko: расписание не выгружено: %s\n", *msg ? msg : err_str(rc));
	else
		rc = cli_write_out(out_path, &b);
	buf_free(&b);
	return rc;
}

/* ---- coverage ---- */

static int coverage(struct db *d, int64_t cid, enum obs_group by, const char *format,
		    const char *out_path)
{
	const struct scope all = scope_all();
	struct buf b = BUF_INIT;
	char msg[512] = "";
	int rc = obs_coverage_write(d, &all, cid, by, (enum obs_doc_format)obs_doc_format_parse(format),
				    &b, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "oko: охват не выгружен: %s\n", *msg ? msg : err_str(rc));
	else
		rc = cli_write_out(out_path, &b);
	buf_free(&b);
	return rc;
}

/* `oko observers import …` is `oko import observers …`. */
static int import(struct cli *c, int argc, char **argv)
{
	if (argc < 3)
		return cli_usage_error(c, "укажите файл реестра: oko observers import ФАЙЛ --campaign "
					  "КАМПАНИЯ");
	char **av = xcalloc((size_t)argc + 2, sizeof *av);
	av[0] = "import";
	av[1] = "observers";
	for (int i = 2; i < argc; i++)
		av[i] = argv[i];
	int rc = cmd_import(c, argc, av);
	free(av);
	return rc;
}

int cmd_observers(struct cli *c, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "import"))
		return import(c, argc, argv);
	const char *campaign = NULL, *proc = NULL, *school = NULL, *observer = NULL, *seed_s = NULL,
		   *format = NULL, *out_path = NULL, *login = NULL, *by = NULL;
	bool dry_run = false, none = false, day = false, always = false;
	const struct cli_opt opts[] = {
		{ "--campaign", &campaign, NULL }, { "--procedure", &proc, NULL },
		{ "--school", &school, NULL }, { "--observer", &observer, NULL },
		{ "--none", NULL, &none }, { "--seed", &seed_s, NULL },
		{ "--dry-run", NULL, &dry_run }, { "--format", &format, NULL },
		{ "--out", &out_path, NULL }, { "--login", &login, NULL },
		{ "--day", NULL, &day }, { "--always", NULL, &always }, { "--by", &by, NULL }, { 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	const char *act = npos == 1 ? argv[0] : "";
	bool is_list = !strcmp(act, "list"), is_assign = !strcmp(act, "assign"),
	     is_set = !strcmp(act, "set"), is_export = !strcmp(act, "export"),
	     is_link = !strcmp(act, "link"), is_reveal = !strcmp(act, "reveal"),
	     is_coverage = !strcmp(act, "coverage");
	if (!is_list && !is_assign && !is_set && !is_export && !is_link && !is_reveal && !is_coverage)
		return cli_usage_error(c, "укажите действие: import, list, assign, set, export, "
					  "coverage, link или reveal");
	if ((is_assign || is_set || is_export || is_reveal || is_coverage) && !campaign)
		return cli_usage_error(c, "укажите кампанию: --campaign НАЗВАНИЕ");
	uint64_t seed = 0;
	if (is_assign && parse_seed(seed_s, &seed))
		return cli_usage_error(c, "--seed — целое неотрицательное число, например 12345");
	if (is_set && (!proc || !school || (!!observer + none) != 1))
		return cli_usage_error(c, "укажите --procedure, --school и либо --observer КОД, либо "
					  "--none (снять наблюдателя)");
	int f = format ? obs_doc_format_parse(format) : -1;
	if (is_export && f < 0)
		return cli_usage_error(c, "укажите формат: --format csv, xlsx или pdf");
	if (is_export && f != OBS_DOC_CSV && !out_path)
		return cli_usage_error(c, "для XLSX и PDF укажите файл: --out ФАЙЛ");
	if (is_coverage && (f != OBS_DOC_CSV && f != OBS_DOC_XLSX))
		return cli_usage_error(c, "укажите формат: --format csv или xlsx");
	if (is_coverage && f == OBS_DOC_XLSX && !out_path)
		return cli_usage_error(c, "для XLSX укажите файл: --out ФАЙЛ");
	if (is_coverage && obs_group_parse(by) < 0)
		return cli_usage_error(c, "--by: municipality (по муниципалитетам), kind (по типам "
					  "школ) или risk (по статусу риска)");
	if (is_link && (!observer || !login))
		return cli_usage_error(c, "укажите --observer КОД и --login ЛОГИН");
	if (is_reveal && day + always != 1)
		return cli_usage_error(c, "укажите --day (школа видит наблюдателя только в день "
					  "проведения) или --always (сразу)");
	struct db *d = NULL;
	int64_t cid = 0;
	char msg[512] = "";
	if ((rc = cli_open_db(c, is_list || is_export || is_coverage ? DB_OPEN_READONLY : 0, &d)) ||
	    (campaign && (rc = find_campaign(d, campaign, &cid))))
		goto out;
	if (is_list) {
		rc = list(d, cid);
	} else if (is_assign) {
		rc = assign(d, cid, campaign, seed, dry_run);
	} else if (is_set) {
		rc = set(d, cid, campaign, proc, school, none ? NULL : observer);
	} else if (is_export) {
		rc = export(d, cid, format, out_path);
	} else if (is_coverage) {
		rc = coverage(d, cid, (enum obs_group)obs_group_parse(by), format, out_path);
	} else if (is_link) {
		struct user u;
		int64_t oid;
		if ((rc = find_observer(d, observer, &oid)))
			goto out;
		if ((rc = user_find(d, login, &u))) {
			if (rc == ERR_NOTFOUND)
				fprintf(stderr, "oko: пользователя «%s» нет (oko user add %s --role "
						"observer)\n", login, login);
			goto out;
		}
		if ((rc = observer_link_user(d, oid, u.id, msg, sizeof msg)))
			fprintf(stderr, "oko: вход не связан: %s\n", *msg ? msg : err_str(rc));
		else
			printf("наблюдатель %s входит в веб-интерфейс как %s\n", observer, login);
	} else {
		if ((rc = observer_campaign_set_reveal(d, cid, day)))
			fprintf(stderr, "oko: %s\n", err_str(rc));
		else
			printf("кампания «%s»: школа видит своего наблюдателя %s\n", campaign,
			       day ? "только в день проведения" : "сразу после назначения");
	}
out:
	db_close(d);
	return rc;
}
