-- 018: what the processing centre states about an exam work (ОГЭ, ГВЭ, ЕГЭ), beside the
-- primary score: the mark it gave (exam_mark, 2..5; for ОГЭ it may depend on conditions
-- beyond the total, so it is kept as stated) and the 100-point test score (test_score,
-- 0..100, ЕГЭ). NULL when the file stated none. journal_mark holds the annual mark
-- (годовая отметка) for these kinds. Other code joins ЕГЭ results by these names: keep them.

ALTER TABLE result ADD COLUMN exam_mark INTEGER CHECK (exam_mark BETWEEN 2 AND 5);
ALTER TABLE result ADD COLUMN test_score INTEGER CHECK (test_score BETWEEN 0 AND 100);
