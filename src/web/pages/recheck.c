/* recheck: the coordinator's pages of re-checking (docs/recheck.md).
 *
 *   GET  /recheck[?procedure=]        the rounds the scope sees with their progress, the form
 *        «Новая перепроверка» (with a dry run «Проверить отбор»), the procedure's settings,
 *        the experts' registry (upload experts.csv, link a login)
 *   POST /recheck/sample              samples a round (assign/recheck.c: recheck_sample); a
 *        dry run answers with the counts, a real one redirects to the new round
 *   POST /recheck/settings            a procedure's settings (region and admin only: they
 *        hold for every municipality's rounds)
 *   POST /recheck/experts/import      experts.csv / .xlsx from memory (import_experts)
 *   POST /recheck/experts/link        a login of role expert linked to an expert
 *   GET  /recheck/{id}[?page=]        a round: facts, progress, the assignment, missing scans,
 *        the results (report/recheck.c) and the works, paginated
 *   POST /recheck/{id}/assign         experts for the round (recheck_assign)
 *   GET  /recheck/{id}/works.csv|schools.csv|experts.csv|positions.csv   the results tables
 *
 * Also the school's evidence card section (web_recheck_card, first on /risk/{login}).
 *
 * Everything is limited to the coordinator's scope: the model lists only the rounds, works
 * and experts it sees; a round or expert named in a request outside it is 404. These pages
 * are the coordinators' only: an expert never reaches them (route.c), so they may name
 * schools. All SQL is in model/recheck.c. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "assign/recheck.h"
#include "base/diag.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/ru.h"
#include "base/str.h"
#include "import/import.h"
#include "io/table_write.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/unit.h"
#include "model/user.h"
#include "report/card_words.h"
#include "report/recheck.h"
#include "report/risk_doc.h"
#include "stats/recheck.h"
#include "web/download.h"
#include "web/metrics.h"
#include "web/web.h"

#define WORKS_PER_PAGE 100
#define MEDAL_MAX 2000

/* ---- numbers and words ---- */

/* The sampling rules as the form and the round name them (by bit position). */
static const char *const rule_label[RC_RULE_COUNT] = {
	"работы школ из списка риска",
	"школы с официальными признаками",
	"работы у границ отметок",
	"случайная контрольная выборка других школ",
	"кандидаты на медаль",
};
/* The order of the checkboxes: the two lists, the boundary, the control sample, medals. */
static const unsigned rule_order[RC_RULE_COUNT] = {
	RC_RULE_RISK, RC_RULE_OFFICIAL, RC_RULE_BOUNDARY, RC_RULE_RANDOM, RC_RULE_MEDAL,
};

static int bit_index(unsigned bit)
{
	for (int i = 0; i < RC_RULE_COUNT; i++)
		if (bit == 1u << i)
			return i;
	return 0;
}

/* A signed difference with its sign: «+1,3», «−0,5», «0,0». */
static void delta_ru(struct buf *b, double v, int dec)
{
	char t[RU_NUM_MAX + 4];
	html_text(b, card_signed(t, sizeof t, v, dec));
}

static void works_word(struct buf *b, long n)
{
	html_count(b, n, "работа", "работы", "работ");
}

/* The rules of a round ('risk,boundary') in Russian, separated by «; ». */
static void rules_ru(struct buf *b, const char *list)
{
	const char *bad = NULL;
	unsigned m = rc_rules_parse(list, &bad);
	bool first = true;
	for (int i = 0; i < RC_RULE_COUNT; i++) {
		unsigned bit = rule_order[i];
		if (!(m & bit))
			continue;
		if (!first)
			buf_puts(b, "; ");
		first = false;
		html_text(b, rule_label[bit_index(bit)]);
	}
	if (first)
		html_text(b, list);
}

/* Why a work was chosen: its detail, else its rule's title. */
static void reason_ru(struct buf *b, const struct rc_work *x)
{
	if (x->detail[0]) {
		html_text(b, x->detail);
		return;
	}
	const char *bad = NULL;
	unsigned m = rc_rules_parse(x->reason, &bad);
	html_text(b, m ? rule_label[bit_index(m)] : x->reason);
}

static bool is_region(const struct web_req *r)
{
	return r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION;
}

static void notice(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

/* A procedure as people name it with its year: «ВПР, математика, 4 класс, 2021». */
static void proc_title(struct buf *b, const char *code, const char *subject, int grade, int year)
{
	char t[160];
	if (procedure_title_of(code, subject, grade, t, sizeof t) && year > 0)
		html_textf(b, "%s, %d", t, year);
	else
		html_text(b, t);
}

/* The seed of a form: the typed one, or a random one that fits the key when typed back. */
static uint64_t posted_seed(struct web_req *r)
{
	const char *s = web_str(r, "seed");
	uint64_t seed;
	if (s && *s)
		return (uint64_t)web_int(r, "seed");
	randombytes_buf(&seed, sizeof seed);
	return seed & (((uint64_t)1 << 53) - 1);
}

/* A share as typed: «10 %», «10%», «0,1», «0.1» or «10» (a number above 1 is a percent).
 * 0 < share <= 1, else ERR_INVALID. */
static int parse_share(const char *s, double *out)
{
	char t[32];
	size_t n = 0;
	bool percent = false, digit = false;
	if (!s)
		return ERR_INVALID;
	for (const char *c = s; *c; c++) {
		if (*c == ' ' || *c == '\t')
			continue;
		if (!strncmp(c, "\xC2\xA0", 2)) { /* a no-break space */
			c++;
			continue;
		}
		if (*c == '%' && !percent) {
			percent = true;
			continue;
		}
		if (percent || n + 1 >= sizeof t)
			return ERR_INVALID; /* something after the percent sign, or too long */
		if (*c == ',' || *c == '.')
			t[n++] = '.';
		else if (isdigit((unsigned char)*c))
			t[n++] = *c, digit = true;
		else
			return ERR_INVALID;
	}
	t[n] = 0;
	if (!digit || strchr(t, '.') != strrchr(t, '.'))
		return ERR_INVALID;
	char *end;
	double v = strtod(t, &end);
	if (*end || !isfinite(v))
		return ERR_INVALID;
	if (percent || v > 1)
		v /= 100;
	if (!(v > 0 && v <= 1))
		return ERR_INVALID;
	*out = v;
	return 0;
}

/* ---- the list page ---- */

/* What a POST handler has to say above the page, and the sampling form as it was sent. */
struct flash {
	const char *text;
	bool ok;
	const struct diag_list *diags;          /* experts.csv */
	const struct rc_sample_report *sample;  /* a dry run's counts */
	const struct rc_assign_report *assign;
	uint64_t seed;
	/* The sampling form as sent (re-shown after a dry run or a refusal). */
	bool form;
	const char *procedure, *share, *medal;
	unsigned rules;
	int kind;
	bool no_mutual;
	uint64_t form_seed;
	bool has_seed;
};

struct proc_opts {
	struct web_req *r;
	struct buf *b;
	const char *selected;
	int n;
};

static int proc_option(void *ctx, const struct procedure_item *p)
{
	struct proc_opts *o = ctx;
	if (!scope_sees_procedure(o->r->db, &o->r->scope, p->id))
		return 0;
	buf_puts(o->b, "<option value=\"");
	html_attr(o->b, p->code);
	buf_puts(o->b, "\"");
	if (o->selected && !strcmp(o->selected, p->code))
		buf_puts(o->b, " selected");
	buf_puts(o->b, ">");
	proc_title(o->b, p->code, p->subject, p->grade, p->year);
	buf_puts(o->b, "</option>");
	o->n++;
	return 0;
}

/* The <option>s of the procedures the scope sees; returns how many. */
static int proc_options(struct web_req *r, struct buf *b, const char *selected)
{
	struct proc_opts o = { r, b, selected, 0 };
	procedure_each(r->db, proc_option, &o);
	return o.n;
}

static void progress_cells(struct buf *b, const struct rc_round *x)
{
	buf_puts(b, "<td class=\"num\">");
	html_int(b, x->works);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->scans);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->done2);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->need3 > x->done3 ? x->need3 - x->done3 : 0);
	buf_puts(b, "</td><td class=\"num\">");
	html_int(b, x->final);
	buf_puts(b, "</td>");
}

