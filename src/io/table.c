/* table: rows of text cells from a CSV file or an XLSX sheet. */
#include "io/table.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/err.h"
#include "base/str.h"
#include "base/mem.h"
#include "io/csv.h"
#include "io/xlsx_read.h"

int table_detect(const struct table_in *in, enum table_kind *kind)
{
	unsigned char magic[4] = { 0 };
	size_t n;
	if (in->path) {
		FILE *f = fopen(in->path, "rb");
		if (!f)
			return ERR_IO;
		n = fread(magic, 1, sizeof magic, f);
		fclose(f);
	} else {
		n = in->len < sizeof magic ? in->len : sizeof magic;
		if (n)
			memcpy(magic, in->data, n);
	}
	*kind = n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4
			? TABLE_XLSX : TABLE_CSV;
	return 0;
}

/* The name of the input for a message: the file, or "файл" for a buffer. */
static const char *in_name(const struct table_in *in)
{
	return in->path ? in->path : "файл";
}

static int book_open(const struct table_in *in, struct xlsx_book **b, char *msg, size_t msglen)
{
	return in->path ? xlsx_open(b, in->path, NULL, msg, msglen)
			: xlsx_open_mem(b, in->data, in->len, NULL, msg, msglen);
}

int table_sheets(const struct table_in *in, char ***names, size_t *n, char *msg, size_t msglen)
{
	enum table_kind kind;
	struct xlsx_book *b = NULL;
	*names = NULL;
	*n = 0;
	int rc = table_detect(in, &kind);
	if (rc) {
		snprintf(msg, msglen, "не удалось открыть файл %s", in_name(in));
		return rc;
	}
	if (kind == TABLE_CSV) {
		*names = xmalloc(sizeof **names);
		(*names)[0] = xstrdup("");
		*n = 1;
		return 0;
	}
	if ((rc = book_open(in, &b, msg, msglen)))
		return rc;
	*n = xlsx_sheet_count(b);
	*names = xcalloc(*n ? *n : 1, sizeof **names);
	for (size_t i = 0; i < *n; i++)
		(*names)[i] = xstrdup(xlsx_sheet_name(b, i));
	xlsx_close(b);
	return 0;
}

struct xlsx_ctx {
	table_row_fn fn;
	void *ctx;
	struct table_src *src;
	struct xlsx_book *book;
	const char **v;
	size_t *len;
	size_t cap;
};

static int xlsx_row(void *p, long row, const struct xlsx_cell *cells, size_t ncells)
{
	struct xlsx_ctx *x = p;
	if (ncells > x->cap) {
		x->v = xgrow(x->v, &x->cap, ncells, sizeof *x->v);
		x->len = xrealloc(x->len, x->cap * sizeof *x->len);
	}
	for (size_t i = 0; i < ncells; i++) {
		x->v[i] = cells[i].v ? cells[i].v : "";
		x->len[i] = cells[i].v ? cells[i].len : 0;
	}
	if (x->src)
		x->src->bytes_done = xlsx_bytes_done(x->book);
	struct table_row r = { row, ncells, x->v, x->len };
	return x->fn(x->ctx, &r);
}

static int read_xlsx(const struct table_in *in, const char *sheet, table_row_fn fn, void *ctx,
		     struct table_src *src, char *msg, size_t msglen)
{
	struct xlsx_ctx x = { fn, ctx, src, NULL, NULL, NULL, 0 };
	int rc = book_open(in, &x.book, msg, msglen);
	if (rc)
		return rc;
	int idx = sheet ? xlsx_sheet_find(x.book, sheet) : (xlsx_sheet_count(x.book) ? 0 : -1);
	if (idx < 0) {
		if (sheet)
			snprintf(msg, msglen, "в книге нет листа «%s»", sheet);
		else
			snprintf(msg, msglen, "в книге нет ни одного листа");
		rc = ERR_FORMAT;
		goto out;
	}
	if (src) {
		str_copy_utf8(src->sheet_name, sizeof src->sheet_name, xlsx_sheet_name(x.book, (size_t)idx));
		src->sheet = src->sheet_name;
		src->bytes_total = xlsx_sheet_size(x.book, (size_t)idx);
		src->bytes_done = 0;
	}
	rc = xlsx_sheet_read(x.book, (size_t)idx, xlsx_row, &x);
	if (rc < 0)
		snprintf(msg, msglen, "%s", xlsx_error(x.book));
out:
	free(x.v);
	free(x.len);
	xlsx_close(x.book);
	return rc;
}

static int read_csv(const struct table_in *in, table_row_fn fn, void *ctx, struct table_src *src,
		    char *msg, size_t msglen)
{
	struct csv_reader *r = NULL;
	int rc = in->path ? csv_open_file(&r, in->path, NULL, msg, msglen)
			  : csv_open_mem(&r, in->data, in->len, NULL, msg, msglen);
	if (rc)
		return rc;
	if (src) {
		src->encoding = csv_encoding_name(r);
		src->sep = csv_separator(r);
		src->bytes_total = csv_bytes_total(r);
	}
	size_t n;
	char **v;
	size_t *len;
	while ((rc = csv_next(r, &n, &v, &len)) == 1) {
		if (src) {
			src->sep = csv_separator(r);
			src->bytes_done = csv_bytes_done(r);
		}
		struct table_row row = { csv_line(r), n, (const char *const *)v, len };
		if ((rc = fn(ctx, &row)))
			goto out;
	}
	if (rc < 0)
		snprintf(msg, msglen, "%s", csv_error(r));
out:
	csv_close(r);
	return rc;
}

