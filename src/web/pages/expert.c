/* expert: the expert's queue and scoring page (docs/recheck.md).
 *
 *   GET  /                 (expert) the progress and «Продолжить проверку» (web_expert_home)
 *   GET  /expert           the queue: procedure, participant code, check 2 or 3, positions
 *                          filled, state; the overall progress
 *   GET  /expert/{id}      one check (id: the check's id): the scan beside the score grid;
 *                          for check 3 also the two earlier checks
 *   POST /expert/{id}      saves the grid (p: one value per position, in order; done=1
 *                          submits); with js=1 (static/recheck.js) the answer is JSON
 *   GET  /expert/{id}/scan the work's scan, inline, under a name that carries nothing
 *
 * Anonymity: an expert reaches nothing that names a school, its municipality or a login —
 * the model's task structures carry none (model/recheck.h), and nothing here looks one up.
 * The school's own scores appear only on a check 3 («проверка в школе»).
 *
 * The grid works without JavaScript as a plain form (Enter saves, «Завершить проверку»
 * submits). With recheck.js it is keyboard-first: Tab or Enter moves to the next position,
 * a value above the maximum is marked at once and not sent, every change is saved, and
 * Enter on the last position goes to the final button. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign/recheck.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "io/scan.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "stats/recheck.h"
#include "web/web.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* The expert of the user; 0 when the login is linked to nobody. */
static int64_t my_expert(struct web_req *r)
{
	int64_t id = 0;
	if (r->user.role != ROLE_EXPERT || expert_of_user(r->db, r->user.id, &id))
		return 0;
	return id;
}

static void not_linked(struct buf *b)
{
	buf_puts(b, "<p class=\"notice warn\">Ваша учётная запись пока не связана с реестром экспертов. "
		    "Обратитесь к координатору перепроверки: он свяжет ваш логин с записью реестра, "
		    "и здесь появятся работы, назначенные вам на проверку.</p>");
}

static const char *check_word(int check_no)
{
	return check_no == 3 ? "третья" : "вторая";
}

/* «проверено 3 из 10 работ» (the genitive after «из»: «из 1 работы», «из 5 работ»). */
static void overall(struct buf *b, long done, long all)
{
	buf_puts(b, "проверено ");
	html_int(b, done);
	buf_puts(b, " из ");
	html_int(b, all);
	html_printf(b, " %s", str_plural(all, "работы", "работ", "работ"));
}

static long count_done(const struct rc_task *v, size_t n)
{
	long d = 0;
	for (size_t i = 0; i < n; i++)
		d += v[i].done;
	return d;
}

/* The next check to open after `after` in queue order (wrapping round): an unfinished one
 * with a scan first, else any unfinished one; 0 when every check is done. */
static int64_t next_task(const struct rc_task *v, size_t n, int64_t after)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].id == after)
			start = i + 1;
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < n; k++) {
			const struct rc_task *t = &v[(start + k) % n];
			if (!t->done && t->id != after && (pass || t->has_scan))
				return t->id;
		}
	return 0;
}

static void progress_meter(struct buf *b, long done, long all)
{
	int pct = all > 0 ? (int)(100 * done / all) : 0;
	html_printf(b, "<meter min=\"0\" max=\"100\" value=\"%d\">%d%%</meter>", pct, pct);
}

/* ---- the home page part ---- */

void web_expert_home(struct web_req *r, struct buf *b)
{
	int64_t eid = my_expert(r);
	struct rc_task *v = NULL;
	size_t n = 0;
	if (!eid) {
		not_linked(b);
		return;
	}
	if (recheck_queue(r->db, eid, &v, &n)) {
		buf_puts(b, "<p class=\"alert\" role=\"alert\">Не удалось прочитать ваши работы.</p>");
		return;
	}
	long done = count_done(v, n);
	buf_puts(b, "<section class=\"rc-home\">");
	if (!n) {
		buf_puts(b, "<p>Работ на проверку вам пока не назначено.</p></section>");
		free(v);
		return;
	}
	buf_puts(b, "<p class=\"rc-progress\">");
	progress_meter(b, done, (long)n);
	buf_puts(b, " <span id=\"rc-overall\">");
	overall(b, done, (long)n);
	buf_puts(b, "</span></p>");
	int64_t next = next_task(v, n, 0);
	if (next)
		html_printf(b, "<p><a class=\"button\" href=\"/expert/%lld\">Продолжить проверку</a> "
			       "<a href=\"/expert\">Все работы</a></p>", (long long)next);
	else
		buf_puts(b, "<p class=\"notice\">Все назначенные вам работы проверены. Спасибо! "
			    "<a href=\"/expert\">Все работы</a></p>");
	buf_puts(b, "</section>");
	free(v);
}

