-- 008: accounts hardening (issue 12).
--
-- Secrets of the server that are not personal data, by name: 'audit-login' keys the
-- fingerprint that the audit log keeps of a failed login whose login does not exist
-- (docs/accounts.md). Values are random bytes created by oko on first use.
CREATE TABLE secret (
	name TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

-- Failed logins used to keep whatever was typed as the login, which may be a password
-- typed into the wrong field. Those of logins that do not exist lose the text ('#' = an
-- unknown login whose text was not kept).
UPDATE audit SET user_login = '#'
WHERE action = 'login_failed' AND user_id IS NULL
  AND user_login NOT IN (SELECT login FROM "user");

-- API keys get a number (to name one in lists and revocations), an expiry and a
-- revocation. Times are unix seconds, like sessions'. Keys made before never expired:
-- they now expire 90 days after this migration, so scripts keep working meanwhile.
CREATE TABLE api_token_new (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,    -- hex BLAKE2b of the key
	user_id INTEGER NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
	label TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER,                 -- NULL while not revoked
	revoked_by TEXT                     -- who or what revoked it
);
-- @sqlite-only: the keys of an existing database (a PostgreSQL one is new here, empty)
INSERT INTO api_token_new (token_hash, user_id, label, created_at, expires_at)
SELECT token_hash, user_id, label, coalesce(CAST(strftime('%s', created_at) AS INTEGER), 0),
       CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400
FROM api_token;
DROP TABLE api_token;
ALTER TABLE api_token_new RENAME TO api_token;
CREATE INDEX api_token_user ON api_token(user_id);
