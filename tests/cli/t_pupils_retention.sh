#!/bin/bash
# Personal data over time (issue 22, 152-ФЗ; docs/personal-data.md «Deleting names»):
# - the retention period (a database setting, default 12 months) and `oko pupils purge
#   [--dry-run]`: exactly the names past the period go — counted from the end of the school
#   year of the class list and never sooner than that from the day the name was entered —,
#   classes, codes and results stay byte for byte; a dry run changes nothing;
# - `oko pupils delete`: one pupil's name; the same from the school's /pupils page; a pupil
#   without a code (and one due for the purge) is removed whole, and gets no code afterwards;
# - a class list imported while the school's key is rotated (PostgreSQL): the two wait for
#   each other and every name opens afterwards;
# - `oko keys rotate --school`: the school's names read the same, their ciphertext and the
#   wrapped school key change, teachers' names too;
# - `oko plan unassign` and /plan/unassign: refused once the school has results;
# - `oko serve` purges at start; the settings page shows the period and its default;
# - every action in the audit log, never with a name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" import results "$DATA/results/canonical.csv" >/dev/null 2>&1

# --- class lists entered at known moments (OKO_NOW is the clock; tests only)
printf 'Класс,ФИО\n4А,Старова Анна Ильинична\n4А,Давнов Борис Петрович\n5Б,Прошлая Вера Олеговна\n' >"$T/a2021.csv"
printf 'Класс,ФИО\n4А,Нынешний Глеб Данилович\n' >"$T/a2022.csv"
printf 'Класс,ФИО\n4А,Поздняя Дарья Евгеньевна\n4Б,Запоздалов Егор Ильич\n' >"$T/b2021.csv"
OKO_NOW=2020-10-01T10:00:00Z expect_ok "school A, 2020/21 list entered in October 2020" \
	pupils import "$T/a2021.csv" --school sch220206 --year 2021
OKO_NOW=2021-10-01T10:00:00Z expect_ok "school A, 2021/22 list entered in October 2021" \
	pupils import "$T/a2022.csv" --school sch220206 --year 2022
# School B types its 2020/21 list in late, after that school year ended.
OKO_NOW=2022-06-01T12:00:00Z expect_ok "school B, 2020/21 list entered in June 2022" \
	pupils import "$T/b2021.csv" --school sch220207 --year 2021
for s in "sch220206 2021" "sch220206 2022" "sch220207 2021"; do
	set -- $s
	"$OKO" codes issue --school "$1" --year "$2" >/dev/null 2>&1
done
printf 'school,class,subject,teacher\nsch220207,4А,MA,Учителева Мария Ивановна\n' >"$T/teachers.csv"
expect_ok "a teacher of school B" import teachers "$T/teachers.csv" --year 2021

# --- the setting: a default, shown and changed by the command
expect_ok "settings show the retention" settings
expect_grep "default retention is 12 months" "$T/out" "срок хранения ФИО учеников: 12 мес"
expect_fail "0 months refused" settings pupil-names-retention 0
expect_fail "121 months refused" settings pupil-names-retention 121
expect_eq "nothing stored for a refused value" "$(sql "SELECT count(*) FROM setting WHERE key = 'pupil_names_retention'")" 0

# What must survive a purge: the results (their export) and the classes and codes.
"$OKO" export results --procedure VPR-2021-MA-4 --out "$T/results-before.csv" >/dev/null 2>&1
codes_all() { sql "SELECT school_id || ',' || year || ',' || class || ',' || coalesce(code, '') FROM pupil ORDER BY id"; }
codes_all >"$T/codes-before"
names_before=$(sql "SELECT count(*) FROM pupil WHERE name_deleted_at IS NULL")
expect_eq "six names stored" "$names_before" 6

