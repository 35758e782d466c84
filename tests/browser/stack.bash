# stack.bash - what the browser stories share (tests/helper/browser_story.sh,
# tests/reportsys/login_story.sh): the checks of what they need, an
# isolated HOME and XDG folders, free ports Chromium accepts, a certsvc with
# the demo data, a certhelper set up against it, and a cleanup that stops
# every process started.  Sourced after `set -euo pipefail` with STORY set
# (the story's name, for messages); not a test itself.
# Needs CERTHELPER, CERTSVC, SRC_DIR and BUILD_DIR.

: "${STORY:?}" "${CERTHELPER:?}" "${CERTSVC:?}" "${SRC_DIR:?}" "${BUILD_DIR:?}"

fail() { echo "$STORY: $*" >&2; exit 1; }

# need TOOL...: Chromium, node, playwright-core and each TOOL, or a failure.
need() {
	local tool
	[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (apt-get install chromium fonts-wqy-microhei)"
	command -v node >/dev/null || fail "node is missing"
	for tool in "$@"; do
		command -v "$tool" >/dev/null || fail "$tool is missing"
	done
	[ -d "$SRC_DIR/tests/browser/node_modules/playwright-core" ] ||
		fail "playwright-core is not installed: run npm ci --prefix $SRC_DIR/tests/browser"
}

# The story's world: $work (kept when keep=1 at exit), $out for the
# screenshots, the helper's HOME and XDG folders inside $work.
work=$(mktemp -d "${TMPDIR:-/tmp}/$STORY-XXXXXX")
out="$BUILD_DIR/browser"
mkdir -p "$out"
export HOME=$work/home
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
export XDG_STATE_HOME=$work/state XDG_RUNTIME_DIR=$work/run
export CERTHELPER_NO_SYSTEMD=1
unset DBUS_SESSION_BUS_ADDRESS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
mkdir -p "$HOME" "$XDG_STATE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"
pids=()
cleanup() {
	local p
	"$CERTHELPER" stop >/dev/null 2>&1 || true
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ "${keep:-0}" = 1 ]; then
		echo "$STORY: data kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# pick: a free port from a range Chromium accepts (it refuses 6000,
# 6665-6669 and other well-known ports), never one picked before.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
taken=" "
pick() {
	local p i
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 10000))
		case $taken in *" $p "*) continue ;; esac
		if port_free "$p"; then
			echo "$p"
			return
		fi
	done
	fail "no free port"
}
# ports VAR...: a distinct free port in each VAR
ports() {
	local v p
	for v in "$@"; do
		p=$(pick)
		taken="$taken$p "
		printf -v "$v" '%s' "$p"
	done
}

# wait_http URL PID LOG: URL answers, or the server's log and a failure.
wait_http() {
	local i
	for i in $(seq 150); do
		curl -s -o /dev/null "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || { cat "$3" >&2; fail "$1: the server exited"; }
		sleep 0.1
	done
	cat "$3" >&2
	fail "$1 did not answer"
}

# svc_init PORT HPORT: certsvc's data in $data with the demo accounts and
# reporting systems, on PORT, telling its pages the helper is on HPORT;
# sets base, data, db.  svc_serve starts it.
svc_init() {
	local conf
	base="http://127.0.0.1:$1"
	data=$work/data
	db=$data/certsvc.db
	env -u ASAN_OPTIONS "$CERTSVC" init --data "$data" --listen "127.0.0.1:$1" --public-url "$base" \
		>"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; fail "certsvc init failed"; }
	conf=$data/certsvc.conf
	sed -i 's/^pbkdf2_iter *=.*/pbkdf2_iter = 1000/' "$conf"
	if grep -q "^helper_port *=" "$conf"; then
		sed -i "s|^helper_port *=.*|helper_port = $2|" "$conf"
	else
		echo "helper_port = $2" >>"$conf"
	fi
	env -u ASAN_OPTIONS "$CERTSVC" demo --data "$data" >"$work/demo.log" 2>&1 ||
		{ cat "$work/demo.log" >&2; fail "certsvc demo failed"; }
}
svc_serve() {
	env -u ASAN_OPTIONS "$CERTSVC" serve --data "$data" >"$work/serve.log" 2>&1 &
	pids+=($!)
	wait_http "$base/help" "${pids[-1]}" "$work/serve.log"
}

# helper_up HPORT: certhelper on HPORT, set up against $base with its
# root pinned, started; sets hbase and console (the console's URL).
helper_up() {
	local fp
	hbase="http://127.0.0.1:$1"
	mkdir -p "$XDG_CONFIG_HOME/certhelper"
	echo "port = $1" >"$XDG_CONFIG_HOME/certhelper/certhelper.conf"
	fp=$(openssl x509 -in "$data/ca/root.pem" -outform DER | openssl dgst -sm3 -r | cut -d' ' -f1)
	"$CERTHELPER" setup --service "$base" --root-sm3 "$fp" >"$work/setup.log" 2>&1 ||
		{ cat "$work/setup.log" >&2; fail "certhelper setup failed"; }
	"$CERTHELPER" start >"$work/start.log" 2>&1 ||
		{ cat "$work/start.log" >&2; fail "certhelper start failed"; }
	for _ in $(seq 50); do
		curl -s -o /dev/null "$hbase/v1/ping" && break
		sleep 0.1
	done
	console=$("$CERTHELPER" console 2>/dev/null | head -1)
	case $console in
	"$hbase/console?token="*) ;;
	*) fail "certhelper console printed '$console'" ;;
	esac
}
