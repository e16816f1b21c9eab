/* settings: the installation's settings from the command line (model/setting.h). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "cli/cli.h"
#include "model/setting.h"

const char cmd_settings_summary[] = "настройки: часовой пояс региона";
const char cmd_settings_usage[] =
	"использование: oko settings\n"
	"       oko settings time-zone [ПОЯС]\n"
	"       oko settings time-zones\n\n"
	"Без аргументов — все настройки. time-zone без значения показывает часовой пояс региона,\n"
	"со значением — меняет его (например, oko settings time-zone Asia/Barnaul). В этом поясе\n"
	"страницы, документы и выгрузки показывают даты и время (хранятся они в UTC); по умолчанию\n"
	"Europe/Moscow. time-zones перечисляет пояса России. Тот же выбор — на странице «Настройки»\n"
	"(администратор и регион). Работающий сервер применяет пояс, изменённый командой, после\n"
	"перезапуска; изменённый на странице — сразу.";

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
	if (what && strcmp(what, "time-zone"))
		return cli_usage_error(c, "неизвестная настройка «%s»; есть: time-zone", what);
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
out:
	db_close(d);
	return rc;
}
