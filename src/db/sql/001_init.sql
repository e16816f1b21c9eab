-- 001: the registry (regions, municipalities, schools), procedures with their positions and
-- results. Sized for 40,000 schools and 30 million results a year:
-- results are one row per (procedure, participant) with the points of all positions in a
-- blob of one byte each, clustered by procedure and school so that the analytics load a
-- procedure with one range scan.

CREATE TABLE region (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);

CREATE TABLE municipality (
	id INTEGER PRIMARY KEY,
	region_id INTEGER NOT NULL REFERENCES region(id),
	name TEXT NOT NULL,
	UNIQUE (region_id, name)
);

CREATE TABLE school (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	-- NULL while unknown: a school first seen in a results file.
	municipality_id INTEGER REFERENCES municipality(id),
	kind TEXT NOT NULL DEFAULT 'другое'
		CHECK (kind IN ('СОШ', 'ООШ', 'НОШ', 'лицей', 'гимназия', 'филиал', 'другое')),
	settlement TEXT CHECK (settlement IN ('город', 'село')),
	indepth INTEGER NOT NULL DEFAULT 0 CHECK (indepth IN (0, 1))
);
CREATE INDEX school_municipality ON school(municipality_id);

CREATE TABLE procedure (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,          -- KIND-YEAR-SUBJECT-GRADE
	kind TEXT NOT NULL,
	year INTEGER NOT NULL,
	subject TEXT NOT NULL,
	grade INTEGER NOT NULL,
	max_score INTEGER NOT NULL CHECK (max_score >= 0),
	-- lower bounds of marks 3, 4, 5; NULL when the scale is not known
	scale3 INTEGER,
	scale4 INTEGER,
	scale5 INTEGER
);

CREATE TABLE position (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
	idx INTEGER NOT NULL,               -- 0-based; the byte index in result.scores
	label TEXT NOT NULL,                -- as first written, e.g. '1K1', '3.1'
	label_key TEXT NOT NULL,            -- folded: Cyrillic and Latin look-alikes unified
	max INTEGER NOT NULL CHECK (max BETWEEN 0 AND 200),
	level TEXT CHECK (level IN ('Б', 'П', 'В')),
	PRIMARY KEY (procedure_id, idx),
	UNIQUE (procedure_id, label_key)
) WITHOUT ROWID;

-- A participant is known to results by its code, unique within the school for a school
-- year: the same code in two procedures of one year is the same pupil. Results carry the
-- code itself rather than a reference, so storing a result is one B-tree insert.
CREATE TABLE result (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	school_id INTEGER NOT NULL REFERENCES school(id),
	code TEXT NOT NULL,                 -- participant code
	class TEXT,
	gender TEXT CHECK (gender IN ('м', 'ж')),
	variant INTEGER,
	journal_mark INTEGER CHECK (journal_mark BETWEEN 2 AND 5),
	absent INTEGER NOT NULL DEFAULT 0 CHECK (absent IN (0, 1)),
	primary_score INTEGER,              -- sum of the positions; NULL when absent
	stated_total INTEGER,               -- the total the file stated, when it had one
	scores BLOB,                        -- one byte per position, see model/result.h
	problems INTEGER NOT NULL DEFAULT 0, -- bit set of problems found at import
	PRIMARY KEY (procedure_id, school_id, code)
) WITHOUT ROWID;
