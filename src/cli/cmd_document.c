/* document: official documents filled with real figures (docs/documents.md). Work in progress. */
#include <stdio.h>

#include "base/err.h"
#include "cli/cli.h"

const char cmd_document_summary[] = "официальные документы: приказ, справки, план мероприятий (DOCX, PDF)";
const char cmd_document_usage[] = "использование: oko document (в разработке)";

int cmd_document(struct cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	fprintf(stderr, "oko document: в разработке\n");
	return ERR_USAGE;
}
