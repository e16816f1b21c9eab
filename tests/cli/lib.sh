# Shared helpers for black-box tests of the oko binary. Each tests/cli/t_*.sh sources this,
# runs the real binary on a temporary database and reports in TAP through ok/fail/skip.
#   $OKO        the binary under test
#   $OKO_SHARED the shared/ folder beside the checkout (real data may be absent)
#   $T          a fresh temporary directory, removed at exit
#   $DATA       tests/data
set -u
: "${OKO:?OKO must name the oko binary}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)
export OKO_DB="$T/oko.db"
export OKO_LOG=info
_n=0

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
fail() { _n=$((_n + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n # SKIP $*"; }

# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }

# run_oko ARGS...: runs oko, leaving stdout in $T/out, stderr in $T/err and status in $rc.
run_oko() { "$OKO" "$@" >"$T/out" 2>"$T/err"; rc=$?; }

# expect_ok DESCRIPTION ARGS...: oko must succeed.
expect_ok() {
	local d=$1; shift
	run_oko "$@"
	if [ "$rc" -eq 0 ]; then ok "$d"; else fail "$d (status $rc)"; sed 's/^/# /' "$T/err" | head -20; fi
}

# expect_fail DESCRIPTION ARGS...: oko must fail with a non-zero status.
expect_fail() {
	local d=$1; shift
	run_oko "$@"
	if [ "$rc" -ne 0 ]; then ok "$d"; else fail "$d (unexpected success)"; fi
}

# expect_grep DESCRIPTION FILE PATTERN: the file must contain the fixed string.
expect_grep() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: «$3» not in $(basename "$2")"; sed 's/^/# /' "$2" | head -20; fi
}

# sql QUERY: runs a query on the test database and prints the result.
sql() { sqlite3 -batch -noheader "$OKO_DB" "$1"; }

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got «$2», expected «$3»"; fi
}

# db_digest: a digest of every table's content, to prove a failed command changed nothing.
db_digest() { sqlite3 -batch "$OKO_DB" .dump 2>/dev/null | md5sum | cut -d' ' -f1; }

real_dir() { [ -d "$OKO_SHARED/data/real" ] && echo "$OKO_SHARED/data/real"; }

# make_pdf N FILE: an N-page A4 PDF (a box and "Page i" on each page), written by hand with
# a correct cross-reference table.
make_pdf() {
	local n=$1 out=$2 body kids="" i obj c total xref LC_ALL=C
	local -a offs
	body="%PDF-1.4"$'\n'
	add() { offs[$1]=${#body}; body+="$1 0 obj"$'\n'"$2"$'\n'"endobj"$'\n'; }
	for i in $(seq "$n"); do kids+="$((3 + 2 * (i - 1))) 0 R "; done
	add 1 "<< /Type /Catalog /Pages 2 0 R >>"
	add 2 "<< /Type /Pages /Kids [${kids% }] /Count $n >>"
	for i in $(seq "$n"); do
		c="0.2 0.4 0.8 rg 60 $((600 - 40 * (i % 10))) 200 80 re f BT /F1 36 Tf 60 720 Td (Page $i) Tj ET"
		add $((3 + 2 * (i - 1))) "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents $((4 + 2 * (i - 1))) 0 R >>"
		add $((4 + 2 * (i - 1))) "<< /Length ${#c} >>"$'\n'"stream"$'\n'"$c"$'\n'"endstream"
	done
	total=$((2 + 2 * n))
	xref=${#body}
	body+="xref"$'\n'"0 $((total + 1))"$'\n'"0000000000 65535 f "$'\n'
	for obj in $(seq "$total"); do body+=$(printf '%010d 00000 n ' "${offs[$obj]}")$'\n'; done
	body+="trailer"$'\n'"<< /Size $((total + 1)) /Root 1 0 R >>"$'\n'"startxref"$'\n'"$xref"$'\n'"%%EOF"$'\n'
	printf '%s' "$body" >"$out"
}
