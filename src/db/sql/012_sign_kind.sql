-- 012: what a stored run needs to be read on its own (issue 14).
-- sign_result.kind: who defined the sign — 'official' (the 2019 method), 'published' (a
-- published criterion: ФИОКО, Rosobrnadzor) or 'own' (oko's own signs); the catalogue is
-- src/stats/catalogue.c. Rows of older runs get theirs from the sign's name.
-- run_histogram: the score distributions the evidence card draws, as the run saw them, so
-- that a card shows one moment even after the results were replaced: per reported
-- procedure the run's whole population (school_id NULL, with the mark scale), and per
-- school the procedure its card draws (its top procedure, else a flagged one).
ALTER TABLE sign_result ADD COLUMN kind TEXT NOT NULL DEFAULT 'own';
UPDATE sign_result SET kind = CASE
	WHEN sign IN ('mean_inflated', 'journal_mismatch', 'cohort_rise', 'cohort_drop') THEN 'official'
	WHEN sign IN ('journal_gap', 'share2_rise', 'boundary_peak', 'difficulty_inverted') THEN 'published'
	ELSE 'own' END;

CREATE TABLE run_histogram (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	school_id INTEGER REFERENCES school(id), -- NULL: every school of the run
	works INTEGER NOT NULL,
	counts TEXT NOT NULL,               -- works by primary score 0..max, separated by spaces
	scale TEXT                          -- region rows: lower bounds of 3/4/5 as '14 24 33'
);
CREATE INDEX run_histogram_school ON run_histogram(run_id, school_id, procedure_id);