static void rounds_table(struct web_req *r, struct buf *b, int64_t procedure_id)
{
	struct rc_round *v = NULL;
	size_t n = 0;
	buf_puts(b, "<section class=\"card\" id=\"rounds\"><h2>Перепроверки</h2>");
	if (recheck_round_list(r->db, &r->scope, procedure_id, &v, &n)) {
		notice(b, false, "Не удалось прочитать перепроверки.");
		buf_puts(b, "</section>");
		return;
	}
	if (!n) {
		buf_puts(b, "<p>Перепроверок пока нет: отберите работы формой «Новая перепроверка».</p></section>");
		free(v);
		return;
	}
	bool mun_col = r->scope.kind != SCOPE_MUNICIPALITY;
	buf_puts(b, "<div class=\"scroll\"><table class=\"rc-rounds\"><thead><tr><th>Процедура</th><th>Вид</th>"
		    "<th>Правила отбора</th>");
	if (mun_col)
		buf_puts(b, "<th>Территория</th>");
	buf_puts(b, "<th>Создана</th><th class=\"num\">Работ</th><th class=\"num\">Со сканом</th>"
		    "<th class=\"num\">Проверено экспертом</th>"
		    "<th class=\"num\">Ждут третьей проверки</th><th class=\"num\">Итог есть</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct rc_round *x = &v[i];
		html_printf(b, "<tr><td><a href=\"/recheck/%lld\">", (long long)x->id);
		html_text(b, x->title[0] ? x->title : x->procedure);
		buf_puts(b, "</a></td><td>");
		html_text(b, rc_kind_title(x->kind));
		buf_puts(b, "</td><td>");
		rules_ru(b, x->rules);
		buf_puts(b, "</td>");
		if (mun_col) {
			buf_puts(b, "<td>");
			html_text(b, x->municipality_id ? x->municipality : "регион");
			buf_puts(b, "</td>");
		}
		buf_puts(b, "<td>");
		web_moment_ru(b, x->created_at);
		buf_puts(b, "</td>");
		progress_cells(b, x);
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table></div></section>");
	free(v);
}

static void sample_report(struct buf *b, const struct flash *f)
{
	const struct rc_sample_report *x = f->sample;
	buf_puts(b, "<section class=\"card\" id=\"sample-report\"><h2>Проверка отбора (ничего не сохранено)"
		    "</h2><dl class=\"facts\"><dt>Работ рассмотрено</dt><dd>");
	html_int(b, x->candidates);
	buf_puts(b, "</dd>");
	for (int i = 0; i < RC_RULE_COUNT; i++) {
		unsigned bit = rule_order[i];
		if (!(f->rules & bit))
			continue;
		buf_puts(b, "<dt>");
		html_text(b, rule_label[bit_index(bit)]);
		buf_puts(b, "</dt><dd>");
		works_word(b, x->chosen[bit_index(bit)]);
		buf_puts(b, "</dd>");
	}
	buf_puts(b, "<dt>Отобрано всего</dt><dd>");
	works_word(b, x->works);
	buf_puts(b, " из ");
	html_count(b, x->schools, "школы", "школ", "школ");
	html_printf(b, "</dd><dt>Число для жребия</dt><dd>%llu</dd></dl><p>Чтобы сохранить этот отбор, "
		       "нажмите «Отобрать работы» с тем же числом для жребия.</p></section>",
		    (unsigned long long)f->seed);
}

static void sample_form(struct web_req *r, struct buf *b, const struct flash *f, const char *code)
{
	bool sent = f && f->form;
	unsigned rules = sent ? f->rules : RC_RULE_RISK | RC_RULE_RANDOM;
	buf_puts(b, "<section class=\"card\" id=\"new\"><h2>Новая перепроверка</h2><p>Отбор повторяется по "
		    "числу для жребия: с тем же числом и теми же данными отбираются те же работы. Работа, "
		    "уже отобранная раньше, повторно не отбирается. Школы списка риска и с признаками "
		    "берутся из последнего анализа.</p>");
	/* A refusal is said again here, where the page opens after it (#new): on a phone the
	 * page's top is a long way above the form. */
	if (sent && f->text && !f->ok && !f->sample)
		notice(b, false, f->text);
	buf_puts(b, "<form method=\"post\" action=\"/recheck/sample#new\" class=\"grid rc-sample\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Процедура <select name=\"procedure\" required>");
	if (!proc_options(r, b, sent ? f->procedure : code))
		buf_puts(b, "<option value=\"\">процедур с результатами нет</option>");
	buf_puts(b, "</select></label><fieldset class=\"rc-rules\"><legend>Какие работы отобрать</legend>");
	for (int i = 0; i < RC_RULE_COUNT; i++) {
		unsigned bit = rule_order[i];
		html_printf(b, "<label class=\"check\"><input type=\"checkbox\" name=\"rule\" value=\"%s\"%s> ",
			    rc_rule_id((enum rc_rule)bit), rules & bit ? " checked" : "");
		html_text(b, rule_label[bit_index(bit)]);
		buf_puts(b, "</label>");
	}
	buf_puts(b, "</fieldset><label class=\"rc-medal\">Кандидаты на медаль: по строке на работу — логин "
		    "школы и код участника через запятую <textarea name=\"medal\" rows=\"3\" "
		    "placeholder=\"sch220206, 10123\">");
	if (sent && f->medal)
		html_text(b, f->medal);
	buf_puts(b, "</textarea></label><label>Доля работ <input name=\"share\" required maxlength=\"12\" "
		    "inputmode=\"decimal\" value=\"");
	html_attr(b, sent && f->share ? f->share : "10 %");
	buf_puts(b, "\"><small class=\"muted\">в процентах (10 %) или долей (0,1): для случайной выборки — "
		    "доля других школ, для остальных правил — доля работ каждой отобранной школы "
		    "(100 % — все её работы)</small></label>"
		    "<label>Число для жребия (необязательно) <input name=\"seed\" inputmode=\"numeric\" "
		    "pattern=\"[0-9]*\" value=\"");
	if (sent && f->has_seed)
		html_printf(b, "%llu", (unsigned long long)f->form_seed);
	buf_puts(b, "\"></label><label>Вид проверки <select name=\"kind\">");
	int kind = sent ? f->kind : RC_MUNICIPAL;
	for (int k = RC_MUNICIPAL; k <= RC_CROSS; k++) {
		html_printf(b, "<option value=\"%s\"%s>", rc_kind_id((enum rc_kind)k), k == kind ? " selected" : "");
		html_text(b, rc_kind_title((enum rc_kind)k));
		buf_puts(b, "</option>");
	}
	html_printf(b, "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"no_mutual\" "
		       "value=\"1\"%s> при перекрёстной проверке две школы не проверяют друг друга</label>"
		       "<div class=\"buttons\"><button>Отобрать работы</button> <button class=\"secondary\" "
		       "name=\"dry_run\" value=\"1\" formaction=\"/recheck/sample#sample-report\">Проверить "
		       "отбор</button></div></form></section>",
		    !sent || f->no_mutual ? " checked" : "");
}

/* The procedure the settings section shows: the chosen one, else the newest round's, else
 * the first the scope sees. */
struct first_proc {
	struct web_req *r;
	char code[40];
};

static int first_proc(void *ctx, const struct procedure_item *p)
{
	struct first_proc *o = ctx;
	if (!scope_sees_procedure(o->r->db, &o->r->scope, p->id))
		return 0;
	snprintf(o->code, sizeof o->code, "%s", p->code);
	return 1;
}

static void settings_section(struct web_req *r, struct buf *b, const char *code)
{
	struct procedure *p = calloc(1, sizeof *p);
	struct rc_cfg cfg;
	buf_puts(b, "<section class=\"card\" id=\"settings\"><h2>Настройки процедуры</h2>");
	if (!p || !code || !*code || procedure_get(r->db, code, p) || recheck_cfg_get(r->db, p->id, &cfg)) {
		buf_puts(b, "<p>Процедур с результатами пока нет.</p></section>");
		free(p);
		return;
	}
	buf_puts(b, "<form method=\"get\" action=\"/recheck\" class=\"filters\"><label>Процедура <select "
		    "name=\"procedure\">");
	proc_options(r, b, code);
	buf_puts(b, "</select></label><button class=\"secondary\">Показать</button></form>");
	html_printf(b, "<p>Существенное расхождение: на какой-либо позиции баллы различаются на %d и больше "
		       "или различается отметка — тогда работу проверяет третий эксперт, и его проверка "
		       "итоговая. Работа оценена объективно, если итоговая отметка совпала с отметкой школы, "
		       "а первичный балл изменился не больше чем на %d. Контрольных работ в очереди "
		       "эксперта: ",
		    cfg.point_diff, cfg.tolerance);
	html_pct(b, cfg.control_rate, 1);
	buf_puts(b, " от его работ.</p>");
	if (!is_region(r)) {
		buf_puts(b, "<p class=\"muted\">Настройки общие для всего региона: их меняет региональный "
			    "координатор.</p></section>");
		free(p);
		return;
	}
	buf_puts(b, "<form method=\"post\" action=\"/recheck/settings\" class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<input type=\"hidden\" name=\"procedure\" value=\"");
	html_attr(b, p->code);
	html_printf(b, "\"><label>Существенное расхождение, баллов на позиции <input name=\"point_diff\" "
		       "type=\"number\" min=\"1\" max=\"100\" required value=\"%d\"></label><label>Допустимое "
		       "изменение первичного балла <input name=\"tolerance\" type=\"number\" min=\"0\" "
		       "max=\"100\" required value=\"%d\"></label><label>Контрольных работ, %% <input "
		       "name=\"control_rate\" type=\"number\" min=\"0\" max=\"50\" required value=\"%d\">"
		       "</label><button class=\"secondary\">Сохранить настройки</button></form></section>",
		    cfg.point_diff, cfg.tolerance, (int)lround(100 * cfg.control_rate));
	free(p);
}

/* «русский язык, математика»; «любые» for ''. */
static void subjects_ru(struct buf *b, const char *list)
{
	char code[8];
	size_t n = 0;
	bool any = false;
	for (const char *c = list;; c++) {
		if (*c && *c != ',' && *c != ' ') {
			if (n + 1 < sizeof code)
				code[n++] = *c;
			continue;
		}
		if (n) {
			code[n] = 0;
			if (any)
				buf_puts(b, ", ");
			html_text(b, procedure_subject_name(code));
			any = true;
			n = 0;
		}
		if (!*c)
			break;
	}
	if (!any)
		buf_puts(b, "любые");
}

/* The schools of an expert's conflicts by name (one outside the scope: «школа другой
 * территории»). */
static void conflicts_ru(struct web_req *r, struct buf *b, const struct rc_expert_row *e)
{
	int k = 0;
	for (int pass = 0; pass < 2; pass++) {
		const int64_t *ids = pass ? e->children_at : e->works_at;
		int n = pass ? e->nchildren : e->nworks;
		for (int i = 0; i < n && i < RC_MAX_SCHOOLS; i++) {
			char name[256] = "";
			if (k++)
				buf_puts(b, "; ");
			if (scope_sees_school(r->db, &r->scope, ids[i]) &&
			    !unit_school(r->db, ids[i], name, sizeof name, NULL, 0))
				html_text(b, name);
			else
				buf_puts(b, "школа другой территории");
			buf_puts(b, pass ? " <small class=\"muted\">(ребёнок)</small>"
					 : " <small class=\"muted\">(работает)</small>");
		}
	}
	if (!k)
		buf_puts(b, "—");
}


static void experts_section(struct web_req *r, struct buf *b, const struct flash *f)
{
	struct rc_expert_row *v = NULL;
	size_t n = 0;
	buf_puts(b, "<section class=\"card\" id=\"experts\"><h2>Эксперты</h2>");
	if (f && f->diags)
		web_diag_list(b, f->diags);
	buf_puts(b, "<p>Файл реестра экспертов — CSV (UTF-8 или Windows-1251) или XLSX со столбцами "
		    "<code>id</code> (код эксперта), <code>name</code> (ФИО), <code>municipality</code> "
		    "(муниципалитет), <code>subjects</code> (предметы), <code>works_at</code> (где работает), "
		    "<code>children_at</code> (где учатся дети), <code>max_works</code> (наибольшее число "
		    "работ), <code>login</code> (вход в oko). Эксперт никогда не "
		    "проверяет работы школ, где работает или учится его ребёнок, и не видит, чья работа. "
		    "Файл загружается целиком или не загружается совсем: при ошибке реестр не меняется.</p>"
		    "<form method=\"post\" action=\"/recheck/experts/import\" enctype=\"multipart/form-data\" "
		    "class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Файл <input type=\"file\" name=\"file\" required accept=\".csv,.xlsx,.txt\"></label>"
		    "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> только "
		    "проверить</label><button>Загрузить экспертов</button></form>");
	if (expert_list(r->db, &r->scope, &v, &n)) {
		notice(b, false, "Не удалось прочитать реестр экспертов.");
		buf_puts(b, "</section>");
		return;
	}
	buf_puts(b, "<div class=\"scroll\"><table class=\"people rc-people\"><thead><tr><th>Код</th><th>ФИО</th>"
		    "<th>Муниципалитет</th><th>Предметы</th><th>Не проверяет работы школ</th>"
		    "<th class=\"num\">Работ не "
		    "больше</th><th>Логин</th><th class=\"num\">Проверок назначено</th>"
		    "<th class=\"num\">Выполнено</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct rc_expert_row *e = &v[i];
		buf_puts(b, "<tr><td>");
		html_text(b, e->code);
		buf_puts(b, "</td><td>");
		html_text(b, e->name);
		buf_puts(b, "</td><td>");
		html_text(b, e->municipality_id ? e->municipality : "региональный эксперт");
		buf_puts(b, "</td><td>");
		subjects_ru(b, e->subjects);
		buf_puts(b, "</td><td>");
		conflicts_ru(r, b, e);
		html_printf(b, "</td><td class=\"num\">%d</td><td>", e->max_works);
		html_text(b, e->login[0] ? e->login : "—");
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, e->assigned);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, e->done);
		buf_puts(b, "</td></tr>");
	}
	if (!n)
		buf_puts(b, "<tr><td colspan=\"9\">В реестре пока никого нет.</td></tr>");
	buf_puts(b, "</tbody></table></div>");
	if (n) {
		buf_puts(b, "<h3>Вход для эксперта</h3><p>Пользователь с ролью «эксперт» после связи с записью "
			    "реестра видит свои работы на проверку (только код и скан, без школы).</p><form "
			    "method=\"post\" action=\"/recheck/experts/link\" class=\"grid\">");
		html_csrf(r, b);
		buf_puts(b, "<label>Эксперт <select name=\"expert\" required>");
		for (size_t i = 0; i < n; i++) {
			html_printf(b, "<option value=\"%lld\">", (long long)v[i].id);
			html_text(b, v[i].name);
			buf_puts(b, " — ");
			html_text(b, v[i].code);
			buf_puts(b, "</option>");
		}
		buf_puts(b, "</select></label><label>Логин пользователя <input name=\"login\" required "
			    "maxlength=\"64\"></label><button class=\"secondary\">Связать</button></form>");
	}
	buf_puts(b, "</section>");
	free(v);
}

