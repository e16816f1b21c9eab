/* layouts: recognising the results layouts of formats.md and mapping their columns. */
#include "import/layouts.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

const char *layout_name(enum layout_kind k)
{
	static const char *names[] = { "none", "canonical", "vpr2021", "vpr2020", "form", "rcoi" };
	return names[k];
}

const char *layout_title(enum layout_kind k)
{
	static const char *titles[] = {
		"не распознан", "канонический CSV oko", "региональная выгрузка ВПР 2021",
		"региональная выгрузка ВПР 2020", "форма сбора результатов ФИС ОКО",
		"протокол РЦОИ (ОГЭ, ГВЭ, ЕГЭ)",
	};
	return titles[k];
}

/* Column names per layout and field; NULL where the layout has no such column. The first
 * name of each list is the one shown in messages. */
#define N(...) ((const char *const[]){ __VA_ARGS__, NULL })
static const char *const *const names[6][LF_NFIELDS] = {
	[LAYOUT_CANONICAL] = {
		[LF_SCHOOL] = N("school"), [LF_PROCEDURE] = N("procedure"), [LF_CODE] = N("code"),
		[LF_CLASS] = N("class"), [LF_VARIANT] = N("variant"), [LF_GENDER] = N("gender"),
		[LF_JOURNAL] = N("journal_mark"), [LF_ABSENT] = N("absent"), [LF_TOTAL] = N("total"),
		[LF_MARK] = N("mark"), [LF_TEST_SCORE] = N("test_score"),
	},
	[LAYOUT_VPR2021] = {
		[LF_SCHOOL] = N("логин школы"), [LF_MUNICIPALITY] = N("регион"),
		[LF_CODE] = N("код обучающегося"), [LF_CLASS] = N("класс"),
		[LF_VARIANT] = N("вариант"), [LF_GENDER] = N("пол"),
		[LF_JOURNAL] = N("отметка за предыдущую четверть/триместр"),
		[LF_TOTAL] = N("всего баллов"),
	},
	[LAYOUT_VPR2020] = {
		[LF_SCHOOL] = N("user"), [LF_CODE] = N("code"), [LF_CLASS] = N("klass"),
		[LF_VARIANT] = N("var-1"), [LF_GENDER] = N("gender"), [LF_JOURNAL] = N("otc"),
		[LF_TOTAL] = N("sum"), [LF_VARIANT2] = N("var-2"),
	},
	[LAYOUT_FORM] = {
		[LF_SCHOOL] = N("Пользователь"), [LF_SCHOOL_NAME] = N("Школа"),
		[LF_MUNICIPALITY] = N("Муниципалитет"), [LF_REGION] = N("Регион"),
		[LF_CODE] = N("Код"), [LF_CLASS] = N("Наименование класса"),
		[LF_VARIANT] = N("Вариант"), [LF_GENDER] = N("Пол"),
		[LF_JOURNAL] = N("Отметка за предыдущий"), [LF_TOTAL] = N("Итого баллов"),
		[LF_DATE] = N("Дата загрузки"),
	},
	[LAYOUT_RCOI] = {
		[LF_SCHOOL] = N("Логин ОО", "Код ОО"), [LF_SCHOOL_NAME] = N("Наименование ОО", "ОО"),
		[LF_MUNICIPALITY] = N("Муниципалитет", "АТЕ"),
		[LF_CODE] = N("Код участника", "Номер"), [LF_CLASS] = N("Класс"),
		[LF_VARIANT] = N("Вариант"), [LF_GENDER] = N("Пол"),
		[LF_JOURNAL] = N("Годовая отметка"), [LF_TOTAL] = N("Первичный балл"),
		[LF_MARK] = N("Отметка"), [LF_TEST_SCORE] = N("Тестовый балл"),
		[LF_SHORT] = N("Задания с кратким ответом"),
		[LF_LONG] = N("Задания с развёрнутым ответом"),
		[LF_SUBJECT] = N("Предмет"), [LF_EXAM_DATE] = N("Дата экзамена", "Год"),
	},
};
#undef N

