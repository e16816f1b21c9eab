-- 004: analysis runs (oko analyze), so that the web can show the risk list, the evidence
-- of a school and the region's index without recomputing. A run is written in one
-- transaction; deleting a run deletes its rows. sign_result keeps the flags (status
-- 'flag') of every sign; the full table of every evaluation, ok and not_evaluable included,
-- is signs.csv in the run's output folder (out_dir). See docs/analysis.md.

CREATE TABLE analysis_run (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	params TEXT NOT NULL,               -- JSON: year, procedure, q
	out_dir TEXT,
	procedures INTEGER,                 -- procedures reported
	schools INTEGER,                    -- schools with written works
	flagged INTEGER,                    -- schools with an official flag
	objectivity_index REAL,             -- 100 - % flagged (methodology §1)
	listed INTEGER,                     -- schools on oko's list
	q REAL                              -- FDR level of oko's own signs and list
);

CREATE TABLE sign_result (
	run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
	school_id INTEGER NOT NULL REFERENCES school(id),
	procedure_id INTEGER NOT NULL REFERENCES procedure(id), -- pair signs: the later one
	sign TEXT NOT NULL,                 -- mean_inflated, journal_mismatch, cohort_rise, ...
	value REAL,
	threshold REAL,
	n INTEGER,
	p REAL,                             -- oko's own signs: p-value and BH-adjusted p
	q_adj REAL,
	detail TEXT,                        -- the sign's inputs, key=value;... as in signs.csv
	PRIMARY KEY (run_id, school_id, procedure_id, sign)
) WITHOUT ROWID;

CREATE TABLE school_risk (
	run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
	school_id INTEGER NOT NULL REFERENCES school(id),
	official_flags INTEGER NOT NULL,
	own_flags INTEGER NOT NULL,
	works INTEGER NOT NULL,
	risk REAL NOT NULL,                 -- -log10 of the combined p (0 = no evidence)
	p REAL,
	q_adj REAL,
	listed INTEGER NOT NULL CHECK (listed IN (0, 1)),
	rank INTEGER NOT NULL,              -- 1 = highest risk
	top_sign TEXT,                      -- the sign and procedure of the smallest p
	top_procedure_id INTEGER REFERENCES procedure(id),
	top_p REAL,
	years_flagged TEXT,                 -- years with an official flag, e.g. '2020 2021'
	consecutive_years INTEGER NOT NULL, -- flagged years in a row up to the last year
	PRIMARY KEY (run_id, school_id)
) WITHOUT ROWID;
CREATE INDEX school_risk_rank ON school_risk(run_id, rank);

CREATE TABLE region_index (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
	procedure_id INTEGER REFERENCES procedure(id), -- NULL: the whole run
	scope TEXT NOT NULL,                -- the procedure's code or 'all'
	works INTEGER,
	schools INTEGER,
	excluded INTEGER,                   -- rows left out (scores above the maximum, none)
	absent INTEGER,
	mean REAL,
	sd REAL,
	flagged_mean INTEGER,
	flagged_journal INTEGER,
	flagged_rise INTEGER,
	flagged_drop INTEGER,
	flagged_share2 INTEGER,
	flagged_official INTEGER,
	objectivity_index REAL,
	own_flagged INTEGER,
	boundary INTEGER,                   -- the boundary with the largest excess mass
	excess REAL,
	excess_lo REAL,
	excess_hi REAL,
	excess_share REAL,
	UNIQUE (run_id, scope)
);
