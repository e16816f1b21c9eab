/* backup, restore, check: a consistent copy of a database taken while the server runs, its
 * restore after checking it, and the checks an administrator runs on a database
 * (src/db/backup.h does the engine's part; docs/postgresql.md, docs/personal-data.md).
 *
 * A SQLite backup is FILE (the database, one self-contained file) and, beside it, the
 * directories the database keeps beside itself: FILE.scans, FILE.evidence, FILE.files. The
 * key file is not copied unless --with-key: a backup and its key kept together open every
 * name; the command says where the key is instead. A PostgreSQL backup is FILE in pg_dump's
 * custom format and the same directories. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "base/ru.h"
#include "base/str.h"
#include "cli/cli.h"
#include "db/backup.h"
#include "db/copy.h"
#include "model/keys.h"
#include "model/pupil.h"

const char cmd_backup_summary[] =
	"резервная копия базы во время работы сервера (SQLite — онлайн, PostgreSQL — pg_dump)";
const char cmd_backup_usage[] =
	"использование: oko backup --out ФАЙЛ [--with-key] [--db БАЗА]\n\n"
	"Делает согласованную копию базы, не останавливая «oko serve»: все строки на один\n"
	"момент, загрузка, шедшая во время копирования, попадает в копию целиком или не\n"
	"попадает совсем. Копия пишется во временный файл рядом с ФАЙЛ и получает имя ФАЙЛ,\n"
	"только когда записана и проверена; существующий ФАЙЛ не перезаписывается.\n"
	"SQLite: ФАЙЛ — база SQLite (один файл, открывается как обычная база oko).\n"
	"PostgreSQL: ФАЙЛ — архив pg_dump (формат custom); нужна программа pg_dump той же или\n"
	"более новой версии, что и сервер (пакет postgresql-client).\n"
	"Каталоги рядом с базой копируются рядом с копией: ФАЙЛ.scans (сканы работ),\n"
	"ФАЙЛ.evidence (подтверждения мер), ФАЙЛ.files (материалы). Они копируются после\n"
	"снимка базы: файл, добавленный в эти секунды, может оказаться в каталоге копии без\n"
	"своей строки в базе, а удалённый — остаться в базе без файла. Копия без такого\n"
	"расхождения — когда никто не загружает сканы, подтверждения и материалы.\n\n"
	"Файл ключа персональных данных в копию не входит: команда печатает, где он лежит.\n"
	"Без ключа имена учеников в копии не прочесть; храните копию ключа отдельно от копий\n"
	"базы (другой носитель).\n\n"
	"параметры:\n"
	"  --out ФАЙЛ     куда записать копию (файл не должен существовать)\n"
	"  --with-key     положить рядом и копию ключа (ФАЙЛ.key): копия тогда раскрывает\n"
	"                 имена любому, кто её получит — храните её как сам ключ\n"
	"  --db БАЗА      база (по умолчанию OKO_DB или ./oko.db)\n\n"
	"пример:\n"
	"  oko backup --db /var/lib/oko/oko.db --out /var/backups/oko/oko-2025-05-20.db";
const char cmd_restore_summary[] = "восстановить базу из резервной копии после её проверки";
const char cmd_restore_usage[] =
	"использование: oko restore ФАЙЛ [--force] [--db БАЗА]\n\n"
	"Сначала проверяет копию ФАЙЛ: целостность, внешние ключи, версию схемы (не новее этой\n"
	"программы) и то, что ключ персональных данных открывает имена учеников в копии (если\n"
	"ключ есть: OKO_KEY_FILE, БАЗА.key или ФАЙЛ.key от «oko backup --with-key»). Копия\n"
	"ставится на место базы одним переименованием; каталоги ФАЙЛ.scans, ФАЙЛ.evidence,\n"
	"ФАЙЛ.files сначала копируются рядом с базой под временными именами и ставятся на\n"
	"свои места переименованием после базы: если скопировать их не удалось, ни база, ни\n"
	"каталоги не меняются.\n"
	"Базу с данными команда заменяет только с --force; прежняя база сохраняется как\n"
	"БАЗА.before-restore-ДАТА (её каталоги — так же). Пока базу держит другая программа\n"
	"(«oko serve», загрузка), восстановление отказывается: остановите сервер. Программа,\n"
	"открывшая базу до замены, так и работает со старым файлом — поэтому сервер\n"
	"останавливают до восстановления, а не после.\n"
	"PostgreSQL: ФАЙЛ — архив «oko backup» (pg_dump), БАЗА — новая пустая база (createdb);\n"
	"восстанавливает pg_restore одной транзакцией. Копия более старой версии обновится при\n"
	"первом открытии (перед этим сделав свою резервную копию).\n\n"
	"параметры:\n"
	"  --force        заменить базу, в которой уже есть данные\n"
	"  --db БАЗА      куда восстановить (по умолчанию OKO_DB или ./oko.db)\n\n"
	"пример:\n"
	"  systemctl stop oko\n"
	"  oko restore /var/backups/oko/oko-2025-05-20.db --db /var/lib/oko/oko.db --force\n"
	"  systemctl start oko";
const char cmd_check_summary[] =
	"проверить базу: целостность, внешние ключи, ключ персональных данных, версию схемы";
const char cmd_check_usage[] =
	"использование: oko check [--quick] [--db БАЗА]\n\n"
	"Печатает по строке на проверку с итогом «ОК» или «ОШИБКА» и сводку; код выхода 0,\n"
	"только если все проверки пройдены. Базу не меняет (и не обновляет её схему).\n"
	"  целостность       SQLite: integrity_check (с --quick — quick_check); в\n"
	"                    PostgreSQL целостность страниц обеспечивает сам сервер\n"
	"  внешние ключи     SQLite: foreign_key_check; в PostgreSQL ограничения\n"
	"                    соблюдаются при каждой записи\n"
	"  ключ              файл ключа открывает ключ каждой школы и одно ФИО ученика в ней;\n"
	"                    печатается, сколько школ не открылось\n"
	"  версия схемы      известна этой программе и не требует обновления (иначе — что\n"
	"                    выполнить)\n\n"
	"параметры:\n"
	"  --quick        быстрая проверка целостности (quick_check) для большой базы\n"
	"  --db БАЗА      база (по умолчанию OKO_DB или ./oko.db)\n\n"
	"пример:\n"
	"  oko check --db /var/lib/oko/oko.db";

static const char *const dir_what[CLI_DBF_N] = { "Файл ключа", "Сканы работ",
						 "Подтверждения мер", "Материалы" };
static const char *const dir_suffix[CLI_DBF_N] = { ".key", ".scans", ".evidence", ".files" };

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

struct progress {
	int last; /* the last tenth printed */
};

