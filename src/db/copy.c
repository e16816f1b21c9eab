/* db/copy: the schema read from either engine's catalog, and a database copied into another
 * (see copy.h). */
#include "db/copy.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "db/pg.h"

/* ---- small helpers ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* qsort() but not on an empty (possibly NULL) array, which it must not be given. */
static void sort(void *base, int n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, (size_t)n, size, cmp);
}

static void push(char ***v, int *n, char *s)
{
	*v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static void free_strs(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Names come from the catalog; the copy writes them into SQL, double-quoted, so only plain
 * identifiers are taken (every oko table and column is one). */
static bool ident_ok(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_') || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static const char *class_name(int cls)
{
	static const char *const names[] = { "integer", "real", "text", "blob" };
	return names[cls];
}

/* SQLite's affinity of a declared type (https://sqlite.org/datatype3.html, 3.1); NUMERIC
 * counts as real (no oko column has it). */
static int sqlite_class(const char *type)
{
	char t[64];
	size_t i = 0;
	for (; type[i] && i < sizeof t - 1; i++)
		t[i] = (char)toupper((unsigned char)type[i]);
	t[i] = 0;
	if (strstr(t, "INT"))
		return DBCOPY_INTEGER;
	if (strstr(t, "CHAR") || strstr(t, "CLOB") || strstr(t, "TEXT"))
		return DBCOPY_TEXT;
	if (!*t || strstr(t, "BLOB"))
		return DBCOPY_BLOB;
	return DBCOPY_REAL;
}

/* The class of a PostgreSQL type as format_type() names it. */
static int pg_class(const char *type)
{
	if (!strcmp(type, "bigint") || !strcmp(type, "integer") || !strcmp(type, "smallint") ||
	    !strcmp(type, "boolean"))
		return DBCOPY_INTEGER;
	if (!strcmp(type, "double precision") || !strcmp(type, "real") || !strncmp(type, "numeric", 7))
		return DBCOPY_REAL;
	if (!strcmp(type, "bytea"))
		return DBCOPY_BLOB;
	return DBCOPY_TEXT;
}

/* A partial index's condition in one spelling for both engines: PostgreSQL gives it back
 * deparsed, "(code IS NOT NULL)", with casts ("'x'::text"); SQLite as the migration wrote
 * it. Lower case outside quotes, casts and parentheses dropped, spaces collapsed: enough to
 * compare, not to run. A construct PostgreSQL rewrites otherwise (IN (…) as = ANY (ARRAY[…]))
 * shows as a difference in `oko db schema` (tests/cli/t_pg.sh) and is taught here. */
static char *norm_where(const char *w)
{
	struct buf b = BUF_INIT;
	bool space = false;
	for (const char *p = w; *p;) {
		if (*p == '\'' || *p == '"') {
			const char *q = p + 1;
			while (*q && *q != *p)
				q++;
			if (*q)
				q++;
			if (space && b.len)
				buf_putc(&b, ' ');
			space = false;
			buf_append(&b, p, (size_t)(q - p));
			p = q;
		} else if (p[0] == ':' && p[1] == ':') {
			p += 2;
			while (isalnum((unsigned char)*p) || *p == '_' || *p == ' ') {
				/* "::character varying", "::double precision": a type of two words */
				if (*p == ' ' && strncmp(p, " varying", 8) && strncmp(p, " precision", 10))
					break;
				p++;
			}
		} else if (isspace((unsigned char)*p) || *p == '(' || *p == ')' || *p == ';') {
			space = true;
			p++;
		} else {
			if (space && b.len)
				buf_putc(&b, ' ');
			space = false;
			buf_putc(&b, tolower((unsigned char)*p));
			p++;
		}
	}
	return b.p ? buf_steal(&b) : xstrdup("");
}

/* The condition of CREATE INDEX … WHERE cond, "" when the statement has none. */
static const char *index_where(const char *sql)
{
	int depth = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p++;
			while (*p && *p != q)
				p++;
			if (!*p)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (!depth && !strncasecmp(p, "WHERE", 5) && p > sql &&
			   isspace((unsigned char)p[-1]) && !isalnum((unsigned char)p[5]) && p[5] != '_') {
			return p + 5;
		}
	}
	return "";
}

static const char *action_pg(const char *c)
{
	switch (*c) {
	case 'r': return "restrict";
	case 'c': return "cascade";
	case 'n': return "set null";
	case 'd': return "set default";
	default: return "no action";
	}
}

static char *lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

static char *fk_text(const char *table, const char *cols, const char *parent,
		     const char *pcols, const char *on_delete, const char *on_update)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "fk\t%s\t%s\t%s(%s)\ton delete %s\ton update %s", table, cols, parent, pcols,
		   on_delete, on_update);
	return buf_steal(&b);
}

/* ---- the schema: SQLite ---- */

