/* measures: plans of measures in the browser (docs/measures.md, "In the browser").
 *
 *   GET  /measures                 the plans the user sees (owner, period, execution, overdue),
 *                                  «Новый план» (from a template or empty); a school also its
 *                                  «Мероприятия для нашей школы» (measures addressed to it)
 *   POST /measures                 a new plan (owner, template, title, period) → the plan
 *   GET  /measures/{id}            a plan: facts, blocks with their measures, the forms of its
 *                                  editors, addressed help, its outcome, import/export, documents
 *   POST /measures/{id}            the plan's title, goal, period, «утверждён»
 *   POST /measures/{id}/delete     the plan with everything in it (confirm)
 *   POST /measures/{id}/block      a block added, renamed or deleted
 *   POST /measures/{id}/measure    a measure added at the end of a block
 *   POST /measures/{id}/help       addressed help from the latest analysis run
 *   POST /measures/{id}/import     the plan's table (XLSX/CSV) added to the plan
 *   GET  /measures/{id}/plan.xlsx  the plan's table
 *   GET  /measure/{id}             a measure: its facts, status notes with files, the report
 *                                  form (its plan's editors and the school it is addressed to)
 *                                  and the edit form (editors)
 *   POST /measure/{id}             edit; /delete; /move (up, down); /report (status, note, file)
 *   GET  /measure/note/{id}        a note's evidence file
 *
 * Who: a plan is seen and edited by the users whose territory holds it (mplan_in_scope); a
 * measure is also seen by the school it is addressed to, which reports on it but never
 * edits it (measure_in_scope, measure_may_report). Anything outside that is 404, as if it
 * did not exist. Evidence files are accepted by their first bytes (PDF, JPEG, PNG, DOCX,
 * XLSX), at most 20 МБ, stored under a random id beside the database (io/scan:
 * scan_store in measure_files_dir) before the note is written, and removed again when the
 * note is refused. All SQL is in model/measure.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "import/import.h"
#include "io/scan.h"
#include "io/table_write.h"
#include "model/measure.h"
#include "model/plan.h"
#include "model/run.h"
#include "model/unit.h"
#include "model/user.h"
#include "report/measures_table.h"
#include "web/download.h"
#include "web/metrics.h"
#include "web/web.h"

#define EVIDENCE_MAX (20u << 20) /* bytes of one evidence file */
#define HOME_OVERDUE 5           /* overdue measures listed on the home page */

/* The kinds of addressed help in the form's order, with their checkbox labels. */
static const struct {
	enum mp_kind kind;
	const char *label;
} help_kinds[] = {
	{ MP_KIND_INTERVIEW, "собеседование с руководителем" },
	{ MP_KIND_CONTROL, "персональный контроль учителей" },
	{ MP_KIND_RECHECK, "перепроверка работ" },
	{ MP_KIND_OBSERVERS, "наблюдатели на следующей процедуре" },
	{ MP_KIND_SEMINAR, "семинар по критериям оценивания" },
};

/* What a POST tells the page it answers with. */
struct flash {
	const char *text;
	bool ok;
	const struct mp_help_report *help;
	const struct diag_list *diags;
};

/* ---- words ---- */

