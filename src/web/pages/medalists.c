/* medalists: the medalists' non-confirmation index in the browser (issue 20, item 2;
 * docs/medalists.md).
 *
 *   GET  /medalists[?year=2025][&from=2023][&school=LOGIN]   the year's index (from: the
 *        years from..year pooled) within the user's
 *        territory: the region's (or municipality's) totals, the municipalities, the table
 *        per school with the test against the region's rate; a school — its own row and its
 *        medalists by participant code; a territory narrows to one school with ?school=
 *        (404 outside its territory). The thresholds of the year in words. Upload forms:
 *        the list (region, municipality, administrator) and the thresholds (region,
 *        administrator).
 *   GET  /medalists/export?year=&from=&format=csv|xlsx|pdf  the table per school, as on
 *        the page (the PDF: report/medalists_pdf.c)
 *   POST /medalists/import                        medalists.csv / XLSX, whole or nothing
 *   POST /medalists/thresholds                    the thresholds' file, whole or nothing
 *   POST /medalists/thresholds/reset              the year back to oko's defaults
 *   POST /medalists/thresholds/row                one threshold of a year typed in a form,
 *        checked by the thresholds' importer as a file's row would be
 *
 * Every figure comes from model/medalist (medal_index, medal_school_latest). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "import/import.h"
#include "io/table_write.h"
#include "model/medalist.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "report/card_words.h"
#include "report/doc_pdf.h"
#include "report/medalists_pdf.h"
#include "report/risk_doc.h"
#include "web/download.h"
#include "web/metrics.h"
#include "web/web.h"

static bool is_territory(const struct web_req *r)
{
	return r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION || r->user.role == ROLE_MUNICIPALITY;
}

static bool is_region(const struct web_req *r)
{
	return r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION;
}

/* The year asked, else the latest year with medalists (0 when there is none). */
static int year_of(struct web_req *r, int **years, size_t *ny, int *rc)
{
	*rc = medal_years(r->db, years, ny);
	int64_t y = web_int(r, "year");
	if (y)
		return (int)y;
	return !*rc && *ny ? (*years)[0] : 0;
}

/* The span's first year: ?from= (earlier than the year: the years pooled), else the year. */
static int from_of(struct web_req *r, int year)
{
	int64_t f = web_int(r, "from");
	return f && f < year ? (int)f : year;
}

/* The default pooled span of the years with medalists (latest first): *from..*to with at
 * least two years with medalists, else false. */
static bool pooled_span(const int *years, size_t ny, int *from, int *to)
{
	if (ny < 2)
		return false;
	*to = years[0];
	*from = years[0];
	size_t k = 0;
	for (size_t i = 0; i < ny; i++)
		if (years[i] > years[0] - MEDAL_SPAN_YEARS) {
			*from = years[i];
			k++;
		}
	return k > 1;
}

/* «2025 года», «2023–2025 годов» */
static void span_words(struct buf *b, int from, int year)
{
	if (from != year)
		html_printf(b, "%d–%d годов", from, year);
	else
		html_printf(b, "%d года", year);
}

/* A share as «40,0 %», «—» when nothing was checked. */
static void share_cell(struct buf *b, double share)
{
	if (isnan(share))
		buf_puts(b, "—");
	else
		html_pct(b, share, 1);
}

/* q (already adjusted) in words: «0,024», «< 0,001». */
static void q_words(struct buf *b, double q)
{
	char t[RU_NUM_MAX];
	html_text(b, card_q(t, sizeof t, q));
}

/* «да» / «нет» with the test's figures in words. */
static void verdict(struct buf *b, const struct stat_medal_school *s)
{
	if (isnan(s->p)) {
		buf_puts(b, "— <small class=\"muted\">не проверялась: нет медалистов с результатами ЕГЭ</small>");
		return;
	}
	buf_puts(b, s->significant ? "<strong>да</strong>" : "нет");
	buf_puts(b, " <small class=\"muted\">");
	html_p(b, s->p);
	buf_puts(b, "; с поправкой на число школ — ");
	q_words(b, s->q);
	buf_puts(b, "</small>");
}

static void notice(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}


/* Counts of an area in one sentence. */
static void totals_words(struct buf *b, const struct stat_medal_total *t)
{
	buf_puts(b, "медалистов — ");
	html_int(b, (long)t->medalists);
	buf_puts(b, ", проверено результатами ЕГЭ — ");
	html_int(b, (long)t->checked);
	buf_puts(b, ", не подтвердили медаль — ");
	html_int(b, (long)t->below);
	if (t->checked) {
		buf_puts(b, " (");
		html_pct(b, t->rate, 1);
		buf_puts(b, ")");
	}
	buf_puts(b, "; нет результата — ");
	html_int(b, (long)t->noresult);
	if (t->norule) {
		buf_puts(b, ", без порогов — ");
		html_int(b, (long)t->norule);
	}
}

