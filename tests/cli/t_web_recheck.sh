#!/bin/bash
# The coordinator's re-check pages over real HTTP, on a generated region analysed once: the
# experts' registry uploaded (refused whole with row and column), logins linked; a round
# sampled through the form (the dry run's counts are what the real one stores; a share of 0
# or 150 %, an unknown rule or no rule refused in Russian with nothing stored), experts
# assigned, the experts scoring through their own pages (one school over-scored, the others
# agreed), the third checks assigned, the round's progress, results and downloads; a
# municipal coordinator seeing only its own rounds and schools (404 for the region's round
# and another municipality's); the settings (the region's only); after the next analysis the
# risk list marking a confirmed and an unconfirmed re-check apart, and the card showing the
# re-check first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

P=VPR-2021-MA-4
# The demo's region without the demo's own users, observers and re-checks: generated, loaded
# by the ordinary importers, analysed once.
"$OKO" gen --schools 60 --seed 3 --out "$T/gen" >/dev/null || echo "# gen failed"
"$OKO" init >/dev/null
"$OKO" import schools "$T/gen/schools.csv" >/dev/null || echo "# import schools failed"
"$OKO" import procedures "$T/gen/procedures.csv" >/dev/null || echo "# import procedures failed"
"$OKO" import results "$T/gen/results.csv" >/dev/null 2>&1 || echo "# import results failed"
"$OKO" analyze --out "$T/an1" --quiet || echo "# analyze failed"
mun_id=$(sql "SELECT municipality_id FROM school ORDER BY login LIMIT 1")
mun_name=$(sql "SELECT name FROM municipality WHERE id = $mun_id")
other_id=$(sql "SELECT id FROM municipality WHERE id != $mun_id ORDER BY id LIMIT 1")
other_name=$(sql "SELECT name FROM municipality WHERE id = $other_id")
own1=$(sql "SELECT login FROM school WHERE municipality_id = $mun_id ORDER BY login LIMIT 1")
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add region region
add mun municipality "$mun_name"
add mun2 municipality "$other_name"
add school school "$own1"
for e in expert e1 e2 e3 e4; do add $e expert; done
start_server
for u in admin region mun mun2 school expert e1 e2 e3 e4; do login $u "password-$u"; done

# --- navigation
get region /
expect_grep "the coordinator's menu has «Перепроверка»" "$T/body" '<a href="/recheck">Перепроверка</a>'
get mun /
expect_grep "the municipal coordinator's menu has «Перепроверка»" "$T/body" '<a href="/recheck">Перепроверка</a>'
get expert /
expect_grep "the expert's menu has «Мои работы»" "$T/body" '<a href="/expert">Мои работы</a>'
grep -q 'href="/recheck"' "$T/body" && fail "the expert's menu has no «Перепроверка»" || ok "the expert's menu has no «Перепроверка»"
get school /
expect_grep "the school's menu has «Сканы работ»" "$T/body" '<a href="/scans">Сканы работ</a>'
get expert /recheck
expect_eq "an expert may not open the coordinator's page" "$code" 403
get school /recheck/1
expect_eq "a school may not open a round" "$code" 403

# --- the page before any round
get region /recheck
expect_eq "the re-check page opens" "$code" 200
expect_grep "the form offers a dry run" "$T/body" "Проверить отбор"
expect_grep "procedures by their titles" "$T/body" "ВПР, математика, 4 класс, 2021"
expect_grep "rules in Russian" "$T/body" "случайная контрольная выборка других школ"
expect_grep "no rounds yet" "$T/body" "Перепроверок пока нет"

