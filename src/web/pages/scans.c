/* scans: the school's scans of its works sampled for re-check (docs/recheck.md, "Scans").
 *
 *   GET  /                 (school) works still waiting for a scan (web_scans_school_home)
 *   GET  /scans            the school's sampled works: procedure, participant code, scan or
 *                          not; what is missing first; an upload form per work and one for a
 *                          PDF of several works
 *   POST /scans            work + file: one work's scan (PDF or JPEG)
 *   POST /scans/split      procedure + PDF + codes in page order: one PDF cut into one scan
 *                          per work
 *   GET  /scans/{id}       a work's scan (id: the work): the school's own, or a
 *                          coordinator's whose territory holds the school; 404 otherwise
 *
 * A file is accepted by its content (io/scan: PDF or JPEG, at most 20 МБ), never by its
 * name or the browser's type, and stored under a random id that carries nothing (the school
 * and the code stay in the database). Everything is checked before anything is stored: a
 * refused upload leaves the database and the scans directory as they were. A replaced
 * scan's file is removed.
 *
 * The codes of a split, one per line in the order of the PDF's pages: "10234" (the pages
 * are then divided evenly between the codes, refused when they do not divide) or
 * "10234 1-2" / "10234 3" (the pages of that code; then every line says its pages, and no
 * page belongs to two codes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "io/scan.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "web/web.h"

#define MAX_SPLIT 1000 /* codes of one split PDF (no more than its pages) */

/* A procedure as the page names it. */
struct proc_name {
	int64_t id;
	char code[40];
	char title[160];
};

/* The school's sampled works of every procedure, with the procedures' names. */
struct works {
	struct proc_name *procs;
	size_t nprocs;
	struct rc_work *v;
	size_t n;
};

static int proc_collect(void *ctx, const struct procedure_item *p)
{
	struct works *x = ctx;
	if (x->nprocs % 32 == 0) {
		struct proc_name *np = realloc(x->procs, (x->nprocs + 32) * sizeof *np);
		if (!np)
			return ERR_NOMEM;
		x->procs = np;
	}
	struct proc_name *q = &x->procs[x->nprocs++];
	q->id = p->id;
	snprintf(q->code, sizeof q->code, "%s", p->code);
	char t[140];
	procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
	snprintf(q->title, sizeof q->title, "%s, %d", t, p->year);
	return 0;
}

static void works_free(struct works *x)
{
	free(x->procs);
	free(x->v);
	memset(x, 0, sizeof *x);
}

/* The works the user's scope sees, procedure by procedure (newest first), by code. */
static int works_load(struct web_req *r, struct works *x)
{
	memset(x, 0, sizeof *x);
	int rc = procedure_each(r->db, proc_collect, x);
	for (size_t i = 0; !rc && i < x->nprocs; i++) {
		struct rc_work *v = NULL;
		size_t n = 0;
		if ((rc = recheck_work_list(r->db, &r->scope, 0, x->procs[i].id, &v, &n)))
			break;
		if (n) {
			struct rc_work *nv = realloc(x->v, (x->n + n) * sizeof *nv);
			if (!nv) {
				free(v);
				rc = ERR_NOMEM;
				break;
			}
			x->v = nv;
			memcpy(x->v + x->n, v, n * sizeof *v);
			x->n += n;
		}
		free(v);
	}
	if (rc)
		works_free(x);
	return rc;
}

static const char *title_of(const struct works *x, int64_t procedure_id)
{
	for (size_t i = 0; i < x->nprocs; i++)
		if (x->procs[i].id == procedure_id)
			return x->procs[i].title;
	return "";
}

static long missing(const struct works *x)
{
	long m = 0;
	for (size_t i = 0; i < x->n; i++)
		m += !x->v[i].scan_id[0];
	return m;
}

