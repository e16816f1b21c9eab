#!/bin/bash
# The registry as the region's files give it: a school list with Russian headers and no
# kind (the kind guessed from the name and marked), and logins that change between years
# (sch223017 in 2021, edu223017 in 2022: one school), proposed, confirmed or rejected on the
# command line and on the web, an aliases file, and merges that must be refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null

# --- a school list «логин, имя, регион» (the «регион» column holds the municipality)
{ echo 'логин,имя,регион'
  echo 'sch223017,МБОУ СОШ №1,г. Бийск'
  echo 'sch223018,"МБОУ ""Лицей № 2""",г. Бийск'
  echo 'sch223019,Филиал МБОУ СОШ №1 в с. Лесное,Бийский район'
  echo 'sch223020,МКОУ Усть-Козлухинская ООШ,Бийский район'
  echo 'sch223021,КГБПОУ Бийский промышленный колледж,г. Бийск'; } >"$T/logins.csv"
expect_ok "school list with Russian headers imports" import schools "$T/logins.csv" --region "Алтайский край"
expect_grep "the guess is announced" "$T/out" "тип школы определён по названию"
expect_eq "kinds guessed from the names" "$(sql "SELECT group_concat(login || ':' || kind || ':' || kind_guessed, ' ') FROM (SELECT * FROM school ORDER BY login)")" \
	"sch223017:СОШ:1 sch223018:лицей:1 sch223019:филиал:1 sch223020:ООШ:1 sch223021:другое:1"
expect_eq "«регион» read as the municipality, the region from --region" \
	"$(sql "SELECT m.name || ' / ' || g.name FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region g ON g.id = m.region_id WHERE s.login = 'sch223020'")" "Бийский район / Алтайский край"
expect_ok "schools list --guessed" schools list --guessed
expect_grep "… shows the guess" "$T/out" "sch223018	МБОУ \"Лицей № 2\"	г. Бийск	лицей (по названию)"
printf 'login,name,municipality,region,kind\nsch223021,КГБПОУ Бийский промышленный колледж,г. Бийск,Алтайский край,другое\n' >"$T/fix.csv"
"$OKO" import schools "$T/fix.csv" >/dev/null
expect_eq "a kind given by a file is not a guess" "$(sql "SELECT kind_guessed FROM school WHERE login = 'sch223021'")" 0

# --- one school, two logins
P21=VPR-2021-MA-4
{ echo "procedure,kind,year,subject,grade,max_score,positions,scale"
  grep "^$P21," "$DATA/procedures.csv" | sed 's/^VPR-2021-MA-4,VPR,2021/VPR-2022-MA-4,VPR,2022/'; } >"$T/p22.csv"
"$OKO" import procedures "$T/p22.csv" >/dev/null
row() { printf '%s,%s,%s,4А,1,ж,4,0,1,1,2,1,1,1,1,1,1,2,1,1,2,2,2\n' "$1" "$2" "$3"; }
hdr='school,procedure,code,class,variant,gender,journal_mark,absent,1,2,3,4,5.1,5.2,6.1,6.2,7,8,9.1,9.2,10,11,12'
{ echo "$hdr"; row sch223017 $P21 40001; row sch223018 $P21 40001; } >"$T/r21.csv"
{ echo "$hdr"; row edu223017 VPR-2022-MA-4 40001; row edu223018 VPR-2022-MA-4 40001; row edu299999 VPR-2022-MA-4 40001; } >"$T/r22.csv"
"$OKO" import results "$T/r21.csv" >/dev/null 2>&1
expect_ok "2022 results with edu logins import" import results "$T/r22.csv"
expect_grep "a login with the same digits is noticed" "$T/err" "новых школ с теми же цифрами логина, что у известных: 2 (например edu223017)"
expect_ok "proposals listed" schools aliases
expect_grep "edu223017 proposed as sch223017" "$T/out" "edu223017	→ sch223017 (МБОУ СОШ №1)	предложено: те же цифры логина; у школы edu223017 результатов: 1"
expect_eq "no proposal for a login without a twin" "$(grep -c edu299999 "$T/out")" 0
# Both logins new in one file: the second school created is proposed as the first.
{ echo "$hdr"; row sch288001 $P21 40001; row edu288001 VPR-2022-MA-4 40001; } >"$T/both.csv"
expect_ok "a file with both years' logins of a new school" import results "$T/both.csv"
expect_grep "… noticed in the same file" "$T/err" "новых школ с теми же цифрами логина, что у известных: 1 (например edu288001)"
"$OKO" schools aliases >"$T/out" 2>/dev/null
expect_grep "edu288001 proposed as sch288001" "$T/out" "edu288001	→ sch288001"
expect_ok "confirmed on the command line" schools confirm edu223017
expect_eq "one school holds both years" "$(sql "SELECT p.code FROM result r JOIN school s ON s.id = r.school_id JOIN procedure p ON p.id = r.procedure_id WHERE s.login = 'sch223017' ORDER BY p.code" | paste -sd ' ')" "VPR-2021-MA-4 VPR-2022-MA-4"
expect_eq "the other school is gone" "$(sql "SELECT count(*) FROM school WHERE login = 'edu223017'")" 0
expect_eq "its upload history moved too" "$(sql "SELECT count(*) FROM upload_school us JOIN school s ON s.id = us.school_id WHERE s.login = 'sch223017'")" 2
"$OKO" import results "$T/r22.csv" >/dev/null 2>&1
expect_eq "the alias now finds the school: a re-upload replaces, creates nothing" \
	"$(sql "SELECT count(*) FROM school WHERE login = 'edu223017'") $(sql "SELECT count(*) FROM result r JOIN school s ON s.id = r.school_id WHERE s.login = 'sch223017'")" "0 2"
