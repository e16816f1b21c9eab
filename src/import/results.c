/* results: import of participants' results from any results layout of formats.md, or from
 * rows that are not a file (import_rows: the results grid, an API), read as the lines of a
 * canonical CSV so that one set of rules judges every source.
 *
 * Two passes, so that the database's write lock is held only to store. The first reads
 * the file (table_read_threaded: parsing on a second thread) with no transaction open:
 * each row is validated against the procedure and the registry (read-only look-ups) and,
 * when fine, staged in a spool beside the database (io/spool.h). Only a file with no
 * rejecting problem goes on: the second pass takes the write lock (waiting in line behind
 * another import, o->wait_seconds; on PostgreSQL, where writers run side by side, it takes
 * the file's schools' rows instead, so that only uploads of one school wait for each
 * other), checks that the procedures did not change meanwhile,
 * creates the schools first seen in the file, replaces the schools' results with the staged
 * rows, records the upload (and its audit row) and commits — or, on any error and for a
 * dry run, rolls back, so the database is never half-changed. The policy for each problem
 * — what rejects the file, what is stored with the row marked — is in docs/import.md and
 * in the table `rules` below.
 *
 * A school's earlier results for a procedure are replaced by the rows of a new upload;
 * with o->merge (the results grid) only the participants the rows name are replaced, and
 * a row with a code and nothing else clears that participant's result. */
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <time.h>

#include "base/err.h"
#include "base/hmap.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/ru.h"
#include "base/str.h"
#include "import/catalogue.h"
#include "import/import.h"
#include "import/layouts.h"
#include "io/csv.h"
#include "io/spool.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/result.h"
#include "model/upload.h"
#include "model/user.h"

#define MAX_PROCEDURES 64 /* procedures in one file */
#define MAX_CODE 20       /* characters of a participant code */
#define MAX_CLASS 50      /* characters of a class name ("4А", "10 Б (профильный)") */

/* Problems and how each is treated. Rejecting ones make the whole file fail; the others
 * store the row with a problem bit set and are counted in the report. */
enum rule {
	R_SCHOOL, R_CODE, R_DUPLICATE, R_PROCEDURE, R_VARIANT, R_SCORE_RANGE, R_EXTRA_POSITION,
	R_ABSENT_VALUE, R_SCORE_OVER_MAX, R_CELL_INVALID, R_TOTAL_OVER_MAX, R_TOTAL_MISMATCH, R_JOURNAL,
	R_VARIANT_MISSING, R_ABSENT_WITH_SCORES, R_SCORES_MISSING, R_CLASS, R_PARTIAL, R_COLUMNS,
	R_ROW_WIDTH, R_MARK, R_TEST_SCORE, R_MARK_SCALE, R_ANSWERS, R_GENDER, R_NRULES
};

/* A rule marked `strict` rejects the file only in strict mode (--strict): by default the row
 * is stored with its problem bit, because one impossible cell must not refuse a region's
 * file that the region did not make and cannot edit. */
static const struct {
	const char *code;
	bool rejects;
	unsigned problem; /* bit stored with the row when it does not reject */
	const char *title; /* Russian, for the report: what a person reads (the code never) */
	bool strict;      /* rejects in strict mode */
} rules[R_NRULES] = {
	[R_SCHOOL] = { "school", true, 0, "неверный логин школы" },
	[R_CODE] = { "code", true, 0, "неверный код участника" },
	[R_DUPLICATE] = { "duplicate_code", true, 0, "код участника повторяется в школе" },
	[R_PROCEDURE] = { "procedure", true, 0, "процедура не описана или не подходит к файлу" },
	[R_VARIANT] = { "variant", true, 0, "вариант не число" },
	[R_SCORE_RANGE] = { "score_range", false, RP_SCORE_RANGE,
			    "балл позиции отрицательный или больше 200 (ячейка нечитаема, строка вне "
			    "признаков по баллам)", true },
	[R_SCORE_OVER_MAX] = { "score_over_max", false, RP_SCORE_OVER_MAX,
			       "балл позиции больше её максимума (сохранён как записан)", true },
	[R_EXTRA_POSITION] = { "extra_position", false, RP_EXTRA_CELLS,
			       "значения за последней позицией процедуры (отброшены, строка вне "
			       "признаков по баллам)", true },
	[R_ABSENT_VALUE] = { "absent", true, 0, "признак отсутствия не 0/1" },
	[R_CELL_INVALID] = { "cell_invalid", false, RP_CELL_INVALID,
			     "нечитаемое значение позиции (сохранено как пустое)", true },
	[R_TOTAL_OVER_MAX] = { "total_over_max", false, RP_TOTAL_OVER_MAX | RP_TOTAL_MISMATCH,
			       "сумма баллов больше максимума (первичный балл = сумма позиций)" },
	[R_TOTAL_MISMATCH] = { "total_mismatch", false, RP_TOTAL_MISMATCH,
			       "сумма баллов не равна сумме позиций (первичный балл = сумма позиций)" },
	[R_JOURNAL] = { "journal_mark", false, RP_JOURNAL_INVALID,
			"отметка по журналу не 2–5 (сохранено без отметки)" },
	[R_VARIANT_MISSING] = { "variant_missing", false, RP_VARIANT_UNKNOWN,
				"не указан вариант (сохранено без варианта)" },
	[R_ABSENT_WITH_SCORES] = { "absent_with_scores", false, RP_ABSENT_WITH_SCORES,
				   "отсутствовавший участник с баллами (сохранён как отсутствовавший)" },
	[R_SCORES_MISSING] = { "scores_missing", false, RP_SCORES_MISSING,
			       "у писавшего участника пустые позиции" },
	[R_CLASS] = { "class", true, 0, "название класса длиннее 50 символов" },
	[R_PARTIAL] = { "partial_work", false, RP_PARTIAL,
			"участник писал одну часть из двух (работа неполная, вне признаков по баллам)" },
	[R_COLUMNS] = { "position_columns", true, 0,
			"число заполненных столбцов позиций не совпадает с процедурой" },
	[R_ROW_WIDTH] = { "row_columns", true, 0,
			  "в строке не столько столбцов, сколько в заголовке (строка CSV разбита или "
			  "склеена)" },
	[R_MARK] = { "exam_mark", true, 0, "отметка за экзамен не 2–5" },
	[R_TEST_SCORE] = { "test_score", true, 0, "тестовый балл не от 0 до 100" },
	[R_MARK_SCALE] = { "mark_scale", false, RP_MARK_SCALE,
			   "отметка за экзамен не та, что по шкале процедуры (сохранена как указана)" },
	[R_ANSWERS] = { "answers", true, 0,
			"строка ответов РЦОИ не читается или не совпадает с позициями процедуры" },
	[R_GENDER] = { "gender", false, RP_GENDER_INVALID, "пол не «м» и не «ж» (сохранено без пола)" },
};

/* Whether s (n bytes) is a whole number written with digits alone, of any length, an
 * optional minus before them. */
