/* table_write: writing rows of cells as CSV or as an XLSX sheet. */
#define _GNU_SOURCE /* memfd_create */
#include "io/table_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/diag.h"
#include "base/mem.h"
#include "base/numfmt.h"
#include "io/csv.h"

/* deflate's window: how far back a part's bytes may refer into the part before it. */
#define PART_DICT 32768

/* An XLSX sheet's columns are made as wide as their widest text (up to WIDTH_MAX
 * characters), so that a name or a measure is not cut at Excel's default 8 characters;
 * the first WIDTH_COLS columns. */
#define WIDTH_COLS 64
#define WIDTH_MAX 60

struct table_writer {
	enum table_kind kind;
	FILE *f;          /* CSV */
	bool own;         /* close f at the end */
	struct buf line;  /* CSV: the row being built */
	int col;
	lxw_workbook *wb; /* XLSX */
	lxw_worksheet *ws;
	lxw_row_t row;
	struct buf *dst;  /* memory target, or NULL */
	struct table_mem mem; /* XLSX into memory */
	struct table_part *part; /* a part: CSV into its data (dst), XLSX rows into xml */
	struct buf xml;
	long prow;               /* XLSX part: the sheet's row being written, 1-based */
	struct table_part *after; /* XLSX part: the part it will follow, or NULL */
	bool deflated;           /* XLSX part: deflated (else stored) */
	unsigned char width[WIDTH_COLS]; /* XLSX sheet: the widest text of a column, in characters */
};

/* Where libxlsxwriter stages a workbook's parts: /dev/shm when it is a writable directory
 * (memory on Linux), else NULL (its default). Decided once: the answer does not change. */
static char *scratch_dir(void)
{
	static int known; /* 0 unknown, 1 /dev/shm, 2 default */
	static char shm[] = "/dev/shm";
	int k = __atomic_load_n(&known, __ATOMIC_ACQUIRE);
	if (!k) {
		struct stat st;
		k = !stat(shm, &st) && S_ISDIR(st.st_mode) && !access(shm, W_OK | X_OK) ? 1 : 2;
		__atomic_store_n(&known, k, __ATOMIC_RELEASE);
	}
	return k == 1 ? shm : NULL;
}

struct lxw_workbook *table_xlsx_new(const char *path, bool constant_memory)
{
	/* Only a memory target (a table_mem's path) stages in /dev/shm: those are a request's
	 * tables, small; a command's file, perhaps national, keeps the default, which a small
	 * /dev/shm (64 MB in a container) could not hold. */
	bool mem = !strncmp(path, TABLE_MEM_PREFIX, strlen(TABLE_MEM_PREFIX));
	lxw_workbook_options opt = { .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE,
				     .tmpdir = mem ? scratch_dir() : NULL };
	return workbook_new_opt(path, &opt);
}

int table_mem_open(struct table_mem *m)
{
	m->path[0] = '\0';
	m->fd = memfd_create("oko-table", MFD_CLOEXEC);
	if (m->fd < 0)
		return ERR_IO;
	snprintf(m->path, sizeof m->path, TABLE_MEM_PREFIX "%d", m->fd);
	return 0;
}

void table_mem_close(struct table_mem *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	m->path[0] = '\0';
}

int table_mem_take(struct table_mem *m, struct buf *out)
{
	int rc = 0;
	struct stat st;
	if (m->fd < 0 || fstat(m->fd, &st) || st.st_size < 0) {
		rc = ERR_IO;
		goto out;
	}
	if ((rc = buf_reserve(out, (size_t)st.st_size)))
		goto out;
	char chunk[65536];
	off_t at = 0;
	while (at < st.st_size) {
		ssize_t n = pread(m->fd, chunk, sizeof chunk, at);
		if (n <= 0) {
			rc = ERR_IO;
			goto out;
		}
		if ((rc = buf_append(out, chunk, (size_t)n)))
			goto out;
		at += n;
	}
out:
	table_mem_close(m);
	return rc;
}

