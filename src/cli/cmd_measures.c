/* measures: plans of measures from the command line (docs/measures.md). Work in progress. */
#include <stdio.h>

#include "base/err.h"
#include "cli/cli.h"

const char cmd_measures_summary[] = "планы мероприятий: шаблоны, адресная помощь, исполнение";
const char cmd_measures_usage[] = "использование: oko measures (в разработке)";

int cmd_measures(struct cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	fprintf(stderr, "oko measures: в разработке\n");
	return ERR_USAGE;
}
