#!/usr/bin/env bash
# certauth_verify.sh - the certauth-verify CLI end to end: a CA and a user
# certificate made with gmpki, statements made and signed by sign_statement
# (the helper's part), then each verdict and exit code.
set -euo pipefail

: "${GMPKI:?set GMPKI to the gmpki binary}"
: "${CERTAUTH_VERIFY:?set CERTAUTH_VERIFY to the certauth-verify binary}"
: "${SIGN_STATEMENT:?set SIGN_STATEMENT to the sign_statement binary}"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fails=0
pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

RP=wanfeng-zhibao
ORIGIN=https://zhibao.example.cn
CHAL=q2b1Yb6lU3nQ0bCqS4oB1m6wq8VvC7iJ0rM5XxkqZc8

"$GMPKI" ca init --dir "$T/ca" >/dev/null
"$GMPKI" ca init --dir "$T/ca2" --name "Other CA" >/dev/null
"$GMPKI" keygen -o "$T/ee.key" >/dev/null
"$GMPKI" req --key "$T/ee.key" --subject "/C=CN/O=测试企业/CN=user01" \
	-o "$T/ee.csr" >/dev/null
"$GMPKI" ca sign --dir "$T/ca" --csr "$T/ee.csr" --username user01 \
	--uscc 91350100M000100Y43 --org 测试企业 --days 100 \
	-o "$T/ee.pem" >/dev/null
CHAIN="$T/ca/issuing.pem"
# After issuing: the certificate is valid from the second it was made.
sleep 1
NOW=$(date +%s)

# make NAME USERNAME TIME: statement NAME.stmt and its signature NAME.sig
make_login() {
	"$SIGN_STATEMENT" make "$T/ee.pem" "$CHAL" "$RP" "$ORIGIN" "$2" "$3" \
		"$T/$1.stmt"
	"$SIGN_STATEMENT" sign "$T/ee.key" "$T/$1.stmt" "$T/$1.sig"
}

# run NAME ROOT USERNAME AT [extra args]: sets out and code
run() {
	local name=$1 rootf=$2 user=$3 at=$4
	shift 4
	code=0
	out=$("$CERTAUTH_VERIFY" --root "$rootf" --rp "$RP" --origin "$ORIGIN" \
		--username "$user" --statement "$T/$name.stmt" \
		--signature "$T/$name.sig" --cert "$T/ee.pem" --chain "$CHAIN" \
		--at "$at" "$@" 2>&1) || code=$?
}

expect() { # DESC WANT_CODE WANT_TEXT
	if [[ $code -eq $2 && $out == *"$3"* ]]; then
		pass "$1"
	else
		fail "$1 (exit $code, want $2 and '$3'): $out"
	fi
}

ROOT="$T/ca/root.pem"

# Valid, JSON and human.
make_login good user01 "$NOW"
run good "$ROOT" user01 "$NOW" --json
expect "valid statement, JSON" 0 '"ok":true'
expect "JSON reports the challenge" 0 "\"challenge\":\"$CHAL\""
expect "JSON reports the enterprise" 0 '"org":"测试企业"'
expect "JSON code OK" 0 '"code":"OK"'
run good "$ROOT" user01 "$NOW"
expect "valid statement, human" 0 "登录声明有效"

# The posted (base64url) forms are accepted too.
base64 -w0 <"$T/good.stmt" | tr '+/' '-_' | tr -d '=' >"$T/b64.stmt"
base64 -w0 <"$T/good.sig" | tr '+/' '-_' | tr -d '=' >"$T/b64.sig"
run b64 "$ROOT" user01 "$NOW" --json
expect "base64url statement and signature" 0 '"ok":true'

# Expiring soon (100-day certificate, warn within 200 days).
run good "$ROOT" user01 "$NOW" --json --warn-days 200
expect "expiring soon warning" 0 '"expiring_soon":true'
expect "expiring soon message" 0 '您的证书即将到期'

# Tampered statement: one byte changed, signature kept.
sed "s/user01/user02/" "$T/good.stmt" >"$T/tamper2.stmt"
printf '%s' "$(cat "$T/tamper2.stmt")" >"$T/tamper2.stmt"
cp "$T/good.sig" "$T/tamper2.sig"
run tamper2 "$ROOT" user02 "$NOW" --json
expect "tampered statement" 1 '"code":"SIGNATURE"'
run tamper2 "$ROOT" user02 "$NOW"
expect "tampered statement, human" 1 "签名验证失败"

# Wrong username (the session's user is not the certificate's).
make_login other user02 "$NOW"
run other "$ROOT" user02 "$NOW" --json
expect "wrong username" 1 "该证书与用户名不匹配"
run good "$ROOT" user02 "$NOW"
expect "session username differs" 1 "该证书与用户名不匹配"

# After expiry (statement made at that time so it is fresh).
LATE=$((NOW + 101 * 86400))
make_login late user01 "$LATE"
run late "$ROOT" user01 "$LATE" --json
expect "expired" 1 "证书已过期，请重新申请证书"

# Stale statement: its time is more than 120 s before --at.
run good "$ROOT" user01 "$((NOW + 120))" --json
expect "stale statement" 1 '"code":"CHALLENGE"'
run good "$ROOT" user01 "$((NOW + 119))" --json
expect "fresh at 119 s" 0 '"ok":true'

# Another CA's root.
run good "$T/ca2/root.pem" user01 "$NOW" --json
expect "another CA's root" 1 "证书不受信任"

# Another reporting system.
"$SIGN_STATEMENT" make "$T/ee.pem" "$CHAL" other-rp "$ORIGIN" user01 "$NOW" \
	"$T/rp.stmt"
"$SIGN_STATEMENT" sign "$T/ee.key" "$T/rp.stmt" "$T/rp.sig"
run rp "$ROOT" user01 "$NOW" --json
expect "another reporting system" 1 '"code":"RP"'

# Input and usage errors.
code=0
out=$("$CERTAUTH_VERIFY" --root "$ROOT" --rp "$RP" --origin "$ORIGIN" \
	--username user01 --statement "$T/missing.stmt" \
	--signature "$T/good.sig" --cert "$T/ee.pem" --json 2>&1) || code=$?
expect "missing statement file" 2 "missing.stmt"
code=0
out=$("$CERTAUTH_VERIFY" --root "$T/nope.pem" --rp "$RP" --origin "$ORIGIN" \
	--username user01 --statement "$T/good.stmt" \
	--signature "$T/good.sig" --cert "$T/ee.pem" 2>&1) || code=$?
expect "missing root file" 2 "nope.pem"
code=0
out=$("$CERTAUTH_VERIFY" --rp "$RP" 2>&1) || code=$?
expect "missing options" 2 "缺少必需的选项"
code=0
out=$("$CERTAUTH_VERIFY" --bogus 2>&1) || code=$?
expect "unknown option" 2 "未知选项"
run good "$ROOT" user01 "soon"
expect "bad --at" 2 "invalid --at"
code=0
out=$("$CERTAUTH_VERIFY" --help 2>&1) || code=$?
expect "help names the caller's challenge duty" 0 "caller MUST check"

if [[ $fails -ne 0 ]]; then
	echo "$fails failed"
	exit 1
fi
echo "all passed"
