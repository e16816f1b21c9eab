#!/bin/bash
# A throw-away PostgreSQL cluster for the tests.
#
#   scripts/pgtest.sh start DIR   creates (initdb) and starts a cluster in DIR; prints DIR,
#                                 the directory of its Unix socket (the host to give libpq)
#   scripts/pgtest.sh stop DIR    stops it (immediately: the data is thrown away anyway);
#                                 nothing to do when DIR holds no running cluster
#
# The cluster listens on a Unix socket in DIR only (no TCP), trusts every local connection
# and its superuser is named `oko`, whoever runs it: connect with
#   psql -h DIR -U oko postgres
# It is tuned for tests, not for keeping data (fsync, synchronous commit and full-page
# writes off) and takes up to 300 connections (tests/cli/t_concurrency.sh opens many).
# PostgreSQL refuses to run as root: as root, initdb and the server run as the `postgres`
# system user (Debian's package creates it), DIR is given to that user, and root connects
# through the socket as the role `oko`. The binaries come from `pg_config --bindir`.
# Start is idempotent (a running cluster is left as it is); the data lives in DIR/data, the
# server's log in DIR/log. Errors are explained on stderr and the exit status is non-zero.
set -u

die() { echo "pgtest: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 start|stop DIR"
cmd=$1
dir=$2
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}
data=$dir/data

# Settings from the caller's environment must not point the tools at another server.
unset PGDATA PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGOPTIONS PGSERVICE

command -v pg_config >/dev/null 2>&1 || die "pg_config not found: install libpq-dev and postgresql (scripts/deps.sh)"
bin=$(pg_config --bindir)
[ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] ||
	die "initdb or pg_ctl missing in $bin: install the postgresql package (scripts/deps.sh)"

# as_owner CMD...: runs CMD as the user who owns the cluster (postgres when we are root).
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	id -u "$owner" >/dev/null 2>&1 || die "running as root, but there is no '$owner' system user to run PostgreSQL as (the postgresql package creates it)"
	if command -v runuser >/dev/null 2>&1; then
		as_owner() { runuser -u "$owner" -- "$@"; }
	elif command -v setpriv >/dev/null 2>&1; then
		as_owner() { setpriv --reuid="$owner" --regid="$owner" --init-groups -- "$@"; }
	else
		die "running as root, but neither runuser nor setpriv is there to run PostgreSQL as '$owner'"
	fi
else
	owner=$(id -un)
	as_owner() { "$@"; }
fi

# running: the cluster in DIR answers to pg_ctl status.
running() { [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
	# The socket's path (DIR/.s.PGSQL.5432) must fit in sun_path (107 bytes).
	[ ${#dir} -le 90 ] || die "the directory's path is too long for a Unix socket (${#dir} characters, at most 90): $dir"
	mkdir -p "$dir" || die "cannot create $dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$owner:" "$dir" || die "cannot give $dir to the '$owner' user"
	fi
	chmod 700 "$dir" || die "cannot set the mode of $dir"
	as_owner test -w "$dir" -a -x "$dir" ||
		die "the '$owner' user cannot reach $dir (a parent directory is closed to it): choose a directory under /tmp"
	# The tools complain when they cannot return to the current directory.
	cd "$dir" || die "cannot enter $dir"
	if running; then
		echo "$dir"
		return 0
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		rm -rf "$data"
		# -N: no fsync of the new files (the cluster is thrown away).
		if ! as_owner "$bin/initdb" -D "$data" -U oko --auth=trust --locale=C -E UTF8 -N \
			>"$dir/initdb.log" 2>&1; then
			sed 's/^/    /' "$dir/initdb.log" >&2
			die "initdb failed in $data (its output is above)"
		fi
	fi
	if ! as_owner "$bin/pg_ctl" -D "$data" -l "$dir/log" -w -t 60 -s start -o "\
-c listen_addresses='' -k '$dir' -c unix_socket_permissions=0777 \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=300 -c shared_buffers=64MB -c max_wal_size=1GB \
-c log_min_messages=warning -c log_min_error_statement=panic" >"$dir/pg_ctl.log" 2>&1; then
		{ cat "$dir/pg_ctl.log"; tail -20 "$dir/log" 2>/dev/null; } | sed 's/^/    /' >&2
		die "the server did not start in $dir (pg_ctl's output and the server's log are above)"
	fi
	echo "$dir"
}

stop() {
	[ -f "$data/postmaster.pid" ] || return 0
	cd / || true
	if ! as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 -s stop >/dev/null 2>&1; then
		# pg_ctl could not stop it (or it was already gone): end the postmaster it named.
		local pid
		pid=$(head -1 "$data/postmaster.pid" 2>/dev/null)
		if [[ "$pid" =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]; then
			kill -QUIT "$pid" 2>/dev/null
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null
		fi
		rm -f "$data/postmaster.pid"
	fi
	return 0
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) die "unknown command '$cmd' (start or stop)" ;;
esac
