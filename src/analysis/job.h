/* analysis/job: the state of one analysis run shared by its files — run.c (selection,
 * workers, the run), signs.c (the rows of signs.csv and the flags of a procedure) and
 * tables.c (the other outputs and the stored run's rows). Not a public interface: the
 * public one is analysis/analysis.h. */
#ifndef OKO_ANALYSIS_JOB_H
#define OKO_ANALYSIS_JOB_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/hmap.h"
#include "base/numfmt.h"
#include "io/table_write.h"
#include "model/load.h"
#include "model/run.h"
#include "model/teacher.h"
#include "stats/analyze.h"
#include "stats/recheck.h"

struct munrow;
struct flagrow;
struct tev;

/* One school's re-check figures in one procedure (analysis/recheck.c). */
struct arc_school {
	uint32_t school;        /* school index */
	struct rc_school f;
};

/* One procedure of the run. */
/* A school's count of one score too large for a byte of aproc.hist. */
#define HIST_BIG 255
struct hist_over {
	size_t school;
	uint32_t score, n;
};

struct aproc {
	struct load_procinfo info;
	bool report;            /* selected: written to the outputs */
	int col;                /* column of the official list, -1 for companions */
	int year_ix;            /* index into run.years, -1 for companions */
	/* Filled by a worker. */
	bool done;
	int rc;
	struct stat_analysis a;
	struct load_stats ls;
	bool has_pos, has_scale;
	int scale[3], max_score;
	/* Kept after the procedure's rows are written (for the pair signs). */
	struct stat_mean_school *mean;
	struct stat_marks_school *marks;
	/* Region row. */
	struct stat_mean_region mean_r;
	struct stat_bunch_est est[3];
	size_t schools, flag_mean, flag_journal, flag_rise, flag_drop, flag_share2, flag_any, own_any;
	int cohort_from;        /* index of the cohort predecessor, -1 */
	int share2_from;
	int dkr_from;           /* a ВПР's ДКР of the same subject and cohort (vpr_above_dkr), -1 */
	struct stat_cohort_region coh_r;
	/* Made by the worker from the analysis, consumed in order by the main thread. */
	struct buf csv;         /* the procedure's rows of signs.csv */
	char pre[128];          /* "login,code," of school pre_school's rows (pre_len 0: none) */
	size_t pre_len, pre_school;
	/* The sign names' and the statuses' lengths, measured at the procedure's first row
	 * (names_ready), so that a row copies its names without measuring them. */
	uint8_t sign_len[STAT_SIGN_COUNT], status_len[STAT_FLAG + 1];
	bool names_ready;
	/* Each sign's last threshold, p and q in signs.csv and their text: a sign's threshold
	 * is mostly one value and many q's are 1, so a row often repeats the one before. */
	struct num_memo {
		uint64_t bits; /* the value's bits */
		size_t len;    /* its text's length, 0: none yet */
		char s[NUMFMT_MAX];
	} memo[STAT_SIGN_COUNT][3];
	uint8_t *fl;            /* per school: 1 mean_inflated, 2 journal_mismatch flagged */
	uint8_t *ownc;          /* per school: own signs flagged */
	struct flagrow *flags;  /* flagged rows for sign_result (stored runs) */
	size_t nflags, flcap;
	struct stat_evidence *ev;
	size_t nev, evcap;
	struct munrow *mun;     /* [job.nmun]: excess mass per municipality (NULL: none) */
	/* Reported procedures: the schools with finished re-checked works, by school index
	 * (recheck.c; the worker fills them, the main thread stores them). */
	struct arc_school *rck;
	size_t nrck;
	/* Stored runs: the score distributions the evidence card draws, kept to the end (the
	 * card's procedure is known only after the risk). */
	uint8_t *hist;          /* [school * w]: works by primary score, NULL when not kept; one
				 * byte a score (a national run: 40,000 schools × 20 procedures ×
				 * ~35 scores), a count of 255 or more is HIST_BIG here and exact in
				 * over[] (rare: that many works of one school with one score) */
	struct hist_over *over;
	size_t nover, overcap;
	uint32_t *rhist;        /* [w]: the run's whole population */
	size_t w;               /* max_score + 1 */
	/* Teachers (teachers.c): the evidence of the procedure's assigned classes, made by
	 * the worker, moved to the job by the main thread. */
	struct tev *tev;
	size_t ntev, tevcap;
};

/* The excess mass of one municipality in one procedure (municipalities.csv). */
struct munrow {
	uint32_t works, schools;
	struct stat_bunch_est est[3];
};

