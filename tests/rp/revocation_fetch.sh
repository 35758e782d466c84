#!/bin/bash
# revocation_fetch.sh - libcertauth's own revocation check against a real
# certsvc (docs/LOGIN-PROTOCOL.md §6 step 7, §9): OCSP fetched from the
# certificate's AIA URL and cached until nextUpdate, the CRL from its
# distribution point when OCSP gives no answer.
#
# certsvc is set up with public_url naming a small proxy
# (revocation_proxy.py) so that every certificate's OCSP and CRL URLs go
# through it; the proxy counts /ocsp and /crl requests and can be told to
# fail either.  demo1 gets a certificate through the enrollment API (a
# ticket from the service's own pages, as the helper tests get theirs).
#
#   certauth-verify --fetch-revocation: good (source ocsp), no fetch
#       without the option; OCSP 500 / garbage / oversize (with and
#       without Content-Length) / timeout / redirect → the CRL answers;
#       a PEM CRL; both down → 无法确认证书状态; a garbage or oversize CRL
#       → unknown; --ocsp FILE and --crl FILE
#   revocation_driver (one context, injected clock): a second login is a
#       cache hit with no request; the clock at nextUpdate → a new fetch;
#       CRL cache hits; threads sharing the cache
#   after `certsvc certs revoke`: a fresh context says 证书已被废除 (OCSP,
#       then the CRL once the service has remade it); a context holding
#       the earlier good answer keeps it until its nextUpdate
#
# Env (ctest): CERTSVC, CERTAUTH_VERIFY, REVOCATION_DRIVER, GMPKI,
# BUILD_DIR.  Needs curl, jq, sqlite3, openssl, python3.
. "$(dirname "$0")/../lib.sh"

: "${CERTSVC:?set CERTSVC to the certsvc binary}"
: "${CERTAUTH_VERIFY:?set CERTAUTH_VERIFY to the certauth-verify binary}"
: "${REVOCATION_DRIVER:?set REVOCATION_DRIVER to the revocation_driver binary}"
: "${SIGN_STATEMENT:?set SIGN_STATEMENT to the sign_statement binary}"
: "${BUILD_DIR:?set BUILD_DIR to the build folder}"
S=$CERTSVC
for tool in curl jq sqlite3 openssl python3; do
	command -v "$tool" >/dev/null || { echo "revocation_fetch: $tool is missing" >&2; exit 1; }
done
HERE=$(cd "$(dirname "$0")" && pwd)

# Isolated HOME, no proxies, sanitizer logs in $T/san, free_port, ticket,
# and a cleanup that stops every pid in SVC_PIDS.
. "$HERE/../helper/svc_fixture.bash"

RP=wanfeng-zhibao
ORIGIN=https://zhibao.example.cn
DATA=$T/svc
VALIDITY=3600   # certsvc's ocsp_validity: nextUpdate = answer time + this

# --- certsvc behind the proxy ----------------------------------------------------
SPORT=$(free_port)
PPORT=$(free_port)
while [ "$PPORT" = "$SPORT" ]; do PPORT=$(free_port); done
SVC=http://127.0.0.1:$SPORT
PROXY=http://127.0.0.1:$PPORT

env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" init --data "$DATA" --name "吊销测试CA" \
	--public-url "$PROXY" >"$T/init.out" 2>&1 || { cat "$T/init.out" >&2; exit 1; }
sed -i -e 's/^pbkdf2_iter *=.*/pbkdf2_iter = 1000/' \
	-e "s/^ocsp_validity *=.*/ocsp_validity = $VALIDITY/" \
	-e 's/^housekeeping_interval *=.*/housekeeping_interval = 1/' "$DATA/certsvc.conf"
env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" demo --data "$DATA" >"$T/demo.out" 2>&1 ||
	{ cat "$T/demo.out" >&2; exit 1; }
env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" serve --data "$DATA" --listen "127.0.0.1:$SPORT" \
	>"$T/serve.out" 2>"$T/serve.err" &
SVC_PIDS+=($!)
python3 "$HERE/revocation_proxy.py" "$PPORT" "$SVC" "$T/proxy.ready" 2>"$T/proxy.err" &
SVC_PIDS+=($!)
for _ in $(seq 100); do
	grep -q 'listening on' "$T/serve.out" 2>/dev/null && [ -f "$T/proxy.ready" ] && break
	sleep 0.1
done
t "certsvc and the proxy listen"
check "certsvc listens" grep -q 'listening on' "$T/serve.out"
check "the proxy listens" [ -f "$T/proxy.ready" ]

