#!/bin/bash
# The region's time zone (model/setting.h, `oko settings`, /settings) and the Russian form
# of what the coordinators' pages show:
# - the zone set by the command and by the page (admin and region; a school is refused);
#   an unknown zone refused in Russian with nothing stored;
# - a moment on a page follows the zone: the same upload four hours later in Barnaul than
#   in Moscow, and the settings page's «now» too;
# - a crawl of the pages of plan-graph, monitoring, observers, re-checks, measures,
#   documents, reports, scans and the expert's queue as region, mun, school, expert and
#   observer on `oko demo`: no ISO timestamp, no «(UTC)», no number with a decimal point
#   in the text a person reads.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

run_oko demo --schools 60 --municipalities 4 --seed 7
expect_eq "demo runs" "$rc" 0
PW=oko-demo-2026

# --- the command ---------------------------------------------------------------------------
expect_ok "the default zone" settings time-zone
expect_grep "Moscow by default" "$T/out" "часовой пояс: Europe/Moscow — Москва"
expect_eq "nothing stored by reading" "$(sql "SELECT count(*) FROM setting")" 0
before=$(db_digest)
run_oko settings time-zone Mars/Olympus
expect_eq "an unknown zone: an error" "$rc" 1
expect_grep "an unknown zone named in Russian" "$T/err" "неизвестный часовой пояс «Mars/Olympus»"
expect_eq "an unknown zone stores nothing" "$(db_digest)" "$before"
run_oko settings colour blue
expect_eq "an unknown setting: usage error" "$rc" 2
expect_ok "the zone list" settings time-zones
expect_grep "Barnaul listed with its title" "$T/out" "Барнаул, Алтайский край"
expect_ok "the zone set" settings time-zone Asia/Barnaul
expect_grep "the new zone said" "$T/out" "сохранено. часовой пояс: Asia/Barnaul"
expect_eq "stored" "$(sql "SELECT value FROM setting WHERE key = 'time_zone'")" "Asia/Barnaul"
expect_eq "who set it stored" "$(sql "SELECT CASE WHEN updated_by <> '' AND updated_at LIKE '____-__-__T__:__:__Z' THEN 1 ELSE 0 END FROM setting")" 1
expect_ok "read back" settings
expect_grep "read back by the next command" "$T/out" "часовой пояс: Asia/Barnaul"
expect_ok "back to Moscow" settings time-zone Europe/Moscow

# --- the page ------------------------------------------------------------------------------
export OKO_NOW=2021-04-14T06:30:00Z
start_server
for u in admin region mun school expert observer; do login $u "$PW"; done
get region /settings
expect_eq "the region opens the settings" "$code" 200
expect_grep "the zones offered by their titles" "$T/body" '<option value="Asia/Barnaul">Барнаул'
expect_grep "Moscow's now" "$T/body" "Сейчас в регионе: <strong>14.04.2021 09:30"
get admin /settings
expect_eq "the administrator opens the settings" "$code" 200
get school /settings
expect_eq "a school may not" "$code" 403
post school /settings --data-urlencode zone=Asia/Barnaul
expect_eq "a school may not change the zone" "$code" 403
post mun /settings --data-urlencode zone=Asia/Barnaul
expect_eq "a municipality may not change the zone" "$code" 403
before=$(db_digest)
post region /settings --data-urlencode zone=Europe/Atlantis
expect_eq "an unknown zone: 400" "$code" 400
expect_grep "refused in Russian" "$T/body" "Такого часового пояса нет"
expect_eq "an unknown zone on the page stores nothing" "$(db_digest)" "$before"

# A moment of the demo's data on a page: the first upload of a school on the monitoring page.
PROC=$(sql "SELECT p.code FROM procedure p JOIN plan_procedure pp ON pp.procedure_id = p.id ORDER BY p.code LIMIT 1")
first_moment() { # the first school's first upload (the cell after the sitting's date)
	get region "/monitoring?procedure=$PROC"
	perl -ne 'if (m{</td><td>([0-9]{2}\.[0-9]{2}\.[0-9]{4} [0-9]{2}:[0-9]{2})</td><td>[0-9.: ]*</td><td class="num">}) { print "$1\n"; exit }' "$T/body"
}
to_min() { # «14.04.2021 09:30» → minutes since the epoch
	local d=$1
	echo $(( $(date -u -d "${d:6:4}-${d:3:2}-${d:0:2} ${d:11:5}" +%s) / 60 ))
}
m1=$(first_moment)
post admin /settings --data-urlencode zone=Asia/Barnaul
expect_eq "the administrator sets the zone" "$code" 200
expect_grep "saved, said in Russian" "$T/body" "Сохранено: Барнаул"
expect_eq "stored by the page" "$(sql "SELECT value FROM setting WHERE key = 'time_zone'")" "Asia/Barnaul"
expect_grep "applied at once: Barnaul's now" "$T/body" "Сейчас в регионе: <strong>14.04.2021 13:30"
m2=$(first_moment)
if [ -n "$m1" ] && [ -n "$m2" ] && [ $(( $(to_min "$m2") - $(to_min "$m1") )) -eq 240 ]; then
	ok "an upload's moment four hours later in Barnaul ($m1 → $m2)"
