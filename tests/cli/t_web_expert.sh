#!/bin/bash
# The expert's and the school's re-check pages over real HTTP (pages/expert.c, scans.c):
# the role × route matrix of an expert (every route of src/web/route.c, read from the file
# so a new route is covered), anonymity (nothing an expert reaches — page, scan headers,
# JSON — names the school, its login or its municipality), the school's scans (a JPEG, a
# PDF, a PDF split by codes; a text file named .pdf, an oversized file, a code not
# sampled, a work of another school refused with nothing stored), scores above the
# maximum refused with nothing stored, a submitted check final, and a significant
# discrepancy sending the work at once to a third expert who sees both earlier checks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
ROUTES=$(cd "$(dirname "$0")/../.." && pwd)/src/web/route.c


"$OKO" demo --schools 30 --seed 5 >/dev/null 2>&1 || fail "oko demo"
# This test sets up its own round: whatever re-check data the demo made goes.
sql "PRAGMA foreign_keys = ON; DELETE FROM recheck_check; DELETE FROM recheck_work; DELETE FROM recheck_round;
	DELETE FROM expert_school; DELETE FROM expert;"
P=VPR-2021-MA-4
pid=$(sql "SELECT id FROM procedure WHERE code = '$P'")
S=$(sql "SELECT s.login FROM user u JOIN school s ON s.id = u.school_id WHERE u.login = 'school'")
sid=$(sql "SELECT id FROM school WHERE login = '$S'")
SNAME=$(sql "SELECT name FROM school WHERE id = $sid")
MNAME=$(sql "SELECT m.name FROM school s JOIN municipality m ON m.id = s.municipality_id WHERE s.id = $sid")
# Another school (with results in P) whose one work is sampled too.
S2=$(sql "SELECT s.login FROM school s WHERE s.id != $sid AND EXISTS (SELECT 1 FROM result r WHERE r.school_id = s.id
	AND r.procedure_id = $pid AND r.scores IS NOT NULL) ORDER BY s.login LIMIT 1")
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "Пользователь $1" --password "password-$1" >/dev/null ||
	echo "# user add $1 failed"; }
add exp1 expert
add exp2 expert
add exp3 expert
add school2 school "$S2"
cat >"$T/experts.csv" <<EOF
id,name,municipality,subjects,works_at,children_at,max_works,login
E1,Эксперт Первый,,,,,100,exp1
E2,Эксперт Второй,,,,,100,exp2
E3,Эксперт Третий,,,,,100,exp3
EOF
expect_ok "experts imported" recheck experts import "$T/experts.csv"
# The sample: every work of the school in P with a score, and one of the other school.
{
	echo "school,code"
	sql "SELECT '$S,' || code FROM result WHERE school_id = $sid AND procedure_id = $pid AND absent = 0 ORDER BY code"
	sql "SELECT '$S2,' || code FROM result WHERE school_id = (SELECT id FROM school WHERE login = '$S2')
		AND procedure_id = $pid AND absent = 0 ORDER BY code LIMIT 1"
} >"$T/medal.csv"
expect_ok "a round sampled" recheck sample --procedure "$P" --rule medal --medal "$T/medal.csv" --seed 11 --share 1
round=$(sql "SELECT max(id) FROM recheck_round")
nw=$(sql "SELECT count(*) FROM recheck_work WHERE round_id = $round AND school_id = $sid")
check "the school's works are sampled ($nw)" test "$nw" -ge 4
expect_ok "the round assigned" recheck assign --round "$round" --seed 5
eid() { sql "SELECT id FROM expert WHERE code = '$1'"; }
E1=$(eid E1)
n1=$(sql "SELECT count(*) FROM recheck_check WHERE expert_id = $E1")
check "expert 1 has works ($n1)" test "$n1" -ge 1
# Expert 1 gets every work of the school that is not yet given, so that one expert has
# several to score (the assignment spread them over three).
sql "UPDATE recheck_check SET expert_id = $E1 WHERE control = 0 AND check_no = 2 AND work_id IN
	(SELECT id FROM recheck_work WHERE school_id = $sid)"
