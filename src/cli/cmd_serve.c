/* serve: the web application on libmicrohttpd. Each option absent from the command line is
 * taken from its OKO_* variable (which oko.conf may have set, cli/conf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "cli/conf.h"
#include "web/retention.h"
#include "web/web.h"

/* *value: the option's value, else the variable's (not empty); checked as oko.conf's key of
 * that variable. The message names the option, or where the variable's value came from. */
static int from_env(struct cli *c, const char *option, const char *env, const char **value)
{
	char from[1200], why[512];
	const char *e = getenv(env);
	bool own = *value != NULL;
	if (!own && e && *e)
		*value = e;
	if (!*value || !conf_check(conf_find_env(env), *value, why, sizeof why))
		return 0;
	return cli_usage_error(c, "%s: %s", own ? option : conf_origin(env, from, sizeof from), why);
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
	const char *listen = NULL, *threads = NULL, *wait = NULL, *memory = NULL, *proxies = NULL,
		   *secure_env = NULL;
	bool quiet = false, secure = false;
	const struct cli_opt opts[] = {
		{ "--secure-cookies", NULL, &secure },
		{ "--listen", &listen, NULL },
		{ "--threads", &threads, NULL },
		{ "--quiet", NULL, &quiet },
		{ "--upload-wait", &wait, NULL },
		{ "--upload-memory", &memory, NULL },
		{ "--trusted-proxy", &proxies, NULL },
		{ 0 },
	};
	int rc;
	if ((rc = cli_parse_options(c, argc, argv, opts)))
		return rc > 0 ? 0 : rc;
	if ((rc = from_env(c, "--listen", "OKO_LISTEN", &listen)) ||
	    (rc = from_env(c, "--threads", "OKO_THREADS", &threads)) ||
	    (rc = from_env(c, "--upload-wait", "OKO_UPLOAD_WAIT", &wait)) ||
	    (rc = from_env(c, "--upload-memory", "OKO_UPLOAD_MEMORY", &memory)) ||
	    (rc = from_env(c, "--trusted-proxy", "OKO_TRUSTED_PROXY", &proxies)) ||
	    (!secure && (rc = from_env(c, NULL, "OKO_SECURE_COOKIES", &secure_env))))
		return rc;
	if (!listen)
		listen = "127.0.0.1:8080";
	secure = secure || conf_bool(secure_env);
	unsigned long upload_wait = wait ? strtoul(wait, NULL, 10) : 60;
	unsigned long upload_mb = memory ? strtoul(memory, NULL, 10) : WEB_UPLOAD_MEMORY >> 20;
	struct web_config cfg = { 0 };
	char msg[256];
	if (proxies && web_proxies_parse(proxies, &cfg.proxies, msg, sizeof msg))
		return cli_usage_error(c, "--trusted-proxy: %s", msg);
	/* Open once here so a missing or newer database is reported before serving. */
	struct db *d = NULL;
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	db_close(d);
	cfg.db_path = c->db_path;
	cfg.listen = listen;
	cfg.threads = threads ? (unsigned)strtoul(threads, NULL, 10) : 0;
	cfg.quiet = quiet;
	cfg.secure_cookies = secure;
	cfg.upload_wait = (unsigned)upload_wait;
	cfg.upload_memory = (size_t)upload_mb << 20;
	/* Pupils' names past the retention period go at start and every 24 hours. */
	web_retention_start(c->db_path);
	return web_serve(&cfg);
}
