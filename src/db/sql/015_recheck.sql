-- 015: re-checking and cross-checking (перепроверка, перекрёстная проверка) of sampled
-- works by experts of a commission (docs/recheck.md).
--
-- A round samples works of one procedure (recheck_work: a participant's work of a school,
-- with why it was chosen). The school's own scores (the result row) are check 1; an
-- expert's are check 2; a significant discrepancy sends the work to a third expert, whose
-- check 3 is final (recheck_check). Control checks (control = 1) are works whose final
-- scores are agreed, put into an expert's queue to measure its accuracy; they never count
-- for a school. Scans are files outside the database, named by a random id (scan_id).
-- Scores are one byte per position, as in result.scores. Moments UTC.

-- Per procedure: what is a significant discrepancy and what is objective.
CREATE TABLE recheck_setting (
	procedure_id INTEGER PRIMARY KEY REFERENCES procedure(id),
	point_diff INTEGER NOT NULL DEFAULT 2 CHECK (point_diff BETWEEN 1 AND 100),
	tolerance INTEGER NOT NULL DEFAULT 1 CHECK (tolerance BETWEEN 0 AND 100),
	control_rate REAL NOT NULL DEFAULT 0.1 CHECK (control_rate BETWEEN 0 AND 0.5),
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The experts' registry (experts.csv). Conflicts of interest as for observers: the schools
-- where the expert works or has a child taking part. subjects: subject codes the expert
-- checks, comma-separated ('' = any).
CREATE TABLE expert (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	municipality_id INTEGER REFERENCES municipality(id),
	subjects TEXT NOT NULL DEFAULT '',
	max_works INTEGER NOT NULL DEFAULT 200 CHECK (max_works BETWEEN 1 AND 10000),
	user_id INTEGER UNIQUE REFERENCES "user"(id),
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX expert_municipality ON expert(municipality_id);

CREATE TABLE expert_school (
	expert_id INTEGER NOT NULL REFERENCES expert(id) ON DELETE CASCADE,
	school_id INTEGER NOT NULL REFERENCES school(id),
	why TEXT NOT NULL CHECK (why IN ('works', 'child')),
	PRIMARY KEY (expert_id, school_id, why)
) WITHOUT ROWID;
CREATE INDEX expert_school_school ON expert_school(school_id);

-- A round: one sampling of one procedure's works, by a municipality's coordinator
-- (municipality_id) or the region (NULL). kind: 'municipal' (a commission re-checks) or
-- 'cross' (the schools' own experts check each other's works; no_mutual: two schools never
-- check each other in the round).
CREATE TABLE recheck_round (
	id INTEGER PRIMARY KEY,
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	municipality_id INTEGER REFERENCES municipality(id),
	kind TEXT NOT NULL CHECK (kind IN ('municipal', 'cross')),
	rules TEXT NOT NULL,                -- the sampling rules, comma-separated
	share REAL NOT NULL,
	seed INTEGER NOT NULL,
	no_mutual INTEGER NOT NULL DEFAULT 1 CHECK (no_mutual IN (0, 1)),
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	assigned_by TEXT,
	assigned_at TEXT
);
CREATE INDEX recheck_round_procedure ON recheck_round(procedure_id);

-- A sampled work. A participant's work is sampled once per procedure. reason: the rule
-- that chose it (risk, official, boundary, random, medal); detail: why, in Russian.
-- scores: the school's scores when the work was sampled (check 1), kept as they were: a
-- later upload may replace the school's results, not what is being re-checked.
-- scan_id: 32 hex digits, the file's name in the scans directory; NULL until uploaded.
CREATE TABLE recheck_work (
	id INTEGER PRIMARY KEY,
	round_id INTEGER NOT NULL REFERENCES recheck_round(id) ON DELETE CASCADE,
	procedure_id INTEGER NOT NULL,
	school_id INTEGER NOT NULL,
	code TEXT NOT NULL,
	reason TEXT NOT NULL CHECK (reason IN ('risk', 'official', 'boundary', 'random', 'medal')),
	detail TEXT NOT NULL DEFAULT '',
	scores BLOB NOT NULL,
	scan_id TEXT UNIQUE,
	scan_type TEXT CHECK (scan_type IN ('pdf', 'jpeg')),
	scan_size INTEGER,
	scan_by TEXT,
	scan_at TEXT,
	UNIQUE (procedure_id, school_id, code),
	FOREIGN KEY (procedure_id) REFERENCES procedure(id),
	FOREIGN KEY (school_id) REFERENCES school(id)
);
CREATE INDEX recheck_work_round ON recheck_work(round_id);
CREATE INDEX recheck_work_school ON recheck_work(school_id);

-- A check of a work by an expert: check 2 or 3, or a control check (check 2, control = 1,
-- of a work of an earlier round whose final scores are agreed). scores: NULL until the
-- expert starts; filled: positions entered; done: submitted. source: 'web' or 'import'
-- (typed in from paper by `oko import rechecks`).
CREATE TABLE recheck_check (
	id INTEGER PRIMARY KEY,
	work_id INTEGER NOT NULL REFERENCES recheck_work(id) ON DELETE CASCADE,
	round_id INTEGER NOT NULL REFERENCES recheck_round(id) ON DELETE CASCADE,
	check_no INTEGER NOT NULL CHECK (check_no IN (2, 3)),
	control INTEGER NOT NULL DEFAULT 0 CHECK (control IN (0, 1)),
	expert_id INTEGER REFERENCES expert(id),
	scores BLOB,
	filled INTEGER NOT NULL DEFAULT 0,
	done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
	source TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'import')),
	assigned_by TEXT NOT NULL,
	assigned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	saved_at TEXT,
	done_at TEXT,
	UNIQUE (work_id, expert_id, control)
);
CREATE UNIQUE INDEX recheck_check_one ON recheck_check(work_id, check_no) WHERE control = 0;
CREATE INDEX recheck_check_expert ON recheck_check(expert_id);
CREATE INDEX recheck_check_round ON recheck_check(round_id);

-- An analysis run's re-check figures per school and procedure (finished works only, no
-- control checks): the evidence behind the sign recheck_inflated, and whether a re-check
-- confirmed the school's flags (inflated = 1) or did not (0) on the risk list.
CREATE TABLE run_recheck (
	run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
	school_id INTEGER NOT NULL REFERENCES school(id),
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	works INTEGER NOT NULL,
	objective INTEGER NOT NULL,
	mean_delta REAL NOT NULL,
	up INTEGER NOT NULL,
	down INTEGER NOT NULL,
	p REAL NOT NULL,
	inflated INTEGER NOT NULL CHECK (inflated IN (0, 1)),
	PRIMARY KEY (run_id, school_id, procedure_id)
) WITHOUT ROWID;
