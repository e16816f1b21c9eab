/* io/docx: a document of io/doc.h as WordprocessingML (DOCX), written by hand into a ZIP
 * archive that libzip builds in memory (no file is touched).
 *
 * The parts: [Content_Types].xml, _rels/.rels, word/document.xml, word/styles.xml,
 * word/settings.xml, word/_rels/document.xml.rels, word/header1.xml (the PAGE field centred,
 * for every page but the first) and word/header2.xml (the empty first-page header: the
 * section has w:titlePg, so numbers start on page 2 — ГОСТ Р 7.0.97), word/media/imageN.png,
 * docProps/core.xml (title) and docProps/app.xml. The face is Times New Roman, which
 * LibreOffice replaces with the metric-compatible Liberation Serif. */
#include "io/doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"

/* A4 and the fields in twips (1/20 pt; 1 mm = 56.693 twips). */
#define PAGE_W 11906
#define PAGE_H 16838
#define MARGIN_L 1701 /* 30 mm */
#define MARGIN_R 850  /* 15 mm */
#define MARGIN_T 1134 /* 20 mm */
#define MARGIN_B 1134 /* 20 mm */
#define TEXT_W (PAGE_W - MARGIN_L - MARGIN_R)
#define TEXT_MM (210.0 - 30.0 - 15.0)
#define INDENT 709       /* 1.25 cm */
#define STAMP_INDENT 5103 /* 9 cm */
#define TITLE_NARROW 3969 /* the order's title keeps 7 cm free at the right */
#define FONT "Times New Roman"

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static double twips(double mm)
{
	return mm * 1440.0 / 25.4;
}

/* Text as XML character data (buf_xml_text; a control character is dropped). */
static void xml_text(struct buf *b, const char *s, size_t n)
{
	buf_xml_text(b, s, n, false);
}

static void xml_str(struct buf *b, const char *s)
{
	if (s)
		xml_text(b, s, strlen(s));
}

/* Runs of text: '\n' becomes a line break, '\t' a tab, inside one paragraph. */
static void runs(struct buf *b, const char *text, bool bold)
{
	const char *rpr = bold ? "<w:rPr><w:b/><w:bCs/></w:rPr>" : "";
	const char *s = text ? text : "";
	for (;;) {
		size_t n = strcspn(s, "\n\t");
		if (n) {
			buf_printf(b, "<w:r>%s<w:t xml:space=\"preserve\">", rpr);
			xml_text(b, s, n);
			buf_puts(b, "</w:t></w:r>");
		}
		if (!s[n])
			break;
		buf_printf(b, "<w:r>%s%s</w:r>", rpr, s[n] == '\n' ? "<w:br/>" : "<w:tab/>");
		s += n + 1;
	}
}

static const char *style_id(enum doc_style st)
{
	switch (st) {
	case DOC_BODY: return "Body";
	case DOC_PLAIN: return "Plain";
	case DOC_TITLE: return "DocTitle";
	case DOC_SUBTITLE: return "DocSubtitle";
	case DOC_HEADING: return "DocHeading";
	case DOC_SMALL: return "Small";
	}
	return "Body";
}

static const char *jc(enum doc_align al)
{
	switch (al) {
	case DOC_ALIGN_LEFT: return "left";
	case DOC_ALIGN_CENTER: return "center";
	case DOC_ALIGN_RIGHT: return "right";
	case DOC_ALIGN_JUSTIFY: return "both";
	case DOC_ALIGN_DEFAULT: break;
	}
	return NULL;
}

/* A paragraph of a style with optional extra properties (inside w:pPr) and its runs. */
static void para(struct buf *b, const char *style, const char *ppr, const char *text, bool bold)
{
	buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/>%s</w:pPr>", style, ppr ? ppr : "");
	runs(b, text, bold);
	buf_puts(b, "</w:p>\n");
}

static void block_para(struct buf *b, const struct doc_block *k)
{
	char ppr[64] = "";
	const char *j = jc(k->align);
	if (j) {
		snprintf(ppr, sizeof ppr, "<w:jc w:val=\"%s\"/>", j);
		/* a body paragraph aligned by hand loses its first-line indent */
		if (k->style == DOC_BODY && k->align != DOC_ALIGN_JUSTIFY)
			snprintf(ppr, sizeof ppr, "<w:ind w:firstLine=\"0\"/><w:jc w:val=\"%s\"/>", j);
	}
	para(b, style_id(k->style), ppr, k->text[0], k->bold);
}

