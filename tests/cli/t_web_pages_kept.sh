#!/bin/bash
# Pages kept in memory (src/web/rcache.c «Pages», issue 21): a kept page is the page its user
# would get anew, with the session's own CSRF token in its forms (a form sent from a kept page
# works, a page is never served with another session's token), never another user's page
# (the name in the frame), never stale (a change through the web, an upload from the command
# line); and a download being generated for another request answers «Документ готовится»
# (202, Refresh) or the file itself, the same bytes in the end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

cat >"$T/procs.csv" <<'EOF'
procedure,kind,year,subject,grade,max_score,positions,scale
VPR-2022-MA-4,VPR,2022,MA,4,6,1:1:Б 2:2:Б 3:2:П 4:1:В,2/4/5
EOF
{
	echo "school,procedure,code,class,variant,gender,journal_mark,absent,1,2,3,4"
	for i in $(seq 1001 1012); do echo "sch220206,VPR-2022-MA-4,$i,4А,1,ж,4,0,1,2,$((i % 3)),$((i % 2))"; done
	for i in $(seq 2001 2010); do echo "sch220207,VPR-2022-MA-4,$i,4А,1,м,3,0,1,1,0,0"; done
} >"$T/results.csv"
{
	echo "school,procedure,code,class,variant,gender,journal_mark,absent,1,2,3,4"
	for i in $(seq 3001 3005); do echo "edu223017,VPR-2022-MA-4,$i,4А,1,ж,5,0,1,2,2,1"; done
} >"$T/results2.csv"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$T/procs.csv" >/dev/null
"$OKO" import results "$T/results.csv" >/dev/null 2>&1
expect_eq "fixture stored" "$(sql 'SELECT count(*) FROM result')" 22
"$OKO" analyze --out "$T/out" --quiet
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add reg region
add reg2 region
start_server
# Two sessions of one user (two browsers), and another user of the same territory.
login reg password-reg
cp "$T/reg.jar" "$T/regA.jar"
login reg password-reg
login reg2 password-reg2
tokA=$(csrf_of regA)
tokB=$(csrf_of reg)
expect_eq "two sessions, two tokens" "$([ -n "$tokA" ] && [ "$tokA" != "$tokB" ] && echo two)" two

# --- a kept page is its session's page ---
get regA /schools
cp "$T/body" "$T/a1.html"
get regA /schools
cp "$T/body" "$T/a2.html"
expect_eq "the same page twice in one session: the same bytes" "$(cmp -s "$T/a1.html" "$T/a2.html" && echo same)" same
get reg /schools
cp "$T/body" "$T/b1.html"
expect_grep "session A's page carries A's token" "$T/a2.html" "value=\"$tokA\""
expect_grep "session B's page carries B's token" "$T/b1.html" "value=\"$tokB\""
expect_eq "… and not A's" "$(grep -c "$tokA" "$T/b1.html")" 0
expect_eq "otherwise the pages of the two sessions are the same" \
	"$(cmp -s <(sed "s/$tokA/TOKEN/g" "$T/a2.html") <(sed "s/$tokB/TOKEN/g" "$T/b1.html") && echo same)" same
get reg2 /schools
expect_grep "another user of the territory gets his own name in the frame" "$T/body" "reg2 name"
expect_eq "… not the first user's" "$(grep -c '>reg name<' "$T/body")" 0

# --- a form from a kept page works: the web changes the data, the kept pages go ---
get regA /
get regA /
for i in 1 2; do get regA /schools/sch220206/edit; done
tok=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | head -1 | grep -o '[0-9a-f]\{64\}')
expect_eq "the kept edit form has the session's token" "$tok" "$tokA"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/regA.jar" --data-urlencode "csrf=$tok" \
	--data-urlencode "name=Школа переименованная" \
	--data-urlencode "municipality=$(sql "SELECT municipality_id FROM school WHERE login = 'sch220206'")" \
	--data-urlencode "kind=$(sql "SELECT kind FROM school WHERE login = 'sch220206'")" \
	--data-urlencode "settlement=$(sql "SELECT settlement FROM school WHERE login = 'sch220206'")" \
	"$URL/schools/sch220206/edit")
expect_eq "the form sent from a kept page is accepted" "$code" 303
expect_eq "school renamed" "$(sql "SELECT name FROM school WHERE login = 'sch220206'")" "Школа переименованная"
get regA /schools
expect_grep "the list shows the new name at once" "$T/body" "Школа переименованная"
get reg /schools
expect_grep "… in the other session too" "$T/body" "Школа переименованная"

# --- an upload from the command line while the server runs ---
get reg /
expect_grep "home: 22 results" "$T/body" "<strong>22</strong>"
"$OKO" import results "$T/results2.csv" >/dev/null 2>&1
expect_eq "the new school's results stored" "$(sql 'SELECT count(*) FROM result')" 27
get reg /
expect_grep "home: 27 results at once" "$T/body" "<strong>27</strong>"

# --- a download asked for by many at once: the file, or «готовится», the same bytes in the end ---
pids=
for i in 1 2 3 4 5 6; do
	curl -s -D "$T/h$i" -o "$T/d$i" -b "$T/reg.jar" "$URL/risk/pdf" &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
bad=0 files=0
for i in 1 2 3 4 5 6; do
	st=$(head -1 "$T/h$i" | grep -o ' [0-9]*' | head -1 | tr -d ' ')
	if [ "$st" = 200 ] && [ "$(head -c4 "$T/d$i")" = %PDF ]; then
		files=$((files + 1))
	elif [ "$st" = 202 ] && grep -q 'Документ готовится' "$T/d$i" && grep -qi '^Refresh: 2' "$T/h$i"; then
		:
	else
		bad=$((bad + 1))
	fi
done
expect_eq "every answer is the PDF or «Документ готовится» with Refresh" "$bad" 0
get reg /risk/pdf
cp "$T/body" "$T/final.pdf"
expect_eq "the PDF after that: 200" "$code" 200
# On PostgreSQL any write in the cluster (make check runs other tests on it at the same time)
# moves "the data may have changed", so the PDF may be made again at another second: there
# its /CreationDate is masked; on SQLite the comparison is byte for byte.
pdf_same() { # A B
	if [ -n "${OKO_PG_HOST:-}" ]; then
		cmp -s <(sed -E 's#/CreationDate \(D:[^)]*\)#/CreationDate ()#' "$1") \
			<(sed -E 's#/CreationDate \(D:[^)]*\)#/CreationDate ()#' "$2")
	else
		cmp -s "$1" "$2"
	fi
}
same=1
for i in 1 2 3 4 5 6; do
	[ "$(head -c4 "$T/d$i")" = %PDF ] && ! pdf_same "$T/d$i" "$T/final.pdf" && same=0
done
expect_eq "every PDF given is the same bytes" "$same" 1
