/* file: fsync of a file and of a directory; a large output past the page cache (file.h). */
#define _GNU_SOURCE
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"

static int sync_open(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return ERR_IO;
	int rc = fsync(fd) ? ERR_IO : 0, e = errno;
	close(fd);
	errno = e;
	return rc;
}

int file_sync(const char *path)
{
	return sync_open(path, 0);
}

int file_sync_dir(const char *dir)
{
	return sync_open(dir, O_DIRECTORY);
}

int file_sync_dir_of(const char *path)
{
	char d[4200];
	if ((size_t)snprintf(d, sizeof d, "%s", path) >= sizeof d) {
		errno = ENAMETOOLONG;
		return ERR_IO;
	}
	return file_sync_dir(dirname(d));
}

/* ---- file_out: a large output past the page cache ---- */

#define OUT_BLOCK 4096u      /* O_DIRECT's alignment of the buffer, the offset and the size */
#define OUT_BUF (4u << 20)   /* a write's size: large enough that the disk streams */

struct file_out {
	int fd;
	bool direct; /* O_DIRECT is on: whole blocks from the aligned buffer */
	bool failed;
	size_t len; /* bytes in buf */
	char *buf;  /* OUT_BUF bytes, aligned to OUT_BLOCK */
};

int file_out_open(struct file_out **out, const char *path)
{
	*out = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0666);
	bool direct = fd >= 0;
	if (fd < 0 && errno == EINVAL) /* the file system does not do O_DIRECT */
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return ERR_IO;
	struct file_out *f = xcalloc(1, sizeof *f);
	void *b = NULL;
	if (posix_memalign(&b, OUT_BLOCK, OUT_BUF))
		abort(); /* as mem.h's wrappers do */
	f->fd = fd;
	f->direct = direct;
	f->buf = b;
	*out = f;
	return 0;
}

int file_out_direct(const struct file_out *f)
{
	return f->direct;
}

/* Drops O_DIRECT: the rest goes through the page cache. */
static int out_buffered(struct file_out *f)
{
	int fl = fcntl(f->fd, F_GETFL);
	if (fl < 0 || fcntl(f->fd, F_SETFL, fl & ~O_DIRECT) < 0)
		return ERR_IO;
	f->direct = false;
	return 0;
}

/* Writes n bytes from p. With O_DIRECT, an EINVAL is the file system refusing it, or an
 * offset left unaligned by a short write: the same bytes are written again without it. */
static int out_put(struct file_out *f, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EINVAL && f->direct && !out_buffered(f))
			continue;
		if (w <= 0) {
			if (!w)
				errno = EIO;
			f->failed = true;
			return ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int file_out_write(struct file_out *f, const void *p, size_t n)
{
	if (f->failed) {
		errno = EIO;
		return ERR_IO;
	}
	const char *s = p;
	while (n) {
		size_t k = OUT_BUF - f->len < n ? OUT_BUF - f->len : n;
		memcpy(f->buf + f->len, s, k);
		f->len += k;
		s += k;
		n -= k;
		if (f->len == OUT_BUF) {
			int rc = out_put(f, f->buf, OUT_BUF);
			if (rc)
				return rc;
			f->len = 0;
		}
	}
	return 0;
}

int file_out_close(struct file_out *f)
{
	if (!f)
		return 0;
	int rc = f->failed ? ERR_IO : 0, e = f->failed ? EIO : 0;
	if (!rc && f->len) {
		/* The whole blocks as they are, the last partial one through the cache. */
		size_t whole = f->direct ? f->len / OUT_BLOCK * OUT_BLOCK : f->len;
		if ((whole && (rc = out_put(f, f->buf, whole))) ||
		    (whole < f->len && ((rc = out_buffered(f)) ||
					(rc = out_put(f, f->buf + whole, f->len - whole)))))
			e = errno;
	}
	if (close(f->fd) && !rc) {
		rc = ERR_IO;
		e = errno;
	}
	free(f->buf);
	free(f);
	errno = e;
	return rc;
}
