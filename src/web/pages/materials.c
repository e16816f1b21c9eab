/* materials: confidential materials on the web (model/material.h, docs/materials.md).
 *
 *   GET  /materials                         school: its procedures' materials and times;
 *                                            region/admin: the bank, release times, downloads
 *   POST /materials                         region/admin: add a variant or criteria file
 *   POST /materials/schedule                region/admin: set the release times
 *   GET  /materials/{procedure}/{what}      school: archive | key | criteria, only from its
 *                                            time (server clock, plan_now); every request
 *                                            recorded (material_download + audit log)
 * The school is always the session's. */
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "model/material.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "report/risk_doc.h"
#include "web/download.h"
#include "web/web.h"

static void flash(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

/* A procedure as people name it: «ВПР, математика, 4 класс, 2021», the code in a tooltip. */
static void proc_title(struct web_req *r, struct buf *b, const char *code)
{
	struct procedure *p = arena_alloc(r->a, sizeof *p);
	char t[160];
	buf_puts(b, "<span title=\"");
	html_attr(b, code);
	buf_puts(b, "\">");
	if (procedure_get(r->db, code, p) == 0) {
		procedure_title_of(p->code, p->subject, p->grade, t, sizeof t);
		html_textf(b, "%s, %d", t, p->year);
	} else {
		html_text(b, code);
	}
	buf_puts(b, "</span>");
}

/* The school's table: a row per procedure it takes part in, with its release times. */
struct school_rows {
	struct web_req *r;
	struct buf *b;
	int64_t now;
	int rows;
};

static bool takes_part(struct web_req *r, int64_t procedure_id, int64_t school_id);

static int release_row(void *ctx, const struct material_release_item *x)
{
	struct school_rows *sr = ctx;
	struct buf *b = sr->b;
	struct procedure p;
	static const char *const what[] = { "archive", "key", "criteria" };
	static const char *const title[] = { "скачать архив (зашифрован)", "получить ключ", "скачать критерии" };
	const int64_t at[3] = { x->at.archive_at, x->at.key_at, x->at.criteria_at };
	char t[48];
	if (procedure_get(sr->r->db, x->procedure, &p) || !takes_part(sr->r, p.id, sr->r->user.school_id))
		return 0;
	sr->rows++;
	buf_puts(b, "<tr><td>");
	proc_title(sr->r, b, x->procedure);
	buf_puts(b, "</td><td>");
	/* The opened variants first: what a school needs on the day, without any tool. */
	if (sr->now >= at[1]) {
		buf_puts(b, "<a href=\"/materials/");
		html_url(b, x->procedure);
		buf_puts(b, "/variants\"><strong>скачать варианты (ZIP)</strong></a>");
	} else {
		material_time_ru(at[1], t);
		html_textf(b, "с %s", t);
	}
	buf_puts(b, "</td>");
	for (int i = 0; i < 3; i++) {
		material_time_ru(at[i], t);
		buf_puts(b, "<td>");
		if (sr->now >= at[i]) {
			buf_puts(b, "<a href=\"/materials/");
			html_url(b, x->procedure);
			html_printf(b, "/%s\">%s</a>", what[i], title[i]);
		} else {
			html_textf(b, "с %s", t);
		}
		buf_puts(b, "</td>");
	}
	buf_puts(b, "</tr>");
	return 0;
}

static void school_view(struct web_req *r, struct buf *b, int64_t now)
{
	struct buf rows = BUF_INIT;
	struct school_rows sr = { r, &rows, now, 0 };
	buf_puts(b, "<section class=\"card\"><p>В назначенное время в день проведения здесь появляется "
		    "ссылка «скачать варианты (ZIP)»: варианты вашей школы, уже открытые, — их остаётся "
		    "распечатать. До этого времени их выдать нельзя. Критерии оценивания выдаются в своё "
		    "время. Время — местное время региона. Каждая выдача записывается.</p>");
	material_release_each(r->db, release_row, &sr);
	if (sr.rows) {
		buf_puts(b, "<div class=\"scroll\"><table><thead><tr><th>Процедура</th><th>Варианты</th>"
			    "<th>Архив заранее</th><th>Ключ к архиву</th><th>Критерии</th></tr></thead><tbody>");
		buf_puts(b, buf_str(&rows));
		buf_puts(b, "</tbody></table></div>");
	} else {
		buf_puts(b, "<p>Материалов для вашей школы пока нет: время их выдачи ещё не назначено.</p>");
	}
	buf_free(&rows);
	buf_puts(b, "<p class=\"muted\">Архив можно скачать заранее: он зашифрован, а ключ к нему "
		    "выдаётся одновременно с открытыми вариантами.</p></section>");
}

struct view {
	struct web_req *r;
	struct buf *b;
};

static int file_row(void *ctx, const struct material_file_item *x)
{
	struct view *v = ctx;
	struct buf *b = v->b;
	char n[RU_NUM_MAX];
	buf_puts(b, "<tr><td>");
	proc_title(v->r, b, x->procedure);
	html_printf(b, "</td><td>%s</td><td class=\"num\">", strcmp(x->kind, "criteria") ? "вариант" : "критерии");
	if (x->variant)
		html_printf(b, "%d", x->variant);
	buf_puts(b, "</td><td>");
	html_text(b, x->name);
	html_printf(b, "</td><td class=\"num\">%s</td><td>", ru_int(n, sizeof n, (long long)x->size));
	html_text(b, x->uploaded_by);
	buf_puts(b, "</td></tr>");
	return 0;
}

static int download_row(void *ctx, const struct material_download_item *x)
{
	struct view *v = ctx;
	struct buf *b = v->b;
	char t[48];
	const char *what = !strcmp(x->what, "archive") ? "архив" : !strcmp(x->what, "key") ? "ключ"
			 : !strcmp(x->what, "criteria") ? "критерии" : x->what;
	material_time_ru(x->at, t);
	const char *cells[3] = { t, x->user, x->school };
	buf_puts(b, "<tr>");
	for (int i = 0; i < 3; i++) {
		buf_puts(b, "<td>");
		html_text(b, cells[i]);
		buf_puts(b, "</td>");
	}
	buf_puts(b, "<td>");
	proc_title(v->r, b, x->procedure);
	buf_puts(b, "</td><td>");
	html_text(b, what);
	buf_puts(b, x->given ? "</td><td>выдано</td></tr>" : "</td><td>отказ</td></tr>");
	return 0;
}

static int proc_option(void *ctx, const struct procedure_item *x)
{
	struct buf *b = ctx;
	char t[160];
	procedure_title_of(x->code, x->subject, x->grade, t, sizeof t);
	buf_puts(b, "<option value=\"");
	html_attr(b, x->code);
	buf_puts(b, "\">");
	html_textf(b, "%s, %d", t, x->year);
	buf_puts(b, "</option>");
	return 0;
}

static void proc_select(struct web_req *r, struct buf *b)
{
	buf_puts(b, "<label>Процедура <select name=\"procedure\" required>");
	procedure_each(r->db, proc_option, b);
	buf_puts(b, "</select></label>");
}

static void region_view(struct web_req *r, struct buf *b)
{
	struct view v = { r, b };
	buf_puts(b, "<section class=\"card\"><h2>Банк вариантов</h2><div class=\"scroll\"><table><thead><tr>"
		    "<th>Процедура</th><th>Вид</th><th>Вариант</th><th>Файл</th><th>Байт</th><th>Загрузил</th></tr>"
		    "</thead><tbody>");
	material_file_each(r->db, file_row, &v);
	buf_puts(b, "</tbody></table></div><form method=\"post\" action=\"/materials\" "
		    "enctype=\"multipart/form-data\" class=\"grid\">");
	html_csrf(r, b);
	proc_select(r, b);
	buf_puts(b, "<label>Вариант (пусто — критерии) <input name=\"variant\" inputmode=\"numeric\"></label>"
		    "<label>Файл <input type=\"file\" name=\"file\" required></label><button>Добавить</button>"
		    "</form></section>");
	buf_puts(b, "<section class=\"card\"><h2>Время выдачи</h2>");
	buf_puts(b, "<p class=\"muted\">Местное время региона: ДД.ММ.ГГГГ ЧЧ:ММ. "
		    "В назначенное время ключа школы получают открытые варианты прямо на странице.</p>"
		    "<form method=\"post\" action=\"/materials/schedule\" class=\"grid\">");
	html_csrf(r, b);
	proc_select(r, b);
	buf_puts(b, "<label>Архив с <input name=\"archive\" required placeholder=\"13.04.2021 09:00\"></label>"
		    "<label>Ключ и варианты с <input name=\"key\" required placeholder=\"15.04.2021 09:30\"></label>"
		    "<label>Критерии с <input name=\"criteria\" required placeholder=\"15.04.2021 15:00\"></label>"
		    "<button>Назначить</button></form></section>");
	buf_puts(b, "<section class=\"card\"><h2>Выдачи</h2><div class=\"scroll\"><table><thead><tr><th>Когда</th>"
		    "<th>Кто</th><th>Школа</th><th>Процедура</th><th>Что</th><th>Итог</th></tr></thead><tbody>");
	material_download_each(r->db, 200, download_row, &v);
	buf_puts(b, "</tbody></table></div></section>");
}

static int render(struct web_req *r, struct web_res *w, const char *msg, bool ok)
{
	html_begin(r, w, "Материалы");
	buf_puts(&w->body, "<h1>Конфиденциальные материалы</h1>");
	if (msg)
		flash(&w->body, ok, msg);
	if (r->user.role == ROLE_SCHOOL)
		school_view(r, &w->body, plan_now());
	else
		region_view(r, &w->body);
	html_end(r, w);
	return 0;
}

int page_materials(struct web_req *r, struct web_res *w)
{
	return render(r, w, NULL, true);
}

int page_materials_add(struct web_req *r, struct web_res *w)
{
	const char *code = web_str(r, "procedure"), *v = web_str(r, "variant");
	struct procedure p;
	char msg[512] = "";
	long n = web_int(r, "variant");
	if (!code || procedure_get(r->db, code, &p)) {
		w->status = 400;
		return render(r, w, "Такой процедуры нет.", false);
	}
	if (!r->upload.data || !r->upload.size || r->upload.too_large) {
		w->status = 400;
		return render(r, w, "Выберите файл (до 64 МБ).", false);
	}
	bool crit = !v || !*v;
	int rc = material_add_data(r->db, p.id, crit ? "criteria" : "variant", (int)n, r->upload.data,
				   r->upload.size, r->upload.filename ? r->upload.filename : "файл",
				   r->user.login, msg, sizeof msg);
	audit_add(r->db, &r->user, NULL, rc ? "material_add_refused" : "material_add", p.code,
		  crit ? "критерии" : arena_printf(r->a, "вариант %ld", n), r->ip);
	if (rc) {
		w->status = 400;
		return render(r, w, *msg ? msg : "Файл не добавлен.", false);
	}
	return render(r, w, crit ? "Критерии добавлены." : "Вариант добавлен в банк.", true);
}

int page_materials_schedule(struct web_req *r, struct web_res *w)
{
	const char *code = web_str(r, "procedure");
	struct procedure p;
	struct material_release rel;
	char msg[256] = "";
	if (!code || procedure_get(r->db, code, &p)) {
		w->status = 400;
		return render(r, w, "Такой процедуры нет.", false);
	}
	const char *a = web_str(r, "archive"), *k = web_str(r, "key"), *c = web_str(r, "criteria");
	if (!a || !k || !c || material_time_parse(a, &rel.archive_at) || material_time_parse(k, &rel.key_at) ||
	    material_time_parse(c, &rel.criteria_at)) {
		w->status = 400;
		return render(r, w, "Время — ДД.ММ.ГГГГ ЧЧ:ММ, местное время региона.", false);
	}
	/* Typed times are the region's local time; one written with a Z is UTC already. */
	rel.archive_at = strchr(a, 'Z') ? rel.archive_at : ru_utc_time(rel.archive_at);
	rel.key_at = strchr(k, 'Z') ? rel.key_at : ru_utc_time(rel.key_at);
	rel.criteria_at = strchr(c, 'Z') ? rel.criteria_at : ru_utc_time(rel.criteria_at);
	if (material_release_set(r->db, p.id, &rel, msg, sizeof msg)) {
		w->status = 400;
		return render(r, w, *msg ? msg : "Время не назначено.", false);
	}
	audit_add(r->db, &r->user, NULL, "material_schedule", p.code, NULL, r->ip);
	return render(r, w, "Время выдачи назначено.", true);
}

/* The refusal of a material asked for too early, in the school's words and time: the
 * model's message (the command line's) names the moment in UTC. */
static const char *refusal(struct web_req *r, int64_t procedure_id, enum material_what what, int rc,
			   const char *msg)
{
	struct material_release rel;
	char t[48];
	if (rc != ERR_PERM || material_release_get(r->db, procedure_id, &rel))
		return *msg ? msg : "Материал не выдан.";
	int64_t at = what == MATERIAL_ARCHIVE ? rel.archive_at : what == MATERIAL_KEY ? rel.key_at : rel.criteria_at;
	material_time_ru(at, t);
	return arena_printf(r->a, "Ещё рано: %s с %s по местному времени. Каждая попытка записывается.",
			    what == MATERIAL_ARCHIVE ? "архив с материалами будет доступен"
			    : what == MATERIAL_KEY ? "открытые варианты и ключ к архиву будут доступны"
						   : "критерии оценивания будут доступны", t);
}

/* Removes a temporary directory with its files and folders. */
static void remove_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[1024];
	struct stat st;
	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			remove_dir(path);
		else
			unlink(path);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

/* A moment as an MS-DOS date and time in the region's zone, what a ZIP entry keeps:
 * two-second steps, years 1980-2107. */
static void dos_moment(int64_t t, uint16_t *dtime, uint16_t *ddate)
{
	time_t x = (time_t)ru_local_time(t);
	struct tm tm;
	gmtime_r(&x, &tm);
	if (tm.tm_year < 80)
		tm = (struct tm){ .tm_year = 80, .tm_mday = 1 };
	*dtime = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	*ddate = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

/* Adds the files under dir to the ZIP as prefix/name, one level of folders deep (the
 * opened archive has a folder per variant), in the order of their names and each with the
 * same moment: the answer's bytes are the same whenever it is made, not the moment the
 * files were written out on this request (the ZIP keeps it to two seconds). */
static int zip_dir(zip_t *z, const char *dir, const char *prefix, uint16_t dtime, uint16_t ddate)
{
	struct dirent **e = NULL;
	int n = scandir(dir, &e, NULL, alphasort);
	int rc = n < 0 ? ERR_IO : 0;
	char path[1024], name[512];
	struct stat st;
	for (int i = 0; !rc && i < n; i++) {
		if (e[i]->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e[i]->d_name);
		snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "/" : "", e[i]->d_name);
		if (stat(path, &st))
			rc = ERR_IO;
		else if (S_ISDIR(st.st_mode))
			rc = *prefix ? 0 : zip_dir(z, path, name, dtime, ddate);
		else {
			zip_source_t *fs = zip_source_file(z, path, 0, -1);
			zip_int64_t at = fs ? zip_file_add(z, name, fs, ZIP_FL_ENC_UTF_8) : -1;
			if (at < 0) {
				if (fs)
					zip_source_free(fs);
				rc = ERR_IO;
			} else if (zip_file_set_dostime(z, (zip_uint64_t)at, dtime, ddate, 0) < 0)
				rc = ERR_IO;
		}
	}
	for (int i = 0; i < n; i++)
		free(e[i]);
	free(e);
	return rc;
}

/* The school's variants opened on the server, as a ZIP: both the archive and the key are
 * fetched through material_fetch, so the release time is checked and both requests are
 * recorded exactly as if the school had downloaded them itself. */
static int opened_variants(struct web_req *r, struct web_res *w, const struct procedure *p)
{
	char name[256], msg[512] = "", dir[600] = "", path[1024];
	struct buf archive = BUF_INIT, key = BUF_INIT;
	int64_t now = plan_now();
	long nfiles = 0;
	zip_t *z = NULL;
	int rc = material_fetch(r->db, p->id, r->user.school_id, MATERIAL_KEY, now, r->user.login, r->ip,
				&key, name, sizeof name, msg, sizeof msg);
	if (!rc)
		rc = material_fetch(r->db, p->id, r->user.school_id, MATERIAL_ARCHIVE, now, r->user.login,
				    r->ip, &archive, name, sizeof name, msg, sizeof msg);
	audit_add(r->db, &r->user, NULL, rc ? "material_refused" : "material_download", p->code,
		  arena_printf(r->a, "variants%s%s", rc ? ": " : "", rc ? msg : ""), r->ip);
	if (rc) {
		web_error_page(r, w, rc == ERR_PERM ? 403 : web_status_of(rc), refusal(r, p->id, MATERIAL_KEY, rc, msg));
		rc = 0;
		goto out;
	}
	/* Decrypted variants stay beside the database (mode 0700), never in the shared /tmp. */
	char work[512];
	if (material_work_dir(r->db, work, sizeof work) ||
	    (size_t)snprintf(dir, sizeof dir, "%s/XXXXXX", work) >= sizeof dir || !mkdtemp(dir)) {
		dir[0] = '\0';
		rc = ERR_IO;
		goto out;
	}
	snprintf(path, sizeof path, "%s/archive", dir);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(archive.p, 1, archive.len, f) != archive.len) {
		if (f)
			fclose(f);
		rc = ERR_IO;
		goto out;
	}
	fclose(f);
	char *hex = buf_steal(&key);
	hex[strcspn(hex, "\r\n")] = '\0';
	char opened[640];
	snprintf(opened, sizeof opened, "%s/open", dir);
	mkdir(opened, 0700);
	rc = material_open(path, hex, opened, &nfiles, msg, sizeof msg);
	free(hex);
	unlink(path);
	if (rc)
		goto out;
	/* Pack the opened files into a ZIP in memory for the answer. */
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src || !(z = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
		if (src)
			zip_source_free(src);
		rc = ERR_IO;
		goto out;
	}
	zip_source_keep(src);
	/* Every file carries the moment the key was released: the variants' opening. */
	struct material_release rel;
	uint16_t dtime, ddate;
	dos_moment(material_release_get(r->db, p->id, &rel) ? now : rel.key_at, &dtime, &ddate);
	rc = zip_dir(z, opened, "", dtime, ddate);
	if (rc || zip_close(z) < 0) {
		zip_discard(z);
		z = NULL;
		zip_source_free(src);
		rc = ERR_IO;
		goto out;
	}
	z = NULL;
	zip_stat_t st;
	if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
		buf_reserve(&w->body, (size_t)st.size);
		zip_int64_t got = zip_source_read(src, w->body.p + w->body.len, st.size);
		if (got > 0) {
			w->body.len += (size_t)got;
			w->body.p[w->body.len] = '\0';
		}
		zip_source_close(src);
	}
	zip_source_free(src);
	w->type = "application/zip";
	w->cache = "no-store";
	w->disposition = arena_printf(r->a, "attachment; filename=\"%s-variants.zip\"", p->code);
