#!/usr/bin/env bash
# reportsys_http.sh - reportsys over loopback with curl, without a browser
# or helper: configuration and accounts errors, the password step, the
# challenge in the hand-over page, and every answer of the return URL -
# statements made and signed by tests/rp/sign_statement.c (the helper's
# part) for certificates from a CA made with gmpki.
# Env (ctest): GMPKI, REPORTSYS, SIGN_STATEMENT.
. "$(dirname "$0")/../lib.sh"
: "${REPORTSYS:?}" "${SIGN_STATEMENT:?}"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export ASAN_OPTIONS="log_path=$T/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$T/ubsan:print_stacktrace=1"

C=$T/conf        # outside $W: expect_fail compares $W only
mkdir -p "$C"
"$GMPKI" ca init --dir "$C/ca" >/dev/null
"$GMPKI" ca init --dir "$C/ca2" --name "Other CA" >/dev/null
issue() { # NAME CA USERNAME DAYS
	"$GMPKI" keygen -o "$C/$1.key" >/dev/null
	"$GMPKI" req --key "$C/$1.key" --subject "/C=CN/O=测试企业/CN=$3" -o "$C/$1.csr" >/dev/null
	"$GMPKI" ca sign --dir "$C/$2" --csr "$C/$1.csr" --username "$3" \
		--uscc 91350100M000100Y43 --org 测试企业 --days "$4" -o "$C/$1.pem" >/dev/null
}
issue u1 ca demo1 1000
issue u2 ca demo2 1000
issue soon ca demo1 10
issue foreign ca2 demo1 1000
sleep 1   # certificates are valid from the second they were made

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
	PORT=$((20000 + RANDOM % 10000))
	port_free "$PORT" && break
done
RS=http://127.0.0.1:$PORT
cp "$C/ca/root.pem" "$C/root.pem"
cat >"$C/rs.conf" <<CONF
# test instance
listen = 127.0.0.1:$PORT
rp_id = zhibao
origin = $RS
root = root.pem
accounts = accounts
service_url = http://127.0.0.1:1
revocation = none
CONF

# --- reportsys passwd --------------------------------------------------------
t "passwd: a bad username is refused, nothing written"
expect_fail 1 "bad username" sh -c "echo Demo@2026a | '$REPORTSYS' passwd --accounts '$W/acc' 'a b'"
t "passwd: a short password is refused, nothing written"
expect_fail 1 "password: 8 to 128 bytes" sh -c "echo short | '$REPORTSYS' passwd --accounts '$W/acc' demo1"
t "passwd: no password on stdin"
expect_fail 1 "no password on stdin" sh -c "'$REPORTSYS' passwd --accounts '$W/acc' demo1 </dev/null"
t "passwd: usage"
expect_fail 2 "usage" "$REPORTSYS" passwd demo1
for a in "demo1 Demo@2026a" "demo2 Demo@2026b" "demo3 Old@2026xx"; do
	set -- $a
	printf '%s\n' "$2" | "$REPORTSYS" passwd --iter 1000 --accounts "$C/accounts" "$1"
done
t "passwd: replacing a password keeps the others"
expect_ok sh -c "echo Demo@2026c | '$REPORTSYS' passwd --iter 1000 --accounts '$C/accounts' demo3"
check "passwd: three lines" [ "$(wc -l <"$C/accounts")" = 3 ]
check "passwd: the file is 0600" [ "$(stat -c %a "$C/accounts")" = 600 ]

