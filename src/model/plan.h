/* plan: the plan-graph (план-график) of assessment campaigns and the monitoring of uploads
 * against it.
 *
 * A campaign («ВПР весна 2021») holds procedures (at most one campaign per procedure) with
 * six dates: materials available, the conducting window (from–to), criteria available,
 * results form available, upload deadline. The region (or a municipality, for its schools)
 * assigns participating schools to procedures; each assigned school fixes one date and
 * time for the procedure within the window. A procedure has exactly one grade, so that one
 * date is the date of the school's whole parallel: every class of the grade writes at the
 * same time by construction, and a request naming one class with another date is refused
 * with the reason (plan_fix_date). Coordinators are users (municipal, school) appointed to
 * a campaign. Dates are ISO 'YYYY-MM-DD', times 'HH:MM' (docs/plan.md).
 *
 * Monitoring: for a procedure, each assigned school (and each school that uploaded without
 * being assigned) has a status: uploaded on time, uploaded late (its first upload after
 * the deadline day, UTC), or missing — still awaited while the deadline has not passed,
 * overdue after it. Counts are kept per municipality and in total. */
#ifndef OKO_PLAN_H
#define OKO_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"
#include "model/user.h"

#define PLAN_DATE_LEN 11 /* "YYYY-MM-DD" + NUL */
#define PLAN_TIME_LEN 6  /* "HH:MM" + NUL */
#define PLAN_NAME_MAX 200 /* bytes of a campaign name */

/* The dates of a procedure in a campaign, in the order of the CSV columns. */
enum plan_field {
	PLAN_MATERIALS, PLAN_WINDOW_FROM, PLAN_WINDOW_TO, PLAN_CRITERIA, PLAN_FORM, PLAN_DEADLINE,
	PLAN_NFIELDS
};

struct plan_dates {
	char d[PLAN_NFIELDS][PLAN_DATE_LEN];
};

/* Stable column name ("materials_from") and Russian title («материалы доступны с»). */
const char *plan_field_name(enum plan_field f);
const char *plan_field_title(enum plan_field f);

/* The server's clock in unix seconds. The one place that honours OKO_NOW
 * ("YYYY-MM-DDTHH:MM:SSZ", UTC), which exists for tests only; else time(NULL). */
int64_t plan_now(void);
/* The UTC date of t as "YYYY-MM-DD". */
void plan_date_of(int64_t t, char out[PLAN_DATE_LEN]);

/* True for a real calendar date written "YYYY-MM-DD" (years 2000..2100). */
bool plan_date_valid(const char *s);
/* True for "HH:MM", 00:00..23:59. */
bool plan_time_valid(const char *s);
/* "2021-04-13" → "13.04.2021" (as printed documents write dates). */
void plan_date_ru(const char *iso, char out[PLAN_DATE_LEN]);

/* Checks every date and their order (materials ≤ window_from ≤ window_to ≤ deadline,
 * window_from ≤ criteria ≤ deadline, form ≤ deadline). On a problem returns ERR_INVALID,
 * *field names the offending date and msg the Russian reason. */
int plan_dates_check(const struct plan_dates *p, enum plan_field *field, char *msg, size_t msglen);

/* ---- campaigns and procedures ---- */

/* Finds the campaign by name or creates it; *created tells which. ERR_INVALID for an empty
 * or too long name. */
int plan_campaign_put(struct db *d, const char *name, int64_t *id, bool *created);
/* ERR_NOTFOUND when there is no such campaign. name may be NULL. */
int plan_campaign_find(struct db *d, const char *name, int64_t *id);
int plan_campaign_get(struct db *d, int64_t id, char *name, size_t n);

/* Puts the procedure into the campaign with these dates (or changes its dates). Refuses
 * with ERR_EXISTS when it belongs to another campaign, ERR_INVALID when the dates are
 * inconsistent or schools have already fixed a date outside the new window; msg says why. */
