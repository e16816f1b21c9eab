/* settings: the installation's settings page for the administrator and the region
 * (model/setting.h): the region's time zone, applied at once to every page; how long
 * pupils' names are kept (POST /settings/retention). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "model/plan.h"
#include "model/setting.h"
#include "model/user.h"
#include "web/web.h"

static void settings_page(struct web_req *r, struct web_res *w, const char *msg, bool error)
{
	struct buf *b = &w->body;
	char id[SETTING_VALUE_MAX], now[24], shown[64];
	if (setting_zone(r->db, id, sizeof id))
		snprintf(id, sizeof id, "%s", ru_zone()->id);
	time_t t = (time_t)plan_now();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	html_begin(r, w, "Настройки");
	buf_puts(b, "<h1>Настройки</h1>");
	if (msg) {
		buf_puts(b, error ? "<p class=\"alert\" role=\"alert\">" : "<p class=\"notice\" role=\"status\">");
		html_text(b, msg);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<section><h2>Часовой пояс региона</h2><p>В этом поясе все страницы, документы и "
		    "выгрузки показывают даты и время: загрузки, сроки, выдачу материалов, журнал действий. "
		    "Сейчас в регионе: <strong>");
	html_text(b, ru_moment(shown, sizeof shown, now));
	buf_puts(b, "</strong>.</p><form method=\"post\" action=\"/settings\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Часовой пояс <select name=\"zone\">");
	for (size_t i = 0; i < ru_nzones; i++) {
		buf_puts(b, "<option value=\"");
		html_attr(b, ru_zones[i].id);
		buf_puts(b, strcmp(ru_zones[i].id, id) ? "\">" : "\" selected>");
		html_text(b, ru_zones[i].title);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label> <button>Сохранить</button></form></section>");
	int months = SETTING_RETENTION_DEFAULT;
	setting_retention(r->db, &months);
	html_printf(b, "<section><h2>Срок хранения ФИО учеников</h2><p>ФИО учеников нужны школе, чтобы "
		       "напечатать коды и протокол и сверить работы, пока идут процедуры учебного года и "
		       "перепроверки. Через этот срок после окончания учебного года (31 августа) — и не "
		       "раньше, чем через этот же срок после того, как ФИО внесли, — oko удаляет их сам, раз в "
		       "сутки; коды участников и результаты остаются. Сейчас: <strong>%d %s</strong> "
		       "(по умолчанию %d %s).</p><form method=\"post\" action=\"/settings/retention\">",
		    months, str_plural(months, "месяц", "месяца", "месяцев"), SETTING_RETENTION_DEFAULT,
		    str_plural(SETTING_RETENTION_DEFAULT, "месяц", "месяца", "месяцев"));
	html_csrf(r, b);
	html_printf(b, "<label>Месяцев <input class=\"short\" type=\"number\" name=\"months\" min=\"%d\" max=\"%d\" "
		       "required value=\"%d\"></label> <button>Сохранить</button></form></section>",
		    SETTING_RETENTION_MIN, SETTING_RETENTION_MAX, months);
	html_end(r, w);
}

int page_settings(struct web_req *r, struct web_res *w)
{
	settings_page(r, w, NULL, false);
	return 0;
}

int page_settings_post(struct web_req *r, struct web_res *w)
{
	const char *zone = web_str(r, "zone");
	const struct ru_zone *z = zone ? ru_zone_find(zone) : NULL;
	if (!z) {
		w->status = 400;
		settings_page(r, w, "Такого часового пояса нет в списке: выберите пояс из списка.", true);
		return 0;
	}
	int rc = setting_zone_set(r->db, z->id, r->user.login);
	if (rc) {
		w->status = web_status_of(rc);
		settings_page(r, w, "Не удалось сохранить настройку, попробуйте ещё раз.", true);
		return 0;
	}
	audit_add(r->db, &r->user, NULL, "setting_set", SETTING_TIME_ZONE, z->id, r->ip);
	char msg[200];
	snprintf(msg, sizeof msg, "Сохранено: %s.", z->title);
	settings_page(r, w, msg, false);
	return 0;
}

int page_settings_retention(struct web_req *r, struct web_res *w)
{
	int64_t months = web_int(r, "months"); /* 1..120, checked by the dispatcher */
	int rc = setting_retention_set(r->db, (int)months, r->user.login);
	if (rc) {
		w->status = rc == ERR_INVALID ? 400 : web_status_of(rc);
		settings_page(r, w, rc == ERR_INVALID ? "Срок хранения — число месяцев от 1 до 120."
						      : "Не удалось сохранить настройку, попробуйте ещё раз.", true);
		return 0;
	}
	char v[16], msg[200];
	snprintf(v, sizeof v, "%d", (int)months);
	audit_add(r->db, &r->user, NULL, "setting_set", SETTING_PUPIL_RETENTION, v, r->ip);
	snprintf(msg, sizeof msg, "Сохранено: ФИО учеников хранятся %d %s после окончания учебного года.",
		 (int)months, str_plural((long)months, "месяц", "месяца", "месяцев"));
	settings_page(r, w, msg, false);
	return 0;
}
