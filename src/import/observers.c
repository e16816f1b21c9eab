/* observers: import of the registry of observers (observers.csv) and of paper observation
 * acts (acts.csv), docs/formats.md.
 *
 *   id,name,kind,municipality,works_at,children_at,max_per_day,available
 *   procedure,school,observer_id,started,ended,stages,no_violations,violations,comment
 *
 * Both files are small (thousands of rows): every row is checked into memory first, each
 * problem named by row, column and value in Russian, and the rows are stored through
 * model/observer in one transaction only when no row is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "import/named.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"

#define MAX_OBSERVERS 20000 /* a region's registry holds thousands */
#define MAX_ACTS 100000

/* ---- observers.csv ---- */

enum { O_ID, O_NAME, O_KIND, O_MUN, O_WORKS, O_CHILDREN, O_MAXDAY, O_AVAIL, O_NCOLS };
static const char *const obs_cols[O_NCOLS][4] = {
	{ "id", "код", "идентификатор", NULL },
	{ "name", "фио", "наблюдатель", NULL },
	{ "kind", "вид", "статус", NULL },
	{ "municipality", "муниципалитет", NULL },
	{ "works_at", "работает", "место работы", NULL },
	{ "children_at", "дети", "дети обучаются", NULL },
	{ "max_per_day", "в день", "наблюдений в день", NULL },
	{ "available", "доступен", "даты", NULL },
};
/* The conflicts of interest must be stated (even empty): a file without them would assign
 * observers to their own schools. The limit and the days have defaults. */
static const bool obs_required[O_NCOLS] = { true, true, true, true, true, true, false, false };

