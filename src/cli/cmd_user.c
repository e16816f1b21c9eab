/* user: manage the people who use oko from the command line (add, passwd, list, API keys). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli.h"
#include "model/plan.h"
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

/* A date of unix seconds as "ГГГГ-ММ-ДД ЧЧ:ММ" UTC. */
static const char *when(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
	return out;
}

static int token_create(struct cli *c, struct db *d, const char *login, const char *label,
			const char *days_text, bool metrics, int64_t now)
{
	enum api_token_kind kind = metrics ? API_TOKEN_METRICS : API_TOKEN_FULL;
	struct user u;
	char token[USER_TOKEN_HEX], until[32], detail[200];
	long days = USER_TOKEN_DAYS;
	int64_t id = 0;
	int rc;
	if (days_text) {
		char *end;
		days = strtol(days_text, &end, 10);
		if (*end || days < 1 || days > USER_TOKEN_MAX_DAYS)
			return cli_usage_error(c, "--days: число дней от 1 до %d", USER_TOKEN_MAX_DAYS);
	}
	if ((rc = user_find(d, login, &u))) {
		fprintf(stderr, "oko: пользователя %s нет\n", login);
		return rc;
	}
	if ((rc = api_token_create(d, u.id, label, kind, now, (int)days, token, &id)))
		return rc;
	snprintf(detail, sizeof detail, "ключ %lld «%s», %ld дн., %s", (long long)id, label, days,
		 api_token_kind_title(kind));
	audit_add(d, NULL, cli_user_name(), "api_token", login, detail, "cli");
	printf("%s\n", token);
	fprintf(stderr, "Ключ API № %lld для %s (%s) показан один раз: сохраните его. Передавайте его "
			"в заголовке «Authorization: Bearer КЛЮЧ». Действует до %s UTC; отозвать: "
			"oko user token revoke %lld.\n",
		(long long)id, login, api_token_kind_title(kind), when(now + days * 86400, until),
		(long long)id);
	if (metrics && u.role != ROLE_ADMIN)
		fprintf(stderr, "Внимание: %s — не администратор, а /metrics открывается только "
				"администратору: этот ключ не откроет ничего.\n", login);
	return 0;
}

static int token_list(struct db *d, const char *login, bool all, int64_t now)
{
	struct user u = { 0 };
	struct api_token_info *v = NULL;
	size_t n = 0;
	int rc;
	if (login && (rc = user_find(d, login, &u))) {
		fprintf(stderr, "oko: пользователя %s нет\n", login);
		return rc;
	}
	if ((rc = api_token_list(d, u.id, all, now, &v, &n)))
		return rc;
	printf("номер\tпользователь\tметка\tдоступ\tвыдан (UTC)\tдействует до (UTC)\tсостояние\n");
	for (size_t i = 0; i < n; i++) {
		char a[32], b[32], r[32];
		printf("%lld\t%s\t%s\t%s\t%s\t%s\t", (long long)v[i].id, v[i].login, v[i].label,
		       api_token_kind_title(v[i].kind), when(v[i].created_at, a), when(v[i].expires_at, b));
		if (v[i].revoked_at)
			printf("отозван %s (%s)\n", when(v[i].revoked_at, r), v[i].revoked_by);
		else if (v[i].expires_at <= now)
			printf("истёк\n");
		else
			printf("действует\n");
	}
	if (!n)
		fprintf(stderr, all ? "Ключей нет.\n"
				    : "Действующих ключей нет (--all — и истёкшие, отозванные).\n");
	free(v);
	return 0;
}

