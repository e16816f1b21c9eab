/* pupils: the school coordinator's pages for classes, pupils, participant codes and the
 * printed documents.
 *
 *   GET  /pupils[?class=4А&year=2021]   pupils by class with codes and names; the forms
 *   POST /pupils                         add one pupil
 *   POST /pupils/import                  a class list (CSV/XLSX), whole or nothing
 *   POST /pupils/codes                   issue codes to pupils without one
 *   POST /pupils/delete                  delete one pupil's name (code and results stay)
 *   GET  /pupils/slips.pdf, /pupils/protocol.pdf[?class=…]   the documents
 *
 * Only the school role reaches these routes (route table), and the school is always the
 * user's own (r->user.school_id), never taken from the request: a coordinator of another
 * school has no way to name this one. Names are opened by model/pupil for that user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/str.h"
#include "import/import.h"
#include "model/keys.h"
#include "model/pupil.h"
#include "model/registry.h"
#include "model/setting.h"
#include "report/documents.h"
#include "web/metrics.h"
#include "web/web.h"

/* The school year asked for (2000–2100, checked by the dispatcher); else the current one,
 * or — when the current one has no pupils yet — the latest year that has (a school opening
 * the page between years, or the demo's past year, sees its lists, not an empty page). */
static int req_year(struct web_req *r)
{
	int64_t y = web_int(r, "year");
	if (y)
		return (int)y;
	int cur = pupil_year_of(r->now), last = 0;
	long pupils = 0, coded = 0;
	if (r->user.school_id && !pupil_count(r->db, r->user.school_id, cur, &pupils, &coded) && !pupils &&
	    !pupil_latest_year(r->db, r->user.school_id, &last) && last)
		return last;
	return cur;
}

static void notice(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

/* One input of the add form, with the value sent when the form was refused (keep). */
static void add_input(struct web_req *r, struct buf *b, bool keep, const char *label, const char *name,
		      const char *attrs)
{
	const char *v = keep ? web_str(r, name) : NULL;
	html_printf(b, "<label>%s <input name=\"%s\" %s value=\"", label, name, attrs);
	html_attr(b, v ? v : "");
	buf_puts(b, "\"></label>");
}

/* The forms under the list. refused: why the add form was refused — said again beside it
 * (the page is long), its fields keeping what was typed; NULL otherwise. */
static void forms(struct web_req *r, struct buf *b, int year, const char *refused)
{
	bool keep = refused != NULL;
	buf_puts(b, "<section class=\"card\" id=\"add\"><h2>Добавить ученика</h2>");
	if (refused)
		notice(b, false, refused);
	buf_puts(b, "<form method=\"post\" action=\"/pupils#add\" class=\"grid\">");
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	add_input(r, b, keep, "Класс", "class", "required maxlength=\"8\" placeholder=\"4А\"");
	add_input(r, b, keep, "Фамилия", "surname", "required maxlength=\"80\"");
	add_input(r, b, keep, "Имя", "name", "required maxlength=\"80\"");
	add_input(r, b, keep, "Отчество", "patronymic", "maxlength=\"80\"");
	buf_puts(b, "<button>Добавить</button></form></section>");
	buf_puts(b, "<section class=\"card\"><h2>Загрузить список классов</h2><p>CSV или XLSX со "
		    "столбцами «Класс» и «ФИО» (или «Фамилия», «Имя», «Отчество»). Ученики, которые уже "
		    "есть, не дублируются и сохраняют коды. Файл загружается целиком или не загружается "
		    "совсем.</p><form method=\"post\" action=\"/pupils/import\" enctype=\"multipart/form-data\" "
		    "class=\"grid\">");
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required accept=\".xlsx,.csv,.txt\"></label>"
		    "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> только "
		    "проверить</label><button>Загрузить</button></form></section>");
}

