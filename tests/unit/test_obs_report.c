/* Unit tests of report/observers: the schedule (CSV bytes, the two XLSX appendices read
 * back, the PDF's pages), the act as a one-page PDF and the acts table that `oko import
 * acts` reads back — on a small database built here through the model; and the numbers
 * model/observed reads for the control group from results stored here.
 *
 * Set OBS_REPORT_KEEP=DIR to keep the PDFs there (to look at them). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "io/table.h"
#include "model/observed.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/result.h"
#include "report/card_words.h"
#include "report/observers.h"

static char dir[64], path[128];
static struct db *db;
static const struct scope ALL = { SCOPE_ALL, 0 };
static int64_t sch[3], ma4, ru5, camp, obs[3], act_clean, act_bad;
static const int64_t NOW = 1621987201; /* 2021-05-26 */

static const struct plan_dates dates = { { "2021-04-01", "2021-04-12", "2021-04-30", "2021-04-12",
					   "2021-04-12", "2021-05-20" } };

static int put_proc(const char *code, const char *pos, int64_t *id)
{
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	int rc = procedure_code_parse(code, p, msg, sizeof msg) ||
		 procedure_positions_parse(pos, p, msg, sizeof msg) || procedure_put(db, p, msg, sizeof msg);
	*id = p->id;
	free(p);
	return rc;
}

static int put_observer(const char *code, const char *name, enum obs_kind k, int64_t *id)
{
	struct obs_person *o = calloc(1, sizeof *o);
	snprintf(o->code, sizeof o->code, "%s", code);
	snprintf(o->name, sizeof o->name, "%s", name);
	o->kind = k;
	o->max_per_day = 1;
	int rc = observer_put(db, o, "t") || observer_find(db, code, id);
	free(o);
	return rc;
}

static int fix(int64_t proc, int64_t school, const char *date, const char *time)
{
	char msg[256];
	return plan_fix_date(db, proc, school, NULL, date, time, "t", msg, sizeof msg);
}

static int set(int64_t proc, int64_t school, int64_t observer)
{
	char note[256], msg[256];
	int rc = observer_set(db, proc, school, observer, "t", note, sizeof note, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "observer_set: %s\n", msg);
	return rc;
}

static int put_act(int64_t proc, int64_t school, int64_t observer, const char *from, const char *to,
		   int stages, bool clean, const int64_t *viol, int nviol, const char *comment,
		   int64_t *id)
{
	struct obs_act *a = calloc(1, sizeof *a);
	a->procedure_id = proc;
	a->school_id = school;
	a->observer_id = observer;
	snprintf(a->started, sizeof a->started, "%s", from);
	snprintf(a->ended, sizeof a->ended, "%s", to);
	a->stages = stages;
	a->no_violations = clean;
	a->nviolations = nviol;
	for (int i = 0; i < nviol; i++)
		a->violations[i] = viol[i];
	snprintf(a->comment, sizeof a->comment, "%s", comment);
	char msg[256];
	int rc = observer_act_put(db, a, "t", id, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "observer_act_put: %s\n", msg);
	free(a);
	return rc;
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-obsrep-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	struct school s[3] = {
		{ .login = "sch1", .name = "МБОУ «СОШ № 1»", .municipality = "М1", .region = "Р" },
		{ .login = "sch2", .name = "МБОУ «Гимназия № 2»", .municipality = "М1", .region = "Р" },
		{ .login = "sch3", .name = "МКОУ «Заречная ООШ»", .municipality = "М2", .region = "Р" },
	};
	bool created;
	long added;
	char msg[256];
	int rc = 0;
	for (int i = 0; i < 3 && !rc; i++)
		rc = registry_school_put(db, &s[i], &sch[i]);
	rc = rc || put_proc("VPR-2021-MA-4", "1:1:Б 2:2:Б", &ma4) ||
	     put_proc("VPR-2021-RU-5", "1:2:Б 2:3:П", &ru5) ||
	     plan_campaign_put(db, "ВПР весна 2021", &camp, &created) ||
	     plan_procedure_put(db, camp, ma4, &dates, msg, sizeof msg) ||
	     plan_procedure_put(db, camp, ru5, &dates, msg, sizeof msg) ||
	     plan_assign(db, &ALL, camp, 0, 0, 0, "t", &added) ||
	     fix(ma4, sch[0], "2021-04-14", "10:00") || fix(ma4, sch[1], "2021-04-13", "09:00") ||
	     fix(ma4, sch[2], "2021-04-14", "09:00") || fix(ru5, sch[0], "2021-04-15", "10:00") ||
	     fix(ru5, sch[1], "2021-04-15", "10:00") ||
	     put_observer("O1", "Иванова Анна Петровна", OBS_SPECIALIST, &obs[0]) ||
	     put_observer("O2", "Петров Пётр Ильич", OBS_PUBLIC, &obs[1]) ||
	     put_observer("O3", "Сидорова Вера Николаевна", OBS_PUBLIC, &obs[2]) ||
	     set(ma4, sch[0], obs[0]) || set(ma4, sch[1], obs[1]) || set(ma4, sch[2], obs[2]) ||
	     set(ru5, sch[0], obs[1]);
	/* sch2's RU-5 sitting has nobody: not a row of the schedule. */
	struct obs_violation_kind *k = NULL;
	size_t nk = 0;
	rc = rc || observer_violation_kinds(db, true, &k, &nk);
	int64_t viol[2] = { nk > 3 ? k[1].id : 0, nk > 3 ? k[3].id : 0 };
	free(k);
	rc = rc || nk < 4 ||
	     put_act(ma4, sch[0], obs[0], "10:00", "11:30", OBS_STAGE_PREPARE | OBS_STAGE_ROOM, true,
		     NULL, 0, "Всё спокойно", &act_clean) ||
	     put_act(ma4, sch[1], obs[1], "09:00", "10:30", OBS_STAGE_ROOM, false, viol, 2,
		     "Опоздали двое, телефоны у троих", &act_bad);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Rows of a table as "a|b|c" lines. */
static int collect(void *ctx, const struct table_row *r)
{
	struct buf *b = ctx;
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_putc(b, '|');
		buf_puts(b, r->v[i]);
	}
	buf_putc(b, '\n');
	return 0;
}

