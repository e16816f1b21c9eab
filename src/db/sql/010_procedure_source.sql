-- 010: where a procedure's description came from (issue 13): a procedures file, a KIM
-- description, oko's catalogue of official structures, a results form's headers, or
-- inferred from a results file (its maxima the largest points seen: a guess a person
-- confirmed). Shown with the procedure so nobody mistakes a guess for the official form.
ALTER TABLE procedure ADD COLUMN source TEXT NOT NULL DEFAULT '';
