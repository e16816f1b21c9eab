/* table_write: writing rows of cells as CSV or as an XLSX sheet. */
#define _GNU_SOURCE /* memfd_create */
#include "io/table_write.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "io/csv.h"

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
	if (*s && worksheet_write_string(w->ws, w->row, (lxw_col_t)w->col, s, NULL) != LXW_NO_ERROR)
		return ERR_IO;
	w->col++;
	return 0;
}

int table_writer_int(struct table_writer *w, long v)
{
	if (w->kind == TABLE_CSV) {
		int rc = w->col++ ? buf_putc(&w->line, ',') : 0;
		return rc ? rc : buf_printf(&w->line, "%ld", v);
	}
	if (worksheet_write_number(w->ws, w->row, (lxw_col_t)w->col, (double)v, NULL) != LXW_NO_ERROR)
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
		if (!rc && w->dst)
			rc = buf_append(w->dst, w->line.p, w->line.len);
		else if (!rc && fwrite(w->line.p, 1, w->line.len, w->f) != w->line.len)
			rc = ERR_IO;
		buf_reset(&w->line);
		return rc;
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
	} else {
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
