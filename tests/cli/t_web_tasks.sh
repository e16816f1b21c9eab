#!/bin/bash
# Tasks that needed the command line, done in the browser (issue 18), over real HTTP on a demo
# region: a procedure created and edited on /procedures (seen by `oko export` and sqlite3), a
# duplicate and a bad position line refused with nothing stored, a change of positions refused
# when results exist (the model's reason shown), a return address honoured; a KIM description
# imported and a bad one refused with its row and column; the analysis started by the region
# (a run stored, outputs beside the database, a second start while it runs refused, the
# municipality and the school refused); a school's opened variants refused before the key's
# time (the time in the region's words) and given as a ZIP of its own set after it (OKO_NOW).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
pf() {
	local who=$1 path=$2; shift 2
	local args=()
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	post "$who" "$path" "${args[@]}"
}
page_text() { sed 's/<[^>]*>/ /g' "$T/body" | tr -s ' \n' ' '; }
posdigest() { sql "SELECT group_concat(p.code || ':' || x.label || ':' || x.max || ':' || coalesce(x.level, ''), ' ') FROM position x JOIN procedure p ON p.id = x.procedure_id"; }

"$OKO" demo --schools 40 --municipalities 2 --seed 3 >/dev/null 2>&1 || fail "oko demo"
OKO_NOW=2022-05-20T06:59:59Z start_server
for u in region mun school; do login $u oko-demo-2026; done

# ---- procedures ----
get region /procedures
expect_eq "the procedures page opens" "$code" 200
expect_grep "it offers a new procedure" "$T/body" "Новая процедура"
expect_grep "procedures by title, the code in a tooltip" "$T/body" 'title="VPR-2021-MA-4">ВПР, математика, 4 класс, 2021'
for u in school mun; do
	get $u /procedures
	expect_eq "$u may not open the procedures page" "$code" 403
done
pf region /procedures kind=OGE year=2022 subject=MA grade=9 $'positions=1 1 б\n2 2 П\n3К1 3\n' scale3=2 scale4=4 scale5=5
expect_eq "a procedure created" "$code" 200
expect_grep "… and said so" "$T/body" "Процедура создана."
expect_eq "stored with its maximum and scale" \
	"$(sql "SELECT max_score || ' ' || scale3 || '/' || scale4 || '/' || scale5 FROM procedure WHERE code = 'OGE-2022-MA-9'")" "6 2/4/5"
expect_eq "its positions with levels" \
	"$(sql "SELECT group_concat(label || ':' || max || ':' || coalesce(level, ''), ' ') FROM (SELECT x.* FROM position x JOIN procedure p ON p.id = x.procedure_id WHERE p.code = 'OGE-2022-MA-9' ORDER BY x.idx)")" \
	"1:1:Б 2:2:П 3К1:3:"
run_oko export results --procedure OGE-2022-MA-9
expect_grep "oko export knows its positions" "$T/out" "3К1"
pf region /procedures kind=OGE year=2022 subject=MA grade=9 $'positions=1 1\n'
expect_eq "creating it again refused" "$code" 409
expect_grep "… because it exists" "$T/body" "уже есть"
before=$(posdigest)
pf region /procedures/OGE-2022-MA-9 $'positions=1 1 Б\n2 два П\n'
expect_eq "a bad position line refused" "$code" 400
expect_grep "… naming its line" "$T/body" "строка 2 позиций: максимальный балл «два»"
expect_eq "… nothing stored" "$(posdigest)" "$before"
pf region /procedures/OGE-2022-MA-9 scale3=3 $'positions=1 1 Б\n'
expect_eq "a partial scale refused" "$code" 400
pf region /procedures/OGE-2022-MA-9 $'positions=1 1 Б\n2 2 П\n3К1 3 В\n4 4 В\n' scale3=3 scale4=6 scale5=9
expect_eq "the procedure edited" "$code" 200
expect_eq "… its new positions and scale stored" \
	"$(sql "SELECT max_score || ' ' || scale3 || '/' || scale4 || '/' || scale5 || ' ' || (SELECT count(*) FROM position WHERE procedure_id = procedure.id) FROM procedure WHERE code = 'OGE-2022-MA-9'")" "10 3/6/9 4"
before=$(posdigest)
pf region /procedures/VPR-2021-MA-4 $'positions=1 1 Б\n2 2 П\n'
expect_eq "changing positions of a procedure with results refused" "$code" 400
expect_grep "… with the model's reason" "$T/body" "менять нельзя"
expect_eq "… nothing stored" "$(posdigest)" "$before"
pf region /procedures kind=DKR year=2022 subject=RU grade=5 $'positions=1 2\n' return=/plan
expect_eq "with a return address the browser goes back" "$code" 303
expect_eq "… to that address" "$(curl -s -o /dev/null -w '%{redirect_url}' -b "$T/region.jar" \
	--data-urlencode "csrf=$(csrf_of region)" --data-urlencode kind=DKR --data-urlencode year=2022 \
	--data-urlencode subject=RU --data-urlencode grade=6 --data-urlencode 'positions=1 2' \
	--data-urlencode return=/plan "$URL/procedures")" "$URL/plan"
