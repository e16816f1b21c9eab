/* grid: the school coordinator enters results on a page instead of the XLSX form.
 *
 *   GET  /grid                              the school's procedures: form and grid links
 *   GET  /grid/{procedure}[?class=4А]       one row per participant code of the grade
 *   POST /grid/{procedure}                  save: the posted rows to import_results_rows()
 *   GET  /grid/{procedure}/form.xlsx        the ФИС ОКО results form (report/form.h)
 *
 * The rows come from report/form (codes of the grade's pupils and stored results; no
 * names). Each cell is a plain input, so the page works without JavaScript: the POST
 * carries the cells in document order under repeated keys (code, k, v, p…, g, j per row).
 * This file checks only that the post is the page's (every code one of the grade's, once,
 * every row whole); what the cells hold is checked by the results importer alone: the
 * posted rows go to import_results_rows() as canonical rows (grid_rows below), with
 * only_school, merge and strict set — the rules of docs/import.md with «строгая проверка»,
 * exactly as a canonical CSV of the same rows would be checked. Its problems (row, column,
 * message) are shown next to their cells: errors refuse the save, warnings mark rows that
 * were stored. Each posted row replaces that participant's stored result (a row emptied
 * clears it) and every other result of the school stays as it is in the database at the
 * moment of the store, under the write lock: two coordinators saving two classes at once
 * both keep their rows. The save is one transaction with its audit row, recorded in the
 * upload history as «сетка ввода». static/grid.js gives the importer's verdicts as hints
 * while typing and adds keyboard navigation. The school is always the session's, never
 * taken from the request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/str.h"
#include "import/import.h"
#include "io/table_write.h"
#include "model/plan.h"
#include "model/result.h"
#include "report/form.h"
#include "web/download.h"
#include "web/metrics.h"
#include "web/web.h"

#define GRID_NAME "сетка ввода"

/* A problem the importer found in a cell: its message(s), and whether one refuses the save. */
struct note {
	const char *msg;
	bool error;
};

/* One row of the page as typed (or as stored), with the importer's problems. */
struct grow {
	const char *code;
	const char *k, *v, *g, *j;      /* class, variant, gender, journal mark */
	const char *p[PROC_MAX_POSITIONS];
	struct note nk, nv, ng, nj;     /* problems of those cells */
	struct note np[PROC_MAX_POSITIONS];
	bool shown;                     /* on the page (posted, or in the class shown) */
	bool posted;                    /* in the POST being saved */
	bool blank;                     /* nothing entered */
};

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
		char digits[4];
		g->p[i] = !f->stored || f->absent ? ""
			  : arena_strdup(r->a, result_cell_text(f->scores[i], digits));
	}
	g->blank = !f->stored;
}

/* ---- rendering ---- */

/* «ВПР, русский язык, 8 класс, 2021», the code in a tooltip. */
static void proc_title(struct buf *b, const char *code, const char *subject, int grade, int year)
{
	char t[160];
	bool titled = procedure_title_of(code, subject, grade, t, sizeof t);
	buf_puts(b, "<span title=\"");
	html_attr(b, code);
	buf_puts(b, "\">");
	html_text(b, t);
	if (titled && year > 0)
		html_printf(b, ", %d", year);
	buf_puts(b, "</span>");
}