static void notice(struct buf *b, bool ok, const char *text)
{
	if (!text)
		return;
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

/* «01.09.2020 – 31.05.2021». */
static void period_ru(struct buf *b, const char *from, const char *to)
{
	web_date_ru(b, from);
	if (to && *to && strcmp(from, to)) {
		buf_puts(b, " – ");
		web_date_ru(b, to);
	}
}

/* «выполнено в срок 12 из 20, 60 %» (cancelled measures do not count). */
static void execution_ru(struct buf *b, const struct mp_plan *p)
{
	long all = p->measures - p->cancelled;
	if (all <= 0) {
		buf_puts(b, "мероприятий нет");
		return;
	}
	buf_puts(b, "выполнено в срок ");
	html_int(b, p->done_on_time);
	buf_puts(b, " из ");
	html_int(b, all);
	double share = isnan(p->execution) ? (double)p->done_on_time / (double)all : p->execution;
	html_printf(b, ", %ld\xC2\xA0%%", lround(100 * share));
}

/* The status of a measure; overdue in red. */
static void status_ru(struct buf *b, const struct mp_measure *m)
{
	if (m->overdue) {
		buf_puts(b, "<strong class=\"mp-overdue\">просрочено</strong>");
		if (m->due[0]) {
			buf_puts(b, "<br><small>срок ");
			web_date_ru(b, m->due);
			buf_puts(b, "</small>");
		}
		return;
	}
	html_printf(b, "<span class=\"mp-st mp-%s\">", mp_status_id(m->status));
	html_text(b, mp_status_title(m->status));
	buf_puts(b, "</span>");
	if (m->status == MP_DONE && m->done_on[0]) {
		buf_puts(b, "<br><small>");
		web_date_ru(b, m->done_on);
		buf_puts(b, "</small>");
	}
}

/* The срок as written, and the date it is tracked by when that says more. */
static void term_ru(struct buf *b, const struct mp_measure *m)
{
	if (m->term[0])
		html_text(b, m->term);
	else if (m->start[0] && m->due[0])
		period_ru(b, m->start, m->due);
	else if (m->due[0])
		web_date_ru(b, m->due);
	char due_ru[PLAN_DATE_LEN] = "";
	if (m->due[0])
		plan_date_ru(m->due, due_ru);
	if (m->term[0] && m->due[0] && !strstr(m->term, due_ru)) {
		buf_puts(b, "<br><small>контроль: ");
		web_date_ru(b, m->due);
		buf_puts(b, "</small>");
	}
}

/* A file's size as people read it: «850 КБ», «1,2 МБ». */
static void size_ru(struct buf *b, int64_t n)
{
	if (n < 1024 * 1024) {
		html_printf(b, "%lld КБ", (long long)((n + 1023) / 1024));
		return;
	}
	long tenths = (long)((n * 10 + 512 * 1024) / (1024 * 1024));
	html_printf(b, "%ld,%ld МБ", tenths / 10, tenths % 10);
}

static const char *type_title(const char *t)
{
	return !strcmp(t, "pdf") ? "PDF" : !strcmp(t, "jpeg") ? "JPEG" : !strcmp(t, "png") ? "PNG"
	       : !strcmp(t, "docx") ? "DOCX" : !strcmp(t, "xlsx") ? "XLSX" : t;
}

/* A note: «14.04.2021 09:30 (UTC), ivanov: выполнено — text; файл акт.pdf (PDF, 120 КБ)». */
static void note_ru(struct buf *b, const struct mp_note *x, bool files)
{
	web_moment_ru(b, x->at);
	buf_puts(b, ", ");
	html_text(b, x->by);
	buf_puts(b, ": ");
	html_text(b, mp_status_title(x->status));
	if (x->note[0]) {
		buf_puts(b, " — ");
		html_text(b, x->note);
	}
	if (x->file_id[0]) {
		buf_puts(b, "; ");
		if (files) {
			html_printf(b, "<a href=\"/measure/note/%lld\">", (long long)x->id);
			html_text(b, x->file_name[0] ? x->file_name : "файл");
			buf_puts(b, "</a>");
		} else {
			html_text(b, x->file_name[0] ? x->file_name : "файл");
		}
		html_printf(b, " (%s, ", type_title(x->file_type));
		size_ru(b, x->file_size);
		buf_puts(b, ")");
	}
}

/* The latest note of a measure into *out; false when it has none. */
static bool last_note(struct web_req *r, int64_t measure_id, struct mp_note *out)
{
	struct mp_note *v = NULL;
	size_t n = 0;
	bool got = false;
	if (!measure_notes(r->db, measure_id, &v, &n) && n) {
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (v[i].id > v[best].id)
				best = i;
		*out = v[best];
		got = true;
	}
	free(v);
	return got;
}

/* ---- the list ---- */

struct owners {
	struct web_req *r;
	struct buf *b;
};

static int owner_municipality(void *ctx, int64_t id, const char *login, const char *name)
{
	(void)login;
	struct owners *o = ctx;
	html_printf(o->b, "<option value=\"municipality:%lld\">", (long long)id);
	html_text(o->b, name);
	buf_puts(o->b, "</option>");
	return 0;
}

static int owner_region(void *ctx, int64_t id, const char *login, const char *name)
{
	(void)login;
	struct owners *o = ctx;
	buf_puts(o->b, "<optgroup label=\"");
	html_attr(o->b, name);
	html_printf(o->b, "\"><option value=\"region:%lld\">", (long long)id);
	html_text(o->b, name);
	buf_puts(o->b, " (регион)</option>");
	unit_children(o->r->db, UNIT_REGION, id, owner_municipality, o);
	buf_puts(o->b, "</optgroup>");
	return 0;
}

static void new_plan_form(struct web_req *r, struct buf *b)
{
	buf_puts(b, "<section id=\"new\" class=\"card\"><h2>Новый план</h2><form class=\"grid\" method=\"post\" "
		    "action=\"/measures\">");
	html_csrf(r, b);
	if (r->user.role == ROLE_SCHOOL || r->user.role == ROLE_MUNICIPALITY) {
		buf_puts(b, "<p>План ");
		html_text(b, r->user.role == ROLE_SCHOOL ? "школы" : "муниципалитета");
		buf_puts(b, ": <strong>");
		html_text(b, r->user.scope_name);
		buf_puts(b, "</strong></p>");
	} else {
		struct owners o = { r, b };
		buf_puts(b, "<label>Чей план <select name=\"owner\" required>");
		unit_regions(r->db, &r->scope, owner_region, &o);
		buf_puts(b, "</select></label>");
	}
	buf_puts(b, "<label>Шаблон <select name=\"template\"><option value=\"\">пустой план</option>");
	struct mp_template *t = NULL;
	size_t nt = 0;
	if (!mp_templates(&t, &nt)) {
		for (size_t i = 0; i < nt; i++) {
			buf_puts(b, "<option value=\"");
			html_attr(b, t[i].id);
			buf_puts(b, "\">");
			html_text(b, t[i].title);
			html_printf(b, " (%d %s, ", t[i].nblocks, str_plural(t[i].nblocks, "направление", "направления",
										   "направлений"));
			html_count(b, t[i].nmeasures, "мероприятие", "мероприятия", "мероприятий");
			buf_puts(b, ")</option>");
		}
	}
	free(t);
	char today[PLAN_DATE_LEN];
	web_today(today);
	long y = 0, m = 0;
	str_to_int(today, 4, &y);
	str_to_int(today + 5, 2, &m);
	int from = m >= 8 ? (int)y : (int)y - 1; /* the school year the day falls in */
	buf_puts(b, "</select></label><label>Название <input name=\"title\" maxlength=\"190\" "
		    "placeholder=\"из шаблона, если не указано\"></label>");
	html_printf(b, "<label>Начало периода <input type=\"date\" name=\"period_from\" required value=\"%d-09-01\">"
		       "</label><label>Конец периода <input type=\"date\" name=\"period_to\" required "
		       "value=\"%d-08-31\"></label>", from, from + 1);
	buf_puts(b, "<p><button>Создать план</button></p></form></section>");
}

static void plans_table(struct buf *b, const struct mp_plan *v, size_t n)
{
	if (!n) {
		buf_puts(b, "<p>Планов мероприятий пока нет.</p>");
		return;
	}
	buf_puts(b, "<div class=\"scroll\"><table class=\"mp-plans\"><thead><tr><th>План</th><th>Чей</th>"
		    "<th>Период</th><th>Выполнение</th><th>Просрочено</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct mp_plan *p = &v[i];
		html_printf(b, "<tr%s><td><a href=\"/measures/%lld\">", p->overdue ? " class=\"warn\"" : "",
			    (long long)p->id);
		html_text(b, p->title);
		buf_puts(b, "</a>");
		if (p->approved[0]) {
			buf_puts(b, "<br><small>утверждён ");
			html_text(b, p->approved);
			buf_puts(b, "</small>");
		}
		buf_puts(b, "</td><td>");
		html_text(b, p->owner);
		buf_puts(b, "</td><td>");
		period_ru(b, p->period_from, p->period_to);
		buf_puts(b, "</td><td>");
		execution_ru(b, p);
		buf_puts(b, "</td><td class=\"num\">");
		if (p->overdue)
			html_printf(b, "<strong class=\"mp-overdue\">%ld</strong>", p->overdue);
		else
			buf_puts(b, "0");
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>");
}

/* The measures addressed to the user's school. */
static void school_measures(struct web_req *r, struct buf *b)
{
	struct mp_measure *v = NULL;
	size_t n = 0;
	buf_puts(b, "<section id=\"ours\"><h2>Мероприятия для нашей школы</h2>");
	if (measure_of_school(r->db, r->user.school_id, &v, &n) || !n) {
		buf_puts(b, "<p>Адресных мероприятий для школы нет.</p></section>");
		free(v);
		return;
	}
	buf_puts(b, "<p class=\"muted\">Отметьте ход выполнения и приложите подтверждающий документ: откройте "
		    "мероприятие.</p><div class=\"scroll\"><table class=\"mp-measures\"><thead><tr><th>Мероприятие</th>"
		    "<th>План</th><th>Срок</th><th>Ответственный</th><th>Статус</th><th>Последняя отметка</th></tr>"
		    "</thead><tbody>");
	int64_t plan = 0;
	struct mp_plan *p = calloc(1, sizeof *p);
	for (size_t i = 0; i < n; i++) {
		const struct mp_measure *m = &v[i];
		html_printf(b, "<tr%s><td class=\"mp-what\"><a href=\"/measure/%lld\">", m->overdue ? " class=\"err\"" : "",
			    (long long)m->id);
		html_text(b, m->text);
		buf_puts(b, "</a></td><td>");
		if (p && plan != m->plan_id) {
			plan = m->plan_id;
			if (mplan_get(r->db, plan, p))
				p->title[0] = p->owner[0] = '\0';
		}
		if (p) {
			html_text(b, p->title);
			if (p->owner[0]) {
				buf_puts(b, "<br><small>");
				html_text(b, p->owner);
				buf_puts(b, "</small>");
			}
		}
		buf_puts(b, "</td><td>");
		term_ru(b, m);
		buf_puts(b, "</td><td>");
		html_text(b, m->responsible);
		buf_puts(b, "</td><td>");
		status_ru(b, m);
		buf_puts(b, "</td><td>");
		struct mp_note x;
		if (last_note(r, m->id, &x))
			note_ru(b, &x, true);
		else
			buf_puts(b, "—");
		buf_puts(b, "</td></tr>");
	}
	free(p);
	buf_puts(b, "</tbody></table></div></section>");
	free(v);
}

static int render_list(struct web_req *r, struct web_res *w, const struct flash *f)
{
	struct buf *b = &w->body;
	struct mp_plan *v = NULL;
	size_t n = 0;
	int rc = mplan_list(r->db, &r->scope, &v, &n);
	if (rc)
		return rc;
	buf_reset(b);
	html_begin(r, w, "Планы мероприятий");
	buf_puts(b, "<h1>Планы мероприятий</h1><p class=\"lead\">Планы по повышению объективности оценивания: "
		    "направления, мероприятия со сроками и ответственными, отметки о выполнении с "
		    "подтверждающими документами.</p>");
	if (f)
		notice(b, f->ok, f->text);
	if (r->user.role == ROLE_SCHOOL)
		school_measures(r, b);
	buf_puts(b, "<section id=\"plans\"><h2>");
	html_text(b, r->user.role == ROLE_SCHOOL ? "Планы школы" : "Планы");
	buf_puts(b, "</h2>");
	plans_table(b, v, n);
	buf_puts(b, "</section>");
	new_plan_form(r, b);
	buf_puts(b, "<p><a href=\"/documents\">Документы: приказ, справки, план</a></p>");
	html_end(r, w);
	free(v);
	return 0;
}

int page_measures(struct web_req *r, struct web_res *w)
{
	return render_list(r, w, NULL);
}

/* The owner a form names ("region:3", "municipality:12", "school:40"; empty: the user's own
 * territory), checked against the scope. */
static int owner_parse(struct web_req *r, const char *s, struct mp_plan *p)
{
	if (!s || !*s) {
		switch (r->user.role) {
		case ROLE_SCHOOL:
			p->level = MP_SCHOOL;
			p->school_id = r->user.school_id;
			return p->school_id ? 0 : ERR_INVALID;
		case ROLE_MUNICIPALITY:
			p->level = MP_MUNICIPALITY;
			p->municipality_id = r->user.municipality_id;
			return p->municipality_id ? 0 : ERR_INVALID;
		default:
			p->level = MP_REGION;
			p->region_id = r->user.region_id;
			if (!p->region_id && unit_first_region(r->db, &p->region_id))
				return ERR_INVALID;
			return p->region_id ? 0 : ERR_INVALID;
		}
	}
	const char *colon = strchr(s, ':');
	int64_t id;
	if (!colon || web_parse_int(colon + 1, 1, INT64_MAX, &id))
		return ERR_INVALID;
	char lv[16];
	snprintf(lv, sizeof lv, "%.*s", (int)(colon - s), s);
	int level = mp_level_parse(lv);
	bool seen = level == MP_REGION ? scope_sees_region(r->db, &r->scope, id)
		    : level == MP_MUNICIPALITY ? scope_sees_municipality(r->db, &r->scope, id)
		    : level == MP_SCHOOL ? scope_sees_school(r->db, &r->scope, id) : false;
	if (!seen)
		return ERR_NOTFOUND;
	p->level = (enum mp_level)level;
	if (level == MP_REGION)
		p->region_id = id;
	else if (level == MP_MUNICIPALITY)
		p->municipality_id = id;
	else
		p->school_id = id;
	return 0;
}

static int list_refuse(struct web_req *r, struct web_res *w, int status, const char *text)
{
	struct flash f = { .text = text, .ok = false };
	w->status = status;
	return render_list(r, w, &f);
}

int page_measures_create(struct web_req *r, struct web_res *w)
{
	struct mp_plan *p = calloc(1, sizeof *p);
	char msg[400] = "", text[600];
	int rc = ERR_NOMEM;
	if (!p)
		return rc;
	if ((rc = owner_parse(r, web_str(r, "owner"), p))) {
		rc = list_refuse(r, w, rc == ERR_NOTFOUND ? 404 : 400,
				 "План не создан: выберите территорию из списка — регион, муниципалитет или школу "
				 "вашей территории.");
		goto out;
	}
	const char *title = web_str(r, "title"), *tpl = web_str(r, "template");
	snprintf(p->title, sizeof p->title, "%s", title ? title : "");
	snprintf(p->period_from, sizeof p->period_from, "%s", web_str(r, "period_from") ? web_str(r, "period_from") : "");
	snprintf(p->period_to, sizeof p->period_to, "%s", web_str(r, "period_to") ? web_str(r, "period_to") : "");
	if (!p->period_from[0] || !p->period_to[0]) {
		rc = list_refuse(r, w, 400, "План не создан: укажите начало и конец периода.");
		goto out;
	}
	if (tpl && *tpl)
		rc = mplan_from_template(r->db, tpl, p, r->user.login, msg, sizeof msg);
	else if (!p->title[0])
		rc = ERR_INVALID, snprintf(msg, sizeof msg, "укажите название плана или выберите шаблон");
	else
		rc = mplan_add(r->db, p, r->user.login, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		snprintf(text, sizeof text, "План не создан: %s.", msg[0] ? msg : "проверьте поля формы");
		rc = list_refuse(r, w, rc == ERR_NOTFOUND ? 404 : 400, text);
		goto out;
	}
	if (rc)
		goto out;
	audit_add(r->db, &r->user, NULL, "mplan_add", arena_printf(r->a, "%lld", (long long)p->id), p->title, r->ip);
	web_redirect(w, arena_printf(r->a, "/measures/%lld", (long long)p->id));
out:
	free(p);
	return rc;
}

/* ---- a plan ---- */

static void plan_facts(struct buf *b, const struct mp_plan *p)
{
	buf_puts(b, "<dl class=\"facts\"><dt>Чей план</dt><dd>");
	html_text(b, p->owner);
	buf_puts(b, "</dd><dt>Период</dt><dd>");
	period_ru(b, p->period_from, p->period_to);
	buf_puts(b, "</dd>");
	if (p->goal[0]) {
		buf_puts(b, "<dt>Цель</dt><dd>");
		html_text(b, p->goal);
		buf_puts(b, "</dd>");
	}
	buf_puts(b, "<dt>Утверждён</dt><dd>");
	html_text(b, p->approved[0] ? p->approved : "не указано");
	buf_puts(b, "</dd><dt>Выполнение</dt><dd>");
	execution_ru(b, p);
	if (p->overdue) {
		buf_puts(b, "; <strong class=\"mp-overdue\">просрочено ");
		html_count(b, p->overdue, "мероприятие", "мероприятия", "мероприятий");
		buf_puts(b, "</strong>");
	}
	if (p->cancelled) {
		buf_puts(b, "; отменено ");
		html_int(b, p->cancelled);
	}
	buf_puts(b, "</dd></dl>");
}

static void plan_edit_form(struct web_req *r, struct buf *b, const struct mp_plan *p)
{
	html_printf(b, "<details class=\"mp-edit\"><summary>Изменить план</summary><form class=\"grid\" method=\"post\" "
		       "action=\"/measures/%lld\">", (long long)p->id);
	html_csrf(r, b);
	buf_puts(b, "<label>Название <input name=\"title\" required maxlength=\"190\" value=\"");
	html_attr(b, p->title);
	buf_puts(b, "\"></label><label>Цель <textarea name=\"goal\" rows=\"3\" maxlength=\"990\">");
	html_text(b, p->goal);
	buf_puts(b, "</textarea></label><label>Начало периода <input type=\"date\" name=\"period_from\" required value=\"");
	html_attr(b, p->period_from);
	buf_puts(b, "\"></label><label>Конец периода <input type=\"date\" name=\"period_to\" required value=\"");
	html_attr(b, p->period_to);
	buf_puts(b, "\"></label><label>Утверждён <input name=\"approved\" maxlength=\"140\" "
		    "placeholder=\"приказом от 01.03.2021 № 136/1\" value=\"");
	html_attr(b, p->approved);
	buf_puts(b, "\"></label><p><button>Сохранить</button></p></form>");
	html_printf(b, "<form class=\"inline mp-delete\" method=\"post\" action=\"/measures/%lld/delete\">", (long long)p->id);
	html_csrf(r, b);
	buf_puts(b, "<label class=\"check\"><input type=\"checkbox\" name=\"confirm\" value=\"1\" required> удалить план "
		    "со всеми мероприятиями и отметками</label> <button class=\"secondary\">Удалить план</button>"
		    "</form></details>");
}

static void measure_inputs(struct buf *b, const struct mp_measure *m)
{
	buf_puts(b, "<label>Мероприятие <textarea name=\"text\" rows=\"3\" required maxlength=\"990\">");
	if (m)
		html_text(b, m->text);
	/* «Учёт специфики территории»: the information note's second column */
	buf_puts(b, "</textarea></label><label>Учёт специфики территории <small class=\"muted\">как мероприятие "
		    "проводится на территории: приказы, совещания, программы</small> <textarea name=\"specifics\" "
		    "rows=\"2\" maxlength=\"990\" placeholder=\"Приказ управления образования; совещание "
		    "руководителей ОО\">");
	if (m)
		html_text(b, m->specifics);
	buf_puts(b, "</textarea></label><label>Срок (как в плане) <input name=\"term\" maxlength=\"140\" "
		    "placeholder=\"в течение года\" value=\"");
	if (m)
		html_attr(b, m->term);
	buf_puts(b, "\"></label><label>Начало периода <input type=\"date\" name=\"start\" value=\"");
	if (m)
		html_attr(b, m->start);
	buf_puts(b, "\"></label><label>Срок выполнения (для контроля) <input type=\"date\" name=\"due\" value=\"");
	if (m)
		html_attr(b, m->due);
	buf_puts(b, "\"></label><label>Ответственный <input name=\"responsible\" maxlength=\"140\" value=\"");
	if (m)
		html_attr(b, m->responsible);
	buf_puts(b, "\"></label><label>Ожидаемый результат <textarea name=\"expected\" rows=\"2\" maxlength=\"990\">");
	if (m)
		html_text(b, m->expected);
	buf_puts(b, "</textarea></label>");
}

static void move_form(struct web_req *r, struct buf *b, int64_t id, const char *dir, const char *label,
		      const char *title)
{
	html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/measure/%lld/move\">", (long long)id);
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"dir\" value=\"%s\"><button class=\"secondary mp-move\" "
		       "title=\"%s\" aria-label=\"%s\">%s</button></form>", dir, title, title, label);
}

