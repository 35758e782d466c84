#!/bin/bash
# consent_test.sh - the reporting-system login window of the helper
# (GET /v1/login, POST /v1/login/confirm; docs/LOGIN-PROTOCOL.md §3-5)
# against a real certsvc (`certsvc demo`: 万峰 = wanfeng at
# http://127.0.0.1:8450, return /certauth/return) and a real certhelper with
# demo1's certificate enrolled:
#
#   refused:  an unregistered rp (未登记的直报系统), a bad challenge, a bad
#             username; no window, no token
#   window:   客户身份验证 lists demo1 with 企业名称 and 有效期
#   confirm:  without the token, with a used token, with a foreign Origin
#             or none: 403
#   确定:      the form posts to exactly the registered return URL, and the
#             posted statement verifies with certauth-verify (rp wanfeng,
#             username demo1)
#   remember: the next /v1/login goes straight to the post; after
#             `certhelper clear` the window shows again
#   取消:      error=cancelled, and nothing else, to the return URL
#   已过期:    three years on (service and helper under libfaketime), an
#             ended certificate is still offered, marked 已过期, and the
#             verifier says 证书已过期，请重新申请证书
#
# Env (ctest): CERTHELPER, CERTSVC, GMPKI, SRC_DIR, BUILD_DIR.  Needs curl,
# sqlite3, openssl, python3.
. "$(dirname "$0")/../lib.sh"

: "${CERTHELPER:?set CERTHELPER to the certhelper binary}"
. "$(dirname "$0")/svc_fixture.bash"
need consent_test curl sqlite3 openssl python3

VERIFY=${CERTAUTH_VERIFY:-$BUILD_DIR/rp/certauth-verify}
[ -x "$VERIFY" ] || { echo "consent_test: $VERIFY is missing" >&2; exit 1; }

# fields NAME: the hidden fields of $T/body.NAME's form into $T/f.NAME.FIELD,
# its action into $T/f.NAME.action.
fields() {
	python3 - "$T/body.$1" "$T/f.$1" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "certauth-post":
            open(sys.argv[2] + ".action", "w").write(a.get("action", ""))
        if tag == "input" and a.get("type") == "hidden":
            open(sys.argv[2] + "." + a["name"], "w").write(a.get("value", ""))
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
PY
}
# token NAME: the consent window's token
token_of() { form_field token "$T/body.$1"; }
# radio NAME: the first identity offered
radio_of() { sed -n 's/.*name="id" value="\([0-9a-f]*\)".*/\1/p' "$T/body.$1" | head -1; }
chal() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

svc_start one
PORT=$(free_port)
HB=http://127.0.0.1:$PORT
ORIGIN=$URL_one
SELF=(-H "Origin: $HB" -H "Content-Type: application/x-www-form-urlencoded")
RPR=http://127.0.0.1:8450/certauth/return

mkdir -p "$(dirname "$CONF")"
echo "port = $PORT" >"$CONF"
t "setup and start"
expect_ok "$H" setup --service "$URL_one" --root-sm3 "$(sm3_of "$ROOT_one")"
expect_ok "$H" start
for _ in $(seq 50); do curl -s -o /dev/null "$HB/v1/ping" && break; sleep 0.1; done
for _ in $(seq 50); do [ -f "$KS/directory.json" ] && break; sleep 0.1; done

t "enroll demo1"
T1=$(ticket "$URL_one" "$DB_one" demo1 Demo@2026a apply)
req en -H "Origin: $ORIGIN" --data-urlencode "ticket=$T1" --data-urlencode "service=$ORIGIN" \
	--data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "enroll 200" [ "$CODE" = 200 ]
