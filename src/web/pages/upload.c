/* upload: a results file from the browser, validated and stored by the same importer as
 * the command line; the problems come back as a table, nothing is stored on error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/str.h"
#include "import/import.h"
#include "model/pending.h"
#include "model/procedure.h"
#include "web/metrics.h"
#include "web/web.h"

/* The procedure list with the one chosen before (a refused upload's form keeps it). */
struct options {
	struct buf *b;
	const char *chosen;
};

static int procedure_option(void *ctx, const struct procedure_item *p)
{
	const struct options *o = ctx;
	struct buf *b = o->b;
	/* The procedure by its title and year; the code (the value sent) in a tooltip. */
	char t[160];
	bool titled = procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
	buf_puts(b, "<option value=\"");
	html_attr(b, p->code);
	buf_puts(b, "\" title=\"");
	html_attr(b, p->code);
	buf_puts(b, o->chosen && !strcmp(o->chosen, p->code) ? "\" selected>" : "\">");
	html_text(b, t);
	if (titled && p->year > 0)
		html_printf(b, ", %d", p->year);
	buf_puts(b, "</option>");
	return 0;
}

static void procedures_select(struct web_req *r, struct buf *b, const char *chosen)
{
	struct options o = { b, chosen };
	buf_puts(b, "<label>Процедура <select name=\"procedure\"><option value=\"\">определить по файлу"
		    "</option>");
	procedure_each(r->db, procedure_option, &o);
	buf_puts(b, "</select></label>");
}

/* The upload form; after a refused upload it keeps the procedure chosen and the strict
 * check (the file has to be chosen again: a browser does not refill one). */
static void form_as(struct web_req *r, struct buf *b, const char *chosen, bool strict)
{
	buf_puts(b, "<section class=\"card\"><h2>Файл результатов</h2><p>Принимаются форма сбора "
		    "результатов ФИС ОКО (.xlsx), региональные выгрузки ВПР и канонический CSV oko "
		    "(UTF-8 или Windows-1251). Файл загружается целиком или не загружается совсем: при "
		    "ошибке данные не меняются.</p><form method=\"post\" action=\"/upload\" "
		    "enctype=\"multipart/form-data\" class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required "
		    "accept=\".xlsx,.csv,.txt\"></label>");
	procedures_select(r, b, chosen);
	html_printf(b, "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> "
		       "только проверить, не сохранять</label><label class=\"check\" title=\"Балл больше "
		       "максимума позиции, невозможный балл (отрицательный, больше 200) или значение, которое не "
		       "целое число и не «X», отклоняет файл, а не только отмечает строку\"><input "
		       "type=\"checkbox\" name=\"strict\" value=\"1\"%s> строгая проверка</label>"
		       "<button>Загрузить</button></form>"
		       "</section>", strict ? " checked" : "");
}

