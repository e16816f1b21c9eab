/* teachers: teachers in the risk zone (issue 20, item 4).
 *
 *   GET  /teachers[?year=2021]   the school: its classes with their teachers (a form per
 *                                class), the upload of teachers.csv, and its teachers in the
 *                                zone of the latest run BY NAME with the evidence per class in
 *                                words; the municipality and region: per school of their
 *                                territory HOW MANY teachers are in the zone, never who
 *   POST /teachers               the school: one class's teacher typed in (empty: removed)
 *   POST /teachers/import        the school: teachers.csv, whole or nothing
 *
 * The school is always the user's own (r->user.school_id); the names are opened by
 * model/teacher only for that school's users (teacher_may_read_names), so a territory's
 * page has no way to ask for them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "model/keys.h"
#include "model/procedure.h"
#include "model/pupil.h"
#include "model/run.h"
#include "model/teacher.h"
#include "report/card_words.h"
#include "stats/catalogue.h"
#include "stats/teacher.h"
#include "web/metrics.h"
#include "web/web.h"

static void notice(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}


/* A kind of evidence in words: the title of the sign it is the class form of. */
static const char *kind_title(const char *kind)
{
	const struct stat_sign_info *s = stat_sign_find(kind);
	return s ? s->title : "другое свидетельство";
}

static const char *kind_explain(const char *kind)
{
	/* The school sign's text speaks of the school's share of objective works; the class
	 * form of the re-check is the sign test alone (methodology-oko, «Teachers in the risk
	 * zone»). */
	if (stat_tkind_of(kind) == STAT_TK_RECHECK)
		return "Эксперты перепроверили работы класса: школа ставила больше первичных баллов, "
		       "чем эксперты, чаще, чем меньше, сверх случайного (односторонний критерий знаков).";
	const struct stat_sign_info *s = stat_sign_find(kind);
	return s ? s->explain : "";
}

/* How many of the school's teachers the run assessed and how many are in the zone (0 and 0
 * when none, or when they could not be read). */
void web_teachers_card_counts(struct web_req *r, int64_t run_id, int64_t school_id, long *teachers, long *listed)
{
	struct teacher_count *c = NULL;
	size_t n = 0;
	*teachers = *listed = 0;
	if (teacher_run_counts(r->db, &r->scope, run_id, &c, &n))
		return;
	for (size_t i = 0; i < n; i++)
		if (c[i].school_id == school_id && c[i].teachers) {
			*teachers = c[i].teachers;
			*listed = c[i].listed;
			break;
		}
	free(c);
}

/* The evidence card's block (/risk/{login}): how many of the school's teachers the run
 * assessed and how many are in the zone — never who, whoever reads the card; the school's
 * own users get the link to their names on /teachers. Nothing when the run assessed none. */
void web_teachers_card(struct web_req *r, struct buf *b, int64_t run_id, int64_t school_id)
{
	long teachers, listed;
	web_teachers_card_counts(r, run_id, school_id, &teachers, &listed);
	if (!teachers)
		return;
	struct buf t = BUF_INIT;
	card_teachers(&t, teachers, listed);
	buf_puts(b, "<section class=\"card\" id=\"teachers\"><h2>" CARD_TEACHERS_TITLE "</h2><p>");
	html_text(b, buf_str(&t));
	buf_free(&t);
	if (r->user.role == ROLE_SCHOOL && r->user.school_id == school_id)
		buf_puts(b, " <a href=\"/teachers\">Учителя школы и свидетельства по классам</a>");
	buf_puts(b, "</p></section>");
}

