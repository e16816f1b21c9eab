/* risk: the risk list of the latest analysis run and a school's evidence card.
 *
 * Both read what `oko analyze` stored (migration 004): the ranked schools with their risk
 * and official flags, and for a school every flagged sign with its value, threshold, n and
 * inputs, explained in plain Russian, with the school's score distribution drawn over the
 * region's and its history across runs. A flag is evidence for a person to review, and the
 * page says so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "report/fisoko.h"
#include "web/chart.h"
#include "web/web.h"

struct sign_text {
	const char *name, *title, *kind, *explain;
};

static const struct sign_text signs[] = {
	{ "mean_inflated", "Завышенный средний балл", "официальный",
	  "Нижняя граница 95 % доверительного интервала среднего балла школы выше верхней границы "
	  "регионального интервала (методика 2019 г., правило а)." },
	{ "journal_mismatch", "Несоответствие отметкам в журнале", "официальный",
	  "Ранговая корреляция Спирмена между отметкой в журнале и первичным баллом отрицательна: "
	  "ученики с более высокими отметками написали работу хуже (методика 2019 г., правило б)." },
	{ "cohort_rise", "Резкий рост результатов параллели", "официальный",
	  "Отношение K процентов выполнения параллели в прошлом и в этом году ниже Q25 − 3·IQR "
	  "по всем школам региона (методика 2019 г., правило в)." },
	{ "cohort_drop", "Резкое падение результатов параллели", "официальный",
	  "Отношение K выше Q75 + 3·IQR по школам региона (методика 2019 г., правило в)." },
	{ "journal_gap", "Расхождение с журналом на две отметки и более", "опубликованный критерий",
	  "Доля работ, где отметка за работу отличается от журнальной на две и более, выше "
	  "региональной сверх случайного (рекомендации ФИОКО)." },
	{ "share2_rise", "Рост доли «2» на 10 п. п. и более", "опубликованный критерий",
	  "Доля отметок «2» выросла по сравнению с прошлым годом на 10 процентных пунктов или "
	  "больше (рекомендации ФИОКО)." },
	{ "boundary_peak", "Пик распределения у границы отметки", "опубликованный критерий",
	  "Распределение первичных баллов имеет пик ровно на нижней границе отметки." },
	{ "difficulty_inverted", "Обратный профиль трудности", "опубликованный критерий",
	  "Лёгкие задания выполнены хуже, чем в регионе, а трудные — лучше: так бывает, когда "
	  "помогают с трудными заданиями (критерий Рособрнадзора 2018 г.)." },
	{ "boundary_bunching", "Скопление баллов на границе отметки", "признак oko",
	  "На границе отметки и сразу над ней работ больше, а сразу под ней меньше, чем "
	  "ожидается по распределению региона (точный биномиальный тест, контроль ложных "
	  "обнаружений)." },
	{ "hard_help", "Трудные задания выполнены лучше ожидаемого", "признак oko",
	  "Задания повышенного уровня выполнены заметно лучше, чем у учеников региона с тем же "
	  "общим баллом." },
	{ "person_fit", "Необычные наборы ответов", "признак oko",
	  "Наборы баллов по заданиям плохо согласуются с моделью, построенной по региону: "
	  "ученики чаще решают трудное и не решают лёгкое." },
	{ "twins", "Почти одинаковые работы в классе", "признак oko",
	  "В классах больше пар работ, отличающихся не более чем одним заданием, чем ожидается "
	  "(списывание или диктовка ответов)." },
	{ "journal_lenient", "Завышенные отметки в журнале", "признак oko",
	  "При том же балле за работу отметки в журнале выше, чем в регионе." },
	{ "score_above_journal", "Баллы выше ожидаемых по журналу", "признак oko",
	  "При той же отметке в журнале баллы за работу выше, чем в регионе." },
	{ "lenient_scoring", "Мягкая проверка заданий с развёрнутым ответом", "признак oko",
	  "Задания, которые оценивает проверяющий, выполнены лучше, чем у учеников региона с тем "
	  "же общим баллом." },
};

static const struct sign_text *sign_of(const char *name)
{
	for (size_t i = 0; i < sizeof signs / sizeof *signs; i++)
		if (!strcmp(signs[i].name, name))
			return &signs[i];
	return NULL;
}

/* The latest analysis run, or 0 when there is none. */
static int64_t latest_run(struct db *d)
{
	int64_t id = 0;
	db_query_int(d, "SELECT max(id) FROM analysis_run", 0, &id);
	return id;
}

