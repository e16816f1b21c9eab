/* man: the manual page oko(1) in troff, made from the command table (`oko help --man`). */
#ifndef OKO_MAN_H
#define OKO_MAN_H

#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"

/* Writes the page: name, synopsis, description, every command of cmds[0..n) with its
 * one-line summary and its whole usage text, the environment (every OKO_* variable, with
 * its key in oko.conf), files, exit status and examples. version goes into the header. */
void man_write(FILE *f, const struct cli_cmd *cmds, size_t n, const char *version);
/* Writes text as troff input lines: backslashes and hyphens escaped, a line starting with
 * '.' or '\'' protected, an empty line kept as an empty output line. */
void man_text(FILE *f, const char *text);

#endif