/* ---- the queue ---- */

int page_expert(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	int64_t eid = my_expert(r);
	struct rc_task *v = NULL;
	size_t n = 0;
	html_begin(r, w, "Работы на проверке");
	buf_puts(b, "<h1>Работы на проверке</h1>");
	if (!eid) {
		not_linked(b);
		html_end(r, w);
		return 0;
	}
	int rc = recheck_queue(r->db, eid, &v, &n);
	if (rc)
		return rc;
	long done = count_done(v, n);
	if (!n) {
		buf_puts(b, "<p>Работ на проверку вам пока не назначено. Когда координатор распределит "
			    "работы, они появятся здесь.</p>");
		html_end(r, w);
		return 0;
	}
	buf_puts(b, "<p class=\"lead rc-progress\">");
	progress_meter(b, done, (long)n);
	buf_puts(b, " <span id=\"rc-overall\">");
	overall(b, done, (long)n);
	buf_puts(b, "</span></p>");
	int64_t next = next_task(v, n, 0);
	if (next)
		html_printf(b, "<p><a class=\"button\" href=\"/expert/%lld\">Продолжить проверку</a></p>",
			    (long long)next);
	/* One procedure (the usual case): named once above the table, not on every row. */
	bool one = true;
	for (size_t i = 1; i < n && one; i++)
		one = !strcmp(v[i].procedure, v[0].procedure);
	buf_puts(b, "<p class=\"muted\">Вы видите только код участника и скан работы: школа эксперту не "
		    "сообщается. Баллы сохраняются по мере ввода; завершённую проверку изменить нельзя.</p>");
	if (one) {
		buf_puts(b, "<h2>");
		html_text(b, v[0].title);
		buf_puts(b, "</h2>");
	}
	/* The check's number tells works apart: works of different schools may carry one code. */
	buf_puts(b, "<div class=\"scroll\"><table class=\"rc-queue\"><thead><tr><th class=\"num\">№</th>");
	if (!one)
		buf_puts(b, "<th>Процедура</th>");
	buf_puts(b, "<th>Код участника</th><th>Проверка</th><th>Позиции</th><th>Состояние</th>"
		    "<th></th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct rc_task *t = &v[i];
		html_printf(b, "<tr><td class=\"num\">%lld</td>", (long long)t->id);
		if (!one) {
			buf_puts(b, "<td>");
			html_text(b, t->title);
			buf_puts(b, "</td>");
		}
		buf_puts(b, "<td class=\"num\">");
		html_text(b, t->code);
		html_printf(b, "</td><td>%s</td><td>заполнено %d из %d</td><td>", check_word(t->check_no),
			    t->filled, t->npos);
		if (t->done)
			buf_puts(b, "завершена");
		else if (t->filled)
			buf_puts(b, "начата");
		else
			buf_puts(b, "не начата");
		if (!t->has_scan)
			buf_puts(b, "<br><small class=\"muted\">скан ещё не загружен</small>");
		html_printf(b, "</td><td><a href=\"/expert/%lld\">%s</a></td></tr>", (long long)t->id,
			    t->done ? "Посмотреть" : t->filled ? "Продолжить" : "Проверить");
	}
	buf_puts(b, "</tbody></table></div>");
	free(v);
	html_end(r, w);
	return 0;
}

/* ---- the scoring page ---- */

/* The scan beside the grid: an image, or the PDF in an <object> with a link for browsers
 * that do not show it inline. */
static void scan_view(struct buf *b, const struct rc_task_view *v)
{
	buf_puts(b, "<section class=\"rc-scan\" aria-label=\"Скан работы\">");
	if (!v->scan_id[0]) {
		buf_puts(b, "<p class=\"notice warn\">Скан этой работы ещё не загружен: оценивать её пока не "
			    "по чему. Работа останется в вашем списке — вернитесь к ней, когда скан появится.</p>"
			    "</section>");
		return;
	}
	long long id = (long long)v->t.id;
	if (!strcmp(v->scan_type, "jpeg"))
		html_printf(b, "<img class=\"rc-scan-img\" src=\"/expert/%lld/scan\" alt=\"Скан работы\" "
			       "width=\"100%%\">",
			    id);
	else
		html_printf(b, "<object class=\"rc-scan-pdf\" data=\"/expert/%lld/scan\" "
			       "type=\"application/pdf\" width=\"100%%\" height=\"900\">"
			       "<p>Браузер не показывает PDF на странице: откройте скан по ссылке ниже.</p></object>",
			    id);
	html_printf(b, "<p><a href=\"/expert/%lld/scan\" target=\"_blank\" rel=\"noopener\">Открыть скан "
		       "в отдельной вкладке</a></p></section>",
		    id);
}

