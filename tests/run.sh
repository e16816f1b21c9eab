#!/bin/bash
# Runs every test and prints one closing line "N passed, N failed[, N skipped]".
#
# Unit tests are cmocka binaries (given as arguments) run with TAP output; black-box tests
# are tests/cli/*.sh scripts that print TAP through tests/cli/lib.sh. A binary or script
# that crashes or exits non-zero without reporting a failure counts as one failure.
# Environment: OKO (path of the oko binary), BUILD (build directory), OKO_TEST_PG.
#
# Two passes: "# SQLite" runs the unit tests and every tests/cli/t_*.sh on SQLite; with
# OKO_TEST_PG=1 (make check sets it), "# PostgreSQL" then starts a throw-away cluster
# (scripts/pgtest.sh, in a temporary directory removed at exit) and runs every
# tests/cli/t_*.sh again with OKO_PG_HOST set, each on a database of its own (lib.sh); those
# runs are named pg/cli/t_x. A cluster that cannot start is one failure, with the reason.
# The closing line counts both passes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export OKO BUILD
export OKO_SHARED="${OKO_SHARED:-$(cd "$here/../.." && pwd)/shared}"
export CMOCKA_MESSAGE_OUTPUT=TAP
unset OKO_PG_HOST
pass=0 fail=0 skip=0
log=$(mktemp)
pgdir=
cleanup() {
	rm -f "$log"
	if [ -n "$pgdir" ]; then
		"$here/../scripts/pgtest.sh" stop "$pgdir"
		rm -rf "$pgdir"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_one() { # name, command...
	local name=$1; shift
	"$@" >"$log" 2>&1
	local rc=$?
	local p f s
	# cmocka reports a skipped test as "not ok N # SKIP": a skip either way, not a failure.
	p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
	s=$(grep -cE '^(not )?ok [0-9]+.*# *(SKIP|skip)' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
	s_ok=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$log" | tr -d ' ')
	p=$((p - s_ok))
	f=$((f - (s - s_ok)))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %-28s %d passed, %d failed\n' "$name" "$p" "$f"
		grep -E '^not ok|^#' "$log" | head -40 | sed 's/^/    /'
	else
		printf 'ok   %-28s %d passed%s\n' "$name" "$p" "$([ "$s" -gt 0 ] && echo ", $s skipped")"
		grep -E '^(not )?ok [0-9]+.*# *(SKIP|skip)' "$log" | head -3 | sed 's/^/    /'
	fi
}

echo "# SQLite"
for bin in "$@"; do
	run_one "$(basename "$bin")" "$bin"
done
for t in "$here"/cli/t_*.sh; do
	[ -e "$t" ] || continue
	run_one "cli/$(basename "$t" .sh)" bash "$t"
done

if [ "${OKO_TEST_PG:-}" = 1 ]; then
	echo "# PostgreSQL"
	# Under /tmp: the socket's path must be short, and the postgres user must reach it.
	pgdir=$(mktemp -d /tmp/oko-pg.XXXXXX)
	if why=$("$here/../scripts/pgtest.sh" start "$pgdir" 2>&1 >/dev/null); then
		export OKO_PG_HOST=$pgdir
		for t in "$here"/cli/t_*.sh; do
			[ -e "$t" ] || continue
			run_one "pg/cli/$(basename "$t" .sh)" bash "$t"
		done
		unset OKO_PG_HOST
	else
		fail=$((fail + 1))
		printf 'FAIL %-28s the PostgreSQL cluster did not start\n' "pg/cluster"
		echo "$why" | head -40 | sed 's/^/    /'
	fi
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
