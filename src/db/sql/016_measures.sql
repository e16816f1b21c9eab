-- 016: plans of measures (планы мероприятий): a plan of the region, a municipality or a
-- school with its blocks (направления) of measures; each measure's status with dated notes
-- and evidence files; measures of addressed help linked to a school and to the analysis
-- run whose evidence caused them; the requisites official documents print (docs/measures.md).
-- Dates 'YYYY-MM-DD', moments UTC 'YYYY-MM-DDTHH:MM:SSZ'. Overdue is not stored: a measure
-- is overdue when it is planned or in progress and its due date has passed.

CREATE TABLE mplan (
	id INTEGER PRIMARY KEY,
	level TEXT NOT NULL CHECK (level IN ('region', 'municipality', 'school')),
	region_id INTEGER REFERENCES region(id),
	municipality_id INTEGER REFERENCES municipality(id),
	school_id INTEGER REFERENCES school(id),
	title TEXT NOT NULL,
	goal TEXT NOT NULL DEFAULT '',
	period_from TEXT NOT NULL,
	period_to TEXT NOT NULL,
	template TEXT NOT NULL DEFAULT '',   -- the template it started from ('' none)
	approved TEXT NOT NULL DEFAULT '',   -- «приказом от 01.03.2021 № 136/1», as printed
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	CHECK ((level = 'region' AND municipality_id IS NULL AND school_id IS NULL)
	    OR (level = 'municipality' AND municipality_id IS NOT NULL AND school_id IS NULL)
	    OR (level = 'school' AND school_id IS NOT NULL)),
	CHECK (period_from <= period_to)
);
CREATE INDEX mplan_municipality ON mplan(municipality_id);
CREATE INDEX mplan_school ON mplan(school_id);

CREATE TABLE mplan_block (
	id INTEGER PRIMARY KEY,
	plan_id INTEGER NOT NULL REFERENCES mplan(id) ON DELETE CASCADE,
	pos INTEGER NOT NULL,
	title TEXT NOT NULL
);
CREATE INDEX mplan_block_plan ON mplan_block(plan_id, pos);

-- A measure. term: the срок as written («февраль», «в течение года», «до 23.08.2020»);
-- due: the date it is tracked by (NULL: not tracked); start: the period's first day when
-- the term is a period. responsible: a position or a person as written; responsible_user:
-- a user who answers for it (optional). school_id: the school a measure of addressed help
-- is for; kind: its kind (interview, control, recheck, observers, seminar; '' otherwise);
-- run_id and cause: the analysis run and the evidence, in Russian, that caused it.
CREATE TABLE measure (
	id INTEGER PRIMARY KEY,
	plan_id INTEGER NOT NULL REFERENCES mplan(id) ON DELETE CASCADE,
	block_id INTEGER NOT NULL REFERENCES mplan_block(id) ON DELETE CASCADE,
	pos INTEGER NOT NULL,
	text TEXT NOT NULL,
	term TEXT NOT NULL DEFAULT '',
	start TEXT,
	due TEXT,
	responsible TEXT NOT NULL DEFAULT '',
	responsible_user_id INTEGER REFERENCES "user"(id),
	expected TEXT NOT NULL DEFAULT '',
	school_id INTEGER REFERENCES school(id),
	kind TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'interview', 'control', 'recheck', 'observers',
						     'seminar')),
	run_id INTEGER REFERENCES analysis_run(id) ON DELETE SET NULL,
	cause TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'progress', 'done', 'cancelled')),
	done_on TEXT,
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX measure_plan ON measure(plan_id, block_id, pos);
CREATE INDEX measure_school ON measure(school_id);
CREATE INDEX measure_due ON measure(status, due);

-- A dated note on a measure's status, with an evidence file (kept outside the database
-- beside the scans, named by a random id; file_name is the name the user gave, shown).
CREATE TABLE measure_note (
	id INTEGER PRIMARY KEY,
	measure_id INTEGER NOT NULL REFERENCES measure(id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('planned', 'progress', 'done', 'cancelled')),
	note TEXT NOT NULL DEFAULT '',
	file_id TEXT UNIQUE,
	file_name TEXT,
	file_type TEXT,
	file_size INTEGER,
	noted_at TEXT NOT NULL,
	noted_by TEXT NOT NULL
);
CREATE INDEX measure_note_measure ON measure_note(measure_id);

-- What an official document of a territory prints: the organisation (as in the order's
-- heading), the place, the head who signs. unit: 'region', 'municipality' or 'school'.
CREATE TABLE requisite (
	unit TEXT NOT NULL CHECK (unit IN ('region', 'municipality', 'school')),
	unit_id INTEGER NOT NULL,
	org TEXT NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	head_position TEXT NOT NULL DEFAULT '',
	head_name TEXT NOT NULL DEFAULT '',
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (unit, unit_id)
) WITHOUT ROWID;
