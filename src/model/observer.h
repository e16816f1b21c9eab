/* observer: the registry of observers, their assignments to sittings, observation acts,
 * video surveillance and coverage (migration 013; docs/observers.md).
 *
 * Conventions:
 * - A sitting is a (procedure, school) of a campaign's plan-graph whose date and time are
 *   fixed (plan_school.sit_date/sit_time); a sitting without a date is not a sitting yet.
 * - An observer is identified outside by its registry code (observers.csv `id`), inside by
 *   its row id. kind is 'общественный' or 'специалист'.
 * - Each sitting has at most one observer (table observation); how = 'auto' (the optimiser,
 *   src/assign/) or 'manual' (a coordinator's choice).
 * - Hard rules of a pair (observer, sitting): not at a school where the observer works or
 *   has a child taking part; available that day; no other sitting at the same date and
 *   time at another school; at most max_per_day sittings a day. A manual choice breaking
 *   one is refused with the rule (observer_check_pair); soft preferences (same
 *   municipality, not the school observed last time) are allowed and noted.
 * - Scope (model/scope.h): a coordinator sees the sittings of its schools, the observers of
 *   its municipalities (an observer with no municipality is seen by the region), and every
 *   act and video row of its sittings. An observer user sees only its own assignments and
 *   acts (by observer id); a school sees its own sittings.
 * - Dates 'YYYY-MM-DD', times 'HH:MM', moments UTC 'YYYY-MM-DDTHH:MM:SSZ'.
 * - Functions return 0 or a negative ERR_*; those that take msg write the Russian reason
 *   of ERR_INVALID / ERR_NOTFOUND there. Lists are malloc'ed arrays: free() them (or the
 *   *_free given). */
#ifndef OKO_OBSERVER_H
#define OKO_OBSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/plan.h"
#include "model/scope.h"

#define OBS_CODE_MAX 64      /* bytes of an observer code */
#define OBS_NAME_MAX 200     /* bytes of a name */
#define OBS_MAX_SCHOOLS 32   /* schools in works_at / children_at of one observer */
#define OBS_MAX_DAYS 120     /* available dates of one observer */
#define OBS_COMMENT_MAX 4000 /* bytes of an act's comment */
#define OBS_MAX_VIOLATIONS 32 /* violations marked in one act */

enum obs_kind { OBS_PUBLIC, OBS_SPECIALIST };
/* 'общественный' / 'специалист' (the CSV's words and the database's); parse: -1 unknown. */
const char *obs_kind_name(enum obs_kind k);
int obs_kind_parse(const char *s);

/* The act's checklist of stages, as bits of act.stages. */
enum obs_stage {
	OBS_STAGE_PREPARE = 1,  /* подготовка материалов */
	OBS_STAGE_HANDOVER = 2, /* передача материалов организатору */
	OBS_STAGE_ROOM = 4,     /* проведение в аудитории */
	OBS_STAGE_CHECK = 8,    /* проверка работ */
	OBS_STAGE_FORMS = 16,   /* заполнение и загрузка форм */
};
#define OBS_NSTAGES 5
/* The Russian title of stage i (0..OBS_NSTAGES-1, bit 1 << i). */
const char *obs_stage_title(int i);

/* ---- the registry ---- */

/* One observer as imported (observers.csv) and as listed. */
struct obs_person {
	int64_t id;                            /* row id (0 when not stored yet) */
	char code[OBS_CODE_MAX];
	char name[OBS_NAME_MAX];
	enum obs_kind kind;
	int64_t municipality_id;               /* 0: none */
	char municipality[256];                /* its name, when listed */
	int max_per_day;                       /* 1.. */
	int nworks, nchildren, ndays;
	int64_t works_at[OBS_MAX_SCHOOLS];     /* school ids */
	int64_t children_at[OBS_MAX_SCHOOLS];
	char days[OBS_MAX_DAYS][PLAN_DATE_LEN]; /* sorted; none: any day */
	char login[64];                        /* the linked user's login, "" when none */
	long assigned;                         /* sittings assigned (in the listed campaign) */
};