int table_read(const struct table_in *in, const char *sheet, table_row_fn fn, void *ctx,
	       struct table_src *src, char *msg, size_t msglen)
{
	enum table_kind kind;
	msg[0] = '\0';
	int rc = table_detect(in, &kind);
	if (rc) {
		snprintf(msg, msglen, "не удалось открыть файл: %s", in_name(in));
		return rc;
	}
	if (src) {
		memset(src, 0, sizeof *src);
		src->path = in->path;
		src->kind = kind;
	}
	return kind == TABLE_XLSX ? read_xlsx(in, sheet, fn, ctx, src, msg, msglen)
				  : read_csv(in, fn, ctx, src, msg, msglen);
}

/* ---- reading on a second thread ---- */

#define BATCH_ROWS 2048
#define BATCH_TEXT (512u << 10) /* a batch's cell texts; a longer row gets a batch of its own */
#define QUEUE_BATCHES 4

struct batch_row {
	long row;
	size_t first, n; /* cells[first .. first+n) */
};

/* A batch's texts never move while it holds rows (a row that does not fit closes the
 * batch), so its cells are kept as the pointers and lengths the consumer's rows are
 * given: nothing is made again a cell on the consumer's side. */
struct batch {
	struct batch_row *rows;
	size_t nrows, cap_rows;
	const char **v;    /* per cell: its text in text */
	size_t *len;
	size_t ncells, cap_cells;
	char *text;        /* the cells, each ended by its NUL */
	size_t tlen, tcap;
	struct table_src src; /* the reader's view when the batch was closed */
	struct batch *next;
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, *tail, *free;
	int queued;
	bool done, stop;
	/* producer */
	const struct table_in *in;
	const char *sheet;
	struct table_src psrc;
	struct batch *cur;
	int rc;
	char msg[512];
};

static struct batch *batch_get(struct queue *q)
{
	struct batch *b;
	pthread_mutex_lock(&q->mu);
	b = q->free;
	if (b)
		q->free = b->next;
	pthread_mutex_unlock(&q->mu);
	if (!b) {
		b = xcalloc(1, sizeof *b);
		b->tcap = BATCH_TEXT;
		b->text = xmalloc(b->tcap);
		b->cap_cells = BATCH_ROWS; /* never NULL: a row of no cells points into them */
		b->v = xmalloc(b->cap_cells * sizeof *b->v);
		b->len = xmalloc(b->cap_cells * sizeof *b->len);
	}
	b->nrows = b->ncells = 0;
	b->tlen = 0;
	b->next = NULL;
	return b;
}

static void batch_free(struct batch *b)
{
	free(b->rows);
	free(b->v);
	free(b->len);
	free(b->text);
	free(b);
}

/* Hands the producer's current batch to the consumer; waits while the queue is full.
 * Returns false when the consumer asked to stop. */
