/* rechecks: import of the experts' registry (experts.csv) and of re-checks typed in from
 * paper (rechecks.csv), docs/formats.md and docs/recheck.md.
 *
 *   id,name,municipality,subjects,works_at,children_at,max_works,login
 *   procedure,school,code,check,expert,<positions: p1…pK or the procedure's labels>
 *
 * Both files are small (an expert registry holds hundreds of rows, a commission's paper
 * protocols thousands): every row is checked into memory first, each problem named by row,
 * column and value in Russian, and the rows are stored through model/recheck in one
 * transaction only when no row is refused (import_end_tx). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "base/str.h"
#include "import/import.h"
#include "import/named.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/user.h"
#include "stats/recheck.h"

#define MAX_EXPERTS 20000    /* a region's registry holds hundreds */
#define MAX_RECHECKS 100000  /* a commission's protocols: thousands */
#define MAX_PROCS 64         /* procedures in one rechecks file */
#define DEFAULT_MAX_WORKS 200

/* A whole non-negative number of plain digits (no sign, no spaces inside); -1 otherwise. */
static long plain_int(const char *s)
{
	if (!*s || strlen(s) > 9)
		return -1;
	long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* ---- experts.csv ---- */

enum { E_ID, E_NAME, E_MUN, E_SUBJ, E_WORKS, E_CHILDREN, E_MAX, E_LOGIN, E_NCOLS };
static const char *const exp_cols[E_NCOLS][4] = {
	{ "id", "код", "идентификатор", NULL },
	{ "name", "фио", "эксперт", NULL },
	{ "municipality", "муниципалитет", NULL },
	{ "subjects", "предметы", NULL },
	{ "works_at", "работает", "место работы", NULL },
	{ "children_at", "дети", "дети обучаются", NULL },
	{ "max_works", "работ", "наибольшая нагрузка", NULL },
	{ "login", "логин", "вход", NULL },
};
/* The conflicts of interest must be stated (even empty): a file without them would give
 * experts the works of their own schools. The rest has defaults. */
static const bool exp_required[E_NCOLS] = { true, true, true, false, true, true, false, false };

struct exp_reader {
	struct named_reader rd;
	int64_t only_municipality;
	struct rc_expert_row *items;
	long *rowof;
	int64_t *user_id; /* the user to link, 0 none */
	size_t n, cap;
	struct hmap logins; /* login to link → its row (each once in the file) */
};

/* works_at / children_at: known school logins, each once. */
static void parse_schools(struct exp_reader *er, long row, int k, const char *text,
			  int64_t *ids, int *n)
{
	struct named_reader *rd = &er->rd;
	char *copy = arena_strdup(&rd->arena, text), *p = copy, *login;
	*n = 0;
	while ((login = named_token(&p, " \t,;"))) {
		int64_t id;
		if (!hmap_get(&rd->schools, login, strlen(login), &id)) {
			named_err(rd, row, k, text, "school", "школы с логином «%s» нет в реестре школ", login);
			continue;
		}
		bool dup = false;
		for (int i = 0; i < *n && !dup; i++)
			dup = ids[i] == id;
		if (dup)
			continue;
		if (*n == RC_MAX_SCHOOLS) {
			named_err(rd, row, k, text, "too_many", "больше %d школ у одного эксперта",
			       RC_MAX_SCHOOLS);
			return;
		}
		ids[(*n)++] = id;
	}
}

/* subjects: codes of formats.md (RU, MA, …), any case, each once; stored 'RU,MA'. */
static void parse_subjects(struct exp_reader *er, long row, const char *text, char *out,
			   size_t outn)
{
	struct named_reader *rd = &er->rd;
	char *copy = arena_strdup(&rd->arena, text), *p = copy, *s;
	out[0] = '\0';
	while ((s = named_token(&p, " \t,;"))) {
		char up[8];
		size_t len = strlen(s);
		bool known = false;
		if (len < sizeof up) {
			for (size_t i = 0; i <= len; i++)
				up[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
			for (size_t i = 0; procedure_subjects[i] && !known; i++)
				known = !strcmp(procedure_subjects[i], up);
		}
		if (!known) {
			named_err(rd, row, E_SUBJ, text, "subject",
			       "«%s» — не код предмета: нужны коды через пробел или запятую, например "
			       "RU MA (пусто — любой предмет)", s);
			continue;
		}
		char key[12];
		snprintf(key, sizeof key, ",%s,", up);
		char have[80];
		snprintf(have, sizeof have, ",%s,", out);
		if (strstr(have, key))
			continue;
		size_t used = strlen(out);
		if (used + strlen(up) + 2 > outn) {
			named_err(rd, row, E_SUBJ, text, "too_many", "слишком много предметов");
			return;
		}
		snprintf(out + used, outn - used, "%s%s", used ? "," : "", up);
	}
}

static int expert_row(void *ctx, const struct table_row *r)
{
	struct exp_reader *er = ctx;
	struct named_reader *rd = &er->rd;
	if (!rd->have_header)
		return named_header(rd, r);
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_EXPERTS) {
		named_err(rd, r->row, -1, NULL, "too_many_rows",
		       "больше %d строк: это не похоже на реестр экспертов", MAX_EXPERTS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct rc_expert_row *e = xcalloc(1, sizeof *e);
	int64_t uid = 0;
	const char *code = named_cell(rd, r, E_ID), *name = named_cell(rd, r, E_NAME), *mun = named_cell(rd, r, E_MUN),
		   *subj = named_cell(rd, r, E_SUBJ), *works = named_cell(rd, r, E_WORKS),
		   *children = named_cell(rd, r, E_CHILDREN), *maxw = named_cell(rd, r, E_MAX),
		   *login = named_cell(rd, r, E_LOGIN);

	if (!*code) {
		named_err(rd, r->row, E_ID, code, "required", "не указан код эксперта");
	} else if (strlen(code) >= RC_CODE_MAX || named_has_control(code)) {
		named_err(rd, r->row, E_ID, code, "id",
		       "код эксперта — не длиннее %d байт, без управляющих символов", RC_CODE_MAX - 1);
	} else {
		int64_t first;
		if (hmap_get(&rd->seen, code, strlen(code), &first))
			named_err(rd, r->row, E_ID, code, "duplicate",
			       "эксперт «%s» повторяется: строки %lld и %ld", code, (long long)first,
			       r->row);
		else
			hmap_put(&rd->seen, code, strlen(code), r->row);
		snprintf(e->code, sizeof e->code, "%s", code);
	}
	if (!*name)
		named_err(rd, r->row, E_NAME, name, "required", "не указаны ФИО эксперта");
	else if (strlen(name) >= RC_NAME_MAX || named_has_control(name))
		named_err(rd, r->row, E_NAME, name, "name", "слишком длинные ФИО (больше %d байт)",
		       RC_NAME_MAX - 1);
	else
		snprintf(e->name, sizeof e->name, "%s", name);
	if (*mun) {
		if (registry_municipality_find(rd->db, mun, &e->municipality_id))
			named_err(rd, r->row, E_MUN, mun, "municipality",
			       "такого муниципалитета нет в реестре школ");
		else if (er->only_municipality && e->municipality_id != er->only_municipality)
			named_err(rd, r->row, E_MUN, mun, "scope",
			       "можно загружать только экспертов своего муниципалитета");
	} else {
		e->municipality_id = er->only_municipality;
	}
	parse_subjects(er, r->row, subj, e->subjects, sizeof e->subjects);
	parse_schools(er, r->row, E_WORKS, works, e->works_at, &e->nworks);
	parse_schools(er, r->row, E_CHILDREN, children, e->children_at, &e->nchildren);
	long m = *maxw ? plain_int(maxw) : DEFAULT_MAX_WORKS;
	if (m < 1 || m > 10000)
		named_err(rd, r->row, E_MAX, maxw, "max_works",
		       "наибольшее число работ — целое число от 1 до 10000 (пусто — %d)",
		       DEFAULT_MAX_WORKS);
	e->max_works = m < 1 ? 1 : (int)m;
	if (*login) {
		struct user u;
		int64_t first;
		int urc = strlen(login) < sizeof e->login ? user_find(rd->db, login, &u) : ERR_NOTFOUND;
		if (urc == ERR_NOTFOUND)
			named_err(rd, r->row, E_LOGIN, login, "login",
			       "пользователя с логином «%s» нет (oko user add %s --role expert)", login,
			       login);
		else if (urc)
			named_err(rd, r->row, E_LOGIN, login, "db", "не удалось прочитать пользователя: %s",
			       err_str(urc));
		else if (u.role != ROLE_EXPERT)
			named_err(rd, r->row, E_LOGIN, login, "role",
			       "пользователь «%s» — не эксперт (его роль: %s)", login,
			       user_role_title(u.role));
		else if (hmap_get(&er->logins, login, strlen(login), &first))
			named_err(rd, r->row, E_LOGIN, login, "duplicate",
			       "вход «%s» указан у двух экспертов: строки %lld и %ld", login,
			       (long long)first, r->row);
		else {
			hmap_put(&er->logins, login, strlen(login), r->row);
			uid = u.id;
			snprintf(e->login, sizeof e->login, "%s", login);
		}
	}

	if (diag_errors(rd->diags) > before) {
		rd->bad++;
	} else {
		er->items = xgrow(er->items, &er->cap, er->n + 1, sizeof *er->items);
		er->rowof = xrealloc(er->rowof, er->cap * sizeof *er->rowof);
		er->user_id = xrealloc(er->user_id, er->cap * sizeof *er->user_id);
		er->items[er->n] = *e;
		er->user_id[er->n] = uid;
		er->rowof[er->n++] = r->row;
	}
	free(e);
	return 0;
}

int import_experts(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st)
{
	struct exp_reader er = { .only_municipality = o->only_municipality };
	struct named_reader *rd = &er.rd;
	named_init(rd, d, path, o, diags);
	hmap_init(&er.logins);
	rd->ncols = E_NCOLS;
	rd->names = exp_cols;
	rd->required = exp_required;
	memset(st, 0, sizeof *st);
	int rc = registry_school_index(d, &rd->schools);
	if (rc)
		goto out;
	rc = named_read(rd, path, o, expert_row, &er);
	st->rows = rd->rows;
	st->rejected = rd->bad;
	if (rc)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	const char *by = o->user && *o->user ? o->user : "oko import";
	for (size_t i = 0; i < er.n && !rc; i++) {
		struct rc_expert_row *e = &er.items[i];
		int64_t id = 0;
		int frc = expert_find(d, e->code, &id);
		if (frc && frc != ERR_NOTFOUND) {
			rc = frc;
			break;
		}
		if (!frc && er.only_municipality) {
			struct rc_expert_row *was = xcalloc(1, sizeof *was);
			if (!(rc = expert_get(d, id, was)) && was->municipality_id != er.only_municipality) {
				named_err(rd, er.rowof[i], E_ID, e->code, "scope",
				       "эксперт с этим кодом уже есть в реестре другого муниципалитета");
				st->rejected++;
			}
			free(was);
			if (rc)
				break;
		}
		if ((rc = expert_put(d, e, by))) {
			named_err(rd, er.rowof[i], E_ID, e->code, "db", "не удалось сохранить эксперта: %s",
			       db_errmsg(d));
			break;
		}
		if (er.user_id[i]) {
			char msg[256] = "";
			if ((rc = expert_find(d, e->code, &id)))
				break;
			if ((rc = expert_link_user(d, id, er.user_id[i], msg, sizeof msg))) {
				if (rc == ERR_INVALID) {
					named_err(rd, er.rowof[i], E_LOGIN, e->login, "login", "%s",
					       *msg ? msg : "вход не связан с экспертом");
					st->rejected++;
					rc = 0;
				}
				if (rc)
					break;
			}
		}
		if (frc)
			st->created++;
		else
			st->updated++;
	}
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary, "%sэкспертов: %ld (новых %ld, обновлено %ld)",
			 o->dry_run ? "проверено, ничего не сохранено: " : "", (long)er.n, st->created,
			 st->updated);
	else
		snprintf(st->summary, sizeof st->summary, "строк: %ld, с ошибками: %ld", st->rows,
			 st->rejected);
	free(er.items);
	free(er.rowof);
	free(er.user_id);
	hmap_free(&er.logins);
	named_free(rd);
	return rc;
}

/* ---- rechecks.csv ---- */

enum { R_PROC, R_SCHOOL, R_CODE, R_CHECK, R_EXPERT, R_NCOLS };
static const char *const rc_cols[R_NCOLS][4] = {
	{ "procedure", "процедура", NULL },
	{ "school", "школа", "логин школы", NULL },
	{ "code", "код", "код участника", NULL },
	{ "check", "проверка", "номер проверки", NULL },
	{ "expert", "эксперт", "код эксперта", NULL },
};
static const bool rc_required[R_NCOLS] = { true, true, true, true, true };

/* A procedure met in the file, with its settings and where its positions are. */
struct rc_proc {
	struct procedure p;
	struct rc_cfg cfg;
	int *pos_of;     /* [npc]: the procedure's position of each position column, -1 none */
	char *bad_col;   /* [npc]: the column names no position of it (reported once) */
};

/* A position column of the file: any column that is not one of the named ones. */
struct pos_col {
	int col;
	char header[64];
	int num; /* N of a header "pN" (1-based), 0 for a label */
};

struct rc_item {
	long row;
	int64_t work_id, expert_id;
	int check_no;
	bool replaces;   /* the work had this check already */
	struct rc_proc *proc;
	uint8_t s[PROC_MAX_POSITIONS];
};

struct rc_reader {
	struct named_reader rd;
	int64_t only_municipality;
	struct pos_col *pc;
	int npc;
	struct rc_proc *procs[MAX_PROCS];
	int nprocs;
	struct hmap proc_of; /* code → index into procs, -1 (as -1 - 0) for unknown codes */
	struct rc_item *items;
	size_t n, cap;
};

/* "p12" → 12; 0 when the header is not a numbered position. */
static int numbered(const char *h)
{
	if ((h[0] != 'p' && h[0] != 'P') || !h[1])
		return 0;
	long v = plain_int(h + 1);
	return v >= 1 && v <= PROC_MAX_POSITIONS ? (int)v : 0;
}

static bool is_named(const struct named_reader *rd, int c)
{
	for (int k = 0; k < rd->ncols; k++)
		if (rd->col[k] == c)
			return true;
	return false;
}

static int recheck_header(struct rc_reader *rr, const struct table_row *r)
{
	struct named_reader *rd = &rr->rd;
	int rc = named_header(rd, r);
	rr->pc = xcalloc(r->n ? r->n : 1, sizeof *rr->pc);
	for (size_t c = 0; c < r->n; c++) {
		const char *s = r->v[c];
		size_t n = str_trim(&s, r->len[c]);
		if (!n || is_named(rd, (int)c))
			continue;
		if (rr->npc >= PROC_MAX_POSITIONS) {
			named_err_cell(rd, r->row, (int)c, r->v[c], NULL, "columns",
				 "больше %d столбцов позиций", PROC_MAX_POSITIONS);
			return ERR_INVALID;
		}
		struct pos_col *p = &rr->pc[rr->npc++];
		p->col = (int)c;
		snprintf(p->header, sizeof p->header, "%.*s", (int)(n < 63 ? n : 63), s);
		p->num = numbered(p->header);
	}
	if (!rc && !rr->npc) {
		diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
			 "no_positions",
			 "в строке заголовков нет столбцов позиций: после procedure, school, code, "
			 "check, expert нужны баллы по позициям (p1…pK или метки позиций процедуры)");
		rc = ERR_INVALID;
	}
	return rc;
}

/* The procedure of a row, loaded once per file (NULL when unknown: reported at its first
 * row only, as «нет в базе»). */
static struct rc_proc *row_procedure(struct rc_reader *rr, long row, const char *code)
{
	struct named_reader *rd = &rr->rd;
	int64_t k;
	if (hmap_get(&rr->proc_of, code, strlen(code), &k))
		return k >= 0 ? rr->procs[k] : NULL;
	struct rc_proc *p = xcalloc(1, sizeof *p);
	int rc = strlen(code) < sizeof p->p.code ? procedure_get(rd->db, code, &p->p) : ERR_NOTFOUND;
	if (rc || rr->nprocs == MAX_PROCS) {
		if (rc == ERR_NOTFOUND)
			named_err(rd, row, R_PROC, code, "procedure", "процедуры «%s» нет в базе", code);
		else if (rc)
			named_err(rd, row, R_PROC, code, "db", "не удалось прочитать процедуру: %s",
			       err_str(rc));
		else
			named_err(rd, row, R_PROC, code, "too_many", "больше %d процедур в одном файле",
			       MAX_PROCS);
		free(p);
		hmap_put(&rr->proc_of, code, strlen(code), -1);
		return NULL;
	}
	if ((rc = recheck_cfg_get(rd->db, p->p.id, &p->cfg)))
		p->cfg = RC_CFG_DEFAULT;
	p->pos_of = xcalloc((size_t)rr->npc, sizeof *p->pos_of);
	p->bad_col = xcalloc((size_t)rr->npc, 1);
	/* Numbered headers p1…pK count only when every position column is numbered (as in
	 * results.csv); otherwise each header is a label. */
	bool all_numbered = true;
	for (int j = 0; j < rr->npc; j++)
		all_numbered = all_numbered && rr->pc[j].num > 0;
	for (int j = 0; j < rr->npc; j++) {
		int i = all_numbered ? rr->pc[j].num - 1 : procedure_position_find(&p->p, rr->pc[j].header);
		p->pos_of[j] = i >= 0 && i < p->p.npos ? i : -1;
	}
	hmap_put(&rr->proc_of, code, strlen(code), rr->nprocs);
	rr->procs[rr->nprocs++] = p;
	return p;
}

/* The scores of a row: every position of the procedure once, 0..its maximum. */
static void row_scores(struct rc_reader *rr, const struct table_row *r, struct rc_proc *p,
		       uint8_t *s)
{
	struct named_reader *rd = &rr->rd;
	bool have[PROC_MAX_POSITIONS] = { false };
	for (int j = 0; j < rr->npc; j++) {
		const struct pos_col *pc = &rr->pc[j];
		const char *v = table_cell_dup(&rd->arena, r, pc->col);
		int i = p->pos_of[j];
		if (i < 0) {
			if (*v && !p->bad_col[j]) {
				p->bad_col[j] = 1;
				named_err_cell(rd, r->row, pc->col, pc->header, v, "position",
					 "у процедуры %s нет позиции «%s»", p->p.code, pc->header);
			}
			continue;
		}
		const struct position *pos = &p->p.pos[i];
		if (!*v) {
			named_err_cell(rd, r->row, pc->col, pc->header, v, "required",
				 "не указан балл позиции «%s» (от 0 до %d)", pos->label, pos->max);
			have[i] = true;
			continue;
		}
		if (have[i]) {
			named_err_cell(rd, r->row, pc->col, pc->header, v, "duplicate_position",
				 "балл позиции «%s» указан в двух столбцах", pos->label);
			continue;
		}
		have[i] = true;
		long x = plain_int(v);
		if (x < 0) {
			named_err_cell(rd, r->row, pc->col, pc->header, v, "score",
				 "балл — целое число от 0 до %d (максимум позиции «%s»)", pos->max,
				 pos->label);
		} else if (x > pos->max) {
			named_err_cell(rd, r->row, pc->col, pc->header, v, "above_max",
				 "балл %ld больше максимума позиции «%s»: %d", x, pos->label, pos->max);
		} else {
			s[i] = (uint8_t)x;
		}
	}
	for (int i = 0; i < p->p.npos; i++)
		if (!have[i])
			named_err(rd, r->row, -1, NULL, "missing_position",
			       "нет балла позиции «%s» процедуры %s: в файле нет её столбца "
			       "(p%d или «%s»)", p->p.pos[i].label, p->p.code, i + 1, p->p.pos[i].label);
}

static bool expert_has(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static int recheck_row(void *ctx, const struct table_row *r)
{
	struct rc_reader *rr = ctx;
	struct named_reader *rd = &rr->rd;
	if (!rd->have_header)
		return recheck_header(rr, r);
	if (table_row_blank(r))
		return 0;
	if (++rd->rows > MAX_RECHECKS) {
		named_err(rd, r->row, -1, NULL, "too_many_rows",
		       "больше %d строк: загрузите проверки несколькими файлами", MAX_RECHECKS);
		return ERR_LIMIT;
	}
	size_t before = diag_errors(rd->diags);
	struct rc_item it = { .row = r->row };
	const char *proc = named_cell(rd, r, R_PROC), *school = named_cell(rd, r, R_SCHOOL),
		   *code = named_cell(rd, r, R_CODE), *check = named_cell(rd, r, R_CHECK),
		   *expert = named_cell(rd, r, R_EXPERT);
	struct rc_proc *p = NULL;
	int64_t sid = 0;
	if (!*proc)
		named_err(rd, r->row, R_PROC, proc, "required", "не указана процедура");
	else
		p = row_procedure(rr, r->row, proc);
	if (!*school)
		named_err(rd, r->row, R_SCHOOL, school, "required", "не указан логин школы");
	else if (!hmap_get(&rd->schools, school, strlen(school), &sid))
		named_err(rd, r->row, R_SCHOOL, school, "school", "школы с логином «%s» нет в реестре школ",
		       school);
	if (!*code)
		named_err(rd, r->row, R_CODE, code, "required", "не указан код участника");
	long cno = plain_int(check);
	if (cno != 2 && cno != 3)
		named_err(rd, r->row, R_CHECK, check, "check",
		       "номер проверки — 2 (вторая проверка, эксперт) или 3 (третья, при значительном "
		       "расхождении)");
	it.check_no = (int)cno;
	if (!*expert) {
		named_err(rd, r->row, R_EXPERT, expert, "required", "не указан код эксперта");
	} else {
		int erc = strlen(expert) < RC_CODE_MAX ? expert_find(rd->db, expert, &it.expert_id)
						       : ERR_NOTFOUND;
		if (erc == ERR_NOTFOUND)
			named_err(rd, r->row, R_EXPERT, expert, "expert",
			       "эксперта с кодом «%s» нет в реестре экспертов (oko recheck experts "
			       "import)", expert);
		else if (erc)
			named_err(rd, r->row, R_EXPERT, expert, "db", "не удалось прочитать эксперта: %s",
			       err_str(erc));
	}
	if (p) {
		it.proc = p;
		row_scores(rr, r, p, it.s);
	}
	/* The work: sampled, in the uploader's territory, with an expert free of conflicts. */
	if (p && sid && *code) {
		int64_t wid;
		int wrc = recheck_work_find(rd->db, p->p.id, school, code, &wid);
		if (wrc == ERR_NOTFOUND) {
			named_err(rd, r->row, R_CODE, code, "not_sampled",
			       "работа не отобрана для перепроверки: участника «%s» школы %s нет в "
			       "выборке процедуры %s", code, school, p->p.code);
		} else if (wrc) {
			named_err(rd, r->row, R_CODE, code, "db", "не удалось прочитать работу: %s",
			       err_str(wrc));
		} else {
			it.work_id = wid;
			char key[48];
			int64_t first;
			int kn = snprintf(key, sizeof key, "%lld/%d", (long long)wid, it.check_no);
			if (hmap_get(&rd->seen, key, (size_t)kn, &first))
				named_err(rd, r->row, R_CHECK, check, "duplicate",
				       "проверка %d этой работы повторяется: строки %lld и %ld",
				       it.check_no, (long long)first, r->row);
			else
				hmap_put(&rd->seen, key, (size_t)kn, r->row);
		}
	}
	if (it.work_id && it.expert_id) {
		const struct scope all = scope_all();
		struct rc_work *w = xcalloc(1, sizeof *w);
		struct rc_expert_row *e = xcalloc(1, sizeof *e);
		int grc = recheck_work_get(rd->db, &all, it.work_id, w);
		if (!grc)
			grc = expert_get(rd->db, it.expert_id, e);
		if (grc) {
			named_err(rd, r->row, -1, NULL, "db", "не удалось прочитать работу или эксперта: %s",
			       err_str(grc));
		} else {
			if (rr->only_municipality && w->municipality_id != rr->only_municipality)
				named_err(rd, r->row, R_SCHOOL, school, "scope",
				       "школа не своего муниципалитета: загружать можно проверки только "
				       "своих работ");
			if (expert_has(e->works_at, e->nworks, w->school_id))
				named_err(rd, r->row, R_EXPERT, expert, "conflict",
				       "эксперт «%s» работает в школе %s: он не может проверять её работы",
				       expert, school);
			else if (expert_has(e->children_at, e->nchildren, w->school_id))
				named_err(rd, r->row, R_EXPERT, expert, "conflict",
				       "у эксперта «%s» в школе %s учится ребёнок: он не может проверять "
				       "её работы", expert, school);
			if (it.check_no == 2 || it.check_no == 3) {
				int other = it.check_no == 2 ? 1 : 0;
				if (w->expert_id[other] == it.expert_id)
					named_err(rd, r->row, R_EXPERT, expert, "twice",
					       "эксперт «%s» уже проверял эту работу (проверка %d): одну "
					       "работу эксперт проверяет один раз", expert, other + 2);
				int self = it.check_no - 2;
				if (w->done[self] && w->expert_id[self] &&
				    w->expert_id[self] != it.expert_id)
					named_err(rd, r->row, R_EXPERT, expert, "done",
					       "проверка %d этой работы уже закончена другим экспертом "
					       "(«%s»): заменить её можно только проверкой того же эксперта",
					       it.check_no, w->expert[self]);
				it.replaces = w->check_id[self] != 0;
			}
		}
		free(w);
		free(e);
	}
	if (diag_errors(rd->diags) > before) {
		rd->bad++;
	} else {
		rr->items = xgrow(rr->items, &rr->cap, rr->n + 1, sizeof *rr->items);
		rr->items[rr->n++] = it;
	}
	return 0;
}

static int by_check(const void *a, const void *b)
{
	const struct rc_item *x = a, *y = b;
	if (x->check_no != y->check_no)
		return x->check_no - y->check_no;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* The rule of the third check, over the whole file: check 3 of a work only when its check
 * 2 (in this file, or done before) differs significantly from the school's scores, and by
 * another expert. Items are sorted by check number. */
static int third_checks(struct rc_reader *rr)
{
	struct named_reader *rd = &rr->rd;
	const struct scope all = scope_all();
	struct rc_work *w = xcalloc(1, sizeof *w);
	int rc = 0;
	for (size_t i = 0; i < rr->n && !rc; i++) {
		struct rc_item *it = &rr->items[i];
		if (it->check_no != 3)
			continue;
		if ((rc = recheck_work_get(rd->db, &all, it->work_id, w)))
			break;
		const struct rc_item *two = NULL;
		for (size_t j = 0; j < i; j++)
			if (rr->items[j].check_no == 2 && rr->items[j].work_id == it->work_id)
				two = &rr->items[j];
		const uint8_t *s2 = two ? two->s : w->done[0] ? w->s[0] : NULL;
		int64_t e2 = two ? two->expert_id : w->expert_id[0];
		const struct procedure *p = &it->proc->p;
		int n = p->npos < w->npos || !w->npos ? p->npos : w->npos;
		if (!s2) {
			named_err(rd, it->row, R_CHECK, "3", "no_check2",
			       "третья проверка раньше второй: у этой работы нет законченной второй "
			       "проверки");
			rd->bad++;
		} else if (!rc_significant(&it->proc->cfg, p->has_scale ? p->scale : NULL, w->s1, s2, n)) {
			named_err(rd, it->row, R_CHECK, "3", "no_discrepancy",
			       "третья проверка не нужна: вторая проверка не расходится с оценкой школы "
			       "значительно (на %d балла по позиции или на отметку)",
			       it->proc->cfg.point_diff);
			rd->bad++;
		} else if (two && e2 == it->expert_id) {
			named_err(rd, it->row, R_EXPERT, "", "twice",
			       "третью проверку делает другой эксперт, не тот, что делал вторую");
			rd->bad++;
		}
	}
	free(w);
	return rc;
}

int import_rechecks(struct db *d, const char *path, const struct import_opts *o,
		    struct diag_list *diags, struct import_stats *st)
{
	struct rc_reader rr = { .only_municipality = o->only_municipality };
	struct named_reader *rd = &rr.rd;
	named_init(rd, d, path, o, diags);
	hmap_init(&rr.proc_of);
	rd->ncols = R_NCOLS;
	rd->names = rc_cols;
	rd->required = rc_required;
	memset(st, 0, sizeof *st);
	long third = 0;
	int rc = registry_school_index(d, &rd->schools);
	if (rc)
		goto out;
	rc = named_read(rd, path, o, recheck_row, &rr);
	/* The third checks are judged over the whole file, also when other rows are refused:
	 * every problem of the file is named at once. */
	if ((!rc || (rc == ERR_INVALID && rd->have_header)) && rr.n) {
		qsort(rr.items, rr.n, sizeof *rr.items, by_check);
		int trc = third_checks(&rr);
		rc = trc ? trc : diag_errors(diags) ? ERR_INVALID : 0;
	}
	st->rows = rd->rows;
	st->rejected = rd->bad;
	if (rc)
		goto out;
	if ((rc = db_begin(d)))
		goto out;
	const char *by = o->user && *o->user ? o->user : "oko import";
	for (size_t i = 0; i < rr.n && !rc; i++) {
		struct rc_item *it = &rr.items[i];
		if ((rc = recheck_check_import(d, it->work_id, it->check_no, it->expert_id, it->s,
					       it->proc->p.npos, by))) {
			named_err(rd, it->row, -1, NULL, "db", "не удалось сохранить проверку: %s",
			       rc == ERR_INVALID || rc == ERR_EXISTS ? err_str(rc) : db_errmsg(d));
			break;
		}
		third += it->check_no == 3;
		if (it->replaces)
			st->updated++;
		else
			st->created++;
	}
	rc = import_end_tx(d, diags, o->dry_run, rc);
out:
	if (!rc)
		snprintf(st->summary, sizeof st->summary,
			 "%sпроверок: %ld (новых %ld, заменено %ld), из них третьих: %ld",
			 o->dry_run ? "проверено, ничего не сохранено: " : "", (long)rr.n, st->created,
			 st->updated, third);
	else
		snprintf(st->summary, sizeof st->summary, "строк: %ld, с ошибками: %ld", st->rows,
			 st->rejected);
	for (int i = 0; i < rr.nprocs; i++) {
		free(rr.procs[i]->pos_of);
		free(rr.procs[i]->bad_col);
		free(rr.procs[i]);
	}
	free(rr.pc);
	free(rr.items);
	hmap_free(&rr.proc_of);
	named_free(rd);
	return rc;
}
