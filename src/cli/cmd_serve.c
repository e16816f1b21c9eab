/* serve: the web application on libmicrohttpd. */
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "cli/cli.h"
#include "web/web.h"

int cmd_serve(struct cli *c, int argc, char **argv)
{
	const char *listen = "127.0.0.1:8080", *threads = NULL, *wait = NULL, *memory = NULL,
		   *proxies = NULL;
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
	char *end = NULL;
	unsigned long upload_wait = wait ? strtoul(wait, &end, 10) : 60;
	if (wait && (!*wait || *end || upload_wait < 1 || upload_wait > 3600))
		return cli_usage_error(c, "--upload-wait: число секунд от 1 до 3600, а не «%s»", wait);
	unsigned long upload_mb = memory ? strtoul(memory, &end, 10) : WEB_UPLOAD_MEMORY >> 20;
	if (memory && (!*memory || *end || upload_mb < 1 || upload_mb > 65536))
		return cli_usage_error(c, "--upload-memory: число мегабайт от 1 до 65536, а не «%s»", memory);
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
	return web_serve(&cfg);
}
