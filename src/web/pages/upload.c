/* upload: a results file from the browser, validated and stored by the same importer as
 * the command line; the problems come back as a table, nothing is stored on error. */
#include <stdio.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/str.h"
#include "import/import.h"
#include "web/web.h"

static void procedures_select(struct web_req *r, struct buf *b)
{
	struct db_stmt *s = NULL;
	buf_puts(b, "<label>Процедура <select name=\"procedure\"><option value=\"\">определить по файлу"
		    "</option>");
	if (!db_prepare(r->db, &s, "SELECT code FROM procedure ORDER BY year DESC, code")) {
		while (db_step(s) == DB_ROW) {
			buf_puts(b, "<option>");
			html_text(b, db_col_text(s, 0));
			buf_puts(b, "</option>");
		}
	}
	db_finalize(s);
	buf_puts(b, "</select></label>");
}

static void form(struct web_req *r, struct buf *b)
{
	buf_puts(b, "<section class=\"card\"><h2>Файл результатов</h2><p>Принимаются форма сбора "
		    "результатов ФИС ОКО (.xlsx), региональные выгрузки ВПР и канонический CSV oko "
		    "(UTF-8 или Windows-1251). Файл загружается целиком или не загружается совсем: при "
		    "ошибке данные не меняются.</p><form method=\"post\" action=\"/upload\" "
		    "enctype=\"multipart/form-data\" class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required "
		    "accept=\".xlsx,.csv,.txt\"></label>");
	procedures_select(r, b);
	buf_puts(b, "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> "
		    "только проверить, не сохранять</label><button>Загрузить</button></form></section>");
}

int page_upload(struct web_req *r, struct web_res *w)
{
	html_begin(r, w, "Загрузка результатов");
	buf_puts(&w->body, "<h1>Загрузка результатов</h1>");
	form(r, &w->body);
	html_end(r, w);
	return 0;
}

static void problems_table(struct buf *b, const struct diag_list *d)
{
	static const char *sev[] = { "сведение", "предупреждение", "ошибка" };
	buf_puts(b, "<table class=\"problems\"><thead><tr><th>Важность</th><th>Лист</th><th>Строка</th>"
		    "<th>Столбец</th><th>Значение</th><th>Что не так</th></tr></thead><tbody>");
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		html_printf(b, "<tr class=\"%s\"><td>", x->sev == DIAG_ERROR ? "err" : x->sev == DIAG_WARN ? "warn" : "note");
		html_text(b, sev[x->sev]);
		buf_puts(b, "</td><td>");
		html_text(b, x->sheet ? x->sheet : "");
		buf_puts(b, "</td><td class=\"num\">");
		if (x->row > 0)
			html_printf(b, "%ld", x->row);
		buf_puts(b, "</td><td>");
		html_text(b, x->column ? x->column : "");
		buf_puts(b, "</td><td>");
		html_text(b, x->value ? x->value : "");
		buf_puts(b, "</td><td>");
		html_text(b, x->msg);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table>");
	if (d->dropped)
		html_printf(b, "<p>… и ещё %zu сообщений.</p>", d->dropped);
}

int page_upload_post(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const struct web_upload *u = &r->upload;
	if (!u->data || u->size == 0 || u->too_large) {
		w->status = u->too_large ? 413 : 400;
		html_begin(r, w, "Загрузка результатов");
		buf_puts(b, "<h1>Загрузка результатов</h1><p class=\"alert\" role=\"alert\">");
		html_text(b, u->too_large ? "Файл больше 64 МБ: так велики файлы результатов не бывают."
					  : "Выберите файл для загрузки.");
		buf_puts(b, "</p>");
		form(r, b);
		html_end(r, w);
		return 0;
	}
	struct import_opts o = {
		.dry_run = web_form(r, "dry_run") != NULL,
		.user = r->user.login,
		.region = "Регион не указан",
	};
	const char *proc = web_form(r, "procedure");
	if (proc && *proc)
		o.procedure = proc;
	/* Procedures are the region's: only it and the administrator may create one from a
	 * form's headers (a school's form must not define what the region's files are checked
	 * against). */
	o.may_create_procedure = r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION;
	if (r->user.role == ROLE_SCHOOL)
		o.only_school = r->user.school_id;
	else if (r->user.role == ROLE_MUNICIPALITY)
		o.only_municipality = r->user.municipality_id;
	else if (r->user.role == ROLE_REGION && r->user.region_id)
		o.only_region = r->user.region_id;
	/* Messages and the upload history name the file as the browser sent it. */
	char named[96];
	str_copy_utf8(named, sizeof named, u->filename && *u->filename ? u->filename : "файл");
	struct diag_list d;
	struct import_stats st;
	diag_init(&d, 500);
	o.name = named;
	/* A stored upload's audit row is written in the upload's own transaction. */
	o.audit_action = o.dry_run ? NULL : "upload";
	o.audit_user = &r->user;
	o.audit_ip = r->ip;
	o.wait_seconds = web_upload_wait();
	o.data = u->data;
	o.len = u->size;
	int rc = import_results(r->db, named, &o, &d, &st);
	if (rc || o.dry_run)
		audit_add(r->db, &r->user, NULL, rc ? "upload_refused" : "upload_checked", named,
			  st.summary, r->ip);
	html_begin(r, w, "Загрузка результатов");
	buf_puts(b, "<h1>Загрузка результатов</h1><section class=\"card\"><h2>");
	html_text(b, named);
	buf_puts(b, "</h2>");
	if (rc == ERR_BUSY) {
		/* Not the file's fault: say so, and let the browser or a script come back. */
		w->status = 503;
		w->retry_after = 60;
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Сервер занят: сейчас сохраняется другая большая "
			    "загрузка. Ваш файл проверен, но не сохранён, данные в базе не изменены. "
			    "Загрузите его ещё раз через минуту.</p>");
	} else if (rc && !diag_errors(&d)) {
		w->status = 500;
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Файл не загружен из-за внутренней ошибки сервера; "
			    "данные в базе не изменены. Повторите позже; если ошибка повторится, сообщите "
			    "администратору (подробности — в журнале сервера).</p>");
	} else if (rc) {
		w->status = 400;
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Файл не загружен: исправьте ошибки и загрузите "
			    "снова. Данные в базе не изменены.</p>");
	} else {
		html_printf(b, "<p class=\"notice\" role=\"status\">%s</p>",
			    o.dry_run ? "Проверка прошла: ошибок, мешающих загрузке, нет. Ничего не сохранено."
				      : "Файл загружен.");
	}
	if (st.summary[0]) {
		buf_puts(b, "<pre class=\"summary\">");
		html_text(b, st.summary);
		buf_puts(b, "</pre>");
	}
	if (d.n)
		problems_table(b, &d);
	buf_puts(b, "</section>");
	form(r, b);
	html_end(r, w);
	diag_free(&d);
	return 0;
}
