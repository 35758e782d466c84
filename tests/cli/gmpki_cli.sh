#!/bin/bash
# gmpki_cli.sh - every form of the gmpki tool, end to end: keygen, req,
# ca init/sign/revoke/crl, verify (with and without a CRL), show on a
# certificate, a CSR and a CRL, and uscc.
. "$(dirname "$0")/../lib.sh"

G=$GMPKI
USCC=91350100M000100Y43
ORG=测试企业有限公司
cd "$W"

# --- help and usage ---------------------------------------------------------
for sub in keygen req verify show uscc "ca" "ca init" "ca sign" \
    "ca revoke" "ca crl"; do
	t "gmpki $sub --help"
	# shellcheck disable=SC2086
	expect_ok "$G" $sub --help
	expect_out "用法 (usage)"
done
t "gmpki --help lists the subcommands"
expect_ok "$G" --help
expect_out "keygen"
t "gmpki --version"
expect_ok "$G" --version
expect_out "gmpki "
t "no subcommand is a usage error"
expect_fail 2 "用法 (usage)" "$G"
t "unknown subcommand"
expect_fail 2 "未知子命令 (unknown subcommand): frobnicate" "$G" frobnicate
t "unknown option"
expect_fail 2 "未知选项" "$G" keygen --frob -o x.pem
t "unknown ca subcommand"
expect_fail 2 "未知子命令" "$G" ca frob

# --- keygen -----------------------------------------------------------------
printf 'user secret\n' >user.pass
t "keygen without a passphrase"
expect_ok "$G" keygen -o user.key
check "keygen: plain PKCS#8" grep -q -- "-----BEGIN PRIVATE KEY-----" user.key
check "keygen: key mode 0600" mode_is user.key 600
t "keygen with a passphrase file"
expect_ok "$G" keygen -o enc.key --pass-file user.pass
expect_out "encrypted"
check "keygen: encrypted PKCS#8" grep -q -- "-----BEGIN ENCRYPTED PRIVATE KEY-----" enc.key
check "keygen: encrypted key mode 0600" mode_is enc.key 600
t "keygen refuses to overwrite"
expect_fail 1 "已存在 (already exists)" "$G" keygen -o user.key
t "keygen needs -o"
expect_fail 2 "缺少 -o" "$G" keygen
t "keygen refuses a stray argument"
expect_fail 2 "多余的参数" "$G" keygen -o k2.pem extra

# --- req --------------------------------------------------------------------
t "req with a plain key"
expect_ok "$G" req --key user.key --subject "/C=CN/O=$ORG/CN=alice" -o alice.csr
check "req: a PEM CSR" grep -q -- "-----BEGIN CERTIFICATE REQUEST-----" alice.csr
t "req with an encrypted key and its passphrase"
expect_ok "$G" req --key enc.key --pass-file user.pass \
    --subject "/C=CN/O=$ORG/CN=bob" -o bob.csr
t "req refuses a malformed subject"
expect_fail 1 "证书主题格式错误" "$G" req --key user.key --subject "C=CN" -o x.csr
t "req needs --subject"
expect_fail 2 "缺少 --subject" "$G" req --key user.key -o x.csr

# --- ca init ------------------------------------------------------------------
t "ca init with a generated passphrase"
expect_ok "$G" ca init --dir ca --name "测试CA" \
    --crl-url http://crl.example.cn/issuing.crl --ocsp-url http://ocsp.example.cn
expect_out "private/passphrase"
check "ca init: CA folder 0700" mode_is ca 700
check "ca init: private/ 0700" mode_is ca/private 700
check "ca init: root key 0600" mode_is ca/private/root.key 600
check "ca init: issuing key 0600" mode_is ca/private/issuing.key 600
check "ca init: passphrase file 0600" mode_is ca/private/passphrase 600
check "ca init: keys encrypted" grep -q "ENCRYPTED PRIVATE KEY" ca/private/root.key
check "ca init: root.pem, issuing.pem" test -s ca/root.pem -a -s ca/issuing.pem
check "ca init: chain.pem holds two certificates" \
    test "$(grep -c 'BEGIN CERTIFICATE' ca/chain.pem)" -eq 2
check "ca init: chain.pem starts with issuing.pem" \
    test "$(head -c "$(wc -c <ca/issuing.pem)" ca/chain.pem)" = "$(cat ca/issuing.pem)"