static bool batch_push(struct queue *q)
{
	struct batch *b = q->cur;
	q->cur = NULL;
	if (!b)
		return true;
	b->src = q->psrc;
	pthread_mutex_lock(&q->mu);
	while (q->queued >= QUEUE_BATCHES && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	bool stop = q->stop;
	if (!stop) {
		if (q->tail)
			q->tail->next = b;
		else
			q->head = b;
		q->tail = b;
		q->queued++;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	if (stop)
		batch_free(b);
	return !stop;
}

static int produce_row(void *ctx, const struct table_row *r)
{
	struct queue *q = ctx;
	const size_t n = r->n;
	const char *const *v = r->v;
	const size_t *len = r->len;
	size_t need = 0;
	bool packed = true; /* the cells lie one after the other, each ended by its NUL */
	for (size_t i = 0; i < n; i++) {
		packed &= v[i] == v[0] + need;
		need += len[i] + 1;
	}
	if (q->cur && q->cur->tlen + need > q->cur->tcap && !batch_push(q))
		return 1; /* the row does not fit: the batch goes as it is */
	if (!q->cur)
		q->cur = batch_get(q);
	struct batch *b = q->cur;
	if (need > b->tcap) { /* a row longer than a batch's texts, in a batch of its own */
		free(b->text);
		b->tcap = need;
		b->text = xmalloc(b->tcap);
	}
	b->rows = xgrow(b->rows, &b->cap_rows, b->nrows + 1, sizeof *b->rows);
	if (b->ncells + n > b->cap_cells) {
		size_t cap = b->cap_cells;
		b->v = xgrow(b->v, &cap, b->ncells + n, sizeof *b->v);
		b->len = xrealloc(b->len, cap * sizeof *b->len);
		b->cap_cells = cap;
	}
	b->rows[b->nrows++] = (struct batch_row){ r->row, b->ncells, n };
	char *p = b->text + b->tlen;
	const char **cv = b->v + b->ncells;
	size_t *cl = b->len + b->ncells;
	if (packed && n) {
		/* A CSV record (csv_next keeps its fields so): one copy for the row, where a copy
		 * per cell cost an eighth of the reading thread's instructions. */
		memcpy(p, v[0], need);
		for (size_t i = 0; i < n; i++) {
			cv[i] = p + (v[i] - v[0]);
			cl[i] = len[i];
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			cv[i] = p;
			cl[i] = len[i];
			memcpy(p, v[i], len[i]);
			p += len[i];
			*p++ = '\0';
		}
	}
	b->ncells += n;
	b->tlen += need;
	if (b->nrows >= BATCH_ROWS && !batch_push(q))
		return 1;
	return 0;
}

static void *producer(void *arg)
{
	struct queue *q = arg;
	q->rc = table_read(q->in, q->sheet, produce_row, q, &q->psrc, q->msg, sizeof q->msg);
	batch_push(q);
	pthread_mutex_lock(&q->mu);
	q->done = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

int table_read_threaded(const struct table_in *in, const char *sheet, table_row_fn fn, void *ctx,
			struct table_src *src, char *msg, size_t msglen)
{
	struct queue *q = xcalloc(1, sizeof *q);
	pthread_t th;
	int rc = 0;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->in = in;
	q->sheet = sheet;
	msg[0] = '\0';
	if (pthread_create(&th, NULL, producer, q) != 0) {
		free(q);
		return table_read(in, sheet, fn, ctx, src, msg, msglen);
	}
	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (!q->head && !q->done)
			pthread_cond_wait(&q->cv, &q->mu);
		struct batch *b = q->head;
		if (b) {
			q->head = b->next;
			if (!q->head)
				q->tail = NULL;
			q->queued--;
			pthread_cond_broadcast(&q->cv);
		}
		pthread_mutex_unlock(&q->mu);
		if (!b)
			break;
		if (src) {
			*src = b->src;
			src->sheet = b->src.sheet ? src->sheet_name : NULL;
		}
		for (size_t i = 0; i < b->nrows && !rc; i++) {
			const struct batch_row *br = &b->rows[i];
			struct table_row row = { br->row, br->n, b->v + br->first, b->len + br->first };
			rc = fn(ctx, &row);
		}
		pthread_mutex_lock(&q->mu);
		b->next = q->free;
		q->free = b;
		if (rc)
			q->stop = true;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (rc)
			break;
	}
	pthread_join(th, NULL);
	if (!rc && q->rc) {
		rc = q->rc;
		snprintf(msg, msglen, "%s", q->msg);
	}
	if (src) {
		/* The reader's final view: encoding, sizes, progress at the end. */
		*src = q->psrc;
		src->sheet = q->psrc.sheet ? src->sheet_name : NULL;
	}
	while (q->head) {
		struct batch *b = q->head;
		q->head = b->next;
		batch_free(b);
	}
	while (q->free) {
		struct batch *b = q->free;
		q->free = b->next;
		batch_free(b);
	}
	if (q->cur)
		batch_free(q->cur);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
	return rc;
}

/* ---- cells ---- */

const char *table_cell_dup(struct arena *a, const struct table_row *r, int col)
{
	size_t n;
	const char *s = table_cell(r, col, &n);
	return arena_strndup(a, s, n);
}

bool table_row_blank(const struct table_row *r)
{
	for (size_t c = 0; c < r->n; c++) {
		const char *s = r->v[c];
		if (r->len[c] && str_trim(&s, r->len[c]))
			return false;
	}
	return true;
}

/* ---- finding and naming columns ---- */

static int find(const struct table_row *hdr, const char *const *names, bool prefix)
{
	struct buf cell = BUF_INIT, name = BUF_INIT;
	int found = -1;
	for (size_t i = 0; i < hdr->n && found < 0; i++) {
		str_fold(hdr->v[i], hdr->len[i], &cell);
		if (cell.len == 0)
			continue;
		for (size_t k = 0; names[k] && found < 0; k++) {
			str_fold(names[k], strlen(names[k]), &name);
			if (prefix ? cell.len >= name.len && !memcmp(cell.p, name.p, name.len)
				   : cell.len == name.len && !memcmp(cell.p, name.p, name.len))
				found = (int)i;
		}
	}
	buf_free(&cell);
	buf_free(&name);
	return found;
}

int table_column(const struct table_row *hdr, const char *const *names)
{
	return find(hdr, names, false);
}

int table_column_prefix(const struct table_row *hdr, const char *const *prefixes)
{
	return find(hdr, prefixes, true);
}

void table_colname(const struct table_src *src, int col, const char *header, char *out,
		    size_t n)
{
	char letters[16];
	if (src && src->kind == TABLE_XLSX) {
		diag_colname((unsigned)col, letters);
	} else {
		snprintf(letters, sizeof letters, "%d", col + 1);
	}
	if (header && *header)
		snprintf(out, n, "%s «%s»", letters, header);
	else
		snprintf(out, n, "%s", letters);
}
