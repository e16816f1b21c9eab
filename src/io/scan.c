/* scan: scanned works as files outside the database — sniffing, checks, libqpdf page
 * extraction, and the store of files named by random ids (see scan.h). */
#include "io/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <qpdf/qpdf-c.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "base/mem.h"

enum scan_type scan_sniff(const void *data, size_t n)
{
	const unsigned char *p = data;
	if (!p)
		return SCAN_UNKNOWN;
	if (n >= 5 && !memcmp(p, "%PDF-", 5))
		return SCAN_PDF;
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return SCAN_JPEG;
	return SCAN_UNKNOWN;
}

const char *scan_type_id(enum scan_type t)
{
	return t == SCAN_PDF ? "pdf" : t == SCAN_JPEG ? "jpeg" : "";
}

const char *scan_type_mime(enum scan_type t)
{
	return t == SCAN_PDF ? "application/pdf" : t == SCAN_JPEG ? "image/jpeg" : "";
}

enum scan_type scan_type_parse(const char *id)
{
	if (id && !strcmp(id, "pdf"))
		return SCAN_PDF;
	if (id && !strcmp(id, "jpeg"))
		return SCAN_JPEG;
	return SCAN_UNKNOWN;
}

static void say(char *msg, size_t msglen, const char *text)
{
	if (msg && msglen)
		snprintf(msg, msglen, "%s", text);
}

/* ---- PDFs through libqpdf ----
 *
 * Every qpdf call is followed by a look at qpdf_has_error (the C API turns the library's
 * exceptions into an error state; qpdf_silence_errors keeps them off stderr). A school's
 * file may be anything: the reason shown is ours, in Russian, from qpdf's error code —
 * never qpdf's English text, which names offsets and objects nobody can act on. */

static const char *qpdf_reason(qpdf_data q)
{
	qpdf_error e = qpdf_get_error(q);
	switch (e ? qpdf_get_error_code(q, e) : qpdf_e_internal) {
	case qpdf_e_password:
		return "файл защищён паролем — сохраните его без пароля";
	case qpdf_e_damaged_pdf:
		return "файл повреждён или сохранён не полностью";
	case qpdf_e_pages:
		return "в файле повреждён список страниц";
	case qpdf_e_unsupported:
		return "файл использует возможности PDF, которые не поддерживаются";
	case qpdf_e_system:
		return "не хватило памяти или файл не прочитан";
	default:
		return "файл не удалось разобрать";
	}
}

/* Opens data as a PDF in a new qpdf object and counts its pages; msg gets «PDF не
 * открывается: …» on failure. The buffer must outlive the object. */
static int pdf_open(const void *data, size_t n, qpdf_data *out, int *pages, char *msg,
		    size_t msglen)
{
	qpdf_data q = qpdf_init();
	*out = NULL;
	*pages = 0;
	if (!q) {
		say(msg, msglen, "PDF не открывается: не хватило памяти");
		return ERR_NOMEM;
	}
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	int np = -1;
	if (!(qpdf_read_memory(q, "scan", data, (unsigned long long)n, "") & QPDF_ERRORS) &&
	    !qpdf_has_error(q))
		np = qpdf_get_num_pages(q);
	if (np < 0 || qpdf_has_error(q)) {
		if (msg && msglen)
			snprintf(msg, msglen, "PDF не открывается: %s", qpdf_reason(q));
		qpdf_cleanup(&q);
		return ERR_INVALID;
	}
	*out = q;
	*pages = np;
	return 0;
}

