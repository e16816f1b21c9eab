/* schools: the registry list (search, filters, sorting, pages, export), a school's card,
 * adding and editing schools and municipalities (regional coordinators, administrators).
 *
 * The search folds case (Cyrillic too) and the order is natural («№ 2» before «№ 10»): both
 * are the model's (registry_school_list). The export has the columns of schools.csv, so
 * `oko import schools` reads it back. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "io/table_write.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/summary.h"
#include "model/upload_list.h"
#include "web/download.h"
#include "web/web.h"

#define PER_PAGE 50

/* The orders offered, in the order of enum registry_school_order. */
static const struct {
	const char *key, *title;
} sorts[] = {
	{ "name", "по названию" },
	{ "login", "по логину" },
	{ "municipality", "по муниципалитету" },
	{ "results", "по числу результатов" },
};

static void option(struct buf *b, const char *value, const char *title, bool selected)
{
	buf_puts(b, "<option value=\"");
	html_attr(b, value);
	buf_puts(b, selected ? "\" selected>" : "\">");
	html_text(b, title);
	buf_puts(b, "</option>");
}

/* A <select>'s option per municipality. */
struct mun_options {
	struct buf *b;
	long selected;
};

static int mun_option(void *ctx, int64_t id, const char *name)
{
	struct mun_options *o = ctx;
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)id);
	option(o->b, text, name, id == o->selected);
	return 0;
}

static int school_row(void *ctx, const struct registry_school_item *x)
{
	struct buf *b = ctx;
	buf_puts(b, "<tr><td><a href=\"/schools/");
	html_url(b, x->login);
	buf_puts(b, "\">");
	html_text(b, x->login);
	buf_puts(b, "</a></td><td><a href=\"/schools/");
	html_url(b, x->login);
	buf_puts(b, "\">");
	html_text(b, x->name);
	buf_puts(b, "</a></td><td>");
	html_text(b, x->municipality);
	buf_puts(b, "</td><td>");
	html_text(b, x->kind);
	if (x->indepth)
		buf_puts(b, " <abbr title=\"углублённое изучение\">угл.</abbr>");
	if (x->kind_guessed)
		buf_puts(b, " <small class=\"muted\" title=\"в списке школ типа не было: он определён по "
			    "названию — проверьте\">по названию</small>");
	buf_puts(b, "</td><td>");
	html_text(b, x->settlement);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, (long)x->results);
	buf_puts(b, "</td></tr>");
	return 0;
}

