-- 007: confidential materials (КИМ): the bank of variant files per procedure, criteria,
-- the release times, the individual set of variants of each school with its archive key,
-- and every download. The files themselves live in a directory beside the database
-- (DBPATH.files/, see docs/materials.md); this table names them.

CREATE TABLE material_file (
	id INTEGER PRIMARY KEY,
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	kind TEXT NOT NULL CHECK (kind IN ('variant', 'criteria')),
	variant INTEGER NOT NULL,           -- variant number; 0 for the criteria
	name TEXT NOT NULL,                 -- the file's name as uploaded (base name)
	stored TEXT NOT NULL,               -- file name under DBPATH.files/
	size INTEGER NOT NULL,
	digest TEXT NOT NULL,               -- BLAKE2b-256 hex of the content
	uploaded_by TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (procedure_id, kind, variant)
);

-- When a procedure's materials open, unix seconds UTC (server clock): the encrypted
-- archive may be downloaded from archive_at, its key from key_at (the conducting day),
-- the criteria from criteria_at.
CREATE TABLE material_release (
	procedure_id INTEGER PRIMARY KEY REFERENCES procedure(id),
	archive_at INTEGER NOT NULL,
	key_at INTEGER NOT NULL,
	criteria_at INTEGER NOT NULL,
	CHECK (archive_at <= key_at)
);

-- The individual set of variants of a school and the key of its archive, sealed under the
-- master key (model/keys.h), associated data 'oko-material:<procedure id>:<school id>'.
CREATE TABLE material_set (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	school_id INTEGER NOT NULL REFERENCES school(id),
	variants TEXT NOT NULL,             -- e.g. '3,7'
	key_sealed BLOB NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	PRIMARY KEY (procedure_id, school_id)
);

-- Every request for a material, given or refused.
CREATE TABLE material_download (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,                -- unix seconds, the server clock used for the release
	user_login TEXT NOT NULL,
	school_id INTEGER REFERENCES school(id),
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	what TEXT NOT NULL CHECK (what IN ('archive', 'key', 'criteria')),
	given INTEGER NOT NULL CHECK (given IN (0, 1)),
	ip TEXT
);
CREATE INDEX material_download_proc ON material_download(procedure_id, school_id);
