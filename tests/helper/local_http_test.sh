#!/bin/bash
# local_http_test.sh - the helper's loopback HTTP server (helper/local_http.c,
# docs/HELPER-HTTP.md) against a real certsvc and a real certhelper daemon,
# driven with curl.  Everything runs with its own HOME and XDG_* folders
# under the test's temporary folder, on a port chosen free from a range
# Chromium accepts.
#
#   ping:    the service's Origin gets 200 and Access-Control-Allow-Origin;
#            so does a reporting system of the service's signed directory
#            (demo: 127.0.0.1:8450), which still cannot post to /v1/enroll;
#            an unregistered origin, evil.example get 403 and no CORS
#            header; a second certsvc's directory (another root) is refused; a Host that is not
#            127.0.0.1:PORT / localhost:PORT is refused before any handler
#   enroll:  a foreign Origin, a foreign service or return: 403, nothing
#            stored; a ticket made the honest way (login with the captcha
#            read from the service's database, POST /apply/ticket): 下载成功,
#            确定 leads to return?serial=, the identity is in `certhelper
#            list`; a reused and a forged ticket: the service's words,
#            nothing new stored; a chain to another root: 证书链不受信任
#   console: no token, a wrong token: 403; the token: a session cookie and
#            the list; details, 企业信息, online status; delete and clear
#            need the CSRF token; 环境检查 and 一键修复
#   revoked: a good serial is kept; after 重新申请证书 revoked the old one,
#            /v1/revoked deletes it
#   never:   "PRIVATE KEY" in any answer
#
# Env (ctest): CERTHELPER, CERTSVC, GMPKI, SRC_DIR, BUILD_DIR.  Needs curl,
# sqlite3, openssl.
. "$(dirname "$0")/../lib.sh"

: "${CERTHELPER:?set CERTHELPER to the certhelper binary}"
. "$(dirname "$0")/svc_fixture.bash"
need local_http_test curl sqlite3 openssl

svc_start one
svc_start two
FP_ONE=$(sm3_of "$ROOT_one")
PORT=$(free_port)
HB=http://127.0.0.1:$PORT
ORIGIN=$URL_one

mkdir -p "$(dirname "$CONF")"
echo "port = $PORT" >"$CONF"
t "setup: service one, root pinned"
expect_ok "$H" setup --service "$URL_one" --root-sm3 "$FP_ONE"
check "the port stays in the configuration" grep -q "^port = $PORT" "$CONF"
t "start"
expect_ok "$H" start
for _ in $(seq 50); do
	curl -s -o /dev/null "$HB/v1/ping" && break
	sleep 0.1
done

