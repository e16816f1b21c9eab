/* procedures: assessment procedures created and edited in the browser, and their KIM
 * descriptions imported (model/procedure.h, import/import.h).
 *
 *   GET  /procedures                 region/admin: every procedure, a form for a new one and
 *                                    the KIM import (a new or known procedure)
 *   GET  /procedures/{procedure}     region/admin: one procedure's positions and scale to edit,
 *                                    and its KIM import
 *   POST /procedures                 create (refused when the procedure exists)
 *   POST /procedures/{procedure}     edit the positions and the mark scale
 *   POST /procedures/kim             import a KIM description (import_kim) with a scale
 *
 * Every store goes through procedure_put (one transaction), which refuses changing the
 * positions of a procedure with results and says why; nothing is stored while anything is
 * wrong. Positions are typed one a line: «номер максимум уровень» («1К1 4 Б»). Each form
 * may carry a return address (a local path such as /plan?campaign=3): after a store the
 * browser goes back there, so the plan-graph page can send the user here to create a
 * procedure and get it back in its list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "import/import.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "web/metrics.h"
#include "web/web.h"

/* A return address we may send the browser to: a path of this site. */
static const char *return_to(const struct web_req *r)
{
	const char *s = web_str(r, "return");
	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\' || strpbrk(s, "\r\n\\"))
		return NULL;
	return s;
}

static void hidden_return(const struct web_req *r, struct buf *b)
{
	const char *ret = return_to(r);
	if (!ret)
		return;
	buf_puts(b, "<input type=\"hidden\" name=\"return\" value=\"");
	html_attr(b, ret);
	buf_puts(b, "\">");
}

/* «ВПР, математика, 4 класс, 2021». */
static void title(struct buf *b, const char *code, const char *subject, int grade, int year)
{
	char t[160];
	procedure_title_of(code, subject, grade, t, sizeof t);
	html_textf(b, "%s, %d", t, year);
}

static void kind_subject_fields(struct buf *b, const char *kind, int year, const char *subject, int grade)
{
	buf_puts(b, "<label>Вид <select name=\"kind\" required>");
	for (int i = 0; procedure_kinds[i]; i++) {
		html_printf(b, "<option value=\"%s\"%s>", procedure_kinds[i],
			    kind && !strcmp(kind, procedure_kinds[i]) ? " selected" : "");
		html_text(b, procedure_kind_name(procedure_kinds[i]));
		buf_puts(b, "</option>");
	}
	html_printf(b, "</select></label><label>Год <input name=\"year\" type=\"number\" min=\"2000\" "
		       "max=\"2100\" required value=\"%d\"></label><label>Предмет <select name=\"subject\" "
		       "required>", year);
	for (int i = 0; procedure_subjects[i]; i++) {
		html_printf(b, "<option value=\"%s\"%s>", procedure_subjects[i],
			    subject && !strcmp(subject, procedure_subjects[i]) ? " selected" : "");
		html_text(b, procedure_subject_title(procedure_subjects[i]));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>Класс <select name=\"grade\" required>");
	for (int g = 1; g <= 11; g++)
		html_printf(b, "<option%s>%d</option>", g == grade ? " selected" : "", g);
	buf_puts(b, "</select></label>");
}

/* The mark scale: the least primary score of the marks 3, 4, 5 (empty: no scale). */
static void scale_fields(struct buf *b, const struct procedure *p, const char *note)
{
	static const char *const names[] = { "scale3", "scale4", "scale5" };
	for (int i = 0; i < 3; i++) {
		html_printf(b, "<label>Отметка «%d» — от баллов <input name=\"%s\" type=\"number\" min=\"0\" max=\"%d\" "
			       "inputmode=\"numeric\" size=\"4\"", i + 3, names[i], PROC_MAX_POSITIONS * PROC_MAX_POINTS);
		if (p && p->has_scale)
			html_printf(b, " value=\"%d\"", p->scale[i]);
		buf_puts(b, "></label>");
	}
	if (note) {
		buf_puts(b, "<p class=\"muted\">");
		html_text(b, note);
		buf_puts(b, "</p>");
	}
}