/* oko user token …: create (also the bare form "token ЛОГИН"), list, revoke, revoke-all. */
static int token_cmd(struct cli *c, struct db *d, int npos, char **argv, const char *label,
		     const char *days, bool all, bool metrics)
{
	int64_t now = plan_now();
	char by[80], detail[200];
	int rc;
	snprintf(by, sizeof by, "cli:%s", cli_user_name());
	const char *sub = argv[1];
	if (!strcmp(sub, "create") && npos == 3)
		return token_create(c, d, argv[2], label, days, metrics, now);
	if (!strcmp(sub, "list") && npos <= 3)
		return token_list(d, npos == 3 ? argv[2] : NULL, all, now);
	if (!strcmp(sub, "revoke") && npos == 3) {
		char *end;
		long long id = strtoll(argv[2], &end, 10);
		struct api_token_info t;
		if (*end || id <= 0)
			return cli_usage_error(c, "укажите номер ключа из «oko user token list»");
		if ((rc = api_token_revoke(d, id, now, by, &t))) {
			fprintf(stderr, "oko: действующего ключа № %lld нет\n", id);
			return rc;
		}
		snprintf(detail, sizeof detail, "ключ %lld «%s»", id, t.label);
		audit_add(d, NULL, cli_user_name(), "api_token_revoke", t.login, detail, "cli");
		printf("Ключ № %lld пользователя %s отозван\n", id, t.login);
		return 0;
	}
	if (!strcmp(sub, "revoke-all") && npos == 3) {
		struct user u;
		long n = 0;
		if ((rc = user_find(d, argv[2], &u))) {
			fprintf(stderr, "oko: пользователя %s нет\n", argv[2]);
			return rc;
		}
		if ((rc = api_token_revoke_all(d, u.id, now, by, &n)))
			return rc;
		snprintf(detail, sizeof detail, "все ключи: %ld", n);
		audit_add(d, NULL, cli_user_name(), "api_token_revoke", argv[2], detail, "cli");
		printf("Отозвано ключей пользователя %s: %ld\n", argv[2], n);
		return 0;
	}
	if (npos == 2 && strcmp(sub, "create") && strcmp(sub, "revoke") && strcmp(sub, "revoke-all"))
		return token_create(c, d, sub, label, days, metrics, now); /* "oko user token ЛОГИН" */
	return cli_usage_error(c, "oko user token [create] ЛОГИН [--metrics] | list [ЛОГИН] | revoke НОМЕР | "
				  "revoke-all ЛОГИН");
}

static int list_row(void *ctx, const struct user_item *u)
{
	(void)ctx;
	int r = user_role_parse(u->role);
	printf("%s\t%s\t%s\t", u->login, r >= 0 ? user_role_title((enum role)r) : u->role, u->name);
	if (*u->school_login)
		printf("%s %s", u->school_login, u->school);
	else
		printf("%s", *u->municipality ? u->municipality : u->region);
	printf("%s\n", u->disabled ? "\t(отключён)" : "");
	return 0;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *role = NULL, *scope = NULL, *password = NULL, *label = "api";
	const char *days = NULL;
	bool all = false, metrics = false;
	const struct cli_opt opts[] = {
		{ "--name", &name, NULL }, { "--role", &role, NULL }, { "--scope", &scope, NULL },
		{ "--password", &password, NULL }, { "--label", &label, NULL }, { "--days", &days, NULL },
		{ "--all", NULL, &all }, { "--metrics", NULL, &metrics }, { 0 },
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
		long keys = 0;
		if (!password && !(rc = read_password("Новый пароль: ", pw, sizeof pw)))
			password = pw;
		if (!rc && (rc = user_set_password(d, argv[1], password, plan_now(), &keys, msg, sizeof msg)))
			fprintf(stderr, "oko: пароль не изменён: %s\n", *msg ? msg : err_str(rc));
		if (!rc) {
			snprintf(msg, sizeof msg, "ключей API отозвано: %ld", keys);
			audit_add(d, NULL, cli_user_name(), "user_passwd", argv[1], msg, "cli");
			printf("Пароль пользователя %s изменён; его сеансы закрыты, "
			       "ключи API отозваны (%ld)\n", argv[1], keys);
		}
	} else if (!strcmp(argv[0], "list") && npos == 1) {
		printf("логин\tроль\tимя\tтерритория\n");
		rc = user_list(d, USER_BY_LOGIN, list_row, NULL);
	} else if (!strcmp(argv[0], "token") && npos >= 2) {
		rc = token_cmd(c, d, npos, argv, label, days, all, metrics);
	} else {
		rc = cli_usage_error(c, "неизвестное действие «%s» или неверное число аргументов", argv[0]);
	}
	db_close(d);
	return rc;
}
