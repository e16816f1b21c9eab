#!/bin/bash
# Typed route keys over real HTTP: for every route, a bad value of each typed key (not a
# number, out of range, 99999999999999999999, a wrong enum, an impossible date, a malformed
# login or code, a 10 KB string) and bad path parameters are refused with 400 and a Russian
# message naming the field before any handler runs (pages: the error page; API: JSON); a
# key that may not repeat is refused when sent twice; good values still work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" import results "$DATA/results/canonical.csv" >/dev/null 2>&1
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region
add mun municipality "г. Барнаул"
add sch school sch220206
add obs observer
start_server
for u in admin reg mun sch obs; do login $u "password-$u"; done
BIG=$(head -c 10240 /dev/zero | tr '\0' x)
P=VPR-2021-MA-4

# The session cookie as a header: curl 7.88 sends a broken Cookie header (and the request
# never ends) when the URL is long and the cookie comes from a jar.
cookie() { [ "$1" = - ] || echo "Cookie: oko_session=$(awk '$6 == "oko_session" { print $7 }' "$T/$1.jar")"; }
# gq NAME PATH KEY=VALUE...: GET with the values url-encoded (BIG stands for 10 KB).
gq() {
	local who=$1 path=$2; shift 2
	local args=()
	for kv in "$@"; do args+=(--data-urlencode "${kv//BIG/$BIG}"); done
	code=$(curl -s -G -o "$T/body" -w '%{http_code}' -H "$(cookie "$who")" "${args[@]}" "$URL$path")
}
# pq NAME PATH KEY=VALUE...: POST (urlencoded, with the CSRF token; none for anonymous).
pq() {
	local who=$1 path=$2; shift 2
	local args=()
	for kv in "$@"; do args+=(--data-urlencode "${kv//BIG/$BIG}"); done
	if [ "$who" = - ]; then
		code=$(curl -s -o "$T/body" -w '%{http_code}' "${args[@]}" "$URL$path")
	else
		post "$who" "$path" "${args[@]}"
	fi
}
# refused DESCRIPTION TITLE: the last answer is 400 and names the field «TITLE».
refused() {
	if [ "$code" = 400 ] && grep -qF "Поле «$2»" "$T/body"; then
		ok "$1"
	else
		fail "$1: got $code"
		grep -o 'Поле «[^»]*»[^<"]*\|<h1>[^<]*' "$T/body" | head -2 | sed 's/^/# /'
	fi
}

# --- every typed key of every route: METHOD|USER|PATH|KEY=BAD VALUE|FIELD AS SHOWN
no_back=0
while IFS='|' read -r method who path kv title; do
	[ -z "$method" ] && continue
	if [ "$method" = GET ]; then gq "$who" "$path" "$kv"; else pq "$who" "$path" "$kv"; fi
	refused "$method $path ${kv:0:40} → 400 «$title»" "$title"
	# A refused form's page says how to get back to it with what was typed.
	if [ "$method" = POST ] && [ "$code" = 400 ] && ! grep -qF "кнопкой «Назад» браузера" "$T/body"; then
		no_back=$((no_back + 1))
	fi
