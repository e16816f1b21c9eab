#!/bin/bash
# Observers from the command line, end to end: the registry import (atomic, every refusal
# by row and column in Russian, cp1251 and XLSX), the assignment (covers every sitting when
# capacity suffices, never breaks a hard rule — checked against the fixture with awk —,
# --dry-run, seeds), manual choices, the schedule exports, paper acts round trip and the
# demo. The sittings and the observers are small enough that every answer is known.
. "$(dirname "$0")/lib.sh"
MKXLSX=${BUILD:-}/tests/tools/mkxlsx

C="ВПР весна 2021"
# Before the campaign: nothing is held yet (a sitting before today keeps its observer).
export OKO_NOW=2021-03-01T08:00:00Z
"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
cat >"$T/plan.csv" <<EOF
campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline
$C,VPR-2021-MA-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25
$C,VPR-2021-RU-4,2021-03-10,2021-03-16,2021-05-20,2021-03-16,2021-03-16,2021-05-25
EOF
"$OKO" import plan "$T/plan.csv" >/dev/null
"$OKO" plan assign --campaign "$C" --all >/dev/null
# Eight sittings: three on 13.04 (two of them at 09:00), one on 14.04, two on 15.04, two
# on 16.04 at the same time.
while read -r school proc date time; do
	"$OKO" plan date --school "$school" --procedure "$proc" --date "$date" --time "$time" >/dev/null ||
		echo "# plan date $school $proc failed"
done <<EOF
sch220206 VPR-2021-RU-4 2021-04-13 09:00
sch220207 VPR-2021-RU-4 2021-04-13 09:00
edu223017 VPR-2021-RU-4 2021-04-13 10:00
edu223018 VPR-2021-RU-4 2021-04-14 09:00
sch220206 VPR-2021-MA-4 2021-04-15 09:00
sch220207 VPR-2021-MA-4 2021-04-15 10:00
edu223017 VPR-2021-MA-4 2021-04-16 09:00
edu223018 VPR-2021-MA-4 2021-04-16 09:00
EOF
expect_eq "eight sittings dated" "$(sql 'SELECT count(*) FROM plan_school WHERE sit_date IS NOT NULL')" 8

# --- bad registries: refused whole, every problem by row and column, nothing stored
"$OKO" observers list >"$T/list0.csv"
before=$(db_digest)
expect_fail "a registry with errors is refused" observers import "$DATA/observers_bad.csv" --campaign "$C"
expect_grep "unknown school login named" "$T/err" "строка 3, столбец 5 «works_at», значение «sch999999»: школы с логином «sch999999» нет в реестре школ"
expect_grep "a repeated observer named with both rows" "$T/err" "строка 4, столбец 1 «id», значение «N001»: наблюдатель «N001» повторяется: строки 2 и 4"
expect_grep "a date outside the campaign named" "$T/err" "строка 5, столбец 8 «available», значение «2021-04-13 2021-06-01»: дата 2021-06-01 вне кампании «ВПР весна 2021» (15.03.2021–21.05.2021)"
expect_grep "a bad kind named" "$T/err" "строка 6, столбец 3 «kind», значение «эксперт»: вид наблюдателя — «общественный» или «специалист»"
expect_grep "a bad max_per_day named" "$T/err" "строка 7, столбец 7 «max_per_day», значение «11»"
expect_grep "an unknown municipality named" "$T/err" "строка 8, столбец 4 «municipality», значение «Нет такого района»"
expect_grep "an impossible date named" "$T/err" "«2021-02-30» — не дата"
expect_grep "the file is not loaded" "$T/err" "данные в базе не изменены"
expect_eq "nothing stored from the bad registry" "$(db_digest)" "$before"