/* The score grid. typed: the values to show instead of the stored ones (a refused plain
 * form comes back as typed), or NULL. */
static void grid_view(struct web_req *r, struct buf *b, const struct rc_task_view *v,
		      const struct procedure *p, const char *const *typed, int ntyped)
{
	bool ro = v->t.done;
	long long id = (long long)v->t.id;
	html_printf(b, "<form class=\"rc-grid\" id=\"rc-grid\" method=\"post\" action=\"/expert/%lld\" "
		       "data-task=\"%lld\" autocomplete=\"off\">",
		    id, id);
	html_csrf(r, b);
	buf_puts(b, "<div class=\"scroll\"><table class=\"entry rc-scores\"><thead><tr>"
		    "<th scope=\"col\">Позиция</th><th scope=\"col\">Максимум</th>");
	if (v->earlier)
		buf_puts(b, "<th scope=\"col\">Проверка в школе</th><th scope=\"col\">Вторая проверка</th>");
	buf_puts(b, "<th scope=\"col\">Ваш балл</th></tr></thead><tbody>");
	int e1 = 0, e2 = 0, total = 0;
	for (int i = 0; i < p->npos && i < v->t.npos; i++) {
		const struct position *q = &p->pos[i];
		html_printf(b, "<tr><th scope=\"row\"><label for=\"p%d\">", i + 1);
		html_text(b, q->label);
		html_printf(b, "</label></th><td class=\"num\">%d</td>", q->max);
		if (v->earlier) {
			html_printf(b, "<td class=\"num\">%d</td><td class=\"num\">%d</td>", v->e1[i], v->e2[i]);
			e1 += v->e1[i];
			e2 += v->e2[i];
		}
		char val[16] = "";
		if (typed && i < ntyped)
			str_copy_utf8(val, sizeof val, typed[i]);
		else if (i < v->ns && v->s[i] != RC_SCORE_EMPTY) {
			snprintf(val, sizeof val, "%d", v->s[i]);
			total += v->s[i];
		}
		html_printf(b, "<td><input id=\"p%d\" name=\"p\" type=\"text\" inputmode=\"numeric\" "
			       "pattern=\"[0-9]*\" min=\"0\" max=\"%d\" data-max=\"%d\" maxlength=\"3\" "
			       "aria-describedby=\"e%d\" value=\"",
			    i + 1, q->max, q->max, i + 1);
		html_attr(b, val);
		html_printf(b, "\"%s><span class=\"cell-err\" id=\"e%d\"></span></td></tr>", ro ? " readonly" : "",
			    i + 1);
	}
	buf_puts(b, "</tbody>");
	/* The total of the stored scores (the script keeps it as the cells change). */
	if (v->earlier)
		html_printf(b, "<tfoot><tr><th scope=\"row\">Первичный балл</th><td class=\"num\">%d</td>"
			       "<td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">"
			       "<output id=\"rc-total\">%d</output></td></tr></tfoot>",
			    p->max_score, e1, e2, total);
	else
		html_printf(b, "<tfoot><tr><th scope=\"row\">Первичный балл</th><td class=\"num\">%d</td>"
			       "<td class=\"num\"><output id=\"rc-total\">%d</output></td></tr></tfoot>",
			    p->max_score, total);
	buf_puts(b, "</table></div>"
		    "<p id=\"rc-status\" class=\"act-status\" role=\"status\" aria-live=\"polite\"></p>");
	if (ro) {
		buf_puts(b, "<p class=\"notice\">Проверка завершена");
		if (v->t.saved_at[0]) {
			buf_puts(b, " ");
			web_moment_ru(b, v->t.saved_at);
		}
		buf_puts(b, ". Изменить её нельзя.</p>");
	} else {
		/* The first submit button is the one Enter presses without the script: it saves. */
		buf_puts(b, "<p class=\"actions\"><button type=\"submit\" class=\"secondary\" id=\"rc-save\">"
			    "Сохранить</button> <button type=\"submit\" name=\"done\" value=\"1\" id=\"rc-done\">"
			    "Завершить проверку</button></p><p class=\"muted\">Tab или Enter — к следующей "
			    "позиции. «Завершить проверку» — когда заполнены все позиции; после этого "
			    "откроется следующая работа.</p>");
	}
	buf_puts(b, "</form>");
}