/* «нет сканов для 3 работ: 10234, 10235 (ВПР, математика, 4 класс, 2021), …» */
static void missing_line(struct buf *b, const struct works *x, long m)
{
	buf_puts(b, "Нет сканов для ");
	html_int(b, m);
	html_printf(b, " %s: ", str_plural(m, "работы", "работ", "работ"));
	int64_t proc = -1;
	bool first = true;
	for (size_t i = 0; i < x->n; i++) {
		const struct rc_work *w = &x->v[i];
		if (w->scan_id[0])
			continue;
		if (proc != w->procedure_id && proc != -1) {
			buf_puts(b, " (");
			html_text(b, title_of(x, proc));
			buf_puts(b, ")");
		}
		if (!first)
			buf_puts(b, proc != w->procedure_id ? "; " : ", ");
		first = false;
		proc = w->procedure_id;
		html_text(b, w->code);
	}
	if (proc != -1) {
		buf_puts(b, " (");
		html_text(b, title_of(x, proc));
		buf_puts(b, ")");
	}
}

/* Bytes as people read them: «850 КБ», «1,2 МБ». */
static void size_text(struct buf *b, int64_t n)
{
	if (n < 1024 * 1024) {
		html_int(b, (long)((n + 1023) / 1024));
		buf_puts(b, "\xC2\xA0КБ");
		return;
	}
	html_num(b, (double)n / (1024 * 1024), 1);
	buf_puts(b, "\xC2\xA0МБ");
}

void web_scans_school_home(struct web_req *r, struct buf *b)
{
	struct works x;
	if (r->user.role != ROLE_SCHOOL || works_load(r, &x))
		return;
	long m = missing(&x);
	if (m) {
		buf_puts(b, "<section><h2>Сканы работ на перепроверку</h2><p><strong>");
		missing_line(b, &x, m);
		buf_puts(b, "</strong></p><p><a class=\"button\" href=\"/scans\">Загрузить сканы</a></p></section>");
	} else if (x.n) {
		html_printf(b, "<section><h2>Сканы работ на перепроверку</h2><p>Сканы всех отобранных работ "
			       "загружены (%zu). <a href=\"/scans\">Посмотреть</a></p></section>",
			    x.n);
	}
	works_free(&x);
}

