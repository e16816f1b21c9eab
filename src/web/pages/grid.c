/* grid: the school coordinator enters results on a page instead of the XLSX form.
 *
 *   GET  /grid                              the school's procedures: form and grid links
 *   GET  /grid/{procedure}[?class=4А]       one row per participant code of the grade
 *   POST /grid/{procedure}                  save: validated here, stored by import_results
 *   GET  /grid/{procedure}/form.xlsx        the ФИС ОКО results form (report/form.h)
 *
 * The rows come from report/form (codes of the grade's pupils and stored results; no
 * names). Each cell is a plain input, so the page works without JavaScript: the POST
 * carries the cells in document order under repeated keys (code, k, v, p…, g, j per row)
 * and is checked here by the rules below; static/grid.js applies the same rules while
 * typing and adds keyboard navigation. A valid grid becomes a canonical CSV, in memory, of
 * the rows posted and nothing else, stored by import_results() with only_school and merge
 * set: each posted row replaces that participant's stored result (a row emptied clears
 * it) and every other result of the school stays as it is in the database at the moment
 * of the store, under the write lock. Two coordinators saving two classes at once
 * therefore both keep their rows. The policy of docs/import.md applies unchanged; the
 * save is one transaction with its audit row, recorded in the upload history as «сетка
 * ввода». The school is always the session's, never taken from the request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/str.h"
#include "import/import.h"
#include "io/csv.h"
#include "model/plan.h"
#include "model/pupil.h"
#include "model/result.h"
#include "report/form.h"
#include "web/web.h"

#define GRID_NAME "сетка ввода"

/* One row of the page as typed (or as stored), with its problems. */
struct grow {
	const char *code;
	const char *k, *v, *g, *j;      /* class, variant, gender, journal mark */
	const char *p[PROC_MAX_POSITIONS];
	const char *ek, *ev, *eg, *ej;  /* problems of those cells, NULL when fine */
	const char *ep[PROC_MAX_POSITIONS];
	bool shown;                     /* on the page (posted, or in the class shown) */
	bool posted;                    /* in the POST being saved */
	bool blank;                     /* nothing entered: not stored */
};

static bool eq_fold(const char *a, const char *b)
{
	return str_fold_eq(a, b);
}

static bool is_x(const char *s)
{
	return str_is_x(s, strlen(s));
}

static bool int_in(const char *s, long lo, long hi, long *out)
{
	long v;
	if (!*s || str_to_int(s, strlen(s), &v) || v < lo || v > hi)
		return false;
	if (out)
		*out = v;
	return true;
}

static const char *trim_dup(struct arena *a, const char *s)
{
	if (!s)
		return "";
	size_t n = str_trim(&s, strlen(s));
	return arena_strndup(a, s, n);
}

/* The rules of the grid (the same in static/grid.js). Returns true when the row is fine. */
static bool check_row(struct web_req *r, const struct procedure *p, struct grow *g)
{
	bool ok = true;
	int grade;
	char cn[PUPIL_CLASS_MAX];
	if (*g->k && !eq_fold(g->k, "нет")) {
		if (pupil_class_norm(g->k, cn, &grade)) {
			g->ek = "не похоже на класс (например 4А)";
		} else if (grade != p->grade) {
			g->ek = arena_printf(r->a, "класс другой параллели: нужен %d-й", p->grade);
		} else {
			g->k = arena_strdup(r->a, cn);
		}
	}
	bool any = *g->v || *g->g || *g->j;
	int filled = 0;
	for (int i = 0; i < p->npos; i++) {
		const char *s = g->p[i];
		if (!*s)
			continue;
		filled++;
		if (is_x(s))
			g->p[i] = "X";
		else if (!eq_fold(s, "не пройд.") && !int_in(s, 0, p->pos[i].max, NULL))
			g->ep[i] = arena_printf(r->a, "нужно целое от 0 до %d или X", p->pos[i].max);
	}
	g->blank = !any && !filled;
	if (g->blank)
		return !g->ek;
	bool absent = eq_fold(g->v, "отсутствовал") || eq_fold(g->v, "н");
	if (absent) {
		g->v = "отсутствовал";
		if (filled)
			g->ev = "у отсутствовавшего не должно быть баллов";
	} else if (!*g->v) {
		g->ev = "укажите вариант или «отсутствовал»";
	} else if (!int_in(g->v, 1, 99, NULL)) {
		g->ev = "вариант — номер от 1 до 99 или «отсутствовал»";
	} else {
		for (int i = 0; i < p->npos; i++)
			if (!*g->p[i])
				g->ep[i] = "заполните: балл или X";
	}
	if (*g->g) {
		if (eq_fold(g->g, "м"))
			g->g = "м";
		else if (eq_fold(g->g, "ж"))
			g->g = "ж";
		else
			g->eg = "м или ж";
	}
	if (*g->j && !int_in(g->j, 2, 5, NULL))
		g->ej = "отметка от 2 до 5";
	ok = !g->ek && !g->ev && !g->eg && !g->ej;
	for (int i = 0; i < p->npos && ok; i++)
		ok = !g->ep[i];
	return ok;
}