static void form(struct web_req *r, struct buf *b)
{
	form_as(r, b, NULL, false);
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
	/* a CSV has no sheets: no empty column for them (a phone has little width to spare) */
	bool sheets = false;
	for (size_t i = 0; i < d->n && !sheets; i++)
		sheets = d->v[i].sheet && *d->v[i].sheet;
	html_printf(b, "<div class=\"scroll\"><table class=\"problems\"><thead><tr><th>Важность</th>%s"
		       "<th>Строка</th><th>Столбец</th><th>Значение</th><th>Что не так</th></tr></thead><tbody>",
		    sheets ? "<th>Лист</th>" : "");
	/* What refuses the file first, then what marks rows, then notes; each in file order. */
	for (size_t k = 0; k < 3 * d->n; k++) {
		const struct diag *x = &d->v[k % d->n];
		if ((int)x->sev != DIAG_ERROR - (int)(k / d->n))
			continue;
		html_printf(b, "<tr class=\"%s\"><td>", x->sev == DIAG_ERROR ? "err" : x->sev == DIAG_WARN ? "warn" : "note");
		html_text(b, sev[x->sev]);
		if (sheets) {
			buf_puts(b, "</td><td>");
			html_text(b, x->sheet ? x->sheet : "");
		}
		buf_puts(b, "</td><td class=\"num\">");
		if (x->row > 0)
			html_int(b, x->row);
		buf_puts(b, "</td><td>");
		html_text(b, x->column ? x->column : "");
		buf_puts(b, "</td><td>");
		html_text(b, x->value ? x->value : "");
		buf_puts(b, "</td><td>");
		html_text(b, x->msg);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>");
	if (d->dropped) {
		buf_puts(b, "<p>… и ещё ");
		html_count(b, (long)d->dropped, "сообщение", "сообщения", "сообщений");
		buf_puts(b, ".</p>");
	}
}

/* What one import of an uploaded file is asked to do. */
struct upload_run {
	const char *file;      /* the name the browser sent */
	const char *procedure; /* the procedure chosen, or NULL */
	const void *data;
	size_t len;
	bool dry_run, strict;
	bool confirmed;        /* the uploader has agreed: replace, and accept a guessed procedure */
};

static bool may_create_procedures(const struct web_req *r)
{
	/* Procedures are the region's: only it and the administrator may create one from a
	 * form's headers or a file (a school's file must not define what the region's files are
	 * checked against). */
	return r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION;
}

/* What storing the file does to earlier results: how many it replaces, and — when the file
 * has fewer rows — that the missing ones go (a school's results of a procedure are replaced
 * whole). Nothing when it replaces none. */
static void replacing_words(struct buf *b, const struct import_stats *st, bool check)
{
	if (st->replacing <= 0)
		return;
	buf_puts(b, check ? " Если загрузить этот файл, он заменит " : " Он заменит ");
	html_count(b, st->replacing, "результат, загруженный", "результата, загруженных",
		   "результатов, загруженных");
	buf_puts(b, " раньше (ниже — из каких загрузок)");
	if (st->rows < st->replacing) {
		buf_puts(b, ", а в файле ");
		html_count(b, st->rows, "строка", "строки", "строк");
		buf_puts(b, ": прежние результаты школ файла по процедуре заменяются целиком, и тех, кого "
			    "нет в файле, в базе не останется");
	}
	buf_puts(b, ".");
}

/* The import's summary (one line a fact, an indented line a detail of the line before) as
 * a list. */
static void summary_list(struct buf *b, const char *text)
{
	bool in_item = false, in_sub = false;
	buf_puts(b, "<ul class=\"summary\">");
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		int n = e ? (int)(e - p) : (int)strlen(p);
		bool sub = in_item && n > 2 && p[0] == ' ' && p[1] == ' ';
		if (sub) {
			if (!in_sub)
				buf_puts(b, "<ul>");
			in_sub = true;
			buf_puts(b, "<li>");
			html_textf(b, "%.*s", n - 2, p + 2);
			buf_puts(b, "</li>");
		} else {
			buf_puts(b, in_sub ? "</ul></li>" : in_item ? "</li>" : "");
			in_sub = false;
			in_item = true;
			buf_puts(b, "<li>");
			html_textf(b, "%.*s", n, p);
		}
		p += n + (e != NULL);
	}
	buf_puts(b, in_sub ? "</ul></li>" : in_item ? "</li>" : "");
	buf_puts(b, "</ul>");
}

/* The question a pending upload asks, with its buttons. */
static void ask(struct web_req *r, struct buf *b, int64_t pending, const struct import_stats *st,
		bool replace)
{
	buf_puts(b, "<form method=\"post\" action=\"/upload/confirm\" class=\"confirm\">");
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"pending\" value=\"%lld\">", (long long)pending);
	if (replace) {
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Файл проверен, ошибок нет.");
		replacing_words(b, st, false);
		buf_puts(b, " Ничего не сохранено. Заменить?</p><div class=\"buttons\"><button name=\"decision\" "
			    "value=\"replace\">Заменить прежние результаты</button> <button name=\"decision\" "
			    "value=\"cancel\" class=\"secondary\">Не загружать</button></div>");
	} else {
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Процедуры ");
		html_text(b, st->proposal_code);
		buf_puts(b, " нет ни в базе, ни в каталоге oko. По файлу она выглядит так, как ниже: позиции — "
			    "столбцы по номерам, максимум каждой — наибольший балл в файле. Проверьте по "
			    "описанию работы, исправьте, если нужно, и создайте процедуру — файл будет "
			    "загружен.</p><label>Позиции (метка:максимум[:уровень Б/П/В] через пробел) "
			    "<textarea name=\"positions\" rows=\"3\" cols=\"80\">");
		html_text(b, st->proposal);
		buf_puts(b, "</textarea></label><label>Шкала отметок (нижние границы «3»/«4»/«5», например "
			    "6/10/14; можно оставить пустой) <input name=\"scale\" inputmode=\"numeric\"></label>"
			    "<div class=\"buttons\"><button name=\"decision\" value=\"create\">Создать процедуру "
			    "и загрузить файл</button> <button name=\"decision\" value=\"cancel\" class=\"secondary\">"
			    "Не загружать</button></div>");
	}
	buf_puts(b, "</form>");
}

