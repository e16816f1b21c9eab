#!/bin/bash
# Teachers in the risk zone by the experts' re-checks (methodology-oko «Teachers in the risk
# zone», the kind recheck_inflated): a generated region without manipulation, every class its
# own teacher; in one school with two classes the experts re-check the works of both. They
# find every finished work of class A scored 2 points above their scores (one work still
# waits for its third check) and agree exactly with class B. Before the re-checks nobody is
# in the zone; after them A's teacher — and only that one — is, with the re-check as the
# evidence: its p is the sign test over A's finished works, B's teacher gets no re-check p
# (no work moved), and the school's page names the evidence in Russian.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

P=VPR-2021-MA-4
G=$T/g
"$OKO" gen --out "$G" --schools 40 --municipalities 2 --years 2021 --subjects MA --grades 4 \
	--manipulated 0 --seed 6 >/dev/null
# The first school (by login) with two classes of at least 20 works: classes A and B.
awk -F, 'NR > 1 && $8 == "0" { n[$1 "," $4]++ } END { for (k in n) if (n[k] >= 20) print k }' \
	"$G/results.csv" | sort >"$T/big"
read -r SCH A B < <(awk -F, '{ c[$1] = c[$1] " " $2 } END { for (s in c) if (split(c[s], x, " ") >= 2) print s c[s] }' \
	"$T/big" | sort | head -1)
[ -n "${B:-}" ] && ok "a school with two classes: $SCH $A $B" || fail "no school with two classes"
"$OKO" init >/dev/null
"$OKO" import schools "$G/schools.csv" >/dev/null
"$OKO" import procedures "$G/procedures.csv" >/dev/null
"$OKO" import results "$G/results.csv" >/dev/null 2>&1
{
	echo "school,class,subject,teacher"
	cut -d, -f1,4 "$G/results.csv" | tail -n +2 | sort -u | while IFS=, read -r s c; do
		if [ "$s" = "$SCH" ] && [ "$c" = "$A" ]; then
			echo "$s,$c,MA,Завышенова Анна Петровна"
		elif [ "$s" = "$SCH" ] && [ "$c" = "$B" ]; then
			echo "$s,$c,MA,Точнова Вера Ивановна"
		else
			echo "$s,$c,MA,Учителева Анна ${c:1}"
		fi
	done
} >"$T/teachers.csv"
expect_ok "teachers imported" import teachers "$T/teachers.csv" --year 2021
tid() { sql "SELECT t.teacher_id FROM class_teacher t JOIN school s ON s.id = t.school_id WHERE s.login = '$SCH' AND t.class = '$1'"; }
TA=$(tid "$A")
TB=$(tid "$B")
col() { awk -F, -v c="$1" -v t="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } $1 == t { print $k }' "$3"; }
listed_ids() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "listed") L = i; next } $L == 1 { print $1 }' "$1" | tr '\n' ' '; }

# Before any re-check: nobody in the zone, and no re-check column filled.
out0=$(mktemp -d "$T/out.XXXXXX")
expect_ok "analysis before the re-checks" analyze --out "$out0"
expect_grep "teachers.csv has the re-check column" "$out0/teachers.csv" "p_twins,p_recheck_inflated,p,q_adj"
expect_eq "nobody in the zone before the re-checks" "$(listed_ids "$out0/teachers.csv")" ""
expect_eq "no re-check p before the re-checks" \
	"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "p_recheck_inflated") k = i; next } $k != "" { n++ } END { print n + 0 }' "$out0/teachers.csv")" 0

# The sample: every work of A and of B (a list of candidates, the rule medal).
awk -F, -v s="$SCH" -v a="$A" -v b="$B" 'BEGIN { print "school,code" }
	NR > 1 && $1 == s && $8 == "0" && ($4 == a || $4 == b) { print $1 "," $3 }' "$G/results.csv" >"$T/sample.csv"
expect_ok "the works sampled" recheck sample --procedure $P --rule medal --medal "$T/sample.csv" \
	--seed 1 --out "$T/round.csv"
expect_eq "every work of both classes in the round" "$(($(wc -l <"$T/round.csv") - 1))" "$(($(wc -l <"$T/sample.csv") - 1))"
printf 'id,name,municipality,subjects,works_at,children_at,max_works,login\nE1,Первая Эксперт Ивановна,,MA,,,500,\nE2,Вторая Эксперт Ивановна,,MA,,,500,\n' >"$T/experts.csv"
expect_ok "the experts" import experts "$T/experts.csv"

