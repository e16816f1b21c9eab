/* documents: official documents filled with real figures, in the browser (report/notes.h,
 * docs/measures.md "In the browser").
 *
 *   GET /documents[?kind=&plan=]   the form: the kind, what it is about (campaign, procedure,
 *                                  year, plan of measures, municipality, school), the
 *                                  order's number and date, the format
 *   GET /documents/file?kind=&format=docx|pdf&…   the document (note_build, then docx_write
 *                                  or doc_pdf_write) as an attachment with a Russian name
 *
 * A school gets only its own information note and its own plans; coordinators every kind
 * for their territory (note_build limits the figures to the scope). A refusal — something
 * the kind needs is missing, a plan or school outside the territory — is the form again
 * with the reason in Russian. The file is built in memory and never touches the disk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "io/doc.h"
#include "model/measure.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/unit.h"
#include "report/doc_pdf.h"
#include "report/notes.h"
#include "web/download.h"
#include "web/web.h"

/* What each kind needs, in the form's words. */
static const char *const kind_hint[NOTE_KIND_COUNT] = {
	"Приказ об утверждении плана мероприятий (план — приложение № 1) и об организации кампании "
	"(наблюдатели, координаторы): выберите план и/или кампанию, укажите номер и дату.",
	"Информационная справка о принятых мерах: выберите план мероприятий или учебный год.",
	"Аналитическая справка по процедуре или кампании: все цифры — из базы и последнего анализа.",
	"План мероприятий таблицей с грифом «УТВЕРЖДЁН»: выберите план.",
};

static bool school_may(enum note_kind k)
{
	return k == NOTE_INFO || k == NOTE_PLAN;
}

struct form_state {
	struct web_req *r;
	struct buf *b;
	const char *sel; /* the procedure sent */
	int64_t mun;     /* the municipality sent */
};

static int proc_option(void *ctx, const struct procedure_item *p)
{
	struct form_state *s = ctx;
	char t[160];
	procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
	buf_puts(s->b, "<option value=\"");
	html_attr(s->b, p->code);
	buf_puts(s->b, s->sel && !strcmp(s->sel, p->code) ? "\" selected>" : "\">");
	html_textf(s->b, "%s, %d", t, p->year);
	buf_puts(s->b, "</option>");
	return 0;
}

static int mun_option(void *ctx, int64_t id, const char *login, const char *name)
{
	(void)login;
	struct form_state *s = ctx;
	html_printf(s->b, "<option value=\"%lld\"%s>", (long long)id, id == s->mun ? " selected" : "");
	html_text(s->b, name);
	buf_puts(s->b, "</option>");
	return 0;
}

static int region_options(void *ctx, int64_t id, const char *login, const char *name)
{
	(void)login;
	(void)name;
	struct form_state *s = ctx;
	return unit_children(s->r->db, UNIT_REGION, id, mun_option, s);
}

