/* db: the database itself — its schema in a form both engines print alike, and a whole copy
 * into another database of either engine (src/db/copy.h does the work; docs/postgresql.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "cli/cli.h"
#include "db/copy.h"
#include "io/scan.h"
#include "model/keys.h"
#include "model/measure.h"

const char cmd_db_summary[] = "база данных: схема для сравнения, копия в другую базу (SQLite ⇄ PostgreSQL)";
const char cmd_db_usage[] =
	"использование: oko db schema [--db БАЗА]\n"
	"       oko db copy --from БАЗА --to БАЗА\n\n"
	"БАЗА — файл SQLite (или sqlite:ФАЙЛ) или адрес PostgreSQL postgresql://…\n\n"
	"schema печатает схему базы в виде, одинаковом для SQLite и PostgreSQL: по строке на\n"
	"столбец (таблица, столбец, класс типа, not null, место в первичном ключе), индекс (по\n"
	"содержанию, без имени), внешний ключ и представление. Две базы одной версии схемы\n"
	"печатаются одинаково — так проверяют, что схемы совпадают.\n\n"
	"copy копирует всю базу --from в --to: создаёт в --to схему той же версии и переносит\n"
	"все таблицы в одной транзакции (всё или ничего), сверяя число строк каждой таблицы.\n"
	"--to — новый файл или пустая база (созданная createdb или только что «oko init»);\n"
	"базу с данными команда не перезаписывает. В PostgreSQL нумерация новых строк\n"
	"продолжается после скопированных. Копируются и файлы рядом с базой: ключ\n"
	"персональных данных (.key), сканы (.scans), подтверждения мер (.evidence), материалы\n"
	"(.files); для PostgreSQL они лежат в каталоге OKO_FILES (ИМЯ_БАЗЫ.key и т. д.).\n"
	"Ход копирования — в stderr, по таблице. См. docs/postgresql.md.";

static int db_schema_cmd(struct cli *c)
{
	struct db *d = NULL;
	struct dbcopy_schema s;
	int rc = cli_open_db(c, DB_OPEN_READONLY, &d);
	if (rc)
		return rc;
	if ((rc = dbcopy_schema_read(d, &s))) {
		fprintf(stderr, "oko db schema: не удалось прочитать схему: %s\n", db_errmsg(d));
		db_close(d);
		return rc;
	}
	char *text = dbcopy_schema_text(&s);
	fputs(text, stdout);
	free(text);
	dbcopy_schema_free(&s);
	db_close(d);
	return 0;
}

static void progress(void *ctx, const char *table, int64_t rows)
{
	(void)ctx;
	char n[32];
	fprintf(stderr, "  %-22s %s %s — в копии столько же\n", table, ru_int(n, sizeof n, rows),
		str_plural((long)rows, "строка", "строки", "строк"));
}

/* The files kept beside a database (their names are the model's and io's): the key, the
 * scans of re-checked works, the evidence of measures, the materials (model/material.c's
 * files_dir). */
enum { F_KEY, F_SCANS, F_EVIDENCE, F_FILES, F_N };

static void dirs_of(const char *base, char paths[F_N][1100])
{
	scan_dir_of(base, paths[F_SCANS], sizeof paths[F_SCANS]);
	measure_files_dir(base, paths[F_EVIDENCE], sizeof paths[F_EVIDENCE]);
	snprintf(paths[F_FILES], sizeof paths[F_FILES], "%s.files", base);
}

static void files_of(struct db *d, char paths[F_N][1100], bool *key_ok)
{
	char base[1024];
	db_file(d, base, sizeof base);
	*key_ok = keys_file_path(d, paths[F_KEY], sizeof paths[F_KEY]) == 0;
	dirs_of(base, paths);
}

_Static_assert((int)F_N == (int)CLI_DBF_N && (int)F_KEY == (int)CLI_DBF_KEY &&
		       (int)F_SCANS == (int)CLI_DBF_SCANS && (int)F_EVIDENCE == (int)CLI_DBF_EVIDENCE &&
		       (int)F_FILES == (int)CLI_DBF_FILES,
	       "cli.h names the files beside a database in files_of()'s order");

void cli_db_files(struct db *d, char paths[CLI_DBF_N][1100], bool *key_ok)
{
	files_of(d, paths, key_ok);
}

void cli_db_dirs(const char *file, char paths[CLI_DBF_N][1100])
{
	dirs_of(file, paths);
}

