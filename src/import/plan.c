/* plan: import of a plan-graph file (docs/plan.md):
 *   campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline
 * one row per procedure of a campaign. Campaigns are created on first mention; a procedure
 * already planned in the same campaign gets the new dates. The file is read and checked
 * whole, then stored in one transaction; any problem (an unknown procedure, a bad or
 * inconsistent date, a procedure of another campaign, schools whose fixed date would fall
 * outside the new window) leaves the database unchanged. */
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

#define MAX_ROWS 100000 /* procedures of campaigns: thousands at most */

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
	bool in_tx = false;
	long campaigns = 0;
	struct table_in in = import_input(path, o);
	int rc = table_read(&in, NULL, on_row, &rd, &rd.src, msg, sizeof msg);
	if (rc < 0 && *msg)
		diag_add(diags, DIAG_ERROR, rd.path, NULL, 0, NULL, NULL, "read", "%s", msg);
	if (!rc && !rd.have_header) {
		diag_add(diags, DIAG_ERROR, rd.path, NULL, 0, NULL, NULL, "empty",
			 "файл пуст: нет ни строки заголовков, ни данных");
		rc = ERR_INVALID;
	}
	if (!rc && diag_errors(diags))
		rc = ERR_INVALID;
	st->rows = rd.rows;
	st->rejected = rd.bad;
	if (rc)
		goto out;
	/* Store in one transaction; problems that need the database (another campaign, fixed
	 * dates outside a new window) are collected for every row, then everything is undone. */
	if ((rc = db_begin(d)))
		goto out;
	in_tx = true;
	for (size_t i = 0; i < rd.n; i++) {
		const struct item *it = &rd.items[i];
		int64_t cid, before;
		bool created;
		if ((rc = plan_campaign_put(d, it->campaign, &cid, &created)))
			goto out;
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
			goto out;
		if (had)
			st->updated++;
		else
			st->created++;
	}
	if (diag_errors(diags)) {
		rc = ERR_INVALID;
		goto out;
	}
	if (o->dry_run)
		goto out;
	rc = db_commit(d);
	in_tx = false;
out:
	if (in_tx)
		db_rollback(d);
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