int page_schools(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const char *q = web_str(r, "q") ? web_str(r, "q") : "";
	const char *kind = web_str(r, "kind") ? web_str(r, "kind") : "";
	long mun = web_int(r, "municipality");
	long page = web_int(r, "page");
	const char *sort = web_str(r, "sort") ? web_str(r, "sort") : "name";
	size_t si = 0;
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		if (!strcmp(sorts[i].key, sort))
			si = i;
	int rc;
	long total = 0;
	html_begin(r, w, "Школы");
	buf_puts(b, "<h1>Школы</h1><form class=\"filters\" method=\"get\" action=\"/schools\" role=\"search\">"
		    "<label>Поиск <input name=\"q\" type=\"search\" placeholder=\"логин или название\" value=\"");
	html_attr(b, q);
	buf_puts(b, "\"></label><label>Муниципалитет <select name=\"municipality\">");
	option(b, "0", "все", mun == 0);
	registry_municipality_each(r->db, &r->scope, mun_option, &(struct mun_options){ b, mun });
	buf_puts(b, "</select></label><label>Тип <select name=\"kind\">");
	option(b, "", "все", !*kind);
	static const char *kinds[] = { "СОШ", "ООШ", "НОШ", "лицей", "гимназия", "филиал", "другое" };
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		option(b, kinds[i], kinds[i], !strcmp(kind, kinds[i]));
	buf_puts(b, "</select></label><label>Порядок <select name=\"sort\">");
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		option(b, sorts[i].key, sorts[i].title, i == si);
	buf_puts(b, "</select></label><button>Показать</button></form>");
	long proposals = 0;
	if ((r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION) &&
	    !registry_alias_count(r->db, "proposed", &proposals) && proposals)
		html_printf(b, "<p class=\"notice\"><a href=\"/schools/aliases\">Похоже, у %ld %s сменился "
			       "логин</a>: подтвердите или отклоните объединение.</p>", proposals,
			    proposals % 10 == 1 && proposals % 100 != 11 ? "школы" : "школ");

	/* The table's head waits for the count, which comes with the list. */
	struct buf rows = BUF_INIT;
	const struct registry_school_filter f = {
		.q = q, .municipality_id = mun, .kind = kind, .order = (enum registry_school_order)si,
		.limit = PER_PAGE, .offset = (page - 1) * PER_PAGE,
	};
	if ((rc = registry_school_list(r->db, &r->scope, &f, school_row, &rows, &total)))
		goto out;
	struct buf base = BUF_INIT;
	buf_puts(&base, "?q=");
	html_url(&base, q);
	buf_printf(&base, "&municipality=%ld&kind=", mun);
	html_url(&base, kind);
	buf_printf(&base, "&sort=%s", sorts[si].key);
	buf_puts(b, "<p class=\"muted\">Найдено: ");
	html_count(b, total, "школа", "школы", "школ");
	buf_puts(b, " · выгрузить: <a href=\"/schools/export");
	html_attr(b, buf_str(&base));
	buf_puts(b, "&amp;format=xlsx\">XLSX</a>, <a href=\"/schools/export");
	html_attr(b, buf_str(&base));
	buf_puts(b, "&amp;format=csv\">CSV</a> (столбцы файла школ)");
	if (r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION)
		buf_puts(b, " · <a href=\"/schools/new\">Добавить школу</a> · "
			    "<a href=\"/municipalities\">Муниципалитеты</a>");
	buf_puts(b, "</p><div class=\"scroll\"><table><thead><tr><th>Логин</th><th>Название</th>"
		    "<th>Муниципалитет</th><th>Тип</th><th>Местность</th><th>Результатов</th></tr></thead><tbody>");
	buf_puts(b, buf_str(&rows));
	buf_puts(b, "</tbody></table></div>");
	if (!total)
		buf_puts(b, "<p class=\"muted\">Школ с такими условиями нет. Поиск не различает "
			    "строчные и заглавные буквы.</p>");
	html_pager(b, arena_printf(r->a, "/schools%s", buf_str(&base)), total, PER_PAGE, page);
	buf_free(&base);
out:
	buf_free(&rows);
	html_end(r, w);
	return rc;
}

/* The card's results table: a row per procedure, linking to the school's reports. */
struct card {
	struct buf *b;
	const char *login;
};

/* «ВПР, математика, 4 класс, 2021» from a procedure code KIND-YEAR-SUBJECT-GRADE (the code
 * itself when it does not have that shape). */
static void code_title(const char *code, char *out, size_t n)
{
	char subj[16] = "";
	int year = 0, grade = 0;
	const char *p = strchr(code, '-');
	if (p && sscanf(p + 1, "%d-%15[A-Za-z]-%d", &year, subj, &grade) == 3 &&
	    procedure_title_of(code, subj, grade, out, n)) {
		size_t len = strlen(out);
		snprintf(out + len, n - len, ", %d", year);
		return;
	}
	snprintf(out, n, "%s", code);
}

static int result_row(void *ctx, const struct summary_school_result *x)
{
	struct card *c = ctx;
	struct buf *b = c->b;
	char title[200];
	code_title(x->procedure, title, sizeof title);
	buf_puts(b, "<tr><td><a href=\"/reports/");
	html_url(b, x->procedure);
	buf_puts(b, "?school=");
	html_url(b, c->login);
	buf_puts(b, "\" title=\"");
	html_attr(b, x->procedure);
	buf_puts(b, "\">");
	html_text(b, title);
	buf_puts(b, "</a></td><td class=\"num\">");
	html_int(b, x->written);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->absent);
	buf_puts(b, "</td><td class=\"num\">");
	html_num(b, x->mean, 1); /* as the school's home and the reports: one decimal */
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->max_score);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->problems);
	buf_puts(b, "</td></tr>");
	return 0;
}