static void on_progress(void *ctx, int64_t done, int64_t total)
{
	struct progress *p = ctx;
	/* Only for a large base (from 8192 pages: 128 MiB at oko's page size). */
	if (total < 8192 || done >= total)
		return;
	int tenth = (int)(done * 10 / total);
	if (tenth > p->last) {
		p->last = tenth;
		fprintf(stderr, "  скопировано %d %% страниц базы\n", tenth * 10);
	}
}

/* Says where the key is and what it is for, or copies it (--with-key). */
static int backup_key(struct db *d, const char *out, bool with_key, const char *kpath,
		      bool key_ok)
{
	char msg[1024];
	bool has_key = key_ok && exists(kpath);
	if (!has_key) {
		long schools = 0, failed = 0;
		pupil_names_check(d, &schools, &failed, msg, sizeof msg);
		if (schools)
			printf("ВНИМАНИЕ: файла ключа персональных данных %s нет, а в базе есть "
			       "зашифрованные имена: без ключа их не прочесть ни в базе, ни в копии.\n",
			       key_ok ? kpath : "(не определить: задайте OKO_KEY_FILE)");
		else
			printf("Файла ключа нет, и зашифрованных имён в базе нет: ключ копировать не нужно.\n");
		return 0;
	}
	if (!with_key) {
		printf("Файл ключа персональных данных: %s — в копию НЕ входит.\n"
		       "Без него имена учеников в копии не прочесть. Храните копию ключа отдельно от "
		       "копий базы (другой носитель), а не рядом с ними; «--with-key» кладёт его рядом.\n",
		       kpath);
		return 0;
	}
	char to[1200];
	snprintf(to, sizeof to, "%s.key", out);
	struct dbcopy_file f = { .from = kpath, .to = to };
	int rc = dbcopy_files(&f, 1, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko backup: ключ не скопирован: %s\n", msg);
		return rc;
	}
	printf("Копия ключа персональных данных: %s.\nВНИМАНИЕ: копия вместе с ключом раскрывает "
	       "имена учеников любому, кто её получит: храните её так же, как сам ключ.\n", to);
	return 0;
}

