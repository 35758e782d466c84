#!/usr/bin/env bash
# browser_pages.sh - certsvc's pages in Debian's Chromium, driven by
# playwright-core (tests/browser/pages.test.mjs with `node --test`).
# Starts its own certsvc on a free loopback port with a fresh data
# directory and one demo account.  Needs: /usr/bin/chromium, node >= 20,
# sqlite3, and `npm ci --prefix tests/browser` run once.  Missing any of
# them is a failure, not a skip: CI installs them.
# Env (set by ctest): CERTSVC, GMPKI, SRC_DIR, BUILD_DIR.
set -euo pipefail

fail() { echo "browser_pages: $*" >&2; exit 1; }

: "${CERTSVC:?CERTSVC not set}" "${GMPKI:?GMPKI not set}"
: "${SRC_DIR:?SRC_DIR not set}" "${BUILD_DIR:?BUILD_DIR not set}"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (apt-get install chromium fonts-wqy-microhei)"
command -v node >/dev/null || fail "node is missing"
command -v sqlite3 >/dev/null || fail "sqlite3 (the CLI) is missing"
[ -d "$SRC_DIR/tests/browser/node_modules/playwright-core" ] ||
	fail "playwright-core is not installed: run npm ci --prefix $SRC_DIR/tests/browser"
[ -x "$CERTSVC" ] || fail "no certsvc at $CERTSVC"

work=$(mktemp -d "${TMPDIR:-/tmp}/browser-pages-XXXXXX")
data="$work/data"
out="$BUILD_DIR/browser"
mkdir -p "$out"
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ "${keep:-0}" = 1 ]; then
		echo "browser_pages: data kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# Two free loopback ports: the service's, and a helper port nobody
# listens on (the pages must show that the helper is not running).
read -r port helper_port < <(node -e '
const net = require("net");
const get = () => new Promise((ok) => { const s = net.createServer();
  s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
(async () => { console.log((await get()) + " " + (await get())); })();')
base="http://127.0.0.1:$port"

"$CERTSVC" init --data "$data" --listen "127.0.0.1:$port" --public-url "$base" \
	>"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; fail "certsvc init failed"; }
conf="$data/certsvc.conf"
grep -q "^public_url = $base\$" "$conf" || fail "init did not take --public-url"
if grep -q "^helper_port *=" "$conf"; then
	sed -i "s|^helper_port *=.*|helper_port = $helper_port|" "$conf"
else
	echo "helper_port = $helper_port" >>"$conf"
fi
db=$(sed -n 's/^database *= *sqlite://p' "$conf")
[ -n "$db" ] || db="$data/certsvc.db"

# One enterprise and account, and the reporting-system directory, through
# the admin CLI.
user=demo1 pass=demo-pass-1 org="浏览器测试企业" uscc=91350100M000100Y43
printf 'username,uscc,name,password\n%s,%s,%s,%s\n' "$user" "$uscc" "$org" "$pass" >"$work/accounts.csv"
"$CERTSVC" import --data "$data" "$work/accounts.csv" >"$work/admin.log" 2>&1 ||
	{ cat "$work/admin.log" >&2; fail "certsvc import failed"; }
rp_add() {
	"$CERTSVC" rp add --data "$data" --id "$1" --name "$2" --type 一套表 \
		--vendor "$3" --province "$4" --origin "$5" --return-url "$5/certlogin" \
		>>"$work/admin.log" 2>&1 || { cat "$work/admin.log" >&2; fail "certsvc rp add $1 failed"; }
}
rp_add wanfeng 万峰联网直报系统 万峰 "" https://wf.example.cn
rp_add tongfang 同方联网直报系统 同方 "" https://tf.example.cn
rp_add gd 广东省联网直报系统 自建 广东 https://gd.example.cn

"$CERTSVC" serve --data "$data" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	curl -fsS -o /dev/null "$base/help" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "certsvc serve exited"; }
	sleep 0.1
done
curl -fsS -o /dev/null "$base/help" || { cat "$work/serve.log" >&2; fail "certsvc serve does not answer"; }

set +e
BASE="$base" DB="$db" GMPKI="$GMPKI" OUT="$out" USER_NAME="$user" USER_PASS="$pass" \
	USER_ORG="$org" USER_USCC="$uscc" \
	node --test "$SRC_DIR/tests/browser/pages.test.mjs"
rc=$?
set -e
if [ $rc -ne 0 ]; then
	keep=1
	echo "--- certsvc serve log ---" >&2
	tail -n 50 "$work/serve.log" >&2
fi
echo "browser_pages: screenshots in $out"
exit $rc