static bool all_digits(const char *s, size_t n)
{
	size_t i = n && *s == '-';
	if (i >= n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Whether a problem of rule r rejects the file under these options. */
static bool rejects(const struct import_opts *o, enum rule r)
{
	return rules[r].rejects || (o->strict && rules[r].strict);
}

/* ---- codes given twice ----
 *
 * A participant code must be unique in its school for a procedure. The first pass sees
 * every row once and must say which rows repeat a code before anything is stored, without
 * keeping millions of codes in memory: each staged row's (procedure, school, code) becomes
 * a 64-bit fingerprint, and a fingerprint met twice is a suspect. After the read,
 * dup_verify() reads the staged rows back and compares the suspects' keys exactly, so two
 * codes that merely share a fingerprint are never reported and every real repeat is.
 *
 * Files come grouped by school, so the fingerprints are compared within a run of rows of
 * one (procedure, school) pair, in a small set that stays in the processor's cache: one set
 * of the whole file's fingerprints cost a fifth of the read in cache misses. A pair whose
 * rows come in more than one run is marked split; when any is, split_suspects() reads the
 * staged rows back once and compares the split pairs' fingerprints across the file. */

struct fpset {
	uint64_t *v; /* 0 = empty slot */
	size_t cap, n;
};

/* A set's first size. A run is mostly one school's rows, tens of codes, and its set is
 * cleared for every run: at 1,024 slots that was 8 KB a school. */
#define FPSET_MIN 128

static uint64_t fingerprint(int proc, int32_t school, const char *code, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ ((uint64_t)proc << 32) ^ (uint32_t)school;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)code[i]) * 1099511628211ull;
	/* FNV-1a spreads short digit strings poorly in the low bits: mix them. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h ? h : 1;
}

/* Adds a fingerprint; false when it was there. */
static bool fpset_add(struct fpset *s, uint64_t fp)
{
	if (4 * (s->n + 1) > 3 * s->cap) {
		struct fpset g = { NULL, s->cap ? 2 * s->cap : FPSET_MIN, 0 };
		g.v = xcalloc(g.cap, sizeof *g.v);
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				fpset_add(&g, s->v[i]);
		free(s->v);
		*s = g;
	}
	size_t i = (size_t)fp & (s->cap - 1);
	while (s->v[i]) {
		if (s->v[i] == fp)
			return false;
		i = (i + 1) & (s->cap - 1);
	}
	s->v[i] = fp;
	s->n++;
	return true;
}

/* Empties the set for the next run, keeping it about the size the runs need. */
static void run_reset(struct fpset *s)
{
	if (!s->n)
		return;
	if (s->cap > FPSET_MIN && 8 * s->n < s->cap) {
		free(s->v);
		*s = (struct fpset){ 0 };
		return;
	}
	memset(s->v, 0, s->cap * sizeof *s->v);
	s->n = 0;
}

/* One procedure met in the file. */
struct proc_state {
	struct procedure p;
	struct result_writer *w;     /* opened by the store */
	bool create;                 /* not stored yet (catalogue, form headers, inferred): the
					store creates it */
	bool infer;                  /* positions by column number, maxima from the data */
	int maxseen[PROC_MAX_POSITIONS]; /* infer: the largest points seen per position */
	int map[PROC_MAX_POSITIONS]; /* position column j of the file → position index, or -1 */
	bool exam_marks, test_scores; /* a staged row has one (result_writer_fix) */
};

/* One school met in the file: known (id), or first seen here and created by the store. */
struct fschool {
	int64_t id;            /* 0 until the store creates it */
	char *login, *name, *municipality, *region;
};

/* An earlier upload whose results the store replaces: named in the summary. */
struct replaced_src {
	int64_t upload_id;
	char file[96], at[24], user[64];
	long rows, schools;
};

/* One (procedure, school) pair met in the file: its rows and what it replaced. */
struct touched {
	int proc;
	int32_t school;        /* index in imp.fs */
	long rows;
	long written;
	int64_t replaced;
	bool split;            /* its rows came in more than one run (see fpset) */
};

/* A validated row as staged for the store; the code, the class and npos score bytes
 * follow it in the spool. */
struct rec {
	int32_t row;           /* the file's row, for messages from the store */
	int32_t school;        /* index in imp.fs */
	int32_t stated_total;  /* -1: none */
	uint16_t variant;
	uint16_t problems;
	uint8_t proc;
	uint8_t flags;         /* REC_* */
	uint8_t journal;
	uint8_t npos;
	uint8_t codelen;
	uint8_t classlen;
	uint8_t exam_mark;     /* 0: none */
	uint8_t test_score;    /* TEST_NONE: none */
};

#define TEST_NONE 255

enum { REC_ABSENT = 1, REC_CLEAR = 2, REC_MALE = 4, REC_FEMALE = 8 };

struct imp {
	struct db *d;
	struct timespec store_t0;         /* when the store began to wait for its locks */
	const char *path;
	const char *name;                 /* the file as the user knows it, for messages */
	const struct import_opts *o;
	struct diag_list *diags;
	struct import_stats *st;
	struct table_in in;
	struct table_src src;
	struct layout_map map;
	bool have_header;
	size_t hdr_width;                 /* CSV: the header's cells up to its last non-empty one */
	char last_login[80];              /* school_index: the school the last row named */
	size_t last_login_len;
	int32_t last_school;              /* its index in fs, -1 before the first */
	char hdr[LF_NFIELDS][160];        /* header texts of the fields, for messages */
	char poshdr[PROC_MAX_POSITIONS][64];
	struct proc_state *procs[MAX_PROCEDURES];
	int nprocs;
	int fixed_proc;                   /* the procedure of a file that names none, or -1 */
	int year;                         /* РЦОИ: the year of a file without a date column */
	struct hmap schools;              /* login → school id, every school of the registry */
	struct hmap school_mun;           /* school id → municipality id, for territory checks */
	struct hmap fs_idx;               /* login → index in fs */
	struct hmap refused;              /* logins refused outside the uploader's territory */
	struct fschool *fs;               /* the schools of the file */
	size_t nfs, cap_fs;
	struct hmap touched_idx;          /* "proc:school" → index in touched */
	struct touched *touched;
	size_t ntouched, cap_touched;
	int64_t last_touched;             /* index of the pair of the previous row, or -1 */
	struct fpset run;                 /* the keys of the current run of one pair's rows */
	long nsplit;                      /* pairs whose rows came in more than one run */
	struct hmap suspects;             /* fingerprints met twice: checked by dup_verify */
	struct spool *sp;                 /* the staged rows */
	long nrecs;
	struct replaced_src *rsrc;        /* the earlier uploads whose results are replaced */
	size_t nrsrc, cap_rsrc;
	long rule_count[R_NRULES];
	/* By-order position columns: rows with a value in each, and the rows with a value beyond
	 * the procedure's positions (one summary, not a message a row). */
	long pos_filled[PROC_MAX_POSITIONS];
	long extra_rows, first_extra_row;
	long rows_since_progress;
	bool fatal;                       /* stop reading: an error beyond repair */
	const struct import_rows *rows;   /* the rows when they are not a file, else NULL */
	char rows_digest[65];             /* rows: BLAKE2b of the rows as canonical CSV, hex;
					     a file: its BLAKE2b, taken by digest_thread */
	int64_t rows_size;                /* the bytes of that CSV or file */
	pthread_t digest_th;              /* a file's digest, taken while the rows are stored */
	bool digesting;                   /* digest_th runs or has not been joined */
	int digest_rc;
	uint64_t index_version;           /* the content version read before the school index
					     (0: unknown); unmoved under the lock, the index is
					     still the whole registry */
};

/* ---- messages ---- */

static void field_col(struct imp *im, int f, char *out, size_t n)
{
	table_colname(&im->src, im->map.col[f], im->hdr[f], out, n);
}

/* A procedure in a message a school reads: «ВПР, математика, 4 класс, 2021» (its code for a
 * kind oko does not name). Returns out. */
static const char *proc_words(const struct procedure *p, char *out, size_t n)
{
	char t[160];
	if (procedure_title_of(p->code, p->subject, p->grade, t, sizeof t) && p->year > 0)
		snprintf(out, n, "«%s, %d»", t, p->year);
	else
		snprintf(out, n, "%s", p->code);
	return out;
}

/* Reports a problem of rule r found in row `row`, column `col` (a field or -1). */
static void report(struct imp *im, enum rule r, long row, const char *col, const char *value,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void report(struct imp *im, enum rule r, long row, const char *col, const char *value,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->rule_count[r]++;
	diag_add(im->diags, rejects(im->o, r) ? DIAG_ERROR : DIAG_WARN, im->name, im->src.sheet, row,
		 col, value, rules[r].code, "%s", msg);
}

/* A cell copied to a NUL-terminated buffer, for messages and short fields: cut to fit at a
 * character boundary, so it stays valid UTF-8. What is stored is never cut: such fields
 * check their length first (the class, the names of a school first seen). */
static size_t cell_copy(const struct table_row *r, int col, char *buf, size_t n)
{
	size_t len;
	const char *s = table_cell(r, col, &len);
	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--; /* s[len] would start the part cut off: no half letters */
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return len;
}

/* cell_copy's text, for a message. */
static const char *cell_str(const struct table_row *r, int col, char *buf, size_t n)
{
	cell_copy(r, col, buf, n);
	return buf;
}

/* The file's name without its directory, for what is stored about it. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The part of a form cell after "code | ": "reg22_m012 | Залесовский район" → the name. */
static const char *after_bar(const char *s)
{
	const char *bar = strstr(s, " | ");
	return bar ? bar + 3 : s;
}

/* ---- procedures ---- */

/* Maps the file's position columns to the procedure's positions; reports a mismatch. */
static int map_positions(struct imp *im, struct proc_state *ps)
{
	char pw[200]; /* proc_words() */
	const struct layout_map *m = &im->map;
	if (m->posmode == POS_BY_ORDER && m->nfile < m->npos && m->nfile != ps->p.npos) {
		/* The 2020 export says how many positions it has: its «Учебник» column stands
		 * right after them. */
		report(im, R_COLUMNS, 1, NULL, NULL,
		       "в файле %d %s позиций (до столбца учебника), а у процедуры %s их %d: "
		       "похоже, выбрана не та процедура", m->nfile,
		       str_plural(m->nfile, "столбец", "столбца", "столбцов"), proc_words(&ps->p, pw, sizeof pw),
		       ps->p.npos);
		return ERR_INVALID;
	}
	for (int j = 0; j < m->npos; j++) {
		if (m->posmode == POS_BY_ORDER) {
			ps->map[j] = j < ps->p.npos && j < m->nfile ? j : -1;
			continue;
		}
		int i = procedure_position_find(&ps->p, m->pos_label[j]);
		if (i < 0) {
			report(im, R_PROCEDURE, 1, im->poshdr[j], m->pos_label[j],
			       "у процедуры %s нет позиции «%s»", proc_words(&ps->p, pw, sizeof pw), m->pos_label[j]);
			return ERR_INVALID;
		}
		if (m->pos_max[j] >= 0 && m->pos_max[j] != ps->p.pos[i].max) {
			report(im, R_PROCEDURE, 1, im->poshdr[j], m->pos_label[j],
			       "в файле максимум позиции «%s» %d, а в описании процедуры %s — %d",
			       m->pos_label[j], m->pos_max[j], proc_words(&ps->p, pw, sizeof pw), ps->p.pos[i].max);
			return ERR_INVALID;
		}
		ps->map[j] = i;
	}
	if (m->posmode == POS_BY_LABEL && m->npos < ps->p.npos) {
		report(im, R_PROCEDURE, 1, NULL, NULL,
		       "в файле %d %s позиций, а у процедуры %s их %d", m->npos,
		       str_plural(m->npos, "столбец", "столбца", "столбцов"), proc_words(&ps->p, pw, sizeof pw),
		       ps->p.npos);
		return ERR_INVALID;
	}
	return 0;
}

/* A procedure described only by a form's headers "N (kб)": its positions come from them,
 * and the store creates it. Only an uploader allowed to create procedures may. */
static int procedure_from_form(struct imp *im, struct procedure *p)
{
	const struct layout_map *m = &im->map;
	if (!im->o->may_create_procedure) {
		report(im, R_PROCEDURE, 1, NULL, p->code,
		       "процедура %s ещё не описана в oko, а создавать процедуры может только "
		       "региональный координатор или администратор: попросите их загрузить описание "
		       "процедуры, затем загрузите файл снова", p->code);
		return ERR_INVALID;
	}
	for (int j = 0; j < m->npos; j++) {
		if (m->pos_max[j] < 0 || procedure_add_position(p, m->pos_label[j], m->pos_max[j], NULL)) {
			report(im, R_PROCEDURE, 1, im->poshdr[j], m->pos_label[j],
			       "недопустимая или повторная позиция в заголовке формы");
			return ERR_INVALID;
		}
		p->max_score += m->pos_max[j];
	}
	char msg[256] = "";
	if (procedure_validate(p, msg, sizeof msg)) {
		report(im, R_PROCEDURE, 1, NULL, p->code, "процедура не может быть создана: %s", msg);
		return ERR_INVALID;
	}
	snprintf(p->source, sizeof p->source, "заголовки формы «%s»: позиции и максимумы; уровней "
		 "и шкалы отметок нет", base_name(im->name));
	return 0;
}

/* Index of the procedure with this code among those met, loading it on first use. */
static int procedure_index(struct imp *im, const char *code, long row)
{
	for (int i = 0; i < im->nprocs; i++)
		if (!strcmp(im->procs[i]->p.code, code))
			return i;
	char col[128];
	field_col(im, LF_PROCEDURE, col, sizeof col);
	if (im->nprocs >= MAX_PROCEDURES) {
		report(im, R_PROCEDURE, row, col, code, "больше %d процедур в одном файле", MAX_PROCEDURES);
		return -1;
	}
	struct proc_state *ps = xcalloc(1, sizeof *ps);
	char msg[256] = "";
	int rc = procedure_code_parse(code, &ps->p, msg, sizeof msg);
	if (rc) {
		report(im, R_PROCEDURE, row, im->map.col[LF_PROCEDURE] >= 0 ? col : NULL, code, "%s", msg);
		goto fail;
	}
	struct procedure parsed = ps->p;
	rc = procedure_get(im->d, code, &ps->p);
	if (rc == ERR_NOTFOUND && catalogue_find(code, &ps->p, msg, sizeof msg) == 0) {
		/* The official structure oko ships: anyone's file may bring it in. */
		ps->create = true;
		rc = 0;
	} else if (rc == ERR_NOTFOUND && im->map.kind == LAYOUT_FORM) {
		ps->p = parsed;
		ps->create = true;
		rc = procedure_from_form(im, &ps->p);
	} else if (rc == ERR_NOTFOUND && im->map.posmode == POS_BY_ORDER && im->map.kind != LAYOUT_CANONICAL) {
		/* Read it from the file: positions by column, maxima the largest points seen
		 * (finish_inferred); stored only when the uploader accepts the guess. */
		ps->p = parsed;
		ps->create = ps->infer = true;
		for (int j = 0; j < im->map.nfile && j < PROC_MAX_POSITIONS; j++) {
			char label[16];
			snprintf(label, sizeof label, "%d", j + 1);
			procedure_add_position(&ps->p, label, PROC_MAX_POINTS, NULL);
			ps->p.max_score += PROC_MAX_POINTS;
		}
		rc = 0;
	} else if (rc == ERR_NOTFOUND || (rc == 0 && ps->p.npos == 0)) {
		report(im, R_PROCEDURE, row, im->map.col[LF_PROCEDURE] >= 0 ? col : NULL, code,
		       "процедура %s не описана: сначала загрузите её позиции (oko import procedures "
		       "или oko import kim)", code);
		rc = ERR_INVALID;
	}
	if (rc || (rc = map_positions(im, ps)))
		goto fail;
	im->procs[im->nprocs] = ps;
	return im->nprocs++;
fail:
	free(ps);
	im->fatal = true;
	return -1;
}

/* ---- schools and participants ---- */

/* Whether the uploader's territory contains the school (see import_opts). A school
 * with no municipality is in no municipality's and no region's territory. */
static bool school_allowed(struct imp *im, int64_t id)
{
	int64_t mun, reg;
	if (im->o->only_school)
		return id == im->o->only_school;
	if (im->o->only_region) {
		registry_school_territory(im->d, id, &mun, &reg); /* both 0 when not found */
		return reg == im->o->only_region;
	}
	if (!im->o->only_municipality)
		return true;
	if (hmap_get(&im->school_mun, (const char *)&id, sizeof id, &mun))
		return mun == im->o->only_municipality;
	registry_school_territory(im->d, id, &mun, &reg);
	hmap_put(&im->school_mun, (const char *)&id, sizeof id, mun);
	return mun == im->o->only_municipality;
}

/* The school a row named last, for the next row's look-up. */
static void school_seen(struct imp *im, const char *login, size_t len, int32_t idx)
{
	memcpy(im->last_login, login, len);
	im->last_login_len = len;
	im->last_school = idx;
}

/* The file's school of a row (index in im->fs), found in the registry or first seen here;
 * -1 when the login is refused. */
static int32_t school_index(struct imp *im, const struct table_row *r, long row)
{
	char login[80], col[128];
	size_t len = cell_copy(r, im->map.col[LF_SCHOOL], login, sizeof login);
	int64_t idx, id = 0;
	/* Rows come grouped by school: the previous row's is the likely one. */
	if (im->last_school >= 0 && len == im->last_login_len && !memcmp(login, im->last_login, len))
		return im->last_school;
	if (hmap_get(&im->fs_idx, login, len, &idx)) {
		school_seen(im, login, len, (int32_t)idx);
		return (int32_t)idx;
	}
	bool known = hmap_get(&im->schools, login, len, &id);
	if ((known && !school_allowed(im, id)) ||
	    (!known && (im->o->only_school || im->o->only_municipality || im->o->only_region))) {
		/* The same words as for a login that does not exist: an upload must not tell
		 * which schools exist outside the uploader's territory. Named at its first row;
		 * its other rows are counted (a whole foreign file would repeat it per row). */
		int64_t seen = 0;
		if (hmap_get(&im->refused, login, len, &seen)) {
			im->rule_count[R_SCHOOL]++;
			return -1;
		}
		hmap_put(&im->refused, login, len, 1);
		field_col(im, LF_SCHOOL, col, sizeof col);
		report(im, R_SCHOOL, row, col, login, "%s",
		       im->o->only_school
			       ? "это не логин вашей школы: загружать можно только результаты своей школы "
				 "(указана первая строка с этим логином)"
			       : "школы с таким логином нет на вашей территории: загружать можно только "
				 "результаты своих школ (указана первая строка с этим логином)");
		return -1;
	}
	if (!known && !registry_login_valid(login)) {
		field_col(im, LF_SCHOOL, col, sizeof col);
		report(im, R_SCHOOL, row, col, login,
		       *login ? "логин школы может содержать только латинские буквы, цифры, «_» и «-»"
			      : "не указан логин школы");
		return -1;
	}
	im->fs = xgrow(im->fs, &im->cap_fs, im->nfs + 1, sizeof *im->fs);
	struct fschool *f = &im->fs[im->nfs];
	memset(f, 0, sizeof *f);
	f->id = id;
	f->login = xstrdup(login);
	if (!known) {
		/* First seen here: the store creates it with what the file says about it, whole. */
		char name[1024], mun[512], reg[512];
		static const int fields[] = { LF_SCHOOL_NAME, LF_MUNICIPALITY, LF_REGION };
		static const size_t caps[] = { sizeof name, sizeof mun, sizeof reg };
		for (size_t k = 0; k < 3; k++) {
			size_t n;
			table_cell(r, im->map.col[fields[k]], &n);
			if (n >= caps[k]) {
				field_col(im, fields[k], col, sizeof col);
				report(im, R_SCHOOL, row, col, cell_str(r, im->map.col[fields[k]], name, 64),
				       "название длиннее %zu байт: так названия не бывают — похоже, в столбце "
				       "не то", caps[k] - 1);
				return -1;
			}
		}
		cell_str(r, im->map.col[LF_SCHOOL_NAME], name, sizeof name);
		cell_str(r, im->map.col[LF_MUNICIPALITY], mun, sizeof mun);
		cell_str(r, im->map.col[LF_REGION], reg, sizeof reg);
		f->name = xstrdup(*name ? after_bar(name) : login);
		f->municipality = xstrdup(after_bar(mun));
		f->region = xstrdup(*reg ? after_bar(reg) : im->o->region ? im->o->region : "");
	}
	hmap_put(&im->fs_idx, login, len, (int64_t)im->nfs);
	school_seen(im, login, len, (int32_t)im->nfs);
	return (int32_t)im->nfs++;
}

/* Counts a row of (procedure, school) for the upload's record. */
static struct touched *touch(struct imp *im, int proc, int32_t school)
{
	/* Rows come grouped by school: the previous row's pair is the likely one. */
	if (im->last_touched >= 0 && im->touched[im->last_touched].proc == proc &&
	    im->touched[im->last_touched].school == school)
		return &im->touched[im->last_touched];
	char key[32];
	int n = snprintf(key, sizeof key, "%d:%d", proc, (int)school);
	int64_t idx;
	if (hmap_get(&im->touched_idx, key, (size_t)n, &idx)) {
		im->last_touched = idx;
		return &im->touched[idx];
	}
	im->touched = xgrow(im->touched, &im->cap_touched, im->ntouched + 1, sizeof *im->touched);
	struct touched *t = &im->touched[im->ntouched];
	memset(t, 0, sizeof *t);
	t->proc = proc;
	t->school = school;
	hmap_put(&im->touched_idx, key, (size_t)n, (int64_t)im->ntouched);
	im->last_touched = (int64_t)im->ntouched++;
	return t;
}

/* ---- one row ---- */

/* What a variant cell says. */
enum variant_kind {
	V_EMPTY,   /* nothing */
	V_ABSENT,  /* "отсутствовал" in any case (and "отсутствовала") */
	V_NUMBER,  /* 1..999, also written "Var1", "вар. 2", "вариант 3" */
	V_UNKNOWN, /* "0" or "X": the export did not know the variant */
	V_BAD,     /* anything else */
};

static enum variant_kind variant_of(const char *s, size_t n, int *variant)
{
	static const char *const prefixes[] = { "вариант", "вар", "var", "v" };
	long v;
	*variant = 0;
	if (n == 0)
		return V_EMPTY;
	if (*s >= '0' && *s <= '9' && !str_to_int(s, n, &v))
		return v == 0 ? V_UNKNOWN : v >= 1 && v <= 999 ? (*variant = (int)v, V_NUMBER) : V_BAD;
	if (str_is_x(s, n))
		return V_UNKNOWN;
	struct buf f = BUF_INIT, w = BUF_INIT;
	enum variant_kind k = V_BAD;
	str_fold(s, n, &f);
	str_fold("отсутствовал", strlen("отсутствовал"), &w);
	if (f.len >= w.len && !memcmp(f.p, w.p, w.len)) {
		k = V_ABSENT;
		goto out;
	}
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes && k == V_BAD; i++) {
		str_fold(prefixes[i], strlen(prefixes[i]), &w);
		if (f.len <= w.len || memcmp(f.p, w.p, w.len))
			continue;
		size_t j = w.len;
		while (j < f.len && (f.p[j] == ' ' || f.p[j] == '.' || f.p[j] == '-' || f.p[j] == '_'))
			j++;
		size_t d = j;
		while (d < f.len && f.p[d] >= '0' && f.p[d] <= '9')
			d++;
		if (d > j && d == f.len && !str_to_int(f.p + j, d - j, &v) && v >= 1 && v <= 999) {
			*variant = (int)v;
			k = V_NUMBER;
		}
	}
out:
	buf_free(&f);
	buf_free(&w);
	return k;
}

/* Reads the position cells of a row into r->scores; returns false on a rejecting problem. */
static bool read_scores(struct imp *im, const struct table_row *row, struct proc_state *ps,
			struct result *r, bool *any, bool *missing)
{
	const struct layout_map *m = &im->map;
	bool ok = true, filled = false, seen[PROC_MAX_POSITIONS] = { false };
	r->npos = ps->p.npos;
	memset(r->scores, SCORE_EMPTY, (size_t)r->npos);
	*missing = false;
	/* The row and the procedure in locals: the stores below could alias them. */
	const size_t rn = row->n, *rlen = row->len;
	const char *const *rv = row->v;
	const struct position *pos = ps->p.pos;
	const bool infer = ps->infer;
	uint8_t *scores = r->scores;
	for (int j = 0; j < m->npos; j++) {
		int i = ps->map[j], c = m->pos_col[j];
		/* The common cell first: one digit within the position's maximum (what the
		 * general path below does with it, without trimming or parsing). */
		if (i >= 0 && c >= 0 && (size_t)c < rn && rlen[c] == 1 && !infer) {
			int d = (unsigned char)rv[c][0] - '0';
			if (d >= 0 && d <= 9 && d <= pos[i].max) {
				scores[i] = (uint8_t)d;
				seen[i] = filled = true;
				im->pos_filled[j]++;
				continue;
			}
		}
		size_t n;
		const char *s = table_cell(row, c, &n);
		if (n == 0)
			continue;
		filled = true;
		im->pos_filled[j]++;
		if (i >= 0)
			seen[i] = true; /* written, readable or not: not a missing cell */
		if (i < 0) {
			/* A few shifted rows are kept marked; in many rows it is the wrong procedure,
			 * which check_columns says once instead of these. */
			if (!(r->problems & RP_EXTRA_CELLS)) {
				if (!im->extra_rows++)
					im->first_extra_row = row->row;
				report(im, R_EXTRA_POSITION, row->row, im->poshdr[j], s,
				       rejects(im->o, R_EXTRA_POSITION)
					       ? "у процедуры %s %d позиций, а в этом столбце за ними есть значение"
					       : "у процедуры %s %d позиций, а в этом столбце за ними есть значение: "
						 "лишние значения отброшены, строка сохранена и не входит в признаки "
						 "по баллам",
				       ps->p.code, ps->p.npos);
				r->problems |= rules[R_EXTRA_POSITION].problem;
				if (rejects(im->o, R_EXTRA_POSITION))
					ok = false;
			}
			continue;
		}
		long v;
		if (n == 1 && *s >= '0' && *s <= '9' && *s - '0' <= ps->p.pos[i].max) {
			r->scores[i] = (uint8_t)(*s - '0'); /* the common case, checked first */
			if (ps->infer && r->scores[i] > ps->maxseen[i])
				ps->maxseen[i] = r->scores[i];
		} else if (str_is_x(s, n)) {
			r->scores[i] = SCORE_X;
		} else if (n >= 7 && !memcmp(s, "не пр", 7)) {
			r->scores[i] = SCORE_NOT_TAUGHT; /* "не пройд.": topic not taught */
		} else if (!str_to_int(s, n, &v) || all_digits(s, n)) {
			if (str_to_int(s, n, &v))
				v = LONG_MAX; /* more digits than a long holds: impossible all the same */
			if (v < 0 || v > PROC_MAX_POINTS) {
				/* An impossible cell: the row is kept with the cell unreadable and left
				 * out of the score-based signs (strict mode refuses the file). */
				report(im, R_SCORE_RANGE, row->row, im->poshdr[j], s,
				       rejects(im->o, R_SCORE_RANGE)
					       ? "балл позиции «%s» должен быть от 0 до %d"
					       : "балл позиции «%s» должен быть от 0 до %d; ячейка сохранена как "
						 "нечитаемая, строка не входит в признаки по баллам",
				       ps->p.pos[i].label, ps->p.pos[i].max);
				if (rejects(im->o, R_SCORE_RANGE))
					ok = false;
				r->problems |= rules[R_SCORE_RANGE].problem;
				continue;
			}
			if (v > ps->p.pos[i].max) {
				/* Real uploads have these; the row is kept as written and marked so
				 * the analytics can tell, rather than the file refused. */
				report(im, R_SCORE_OVER_MAX, row->row, im->poshdr[j], s,
				       rejects(im->o, R_SCORE_OVER_MAX)
					       ? "балл позиции «%s» больше её максимума %d"
					       : "балл позиции «%s» больше её максимума %d; строка сохранена как "
						 "записана и отмечена",
				       ps->p.pos[i].label, ps->p.pos[i].max);
				r->problems |= rules[R_SCORE_OVER_MAX].problem;
			}
			r->scores[i] = (uint8_t)v;
			if (ps->infer && v > ps->maxseen[i])
				ps->maxseen[i] = (int)v;
		} else {
			report(im, R_CELL_INVALID, row->row, im->poshdr[j], s,
			       rejects(im->o, R_CELL_INVALID)
				       ? "значение позиции «%s» не целое число и не «X»"
				       : "значение позиции «%s» не целое число и не «X»; сохранено как пустое",
			       ps->p.pos[i].label);
			if (rejects(im->o, R_CELL_INVALID))
				ok = false;
			r->problems |= rules[R_CELL_INVALID].problem;
		}
	}
	*missing = !infer && memchr(seen, false, (size_t)r->npos) != NULL;
	*any = filled;
	return ok;
}

/* The РЦОИ protocol's points (POS_STRINGS): the short answers' string, then the long ones',
 * fill the procedure's positions in order. A string that does not read, or a long answer
 * whose maximum is not its position's (a shifted string, or the wrong procedure), refuses
 * the file; returns false then. */
static bool read_answers(struct imp *im, const struct table_row *row, struct proc_state *ps,
			 struct result *r, bool *any, bool *missing)
{
	char pw[200]; /* proc_words() */
	const struct procedure *p = &ps->p;
	struct layout_answer a[PROC_MAX_POSITIONS];
	char col[128], val[64];
	bool ok = true;
	int at = 0, i = 0;
	r->npos = p->npos;
	memset(r->scores, SCORE_EMPTY, (size_t)r->npos);
	*any = *missing = false;
	for (int part = 0; part < 2; part++) {
		int f = part ? LF_LONG : LF_SHORT;
		size_t n;
		const char *s = table_cell(row, im->map.col[f], &n);
		if (!n)
			continue;
		*any = true;
		int k = part ? layout_long_answers(s, n, a, PROC_MAX_POSITIONS, &at)
			     : layout_short_answers(s, n, a, PROC_MAX_POSITIONS, &at);
		field_col(im, f, col, sizeof col);
		cell_str(row, im->map.col[f], val, sizeof val);
		if (k < 0) {
			report(im, R_ANSWERS, row->row, col, val,
			       part ? "строка развёрнутых ответов не читается с %d-го символа: каждое задание "
				      "записывается как «баллы(максимум)», например 2(2)1(3)0(2)"
				    : "строка кратких ответов не читается с %d-го символа: ожидаются «+» "
				      "(верно), «-» (неверно) или цифра (баллы)", at);
			return false;
		}
		for (int j = 0; j < k; j++, i++) {
			if (i >= p->npos) {
				if (!(r->problems & RP_EXTRA_CELLS))
					report(im, R_EXTRA_POSITION, row->row, col, val,
					       rejects(im->o, R_EXTRA_POSITION)
						       ? "в строках ответов заданий больше, чем позиций у процедуры %s (%d)"
						       : "в строках ответов заданий больше, чем позиций у процедуры %s "
							 "(%d): лишние значения отброшены, строка сохранена и не входит в "
							 "признаки по баллам",
					       p->code, p->npos);
				r->problems |= rules[R_EXTRA_POSITION].problem;
				if (rejects(im->o, R_EXTRA_POSITION))
					ok = false;
				i += k - j;
				break;
			}
			int max = p->pos[i].max;
			if (a[j].max >= 0 && a[j].max != max) {
				report(im, R_ANSWERS, row->row, col, val,
				       "%d-е задание строки развёрнутых ответов стоит на позиции «%s» процедуры "
				       "%s с максимумом %d, а в строке его максимум %d: строка кратких ответов "
				       "короче или длиннее, чем нужно, или выбрана не та процедура", j + 1,
				       p->pos[i].label, proc_words(p, pw, sizeof pw), max, a[j].max);
				return false;
			}
			int v = a[j].points;
			if (v == LAYOUT_NOT_DONE) {
				r->scores[i] = SCORE_X;
				continue;
			}
			if (v == LAYOUT_FULL)
				v = max;
			if (v > max) {
				report(im, R_SCORE_OVER_MAX, row->row, col, val,
				       rejects(im->o, R_SCORE_OVER_MAX)
					       ? "балл позиции «%s» (%d) больше её максимума %d"
					       : "балл позиции «%s» (%d) больше её максимума %d; строка сохранена как "
						 "записана и отмечена",
				       p->pos[i].label, v, max);
				r->problems |= rules[R_SCORE_OVER_MAX].problem;
			}
			r->scores[i] = (uint8_t)v;
		}
	}
	*missing = i < p->npos;
	return ok;
}

/* The stated exam mark and test score of a row that wrote the work (ОГЭ, ГВЭ, ЕГЭ: the
 * canonical columns mark and test_score, the РЦОИ protocol's «Отметка» and «Тестовый балл»).
 * Out of range refuses the file; a mark that is not the scale's is kept and noted — for ОГЭ
 * only one above it, since conditions beyond the total (a minimum in a part of the work)
 * may lower an ОГЭ mark but never raise it. */
static void read_exam(struct imp *im, const struct table_row *row, const struct proc_state *ps,
		      struct result *r, bool scores_ok)
{
	char pw[200]; /* proc_words() */
	char col[128], val[64];
	size_t n;
	long v;
	const char *s = table_cell(row, im->map.col[LF_MARK], &n);
	if (n) {
		if (str_to_int(s, n, &v) || v < 2 || v > 5) {
			field_col(im, LF_MARK, col, sizeof col);
			report(im, R_MARK, row->row, col, cell_str(row, im->map.col[LF_MARK], val, sizeof val),
			       "отметка за экзамен должна быть от 2 до 5");
		} else {
			r->exam_mark = (int)v;
		}
	}
	s = table_cell(row, im->map.col[LF_TEST_SCORE], &n);
	if (n) {
		if (str_to_int(s, n, &v) || v < 0 || v > 100) {
			field_col(im, LF_TEST_SCORE, col, sizeof col);
			report(im, R_TEST_SCORE, row->row, col,
			       cell_str(row, im->map.col[LF_TEST_SCORE], val, sizeof val),
			       "тестовый балл должен быть целым числом от 0 до 100");
		} else {
			r->test_score = (int)v;
			r->has_test_score = true;
		}
	}
	if (!r->exam_mark || !ps->p.has_scale || r->absent || !scores_ok)
		return;
	int scale = procedure_mark(&ps->p, result_primary_score(r));
	bool oge = !strcmp(ps->p.kind, "OGE");
	if (!scale || r->exam_mark == scale || (oge && r->exam_mark < scale))
		return;
	field_col(im, LF_MARK, col, sizeof col);
	snprintf(val, sizeof val, "%d", r->exam_mark);
	report(im, R_MARK_SCALE, row->row, col, val,
	       "по шкале процедуры %s первичному баллу %d соответствует отметка %d, а указана %d; "
	       "сохранена указанная, строка отмечена", proc_words(&ps->p, pw, sizeof pw), result_primary_score(r), scale,
	       r->exam_mark);
	r->problems |= rules[R_MARK_SCALE].problem;
}

/* "м"/"ж" in either case, else NULL. */
static const char *gender_of(const char *s, size_t n)
{
	if (n != 2 || (unsigned char)s[0] != 0xD0)
		return NULL;
	switch ((unsigned char)s[1]) {
	case 0xBC: case 0x9C: return "м"; /* м М */
	case 0xB6: case 0x96: return "ж"; /* ж Ж */
	}
	return NULL;
}

static void read_journal(struct imp *im, const struct table_row *row, struct result *r)
{
	size_t n;
	const char *s = table_cell(row, im->map.col[LF_JOURNAL], &n);
	long v;
	if (n == 0)
		return;
	if (n == 1 && *s >= '2' && *s <= '5') {
		r->journal_mark = *s - '0';
		return;
	}
	if (!str_to_int(s, n, &v) && v >= 2 && v <= 5) {
		r->journal_mark = (int)v;
		return;
	}
	char word[32];
	if (n < sizeof word && str_fold_eq(cell_str(row, im->map.col[LF_JOURNAL], word, sizeof word),
					   "нет отметки"))
		return;
	char col[128], val[64];
	field_col(im, LF_JOURNAL, col, sizeof col);
	cell_str(row, im->map.col[LF_JOURNAL], val, sizeof val);
	bool gender = str_fold_eq(val, "ж") || str_fold_eq(val, "м");
	report(im, R_JOURNAL, row->row, col, val,
	       gender ? "отметка по журналу должна быть от 2 до 5, а здесь пол — похоже, столбцы "
			"сдвинуты; строка сохранена без отметки"
		      : "отметка по журналу должна быть от 2 до 5; строка сохранена без отметки");
	r->problems |= rules[R_JOURNAL].problem;
}

/* No variant, no absence mark, no points: the participant's row was left empty. */
static bool row_has_no_result(struct imp *im, const struct table_row *row)
{
	size_t n;
	table_cell(row, im->map.col[LF_VARIANT], &n);
	if (n)
		return false;
	table_cell(row, im->map.col[LF_VARIANT2], &n);
	if (n)
		return false;
	const char *a = table_cell(row, im->map.col[LF_ABSENT], &n);
	if (n && *a != '0')
		return false;
	static const int more[] = { LF_SHORT, LF_LONG, LF_MARK, LF_TEST_SCORE };
	for (size_t k = 0; k < sizeof more / sizeof *more; k++) {
		table_cell(row, im->map.col[more[k]], &n);
		if (n)
			return false;
	}
	for (int j = 0; j < im->map.npos; j++) {
		table_cell(row, im->map.pos_col[j], &n);
		if (n)
			return false;
	}
	return true;
}

static int stage(struct imp *im, const struct table_row *row, int proc, int32_t school,
		 const char *code, size_t codelen, const struct result *r, bool clear);

/* A CSV row shorter than the header, or with a value past the header's last column. */
static bool row_width_wrong(const struct imp *im, const struct table_row *row)
{
	if (row->n < im->hdr_width)
		return true;
	for (size_t c = im->hdr_width; c < row->n; c++) {
		size_t len;
		table_cell(row, (int)c, &len);
		if (len)
			return true;
	}
	return false;
}

/* The year a date cell says: ДД.ММ.ГГГГ, ГГГГ-ММ-ДД, a bare year, or a spreadsheet's day
 * number (days since 30.12.1899, what a date-styled XLSX cell holds); 0 when none. */
static int year_of(const char *s, size_t n)
{
	long v;
	if (n >= 10 && s[2] == '.' && s[5] == '.' && !str_to_int(s + 6, 4, &v))
		return (int)v;
	if (n >= 10 && s[4] == '-' && !str_to_int(s, 4, &v))
		return (int)v;
	size_t d = 0;
	while (d < n && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d == 4 && !str_to_int(s, 4, &v))
		return (int)v;
	if (d == 5 && !str_to_int(s, 5, &v) && v >= 20000) {
		/* Civil year of a day count (H. Hinnant's days_from_civil inverted). */
		long z = v - 25569 + 719468; /* day 25569 is 01.01.1970 */
		long era = z / 146097, doe = z - era * 146097;
		long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
		return (int)(yoe + era * 400 + (mp >= 10));
	}
	return 0;
}

/* The procedure of a РЦОИ protocol's row without --procedure: ОГЭ of the 9th grade, or
 * ЕГЭ of the 11th when the protocol has test scores; the subject from «Предмет», the year
 * from «Дата экзамена» (or the file's year). "" (and a problem reported) when it cannot be
 * told. */
static void rcoi_procedure(struct imp *im, const struct table_row *row, char *code, size_t n)
{
	char subj[64], col[128];
	size_t len;
	const char *d = table_cell(row, im->map.col[LF_EXAM_DATE], &len);
	int year = len ? year_of(d, len) : im->year;
	const char *sc = layout_subject_code(cell_str(row, im->map.col[LF_SUBJECT], subj, sizeof subj));
	bool ege = im->map.col[LF_TEST_SCORE] >= 0;
	*code = '\0';
	if (!sc) {
		field_col(im, LF_SUBJECT, col, sizeof col);
		report(im, R_PROCEDURE, row->row, im->map.col[LF_SUBJECT] >= 0 ? col : NULL, subj,
		       "предмет «%s» не распознан: укажите процедуру параметром --procedure, например "
		       "--procedure OGE-2025-MA-9", subj);
		return;
	}
	if (year < 2000 || year > 2100) {
		field_col(im, LF_EXAM_DATE, col, sizeof col);
		report(im, R_PROCEDURE, row->row, im->map.col[LF_EXAM_DATE] >= 0 ? col : NULL,
		       cell_str(row, im->map.col[LF_EXAM_DATE], subj, sizeof subj),
		       "год экзамена не указан или не читается (ожидается дата ДД.ММ.ГГГГ): укажите "
		       "процедуру параметром --procedure, например --procedure %s-2025-%s-%d",
		       ege ? "EGE" : "OGE", sc, ege ? 11 : 9);
		return;
	}
	snprintf(code, n, "%s-%d-%s-%d", ege ? "EGE" : "OGE", year, sc, ege ? 11 : 9);
}

static int result_row(void *ctx, const struct table_row *row)
{
	struct imp *im = ctx;
	if (!im->have_header)
		return 0; /* handled by header_row */
	if (table_row_blank(row))
		return 0;
	struct import_stats *st = im->st;
	st->rows++;
	if (im->o->progress && ++im->rows_since_progress >= 4096) {
		im->rows_since_progress = 0;
		im->o->progress(im->o->progress_ctx, im->src.bytes_done, im->src.bytes_total, st->rows);
	}
	char col[128], code[MAX_CODE + 8], buf[64];
	size_t before = diag_errors(im->diags);
	struct result r = { .stated_total = -1 };

	/* A CSV line with fewer cells than the header, or with values past it, is a line broken
	 * or joined (a quote or a separator lost): its cells stand under other columns, so
	 * whatever they would say (a procedure code in the code's place…) is not about them. */
	if (!im->rows && im->src.kind == TABLE_CSV && row_width_wrong(im, row)) {
		report(im, R_ROW_WIDTH, row->row, NULL, NULL,
		       "в строке %zu %s, а по заголовку должно быть %zu: строка разбита или склеена "
		       "(потерян разделитель или кавычка), её значения стоят не под своими столбцами",
		       row->n, str_plural((long)row->n, "столбец", "столбца", "столбцов"), im->hdr_width);
		return 0;
	}

	/* Procedure: named by the row (canonical) or fixed for the file. */
	int proc = im->fixed_proc;
	if (proc < 0) {
		if (im->map.kind == LAYOUT_RCOI) {
			rcoi_procedure(im, row, buf, sizeof buf);
			if (!*buf) {
				st->rejected++;
				return 0;
			}
		} else {
			cell_str(row, im->map.col[LF_PROCEDURE], buf, sizeof buf);
		}
		proc = procedure_index(im, buf, row->row);
		if (proc < 0)
			return im->fatal ? ERR_INVALID : 0;
	}
	struct proc_state *ps = im->procs[proc];
	int32_t school = school_index(im, row, row->row);

	/* Participant code: digits, unique in the school. */
	size_t codelen = cell_copy(row, im->map.col[LF_CODE], code, sizeof code);
	long v;
	bool code_ok = codelen && codelen <= MAX_CODE;
	for (const char *c = code; *c && code_ok; c++)
		code_ok = *c >= '0' && *c <= '9';
	if (!code_ok && !str_to_int(code, codelen, &v) && v > 0) {
		snprintf(code, sizeof code, "%ld", v); /* "40001.0" from a spreadsheet */
		codelen = strlen(code);
		code_ok = true;
	}
	if (!code_ok) {
		field_col(im, LF_CODE, col, sizeof col);
		report(im, R_CODE, row->row, col, code,
		       *code ? "код участника должен состоять из цифр (не длиннее %d)"
			     : "не указан код участника", MAX_CODE);
	}

	/* A row with a code and nothing else (an untouched row of a pre-filled form) holds no
	 * result: it is skipped and counted, not stored as a zero-score work. */
	size_t n;
	if (code_ok && row_has_no_result(im, row)) {
		/* In the grid, such a row is one whose cells were all erased: the participant's
		 * stored result goes. */
		if (im->o->merge && school >= 0)
			return stage(im, row, proc, school, code, codelen, NULL, true);
		st->skipped++;
		return 0;
	}
	/* Absence: the canonical column, or "отсутствовал" in place of the variant (of each
	 * part of a two-part work: the 2020 export's var-1 and var-2). */
	int v1, v2;
	const char *s = table_cell(row, im->map.col[LF_VARIANT], &n);
	enum variant_kind k1 = variant_of(s, n, &v1);
	const char *s2 = table_cell(row, im->map.col[LF_VARIANT2], &n);
	enum variant_kind k2 = variant_of(s2, n, &v2);
	if (im->map.kind == LAYOUT_CANONICAL) {
		const char *a = table_cell(row, im->map.col[LF_ABSENT], &n);
		if (n == 1 && (*a == '0' || *a == '1')) {
			r.absent = *a == '1';
		} else if (n) {
			field_col(im, LF_ABSENT, col, sizeof col);
			report(im, R_ABSENT_VALUE, row->row, col, cell_str(row, im->map.col[LF_ABSENT], buf, sizeof buf),
			       "признак отсутствия должен быть 0 или 1");
		}
	} else if (k2 == V_EMPTY) {
		r.absent = k1 == V_ABSENT;
	} else {
		/* Two parts: absent from both is absent; from one, a partial work, kept with its
		 * points and left out of the signs that need the whole work. */
		r.absent = k1 == V_ABSENT && k2 == V_ABSENT;
		if (!r.absent && (k1 == V_ABSENT || k2 == V_ABSENT)) {
			report(im, R_PARTIAL, row->row, NULL, NULL,
			       "участник писал только часть %d работы (в части %d — «отсутствовал»); работа "
			       "сохранена как неполная и не входит в признаки по баллам",
			       k1 == V_ABSENT ? 2 : 1, k1 == V_ABSENT ? 1 : 2);
			r.problems |= rules[R_PARTIAL].problem;
		}
		if (k1 != V_NUMBER && k2 == V_NUMBER) {
			k1 = k2; /* the variant of the part written */
			v1 = v2;
		}
	}
	if (!r.absent) {
		if (k1 == V_EMPTY || k1 == V_UNKNOWN || (k1 == V_ABSENT && r.problems & RP_PARTIAL)) {
			/* Real exports write 0 or X when the variant is not known. */
			field_col(im, LF_VARIANT, col, sizeof col);
			report(im, R_VARIANT_MISSING, row->row, col, cell_str(row, im->map.col[LF_VARIANT], buf, sizeof buf),
			       "вариант не указан; строка сохранена без варианта");
			r.problems |= rules[R_VARIANT_MISSING].problem;
		} else if (k1 == V_NUMBER) {
			r.variant = v1;
		} else if (k1 == V_ABSENT) {
			/* The canonical layout says absence in its own column. */
			field_col(im, LF_VARIANT, col, sizeof col);
			report(im, R_VARIANT, row->row, col, cell_str(row, im->map.col[LF_VARIANT], buf, sizeof buf),
			       "в столбце варианта «отсутствовал», а в столбце absent — 0: отметьте отсутствие "
			       "в столбце absent (1) или укажите номер варианта");
		} else {
			field_col(im, LF_VARIANT, col, sizeof col);
			report(im, R_VARIANT, row->row, col, cell_str(row, im->map.col[LF_VARIANT], buf, sizeof buf),
			       "вариант — это номер (1, 2, …) или «отсутствовал»");
		}
	}

	bool any, missing;
	bool scores_ok = im->map.posmode == POS_STRINGS ? read_answers(im, row, ps, &r, &any, &missing)
							: read_scores(im, row, ps, &r, &any, &missing);
	if (r.absent) {
		if (any && scores_ok) {
			report(im, R_ABSENT_WITH_SCORES, row->row, NULL, NULL,
			       "участник отмечен отсутствовавшим, но у него есть баллы; сохранён как "
			       "отсутствовавший");
			r.problems |= rules[R_ABSENT_WITH_SCORES].problem;
		}
		r.npos = 0;
	} else if (scores_ok) {
		if (missing) {
			report(im, R_SCORES_MISSING, row->row, NULL, NULL,
			       "у писавшего работу участника есть пустые позиции; они учтены как 0");
			r.problems |= rules[R_SCORES_MISSING].problem;
		}
		const char *t = table_cell(row, im->map.col[LF_TOTAL], &n);
		if (n && !str_to_int(t, n, &v)) {
			int sum = result_primary_score(&r);
			r.stated_total = (int)v;
			if (v > ps->p.max_score || v < 0) {
				field_col(im, LF_TOTAL, col, sizeof col);
				report(im, R_TOTAL_OVER_MAX, row->row, col, cell_str(row, im->map.col[LF_TOTAL], buf, sizeof buf),
				       "сумма баллов больше максимума %d; первичный балл взят как сумма "
				       "позиций (%d)", ps->p.max_score, sum);
				r.problems |= rules[R_TOTAL_OVER_MAX].problem;
			} else if (v != sum) {
				field_col(im, LF_TOTAL, col, sizeof col);
				report(im, R_TOTAL_MISMATCH, row->row, col, cell_str(row, im->map.col[LF_TOTAL], buf, sizeof buf),
				       "сумма баллов не равна сумме позиций (%d); первичный балл взят как "
				       "сумма позиций", sum);
				r.problems |= rules[R_TOTAL_MISMATCH].problem;
			}
		}
	}
	read_journal(im, row, &r);
	read_exam(im, row, ps, &r, diag_errors(im->diags) == before);
	if (r.absent && (r.exam_mark || r.has_test_score)) {
		report(im, R_ABSENT_WITH_SCORES, row->row, NULL, NULL,
		       "участник отмечен отсутствовавшим, но у него есть отметка или тестовый балл; "
		       "сохранён как отсутствовавший");
		r.problems |= rules[R_ABSENT_WITH_SCORES].problem;
		r.exam_mark = 0;
		r.has_test_score = false;
	}
	/* Two statements: the order in which a call's arguments are evaluated is unspecified,
	 * and table_cell sets n. */
	const char *g = table_cell(row, im->map.col[LF_GENDER], &n), *gt = g;
	size_t gl = str_trim(&gt, n);
	r.gender = gender_of(gt, gl);
	if (!r.gender && gl) {
		report(im, R_GENDER, row->row, im->hdr[LF_GENDER], g, "пол — «м» или «ж»; сохранено без пола");
		r.problems |= rules[R_GENDER].problem;
	}
	/* The class as written, whole, or the row is refused: never cut. "НЕТ"/"нет" means
	 * no class. */
	const char *cls = table_cell(row, im->map.col[LF_CLASS], &n);
	if (utf8_len(cls, n) > MAX_CLASS) {
		field_col(im, LF_CLASS, col, sizeof col);
		report(im, R_CLASS, row->row, col, cell_str(row, im->map.col[LF_CLASS], buf, sizeof buf),
		       "название класса длиннее %d символов: так классы не называют — похоже, в "
		       "столбце не то", MAX_CLASS);
	}
	char cname[4 * MAX_CLASS + 1];
	r.class_name = cell_copy(row, im->map.col[LF_CLASS], cname, sizeof cname) == 6 &&
				       str_fold_eq(cname, "нет")
			       ? NULL
			       : cname;

	if (diag_errors(im->diags) > before || school < 0) {
		st->rejected++;
		return 0;
	}
	return stage(im, row, proc, school, code, codelen, &r, false);
}

/* Stages a validated row for the store: r's fields, or (clear) only the participant whose
 * stored result the row deletes. Counts it for the upload's record. */
static int stage(struct imp *im, const struct table_row *row, int proc, int32_t school,
		 const char *code, size_t codelen, const struct result *r, bool clear)
{
	struct import_stats *st = im->st;
	uint64_t fp = fingerprint(proc, school, code, codelen);
	int64_t before = im->last_touched;
	size_t known = im->ntouched;
	struct touched *t = touch(im, proc, school);
	if (im->last_touched != before) { /* a new run */
		run_reset(&im->run);
		if (im->ntouched == known && !t->split) {
			t->split = true; /* the pair had rows before this run */
			im->nsplit++;
		}
	}
	if (!fpset_add(&im->run, fp))
		hmap_put(&im->suspects, (const char *)&fp, sizeof fp, 1);
	size_t classlen = r && r->class_name ? strlen(r->class_name) : 0;
	struct rec h = {
		.row = (int32_t)row->row, .school = school, .stated_total = -1,
		.proc = (uint8_t)proc, .codelen = (uint8_t)codelen, .classlen = (uint8_t)classlen,
	};
	if (clear) {
		h.flags = REC_CLEAR;
	} else {
		h.stated_total = r->stated_total;
		h.variant = (uint16_t)r->variant;
		h.problems = (uint16_t)r->problems;
		h.journal = (uint8_t)r->journal_mark;
		h.exam_mark = (uint8_t)r->exam_mark;
		h.test_score = r->has_test_score ? (uint8_t)r->test_score : TEST_NONE;
		im->procs[proc]->exam_marks |= h.exam_mark != 0;
		im->procs[proc]->test_scores |= h.test_score != TEST_NONE;
		h.flags = (r->absent ? REC_ABSENT : 0) |
			  (r->gender && !strcmp(r->gender, "м") ? REC_MALE : 0) |
			  (r->gender && !strcmp(r->gender, "ж") ? REC_FEMALE : 0);
		h.npos = r->absent ? 0 : (uint8_t)r->npos;
	}
	int rc;
	if ((rc = spool_write(im->sp, &h, sizeof h)) || (rc = spool_write(im->sp, code, codelen)) ||
	    (classlen && (rc = spool_write(im->sp, r->class_name, classlen))) ||
	    (h.npos && (rc = spool_write(im->sp, r->scores, h.npos)))) {
		diag_add(im->diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "spool",
			 "не удалось записать промежуточные данные рядом с базой данных: нет места на "
			 "диске?");
		return rc;
	}
	im->nrecs++;
	if (clear)
		return 0;
	t->rows++;
	t->written += !r->absent;
	if (r->absent)
		st->absent++;
	else
		st->written++;
	if (r->problems)
		st->marked++;
	return 0;
}

/* ---- header and procedure of the file ---- */

/* The procedure of a form without --procedure: its textbook code ("ma4.8 | …") names the
 * subject and grade, its upload date the year. Empty when it cannot be told. */
struct form_guess {
	char subject[4];
	int grade, year;
	int cbook, cdate; /* columns of the textbook and the date, once the header is read */
	bool have_header;
};

static int classes_row(void *ctx, const struct table_row *r)
{
	static const char *const book[] = { "Основной учебник", NULL };
	static const char *const date[] = { "Дата загрузки", NULL };
	static const struct { const char *prefix, *subject; } subjects[] = {
		{ "ru", "RU" }, { "ma", "MA" }, { "bio", "BI" }, { "bi", "BI" }, { "hist", "IS" },
		{ "is", "IS" }, { "geo", "GG" }, { "gg", "GG" }, { "ob", "OB" }, { "phys", "FI" },
		{ "fi", "FI" }, { "chem", "HI" }, { "hi", "HI" }, { "en", "EN" }, { "de", "DE" },
		{ "fr", "FR" }, { "okr", "OM" }, { "om", "OM" },
	};
	struct form_guess *g = ctx;
	if (!g->have_header) {
		g->cbook = table_column_prefix(r, book);
		g->cdate = table_column(r, date);
		g->have_header = true;
		return 0;
	}
	int cbook = g->cbook, cdate = g->cdate;
	if (cbook < 0 || (size_t)cbook >= r->n)
		return 1;
	const char *b = r->v[cbook];
	size_t i = 0;
	while (b[i] >= 'a' && b[i] <= 'z')
		i++;
	int grade = 0;
	while (b[i] >= '0' && b[i] <= '9')
		grade = grade * 10 + (b[i++] - '0');
	for (size_t k = 0; k < sizeof subjects / sizeof *subjects; k++) {
		size_t lp = strlen(subjects[k].prefix);
		if (grade >= 1 && grade <= 11 && b[i] == '.' && i - (b[i - 1] >= '0' ? 1 : 0) >= lp &&
		    !strncmp(b, subjects[k].prefix, lp) && (b[lp] >= '0' && b[lp] <= '9')) {
			memcpy(g->subject, subjects[k].subject, 3);
			g->grade = grade;
			break;
		}
	}
	if (cdate >= 0 && (size_t)cdate < r->n && r->len[cdate] >= 10) {
		long y;
		if (!str_to_int(r->v[cdate] + 6, 4, &y))
			g->year = (int)y;
	}
	return 1; /* the first data row is enough */
}

/* The grades the class names of «Протокол» say ("10", "10 А", "11а"; a bare letter says
 * none), counted. */
struct class_grades {
	int col;            /* «Наименование класса», once the header is read */
	long count[12];     /* rows per grade 1..11 */
	long rows;
};

static int protocol_row(void *ctx, const struct table_row *r)
{
	static const char *const cls[] = { "Наименование класса", NULL };
	struct class_grades *g = ctx;
	if (g->col < -1) {
		g->col = table_column(r, cls);
		return g->col < 0 ? 1 : 0;
	}
	size_t n;
	const char *s = table_cell(r, g->col, &n);
	int grade = 0;
	size_t i = 0;
	while (i < n && i < 3 && s[i] >= '0' && s[i] <= '9')
		grade = grade * 10 + (s[i++] - '0');
	if (i > 0 && grade >= 1 && grade <= 11)
		g->count[grade]++;
	return ++g->rows >= 100000; /* plenty to tell */
}

/* The procedure of a form: subject from the textbook code of «Классы», year from the upload
 * date, grade from the class names of «Протокол» when most of them say one — the textbook
 * code gives the grade range of the book, not the class («geo11.13» is used in grade 10) —
 * else from the textbook code. *from_classes tells which. */
static void guess_form_procedure(const struct table_in *in, char *code, size_t n, int *book_grade,
				 bool *from_classes)
{
	struct form_guess g = { "", 0, 0, -1, -1, false };
	struct class_grades cg = { .col = -2 };
	char msg[256];
	code[0] = '\0';
	*from_classes = false;
	table_read(in, "Классы", classes_row, &g, NULL, msg, sizeof msg);
	*book_grade = g.grade;
	table_read(in, "Протокол", protocol_row, &cg, NULL, msg, sizeof msg);
	long with_grade = 0;
	int best = 0;
	for (int k = 1; k <= 11; k++) {
		with_grade += cg.count[k];
		if (cg.count[k] > cg.count[best])
			best = k;
	}
	if (best && 2 * cg.count[best] > with_grade && best != g.grade) {
		g.grade = best;
		*from_classes = true;
	}
	if (g.subject[0] && g.grade && g.year)
		snprintf(code, n, "VPR-%d-%s-%d", g.year, g.subject, g.grade);
}

static int header_row(struct imp *im, const struct table_row *r)
{
	char msg[512];
	int rc = layout_detect(r, &im->map, msg, sizeof msg);
	if (rc) {
		diag_add(im->diags, DIAG_ERROR, im->name, im->src.sheet, r->row, NULL, NULL, "layout",
			 "%s", msg);
		return rc;
	}
	for (int f = 0; f < LF_NFIELDS; f++)
		if (im->map.col[f] >= 0)
			str_copy_utf8(im->hdr[f], sizeof im->hdr[f], r->v[im->map.col[f]]);
	for (int j = 0; j < im->map.npos; j++)
		table_colname(&im->src, im->map.pos_col[j], r->v[im->map.pos_col[j]], im->poshdr[j],
			      sizeof im->poshdr[j]);
	snprintf(im->st->layout, sizeof im->st->layout, "%s", layout_name(im->map.kind));
	im->have_header = true;
	for (size_t c = 0; c < r->n; c++) {
		size_t len;
		table_cell(r, (int)c, &len);
		if (len)
			im->hdr_width = c + 1;
	}
	if (im->map.kind == LAYOUT_CANONICAL) {
		if (im->map.posmode == POS_BY_LABEL)
			im->fixed_proc = -1;
	im->last_touched = -1; /* positions by label: checked against each procedure */
		return 0;
	}
	char code[48];
	const char *proc = im->o->procedure;
	if ((!proc || !*proc) && im->map.kind == LAYOUT_RCOI && im->map.col[LF_SUBJECT] >= 0) {
		im->year = im->o->year;
		im->fixed_proc = -1; /* each row's subject and date name its procedure */
		return 0;
	}
	if ((!proc || !*proc) && im->map.kind == LAYOUT_FORM) {
		int book;
		bool by_classes;
		guess_form_procedure(&im->in, code, sizeof code, &book, &by_classes);
		if (*code) {
			proc = code;
			if (by_classes)
				diag_add(im->diags, DIAG_NOTE, im->name, NULL, 0, NULL, code, "procedure_guessed",
					 "процедура определена по форме: %s — предмет по учебнику, год по дате "
					 "загрузки, класс по названиям классов (код учебника говорит о %d-м "
					 "классе, но это учебник на несколько лет)", code, book);
			else
				diag_add(im->diags, DIAG_NOTE, im->name, NULL, 0, NULL, code, "procedure_guessed",
					 "процедура определена по форме (учебник и дата загрузки): %s", code);
		}
	}
	if (im->o->procedure && *im->o->procedure && im->map.kind == LAYOUT_FORM) {
		/* A procedure chosen for a form must be the form's own: a form of another year,
		 * subject or grade would replace the school's results of the chosen one. */
		int book;
		bool by_classes;
		struct procedure want, got;
		char pw[200], gw[200];
		memset(&want, 0, sizeof want);
		memset(&got, 0, sizeof got);
		guess_form_procedure(&im->in, code, sizeof code, &book, &by_classes);
		if (*code && strcmp(code, proc) && !procedure_code_parse(proc, &want, NULL, 0) &&
		    !procedure_code_parse(code, &got, NULL, 0) && !strcmp(want.kind, got.kind)) {
			/* The subject (the textbook) and the year (the upload dates) are the form's
			 * own; its grade is told less surely (a textbook serves several grades): a
			 * grade chosen otherwise is noted, not refused. */
			bool sure = want.year != got.year || strcmp(want.subject, got.subject);
			diag_add(im->diags, sure ? DIAG_ERROR : DIAG_WARN, im->name, NULL, 0, NULL, code,
				 "procedure_mismatch",
				 "форма заполнена для процедуры %s (предмет — по учебнику на листе «Классы», "
				 "год — по дате загрузки, класс — по названиям классов), а выбрана %s%s",
				 proc_words(&got, gw, sizeof gw), proc_words(&want, pw, sizeof pw),
				 sure ? ": выберите процедуру формы или «определить по файлу»"
				      : ": проверьте класс, результаты загружаются в выбранную процедуру");
			if (sure)
				return ERR_INVALID;
		}
	}
	if (!proc || !*proc) {
		diag_add(im->diags, DIAG_ERROR, im->name, im->src.sheet, 0, NULL, NULL, "procedure",
			 "в файле (%s) не указана процедура: выберите её в списке «Процедура» (в командной "
			 "строке — параметр --procedure)", layout_title(im->map.kind));
		return ERR_INVALID;
	}
	im->fixed_proc = procedure_index(im, proc, 0);
	return im->fixed_proc < 0 ? ERR_INVALID : 0;
}

static int any_row(void *ctx, const struct table_row *r)
{
	struct imp *im = ctx;
	if (im->have_header)
		return result_row(ctx, r);
	return table_row_blank(r) ? 0 : header_row(im, r);
}

/* ---- rows that are not a file ---- */

/* The first pass over an import_rows source: its header and rows go to any_row() as the
 * lines of a canonical CSV would, numbered the same way, and are hashed as that CSV for the
 * upload's record. */
static int read_rows(struct imp *im)
{
	const struct import_rows *rs = im->rows;
	const char **cells = xcalloc(rs->ncols + 1, sizeof *cells);
	size_t *len = xcalloc(rs->ncols + 1, sizeof *len);
	struct buf line = BUF_INIT;
	crypto_generichash_state h;
	unsigned char out[32];
	int rc = 0;
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	for (long row = 1; rc == 0; row++) {
		if (row == 1) {
			memcpy(cells, rs->cols, rs->ncols * sizeof *cells);
		} else if ((rc = rs->next(rs->ctx, cells)) != 1) {
			break;
		} else {
			rc = 0;
		}
		buf_reset(&line);
		for (size_t c = 0; c < rs->ncols; c++) {
			if (!cells[c])
				cells[c] = "";
			len[c] = strlen(cells[c]);
			if ((c && buf_putc(&line, ',')) || csv_put_field(&line, cells[c], len[c], ','))
				rc = ERR_LIMIT;
		}
		if (rc || (rc = buf_puts(&line, "\r\n")))
			break;
		crypto_generichash_update(&h, (const unsigned char *)line.p, line.len);
		im->rows_size += (int64_t)line.len;
		const struct table_row r = { .row = row, .n = rs->ncols, .v = cells, .len = len };
		bool had_header = im->have_header;
		rc = any_row(im, &r);
		if (rc == 0 && !had_header && im->have_header && im->map.kind != LAYOUT_CANONICAL) {
			diag_add(im->diags, DIAG_ERROR, im->name, NULL, r.row, NULL, NULL, "layout",
				 "строки не из файла должны идти под столбцами канонического CSV oko, а "
				 "пришли под заголовками макета «%s»", layout_title(im->map.kind));
			rc = ERR_INVALID;
		}
	}
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(im->rows_digest, sizeof im->rows_digest, out, sizeof out);
	buf_free(&line);
	free(cells);
	free(len);
	return rc;
}

/* ---- the number of position columns ---- */

/* An inferred procedure gets its positions and maxima from what the file held: the filled
 * columns, each worth the largest points seen in it. Stored only when the uploader accepts
 * the guess (--accept-inferred, or the web's confirmation); else the file is refused with
 * the proposal, so a person sees it and confirms or corrects it. */
static void finish_inferred(struct imp *im)
{
	for (int k = 0; k < im->nprocs; k++) {
		struct proc_state *ps = im->procs[k];
		if (!ps->infer)
			continue;
		struct procedure *p = &ps->p;
		int filled = 0;
		for (int j = 0; j < im->map.nfile; j++)
			if (im->pos_filled[j])
				filled = j + 1;
		p->npos = filled;
		p->max_score = 0;
		char maxima[PROC_MAX_POSITIONS * 4 + 1] = "";
		size_t at = 0;
		for (int i = 0; i < filled; i++) {
			/* A column of X and empties only says nothing: one point at least. */
			p->pos[i].max = ps->maxseen[i] > 0 ? ps->maxseen[i] : 1;
			p->max_score += p->pos[i].max;
			at += (size_t)snprintf(maxima + at, sizeof maxima - at, "%s%d", i ? " " : "",
					       p->pos[i].max);
		}
		snprintf(p->source, sizeof p->source, "по файлу «%s»: позиции — столбцы по номерам, "
			 "максимумы — наибольшие баллы в файле (предположение)", base_name(im->name));
		if (filled && im->o->accept_inferred && im->o->may_create_procedure) {
			diag_add(im->diags, DIAG_NOTE, im->name, NULL, 0, NULL, p->code, "procedure_inferred",
				 "процедура %s создана по файлу: %d позиций, наибольшие баллы %s (всего %d); "
				 "уровней и шкалы отметок нет — загрузите описание КИМ, когда оно будет",
				 p->code, filled, maxima, p->max_score);
			continue;
		}
		im->rule_count[R_PROCEDURE]++;
		if (filled) {
			size_t a = 0;
			snprintf(im->st->proposal_code, sizeof im->st->proposal_code, "%s", p->code);
			for (int i = 0; i < filled && a < sizeof im->st->proposal; i++)
				a += (size_t)snprintf(im->st->proposal + a, sizeof im->st->proposal - a,
						      "%s%s:%d", i ? " " : "", p->pos[i].label, p->pos[i].max);
		}
		if (!filled)
			diag_add_first(im->diags, DIAG_ERROR, im->name, NULL, 0, NULL, p->code,
				       rules[R_PROCEDURE].code, "процедура %s не описана, и в файле нет ни "
				       "одного балла, по которому её можно было бы предложить", p->code);
		else
			diag_add_first(im->diags, DIAG_ERROR, im->name, NULL, 0, NULL, p->code,
				       rules[R_PROCEDURE].code,
				       "процедура %s не описана и её нет в каталоге oko. По файлу она выглядит "
				       "так: %d позиций, наибольшие баллы %s (всего %d). %s", p->code, filled,
				       maxima, p->max_score,
				       !im->o->may_create_procedure
					       ? "Создавать процедуры может региональный координатор или "
						 "администратор: передайте им это предложение."
					       : "Если это верно, загрузите файл снова с подтверждением "
						 "(oko import results … --accept-inferred или кнопка «Создать "
						 "процедуру» на странице загрузки); если нет — опишите её: oko "
						 "import procedures (пример — в oko import procedures --help).");
	}
}

/* Forgets the row warnings: the file is refused for one reason that explains them all. */
static void discard_row_warnings(struct imp *im)
{
	for (int r = 0; r < R_NRULES; r++) {
		if (rejects(im->o, (enum rule)r) || !im->rule_count[r])
			continue;
		diag_discard(im->diags, rules[r].code, DIAG_WARN, (size_t)im->rule_count[r]);
		im->rule_count[r] = 0;
	}
}

/* A file read against the wrong procedure gives the same problem in every row: a value in a
 * column past the procedure's positions, or the procedure's last positions empty in every
 * row. Either is said once, first, with the counts, instead of a message a row. For files
 * whose positions go by order under one procedure. */
static void check_columns(struct imp *im)
{
	char pw[200]; /* proc_words() */
	const struct layout_map *m = &im->map;
	if (m->posmode != POS_BY_ORDER || im->fixed_proc < 0 || im->fatal)
		return;
	const struct procedure *p = &im->procs[im->fixed_proc]->p;
	if (im->procs[im->fixed_proc]->infer)
		return; /* its positions are the filled columns by construction */
	int filled = 0;
	for (int j = 0; j < m->npos; j++)
		if (im->pos_filled[j])
			filled = j + 1;
	if (im->extra_rows * 100 > (im->st->written > 0 ? im->st->written : 1)) {
		/* More than 1 % of the works: not a few shifted rows but the wrong procedure. */
		im->rule_count[R_COLUMNS]++;
		if (rejects(im->o, R_EXTRA_POSITION)) {
			diag_discard(im->diags, rules[R_EXTRA_POSITION].code, DIAG_ERROR,
				     (size_t)im->rule_count[R_EXTRA_POSITION]);
			im->rule_count[R_EXTRA_POSITION] = 0;
		}
		discard_row_warnings(im);
		diag_add_first(im->diags, DIAG_ERROR, im->name, im->src.sheet, 0, NULL, NULL,
			       rules[R_COLUMNS].code,
			       "в файле заполнено %d %s позиций, а у процедуры %s их %d: похоже, "
			       "выбрана не та процедура или столбцы сдвинуты (значения за последней "
			       "позицией процедуры — в %ld %s, первая — строка %ld)",
			       filled, str_plural(filled, "столбец", "столбца", "столбцов"), proc_words(p, pw, sizeof pw),
			       p->npos, im->extra_rows, str_plural(im->extra_rows, "строке", "строках", "строках"),
			       im->first_extra_row);
	} else if (im->st->written && filled < p->npos) {
		im->rule_count[R_COLUMNS]++;
		discard_row_warnings(im);
		diag_add_first(im->diags, DIAG_ERROR, im->name, im->src.sheet, 0, NULL, NULL,
			       rules[R_COLUMNS].code,
			       "в файле заполнено %d %s позиций, а у процедуры %s их %d: последние "
			       "позиции пусты во всех строках — похоже, выбрана не та процедура",
			       filled, str_plural(filled, "столбец", "столбца", "столбцов"), proc_words(p, pw, sizeof pw),
			       p->npos);
	}
}

/* ---- the store ---- */

static int file_digest(const struct table_in *in, char hex[65], int64_t *size)
{
	crypto_generichash_state h;
	unsigned char out[32];
	int rc = 0;
	crypto_generichash_init(&h, NULL, 0, 32);
	*size = 0;
	if (in->path) {
		FILE *f = fopen(in->path, "rb");
		if (!f)
			return ERR_IO;
		unsigned char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
			crypto_generichash_update(&h, buf, n);
			*size += (int64_t)n;
		}
		rc = ferror(f) ? ERR_IO : 0;
		fclose(f);
	} else {
		crypto_generichash_update(&h, in->data, in->len);
		*size = (int64_t)in->len;
	}
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(hex, 65, out, sizeof out);
	return rc;
}

