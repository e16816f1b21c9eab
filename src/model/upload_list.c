/* upload_list: reading the upload history (upload_list.h). */
#include "base/err.h"
#include "model/upload_list.h"

/* Who uploaded, by the user's name when the login is a user's (as a status note does); the
 * login as stored otherwise (a user deleted since, «oko demo», a script). */
#define UPLOAD_COLS "SELECT u.id, u.created_at, u.file, coalesce(nullif(usr.name, ''), u.user_name), u.layout," \
	" p.code, s.login, us.rows, us.written, us.replaced, s.name FROM upload_school us" \
	" JOIN upload u ON u.id = us.upload_id JOIN procedure p ON p.id = us.procedure_id" \
	" JOIN school s ON s.id = us.school_id LEFT JOIN \"user\" usr ON usr.login = u.user_name"

static int walk(struct db_stmt *s, upload_list_fn fn, void *ctx)
{
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		struct upload_list_row r = {
			db_col_int(s, 0), db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3),
			db_col_text(s, 4), db_col_text(s, 5), db_col_text(s, 6), db_col_int(s, 7),
			db_col_int(s, 8), db_col_int(s, 9), db_col_text(s, 10),
		};
		if ((rc = fn(ctx, &r)))
			break;
	}
	return rc;
}

int upload_list_scope(struct db *d, const struct scope *sc, bool by_school, long limit,
		      upload_list_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, by_school ? UPLOAD_COLS " WHERE " SCOPE_SQL("s")
					       " ORDER BY u.id DESC, s.login LIMIT ?3"
					     /* the newest rows by upload_school's own key, read
					      * backwards until the limit (ORDER BY u.id sorted every
					      * upload of the scope for the home's ten, and left the
					      * rows of one upload in no set order) */
					     : UPLOAD_COLS " WHERE " SCOPE_SQL("s")
					       " ORDER BY us.upload_id DESC, us.procedure_id DESC,"
					       " us.school_id DESC LIMIT ?3");
	if (!rc && !(rc = scope_bind(s, sc)) && !(rc = db_bind_int(s, 3, limit)))
		rc = walk(s, fn, ctx);
	db_finalize(s);
	return rc;
}

int upload_list_school(struct db *d, int64_t school_id, long limit, upload_list_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	/* By the school's own index, not through the scope filter. */
	int rc = db_prepare(d, &s, UPLOAD_COLS " WHERE us.school_id = ? ORDER BY u.id DESC LIMIT ?");
	if (!rc && !(rc = db_bind_int(s, 1, school_id)) && !(rc = db_bind_int(s, 2, limit)))
		rc = walk(s, fn, ctx);
	db_finalize(s);
	return rc;
}
