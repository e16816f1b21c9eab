/* read: the steps every table importer shares (see import.h): reading the whole table,
 * and ending the transaction that stores it. */
#include "import/import.h"

#include "base/err.h"

int import_read_table(const struct table_in *in, table_row_fn fn, void *ctx,
		      struct table_src *src, const char *path, const bool *have_header,
		      struct diag_list *diags)
{
	char msg[512] = "";
	int rc = table_read(in, NULL, fn, ctx, src, msg, sizeof msg);
	if (rc < 0 && *msg)
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "read", "%s", msg);
	if (!rc && !*have_header) {
		diag_add(diags, DIAG_ERROR, path, NULL, 0, NULL, NULL, "empty",
			 "файл пуст: нет ни строки заголовков, ни данных");
		rc = ERR_INVALID;
	}
	if (!rc && diag_errors(diags))
		rc = ERR_INVALID;
	return rc;
}

int import_end_tx(struct db *d, const struct diag_list *diags, bool dry_run, int rc)
{
	if (!rc && diag_errors(diags))
		rc = ERR_INVALID;
	if (!rc && !dry_run && !(rc = db_commit(d)))
		return 0;
	db_rollback(d);
	return rc;
}