static struct dbcopy_table *find_table(const struct dbcopy_schema *s, const char *name)
{
	for (int i = 0; i < s->ntables; i++)
		if (!strcmp(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

static void add_parent(struct dbcopy_table *t, const char *parent)
{
	if (!strcmp(parent, t->name))
		return;
	for (int i = 0; i < t->nparents; i++)
		if (!strcmp(t->parents[i], parent))
			return;
	push(&t->parents, &t->nparents, xstrdup(parent));
}

/* The primary key columns of a SQLite table, in key order, joined by ", ". */
static char *sqlite_pk_cols(struct db *d, const char *table)
{
	struct db_stmt *s = NULL;
	struct buf b = BUF_INIT;
	if (db_prepare(d, &s, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk"))
		return xstrdup("");
	db_bind_text(s, 1, table, -1);
	while (db_step(s) == DB_ROW)
		buf_printf(&b, "%s%s", b.len ? ", " : "", db_col_text(s, 0));
	db_finalize(s);
	return b.p ? buf_steal(&b) : xstrdup("");
}

static int sqlite_table(struct db *d, struct dbcopy_table *t)
{
	struct db_stmt *s = NULL, *c = NULL;
	int rc = db_prepare(d, &s, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)"
				   " ORDER BY cid");
	if (rc)
		goto out;
	db_bind_text(s, 1, t->name, -1);
	while ((rc = db_step(s)) == DB_ROW) {
		t->cols = xrealloc(t->cols, (size_t)(t->ncols + 1) * sizeof *t->cols);
		struct dbcopy_column *col = &t->cols[t->ncols++];
		col->name = xstrdup(db_col_text(s, 0));
		col->cls = sqlite_class(db_col_text(s, 1));
		col->pk = (int)db_col_int(s, 3);
		col->notnull = db_col_int(s, 2) != 0 || col->pk > 0;
		col->identity = false;
	}
	if (rc < 0)
		goto out;
	db_finalize(s);
	s = NULL;

	/* Indexes other than the primary key's, described by their content. */
	if ((rc = db_prepare(d, &s, "SELECT l.name, l.\"unique\", coalesce(m.sql, '')"
				    " FROM pragma_index_list(?1) l LEFT JOIN sqlite_master m"
				    " ON m.type = 'index' AND m.name = l.name"
				    " WHERE l.origin <> 'pk' ORDER BY l.name")))
		goto out;
	if ((rc = db_prepare(d, &c, "SELECT coalesce(name, '(expr)'), \"desc\" FROM"
				    " pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno")))
		goto out;
	db_bind_text(s, 1, t->name, -1);
	while ((rc = db_step(s)) == DB_ROW) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "index\t%s\t", t->name);
		db_reset(c);
		db_bind_text(c, 1, db_col_text(s, 0), -1);
		int k = 0;
		while (db_step(c) == DB_ROW)
			buf_printf(&b, "%s%s%s", k++ ? ", " : "", db_col_text(c, 0),
				   db_col_int(c, 1) ? " desc" : "");
		if (db_col_int(s, 1))
			buf_puts(&b, "\tunique");
		char *w = norm_where(index_where(db_col_text(s, 2)));
		if (*w)
			buf_printf(&b, "\twhere %s", w);
		free(w);
		push(&t->indexes, &t->nindexes, buf_steal(&b));
	}
	if (rc < 0)
		goto out;
	db_finalize(s);
	s = NULL;

	/* Foreign keys: one per id, its columns in seq order. */
	if ((rc = db_prepare(d, &s, "SELECT id, \"table\", \"from\", coalesce(\"to\", ''),"
				    " on_delete, on_update FROM pragma_foreign_key_list(?)"
				    " ORDER BY id, seq")))
		goto out;
	db_bind_text(s, 1, t->name, -1);
	struct buf cols = BUF_INIT, pcols = BUF_INIT;
	char *parent = NULL, *del = NULL, *upd = NULL;
	int64_t id = -1;
	bool implicit = false;
	for (;;) {
		rc = db_step(s);
		if (rc < 0)
			break;
		if (id >= 0 && (rc == DB_DONE || db_col_int(s, 0) != id)) {
			char *pk = implicit ? sqlite_pk_cols(d, parent) : NULL;
			push(&t->fkeys, &t->nfkeys,
			     fk_text(t->name, buf_str(&cols), parent, pk ? pk : buf_str(&pcols), del, upd));
			free(pk);
			add_parent(t, parent);
			free(parent);
			free(del);
			free(upd);
			parent = del = upd = NULL;
			buf_reset(&cols);
			buf_reset(&pcols);
			implicit = false;
		}
		if (rc == DB_DONE)
			break;
		if (!parent) {
			id = db_col_int(s, 0);
			parent = xstrdup(db_col_text(s, 1));
			del = lower_dup(db_col_text(s, 4));
			upd = lower_dup(db_col_text(s, 5));
		}
		buf_printf(&cols, "%s%s", cols.len ? ", " : "", db_col_text(s, 2));
		if (!*db_col_text(s, 3))
			implicit = true;
		buf_printf(&pcols, "%s%s", pcols.len ? ", " : "", db_col_text(s, 3));
	}
	free(parent);
	free(del);
	free(upd);
	buf_free(&cols);
	buf_free(&pcols);
	if (rc < 0)
		goto out;
	rc = 0;
out:
	db_finalize(s);
	db_finalize(c);
	return rc;
}

static int sqlite_schema(struct db *d, struct dbcopy_schema *out)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view')"
				   " AND name NOT LIKE 'sqlite%' ORDER BY name");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!strcmp(db_col_text(s, 0), "view")) {
			push(&out->views, &out->nviews, xstrdup(db_col_text(s, 1)));
			continue;
		}
		out->tables = xrealloc(out->tables, (size_t)(out->ntables + 1) * sizeof *out->tables);
		struct dbcopy_table *t = &out->tables[out->ntables++];
		memset(t, 0, sizeof *t);
		t->name = xstrdup(db_col_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	for (int i = 0; i < out->ntables; i++)
		if ((rc = sqlite_table(d, &out->tables[i])))
			return rc;
	return 0;
}

/* ---- the schema: PostgreSQL ---- */