else fail "an upload's moment four hours later in Barnaul ($m1 → $m2)"; fi
post region /settings --data-urlencode zone=Europe/Moscow
expect_eq "the region sets the zone" "$code" 200
m3=$(first_moment)
expect_eq "back in Moscow's time" "$m3" "$m1"
stop_server
unset OKO_NOW

# The server applies the stored zone at its start.
"$OKO" settings time-zone Asia/Barnaul >/dev/null
start_server
login region "$PW"
m4=$(first_moment)
expect_eq "a restarted server shows the stored zone" "$m4" "$m2"
"$OKO" settings time-zone Europe/Moscow >/dev/null

# --- the crawl -----------------------------------------------------------------------------
for u in mun school expert observer; do login $u "$PW"; done
PAGES="/plan /monitoring /observers /observers/school /recheck /expert /scans /measures /documents /reports /settings"
# The labels of positions («3.1», «12.2») are names of tasks, not numbers.
sql "SELECT DISTINCT label FROM position" | grep -E '^[0-9]+\.[0-9]+$' >"$T/labels"
# The text a person reads: no tags, scripts or styles; entities as characters; a measure's
# number in its plan («1.2», class mp-no) is not a decimal either.
page_text() {
	perl -0777 -pe 's/<script.*?<\/script>//gs; s/<style.*?<\/style>//gs;
		s/class="num mp-no">[0-9.]*</>/g; s/<[^>]*>/ /g;
		s/&nbsp;/ /g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/&/g; s/&quot;/"/g; s/&#39;/'"'"'/g' "$1"
}
# The problems of a text: an ISO timestamp, «(UTC)», a decimal point (dates «14.04.2021»
# and the labels of positions aside).
problems() {
	LABELS=$(tr '\n' ' ' <"$T/labels") perl -ne 'BEGIN { %l = map { $_ => 1 } split " ", $ENV{LABELS} }
		print "ISO: $&\n" while /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]*Z?/g;
		print "UTC: $&\n" while /\(UTC\)/g;
		s/[0-9]{2}\.[0-9]{2}\.[0-9]{4}//g;
		while (/(?<![0-9.])[0-9]+\.[0-9]+(?![0-9.])/g) { print "point: $&\n" unless $l{$&} }' "$1"
}
bad=0; seen=0
for u in region mun school expert observer; do
	: >"$T/links"
	for p in $PAGES; do echo "$p" >>"$T/links"; done
	# One level down: the links of these pages within the same sections, not downloads.
	for p in $PAGES; do
		get $u "$p"
		[ "$code" = 200 ] || continue
		grep -o 'href="/[^"#]*"' "$T/body" | sed 's/^href="//; s/"$//; s/&amp;/\&/g' |
			grep -E '^/(plan|monitoring|observers|acts|recheck|expert|scans|measures|documents|reports)' |
			grep -vE '[./](pdf|xlsx|csv|docx|zip)($|\?)|format=|/file|/scan$|/print' | head -8 >>"$T/links"
	done
	for p in $(sort -u "$T/links"); do
		get $u "$p"
		[ "$code" = 200 ] && head -c 15 "$T/body" | grep -qi '<!doctype html' || continue # pages only
		seen=$((seen + 1))
		page_text "$T/body" >"$T/text"
		problems "$T/text" >"$T/problems"
		if [ -s "$T/problems" ]; then
			bad=$((bad + 1))
			echo "# $u $p: $(head -3 "$T/problems" | tr '\n' ' ')"
		fi
	done
done
if [ "$seen" -ge 30 ]; then ok "the crawl saw pages ($seen)"; else fail "the crawl saw pages ($seen)"; fi
expect_eq "no ISO timestamp, «(UTC)» or decimal point on the crawled pages" "$bad" 0

echo "1..$_n"
