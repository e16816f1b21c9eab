#!/bin/bash
# A school's confidential materials kept in memory (src/web/rcache.c, issue 21): the opened
# variants, the archive and the criteria are made once and given again while nothing they
# are made of changed, but every download is still recorded — a request row per file
# (material_download) and an audit entry, under the reader's name, also for many readers at
# once; a download does not drop the kept pages (it is not a change of the content), and
# the region's materials page, which lists the downloads, still shows each new one at once;
# a new file in the bank is given at once; a refusal and the key are never kept; a school
# never gets another school's kept set.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

P=VPR-2022-MA-4
cat >"$T/procs.csv" <<EOF
procedure,kind,year,subject,grade,max_score,positions,scale
$P,VPR,2022,MA,4,6,1:1:Б 2:2:Б 3:2:П 4:1:В,2/4/5
EOF
"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$T/procs.csv" >/dev/null
for v in 1 2 3; do
	printf 'Вариант %s: задания\n' $v >"$T/v$v.txt"
	"$OKO" materials add "$T/v$v.txt" --procedure $P --variant $v >/dev/null
done
printf 'Критерии\n' >"$T/crit.txt"
"$OKO" materials add "$T/crit.txt" --procedure $P --criteria >/dev/null
"$OKO" materials schedule --procedure $P --archive-at 2022-05-10T00:00:00Z --key-at 2022-05-20T07:00:00Z \
	--criteria-at 2022-05-20T12:00:00Z >/dev/null || fail "materials schedule"
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add reg region
add sch school sch220206
add sch1 school sch220206
add sch2 school edu223017
# The server's clock (plan_now) stands still: one minute for every kept answer below.
OKO_NOW=2022-05-20T12:30:00Z start_server
for u in reg sch sch1 sch2; do login $u "password-$u"; done
V=/materials/$P/variants
rows() { sql "SELECT count(*) FROM material_download WHERE given = 1${1:+ AND $1}"; }
audited() { sql "SELECT count(*) FROM audit WHERE action = 'material_download'${1:+ AND $1}"; }
# The unpacked ZIP's files and contents (the moments in the ZIP are the opening's).
unzipped() { python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in sorted(z.namelist()):
    sys.stdout.buffer.write(n.encode() + b"\n" + z.read(n))' "$1"; }
version() { sql "SELECT n FROM content_rev"; }

get sch "$V"
expect_eq "the school downloads its opened variants" "$code" 200
cp "$T/body" "$T/z1.zip"
ver=$(version)
get sch "$V"
expect_eq "again" "$code" 200
cp "$T/body" "$T/z2.zip"
expect_eq "the second is the first one's bytes" "$(cmp -s "$T/z1.zip" "$T/z2.zip" && echo same)" same
expect_eq "a download does not move the content version" "$(version)" "$ver"
get sch1 "$V"
expect_eq "another user of the same school gets the same file" \
	"$(cmp -s "$T/z1.zip" "$T/body" && echo same)" same
expect_eq "each download is recorded: the key and the archive" "$(rows)" 6
expect_eq "… and audited" "$(audited)" 3
expect_eq "… under its reader's name" "$(rows "user_login = 'sch1'")/$(audited "user_login = 'sch1'")" 2/1
expect_eq "… at the server's moment" "$(sql "SELECT count(DISTINCT at) FROM material_download")" 1

# Made again later (the content moved, the clock on by more than a ZIP's two seconds): the
# same bytes, for every file carries the key's moment in the region's time (Moscow unless
# set: 07:00 UTC is 10:00), not the moment it was written out on the server.
sleep 2.1
add other region
get sch "$V"
expect_eq "made again later: the same bytes" "$(cmp -s "$T/z1.zip" "$T/body" && echo same)" same
expect_eq "… every file at the key's moment" \
	"$(python3 -c 'import sys, zipfile; print(sorted(set(i.date_time for i in zipfile.ZipFile(sys.argv[1]).infolist())))' "$T/body")" \
	"[(2022, 5, 20, 10, 0, 0)]"
expect_eq "… its files in the order of their names" \
	"$(python3 -c 'import sys, zipfile; n = zipfile.ZipFile(sys.argv[1]).namelist(); print(n == sorted(n))' "$T/body")" True

# 20 downloads at once: each gets the file, each is recorded (together, rcache.c's audit_later).
r0=$(rows)
a0=$(audited)
pids=()
for i in $(seq 20); do
	curl -s -o "$T/zc$i.zip" -w '%{http_code}\n' -b "$(jar sch)" "$URL$V" >"$T/zc$i.code" &
	pids+=($!)
done
wait "${pids[@]}"
n=0
for i in $(seq 20); do [ "$(cat "$T/zc$i.code")" = 200 ] && cmp -s "$T/z1.zip" "$T/zc$i.zip" && n=$((n + 1)); done
expect_eq "20 downloads at once: each gets the same file" "$n" 20
expect_eq "… each is recorded" "$(rows)" $((r0 + 40))
expect_eq "… and audited" "$(audited)" $((a0 + 20))

# Another school gets its own set, never the first school's kept file.
get sch2 "$V"
expect_eq "another school downloads its variants" "$code" 200
set2=$(sql "SELECT variants FROM material_set s JOIN school c ON c.id = s.school_id WHERE c.login = 'edu223017'")
expect_eq "… exactly its own set" \
	"$(python3 -c 'import sys, zipfile; print(",".join(sorted((n.split("/")[0].split("-")[1] for n in zipfile.ZipFile(sys.argv[1]).namelist()), key=int)))' "$T/body")" \
	"$set2"
expect_eq "… recorded for its school" "$(rows "school_id = (SELECT id FROM school WHERE login = 'edu223017')")" 2

# The archive and the criteria are kept too; the key (text) is made for each request. The
# archive is the check that the answers are kept: each encryption has a random header, so
# two makes never give the same bytes (the opened variants do: the same files, each at the
# key's moment).
for what in archive criteria key; do
	r0=$(rows "what = '$what'")
	get sch "/materials/$P/$what"
	cp "$T/body" "$T/$what.1"
	get sch "/materials/$P/$what"
	expect_eq "the $what twice: the same bytes" "$(cmp -s "$T/$what.1" "$T/body" && echo same)" same
	expect_eq "… each recorded" "$(rows "what = '$what'")" $((r0 + 2))
done
expect_eq "the criteria file as it was uploaded" "$(cat "$T/criteria.1")" "Критерии"

# The region's page lists the downloads: still current after each one, though a download
# does not move the content version.
get reg /materials
expect_eq "the region's materials page" "$code" 200
n1=$(grep -o '<td>выдано</td>' "$T/body" | wc -l)
get reg /materials
expect_eq "… asked again: the same downloads" "$(grep -o '<td>выдано</td>' "$T/body" | wc -l)" "$n1"
get sch "$V"
get reg /materials
expect_eq "… after another download it lists its two files" "$(grep -o '<td>выдано</td>' "$T/body" | wc -l)" $((n1 + 2))

# A new file of the school's set in the bank (the command line, beside the server): given at once.
first=$(sql "SELECT variants FROM material_set s JOIN school c ON c.id = s.school_id WHERE c.login = 'sch220206'")
first=${first%%,*}
printf 'Вариант %s: исправлен\n' "$first" >"$T/new.txt"
"$OKO" materials add "$T/new.txt" --procedure $P --variant "$first" >/dev/null
get sch "$V"
expect_eq "after a new file in the bank" "$code" 200
unzipped "$T/body" >"$T/new.out"
expect_grep "… the download has the new file" "$T/new.out" "Вариант $first: исправлен"
stop_server

# Before the key's time: refused, and every refusal recorded (never kept).
OKO_NOW=2022-05-20T06:00:00Z start_server
login sch password-sch
r0=$(sql "SELECT count(*) FROM material_download WHERE given = 0")
for _ in 1 2 3; do get sch "$V"; done
expect_eq "variants before the key's time refused" "$code" 403
expect_eq "… each refusal recorded" "$(sql "SELECT count(*) FROM material_download WHERE given = 0")" $((r0 + 3))
expect_eq "… and audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'material_refused'")" 3
echo "1..$_n"