static void order_head(struct buf *b, const struct doc_block *k)
{
	para(b, "Plain", "<w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/>", k->text[0], true);
	para(b, "Plain", "<w:spacing w:after=\"360\"/><w:jc w:val=\"center\"/>", k->text[1], true);
	buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"Plain\"/><w:tabs><w:tab w:val=\"right\" w:pos=\"%d\"/></w:tabs>"
		      "</w:pPr>", TEXT_W);
	runs(b, k->text[2], false);
	buf_puts(b, "<w:r><w:tab/></w:r>");
	if (k->text[3] && k->text[3][0]) {
		buf_puts(b, "<w:r><w:t xml:space=\"preserve\">№ </w:t></w:r>");
		runs(b, k->text[3], false);
	}
	buf_puts(b, "</w:p>\n");
	if (k->text[4] && k->text[4][0])
		para(b, "Plain", "<w:jc w:val=\"center\"/>", k->text[4], false);
	para(b, "Plain", NULL, "", false);
}

static void signature(struct buf *b, const struct doc_block *k)
{
	buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"Plain\"/><w:keepLines/><w:tabs><w:tab w:val=\"right\" w:pos=\"%d\"/>"
		      "</w:tabs><w:spacing w:before=\"480\"/></w:pPr>", TEXT_W);
	runs(b, k->text[0], false);
	buf_puts(b, "<w:r><w:tab/></w:r>");
	runs(b, k->text[1], false);
	buf_puts(b, "</w:p>\n");
}

static void stamp(struct buf *b, const struct doc_block *k)
{
	const char *s = k->text[0] ? k->text[0] : "";
	char ppr[128];
	for (;;) {
		size_t n = strcspn(s, "\n");
		bool last = !s[n];
		/* w:pPr's children in the schema's order: keepNext, spacing, ind */
		snprintf(ppr, sizeof ppr, "<w:keepNext/>%s<w:ind w:left=\"%d\"/>",
			 last ? "<w:spacing w:after=\"360\"/>" : "", STAMP_INDENT);
		buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"Plain\"/>%s</w:pPr><w:r><w:t xml:space=\"preserve\">", ppr);
		xml_text(b, s, n);
		buf_puts(b, "</w:t></w:r></w:p>\n");
		if (last)
			break;
		s += n + 1;
	}
}

/* Column widths in twips: given ones as they are, the zeros share what is left; all scaled
 * down when they overflow the text's width. */
static void col_widths(const struct doc_table *t, int *w)
{
	double fixed = 0, mm[12];
	int flex = 0;
	for (int c = 0; c < t->ncols; c++) {
		if (t->widths_mm[c] > 0)
			fixed += t->widths_mm[c];
		else
			flex++;
	}
	double rest = TEXT_MM - fixed;
	double share = flex ? (rest > 10.0 * flex ? rest / flex : 20.0) : 0;
	double total = 0;
	for (int c = 0; c < t->ncols; c++) {
		mm[c] = t->widths_mm[c] > 0 ? t->widths_mm[c] : share;
		total += mm[c];
	}
	double k = total > TEXT_MM ? TEXT_MM / total : 1.0;
	for (int c = 0; c < t->ncols; c++)
		w[c] = (int)(twips(mm[c] * k) + 0.5);
}

static void cell(struct buf *b, int w, int span, const char *style, const char *ppr, const char *text, bool bold)
{
	buf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", w);
	if (span > 1)
		buf_printf(b, "<w:gridSpan w:val=\"%d\"/>", span);
	buf_puts(b, "</w:tcPr>");
	para(b, style, ppr, text, bold);
	buf_puts(b, "</w:tc>");
}