static void cell_input(struct buf *b, const char *name, const char *value, const struct note *nt,
		       const char *kind, int max, int col, const char *label)
{
	const char *err = nt->msg;
	html_printf(b, "<td%s><input name=\"%s\" data-kind=\"%s\" data-col=\"%d\"",
		    !err ? "" : nt->error ? " class=\"bad\"" : " class=\"warn\"", name, kind, col);
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

static bool grid_absent(const char *v);

/* The row's total and mark as the script shows them: a score the save refuses (above its
 * position's maximum, or no whole number, X or «не пройд.») leaves both unknown (*total -1). */
static void row_total(const struct procedure *p, const struct grow *g, int *total, int *mark)
{
	int sum = 0;
	bool all = true, refused = false;
	long v;
	for (int i = 0; i < p->npos; i++) {
		if (int_in(g->p[i], 0, p->pos[i].max, &v))
			sum += (int)v;
		else if (!*g->p[i])
			all = false;
		else if (!str_is_x(g->p[i], strlen(g->p[i])) && strncmp(g->p[i], "не пр", strlen("не пр")))
			refused = true;
	}
	*total = refused ? -1 : sum;
	*mark = !refused && all && p->npos && !g->blank && int_in(g->v, 1, 999, NULL) ? procedure_mark(p, sum) : 0;
}

static void render_grid(struct web_req *r, struct web_res *w, const struct form_data *fd,
			struct grow *rows, const char *cls, const char *flash, bool ok,
			const struct diag_list *dl, const bool *placed)
{
	struct buf *b = &w->body;
	const struct procedure *p = &fd->p;
	html_begin(r, w, "Ввод результатов");
	/* The grid's own layout (fits 1366 px, scrolls within its frame below). */
	buf_puts(b, "<link rel=\"stylesheet\" href=\"/static/grid.css\"><h1>Ввод результатов: ");
	proc_title(b, p->code, p->subject, p->grade, p->year);
	buf_puts(b, "</h1>");
	if (flash) {
		buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
		html_text(b, flash);
		buf_puts(b, "</p>");
	}
	if (dl && dl->n) {
		/* The problems with no cell of their own: the others are at their cells. */
		bool any = false;
		for (size_t i = 0; i < dl->n; i++) {
			if (placed && placed[i])
				continue;
			if (!any)
				buf_puts(b, "<ul class=\"problems\">");
			any = true;
			buf_puts(b, "<li>");
			if (dl->v[i].value && *dl->v[i].value)
				html_textf(b, "«%s»: ", dl->v[i].value);
			html_text(b, dl->v[i].msg);
			buf_puts(b, "</li>");
		}
		if (any)
			buf_puts(b, "</ul>");
	}
	buf_puts(b, "<section class=\"card\"><p>Одна строка — один код участника; ФИО здесь нет. "
		    "Вариант — номер или «отсутствовал»; баллы — целое от 0 до максимума позиции "
		    "(в заголовке) или X, если участник не приступал. Пустые строки не сохраняются "
		    "(а сохранённый результат очищенной строки удаляется). Сохранение проверяет таблицу "
		    "так же, как загрузку файла со строгой проверкой, и записывает её целиком или не "
		    "записывает совсем: балл больше максимума или не целое число не сохраняется, а "
		    "сомнительное (пустая позиция, нет варианта) сохраняется и отмечается.</p><p>");
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
		/* the codes of the procedure's school year (procedure.year is the year it ends) */
		html_printf(b, "<section class=\"card\"><p>Кодов участников этой параллели пока нет: выдайте коды "
			       "на странице «<a href=\"/pupils?year=%d\">Ученики и коды, %d/%02d учебный год</a>».</p>"
			       "</section>", p->year, p->year - 1, p->year % 100);
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
		/* The maximum under the label keeps the column as narrow as its input. */
		buf_puts(b, "<th class=\"pos\" title=\"");
		html_attr(b, p->pos[i].label);
		html_printf(b, ": от 0 до %d\">", p->pos[i].max);
		html_text(b, p->pos[i].label);
		html_printf(b, " <small>(%dб)</small></th>", p->pos[i].max);
	}
	html_printf(b, "<th>Пол</th><th class=\"jm\">Отметка по журналу</th><th class=\"total\">Итого "
		       "<small>(из %d)</small></th><th class=\"mark\">Отметка</th></tr></thead><tbody>",
		    p->max_score);
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
		cell_input(b, "k", g->k, &g->nk, "k", -1, 0, lab);
		snprintf(lab, sizeof lab, "%s: вариант", g->code);
		cell_input(b, "v", g->v, &g->nv, "v", -1, 1, lab);
		for (int j = 0; j < p->npos; j++) {
			snprintf(lab, sizeof lab, "%s: позиция %s", g->code, p->pos[j].label);
			cell_input(b, "p", g->p[j], &g->np[j], "p", p->pos[j].max, 2 + j, lab);
		}
		snprintf(lab, sizeof lab, "%s: пол", g->code);
		cell_input(b, "g", g->g, &g->ng, "g", -1, 2 + p->npos, lab);
		snprintf(lab, sizeof lab, "%s: отметка по журналу", g->code);
		cell_input(b, "j", g->j, &g->nj, "j", -1, 3 + p->npos, lab);
		int total, mark;
		row_total(p, g, &total, &mark);
		/* An absent pupil has no total: «—», not «0». */
		if (grid_absent(g->v) || total < 0)
			buf_puts(b, "<td class=\"num total\"><output>—</output></td><td class=\"num mark\"><output>");
		else
			html_printf(b, "<td class=\"num total\"><output>%d</output></td><td class=\"num mark\"><output>",
				    total);
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
	const char *code = web_str(r, "procedure");
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
	const char *cls = class_arg(r, &fd, web_str(r, "class"));
	mark_shown(&fd, rows, cls);
	const char *saved = web_str(r, "saved");
	render_grid(r, w, &fd, rows, cls, saved ? "Результаты сохранены. Загрузка записана в историю школы." : NULL,
		    true, NULL, NULL);
	form_data_free(&fd);
	return 0;
}