int plan_procedure_put(struct db *d, int64_t campaign_id, int64_t procedure_id,
		       const struct plan_dates *p, char *msg, size_t msglen);
/* The campaign and dates of a planned procedure; ERR_NOTFOUND when it is in no campaign. */
int plan_procedure_get(struct db *d, int64_t procedure_id, int64_t *campaign_id,
		       struct plan_dates *p);

/* Assigns schools of the scope (model/scope.h) to procedures of a campaign: the procedure
 * (0: every procedure of the campaign) × the school (school_id), or every school of a
 * municipality (municipality_id), or every school of the scope (both 0). Schools already
 * assigned stay as they are. *added counts new (procedure, school) pairs. by is the login
 * recorded. */
struct scope;
int plan_assign(struct db *d, const struct scope *sc, int64_t campaign_id, int64_t procedure_id,
		int64_t school_id, int64_t municipality_id, const char *by, long *added);

/* Takes a school of the scope off a procedure of the plan-graph (its date and its observer
 * assignment go with it). Refused with ERR_EXISTS and the Russian reason in msg when the
 * school has taken part already — results stored for the procedure, an observation act, a
 * video record, confidential materials given — or when it is the procedure's last assigned
 * school (a procedure without assigned schools is open to every school: plan_takes_part).
 * ERR_NOTFOUND when the school is not assigned (or not in the scope). *observer_dropped
 * tells that an observer had been assigned to the sitting. docs/plan.md. */
int plan_unassign(struct db *d, const struct scope *sc, int64_t procedure_id, int64_t school_id,
		  bool *observer_dropped, char *msg, size_t msglen);

/* The school fixes the date and time of a procedure for its parallel. class_name, when
 * given, is a class the request speaks for: it must be of the procedure's grade, and when
 * the parallel already has another date the request is refused — all classes of a
 * parallel write at the same time. ERR_NOTFOUND when the school is not assigned;
 * ERR_INVALID with the Russian reason for a bad date/time, a date outside the window, a
 * class of another grade or of another date than its parallel. */
int plan_fix_date(struct db *d, int64_t procedure_id, int64_t school_id, const char *class_name,
		  const char *date, const char *time, const char *by, char *msg, size_t msglen);

/* Appoints a coordinator (a user of role municipality or school) to a campaign.
 * ERR_INVALID for another role. *added false when already appointed. */
int plan_coordinator_add(struct db *d, int64_t campaign_id, int64_t user_id, const char *by,
			 bool *added);

/* One procedure of a campaign as the plan-graph shows it. */
struct plan_row {
	int64_t procedure_id;
	char code[40];
	char subject[4];
	int grade;
	struct plan_dates dates;
	long assigned;      /* schools assigned, within the viewer's territory */
	long fixed;         /* of them, schools that fixed their date */
	char sit_date[PLAN_DATE_LEN]; /* for one school: its date and time, "" when not fixed */
	char sit_time[PLAN_TIME_LEN];
};

/* The procedures of a campaign ordered by window and code. With school_id, only the
 * procedures that school is assigned to, with its date; else counts of the schools the
 * scope sees (NULL: all). *out is malloc'ed (free()). */
int plan_rows(struct db *d, int64_t campaign_id, int64_t school_id, const struct scope *sc,
	      struct plan_row **out, size_t *n);

/* A coordinator of a campaign. */
struct plan_coord {
	char login[64], name[128], role[16], scope[256];
};
/* The coordinators a scope sees (NULL: all): municipal ones of the municipalities it sees
 * and school ones of its schools; a school sees its own and its municipality's. *out
 * malloc'ed. */
int plan_coordinators(struct db *d, int64_t campaign_id, const struct scope *sc,
		      struct plan_coord **out, size_t *n);

/* ---- upload monitoring ---- */

