# Helpers for HTTP black-box tests: start the real `oko serve` on a free port of the
# loopback address, and make requests with curl as a given user.
#   start_server [ARGS]    starts it on $OKO_DB (with serve's ARGS), sets $URL, stops it
#                          at exit; stop_server stops it earlier
#   login NAME PASSWORD    logs in, keeps the cookie in $T/NAME.jar
#   get NAME PATH          GET as NAME ("-" for anonymous); body in $T/body, status in $code
#   post NAME PATH DATA... POST urlencoded fields (curl --data-urlencode args) + CSRF token
#   upload NAME PATH -F... POST multipart fields + CSRF token
#   try_login LOGIN PW     a login attempt whose cookie is not kept
#   csrf_of NAME           the CSRF token of NAME's session (read from a page)

start_server() {
	"$OKO" serve --listen 127.0.0.1:0 "$@" >"$T/serve.log" 2>&1 &
	SERVER_PID=$!
	trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; db_cleanup' EXIT
	for _ in $(seq 100); do
		port=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serve.log" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		sleep 0.05
	done
	URL=http://127.0.0.1:$port
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
}

jar() { [ "$1" = - ] && echo /dev/null || echo "$T/$1.jar"; }

get() {
	code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$(jar "$1")" "$URL$2")
}

csrf_of() {
	curl -s -b "$(jar "$1")" "$URL/" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'
}

post() {
	local who=$1 path=$2; shift 2
	local token
	token=$(csrf_of "$who")
	code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$(jar "$who")" -c "$(jar "$who")" \
		--data-urlencode "csrf=$token" "$@" "$URL$path")
}

# upload NAME PATH -F args...: a multipart POST with the user's CSRF token.
upload() {
	local who=$1 path=$2; shift 2
	local token
	token=$(csrf_of "$who")
	code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$(jar "$who")" -F "csrf=$token" "$@" "$URL$path")
}

# try_login LOGIN PASSWORD: a login attempt that keeps no cookie (for failures).
try_login() {
	code=$(curl -s -o "$T/body" -w '%{http_code}' --data-urlencode "login=$1" \
		--data-urlencode "password=$2" "$URL/login")
}

login() {
	code=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/$1.jar" \
		--data-urlencode "login=$1" --data-urlencode "password=$2" "$URL/login")
}

# raw REQUEST: sends REQUEST (printf escapes: \r\n) over a fresh TCP connection and keeps
# what the server answers within 5 s in $T/raw, its first status code in $code, and the
# number of responses in $nresp.
raw() {
	exec 7<>"/dev/tcp/127.0.0.1/${URL##*:}"
	# In a subshell: a server that closes early must not kill the test with SIGPIPE.
	(printf "$1" >&7) 2>/dev/null
	timeout 5 cat <&7 >"$T/raw"
	exec 7<&-
	code=$(head -1 "$T/raw" | grep -ao 'HTTP/1\.[01] [0-9]*' | grep -o '[0-9]*$')
	nresp=$(grep -ac '^HTTP/1\.[01] [0-9]' "$T/raw")
}
