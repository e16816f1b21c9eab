-- 009: the registry as the real files give it (issue 13).
--
-- A school's kind (СОШ, лицей, …) may come from the file or be guessed from its name when
-- the file has none (the region's school list has only login, name and municipality):
-- kind_guessed = 1 says which, so a person can check the guesses.
ALTER TABLE school ADD COLUMN kind_guessed INTEGER NOT NULL DEFAULT 0 CHECK (kind_guessed IN (0, 1));

-- Logins change between years (2020–2021 sch223017, 2022 edu223017: the same school), so
-- a school may have several logins. A confirmed alias makes its login find the school; a
-- proposed one (a login of another school with the same digits) waits for a person, who
-- confirms it (the two schools become one) or rejects it.
CREATE TABLE school_alias (
	login TEXT PRIMARY KEY,
	school_id INTEGER NOT NULL REFERENCES school(id),
	status TEXT NOT NULL CHECK (status IN ('confirmed', 'proposed', 'rejected')),
	reason TEXT NOT NULL,               -- how it came: "файл псевдонимов", "те же цифры логина"
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	decided_by TEXT                     -- who confirmed or rejected a proposal
);
CREATE INDEX school_alias_school ON school_alias(school_id);