# --- ping, Host, Origin -----------------------------------------------------------
t "ping with the service's Origin: 200 and CORS for it"
req ping -H "Origin: $ORIGIN" "$HB/v1/ping"
check "ping 200" [ "$CODE" = 200 ]
check "ping body" body_has ping '"ok":true'
check "ping ACAO is the service's origin" hdr_has ping "Access-Control-Allow-Origin: $ORIGIN"
check "ping Vary: Origin" hdr_has ping "Vary: Origin"
t "ping from evil.example: 403, no CORS header"
req ping_evil -H "Origin: http://evil.example" "$HB/v1/ping"
check "evil ping 403" [ "$CODE" = 403 ]
check "evil ping has no ACAO" not hdr_has ping_evil "Access-Control-Allow-Origin"
t "ping from the service's host on another port: 403"
req ping_port -H "Origin: ${ORIGIN%:*}:1" "$HB/v1/ping"
check "other port 403" [ "$CODE" = 403 ]
check "other port no ACAO" not hdr_has ping_port "Access-Control-Allow-Origin"
# The reporting systems of the service's signed directory (certsvc demo
# registers 万峰 at http://127.0.0.1:8450, 同方 at :8451, a province at :8452).
t "the signed directory was fetched and saved 0600"
check "directory.json saved" [ -f "$KS/directory.json" ]
check "directory.json 0600" [ "$(stat -c %a "$KS/directory.json")" = 600 ]
check "the log counts the registered systems" grep -q "directory refreshed from $URL_one: 3 registered systems" "$LOG"
t "ping from a registered reporting system: 200 and CORS for it"
req ping_rp -H "Origin: http://127.0.0.1:8450" "$HB/v1/ping"
check "registered ping 200" [ "$CODE" = 200 ]
check "registered ping ACAO" hdr_has ping_rp "Access-Control-Allow-Origin: http://127.0.0.1:8450"
check "registered ping Vary: Origin" hdr_has ping_rp "Vary: Origin"
t "ping from an unregistered loopback origin: 403, no CORS header"
req ping_unreg -H "Origin: http://127.0.0.1:8459" "$HB/v1/ping"
check "unregistered ping 403" [ "$CODE" = 403 ]
check "unregistered ping no ACAO" not hdr_has ping_unreg "Access-Control-Allow-Origin"
t "a registered reporting system cannot post to /v1/enroll"
req rp_enroll -H "Origin: http://127.0.0.1:8450" --data-urlencode "ticket=x" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/cert" "$HB/v1/enroll"
check "rp enroll 403" [ "$CODE" = 403 ]
check "rp enroll no ACAO" not hdr_has rp_enroll "Access-Control-Allow-Origin"

t "ping via localhost:PORT is accepted"
req ping_lh -H "Host: localhost:$PORT" -H "Origin: $ORIGIN" "$HB/v1/ping"
check "localhost Host 200" [ "$CODE" = 200 ]
t "Host evil.example:PORT is refused (DNS rebinding)"
req host_evil -H "Host: evil.example:$PORT" -H "Origin: $ORIGIN" "$HB/v1/ping"
check "evil Host 421" [ "$CODE" = 421 ]
check "evil Host: no ACAO" not hdr_has host_evil "Access-Control-Allow-Origin"
check "evil Host: no ping answer" not body_has host_evil '"ok":true'
t "Host 127.0.0.1 on another port is refused"
req host_port -H "Host: 127.0.0.1:1" "$HB/v1/ping"
check "wrong port Host 421" [ "$CODE" = 421 ]
t "Host evil.example on the console is refused before the token is looked at"
req host_console -H "Host: evil.example:$PORT" "$HB/console?token=$(cat "$RUN/console-token")"
check "console evil Host 421" [ "$CODE" = 421 ]
check "no cookie for evil Host" not hdr_has host_console "Set-Cookie"
t "security headers on every answer"
check "CSP" hdr_has ping "Content-Security-Policy: default-src 'self'"
check "nosniff" hdr_has ping "X-Content-Type-Options: nosniff"
check "frame DENY" hdr_has ping "X-Frame-Options: DENY"