static void block_section(struct web_req *r, struct buf *b, const struct mp_plan *p, const struct mp_block *k,
			  int bno, const struct mp_measure *v, size_t n, bool editor)
{
	html_printf(b, "<section class=\"mp-block\" id=\"b%lld\"><h2>%d. ", (long long)k->id, bno);
	html_text(b, k->title);
	buf_puts(b, "</h2>");
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += v[i].block_id == k->id;
	if (!count) {
		buf_puts(b, "<p class=\"muted\">В направлении пока нет мероприятий.</p>");
	} else {
		buf_puts(b, "<div class=\"scroll\"><table class=\"mp-measures\"><thead><tr><th>№</th><th>Мероприятие</th>"
			    "<th>Срок</th><th>Ответственный</th><th>Ожидаемый результат</th><th>Статус</th>"
			    "<th>Последняя отметка</th>");
		if (editor)
			buf_puts(b, "<th>Порядок</th>");
		buf_puts(b, "</tr></thead><tbody>");
		size_t seen = 0;
		for (size_t i = 0; i < n; i++) {
			const struct mp_measure *m = &v[i];
			if (m->block_id != k->id)
				continue;
			seen++;
			/* mp-no: the measure's number in its plan («1.2»), not a decimal */
			html_printf(b, "<tr id=\"m%lld\"%s><td class=\"num mp-no\">", (long long)m->id,
				    m->overdue ? " class=\"err\"" : "");
			if (m->number[0])
				html_text(b, m->number);
			else
				html_printf(b, "%d.%d", bno, m->pos);
			html_printf(b, "</td><td class=\"mp-what\"><a href=\"/measure/%lld\">", (long long)m->id);
			html_text(b, m->text);
			buf_puts(b, "</a>");
			if (m->school_id) {
				buf_puts(b, "<br><small>Школа: ");
				html_text(b, m->school_name[0] ? m->school_name : m->school);
				buf_puts(b, "</small>");
			}
			if (m->cause[0]) {
				buf_puts(b, "<br><small class=\"muted\">Основание: ");
				html_text(b, m->cause);
				buf_puts(b, "</small>");
			}
			buf_puts(b, "</td><td>");
			term_ru(b, m);
			buf_puts(b, "</td><td>");
			html_text(b, m->responsible);
			buf_puts(b, "</td><td>");
			html_text(b, m->expected);
			buf_puts(b, "</td><td>");
			status_ru(b, m);
			buf_puts(b, "</td><td>");
			struct mp_note x;
			if (m->notes && last_note(r, m->id, &x))
				note_ru(b, &x, true);
			else
				buf_puts(b, "—");
			buf_puts(b, "</td>");
			if (editor) {
				buf_puts(b, "<td class=\"mp-order\">");
				if (seen > 1)
					move_form(r, b, m->id, "up", "↑", "Выше");
				if (seen < count)
					move_form(r, b, m->id, "down", "↓", "Ниже");
				buf_puts(b, "</td>");
			}
			buf_puts(b, "</tr>");
		}
		buf_puts(b, "</tbody></table></div>");
	}
	if (editor) {
		html_printf(b, "<details class=\"mp-edit\"><summary>Добавить мероприятие</summary><form class=\"grid\" "
			       "method=\"post\" action=\"/measures/%lld/measure\"><input type=\"hidden\" name=\"block\" "
			       "value=\"%lld\">", (long long)p->id, (long long)k->id);
		html_csrf(r, b);
		measure_inputs(b, NULL);
		buf_puts(b, "<p><button>Добавить</button></p></form></details>");
		html_printf(b, "<details class=\"mp-edit\"><summary>Направление: переименовать или удалить</summary>"
			       "<form class=\"inline\" method=\"post\" action=\"/measures/%lld/block\">", (long long)p->id);
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"action\" value=\"rename\"><input type=\"hidden\" name=\"block\" "
			       "value=\"%lld\"><label>Название <input name=\"title\" required maxlength=\"190\" value=\"",
			    (long long)k->id);
		html_attr(b, k->title);
		buf_puts(b, "\"></label> <button class=\"secondary\">Переименовать</button></form>");
		html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/measures/%lld/block\">", (long long)p->id);
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"action\" value=\"delete\"><input type=\"hidden\" name=\"block\" "
			       "value=\"%lld\"><button class=\"secondary\">Удалить направление и его мероприятия</button>"
			       "</form></details>", (long long)k->id);
	}
	buf_puts(b, "</section>");
}

