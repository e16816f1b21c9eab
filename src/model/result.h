/* result: participants and their results, stored compactly.
 *
 * One row per (procedure, participant). The points of all positions are one byte each in a
 * blob (index = position index of the procedure): 0..PROC_MAX_POINTS are points,
 * SCORE_X marks a position not attempted ('X' on the form), SCORE_NOT_TAUGHT one whose
 * topic was not taught ("не пройд."), SCORE_EMPTY a cell left empty; all count as 0. 30 million works × 20 positions fit in well under 1 GB this way and
 * load with one range scan per procedure. Problems found at import are kept per row as a
 * bit set so the analytics can include or exclude such rows knowingly. */
#ifndef OKO_RESULT_H
#define OKO_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "db/db.h"
#include "model/procedure.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
	SCORE_X = 255,         /* not attempted ("X"/"Х"): a fact, counts as 0 */
	SCORE_EMPTY = 254,     /* the cell was empty or unreadable: counts as 0 */
	SCORE_NOT_TAUGHT = 253, /* "не пройд.": the topic was not taught yet; counts as 0 */
};

/* Row problems kept with a stored result (result.problems). */
enum result_problem {
	RP_TOTAL_MISMATCH = 1 << 0, /* the file's total differs from the sum of positions */
	RP_TOTAL_OVER_MAX = 1 << 1, /* the file's total exceeds the procedure's maximum */
	RP_JOURNAL_INVALID = 1 << 2, /* journal mark not 2..5 (e.g. "ж"); stored as none */
	RP_SCORES_MISSING = 1 << 3,  /* a participant who wrote has empty position cells */
	RP_NOT_PASSED = 1 << 4,      /* "не пройд.": the work was not passed/checked */
	RP_VARIANT_UNKNOWN = 1 << 5, /* variant missing */
	RP_CELL_INVALID = 1 << 6,    /* a position cell was unreadable; stored as empty */
	RP_ABSENT_WITH_SCORES = 1 << 7, /* marked absent but had points; stored as absent */
	RP_SCORE_OVER_MAX = 1 << 8,  /* a position's points exceed its maximum; kept as written */
	RP_SCORE_RANGE = 1 << 9,     /* a cell negative or above 200: stored as empty, the row's
					score unreliable (left out of the score-based signs) */
	RP_PARTIAL = 1 << 10,        /* a two-part work with one part not written (left out of
					the signs that need the whole work) */
	RP_EXTRA_CELLS = 1 << 11,    /* values past the procedure's last position (a shifted row):
					dropped, the row left out of the score-based signs */
	RP_MARK_SCALE = 1 << 12,     /* the stated exam mark differs from the procedure's scale
					(kept as stated) */
	RP_GENDER_INVALID = 1 << 13, /* gender not м/ж (e.g. "x"); stored as none */
};

struct result {
	int64_t school_id;
	const char *code;       /* participant code, unique in the school for the year */
	const char *class_name; /* NULL when unknown */
	const char *gender;     /* "м", "ж" or NULL */
	int variant;            /* 0 when unknown */
	int journal_mark;       /* 2..5, or 0 when none (ОГЭ, ГВЭ, ЕГЭ: the annual mark) */
	int exam_mark;          /* the mark the file stated (ОГЭ, ГВЭ…), 2..5, or 0 when none */
	int test_score;         /* the 100-point test score (ЕГЭ), 0..100, when has_test_score */
	bool has_test_score;    /* false (a zeroed struct) when the file stated none */
	bool absent;
	int stated_total;       /* the file's total, or -1 when the file had none */
	unsigned problems;      /* enum result_problem bits */
	int64_t upload_id;      /* the upload that stored it, or 0 */
	int npos;
	uint8_t scores[PROC_MAX_POSITIONS];
};

/* Sum of the points; SCORE_X and SCORE_EMPTY count as 0. */
int result_primary_score(const struct result *r);

/* A writer for many results of one procedure (use inside a transaction): db_copy, so
 * PostgreSQL gets them by COPY, SQLite by one INSERT a batch of 256. */
struct result_writer;
int result_writer_open(struct db *d, int64_t procedure_id, struct result_writer **out);
/* Inserts the result of participant r->code of school r->school_id. A result already
 * stored for the same participant fails with ERR_EXISTS (delete a school's results first
 * to replace them) — when its batch is stored: by this or a later put, or by the close,
 * so the row a failing put names need not be the repeated one (the importer finds
 * repeated codes before it stores). */
