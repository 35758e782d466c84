#!/bin/bash
# delegated_keys.sh - the OCSP responder's and the directory signer's keys
# (certificates of one year): `certsvc keys show|renew`, a running serve
# taking an operator's new pair within a housekeeping round, and serve
# renewing both by itself delegated_renew_days before their end (its
# clock moved 340 days by libfaketime).  The answers are checked with the
# openssl CLI (OCSP: the responder's key hash) and the directory's signer.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/serve.bash"

: "${CERTSVC:?set CERTSVC to the certsvc binary}"
S=$CERTSVC
DATA=$T/data
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT
cd "$W"
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)

"$S" init --data "$DATA" --name "测试证书中心" >/dev/null
sed -i 's/^housekeeping_interval *=.*/housekeeping_interval = 1/' "$DATA/certsvc.conf"

serial_of() { openssl x509 -in "$DATA/keys/$1.pem" -noout -serial | cut -d= -f2; }
t "keys show: both pairs, 365 days"
expect_ok "$S" keys show --data "$DATA"
expect_out "ocsp"
expect_out "docsign"
expect_out "剩余 365 天"
OCSP1=$(serial_of ocsp)
DS1=$(serial_of docsign)
check "the responder certificate names the CA" sh -c \
    "openssl x509 -in '$DATA/keys/ocsp.pem' -noout -subject -nameopt utf8,sep_comma_plus | grep -q 'CN=测试证书中心 OCSP Responder'"
check "the directory signer too" sh -c \
    "openssl x509 -in '$DATA/keys/docsign.pem' -noout -subject -nameopt utf8,sep_comma_plus | grep -q 'CN=测试证书中心 目录签名'"

t "keys renew --which bogus: usage, nothing changes"
expect_fail 2 "--which is ocsp, docsign or all" "$S" keys renew --data "$DATA" --which bogus
check "... the responder is the same" [ "$(serial_of ocsp)" = "$OCSP1" ]
t "keys renew without --data"
expect_fail 2 "--data" "$S" keys renew

# --- an operator's renewal while serve runs --------------------------------
serve_start serve
check "serve started" [ -n "$URL" ]

# responder_id: the ResponderID (byKey) of an answer about docsign.pem,
# asked with openssl's own OCSP client
responder_id() {
	openssl ocsp -issuer "$DATA/ca/issuing.pem" -sm3 -cert "$DATA/keys/docsign.pem" \
	    -url "$URL/ocsp" -noverify -resp_text 2>/dev/null |
	    sed -n 's/^ *Responder Id: *//p'
}
check "openssl's OCSP client is answered (Host without a port)" [ -n "$(responder_id)" ]
RID1=$(responder_id)

t "keys renew --which ocsp while serve runs"
expect_ok "$S" keys renew --data "$DATA" --which ocsp
expect_out "ocsp"
OCSP2=$(serial_of ocsp)
check "... a new responder certificate" [ "$OCSP2" != "$OCSP1" ]
check "... the docsign pair untouched" [ "$(serial_of docsign)" = "$DS1" ]
check "... ocsp.key stays 0600" [ "$(stat -c %a "$DATA/keys/ocsp.key")" = 600 ]
renewed_answer() {
	for _ in $(seq 50); do
		r=$(responder_id)
		[ -n "$r" ] && [ "$r" != "$RID1" ] && return 0
		sleep 0.2
	done
	return 1
}
check "serve answers with the new responder within a round" renewed_answer
# certsvc writes serials without leading zeros; openssl pads to a byte
OCSP2N=$(printf '%s' "$OCSP2" | sed 's/^0*//')
check "serve logged the reload" grep -q "keys/ocsp.pem reloaded: serial $OCSP2N" "$T/serve.err"
t "audit: a keys_renew row"
expect_ok "$S" audit show --data "$DATA"
expect_out "keys_renew"
expect_out "serial $OCSP2N"

t "a pair that does not match is not taken"
cp "$DATA/keys/docsign.pem" "$T/ds.pem"
cp "$DATA/keys/ocsp.pem" "$DATA/keys/docsign.pem"
expect_fail 1 "docsign" "$S" keys show --data "$DATA"
sleep 2
check "... serve keeps signing the directory with the old pair" sh -c \
    "curl -sf '$URL/api/v1/rp' | jq -r .signer | openssl x509 -noout -serial | grep -q '$DS1'"
cp "$T/ds.pem" "$DATA/keys/docsign.pem"
chmod 644 "$DATA/keys/ocsp.key"
t "a key readable by others is refused"
expect_fail 1 "ocsp" "$S" keys show --data "$DATA"
chmod 600 "$DATA/keys/ocsp.key"
kill "$SPID"
wait "$SPID" || true
SPID=""

# --- serve renews by itself near the end ------------------------------------
if [ -n "$faketime_lib" ]; then
	# renewed_in NAME: both pairs renewed, per serve NAME's log
	renewed_in() {
		for _ in $(seq 100); do
			grep -q "keys/ocsp.pem renewed" "$T/$1.err" &&
			    grep -q "keys/docsign.pem renewed" "$T/$1.err" && return 0
			sleep 0.1
		done
		return 1
	}
	# serve_at NAME DAYS: serve with its clock DAYS ahead
	serve_at() {
		# (an ASan build lets libfaketime load first)
		serve_start "$1" LD_PRELOAD="$faketime_lib" FAKETIME="+$2d" \
		    FAKETIME_DONT_FAKE_MONOTONIC=1 \
		    ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
	}
	serve_stop() {
		kill "$SPID"
		wait "$SPID" || true
		SPID=""
	}

	serve_at serve2 340
	check "25 days before the end, serve renews both pairs" renewed_in serve2
	check "... new responder certificate on disk" [ "$(serial_of ocsp)" != "$OCSP2" ]
	check "... new directory signer on disk" [ "$(serial_of docsign)" != "$DS1" ]
	DS3=$(serial_of docsign)
	check "... the directory is signed by the new one" sh -c \
	    "curl -sf '$URL/api/v1/rp' | jq -r .signer | openssl x509 -noout -serial | grep -q '$DS3'"
	sleep 2
	check "... once: not renewed again every round" \
	    [ "$(grep -c 'keys/ocsp.pem renewed' "$T/serve2.err")" = 1 ]
	serve_stop

	# 12 days before the issuing CA's own end: the new pair ends with
	# the CA, and is not renewed again though it has under 30 days.
	serve_at serve3 3640
	check "near the CA's end: renewed" renewed_in serve3
	CA_END=$(openssl x509 -in "$DATA/ca/issuing.pem" -noout -enddate)
	check "... ending with the issuing CA (ocsp)" \
	    [ "$(openssl x509 -in "$DATA/keys/ocsp.pem" -noout -enddate)" = "$CA_END" ]
	check "... ending with the issuing CA (docsign)" \
	    [ "$(openssl x509 -in "$DATA/keys/docsign.pem" -noout -enddate)" = "$CA_END" ]
	sleep 2
	check "... and not again, though under 30 days are left" \
	    [ "$(grep -c 'keys/docsign.pem renewed' "$T/serve3.err")" = 1 ]
	serve_stop
else
	t "libfaketime present"; fail "apt-get install faketime"
fi

finish