int cmd_backup(struct cli *c, int argc, char **argv)
{
	const char *out = NULL;
	bool with_key = false;
	struct cli_opt opts[] = { { "--out", &out, NULL }, { "--with-key", NULL, &with_key }, { 0 } };
	int rc = cli_parse_options(c, argc, argv, opts);
	if (rc)
		return rc > 0 ? 0 : rc;
	if (!out || !*out)
		return cli_usage_error(c, "укажите --out ФАЙЛ");
	struct db *d = NULL;
	/* As it is: a backup of an older database is of that version. */
	if ((rc = cli_open_db(c, DB_OPEN_READONLY | DB_OPEN_NOMIGRATE, &d)))
		return rc;
	char msg[2048] = "", file[1100], paths[CLI_DBF_N][1100], to[CLI_DBF_N][1200];
	bool key_ok = false;
	db_file(d, file, sizeof file);
	cli_db_files(d, paths, &key_ok);
	if (exists(out)) {
		fprintf(stderr, "oko backup: файл %s уже есть: выберите другое имя\n", out);
		rc = ERR_EXISTS;
		goto done;
	}
	for (int i = CLI_DBF_SCANS; i < CLI_DBF_N; i++) {
		snprintf(to[i], sizeof to[i], "%s%s", out, dir_suffix[i]);
		if (exists(paths[i]) && exists(to[i])) {
			fprintf(stderr, "oko backup: %s уже есть: выберите другое имя копии\n", to[i]);
			rc = ERR_EXISTS;
			goto done;
		}
	}
	int64_t bytes = 0;
	struct progress pr = { 0 };
	if (db_is_pg(d)) {
		fprintf(stderr, "Копия базы PostgreSQL через pg_dump…\n");
		rc = dbbackup_pg(d, out, msg, sizeof msg);
		struct stat st;
		if (!rc && stat(out, &st) == 0)
			bytes = st.st_size;
	} else {
		rc = dbbackup_sqlite(file, out, on_progress, &pr, &bytes, msg, sizeof msg);
	}
	if (rc) {
		fprintf(stderr, "oko backup: копия не сделана: %s\n", msg);
		goto done;
	}
	char num[32];
	printf("Резервная копия базы записана: %s (%s КБ)\n", out,
	       ru_int(num, sizeof num, (bytes + 1023) / 1024));
	struct dbcopy_file files[CLI_DBF_N];
	int kind[CLI_DBF_N], nf = 0;
	for (int i = CLI_DBF_SCANS; i < CLI_DBF_N; i++) {
		kind[nf] = i;
		files[nf++] = (struct dbcopy_file){ .from = paths[i], .to = to[i] };
	}
	if ((rc = dbcopy_files(files, nf, msg, sizeof msg))) {
		fprintf(stderr, "oko backup: файлы рядом с базой не скопированы: %s\n", msg);
		goto done;
	}
	for (int i = 0; i < nf; i++)
		if (files[i].copied)
			printf("%s: %s (файлов: %lld)\n", dir_what[kind[i]], files[i].to,
			       (long long)files[i].files);
	rc = backup_key(d, out, with_key, paths[CLI_DBF_KEY], key_ok);
done:
	db_close(d);
	return rc;
}

/* ---- restore ---- */

/* Whether the key opens the names of the database at path (a staged SQLite copy): sets
 * OKO_KEY_FILE to key for the look and back. 0 when it does or there are none; *schools the
 * school keys found. */
static int names_open(const char *path, const char *key, long *schools, long *failed,
		      char *msg, size_t n)
{
	const char *was = getenv("OKO_KEY_FILE");
	char *saved = was ? strdup(was) : NULL;
	struct db *d = NULL;
	setenv("OKO_KEY_FILE", key, 1);
	int version = 0, rc = db_open(&d, path, DB_OPEN_READONLY | DB_OPEN_NOMIGRATE);
	*schools = *failed = 0;
	if (!rc && !(rc = db_schema_version(d, &version)) && version >= 5)
		rc = pupil_names_check(d, schools, failed, msg, n);
	db_close(d);
	if (saved)
		setenv("OKO_KEY_FILE", saved, 1);
	else
		unsetenv("OKO_KEY_FILE");
	free(saved);
	return rc;
}