int table_writer_open(struct table_writer **out, const char *path, enum table_kind kind,
		      const char *sheet, char *msg, size_t msglen)
{
	struct table_writer *w = xcalloc(1, sizeof *w);
	w->kind = kind;
	w->mem.fd = -1;
	buf_init(&w->line, 0);
	if (kind == TABLE_CSV) {
		if (!strcmp(path, "-")) {
			w->f = stdout;
		} else if ((w->f = fopen(path, "w"))) {
			w->own = true;
		}
		if (!w->f)
			goto fail;
	} else {
		w->wb = table_xlsx_new(path, true);
		if (!w->wb || !(w->ws = workbook_add_worksheet(w->wb, sheet)))
			goto fail;
	}
	*out = w;
	return 0;
fail:
	snprintf(msg, msglen, "не удалось создать файл %s", path);
	if (w->wb)
		workbook_close(w->wb);
	buf_free(&w->line);
	free(w);
	*out = NULL;
	return ERR_IO;
}

int table_writer_open_mem(struct table_writer **out, enum table_kind kind, const char *sheet,
			  struct buf *dst, char *msg, size_t msglen)
{
	struct table_writer *w = xcalloc(1, sizeof *w);
	w->kind = kind;
	w->dst = dst;
	w->mem.fd = -1;
	buf_init(&w->line, 0);
	if (kind == TABLE_XLSX) {
		if (table_mem_open(&w->mem) || !(w->wb = table_xlsx_new(w->mem.path, true)) ||
		    !(w->ws = workbook_add_worksheet(w->wb, sheet))) {
			snprintf(msg, msglen, "не удалось создать таблицу в памяти");
			if (w->wb)
				workbook_close(w->wb);
			table_mem_close(&w->mem);
			buf_free(&w->line);
			free(w);
			*out = NULL;
			return ERR_IO;
		}
	}
	*out = w;
	return 0;
}

/* A cell's reference, "C7", for column col (0-based) and row (1-based). Written by hand, as
 * is the rest of a part's markup: the journal's export writes some ten such pieces a row,
 * and printf's parsing of their formats was a large part of its first make
 * (docs/performance.md). */
static const char *cell_ref(char out[32], int col, long row)
{
	diag_colname((unsigned)col, out);
	numfmt_u(out + strlen(out), (unsigned long long)row);
	return out;
}