static int pg_table(struct db *d, struct dbcopy_table *t, int64_t oid)
{
	struct db_stmt *s = NULL, *c = NULL;
	int rc = db_prepare(d, &s, "SELECT a.attname, format_type(a.atttypid, a.atttypmod),"
				   " a.attnotnull, a.attidentity <> '',"
				   " coalesce((SELECT k.n FROM pg_index i, unnest(i.indkey::int2[])"
				   " WITH ORDINALITY AS k(att, n) WHERE i.indrelid = a.attrelid AND"
				   " i.indisprimary AND k.att = a.attnum), 0)"
				   " FROM pg_attribute a WHERE a.attrelid = ? AND a.attnum > 0 AND"
				   " NOT a.attisdropped ORDER BY a.attnum");
	if (rc)
		goto out;
	db_bind_int(s, 1, oid);
	while ((rc = db_step(s)) == DB_ROW) {
		t->cols = xrealloc(t->cols, (size_t)(t->ncols + 1) * sizeof *t->cols);
		struct dbcopy_column *col = &t->cols[t->ncols++];
		col->name = xstrdup(db_col_text(s, 0));
		col->cls = pg_class(db_col_text(s, 1));
		col->pk = (int)db_col_int(s, 4);
		col->notnull = db_col_int(s, 2) != 0 || col->pk > 0;
		col->identity = db_col_int(s, 3) != 0;
	}
	if (rc < 0)
		goto out;
	db_finalize(s);
	s = NULL;

	if ((rc = db_prepare(d, &s, "SELECT i.indexrelid, i.indisunique,"
				    " coalesce(pg_get_expr(i.indpred, i.indrelid), '')"
				    " FROM pg_index i WHERE i.indrelid = ? AND NOT i.indisprimary"
				    " ORDER BY i.indexrelid")))
		goto out;
	if ((rc = db_prepare(d, &c, "SELECT coalesce(a.attname, '(expr)'),"
				    " (i.indoption::int2[])[(k.n - 1)::int] & 1"
				    " FROM pg_index i CROSS JOIN unnest(i.indkey::int2[])"
				    " WITH ORDINALITY AS k(att, n) LEFT JOIN pg_attribute a"
				    " ON a.attrelid = i.indrelid AND a.attnum = k.att"
				    " WHERE i.indexrelid = ? AND k.n <= i.indnkeyatts ORDER BY k.n")))
		goto out;
	db_bind_int(s, 1, oid);
	while ((rc = db_step(s)) == DB_ROW) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "index\t%s\t", t->name);
		db_reset(c);
		db_bind_int(c, 1, db_col_int(s, 0));
		int k = 0;
		while (db_step(c) == DB_ROW)
			buf_printf(&b, "%s%s%s", k++ ? ", " : "", db_col_text(c, 0),
				   db_col_int(c, 1) ? " desc" : "");
		if (db_col_int(s, 1))
			buf_puts(&b, "\tunique");
		char *w = norm_where(db_col_text(s, 2));
		if (*w)
			buf_printf(&b, "\twhere %s", w);
		free(w);
		push(&t->indexes, &t->nindexes, buf_steal(&b));
	}
	if (rc < 0)
		goto out;
	db_finalize(s);
	s = NULL;

	if ((rc = db_prepare(d, &s, "SELECT pc.relname,"
				    " (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(con.conkey)"
				    " WITH ORDINALITY AS k(att, n) JOIN pg_attribute a"
				    " ON a.attrelid = con.conrelid AND a.attnum = k.att),"
				    " (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(con.confkey)"
				    " WITH ORDINALITY AS k(att, n) JOIN pg_attribute a"
				    " ON a.attrelid = con.confrelid AND a.attnum = k.att),"
				    " con.confdeltype, con.confupdtype"
				    " FROM pg_constraint con JOIN pg_class pc ON pc.oid = con.confrelid"
				    " WHERE con.conrelid = ? AND con.contype = 'f' ORDER BY con.conname")))
		goto out;
	db_bind_int(s, 1, oid);
	while ((rc = db_step(s)) == DB_ROW) {
		push(&t->fkeys, &t->nfkeys,
		     fk_text(t->name, db_col_text(s, 1), db_col_text(s, 0), db_col_text(s, 2),
			     action_pg(db_col_text(s, 3)), action_pg(db_col_text(s, 4))));
		add_parent(t, db_col_text(s, 0));
	}
	if (rc < 0)
		goto out;
	rc = 0;
out:
	db_finalize(s);
	db_finalize(c);
	return rc;
}

static int pg_schema(struct db *d, struct dbcopy_schema *out)
{
	struct db_stmt *s = NULL;
	int64_t *oids = NULL;
	/* Tables of the current schema (partitions of a partitioned table are its storage, not
	 * tables of their own); oko_schema holds the version, said on the first line. */
	int rc = db_prepare(d, &s, "SELECT c.oid, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n"
				   " ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND"
				   " c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition AND"
				   " c.relname <> 'oko_schema' ORDER BY c.relname");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *kind = db_col_text(s, 2);
		if (*kind == 'v' || *kind == 'm') {
			push(&out->views, &out->nviews, xstrdup(db_col_text(s, 1)));
			continue;
		}
		out->tables = xrealloc(out->tables, (size_t)(out->ntables + 1) * sizeof *out->tables);
		oids = xrealloc(oids, (size_t)(out->ntables + 1) * sizeof *oids);
		struct dbcopy_table *t = &out->tables[out->ntables];
		memset(t, 0, sizeof *t);
		t->name = xstrdup(db_col_text(s, 1));
		oids[out->ntables++] = db_col_int(s, 0);
	}
	db_finalize(s);
	if (rc < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < out->ntables && !rc; i++)
		rc = pg_table(d, &out->tables[i], oids[i]);
out:
	free(oids);
	return rc;
}

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const struct dbcopy_table *)a)->name, ((const struct dbcopy_table *)b)->name);
}

int dbcopy_schema_read(struct db *d, struct dbcopy_schema *out)
{
	memset(out, 0, sizeof *out);
	int rc = db_schema_version(d, &out->version);
	if (!rc)
		rc = db_is_pg(d) ? pg_schema(d, out) : sqlite_schema(d, out);
	if (rc) {
		dbcopy_schema_free(out);
		return rc;
	}
	sort(out->tables, out->ntables, sizeof *out->tables, cmp_table);
	for (int i = 0; i < out->ntables; i++) {
		struct dbcopy_table *t = &out->tables[i];
		sort(t->indexes, t->nindexes, sizeof *t->indexes, cmp_str);
		sort(t->fkeys, t->nfkeys, sizeof *t->fkeys, cmp_str);
	}
	sort(out->views, out->nviews, sizeof *out->views, cmp_str);
	return 0;
}

void dbcopy_schema_free(struct dbcopy_schema *s)
{
	for (int i = 0; i < s->ntables; i++) {
		struct dbcopy_table *t = &s->tables[i];
		free(t->name);
		for (int j = 0; j < t->ncols; j++)
			free(t->cols[j].name);
		free(t->cols);
		free_strs(t->indexes, t->nindexes);
		free_strs(t->fkeys, t->nfkeys);
		free_strs(t->parents, t->nparents);
	}
	free(s->tables);
	free_strs(s->views, s->nviews);
	memset(s, 0, sizeof *s);
}

char *dbcopy_schema_text(const struct dbcopy_schema *s)
{
	struct buf out = BUF_INIT;
	char **lines = NULL;
	int n = 0;
	buf_printf(&out, "version\t%d\n", s->version);
	for (int i = 0; i < s->ntables; i++) {
		const struct dbcopy_table *t = &s->tables[i];
		for (int j = 0; j < t->ncols; j++) {
			const struct dbcopy_column *c = &t->cols[j];
			struct buf b = BUF_INIT;
			buf_printf(&b, "column\t%s\t%s\t%s\t%s", t->name, c->name, class_name(c->cls),
				   c->notnull ? "not null" : "null");
			if (c->pk)
				buf_printf(&b, "\tpk %d", c->pk);
			push(&lines, &n, buf_steal(&b));
		}
	}
	/* Each kind sorted on its own: columns, then indexes, foreign keys, views. */
	for (int kind = 0; kind < 4; kind++) {
		if (kind) {
			free_strs(lines, n);
			lines = NULL;
			n = 0;
		}
		for (int i = 0; kind && kind < 3 && i < s->ntables; i++) {
			const struct dbcopy_table *t = &s->tables[i];
			for (int j = 0; kind == 1 && j < t->nindexes; j++)
				push(&lines, &n, xstrdup(t->indexes[j]));
			for (int j = 0; kind == 2 && j < t->nfkeys; j++)
				push(&lines, &n, xstrdup(t->fkeys[j]));
		}
		for (int i = 0; kind == 3 && i < s->nviews; i++) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "view\t%s", s->views[i]);
			push(&lines, &n, buf_steal(&b));
		}
		sort(lines, n, sizeof *lines, cmp_str);
		for (int i = 0; i < n; i++)
			buf_printf(&out, "%s\n", lines[i]);
	}
	free_strs(lines, n);
	return buf_steal(&out);
}