/* One of the files kept beside a database, as a restore puts the backup's in place: from (in
 * the backup) is copied to tmp beside to, then — after the database is swapped — the old one
 * at to is moved to aside (directories only: a key is put only where there is none) and tmp
 * renamed onto to. */
struct beside {
	char from[1300], to[1200], tmp[1400], aside[1400];
	struct dbcopy_file f; /* from → tmp */
	bool staged, moved, placed;
};

static void beside_plan(struct beside b[CLI_DBF_N], const char *file, const char *target,
			const char *bkey, const char *key, const char *stamp)
{
	char paths[CLI_DBF_N][1100];
	cli_db_dirs(target, paths);
	for (int i = 0; i < CLI_DBF_N; i++) {
		b[i] = (struct beside){ 0 };
		if (i == CLI_DBF_KEY) {
			snprintf(b[i].from, sizeof b[i].from, "%s", bkey ? bkey : "");
			snprintf(b[i].to, sizeof b[i].to, "%s", key);
		} else {
			snprintf(b[i].from, sizeof b[i].from, "%s%s", file, dir_suffix[i]);
			memcpy(b[i].to, paths[i], sizeof paths[i]);
		}
		snprintf(b[i].tmp, sizeof b[i].tmp, "%s.restore-%s", b[i].to, stamp);
		snprintf(b[i].aside, sizeof b[i].aside, "%s.before-restore-%s", b[i].to, stamp);
		b[i].f = (struct dbcopy_file){ .from = b[i].from, .to = b[i].tmp };
	}
}

/* Copies what the backup has beside it to the temporary names, all or nothing. */
static int beside_stage(struct beside b[CLI_DBF_N], char *msg, size_t n)
{
	struct dbcopy_file f[CLI_DBF_N];
	int nf = 0, at[CLI_DBF_N];
	for (int i = 0; i < CLI_DBF_N; i++)
		if (*b[i].from && exists(b[i].from)) {
			at[nf] = i;
			f[nf++] = b[i].f;
		}
	int rc = dbcopy_files(f, nf, msg, n);
	for (int k = 0; k < nf && !rc; k++) {
		b[at[k]].f = f[k];
		b[at[k]].staged = f[k].copied;
	}
	return rc;
}

/* Removes the staged copies (a later step failed). */
static void beside_unstage(struct beside b[CLI_DBF_N])
{
	for (int i = 0; i < CLI_DBF_N; i++)
		if (b[i].staged) {
			dbcopy_files_undo(&b[i].f, 1);
			b[i].staged = false;
		}
}

/* Renames from to the name to, which must be free; what the rename was for ("отложить"…) and
 * why it failed go into msg. */
static int move_to_free(const char *from, const char *to, const char *what, char *msg, size_t n)
{
	bool taken = exists(to);
	if (taken || rename(from, to)) {
		err_set(msg, n, "не удалось %s %s в %s: %s", what, from, to,
			taken ? "это имя занято" : strerror(errno));
		return ERR_IO;
	}
	return 0;
}

/* Moves the old directories aside and the staged copies onto their places, by renames; on a
 * failure puts back what it moved and says so in msg. */
static int beside_place(struct beside b[CLI_DBF_N], char *msg, size_t n)
{
	int i, rc = 0;
	for (i = 0; i < CLI_DBF_N; i++) {
		if (i != CLI_DBF_KEY && exists(b[i].to)) {
			if ((rc = move_to_free(b[i].to, b[i].aside, "отложить", msg, n)))
				break;
			b[i].moved = true;
		}
		if (b[i].staged) {
			if ((rc = move_to_free(b[i].tmp, b[i].to, "переименовать", msg, n)))
				break;
			b[i].placed = true;
			b[i].staged = false;
		}
	}
	if (!rc) {
		file_sync_dir_of(b[CLI_DBF_SCANS].to);
		return 0;
	}
	for (; i >= 0; i--) {
		if (b[i].placed && !rename(b[i].to, b[i].tmp)) {
			b[i].placed = false;
			b[i].staged = true;
		}
		if (b[i].moved && !rename(b[i].aside, b[i].to))
			b[i].moved = false;
	}
	return rc;
}