static int render_list(struct web_req *r, struct web_res *w, const char *code, const struct flash *f)
{
	struct buf *b = &w->body;
	int64_t pid = 0;
	struct procedure *p = NULL;
	if (code && *code) {
		p = calloc(1, sizeof *p);
		if (!p || procedure_get(r->db, code, p) || !scope_sees_procedure(r->db, &r->scope, p->id)) {
			free(p);
			return ERR_NOTFOUND;
		}
		pid = p->id;
	}
	html_begin(r, w, "Перепроверка");
	buf_puts(b, "<h1>Перепроверка работ</h1><p class=\"lead\">Работы школ из зоны риска и контрольная "
		    "выборка проверяются заново экспертами комиссии; расхождения показывают, где школа "
		    "оценивает необъективно.</p>");
	if (f && f->text)
		notice(b, f->ok, f->text);
	if (f && f->sample)
		sample_report(b, f);
	buf_puts(b, "<nav class=\"toc\" aria-label=\"Разделы страницы\"><ol><li><a href=\"#rounds\">Перепроверки"
		    "</a></li><li><a href=\"#new\">Новая перепроверка</a></li><li><a href=\"#settings\">Настройки"
		    "</a></li><li><a href=\"#experts\">Эксперты</a></li></ol></nav>");
	if (pid) {
		buf_puts(b, "<p>Показаны перепроверки процедуры «");
		proc_title(b, p->code, p->subject, p->grade, p->year);
		buf_puts(b, "». <a href=\"/recheck\">Все перепроверки</a></p>");
	}
	rounds_table(r, b, pid);
	sample_form(r, b, f, code);
	/* The settings' procedure: the chosen one, the newest round's, or the first one. */
	struct first_proc fp = { r, "" };
	if (pid) {
		snprintf(fp.code, sizeof fp.code, "%s", p->code);
	} else {
		struct rc_round *v = NULL;
		size_t n = 0;
		if (!recheck_round_list(r->db, &r->scope, 0, &v, &n) && n)
			snprintf(fp.code, sizeof fp.code, "%s", v[0].procedure);
		free(v);
		if (!fp.code[0])
			procedure_each(r->db, first_proc, &fp);
	}
	settings_section(r, b, fp.code);
	experts_section(r, b, f);
	html_end(r, w);
	free(p);
	return 0;
}

static int answer_list(struct web_req *r, struct web_res *w, const char *code, int status,
		       const char *text, bool ok)
{
	struct flash f = { .text = text, .ok = ok };
	w->status = status;
	return render_list(r, w, code, &f);
}

int page_recheck(struct web_req *r, struct web_res *w)
{
	return render_list(r, w, web_str(r, "procedure"), NULL);
}

/* The medal candidates: one «school, code» a line (a comma, semicolon, tab or spaces
 * between). Strings are the arena's. ERR_INVALID with the line in msg. */