/* The page; notice: a message above the list (ok: green, else an alert). */
static int scans_page(struct web_req *r, struct web_res *w, int status, bool ok, const char *notice)
{
	struct buf *b = &w->body;
	struct works x;
	int rc = works_load(r, &x);
	if (rc)
		return rc;
	buf_reset(b);
	w->status = status;
	html_begin(r, w, "Сканы работ");
	buf_puts(b, "<h1>Сканы работ на перепроверку</h1>");
	if (notice) {
		buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
		html_text(b, notice);
		buf_puts(b, "</p>");
	}
	if (!x.n) {
		buf_puts(b, "<p>Работы вашей школы на перепроверку не отбирались. Когда координатор отберёт "
			    "работы, их коды появятся здесь.</p>");
		html_end(r, w);
		works_free(&x);
		return 0;
	}
	long m = missing(&x);
	if (m) {
		buf_puts(b, "<p class=\"alert\"><strong>");
		missing_line(b, &x, m);
		buf_puts(b, "</strong></p>");
	} else {
		buf_puts(b, "<p class=\"notice\">Сканы всех отобранных работ загружены.</p>");
	}
	buf_puts(b, "<p class=\"muted\">Для каждой отобранной работы нужен скан: PDF или JPEG, не больше "
		    "20 МБ. Эксперт увидит только скан и код участника — не школу. Имя файла значения "
		    "не имеет: сохраняется только содержимое.</p>");
	/* One table per procedure (the works come grouped by procedure). */
	for (size_t i = 0; i < x.n; i++) {
		const struct rc_work *k = &x.v[i];
		if (!i || k->procedure_id != x.v[i - 1].procedure_id) {
			if (i)
				buf_puts(b, "</tbody></table></div>");
			buf_puts(b, "<h2>");
			html_text(b, title_of(&x, k->procedure_id));
			buf_puts(b, "</h2><div class=\"scroll\"><table class=\"rc-scans\"><thead><tr>"
				    "<th>Код участника</th><th>Скан</th><th>Загрузить или заменить</th></tr>"
				    "</thead><tbody>");
		}
		html_printf(b, "<tr id=\"w%lld\"%s><td class=\"num\">", (long long)k->id,
			    k->scan_id[0] ? "" : " class=\"err\"");
		html_text(b, k->code);
		buf_puts(b, "</td><td>");
		if (k->scan_id[0]) {
			html_printf(b, "<a href=\"/scans/%lld\" target=\"_blank\" rel=\"noopener\">%s</a>, ",
				    (long long)k->id, !strcmp(k->scan_type, "jpeg") ? "JPEG" : "PDF");
			size_text(b, k->scan_size);
			if (k->scan_at[0]) {
				buf_puts(b, ", загружен ");
				web_moment_ru(b, k->scan_at);
			}
		} else {
			buf_puts(b, "<strong>нет скана</strong>");
		}
		html_printf(b, "</td><td><form class=\"inline\" method=\"post\" action=\"/scans\" "
			       "enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"work\" value=\"%lld\">",
			    (long long)k->id);
		html_csrf(r, b);
		buf_puts(b, "<input type=\"file\" name=\"file\" accept=\"application/pdf,image/jpeg,.pdf,.jpg,.jpeg\" "
			    "required aria-label=\"Скан работы ");
		html_attr(b, k->code);
		buf_puts(b, "\"><button>Загрузить</button></form></td></tr>");
	}
	buf_puts(b, "</tbody></table></div>");

	/* One PDF of several works. */
	buf_puts(b, "<section><h2>Один PDF на несколько работ</h2><p>Отсканируйте работы подряд в один PDF "
		    "и перечислите коды участников в порядке страниц, по одному в строке. Если у всех "
		    "работ одинаковое число страниц, достаточно кодов: страницы разделятся поровну. "
		    "Иначе после кода укажите его страницы, например «10234 1-2».</p>"
		    "<form method=\"post\" action=\"/scans/split\" enctype=\"multipart/form-data\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Процедура <select name=\"procedure\" required>");
	for (size_t i = 0; i < x.nprocs; i++) {
		bool has = false;
		for (size_t k = 0; k < x.n && !has; k++)
			has = x.v[k].procedure_id == x.procs[i].id;
		if (!has)
			continue;
		buf_puts(b, "<option value=\"");
		html_attr(b, x.procs[i].code);
		buf_puts(b, "\">");
		html_text(b, x.procs[i].title);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>PDF со сканами <input type=\"file\" name=\"file\" "
		    "accept=\"application/pdf,.pdf\" required></label><label>Коды участников по порядку "
		    "страниц <textarea name=\"codes\" rows=\"6\" required placeholder=\"10234 1-2&#10;10235 3-4\">"
		    "</textarea></label><p><button>Разделить и загрузить</button></p></form></section>");
	html_end(r, w);
	works_free(&x);
	return 0;
}

int page_scans(struct web_req *r, struct web_res *w)
{
	return scans_page(r, w, 200, true, NULL);
}

static void scans_dir(struct web_req *r, char *dir, size_t n)
{
	char file[4096];
	db_file(r->db, file, sizeof file);
	scan_dir_of(file, dir, n);
}

/* The uploaded file checked as a scan; msg gets the Russian reason of a refusal. */
static int upload_check(struct web_req *r, enum scan_type *type, int *pages, char *msg, size_t n)
{
	const struct web_upload *u = &r->upload;
	if (u->too_large) {
		snprintf(msg, n, "файл больше 20 МБ");
		return ERR_LIMIT;
	}
	if (!u->data || !u->size) {
		snprintf(msg, n, "выберите файл скана");
		return ERR_INVALID;
	}
	int rc = scan_check(u->data, u->size, type, pages, msg, n);
	if (rc && !*msg)
		snprintf(msg, n, "%s", rc == ERR_LIMIT ? "в PDF слишком много страниц" : "файл не PDF и не JPEG");
	return rc;
}

/* Stores data as the work's scan: the file first, then the row; the replaced file is
 * removed, and the new one too when the row could not be written. */