static void no_run(struct web_req *r, struct web_res *w, const char *title)
{
	html_begin(r, w, title);
	buf_puts(&w->body, "<h1>");
	html_text(&w->body, title);
	buf_puts(&w->body, "</h1><p class=\"card\">Анализ ещё не проводился. Его запускает "
			   "администратор командой <code>oko analyze --out КАТАЛОГ</code> после загрузки "
			   "результатов.</p>");
	html_end(r, w);
}

static void num(struct buf *b, double v, const char *fmt)
{
	if (isnan(v))
		buf_puts(b, "—");
	else
		html_printf(b, fmt, v);
}

int page_risk(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	int64_t run = latest_run(r->db);
	if (!run) {
		no_run(r, w, "Зона риска");
		return 0;
	}
	const char *all = web_str(r, "all");
	bool listed_only = !all || !*all;
	long mun = web_int(r, "municipality");
	const char *kind = web_str(r, "kind") ? web_str(r, "kind") : "";
	long page = web_int(r, "page"), per = 50;
	struct db_stmt *s = NULL;
	int rc = db_prepare(r->db, &s,
			    "SELECT at, procedures, schools, flagged, objectivity_index, listed, q"
			    " FROM analysis_run WHERE id = ?");
	if (rc)
		return rc;
	db_bind_int(s, 1, run);
	html_begin(r, w, "Зона риска");
	buf_puts(b, "<h1>Зона риска</h1>");
	if (db_step(s) == DB_ROW) {
		buf_puts(b, "<ul class=\"tiles\"><li><strong>");
		num(b, db_col_double(s, 4), "%.1f");
		buf_puts(b, "</strong>показатель объективности</li><li><strong>");
		html_int(b, (long)db_col_int(s, 3));
		buf_puts(b, "</strong>школ с официальными признаками</li><li><strong>");
		html_int(b, (long)db_col_int(s, 5));
		buf_puts(b, "</strong>школ в списке oko</li><li><strong>");
		html_int(b, (long)db_col_int(s, 2));
		buf_puts(b, "</strong>школ с работами</li></ul><p class=\"muted\">Анализ от ");
		html_text(b, db_col_text(s, 0));
		html_printf(b, " (UTC), процедур: %lld. Список oko составлен с контролем доли ложных "
			       "обнаружений %.0f %%. Признак — повод для проверки, а не вывод.</p>",
			    (long long)db_col_int(s, 1), 100 * db_col_double(s, 6));
	}
	db_finalize(s);
	s = NULL;
	/* Filters: which schools (oko's list or all), municipality, kind. */
	buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/risk\"><label>Школы <select name=\"all\">");
	html_printf(b, "<option value=\"\"%s>из списка oko и с официальными признаками</option>"
		       "<option value=\"1\"%s>все по убыванию риска</option></select></label>",
		    listed_only ? " selected" : "", listed_only ? "" : " selected");
	buf_puts(b, "<label>Муниципалитет <select name=\"municipality\"><option value=\"0\">все</option>");
	if (!db_prepare(r->db, &s, "SELECT m.id, m.name FROM municipality m WHERE " SCOPE_MUN_SQL("m.id")
				   " ORDER BY m.name")) {
		scope_bind(s, &r->scope);
		while (db_step(s) == DB_ROW) {
			html_printf(b, "<option value=\"%lld\"%s>", (long long)db_col_int(s, 0),
				    db_col_int(s, 0) == mun ? " selected" : "");
			html_text(b, db_col_text(s, 1));
			buf_puts(b, "</option>");
		}
	}
	db_finalize(s);
	s = NULL;
	buf_puts(b, "</select></label><label>Тип <select name=\"kind\"><option value=\"\">все</option>");
	static const char *kinds[] = { "СОШ", "ООШ", "НОШ", "лицей", "гимназия", "филиал", "другое" };
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		buf_puts(b, "<option");
		buf_puts(b, !strcmp(kind, kinds[i]) ? " selected>" : ">");
		html_text(b, kinds[i]);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><button>Показать</button></form><table><thead><tr><th>Место</th><th>Школа</th><th>Муниципалитет</th><th>Тип</th>"
		    "<th>Риск</th><th>В списке</th><th>Официальных признаков</th><th>Признаков oko</th>"
		    "<th>Главный признак</th><th>Годы с признаками</th></tr></thead><tbody>");
	rc = db_prepare(r->db, &s,
			"SELECT k.rank, sc.login, sc.name, coalesce(m.name, ''), sc.kind, k.risk, k.listed,"
			" k.official_flags, k.own_flags, coalesce(k.top_sign, ''), coalesce(p.code, ''),"
			" coalesce(k.years_flagged, ''), k.consecutive_years"
			" FROM school_risk k JOIN school sc ON sc.id = k.school_id"
			" LEFT JOIN municipality m ON m.id = sc.municipality_id"
			" LEFT JOIN procedure p ON p.id = k.top_procedure_id"
			" WHERE k.run_id = ?3 AND (?4 = 0 OR k.listed = 1 OR k.official_flags > 0)"
			" AND " SCOPE_SQL("sc")
			" AND (?7 = 0 OR sc.municipality_id = ?7) AND (?8 = '' OR sc.kind = ?8)"
			" ORDER BY k.rank LIMIT ?5 OFFSET ?6");
	if (rc)
		goto out;
	scope_bind(s, &r->scope);
	db_bind_int(s, 3, run);
	db_bind_int(s, 4, listed_only);
	db_bind_int(s, 5, per + 1);
	db_bind_int(s, 6, (page - 1) * per);
	db_bind_int(s, 7, mun);
	db_bind_text(s, 8, kind, -1);
	int rows = 0;
	bool more = false;
	while (db_step(s) == DB_ROW) {
		if (rows == per) {
			more = true;
			break;
		}
		rows++;
		html_printf(b, "<tr><td class=\"num\">%lld</td><td><a href=\"/risk/", (long long)db_col_int(s, 0));
		html_url(b, db_col_text(s, 1));
		buf_puts(b, "\">");
		html_text(b, db_col_text(s, 2));
		buf_puts(b, "</a><br><small>");
		html_text(b, db_col_text(s, 1));
		buf_puts(b, "</small></td><td>");
		html_text(b, db_col_text(s, 3));
		buf_puts(b, "</td><td>");
		html_text(b, db_col_text(s, 4));
		buf_puts(b, "</td><td class=\"num\">");
		num(b, db_col_double(s, 5), "%.1f");
		html_printf(b, "</td><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>",
			    db_col_int(s, 6) ? "<strong>да</strong>" : "нет", (long long)db_col_int(s, 7),
			    (long long)db_col_int(s, 8));
		const struct sign_text *t = sign_of(db_col_text(s, 9));
		html_text(b, t ? t->title : db_col_text(s, 9));
		if (*db_col_text(s, 10)) {
			buf_puts(b, "<br><small>");
			html_text(b, db_col_text(s, 10));
			buf_puts(b, "</small>");
		}
		buf_puts(b, "</td><td>");
		html_text(b, db_col_text(s, 11));
		if (db_col_int(s, 12) > 1)
			html_printf(b, "<br><small>подряд: %lld</small>", (long long)db_col_int(s, 12));
		buf_puts(b, "</td></tr>");
	}
	if (!rows)
		buf_puts(b, "<tr><td colspan=\"10\">Школ с признаками нет.</td></tr>");
	buf_puts(b, "</tbody></table><nav class=\"pager\">");
	struct buf q = BUF_INIT;
	buf_printf(&q, "&amp;all=%s&amp;municipality=%ld&amp;kind=", listed_only ? "" : "1", mun);
	html_url(&q, kind);
	if (page > 1)
		html_printf(b, "<a href=\"/risk?page=%ld%s\">← назад</a>", page - 1, buf_str(&q));
	if (more)
		html_printf(b, "<a href=\"/risk?page=%ld%s\">дальше →</a>", page + 1, buf_str(&q));
	buf_free(&q);
	buf_puts(b, "</nav>");
