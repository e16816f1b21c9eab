/* plan: import of a plan-graph file (docs/plan.md):
 *   campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline
 * one row per procedure of a campaign. Campaigns are created on first mention; a procedure
 * already planned in the same campaign gets the new dates. The file is read and checked
 * whole, then stored in one transaction; any problem (an unknown procedure, a bad or
 * inconsistent date, a procedure of another campaign, schools whose fixed date would fall
 * outside the new window) leaves the database unchanged. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/scope.h"

#define MAX_ROWS 100000 /* procedures of campaigns: thousands at most */
#define MAX_SITTINGS 2000000 /* sittings of a file: a whole country's campaign fits */

enum { C_CAMPAIGN, C_PROCEDURE, C_DATES, C_NCOLS = C_DATES + PLAN_NFIELDS };

static const char *const col_names[C_NCOLS][3] = {
	{ "campaign", "кампания", NULL },
	{ "procedure", "процедура", NULL },
	{ "materials_from", "материалы", NULL },
	{ "window_from", "проведение с", NULL },
	{ "window_to", "проведение по", NULL },
	{ "criteria_from", "критерии", NULL },
	{ "form_from", "форма", NULL },
	{ "upload_deadline", "срок загрузки", NULL },
};

struct item {
	long row;
	const char *campaign;
	const char *code;
	int64_t procedure_id;
	struct plan_dates dates;
};

struct reader {
	const char *path;
	struct diag_list *diags;
	struct db *db;
	struct table_src src;
	struct arena arena;
	int col[C_NCOLS];
	bool have_header;
	long rows, bad;
	struct item *items;
	size_t n, cap;
	struct hmap seen; /* procedure codes met so far */
};

static void err_at(struct reader *rd, long row, int k, const char *value, const char *code,
		   const char *msg)
{
	char col[128] = "";
	if (k >= 0)
		table_colname(&rd->src, rd->col[k], col_names[k][0], col, sizeof col);
	diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, row, k >= 0 ? col : NULL, value, code,
		 "%s", msg);
}

static const char *cell(struct reader *rd, const struct table_row *r, int k)
{
	int c = rd->col[k];
	if (c < 0 || (size_t)c >= r->n)
		return "";
	const char *s = r->v[c];
	size_t n = str_trim(&s, r->len[c]);
	return arena_strndup(&rd->arena, s, n);
}

static int on_row(void *ctx, const struct table_row *r)
{
	struct reader *rd = ctx;
	if (!rd->have_header) {
		rd->have_header = true;
		for (int k = 0; k < C_NCOLS; k++) {
			rd->col[k] = table_column(r, col_names[k]);
			if (rd->col[k] < 0)
				diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
					 "missing_column", "в строке заголовков нет обязательного столбца «%s»",
					 col_names[k][0]);
		}
		return diag_errors(rd->diags) ? ERR_INVALID : 0;
	}
	bool blank = true;
	for (size_t i = 0; i < r->n && blank; i++) {
		const char *s = r->v[i];
		blank = str_trim(&s, r->len[i]) == 0;
	}
	if (blank)
		return 0;
	if (++rd->rows > MAX_ROWS) {
		err_at(rd, r->row, -1, NULL, "too_many_rows", "слишком много строк для плана-графика");
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct item it = { .row = r->row };
	it.campaign = cell(rd, r, C_CAMPAIGN);
	it.code = cell(rd, r, C_PROCEDURE);
	if (!*it.campaign)
		err_at(rd, r->row, C_CAMPAIGN, it.campaign, "required", "не указано название кампании");
	else if (strlen(it.campaign) >= PLAN_NAME_MAX || !utf8_valid(it.campaign, strlen(it.campaign)))
		err_at(rd, r->row, C_CAMPAIGN, it.campaign, "campaign", "слишком длинное название кампании");
	struct procedure *p = xcalloc(1, sizeof *p);
	if (!*it.code) {
		err_at(rd, r->row, C_PROCEDURE, it.code, "required", "не указан код процедуры");
	} else if (procedure_get(rd->db, it.code, p)) {
		err_at(rd, r->row, C_PROCEDURE, it.code, "procedure",
		       "такой процедуры нет в базе: сначала загрузите процедуры (oko import procedures)");
	} else {
		it.procedure_id = p->id;
		if (!hmap_put(&rd->seen, it.code, strlen(it.code), r->row))
			err_at(rd, r->row, C_PROCEDURE, it.code, "duplicate",
			       "эта процедура уже встречалась в файле выше");
	}
	free(p);
	bool dates_ok = true;
	for (int f = 0; f < PLAN_NFIELDS; f++) {
		const char *v = cell(rd, r, C_DATES + f);
		snprintf(it.dates.d[f], PLAN_DATE_LEN, "%s", v);
		if (!plan_date_valid(v)) {
			char m[160];
			snprintf(m, sizeof m, "%s: нужна дата в виде ГГГГ-ММ-ДД, например 2021-04-13",
				 plan_field_title((enum plan_field)f));
			err_at(rd, r->row, C_DATES + f, v, "date", m);
			dates_ok = false;
		}
	}
	if (dates_ok) {
		enum plan_field f;
		char m[256];
		if (plan_dates_check(&it.dates, &f, m, sizeof m))
			err_at(rd, r->row, C_DATES + (int)f, it.dates.d[f], "date_order", m);
	}
	if (diag_errors(rd->diags) > before) {
		rd->bad++;
		return 0;
	}
	rd->items = xgrow(rd->items, &rd->cap, rd->n + 1, sizeof it);
	rd->items[rd->n++] = it;
	return 0;
}