done <<'CASES'
GET|-|/login|next=BIG|адрес возврата
POST|-|/login|login=BIG|логин
POST|-|/login|password=BIG|пароль
GET|admin|/schools|q=BIG|поиск
GET|admin|/schools|municipality=abc|муниципалитет
GET|admin|/schools|municipality=-1|муниципалитет
GET|admin|/schools|municipality=99999999999999999999|муниципалитет
GET|admin|/schools|kind=школа|тип школы
GET|admin|/schools|sort=BIG|порядок
GET|admin|/schools|page=0|номер страницы
GET|admin|/schools|page=1000001|номер страницы
GET|admin|/schools|page=+1|номер страницы
GET|admin|/schools|page= 1|номер страницы
GET|admin|/schools|page=1.0|номер страницы
POST|reg|/schools/aliases|login=a b|логин
POST|reg|/schools/aliases|login=BIG|логин
POST|reg|/schools/aliases|decision=maybe|решение
POST|sch|/upload|procedure=VPR 2021|процедура
POST|sch|/upload|procedure=BIG|процедура
POST|sch|/upload|dry_run=yes|только проверить
POST|sch|/upload|strict=2|строгая проверка
POST|sch|/upload/confirm|pending=x|номер загрузки
POST|sch|/upload/confirm|pending=0|номер загрузки
POST|sch|/upload/confirm|decision=drop|решение
POST|sch|/upload/confirm|positions=BIG|позиции
POST|sch|/upload/confirm|scale=BIG|шкала
POST|admin|/users|login=BIG|логин
POST|admin|/users|name=BIG|имя
POST|admin|/users|role=root|роль
POST|admin|/users|scope=BIG|территория
POST|admin|/users|password=BIG|пароль
POST|admin|/users/tokens/revoke|id=1x|номер ключа
POST|admin|/users/tokens/revoke|id=-5|номер ключа
GET|admin|/audit|page=abc|номер страницы
GET|reg|/audit|page=99999999999999999999|номер страницы
GET|admin|/reports|procedure=<x>|процедура
GET|admin|/reports|unit=BIG|территория
GET|admin|/reports|school=BIG|школа (часть названия или логин)
GET|admin|/reports/VPR-2021-MA-4|municipality=abc|муниципалитет
GET|admin|/reports/VPR-2021-MA-4|region=0|регион
GET|admin|/reports/VPR-2021-MA-4|school=BIG|школа (логин)
GET|admin|/reports/VPR-2021-MA-4/xlsx|region=abc|регион
GET|admin|/reports/VPR-2021-MA-4/xlsx|municipality=0|муниципалитет
GET|admin|/reports/VPR-2021-MA-4/xlsx|school=x;y|школа (логин)
GET|reg|/risk|all=2|какие школы
GET|reg|/risk|page=100001|номер страницы
GET|reg|/risk|municipality=x|муниципалитет
GET|reg|/risk|kind=BIG|тип школы
GET|sch|/pupils|class=BIG|класс
GET|sch|/pupils|year=1999|учебный год
GET|sch|/pupils|year=20x1|учебный год
POST|sch|/pupils|year=abc|учебный год
POST|sch|/pupils|class=BIG|класс
POST|sch|/pupils|surname=BIG|фамилия
POST|sch|/pupils|name=BIG|имя
POST|sch|/pupils|patronymic=BIG|отчество
POST|sch|/pupils/import|year=3000|учебный год
POST|sch|/pupils/import|dry_run=0|только проверить
POST|sch|/pupils/codes|year=x|учебный год
GET|sch|/pupils/slips.pdf|year=x|учебный год
GET|sch|/pupils/slips.pdf|class=BIG|класс
GET|sch|/pupils/protocol.pdf|year=2101|учебный год
GET|sch|/pupils/protocol.pdf|class=BIG|класс
GET|sch|/grid/VPR-2021-MA-4|class=BIG|класс
GET|sch|/grid/VPR-2021-MA-4|saved=yes|сохранено
POST|sch|/grid/VPR-2021-MA-4|class=BIG|класс
POST|sch|/grid/VPR-2021-MA-4|code=BIG|код участника
POST|sch|/grid/VPR-2021-MA-4|p=BIG|балл
GET|sch|/plan|campaign=0|кампания
GET|sch|/plan|campaign=abc|кампания
POST|reg|/plan|name=BIG|название кампании
POST|reg|/plan/procedure|campaign=x|кампания
POST|reg|/plan/procedure|procedure=a b|процедура
POST|reg|/plan/procedure|materials_from=31.02.2026|материалы доступны с
POST|reg|/plan/procedure|window_from=2026-13-01|начало периода проведения
POST|reg|/plan/procedure|window_to=1.1.2026|конец периода проведения
POST|reg|/plan/procedure|criteria_from=abc|критерии доступны с
POST|reg|/plan/procedure|form_from=2026-02-30|форма сбора результатов доступна с
POST|reg|/plan/procedure|upload_deadline=1999-01-01|срок загрузки результатов
POST|mun|/plan/assign|campaign=-1|кампания
POST|mun|/plan/assign|procedure=BIG|процедура
POST|mun|/plan/assign|school=a b|школа (логин)
POST|mun|/plan/assign|municipality=some|муниципалитет
POST|mun|/plan/coordinator|campaign=1e3|кампания
POST|mun|/plan/coordinator|login=a b|логин пользователя
POST|sch|/plan/date|campaign=x|кампания
POST|sch|/plan/date|procedure=a/b|процедура
POST|sch|/plan/date|date=31.02.2026|дата проведения
POST|sch|/plan/date|date=29.02.2025|дата проведения
POST|sch|/plan/date|time=25:00|время проведения
POST|sch|/plan/date|time=9:00|время проведения
POST|sch|/plan/date|class=BIG|класс
GET|sch|/plan/print.pdf|campaign=-1|кампания
GET|reg|/monitoring|procedure=BIG|процедура
GET|reg|/monitoring|municipality=x|муниципалитет
GET|reg|/monitoring|format=pdf|формат
POST|admin|/materials|procedure=x y|процедура
POST|admin|/materials|variant=100|вариант
POST|admin|/materials|variant=0|вариант
POST|admin|/materials/schedule|procedure=BIG|процедура
POST|admin|/materials/schedule|archive=2021-04-13|архив с
POST|admin|/materials/schedule|key=2021-02-30 06:00|ключ с
POST|admin|/materials/schedule|criteria=2021-04-15 24:00|критерии с
GET|reg|/observers|campaign=abc|кампания
GET|reg|/observers|page=0|номер страницы
GET|mun|/observers|municipality=x|муниципалитет
GET|mun|/observers/set|campaign=x|кампания
GET|mun|/observers/set|procedure=a b|процедура
GET|mun|/observers/set|school=a b|школа (логин)
POST|mun|/observers/set|campaign=x|кампания
POST|mun|/observers/set|procedure=a b|процедура
POST|mun|/observers/set|school=a b|школа (логин)
POST|mun|/observers/set|observer=BIG|наблюдатель
POST|mun|/observers/set|observer=-1|наблюдатель
POST|mun|/observers/assign|seed=-1|число для жребия
POST|mun|/observers/assign|seed=abc|число для жребия
POST|mun|/observers/assign|dry_run=yes|только проверить
POST|reg|/observers/reveal|reveal=never|когда школа видит наблюдателя
POST|mun|/observers/link|login=a b|логин пользователя
POST|mun|/observers/link|observer=x|наблюдатель
POST|mun|/observers/import|campaign=0|кампания
GET|reg|/medalists|year=1999|учебный год
GET|reg|/medalists|school=a b|школа (логин)
GET|reg|/medalists/export|format=docx|формат
GET|reg|/medalists|from=1999|первый год
GET|reg|/medalists/export|from=abc|первый год
POST|mun|/medalists/import|dry_run=yes|только проверить
POST|reg|/medalists/thresholds|year=abc|учебный год
POST|reg|/medalists/thresholds/reset|year=99999999999999999999|учебный год
POST|reg|/medalists/thresholds/row|medal=7|медаль
POST|reg|/medalists/thresholds/row|subject=ABCDEFGHIJ|предмет
POST|reg|/medalists/thresholds/row|min_score=123456789|наименьший балл
GET|reg|/observers/schedule.csv|campaign=0|кампания
GET|reg|/observers/schedule.pdf|campaign=BIG|кампания
GET|reg|/observers/acts.xlsx|campaign=x|кампания
GET|reg|/observers/control|campaign=-1|кампания
GET|reg|/observers/coverage.csv|by=school|группировка
GET|reg|/observers/coverage.xlsx|campaign=x|кампания
POST|reg|/observers/violations|action=drop|действие
POST|reg|/observers/violations|id=0|вид нарушения
POST|reg|/observers/violations|title=BIG|название нарушения
POST|reg|/observers/violations|active=2|действует
POST|sch|/video|phase=exam|этап
POST|sch|/video|mode=yes|видеонаблюдение
POST|sch|/video|kept_until=31.02.2021|запись хранится до
POST|sch|/video|outage=1441|перерывы в видеонаблюдении, минут
POST|sch|/video|kept_where=BIG|где хранится запись
POST|sch|/video|problems=BIG|неполадки
GET|obs|/acts/new|procedure=a b|процедура
GET|obs|/acts/new|school=BIG|школа (логин)
POST|obs|/acts|started=25:00|начало работы
POST|obs|/acts|ended=9:0|окончание работы
POST|obs|/acts|stage=5|этап
POST|obs|/acts|violation=0|нарушение
POST|obs|/acts|comment=BIG|комментарий
POST|obs|/acts|client_key=BIG|ключ акта
POST|mun|/measures|title=BIG|название плана
POST|mun|/measures|period_from=31.02.2021|начало периода плана
POST|mun|/measures|period_to=2021-13-01|конец периода плана
POST|mun|/measures|template=BIG|шаблон
POST|mun|/measures|owner=BIG|чей план
POST|mun|/measures/1|goal=BIG|цель
POST|mun|/measures/1|approved=BIG|утверждён
POST|mun|/measures/1/delete|confirm=yes|подтверждение удаления
POST|mun|/measures/1/block|action=drop|действие
POST|mun|/measures/1/block|block=0|направление
POST|mun|/measures/1/block|title=BIG|название направления
POST|mun|/measures/1/measure|block=x|направление
POST|mun|/measures/1/measure|text=BIG|мероприятие
POST|mun|/measures/1/measure|term=BIG|срок
POST|mun|/measures/1/measure|start=2021-02-30|начало периода
POST|mun|/measures/1/measure|due=1.1.2021|срок выполнения
POST|mun|/measures/1/measure|responsible=BIG|ответственный
POST|mun|/measures/1/measure|expected=BIG|ожидаемый результат
POST|mun|/measures/1/help|kind=bribe|вид помощи
POST|mun|/measures/1/help|due=2021-11-31|срок выполнения
POST|mun|/measures/1/import|dry_run=2|только проверить
POST|mun|/measure/1|text=BIG|мероприятие
POST|mun|/measure/1/move|dir=left|куда переместить
POST|sch|/measure/1/report|status=lost|статус
POST|sch|/measure/1/report|note=BIG|отметка
GET|mun|/documents|kind=letter|вид документа
GET|mun|/documents|plan=0|план мероприятий
GET|mun|/documents/file|format=odt|формат
GET|mun|/documents/file|campaign=x|кампания
GET|mun|/documents/file|procedure=a b|процедура
GET|mun|/documents/file|year=1999|учебный год
GET|mun|/documents/file|plan=-1|план мероприятий
GET|mun|/documents/file|municipality=x|муниципалитет
GET|mun|/documents/file|school=a b|школа (логин)
GET|mun|/documents/file|number=BIG|номер документа
GET|mun|/documents/file|date=2021-02-29|дата документа
GET|admin|/api/v1/schools|q=BIG|поиск
GET|admin|/api/v1/schools|municipality=1e3|муниципалитет
GET|admin|/api/v1/schools|page=0|номер страницы
GET|sch|/api/v1/results|procedure=a b|процедура
GET|reg|/api/v1/signs|school=a b|школа (логин)
CASES
expect_eq "every refused form's page tells the way back to it" "$no_back" 0

