/* procedure: assessment procedures, positions and mark scales. */
#include "model/procedure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "stats/mark.h"

const char *const procedure_kinds[] = {
	"VPR", "DKR", "NIKO", "IS9", "IS11", "OGE", "GVE", "EGE", "VSOSH", NULL
};

const char *const procedure_subjects[] = {
	"RU", "MA", "OM", "BI", "IS", "GG", "OB", "FI", "HI", "EN", "DE", "FR", "LI", "IN",
	"MB", /* ЕГЭ: mathematics of the base level (MA is the profile level) */
	NULL
};

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return true;
	return false;
}

int procedure_code_parse(const char *code, struct procedure *p, char *msg, size_t msglen)
{
	const char *part[4];
	size_t len[4];
	const char *s = code;
	size_t n = strlen(code);
	if (n == 0 || n >= sizeof p->code) {
		snprintf(msg, msglen, "код процедуры должен иметь вид ВИД-ГОД-ПРЕДМЕТ-КЛАСС, "
				      "например VPR-2021-RU-4");
		return ERR_INVALID;
	}
	for (int i = 0; i < 4; i++) {
		const char *dash = i < 3 ? strchr(s, '-') : NULL;
		if (i < 3 && !dash) {
			snprintf(msg, msglen, "код процедуры «%s» должен иметь вид "
					      "ВИД-ГОД-ПРЕДМЕТ-КЛАСС, например VPR-2021-RU-4", code);
			return ERR_INVALID;
		}
		part[i] = s;
		len[i] = dash ? (size_t)(dash - s) : strlen(s);
		s = dash ? dash + 1 : s + len[i];
	}
	if (strchr(part[3], '-')) {
		snprintf(msg, msglen, "код процедуры «%s»: лишняя часть после класса", code);
		return ERR_INVALID;
	}
	if (!in_list(procedure_kinds, part[0], len[0])) {
		snprintf(msg, msglen, "код процедуры «%s»: неизвестный вид процедуры «%.*s» "
				      "(допустимы VPR, DKR, NIKO, IS9, IS11, OGE, GVE, EGE, VSOSH)",
			 code, (int)len[0], part[0]);
		return ERR_INVALID;
	}
	long year, grade;
	if (str_to_int(part[1], len[1], &year) || len[1] != 4 || year < 2000 || year > 2100) {
		snprintf(msg, msglen, "код процедуры «%s»: год «%.*s» должен быть четырёхзначным, "
				      "2000–2100", code, (int)len[1], part[1]);
		return ERR_INVALID;
	}
	if (!in_list(procedure_subjects, part[2], len[2])) {
		snprintf(msg, msglen, "код процедуры «%s»: неизвестный предмет «%.*s» (допустимы RU MA "
				      "OM BI IS GG OB FI HI EN DE FR LI IN)", code, (int)len[2], part[2]);
		return ERR_INVALID;
	}
	if (str_to_int(part[3], len[3], &grade) || len[3] > 2 || grade < 1 || grade > 11) {
		snprintf(msg, msglen, "код процедуры «%s»: класс «%.*s» должен быть числом от 1 до 11",
			 code, (int)len[3], part[3]);
		return ERR_INVALID;
	}
	memcpy(p->code, code, n + 1);
	memcpy(p->kind, part[0], len[0]);
	p->kind[len[0]] = '\0';
	p->year = (int)year;
	memcpy(p->subject, part[2], len[2]);
	p->subject[len[2]] = '\0';
	p->grade = (int)grade;
	return 0;
}

const char *procedure_level_canonical(const char *level)
{
	/* The level is named by its first letter (Б, П, В) or a word starting with it
	 * ("базовый", "повышенный", "высокий"). Latin look-alikes count: P is П and B is В,
	 * as typed on a Latin keyboard. */
	const char *s = level;
	size_t n = str_trim(&s, strlen(level));
	uint32_t cp;
	if (n == 0 || !utf8_decode(s, n, &cp))
		return NULL;
	switch (cp) {
	case 0x411: case 0x431: return "Б";
	case 0x41F: case 0x43F: case 'P': case 'p': return "П";
	case 0x412: case 0x432: case 'B': case 'b': return "В";
	}
	return NULL;
}