/* The page of one check; error: a message to show above the grid (a refused plain form),
 * typed: the values as sent. */
static int task_page(struct web_req *r, struct web_res *w, int64_t eid, int64_t check_id,
		     const char *error, const char *const *typed, int ntyped)
{
	struct rc_task_view *v = calloc(1, sizeof *v);
	struct procedure *p = calloc(1, sizeof *p);
	struct rc_task *q = NULL;
	size_t nq = 0;
	struct buf *b = &w->body;
	int rc = ERR_NOMEM;
	if (!v || !p)
		goto out;
	if ((rc = recheck_task_get(r->db, eid, check_id, v)))
		goto out;
	if ((rc = procedure_get(r->db, v->t.procedure, p)))
		goto out;
	if (recheck_queue(r->db, eid, &q, &nq))
		nq = 0;
	char title[200];
	snprintf(title, sizeof title, "Работа %s", v->t.code);
	html_begin(r, w, title);
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/expert\">Работы на проверке</a>");
	if (nq) {
		buf_puts(b, " · <span id=\"rc-overall\">");
		overall(b, count_done(q, nq), (long)nq);
		buf_puts(b, "</span>");
	}
	buf_puts(b, "</p><h1>Работа ");
	html_text(b, v->t.code);
	html_printf(b, " <small class=\"muted\">№\xC2\xA0%lld</small></h1><p class=\"lead\">", (long long)v->t.id);
	html_text(b, v->t.title);
	html_printf(b, " · %s проверка</p>", check_word(v->t.check_no));
	if (error) {
		buf_puts(b, "<p class=\"alert\" role=\"alert\">");
		html_text(b, error);
		buf_puts(b, "</p>");
	}
	if (v->earlier)
		buf_puts(b, "<p class=\"notice warn\">Оценки в школе и второго эксперта существенно "
			    "расходятся. Ваша проверка — третья и окончательная; обе прежние оценки "
			    "показаны рядом с вашими.</p>");
	/* Without a scan nothing stands beside the grid; a third check's grid carries the two
	 * earlier scores beside each criterion and needs the width for them. */
	buf_puts(b, !v->scan_id[0] ? "<div class=\"rc-task rc-alone\">"
		    : v->earlier    ? "<div class=\"rc-task rc-third\">"
				    : "<div class=\"rc-task\">");
	scan_view(b, v);
	buf_puts(b, "<section class=\"rc-score\" aria-label=\"Баллы по критериям\">");
	if (v->scan_id[0] || v->t.done)
		grid_view(r, b, v, p, typed, ntyped);
	int64_t next = nq ? next_task(q, nq, v->t.id) : 0;
	if (next && (v->t.done || !v->scan_id[0]))
		html_printf(b, "<p><a class=\"button\" href=\"/expert/%lld\">Следующая работа</a></p>",
			    (long long)next);
	buf_puts(b, "</section></div><script src=\"/static/recheck.js\" defer></script>");
	html_end(r, w);
	rc = 0;
out:
	free(v);
	free(p);
	free(q);
	return rc;
}

int page_expert_task(struct web_req *r, struct web_res *w)
{
	int64_t eid = my_expert(r);
	if (!eid)
		return ERR_NOTFOUND;
	return task_page(r, w, eid, web_int(r, "id"), NULL, NULL, 0);
}

/* A JSON string (the characters JSON escapes; the text is valid UTF-8). */
static void json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if ((unsigned char)*s < 0x20)
			buf_printf(b, "\\u%04x", (unsigned char)*s);
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void json_error(struct web_res *w, int status, const char *text)
{
	w->status = status;
	w->type = JSON_TYPE;
	w->cache = "no-store";
	buf_reset(&w->body);
	buf_puts(&w->body, "{\"ok\":false,\"error\":");
	json_str(&w->body, text);
	buf_puts(&w->body, "}\n");
}

