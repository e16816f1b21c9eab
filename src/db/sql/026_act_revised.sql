-- 026: an observation act corrected after it was submitted keeps its first submission
-- (submitted_by, submitted_at) and says when and by whom it was last corrected; NULL when it
-- never was (acts made before: their corrections overwrote the submission).
ALTER TABLE act ADD COLUMN revised_by TEXT;
ALTER TABLE act ADD COLUMN revised_at TEXT;