static void help_report(struct buf *b, const struct mp_help_report *h)
{
	buf_puts(b, "<p class=\"notice\" role=\"status\">");
	if (h->measures) {
		buf_puts(b, "Добавлено ");
		html_count(b, h->measures, "мероприятие", "мероприятия", "мероприятий");
		buf_puts(b, " для ");
		html_int(b, h->schools);
		buf_puts(b, " ");
		html_text(b, str_plural(h->schools, "школы", "школ", "школ"));
		buf_puts(b, ".");
	} else if (h->schools) {
		buf_puts(b, "Новых мероприятий нет: для ");
		html_int(b, h->schools);
		buf_puts(b, " ");
		html_text(b, str_plural(h->schools, "школы", "школ", "школ"));
		buf_puts(b, " они уже в плане.");
	} else {
		buf_puts(b, "На территории плана нет школ из списка oko или с официальными признаками по последнему "
			    "анализу: мероприятий не добавлено.");
	}
	if (h->skipped && h->measures) {
		buf_puts(b, " Уже были в плане: ");
		html_int(b, h->skipped);
		buf_puts(b, ".");
	}
	buf_puts(b, "</p>");
}

static void help_section(struct web_req *r, struct buf *b, const struct mp_plan *p, const struct flash *f)
{
	struct run_info ri;
	buf_puts(b, "<section id=\"help\" class=\"card\"><h2>Адресная помощь по итогам анализа</h2>");
	if (f && f->help)
		help_report(b, f->help);
	if (run_latest(r->db, &ri)) {
		buf_puts(b, "<p>Анализа результатов ещё не было: адресную помощь назначают по его итогам.</p></section>");
		return;
	}
	buf_puts(b, "<p>По анализу от ");
	web_moment_ru(b, ri.at);
	buf_puts(b, " для каждой школы территории плана из списка oko или с официальными признаками добавляются "
		    "выбранные мероприятия с основанием — признаком и процедурой. Семинар по критериям оценивания — "
		    "только там, где перепроверка подтвердила завышение.</p>");
	html_printf(b, "<form class=\"mp-help\" method=\"post\" action=\"/measures/%lld/help\">", (long long)p->id);
	html_csrf(r, b);
	buf_puts(b, "<fieldset><legend>Какие мероприятия</legend>");
	for (size_t i = 0; i < sizeof help_kinds / sizeof *help_kinds; i++) {
		html_printf(b, "<label class=\"check\"><input type=\"checkbox\" name=\"kind\" value=\"%s\"%s> ",
			    mp_kind_id(help_kinds[i].kind), i < 2 ? " checked" : "");
		html_text(b, help_kinds[i].label);
		buf_puts(b, "</label>");
	}
	buf_puts(b, "</fieldset><label>Срок выполнения <input type=\"date\" name=\"due\" value=\"");
	html_attr(b, p->period_to);
	buf_puts(b, "\"></label><p><button>Добавить мероприятия</button></p></form></section>");
}