int procedure_add_position(struct procedure *p, const char *label, int max, const char *level)
{
	if (p->npos >= PROC_MAX_POSITIONS)
		return ERR_LIMIT;
	if (procedure_position_find(p, label) >= 0)
		return ERR_EXISTS;
	struct position *x = &p->pos[p->npos];
	const char *t = label;
	size_t n = str_trim(&t, strlen(label));
	if (n == 0 || n >= sizeof x->label)
		return ERR_INVALID;
	memcpy(x->label, t, n);
	x->label[n] = '\0';
	x->max = max;
	const char *lv = level && *level ? procedure_level_canonical(level) : NULL;
	snprintf(x->level, sizeof x->level, "%s", lv ? lv : "");
	p->npos++;
	return 0;
}

int procedure_label_key(const char *label, struct buf *out)
{
	struct buf f = BUF_INIT;
	int rc = str_fold(label, strlen(label), &f);
	buf_reset(out);
	rc = rc ? rc : buf_append(out, "", 0);
	/* "5(1)" is how the results form writes the position the KIM calls "5.1". */
	for (size_t i = 0; !rc && i < f.len; i++) {
		char c = f.p[i];
		if (c == '(' && i > 0 && f.p[i - 1] >= '0' && f.p[i - 1] <= '9') {
			size_t k = i + 1;
			while (k < f.len && f.p[k] >= '0' && f.p[k] <= '9')
				k++;
			if (k > i + 1 && k < f.len && f.p[k] == ')') {
				rc = buf_putc(out, '.');
				rc = rc ? rc : buf_append(out, f.p + i + 1, k - i - 1);
				i = k;
				continue;
			}
		}
		rc = buf_putc(out, c);
	}
	buf_free(&f);
	return rc;
}

int procedure_position_find(const struct procedure *p, const char *label)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int found = -1;
	procedure_label_key(label, &a);
	for (int i = 0; i < p->npos && found < 0; i++) {
		procedure_label_key(p->pos[i].label, &b);
		if (a.len == b.len && !memcmp(buf_str(&a), buf_str(&b), a.len))
			found = i;
	}
	buf_free(&a);
	buf_free(&b);
	return found;
}

int procedure_positions_parse(const char *spec, struct procedure *p, char *msg, size_t msglen)
{
	p->npos = 0;
	p->max_score = 0;
	const char *s = spec;
	int rc = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		/* label:max[:level] */
		const char *c1 = memchr(s, ':', (size_t)(e - s));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(e - c1 - 1)) : NULL;
		long max;
		if (!c1 || c1 == s ||
		    str_to_int(c1 + 1, (size_t)((c2 ? c2 : e) - c1 - 1), &max) || max < 0 ||
		    max > PROC_MAX_POINTS) {
			snprintf(msg, msglen, "позиция «%.*s» должна иметь вид метка:максимум[:уровень], "
					      "например 1K1:4:Б (максимум от 0 до %d)",
				 (int)(e - s), s, PROC_MAX_POINTS);
			return ERR_INVALID;
		}
		char label[64], level[32] = "";
		snprintf(label, sizeof label, "%.*s", (int)(c1 - s), s);
		if (c2)
			snprintf(level, sizeof level, "%.*s", (int)(e - c2 - 1), c2 + 1);
		if (*level && !procedure_level_canonical(level)) {
			snprintf(msg, msglen, "позиция «%s»: неизвестный уровень сложности «%s» "
					      "(допустимы Б, П, В)", label, level);
			return ERR_INVALID;
		}
		rc = procedure_add_position(p, label, (int)max, level);
		if (rc == ERR_EXISTS) {
			snprintf(msg, msglen, "позиция «%s» указана дважды", label);
			return ERR_INVALID;
		}
		if (rc == ERR_LIMIT) {
			snprintf(msg, msglen, "больше %d позиций в одной процедуре", PROC_MAX_POSITIONS);
			return ERR_LIMIT;
		}
		if (rc) {
			snprintf(msg, msglen, "позиция «%s»: недопустимая метка", label);
			return ERR_INVALID;
		}
		p->max_score += (int)max;
		s = e;
	}
	return 0;
}