pf region /procedures kind=DKR year=2022 subject=RU grade=7 $'positions=1 2\n' return=//evil.example
expect_eq "a return address off the site is ignored" "$code" 200

# ---- KIM descriptions ----
printf '№ КИМ;Уровень сложности;Максимальный балл\n1;Б;1\n1;Б;1\n2;П;2\n3;В;3\n' >"$T/kim.csv"
upload region /procedures/kim -F kind=VPR -F year=2023 -F subject=MA -F grade=4 -F "file=@$T/kim.csv" \
	-F scale3=2 -F scale4=4 -F scale5=5
expect_eq "a KIM description imported" "$code" 200
expect_grep "… and said so with the count" "$T/body" "Описание КИМ загружено: ВПР, математика, 4 класс, 2023 — 3 позиции"
expect_eq "… its procedure created with the positions and scale" \
	"$(sql "SELECT max_score || ' ' || scale3 FROM procedure WHERE code = 'VPR-2023-MA-4'")" "6 2"
# A scale set on the page later: the page's «Откуда описание» drops «шкалы отметок нет».
upload region /procedures/kim -F kind=VPR -F year=2024 -F subject=MA -F grade=4 -F "file=@$T/kim.csv"
expect_grep "a KIM without a scale says so" "$T/body" "шкалы отметок нет"
pos=$(sql "SELECT x.label || ' ' || x.max || ' ' || coalesce(x.level, '') FROM position x JOIN procedure p ON p.id = x.procedure_id WHERE p.code = 'VPR-2024-MA-4' ORDER BY x.idx")
pf region /procedures/VPR-2024-MA-4 "positions=$pos" scale3=2 scale4=4 scale5=5
expect_eq "its scale set on the page" "$code" 200
expect_grep "… where it comes from says so, not «шкалы отметок нет»" "$T/body" "Откуда описание: описание КИМ «kim.csv»; изменено вручную 20.05.2022."
expect_eq "… stored" "$(sql "SELECT scale3 || ' ' || source FROM procedure WHERE code = 'VPR-2024-MA-4'")" "2 описание КИМ «kim.csv»; изменено вручную 20.05.2022"
pf region /procedures/VPR-2024-MA-4 "positions=$pos" scale3=2 scale4=4 scale5=6
expect_eq "… a second edit dated once" "$(sql "SELECT source FROM procedure WHERE code = 'VPR-2024-MA-4'")" "описание КИМ «kim.csv»; изменено вручную 20.05.2022"
# A long origin is cut at a letter to leave room for the edit's date, never inside one.
long="$(printf 'описание%.0s' $(seq 14)).csv"
upload region /procedures/kim -F kind=VPR -F year=2025 -F subject=MA -F grade=4 -F "file=@$T/kim.csv;filename=$long"
pf region /procedures/VPR-2025-MA-4 "positions=$pos" scale3=2 scale4=4 scale5=5
src=$(sql "SELECT source FROM procedure WHERE code = 'VPR-2025-MA-4'")
check "a long origin cut before the edit's date stays whole letters" sh -c 'printf %s "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null' _ "$src"
[[ "$src" == *"; изменено вручную 20.05.2022" ]] && ok "… and ends with the edit's date" || fail "… and ends with the edit's date ($src)"
printf '№ КИМ;№;Уровень сложности;Максимальный балл\n1;1;Б;1\n1;1;Б;2\n2;2;Q;1\n' >"$T/kim_bad.csv"
before=$(posdigest)
upload region /procedures/kim -F kind=VPR -F year=2023 -F subject=RU -F grade=4 -F "file=@$T/kim_bad.csv"
expect_eq "a bad KIM refused" "$code" 400
page_text >"$T/text"
expect_grep "… naming the row and the column" "$T/text" "3 4 «Максимальный балл» 2 позиция «1» уже встречалась в строке 2"
expect_grep "… and the bad level's row" "$T/text" " 4 3 «Уровень сложности» Q "
expect_eq "… nothing stored" "$(posdigest)" "$before"
expect_eq "… no procedure created" "$(sql "SELECT count(*) FROM procedure WHERE code = 'VPR-2023-RU-4'")" 0
upload region /procedures/kim -F kind=VPR -F year=2021 -F subject=MA -F grade=4 -F "file=@$T/kim.csv" -F scale3=2 -F scale4=4 -F scale5=5
expect_eq "a KIM changing the positions of a procedure with results refused" "$code" 400
expect_grep "… with the model's reason" "$T/body" "менять нельзя"
expect_eq "… nothing stored" "$(posdigest)" "$before"
upload school /procedures/kim -F kind=VPR -F year=2022 -F subject=MA -F grade=4 -F "file=@$T/kim.csv"
expect_eq "a school may not import a KIM" "$code" 403

# ---- the analysis ----
runs=$(sql "SELECT count(*) FROM analysis_run")
for u in school mun; do
	pf $u /analysis
	expect_eq "$u may not start the analysis" "$code" 403
