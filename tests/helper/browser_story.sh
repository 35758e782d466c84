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

STORY=browser_story
: "${CERTHELPER:?CERTHELPER not set}" "${CERTSVC:?CERTSVC not set}"
: "${SRC_DIR:?SRC_DIR not set}" "${BUILD_DIR:?BUILD_DIR not set}"
. "$SRC_DIR/tests/browser/stack.bash"
need sqlite3 curl openssl

ports port hport
svc_init "$port" "$hport"
svc_serve
helper_up "$hport"

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