static int parse_medal(struct web_req *r, const char *text, const char ***school, const char ***code,
		       size_t *n, char *msg, size_t nmsg)
{
	size_t cap = 0;
	*n = 0;
	*school = *code = NULL;
	long line = 0;
	for (const char *s = text; s && *s;) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		char *t = arena_strndup(r->a, s, len);
		s = e ? e + 1 : s + len;
		line++;
		for (char *c = t; *c; c++)
			if (*c == ',' || *c == ';' || *c == '\t' || *c == '\r')
				*c = ' ';
		/* Up to three words (the third only to refuse the line); strtok is not for the
		 * server's threads. */
		char *word[3] = { NULL, NULL, NULL };
		int nw = 0;
		for (char *c = t; *c && nw < 3;) {
			while (*c == ' ')
				c++;
			if (!*c)
				break;
			word[nw++] = c;
			while (*c && *c != ' ')
				c++;
			if (*c)
				*c++ = '\0';
		}
		char *a = word[0], *c = word[1], *rest = word[2];
		if (!a)
			continue; /* an empty line */
		if (!c || rest || strlen(a) >= 64 || strlen(c) >= RC_CODE_MAX) {
			snprintf(msg, nmsg, "строка %ld списка кандидатов на медаль: нужны логин школы и код "
					    "участника через запятую", line);
			return ERR_INVALID;
		}
		if (*n == MEDAL_MAX) {
			snprintf(msg, nmsg, "в списке кандидатов на медаль больше %d работ", MEDAL_MAX);
			return ERR_INVALID;
		}
		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			const char **ns = arena_alloc(r->a, nc * sizeof *ns), **nk = arena_alloc(r->a, nc * sizeof *nk);
			if (cap) {
				memcpy(ns, *school, cap * sizeof *ns);
				memcpy(nk, *code, cap * sizeof *nk);
			}
			*school = ns;
			*code = nk;
			cap = nc;
		}
		(*school)[*n] = a;
		(*code)[*n] = c;
		(*n)++;
	}
	return 0;
}

int page_recheck_sample(struct web_req *r, struct web_res *w)
{
	const char *code = web_str(r, "procedure");
	struct flash f = { .form = true, .procedure = code, .share = web_str(r, "share"),
			   .medal = web_str(r, "medal"), .no_mutual = web_flag(r, "no_mutual") };
	const char *ks = web_str(r, "kind");
	f.kind = ks && *ks ? rc_kind_parse(ks) : RC_MUNICIPAL;
	if (f.kind < 0)
		f.kind = RC_MUNICIPAL;
	const char *seed_text = web_str(r, "seed");
	f.has_seed = seed_text && *seed_text;
	f.form_seed = f.has_seed ? (uint64_t)web_int(r, "seed") : 0;
	for (int i = 0; i < r->nform; i++) {
		if (strcmp(r->form[i].key, "rule") || !*r->form[i].value)
			continue;
		const char *bad = NULL;
		f.rules |= rc_rules_parse(r->form[i].value, &bad); /* the route allows only the five */
	}
	char msg[600] = "", text[900];
	struct procedure *p = calloc(1, sizeof *p);
	int rc = 0;
	double share = 0;
	w->status = 400;
	if (!p || !code || !*code || procedure_get(r->db, code, p)) {
		f.text = "Выберите процедуру из списка. Ничего не сохранено.";
		f.procedure = NULL;
		goto render;
	}
	if (!scope_sees_procedure(r->db, &r->scope, p->id)) {
		rc = ERR_NOTFOUND;
		goto out;
	}
	if (!f.rules) {
		f.text = "Отметьте хотя бы одно правило отбора. Ничего не сохранено.";
		goto render;
	}
	if (parse_share(f.share, &share)) {
		f.text = "Доля работ — число больше нуля и не больше 100 %: например, «10 %» или «0,1». "
			 "Ничего не сохранено.";
		goto render;
	}
	struct rc_sample_opts o = {
		.procedure_id = p->id, .rules = f.rules, .share = share, .seed = posted_seed(r),
		.kind = (enum rc_kind)f.kind, .no_mutual = f.no_mutual, .dry_run = web_flag(r, "dry_run"),
	};
	if (f.rules & RC_RULE_MEDAL) {
		const char **ms = NULL, **mc = NULL;
		int prc = parse_medal(r, f.medal, &ms, &mc, &o.nmedal, msg, sizeof msg);
		o.medal_school = ms;
		o.medal_code = mc;
		if (prc) {
			snprintf(text, sizeof text, "Отбор не выполнен: %s. Ничего не сохранено.", msg);
			f.text = text;
			goto render;
		}
		if (!o.nmedal) {
			f.text = "Для правила «кандидаты на медаль» перечислите работы: логин школы и код "
				 "участника через запятую, по строке на работу. Ничего не сохранено.";
			goto render;
		}
	}
	struct rc_sample_report rep;
	memset(&rep, 0, sizeof rep);
	rc = recheck_sample(r->db, &r->scope, &o, r->user.login, NULL, NULL, &rep, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		snprintf(text, sizeof text, "Отбор не выполнен: %s. Ничего не сохранено.",
			 *msg ? msg : "работ для отбора нет");
		f.text = text;
		rc = 0;
		goto render;
	}
	if (rc)
		goto out;
	if (o.dry_run) {
		w->status = 200;
		f.sample = &rep;
		f.seed = o.seed;
		f.has_seed = true; /* the drawn seed goes back into the form */
		f.form_seed = o.seed;
		rc = render_list(r, w, NULL, &f);
		goto out;
	}
	audit_add(r->db, &r->user, NULL, "recheck_sample", arena_printf(r->a, "%lld", (long long)rep.round_id),
		  arena_printf(r->a, "%s: %ld работ, жребий %llu", p->code, rep.works,
			       (unsigned long long)o.seed), r->ip);
	w->status = 0;
	web_redirect(w, arena_printf(r->a, "/recheck/%lld", (long long)rep.round_id));
	goto out;
render:
	rc = render_list(r, w, NULL, &f);
out:
	free(p);
	return rc;
}

int page_recheck_settings(struct web_req *r, struct web_res *w)
{
	const char *code = web_str(r, "procedure");
	struct procedure *p = calloc(1, sizeof *p);
	char msg[400] = "", text[600];
	int rc = ERR_NOTFOUND;
	if (!p || !code || procedure_get(r->db, code, p) || !scope_sees_procedure(r->db, &r->scope, p->id))
		goto out;
	if (!is_region(r)) {
		rc = answer_list(r, w, code, 403, "Настройки процедуры общие для всего региона: их меняет "
						  "региональный координатор. Ничего не изменено.", false);
		goto out;
	}
	struct rc_cfg cfg = { (int)web_int(r, "point_diff"), (int)web_int(r, "tolerance"),
			      (double)web_int(r, "control_rate") / 100 };
	if (!web_str(r, "point_diff") || !web_str(r, "tolerance") || !web_str(r, "control_rate") ||
	    !*web_str(r, "point_diff") || !*web_str(r, "tolerance") || !*web_str(r, "control_rate")) {
		rc = answer_list(r, w, code, 400, "Заполните все три настройки. Ничего не изменено.", false);
		goto out;
	}
	rc = recheck_cfg_put(r->db, p->id, &cfg, r->user.login, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "Настройки не сохранены: %s. Ничего не изменено.", msg);
		rc = answer_list(r, w, code, 400, text, false);
		goto out;
	}
	if (rc)
		goto out;
	audit_add(r->db, &r->user, NULL, "recheck_settings", code,
		  arena_printf(r->a, "%d %d %.2f", cfg.point_diff, cfg.tolerance, cfg.control_rate), r->ip);
	rc = answer_list(r, w, code, 200, "Настройки процедуры сохранены.", true);
out:
	free(p);
	return rc;
}

int page_recheck_experts_import(struct web_req *r, struct web_res *w)
{
	const struct web_upload *u = &r->upload;
	const char *why = web_upload_refusal(r, "Выберите файл реестра экспертов.",
					     "Файл больше 64 МБ: так велики реестры не бывают.");
	if (why)
		return answer_list(r, w, NULL, u->too_large ? 413 : 400, why, false);
	char named[96];
	str_copy_utf8(named, sizeof named, u->filename && *u->filename ? u->filename : "файл");
	struct import_opts o = {
		.dry_run = web_flag(r, "dry_run"), .user = r->user.login, .name = named,
		.data = u->data, .len = u->size,
	};
	/* The registry a municipal coordinator loads holds only its own municipality's experts. */
	if (r->scope.kind == SCOPE_MUNICIPALITY)
		o.only_municipality = r->scope.id;
	struct diag_list d;
	struct import_stats st;
	memset(&st, 0, sizeof st);
	diag_init(&d, 200);
	int rc = import_experts(r->db, named, &o, &d, &st);
	metrics_upload(METRICS_EXPERTS, rc, o.dry_run, st.rows);
	char text[2300];
	struct flash f = { .diags = &d, .ok = !rc };
	if (rc && diag_errors(&d)) {
		w->status = 400;
		snprintf(text, sizeof text, "Реестр экспертов «%s» не загружен: исправьте ошибки и загрузите "
					    "снова. Реестр не изменён.", named);
	} else if (rc) {
		w->status = web_status_of(rc);
		snprintf(text, sizeof text, "Реестр экспертов «%s» не загружен (%s). Реестр не изменён.", named,
			 err_str(rc));
	} else {
		snprintf(text, sizeof text, "%s «%s»: новых экспертов %ld, обновлено %ld.%s%s",
			 o.dry_run ? "Проверка прошла, ничего не сохранено. Файл" : "Реестр экспертов загружен из файла",
			 named, st.created, st.updated, st.summary[0] ? " " : "", st.summary);
		if (!o.dry_run)
			audit_add(r->db, &r->user, NULL, "experts_import", named, text, r->ip);
	}
	f.text = text;
	rc = render_list(r, w, NULL, &f);
	diag_free(&d);
	return rc;
}