run_oko schools confirm edu223017
expect_eq "a decided proposal cannot be decided again" "$rc" 1

# A merge that would mix two schools' works of one procedure is refused, nothing changed.
{ echo "$hdr"; row edu223018 $P21 40009; } >"$T/clash.csv"
"$OKO" import results "$T/clash.csv" >/dev/null 2>&1
before=$(db_digest)
run_oko schools confirm edu223018
expect_eq "merging two schools that wrote the same procedure refused" "$rc" 1
expect_grep "… with the reason" "$T/err" "у обеих школ есть результаты процедуры VPR-2021-MA-4"
expect_eq "… and nothing changed" "$(db_digest)" "$before"

# An aliases file, and a login given twice in it.
{ echo 'логин,другой логин'; echo 'sch223019,edu223019'; echo 'sch223020,edu223020'; echo 'sch223019,edu223020'; } >"$T/aliases.csv"
before=$(db_digest)
run_oko import aliases "$T/aliases.csv"
expect_eq "an aliases file with a login twice refused" "$rc" 1
expect_grep "… naming the row" "$T/err" "строка 4, столбец 2 «другой логин», значение «edu223020»: этот логин уже встречался в файле выше"
expect_eq "… and nothing stored" "$(db_digest)" "$before"
sed -i '$d' "$T/aliases.csv"
expect_ok "aliases file imports" import aliases "$T/aliases.csv"
{ echo "$hdr"; row edu223019 VPR-2022-MA-4 40001; } >"$T/r22b.csv"
"$OKO" import results "$T/r22b.csv" >/dev/null 2>&1
expect_eq "a file's alias finds its school" "$(sql "SELECT count(*) FROM result r JOIN school s ON s.id = r.school_id WHERE s.login = 'sch223019'") $(sql "SELECT count(*) FROM school WHERE login = 'edu223019'")" "1 0"

# --- on the web: the regional coordinator decides; a school cannot
"$OKO" user add reg1 --role region --password 'Kx9-alias-reg1' >/dev/null
"$OKO" user add sch1 --role school --scope sch223017 --password 'Kx9-alias-sch1' >/dev/null
start_server
login reg1 'Kx9-alias-reg1'
login sch1 'Kx9-alias-sch1'
get reg1 /schools
expect_grep "the school list says a login seems to have changed" "$T/body" "сменился логин"
expect_grep "… and marks guessed kinds" "$T/body" "по названию"
get reg1 /schools/aliases
expect_eq "aliases page opens for the region" "$code" 200
expect_grep "the open proposal is there" "$T/body" "edu223018"
get sch1 /schools/aliases
expect_eq "… not for a school" "$code" 403
post reg1 /schools/aliases --data-urlencode "login=edu223018" --data-urlencode "decision=confirm"
expect_eq "a refused merge answers 400" "$code" 400
expect_grep "… with the reason on the page" "$T/body" "у обеих школ есть результаты процедуры"
# Teachers' names are sealed under their school's key: a school with teachers is not merged.
printf 'school,class,subject,teacher\nedu223018,4А,MA,Иванова Анна Петровна\n' >"$T/teachers.csv"
expect_ok "the second school's teachers" import teachers "$T/teachers.csv" --procedure VPR-2022-MA-4
before=$(db_digest)
run_oko schools confirm edu223018
expect_eq "merging a school with teachers refused" "$rc" 1
expect_grep "… with the reason" "$T/err" "у второй школы есть учителя"
expect_eq "… and nothing changed" "$(db_digest)" "$before"
post reg1 /schools/aliases --data-urlencode "login=edu223018" --data-urlencode "decision=reject"
expect_eq "rejected on the web" "$code" 200
expect_eq "… recorded with who decided" "$(sql "SELECT status || ' ' || decided_by FROM school_alias WHERE login = 'edu223018'")" "rejected reg1"
expect_eq "… and audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'school_alias_reject' AND object = 'edu223018'")" 1
echo "1..$_n"