# --- configuration errors ----------------------------------------------------
bad_conf() { # DESC MESSAGE SED-EXPRESSION
	sed "$3" "$C/rs.conf" >"$W/bad.conf"
	t "config: $1"
	expect_fail 1 "$2" "$REPORTSYS" serve --config "$W/bad.conf"
	rm -f "$W/bad.conf"
}
bad_conf "unknown key names the line" "bad.conf:7: colour: unknown key" '7i colour = red'
bad_conf "origin with a path" "origin: http(s)://host[:port]" "s|^origin = .*|origin = $RS/x|"
bad_conf "origin of another scheme" "origin: http(s)://host[:port]" "s|^origin = .*|origin = ftp://x|"
bad_conf "rp_id with capitals" "rp_id: [a-z0-9-]" 's|^rp_id = .*|rp_id = ZhiBao|'
bad_conf "missing rp_id" "rp_id, origin, root, accounts and service_url are required" '/^rp_id/d'
bad_conf "missing service_url" "rp_id, origin, root, accounts and service_url are required" '/^service_url/d'
bad_conf "listen without a port" "listen: bad value" 's|^listen = .*|listen = 127.0.0.1|'
bad_conf "revocation neither fetch nor none" "revocation: fetch or none" 's|^revocation = .*|revocation = maybe|'
bad_conf "helper not on loopback" "helper_url: http://127.0.0.1:PORT" '$a helper_url = http://evil.example:17380'
bad_conf "a line without =" "expected key = value" '$a just words'
bad_conf "a line with an empty key" "expected key = value" '$a = value'
bad_conf "listen port out of range" "listen: bad value" 's|^listen = .*|listen = 127.0.0.1:70000|'
bad_conf "trusted_proxies not addresses" "trusted_proxies: IP addresses" '$a trusted_proxies = proxy.example'
bad_conf "trusted_proxies a network" "trusted_proxies: IP addresses" '$a trusted_proxies = 10.0.0.0/8'
bad_conf "lockout_threshold 0" "lockout_threshold: bad value" '$a lockout_threshold = 0'
t "serve: --listen without a port"
expect_fail 2 "--listen ADDR:PORT" "$REPORTSYS" serve --config "$C/rs.conf" --listen 127.0.0.1
t "config: missing file"
expect_fail 1 "file read or write failed" "$REPORTSYS" serve --config "$W/none.conf"
printf 'not a certificate\n' >"$W/junk.pem"
sed "s|^root = .*|root = $W/junk.pem|" "$C/rs.conf" >"$C/junkroot.conf"
t "serve: a root that is not a certificate"
expect_fail 1 "reportsys: $W/junk.pem" "$REPORTSYS" serve --config "$C/junkroot.conf"
printf 'demo1\n' >"$C/badacc"
sed "s|^accounts = .*|accounts = badacc|" "$C/rs.conf" >"$C/badacc.conf"
t "serve: an accounts line without a hash names the line"
expect_fail 1 "badacc:1: expected username:hash" "$REPORTSYS" serve --config "$C/badacc.conf"
printf 'demo1:%s\ndemo1:%s\n' "$(sed -n 's/^demo1://p' "$C/accounts")" "$(sed -n 's/^demo1://p' "$C/accounts")" >"$C/twice"
sed "s|^accounts = .*|accounts = twice|" "$C/rs.conf" >"$C/twice.conf"
t "serve: a username twice in the accounts names the line"
expect_fail 1 "twice:2: demo1 appears twice" "$REPORTSYS" serve --config "$C/twice.conf"
t "passwd: --iter out of range"
expect_fail 2 "--iter 1000..10000000" sh -c "echo Demo@2026a | '$REPORTSYS' passwd --iter 10 --accounts '$W/acc' demo1"
t "serve: usage"
expect_fail 2 "usage" "$REPORTSYS" serve

# --- serving ------------------------------------------------------------------
# start_rs NAME: serve $C/NAME.conf (output in $T/NAME.out and .err) and
# wait until it listens; RS_PID is its process
start_rs() {
	"$REPORTSYS" serve --config "$C/$1.conf" >"$T/$1.out" 2>"$T/$1.err" &
	RS_PID=$!
	for _ in $(seq 100); do
		grep -q "listening on" "$T/$1.out" 2>/dev/null && break
		sleep 0.1
	done
}
trap 'kill $RS_PID 2>/dev/null || true; wait $RS_PID 2>/dev/null || true; rm -rf "$T"' EXIT
start_rs rs
check "serve: prints where it listens" grep -q "listening on $RS/" "$T/rs.out"