/* The upload history keeps the file's digest: taken on a thread of its own while the rows
 * are stored (the store's inserts keep one core busy and the other mostly waiting for
 * them), joined when the upload's counts are written. It was taken while the file was read
 * and checked, whose two threads keep both cores busy: 0.1 s of CPU a million rows there.
 * Before that it read and hashed the whole file again under the write lock. */
static void *digest_thread(void *arg)
{
	struct imp *im = arg;
	im->digest_rc = file_digest(&im->in, im->rows_digest, &im->rows_size);
	return NULL;
}

static void digest_start(struct imp *im)
{
	if (pthread_create(&im->digest_th, NULL, digest_thread, im) == 0)
		im->digesting = true;
	else
		im->digest_rc = 1; /* not started: digest_join takes it itself */
}

static int digest_join(struct imp *im)
{
	if (im->digesting) {
		pthread_join(im->digest_th, NULL);
		im->digesting = false;
	}
	if (im->digest_rc == 1)
		im->digest_rc = file_digest(&im->in, im->rows_digest, &im->rows_size);
	return im->digest_rc;
}

/* The digest and size are written by history_end(), with the counts. */
static int history_begin(struct imp *im)
{
	return upload_add(im->d, base_name(im->name), im->o->user, &im->st->upload_id);
}

