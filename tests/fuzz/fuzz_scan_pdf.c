/* libFuzzer target for scans (io/scan): any uploaded file must end in a scan or a clean
 * Russian refusal, never a crash, a hang or a leak — PDFs come from schools and go through
 * libqpdf.
 *
 * The input is checked as a scan; when it passes as a PDF of n pages, the first page, the
 * last one and a range that does not exist are extracted: the existing ones must come out
 * as PDFs that check again with exactly that many pages, the missing one must be refused
 * with a reason. A refusal always names its reason; a JPEG is one page.
 *
 * fuzz.sh: whole library */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "io/scan.h"

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                       \
		}                                                                      \
	} while (0)

static void extract(const uint8_t *data, size_t size, int first, int last, int want)
{
	void *out = NULL;
	size_t outn = 0;
	char msg[256] = "";
	int rc = scan_pdf_extract(data, size, first, last, &out, &outn, msg, sizeof msg);
	if (want < 0) {
		CHECK(rc == ERR_INVALID && *msg && !out && !outn);
		return;
	}
	if (rc) {
		/* A damaged file can open and still fail to write (an object qpdf reads only
		 * when it copies the page): a refusal, with its reason. */
		CHECK(rc == ERR_INVALID && *msg && !out);
		return;
	}
	enum scan_type t;
	int pages = 0;
	CHECK(out && outn);
	rc = scan_check(out, outn, &t, &pages, msg, sizeof msg);
	/* What qpdf wrote, qpdf reads back: same page count. */
	CHECK(rc == 0 && t == SCAN_PDF && pages == want);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum scan_type t;
	int pages = -1;
	char msg[256] = "";
	int rc = scan_check(data, size, &t, &pages, msg, sizeof msg);
	if (rc) {
		CHECK((rc == ERR_INVALID || rc == ERR_LIMIT) && *msg && t == SCAN_UNKNOWN && pages == 0);
		return 0;
	}
	CHECK(t == scan_sniff(data, size) && t != SCAN_UNKNOWN);
	if (t == SCAN_JPEG) {
		CHECK(pages == 1);
		return 0;
	}
	CHECK(pages >= 1 && pages <= SCAN_MAX_PAGES);
	extract(data, size, 1, 1, 1);
	if (pages > 1)
		extract(data, size, pages, pages, 1);
	extract(data, size, pages, pages + 1, -1);
	return 0;
}