static int db_copy_cmd(const char *from, const char *to)
{
	static const char *const what[F_N] = { "Файл ключа", "Сканы работ", "Подтверждения мер",
					       "Материалы" };
	struct db *src = NULL, *dst = NULL;
	bool created = false;
	char msg[1024] = "", sp[F_N][1100], dp[F_N][1100];
	struct dbcopy_file files[F_N];
	int kind[F_N], nfiles = 0, rc;
	const char *f = strncmp(from, "sqlite:", 7) ? from : from + 7;
	const char *t = strncmp(to, "sqlite:", 7) ? to : to + 7;
	if (!strcmp(f, t)) {
		fprintf(stderr, "oko db copy: --from и --to — одна и та же база\n");
		return ERR_USAGE;
	}
	if ((rc = db_open(&src, from, DB_OPEN_READONLY))) {
		fprintf(stderr, "oko db copy: не удалось открыть базу-источник %s (причина выше)\n", from);
		return rc;
	}
	/* Sealed names travel with their key or not at all: a source whose key is missing (or
	 * is another database's) is refused before anything is written. No key file and nothing
	 * sealed is fine: there is no key to copy. */
	uint8_t key[KEYS_BYTES];
	char nokey[1200], kpath[1100];
	int krc = keys_master(src, false, key, msg, sizeof msg);
	keys_wipe(key, sizeof key);
	if (krc && !keys_file_path(src, kpath, sizeof kpath)) {
		snprintf(nokey, sizeof nokey, "нет файла ключа %s", kpath);
		if (krc != ERR_NOTFOUND || strcmp(msg, nokey)) {
			fprintf(stderr, "oko db copy: %s; копия без ключа не откроет имена учеников — укажите, "
					"где ключ (OKO_KEY_FILE, для PostgreSQL — OKO_FILES)\n", msg);
			rc = krc;
			goto out;
		}
	}
	if ((rc = dbcopy_open_target(to, &dst, &created, msg, sizeof msg))) {
		fprintf(stderr, "oko db copy: %s\n", msg);
		goto out;
	}
	bool skey = false, dkey = false;
	files_of(src, sp, &skey);
	files_of(dst, dp, &dkey);
	for (int i = 0; i < F_N; i++) {
		if (i == F_KEY && (!skey || !dkey))
			continue;
		kind[nfiles] = i;
		files[nfiles++] = (struct dbcopy_file){ .from = sp[i], .to = dp[i] };
	}
	if ((rc = dbcopy_files(files, nfiles, msg, sizeof msg))) {
		fprintf(stderr, "oko db copy: %s\n", msg);
		goto out;
	}
	fprintf(stderr, "Копирование %s → %s:\n", from, to);
	int64_t total = 0;
	if ((rc = dbcopy_tables(src, dst, progress, NULL, &total, msg, sizeof msg))) {
		fprintf(stderr, "oko db copy: %s\nКопия не сделана: всё записанное в %s отменено.\n", msg, to);
		dbcopy_files_undo(files, nfiles);
		goto out;
	}
	char n[32];
	printf("Скопировано %s %s; число строк каждой таблицы в копии равно исходному.\n",
	       ru_int(n, sizeof n, total), str_plural((long)total, "строка", "строки", "строк"));
	for (int i = 0; i < nfiles; i++) {
		const struct dbcopy_file *e = &files[i];
		bool isk = kind[i] == F_KEY;
		if (e->copied && isk)
			printf("Файл ключа персональных данных скопирован: %s → %s. Храните его "
			       "отдельно от базы и в резервной копии: без него имена учеников не прочесть.\n",
			       e->from, e->to);
		else if (e->copied)
			printf("%s скопированы: %s → %s (файлов: %lld)\n", what[kind[i]],
			       e->from, e->to, (long long)e->files);
		else if (isk && !strcmp(e->from, e->to))
			printf("Файл ключа %s общий для обеих баз (OKO_KEY_FILE или один каталог): "
			       "копировать не нужно.\n", e->from);
		else if (isk)
			printf("Файла ключа %s нет, и зашифрованных имён в базе нет: копировать нечего.\n",
			       e->from);
	}
	if (skey && !dkey)
		printf("Файл ключа для копии не определить: перенесите ключ %s вручную.\n", sp[F_KEY]);
	if (db_is_pg(dst) && !getenv("OKO_FILES"))
		printf("OKO_FILES не задан: файлы копии PostgreSQL лежат в текущем каталоге; задайте "
		       "тот же OKO_FILES для «oko serve» и других команд с этой базой.\n");
out:
	db_close(src);
	db_close(dst);
	if (rc && created)
		dbcopy_remove_sqlite(to);
	return rc;
}

int cmd_db(struct cli *c, int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	struct cli_opt opts[] = {
		{ "--from", &from, NULL },
		{ "--to", &to, NULL },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos < 1)
		return cli_usage_error(c, "укажите действие: schema или copy");
	if (npos > 1)
		return cli_usage_error(c, "лишний аргумент «%s»", argv[1]);
	if (!strcmp(argv[0], "schema")) {
		if (from || to)
			return cli_usage_error(c, "schema читает базу из --db (или OKO_DB), без --from/--to");
		return db_schema_cmd(c);
	}
	if (!strcmp(argv[0], "copy")) {
		if (!from || !*from || !to || !*to)
			return cli_usage_error(c, "copy требует --from БАЗА и --to БАЗА");
		return db_copy_cmd(from, to);
	}
	return cli_usage_error(c, "неизвестное действие «%s»; есть: schema, copy", argv[0]);
}
