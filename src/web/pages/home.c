/* home: what each role sees first — the territory's upload progress, or the school's
 * procedures and what to do next. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "model/run.h"
#include "web/web.h"

/* Territory filter of the queries below (scope_bind binds ?1 and ?2). */
#define SCOPE_SQL_S SCOPE_SQL("s")

static void counts(struct web_req *r, struct buf *b)
{
	struct db_stmt *s = NULL;
	if (db_prepare(r->db, &s, "SELECT count(*), count(DISTINCT s.municipality_id),"
				  " (SELECT count(*) FROM procedure),"
				  " (SELECT coalesce(sum(x.rows), 0) FROM result_pair x JOIN school s"
				  " ON s.id = x.school_id WHERE " SCOPE_SQL_S ")"
				  " FROM school s WHERE " SCOPE_SQL_S))
		return;
	scope_bind(s, &r->scope);
	if (db_step(s) == DB_ROW) {
		buf_puts(b, "<ul class=\"tiles\">");
		static const char *labels[] = { "школ", "муниципалитетов", "процедур", "результатов" };
		for (int i = 0; i < 4; i++) {
			if (i == 1 && r->user.role == ROLE_MUNICIPALITY)
				continue;
			buf_puts(b, "<li><strong>");
			html_int(b, (long)db_col_int(s, i));
			buf_puts(b, "</strong>");
			html_text(b, labels[i]);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>");
	}
	db_finalize(s);
}

/* Per procedure: schools with uploaded results against schools of the territory, with the
 * breakdown by municipality folded under each procedure. */
static void progress(struct web_req *r, struct buf *b)
{
	struct db_stmt *s = NULL;
	if (db_prepare(r->db, &s,
		       "SELECT p.code, coalesce(m.name, 'муниципалитет не указан'),"
		       " count(DISTINCT x.school_id),"
		       " (SELECT count(*) FROM school s2 WHERE s2.municipality_id IS m.id"
		       "  AND (?1 != 'school' OR s2.id = ?2))"
		       " FROM result_pair x JOIN procedure p ON p.id = x.procedure_id"
		       " JOIN school s ON s.id = x.school_id LEFT JOIN municipality m ON m.id = s.municipality_id"
		       " WHERE " SCOPE_SQL_S " GROUP BY p.id, m.id ORDER BY p.year DESC, p.code, m.name"))
		return;
	scope_bind(s, &r->scope);
	buf_puts(b, "<section><h2>Загрузка результатов</h2>");
	struct buf rows = BUF_INIT;
	char cur[48] = "";
	long got = 0, all = 0;
	int procs = 0;
	for (int step = db_step(s);; step = db_step(s)) {
		const char *code = step == DB_ROW ? db_col_text(s, 0) : "";
		if (cur[0] && strcmp(cur, code)) {
			/* One procedure done: its line, then its municipalities folded. */
			int pct = all > 0 ? (int)(100 * got / all) : 100;
			buf_puts(b, "<details class=\"progress\"><summary><span class=\"proc\">");
			html_text(b, cur);
			buf_puts(b, "</span><span class=\"num\">");
			html_int(b, got);
			buf_puts(b, " из ");
			html_int(b, all);
			html_printf(b, " школ</span><meter min=\"0\" max=\"100\" value=\"%d\">%d%%</meter>"
				       "<span class=\"num\">%d%%</span></summary><table><thead><tr>"
				       "<th>Муниципалитет</th><th>Школ загрузили</th><th>Доля</th></tr></thead>"
				       "<tbody>%s</tbody></table></details>", pct > 100 ? 100 : pct, pct, pct,
				    buf_str(&rows));
			buf_reset(&rows);
			got = all = 0;
			procs++;
		}
		if (step != DB_ROW)
			break;
		snprintf(cur, sizeof cur, "%s", code);
		long g = (long)db_col_int(s, 2), a = (long)db_col_int(s, 3);
		int pct = a > 0 ? (int)(100 * g / a) : 100;
		got += g;
		all += a;
		buf_puts(&rows, "<tr><td>");
		html_text(&rows, db_col_text(s, 1));
		buf_puts(&rows, "</td><td class=\"num\">");
		html_int(&rows, g);
		buf_puts(&rows, " из ");
		html_int(&rows, a);
		html_printf(&rows, "</td><td><meter min=\"0\" max=\"100\" value=\"%d\">%d%%</meter> %d%%"
				   "</td></tr>", pct > 100 ? 100 : pct, pct, pct);
	}
	if (!procs)
		buf_puts(b, "<p>Результатов пока нет.</p>");
	buf_puts(b, "</section>");
	buf_free(&rows);
	db_finalize(s);
}

/* The latest analysis: the region's objectivity index and the top of the risk list within
 * the user's territory (region, municipality). */
static void risk_summary(struct web_req *r, struct buf *b)
{
	struct run_info ri;
	if (r->user.role == ROLE_SCHOOL || run_latest(r->db, &ri))
		return;
	buf_puts(b, "<section><h2>Объективность</h2><p>Анализ от ");
	html_text(b, ri.at);
	html_printf(b, " (UTC): показатель объективности региона <strong>%.1f</strong>, школ с "
		       "официальными признаками — %lld, в списке oko — %lld.</p>",
		    ri.index, (long long)ri.flagged, (long long)ri.listed);
	struct run_filter f = { RUN_LISTED, 0, NULL, 5, 0 };
	struct run_risk *rows = NULL;
	size_t n = 0;
	if (run_risk_list(r->db, &r->scope, ri.id, &f, &rows, &n))
		return;
	buf_puts(b, "<ol class=\"top\">");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "<li><a href=\"/risk/");
		html_url(b, rows[i].login);
		buf_puts(b, "\">");
		html_text(b, rows[i].name);
		html_printf(b, "</a> — риск %.1f, официальных признаков: %ld</li>", rows[i].risk,
			    rows[i].official_flags);
	}
	buf_puts(b, "</ol>");
	if (!n)
		buf_puts(b, "<p>На вашей территории школ из списка oko нет.</p>");
	buf_puts(b, "<p><a href=\"/risk\">Вся зона риска</a></p></section>");
	run_risk_free(rows, n);
}

