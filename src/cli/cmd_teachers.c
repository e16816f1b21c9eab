/* teachers: the class → teacher assignments of a school and the teachers in the risk zone
 * of the latest stored run, from the command line.
 *
 * The command line is the server's operator, who holds the key file (docs/personal-data.md):
 * with --school it acts as a user of that school and sees its teachers by name; without,
 * it sees what the region sees — per school, how many teachers are in the zone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "cli/cli.h"
#include "model/procedure.h"
#include "model/pupil.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/teacher.h"

const char cmd_teachers_summary[] = "учителя классов и учителя в зоне риска";
const char cmd_teachers_usage[] =
	"использование:\n"
	"  oko teachers list --school ЛОГИН [--year ГГГГ]   классы школы и их учителя\n"
	"  oko teachers zone [--school ЛОГИН]               учителя в зоне риска по последнему\n"
	"                                                   сохранённому прогону анализа\n\n"
	"Учителей загружает oko import teachers ФАЙЛ --year ГГГГ (school,class,subject,teacher).\n"
	"С --school команда показывает ФИО учителей этой школы (как их видит сама школа); без\n"
	"--school — по каждой школе только число учителей в зоне риска, без имён (как их видят\n"
	"муниципалитет и регион).\n";

static int list(struct db *d, int64_t sid, int year)
{
	struct user op;
	pupil_operator_user(sid, &op);
	struct teacher_class *v = NULL;
	size_t n = 0;
	char msg[256] = "";
	int rc = teacher_classes(d, &op, sid, year, &v, &n, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
		return rc;
	}
	if (!n)
		printf("классов с результатами или учителями нет\n");
	for (size_t i = 0; i < n; i++) {
		char title[160];
		procedure_title(v[i].kind, v[i].subject, v[i].grade, title, sizeof title);
		printf("%s (%d)\t%s\t%s\n", title, v[i].year, v[i].class_name,
		       v[i].teacher_id ? v[i].name : "учитель не указан");
	}
	teacher_classes_free(v, n);
	return 0;
}

static int zone(struct db *d, int64_t sid)
{
	struct run_info ri;
	int rc = run_latest(d, &ri);
	if (rc == ERR_NOTFOUND) {
		fprintf(stderr, "oko: сохранённых прогонов анализа нет: запустите oko analyze\n");
		return rc;
	}
	if (rc)
		return rc;
	if (sid) {
		struct user op;
		pupil_operator_user(sid, &op);
		struct teacher_zone *v = NULL;
		size_t n = 0;
		char msg[256] = "";
		if ((rc = teacher_run_school(d, &op, ri.id, sid, &v, &n, msg, sizeof msg))) {
			fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
			return rc;
		}
		size_t listed = 0;
		for (size_t i = 0; i < n; i++) {
			if (!v[i].listed)
				continue;
			listed++;
			char q[32];
			printf("%s\tклассов: %ld, работ: %ld, q = %s\n", v[i].name, v[i].classes, v[i].works,
			       ru_p(q, sizeof q, v[i].q_adj));
		}
		printf("учителей оценено: %zu, в зоне риска: %zu\n", n, listed);
		teacher_zone_free(v, n);
		return 0;
	}
	struct scope all = { SCOPE_ALL, 0 };
	struct teacher_count *c = NULL;
	size_t n = 0;
	if ((rc = teacher_run_counts(d, &all, ri.id, &c, &n)))
		return rc;
	long total = 0;
	for (size_t i = 0; i < n; i++) {
		total += c[i].listed;
		printf("%s\t%s\t%s\tучителей: %ld, в зоне риска: %ld\n", c[i].municipality, c[i].login,
		       c[i].name, c[i].teachers, c[i].listed);
	}
	printf("всего учителей в зоне риска: %ld\n", total);
	free(c);
	return 0;
}

int cmd_teachers(struct cli *c, int argc, char **argv)
{
	const char *school = NULL, *year_s = NULL;
	const struct cli_opt opts[] = { { "--school", &school, NULL }, { "--year", &year_s, NULL }, { 0 } };
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	bool is_list = npos == 1 && !strcmp(argv[0], "list"), is_zone = npos == 1 && !strcmp(argv[0], "zone");
	if (!is_list && !is_zone)
		return cli_usage_error(c, "укажите действие: oko teachers list --school ЛОГИН или oko teachers zone");
	if (is_list && !school)
		return cli_usage_error(c, "укажите школу: --school ЛОГИН");
	long year = 0;
	if (year_s && (str_to_int(year_s, strlen(year_s), &year) || year < 2000 || year > 2100))
		return cli_usage_error(c, "год «%s» не похож на год (например 2021)", year_s);
	struct db *d = NULL;
	int64_t sid = 0;
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	if (school && (rc = registry_school_find(d, school, &sid))) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: школы с логином «%s» нет в базе\n", school);
		goto out;
	}
	rc = is_list ? list(d, sid, (int)year) : zone(d, sid);
out:
	db_close(d);
	return rc;
}
