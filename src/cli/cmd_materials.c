/* materials: the bank of КИМ files, release times and archives from the command line
 * (model/material.h, docs/materials.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "cli/cli.h"
#include "model/material.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"

static int proc_id(struct db *d, const char *code, int64_t *id)
{
	struct procedure p;
	int rc = procedure_get(d, code, &p);
	if (rc)
		fprintf(stderr, "oko: процедуры «%s» нет в базе\n", code);
	*id = p.id;
	return rc;
}

int cmd_materials(struct cli *c, int argc, char **argv)
{
	const char *proc = NULL, *variant = NULL, *school = NULL, *out_path = NULL, *key = NULL,
		   *t_archive = NULL, *t_key = NULL, *t_crit = NULL;
	bool criteria = false;
	const struct cli_opt opts[] = {
		{ "--procedure", &proc, NULL }, { "--variant", &variant, NULL }, { "--criteria", NULL, &criteria },
		{ "--school", &school, NULL }, { "--out", &out_path, NULL }, { "--key", &key, NULL },
		{ "--archive-at", &t_archive, NULL }, { "--key-at", &t_key, NULL }, { "--criteria-at", &t_crit, NULL },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos < 1)
		return cli_usage_error(c, "укажите действие: add, schedule, assign, fetch, open");
	const char *act = argv[0];
	char msg[512] = "";
	if (!strcmp(act, "open")) {
		if (npos != 2 || !key || !out_path)
			return cli_usage_error(c, "oko materials open АРХИВ --key КЛЮЧ --out КАТАЛОГ");
		long n = 0;
		if ((rc = material_open(argv[1], key, out_path, &n, msg, sizeof msg))) {
			fprintf(stderr, "oko: %s\n", msg);
			return rc;
		}
		printf("файлов: %ld, каталог: %s\n", n, out_path);
		return 0;
	}
	if (!proc)
		return cli_usage_error(c, "укажите процедуру: --procedure КОД");
	struct db *d = NULL;
	struct buf b = BUF_INIT;
	int64_t pid, sid = 0;
	if ((rc = cli_open_db(c, 0, &d)) || (rc = proc_id(d, proc, &pid)))
		goto out;
	if (!strcmp(act, "add")) {
		long v = 0;
		if (npos != 2 || (!criteria && (!variant || str_to_int(variant, strlen(variant), &v)))) {
			rc = cli_usage_error(c, "oko materials add ФАЙЛ --procedure КОД (--variant N | --criteria)");
			goto out;
		}
		if ((rc = material_add(d, pid, criteria ? "criteria" : "variant", criteria ? 0 : (int)v, argv[1],
				       argv[1], cli_user_name(), msg, sizeof msg))) {
			fprintf(stderr, "oko: файл не добавлен: %s\n", *msg ? msg : err_str(rc));
			goto out;
		}
		printf("добавлено: %s\n", criteria ? "критерии" : "вариант");
	} else if (!strcmp(act, "schedule")) {
		struct material_release r;
		if (!t_archive || !t_key || !t_crit || material_time_parse(t_archive, &r.archive_at) ||
		    material_time_parse(t_key, &r.key_at) || material_time_parse(t_crit, &r.criteria_at)) {
			rc = cli_usage_error(c, "укажите --archive-at, --key-at, --criteria-at как "
						"ГГГГ-ММ-ДДTЧЧ:ММ:ССZ (UTC)");
			goto out;
		}
		if ((rc = material_release_set(d, pid, &r, msg, sizeof msg))) {
			fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
			goto out;
		}
		printf("время выдачи назначено\n");
	} else if (!strcmp(act, "assign")) {
		long n = 0;
		if ((rc = material_assign_all(d, pid, &n, msg, sizeof msg))) {
			fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
			goto out;
		}
		printf("назначено наборов вариантов: %ld\n", n);
	} else if (!strcmp(act, "fetch")) {
		enum material_what w;
		if (npos != 2 || !school || !out_path) {
			rc = cli_usage_error(c, "oko materials fetch archive|key|criteria --procedure КОД --school ЛОГИН --out ФАЙЛ");
			goto out;
		}
		if (!strcmp(argv[1], "archive"))
			w = MATERIAL_ARCHIVE;
		else if (!strcmp(argv[1], "key"))
			w = MATERIAL_KEY;
		else if (!strcmp(argv[1], "criteria"))
			w = MATERIAL_CRITERIA;
		else {
			rc = cli_usage_error(c, "что выдать: archive, key или criteria");
			goto out;
		}
		if ((rc = registry_school_find(d, school, &sid))) {
			fprintf(stderr, "oko: школы «%s» нет в базе\n", school);
			goto out;
		}
		char name[256];
		if ((rc = material_fetch(d, pid, sid, w, plan_now(), cli_user_name(), "cli", &b, name, sizeof name,
					 msg, sizeof msg))) {
			fprintf(stderr, "oko: не выдано: %s\n", *msg ? msg : err_str(rc));
			goto out;
		}
		FILE *f = fopen(out_path, "wb");
		if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f)) {
			fprintf(stderr, "oko: не удалось записать %s\n", out_path);
			rc = ERR_IO;
			goto out;
		}
		printf("записано: %s\n", out_path);
	} else {
		rc = cli_usage_error(c, "неизвестное действие «%s»", act);
	}
out:
	buf_free(&b);
	db_close(d);
	return rc;
}