/* The page body: counts, the code form, document links, then the pupils by class. */
static int render(struct web_req *r, struct web_res *w, int year, const char *flash, bool ok,
		  const struct diag_list *dl)
{
	struct buf *b = &w->body;
	int64_t sid = r->user.school_id;
	const char *cls = strcmp(r->method, "GET") ? NULL : web_str(r, "class"); /* the filter of the list */
	/* A refused pupil (only the add form posts a class): said beside the form as well. */
	const char *refused = !ok && strcmp(r->method, "GET") && web_str(r, "class") ? flash : NULL;
	char cn[PUPIL_CLASS_MAX] = "", msg[512] = "";
	int grade;
	if (cls && *cls && pupil_class_norm(cls, cn, &grade))
		cn[0] = '\0';
	struct pupil *v = NULL;
	size_t n = 0;
	int rc = pupil_list(r->db, &r->user, sid, year, cn, &v, &n, msg, sizeof msg);
	html_begin(r, w, "Ученики и коды");
	html_printf(b, "<h1>Ученики и коды участников, %d/%02d учебный год</h1>", year - 1, year % 100);
	/* Each school year has its own lists and codes: the years either side, one click away. */
	html_printf(b, "<p class=\"years\">Другой учебный год: ");
	if (year > 2000)
		html_printf(b, "<a href=\"/pupils?year=%d\">← %d/%02d</a>", year - 1, year - 2, (year - 1) % 100);
	if (year > 2000 && year < 2100)
		buf_puts(b, " · ");
	if (year < 2100)
		html_printf(b, "<a href=\"/pupils?year=%d\">%d/%02d →</a>", year + 1, year, (year + 1) % 100);
	buf_puts(b, "</p>");
	if (flash)
		notice(b, ok, flash);
	web_diag_list(b, dl);
	if (rc) {
		notice(b, false, *msg ? msg : "Не удалось прочитать список учеников.");
		forms(r, b, year, refused);
		html_end(r, w);
		return 0;
	}
	long pupils = 0, coded = 0;
	pupil_count(r->db, sid, year, &pupils, &coded);
	html_printf(b, "<section class=\"card\"><p>Учеников: %ld, с кодом участника: %ld. Код один на "
		       "все работы учебного года; за пределы школы передаются только коды, ФИО остаются "
		       "в школе.</p>", pupils, coded);
	if (pupils > coded) {
		buf_puts(b, "<form method=\"post\" action=\"/pupils/codes\">");
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\"><button>Выдать коды "
			       "ученикам без кода</button></form>", year);
	}
	/* The documents only when they can be printed: the list shown has pupils and every one
	 * of them has a code (otherwise the PDF would answer with an error). */
	size_t uncoded = 0;
	for (size_t i = 0; i < n; i++)
		uncoded += !v[i].code[0];
	if (n == 0) {
		buf_puts(b, "<p class=\"muted\">Коды для разрезания и протокол можно будет напечатать, "
			    "когда в списке появятся ученики.</p></section>");
	} else if (uncoded) {
		html_printf(b, "<p class=\"muted\">Коды для разрезания и протокол можно будет напечатать, "
			       "когда у всех учеников будут коды: без кода %zu %s.</p></section>", uncoded,
			    str_plural((long)uncoded, "ученик", "ученика", "учеников"));
	} else {
		for (int k = 0; k < 2; k++) {
			html_printf(b, "%s<a href=\"/pupils/%s.pdf?year=%d", k ? " · " : "<p>",
				    k ? "protocol" : "slips", year);
			if (cn[0]) {
				buf_puts(b, "&amp;class=");
				html_url(b, cn);
			}
			buf_puts(b, k ? "\">Протокол соответствия кодов и ФИО (PDF)</a></p></section>"
				      : "\">Коды для разрезания (PDF)</a>");
		}
	}
	buf_puts(b, "<section class=\"card\"><h2>Ученики по классам</h2>");
	if (n == 0)
		buf_puts(b, "<p>Учеников пока нет: добавьте их или загрузите список классов.</p>");
	for (size_t i = 0; i < n;) {
		const char *c = v[i].class_name;
		buf_puts(b, "<h3 class=\"class\"><a href=\"/pupils?class=");
		html_url(b, c);
		html_printf(b, "&amp;year=%d\">", year);
		html_textf(b, "%s класс", c);
		buf_puts(b, "</a></h3><table class=\"pupils\"><thead><tr><th>№</th><th>Код</th><th>ФИО</th>"
			    "<th></th></tr></thead><tbody>");
		int k = 0;
		for (; i < n && !strcmp(v[i].class_name, c); i++) {
			html_printf(b, "<tr><td class=\"num\">%d</td><td class=\"code\">", ++k);
			html_text(b, v[i].code[0] ? v[i].code : "—");
			buf_puts(b, "</td><td>");
			if (v[i].name_deleted) {
				buf_puts(b, "<span class=\"muted\">ФИО удалено</span></td><td></td></tr>");
				continue;
			}
			html_text(b, v[i].name);
			/* Deleting asks once more (no script): the button is inside the opened details. */
			buf_puts(b, "</td><td><details><summary>Удалить ФИО</summary><form method=\"post\" "
				    "action=\"/pupils/delete\">");
			html_csrf(r, b);
			html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" "
				       "name=\"pupil\" value=\"%lld\"><p class=\"muted\">ФИО будет удалено из oko "
				       "навсегда; код участника и результаты по нему останутся.</p><button>Удалить "
				       "ФИО</button></form></details></td></tr>", year, (long long)v[i].id);
		}
		buf_puts(b, "</tbody></table>");
	}
	int months = SETTING_RETENTION_DEFAULT;
	setting_retention(r->db, &months);
	html_printf(b, "<p class=\"muted\">ФИО хранятся %d %s после окончания учебного года, затем "
		       "удаляются автоматически; коды и результаты остаются.</p></section>", months,
		    str_plural(months, "месяц", "месяца", "месяцев"));
	pupil_list_free(v, n);
	forms(r, b, year, refused);
	html_end(r, w);
	return 0;
}