static int restore_pg(const char *file, const char *url, bool force)
{
	struct db *d = NULL;
	struct dbcopy_schema s = { 0 };
	char msg[2048] = "";
	int rc = db_open(&d, url, DB_OPEN_NOMIGRATE);
	if (rc) {
		fprintf(stderr, "oko restore: не удалось открыть базу %s (причина выше)\n", url);
		return rc;
	}
	rc = dbcopy_schema_read(d, &s);
	bool empty = !rc && s.ntables == 0 && s.nviews == 0;
	dbcopy_schema_free(&s);
	db_close(d);
	if (rc) {
		fprintf(stderr, "oko restore: не удалось прочитать схему базы %s\n", url);
		return rc;
	}
	if (!empty) {
		fprintf(stderr, "oko restore: база %s не пуста; PostgreSQL восстанавливается только в "
				"новую пустую базу (createdb)%s\n", url,
			force ? " — --force здесь не действует" : "");
		return ERR_EXISTS;
	}
	fprintf(stderr, "Восстановление через pg_restore…\n");
	if ((rc = dbbackup_pg_restore(file, url, msg, sizeof msg))) {
		fprintf(stderr, "oko restore: %s; pg_restore работал одной транзакцией — база осталась "
				"пустой\n", msg);
		return rc;
	}
	printf("База %s восстановлена из %s. Проверьте её: oko check --db БАЗА\n", url, file);
	return 0;
}

