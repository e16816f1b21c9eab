/* spool: an unlinked scratch file with buffered sequential writes and reads. */
/* O_TMPFILE is a Linux extension: without _GNU_SOURCE <fcntl.h> hides it and every spool
 * was a named file for the moment before its unlink (a kill there left it behind). */
#define _GNU_SOURCE
#include "io/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"

#define SPOOL_BUF (1u << 20)

struct spool {
	int fd;
	char *buf;
	size_t len;   /* writing: bytes buffered; reading: bytes in buf */
	size_t pos;   /* reading: next byte of buf */
	uint64_t size;
	int reading;
};

/* An unnamed file in dir: O_TMPFILE, or a named one unlinked at once. */
static int tmp_fd(const char *dir)
{
	if (!dir || !*dir)
		dir = ".";
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -1;
#endif
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/.oko-spool-XXXXXX", dir) >= sizeof path)
		return -1;
	int f = mkstemp(path);
	if (f >= 0)
		unlink(path);
	return f;
}

int spool_open(struct spool **out, const char *dir)
{
	*out = NULL;
	int fd = tmp_fd(dir);
	if (fd < 0)
		return ERR_IO;
	struct spool *s = xcalloc(1, sizeof *s);
	s->fd = fd;
	s->buf = xmalloc(SPOOL_BUF);
	*out = s;
	return 0;
}

void spool_close(struct spool *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s->buf);
	free(s);
}

static int write_all(int fd, const char *p, size_t n)
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

int spool_write(struct spool *s, const void *p, size_t n)
{
	if (s->reading)
		return ERR_INVALID;
	s->size += n;
	if (s->len + n > SPOOL_BUF) {
		if (write_all(s->fd, s->buf, s->len))
			return ERR_IO;
		s->len = 0;
		if (n > SPOOL_BUF)
			return write_all(s->fd, p, n);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

int spool_rewind(struct spool *s)
{
	if (!s->reading && s->len && write_all(s->fd, s->buf, s->len))
		return ERR_IO;
	if (lseek(s->fd, 0, SEEK_SET) != 0)
		return ERR_IO;
	s->reading = 1;
	s->len = s->pos = 0;
	return 0;
}

int spool_read(struct spool *s, void *p, size_t n)
{
	char *out = p;
	size_t got = 0;
	while (got < n) {
		if (s->pos == s->len) {
			ssize_t r = read(s->fd, s->buf, SPOOL_BUF);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return ERR_IO;
			if (r == 0)
				return got == 0 ? 0 : ERR_IO;
			s->len = (size_t)r;
			s->pos = 0;
		}
		size_t k = s->len - s->pos < n - got ? s->len - s->pos : n - got;
		memcpy(out + got, s->buf + s->pos, k);
		s->pos += k;
		got += k;
	}
	return 1;
}

uint64_t spool_size(const struct spool *s)
{
	return s->size;
}