/* Stores the observers of an import in the caller's transaction: a known code is updated
 * (its schools and days replaced), a new one added. by is the login recorded. */
int observer_put(struct db *d, const struct obs_person *p, const char *by);

/* The observers the scope sees, ordered by name; with campaign_id > 0, `assigned` counts
 * their sittings in that campaign. works_at/children_at/days are filled. */
int observer_list(struct db *d, const struct scope *sc, int64_t campaign_id,
		  struct obs_person **out, size_t *n);
/* One observer by row id / by code. ERR_NOTFOUND when unknown. */
int observer_get(struct db *d, int64_t id, struct obs_person *out);
int observer_find(struct db *d, const char *code, int64_t *id);
/* True when the scope sees the observer (its municipality, or ALL/REGION for one without). */
bool observer_in_scope(struct db *d, const struct scope *sc, int64_t observer_id);

/* Links a user of role observer to the observer (a login to work in the browser).
 * ERR_INVALID (msg) for another role or a user linked to another observer. */
int observer_link_user(struct db *d, int64_t observer_id, int64_t user_id, char *msg, size_t n);
/* The observer a user is linked to. ERR_NOTFOUND when none. */
int observer_of_user(struct db *d, int64_t user_id, int64_t *observer_id);

/* ---- sittings and assignments ---- */

/* One sitting of a campaign with what the pages and the optimiser need. */
struct obs_sitting {
	int64_t procedure_id, school_id, municipality_id;
	char procedure[40];        /* code */
	char subject[4];
	int grade;
	char school_login[64], school_name[256], school_kind[16], municipality[256];
	char date[PLAN_DATE_LEN], time[PLAN_TIME_LEN];
	bool priority;             /* on oko's risk list or officially flagged in the latest run */
	int64_t observer_id;       /* 0: nobody */
	char observer_code[OBS_CODE_MAX], observer_name[OBS_NAME_MAX];
	enum obs_kind observer_kind;
	bool manual;               /* how = 'manual' */
	char note[256];            /* soft preferences a manual choice breaks */
	int64_t act_id;            /* this sitting's act, 0 when none */
	bool violations;           /* the act marks a violation */
	char video_sitting[8], video_checking[8]; /* 'none'|'record'|'online', "" unknown */
	char address[304];         /* the school's address, "" unknown */
};

/* The sittings of a campaign the scope sees, in date, time, municipality, school order.
 * (A school's scope gives its own sittings; observers use observer_sittings_of.) */
int observer_sittings(struct db *d, const struct scope *sc, int64_t campaign_id,
		      struct obs_sitting **out, size_t *n);
/* The sittings of OTHER campaigns dated from..to that have an observer: where the
 * observers are already busy when this campaign is assigned (any scope). */
int observer_sittings_elsewhere(struct db *d, int64_t campaign_id, const char *from,
				const char *to, struct obs_sitting **out, size_t *n);
/* The sittings assigned to one observer, all campaigns, in date and time order. */
int observer_sittings_of(struct db *d, int64_t observer_id, struct obs_sitting **out, size_t *n);
/* True when the observer is assigned to the sitting. */
bool observer_assigned_to(struct db *d, int64_t observer_id, int64_t procedure_id,
			  int64_t school_id);

/* The pairs (observer, school) of conflicts of interest, for the optimiser: every
 * observer_school row of the given observers. why: 'works' / 'child'. */
struct obs_conflict {
	int64_t observer_id, school_id;
	bool child; /* false: works there */
};
int observer_conflicts(struct db *d, const struct scope *sc, struct obs_conflict **out,
		       size_t *n);
/* For each school, the observer of its latest sitting dated before `before` (any
 * campaign) — who observed it last time — as (observer, school) pairs. */