J=$T/jar
# req ARGS...: curl with the cookie jar; status in $CODE, body+headers in $OUT
req() {
	CODE=$(curl -s -o "$OUT" -D "$T/hdr" -w '%{http_code}' -b "$J" -c "$J" "$@" || true)
	cat "$T/hdr" >>"$OUT"
}
want() { # DESC CODE TEXT
	t "$1"
	if [ "$CODE" = "$2" ] && grep -qF -- "$3" "$OUT"; then
		pass "$1"
	else
		fail "status $CODE (want $2), text '$3'"
	fi
}
form_csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT" | head -n 1; }

req "$RS/"
want "GET /: the login page" 200 'id="login-form"'
want "GET /: the form's CSRF cookie" 200 "rs_form="
CSRF=$(form_csrf)
req -H "Host: evil.example:$PORT" "$RS/"
want "a foreign Host is refused (DNS rebinding)" 421 ""
req --data-urlencode username=demo1 --data-urlencode password=Demo@2026a "$RS/login"
want "login without the CSRF token" 403 "表单已失效，请刷新页面后重试"
CSRF=$(form_csrf)   # every login page brings a new token
req --data-urlencode csrf=$CSRF --data-urlencode username=demo1 --data-urlencode password=Wrong@2026a "$RS/login"
want "wrong password" 401 "用户名或密码错误"
CSRF=$(form_csrf)
req --data-urlencode csrf=$CSRF --data-urlencode username=nobody --data-urlencode password=Wrong@2026a "$RS/login"
want "unknown user: the same answer" 401 "用户名或密码错误"
CSRF=$(form_csrf)
req --data-urlencode csrf=$CSRF --data-urlencode "username=<script>" --data-urlencode password=x "$RS/login"
want "a username with markup: refused, not echoed" 401 "用户名或密码错误"
t "the markup is not in the page"; expect_no_out "<script>"
req "$RS/certauth/start"
want "hand-over page without a password login goes home" 303 "Location: /"

# login USER PASS: password step; CHAL gets the challenge of the hand-over page
login() {
	req "$RS/"
	CSRF=$(form_csrf)
	req --data-urlencode csrf=$CSRF --data-urlencode "username=$1" --data-urlencode "password=$2" "$RS/login"
	[ "$CODE" = 303 ] || { fail "login $1: status $CODE"; return; }
	req "$RS/certauth/start"
	CHAL=$(grep -o 'challenge&#61;[A-Za-z0-9_-]*' "$OUT" | head -n 1 | sed 's/.*;//')
}
# answer CERT KEY CHAL RP ORIGIN USERNAME [curl args]: the helper's post
answer() {
	"$SIGN_STATEMENT" make "$C/$1.pem" "$3" "$4" "$5" "$6" "$(date +%s)" "$T/st" >/dev/null
	"$SIGN_STATEMENT" sign "$C/$2.key" "$T/st" "$T/sig" >/dev/null
	local st sig
	st=$(basenc --base64url -w0 <"$T/st" | tr -d =)
	sig=$(basenc --base64url -w0 <"$T/sig" | tr -d =)
	shift 6
	req --data-urlencode "statement=$st" --data-urlencode "signature=$sig" \
		--data-urlencode "certificate@$C/$(basename "$CERTF").pem" \
		--data-urlencode "chain@$C/ca/issuing.pem" "$@" "$RS/certauth/return"
}