/* The form; a refused request comes back with everything it sent chosen and filled in. */
static int render_form(struct web_req *r, struct web_res *w, int status, const char *alert)
{
	struct buf *b = &w->body;
	const char *kind = web_str(r, "kind"), *format = web_str(r, "format");
	int64_t plan = web_int(r, "plan"), campaign = web_int(r, "campaign"), year = web_int(r, "year");
	const char *school_sent = web_str(r, "school"), *number = web_str(r, "number"), *date = web_str(r, "date");
	bool school = r->user.role == ROLE_SCHOOL;
	buf_reset(b);
	w->status = status;
	w->type = NULL;
	w->disposition = NULL;
	w->cache = NULL;
	html_begin(r, w, "Документы");
	buf_puts(b, "<h1>Документы</h1><p class=\"lead\">Приказ, справки и план мероприятий в формате Word (DOCX) "
		    "или PDF, заполненные цифрами из oko: оформление по ГОСТ Р 7.0.97, даты и процедуры словами.</p>");
	if (alert) {
		buf_puts(b, "<p class=\"alert\" role=\"alert\">");
		html_text(b, alert);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<form class=\"grid mp-docform\" method=\"get\" action=\"/documents/file\"><fieldset><legend>Вид "
		    "документа</legend>");
	bool first = true;
	for (int k = 0; k < NOTE_KIND_COUNT; k++) {
		if (school && !school_may((enum note_kind)k))
			continue;
		bool sel = kind ? !strcmp(kind, note_kind_id((enum note_kind)k)) : first;
		first = false;
		html_printf(b, "<label class=\"check\"><input type=\"radio\" name=\"kind\" value=\"%s\"%s> <span><strong>",
			    note_kind_id((enum note_kind)k), sel ? " checked" : "");
		html_text(b, note_kind_title((enum note_kind)k));
		buf_puts(b, "</strong><small>");
		html_text(b, kind_hint[k]);
		buf_puts(b, "</small></span></label>");
	}
	buf_puts(b, "</fieldset>");
	/* Plans of measures the user sees. */
	struct mp_plan *v = NULL;
	size_t n = 0;
	buf_puts(b, "<label>План мероприятий <select name=\"plan\"><option value=\"\">не выбран</option>");
	if (!mplan_list(r->db, &r->scope, &v, &n))
		for (size_t i = 0; i < n; i++) {
			html_printf(b, "<option value=\"%lld\"%s>", (long long)v[i].id, v[i].id == plan ? " selected" : "");
			html_text(b, v[i].title);
			if (v[i].owner[0]) {
				buf_puts(b, " — ");
				html_text(b, v[i].owner);
			}
			buf_puts(b, "</option>");
		}
	free(v);
	buf_puts(b, "</select></label>");
	if (!school) {
		struct plan_campaign_item *c = NULL;
		size_t nc = 0;
		buf_puts(b, "<label>Кампания <select name=\"campaign\"><option value=\"\">не выбрана</option>");
		if (!plan_campaigns(r->db, &c, &nc))
			for (size_t i = 0; i < nc; i++) {
				html_printf(b, "<option value=\"%lld\"%s>", (long long)c[i].id,
					    c[i].id == campaign ? " selected" : "");
				html_text(b, c[i].name);
				buf_puts(b, "</option>");
			}
		free(c);
		struct form_state s = { r, b, web_str(r, "procedure"), web_int(r, "municipality") };
		buf_puts(b, "</select></label><label>Процедура <select name=\"procedure\"><option value=\"\">не выбрана"
			    "</option>");
		procedure_each(r->db, proc_option, &s);
		buf_puts(b, "</select></label>");
		if (r->user.role == ROLE_REGION || r->user.role == ROLE_ADMIN) {
			buf_puts(b, "<label>Муниципалитет <select name=\"municipality\"><option value=\"\">вся территория"
				    "</option>");
			unit_regions(r->db, &r->scope, region_options, &s);
			buf_puts(b, "</select></label>");
		}
		buf_puts(b, "<label>Школа (для справки школы) <input name=\"school\" maxlength=\"64\" "
			    "pattern=\"[A-Za-z0-9_\\-]+\" list=\"doc-schools\" autocomplete=\"off\" "
			    "placeholder=\"начните вводить название или логин\" value=\"");
		html_attr(b, school_sent ? school_sent : "");
		buf_puts(b, "\"></label>");
		web_school_datalist(r, b, &r->scope, "doc-schools");
	}
	char today[PLAN_DATE_LEN];
	web_today(today);
	html_printf(b, "<label>Учебный год <input type=\"number\" name=\"year\" min=\"2000\" max=\"2100\" "
		       "placeholder=\"%.4s\" value=\"",
		    today);
	if (year > 0)
		html_printf(b, "%lld", (long long)year);
	buf_puts(b, "\"></label>");
	if (!school) {
		buf_puts(b, "<label>Номер приказа <input name=\"number\" maxlength=\"40\" placeholder=\"136/1 — или "
			    "пусто, чтобы вписать от руки\" value=\"");
		html_attr(b, number ? number : "");
		buf_puts(b, "\"></label>");
	}
	bool pdf = format && !strcmp(format, "pdf");
	buf_puts(b, "<label>Дата документа <input type=\"date\" name=\"date\" value=\"");
	html_attr(b, date && *date ? date : today);
	html_printf(b, "\"></label><fieldset><legend>Формат</legend><label class=\"check\"><input type=\"radio\" "
		       "name=\"format\" value=\"docx\"%s> Word (DOCX) — для правки</label><label class=\"check\">"
		       "<input type=\"radio\" name=\"format\" value=\"pdf\"%s> PDF — для печати</label></fieldset>"
		       "<p><button>Получить документ</button></p></form>",
		    pdf ? "" : " checked", pdf ? " checked" : "");
	html_end(r, w);
	return 0;
}

int page_documents(struct web_req *r, struct web_res *w)
{
	return render_form(r, w, 200, NULL);
}

/* Characters a file name may not hold on common systems become spaces. */
static void file_name_clean(char *s)
{
	for (; *s; s++)
		if (strchr("/\\:*?\"<>|", *s) || (unsigned char)*s < 0x20)
			*s = ' ';
}

