/* spool: a scratch file for data staged between two passes, never left behind.
 *
 * An import validates a whole file before it takes the database's write lock and keeps the
 * validated rows here until the store; the rows of a 5-million-row file would not fit the
 * import's memory budget. The file lives in a directory the caller names (the database's
 * own, never the shared /tmp), is created 0600 and unlinked at once (O_TMPFILE where the
 * file system has it), so a crash leaves nothing on the disk. Writes and reads are
 * buffered; the data are read back once, in the order written. */
#ifndef OKO_SPOOL_H
#define OKO_SPOOL_H

#include <stddef.h>
#include <stdint.h>

struct spool;

/* Creates an empty spool in dir (NULL or "" = the current directory). ERR_IO when the
 * directory is not writable. */
int spool_open(struct spool **out, const char *dir);
void spool_close(struct spool *s);
/* Appends n bytes. ERR_IO when the disk is full. */
int spool_write(struct spool *s, const void *p, size_t n);
/* Ends writing and starts reading from the first byte. */
int spool_rewind(struct spool *s);
/* Reads exactly n bytes: 1 when read, 0 at the end, ERR_IO on a short or failed read. */
int spool_read(struct spool *s, void *p, size_t n);
/* Bytes written so far. */
uint64_t spool_size(const struct spool *s);

#endif