# The checks. A: the experts take one point off each of the first two positions the school
# scored (2 points of the primary score, never 2 on one position); where that changes the
# mark (a primary score 6, 7, 10, 11, 14 or 15: the scale 6/10/14) the discrepancy is
# significant and a third expert agrees with the second — except for the first such work,
# left waiting for its third check. B: the experts give the school's own scores. «X» is 0.
awk -F, -v s="$SCH" -v a="$A" -v b="$B" -v p="$P" -v out3="$T/checks3.csv" -v wait="$T/waiting" '
	BEGIN { OFS = ","; h = "procedure,school,code,check,expert"; for (i = 1; i <= 15; i++) h = h ",p" i
		print h; print h >out3 }
	NR == 1 || $1 != s || $8 != "0" || ($4 != a && $4 != b) { next }
	{
		t = 0; m = 0; row = ""
		for (i = 9; i <= NF; i++) {
			v = $i == "X" ? 0 : $i + 0; t += v
			if ($4 == a && v >= 1 && m < 2) { v--; m++ }
			row = row "," v
		}
		if ($4 == a && m < 2) { print "short " $3 >"/dev/stderr"; next }
		print p, s, $3, 2, "E1" row
		if ($4 == a && (t == 6 || t == 7 || t == 10 || t == 11 || t == 14 || t == 15)) {
			if (!waited) { waited = 1; print $3 >wait; next }
			print p, s, $3, 3, "E2" row >out3
		}
	}' "$G/results.csv" >"$T/checks2.csv"
expect_ok "checks 2" import rechecks "$T/checks2.csv"
if [ "$(($(wc -l <"$T/checks3.csv") - 1))" -ge 1 ]; then
	expect_ok "checks 3" import rechecks "$T/checks3.csv"
else skip "no work of A changed its mark"; fi
test -s "$T/waiting" && ok "a work of A waits for its third check" || skip "no work of A waits"
nA=$(awk -F, -v s="$SCH" -v a="$A" 'NR > 1 && $1 == s && $4 == a && $8 == "0"' "$G/results.csv" | wc -l)
k=$((nA - $(cat "$T/waiting" 2>/dev/null | wc -l)))
expect_ok "status" recheck status --round 1

# After the re-checks.
out=$(mktemp -d "$T/out.XXXXXX")
expect_ok "analysis after the re-checks" analyze --out "$out"
expect_eq "only A's teacher in the zone" "$(listed_ids "$out/teachers.csv")" "$TA "
expect_eq "its strongest evidence is the re-check" "$(col top "$TA" "$out/teachers.csv")" recheck_inflated
want=$(awk -v k="$k" 'BEGIN { printf "%.10g", 2 ^ -k }')
expect_eq "A's re-check p: the sign test over its $k finished works, (1/2)^$k" \
	"$(col p_recheck_inflated "$TA" "$out/teachers.csv")" "$want"
expect_eq "B's teacher: no work moved, no re-check p" "$(col p_recheck_inflated "$TB" "$out/teachers.csv")" ""
expect_eq "B's teacher assessed, not in the zone" "$(col listed "$TB" "$out/teachers.csv")" 0
expect_eq "the other kinds did not change for A" \
	"$(col p_journal_lenient "$TA" "$out/teachers.csv")" "$(col p_journal_lenient "$TA" "$out0/teachers.csv")"
expect_eq "the school sign of the re-check flags the school" \
	"$(awk -F, -v s="$SCH" '$1 == s && $3 == "recheck_inflated" { print $7 }' "$out/signs.csv")" flag
expect_eq "stored: A's class evidence of the re-check" \
	"$(sql "SELECT c.class || ' ' || c.works FROM run_teacher_class c JOIN analysis_run a ON a.id = c.run_id WHERE c.kind = 'recheck_inflated' AND c.run_id = (SELECT max(id) FROM analysis_run)")" "$A $k"
expect_eq "stored: only A's teacher listed" \
	"$(sql "SELECT teacher_id || ' ' || top_kind FROM run_teacher WHERE listed = 1 AND run_id = (SELECT max(id) FROM analysis_run)")" "$TA recheck_inflated"

# The school's page names the evidence in Russian.
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add sch school "$SCH"
start_server
login sch password-sch
get sch /teachers
expect_eq "the school's page opens" "$code" 200
expect_grep "the teacher by name" "$T/body" "Завышенова Анна Петровна"
expect_grep "the evidence named in Russian" "$T/body" "Перепроверка подтвердила завышение"
expect_grep "and explained for the class" "$T/body" "Эксперты перепроверили работы класса"
sed -n 's/.*По последнему анализу\(.*\)Учителя классов.*/\1/p' "$T/body" >"$T/zone"
expect_grep "the zone's section read" "$T/zone" "в зоне риска — 1"
expect_eq "the section's title is not said again in its first sentence" "$(grep -o 'По последнему анализу' "$T/body" | wc -l)" 1
expect_grep "the run's moment said once, in its own words" "$T/zone" "Анализ от "
grep -q "Точнова" "$T/zone" && fail "B's teacher shown in the zone" || ok "B's teacher not in the zone"