/* ---- rows ---- */

/* "SELECT "a", "b" FROM "t"" with the primary key as the order (all columns without one). */
static char *select_sql(const struct dbcopy_table *t)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "SELECT ");
	for (int i = 0; i < t->ncols; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	buf_printf(&b, " FROM \"%s\" ORDER BY ", t->name);
	int k = 0;
	for (int pos = 1; pos <= t->ncols; pos++)
		for (int i = 0; i < t->ncols; i++)
			if (t->cols[i].pk == pos)
				buf_printf(&b, "%s\"%s\"", k++ ? ", " : "", t->cols[i].name);
	for (int i = 0; !k && i < t->ncols; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	return buf_steal(&b);
}

static int count_rows(struct db *d, const char *table, int64_t *n)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	return db_query_int(d, sql, 0, n);
}

/* One row as text, each value tagged by its class (for comparing a few rows). */
static char *row_text(struct db_stmt *s, const struct dbcopy_table *t)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			buf_putc(&b, '\x1f');
		if (db_col_null(s, i)) {
			buf_puts(&b, "N");
			continue;
		}
		switch (t->cols[i].cls) {
		case DBCOPY_INTEGER:
			buf_printf(&b, "i%lld", (long long)db_col_int(s, i));
			break;
		case DBCOPY_REAL:
			buf_printf(&b, "r%.17g", db_col_double(s, i));
			break;
		case DBCOPY_TEXT:
			buf_printf(&b, "t%s", db_col_text(s, i));
			break;
		default: {
			size_t n = 0;
			const unsigned char *p = db_col_blob(s, i, &n);
			buf_putc(&b, 'b');
			for (size_t j = 0; j < n; j++)
				buf_printf(&b, "%02x", p[j]);
		}
		}
	}
	return b.p ? buf_steal(&b) : xstrdup("");
}

/* Every row of the table as text, sorted. */
static int rows_of(struct db *d, const struct dbcopy_table *t, char ***rows, int *n)
{
	char *sql = select_sql(t);
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, sql);
	free(sql);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		push(rows, n, row_text(s, t));
	db_finalize(s);
	if (rc < 0)
		return rc;
	sort(*rows, *n, sizeof **rows, cmp_str);
	return 0;
}

/* 0 when every table of d holds no more than a fresh database holds (the rows migrations
 * put in, e.g. the kinds of violations), ERR_EXISTS with the first table that holds more.
 * *seeded counts the tables with such rows. */
static int holds_data(struct db *d, const struct dbcopy_schema *ds, int *seeded, char *msg,
		      size_t m)
{
	struct db *ref = NULL;
	struct dbcopy_schema rs = { 0 };
	int rc;
	*seeded = 0;
	for (int i = 0; i < ds->ntables; i++) {
		const struct dbcopy_table *t = &ds->tables[i];
		int64_t n = 0, rn = 0;
		if (!ident_ok(t->name)) {
			err_set(msg, m, "в ней есть таблица с необычным именем «%s»", t->name);
			rc = ERR_EXISTS;
			goto out;
		}
		if ((rc = count_rows(d, t->name, &n))) {
			err_set(msg, m, "не удалось прочитать таблицу %s: %s", t->name, db_errmsg(d));
			goto out;
		}
		if (!n)
			continue;
		if (!ref) {
			if ((rc = db_open(&ref, ":memory:", DB_OPEN_CREATE)) ||
			    (rc = dbcopy_schema_read(ref, &rs))) {
				err_set(msg, m, "не удалось создать образец пустой базы");
				goto out;
			}
		}
		const struct dbcopy_table *rt = find_table(&rs, t->name);
		bool same = rt && !count_rows(ref, t->name, &rn) && rn == n;
		if (same) {
			char **a = NULL, **b = NULL;
			int na = 0, nb = 0;
			/* Compared by the target's columns, which the fresh database also has. */
			for (int j = 0; j < t->ncols && same; j++) {
				same = false;
				for (int k = 0; k < rt->ncols; k++)
					same |= !strcmp(rt->cols[k].name, t->cols[j].name);
			}
			if (same && (rc = rows_of(d, t, &a, &na)) == 0 && (rc = rows_of(ref, t, &b, &nb)) == 0) {
				same = na == nb;
				for (int j = 0; same && j < na; j++)
					same = !strcmp(a[j], b[j]);
			}
			free_strs(a, na);
			free_strs(b, nb);
			if (rc) {
				err_set(msg, m, "не удалось прочитать таблицу %s: %s", t->name, db_errmsg(d));
				goto out;
			}
		}
		if (!same) {
			err_set(msg, m, "в ней уже есть данные oko (таблица %s: строк %lld)", t->name,
				(long long)n);
			rc = ERR_EXISTS;
			goto out;
		}
		(*seeded)++;
	}
	rc = 0;
out:
	dbcopy_schema_free(&rs);
	db_close(ref);
	return rc;
}

int dbcopy_holds_data(struct db *d, char *msg, size_t n)
{
	struct dbcopy_schema s = { 0 };
	int seeded = 0;
	int rc = dbcopy_schema_read(d, &s);
	if (rc)
		err_set(msg, n, "не удалось прочитать схему: %s", db_errmsg(d));
	else
		rc = holds_data(d, &s, &seeded, msg, n);
	dbcopy_schema_free(&s);
	return rc;
}

/* ---- the target ---- */

static const char *strip_sqlite(const char *url)
{
	return strncmp(url, "sqlite:", 7) ? url : url + 7;
}

/* "scheme://…" that names neither PostgreSQL nor a file. */
static bool unknown_scheme(const char *url)
{
	const char *p = url;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return p > url && !strncmp(p, "://", 3) && !pg_is_url(url);
}