int page_pupils(struct web_req *r, struct web_res *w)
{
	return render(r, w, req_year(r), NULL, true, NULL);
}

int page_pupils_add(struct web_req *r, struct web_res *w)
{
	int year = req_year(r), grade;
	const char *cls = web_str(r, "class"), *sur = web_str(r, "surname"), *nam = web_str(r, "name"),
		   *pat = web_str(r, "patronymic");
	char cn[PUPIL_CLASS_MAX], full[3 * PUPIL_NAME_MAX], norm[PUPIL_NAME_MAX], msg[512] = "";
	const char *why = "";
	if (!cls || pupil_class_norm(cls, cn, &grade)) {
		w->status = 400;
		return render(r, w, year, "Класс указан неверно: нужен номер от 1 до 11 и буква, например 4А.",
			      false, NULL);
	}
	snprintf(full, sizeof full, "%s %s %s", sur ? sur : "", nam ? nam : "", pat ? pat : "");
	if (!sur || !*sur || !nam || !*nam || pupil_name_norm(full, norm, &why)) {
		keys_wipe(full, sizeof full);
		w->status = 400;
		char m[256];
		snprintf(m, sizeof m, "ФИО не принято: %s.", *why ? why : "укажите фамилию и имя");
		return render(r, w, year, m, false, NULL);
	}
	keys_wipe(full, sizeof full);
	int64_t id;
	bool created;
	/* In a transaction: the school key's row stays locked until the name is stored
	 * (keys_school_lock; a rotation of the key meanwhile waits). */
	int rc = db_begin(r->db);
	if (!rc) {
		rc = pupil_put(r->db, r->user.school_id, year, cn, grade, norm, &id, &created, msg, sizeof msg);
		rc = rc ? (db_rollback(r->db), rc) : db_commit(r->db);
	}
	keys_wipe(norm, sizeof norm);
	if (rc) {
		w->status = web_status_of(rc);
		return render(r, w, year, *msg ? msg : "Не удалось сохранить ученика.", false, NULL);
	}
	audit_add(r->db, &r->user, NULL, "pupil_add", cn, created ? "добавлен" : "уже был", r->ip);
	return render(r, w, year, created ? "Ученик добавлен. Выдайте ему код кнопкой «Выдать коды»."
					  : "Такой ученик в этом классе уже есть.", true, NULL);
}

int page_pupils_import(struct web_req *r, struct web_res *w)
{
	int year = req_year(r);
	const struct web_upload *u = &r->upload;
	const char *why = web_upload_refusal(r, "Выберите файл.", "Файл больше 64 МБ: так велики списки не бывают.");
	if (why) {
		w->status = u->too_large ? 413 : 400;
		return render(r, w, year, why, false, NULL);
	}
	char named[96];
	snprintf(named, sizeof named, "%s", u->filename && *u->filename ? u->filename : "файл");
	struct import_opts o = { .dry_run = web_flag(r, "dry_run"), .only_school = r->user.school_id,
				 .year = year, .name = named, .user = r->user.login, .data = u->data,
				 .len = u->size };
	struct diag_list dl;
	struct import_stats st;
	diag_init(&dl, 100);
	int rc = import_pupils(r->db, named, &o, &dl, &st);
	metrics_upload(METRICS_PUPILS, rc, o.dry_run, st.rows);
	audit_add(r->db, &r->user, NULL, rc ? "pupils_import_refused" : "pupils_import", named,
		  rc ? NULL : st.summary, r->ip);
	if (rc)
		w->status = 400;
	char m[2200];
	snprintf(m, sizeof m, rc ? "Список не загружен, данные не изменены. Исправьте ошибки:" : "%s",
		 st.summary);
	rc = render(r, w, year, m, !w->status || w->status == 200, &dl);
	diag_free(&dl);
	return rc;
}