void web_upload_row(struct buf *b, const struct upload_list_row *x, bool with_school)
{
	char when[40], title[200];
	code_title(x->procedure, title, sizeof title);
	const char *cells[5] = { ru_moment(when, sizeof when, x->at), x->file, x->user, title,
				 x->school_name && *x->school_name ? x->school_name : x->school };
	buf_puts(b, "<tr>");
	for (int i = 0; i < (with_school ? 5 : 4); i++) {
		buf_puts(b, "<td>");
		html_text(b, cells[i]);
		buf_puts(b, "</td>");
	}
	buf_puts(b, "<td class=\"num\">");
	html_int(b, (long)x->rows);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, (long)x->replaced);
	buf_puts(b, "</td></tr>");
}

static int upload_row(void *ctx, const struct upload_list_row *x)
{
	web_upload_row(ctx, x, false);
	return 0;
}

int page_school(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const char *login = web_str(r, "login");
	struct registry_school_card c;
	int rc = registry_school_get(r->db, login, r->a, &c);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	/* Not found and not visible look the same: nothing leaks about other schools. */
	if (rc || !scope_sees_school(r->db, &r->scope, c.id))
		return ERR_NOTFOUND;
	html_begin(r, w, c.name);
	buf_puts(b, "<h1>");
	html_text(b, c.name);
	buf_puts(b, "</h1><dl class=\"facts\"><dt>Логин</dt><dd>");
	html_text(b, login);
	buf_puts(b, "</dd><dt>Муниципалитет</dt><dd>");
	html_text(b, c.municipality);
	buf_puts(b, "</dd><dt>Тип</dt><dd>");
	html_text(b, c.kind);
	buf_puts(b, c.indepth ? ", углублённое изучение" : "");
	buf_puts(b, "</dd><dt>Местность</dt><dd>");
	html_text(b, c.settlement);
	buf_puts(b, "</dd>");
	if (*c.address) {
		buf_puts(b, "<dt>Адрес</dt><dd>");
		html_text(b, c.address);
		buf_puts(b, "</dd>");
	}
	buf_puts(b, "</dl>");
	/* The evidence card when the school is in the latest analysis run (territory roles). */
	struct run_info ri;
	struct run_risk k;
	long ranked = 0;
	bool territory = r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION ||
			 r->user.role == ROLE_MUNICIPALITY;
	if (territory && !run_latest(r->db, &ri) && !run_school_risk(r->db, ri.id, c.id, &k, &ranked)) {
		buf_puts(b, "<p class=\"notice\"><a href=\"/risk/");
		html_url(b, login);
		buf_puts(b, "\">Доказательная карточка школы</a> — последний анализ: ");
		html_textf(b, "место %ld из %ld", k.rank, ranked);
		buf_puts(b, k.listed ? ", школа в списке oko.</p>" : ".</p>");
	}
	if (r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION) {
		buf_puts(b, "<p><a href=\"/schools/");
		html_url(b, login);
		buf_puts(b, "/edit\">Изменить данные школы</a></p>");
	}
	web_medalists_card(r, b, c.id, login);
	buf_puts(b, "<section><h2>Результаты</h2><div class=\"scroll\"><table><thead><tr><th>Процедура</th><th>Писали</th>"
		    "<th>Отсутствовали</th><th>Средний балл</th><th>Максимум работы</th>"
		    "<th>Строк с отметками о проблемах</th></tr></thead><tbody>");
	rc = summary_school_results(r->db, c.id, result_row, &(struct card){ b, login });
	buf_puts(b, "</tbody></table></div></section><section><h2>История загрузок</h2><div class=\"scroll\">"
		    "<table><thead><tr><th>Когда</th><th>Файл</th><th>Кто</th><th>Процедура</th><th>Строк</th>"
		    "<th>Заменено</th></tr></thead><tbody>");
	if (!rc)
		rc = upload_list_school(r->db, c.id, 50, upload_row, b);
	buf_puts(b, "</tbody></table></div></section>");
	html_end(r, w);
	return rc;
}

