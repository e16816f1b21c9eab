#!/bin/bash
# The walls between oko's layers (HACKING.md, "Data flows one way"), checked as text:
#  1. only src/model/ (and the driver, src/db/) runs SQL: db_prepare, db_cached, db_exec and
#     db_query_* appear nowhere else;
#  2. SQL in src/model/ keeps to the dialect SQLite and PostgreSQL both accept (the rules
#     are in HACKING.md, "SQL");
#  3. each layer includes only the layers below it.
# Prints every breach with its file and line; exits 1 when there is one.
set -u
cd "$(dirname "$0")/.."
status=0
breach() {
	echo "walls: $1"
	sed 's/^/    /' <<<"$2"
	status=1
}

sql=$(grep -rnE '\bdb_(prepare|prepare_each|cached|exec|query_[a-z_]+)[[:space:]]*\(' src --include='*.c' \
	--include='*.h' | grep -vE '^src/(model|db)/' || true)
[ -n "$sql" ] && breach "SQL outside src/model/ (ask a model function instead):" "$sql"

pragma=$(grep -rniE '"[^"]*\b(PRAGMA\b|pragma_[a-z_]+|sqlite_(master|schema)\b)' src --include='*.c' | grep -vE '^src/db/' || true)
[ -n "$pragma" ] && breach "PRAGMA outside src/db/ (the driver's business):" "$pragma"

# Dialect: patterns inside string literals of src/model/ ("…TOKEN…" on one line).
dialect=(
	'\bPRAGMA\b' 'PRAGMA belongs to src/db/'
	'\b(ifnull|instr|printf|strftime|datetime|julianday|unixepoch|group_concat|total)\(' 'SQLite-only function'
	'INSERT OR (IGNORE|REPLACE)' 'use INSERT … ON CONFLICT'
	'\b(FROM|JOIN|INTO|UPDATE) user\b' 'write "user" quoted (a reserved word in PostgreSQL)'
	'\bIS (NOT )?([a-z_]+\.[a-z_]+|\?[0-9]*)' 'write IS [NOT] DISTINCT FROM'
	'\browid\b' 'use the table'"'"'s key'
	'\b(max|min)\([^()"]*,[^()"]*\)' 'scalar max/min: use CASE'
	'\$[0-9]' 'placeholders are ? or ?N (the driver translates them)'
	'\bLIMIT -1\b' 'LIMIT -1 is SQLite-only'
)
for ((i = 0; i < ${#dialect[@]}; i += 2)); do
	hits=$(grep -rnE "\"[^\"]*${dialect[i]}" src/model --include='*.c' || true)
	[ -n "$hits" ] && breach "SQL dialect in src/model/: ${dialect[i + 1]}:" "$hits"
done

# Includes: a layer may include itself and what is listed for it.
allow() {
	case $1 in
	base) echo "base" ;;
	io) echo "base io" ;;
	db) echo "base db" ;;
	stats) echo "base stats" ;;
	model) echo "base db io model stats" ;;
	import) echo "base db io model import stats" ;;
	gen) echo "base io model gen" ;; # the generator writes files in the model's vocabulary
	report) echo "base db io model stats report" ;;
	analysis) echo "base db io model stats report analysis" ;;
	assign) echo "base db model stats assign" ;; # engine.c is pure; observers.c loads and stores through model/
	*) echo "*" ;;
	esac
}
for dir in src/*/; do
	layer=$(basename "$dir")
	ok=$(allow "$layer")
	[ "$ok" = "*" ] && continue
	while IFS=: read -r file line inc; do
		dep=${inc#*\"}
		dep=${dep%%/*}
		case " $ok " in *" $dep "*) ;; *)
			breach "$layer/ must not include $dep/:" "$file:$line:$inc" ;;
		esac
	done < <(grep -rnE '^#include "[a-z]+/' "$dir" || true)
done
[ $status -eq 0 ] && echo "walls: ok (SQL only in src/model/, one dialect, layers include downwards)"
exit $status