# --- the experts' registry
cat >"$T/experts_bad.csv" <<EOF
id,name,municipality,subjects,works_at,children_at,max_works,login
E1,Иванова Анна Петровна,$mun_name,MA,nosuchschool,,200,
EOF
upload region /recheck/experts/import -F "file=@$T/experts_bad.csv"
expect_eq "a bad experts file is refused" "$code" 400
expect_grep "the refusal names the row" "$T/body" "строка 2"
expect_grep "the refusal says nothing changed" "$T/body" "Реестр не изменён"
expect_eq "nothing stored from a bad file" "$(sql 'SELECT count(*) FROM expert')" 0
cat >"$T/experts.csv" <<EOF
id,name,municipality,subjects,works_at,children_at,max_works,login
E1,Иванова Анна Петровна,$mun_name,MA,$own1,,200,
E2,Петров Иван Сергеевич,$mun_name,"MA, RU",,,200,
E3,Сидорова Ольга Ивановна,$other_name,MA,,,200,
E4,Кузнецов Павел Андреевич,,,,,200,
EOF
upload region /recheck/experts/import -F "file=@$T/experts.csv" -F dry_run=1
expect_eq "a dry run of the experts file" "$code" 200
expect_eq "a dry run stores nothing" "$(sql 'SELECT count(*) FROM expert')" 0
upload region /recheck/experts/import -F "file=@$T/experts.csv"
expect_eq "the experts file is loaded" "$code" 200
expect_eq "four experts stored" "$(sql 'SELECT count(*) FROM expert')" 4
expect_grep "the registry shows subjects in Russian" "$T/body" "математика, русский язык"
own1_name=$(sql "SELECT name FROM school WHERE login = '$own1'")
expect_grep "the registry shows a conflict by the school's name" "$T/body" "$(printf '%s' "$own1_name" | sed 's/"/\&quot;/g')"
expect_grep "a regional expert is named so" "$T/body" "региональный эксперт"
eid() { sql "SELECT id FROM expert WHERE code = '$1'"; }
post mun /recheck/experts/link --data-urlencode "expert=$(eid E3)" --data-urlencode login=e3
expect_eq "a municipal coordinator cannot link another municipality's expert" "$code" 404
post region /recheck/experts/link --data-urlencode "expert=$(eid E1)" --data-urlencode login=nosuchuser
expect_eq "linking an unknown login is refused" "$code" 400
expect_grep "the refusal is in Russian" "$T/body" "Пользователя с таким логином нет"
post mun /recheck/experts/link --data-urlencode "expert=$(eid E1)" --data-urlencode login=e1
expect_eq "the municipal coordinator links its expert" "$code" 200
for x in 2 3 4; do post region /recheck/experts/link --data-urlencode "expert=$(eid E$x)" --data-urlencode login=e$x; done
expect_eq "four logins linked" "$(sql 'SELECT count(*) FROM expert WHERE user_id IS NOT NULL')" 4

# --- sampling: bad input refused with nothing stored
before=$(db_digest)
sample() { local who=$1; shift; post "$who" /recheck/sample --data-urlencode "procedure=$P" "$@"; }
sample region --data-urlencode rule=risk --data-urlencode "share=0" --data-urlencode seed=42
expect_eq "a share of 0 is refused" "$code" 400
expect_grep "the share's refusal is in Russian" "$T/body" "Доля работ — число больше нуля и не больше 100"
expect_grep "… said again at the form, where the page opens" "$T/body" '<section class="card" id="new"><h2>Новая перепроверка</h2>'
expect_grep "… (the form posts to its own anchor; a check to its report)" "$T/body" 'action="/recheck/sample#new"'
grep -A0 -o 'id="new">.*' "$T/body" | grep -q 'role="alert">Доля работ — число' && ok "… the refusal inside the form's section" || fail "… the refusal inside the form's section"
sample region --data-urlencode rule=risk --data-urlencode "share=150 %" --data-urlencode seed=42
expect_eq "a share of 150 % is refused" "$code" 400
expect_grep "the refusal says nothing was stored" "$T/body" "Ничего не сохранено"
sample region --data-urlencode rule=bogus --data-urlencode "share=10 %" --data-urlencode seed=42
expect_eq "an unknown rule is refused" "$code" 400
expect_grep "the unknown rule's refusal names the field" "$T/body" "правило отбора"
sample region --data-urlencode "share=10 %" --data-urlencode seed=42
expect_eq "no rule is refused" "$code" 400
expect_grep "no rule: told to choose one" "$T/body" "Отметьте хотя бы одно правило"
sample region --data-urlencode rule=medal --data-urlencode "share=10 %" --data-urlencode "medal=sch1 only-one-field-here too"
expect_eq "a malformed medal list is refused" "$code" 400
expect_eq "nothing stored by refused samples" "$(db_digest)" "$before"
# A medal list of two works (a comma, then a tab with spaces between): a dry run counts both.
m1=$(sql "SELECT s.login || ',' || r.code FROM result r JOIN school s ON s.id = r.school_id JOIN procedure p ON p.id = r.procedure_id WHERE p.code = '$P' AND r.absent = 0 ORDER BY s.login, r.code LIMIT 1")
m2=$(sql "SELECT s.login || '	  ' || r.code FROM result r JOIN school s ON s.id = r.school_id JOIN procedure p ON p.id = r.procedure_id WHERE p.code = '$P' AND r.absent = 0 ORDER BY s.login DESC, r.code LIMIT 1")
sample region --data-urlencode rule=medal --data-urlencode "share=100 %" --data-urlencode seed=1 \
	--data-urlencode "medal=$m1
