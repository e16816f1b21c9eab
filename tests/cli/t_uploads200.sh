#!/bin/bash
# 200 uploads at once through `oko serve`, the way schools upload: each school logged in
# with its own session, each sending its results file to /upload. Nothing lost, nothing
# doubled, on SQLite (writers wait in line for the write lock) and on PostgreSQL (writers
# run side by side).
#
# U200_SCHOOLS schools (default 20) × U200_PROCS procedures (default 10) = the uploads, each
# a distinct (school, procedure) pair of U200_ROWS participants (default 30); the server
# runs U200_THREADS workers (default 8, so that on PostgreSQL several writers are really at
# work at the same moment). Rounds:
#   1. every upload at once: each answered «Файл загружен», every row stored once;
#   2. every school sends the same files again at once: each is asked to confirm the
#      replacement and nothing changes; then every confirmation at once: each replaced,
#      the counts unchanged, every result now from the second upload of its pair;
#   3. a double click: each school sends one new file twice at the same moment: one of the
#      two stores it, the other (after it) is asked to confirm — never a failure, never a
#      participant twice;
#   4. the region's exports of schools new to the registry, in districts new too, all at
#      once: every file stored, each school and district created once.
# The wall time of each round goes to the TAP comments.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
tstart=$(now_ms)
NS=${U200_SCHOOLS:-20}
NP=${U200_PROCS:-10}
ROWS=${U200_ROWS:-30}
THREADS=${U200_THREADS:-8}
N=$((NS * NP))
PW=Kx9-u200-school
LABELS=1,2,3,4,5.1,5.2,6.1,6.2,7,8,9.1,9.2,10,11,12
POSITIONS='1:1:Б 2:1:Б 3:2:Б 4:1:Б 5.1:1:Б 5.2:1:Б 6.1:1:Б 6.2:1:Б 7:1:Б 8:2:Б 9.1:1:Б 9.2:1:Б 10:2:П 11:2:Б 12:2:П'
MAXES=(1 1 2 1 1 1 1 1 1 2 1 1 2 2 2)

