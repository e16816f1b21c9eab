/* oko: the command table and the entry point.
 *
 * Every command is a row here: name, function, one line for `oko help`, and the usage
 * text printed by `oko NAME --help`. The database path comes from --db (anywhere on the
 * line), else the OKO_DB environment variable, else ./oko.db. Exit status: 0 on success,
 * 2 for wrong usage, 1 for any other error. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "cli/cli.h"
#include "db/db.h"

#ifndef OKO_VERSION
#define OKO_VERSION "0.1.0"
#endif

static int cmd_help(struct cli *c, int argc, char **argv);
static int cmd_version(struct cli *c, int argc, char **argv);

static const struct cli_cmd commands[] = {
	{ "init", cmd_init, "создать пустую базу данных (или обновить схему существующей)",
	  "использование: oko init [--db ФАЙЛ]\n\n"
	  "Создаёт базу данных oko (по умолчанию ./oko.db, или путь из --db / OKO_DB).\n"
	  "Если база уже есть и создана более старой версией oko, обновляет её схему." },
	{ "import", cmd_import, "загрузить данные из файлов: школы, процедуры, описание КИМ",
	  "использование: oko import ВИД ФАЙЛ... [параметры]\n\n"
	  "ВИД:\n"
	  "  schools      список школ (CSV/XLSX: login,name,municipality,region,kind,settlement,indepth)\n"
	  "  procedures   процедуры (procedure,kind,year,subject,grade,max_score,positions,scale)\n"
	  "  kim          описание КИМ: позиции, уровень сложности, максимальный балл\n\n"
	  "Файл загружается целиком или не загружается совсем: при любой ошибке база не меняется,\n"
	  "а все найденные ошибки перечисляются с указанием листа, строки, столбца и значения.\n"
	  "CSV может быть в UTF-8 или Windows-1251, с разделителем «,» или «;».\n\n"
	  "параметры:\n"
	  "  --procedure КОД   процедура для описания КИМ, например VPR-2021-RU-4\n"
	  "  --scale a/b/c     шкала перевода в отметки для описания КИМ, например 14/24/33\n"
	  "  --dry-run         только проверить файл, ничего не сохранять\n"
	  "  --report ФАЙЛ     записать найденные ошибки в CSV\n"
	  "  --db ФАЙЛ         база данных (по умолчанию OKO_DB или ./oko.db)" },
	{ "version", cmd_version, "показать версию oko", "использование: oko version" },
	{ "help", cmd_help, "список команд или справка по команде",
	  "использование: oko help [КОМАНДА]" },
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static const struct cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(struct cli *c, int argc, char **argv)
{
	if (argc > 1) {
		const struct cli_cmd *cmd = find_command(argv[1]);
		if (!cmd)
			return cli_usage_error(c, "неизвестная команда «%s»", argv[1]);
		printf("%s\n", cmd->usage);
		return 0;
	}
	printf("oko — объективность результатов оценочных процедур\n\n"
	       "использование: oko КОМАНДА [параметры] [--db ФАЙЛ]\n\nкоманды:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].summary);
	printf("\nСправка по команде: oko КОМАНДА --help\n"
	       "База данных: --db ФАЙЛ, иначе переменная OKO_DB, иначе ./oko.db\n");
	return 0;
}

static int cmd_version(struct cli *c, int argc, char **argv)
{
	printf("oko %s (схема базы данных %d)\n", OKO_VERSION, db_schema_latest());
	return 0;
}

/* Removes "--db PATH" / "--db=PATH" from argv wherever it stands. */
static int take_db_option(int *argc, char **argv, const char **path)
{
	int n = 0;
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "oko: у параметра --db нет значения\n");
				return ERR_USAGE;
			}
			*path = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			*path = argv[i] + 5;
		} else {
			argv[n++] = argv[i];
		}
	}
	*argc = n;
	return 0;
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	log_init_from_env();
	struct cli c = { 0 };
	const char *env = getenv("OKO_DB");
	c.db_path = env && *env ? env : "oko.db";
	if (take_db_option(&argc, argv, &c.db_path))
		return 2;
	if (argc < 2) {
		cmd_help(&c, 1, argv);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	if (!strcmp(name, "--version"))
		name = "version";
	c.cmd = find_command(name);
	if (!c.cmd) {
		fprintf(stderr, "oko: неизвестная команда «%s»; список команд: oko help\n", argv[1]);
		return 2;
	}
	int rc = c.cmd->run(&c, argc - 1, argv + 1);
	if (rc == ERR_USAGE)
		return 2;
	return rc ? 1 : 0;
}