int page_recheck_experts_link(struct web_req *r, struct web_res *w)
{
	int64_t eid = web_int(r, "expert");
	const char *login = web_str(r, "login");
	struct user u;
	char msg[600] = "", text[800];
	if (!eid || !expert_in_scope(r->db, &r->scope, eid))
		return ERR_NOTFOUND;
	if (!login || user_find(r->db, login, &u))
		return answer_list(r, w, NULL, 400, "Пользователя с таким логином нет. Ничего не изменено.", false);
	int rc = expert_link_user(r->db, eid, u.id, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "Логин не связан: %s. Ничего не изменено.", msg);
		return answer_list(r, w, NULL, 400, text, false);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "expert_link", login, arena_printf(r->a, "%lld", (long long)eid), r->ip);
	return answer_list(r, w, NULL, 200, "Логин связан с записью реестра: эксперт видит свои работы на "
					    "проверку.", true);
}

/* ---- a round ---- */

static void round_facts(struct buf *b, const struct rc_round *x)
{
	buf_puts(b, "<dl class=\"facts\"><dt>Вид</dt><dd>");
	html_text(b, rc_kind_title(x->kind));
	if (x->kind == RC_CROSS)
		buf_puts(b, x->no_mutual ? " (две школы не проверяют друг друга)" : " (взаимная проверка разрешена)");
	buf_puts(b, "</dd><dt>Территория</dt><dd>");
	html_text(b, x->municipality_id ? x->municipality : "регион");
	buf_puts(b, "</dd><dt>Правила отбора</dt><dd>");
	rules_ru(b, x->rules);
	buf_puts(b, "</dd><dt>Доля</dt><dd>");
	html_pct(b, x->share, 1);
	html_printf(b, "</dd><dt>Число для жребия</dt><dd>%llu</dd><dt>Отобрал</dt><dd>",
		    (unsigned long long)x->seed);
	html_text(b, x->created_by);
	buf_puts(b, ", ");
	web_moment_ru(b, x->created_at);
	buf_puts(b, "</dd><dt>Эксперты назначены</dt><dd>");
	if (x->assigned_at[0])
		web_moment_ru(b, x->assigned_at);
	else
		buf_puts(b, "ещё нет");
	buf_puts(b, "</dd></dl>");
}

/* A tile: the number, then its words in the number's plural form. */
static void tile(struct buf *b, long n, const char *one, const char *few, const char *many)
{
	buf_puts(b, "<li><strong>");
	html_int(b, n);
	buf_puts(b, "</strong>");
	html_text(b, str_plural(n, one, few, many));
	buf_puts(b, "</li>");
}