static void years_nav(struct buf *b, const int *years, size_t ny, int from, int year,
		      const char *school)
{
	if (ny < 2)
		return;
	buf_puts(b, "<nav class=\"toc\" aria-label=\"Год выпуска\"><ol>");
	for (size_t i = 0; i < ny; i++) {
		html_printf(b, "<li><a href=\"/medalists?year=%d", years[i]);
		if (school) {
			buf_puts(b, "&amp;school=");
			html_url(b, school);
		}
		html_printf(b, "\"%s>%d</a></li>", years[i] == year && from == year ? " aria-current=\"page\"" : "",
			    years[i]);
	}
	int pf, pt;
	if (pooled_span(years, ny, &pf, &pt)) {
		html_printf(b, "<li><a href=\"/medalists?year=%d&amp;from=%d", pt, pf);
		if (school) {
			buf_puts(b, "&amp;school=");
			html_url(b, school);
		}
		html_printf(b, "\"%s>все годы: %d–%d</a></li>",
			    from == pf && year == pt ? " aria-current=\"page\"" : "", pf, pt);
	}
	buf_puts(b, "</ol></nav>");
}

/* The form for one threshold of the year (POST /medalists/thresholds/row). */
static void row_form(struct web_req *r, struct buf *b, int year, int medal)
{
	html_printf(b, "<h3>Добавить или изменить порог %d года</h3><p>Порог той же медали и того же "
		       "предмета заменяется, остальные пороги года остаются. Укажите либо наименьший "
		       "тестовый балл, либо наименьшую отметку (отметка — только для базовой "
		       "математики и других предметов с отметкой).", year);
	buf_puts(b, " Если у года ещё нет своих порогов, к нему сначала переносятся пороги oko по "
		    "умолчанию.</p><form method=\"post\" action=\"/medalists/thresholds/row\" class=\"grid\">");
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	buf_puts(b, "<label>Медаль <select name=\"medal\">");
	for (int m = 0; m <= 2; m++) {
		html_printf(b, "<option value=\"%d\"%s>", m, m == medal ? " selected" : "");
		html_text(b, medal_title(m));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>Предмет <select name=\"subject\">");
	html_printf(b, "<option value=\"RU\">");
	html_text(b, medal_subject_title("RU"));
	buf_puts(b, "</option><option value=\"*\">");
	html_text(b, medal_subject_title("*"));
	buf_puts(b, "</option>");
	for (size_t i = 0; procedure_subjects[i]; i++) {
		if (!strcmp(procedure_subjects[i], "RU"))
			continue;
		html_printf(b, "<option value=\"");
		html_text(b, procedure_subjects[i]);
		buf_puts(b, "\">");
		html_text(b, medal_subject_title(procedure_subjects[i]));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>Наименьший тестовый балл <input name=\"min_score\" "
		    "inputmode=\"numeric\" size=\"4\"></label><label>или наименьшая отметка <input "
		    "name=\"min_mark\" inputmode=\"numeric\" size=\"2\"></label><label>Основание "
		    "<input name=\"source\" size=\"40\" placeholder=\"приказ, решение\"></label>"
		    "<button>Сохранить порог</button></form>");
}

static void thresholds_block(struct web_req *r, struct buf *b, int year)
{
	struct medal_threshold *t = NULL;
	size_t n = 0;
	bool stored = false;
	buf_puts(b, "<section class=\"card\" id=\"thresholds\"><h2>Пороги ЕГЭ</h2>");
	if (medal_thresholds(r->db, year, &t, &n, &stored)) {
		buf_puts(b, "<p class=\"muted\">Не удалось прочитать пороги.</p></section>");
		return;
	}
	html_printf(b, "<p>Пороги %d года — ", year);
	buf_puts(b, stored ? "заданы регионом." : "по умолчанию oko.");
	buf_puts(b, " Требование по русскому языку обязательно; другие предметы — альтернативы: "
		    "достаточно выполнить одно.</p>");
	if (!n) {
		buf_puts(b, "<p>Порогов нет: медалисты этого года не проверяются.</p>");
	} else {
		buf_puts(b, "<table><thead><tr><th>Медаль</th><th>Предмет</th><th>Требование</th>"
			    "<th>Основание</th></tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			buf_puts(b, "<tr><td>");
			html_text(b, medal_title(t[i].medal));
			buf_puts(b, "</td><td>");
			html_text(b, medal_subject_title(t[i].subject));
			buf_puts(b, "</td><td>");
			if (t[i].min_score >= 0)
				html_count(b, t[i].min_score, "балл", "балла", "баллов");
			else
				html_printf(b, "отметка не ниже %d", t[i].min_mark);
			buf_puts(b, t[i].min_score >= 0 ? " и выше" : "");
			buf_puts(b, "</td><td>");
			html_text(b, t[i].source);
			buf_puts(b, "</td></tr>");
		}
		buf_puts(b, "</tbody></table>");
	}
	/* The form offers the medal the year's thresholds are about (the degrees from 2024). */
	int medal = n ? t[0].medal : 1;
	free(t);
	if (is_region(r)) {
		row_form(r, b, year, medal);
		buf_puts(b, "<h3>Изменить пороги файлом</h3><p>CSV или XLSX со столбцами year (год), medal "
			    "(«медаль», 1 или 2 — степень), subject (код предмета или * — любой другой "
			    "предмет, кроме русского языка и базовой математики), min_score (наименьший "
			    "тестовый балл) или min_mark (наименьшая отметка), source (основание). Файл "
			    "заменяет пороги годов, которые в нём есть; загружается целиком или не "
			    "загружается совсем.</p><form method=\"post\" action=\"/medalists/thresholds\" "
			    "enctype=\"multipart/form-data\" class=\"grid\">");
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
		buf_puts(b, "<label>Файл порогов <input type=\"file\" name=\"file\" required "
			    "accept=\".xlsx,.csv,.txt\"></label><label class=\"check\"><input type=\"checkbox\" "
			    "name=\"dry_run\" value=\"1\"> только проверить</label><button>Загрузить пороги"
			    "</button></form>");
		if (stored) {
			buf_puts(b, "<form method=\"post\" action=\"/medalists/thresholds/reset\">");
			html_csrf(r, b);
			html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\"><button>Вернуть "
				       "пороги oko по умолчанию для %d года</button></form>", year, year);
		}
	}
	buf_puts(b, "</section>");
}