ID1=$("$H" list | awk '$2 == "demo1" { print $1 }' | head -1)
check "an ID" [ ${#ID1} -eq 16 ]

# --- refusals -------------------------------------------------------------------
C=$(chal)
t "an unregistered rp: 未登记的直报系统"
req l_unk "$HB/v1/login?rp=evil&challenge=$C&username=demo1"
check "unknown rp 403" [ "$CODE" = 403 ]
check "unknown rp: 未登记的直报系统" body_has l_unk "未登记的直报系统"
check "unknown rp: no window" not body_has l_unk 'name="token"'
t "a system registered after the helper started is found by a fresh fetch"
env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" rp add --data "$T/one" --id latecomer --name 新登记直报系统 \
	--type 一套表联网直报 --vendor 测试 --origin http://127.0.0.1:8459 \
	--return-url http://127.0.0.1:8459/certauth/return >/dev/null
sleep 11   # the helper fetches again on an unknown system at most every 10 s
req l_late "$HB/v1/login?rp=latecomer&challenge=$C&username=demo1"
check "newly registered rp: the window" [ "$CODE" = 200 ]
check "newly registered rp: its name" body_has l_late "新登记直报系统"
check "the log says the directory was fetched again" grep -q "directory refreshed.*: 4 registered" "$LOG"
req l_unk2 "$HB/v1/login?rp=evil&challenge=$C&username=demo1"
check "still unknown: 403 (no fetch within 10 s)" [ "$CODE" = 403 ]
t "a bad challenge: refused"
req l_chal "$HB/v1/login?rp=wanfeng&challenge=short&username=demo1"
check "short challenge 400" [ "$CODE" = 400 ]
check "short challenge: no window" not body_has l_chal 'name="token"'
req l_chal2 "$HB/v1/login?rp=wanfeng&challenge=${C%?}%3D&username=demo1"
check "challenge with = 400" [ "$CODE" = 400 ]
t "a bad username: refused"
req l_user "$HB/v1/login?rp=wanfeng&challenge=$C&username=a%0Ab"
check "control character 400" [ "$CODE" = 400 ]
req l_user2 "$HB/v1/login?rp=wanfeng&challenge=$C&username=$(head -c 129 /dev/zero | tr '\0' a)"
check "129 bytes 400" [ "$CODE" = 400 ]
req l_user3 "$HB/v1/login?rp=wanfeng&challenge=$C&username="
check "empty 400" [ "$CODE" = 400 ]

# --- the window -----------------------------------------------------------------
t "the window: 客户身份验证 with demo1, 企业名称, 有效期"
req l_win "$HB/v1/login?rp=wanfeng&challenge=$C&username=demo1"
check "no key with a PIN: the PIN field is hidden" body_has l_win 'class="pin-row" data-any=""'
check "window 200" [ "$CODE" = 200 ]
check "客户身份验证" body_has l_win "客户身份验证"
check "the system's name" body_has l_win "万峰联网直报系统"
check "demo1 offered" [ "$(radio_of l_win)" = "$ID1" ]
check "企业名称" body_has l_win "企业名称"
check "有效期" body_has l_win "有效期"
check "a valid certificate is not marked 已过期" not body_has l_win "已过期"
check "记住此系统的选择" body_has l_win "记住此系统的选择"
check "确定 / 取消" body_has l_win "确定"
check "no framing" hdr_has l_win "X-Frame-Options: DENY"
check "frame-ancestors 'none'" hdr_has l_win "frame-ancestors 'none'"
TOK=$(token_of l_win)
check "a token" [ ${#TOK} -eq 43 ]

t "confirm without the token: 403"
req c_notok "${SELF[@]}" --data "action=ok&id=$ID1" "$HB/v1/login/confirm"
check "no token 403" [ "$CODE" = 403 ]
t "confirm with a foreign Origin: 403"
req c_evil -H "Origin: http://evil.example" --data-urlencode "token=$TOK" \
	--data "action=ok&id=$ID1" "$HB/v1/login/confirm"
check "foreign Origin 403" [ "$CODE" = 403 ]
check "foreign Origin: no form" not body_has c_evil "certauth-post"
req c_rp -H "Origin: http://127.0.0.1:8450" --data-urlencode "token=$TOK" \
	--data "action=ok&id=$ID1" "$HB/v1/login/confirm"
check "the rp's own Origin 403" [ "$CODE" = 403 ]
req c_none --data-urlencode "token=$TOK" --data "action=ok&id=$ID1" "$HB/v1/login/confirm"
check "no Origin 403" [ "$CODE" = 403 ]

t "确定: the statement goes to the registered return URL and verifies"
req c_ok "${SELF[@]}" --data-urlencode "token=$TOK" --data "action=ok&id=$ID1" "$HB/v1/login/confirm"
check "confirm 200" [ "$CODE" = 200 ]
fields c_ok
check "form action is exactly the return URL" [ "$(cat "$T/f.c_ok.action")" = "$RPR" ]
check "the posting page allows form-action to the RP's origin only" \
    grep -qiE "^Content-Security-Policy: .*form-action http://127\.0\.0\.1:8450;" "$T/hdr.c_ok"
check "one Content-Security-Policy header" \
    [ "$(grep -ci '^Content-Security-Policy:' "$T/hdr.c_ok")" = 1 ]
check "auto-submit script" body_has c_ok '<script src="/static/autopost.js"></script>'
check "a visible 继续" body_has c_ok "继续"
check "four fields" test -s "$T/f.c_ok.statement" -a -s "$T/f.c_ok.signature" -a -s "$T/f.c_ok.certificate" -a -s "$T/f.c_ok.chain"
expect_ok "$VERIFY" --root "$ROOT_one" --rp wanfeng --origin http://127.0.0.1:8450 --username demo1 \
	--statement "$T/f.c_ok.statement" --signature "$T/f.c_ok.signature" \
	--cert "$T/f.c_ok.certificate" --chain "$T/f.c_ok.chain" --json
expect_out '"ok":true'
expect_out "\"challenge\":\"$C\""
t "the statement names another rp: refused by the verifier"
expect_fail 1 '"code":"RP"' "$VERIFY" --root "$ROOT_one" --rp tongfang --origin http://127.0.0.1:8451 \
	--username demo1 --statement "$T/f.c_ok.statement" --signature "$T/f.c_ok.signature" \
	--cert "$T/f.c_ok.certificate" --chain "$T/f.c_ok.chain" --json
t "the token is single use"
req c_again "${SELF[@]}" --data-urlencode "token=$TOK" --data "action=ok&id=$ID1" "$HB/v1/login/confirm"
check "used token 403" [ "$CODE" = 403 ]
check "used token: no form" not body_has c_again "certauth-post"
t "autopost.js is served"
req js "$HB/static/autopost.js"
check "js 200" [ "$CODE" = 200 ]

# --- remember ---------------------------------------------------------------------
t "确定 with 记住此系统的选择"
C2=$(chal)
req l_win2 "$HB/v1/login?rp=wanfeng&challenge=$C2&username=demo1"
req c_rem "${SELF[@]}" --data-urlencode "token=$(token_of l_win2)" \
	--data "action=ok&id=$ID1&remember=1" "$HB/v1/login/confirm"
check "remember confirm 200" [ "$CODE" = 200 ]
t "the next login skips the window"
C3=$(chal)
req l_skip "$HB/v1/login?rp=wanfeng&challenge=$C3&username=demo1"
check "skip 200" [ "$CODE" = 200 ]
check "skip: no window" not body_has l_skip 'name="token"'
fields l_skip
check "skip: posts to the return URL" [ "$(cat "$T/f.l_skip.action")" = "$RPR" ]
expect_ok "$VERIFY" --root "$ROOT_one" --rp wanfeng --origin http://127.0.0.1:8450 --username demo1 \
	--statement "$T/f.l_skip.statement" --signature "$T/f.l_skip.signature" \
	--cert "$T/f.l_skip.certificate" --chain "$T/f.l_skip.chain" --json
expect_out "\"challenge\":\"$C3\""
t "another system still shows the window"
req l_tf "$HB/v1/login?rp=tongfang&challenge=$C3&username=demo1"
check "tongfang window" body_has l_tf 'name="token"'
t "certhelper clear: the window shows again"
expect_ok "$H" clear
req l_after "$HB/v1/login?rp=wanfeng&challenge=$C3&username=demo1"
check "window again" body_has l_after 'name="token"'
check "window again: 客户身份验证" body_has l_after "客户身份验证"

# --- cancel -----------------------------------------------------------------------
t "取消: error=cancelled to the return URL"
req c_cancel "${SELF[@]}" --data-urlencode "token=$(token_of l_after)" \
	--data "action=cancel&id=$ID1" "$HB/v1/login/confirm"
check "cancel 200" [ "$CODE" = 200 ]
fields c_cancel
check "cancel: action" [ "$(cat "$T/f.c_cancel.action")" = "$RPR" ]
check "cancel: error=cancelled" [ "$(cat "$T/f.c_cancel.error")" = cancelled ]
check "cancel: nothing else" test ! -e "$T/f.c_cancel.statement" -a ! -e "$T/f.c_cancel.signature"

# --- a key with a PIN ----------------------------------------------------------------
t "enroll demo2 with a PIN"
T2=$(ticket "$URL_one" "$DB_one" demo2 Demo@2026b apply)
printf '%s' 'pin-2468' >"$T/pin"
expect_ok "$H" enroll --ticket "$T2" --pin-file "$T/pin"
ID2=$("$H" list | awk '$2 == "demo2" { print $1 }' | head -1)
check "a second ID" [ ${#ID2} -eq 16 ]
C4=$(chal)
t "username demo2: its certificate first"
req l_pin "$HB/v1/login?rp=wanfeng&challenge=$C4&username=demo2"
check "demo2 first" [ "$(radio_of l_pin)" = "$ID2" ]
check "demo1 also offered" body_has l_pin "value=\"$ID1\""
check "a key with a PIN: the PIN field is shown" body_has l_pin 'class="pin-row" data-any="1"'
t "a wrong PIN: the window again with 口令错误"
req c_badpin "${SELF[@]}" --data-urlencode "token=$(token_of l_pin)" \
	--data "action=ok&id=$ID2&pin=wrong-pin&remember=1" "$HB/v1/login/confirm"
check "wrong PIN 400" [ "$CODE" = 400 ]
check "口令错误" body_has c_badpin "口令错误"
check "wrong PIN: no form to the rp" not body_has c_badpin "certauth-post"
TOKP=$(token_of c_badpin)
check "wrong PIN: a new token" [ ${#TOKP} -eq 43 ]
t "the right PIN: verifies for demo2"
req c_pin "${SELF[@]}" --data-urlencode "token=$TOKP" \
	--data "action=ok&id=$ID2&pin=pin-2468&remember=1" "$HB/v1/login/confirm"
check "PIN confirm 200" [ "$CODE" = 200 ]
fields c_pin
expect_ok "$VERIFY" --root "$ROOT_one" --rp wanfeng --origin http://127.0.0.1:8450 --username demo2 \
	--statement "$T/f.c_pin.statement" --signature "$T/f.c_pin.signature" \
	--cert "$T/f.c_pin.certificate" --chain "$T/f.c_pin.chain" --json
expect_out "\"challenge\":\"$C4\""
t "a remembered key with a PIN still shows the window"
req l_pin2 "$HB/v1/login?rp=wanfeng&challenge=$(chal)&username=demo2"
check "window for the PIN key" body_has l_pin2 'name="token"'

t "stop"
expect_ok "$H" stop

# --- three years on: 已过期 ------------------------------------------------------
# The service and the helper both 3 years and 2 days ahead (libfaketime):
# the service has renewed its directory signer by then (a one-year
# certificate), demo1's certificate (three years) has ended, and the
# window still offers it, marked 已过期, so that the reporting system can
# say 证书已过期，请重新申请证书.
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
check "libfaketime present" [ -n "$faketime_lib" ]
FT=(LD_PRELOAD="$faketime_lib" FAKETIME="+1097d" FAKETIME_DONT_FAKE_MONOTONIC=1
    ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0")
kill "${SVC_PIDS[0]}"
wait "${SVC_PIDS[0]}" 2>/dev/null || true
sed -i 's/^housekeeping_interval *=.*/housekeeping_interval = 1/' "$T/one/certsvc.conf"
env -u UBSAN_OPTIONS "${FT[@]}" ASAN_OPTIONS=verify_asan_link_order=0 \
	"$S" serve --data "$T/one" --listen "${URL_one#http://}" >"$T/one2.out" 2>"$T/one2.err" &
SVC_PIDS+=($!)
for _ in $(seq 100); do grep -q "keys/docsign.pem renewed" "$T/one2.err" && break; sleep 0.1; done
check "the service renewed its directory signer" grep -q "keys/docsign.pem renewed" "$T/one2.err"
t "the helper, three years on"
expect_ok env "${FT[@]}" "$H" start
for _ in $(seq 50); do curl -s -o /dev/null "$HB/v1/ping" && break; sleep 0.1; done
C5=$(chal)
req l_exp "$HB/v1/login?rp=wanfeng&challenge=$C5&username=demo1"
check "the window, with the renewed directory signer" [ "$CODE" = 200 ]
check "demo1's certificate is still offered" body_has l_exp "value=\"$ID1\""
check "... marked 已过期" body_has l_exp "已过期"
req c_exp "${SELF[@]}" --data-urlencode "token=$(token_of l_exp)" \
	--data "action=ok&id=$ID1" "$HB/v1/login/confirm"
check "确定 posts the statement" [ "$CODE" = 200 ]
fields c_exp
t "the reporting system's verifier says 证书已过期，请重新申请证书"
expect_fail 1 '"code":"EXPIRED"' env "${FT[@]}" "$VERIFY" --root "$ROOT_one" --rp wanfeng \
	--origin http://127.0.0.1:8450 --username demo1 \
	--statement "$T/f.c_exp.statement" --signature "$T/f.c_exp.signature" \
	--cert "$T/f.c_exp.certificate" --chain "$T/f.c_exp.chain" --json
expect_out "证书已过期，请重新申请证书"
expect_ok "$H" stop
t "no answer ever carried a private key"
check "no PRIVATE KEY" not grep -q "PRIVATE KEY" "$ALL"
t "sanitizer reports of the daemon"
check "no sanitizer report" [ -z "$(ls -A "$T/san")" ]
finish
