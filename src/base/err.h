/* err: the error codes every fallible function in oko returns.
 *
 * Functions that can fail return int: 0 on success or one of the negative ERR_* codes.
 * err_str() gives a short Russian description for messages to users. */
#ifndef OKO_ERR_H
#define OKO_ERR_H

#include <stddef.h>

enum {
	ERR_OK = 0,
	ERR_NOMEM = -1,     /* out of memory (normally we abort instead) */
	ERR_IO = -2,        /* a file could not be read or written */
	ERR_PARSE = -3,     /* input is malformed */
	ERR_INVALID = -4,   /* input is well-formed but its values are wrong */
	ERR_NOTFOUND = -5,  /* the named object does not exist */
	ERR_DB = -6,        /* the database reported an error */
	ERR_EXISTS = -7,    /* the object exists already */
	ERR_LIMIT = -8,     /* input exceeds a hard limit (size, rows, columns) */
	ERR_PERM = -9,      /* not allowed */
	ERR_FORMAT = -10,   /* the file is not of a format we can read */
	ERR_ENCODING = -11, /* text is not valid in any supported encoding */
	ERR_USAGE = -12,    /* wrong command-line usage */
	ERR_BUSY = -13,     /* resource busy (database locked) */
	ERR_VERSION = -14,  /* database is newer than this program */
	ERR_CONFIRM = -15,  /* would change stored data that a person must agree to first */
};

/* Short Russian description of an error code; never NULL. */
const char *err_str(int code);
/* Writes a failure's reason (printf's format) into the caller's buffer msg of n bytes, cut
 * to fit; nothing when msg is NULL or n is 0. */
void err_set(char *msg, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
