/* xml_scan: a streaming XML tokenizer for the large, plain parts of an XLSX workbook (the
 * sheets), with expat's callback shape, so one set of handlers serves both.
 *
 * Why not only expat: a real regional sheet (57 MB of XML, 26,600 rows) took expat 0.3 s of
 * CPU where inflating it takes 0.17 s; a sheet is a few element kinds repeated, and a
 * tokenizer that knows it needs no more than UTF-8, the five predefined entities and
 * character references can keep up with decompression. expat remains the reference and
 * the fallback: every other part of a workbook is parsed by expat, and so is a sheet that
 * declares an encoding other than UTF-8 (xscan_feed returns XSCAN_FALLBACK before any
 * handler is called, with the bytes it holds in xscan_pending). tests/unit/test_xlsx_read.c
 * and the fuzz target fuzz_xlsx_sheet compare the rows of both on the same sheets.
 *
 * What it does, as expat does without namespace processing:
 *  - start(name, atts) with names as written ("x:c") and atts as name/value pairs ending in
 *    NULL, values with references replaced and whitespace normalised (XML 1.0 §3.3.3);
 *    a self-closing element gets start and then end;
 *  - text(s, len): character data and CDATA sections, references replaced, line ends
 *    normalised (§2.11); delivered in one or more pieces;
 *  - comments and processing instructions skipped; a DOCTYPE refused (xscan_doctype);
 *  - refused with ERR_PARSE and a Russian reason, line and column: a mismatched or unclosed
 *    tag, a second root, text outside the root, an undefined entity, a reference to a
 *    character XML does not allow, invalid UTF-8, a control character, "]]>" in text, a
 *    repeated attribute, '<' in an attribute value;
 *  - refused with ERR_LIMIT: a token (tag, comment, CDATA section) or the stack of open
 *    elements (64 bytes and the name each) larger than max_bytes — the cap of expat's
 *    memory budget: what expat reads within it, this reads too.
 * Names are checked for their ASCII syntax only; a byte above 0x7F in a name is accepted
 * as part of it when it is valid UTF-8 (expat checks Unicode classes: a sheet with such a
 * name is not one any spreadsheet writes, and the handlers ignore elements they do not
 * know). */
#ifndef OKO_XML_SCAN_H
#define OKO_XML_SCAN_H

#include <stdbool.h>
#include <stddef.h>

struct xscan_handlers {
	void (*start)(void *ud, const char *name, const char **atts);
	void (*end)(void *ud, const char *name);
	void (*text)(void *ud, const char *s, int len);
};

struct xscan;

enum { XSCAN_OK = 0, XSCAN_STOPPED = 1, XSCAN_FALLBACK = 2 };

/* A scanner calling h with ud; max_bytes caps a token and the open elements' names. */
struct xscan *xscan_new(const struct xscan_handlers *h, void *ud, size_t max_bytes);
void xscan_free(struct xscan *x);

/* Feeds the next n bytes (final: the last call, n may be 0). Returns XSCAN_OK,
 * XSCAN_STOPPED (a handler called xscan_stop), XSCAN_FALLBACK (the document is not one
 * this scanner reads: nothing was handed to a handler), or ERR_PARSE / ERR_LIMIT with
 * xscan_error(). */
int xscan_feed(struct xscan *x, const char *data, size_t n, bool final);
/* From a handler: no further handler is called, xscan_feed returns XSCAN_STOPPED. */
void xscan_stop(struct xscan *x);

/* After XSCAN_FALLBACK: every byte fed so far, to give to another parser. */
void xscan_pending(const struct xscan *x, const char **data, size_t *n);

/* After an error: the reason in Russian, its line and column (1-based), and whether it was
 * a DOCTYPE declaration. */
const char *xscan_error(const struct xscan *x);
unsigned long xscan_line(const struct xscan *x);
unsigned long xscan_column(const struct xscan *x);
bool xscan_doctype(const struct xscan *x);

#endif