check "ca init: empty index.tsv" test -f ca/index.tsv -a ! -s ca/index.tsv
check "ca init: crlnumber 1" test "$(cat ca/crlnumber)" = 1
check "ca init: ca.conf has the URLs" grep -q "crl_url = http://crl.example.cn/issuing.crl" ca/ca.conf
t "ca init refuses a folder that holds a CA"
expect_fail 1 "该目录已含CA" "$G" ca init --dir ca
t "ca init needs --dir"
expect_fail 2 "缺少 --dir" "$G" ca init
printf 'ca secret\n' >ca.pass
t "ca init with a passphrase file"
expect_ok "$G" ca init --dir ca2 --pass-file ca.pass
check "ca init --pass-file: no passphrase file" test ! -e ca2/private/passphrase
t "show: default CA name"
expect_ok "$G" show ca2/root.pem
expect_out "CertHelper CA Root CA"

# --- ca sign ----------------------------------------------------------------
t "ca sign"
expect_ok "$G" ca sign --dir ca --csr alice.csr --username alice --uscc $USCC \
    --org "$ORG" -o alice.pem
expect_out "序列号 (Serial)"
SERIAL=$(cut -f1 ca/index.tsv | head -1)
check "ca sign: one index record" test "$(wc -l <ca/index.tsv)" -eq 1
check "ca sign: record is valid" test "$(cut -f2 ca/index.tsv)" = V
check "ca sign: certs/SERIAL.pem" cmp -s "ca/certs/$SERIAL.pem" alice.pem
check "ca sign: certificate mode 0644" mode_is alice.pem 644
t "ca sign --days 30"
expect_ok "$G" ca sign --dir ca --csr bob.csr --username bob --uscc $USCC \
    --org "$ORG" --days 30 -o bob.pem
SERIAL_BOB=$(cut -f1 ca/index.tsv | sed -n 2p)
t "ca sign with the CA passphrase file"
expect_ok "$G" ca sign --dir ca2 --pass-file ca.pass --csr alice.csr \
    --username alice --uscc $USCC --org "$ORG" -o alice2.pem
t "ca sign without the passphrase file of a --pass-file CA"
expect_fail 1 "--pass-file" "$G" ca sign --dir ca2 --csr alice.csr \
    --username alice --uscc $USCC --org "$ORG" -o x.pem

# --- show -----------------------------------------------------------------------
t "show a certificate"
expect_ok "$G" show alice.pem
for s in "主题 (Subject):" "CN=alice" "O=$ORG" "企业代码 (USCC):" "$USCC" \
    "企业名称 (Organization, O):" "有效期自 (Not before):" \
    "有效期至 (Not after):" "签发者 (Issuer):" "SM2-with-SM3" \
    "SM3指纹 (SM3 fingerprint):" "SHA-256指纹 (SHA-256 fingerprint):" \
    "序列号 (Serial):" "$SERIAL" "http://crl.example.cn/issuing.crl" \
    "http://ocsp.example.cn" "digitalSignature"; do
	expect_out "$s"
done
NB=$(grep "有效期自" "$OUT" | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}')
NA=$(grep "有效期至" "$OUT" | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}')
check "show: validity is three calendar years ($NB .. $NA)" \
    test "$((${NB:0:4} + 3))${NB:4}" = "$NA" -o "${NB:5:5}" = "02-29"
t "show: --days 30 certificate"
expect_ok "$G" show bob.pem
expect_out "30 天 (days)"
t "show a CSR"
expect_ok "$G" show alice.csr
expect_out "证书请求 (Certificate request"
expect_out "主题 (Subject):"
expect_out "CN=alice"
expect_out "签名 (Signature):"
expect_out "有效 (valid)"
expect_out "SM2"

# --- verify -----------------------------------------------------------------
t "verify OK"
expect_ok "$G" verify --root ca/root.pem --chain ca/chain.pem alice.pem
expect_out "OK: C=CN, O=$ORG"
t "verify the issuing CA against the root"
expect_ok "$G" verify --root ca/root.pem ca/issuing.pem
t "verify with a time inside the validity"
expect_ok "$G" verify --root ca/root.pem --chain ca/chain.pem \
    --at "$(date -u -d '+1 year' '+%Y-%m-%d %H:%M:%S')" alice.pem
