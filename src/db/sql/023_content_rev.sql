-- 023: the content version (issue 21). One row, moved by the database driver (src/db/db.c)
-- in the same transaction as every change of the content — every write except to the
-- audit journal and the sessions — so the web server keeps pages and downloads until the
-- data they show change, however many downloads are audited or users log in meanwhile.
CREATE TABLE content_rev (n INTEGER NOT NULL);
INSERT INTO content_rev (n) VALUES (0);
