-- 005: pupils of a school, their participant codes, and the keys that protect their names.
--
-- Personal data (ФИО) never appears here in plain text: pupil.name_enc is the name sealed
-- with the school's data key (XChaCha20-Poly1305, random nonce per value, the school id as
-- associated data); pupil.name_tag is a keyed BLAKE2b of the folded class and name, so a
-- re-imported class list finds existing pupils without decrypting anything. The school's
-- data key is stored wrapped (sealed) under the server's master key, which lives in a
-- file outside the database (oko.db.key or OKO_KEY_FILE). See docs/personal-data.md.

CREATE TABLE school_key (
	school_id INTEGER PRIMARY KEY REFERENCES school(id),
	wrapped BLOB NOT NULL,              -- nonce || sealed data key, under the master key
	master_id TEXT NOT NULL,            -- fingerprint of the master key that wrapped it
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One row per pupil and school year. year is the calendar year in which the school year
-- ends (2020/21 → 2021), as procedure.year. code is NULL until issued; once issued it never
-- changes, and it is what result.code holds for this pupil's works of that year.
CREATE TABLE pupil (
	id INTEGER PRIMARY KEY,
	school_id INTEGER NOT NULL REFERENCES school(id),
	year INTEGER NOT NULL,
	class TEXT NOT NULL,                -- normalised, e.g. '4А'
	grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 11),
	name_enc BLOB NOT NULL,
	name_tag BLOB NOT NULL,
	code TEXT,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (school_id, year, class, name_tag)
);
CREATE UNIQUE INDEX pupil_code ON pupil(school_id, year, code) WHERE code IS NOT NULL;
CREATE INDEX pupil_class ON pupil(school_id, year, class);
