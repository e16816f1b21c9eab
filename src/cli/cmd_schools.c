/* schools: the registry from the command line — list the schools, and decide the aliases
 * (one school, several logins) that imports propose. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "model/registry.h"
#include "model/user.h"

static int print_school(void *ctx, const struct registry_school_row *s)
{
	(void)ctx;
	printf("%s\t%s\t%s\t%s%s%s%s\n", s->login, s->name, s->municipality, s->kind,
	       s->kind_guessed ? " (по названию)" : "", *s->aliases ? "\tтакже: " : "", s->aliases);
	return 0;
}

static int print_alias(void *ctx, const struct registry_alias *a)
{
	int *n = ctx;
	static const struct { const char *status, *title; } titles[] = {
		{ "proposed", "предложено" }, { "confirmed", "подтверждено" }, { "rejected", "отклонено" },
	};
	const char *t = a->status;
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
		if (!strcmp(titles[i].status, a->status))
			t = titles[i].title;
	printf("%s\t→ %s (%s)\t%s: %s", a->login, a->school, a->school_name, t, a->reason);
	if (!strcmp(a->status, "proposed") && a->results)
		printf("; у школы %s результатов: %lld", a->login, (long long)a->results);
	if (*a->decided_by)
		printf("; решил: %s", a->decided_by);
	printf("\n");
	(*n)++;
	return 0;
}

int cmd_schools(struct cli *c, int argc, char **argv)
{
	bool guessed = false, all = false, propose = false;
	const char *of = NULL;
	const struct cli_opt opts[] = {
		{ "--guessed", NULL, &guessed },
		{ "--all", NULL, &all },
		{ "--propose", NULL, &propose },
		{ "--of", &of, NULL },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos < 1)
		return cli_usage_error(c, "укажите действие: list, aliases, alias, confirm или reject");
	const char *what = argv[0];
	bool one = !strcmp(what, "alias") || !strcmp(what, "confirm") || !strcmp(what, "reject");
	if (!strcmp(what, "list") || !strcmp(what, "aliases") ? npos != 1 : !one || npos != 2)
		return cli_usage_error(c, "неверные аргументы действия «%s»", what);
	if (!strcmp(what, "alias") && !of)
		return cli_usage_error(c, "укажите школу: oko schools alias ДРУГОЙ_ЛОГИН --of ЛОГИН");
	struct db *d = NULL;
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	char msg[256] = "";
	if (!strcmp(what, "list")) {
		rc = registry_school_each(d, guessed, print_school, NULL);
	} else if (!strcmp(what, "aliases")) {
		long proposed = 0;
		int n = 0;
		if (propose && !(rc = db_begin(d))) {
			if ((rc = registry_alias_propose_all(d, &proposed)) || (rc = db_commit(d)))
				db_rollback(d);
			if (!rc)
				printf("предложено новых объединений: %ld\n", proposed);
		}
		if (!rc)
			rc = registry_alias_each(d, all ? NULL : "proposed", print_alias, &n);
		if (!rc && !n)
			printf("%s\n", all ? "псевдонимов нет" : "предложений объединить школы нет");
	} else if (!strcmp(what, "alias")) {
		int64_t id;
		if ((rc = registry_school_find(d, of, &id))) {
			fprintf(stderr, "oko: школы «%s» нет\n", of);
		} else if (!(rc = db_begin(d))) {
			if ((rc = registry_alias_add(d, argv[1], id, "указано вручную", cli_user_name(), msg,
						     sizeof msg)) ||
			    (rc = audit_add(d, NULL, cli_user_name(), "school_alias", argv[1], of, "cli")) ||
			    (rc = db_commit(d)))
				db_rollback(d);
			if (rc)
				fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
			else
				printf("логин %s теперь означает школу %s\n", argv[1], of);
		}
	} else {
		bool confirm = !strcmp(what, "confirm");
		rc = registry_alias_decide(d, argv[1], confirm, cli_user_name(), msg, sizeof msg);
		if (!rc)
			audit_add(d, NULL, cli_user_name(), confirm ? "school_alias" : "school_alias_reject",
				  argv[1], NULL, "cli");
		if (rc)
			fprintf(stderr, "oko: %s\n", *msg ? msg : err_str(rc));
		else
			printf(confirm ? "объединено: логин %s теперь означает ту же школу\n"
				       : "отклонено: %s — другая школа\n", argv[1]);
	}
	db_close(d);
	return rc;
}
