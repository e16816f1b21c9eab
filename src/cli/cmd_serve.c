/* serve: the web application on libmicrohttpd. */
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "cli/cli.h"
#include "web/web.h"

int cmd_serve(struct cli *c, int argc, char **argv)
{
	const char *listen = "127.0.0.1:8080", *threads = NULL;
	bool quiet = false, secure = false;
	const struct cli_opt opts[] = {
		{ "--secure-cookies", NULL, &secure },
		{ "--listen", &listen, NULL },
		{ "--threads", &threads, NULL },
		{ "--quiet", NULL, &quiet },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos)
		return cli_usage_error(c, "лишний аргумент «%s»", argv[0]);
	/* Open once here so a missing or newer database is reported before serving. */
	struct db *d = NULL;
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	db_close(d);
	struct web_config cfg = {
		.db_path = c->db_path,
		.listen = listen,
		.threads = threads ? (unsigned)strtoul(threads, NULL, 10) : 0,
		.quiet = quiet,
		.secure_cookies = secure,
	};
	return web_serve(&cfg);
}
