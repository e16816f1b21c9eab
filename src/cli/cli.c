/* cli: option parsing and helpers shared by the commands. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "model/setting.h"

int cli_parse_options(struct cli *c, int argc, char **argv, const struct cli_opt *opts)
{
	int npos, rc = cli_parse(c, argc, argv, opts, &npos);
	if (!rc && npos)
		rc = cli_usage_error(c, "лишний аргумент «%s»", argv[0]);
	return rc;
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "oko %s: ", c->cmd ? c->cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nподробнее: oko %s --help\n", c->cmd ? c->cmd->name : "help");
	return ERR_USAGE;
}

int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts, int *npos)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (!strcmp(a, "--")) {
			while (++i < argc)
				argv[n++] = argv[i];
			break;
		}
		if (strncmp(a, "--", 2) != 0 || !a[2]) {
			argv[n++] = a;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("%s\n", c->cmd->usage);
			return 1;
		}
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const struct cli_opt *o = opts;
		for (; o && o->name; o++)
			if (strlen(o->name) == len && !strncmp(o->name, a, len))
				break;
		if (!o || !o->name)
			return cli_usage_error(c, "неизвестный параметр %.*s", (int)len, a);
		if (o->flag) {
			if (eq)
				return cli_usage_error(c, "параметр %s не принимает значения", o->name);
			*o->flag = true;
			continue;
		}
		if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			return cli_usage_error(c, "у параметра %s нет значения", o->name);
		}
	}
	*npos = n;
	return 0;
}

int cli_open_db(struct cli *c, int flags, struct db **out)
{
	int rc = db_open(out, c->db_path, flags);
	/* Every moment a command prints is in the region's zone. */
	if (!rc)
		setting_apply_zone(*out);
	return rc;
}

void cli_print_diags(const struct diag_list *d)
{
	diag_print(stderr, d);
	if (d->count[DIAG_ERROR] || d->count[DIAG_WARN])
		fprintf(stderr, "ошибок: %zu, предупреждений: %zu\n", d->count[DIAG_ERROR],
			d->count[DIAG_WARN]);
}

bool cli_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

const char *cli_user_name(void)
{
	const char *u = getenv("USER");
	if (u && *u)
		return u;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "?";
}

int cli_write_out(const char *path, const struct buf *b)
{
	bool to_file = path && strcmp(path, "-");
	FILE *fp = to_file ? fopen(path, "wb") : stdout;
	if (!fp || fwrite(b->p, 1, b->len, fp) != b->len || (to_file ? fclose(fp) : fflush(fp))) {
		fprintf(stderr, "oko: не удалось записать %s\n", to_file ? path : "в стандартный вывод");
		return ERR_IO;
	}
	if (to_file)
		printf("записано: %s\n", path);
	return 0;
}
