#!/bin/sh
# Install the Debian packages oko needs to build, test and run, and only those that are
# missing. Idempotent and fast when everything is present: one dpkg-query, no network.
# Usage: scripts/deps.sh            (as root, or with sudo available)
#        DEPS_E2E=0 scripts/deps.sh (`make run`: without the browser tests' npm packages,
#                                    so serving the demo never needs the npm registry)
set -eu

PKGS="build-essential pkg-config git
libsqlite3-dev sqlite3
libpq-dev postgresql
libzip-dev libexpat1-dev zlib1g-dev
libcmocka-dev
libgsl-dev
libsodium-dev
libjansson-dev
libmicrohttpd-dev
libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-liberation2
libreoffice-writer-nogui
libxlsxwriter-dev
libqpdf-dev
poppler-utils time curl wrk
nginx-light openssl
man-db systemd
clang libclang-rt-14-dev
chromium"

# The browser tests' npm packages (playwright-core, pinned by tests/e2e/package-lock.json;
# it drives Debian's chromium and downloads no browser).
e2e_deps() {
	[ "${DEPS_E2E:-1}" = 0 ] && return 0
	e2e=$(dirname "$0")/../tests/e2e
	[ -d "$e2e/node_modules/playwright-core" ] && return 0
	echo "deps: npm ci in tests/e2e" >&2
	(cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
# Node.js may come from Debian (nodejs + npm) or from the machine image (its npm is
# bundled with nodejs and conflicts with Debian's npm): install only when absent.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"

if [ -z "$missing" ]; then
	e2e_deps
	exit 0
fi

echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# An outdated or empty package list makes apt miss packages: refresh it first.
$SUDO apt-get update -qq >&2
# nginx-light is for tests/cli/t_nginx.sh, which runs an nginx of its own: installing it
# must not start the system's nginx on port 80 (its postinst fails the install when that
# start fails). A container image usually has a policy-rc.d that denies every start; where
# there is none, one that denies nginx alone is in place while apt runs.
policy=/usr/sbin/policy-rc.d
case " $missing " in
*" nginx-light "*)
	if [ ! -e "$policy" ]; then
		# shellcheck disable=SC2016
		printf '#!/bin/sh\n# scripts/deps.sh, while it installs: no start of nginx\nfor a; do [ "$a" = nginx ] && exit 101; done\nexit 0\n' |
			$SUDO tee "$policy" >/dev/null
		$SUDO chmod 755 "$policy"
		trap '$SUDO rm -f "$policy"' EXIT
	fi
	;;
esac
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
e2e_deps
