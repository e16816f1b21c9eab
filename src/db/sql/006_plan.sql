-- 006: the plan-graph (план-график) of assessment campaigns.
--
-- A campaign («ВПР весна 2021») holds procedures with their dates; a procedure belongs to
-- at most one campaign (its code already carries the year). Dates are ISO text
-- 'YYYY-MM-DD', so text comparison is date comparison. The participating schools of a
-- procedure are rows of plan_school; a school fixes one date and time ('HH:MM') per
-- procedure. A procedure has one grade, so this one row is the date of the whole parallel:
-- every class of the grade writes the work at the same time by construction (see
-- docs/plan.md). Coordinators (municipal and school users) are appointed per campaign;
-- their level is their user role.

CREATE TABLE campaign (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE plan_procedure (
	procedure_id INTEGER PRIMARY KEY REFERENCES procedure(id),
	campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
	materials_from TEXT NOT NULL,       -- КИМ available from
	window_from TEXT NOT NULL,          -- conducting window, inclusive
	window_to TEXT NOT NULL,
	criteria_from TEXT NOT NULL,        -- scoring criteria available from
	form_from TEXT NOT NULL,            -- results form available from
	upload_deadline TEXT NOT NULL,      -- results uploaded by the end of this day (UTC)
	CHECK (window_from <= window_to),
	CHECK (materials_from <= window_from),
	CHECK (criteria_from >= window_from AND criteria_from <= upload_deadline),
	CHECK (form_from <= upload_deadline),
	CHECK (upload_deadline >= window_to)
);
CREATE INDEX plan_procedure_campaign ON plan_procedure(campaign_id);

CREATE TABLE plan_school (
	procedure_id INTEGER NOT NULL REFERENCES plan_procedure(procedure_id) ON DELETE CASCADE,
	school_id INTEGER NOT NULL REFERENCES school(id),
	sit_date TEXT,                      -- NULL until the school fixes it
	sit_time TEXT,                      -- 'HH:MM'
	assigned_by TEXT NOT NULL,          -- login of who assigned the school
	fixed_by TEXT,                      -- login of who fixed the date
	CHECK ((sit_date IS NULL) = (sit_time IS NULL)),
	PRIMARY KEY (procedure_id, school_id)
) WITHOUT ROWID;
CREATE INDEX plan_school_school ON plan_school(school_id);

CREATE TABLE campaign_coordinator (
	campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES "user"(id),
	appointed_by TEXT NOT NULL,
	appointed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	PRIMARY KEY (campaign_id, user_id)
) WITHOUT ROWID;