/* A stored (or empty) row as the grid shows it. */
static void from_form(struct web_req *r, const struct procedure *p, const struct form_row *f,
		      struct grow *g)
{
	memset(g, 0, sizeof *g);
	g->code = f->code;
	g->k = f->class_name;
	g->v = !f->stored ? "" : f->absent ? "отсутствовал" : f->variant ? arena_printf(r->a, "%d", f->variant) : "";
	g->g = f->gender;
	g->j = f->journal_mark ? arena_printf(r->a, "%d", f->journal_mark) : "";
	for (int i = 0; i < p->npos; i++) {
		uint8_t b = f->scores[i];
		g->p[i] = !f->stored || f->absent || b == SCORE_EMPTY ? ""
			  : b == SCORE_X ? "X" : b == SCORE_NOT_TAUGHT ? "не пройд." : arena_printf(r->a, "%u", b);
	}
	g->blank = !f->stored;
}

/* ---- rendering ---- */

static void cell_input(struct buf *b, const char *name, const char *value, const char *err,
		       const char *kind, int max, int col, const char *label)
{
	html_printf(b, "<td%s><input name=\"%s\" data-kind=\"%s\" data-col=\"%d\"", err ? " class=\"bad\"" : "",
		    name, kind, col);
	if (max >= 0)
		html_printf(b, " data-max=\"%d\" inputmode=\"numeric\"", max);
	buf_puts(b, " autocomplete=\"off\" aria-label=\"");
	html_attr(b, label);
	buf_puts(b, "\" value=\"");
	html_attr(b, value);
	buf_puts(b, "\"");
	if (err) {
		buf_puts(b, " aria-invalid=\"true\" title=\"");
		html_attr(b, err);
		buf_puts(b, "\"");
	}
	buf_puts(b, "><small class=\"cell-err\">");
	if (err)
		html_text(b, err);
	buf_puts(b, "</small></td>");
}

static void row_total(const struct procedure *p, const struct grow *g, int *total, int *mark)
{
	int sum = 0;
	bool all = true;
	long v;
	for (int i = 0; i < p->npos; i++) {
		if (int_in(g->p[i], 0, PROC_MAX_POINTS, &v))
			sum += (int)v;
		else if (!*g->p[i])
			all = false;
	}
	*total = sum;
	*mark = all && p->npos && !g->blank && int_in(g->v, 1, 99, NULL) ? procedure_mark(p, sum) : 0;
}