static void round_tiles(struct buf *b, const struct rc_round *x)
{
	buf_puts(b, "<ul class=\"tiles\">");
	tile(b, x->works, "работа отобрана", "работы отобраны", "работ отобрано");
	tile(b, x->scans, "со сканом", "со сканом", "со сканом");
	buf_puts(b, "<li><strong>");
	html_int(b, x->done2);
	buf_puts(b, "</strong>");
	html_text(b, str_plural(x->done2, "проверена экспертом", "проверены экспертом", "проверено экспертом"));
	buf_puts(b, " (назначено ");
	html_int(b, x->assigned2);
	buf_puts(b, ")</li>");
	long wait3 = x->need3 > x->done3 ? x->need3 - x->done3 : 0;
	tile(b, wait3, "ждёт третьей проверки", "ждут третьей проверки", "ждут третьей проверки");
	tile(b, x->final, "с итоговыми баллами", "с итоговыми баллами", "с итоговыми баллами");
	if (x->control) {
		buf_puts(b, "<li><strong>");
		html_int(b, x->control_done);
		buf_puts(b, "</strong>контрольных проверок выполнено из ");
		html_int(b, x->control);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ul>");
}

static void assign_report(struct buf *b, const struct flash *f)
{
	const struct rc_assign_report *x = f->assign;
	buf_puts(b, "<section class=\"card\" id=\"assign-report\"><h2>Эксперты назначены</h2><dl class=\"facts\">"
		    "<dt>Работ ждали эксперта</dt><dd>");
	html_int(b, x->works);
	buf_puts(b, "</dd><dt>Назначено сейчас</dt><dd>");
	html_int(b, x->assigned);
	buf_puts(b, "</dd><dt>Из них третья проверка</dt><dd>");
	html_int(b, x->third);
	buf_puts(b, "</dd><dt>Контрольных работ добавлено</dt><dd>");
	html_int(b, x->control);
	buf_puts(b, "</dd><dt>Экспертов занято</dt><dd>");
	html_int(b, x->experts_used);
	buf_puts(b, " из ");
	html_int(b, x->experts);
	buf_puts(b, "</dd><dt>Больше всего работ у одного эксперта</dt><dd>");
	html_int(b, x->max_load);
	html_printf(b, "</dd><dt>Число для жребия</dt><dd>%llu</dd><dt>Время расчёта</dt><dd>",
		    (unsigned long long)f->seed);
	html_num(b, x->seconds, 2);
	buf_puts(b, "\xC2\xA0с</dd></dl>");
	if (x->assigned < x->works)
		buf_puts(b, "<p class=\"alert\">Не всем работам нашёлся эксперт: добавьте экспертов в реестр "
			    "(с нужным предметом, без конфликта интересов) или увеличьте их нагрузку и назначьте "
			    "снова.</p>");
	buf_puts(b, "</section>");
}

static void assign_form(struct web_req *r, struct buf *b, const struct rc_round *x)
{
	buf_puts(b, "<section class=\"card\" id=\"assign\"><h2>Назначение экспертов</h2><p>Каждой работе, "
		    "которой нужна вторая проверка, и каждой с существенным расхождением (нужна третья) "
		    "назначается эксперт комиссии: никогда — эксперт школы, где он работает или учится его "
		    "ребёнок, и никогда тот, кто уже проверял эту работу. В муниципальной перепроверке "
		    "сначала берутся эксперты того же муниципалитета, что и школа (поэтому у экспертов "
		    "муниципалитета с большим числом работ нагрузка больше, но не больше их предела), "
		    "затем нагрузка распределяется поровну; назначенные раньше эксперты сохраняются. Эксперт видит только код работы и "
		    "скан, без школы. В очереди добавляются контрольные работы с согласованными баллами.</p>");
	html_printf(b, "<form method=\"post\" action=\"/recheck/%lld/assign\" class=\"grid\">", (long long)x->id);
	html_csrf(r, b);
	buf_puts(b, "<label>Число для жребия (необязательно) <input name=\"seed\" inputmode=\"numeric\" "
		    "pattern=\"[0-9]*\"></label><button>Назначить экспертов</button></form></section>");
}

/* Works without a scan, per school (the works come grouped by school). */
static void scans_missing(struct buf *b, const struct rc_report *rep)
{
	buf_puts(b, "<section class=\"card\" id=\"scans\"><h2>Сканы</h2>");
	long missing = 0, schools = 0;
	for (size_t i = 0; i < rep->nworks; i++)
		missing += !rep->works[i].scan_id[0];
	if (!rep->nworks) {
		buf_puts(b, "<p>Работ в перепроверке нет.</p></section>");
		return;
	}
	if (!missing) {
		buf_puts(b, "<p>Сканы всех отобранных работ загружены.</p></section>");
		return;
	}
	buf_puts(b, "<p>Школа загружает сканы своих отобранных работ на странице «Сканы работ». Без скана "
		    "работа тоже назначается эксперту, но проверить её он сможет, только когда скан появится.</p>"
		    "<div class=\"scroll\"><table class=\"rc-scans\"><thead><tr><th>Школа</th>"
		    "<th class=\"num\">Работ без скана"
		    "</th><th class=\"num\">Отобрано</th></tr></thead><tbody>");
	for (size_t i = 0; i < rep->nworks;) {
		size_t j = i;
		long miss = 0;
		for (; j < rep->nworks && rep->works[j].school_id == rep->works[i].school_id; j++)
			miss += !rep->works[j].scan_id[0];
		if (miss) {
			schools++;
			buf_puts(b, "<tr><td>");
			html_text(b, rep->works[i].school_name[0] ? rep->works[i].school_name : rep->works[i].school);
			buf_puts(b, " <small class=\"muted\">");
			html_text(b, rep->works[i].school);
			buf_puts(b, "</small></td><td class=\"num\">");
			html_int(b, miss);
			buf_puts(b, "</td><td class=\"num\">");
			html_int(b, (long)(j - i));
			buf_puts(b, "</td></tr>");
		}
		i = j;
	}
	buf_puts(b, "</tbody></table></div><p class=\"muted\">Без скана: ");
	works_word(b, missing);
	buf_puts(b, " в ");
	html_count(b, schools, "школе", "школах", "школах");
	buf_puts(b, ".</p></section>");
}

/* The p of a sign test in words. */
static void p_words(struct buf *b, const struct rc_school *f)
{
	if (!f->works) {
		buf_puts(b, "работы ещё не проверены");
		return;
	}
	if (f->over + f->under == 0) {
		buf_puts(b, "баллы не изменились");
		return;
	}
	html_p(b, f->p);
	buf_puts(b, f->p < RC_ALPHA ? ": завышение систематическое, случайностью не объясняется"
				    : ": расхождения могут быть случайными");
}

static void results_total(struct buf *b, const struct rc_report *rep)
{
	const struct rc_school *t = &rep->total;
	buf_puts(b, "<ul class=\"tiles\"><li><strong>");
	html_pct(b, t->objective_share, 1);
	buf_puts(b, "</strong>работ оценены объективно (цель — не меньше 90\xC2\xA0%)</li>");
	tile(b, rep->finished, "работа с итоговыми баллами", "работы с итоговыми баллами", "работ с итоговыми баллами");
	buf_puts(b, "<li><strong>");
	delta_ru(b, t->mean_delta, 2);
	buf_puts(b, "</strong>средняя разница баллов (школа − итог)</li>");
	tile(b, t->down, "отметка понижена", "отметки понижены", "отметок понижено");
	tile(b, t->up, "отметка повышена", "отметки повышены", "отметок повышено");
	buf_puts(b, "</ul>");
	if (!rep->finished) {
		buf_puts(b, "<p>Итоговых баллов пока нет: результаты появятся, когда эксперты проверят работы.</p>");
		return;
	}
	if (!isnan(t->objective_share)) {
		buf_puts(b, t->objective_share >= RC_OBJECTIVE_TARGET ? "<p class=\"notice\">"
								      : "<p class=\"alert\">");
		buf_puts(b, "Доля объективно оценённых работ ");
		html_pct(b, t->objective_share, 1);
		buf_puts(b, t->objective_share >= RC_OBJECTIVE_TARGET ? " — региональная цель (90\xC2\xA0%) достигнута."
								      : " — ниже региональной цели (90\xC2\xA0%).");
		buf_puts(b, " Работа оценена объективно, если отметка после перепроверки та же, а первичный "
			    "балл изменился не больше чем на ");
		html_printf(b, "%d.</p>", rep->cfg.tolerance);
	}
}

static void results_schools(struct buf *b, const struct rc_report *rep)
{
	buf_puts(b, "<h3>Школы</h3><p class=\"muted\">Средняя разница — балл школы минус итоговый: больше "
		    "нуля — школа завышала. p — вероятность получить столько завышений и больше, если бы "
		    "ошибки в обе стороны были равновероятны (критерий знаков); меньше 0,05 — завышение "
		    "систематическое. Контрольные работы в цифры школ не входят.</p><div class=\"scroll\">"
		    "<table class=\"rc-schools\"><thead><tr><th>Школа</th>"
		    "<th class=\"num\">Работ проверено</th><th class=\"num\">Оценены "
		    "объективно</th><th class=\"num\">Средняя разница</th>"
		    "<th class=\"num\">Отметок понижено</th><th class=\"num\">Отметок повышено</th>"
		    "<th>Систематическое завышение</th></tr></thead><tbody>");
	for (size_t i = 0; i < rep->nschools; i++) {
		const struct rc_report_school *s = &rep->schools[i];
		html_printf(b, "<tr%s><td>", s->f.inflated ? " class=\"rc-inflated\"" : "");
		html_text(b, s->name[0] ? s->name : s->school);
		buf_puts(b, " <small class=\"muted\">");
		html_text(b, s->school);
		buf_puts(b, "</small></td><td class=\"num\">");
		html_int(b, s->f.works);
		buf_puts(b, "</td><td class=\"num\">");
		html_pct(b, s->f.objective_share, 1);
		buf_puts(b, "</td><td class=\"num\">");
		delta_ru(b, s->f.mean_delta, 2);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, s->f.down);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, s->f.up);
		buf_puts(b, "</td><td>");
		p_words(b, &s->f);
		buf_puts(b, "</td></tr>");
	}
	if (!rep->nschools)
		buf_puts(b, "<tr><td colspan=\"7\">Проверенных работ пока нет.</td></tr>");
	buf_puts(b, "</tbody></table></div>");
}

static void results_experts(struct buf *b, const struct rc_report *rep)
{
	buf_puts(b, "<h3>Эксперты</h3><p class=\"muted\">Согласие эксперта с итоговыми баллами: совпадение "
		    "первичного балла, совпадение с точностью до балла, каппа Коэна с квадратичными весами "
		    "(1 — полное согласие, 0 — не лучше случайного); средняя разница «эксперт − итог»: больше "
		    "нуля — эксперт мягче, меньше — строже. Точность на контрольных работах — доля "
		    "контрольных работ, оценённых с той же отметкой и в пределах допуска.</p><div class=\"scroll\">"
		    "<table class=\"rc-experts\"><thead><tr><th>Эксперт</th><th class=\"num\">Работ</th>"
		    "<th class=\"num\">Балл совпал</th>"
		    "<th class=\"num\">В пределах балла</th><th class=\"num\">Каппа</th>"
		    "<th class=\"num\">Мягче или строже</th><th class=\"num\">Контрольных</th>"
		    "<th class=\"num\">Точность на контрольных</th></tr></thead><tbody>");
	for (size_t i = 0; i < rep->nexperts; i++) {
		const struct rc_report_expert *e = &rep->experts[i];
		buf_puts(b, "<tr><td>");
		html_text(b, e->expert);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, e->f.works);
		buf_puts(b, "</td><td class=\"num\">");
		html_pct(b, e->f.exact, 1);
		buf_puts(b, "</td><td class=\"num\">");
		html_pct(b, e->f.within1, 1);
		buf_puts(b, "</td><td class=\"num\">");
		html_num(b, e->f.qwk, 2);
		buf_puts(b, "</td><td class=\"num\">");
		delta_ru(b, e->f.mean_delta, 2);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, e->f.control);
		buf_puts(b, "</td><td class=\"num\">");
		html_pct(b, e->f.control_accuracy, 1);
		buf_puts(b, "</td></tr>");
	}
	if (!rep->nexperts)
		buf_puts(b, "<tr><td colspan=\"8\">Выполненных проверок пока нет.</td></tr>");
	buf_puts(b, "</tbody></table></div>");
}

static bool position_over(const struct rc_position *x)
{
	return x->works > 0 && x->over > x->under && x->p < RC_ALPHA;
}

static void results_positions(struct buf *b, const struct rc_report *rep)
{
	int npos = rep->proc.npos, nover = 0;
	buf_puts(b, "<h3>Где школы завышают</h3>");
	if (!npos || !rep->finished) {
		buf_puts(b, "<p>Данных по позициям пока нет.</p>");
		return;
	}
	for (int i = 0; i < npos; i++)
		nover += position_over(&rep->pos[i]);
	if (nover) {
		buf_puts(b, "<p>Критерии, по которым школы систематически ставят больше, чем эксперты "
			    "(темы для семинара по критериям оценивания): ");
		for (int i = 0, k = 0; i < npos; i++) {
			if (!position_over(&rep->pos[i]))
				continue;
			if (k++)
				buf_puts(b, ", ");
			buf_puts(b, "<strong>");
			html_text(b, rep->proc.pos[i].label);
			buf_puts(b, "</strong>");
		}
		buf_puts(b, ".</p>");
	} else {
		buf_puts(b, "<p>Позиций с систематическим завышением нет.</p>");
	}
	buf_puts(b, "<div class=\"scroll\"><table class=\"rc-positions\"><thead><tr><th>Позиция</th>"
		    "<th class=\"num\">Максимум"
		    "</th><th class=\"num\">Работ</th><th class=\"num\">Средняя разница</th>"
		    "<th class=\"num\">Школа выше</th><th class=\"num\">Школа ниже</th><th class=\"num\">p</th>"
		    "</tr></thead><tbody>");
	for (int i = 0; i < npos; i++) {
		const struct rc_position *x = &rep->pos[i];
		html_printf(b, "<tr%s><td>", position_over(x) ? " class=\"rc-inflated\"" : "");
		html_text(b, rep->proc.pos[i].label);
		html_printf(b, "</td><td class=\"num\">%d</td><td class=\"num\">", rep->proc.pos[i].max);
		html_int(b, x->works);
		buf_puts(b, "</td><td class=\"num\">");
		delta_ru(b, x->mean_delta, 2);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, x->over);
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, x->under);
		buf_puts(b, "</td><td class=\"num\">");
		if (x->over + x->under)
			html_p(b, x->p);
		else
			buf_puts(b, "—");
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>");
}