static int history_end(struct imp *im)
{
	struct import_stats *st = im->st;
	int rc = im->rows ? 0 : digest_join(im);
	if (rc)
		return rc;
	const struct upload_counts c = { st->layout, st->rows, st->written, st->absent, st->marked,
					 im->rows_digest, im->rows_size };
	rc = upload_set_counts(im->d, st->upload_id, &c);
	struct upload_school *v = xcalloc(im->ntouched + 1, sizeof *v);
	for (size_t i = 0; i < im->ntouched && !rc; i++) {
		struct touched *t = &im->touched[i];
		v[i] = (struct upload_school){ .procedure_id = im->procs[t->proc]->p.id,
					       .school_id = im->fs[t->school].id,
					       .replaced = t->replaced };
		/* upload_school holds what the school has now (the result_pair view): after a
		 * merge that is more than the rows of this upload. */
		if (im->o->merge)
			rc = result_count_school(im->d, v[i].procedure_id, v[i].school_id, &t->rows,
						 &t->written);
		v[i].rows = t->rows;
		v[i].written = t->written;
		st->replaced += t->replaced;
	}
	if (!rc)
		rc = upload_schools_add(im->d, st->upload_id, v, im->ntouched);
	free(v);
	return rc;
}

/* Whether the store may go on waiting for a lock: o->wait_seconds (default 60) from the
 * moment it began to wait. */
