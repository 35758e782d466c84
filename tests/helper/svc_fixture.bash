# svc_fixture.bash - shared by the helper's tests against real services
# (daemon_cli.sh, local_http_test.sh, consent_test.sh; tests/rp/
# revocation_fetch.sh too): an isolated HOME and XDG dirs, real certsvc
# instances (svc_start), honest tickets, a free port, the req/body/header
# helpers, and a cleanup that stops every daemon and service started.
# Sourced after tests/lib.sh; not a test itself (ctest runs
# tests/helper/*.sh only).  Sets S (the certsvc binary) and H (certhelper,
# when CERTHELPER is set); needs CERTSVC and BUILD_DIR.

: "${CERTSVC:?set CERTSVC to the certsvc binary}"
: "${BUILD_DIR:?set BUILD_DIR to the build folder}"
S=$CERTSVC
H=${CERTHELPER:-}

# need NAME TOOL...: the test NAME stops when a TOOL is not installed.
need() {
	local name=$1 tool
	shift
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$name: $tool is missing" >&2; exit 1; }
	done
}

# The helper's world: keystore and configuration under $W (so expect_fail
# notices any change there), the log and the socket outside it.
export HOME=$W/home
export XDG_CONFIG_HOME=$HOME/.config
export XDG_DATA_HOME=$HOME/.local/share
export XDG_STATE_HOME=$T/state
export XDG_RUNTIME_DIR=$T/run
export CERTHELPER_NO_SYSTEMD=1
unset DBUS_SESSION_BUS_ADDRESS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
mkdir -p "$HOME" "$XDG_STATE_HOME" "$T/san"
# In the sanitizer build, reports of the detached daemons would go to
# /dev/null: they go to files instead, for the test to look at.  (The
# services run without these options: their reports are not ours.)
export ASAN_OPTIONS="log_path=$T/san/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$T/san/ubsan:print_stacktrace=1"
mkdir -m 700 "$XDG_RUNTIME_DIR"
KS=$XDG_DATA_HOME/certhelper/keystore
CONF=$XDG_CONFIG_HOME/certhelper/certhelper.conf
RUN=$XDG_RUNTIME_DIR/certhelper
LOG=$XDG_STATE_HOME/certhelper/certhelper.log

# Processes to stop on exit: services by pid (SVC_PIDS), helper daemons by
# the pid in the lock file of each runtime folder (HELPER_RUNS).
SVC_PIDS=()
HELPER_RUNS=("$RUN")
cleanup() {
	local p r
	for r in "${HELPER_RUNS[@]}"; do
		if [ -f "$r/certhelper.lock" ] && p=$(cat "$r/certhelper.lock" 2>/dev/null) && [ -n "$p" ]; then
			kill "$p" 2>/dev/null || true
		fi
	done
	for p in "${SVC_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT

# svc_start NAME: init, demo, serve on a free port; sets URL_NAME, DB_NAME.
svc_start() {
	local name=$1 data=$T/$1 url i port
	env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" init --data "$data" --name "$name CA" >"$T/$name.init" 2>&1 ||
		{ cat "$T/$name.init" >&2; echo "certsvc init $name failed" >&2; exit 1; }
	sed -i 's/^pbkdf2_iter *=.*/pbkdf2_iter = 1000/' "$data/certsvc.conf"
	# A fixed port, and public_url naming it: the signed directory's
	# "service" must be the URL the helper is set up with.
	port=$(free_port)
	sed -i "s|^public_url *=.*|public_url = http://127.0.0.1:$port|" "$data/certsvc.conf"
	env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" demo --data "$data" >"$T/$name.demo" 2>&1 ||
		{ cat "$T/$name.demo" >&2; exit 1; }
	env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" serve --data "$data" --listen "127.0.0.1:$port" >"$T/$name.out" 2>"$T/$name.err" &
	SVC_PIDS+=($!)
	url=
	for i in $(seq 100); do
		url=$(sed -n 's/^certsvc: listening on \(http:[^ ]*\)$/\1/p' "$T/$name.out" 2>/dev/null || true)
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || { cat "$T/$name.err" >&2; echo "certsvc $name did not listen" >&2; exit 1; }
	printf -v "URL_$name" '%s' "$url"
	printf -v "DB_$name" '%s' "$data/certsvc.db"
	printf -v "ROOT_$name" '%s' "$data/ca/root.pem"
}

# sm3_of PEM: the SM3 fingerprint of a certificate, by openssl.
sm3_of() {
	openssl x509 -in "$1" -outform DER | openssl dgst -sm3 -r | cut -d' ' -f1
}

form_field() {
	sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$2" | head -1
}

# ticket URL DB USER PASS PURPOSE: logs in as a browser would (the
# captcha's answer read from the service's database, the only way: there
# is no bypass) and asks for a ticket with 下载证书; prints the ticket.
ticket() {
	local url=$1 db=$2 user=$3 pass=$4 purpose=$5 jar page cid ans code
	jar=$(mktemp "$T/jar.XXXXXX")
	page=$(mktemp "$T/page.XXXXXX")
	code=$(curl -sS -c "$jar" -b "$jar" -o "$page" -w '%{http_code}' "$url/$purpose")
	if [ "$code" = 404 ]; then
		# A tree without the service's pages: the ticket the page
		# would make, by svc_ticket_create (tests/helper/ticket_test.c).
		env -u ASAN_OPTIONS -u UBSAN_OPTIONS \
			"$BUILD_DIR/helper/helper_ticket_test" "$db" "$user" "$purpose"
		return
	fi
	cid=$(form_field cid "$page")
	ans=$(sqlite3 -readonly "$db" "SELECT answer FROM captchas WHERE id = '$cid'")
	curl -fsS -c "$jar" -b "$jar" -o /dev/null \
		--data-urlencode "csrf=$(form_field csrf "$page")" \
		--data-urlencode "purpose=$purpose" \
		--data-urlencode "page=/$purpose" \
		--data-urlencode "cid=$cid" \
		--data-urlencode "cts=$(form_field cts "$page")" \
		--data-urlencode "username=$user" \
		--data-urlencode "password=$pass" \
		--data-urlencode "captcha=$ans" "$url/login"
	curl -fsS -c "$jar" -b "$jar" -o "$page" "$url/apply/cert"
	curl -fsS -c "$jar" -b "$jar" -o "$page" \
		--data-urlencode "csrf=$(form_field csrf "$page")" "$url/apply/ticket"
	form_field ticket "$page"
}

# A free port from a range Chromium does not refuse (it blocks 6000,
# 6665-6669 and others below 10000).
free_port() {
	local p i
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 10000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "no free port" >&2
	exit 1
}

# req NAME [curl args...] URL: one request; status in $CODE, the body in
# $T/body.NAME, the headers in $T/hdr.NAME.  Every answer is scanned for
# key material.
ALL=$T/all-answers
: >"$ALL"
req() {
	local name=$1
	shift
	CODE=$(curl -sS -o "$T/body.$name" -D "$T/hdr.$name" -w '%{http_code}' "$@" || true)
	cat "$T/hdr.$name" "$T/body.$name" >>"$ALL"
}
not() { ! "$@"; }
body_has() { grep -qF -- "$2" "$T/body.$1"; }
hdr_has() { grep -qiF -- "$2" "$T/hdr.$1"; }
count_ids() { find "$KS/identities" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }
