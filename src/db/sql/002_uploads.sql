-- 002: the history of results uploads. Every imported results file is one upload; for each
-- (procedure, school) it touched, upload_school keeps how many rows it stored and how many
-- earlier results it replaced, so a corrected re-upload leaves a record of what it
-- replaced (who, when, which file, row counts).

CREATE TABLE upload (
	id INTEGER PRIMARY KEY,
	file TEXT NOT NULL,                 -- base name as uploaded
	digest TEXT NOT NULL,               -- BLAKE2b-256 of the file's bytes, hex
	size INTEGER NOT NULL,
	layout TEXT NOT NULL,               -- canonical | vpr2021 | vpr2020 | form
	user_name TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	rows INTEGER NOT NULL,              -- data rows read
	written INTEGER NOT NULL,           -- participants who wrote the work
	absent INTEGER NOT NULL,
	warnings INTEGER NOT NULL           -- rows stored with a problem marked
);

CREATE TABLE upload_school (
	upload_id INTEGER NOT NULL REFERENCES upload(id),
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	school_id INTEGER NOT NULL REFERENCES school(id),
	rows INTEGER NOT NULL,
	written INTEGER NOT NULL,           -- of rows, participants who wrote the work
	replaced INTEGER NOT NULL,          -- results of the school deleted by this upload
	PRIMARY KEY (upload_id, procedure_id, school_id)
) WITHOUT ROWID;
CREATE INDEX upload_school_school ON upload_school(school_id, procedure_id);

-- The results a school holds for a procedure now: those of its latest upload, since every
-- upload replaces the school's earlier results. Pages that count schools and works read
-- this small table instead of scanning the results.
CREATE VIEW result_pair AS
	SELECT us.procedure_id, us.school_id, us.rows, us.written, us.upload_id
	FROM upload_school us
	WHERE us.upload_id = (SELECT max(u2.upload_id) FROM upload_school u2
			      WHERE u2.school_id = us.school_id AND u2.procedure_id = us.procedure_id);

ALTER TABLE result ADD COLUMN upload_id INTEGER REFERENCES upload(id);