/* ---- aliases: one school, several logins ---- */

struct alias_page {
	struct web_req *r;
	struct buf *b;
	long n;
};

static int alias_row(void *ctx, const struct registry_alias *a)
{
	struct alias_page *ap = ctx;
	struct buf *b = ap->b;
	bool open = !strcmp(a->status, "proposed");
	/* A regional coordinator decides for the schools of its region only. */
	if (!scope_sees_school(ap->r->db, &ap->r->scope, a->school_id) ||
	    (a->own_id && !scope_sees_school(ap->r->db, &ap->r->scope, a->own_id)))
		return 0;
	buf_puts(b, "<tr><td>");
	html_text(b, a->login);
	buf_puts(b, "</td><td><a href=\"/schools/");
	html_url(b, a->school);
	buf_puts(b, "\">");
	html_text(b, a->school);
	buf_puts(b, "</a> ");
	html_text(b, a->school_name);
	buf_puts(b, "</td><td>");
	html_text(b, a->reason);
	if (open && a->results) {
		buf_puts(b, "; у второй школы результатов: ");
		html_int(b, (long)a->results);
	}
	buf_puts(b, "</td><td>");
	if (open) {
		for (int k = 0; k < 2; k++) {
			buf_puts(b, "<form method=\"post\" action=\"/schools/aliases\" class=\"inline\">");
			html_csrf(ap->r, b);
			buf_puts(b, "<input type=\"hidden\" name=\"login\" value=\"");
			html_attr(b, a->login);
			html_printf(b, "\"><input type=\"hidden\" name=\"decision\" value=\"%s\"><button%s>%s</button>"
				       "</form> ", k ? "reject" : "confirm", k ? " class=\"secondary\"" : "",
				    k ? "Это разные школы" : "Одна школа — объединить");
		}
	} else {
		html_text(b, !strcmp(a->status, "confirmed") ? "объединено" : "разные школы");
		if (*a->decided_by) {
			buf_puts(b, " (");
			html_text(b, a->decided_by);
			buf_puts(b, ")");
		}
	}
	buf_puts(b, "</td></tr>");
	ap->n++;
	return 0;
}

static void aliases_body(struct web_req *r, struct web_res *w, const char *flash, bool ok)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Логины школ");
	buf_puts(b, "<h1>Логины школ</h1>");
	if (flash) {
		buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
		html_text(b, flash);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<section class=\"card\"><p>Логин школы в ФИС ОКО может смениться между годами "
		    "(в 2020–2021 — sch223017, в 2022 — edu223017). Пока логины не связаны, школа — это две "
		    "школы, и сравнить её результаты за разные годы нельзя. Когда в файле встречается новый "
		    "логин с теми же цифрами, что у известной школы, oko предлагает объединить их. "
		    "Объединение переносит результаты, историю загрузок, план-график и материалы второй "
		    "школы к первой; его нельзя сделать, если у второй школы есть ученики или "
		    "пользователи, или обе школы писали одну и ту же процедуру.</p></section>");
	struct alias_page ap = { r, b, 0 };
	buf_puts(b, "<section class=\"card\"><h2>Предложения</h2><table><thead><tr><th>Новый логин</th>"
		    "<th>Похоже, это школа</th><th>Почему</th><th>Решение</th></tr></thead><tbody>");
	int rc = registry_alias_each(r->db, "proposed", alias_row, &ap);
	buf_puts(b, "</tbody></table>");
	if (!rc && !ap.n)
		buf_puts(b, "<p class=\"muted\">Предложений нет.</p>");
	buf_puts(b, "</section><section class=\"card\"><h2>Решённые</h2><table><thead><tr><th>Логин</th>"
		    "<th>Школа</th><th>Откуда</th><th>Решение</th></tr></thead><tbody>");
	ap.n = 0;
	if (!rc)
		rc = registry_alias_each(r->db, "confirmed", alias_row, &ap);
	if (!rc)
		rc = registry_alias_each(r->db, "rejected", alias_row, &ap);
	buf_puts(b, "</tbody></table>");
	if (!rc && !ap.n)
		buf_puts(b, "<p class=\"muted\">Пока ничего не решено.</p>");
	buf_puts(b, "</section>");
	html_end(r, w);
}

