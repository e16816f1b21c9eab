/* download: answering with a table (XLSX or CSV) built in memory, as an attachment.
 *
 * The page writes the table into w->body (io/table_write.h: table_writer_open_mem, or a
 * struct table_mem for the workbook writers), then calls web_send_table() for the headers:
 * the content type of the kind, Cache-Control: no-store (tables carry results), and a
 * Content-Disposition with the Russian file name in RFC 5987 form (filename*=UTF-8''…)
 * after a plain ASCII one for old clients. Nothing touches the disk. */
#ifndef OKO_WEB_DOWNLOAD_H
#define OKO_WEB_DOWNLOAD_H

#include "io/table.h"
#include "web/web.h"

/* Sets the headers of a table download whose bytes are in w->body. ascii is the plain file
 * name (characters outside [A-Za-z0-9._-] become '_'); name is the UTF-8 one (NULL: none). */
void web_send_table(struct web_req *r, struct web_res *w, enum table_kind kind, const char *ascii,
		    const char *name);
/* The Content-Disposition value for an attachment (see above), in out. */
void web_disposition(struct buf *out, const char *ascii, const char *name);

#endif
