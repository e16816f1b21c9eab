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
  AND user_login NOT IN (SELECT login FROM user);