static void downloads(struct buf *b, int64_t id)
{
	static const struct { const char *file, *title; } t[] = {
		{ "works.csv", "работы" }, { "schools.csv", "школы" },
		{ "experts.csv", "эксперты" }, { "positions.csv", "позиции" },
	};
	buf_puts(b, "<p>Выгрузить (CSV): ");
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		html_printf(b, "%s<a href=\"/recheck/%lld/%s\" download>%s</a>", i ? " · " : "", (long long)id,
			    t[i].file, t[i].title);
	buf_puts(b, "</p>");
}

/* One check's cell: the expert's code and the state. */
static void check_cell(struct buf *b, const struct rc_work *x, int k, int npos)
{
	if (!x->expert_id[k]) {
		buf_puts(b, "<span class=\"muted\">не назначена</span>");
		return;
	}
	html_text(b, x->expert[k]);
	buf_puts(b, "<br><small>");
	if (x->done[k]) {
		buf_puts(b, "выполнена: ");
		html_int(b, rc_total(x->s[k], npos));
		buf_puts(b, "\xC2\xA0б.");
	} else if (x->filled[k]) {
		html_printf(b, "в работе: %d из %d позиций", x->filled[k], npos);
	} else {
		buf_puts(b, "ждёт эксперта");
	}
	buf_puts(b, "</small>");
}

static void works_table(struct web_req *r, struct buf *b, const struct rc_report *rep, int64_t id,
			long page)
{
	if (page < 1)
		page = 1;
	buf_puts(b, "<section class=\"card\" id=\"works\"><h2>Работы</h2><div class=\"scroll\"><table "
		    "class=\"rc-works\"><thead><tr><th>Школа</th><th>Код</th><th>Почему отобрана</th><th>Скан</th>"
		    "<th>Проверка 2</th><th>Проверка 3</th><th class=\"num\">Баллы школы</th>"
		    "<th class=\"num\">Итоговый балл</th><th class=\"num\">Отметка "
		    "(школа → итог)</th><th class=\"num\">Разница</th><th>Объективно</th></tr></thead><tbody>");
	size_t from = (size_t)(page - 1) * WORKS_PER_PAGE;
	for (size_t i = from; i < rep->nworks && i < from + WORKS_PER_PAGE; i++) {
		const struct rc_work *x = &rep->works[i];
		const struct rc_report_work *rw = &rep->rw[i];
		int npos = x->npos;
		html_printf(b, "<tr%s><td>", rw->finished && !rw->o.objective ? " class=\"rc-changed\"" : "");
		html_text(b, x->school_name[0] ? x->school_name : x->school);
		buf_puts(b, "</td><td>");
		html_text(b, x->code);
		buf_puts(b, "</td><td class=\"rc-why\"><small>");
		reason_ru(b, x);
		buf_puts(b, "</small></td><td>");
		if (x->scan_id[0])
			html_printf(b, "<a href=\"/scans/%lld\">есть</a>", (long long)x->id);
		else
			buf_puts(b, "<span class=\"rc-noscan\">нет</span>");
		buf_puts(b, "</td><td>");
		check_cell(b, x, 0, npos);
		buf_puts(b, "</td><td>");
		if (x->expert_id[1])
			check_cell(b, x, 1, npos);
		else if (rw->state == RC_WAIT3)
			buf_puts(b, "<span class=\"warn\">нужна, эксперт не назначен</span>");
		else
			buf_puts(b, "<span class=\"muted\">не нужна</span>");
		buf_puts(b, "</td><td class=\"num\">");
		html_int(b, rc_total(x->s1, npos));
		buf_puts(b, "</td>");
		if (rw->finished) {
			buf_puts(b, "<td class=\"num\">");
			html_int(b, rw->o.score_final);
			buf_puts(b, "</td><td class=\"num\">");
			if (rw->o.mark1)
				html_printf(b, "%d → %d", rw->o.mark1, rw->o.mark_final);
			else
				buf_puts(b, "—");
			buf_puts(b, "</td><td class=\"num\">");
			delta_ru(b, rw->o.delta, 0);
			html_printf(b, "</td><td>%s</td>", rw->o.objective ? "да" : "<strong>нет</strong>");
		} else {
			buf_puts(b, "<td colspan=\"4\" class=\"muted\">");
			html_text(b, rc_state_title(rw->state));
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>");
	}
	if (!rep->nworks)
		buf_puts(b, "<tr><td colspan=\"11\">Работ нет.</td></tr>");
	buf_puts(b, "</tbody></table></div>");
	html_pager(b, arena_printf(r->a, "/recheck/%lld", (long long)id), (long)rep->nworks, WORKS_PER_PAGE,
		   page);
	buf_puts(b, "</section>");
}

/* Works per rule, as chosen. */
static void reasons_line(struct buf *b, const struct rc_report *rep)
{
	long per[RC_RULE_COUNT] = { 0 };
	long schools = 0;
	for (size_t i = 0; i < rep->nworks; i++) {
		const char *bad = NULL;
		unsigned m = rc_rules_parse(rep->works[i].reason, &bad);
		if (m)
			per[bit_index(m)]++;
		schools += !i || rep->works[i].school_id != rep->works[i - 1].school_id;
	}
	buf_puts(b, "<p>");
	works_word(b, (long)rep->nworks);
	buf_puts(b, " из ");
	html_count(b, schools, "школы", "школ", "школ");
	bool first = true;
	for (int i = 0; i < RC_RULE_COUNT; i++) {
		int k = bit_index(rule_order[i]);
		if (!per[k])
			continue;
		buf_puts(b, first ? ": " : "; ");
		first = false;
		html_text(b, rule_label[k]);
		buf_puts(b, " — ");
		html_int(b, per[k]);
	}
	buf_puts(b, ".</p>");
}

/* The round's page; page: of the works table. */
static int render_round(struct web_req *r, struct web_res *w, int64_t id, long page, const struct flash *f)
{
	struct buf *b = &w->body;
	struct rc_round x;
	struct rc_report *rep = NULL;
	char msg[400] = "";
	if (!recheck_round_in_scope(r->db, &r->scope, id))
		return ERR_NOTFOUND;
	int rc = recheck_round_get(r->db, id, &x);
	if (rc)
		return rc;
	if ((rc = rc_report_build(r->db, &r->scope, id, 0, &rep, msg, sizeof msg)))
		return rc;
	html_begin(r, w, x.title[0] ? x.title : "Перепроверка");
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/recheck\">Перепроверка</a></p><h1>");
	html_text(b, x.title[0] ? x.title : x.procedure);
	buf_puts(b, "</h1><p class=\"lead\">");
	html_text(b, rc_kind_title(x.kind));
	html_printf(b, " № %lld</p>", (long long)id);
	if (f && f->text)
		notice(b, f->ok, f->text);
	if (f && f->assign)
		assign_report(b, f);
	buf_puts(b, "<nav class=\"toc\" aria-label=\"Разделы страницы\"><ol><li><a href=\"#results\">Результаты"
		    "</a></li><li><a href=\"#assign\">Назначение</a></li><li><a href=\"#scans\">Сканы</a></li>"
		    "<li><a href=\"#works\">Работы</a></li></ol></nav>");
	buf_puts(b, "<section class=\"card\" id=\"round\"><h2>Перепроверка</h2>");
	round_facts(b, &x);
	reasons_line(b, rep);
	round_tiles(b, &x);
	buf_puts(b, "</section><section class=\"card\" id=\"results\"><h2>Результаты</h2>");
	results_total(b, rep);
	if (rep->finished) {
		results_schools(b, rep);
		results_experts(b, rep);
		results_positions(b, rep);
	}
	downloads(b, id);
	buf_puts(b, "</section>");
	assign_form(r, b, &x);
	scans_missing(b, rep);
	works_table(r, b, rep, id, page);
	html_end(r, w);
	rc_report_free(rep);
	return 0;
}

int page_recheck_round(struct web_req *r, struct web_res *w)
{
	return render_round(r, w, web_int(r, "id"), (long)web_int(r, "page"), NULL);
}