int import_plan(struct db *d, const char *path, const struct import_opts *o,
		struct diag_list *diags, struct import_stats *st)
{
	struct reader rd = { .path = o->name ? o->name : path, .diags = diags, .db = d };
	arena_init(&rd.arena, 0);
	hmap_init(&rd.seen);
	memset(st, 0, sizeof *st);
	char msg[512] = "";
	long campaigns = 0;
	struct table_in in = import_input(path, o);
	int rc = import_read_table(&in, on_row, &rd, &rd.src, rd.path, &rd.have_header, diags);
	st->rows = rd.rows;
	st->rejected = rd.bad;
	if (rc)
		goto out;
	/* Store in one transaction; problems that need the database (another campaign, fixed
	 * dates outside a new window) are collected for every row, then everything is undone. */
	if ((rc = db_begin(d)))
		goto out;
	for (size_t i = 0; i < rd.n; i++) {
		const struct item *it = &rd.items[i];
		int64_t cid, before;
		bool created;
		if ((rc = plan_campaign_put(d, it->campaign, &cid, &created)))
			break;
		campaigns += created;
		bool had = plan_procedure_get(d, it->procedure_id, &before, NULL) == 0;
		int prc = plan_procedure_put(d, cid, it->procedure_id, &it->dates, msg, sizeof msg);
		if (prc == ERR_EXISTS || prc == ERR_INVALID) {
			err_at(&rd, it->row, prc == ERR_EXISTS ? C_PROCEDURE : C_DATES + PLAN_WINDOW_FROM,
			       prc == ERR_EXISTS ? it->code : it->dates.d[PLAN_WINDOW_FROM],
			       prc == ERR_EXISTS ? "other_campaign" : "fixed_outside", msg);
			st->rejected++;
			continue;
		}
		if ((rc = prc))
			break;
		if (had)
			st->updated++;
		else
			st->created++;
	}
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary,
			 "%sпроцедур в плане-графике: новых %ld, с изменёнными датами %ld; новых кампаний %ld",
			 o->dry_run ? "проверено, ничего не сохранено: " : "", st->created, st->updated,
			 campaigns);
	else
		snprintf(st->summary, sizeof st->summary, "строк: %ld, с ошибками: %ld", st->rows,
			 st->rejected);
	arena_free(&rd.arena);
	hmap_free(&rd.seen);
	free(rd.items);
	return rc;
}

/* ---- sittings.csv: procedure,school,date,time ----
 *
 * The dates and times of the schools' sittings, as a municipality collects them from its
 * schools in a table: each row takes the school into the procedure's plan-graph (when it
 * is not there yet) and fixes its date and time, with the same rules as a school fixing
 * it itself (plan_fix_date: a real date inside the procedure's window, HH:MM). Checked
 * whole, stored in one transaction; any refusal leaves the database unchanged. */

enum { S_PROCEDURE, S_SCHOOL, S_DATE, S_TIME, S_NCOLS };

static const char *const sit_cols[S_NCOLS][3] = {
	{ "procedure", "процедура", NULL },
	{ "school", "школа", NULL },
	{ "date", "дата", NULL },
	{ "time", "время", NULL },
};

struct sit_item {
	long row;
	int64_t procedure_id, school_id;
	char date[PLAN_DATE_LEN], time[PLAN_TIME_LEN];
	const char *code, *login;
};