int result_writer_put(struct result_writer *w, const struct result *r);
/* Before the first put: every result w will put has upload_id (0: none), and none has an
 * exam mark unless exam_marks nor a test score unless test_scores. Those columns are then
 * fixed for the whole load (db_copy_fix_*: on SQLite a column call less a row for each),
 * and a put that breaks the promise fails (ERR_INVALID). */
void result_writer_fix(struct result_writer *w, int64_t upload_id, bool exam_marks,
		       bool test_scores);
/* From the first put on, each batch is stored on a thread of its own while the next is
 * gathered (db_copy_overlap): after this the caller does nothing else on the connection
 * until every overlapped writer of it is closed — its deletes come first. */
void result_writer_overlap(struct result_writer *w);
/* Stores what is left and frees w. Its result counts: on PostgreSQL the results travel by
 * COPY, and a duplicate participant may be found only here (or by the next statement on the
 * connection) — the caller rolls back on any failure. */
int result_writer_close(struct result_writer *w);
/* Deletes a school's results for the writer's procedure (before storing a corrected
 * upload); *n gets how many. */
int result_writer_delete_school(struct result_writer *w, int64_t school_id, int64_t *n);
/* The upload that last stored a school's results for a procedure (what a replacement
 * replaces: an upload replaces a school's results whole), or 0 when none is recorded. One
 * seek on upload_school's index, cheap enough to ask for every school of a big file. */
int result_latest_upload(struct db *d, int64_t procedure_id, int64_t school_id, int64_t *upload_id);

/* Deletes one participant's result for the writer's procedure, if stored; *n gets 0 or 1. */
int result_writer_delete_code(struct result_writer *w, int64_t school_id, const char *code,
			      int64_t *n);
/* An upload as the history records it: file name, time (UTC, "YYYY-MM-DDTHH:MM:SSZ") and
 * user, copied into the buffers; ERR_NOTFOUND when there is no such upload. */
int result_upload_get(struct db *d, int64_t upload_id, char *file, size_t nfile, char *at,
		      size_t nat, char *user, size_t nuser);
/* How many results a school holds for a procedure, and of them how many were written. */
int result_count_school(struct db *d, int64_t procedure_id, int64_t school_id, long *rows,
			long *written);

/* A stored result as read back, with the school's login and the participant's code. */
struct result_view {
	const char *school;     /* login */
	const char *code;
	const char *class_name; /* "" when unknown */
	const char *gender;     /* "м", "ж" or "" */
	int variant;            /* 0 when unknown */
	int journal_mark;       /* 0 when none */
	int exam_mark;          /* the stated mark 2..5, 0 when none */
	int test_score;         /* 0..100, -1 when none */
	bool absent;
	int primary_score;      /* -1 when absent */
	int stated_total;       /* -1 when the file had none */
	unsigned problems;
	int npos;
	const uint8_t *scores;  /* npos bytes; valid during the callback only */
};

typedef int (*result_fn)(void *ctx, const struct result_view *r);
/* Calls fn for every result of a procedure, ordered by school login and participant code.
 * A non-zero return from fn stops and is returned. */
int result_each(struct db *d, int64_t procedure_id, result_fn fn, void *ctx);
/* Whether any result of a procedure has a stated exam mark (*marks) or a test score
 * (*scores): what `oko export` writes only when there are some. */
int result_exam_columns(struct db *d, int64_t procedure_id, bool *marks, bool *scores);

/* ---- The range scan: the one reader of the score blob ----
 *
 * result_scan_open() reads one procedure's results in one range scan of the result table
 * (clustered by procedure and school): all of them, or one school's. Each result_scan_next()
 * fills a struct result_row whose strings and cells point into the statement (zero-copy:
 * valid until the next call). cells are the stored bytes of model/result.h, one per
 * position; result_cell_points() says what a byte is worth, result_cells_clip() turns a row
 * into the column form of the statistics. Only this scan and the writer above know the
 * blob. Access control is the caller's. */

enum result_scan_flags {
	RESULT_SCAN_FULL = 1 << 0,  /* also code, gender, variant, stated total, test score (the
				       analysis loader needs none of them: a narrower, faster
				       row) */
	RESULT_SCAN_BY_CLASS = 1 << 1, /* ordered by class (none first), then code (by length,
					  then text); otherwise by school, then code */
};

