/* gen/write: the sink that writes a generated region as the canonical CSV files of
 * formats.md (schools.csv, procedures.csv, results.csv; with --exams also medalists.csv,
 * with --teachers teachers_YYYY.csv for each year), its truth (truth.csv) and a README of
 * the parameters.
 *
 * results.csv is the bulk: rows are formatted by hand into one large buffer and written
 * with fwrite, with no allocation per row, so writing keeps up with the generator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "gen/gen.h"
#include "gen/template.h"
#include "model/result.h"

#define OUT_BUF (1 << 20)
#define ROW_MAX (64 + 32 + 8 * 8 + PROC_MAX_POSITIONS * 4) /* longest results row */

struct writer {
	const struct gen_params *p;
	const char *dir;
	FILE *schools, *procs, *results, *truth, *medalists;
	FILE *teachers[GEN_MAX_YEARS]; /* teachers_YYYY.csv by year - year_from */
	char *buf;
	size_t len;
	int kmax; /* position columns p1..pK */
	struct gen_counts *counts;
	char *msg;
	size_t msglen;
};

static FILE *open_out(struct writer *w, const char *name)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", w->dir, name) >= (int)sizeof path) {
		snprintf(w->msg, w->msglen, "слишком длинный путь к каталогу %s", w->dir);
		return NULL;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		snprintf(w->msg, w->msglen, "не удалось создать файл %s: %s", path, strerror(errno));
	return f;
}

static int flush_results(struct writer *w)
{
	if (w->len && fwrite(w->buf, 1, w->len, w->results) != w->len) {
		snprintf(w->msg, w->msglen, "не удалось записать results.csv в %s: %s", w->dir,
			 strerror(errno));
		return ERR_IO;
	}
	w->counts->bytes += w->len;
	w->len = 0;
	return 0;
}