/* A signed number as printf's "%ld". */
static int put_long(struct buf *b, long v)
{
	char d[24];
	size_t n = 0;
	if (v < 0)
		d[n++] = '-';
	n += numfmt_u(d + n, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
	return buf_append(b, d, n);
}

/* An XLSX part's text cell, an inline string: escaped by buf_xml_text, the control
 * characters as _xHHHH_ and spaces at either end kept, as libxlsxwriter writes them; at
 * most Excel's 32,767 characters a cell (ERR_IO beyond, as libxlsxwriter refuses them). */
static int part_text(struct buf *b, const char *ref, const char *s)
{
	size_t chars = 0;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		chars += (*u & 0xC0) != 0x80;
	if (chars > 32767)
		return ERR_IO;
	size_t n = strlen(s);
	bool keep = s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == '\n';
	int rc;
	if ((rc = buf_puts(b, "<c r=\"")) || (rc = buf_puts(b, ref)) ||
	    (rc = buf_puts(b, keep ? "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
				   : "\" t=\"inlineStr\"><is><t>")))
		return rc;
	rc = buf_xml_text(b, s, n, true);
	return rc ? rc : buf_puts(b, "</t></is></c>");
}

/* Appends n bytes as stored (uncompressed) deflate blocks, on a byte boundary; final marks
 * the last block of the stream. Short texts cost nothing to "deflate" this way. */
static int stored_raw(const void *in, size_t n, bool final, struct buf *out)
{
	const unsigned char *p = in;
	int rc = 0;
	do {
		size_t k = n < 65535 ? n : 65535;
		unsigned char h[5] = { (unsigned char)(final && k == n), (unsigned char)k, (unsigned char)(k >> 8),
				       (unsigned char)~k, (unsigned char)(~k >> 8) };
		if ((rc = buf_append(out, h, sizeof h)) || (rc = buf_append(out, p, k)))
			return rc;
		p += k;
		n -= k;
	} while (n);
	return rc;
}

/* A raw deflate stream (no zlib header) for a part, primed with dict (or NULL): the text
 * that will come just before the part's bytes once inflated, which they may refer to. */
static int deflate_start(z_stream **out, const struct buf *dict)
{
	z_stream *z = xcalloc(1, sizeof *z);
	if (deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return ERR_NOMEM;
	}
	if (dict && dict->len && deflateSetDictionary(z, (const Bytef *)dict->p, (uInt)dict->len) != Z_OK) {
		deflateEnd(z);
		free(z);
		return ERR_IO;
	}
	*out = z;
	return 0;
}

static void deflate_drop(z_stream **z)
{
	if (*z) {
		deflateEnd(*z);
		free(*z);
		*z = NULL;
	}
}

/* Appends n bytes deflated by z to out, ended by a sync flush: the stream is left open on a
 * byte boundary, for more blocks (its own or another stream's) to follow. */
static int deflate_raw(z_stream *z, const void *in, size_t n, struct buf *out)
{
	int rc = 0, zr;
	z->next_in = (Bytef *)in;
	z->avail_in = 0;
	size_t left = n;
	do {
		/* zlib counts in uInt: feed at most 1 GiB a call. */
		if (!z->avail_in && left) {
			z->avail_in = (uInt)(left < (1u << 30) ? left : (1u << 30));
			left -= z->avail_in;
		}
		size_t room = deflateBound(z, z->avail_in) + 64;
		if ((rc = buf_reserve(out, room)))
			break;
		z->next_out = (Bytef *)out->p + out->len;
		z->avail_out = (uInt)room;
		zr = deflate(z, left ? Z_NO_FLUSH : Z_SYNC_FLUSH);
		out->len += room - z->avail_out;
		out->p[out->len] = '\0';
		if (zr == Z_STREAM_ERROR) {
			rc = ERR_IO;
			break;
		}
	} while (left || z->avail_in || z->avail_out == 0);
	return rc;
}

/* A text cell that a spreadsheet would run as a formula (=, +, @, a tab, a return, or a
 * minus not starting a number): school names come from uploaded files, and an export opened
 * in Excel must not execute them. */
static bool formula_like(const char *s)
{
	switch (s[0]) {
	case '=': case '+': case '@': case '\t': case '\r':
		return true;
	case '-':
		return !((s[1] >= '0' && s[1] <= '9') || s[1] == '.');
	}
	return false;
}

int table_writer_text(struct table_writer *w, const char *s)
{
	char ref[32];
	if (w->kind == TABLE_CSV) {
		int rc = w->col++ ? buf_putc(&w->line, ',') : 0;
		if (!rc && formula_like(s)) {
			/* Prefixed with an apostrophe, the way Excel itself marks text. */
			struct buf t = BUF_INIT;
			buf_putc(&t, '\'');
			buf_puts(&t, s);
			rc = csv_put_field(&w->line, t.p, t.len, ',');
			buf_free(&t);
			return rc;
		}
		return rc ? rc : csv_put_field(&w->line, s, strlen(s), ',');
	}
	if (w->part) {
		int rc = *s ? part_text(&w->line, cell_ref(ref, w->col, w->prow), s) : 0;
		w->col++;
		return rc;
	}
	if (*s && worksheet_write_string(w->ws, w->row, (lxw_col_t)w->col, s, NULL) != LXW_NO_ERROR)
		return ERR_IO;
	if (w->col < WIDTH_COLS && w->width[w->col] < WIDTH_MAX) {
		size_t n = 0; /* characters, not bytes: a Cyrillic letter is two */
		for (const char *c = s; *c && n < WIDTH_MAX; c++)
			n += ((unsigned char)*c & 0xC0) != 0x80;
		if (n > w->width[w->col])
			w->width[w->col] = (unsigned char)n;
	}
	w->col++;
	return 0;
}

int table_writer_int(struct table_writer *w, long v)
{
	char ref[32];
	if (w->kind == TABLE_CSV) {
		int rc = w->col++ ? buf_putc(&w->line, ',') : 0;
		return rc ? rc : put_long(&w->line, v);
	}
	if (w->part) {
		int rc;
		if (!(rc = buf_puts(&w->line, "<c r=\"")) && !(rc = buf_puts(&w->line, cell_ref(ref, w->col, w->prow))) &&
		    !(rc = buf_puts(&w->line, "\"><v>")) && !(rc = put_long(&w->line, v)))
			rc = buf_puts(&w->line, "</v></c>");
		w->col++;
		return rc;
	}
	if (worksheet_write_number(w->ws, w->row, (lxw_col_t)w->col, (double)v, NULL) != LXW_NO_ERROR)
		return ERR_IO;
	w->col++;
	return 0;
}

int table_writer_num(struct table_writer *w, double v, const char *csv_text)
{
	char ref[32], num[40];
	if (w->kind == TABLE_CSV)
		return table_writer_text(w, csv_text ? csv_text : "");
	if (isnan(v) || isinf(v))
		return table_writer_text(w, "");
	if (w->part) {
		int rc;
		snprintf(num, sizeof num, "%.17g", v);
		if (!(rc = buf_puts(&w->line, "<c r=\"")) && !(rc = buf_puts(&w->line, cell_ref(ref, w->col, w->prow))) &&
		    !(rc = buf_puts(&w->line, "\"><v>")) && !(rc = buf_puts(&w->line, num)))
			rc = buf_puts(&w->line, "</v></c>");
		w->col++;
		return rc;
	}
	if (worksheet_write_number(w->ws, w->row, (lxw_col_t)w->col, v, NULL) != LXW_NO_ERROR)
		return ERR_IO;
	w->col++;
	return 0;
}

int table_writer_empty(struct table_writer *w)
{
	return table_writer_text(w, "");
}

int table_writer_end_row(struct table_writer *w)
{
	w->col = 0;
	if (w->kind == TABLE_CSV) {
		int rc = buf_putc(&w->line, '\n');
		if (!rc && w->part)
			w->part->rows++;
		if (!rc && w->dst)
			rc = buf_append(w->dst, w->line.p, w->line.len);
		else if (!rc && fwrite(w->line.p, 1, w->line.len, w->f) != w->line.len)
			rc = ERR_IO;
		buf_reset(&w->line);
		return rc;
	}
	if (w->part) {
		int rc;
		if ((rc = buf_puts(&w->xml, "<row r=\"")) || (rc = put_long(&w->xml, w->prow)) ||
		    (rc = buf_puts(&w->xml, "\">")) ||
		    (rc = buf_append(&w->xml, w->line.p, w->line.len)) || (rc = buf_puts(&w->xml, "</row>")))
			return rc;
		buf_reset(&w->line);
		w->part->rows++;
		w->prow++;
		return 0;
	}
	w->row++;
	return 0;
}

int table_writer_close(struct table_writer *w)
{
	int rc = 0;
	if (w->kind == TABLE_CSV) {
		if (w->f && (fflush(w->f) || ferror(w->f)))
			rc = ERR_IO;
		if (w->own && fclose(w->f))
			rc = ERR_IO;
	} else if (w->part) {
		struct table_part *p = w->part;
		const struct buf *dict = w->after ? &w->after->last : NULL;
		if (w->xml.len) {
			p->raw = w->xml.len;
			p->crc = (uint32_t)crc32_z(0, (const Bytef *)w->xml.p, w->xml.len);
			/* Go on with the stream of the part before when there is one; a new
			 * stream only for a part worth its set-up. */
			if (w->deflated && w->after && w->after->z) {
				p->z = w->after->z;
				w->after->z = NULL;
			} else if (w->deflated && w->xml.len >= 1024) {
				rc = deflate_start(&p->z, dict);
			}
			if (!rc)
				rc = p->z ? deflate_raw(p->z, w->xml.p, w->xml.len, &p->data)
					  : stored_raw(w->xml.p, w->xml.len, false, &p->data);
		}
		/* The dictionary of the part that will follow: the last PART_DICT bytes of the rows
		 * up to this part's end. */
		size_t own = w->xml.len < PART_DICT ? w->xml.len : PART_DICT;
		size_t before = dict && own < PART_DICT ? (dict->len < PART_DICT - own ? dict->len : PART_DICT - own) : 0;
		if (!rc && before)
			rc = buf_append(&p->last, dict->p + dict->len - before, before);
		if (!rc)
			rc = buf_append(&p->last, w->xml.p + w->xml.len - own, own);
		buf_free(&w->xml);
	} else {
		for (int c = 0; c < WIDTH_COLS; c++)
			if (w->width[c] > 8)
				worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c, w->width[c] + 2, NULL);
		if (workbook_close(w->wb) != LXW_NO_ERROR)
			rc = ERR_IO;
		if (!rc && w->dst)
			rc = table_mem_take(&w->mem, w->dst);
		table_mem_close(&w->mem);
	}
	buf_free(&w->line);
	free(w);
	return rc;
}