struct sit_reader {
	const char *path;
	struct diag_list *diags;
	struct db *db;
	struct table_src src;
	struct arena arena;
	int col[S_NCOLS];
	bool have_header;
	long rows, bad;
	struct sit_item *items;
	size_t n, cap;
	struct hmap schools; /* login → school id */
	struct hmap procs;   /* code → index in win + 1, 0 when not in a plan-graph */
	struct hmap seen;    /* "procedure school" met so far → row */
	struct sit_window { int64_t id; char from[PLAN_DATE_LEN], to[PLAN_DATE_LEN]; } *win;
	size_t nwin, capwin;
};

static void sit_err(struct sit_reader *rd, long row, int k, const char *value, const char *code,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void sit_err(struct sit_reader *rd, long row, int k, const char *value, const char *code,
		    const char *fmt, ...)
{
	char col[128] = "", msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	table_colname(&rd->src, rd->col[k], sit_cols[k][0], col, sizeof col);
	diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, row, col, value, code, "%s", msg);
}

static const char *sit_cell(struct sit_reader *rd, const struct table_row *r, int k)
{
	int c = rd->col[k];
	if (c < 0 || (size_t)c >= r->n)
		return "";
	const char *s = r->v[c];
	size_t n = str_trim(&s, r->len[c]);
	return arena_strndup(&rd->arena, s, n);
}

/* The procedure with its window when it is in a plan-graph; NULL and the reason
 * otherwise. */
static const struct sit_window *sit_procedure(struct sit_reader *rd, const char *code,
					      const char **why)
{
	int64_t k = 0;
	*why = "процедура не включена в план-график (oko import plan)";
	if (hmap_get(&rd->procs, code, strlen(code), &k))
		return k ? &rd->win[k - 1] : NULL;
	struct procedure *p = xcalloc(1, sizeof *p);
	struct plan_dates dates;
	int64_t campaign = 0;
	if (procedure_get(rd->db, code, p)) {
		*why = "такой процедуры нет в базе";
	} else if (!plan_procedure_get(rd->db, p->id, &campaign, &dates)) {
		rd->win = xgrow(rd->win, &rd->capwin, rd->nwin + 1, sizeof *rd->win);
		struct sit_window *w = &rd->win[rd->nwin++];
		w->id = p->id;
		snprintf(w->from, sizeof w->from, "%s", dates.d[PLAN_WINDOW_FROM]);
		snprintf(w->to, sizeof w->to, "%s", dates.d[PLAN_WINDOW_TO]);
		k = (int64_t)rd->nwin;
	}
	free(p);
	hmap_put(&rd->procs, code, strlen(code), k);
	return k ? &rd->win[k - 1] : NULL;
}

static int sit_row(void *ctx, const struct table_row *r)
{
	struct sit_reader *rd = ctx;
	if (!rd->have_header) {
		rd->have_header = true;
		for (int k = 0; k < S_NCOLS; k++) {
			rd->col[k] = table_column(r, sit_cols[k]);
			if (rd->col[k] < 0)
				diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
					 "missing_column", "в строке заголовков нет обязательного столбца «%s»",
					 sit_cols[k][0]);
		}
		return diag_errors(rd->diags) ? ERR_INVALID : 0;
	}
	bool blank = true;
	for (size_t i = 0; i < r->n && blank; i++) {
		const char *s = r->v[i];
		blank = str_trim(&s, r->len[i]) == 0;
	}
	if (blank)
		return 0;
	if (++rd->rows > MAX_SITTINGS) {
		diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL, "too_many_rows",
			 "слишком много строк: больше %d проведений в одном файле", MAX_SITTINGS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct sit_item it = { .row = r->row };
	it.code = sit_cell(rd, r, S_PROCEDURE);
	it.login = sit_cell(rd, r, S_SCHOOL);
	const char *date = sit_cell(rd, r, S_DATE), *tm = sit_cell(rd, r, S_TIME), *why = NULL;
	const struct sit_window *w = NULL;
	if (!*it.code)
		sit_err(rd, r->row, S_PROCEDURE, it.code, "required", "не указан код процедуры");
	else if (!(w = sit_procedure(rd, it.code, &why)))
		sit_err(rd, r->row, S_PROCEDURE, it.code, "procedure", "%s", why);
	else
		it.procedure_id = w->id;
	if (!*it.login)
		sit_err(rd, r->row, S_SCHOOL, it.login, "required", "не указан логин школы");
	else if (!hmap_get(&rd->schools, it.login, strlen(it.login), &it.school_id))
		sit_err(rd, r->row, S_SCHOOL, it.login, "school",
			"такой школы нет в реестре: сначала загрузите школы (oko import schools)");
	if (!plan_date_valid(date)) {
		sit_err(rd, r->row, S_DATE, date, "date", "нужна дата в виде ГГГГ-ММ-ДД, например 2021-04-13");
	} else if (w && (strcmp(date, w->from) < 0 || strcmp(date, w->to) > 0)) {
		char a[PLAN_DATE_LEN], b[PLAN_DATE_LEN];
		plan_date_ru(w->from, a);
		plan_date_ru(w->to, b);
		sit_err(rd, r->row, S_DATE, date, "window", "дата вне периода проведения %s: с %s по %s",
			it.code, a, b);
	} else {
		snprintf(it.date, sizeof it.date, "%s", date);
	}
	if (!plan_time_valid(tm))
		sit_err(rd, r->row, S_TIME, tm, "time", "нужно время начала в виде ЧЧ:ММ, например 09:00");
	else
		snprintf(it.time, sizeof it.time, "%s", tm);
	if (it.procedure_id && it.school_id) {
		char key[48];
		int kn = snprintf(key, sizeof key, "%lld %lld", (long long)it.procedure_id,
				  (long long)it.school_id);
		int64_t first = 0;
		if (hmap_get(&rd->seen, key, (size_t)kn, &first))
			sit_err(rd, r->row, S_SCHOOL, it.login, "duplicate",
				"у школы уже есть строка этой процедуры (строка %lld): одна дата на параллель",
				(long long)first);
		else
			hmap_put(&rd->seen, key, (size_t)kn, r->row);
	}
	if (diag_errors(rd->diags) > before) {
		rd->bad++;
		return 0;
	}
	rd->items = xgrow(rd->items, &rd->cap, rd->n + 1, sizeof it);
	rd->items[rd->n++] = it;
	return 0;
}