# --- the boundary: one second before the period ends nothing is due
before=$(db_digest)
OKO_NOW=2022-08-31T23:59:59Z expect_ok "dry run a second before the period ends" pupils purge --dry-run
expect_grep "nothing due yet" "$T/out" "будет удалено ФИО: 0"
OKO_NOW=2022-09-01T00:00:01Z expect_ok "dry run once the period has passed" pupils purge --dry-run
expect_grep "three names due" "$T/out" "будет удалено ФИО: 3 (школ: 1)"
expect_grep "counted per school" "$T/out" "sch220206,3"
expect_eq "a dry run changes nothing" "$(db_digest)" "$before"

# --- the purge: exactly school A's 2020/21 names
OKO_NOW=2022-09-01T00:00:01Z expect_ok "purge" pupils purge
expect_grep "three names deleted" "$T/out" "удалено ФИО: 3 (школ: 1)"
expect_eq "school A's 2020/21 names gone" \
	"$(sql "SELECT count(*) FROM pupil p JOIN school s ON s.id = p.school_id WHERE s.login = 'sch220206' AND year = 2021 AND name_deleted_at IS NOT NULL AND length(name_enc) = 0")" 3
expect_eq "the other names kept" "$(sql "SELECT count(*) FROM pupil WHERE name_deleted_at IS NULL AND length(name_enc) > 0")" 3
codes_all >"$T/codes-after"
check "classes and codes unchanged" cmp -s "$T/codes-before" "$T/codes-after"
"$OKO" export results --procedure VPR-2021-MA-4 --out "$T/results-after.csv" >/dev/null 2>&1
check "results exported identically" cmp -s "$T/results-before.csv" "$T/results-after.csv"
"$OKO" pupils list --school sch220206 --year 2021 >"$T/listA" 2>/dev/null
expect_eq "the list keeps three pupils with codes, names empty" "$(grep -c '^\(4А\|5Б\),[0-9]\{5\},$' "$T/listA")" 3
"$OKO" pupils list --school sch220206 --year 2022 >"$T/listA2" 2>/dev/null
expect_grep "school A's 2021/22 name kept" "$T/listA2" "Нынешний Глеб Данилович"
expect_eq "audited once, with the count and no name" \
	"$(sql "SELECT count(*) FROM audit WHERE action = 'pupils_purge' AND detail LIKE 'удалено ФИО: 3,%'")" 1
OKO_NOW=2022-09-01T00:00:02Z expect_ok "a second purge" pupils purge
expect_grep "finds nothing more" "$T/out" "удалено ФИО: 0"
# A re-imported list does not find the deleted pupil by name: it is a new entry.
OKO_NOW=2022-09-02T00:00:00Z expect_ok "a deleted name entered again" pupils import "$T/a2021.csv" --school sch220206 --year 2021
expect_grep "as new pupils" "$T/out" "добавлено: 3"
sql "DELETE FROM pupil WHERE name_deleted_at IS NULL AND year = 2021 AND school_id = (SELECT id FROM school WHERE login = 'sch220206')" >/dev/null

# --- school B's list counts from the day it was entered (June 2022), not from August 2021
OKO_NOW=2023-06-01T11:59:59Z expect_ok "school B a second early" pupils purge --dry-run
expect_grep "not due" "$T/out" "будет удалено ФИО: 0"