int table_writer_open_part(struct table_writer **out, enum table_kind kind, struct table_part *p,
			   long first_row, struct table_part *after, bool deflated)
{
	struct table_writer *w = xcalloc(1, sizeof *w);
	*p = (struct table_part){ .kind = kind };
	w->kind = kind;
	w->mem.fd = -1;
	buf_init(&w->line, 0);
	buf_init(&w->xml, 0);
	w->part = p;
	w->prow = first_row;
	w->after = after;
	w->deflated = deflated;
	if (kind == TABLE_CSV)
		w->dst = &p->data;
	*out = w;
	return 0;
}

void table_part_free(struct table_part *p)
{
	buf_free(&p->data);
	buf_free(&p->last);
	deflate_drop(&p->z);
	*p = (struct table_part){ .kind = p->kind };
}

int table_part_append(struct table_part *to, struct table_part *p)
{
	int rc = buf_append(&to->data, p->data.p, p->data.len);
	if (rc)
		return rc;
	if (p->raw)
		to->crc = (uint32_t)crc32_combine64(to->crc, p->crc, (z_off64_t)p->raw);
	to->raw += p->raw;
	to->rows += p->rows;
	/* A stream goes on after to only if it made the bytes that now end it: p's, or to's
	 * own when p added none. */
	if (p->z || p->raw) {
		deflate_drop(&to->z);
		to->z = p->z;
		p->z = NULL;
	}
	/* p was made to follow to: its dictionary for the next part is to's as well. */
	buf_reset(&to->last);
	return buf_append(&to->last, p->last.p, p->last.len);
}