mode() { curl -fsS -o /dev/null "$PROXY/_mode?$1"; }
count() { curl -fsS "$PROXY/_count"; }

# --- demo1's certificate ----------------------------------------------------------
"$GMPKI" keygen -o "$W/ee.key" >/dev/null
"$GMPKI" req --key "$W/ee.key" --subject "/C=CN/O=x/CN=demo1" -o "$W/ee.csr" >/dev/null
TK=$(ticket "$SVC" "$DATA/certsvc.db" demo1 Demo@2026a apply)
jq -n --arg t "$TK" --rawfile c "$W/ee.csr" '{ticket: $t, csr: $c}' |
	curl -sS -H 'Content-Type: application/json' --data-binary @- \
	"$SVC/api/v1/enroll" >"$W/enroll.json"
jq -r .certificate "$W/enroll.json" >"$W/ee.pem"
jq -r .chain "$W/enroll.json" >"$W/chain.pem"
SERIAL=$(jq -r .serial "$W/enroll.json")
ROOT=$DATA/ca/root.pem
t "demo1 enrolled, its URLs name the proxy"
check "a serial" test -n "$SERIAL" -a "$SERIAL" != null
expect_ok openssl x509 -in "$W/ee.pem" -noout -ext authorityInfoAccess,crlDistributionPoints
expect_out "OCSP - URI:$PROXY/ocsp"
expect_out "URI:$PROXY/crl"

# The certificate is valid from the second it was issued.
sleep 1
NOW=$(date +%s)
CHAL=q2b1Yb6lU3nQ0bCqS4oB1m6wq8VvC7iJ0rM5XxkqZc8

# login NAME AT: a statement of time AT and its signature
login() {
	"$SIGN_STATEMENT" make "$W/ee.pem" "$CHAL" "$RP" "$ORIGIN" demo1 "$2" "$W/$1.stmt"
	"$SIGN_STATEMENT" sign "$W/ee.key" "$W/$1.stmt" "$W/$1.sig"
}
# cv NAME AT [options]: certauth-verify --json on NAME's statement at AT
cv() {
	local name=$1 at=$2
	shift 2
	"$CERTAUTH_VERIFY" --root "$ROOT" --rp "$RP" --origin "$ORIGIN" --username demo1 \
		--statement "$W/$name.stmt" --signature "$W/$name.sig" --cert "$W/ee.pem" \
		--chain "$W/chain.pem" --at "$at" --json "$@"
}
# expect_exit CODE CMD...: like expect_ok, for the verdict "invalid" (1)
expect_exit() {
	local want=$1 rc=0
	shift
	"$@" >"$OUT" 2>&1 || rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "$*"
	else
		fail "exit $rc, want $want: $*"
	fi
}
login now "$NOW"

# --- certauth-verify: one context per run ------------------------------------------
t "--fetch-revocation, good: answered by OCSP"
expect_ok cv now "$NOW" --fetch-revocation
expect_out '"ok":true'
expect_out '"revocation_checked":true'
expect_out '"revocation_source":"ocsp"'
expect_out '"ocsp_fetches":1'
expect_out '"crl_fetches":0'
check "the proxy saw one OCSP request" [ "$(count)" = "ocsp=1 crl=0" ]

t "without --fetch-revocation: not checked, nothing fetched"
expect_ok cv now "$NOW"
expect_out '"revocation_checked":false'
expect_out '"revocation_source":"none"'
check "no request" [ "$(count)" = "ocsp=1 crl=0" ]

t "human output names the source"
expect_ok "$CERTAUTH_VERIFY" --root "$ROOT" --rp "$RP" --origin "$ORIGIN" --username demo1 \
	--statement "$W/now.stmt" --signature "$W/now.sig" --cert "$W/ee.pem" \
	--chain "$W/chain.pem" --at "$NOW" --fetch-revocation
expect_out "证书状态 (revocation): 已检查 (checked), ocsp"

# fallback MODE DETAIL: OCSP in MODE, the CRL passes: OK from the CRL
fallback() {
	mode "ocsp=$1&crl=pass"
	t "OCSP $1: the CRL answers"
	expect_ok cv now "$NOW" --fetch-revocation --fetch-timeout 1000
	expect_out '"ok":true'
	expect_out '"revocation_source":"crl"'
	expect_out "\"ocsp_detail\":\"$2\""
	expect_out '"crl_fetches":1'
}
fallback 500 "HTTP status is not 200"
fallback garbage "OCSP answer does not parse"
fallback big "answer is larger than allowed"
fallback bigcl "answer is larger than allowed"
fallback redirect "HTTP status is not 200"
fallback hang "timed out"