static void outcome_section(struct web_req *r, struct buf *b, int64_t plan_id)
{
	struct mp_outcome o;
	memset(&o, 0, sizeof o);
	if (measure_outcome(r->db, plan_id, &o) || !o.helped) {
		measure_outcome_free(&o);
		return;
	}
	int year = 0;
	for (size_t i = 0; i < o.n; i++)
		if (o.s[i].year_after > year)
			year = o.s[i].year_after;
	buf_puts(b, "<section id=\"outcome\"><h2>Результат принятых мер</h2><p>Помощь ");
	html_text(b, str_plural(o.helped, "получила", "получили", "получили"));
	buf_puts(b, " ");
	html_count(b, o.helped, "школа", "школы", "школ");
	if (year) {
		html_printf(b, "; в %d году вне списка — ", year);
		html_int(b, o.left);
		buf_puts(b, ", остались — ");
		html_int(b, o.stayed);
		buf_puts(b, ", нет результатов — ");
		html_int(b, o.helped - o.measured_after);
	} else {
		buf_puts(b, "; результатов следующего года ещё нет");
	}
	buf_puts(b, ".</p><div class=\"scroll\"><table class=\"mp-outcome\"><thead><tr><th>Школа</th>"
		    "<th>Мероприятий выполнено</th><th>Год признаков</th><th>Следующий год</th></tr></thead><tbody>");
	for (size_t i = 0; i < o.n; i++) {
		const struct mp_outcome_school *s = &o.s[i];
		buf_puts(b, "<tr><td>");
		html_text(b, s->school_name[0] ? s->school_name : s->school);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, s->done);
		buf_puts(b, " из ");
		html_int(b, s->measures);
		buf_puts(b, "</td><td class=\"num\">");
		if (s->year_before)
			html_printf(b, "%d", s->year_before);
		buf_puts(b, "</td><td>");
		if (!s->year_after || !s->measured_after)
			buf_puts(b, "нет результатов");
		else if (s->flagged_after)
			html_printf(b, "<strong class=\"mp-overdue\">в списке (%d)</strong>", s->year_after);
		else
			html_printf(b, "вне списка (%d)", s->year_after);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div></section>");
	measure_outcome_free(&o);
}


static void table_section(struct web_req *r, struct buf *b, const struct mp_plan *p, bool editor,
			  const struct flash *f)
{
	buf_puts(b, "<section id=\"table\"><h2>Таблица плана</h2>");
	if (f && f->diags)
		web_diag_list(b, f->diags);
	html_printf(b, "<p><a class=\"button secondary\" href=\"/measures/%lld/plan.xlsx\">Скачать таблицу плана (XLSX)"
		       "</a></p>", (long long)p->id);
	if (editor) {
		buf_puts(b, "<p class=\"muted\">Таблица из Word или Excel (XLSX или CSV) со столбцами «№», «Мероприятие», "
			    "«Срок», «Ответственный», «Ожидаемый результат»; строка без срока и ответственного — "
			    "название направления. Мероприятия добавляются к плану.</p>");
		html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/measures/%lld/import\" "
			       "enctype=\"multipart/form-data\">", (long long)p->id);
		html_csrf(r, b);
		buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required accept=\".xlsx,.csv\"></label> "
			    "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> только проверить"
			    "</label> <button>Загрузить</button></form>");
	}
	buf_puts(b, "</section>");
}

static void documents_section(struct buf *b, const struct mp_plan *p, bool school)
{
	static const struct {
		const char *kind, *title;
	} docs[] = {
		{ "plan", "План мероприятий" },
		{ "info-note", "Информационная справка" },
		{ "order", "Приказ об утверждении плана" },
	};
	buf_puts(b, "<section id=\"docs\"><h2>Документы плана</h2><ul class=\"mp-docs\">");
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		if (school && !strcmp(docs[i].kind, "order"))
			continue;
		buf_puts(b, "<li>");
		html_text(b, docs[i].title);
		buf_puts(b, ": ");
		for (int k = 0; k < 2; k++)
			html_printf(b, "%s<a href=\"/documents/file?kind=%s&amp;plan=%lld&amp;format=%s\">%s</a>", k ? ", " : "",
				    docs[i].kind, (long long)p->id, k ? "pdf" : "docx", k ? "PDF" : "DOCX");
		buf_puts(b, "</li>");
	}
	html_printf(b, "</ul><p><a href=\"/documents?plan=%lld\">Другие документы и параметры</a></p></section>", (long long)p->id);
}

static int render_plan(struct web_req *r, struct web_res *w, int64_t id, const struct flash *f)
{
	struct buf *b = &w->body;
	struct mp_plan *p = calloc(1, sizeof *p);
	struct mp_block *k = NULL;
	struct mp_measure *v = NULL;
	size_t nk = 0, n = 0;
	int rc = ERR_NOMEM;
	if (!p)
		goto out;
	if (!mplan_in_scope(r->db, &r->scope, id) || mplan_get(r->db, id, p)) {
		rc = ERR_NOTFOUND;
		goto out;
	}
	if ((rc = mplan_blocks(r->db, id, &k, &nk)) || (rc = measure_list(r->db, id, &v, &n)))
		goto out;
	/* A plan is edited by the users whose territory holds it: whoever sees it here. */
	bool editor = true;
	buf_reset(b);
	html_begin(r, w, p->title);
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/measures\">Планы мероприятий</a></p><h1>");
	html_text(b, p->title);
	buf_puts(b, "</h1>");
	if (f && !f->help)
		notice(b, f->ok, f->text);
	plan_facts(b, p);
	if (editor)
		plan_edit_form(r, b, p);
	buf_puts(b, "<nav class=\"toc\" aria-label=\"Разделы страницы\"><ol><li><a href=\"#blocks\">Мероприятия</a></li>");
	if (p->level != MP_SCHOOL)
		buf_puts(b, "<li><a href=\"#help\">Адресная помощь</a></li>");
	buf_puts(b, "<li><a href=\"#table\">Таблица плана</a></li><li><a href=\"#docs\">Документы</a></li></ol></nav>");
	buf_puts(b, "<div id=\"blocks\">");
	if (!nk)
		buf_puts(b, "<p>В плане пока нет направлений. Добавьте направление, затем его мероприятия.</p>");
	for (size_t i = 0; i < nk; i++)
		block_section(r, b, p, &k[i], (int)i + 1, v, n, editor);
	buf_puts(b, "</div>");
	if (editor) {
		html_printf(b, "<form class=\"inline mp-addblock\" method=\"post\" action=\"/measures/%lld/block\">",
			    (long long)p->id);
		html_csrf(r, b);
		buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"add\"><label>Новое направление <input "
			    "name=\"title\" required maxlength=\"190\" placeholder=\"Мероприятия по …\"></label> "
			    "<button class=\"secondary\">Добавить направление</button></form>");
	}
	if (p->level != MP_SCHOOL && r->user.role != ROLE_SCHOOL) {
		if (editor)
			help_section(r, b, p, f);
		outcome_section(r, b, id);
	}
	table_section(r, b, p, editor, f);
	documents_section(b, p, r->user.role == ROLE_SCHOOL);
	html_end(r, w);
	rc = 0;
out:
	free(p);
	free(k);
	free(v);
	return rc;
}

static int plan_answer(struct web_req *r, struct web_res *w, int64_t id, int status, bool ok, const char *text)
{
	struct flash f = { .text = text, .ok = ok };
	w->status = status;
	return render_plan(r, w, id, &f);
}

int page_mplan(struct web_req *r, struct web_res *w)
{
	return render_plan(r, w, web_int(r, "id"), NULL);
}

/* The plan of a POST, checked against the scope: 0, or ERR_NOTFOUND. */
static int plan_of(struct web_req *r, int64_t id)
{
	return mplan_in_scope(r->db, &r->scope, id) ? 0 : ERR_NOTFOUND;
}

static void copy_field(struct web_req *r, const char *key, char *dst, size_t n)
{
	const char *s = web_str(r, key);
	snprintf(dst, n, "%s", s ? s : "");
}

int page_mplan_update(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	struct mp_plan *p = calloc(1, sizeof *p);
	char msg[400] = "", text[600];
	int rc = ERR_NOMEM;
	if (!p)
		return rc;
	if ((rc = plan_of(r, id)) || (rc = mplan_get(r->db, id, p)))
		goto out;
	copy_field(r, "title", p->title, sizeof p->title);
	copy_field(r, "goal", p->goal, sizeof p->goal);
	copy_field(r, "period_from", p->period_from, sizeof p->period_from);
	copy_field(r, "period_to", p->period_to, sizeof p->period_to);
	copy_field(r, "approved", p->approved, sizeof p->approved);
	rc = mplan_update(r->db, p, r->user.login, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "План не изменён: %s.", msg);
		rc = plan_answer(r, w, id, 400, false, text);
		goto out;
	}
	if (rc)
		goto out;
	audit_add(r->db, &r->user, NULL, "mplan_update", arena_printf(r->a, "%lld", (long long)id), p->title, r->ip);
	rc = plan_answer(r, w, id, 200, true, "План сохранён.");
out:
	free(p);
	return rc;
}

