#!/usr/bin/env bash
# Sets up and runs CertHelper on its embedded defaults.
#   bash scripts/run.sh          install dependencies, build, run the demo
# Everything it creates lives under ./demo (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" = 0 ]; then
	bash scripts/deps.sh
else
	echo "run.sh: not root: skipping dependency installation (run scripts/deps.sh as root once)"
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
gmpki="$top/build/gmpki"
demo="$top/demo"
mkdir -p "$demo"

if [ ! -f "$demo/ca/root.pem" ]; then
	"$gmpki" ca init --dir "$demo/ca" --name "CertHelper 演示 CA" \
		--crl-url http://127.0.0.1:8440/crl --ocsp-url http://127.0.0.1:8440/ocsp
fi
if [ ! -f "$demo/user1.pem" ]; then
	"$gmpki" keygen -o "$demo/user1.key"
	"$gmpki" req --key "$demo/user1.key" --subject "/C=CN/O=示例企业/CN=user1" -o "$demo/user1.csr"
	"$gmpki" ca sign --dir "$demo/ca" --csr "$demo/user1.csr" --username user1 \
		--uscc 91350100M000100Y43 --org "示例企业" -o "$demo/user1.pem"
fi
"$gmpki" verify --root "$demo/ca/root.pem" --chain "$demo/ca/chain.pem" "$demo/user1.pem"
"$gmpki" show "$demo/user1.pem"
cat <<TXT

Demo CA:          $demo/ca (root.pem, issuing.pem, chain.pem)
Demo certificate: $demo/user1.pem  (key $demo/user1.key)
Try:              $gmpki show $demo/user1.pem
                  openssl x509 -text -noout -in $demo/user1.pem
TXT