static void positions_field(struct buf *b, const struct procedure *p, const char *typed)
{
	buf_puts(b, "<label class=\"wide\">Позиции — по одной в строке: номер задания, максимальный "
		    "балл и уровень сложности (Б, П или В; можно не указывать), например «1К1 4 Б»"
		    "<textarea name=\"positions\" rows=\"10\" cols=\"30\" required spellcheck=\"false\">");
	if (typed)
		html_text(b, typed);
	else if (p)
		for (int i = 0; i < p->npos; i++)
			html_textf(b, "%s %d%s%s\n", p->pos[i].label, p->pos[i].max, p->pos[i].level[0] ? " " : "",
				   p->pos[i].level);
	buf_puts(b, "</textarea></label>");
}

static void kim_form(struct web_req *r, struct buf *b, const struct procedure *p)
{
	buf_puts(b, "<section class=\"card\"><h2>Загрузить описание КИМ</h2><p class=\"muted\">Файл "
		    "XLSX или CSV с колонками «№ КИМ», «Максимальный балл» и (можно без неё) «Уровень "
		    "сложности», как в описаниях ФИОКО. Он задаёт позиции процедуры");
	buf_puts(b, p ? "" : " и создаёт её, если её ещё нет");
	buf_puts(b, "; шкала, если её не указать, остаётся прежней. Если в файле есть ошибки, не "
		    "сохраняется ничего.</p><form method=\"post\" action=\"/procedures/kim\" "
		    "enctype=\"multipart/form-data\" class=\"grid\">");
	html_csrf(r, b);
	hidden_return(r, b);
	if (p)
		html_printf(b, "<input type=\"hidden\" name=\"kind\" value=\"%s\"><input type=\"hidden\" "
			       "name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"subject\" value=\"%s\">"
			       "<input type=\"hidden\" name=\"grade\" value=\"%d\">", p->kind, p->year, p->subject,
			    p->grade);
	else
		kind_subject_fields(b, "VPR", 2021, "RU", 4);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required accept=\".xlsx,.csv\"></label>");
	scale_fields(b, NULL, NULL);
	buf_puts(b, "<button>Загрузить</button></form></section>");
}

/* The list of procedures. */
static int list_row(void *ctx, const struct procedure_item *x)
{
	struct buf *b = ctx;
	char n[RU_NUM_MAX];
	buf_puts(b, "<tr><td><a href=\"/procedures/");
	html_url(b, x->code);
	buf_puts(b, "\" title=\"");
	html_attr(b, x->code);
	buf_puts(b, "\">");
	title(b, x->code, x->subject, x->grade, x->year);
	html_printf(b, "</a></td><td class=\"num\">%s</td><td class=\"num\">", ru_int(n, sizeof n, x->npos));
	if (x->npos)
		html_text(b, ru_int(n, sizeof n, x->max_score));
	else
		buf_puts(b, "—");
	buf_puts(b, "</td><td>");
	if (x->has_scale)
		html_printf(b, "«3» от %d, «4» от %d, «5» от %d", x->scale[0], x->scale[1], x->scale[2]);
	else
		buf_puts(b, "нет");
	buf_puts(b, "</td></tr>");
	return 0;
}