struct result_row {
	int64_t school_id;
	const char *code;       /* RESULT_SCAN_FULL only, else "" */
	const char *class_name; /* "" when unknown */
	const char *gender;     /* "м", "ж" or "" (RESULT_SCAN_FULL only) */
	int variant;            /* 0 when unknown (RESULT_SCAN_FULL only) */
	int journal_mark;       /* as stored: 2..5, or 0 when none */
	int exam_mark;          /* the stated exam mark 2..5, or 0 when none */
	int test_score;         /* 0..100, or -1 when none (RESULT_SCAN_FULL only) */
	bool absent;            /* marked absent */
	bool scored;            /* a primary score is stored (never for an absent row) */
	int primary_score;      /* -1 when none */
	int stated_total;       /* -1 when none (RESULT_SCAN_FULL only) */
	unsigned problems;      /* enum result_problem bits */
	int ncells;             /* bytes in cells: the procedure's positions, 0 when none stored */
	const uint8_t *cells;   /* the stored bytes, NULL when none; absent rows have none */
};

struct result_scan;
/* Opens a scan of procedure_id's results; school_id > 0 limits it to that school. */
int result_scan_open(struct db *d, int64_t procedure_id, int64_t school_id, unsigned flags,
		     struct result_scan **out);
/* 1 with *row filled, 0 at the end, or a negative ERR_*. */
int result_scan_next(struct result_scan *s, struct result_row *row);
void result_scan_close(struct result_scan *s);
/* Every result of procedure_id in the narrow form (no RESULT_SCAN_FULL column), by school
 * (ascending) then code, handed to fn (the row is valid during the call only); fn returns 0 to go on or
 * a negative ERR_* code to stop, which is returned; 0 at the end. The analysis loader's read
 * of a million rows a second: no call through the engine's API a column (db_each), and on
 * PostgreSQL the rows as the server sends them (db_stream). */
int result_scan_each(struct db *d, int64_t procedure_id,
		     int (*fn)(void *ctx, const struct result_row *row), void *ctx);

/* A cell's points: 0..PROC_MAX_POINTS, or -1 for no points (X, empty, «не пройд.»), which
 * count 0 in every total. */
static inline int result_cell_points(uint8_t v)
{
	return v <= PROC_MAX_POINTS ? v : -1;
}

/* A cell in the form's words: its points as digits (written into buf), "X", "не пройд.",
 * or "" for an empty cell. What the grid shows and `oko export` writes. */
static inline const char *result_cell_text(uint8_t v, char buf[4])
{
	if (v == SCORE_X)
		return "X";
	if (v == SCORE_NOT_TAUGHT)
		return "не пройд.";
	if (v > PROC_MAX_POINTS)
		return "";
	int n = 0;
	if (v >= 100)
		buf[n++] = (char)('0' + v / 100);
	if (v >= 10)
		buf[n++] = (char)('0' + v / 10 % 10);
	buf[n++] = (char)('0' + v % 10);
	buf[n] = 0;
	return buf;
}

/* A row's cells in the statistics' form (stats/proc.h, with none = STAT_POS_EMPTY): n bytes
 * into out. Points within pos_max[k], SCORE_X and SCORE_EMPTY are copied as they are (the
 * statistics' X and empty have the same values); «не пройд.» becomes `none` (counted in
 * *not_taught), and so do points above pos_max[k] — an unreadable cell: the return value is
 * true when the row had one. */
static inline bool result_cells_clip(const uint8_t *cells, int n, const int *pos_max, uint8_t none,
				     uint8_t *out, uint64_t *not_taught)
{
	/* Without branches: the loader runs this for every cell of a national database, and
	 * the two branches a cell were two thirds of its own time (perf, 30 M works). */
	int over = 0;
	uint64_t nt = 0;
	for (int k = 0; k < n; k++) {
		uint8_t v = cells[k];
		int taught_not = v == SCORE_NOT_TAUGHT;
		int above = (v < SCORE_NOT_TAUGHT) & (v > pos_max[k]);
		nt += (uint64_t)taught_not;
		over |= above;
		out[k] = (taught_not | above) ? none : v;
	}
	*not_taught += nt;
	return over != 0;
}

/* result_cells_clip for every row of a procedure, 16 cells at a time (SSE2 where the
 * compiler has it, every x86-64; result_cells_clip elsewhere): the same bytes, counts and
 * answer. result_clip_init prepares the positions' maxima once (n <= PROC_MAX_POSITIONS);
 * a maximum below 0 makes every row take result_cells_clip. */