int page_school_aliases(struct web_req *r, struct web_res *w)
{
	aliases_body(r, w, NULL, true);
	return 0;
}

int page_school_aliases_post(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "login"), *decision = web_str(r, "decision");
	bool confirm = decision && !strcmp(decision, "confirm");
	if (!login || !decision || (!confirm && strcmp(decision, "reject")))
		return ERR_INVALID;
	char msg[256] = "";
	int64_t school_id, own_id;
	if (registry_alias_get(r->db, login, &school_id, &own_id) ||
	    !scope_sees_school(r->db, &r->scope, school_id) ||
	    (own_id && !scope_sees_school(r->db, &r->scope, own_id)))
		return ERR_NOTFOUND;
	int rc = registry_alias_decide(r->db, login, confirm, r->user.login, msg, sizeof msg);
	if (rc == ERR_NOTFOUND || rc == ERR_INVALID) {
		w->status = 400;
		aliases_body(r, w, msg, false);
		return 0;
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, confirm ? "school_alias" : "school_alias_reject", login, NULL, r->ip);
	const char *done = confirm ? "Школы объединены: оба логина теперь означают одну школу."
				   : "Записано: это разные школы.";
	aliases_body(r, w, done, true);
	return 0;
}

/* ---- the registry's export: the columns of schools.csv ---- */

static int export_row(void *ctx, const struct registry_school_item *x)
{
	struct table_writer *t = ctx;
	const char *cells[] = { x->login, x->name, x->municipality, x->region, x->kind, x->settlement,
				x->indepth ? "1" : "0", x->address };
	int rc = 0;
	for (size_t i = 0; i < sizeof cells / sizeof *cells && !rc; i++)
		rc = table_writer_text(t, cells[i]);
	return rc ? rc : table_writer_end_row(t);
}

int page_schools_export(struct web_req *r, struct web_res *w)
{
	static const char *const head[] = { "login", "name", "municipality", "region", "kind",
					    "settlement", "indepth", "address" };
	const char *sort = web_str(r, "sort") ? web_str(r, "sort") : "name";
	const char *format = web_str(r, "format");
	bool xlsx = format && !strcmp(format, "xlsx");
	enum table_kind kind = xlsx ? TABLE_XLSX : TABLE_CSV;
	size_t si = 0;
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		if (!strcmp(sorts[i].key, sort))
			si = i;
	const struct registry_school_filter f = {
		.q = web_str(r, "q") ? web_str(r, "q") : "", .municipality_id = web_int(r, "municipality"),
		.kind = web_str(r, "kind") ? web_str(r, "kind") : "", .order = (enum registry_school_order)si,
		.limit = 0,
	};
	struct table_writer *t = NULL;
	char msg[256] = "";
	int rc = table_writer_open_mem(&t, kind, "Школы", &w->body, msg, sizeof msg);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof head / sizeof *head && !rc; i++)
		rc = table_writer_text(t, head[i]);
	if (!rc)
		rc = table_writer_end_row(t);
	if (!rc)
		rc = registry_school_list(r->db, &r->scope, &f, export_row, t, NULL);
	int rc2 = table_writer_close(t);
	if (rc || (rc = rc2)) {
		buf_reset(&w->body);
		return rc;
	}
	audit_add(r->db, &r->user, NULL, "registry_export", NULL, xlsx ? "XLSX" : "CSV", r->ip);
	web_send_table(r, w, kind, xlsx ? "schools.xlsx" : "schools.csv",
		       xlsx ? "Реестр школ.xlsx" : "Реестр школ.csv");
	return 0;
}