static int store_one(struct web_req *r, const char *dir, int64_t work_id, enum scan_type type,
		     const void *data, size_t n)
{
	char id[SCAN_ID_LEN], old[RC_SCAN_ID_LEN] = "";
	int rc = scan_store(dir, data, n, id);
	if (rc)
		return rc;
	if ((rc = recheck_scan_set(r->db, work_id, id, scan_type_id(type), (int64_t)n, r->user.login, old))) {
		scan_remove(dir, id);
		return rc;
	}
	if (old[0] && strcmp(old, id) && (rc = scan_remove(dir, old)))
		log_warn("заменённый скан %s не удалён: %s", old, err_str(rc));
	return 0;
}

int page_scans_post(struct web_req *r, struct web_res *w)
{
	struct rc_work *k = calloc(1, sizeof *k);
	char msg[300] = "", text[500], dir[4200];
	enum scan_type type = SCAN_UNKNOWN;
	int pages = 0, rc = ERR_NOMEM;
	if (!k)
		goto out;
	int64_t id = web_int(r, "work");
	if (recheck_work_get(r->db, &r->scope, id, k) || k->school_id != r->user.school_id) {
		rc = scans_page(r, w, 404, false, "Скан не загружен: эта работа не отобрана на перепроверку в "
						  "вашей школе.");
		goto out;
	}
	if ((rc = upload_check(r, &type, &pages, msg, sizeof msg))) {
		snprintf(text, sizeof text, "Скан работы %s не загружен: %s.", k->code, msg);
		rc = scans_page(r, w, rc == ERR_LIMIT ? 413 : 400, false, text);
		goto out;
	}
	scans_dir(r, dir, sizeof dir);
	if ((rc = store_one(r, dir, k->id, type, r->upload.data, r->upload.size)))
		goto out;
	audit_add(r->db, &r->user, NULL, "scan_upload", arena_printf(r->a, "%lld", (long long)k->id),
		  arena_printf(r->a, "%s, %s, %zu байт", k->code, scan_type_id(type), r->upload.size), r->ip);
	snprintf(text, sizeof text, "Скан работы %s загружен%s.", k->code, k->scan_id[0] ? " вместо прежнего" : "");
	rc = scans_page(r, w, 200, true, text);
out:
	free(k);
	return rc;
}

/* One line of the split's codes. */
struct part {
	char code[RC_CODE_MAX];
	int first, last; /* 0: not given */
	int64_t work;
	bool replaced;
};

/* Parses "N" or "N-M" (spaces around the dash allowed, also "–"). */
static bool parse_pages(const char *s, int *first, int *last)
{
	char *end;
	long a = strtol(s, &end, 10), b;
	if (end == s || a < 1 || a > SCAN_MAX_PAGES)
		return false;
	while (*end == ' ')
		end++;
	if (!*end) {
		*first = *last = (int)a;
		return true;
	}
	if (*end == '-')
		end++;
	else if (!strncmp(end, "\xe2\x80\x93", 3)) /* en dash */
		end += 3;
	else
		return false;
	while (*end == ' ')
		end++;
	const char *t = end;
	b = strtol(t, &end, 10);
	if (end == t || b < a || b > SCAN_MAX_PAGES)
		return false;
	while (*end == ' ')
		end++;
	if (*end)
		return false;
	*first = (int)a;
	*last = (int)b;
	return true;
}