n1=$(sql "SELECT count(*) FROM recheck_check WHERE expert_id = $E1")

start_server
for u in exp1 exp2 exp3 school school2; do
	[ "$u" = school ] && pw=oko-demo-2026 || pw="password-$u"
	login "$u" "$pw"
done
login expert oko-demo-2026
login region oko-demo-2026
SCANS="$(db_file).scans"
scans_state() { { sql "SELECT id, coalesce(scan_id, ''), coalesce(scan_type, '') FROM recheck_work ORDER BY id"; ls "$SCANS" 2>/dev/null; } | md5sum; }

# --- the school's scans
get school /scans
expect_eq "the school's scans page" "$code" 200
expect_grep "what is missing is said first" "$T/body" "Нет сканов для $nw работ"
first=$(sql "SELECT code FROM recheck_work WHERE school_id = $sid ORDER BY code LIMIT 1")
expect_grep "the sampled code is listed" "$T/body" ">$first<"
get school /
expect_grep "the school's home says scans are missing" "$T/body" "Нет сканов для $nw работ"
work() { sql "SELECT id FROM recheck_work WHERE school_id = $sid ORDER BY code LIMIT 1 OFFSET $1"; }
w1=$(work 0); w2=$(work 1)
make_pdf 1 "$T/one.pdf"
make_pdf 3 "$T/three.pdf"
pdftoppm -jpeg -r 30 -singlefile "$T/one.pdf" "$T/one" && test -s "$T/one.jpg" || fail "pdftoppm made no JPEG"
upload school /scans -F "work=$w1" -F "file=@$T/one.jpg;filename=Иванов_10234_школа.jpg"
expect_eq "a JPEG scan uploaded" "$code" 200
expect_grep "the JPEG is confirmed" "$T/body" "загружен"
expect_eq "stored as a JPEG" "$(sql "SELECT scan_type FROM recheck_work WHERE id = $w1")" jpeg
upload school /scans -F "work=$w2" -F "file=@$T/one.pdf"
expect_eq "a PDF scan uploaded" "$code" 200
expect_eq "stored as a PDF" "$(sql "SELECT scan_type FROM recheck_work WHERE id = $w2")" pdf
sid1=$(sql "SELECT scan_id FROM recheck_work WHERE id = $w1")
check "the file is named by a random id only" test -f "$SCANS/$sid1"
check "no file name carries the school, a code or the upload's name" \
	test -z "$(ls "$SCANS" | grep -v '^[0-9a-f]\{32\}$')"
before=$(scans_state)
echo "это не скан" >"$T/fake.pdf"
upload school /scans -F "work=$(work 2)" -F "file=@$T/fake.pdf;type=application/pdf"
expect_eq "a text file named .pdf is refused" "$code" 400
expect_grep "the refusal is in Russian" "$T/body" "не PDF и не JPEG"
expect_eq "nothing stored for the text file" "$(scans_state)" "$before"
{ printf '%%PDF-1.4\n'; head -c $((21 * 1024 * 1024)) /dev/zero; } >"$T/big.pdf"
upload school /scans -F "work=$(work 2)" -F "file=@$T/big.pdf"
check "an oversized file is refused ($code)" test "$code" = 400 -o "$code" = 413
expect_grep "the size is named" "$T/body" "20 МБ"
expect_eq "nothing stored for the oversized file" "$(scans_state)" "$before"
other_work=$(sql "SELECT id FROM recheck_work WHERE school_id != $sid LIMIT 1")
upload school /scans -F "work=$other_work" -F "file=@$T/one.pdf"
expect_eq "a work of another school → 404" "$code" 404
expect_eq "nothing stored for another school's work" "$(scans_state)" "$before"
get school "/scans/$other_work"
expect_eq "another school's scan is not shown" "$code" 404