# Each refusal alone, through both command names: still nothing stored.
head -1 "$DATA/observers.csv" >"$T/head.csv"
n=0
while IFS='|' read -r row want; do
	n=$((n + 1))
	{ cat "$T/head.csv"; printf '%s\n' "N100,Фролов Пётр Ильич,общественный,г. Барнаул,,,1,"; printf '%s\n' "$row"; } >"$T/one$n.csv"
	if [ $((n % 2)) -eq 0 ]; then run_oko import observers "$T/one$n.csv" --campaign "$C"
	else run_oko observers import "$T/one$n.csv" --campaign "$C"; fi
	if [ "$rc" -ne 0 ] && grep -qF -- "$want" "$T/err"; then ok "refused alone: $want"
	else fail "refused alone: $want (status $rc)"; sed 's/^/# /' "$T/err" | head -5; fi
	expect_eq "nothing stored after refusal $n" "$(db_digest)" "$before"
done <<'EOF'
N101,Юрьев Юрий Юрьевич,общественный,г. Барнаул,sch220206 nosuch1,,1,|строка 3, столбец 5 «works_at», значение «sch220206 nosuch1»: школы с логином «nosuch1» нет в реестре школ
N100,Юрьев Юрий Юрьевич,общественный,г. Барнаул,,,1,|наблюдатель «N100» повторяется: строки 2 и 3
N101,Юрьев Юрий Юрьевич,общественный,г. Барнаул,,,1,2021-03-14|дата 2021-03-14 вне кампании «ВПР весна 2021» (15.03.2021–21.05.2021)
N101,Юрьев Юрий Юрьевич,наблюдатель,г. Барнаул,,,1,|строка 3, столбец 3 «kind», значение «наблюдатель»
N101,Юрьев Юрий Юрьевич,общественный,г. Барнаул,,,0,|строка 3, столбец 7 «max_per_day», значение «0»
N101,Юрьев Юрий Юрьевич,общественный,г. Барнаул,,edu999,1,|строка 3, столбец 6 «children_at», значение «edu999»
N101,,общественный,г. Барнаул,,,1,|строка 3, столбец 2 «name», значение «»: не указаны ФИО наблюдателя
EOF
"$OKO" observers list >"$T/list1.csv"
expect_eq "the list is the same after every refusal" "$(md5sum <"$T/list1.csv")" "$(md5sum <"$T/list0.csv")"
expect_fail "an unknown campaign is refused" observers import "$DATA/observers.csv" --campaign "Нет такой"
expect_grep "the campaign named" "$T/err" "кампании «Нет такой» нет"
expect_fail "import observers without a campaign is a usage error" import observers "$DATA/observers.csv"
expect_eq "usage error status 2" "$rc" 2

# --- the good registry
expect_ok "dry run of the registry" observers import "$DATA/observers.csv" --campaign "$C" --dry-run
expect_grep "dry run counts" "$T/out" "проверено, ничего не сохранено: наблюдателей: 7 (новых 7, обновлено 0)"
expect_eq "dry run stores nothing" "$(db_digest)" "$before"
expect_ok "the registry imports" observers import "$DATA/observers.csv" --campaign "$C"
expect_grep "seven new observers" "$T/out" "наблюдателей: 7 (новых 7, обновлено 0)"
expect_ok "list" observers list --campaign "$C"
cp "$T/out" "$T/list.csv"
expect_eq "list header" "$(head -1 "$T/list.csv")" "id,name,kind,municipality,works_at,children_at,max_per_day,available,assigned"
expect_eq "seven rows listed" "$(tail -n +2 "$T/list.csv" | wc -l)" 7
expect_grep "a row as imported, kind in canonical form" "$T/list.csv" "N003,Сидорова Анна Викторовна,общественный,Краснощёковский район,edu223017,edu223018,2,,0"
expect_grep "two schools and sorted days" "$T/list.csv" "N005,Смирнова Елена Алексеевна,специалист,,sch220207 edu223018,,2,2021-04-13 2021-04-14 2021-04-15 2021-04-16,0"
expect_grep "empty max_per_day is 1" "$T/list.csv" "N004,Кузнецов Олег Юрьевич,общественный,Краснощёковский район,,,1,,0"

