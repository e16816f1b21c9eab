/* download: table attachments from memory (see download.h). */
#include "web/download.h"

#include <string.h>

static bool plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '-' || c == '_';
}

/* RFC 5987 attr-char: sent as is; every other byte is %XX. */
static bool attr_char(unsigned char c)
{
	return plain(c) || (c && strchr("!#$&+^`|~", c));
}

void web_disposition(struct buf *out, const char *ascii, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_puts(out, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)ascii; *p; p++)
		buf_putc(out, plain(*p) ? *p : '_');
	buf_putc(out, '"');
	if (name && *name) {
		buf_puts(out, "; filename*=UTF-8''");
		for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
			if (attr_char(*p)) {
				buf_putc(out, *p);
			} else {
				buf_putc(out, '%');
				buf_putc(out, hex[*p >> 4]);
				buf_putc(out, hex[*p & 15]);
			}
		}
	}
}

void web_send_table(struct web_req *r, struct web_res *w, enum table_kind kind, const char *ascii,
		    const char *name)
{
	struct buf d = BUF_INIT;
	w->type = kind == TABLE_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				     : "text/csv; charset=utf-8";
	w->cache = "no-store";
	web_disposition(&d, ascii, name);
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
}
