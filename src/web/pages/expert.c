/* expert: the expert's queue and scoring page (being written). */
#include "web/web.h"

int page_expert(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
int page_expert_task(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
int page_expert_save(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
int page_expert_scan(struct web_req *r, struct web_res *w) { web_error_page(r, w, 404, "Страница не найдена"); return 0; }
void web_expert_home(struct web_req *r, struct buf *b) { (void)r; (void)b; }