int scan_check(const void *data, size_t n, enum scan_type *type, int *pages, char *msg,
	       size_t msglen)
{
	enum scan_type t = scan_sniff(data, n);
	if (type)
		*type = SCAN_UNKNOWN;
	if (pages)
		*pages = 0;
	if (msg && msglen)
		*msg = '\0';
	if (t == SCAN_UNKNOWN) {
		say(msg, msglen, "файл не PDF и не JPEG");
		return ERR_INVALID;
	}
	if (n > SCAN_MAX_BYTES) {
		say(msg, msglen, "файл больше 20 МБ");
		return ERR_INVALID;
	}
	int np = 1;
	if (t == SCAN_PDF) {
		qpdf_data q;
		int rc = pdf_open(data, n, &q, &np, msg, msglen);
		if (rc)
			return rc;
		qpdf_cleanup(&q);
		if (np < 1) {
			say(msg, msglen, "PDF не открывается: в файле нет ни одной страницы");
			return ERR_INVALID;
		}
		if (np > SCAN_MAX_PAGES) {
			if (msg && msglen)
				snprintf(msg, msglen, "в PDF %d страниц, можно не больше %d", np,
					 SCAN_MAX_PAGES);
			return ERR_LIMIT;
		}
	}
	if (type)
		*type = t;
	if (pages)
		*pages = np;
	return 0;
}

int scan_pdf_extract(const void *data, size_t n, int first, int last, void **out,
		     size_t *outn, char *msg, size_t msglen)
{
	qpdf_data q = NULL;
	qpdf_oh *drop = NULL;
	int np = 0, rc;
	*out = NULL;
	*outn = 0;
	if (msg && msglen)
		*msg = '\0';
	if (scan_sniff(data, n) != SCAN_PDF) {
		say(msg, msglen, "файл не PDF");
		return ERR_INVALID;
	}
	if (n > SCAN_MAX_BYTES) {
		say(msg, msglen, "файл больше 20 МБ");
		return ERR_INVALID;
	}
	if ((rc = pdf_open(data, n, &q, &np, msg, msglen)))
		return rc;
	if (first < 1 || last < first || last > np) {
		if (msg && msglen)
			snprintf(msg, msglen, "страниц %d–%d нет в PDF из %d стр.", first, last, np);
		rc = ERR_INVALID;
		goto out;
	}
	/* The handles first, then the removals: removing shifts the indices. */
	size_t ndrop = 0;
	drop = xcalloc((size_t)np, sizeof *drop);
	for (int i = 0; i < np; i++)
		if (i + 1 < first || i + 1 > last)
			drop[ndrop++] = qpdf_get_page_n(q, (size_t)i);
	for (size_t i = 0; i < ndrop && !qpdf_has_error(q); i++)
		if (qpdf_remove_page(q, drop[i]) & QPDF_ERRORS)
			break;
	if (!qpdf_has_error(q) && !(qpdf_init_write_memory(q) & QPDF_ERRORS) && !qpdf_has_error(q))
		qpdf_write(q);
	if (qpdf_has_error(q)) {
		if (msg && msglen)
			snprintf(msg, msglen, "страницы PDF не выделены: %s", qpdf_reason(q));
		rc = ERR_INVALID;
		goto out;
	}
	size_t len = qpdf_get_buffer_length(q);
	const unsigned char *b = qpdf_get_buffer(q);
	if (!b || !len) {
		say(msg, msglen, "страницы PDF не выделены: файл не удалось разобрать");
		rc = ERR_INVALID;
		goto out;
	}
	*out = xmalloc(len);
	memcpy(*out, b, len);
	*outn = len;
	rc = 0;
out:
	free(drop);
	if (q)
		qpdf_cleanup(&q);
	return rc;
}

/* ---- the files ---- */

void scan_dir_of(const char *db_file, char *out, size_t n)
{
	if (n)
		snprintf(out, n, "%s.scans", db_file ? db_file : "");
}