# The same registry in Windows-1251 and as XLSX: read alike, counted as updates.
iconv -f UTF-8 -t CP1251 "$DATA/observers.csv" >"$T/obs1251.csv"
expect_ok "a Windows-1251 registry imports" import observers "$T/obs1251.csv" --campaign "$C"
expect_grep "cp1251: seven updated" "$T/out" "наблюдателей: 7 (новых 0, обновлено 7)"
"$OKO" observers list --campaign "$C" >"$T/list_cp.csv"
expect_eq "cp1251 read the same letters" "$(md5sum <"$T/list_cp.csv")" "$(md5sum <"$T/list.csv")"
if [ -x "$MKXLSX" ]; then
	"$MKXLSX" from-csv "$T/obs.xlsx" "Наблюдатели" "$DATA/observers.csv"
	expect_ok "an XLSX registry imports" observers import "$T/obs.xlsx" --campaign "$C"
	expect_grep "xlsx: seven updated" "$T/out" "наблюдателей: 7 (новых 0, обновлено 7)"
	"$OKO" observers list --campaign "$C" >"$T/list_x.csv"
	expect_eq "xlsx read the same" "$(md5sum <"$T/list_x.csv")" "$(md5sum <"$T/list.csv")"
	"$MKXLSX" from-csv "$T/bad.xlsx" "Лист1" "$DATA/observers_bad.csv"
	before=$(db_digest)
	expect_fail "a bad XLSX registry is refused" observers import "$T/bad.xlsx" --campaign "$C"
	expect_grep "xlsx refusal names sheet, row and column" "$T/err" "лист «Лист1», строка 4, столбец A «id», значение «N001»"
	expect_eq "nothing stored from the bad XLSX" "$(db_digest)" "$before"
else
	skip "mkxlsx not built"
fi

# --- manual choices: hard rules refused with the rule, soft ones noted
before=$(db_digest)
expect_fail "an observer at the school where it works is refused" observers set --campaign "$C" --procedure VPR-2021-RU-4 --school sch220206 --observer N001
expect_grep "the rule named" "$T/err" "работает в этой школе"
expect_fail "a parent at its child's school is refused" observers set --campaign "$C" --procedure VPR-2021-MA-4 --school sch220207 --observer N002
expect_grep "the child rule named" "$T/err" "ребёнок"
expect_fail "an unavailable day is refused" observers set --campaign "$C" --procedure VPR-2021-RU-4 --school edu223018 --observer N002
expect_eq "refused choices store nothing" "$(db_digest)" "$before"
expect_ok "a choice from another municipality is allowed" observers set --campaign "$C" --procedure VPR-2021-RU-4 --school sch220206 --observer N004
expect_grep "and noted" "$T/out" "замечание: из другого муниципалитета"
expect_ok "a second manual choice" observers set --campaign "$C" --procedure VPR-2021-MA-4 --school edu223017 --observer N006
expect_fail "the same observer at the same time elsewhere is refused" observers set --campaign "$C" --procedure VPR-2021-MA-4 --school edu223018 --observer N006
expect_grep "one place at a time" "$T/err" "в это время наблюдает в другой школе"
expect_fail "a procedure outside the campaign is refused" observers set --campaign "$C" --procedure VPR-2021-XX-4 --school sch220206 --none

# --- automatic assignment
sched() { "$OKO" observers export --campaign "$C" --format csv --out "$1" >/dev/null; }
before=$(db_digest)
expect_ok "dry run of the assignment" observers assign --campaign "$C" --seed 7 --dry-run
expect_grep "dry run says so" "$T/out" "ничего не сохранено"
expect_eq "dry run stores nothing" "$(db_digest)" "$before"
expect_ok "assign with seed 1" observers assign --campaign "$C" --seed 1
expect_grep "every sitting covered" "$T/out" "проведений: 8, с наблюдателем: 8 (100 %)"
expect_grep "manual choices kept" "$T/out" "ручных назначений сохранено: 2"
expect_grep "the seed printed" "$T/out" "--seed 1)"
grep -F "проведений:" "$T/out" >"$T/cover1"
sched "$T/s1.csv"
expect_eq "schedule header" "$(head -1 "$T/s1.csv")" "date,time,procedure,school,observer_id,observer,kind"
expect_eq "eight assignments exported" "$(tail -n +2 "$T/s1.csv" | wc -l)" 8
if tail -n +2 "$T/s1.csv" | cut -d, -f1,2 | sort -c 2>/dev/null; then ok "schedule in date order"; else fail "schedule in date order"; fi
expect_grep "manual choice in the schedule" "$T/s1.csv" "2021-04-13,09:00,VPR-2021-RU-4,sch220206,N004,Кузнецов Олег Юрьевич,общественный"

