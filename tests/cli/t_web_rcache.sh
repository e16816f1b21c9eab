#!/bin/bash
# Downloads and API answers kept in memory (src/web/rcache.c, issue 21): a kept answer is
# the same bytes as a fresh one, never reaches a user of another territory, and is never
# served after the data changed (a new upload from the command line while the server runs,
# an analysis run, a change through the web).
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
	for i in $(seq 3001 3005); do echo "edu223017,VPR-2022-MA-4,$i,4А,1,ж,5,0,1,2,2,1"; done
} >"$T/results.csv"
# A later upload of one school (a correction: its scores change).
{
	echo "school,procedure,code,class,variant,gender,journal_mark,absent,1,2,3,4"
	for i in $(seq 2001 2010); do echo "sch220207,VPR-2022-MA-4,$i,4А,1,м,5,0,1,2,2,1"; done
} >"$T/results2.csv"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$T/procs.csv" >/dev/null
"$OKO" import results "$T/results.csv" >/dev/null 2>&1
expect_eq "fixture stored" "$(sql 'SELECT count(*) FROM result')" 27
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add reg region
add reg2 region
add mun municipality "г. Барнаул"
add sch school sch220206
add sch2 school edu223017
start_server
for u in reg reg2 mun sch sch2; do login $u "password-$u"; done
P=/reports/VPR-2022-MA-4

# An XLSX's parts without docProps/core.xml (the moment it was written), a PDF without its
# /CreationDate: what must be the same between a kept answer and a fresh one.
content() {
	case $(head -c4 "$1") in
	%PDF) sed -E 's#/CreationDate \(D:[^)]*\)#/CreationDate ()#' "$1" ;;
	PK*) python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in sorted(z.namelist()):
    if n != "docProps/core.xml":
        sys.stdout.buffer.write(n.encode() + b"\n" + z.read(n))' "$1" 2>/dev/null ;;
	*) cat "$1" ;;
	esac
}
# expect_absent DESCRIPTION FILE STRING: the file must not contain the fixed string.
expect_absent() { if grep -qF -- "$3" "$2"; then fail "$1: «$3» in $(basename "$2")"; else ok "$1"; fi; }
# json_get FILE EXPR: a value of the JSON answer (python, with j the document).
json_get() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
fetch() { # NAME PATH FILE
	get "$1" "$2"
	cp "$T/body" "$3"
}