int page_mplan_delete(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	int rc = plan_of(r, id);
	if (rc)
		return rc;
	if (!web_flag(r, "confirm"))
		return plan_answer(r, w, id, 400, false, "План не удалён: отметьте, что удаляете его со всеми "
							 "мероприятиями и отметками.");
	if ((rc = mplan_delete(r->db, id)))
		return rc;
	audit_add(r->db, &r->user, NULL, "mplan_delete", arena_printf(r->a, "%lld", (long long)id), NULL, r->ip);
	struct flash f = { .text = "План удалён.", .ok = true };
	return render_list(r, w, &f);
}

/* The block of a request in the plan: 0, or ERR_NOTFOUND. */
static int block_in_plan(struct web_req *r, int64_t plan_id, int64_t block_id)
{
	struct mp_block *k = NULL;
	size_t n = 0;
	int rc = mplan_blocks(r->db, plan_id, &k, &n);
	bool found = false;
	for (size_t i = 0; !rc && i < n; i++)
		found |= k[i].id == block_id;
	free(k);
	return rc ? rc : found ? 0 : ERR_NOTFOUND;
}

int page_mplan_block(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id"), block = web_int(r, "block");
	const char *action = web_str(r, "action"), *title = web_str(r, "title");
	int rc = plan_of(r, id);
	if (rc)
		return rc;
	if (!action)
		return plan_answer(r, w, id, 400, false, "Не указано, что сделать с направлением.");
	bool add = !strcmp(action, "add");
	if (!add && (!block || block_in_plan(r, id, block)))
		return plan_answer(r, w, id, 404, false, "Такого направления в плане нет.");
	if (strcmp(action, "delete") && (!title || !*title))
		return plan_answer(r, w, id, 400, false, "Направление не сохранено: укажите его название.");
	const char *done;
	if (add) {
		int64_t nid;
		rc = mplan_block_add(r->db, id, title, &nid);
		done = "Направление добавлено.";
	} else if (!strcmp(action, "rename")) {
		rc = mplan_block_rename(r->db, block, title);
		done = "Направление переименовано.";
	} else {
		rc = mplan_block_delete(r->db, block);
		done = "Направление удалено вместе с его мероприятиями.";
	}
	if (rc == ERR_INVALID)
		return plan_answer(r, w, id, 400, false, "Направление не сохранено: проверьте название.");
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, arena_printf(r->a, "mplan_block_%s", action),
		  arena_printf(r->a, "%lld", (long long)id), title, r->ip);
	return plan_answer(r, w, id, 200, true, done);
}

/* The measure's fields of a form into m. */
static void measure_fields(struct web_req *r, struct mp_measure *m)
{
	copy_field(r, "text", m->text, sizeof m->text);
	copy_field(r, "term", m->term, sizeof m->term);
	copy_field(r, "start", m->start, sizeof m->start);
	copy_field(r, "due", m->due, sizeof m->due);
	copy_field(r, "responsible", m->responsible, sizeof m->responsible);
	copy_field(r, "expected", m->expected, sizeof m->expected);
	copy_field(r, "specifics", m->specifics, sizeof m->specifics);
}

int page_mplan_measure_add(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id"), block = web_int(r, "block");
	struct mp_measure *m = calloc(1, sizeof *m);
	char msg[400] = "", text[600];
	int rc = ERR_NOMEM;
	if (!m)
		return rc;
	if ((rc = plan_of(r, id)))
		goto out;
	if (!block || block_in_plan(r, id, block)) {
		rc = plan_answer(r, w, id, 404, false, "Мероприятие не добавлено: такого направления в плане нет.");
		goto out;
	}
	m->plan_id = id;
	m->block_id = block;
	measure_fields(r, m);
	rc = measure_add(r->db, m, r->user.login, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "Мероприятие не добавлено: %s.", msg);
		rc = plan_answer(r, w, id, 400, false, text);
		goto out;
	}
	if (rc)
		goto out;
	audit_add(r->db, &r->user, NULL, "measure_add", arena_printf(r->a, "%lld", (long long)m->id), m->text, r->ip);
	rc = plan_answer(r, w, id, 200, true, "Мероприятие добавлено.");
out:
	free(m);
	return rc;
}

int page_mplan_help(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	int rc = plan_of(r, id);
	if (rc)
		return rc;
	if (r->user.role == ROLE_SCHOOL)
		return ERR_PERM;
	unsigned kinds = 0;
	for (int i = 0; i < r->nform; i++)
		if (!strcmp(r->form[i].key, "kind")) {
			int k = mp_kind_parse(r->form[i].value);
			if (k > 0)
				kinds |= 1u << k;
		}
	if (!kinds)
		return plan_answer(r, w, id, 400, false, "Мероприятия не добавлены: отметьте хотя бы один вид помощи.");
	struct run_info ri;
	if (run_latest(r->db, &ri))
		return plan_answer(r, w, id, 400, false, "Мероприятия не добавлены: анализа результатов ещё не было.");
	const char *due = web_str(r, "due");
	struct mp_help_report rep;
	char msg[400] = "", text[600];
	memset(&rep, 0, sizeof rep);
	/* The model takes the plan's own territory (inside the user's: the user sees the plan). */
	rc = measure_help_from_run(r->db, &r->scope, id, ri.id, kinds, due ? due : "", r->user.login, &rep, msg,
				   sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		snprintf(text, sizeof text, "Мероприятия не добавлены: %s.", msg[0] ? msg : "проверьте форму");
		return plan_answer(r, w, id, 400, false, text);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "measure_help", arena_printf(r->a, "%lld", (long long)id),
		  arena_printf(r->a, "анализ %lld: %ld мероприятий для %ld школ", (long long)ri.id, rep.measures,
			       rep.schools), r->ip);
	struct flash f = { .help = &rep, .ok = true };
	return render_plan(r, w, id, &f);
}

int page_mplan_import(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	int rc = plan_of(r, id);
	if (rc)
		return rc;
	const struct web_upload *u = &r->upload;
	const char *why = web_upload_refusal(r, "Выберите файл с таблицей плана (XLSX или CSV).",
					     "Файл больше 64 МБ: так велики планы не бывают.");
	if (why)
		return plan_answer(r, w, id, u->too_large ? 413 : 400, false, why);
	char named[96];
	str_copy_utf8(named, sizeof named, u->filename && *u->filename ? u->filename : "файл");
	struct import_opts o = {
		.dry_run = web_flag(r, "dry_run"), .user = r->user.login, .name = named,
		.data = u->data, .len = u->size,
	};
	struct diag_list d;
	struct import_stats st;
	memset(&st, 0, sizeof st);
	diag_init(&d, 200);
	rc = import_measures(r->db, named, &o, id, &d, &st);
	metrics_upload(METRICS_MEASURES, rc, o.dry_run, st.rows);
	char text[2300];
	struct flash f = { .diags = &d, .ok = !rc, .text = text };
	if (rc && diag_errors(&d)) {
		w->status = 400;
		snprintf(text, sizeof text, "Таблица «%s» не загружена: исправьте ошибки и загрузите снова. План не "
					    "изменён.", named);
	} else if (rc) {
		w->status = web_status_of(rc);
		snprintf(text, sizeof text, "Таблица «%s» не загружена (%s). План не изменён.", named, err_str(rc));
	} else {
		struct buf t = BUF_INIT;
		html_count(&t, st.created, "мероприятие", "мероприятия", "мероприятий");
		snprintf(text, sizeof text, "%s «%s»: %s.%s%s",
			 o.dry_run ? "Проверка прошла, ничего не сохранено. В файле" : "Из файла добавлено", named,
			 buf_str(&t), st.summary[0] ? " " : "", st.summary);
		buf_free(&t);
		if (!o.dry_run)
			audit_add(r->db, &r->user, NULL, "measures_import", arena_printf(r->a, "%lld", (long long)id), text,
				  r->ip);
	}
	rc = render_plan(r, w, id, &f);
	diag_free(&d);
	return rc;
}

int page_mplan_xlsx(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	char msg[400] = "";
	int rc = plan_of(r, id);
	if (rc)
		return rc;
	if ((rc = measures_table_mem(r->db, id, TABLE_XLSX, &w->body, msg, sizeof msg))) {
		buf_reset(&w->body);
		if (msg[0])
			log_error("план %lld: %s", (long long)id, msg);
		return rc;
	}
	web_send_table(r, w, TABLE_XLSX, arena_printf(r->a, "plan-%lld.xlsx", (long long)id),
		       arena_printf(r->a, "План мероприятий %lld.xlsx", (long long)id));
	return 0;
}

