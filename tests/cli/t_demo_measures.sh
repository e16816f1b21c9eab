#!/bin/bash
# The demo's plans of measures (docs/measures.md): after `oko demo` the demo municipality
# has a plan started from the template municipal-vpr for the demo's school year, with
# addressed help to its flagged schools from the analysis run made after the re-checks (each
# measure with its school, the run and the evidence in words — the re-check's verdict where
# the demo re-checked the school), some measures done with a
# dated note, some in progress, some overdue (the demo plays a past year); the demo school
# has measures addressed to it and a plan of its own; the municipality has requisites; some of
# the template's measures say how they are carried out in the territory (specifics), kept
# through the statuses and due dates the demo sets afterwards.
. "$(dirname "$0")/lib.sh"

OKO_DB=$(new_db demo) && export OKO_DB
run_oko demo --schools 60 --municipalities 4 --seed 7
expect_eq "demo runs" "$rc" 0
expect_grep "the summary names the municipal plan" "$T/out" "План мероприятий муниципалитета «"
expect_grep "the summary gives the overdue measures" "$T/out" "просрочено: "

MUN="(SELECT municipality_id FROM \"user\" WHERE login = 'mun')"
SCHOOL="(SELECT school_id FROM \"user\" WHERE login = 'school')"
PLAN="(SELECT id FROM mplan WHERE level = 'municipality' AND municipality_id = $MUN)"
TODAY=$(date -u +%F)

# The plan.
expect_eq "one plan of the demo municipality" \
	"$(sql "SELECT count(*) FROM mplan WHERE level = 'municipality' AND municipality_id = $MUN")" 1
expect_eq "from the template municipal-vpr, for the school year 2020/21" \
	"$(sql "SELECT template || ' ' || period_from || ' ' || period_to FROM mplan WHERE id = $PLAN")" \
	"municipal-vpr 2020-09-01 2021-08-31"
expect_eq "its title says what it is for" \
	"$(sql "SELECT CASE WHEN title LIKE 'План мероприятий по повышению объективности%' THEN 1 ELSE 0 END FROM mplan WHERE id = $PLAN")" 1
expect_eq "the template's four blocks and the block of addressed help" \
	"$(sql "SELECT count(*) FROM mplan_block WHERE plan_id = $PLAN")" 5
expect_eq "the template's 24 measures" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND kind = '' AND school_id IS NULL")" 24

# Addressed help: every flagged school of the municipality in the run, with its cause.
RUN="(SELECT max(id) FROM analysis_run)"
FLAGGED="(SELECT s.id FROM school s WHERE s.municipality_id = $MUN AND (s.id IN
	(SELECT school_id FROM school_risk WHERE run_id = $RUN AND listed = 1) OR s.id IN
	(SELECT school_id FROM sign_result WHERE run_id = $RUN AND kind = 'official')))"
nf=$(sql "SELECT count(*) FROM $FLAGGED")
if [ "${nf:-0}" -gt 0 ]; then ok "the municipality has flagged schools ($nf)"; else fail "the municipality has flagged schools"; fi
expect_eq "each flagged school has an interview with its head" \
	"$(sql "SELECT count(DISTINCT school_id) FROM measure WHERE plan_id = $PLAN AND kind = 'interview'
		AND school_id IN $FLAGGED")" "$nf"
expect_eq "no school outside the municipality is helped" \
	"$(sql "SELECT count(*) FROM measure m JOIN school s ON s.id = m.school_id WHERE m.plan_id = $PLAN
		AND (s.municipality_id IS NULL OR s.municipality_id <> $MUN)")" 0
expect_eq "addressed measures name the run and the evidence in words" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND kind <> '' AND (run_id IS NULL OR run_id <> $RUN
		OR cause NOT LIKE 'Анализ результатов от %' OR cause NOT LIKE '%официальных признаков%')")" 0
expect_eq "no code of a sign in a cause" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND (cause LIKE '%mean_inflated%'
		OR cause LIKE '%boundary%' OR cause LIKE '%VPR-%')")" 0
expect_eq "a seminar only where a re-check confirmed over-scoring" \
	"$(sql "SELECT count(*) FROM measure m WHERE m.plan_id = $PLAN AND m.kind = 'seminar' AND NOT EXISTS
		(SELECT 1 FROM run_recheck r WHERE r.run_id = m.run_id AND r.school_id = m.school_id AND r.inflated = 1)")" 0
# The causes state the re-check the demo made: the latest run (the measures') came after the
# re-check rounds, so a school whose works experts checked is not «not re-checked», and a
# verdict in a cause is the run's.
expect_eq "no cause says «not re-checked» of a school whose works experts checked" \
	"$(sql "SELECT count(*) FROM measure m WHERE m.plan_id = $PLAN AND m.cause LIKE '%перепроверка работ не проводилась%'
		AND EXISTS (SELECT 1 FROM recheck_work w JOIN recheck_check c ON c.work_id = w.id
		WHERE w.school_id = m.school_id AND c.done = 1)")" 0
