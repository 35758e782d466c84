#!/usr/bin/env bash
# Installs every Debian package CertHelper needs to build, test and run.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git ca-certificates
  libssl-dev openssl
  libmicrohttpd-dev libcurl4-openssl-dev curl
  libsqlite3-dev sqlite3
  jq xxd python3
  libpq-dev postgresql
  libjansson-dev
  libgd-dev fonts-dejavu-core
  clang libclang-rt-14-dev
  faketime
  chromium fonts-wqy-microhei
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js (for the Playwright browser tests): any node >= 18 with npm will do;
# Debian's own nodejs package is used only when no node is present.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: all Debian packages present"
fi
