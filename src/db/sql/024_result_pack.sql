-- 024: the analysis's copy of the results (issue 21): one row a procedure and school, the
-- school's results of the procedure in one blob (src/model/result_pack.h), kept by the
-- result writer in the same transaction as the rows. The analysis reads 0.74 M of these
-- nationally instead of 31.7 M result rows.
CREATE TABLE result_pack (
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	school_id INTEGER NOT NULL REFERENCES school(id),
	data BLOB NOT NULL,
	PRIMARY KEY (procedure_id, school_id)
) WITHOUT ROWID;

-- Procedures whose results were stored before the copy existed: the analysis reads their
-- rows until a stored run packs them.
CREATE TABLE result_unpacked (
	procedure_id INTEGER PRIMARY KEY REFERENCES procedure(id)
);
INSERT INTO result_unpacked (procedure_id) SELECT DISTINCT procedure_id FROM result;