# The hard rules, checked on the exported schedule against the fixture.
check_rules() {
	awk -F, '
	NR == FNR { if (FNR > 1) { for (k = 5; k <= 6; k++) { n = split($k, s, " "); for (i = 1; i <= n; i++) bad[$1 "@" s[i]] = 1 }
		max[$1] = $7 == "" ? 1 : $7; days[$1] = $8 }; next }
	FNR == 1 { next }
	{ o = $5
	  if ((o "@" $4) in bad) { print "conflict: " $0; e++ }
	  if ((o "@" $1 "@" $2) in at && at[o "@" $1 "@" $2] != $4) { print "two places: " $0; e++ }
	  at[o "@" $1 "@" $2] = $4
	  if (++per[o "@" $1] > max[o]) { print "over max_per_day: " $0; e++ }
	  if (days[o] != "" && index(" " days[o] " ", " " $1 " ") == 0) { print "unavailable: " $0; e++ } }
	END { exit e > 0 }' "$DATA/observers.csv" "$1"
}
if check_rules "$T/s1.csv" >"$T/rules"; then ok "no hard rule broken (seed 1)"; else fail "hard rules broken"; sed 's/^/# /' "$T/rules"; fi

expect_ok "assign again with seed 1" observers assign --campaign "$C" --seed 1
sched "$T/s1b.csv"
expect_eq "the same seed gives the same schedule" "$(md5sum <"$T/s1b.csv")" "$(md5sum <"$T/s1.csv")"
differ=0
for s in 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	run_oko observers assign --campaign "$C" --seed $s
	sched "$T/s$s.csv"
	check_rules "$T/s$s.csv" >>"$T/rules" || echo "# seed $s broke a rule"
	if ! cmp -s "$T/s$s.csv" "$T/s1.csv"; then
		differ=$s
		break
	fi
done
if [ "$differ" -gt 0 ]; then ok "another seed gives another schedule (seed $differ)"; else fail "15 seeds gave the same schedule"; fi
grep -F "проведений:" "$T/out" >"$T/cover2"
expect_eq "with the same coverage" "$(cat "$T/cover2")" "$(cat "$T/cover1")"
if check_rules "$T/s$differ.csv" >"$T/rules2"; then ok "no hard rule broken (seed $differ)"; else fail "hard rules broken (seed $differ)"; fi
# A sitting already held keeps its observer: on 14.04 the three sittings of 13.04 (one a
# manual choice) stay as they were, whatever the seed.
grep '^2021-04-13,' "$T/s$differ.csv" >"$T/held_before"
held_ok=1
for s in 21 22 23 24; do
	OKO_NOW=2021-04-14T12:00:00Z run_oko observers assign --campaign "$C" --seed $s
	sched "$T/h$s.csv"
	grep '^2021-04-13,' "$T/h$s.csv" | cmp -s - "$T/held_before" || held_ok=0
done
expect_grep "held sittings reported" "$T/out" "уже прошли или есть акт, наблюдатель не менялся: 2"
if [ $held_ok = 1 ]; then ok "sittings before today keep their observers"; else fail "a held sitting changed its observer"; fi
# A held sitting left without an observer is not given one after the fact.
e17="(SELECT id FROM school WHERE login = 'edu223017')"
ru4="(SELECT id FROM procedure WHERE code = 'VPR-2021-RU-4')"
sql "DELETE FROM observation WHERE school_id = $e17 AND procedure_id = $ru4"
OKO_NOW=2021-04-14T12:00:00Z run_oko observers assign --campaign "$C" --seed 25
expect_eq "a past sitting without an observer stays without one" "$(sql "SELECT count(*) FROM observation WHERE school_id = $e17 AND procedure_id = $ru4")" 0
run_oko observers assign --campaign "$C" --seed $differ
expect_eq "the list counts assignments" "$("$OKO" observers list --campaign "$C" | tail -n +2 | awk -F, '{ s += $NF } END { print s }')" 8