/* Parses the grid's values against the positions' maxima: s[0..*ns-1] gets the values up
 * to the last one given, RC_SCORE_EMPTY for an empty cell before it (stored as not scored
 * yet: what follows a gap is kept too); *nfilled counts the scored ones. ERR_INVALID with a
 * Russian msg naming the position and its maximum. */
static int parse_scores(const struct procedure *p, const char *const *val, int nval, uint8_t *s,
			int *ns, int *nfilled, char *msg, size_t n)
{
	*ns = 0;
	*nfilled = 0;
	if (nval > p->npos) {
		snprintf(msg, n, "Баллов больше, чем позиций в работе (%d): обновите страницу.", p->npos);
		return ERR_INVALID;
	}
	for (int i = 0; i < nval; i++) {
		const char *t = val[i];
		size_t len = strlen(t);
		while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
			len--;
		while (len && (*t == ' ' || *t == '\t'))
			t++, len--;
		s[i] = RC_SCORE_EMPTY;
		if (!len)
			continue;
		const struct position *q = &p->pos[i];
		long x = 0;
		bool digits = len <= 3;
		for (size_t k = 0; k < len && digits; k++)
			digits = t[k] >= '0' && t[k] <= '9';
		if (digits)
			for (size_t k = 0; k < len; k++)
				x = x * 10 + (t[k] - '0');
		if (!digits) {
			snprintf(msg, n, "Позиция «%s»: балл должен быть целым числом от 0 до %d.", q->label,
				 q->max);
			return ERR_INVALID;
		}
		if (x > q->max) {
			snprintf(msg, n, "Позиция «%s»: балл %ld больше максимума %d.", q->label, x, q->max);
			return ERR_INVALID;
		}
		s[i] = (uint8_t)x;
		(*nfilled)++;
		*ns = i + 1;
	}
	return 0;
}

/* After a submitted check 2: when it differs significantly from the school's scores, a
 * third expert is assigned at once (the round's seed keeps the draw reproducible). The
 * work is found among the procedure's sampled works by its check 2. A failure here
 * (no expert free) only leaves the work waiting for the coordinator's assignment. */