# --- path parameters: USER|PATH|FIELD
while IFS='|' read -r who path title; do
	[ -z "$who" ] && continue
	get "$who" "$path"
	refused "GET ${path:0:50} → 400 «$title»" "$title"
done <<'PATHS'
admin|/schools/a.b|логин школы в адресе страницы
reg|/risk/a%20b|логин школы в адресе страницы
admin|/reports/VPR%202021|код процедуры в адресе страницы
admin|/reports/VPR.2021/xlsx|код процедуры в адресе страницы
sch|/grid/VPR%3B1|код процедуры в адресе страницы
sch|/grid/VPR%3B1/form.xlsx|код процедуры в адресе страницы
sch|/materials/VPR-2021-MA-4/passwords|материал в адресе страницы
sch|/materials/VPR%20X/key|код процедуры в адресе страницы
obs|/acts/abc|номер в адресе страницы
obs|/acts/0|номер в адресе страницы
obs|/acts/x1.pdf|номер в адресе страницы
mun|/measures/abc|номер в адресе страницы
mun|/measures/0/plan.xlsx|номер в адресе страницы
sch|/measure/x|номер в адресе страницы
sch|/measure/note/-1|номер в адресе страницы
PATHS
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "$(cookie admin)" "$URL/schools/$BIG")
refused "a 10 KB login in the path refused" "логин школы в адресе страницы"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/sch.jar" -X POST --data "csrf=$(csrf_of sch)" "$URL/grid/VPR%3B1")
refused "POST /grid/{procedure} with a bad code refused" "код процедуры в адресе страницы"