/* Exactly 32 lower-case hex digits: no separators, dots or anything a path could use. */
static bool id_ok(const char *id)
{
	if (!id)
		return false;
	for (int i = 0; i < SCAN_ID_LEN - 1; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return id[SCAN_ID_LEN - 1] == '\0';
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int scan_store(const char *dir, const void *data, size_t n, char id[SCAN_ID_LEN])
{
	unsigned char raw[(SCAN_ID_LEN - 1) / 2];
	char tmp[4096], path[4096];
	int fd = -1, rc = ERR_IO;
	id[0] = '\0';
	if (!dir || !*dir || (n && !data))
		return ERR_INVALID;
	if (n > SCAN_MAX_BYTES)
		return ERR_LIMIT;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return ERR_IO;
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return ERR_IO;
	if (sodium_init() < 0)
		return ERR_IO;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(id, SCAN_ID_LEN, raw, sizeof raw);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.tmp-%s", dir, id) >= sizeof tmp ||
	    (size_t)snprintf(path, sizeof path, "%s/%s", dir, id) >= sizeof path)
		goto fail;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto fail;
	/* 0600 whatever the umask said (it can only have taken bits away, but be plain). */
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, n) || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	file_sync_dir(dir);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	id[0] = '\0';
	return rc;
}

int scan_load(const char *dir, const char *id, void **data, size_t *n)
{
	char path[4096];
	unsigned char *p = NULL;
	int rc, fd;
	*data = NULL;
	*n = 0;
	if (!dir || !id_ok(id))
		return ERR_INVALID;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, id) >= sizeof path)
		return ERR_INVALID;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = ERR_IO;
		goto out;
	}
	if (st.st_size > (off_t)SCAN_MAX_BYTES) {
		rc = ERR_LIMIT;
		goto out;
	}
	/* Read to the end under the cap, whatever the size said a moment ago. */
	size_t cap = (size_t)st.st_size + 1, len = 0;
	p = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > SCAN_MAX_BYTES) {
				rc = ERR_LIMIT;
				goto out;
			}
			cap = cap * 2 > SCAN_MAX_BYTES + 1 ? SCAN_MAX_BYTES + 1 : cap * 2;
			p = xrealloc(p, cap);
		}
		ssize_t r = read(fd, p + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = ERR_IO;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > SCAN_MAX_BYTES) {
		rc = ERR_LIMIT;
		goto out;
	}
	*data = p;
	*n = len;
	p = NULL;
	rc = 0;
out:
	free(p);
	close(fd);
	return rc;
}

int scan_remove(const char *dir, const char *id)
{
	char path[4096];
	if (!dir || !id_ok(id))
		return ERR_INVALID;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, id) >= sizeof path)
		return ERR_INVALID;
	if (unlink(path) != 0 && errno != ENOENT)
		return ERR_IO;
	return 0;
}

/* ---- evidence files ---- */

static bool has_bytes(const unsigned char *p, size_t n, const char *what)
{
	size_t k = strlen(what);
	for (size_t i = 0; i + k <= n; i++)
		if (p[i] == (unsigned char)what[0] && !memcmp(p + i, what, k))
			return true;
	return false;
}

const char *scan_evidence_type(const void *data, size_t n, char *msg, size_t msglen)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
	const unsigned char *p = data;
	if (msg && msglen)
		msg[0] = '\0';
	if (n >= 8 && !memcmp(p, png, 8))
		return "png";
	if (n >= 4 && !memcmp(p, "PK\x03\x04", 4)) {
		if (has_bytes(p, n, "word/document.xml"))
			return "docx";
		if (has_bytes(p, n, "xl/workbook.xml"))
			return "xlsx";
	} else if (scan_sniff(data, n) != SCAN_UNKNOWN) {
		enum scan_type t;
		int pages = 0;
		if (scan_check(data, n, &t, &pages, msg, msglen))
			return NULL;
		return scan_type_id(t);
	}
	if (msg && msglen)
		snprintf(msg, msglen, "файл не PDF, не JPEG, не PNG, не DOCX и не XLSX (тип определяется по "
				      "содержимому, не по имени)");
	return NULL;
}

const char *scan_evidence_mime(const char *t)
{
	return !t ? "application/octet-stream"
	       : !strcmp(t, "pdf") ? "application/pdf" : !strcmp(t, "jpeg") ? "image/jpeg"
	       : !strcmp(t, "png") ? "image/png"
	       : !strcmp(t, "docx") ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	       : !strcmp(t, "xlsx") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				    : "application/octet-stream";
}