int cmd_restore(struct cli *c, int argc, char **argv)
{
	bool force = false;
	struct cli_opt opts[] = { { "--force", NULL, &force }, { 0 } };
	int npos = 0, rc = cli_parse(c, argc, argv, opts, &npos);
	if (rc)
		return rc > 0 ? 0 : rc;
	if (npos != 1)
		return cli_usage_error(c, npos ? "лишний аргумент «%s»" : "укажите файл копии%s",
				       npos ? argv[1] : "");
	const char *file = argv[0];
	const char *target = strncmp(c->db_path, "sqlite:", 7) ? c->db_path : c->db_path + 7;
	char msg[2048] = "", tmp[4200] = "";
	struct dbbackup_info info;
	if ((rc = dbbackup_verify(file, &info, msg, sizeof msg))) {
		fprintf(stderr, "oko restore: копия не прошла проверку, база не тронута: %s\n", msg);
		return rc;
	}
	bool pg = !strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11);
	if (info.pg != pg) {
		fprintf(stderr, "oko restore: %s — копия базы %s, а восстанавливается в базу %s\n", file,
			info.pg ? "PostgreSQL" : "SQLite", pg ? "PostgreSQL" : "SQLite");
		return ERR_USAGE;
	}
	if (pg)
		return restore_pg(file, target, force);
	printf("Копия %s проверена: целостность, внешние ключи, версия схемы %d — ОК\n", file,
	       info.version);
	bool had = exists(target);
	if (had && dbbackup_in_use(target)) {
		fprintf(stderr, "oko restore: база %s открыта другой программой (работает «oko serve» "
				"или идёт загрузка): остановите её и повторите\n", target);
		return ERR_BUSY;
	}
	if (had) {
		struct db *d = NULL;
		if ((rc = db_open(&d, target, DB_OPEN_READONLY | DB_OPEN_NOMIGRATE))) {
			if (!force) {
				fprintf(stderr, "oko restore: файл %s есть, но не открывается как база oko; "
						"заменить его — только с --force\n", target);
				return rc;
			}
		} else {
			rc = dbcopy_holds_data(d, msg, sizeof msg);
			db_close(d);
			if (rc && !force) {
				fprintf(stderr, "oko restore: база %s не пуста: %s. Восстановление заменит "
						"её; повторите с --force — прежняя база сохранится как "
						"%s.before-restore-ДАТА\n", target, msg, target);
				return ERR_EXISTS;
			}
		}
	}
	/* The key the restored names will be read with: OKO_KEY_FILE or БАЗА.key, else the one
	 * a backup --with-key put beside the copy. */
	char key[1200], bkey[1200];
	const char *env = getenv("OKO_KEY_FILE");
	snprintf(key, sizeof key, "%s", env && *env ? env : "");
	if (!*key)
		snprintf(key, sizeof key, "%s.key", target);
	snprintf(bkey, sizeof bkey, "%s.key", file);
	bool take_bkey = !exists(key) && exists(bkey);
	const char *use = take_bkey ? bkey : key;
	if ((rc = dbbackup_stage(file, target, tmp, sizeof tmp, msg, sizeof msg))) {
		fprintf(stderr, "oko restore: %s; база не тронута\n", msg);
		return rc;
	}
	long schools = 0, failed = 0;
	if (exists(use)) {
		if ((rc = names_open(tmp, use, &schools, &failed, msg, sizeof msg)) || failed) {
			fprintf(stderr, "oko restore: ключ %s не открывает имена учеников в копии (%s%s): "
					"укажите верный файл ключа в OKO_KEY_FILE; база не тронута\n", use,
				failed ? "не открылись школы: " : "", *msg ? msg : "ошибка чтения");
			dbcopy_remove_sqlite(tmp);
			return rc ? rc : ERR_INVALID;
		}
	} else {
		struct db *d = NULL;
		if (!db_open(&d, tmp, DB_OPEN_READONLY | DB_OPEN_NOMIGRATE)) {
			int v = 0;
			if (!db_schema_version(d, &v) && v >= 5)
				pupil_names_check(d, &schools, &failed, msg, sizeof msg);
			db_close(d);
		}
	}
	char stamp[32], keep[1200];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	snprintf(keep, sizeof keep, "%s.before-restore-%s", target, stamp);
	/* The files beside the database: the backup's copied under temporary names beside
	 * their places before anything is replaced, so that a failed copy changes nothing. */
	struct beside b[CLI_DBF_N];
	beside_plan(b, file, target, take_bkey ? bkey : NULL, key, stamp);
	if ((rc = beside_stage(b, msg, sizeof msg))) {
		fprintf(stderr, "oko restore: файлы рядом с копией не скопированы: %s; база и файлы "
				"рядом с ней не тронуты\n", msg);
		dbcopy_remove_sqlite(tmp);
		return rc;
	}
	if ((rc = dbbackup_swap(tmp, target, keep, msg, sizeof msg))) {
		fprintf(stderr, "oko restore: %s; база не тронута\n", msg);
		beside_unstage(b);
		dbcopy_remove_sqlite(tmp);
		return rc;
	}
	if ((rc = beside_place(b, msg, sizeof msg))) {
		char why[2048];
		int urc = dbbackup_unswap(tmp, target, keep, why, sizeof why);
		if (urc) {
			fprintf(stderr, "oko restore: %s. Вернуть прежнюю базу не удалось: %s. Сейчас "
					"на месте базы %s — восстановленная база без своих файлов рядом; "
					"прежняя база — %s\n", msg, why, target, had ? keep : "(её не было)");
			beside_unstage(b);
			return rc;
		}
		fprintf(stderr, "oko restore: %s; восстановление отменено — база и файлы рядом с ней "
				"остались прежними\n", msg);
		beside_unstage(b);
		dbcopy_remove_sqlite(tmp);
		return rc;
	}
	if (had)
		printf("Прежняя база сохранена как %s\n", keep);
	printf("База %s восстановлена из %s.\n", target, file);
	for (int i = 0; i < CLI_DBF_N; i++) {
		if (b[i].moved)
			printf("%s прежней базы отложены: %s\n", dir_what[i], b[i].aside);
		if (b[i].placed)
			printf("%s: %s\n", dir_what[i], b[i].to);
	}
	if (schools && exists(use))
		printf("Ключ %s открывает имена учеников копии (школ с ключом: %ld).\n", key, schools);
	else if (schools)
		printf("ВНИМАНИЕ: файла ключа %s нет: имена учеников не прочесть, пока вы не положите "
		       "туда ключ этой базы (или не укажете его в OKO_KEY_FILE).\n", key);
	if (info.version < db_schema_latest())
		printf("Копия сделана версией схемы %d; схема обновится до %d при первом открытии "
		       "(«oko init»), перед этим будет сделана резервная копия.\n", info.version,
		       db_schema_latest());
	return 0;
}

/* ---- check ---- */

struct tally {
	int checks, errors;
};