static bool may_wait(struct imp *im)
{
	int wait = im->o->wait_seconds > 0 ? im->o->wait_seconds : 60;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (t1.tv_sec - im->store_t0.tv_sec >= wait)
		return false;
	if (im->o->progress)
		im->o->progress(im->o->progress_ctx, 0, 0, im->st->rows);
	return true;
}

/* Takes the write lock, waiting in line behind other writers for up to o->wait_seconds
 * (default 60): a busy database is a reason to wait, not a bad file. */
static int store_begin(struct imp *im)
{
	clock_gettime(CLOCK_MONOTONIC, &im->store_t0);
	for (;;) {
		/* Itself waits a few seconds for the lock. Every id stored comes from the database
		 * within this transaction: the foreign key checks per row are left out. */
		int rc = db_begin_bulk(im->d);
		if (rc != ERR_BUSY || !may_wait(im))
			return rc;
	}
}

/* The procedures the rows were checked against must be the ones stored now; a procedure
 * described by the form is created. */
static int store_procedures(struct imp *im)
{
	for (int i = 0; i < im->nprocs; i++) {
		struct proc_state *ps = im->procs[i];
		struct procedure now;
		char msg[256] = "";
		int rc = procedure_get(im->d, ps->p.code, &now);
		if (rc && rc != ERR_NOTFOUND)
			return rc;
		if (rc == ERR_NOTFOUND && ps->create) {
			if ((rc = procedure_put(im->d, &ps->p, msg, sizeof msg))) {
				report(im, R_PROCEDURE, 1, NULL, ps->p.code, "процедура не создана: %s", msg);
				return rc;
			}
			diag_add(im->diags, DIAG_NOTE, im->name, im->src.sheet, 0, NULL, ps->p.code,
				 "procedure_created", "процедура %s создана: %d позиций, максимум %d%s; "
				 "источник — %s", ps->p.code, ps->p.npos, ps->p.max_score,
				 ps->p.has_scale ? "" : ", шкалы отметок нет — загрузите описание КИМ со "
							"шкалой", ps->p.source);
		} else {
			bool same = rc == 0 && now.npos == ps->p.npos && (ps->create || now.id == ps->p.id);
			for (int k = 0; same && k < now.npos; k++)
				same = now.pos[k].max == ps->p.pos[k].max &&
				       !strcmp(now.pos[k].label, ps->p.pos[k].label);
			if (!same) {
				report(im, R_PROCEDURE, 1, NULL, ps->p.code,
				       "описание процедуры %s изменилось, пока файл проверялся: загрузите "
				       "файл ещё раз", ps->p.code);
				return ERR_INVALID;
			}
			ps->p.id = now.id;
		}
		if ((rc = result_writer_open(im->d, ps->p.id, &ps->w)))
			return rc;
	}
	return 0;
}