# The procedures: MA and RU of grades 4 to 8 (round 1 and 2 take the first NP), and OM-4
# for round 3; all with one structure, which is all the test needs.
procs=()
for subj in MA RU; do for g in 4 5 6 7 8; do procs+=("VPR-2021-$subj-$g"); done; done
[ "$NP" -le ${#procs[@]} ] || { echo "U200_PROCS at most ${#procs[@]}"; exit 1; }
EXTRA=VPR-2021-OM-4
{ echo 'procedure,kind,year,subject,grade,max_score,positions,scale'
  for p in "${procs[@]}" "$EXTRA"; do
	IFS=- read -r _ y s g <<<"$p"
	echo "$p,VPR,$y,$s,$g,20,$POSITIONS,6/10/14"
  done; } >"$T/procedures.csv"
{ echo 'login,name,municipality,region,kind,settlement,indepth'
  for i in $(seq "$NS"); do printf 'sch29%04d,МБОУ СОШ № %d,г. Барнаул,Алтайский край,СОШ,город,0\n' "$i" "$i"; done
} >"$T/schools.csv"
"$OKO" init >/dev/null
expect_ok "schools imported" import schools "$T/schools.csv"
expect_ok "procedures imported" import procedures "$T/procedures.csv"
# The accounts, two at a time (hashing each password is most of the setup's time).
seq "$NS" | xargs -P 2 -I{} sh -c 'n=$(printf %04d {}); "$OKO" user add u$n --role school --scope sch29$n --password "$1" >/dev/null || echo "user u$n not added"' _ "$PW" >"$T/users.err" 2>&1
"$OKO" user add admin --role admin --password "$PW-admin" >/dev/null
expect_eq "$NS school accounts" "$(sql "SELECT count(*) FROM \"user\" WHERE role = 'school'") $(cat "$T/users.err")" "$NS "

# The files, written by one awk: files/I-J.csv is school I's for procedure J (J = x: the
# extra procedure), a canonical CSV of ROWS participants (codes 10001…, the same in every
# procedure: the same pupils) with scores that differ between the files.
mkdir "$T/files"
awk -v dir="$T/files" -v ns="$NS" -v np="$NP" -v procs="${procs[*]}" -v extra="$EXTRA" \
	-v rows="$ROWS" -v labels="$LABELS" -v maxes="${MAXES[*]}" '
function write(i, key, proc, salt,   f, c, k, line) {
	f = dir "/" i "-" key ".csv"
	school = sprintf("sch29%04d", i)
	print "school,procedure,code,class,variant,gender,journal_mark,absent," labels >f
	for (c = 1; c <= rows; c++) {
		line = school "," proc "," (10000 + c) ",4А," (1 + c % 2) "," (c % 2 ? "м" : "ж") "," (2 + c % 4) ",0"
		for (k = 1; k <= n; k++) line = line "," ((c + k + salt) % (mx[k] + 1))
		print line >f
	}
	close(f)
}
BEGIN {
	n = split(maxes, mx, " ")
	split(procs, pr, " ")
	for (i = 1; i <= ns; i++) {
		for (j = 1; j <= np; j++) write(i, j, pr[j], i * 7 + j)
		write(i, "x", extra, i)
	}
}'
# Round 4's: the region's exports (the ВПР layout, the district in «регион») of schools
# new to the registry, four a district, the districts new too.
for i in $(seq "$NS"); do
	{ echo "логин школы,регион,номер обучающегося,код обучающегося,отметка за предыдущую четверть/триместр,пол,класс,вариант,всего баллов$(for k in $(seq 15); do printf ',балл за %d' "$k"; done)"
	  for c in $(seq 5); do echo "sch39$(printf %04d "$i"),Новый район $(((i - 1) / 4 + 1)),$c,4000$c,4,ж,4а,1,7,1,1,1,1,1,1,1,0,0,0,0,0,0,0,0"; done
	} >"$T/files/$i-new.csv"
done
expect_eq "$((NS * (NP + 2))) files to upload" "$(ls "$T/files" | wc -l)" "$((NS * (NP + 2)))"
echo "# setup: database, users and files: $(($(now_ms) - tstart)) ms"
tstart=$(now_ms)
start_server --threads "$THREADS"
# Every school logs in (four at a time) and takes its form's CSRF token from /upload.
seq "$NS" | xargs -P 4 -I{} sh -c 'u=u$(printf %04d {}); curl -s -o /dev/null -c "$1/$u.jar" --data-urlencode "login=$u" --data-urlencode "password=$2" "$3/login" && curl -s -b "$1/$u.jar" "$3/upload" | grep -o "name=\"csrf\" value=\"[0-9a-f]*\"" | head -1 | grep -o "[0-9a-f]\{64\}" >"$1/$u.csrf"' _ "$T" "$PW" "$URL"
sessions=0
for i in $(seq "$NS"); do
	csrf[$i]=$(cat "$T/$(printf 'u%04d' "$i").csrf" 2>/dev/null)
	[ -n "${csrf[$i]}" ] && sessions=$((sessions + 1))
done
expect_eq "every school logged in" "$sessions" "$NS"
login admin "$PW-admin"
acsrf=$(csrf_of admin)

echo "# setup: server started, schools logged in: $(($(now_ms) - tstart)) ms"
# The server's memory so far: mostly the logins' password hashing (64 MiB each at once).
hwm_setup=$(grep VmHWM "/proc/$SERVER_PID/status" 2>/dev/null | tr -s ' \t' ' ' | cut -d' ' -f2-)
# post_file DIR KEY SCHOOL FILE: the school's browser sends the file; answer in DIR/KEY.*
post_file() {
	curl -s -o "$1/$2.body" -w '%{http_code}\n' -b "$T/$(printf 'u%04d' "$3").jar" \
		-F "csrf=${csrf[$3]}" -F "file=@$4" "$URL/upload" >"$1/$2.code" 2>/dev/null
}
# post_confirm DIR KEY SCHOOL PENDING: the school answers «Заменить прежние результаты».
post_confirm() {
	curl -s -o "$1/$2.body" -w '%{http_code}\n' -b "$T/$(printf 'u%04d' "$3").jar" \
		--data-urlencode "csrf=${csrf[$3]}" --data-urlencode "pending=$4" \
		--data-urlencode decision=replace "$URL/upload/confirm" >"$1/$2.code" 2>/dev/null
}
# answered DIR STATUS TEXT: how many answers of DIR had the status and the text.
answered() {
	local n=0 f
	for f in "$1"/*.code; do
		[ "$(cat "$f")" = "$2" ] && grep -qF -- "$3" "${f%.code}.body" && n=$((n + 1))
	done
	echo "$n"
}
# show_odd DIR STATUS TEXT: the first few answers that are not so, as comments.
show_odd() {
	local f k=0
	for f in "$1"/*.code; do
		if ! { [ "$(cat "$f")" = "$2" ] && grep -qF -- "$3" "${f%.code}.body"; }; then
			echo "# $(basename "${f%.code}"): status $(cat "$f"):" \
				"$(grep -o '<p class="alert"[^<]*\|<td>[^<]*</td></tr>' "${f%.code}.body" | sed 's/<[^>]*>//g' | head -3 | tr '\n' ' ' | cut -c1-400)"
			k=$((k + 1))
			[ $k -ge 5 ] && break
		fi
	done
}
STORED='Файл загружен.'
ASKED='Заменить прежние результаты'
engine=$(is_pg && echo PostgreSQL || echo SQLite)
# The results' state: rows, distinct participants (procedure, school, code), their scores.
state() { sql "SELECT count(*) || ' ' || count(DISTINCT procedure_id || ':' || school_id || ':' || code) || ' ' || coalesce(sum(primary_score), 0) FROM result"; }
# Participants stored more than once, and pairs without exactly ROWS results.
doubled() { sql "SELECT count(*) FROM (SELECT 1 FROM result GROUP BY procedure_id, school_id, code HAVING count(*) > 1) d"; }
odd_pairs() { sql "SELECT count(*) FROM (SELECT 1 FROM result GROUP BY procedure_id, school_id HAVING count(*) <> $ROWS) d"; }
# Results whose upload did not record their (procedure, school): a history out of step.
unrecorded() { sql "SELECT count(*) FROM result r WHERE NOT EXISTS (SELECT 1 FROM upload_school us WHERE us.upload_id = r.upload_id AND us.procedure_id = r.procedure_id AND us.school_id = r.school_id)"; }

# ---- round 1: every upload at once ----
mkdir "$T/r1"
# On PostgreSQL, what the server holds meanwhile: its connections (one per worker thread,
# not one per request) and how many of them are inside a transaction at the same moment.
if is_pg; then
	while [ ! -e "$T/r1.done" ]; do
		sql "SELECT count(*) || ' ' || count(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
		sleep 0.1
	done >"$T/r1.conns" 2>/dev/null &
	sampler=$!
fi
t0=$(now_ms)
pids=()
for i in $(seq "$NS"); do
	for j in $(seq "$NP"); do
		post_file "$T/r1" "$i-$j" "$i" "$T/files/$i-$j.csv" &
		pids+=($!)
	done
done
wait "${pids[@]}"
t1=$(now_ms)
echo "# $engine: $N uploads at once ($THREADS server threads): $((t1 - t0)) ms"
if is_pg; then
	touch "$T/r1.done"
	wait "$sampler"
	conns=$(sort -n "$T/r1.conns" | tail -1 | cut -d' ' -f1)
	in_tx=$(cut -d' ' -f2 "$T/r1.conns" | sort -n | tail -1)
	echo "# $engine: at most $conns connections of the server, $in_tx of them in a transaction at once ($(wc -l <"$T/r1.conns") samples)"
	# One a worker thread and one a maker thread (twice the workers, at least 4: the kept
	# pages made off the workers, src/web/server.c), opened at a maker's first page.
	makers=$((2 * THREADS > 4 ? 2 * THREADS : 4))
	if [ "${conns:-0}" -ge 1 ] && [ "$conns" -le $((THREADS + makers)) ]; then ok "the server's connections: at most one a worker or maker thread ($conns)"
	else fail "the server's connections: $conns, more than its $THREADS worker and $makers maker threads (or none seen)"; fi
fi
stored=$(answered "$T/r1" 200 "$STORED")
expect_eq "$N uploads at once: every one answered «Файл загружен»" "$stored" "$N"
[ "$stored" = "$N" ] || show_odd "$T/r1" 200 "$STORED"
want="$((N * ROWS)) $((N * ROWS))"
state1=$(state)
expect_eq "every row stored (0 lost)" "${state1% *}" "$want"
expect_eq "no participant twice (0 doubled)" "$(doubled)" 0
expect_eq "every (school, procedure) holds its $ROWS participants" "$(odd_pairs)" 0
expect_eq "the upload history holds $N uploads" \
	"$(sql "SELECT count(*) FROM upload WHERE user_name LIKE 'u%'")" "$N"
expect_eq "each upload recorded its school and procedure once" \
	"$(sql "SELECT count(*) || ' ' || count(DISTINCT procedure_id || ':' || school_id) FROM upload_school")" "$N $N"
expect_eq "every result belongs to the upload that recorded it" "$(unrecorded)" 0
expect_eq "the schools' holdings: $N pairs of $ROWS" \
	"$(sql "SELECT count(*) || ' ' || sum(rows) FROM result_pair")" "$N $((N * ROWS))"
expect_eq "each upload audited once" "$(sql "SELECT count(*) FROM audit WHERE action = 'upload'")" "$N"

# ---- round 2: the same files again at once: asked, then confirmed at once ----
mkdir "$T/r2"
t0=$(now_ms)
pids=()
for i in $(seq "$NS"); do
	for j in $(seq "$NP"); do
		post_file "$T/r2" "$i-$j" "$i" "$T/files/$i-$j.csv" &
		pids+=($!)
	done
done
wait "${pids[@]}"
t1=$(now_ms)
echo "# $engine: $N re-uploads at once, each asked to confirm: $((t1 - t0)) ms"
asked=$(answered "$T/r2" 200 "$ASKED")
expect_eq "$N re-uploads at once: every one asked to confirm the replacement" "$asked" "$N"
[ "$asked" = "$N" ] || show_odd "$T/r2" 200 "$ASKED"
expect_eq "nothing changed while asking" "$(state)" "$state1"
expect_eq "$N uploads wait for their confirmation" "$(sql "SELECT count(*) FROM pending_upload")" "$N"
mkdir "$T/r2c"
t0=$(now_ms)
pids=()
for i in $(seq "$NS"); do
	for j in $(seq "$NP"); do
		pending=$(grep -o 'name="pending" value="[0-9]*"' "$T/r2/$i-$j.body" | grep -o '[0-9]*"$' | tr -d '"')
		post_confirm "$T/r2c" "$i-$j" "$i" "${pending:-0}" &
		pids+=($!)
	done
done
wait "${pids[@]}"
t1=$(now_ms)
echo "# $engine: $N confirmed replacements at once: $((t1 - t0)) ms"
replaced=$(answered "$T/r2c" 200 "$STORED")
expect_eq "$N replacements at once: every one answered «Файл загружен»" "$replaced" "$N"
[ "$replaced" = "$N" ] || show_odd "$T/r2c" 200 "$STORED"
expect_eq "the same results after the replacement (0 lost)" "$(state)" "$state1"
expect_eq "still no participant twice (0 doubled)" "$(doubled)" 0
expect_eq "still $ROWS participants in every pair" "$(odd_pairs)" 0
expect_eq "the history holds both rounds: $((2 * N)) uploads" \
	"$(sql "SELECT count(*) FROM upload WHERE user_name LIKE 'u%'")" "$((2 * N))"
expect_eq "each replacement recorded what it replaced" \
	"$(sql "SELECT count(*) FROM upload_school WHERE replaced = $ROWS")" "$N"
expect_eq "every result is now from the second upload of its pair" \
	"$(sql "SELECT count(*) FROM result r WHERE r.upload_id <> (SELECT max(us.upload_id) FROM upload_school us WHERE us.procedure_id = r.procedure_id AND us.school_id = r.school_id)")" 0
expect_eq "every result belongs to the upload that recorded it" "$(unrecorded)" 0
expect_eq "no upload left waiting" "$(sql "SELECT count(*) FROM pending_upload")" 0

# ---- round 3: a double click: one new file sent twice at the same moment ----
mkdir "$T/r3"
t0=$(now_ms)
pids=()
for i in $(seq "$NS"); do
	for k in a b; do
		post_file "$T/r3" "$i-$k" "$i" "$T/files/$i-x.csv" &
		pids+=($!)
	done
done
wait "${pids[@]}"
t1=$(now_ms)
echo "# $engine: $NS files each sent twice at once: $((t1 - t0)) ms"
pairs_ok=0
for i in $(seq "$NS"); do
	a=$(cat "$T/r3/$i-a.code") b=$(cat "$T/r3/$i-b.code")
	sa=$(grep -cF "$STORED" "$T/r3/$i-a.body") sb=$(grep -cF "$STORED" "$T/r3/$i-b.body")
	qa=$(grep -cF "$ASKED" "$T/r3/$i-a.body") qb=$(grep -cF "$ASKED" "$T/r3/$i-b.body")
	if [ "$a $b" = "200 200" ] && [ $((sa + sb)) = 1 ] && [ $((qa + qb)) = 1 ]; then
		pairs_ok=$((pairs_ok + 1))
	elif [ $((NS - pairs_ok)) -gt $((NS - 5)) ]; then
		echo "# school $i: answers $a $b, stored $sa $sb, asked $qa $qb"
	fi
done
expect_eq "a file sent twice at once: one stored, the other asked to confirm ($NS schools)" "$pairs_ok" "$NS"
expect_eq "its participants stored once" \
	"$(sql "SELECT count(*) || ' ' || count(DISTINCT school_id || ':' || code) FROM result WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$EXTRA')")" \
	"$((NS * ROWS)) $((NS * ROWS))"
expect_eq "no participant twice anywhere" "$(doubled)" 0
expect_eq "the history: one upload more a school" \
	"$(sql "SELECT count(*) FROM upload WHERE user_name LIKE 'u%'")" "$((2 * N + NS))"

# ---- round 4: the region's exports of new schools in new districts, all at once ----
mkdir "$T/r4"
t0=$(now_ms)
pids=()
for i in $(seq "$NS"); do
	curl -s -o "$T/r4/$i.body" -w '%{http_code}\n' -b "$T/admin.jar" -F "csrf=$acsrf" \
		-F procedure="${procs[0]}" -F "file=@$T/files/$i-new.csv" "$URL/upload" >"$T/r4/$i.code" 2>/dev/null &
	pids+=($!)
done
wait "${pids[@]}"
t1=$(now_ms)
echo "# $engine: $NS exports of new schools at once: $((t1 - t0)) ms"
stored=$(answered "$T/r4" 200 "$STORED")
expect_eq "new schools in new districts, $NS files at once: every one stored" "$stored" "$NS"
[ "$stored" = "$NS" ] || show_odd "$T/r4" 200 "$STORED"
expect_eq "each new school and district created once" \
	"$(sql "SELECT count(*) || ' ' || count(DISTINCT s.municipality_id) FROM school s WHERE s.login LIKE 'sch39%'") $(sql "SELECT count(*) FROM municipality WHERE name LIKE 'Новый район%'")" \
	"$NS $(((NS + 3) / 4)) $(((NS + 3) / 4))"
expect_eq "their participants stored once" \
	"$(sql "SELECT count(*) || ' ' || count(DISTINCT school_id || ':' || code) FROM result WHERE school_id IN (SELECT id FROM school WHERE login LIKE 'sch39%')")" \
	"$((NS * 5)) $((NS * 5))"

if [ -r "/proc/$SERVER_PID/status" ]; then
	echo "# $engine: the server's peak memory: $(grep VmHWM "/proc/$SERVER_PID/status" | tr -s ' \t' ' ' | cut -d' ' -f2-)" \
		"(after the logins: $hwm_setup), now $(grep VmRSS "/proc/$SERVER_PID/status" | tr -s ' \t' ' ' | cut -d' ' -f2-)"
fi
stop_server
expect_eq "the server logged no error" "$(grep -c '^oko: ошибка' "$T/serve.log")" 0
grep '^oko: ошибка' "$T/serve.log" | head -5 | sed 's/^/# /'
expect_eq "database intact" "$(sql 'PRAGMA integrity_check')" ok
