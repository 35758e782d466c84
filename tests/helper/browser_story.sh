#!/usr/bin/env bash
# browser_story.sh - the seed's §3-4 story in Debian's Chromium, with a
# real certsvc and a real certhelper daemon (tests/browser/
# helper_story.test.mjs, run with `node --test`): portal -> 申请证书 ->
# login with the captcha -> 企业代码/企业名称 -> 下载证书 -> the helper's
# 下载成功 -> 确定 -> the certificate information page; then the console
# opened with `certhelper console` lists the new certificate.
# Needs /usr/bin/chromium, node >= 20, sqlite3, curl, openssl and
# `npm ci --prefix tests/browser` (missing any of them is a failure).
# Screenshots go to BUILD_DIR/browser/helper-*.png.
# Env (ctest): CERTHELPER, CERTSVC, GMPKI, SRC_DIR, BUILD_DIR.
set -euo pipefail

fail() { echo "browser_story: $*" >&2; exit 1; }

: "${CERTHELPER:?CERTHELPER not set}" "${CERTSVC:?CERTSVC not set}"
: "${SRC_DIR:?SRC_DIR not set}" "${BUILD_DIR:?BUILD_DIR not set}"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (apt-get install chromium fonts-wqy-microhei)"
command -v node >/dev/null || fail "node is missing"
for tool in sqlite3 curl openssl; do
	command -v "$tool" >/dev/null || fail "$tool is missing"
done
[ -d "$SRC_DIR/tests/browser/node_modules/playwright-core" ] ||
	fail "playwright-core is not installed: run npm ci --prefix $SRC_DIR/tests/browser"

work=$(mktemp -d "${TMPDIR:-/tmp}/browser-story-XXXXXX")
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
pid=
cleanup() {
	"$CERTHELPER" stop >/dev/null 2>&1 || true
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ "${keep:-0}" = 1 ]; then
		echo "browser_story: data kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# Two free ports from a range Chromium accepts (it refuses 6000, 6665-6669
# and other well-known ports): the service's and the helper's.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick() {
	local p i
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 10000))
		[ "$p" != "${1:-}" ] && port_free "$p" && { echo "$p"; return; }
	done
	fail "no free port"
}
port=$(pick)
hport=$(pick "$port")
base="http://127.0.0.1:$port"
hbase="http://127.0.0.1:$hport"

data=$work/data
env -u ASAN_OPTIONS "$CERTSVC" init --data "$data" --listen "127.0.0.1:$port" --public-url "$base" \
	>"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; fail "certsvc init failed"; }
conf=$data/certsvc.conf
sed -i 's/^pbkdf2_iter *=.*/pbkdf2_iter = 1000/' "$conf"
if grep -q "^helper_port *=" "$conf"; then
	sed -i "s|^helper_port *=.*|helper_port = $hport|" "$conf"
else
	echo "helper_port = $hport" >>"$conf"
fi
env -u ASAN_OPTIONS "$CERTSVC" demo --data "$data" >"$work/demo.log" 2>&1 ||
	{ cat "$work/demo.log" >&2; fail "certsvc demo failed"; }
db=$(sed -n 's/^database *= *sqlite://p' "$conf")
[ -n "$db" ] || db="$data/certsvc.db"
env -u ASAN_OPTIONS "$CERTSVC" serve --data "$data" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	curl -fsS -o /dev/null "$base/help" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "certsvc serve exited"; }
	sleep 0.1
done

# The helper: its port, the service with its root pinned, started.
mkdir -p "$XDG_CONFIG_HOME/certhelper"
echo "port = $hport" >"$XDG_CONFIG_HOME/certhelper/certhelper.conf"
fp=$(openssl x509 -in "$data/ca/root.pem" -outform DER | openssl dgst -sm3 -r | cut -d' ' -f1)
"$CERTHELPER" setup --service "$base" --root-sm3 "$fp" >"$work/setup.log" 2>&1 ||
	{ cat "$work/setup.log" >&2; fail "certhelper setup failed"; }
"$CERTHELPER" start >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; fail "certhelper start failed"; }
for _ in $(seq 50); do
	curl -s -o /dev/null "$hbase/v1/ping" && break
	sleep 0.1
done
console=$("$CERTHELPER" console 2>/dev/null | head -1)
case $console in
"$hbase/console?token="*) ;;
*) fail "certhelper console printed '$console'" ;;
esac

set +e
BASE="$base" HELPER="$hbase" DB="$db" OUT="$out" CONSOLE_URL="$console" \
	CERTHELPER="$CERTHELPER" USER_NAME=demo1 USER_PASS=Demo@2026a \
	node --test "$SRC_DIR/tests/browser/helper_story.test.mjs"
rc=$?
set -e
if [ $rc -ne 0 ]; then
	keep=1
	echo "--- certsvc serve log ---" >&2
	tail -n 30 "$work/serve.log" >&2
	echo "--- certhelper log ---" >&2
	tail -n 30 "$XDG_STATE_HOME/certhelper/certhelper.log" >&2
fi
echo "browser_story: screenshots in $out/helper-*.png"
exit $rc