# One PDF of three works, divided evenly; then unevenly with pages; refusals.
c3=$(sql "SELECT code FROM recheck_work WHERE school_id = $sid ORDER BY code LIMIT 3 OFFSET 1" | tr '\n' ' ')
set -- $c3
upload school /scans/split -F "procedure=$P" -F "file=@$T/three.pdf" -F "codes=$1"$'\n'"$2"
expect_eq "pages that do not divide are refused" "$code" 400
expect_grep "the refusal says why" "$T/body" "не делятся поровну"
expect_eq "nothing stored for the uneven split" "$(scans_state)" "$before"
upload school /scans/split -F "procedure=$P" -F "file=@$T/three.pdf" -F "codes=$1"$'\n'"99999"$'\n'"$3"
expect_eq "a code not sampled is refused" "$code" 400
expect_grep "the code is named" "$T/body" "код 99999 не отобран"
expect_eq "nothing stored for the unknown code" "$(scans_state)" "$before"
old2=$(sql "SELECT scan_id FROM recheck_work WHERE id = $w2")
upload school /scans/split -F "procedure=$P" -F "file=@$T/three.pdf" -F "codes=$1"$'\n'"$2"$'\n'"$3"
expect_eq "the PDF is split by the codes" "$code" 200
expect_grep "the split is confirmed" "$T/body" "PDF разделён"
for c in "$1" "$2" "$3"; do
	f=$(sql "SELECT scan_id FROM recheck_work WHERE school_id = $sid AND code = '$c'")
	pages=$(pdfinfo "$SCANS/$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
	expect_eq "code $c got one page" "$pages" 1
done
check "the replaced scan's file is removed" test ! -e "$SCANS/$old2"
upload school /scans/split -F "procedure=$P" -F "file=@$T/three.pdf" -F "codes=$1 1-2"$'\n'"$2 3"
expect_eq "a split with pages" "$code" 200
p1=$(pdfinfo "$SCANS/$(sql "SELECT scan_id FROM recheck_work WHERE school_id = $sid AND code = '$1'")" | awk '/^Pages:/ {print $2}')
expect_eq "the first code got pages 1-2" "$p1" 2
upload school /scans/split -F "procedure=$P" -F "file=@$T/one.jpg" -F "codes=$1"
expect_eq "a JPEG cannot be split" "$code" 400
# The rest get scans so the expert has something to look at.
for w in $(sql "SELECT id FROM recheck_work WHERE school_id = $sid AND scan_id IS NULL"); do
	upload school /scans -F "work=$w" -F "file=@$T/one.pdf"
done
get school /scans
expect_grep "every scan uploaded" "$T/body" "Сканы всех отобранных работ загружены"
get school "/scans/$w1"
expect_eq "the school opens its own scan" "$code" 200
get region "/scans/$w1"
expect_eq "the region opens the school's scan" "$code" 200
get school2 "/scans/$w1"
expect_eq "another school cannot open it" "$code" 404

# --- the expert: the role × route matrix, from the route table itself
task=$(sql "SELECT c.id FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id WHERE c.expert_id = $E1
	AND w.scan_type = 'jpeg'")
other_task=$(sql "SELECT id FROM recheck_check WHERE expert_id != $E1 LIMIT 1")
: >"$T/seen"
# What the expert got, under the route's pattern (the path asked for names the school in
# /schools/{login}: that is the test's, not the answer's).
keep() { { printf '%s %s %s\n' "$1" "$2" "$code"; cat "$T/body"; } >>"$T/seen"; }
expert_may() { case "$1" in *EXPERTS* | *WEB_ANY_USER* | *WEB_PUBLIC* | *ROLE_EXPERT*) return 0 ;; esac; return 1; }
nroutes=0
while IFS='|' read -r method pattern roles; do
	path=${pattern//\{id\}/1}
	case "$pattern" in /expert/*) path=${pattern//\{id\}/$task} ;; esac
	path=${path//\{login\}/$S}
	path=${path//\{procedure\}/$P}
	path=${path//\{what\}/archive}
	[ "$method $pattern" = "POST /logout" ] || [ "$method $pattern" = "POST /login" ] && continue
	nroutes=$((nroutes + 1))
	if [ "$method" = GET ]; then
		code=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/exp1.jar" "$URL$path")
		cat "$T/headers" >>"$T/seen"
	else
		post exp1 "$path"
	fi
	keep "$method" "$pattern"
	if expert_may "$roles"; then
		case "$code" in 200 | 303) ok "expert: $method $pattern → $code" ;; *) fail "expert: $method $pattern → $code, expected 200/303" ;; esac
	else
		case "$code" in 403 | 404) ok "expert refused: $method $pattern → $code" ;; *) fail "expert: $method $pattern → $code, expected 403/404" ;; esac
	fi
done < <(grep -oE '^[[:space:]]*\{ "(GET|POST)", "[^"]+", [a-z_0-9]+, [^,]+,' "$ROUTES" |
	sed -E 's/^[[:space:]]*\{ "([A-Z]+)", "([^"]+)", [a-z_0-9]+, ([^,]+),/\1|\2|\3/')
check "the route table was read ($nroutes routes)" test "$nroutes" -ge 60
check "the expert's routes are in the table" grep -q "^GET /expert/{id}/scan 200" "$T/seen"

# --- the expert's pages
get exp1 /
expect_grep "expert's home shows the progress" "$T/body" "проверено 0 из $n1"
expect_grep "expert's home leads on" "$T/body" "Продолжить проверку"
get exp1 /expert
expect_eq "the queue" "$code" 200
expect_grep "the queue says which check" "$T/body" "вторая"
expect_grep "the queue names the procedure" "$T/body" "ВПР, математика, 4 класс, 2021"
expect_grep "the queue shows positions filled" "$T/body" "заполнено 0 из"
expect_grep "… and each work's number (one code may come from two schools)" "$T/body" "<tr><td class=\"num\">$task</td>"
get expert /expert
expect_grep "a user not linked to the registry is told so" "$T/body" "не связана с реестром экспертов"
get exp1 "/expert/$task"
expect_eq "the task page" "$code" 200
expect_grep "… named by its number too" "$T/body" "<small class=\"muted\">№"$'\xc2\xa0'"$task</small></h1>"
expect_grep "the scan is embedded" "$T/body" "<img class=\"rc-scan-img\" src=\"/expert/$task/scan\""
expect_grep "score inputs are numeric" "$T/body" 'inputmode="numeric"'
expect_grep "the grid's script" "$T/body" "/static/recheck.js"
if grep -q "Проверка в школе" "$T/body"; then fail "check 2 shows the school's scores"; else ok "check 2 does not show the school's scores"; fi
code=$(curl -s -o "$T/scan" -D "$T/h" -w '%{http_code}' -b "$T/exp1.jar" "$URL/expert/$task/scan")
expect_eq "the scan is served" "$code" 200
tr -d '\r' <"$T/h" >"$T/h2"
expect_grep "scan type" "$T/h2" "Content-Type: image/jpeg"
expect_grep "scan name carries nothing" "$T/h2" 'Content-Disposition: inline; filename="scan.jpg"'
expect_grep "scan not cached" "$T/h2" "Cache-Control: no-store"
expect_grep "scan not sniffed" "$T/h2" "X-Content-Type-Options: nosniff"
cmp -s "$T/scan" "$T/one.jpg" && ok "the scan is the uploaded file" || fail "the scan is the uploaded file"
pdf_task=$(sql "SELECT c.id FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id WHERE c.expert_id = $E1
	AND w.scan_type = 'pdf' LIMIT 1")
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/exp1.jar" "$URL/expert/$pdf_task/scan")
tr -d '\r' <"$T/h" >>"$T/seen"
expect_grep "a PDF scan's name carries nothing" "$T/seen" 'Content-Disposition: inline; filename="scan.pdf"'
get exp1 "/expert/$other_task"
expect_eq "another expert's check → 404" "$code" 404
get exp1 "/expert/$other_task/scan"
expect_eq "another expert's scan → 404" "$code" 404

# --- scoring
npos=$(sql "SELECT count(*) FROM position WHERE procedure_id = $pid")
maxes=$(sql "SELECT max FROM position WHERE procedure_id = $pid ORDER BY idx" | tr '\n' ' ')
label3=$(sql "SELECT label FROM position WHERE procedure_id = $pid ORDER BY idx LIMIT 1 OFFSET 2")
max3=$(sql "SELECT max FROM position WHERE procedure_id = $pid ORDER BY idx LIMIT 1 OFFSET 2")
state() { sql "SELECT coalesce(hex(scores), ''), filled, done FROM recheck_check WHERE id = $1"; }
post exp1 "/expert/$task" -d p=0 -d p=0 -d js=1
expect_eq "a partial grid is saved" "$code" 200
expect_grep "the JSON answer says how many are filled" "$T/body" '{"ok":true,"filled":2'
cat "$T/body" >>"$T/seen"
before=$(state "$task")
post exp1 "/expert/$task" -d p=0 -d p=0 -d "p=$((max3 + 1))" -d js=1
expect_eq "a score above the maximum is refused" "$code" 400
expect_grep "the refusal names the position and its maximum" "$T/body" "Позиция «$label3»: балл $((max3 + 1)) больше максимума $max3"
cat "$T/body" >>"$T/seen"
expect_eq "nothing stored for a score above the maximum" "$(state "$task")" "$before"
post exp1 "/expert/$task" -d p=0 -d p=0 -d "p=$((max3 + 1))"
expect_eq "the plain form refuses it too" "$code" 400
expect_grep "the plain form says why" "$T/body" "больше максимума $max3"
post exp1 "/expert/$task" -d p=0 -d p=1.5 -d js=1
expect_grep "a score not a whole number is refused" "$T/body" "целым числом"
expect_eq "nothing stored for a fraction" "$(state "$task")" "$before"
post exp1 "/expert/$task" -d p=0 -d done=1 -d js=1
expect_grep "a grid not filled cannot be submitted" "$T/body" "заполните все позиции"
expect_eq "nothing stored for an early submit" "$(state "$task")" "$before"
# A position skipped: the scores after it are kept (the skipped one stored as not scored,
# byte FE), and the grid shows them again with their total.
post exp1 "/expert/$task" -d p=1 -d p= -d p=0 -d js=1
expect_grep "a grid with a gap is saved" "$T/body" '{"ok":true,"filled":2'
expect_eq "… the score after the gap stored" "$(state "$task")" "01FE00|2|0"
post exp1 "/expert/$task" -d p=1 -d p= -d p=0 -d p= -d p=
expect_eq "… by the plain form too" "$(state "$task")" "01FE00|2|0"
get exp1 "/expert/$task"
expect_grep "… shown again after the gap" "$T/body" 'id="p3" name="p" type="text" inputmode="numeric" pattern="[0-9]*" min="0" max="'"$max3"'" data-max="'"$max3"'" maxlength="3" aria-describedby="e3" value="0"'
expect_grep "… the gap empty" "$T/body" 'aria-describedby="e2" value=""'
expect_grep "… and the total of the stored scores" "$T/body" '<output id="rc-total">1</output>'
post exp1 "/expert/$task" -d p=0 -d p=0 -d js=1
before=$(state "$task")

# The school's scores of a work as the expert's "p" fields, with one position changed by
# delta (0: the same scores).
school_scores() { # WORK DELTA_AT_FIRST_MAX2 → -d p=… list
	local hex i=0 v args="" changed=0
	hex=$(sql "SELECT hex(r.scores) FROM recheck_work w JOIN result r ON r.procedure_id = w.procedure_id
		AND r.school_id = w.school_id AND r.code = w.code WHERE w.id = $1")
	for m in $maxes; do
		v=$((16#${hex:$((2 * i)):2}))
		[ "$v" -gt "$m" ] && v=0
		if [ "$2" = far ] && [ "$changed" = 0 ] && [ "$m" -ge 2 ]; then
			v=$([ "$v" -ge 2 ] && echo 0 || echo "$m"); changed=1
		fi
		args+=" -d p=$v"; i=$((i + 1))
	done
	echo "$args"
}
work_of() { sql "SELECT work_id FROM recheck_check WHERE id = $1"; }
# A check equal to the school's: final, no third expert.
# shellcheck disable=SC2046
post exp1 "/expert/$task" $(school_scores "$(work_of "$task")" same) -d done=1 -d js=1
expect_eq "a full grid is submitted" "$code" 200
expect_grep "the answer leads to the next work" "$T/body" '"next":"/expert/'
cat "$T/body" >>"$T/seen"
expect_eq "the submitted check is stored" "$(state "$task" | cut -d'|' -f2-)" "$npos|1"
expect_eq "no third check when the scores agree" \
	"$(sql "SELECT count(*) FROM recheck_check WHERE work_id = $(work_of "$task") AND check_no = 3")" 0
before=$(state "$task")
post exp1 "/expert/$task" -d p=0 -d js=1
expect_eq "a submitted check is final" "$code" 409
expect_grep "the refusal says so" "$T/body" "изменить её нельзя"
expect_eq "the submitted check is unchanged" "$(state "$task")" "$before"
get exp1 "/expert/$task"
expect_grep "a submitted check is shown read-only" "$T/body" "Проверка завершена"
hex=$(sql "SELECT hex(scores) FROM recheck_check WHERE id = $task") total=0
for ((i = 0; i < ${#hex}; i += 2)); do total=$((total + 16#${hex:i:2})); done
expect_grep "… with its total" "$T/body" "<output id=\"rc-total\">$total</output>"
get exp1 /expert
expect_grep "the progress grows" "$T/body" "проверено 1 из $n1"

# A significant discrepancy (one position off by two or more): a third expert at once.
far=$(sql "SELECT c.id FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id WHERE c.expert_id = $E1 AND c.done = 0
	AND c.check_no = 2 AND w.scan_id IS NOT NULL LIMIT 1")
fw=$(work_of "$far")
# shellcheck disable=SC2046
post exp1 "/expert/$far" $(school_scores "$fw" far) -d done=1 -d js=1
expect_eq "a check with a discrepancy is submitted" "$code" 200
third=$(sql "SELECT coalesce(expert_id, 0) FROM recheck_check WHERE work_id = $fw AND check_no = 3 AND control = 0")
check "a significant discrepancy gives the work a third expert at once" test -n "$third" -a "${third:-0}" != 0
check "the third expert is another one" test "${third:-0}" != "$E1"
tlogin=$(sql "SELECT u.login FROM expert e JOIN user u ON u.id = e.user_id WHERE e.id = ${third:-0}")
tcheck=$(sql "SELECT id FROM recheck_check WHERE work_id = $fw AND check_no = 3 AND control = 0")
if [ -n "$tlogin" ]; then
	get "$tlogin" /expert
	expect_grep "the third expert's queue says «третья»" "$T/body" "третья"
	get "$tlogin" "/expert/$tcheck"
	expect_eq "the third expert opens the work" "$code" 200
	expect_grep "the third expert sees the school's check" "$T/body" "Проверка в школе"
	expect_grep "the third expert sees check 2" "$T/body" "Вторая проверка"
	cat "$T/body" >>"$T/seen"
else
	fail "the third expert has a login"
fi

# --- anonymity: nothing the experts reached names the school
for what in "$S" "$SNAME" "$MNAME" "$S2"; do
	if grep -qF -- "$what" "$T/seen"; then
		fail "an expert's page, header or JSON carries «$what»"
		grep -nF -- "$what" "$T/seen" | head -3 | sed 's/^/# /'
	else
		ok "nothing an expert reaches carries «$what»"
	fi
done