/* ---- the save: the posted rows as the importer's rows ---- */

/* The canonical columns the grid fills (formats.md), then the positions' labels. */
static const char *const grid_head[] = { "school", "procedure", "code", "class", "variant",
					 "gender", "journal_mark", "absent" };
enum { GH_SCHOOL, GH_PROCEDURE, GH_CODE, GH_CLASS, GH_VARIANT, GH_GENDER, GH_JOURNAL, GH_ABSENT,
       GH_NFIELDS };

struct grid_rows {
	const struct form_data *fd;
	struct grow **posted;  /* the posted rows, in the order of the post */
	size_t n, at;
};

/* The grid's variant cell holds the absence too, as the form's does: «отсутствовал» (any
 * case, «отсутствовала») or the short «н» is the canonical absent = 1. */
static bool grid_absent(const char *v)
{
	static const char word[] = "отсутствовал";
	struct buf f = BUF_INIT, w = BUF_INIT;
	str_fold(v, strlen(v), &f);
	str_fold(word, strlen(word), &w);
	bool absent = (f.len >= w.len && !memcmp(f.p, w.p, w.len)) || str_fold_eq(v, "н");
	buf_free(&f);
	buf_free(&w);
	return absent;
}

/* import_rows.next: one posted row's cells as typed, under the canonical columns. */
static int grid_next(void *ctx, const char **cells)
{
	struct grid_rows *gr = ctx;
	if (gr->at >= gr->n)
		return 0;
	const struct grow *g = gr->posted[gr->at++];
	bool absent = grid_absent(g->v);
	cells[GH_SCHOOL] = gr->fd->school;
	cells[GH_PROCEDURE] = gr->fd->p.code;
	cells[GH_CODE] = g->code;
	cells[GH_CLASS] = g->k;
	cells[GH_VARIANT] = absent ? "" : g->v;
	cells[GH_GENDER] = g->g;
	cells[GH_JOURNAL] = g->j;
	cells[GH_ABSENT] = absent ? "1" : "0";
	for (int j = 0; j < gr->fd->p.npos; j++)
		cells[GH_NFIELDS + j] = g->p[j];
	return 1;
}

/* Adds a problem to a cell's note. */
static void note_add(struct web_req *r, struct note *nt, const struct diag *d)
{
	nt->msg = nt->msg ? arena_printf(r->a, "%s; %s", nt->msg, d->msg) : d->msg;
	nt->error |= d->sev == DIAG_ERROR;
}

/* Puts the importer's problems at their cells: the row is the posted row (row 2 = the
 * first, as in the canonical CSV), the column is found by its name as the importer gives
 * it (table_colname of the same header). A problem of the row as a whole goes to the cell
 * it is about: an absent participant with points to the variant, empty positions of a
 * written work to those positions. placed[i] says which problems found a cell; returns
 * how many posted rows have an error and how many have only warnings. */
