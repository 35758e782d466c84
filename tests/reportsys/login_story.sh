#!/usr/bin/env bash
# login_story.sh - the seed's §5 (登录联网直报系统) and FAQ 4-7 end to end
# in Debian's Chromium with real processes: certsvc (the service and its
# OCSP responder), certhelper (the 客户身份验证 window) and two reportsys
# instances - "zhibao", and "zhibao-clock" whose clock libfaketime moves
# (to see 您的证书即将到期 and 证书已过期 without any backdating feature
# in the CA).  The browser part is tests/browser/login_story.test.mjs.
# Needs /usr/bin/chromium, node, sqlite3, curl, openssl, python3, faketime
# and `npm ci --prefix tests/browser` (missing any of them is a failure).
# Screenshots go to BUILD_DIR/browser/login-*.png.
# Env (ctest): CERTHELPER, CERTSVC, REPORTSYS, SRC_DIR, BUILD_DIR.
set -euo pipefail

STORY=login_story
: "${CERTHELPER:?}" "${CERTSVC:?}" "${REPORTSYS:?}" "${SRC_DIR:?}" "${BUILD_DIR:?}"
. "$SRC_DIR/tests/browser/stack.bash"
need sqlite3 curl openssl python3
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
[ -n "$faketime_lib" ] || fail "libfaketime is missing (apt-get install faketime)"
# sanitizer reports (ASan build) go to files checked at the end
mkdir -p "$work/san"
export ASAN_OPTIONS="log_path=$work/san/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$work/san/ubsan:print_stacktrace=1"

ports port hport rport cport eport
rbase="http://127.0.0.1:$rport"
cbase="http://127.0.0.1:$cport"
ebase="http://127.0.0.1:$eport"

# --- certsvc, with the two reporting systems in its directory ------------
svc_init "$port" "$hport"
for rp in "zhibao $rbase 测试联网直报系统" "zhibao-clock $cbase 测试联网直报系统（时钟）"; do
	set -- $rp
	env -u ASAN_OPTIONS "$CERTSVC" rp add --data "$data" --id "$1" --name "$3" --type 一套表联网直报 \
		--vendor 测试 --origin "$2" --return-url "$2/certauth/return" >>"$work/rp.log" 2>&1 ||
		{ cat "$work/rp.log" >&2; fail "certsvc rp add $1 failed"; }
done
svc_serve

# --- the helper ---------------------------------------------------------------
helper_up "$hport"

# --- the reporting systems ---------------------------------------------------
rs_setup() { # ID PORT REVOCATION
	local dir=$work/rs-$1 a
	mkdir -p "$dir"
	cp "$data/ca/root.pem" "$dir/root.pem"
	cat >"$dir/reportsys.conf" <<CONF
listen = 127.0.0.1:$2
name = 测试联网直报系统
rp_id = $1
origin = http://127.0.0.1:$2
root = root.pem
accounts = accounts
service_url = $base
helper_url = $hbase
revocation = $3
CONF
	for a in "demo1 Demo@2026a" "demo2 Demo@2026b" "demo3 Demo@2026c"; do
		set -- $a
		printf '%s\n' "$2" | env -u ASAN_OPTIONS "$REPORTSYS" passwd --iter 1000 --accounts "$dir/accounts" "$1" ||
			fail "reportsys passwd failed"
	done
}
rs_setup zhibao "$rport" fetch
rs_setup zhibao-clock "$cport" none
"$REPORTSYS" serve --config "$work/rs-zhibao/reportsys.conf" >"$work/rs.log" 2>&1 &
pids+=($!)
wait_http "$rbase/" "${pids[-1]}" "$work/rs.log"
# The clock instance: libfaketime reads the offset from a file at every
# call, so the browser test moves it (the helper and the service keep the
# real time).  Its revocation check is off: the service's OCSP answers
# and CRL are valid for hours, not at a clock three years ahead.
clock=$work/clock
echo "+0d" >"$clock"
LD_PRELOAD=$faketime_lib FAKETIME_TIMESTAMP_FILE=$clock FAKETIME_NO_CACHE=1 \
	ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
	"$REPORTSYS" serve --config "$work/rs-zhibao-clock/reportsys.conf" >"$work/rs-clock.log" 2>&1 &
pids+=($!)
wait_http "$cbase/" "${pids[-1]}" "$work/rs-clock.log"

# --- a page on another origin that tries to drive the helper --------------
mkdir -p "$work/evil"
cat >"$work/evil/evil.html" <<HTML
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>evil</title></head><body>
<iframe id="frame" src="$hbase/v1/login?rp=zhibao&amp;challenge=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&amp;username=demo1"></iframe>
<form id="confirm" method="post" action="$hbase/v1/login/confirm">
<input name="token" value="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA">
<input name="id" value="0000000000000000000000000000000000000000000000000000000000000000">
<input name="action" value="ok"><button id="go">go</button></form>
</body></html>
HTML
(cd "$work/evil" && exec python3 -m http.server "$eport" --bind 127.0.0.1) >"$work/evil.log" 2>&1 &
pids+=($!)
wait_http "$ebase/evil.html" "${pids[-1]}" "$work/evil.log"

set +e
BASE="$base" HELPER="$hbase" RS="$rbase" RS_CLOCK="$cbase" CLOCK_FILE="$clock" EVIL="$ebase" \
	DB="$db" OUT="$out" CONSOLE_URL="$console" CERTHELPER="$CERTHELPER" \
	node --test --test-concurrency=1 "$SRC_DIR/tests/browser/login_story.test.mjs"
rc=$?
set -e
if [ $rc -ne 0 ]; then
	keep=1
	for f in serve.log rs.log rs-clock.log; do
		echo "--- $f ---" >&2
		tail -n 30 "$work/$f" >&2
	done
	echo "--- certhelper log ---" >&2
	tail -n 30 "$XDG_STATE_HOME/certhelper/certhelper.log" >&2
fi
if ls "$work"/san/* >/dev/null 2>&1; then
	cat "$work"/san/* >&2
	echo "login_story: sanitizer reports" >&2
	rc=1
fi
echo "login_story: screenshots in $out/login-*.png"
exit $rc
