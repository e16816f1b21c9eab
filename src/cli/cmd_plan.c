/* plan, monitoring: the plan-graph and the upload monitoring from the command line.
 *
 *   oko plan assign --campaign К [--procedure P] (--school L | --municipality M | --all)
 *   oko plan date --school L --procedure P --date ГГГГ-ММ-ДД --time ЧЧ:ММ [--class 4А]
 *   oko plan print --campaign К [--school L] --out F.pdf
 *   oko plan unassign --procedure P --school L
 *   oko monitoring --procedure P [--municipality M] [--summary] [--format csv|xlsx] [--out F]
 *
 * The command line is the server's operator and sees the whole region. Dates are loaded
 * with `oko import plan` (docs/plan.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "model/plan.h"
#include "report/monitor.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/user.h"
#include "report/plan_pdf.h"

static int find_campaign(struct db *d, const char *name, int64_t *id)
{
	int rc = plan_campaign_find(d, name, id);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: кампании «%s» нет; создайте её загрузкой плана-графика "
				"(oko import plan ФАЙЛ)\n", name);
	return rc;
}

static int find_school(struct db *d, const char *login, int64_t *id)
{
	int rc = registry_school_find(d, login, id);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: школы с логином «%s» нет в базе\n", login);
	return rc;
}

static int find_procedure(struct db *d, const char *code, int64_t *id)
{
	struct procedure *p = calloc(1, sizeof *p);
	if (!p)
		return ERR_NOMEM;
	int rc = procedure_get(d, code, p);
	if (!rc)
		*id = p->id;
	else if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: процедуры «%s» нет в базе\n", code);
	free(p);
	return rc;
}

static int find_municipality(struct db *d, const char *name, int64_t *id)
{
	int rc = registry_municipality_find(d, name, id);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: муниципалитета «%s» нет в базе\n", name);
	return rc;
}

static int write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f)) {
		fprintf(stderr, "oko: не удалось записать %s\n", path);
		return ERR_IO;
	}
	return 0;
}

int cmd_plan(struct cli *c, int argc, char **argv)
{
	const char *campaign = NULL, *proc = NULL, *school = NULL, *mun = NULL, *date = NULL,
		   *tm = NULL, *cls = NULL, *out_path = NULL;
	bool all = false;
	const struct cli_opt opts[] = {
		{ "--campaign", &campaign, NULL }, { "--procedure", &proc, NULL },
		{ "--school", &school, NULL }, { "--municipality", &mun, NULL },
		{ "--all", NULL, &all }, { "--date", &date, NULL }, { "--time", &tm, NULL },
		{ "--class", &cls, NULL }, { "--out", &out_path, NULL }, { 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	const char *act = npos == 1 ? argv[0] : "";
	bool assign = !strcmp(act, "assign"), fix = !strcmp(act, "date"), print = !strcmp(act, "print");
	bool unassign = !strcmp(act, "unassign");
	if (!assign && !fix && !print && !unassign)
		return cli_usage_error(c, "укажите действие: assign, unassign, date или print");
	if (unassign && (!proc || !school))
		return cli_usage_error(c, "укажите процедуру и школу: --procedure КОД --school ЛОГИН");
	if ((assign || print) && !campaign)
		return cli_usage_error(c, "укажите кампанию: --campaign НАЗВАНИЕ");
	if (assign && (!!school + !!mun + all) != 1)
		return cli_usage_error(c, "укажите, кого назначить: --school ЛОГИН, --municipality "
					  "НАЗВАНИЕ или --all");
	if (fix && (!school || !proc || !date || !tm))
		return cli_usage_error(c, "укажите --school, --procedure, --date и --time");
	if (print && !out_path)
		return cli_usage_error(c, "укажите файл: --out ФАЙЛ.pdf");
	struct db *d = NULL;
	struct buf b = BUF_INIT;
	int64_t cid = 0, pid = 0, sid = 0, mid = 0;
	char msg[512] = "";
	if ((rc = cli_open_db(c, 0, &d)))
		goto out;
	if ((campaign && (rc = find_campaign(d, campaign, &cid))) ||
	    (proc && (rc = find_procedure(d, proc, &pid))) ||
	    (school && (rc = find_school(d, school, &sid))) ||
	    (mun && (rc = find_municipality(d, mun, &mid))))
		goto out;
	if (unassign) {
		bool dropped = false;
		const struct scope all_schools = scope_all();
		rc = plan_unassign(d, &all_schools, pid, sid, &dropped, msg, sizeof msg);
		if (rc) {
			fprintf(stderr, "oko: школа не снята с процедуры: %s\n", *msg ? msg : err_str(rc));
			if (rc == ERR_EXISTS)
				audit_add(d, NULL, cli_user_name(), "plan_unassign_refused", school, proc, "cli");
		} else {
			audit_add(d, NULL, cli_user_name(), "plan_unassign", school, proc, "cli");
			printf("школа %s снята с процедуры %s%s\n", school, proc,
			       dropped ? "; назначение наблюдателя на это проведение отменено" : "");
		}
	} else if (assign) {
		long added = 0;
		const struct scope all_schools = scope_all(); /* the command line sees everything */
		rc = plan_assign(d, &all_schools, cid, pid, sid, mid, cli_user_name(), &added);
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: процедура %s не входит в кампанию «%s»\n", proc, campaign);
		else if (!rc)
			printf("назначено новых пар «процедура — школа»: %ld\n", added);
	} else if (fix) {
		rc = plan_fix_date(d, pid, sid, cls, date, tm, cli_user_name(), msg, sizeof msg);
		if (rc)
			fprintf(stderr, "oko: дата не назначена: %s\n", *msg ? msg : err_str(rc));
		else
			printf("%s, %s: проведение %s %s для всей параллели\n", school, proc, date, tm);
	} else {
		rc = plan_pdf(d, cid, sid, NULL, plan_now(), &b, msg, sizeof msg);
		if (rc)
			fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
		else if (!(rc = write_file(out_path, &b)))
			printf("записано: %s\n", out_path);
	}