/* ---- adding and editing schools ---- */

/* The school form; login NULL: a new school (the login is asked), else that school's. */
static int school_form(struct web_req *r, struct web_res *w, const char *login,
		       const struct registry_school_card *c, const char *message, bool error)
{
	struct buf *b = &w->body;
	const char *title = login ? "Изменить школу" : "Добавить школу";
	html_begin(r, w, title);
	buf_puts(b, "<p><a href=\"/schools\">← Школы</a></p><h1>");
	html_text(b, title);
	buf_puts(b, "</h1>");
	if (message) {
		buf_puts(b, error ? "<p class=\"alert\" role=\"alert\">" : "<p class=\"notice\" role=\"status\">");
		html_text(b, message);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<section class=\"card\"><form method=\"post\" class=\"grid\" action=\"");
	if (login) {
		buf_puts(b, "/schools/");
		html_url(b, login);
		buf_puts(b, "/edit\">");
	} else {
		buf_puts(b, "/schools/new\">");
	}
	html_csrf(r, b);
	if (login) {
		buf_puts(b, "<p>Логин: <b>");
		html_text(b, login);
		buf_puts(b, "</b> (логин ФИС ОКО не меняется)</p>");
	} else {
		buf_puts(b, "<label>Логин ФИС ОКО <input name=\"login\" required pattern=\"[A-Za-z0-9_\\-]+\" "
			    "placeholder=\"например, sch220206\" value=\"");
		html_attr(b, web_str(r, "login") ? web_str(r, "login") : "");
		buf_puts(b, "\"></label>");
	}
	const char *name = web_str(r, "name") ? web_str(r, "name") : c ? c->name : "";
	buf_puts(b, "<label>Название <input name=\"name\" required maxlength=\"300\" value=\"");
	html_attr(b, name);
	buf_puts(b, "\"></label><label>Муниципалитет <select name=\"municipality\" required>"
		    "<option value=\"\">— выберите —</option>");
	long mun = web_int(r, "municipality") ? web_int(r, "municipality") : c ? (long)c->municipality_id : 0;
	registry_municipality_each(r->db, &r->scope, mun_option, &(struct mun_options){ b, mun });
	buf_puts(b, "</select></label><label>Тип <select name=\"kind\">");
	const char *kind = web_str(r, "kind") ? web_str(r, "kind") : c ? c->kind : "СОШ";
	for (size_t i = 0; registry_kinds[i]; i++)
		option(b, registry_kinds[i], registry_kinds[i], !strcmp(kind, registry_kinds[i]));
	const char *settl = web_str(r, "settlement") ? web_str(r, "settlement") : c ? c->settlement : "";
	buf_puts(b, "</select></label><label>Местность <select name=\"settlement\">");
	option(b, "", "не указана", !*settl);
	option(b, "город", "город", !strcmp(settl, "город"));
	option(b, "село", "село", !strcmp(settl, "село"));
	bool indepth = strcmp(r->method, "POST") ? c && c->indepth : web_flag(r, "indepth");
	html_printf(b, "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"indepth\" "
		       "value=\"1\"%s> углублённое изучение предметов</label>", indepth ? " checked" : "");
	const char *address = web_str(r, "address") ? web_str(r, "address") : c ? c->address : "";
	buf_puts(b, "<label>Адрес (куда ехать наблюдателю) <input name=\"address\" maxlength=\"150\" value=\"");
	html_attr(b, address);
	html_printf(b, "\"></label><button>%s</button></form></section>", login ? "Сохранить" : "Добавить");
	html_end(r, w);
	return 0;
}