int procedure_scale_parse(const char *spec, struct procedure *p, char *msg, size_t msglen)
{
	long v[3];
	const char *s = spec;
	for (int i = 0; i < 3; i++) {
		const char *e = i < 2 ? strchr(s, '/') : s + strlen(s);
		if (!e || str_to_int(s, (size_t)(e - s), &v[i]) || v[i] < 0 || v[i] > 10000) {
			snprintf(msg, msglen, "шкала «%s» должна иметь вид a/b/c — нижние границы "
					      "отметок 3, 4 и 5, например 14/24/33", spec);
			return ERR_INVALID;
		}
		s = e + 1;
	}
	if (!(v[0] < v[1] && v[1] < v[2])) {
		snprintf(msg, msglen, "шкала «%s»: границы отметок 3, 4, 5 должны возрастать", spec);
		return ERR_INVALID;
	}
	for (int i = 0; i < 3; i++)
		p->scale[i] = (int)v[i];
	p->has_scale = true;
	return 0;
}

int procedure_validate(const struct procedure *p, char *msg, size_t msglen)
{
	int sum = 0;
	for (int i = 0; i < p->npos; i++)
		sum += p->pos[i].max;
	if (p->npos > 0 && sum != p->max_score) {
		snprintf(msg, msglen, "максимальный балл %d не равен сумме максимумов позиций (%d)",
			 p->max_score, sum);
		return ERR_INVALID;
	}
	if (p->has_scale && p->scale[2] > p->max_score) {
		snprintf(msg, msglen, "граница отметки «5» (%d) больше максимального балла (%d)",
			 p->scale[2], p->max_score);
		return ERR_INVALID;
	}
	return 0;
}

int procedure_mark(const struct procedure *p, int score)
{
	return score_mark(p->has_scale ? p->scale : NULL, score);
}

