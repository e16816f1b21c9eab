# Shared helpers for black-box tests of the oko binary. Each tests/cli/t_*.sh sources this,
# runs the real binary on a temporary database and reports in TAP through ok/fail/skip.
#   $OKO        the binary under test
#   $OKO_SHARED the shared/ folder beside the checkout (real data may be absent)
#   $T          a fresh temporary directory, removed at exit
#   $DATA       tests/data
#   $OKO_DB     the test's database: $T/oko.db, or in PostgreSQL mode a fresh database's URL
#
# PostgreSQL mode: when OKO_PG_HOST names the socket directory of a running cluster
# (scripts/pgtest.sh; tests/run.sh starts one when OKO_TEST_PG=1), each script gets its own
# empty database, named after the script and its process id (t_basic_12345) and dropped at
# exit; OKO_DB is its URL, and OKO_FILES="$T" is where oko keeps the files that SQLite keeps
# beside the database file. These helpers keep a test engine-neutral:
#   is_pg          true in PostgreSQL mode
#   sql QUERY      runs QUERY on $OKO_DB, whichever engine; prints as sqlite3 -batch -noheader
#   db_digest      a digest of every table's content
#   new_db NAME    a second, separate database: prints its path (SQLite) or URL
#   db_file        the path the files kept beside the database are named after
#   db_cleanup     removes $T and drops the script's databases: the EXIT trap; a script (or
#                  web_lib.sh) that sets its own EXIT trap calls it there
set -u
: "${OKO:?OKO must name the oko binary}"
T=$(mktemp -d)
DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)
export OKO_LOG=info
# The machine's /etc/oko/oko.conf is none of a test's business (a test that reads one sets
# OKO_CONF itself).
export OKO_CONF=
_n=0

is_pg() { [ -n "${OKO_PG_HOST:-}" ]; }