static void read_rows(const struct buf *file, const char *sheet, struct buf *rows)
{
	char msg[256];
	struct table_in in = { .data = file->p, .len = file->len };
	buf_reset(rows);
	assert_int_equal(table_read(&in, sheet, collect, rows, NULL, msg, sizeof msg), 0);
}

/* Pages of a PDF: its page objects ("/Type /Page" not followed by "s"). */
static int pdf_page_count(const struct buf *b)
{
	int n = 0;
	const char *p = b->p, *end = b->p + b->len;
	static const char key[] = "/Type /Page";
	for (; p + sizeof key - 1 < end; p++)
		if (!memcmp(p, key, sizeof key - 1) && p[sizeof key - 1] != 's')
			n++;
	return n;
}

static void keep(const struct buf *b, const char *name)
{
	const char *d = getenv("OBS_REPORT_KEEP");
	if (!d)
		return;
	char f[512];
	snprintf(f, sizeof f, "%s/%s", d, name);
	FILE *fp = fopen(f, "wb");
	if (fp) {
		fwrite(b->p, 1, b->len, fp);
		fclose(fp);
	}
}

static void test_schedule_csv(void **state)
{
	struct buf out = BUF_INIT;
	char msg[256];
	assert_int_equal(obs_schedule_write(db, &ALL, camp, OBS_DOC_CSV, NOW, &out, msg, sizeof msg), 0);
	assert_string_equal(buf_str(&out),
			    "date,time,procedure,school,observer_id,observer,kind\n"
			    "2021-04-13,09:00,VPR-2021-MA-4,sch2,O2,Петров Пётр Ильич,общественный\n"
			    "2021-04-14,09:00,VPR-2021-MA-4,sch3,O3,Сидорова Вера Николаевна,общественный\n"
			    "2021-04-14,10:00,VPR-2021-MA-4,sch1,O1,Иванова Анна Петровна,специалист\n"
			    "2021-04-15,10:00,VPR-2021-RU-5,sch1,O2,Петров Пётр Ильич,общественный\n");
	/* A municipality sees its own schools only. */
	buf_reset(&out);
	struct scope m2 = { SCOPE_MUNICIPALITY, 0 };
	int64_t mun = 0;
	assert_int_equal(db_query_int(db, "SELECT municipality_id FROM school WHERE login = 'sch3'", 0, &mun), 0);
	m2.id = mun;
	assert_int_equal(obs_schedule_write(db, &m2, camp, OBS_DOC_CSV, NOW, &out, msg, sizeof msg), 0);
	assert_string_equal(buf_str(&out),
			    "date,time,procedure,school,observer_id,observer,kind\n"
			    "2021-04-14,09:00,VPR-2021-MA-4,sch3,O3,Сидорова Вера Николаевна,общественный\n");
	buf_reset(&out);
	assert_int_equal(obs_schedule_write(db, &ALL, camp + 100, OBS_DOC_CSV, NOW, &out, msg, sizeof msg),
			 ERR_NOTFOUND);
	assert_string_equal(msg, "кампания не найдена");
	buf_free(&out);
}