void dbcopy_remove_sqlite(const char *url)
{
	const char *path = strip_sqlite(url);
	static const char *const tail[] = { "", "-wal", "-shm", "-journal" };
	char f[4096];
	for (size_t i = 0; i < sizeof tail / sizeof *tail; i++) {
		snprintf(f, sizeof f, "%s%s", path, tail[i]);
		unlink(f);
	}
}

int dbcopy_open_target(const char *url, struct db **out, bool *created, char *msg, size_t n)
{
	*out = NULL;
	*created = false;
	const char *path = strip_sqlite(url);
	struct db *probe = NULL;
	struct dbcopy_schema s = { 0 };
	int rc = 0;
	if (unknown_scheme(path)) {
		err_set(msg, n, "неизвестный вид адреса базы данных «%s»: укажите файл SQLite, sqlite:ФАЙЛ или "
				"postgresql://…", url);
		return ERR_USAGE;
	}
	if (!pg_is_url(path)) {
		struct stat st;
		if (stat(path, &st) != 0) {
			if (errno != ENOENT) {
				err_set(msg, n, "файл %s недоступен: %s", path, strerror(errno));
				return ERR_IO;
			}
			*created = true;
		} else if (!S_ISREG(st.st_mode)) {
			err_set(msg, n, "%s — не файл базы данных", path);
			return ERR_INVALID;
		} else if (st.st_size > 0 &&
			   (rc = db_open(&probe, path, DB_OPEN_READONLY | DB_OPEN_NOMIGRATE))) {
			err_set(msg, n, "файл %s не удалось открыть как базу данных SQLite", path);
			return rc;
		}
	} else if ((rc = db_open(&probe, path, DB_OPEN_NOMIGRATE))) {
		err_set(msg, n, "не удалось открыть базу %s (причина выше)", url);
		return rc;
	}
	if (probe) {
		/* Checked before db_open() migrates anything. */
		int seeded = 0;
		if ((rc = dbcopy_schema_read(probe, &s))) {
			err_set(msg, n, "не удалось прочитать схему базы %s: %s", url, db_errmsg(probe));
			goto out;
		}
		if (s.version == 0 && (s.ntables || s.nviews)) {
			err_set(msg, n, "в базе %s есть таблицы, но это не база oko (например, %s): копирую только "
					"в пустую базу", url, s.ntables ? s.tables[0].name : s.views[0]);
			rc = ERR_EXISTS;
			goto out;
		}
		char why[400];
		if (s.version > 0 && (rc = holds_data(probe, &s, &seeded, why, sizeof why))) {
			err_set(msg, n, "база %s не пуста: %s; копирую только в пустую базу или новый файл, "
					"ничего не перезаписывая", url, why);
			goto out;
		}
		db_close(probe);
		probe = NULL;
	}
	if ((rc = db_open(out, path, DB_OPEN_CREATE))) {
		err_set(msg, n, "не удалось создать базу %s (причина выше)", url);
		if (*created)
			dbcopy_remove_sqlite(path);
		*created = false;
	}
out:
	dbcopy_schema_free(&s);
	db_close(probe);
	return rc;
}

/* ---- the copy ---- */

/* Where a table's rows go: COPY on PostgreSQL (db_copy), on SQLite one INSERT whose values
 * are bound by type (db_copy on SQLite binds a real only as text). */
struct sink {
	struct db *d;
	struct db_copy *copy;
	struct db_stmt *ins;
	int col;
	int rc;
};

