/* man: the manual page oko(1) (see man.h). */
#include "cli/man.h"

#include <string.h>

#include "cli/conf.h"

/* One line of text, escaped, without its newline. */
static void line_out(FILE *f, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

void man_text(FILE *f, const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		line_out(f, p, n);
		fputc('\n', f);
		p += n + (nl != NULL);
	}
}

/* A paragraph tagged with tag in bold (.TP). */
static void tagged(FILE *f, const char *tag, const char *text)
{
	fputs(".TP\n.B ", f);
	line_out(f, tag, strlen(tag));
	fputc('\n', f);
	man_text(f, text);
}

void man_write(FILE *f, const struct cli_cmd *cmds, size_t n, const char *version)
{
	fputs(".\\\" oko(1): made by `oko help --man` from the command table of src/main.c.\n", f);
	fputs(".TH OKO 1 \"\" \"oko ", f);
	line_out(f, version, strlen(version));
	fputs("\" \"Команды oko\"\n", f);
	fputs(".SH НАЗВАНИЕ\noko \\- объективность результатов оценочных процедур\n", f);
	fputs(".SH СИНТАКСИС\n.B oko\n.I КОМАНДА\n[\\fIпараметры\\fR] [\\fB\\-\\-db\\fR \\fIФАЙЛ\\fR]\n"
	      ".br\n.B oko help\n[\\fIКОМАНДА\\fR | \\fB\\-\\-man\\fR]\n.br\n.B oko\n\\fIКОМАНДА\\fR "
	      "\\fB\\-\\-help\\fR\n",
	      f);
	fputs(".SH ОПИСАНИЕ\n", f);
	man_text(f, "oko проводит оценочные процедуры (ВПР, ОГЭ, ЕГЭ, ДКР и другие) для региона и\n"
		    "находит школы, чьи результаты необъективны, с доказательствами, которые может\n"
		    "проверить человек. Данные хранятся в базе SQLite (файл) или PostgreSQL.");
	fputs(".PP\n", f);
	man_text(f, "База данных: параметр --db ФАЙЛ (в любом месте строки), иначе переменная OKO_DB,\n"
		    "иначе параметр db файла настроек, иначе ./oko.db. Параметры команды важнее\n"
		    "переменных окружения, переменные важнее файла настроек /etc/oko/oko.conf.");
	fputs(".SH КОМАНДЫ\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs(".SS \"oko ", f);
		line_out(f, cmds[i].name, strlen(cmds[i].name));
		fputs("\"\n", f);
		man_text(f, cmds[i].summary);
		fputs(".PP\n.nf\n", f);
		man_text(f, cmds[i].usage);
		fputs(".fi\n", f);
	}
	fputs(".SH ОКРУЖЕНИЕ\n", f);
	man_text(f, "Каждая переменная, кроме OKO_CONF и OKO_NOW, может быть задана и в файле\n"
		    "настроек строкой «ключ = значение» (ключ указан в скобках). Заданная переменная\n"
		    "важнее файла, параметр команды важнее переменной. Неверное значение останавливает\n"
		    "команду до начала работы (код выхода 2).");
	tagged(f, "OKO_CONF",
	       "файл настроек вместо /etc/oko/oko.conf; пустое значение — не читать файл настроек.");
	for (size_t i = 0; i < conf_nkeys; i++) {
		char text[1024];
		snprintf(text, sizeof text, "%s (в oko.conf: %s).", conf_keys[i].about, conf_keys[i].key);
		tagged(f, conf_keys[i].env, text);
	}
	tagged(f, "OKO_NOW",
	       "только для проверок: текущий момент ГГГГ-ММ-ДДTЧЧ:ММ:ССZ (UTC) вместо часов\n"
	       "компьютера.");
	fputs(".SH ФАЙЛЫ\n", f);
	tagged(f, "/etc/oko/oko.conf",
	       "файл настроек: строки «ключ = значение», пустые строки и строки комментариев,\n"
	       "начинающиеся с #. Неизвестный ключ, повтор ключа или неверная строка — ошибка с\n"
	       "номером строки, команда не выполняется (код выхода 2). Если файла нет, oko\n"
	       "работает без него.");
	tagged(f, "ФАЙЛ_БАЗЫ.key",
	       "главный ключ, которым зашифрованы ФИО учеников (или OKO_KEY_FILE). Храните его\n"
	       "копию отдельно от копии базы: без ключа ФИО не прочитать.");
	tagged(f, "/var/lib/oko",
	       "данные службы oko.service (systemd): база и ключ, если файл настроек не говорит\n"
	       "иначе.");
	fputs(".SH \"КОД ВЫХОДА\"\n", f);
	man_text(f, "0 — успех, 2 — неверный вызов или неверные настройки, 1 — любая другая ошибка.");
	fputs(".SH ПРИМЕРЫ\n", f);
	man_text(f, "Создать базу, загрузить школы и результаты, найти необъективные результаты:");
	fputs(".PP\n.nf\n.RS\n", f);
	man_text(f, "oko init --db /var/lib/oko/oko.db\n"
		    "oko import schools schools.csv\n"
		    "oko import results vpr-2021-ru-4.xlsx --procedure VPR-2021-RU-4\n"
		    "oko analyze --out анализ-2021 --year 2021");
	fputs(".RE\n.fi\n.PP\n", f);
	man_text(f, "Веб-интерфейс для всех адресов компьютера, за HTTPS-прокси на этом же компьютере:");
	fputs(".PP\n.nf\n.RS\n", f);
	man_text(f, "oko serve --listen 0.0.0.0:8080 --trusted-proxy 127.0.0.1 --secure-cookies");
	fputs(".RE\n.fi\n.PP\n", f);
	man_text(f, "То же в /etc/oko/oko.conf (его читает служба oko.service):");
	fputs(".PP\n.nf\n.RS\n", f);
	man_text(f, "db = /var/lib/oko/oko.db\n"
		    "listen = 0.0.0.0:8080\n"
		    "trusted_proxy = 127.0.0.1\n"
		    "secure_cookies = yes\n"
		    "time_zone = Asia/Barnaul");
	fputs(".RE\n.fi\n.PP\n", f);
	man_text(f, "Справка по одной команде:");
	fputs(".PP\n.nf\n.RS\n", f);
	man_text(f, "oko import --help");
	fputs(".RE\n.fi\n", f);
	fputs(".SH \"СМ. ТАКЖЕ\"\n", f);
	fputs(".BR systemctl (1),\n.BR systemd.exec (5)\n", f);
}
