/* schools: the registry list (search, filters, sorting, pages) and a school's card. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "model/registry.h"
#include "web/web.h"

#define PER_PAGE 50

/* The orders offered; page_sql below has the matching ORDER BY at the same index. */
static const struct {
	const char *key, *title;
} sorts[] = {
	{ "name", "по названию" },
	{ "login", "по логину" },
	{ "municipality", "по муниципалитету" },
	{ "results", "по числу результатов" },
};

/* The list's WHERE clause, shared by the count and the page; every value is bound:
 * ?1 scope kind, ?2 scope id, ?3 search text, ?4 municipality id, ?5 kind. */
#define LIST_WHERE \
	" WHERE " SCOPE_SQL("s") \
	" AND (?3 = '' OR s.login LIKE '%' || ?3 || '%' OR s.name LIKE '%' || ?3 || '%')" \
	" AND (?4 = 0 OR s.municipality_id = ?4) AND (?5 = '' OR s.kind = ?5)"

static void bind_list(struct db_stmt *s, const struct scope *u, const char *q, long mun,
		      const char *kind)
{
	scope_bind(s, u);
	db_bind_text(s, 3, q, -1);
	db_bind_int(s, 4, mun);
	db_bind_text(s, 5, kind, -1);
}

static void option(struct buf *b, const char *value, const char *title, bool selected)
{
	buf_puts(b, "<option value=\"");
	html_attr(b, value);
	buf_puts(b, selected ? "\" selected>" : "\">");
	html_text(b, title);
	buf_puts(b, "</option>");
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
	if (strlen(q) > 100)
		return ERR_INVALID;
	struct db_stmt *s = NULL;
	int rc;
	long total = 0;
	html_begin(r, w, "Школы");
	buf_puts(b, "<h1>Школы</h1><form class=\"filters\" method=\"get\" action=\"/schools\" role=\"search\">"
		    "<label>Поиск <input name=\"q\" type=\"search\" placeholder=\"логин или название\" value=\"");
	html_attr(b, q);
	buf_puts(b, "\"></label><label>Муниципалитет <select name=\"municipality\">");
	option(b, "0", "все", mun == 0);
	if (!(rc = db_prepare(r->db, &s, "SELECT m.id, m.name FROM municipality m WHERE"
					 " (?1 = 'all' OR (?1 = 'mun' AND m.id = ?2) OR (?1 = 'reg' AND m.region_id = ?2))"
					 " ORDER BY m.name"))) {
		bind_list(s, &r->scope, "", 0, "");
		while (db_step(s) == DB_ROW) {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)db_col_int(s, 0));
			option(b, id, db_col_text(s, 1), db_col_int(s, 0) == mun);
		}
	}
	db_finalize(s);
	s = NULL;
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

	if ((rc = db_prepare(r->db, &s, "SELECT count(*) FROM school s LEFT JOIN municipality m"
					" ON m.id = s.municipality_id" LIST_WHERE)))
		goto out;
	bind_list(s, &r->scope, q, mun, kind);
	if (db_step(s) == DB_ROW)
		total = (long)db_col_int(s, 0);
	db_finalize(s);
	s = NULL;
	/* The ORDER BY is chosen from a fixed list, never from the request's text. */
	static const char *const page_sql[] = {
#define PAGE_SQL(order) "SELECT s.login, s.name, coalesce(m.name, ''), s.kind, coalesce(s.settlement, ''),"   \
	" s.indepth, (SELECT coalesce(sum(x.rows), 0) FROM result_pair x WHERE x.school_id = s.id) n,"     \
	" s.kind_guessed FROM school s"                                                                  \
	" LEFT JOIN municipality m ON m.id = s.municipality_id" LIST_WHERE " ORDER BY " order          \
	" LIMIT ?6 OFFSET ?7"
		PAGE_SQL("s.name, s.login"), PAGE_SQL("s.login"), PAGE_SQL("m.name, s.name"),
		PAGE_SQL("n DESC, s.name"),
#undef PAGE_SQL
	};
	if ((rc = db_prepare(r->db, &s, page_sql[si])))
		goto out;
	bind_list(s, &r->scope, q, mun, kind);
	db_bind_int(s, 6, PER_PAGE);
	db_bind_int(s, 7, (page - 1) * PER_PAGE);
	buf_puts(b, "<p class=\"muted\">Найдено: ");
	html_int(b, total);
	buf_puts(b, "</p><table><thead><tr><th>Логин</th><th>Название</th><th>Муниципалитет</th>"
		    "<th>Тип</th><th>Местность</th><th>Результатов</th></tr></thead><tbody>");
	while (db_step(s) == DB_ROW) {
		buf_puts(b, "<tr><td><a href=\"/schools/");
		html_url(b, db_col_text(s, 0));
		buf_puts(b, "\">");
		html_text(b, db_col_text(s, 0));
		buf_puts(b, "</a></td><td>");
		html_text(b, db_col_text(s, 1));
		buf_puts(b, "</td><td>");
		html_text(b, db_col_text(s, 2));
		buf_puts(b, "</td><td>");
		html_text(b, db_col_text(s, 3));
		if (db_col_int(s, 5))
			buf_puts(b, " <abbr title=\"углублённое изучение\">угл.</abbr>");
		if (db_col_int(s, 7))
			buf_puts(b, " <small class=\"muted\" title=\"в списке школ типа не было: он определён по "
				    "названию — проверьте\">по названию</small>");
		buf_puts(b, "</td><td>");
		html_text(b, db_col_text(s, 4));
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, (long)db_col_int(s, 6));
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table>");
	struct buf base = BUF_INIT;
	buf_puts(&base, "/schools?q=");
	html_url(&base, q);
	buf_printf(&base, "&municipality=%ld&kind=", mun);
	html_url(&base, kind);
	buf_printf(&base, "&sort=%s", sorts[si].key);
	html_pager(b, buf_str(&base), total, PER_PAGE, page);
	buf_free(&base);