login demo1 Demo@2026a
want "the hand-over page names the helper's window" 200 'data-next="http://127.0.0.1:17380/v1/login?rp&#61;zhibao&amp;challenge&#61;'
check "a 43-character challenge" [ ${#CHAL} = 43 ]
FIRST=$CHAL
req "$RS/certauth/start"
CHAL=$(grep -o 'challenge&#61;[A-Za-z0-9_-]*' "$OUT" | head -n 1 | sed 's/.*;//')
check "reloading the hand-over page keeps the session's one challenge" [ "$CHAL" = "$FIRST" ]
CERTF=u1; answer u1 u1 "$CHAL" zhibao "$RS" demo1
want "a right answer logs in" 200 "rs_session="
want "... on a page of our own that moves on to /" 200 '<meta http-equiv="refresh" content="0; url=/">'
GOOD_ST=$(cat "$T/st" | basenc --base64url -w0 | tr -d =)
GOOD_SIG=$(basenc --base64url -w0 <"$T/sig" | tr -d =)
req "$RS/"
want "直报系统 with the certificate's enterprise" 200 "测试企业"
want "... and its code" 200 "91350100M000100Y43"
want "... no expiry warning" 200 'id="expiring" data-on=""'
LOGOUT_CSRF=$(form_csrf)
req --data-urlencode csrf=wrong "$RS/logout"
want "logout with a wrong CSRF token is refused" 403 "表单已失效"
req --data-urlencode "csrf=$LOGOUT_CSRF" "$RS/logout"
want "logout" 303 "rs_session=;"
req "$RS/"
want "after logout: the login page" 200 'id="login-form"'

login demo1 Demo@2026a
req --data-urlencode "statement=$GOOD_ST" --data-urlencode "signature=$GOOD_SIG" \
	--data-urlencode "certificate@$C/u1.pem" --data-urlencode "chain@$C/ca/issuing.pem" "$RS/certauth/return"
want "a replayed answer" 403 "身份验证已失效，请重新登录"
req "$RS/"
want "... did not log in" 200 'id="login-form"'
req --data-urlencode "statement=$GOOD_ST" "$RS/certauth/return"
want "an answer without a password login first" 403 "身份验证已失效，请重新登录"

login demo1 Demo@2026a
CERTF=u1; answer u1 u1 "$CHAL" otherrp "$RS" demo1
want "a statement for another reporting system" 403 "登录请求不属于本系统"
login demo1 Demo@2026a
CERTF=u1; answer u1 u1 "$CHAL" zhibao "http://127.0.0.1:1" demo1
want "a statement for another origin" 403 "登录请求不属于本系统"
login demo1 Demo@2026a
CERTF=u2; answer u2 u2 "$CHAL" zhibao "$RS" demo2
want "another user's certificate" 403 "该证书与用户名不匹配"
login demo1 Demo@2026a
CERTF=foreign; answer foreign foreign "$CHAL" zhibao "$RS" demo1
want "a certificate from another CA" 403 "证书不受信任"
login demo1 Demo@2026a
CERTF=u1; answer u1 u2 "$CHAL" zhibao "$RS" demo1
want "a signature by another key" 403 "签名验证失败"
login demo1 Demo@2026a
req --data-urlencode "statement=${GOOD_ST:0:40}" --data-urlencode "signature=$GOOD_SIG" \
	--data-urlencode "certificate@$C/u1.pem" "$RS/certauth/return"
want "a truncated statement" 403 "登录数据格式错误"
login demo1 Demo@2026a
head -c 300000 /dev/zero | tr '\0' A >"$T/big"
req --data-urlencode "statement@$T/big" "$RS/certauth/return"
want "an oversize answer" 413 ""
req --data-urlencode error=cancelled "$RS/certauth/return"
want "取消 in the window" 200 "您已取消身份验证"

login demo1 Demo@2026a
CERTF=soon; answer soon soon "$CHAL" zhibao "$RS" demo1
want "a certificate with 10 days left logs in" 200 "rs_session="
req "$RS/"
want "... with 您的证书即将到期" 200 'id="expiring" data-on="1"'

req -H "Content-Type: application/x-www-form-urlencoded" --data-binary "$(head -c 5000 /dev/zero | tr '\0' a)" "$RS/login"
want "an oversize login form" 413 ""
req "$RS/static/style.css"
want "the style sheet" 200 "rs-header"
req "$RS/static/../layout.html"
want "no path out of the static folder" 404 ""
req "$RS/nothing"
want "unknown path" 404 "登录失败"

kill $RS_PID
wait $RS_PID 2>/dev/null || true

# A full session table: the next password login is refused, clearly.
sed 's|^revocation = none|revocation = none\nmax_sessions = 10|' "$C/rs.conf" >"$C/small.conf"
start_rs small
rm -f "$J"
for i in $(seq 10); do
	req "$RS/"
	CSRF=$(form_csrf)
	req --data-urlencode csrf=$CSRF --data-urlencode username=demo1 --data-urlencode password=Demo@2026a "$RS/login"
	rm -f "$J"   # another browser each time: sessions pile up
done
req "$RS/"
CSRF=$(form_csrf)
req --data-urlencode csrf=$CSRF --data-urlencode username=demo1 --data-urlencode password=Demo@2026a "$RS/login"
want "a full session table: 登录请求过多" 503 "登录请求过多，请稍后再试"
kill $RS_PID
wait $RS_PID 2>/dev/null || true

# Behind a trusted proxy (this test, at 127.0.0.1): X-Forwarded-For names
# the client for the rate limit; wrong passwords lock an account.
cat "$C/rs.conf" - >"$C/proxy.conf" <<CONF
trusted_proxies = 127.0.0.1
rate_limit = 4
lockout_threshold = 3
lockout_seconds = 600
CONF
start_rs proxy
rm -f "$J"
# try CLIENT USER PASS: one password login from CLIENT (via the proxy)
try() {
	req -H "X-Forwarded-For: $1" "$RS/"
	CSRF=$(form_csrf)
	req -H "X-Forwarded-For: $1" --data-urlencode csrf=$CSRF \
		--data-urlencode "username=$2" --data-urlencode "password=$3" "$RS/login"
}
for i in 1 2 3 4; do try 203.0.113.1 nobody Wrong@2026x; done
want "4 tries from one client: still the usual answer" 401 "用户名或密码错误"
try 203.0.113.1 demo1 Demo@2026a
want "the 5th from that client: 尝试次数过多" 429 "尝试次数过多，请稍后再试"
try "203.0.113.2, 203.0.113.1" demo1 Demo@2026a
want "a client naming another address first is still itself" 429 "尝试次数过多"
try 203.0.113.2 demo1 Demo@2026a
want "another client behind the same proxy is not limited" 303 "Location: /certauth/start"
for i in 1 2 3; do try 198.51.100.$i demo2 Wrong@2026x; done
want "3 wrong passwords for demo2" 401 "用户名或密码错误"
try 198.51.100.9 demo2 Demo@2026b
want "then the right one: 账户已被锁定" 403 "密码错误次数过多，账户已被锁定"
t "the lockout is logged"; expect_ok grep -q "login demo2: locked" "$T/proxy.err"
try 198.51.100.10 demo3 Demo@2026c
want "another account is not locked" 303 "Location: /certauth/start"
for i in 1 2 3; do try 198.51.100.2$i nobody2 Wrong@2026x; done
try 198.51.100.29 nobody2 Wrong@2026x
want "an unknown username never says locked" 401 "用户名或密码错误"
try 198.51.100.30 demo3 Wrong@2026x
try 198.51.100.31 demo3 Wrong@2026x
try 198.51.100.32 demo3 Demo@2026c
want "a right password ends the count (2 wrong, right)" 303 "Location: /certauth/start"
try 198.51.100.33 demo3 Wrong@2026x
try 198.51.100.34 demo3 Demo@2026c
want "... so one more wrong one does not lock" 303 "Location: /certauth/start"
kill $RS_PID
wait $RS_PID 2>/dev/null || true
check "SIGTERM: a clean exit, no sanitizer report" sh -c "! ls '$T'/asan* '$T'/ubsan* 2>/dev/null | grep -q ."
finish
