-- 020: teachers of a school, the class → teacher assignment per procedure, and a run's
-- results per teacher (issue 20: teachers in the risk zone; docs/methodology-oko.md).
--
-- A teacher's name is personal data of the school, kept as pupils' names are (005): sealed
-- with the school's data key (XChaCha20-Poly1305, the school id in the associated data),
-- name_tag a keyed BLAKE2b of the folded name so that a re-imported file finds the teacher
-- without opening anything. Only model/teacher.c opens names, and only for the school's
-- own users (docs/personal-data.md).

CREATE TABLE teacher (
	id INTEGER PRIMARY KEY,
	school_id INTEGER NOT NULL REFERENCES school(id),
	name_enc BLOB NOT NULL,
	name_tag BLOB NOT NULL,
	UNIQUE (school_id, name_tag)
);

-- Who taught the class that wrote the procedure. class is normalised as pupil.class
-- ('4А'); one teacher per class and procedure.
CREATE TABLE class_teacher (
	school_id INTEGER NOT NULL REFERENCES school(id),
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	class TEXT NOT NULL,
	teacher_id INTEGER NOT NULL REFERENCES teacher(id),
	PRIMARY KEY (school_id, procedure_id, class)
) WITHOUT ROWID;
CREATE INDEX class_teacher_teacher ON class_teacher(teacher_id);

-- A run's result per teacher with assigned classes: the classes and works behind the
-- evidence, the combined p, its BH-adjusted value over the region's teachers, whether the
-- teacher is in the risk zone (listed) and the kind of evidence with the smallest p.
CREATE TABLE run_teacher (
	run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
	teacher_id INTEGER NOT NULL REFERENCES teacher(id),
	school_id INTEGER NOT NULL REFERENCES school(id),
	classes INTEGER NOT NULL,
	works INTEGER NOT NULL,
	p REAL,
	q_adj REAL,
	listed INTEGER NOT NULL CHECK (listed IN (0, 1)),
	top_kind TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (run_id, teacher_id)
) WITHOUT ROWID;
CREATE INDEX run_teacher_school ON run_teacher(run_id, school_id);

-- The evidence behind it: one row per class, procedure and kind (stats/teacher.h), the
-- class's works and its one-sided p.
CREATE TABLE run_teacher_class (
	run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
	teacher_id INTEGER NOT NULL REFERENCES teacher(id),
	procedure_id INTEGER NOT NULL REFERENCES procedure(id),
	class TEXT NOT NULL,
	kind TEXT NOT NULL,
	works INTEGER NOT NULL,
	p REAL NOT NULL,
	PRIMARY KEY (run_id, teacher_id, procedure_id, class, kind)
) WITHOUT ROWID;