# The documents of the schedule.
expect_ok "schedule as XLSX" observers export --campaign "$C" --format xlsx --out "$T/s.xlsx"
if unzip -l "$T/s.xlsx" 2>/dev/null | grep -q 'xl/workbook.xml'; then ok "the XLSX is a workbook"; else fail "the XLSX is a workbook"; fi
expect_ok "schedule as PDF" observers export --campaign "$C" --format pdf --out "$T/s.pdf"
if pdftotext "$T/s.pdf" - 2>/dev/null | grep -qi "наблюдател"; then ok "the PDF speaks of observers"; else fail "the PDF speaks of observers"; fi
expect_ok "coverage by municipality" observers coverage --campaign "$C" --format csv
expect_eq "coverage header" "$(head -1 "$T/out")" "group,sittings,observed,priority,priority_observed,acts,acts_violations,video_sitting,video_checking,video_problems"
expect_eq "coverage total: eight sittings, all observed" "$(grep '^Итого,' "$T/out" | cut -d, -f2,3)" "8,8"
expect_ok "coverage by school kind as XLSX" observers coverage --campaign "$C" --by kind --format xlsx --out "$T/cov.xlsx"
expect_fail "coverage by an unknown grouping refused" observers coverage --campaign "$C" --by school --format csv
expect_fail "XLSX without --out is a usage error" observers export --campaign "$C" --format xlsx
expect_fail "an unknown format is refused" observers export --campaign "$C" --format doc

# --- link and reveal
"$OKO" user add nab --role observer --name "Наблюдатель" --password "password-nab-1" >/dev/null
expect_ok "link an observer to a login" observers link --observer N004 --login nab
expect_eq "the link stored" "$(sql "SELECT o.code FROM observer o JOIN \"user\" u ON u.id = o.user_id WHERE u.login = 'nab'")" N004
expect_fail "an unknown login is refused" observers link --observer N004 --login nosuchuser
expect_ok "reveal on the day" observers reveal --campaign "$C" --day
expect_eq "reveal stored" "$(sql "SELECT reveal FROM observe_campaign")" day

# --- paper acts: refused rows named; a round trip to another database
# B: a copy of the database as it is now (SQLite: a backup; PostgreSQL: a dump restored
# into a second database, without the sql helper's schema that new_db made there already).
if is_pg; then
	B=$(new_db b)
	"$PG_BIN/pg_dump" --no-owner --exclude-schema=sqlite_compat -d "$OKO_DB" 2>/dev/null |
		"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$B" >/dev/null
else
	B=$T/b.db
	sqlite3 "$OKO_DB" ".backup '$B'" && chmod 600 "$B"
fi
printf 'procedure,school,observer_id,started,ended,stages,no_violations,violations,comment\nVPR-2021-RU-4,sch220206,N001,10:00,09:00,подготовка,2,неизвестное,\nVPR-2021-RU-4,sch220207,N004,09:00,10:00,,1,,\n' >"$T/acts_bad.csv"
before=$(db_digest)
expect_fail "bad acts are refused" import acts "$T/acts_bad.csv"
expect_grep "end before start named" "$T/err" "строка 2, столбец 5 «ended», значение «09:00»: время окончания раньше времени начала (10:00)"
expect_grep "unknown stage named" "$T/err" "строка 2, столбец 6 «stages», значение «подготовка»: неизвестный этап «подготовка»"
expect_grep "bad flag named" "$T/err" "строка 2, столбец 7 «no_violations», значение «2»"
expect_grep "unknown violation named" "$T/err" "строка 2, столбец 8 «violations», значение «неизвестное»"
expect_grep "an act by an observer not assigned is refused" "$T/err" "строка 3, столбец 3 «observer_id», значение «N004»: наблюдатель не назначен на проведение VPR-2021-RU-4 в школе sch220207"
expect_eq "nothing stored from bad acts" "$(db_digest)" "$before"
# A failure while storing (here a trigger refusing the second act) leaves nothing stored:
# the acts of a file go in one transaction.
if is_pg; then
	sql 'CREATE FUNCTION t_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF (SELECT count(*) FROM act) >= 1 THEN RAISE EXCEPTION '"'test'"'; END IF; RETURN NEW; END $$; CREATE TRIGGER t_fail BEFORE INSERT ON act FOR EACH ROW EXECUTE FUNCTION t_fail();'