/* Fields a layout cannot do without. */
static bool required(enum layout_kind k, int f)
{
	if (f == LF_SCHOOL || f == LF_CODE)
		return true;
	if (k == LAYOUT_CANONICAL)
		return f == LF_PROCEDURE || f == LF_ABSENT;
	if (k == LAYOUT_RCOI)
		return false; /* the answer strings: checked by layout_detect */
	return f == LF_VARIANT;
}

/* Journal mark headers differ in their tails ("…четверть/триместр", "…триместр/
 * четверть/полугодие"): those are matched by prefix. */
static bool prefix_field(enum layout_kind k, int f)
{
	return f == LF_JOURNAL && (k == LAYOUT_VPR2021 || k == LAYOUT_FORM);
}

bool layout_form_position(const char *header, char *label, size_t labellen, int *max)
{
	const char *s = header;
	size_t n = str_trim(&s, strlen(header));
	/* ends with "(<digits>б)" — б is D0 B1 */
	if (n < 5 || s[n - 1] != ')')
		return false;
	size_t close = n - 1;
	if (close < 2 || (unsigned char)s[close - 2] != 0xD0 || (unsigned char)s[close - 1] != 0xB1)
		return false;
	size_t d = close - 2;
	size_t digits_end = d;
	while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
		d--;
	if (d == digits_end || d == 0 || s[d - 1] != '(')
		return false;
	long v;
	if (str_to_int(s + d, digits_end - d, &v))
		return false;
	const char *l = s;
	size_t ln = str_trim(&l, d - 1);
	if (ln == 0 || ln >= labellen)
		return false;
	memcpy(label, l, ln);
	label[ln] = '\0';
	*max = (int)v;
	return true;
}

/* "балл за 12" → 12, "a-12-grade" → 12, "p12" → 12; 0 when the header is not one. */
static int numbered_position(enum layout_kind k, const char *h, size_t n)
{
	const char *s = h;
	n = str_trim(&s, n);
	const char *pre, *post = "";
	switch (k) {
	case LAYOUT_VPR2021: pre = "балл за "; break;
	case LAYOUT_VPR2020: pre = "a-"; post = "-grade"; break;
	case LAYOUT_CANONICAL: pre = "p"; break;
	default: return 0;
	}
	size_t lp = strlen(pre), lq = strlen(post);
	if (n <= lp + lq || strncmp(s, pre, lp) != 0 || strncmp(s + n - lq, post, lq) != 0)
		return 0;
	long v;
	if (str_to_int(s + lp, n - lp - lq, &v) || v < 1 || v > PROC_MAX_POSITIONS)
		return 0;
	/* "p 1" or "p+1" would parse: keep only plain digits. */
	for (size_t i = lp; i < n - lq; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return (int)v;
}

static enum layout_kind guess(const struct table_row *hdr)
{
	static const char *const canon[] = { "school", NULL }, *const canon2[] = { "absent", NULL };
	static const char *const v21[] = { "логин школы", NULL }, *const v21b[] = { "код обучающегося", NULL };
	static const char *const v20[] = { "user", NULL }, *const v20b[] = { "var-1", NULL };
	static const char *const form[] = { "Пользователь", NULL }, *const formb[] = { "Код", NULL };
	static const char *const rcoi[] = { "Логин ОО", "Код ОО", NULL },
			       *const rcoib[] = { "Задания с кратким ответом",
						  "Задания с развёрнутым ответом", NULL };
	if (table_column(hdr, canon) >= 0 && table_column(hdr, canon2) >= 0)
		return LAYOUT_CANONICAL;
	if (table_column(hdr, v21) >= 0 && table_column(hdr, v21b) >= 0)
		return LAYOUT_VPR2021;
	if (table_column(hdr, v20) >= 0 && table_column(hdr, v20b) >= 0)
		return LAYOUT_VPR2020;
	if (table_column(hdr, form) >= 0 && table_column(hdr, formb) >= 0)
		return LAYOUT_FORM;
	if (table_column(hdr, rcoi) >= 0 && table_column(hdr, rcoib) >= 0)
		return LAYOUT_RCOI;
	return LAYOUT_NONE;
}

/* True when column c is one of the mapped fields. */
static bool is_field(const struct layout_map *m, int c)
{
	for (int f = 0; f < LF_NFIELDS; f++)
		if (m->col[f] == c)
			return true;
	return false;
}

/* Canonical CSV outside the p1..pK form: every column that is not a field is a label. */
static int canonical_labels(const struct table_row *hdr, struct layout_map *m, char *msg,
			    size_t msglen)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int rc = 0;
	for (size_t c = 0; c < hdr->n && !rc; c++) {
		const char *s = hdr->v[c];
		size_t n = str_trim(&s, hdr->len[c]);
		if (n == 0 || is_field(m, (int)c))
			continue;
		if (m->npos >= PROC_MAX_POSITIONS || n >= sizeof m->pos_label[0]) {
			snprintf(msg, msglen, "слишком много столбцов позиций или слишком длинная метка «%.*s»",
				 (int)(n > 40 ? 40 : n), s);
			rc = ERR_FORMAT;
			break;
		}
		procedure_label_key(hdr->v[c], &a);
		for (int i = 0; i < m->npos && !rc; i++) {
			procedure_label_key(m->pos_label[i], &b);
			if (a.len == b.len && !memcmp(a.p, b.p, a.len)) {
				snprintf(msg, msglen, "позиция «%.*s» встречается в заголовке дважды",
					 (int)n, s);
				rc = ERR_FORMAT;
			}
		}
		memcpy(m->pos_label[m->npos], s, n);
		m->pos_label[m->npos][n] = '\0';
		m->pos_max[m->npos] = -1;
		m->pos_col[m->npos++] = (int)c;
	}
	buf_free(&a);
	buf_free(&b);
	return rc;
}

