/* route: the one table of routes and the dispatcher that enforces it.
 *
 * Before a handler runs, the dispatcher has: found the route by method and path (404),
 * authenticated the request by session cookie or API token, refused a user whose role is
 * not in the route's set (403; a login redirect for anonymous page requests), checked the
 * CSRF token of state-changing requests (403), refused keys the route does not declare
 * (400) and parsed every declared key and path parameter by its type (400 naming the field
 * in the user's words). Handlers therefore read parsed values (web_int, web_str) and only
 * check the objects they touch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include <sodium.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "embedded.h"
#include "model/registry.h"
#include "web/metrics.h"
#include "web/web.h"

/* One key: K("page", WEB_INT, "номер страницы", .min = 1, .max = 1000). */
#define K(n, t, ti, ...) { .name = n, .type = t, .title = ti, __VA_ARGS__ }
#define KEYS(...) ((const struct web_key[]){ __VA_ARGS__, { .name = NULL } })
#define NONE ((const struct web_key[]){ { .name = NULL } })
#define ID_MAX ((int64_t)1 << 53) /* a row id: any positive integer a database holds */

static const char *const school_kinds[] = { "СОШ", "ООШ", "НОШ", "лицей", "гимназия", "филиал", "другое", NULL };
static const char *const roles[] = { "admin", "region", "municipality", "school", "expert", "observer", NULL };
static const char *const alias_decisions[] = { "confirm", "reject", NULL };
static const char *const upload_decisions[] = { "replace", "create", "cancel", NULL };
static const char *const formats[] = { "csv", "xlsx", NULL };
static const char *const one[] = { "1", NULL };
static const char *const note_saved[] = { "note", "file", NULL }; /* a status note stored: with a file */
static const char *const all[] = { "all", NULL };
static const char *const material_parts[] = { "archive", "key", "criteria", "variants", NULL };
static const char *const reveal_values[] = { "always", "day", NULL };
static const char *const coverage_groups[] = { "municipality", "kind", "risk", NULL };
static const char *const video_modes[] = { "none", "record", "online", NULL };
static const char *const video_phases[] = { "sitting", "checking", NULL };
static const char *const kind_actions[] = { "add", "set", NULL };
static const char *const rc_rules[] = { "risk", "official", "boundary", "random", "medal", NULL };
static const char *const rc_kinds[] = { "municipal", "cross", NULL };
static const char *const block_actions[] = { "add", "rename", "delete", NULL };
static const char *const move_dirs[] = { "up", "down", NULL };
static const char *const mp_statuses[] = { "planned", "progress", "done", "cancelled", NULL };
static const char *const mp_kinds[] = { "interview", "control", "recheck", "observers", "seminar", NULL };
static const char *const note_kinds[] = { "order", "info-note", "analytic-note", "plan", NULL };
static const char *const doc_formats[] = { "docx", "pdf", NULL };
static const char *const medal_formats[] = { "csv", "xlsx", "pdf", NULL };
static const char *const medal_degrees[] = { "0", "1", "2", NULL };
static const char *const risk_sorts[] = { "rank", "name", "municipality", "official", "published", "own", "works", NULL };

/* Keys several routes take, written once. */
#define CSRF K("csrf", WEB_TEXT, "ключ формы", .max = 128)
#define PAGE(n) K("page", WEB_INT, "номер страницы", .min = 1, .max = (n), .dflt = 1)
#define MUNICIPALITY K("municipality", WEB_INT, "муниципалитет", .min = 0, .max = ID_MAX)
#define KIND K("kind", WEB_ENUM, "тип школы", .values = school_kinds)
#define Q K("q", WEB_TEXT, "поиск", .max = 100)
#define PROCEDURE K("procedure", WEB_CODE, "процедура")
#define SCHOOL K("school", WEB_LOGIN, "школа (логин)")
#define YEAR K("year", WEB_INT, "учебный год", .min = 2000, .max = 2100)
#define CLASS K("class", WEB_TEXT, "класс", .max = 16)
#define CAMPAIGN K("campaign", WEB_INT, "кампания", .min = 1, .max = ID_MAX)
#define FILE_ K("file", WEB_FILE, "файл")
#define DRY_RUN K("dry_run", WEB_FLAG, "только проверить")
#define UNIT SCHOOL, K("municipality", WEB_INT, "муниципалитет", .min = 1, .max = ID_MAX), \
	K("region", WEB_INT, "регион", .min = 1, .max = ID_MAX)
#define DATE(name, title) K(name, WEB_DATE, title)
#define CELL(name, title) K(name, WEB_TEXT, title, .max = 100, .many = true)
/* An observer of the registry by row id; 0 or empty: nobody («снять»). */
#define OBSERVER_ID K("observer", WEB_INT, "наблюдатель", .min = 0, .max = ID_MAX)
#define COVERAGE_BY K("by", WEB_ENUM, "группировка", .values = coverage_groups)
/* The orders of the risk list (pages/risk.c). */
#define RISK_SORT K("sort", WEB_ENUM, "порядок", .values = risk_sorts)
/* A measure's fields (pages/measures.c); lengths in characters that fit model/measure.h's
 * byte limits in Cyrillic (two bytes a letter). */
#define MEASURE_FIELDS K("text", WEB_TEXT, "мероприятие", .max = 990), \
	K("term", WEB_TEXT, "срок", .max = 140), DATE("start", "начало периода"), DATE("due", "срок выполнения"), \
	K("responsible", WEB_TEXT, "ответственный", .max = 140), \
	K("expected", WEB_TEXT, "ожидаемый результат", .max = 990), \
	K("specifics", WEB_TEXT, "учёт специфики территории", .max = 990)
#define MPLAN_FIELDS K("title", WEB_TEXT, "название плана", .max = 190), \
	DATE("period_from", "начало периода плана"), DATE("period_to", "конец периода плана")

/* Path parameters, typed by their {name} in the pattern (one meaning per name). */
static const struct web_key path_keys[] = {
	K("login", WEB_LOGIN, "логин школы в адресе страницы"),
	K("procedure", WEB_CODE, "код процедуры в адресе страницы"),
	K("what", WEB_ENUM, "материал в адресе страницы", .values = material_parts),
	K("id", WEB_INT, "номер в адресе страницы", .min = 1, .max = ID_MAX),
	{ .name = NULL },
};

/* issue 18: a user by login; the territory chosen from lists (pages/admin.c); a school's fields. */
#define USER_KEY K("user", WEB_LOGIN, "пользователь")
#define USER_SCOPES K("scope_region", WEB_TEXT, "регион", .max = 300), \
	K("scope_municipality", WEB_TEXT, "муниципалитет", .max = 300), K("scope_school", WEB_TEXT, "школа", .max = 300)
#define SCHOOL_FIELDS K("name", WEB_TEXT, "название школы", .max = 300), \
	K("municipality", WEB_INT, "муниципалитет", .min = 1, .max = ID_MAX), KIND, \
	K("settlement", WEB_TEXT, "местность", .max = 10), K("indepth", WEB_FLAG, "углублённое изучение"), \
	K("address", WEB_TEXT, "адрес", .max = 150)
#define ADMIN WEB_ROLE(ROLE_ADMIN)
#define REGION (WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION))
#define SCHOOLS WEB_ROLE(ROLE_SCHOOL)
#define OBSERVERS WEB_ROLE(ROLE_OBSERVER)
#define EXPERTS WEB_ROLE(ROLE_EXPERT)