static void test_schedule_xlsx(void **state)
{
	struct buf out = BUF_INIT, rows = BUF_INIT;
	char msg[256];
	assert_int_equal(obs_schedule_write(db, &ALL, camp, OBS_DOC_XLSX, NOW, &out, msg, sizeof msg), 0);
	assert_true(out.len > 4 && !memcmp(out.p, "PK", 2));
	char **names = NULL;
	size_t n = 0;
	struct table_in in = { .data = out.p, .len = out.len };
	assert_int_equal(table_sheets(&in, &names, &n, msg, sizeof msg), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "Специалисты");
	assert_string_equal(names[1], "Общественные наблюдатели");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	read_rows(&out, "Специалисты", &rows);
	assert_string_equal(buf_str(&rows),
			    "Приложение 2 к приказу от ____________ № ______\n"
			    "График проведения оценочных процедур с участием специалистов. ВПР весна 2021\n"
			    "№ п/п|Дата|Предмет|Класс|ОО|Специалист (ФИО)\n"
			    "1|14.04.2021|Математика|4|МБОУ «СОШ № 1»|Иванова Анна Петровна\n");
	/* Public observers per school: by school name, then date. */
	read_rows(&out, "Общественные наблюдатели", &rows);
	assert_string_equal(buf_str(&rows),
			    "Приложение 3 к приказу от ____________ № ______\n"
			    "Общественные наблюдатели, направляемые в образовательные организации. ВПР весна 2021\n"
			    "№|ОО|Дата|Предмет|Класс|ФИО общественного наблюдателя\n"
			    "1|МБОУ «Гимназия № 2»|13.04.2021|Математика|4|Петров Пётр Ильич\n"
			    "2|МБОУ «СОШ № 1»|15.04.2021|Русский язык|5|Петров Пётр Ильич\n"
			    "3|МКОУ «Заречная ООШ»|14.04.2021|Математика|4|Сидорова Вера Николаевна\n");
	buf_free(&rows);
	buf_free(&out);
}

static void test_schedule_pdf(void **state)
{
	struct buf out = BUF_INIT;
	char msg[256];
	assert_int_equal(obs_schedule_write(db, &ALL, camp, OBS_DOC_PDF, NOW, &out, msg, sizeof msg), 0);
	assert_true(out.len > 1000 && !memcmp(out.p, "%PDF", 4));
	assert_int_equal(pdf_page_count(&out), 2); /* one page per appendix */
	keep(&out, "schedule.pdf");
	buf_free(&out);
}

static void test_act_pdf(void **state)
{
	struct buf out = BUF_INIT;
	char msg[256];
	assert_int_equal(obs_act_pdf(db, act_bad, &out, msg, sizeof msg), 0);
	assert_true(!memcmp(out.p, "%PDF", 4));
	assert_int_equal(pdf_page_count(&out), 1);
	keep(&out, "act.pdf");
	buf_reset(&out);
	assert_int_equal(obs_act_pdf(db, act_clean, &out, msg, sizeof msg), 0);
	assert_int_equal(pdf_page_count(&out), 1);
	keep(&out, "act_clean.pdf");
	buf_reset(&out);
	assert_int_equal(obs_act_pdf(db, act_bad + 1000, &out, msg, sizeof msg), ERR_NOTFOUND);
	assert_string_equal(msg, "акт не найден");
	buf_free(&out);
}