/* ---- a measure ---- */

static void measure_facts(struct web_req *r, struct buf *b, const struct mp_measure *m, const struct mp_plan *p,
			  bool plan_link)
{
	buf_puts(b, "<dl class=\"facts\"><dt>План</dt><dd>");
	if (plan_link)
		html_printf(b, "<a href=\"/measures/%lld\">", (long long)p->id);
	html_text(b, p->title);
	if (plan_link)
		buf_puts(b, "</a>");
	if (p->owner[0]) {
		buf_puts(b, " (");
		html_text(b, p->owner);
		buf_puts(b, ")");
	}
	buf_puts(b, "</dd>");
	struct mp_block *k = NULL;
	size_t nk = 0;
	if (!mplan_blocks(r->db, p->id, &k, &nk))
		for (size_t i = 0; i < nk; i++)
			if (k[i].id == m->block_id) {
				buf_puts(b, "<dt>Направление</dt><dd>");
				html_int(b, (long)(i + 1));
				buf_puts(b, ". ");
				html_text(b, k[i].title);
				buf_puts(b, "</dd>");
			}
	free(k);
	if (m->school_id) {
		buf_puts(b, "<dt>Школа</dt><dd>");
		html_text(b, m->school_name[0] ? m->school_name : m->school);
		buf_puts(b, "</dd>");
	}
	if (m->cause[0]) {
		buf_puts(b, "<dt>Основание</dt><dd>");
		html_text(b, m->cause);
		buf_puts(b, "</dd>");
	}
	if (m->specifics[0]) {
		buf_puts(b, "<dt>Учёт специфики территории</dt><dd>");
		html_text(b, m->specifics);
		buf_puts(b, "</dd>");
	}
	buf_puts(b, "<dt>Срок</dt><dd>");
	term_ru(b, m);
	buf_puts(b, "</dd><dt>Ответственный</dt><dd>");
	html_text(b, m->responsible[0] ? m->responsible : "не указан");
	buf_puts(b, "</dd>");
	if (m->expected[0]) {
		buf_puts(b, "<dt>Ожидаемый результат</dt><dd>");
		html_text(b, m->expected);
		buf_puts(b, "</dd>");
	}
	buf_puts(b, "<dt>Статус</dt><dd>");
	status_ru(b, m);
	buf_puts(b, "</dd></dl>");
}

/* The form of a status note. refused: the reason of a refused note, repeated at the form
 * (the page opens there: a phone has the form far below the page's top), which shows the
 * status, the text and the date that were sent (a file has to be chosen again: a browser
 * does not refill one); NULL otherwise. */
static void report_form(struct web_req *r, struct buf *b, const struct mp_measure *m, const char *refused)
{
	bool keep = refused != NULL;
	const char *note = keep ? web_str(r, "note") : NULL, *on = keep ? web_str(r, "done_on") : NULL;
	int sent = keep && web_str(r, "status") ? mp_status_parse(web_str(r, "status")) : -1;
	buf_puts(b, "<section id=\"report\" class=\"card\"><h2>Отметка о выполнении</h2>");
	if (refused)
		notice(b, false, refused);
	html_printf(b, "<form class=\"grid\" method=\"post\" action=\"/measure/%lld/report#report\" "
		       "enctype=\"multipart/form-data\">", (long long)m->id);
	html_csrf(r, b);
	buf_puts(b, "<label>Статус <select name=\"status\" required>");
	for (int s = MP_PLANNED; s <= MP_CANCELLED; s++) {
		enum mp_status st = (enum mp_status)s;
		bool sel = sent >= 0 ? s == sent : st == (m->status == MP_PLANNED ? MP_PROGRESS : m->status);
		html_printf(b, "<option value=\"%s\"%s>", mp_status_id(st), sel ? " selected" : "");
		html_text(b, mp_status_title(st));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>Что сделано <textarea name=\"note\" rows=\"3\" maxlength=\"990\" "
		    "placeholder=\"Проведено собеседование, составлен протокол\">");
	html_text(b, note ? note : "");
	buf_puts(b, "</textarea></label><label>Дата выполнения <input name=\"done_on\" type=\"date\" value=\"");
	html_attr(b, on ? on : "");
	buf_puts(b, "\"></label><p class=\"muted\">Для "
		    "выполненного мероприятия, если оно выполнено раньше, чем вносится отметка; без даты — сегодня."
		    "</p><label>Подтверждающий документ <input type=\"file\" name=\"file\" accept=\".pdf,.jpg,.jpeg,.png,.docx,"
		    ".xlsx,application/pdf,image/jpeg,image/png\"></label><p class=\"muted\">PDF, JPEG, PNG, DOCX или "
		    "XLSX, не больше 20 МБ; тип определяется по содержимому файла.</p><p><button>Сохранить отметку"
		    "</button></p></form></section>");
}

/* The edit form, closed; open with the fields that were sent when a change was refused. */
static void measure_edit(struct web_req *r, struct buf *b, const struct mp_measure *m, bool open)
{
	html_printf(b, "<section id=\"edit\"><details class=\"mp-edit\"%s><summary>Изменить мероприятие</summary>"
		       "<form class=\"grid\" method=\"post\" action=\"/measure/%lld\">", open ? " open" : "",
		    (long long)m->id);
	html_csrf(r, b);
	measure_inputs(b, m);
	/* A div: a <p> cannot hold the forms (the parser closes it), and the buttons stacked. */
	buf_puts(b, "<p><button>Сохранить</button></p></form></details><div class=\"actions\">");
	move_form(r, b, m->id, "up", "Выше", "Переместить выше");
	move_form(r, b, m->id, "down", "Ниже", "Переместить ниже");
	html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/measure/%lld/delete\">", (long long)m->id);
	html_csrf(r, b);
	buf_puts(b, "<button class=\"secondary\">Удалить мероприятие</button></form></div></section>");
}

/* The measure's page; f: the flash of a post; sent: a refused change's fields, shown in the
 * edit form instead of the stored ones (NULL otherwise). */
static int render_measure(struct web_req *r, struct web_res *w, int64_t id, const struct flash *f,
			  const struct mp_measure *sent)
{
	struct buf *b = &w->body;
	struct mp_measure *m = calloc(1, sizeof *m);
	struct mp_plan *p = calloc(1, sizeof *p);
	struct mp_note *v = NULL;
	size_t n = 0;
	int rc = ERR_NOMEM;
	if (!m || !p)
		goto out;
	if (!measure_in_scope(r->db, &r->scope, id) || measure_get(r->db, id, m) || mplan_get(r->db, m->plan_id, p)) {
		rc = ERR_NOTFOUND;
		goto out;
	}
	if ((rc = measure_notes(r->db, id, &v, &n)))
		goto out;
	bool editor = mplan_in_scope(r->db, &r->scope, m->plan_id);
	bool reporter = measure_may_report(r->db, &r->scope, id);
	buf_reset(b);
	html_begin(r, w, "Мероприятие");
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/measures\">Планы мероприятий</a>");
	if (editor) {
		html_printf(b, " › <a href=\"/measures/%lld#m%lld\">", (long long)p->id, (long long)id);
		html_text(b, p->title);
		buf_puts(b, "</a>");
	}
	buf_puts(b, "</p><h1 class=\"mp-text\">");
	html_text(b, m->text);
	buf_puts(b, "</h1>");
	if (f)
		notice(b, f->ok, f->text);
	measure_facts(r, b, m, p, editor);
	if (reporter)
		report_form(r, b, m, f && !f->ok ? f->text : NULL);
	buf_puts(b, "<section id=\"notes\"><h2>История отметок</h2>");
	if (!n) {
		buf_puts(b, "<p>Отметок о выполнении пока нет.</p>");
	} else {
		buf_puts(b, "<ol class=\"mp-notes\">");
		for (size_t i = 0; i < n; i++) {
			buf_puts(b, "<li>");
			note_ru(b, &v[i], true);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ol>");
	}
	buf_puts(b, "</section>");
	if (editor)
		measure_edit(r, b, sent ? sent : m, sent != NULL);
	html_end(r, w);
	rc = 0;
out:
	free(m);
	free(p);
	free(v);
	return rc;
}

