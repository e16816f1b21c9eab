#!/bin/bash
# oko gen and oko demo: files and headers of formats.md, determinism, the truth file,
# wrong usage, and that the ordinary importers read what the generator writes.
. "$(dirname "$0")/lib.sh"

G="$T/g"
expect_ok "gen writes a small region" gen --out "$G" --schools 25 --seed 5 --manipulated 0.4
for f in schools.csv procedures.csv results.csv truth.csv README; do
	check "gen wrote $f" test -s "$G/$f"
done
expect_grep "summary printed" "$T/out" "школ 25, процедур 20"
expect_eq "schools.csv header" "$(head -1 "$G/schools.csv")" "login,name,municipality,region,kind,settlement,indepth,address"
expect_eq "procedures.csv header" "$(head -1 "$G/procedures.csv")" "procedure,kind,year,subject,grade,max_score,positions,scale"
expect_eq "results.csv header: positions p1..p22" "$(head -1 "$G/results.csv")" \
	"school,procedure,code,class,variant,gender,journal_mark,absent,$(seq -s, -f 'p%g' 1 22)"
expect_eq "truth.csv header" "$(head -1 "$G/truth.csv")" "school,procedure,year,kind,strength,class,works"
expect_eq "25 schools" "$(($(wc -l <"$G/schools.csv") - 1))" 25
expect_eq "20 procedures" "$(($(wc -l <"$G/procedures.csv") - 1))" 20
expect_grep "real RU-4 2021 structure" "$G/procedures.csv" \
	"VPR-2021-RU-4,VPR,2021,RU,4,38,1K1:4:Б 1K2:3:Б 2:3:Б 3.1:1:Б 3.2:3:Б 4:2:Б 5:1:Б 6:2:Б 7:3:Б 8:2:Б 9:1:Б 10:1:Б 11:2:Б 12.1:1:П 12.2:2:П 13.1:1:П 13.2:2:П 14:1:Б 15.1:2:Б 15.2:1:Б,14/24/33"
expect_grep "MA-5 scale" "$G/procedures.csv" ",7/11/15"
expect_grep "README names the seed" "$G/README" "seed              5"
bad=$(awk -F, 'NR > 1 && !($3 ~ /^[4-8][0-9][0-9][0-9][0-9]$/ && substr($3,1,1) == substr($2,length($2))) { n++ } END { print n + 0 }' "$G/results.csv")
expect_eq "codes are 5 digits starting with the grade" "$bad" 0
bad=$(awk -F, 'NR > 1 && $8 == 1 && ($5 != "" || $9 != "") { n++ } END { print n + 0 }' "$G/results.csv")
expect_eq "absent rows have no variant and no points" "$bad" 0
dup=$(cut -d, -f1-4 "$G/truth.csv" | sort | uniq -d | wc -l)
expect_eq "one truth row per school, procedure and kind" "$dup" 0
bad=$(awk -F, 'NR > 1 && $4 !~ /^(boundary|lenient|help|journal|copy|jump)$/ { n++ } END { print n + 0 }' "$G/truth.csv")
expect_eq "truth kinds are known" "$bad" 0
missing=$(cut -d, -f1 "$G/truth.csv" | tail -n +2 | sort -u | while read -r s; do grep -q "^$s," "$G/schools.csv" || echo "$s"; done | wc -l)
expect_eq "truth names generated schools" "$missing" 0

expect_ok "same seed again" gen --out "$T/g2" --schools 25 --seed 5 --manipulated 0.4
same=1
for f in schools.csv procedures.csv results.csv truth.csv README; do cmp -s "$G/$f" "$T/g2/$f" || same=0; done
expect_eq "same seed gives byte-identical files" "$same" 1
expect_ok "another seed" gen --out "$T/g3" --schools 25 --seed 6 --manipulated 0.4
check "another seed gives other results" bash -c "! cmp -s '$G/results.csv' '$T/g3/results.csv'"

expect_ok "clean region" gen --out "$T/g4" --schools 10 --manipulated 0 --years 2021 --subjects BI --grades 5 --quiet
expect_eq "quiet prints nothing" "$(cat "$T/out")" ""
expect_eq "no truth rows in a clean region" "$(wc -l <"$T/g4/truth.csv")" 1
expect_grep "generic work for biology" "$T/g4/procedures.csv" "VPR-2021-BI-5,VPR,2021,BI,5,19,"
expect_ok "GG-8 with schools' own variants and untaught topics" gen --out "$T/g6" --schools 10 --years 2021 --subjects GG --grades 8 --variant-sd 1 --not-taught 0.1 --quiet
expect_grep "GG-8 positions without levels" "$T/g6/procedures.csv" "VPR-2021-GG-8,VPR,2021,GG,8,37,1.1:1 1.2:2 2.1:1 "
expect_grep "README names the options" "$T/g6/README" "свои варианты школ: разброс трудности 1"
run_oko gen --out "$T/x" --not-taught 0.9
expect_eq "--not-taught above 0.5 refused" "$rc" 2
expect_ok "--stats reports speed and memory" gen --out "$T/g5" --schools 5 --stats
expect_grep "stats line" "$T/out" "результатов/с"
expect_grep "peak memory" "$T/out" "VmHWM"