static int run_upload(struct web_req *r, struct web_res *w, const struct upload_run *u)
{
	struct buf *b = &w->body;
	struct import_opts o = {
		.dry_run = u->dry_run,
		.strict = u->strict,
		.user = r->user.login,
		.region = "Регион не указан",
		.procedure = u->procedure && *u->procedure ? u->procedure : NULL,
		.may_create_procedure = may_create_procedures(r),
		/* Results of earlier uploads are replaced only once the uploader has agreed. */
		.ask_replace = !u->confirmed && !u->dry_run,
		.accept_inferred = u->confirmed,
		/* A stored upload's audit row is written in the upload's own transaction. */
		.audit_action = u->dry_run ? NULL : "upload",
		.audit_user = &r->user,
		.audit_ip = r->ip,
		.wait_seconds = web_upload_wait(),
		.name = u->file,
		.data = u->data,
		.len = u->len,
	};
	/* The importer stores only what the uploader's territory holds. */
	if (r->scope.kind == SCOPE_SCHOOL)
		o.only_school = r->scope.id;
	else if (r->scope.kind == SCOPE_MUNICIPALITY)
		o.only_municipality = r->scope.id;
	else if (r->scope.kind == SCOPE_REGION)
		o.only_region = r->scope.id;
	struct diag_list d;
	struct import_stats st;
	diag_init(&d, 500);
	int rc = import_results(r->db, u->file, &o, &d, &st);
	metrics_upload(METRICS_RESULTS, rc, u->dry_run, st.rows);
	bool proposal = rc && st.proposal_code[0] && o.may_create_procedure && !u->dry_run;
	int64_t pending = 0;
	if ((rc == ERR_CONFIRM || proposal) &&
	    pending_put(r->db, r->user.id, u->file, proposal ? st.proposal_code : o.procedure ? o.procedure : "",
			u->data, u->len, r->now, &pending))
		pending = 0;
	if (rc == ERR_CONFIRM)
		audit_add(r->db, &r->user, NULL, "upload_asked", u->file, st.summary, r->ip);
	else if (rc || u->dry_run)
		audit_add(r->db, &r->user, NULL, rc ? "upload_refused" : "upload_checked", u->file,
			  st.summary, r->ip);
	html_begin(r, w, "Загрузка результатов");
	buf_puts(b, "<h1>Загрузка результатов</h1><section class=\"card\"><h2>");
	html_text(b, u->file);
	buf_puts(b, "</h2>");
	if (pending) {
		w->status = 200;
		ask(r, b, pending, &st, rc == ERR_CONFIRM);
	} else if (rc == ERR_BUSY) {
		/* Not the file's fault: say so, and let the browser or a script come back. */
		w->status = 503;
		w->retry_after = 60;
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Сервер занят: сейчас сохраняется другая большая "
			    "загрузка. Ваш файл проверен, но не сохранён, данные в базе не изменены. "
			    "Загрузите его ещё раз через минуту.</p>");
	} else if (rc && !diag_errors(&d) && rc != ERR_CONFIRM) {
		w->status = 500;
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Файл не загружен из-за внутренней ошибки сервера; "
			    "данные в базе не изменены. Повторите позже; если ошибка повторится, сообщите "
			    "администратору (подробности — в журнале сервера).</p>");
	} else if (rc) {
		w->status = 400;
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Файл не загружен: исправьте ошибки и загрузите "
			    "снова. Данные в базе не изменены.</p>");
	} else {
		html_printf(b, "<p class=\"notice\" role=\"status\">%s",
			    u->dry_run ? "Проверка прошла: ошибок, мешающих загрузке, нет. Ничего не сохранено."
				       : "Файл загружен.");
		if (u->dry_run)
			replacing_words(b, &st, true);
		buf_puts(b, "</p>");
	}
	if (st.summary[0])
		summary_list(b, st.summary);
	if (d.n)
		problems_table(b, &d);
	buf_puts(b, "</section>");
	/* A refused file comes back with what was chosen; a stored or checked one with a fresh form. */
	if (rc && rc != ERR_CONFIRM && !pending)
		form_as(r, b, u->procedure, u->strict);
	else
		form(r, b);
	html_end(r, w);
	diag_free(&d);
	return 0;
}

