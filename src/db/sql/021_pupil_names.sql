-- 021: pupils' names deleted over time (152-ФЗ: kept no longer than the purpose requires;
-- docs/personal-data.md «Deleting names»). A deleted name leaves the pupil's row — class,
-- grade and the participant code its results are stored under — and loses what came from
-- the name: name_enc becomes empty (zero bytes) and name_tag a placeholder made of the row's
-- id (unique in the row, derived from nothing personal), and name_deleted_at records when
-- (UTC 'YYYY-MM-DDTHH:MM:SSZ'; NULL while the name is kept). model/pupil.c is the only writer.
ALTER TABLE pupil ADD COLUMN name_deleted_at TEXT;