# --exams and --teachers: ОГЭ/ЕГЭ with their stated marks and test scores, medalists, teachers.
E="$T/ge"
expect_ok "gen with exams and teachers" gen --out "$E" --schools 40 --seed 7 --exams --teachers \
	--kinds medal,teacher --manipulated 0.3 --quiet
expect_eq "results.csv gains mark and test_score" "$(head -1 "$E/results.csv" | cut -d, -f8-11)" "absent,mark,test_score,p1"
expect_eq "4 works x 5 grades x 2 years, then 4 exams a year" \
	"$(tail -n +2 "$E/procedures.csv" | cut -d, -f1 | grep -c -E '^(OGE-20(20|21)-(RU|MA)-9|EGE-20(20|21)-(RU|MA)-11)$')/$(($(wc -l <"$E/procedures.csv") - 1))" "8/28"
bad=$(awk -F, '$2 ~ /^OGE/ && $8 == 0 && $9 !~ /^[2-5]$/ { n++ } $2 ~ /^OGE/ && $10 != "" { n++ } END { print n + 0 }' "$E/results.csv")
expect_eq "every written ОГЭ has a mark, none a test score" "$bad" 0
bad=$(awk -F, '$2 ~ /^EGE/ && $8 == 0 && !($10 ~ /^[0-9]+$/ && $10 <= 100) { n++ } $2 ~ /^EGE/ && $9 != "" { n++ } END { print n + 0 }' "$E/results.csv")
expect_eq "every written ЕГЭ has a test score 0-100, none a mark" "$bad" 0
bad=$(awk -F, 'NR > 1 && $2 ~ /^VPR/ && ($9 != "" || $10 != "") { n++ } END { print n + 0 }' "$E/results.csv")
expect_eq "ВПР rows leave both empty" "$bad" 0
check "fewer take profile maths than Russian" test "$(grep -c ',EGE-2021-MA-11,' "$E/results.csv")" -lt "$(grep -c ',EGE-2021-RU-11,' "$E/results.csv")"
expect_eq "medalists.csv header" "$(head -1 "$E/medalists.csv")" "school,year,code,medal"
check "there are medalists" test "$(wc -l <"$E/medalists.csv")" -gt 10
missing=$(tail -n +2 "$E/medalists.csv" | while IFS=, read -r s y c _; do grep -q "^$s,EGE-$y-RU-11,$c," "$E/results.csv" || echo x; done | wc -l)
expect_eq "every medalist's code is a graduate's of that school and year" "$missing" 0
expect_eq "teachers_2021.csv header" "$(head -1 "$E/teachers_2021.csv")" "school,class,subject,teacher"
dup=$(tail -n +2 "$E/teachers_2021.csv" | cut -d, -f1-3 | sort | uniq -d | wc -l)
expect_eq "one teacher per school, class and subject" "$dup" 0
missing=$(tail -n +2 "$E/teachers_2020.csv" | head -50 | while IFS=, read -r s c subj _; do grep -q "^$s,[A-Z]*-2020-$subj-[0-9]*,[0-9]*,$c," "$E/results.csv" || echo x; done | wc -l)
expect_eq "teachers' classes have results that year" "$missing" 0
one=$(awk -F, 'NR > 1 && $2 ~ /^4/ { k = $1 "/" $2; if (k in t && t[k] != $4) n++; t[k] = $4; m++ } END { print (m ? n + 0 : "none") }' "$E/teachers_2021.csv")
expect_eq "in grade 4 a class has one teacher for both subjects" "$one" 0
bad=$(awk -F, 'NR > 1 && $4 !~ /^(medal|teacher)$/ { n++ } $4 == "teacher" && $6 == "" { n++ } $4 == "medal" && $2 !~ /^EGE-/ { n++ } END { print n + 0 }' "$E/truth.csv")
expect_eq "truth rows of the kinds asked, teachers by class" "$bad" 0
check "both kinds planted" test "$(cut -d, -f4 "$E/truth.csv" | sort -u | tr '\n' ' ')" = "kind medal teacher "
expect_ok "exams again" gen --out "$T/ge2" --schools 40 --seed 7 --exams --teachers --kinds medal,teacher --manipulated 0.3 --quiet
same=1
for f in results.csv truth.csv medalists.csv teachers_2020.csv teachers_2021.csv README; do cmp -s "$E/$f" "$T/ge2/$f" || same=0; done
expect_eq "exams and teachers are reproducible" "$same" 1
# The extra kinds have their own stream: without them planted the ВПР rows stay the same.
expect_ok "exams without the extra kinds" gen --out "$T/ge3" --schools 40 --seed 7 --exams --teachers --kinds medal,teacher --manipulated 0 --quiet
planted=$(awk -F, '$4 == "teacher" { n += $7 } END { print n + 0 }' "$E/truth.csv")
check "only the lenient teachers' rows differ (planted journal marks)" test "$(diff <(grep ',VPR-' "$E/results.csv") <(grep ',VPR-' "$T/ge3/results.csv") | grep -c '^<')" -le "$planted"
expect_eq "without --exams the files are as before" "$(head -1 "$G/results.csv" | cut -d, -f9)" "p1"
expect_ok "the first region again, with exams" gen --out "$T/g7" --schools 25 --seed 5 --manipulated 0.4 --exams --quiet
expect_eq "exams leave the ВПР rows as they were" \
	"$(grep ',VPR-' "$T/g7/results.csv" | cut -d, -f1-8,11- | sed 's/,*$//' | sha256sum)" \
	"$(tail -n +2 "$G/results.csv" | sed 's/,*$//' | sha256sum)"