/* The school's teachers of the latest run, the listed ones with their evidence. */
static void school_zone(struct web_req *r, struct buf *b)
{
	struct run_info ri;
	if (run_latest(r->db, &ri)) {
		buf_puts(b, "<section class=\"card\"><h2>По последнему анализу</h2><p class=\"muted\">Анализ "
			    "ещё не проводился.</p></section>");
		return;
	}
	struct teacher_zone *v = NULL;
	size_t n = 0;
	char msg[256] = "";
	int rc = teacher_run_school(r->db, &r->user, ri.id, r->user.school_id, &v, &n, msg, sizeof msg);
	buf_puts(b, "<section class=\"card\"><h2>По последнему анализу</h2>");
	if (rc) {
		notice(b, false, *msg ? msg : "Не удалось прочитать результаты анализа.");
		buf_puts(b, "</section>");
		return;
	}
	size_t listed = 0;
	for (size_t i = 0; i < n; i++)
		listed += v[i].listed;
	buf_puts(b, "<p>Анализ от ");
	web_moment_ru(b, ri.at);
	buf_puts(b, ": оценено ");
	html_count(b, (long)n, "учитель", "учителя", "учителей");
	buf_puts(b, ", в зоне риска — ");
	html_int(b, (long)listed);
	buf_puts(b, ". Учитель в зоне риска — тот, чьи классы вместе показывают признаки "
		    "необъективности сильнее, чем можно объяснить случаем (с поправкой на число "
		    "проверенных учителей региона). Это повод разобраться, а не вывод.</p>");
	if (!listed) {
		buf_puts(b, "</section>");
		teacher_zone_free(v, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!v[i].listed)
			continue;
		buf_puts(b, "<article class=\"teacher\"><h3>");
		html_text(b, v[i].name[0] ? v[i].name : "учитель без имени");
		buf_puts(b, "</h3><p>");
		html_count(b, v[i].classes, "класс", "класса", "классов");
		buf_puts(b, ", ");
		html_count(b, v[i].works, "работа", "работы", "работ");
		buf_puts(b, "; вероятность случайности с поправкой ");
		html_p(b, v[i].q_adj);
		buf_puts(b, ". Сильнее всего: ");
		html_text(b, kind_title(v[i].top_kind));
		buf_puts(b, ".</p>");
		struct teacher_evidence *e = NULL;
		size_t ne = 0;
		if (!teacher_run_evidence(r->db, ri.id, v[i].teacher_id, &e, &ne) && ne) {
			buf_puts(b, "<table><thead><tr><th>Процедура</th><th>Класс</th><th>Свидетельство</th>"
				    "<th>Работ</th><th>Вероятность случайности</th></tr></thead><tbody>");
			for (size_t j = 0; j < ne; j++) {
				if (!(e[j].p <= 0.05))
					continue; /* the class evidence worth reading; the rest is in the run */
				char title[160];
				procedure_title(e[j].kind_code, e[j].subject, e[j].grade, title, sizeof title);
				buf_puts(b, "<tr><td>");
				html_text(b, title);
				buf_puts(b, "</td><td>");
				html_text(b, e[j].class_name);
				buf_puts(b, "</td><td>");
				html_text(b, kind_title(e[j].kind));
				buf_puts(b, " <span class=\"muted\">");
				html_text(b, kind_explain(e[j].kind));
				buf_puts(b, "</span></td><td>");
				html_int(b, e[j].works);
				buf_puts(b, "</td><td>");
				html_p(b, e[j].p);
				buf_puts(b, "</td></tr>");
			}
			buf_puts(b, "</tbody></table>");
		}
		free(e);
		buf_puts(b, "</article>");
	}
	buf_puts(b, "</section>");
	teacher_zone_free(v, n);
}