struct obs_reader {
	struct named_reader rd;
	const char *campaign;
	char first[PLAN_DATE_LEN], last[PLAN_DATE_LEN]; /* the campaign's days; "" when none */
	int64_t only_municipality;
	struct obs_person *items;
	long *rowof;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* works_at / children_at: known school logins, each once. */
static void parse_schools(struct obs_reader *or, long row, int k, const char *text,
			  int64_t *ids, int *n)
{
	struct named_reader *rd = &or->rd;
	char *copy = arena_strdup(&rd->arena, text), *p = copy, *login;
	*n = 0;
	while ((login = named_token(&p, " \t,;"))) {
		int64_t id;
		if (!hmap_get(&rd->schools, login, strlen(login), &id)) {
			named_err(rd, row, k, text, "school", "школы с логином «%s» нет в реестре школ", login);
			continue;
		}
		bool dup = false;
		for (int i = 0; i < *n && !dup; i++)
			dup = ids[i] == id;
		if (dup)
			continue;
		if (*n == OBS_MAX_SCHOOLS) {
			named_err(rd, row, k, text, "too_many", "больше %d школ у одного наблюдателя",
			       OBS_MAX_SCHOOLS);
			return;
		}
		ids[(*n)++] = id;
	}
}

/* available: real dates within the campaign, sorted, each once. */
static void parse_days(struct obs_reader *or, long row, const char *text, struct obs_person *p)
{
	struct named_reader *rd = &or->rd;
	char *copy = arena_strdup(&rd->arena, text), *q = copy, *day;
	p->ndays = 0;
	while ((day = named_token(&q, " \t,;"))) {
		if (!plan_date_valid(day)) {
			named_err(rd, row, O_AVAIL, text, "date",
			       "«%s» — не дата: нужны даты в виде ГГГГ-ММ-ДД через пробел, например "
			       "2021-04-13 2021-04-15", day);
			continue;
		}
		if (!or->first[0]) {
			named_err(rd, row, O_AVAIL, text, "no_window",
			       "в кампании «%s» нет процедур с периодом проведения: даты доступности "
			       "проверить не с чем (сначала загрузите план-график)", or->campaign);
			return;
		}
		if (strcmp(day, or->first) < 0 || strcmp(day, or->last) > 0) {
			char a[PLAN_DATE_LEN], b[PLAN_DATE_LEN];
			plan_date_ru(or->first, a);
			plan_date_ru(or->last, b);
			named_err(rd, row, O_AVAIL, text, "outside", "дата %s вне кампании «%s» (%s–%s)", day,
			       or->campaign, a, b);
			continue;
		}
		bool dup = false;
		for (int i = 0; i < p->ndays && !dup; i++)
			dup = !strcmp(p->days[i], day);
		if (dup)
			continue;
		if (p->ndays == OBS_MAX_DAYS) {
			named_err(rd, row, O_AVAIL, text, "too_many", "больше %d дат доступности", OBS_MAX_DAYS);
			return;
		}
		snprintf(p->days[p->ndays++], PLAN_DATE_LEN, "%s", day);
	}
	qsort(p->days, (size_t)p->ndays, sizeof p->days[0], cmp_str);
}

static int observer_row(void *ctx, const struct table_row *r)
{
	struct obs_reader *or = ctx;
	struct named_reader *rd = &or->rd;
	if (!rd->have_header)
		return named_header(rd, r);
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_OBSERVERS) {
		named_err(rd, r->row, -1, NULL, "too_many_rows",
		       "больше %d строк: это не похоже на реестр наблюдателей", MAX_OBSERVERS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct obs_person *p = xcalloc(1, sizeof *p);
	const char *code = named_cell(rd, r, O_ID), *name = named_cell(rd, r, O_NAME),
		   *kind = named_cell(rd, r, O_KIND), *mun = named_cell(rd, r, O_MUN),
		   *works = named_cell(rd, r, O_WORKS), *children = named_cell(rd, r, O_CHILDREN),
		   *maxday = named_cell(rd, r, O_MAXDAY), *avail = named_cell(rd, r, O_AVAIL);

	if (!*code) {
		named_err(rd, r->row, O_ID, code, "required", "не указан код наблюдателя");
	} else if (strlen(code) >= OBS_CODE_MAX || named_has_control(code)) {
		named_err(rd, r->row, O_ID, code, "id",
		       "код наблюдателя — не длиннее %d байт, без управляющих символов",
		       OBS_CODE_MAX - 1);
	} else {
		int64_t first;
		if (hmap_get(&rd->seen, code, strlen(code), &first))
			named_err(rd, r->row, O_ID, code, "duplicate",
			       "наблюдатель «%s» повторяется: строки %lld и %ld", code, (long long)first,
			       r->row);
		else
			hmap_put(&rd->seen, code, strlen(code), r->row);
		snprintf(p->code, sizeof p->code, "%s", code);
	}
	if (!*name)
		named_err(rd, r->row, O_NAME, name, "required", "не указаны ФИО наблюдателя");
	else if (strlen(name) >= OBS_NAME_MAX || named_has_control(name))
		named_err(rd, r->row, O_NAME, name, "name", "слишком длинные ФИО (больше %d байт)",
		       OBS_NAME_MAX - 1);
	else
		snprintf(p->name, sizeof p->name, "%s", name);
	if (str_fold_eq(kind, "общественный"))
		p->kind = OBS_PUBLIC;
	else if (str_fold_eq(kind, "специалист"))
		p->kind = OBS_SPECIALIST;
	else
		named_err(rd, r->row, O_KIND, kind, "kind",
		       *kind ? "вид наблюдателя — «общественный» или «специалист»"
			     : "не указан вид наблюдателя: «общественный» или «специалист»");
	if (*mun) {
		if (registry_municipality_find(rd->db, mun, &p->municipality_id))
			named_err(rd, r->row, O_MUN, mun, "municipality",
			       "такого муниципалитета нет в реестре школ");
		else if (or->only_municipality && p->municipality_id != or->only_municipality)
			named_err(rd, r->row, O_MUN, mun, "scope",
			       "можно загружать только наблюдателей своего муниципалитета");
	} else {
		p->municipality_id = or->only_municipality;
	}
	parse_schools(or, r->row, O_WORKS, works, p->works_at, &p->nworks);
	parse_schools(or, r->row, O_CHILDREN, children, p->children_at, &p->nchildren);
	long m = 1;
	if (*maxday && (str_to_int(maxday, strlen(maxday), &m) || m < 1 || m > 10))
		named_err(rd, r->row, O_MAXDAY, maxday, "max_per_day",
		       "наблюдений в день — целое число от 1 до 10 (пусто — 1)");
	p->max_per_day = (int)m;
	parse_days(or, r->row, avail, p);

	if (diag_errors(rd->diags) > before) {
		rd->bad++;
	} else {
		or->items = xgrow(or->items, &or->cap, or->n + 1, sizeof *or->items);
		or->rowof = xrealloc(or->rowof, or->cap * sizeof *or->rowof);
		or->items[or->n] = *p;
		or->rowof[or->n++] = r->row;
	}
	free(p);
	return 0;
}

/* The days of the campaign: from the first window_from to the last window_to of its
 * procedures ("" when it has none). */
static int campaign_days(struct db *d, int64_t cid, char first[PLAN_DATE_LEN],
			 char last[PLAN_DATE_LEN])
{
	struct plan_row *rows = NULL;
	size_t n = 0;
	first[0] = last[0] = '\0';
	int rc = plan_rows(d, cid, 0, NULL, &rows, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *f = rows[i].dates.d[PLAN_WINDOW_FROM], *t = rows[i].dates.d[PLAN_WINDOW_TO];
		if (!first[0] || strcmp(f, first) < 0)
			snprintf(first, PLAN_DATE_LEN, "%s", f);
		if (!last[0] || strcmp(t, last) > 0)
			snprintf(last, PLAN_DATE_LEN, "%s", t);
	}
	free(rows);
	return rc;
}

int import_observers(struct db *d, const char *path, const struct import_opts *o,
		     int64_t campaign_id, struct diag_list *diags, struct import_stats *st)
{
	struct obs_reader or = { .only_municipality = o->only_municipality };
	struct named_reader *rd = &or.rd;
	char cname[PLAN_NAME_MAX] = "";
	named_init(rd, d, path, o, diags);
	rd->ncols = O_NCOLS;
	rd->names = obs_cols;
	rd->required = obs_required;
	memset(st, 0, sizeof *st);
	int rc = plan_campaign_get(d, campaign_id, cname, sizeof cname);
	if (rc == ERR_NOTFOUND)
		diag_add(diags, DIAG_ERROR, rd->path, NULL, 0, NULL, NULL, "campaign",
			 "кампании, для которой загружаются наблюдатели, нет в базе");
	if (rc || (rc = campaign_days(d, campaign_id, or.first, or.last)) ||
	    (rc = registry_school_index(d, &rd->schools)))
		goto out;
	or.campaign = cname;
	rc = named_read(rd, path, o, observer_row, &or);
	st->rows = rd->rows;
	st->rejected = rd->bad;
	if (rc)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	const char *by = o->user && *o->user ? o->user : "oko import";
	for (size_t i = 0; i < or.n; i++) {
		struct obs_person *p = &or.items[i];
		int64_t id = 0;
		int frc = observer_find(d, p->code, &id);
		if (frc && frc != ERR_NOTFOUND) {
			rc = frc;
			break;
		}
		if (!frc && or.only_municipality) {
			struct obs_person *was = xcalloc(1, sizeof *was);
			if (!(rc = observer_get(d, id, was)) && was->municipality_id != or.only_municipality) {
				named_err(rd, or.rowof[i], O_ID, p->code, "scope",
				       "наблюдатель с этим кодом уже есть в реестре другого муниципалитета");
				st->rejected++;
			}
			free(was);
			if (rc)
				break;
		}
		if ((rc = observer_put(d, p, by))) {
			named_err(rd, or.rowof[i], O_ID, p->code, "db", "не удалось сохранить наблюдателя: %s",
			       db_errmsg(d));
			break;
		}
		if (frc)
			st->created++;
		else
			st->updated++;
	}
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary,
			 "%sнаблюдателей: %ld (новых %ld, обновлено %ld)",
			 o->dry_run ? "проверено, ничего не сохранено: " : "", (long)or.n, st->created,
			 st->updated);
	else
		snprintf(st->summary, sizeof st->summary, "строк: %ld, с ошибками: %ld", st->rows,
			 st->rejected);
	free(or.items);
	free(or.rowof);
	named_free(rd);
	return rc;
}

/* ---- acts.csv ---- */

enum { A_PROC, A_SCHOOL, A_OBS, A_STARTED, A_ENDED, A_STAGES, A_NOVIOL, A_VIOL, A_COMMENT,
       A_NCOLS };
static const char *const act_cols[A_NCOLS][4] = {
	{ "procedure", "процедура", NULL },
	{ "school", "школа", "логин школы", NULL },
	{ "observer_id", "наблюдатель", "код наблюдателя", NULL },
	{ "started", "начало", NULL },
	{ "ended", "окончание", "конец", NULL },
	{ "stages", "этапы", NULL },
	{ "no_violations", "нарушений не выявлено", NULL },
	{ "violations", "нарушения", NULL },
	{ "comment", "комментарий", NULL },
};
static const bool act_required[A_NCOLS] = { true, true, true, true, true, false, true, false,
					    false };

struct act_item {
	long row;
	int64_t procedure_id, school_id, observer_id;
	char started[PLAN_TIME_LEN], ended[PLAN_TIME_LEN];
	int stages;
	bool no_violations;
	int nviolations;
	int64_t violations[OBS_MAX_VIOLATIONS];
	const char *comment; /* in the arena */
	const char *code, *login, *observer;
};

struct act_reader {
	struct named_reader rd;
	struct hmap procs; /* code → procedure id */
	struct procedure *proc;
	struct act_item *items;
	size_t n, cap;
};

/* 1/0, да/нет (and the words of a checkbox); -1 for anything else. */
static int parse_yes(const char *s)
{
	static const char *const yes[] = { "1", "да", "true", "yes", "+", "нарушений не выявлено" };
	static const char *const no[] = { "0", "нет", "false", "no", "-", "" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (str_fold_eq(s, yes[i]))
			return 1;
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (str_fold_eq(s, no[i]))
			return 0;
	return -1;
}

static void parse_stages(struct act_reader *ar, long row, const char *text, int *bits)
{
	struct named_reader *rd = &ar->rd;
	long v;
	*bits = 0;
	if (!*text)
		return;
	if (!str_to_int(text, strlen(text), &v)) {
		if (v < 0 || v >= 1 << OBS_NSTAGES)
			named_err(rd, row, A_STAGES, text, "stages", "этапы числом — от 0 до %d",
			       (1 << OBS_NSTAGES) - 1);
		else
			*bits = (int)v;
		return;
	}
	char *copy = arena_strdup(&rd->arena, text), *p = copy, *t;
	while ((t = named_token(&p, ";"))) {
		size_t n = str_trim((const char **)&t, strlen(t));
		t[n] = '\0';
		if (!n)
			continue;
		int found = -1;
		for (int i = 0; i < OBS_NSTAGES && found < 0; i++)
			if (str_fold_eq(t, obs_stage_title(i)))
				found = i;
		if (found < 0)
			named_err(rd, row, A_STAGES, text, "stage",
			       "неизвестный этап «%s»; этапы: %s; %s; %s; %s; %s (через «;»)", t,
			       obs_stage_title(0), obs_stage_title(1), obs_stage_title(2),
			       obs_stage_title(3), obs_stage_title(4));
		else
			*bits |= 1 << found;
	}
}

static void parse_violations(struct act_reader *ar, long row, const char *text,
			     struct act_item *it)
{
	struct named_reader *rd = &ar->rd;
	char *copy = arena_strdup(&rd->arena, text), *p = copy, *t;
	it->nviolations = 0;
	while ((t = named_token(&p, ";"))) {
		size_t n = str_trim((const char **)&t, strlen(t));
		t[n] = '\0';
		if (!n)
			continue;
		int64_t id;
		int rc = observer_violation_kind_find(rd->db, t, &id);
		if (rc) {
			named_err(rd, row, A_VIOL, text, "violation",
			       rc == ERR_NOTFOUND ? "нарушения «%s» нет в списке нарушений (список ведёт "
						    "регион)" : "не удалось найти нарушение «%s»", t);
			continue;
		}
		bool dup = false;
		for (int i = 0; i < it->nviolations && !dup; i++)
			dup = it->violations[i] == id;
		if (dup)
			continue;
		if (it->nviolations == OBS_MAX_VIOLATIONS) {
			named_err(rd, row, A_VIOL, text, "too_many", "больше %d нарушений в одном акте",
			       OBS_MAX_VIOLATIONS);
			return;
		}
		it->violations[it->nviolations++] = id;
	}
}

static int act_row(void *ctx, const struct table_row *r)
{
	struct act_reader *ar = ctx;
	struct named_reader *rd = &ar->rd;
	if (!rd->have_header)
		return named_header(rd, r);
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_ACTS) {
		named_err(rd, r->row, -1, NULL, "too_many_rows", "больше %d строк: это не похоже на акты",
		       MAX_ACTS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct act_item it = { .row = r->row };
	it.code = named_cell(rd, r, A_PROC);
	it.login = named_cell(rd, r, A_SCHOOL);
	it.observer = named_cell(rd, r, A_OBS);
	const char *started = named_cell(rd, r, A_STARTED), *ended = named_cell(rd, r, A_ENDED),
		   *stages = named_cell(rd, r, A_STAGES), *noviol = named_cell(rd, r, A_NOVIOL),
		   *viol = named_cell(rd, r, A_VIOL);
	it.comment = named_cell(rd, r, A_COMMENT);

	if (!*it.code) {
		named_err(rd, r->row, A_PROC, it.code, "required", "не указан код процедуры");
	} else if (!hmap_get(&ar->procs, it.code, strlen(it.code), &it.procedure_id)) {
		if (procedure_get(rd->db, it.code, ar->proc))
			named_err(rd, r->row, A_PROC, it.code, "procedure", "такой процедуры нет в базе");
		else
			hmap_put(&ar->procs, it.code, strlen(it.code), it.procedure_id = ar->proc->id);
	}
	if (!hmap_get(&rd->schools, it.login, strlen(it.login), &it.school_id))
		named_err(rd, r->row, A_SCHOOL, it.login, "school",
		       *it.login ? "школы с таким логином нет в реестре школ" : "не указан логин школы");
	if (!*it.observer || observer_find(rd->db, it.observer, &it.observer_id))
		named_err(rd, r->row, A_OBS, it.observer, "observer",
		       *it.observer ? "наблюдателя с таким кодом нет в реестре наблюдателей"
				    : "не указан код наблюдателя");
	bool times = true;
	if (!plan_time_valid(started)) {
		named_err(rd, r->row, A_STARTED, started, "time", "время начала — ЧЧ:ММ, например 09:00");
		times = false;
	}
	if (!plan_time_valid(ended)) {
		named_err(rd, r->row, A_ENDED, ended, "time", "время окончания — ЧЧ:ММ, например 10:30");
		times = false;
	}
	if (times && strcmp(ended, started) < 0)
		named_err(rd, r->row, A_ENDED, ended, "time_order",
		       "время окончания раньше времени начала (%s)", started);
	snprintf(it.started, sizeof it.started, "%s", started);
	snprintf(it.ended, sizeof it.ended, "%s", ended);
	parse_stages(ar, r->row, stages, &it.stages);
	int yes = parse_yes(noviol);
	if (yes < 0)
		named_err(rd, r->row, A_NOVIOL, noviol, "no_violations",
		       "«нарушений не выявлено»: 1 (да) или 0 (нет)");
	it.no_violations = yes == 1;
	size_t vbefore = diag_errors(rd->diags);
	parse_violations(ar, r->row, viol, &it);
	if (yes >= 0 && diag_errors(rd->diags) == vbefore) {
		if (it.no_violations && it.nviolations)
			named_err(rd, r->row, A_NOVIOL, noviol, "contradiction",
			       "отмечено «нарушений не выявлено», а в столбце нарушений они есть");
		else if (!it.no_violations && !it.nviolations)
			named_err(rd, r->row, A_VIOL, viol, "required",
			       "не отмечено ни «нарушений не выявлено», ни одно нарушение");
	}
	if (strlen(it.comment) >= OBS_COMMENT_MAX)
		named_err(rd, r->row, A_COMMENT, NULL, "comment", "комментарий длиннее %d байт",
		       OBS_COMMENT_MAX - 1);
	if (diag_errors(rd->diags) == before && it.procedure_id && it.school_id && it.observer_id &&
	    !observer_assigned_to(rd->db, it.observer_id, it.procedure_id, it.school_id))
		named_err(rd, r->row, A_OBS, it.observer, "not_assigned",
		       "наблюдатель не назначен на проведение %s в школе %s", it.code, it.login);
	if (diag_errors(rd->diags) == before) {
		char key[80];
		int kn = snprintf(key, sizeof key, "%lld:%lld:%lld", (long long)it.procedure_id,
				  (long long)it.school_id, (long long)it.observer_id);
		int64_t first;
		if (hmap_get(&rd->seen, key, (size_t)kn, &first))
			named_err(rd, r->row, A_OBS, it.observer, "duplicate",
			       "акт этого наблюдателя о проведении %s в школе %s повторяется: строки "
			       "%lld и %ld", it.code, it.login, (long long)first, r->row);
		else
			hmap_put(&rd->seen, key, (size_t)kn, r->row);
	}
	if (diag_errors(rd->diags) > before) {
		rd->bad++;
		return 0;
	}
	ar->items = xgrow(ar->items, &ar->cap, ar->n + 1, sizeof it);
	ar->items[ar->n++] = it;
	return 0;
}

int import_acts(struct db *d, const char *path, const struct import_opts *o,
		struct diag_list *diags, struct import_stats *st)
{
	struct act_reader ar = { 0 };
	struct named_reader *rd = &ar.rd;
	struct obs_act *a = xcalloc(1, sizeof *a);
	struct obs_act *stored = NULL;
	size_t nstored = 0;
	struct hmap existing;
	char msg[512];
	named_init(rd, d, path, o, diags);
	rd->ncols = A_NCOLS;
	rd->names = act_cols;
	rd->required = act_required;
	hmap_init(&ar.procs);
	hmap_init(&existing);
	ar.proc = xcalloc(1, sizeof *ar.proc);
	memset(st, 0, sizeof *st);
	int rc = registry_school_index(d, &rd->schools);
	if (rc)
		goto out;
	rc = named_read(rd, path, o, act_row, &ar);
	st->rows = rd->rows;
	st->rejected = rd->bad;
	if (rc)
		goto out;
	/* The acts already stored, so that a corrected act replaces its earlier copy. */
	const struct scope all = scope_all();
	if ((rc = observer_acts(d, &all, 0, &stored, &nstored)))
		goto out;
	for (size_t i = 0; i < nstored; i++) {
		char key[80];
		int kn = snprintf(key, sizeof key, "%lld:%lld:%lld", (long long)stored[i].procedure_id,
				  (long long)stored[i].school_id, (long long)stored[i].observer_id);
		hmap_put(&existing, key, (size_t)kn, stored[i].id);
	}
	/* Every refusal the model knows was checked above, row by row; the acts are stored in
	 * one transaction, so the file is stored whole or not at all (a dry run stores them
	 * and undoes it). */
	const char *by = o->user && *o->user ? o->user : "oko import";
	if ((rc = db_begin(d)))
		goto out;
	for (size_t i = 0; i < ar.n; i++) {
		const struct act_item *it = &ar.items[i];
		char key[80];
		int kn = snprintf(key, sizeof key, "%lld:%lld:%lld", (long long)it->procedure_id,
				  (long long)it->school_id, (long long)it->observer_id);
		int64_t was = 0, id = 0;
		hmap_get(&existing, key, (size_t)kn, &was);
		memset(a, 0, sizeof *a);
		a->id = was;
		a->procedure_id = it->procedure_id;
		a->school_id = it->school_id;
		a->observer_id = it->observer_id;
		snprintf(a->started, sizeof a->started, "%s", it->started);
		snprintf(a->ended, sizeof a->ended, "%s", it->ended);
		a->stages = it->stages;
		a->no_violations = it->no_violations;
		a->nviolations = it->nviolations;
		memcpy(a->violations, it->violations, sizeof a->violations);
		snprintf(a->comment, sizeof a->comment, "%s", it->comment);
		a->paper = true;
		msg[0] = '\0';
		if ((rc = observer_act_put_in(d, a, by, &id, msg, sizeof msg))) {
			named_err(rd, it->row, -1, NULL, "act", "акт не сохранён: %s; не сохранено ничего",
			       *msg ? msg : err_str(rc));
			st->rejected++;
			break;
		}
		if (was)
			st->updated++;
		else
			st->created++;
	}
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary, "%sактов наблюдения: %ld (новых %ld, заменено %ld)",
			 o->dry_run ? "проверено, ничего не сохранено: " : "", (long)ar.n, st->created,
			 st->updated);
	else
		snprintf(st->summary, sizeof st->summary, "строк: %ld, с ошибками: %ld", st->rows,
			 st->rejected);
	free(stored);
	free(a);
	free(ar.proc);
	free(ar.items);
	hmap_free(&ar.procs);
	hmap_free(&existing);
	named_free(rd);
	return rc;
}