static int sink_open(struct sink *k, struct db *d, const struct dbcopy_table *t)
{
	memset(k, 0, sizeof *k);
	k->d = d;
	struct buf cols = BUF_INIT, table = BUF_INIT;
	for (int i = 0; i < t->ncols; i++)
		buf_printf(&cols, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	buf_printf(&table, "\"%s\"", t->name);
	int rc;
	if (db_is_pg(d)) {
		rc = db_copy_open(d, &k->copy, buf_str(&table), buf_str(&cols), t->ncols);
	} else {
		struct buf sql = BUF_INIT;
		buf_printf(&sql, "INSERT INTO %s (%s) VALUES (", buf_str(&table), buf_str(&cols));
		for (int i = 0; i < t->ncols; i++)
			buf_puts(&sql, i ? ", ?" : "?");
		buf_putc(&sql, ')');
		rc = db_prepare(d, &k->ins, buf_str(&sql));
		buf_free(&sql);
	}
	buf_free(&cols);
	buf_free(&table);
	return rc;
}

static void sink_value(struct sink *k, struct db_stmt *s, int i, int cls)
{
	if (k->rc)
		return;
	int col = ++k->col;
	if (db_col_null(s, i)) {
		k->rc = k->copy ? db_copy_null(k->copy) : db_bind_null(k->ins, col);
		return;
	}
	switch (cls) {
	case DBCOPY_INTEGER: {
		int64_t v = db_col_int(s, i);
		k->rc = k->copy ? db_copy_int(k->copy, v) : db_bind_int(k->ins, col, v);
		break;
	}
	case DBCOPY_REAL: {
		double v = db_col_double(s, i);
		if (k->copy) {
			char num[32];
			snprintf(num, sizeof num, "%.17g", v); /* read back to the same bits */
			k->rc = db_copy_text(k->copy, num);
		} else {
			k->rc = db_bind_double(k->ins, col, v);
		}
		break;
	}
	case DBCOPY_TEXT: {
		const char *v = db_col_text(s, i);
		k->rc = k->copy ? db_copy_text(k->copy, v) : db_bind_text_ref(k->ins, col, v, -1);
		break;
	}
	default: {
		size_t n = 0;
		const void *v = db_col_blob(s, i, &n);
		if (!v)
			v = ""; /* an empty blob, not NULL */
		/* Bound by copy: PostgreSQL's driver decodes one bytea at a time (the row's next
		 * blob would free this one). */
		k->rc = k->copy ? db_copy_blob(k->copy, v, n) : db_bind_blob(k->ins, col, v, n);
	}
	}
}

static int sink_row(struct sink *k)
{
	k->col = 0;
	if (k->rc)
		return k->rc;
	if (k->copy)
		return k->rc = db_copy_row(k->copy);
	int rc = db_step(k->ins);
	db_reset(k->ins);
	return k->rc = rc < 0 ? rc : 0;
}

static int sink_close(struct sink *k)
{
	int rc = k->rc;
	if (k->copy) {
		int e = db_copy_close(k->copy);
		if (!rc)
			rc = e;
	}
	db_finalize(k->ins);
	k->copy = NULL;
	k->ins = NULL;
	return rc;
}

/* SQLite keeps any value in any column; a value of another class than the column's would
 * not survive the copy (PostgreSQL refuses it, or it would be read as 0): refused first. */
static int sqlite_types_ok(struct db *d, const struct dbcopy_table *t, char *msg, size_t m)
{
	static const char *const allowed[] = {
		[DBCOPY_INTEGER] = "'integer'", [DBCOPY_REAL] = "'real', 'integer'",
		[DBCOPY_TEXT] = "'text'", [DBCOPY_BLOB] = "'blob'",
	};
	for (int i = 0; i < t->ncols; i++) {
		char sql[256];
		int64_t bad = 0;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE typeof(\"%s\") NOT IN ('null', %s)",
			 t->name, t->cols[i].name, allowed[t->cols[i].cls]);
		int rc = db_query_int(d, sql, 0, &bad);
		if (rc) {
			err_set(msg, m, "не удалось прочитать таблицу %s: %s", t->name, db_errmsg(d));
			return rc;
		}
		if (bad) {
			err_set(msg, m, "в таблице %s столбец %s (%s) хранит значения другого типа (строк: %lld): "
					"такие значения не перенести без потерь",
				t->name, t->cols[i].name, class_name(t->cols[i].cls), (long long)bad);
			return ERR_INVALID;
		}
	}
	return 0;
}

static int copy_table(struct db *src, struct db *dst, const struct dbcopy_table *t, int64_t *rows,
		      char *msg, size_t m)
{
	struct sink k;
	struct db_stmt *s = NULL;
	int64_t nsrc = 0, ndst = 0, n = 0;
	char *sql = NULL;
	int rc;
	if (!db_is_pg(src) && (rc = sqlite_types_ok(src, t, msg, m)))
		return rc;
	if ((rc = count_rows(src, t->name, &nsrc))) {
		err_set(msg, m, "не удалось прочитать таблицу %s: %s", t->name, db_errmsg(src));
		return rc;
	}
	if ((rc = sink_open(&k, dst, t))) {
		err_set(msg, m, "таблица %s: не удалось начать запись: %s", t->name, db_errmsg(dst));
		return rc;
	}
	sql = select_sql(t);
	if ((rc = db_prepare(src, &s, sql))) {
		err_set(msg, m, "не удалось прочитать таблицу %s: %s", t->name, db_errmsg(src));
		sink_close(&k);
		goto out;
	}
	db_stream(s);
	while ((rc = db_step(s)) == DB_ROW) {
		for (int i = 0; i < t->ncols; i++)
			sink_value(&k, s, i, t->cols[i].cls);
		if (sink_row(&k))
			break;
		n++;
	}
	if (rc < 0) {
		err_set(msg, m, "не удалось прочитать таблицу %s: %s", t->name, db_errmsg(src));
		sink_close(&k);
		goto out;
	}
	db_finalize(s);
	s = NULL;
	if ((rc = sink_close(&k))) {
		err_set(msg, m, "таблица %s: строка не записана: %s", t->name, db_errmsg(dst));
		goto out;
	}
	if ((rc = count_rows(dst, t->name, &ndst))) {
		err_set(msg, m, "таблица %s: не удалось пересчитать строки копии: %s", t->name, db_errmsg(dst));
		goto out;
	}
	if (n != nsrc || ndst != nsrc) {
		err_set(msg, m, "таблица %s: строк в источнике %lld, прочитано %lld, в копии %lld", t->name,
			(long long)nsrc, (long long)n, (long long)ndst);
		rc = ERR_INVALID;
		goto out;
	}
	*rows = n;
out:
	db_finalize(s);
	free(sql);
	return rc;
}

/* Parents before children (Kahn's algorithm, ties by name); a cycle, which oko's schema
 * does not have, goes last in name order (the bulk transaction checks references at the end
 * anyway). order[] gets indexes into s->tables. */
static void copy_order(const struct dbcopy_schema *s, int *order)
{
	bool *done = xcalloc((size_t)s->ntables + 1, sizeof *done);
	int k = 0;
	for (bool progress = true; progress;) {
		progress = false;
		for (int i = 0; i < s->ntables; i++) {
			if (done[i])
				continue;
			bool ready = true;
			const struct dbcopy_table *t = &s->tables[i];
			for (int j = 0; j < t->nparents && ready; j++)
				for (int p = 0; p < s->ntables; p++)
					if (!done[p] && !strcmp(s->tables[p].name, t->parents[j]))
						ready = false;
			if (ready) {
				done[i] = true;
				order[k++] = i;
				progress = true;
				break; /* from the start again: the first ready table by name */
			}
		}
	}
	for (int i = 0; i < s->ntables; i++)
		if (!done[i])
			order[k++] = i;
	free(done);
}

/* Both schemas have the same tables with the same columns of the same classes. */
static int same_tables(const struct dbcopy_schema *a, const struct dbcopy_schema *b, char *msg,
		       size_t m)
{
	if (a->version != b->version) {
		err_set(msg, m, "версии схемы различаются: источник %d, копия %d", a->version, b->version);
		return ERR_VERSION;
	}
	for (int i = 0; i < a->ntables || i < b->ntables; i++) {
		const struct dbcopy_table *t = i < a->ntables ? &a->tables[i] : NULL;
		const struct dbcopy_table *u = i < b->ntables ? &b->tables[i] : NULL;
		if (!t || !u || strcmp(t->name, u->name) || t->ncols != u->ncols) {
			err_set(msg, m, "таблицы источника и копии различаются (%s / %s)", t ? t->name : "—",
				u ? u->name : "—");
			return ERR_INVALID;
		}
		if (!ident_ok(t->name)) {
			err_set(msg, m, "таблица с необычным именем «%s»: это не таблица oko", t->name);
			return ERR_INVALID;
		}
		for (int j = 0; j < t->ncols; j++) {
			const struct dbcopy_column *c = &t->cols[j];
			bool found = false;
			for (int l = 0; l < u->ncols && !found; l++)
				found = !strcmp(c->name, u->cols[l].name) && c->cls == u->cols[l].cls;
			if (!found || !ident_ok(c->name)) {
				err_set(msg, m, "столбец %s.%s источника отличается в копии", t->name, c->name);
				return ERR_INVALID;
			}
		}
	}
	return 0;
}

/* A reference that does not resolve: SQLite's foreign_key_check (the bulk transaction ran
 * with the checks off). PostgreSQL checks the deferred constraints at COMMIT itself. */
static int sqlite_refs_ok(struct db *d, char *msg, size_t m)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "PRAGMA foreign_key_check");
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		err_set(msg, m, "ссылка не найдена: строка таблицы %s ссылается на отсутствующую строку %s",
			db_col_text(s, 0), db_col_text(s, 2));
		rc = ERR_INVALID;
	} else if (rc < 0) {
		err_set(msg, m, "не удалось проверить ссылки: %s", db_errmsg(d));
	}
	db_finalize(s);
	return rc;
}

