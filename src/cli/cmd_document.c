/* document: the official documents filled with real figures (docs/documents.md):
 *   oko document KIND --out FILE.docx|FILE.pdf [--campaign К] [--procedure P]
 *                [--municipality M] [--school L] [--year Y] [--plan N] [--number N] [--date DATE]
 * KIND is order, info-note, analytic-note or plan (report/notes.h); the format comes from
 * the file's extension. The command line sees everything (scope_all); --municipality or
 * --school narrows the document to that territory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "cli/cli.h"
#include "io/doc.h"
#include "model/plan.h"
#include "model/registry.h"
#include "model/scope.h"
#include "report/doc_pdf.h"
#include "report/notes.h"

const char cmd_document_summary[] = "официальные документы: приказ, справки, план мероприятий (DOCX, PDF)";
const char cmd_document_usage[] =
	"использование: oko document ВИД --out ФАЙЛ.docx|ФАЙЛ.pdf [--campaign КАМПАНИЯ]\n"
	"                  [--procedure КОД] [--municipality МУНИЦИПАЛИТЕТ] [--school ЛОГИН]\n"
	"                  [--year ГОД] [--plan N] [--number НОМЕР] [--date ГГГГ-ММ-ДД]\n\n"
	"Составляет документ по данным базы; формат — по расширению файла (DOCX или PDF).\n"
	"Виды:\n"
	"  order          приказ о подготовке и проведении ВПР с приложениями: план\n"
	"                 мероприятий, списки наблюдателей (специалисты, общественные),\n"
	"                 план адресной помощи, координаторы. --campaign (по умолчанию —\n"
	"                 последняя кампания плана-графика), --number, --date, --plan.\n"
	"  info-note      информационная справка о принятых мерах по плану мероприятий\n"
	"                 территории (--plan или последний план); с --school — справка\n"
	"                 школы: адресованные ей меры и её собственный план.\n"
	"  analytic-note  аналитическая справка о результатах: --procedure (одна\n"
	"                 процедура), --campaign (все процедуры кампании) или --year.\n"
	"  plan           план мероприятий таблицей с грифом утверждения (--plan или\n"
	"                 последний план территории).\n"
	"--municipality сужает документ до муниципалитета (по названию), --school — до школы.\n";

static int parse_id(const char *s, long lo, long hi, long *out)
{
	return str_to_int(s, strlen(s), out) || *out < lo || *out > hi ? ERR_INVALID : 0;
}

int cmd_document(struct cli *c, int argc, char **argv)
{
	const char *out = NULL, *campaign = NULL, *proc = NULL, *mun = NULL, *school = NULL, *year = NULL,
		   *plan = NULL, *number = NULL, *date = NULL;
	const struct cli_opt opts[] = {
		{ "--out", &out, NULL }, { "--campaign", &campaign, NULL }, { "--procedure", &proc, NULL },
		{ "--municipality", &mun, NULL }, { "--school", &school, NULL }, { "--year", &year, NULL },
		{ "--plan", &plan, NULL }, { "--number", &number, NULL }, { "--date", &date, NULL },
		{ NULL, NULL, NULL },
	};
	int npos = 0;
	int rc = cli_parse(c, argc, argv, opts, &npos);
	if (rc)
		return rc > 0 ? 0 : rc;
	if (npos != 1)
		return cli_usage_error(c, "укажите один вид документа: order, info-note, analytic-note или plan");
	int kind = note_kind_parse(argv[0]);
	if (kind < 0)
		return cli_usage_error(c, "неизвестный вид документа «%s»: order, info-note, analytic-note или plan",
				       argv[0]);
	if (!out || !*out)
		return cli_usage_error(c, "укажите файл документа: --out ФАЙЛ.docx или --out ФАЙЛ.pdf");
	size_t ol = strlen(out);
	bool pdf = ol > 4 && !strcasecmp(out + ol - 4, ".pdf");
	bool docx = ol > 5 && !strcasecmp(out + ol - 5, ".docx");
	if (!pdf && !docx)
		return cli_usage_error(c, "формат документа определяется расширением файла: .docx или .pdf");
	struct note_opts o = { .procedure = proc, .school = school, .number = number ? number : "",
			       .date = date };
	long v = 0;
	if (year && parse_id(year, 2000, 2100, &v))
		return cli_usage_error(c, "год «%s» — не число от 2000 до 2100", year);
	o.year = (int)v;
	if (plan && parse_id(plan, 1, 1L << 40, &v))
		return cli_usage_error(c, "номер плана «%s» — не целое положительное число", plan);
	o.plan_id = plan ? v : 0;
	if (date && !plan_date_valid(date))
		return cli_usage_error(c, "дата «%s» не в виде ГГГГ-ММ-ДД", date);
	if (mun && school)
		return cli_usage_error(c, "укажите либо --municipality, либо --school");

	struct db *d = NULL;
	struct doc *doc = NULL;
	struct buf b = BUF_INIT;
	char msg[512] = "";
	if ((rc = cli_open_db(c, 0, &d)))
		return rc;
	if (campaign && (rc = plan_campaign_find(d, campaign, &o.campaign_id))) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: кампании «%s» нет в плане-графике\n", campaign);
		goto out;
	}
	if (mun && (rc = registry_municipality_find(d, mun, &o.municipality_id))) {
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "oko: муниципалитета «%s» нет в базе\n", mun);
		goto out;
	}
	const struct scope all = scope_all();
	rc = note_build(d, &all, (enum note_kind)kind, &o, &doc, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "oko: %s\n", msg[0] ? msg : err_str(rc));
		goto out;
	}
	rc = pdf ? doc_pdf_write(doc, &b) : docx_write(doc, &b);
	if (rc) {
		fprintf(stderr, "oko: не удалось составить документ: %s\n", err_str(rc));
		goto out;
	}
	rc = cli_write_out(out, &b);
out:
	doc_free(doc);
	buf_free(&b);
	db_close(d);
	return rc;
}