static void flash(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

static void problems(struct buf *b, const struct diag_list *d)
{
	buf_puts(b, "<div class=\"scroll\"><table class=\"problems\"><thead><tr><th>Лист</th><th>Строка</th>"
		    "<th>Столбец</th><th>Значение</th><th>Что не так</th></tr></thead><tbody>");
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		buf_puts(b, "<tr><td>");
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
	buf_puts(b, "</tbody></table></div>");
	if (d->dropped) {
		buf_puts(b, "<p>… и ещё ");
		html_count(b, (long)d->dropped, "сообщение", "сообщения", "сообщений");
		buf_puts(b, ".</p>");
	}
}

/* The list page, with a message (and the problems of a refused KIM, and what was typed
 * into the new procedure's form when it was refused). */
struct outcome {
	const char *msg;
	bool ok;
	const struct diag_list *diags;
	const struct procedure *typed;   /* the refused new procedure's fields */
	const char *typed_positions;
};

static int render_list(struct web_req *r, struct web_res *w, const struct outcome *o)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Процедуры");
	buf_puts(b, "<h1>Процедуры</h1><p class=\"lead\">Оценочные процедуры региона: позиции (задания) "
		    "с максимальными баллами и уровнями, шкала отметок. По ним проверяются загрузки "
		    "результатов и строятся отчёты.</p>");
	if (o && o->msg)
		flash(b, o->ok, o->msg);
	if (o && o->diags && o->diags->n)
		problems(b, o->diags);
	if (return_to(r)) {
		buf_puts(b, "<p><a href=\"");
		html_attr(b, return_to(r));
		buf_puts(b, "\">← Вернуться без изменений</a></p>");
	}
	const struct procedure *t = o ? o->typed : NULL;
	buf_puts(b, "<section class=\"card\"><h2>Новая процедура</h2><form method=\"post\" "
		    "action=\"/procedures\" class=\"grid\">");
	html_csrf(r, b);
	hidden_return(r, b);
	kind_subject_fields(b, t ? t->kind : "VPR", t ? t->year : 2021, t ? t->subject : "RU", t ? t->grade : 4);
	positions_field(b, NULL, o ? o->typed_positions : NULL);
	scale_fields(b, t, "Без шкалы отметки не вычисляются; её можно задать позже.");
	buf_puts(b, "<button>Создать процедуру</button></form></section>");
	kim_form(r, b, NULL);
	buf_puts(b, "<section class=\"card\"><h2>Все процедуры</h2><div class=\"scroll\"><table><thead><tr>"
		    "<th>Процедура</th><th>Позиций</th><th>Макс. балл</th><th>Шкала отметок</th></tr></thead>"
		    "<tbody>");
	procedure_each(r->db, list_row, b);
	buf_puts(b, "</tbody></table></div></section>");
	html_end(r, w);
	return 0;
}

static int render_edit(struct web_req *r, struct web_res *w, const struct procedure *p, const struct outcome *o)
{
	struct buf *b = &w->body;
	char t[160];
	procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
	html_begin(r, w, t);
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/procedures\">Процедуры</a></p><h1 title=\"");
	html_attr(b, p->code);
	buf_puts(b, "\">");
	title(b, p->code, p->subject, p->grade, p->year);
	buf_puts(b, "</h1>");
	if (p->source[0]) {
		buf_puts(b, "<p class=\"muted\">Откуда описание: ");
		html_text(b, p->source);
		buf_puts(b, ".</p>");
	}
	if (o && o->msg)
		flash(b, o->ok, o->msg);
	if (o && o->diags && o->diags->n)
		problems(b, o->diags);
	buf_puts(b, "<section class=\"card\"><h2>Позиции и шкала</h2><p class=\"muted\">Когда результаты "
		    "процедуры уже загружены, число позиций и их максимальные баллы изменить нельзя: по ним "
		    "записаны баллы участников. Уровни и шкалу отметок менять можно.</p><form method=\"post\" "
		    "action=\"/procedures/");
	html_url(b, p->code);
	buf_puts(b, "\" class=\"grid\">");
	html_csrf(r, b);
	hidden_return(r, b);
	positions_field(b, p, o ? o->typed_positions : NULL);
	scale_fields(b, o && o->typed ? o->typed : p, "Пустые поля — шкалы нет.");
	buf_puts(b, "<button>Сохранить</button></form></section>");
	kim_form(r, b, p);
	html_end(r, w);
	return 0;
}

int page_procedures(struct web_req *r, struct web_res *w)
{
	return render_list(r, w, NULL);
}

int page_procedure(struct web_req *r, struct web_res *w)
{
	struct procedure *p = arena_alloc(r->a, sizeof *p);
	if (procedure_get(r->db, web_str(r, "procedure"), p))
		return ERR_NOTFOUND;
	return render_edit(r, w, p, NULL);
}

/* Reads the typed positions into p (one a line: label, maximum, level), with the line of
 * the first problem in msg. */