int import_sittings(struct db *d, const char *path, const struct import_opts *o,
		    struct diag_list *diags, struct import_stats *st)
{
	struct sit_reader rd = { .path = o->name ? o->name : path, .diags = diags, .db = d };
	arena_init(&rd.arena, 0);
	hmap_init(&rd.schools);
	hmap_init(&rd.procs);
	hmap_init(&rd.seen);
	memset(st, 0, sizeof *st);
	char msg[512] = "";
	const struct scope all = scope_all();
	const char *by = o->user && *o->user ? o->user : "oko import";
	int rc = registry_school_index(d, &rd.schools);
	if (rc)
		goto out;
	struct table_in in = import_input(path, o);
	rc = import_read_table(&in, sit_row, &rd, &rd.src, rd.path, &rd.have_header, diags);
	st->rows = rd.rows;
	st->rejected = rd.bad;
	if (rc)
		goto out;
	/* What needs the stored sittings (a sitting with an observer keeps its date) is
	 * plan_fix_date's, inside the transaction; every row's refusal is collected, then
	 * everything is undone. */
	if ((rc = db_begin(d)))
		goto out;
	for (size_t i = 0; i < rd.n; i++) {
		const struct sit_item *it = &rd.items[i];
		int64_t campaign = 0;
		long added = 0;
		if ((rc = plan_procedure_get(d, it->procedure_id, &campaign, NULL)) ||
		    (rc = plan_assign(d, &all, campaign, it->procedure_id, it->school_id, 0, by, &added)))
			break;
		int frc = plan_fix_date(d, it->procedure_id, it->school_id, NULL, it->date, it->time, by,
					msg, sizeof msg);
		if (frc == ERR_INVALID || frc == ERR_NOTFOUND) {
			char col[128] = "";
			table_colname(&rd.src, rd.col[S_DATE], sit_cols[S_DATE][0], col, sizeof col);
			diag_add(diags, DIAG_ERROR, rd.path, rd.src.sheet, it->row, col, it->date, "fix_date",
				 "%s", msg);
			st->rejected++;
			continue;
		}
		if ((rc = frc))
			break;
		if (added)
			st->created++;
		else
			st->updated++;
	}
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary,
			 "%sпроведений: %ld (школ, впервые включённых в процедуру, %ld; с изменённой "
			 "датой или временем %ld)",
			 o->dry_run ? "проверено, ничего не сохранено: " : "", (long)rd.n, st->created,
			 st->updated);
	else
		snprintf(st->summary, sizeof st->summary, "строк: %ld, с ошибками: %ld", st->rows,
			 st->rejected);
	arena_free(&rd.arena);
	hmap_free(&rd.schools);
	hmap_free(&rd.procs);
	hmap_free(&rd.seen);
	free(rd.items);
	free(rd.win);
	return rc;
}