$m2
" --data-urlencode dry_run=1
expect_eq "a medal list is read" "$code" 200
expect_eq "both medal candidates are chosen" "$(grep -o 'Отобрано всего</dt><dd>[0-9  ]*' "$T/body" | grep -o '[0-9]' | tr -d '\n')" 2

# --- a dry run, then the round
sample region --data-urlencode rule=risk --data-urlencode rule=random --data-urlencode "share=30,5 %" \
	--data-urlencode seed=42 --data-urlencode kind=municipal --data-urlencode no_mutual=1 --data-urlencode dry_run=1
expect_eq "the dry run answers" "$code" 200
expect_grep "the dry run is labelled" "$T/body" "Проверка отбора (ничего не сохранено)"
expect_grep "the dry run counts the control sample" "$T/body" "случайная контрольная выборка других школ"
dry=$(grep -o 'Отобрано всего</dt><dd>[0-9  ]*' "$T/body" | grep -o '[0-9]' | tr -d '\n')
[ -n "$dry" ] && [ "$dry" -gt 0 ] && ok "the dry run chose works ($dry)" || fail "the dry run chose works («$dry»)"
expect_grep "the dry run keeps the seed in the form" "$T/body" 'name="seed" inputmode="numeric" pattern="[0-9]*" value="42"'
expect_eq "the dry run stores no round" "$(sql 'SELECT count(*) FROM recheck_round')" 0
token=$(csrf_of region)
code=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/region.jar" --data-urlencode "csrf=$token" \
	--data-urlencode "procedure=$P" --data-urlencode rule=risk --data-urlencode rule=random \
	--data-urlencode "share=0,305" --data-urlencode seed=42 --data-urlencode kind=municipal \
	--data-urlencode no_mutual=1 "$URL/recheck/sample")
expect_eq "the real sample redirects" "$code" 303
rid=$(sql "SELECT max(id) FROM recheck_round")
expect_grep "to the new round" "$T/headers" "Location: /recheck/$rid"
expect_eq "the same seed stores what the dry run counted" "$(sql "SELECT count(*) FROM recheck_work WHERE round_id = $rid")" "$dry"
expect_eq "the share typed with a comma is stored" "$(sql "SELECT share FROM recheck_round WHERE id = $rid")" 0.305
get region /recheck
expect_grep "the round is listed by its procedure's title" "$T/body" "<a href=\"/recheck/$rid\">ВПР, математика, 4 класс, 2021</a>"
expect_grep "its kind in Russian" "$T/body" "муниципальная перепроверка"

get region /recheck/$rid
expect_eq "the round page opens" "$code" 200
expect_grep "the round offers the assignment" "$T/body" "Назначить экспертов"
expect_grep "the round lists missing scans" "$T/body" "Работ без скана"
expect_grep "the works say why they were chosen" "$T/body" "class=\"rc-works\""
expect_grep "before the assignment: not assigned" "$T/body" "не назначена"
expect_grep "the seed is shown" "$T/body" "<dt>Число для жребия</dt><dd>42</dd>"

# --- the assignment
post region /recheck/$rid/assign --data-urlencode seed=7
expect_eq "the assignment answers" "$code" 200
expect_grep "the assignment report" "$T/body" "Эксперты назначены"
expect_eq "every work has check 2" "$(sql "SELECT count(*) FROM recheck_check WHERE round_id = $rid AND check_no = 2 AND control = 0")" "$dry"
expect_eq "no expert checks a school where it works" \
	"$(sql "SELECT count(*) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id JOIN expert_school x ON x.expert_id = c.expert_id AND x.school_id = w.school_id")" 0

