#!/bin/bash
# The walls between the layers hold (scripts/walls.sh): SQL only in src/model/ and src/db/,
# one SQL dialect SQLite and PostgreSQL both accept, includes only downwards. A breach
# fails make check, not only make lint.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
if out=$("$root/scripts/walls.sh" 2>&1); then
	ok "the layers' walls hold"
else
	fail "the layers' walls hold"
	sed 's/^/# /' <<<"$out" | head -40
fi
# The checker itself catches a breach: a query planted in a page, a PRAGMA and an unquoted
# "user" planted in the model (in a copy of the tree).
cp -r "$root/src" "$root/scripts" "$T/"
printf 'static void f(struct db *d) { db_exec(d, "DELETE FROM school"); }\n' >>"$T/src/web/pages/home.c"
printf 'static const char *q = "SELECT 1 FROM user WHERE id = 1";\n' >>"$T/src/model/scope.c"
printf 'static const char *p = "PRAGMA foreign_keys = OFF";\n' >>"$T/src/model/scope.c"
out=$("$T/scripts/walls.sh" 2>&1)
rc=$?
expect_eq "a planted breach fails the check" "$rc" 1
for what in "src/web/pages/home.c" "reserved word in PostgreSQL" "PRAGMA belongs to src/db/"; do
	if grep -qF "$what" <<<"$out"; then ok "… and is named: $what"; else fail "… and is named: $what"; fi
done
echo "1..$_n"
