#!/usr/bin/env bash
# Sets up and runs CertHelper on its embedded defaults (SQLite, loopback).
#   bash scripts/run.sh          install dependencies, build, start, print what to open
#   bash scripts/run.sh stop     stop what it started
# Everything it creates lives under ./demo (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
demo="$top/demo"
build="$top/build"

stop_all() {
	if [ -x "$build/helper/certhelper" ] && [ -d "$demo/home" ]; then
		HOME="$demo/home" "$build/helper/certhelper" stop >/dev/null 2>&1 || true
	fi
	for f in "$demo"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		fi
		rm -f "$f"
	done
}

if [ "${1:-}" = stop ]; then
	stop_all
	echo "run.sh: stopped"
	exit 0
fi

if [ "$(id -u)" = 0 ]; then
	bash scripts/deps.sh
else
	echo "run.sh: not root: skipping dependency installation (run scripts/deps.sh as root once)"
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
mkdir -p "$demo"
chmod 700 "$demo"
stop_all

# --- the online service (certsvc) with a demo CA, enterprises, accounts ---
certsvc="$build/svc/certsvc"
svcdata="$demo/certsvc"
if [ ! -f "$svcdata/certsvc.conf" ]; then
	"$certsvc" init --data "$svcdata" --name "CertHelper 演示 CA"
	"$certsvc" demo --data "$svcdata"
fi
nohup "$certsvc" serve --data "$svcdata" >"$demo/certsvc.log" 2>&1 &
echo $! >"$demo/certsvc.pid"
for _ in $(seq 100); do
	grep -q "listening on" "$demo/certsvc.log" 2>/dev/null && break
	sleep 0.1
done
url=$(sed -n 's/^certsvc: listening on \(http[^ ]*\).*/\1/p' "$demo/certsvc.log" | head -n 1)
if [ -z "$url" ]; then
	cat "$demo/certsvc.log"
	echo "run.sh: certsvc did not start" >&2
	exit 1
fi

# --- the certificate helper (certhelper) for this machine's browser --------
# Its files live under demo/home (HOME for the helper), so the demo never
# touches the real user's keystore.  The root is pinned by its SM3
# fingerprint computed from the CA directory, not trusted on first use.
certhelper="$build/helper/certhelper"
hhome="$demo/home"
mkdir -p "$hhome"
chmod 700 "$hhome"
root_sm3=$(openssl x509 -in "$svcdata/ca/root.pem" -outform DER | openssl dgst -sm3 -r | cut -d' ' -f1)
HOME="$hhome" "$certhelper" setup --service "$url" --root-sm3 "$root_sm3" >"$demo/certhelper-setup.log" 2>&1 || {
	cat "$demo/certhelper-setup.log"; echo "run.sh: certhelper setup failed" >&2; exit 1; }
HOME="$hhome" "$certhelper" start >"$demo/certhelper-start.log" 2>&1 || {
	cat "$demo/certhelper-start.log"; echo "run.sh: certhelper did not start" >&2; exit 1; }
# --- the sample reporting systems (reportsys), one per directory entry ----
# Their accounts are the service's demo accounts; each pins the CA root.
reportsys="$build/reportsys/reportsys"
rs_urls=""
for rs in "wanfeng 8450 万峰联网直报系统 Wanfeng" "tongfang 8451 同方联网直报系统 Tongfang" \
	"fujian 8452 福建省联网直报系统 Fujian"; do
	set -- $rs
	rsdir="$demo/reportsys-$1"
	mkdir -p "$rsdir"
	chmod 700 "$rsdir"
	cp "$svcdata/ca/root.pem" "$rsdir/root.pem"
	cat >"$rsdir/reportsys.conf" <<CONF
# reportsys for the demo (docs/REPORTSYS.md)
listen = 127.0.0.1:$2
name = $3
name_en = $4 online reporting (demo)
rp_id = $1
origin = http://127.0.0.1:$2
root = root.pem
accounts = accounts
service_url = $url
helper_url = http://127.0.0.1:17380
revocation = fetch
CONF
	if [ ! -f "$rsdir/accounts" ]; then
		for a in "demo1 Demo@2026a" "demo2 Demo@2026b" "demo3 Demo@2026c"; do
			set -- $a
			printf '%s\n' "$2" | "$reportsys" passwd --accounts "$rsdir/accounts" "$1"
		done
	fi
	name=$(basename "$rsdir")
	nohup "$reportsys" serve --config "$rsdir/reportsys.conf" >"$demo/$name.log" 2>&1 &
	echo $! >"$demo/$name.pid"
done
for f in "$demo"/reportsys-*.log; do
	for _ in $(seq 100); do
		grep -q "listening on" "$f" 2>/dev/null && break
		sleep 0.1
	done
	grep -q "listening on" "$f" || { cat "$f"; echo "run.sh: reportsys did not start ($f)" >&2; exit 1; }
done

console=$(HOME="$hhome" "$certhelper" console 2>/dev/null | grep -o 'http://[^ ]*' | head -n 1 || true)

cat <<TXT

CertHelper is running.
  在线服务系统 (online service):  $url/
  演示账户 (demo logins):         demo1 / Demo@2026a   demo2 / Demo@2026b   demo3 / Demo@2026c
  CA certificates:               $url/ca/root.pem  $url/ca/chain.pem
  OCSP / CRL:                    $url/ocsp  $url/crl
  联网直报系统 (reporting systems): http://127.0.0.1:8450/ (万峰)  http://127.0.0.1:8451/ (同方)  http://127.0.0.1:8452/ (福建)
  证书助手 (certificate helper):  running on 127.0.0.1:17380 (HOME=$hhome)
  证书管理 console:               ${console:-run: HOME=$hhome $certhelper console}
  Helper CLI:                    HOME=$hhome $certhelper list
  Story: open the service, 申请证书, log in as demo1, 下载证书 → 下载成功 → 确定;
         then open http://127.0.0.1:8450/, log in as demo1, choose the certificate in
         客户身份验证 → 确定 → 直报系统.
  Admin CLI:                     $certsvc certs list --data $svcdata
  Library CLI:                   $build/gmpki --help
  Logs:                          $demo/*.log
Stop with: bash scripts/run.sh stop
TXT