/* Appends text as a CSV field, quoted when it holds a separator, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
	struct buf b = BUF_INIT;
	if (!buf_csv_field(&b, s, strlen(s), ','))
		fwrite(b.p, 1, b.len, f);
	buf_free(&b);
}

static int w_begin(void *ctx, const struct gen_params *p, const struct procedure *procs,
		   int nprocs)
{
	struct writer *w = ctx;
	fputs("procedure,kind,year,subject,grade,max_score,positions,scale\n", w->procs);
	w->kmax = 0;
	for (int i = 0; i < nprocs; i++) {
		const struct procedure *x = &procs[i];
		fprintf(w->procs, "%s,%s,%d,%s,%d,%d,", x->code, x->kind, x->year, x->subject,
			x->grade, x->max_score);
		for (int j = 0; j < x->npos; j++) {
			fprintf(w->procs, "%s%s:%d", j ? " " : "", x->pos[j].label, x->pos[j].max);
			if (x->pos[j].level[0])
				fprintf(w->procs, ":%s", x->pos[j].level);
		}
		fprintf(w->procs, ",%d/%d/%d\n", x->scale[0], x->scale[1], x->scale[2]);
		if (x->npos > w->kmax)
			w->kmax = x->npos;
	}
	w->counts->procedures = nprocs;
	fputs("school,procedure,code,class,variant,gender,journal_mark,absent", w->results);
	if (p->exams)
		fputs(",mark,test_score", w->results);
	for (int k = 1; k <= w->kmax; k++)
		fprintf(w->results, ",p%d", k);
	fputc('\n', w->results);
	fputs("login,name,municipality,region,kind,settlement,indepth,address\n", w->schools);
	fputs("school,procedure,year,kind,strength,class,works\n", w->truth);
	return 0;
}

static int w_school(void *ctx, const struct gen_school *s)
{
	struct writer *w = ctx;
	fputs(s->login, w->schools);
	fputc(',', w->schools);
	csv_field(w->schools, s->name);
	fputc(',', w->schools);
	csv_field(w->schools, s->municipality);
	fputc(',', w->schools);
	csv_field(w->schools, s->region);
	fprintf(w->schools, ",%s,%s,%d,", s->kind, s->settlement, s->indepth);
	csv_field(w->schools, s->address);
	fputc('\n', w->schools);
	w->counts->schools++;
	w->counts->manipulated += s->manipulated;
	return 0;
}

static char *put_str(char *o, const char *s)
{
	while (*s)
		*o++ = *s++;
	return o;
}

/* Non-negative integer below 1000. */
static char *put_small(char *o, int v)
{
	if (v >= 100)
		*o++ = (char)('0' + v / 100);
	if (v >= 10)
		*o++ = (char)('0' + v / 10 % 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

static int w_result(void *ctx, const struct gen_result *r)
{
	struct writer *w = ctx;
	int rc;
	if (w->len + ROW_MAX > OUT_BUF && (rc = flush_results(w)))
		return rc;
	char *o = w->buf + w->len;
	o = put_str(o, r->school->login);
	*o++ = ',';
	o = put_str(o, r->proc->code);
	*o++ = ',';
	o = put_str(o, r->code);
	*o++ = ',';
	o = put_str(o, r->class_name);
	*o++ = ',';
	if (r->variant)
		o = put_small(o, r->variant);
	*o++ = ',';
	o = put_str(o, r->gender);
	*o++ = ',';
	if (r->journal)
		o = put_small(o, r->journal);
	*o++ = ',';
	*o++ = r->absent ? '1' : '0';
	if (w->p->exams) {
		*o++ = ',';
		if (r->mark)
			o = put_small(o, r->mark);
		*o++ = ',';
		if (r->test_score >= 0)
			o = put_small(o, r->test_score);
	}
	int npos = r->proc->npos;
	for (int j = 0; j < npos; j++) {
		*o++ = ',';
		if (r->absent)
			continue;
		if (r->scores[j] == SCORE_X)
			*o++ = 'X';
		else
			o = put_small(o, r->scores[j]);
	}
	for (int j = npos; j < w->kmax; j++)
		*o++ = ',';
	*o++ = '\n';
	w->len = (size_t)(o - w->buf);
	w->counts->results++;
	if (r->absent)
		w->counts->absent++;
	return 0;
}

static int w_truth(void *ctx, const struct gen_truth *t)
{
	struct writer *w = ctx;
	fprintf(w->truth, "%s,%s,%d,%s,%.2f,%s,%d\n", t->school, t->procedure, t->year,
		gen_kind_names[t->kind], t->strength, t->class_name ? t->class_name : "", t->works);
	w->counts->truth++;
	return 0;
}

static int w_medalist(void *ctx, const struct gen_medalist *m)
{
	struct writer *w = ctx;
	static const char *const medal[] = { "медаль", "I", "II" };
	fprintf(w->medalists, "%s,%d,%s,%s\n", m->school->login, m->year, m->code, medal[m->degree]);
	w->counts->medalists++;
	return 0;
}

static int w_teacher(void *ctx, const struct gen_teacher *t)
{
	struct writer *w = ctx;
	FILE **f = &w->teachers[t->year - w->p->year_from];
	if (!*f) {
		char name[32];
		snprintf(name, sizeof name, "teachers_%d.csv", t->year);
		if (!(*f = open_out(w, name)))
			return ERR_IO;
		fputs("school,class,subject,teacher\n", *f);
	}
	fprintf(*f, "%s,%s,%s,", t->school->login, t->class_name, t->subject);
	csv_field(*f, t->name);
	fputc('\n', *f);
	w->counts->teachers++;
	return 0;
}

static int w_end(void *ctx)
{
	return flush_results(ctx);
}

static int write_readme(struct writer *w)
{
	const struct gen_params *p = w->p;
	FILE *f = open_out(w, "README");
	if (!f)
		return ERR_IO;
	fprintf(f, "Синтетический регион oko (oko gen). Данные вымышленные.\n\n"
		   "Параметры:\n"
		   "  регион            %s\n"
		   "  школ              %ld\n"
		   "  муниципалитетов   %d\n"
		   "  годы              %d-%d\n"
		   "  предметы          ",
		p->region, p->schools, p->municipalities > 0 ? p->municipalities :
		(int)((p->schools + 29) / 30), p->year_from, p->year_to);
	for (int s = 0; s < p->nsubjects; s++)
		fprintf(f, "%s%s", s ? "," : "", p->subjects[s]);
	fprintf(f, "\n  классы            %d-%d\n"
		   "  seed              %lu\n"
		   "  icc               %.3g\n"
		   "  доля отсутствующих %.3g\n"
		   "  доля школ с искажениями %.3g\n"
		   "  виды искажений    ",
		p->grade_from, p->grade_to, p->seed, p->icc, p->absent, p->manipulated);
	int any = 0;
	for (int k = 0; k < GEN_NKINDS; k++)
		if (p->kinds & (1u << k))
			fprintf(f, "%s%s", any++ ? "," : "", gen_kind_names[k]);
	fprintf(f, "%s\n  сила искажений    %.3g\n", any ? "" : "нет", p->strength);
	/* Printed only when set, so that the README of a default region stays as it was. */
	if (p->variant_sd > 0)
		fprintf(f, "  свои варианты школ: разброс трудности %.3g\n", p->variant_sd);
	if (p->not_taught > 0)
		fprintf(f, "  непройденные темы: доля %.3g\n", p->not_taught);
	if (p->exams)
		fprintf(f, "  ОГЭ (русский язык, математика, 9 класс), ЕГЭ (русский язык, профильная "
			   "математика, 11 класс) и медалисты; искажение medal: %s\n",
			p->kinds & (1u << GEN_MEDAL) ? "да" : "нет");
	if (p->teachers)
		fprintf(f, "  учителя классов по предметам; искажение teacher: %s\n",
			p->kinds & (1u << GEN_TEACHER) ? "да" : "нет");
	fputc('\n', f);
	fprintf(f, "Работы (позиции, уровни, шкалы):\n");
	for (int s = 0; s < p->nsubjects; s++)
		for (int g = p->grade_from; g <= p->grade_to; g++)
			fprintf(f, "  %s-%d: %s\n", p->subjects[s], g,
				gen_template_find(p->subjects[s], g)->source);
	for (int e = 0; p->exams && e < GEN_NEXAMS; e++)
		fprintf(f, "  %s %s-%d: %s\n", gen_exams[e].kind, gen_exams[e].subject,
			gen_exams[e].grade, gen_exams[e].t->source);
	fprintf(f, "\nЗаписано: школ %ld, процедур %ld, результатов %ld (отсутствовали %ld), "
		   "строк truth.csv %ld.\n\n",
		w->counts->schools, w->counts->procedures, w->counts->results, w->counts->absent,
		w->counts->truth);
	fprintf(f, "Файлы:\n"
		   "  schools.csv     школы (login,name,municipality,region,kind,settlement,indepth,address)\n"
		   "  procedures.csv  процедуры (позиции label:max:level, шкала a/b/c)\n"
		   "  results.csv     результаты; столбцы p1..pK — позиции процедуры по порядку\n"
		   "  truth.csv       заложенные искажения: school,procedure,year,kind,strength,class,\n"
		   "                  works (class заполнен, если искажён только один класс; works —\n"
		   "                  сколько работ искажение действительно изменило; школ без\n"
		   "                  искажений в файле нет)\n");
	if (p->exams)
		fputs("  medalists.csv   медалисты: school,year,code,medal (code — код участника ЕГЭ\n"
		      "                  того года)\n", f);
	if (p->teachers)
		fputs("  teachers_ГГГГ.csv учителя классов по предметам за год: school,class,subject,\n"
		      "                  teacher (имена вымышленные)\n", f);
	fprintf(f, "\n"
		   "Модель и смысл параметров: docs/generator.md в исходных текстах oko.\n"
		   "Повторный запуск с теми же параметрами даёт те же файлы байт в байт.\n");
	int bad = ferror(f);
	if (fclose(f) || bad) {
		snprintf(w->msg, w->msglen, "не удалось записать README в %s", w->dir);
		return ERR_IO;
	}
	return 0;
}

/* mkdir -p */
static int make_dir(const char *dir, char *msg, size_t n)
{
	char path[4096];
	size_t len = strlen(dir);
	if (len == 0 || len >= sizeof path) {
		snprintf(msg, n, "неверный путь к каталогу «%s»", dir);
		return ERR_USAGE;
	}
	memcpy(path, dir, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			snprintf(msg, n, "не удалось создать каталог %s: %s", path, strerror(errno));
			return ERR_IO;
		}
		path[i] = c;
	}
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(msg, n, "%s не является каталогом", dir);
		return ERR_IO;
	}
	return 0;
}

