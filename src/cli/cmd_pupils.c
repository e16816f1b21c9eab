/* pupils, codes, print, keys: the school's pupils, participant codes, printed documents
 * and the master key, from the command line.
 *
 * The command line is the server's operator: it holds the database and its key file, so
 * it can read names (docs/personal-data.md); it acts as a coordinator of the school named
 * by --school. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/str.h"
#include "cli/cli.h"
#include "import/import.h"
#include "model/keys.h"
#include "model/pupil.h"
#include "model/plan.h"
#include "model/registry.h"
#include "model/setting.h"
#include "model/user.h"
#include "report/documents.h"

static int parse_year(struct cli *c, const char *s, int *year)
{
	long y;
	if (!s) {
		*year = pupil_year_of(time(NULL));
		return 0;
	}
	if (str_to_int(s, strlen(s), &y) || y < 2000 || y > 2100)
		return cli_usage_error(c, "год «%s» не похож на год (например 2021 — 2020/21 учебный год)", s);
	*year = (int)y;
	return 0;
}

static int find_school(struct db *d, const char *login, int64_t *id)
{
	int rc = registry_school_find(d, login, id);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "oko: школы с логином «%s» нет в базе\n", login);
	return rc;
}

/* oko pupils purge [--dry-run]: the names past the retention period, per school. */
static int pupils_purge(struct cli *c, bool dry)
{
	struct db *d = NULL;
	struct pupil_purge_school *v = NULL;
	size_t n = 0;
	long total = 0;
	int months = 0, max_year = 0;
	char cutoff[24];
	int rc = cli_open_db(c, 0, &d);
	if (rc)
		return rc;
	if ((rc = setting_retention(d, &months)))
		goto out;
	int64_t now = plan_now();
	pupil_retention_bounds(now, months, &max_year, cutoff);
	if ((rc = pupil_purge(d, months, now, dry, &v, &n, &total))) {
		fprintf(stderr, "oko: ФИО не удалены: %s\n", err_str(rc));
		goto out;
	}
	printf("срок хранения ФИО: %d мес. после окончания учебного года (и после внесения ФИО); "
	       "истёк для списков %d/%02d учебного года и раньше\n", months, max_year - 1, max_year % 100);
	printf("school,names\n");
	for (size_t i = 0; i < n; i++)
		printf("%s,%ld\n", v[i].login, v[i].names);
	printf(dry ? "будет удалено ФИО: %ld (школ: %zu); проверка — база не изменена\n"
		   : "удалено ФИО: %ld (школ: %zu); коды и результаты сохранены\n", total, n);
	if (!dry) {
		char detail[200];
		snprintf(detail, sizeof detail, "удалено ФИО: %ld, школ: %zu; срок хранения %d мес.", total, n,
			 months);
		audit_add(d, NULL, cli_user_name(), "pupils_purge", NULL, detail, "cli");
	}
out:
	free(v);
	db_close(d);
	return rc;
}

