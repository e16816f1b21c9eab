/* layouts: recognising the results layouts of formats.md from a header row and mapping
 * their columns to one set of fields.
 *
 * Five layouts carry the same facts under different headers: oko's canonical CSV, the
 * regional per-participant export of 2021 (Russian headers), the older export of 2020
 * (Latin headers), the ФИС ОКО results form (sheet «Протокол», headers "N (kб)") and the
 * processing centre's (РЦОИ) per-participant protocol of ОГЭ/ГВЭ/ЕГЭ, whose points are two
 * answer strings (layout_short_answers, layout_long_answers) instead of a column a
 * position. The importer asks layout_detect() for the column of each field and the list
 * of position columns, and from then on does not care which layout it reads. Pure
 * functions: no I/O. */
#ifndef OKO_LAYOUTS_H
#define OKO_LAYOUTS_H

#include <stdbool.h>

#include "io/table.h"
#include "model/procedure.h"

enum layout_kind { LAYOUT_NONE, LAYOUT_CANONICAL, LAYOUT_VPR2021, LAYOUT_VPR2020, LAYOUT_FORM,
		   LAYOUT_RCOI };

/* Fields a results row may carry; each maps to a column or -1. */
enum layout_field {
	LF_SCHOOL,       /* school login */
	LF_SCHOOL_NAME,  /* "edu223223 | МКОУ …" on the form */
	LF_MUNICIPALITY,
	LF_REGION,
	LF_PROCEDURE,    /* canonical only */
	LF_CODE,         /* participant code */
	LF_CLASS,
	LF_VARIANT,      /* number, or "отсутствовал" */
	LF_GENDER,
	LF_JOURNAL,      /* journal mark */
	LF_ABSENT,       /* canonical only: 1 when absent */
	LF_TOTAL,        /* the total stated by the file */
	LF_DATE,         /* the form's upload date */
	LF_VARIANT2,     /* 2020 export: the variant of part 2 of a two-part work ("var-2") */
	LF_MARK,         /* the mark the exam's processing stated (ОГЭ, ГВЭ), 2..5 */
	LF_TEST_SCORE,   /* the 100-point test score (ЕГЭ) */
	LF_SHORT,        /* РЦОИ: the short answers' string "++-+-1+" */
	LF_LONG,         /* РЦОИ: the long answers' string "2(2)1(3)0(2)" */
	LF_SUBJECT,      /* РЦОИ: the subject («Математика» or "MA"), for the procedure */
	LF_EXAM_DATE,    /* РЦОИ: the exam's date ДД.ММ.ГГГГ (or a year), for the procedure */
	LF_NFIELDS
};

/* How position columns are matched to the procedure's positions. */
enum layout_posmode {
	POS_BY_ORDER, /* the i-th position column is position i ("балл за 1", p1, a-1-grade) */
	POS_BY_LABEL, /* the column header is the position's label ("1K1", "5(1) (1б)") */
	POS_STRINGS,  /* РЦОИ: the short answers' string, then the long ones', in the
			 procedure's order of positions (no position columns: npos 0) */
};

struct layout_map {
	enum layout_kind kind;
	int col[LF_NFIELDS];
	enum layout_posmode posmode;
	int npos;                            /* position columns found */
	/* Position columns before a column that stands in place of a numbered one (the 2020
	 * export's «Учебник» in place of a-(K+1)-grade: the work has K positions, and the
	 * numbered columns after it are unused); npos when there is none. */
	int nfile;
	int pos_col[PROC_MAX_POSITIONS];     /* their columns, in file order */
	char pos_label[PROC_MAX_POSITIONS][32]; /* POS_BY_LABEL: the label */
	int pos_max[PROC_MAX_POSITIONS];     /* the form's "(kб)", else -1 */
	int pos_num[PROC_MAX_POSITIONS];     /* POS_BY_ORDER: the number in the header, 1-based */
};

/* Stable name of a layout ("canonical", "vpr2021", "vpr2020", "form", "rcoi"). */
const char *layout_name(enum layout_kind k);
/* Russian description of a layout, for messages. */
const char *layout_title(enum layout_kind k);
/* Recognises the layout of a header row and maps its columns. Returns 0, or ERR_FORMAT
 * with a Russian reason in msg when the row is not a results header (or the positions are
 * inconsistent: a gap in the numbering, a label twice, more than PROC_MAX_POSITIONS). */
int layout_detect(const struct table_row *hdr, struct layout_map *m, char *msg, size_t msglen);
/* Parses a form header "5(1) (1б)" into label "5(1)" and max 1; false when it is not one. */
bool layout_form_position(const char *header, char *label, size_t labellen, int *max);

/* One task of an answer string: its points, or LAYOUT_FULL (a «+»: the position's maximum),
 * or LAYOUT_NOT_DONE (an «X»: not attempted); max is what the string says the task is
 * worth, -1 when it does not (the short answers). */
enum { LAYOUT_FULL = -1, LAYOUT_NOT_DONE = -2 };
struct layout_answer {
	int points;
	int max;
};
/* Parses the short answers "++-+-1+": «+» full points, «-» none, a digit its points, spaces
 * ignored. Returns the number of tasks (at most cap), or -1 when the string is not one,
 * with *at the 1-based character that is not (one past cap when there are more than cap
 * tasks). */
int layout_short_answers(const char *s, size_t n, struct layout_answer *out, int cap, int *at);
/* Parses the long answers "2(2)1(3)0(2)": points(maximum) a task, points a number or
 * «X»/«Х» (not attempted), spaces ignored; the same returns as layout_short_answers. */
int layout_long_answers(const char *s, size_t n, struct layout_answer *out, int cap, int *at);
/* The subject code of formats.md named by s: the code itself ("MA") or its title
 * («Математика», in any case); NULL when neither. */
const char *layout_subject_code(const char *s);

#endif