static void edit_of_form(struct web_req *r, struct registry_school_edit *e)
{
	*e = (struct registry_school_edit){
		.name = web_str(r, "name"), .municipality_id = web_int(r, "municipality"),
		.kind = web_str(r, "kind"), .settlement = web_str(r, "settlement") ? web_str(r, "settlement") : "",
		.indepth = web_flag(r, "indepth"), .address = web_str(r, "address") ? web_str(r, "address") : "",
	};
}

/* A municipality the user may put a school into: one its scope sees as a whole. */
static bool mun_allowed(struct web_req *r, int64_t id)
{
	int64_t region;
	if (id <= 0 || registry_municipality_region(r->db, id, &region))
		return false;
	return r->scope.kind == SCOPE_ALL || (r->scope.kind == SCOPE_REGION && region == r->scope.id);
}

int page_school_new(struct web_req *r, struct web_res *w)
{
	return school_form(r, w, NULL, NULL, NULL, false);
}

int page_school_new_post(struct web_req *r, struct web_res *w)
{
	struct registry_school_edit e;
	char msg[256] = "";
	const char *login = web_str(r, "login");
	int64_t id = 0;
	edit_of_form(r, &e);
	int rc = ERR_INVALID;
	if (e.municipality_id && !mun_allowed(r, e.municipality_id))
		snprintf(msg, sizeof msg, "выберите муниципалитет своего региона");
	else
		rc = registry_school_add(r->db, login ? login : "", &e, &id, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_EXISTS || rc == ERR_NOTFOUND) {
		w->status = 400;
		return school_form(r, w, NULL, NULL, *msg ? msg : "Школа не добавлена.", true);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "school_add", login, e.name, r->ip);
	web_redirect(w, arena_printf(r->a, "/schools/%s", login));
	return 0;
}

/* The school of the path that the user may edit, or ERR_NOTFOUND. */
static int editable(struct web_req *r, struct registry_school_card *c)
{
	int rc = registry_school_get(r->db, web_str(r, "login"), r->a, c);
	if (rc)
		return rc;
	return scope_sees_school(r->db, &r->scope, c->id) ? 0 : ERR_NOTFOUND;
}

int page_school_edit(struct web_req *r, struct web_res *w)
{
	struct registry_school_card c;
	int rc = editable(r, &c);
	return rc ? rc : school_form(r, w, web_str(r, "login"), &c, NULL, false);
}

int page_school_edit_post(struct web_req *r, struct web_res *w)
{
	struct registry_school_card c;
	struct registry_school_edit e;
	char msg[256] = "";
	const char *login = web_str(r, "login");
	int rc = editable(r, &c);
	if (rc)
		return rc;
	edit_of_form(r, &e);
	rc = ERR_INVALID;
	if (e.municipality_id && !mun_allowed(r, e.municipality_id))
		snprintf(msg, sizeof msg, "выберите муниципалитет своего региона");
	else
		rc = registry_school_update(r->db, login, &e, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_EXISTS) {
		w->status = 400;
		return school_form(r, w, login, &c, *msg ? msg : "Изменения не сохранены.", true);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "school_edit", login, e.name, r->ip);
	web_redirect(w, arena_printf(r->a, "/schools/%s", login));
	return 0;
}

/* ---- municipalities ---- */

struct mun_page {
	struct web_req *r;
	struct buf *b;
};

static int mun_row(void *ctx, int64_t id, const char *name)
{
	struct mun_page *m = ctx;
	struct buf *b = m->b;
	buf_puts(b, "<tr><td>");
	html_text(b, name);
	buf_puts(b, "</td><td><form method=\"post\" action=\"/municipalities\" class=\"inline\">");
	html_csrf(m->r, b);
	html_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><label class=\"visually-hidden\" "
		       "for=\"mun-%lld\">Новое название</label><input id=\"mun-%lld\" name=\"name\" required "
		       "maxlength=\"150\" value=\"", (long long)id, (long long)id, (long long)id);
	html_attr(b, name);
	buf_puts(b, "\"> <button>Переименовать</button></form></td></tr>");
	return 0;
}