out:
	if (z)
		zip_discard(z);
	if (dir[0]) {
		char opened2[640];
		snprintf(opened2, sizeof opened2, "%s/open", dir);
		remove_dir(opened2);
		remove_dir(dir);
	}
	buf_free(&archive);
	buf_free(&key);
	if (rc && rc != ERR_NOMEM) {
		web_error_page(r, w, 500, *msg ? msg : "Не удалось открыть архив материалов.");
		rc = 0;
	}
	return rc;
}

/* Whether the school takes part in the procedure: when the procedure is in the
 * plan-graph, only its assigned schools get materials; without a plan, every school. */
static bool takes_part(struct web_req *r, int64_t procedure_id, int64_t school_id)
{
	bool yes;
	return !plan_takes_part(r->db, procedure_id, school_id, &yes) && yes;
}

int page_materials_get(struct web_req *r, struct web_res *w)
{
	static const char *const names[] = { "archive", "key", "criteria" };
	struct procedure p;
	int what = -1;
	const char *part = web_str(r, "what");
	for (int i = 0; i < 3; i++)
		if (!strcmp(part, names[i]))
			what = i;
	if (procedure_get(r->db, web_str(r, "procedure"), &p) || !takes_part(r, p.id, r->user.school_id))
		return ERR_NOTFOUND;
	if (!strcmp(part, "variants"))
		return opened_variants(r, w, &p);
	if (what < 0)
		return ERR_NOTFOUND;
	char name[256] = "", msg[512] = "";
	int64_t now = plan_now();
	int rc = material_fetch(r->db, p.id, r->user.school_id, (enum material_what)what, now, r->user.login,
				r->ip, &w->body, name, sizeof name, msg, sizeof msg);
	audit_add(r->db, &r->user, NULL, rc ? "material_refused" : "material_download", p.code,
		  arena_printf(r->a, "%s%s%s", names[what], rc ? ": " : "", rc ? msg : ""), r->ip);
	if (rc) {
		buf_reset(&w->body);
		web_error_page(r, w, rc == ERR_PERM ? 403 : web_status_of(rc),
			       refusal(r, p.id, (enum material_what)what, rc, msg));
		return 0;
	}
	w->cache = "no-store";
	if (what == MATERIAL_KEY) {
		w->type = "text/plain; charset=utf-8";
	} else if (what == MATERIAL_ARCHIVE) {
		w->type = "application/octet-stream";
		w->disposition = arena_printf(r->a, "attachment; filename=\"%s-materials.okokim\"", p.code);
	} else {
		/* The criteria as the region uploaded them: their file's ending (.pdf, .docx…), so
		 * that the file opens, and the procedure in words. */
		const char *dot = strrchr(name, '.'), *ext = dot && !strchr(dot, '/') && strlen(dot) <= 8 ? dot : "";
		char title[200];
		risk_procedure_words(title, sizeof title, p.code);
		w->type = !strcasecmp(ext, ".pdf") ? "application/pdf" : "application/octet-stream";
		struct buf d = BUF_INIT;
		web_disposition(&d, arena_printf(r->a, "%s-criteria%s", p.code, ext),
				arena_printf(r->a, "Критерии оценивания, %s%s", title, ext));
		w->disposition = arena_strdup(r->a, buf_str(&d));
		buf_free(&d);
	}
	return 0;
}