static void render_grid(struct web_req *r, struct web_res *w, const struct form_data *fd,
			struct grow *rows, const char *cls, const char *flash, bool ok,
			const struct diag_list *dl)
{
	struct buf *b = &w->body;
	const struct procedure *p = &fd->p;
	html_begin(r, w, "Ввод результатов");
	buf_puts(b, "<h1>");
	html_textf(b, "Ввод результатов: %s", p->code);
	buf_puts(b, "</h1>");
	if (flash) {
		buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
		html_text(b, flash);
		buf_puts(b, "</p>");
	}
	if (dl && dl->n) {
		buf_puts(b, "<ul class=\"problems\">");
		for (size_t i = 0; i < dl->n; i++) {
			buf_puts(b, "<li>");
			if (dl->v[i].value && *dl->v[i].value)
				html_textf(b, "«%s»: ", dl->v[i].value);
			html_text(b, dl->v[i].msg);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>");
	}
	buf_puts(b, "<section class=\"card\"><p>Одна строка — один код участника; ФИО здесь нет. "
		    "Вариант — номер или «отсутствовал»; баллы — целое от 0 до максимума позиции "
		    "(в заголовке) или X, если участник не приступал. Пустые строки не сохраняются. "
		    "Сохранение проверяет всю таблицу и записывает её целиком или не записывает совсем.</p><p>");
	buf_puts(b, "<a href=\"/grid/");
	html_url(b, p->code);
	buf_puts(b, "/form.xlsx\">Скачать форму сбора результатов (XLSX)</a> · "
		    "<a href=\"/upload\">Загрузить заполненную форму</a></p>");
	if (fd->nclasses > 1) {
		buf_puts(b, "<p class=\"classes\">Классы: ");
		buf_puts(b, "<a href=\"/grid/");
		html_url(b, p->code);
		html_printf(b, "\"%s>все</a>", cls && *cls ? "" : " aria-current=\"page\"");
		for (size_t i = 0; i < fd->nclasses; i++) {
			buf_puts(b, " · <a href=\"/grid/");
			html_url(b, p->code);
			buf_puts(b, "?class=");
			html_url(b, fd->classes[i]);
			html_printf(b, "\"%s>", cls && !strcmp(cls, fd->classes[i]) ? " aria-current=\"page\"" : "");
			html_text(b, fd->classes[i]);
			buf_puts(b, "</a>");
		}
		buf_puts(b, "</p>");
	}
	buf_puts(b, "</section>");
	if (!fd->n) {
		buf_puts(b, "<section class=\"card\"><p>Кодов участников этой параллели пока нет: выдайте коды "
			    "на странице «<a href=\"/pupils\">Ученики и коды</a>».</p></section>");
		html_end(r, w);
		return;
	}
	buf_puts(b, "<form method=\"post\" class=\"entry\" action=\"/grid/");
	html_url(b, p->code);
	buf_puts(b, "\" novalidate>");
	html_csrf(r, b);
	if (cls && *cls) {
		buf_puts(b, "<input type=\"hidden\" name=\"class\" value=\"");
		html_attr(b, cls);
		buf_puts(b, "\">");
	}
	buf_puts(b, "<div class=\"entry-wrap\"><table class=\"entry\"");
	html_printf(b, " data-grade=\"%d\"", p->grade);
	if (p->has_scale)
		html_printf(b, " data-scale=\"%d/%d/%d\"", p->scale[0], p->scale[1], p->scale[2]);
	buf_puts(b, "><thead><tr><th>Код</th><th>Класс</th><th>Вариант</th>");
	for (int i = 0; i < p->npos; i++)
	{
		buf_puts(b, "<th class=\"pos\">");
		html_text(b, p->pos[i].label);
		html_printf(b, " <small>(%dб)</small></th>", p->pos[i].max);
	}
	html_printf(b, "<th>Пол</th><th>Отметка по журналу</th><th>Итого <small>(из %d)</small></th>"
		       "<th>Отметка</th></tr></thead><tbody>", p->max_score);
	for (size_t i = 0; i < fd->n; i++) {
		struct grow *g = &rows[i];
		if (!g->shown)
			continue;
		buf_puts(b, "<tr><th class=\"code\" scope=\"row\"><input type=\"hidden\" name=\"code\" value=\"");
		html_attr(b, g->code);
		buf_puts(b, "\">");
		html_text(b, g->code);
		buf_puts(b, "</th>");
		char lab[96];
		snprintf(lab, sizeof lab, "%s: класс", g->code);
		cell_input(b, "k", g->k, g->ek, "k", -1, 0, lab);
		snprintf(lab, sizeof lab, "%s: вариант", g->code);
		cell_input(b, "v", g->v, g->ev, "v", -1, 1, lab);
		for (int j = 0; j < p->npos; j++) {
			snprintf(lab, sizeof lab, "%s: позиция %s", g->code, p->pos[j].label);
			cell_input(b, "p", g->p[j], g->ep[j], "p", p->pos[j].max, 2 + j, lab);
		}
		snprintf(lab, sizeof lab, "%s: пол", g->code);
		cell_input(b, "g", g->g, g->eg, "g", -1, 2 + p->npos, lab);
		snprintf(lab, sizeof lab, "%s: отметка по журналу", g->code);
		cell_input(b, "j", g->j, g->ej, "j", -1, 3 + p->npos, lab);
		int total, mark;
		row_total(p, g, &total, &mark);
		html_printf(b, "<td class=\"num total\"><output>%d</output></td><td class=\"num mark\"><output>", total);
		if (mark)
			html_printf(b, "%d", mark);
		buf_puts(b, "</output></td></tr>");
	}
	buf_puts(b, "</tbody></table></div><p class=\"entry-status\" role=\"status\" aria-live=\"polite\"></p>"
		    "<button>Сохранить</button></form>"
		    "<script src=\"/static/grid.js\" defer></script>");
	html_end(r, w);
}

/* ---- handlers ---- */

static int load(struct web_req *r, struct form_data *fd)
{
	char msg[256];
	const char *code = r->params[0];
	if (!code || !*code)
		return ERR_NOTFOUND;
	int rc = form_load(r->db, r->user.school_id, code, fd, msg, sizeof msg);
	return rc == ERR_NOTFOUND ? ERR_NOTFOUND : rc;
}

static void mark_shown(struct form_data *fd, struct grow *rows, const char *cls)
{
	for (size_t i = 0; i < fd->n; i++)
		rows[i].shown = !cls || !*cls || !strcmp(fd->rows[i].class_name, cls) || !fd->rows[i].class_name[0];
}

/* The class shown: the one asked for when the grade has it; none = all rows. */
static const char *class_arg(struct web_req *r, const struct form_data *fd, const char *v)
{
	if (!v || !*v)
		return NULL;
	for (size_t i = 0; i < fd->nclasses; i++)
		if (!strcmp(fd->classes[i], v))
			return fd->classes[i];
	return NULL;
}

int page_grid(struct web_req *r, struct web_res *w)
{
	struct form_data fd;
	int rc = load(r, &fd);
	if (rc)
		return rc;
	struct grow *rows = arena_alloc(r->a, (fd.n + 1) * sizeof *rows);
	for (size_t i = 0; i < fd.n; i++)
		from_form(r, &fd.p, &fd.rows[i], &rows[i]);
	const char *cls = class_arg(r, &fd, web_query(r, "class"));
	mark_shown(&fd, rows, cls);
	const char *saved = web_query(r, "saved");
	render_grid(r, w, &fd, rows, cls, saved ? "Результаты сохранены. Загрузка записана в историю школы." : NULL,
		    true, NULL);
	form_data_free(&fd);
	return 0;
}

static void csv_cell(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_putc(b, ',');
	csv_put_field(b, s, strlen(s), ',');
}

/* The posted rows as the canonical CSV (formats.md): a blank row is its code alone, which
 * the merge takes as "no result for this participant". */
static void posted_csv(struct buf *b, const struct form_data *fd, const struct grow *rows)
{
	static const char *const head[] = { "school", "procedure", "code", "class", "variant", "gender",
					    "journal_mark", "absent" };
	const struct procedure *p = &fd->p;
	for (size_t i = 0; i < 8; i++)
		csv_cell(b, head[i], i == 0);
	for (int j = 0; j < p->npos; j++)
		csv_cell(b, p->pos[j].label, false);
	buf_puts(b, "\r\n");
	for (size_t i = 0; i < fd->n; i++) {
		const struct grow *g = &rows[i];
		if (!g->posted)
			continue;
		bool absent = !strcmp(g->v, "отсутствовал");
		csv_cell(b, fd->school, true);
		csv_cell(b, p->code, false);
		csv_cell(b, g->code, false);
		if (g->blank) {
			for (int j = 0; j < 5 + p->npos; j++)
				buf_putc(b, ',');
			buf_puts(b, "\r\n");
			continue;
		}
		csv_cell(b, str_fold_eq(g->k, "нет") ? "" : g->k, false);
		csv_cell(b, absent ? "" : g->v, false);
		csv_cell(b, g->g, false);
		csv_cell(b, g->j, false);
		csv_cell(b, absent ? "1" : "0", false);
		for (int j = 0; j < p->npos; j++)
			csv_cell(b, absent ? "" : g->p[j], false);
		buf_puts(b, "\r\n");
	}
}

int page_grid_post(struct web_req *r, struct web_res *w)
{
	struct form_data fd;
	int rc = load(r, &fd);
	if (rc)
		return rc;
	const struct procedure *p = &fd.p;
	struct grow *rows = arena_alloc(r->a, (fd.n + 1) * sizeof *rows);
	for (size_t i = 0; i < fd.n; i++)
		from_form(r, p, &fd.rows[i], &rows[i]);
	const char *cls = class_arg(r, &fd, web_form(r, "class"));
	mark_shown(&fd, rows, cls);
	const char *flash = NULL;
	bool bad = false;
	struct buf csv = BUF_INIT;
	struct diag_list dl;
	diag_init(&dl, 100);

	/* The posted cells, in document order: code, k, v, p × npos, g, j per row. */
	struct grow *g = NULL;
	int np = 0;
	size_t nposted = 0;
	for (int i = 0; i < r->nform && !bad; i++) {
		const char *k = r->form[i].key, *v = trim_dup(r->a, r->form[i].value);
		if (!strcmp(k, "csrf") || !strcmp(k, "class"))
			continue;
		if (!strcmp(k, "code")) {
			if (g && np != p->npos)
				bad = true;
			g = NULL;
			for (size_t x = 0; x < fd.n; x++)
				if (!strcmp(fd.rows[x].code, v))
					g = &rows[x];
			if (!g) {
				bad = true;
				break;
			}
			g->k = g->v = g->g = g->j = "";
			for (int j = 0; j < p->npos; j++)
				g->p[j] = "";
			if (g->posted) {
				bad = true; /* a code twice in one post */
				break;
			}
			g->shown = g->posted = true;
			np = 0;
			nposted++;
			continue;
		}
		if (!g) {
			bad = true;
		} else if (!strcmp(k, "k")) {
			g->k = v;
		} else if (!strcmp(k, "v")) {
			g->v = v;
		} else if (!strcmp(k, "g")) {
			g->g = v;
		} else if (!strcmp(k, "j")) {
			g->j = v;
		} else if (!strcmp(k, "p") && np < p->npos) {
			g->p[np++] = v;
		} else {
			bad = true;
		}
	}
	if (bad || (g && np != p->npos)) {
		form_data_free(&fd);
		diag_free(&dl);
		web_error_page(r, w, 400, "Таблица пришла не целиком или с чужими кодами. Обновите страницу "
					  "и введите данные снова.");
		return 0;
	}
	/* Every row is checked; rows not on the page keep their stored values as they are. */
	long nerr = 0;
	for (size_t i = 0; i < fd.n; i++)
		if (rows[i].shown && !check_row(r, p, &rows[i]))
			nerr++;
	if (nerr) {
		w->status = 400;
		flash = arena_printf(r->a, "Не сохранено: ошибок в строках — %ld. Они отмечены в таблице; "
					   "исправьте и сохраните снова.", nerr);
		render_grid(r, w, &fd, rows, cls, flash, false, NULL);
		goto out;
	}
	posted_csv(&csv, &fd, rows);
	struct import_opts o = { .user = r->user.login, .name = GRID_NAME, .only_school = r->user.school_id,
				 .procedure = p->code, .merge = true, .data = csv.p ? csv.p : "",
				 .len = csv.len, .wait_seconds = web_upload_wait(), .audit_action = "grid_save",
				 .audit_user = &r->user, .audit_ip = r->ip };
	struct import_stats st;
	rc = import_results(r->db, GRID_NAME, &o, &dl, &st);
	if (rc) {
		audit_add(r->db, &r->user, NULL, "grid_refused", p->code, st.summary, r->ip);
		bool busy = rc == ERR_BUSY;
		rc = 0;
		w->status = busy ? 503 : 400;
		render_grid(r, w, &fd, rows, cls,
			    busy ? "Не сохранено: сервер занят другой загрузкой. Данные не изменены; "
				   "нажмите «Сохранить» ещё раз через минуту."
				 : "Не сохранено: проверка при записи нашла ошибки, данные не изменены.",
			    false, &dl);
		goto out;
	}
	struct buf loc = BUF_INIT;
	buf_puts(&loc, "/grid/");
	html_url(&loc, p->code);
	buf_puts(&loc, "?saved=1");
	if (cls) {
		buf_puts(&loc, "&class=");
		html_url(&loc, cls);
	}
	web_redirect(w, arena_strdup(r->a, buf_str(&loc)));
	buf_free(&loc);
out:
	buf_free(&csv);
	diag_free(&dl);
	form_data_free(&fd);
	return rc;
}

int page_grid_form(struct web_req *r, struct web_res *w)
{
	struct form_data fd;
	int rc = load(r, &fd);
	if (rc)
		return rc;
	char path[] = "/tmp/oko-form-XXXXXX", msg[512];
	int fdt = mkstemp(path);
	FILE *f = NULL;
	if (fdt < 0) {
		rc = ERR_IO;
		goto out;
	}
	close(fdt);
	if ((rc = form_write_xlsx(&fd, plan_now(), path, msg, sizeof msg)))
		goto out;
	if (!(f = fopen(path, "rb"))) {
		rc = ERR_IO;
		goto out;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if ((rc = buf_append(&w->body, chunk, n)))
			goto out;
	w->type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	w->cache = "no-store";
	w->disposition = arena_printf(r->a, "attachment; filename=\"form-%s-%s.xlsx\"", fd.school, fd.p.code);
	audit_add(r->db, &r->user, NULL, "form_download", fd.p.code, NULL, r->ip);
out:
	if (f)
		fclose(f);
	if (fdt >= 0)
		unlink(path);
	form_data_free(&fd);
	return rc;
}

/* One procedure of the list: its links and the school's count. */
static int list_row(void *ctx, const char *code, int64_t results)
{
	struct buf *b = ctx;
	buf_puts(b, "<tr><td>");
	html_text(b, code);
	html_printf(b, "</td><td class=\"num\">%lld</td><td><a href=\"/grid/", (long long)results);
	html_url(b, code);
	buf_puts(b, "\">ввести на странице</a></td><td><a href=\"/grid/");
	html_url(b, code);
	buf_puts(b, "/form.xlsx\">форма XLSX</a></td></tr>");
	return 0;
}

int page_grid_list(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Ввод результатов");
	buf_puts(b, "<h1>Ввод результатов</h1><section class=\"card\"><p>Для каждой процедуры: форма сбора "
		    "результатов в макете ФИС ОКО (XLSX — заполнить и загрузить на странице «Загрузка "
		    "результатов») или ввод прямо на странице.</p><table><thead><tr><th>Процедура</th>"
		    "<th>Сохранено результатов</th><th></th><th></th></tr></thead><tbody>");
	int rc = procedure_each_for_school(r->db, r->user.school_id, list_row, b);
	buf_puts(b, "</tbody></table></section>");
	html_end(r, w);
	return rc;
}
