#!/usr/bin/env bash
# svc_bench.sh - sets up a throw-away certsvc (init, demo, one enrolled
# certificate), serves it on a free loopback port and runs svc_bench.
#   bash bench/svc_bench.sh [BUILD_DIR] [seconds] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${2:-3}
threads=${3:-4}
S=$build/svc/certsvc
G=$build/gmpki
T=$(mktemp -d)
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT
"$S" init --data "$T/data" >/dev/null
"$S" demo --data "$T/data" >/dev/null
tok=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
hash=$(printf '%s' "$tok" | openssl dgst -sm3 | awk '{print $NF}')
sqlite3 "$T/data/certsvc.db" "INSERT INTO tickets (token_hash, account_id, purpose, expires_at)
    SELECT '$hash', id, 'apply', strftime('%s', 'now') + 600 FROM accounts WHERE username = 'demo1'"
"$S" serve --data "$T/data" --listen 127.0.0.1:0 >"$T/serve.out" 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 100); do grep -qs 'listening on' "$T/serve.out" && break; sleep 0.1; done
URL=$(sed -n 's/^certsvc: listening on //p' "$T/serve.out")
"$G" keygen -o "$T/k.pem" >/dev/null
"$G" req --key "$T/k.pem" --subject "/C=CN/O=x/CN=demo1" -o "$T/r.pem" >/dev/null
jq -n --arg t "$tok" --rawfile c "$T/r.pem" '{ticket: $t, csr: $c}' |
	curl -sf -H 'Content-Type: application/json' --data-binary @- "$URL/api/v1/enroll" |
	jq -r .certificate >"$T/cert.pem"
curl -sf "$URL/ca/issuing.pem" -o "$T/issuing.pem"
"$build/svc/svc_bench" "$URL" "$T/issuing.pem" "$T/cert.pem" "$secs" "$threads"