/* PostgreSQL checks a foreign key row by row (a trigger per row, at COMMIT when deferred):
 * for a copy of millions of rows the checks cost more than the copy. As pg_restore does,
 * the copy drops the foreign keys inside its transaction and adds them back, same names and
 * definitions, after the rows: ADD CONSTRAINT checks each key in one query over the table.
 * fks gets "table", "name", "definition" triples. */
static int pg_fkeys_drop(struct db *d, char ***fks, int *n, char *msg, size_t m)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid)"
				   " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
				   " JOIN pg_namespace ns ON ns.oid = c.relnamespace"
				   " WHERE ns.nspname = current_schema() AND con.contype = 'f'"
				   " ORDER BY c.relname, con.conname");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		for (int i = 0; i < 3; i++)
			push(fks, n, xstrdup(db_col_text(s, i)));
	db_finalize(s);
	if (rc < 0) {
		err_set(msg, m, "не удалось прочитать внешние ключи копии: %s", db_errmsg(d));
		return rc;
	}
	for (int i = 0; i < *n; i += 3) {
		if (!ident_ok((*fks)[i]) || !ident_ok((*fks)[i + 1])) {
			err_set(msg, m, "внешний ключ с необычным именем «%s» в таблице %s", (*fks)[i + 1],
				(*fks)[i]);
			return ERR_INVALID;
		}
		struct buf b = BUF_INIT;
		buf_printf(&b, "ALTER TABLE \"%s\" DROP CONSTRAINT \"%s\"", (*fks)[i], (*fks)[i + 1]);
		rc = db_exec(d, buf_str(&b));
		buf_free(&b);
		if (rc) {
			err_set(msg, m, "не удалось снять внешний ключ %s: %s", (*fks)[i + 1], db_errmsg(d));
			return rc;
		}
	}
	return 0;
}

static int pg_fkeys_add(struct db *d, char **fks, int n, char *msg, size_t m)
{
	for (int i = 0; i < n; i += 3) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "ALTER TABLE \"%s\" ADD CONSTRAINT \"%s\" %s", fks[i], fks[i + 1],
			   fks[i + 2]);
		int rc = db_exec(d, buf_str(&b));
		buf_free(&b);
		if (rc) {
			err_set(msg, m, "ссылка не найдена (таблица %s): %s", fks[i],
				db_errmsg(d));
			return rc;
		}
	}
	return 0;
}

/* Identity columns number on from the largest id copied. */
static int pg_sequences(struct db *d, const struct dbcopy_schema *s, char *msg, size_t m)
{
	for (int i = 0; i < s->ntables; i++) {
		const struct dbcopy_table *t = &s->tables[i];
		for (int j = 0; j < t->ncols; j++) {
			if (!t->cols[j].identity)
				continue;
			char sql[512];
			snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'),"
				 " coalesce(max(\"%s\"), 0) + 1, false) FROM \"%s\"", t->name,
				 t->cols[j].name, t->cols[j].name, t->name);
			int64_t v = 0;
			int rc = db_query_int(d, sql, 0, &v);
			if (rc) {
				err_set(msg, m, "не удалось продолжить нумерацию %s.%s: %s", t->name,
					t->cols[j].name, db_errmsg(d));
				return rc;
			}
		}
	}
	return 0;
}

int dbcopy_tables(struct db *src, struct db *dst, dbcopy_progress *progress, void *ctx,
		  int64_t *total, char *msg, size_t n)
{
	struct dbcopy_schema ss = { 0 }, ds = { 0 };
	int *order = NULL, nfks = 0;
	char **fks = NULL;
	bool src_tx = false, dst_tx = false;
	int rc;
	*total = 0;
	/* The source in one snapshot: a server writing meanwhile is not half copied. */
	if ((rc = db_exec(src, db_is_pg(src) ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
					     : "BEGIN"))) {
		err_set(msg, n, "не удалось начать чтение источника: %s", db_errmsg(src));
		goto out;
	}
	src_tx = true;
	if ((rc = dbcopy_schema_read(src, &ss))) {
		err_set(msg, n, "не удалось прочитать схему источника: %s", db_errmsg(src));
		goto out;
	}
	if ((rc = db_begin_bulk(dst))) {
		err_set(msg, n, "не удалось начать запись копии: %s", db_errmsg(dst));
		goto out;
	}
	dst_tx = true;
	if ((rc = dbcopy_schema_read(dst, &ds))) {
		err_set(msg, n, "не удалось прочитать схему копии: %s", db_errmsg(dst));
		goto out;
	}
	if ((rc = same_tables(&ss, &ds, msg, n)))
		goto out;
	/* Again inside the transaction: nobody wrote into the target since it was opened. The
	 * rows a fresh database has (migrations' seeds) give way to the source's. */
	int seeded = 0;
	char why[400];
	if ((rc = holds_data(dst, &ds, &seeded, why, sizeof why))) {
		err_set(msg, n, "копия не пуста: %s", why);
		goto out;
	}
	if (db_is_pg(dst) && (rc = pg_fkeys_drop(dst, &fks, &nfks, msg, n)))
		goto out;
	for (int i = 0; seeded && i < ds.ntables; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", ds.tables[i].name);
		if ((rc = db_exec(dst, sql))) {
			err_set(msg, n, "не удалось очистить таблицу %s копии: %s", ds.tables[i].name,
				db_errmsg(dst));
			goto out;
		}
	}
	order = xcalloc((size_t)ss.ntables + 1, sizeof *order);
	copy_order(&ss, order);
	for (int i = 0; i < ss.ntables; i++) {
		const struct dbcopy_table *t = &ss.tables[order[i]];
		int64_t rows = 0;
		if ((rc = copy_table(src, dst, t, &rows, msg, n)))
			goto out;
		*total += rows;
		if (progress)
			progress(ctx, t->name, rows);
	}
	if (db_is_pg(dst))
		rc = pg_fkeys_add(dst, fks, nfks, msg, n) ? ERR_INVALID : pg_sequences(dst, &ds, msg, n);
	else
		rc = sqlite_refs_ok(dst, msg, n);
	if (rc)
		goto out;
	dst_tx = false;
	if ((rc = db_commit(dst))) {
		err_set(msg, n, "копия не сохранена: %s", db_errmsg(dst));
		db_rollback(dst);
		goto out;
	}
	/* Fresh statistics for the planner (autovacuum would come to it later). */
	if (db_is_pg(dst) && db_exec(dst, "ANALYZE"))
		log_warn("ANALYZE после копирования не выполнен: %s", db_errmsg(dst));
out:
	if (dst_tx)
		db_rollback(dst);
	if (src_tx)
		db_rollback(src);
	free(order);
	free_strs(fks, nfks);
	dbcopy_schema_free(&ss);
	dbcopy_schema_free(&ds);
	return rc;
}