# --- the experts' checks, typed in from paper (`oko import rechecks`; the experts' own
# scoring pages are t_web_expert.sh's): one school over-scored by a point on every position
# it gave points for, the others exactly as the school
target=$(sql "SELECT s.login FROM recheck_work w JOIN school s ON s.id = w.school_id WHERE w.round_id = $rid AND w.reason = 'risk' GROUP BY s.login ORDER BY count(*) DESC, s.login LIMIT 1")
[ -n "$target" ] && ok "a risk-list school was sampled ($target)" || fail "a risk-list school was sampled"
score_all() { # CHECK_NO: every unfinished check of that number, as its expert scored it
	local n=0 f="$T/rechecks_$1.csv" npos
	npos=$(sql "SELECT length(r.scores) FROM recheck_work w JOIN result r ON r.procedure_id = w.procedure_id
		AND r.school_id = w.school_id AND r.code = w.code WHERE w.round_id = $rid LIMIT 1")
	{
		printf 'procedure,school,code,check,expert'
		for ((i = 1; i <= npos; i++)); do printf ',p%d' "$i"; done
		printf '\n'
		while IFS='|' read -r ecode login code hex; do
			local row="$P,$login,$code,$1,$ecode" i v
			for ((i = 0; i < ${#hex}; i += 2)); do
				v=$((16#${hex:i:2}))
				[ "$v" -ge 253 ] && v=0
				[ "$login" = "$target" ] && [ "$v" -gt 0 ] && v=$((v - 1))
				row+=",$v"
			done
			echo "$row"
			n=$((n + 1))
		done < <(sql "SELECT e.code, s.login, w.code, hex(r.scores) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id
			JOIN expert e ON e.id = c.expert_id JOIN school s ON s.id = w.school_id
			JOIN result r ON r.procedure_id = w.procedure_id AND r.school_id = w.school_id AND r.code = w.code
			WHERE c.round_id = $rid AND c.check_no = $1 AND c.done = 0 AND c.control = 0")
	} >"$f"
	expect_ok "check $1 of $(($(wc -l <"$f") - 1)) works imported" import rechecks "$f"
}
score_all 2
expect_eq "every check 2 done" "$(sql "SELECT count(*) FROM recheck_check WHERE round_id = $rid AND check_no = 2 AND done = 1")" "$dry"
get region /recheck/$rid
expect_grep "the round shows the works waiting for a third check" "$T/body" "третьей проверки</li>"
post region /recheck/$rid/assign --data-urlencode seed=8
expect_eq "the third checks are assigned" "$code" 200
n3=$(sql "SELECT count(*) FROM recheck_check WHERE round_id = $rid AND check_no = 3")
[ "$n3" -gt 0 ] && ok "works with a significant discrepancy got a third check ($n3)" || fail "no third check assigned"
expect_eq "a third check never goes to the work's second expert" \
	"$(sql "SELECT count(*) FROM recheck_check a JOIN recheck_check b ON a.work_id = b.work_id AND a.check_no = 2 AND b.check_no = 3 AND a.expert_id = b.expert_id")" 0
score_all 3

get region /recheck/$rid
expect_eq "the round with results opens" "$code" 200
expect_grep "the objective share against the 90 % target" "$T/body" "цель — не меньше 90"
expect_grep "the over-scoring school is marked in the schools' table" "$T/body" 'class="rc-inflated"'
expect_grep "the sign test is explained" "$T/body" "завышение систематическое, случайностью не объясняется"
expect_grep "the experts' table" "$T/body" "class=\"rc-experts\""
expect_grep "the experts by code" "$T/body" "<td>E1</td>"
expect_grep "positions where schools over-score" "$T/body" "Где школы завышают"
expect_grep "numbers with a decimal comma" "$T/body" "$(printf ',0\xc2\xa0%%')"
grep -q '[0-9]\.[0-9]\+&nbsp;%' "$T/body" && fail "no decimal point in percents" || ok "no decimal point in percents"
expect_grep "a changed work's marks school → final" "$T/body" " → "

# --- downloads
for f in works schools experts positions; do
	code=$(curl -s -o "$T/$f.csv" -D "$T/h_$f" -w '%{http_code}' -b "$T/region.jar" "$URL/recheck/$rid/$f.csv")
	expect_eq "$f.csv downloads" "$code" 200
	expect_grep "$f.csv is CSV" "$T/h_$f" "text/csv"
	expect_grep "$f.csv is an attachment" "$T/h_$f" "attachment"
done
expect_eq "works.csv header" "$(head -1 "$T/works.csv" | tr -d '\r\357\273\277')" "school,code,check1,check2,check3,final,mark1,mark_final,delta,objective"
expect_eq "schools.csv header" "$(head -1 "$T/schools.csv" | tr -d '\r\357\273\277')" "school,works,objective_share,mean_delta,up,down,p"
expect_eq "experts.csv header" "$(head -1 "$T/experts.csv" | tr -d '\r\357\273\277')" "expert,works,exact,within1,qwk,mean_delta,control_accuracy"
expect_eq "positions.csv header" "$(head -1 "$T/positions.csv" | tr -d '\r\357\273\277')" "position,max,works,mean_delta,over,under,p"
expect_eq "works.csv has a row per work" "$(($(wc -l <"$T/works.csv") - 1))" "$dry"
get region /recheck/$rid/nothing.csv
expect_eq "an unknown download is 404" "$code" 404

# --- the municipal coordinator: its own rounds and schools only
get mun /recheck/$rid
expect_eq "the region's round is 404 for a municipality" "$code" 404
get mun /recheck/$rid/works.csv
expect_eq "the region's round's download is 404 for a municipality" "$code" 404
token=$(csrf_of mun)
code=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/mun.jar" --data-urlencode "csrf=$token" \
	--data-urlencode "procedure=VPR-2021-RU-4" --data-urlencode rule=random --data-urlencode "share=50" \
	--data-urlencode seed=5 "$URL/recheck/sample")
expect_eq "the municipal coordinator samples its round" "$code" 303
mid=$(sql "SELECT max(id) FROM recheck_round")
expect_eq "the round is the municipality's" "$(sql "SELECT municipality_id FROM recheck_round WHERE id = $mid")" "$mun_id"
expect_eq "its works are its schools' only" \
	"$(sql "SELECT count(*) FROM recheck_work w JOIN school s ON s.id = w.school_id WHERE w.round_id = $mid AND s.municipality_id != $mun_id")" 0
get mun /recheck/$mid
expect_eq "the municipality opens its round" "$code" 200
get mun2 /recheck/$mid
expect_eq "another municipality's round is 404" "$code" 404
get mun2 /recheck/$mid/schools.csv
expect_eq "another municipality's download is 404" "$code" 404
post mun2 /recheck/$mid/assign --data-urlencode seed=1
expect_eq "another municipality cannot assign the round" "$code" 404
get mun /recheck
grep -q "href=\"/recheck/$rid\"" "$T/body" && fail "the municipality's list hides the region's round" || ok "the municipality's list hides the region's round"
expect_grep "the municipality's list shows its round" "$T/body" "href=\"/recheck/$mid\""
get region /recheck
expect_grep "the region sees the municipality's round" "$T/body" "href=\"/recheck/$mid\""
code=$(curl -s -o "$T/mw.csv" -w '%{http_code}' -b "$T/mun.jar" "$URL/recheck/$mid/works.csv")
others=$(tail -n +2 "$T/mw.csv" | cut -d, -f1 | sort -u | while read -r s; do
	sql "SELECT login FROM school WHERE login = '$s' AND municipality_id != $mun_id"; done)
expect_eq "the municipality's download names its schools only" "$others" ""

# --- settings: the region's only
post mun /recheck/settings --data-urlencode "procedure=$P" --data-urlencode point_diff=3 \
	--data-urlencode tolerance=1 --data-urlencode control_rate=10
expect_eq "a municipality cannot change the settings" "$code" 403
post region /recheck/settings --data-urlencode "procedure=$P" --data-urlencode point_diff=3 \
	--data-urlencode tolerance=1 --data-urlencode control_rate=80
expect_eq "a control share above 50 % is refused" "$code" 400
expect_eq "nothing stored by refused settings" "$(sql 'SELECT count(*) FROM recheck_setting')" 0
post region /recheck/settings --data-urlencode "procedure=$P" --data-urlencode point_diff=3 \
	--data-urlencode tolerance=2 --data-urlencode control_rate=15
expect_eq "the region saves the settings" "$code" 200
expect_eq "the settings stored" "$(sql "SELECT point_diff || ' ' || tolerance || ' ' || control_rate FROM recheck_setting")" "3 2 0.15"
post region /recheck/settings --data-urlencode "procedure=$P" --data-urlencode point_diff=2 \
	--data-urlencode tolerance=1 --data-urlencode control_rate=10
expect_eq "the settings back to the defaults" "$code" 200

# --- the risk list and the card after the next analysis
get region /risk
grep -q "перепроверка подтвердила" "$T/body" && fail "no verdict marks before the analysis sees the re-check" || ok "no verdict marks before the analysis sees the re-check"
"$OKO" analyze --out "$T/an2" --quiet || echo "# analyze failed"
run=$(sql "SELECT max(id) FROM analysis_run")
expect_eq "the run stored the target's re-check as inflated" \
	"$(sql "SELECT max(inflated) FROM run_recheck k JOIN school s ON s.id = k.school_id WHERE k.run_id = $run AND s.login = '$target'")" 1
get region "/risk?all=1"
expect_eq "the risk list opens" "$code" 200
expect_grep "a confirmed re-check is marked" "$T/body" '<span class="rc-mark rc-confirmed">перепроверка подтвердила</span>'
expect_grep "an unconfirmed re-check is marked differently" "$T/body" '<span class="rc-mark rc-unconfirmed">перепроверка не подтвердила</span>'
row=$(grep -o "<tr class=\"rc-[a-z]*\"><td class=\"num\">[0-9]*</td><td><a href=\"/risk/$target\"" "$T/body")
expect_eq "the target school's row is the confirmed one" "${row:0:26}" '<tr class="rc-confirmed"><'
get region "/risk/$target"
expect_eq "the card opens" "$code" 200
rc_at=$(grep -bo 'id="recheck"' "$T/body" | head -1 | cut -d: -f1)
signs_at=$(grep -bo '<h2>Признаки</h2>' "$T/body" | head -1 | cut -d: -f1)
tiles_at=$(grep -bo '<ul class="tiles">' "$T/body" | head -1 | cut -d: -f1)
[ -n "$rc_at" ] && [ -n "$signs_at" ] && [ "$rc_at" -lt "$signs_at" ] && [ "$rc_at" -lt "${tiles_at:-999999999}" ] &&
	ok "the card shows the re-check first" || fail "the card shows the re-check first ($rc_at, $tiles_at, $signs_at)"
expect_grep "the card's verdict in words" "$T/body" "Перепроверка подтвердила завышение"
expect_grep "the card lists the changed works" "$T/body" 'class="rc-changed-works"'
expect_grep "the card names the procedure by its title" "$T/body" "ВПР, математика, 4 класс"
plain=$(sql "SELECT s.login FROM school s WHERE s.id NOT IN (SELECT school_id FROM recheck_work) AND s.id IN (SELECT school_id FROM school_risk) ORDER BY s.login LIMIT 1")
# The card's PDF carries the verdict first, in the page's words, and the changed works.
work1=$(grep -o '<table class="rc-changed-works">.*' "$T/body" | grep -o '<tr[^>]*><td>[^<]*' | head -1 | sed 's/.*<td>//')
get region "/risk/$target/pdf"
expect_eq "the card's PDF" "$code" 200
pdftotext "$T/body" "$T/card.txt" 2>/dev/null
flat=$(tr '\n' ' ' <"$T/card.txt" | tr -s ' ')
[[ "$flat" == *"Перепроверка работ Перепроверка подтвердила завышение: эксперты систематически ставили этой школе меньше"* ]] &&
	ok "the PDF gives the re-check's verdict in the page's words" || fail "the PDF gives the re-check's verdict in the page's words"
# (pdftotext interleaves the lines of a table's wrapped cells)
[[ "${flat%%Признаки*}" == *" завышение "*"подтверждено"*"(p "* ]] && ok "… before the signs, with the procedure's conclusion" ||
	fail "… before the signs, with the procedure's conclusion"
[[ "$flat" == *"Работы, баллы которых изменились"*"$work1"* ]] && ok "the PDF lists the changed works ($work1)" ||
	fail "the PDF lists the changed works ($work1)"
get region "/risk/$plain/pdf"
pdftotext "$T/body" "$T/plain.txt" 2>/dev/null
grep -q "Перепроверка" "$T/plain.txt" && fail "a school without a re-check has none in its PDF" || ok "a school without a re-check has none in its PDF"
get region "/risk/$plain"
grep -q 'id="recheck"' "$T/body" && fail "a school without a re-check has no re-check section" || ok "a school without a re-check has no re-check section"
if [ "$(sql "SELECT municipality_id FROM school WHERE login = '$target'")" != "$mun_id" ]; then
	get mun "/risk/$target"
	expect_eq "another municipality's card stays 404" "$code" 404
else
	get mun2 "/risk/$target"
	expect_eq "another municipality's card stays 404" "$code" 404
fi

grep -q "не объявлен в таблице маршрутов" "$T/serve.log" && fail "the pages read only the keys their routes declare" ||
	ok "the pages read only the keys their routes declare"

echo "1..$_n"