enum plan_status {
	PLAN_ONTIME,     /* uploaded by the deadline */
	PLAN_LATE,       /* first uploaded after the deadline */
	PLAN_WAITING,    /* assigned, no results, the deadline has not passed */
	PLAN_OVERDUE,    /* assigned, no results, the deadline has passed */
	PLAN_UNASSIGNED, /* uploaded results without being assigned */
	PLAN_NSTATUS
};
/* Stable name ("ontime", "late", "waiting", "overdue", "unassigned") and Russian title. */
const char *plan_status_name(enum plan_status s);
const char *plan_status_title(enum plan_status s);

struct plan_mon_school {
	int64_t school_id, municipality_id;
	char login[64], name[256], municipality[256];
	enum plan_status status;
	char first_at[24], last_at[24]; /* first and current upload (UTC), "" when none */
	long rows, written;             /* of the current upload */
	char sit_date[PLAN_DATE_LEN], sit_time[PLAN_TIME_LEN];
};

struct plan_mon_count {
	int64_t municipality_id;        /* 0: municipality unknown */
	char municipality[256];
	long assigned;                  /* schools assigned */
	long n[PLAN_NSTATUS];           /* schools per status */
	long missing;                   /* waiting + overdue */
};

struct plan_monitor {
	int64_t procedure_id;
	char procedure[40];
	char campaign[PLAN_NAME_MAX];   /* "" when the procedure is in no campaign */
	char deadline[PLAN_DATE_LEN];   /* "" when not planned: nothing is late or overdue */
	char today[PLAN_DATE_LEN];      /* the date of now used for overdue */
	size_t n;
	struct plan_mon_school *s;      /* ordered by municipality, then login */
	size_t nm;
	struct plan_mon_count *m;       /* per municipality, ordered by name */
	struct plan_mon_count total;
};

/* Builds the monitoring of a procedure (by code) for the schools the scope sees (NULL:
 * all; municipality_id > 0 narrows to one municipality) at time now. ERR_NOTFOUND for an
 * unknown procedure. Free with plan_monitor_free(). */
int plan_monitor(struct db *d, const char *procedure, const struct scope *sc,
		 int64_t municipality_id, int64_t now, struct plan_monitor *out);
/* The monitoring of every procedure of the plan-graph, newest window first, then by code,
 * from one statement over them all: *out[i] as plan_monitor gives it but
 * without the current uploads (each school's last_at empty, rows and written 0; the
 * tables of every procedure need no more). The home page and /monitoring's overview asked
 * once per procedure, 20 M instructions each on the demo region (issue 21). Free with
 * plan_monitors_free(). */
int plan_monitor_counts_all(struct db *d, const struct scope *sc, int64_t now,
			    struct plan_monitor **out, size_t *n);
void plan_monitors_free(struct plan_monitor *v, size_t n);
void plan_monitor_free(struct plan_monitor *m);

/* ---- lists for the plan-graph pages ---- */

/* A campaign as listed: its procedures, the first day of conducting and the last upload
 * deadline ("" when it has no procedures). */
struct plan_campaign_item {
	int64_t id;
	char name[PLAN_NAME_MAX];
	long procedures;
	char first_day[PLAN_DATE_LEN], last_deadline[PLAN_DATE_LEN];
};
/* Every campaign, newest first. *out malloc'ed (free()). */
int plan_campaigns(struct db *d, struct plan_campaign_item **out, size_t *n);

/* Procedure codes for a campaign's forms: the campaign's procedures by code, or with
 * unplanned also those in no campaign yet (newest year first). *out malloc'ed (free()). */
struct plan_code {
	char code[40];
};
int plan_procedure_codes(struct db *d, int64_t campaign_id, bool unplanned, struct plan_code **out,
			 size_t *n);

/* Whether the school takes part in the procedure: when the procedure has schools assigned
 * in the plan-graph, only those; without assignments, every school. */
int plan_takes_part(struct db *d, int64_t procedure_id, int64_t school_id, bool *yes);

#endif
