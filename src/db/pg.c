/* db/pg: the PostgreSQL driver behind db.h (see pg.h for its conventions). */
#include "db/pg.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

/* Type OIDs of the built-in types we send or decode (pg_type.dat; stable across versions). */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_TEXT = 25, OID_FLOAT8 = 701 };

/* Prepared statements of one connection, by statement text. */
#define PREP_MAX 1024

struct prep {
	char *sql;   /* the caller's text (the key) */
	bool write;  /* INSERT, UPDATE or DELETE: runs in a savepoint inside a transaction */
	char *text;  /* rewritten with $n */
	int nparams;
	bool typed;  /* prepared with the bound values' types */
	char name[16];
};

struct pg {
	PGconn *c;
	char url[1024];
	char msg[512];
	int64_t changes;
	struct prep *prep[PREP_MAX];
	int nprep;
	int seq;
	bool copying;      /* a COPY FROM STDIN is open */
	int copy_rc;       /* what ending it gave when another statement ended it */
	struct pg_stmt *streaming; /* the statement whose rows are coming in single-row mode */
};

enum { P_NULL, P_INT, P_DOUBLE, P_TEXT, P_BLOB };

struct param {
	int kind;
	const char *v;
	int len;
	char num[32];
	char *own;
};

struct pg_stmt {
	struct pg *c;
	struct prep *p;
	struct param *par;
	const char **vals;
	int *lens, *fmts;
	PGresult *res;
	int row, nrows;
	bool executed, stream, streaming;
	unsigned char **blob; /* the row's decoded bytea values, by column (nblob of them) */
	int nblob;
};

static int failmsg(struct pg *c, const char *what, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *m = r ? PQresultErrorMessage(r) : NULL;
	if (!m || !*m)
		m = PQerrorMessage(c->c);
	snprintf(c->msg, sizeof c->msg, "%s%s", what ? what : "", m ? m : "ошибка PostgreSQL");
	size_t l = strlen(c->msg);
	while (l && (c->msg[l - 1] == '\n' || c->msg[l - 1] == ' '))
		c->msg[--l] = 0;
	if (state && !strncmp(state, "23", 2))
		return ERR_INVALID; /* integrity constraint violation */
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
		return ERR_BUSY;
	return ERR_DB;
}

/* Reads and drops what the server still sends for the command in flight. */
static void drain(struct pg *c)
{
	PGresult *r;
	while ((r = PQgetResult(c->c)))
		PQclear(r);
}

/* Forgets every prepared statement text of the connection. */
static void prep_free(struct pg *c)
{
	for (int i = 0; i < c->nprep; i++) {
		free(c->prep[i]->sql);
		free(c->prep[i]->text);
		free(c->prep[i]);
	}
	c->nprep = 0;
}

bool pg_is_url(const char *s)
{
	return s && (!strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11));
}