/* Whether a school may be registered under one of the logins the school with this login
 * would have had in other years: one is in the registry's index or in the file. */
static bool twin_may_exist(struct imp *im, const char *login)
{
	char twins[REGISTRY_TWINS_MAX][REGISTRY_LOGIN_MAX];
	int n = registry_login_twins(login, twins, REGISTRY_TWINS_MAX);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(twins[i]);
		int64_t x;
		if (hmap_get(&im->schools, twins[i], len, &x) || hmap_get(&im->fs_idx, twins[i], len, &x))
			return true;
	}
	return false;
}

/* Creates the schools first seen in the file (one created meanwhile is taken as it is),
 * and proposes each as another login of a known school when their digits match. */
static int store_schools(struct imp *im)
{
	long proposals = 0;
	const char *example = NULL;
	/* SQLite: no change committed since before the index was read, and none can be while
	 * the write lock is held, so a school the index does not hold is not in the registry
	 * (its look-up is left out); and when neither the index nor the file holds a login the
	 * new school would have had in another year, there is no school to propose it as an
	 * alias of (the proposal's look-up is left out too). Not on PostgreSQL, where other
	 * writers commit meanwhile: a login confirmed as an alias there would not be met by
	 * the insert (the alias is not a school's login), and a twin would go unproposed. */
	bool unmoved = !db_is_pg(im->d) && im->index_version &&
		       db_content_version(im->d) == im->index_version;
	for (size_t i = 0; i < im->nfs; i++) {
		struct fschool *f = &im->fs[i];
		if (f->id)
			continue;
		int rc = unmoved ? ERR_NOTFOUND : registry_school_find(im->d, f->login, &f->id);
		if (rc == ERR_NOTFOUND) {
			/* A file that names the school (the form) tells its kind too, roughly. */
			bool named = strcmp(f->name, f->login) != 0;
			struct school sc = { .login = f->login, .name = f->name,
					     .municipality = f->municipality, .region = f->region,
					     .kind = named ? registry_kind_guess(f->name) : NULL,
					     .kind_guessed = named };
			long proposed = 0;
			/* Not found under the write lock: a plain insert (the upsert costs twice as
			 * much, and a file may bring thousands of new schools). Where writers
			 * run side by side (PostgreSQL), another upload may be creating the school, or
			 * its municipality (or region), at this moment: our insert waits for it, then
			 * runs into its row, which is there once it has committed. The failed
			 * statement alone was undone (db/pg.c runs a write in a savepoint), so the
			 * upsert takes that row; the school, the region and the municipality may each
			 * be raced, so three more tries. On SQLite a refusal is the data's and comes
			 * again. */
			rc = registry_school_insert_new(im->d, &sc, &f->id);
			bool inserted = rc == 0; /* under f->login, else maybe another's id */
			for (int again = 0; again < 3 && rc == ERR_INVALID; again++)
				rc = registry_school_put(im->d, &sc, &f->id);
			if (!rc && !inserted)
				rc = registry_alias_propose(im->d, f->id, &proposed);
			else if (!rc && (!unmoved || twin_may_exist(im, f->login)))
				rc = registry_alias_propose_login(im->d, f->id, f->login, &proposed);
			if (rc) {
				report(im, R_SCHOOL, 0, NULL, f->login, "школа не сохранена: %s",
				       db_errmsg(im->d));
				return rc;
			}
			im->st->created++;
			if (proposed && !proposals++)
				example = f->login;
		} else if (rc) {
			return rc;
		}
	}
	if (proposals)
		diag_add(im->diags, DIAG_NOTE, im->name, NULL, 0, NULL, example, "alias_proposed",
			 "новых школ с теми же цифрами логина, что у известных: %ld (например %s) — "
			 "похоже, логин сменился; подтвердите, что это те же школы: oko schools aliases "
			 "или страница «Школы» → «Логины школ»", proposals, example);
	return 0;
}