out:
	db_finalize(s);
	html_end(r, w);
	return rc;
}

int page_school(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const char *login = web_str(r, "login");
	struct db_stmt *s = NULL;
	int rc = db_prepare(r->db, &s, "SELECT s.id, s.name, coalesce(m.name, ''), s.kind,"
				       " coalesce(s.settlement, ''), s.indepth FROM school s"
				       " LEFT JOIN municipality m ON m.id = s.municipality_id WHERE s.login = ?");
	if (rc)
		return rc;
	db_bind_text(s, 1, login, -1);
	if (db_step(s) != DB_ROW || !scope_sees_school(r->db, &r->scope, db_col_int(s, 0))) {
		/* Not found and not visible look the same: nothing leaks about other schools. */
		db_finalize(s);
		return ERR_NOTFOUND;
	}
	int64_t id = db_col_int(s, 0);
	html_begin(r, w, db_col_text(s, 1));
	buf_puts(b, "<h1>");
	html_text(b, db_col_text(s, 1));
	buf_puts(b, "</h1><dl class=\"facts\"><dt>Логин</dt><dd>");
	html_text(b, login);
	buf_puts(b, "</dd><dt>Муниципалитет</dt><dd>");
	html_text(b, db_col_text(s, 2));
	buf_puts(b, "</dd><dt>Тип</dt><dd>");
	html_text(b, db_col_text(s, 3));
	buf_puts(b, db_col_int(s, 5) ? ", углублённое изучение" : "");
	buf_puts(b, "</dd><dt>Местность</dt><dd>");
	html_text(b, db_col_text(s, 4));
	buf_puts(b, "</dd></dl>");
	db_finalize(s);
	s = NULL;
	buf_puts(b, "<section><h2>Результаты</h2><table><thead><tr><th>Процедура</th><th>Писали</th>"
		    "<th>Отсутствовали</th><th>Средний балл</th><th>Максимум работы</th>"
		    "<th>Строк с отметками о проблемах</th></tr></thead><tbody>");
	if (!(rc = db_prepare(r->db, &s, "SELECT p.code, sum(1 - x.absent), sum(x.absent),"
					 " avg(x.primary_score), p.max_score, sum(x.problems != 0)"
					 " FROM procedure p CROSS JOIN result x ON x.procedure_id = p.id AND x.school_id = ?"
					 " GROUP BY p.id ORDER BY p.year DESC, p.code"))) {
		db_bind_int(s, 1, id);
		while (db_step(s) == DB_ROW) {
			/* The procedure links to the school's analytics reports. */
			buf_puts(b, "<tr><td><a href=\"/reports/");
			html_url(b, db_col_text(s, 0));
			buf_puts(b, "?school=");
			html_url(b, login);
			buf_puts(b, "\" title=\"Аналитика ВПР школы\">");
			html_text(b, db_col_text(s, 0));
			buf_puts(b, "</a></td><td class=\"num\">");
			html_int(b, (long)db_col_int(s, 1));
			buf_puts(b, "</td><td class=\"num\">");
			html_int(b, (long)db_col_int(s, 2));
			html_printf(b, "</td><td class=\"num\">%.2f</td><td class=\"num\">%lld</td>"
				       "<td class=\"num\">%lld</td></tr>", db_col_double(s, 3),
				    (long long)db_col_int(s, 4), (long long)db_col_int(s, 5));
		}
	}
	db_finalize(s);
	s = NULL;
	buf_puts(b, "</tbody></table></section><section><h2>История загрузок</h2><table><thead><tr>"
		    "<th>Когда (UTC)</th><th>Файл</th><th>Кто</th><th>Процедура</th><th>Строк</th>"
		    "<th>Заменено</th></tr></thead><tbody>");
	if (!rc && !(rc = db_prepare(r->db, &s, "SELECT u.created_at, u.file, u.user_name, p.code,"
						" us.rows, us.replaced FROM upload_school us"
						" JOIN upload u ON u.id = us.upload_id"
						" JOIN procedure p ON p.id = us.procedure_id"
						" WHERE us.school_id = ? ORDER BY u.id DESC LIMIT 50"))) {
		db_bind_int(s, 1, id);
		while (db_step(s) == DB_ROW) {
			buf_puts(b, "<tr>");
			for (int i = 0; i < 6; i++) {
				buf_puts(b, i >= 4 ? "<td class=\"num\">" : "<td>");
				html_text(b, db_col_text(s, i));
				buf_puts(b, "</td>");
			}
			buf_puts(b, "</tr>");
		}
	}
	db_finalize(s);
	buf_puts(b, "</tbody></table></section>");
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
	if (open && a->results)
		html_printf(b, "; у %s результатов: %lld", "второй школы", (long long)a->results);
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