int pg_open(struct pg **out, const char *url, char *msg, size_t nmsg)
{
	*out = NULL;
	struct pg *c = xcalloc(1, sizeof *c);
	snprintf(c->url, sizeof c->url, "%s", url);
	c->c = PQconnectdb(url);
	if (PQstatus(c->c) != CONNECTION_OK) {
		snprintf(msg, nmsg, "не удалось подключиться к PostgreSQL: %s", PQerrorMessage(c->c));
		size_t l = strlen(msg);
		while (l && msg[l - 1] == '\n')
			msg[--l] = 0;
		pg_close(c);
		return ERR_DB;
	}
	/* UTC for any time the server formats (the defaults of created_at columns); ISO dates;
	 * messages of the server as they come. Identifiers compare in C order: checked at open. */
	int rc = pg_exec(c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC';"
			    " SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3;"
			    " SET client_min_messages = warning;"
			    /* a lock waited for gives up as SQLite's busy timeout does (ERR_BUSY) */
			    " SET lock_timeout = 5000");
	if (!rc) {
		PGresult *r = PQexec(c->c, "SELECT datcollate FROM pg_database"
					   " WHERE datname = current_database()");
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			const char *coll = PQgetvalue(r, 0, 0);
			if (strcmp(coll, "C") && strcmp(coll, "POSIX")) {
				snprintf(msg, nmsg, "база данных PostgreSQL создана с упорядочением «%s», а oko "
					 "нужно «C» (как в SQLite: строки сравниваются побайтно): создайте её "
					 "командой createdb -T template0 -E UTF8 --locale=C", coll);
				rc = ERR_INVALID;
			}
		}
		PQclear(r);
	} else {
		snprintf(msg, nmsg, "%s", c->msg);
	}
	if (rc) {
		pg_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

void pg_close(struct pg *c)
{
	if (!c)
		return;
	prep_free(c);
	PQfinish(c->c);
	free(c);
}

const char *pg_errmsg(struct pg *c)
{
	return c->msg;
}

void pg_url(struct pg *c, char *out, size_t n)
{
	snprintf(out, n, "%s", c->url);
}

void pg_file(struct pg *c, char *out, size_t n)
{
	const char *dir = getenv("OKO_FILES");
	char cwd[512];
	if (!dir || !*dir)
		dir = getcwd(cwd, sizeof cwd) ? cwd : ".";
	snprintf(out, n, "%s/%s", dir, PQdb(c->c));
}

/* ---- COPY ---- */

int pg_copy_end(struct pg *c)
{
	if (!c->copying)
		return 0;
	c->copying = false;
	int rc = 0;
	if (PQputCopyEnd(c->c, NULL) != 1) {
		snprintf(c->msg, sizeof c->msg, "%s", PQerrorMessage(c->c));
		rc = ERR_DB;
	}
	PGresult *r;
	while ((r = PQgetResult(c->c))) {
		if (!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = failmsg(c, "", r);
		else if (!rc)
			c->changes = strtoll(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	return rc;
}

/* Before any statement: an open COPY ends, a streaming statement is read to its end. */
static void stream_drain(struct pg_stmt *s);
static int idle(struct pg *c)
{
	if (c->streaming)
		stream_drain(c->streaming);
	if (c->copying) {
		int rc = pg_copy_end(c);
		if (rc)
			c->copy_rc = rc;
	}
	if (c->copy_rc) {
		int rc = c->copy_rc;
		c->copy_rc = 0;
		return rc;
	}
	return 0;
}

int pg_copy_begin(struct pg *c, const char *sql)
{
	int rc = idle(c);
	if (rc)
		return rc;
	PGresult *r = PQexec(c->c, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = failmsg(c, "", r);
		PQclear(r);
		return rc;
	}
	PQclear(r);
	c->copying = true;
	return 0;
}

int pg_copy_row(struct pg *c, const char *sql, const char *line, size_t n)
{
	if (!c->copying) {
		/* Another statement ended the COPY (a writer deletes between its rows): the
		 * failure it found, or a new COPY of the same rows. */
		int rc = idle(c);
		if (rc || (rc = pg_copy_begin(c, sql)))
			return rc;
	}
	if (PQputCopyData(c->c, line, (int)n) != 1) {
		snprintf(c->msg, sizeof c->msg, "%s", PQerrorMessage(c->c));
		return ERR_DB;
	}
	return 0;
}

/* ---- statements ---- */

int pg_exec(struct pg *c, const char *sql)
{
	int rc = idle(c);
	if (rc)
		return rc;
	PGresult *r = PQexec(c->c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = failmsg(c, "", r);
	else
		c->changes = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return rc;
}

/* sql with '?' and '?N' turned into $n, outside quotes and comments; *np the highest. */
static char *rewrite(const char *sql, int *np)
{
	size_t n = strlen(sql);
	char *out = xmalloc(n * 4 + 16), *o = out;
	int next = 0, max = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			*o++ = *p++;
			while (*p && *p != q)
				*o++ = *p++;
			if (*p)
				*o++ = *p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				*o++ = *p++;
		} else if (*p == '?') {
			p++;
			int k = 0;
			if (*p >= '0' && *p <= '9') {
				while (*p >= '0' && *p <= '9')
					k = k * 10 + (*p++ - '0');
			} else {
				k = ++next;
			}
			if (k > max)
				max = k;
			o += snprintf(o, 16, "$%d", k); /* out has 4 bytes a character and 16 spare */
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	*np = max;
	return out;
}

static struct prep *prep_find(struct pg *c, const char *sql)
{
	for (int i = 0; i < c->nprep; i++)
		if (!strcmp(c->prep[i]->sql, sql))
			return c->prep[i];
	if (c->nprep >= PREP_MAX) {
		/* More distinct texts than any run of oko has: start over. */
		PGresult *r = PQexec(c->c, "DEALLOCATE ALL");
		PQclear(r);
		prep_free(c);
	}
	struct prep *p = xcalloc(1, sizeof *p);
	p->sql = xstrdup(sql);
	p->text = rewrite(sql, &p->nparams);
	const char *w = sql;
	while (*w == ' ' || *w == '\n' || *w == '\t')
		w++;
	p->write = !strncasecmp(w, "INSERT", 6) || !strncasecmp(w, "UPDATE", 6) ||
		   !strncasecmp(w, "DELETE", 6);
	c->prep[c->nprep++] = p;
	return p;
}

int pg_prepare(struct pg *c, struct pg_stmt **out, const char *sql)
{
	struct pg_stmt *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->p = prep_find(c, sql);
	int n = s->p->nparams > 0 ? s->p->nparams : 1;
	s->par = xcalloc((size_t)n, sizeof *s->par);
	s->vals = xcalloc((size_t)n, sizeof *s->vals);
	s->lens = xcalloc((size_t)n, sizeof *s->lens);
	s->fmts = xcalloc((size_t)n, sizeof *s->fmts);
	*out = s;
	return 0;
}

static void stream_drain(struct pg_stmt *s)
{
	struct pg *c = s->c;
	if (!s->streaming)
		return;
	PGcancel *k = PQgetCancel(c->c);
	char err[128];
	if (k) {
		PQcancel(k, err, sizeof err);
		PQfreeCancel(k);
	}
	drain(c);
	s->streaming = false;
	c->streaming = NULL;
}

/* Frees the bytea values decoded from the current row. */
static void free_blobs(struct pg_stmt *s)
{
	for (int i = 0; i < s->nblob; i++) {
		PQfreemem(s->blob[i]);
		s->blob[i] = NULL;
	}
}

static void clear_result(struct pg_stmt *s)
{
	stream_drain(s);
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
	s->executed = false;
	free_blobs(s);
}

void pg_finalize(struct pg_stmt *s)
{
	if (!s)
		return;
	clear_result(s);
	free(s->blob);
	int n = s->p->nparams > 0 ? s->p->nparams : 1;
	for (int i = 0; i < n; i++)
		free(s->par[i].own);
	free(s->par);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s);
}

int pg_reset(struct pg_stmt *s)
{
	clear_result(s);
	return 0;
}

void pg_stream(struct pg_stmt *s)
{
	s->stream = true;
}

static struct param *param(struct pg_stmt *s, int i)
{
	if (i < 1 || i > s->p->nparams)
		return NULL;
	struct param *p = &s->par[i - 1];
	if (s->executed)
		clear_result(s);
	free(p->own);
	p->own = NULL;
	return p;
}

int pg_bind_int(struct pg_stmt *s, int i, int64_t v)
{
	struct param *p = param(s, i);
	if (!p)
		return ERR_INVALID;
	p->kind = P_INT;
	p->len = snprintf(p->num, sizeof p->num, "%lld", (long long)v);
	p->v = p->num;
	return 0;
}

int pg_bind_double(struct pg_stmt *s, int i, double v)
{
	struct param *p = param(s, i);
	if (!p)
		return ERR_INVALID;
	p->kind = P_DOUBLE;
	p->len = snprintf(p->num, sizeof p->num, "%.17g", v);
	p->v = p->num;
	return 0;
}

/* The length of v without an incomplete UTF-8 sequence at its end: text cut to a buffer's
 * size by snprintf may end inside a character, which SQLite stores as bytes and PostgreSQL
 * refuses ("invalid byte sequence"); the broken character is dropped. */
static size_t utf8_whole(const char *v, size_t len)
{
	size_t k = len, back = 0;
	while (k > 0 && back < 4 && ((unsigned char)v[k - 1] & 0xC0) == 0x80) {
		k--;
		back++;
	}
	if (k == 0)
		return len;
	unsigned char lead = (unsigned char)v[k - 1];
	size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
	if (lead >= 0xC0 && back < need)
		return k - 1;
	return len;
}

int pg_bind_text(struct pg_stmt *s, int i, const char *v, int n, bool copy)
{
	struct param *p = param(s, i);
	if (!p)
		return ERR_INVALID;
	if (!v) {
		p->kind = P_NULL;
		p->v = NULL;
		return 0;
	}
	size_t full = n < 0 ? strlen(v) : (size_t)n, len = utf8_whole(v, full);
	p->kind = P_TEXT;
	/* Text parameters travel NUL-terminated: a text cut by n or by a broken last character,
	 * or asked to be copied, is copied. */
	if (copy || n >= 0 || len != full) {
		p->own = xmalloc(len + 1);
		memcpy(p->own, v, len);
		p->own[len] = 0;
		p->v = p->own;
	} else {
		p->v = v;
	}
	p->len = (int)len;
	return 0;
}

int pg_bind_blob(struct pg_stmt *s, int i, const void *v, size_t n, bool copy)
{
	struct param *p = param(s, i);
	if (!p)
		return ERR_INVALID;
	if (!v) {
		p->kind = P_NULL;
		p->v = NULL;
		return 0;
	}
	p->kind = P_BLOB;
	if (copy) {
		p->own = xmalloc(n ? n : 1);
		memcpy(p->own, v, n);
		p->v = p->own;
	} else {
		p->v = v;
	}
	p->len = (int)n;
	return 0;
}

int pg_bind_null(struct pg_stmt *s, int i)
{
	struct param *p = param(s, i);
	if (!p)
		return ERR_INVALID;
	p->kind = P_NULL;
	p->v = NULL;
	return 0;
}

/* Prepares the statement's text on the connection once (again with the bound values' types
 * when the server cannot infer one). In a transaction, a refused first attempt would abort
 * it: the attempt runs inside a savepoint there. */
static int prepare(struct pg_stmt *s)
{
	struct pg *c = s->c;
	struct prep *p = s->p;
	if (p->name[0])
		return 0;
	char name[16];
	snprintf(name, sizeof name, "o%d", ++c->seq);
	bool tx = pg_in_transaction(c);
	PGresult *r;
	if (tx) {
		r = PQexec(c->c, "SAVEPOINT oko_prepare");
		PQclear(r);
	}
	r = PQprepare(c->c, name, p->text, p->nparams, NULL);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		bool untyped = state && (!strcmp(state, "42P18") || !strcmp(state, "42725") ||
					 !strcmp(state, "42883"));
		if (!untyped) {
			rc = failmsg(c, "", r);
			log_error("внутренняя ошибка SQL: %s\n%s", c->msg, p->text);
		}
		PQclear(r);
		if (tx) {
			r = PQexec(c->c, "ROLLBACK TO SAVEPOINT oko_prepare");
			PQclear(r);
		}
		if (!untyped)
			goto out;
		Oid *types = xcalloc((size_t)(p->nparams > 0 ? p->nparams : 1), sizeof *types);
		for (int i = 0; i < p->nparams; i++) {
			int k = s->par[i].kind;
			types[i] = k == P_INT ? OID_INT8 : k == P_DOUBLE ? OID_FLOAT8
				 : k == P_BLOB ? OID_BYTEA : OID_TEXT;
		}
		r = PQprepare(c->c, name, p->text, p->nparams, types);
		free(types);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			rc = failmsg(c, "", r);
			log_error("внутренняя ошибка SQL: %s\n%s", c->msg, p->text);
		} else {
			p->typed = true;
		}
	}
	PQclear(r);
out:
	if (tx) {
		r = PQexec(c->c, "RELEASE SAVEPOINT oko_prepare");
		PQclear(r);
	}
	if (!rc)
		memcpy(p->name, name, sizeof name);
	return rc;
}

static void params(struct pg_stmt *s)
{
	for (int i = 0; i < s->p->nparams; i++) {
		struct param *p = &s->par[i];
		s->vals[i] = p->kind == P_NULL ? NULL : p->v;
		s->lens[i] = p->len;
		s->fmts[i] = p->kind == P_BLOB;
	}
}

int pg_step(struct pg_stmt *s)
{
	struct pg *c = s->c;
	int rc;
	if (!s->executed) {
		if (c->streaming != s && (rc = idle(c)))
			return rc;
		if ((rc = prepare(s)))
			return rc;
		params(s);
		s->executed = true;
			if (s->stream) {
			if (!PQsendQueryPrepared(c->c, s->p->name, s->p->nparams, s->vals, s->lens,
						 s->fmts, 0) ||
			    !PQsetSingleRowMode(c->c)) {
				snprintf(c->msg, sizeof c->msg, "%s", PQerrorMessage(c->c));
				drain(c);
				return ERR_DB;
			}
			s->streaming = true;
			c->streaming = s;
		} else {
			/* SQLite undoes a failed statement and keeps the transaction; PostgreSQL
			 * aborts the transaction. A write that may fail on a constraint (and be
			 * answered «already exists» by the model, which goes on) runs inside a
			 * savepoint so both engines leave the transaction usable. */
			bool sp = s->p->write && PQtransactionStatus(c->c) == PQTRANS_INTRANS;
			if (sp)
				PQclear(PQexec(c->c, "SAVEPOINT oko_stmt"));
			s->res = PQexecPrepared(c->c, s->p->name, s->p->nparams, s->vals, s->lens,
						s->fmts, 0);
			ExecStatusType st = PQresultStatus(s->res);
			if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
				rc = failmsg(c, "", s->res);
				PQclear(s->res);
				s->res = NULL;
				if (sp)
					PQclear(PQexec(c->c, "ROLLBACK TO SAVEPOINT oko_stmt; RELEASE SAVEPOINT oko_stmt"));
				return rc;
			}
			if (sp)
				PQclear(PQexec(c->c, "RELEASE SAVEPOINT oko_stmt"));
			c->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
			s->nrows = PQntuples(s->res);
			s->row = -1;
		}
	}
	free_blobs(s);
	if (s->streaming) {
		PQclear(s->res);
		s->res = PQgetResult(c->c);
		ExecStatusType st = PQresultStatus(s->res);
		if (st == PGRES_SINGLE_TUPLE) {
			s->row = 0;
			return 1; /* DB_ROW */
		}
		rc = st == PGRES_TUPLES_OK ? 0 : failmsg(c, "", s->res);
		PQclear(s->res);
		s->res = NULL;
		drain(c);
		s->streaming = false;
		c->streaming = NULL;
		return rc;
	}
	if (!s->res || ++s->row >= s->nrows)
		return 0; /* DB_DONE */
	return 1;
}

static const char *val(struct pg_stmt *s, int i)
{
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || i >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

int64_t pg_col_int(struct pg_stmt *s, int i)
{
	const char *v = val(s, i);
	if (!v)
		return 0;
	if (PQftype(s->res, i) == OID_BOOL)
		return *v == 't';
	if (PQftype(s->res, i) == OID_FLOAT8 || strchr(v, '.') || strchr(v, 'e'))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

double pg_col_double(struct pg_stmt *s, int i)
{
	const char *v = val(s, i);
	if (!v)
		return 0;
	if (PQftype(s->res, i) == OID_BOOL)
		return *v == 't';
	return strtod(v, NULL);
}

const char *pg_col_text(struct pg_stmt *s, int i)
{
	const char *v = val(s, i);
	if (!v)
		return "";
	if (PQftype(s->res, i) == OID_BOOL)
		return *v == 't' ? "1" : "0";
	return v;
}

const void *pg_col_blob(struct pg_stmt *s, int i, size_t *n)
{
	const char *v = val(s, i);
	*n = 0;
	if (!v)
		return NULL;
	if (PQftype(s->res, i) != OID_BYTEA) {
		*n = (size_t)PQgetlength(s->res, s->row, i);
		return v;
	}
	if (i >= s->nblob) {
		int k = PQnfields(s->res);
		s->blob = xrealloc(s->blob, (size_t)k * sizeof *s->blob);
		for (int j = s->nblob; j < k; j++)
			s->blob[j] = NULL;
		s->nblob = k;
	}
	PQfreemem(s->blob[i]);
	s->blob[i] = PQunescapeBytea((const unsigned char *)v, n);
	return s->blob[i];
}

bool pg_col_null(struct pg_stmt *s, int i)
{
	return !s->res || s->row < 0 || PQgetisnull(s->res, s->row, i);
}

/* ---- transactions ---- */

bool pg_in_transaction(struct pg *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->c);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

int pg_begin(struct pg *c, bool bulk)
{
	return pg_exec(c, bulk ? "BEGIN; SET CONSTRAINTS ALL DEFERRED" : "BEGIN");
}

int pg_commit(struct pg *c)
{
	int rc = idle(c);
	if (rc) {
		pg_rollback(c);
		return rc;
	}
	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK: say it failed. */
	if (PQtransactionStatus(c->c) == PQTRANS_INERROR) {
		pg_rollback(c);
		if (!*c->msg)
			snprintf(c->msg, sizeof c->msg, "транзакция прервана ошибкой");
		return ERR_DB;
	}
	return pg_exec(c, "COMMIT");
}

int pg_rollback(struct pg *c)
{
	if (c->copying) {
		PQputCopyEnd(c->c, "rollback");
		drain(c);
		c->copying = false;
	}
	c->copy_rc = 0;
	if (c->streaming)
		stream_drain(c->streaming);
	if (!pg_in_transaction(c))
		return 0;
	return pg_exec(c, "ROLLBACK");
}

int64_t pg_last_id(struct pg *c)
{
	if (idle(c))
		return 0;
	PGresult *r = PQexec(c->c, "SELECT lastval()");
	int64_t v = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

int64_t pg_changes(struct pg *c)
{
	return c->changes;
}