# --- multipart forms are checked the same way, and the file is not read
printf 'x\n' >"$T/f.csv"
upload sch /upload -F "file=@$T/f.csv" -F "procedure=VPR 2021"
refused "multipart upload with a bad procedure refused" "процедура"
expect_eq "… and nothing stored" "$(sql "SELECT count(*) FROM upload WHERE user_name = 'sch'")" 0
upload admin /materials -F "file=@$T/f.csv" -F "procedure=$P" -F variant=abc
refused "multipart material with a bad variant refused" "вариант"
upload sch /pupils/import -F "file=@$T/f.csv" -F year=x
refused "multipart class list with a bad year refused" "учебный год"

# --- the API answers JSON
gq admin /api/v1/schools page=x
expect_grep "API 400 is JSON" "$T/body" '{"error":400,"message":"Поле «номер страницы» заполнено неверно: нужно целое число от 1 до 1000000."}'

# --- messages say what is expected
gq admin /schools page=0
expect_grep "range in the message" "$T/body" "нужно целое число от 1 до 1000000"
gq admin /schools kind=школа
expect_grep "enum values in the message" "$T/body" "допустимые значения: «СОШ», «ООШ»"
pq sch /plan/date date=31.02.2026
expect_grep "date form in the message" "$T/body" "нужна существующая дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД"
gq admin /schools q=BIG
expect_grep "text limit in the message" "$T/body" "не длиннее 100 знаков"
gq admin /schools "q=$(printf 'ш%.0s' $(seq 50))"
expect_eq "100 bytes of Cyrillic (50 letters) are within the limit" "$code" 200