t "verify without the chain: untrusted"
expect_fail 1 "证书不受信任" "$G" verify --root ca/root.pem alice.pem
t "verify needs --root"
expect_fail 2 "缺少 --root" "$G" verify alice.pem
t "verify needs one certificate"
expect_fail 2 "应给出一个待验证的证书文件" "$G" verify --root ca/root.pem

# --- revoke and CRL ---------------------------------------------------------------
LOWER=$(printf '%s' "$SERIAL" | tr 'A-F' 'a-f')
t "ca revoke (lower-case serial, keyCompromise)"
expect_ok "$G" ca revoke --dir ca --serial "$LOWER" --reason keyCompromise
expect_out "keyCompromise"
check "ca revoke: record revoked" \
    test "$(grep "^$SERIAL" ca/index.tsv | cut -f2,5)" = "R	keyCompromise"
t "ca revoke again"
expect_fail 1 "证书已被废除 (certificate is already revoked)" "$G" ca revoke --dir ca --serial "$SERIAL"
t "ca revoke an unknown serial"
expect_fail 1 "本CA没有签发过此序列号的证书" "$G" ca revoke --dir ca --serial 0123ABCD
t "ca revoke a malformed serial"
expect_fail 1 "序列号格式错误" "$G" ca revoke --dir ca --serial xyz
t "ca revoke an unknown reason"
expect_fail 2 "未知的废除原因" "$G" ca revoke --dir ca --serial "$SERIAL_BOB" --reason because
t "ca revoke needs --serial"
expect_fail 2 "缺少必需的选项" "$G" ca revoke --dir ca
t "ca crl"
expect_ok "$G" ca crl --dir ca -o ca.crl
expect_out "编号 (number) 1"
check "ca crl: PEM CRL" grep -q -- "-----BEGIN X509 CRL-----" ca.crl
check "ca crl: crlnumber now 2" test "$(cat ca/crlnumber)" = 2
t "show a CRL"
expect_ok "$G" show ca.crl
for s in "证书撤销列表 (CRL)" "签发者 (Issuer):" "测试CA Issuing CA" \
    "本次更新 (This update):" "下次更新 (Next update):" \
    "CRL编号 (CRL number):" "$SERIAL" "原因 (Reason):" \
    "(keyCompromise)"; do
	expect_out "$s"
done
expect_no_out "$SERIAL_BOB"
t "verify with the CRL: revoked"
expect_fail 1 "证书已被废除 (certificate has been revoked)" "$G" verify --root ca/root.pem \
    --chain ca/chain.pem --crl ca.crl alice.pem
expect_out "keyCompromise"
t "verify with the CRL: a certificate not on it"
expect_ok "$G" verify --root ca/root.pem --chain ca/chain.pem --crl ca.crl bob.pem
expect_out "OK: "
t "ca revoke superseded, second CRL"
expect_ok "$G" ca revoke --dir ca --serial "$SERIAL_BOB" --reason superseded
expect_ok "$G" ca crl --dir ca -o ca2.crl
expect_out "编号 (number) 2"
expect_ok "$G" show ca2.crl
expect_out "(superseded)"
expect_out "$SERIAL_BOB"
t "ca crl needs -o"
expect_fail 2 "缺少必需的选项" "$G" ca crl --dir ca

# --- uscc -------------------------------------------------------------------
t "uscc: valid"
expect_ok "$G" uscc $USCC
expect_out "有效 (valid)"
t "uscc: wrong check character"
expect_fail 1 "第18位校验位错误，应为 3 (check character at position 18 is wrong, expected 3)" \
    "$G" uscc 91350100M000100Y44
t "uscc: letter in the division code"
expect_fail 1 "第7位字符 'A' 错误" "$G" uscc 913501A0M000100Y43
t "uscc: letter not in the set"
expect_fail 1 "第14位字符 'I' 不合法" "$G" uscc 91350100M0001I0Y43
t "uscc: lower case"
expect_fail 1 "第9位字符 'm' 错误，应为大写字母" "$G" uscc 91350100m000100Y43
t "uscc: too short"
expect_fail 1 "长度应为18位，实际为17位" "$G" uscc 91350100M000100Y4
t "uscc: no code"
expect_fail 2 "应给出一个统一社会信用代码" "$G" uscc

finish