int page_recheck_assign(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	if (!recheck_round_in_scope(r->db, &r->scope, id))
		return ERR_NOTFOUND;
	uint64_t seed = posted_seed(r);
	struct rc_assign_report rep;
	char msg[600] = "", text[800];
	memset(&rep, 0, sizeof rep);
	int rc = recheck_assign(r->db, id, seed, r->user.login, &rep, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		snprintf(text, sizeof text, "Эксперты не назначены: %s. Ничего не изменено.",
			 *msg ? msg : "назначать нечего");
		struct flash f = { .text = text };
		w->status = 400;
		return render_round(r, w, id, 1, &f);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "recheck_assign", arena_printf(r->a, "%lld", (long long)id),
		  arena_printf(r->a, "жребий %llu: %ld из %ld, контрольных %ld", (unsigned long long)seed,
			       rep.assigned, rep.works, rep.control), r->ip);
	struct flash f = { .assign = &rep, .seed = seed, .ok = true };
	return render_round(r, w, id, 1, &f);
}

int page_recheck_download(struct web_req *r, struct web_res *w)
{
	int64_t id = web_int(r, "id");
	const char *slash = strrchr(r->path, '/');
	int t = rc_table_parse(slash ? slash + 1 : r->path);
	struct rc_report *rep = NULL;
	struct table_writer *tw = NULL;
	char msg[400] = "";
	if (t < 0 || !recheck_round_in_scope(r->db, &r->scope, id))
		return ERR_NOTFOUND;
	int rc = rc_report_build(r->db, &r->scope, id, 0, &rep, msg, sizeof msg);
	if (rc)
		return rc;
	if ((rc = table_writer_open_mem(&tw, TABLE_CSV, NULL, &w->body, msg, sizeof msg)))
		goto out;
	rc = rc_report_write(rep, (enum rc_table)t, tw);
	int rc2 = table_writer_close(tw);
	if (rc || (rc = rc2)) {
		buf_reset(&w->body);
		goto out;
	}
	const char *file = rc_table_file((enum rc_table)t);
	web_send_table(r, w, TABLE_CSV, arena_printf(r->a, "recheck-%lld-%s", (long long)id, file),
		       arena_printf(r->a, "перепроверка-%lld-%s", (long long)id, file));
out:
	rc_report_free(rep);
	return rc;
}

/* ---- the school's evidence card ---- */

/* The school's changed works in one procedure: finished works whose final primary score or
 * mark differs from the school's, the first CARD_RECHECK_WORKS_MAX of them in *out
 * (malloc'ed, free()), how many in all in *changed. */
int web_recheck_card_works(struct web_req *r, int64_t school_id, int64_t procedure_id, const char *code,
			   struct risk_card_work **out, size_t *nout, long *changed)
{
	struct rc_work *v = NULL;
	size_t n = 0;
	struct procedure *p = calloc(1, sizeof *p);
	struct rc_cfg cfg;
	*out = NULL;
	*nout = 0;
	*changed = 0;
	int rc = ERR_NOMEM;
	if (!p || (rc = procedure_get(r->db, code, p)) || (rc = recheck_cfg_get(r->db, procedure_id, &cfg)) ||
	    (rc = recheck_work_list(r->db, &r->scope, 0, procedure_id, &v, &n)))
		goto out;
	const int *scale = p->has_scale ? p->scale : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct rc_work *x = &v[i];
		if (x->school_id != school_id)
			continue;
		const uint8_t *fin = NULL;
		enum rc_state st = rc_state_of(&cfg, scale, x->s1, x->done[0] ? x->s[0] : NULL,
					       x->done[1] ? x->s[1] : NULL, x->npos, &fin);
		if ((st != RC_FINAL2 && st != RC_FINAL3) || !fin)
			continue;
		struct rc_outcome o;
		rc_outcome_of(&cfg, scale, x->s1, fin, x->npos, &o);
		if (!o.delta && o.mark1 == o.mark_final)
			continue;
		if ((*changed)++ >= CARD_RECHECK_WORKS_MAX)
			continue; /* counted for the line below the table */
		if (!*out)
			*out = xmalloc(CARD_RECHECK_WORKS_MAX * sizeof **out);
		struct risk_card_work *w = &(*out)[(*nout)++];
		*w = (struct risk_card_work){ .score1 = o.score1, .score_final = o.score_final, .mark1 = o.mark1,
					      .mark_final = o.mark_final, .delta = o.delta, .objective = o.objective,
					      .state = rc_state_title(st) };
		snprintf(w->code, sizeof w->code, "%s", x->code);
	}
out:
	free(v);
	free(p);
	return rc;
}

/* The school's changed works in one procedure as the card's table. */
static void card_changed(struct web_req *r, struct buf *b, int64_t school_id, int64_t procedure_id,
			 const char *code)
{
	struct risk_card_work *v = NULL;
	size_t n = 0;
	long changed = 0;
	if (web_recheck_card_works(r, school_id, procedure_id, code, &v, &n, &changed))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct risk_card_work *o = &v[i];
		if (!i) {
			buf_puts(b, "<table class=\"rc-changed-works\"><thead><tr>");
			for (int c = 0; c < CARD_RECHECK_WORK_NCOLS; c++) {
				buf_puts(b, c && c < 5 ? "<th class=\"num\">" : "<th>");
				html_text(b, card_recheck_work_columns[c]);
				buf_puts(b, "</th>");
			}
			buf_puts(b, "</tr></thead><tbody>");
		}
		html_printf(b, "<tr%s><td>", o->objective ? "" : " class=\"rc-changed\"");
		html_text(b, o->code);
		html_printf(b, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">",
			    o->score1, o->score_final);
		if (o->mark1)
			html_printf(b, "%d → %d", o->mark1, o->mark_final);
		else
			buf_puts(b, "—");
		buf_puts(b, "</td><td class=\"num\">");
		delta_ru(b, o->delta, 0);
		buf_puts(b, "</td><td>");
		html_text(b, o->state);
		buf_puts(b, "</td></tr>");
	}
	if (n)
		buf_puts(b, "</tbody></table>");
	struct buf more = BUF_INIT;
	card_recheck_more(&more, changed);
	if (more.len) {
		buf_puts(b, "<p class=\"muted\">");
		html_text(b, buf_str(&more));
		buf_puts(b, "</p>");
	}
	buf_free(&more);
out:
	free(v);
}

void web_recheck_card(struct web_req *r, struct buf *b, int64_t run_id, int64_t school_id)
{
	struct rc_run_row *v = NULL;
	size_t n = 0;
	if (recheck_run_school(r->db, run_id, school_id, &v, &n) || !n) {
		free(v);
		return;
	}
	bool any = card_recheck_confirmed(v, n);
	html_printf(b, "<section class=\"card rc-card %s\" id=\"recheck\"><h2>%s</h2><p class=\"rc-verdict\">",
		    any ? "rc-confirmed" : "rc-unconfirmed", CARD_RECHECK_TITLE);
	struct card_text t = CARD_TEXT_INIT;
	card_recheck_verdict(&t, any);
	web_card_text(b, &t);
	card_text_free(&t);
	buf_puts(b, "</p><div class=\"scroll\"><table class=\"rc-card-table\"><thead><tr>");
	for (int c = 0; c < CARD_RECHECK_NCOLS; c++) {
		buf_puts(b, c && c < CARD_RECHECK_NCOLS - 1 ? "<th class=\"num\">" : "<th>");
		html_text(b, card_recheck_columns[c]);
		buf_puts(b, "</th>");
	}
	buf_puts(b, "</tr></thead><tbody>");
	struct buf concl = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct rc_run_row *x = &v[i];
		char cells[5][64];
		card_recheck_cells(x, cells);
		html_printf(b, "<tr%s><td>", x->inflated ? " class=\"rc-inflated\"" : "");
		html_text(b, x->title[0] ? x->title : x->procedure);
		for (int c = 0; c < 5; c++) {
			buf_puts(b, "</td><td class=\"num\">");
			html_text(b, cells[c]);
		}
		buf_puts(b, "</td><td>");
		buf_reset(&concl);
		card_recheck_conclusion(&concl, x);
		html_text(b, buf_str(&concl));
		buf_puts(b, "</td></tr>");
	}
	buf_free(&concl);
	buf_puts(b, "</tbody></table></div><h3>" CARD_RECHECK_CHANGED "</h3>");
	for (size_t i = 0; i < n; i++) {
		if (n > 1) {
			buf_puts(b, "<h4>");
			html_text(b, v[i].title[0] ? v[i].title : v[i].procedure);
			buf_puts(b, "</h4>");
		}
		card_changed(r, b, school_id, v[i].procedure_id, v[i].procedure);
	}
	buf_puts(b, "<p class=\"muted\">" CARD_RECHECK_NOTE "</p></section>");
	free(v);
}