int layout_detect(const struct table_row *hdr, struct layout_map *m, char *msg, size_t msglen)
{
	memset(m, 0, sizeof *m);
	m->kind = guess(hdr);
	if (m->kind == LAYOUT_NONE) {
		snprintf(msg, msglen, "заголовки не похожи ни на один известный макет результатов "
				      "(канонический CSV, выгрузка ВПР 2021 или 2020, форма сбора ФИС ОКО, "
				      "протокол РЦОИ)");
		return ERR_FORMAT;
	}
	for (int f = 0; f < LF_NFIELDS; f++) {
		const char *const *nm = names[m->kind][f];
		m->col[f] = !nm ? -1 : prefix_field(m->kind, f) ? table_column_prefix(hdr, nm)
								  : table_column(hdr, nm);
		if (m->col[f] < 0 && required(m->kind, f)) {
			snprintf(msg, msglen, "%s: нет обязательного столбца «%s»",
				 layout_title(m->kind), nm ? nm[0] : "?");
			return ERR_FORMAT;
		}
	}
	if (m->kind == LAYOUT_RCOI) {
		/* The points are in the answer strings; guess() saw at least one of them. */
		m->posmode = POS_STRINGS;
		return 0;
	}
	m->posmode = m->kind == LAYOUT_FORM ? POS_BY_LABEL : POS_BY_ORDER;
	for (size_t c = 0; c < hdr->n; c++) {
		if (is_field(m, (int)c))
			continue;
		int num = 0, max = -1;
		char label[32] = "";
		if (m->kind == LAYOUT_FORM) {
			if (!layout_form_position(hdr->v[c], label, sizeof label, &max))
				continue;
		} else if (!(num = numbered_position(m->kind, hdr->v[c], hdr->len[c]))) {
			continue;
		}
		if (m->npos >= PROC_MAX_POSITIONS) {
			snprintf(msg, msglen, "больше %d столбцов позиций", PROC_MAX_POSITIONS);
			return ERR_FORMAT;
		}
		/* The 2020 export puts its «Учебник» column in place of a-(K+1)-grade and goes on
		 * numbering after it: the work has the K positions before it. */
		bool in_place = m->kind == LAYOUT_VPR2020 && num == m->npos + 2 && m->nfile == 0 &&
				m->npos > 0 && c > 0 && (size_t)m->pos_col[m->npos - 1] == c - 2 &&
				!is_field(m, (int)c - 1) && !numbered_position(m->kind, hdr->v[c - 1], hdr->len[c - 1]);
		if (in_place)
			m->nfile = m->npos;
		else if (num && num != m->npos + 1 + (m->nfile ? 1 : 0)) {
			snprintf(msg, msglen, "столбцы позиций идут не по порядку: «%s» после %d-й позиции",
				 hdr->v[c], m->npos);
			return ERR_FORMAT;
		}
		memcpy(m->pos_label[m->npos], label, sizeof label);
		m->pos_max[m->npos] = max;
		m->pos_num[m->npos] = num;
		m->pos_col[m->npos++] = (int)c;
	}
	if (m->kind == LAYOUT_CANONICAL && m->npos == 0) {
		m->posmode = POS_BY_LABEL;
		int rc = canonical_labels(hdr, m, msg, msglen);
		if (rc)
			return rc;
	}
	if (m->npos == 0) {
		snprintf(msg, msglen, "%s: нет ни одного столбца с баллами за позиции",
			 layout_title(m->kind));
		return ERR_FORMAT;
	}
	if (!m->nfile)
		m->nfile = m->npos;
	return 0;
}

