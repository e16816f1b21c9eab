-- 025: a measure's «учёт специфики территории» (the information note's second column, the
-- official form's «Учет специфики района при реализации мер/мероприятий»): how the measure is
-- carried out in this territory — the local acts and forums it goes
-- through («Приказ управления образования о проведении ВПР», «совещание руководителей ОО
-- (протокол № 3 от 25.03.2022)»). As written; '' when not given (measures made before).
ALTER TABLE measure ADD COLUMN specifics TEXT NOT NULL DEFAULT '';