/* «Аналитическая справка ВПР, математика, 4 класс, 2021»: the kind and what it is about. */
static void file_title(struct web_req *r, enum note_kind k, const struct note_opts *o, char *out, size_t n)
{
	char about[300] = "";
	if (o->procedure && *o->procedure) {
		struct procedure *p = calloc(1, sizeof *p);
		if (p && !procedure_get(r->db, o->procedure, p)) {
			char t[160];
			procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
			snprintf(about, sizeof about, "%s, %d", t, p->year);
		}
		free(p);
	} else if (o->campaign_id && k != NOTE_PLAN) {
		char name[PLAN_NAME_MAX];
		if (!plan_campaign_get(r->db, o->campaign_id, name, sizeof name))
			snprintf(about, sizeof about, "%s", name);
	}
	if (!about[0] && o->plan_id && k != NOTE_PLAN) {
		struct mp_plan *p = calloc(1, sizeof *p);
		if (p && !mplan_get(r->db, o->plan_id, p))
			snprintf(about, sizeof about, "%s", p->owner);
		free(p);
	}
	if (!about[0] && o->year)
		snprintf(about, sizeof about, "%d", o->year);
	if (!about[0] && k == NOTE_PLAN && o->plan_id) {
		struct mp_plan *p = calloc(1, sizeof *p);
		if (p && !mplan_get(r->db, o->plan_id, p))
			snprintf(about, sizeof about, "%s", p->owner);
		free(p);
	}
	char t[400];
	snprintf(t, sizeof t, "%s%s%s", note_kind_title(k), about[0] ? " " : "", about);
	str_copy_utf8(out, n, t);
	file_name_clean(out);
}

int page_documents_file(struct web_req *r, struct web_res *w)
{
	const char *kind = web_str(r, "kind"), *format = web_str(r, "format");
	int k = kind ? note_kind_parse(kind) : -1;
	if (k < 0)
		return render_form(r, w, 400, "Выберите вид документа.");
	bool pdf = format && !strcmp(format, "pdf");
	bool school = r->user.role == ROLE_SCHOOL;
	if (school && !school_may((enum note_kind)k))
		return render_form(r, w, 403, "Школе доступны только её информационная справка и её план мероприятий.");
	struct note_opts o = {
		.campaign_id = web_int(r, "campaign"),
		.procedure = web_str(r, "procedure"),
		.municipality_id = web_int(r, "municipality"),
		.school = web_str(r, "school"),
		.year = (int)web_int(r, "year"),
		.plan_id = web_int(r, "plan"),
		.number = web_str(r, "number"),
		.date = web_str(r, "date"),
		.web = true,
	};
	if (o.procedure && !*o.procedure)
		o.procedure = NULL;
	if (o.school && !*o.school)
		o.school = NULL;
	if (!o.number)
		o.number = "";
	if (o.date && !*o.date)
		o.date = NULL;
	if (school) { /* its own school: note_build takes it from the scope */
		o.school = NULL;
		o.campaign_id = 0;
		o.municipality_id = 0;
		o.number = "";
	}
	if (o.plan_id && !mplan_in_scope(r->db, &r->scope, o.plan_id))
		return render_form(r, w, 404, "Такого плана мероприятий нет на вашей территории.");
	if (o.municipality_id && !scope_sees_municipality(r->db, &r->scope, o.municipality_id))
		return render_form(r, w, 404, "Этот муниципалитет вне вашей территории.");
	struct doc *doc = NULL;
	char msg[500] = "", text[700];
	int rc = note_build(r->db, &r->scope, (enum note_kind)k, &o, &doc, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND || rc == ERR_PERM) {
		snprintf(text, sizeof text, "Документ не составлен: %s%s", msg[0] ? msg : "проверьте параметры",
			 msg[0] && msg[strlen(msg) - 1] == '.' ? "" : ".");
		return render_form(r, w, rc == ERR_INVALID ? 400 : rc == ERR_PERM ? 403 : 404, text);
	}
	if (rc)
		return rc;
	buf_reset(&w->body);
	rc = pdf ? doc_pdf_write(doc, &w->body) : docx_write(doc, &w->body);
	if (rc) {
		buf_reset(&w->body);
		doc_free(doc);
		return rc;
	}
	char title[200];
	file_title(r, (enum note_kind)k, &o, title, sizeof title);
	const char *ext = pdf ? "pdf" : "docx";
	w->type = pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	w->cache = "no-store";
	struct buf d = BUF_INIT;
	web_disposition(&d, arena_printf(r->a, "%s.%s", note_kind_id((enum note_kind)k), ext),
			arena_printf(r->a, "%s.%s", title, ext));
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
	audit_add(r->db, &r->user, NULL, "document", note_kind_title((enum note_kind)k), title, r->ip);
	doc_free(doc);
	return 0;
}
