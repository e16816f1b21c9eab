/* export: write a procedure's results back in the canonical layout (CSV or XLSX), the
 * layout `oko import results` reads, so that import(export(x)) gives x again; and the
 * observation acts of a campaign in the table `oko import acts` reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "io/table_write.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/result.h"
#include "report/observers.h"

struct exp {
	struct table_writer *w;
	const struct procedure *p;
	bool marks, scores; /* the columns mark and test_score are written */
	long rows;
};

static int score_cell(struct table_writer *w, uint8_t v)
{
	char digits[4];
	const char *t = result_cell_text(v, digits);
	return result_cell_points(v) >= 0 ? table_writer_int(w, v)
	       : *t ? table_writer_text(w, t) : table_writer_empty(w);
}

static int export_row(void *ctx, const struct result_view *r)
{
	struct exp *e = ctx;
	struct table_writer *w = e->w;
	int rc = 0;
	rc = rc ? rc : table_writer_text(w, r->school);
	rc = rc ? rc : table_writer_text(w, e->p->code);
	rc = rc ? rc : table_writer_text(w, r->code);
	rc = rc ? rc : table_writer_text(w, r->class_name);
	rc = rc ? rc : r->variant ? table_writer_int(w, r->variant) : table_writer_empty(w);
	rc = rc ? rc : table_writer_text(w, r->gender);
	rc = rc ? rc : r->journal_mark ? table_writer_int(w, r->journal_mark) : table_writer_empty(w);
	rc = rc ? rc : table_writer_int(w, r->absent);
	rc = rc ? rc : r->stated_total >= 0 ? table_writer_int(w, r->stated_total) : table_writer_empty(w);
	if (e->marks)
		rc = rc ? rc : r->exam_mark ? table_writer_int(w, r->exam_mark) : table_writer_empty(w);
	if (e->scores)
		rc = rc ? rc : r->test_score >= 0 ? table_writer_int(w, r->test_score) : table_writer_empty(w);
	for (int i = 0; i < e->p->npos && !rc; i++)
		rc = !r->absent && i < r->npos ? score_cell(w, r->scores[i]) : table_writer_empty(w);
	rc = rc ? rc : table_writer_end_row(w);
	e->rows++;
	return rc;
}

/* oko export acts [--campaign К] --format csv|xlsx --out F: the acts of the campaign's
 * sittings (all campaigns without --campaign). */
static int export_acts(struct cli *c, const char *campaign, const char *format, const char *out)
{
	int f = obs_doc_format_parse(format);
	if (f != OBS_DOC_CSV && f != OBS_DOC_XLSX)
		return cli_usage_error(c, "формат «%s» не поддерживается: csv или xlsx", format);
	if (f == OBS_DOC_XLSX && !strcmp(out, "-"))
		return cli_usage_error(c, "для XLSX укажите файл: --out acts.xlsx");
	struct db *d = NULL;
	struct buf b = BUF_INIT;
	int64_t cid = 0;
	char msg[512] = "";
	int rc = cli_open_db(c, DB_OPEN_READONLY, &d);
	if (rc)
		goto out;
	if (campaign && (rc = plan_campaign_find(d, campaign, &cid))) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: кампании «%s» нет в базе\n", campaign);
		goto out;
	}
	const struct scope all = scope_all(); /* the command line sees everything */
	if ((rc = obs_acts_write(d, &all, cid, (enum obs_doc_format)f, &b, msg, sizeof msg)))
		fprintf(stderr, "oko: акты не выгружены: %s\n", *msg ? msg : err_str(rc));
	else
		rc = cli_write_out(out, &b);
out:
	buf_free(&b);
	db_close(d);
	return rc;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	const char *procedure = NULL, *format = "csv", *out = "-", *campaign = NULL;
	const struct cli_opt opts[] = {
		{ "--procedure", &procedure, NULL },
		{ "--format", &format, NULL },
		{ "--out", &out, NULL },
		{ "--campaign", &campaign, NULL },
		{ 0 },
	};
	int npos, rc;
	if ((rc = cli_parse(c, argc, argv, opts, &npos)))
		return rc > 0 ? 0 : rc;
	if (npos == 1 && !strcmp(argv[0], "acts"))
		return export_acts(c, campaign, format, out);
	if (npos != 1 || strcmp(argv[0], "results"))
		return cli_usage_error(c, "укажите, что выгружать: oko export results --procedure КОД "
					  "или oko export acts --campaign КАМПАНИЯ");
	if (!procedure)
		return cli_usage_error(c, "укажите процедуру: --procedure VPR-2021-RU-4");
	enum table_kind kind;
	if (!strcmp(format, "csv"))
		kind = TABLE_CSV;
	else if (!strcmp(format, "xlsx"))
		kind = TABLE_XLSX;
	else
		return cli_usage_error(c, "формат «%s» не поддерживается: csv или xlsx", format);
	if (kind == TABLE_XLSX && !strcmp(out, "-"))
		return cli_usage_error(c, "для XLSX укажите файл: --out results.xlsx");
	struct db *d = NULL;
	struct procedure *p = calloc(1, sizeof *p);
	struct exp e = { 0 };
	char msg[256];
	if (!p)
		return ERR_NOMEM;
	if ((rc = cli_open_db(c, DB_OPEN_READONLY, &d)))
		goto out;
	if ((rc = procedure_get(d, procedure, p))) {
		fprintf(stderr, "oko: процедура %s не найдена в базе\n", procedure);
		goto out;
	}
	if ((rc = table_writer_open(&e.w, out, kind, "Результаты", msg, sizeof msg))) {
		fprintf(stderr, "oko: %s\n", msg);
		goto out;
	}
	e.p = p;
	static const char *const head[] = { "school", "procedure", "code", "class", "variant",
					    "gender", "journal_mark", "absent", "total" };
	/* The exam's stated mark and test score (ОГЭ, ЕГЭ) only when the procedure has some. */
	rc = result_exam_columns(d, p->id, &e.marks, &e.scores);
	for (size_t i = 0; i < sizeof head / sizeof *head && !rc; i++)
		rc = table_writer_text(e.w, head[i]);
	if (e.marks)
		rc = rc ? rc : table_writer_text(e.w, "mark");
	if (e.scores)
		rc = rc ? rc : table_writer_text(e.w, "test_score");
	for (int i = 0; i < p->npos && !rc; i++)
		rc = table_writer_text(e.w, p->pos[i].label);
	rc = rc ? rc : table_writer_end_row(e.w);
	rc = rc ? rc : result_each(d, p->id, export_row, &e);
	int crc = table_writer_close(e.w);
	rc = rc ? rc : crc;
	if (rc)
		fprintf(stderr, "oko: выгрузка не завершена: %s\n", err_str(rc));
	else if (strcmp(out, "-"))
		printf("Выгружено результатов: %ld (%s) в %s\n", e.rows, p->code, out);
out:
	free(p);
	db_close(d);
	return rc;
}