done
get region /analysis
expect_eq "the analysis page opens" "$code" 200
expect_grep "… with the button" "$T/body" "Запустить анализ"
pf region /analysis
expect_eq "the region starts the analysis" "$code" 303
pf region /analysis
expect_eq "a second start while it runs refused" "$code" 409
expect_grep "… saying one is running" "$T/body" "Анализ уже идёт"
seen=0
for _ in $(seq 600); do
	get region /analysis
	grep -q "Анализ идёт" "$T/body" && seen=1
	grep -q "завершён" "$T/body" && break
	sleep 0.2
done
expect_eq "the progress was shown while it ran" "$seen" 1
expect_grep "the page shows the run ended" "$T/body" "завершён"
expect_grep "… counting the schools on oko's list" "$T/body" "в списке oko — "
if grep -q 'class="path"' "$T/body"; then fail "the region is not shown the server's folder"; else ok "the region is not shown the server's folder"; fi
expect_eq "a run stored" "$(sql "SELECT count(*) FROM analysis_run")" "$((runs + 1))"
dir=$(sql "SELECT out_dir FROM analysis_run ORDER BY id DESC LIMIT 1")
case "$dir" in "$(db_file)-analysis/"*) ok "outputs beside the database";; *) fail "outputs in «$dir»";; esac
test -s "$dir/signs.csv" && test -s "$dir/schools.csv" && ok "… signs.csv and schools.csv written" || fail "no outputs in $dir"
expect_eq "start and end in the audit log" \
	"$(sql "SELECT count(*) FROM audit WHERE action IN ('analysis_start', 'analysis_done')")" 2
expect_grep "the pages show the new run" "$T/body" "Анализ № $(sql "SELECT max(id) FROM analysis_run") от"
if grep -qF "подготовлены к анализу" "$T/body"; then fail "… a packing said where every procedure was packed"; else ok "… and no packing where every procedure was packed already"; fi
# A database from before the analysis's copy (its procedures listed as not packed): the run
# started in the browser packs them first, and the page says so when it ends.
sql "DELETE FROM result_pack; INSERT INTO result_unpacked (procedure_id) SELECT DISTINCT procedure_id FROM result" >/dev/null
npacked=$(sql "SELECT count(*) FROM result_unpacked")
pf region /analysis
expect_eq "the region starts a run on a database to pack" "$code" 303
for _ in $(seq 600); do
	get region /analysis
	grep -q "завершён" "$T/body" && break
	sleep 0.2
done
expect_grep "… it ended" "$T/body" "Анализ № $(sql "SELECT max(id) FROM analysis_run") завершён"
page_text >"$T/text"
expect_grep "… saying how many procedures it packed first" "$T/text" "Перед ним результаты $npacked процедур подготовлены к анализу"
expect_eq "… none left to pack" "$(sql "SELECT count(*) FROM result_unpacked")" 0

# ---- the school's opened variants at the key's time ----
P=OGE-2022-MA-9
for v in 1 2 3; do printf 'Вариант %s: задания\n' $v >"$T/v$v.txt"; "$OKO" materials add "$T/v$v.txt" --procedure $P --variant $v >/dev/null; done
"$OKO" materials schedule --procedure $P --archive-at 2022-05-10T00:00:00Z --key-at 2022-05-20T07:00:00Z \
	--criteria-at 2022-05-20T12:00:00Z >/dev/null || fail "materials schedule"
get school /materials
expect_grep "the school's page lists the procedure by its title" "$T/body" "ОГЭ, математика, 9 класс, 2022"
if grep -q "oko materials" "$T/body"; then fail "the school is sent to the command line"; else ok "no command line for the school"; fi
get school "/materials/$P/variants"
expect_eq "variants one second before the key's time refused" "$code" 403
expect_grep "… naming the time in the region's words" "$T/body" "20.05.2022"
if grep -q "UTC\|2022-05-20" "$T/body"; then fail "the refusal has an ISO or UTC time"; else ok "no ISO time in the refusal"; fi
stop_server
OKO_NOW=2022-05-20T07:00:00Z start_server
for u in region school; do login $u oko-demo-2026; done
get school /materials
expect_grep "at the key's time the page offers the variants" "$T/body" "скачать варианты (ZIP)"
get school "/materials/$P/variants"
expect_eq "the school downloads its opened variants" "$code" 200
mkdir -p "$T/zip" && (cd "$T/zip" && unzip -q "$T/body")
set=$(sql "SELECT variants FROM material_set WHERE school_id = (SELECT school_id FROM \"user\" WHERE login = 'school') AND procedure_id = (SELECT id FROM procedure WHERE code = '$P')")
expect_eq "the ZIP holds exactly its set" "$(ls "$T/zip" | sed 's/вариант-//' | sort -n | paste -sd,)" "$set"
first=${set%%,*}
expect_eq "… the variant's own text" "$(cat "$T/zip/вариант-$first/"*)" "Вариант $first: задания"
get region /materials
expect_grep "the region sees the downloads in Russian" "$T/body" "<td>ключ</td><td>выдано</td>"
echo "1..$_n"