static void upload_block(struct web_req *r, struct buf *b, int year)
{
	if (!is_territory(r))
		return;
	buf_puts(b, "<section class=\"card\" id=\"upload\"><h2>Загрузить список медалистов</h2><p>CSV "
		    "или XLSX со столбцами school (логин школы), year (год выпуска), code (код "
		    "участника ЕГЭ этого года в этой школе), medal («медаль», 1 или 2 — степень). "
		    "Только коды, без ФИО. Списки школ и годов, которые есть в файле, заменяются; "
		    "файл загружается целиком или не загружается совсем.");
	if (r->user.role == ROLE_MUNICIPALITY)
		buf_puts(b, " В файле могут быть только школы вашего муниципалитета.");
	buf_puts(b, "</p><form method=\"post\" action=\"/medalists/import\" enctype=\"multipart/form-data\" "
		    "class=\"grid\">");
	html_csrf(r, b);
	if (year)
		html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required accept=\".xlsx,.csv,.txt\">"
		    "</label><label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> "
		    "только проверить</label><button>Загрузить</button></form></section>");
}

static const char *status_words(const struct medal_pupil *p, char *out, size_t n)
{
	switch (p->status) {
	case STAT_MEDAL_OK: return "подтвердил";
	case STAT_MEDAL_BELOW:
		snprintf(out, n, "не подтвердил: %s", p->failed[0] ? medal_subject_title(p->failed)
								  : "ни один другой предмет");
		return out;
	case STAT_MEDAL_NORESULT: return "нет результата";
	case STAT_MEDAL_NORULE: return "порогов нет";
	}
	return "";
}