/* Reads one staged row back; 1, 0 at the end, or an error. */
static int unstage(struct imp *im, struct rec *h, char *code, char *cls, uint8_t *scores)
{
	int rc = spool_read(im->sp, h, sizeof *h);
	if (rc <= 0)
		return rc;
	if (spool_read(im->sp, code, h->codelen) < 0 ||
	    (h->classlen && spool_read(im->sp, cls, h->classlen) <= 0) ||
	    (h->npos && spool_read(im->sp, scores, h->npos) <= 0))
		return ERR_IO;
	code[h->codelen] = cls[h->classlen] = '\0';
	return 1;
}

/* The fingerprints of the split pairs' rows compared across the file (see fpset). */
static int split_suspects(struct imp *im)
{
	struct rec h;
	char code[MAX_CODE + 8], cls[4 * MAX_CLASS + 1];
	uint8_t scores[PROC_MAX_POSITIONS];
	struct fpset all = { 0 };
	int rc;
	if (!im->nsplit)
		return 0;
	if ((rc = spool_rewind(im->sp)))
		return rc;
	im->last_touched = -1;
	while ((rc = unstage(im, &h, code, cls, scores)) == 1) {
		if (!touch(im, h.proc, h.school)->split)
			continue;
		uint64_t fp = fingerprint(h.proc, h.school, code, h.codelen);
		if (!fpset_add(&all, fp))
			hmap_put(&im->suspects, (const char *)&fp, sizeof fp, 1);
	}
	free(all.v);
	im->last_touched = -1;
	return rc;
}

/* Reports the staged rows that repeat a code (see fpset above): the suspects' exact keys
 * are compared, the first row of each key is kept and every later one reported. */
static int dup_verify(struct imp *im)
{
	char pw[200]; /* proc_words() */
	struct rec h;
	char code[MAX_CODE + 8], cls[4 * MAX_CLASS + 1], col[128], key[64];
	uint8_t scores[PROC_MAX_POSITIONS];
	struct hmap exact;
	int rc;
	if ((rc = split_suspects(im)))
		return rc;
	if (!im->suspects.count)
		return 0;
	if ((rc = spool_rewind(im->sp)))
		return rc;
	hmap_init(&exact);
	field_col(im, LF_CODE, col, sizeof col);
	while ((rc = unstage(im, &h, code, cls, scores)) == 1) {
		uint64_t fp = fingerprint(h.proc, h.school, code, h.codelen);
		int64_t first;
		if (!hmap_get(&im->suspects, (const char *)&fp, sizeof fp, &first))
			continue;
		int n = snprintf(key, sizeof key, "%d:%d:%s", h.proc, (int)h.school, code);
		if (!hmap_get(&exact, key, (size_t)n, &first)) { /* the key's first row: kept */
			hmap_put(&exact, key, (size_t)n, h.row);
			continue;
		}
		report(im, R_DUPLICATE, h.row, col, code,
		       "код участника уже встречался выше в этой школе по процедуре %s (строка %lld)",
		       proc_words(&im->procs[h.proc]->p, pw, sizeof pw), (long long)first);
		im->st->rejected++;
	}
	hmap_free(&exact);
	return rc;
}

/* Counts the replaced results of one school from an earlier upload, described once. */
static int note_source(struct imp *im, int64_t upload_id, long rows)
{
	struct replaced_src *x = NULL;
	for (size_t i = 0; i < im->nrsrc && !x; i++)
		if (im->rsrc[i].upload_id == upload_id)
			x = &im->rsrc[i];
	if (!x) {
		im->rsrc = xgrow(im->rsrc, &im->cap_rsrc, im->nrsrc + 1, sizeof *im->rsrc);
		x = &im->rsrc[im->nrsrc++];
		memset(x, 0, sizeof *x);
		x->upload_id = upload_id;
		if (!upload_id || result_upload_get(im->d, upload_id, x->file, sizeof x->file, x->at,
						   sizeof x->at, x->user, sizeof x->user))
			snprintf(x->file, sizeof x->file, "%s", "без записи о загрузке");
	}
	x->rows += rows;
	x->schools++;
	return 0;
}

/* Replaces the results with the staged rows (inside the transaction). */
static int store_rows(struct imp *im)
{
	char pw[200]; /* proc_words() */
	struct import_stats *st = im->st;
	struct rec h;
	char code[MAX_CODE + 8], cls[4 * MAX_CLASS + 1], col[128];
	uint8_t scores[PROC_MAX_POSITIONS];
	long done = 0;
	int rc;
	if ((rc = spool_rewind(im->sp)))
		return rc;
	for (int i = 0; i < im->nprocs; i++)
		if (im->procs[i]->w)
			result_writer_fix(im->procs[i]->w, st->upload_id, im->procs[i]->exam_marks,
					  im->procs[i]->test_scores);
	if (!im->o->merge) {
		/* A school's earlier results go before its new ones are stored: all of them
		 * first, in the order of each school and procedure's first staged row, as the
		 * rows come back (what goes is named: the upload that stored them). Then the connection serves the inserts
		 * alone, so each batch is stored on a thread of its own while the next is read
		 * back and gathered (result_writer_overlap). */
		for (size_t i = 0; i < im->ntouched; i++) {
			struct touched *t = &im->touched[i];
			struct proc_state *ps = im->procs[t->proc];
			int64_t school = im->fs[t->school].id, n = 0, from = 0;
			if ((rc = result_writer_delete_school(ps->w, school, &n)) ||
			    (n && (rc = result_latest_upload(im->d, ps->p.id, school, &from))) ||
			    (n && (rc = note_source(im, from, (long)n))))
				return rc;
			t->replaced = n;
		}
		for (int i = 0; i < im->nprocs; i++)
			if (im->procs[i]->w)
				result_writer_overlap(im->procs[i]->w);
	}
	im->last_touched = -1;
	while ((rc = unstage(im, &h, code, cls, scores)) == 1) {
		struct proc_state *ps = im->procs[h.proc];
		struct touched *t = touch(im, h.proc, h.school);
		int64_t school = im->fs[h.school].id;
		int64_t n = 0;
		if (im->o->merge) {
			if ((rc = result_writer_delete_code(ps->w, school, code, &n)))
				return rc;
			t->replaced += n;
		}
		if (h.flags & REC_CLEAR)
			continue;
		struct result r = {
			.school_id = school, .code = code, .class_name = h.classlen ? cls : NULL,
			.gender = h.flags & REC_MALE ? "м" : h.flags & REC_FEMALE ? "ж" : NULL,
			.variant = h.variant, .journal_mark = h.journal, .exam_mark = h.exam_mark,
			.test_score = h.test_score, .has_test_score = h.test_score != TEST_NONE,
			.absent = (h.flags & REC_ABSENT) != 0, .stated_total = h.stated_total,
			.problems = h.problems, .upload_id = st->upload_id, .npos = h.npos,
		};
		if (r.npos > ps->p.npos)
			r.npos = ps->p.npos; /* an inferred procedure ends at the last filled column */
		memcpy(r.scores, scores, (size_t)r.npos);
		rc = result_writer_put(ps->w, &r);
		if (rc == ERR_EXISTS) {
			field_col(im, LF_CODE, col, sizeof col);
			report(im, R_DUPLICATE, h.row, col, code,
			       "код участника уже встречался выше в этой школе по процедуре %s",
			       proc_words(&ps->p, pw, sizeof pw));
			st->rejected++;
			continue;
		}
		if (rc) {
			report(im, R_SCHOOL, h.row, NULL, code, "результат не сохранён: %s",
			       db_errmsg(im->d));
			return rc;
		}
		if (im->o->progress && ++done % 65536 == 0)
			im->o->progress(im->o->progress_ctx, (uint64_t)done, (uint64_t)im->nrecs, st->rows);
	}
	return rc;
}

/* ---- the report ---- */