int observer_previous(struct db *d, const char *before, struct obs_conflict **out, size_t *n);

/* Replaces the automatic assignments of the campaign's sittings in the scope with these
 * (manual ones are kept), in one transaction, and records seed/by on the campaign. */
struct obs_assignment {
	int64_t procedure_id, school_id, observer_id;
};
int observer_assign_store(struct db *d, const struct scope *sc, int64_t campaign_id,
			  const struct obs_assignment *a, size_t n, uint64_t seed, const char *by);

/* Checks the hard rules for putting the observer on the sitting, against the other
 * assignments stored. ERR_INVALID with the rule in msg («работает в этой школе»,
 * «ребёнок участвует в процедурах этой школы», «недоступен в этот день», «в это время
 * наблюдает в другой школе: …», «уже N наблюдений в этот день (не больше N)»). */
int observer_check_pair(struct db *d, int64_t observer_id, int64_t procedure_id,
			int64_t school_id, char *msg, size_t n);
/* A coordinator's choice: observer_id > 0 puts the observer on the sitting (hard rules
 * checked: ERR_INVALID with the rule), 0 removes the sitting's observer. The soft
 * preferences it breaks are stored as the note and written to note (may be "").
 * ERR_NOTFOUND for a sitting that does not exist or has no date. */
int observer_set(struct db *d, int64_t procedure_id, int64_t school_id, int64_t observer_id,
		 const char *by, char *note, size_t note_len, char *msg, size_t n);

/* The campaign's observers' settings. reveal_day: a school sees its observer only from the
 * day of the sitting. */
int observer_campaign_get(struct db *d, int64_t campaign_id, bool *reveal_day,
			  char *assigned_at, size_t n);
int observer_campaign_set_reveal(struct db *d, int64_t campaign_id, bool reveal_day);

/* ---- acts ---- */

struct obs_act {
	int64_t id, procedure_id, school_id, observer_id;
	char date[PLAN_DATE_LEN];             /* the sitting's date (read only) */
	char started[PLAN_TIME_LEN], ended[PLAN_TIME_LEN];
	int stages;                           /* OBS_STAGE_* bits */
	bool no_violations;                   /* «нарушений не выявлено» */
	int nviolations;
	int64_t violations[OBS_MAX_VIOLATIONS]; /* violation_kind ids */
	char comment[OBS_COMMENT_MAX];
	bool paper;                           /* typed in from a paper act */
	char client_key[64];                  /* the browser's key of an offline act, "" none */
	char submitted_by[64], submitted_at[24]; /* the first submission */
	char revised_at[24];                  /* the last correction, "" never corrected */
	/* for showing: */
	char procedure[40], subject[4], school_login[64], school_name[256], observer_code[OBS_CODE_MAX],
		observer_name[OBS_NAME_MAX];
	int grade;
};

/* Stores an act (a new one or the observer's correction of its own). Checks: the sitting
 * exists and the observer is assigned to it (paper acts typed by a coordinator too),
 * times valid and ended ≥ started, violation kinds exist, either no_violations or at least
 * one violation, comment length. An act with a client_key already stored is not stored
 * again (*id is the stored one). ERR_INVALID / ERR_NOTFOUND with msg. */
int observer_act_put(struct db *d, struct obs_act *a, const char *by, int64_t *id, char *msg,
		     size_t n);
/* The same in the caller's transaction (an import that stores a whole file of acts or
 * none). */
int observer_act_put_in(struct db *d, struct obs_act *a, const char *by, int64_t *id, char *msg,
			size_t n);
int observer_act_get(struct db *d, int64_t act_id, struct obs_act *out);
/* The acts of the campaign's sittings the scope sees (campaign_id 0: all), by date. */
int observer_acts(struct db *d, const struct scope *sc, int64_t campaign_id,
		  struct obs_act **out, size_t *n);

