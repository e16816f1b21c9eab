#!/bin/bash
# Project lint: banned functions, every header compiles on its own, the walls between the
# layers (scripts/walls.sh: SQL only in src/model/, one SQL dialect, includes downwards).
set -u
cd "$(dirname "$0")/.."
status=0
banned=$(grep -rnE '\b(sprintf|strcpy|strcat|gets|strtok|atoi)[[:space:]]*\(' src tests/unit tests/fuzz \
	--include='*.c' --include='*.h' | grep -vE '\b(snprintf|vsnprintf)\b' || true)
if [ -n "$banned" ]; then
	echo "lint: banned functions (use snprintf, memcpy, str_to_int):"
	echo "$banned"
	status=1
fi
make -s build/gen/embedded.h >/dev/null
cflags="-std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Isrc -Ibuild/gen $(pkg-config --cflags sqlite3 libzip expat gsl libsodium jansson libmicrohttpd cairo pangocairo xlsxwriter)"
n=0
for h in $(find src -name '*.h' | sort); do
	n=$((n + 1))
	if ! echo "#include \"${h#src/}\"" | cc $cflags -x c -fsyntax-only - 2>/tmp/lint.$$; then
		echo "lint: $h does not compile on its own:"
		sed 's/^/    /' /tmp/lint.$$ | head -10
		status=1
	fi
done
rm -f /tmp/lint.$$
scripts/walls.sh || status=1
[ $status -eq 0 ] && echo "lint: ok ($n headers compile on their own, no banned functions)"
exit $status
