/* init: create an empty database, or bring an existing one to the current schema. */
#include <stdio.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli.h"

int cmd_init(struct cli *c, int argc, char **argv)
{
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, NULL, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos)
		return cli_usage_error(c, "лишний аргумент «%s»", argv[0]);
	bool existed = access(c->db_path, F_OK) == 0;
	struct db *d = NULL;
	int version = 0;
	/* A PostgreSQL database is made by its administrator before init: it existed when it
	 * already held oko's schema. */
	if ((rc = cli_open_db(c, DB_OPEN_CREATE | DB_OPEN_NOMIGRATE, &d)))
		return rc;
	if (db_is_pg(d)) {
		db_schema_version(d, &version);
		existed = version > 0;
	}
	db_close(d);
	d = NULL;
	if ((rc = cli_open_db(c, DB_OPEN_CREATE, &d)))
		return rc;
	db_schema_version(d, &version);
	db_close(d);
	if (existed)
		printf("База данных %s уже существует; версия схемы %d.\n", c->db_path, version);
	else
		printf("Создана база данных %s (версия схемы %d).\n", c->db_path, version);
	return 0;
}