const struct web_route web_routes[] = {
	{ "GET", "/login", page_login, WEB_PUBLIC, false, KEYS(K("next", WEB_TEXT, "адрес возврата", .max = 2000)) },
	{ "POST", "/login", page_login_post, WEB_PUBLIC, false,
	  KEYS(K("login", WEB_TEXT, "логин", .max = 200), K("password", WEB_TEXT, "пароль", .max = 1000),
	       K("next", WEB_TEXT, "адрес возврата", .max = 2000)) },
	{ "POST", "/logout", page_logout, WEB_ANY_USER, true, KEYS(CSRF) },
	{ "GET", "/", page_home, WEB_ANY_USER, false, KEYS(K("all", WEB_FLAG, "все процедуры по муниципалитетам")) },
	{ "GET", "/schools", page_schools, WEB_TERRITORY, false,
	  /* sort: an unknown order falls back to the name (t_web.sh), so it is text */
	  KEYS(Q, MUNICIPALITY, KIND, K("sort", WEB_TEXT, "порядок", .max = 40), PAGE(1000000)) },
	/* issue 18: the registry's export and editing (pages/schools.c) */
	{ "GET", "/schools/export", page_schools_export, WEB_TERRITORY, false,
	  KEYS(Q, MUNICIPALITY, KIND, K("sort", WEB_TEXT, "порядок", .max = 40), K("format", WEB_ENUM, "формат", .values = formats)) },
	{ "GET", "/schools/new", page_school_new, REGION, false, NONE },
	{ "POST", "/schools/new", page_school_new_post, REGION, true, KEYS(CSRF, K("login", WEB_LOGIN, "логин"), SCHOOL_FIELDS) },
	{ "GET", "/schools/{login}/edit", page_school_edit, REGION, false, NONE },
	{ "POST", "/schools/{login}/edit", page_school_edit_post, REGION, true, KEYS(CSRF, SCHOOL_FIELDS) },
	{ "GET", "/municipalities", page_municipalities, REGION, false, NONE },
	{ "POST", "/municipalities", page_municipalities_post, REGION, true,
	  KEYS(CSRF, K("id", WEB_INT, "муниципалитет", .min = 1, .max = ID_MAX), K("name", WEB_TEXT, "название", .max = 150),
	       K("region", WEB_INT, "регион", .min = 1, .max = ID_MAX)) },
	{ "GET", "/schools/aliases", page_school_aliases, REGION, false, NONE },
	{ "POST", "/schools/aliases", page_school_aliases_post, REGION, true,
	  KEYS(CSRF, K("login", WEB_LOGIN, "логин"), K("decision", WEB_ENUM, "решение", .values = alias_decisions)) },
	{ "GET", "/schools/{login}", page_school, WEB_STAFF, false, NONE },
	{ "GET", "/upload", page_upload, WEB_STAFF, false, NONE },
	{ "POST", "/upload", page_upload_post, WEB_STAFF, true,
	  KEYS(CSRF, PROCEDURE, FILE_, DRY_RUN, K("strict", WEB_FLAG, "строгая проверка")) },
	{ "POST", "/upload/confirm", page_upload_confirm, WEB_STAFF, true,
	  KEYS(CSRF, K("pending", WEB_INT, "номер загрузки", .min = 1, .max = ID_MAX),
	       K("decision", WEB_ENUM, "решение", .values = upload_decisions),
	       K("positions", WEB_TEXT, "позиции", .max = 4000), K("scale", WEB_TEXT, "шкала", .max = 100)) },
	{ "GET", "/users", page_users, ADMIN, false, NONE },
	{ "POST", "/users", page_users_post, ADMIN, true,
	  KEYS(CSRF, K("login", WEB_TEXT, "логин", .max = 64), K("name", WEB_TEXT, "имя", .max = 200),
	       K("role", WEB_ENUM, "роль", .values = roles), K("scope", WEB_TEXT, "территория", .max = 300),
	       USER_SCOPES, K("password", WEB_TEXT, "пароль", .max = 1000)) },
	{ "POST", "/users/tokens/revoke", page_users_token_revoke, ADMIN, true,
	  KEYS(CSRF, K("id", WEB_INT, "номер ключа", .min = 1, .max = ID_MAX)) },
	/* issue 18: editing users (pages/admin.c); the territory comes from lists. */
	{ "GET", "/users/edit", page_user_edit, ADMIN, false, KEYS(USER_KEY) },
	{ "POST", "/users/edit", page_user_edit_post, ADMIN, true,
	  KEYS(CSRF, USER_KEY, K("name", WEB_TEXT, "имя", .max = 200), K("role", WEB_ENUM, "роль", .values = roles),
	       USER_SCOPES) },
	{ "POST", "/users/block", page_user_block, ADMIN, true,
	  KEYS(CSRF, USER_KEY, K("blocked", WEB_INT, "блокировка", .min = 0, .max = 1)) },
	{ "POST", "/users/password", page_user_password, ADMIN, true,
	  KEYS(CSRF, USER_KEY, K("password", WEB_TEXT, "пароль", .max = 1000), K("generate", WEB_FLAG, "создать пароль")) },
	{ "POST", "/users/delete", page_user_delete, ADMIN, true, KEYS(CSRF, USER_KEY) },
	{ "GET", "/audit", page_audit, REGION, false,
	  KEYS(PAGE(1000000), K("action", WEB_TEXT, "действие", .max = 60), K("who", WEB_TEXT, "пользователь", .max = 64),
	       DATE("from", "начало периода"), DATE("to", "конец периода"), Q,
	       K("format", WEB_ENUM, "формат", .values = formats)) },
	{ "GET", "/favicon.ico", page_favicon, WEB_PUBLIC, false, NONE },
	{ "GET", "/reports", page_reports, WEB_STAFF, false,
	  KEYS(PROCEDURE, K("unit", WEB_TEXT, "территория", .max = 40),
	       K("school", WEB_TEXT, "школа (часть названия или логин)", .max = 200)) },
	{ "GET", "/reports/{procedure}", page_report, WEB_STAFF, false, KEYS(UNIT) },
	{ "GET", "/reports/{procedure}/xlsx", page_report_xlsx, WEB_STAFF, false, KEYS(UNIT) },
	{ "GET", "/reports/{procedure}/pdf", page_report_pdf, WEB_STAFF, false, KEYS(UNIT) },
	{ "GET", "/risk", page_risk, WEB_TERRITORY, false,
	  KEYS(K("all", WEB_ENUM, "какие школы", .values = one), PAGE(100000), MUNICIPALITY, KIND, RISK_SORT) },
	{ "GET", "/risk/export", page_risk_export, WEB_TERRITORY, false,
	  KEYS(K("format", WEB_ENUM, "формат", .values = formats), K("all", WEB_ENUM, "какие школы", .values = one),
	       MUNICIPALITY, KIND, RISK_SORT) },
	{ "GET", "/risk/pdf", page_risk_pdf, WEB_TERRITORY, false,
	  KEYS(K("all", WEB_ENUM, "какие школы", .values = one), MUNICIPALITY, KIND, RISK_SORT) },
	{ "GET", "/risk/{login}", page_evidence, WEB_TERRITORY, false, NONE },
	{ "GET", "/risk/{login}/pdf", page_evidence_pdf, WEB_TERRITORY, false, NONE },
	{ "GET", "/pupils", page_pupils, SCHOOLS, false, KEYS(CLASS, YEAR) },
	{ "POST", "/pupils", page_pupils_add, SCHOOLS, true,
	  KEYS(CSRF, YEAR, CLASS, K("surname", WEB_TEXT, "фамилия", .max = 80), K("name", WEB_TEXT, "имя", .max = 80),
	       K("patronymic", WEB_TEXT, "отчество", .max = 80)) },
	{ "POST", "/pupils/import", page_pupils_import, SCHOOLS, true, KEYS(CSRF, YEAR, FILE_, DRY_RUN) },
	{ "POST", "/pupils/codes", page_pupils_codes, SCHOOLS, true, KEYS(CSRF, YEAR) },
	/* issue 22: one pupil's name deleted by the school (code and results stay) */
	{ "POST", "/pupils/delete", page_pupils_delete, SCHOOLS, true,
	  KEYS(CSRF, YEAR, K("pupil", WEB_INT, "ученик", .min = 1, .max = ID_MAX)) },
	{ "GET", "/pupils/slips.pdf", page_pupils_slips, SCHOOLS, false, KEYS(CLASS, YEAR) },
	{ "GET", "/pupils/protocol.pdf", page_pupils_protocol, SCHOOLS, false, KEYS(CLASS, YEAR) },
	/* issue 20: teachers in the risk zone — names for the school, counts for the territory
	 * (pages/teachers.c; the model opens names only for the school's own users) */
	{ "GET", "/teachers", page_teachers, WEB_STAFF, false, KEYS(YEAR) },
	{ "POST", "/teachers", page_teachers_assign, SCHOOLS, true,
	  KEYS(CSRF, PROCEDURE, CLASS, K("teacher", WEB_TEXT, "учитель", .max = 120)) },
	{ "POST", "/teachers/import", page_teachers_import, SCHOOLS, true, KEYS(CSRF, YEAR, FILE_, DRY_RUN) },
	/* issue 20: the medalists' non-confirmation index (pages/medalists.c) */
	{ "GET", "/medalists", page_medalists, WEB_STAFF, false,
	  KEYS(YEAR, SCHOOL, K("from", WEB_INT, "первый год", .min = 2000, .max = 2100)) },
	{ "GET", "/medalists/export", page_medalists_export, WEB_TERRITORY, false,
	  KEYS(YEAR, K("from", WEB_INT, "первый год", .min = 2000, .max = 2100),
	       K("format", WEB_ENUM, "формат", .values = medal_formats)) },
	{ "POST", "/medalists/import", page_medalists_import, WEB_TERRITORY, true, KEYS(CSRF, YEAR, SCHOOL, FILE_, DRY_RUN) },
	{ "POST", "/medalists/thresholds", page_medalists_thresholds, REGION, true, KEYS(CSRF, YEAR, SCHOOL, FILE_, DRY_RUN) },
	{ "POST", "/medalists/thresholds/reset", page_medalists_thresholds_reset, REGION, true, KEYS(CSRF, YEAR, SCHOOL) },
	{ "POST", "/medalists/thresholds/row", page_medalists_threshold_row, REGION, true,
	  KEYS(CSRF, YEAR, K("medal", WEB_ENUM, "медаль", .values = medal_degrees),
	       K("subject", WEB_TEXT, "предмет", .max = 8), K("min_score", WEB_TEXT, "наименьший балл", .max = 8),
	       K("min_mark", WEB_TEXT, "наименьшая отметка", .max = 8),
	       K("source", WEB_TEXT, "основание", .max = 390)) },
	{ "GET", "/grid", page_grid_list, SCHOOLS, false, NONE },
	{ "GET", "/grid/{procedure}", page_grid, SCHOOLS, false,
	  KEYS(CLASS, K("saved", WEB_ENUM, "сохранено", .values = one)) },
	/* One field per cell, in document order (pages/grid.c checks the cells' rules). */
	{ "POST", "/grid/{procedure}", page_grid_post, SCHOOLS, true,
	  KEYS(CSRF, CLASS, CELL("code", "код участника"), CELL("k", "класс"), CELL("v", "вариант"),
	       CELL("p", "балл"), CELL("g", "пол"), CELL("j", "отметка в журнале")) },
	{ "GET", "/grid/{procedure}/form.xlsx", page_grid_form, SCHOOLS, false, NONE },
	{ "GET", "/plan", page_plan, WEB_STAFF, false, KEYS(CAMPAIGN) },
	{ "POST", "/plan", page_plan_create, REGION, true,
	  KEYS(CSRF, K("name", WEB_TEXT, "название кампании", .max = 190)) },
	{ "POST", "/plan/procedure", page_plan_procedure, REGION, true,
	  KEYS(CSRF, CAMPAIGN, PROCEDURE, DATE("materials_from", "материалы доступны с"),
	       DATE("window_from", "начало периода проведения"), DATE("window_to", "конец периода проведения"),
	       DATE("criteria_from", "критерии доступны с"), DATE("form_from", "форма сбора результатов доступна с"),
	       DATE("upload_deadline", "срок загрузки результатов")) },
	{ "POST", "/plan/assign", page_plan_assign, WEB_TERRITORY, true,
	  KEYS(CSRF, CAMPAIGN, PROCEDURE, SCHOOL,
	       K("municipality", WEB_INT, "муниципалитет", .min = 1, .max = ID_MAX, .values = all)) },
	/* issue 22: a school taken off a procedure (refused once it took part) */
	{ "POST", "/plan/unassign", page_plan_unassign, WEB_TERRITORY, true, KEYS(CSRF, CAMPAIGN, PROCEDURE, SCHOOL) },
	{ "POST", "/plan/coordinator", page_plan_coordinator, WEB_TERRITORY, true,
	  KEYS(CSRF, CAMPAIGN, K("login", WEB_LOGIN, "логин пользователя")) },
	{ "POST", "/plan/date", page_plan_date, SCHOOLS, true,
	  KEYS(CSRF, CAMPAIGN, PROCEDURE, DATE("date", "дата проведения"), K("time", WEB_TIME, "время проведения"),
	       CLASS) },
	{ "GET", "/plan/print.pdf", page_plan_pdf, WEB_STAFF, false, KEYS(CAMPAIGN) },
	{ "GET", "/monitoring", page_monitoring, WEB_TERRITORY, false,
	  KEYS(PROCEDURE, MUNICIPALITY, K("format", WEB_ENUM, "формат", .values = formats)) },
	/* Procedures and KIM descriptions (pages/procedures.c); /procedures/kim before the
	 * {procedure} pattern, which would take it. */
#define RETURN K("return", WEB_TEXT, "адрес возврата", .max = 300)
#define SCALE_KEYS K("scale3", WEB_INT, "наименьший балл на «3»", .min = 0, .max = 25600), \
	K("scale4", WEB_INT, "наименьший балл на «4»", .min = 0, .max = 25600), \
	K("scale5", WEB_INT, "наименьший балл на «5»", .min = 0, .max = 25600)
#define POSITIONS_SCALE K("positions", WEB_TEXT, "позиции", .max = 8000), SCALE_KEYS
#define PROC_FIELDS K("kind", WEB_CODE, "вид процедуры"), YEAR, K("subject", WEB_CODE, "предмет"), \
	K("grade", WEB_INT, "класс", .min = 1, .max = 11)
	{ "GET", "/procedures", page_procedures, REGION, false, KEYS(RETURN) },
	{ "POST", "/procedures", page_procedures_create, REGION, true, KEYS(CSRF, RETURN, PROC_FIELDS, POSITIONS_SCALE) },
	{ "POST", "/procedures/kim", page_procedures_kim, REGION, true,
	  KEYS(CSRF, RETURN, PROC_FIELDS, FILE_, SCALE_KEYS) },
	{ "GET", "/procedures/{procedure}", page_procedure, REGION, false, KEYS(RETURN) },
	{ "POST", "/procedures/{procedure}", page_procedure_update, REGION, true, KEYS(CSRF, RETURN, POSITIONS_SCALE) },
	/* The analysis run from the browser (pages/analysis.c). */
	{ "GET", "/analysis", page_analysis, REGION, false, NONE },
	{ "POST", "/analysis", page_analysis_start, REGION, true, KEYS(CSRF) },
	{ "GET", "/materials", page_materials, SCHOOLS | REGION, false, NONE },
	{ "POST", "/materials", page_materials_add, REGION, true,
	  KEYS(CSRF, PROCEDURE, K("variant", WEB_INT, "вариант", .min = 1, .max = 99), FILE_) },
	{ "POST", "/materials/schedule", page_materials_schedule, REGION, true,
	  KEYS(CSRF, PROCEDURE, K("archive", WEB_DATETIME, "архив с"), K("key", WEB_DATETIME, "ключ с"),
	       K("criteria", WEB_DATETIME, "критерии с")) },
	{ "GET", "/materials/{procedure}/{what}", page_materials_get, SCHOOLS, false, NONE },
	/* Observers (pages/observers.c, observers_act.c; docs/observers.md). */
	{ "GET", "/observers", page_observers, WEB_TERRITORY, false, KEYS(CAMPAIGN, MUNICIPALITY, PAGE(100000)) },
	{ "GET", "/observers/set", page_observers_sitting, WEB_TERRITORY, false, KEYS(CAMPAIGN, PROCEDURE, SCHOOL) },
	{ "POST", "/observers/set", page_observers_set, WEB_TERRITORY, true,
	  KEYS(CSRF, CAMPAIGN, PROCEDURE, SCHOOL, OBSERVER_ID) },
	{ "POST", "/observers/assign", page_observers_assign, WEB_TERRITORY, true,
	  KEYS(CSRF, CAMPAIGN, K("seed", WEB_INT, "число для жребия", .min = 0, .max = ID_MAX), DRY_RUN) },
	{ "POST", "/observers/reveal", page_observers_reveal, REGION, true,
	  KEYS(CSRF, CAMPAIGN, K("reveal", WEB_ENUM, "когда школа видит наблюдателя", .values = reveal_values)) },
	{ "POST", "/observers/import", page_observers_import, WEB_TERRITORY, true, KEYS(CSRF, CAMPAIGN, FILE_, DRY_RUN) },
	{ "POST", "/observers/link", page_observers_link, WEB_TERRITORY, true,
	  KEYS(CSRF, CAMPAIGN, OBSERVER_ID, K("login", WEB_LOGIN, "логин пользователя")) },
	{ "GET", "/observers/schedule.csv", page_observers_schedule, WEB_TERRITORY, false, KEYS(CAMPAIGN) },
	{ "GET", "/observers/schedule.xlsx", page_observers_schedule, WEB_TERRITORY, false, KEYS(CAMPAIGN) },
	{ "GET", "/observers/schedule.pdf", page_observers_schedule, WEB_TERRITORY, false, KEYS(CAMPAIGN) },
	{ "GET", "/observers/acts.csv", page_observers_acts, WEB_TERRITORY, false, KEYS(CAMPAIGN) },
	{ "GET", "/observers/acts.xlsx", page_observers_acts, WEB_TERRITORY, false, KEYS(CAMPAIGN) },
	{ "GET", "/observers/coverage.csv", page_observers_coverage, WEB_TERRITORY, false, KEYS(CAMPAIGN, COVERAGE_BY) },
	{ "GET", "/observers/coverage.xlsx", page_observers_coverage, WEB_TERRITORY, false, KEYS(CAMPAIGN, COVERAGE_BY) },
	{ "GET", "/observers/control", page_observers_control, WEB_TERRITORY, false, KEYS(CAMPAIGN) },
	{ "GET", "/observers/violations", page_violations, REGION, false, NONE },
	{ "POST", "/observers/violations", page_violations_post, REGION, true,
	  KEYS(CSRF, K("action", WEB_ENUM, "действие", .values = kind_actions),
	       K("id", WEB_INT, "вид нарушения", .min = 1, .max = ID_MAX),
	       K("title", WEB_TEXT, "название нарушения", .max = 120), K("active", WEB_FLAG, "действует")) },
	{ "GET", "/observers/school", page_observers_school, SCHOOLS, false, NONE },
	{ "POST", "/video", page_video_post, SCHOOLS, true,
	  KEYS(CSRF, PROCEDURE, K("phase", WEB_ENUM, "этап", .values = video_phases),
	       K("mode", WEB_ENUM, "видеонаблюдение", .values = video_modes), DATE("kept_until", "запись хранится до"),
	       K("kept_where", WEB_TEXT, "где хранится запись", .max = 200),
	       K("outage", WEB_INT, "перерывы в видеонаблюдении, минут", .min = 0, .max = 1440),
	       K("problems", WEB_TEXT, "неполадки", .max = 900)) },
	{ "GET", "/acts/new", page_act_new, OBSERVERS, false, KEYS(PROCEDURE, SCHOOL) },
	/* js: the offline act's script (static/act.js) asks for a JSON answer. */
	{ "POST", "/acts", page_act_post, OBSERVERS, true,
	  KEYS(CSRF, PROCEDURE, SCHOOL, K("started", WEB_TIME, "начало работы"), K("ended", WEB_TIME, "окончание работы"),
	       K("stage", WEB_INT, "этап", .min = 0, .max = 4, .many = true),
	       K("no_violations", WEB_FLAG, "нарушений не выявлено"),
	       K("violation", WEB_INT, "нарушение", .min = 1, .max = ID_MAX, .many = true),
	       K("comment", WEB_TEXT, "комментарий", .max = 999), K("client_key", WEB_TEXT, "ключ акта", .max = 60),
	       K("js", WEB_FLAG, "ответ для скрипта")) },
	/* Before /acts/{id}: that pattern would take "5.pdf" as its number. */
	{ "GET", "/acts/{id}.pdf", page_act_pdf, OBSERVERS | WEB_TERRITORY, false, NONE },
	{ "GET", "/acts/{id}", page_act, OBSERVERS | WEB_TERRITORY, false, NONE },
	/* Re-checks (pages/recheck.c: the coordinator's; pages/scans.c: the school's scans;
	 * pages/expert.c: the expert's queue; docs/recheck.md). The literal paths come before
	 * the {id} ones. */
	{ "GET", "/recheck", page_recheck, WEB_TERRITORY, false, KEYS(PROCEDURE) },
	{ "POST", "/recheck/sample", page_recheck_sample, WEB_TERRITORY, true,
	  KEYS(CSRF, PROCEDURE, K("rule", WEB_ENUM, "правило отбора", .values = rc_rules, .many = true),
	       K("share", WEB_TEXT, "доля", .max = 12), K("seed", WEB_INT, "число для жребия", .min = 0, .max = ID_MAX),
	       K("kind", WEB_ENUM, "вид проверки", .values = rc_kinds), K("no_mutual", WEB_FLAG, "без взаимной проверки"),
	       K("medal", WEB_TEXT, "кандидаты на медаль", .max = 20000), DRY_RUN) },
	{ "POST", "/recheck/settings", page_recheck_settings, WEB_TERRITORY, true,
	  KEYS(CSRF, PROCEDURE, K("point_diff", WEB_INT, "существенное расхождение, баллов", .min = 1, .max = 100),
	       K("tolerance", WEB_INT, "допустимое изменение первичного балла", .min = 0, .max = 100),
	       K("control_rate", WEB_INT, "доля контрольных работ, %", .min = 0, .max = 50)) },
	{ "POST", "/recheck/experts/import", page_recheck_experts_import, WEB_TERRITORY, true,
	  KEYS(CSRF, FILE_, DRY_RUN) },
	{ "POST", "/recheck/experts/link", page_recheck_experts_link, WEB_TERRITORY, true,
	  KEYS(CSRF, K("expert", WEB_INT, "эксперт", .min = 1, .max = ID_MAX), K("login", WEB_LOGIN, "логин пользователя")) },
	{ "GET", "/recheck/{id}", page_recheck_round, WEB_TERRITORY, false, KEYS(PAGE(100000)) },
	{ "POST", "/recheck/{id}/assign", page_recheck_assign, WEB_TERRITORY, true,
	  KEYS(CSRF, K("seed", WEB_INT, "число для жребия", .min = 0, .max = ID_MAX)) },
	{ "GET", "/recheck/{id}/works.csv", page_recheck_download, WEB_TERRITORY, false, NONE },
	{ "GET", "/recheck/{id}/schools.csv", page_recheck_download, WEB_TERRITORY, false, NONE },
	{ "GET", "/recheck/{id}/experts.csv", page_recheck_download, WEB_TERRITORY, false, NONE },
	{ "GET", "/recheck/{id}/positions.csv", page_recheck_download, WEB_TERRITORY, false, NONE },
	{ "GET", "/scans", page_scans, SCHOOLS, false, NONE },
	{ "POST", "/scans", page_scans_post, SCHOOLS, true,
	  KEYS(CSRF, K("work", WEB_INT, "работа", .min = 1, .max = ID_MAX), FILE_) },
	{ "POST", "/scans/split", page_scans_split, SCHOOLS, true,
	  KEYS(CSRF, PROCEDURE, FILE_, K("codes", WEB_TEXT, "коды участников по порядку", .max = 20000)) },
	/* A work's scan: the school that uploaded it and the coordinators who see the school. */
	{ "GET", "/scans/{id}", page_scan_get, SCHOOLS | WEB_TERRITORY, false, NONE },
	{ "GET", "/expert", page_expert, EXPERTS, false, NONE },
	{ "GET", "/expert/{id}", page_expert_task, EXPERTS, false, NONE },
	/* p: the scores in the order of the positions; js: the grid's script saves as the
	 * expert goes and asks for a JSON answer. */
	{ "POST", "/expert/{id}", page_expert_save, EXPERTS, true,
	  KEYS(CSRF, K("p", WEB_TEXT, "балл", .max = 8, .many = true), K("done", WEB_FLAG, "проверка завершена"),
	       K("js", WEB_FLAG, "ответ для скрипта")) },
	{ "GET", "/expert/{id}/scan", page_expert_scan, EXPERTS, false, NONE },
	/* Plans of measures (pages/measures.c; docs/measures.md): every plan and measure named
	 * in a request is checked against the scope (404 outside it). /measure/note/{id} before
	 * /measure/{id}/… (literal first). */
	{ "GET", "/measures", page_measures, WEB_STAFF, false, NONE },
	{ "POST", "/measures", page_measures_create, WEB_STAFF, true,
	  KEYS(CSRF, MPLAN_FIELDS, K("template", WEB_TEXT, "шаблон", .max = 31),
	       K("owner", WEB_TEXT, "чей план", .max = 40)) },
	{ "GET", "/measures/{id}", page_mplan, WEB_STAFF, false, NONE },
	{ "POST", "/measures/{id}", page_mplan_update, WEB_STAFF, true,
	  KEYS(CSRF, MPLAN_FIELDS, K("goal", WEB_TEXT, "цель", .max = 990),
	       K("approved", WEB_TEXT, "утверждён", .max = 140)) },
	{ "POST", "/measures/{id}/delete", page_mplan_delete, WEB_STAFF, true,
	  KEYS(CSRF, K("confirm", WEB_FLAG, "подтверждение удаления")) },
	{ "POST", "/measures/{id}/block", page_mplan_block, WEB_STAFF, true,
	  KEYS(CSRF, K("action", WEB_ENUM, "действие", .values = block_actions),
	       K("block", WEB_INT, "направление", .min = 1, .max = ID_MAX),
	       K("title", WEB_TEXT, "название направления", .max = 190)) },
	{ "POST", "/measures/{id}/measure", page_mplan_measure_add, WEB_STAFF, true,
	  KEYS(CSRF, K("block", WEB_INT, "направление", .min = 1, .max = ID_MAX), MEASURE_FIELDS) },
	{ "POST", "/measures/{id}/help", page_mplan_help, WEB_STAFF, true,
	  KEYS(CSRF, K("kind", WEB_ENUM, "вид помощи", .values = mp_kinds, .many = true), DATE("due", "срок выполнения")) },
	{ "POST", "/measures/{id}/import", page_mplan_import, WEB_STAFF, true, KEYS(CSRF, FILE_, DRY_RUN) },
	{ "GET", "/measures/{id}/plan.xlsx", page_mplan_xlsx, WEB_STAFF, false, NONE },
	{ "GET", "/measure/note/{id}", page_measure_file, WEB_STAFF, false, NONE },
	{ "GET", "/measure/{id}", page_measure, WEB_STAFF, false,
	  KEYS(K("saved", WEB_ENUM, "сохранено", .values = note_saved)) },
	{ "POST", "/measure/{id}", page_measure_update, WEB_STAFF, true, KEYS(CSRF, MEASURE_FIELDS) },
	{ "POST", "/measure/{id}/delete", page_measure_delete, WEB_STAFF, true, KEYS(CSRF) },
	{ "POST", "/measure/{id}/move", page_measure_move, WEB_STAFF, true,
	  KEYS(CSRF, K("dir", WEB_ENUM, "куда переместить", .values = move_dirs)) },
	{ "POST", "/measure/{id}/report", page_measure_report, WEB_STAFF, true,
	  KEYS(CSRF, K("status", WEB_ENUM, "статус", .values = mp_statuses), K("note", WEB_TEXT, "отметка", .max = 990),
	       DATE("done_on", "дата выполнения"), FILE_) },
	/* Official documents (pages/documents.c): a school only its info-note and its plan. */
	{ "GET", "/documents", page_documents, WEB_STAFF, false,
	  KEYS(K("kind", WEB_ENUM, "вид документа", .values = note_kinds),
	       K("plan", WEB_INT, "план мероприятий", .min = 1, .max = ID_MAX)) },
	{ "GET", "/documents/file", page_documents_file, WEB_STAFF, false,
	  KEYS(K("kind", WEB_ENUM, "вид документа", .values = note_kinds),
	       K("format", WEB_ENUM, "формат", .values = doc_formats), CAMPAIGN, PROCEDURE, YEAR,
	       K("plan", WEB_INT, "план мероприятий", .min = 1, .max = ID_MAX), MUNICIPALITY, SCHOOL,
	       K("number", WEB_TEXT, "номер документа", .max = 40), DATE("date", "дата документа")) },
	{ "GET", "/settings", page_settings, REGION, false, NONE },
	{ "POST", "/settings", page_settings_post, REGION, true, KEYS(CSRF, K("zone", WEB_TEXT, "часовой пояс", .max = 40)) },
	/* issue 22: how long pupils' names are kept (model/setting.h) */
	{ "POST", "/settings/retention", page_settings_retention, REGION, true,
	  KEYS(CSRF, K("months", WEB_INT, "срок хранения ФИО, месяцев", .min = 1, .max = 120)) },
	/* issue 22: Prometheus's scrape (web/metrics.c), an administrator's session or API key */
	{ "GET", "/metrics", page_metrics, ADMIN, false, NONE },
	{ "GET", "/api/v1/me", api_me, WEB_ANY_USER, false, NONE },
	{ "GET", "/api/v1/schools", api_schools, WEB_TERRITORY, false, KEYS(Q, MUNICIPALITY, PAGE(1000000)) },
	{ "GET", "/api/v1/procedures", api_procedures, WEB_STAFF, false, NONE },
	{ "GET", "/api/v1/results", api_results, WEB_STAFF, false, KEYS(PROCEDURE) },
	{ "GET", "/api/v1/uploads", api_uploads, WEB_STAFF, false, NONE },
	{ "GET", "/api/v1/risk", api_risk, WEB_TERRITORY, false, NONE },
	{ "GET", "/api/v1/signs", api_signs, WEB_TERRITORY, false, KEYS(SCHOOL) },
	{ NULL, NULL, NULL, 0, false, NULL },
};