static int parse_positions(const char *text, struct procedure *p, char *msg, size_t msglen)
{
	p->npos = 0;
	p->max_score = 0;
	int line = 0;
	const char *s = text ? text : "";
	while (*s) {
		const char *e = s + strcspn(s, "\n");
		char row[256];
		size_t len = (size_t)(e - s);
		line++;
		if (len >= sizeof row) {
			snprintf(msg, msglen, "строка %d позиций слишком длинная", line);
			return ERR_INVALID;
		}
		memcpy(row, s, len);
		row[len] = '\0';
		s = *e ? e + 1 : e;
		char *tok[4] = { 0 };
		int nt = 0;
		for (char *c = row; *c && nt < 4;) {
			c += strspn(c, " \t\r;");
			if (!*c)
				break;
			tok[nt++] = c;
			c += strcspn(c, " \t\r;");
			if (*c)
				*c++ = '\0';
		}
		if (!nt)
			continue; /* an empty line */
		if (nt < 2 || nt > 3) {
			snprintf(msg, msglen, "строка %d позиций: нужны номер задания, максимальный балл и, "
				 "если известен, уровень — «1К1 4 Б»", line);
			return ERR_INVALID;
		}
		char *end;
		long max = strtol(tok[1], &end, 10);
		if (*end || end == tok[1] || max < 1 || max > PROC_MAX_POINTS) {
			snprintf(msg, msglen, "строка %d позиций: максимальный балл «%s» — не целое число от 1 до %d",
				 line, tok[1], PROC_MAX_POINTS);
			return ERR_INVALID;
		}
		const char *level = "";
		if (nt == 3 && !(level = procedure_level_canonical(tok[2]))) {
			snprintf(msg, msglen, "строка %d позиций: уровень «%s» — не Б, П или В", line, tok[2]);
			return ERR_INVALID;
		}
		if (strlen(tok[0]) >= sizeof p->pos[0].label) {
			snprintf(msg, msglen, "строка %d позиций: номер задания «%s» слишком длинный", line, tok[0]);
			return ERR_INVALID;
		}
		int rc = procedure_add_position(p, tok[0], (int)max, level);
		if (rc == ERR_EXISTS) {
			snprintf(msg, msglen, "строка %d позиций: задание «%s» уже есть выше", line, tok[0]);
			return ERR_INVALID;
		}
		if (rc) {
			snprintf(msg, msglen, "позиций больше %d", PROC_MAX_POSITIONS);
			return ERR_INVALID;
		}
		p->max_score += (int)max;
	}
	if (!p->npos) {
		snprintf(msg, msglen, "укажите хотя бы одну позицию");
		return ERR_INVALID;
	}
	return 0;
}

/* The scale of the three fields into spec "a/b/c" ("" when all are empty); ERR_INVALID
 * when only some are given. */
static int scale_spec(struct web_req *r, char *spec, size_t n, char *msg, size_t msglen)
{
	static const char *const names[] = { "scale3", "scale4", "scale5" };
	int given = 0;
	for (int i = 0; i < 3; i++) {
		const char *v = web_str(r, names[i]);
		given += v && *v;
	}
	spec[0] = '\0';
	if (!given)
		return 0;
	if (given < 3) {
		snprintf(msg, msglen, "шкала отметок: укажите наименьший балл для всех трёх отметок "
			 "или не указывайте ни одного");
		return ERR_INVALID;
	}
	snprintf(spec, n, "%lld/%lld/%lld", (long long)web_int(r, "scale3"), (long long)web_int(r, "scale4"),
		 (long long)web_int(r, "scale5"));
	return 0;
}

/* KIND-YEAR-SUBJECT-GRADE from the form's fields, parsed into p. */
static int code_of(struct web_req *r, struct procedure *p, char *msg, size_t msglen)
{
	const char *kind = web_str(r, "kind"), *subject = web_str(r, "subject");
	char code[64];
	if (!kind || !*kind || !subject || !*subject) {
		snprintf(msg, msglen, "укажите вид процедуры и предмет");
		return ERR_INVALID;
	}
	snprintf(code, sizeof code, "%s-%lld-%s-%lld", kind, (long long)web_int(r, "year"), subject,
		 (long long)web_int(r, "grade"));
	return procedure_code_parse(code, p, msg, msglen);
}