expect_eq "… and their truth rows" "$(grep ',VPR-' "$T/g7/truth.csv" | sha256sum)" "$(grep ',VPR-' "$G/truth.csv" | sha256sum)"
run_oko gen --out "$T/x" --kinds medal
expect_eq "medal without --exams refused" "$rc" 2
expect_grep "why explained" "$T/err" "только вместе с --exams"
run_oko gen --out "$T/x" --exams --subjects RU,OM
expect_eq "--exams without maths refused" "$rc" 2

run_oko gen --schools 5
expect_eq "gen without --out is a usage error" "$rc" 2
expect_grep "--out asked for" "$T/err" "--out"
run_oko gen --out "$T/x" --kinds boundary,steal
expect_eq "unknown kind is a usage error" "$rc" 2
expect_grep "kinds explained" "$T/err" "boundary, lenient, help, journal, copy, jump"
run_oko gen --out "$T/x" --years 2021-2019
expect_eq "reversed years refused" "$rc" 2
run_oko gen --out "$T/x" --subjects RU,XX
expect_grep "unknown subject explained" "$T/err" "--subjects: «RU,XX»"
expect_ok "gen --help" gen --help
expect_grep "help documents truth.csv" "$T/out" "truth.csv"

# The importers read the generated files, and the counts match.
"$OKO" init >/dev/null
expect_ok "import generated schools" import schools "$G/schools.csv"
expect_ok "import generated procedures" import procedures "$G/procedures.csv"
expect_ok "import generated results" import results "$G/results.csv"
expect_eq "all schools stored" "$(sql 'SELECT count(*) FROM school')" 25
expect_eq "all procedures stored" "$(sql 'SELECT count(*) FROM procedure')" 20
expect_eq "all results stored" "$(sql 'SELECT count(*) FROM result')" "$(($(wc -l <"$G/results.csv") - 1))"
expect_eq "absent rows stored as absent" "$(sql 'SELECT count(*) FROM result WHERE absent = 1')" \
	"$(awk -F, 'NR > 1 && $8 == 1' "$G/results.csv" | wc -l)"
expect_eq "no row marked with a problem" "$(sql 'SELECT count(*) FROM result WHERE problems <> 0')" 0
want=$(awk -F, 'NR > 1 && $2 == "VPR-2021-RU-4" && $8 == 0 { for (i = 9; i <= NF; i++) if ($i != "X") s += $i } END { print s + 0 }' "$G/results.csv")
expect_eq "RU-4 2021 points stored as written" \
	"$(sql "SELECT sum(primary_score) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-RU-4'")" "$want"

# oko demo fills a database once; a second time it refuses without --force.
OKO_DB=$(new_db demo); export OKO_DB
expect_ok "demo fills a fresh database" demo --schools 30 --seed 3 --keep "$T/demo"
expect_grep "demo summary" "$T/out" "Демонстрационный регион «Демонстрационная область» загружен"
# 30 generated schools and the next year's file of 6 of them under edu… logins, which oko
# proposes as the same schools (for the regional coordinator to confirm).
expect_eq "demo schools" "$(sql "SELECT count(*) FROM school WHERE login LIKE 'sch%'") $(sql "SELECT count(*) FROM school WHERE login LIKE 'edu%'")" "30 6"
expect_eq "demo proposes the new logins as the old schools" "$(sql "SELECT count(*) FROM school_alias WHERE status = 'proposed'")" 6
expect_eq "demo results match the generated file and the next year's" "$(sql 'SELECT count(*) FROM result')" \
	"$(($(wc -l <"$T/demo/results.csv") - 1 + 6 * 20))"
expect_eq "demo covers grades 4-8 in two years, the exams of grades 9 and 11, and 2022's procedure from the catalogue" "$(sql "SELECT count(DISTINCT grade) || '/' || count(DISTINCT year) FROM procedure")" "7/3"
expect_eq "demo loads the medalists and both years' teachers" \
	"$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM medalist")/$(sql "SELECT count(DISTINCT p.year) FROM class_teacher ct JOIN procedure p ON p.id = ct.procedure_id")" "1/2"
check "demo kept truth.csv" test -s "$T/demo/truth.csv"
before=$(db_digest)
run_oko demo --schools 30
expect_eq "demo on a database with results fails" "$rc" 1
expect_grep "refusal explained" "$T/err" "уже есть результаты"
expect_eq "refused demo changed nothing" "$(db_digest)" "$before"
expect_ok "demo --force loads anyway" demo --schools 30 --seed 3 --force
echo "1..$_n"