static void line(struct tally *t, bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void line(struct tally *t, bool ok, const char *what, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	t->checks++;
	t->errors += !ok;
	printf("%s: %s%s%s\n", what, ok ? "ОК" : "ОШИБКА", *text ? " — " : "", text);
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	bool quick = false;
	struct cli_opt opts[] = { { "--quick", NULL, &quick }, { 0 } };
	int rc = cli_parse_options(c, argc, argv, opts);
	if (rc)
		return rc > 0 ? 0 : rc;
	struct tally t = { 0 };
	struct db *d = NULL;
	char msg[2048] = "", num[32];
	rc = cli_open_db(c, DB_OPEN_READONLY | DB_OPEN_NOMIGRATE, &d);
	if (rc == ERR_VERSION) {
		line(&t, false, "Версия схемы", "база сделана более новой версией oko (эта знает схему до "
		     "%d): обновите oko", db_schema_latest());
		goto summary;
	}
	if (rc) {
		line(&t, false, "База", "не открывается (причина выше)");
		goto summary;
	}
	bool pg = db_is_pg(d);
	int64_t n = 0;
	if ((rc = dbbackup_integrity(d, quick, &n, msg, sizeof msg)))
		line(&t, false, "Целостность", "проверка не выполнена: %s", db_errmsg(d));
	else if (pg)
		line(&t, true, "Целостность", "страницы хранит и проверяет сервер PostgreSQL");
	else if (n)
		line(&t, false, "Целостность", "%s %s, первая: %s", ru_int(num, sizeof num, n),
		     str_plural((long)n, "проблема", "проблемы", "проблем"), msg);
	else
		line(&t, true, "Целостность", "%s", quick ? "quick_check" : "integrity_check");
	if ((rc = dbbackup_foreign_keys(d, &n, msg, sizeof msg)))
		line(&t, false, "Внешние ключи", "проверка не выполнена: %s", db_errmsg(d));
	else if (pg)
		line(&t, true, "Внешние ключи", "PostgreSQL соблюдает их при каждой записи");
	else if (n)
		line(&t, false, "Внешние ключи", "%s %s ссылается на несуществующие, первая: %s",
		     ru_int(num, sizeof num, n), str_plural((long)n, "строка", "строки", "строк"), msg);
	else
		line(&t, true, "Внешние ключи", "все ссылки ведут на существующие строки");
	int version = 0, latest = db_schema_latest();
	if ((rc = db_schema_version(d, &version)))
		line(&t, false, "Версия схемы", "не прочитать: %s", db_errmsg(d));
	else if (version < latest)
		line(&t, false, "Версия схемы", "%d, программа знает %d: нужно обновление, выполните "
		     "«oko init --db %s» (перед обновлением будет сделана резервная копия)", version,
		     latest, c->db_path);
	else
		line(&t, true, "Версия схемы", "%d, последняя из известных этой программе", version);
	if (version >= 5) {
		long schools = 0, failed = 0;
		char kpath[1100], kmsg[1024] = "";
		bool has_path = keys_file_path(d, kpath, sizeof kpath) == 0;
		if ((rc = pupil_names_check(d, &schools, &failed, msg, sizeof msg))) {
			line(&t, false, "Ключ персональных данных", "проверка не выполнена: %s", db_errmsg(d));
		} else if (!schools) {
			line(&t, true, "Ключ персональных данных", "зашифрованных имён в базе нет");
		} else if (!has_path || access(kpath, F_OK) != 0) {
			line(&t, false, "Ключ персональных данных", "нет файла ключа %s: имена учеников "
			     "(школ: %ld) не прочесть", has_path ? kpath : "(задайте OKO_KEY_FILE)", schools);
		} else if (failed) {
			uint8_t k[KEYS_BYTES];
			if (keys_master(d, false, k, kmsg, sizeof kmsg) == 0)
				kmsg[0] = 0;
			keys_wipe(k, sizeof k);
			line(&t, false, "Ключ персональных данных", "ключ %s не открыл имена %ld из %ld "
			     "школ: %s", kpath, failed, schools, *kmsg ? kmsg : msg);
		} else {
			line(&t, true, "Ключ персональных данных", "ключ %s открывает имена (школ: %ld)",
			     kpath, schools);
		}
	} else {
		line(&t, true, "Ключ персональных данных", "в схеме %d имён учеников ещё нет", version);
	}
summary:
	db_close(d);
	if (t.errors)
		printf("Итог: проверок %d, ошибок %d — база требует внимания.\n", t.checks, t.errors);
	else
		printf("Итог: проверок %d, все пройдены.\n", t.checks);
	return t.errors ? ERR_INVALID : 0;
}
