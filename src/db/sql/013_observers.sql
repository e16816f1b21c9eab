-- 013: observers (общественные наблюдатели и специалисты), their assignments to sittings,
-- observation acts and video surveillance (docs/observers.md).
--
-- A sitting is a row of plan_school with its date and time fixed: (procedure, school). An
-- observer is a person of the registry (observers.csv); the conflicts of interest are the
-- schools where the person works or has a child taking part (observer_school). Each sitting
-- has at most one observer (observation). An act is the observer's form for one sitting;
-- the school cannot edit it. Dates are ISO 'YYYY-MM-DD', times 'HH:MM', moments UTC.

CREATE TABLE observer (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,          -- the registry's own id (observers.csv `id`)
	name TEXT NOT NULL,                 -- ФИО
	kind TEXT NOT NULL CHECK (kind IN ('общественный', 'специалист')),
	municipality_id INTEGER REFERENCES municipality(id),
	max_per_day INTEGER NOT NULL DEFAULT 1 CHECK (max_per_day BETWEEN 1 AND 10),
	user_id INTEGER UNIQUE REFERENCES "user"(id), -- the observer's login (role observer), if any
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX observer_municipality ON observer(municipality_id);

-- Conflicts of interest: the person works at the school, or a child of the person takes
-- part in the procedures there.
CREATE TABLE observer_school (
	observer_id INTEGER NOT NULL REFERENCES observer(id) ON DELETE CASCADE,
	school_id INTEGER NOT NULL REFERENCES school(id),
	why TEXT NOT NULL CHECK (why IN ('works', 'child')),
	PRIMARY KEY (observer_id, school_id, why)
) WITHOUT ROWID;
CREATE INDEX observer_school_school ON observer_school(school_id);

-- Days the observer is available; no rows = any day of the campaign.
CREATE TABLE observer_day (
	observer_id INTEGER NOT NULL REFERENCES observer(id) ON DELETE CASCADE,
	day TEXT NOT NULL,
	PRIMARY KEY (observer_id, day)
) WITHOUT ROWID;

-- The observers' settings of a campaign: whether a school sees its observer before the day
-- of the sitting, and the last automatic assignment.
CREATE TABLE observe_campaign (
	campaign_id INTEGER PRIMARY KEY REFERENCES campaign(id) ON DELETE CASCADE,
	reveal TEXT NOT NULL DEFAULT 'always' CHECK (reveal IN ('always', 'day')),
	seed INTEGER,
	assigned_by TEXT,
	assigned_at TEXT
);

-- One observer per sitting. how: 'auto' (the optimiser) or 'manual' (a coordinator's
-- override); note: the soft preferences a manual choice breaks, in Russian, shown.
CREATE TABLE observation (
	procedure_id INTEGER NOT NULL,
	school_id INTEGER NOT NULL,
	observer_id INTEGER NOT NULL REFERENCES observer(id),
	how TEXT NOT NULL CHECK (how IN ('auto', 'manual')),
	note TEXT,
	assigned_by TEXT NOT NULL,
	assigned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	PRIMARY KEY (procedure_id, school_id),
	FOREIGN KEY (procedure_id, school_id) REFERENCES plan_school(procedure_id, school_id)
		ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX observation_observer ON observation(observer_id);

-- The list of violations an act marks, kept by the region.
CREATE TABLE violation_kind (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL UNIQUE,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO violation_kind (title) VALUES
	('не обеспечена информационная безопасность (материалы до начала работы)'),
	('опоздание участников, вход после начала работы'),
	('не проведён инструктаж участников'),
	('у участников телефоны, шпаргалки, другие источники'),
	('подсказки участникам со стороны организаторов или учителей'),
	('в аудитории учитель по предмету работы'),
	('нарушено время выполнения работы'),
	('проверка работ не по критериям или не комиссией'),
	('исправления в работах после их сбора'),
	('видеонаблюдение не велось или прерывалось');

-- An observation act. stages: the checklist as bits (docs/observers.md: 1 подготовка
-- материалов, 2 передача организатору, 4 проведение в аудитории, 8 проверка работ,
-- 16 заполнение и загрузка форм). client_key: the browser's key of an act typed offline,
-- so that sending it twice stores it once.
CREATE TABLE act (
	id INTEGER PRIMARY KEY,
	procedure_id INTEGER NOT NULL,
	school_id INTEGER NOT NULL,
	observer_id INTEGER NOT NULL REFERENCES observer(id),
	started TEXT NOT NULL,
	ended TEXT NOT NULL,
	stages INTEGER NOT NULL CHECK (stages BETWEEN 0 AND 31),
	no_violations INTEGER NOT NULL CHECK (no_violations IN (0, 1)),
	comment TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL CHECK (source IN ('online', 'paper')),
	client_key TEXT UNIQUE,
	submitted_by TEXT NOT NULL,
	submitted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (procedure_id, school_id, observer_id),
	FOREIGN KEY (procedure_id, school_id) REFERENCES plan_school(procedure_id, school_id)
		ON DELETE CASCADE
);
CREATE INDEX act_school ON act(school_id);

CREATE TABLE act_violation (
	act_id INTEGER NOT NULL REFERENCES act(id) ON DELETE CASCADE,
	kind_id INTEGER NOT NULL REFERENCES violation_kind(id),
	PRIMARY KEY (act_id, kind_id)
) WITHOUT ROWID;

-- Video surveillance of a sitting (phase 'sitting') and of the checking of its works
-- (phase 'checking'), recorded by the school.
CREATE TABLE video (
	procedure_id INTEGER NOT NULL,
	school_id INTEGER NOT NULL,
	phase TEXT NOT NULL CHECK (phase IN ('sitting', 'checking')),
	mode TEXT NOT NULL CHECK (mode IN ('none', 'record', 'online')),
	kept_until TEXT,
	kept_where TEXT NOT NULL DEFAULT '',
	outage_minutes INTEGER NOT NULL DEFAULT 0 CHECK (outage_minutes >= 0),
	problems TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL,
	recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	PRIMARY KEY (procedure_id, school_id, phase),
	FOREIGN KEY (procedure_id, school_id) REFERENCES plan_school(procedure_id, school_id)
		ON DELETE CASCADE
) WITHOUT ROWID;