/* One school's medalists by participant code. */
static void pupils_table(struct buf *b, const struct medal_index *x, size_t school)
{
	bool span = x->nyears > 1;
	buf_puts(b, "<section><h2>Медалисты школы</h2><div class=\"scroll\"><table><thead><tr>");
	if (span)
		buf_puts(b, "<th>Год</th>");
	buf_puts(b, "<th>Код участника</th><th>Медаль</th><th>Результаты ЕГЭ</th><th>Итог</th></tr>"
		    "</thead><tbody>");
	for (size_t i = 0; i < x->npupils; i++) {
		const struct medal_pupil *p = &x->pupils[i];
		if (p->school != school)
			continue;
		char st[160];
		html_printf(b, "<tr class=\"%s\"><td>", p->status == STAT_MEDAL_BELOW ? "err" : "");
		if (span)
			html_printf(b, "%d</td><td>", p->year);
		html_text(b, p->code);
		buf_puts(b, "</td><td>");
		html_text(b, medal_title(p->medal));
		buf_puts(b, "</td><td>");
		html_text(b, p->results[0] ? p->results : "—");
		buf_puts(b, "</td><td>");
		html_text(b, status_words(p, st, sizeof st));
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div></section>");
}

static void schools_table(struct buf *b, const struct medal_index *x, int64_t only)
{
	buf_puts(b, "<section><h2>Школы</h2><div class=\"scroll\"><table class=\"medalists\"><thead><tr>"
		    "<th>Школа</th><th>Муниципалитет</th><th>Медалистов</th><th>Не подтвердили</th>"
		    "<th>Доля не подтвердивших</th><th>Нет результата</th><th>Значимо выше региона</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < x->nschools; i++) {
		const struct medal_school *s = &x->schools[i];
		if (!s->visible || (only && s->id != only))
			continue;
		html_printf(b, "<tr%s><td><a href=\"/medalists?year=%d", s->st.significant ? " class=\"err\"" : "",
			    x->year);
		if (x->year_from != x->year)
			html_printf(b, "&amp;from=%d", x->year_from);
		buf_puts(b, "&amp;school=");
		html_url(b, s->login);
		buf_puts(b, "\">");
		html_text(b, s->name);
		buf_puts(b, "</a></td><td>");
		html_text(b, s->municipality[0] ? s->municipality : "—");
		buf_puts(b, "</td><td>");
		html_int(b, (long)s->st.medalists);
		buf_puts(b, "</td><td>");
		html_int(b, (long)s->st.below);
		buf_puts(b, "</td><td>");
		share_cell(b, s->st.share);
		buf_puts(b, "</td><td>");
		html_int(b, (long)s->st.noresult);
		buf_puts(b, "</td><td>");
		verdict(b, &s->st);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div></section>");
}

static void areas_table(struct buf *b, const struct medal_index *x)
{
	if (!x->nmuns)
		return;
	buf_puts(b, "<section><h2>Муниципалитеты</h2><div class=\"scroll\"><table><thead><tr>"
		    "<th>Муниципалитет</th><th>Медалистов</th><th>Проверено</th><th>Не подтвердили</th>"
		    "<th>Доля не подтвердивших</th><th>Нет результата</th></tr></thead><tbody>");
	for (size_t i = 0; i < x->nmuns; i++) {
		const struct stat_medal_total *t = &x->muns[i].st;
		buf_puts(b, "<tr><td>");
		html_text(b, x->muns[i].name[0] ? x->muns[i].name : "—");
		buf_puts(b, "</td><td>");
		html_int(b, (long)t->medalists);
		buf_puts(b, "</td><td>");
		html_int(b, (long)t->checked);
		buf_puts(b, "</td><td>");
		html_int(b, (long)t->below);
		buf_puts(b, "</td><td>");
		share_cell(b, t->rate);
		buf_puts(b, "</td><td>");
		html_int(b, (long)t->noresult);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div></section>");
}

/* The page; flash/ok/dl: the outcome of a form just posted; extra: the form's problems,
 * already HTML. */
static int render_with(struct web_req *r, struct web_res *w, const char *flash, bool ok,
		       const struct diag_list *dl, const char *extra)
{
	struct buf *b = &w->body;
	int *years = NULL;
	size_t ny = 0;
	int rc;
	int year = year_of(r, &years, &ny, &rc);
	int from = from_of(r, year);
	bool span = from != year;
	struct medal_index x;
	bool have = false;
	int64_t only = 0; /* one school: the school's own user, or ?school= */
	const char *login = web_str(r, "school");
	if (rc)
		goto out;
	if (login && *login) {
		struct registry_school_card c;
		rc = registry_school_get(r->db, login, r->a, &c);
		if (rc && rc != ERR_NOTFOUND)
			goto out;
		if (rc || !scope_sees_school(r->db, &r->scope, c.id)) {
			rc = ERR_NOTFOUND;
			goto out;
		}
		only = c.id;
	} else if (r->scope.kind == SCOPE_SCHOOL) {
		only = r->scope.id;
		login = NULL;
	}
	html_begin(r, w, "Медалисты");
	buf_puts(b, "<h1>Медалисты</h1><p class=\"lead\">Индекс неподтверждения: сколько медалистов "
		    "(претендентов на медаль «За особые успехи в учении») не подтвердили медаль "
		    "результатами ЕГЭ. Школа, где таких заметно больше, чем по региону, — повод "
		    "разобраться в объективности годовых отметок, а не вывод.</p>");
	if (flash)
		notice(b, ok, flash);
	web_diag_list(b, dl);
	if (extra)
		html_raw(b, extra);
	if (!year) {
		buf_puts(b, "<p class=\"muted\">Списки медалистов ещё не загружены.</p>");
		upload_block(r, b, 0);
		goto end;
	}
	years_nav(b, years, ny, from, year, login && *login ? login : NULL);
	if ((rc = medal_index_span(r->db, from, year, &r->scope, &x)))
		goto end;
	have = true;
	buf_puts(b, span ? "<h2>Выпуски " : "<h2>Выпуск ");
	span_words(b, from, year);
	buf_puts(b, span ? " вместе</h2>" : "</h2>");
	if (span) {
		buf_puts(b, "<p>У школы медалистов немного в каждом году, поэтому годы сложены: по школе — "
			    "медалисты и не подтвердившие за все годы");
		if (x.nyears) {
			buf_puts(b, " (");
			for (size_t j = 0; j < x.nyears; j++)
				html_printf(b, "%s%d", j ? ", " : "", x.years[j]);
			buf_puts(b, ")");
		}
		buf_puts(b, ", а ожидаемое число не подтвердивших считается по доле региона каждого года.</p>");
	}
	size_t school_at = x.nschools;
	for (size_t i = 0; i < x.nschools; i++)
		if (x.schools[i].id == only)
			school_at = i;
	if (!x.nregions) {
		buf_puts(b, "<p class=\"muted\">");
		buf_puts(b, span ? "В выпусках " : "В выпуске ");
		span_words(b, from, year);
		buf_puts(b, only ? " медалистов у школы нет." : " медалистов на вашей территории нет.");
		buf_puts(b, "</p>");
	} else {
		for (size_t i = 0; i < x.nregions; i++) {
			buf_puts(b, "<p class=\"totals\">Регион «");
			html_text(b, x.regions[i].name);
			buf_puts(b, "»: ");
			totals_words(b, &x.regions[i].st);
			buf_puts(b, ". Школ, где доля не подтвердивших значимо выше региональной: ");
			html_int(b, (long)x.regions[i].st.significant);
			buf_puts(b, ".</p>");
		}
		if (r->scope.kind == SCOPE_MUNICIPALITY && x.nmuns == 1) {
			buf_puts(b, "<p class=\"totals\">Муниципалитет «");
			html_text(b, x.muns[0].name);
			buf_puts(b, "»: ");
			totals_words(b, &x.muns[0].st);
			buf_puts(b, ".</p>");
		}
		if (only && school_at == x.nschools) {
			buf_puts(b, span ? "<p class=\"muted\">В выпусках " : "<p class=\"muted\">В выпуске ");
			span_words(b, from, year);
			buf_puts(b, " у школы медалистов нет.</p>");
		} else {
			if (!only)
				areas_table(b, &x);
			schools_table(b, &x, only);
			if (only)
				pupils_table(b, &x, school_at);
		}
		if (only && login && *login) {
			html_printf(b, "<p><a href=\"/medalists?year=%d", year);
			if (span)
				html_printf(b, "&amp;from=%d", from);
			buf_puts(b, "\">← Все школы</a></p>");
		}
		buf_puts(b, "<p class=\"muted\">Доля — не подтвердившие из проверенных (у кого есть "
			    "результаты ЕГЭ по всем требованиям); «нет результата» считается отдельно. ");
		buf_puts(b, span ? "Значимость — точный критерий для суммы по годам (в каждом году своя доля "
				   "региона): доля школы выше ожидаемой, "
				 : "Значимость — точный биномиальный критерий против доли региона ");
		buf_puts(b, "с поправкой Бенджамини — Хохберга на число школ (порог 0,05).</p>");
		if (!only) {
			char q[32] = "";
			if (span)
				snprintf(q, sizeof q, "&amp;from=%d", from);
			html_printf(b, "<p class=\"actions\">Скачать таблицу: <a href=\"/medalists/export?year=%d%s"
				       "&amp;format=xlsx\">XLSX</a> · <a href=\"/medalists/export?year=%d%s&amp;"
				       "format=csv\">CSV</a> · <a href=\"/medalists/export?year=%d%s&amp;"
				       "format=pdf\">PDF</a></p>", year, q, year, q, year, q);
		}
	}
	if (span)
		buf_puts(b, "<p class=\"muted\">Пороги ЕГЭ и их изменение — на странице каждого года.</p>");
	else
		thresholds_block(r, b, year);
	upload_block(r, b, year);
end:
	html_end(r, w);
out:
	if (have)
		medal_index_free(&x);
	free(years);
	return rc;
}

static int render(struct web_req *r, struct web_res *w, const char *flash, bool ok, const struct diag_list *dl)
{
	return render_with(r, w, flash, ok, dl, NULL);
}

int page_medalists(struct web_req *r, struct web_res *w)
{
	return render(r, w, NULL, true, NULL);
}

static const char *const export_head[] = {
	"Логин школы", "Школа", "Муниципалитет", "Медалистов", "Проверено", "Не подтвердили",
	"Нет результата", "Без порогов", "Доля не подтвердивших, %", "p", "q (с поправкой)",
	"Значимо выше региона", NULL,
};

/* The territory under the PDF's title: the user's municipality or region, else the region
 * of the index (one region), else nothing. */
static const char *territory_of(struct web_req *r, const struct medal_index *x)
{
	if (r->scope.kind == SCOPE_MUNICIPALITY && x->nmuns == 1 && x->nregions == 1)
		return arena_printf(r->a, "%s, %s", x->muns[0].name, x->regions[0].name);
	if (r->scope.kind == SCOPE_SCHOOL) {
		for (size_t i = 0; i < x->nschools; i++)
			if (x->schools[i].visible)
				return x->schools[i].name;
	}
	return x->nregions == 1 ? x->regions[0].name : "";
}

/* The table as a PDF (report/medalists_pdf.c), the same rows as the CSV. */
static int send_pdf(struct web_req *r, struct web_res *w, const struct medal_index *x,
		    const char *span)
{
	struct doc *doc = medal_index_doc(x, territory_of(r, x));
	buf_reset(&w->body);
	int rc = doc_pdf_write(doc, &w->body);
	doc_free(doc);
	if (rc) {
		buf_reset(&w->body);
		return rc;
	}
	w->type = "application/pdf";
	w->cache = "no-store";
	struct buf d = BUF_INIT;
	web_disposition(&d, arena_printf(r->a, "medalists-%s.pdf", span),
			arena_printf(r->a, "Медалисты %s.pdf", span));
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
	return 0;
}

/* GET /medalists/export?year=&from=&format=: the visible schools' rows as on the page. */
int page_medalists_export(struct web_req *r, struct web_res *w)
{
	int *years = NULL;
	size_t ny = 0;
	int rc;
	int year = year_of(r, &years, &ny, &rc);
	free(years);
	if (rc)
		return rc;
	if (!year)
		return ERR_NOTFOUND;
	int from = from_of(r, year);
	struct medal_index x;
	if ((rc = medal_index_span(r->db, from, year, &r->scope, &x)))
		return rc;
	const char *fmt = web_str(r, "format");
	char span[32];
	if (from != year)
		snprintf(span, sizeof span, "%d-%d", from, year);
	else
		snprintf(span, sizeof span, "%d", year);
	if (fmt && !strcmp(fmt, "pdf")) {
		rc = send_pdf(r, w, &x, span);
		medal_index_free(&x);
		return rc;
	}
	bool xlsx = !fmt || strcmp(fmt, "csv");
	enum table_kind kind = xlsx ? TABLE_XLSX : TABLE_CSV;
	char msg[256] = "";
	struct table_writer *t = NULL;
	buf_reset(&w->body);
	if ((rc = table_writer_open_mem(&t, kind, "Медалисты", &w->body, msg, sizeof msg)))
		goto out;
	for (size_t i = 0; export_head[i]; i++)
		table_writer_text(t, export_head[i]);
	table_writer_end_row(t);
	for (size_t i = 0; i < x.nschools && !rc; i++) {
		const struct medal_school *s = &x.schools[i];
		if (!s->visible)
			continue;
		char a[RU_NUM_MAX];
		table_writer_text(t, s->login);
		table_writer_text(t, s->name);
		table_writer_text(t, s->municipality);
		table_writer_int(t, (long)s->st.medalists);
		table_writer_int(t, (long)s->st.checked);
		table_writer_int(t, (long)s->st.below);
		table_writer_int(t, (long)s->st.noresult);
		table_writer_int(t, (long)s->st.norule);
		table_writer_num(t, 100 * s->st.share, ru_num(a, sizeof a, 100 * s->st.share, 1));
		table_writer_num(t, s->st.p, ru_num(a, sizeof a, s->st.p, 4));
		table_writer_num(t, s->st.q, ru_num(a, sizeof a, s->st.q, 4));
		table_writer_text(t, s->st.significant ? "да" : "нет");
		rc = table_writer_end_row(t);
	}
	int rc2 = table_writer_close(t);
	if (rc || rc2) {
		buf_reset(&w->body);
		rc = rc ? rc : rc2;
		goto out;
	}
	const char *ext = xlsx ? "xlsx" : "csv";
	web_send_table(r, w, kind, arena_printf(r->a, "medalists-%s.%s", span, ext),
		       arena_printf(r->a, "Медалисты %s.%s", span, ext));
out:
	medal_index_free(&x);
	return rc;
}

typedef int (*medal_import_fn)(struct db *, const char *, const struct import_opts *,
			       struct diag_list *, struct import_stats *);

/* A posted file through an importer; the audit names the file and the outcome. */
static int post_file(struct web_req *r, struct web_res *w, medal_import_fn fn, const char *action,
		     const char *what)
{
	const struct web_upload *u = &r->upload;
	const char *why = web_upload_refusal(r, "Выберите файл.", "Файл больше 64 МБ: так велики списки не бывают.");
	if (why) {
		w->status = u->too_large ? 413 : 400;
		return render(r, w, why, false, NULL);
	}
	char named[96];
	str_copy_utf8(named, sizeof named, u->filename && *u->filename ? u->filename : "файл");
	struct import_opts o = { .dry_run = web_flag(r, "dry_run"), .user = r->user.login, .name = named,
				 .data = u->data, .len = u->size };
	/* A coordinator's file holds only its own territory's schools. */
	if (r->scope.kind == SCOPE_MUNICIPALITY)
		o.only_municipality = r->scope.id;
	else if (r->scope.kind == SCOPE_REGION)
		o.only_region = r->scope.id;
	struct diag_list dl;
	struct import_stats st;
	memset(&st, 0, sizeof st);
	diag_init(&dl, 200);
	int rc = fn(r->db, named, &o, &dl, &st);
	metrics_upload(fn == import_medalists ? METRICS_MEDALISTS : METRICS_MEDAL_THRESHOLDS, rc, o.dry_run, st.rows);
	char text[2400], audit_action[64];
	if (rc && diag_errors(&dl)) {
		w->status = 400;
		snprintf(text, sizeof text, "Файл «%s» не загружен: исправьте ошибки и загрузите снова. "
			 "Данные в базе не изменены.", named);
	} else if (rc) {
		w->status = web_status_of(rc);
		snprintf(text, sizeof text, "Файл «%s» не загружен (%s). Данные в базе не изменены.", named,
			 err_str(rc));
	} else {
		snprintf(text, sizeof text, "%s «%s»: %s", o.dry_run ? "Проверка прошла, ничего не сохранено. Файл"
								   : what, named, st.summary);
	}
	if (!o.dry_run) {
		snprintf(audit_action, sizeof audit_action, "%s%s", action, rc ? "_refused" : "");
		audit_add(r->db, &r->user, NULL, audit_action, named, rc ? NULL : st.summary, r->ip);
	}
	rc = render(r, w, text, !rc, &dl);
	diag_free(&dl);
	return rc;
}

int page_medalists_import(struct web_req *r, struct web_res *w)
{
	return post_file(r, w, import_medalists, "medalists_import", "Список медалистов загружен из файла");
}

int page_medalists_thresholds(struct web_req *r, struct web_res *w)
{
	return post_file(r, w, import_medal_thresholds, "medal_thresholds", "Пороги загружены из файла");
}

/* POST /medalists/thresholds/reset: the year's own thresholds removed (oko's defaults). */
int page_medalists_thresholds_reset(struct web_req *r, struct web_res *w)
{
	int64_t y = web_int(r, "year");
	if (!y)
		return ERR_INVALID;
	int rc = db_begin(r->db);
	if (!rc) {
		rc = medal_thresholds_put(r->db, (int)y, NULL, 0, r->user.login);
		rc = rc ? (db_rollback(r->db), rc) : db_commit(r->db);
	}
	char text[200], detail[64];
	if (rc) {
		w->status = web_status_of(rc);
		snprintf(text, sizeof text, "Пороги не изменены (%s).", err_str(rc));
	} else {
		snprintf(text, sizeof text, "Для %d года снова действуют пороги oko по умолчанию.", (int)y);
		snprintf(detail, sizeof detail, "%d", (int)y);
		audit_add(r->db, &r->user, NULL, "medal_thresholds_reset", detail, NULL, r->ip);
	}
	return render(r, w, text, !rc, NULL);
}

/* A refusal of the form in the form's words: the field named by its title, not a column. */
static void form_problems(struct buf *b, const struct diag_list *dl)
{
	static const char *const fields[][2] = {
		{ "min_score", "наименьший тестовый балл" }, { "min_mark", "наименьшая отметка" },
		{ "subject", "предмет" }, { "medal", "медаль" }, { "source", "основание" },
		{ "year", "год" },
	};
	if (!dl || !dl->n)
		return;
	buf_puts(b, "<ul class=\"alert\" role=\"alert\">");
	for (size_t i = 0; i < dl->n; i++) {
		const struct diag *g = &dl->v[i];
		const char *field = NULL;
		for (size_t k = 0; g->column && !field && k < sizeof fields / sizeof *fields; k++)
			if (strstr(g->column, fields[k][0]))
				field = fields[k][1];
		buf_puts(b, "<li>");
		if (field) {
			buf_puts(b, "Поле «");
			html_text(b, field);
			buf_puts(b, "»");
			if (g->value && *g->value) {
				buf_puts(b, ", значение «");
				html_text(b, g->value);
				buf_puts(b, "»");
			}
			buf_puts(b, ": ");
		}
		html_text(b, g->msg);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ul>");
}

/* POST /medalists/thresholds/row: one threshold of a year typed in the form. The year's
 * thresholds in force (its own, else oko's defaults) with the typed row in place of the
 * same medal and subject are handed to the thresholds' importer as a file — one home for
 * the rules of a row — which stores them as the year's own, or refuses with nothing
 * stored. */
int page_medalists_threshold_row(struct web_req *r, struct web_res *w)
{
	int year = (int)web_int(r, "year");
	if (!year)
		return ERR_INVALID;
	const char *medal = web_str(r, "medal"), *subj = web_str(r, "subject"),
		   *score = web_str(r, "min_score"), *mark = web_str(r, "min_mark"),
		   *src = web_str(r, "source");
	medal = medal ? medal : "";
	subj = subj ? subj : "";
	score = score ? score : "";
	mark = mark ? mark : "";
	src = src ? src : "";
	struct medal_threshold *t = NULL;
	size_t n = 0;
	bool stored = false;
	int rc = medal_thresholds(r->db, year, &t, &n, &stored);
	if (rc)
		return rc;
	struct buf csv = BUF_INIT;
	struct table_writer *tw = NULL;
	char msg[256] = "", ys[16];
	snprintf(ys, sizeof ys, "%d", year);
	if ((rc = table_writer_open_mem(&tw, TABLE_CSV, "Пороги", &csv, msg, sizeof msg)))
		goto out;
	static const char *const head[] = { "year", "medal", "subject", "min_score", "min_mark", "source" };
	for (size_t i = 0; i < 6; i++)
		table_writer_text(tw, head[i]);
	table_writer_end_row(tw);
	/* The typed row first: its problems are the form's (row 2). */
	const char *typed[] = { ys, medal, subj, score, mark, src };
	for (size_t i = 0; i < 6; i++)
		table_writer_text(tw, typed[i]);
	table_writer_end_row(tw);
	int typed_medal = medal_parse(medal);
	for (size_t i = 0; i < n; i++) {
		if (t[i].medal == typed_medal && !strcmp(t[i].subject, subj))
			continue;
		char m[8], sc[16] = "", mk[16] = "";
		snprintf(m, sizeof m, "%d", t[i].medal);
		if (t[i].min_score >= 0)
			snprintf(sc, sizeof sc, "%d", t[i].min_score);
		else
			snprintf(mk, sizeof mk, "%d", t[i].min_mark);
		const char *row[] = { ys, m, t[i].subject, sc, mk, t[i].source };
		for (size_t k = 0; k < 6; k++)
			table_writer_text(tw, row[k]);
		table_writer_end_row(tw);
	}
	if ((rc = table_writer_close(tw)))
		goto out;
	struct import_opts o = { .user = r->user.login, .name = "форма", .data = csv.p, .len = csv.len };
	struct diag_list dl;
	struct import_stats st;
	memset(&st, 0, sizeof st);
	diag_init(&dl, 50);
	rc = import_medal_thresholds(r->db, "форма", &o, &dl, &st);
	metrics_upload(METRICS_MEDAL_THRESHOLDS, rc, o.dry_run, st.rows);
	char text[3200], detail[300];
	snprintf(detail, sizeof detail, "%d: %s, %s", year, medal_title(typed_medal),
		 medal_subject_valid(subj) ? medal_subject_title(subj) : subj);
	if (rc) {
		w->status = diag_errors(&dl) ? 400 : web_status_of(rc);
		snprintf(text, sizeof text, "Порог не сохранён: исправьте поля формы. Пороги %d года не "
			 "изменены.", year);
	} else {
		snprintf(text, sizeof text, "Порог сохранён: %s. Теперь у %d года свои пороги (%s).", detail,
			 year, st.summary);
	}
	audit_add(r->db, &r->user, NULL, rc ? "medal_thresholds_refused" : "medal_thresholds", "форма",
		  detail, r->ip);
	struct buf problems = BUF_INIT;
	form_problems(&problems, &dl);
	diag_free(&dl);
	rc = render_with(r, w, text, !rc, NULL, buf_str(&problems));
	buf_free(&problems);
out:
	buf_free(&csv);
	free(t);
	return rc;
}

/* The block «Медалисты» of a school's card, evidence card and its PDF: the latest year's
 * figures and, when the school has medalists in two of the default span's years or more,
 * the years pooled. False when the school has no medalists (or they could not be read). */
bool web_medalists_card_data(struct web_req *r, int64_t school_id, struct risk_card_medal *m)
{
	bool found = false;
	*m = (struct risk_card_medal){ .region_rate = NAN };
	if (medal_school_latest(r->db, school_id, &m->year, &m->st, &m->region_rate, &found) || !found)
		return false;
	int from, to;
	size_t ny = 0;
	double rate;
	bool pooled = false;
	if (!medal_span_default(r->db, &from, &to) && to &&
	    !medal_school_span(r->db, school_id, from, to, &m->first, &m->last, &ny, &m->pooled_st, &rate, &pooled) &&
	    pooled && ny >= 2 && m->first != m->last)
		m->pooled = true;
	return true;
}

/* The block «Медалисты» of a school's card and evidence card. */
void web_medalists_card(struct web_req *r, struct buf *b, int64_t school_id, const char *login)
{
	struct risk_card_medal m;
	if (!web_medalists_card_data(r, school_id, &m))
		return;
	html_printf(b, "<section class=\"card\" id=\"medalists\"><h2>%s</h2><p>", CARD_MEDAL_TITLE);
	struct card_text t = CARD_TEXT_INIT;
	card_medal_latest(&t, m.year, &m.st, m.region_rate);
	web_card_text(b, &t);
	card_text_free(&t);
	buf_puts(b, "</p>");
	if (m.pooled) {
		struct card_text p = CARD_TEXT_INIT;
		card_medal_pooled(&p, m.first, m.last, &m.pooled_st);
		buf_puts(b, "<p>");
		web_card_text(b, &p);
		card_text_free(&p);
		html_printf(b, " <a href=\"/medalists?year=%d&amp;from=%d&amp;school=", m.last, m.first);
		html_url(b, login);
		buf_puts(b, "\">Медалисты школы за эти годы</a></p>");
	}
	html_printf(b, "<p><a href=\"/medalists?year=%d&amp;school=", m.year);
	html_url(b, login);
	buf_puts(b, "\">Медалисты школы по кодам участников</a></p></section>");
}