/* ---- helpers ---- */

static const char *find_kv(const struct web_kv *kv, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

const char *web_query(const struct web_req *r, const char *key)
{
	return find_kv(r->query, r->nquery, key);
}

const char *web_form(const struct web_req *r, const char *key)
{
	return find_kv(r->form, r->nform, key);
}

/* ---- value parsers ---- */

int web_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s;
	bool neg = *p == '-', big = false;
	uint64_t v = 0;
	if (neg)
		p++;
	if (!*p)
		return ERR_PARSE;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return ERR_PARSE;
		if (v > (UINT64_MAX - 9) / 10)
			big = true; /* keep reading: "1…1x" is not a number at all */
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (big || v > (uint64_t)INT64_MAX + neg)
		return ERR_LIMIT;
	int64_t x = !neg ? (int64_t)v : v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	if (x < min || x > max)
		return ERR_LIMIT;
	*out = x;
	return 0;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Year, month and day of "ГГГГ-ММ-ДД" or "ДД.ММ.ГГГГ" (the first 10 bytes of s). */
static int ymd(const char *s, int *y, int *m, int *d)
{
	if (strnlen(s, 10) < 10)
		return ERR_PARSE;
	if (s[4] == '-' && s[7] == '-' && digits(s, 4, y) && digits(s + 5, 2, m) && digits(s + 8, 2, d)) {
	} else if (s[2] == '.' && s[5] == '.' && digits(s, 2, d) && digits(s + 3, 2, m) && digits(s + 6, 4, y)) {
	} else {
		return ERR_PARSE;
	}
	if (*y < 2000 || *y > 2100 || *m < 1 || *m > 12 || *d < 1 || *d > month_days(*y, *m))
		return ERR_LIMIT;
	return 0;
}

int web_parse_date(const char *s, char out[11])
{
	int y, m, d, rc;
	if (strlen(s) != 10)
		return ERR_PARSE;
	if ((rc = ymd(s, &y, &m, &d)))
		return rc;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

static int hm(const char *s, int *h, int *m)
{
	if (s[2] != ':' || !digits(s, 2, h) || !digits(s + 3, 2, m))
		return ERR_PARSE;
	return *h > 23 || *m > 59 ? ERR_LIMIT : 0;
}

int web_parse_time(const char *s)
{
	int h, m;
	return strlen(s) != 5 ? ERR_PARSE : hm(s, &h, &m);
}

int web_parse_datetime(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, rc;
	size_t n = strlen(s);
	if (n == 16 && s[10] == ' ' && (s[4] == '-' || s[2] == '.')) {
		/* «2021-04-13 09:00» or, as the users write it, «13.04.2021 09:00» */
	} else if (n == 20 && s[10] == 'T' && s[4] == '-' && s[16] == ':' && s[19] == 'Z') {
		if (!digits(s + 17, 2, &sec))
			return ERR_PARSE;
		if (sec > 59)
			return ERR_LIMIT;
	} else {
		return ERR_PARSE;
	}
	if ((rc = ymd(s, &y, &mo, &d)) || (rc = hm(s + 11, &h, &mi)))
		return rc;
	/* Days from 1970-01-01 to y-mo-d (the proleptic Gregorian calendar). */
	int64_t yy = mo <= 2 ? y - 1 : y, era = yy / 400, yoe = yy - era * 400;
	int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	*out = days * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool in_list(const char *const *values, const char *v)
{
	for (const char *const *x = values; x && *x; x++)
		if (!strcmp(*x, v))
			return true;
	return false;
}

/* Checks v against k and fills out (text, number); 0, or ERR_INVALID with msg. */
static int parse_value(const struct web_key *k, const char *v, struct arena *a, struct web_val *out,
		       char *msg, size_t msglen)
{
	char date[11];
	int64_t x = k->dflt;
	const char *why = NULL, *text = v;
	struct buf b = BUF_INIT;
	int rc = 0;
	if (!*v || k->type == WEB_FILE) {
		/* empty: not given */
	} else if (k->type == WEB_TEXT) {
		int64_t max = k->max ? k->max : WEB_TEXT_MAX;
		if (utf8_chars(v) > (size_t)max)
			why = arena_printf(a, "не длиннее %lld знаков", (long long)max);
	} else if (k->type == WEB_INT) {
		if (!in_list(k->values, v) && (rc = web_parse_int(v, k->min, k->max, &x))) {
			buf_puts(&b, "нужно целое число");
			if (k->max >= ID_MAX)
				buf_printf(&b, " не меньше %lld", (long long)k->min);
			else
				buf_printf(&b, " от %lld до %lld", (long long)k->min, (long long)k->max);
			for (const char *const *w = k->values; w && *w; w++)
				buf_printf(&b, " или «%s»", *w);
			why = arena_strdup(a, buf_str(&b));
		}
	} else if (k->type == WEB_LOGIN) {
		/* a login pasted with spaces around it is that login */
		const char *t = v;
		size_t tl = str_trim(&t, strlen(v));
		if (tl != strlen(v))
			v = text = arena_strndup(a, t, tl);
		if (!registry_login_valid(v))
			why = "логин — от 1 до 64 латинских букв, цифр и знаков «_», «-»";
	} else if (k->type == WEB_CODE) {
		bool ok = strlen(v) < 40;
		for (const char *c = v; ok && *c; c++)
			ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			     *c == '-' || *c == '_';
		if (!ok)
			why = "код процедуры — латинские буквы, цифры и дефисы, не длиннее 39 знаков, "
			      "например VPR-2021-RU-4";
	} else if (k->type == WEB_DATE) {
		if (web_parse_date(v, date))
			why = "нужна существующая дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД (годы 2000–2100)";
		else
			text = arena_strdup(a, date);
	} else if (k->type == WEB_TIME) {
		if (web_parse_time(v))
			why = "нужно время в виде ЧЧ:ММ, от 00:00 до 23:59";
	} else if (k->type == WEB_DATETIME) {
		if (web_parse_datetime(v, &x))
			why = "нужны существующие дата и время в виде ДД.ММ.ГГГГ ЧЧ:ММ или ГГГГ-ММ-ДД ЧЧ:ММ (по "
			      "местному времени региона)";
		else if (v[2] == '.') /* handlers read the text as ГГГГ-ММ-ДД ЧЧ:ММ */
			text = arena_printf(a, "%.4s-%.2s-%.2s %.5s", v + 6, v + 3, v, v + 11);
	} else if (k->type == WEB_ENUM) {
		if (!in_list(k->values, v)) {
			buf_puts(&b, "допустимые значения:");
			for (const char *const *w = k->values; w && *w; w++)
				buf_printf(&b, "%s «%s»", w == k->values ? "" : ",", *w);
			why = arena_strdup(a, buf_str(&b));
		}
	} else if (k->type == WEB_FLAG) {
		if (strcmp(v, "1") && strcmp(v, "on"))
			why = "флажок передаётся как «1» или «on»";
	}
	buf_free(&b);
	if (why) {
		snprintf(msg, msglen, "Поле «%s» заполнено неверно: %s.", k->title, why);
		return ERR_INVALID;
	}
	if (out) {
		out->text = text;
		out->num = x;
	}
	return 0;
}

int web_check_value(const struct web_key *k, const char *v, char *msg, size_t msglen)
{
	struct arena a;
	arena_init(&a, 1024);
	int rc = parse_value(k, v, &a, NULL, msg, msglen);
	arena_free(&a);
	return rc ? 400 : 0;
}

const struct web_key *web_path_key(const char *name, size_t len)
{
	for (const struct web_key *k = path_keys; k->name; k++)
		if (strlen(k->name) == len && !strncmp(k->name, name, len))
			return k;
	return NULL;
}

/* ---- parsed values for handlers ---- */

static const struct web_val *value_of(const struct web_req *r, const char *name)
{
	for (int i = 0; i < r->nvals; i++)
		if (!strcmp(r->vals[i].key->name, name))
			return &r->vals[i];
	log_error("%s %s: ключ «%s» не объявлен в таблице маршрутов", r->method, r->path, name);
	return NULL;
}

const char *web_str(const struct web_req *r, const char *name)
{
	const struct web_val *v = value_of(r, name);
	return v ? v->text : NULL;
}

int64_t web_int(const struct web_req *r, const char *name)
{
	const struct web_val *v = value_of(r, name);
	return v ? v->num : 0;
}

bool web_flag(const struct web_req *r, const char *name)
{
	const struct web_val *v = value_of(r, name);
	return v && v->text;
}

const char *web_upload_refusal(const struct web_req *r, const char *choose, const char *big)
{
	const struct web_upload *u = &r->upload;
	if (u->too_large)
		return big;
	if (u->data && u->size)
		return NULL;
	if (u->field && u->filename && *u->filename)
		return arena_printf(r->a, "Файл «%s» пуст: в нём нет ни одного байта. Выберите заполненный "
					  "файл.", u->filename);
	return choose;
}

int web_status_of(int err)
{
	switch (err) {
	case 0: return 200;
	case ERR_NOTFOUND: return 404;
	case ERR_PERM: return 403;
	case ERR_INVALID: case ERR_PARSE: case ERR_FORMAT: case ERR_ENCODING: case ERR_USAGE:
		return 400;
	case ERR_LIMIT: return 413;
	case ERR_BUSY: return 503;
	}
	return 500;
}

void web_redirect(struct web_res *w, const char *path)
{
	w->status = 303;
	w->location = path;
}

void web_error_page(struct web_req *r, struct web_res *w, int status, const char *text)
{
	static const struct { int status; const char *title; } titles[] = {
		{ 400, "Неверный запрос" }, { 403, "Доступ запрещён" }, { 404, "Страница не найдена" },
		{ 405, "Метод не поддерживается" }, { 413, "Слишком большой запрос" },
		{ 431, "Слишком большие заголовки" },
		{ 429, "Слишком много попыток" }, { 500, "Внутренняя ошибка" },
		{ 503, "Сервис недоступен" },
	};
	const char *title = "Ошибка";
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
		if (titles[i].status == status)
			title = titles[i].title;
	buf_reset(&w->body);
	w->status = status;
	w->location = NULL;
	if (!strncmp(r->path, "/api/", 5)) {
		w->type = "application/json; charset=utf-8";
		buf_printf(&w->body, "{\"error\":%d,\"message\":\"", status);
		for (const char *s = text; *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_putc(&w->body, '\\');
			if ((unsigned char)*s >= 0x20)
				buf_putc(&w->body, *s);
		}
		buf_puts(&w->body, "\"}\n");
		return;
	}
	w->type = NULL;
	html_begin(r, w, title);
	buf_puts(&w->body, "<section class=\"card error\"><h1>");
	html_text(&w->body, title);
	buf_puts(&w->body, "</h1><p>");
	html_text(&w->body, text);
	buf_puts(&w->body, "</p>");
	/* A form's field refused by the route table: the way back keeps what was typed. */
	if (status == 400 && strcmp(r->method, "GET"))
		buf_puts(&w->body, "<p>Вернитесь к форме кнопкой «Назад» браузера — введённое в ней сохранится — "
				   "и исправьте это поле.</p>");
	buf_puts(&w->body, "<p><a href=\"/\">На главную</a></p></section>");
	html_end(r, w);
}

int web_static(struct web_req *r, struct web_res *w)
{
	static const char prefix[] = "src/web/static/";
	const char *name = r->path + strlen("/static/");
	for (size_t i = 0; i < embedded_count; i++) {
		const char *p = embedded_files[i].path;
		if (strncmp(p, prefix, sizeof prefix - 1) || strcmp(p + sizeof prefix - 1, name))
			continue;
		const char *dot = strrchr(name, '.');
		w->type = !dot ? "application/octet-stream"
			  : !strcmp(dot, ".css") ? "text/css; charset=utf-8"
			  : !strcmp(dot, ".js") ? "text/javascript; charset=utf-8"
			  : !strcmp(dot, ".svg") ? "image/svg+xml" : "application/octet-stream";
		w->static_body = embedded_files[i].data;
		w->static_len = embedded_files[i].len;
		w->cache = "public, max-age=3600";
		return 0;
	}
	return ERR_NOTFOUND;
}

/* Matches a pattern with {name} segments; fills r->params. */
static bool match(const char *pattern, const char *path, struct web_req *r)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			const char *slash = strchr(path, '/');
			size_t n = slash ? (size_t)(slash - path) : strlen(path);
			/* "{id}.pdf": the parameter ends where the segment's literal rest begins. */
			if (close && close[1] && close[1] != '/') {
				const char *stop = memchr(path, close[1], n);
				if (!stop)
					return false;
				n = (size_t)(stop - path);
			}
			if (!close || n == 0 || np >= WEB_MAX_PARAMS)
				return false;
			r->params[np++] = arena_strndup(r->a, path, n);
			pattern = close + 1;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	if (*pattern || *path)
		return false;
	r->nparams = np;
	return true;
}

/* Paths an API key opens: the JSON API and the monitoring scrape (/metrics: counts only). */
static bool token_path(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strcmp(path, "/metrics");
}

/* Whether a key of this kind opens path (one of token_path's): a metrics key only /metrics. */
static bool token_kind_opens(enum api_token_kind kind, const char *path)
{
	return kind == API_TOKEN_FULL || !strcmp(path, "/metrics");
}

static void authenticate(struct web_req *r)
{
	struct MHD_Connection *conn = r->conn;
	const char *auth = conn ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization") : NULL;
	/* API keys are for scripts and open only the JSON API and /metrics (token_path): never
	 * the pages, which show pupils' names to a school's coordinator, and never a
	 * state-changing form. */
	if (auth && !strncmp(auth, "Bearer ", 7) && token_path(r->path)) {
		enum api_token_kind kind;
		if (api_token_lookup(r->db, auth + 7, r->now, &r->user, &kind) == 0) {
			if (!token_kind_opens(kind, r->path)) {
				/* not authenticated: nothing downstream sees this user */
				memset(&r->user, 0, sizeof r->user);
				r->token_kind_refused = true;
				return;
			}
			r->authed = true;
			r->scope = scope_of(&r->user);
			r->by_token = true;
		}
		return;
	}
	const char *cookie = conn ? MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "oko_session") : NULL;
	if (cookie && session_lookup(r->db, cookie, r->now, &r->user, r->csrf) == 0) {
		r->authed = true;
		r->scope = scope_of(&r->user);
		snprintf(r->session, sizeof r->session, "%s", cookie);
	}
}

/* The route a request goes to, or NULL; sets r->params. */
static const struct web_route *find_route(struct web_req *r, bool *path_known)
{
	*path_known = false;
	for (const struct web_route *x = web_routes; x->method; x++) {
		if (!match(x->pattern, r->path, r))
			continue;
		*path_known = true;
		if (!strcmp(x->method, r->method))
			return r->route = x;
	}
	return NULL;
}

/* The route's declaration of key, or NULL. */
static const struct web_key *declared(const struct web_route *rt, const char *key)
{
	for (const struct web_key *k = rt->keys; k && k->name; k++)
		if (k->prefix ? !strncmp(key, k->name, strlen(k->name)) : !strcmp(k->name, key))
			return k;
	return NULL;
}

static bool takes_file(const struct web_route *rt)
{
	for (const struct web_key *k = rt->keys; k && k->name; k++)
		if (k->type == WEB_FILE)
			return true;
	return false;
}

enum web_body web_body_policy(struct web_req *r)
{
	bool known;
	const struct web_route *rt = find_route(r, &known);
	if (!rt)
		return WEB_BODY_REFUSE;
	if (rt->roles != WEB_PUBLIC) {
		authenticate(r);
		if (!r->authed || !(rt->roles & WEB_ROLE(r->user.role)))
			return WEB_BODY_REFUSE;
	}
	return takes_file(rt) ? WEB_BODY_FILE : WEB_BODY_FORM;
}

static bool keys_declared(const struct web_route *rt, const struct web_kv *kv, int n)
{
	for (int i = 0; i < n; i++)
		if (!declared(rt, kv[i].key))
			return false;
	return true;
}

/* Parses the path parameters and every value of the declared keys into r->vals (the form's
 * value first, then the query's). ERR_INVALID with msg for a bad value or a key given twice
 * that may not repeat. */
static int parse_keys(const struct web_route *rt, struct web_req *r, char *msg, size_t msglen)
{
	r->nvals = 0;
	int np = 0;
	for (const char *p = rt->pattern; (p = strchr(p, '{')); p++) {
		const char *close = strchr(p, '}');
		const struct web_key *k = close ? web_path_key(p + 1, (size_t)(close - p - 1)) : NULL;
		if (!k || np >= r->nparams || r->nvals >= WEB_MAX_KEYS) {
			log_error("маршрут %s: параметр пути без типа", rt->pattern);
			snprintf(msg, msglen, "Внутренняя ошибка таблицы маршрутов.");
			return ERR_LIMIT;
		}
		struct web_val *v = &r->vals[r->nvals++];
		v->key = k;
		if (parse_value(k, r->params[np++], r->a, v, msg, msglen))
			return ERR_INVALID;
	}
	int first = r->nvals, seen[WEB_MAX_KEYS] = { 0 };
	for (const struct web_key *k = rt->keys; k && k->name; k++) {
		if (r->nvals >= WEB_MAX_KEYS) {
			log_error("маршрут %s: больше %d ключей", rt->pattern, WEB_MAX_KEYS);
			snprintf(msg, msglen, "Внутренняя ошибка таблицы маршрутов.");
			return ERR_LIMIT;
		}
		r->vals[r->nvals++] = (struct web_val){ k, NULL, k->dflt };
	}
	/* One pass over the fields (the grid posts thousands): the form's first, then the
	 * query's, so a value in the form wins. */
	for (int pass = 0; pass < 2; pass++) {
		const struct web_kv *kv = pass ? r->query : r->form;
		int n = pass ? r->nquery : r->nform;
		for (int i = 0; i < n; i++) {
			const struct web_key *k = declared(rt, kv[i].key);
			if (!k)
				continue; /* refused before (keys_declared) */
			int x = first + (int)(k - rt->keys);
			if (++seen[x] > 1 && !k->many && !k->prefix) {
				snprintf(msg, msglen, "Поле «%s» указано в запросе несколько раз.", k->title);
				return ERR_INVALID;
			}
			struct web_val v = { k, NULL, k->dflt };
			if (parse_value(k, kv[i].value, r->a, &v, msg, msglen))
				return ERR_INVALID;
			if (seen[x] == 1)
				r->vals[x] = v;
		}
	}
	return 0;
}

void web_dispatch(struct web_req *r, struct web_res *w)
{
	if (r->bad_text) {
		web_error_page(r, w, 400, "Запрос содержит недопустимые символы: нулевой байт или текст "
					  "не в кодировке UTF-8. Проверьте введённые данные и повторите.");
		return;
	}
	if (!strcmp(r->method, "GET") && !strncmp(r->path, "/static/", 8)) {
		if (web_static(r, w))
			web_error_page(r, w, 404, "Такого файла нет.");
		return;
	}
	bool path_known;
	const struct web_route *rt = find_route(r, &path_known);
	if (!rt) {
		web_error_page(r, w, path_known ? 405 : 404,
			       path_known ? "Этот адрес так не открывают." : "Такой страницы нет.");
		return;
	}
	authenticate(r);
	if (rt->roles != WEB_PUBLIC) {
		if (!r->authed) {
			const char *auth = r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
										 "Authorization") : NULL;
			if (r->token_kind_refused) {
				metrics_login_refused(METRICS_LOGIN_TOKEN);
				web_error_page(r, w, 403, "Этот ключ API выдан только для мониторинга: он "
							  "открывает только /metrics.");
			} else if (token_path(r->path) && auth && !strncmp(auth, "Bearer ", 7)) {
				metrics_login_refused(METRICS_LOGIN_TOKEN);
				web_error_page(r, w, 403, "Ключ API не действует: он неверен, истёк или "
							  "отозван. Получите новый у администратора.");
			} else if (token_path(r->path) || strcmp(r->method, "GET")) {
				web_error_page(r, w, 403, "Нужно войти в систему.");
			} else {
				struct buf b = BUF_INIT;
				buf_puts(&b, "/login?next=");
				html_url(&b, r->path);
				web_redirect(w, arena_strdup(r->a, buf_str(&b)));
				buf_free(&b);
			}
			return;
		}
		if (!(rt->roles & WEB_ROLE(r->user.role))) {
			web_error_page(r, w, 403, "У вашей роли нет доступа к этой странице.");
			return;
		}
	}
	if (rt->csrf && !r->by_token) {
		const char *t = web_form(r, "csrf");
		if (!t || !r->csrf[0] || strlen(t) != strlen(r->csrf) ||
		    sodium_memcmp(t, r->csrf, strlen(t)) != 0) {
			web_error_page(r, w, 403, "Форма устарела или отправлена не со страницы oko. "
						  "Обновите страницу и повторите.");
			return;
		}
	}
	if (r->form_overflow || !keys_declared(rt, r->query, r->nquery) ||
	    !keys_declared(rt, r->form, r->nform)) {
		web_error_page(r, w, 400, "Запрос содержит лишние или слишком большие поля.");
		return;
	}
	char msg[512];
	int prc = parse_keys(rt, r, msg, sizeof msg);
	if (prc) {
		web_error_page(r, w, prc == ERR_INVALID ? 400 : 500, msg);
		return;
	}
	web_answer_error(r, w, web_rcache_run(rt, r, w));
}

void web_answer_error(struct web_req *r, struct web_res *w, int rc)
{
	if (rc)
		web_error_page(r, w, web_status_of(rc),
			       rc == ERR_NOTFOUND ? "Такого объекта нет или он вам не виден."
			       : rc == ERR_PERM ? "Этот объект вне вашей территории."
			       : "Не удалось выполнить запрос. Подробности — в журнале сервера.");
}