#define RESULT_CLIP_BYTES (PROC_MAX_POSITIONS + 16)
struct result_clip {
	int n, nblk;
	bool plain;                   /* a maximum below 0: result_cells_clip */
	const int *pos_max;           /* the caller's, for the plain path */
	uint8_t lim[RESULT_CLIP_BYTES]; /* min(max, SCORE_NOT_TAUGHT - 1), 255 past the row */
};

static inline void result_clip_init(struct result_clip *c, const int *pos_max, int n)
{
	memset(c, 0, sizeof *c);
	c->n = n;
	c->nblk = (n + 15) / 16;
	c->pos_max = pos_max;
	memset(c->lim, 255, sizeof c->lim);
	for (int k = 0; k < n; k++) {
		if (pos_max[k] < 0)
			c->plain = true;
		c->lim[k] = (uint8_t)(pos_max[k] < SCORE_NOT_TAUGHT - 1 ? pos_max[k]
									: SCORE_NOT_TAUGHT - 1);
	}
}

#if defined(__SSE2__)
/* The set bits of a 16-bit mask, without a call: x86-64's baseline has no popcnt
 * instruction, and __builtin_popcount is a call into libgcc there. */
static inline unsigned result_bits16(unsigned v)
{
	v = v - ((v >> 1) & 0x5555u);
	v = (v & 0x3333u) + ((v >> 2) & 0x3333u);
	v = (v + (v >> 4)) & 0x0f0fu;
	return (v + (v >> 8)) & 0x1fu;
}

/* One block of 16 cells at src with their limits at lim into dst; the lanes in `lanes`
 * count: their cells above the limit set *over, their «не пройд.» add to *nt. */
static inline void result_clip_block(const uint8_t *src, const uint8_t *lim, uint8_t none,
				     unsigned lanes, uint8_t *dst, unsigned *over, unsigned *nt)
{
	const __m128i top = _mm_set1_epi8((char)(SCORE_NOT_TAUGHT - 1)),
		      nt_v = _mm_set1_epi8((char)SCORE_NOT_TAUGHT), zero = _mm_setzero_si128(),
		      fill = _mm_set1_epi8((char)none);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)src);
	__m128i l = _mm_loadu_si128((const __m128i *)(const void *)lim);
	/* above: lim < v <= SCORE_NOT_TAUGHT - 1 (lim is 255 past the row) */
	__m128i above = _mm_andnot_si128(_mm_cmpeq_epi8(_mm_subs_epu8(v, l), zero),
					 _mm_cmpeq_epi8(_mm_subs_epu8(v, top), zero));
	__m128i taught = _mm_cmpeq_epi8(v, nt_v);
	__m128i repl = _mm_or_si128(above, taught);
	__m128i r = _mm_or_si128(_mm_and_si128(repl, fill), _mm_andnot_si128(repl, v));
	*over |= (unsigned)_mm_movemask_epi8(above) & lanes;
	unsigned t = (unsigned)_mm_movemask_epi8(taught) & lanes;
	if (t) /* rare: most rows have no «не пройд.» */
		*nt += result_bits16(t);
	_mm_storeu_si128((__m128i *)(void *)dst, r);
}
#endif

static inline bool result_clip_row(const struct result_clip *c, const uint8_t *cells, uint8_t none,
				   uint8_t *out, uint64_t *not_taught)
{
#if defined(__SSE2__)
	if (c->plain)
		return result_cells_clip(cells, c->n, c->pos_max, none, out, not_taught);
	unsigned over = 0, nt = 0;
	int n = c->n, whole = n / 16, m = n % 16;
	for (int b = 0; b < whole; b++)
		result_clip_block(cells + 16 * b, c->lim + 16 * b, none, 0xffffu, out + 16 * b, &over,
				  &nt);
	if (m && n >= 16) {
		/* The last partial block as the 16 cells that end the row: its first 16 - m
		 * cells again (the same bytes written over themselves), only its last m counted. */
		result_clip_block(cells + n - 16, c->lim + n - 16, none, 0xffffu & ~((1u << (16 - m)) - 1),
				  out + n - 16, &over, &nt);
	} else if (m) {
		/* A row shorter than a block, through buffers (the row's bytes may end a buffer,
		 * and out's next bytes may be another row's). */
		uint8_t in[16], res[16];
		memset(in, 0, sizeof in);
		memcpy(in, cells, (size_t)m);
		result_clip_block(in, c->lim, none, (1u << m) - 1, res, &over, &nt);
		memcpy(out, res, (size_t)m);
	}
	*not_taught += nt;
	return over != 0;
#else
	return result_cells_clip(cells, c->n, c->pos_max, none, out, not_taught);
#endif
}

#endif