static void test_acts_table(void **state)
{
	struct buf out = BUF_INIT, rows = BUF_INIT;
	char msg[256];
	struct obs_violation_kind *k = NULL;
	size_t nk = 0;
	assert_int_equal(observer_violation_kinds(db, true, &k, &nk), 0);
	char expect[4096];
	snprintf(expect, sizeof expect,
		 "procedure,school,observer_id,started,ended,stages,no_violations,violations,comment\n"
		 "VPR-2021-MA-4,sch2,O2,09:00,10:30,проведение в аудитории,0,\"%s; %s\","
		 "\"Опоздали двое, телефоны у троих\"\n"
		 "VPR-2021-MA-4,sch1,O1,10:00,11:30,подготовка материалов; проведение в аудитории,1,,"
		 "Всё спокойно\n",
		 k[1].title, k[3].title);
	assert_int_equal(obs_acts_write(db, &ALL, camp, OBS_DOC_CSV, &out, msg, sizeof msg), 0);
	assert_string_equal(buf_str(&out), expect);
	/* The XLSX holds the same table. */
	buf_reset(&out);
	assert_int_equal(obs_acts_write(db, &ALL, camp, OBS_DOC_XLSX, &out, msg, sizeof msg), 0);
	read_rows(&out, NULL, &rows);
	snprintf(expect, sizeof expect,
		 "procedure|school|observer_id|started|ended|stages|no_violations|violations|comment\n"
		 "VPR-2021-MA-4|sch2|O2|09:00|10:30|проведение в аудитории|0|%s; %s|"
		 "Опоздали двое, телефоны у троих\n"
		 "VPR-2021-MA-4|sch1|O1|10:00|11:30|подготовка материалов; проведение в аудитории|1||"
		 "Всё спокойно\n",
		 k[1].title, k[3].title);
	assert_string_equal(buf_str(&rows), expect);
	free(k);
	buf_reset(&out);
	assert_int_equal(obs_acts_write(db, &ALL, camp, OBS_DOC_PDF, &out, msg, sizeof msg), ERR_INVALID);
	buf_free(&rows);
	buf_free(&out);
}

/* Results: code and the two positions' points (MA-4: 1 + 2 points, max 3). */
static int put_results(int64_t proc, int64_t school, const char *const *codes,
		       const uint8_t (*pts)[2], int n)
{
	struct result_writer *w = NULL;
	int rc = db_begin(db) || result_writer_open(db, proc, &w);
	for (int i = 0; i < n && !rc; i++) {
		struct result r = { .school_id = school, .code = codes[i], .stated_total = -1, .npos = 2 };
		r.scores[0] = pts[i][0];
		r.scores[1] = pts[i][1];
		rc = result_writer_put(w, &r);
	}
	result_writer_close(w);
	return rc || db_commit(db);
}

/* MA-4 2021 is observed in all three schools; MA-4 2020 is in no campaign (unobserved).
 * Shares: 2021 sch1 {3/3, 1/3}, sch2 {2/3}; 2020 sch1 {1, 1}, sch2 {0}. */
