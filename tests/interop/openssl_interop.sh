#!/bin/bash
# openssl_interop.sh - the real openssl CLI as the oracle (issue 2,
# "Interop tests"; ../shared/notes/openssl3-sm2.md explains the limits).
#
# OpenSSL 3.0's CLI sets the SM2 ID only on the certificate it is asked
# about, so chains are checked link by link.  `openssl crl` has no
# -vfyopt: it can parse our CRL but not verify its SM2 signature (that is
# tested through the C API in tests/unit/crl_test.c).
. "$(dirname "$0")/../lib.sh"

if ! command -v openssl >/dev/null; then
	echo "openssl not found" >&2
	exit 1
fi

G=$GMPKI
D=distid:1234567812345678
USCC=91350100M000100Y43
ORG=测试企业有限公司
cd "$W"

# A CA, a key, a CSR and a certificate made by gmpki.
"$G" ca init --dir ca --name "Interop CA" \
    --crl-url http://crl.example.cn/issuing.crl >/dev/null
"$G" keygen -o user.key >/dev/null
"$G" req --key user.key --subject "/C=CN/O=$ORG/CN=alice" -o alice.csr >/dev/null
"$G" ca sign --dir ca --csr alice.csr --username alice --uscc $USCC \
    --org "$ORG" -o cert.pem >/dev/null
SERIAL=$(cut -f1 ca/index.tsv)

# --- certificates, link by link -------------------------------------------------
t "openssl verify: issuing CA under the root"
expect_ok openssl verify -vfyopt $D -CAfile ca/root.pem ca/issuing.pem
expect_out "issuing.pem: OK"
t "openssl verify: user certificate under the issuing CA"
expect_ok openssl verify -vfyopt $D -partial_chain -CAfile ca/issuing.pem cert.pem
expect_out "cert.pem: OK"
t "openssl verify: the root's self-signature"
expect_ok openssl verify -vfyopt $D -CAfile ca/root.pem ca/root.pem
expect_out "root.pem: OK"
t "openssl verify without the ID fails (the ID is really used)"
openssl verify -partial_chain -CAfile ca/issuing.pem cert.pem >"$OUT" 2>&1 || true
expect_no_out "cert.pem: OK"

# --- CSRs both ways -------------------------------------------------------------
t "openssl genpkey -algorithm SM2"
expect_ok openssl genpkey -algorithm SM2 -out ossl.key
t "openssl req -sm3 -sigopt distid"
expect_ok openssl req -new -key ossl.key -sm3 -sigopt $D \
    -subj "/C=CN/O=Interop Org/CN=bob" -out ossl.csr
t "gmpki ca sign accepts the openssl CSR"
expect_ok "$G" ca sign --dir ca --csr ossl.csr --username bob --uscc $USCC \
    --org "Interop Org" -o bob.pem
t "openssl verify: the certificate for the openssl key"
expect_ok openssl verify -vfyopt $D -partial_chain -CAfile ca/issuing.pem bob.pem
expect_out "bob.pem: OK"
t "an openssl CSR without the ID is refused"
expect_ok openssl req -new -key ossl.key -sm3 -subj "/C=CN/O=X/CN=carol" \
    -out noid.csr
expect_fail 1 "签名验证失败" "$G" ca sign --dir ca --csr noid.csr --username carol \
    --uscc $USCC --org X -o carol.pem

t "openssl req -verify: the gmpki CSR"
# Exits 0 even on failure: the message is what counts.
openssl req -in alice.csr -verify -noout -vfyopt $D >"$OUT" 2>&1 || true
expect_out "verify OK"
expect_no_out "verify failure"
t "openssl req -verify: a gmpki CSR for an openssl key"
expect_ok "$G" req --key ossl.key --subject "/C=CN/O=Interop Org/CN=dave" -o dave.csr
openssl req -in dave.csr -verify -noout -vfyopt $D >"$OUT" 2>&1 || true
expect_out "verify OK"

# --- keys -----------------------------------------------------------------------
t "openssl pkey reads a key from gmpki keygen"
expect_ok openssl pkey -in user.key -noout -text
expect_out "SM2"
check "openssl pkey: the same public key as the certificate" \
    test "$(openssl pkey -in user.key -pubout)" = "$(openssl x509 -in cert.pem -noout -pubkey)"

# --- the certificate as openssl sees it -------------------------------------------
t "openssl x509 -text"
expect_ok openssl x509 -in cert.pem -noout -text -nameopt utf8,sep_comma_plus_space
expect_out "Signature Algorithm: SM2-with-SM3"
expect_out "CN=alice"
expect_out "O=$ORG"
expect_out "C=CN"
expect_out "1.2.156.10260.4.1.4"
expect_out "$USCC"
expect_out "Digital Signature"
expect_out "X509v3 Authority Key Identifier"
expect_out "X509v3 Subject Key Identifier"
expect_out "http://crl.example.cn/issuing.crl"
NB=$(openssl x509 -in cert.pem -noout -startdate | cut -d= -f2)
NA=$(openssl x509 -in cert.pem -noout -enddate | cut -d= -f2)
NB_Y=$(date -u -d "$NB" +%Y)
NA_Y=$(date -u -d "$NA" +%Y)
NB_R=$(date -u -d "$NB" +%m-%d_%H:%M:%S)
NA_R=$(date -u -d "$NA" +%m-%d_%H:%M:%S)
check "openssl x509: three-year validity ($NB .. $NA)" \
    test "$((NB_Y + 3))" = "$NA_Y" -a \( "$NB_R" = "$NA_R" -o "${NB_R:0:5}" = "02-29" \)

# --- the CRL as openssl sees it --------------------------------------------------
"$G" ca revoke --dir ca --serial "$SERIAL" --reason keyCompromise >/dev/null
"$G" ca crl --dir ca -o ca.crl >/dev/null
t "openssl crl -text parses the CRL"
expect_ok openssl crl -in ca.crl -noout -text
expect_out "Signature Algorithm: SM2-with-SM3"
expect_out "X509v3 CRL Number"
expect_out "Key Compromise"
# openssl prints whole bytes: a serial whose hex has an odd length gets a
# leading 0.
OSERIAL=$SERIAL
if [ $((${#SERIAL} % 2)) -eq 1 ]; then
	OSERIAL=0$SERIAL
fi
expect_out "Serial Number: $OSERIAL"
t "openssl crl -inform: a DER round trip keeps the entry"
expect_ok openssl crl -in ca.crl -outform DER -out ca.crl.der
expect_ok "$G" show ca.crl.der
expect_out "$SERIAL"

finish