/* Stores p in one transaction (procedure_put says why it refuses). */
static int store(struct web_req *r, struct procedure *p, const char *action, char *msg, size_t msglen)
{
	int rc = db_begin(r->db);
	if (rc) {
		snprintf(msg, msglen, "база данных занята: повторите через минуту");
		return rc;
	}
	if ((rc = procedure_put(r->db, p, msg, msglen))) {
		db_rollback(r->db);
		return rc;
	}
	if ((rc = db_commit(r->db))) {
		db_rollback(r->db);
		snprintf(msg, msglen, "база данных занята: повторите через минуту");
		return rc;
	}
	audit_add(r->db, &r->user, NULL, action, p->code, NULL, r->ip);
	return 0;
}

/* After a store: back to the return address, or the procedure's page with the message. */
static int stored(struct web_req *r, struct web_res *w, struct procedure *p, const char *text)
{
	const char *ret = return_to(r);
	if (ret) {
		web_redirect(w, ret);
		return 0;
	}
	struct procedure *q = arena_alloc(r->a, sizeof *q);
	if (procedure_get(r->db, p->code, q))
		return ERR_NOTFOUND;
	return render_edit(r, w, q, &(struct outcome){ .msg = text, .ok = true });
}

int page_procedures_create(struct web_req *r, struct web_res *w)
{
	struct procedure *p = arena_alloc(r->a, sizeof *p);
	struct procedure old;
	char msg[512] = "", spec[64];
	memset(p, 0, sizeof *p);
	const char *typed = web_str(r, "positions");
	int rc = code_of(r, p, msg, sizeof msg);
	if (!rc && procedure_get(r->db, p->code, &old) == 0) {
		char t[160];
		procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
		snprintf(msg, sizeof msg, "Процедура «%s, %d» уже есть: измените её на её странице.", t, p->year);
		rc = ERR_EXISTS;
	}
	if (!rc)
		rc = parse_positions(typed, p, msg, sizeof msg);
	if (!rc && !(rc = scale_spec(r, spec, sizeof spec, msg, sizeof msg)) && *spec)
		rc = procedure_scale_parse(spec, p, msg, sizeof msg);
	if (!rc && !(rc = procedure_validate(p, msg, sizeof msg))) {
		snprintf(p->source, sizeof p->source, "введено на странице «Процедуры» (%s)", r->user.login);
		rc = store(r, p, "procedure_create", msg, sizeof msg);
	}
	if (rc) {
		w->status = rc == ERR_EXISTS ? 409 : 400;
		return render_list(r, w, &(struct outcome){ .msg = arena_printf(r->a, "Процедура не создана: %s", msg),
							     .typed = p, .typed_positions = typed });
	}
	return stored(r, w, p, "Процедура создана.");
}

/* Where the description comes from after an edit on this page: the stored origin — without
 * its «шкалы отметок нет» once there is a scale, and without an earlier edit's date — then
 * the edit's date. */
static void edited_source(const struct procedure *old, struct procedure *p)
{
	static const char *const drops[] = { "; изменено вручную", "изменено вручную" };
	char src[sizeof p->source], day[PLAN_DATE_LEN], ru[32];
	snprintf(src, sizeof src, "%s", old->source);
	for (size_t i = 0; i < sizeof drops / sizeof *drops; i++) {
		char *at = strstr(src, drops[i]);
		if (at)
			*at = '\0';
	}
	char *none = strstr(src, "; шкалы отметок нет");
	if (p->has_scale && none)
		memmove(none, none + strlen("; шкалы отметок нет"), strlen(none + strlen("; шкалы отметок нет")) + 1);
	plan_date_of(plan_now(), day); /* the clock tests inject (model/plan.h) */
	char head[200]; /* room for the date after it; cut at a letter, never inside one */
	str_copy_utf8(head, sizeof head, src);
	snprintf(p->source, sizeof p->source, "%s%sизменено вручную %s", head, head[0] ? "; " : "",
		 ru_date(ru, sizeof ru, day));
}