struct job {
	const struct analysis_opts *o;
	struct db *d;
	struct load_schools sc;
	struct aproc *p;
	size_t np;
	struct stat_cfg cfg;
	/* Workers. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next, written;
	int worker_rc;
	/* Emptied signs.csv buffers handed back for the next procedures: a national
	 * procedure's rows are ~60 MB, and fresh memory costs a page fault per 4 KiB. */
	struct buf spare[4];
	size_t nspare;
	/* Per school. */
	uint32_t *official;     /* official flags over the run */
	uint32_t *own;          /* own-sign flags over the run */
	uint32_t *works;        /* written works in reported procedures */
	size_t ncols;           /* official list: reported procedures + cohort columns */
	char **colname;
	uint8_t *markers;       /* [school * ncols + col] */
	int years[64];          /* ascending */
	size_t nyears;
	uint8_t *yflag;         /* [school * nyears + year_ix] */
	uint8_t *pflag;         /* [school]: flagged in the current procedure (scratch) */
	struct stat_evidence *ev;
	size_t nev, evcap;
	/* Municipalities: index of each school's municipality (in mun_name order, by name). */
	uint32_t *mun_of;
	const char **mun_name;
	size_t nmun;
	/* Outputs. */
	struct file_out *signs; /* signs.csv, past the page cache: a gigabyte nationally */
	struct run_writer *store; /* NULL: the run is not stored */
	uint8_t *flagged_in;    /* stored runs: [school * np + procedure] a flag stored */
	/* Teachers (teachers.c): the assignments, "school\x1fprocedure\x1fclass" → teacher id
	 * (read-only while the workers run), and the evidence of every procedure. */
	struct teacher_assign *tassign;
	size_t tassigned;
	struct hmap tmap;
	bool tready;
	struct tev *tev;
	size_t ntev, tevcap;
	char *msg;
	size_t msglen;
};


/* ---- outputs (tables.c) ---- */

/* out_dir/NAME, or out_dir/.NAME.part; the caller frees it. */
char *analysis_out_path(const struct job *r, const char *name, bool part);
/* Renames every written output to its name (ok), or removes the parts (!ok). */
int analysis_outputs_finish(struct job *r, bool ok);
/* The run's municipalities in name order and each school's index among them. */
void analysis_municipalities_index(struct job *r);
int analysis_write_schools(struct job *r, const struct stat_risk_school *rk,
			   struct analysis_summary *sum);
int analysis_write_region(struct job *r, const struct stat_index *ix);
int analysis_write_municipalities(struct job *r);
int analysis_write_official(struct job *r);
/* Stored runs: the distributions of each school's card (tables.c). */
int analysis_store_histograms(struct job *r, const struct stat_risk_school *rk);

/* ---- signs.csv (signs.c) ---- */

/* The header line of signs.csv. */
int analysis_signs_header(struct file_out *f);
/* Every per-procedure sign of every school with works in p (a worker). */
int analysis_write_proc(struct job *r, struct aproc *p);
/* Cohort and share2 rows of a reported procedure b against its predecessors (main thread). */
int analysis_write_pairs(struct job *r, struct aproc *b);
/* Stores p's flagged rows in the run (main thread) and frees them. */
int analysis_flags_store(struct job *r, struct aproc *p);
void analysis_flags_free(struct aproc *p);
/* Counts an official flag of school s in procedure p, in official-list column col. */
void analysis_official_flag(struct job *r, size_t s, const struct aproc *p, int col);

/* ---- re-checks (recheck.c) ---- */

/* The procedure's finished re-checked works per school into p->rck (a worker, with its
 * own connection d). Needs p's scale (after the load). */
int analysis_recheck_load(struct job *r, struct db *d, struct aproc *p);
/* School s's figures in p, or NULL when none. */
const struct arc_school *analysis_recheck_of(const struct aproc *p, size_t s);
/* The sign test's p of every school of p->rck as evidence of the risk (when mask has
 * recheck_inflated), tagged with procedure index proc. */
void analysis_recheck_evidence(struct aproc *p, unsigned mask, int proc);
/* Stores p's run_recheck rows in the run (main thread; nothing when the run is not
 * stored). */
int analysis_recheck_store(struct job *r, struct aproc *p);
void analysis_recheck_free(struct aproc *p);

/* ---- teachers in the risk zone (teachers.c) ---- */

/* Reads the class → teacher assignments (main thread, before the workers). */
int analysis_teachers_prepare(struct job *r);
/* The evidence of p's assigned classes from its analysis (a worker; before p->a is freed):
 * sp the loaded procedure, cls its classes' names. */
int analysis_teachers_collect(struct job *r, struct aproc *p, const struct stat_proc *sp,
			      const struct load_classes *cls);
/* Moves p's evidence to the job (main thread, in order). */
void analysis_teachers_consume(struct job *r, struct aproc *p);
/* Pools the evidence per teacher, writes teachers.csv (as a part) and, for a stored run,
 * its rows; *listed gets the teachers in the risk zone. */
int analysis_teachers_finish(struct job *r, size_t *listed);
/* Renames teachers.csv's part (ok) or removes it. */
int analysis_teachers_outputs(struct job *r, bool ok);
void analysis_teachers_free(struct job *r);

#endif