static void third_check(struct web_req *r, const struct rc_task_view *v, const struct procedure *p)
{
	struct scope all = scope_all();
	struct rc_work *works = NULL;
	size_t n = 0;
	struct rc_cfg cfg;
	if (recheck_cfg_get(r->db, v->procedure_id, &cfg) ||
	    recheck_work_list(r->db, &all, 0, v->procedure_id, &works, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct rc_work *x = &works[i];
		if (x->check_id[0] != v->t.id)
			continue;
		if (!x->done[0] || x->expert_id[1] ||
		    !rc_significant(&cfg, p->has_scale ? p->scale : NULL, x->s1, x->s[0], x->npos))
			break;
		struct rc_round rd;
		struct rc_assign_report rep;
		char msg[300] = "";
		if (recheck_round_get(r->db, x->round_id, &rd))
			break;
		int rc = recheck_assign(r->db, x->round_id, rd.seed, "oko", &rep, msg, sizeof msg);
		if (rc)
			log_warn("перепроверка: третий эксперт для работы %lld не назначен: %s",
				 (long long)x->id, *msg ? msg : err_str(rc));
		break;
	}
	free(works);
}

int page_expert_save(struct web_req *r, struct web_res *w)
{
	bool js = web_flag(r, "js"), done = web_flag(r, "done");
	int64_t eid = my_expert(r), id = web_int(r, "id");
	struct rc_task_view *v = calloc(1, sizeof *v);
	struct procedure *p = calloc(1, sizeof *p);
	const char **val = calloc(PROC_MAX_POSITIONS + 1, sizeof *val);
	struct rc_task *q = NULL;
	size_t nq = 0;
	uint8_t s[PROC_MAX_POSITIONS] = { 0 };
	char msg[400] = "";
	int nval = 0, ns = 0, nfilled = 0, rc = ERR_NOMEM;
	if (!v || !p || !val)
		goto out;
	if (!eid || recheck_task_get(r->db, eid, id, v)) {
		rc = ERR_NOTFOUND;
		if (js) {
			json_error(w, 404, "Эта работа вам не назначена.");
			rc = 0;
		}
		goto out;
	}
	if ((rc = procedure_get(r->db, v->t.procedure, p)))
		goto out;
	for (int i = 0; i < r->nform; i++) {
		if (strcmp(r->form[i].key, "p"))
			continue;
		if (nval > PROC_MAX_POSITIONS)
			break;
		val[nval++] = r->form[i].value;
	}
	if (v->t.done) {
		snprintf(msg, sizeof msg, "Проверка уже завершена: изменить её нельзя.");
		rc = ERR_EXISTS;
	} else if (!v->scan_id[0]) {
		snprintf(msg, sizeof msg, "Скан этой работы ещё не загружен: оценивать её пока нельзя.");
		rc = ERR_INVALID;
	} else if ((rc = parse_scores(p, val, nval > p->npos ? p->npos + 1 : nval, s, &ns, &nfilled,
				      msg, sizeof msg))) {
		/* msg says which position */
	} else if (done && nfilled < p->npos) {
		snprintf(msg, sizeof msg, "Чтобы завершить проверку, заполните все позиции: заполнено %d из %d.",
			 nfilled, p->npos);
		rc = ERR_INVALID;
	} else {
		rc = recheck_task_save(r->db, eid, id, s, ns, done, msg, sizeof msg);
		if (rc == ERR_NOTFOUND) {
			if (js) {
				json_error(w, 404, "Эта работа вам не назначена.");
				rc = 0;
			}
			goto out;
		}
	}
	if (rc == ERR_INVALID || rc == ERR_EXISTS) {
		char text[500];
		snprintf(text, sizeof text, "%s%s", rc == ERR_EXISTS ? "" : "Не сохранено. ",
			 *msg ? msg : "проверьте баллы.");
		if (js) {
			json_error(w, rc == ERR_EXISTS ? 409 : 400, text);
			rc = 0;
		} else {
			rc = task_page(r, w, eid, id, text, val, nval > p->npos ? p->npos : nval);
			if (!rc)
				w->status = 400;
		}
		goto out;
	}
	if (rc)
		goto out;
	int64_t next = 0;
	if (done) {
		audit_add(r->db, &r->user, NULL, "recheck_done", arena_printf(r->a, "%lld", (long long)id),
			  arena_printf(r->a, "проверка %d", v->t.check_no), r->ip);
		if (v->t.check_no == 2)
			third_check(r, v, p);
		if (!recheck_queue(r->db, eid, &q, &nq))
			next = next_task(q, nq, id);
	}
	const char *url = next ? arena_printf(r->a, "/expert/%lld", (long long)next)
			       : done ? "/expert" : arena_printf(r->a, "/expert/%lld", (long long)id);
	if (js) {
		w->type = JSON_TYPE;
		w->cache = "no-store";
		buf_printf(&w->body, "{\"ok\":true,\"filled\":%d,\"done\":%s", nfilled, done ? "true" : "false");
		if (done)
			buf_printf(&w->body, ",\"checked\":%ld,\"works\":%zu,\"next\":\"%s\"", count_done(q, nq), nq,
				   url);
		buf_puts(&w->body, "}\n");
	} else {
		web_redirect(w, url);
	}
	rc = 0;
out:
	free(v);
	free(p);
	free(val);
	free(q);
	return rc;
}

/* ---- the scan ---- */

int page_expert_scan(struct web_req *r, struct web_res *w)
{
	int64_t eid = my_expert(r);
	struct rc_task_view *v = calloc(1, sizeof *v);
	char file[4096], dir[4200];
	void *data = NULL;
	size_t n = 0;
	int rc = ERR_NOTFOUND;
	if (!v)
		return ERR_NOMEM;
	if (!eid || recheck_task_get(r->db, eid, web_int(r, "id"), v) || !v->scan_id[0])
		goto out;
	enum scan_type t = scan_type_parse(v->scan_type);
	if (t == SCAN_UNKNOWN)
		goto out;
	db_file(r->db, file, sizeof file);
	scan_dir_of(file, dir, sizeof dir);
	if ((rc = scan_load(dir, v->scan_id, &data, &n))) {
		if (rc != ERR_NOTFOUND)
			log_warn("скан проверки %lld не прочитан: %s", (long long)v->t.id, err_str(rc));
		rc = ERR_NOTFOUND;
		goto out;
	}
	if ((rc = buf_append(&w->body, data, n)))
		goto out;
	w->type = scan_type_mime(t);
	w->disposition = t == SCAN_PDF ? "inline; filename=\"scan.pdf\"" : "inline; filename=\"scan.jpg\"";
	w->cache = "no-store";
	w->frame_self = true; /* shown beside the score grid */
out:
	free(data);
	free(v);
	return rc;
}