/* ---- the РЦОИ protocol's answer strings ---- */

/* The 1-based character (not byte: the message names it) at byte i of s. */
static int char_at(const char *s, size_t i)
{
	int ch = 1;
	for (size_t j = 0; j < i; j++)
		ch += ((unsigned char)s[j] & 0xC0) != 0x80;
	return ch;
}

int layout_short_answers(const char *s, size_t n, struct layout_answer *out, int cap, int *at)
{
	int k = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ')
			continue;
		int v;
		if (c == '+')
			v = LAYOUT_FULL;
		else if (c == '-')
			v = 0;
		else if (c >= '0' && c <= '9')
			v = c - '0';
		else
			goto bad;
		if (k >= cap)
			goto bad;
		out[k++] = (struct layout_answer){ v, -1 };
	}
	return k;
bad:
	*at = char_at(s, i);
	return -1;
}

/* A non-negative number of up to three digits at s[*i], or -1. */
static int small_number(const char *s, size_t n, size_t *i)
{
	int v = 0, d = 0;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9' && d < 4) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		d++;
	}
	return d == 0 || d > 3 ? -1 : v;
}

int layout_long_answers(const char *s, size_t n, struct layout_answer *out, int cap, int *at)
{
	int k = 0;
	size_t i = 0;
	while (i < n) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		size_t start = i;
		int v;
		if (s[i] == 'X' || s[i] == 'x') {
			v = LAYOUT_NOT_DONE;
			i++;
		} else if (i + 1 < n && (((unsigned char)s[i] == 0xD0 && (unsigned char)s[i + 1] == 0xA5) ||
					 ((unsigned char)s[i] == 0xD1 && (unsigned char)s[i + 1] == 0x85))) {
			v = LAYOUT_NOT_DONE; /* Х х */
			i += 2;
		} else if ((v = small_number(s, n, &i)) < 0) {
			i = start;
			goto bad;
		}
		if (i >= n || s[i] != '(') {
			i = start;
			goto bad;
		}
		i++;
		int max = small_number(s, n, &i);
		if (max < 0 || i >= n || s[i] != ')' || k >= cap) {
			i = start;
			goto bad;
		}
		i++;
		out[k++] = (struct layout_answer){ v, max };
	}
	return k;
bad:
	*at = char_at(s, i); /* where the task that does not read begins */
	return -1;
}

const char *layout_subject_code(const char *s)
{
	for (size_t i = 0; procedure_subjects[i]; i++) {
		const char *c = procedure_subjects[i];
		if (!strcmp(s, c) || str_fold_eq(s, procedure_subject_title(c)))
			return c;
	}
	return NULL;
}
