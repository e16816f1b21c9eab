-- 014: a school's address (schools.csv `address`, optional): where an observer goes.
-- NULL while unknown; a schools file without the column leaves it as it is.
ALTER TABLE school ADD COLUMN address TEXT;
