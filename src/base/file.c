/* file: fsync of a file and of a directory (see file.h). */
#define _GNU_SOURCE
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <unistd.h>

#include "base/err.h"

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