/* Reads the codes (one per line) into parts; ERR_INVALID with msg. */
static int parse_codes(const char *text, struct part *parts, size_t *nparts, char *msg, size_t n)
{
	size_t np = 0;
	int line = 0, with = 0;
	const char *s = text;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		char row[200];
		line++;
		if (len >= sizeof row) {
			snprintf(msg, n, "строка %d слишком длинная", line);
			return ERR_INVALID;
		}
		memcpy(row, s, len);
		row[len] = '\0';
		s = e ? e + 1 : s + len;
		for (char *c = row; *c; c++)
			if (*c == '\r' || *c == '\t' || *c == ';' || *c == ',')
				*c = ' ';
		char *c = row;
		while (*c == ' ')
			c++;
		if (!*c)
			continue;
		char *sp = strchr(c, ' ');
		if (sp)
			*sp++ = '\0';
		if (np == MAX_SPLIT) {
			snprintf(msg, n, "больше %d кодов в одном файле", MAX_SPLIT);
			return ERR_INVALID;
		}
		struct part *p = &parts[np];
		memset(p, 0, sizeof *p);
		if (strlen(c) >= sizeof p->code) {
			snprintf(msg, n, "строка %d: слишком длинный код", line);
			return ERR_INVALID;
		}
		memcpy(p->code, c, strlen(c) + 1); /* fits: checked above */
		while (sp && *sp == ' ')
			sp++;
		if (sp && *sp) {
			if (!parse_pages(sp, &p->first, &p->last)) {
				snprintf(msg, n, "строка %d: после кода ожидаются страницы, например «%s 1-2»", line,
					 p->code);
				return ERR_INVALID;
			}
			with++;
		}
		for (size_t i = 0; i < np; i++)
			if (!strcmp(parts[i].code, p->code)) {
				snprintf(msg, n, "код %s указан дважды", p->code);
				return ERR_INVALID;
			}
		np++;
	}
	if (!np) {
		snprintf(msg, n, "перечислите коды участников в порядке страниц");
		return ERR_INVALID;
	}
	if (with && (size_t)with != np) {
		snprintf(msg, n, "укажите страницы у всех кодов или ни у одного");
		return ERR_INVALID;
	}
	*nparts = np;
	return 0;
}

/* Gives every part its pages (divided evenly when not given) and checks they fit the PDF
 * and do not overlap. */
static int plan_pages(struct part *parts, size_t np, int pages, char *msg, size_t n)
{
	if (!parts[0].first) {
		if (pages % (int)np) {
			snprintf(msg, n, "в PDF %d %s, кодов %zu: страницы не делятся поровну — укажите страницы "
					 "каждого кода, например «%s 1-2»",
				 pages, str_plural(pages, "страница", "страницы", "страниц"), np, parts[0].code);
			return ERR_INVALID;
		}
		int per = pages / (int)np;
		for (size_t i = 0; i < np; i++) {
			parts[i].first = (int)i * per + 1;
			parts[i].last = (int)(i + 1) * per;
		}
		return 0;
	}
	for (size_t i = 0; i < np; i++) {
		if (parts[i].last > pages) {
			snprintf(msg, n, "код %s: страницы %d–%d, а в PDF %d %s", parts[i].code, parts[i].first,
				 parts[i].last, pages, str_plural(pages, "страница", "страницы", "страниц"));
			return ERR_INVALID;
		}
		for (size_t j = 0; j < i; j++)
			if (parts[i].first <= parts[j].last && parts[j].first <= parts[i].last) {
				snprintf(msg, n, "страницы кодов %s и %s пересекаются", parts[j].code, parts[i].code);
				return ERR_INVALID;
			}
	}
	return 0;
}