# --- enroll ---------------------------------------------------------------------
T1=$(ticket "$URL_one" "$DB_one" demo1 Demo@2026a apply)
check "a ticket from the page" [ ${#T1} -eq 43 ]
POST=(-H "Content-Type: application/x-www-form-urlencoded")
t "enroll with a foreign Origin: 403, nothing stored, the ticket kept"
req en_evil "${POST[@]}" -H "Origin: http://evil.example" \
	--data-urlencode "ticket=$T1" --data-urlencode "service=$ORIGIN" \
	--data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "foreign Origin 403" [ "$CODE" = 403 ]
check "foreign Origin page says why" body_has en_evil "请求不是来自已配置的在线服务"
check "nothing stored" [ "$(count_ids)" = 0 ]
t "enroll without Origin: 403"
req en_none "${POST[@]}" --data-urlencode "ticket=$T1" --data-urlencode "service=$ORIGIN" \
	--data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "no Origin 403" [ "$CODE" = 403 ]
t "enroll naming another service: 403"
req en_svc "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "ticket=$T1" \
	--data-urlencode "service=$URL_two" --data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "other service 403" [ "$CODE" = 403 ]
t "enroll with a return elsewhere: 403"
req en_ret "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "ticket=$T1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=http://evil.example/x" "$HB/v1/enroll"
check "foreign return 403" [ "$CODE" = 403 ]
req en_ret2 "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "ticket=$T1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN.evil.example/x" "$HB/v1/enroll"
check "lookalike return 403" [ "$CODE" = 403 ]
check "still nothing stored" [ "$(count_ids)" = 0 ]
t "enroll with a body over the limit: 413"
req en_big "${POST[@]}" -H "Origin: $ORIGIN" --data-binary "ticket=$(head -c 20000 /dev/zero | tr '\0' A)" "$HB/v1/enroll"
check "big body 413" [ "$CODE" = 413 ]

t "enroll with the page's ticket: 下载成功"
req en_ok "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "ticket=$T1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "enroll 200" [ "$CODE" = 200 ]
check "下载成功" body_has en_ok "下载成功"
check "确定" body_has en_ok "确定"
check "shows the user" body_has en_ok "demo1"
check "shows 企业代码" body_has en_ok "91350100M000100Y43"
SERIAL1=$(sed -n 's/.*<dd id="serial"><code>\([0-9A-Fa-f]*\)<.*/\1/p' "$T/body.en_ok")
check "shows a serial" [ -n "$SERIAL1" ]
check "确定 leads to return?serial=" body_has en_ok "href=\"$ORIGIN/apply/done?serial&#61;$SERIAL1\""
check "one identity stored" [ "$(count_ids)" = 1 ]
check "the helper's pages: Referrer-Policy same-origin (console forms carry Origin)" \
	hdr_has en_ok "Referrer-Policy: same-origin"
t "list shows it"
expect_ok "$H" list
expect_out "demo1"
ID1=$("$H" list | awk '$2 == "demo1" { print $1 }' | head -1)
check "an ID" [ ${#ID1} -eq 16 ]

t "a reused ticket: the service's words, nothing new stored"
req en_reuse "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "ticket=$T1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "reused 400" [ "$CODE" = 400 ]
check "reused: 下载失败" body_has en_reuse "下载失败"
check "reused: the service's message" body_has en_reuse "下载凭证无效或已使用"
check "reused: TICKET_INVALID" body_has en_reuse "TICKET_INVALID"
check "reused: a way back to the service" body_has en_reuse "href=\"$ORIGIN/apply/done\""
check "reused: still one identity" [ "$(count_ids)" = 1 ]
t "a forged ticket"
req en_forged "${POST[@]}" -H "Origin: $ORIGIN" \
	--data-urlencode "ticket=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "forged 400" [ "$CODE" = 400 ]
check "forged: the service's message" body_has en_forged "下载凭证无效或已使用"
check "forged: still one identity" [ "$(count_ids)" = 1 ]
t "a malformed ticket, with markup: escaped, refused"
req en_bad "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "ticket=<script>x</script>" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "malformed 400" [ "$CODE" = 400 ]
check "no markup echoed" not body_has en_bad "<script>"

# A service whose CA is not the pinned one: the helper pinned one's root,
# and is pointed at two with the same origin rules (configuration edited,
# root.pem kept), so two's certificate does not chain to it.
t "a chain that does not lead to the pinned root: 证书链不受信任, nothing stored"
T2=$(ticket "$URL_two" "$DB_two" demo1 Demo@2026a apply)
expect_fail 1 "根证书" "$H" setup --service "$URL_two" --root-sm3 "$FP_ONE"
"$H" stop >/dev/null
cp "$CONF" "$T/conf.keep"
sed -i "s|^service_url = .*|service_url = $URL_two|" "$CONF"
expect_ok "$H" start
for _ in $(seq 50); do curl -s -o /dev/null "$HB/v1/ping" && break; sleep 0.1; done
req en_foreign "${POST[@]}" -H "Origin: $URL_two" --data-urlencode "ticket=$T2" \
	--data-urlencode "service=$URL_two" --data-urlencode "return=$URL_two/apply/done" "$HB/v1/enroll"
[ "$CODE" = 502 ] || { cat "$T/body.en_foreign"; tail -5 "$LOG"; }
check "foreign chain 502" [ "$CODE" = 502 ]
check "证书链不受信任" body_has en_foreign "证书链不受信任"
check "foreign chain: still one identity" [ "$(count_ids)" = 1 ]
"$H" stop >/dev/null
cp "$T/conf.keep" "$CONF"
expect_ok "$H" start
for _ in $(seq 50); do curl -s -o /dev/null "$HB/v1/ping" && break; sleep 0.1; done

# --- the console ----------------------------------------------------------------
TOKEN=$(cat "$RUN/console-token")
JAR=$T/jar.console
t "console without the token: 403, says how to open it"
req c_none "$HB/console"
check "no token 403" [ "$CODE" = 403 ]
check "no token: certhelper console" body_has c_none "certhelper console"
check "no token: no list" not body_has c_none "demo1"
t "console with a wrong token: 403, no cookie"
if [ "${TOKEN: -1}" = A ]; then WRONG=${TOKEN%?}B; else WRONG=${TOKEN%?}A; fi
req c_wrong "$HB/console?token=$WRONG"
check "wrong token 403" [ "$CODE" = 403 ]
check "wrong token: no cookie" not hdr_has c_wrong "Set-Cookie"
t "console with a forged cookie: 403"
req c_cookie -b "certhelper_console=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$HB/console"
check "forged cookie 403" [ "$CODE" = 403 ]
t "console with the token: a session cookie, then the list"
req c_tok -c "$JAR" "$HB/console?token=$TOKEN"
check "token: 303" [ "$CODE" = 303 ]
check "token: redirect drops it" hdr_has c_tok "Location: /console"
check "cookie HttpOnly" hdr_has c_tok "HttpOnly"
check "cookie SameSite=Strict" hdr_has c_tok "SameSite=Strict"
req c_list -b "$JAR" "$HB/console"
check "list 200" [ "$CODE" = 200 ]
check "list: 证书管理" body_has c_list "证书管理"
check "list: user" body_has c_list "demo1"
check "list: 企业代码" body_has c_list "91350100M000100Y43"
check "list: 有效期至" body_has c_list "有效期至"
check "list: local status" body_has c_list "有效"
check "list: details link" body_has c_list "/console/cert?id=$ID1"
t "details"
req c_cert -b "$JAR" "$HB/console/cert?id=$ID1"
check "details 200" [ "$CODE" = 200 ]
check "details: serial" body_has c_cert "$SERIAL1"
check "details: subject" body_has c_cert "CN&#61;demo1"
check "details: SM3" body_has c_cert "SM3"
check "details: issuer" body_has c_cert "颁发者"
t "details of an ID that is not hex: 400, escaped"
req c_cert_bad -b "$JAR" "$HB/console/cert?id=%3Cb%3E"
check "bad id 400" [ "$CODE" = 400 ]
check "bad id not echoed raw" not body_has c_cert_bad "<b>"
t "企业信息"
req c_org -b "$JAR" "$HB/console/org"
check "org 200" [ "$CODE" = 200 ]
check "org: 企业代码" body_has c_org "91350100M000100Y43"
t "online status: 正常"
req c_st -b "$JAR" "$HB/console/status?id=$ID1"
check "status 200" [ "$CODE" = 200 ]
check "status 正常" body_has c_st 'data-status="good"'
t "环境检查: all well"
req c_env -b "$JAR" "$HB/console/env"
check "env 200" [ "$CODE" = 200 ]
check "env all ok" body_has c_env 'data-ok="1"'
check "env: 一键修复" body_has c_env "一键修复"
CSRF=$(form_field csrf "$T/body.c_env")
check "env form has a CSRF token" [ ${#CSRF} -eq 43 ]
t "环境检查 sees a keystore others can read; 一键修复 fixes it"
chmod 0755 "$KS"
req c_env2 -b "$JAR" "$HB/console/env"
check "env finds the mode" body_has c_env2 'data-ok=""'
req c_fix_nocsrf -b "$JAR" "${POST[@]}" --data "csrf=x" "$HB/console/env"
check "repair without the CSRF token: 403" [ "$CODE" = 403 ]
check "mode unchanged" mode_is "$KS" 755
req c_fix -b "$JAR" "${POST[@]}" -H "Origin: $HB" --data-urlencode "csrf=$CSRF" "$HB/console/env"
check "repair 200" [ "$CODE" = 200 ]
check "repair says what it did" body_has c_fix "chmod 0700"
check "keystore 0700 again" mode_is "$KS" 700
t "一键修复 from another origin is refused even with the token"
req c_fix_evil -b "$JAR" "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "csrf=$CSRF" "$HB/console/env"
check "foreign-origin repair 403" [ "$CODE" = 403 ]

t "delete: a confirmation page, then CSRF is checked"
req c_delq -b "$JAR" "$HB/console/delete?id=$ID1"
check "confirm 200" [ "$CODE" = 200 ]
check "confirm asks" body_has c_delq "确定要从本机删除该证书"
DCSRF=$(form_field csrf "$T/body.c_delq")
req c_del_nocsrf -b "$JAR" "${POST[@]}" --data-urlencode "id=$ID1" "$HB/console/delete"
check "delete without CSRF 403" [ "$CODE" = 403 ]
req c_del_nocookie "${POST[@]}" --data-urlencode "id=$ID1" --data-urlencode "csrf=$DCSRF" "$HB/console/delete"
check "delete without the session 403" [ "$CODE" = 403 ]
check "still there" [ "$(count_ids)" = 1 ]

t "清除身份认证信息: the seed's confirmation, CSRF checked"
req c_clq -b "$JAR" "$HB/console/clear"
check "clear page" body_has c_clq "清除身份认证信息"
CCSRF=$(form_field csrf "$T/body.c_clq")
req c_cl_bad -b "$JAR" "${POST[@]}" --data "csrf=nope" "$HB/console/clear"
check "clear without CSRF 403" [ "$CODE" = 403 ]
req c_cl -b "$JAR" "${POST[@]}" --data-urlencode "csrf=$CCSRF" "$HB/console/clear"
check "clear 200" [ "$CODE" = 200 ]
check "clear: 已清除身份认证信息" body_has c_cl "已清除身份认证信息"
check "clear: close the browser" body_has c_cl "请关闭浏览器"

# --- 废除证书 on a borrowed computer ------------------------------------------------
t "/v1/revoked for a good serial: kept"
req rv_good "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "serial=$SERIAL1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/revoke/done?serial=$SERIAL1" "$HB/v1/revoked"
check "good serial: 409" [ "$CODE" = 409 ]
check "good serial: 本机证书未删除" body_has rv_good "本机证书未删除"
check "good serial: still there" [ "$(count_ids)" = 1 ]
t "/v1/revoked from a foreign Origin: 403"
req rv_evil "${POST[@]}" -H "Origin: http://evil.example" --data-urlencode "serial=$SERIAL1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/revoke/done" "$HB/v1/revoked"
check "revoked foreign 403" [ "$CODE" = 403 ]
t "重新申请证书 revokes the first; /v1/revoked then deletes it"
T3=$(ticket "$URL_one" "$DB_one" demo1 Demo@2026a reapply)
req en_re "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "ticket=$T3" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/apply/done" "$HB/v1/enroll"
check "reapply 下载成功" body_has en_re "下载成功"
check "two identities" [ "$(count_ids)" = 2 ]
req c_st2 -b "$JAR" "$HB/console/status?id=$ID1"
check "status 已废除" body_has c_st2 'data-status="revoked"'
check "status shows 已废除" body_has c_st2 "已废除"
req rv_ok "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "serial=$SERIAL1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/revoke/done?serial=$SERIAL1" "$HB/v1/revoked"
check "revoked 200" [ "$CODE" = 200 ]
check "revoked: 本机证书已删除" body_has rv_ok "本机证书已删除"
check "revoked: back to return" body_has rv_ok "href=\"$ORIGIN/revoke/done?serial&#61;$SERIAL1\""
check "the revoked identity is gone" [ ! -d "$KS/identities/$ID1" ]
check "the new one stays" [ "$(count_ids)" = 1 ]
t "/v1/revoked again: nothing to delete"
req rv_again "${POST[@]}" -H "Origin: $ORIGIN" --data-urlencode "serial=$SERIAL1" \
	--data-urlencode "service=$ORIGIN" --data-urlencode "return=$ORIGIN/revoke/done" "$HB/v1/revoked"
check "again 200" [ "$CODE" = 200 ]
check "again: 本机没有该证书" body_has rv_again "本机没有该证书"

t "delete with the CSRF token"
ID2=$("$H" list | awk '$2 == "demo1" { print $1 }' | head -1)
req c_delq2 -b "$JAR" "$HB/console/delete?id=$ID2"
DCSRF=$(form_field csrf "$T/body.c_delq2")
req c_del -b "$JAR" "${POST[@]}" -H "Origin: $HB" --data-urlencode "id=$ID2" --data-urlencode "csrf=$DCSRF" "$HB/console/delete"
check "delete 200" [ "$CODE" = 200 ]
check "delete: 证书已删除" body_has c_del "证书已删除"
check "nothing left" [ "$(count_ids)" = 0 ]
req c_empty -b "$JAR" "$HB/console"
check "empty list says so" body_has c_empty "本机尚未安装证书"

t "unknown path and wrong method: the helper's own error pages"
req nf "$HB/nope"
check "404" [ "$CODE" = 404 ]
check "404 in the helper's layout" body_has nf "helper.css"
req meth -X DELETE "$HB/v1/enroll"
check "405" [ "$CODE" = 405 ]

t "a second certsvc's directory (another root) is refused"
expect_ok "$H" stop
cp "$CONF" "$T/conf.saved"
sed -i "s|$URL_one|$URL_two|" "$CONF"
check "the configuration names service two" grep -q "$URL_two" "$CONF"
expect_ok "$H" start
for _ in $(seq 50); do
	curl -s -o /dev/null "$HB/v1/ping" && break
	sleep 0.1
done
check "two's signer does not chain to the pinned root" grep -q "directory: signer: CERT_UNTRUSTED" "$LOG"
check "the saved copy of one is not two's" grep -q "saved copy .* refused" "$LOG"
req ping_two -H "Origin: http://127.0.0.1:8450" "$HB/v1/ping"
check "no directory: 8450 gets 403" [ "$CODE" = 403 ]
check "no directory: no ACAO" not hdr_has ping_two "Access-Control-Allow-Origin"
t "back to service one: 8450 allowed again"
expect_ok "$H" stop
cp "$T/conf.saved" "$CONF"
expect_ok "$H" start
for _ in $(seq 50); do
	curl -s -o /dev/null "$HB/v1/ping" && break
	sleep 0.1
done
req ping_back -H "Origin: http://127.0.0.1:8450" "$HB/v1/ping"
check "8450 200 again" [ "$CODE" = 200 ]
check "8450 ACAO again" hdr_has ping_back "Access-Control-Allow-Origin: http://127.0.0.1:8450"

t "stop: the port is closed"
expect_ok "$H" stop
check "nothing answers" not curl -s -o /dev/null "$HB/v1/ping"

t "no answer ever carried a private key"
check "no PRIVATE KEY" not grep -q "PRIVATE KEY" "$ALL"
check "no key in the log" not grep -q "PRIVATE KEY" "$LOG"
t "sanitizer reports of the daemon"
check "no sanitizer report" [ -z "$(ls -A "$T/san")" ]
finish