# --- rotating school B's key: names read the same, ciphertexts change
"$OKO" pupils list --school sch220207 --year 2021 >"$T/b-before" 2>/dev/null
"$OKO" teachers list --school sch220207 --year 2021 >"$T/t-before" 2>/dev/null
enc_b() { sql "SELECT hex(name_enc) || hex(name_tag) FROM pupil WHERE school_id = (SELECT id FROM school WHERE login = 'sch220207') ORDER BY id"; }
key_b() { sql "SELECT hex(wrapped) FROM school_key WHERE school_id = (SELECT id FROM school WHERE login = 'sch220207')"; }
tenc_b() { sql "SELECT hex(name_enc) || hex(name_tag) FROM teacher ORDER BY id"; }
e1=$(enc_b); k1=$(key_b); t1=$(tenc_b); a1=$(sql "SELECT hex(wrapped) FROM school_key WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")
expect_ok "rotate school B's key" keys rotate --school sch220207
expect_grep "two pupils and one teacher re-sealed" "$T/out" "учеников: 2, учителей: 1"
"$OKO" pupils list --school sch220207 --year 2021 >"$T/b-after" 2>/dev/null
"$OKO" teachers list --school sch220207 --year 2021 >"$T/t-after" 2>/dev/null
expect_grep "the names are there" "$T/b-after" "Поздняя Дарья Евгеньевна"
check "pupils' names read the same" cmp -s "$T/b-before" "$T/b-after"
expect_grep "the teacher is there" "$T/t-after" "Учителева Мария Ивановна"
check "teachers' names read the same" cmp -s "$T/t-before" "$T/t-after"
differs() { [ -n "$1" ] && [ -n "$2" ] && [ "$(comm -12 <(echo "$1" | sort) <(echo "$2" | sort) | wc -l)" -eq 0 ]; }
check "every sealed name and tag changed" differs "$e1" "$(enc_b)"
check "the teacher's sealed name changed" differs "$t1" "$(tenc_b)"
check "the wrapped school key changed" differs "$k1" "$(key_b)"
expect_eq "another school's key untouched" "$(sql "SELECT hex(wrapped) FROM school_key WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "$a1"
# A re-imported list still finds the pupils by their (new) tags.
OKO_NOW=2022-06-01T12:00:00Z expect_ok "school B's list imported again" pupils import "$T/b2021.csv" --school sch220207 --year 2021
expect_grep "known pupils found under the new key" "$T/out" "добавлено: 0, уже были: 2"
expect_fail "a school without a key" keys rotate --school edu223017
expect_grep "explained" "$T/err" "нет ключа"
expect_eq "audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'school_key_rotate' AND object = 'sch220207'")" 1
# The master key's rotation stays what it was.
expect_ok "master key rotation still works" keys rotate
expect_grep "master key" "$T/out" "главный ключ заменён"
"$OKO" pupils list --school sch220207 --year 2021 >"$T/b-after2" 2>/dev/null
check "names read the same after the master key's rotation" cmp -s "$T/b-before" "$T/b-after2"