static int measure_answer(struct web_req *r, struct web_res *w, int64_t id, int status, bool ok, const char *text)
{
	struct flash f = { .text = text, .ok = ok };
	w->status = status;
	return render_measure(r, w, id, &f, NULL);
}

int page_measure(struct web_req *r, struct web_res *w)
{
	/* After a status note is stored the browser comes here (a reload sends nothing again). */
	const char *saved = web_str(r, "saved");
	if (saved && *saved) {
		struct flash f = { .ok = true, .text = !strcmp(saved, "file") ? "Отметка сохранена, документ приложен."
									     : "Отметка сохранена." };
		return render_measure(r, w, web_int(r, "id"), &f, NULL);
	}
	return render_measure(r, w, web_int(r, "id"), NULL, NULL);
}

/* The measure of a POST that edits it: ERR_NOTFOUND when the user does not see it,
 * ERR_PERM when it sees it (a school, its addressed measure) but may not edit it. */
static int editable(struct web_req *r, int64_t id, struct mp_measure *m)
{
	if (!measure_in_scope(r->db, &r->scope, id) || measure_get(r->db, id, m))
		return ERR_NOTFOUND;
	return mplan_in_scope(r->db, &r->scope, m->plan_id) ? 0 : ERR_PERM;
}

int page_measure_update(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	struct mp_measure *m = calloc(1, sizeof *m);
	char msg[400] = "", text[600];
	int rc = ERR_NOMEM;
	if (!m)
		return rc;
	if ((rc = editable(r, id, m)))
		goto out;
	measure_fields(r, m);
	rc = measure_update(r->db, m, r->user.login, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "Мероприятие не изменено: %s.", msg);
		struct flash f = { .text = text, .ok = false };
		w->status = 400;
		rc = render_measure(r, w, id, &f, m);
		goto out;
	}
	if (rc)
		goto out;
	audit_add(r->db, &r->user, NULL, "measure_update", arena_printf(r->a, "%lld", (long long)id), m->text, r->ip);
	rc = measure_answer(r, w, id, 200, true, "Мероприятие сохранено.");
out:
	free(m);
	return rc;
}

int page_measure_delete(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	struct mp_measure *m = calloc(1, sizeof *m);
	int rc = ERR_NOMEM;
	if (!m)
		return rc;
	if ((rc = editable(r, id, m)) || (rc = measure_delete(r->db, id)))
		goto out;
	audit_add(r->db, &r->user, NULL, "measure_delete", arena_printf(r->a, "%lld", (long long)id), m->text, r->ip);
	rc = plan_answer(r, w, m->plan_id, 200, true, "Мероприятие удалено.");
out:
	free(m);
	return rc;
}

int page_measure_move(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	const char *dir = web_str(r, "dir");
	struct mp_measure *m = calloc(1, sizeof *m);
	int rc = ERR_NOMEM;
	if (!m)
		return rc;
	if ((rc = editable(r, id, m)))
		goto out;
	if (!dir) {
		rc = plan_answer(r, w, m->plan_id, 400, false, "Не указано, куда переместить мероприятие.");
		goto out;
	}
	if ((rc = measure_move(r->db, id, !strcmp(dir, "up") ? -1 : 1)))
		goto out;
	web_redirect(w, arena_printf(r->a, "/measures/%lld#m%lld", (long long)m->plan_id, (long long)id));
out:
	free(m);
	return rc;
}

static void evidence_dir(struct web_req *r, char *dir, size_t n)
{
	char file[4096];
	db_file(r->db, file, sizeof file);
	measure_files_dir(file, dir, n);
}

int page_measure_report(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	const struct web_upload *u = &r->upload;
	const char *st = web_str(r, "status"), *note = web_str(r, "note"), *type = NULL;
	char msg[400] = "", text[700], dir[4200], fid[SCAN_ID_LEN] = "", fname[256] = "";
	if (!measure_in_scope(r->db, &r->scope, id))
		return ERR_NOTFOUND;
	if (!measure_may_report(r->db, &r->scope, id))
		return ERR_PERM;
	int status = st ? mp_status_parse(st) : -1;
	if (status < 0)
		return measure_answer(r, w, id, 400, false, "Отметка не сохранена: выберите статус.");
	bool file = u->data && u->size > 0;
	if (u->too_large || (file && u->size > EVIDENCE_MAX))
		return measure_answer(r, w, id, 413, false, "Отметка не сохранена: файл больше 20 МБ.");
	if (file) {
		if (!(type = scan_evidence_type(u->data, u->size, msg, sizeof msg))) {
			snprintf(text, sizeof text, "Отметка не сохранена: файл «%s» — %s.",
				 u->filename && *u->filename ? u->filename : "без имени", msg);
			return measure_answer(r, w, id, 400, false, text);
		}
		str_copy_utf8(fname, sizeof fname, u->filename && *u->filename ? u->filename : "файл");
		evidence_dir(r, dir, sizeof dir);
		int rc = scan_store(dir, u->data, u->size, fid);
		if (rc)
			return rc;
	}
	msg[0] = '\0';
	int rc = measure_report_on(r->db, id, (enum mp_status)status, web_str(r, "done_on"), note ? note : "",
				   file ? fid : NULL, file ? fname : NULL, type, file ? (int64_t)u->size : 0,
				   r->user.login, msg, sizeof msg);
	if (rc) {
		if (file)
			scan_remove(dir, fid);
		if (rc != ERR_INVALID)
			return rc;
		snprintf(text, sizeof text, "Отметка не сохранена: %s.", msg);
		return measure_answer(r, w, id, 400, false, text);
	}
	audit_add(r->db, &r->user, NULL, "measure_report", arena_printf(r->a, "%lld", (long long)id),
		  arena_printf(r->a, "%s%s%s", mp_status_id((enum mp_status)status), file ? ", файл " : "", file ? fname : ""),
		  r->ip);
	web_redirect(w, arena_printf(r->a, "/measure/%lld?saved=%s#notes", (long long)id, file ? "file" : "note"));
	return 0;
}

int page_measure_file(struct web_req *r, struct web_res *w)
{
	struct mp_note x;
	char dir[4200];
	void *data = NULL;
	size_t n = 0;
	if (measure_note_get(r->db, web_int(r, "id"), &x) || !x.file_id[0] ||
	    !measure_in_scope(r->db, &r->scope, x.measure_id))
		return ERR_NOTFOUND;
	evidence_dir(r, dir, sizeof dir);
	int rc = scan_load(dir, x.file_id, &data, &n);
	if (rc)
		return rc == ERR_INVALID ? ERR_NOTFOUND : rc;
	buf_append(&w->body, data, n);
	free(data);
	struct buf d = BUF_INIT;
	web_disposition(&d, arena_printf(r->a, "evidence-%lld.%s", (long long)x.id, x.file_type),
			x.file_name[0] ? x.file_name : NULL);
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
	w->type = scan_evidence_mime(x.file_type);
	w->cache = "no-store";
	return 0;
}

/* ---- the home page ---- */

void web_measures_home(struct web_req *r, struct buf *b)
{
	if (r->user.role != ROLE_SCHOOL && r->user.role != ROLE_MUNICIPALITY && r->user.role != ROLE_REGION &&
	    r->user.role != ROLE_ADMIN)
		return;
	struct mp_measure *v = NULL;
	size_t n = 0;
	long total = 0;
	if (measure_overdue(r->db, &r->scope, HOME_OVERDUE, &v, &n, &total) || !total) {
		free(v);
		return;
	}
	buf_puts(b, "<section class=\"mp-home\"><h2>Планы мероприятий</h2><p class=\"alert\"><strong>");
	buf_puts(b, "Просрочено ");
	html_count(b, total, "мероприятие", "мероприятия", "мероприятий");
	buf_puts(b, "</strong></p><ul>");
	for (size_t i = 0; i < n; i++) {
		const struct mp_measure *m = &v[i];
		html_printf(b, "<li><a href=\"/measure/%lld\">", (long long)m->id);
		html_text(b, m->text);
		buf_puts(b, "</a>");
		if (m->school_id && r->user.role != ROLE_SCHOOL) {
			buf_puts(b, " — ");
			html_text(b, m->school_name[0] ? m->school_name : m->school);
		}
		if (m->due[0]) {
			buf_puts(b, ", срок ");
			web_date_ru(b, m->due);
		}
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ul><p><a href=\"/measures\">Все планы мероприятий</a></p></section>");
	free(v);
}