static int close_out(struct writer *w, FILE **f, const char *name)
{
	int rc = 0;
	if (!*f)
		return 0;
	int bad = ferror(*f);
	if (fclose(*f) || bad) {
		snprintf(w->msg, w->msglen, "не удалось записать %s в %s", name, w->dir);
		rc = ERR_IO;
	}
	*f = NULL;
	return rc;
}

int gen_write_dir(const struct gen_params *p, const char *dir, struct gen_counts *counts,
		  gen_progress_fn progress, void *progress_ctx, char *msg, size_t n)
{
	struct writer w = { 0 };
	struct gen_counts dummy;
	int rc, rc2;
	w.p = p;
	w.dir = dir;
	w.counts = counts ? counts : &dummy;
	memset(w.counts, 0, sizeof *w.counts);
	w.msg = msg;
	w.msglen = n;
	msg[0] = '\0';
	if ((rc = gen_params_check(p, msg, n)) || (rc = make_dir(dir, msg, n)))
		return rc;
	if (!(w.schools = open_out(&w, "schools.csv")) || !(w.procs = open_out(&w, "procedures.csv")) ||
	    !(w.results = open_out(&w, "results.csv")) || !(w.truth = open_out(&w, "truth.csv")) ||
	    (p->exams && !(w.medalists = open_out(&w, "medalists.csv")))) {
		rc = ERR_IO;
		goto out;
	}
	w.buf = xmalloc(OUT_BUF);
	if (w.medalists)
		fputs("school,year,code,medal\n", w.medalists);
	struct gen_sink sink = { &w, w_begin, w_school, w_result, w_truth, w_medalist, w_teacher,
				 w_end };
	rc = gen_run(p, &sink, progress, progress_ctx);
	if (rc && !msg[0])
		snprintf(msg, n, "генерация прервана: %s", err_str(rc));
out:
	rc2 = close_out(&w, &w.schools, "schools.csv");
	rc = rc ? rc : rc2;
	rc2 = close_out(&w, &w.procs, "procedures.csv");
	rc = rc ? rc : rc2;
	rc2 = close_out(&w, &w.results, "results.csv");
	rc = rc ? rc : rc2;
	rc2 = close_out(&w, &w.truth, "truth.csv");
	rc = rc ? rc : rc2;
	rc2 = close_out(&w, &w.medalists, "medalists.csv");
	rc = rc ? rc : rc2;
	for (int y = 0; y < GEN_MAX_YEARS; y++) {
		rc2 = close_out(&w, &w.teachers[y], "teachers_ГГГГ.csv");
		rc = rc ? rc : rc2;
	}
	if (!rc)
		rc = write_readme(&w);
	free(w.buf);
	return rc;
}