t "a PEM CRL is read too"
mode "ocsp=500&crl=pem"
expect_ok cv now "$NOW" --fetch-revocation
expect_out '"revocation_source":"crl"'

t "both down: 无法确认证书状态"
mode "ocsp=500&crl=500"
expect_exit 1 cv now "$NOW" --fetch-revocation
expect_out '"code":"REVOCATION_UNKNOWN"'
expect_out '无法确认证书状态，请稍后再试'
expect_out '"revocation_source":"none"'
expect_out '"crl_detail":"HTTP status is not 200"'
expect_out '"failures":1'

t "a garbage CRL: unknown"
mode "ocsp=500&crl=garbage"
expect_exit 1 cv now "$NOW" --fetch-revocation
expect_out '"code":"REVOCATION_UNKNOWN"'
expect_out '"crl_detail":"CRL does not parse"'

t "an oversize CRL is refused: unknown"
mode "ocsp=500&crl=big"
expect_exit 1 cv now "$NOW" --fetch-revocation
expect_out '"crl_detail":"answer is larger than allowed"'
mode "ocsp=500&crl=bigcl"
expect_exit 1 cv now "$NOW" --fetch-revocation
expect_out '"crl_detail":"answer is larger than allowed"'
mode "ocsp=pass&crl=pass"

# --- --ocsp FILE and --crl FILE --------------------------------------------------------
curl -fsS "$SVC/ca/issuing.pem" -o "$W/issuing.pem"
openssl ocsp -issuer "$W/issuing.pem" -sm3 -cert "$W/ee.pem" -no_nonce -reqout "$W/req.der" \
	>/dev/null 2>&1
curl -fsS -H 'Content-Type: application/ocsp-request' --data-binary @"$W/req.der" \
	"$SVC/ocsp" -o "$W/resp.der"
curl -fsS "$SVC/crl" -o "$W/crl.der"
printf 'not an OCSP response' >"$W/junk.der"
t "--ocsp FILE: the callback's answer"
expect_ok cv now "$NOW" --ocsp "$W/resp.der"
expect_out '"revocation_source":"callback"'
t "--ocsp FILE that is stale, no CRL: unknown"
login late "$((NOW + VALIDITY + 600))"
expect_exit 1 cv late "$((NOW + VALIDITY + 600))" --ocsp "$W/resp.der"
expect_out '"ocsp_detail":"OCSP answer is stale"'
t "--ocsp junk --crl FILE: the CRL answers"
expect_ok cv now "$NOW" --ocsp "$W/junk.der" --crl "$W/crl.der"
expect_out '"revocation_source":"crl-config"'
t "--crl FILE alone"
expect_ok cv now "$NOW" --crl "$W/crl.der"
expect_out '"revocation_source":"crl-config"'
t "--ocsp missing file: input error"
expect_exit 2 cv now "$NOW" --ocsp "$W/nope.der"
expect_out "nope.der"
t "--fetch-timeout 0: usage error"
expect_exit 2 cv now "$NOW" --fetch-revocation --fetch-timeout 0
expect_out "invalid --fetch-timeout"

# --- one context kept: the cache ---------------------------------------------------------
coproc DRV { "$REVOCATION_DRIVER" "$ROOT" "$W/chain.pem" "$W/ee.pem" "$W/ee.key" demo1 2>"$T/driver.err"; }
DRV_PID=$DRV_PID
SVC_PIDS+=("$DRV_PID")
DRV_IN=${DRV[1]}
DRV_OUT=${DRV[0]}
# drv COMMAND: one line to the driver, its answer in $LINE (and $OUT)
drv() {
	LINE=
	echo "$*" >&"$DRV_IN"
	IFS= read -r LINE <&"$DRV_OUT" || LINE="(driver gone)"
	printf '%s\n' "$LINE" >"$OUT"
}
has() { [[ $LINE == *"$1"* ]]; }