/* oko pupils delete --school L --code K [--year Y]: one pupil's name. */
static int pupils_delete(struct cli *c, const char *school, const char *code, const char *year_s)
{
	int year = 0, rc;
	if (year_s && (rc = parse_year(c, year_s, &year)))
		return rc;
	struct db *d = NULL;
	int64_t sid;
	struct pupil_ref ref;
	char msg[512] = "";
	if ((rc = cli_open_db(c, 0, &d)) || (rc = find_school(d, school, &sid)))
		goto out;
	if ((rc = pupil_forget(d, sid, 0, code, year, &ref, msg, sizeof msg))) {
		fprintf(stderr, "oko: ФИО не удалено: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	if (ref.already) {
		printf("ФИО ученика с кодом %s (%s класс, %d/%02d учебный год) уже было удалено\n", ref.code,
		       ref.class_name, ref.year - 1, ref.year % 100);
		goto out;
	}
	char detail[120];
	snprintf(detail, sizeof detail, "код %s, %s класс, %d/%02d учебный год", ref.code, ref.class_name,
		 ref.year - 1, ref.year % 100);
	audit_add(d, NULL, cli_user_name(), "pupil_delete", school, detail, "cli");
	printf("ФИО ученика с кодом %s (%s класс, %d/%02d учебный год) удалено; код и результаты по "
	       "нему остались\n", ref.code, ref.class_name, ref.year - 1, ref.year % 100);
out:
	db_close(d);
	return rc;
}

int cmd_pupils(struct cli *c, int argc, char **argv)
{
	const char *school = NULL, *year_s = NULL, *cls = NULL, *code = NULL;
	bool dry = false;
	const struct cli_opt opts[] = {
		{ "--school", &school, NULL }, { "--year", &year_s, NULL }, { "--class", &cls, NULL },
		{ "--code", &code, NULL }, { "--dry-run", NULL, &dry }, { 0 },
	};
	int npos, rc, year;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	bool import = npos == 2 && !strcmp(argv[0], "import");
	bool list = npos == 1 && !strcmp(argv[0], "list");
	if (npos == 1 && !strcmp(argv[0], "purge"))
		return pupils_purge(c, dry);
	if (npos == 1 && !strcmp(argv[0], "delete")) {
		if (!school || !code)
			return cli_usage_error(c, "укажите школу и код ученика: oko pupils delete --school ЛОГИН "
						  "--code КОД [--year ГОД]; ученика без кода удаляет школьный "
						  "координатор на странице «Ученики»");
		return pupils_delete(c, school, code, year_s);
	}
	if (!import && !list)
		return cli_usage_error(c, "укажите действие: oko pupils import ФАЙЛ --school ЛОГИН, "
					  "oko pupils list --school ЛОГИН, oko pupils delete --school ЛОГИН "
					  "--code КОД или oko pupils purge [--dry-run]");
	if (!school)
		return cli_usage_error(c, "укажите школу: --school ЛОГИН");
	if ((rc = parse_year(c, year_s, &year)))
		return rc;
	struct db *d = NULL;
	int64_t sid;
	if ((rc = cli_open_db(c, 0, &d)) || (rc = find_school(d, school, &sid)))
		goto out;
	if (import) {
		struct import_opts o = { .dry_run = dry, .only_school = sid, .year = year };
		struct diag_list dl;
		struct import_stats st;
		diag_init(&dl, 200);
		rc = import_pupils(d, argv[1], &o, &dl, &st);
		cli_print_diags(&dl);
		diag_free(&dl);
		if (rc)
			fprintf(stderr, "oko: список не загружен, база не изменена\n");
		else
			printf("%s\n", st.summary);
		goto out;
	}
	struct user op;
	struct pupil *v = NULL;
	size_t n = 0;
	char msg[512], cn[PUPIL_CLASS_MAX];
	int grade;
	if (cls && pupil_class_norm(cls, cn, &grade)) {
		rc = cli_usage_error(c, "«%s» — не название класса (например 4А)", cls);
		goto out;
	}
	pupil_operator_user(sid, &op);
	if ((rc = pupil_list(d, &op, sid, year, cls ? cn : NULL, &v, &n, msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	printf("class,code,name\n");
	for (size_t i = 0; i < n; i++)
		printf("%s,%s,%s\n", v[i].class_name, v[i].code, v[i].name);
	pupil_list_free(v, n);
out:
	db_close(d);
	return rc;
}

int cmd_codes(struct cli *c, int argc, char **argv)
{
	const char *school = NULL, *year_s = NULL;
	const struct cli_opt opts[] = { { "--school", &school, NULL }, { "--year", &year_s, NULL }, { 0 } };
	int npos, rc, year;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos != 1 || strcmp(argv[0], "issue"))
		return cli_usage_error(c, "укажите действие: oko codes issue --school ЛОГИН");
	if (!school)
		return cli_usage_error(c, "укажите школу: --school ЛОГИН");
	if ((rc = parse_year(c, year_s, &year)))
		return rc;
	struct db *d = NULL;
	int64_t sid;
	long issued = 0, pupils = 0, coded = 0;
	if ((rc = cli_open_db(c, 0, &d)) || (rc = find_school(d, school, &sid)))
		goto out;
	if ((rc = pupil_codes_issue(d, sid, year, &issued))) {
		fprintf(stderr, "oko: коды не выданы: %s\n", err_str(rc));
		goto out;
	}
	pupil_count(d, sid, year, &pupils, &coded);
	printf("выдано новых кодов: %ld; учеников: %ld, с кодом: %ld\n", issued, pupils, coded);
out:
	db_close(d);
	return rc;
}

int cmd_print(struct cli *c, int argc, char **argv)
{
	const char *school = NULL, *year_s = NULL, *cls = NULL, *out_path = NULL, *proc = NULL;
	const struct cli_opt opts[] = {
		{ "--school", &school, NULL }, { "--year", &year_s, NULL }, { "--class", &cls, NULL },
		{ "--out", &out_path, NULL }, { "--procedure", &proc, NULL }, { 0 },
	};
	int npos, rc, year, grade;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	bool slips = npos == 1 && !strcmp(argv[0], "slips");
	bool protocol = npos == 1 && !strcmp(argv[0], "protocol");
	if (!slips && !protocol)
		return cli_usage_error(c, "укажите документ: slips (коды для разрезания) или protocol");
	if (!school || !out_path)
		return cli_usage_error(c, "укажите школу и файл: --school ЛОГИН --out ФАЙЛ.pdf");
	if ((rc = parse_year(c, year_s, &year)))
		return rc;
	char cn[PUPIL_CLASS_MAX] = "";
	if (cls && pupil_class_norm(cls, cn, &grade))
		return cli_usage_error(c, "«%s» — не название класса (например 4А)", cls);
	struct db *d = NULL;
	struct buf b = BUF_INIT;
	int64_t sid;
	char msg[512];
	struct user op;
	if ((rc = cli_open_db(c, 0, &d)) || (rc = find_school(d, school, &sid)))
		goto out;
	pupil_operator_user(sid, &op);
	struct doc_opts o = { .school_id = sid, .year = year, .class_name = cn, .procedure = proc };
	rc = slips ? doc_slips(d, &op, &o, &b, msg, sizeof msg) : doc_protocol(d, &op, &o, &b, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	FILE *f = fopen(out_path, "wb");
	if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f)) {
		fprintf(stderr, "oko: не удалось записать %s\n", out_path);
		rc = ERR_IO;
		goto out;
	}
	printf("записано: %s\n", out_path);
out:
	buf_free(&b);
	db_close(d);
	return rc;
}

int cmd_keys(struct cli *c, int argc, char **argv)
{
	const char *school = NULL;
	const struct cli_opt opts[] = { { "--school", &school, NULL }, { 0 } };
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos != 1 || (strcmp(argv[0], "rotate") && strcmp(argv[0], "path") && strcmp(argv[0], "repad")))
		return cli_usage_error(c, "укажите действие: oko keys rotate [--school ЛОГИН], oko keys path "
					  "или oko keys repad");
	if (school && strcmp(argv[0], "rotate"))
		return cli_usage_error(c, "--school — только для oko keys rotate");
	struct db *d = NULL;
	char msg[1024] = "", path[4096];
	long n = 0;
	if ((rc = cli_open_db(c, 0, &d)))
		goto out;
	if (school) {
		int64_t sid;
		long teachers = 0;
		if ((rc = find_school(d, school, &sid)))
			goto out;
		if ((rc = pupil_rekey_school(d, sid, &n, &teachers, msg, sizeof msg))) {
			fprintf(stderr, "oko: ключ школы не заменён: %s\n", *msg ? msg : err_str(rc));
			goto out;
		}
		char detail[160];
		snprintf(detail, sizeof detail, "перешифровано ФИО учеников: %ld, учителей: %ld", n, teachers);
		audit_add(d, NULL, cli_user_name(), "school_key_rotate", school, detail, "cli");
		printf("ключ школы %s заменён, старый уничтожен; %s\n", school, detail);
		goto out;
	}
	if (!strcmp(argv[0], "path")) {
		if (!(rc = keys_file_path(d, path, sizeof path)))
			printf("%s\n", path);
		goto out;
	}
	if (!strcmp(argv[0], "repad")) {
		if ((rc = pupil_repad(d, &n, msg, sizeof msg)))
			fprintf(stderr, "oko: ФИО не перешифрованы: %s\n", *msg ? msg : err_str(rc));
		else
			printf("ФИО, сохранённых без выравнивания длины и перешифрованных теперь: %ld\n", n);
		goto out;
	}
	if ((rc = keys_rotate(d, &n, msg, sizeof msg))) {
		fprintf(stderr, "oko: ключ не заменён: %s\n", *msg ? msg : err_str(rc));
		goto out;
	}
	keys_file_path(d, path, sizeof path);
	{
		char detail[80];
		snprintf(detail, sizeof detail, "ключей школ перешифровано: %ld", n);
		audit_add(d, NULL, cli_user_name(), "keys_rotate", NULL, detail, "cli");
	}
	printf("главный ключ заменён; ключей школ перешифровано: %ld\n"
	       "новый ключ: %s; старый сохранён в %s.old — удалите его, когда сделаете "
	       "резервную копию нового\n", n, path, path);
out:
	db_close(d);
	return rc;
}