out:
	db_finalize(s);
	html_end(r, w);
	return rc;
}

/* The school's distribution over the region's for one procedure, with the mark bounds. */
static void distribution(struct web_req *r, struct buf *b, int64_t school, const char *code)
{
	struct fisoko_report rep;
	if (fisoko_build(r->db, code, FISOKO_SCHOOL, school, &rep))
		return;
	int nb = rep.proc.max_score + 1;
	double *sv = calloc((size_t)nb, sizeof *sv), *rv = calloc((size_t)nb, sizeof *rv);
	const struct fisoko_level *me = &rep.lev[0], *reg = &rep.lev[rep.nlev - 1];
	if (sv && rv && me->n > 0 && reg->n > 0) {
		for (int i = 0; i < nb; i++) {
			sv[i] = 100.0 * (double)me->hist[i] / (double)me->n;
			rv[i] = 100.0 * (double)reg->hist[i] / (double)reg->n;
		}
		struct chart_series ser[2] = { { "школа", sv }, { "регион", rv } };
		static const char *const labels[3] = { "«3»", "«4»", "«5»" };
		char title[96];
		snprintf(title, sizeof title, "Первичные баллы: %s", code);
		buf_puts(b, "<figure class=\"chart\">");
		chart_hist(b, title, "Доли работ школы по первичному баллу (столбцы) поверх региона (линия); "
				     "пунктир — нижние границы отметок.", ser, 2, nb, rep.proc.has_scale ? rep.proc.scale : NULL,
			   labels, rep.proc.has_scale ? 3 : 0);
		html_printf(b, "<figcaption>Работ в школе: %lld, в регионе: %lld.</figcaption></figure>",
			    (long long)me->n, (long long)reg->n);
	}
	free(sv);
	free(rv);
	fisoko_free(&rep);
}

