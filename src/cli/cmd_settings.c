/* settings: the installation's settings from the command line (model/setting.h). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "cli/cli.h"
#include "model/setting.h"
#include "model/user.h"

const char cmd_settings_summary[] = "настройки: часовой пояс региона, срок хранения ФИО учеников";
const char cmd_settings_usage[] =
	"использование: oko settings\n"
	"       oko settings time-zone [ПОЯС]\n"
	"       oko settings time-zones\n"
	"       oko settings pupil-names-retention [МЕСЯЦЕВ]\n\n"
	"Без аргументов — все настройки. time-zone без значения показывает часовой пояс региона,\n"
	"со значением — меняет его (например, oko settings time-zone Asia/Barnaul). В этом поясе\n"
	"страницы, документы и выгрузки показывают даты и время (хранятся они в UTC); по умолчанию\n"
	"Europe/Moscow. time-zones перечисляет пояса России. Тот же выбор — на странице «Настройки»\n"
	"(администратор и регион). Работающий сервер применяет пояс, изменённый командой, после\n"
	"перезапуска; изменённый на странице — сразу.\n\n"
	"pupil-names-retention без значения показывает срок хранения ФИО учеников, со значением —\n"
	"меняет его (число месяцев от 1 до 120; по умолчанию 12), например oko settings\n"
	"pupil-names-retention 24. Срок считается от конца учебного года списка класса (1 сентября)\n"
	"и не меньше — от дня, когда ФИО внесли; по его истечении ФИО удаляются (коды и\n"
	"результаты остаются): oko pupils purge и раз в сутки oko serve.";

/* oko settings pupil-names-retention [MONTHS] */
static int retention(struct cli *c, const char *value)
{
	long m = 0;
	if (value && (str_to_int(value, strlen(value), &m) || m < SETTING_RETENTION_MIN ||
		      m > SETTING_RETENTION_MAX))
		return cli_usage_error(c, "срок хранения ФИО — число месяцев от %d до %d, а не «%s»",
				       SETTING_RETENTION_MIN, SETTING_RETENTION_MAX, value);
	struct db *d = NULL;
	int months = 0, rc = cli_open_db(c, 0, &d);
	if (rc)
		return rc;
	if (value) {
		if ((rc = setting_retention_set(d, (int)m, cli_user_name()))) {
			fprintf(stderr, "oko settings: не удалось сохранить: %s\n", db_errmsg(d));
			goto out;
		}
		audit_add(d, NULL, cli_user_name(), "setting_set", SETTING_PUPIL_RETENTION, value, "cli");
		printf("сохранено. ");
	}
	if (!(rc = setting_retention(d, &months)))
		printf("срок хранения ФИО учеников: %d мес. после окончания учебного года\n", months);
out:
	db_close(d);
	return rc;
}

static void print_zone(const char *id)
{
	const struct ru_zone *z = ru_zone_find(id);
	printf("часовой пояс: %s — %s\n", id, z ? z->title : "");
}

int cmd_settings(struct cli *c, int argc, char **argv)
{
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, NULL, &npos)))
		return rc > 0 ? 0 : rc;
	const char *what = npos > 0 ? argv[0] : NULL;
	if (what && !strcmp(what, "time-zones")) {
		if (npos > 1)
			return cli_usage_error(c, "лишний аргумент «%s»", argv[1]);
		for (size_t i = 0; i < ru_nzones; i++)
			printf("%-20s %s\n", ru_zones[i].id, ru_zones[i].title);
		return 0;
	}
	if (what && !strcmp(what, "pupil-names-retention")) {
		if (npos > 2)
			return cli_usage_error(c, "лишний аргумент «%s»", argv[2]);
		return retention(c, npos == 2 ? argv[1] : NULL);
	}
	if (what && strcmp(what, "time-zone"))
		return cli_usage_error(c, "неизвестная настройка «%s»; есть: time-zone, "
					  "pupil-names-retention", what);
	if (npos > 2)
		return cli_usage_error(c, "лишний аргумент «%s»", argv[2]);
	const char *value = npos == 2 ? argv[1] : NULL;
	if (value && !ru_zone_find(value)) {
		fprintf(stderr, "oko settings: неизвестный часовой пояс «%s»; пояса России: "
				"oko settings time-zones\n", value);
		return ERR_INVALID;
	}
	struct db *d = NULL;
	char id[SETTING_VALUE_MAX];
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	if (value) {
		if ((rc = setting_zone_set(d, value, cli_user_name()))) {
			fprintf(stderr, "oko settings: не удалось сохранить: %s\n", db_errmsg(d));
			goto out;
		}
		printf("сохранено. ");
	}
	if ((rc = setting_zone(d, id, sizeof id)))
		goto out;
	print_zone(id);
	if (!what) {
		int months = 0;
		if (!(rc = setting_retention(d, &months)))
			printf("срок хранения ФИО учеников: %d мес. после окончания учебного года\n", months);
	}
out:
	db_close(d);
	return rc;
}
