-- 019: medalists and the medal thresholds (docs/medalists.md).
-- medalist: a school's candidates for (or holders of) the medal «За особые успехи в учении»
-- of one graduation year, by participant code only (no names): the code their ЕГЭ results
-- carry in that school and year. medal: 0 the single medal (up to 2023), 1 or 2 the medal
-- of I or II degree (from 2024). An upload replaces the list of every (school, year) it
-- names. uploaded_at: UTC 'YYYY-MM-DDTHH:MM:SSZ'.
CREATE TABLE medalist (
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	school_id INTEGER NOT NULL REFERENCES school(id),
	code TEXT NOT NULL,
	medal INTEGER NOT NULL CHECK (medal IN (0, 1, 2)),
	file TEXT NOT NULL DEFAULT '',
	uploaded_by TEXT NOT NULL DEFAULT '',
	uploaded_at TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (year, school_id, code)
);
CREATE INDEX medalist_school ON medalist(school_id, year);

-- medal_threshold: what a medal of a year requires of the ЕГЭ, one row a subject. subject:
-- a subject code of procedure.c ('RU' is required on its own; the other rows of the same
-- year and medal are alternatives, one met is enough), or '*' — any one subject but RU and
-- MB. min_score: the least test score (0..100) or NULL; min_mark: the least mark (2..5) or
-- NULL (base mathematics); one of the two is set. A year with rows here uses them; a year
-- without uses oko's defaults (src/model/medal_thresholds.csv).
CREATE TABLE medal_threshold (
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	medal INTEGER NOT NULL CHECK (medal IN (0, 1, 2)),
	subject TEXT NOT NULL,
	min_score INTEGER CHECK (min_score BETWEEN 0 AND 100),
	min_mark INTEGER CHECK (min_mark BETWEEN 2 AND 5),
	source TEXT NOT NULL DEFAULT '',
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (year, medal, subject),
	CHECK ((min_score IS NULL) <> (min_mark IS NULL))
);