out:
	buf_free(&b);
	db_close(d);
	return rc;
}

static int print_summary(const struct plan_monitor *m)
{
	printf("municipality,assigned,ontime,late,missing,overdue,waiting,unassigned\n");
	for (size_t i = 0; i <= m->nm; i++) {
		const struct plan_mon_count *x = i < m->nm ? &m->m[i] : &m->total;
		/* Names may hold commas or quotes: quote them as RFC 4180 does. */
		putchar('"');
		for (const char *s = x->municipality; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		printf("\",%ld,%ld,%ld,%ld,%ld,%ld,%ld\n", x->assigned, x->n[PLAN_ONTIME], x->n[PLAN_LATE],
		       x->missing, x->n[PLAN_OVERDUE], x->n[PLAN_WAITING], x->n[PLAN_UNASSIGNED]);
	}
	return ferror(stdout) ? ERR_IO : 0;
}

int cmd_monitoring(struct cli *c, int argc, char **argv)
{
	const char *proc = NULL, *mun = NULL, *format = "csv", *out_path = NULL;
	bool summary = false;
	const struct cli_opt opts[] = {
		{ "--procedure", &proc, NULL }, { "--municipality", &mun, NULL },
		{ "--format", &format, NULL }, { "--out", &out_path, NULL },
		{ "--summary", NULL, &summary }, { 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (!proc)
		return cli_usage_error(c, "укажите процедуру: --procedure КОД");
	bool xlsx = !strcmp(format, "xlsx");
	if (!xlsx && strcmp(format, "csv"))
		return cli_usage_error(c, "формат должен быть csv или xlsx");
	if (xlsx && !out_path)
		return cli_usage_error(c, "для XLSX укажите файл: --out ФАЙЛ.xlsx");
	struct db *d = NULL;
	struct plan_monitor m = { 0 };
	int64_t mid = 0;
	char msg[512] = "";
	if ((rc = cli_open_db(c, 0, &d)) || (mun && (rc = find_municipality(d, mun, &mid))))
		goto out;
	if ((rc = plan_monitor(d, proc, NULL, mid, plan_now(), &m))) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: процедуры «%s» нет в базе\n", proc);
		goto out;
	}
	if (!m.deadline[0])
		fprintf(stderr, "oko: процедура %s не входит в план-график: срока загрузки нет, "
				"опоздавших и просроченных не бывает\n", proc);
	if (summary)
		rc = print_summary(&m);
	else if ((rc = monitor_write(&m, out_path ? out_path : "-", xlsx ? TABLE_XLSX : TABLE_CSV,
					   msg, sizeof msg)))
		fprintf(stderr, "oko: %s\n", msg);
	else if (out_path)
		printf("записано: %s\n", out_path);
out:
	plan_monitor_free(&m);
	db_close(d);
	return rc;
}
