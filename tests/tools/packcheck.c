/* packcheck: checks the analysis's copy of the results (model/result_pack.h) against the
 * result table, for the tests of every path that writes results.
 *
 *   OKO_DB=… packcheck
 *
 * For every procedure with results: its blobs must be exactly those made from its rows (a
 * packed procedure), or absent (one listed in result_unpacked). Prints
 * "packs: P packed, U unpacked, 0 differ" and exits 0, or names each procedure whose copy
 * differs and exits 1; exits 3 when the database has no copy to check (none there, not
 * an oko database, or older than migration 024), 2 on any other error. */
#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "model/load.h"
#include "model/result_pack.h"

int main(void)
{
	const char *path = getenv("OKO_DB");
	struct db *d = NULL;
	if (!path) {
		fprintf(stderr, "packcheck: OKO_DB is not set\n");
		return 2;
	}
	if (db_open(&d, path, DB_OPEN_NOMIGRATE)) /* not an oko database (yet): nothing to check */
		return 3;
	int64_t *ids = NULL;
	size_t nids = 0;
	if (result_unpacked(d, &ids, &nids)) {
		db_close(d);
		return 3;
	}
	free(ids);
	struct load_procinfo *pi = NULL;
	size_t np = 0;
	int rc = load_procedures(d, &pi, &np);
	long packed = 0, unpacked = 0, differ = 0;
	for (size_t i = 0; i < np && !rc; i++) {
		bool p = false;
		long bad = 0;
		if ((rc = result_pack_packed(d, pi[i].id, &p)) ||
		    (rc = result_pack_verify(d, pi[i].id, &bad)))
			break;
		packed += p;
		unpacked += !p;
		if (bad) {
			differ++;
			printf("%s: %ld schools differ (%s)\n", pi[i].code, bad,
			       p ? "packed" : "not packed, yet with blobs");
		}
	}
	if (rc)
		fprintf(stderr, "packcheck: error %d: %s\n", rc, db_errmsg(d));
	else
		printf("packs: %ld packed, %ld unpacked, %ld differ\n", packed, unpacked, differ);
	free(pi);
	db_close(d);
	return rc ? 2 : differ ? 1 : 0;
}