/* The school's classes and their teachers, a small form each. */
static void school_classes(struct web_req *r, struct buf *b, int year)
{
	struct teacher_class *v = NULL;
	size_t n = 0;
	char msg[256] = "";
	int rc = teacher_classes(r->db, &r->user, r->user.school_id, year, &v, &n, msg, sizeof msg);
	buf_puts(b, "<section class=\"card\"><h2>Учителя классов</h2>");
	if (rc) {
		notice(b, false, *msg ? msg : "Не удалось прочитать классы.");
		buf_puts(b, "</section>");
		return;
	}
	if (!n) {
		buf_puts(b, "<p class=\"muted\">Классов с результатами пока нет: учителя указываются для "
			    "классов, которые писали работу, или загружаются файлом ниже.</p></section>");
		return;
	}
	buf_puts(b, "<p>Укажите, кто учил класс предмету работы: фамилия, имя и отчество. ФИО видят "
		    "только пользователи школы; муниципалитет и регион видят лишь число учителей в зоне "
		    "риска.</p><table><thead><tr><th>Процедура</th><th>Класс</th><th>Учитель</th></tr>"
		    "</thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char title[160];
		procedure_title(v[i].kind, v[i].subject, v[i].grade, title, sizeof title);
		buf_puts(b, "<tr><td>");
		html_textf(b, "%s, %d год", title, v[i].year);
		buf_puts(b, "</td><td>");
		html_text(b, v[i].class_name);
		buf_puts(b, "</td><td><form method=\"post\" action=\"/teachers\" class=\"inline\">");
		html_csrf(r, b);
		buf_puts(b, "<input type=\"hidden\" name=\"procedure\" value=\"");
		html_attr(b, v[i].code);
		buf_puts(b, "\"><input type=\"hidden\" name=\"class\" value=\"");
		html_attr(b, v[i].class_name);
		buf_puts(b, "\"><input name=\"teacher\" maxlength=\"120\" aria-label=\"учитель\" value=\"");
		html_attr(b, v[i].teacher_id ? v[i].name : "");
		buf_puts(b, "\"> <button>Сохранить</button></form></td></tr>");
	}
	buf_puts(b, "</tbody></table></section>");
	teacher_classes_free(v, n);
	(void)year;
}

static void upload_form(struct web_req *r, struct buf *b, int year)
{
	buf_puts(b, "<section class=\"card\"><h2>Загрузить файл учителей</h2><p>CSV или XLSX со "
		    "столбцами school (логин школы), class (класс), subject (предмет: код или название, "
		    "например «математика»), teacher (ФИО учителя). Класс и предмет относятся к работам "
		    "этого предмета для параллели класса за выбранный учебный год. Файл загружается "
		    "целиком или не загружается совсем.</p><form method=\"post\" action=\"/teachers/import\" "
		    "enctype=\"multipart/form-data\" class=\"grid\">");
	html_csrf(r, b);
	html_printf(b, "<label>Учебный год (год окончания) <input name=\"year\" inputmode=\"numeric\" "
		       "required value=\"%d\"></label>", year);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required accept=\".xlsx,.csv,.txt\"></label>"
		    "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> только "
		    "проверить</label><button>Загрузить</button></form></section>");
}

static int render_school(struct web_req *r, struct web_res *w, const char *flash, bool ok,
			 const struct diag_list *dl)
{
	struct buf *b = &w->body;
	int64_t y = web_int(r, "year");
	int year = y ? (int)y : pupil_year_of(r->now);
	html_begin(r, w, "Учителя");
	buf_puts(b, "<h1>Учителя в зоне риска</h1>");
	if (flash)
		notice(b, ok, flash);
	web_diag_list(b, dl);
	school_zone(r, b);
	school_classes(r, b, 0);
	upload_form(r, b, year);
	html_end(r, w);
	return 0;
}

/* The territory's view: per school, how many teachers, never who. */
static int render_territory(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Учителя в зоне риска");
	buf_puts(b, "<h1>Учителя в зоне риска</h1><p>Сколько учителей каждой школы в зоне риска по "
		    "последнему анализу. ФИО учителей — персональные данные школы: их видит только "
		    "сама школа.</p>");
	struct run_info ri;
	if (run_latest(r->db, &ri)) {
		buf_puts(b, "<p class=\"muted\">Анализ ещё не проводился.</p>");
		html_end(r, w);
		return 0;
	}
	struct teacher_count *c = NULL;
	size_t n = 0;
	int rc = teacher_run_counts(r->db, &r->scope, ri.id, &c, &n);
	if (rc) {
		free(c);
		return rc;
	}
	if (!n) {
		buf_puts(b, "<p class=\"muted\">Учителя классов не указаны ни одной школой: оценивать "
			    "некого.</p>");
	} else {
		long total = 0, listed = 0;
		buf_puts(b, "<table><thead><tr><th>Муниципалитет</th><th>Школа</th><th>Учителей оценено</th>"
			    "<th>В зоне риска</th></tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			total += c[i].teachers;
			listed += c[i].listed;
			buf_puts(b, "<tr><td>");
			html_text(b, c[i].municipality[0] ? c[i].municipality : "—");
			buf_puts(b, "</td><td><a href=\"/schools/");
			html_url(b, c[i].login);
			buf_puts(b, "\">");
			html_text(b, c[i].name);
			buf_puts(b, "</a></td><td>");
			html_int(b, c[i].teachers);
			buf_puts(b, "</td><td class=\"teachers-listed\">");
			html_int(b, c[i].listed);
			buf_puts(b, "</td></tr>");
		}
		buf_puts(b, "</tbody></table><p>Всего: ");
		html_count(b, total, "учитель оценён", "учителя оценены", "учителей оценено");
		buf_puts(b, ", в зоне риска — ");
		html_int(b, listed);
		buf_puts(b, ".</p>");
	}
	free(c);
	html_end(r, w);
	return 0;
}