int page_pupils_codes(struct web_req *r, struct web_res *w)
{
	int year = req_year(r);
	long issued = 0;
	int rc = pupil_codes_issue(r->db, r->user.school_id, year, &issued);
	if (rc) {
		w->status = web_status_of(rc);
		return render(r, w, year, "Коды не выданы: повторите позже.", false, NULL);
	}
	char m[128];
	snprintf(m, sizeof m, "Выдано новых кодов: %ld. Выданные раньше коды не изменились.", issued);
	audit_add(r->db, &r->user, NULL, "codes_issue", NULL, m, r->ip);
	return render(r, w, year, m, true, NULL);
}

int page_pupils_delete(struct web_req *r, struct web_res *w)
{
	int year = req_year(r);
	int64_t id = web_int(r, "pupil");
	struct pupil_ref ref;
	char msg[512] = "", login[64] = "", m[400];
	/* The pupil must be of the user's own school: another school's id is "not found". */
	int rc = pupil_forget(r->db, r->user.school_id, id, NULL, 0, &ref, msg, sizeof msg);
	if (rc == ERR_NOTFOUND)
		return ERR_NOTFOUND;
	if (rc) {
		w->status = web_status_of(rc);
		return render(r, w, year, "ФИО не удалено: повторите позже.", false, NULL);
	}
	if (ref.already) {
		snprintf(m, sizeof m, "ФИО ученика с кодом %s уже было удалено.", ref.code[0] ? ref.code : "—");
		return render(r, w, ref.year, m, true, NULL);
	}
	registry_school_login_of(r->db, r->user.school_id, login, sizeof login);
	snprintf(m, sizeof m, "код %s, %s класс, %d/%02d учебный год", ref.code[0] ? ref.code : "не выдан",
		 ref.class_name, ref.year - 1, ref.year % 100);
	audit_add(r->db, &r->user, NULL, "pupil_delete", login, m, r->ip);
	if (ref.removed) {
		snprintf(m, sizeof m, "Ученик удалён из списка %s класса: код ему не выдавался, результатов по нему "
				      "нет.", ref.class_name);
		return render(r, w, ref.year, m, true, NULL);
	}
	snprintf(m, sizeof m, "ФИО ученика удалено (%s класс, код %s). Код участника и результаты по нему "
			      "остались.", ref.class_name, ref.code[0] ? ref.code : "не выдан");
	return render(r, w, ref.year, m, true, NULL);
}

static int document(struct web_req *r, struct web_res *w, bool slips)
{
	int year = req_year(r), grade;
	const char *cls = web_str(r, "class");
	char cn[PUPIL_CLASS_MAX] = "", msg[512] = "";
	if (cls && *cls && pupil_class_norm(cls, cn, &grade))
		return ERR_NOTFOUND;
	struct doc_opts o = { .school_id = r->user.school_id, .year = year, .class_name = cn, .now = r->now };
	int rc = slips ? doc_slips(r->db, &r->user, &o, &w->body, msg, sizeof msg)
		       : doc_protocol(r->db, &r->user, &o, &w->body, msg, sizeof msg);
	if (rc) {
		/* Back to the list, which says what is missing (a pupil without a code…). */
		char m[600];
		snprintf(m, sizeof m, "Документ не построен: %s", *msg ? msg : "повторите позже.");
		buf_reset(&w->body);
		w->status = web_status_of(rc);
		return render(r, w, year, m, false, NULL);
	}
	audit_add(r->db, &r->user, NULL, slips ? "print_slips" : "print_protocol", cn[0] ? cn : NULL, NULL, r->ip);
	w->type = "application/pdf";
	w->cache = "no-store";
	w->disposition = arena_printf(r->a, "attachment; filename=\"%s-%d%s%s.pdf\"",
				      slips ? "codes" : "protocol", year, cn[0] ? "-" : "", cn[0] ? "class" : "");
	return 0;
}

int page_pupils_slips(struct web_req *r, struct web_res *w)
{
	return document(r, w, true);
}

int page_pupils_protocol(struct web_req *r, struct web_res *w)
{
	return document(r, w, false);
}
