-- 003: users, their sessions and API tokens, and the audit log.
--
-- A user has one role and the territory it is bound to: the region for the regional
-- coordinator, a municipality for the municipal one, a school for the school coordinator.
-- Passwords are argon2id strings (libsodium crypto_pwhash_str); sessions and API tokens
-- are stored as hashes of the random tokens, never the tokens themselves, so a copy of
-- the database does not let anyone log in.

CREATE TABLE "user" (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'region', 'municipality', 'school', 'expert',
					   'observer')),
	region_id INTEGER REFERENCES region(id),
	municipality_id INTEGER REFERENCES municipality(id),
	school_id INTEGER REFERENCES school(id),
	password TEXT NOT NULL,             -- argon2id string
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	CHECK (role != 'municipality' OR municipality_id IS NOT NULL),
	CHECK (role != 'school' OR school_id IS NOT NULL)
);

CREATE TABLE session (
	token_hash TEXT PRIMARY KEY,        -- hex BLAKE2b of the cookie's token
	user_id INTEGER NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,                 -- the form token of this session
	created_at INTEGER NOT NULL,        -- unix seconds
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_by_user ON session(user_id);

CREATE TABLE api_token (
	token_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
	label TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;

CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	user_id INTEGER REFERENCES "user"(id),
	user_login TEXT NOT NULL,           -- kept when the user is deleted
	action TEXT NOT NULL,               -- e.g. login, login_failed, upload, user_add
	object TEXT,                        -- what it touched (a school login, a file name …)
	detail TEXT,
	ip TEXT
);
CREATE INDEX audit_at ON audit(at);
