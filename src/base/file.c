/* file: fsync of a file and of a directory; a large output past the page cache (file.h). */
#define _GNU_SOURCE
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
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

/* Two buffers: the caller fills one while a thread of the file's own writes the other, so
 * that the caller never waits for the disk unless the disk is the slower of the two (with
 * O_DIRECT a write returns when the disk has the bytes; there is no write-behind). */
struct file_out {
	int fd;
	bool direct; /* O_DIRECT is on: whole blocks from an aligned buffer */
	bool failed; /* an error the caller has been told of: every later call fails */
	int cur;     /* the buffer being filled */
	size_t len;  /* bytes in it */
	char *buf[2]; /* OUT_BUF bytes each, aligned to OUT_BLOCK */
	bool threaded;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu: buf[busy_ix]'s busy_len bytes are being written; the thread's error */
	bool busy, stop;
	int busy_ix;
	size_t busy_len;
	int werr; /* errno of the thread's failed write, 0 when none */
};

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
 * offset left unaligned by a short write: the same bytes are written again without it.
 * Called by the writing thread while busy, by the caller's thread when none is. */
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
			return ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *out_main(void *arg)
{
	struct file_out *f = arg;
	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->busy && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (!f->busy)
			break;
		int ix = f->busy_ix;
		size_t n = f->busy_len;
		pthread_mutex_unlock(&f->mu);
		int rc = f->werr ? 0 : out_put(f, f->buf[ix], n), e = errno;
		pthread_mutex_lock(&f->mu);
		if (rc)
			f->werr = e ? e : EIO;
		f->busy = false;
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Waits until the writing thread is idle: 0, or ERR_IO with errno set when a write of it
 * failed (f->failed from then on). */
static int out_idle(struct file_out *f)
{
	if (!f->threaded)
		return 0;
	pthread_mutex_lock(&f->mu);
	while (f->busy)
		pthread_cond_wait(&f->cv, &f->mu);
	int e = f->werr;
	pthread_mutex_unlock(&f->mu);
	if (!e)
		return 0;
	f->failed = true;
	errno = e;
	return ERR_IO;
}

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
	for (int i = 0; i < 2; i++) {
		void *b = NULL;
		if (posix_memalign(&b, OUT_BLOCK, OUT_BUF))
			abort(); /* as mem.h's wrappers do */
		f->buf[i] = b;
	}
	f->fd = fd;
	f->direct = direct;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->threaded = pthread_create(&f->th, NULL, out_main, f) == 0; /* else: written in turn */
	*out = f;
	return 0;
}

int file_out_direct(const struct file_out *f)
{
	return f->direct;
}

/* Hands the full buffer to the writing thread (or writes it) and starts the other one. */
static int out_flush_full(struct file_out *f)
{
	if (!f->threaded) {
		if (out_put(f, f->buf[f->cur], f->len)) {
			f->failed = true;
			return ERR_IO;
		}
		f->len = 0;
		return 0;
	}
	int rc = out_idle(f);
	if (rc)
		return rc;
	pthread_mutex_lock(&f->mu);
	f->busy_ix = f->cur;
	f->busy_len = f->len;
	f->busy = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	f->cur ^= 1;
	f->len = 0;
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
		memcpy(f->buf[f->cur] + f->len, s, k);
		f->len += k;
		s += k;
		n -= k;
		int rc;
		if (f->len == OUT_BUF && (rc = out_flush_full(f)))
			return rc;
	}
	return 0;
}

int file_out_close(struct file_out *f)
{
	if (!f)
		return 0;
	int rc = ERR_IO, e = EIO;
	if (!f->failed && (rc = out_idle(f)))
		e = errno;
	if (f->threaded) {
		pthread_mutex_lock(&f->mu);
		f->stop = true;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->th, NULL);
	}
	if (!rc && f->len) {
		/* The whole blocks as they are, the last partial one through the cache. */
		const char *b = f->buf[f->cur];
		size_t whole = f->direct ? f->len / OUT_BLOCK * OUT_BLOCK : f->len;
		if ((whole && (rc = out_put(f, b, whole))) ||
		    (whole < f->len &&
		     ((rc = out_buffered(f)) || (rc = out_put(f, b + whole, f->len - whole)))))
			e = errno;
	}
	if (close(f->fd) && !rc) {
		rc = ERR_IO;
		e = errno;
	}
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f->buf[0]);
	free(f->buf[1]);
	free(f);
	if (rc)
		errno = e;
	return rc;
}