static void recent_uploads(struct web_req *r, struct buf *b)
{
	struct db_stmt *s = NULL;
	if (db_prepare(r->db, &s,
		       "SELECT u.created_at, u.file, u.user_name, p.code, s.login, us.rows, us.replaced"
		       " FROM upload_school us JOIN upload u ON u.id = us.upload_id"
		       " JOIN procedure p ON p.id = us.procedure_id JOIN school s ON s.id = us.school_id"
		       " WHERE " SCOPE_SQL_S " ORDER BY u.id DESC LIMIT 10"))
		return;
	scope_bind(s, &r->scope);
	buf_puts(b, "<section><h2>Последние загрузки</h2><table><thead><tr><th>Когда (UTC)</th>"
		    "<th>Файл</th><th>Кто</th><th>Процедура</th><th>Школа</th><th>Строк</th>"
		    "<th>Заменено</th></tr></thead><tbody>");
	int rows = 0;
	while (db_step(s) == DB_ROW) {
		buf_puts(b, "<tr>");
		for (int i = 0; i < 7; i++) {
			buf_puts(b, i >= 5 ? "<td class=\"num\">" : "<td>");
			html_text(b, db_col_text(s, i));
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>");
		rows++;
	}
	if (!rows)
		buf_puts(b, "<tr><td colspan=\"7\">Загрузок пока не было.</td></tr>");
	buf_puts(b, "</tbody></table></section>");
	db_finalize(s);
}

int page_home(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Главная");
	buf_puts(b, "<h1>");
	html_text(b, r->user.scope_name[0] ? r->user.scope_name : "Регион");
	buf_puts(b, "</h1>");
	if (r->user.role == ROLE_EXPERT || r->user.role == ROLE_OBSERVER) {
		buf_puts(b, "<p>Здесь появятся назначенные вам работы и проведения.</p>");
		html_end(r, w);
		return 0;
	}
	if (r->user.role == ROLE_SCHOOL)
		buf_puts(b, "<p><a class=\"button\" href=\"/upload\">Загрузить результаты</a></p>");
	/* The figures are the same for every user of one territory until the data change. */
	char key[64];
	snprintf(key, sizeof key, "home:%d:%lld", (int)r->user.role,
		 (long long)(r->user.role == ROLE_SCHOOL ? r->user.school_id
			     : r->user.role == ROLE_MUNICIPALITY ? r->user.municipality_id
			     : r->user.role == ROLE_REGION ? r->user.region_id : 0));
	const char *cached = web_cache_get(r, key);
	if (cached) {
		html_raw(b, cached);
	} else {
		struct buf part = BUF_INIT;
		counts(r, &part);
		risk_summary(r, &part);
		progress(r, &part);
		web_monitoring_home(r, &part);
		recent_uploads(r, &part);
		web_cache_put(r, key, buf_str(&part));
		html_raw(b, buf_str(&part));
		buf_free(&part);
	}
	html_end(r, w);
	return 0;
}