static void place(struct web_req *r, const struct grid_rows *gr, const char *const *head, size_t ncols,
		  const struct diag_list *dl, bool *placed, long *nerr, long *nwarn)
{
	const struct procedure *p = &gr->fd->p;
	char **names = arena_alloc(r->a, ncols * sizeof *names);
	char *bad = arena_alloc(r->a, gr->n + 1);
	memset(bad, 0, gr->n + 1);
	for (size_t c = 0; c < ncols; c++) {
		char name[160];
		table_colname(NULL, (int)c, head[c], name, sizeof name);
		names[c] = arena_strdup(r->a, name);
	}
	for (size_t i = 0; i < dl->n; i++) {
		const struct diag *d = &dl->v[i];
		if (d->sev == DIAG_NOTE || d->row < 2 || (size_t)(d->row - 2) >= gr->n)
			continue;
		struct grow *g = gr->posted[d->row - 2];
		bad[d->row - 2] |= d->sev == DIAG_ERROR ? 2 : 1;
		int col = -1;
		for (size_t c = 0; d->column && c < ncols && col < 0; c++)
			if (!strcmp(d->column, names[c]))
				col = (int)c;
		struct note *nt = NULL;
		if (col == GH_CLASS)
			nt = &g->nk;
		else if (col == GH_VARIANT || col == GH_ABSENT)
			nt = &g->nv;
		else if (col == GH_GENDER)
			nt = &g->ng;
		else if (col == GH_JOURNAL)
			nt = &g->nj;
		else if (col >= GH_NFIELDS && col < GH_NFIELDS + p->npos)
			nt = &g->np[col - GH_NFIELDS];
		else if (col < 0 && d->code && (!strcmp(d->code, "absent_with_scores") ||
						 !strcmp(d->code, "partial_work")))
			nt = &g->nv;
		if (nt) {
			note_add(r, nt, d);
			placed[i] = true;
		} else if (col < 0 && d->code && !strcmp(d->code, "scores_missing")) {
			for (int j = 0; j < p->npos; j++)
				if (!*g->p[j])
					note_add(r, &g->np[j], d);
			placed[i] = true;
		}
	}
	*nerr = *nwarn = 0;
	for (size_t i = 0; i < gr->n; i++) {
		*nerr += bad[i] >= 2;
		*nwarn += bad[i] == 1;
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
	const char *cls = class_arg(r, &fd, web_str(r, "class"));
	mark_shown(&fd, rows, cls);
	bool bad = false;
	struct diag_list dl;
	diag_init(&dl, 1000);
	struct grid_rows gr = { .fd = &fd, .posted = arena_alloc(r->a, (fd.n + 1) * sizeof(struct grow *)) };

	/* The posted cells, in document order: code, k, v, p × npos, g, j per row. Only the
	 * page's own shape is checked here; the values are the importer's to judge. */
	struct grow *g = NULL;
	int np = 0;
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
			if (!g || g->posted) { /* a code of no row, or a code twice in one post */
				bad = true;
				break;
			}
			g->k = g->v = g->g = g->j = "";
			for (int j = 0; j < p->npos; j++)
				g->p[j] = "";
			g->shown = g->posted = true;
			gr.posted[gr.n++] = g;
			np = 0;
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
	for (size_t i = 0; i < gr.n; i++) {
		struct grow *x = gr.posted[i];
		bool filled = false;
		for (int j = 0; j < p->npos && !filled; j++)
			filled = *x->p[j];
		x->blank = !*x->v && !*x->g && !*x->j && !filled;
	}

	size_t ncols = GH_NFIELDS + (size_t)p->npos;
	const char **head = arena_alloc(r->a, ncols * sizeof *head);
	memcpy(head, grid_head, sizeof grid_head);
	for (int j = 0; j < p->npos; j++)
		head[GH_NFIELDS + j] = p->pos[j].label;
	const struct import_rows src = { .ncols = ncols, .cols = head, .next = grid_next, .ctx = &gr };
	struct import_opts o = { .user = r->user.login, .name = GRID_NAME, .only_school = r->user.school_id,
				 .merge = true, .strict = true, .wait_seconds = web_upload_wait(),
				 .audit_action = "grid_save", .audit_user = &r->user, .audit_ip = r->ip };
	struct import_stats st;
	rc = import_results_rows(r->db, GRID_NAME, &src, &o, &dl, &st);
	metrics_upload(METRICS_GRID, rc, false, st.rows);
	bool *placed = arena_alloc(r->a, dl.n + 1);
	memset(placed, 0, dl.n + 1);
	long nerr, nwarn;
	place(r, &gr, head, ncols, &dl, placed, &nerr, &nwarn);
	if (rc) {
		audit_add(r->db, &r->user, NULL, "grid_refused", p->code, st.summary, r->ip);
		bool busy = rc == ERR_BUSY;
		rc = 0;
		w->status = busy ? 503 : 400;
		render_grid(r, w, &fd, rows, cls,
			    busy ? "Не сохранено: сервер занят другой загрузкой. Данные не изменены; "
				   "нажмите «Сохранить» ещё раз через минуту."
			    : nerr ? arena_printf(r->a, "Не сохранено: строк с ошибками — %ld. Они отмечены в "
							"таблице; исправьте и сохраните снова.", nerr)
				 : "Не сохранено: проверка при записи нашла ошибки, данные не изменены.",
			    false, &dl, placed);
		goto out;
	}
	if (nwarn) {
		/* Stored, with rows marked: the page shows where, so a slip can be corrected. */
		render_grid(r, w, &fd, rows, cls,
			    arena_printf(r->a, "Результаты сохранены. Строк с отмеченными проблемами: %ld — "
					       "они сохранены как записаны и отмечены в таблице; если это "
					       "опечатка, исправьте и сохраните снова.", nwarn),
			    true, &dl, placed);
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
	diag_free(&dl);
	form_data_free(&fd);
	return rc;
}

int page_grid_form(struct web_req *r, struct web_res *w)
{
	struct form_data fd;
	struct table_mem mem = { .fd = -1 };
	char msg[512];
	int rc = load(r, &fd);
	if (rc)
		return rc;
	if ((rc = table_mem_open(&mem)) ||
	    (rc = form_write_xlsx(&fd, plan_now(), mem.path, msg, sizeof msg)) ||
	    (rc = table_mem_take(&mem, &w->body)))
		goto out;
	web_send_table(r, w, TABLE_XLSX, arena_printf(r->a, "form-%s-%s.xlsx", fd.school, fd.p.code),
		       arena_printf(r->a, "Форма сбора результатов %s %s.xlsx", fd.school, fd.p.code));
	audit_add(r->db, &r->user, NULL, "form_download", fd.p.code, NULL, r->ip);
out:
	table_mem_close(&mem);
	form_data_free(&fd);
	return rc;
}

/* The leading digits of s as a number (0 when none). */
static int atoi_safe(const char *s)
{
	int v = 0;
	for (; *s >= '0' && *s <= '9' && v < 100000; s++)
		v = v * 10 + (*s - '0');
	return v;
}

/* One procedure of the list: its links and the school's count. */
static int list_row(void *ctx, const char *code, int64_t results)
{
	struct buf *b = ctx;
	/* KIND-YEAR-SUBJECT-GRADE: the parts its title is made of. */
	char subject[8] = "";
	int year = 0, grade = 0;
	const char *d1 = strchr(code, '-'), *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
	const char *d3 = d2 ? strchr(d2 + 1, '-') : NULL;
	if (d3 && (size_t)(d3 - d2 - 1) < sizeof subject) {
		memcpy(subject, d2 + 1, (size_t)(d3 - d2 - 1));
		subject[d3 - d2 - 1] = '\0';
		year = atoi_safe(d1 + 1);
		grade = atoi_safe(d3 + 1);
	}
	buf_puts(b, "<tr><td>");
	proc_title(b, code, subject, grade, year);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, (long)results);
	buf_puts(b, "</td><td><a href=\"/grid/");
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