static void table(struct buf *b, const struct doc_table *t)
{
	int w[12], total = 0;
	col_widths(t, w);
	for (int c = 0; c < t->ncols; c++)
		total += w[c];
	/* w:tblPr's children in the schema's order (Word refuses others) */
	buf_printf(b, "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:tblBorders>", total);
	static const char *const sides[] = { "top", "left", "bottom", "right", "insideH", "insideV" };
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++)
		buf_printf(b, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>", sides[i]);
	buf_puts(b, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/>"
		    "<w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>"
		    "<w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>");
	for (int c = 0; c < t->ncols; c++)
		buf_printf(b, "<w:gridCol w:w=\"%d\"/>", w[c]);
	buf_puts(b, "</w:tblGrid>\n<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
	for (int c = 0; c < t->ncols; c++)
		cell(b, w[c], 1, "TableHead", NULL, t->titles[c], true);
	buf_puts(b, "</w:tr>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		const struct doc_row *row = &t->rows[r];
		buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
		if (row->group)
			/* a group row stays with the row after it */
			cell(b, total, t->ncols, "TableText", "<w:keepNext/>", row->cells[0], true);
		else
			for (int c = 0; c < t->ncols; c++)
				cell(b, w[c], 1, "TableText", NULL, row->cells[c], false);
		buf_puts(b, "</w:tr>\n");
	}
	buf_puts(b, "</w:tbl>\n");
	/* a paragraph after every table: Word wants one between two tables and at the end */
	para(b, "Plain", NULL, "", false);
}

static void image(struct buf *b, const struct doc_block *k, int n)
{
	if (k->png_w > 0 && k->png_h > 0) {
		double wmm = k->width_mm > TEXT_MM ? TEXT_MM : k->width_mm;
		long cx = (long)(wmm * 36000.0 + 0.5);
		long cy = (long)((double)cx * k->png_h / k->png_w + 0.5);
		buf_printf(b,
			   "<w:p><w:pPr><w:pStyle w:val=\"Plain\"/><w:keepNext/><w:spacing w:before=\"120\"/><w:jc w:val=\"center\"/></w:pPr>"
			   "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
			   "<wp:extent cx=\"%ld\" cy=\"%ld\"/><wp:docPr id=\"%d\" name=\"Рисунок %d\"/>"
			   "<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>"
			   "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
			   "<pic:pic><pic:nvPicPr><pic:cNvPr id=\"%d\" name=\"image%d.png\"/><pic:cNvPicPr/></pic:nvPicPr>"
			   "<pic:blipFill><a:blip r:embed=\"rIdImg%d\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
			   "<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
			   "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>"
			   "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>\n",
			   cx, cy, n, n, n, n, n, cx, cy);
	}
	if (k->text[0] && k->text[0][0])
		para(b, "Small", "<w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/>", k->text[0], false);
}

static void document_xml(const struct doc *d, struct buf *b)
{
	buf_puts(b, XML_HEAD "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\""
		    " xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\""
		    " xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""
		    " xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>\n");
	int nimg = 0;
	for (size_t i = 0; i < doc_nblocks(d); i++) {
		const struct doc_block *k = doc_block(d, i);
		switch (k->kind) {
		case DOC_B_PARA: block_para(b, k); break;
		case DOC_B_ORDER_HEAD: order_head(b, k); break;
		case DOC_B_ORDER_TITLE: {
			char ppr[96];
			snprintf(ppr, sizeof ppr, "<w:spacing w:after=\"360\"/><w:ind w:right=\"%d\"/><w:jc w:val=\"left\"/>",
				 TITLE_NARROW);
			para(b, "Plain", ppr, k->text[0], true);
			break;
		}
		case DOC_B_POINT:
			buf_puts(b, "<w:p><w:pPr><w:pStyle w:val=\"Body\"/></w:pPr>");
			runs(b, k->text[0], false);
			buf_puts(b, "<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>");
			runs(b, k->text[1], false);
			buf_puts(b, "</w:p>\n");
			break;
		case DOC_B_SIGNATURE: signature(b, k); break;
		case DOC_B_STAMP: stamp(b, k); break;
		case DOC_B_BREAK: buf_puts(b, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n"); break;
		case DOC_B_TABLE: table(b, k->table); break;
		case DOC_B_IMAGE:
			if (k->png_w > 0)
				nimg++;
			image(b, k, nimg);
			break;
		}
	}
	buf_printf(b, "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdH1\"/>"
		      "<w:headerReference w:type=\"first\" r:id=\"rIdH2\"/>"
		      "<w:pgSz w:w=\"%d\" w:h=\"%d\"/>"
		      "<w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>"
		      "<w:titlePg/></w:sectPr>\n</w:body></w:document>\n",
		   PAGE_W, PAGE_H, MARGIN_T, MARGIN_R, MARGIN_B, MARGIN_L);
}

static void style(struct buf *b, const char *id, const char *name, const char *ppr, const char *rpr)
{
	buf_printf(b, "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"%s\"><w:name w:val=\"%s\"/>"
		      "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>%s</w:pPr><w:rPr>%s</w:rPr></w:style>\n",
		   id, name, ppr, rpr);
}

static void styles_xml(struct buf *b)
{
	buf_puts(b, XML_HEAD "<w:styles xmlns:w=\"" NS_W "\">\n<w:docDefaults><w:rPrDefault><w:rPr>"
		    "<w:rFonts w:ascii=\"" FONT "\" w:hAnsi=\"" FONT "\" w:eastAsia=\"" FONT "\" w:cs=\"" FONT "\"/>"
		    "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"ru-RU\" w:eastAsia=\"ru-RU\" w:bidi=\"ar-SA\"/>"
		    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"
		    "</w:pPr></w:pPrDefault></w:docDefaults>\n"
		    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
		    "<w:pPr><w:widowControl/></w:pPr></w:style>\n"
		    "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">"
		    "<w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>\n"
		    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
		    "<w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>"
		    "<w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>"
		    "</w:tblCellMar></w:tblPr></w:style>\n");
	style(b, "Body", "oko Body", "<w:ind w:firstLine=\"709\"/><w:jc w:val=\"both\"/>", "");
	style(b, "Plain", "oko Plain", "<w:jc w:val=\"left\"/>", "");
	style(b, "DocTitle", "oko Title", "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"240\"/><w:jc w:val=\"center\"/>",
	      "<w:b/><w:bCs/>");
	style(b, "DocSubtitle", "oko Subtitle", "<w:keepNext/><w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/>", "");
	style(b, "DocHeading", "oko Heading", "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:jc w:val=\"left\"/>",
	      "<w:b/><w:bCs/>");
	style(b, "Small", "oko Small", "<w:jc w:val=\"left\"/>", "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	style(b, "TableText", "oko Table Text", "<w:jc w:val=\"left\"/>", "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	style(b, "TableHead", "oko Table Heading", "<w:jc w:val=\"center\"/>", "<w:b/><w:bCs/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	style(b, "PageNumber", "oko Page Number", "<w:jc w:val=\"center\"/>", "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	buf_puts(b, "</w:styles>\n");
}

static void header_xml(struct buf *b, bool number)
{
	buf_puts(b, XML_HEAD "<w:hdr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:p><w:pPr><w:pStyle w:val=\"PageNumber\"/>"
		    "<w:jc w:val=\"center\"/></w:pPr>");
	if (number)
		buf_puts(b, "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
			    "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
			    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r>"
			    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
	buf_puts(b, "</w:p></w:hdr>\n");
}

/* The parts are kept until zip_close, which reads them. */
struct parts {
	struct buf b[16];
	int n;
};

static struct buf *part(struct parts *ps)
{
	struct buf *b = &ps->b[ps->n++];
	buf_init(b, 0);
	return b;
}

static int add(zip_t *za, const char *name, const void *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(za, data, len, 0);
	if (!s)
		return ERR_IO;
	zip_int64_t i = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (i < 0) {
		zip_source_free(s);
		return ERR_IO;
	}
	return 0;
}

static int add_buf(zip_t *za, const char *name, const struct buf *b)
{
	return add(za, name, b->p ? b->p : "", b->len);
}

int docx_write(const struct doc *d, struct buf *out)
{
	int rc = ERR_IO;
	struct parts ps = { .n = 0 };
	zip_error_t ze;
	zip_error_init(&ze);
	zip_t *za = NULL;
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src)
		goto out;
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za) {
		zip_source_free(src);
		src = NULL;
		goto out;
	}
	zip_source_keep(src);

	int nimg = 0;
	for (size_t i = 0; i < doc_nblocks(d); i++) {
		const struct doc_block *k = doc_block(d, i);
		if (k->kind == DOC_B_IMAGE && k->png_w > 0)
			nimg++;
	}

	struct buf *ct = part(&ps);
	buf_puts(ct, XML_HEAD "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		     "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		     "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		     "<Default Extension=\"png\" ContentType=\"image/png\"/>"
		     "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
		     "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
		     "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
		     "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
		     "<Override PartName=\"/word/header2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
		     "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
		     "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
		     "</Types>\n");
	struct buf *rels = part(&ps);
	buf_puts(rels, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\">"
		       "<Relationship Id=\"rId1\" Type=\"" NS_R "/officeDocument\" Target=\"word/document.xml\"/>"
		       "<Relationship Id=\"rId2\" Type=\"" NS_PKG_REL "/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
		       "<Relationship Id=\"rId3\" Type=\"" NS_R "/extended-properties\" Target=\"docProps/app.xml\"/>"
		       "</Relationships>\n");
	struct buf *drels = part(&ps);
	buf_puts(drels, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\">"
			"<Relationship Id=\"rIdS\" Type=\"" NS_R "/styles\" Target=\"styles.xml\"/>"
			"<Relationship Id=\"rIdT\" Type=\"" NS_R "/settings\" Target=\"settings.xml\"/>"
			"<Relationship Id=\"rIdH1\" Type=\"" NS_R "/header\" Target=\"header1.xml\"/>"
			"<Relationship Id=\"rIdH2\" Type=\"" NS_R "/header\" Target=\"header2.xml\"/>");
	for (int i = 1; i <= nimg; i++)
		buf_printf(drels, "<Relationship Id=\"rIdImg%d\" Type=\"" NS_R "/image\" Target=\"media/image%d.png\"/>", i, i);
	buf_puts(drels, "</Relationships>\n");
	struct buf *doc = part(&ps);
	document_xml(d, doc);
	struct buf *sty = part(&ps);
	styles_xml(sty);
	struct buf *set = part(&ps);
	buf_puts(set, XML_HEAD "<w:settings xmlns:w=\"" NS_W "\"><w:defaultTabStop w:val=\"709\"/>"
		      "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>"
		      "<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>"
		      "</w:compat></w:settings>\n");
	struct buf *h1 = part(&ps), *h2 = part(&ps);
	header_xml(h1, true);
	header_xml(h2, false);
	struct buf *core = part(&ps);
	buf_puts(core, XML_HEAD "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
		       " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
		       " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
	xml_str(core, doc_title(d));
	buf_puts(core, "</dc:title><dc:creator>oko</dc:creator><dc:language>ru-RU</dc:language></cp:coreProperties>\n");
	struct buf *app = part(&ps);
	buf_puts(app, XML_HEAD "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
		      "<Application>oko</Application><DocSecurity>0</DocSecurity></Properties>\n");

	if (add_buf(za, "[Content_Types].xml", ct) || add_buf(za, "_rels/.rels", rels) ||
	    add_buf(za, "word/document.xml", doc) || add_buf(za, "word/styles.xml", sty) ||
	    add_buf(za, "word/settings.xml", set) || add_buf(za, "word/_rels/document.xml.rels", drels) ||
	    add_buf(za, "word/header1.xml", h1) || add_buf(za, "word/header2.xml", h2) ||
	    add_buf(za, "docProps/core.xml", core) || add_buf(za, "docProps/app.xml", app))
		goto out;
	nimg = 0;
	for (size_t i = 0; i < doc_nblocks(d); i++) {
		const struct doc_block *k = doc_block(d, i);
		if (k->kind != DOC_B_IMAGE || k->png_w <= 0)
			continue;
		char name[64];
		snprintf(name, sizeof name, "word/media/image%d.png", ++nimg);
		zip_source_t *s = zip_source_buffer(za, k->png, k->png_len, 0);
		zip_int64_t idx = s ? zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(s);
			goto out;
		}
		/* PNG is compressed already */
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	int crc = zip_close(za);
	za = NULL;
	if (crc < 0)
		goto out;

	/* read the archive back from the memory source */
	zip_stat_t st;
	if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) < 0)
		goto out;
	if (buf_reserve(out, (size_t)st.size) < 0) {
		zip_source_close(src);
		goto out;
	}
	zip_int64_t got = zip_source_read(src, out->p + out->len, st.size);
	zip_source_close(src);
	if (got < 0 || (zip_uint64_t)got != st.size)
		goto out;
	out->len += (size_t)got;
	out->p[out->len] = '\0';
	rc = 0;
out:
	if (za)
		zip_discard(za);
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	for (int i = 0; i < ps.n; i++)
		buf_free(&ps.b[i]);
	return rc;
}