int page_evidence(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const char *login = web_str(r, "login");
	struct db_stmt *s = NULL;
	int64_t school = 0;
	char name[256] = "";
	int rc = db_prepare(r->db, &s, "SELECT id, name FROM school WHERE login = ?");
	if (rc)
		return rc;
	db_bind_text(s, 1, login, -1);
	if (db_step(s) == DB_ROW) {
		school = db_col_int(s, 0);
		snprintf(name, sizeof name, "%s", db_col_text(s, 1));
	}
	db_finalize(s);
	s = NULL;
	if (!school || !scope_sees_school(r->db, &r->scope, school))
		return ERR_NOTFOUND;
	int64_t run = latest_run(r->db);
	if (!run) {
		no_run(r, w, name);
		return 0;
	}
	html_begin(r, w, name);
	buf_puts(b, "<p><a href=\"/risk\">← Зона риска</a></p><h1>");
	html_text(b, name);
	buf_puts(b, "</h1><p class=\"muted\">Доказательная карточка: признаки, по которым школа "
		    "отмечена в последнем анализе, с исходными числами. Признак — повод для проверки "
		    "(перепроверки работ, наблюдения), а не вывод о нарушении.</p>");
	char top[48] = "";
	if (!(rc = db_prepare(r->db, &s, "SELECT k.rank, k.risk, k.listed, k.official_flags, k.own_flags,"
					 " k.works, coalesce(k.years_flagged, ''), k.consecutive_years,"
					 " coalesce(p.code, ''), (SELECT count(*) FROM school_risk x WHERE x.run_id = k.run_id)"
					 " FROM school_risk k LEFT JOIN procedure p ON p.id = k.top_procedure_id"
					 " WHERE k.run_id = ? AND k.school_id = ?"))) {
		db_bind_int(s, 1, run);
		db_bind_int(s, 2, school);
		if (db_step(s) == DB_ROW) {
			buf_puts(b, "<ul class=\"tiles\"><li><strong>");
			num(b, db_col_double(s, 1), "%.1f");
			html_printf(b, "</strong>риск (место %lld из %lld)</li><li><strong>%s</strong>в списке oko</li>"
				       "<li><strong>%lld</strong>официальных признаков</li><li><strong>%lld"
				       "</strong>признаков oko</li><li><strong>",
				    (long long)db_col_int(s, 0), (long long)db_col_int(s, 9),
				    db_col_int(s, 2) ? "да" : "нет", (long long)db_col_int(s, 3),
				    (long long)db_col_int(s, 4));
			html_int(b, (long)db_col_int(s, 5));
			buf_puts(b, "</strong>работ</li></ul>");
			if (*db_col_text(s, 6)) {
				buf_puts(b, "<p>Годы с официальными признаками: ");
				html_text(b, db_col_text(s, 6));
				if (db_col_int(s, 7) > 1)
					html_printf(b, " (подряд: %lld)", (long long)db_col_int(s, 7));
				buf_puts(b, ".</p>");
			}
			snprintf(top, sizeof top, "%s", db_col_text(s, 8));
		} else {
			buf_puts(b, "<p class=\"notice\">В последнем анализе у школы нет признаков.</p>");
		}
	}
	db_finalize(s);
	s = NULL;
	/* One block per sign: what it means, once, then its procedures with their numbers. */
	buf_puts(b, "<section><h2>Признаки</h2>");
	int n = 0;
	char cur[48] = "";
	if (!rc && !(rc = db_prepare(r->db, &s, "SELECT g.sign, p.code, g.value, g.threshold, g.n, g.q_adj,"
						" coalesce(g.detail, ''), (g.sign IN ('mean_inflated',"
						" 'journal_mismatch', 'cohort_rise', 'cohort_drop')) official"
						" FROM sign_result g JOIN procedure p"
						" ON p.id = g.procedure_id WHERE g.run_id = ? AND g.school_id = ?"
						" ORDER BY official DESC, g.sign, p.year DESC, p.code"))) {
		db_bind_int(s, 1, run);
		db_bind_int(s, 2, school);
		while (db_step(s) == DB_ROW) {
			const char *sign = db_col_text(s, 0);
			if (strcmp(cur, sign)) {
				if (cur[0])
					buf_puts(b, "</tbody></table></div>");
				snprintf(cur, sizeof cur, "%s", sign);
				const struct sign_text *t = sign_of(sign);
				buf_puts(b, "<div class=\"sign card\"><h3>");
				html_text(b, t ? t->title : sign);
				buf_puts(b, " <small>");
				html_text(b, t ? t->kind : "");
				buf_puts(b, " · <code>");
				html_text(b, sign);
				buf_puts(b, "</code></small></h3>");
				if (t) {
					buf_puts(b, "<p>");
					html_text(b, t->explain);
					buf_puts(b, "</p>");
				}
				buf_puts(b, "<table><thead><tr><th>Процедура</th><th>Значение</th><th>Порог</th>"
					    "<th>N</th><th>p (с поправкой)</th><th>Исходные числа</th></tr></thead><tbody>");
			}
			buf_puts(b, "<tr><td>");
			html_text(b, db_col_text(s, 1));
			buf_puts(b, "</td><td class=\"num\">");
			num(b, db_col_null(s, 2) ? NAN : db_col_double(s, 2), "%.3g");
			buf_puts(b, "</td><td class=\"num\">");
			num(b, db_col_null(s, 3) ? NAN : db_col_double(s, 3), "%.3g");
			html_printf(b, "</td><td class=\"num\">%lld</td><td class=\"num\">", (long long)db_col_int(s, 4));
			num(b, db_col_null(s, 5) ? NAN : db_col_double(s, 5), "%.2g");
			buf_puts(b, "</td><td class=\"detail\"><code>");
			html_text(b, db_col_text(s, 6));
			buf_puts(b, "</code></td></tr>");
			if (!top[0])
				snprintf(top, sizeof top, "%s", db_col_text(s, 1));
			n++;
		}
		if (cur[0])
			buf_puts(b, "</tbody></table></div>");
	}
	db_finalize(s);
	s = NULL;
	if (!n)
		buf_puts(b, "<p>Ни один признак не отмечен.</p>");
	buf_puts(b, "</section>");
	if (top[0]) {
		buf_puts(b, "<section><h2>Распределение баллов</h2>");
		distribution(r, b, school, top);
		buf_puts(b, "<p><a href=\"/reports/");
		html_url(b, top);
		buf_puts(b, "?school=");
		html_url(b, login);
		buf_puts(b, "\">Все отчёты школы по этой процедуре</a></p></section>");
	}
	buf_puts(b, "<section><h2>История по анализам</h2><table><thead><tr><th>Анализ (UTC)</th>"
		    "<th>Риск</th><th>Место</th><th>В списке</th><th>Официальных признаков</th></tr></thead><tbody>");
	if (!rc && !(rc = db_prepare(r->db, &s, "SELECT a.at, k.risk, k.rank, k.listed, k.official_flags"
						" FROM school_risk k JOIN analysis_run a ON a.id = k.run_id"
						" WHERE k.school_id = ? ORDER BY a.id DESC LIMIT 20"))) {
		db_bind_int(s, 1, school);
		while (db_step(s) == DB_ROW) {
			buf_puts(b, "<tr><td>");
			html_text(b, db_col_text(s, 0));
			buf_puts(b, "</td><td class=\"num\">");
			num(b, db_col_double(s, 1), "%.1f");
			html_printf(b, "</td><td class=\"num\">%lld</td><td>%s</td><td class=\"num\">%lld</td></tr>",
				    (long long)db_col_int(s, 2), db_col_int(s, 3) ? "да" : "нет",
				    (long long)db_col_int(s, 4));
		}
	}
	db_finalize(s);
	buf_puts(b, "</tbody></table></section>");
	html_end(r, w);
	return rc;
}
