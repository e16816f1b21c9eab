-- 011: an upload waiting for its uploader's confirmation (issue 13): a results file that
-- would replace results stored by earlier uploads, or that brings a procedure oko can only
-- guess from the file. The file is kept, the uploader reads what it would do and confirms
-- (or corrects the guessed procedure); nothing is stored from it until then. Results files
-- hold participant codes, never names. Kept for a day at most.
CREATE TABLE pending_upload (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES "user"(id),
	file TEXT NOT NULL,                 -- the name the browser sent
	procedure TEXT NOT NULL,            -- the procedure chosen on the form, or ''
	data BLOB NOT NULL,
	created_at INTEGER NOT NULL         -- unix seconds
);
CREATE INDEX pending_upload_user ON pending_upload(user_id);
