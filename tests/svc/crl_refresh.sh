#!/bin/bash
# crl_refresh.sh - an operator revokes with `certsvc certs revoke` while
# `certsvc serve` runs on the same database: the running service reports
# the revocation through OCSP at once and serves a CRL listing it within a
# housekeeping round; nothing the service wrote meanwhile is lost (the
# admin process must not delete the service's -wal file), and the audit
# chain still verifies with every row present.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/serve.bash"

: "${CERTSVC:?set CERTSVC to the certsvc binary}"
S=$CERTSVC
G=$GMPKI
DATA=$T/data
DB=$DATA/certsvc.db
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT
cd "$W"

"$S" init --data "$DATA" >/dev/null
"$S" demo --data "$DATA" >/dev/null
sed -i 's/^housekeeping_interval *=.*/housekeeping_interval = 1/' "$DATA/certsvc.conf"

sql() {
	sqlite3 -batch "$DB" "$@"
}
# A ticket row as svc_ticket_create writes it (SM3 of the token).
ticket() {
	local tok hash
	tok=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
	hash=$(printf '%s' "$tok" | openssl dgst -sm3 | awk '{print $NF}')
	sql "INSERT INTO tickets (token_hash, account_id, purpose, expires_at)
	    SELECT '$hash', id, 'apply', strftime('%s', 'now') + 600
	    FROM accounts WHERE username = '$1'"
	printf '%s' "$tok"
}
enroll() {
	"$G" keygen -o "$W/$1.key" >/dev/null
	"$G" req --key "$W/$1.key" --subject "/C=CN/O=x/CN=$1" -o "$W/$1.csr" \
	    >/dev/null
	jq -n --arg t "$2" --rawfile c "$W/$1.csr" '{ticket: $t, csr: $c}' |
	    curl -sf -H 'Content-Type: application/json' --data-binary @- \
	    "$URL/api/v1/enroll" >"$W/$1.json"
	jq -r .certificate "$W/$1.json" >"$W/$1.pem"
	jq -r .serial "$W/$1.json"
}
T1=$(ticket demo1)
T2=$(ticket demo2)

serve_start serve
check "serve started" [ -n "$URL" ]

SERIAL1=$(enroll demo1 "$T1") || SERIAL1=""
check "enrolled demo1" [ -n "$SERIAL1" ]
curl -sf "$URL/ca/issuing.pem" -o "$W/issuing.pem"

t "admin revokes while serve runs"
expect_ok "$S" certs revoke --data "$DATA" --serial "$SERIAL1" --reason keyCompromise

# After the admin process opened and closed the database, the service's
# next write must be visible to others.
SERIAL2=$(enroll demo2 "$T2") || SERIAL2=""
check "enrolled demo2 after the admin command" [ -n "$SERIAL2" ]
t "the new certificate is in the database another process reads"
expect_ok "$S" certs list --data "$DATA"
expect_out "$SERIAL2"

t "OCSP says revoked at once"
expect_ok openssl ocsp -issuer "$W/issuing.pem" -sm3 -cert "$W/demo1.pem" \
    -url "$URL/ocsp" -noverify -resp_text
expect_out "Cert Status: revoked"

listed() {
	curl -sf "$URL/crl" -o "$W/crl.der" &&
	    openssl crl -inform DER -in "$W/crl.der" -noout -text >"$W/crl.txt" &&
	    grep -Eiq "Serial Number: 0*$SERIAL1\s*$" "$W/crl.txt"
}
crl_listed() {
	for _ in $(seq 50); do
		listed && return 0
		sleep 0.2
	done
	return 1
}
check "the served CRL lists the serial within a housekeeping round" crl_listed

kill "$SPID"
wait "$SPID" || true
SPID=""
t "audit chain intact, issue rows of both certificates present"
expect_ok "$S" audit verify --data "$DATA"
check "issue row for demo2" [ "$(sql "SELECT COUNT(*) FROM audit_log
    WHERE action = 'issue' AND object = '$SERIAL2'")" = 1 ]
check "revoke row for demo1" [ "$(sql "SELECT COUNT(*) FROM audit_log
    WHERE action = 'revoke' AND object = '$SERIAL1'")" = 1 ]

finish