# --- a kept answer is byte for byte the first one; a fresh server makes the same file ---
# Byte for byte on both engines: the answers are keyed on the database's content version
# (src/db/db.h), which only a change of this database's content moves — a file made again a
# second later would differ in its moment (docProps/core.xml).
same_file() { # A B
	cmp -s "$1" "$2" && echo same
}
# The key holds the minute: the downloads below stay within one (a new minute is a new key).
sec=$(date +%S); sec=${sec#0}
[ "$sec" -lt 50 ] || sleep $((61 - sec))
fetch reg "$P/xlsx" "$T/r1.xlsx"
expect_eq "region's report XLSX" "$code" 200
# A second past the first download, so a file made again would carry another moment: the
# second request may reach the other worker thread, whose first look must not throw away
# what the first thread kept (it did, until the watcher connection).
sleep 1.2
fetch reg "$P/xlsx" "$T/r2.xlsx"
expect_eq "the second download is byte for byte the first" "$(same_file "$T/r1.xlsx" "$T/r2.xlsx")" same
fetch reg2 "$P/xlsx" "$T/r3.xlsx"
expect_eq "another user of the same territory gets the same bytes" \
	"$(same_file "$T/r1.xlsx" "$T/r3.xlsx")" same
fetch reg /api/v1/uploads "$T/u1.json"
stop_server
start_server
login reg password-reg
fetch reg "$P/xlsx" "$T/r4.xlsx"
expect_eq "a restarted server (nothing kept) makes the same report" \
	"$(cmp -s <(content "$T/r1.xlsx") <(content "$T/r4.xlsx") && echo same)" same
fetch reg /api/v1/uploads "$T/u2.json"
expect_eq "the same API answer after a restart" "$(cmp -s "$T/u1.json" "$T/u2.json" && echo same)" same
for u in mun sch sch2; do login $u "password-$u"; done

# --- never across territories: each asks right after a wider territory's answer was kept ---
fetch reg /api/v1/uploads "$T/u_reg.json"
expect_grep "the region sees the other municipality's school" "$T/u_reg.json" edu223017
fetch mun /api/v1/uploads "$T/u_mun.json"
expect_eq "municipality: 200" "$code" 200
expect_grep "municipality sees its schools" "$T/u_mun.json" sch220207
expect_absent "municipality does not get the region's kept list" "$T/u_mun.json" edu223017
fetch sch /api/v1/uploads "$T/u_sch.json"
expect_grep "a school sees its own upload" "$T/u_sch.json" sch220206
expect_absent "a school does not get the municipality's kept list" "$T/u_sch.json" sch220207
fetch sch2 /api/v1/uploads "$T/u_sch2.json"
expect_absent "another school does not get the first school's kept list" "$T/u_sch2.json" sch220206
fetch mun "$P/xlsx" "$T/m1.xlsx"
expect_eq "municipality's report XLSX" "$code" 200
expect_eq "the municipality's report is not the region's kept one" \
	"$(cmp -s "$T/r4.xlsx" "$T/m1.xlsx" && echo same || echo differ)" differ
get sch2 "$P/xlsx?school=sch220206"
expect_eq "another school's report stays 404 after it was kept for the region" "$code" 404
get reg "$P/xlsx?school=sch220206"
expect_eq "the region opens the school's report" "$code" 200
get sch2 "$P/xlsx?school=sch220206"
expect_eq "… and another school still gets 404, not the kept file" "$code" 404

# --- an audited download: kept, and audited for each reader as it was for its maker ---
sec=$(date +%S); sec=${sec#0}
[ "$sec" -lt 45 ] || sleep $((61 - sec))
audited() { sql "SELECT count(*) FROM audit WHERE action = 'registry_export'"; }
a0=$(audited)
fetch reg "/schools/export?format=xlsx" "$T/x1.xlsx"
expect_eq "the registry export" "$code" 200
sleep 1.2
fetch reg2 "/schools/export?format=xlsx" "$T/x2.xlsx"
expect_eq "the registry export kept: another user of the region gets the same bytes" \
	"$(same_file "$T/x1.xlsx" "$T/x2.xlsx")" same
expect_eq "… and each download is audited" "$(audited)" $((a0 + 2))
expect_eq "… under its reader's name" \
	"$(sql "SELECT user_login || ' ' || object_detail FROM (SELECT user_login, coalesce(detail, '') AS object_detail FROM audit WHERE action = 'registry_export' ORDER BY id DESC LIMIT 1) x")" "reg2 XLSX"
fetch mun "/schools/export?format=xlsx" "$T/x3.xlsx"
expect_eq "… a municipality gets its own registry, not the region's kept one" \
	"$(cmp -s "$T/x1.xlsx" "$T/x3.xlsx" && echo same || echo differ)" differ
# 20 downloads of the kept file at once: each one's entry is written (together, in one
# transaction, before its file goes out — rcache.c's audit_later).
a1=$(audited)
pids=()
for i in $(seq 20); do
	curl -s -o "$T/xc$i.xlsx" -w '%{http_code}\n' -b "$(jar reg)" "$URL/schools/export?format=xlsx" >"$T/xc$i.code" &
	pids+=($!)
done
wait "${pids[@]}"
n=0
for i in $(seq 20); do [ "$(cat "$T/xc$i.code")" = 200 ] && cmp -s "$T/xc1.xlsx" "$T/xc$i.xlsx" && n=$((n + 1)); done
expect_eq "20 downloads at once: each gets the same file" "$n" 20
expect_eq "… and each is audited" "$(audited)" $((a1 + 20))
# The journal's page is kept too, and shows each new entry at once (it is keyed by the last).
get reg "/audit?action=registry_export"
n1=$(grep -o "выгружен реестр школ" "$T/body" | wc -l)
get reg "/audit?action=registry_export"
expect_eq "the journal's page, asked again, the same" "$(grep -o "выгружен реестр школ" "$T/body" | wc -l)" "$n1"
fetch reg "/schools/export?format=xlsx" "$T/x6.xlsx"
get reg "/audit?action=registry_export"
expect_eq "… and with the kept download's new entry at once" "$(grep -o "выгружен реестр школ" "$T/body" | wc -l)" $((n1 + 1))
# An audit entry or a login is not a change of what the answers show: nothing kept is dropped.
fetch reg "$P/xlsx" "$T/k1.xlsx"
sleep 1.2
login reg2 password-reg2
fetch reg "/schools/export?format=csv" "$T/x4.csv"
fetch reg "$P/xlsx" "$T/k2.xlsx"
expect_eq "a login and an audited download leave the kept report in place" \
	"$(same_file "$T/k1.xlsx" "$T/k2.xlsx")" same

# --- never stale: an upload from the command line while the server runs ---
fetch reg "$P/xlsx" "$T/before.xlsx"
fetch reg /api/v1/uploads "$T/before.json"
"$OKO" import results "$T/results2.csv" --replace >/dev/null 2>&1 || "$OKO" import results "$T/results2.csv" >/dev/null 2>&1
expect_eq "the correction stored" "$(sql 'SELECT count(*) FROM upload')" 2
fetch reg /api/v1/uploads "$T/after.json"
expect_eq "the API lists the new upload at once" \
	"$(json_get "$T/after.json" 'len({u["upload"] for u in j["uploads"]})')" 2
fetch reg "$P/xlsx" "$T/after.xlsx"
expect_eq "the report XLSX after the upload is a new file" \
	"$(cmp -s <(content "$T/before.xlsx") <(content "$T/after.xlsx") && echo same || echo differ)" differ
stop_server
start_server
login reg password-reg
fetch reg "$P/xlsx" "$T/fresh.xlsx"
expect_eq "… the file a fresh server makes" \
	"$(cmp -s <(content "$T/after.xlsx") <(content "$T/fresh.xlsx") && echo same)" same

# --- never stale: an analysis run ---
fetch reg /api/v1/risk "$T/risk0.json"
"$OKO" analyze --out "$T/out" --quiet
RUN=$(sql 'SELECT max(id) FROM analysis_run')
fetch reg /api/v1/risk "$T/risk1.json"
expect_eq "the API's risk list before the analysis: no run" "$(json_get "$T/risk0.json" 'j["run"]')" 0
expect_eq "the API's risk list names the new run at once" "$(json_get "$T/risk1.json" 'j["run"]')" "$RUN"
fetch reg "/risk/export?format=csv" "$T/e1.csv"
fetch reg "/risk/export?format=csv" "$T/e2.csv"
expect_eq "the risk export kept: the same bytes" "$(cmp -s "$T/e1.csv" "$T/e2.csv" && echo same)" same
expect_grep "… of the new run" "$T/e2.csv" "Лицей № 2"

# --- never stale: a change through the web (a school renamed) ---
fetch reg /api/v1/schools "$T/s0.json"
login reg password-reg
post reg /schools/sch220206/edit --data-urlencode "name=Школа переименованная" \
	--data-urlencode "municipality=$(sql "SELECT municipality_id FROM school WHERE login = 'sch220206'")" \
	--data-urlencode "kind=$(sql "SELECT kind FROM school WHERE login = 'sch220206'")" \
	--data-urlencode "settlement=$(sql "SELECT settlement FROM school WHERE login = 'sch220206'")"
expect_eq "school renamed" "$(sql "SELECT name FROM school WHERE login = 'sch220206'")" "Школа переименованная"
fetch reg /api/v1/schools "$T/s1.json"
expect_eq "the API's school list has the new name at once" \
	"$(json_get "$T/s1.json" '[x["name"] for x in j["schools"] if x["login"] == "sch220206"][0]')" "Школа переименованная"
fetch reg "/schools/export?format=csv" "$T/x5.csv"
expect_grep "the kept registry export has the new name at once" "$T/x5.csv" "Школа переименованная"
