/* form: the ФИС ОКО results form of a school for a procedure, from the command line
 * (report/form.h). Codes and classes only: the form leaves the school. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "model/plan.h"
#include "model/registry.h"
#include "report/form.h"

int cmd_form(struct cli *c, int argc, char **argv)
{
	const char *school = NULL, *proc = NULL, *out_path = NULL;
	const struct cli_opt opts[] = {
		{ "--school", &school, NULL }, { "--procedure", &proc, NULL }, { "--out", &out_path, NULL },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos || !school || !proc || !out_path)
		return cli_usage_error(c, "укажите --school ЛОГИН --procedure КОД --out ФАЙЛ.xlsx");
	struct db *d = NULL;
	struct form_data fd = { 0 };
	char msg[512] = "";
	int64_t sid;
	if ((rc = cli_open_db(c, 0, &d)))
		goto out;
	if ((rc = registry_school_find(d, school, &sid))) {
		fprintf(stderr, "oko: школы с логином «%s» нет в базе\n", school);
		goto out;
	}
	if ((rc = form_load(d, sid, proc, &fd, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if ((rc = form_write_xlsx(&fd, plan_now(), out_path, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", msg);
		goto out;
	}
	size_t stored = 0;
	for (size_t i = 0; i < fd.n; i++)
		stored += fd.rows[i].stored;
	printf("записано: %s (кодов: %zu, из них с результатами: %zu)\n", out_path, fd.n, stored);
out:
	form_data_free(&fd);
	db_close(d);
	return rc;
}