int page_upload_post(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	const struct web_upload *u = &r->upload;
	const char *why = web_upload_refusal(r, "Выберите файл для загрузки.",
					     "Файл больше 64 МБ: так велики файлы результатов не бывают.");
	if (why) {
		w->status = u->too_large ? 413 : 400;
		html_begin(r, w, "Загрузка результатов");
		buf_puts(b, "<h1>Загрузка результатов</h1><p class=\"alert\" role=\"alert\">");
		html_text(b, why);
		buf_puts(b, "</p>");
		form_as(r, b, web_str(r, "procedure"), web_flag(r, "strict"));
		html_end(r, w);
		return 0;
	}
	/* Messages and the upload history name the file as the browser sent it. */
	char named[96];
	str_copy_utf8(named, sizeof named, u->filename && *u->filename ? u->filename : "файл");
	struct upload_run run = {
		.file = named, .procedure = web_str(r, "procedure"), .data = u->data, .len = u->size,
		.dry_run = web_flag(r, "dry_run"), .strict = web_flag(r, "strict"),
	};
	return run_upload(r, w, &run);
}

/* The uploader's answer to a pending upload: replace, create the (corrected) procedure, or
 * drop it. */
int page_upload_confirm(struct web_req *r, struct web_res *w)
{
	const char *decision = web_str(r, "decision");
	long long pid = web_int(r, "pending");
	if (!decision || pid <= 0)
		return ERR_INVALID;
	char file[96], proc[40];
	void *data = NULL;
	size_t len = 0;
	int rc = pending_get(r->db, pid, r->user.id, r->now, file, sizeof file, proc, sizeof proc, &data, &len);
	if (rc)
		return rc == ERR_NOTFOUND ? ERR_NOTFOUND : rc;
	if (!strcmp(decision, "cancel")) {
		pending_delete(r->db, pid);
		html_begin(r, w, "Загрузка результатов");
		buf_puts(&w->body, "<h1>Загрузка результатов</h1><p class=\"notice\" role=\"status\">Файл не "
				   "загружен: ничего не изменено.</p>");
		form(r, &w->body);
		html_end(r, w);
		goto out;
	}
	if (!strcmp(decision, "create")) {
		/* The procedure as the uploader checked (and maybe corrected) it. */
		char msg[256] = "";
		const char *pos = web_str(r, "positions"), *scale = web_str(r, "scale");
		struct procedure p;
		memset(&p, 0, sizeof p);
		if (!may_create_procedures(r)) {
			rc = ERR_PERM;
			goto out;
		}
		if (!*proc || procedure_code_parse(proc, &p, msg, sizeof msg) ||
		    procedure_positions_parse(pos ? pos : "", &p, msg, sizeof msg) || !p.npos ||
		    (scale && *scale && procedure_scale_parse(scale, &p, msg, sizeof msg))) {
			w->status = 400;
			html_begin(r, w, "Загрузка результатов");
			buf_puts(&w->body, "<h1>Загрузка результатов</h1><p class=\"alert\" role=\"alert\">Процедура не "
					   "создана: ");
			html_text(&w->body, *msg ? msg : "не указано ни одной позиции");
			buf_puts(&w->body, ". Вернитесь назад и исправьте описание.</p>");
			html_end(r, w);
			goto out;
		}
		char who[160];
		snprintf(who, sizeof who, "по файлу «%.60s»: предложено oko, проверено и создано ", file);
		snprintf(p.source, sizeof p.source, "%sпользователем %.40s", who, r->user.login);
		if (!(rc = db_begin(r->db))) {
			if ((rc = procedure_put(r->db, &p, msg, sizeof msg)) || (rc = db_commit(r->db)))
				db_rollback(r->db);
		}
		if (rc) {
			w->status = 400;
			html_begin(r, w, "Загрузка результатов");
			buf_puts(&w->body, "<h1>Загрузка результатов</h1><p class=\"alert\" role=\"alert\">Процедура не "
					   "создана: ");
			html_text(&w->body, *msg ? msg : err_str(rc));
			buf_puts(&w->body, "</p>");
			html_end(r, w);
			rc = 0;
			goto out;
		}
		audit_add(r->db, &r->user, NULL, "procedure_add", p.code, p.source, r->ip);
	} else if (strcmp(decision, "replace")) {
		rc = ERR_INVALID;
		goto out;
	}
	struct upload_run run = { .file = file, .procedure = *proc ? proc : NULL, .data = data, .len = len,
				  .confirmed = true };
	pending_delete(r->db, pid);
	rc = run_upload(r, w, &run);
out:
	free(data);
	return rc;
}