static int region_option(void *ctx, int64_t id, const char *name)
{
	struct mun_page *m = ctx;
	if (m->r->scope.kind == SCOPE_REGION && id != m->r->scope.id)
		return 0;
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)id);
	option(m->b, v, name, m->r->scope.kind == SCOPE_REGION);
	return 0;
}

static int municipalities_page(struct web_req *r, struct web_res *w, const char *message, bool error)
{
	struct buf *b = &w->body;
	struct mun_page m = { r, b };
	html_begin(r, w, "Муниципалитеты");
	buf_puts(b, "<p><a href=\"/schools\">← Школы</a></p><h1>Муниципалитеты</h1>");
	if (message) {
		buf_puts(b, error ? "<p class=\"alert\" role=\"alert\">" : "<p class=\"notice\" role=\"status\">");
		html_text(b, message);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<section class=\"card\"><h2>Добавить муниципалитет</h2><form method=\"post\" "
		    "action=\"/municipalities\" class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Регион <select name=\"region\" required>");
	int rc = registry_region_each(r->db, region_option, &m);
	buf_puts(b, "</select></label><label>Название <input name=\"name\" required maxlength=\"150\"></label>"
		    "<button>Добавить</button></form></section><section class=\"card\"><h2>Переименовать</h2>"
		    "<div class=\"scroll\"><table><thead><tr><th>Муниципалитет</th><th>Новое название</th></tr>"
		    "</thead><tbody>");
	if (!rc)
		rc = registry_municipality_each(r->db, &r->scope, mun_row, &m);
	buf_puts(b, "</tbody></table></div></section>");
	html_end(r, w);
	return rc;
}

int page_municipalities(struct web_req *r, struct web_res *w)
{
	return municipalities_page(r, w, NULL, false);
}

int page_municipalities_post(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id"), region = web_int(r, "region");
	const char *name = web_str(r, "name") ? web_str(r, "name") : "";
	char msg[256] = "", done[400];
	int rc;
	if (id) {
		if (!mun_allowed(r, id))
			return ERR_NOTFOUND;
		rc = registry_municipality_rename(r->db, id, name, msg, sizeof msg);
		snprintf(done, sizeof done, "Муниципалитет переименован: «%s».", name);
	} else {
		if (!region || (r->scope.kind == SCOPE_REGION && region != r->scope.id)) {
			w->status = 400;
			return municipalities_page(r, w, "Выберите регион из списка.", true);
		}
		rc = registry_municipality_add(r->db, region, name, NULL, msg, sizeof msg);
		snprintf(done, sizeof done, "Муниципалитет «%s» добавлен.", name);
	}
	if (rc == ERR_INVALID || rc == ERR_EXISTS || rc == ERR_NOTFOUND) {
		w->status = 400;
		return municipalities_page(r, w, *msg ? msg : "Не сохранено.", true);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, id ? "municipality_edit" : "municipality_add", name, NULL, r->ip);
	return municipalities_page(r, w, done, false);
}

/* ---- the schools as a datalist ---- */

static int school_option(void *ctx, const struct registry_school_item *x)
{
	struct buf *b = ctx;
	buf_puts(b, "<option value=\"");
	html_attr(b, x->login);
	buf_puts(b, "\">");
	html_text(b, x->name);
	if (*x->municipality) {
		buf_puts(b, ", ");
		html_text(b, x->municipality);
	}
	buf_puts(b, "</option>");
	return 0;
}

void web_school_datalist(struct web_req *r, struct buf *b, const struct scope *sc, const char *id)
{
	const struct registry_school_filter f = { .q = "", .kind = "", .order = REGISTRY_BY_NAME, .limit = 0 };
	buf_puts(b, "<datalist id=\"");
	html_attr(b, id);
	buf_puts(b, "\">");
	registry_school_list(r->db, sc, &f, school_option, b, NULL);
	buf_puts(b, "</datalist>");
}