/* Number of results stored for a procedure. */
static int count_results(struct db *d, int64_t id, int64_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT count(*) FROM result WHERE procedure_id = ?");
	if (rc)
		return rc;
	if (!(rc = db_bind_int(s, 1, id)) && (rc = db_step(s)) == DB_ROW) {
		*n = db_col_int(s, 0);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

int procedure_put(struct db *d, struct procedure *p, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	struct buf key = BUF_INIT;
	int rc;
	if ((rc = procedure_validate(p, msg, msglen)))
		return rc;
	struct procedure old;
	rc = procedure_get(d, p->code, &old);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (rc == 0) {
		int64_t n = 0;
		if ((rc = count_results(d, old.id, &n)))
			return rc;
		bool same = old.npos == p->npos;
		for (int i = 0; same && i < p->npos; i++)
			same = old.pos[i].max == p->pos[i].max;
		if (n > 0 && !same) {
			char title[160];
			procedure_title_of(p->code, p->subject, p->grade, title, sizeof title);
			snprintf(msg, msglen, "по процедуре «%s, %d» уже загружено %lld %s: "
					      "число позиций и их максимумы менять нельзя",
				 title, p->year, (long long)n, str_plural((long)n, "результат", "результата", "результатов"));
			return ERR_INVALID;
		}
	}
	if ((rc = db_prepare(d, &s,
			     "INSERT INTO procedure(code, kind, year, subject, grade, max_score,"
			     " scale3, scale4, scale5, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     " ON CONFLICT(code) DO UPDATE SET max_score = excluded.max_score,"
			     " scale3 = excluded.scale3, scale4 = excluded.scale4,"
			     " scale5 = excluded.scale5, source = CASE WHEN excluded.source = ''"
			     " THEN procedure.source ELSE excluded.source END RETURNING id")))
		goto out;
	if ((rc = db_bind_text(s, 1, p->code, -1)) || (rc = db_bind_text(s, 2, p->kind, -1)) ||
	    (rc = db_bind_int(s, 3, p->year)) || (rc = db_bind_text(s, 4, p->subject, -1)) ||
	    (rc = db_bind_int(s, 5, p->grade)) || (rc = db_bind_int(s, 6, p->max_score)))
		goto out;
	for (int i = 0; i < 3; i++)
		if ((rc = p->has_scale ? db_bind_int(s, 7 + i, p->scale[i]) : db_bind_null(s, 7 + i)))
			goto out;
	if ((rc = db_bind_text(s, 10, p->source, -1)))
		goto out;
	if ((rc = db_step(s)) != DB_ROW) {
		rc = rc < 0 ? rc : ERR_DB;
		goto out;
	}
	p->id = db_col_int(s, 0);
	db_finalize(s);
	s = NULL;
	if ((rc = db_prepare(d, &s, "DELETE FROM position WHERE procedure_id = ?")) ||
	    (rc = db_bind_int(s, 1, p->id)) || (rc = db_step(s)) < 0)
		goto out;
	db_finalize(s);
	s = NULL;
	if ((rc = db_prepare(d, &s, "INSERT INTO position(procedure_id, idx, label, label_key, max,"
				    " level) VALUES (?, ?, ?, ?, ?, ?)")))
		goto out;
	for (int i = 0; i < p->npos; i++) {
		const struct position *x = &p->pos[i];
		procedure_label_key(x->label, &key);
		db_reset(s);
		if ((rc = db_bind_int(s, 1, p->id)) || (rc = db_bind_int(s, 2, i)) ||
		    (rc = db_bind_text(s, 3, x->label, -1)) ||
		    (rc = db_bind_text(s, 4, buf_str(&key), -1)) || (rc = db_bind_int(s, 5, x->max)) ||
		    (rc = db_bind_text(s, 6, *x->level ? x->level : NULL, -1)) ||
		    (rc = db_step(s)) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0 && !*msg)
		snprintf(msg, msglen, "%s", db_errmsg(d));
	buf_free(&key);
	db_finalize(s);
	return rc;
}

int procedure_get(struct db *d, const char *code, struct procedure *p)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT id, code, kind, year, subject, grade, max_score, scale3,"
				   " scale4, scale5, source FROM procedure WHERE code = ?");
	if (rc)
		return rc;
	memset(p, 0, sizeof *p);
	if ((rc = db_bind_text(s, 1, code, -1)))
		goto out;
	rc = db_step(s);
	if (rc == DB_DONE)
		rc = ERR_NOTFOUND;
	if (rc != DB_ROW)
		goto out;
	p->id = db_col_int(s, 0);
	snprintf(p->code, sizeof p->code, "%s", db_col_text(s, 1));
	snprintf(p->kind, sizeof p->kind, "%s", db_col_text(s, 2));
	p->year = (int)db_col_int(s, 3);
	snprintf(p->subject, sizeof p->subject, "%s", db_col_text(s, 4));
	p->grade = (int)db_col_int(s, 5);
	p->max_score = (int)db_col_int(s, 6);
	p->has_scale = !db_col_null(s, 7);
	for (int i = 0; i < 3; i++)
		p->scale[i] = (int)db_col_int(s, 7 + i);
	str_copy_utf8(p->source, sizeof p->source, db_col_text(s, 10));
	db_finalize(s);
	s = NULL;
	if ((rc = db_prepare(d, &s, "SELECT label, max, level FROM position WHERE procedure_id = ?"
				    " ORDER BY idx")) ||
	    (rc = db_bind_int(s, 1, p->id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW && p->npos < PROC_MAX_POSITIONS) {
		struct position *x = &p->pos[p->npos++];
		snprintf(x->label, sizeof x->label, "%s", db_col_text(s, 0));
		x->max = (int)db_col_int(s, 1);
		snprintf(x->level, sizeof x->level, "%s", db_col_text(s, 2));
	}
	if (rc == DB_DONE || rc == DB_ROW)
		rc = 0;
out:
	db_finalize(s);
	return rc;
}

int procedure_get_id(struct db *d, int64_t id, struct procedure *p)
{
	struct db_stmt *s = NULL;
	char code[sizeof p->code];
	int rc = db_cached(d, &s, "SELECT code FROM procedure WHERE id = ?");
	if (rc || (rc = db_bind_int(s, 1, id)))
		return rc;
	if (!(rc = db_step_one(s)))
		snprintf(code, sizeof code, "%s", db_col_text(s, 0));
	db_reset(s);
	return rc ? rc : procedure_get(d, code, p);
}

int procedure_each_for_school(struct db *d, int64_t school_id, procedure_school_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.code, (SELECT count(*) FROM result x WHERE x.procedure_id"
				   " = p.id AND x.school_id = ?) FROM procedure p ORDER BY p.year DESC, p.code");
	if (rc || (rc = db_bind_int(s, 1, school_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW)
		if ((rc = fn(ctx, db_col_text(s, 0), db_col_int(s, 1))))
			goto out;
out:
	db_finalize(s);
	return rc;
}

int procedure_each(struct db *d, procedure_item_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.id, p.code, p.kind, p.year, p.subject, p.grade, p.max_score,"
				   " p.scale3, p.scale4, p.scale5,"
				   " (SELECT count(*) FROM position x WHERE x.procedure_id = p.id)"
				   " FROM procedure p ORDER BY p.year DESC, p.code");
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		struct procedure_item x = {
			.id = db_col_int(s, 0), .code = db_col_text(s, 1), .kind = db_col_text(s, 2),
			.year = (int)db_col_int(s, 3), .subject = db_col_text(s, 4),
			.grade = (int)db_col_int(s, 5), .max_score = (int)db_col_int(s, 6),
			.has_scale = !db_col_null(s, 7), .npos = (int)db_col_int(s, 10),
		};
		for (int i = 0; i < 3; i++)
			x.scale[i] = (int)db_col_int(s, 7 + i);
		rc = fn(ctx, &x);
	}
	db_finalize(s);
	return rc;
}

/* ---- a procedure in the users' words ---- */

static const struct {
	const char *code, *name, *title;
} subjects[] = {
	{ "RU", "русский язык", "Русский язык" }, { "MA", "математика", "Математика" },
	{ "OM", "окружающий мир", "Окружающий мир" }, { "BI", "биология", "Биология" },
	{ "IS", "история", "История" }, { "GG", "география", "География" },
	{ "OB", "обществознание", "Обществознание" }, { "FI", "физика", "Физика" },
	{ "HI", "химия", "Химия" }, { "EN", "английский язык", "Английский язык" },
	{ "DE", "немецкий язык", "Немецкий язык" }, { "FR", "французский язык", "Французский язык" },
	{ "LI", "литература", "Литература" }, { "IN", "информатика", "Информатика" },
	{ "MB", "математика (базовый уровень)", "Математика (базовый уровень)" },
};

static const struct {
	const char *code, *name;
} pkinds[] = {
	{ "VPR", "ВПР" }, { "DKR", "ДКР" }, { "NIKO", "НИКО" }, { "RPR", "РПР" }, { "MPR", "МПР" },
	{ "IS9", "итоговое собеседование" }, { "IS11", "итоговое сочинение" }, { "OGE", "ОГЭ" },
	{ "GVE", "ГВЭ" }, { "EGE", "ЕГЭ" }, { "VSOSH", "ВсОШ" },
};

const char *procedure_subject_name(const char *code)
{
	for (size_t i = 0; code && i < sizeof subjects / sizeof *subjects; i++)
		if (!strcmp(subjects[i].code, code))
			return subjects[i].name;
	return code ? code : "";
}

const char *procedure_subject_title(const char *code)
{
	for (size_t i = 0; code && i < sizeof subjects / sizeof *subjects; i++)
		if (!strcmp(subjects[i].code, code))
			return subjects[i].title;
	return code ? code : "";
}

static const char *kind_lookup(const char *kind, size_t n)
{
	for (size_t i = 0; i < sizeof pkinds / sizeof *pkinds; i++)
		if (strlen(pkinds[i].code) == n && !strncmp(pkinds[i].code, kind, n))
			return pkinds[i].name;
	return NULL;
}

const char *procedure_kind_name(const char *kind)
{
	const char *k = kind ? kind_lookup(kind, strlen(kind)) : NULL;
	return k ? k : kind ? kind : "";
}

void procedure_title(const char *kind, const char *subject, int grade, char *out, size_t n)
{
	snprintf(out, n, "%s, %s, %d класс", procedure_kind_name(kind), procedure_subject_name(subject),
		 grade);
}

bool procedure_title_of(const char *code, const char *subject, int grade, char *out, size_t n)
{
	const char *dash = code ? strchr(code, '-') : NULL;
	const char *k = dash ? kind_lookup(code, (size_t)(dash - code)) : NULL;
	if (!k || !subject || !*subject || grade <= 0) {
		snprintf(out, n, "%s", code ? code : "");
		return false;
	}
	snprintf(out, n, "%s, %s, %d класс", k, procedure_subject_name(subject), grade);
	return true;
}