else
	sql "CREATE TRIGGER t_fail BEFORE INSERT ON act WHEN (SELECT count(*) FROM act) >= 1 BEGIN SELECT RAISE(ABORT, 'test'); END;"
fi
expect_fail "a store failing on the second act fails the file" import acts "$DATA/observers_acts.csv"
expect_eq "the first act is not left behind" "$(sql 'SELECT count(*) FROM act')" 0
if is_pg; then sql "DROP TRIGGER t_fail ON act; DROP FUNCTION t_fail()"; else sql "DROP TRIGGER t_fail"; fi
expect_ok "paper acts import" import acts "$DATA/observers_acts.csv"
expect_grep "two acts" "$T/out" "актов наблюдения: 2 (новых 2, заменено 0)"
expect_eq "stored as paper with their violations" "$(sql "SELECT count(*) || '/' || sum(source = 'paper') FROM act")/$(sql 'SELECT count(*) FROM act_violation')" "2/2/2"
expect_ok "paper acts again replace" import acts "$DATA/observers_acts.csv"
expect_grep "replaced, not doubled" "$T/out" "актов наблюдения: 2 (новых 0, заменено 2)"
expect_ok "acts export" export acts --campaign "$C" --format csv --out "$T/acts.csv"
expect_eq "acts header" "$(head -1 "$T/acts.csv")" "procedure,school,observer_id,started,ended,stages,no_violations,violations,comment"
OKO_DB=$B run_oko import acts "$T/acts.csv"
expect_eq "acts imported into the other database" "$rc" 0
OKO_DB=$B "$OKO" export acts --campaign "$C" --format csv --out "$T/acts_b.csv" >/dev/null
expect_eq "the round trip gives the same acts" "$(md5sum <"$T/acts_b.csv")" "$(md5sum <"$T/acts.csv")"
expect_ok "acts as XLSX" export acts --campaign "$C" --format xlsx --out "$T/acts.xlsx"
if [ -x "$MKXLSX" ]; then
	OKO_DB=$B run_oko import acts "$T/acts.xlsx"
	expect_grep "the XLSX acts read back" "$T/out" "актов наблюдения: 2 (новых 0, заменено 2)"
fi

# --- the demo fills observers, sittings, assignments, acts and video
unset OKO_NOW
OKO_DB=$(new_db demo) && export OKO_DB
run_oko demo --schools 60 --municipalities 4
expect_eq "demo runs" "$rc" 0
expect_grep "demo prints what it filled" "$T/out" "наблюдателей: "
for q in "observer" "plan_school WHERE sit_date IS NOT NULL" "observation" "act" "video"; do
	n=$(sql "SELECT count(*) FROM $q")
	if [ "${n:-0}" -gt 0 ]; then ok "demo leaves $q ($n)"; else fail "demo leaves $q"; fi
done
expect_eq "the demo observer login has work" "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM observation ob JOIN observer o ON o.id = ob.observer_id JOIN \"user\" u ON u.id = o.user_id WHERE u.login = 'observer'")" 1
expect_eq "demo conflicts of interest exist" "$(sql "SELECT CASE WHEN count(DISTINCT observer_id) > 0 THEN 1 ELSE 0 END FROM observer_school")" 1
expect_eq "the demo never assigns a conflict" "$(sql "SELECT count(*) FROM observation ob JOIN observer_school os ON os.observer_id = ob.observer_id AND os.school_id = ob.school_id")" 0
echo "1..$_n"