/* ---- files beside the database ---- */

static int same_bytes(const char *a, const char *b)
{
	FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
	int same = f && g;
	while (same) {
		int x = getc(f), y = getc(g);
		if (x != y)
			same = 0;
		if (x == EOF || y == EOF)
			break;
	}
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	return same;
}

static int copy_file(const char *from, const char *to, mode_t mode, char *msg, size_t m)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		err_set(msg, m, "не удалось прочитать %s: %s", from, strerror(errno));
		return ERR_IO;
	}
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777);
	if (out < 0) {
		err_set(msg, m, "не удалось создать %s: %s", to, strerror(errno));
		close(in);
		return ERR_IO;
	}
	char b[65536];
	int rc = 0;
	for (;;) {
		ssize_t r = read(in, b, sizeof b);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(msg, m, "не удалось прочитать %s: %s", from, strerror(errno));
			rc = ERR_IO;
			break;
		}
		if (!r)
			break;
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(out, b + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				err_set(msg, m, "не удалось записать %s: %s", to, strerror(errno));
				rc = ERR_IO;
				break;
			}
			off += w;
		}
		if (rc)
			break;
	}
	if (!rc && fsync(out) != 0) {
		err_set(msg, m, "не удалось записать %s: %s", to, strerror(errno));
		rc = ERR_IO;
	}
	close(out);
	close(in);
	if (rc)
		unlink(to);
	return rc;
}

/* Removes a file or a tree; keep_top leaves the top directory itself. */
static void remove_tree(const char *path, bool keep_top)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	DIR *dir = opendir(path);
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4096];
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < sizeof sub)
			remove_tree(sub, false);
	}
	if (dir)
		closedir(dir);
	if (!keep_top)
		rmdir(path);
}

/* Copies the tree under from into the existing directory to. */
static int copy_tree(const char *from, const char *to, int64_t *files, char *msg, size_t m)
{
	DIR *dir = opendir(from);
	if (!dir) {
		err_set(msg, m, "не удалось прочитать каталог %s: %s", from, strerror(errno));
		return ERR_IO;
	}
	int rc = 0;
	struct dirent *e;
	while (!rc && (e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char a[4096], b[4096];
		if ((size_t)snprintf(a, sizeof a, "%s/%s", from, e->d_name) >= sizeof a ||
		    (size_t)snprintf(b, sizeof b, "%s/%s", to, e->d_name) >= sizeof b) {
			err_set(msg, m, "слишком длинный путь в каталоге %s", from);
			rc = ERR_LIMIT;
			break;
		}
		struct stat st;
		if (lstat(a, &st) != 0) {
			err_set(msg, m, "не удалось прочитать %s: %s", a, strerror(errno));
			rc = ERR_IO;
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdir(b, st.st_mode & 0777) != 0) {
				err_set(msg, m, "не удалось создать каталог %s: %s", b, strerror(errno));
				rc = ERR_IO;
			} else {
				rc = copy_tree(a, b, files, msg, m);
			}
		} else if (S_ISREG(st.st_mode)) {
			if (!(rc = copy_file(a, b, st.st_mode, msg, m)))
				(*files)++;
		} else {
			/* oko writes only files and directories there */
			log_warn("%s пропущен: не файл и не каталог", a);
		}
	}
	closedir(dir);
	return rc;
}

static bool empty_dir(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(dir)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(dir);
	return empty;
}

int dbcopy_files(struct dbcopy_file *f, int n, char *msg, size_t m)
{
	struct stat st, dt;
	for (int i = 0; i < n; i++) {
		f[i].copied = f[i].made = false;
		f[i].files = 0;
	}
	/* Everything checked before anything is written. */
	for (int i = 0; i < n; i++) {
		if (lstat(f[i].from, &st) != 0 || lstat(f[i].to, &dt) != 0)
			continue;
		if (st.st_ino == dt.st_ino && st.st_dev == dt.st_dev)
			continue; /* the same place (both databases' files in one directory) */
		bool ok = S_ISDIR(st.st_mode) ? S_ISDIR(dt.st_mode) && empty_dir(f[i].to)
					      : S_ISREG(dt.st_mode) && same_bytes(f[i].from, f[i].to);
		if (!ok) {
			err_set(msg, m, "%s уже существует: не перезаписываю (уберите его или выберите другое "
					"место для копии)", f[i].to);
			return ERR_EXISTS;
		}
	}
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		if (lstat(f[i].from, &st) != 0)
			continue;
		bool there = lstat(f[i].to, &dt) == 0;
		if (there && st.st_ino == dt.st_ino && st.st_dev == dt.st_dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (!there) {
				if (mkdir(f[i].to, st.st_mode & 0777) != 0) {
					err_set(msg, m, "не удалось создать каталог %s: %s", f[i].to, strerror(errno));
					rc = ERR_IO;
					break;
				}
				f[i].made = true;
			}
			f[i].copied = true;
			rc = copy_tree(f[i].from, f[i].to, &f[i].files, msg, m);
		} else if (S_ISREG(st.st_mode) && !there) {
			f[i].made = f[i].copied = true;
			if (!(rc = copy_file(f[i].from, f[i].to, st.st_mode, msg, m)))
				f[i].files = 1;
		}
	}
	if (rc)
		dbcopy_files_undo(f, n);
	return rc;
}

void dbcopy_files_undo(struct dbcopy_file *f, int n)
{
	for (int i = 0; i < n; i++) {
		if (!f[i].copied)
			continue;
		remove_tree(f[i].to, !f[i].made);
		f[i].copied = f[i].made = false;
	}
}
