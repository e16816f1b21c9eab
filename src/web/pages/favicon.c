/* favicon: /favicon.ico, which browsers ask for on every page — oko's eye (an ICO holding
 * one 32×32 PNG, src/web/static/favicon.ico, embedded like the other static files). */
#include <string.h>

#include "base/err.h"
#include "embedded.h"
#include "web/web.h"

int page_favicon(struct web_req *r, struct web_res *w)
{
	(void)r;
	for (size_t i = 0; i < embedded_count; i++) {
		if (strcmp(embedded_files[i].path, "src/web/static/favicon.ico"))
			continue;
		w->type = "image/vnd.microsoft.icon";
		w->static_body = embedded_files[i].data;
		w->static_len = embedded_files[i].len;
		w->cache = "public, max-age=86400";
		return 0;
	}
	return ERR_NOTFOUND;
}
