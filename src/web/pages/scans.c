/* scans: the school's scans of sampled works (being written). */
#include "web/web.h"

int page_scans(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
int page_scans_post(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
int page_scans_split(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
int page_scan_get(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
void web_scans_school_home(struct web_req *r, struct buf *b) { (void)r; (void)b; }