int page_scans_split(struct web_req *r, struct web_res *w)
{
	struct part *parts = calloc(MAX_SPLIT, sizeof *parts);
	void **data = calloc(MAX_SPLIT, sizeof *data);
	size_t *len = calloc(MAX_SPLIT, sizeof *len);
	struct procedure *p = calloc(1, sizeof *p);
	struct rc_work *v = NULL;
	size_t np = 0, nv = 0, stored = 0;
	char msg[400] = "", text[600], dir[4200];
	enum scan_type type = SCAN_UNKNOWN;
	int pages = 0, rc = ERR_NOMEM;
	if (!parts || !data || !len || !p)
		goto out;
	const char *code = web_str(r, "procedure");
	if (!code || procedure_get(r->db, code, p)) {
		snprintf(msg, sizeof msg, "выберите процедуру");
		rc = ERR_INVALID;
		goto refuse;
	}
	if ((rc = upload_check(r, &type, &pages, msg, sizeof msg)))
		goto refuse;
	if (type != SCAN_PDF) {
		snprintf(msg, sizeof msg, "разделить можно только PDF; JPEG загрузите для каждой работы отдельно");
		rc = ERR_INVALID;
		goto refuse;
	}
	const char *codes = web_str(r, "codes");
	if ((rc = parse_codes(codes ? codes : "", parts, &np, msg, sizeof msg)) ||
	    (rc = plan_pages(parts, np, pages, msg, sizeof msg)))
		goto refuse;
	if ((rc = recheck_work_list(r->db, &r->scope, 0, p->id, &v, &nv)))
		goto out;
	char title[160], t[140];
	procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
	snprintf(title, sizeof title, "%s, %d", t, p->year);
	for (size_t i = 0; i < np; i++) {
		for (size_t k = 0; k < nv && !parts[i].work; k++)
			if (v[k].school_id == r->user.school_id && !strcmp(v[k].code, parts[i].code)) {
				parts[i].work = v[k].id;
				parts[i].replaced = v[k].scan_id[0] != '\0';
			}
		if (!parts[i].work) {
			snprintf(msg, sizeof msg, "код %s не отобран на перепроверку в вашей школе (%s)", parts[i].code,
				 title);
			rc = ERR_INVALID;
			goto refuse;
		}
	}
	/* Every part cut before anything is stored. */
	for (size_t i = 0; i < np; i++)
		if ((rc = scan_pdf_extract(r->upload.data, r->upload.size, parts[i].first, parts[i].last, &data[i],
					   &len[i], msg, sizeof msg)))
			goto refuse;
	scans_dir(r, dir, sizeof dir);
	for (; stored < np; stored++)
		if ((rc = store_one(r, dir, parts[stored].work, SCAN_PDF, data[stored], len[stored])))
			break;
	if (stored)
		audit_add(r->db, &r->user, NULL, "scan_split", p->code,
			  arena_printf(r->a, "%zu из %zu работ, %d стр.", stored, np, pages), r->ip);
	if (rc) {
		snprintf(text, sizeof text, "Загружены сканы %zu из %zu работ: остальные не сохранены (%s). "
					    "Загрузите файл ещё раз.",
			 stored, np, err_str(rc));
		rc = scans_page(r, w, 500, false, text);
		goto out;
	}
	snprintf(text, sizeof text, "PDF разделён: загружены сканы %zu %s (%s).", np,
		 str_plural((long)np, "работы", "работ", "работ"), title);
	rc = scans_page(r, w, 200, true, text);
	goto out;
refuse:
	if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		snprintf(text, sizeof text, "Сканы не загружены: %s.", msg);
		rc = scans_page(r, w, rc == ERR_LIMIT ? 413 : 400, false, text);
	}
out:
	for (size_t i = 0; data && i < np; i++)
		free(data[i]);
	free(parts);
	free(data);
	free(len);
	free(p);
	free(v);
	return rc;
}

int page_scan_get(struct web_req *r, struct web_res *w)
{
	struct rc_work *k = calloc(1, sizeof *k);
	char dir[4200];
	void *data = NULL;
	size_t n = 0;
	int rc = ERR_NOTFOUND;
	if (!k)
		return ERR_NOMEM;
	if (recheck_work_get(r->db, &r->scope, web_int(r, "id"), k) || !k->scan_id[0] ||
	    !scope_sees_school(r->db, &r->scope, k->school_id))
		goto out;
	enum scan_type t = scan_type_parse(k->scan_type);
	if (t == SCAN_UNKNOWN)
		goto out;
	scans_dir(r, dir, sizeof dir);
	if ((rc = scan_load(dir, k->scan_id, &data, &n))) {
		rc = ERR_NOTFOUND;
		goto out;
	}
	if ((rc = buf_append(&w->body, data, n)))
		goto out;
	w->type = scan_type_mime(t);
	w->disposition = t == SCAN_PDF ? "inline; filename=\"scan.pdf\"" : "inline; filename=\"scan.jpg\"";
	w->cache = "no-store";
out:
	free(data);
	free(k);
	return rc;
}