int page_teachers(struct web_req *r, struct web_res *w)
{
	if (r->user.role == ROLE_SCHOOL)
		return render_school(r, w, NULL, true, NULL);
	return render_territory(r, w);
}

int page_teachers_assign(struct web_req *r, struct web_res *w)
{
	const char *code = web_str(r, "procedure"), *cls = web_str(r, "class"), *name = web_str(r, "teacher");
	struct procedure *p = xcalloc(1, sizeof *p);
	char cn[PUPIL_CLASS_MAX], norm[TEACHER_NAME_MAX] = "", msg[300] = "";
	const char *why = "";
	int grade = 0, rc = 0;
	bool ok = false;
	if (!code || !cls || procedure_get(r->db, code, p) || pupil_class_norm(cls, cn, &grade)) {
		w->status = 400;
		snprintf(msg, sizeof msg, "Не указаны процедура или класс.");
	} else if (name && *name && pupil_name_norm(name, norm, &why)) {
		w->status = 400;
		snprintf(msg, sizeof msg, "ФИО учителя: %s.", why);
	} else {
		int64_t tid = 0;
		bool created = false;
		if (!(rc = db_begin(r->db))) {
			if (name && *name)
				rc = teacher_put(r->db, r->user.school_id, norm, &tid, &created, msg, sizeof msg);
			rc = rc ? rc : teacher_assign(r->db, r->user.school_id, p->id, cn, tid);
			rc = rc ? (db_rollback(r->db), rc) : db_commit(r->db);
		}
		if (rc) {
			w->status = web_status_of(rc);
			if (!*msg)
				snprintf(msg, sizeof msg, "Не сохранено: повторите позже.");
		} else {
			ok = true;
			snprintf(msg, sizeof msg, tid ? "Учитель класса %s сохранён." : "Учитель класса %s снят.", cn);
			audit_add(r->db, &r->user, NULL, "teacher_assign", cn, NULL, r->ip);
		}
	}
	keys_wipe(norm, sizeof norm);
	free(p);
	return render_school(r, w, msg, ok, NULL);
}

int page_teachers_import(struct web_req *r, struct web_res *w)
{
	const struct web_upload *u = &r->upload;
	const char *why = web_upload_refusal(r, "Выберите файл.", "Файл больше 64 МБ: так велики списки не бывают.");
	if (why) {
		w->status = u->too_large ? 413 : 400;
		return render_school(r, w, why, false, NULL);
	}
	int64_t y = web_int(r, "year");
	char named[96];
	snprintf(named, sizeof named, "%s", u->filename && *u->filename ? u->filename : "файл");
	struct import_opts o = { .dry_run = web_flag(r, "dry_run"), .only_school = r->user.school_id,
				 .year = y ? (int)y : pupil_year_of(r->now), .name = named,
				 .user = r->user.login, .data = u->data, .len = u->size };
	struct diag_list dl;
	struct import_stats st;
	diag_init(&dl, 100);
	int rc = import_teachers(r->db, named, &o, &dl, &st);
	metrics_upload(METRICS_TEACHERS, rc, o.dry_run, st.rows);
	audit_add(r->db, &r->user, NULL, rc ? "teachers_import_refused" : "teachers_import", named,
		  rc ? NULL : st.summary, r->ip);
	if (rc)
		w->status = 400;
	char m[2200];
	snprintf(m, sizeof m, rc ? "Файл не загружен, данные не изменены. Исправьте ошибки:" : "%s", st.summary);
	rc = render_school(r, w, m, !rc, &dl);
	diag_free(&dl);
	return rc;
}