# --- a class list imported while the school's key is rotated (PostgreSQL, read committed:
# SQLite runs one writer at a time). A psql session holds school B's row, so the import stops
# at its pupil's foreign-key check after it has read the school's key; the rotation started
# then must wait for the import (both lock the key's row first) and re-seal its pupil too.
# Without the lock the rotation committed first and the import stored a name sealed under the
# destroyed key: the list no longer opened.
if is_pg; then
	sid_b=$(sql "SELECT id FROM school WHERE login = 'sch220207'")
	waiting() { sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"; }
	mkfifo "$T/hold"
	"$PG_BIN/psql" -X -q -d "$OKO_DB" <"$T/hold" >/dev/null 2>&1 &
	holder=$!
	exec 9>"$T/hold"
	echo "BEGIN; SELECT 1 FROM school WHERE id = $sid_b FOR UPDATE;" >&9
	for _ in $(seq 100); do
		[ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'")" -ge 1 ] && break
		sleep 0.1
	done
	printf 'Класс,ФИО\n4А,Гонкина Зоя Павловна\n' >"$T/race.csv"
	OKO_NOW=2022-06-01T12:00:00Z "$OKO" pupils import "$T/race.csv" --school sch220207 --year 2021 >"$T/race-import" 2>&1 &
	importer=$!
	for _ in $(seq 100); do [ "$(waiting)" -ge 1 ] && break; sleep 0.1; done
	expect_eq "the import waits on the held school row" "$(waiting)" 1
	"$OKO" keys rotate --school sch220207 >"$T/race-rotate" 2>&1 &
	rotator=$!
	for _ in $(seq 50); do
		{ [ "$(waiting)" -ge 2 ] || ! kill -0 $rotator 2>/dev/null; } && break
		sleep 0.1
	done
	check "the rotation waits for the import" [ "$(waiting)" -eq 2 ]
	echo "COMMIT;" >&9
	exec 9>&-
	wait $holder
	check "the import succeeds" wait $importer
	check "the rotation succeeds" wait $rotator
	expect_grep "… re-sealing the imported pupil too" "$T/race-rotate" "учеников: 3, учителей: 1"
	"$OKO" pupils list --school sch220207 --year 2021 >"$T/race-list" 2>"$T/race-err"
	expect_grep "every name of the school opens" "$T/race-list" "Гонкина Зоя Павловна"
	sql "DELETE FROM pupil WHERE school_id = $sid_b AND code IS NULL" >/dev/null
fi

# --- deleting one pupil by code
code_g=$(grep 'Нынешний' "$T/listA2" | cut -d, -f2)
expect_ok "delete one pupil" pupils delete --school sch220206 --code "$code_g"
expect_grep "results stay, says the confirmation" "$T/out" "код и результаты по нему остались"
"$OKO" pupils list --school sch220206 --year 2022 >"$T/listA3" 2>/dev/null
expect_eq "the name is gone, the code stays" "$(grep -c "^4А,$code_g,\$" "$T/listA3")" 1
expect_ok "deleting again" pupils delete --school sch220206 --code "$code_g"
expect_grep "says it was deleted before" "$T/out" "уже было удалено"
expect_fail "an unknown code" pupils delete --school sch220206 --code 99999
expect_fail "delete without a code" pupils delete --school sch220206
expect_eq "audited with the school and code, once" \
	"$(sql "SELECT count(*) FROM audit WHERE action = 'pupil_delete' AND object = 'sch220206' AND detail LIKE '%$code_g%'")" 1

# --- un-assigning a school from the plan-graph
printf 'campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline\nВПР весна 2021,VPR-2021-MA-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25\nВПР весна 2021,VPR-2021-RU-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25\n' >"$T/plan.csv"
expect_ok "plan imported" import plan "$T/plan.csv"
for s in sch220206 sch220207 edu223017; do
	"$OKO" plan assign --campaign "ВПР весна 2021" --procedure VPR-2021-MA-4 --school $s >/dev/null 2>&1
done
"$OKO" plan assign --campaign "ВПР весна 2021" --procedure VPR-2021-RU-4 --school edu223018 >/dev/null 2>&1
expect_fail "a school with results cannot be taken off" plan unassign --procedure VPR-2021-MA-4 --school sch220206
expect_grep "refusal in Russian" "$T/err" "уже есть результаты"
expect_ok "a school without results is taken off" plan unassign --procedure VPR-2021-MA-4 --school edu223017
expect_eq "its row is gone" "$(sql "SELECT count(*) FROM plan_school ps JOIN school s ON s.id = ps.school_id WHERE s.login = 'edu223017'")" 0
expect_eq "the others stay" "$(sql "SELECT count(*) FROM plan_school")" 3
expect_fail "not assigned any more" plan unassign --procedure VPR-2021-MA-4 --school edu223017
expect_fail "the last assigned school stays" plan unassign --procedure VPR-2021-RU-4 --school edu223018
expect_grep "explained" "$T/err" "последняя назначенная школа"
expect_fail "unassign needs a school" plan unassign --procedure VPR-2021-MA-4
expect_eq "audited: one done" "$(sql "SELECT count(*) FROM audit WHERE action = 'plan_unassign' AND object = 'edu223017' AND detail = 'VPR-2021-MA-4'")" 1
expect_eq "audited: two refused" "$(sql "SELECT count(*) FROM audit WHERE action = 'plan_unassign_refused'")" 2

# --- the browser: the settings page, the school deletes a name, the plan page
expect_ok "a pupil of a later year" pupils import "$T/a2022.csv" --school sch220206 --year 2030
expect_ok "… given a code" codes issue --school sch220206 --year 2030
printf 'Класс,ФИО\n4А,Безкодов Ян Ильич\n' >"$T/nocode.csv"
expect_ok "and one without a code" pupils import "$T/nocode.csv" --school sch220206 --year 2030
# A pupil without a code whose name is due goes whole: nothing refers to the row.
printf 'Класс,ФИО\n4Б,Некодова Юлия Ивановна\n' >"$T/nocode-b.csv"
OKO_NOW=2022-06-01T12:00:00Z expect_ok "school B, a pupil entered late without a code" \
	pupils import "$T/nocode-b.csv" --school sch220207 --year 2021
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region "Алтайский край"
add mun municipality "г. Барнаул"
add sch school sch220206
add sch2 school sch220207
# The server purges at start: school B's 2020/21 names are due by the real clock (entered
# June 2022, 12 months past), the 2029/30 list is not.
start_server
for _ in $(seq 100); do
	[ "$(sql "SELECT count(*) FROM audit WHERE action = 'pupils_purge' AND user_login = '(сервер)'")" -gt 0 ] && break
	sleep 0.1
done
expect_eq "oko serve purged at start, audited" \
	"$(sql "SELECT count(*) FROM audit WHERE action = 'pupils_purge' AND user_login = '(сервер)' AND detail LIKE 'удалено ФИО: 3,%'")" 1
expect_eq "… school B's names" "$(sql "SELECT count(*) FROM pupil p JOIN school s ON s.id = p.school_id WHERE s.login = 'sch220207' AND name_deleted_at IS NULL")" 0
expect_eq "… its pupil without a code removed whole, the coded rows kept" \
	"$(sql "SELECT count(code) || ',' || count(*) FROM pupil p JOIN school s ON s.id = p.school_id WHERE s.login = 'sch220207'")" "2,2"
expect_eq "… and not the 2029/30 list" "$(sql "SELECT count(*) FROM pupil WHERE year = 2030 AND name_deleted_at IS NULL")" 2
for u in admin reg mun sch sch2; do login $u "password-$u"; done

get admin /settings
expect_eq "settings page opens" "$code" 200
check "it shows the retention with its default" grep -q "Срок хранения ФИО учеников" "$T/body"
check "… 12 months, the default" grep -q "по умолчанию 12 месяцев" "$T/body"
post admin /settings/retention --data-urlencode months=0
expect_eq "0 months refused" "$code" 400
post reg /settings/retention --data-urlencode months=24
expect_eq "the region sets 24 months" "$code" 200
check "… confirmed" grep -q "хранятся 24 месяца" "$T/body"
expect_eq "… stored" "$(sql "SELECT value FROM setting WHERE key = 'pupil_names_retention'")" 24
expect_eq "… audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'setting_set' AND object = 'pupil_names_retention' AND detail = '24'")" 1
post sch /settings/retention --data-urlencode months=1
expect_eq "a school may not change it" "$code" 403
expect_ok "the command reads the same value" settings pupil-names-retention
expect_grep "24 months" "$T/out" "24 мес"

get sch "/pupils?year=2030"
expect_eq "the school's pupils page" "$code" 200
check "shows the name" grep -q "Нынешний Глеб Данилович" "$T/body"
check "and the delete button" grep -q 'action="/pupils/delete"' "$T/body"
pid=$(sql "SELECT id FROM pupil WHERE year = 2030 AND code IS NOT NULL")
post sch2 /pupils/delete --data-urlencode year=2030 --data-urlencode pupil="$pid"
expect_eq "another school cannot delete it" "$code" 404
post reg /pupils/delete --data-urlencode year=2030 --data-urlencode pupil="$pid"
expect_eq "the region cannot delete it" "$code" 403
expect_eq "still there" "$(sql "SELECT count(*) FROM pupil WHERE id = $pid AND name_deleted_at IS NULL")" 1
post sch /pupils/delete --data-urlencode year=2030 --data-urlencode pupil="$pid"
expect_eq "the school deletes it" "$code" 200
check "the confirmation says results stay" grep -q "Код участника и результаты по нему остались" "$T/body"
check "the page shows the name deleted" grep -q "ФИО удалено" "$T/body"
lacks() { ! grep -q "$1" "$2"; }
check "and the name nowhere" lacks "Нынешний" "$T/body"
expect_eq "deleted in the database" "$(sql "SELECT count(*) FROM pupil WHERE id = $pid AND name_deleted_at IS NOT NULL AND length(name_enc) = 0")" 1
expect_eq "audited by the school's user, no name" \
	"$(sql "SELECT count(*) FROM audit WHERE action = 'pupil_delete' AND user_login = 'sch' AND object = 'sch220206' AND detail NOT LIKE '%Нынешний%'")" 1
# Deleting a pupil without a code removes the row: no blank participant gets a code later.
nid=$(sql "SELECT id FROM pupil WHERE year = 2030 AND code IS NULL")
post sch /pupils/delete --data-urlencode year=2030 --data-urlencode pupil="$nid"
expect_eq "the school deletes a pupil without a code" "$code" 200
check "… told the pupil left the list" grep -q "Ученик удалён из списка 4А класса: код ему не выдавался" "$T/body"
check "… the name nowhere" lacks "Безкодов" "$T/body"
expect_eq "… the row is gone" "$(sql "SELECT count(*) FROM pupil WHERE id = $nid")" 0
expect_eq "… audited as «code not issued»" \
	"$(sql "SELECT count(*) FROM audit WHERE action = 'pupil_delete' AND user_login = 'sch' AND detail LIKE 'код не выдан, 4А класс%'")" 1
expect_ok "codes issued afterwards" codes issue --school sch220206 --year 2030
expect_grep "… to nobody: one pupil, with its code" "$T/out" "выдано новых кодов: 0; учеников: 1, с кодом: 1"
"$OKO" pupils list --school sch220206 --year 2030 >"$T/list2030" 2>/dev/null
expect_eq "the list has no blank participant" "$(grep -c '^4А,' "$T/list2030")" 1

cid=$(sql "SELECT id FROM campaign")
get reg "/plan?campaign=$cid"
check "the plan page has the un-assign form" grep -q 'action="/plan/unassign"' "$T/body"
post reg /plan/unassign --data-urlencode campaign="$cid" --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode school=sch220207
expect_eq "refused in the browser for a school with results" "$code" 409
check "… saying why" grep -q "уже есть результаты" "$T/body"
"$OKO" plan assign --campaign "ВПР весна 2021" --procedure VPR-2021-MA-4 --school edu223017 >/dev/null 2>&1
post mun /plan/unassign --data-urlencode campaign="$cid" --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode school=edu223017
expect_eq "a municipality cannot take off another municipality's school" "$code" 404
post reg /plan/unassign --data-urlencode campaign="$cid" --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode school=edu223017
expect_eq "the region takes it off" "$code" 200
check "… confirmed" grep -q "снята с процедуры" "$T/body"
expect_eq "… audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'plan_unassign' AND user_login = 'reg'")" 1
post sch /plan/unassign --data-urlencode campaign="$cid" --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode school=sch220206
expect_eq "a school cannot" "$code" 403

# The audit log names every new action in Russian and never a pupil's name.
get admin "/audit"
for t in "удалены ФИО учеников по сроку хранения" "удалено ФИО ученика" "заменён ключ шифрования школы" \
	"заменён главный ключ шифрования" "школа снята с процедуры план-графика" \
	"отказано в снятии школы с процедуры" "изменена настройка"; do
	check "audit page: «$t»" grep -q "$t" "$T/body"
done
expect_eq "no pupil's name in the audit log" \
	"$(sql "SELECT count(*) FROM audit WHERE coalesce(detail, '') LIKE '%Нынешний%' OR coalesce(detail, '') LIKE '%Поздняя%' OR coalesce(object, '') LIKE '%Старова%'")" 0
stop_server
echo "1..$_n"