# Nor of a school whose works wait in a round: they are sampled, the re-check is under way.
expect_eq "no cause says «not re-checked» of a school whose works are sampled" \
	"$(sql "SELECT count(*) FROM measure m WHERE m.plan_id = $PLAN AND m.cause LIKE '%перепроверка работ не проводилась%'
		AND EXISTS (SELECT 1 FROM recheck_work w WHERE w.school_id = m.school_id)")" 0
expect_eq "a cause with a re-check verdict has it in the run" \
	"$(sql "SELECT count(*) FROM measure m WHERE m.plan_id = $PLAN AND m.cause LIKE '%перепроверка работ %подтвердила%'
		AND NOT EXISTS (SELECT 1 FROM run_recheck r WHERE r.run_id = m.run_id AND r.school_id = m.school_id)")" 0
nv=$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND kind = 'interview' AND cause LIKE '%перепроверка работ %подтвердила%'")
if [ "${nv:-0}" -gt 0 ]; then ok "some causes give a re-check's verdict ($nv)"; else fail "some causes give a re-check's verdict"; fi
expect_eq "a re-check measure is done only where the school's works were re-checked" \
	"$(sql "SELECT count(*) FROM measure m WHERE m.plan_id = $PLAN AND m.kind = 'recheck' AND m.status = 'done'
		AND NOT EXISTS (SELECT 1 FROM run_recheck r WHERE r.run_id = m.run_id AND r.school_id = m.school_id)")" 0
expect_eq "… and in progress only where its works wait in a round" \
	"$(sql "SELECT count(*) FROM measure m WHERE m.plan_id = $PLAN AND m.kind = 'recheck' AND m.status = 'progress'
		AND NOT EXISTS (SELECT 1 FROM recheck_work w WHERE w.school_id = m.school_id)")" 0

# Statuses: done with a dated note, in progress, overdue as of today.
done=$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND status = 'done'")
prog=$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND status = 'progress'")
over=$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND status IN ('planned', 'progress')
	AND due IS NOT NULL AND due < '$TODAY'")
if [ "${done:-0}" -gt 0 ]; then ok "some measures done ($done)"; else fail "some measures done"; fi
if [ "${prog:-0}" -gt 0 ]; then ok "some in progress ($prog)"; else fail "some in progress"; fi
if [ "${over:-0}" -gt 0 ]; then ok "some overdue ($over)"; else fail "some overdue"; fi
expect_eq "every done measure has a done note with its date" \
	"$(sql "SELECT count(*) FROM measure m WHERE m.plan_id = $PLAN AND m.status = 'done' AND (m.done_on IS NULL
		OR NOT EXISTS (SELECT 1 FROM measure_note n WHERE n.measure_id = m.id AND n.status = 'done'
		AND n.note <> '' AND n.noted_at LIKE '____-__-__T%'))")" 0
expect_grep "the summary's overdue count is the database's" "$T/out" "просрочено: $over;"

# «Учёт специфики территории»: the local acts and forums of some template measures.
expect_eq "nine template measures with the territory's specifics" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND school_id IS NULL AND specifics <> ''")" 9
expect_eq "… the order of the education authority" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND text LIKE 'Издание приказа о назначении%'
		AND specifics LIKE 'Приказ Комитета по образованию о проведении ВПР%'")" 1
expect_eq "… a meeting of the heads with its minutes of the demo's year" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND specifics LIKE '%совещание руководителей ОО (протокол № 3 от 25.03.2021)'")" 2
expect_eq "… kept where the demo set a due date afterwards" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $PLAN AND text LIKE 'Совершенствование внутришкольного контроля%'
		AND due IS NOT NULL AND status = 'progress' AND specifics LIKE 'планы внутришкольного контроля ОО%'")" 1

# The demo school: measures addressed to it, and a plan of its own.
own=$(sql "SELECT count(*) FROM measure WHERE school_id = $SCHOOL")
if [ "${own:-0}" -ge 1 ]; then ok "the demo school has measures addressed to it ($own)"; else fail "the demo school has measures addressed to it"; fi
expect_eq "the demo school's plan from school-objectivity" \
	"$(sql "SELECT count(*) FROM mplan WHERE level = 'school' AND school_id = $SCHOOL AND template = 'school-objectivity'")" 1
expect_eq "with the three directions" \
	"$(sql "SELECT count(*) FROM mplan_block WHERE plan_id = (SELECT id FROM mplan WHERE school_id = $SCHOOL)")" 3

# Requisites of the municipality.
expect_eq "the municipality's requisites" \
	"$(sql "SELECT CASE WHEN org LIKE 'Комитет по образованию администрации %' AND place <> '' AND head_name <> ''
		THEN 1 ELSE 0 END FROM requisite WHERE unit = 'municipality' AND unit_id = $MUN")" 1

# A second demo with --force adds no second plan.
run_oko demo --schools 60 --municipalities 4 --seed 7 --force
expect_grep "a second demo says the plans are there" "$T/out" "планы уже есть"
expect_eq "still one plan of the municipality" \
	"$(sql "SELECT count(*) FROM mplan WHERE level = 'municipality' AND municipality_id = $MUN")" 1
echo "1..$_n"