# --- a key that may not repeat, sent twice (query twice, or query and form)
get admin "/schools?page=1&page=2"
expect_eq "a key twice refused" "$code" 400
expect_grep "… naming it" "$T/body" "Поле «номер страницы» указано в запросе несколько раз."
post reg "/plan?name=A" --data-urlencode "name=B"
expect_eq "a key in the query and the form refused" "$code" 400

# --- routes without keys refuse any
for path in / /schools/aliases /upload /users /grid /materials /api/v1/me /api/v1/procedures; do
	who=admin
	case $path in /grid) who=sch ;; esac
	get $who "$path?x=1"
	expect_eq "GET $path?x=1 → 400" "$code" 400
done

# --- permissions come first: a bad value from a caller the route does not admit is 403
gq mun /users page=x
expect_eq "forbidden route with a bad key: still 403" "$code" 403
gq - /schools page=x
expect_eq "anonymous with a bad key: still the login redirect" "$code" 303

# --- good values still work: USER|PATH|STATUS
while IFS='|' read -r who path want; do
	[ -z "$who" ] && continue
	get "$who" "$path"
	expect_eq "GET $path → $want" "$code" "$want"
done <<'GOOD'
admin|/schools?page=1&municipality=0&kind=%D0%A1%D0%9E%D0%A8&sort=login&q=sch|200
admin|/schools?page=&municipality=&kind=|200
admin|/schools?sort=unknown|200
admin|/audit?page=2|200
reg|/risk?all=1&page=1&municipality=0&kind=|200
admin|/reports/VPR-2021-MA-4?school=sch220206|200
admin|/reports/VPR-2021-MA-4?school=nonexistent|404
admin|/reports/VPR-2021-MA-4?municipality=999999|404
sch|/pupils?year=2021&class=4%D0%90|200
sch|/grid/VPR-2021-MA-4?class=&saved=1|200
reg|/monitoring?procedure=&municipality=0|200
admin|/api/v1/schools?page=1&municipality=0&q=|200
admin|/schools/sch220206|200
GOOD

# ДД.ММ.ГГГГ as typed, ГГГГ-ММ-ДД as <input type=date> sends: both stored as ГГГГ-ММ-ДД.
pq reg /plan "name=Кампания ключей"
cid=$(sql "SELECT id FROM campaign WHERE name = 'Кампания ключей'")
pq reg /plan/procedure "campaign=$cid" "procedure=$P" materials_from=10.03.2021 window_from=2021-03-15 \
	window_to=20.05.2021 criteria_from=15.03.2021 form_from=2021-03-15 upload_deadline=29.05.2021
expect_eq "dates in both forms accepted" "$code" 200
expect_eq "… stored as ГГГГ-ММ-ДД" "$(sql "SELECT materials_from || ' ' || window_to || ' ' || upload_deadline FROM plan_procedure pp JOIN procedure p ON p.id = pp.procedure_id WHERE p.code = '$P'")" \
	"2021-03-10 2021-05-20 2021-05-29"
pq reg /plan/procedure "campaign=$cid" "procedure=$P" materials_from=29.02.2020 window_from=2021-03-15 \
	window_to=20.05.2021 criteria_from=15.03.2021 form_from=2021-03-15 upload_deadline=29.05.2021
expect_eq "29 February of a leap year is a date" "$code" 200
pq admin /materials/schedule "procedure=$P" "archive=2021-04-13 06:00" "key=2021-04-15T07:30:00Z" \
	"criteria=2021-04-15 12:00"
expect_eq "release times in both forms accepted" "$code" 200
expect_grep "… and set" "$T/body" "Время выдачи назначено."
rel() { sql "SELECT archive_at || ' ' || key_at || ' ' || criteria_at FROM material_release mr JOIN procedure p ON p.id = mr.procedure_id WHERE p.code = '$P'"; }
iso=$(rel)
pq admin /materials/schedule "procedure=$P" "archive=13.04.2021 06:00" "key=15.04.2021 10:30" \
	"criteria=15.04.2021 12:00"
expect_eq "release times as the users write them (ДД.ММ.ГГГГ ЧЧ:ММ) accepted" "$code" 200
expect_eq "… the same moments as ГГГГ-ММ-ДД ЧЧ:ММ" "$(rel)" "$iso"
exit 0