t "first login: fetched"
drv verify "$NOW"
check "OK from OCSP" has "code=OK source=ocsp "
check "one fetch, cached" has "ocsp_fetches=1 ocsp_cache_hits=0"
check "one entry" has "ocsp_cached=1"
t "second login: a cache hit, no request"
C1=$(count)
drv verify "$NOW"
check "OK from the cache" has "code=OK source=ocsp-cache "
check "still one fetch" has "ocsp_fetches=1 ocsp_cache_hits=1"
check "the proxy saw no new request" [ "$(count)" = "$C1" ]
t "a second before nextUpdate: still the cache"
drv verify "$((NOW + VALIDITY - 1))"
check "OK from the cache" has "source=ocsp-cache "
check "still one fetch" has "ocsp_fetches=1 ocsp_cache_hits=2"
t "the clock past nextUpdate: dropped and fetched again"
LATE=$((NOW + VALIDITY + 600))
drv verify "$LATE"
# The responder answers for its own (real) time, so at LATE the new answer
# is stale too: the CRL (valid for days) answers.
check "a new OCSP fetch" has "ocsp_fetches=2"
check "the stale answer is refused" has "ocsp: OCSP answer is stale"
check "the CRL answers" has "code=OK source=crl "
check "the expired entry is gone" has "ocsp_cached=0 crl_cached=1"
t "again at that time: the CRL from the cache"
drv verify "$LATE"
check "OK from the cached CRL" has "code=OK source=crl-cache "
check "one CRL fetch, one hit" has "crl_fetches=1 crl_cache_hits=1"
check "OCSP asked again (its stale answer was not kept)" has "ocsp_fetches=3"
t "back at the real time: fetched and cached again"
drv verify "$NOW"
check "OK from OCSP" has "code=OK source=ocsp "
check "a fourth fetch" has "ocsp_fetches=4"
drv verify "$NOW"
check "then the cache" has "source=ocsp-cache "

t "threads share one context and its cache"
drv reset
drv threads 8 "$NOW"
check "all 8 logins OK" has "ok=8 "
check "nothing unknown" has "failures=0"
check "one entry" has "ocsp_cached=1"
drv threads 8 "$NOW"
check "all 8 again" has "ok=8 "
t "threads share the CRL cache (OCSP down)"
mode "ocsp=500&crl=pass"
drv reset
drv threads 8 "$NOW"
check "all 8 logins OK" has "ok=8 "
check "one CRL cached" has "crl_cached=1"
drv threads 8 "$NOW"
check "all 8 again" has "ok=8 "
check "nothing unknown" has "failures=0"
mode "ocsp=pass&crl=pass"
t "OCSP back: a good answer fetched and cached"
drv verify "$NOW"
check "OK from OCSP" has "code=OK source=ocsp "
check "one entry" has "ocsp_cached=1"

# --- revoked ----------------------------------------------------------------------------
t "revoke demo1's certificate"
expect_ok env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$S" certs revoke --data "$DATA" \
	--serial "$SERIAL" --reason keyCompromise

t "a fresh context: 证书已被废除 from OCSP"
expect_exit 1 cv now "$NOW" --fetch-revocation
expect_out '"code":"REVOKED"'
expect_out '证书已被废除'
expect_out '"revocation_source":"ocsp"'

t "a context holding the earlier good answer keeps it until nextUpdate"
drv verify "$NOW"
check "still OK from the cache" has "code=OK source=ocsp-cache "
t "a new context: revoked, and the revoked answer is cached"
drv reset
drv verify "$NOW"
check "REVOKED from OCSP" has "code=REVOKED source=ocsp "
drv verify "$NOW"
check "REVOKED from the cache" has "code=REVOKED source=ocsp-cache "

# The service remakes its CRL within a housekeeping round.
listed() {
	curl -fsS "$SVC/crl" -o "$W/crl2.der" &&
		openssl crl -inform DER -in "$W/crl2.der" -noout -text >"$W/crl2.txt" &&
		grep -Eiq "Serial Number: 0*$SERIAL\s*$" "$W/crl2.txt"
}
crl_listed() {
	for _ in $(seq 100); do
		listed && return 0
		sleep 0.2
	done
	return 1
}
check "the served CRL lists the serial" crl_listed
t "OCSP down, the new CRL: 证书已被废除 from the CRL"
mode "ocsp=500&crl=pass"
expect_exit 1 cv now "$NOW" --fetch-revocation
expect_out '"code":"REVOKED"'
expect_out '"revocation_source":"crl"'
expect_out 'certificate has been revoked (CRL)'
t "--crl with the new CRL file: revoked"
expect_exit 1 cv now "$NOW" --crl "$W/crl2.der"
expect_out '"code":"REVOKED"'

t "the driver quits cleanly"
echo quit >&"$DRV_IN"
rc=0
wait "$DRV_PID" || rc=$?
check "driver exit 0" [ "$rc" -eq 0 ]
check "driver stderr empty" [ ! -s "$T/driver.err" ]
t "sanitizer reports"
check "no sanitizer report" [ -z "$(ls -A "$T/san")" ]
finish