/* The list of violations; only active ones with active_only. */
struct obs_violation_kind {
	int64_t id;
	char title[256];
	bool active;
};
int observer_violation_kinds(struct db *d, bool active_only, struct obs_violation_kind **out,
			     size_t *n);
/* Adds a kind (ERR_EXISTS for a title already there), or renames/(de)activates one. */
int observer_violation_kind_add(struct db *d, const char *title, int64_t *id);
int observer_violation_kind_set(struct db *d, int64_t id, const char *title, bool active);
/* Finds a kind by its title (case and spaces folded). ERR_NOTFOUND. */
int observer_violation_kind_find(struct db *d, const char *title, int64_t *id);

/* ---- video ---- */

enum obs_phase { OBS_PHASE_SITTING, OBS_PHASE_CHECKING };
struct obs_video {
	int64_t procedure_id, school_id;
	enum obs_phase phase;
	char mode[8];                      /* 'none' | 'record' | 'online' */
	char kept_until[PLAN_DATE_LEN];    /* "" when not kept */
	char kept_where[804];              /* the form's 200 characters, any of them */
	int outage_minutes;
	char problems[3604];               /* the form's 900 characters */
	char recorded_by[64], recorded_at[24];
};
/* Russian titles: «нет», «запись», «онлайн-трансляция»; phases «проведение», «проверка работ». */
const char *obs_video_mode_title(const char *mode);
const char *obs_phase_title(enum obs_phase p);
/* Stores the school's record (replacing the earlier one). ERR_INVALID (msg) for a bad mode,
 * date or a negative outage; ERR_NOTFOUND for no such sitting. */
int observer_video_put(struct db *d, const struct obs_video *v, const char *by, char *msg,
		       size_t n);
int observer_video_get(struct db *d, int64_t procedure_id, int64_t school_id,
		       enum obs_phase phase, struct obs_video *out);

/* ---- coverage ---- */

enum obs_group { OBS_BY_MUNICIPALITY, OBS_BY_KIND, OBS_BY_RISK, OBS_NGROUPS };
struct obs_coverage {
	char group[256];           /* municipality name / school kind / «в зоне риска» … */
	long sittings, observed;   /* sittings, of them with an observer */
	long priority, priority_observed;
	long acts, acts_violations;
	long video_sitting;        /* sittings with video (record or online) */
	long video_checking;       /* checking sessions with video */
	long video_problems;       /* video rows with an outage or problems */
};
/* Coverage of the campaign's sittings the scope sees, one row per group, ordered by group,
 * and the total in *total. */
int observer_coverage(struct db *d, const struct scope *sc, int64_t campaign_id,
		      enum obs_group by, struct obs_coverage **out, size_t *n,
		      struct obs_coverage *total);
/* The coverage the three ways at once, from one pass over the sittings: v[by] (n[by] rows,
 * ordered by group) and total[by] for each enum obs_group. Free with
 * observer_coverage_set_free(). */
struct obs_coverage_set {
	struct obs_coverage *v[OBS_NGROUPS];
	size_t n[OBS_NGROUPS];
	struct obs_coverage total[OBS_NGROUPS];
};
int observer_coverage_set(struct db *d, const struct scope *sc, int64_t campaign_id,
			  struct obs_coverage_set *out);
void observer_coverage_set_free(struct obs_coverage_set *set);
/* The total of observer_coverage (any grouping) without its video figures, which stay 0:
 * sittings, observed, priority, priority_observed, acts and acts_violations — what the
 * home page's tile shows, for a third of the work. */
int observer_coverage_totals(struct db *d, const struct scope *sc, int64_t campaign_id,
			     struct obs_coverage *total);
/* Violations marked in the campaign's acts the scope sees: per kind and school. */
struct obs_violation_count {
	char violation[256];
	char school_login[64], school_name[256], municipality[256];
	long acts;
};
int observer_violation_counts(struct db *d, const struct scope *sc, int64_t campaign_id,
			      struct obs_violation_count **out, size_t *n);

#endif