if is_pg; then
	PG_BIN=$(pg_config --bindir)
	# The script's databases: its own and those of new_db, all named with this prefix.
	_pg_base=$(basename "$0" .sh | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' _ | cut -c1-40)_$$
	# A Perl filter giving each subquery in FROM (after FROM, JOIN or a comma of the FROM
	# list) an alias (_sq1, …) where it has none (SQLite takes `FROM (SELECT …)` bare,
	# PostgreSQL 15 wants a name for it), and
	# quoting the table user after FROM, JOIN, UPDATE or INTO (bare, PostgreSQL reads it as
	# the current role's name and counts one row).
	_pg_alias_pl=$(cat <<'EOF'
my $s = do { local $/; <STDIN> };
my ($out, $i, $n, $k) = ('', 0, length $s, 0);
my @open;          # for each open parenthesis: whether it holds a subquery of FROM
my @clause = ('');  # the last clause keyword seen at each depth
while ($i < $n) {
	my $c = substr($s, $i, 1);
	if ($c eq "'" || $c eq '"') {
		my $j = $i + 1;
		while ($j < $n) {
			if (substr($s, $j, 1) eq $c) {
				if (substr($s, $j + 1, 1) eq $c) { $j += 2; next; }
				last;
			}
			$j++;
		}
		$out .= substr($s, $i, $j - $i + 1);
		$i = $j + 1;
		next;
	}
	if ($c =~ /[A-Za-z_]/) {
		my ($w) = substr($s, $i) =~ /^(\w+)/;
		if (lc $w eq 'user' && $out =~ /\b(?:FROM|JOIN|UPDATE|INTO)\s+$/i
			&& substr($s, $i + 4, 1) !~ /[.(]/) {
			$out .= '"user"';
		} else {
			$out .= $w;
		}
		# (IS [NOT] DISTINCT FROM compares values: its FROM starts no FROM list)
		$clause[-1] = uc $w
			if $w =~ /^(?:SELECT|FROM|JOIN|WHERE|GROUP|ORDER|HAVING|LIMIT|ON|SET|VALUES|UNION|EXCEPT|INTERSECT|RETURNING)$/i
			&& $out !~ /\bDISTINCT\s+FROM$/i;
		$i += length $w;
		next;
	}
	$out .= $c;
	$i++;
	if ($c eq '(') {
		push @open, (substr($s, $i) =~ /^\s*(?:SELECT|WITH|VALUES)\b/i
			&& (($out =~ /\b(?:FROM|JOIN)\s*\($/i && $out !~ /\bDISTINCT\s+FROM\s*\($/i) || ($out =~ /,\s*\($/ && $clause[-1] =~ /^(?:FROM|JOIN)$/)));
		push @clause, '';
	} elsif ($c eq ')') {
		pop @clause if @clause > 1;
		$out .= ' AS _sq' . ++$k if pop @open && substr($s, $i) !~
			/^\s*(?:AS\b|(?!(?:WHERE|GROUP|ORDER|LIMIT|OFFSET|JOIN|INNER|LEFT|RIGHT|FULL|CROSS|NATURAL|ON|USING|UNION|EXCEPT|INTERSECT|HAVING|WINDOW)\b)[A-Za-z_])/i;
	}
}
print $out;
EOF
)
fi

# _pg_url NAME: the URL of the cluster's database NAME, as oko and psql take it.
_pg_url() { echo "postgresql:///$1?host=$OKO_PG_HOST&user=oko"; }

# _pg_createdb NAME: a fresh database, as `createdb -T template0 -E UTF8 --locale=C` makes
# it, with the schema sqlite_compat that only the sql helper sees (see sql below).
_pg_createdb() {
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -v db="$1" -h "$OKO_PG_HOST" -U oko -d postgres \
		>/dev/null <<'EOF'
CREATE DATABASE :"db" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
\connect :"db"
CREATE SCHEMA sqlite_compat;
SET search_path = sqlite_compat;
-- group_concat(x [, separator]): takes any type, skips NULLs, joins with ',' by default.
CREATE FUNCTION gc_step(acc text, v anyelement, sep text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text
		ELSE acc || coalesce(sep, '') || v::text END $$;
CREATE FUNCTION gc_step(acc text, v anyelement) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT sqlite_compat.gc_step(acc, v, ',') $$;
CREATE AGGREGATE group_concat(anyelement, text) (SFUNC = gc_step, STYPE = text);
CREATE AGGREGATE group_concat(anyelement) (SFUNC = gc_step, STYPE = text);
-- hex(x): the bytes in upper-case hexadecimal, '' for NULL.
CREATE FUNCTION hex(v bytea) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT coalesce(upper(encode(v, 'hex')), '') $$;
CREATE FUNCTION hex(v text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT coalesce(upper(encode(convert_to(v, 'UTF8'), 'hex')), '') $$;
-- instr(haystack, needle), ifnull(a, b).
CREATE FUNCTION instr(h text, n text) RETURNS integer LANGUAGE sql IMMUTABLE
	AS $$ SELECT strpos(h, n) $$;
CREATE FUNCTION ifnull(a anyelement, b anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE
	AS $$ SELECT coalesce(a, b) $$;
-- sum(condition): the rows for which it holds (a comparison is 0 or 1 in SQLite).
CREATE FUNCTION sum_step(acc bigint, v boolean) RETURNS bigint LANGUAGE sql IMMUTABLE
	AS $$ SELECT CASE WHEN v IS NULL THEN acc
		ELSE coalesce(acc, 0) + CASE WHEN v THEN 1 ELSE 0 END END $$;
CREATE AGGREGATE sum(boolean) (SFUNC = sum_step, STYPE = bigint);
EOF
}

# new_db NAME: prints the path (SQLite: $T/NAME.db, not created) or the URL (PostgreSQL: a
# new empty database, dropped at exit) of a second database, separate from $OKO_DB.
new_db() {
	if is_pg; then
		local name
		name=${_pg_base}_$(echo "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' _ | cut -c1-15)
		_pg_createdb "$name" || { echo "new_db: cannot create the database $name" >&2; return 1; }
		_pg_url "$name"
	else
		echo "$T/$1.db"
	fi
}

# db_file: the path that the files of $OKO_DB are named after ("$(db_file).key", .scans/,
# .files/, .evidence/, -analysis/): the database file itself on SQLite, $OKO_FILES/NAME
# (NAME the database's name) on PostgreSQL, as src/db/pg.c names it.
db_file() {
	case "$OKO_DB" in
	postgres://* | postgresql://*)
		local name=${OKO_DB#*://}
		name=${name#*/}
		echo "${OKO_FILES:-$PWD}/${name%%\?*}"
		;;
	*) echo "$OKO_DB" ;;
	esac
}

# At every script's end, the analysis's copy of the results (src/model/result_pack.h) must
# be what the result table holds, whatever the script wrote (tests/tools/packcheck): one
# line, when the database has results.
_pack_check() {
	local tool=${BUILD:-}/tests/tools/packcheck out s
	[ -n "${BUILD:-}" ] && [ -x "$tool" ] && [ -n "${OKO_DB:-}" ] || return 0 # unset: nothing of ours
	is_pg || [ -f "$OKO_DB" ] || return 0
	out=$("$tool" 2>&1)
	s=$?
	case $s in
	0) case $out in *"packs: 0 packed, 0 unpacked"*) ;; *) ok "the analysis's copy of the results is the result table's ($out)" ;; esac ;;
	3) ;;
	1) fail "the analysis's copy of the results differs from the result table"; echo "$out" | sed 's/^/# /' | head -20 ;;
	*) fail "the analysis's copy of the results could not be checked"; echo "$out" | sed 's/^/# /' | head -20 ;;
	esac
}

# Every reference holds at the end of a script. A bulk transaction (db_begin_bulk: the
# results import, a stored analysis run) leaves SQLite's per-row foreign-key checks out on
# its caller's word that every id it stores was read in the same transaction; this checks
# that word after every path the suite exercises. PostgreSQL checks them all at COMMIT.
_fk_check() {
	[ -n "${OKO_DB:-}" ] && ! is_pg && [ -f "$OKO_DB" ] || return 0
	local out
	out=$(sqlite3 -batch -noheader "$OKO_DB" "PRAGMA foreign_key_check" 2>/dev/null) || return 0 # not a database
	if [ -n "$out" ]; then
		fail "rows whose references are missing (PRAGMA foreign_key_check: table|rowid|parent|fk)"
		echo "$out" | sed 's/^/# /' | head -20
	fi
}

db_cleanup() {
	_pack_check
	_fk_check
	if is_pg; then
		# Every database of this script, also those new_db made in a subshell; FORCE ends the
		# connections a killed server or a background client may have left.
		"$PG_BIN/psql" -X -q -A -t -h "$OKO_PG_HOST" -U oko -d postgres -c "SELECT format('DROP DATABASE %I WITH (FORCE);', datname) FROM pg_database WHERE datname = '$_pg_base' OR datname LIKE '${_pg_base}\_%'" 2>/dev/null |
			"$PG_BIN/psql" -X -q -h "$OKO_PG_HOST" -U oko -d postgres >/dev/null 2>&1
	fi
	rm -rf "$T"
}
trap db_cleanup EXIT

if is_pg; then
	if ! _pg_createdb "$_pg_base"; then
		echo "not ok 1 - cannot create the test database $_pg_base in the cluster at $OKO_PG_HOST"
		exit 1
	fi
	OKO_DB=$(_pg_url "$_pg_base")
	export OKO_DB
	export OKO_FILES="$T"
else
	export OKO_DB="$T/oko.db"
fi

# build_flags: the make variables $BUILD was built with, for a test that runs make on it
# (make install, the guide's make): the sanitizer build's when $OKO is linked with ASan, so a
# rebuild (a new commit moves the version header) never mixes flags.
build_flags() { ldd "$OKO" 2>/dev/null | grep -q libasan && echo "SAN=1 OPT=-O1"; }

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

# sql QUERY: runs a query on the test database ($OKO_DB as it is when called) and prints the
# result as sqlite3 -batch -noheader does: a line a row, columns joined by "|", NULL as
# nothing. On PostgreSQL psql runs it with SQLite's functions that tests use (group_concat,
# hex, instr, ifnull, sum of a condition) taken from the schema sqlite_compat, which oko's
# own connections never see; a subquery in FROM without a name gets one (_sq1, …), the
# table user is quoted where it follows FROM, JOIN, UPDATE or INTO;
# "PRAGMA foreign_keys = ON;" is dropped (PostgreSQL always enforces foreign keys) and
# "PRAGMA integrity_check" runs pg_amcheck on every table and index, printing "ok" when it
# finds nothing wrong, or what it found. Everything else is the test's to write in SQL both
# engines take (see HACKING.md "SQL"): no GLOB, printf or char(0), no comparison printed
# as a number (PostgreSQL prints t/f), no text and numbers mixed in coalesce.
sql() {
	case "$OKO_DB" in
	postgres://* | postgresql://*) _pg_sql "$1" ;;
	*) sqlite3 -batch -noheader "$OKO_DB" "$1" ;;
	esac
}

_pg_sql() {
	local q=$1 out rc
	if [[ "$q" =~ ^[[:space:]]*PRAGMA[[:space:]]+integrity_check[[:space:]]*\;?[[:space:]]*$ ]]; then
		out=$(PGOPTIONS='-c client_min_messages=warning' \
			"$PG_BIN/pg_amcheck" --install-missing --heapallindexed "$OKO_DB" 2>&1)
		rc=$?
		if [ "$rc" -eq 0 ] && [ -z "$out" ]; then echo ok; else echo "${out:-pg_amcheck failed with status $rc}"; fi
		return 0
	fi
	q=$(printf '%s' "$q" | sed -E 's/(^|;)[[:space:]]*PRAGMA[[:space:]]+foreign_keys[[:space:]]*=[[:space:]]*([Oo][Nn]|1)[[:space:]]*;/\1/' |
		perl -e "$_pg_alias_pl")
	# psql 15 prints the results of every statement of -c, as sqlite3 does.
	PGOPTIONS='-c search_path=public,sqlite_compat' \
		"$PG_BIN/psql" -X -q -A -t -F '|' -P null= -v ON_ERROR_STOP=1 -d "$OKO_DB" -c "$q"
}

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got «$2», expected «$3»"; fi
}

# db_digest: a digest of every table's content, to prove a failed command changed nothing.
# SQLite: its .dump (schema and rows); PostgreSQL: every table of the schema public in the
# order of their names, each with its rows ordered by their text.
db_digest() {
	case "$OKO_DB" in
	postgres://* | postgresql://*)
		"$PG_BIN/psql" -X -q -A -t -F '|' -d "$OKO_DB" 2>/dev/null <<'EOF' | md5sum | cut -d' ' -f1
SELECT format('SELECT %L, * FROM %I.%I t ORDER BY t::text', tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename \gexec
EOF
		;;
	*) sqlite3 -batch "$OKO_DB" .dump 2>/dev/null | md5sum | cut -d' ' -f1 ;;
	esac
}

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
