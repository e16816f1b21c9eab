/* file: making a file's contents and a rename survive a crash (fsync of the file, of its
 * directory). Used wherever a file is written under a temporary name and renamed into place:
 * db/backup.c (backups, restores), io/scan.c (stored scans). And a large output written
 * past the page cache (file_out: the analysis's signs.csv). */
#ifndef OKO_FILE_H
#define OKO_FILE_H

#include <stddef.h>

/* fsync()s the file at path: 0, or ERR_IO with errno set. */
int file_sync(const char *path);
/* fsync()s the directory dir, so that the names created or renamed in it survive a crash:
 * 0, or ERR_IO with errno set. */
int file_sync_dir(const char *dir);
/* file_sync_dir() of the directory holding path. */
int file_sync_dir_of(const char *path);

/* A large output written past the page cache: the bytes go through buffers of whole
 * blocks straight to the disk (O_DIRECT), so writing a file of a gigabyte neither copies it
 * into the kernel's cache nor pushes the database's pages out of it. A thread of the file's
 * own writes one 4 MB buffer while the caller fills the other: the caller waits for the
 * disk only when the disk is the slower. Where the file system refuses O_DIRECT (older
 * tmpfs, some network and FUSE file systems), at the open or at a write, the same bytes go
 * through the cache as usual. The last partial block is written through the cache at
 * file_out_close. Errors are ERR_IO with errno set — a failed write of the thread's at the
 * next handing over of a buffer or at the close; after one, every later call fails too.
 * One caller's thread uses a file_out. */
struct file_out;
/* Creates (truncates) path, mode 0666 less the umask. */
int file_out_open(struct file_out **out, const char *path);
int file_out_write(struct file_out *f, const void *p, size_t n);
/* Writes what is buffered and closes; frees f whatever happens. NULL is a no-op. */
int file_out_close(struct file_out *f);
/* Whether the bytes are going past the cache (for the tests). */
int file_out_direct(const struct file_out *f);

#endif