static void test_observed_model(void **state)
{
	int64_t ma4_2020;
	assert_int_equal(put_proc("VPR-2020-MA-4", "1:1:Б 2:2:Б", &ma4_2020), 0);
	const char *a[] = { "a1", "a2" }, *b[] = { "b1" };
	assert_int_equal(put_results(ma4, sch[0], a, (const uint8_t[][2]){ { 1, 2 }, { 0, 1 } }, 2), 0);
	assert_int_equal(put_results(ma4, sch[1], b, (const uint8_t[][2]){ { 1, 1 } }, 1), 0);
	assert_int_equal(put_results(ma4_2020, sch[0], a, (const uint8_t[][2]){ { 1, 2 }, { 1, 2 } }, 2), 0);
	assert_int_equal(put_results(ma4_2020, sch[1], b, (const uint8_t[][2]){ { 0, 0 } }, 1), 0);

	struct obsd_procedure *p = NULL;
	size_t np = 0;
	assert_int_equal(observed_procedures(db, camp, &p, &np), 0);
	assert_int_equal(np, 2);
	free(p);
	assert_int_equal(observed_procedures(db, camp + 100, &p, &np), 0);
	assert_int_equal(np, 0);
	free(p);
	assert_int_equal(observed_procedures(db, 0, &p, &np), 0);
	assert_int_equal(np, 2);
	assert_string_equal(p[0].code, "VPR-2021-MA-4");
	assert_int_equal(p[0].observed, 3);
	assert_int_equal(p[0].max_score, 3);
	assert_string_equal(p[1].code, "VPR-2021-RU-5");
	assert_int_equal(p[1].observed, 1);

	struct obsd_sitting *s = NULL;
	size_t ns = 0;
	struct scope m1 = { SCOPE_SCHOOL, sch[1] };
	assert_int_equal(observed_sittings(db, &m1, &p[0], &s, &ns), 0);
	assert_int_equal(ns, 2); /* sch3 wrote nothing */
	assert_int_equal(s[0].school_id, sch[0]);
	assert_false(s[0].in_scope);
	assert_true(s[1].in_scope);
	assert_true(s[0].observed && s[1].observed);
	assert_int_equal(s[0].risk, OBSD_RISK_UNKNOWN); /* no analysis run */
	assert_int_equal(s[0].works, 2);
	assert_true(fabs(s[0].sum - 4.0 / 3) < 1e-12);
	assert_true(fabs(s[0].sumsq - 10.0 / 9) < 1e-12);
	assert_true(fabs(s[1].sum - 2.0 / 3) < 1e-12);
	assert_true(fabs(observed_region_mean(s, ns, s[0].region_id) - 2.0 / 3) < 1e-12);
	assert_true(isnan(observed_region_mean(s, ns, s[0].region_id + 1000)));
	free(s);
	free(p);

	struct obsd_year *y = NULL;
	size_t ny = 0;
	assert_int_equal(observed_school_years(db, sch[0], &y, &ny), 0);
	assert_int_equal(ny, 2);
	assert_string_equal(y[0].procedure, "VPR-2020-MA-4");
	assert_false(y[0].observed);
	assert_string_equal(y[0].date, "");
	assert_int_equal(y[0].works, 2);
	assert_true(fabs(y[0].sum - 2) < 1e-12);
	assert_true(fabs(y[0].region_mean - 2.0 / 3) < 1e-12);
	assert_string_equal(y[1].procedure, "VPR-2021-MA-4");
	assert_true(y[1].observed);
	assert_string_equal(y[1].date, "2021-04-14");
	assert_int_equal(y[0].series, y[1].series);
	assert_true(fabs(y[1].region_mean - 2.0 / 3) < 1e-12);
	/* The observer's act of 2021 marked nothing; 2020 had no act. The card says so. */
	assert_int_equal(y[0].acts, 0);
	assert_int_equal(y[1].acts, 1);
	assert_string_equal(y[1].violations, "");
	struct card_obs o;
	card_obs_of(y, ny, &o);
	assert_non_null(strstr(buf_str(&o.seen), "(14.04.2021). В актах наблюдателей (1\xC2\xA0проведение) нарушений нет."));
	card_obs_free(&o);
	free(y);
	/* sch2's act marked two violations: the card names them, in the region's words. */
	struct obs_violation_kind *k = NULL;
	size_t nk = 0;
	assert_int_equal(observer_violation_kinds(db, true, &k, &nk), 0);
	assert_true(nk > 3);
	char want[600];
	snprintf(want, sizeof want, "%s; %s", k[1].title, k[3].title);
	free(k);
	assert_int_equal(observed_school_years(db, sch[1], &y, &ny), 0);
	assert_int_equal(ny, 2);
	assert_int_equal(y[1].acts, 1);
	assert_string_equal(y[1].violations, want);
	card_obs_of(y, ny, &o);
	char said[800];
	snprintf(said, sizeof said, ". Наблюдатели отметили нарушения: ВПР, математика, 4 класс, 2021 — %s.", want);
	assert_non_null(strstr(buf_str(&o.seen), said));
	card_obs_free(&o);
	free(y);
	/* sch3 wrote nothing: no years. */
	assert_int_equal(observed_school_years(db, sch[2], &y, &ny), 0);
	assert_int_equal(ny, 0);
	free(y);
}

static void test_format_parse(void **state)
{
	assert_int_equal(obs_doc_format_parse("csv"), OBS_DOC_CSV);
	assert_int_equal(obs_doc_format_parse("xlsx"), OBS_DOC_XLSX);
	assert_int_equal(obs_doc_format_parse("pdf"), OBS_DOC_PDF);
	assert_int_equal(obs_doc_format_parse("doc"), -1);
	assert_int_equal(obs_doc_format_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_schedule_csv),
		cmocka_unit_test(test_schedule_xlsx),
		cmocka_unit_test(test_schedule_pdf),
		cmocka_unit_test(test_act_pdf),
		cmocka_unit_test(test_acts_table),
		cmocka_unit_test(test_observed_model),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
