#!/bin/bash
# The upgrade test (tests/unit/test_upgrade.c) on PostgreSQL. Unit tests run only in the
# SQLite pass of tests/run.sh, where test_upgrade skips its PostgreSQL case; in the
# PostgreSQL pass this script runs the same binary with the cluster's socket directory
# (OKO_PG_HOST), so the step latest-1 → latest with data is upgraded on PostgreSQL too.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?BUILD must name the build directory of the tree under test}"
if ! is_pg; then
	skip "SQLite: the unit pass runs test_upgrade"
	exit 0
fi
CMOCKA_MESSAGE_OUTPUT=TAP "$BUILD/tests/test_upgrade" >"$T/tap" 2>&1
rc=$?
sed 's/^/# /' "$T/tap" | grep -v '^# ok\|^# 1\.\.' | head -20
expect_eq "test_upgrade exits 0 on PostgreSQL" "$rc" 0
expect_eq "its PostgreSQL case ran (not skipped)" "$(grep -c '^ok [0-9]* - test_upgrade_postgresql' "$T/tap")" 1
expect_eq "every case passed" "$(grep -c '^not ok' "$T/tap")" 0
