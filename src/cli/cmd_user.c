/* user: manage the people who use oko from the command line (add, passwd, list, token). */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli.h"
#include "model/user.h"

/* Reads a password: from the terminal without echo, or one line of standard input. */
static int read_password(const char *prompt, char *out, size_t n)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *ok = fgets(out, (int)n, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (!ok)
		return ERR_IO;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int user_add_cmd(struct cli *c, struct db *d, int npos, char **argv, const char *name,
			const char *role, const char *scope, const char *password)
{
	char pw[256], msg[256] = "";
	if (npos != 2)
		return cli_usage_error(c, "укажите логин: oko user add ЛОГИН --role РОЛЬ …");
	int r = role ? user_role_parse(role) : -1;
	if (r < 0)
		return cli_usage_error(c, "укажите роль --role: admin, region, municipality, school, "
					  "expert или observer");
	if (!password) {
		if (read_password("Пароль: ", pw, sizeof pw))
			return cli_usage_error(c, "не удалось прочитать пароль");
		password = pw;
	}
	int rc = user_add(d, argv[1], name ? name : argv[1], (enum role)r, scope, password, msg,
			  sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: пользователь не добавлен: %s\n", *msg ? msg : err_str(rc));
		return rc;
	}
	audit_add(d, NULL, cli_user_name(), "user_add", argv[1], role, "cli");
	printf("Добавлен пользователь %s (%s)\n", argv[1], user_role_title((enum role)r));
	return 0;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *role = NULL, *scope = NULL, *password = NULL, *label = "api";
	const struct cli_opt opts[] = {
		{ "--name", &name, NULL }, { "--role", &role, NULL }, { "--scope", &scope, NULL },
		{ "--password", &password, NULL }, { "--label", &label, NULL }, { 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos < 1)
		return cli_usage_error(c, "укажите действие: add, passwd, list или token");
	struct db *d = NULL;
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	if (!strcmp(argv[0], "add")) {
		rc = user_add_cmd(c, d, npos, argv, name, role, scope, password);
	} else if (!strcmp(argv[0], "passwd") && npos == 2) {
		char pw[256], msg[256] = "";
		if (!password && !(rc = read_password("Новый пароль: ", pw, sizeof pw)))
			password = pw;
		if (!rc && (rc = user_set_password(d, argv[1], password, msg, sizeof msg)))
			fprintf(stderr, "oko: пароль не изменён: %s\n", *msg ? msg : err_str(rc));
		if (!rc) {
			audit_add(d, NULL, cli_user_name(), "user_passwd", argv[1], NULL, "cli");
			printf("Пароль пользователя %s изменён; его сеансы закрыты\n", argv[1]);
		}
	} else if (!strcmp(argv[0], "list") && npos == 1) {
		struct db_stmt *s = NULL;
		if (!(rc = db_prepare(d, &s, "SELECT u.login, u.role, u.name, coalesce(sc.login || ' ' ||"
					     " sc.name, m.name, r.name, ''), u.disabled FROM user u"
					     " LEFT JOIN school sc ON sc.id = u.school_id"
					     " LEFT JOIN municipality m ON m.id = u.municipality_id"
					     " LEFT JOIN region r ON r.id = u.region_id ORDER BY u.login"))) {
			printf("логин\tроль\tимя\tтерритория\n");
			while ((rc = db_step(s)) == DB_ROW) {
				int r = user_role_parse(db_col_text(s, 1));
				printf("%s\t%s\t%s\t%s%s\n", db_col_text(s, 0),
				       r >= 0 ? user_role_title((enum role)r) : db_col_text(s, 1),
				       db_col_text(s, 2), db_col_text(s, 3),
				       db_col_int(s, 4) ? "\t(отключён)" : "");
			}
			rc = rc == DB_DONE ? 0 : rc;
		}
		db_finalize(s);
	} else if (!strcmp(argv[0], "token") && npos == 2) {
		struct user u;
		char token[USER_TOKEN_HEX];
		if ((rc = user_find(d, argv[1], &u))) {
			fprintf(stderr, "oko: пользователя %s нет\n", argv[1]);
		} else if (!(rc = api_token_create(d, u.id, label, token))) {
			audit_add(d, NULL, cli_user_name(), "api_token", argv[1], label, "cli");
			printf("%s\n", token);
			fprintf(stderr, "Ключ API для %s показан один раз: сохраните его. Передавайте его "
					"в заголовке «Authorization: Bearer КЛЮЧ».\n", argv[1]);
		}
	} else {
		rc = cli_usage_error(c, "неизвестное действие «%s» или неверное число аргументов", argv[0]);
	}
	db_close(d);
	return rc;
}