/* ---- The ZIP of a one-sheet workbook (APPNOTE 6.3: local headers, central directory) ---- */

#define ZIP_MAX 0xFFFFFFFFu

struct zip_entry {
	const char *name;
	uint32_t crc, csize, usize, offset;
	uint16_t method; /* 0 stored, 8 deflated */
};

static int put16(struct buf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	return buf_append(b, x, 2);
}

static int put32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	return buf_append(b, x, 4);
}

/* A local header or (central) a central directory's entry. Every entry is dated
 * 1980-01-01 00:00, DOS's first day: the same rows make the same bytes. */
static int zip_header(struct buf *b, const struct zip_entry *e, bool central)
{
	int rc = put32(b, central ? 0x02014b50u : 0x04034b50u);
	if (central && !rc)
		rc = put16(b, 20);
	if (rc || (rc = put16(b, 20)) || (rc = put16(b, 0)) || (rc = put16(b, e->method)) ||
	    (rc = put16(b, 0)) || (rc = put16(b, 0x21)) || (rc = put32(b, e->crc)) ||
	    (rc = put32(b, e->csize)) || (rc = put32(b, e->usize)) ||
	    (rc = put16(b, (unsigned)strlen(e->name))) || (rc = put16(b, 0)))
		return rc;
	if (central && ((rc = put16(b, 0)) || (rc = put16(b, 0)) || (rc = put16(b, 0)) ||
			(rc = put32(b, 0)) || (rc = put32(b, e->offset))))
		return rc;
	return buf_puts(b, e->name);
}

/* A small file, stored as it is; start is the workbook's first byte in b. */
static int zip_stored(struct buf *b, size_t start, struct zip_entry *e, const char *name,
		      const char *text)
{
	size_t n = strlen(text);
	*e = (struct zip_entry){ name, (uint32_t)crc32_z(0, (const Bytef *)text, n), (uint32_t)n,
				 (uint32_t)n, (uint32_t)(b->len - start), 0 };
	int rc = zip_header(b, e, false);
	return rc ? rc : buf_append(b, text, n);
}

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT_OOXML "application/vnd.openxmlformats-officedocument.spreadsheetml."

static const char content_types[] = XML_HEAD
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT_OOXML "sheet.main+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"" CT_OOXML "worksheet+xml\"/>"
	"<Override PartName=\"/xl/styles.xml\" ContentType=\"" CT_OOXML "styles+xml\"/></Types>";
static const char root_rels[] = XML_HEAD "<Relationships xmlns=\"" NS_PKG "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";
static const char book_rels[] = XML_HEAD "<Relationships xmlns=\"" NS_PKG "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/></Relationships>";
static const char styles[] = XML_HEAD "<styleSheet xmlns=\"" NS_MAIN "\">"
	"<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
	"<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
	"<fill><patternFill patternType=\"gray125\"/></fill></fills>"
	"<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
	"<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs>"
	"<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
	"</styleSheet>";
