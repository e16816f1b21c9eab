#!/bin/sh
# Install the Debian packages oko needs to build, test and run, and only those that are
# missing. Idempotent and fast when everything is present: one dpkg-query, no network.
# Usage: scripts/deps.sh            (as root, or with sudo available)
set -eu

PKGS="build-essential pkg-config git
libsqlite3-dev sqlite3
libzip-dev libexpat1-dev
libcmocka-dev
libgsl-dev
libsodium-dev
libjansson-dev
libmicrohttpd-dev
libcairo2-dev libpango1.0-dev fonts-dejavu-core
libxlsxwriter-dev
poppler-utils time curl wrk
clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# An outdated or empty package list makes apt miss packages: refresh it first.
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