int page_procedure_update(struct web_req *r, struct web_res *w)
{
	struct procedure *p = arena_alloc(r->a, sizeof *p), *old = arena_alloc(r->a, sizeof *old);
	char msg[512] = "", spec[64];
	if (procedure_get(r->db, web_str(r, "procedure"), old))
		return ERR_NOTFOUND;
	*p = *old;
	p->source[0] = '\0'; /* keep the stored one */
	p->has_scale = false;
	const char *typed = web_str(r, "positions");
	int rc = parse_positions(typed, p, msg, sizeof msg);
	if (!rc && !(rc = scale_spec(r, spec, sizeof spec, msg, sizeof msg)) && *spec)
		rc = procedure_scale_parse(spec, p, msg, sizeof msg);
	if (!rc)
		edited_source(old, p);
	if (!rc && !(rc = procedure_validate(p, msg, sizeof msg)))
		rc = store(r, p, "procedure_edit", msg, sizeof msg);
	if (rc) {
		w->status = 400;
		struct procedure *t = arena_alloc(r->a, sizeof *t);
		*t = *old;
		t->has_scale = *spec != '\0';
		if (t->has_scale)
			for (int i = 0; i < 3; i++)
				t->scale[i] = (int)web_int(r, i == 0 ? "scale3" : i == 1 ? "scale4" : "scale5");
		return render_edit(r, w, old, &(struct outcome){ .msg = arena_printf(r->a, "Не сохранено: %s", msg),
								   .typed = t, .typed_positions = typed });
	}
	return stored(r, w, p, "Сохранено.");
}

int page_procedures_kim(struct web_req *r, struct web_res *w)
{
	struct procedure *p = arena_alloc(r->a, sizeof *p);
	char msg[512] = "", spec[64] = "";
	struct diag_list d;
	struct import_stats st;
	diag_init(&d, 200);
	memset(p, 0, sizeof *p);
	int rc = code_of(r, p, msg, sizeof msg);
	if (!rc && (!r->upload.data || !r->upload.size || r->upload.too_large)) {
		snprintf(msg, sizeof msg, "выберите файл описания КИМ (XLSX или CSV, до 64 МБ)");
		rc = ERR_INVALID;
	}
	if (!rc)
		rc = scale_spec(r, spec, sizeof spec, msg, sizeof msg);
	if (!rc) {
		struct import_opts o = { .procedure = p->code, .scale = spec, .data = r->upload.data,
					 .len = r->upload.size,
					 .name = r->upload.filename && *r->upload.filename ? r->upload.filename : "КИМ" };
		rc = import_kim(r->db, o.name, &o, &d, &st);
		metrics_upload(METRICS_KIM, rc, o.dry_run, st.rows);
		if (rc && !*msg)
			snprintf(msg, sizeof msg, "в файле есть ошибки, ничего не сохранено");
	}
	audit_add(r->db, &r->user, NULL, rc ? "procedure_kim_refused" : "procedure_kim", p->code,
		  r->upload.filename, r->ip);
	struct procedure *q = arena_alloc(r->a, sizeof *q);
	bool known = procedure_get(r->db, p->code, q) == 0;
	int out;
	if (rc) {
		w->status = 400;
		struct outcome oc = { .msg = arena_printf(r->a, "Описание КИМ не загружено: %s.", msg), .diags = &d };
		out = known ? render_edit(r, w, q, &oc) : render_list(r, w, &oc);
	} else {
		char t[160], n1[RU_NUM_MAX], n2[RU_NUM_MAX];
		procedure_title_of(q->code, q->subject, q->grade, t, sizeof t);
		const char *text = arena_printf(r->a, "Описание КИМ загружено: %s, %d — %s %s, максимальный балл %s.",
						t, q->year, ru_int(n1, sizeof n1, q->npos),
						str_plural(q->npos, "позиция", "позиции", "позиций"),
						ru_int(n2, sizeof n2, q->max_score));
		out = return_to(r) ? (web_redirect(w, return_to(r)), 0)
				   : render_edit(r, w, q, &(struct outcome){ .msg = text, .ok = true });
	}
	diag_free(&d);
	return out;
}