static void summarise(struct imp *im, bool stored, bool refused)
{
	struct import_stats *st = im->st;
	/* Before the store has counted them, the replacement is what would go. */
	st->replacing = st->replaced;
	if (!st->replacing)
		for (size_t i = 0; i < im->nrsrc; i++)
			st->replacing += im->rsrc[i].rows;
	struct hmap schools, with_works;
	hmap_init(&schools);
	hmap_init(&with_works);
	for (size_t i = 0; i < im->ntouched; i++) {
		char key[24];
		int n = snprintf(key, sizeof key, "%d", (int)im->touched[i].school);
		hmap_put(&schools, key, (size_t)n, 1);
		if (im->touched[i].written)
			hmap_put(&with_works, key, (size_t)n, 1);
	}
	st->schools = (long)schools.count;
	st->schools_written = (long)with_works.count;
	hmap_free(&schools);
	hmap_free(&with_works);
	char *p = st->summary;
	size_t left = sizeof st->summary;
	int n = snprintf(p, left, "макет: %s; строк: %ld, писали работу: %ld, отсутствовали: %ld, "
				  "школ: %ld (с работами: %ld)",
			 layout_title(im->map.kind), st->rows, st->written, st->absent, st->schools,
			 st->schools_written);
	for (int i = 0; i < im->nprocs && n > 0 && (size_t)n < left; i++) {
		p += n;
		left -= (size_t)n;
		/* By its title and year, the code after it for whoever types it in a command. */
		const struct procedure *q = &im->procs[i]->p;
		char t[160];
		if (procedure_title_of(q->code, q->subject, q->grade, t, sizeof t))
			n = snprintf(p, left, "%s %s, %d (%s)", i ? "," : "; процедура", t, q->year, q->code);
		else
			n = snprintf(p, left, "%s %s", i ? "," : "; процедура", q->code);
	}
	if (n > 0 && (size_t)n < left) {
		p += n;
		left -= (size_t)n;
		long replaced = st->replacing;
		if (refused) /* what a stored file would have marked or replaced is moot */
			n = snprintf(p, left, "\nфайл отклонён: ничего не сохранено");
		else
			n = snprintf(p, left, "\n%s: %ld %s с отмеченными проблемами, %s прежних результатов: "
					      "%ld, новых школ: %ld",
				     stored ? "сохранено" : "проверено (ничего не сохранено)", st->marked,
				     str_plural(st->marked, "строка", "строки", "строк"),
				     stored ? "заменено" : "было бы заменено", replaced, st->created);
	}
	for (size_t i = 0; !refused && i < im->nrsrc && n > 0 && (size_t)n < left; i++) {
		const struct replaced_src *x = &im->rsrc[i];
		char when[RU_NUM_MAX] = "";
		if (strlen(x->at) >= 16) /* "2022-03-09T08:03:00Z" → "09.03.2022 11:03", local */
			ru_moment(when, sizeof when, x->at);
		p += n;
		left -= (size_t)n;
		n = snprintf(p, left, "\n  %s результатов: %ld (школ: %ld) из загрузки «%s»%s%s%s%s",
			     stored ? "заменено" : "будет заменено", x->rows, x->schools, x->file,
			     *when ? " от " : "", when, *x->user ? ", загрузил " : "", x->user);
	}
	if (st->skipped && n > 0 && (size_t)n < left) {
		p += n;
		left -= (size_t)n;
		n = snprintf(p, left, "\nпропущено строк только с кодом участника, без результата "
				      "и без отметки об отсутствии: %ld", st->skipped);
	}
	for (int r = 0; r < R_NRULES && n > 0 && (size_t)n < left; r++) {
		if (!im->rule_count[r])
			continue;
		p += n;
		left -= (size_t)n;
		/* The rule by its Russian title: the code is for --report's CSV and the tests. A
		 * title's «(…)» says what is kept when the row is kept: not when it rejects. A
		 * check alone stores nothing: its rows would be stored. */
		const char *t = rules[r].title, *paren = rejects(im->o, r) ? strstr(t, " (") : NULL;
		n = snprintf(p, left, "\n  %.*s: %ld — %s", paren ? (int)(paren - t) : (int)strlen(t), t,
			     im->rule_count[r],
			     rejects(im->o, r)	 ? "файл отклоняется"
			     : im->o->dry_run ? "строка будет сохранена с отметкой"
					      : "строка сохранена с отметкой");
	}
}

/* Takes the known schools of the file for writing before their results are read or
 * replaced (see upload_lock_schools): on PostgreSQL, two uploads for one school at the
 * same moment store one after the other as on SQLite, the second replacing (or asking to
 * replace) what the first stored instead of running into its rows. A school new to the
 * registry is taken by the store_schools upsert that creates it. A lock the driver gave up
 * waiting for (ERR_BUSY: PostgreSQL's lock_timeout) is asked for again, within the same
 * wait as the write lock's; the rows already taken stay taken (the failed statement alone
 * was undone), so asking again is asking for the rest. */
static int lock_schools(struct imp *im)
{
	int64_t *ids = xcalloc(im->nfs + 1, sizeof *ids);
	size_t n = 0;
	int rc;
	for (size_t i = 0; i < im->nfs; i++)
		if (im->fs[i].id)
			ids[n++] = im->fs[i].id;
	while ((rc = upload_lock_schools(im->d, ids, n)) == ERR_BUSY && may_wait(im))
		;
	free(ids);
	return rc;
}

/* Stores what the result writers still hold (SQLite batches rows, PostgreSQL streams them
 * by COPY) and frees them: a failure (a repeated participant) is named once. After this,
 * every row of the file is in the result table — history_end counts a merged school's
 * holding there. */
static int close_writers(struct imp *im, int rc)
{
	for (int i = 0; i < im->nprocs; i++) {
		int e = result_writer_close(im->procs[i]->w);
		im->procs[i]->w = NULL;
		if (!rc && e) {
			rc = e;
			diag_add(im->diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "store",
				 "не удалось сохранить результаты: %s", db_errmsg(im->d));
		}
	}
	return rc;
}

/* The store: the second pass, under the write lock. rc 0 leaves the transaction open for
 * the caller to commit or roll back. */
static int store(struct imp *im)
{
	int rc;
	if ((rc = lock_schools(im)) || (rc = store_procedures(im)) || (rc = store_schools(im)) ||
	    (rc = history_begin(im)) || (rc = store_rows(im)) || (rc = close_writers(im, 0)))
		return rc;
	if (diag_errors(im->diags))
		return ERR_INVALID;
	if (im->nrsrc && im->o->ask_replace)
		return ERR_CONFIRM; /* the caller asks a person, then imports again without */
	if ((rc = history_end(im)))
		return rc;
	if (im->o->audit_action) {
		summarise(im, !im->o->dry_run, false);
		rc = audit_add(im->d, im->o->audit_user, NULL, im->o->audit_action, im->name,
			       im->st->summary, im->o->audit_ip);
	}
	return rc;
}

/* ---- where the time goes (OKO_LOG=debug) ---- */

enum { PH_START, PH_CHECKED, PH_LOCKED, PH_STORED, PH_DONE, PH_N };

struct phases {
	double wall[PH_N], cpu[PH_N]; /* seconds at each mark: monotonic, process CPU */
};

static void phase(struct phases *p, int k)
{
	struct timespec t;
	struct rusage u;
	clock_gettime(CLOCK_MONOTONIC, &t);
	getrusage(RUSAGE_SELF, &u);
	p->wall[k] = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
	p->cpu[k] = (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
		    (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* One debug line: each phase's wall and CPU seconds (CPU counts both threads of the read). */
static void phases_log(const struct phases *p, long rows)
{
	static const char *const name[PH_N] = { "", "чтение и проверка", "ожидание блокировки",
						"запись", "фиксация" };
	char line[512];
	int n = snprintf(line, sizeof line, "импорт результатов, строк: %ld", rows);
	for (int k = 1; k < PH_N && n > 0 && (size_t)n < sizeof line; k++) {
		if (p->wall[k] == 0 || p->wall[k - 1] == 0)
			break;
		char w[RU_NUM_MAX], c[RU_NUM_MAX];
		ru_num(w, sizeof w, p->wall[k] - p->wall[k - 1], 3);
		ru_num(c, sizeof c, p->cpu[k] - p->cpu[k - 1], 3);
		n += snprintf(line + n, sizeof line - (size_t)n, "; %s %s с (ЦП %s с)", name[k], w, c);
	}
	log_debug("%s", line);
}

/* Both entry points: a file at path (or in o->data), or rows (path is then only a name). */
static int run(struct db *d, const char *path, const struct import_rows *rows,
	       const struct import_opts *o, struct diag_list *diags, struct import_stats *st)
{
	struct imp *im = xcalloc(1, sizeof *im);
	struct phases ph = { 0 };
	char msg[512] = "", dir[4096];
	bool began = false;
	int rc;
	memset(st, 0, sizeof *st);
	im->d = d;
	im->path = path;
	im->rows = rows;
	if (!rows)
		im->in = import_input(path, o);
	im->name = o->name && *o->name ? o->name : path;
	im->o = o;
	im->diags = diags;
	im->st = st;
	im->fixed_proc = -1;
	im->last_touched = -1;
	im->last_school = -1;
	hmap_init(&im->schools);
	hmap_init(&im->school_mun);
	hmap_init(&im->fs_idx);
	hmap_init(&im->refused);
	hmap_init(&im->touched_idx);
	hmap_init(&im->suspects);
	if (sodium_init() < 0) {
		rc = ERR_INVALID;
		goto out;
	}
	db_directory(d, dir, sizeof dir);
	if ((rc = spool_open(&im->sp, *dir ? dir : NULL))) {
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "spool",
			 "не удалось создать промежуточный файл в каталоге базы данных %s", dir);
		goto out;
	}
	/* A form keeps the results on its «Протокол» sheet. */
	char **sheets = NULL;
	size_t nsheets = 0;
	const char *sheet = NULL;
	if (!rows && (rc = table_sheets(&im->in, &sheets, &nsheets, msg, sizeof msg))) {
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "read", "%s", msg);
		goto out;
	}
	for (size_t i = 0; i < nsheets; i++) {
		if (str_fold_eq(sheets[i], "Протокол"))
			sheet = "Протокол";
		free(sheets[i]);
	}
	free(sheets);

	/* First pass: read and validate, no lock held. */
	phase(&ph, PH_START);
	im->index_version = db_content_version(d);
	if ((rc = registry_school_index(d, &im->schools)))
		goto out;
	rc = rows ? read_rows(im) : table_read_threaded(&im->in, sheet, any_row, im, &im->src, msg,
							 sizeof msg);
	if (rc < 0 && *msg)
		diag_add(diags, DIAG_ERROR, im->name, im->src.sheet, 0, NULL, NULL, "read", "%s", msg);
	if (rc == 0 && !im->have_header) {
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "empty",
			 "файл пуст: нет ни строки заголовков, ни данных");
		rc = ERR_INVALID;
	}
	if (rc == 0 && st->rows == 0) {
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "empty",
			 "в файле есть заголовки, но нет ни одной строки с результатами");
		rc = ERR_INVALID;
	}
	free(im->run.v);
	im->run = (struct fpset){ 0 };
	finish_inferred(im);
	check_columns(im);
	/* Repeated codes are reported with the other problems, also when reading stopped. */
	int vrc = dup_verify(im);
	if (rc == 0)
		rc = vrc;
	if (rc == 0 && diag_errors(diags))
		rc = ERR_INVALID;
	if (o->progress)
		o->progress(o->progress_ctx, im->src.bytes_total, im->src.bytes_total, st->rows);
	if (rc)
		goto out;
	phase(&ph, PH_CHECKED);

	/* Second pass: store under the write lock. */
	if (!rows)
		digest_start(im);
	if ((rc = store_begin(im))) {
		if (rc == ERR_BUSY)
			diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "busy",
				 "база данных занята другой загрузкой дольше минуты: файл проверен, но "
				 "не сохранён; повторите загрузку немного позже");
		goto out;
	}
	began = true;
	phase(&ph, PH_LOCKED);
	rc = store(im);
	if (rc == ERR_BUSY)
		diag_add(diags, DIAG_ERROR, im->name, NULL, 0, NULL, NULL, "busy",
			 "результаты этих школ сейчас сохраняет другая загрузка, дольше, чем можно "
			 "ждать: файл проверен, но не сохранён; повторите загрузку немного позже");
out:
	rc = close_writers(im, rc);
	if (began) {
		phase(&ph, PH_STORED);
		if (rc == 0 && !o->dry_run) {
			if ((rc = db_commit(d)))
				db_rollback(d);
		} else {
			db_rollback(d);
		}
		phase(&ph, PH_DONE);
	}
	phases_log(&ph, st->rows);
	if (im->digesting)
		digest_join(im);
	if (im->have_header)
		summarise(im, rc == 0 && !o->dry_run, rc != 0 && rc != ERR_CONFIRM);
	for (int i = 0; i < im->nprocs; i++)
		free(im->procs[i]);
	for (size_t i = 0; i < im->nfs; i++) {
		free(im->fs[i].login);
		free(im->fs[i].name);
		free(im->fs[i].municipality);
		free(im->fs[i].region);
	}
	free(im->fs);
	spool_close(im->sp);
	hmap_free(&im->schools);
	hmap_free(&im->school_mun);
	hmap_free(&im->fs_idx);
	hmap_free(&im->refused);
	hmap_free(&im->touched_idx);
	hmap_free(&im->suspects);
	free(im->run.v);
	free(im->touched);
	free(im->rsrc);
	free(im);
	return rc;
}

int import_results(struct db *d, const char *path, const struct import_opts *o,
		   struct diag_list *diags, struct import_stats *st)
{
	return run(d, path, NULL, o, diags, st);
}

int import_results_rows(struct db *d, const char *name, const struct import_rows *rows,
			const struct import_opts *o, struct diag_list *diags, struct import_stats *st)
{
	return run(d, name, rows, o, diags, st);
}
