#!/bin/bash
# scripts/run.sh, the script behind `make run`: it creates the demo where there is no
# database and keeps an existing one. A zero-byte file is no database (a copy or a crash can
# leave one): the demo is created in its place, as the README promises, instead of serving an
# empty system nobody can log in to. The script's steps are recorded by a stand-in for the
# binary; what each step does is the other scripts' business (t_demo_*.sh, t_server.sh).
. "$(dirname "$0")/lib.sh"
if is_pg; then
	skip "scripts/run.sh serves a SQLite file; the SQLite pass runs it"
	echo "1..$_n"
	exit 0
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cat >"$T/fake-oko" <<'FAKE'
#!/bin/bash
# Records its arguments; `init` makes the database file as the real one does.
echo "$*" >>"$FAKE_LOG"
[ "$3" = init ] && echo x >"$2"
exit 0
FAKE
chmod +x "$T/fake-oko"
export FAKE_LOG="$T/calls"
run_script() { : >"$FAKE_LOG"; OKO="$T/fake-oko" DEMO_DB="$T/demo.db" FRESH="${1:-0}" bash "$ROOT/scripts/run.sh" >"$T/out" 2>&1; }

: >"$T/demo.db"
run_script
expect_grep "a zero-byte database gets the demo" "$T/calls" "demo.db demo"
expect_grep "… and its analysis" "$T/calls" "demo.db analyze"
expect_grep "… then the server" "$T/calls" "demo.db serve"
run_script
if grep -q " demo$" "$T/calls"; then fail "an existing demo is kept"; else ok "an existing demo is kept"; fi
expect_grep "… and said to be kept" "$T/out" "Открываю существующую базу"
run_script 1
expect_grep "FRESH=1 makes the demo again" "$T/calls" "demo.db demo"
echo "1..$_n"