static const char sheet_head[] = XML_HEAD "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheetData>";
static const char sheet_tail[] = "</sheetData></worksheet>";

int table_parts_join(enum table_kind kind, const char *sheet, const struct table_part *const *parts,
		     size_t n, struct buf *dst)
{
	int rc = 0;
	if (kind == TABLE_CSV) {
		for (size_t i = 0; i < n && !rc; i++)
			rc = buf_append(dst, parts[i]->data.p, parts[i]->data.len);
		return rc;
	}
	struct zip_entry e[6];
	struct buf book = BUF_INIT, head = BUF_INIT, tail = BUF_INIT, cd = BUF_INIT;
	size_t start = dst->len;
	if ((rc = buf_puts(&book, XML_HEAD "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL
				  "\"><sheets><sheet name=\"")) ||
	    (rc = buf_xml_text(&book, sheet, strlen(sheet), false)) ||
	    (rc = buf_puts(&book, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")))
		goto out;
	if ((rc = zip_stored(dst, start, &e[0], "[Content_Types].xml", content_types)) ||
	    (rc = zip_stored(dst, start, &e[1], "_rels/.rels", root_rels)) ||
	    (rc = zip_stored(dst, start, &e[2], "xl/workbook.xml", buf_str(&book))) ||
	    (rc = zip_stored(dst, start, &e[3], "xl/_rels/workbook.xml.rels", book_rels)) ||
	    (rc = zip_stored(dst, start, &e[4], "xl/styles.xml", styles)))
		goto out;
	/* The sheet: its head, the parts, its tail, one deflate stream; the CRC of the whole
	 * from the pieces' (crc32_combine). */
	size_t hn = sizeof sheet_head - 1, tn = sizeof sheet_tail - 1;
	if ((rc = stored_raw(sheet_head, hn, false, &head)) || (rc = stored_raw(sheet_tail, tn, true, &tail)))
		goto out;
	uint64_t usize = hn + tn, csize = head.len + tail.len;
	uLong crc = crc32_z(0, (const Bytef *)sheet_head, hn);
	for (size_t i = 0; i < n; i++) {
		if (!parts[i]->data.len)
			continue;
		crc = crc32_combine64(crc, parts[i]->crc, (z_off64_t)parts[i]->raw);
		usize += parts[i]->raw;
		csize += parts[i]->data.len;
	}
	crc = crc32_combine64(crc, crc32_z(0, (const Bytef *)sheet_tail, tn), (z_off64_t)tn);
	if (usize > ZIP_MAX || csize > ZIP_MAX || dst->len - start > ZIP_MAX - csize - 4096) {
		rc = ERR_LIMIT;
		goto out;
	}
	e[5] = (struct zip_entry){ "xl/worksheets/sheet1.xml", (uint32_t)crc, (uint32_t)csize,
				   (uint32_t)usize, (uint32_t)(dst->len - start), 8 };
	if ((rc = zip_header(dst, &e[5], false)) || (rc = buf_reserve(dst, csize)) ||
	    (rc = buf_append(dst, head.p, head.len)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++)
		rc = buf_append(dst, parts[i]->data.p, parts[i]->data.len);
	if (rc || (rc = buf_append(dst, tail.p, tail.len)))
		goto out;
	/* The central directory and its end. Offsets count from the workbook's first byte. */
	size_t cd_at = dst->len - start;
	for (size_t i = 0; i < 6 && !rc; i++)
		rc = zip_header(&cd, &e[i], true);
	if (rc || (rc = buf_append(dst, cd.p, cd.len)) || (rc = put32(dst, 0x06054b50u)) ||
	    (rc = put16(dst, 0)) || (rc = put16(dst, 0)) || (rc = put16(dst, 6)) ||
	    (rc = put16(dst, 6)) || (rc = put32(dst, (uint32_t)cd.len)) ||
	    (rc = put32(dst, (uint32_t)cd_at)) || (rc = put16(dst, 0)))
		goto out;
out:
	buf_free(&book);
	buf_free(&head);
	buf_free(&tail);
	buf_free(&cd);
	return rc;
}
