#!/bin/bash
# gmpki_bad_input.sh - bad input to the gmpki tool: each gets its own clear
# error (checked in Chinese), the documented exit code, and changes nothing
# (expect_fail compares a snapshot of the work folder).
. "$(dirname "$0")/../lib.sh"

G=$GMPKI
USCC=91350100M000100Y43
ORG=测试企业有限公司
D=distid:1234567812345678
cd "$W"

# --- fixtures -------------------------------------------------------------------
"$G" ca init --dir ca --name "Bad Input CA" >/dev/null
"$G" ca init --dir other --name "Other CA" >/dev/null
"$G" keygen -o user.key >/dev/null
printf 'right\n' >right.pass
printf 'wrong\n' >wrong.pass
: >empty.pass
"$G" keygen -o enc.key --pass-file right.pass >/dev/null
"$G" req --key user.key --subject "/C=CN/O=$ORG/CN=alice" -o good.csr >/dev/null
"$G" ca sign --dir ca --csr good.csr --username alice --uscc $USCC \
    --org "$ORG" -o cert.pem >/dev/null
"$G" ca sign --dir ca --csr good.csr --username short --uscc $USCC \
    --org "$ORG" --days 1 -o short.pem >/dev/null
"$G" ca sign --dir other --csr good.csr --username alice --uscc $USCC \
    --org "$ORG" -o foreign.pem >/dev/null
"$G" ca sign --dir ca --csr good.csr --username fine --uscc $USCC \
    --org "$ORG" -o fine.pem >/dev/null
"$G" ca revoke --dir ca --serial "$(cut -f1 ca/index.tsv | head -1)" >/dev/null
"$G" ca crl --dir ca -o good.crl >/dev/null
VERIFY=("$G" verify --root ca/root.pem --chain ca/chain.pem)

differs() {
	! cmp -s "$1" "$2"
}
lacks() {
	! grep -qF -- "$1" "$2"
}

# pem_of LABEL DER > PEM
pem_of() {
	echo "-----BEGIN $1-----"
	base64 -w 64 "$2"
	echo "-----END $1-----"
}
# der_of PEM > DER (the base64 between the armour lines)
der_of() {
	grep -v -- '-----' "$1" | base64 -d
}
der_of cert.pem >cert.der
der_of good.csr >good.csr.der
der_of good.crl >good.crl.der
head -c 2000 /dev/urandom >garbage.bin
printf 'this is not a certificate\n' >garbage.txt

# A truncated PEM (the END line and half the body gone), a truncated DER,
# DER with a byte after it, PEM with text after it, oversize PEM and DER.
for f in cert.pem good.csr good.crl user.key; do
	head -c $(($(wc -c <"$f") / 2)) "$f" >"trunc.$f"
done
for f in cert good.csr good.crl; do
	head -c $(($(wc -c <"$f.der") - 10)) "$f.der" >"trunc.$f.der"
	{ cat "$f.der"; printf 'X'; } >"trailing.$f.der"
done
{ cat cert.pem; echo "extra text"; } >trailing.cert.pem
{
	echo "-----BEGIN CERTIFICATE-----"
	for _ in $(seq 3000); do
		echo "MIIBszCCAVmgAwIBAgIQBFVb04KqWES7BhgZfPoyuzAKBggqgRzPVQGDdTA2MQsw"
	done
	echo "-----END CERTIFICATE-----"
} >big.pem
sed -e 's/CERTIFICATE/CERTIFICATE REQUEST/' big.pem >big.csr
sed -e 's/CERTIFICATE/PRIVATE KEY/' big.pem >big.key
{ printf '\x30\x83\x03\x00\x00'; head -c 196608 /dev/zero; } >big.der
# A CRL over the 64 MiB limit (sparse: cheap to make), kept outside $W so
# that expect_fail's snapshots need not hash it.
BIGCRL=$T/big.crl
truncate -s 70M "$BIGCRL"

# --- certificates -----------------------------------------------------------------
t "verify: truncated PEM certificate"
expect_fail 2 "数据格式错误" "${VERIFY[@]}" trunc.cert.pem
t "verify: garbage certificate"
expect_fail 2 "数据格式错误" "${VERIFY[@]}" garbage.bin
t "verify: text certificate"
expect_fail 2 "数据格式错误" "${VERIFY[@]}" garbage.txt
t "verify: truncated DER certificate"
expect_fail 2 "数据格式错误" "${VERIFY[@]}" trunc.cert.der
t "verify: DER certificate with a trailing byte"
expect_fail 2 "数据末尾有多余内容" "${VERIFY[@]}" trailing.cert.der
t "verify: PEM certificate with trailing text"
expect_fail 2 "数据末尾有多余内容" "${VERIFY[@]}" trailing.cert.pem
t "verify: oversize PEM certificate"
expect_fail 2 "输入数据过大" "${VERIFY[@]}" big.pem
t "verify: oversize DER certificate"
expect_fail 2 "输入数据过大" "${VERIFY[@]}" big.der
t "verify: a DER certificate is fine"
expect_ok "${VERIFY[@]}" cert.der
t "verify: garbage root"
expect_fail 2 "数据格式错误" "$G" verify --root garbage.bin cert.pem
t "verify: truncated chain"
expect_fail 2 "数据格式错误" "$G" verify --root ca/root.pem --chain trunc.cert.pem cert.pem
t "show: truncated PEM certificate"
expect_fail 1 "数据格式错误" "$G" show trunc.cert.pem
t "show: garbage"
expect_fail 1 "数据格式错误" "$G" show garbage.bin
t "show: truncated DER certificate"
expect_fail 1 "数据格式错误" "$G" show trunc.cert.der
t "show: DER certificate with a trailing byte"
expect_fail 1 "数据末尾有多余内容" "$G" show trailing.cert.der
t "show: oversize PEM certificate"
expect_fail 1 "输入数据过大" "$G" show big.pem
t "show: oversize DER"
expect_fail 1 "输入数据过大" "$G" show big.der
t "show: a private key is not shown"
expect_fail 1 "不支持的文件类型" "$G" show user.key

# --- validity, trust ------------------------------------------------------------
t "verify: expired (--at after notAfter)"
expect_fail 1 "证书已过期 (certificate has expired)" "${VERIFY[@]}" \
    --at "$(date -u -d '+2 days' '+%Y-%m-%d %H:%M:%S')" short.pem
expect_out "有效期至 (not after)"
t "verify: three-year certificate expired after four years"
expect_fail 1 "证书已过期" "${VERIFY[@]}" \
    --at "$(date -u -d '+4 years' '+%Y-%m-%d %H:%M:%S')" cert.pem
t "verify: not yet valid (--at before notBefore)"
expect_fail 1 "证书尚未生效 (certificate is not yet valid)" "${VERIFY[@]}" \
    --at "$(date -u -d '-1 day' '+%Y-%m-%d %H:%M:%S')" cert.pem
t "verify: signed by another CA"
expect_fail 1 "证书不受信任 (certificate is not trusted)" "${VERIFY[@]}" foreign.pem
t "verify: another CA's chain for our certificate"
expect_fail 1 "证书不受信任" "$G" verify --root other/root.pem \
    --chain other/chain.pem cert.pem
t "verify: malformed --at"
expect_fail 2 "时间格式应为" "${VERIFY[@]}" --at "tomorrow" cert.pem
t "verify: impossible --at date"
expect_fail 2 "时间格式应为" "${VERIFY[@]}" --at "2026-02-30 00:00:00" cert.pem

# --- CRLs ----------------------------------------------------------------------------
t "verify: truncated PEM CRL"
expect_fail 2 "数据格式错误" "${VERIFY[@]}" --crl trunc.good.crl cert.pem
t "verify: truncated DER CRL"
expect_fail 2 "数据格式错误" "${VERIFY[@]}" --crl trunc.good.crl.der cert.pem
t "verify: DER CRL with a trailing byte"
expect_fail 2 "数据末尾有多余内容" "${VERIFY[@]}" --crl trailing.good.crl.der cert.pem
t "verify: garbage CRL"
expect_fail 2 "数据格式错误" "${VERIFY[@]}" --crl garbage.bin cert.pem
t "verify: oversize CRL"
expect_fail 2 "输入数据过大" "${VERIFY[@]}" --crl "$BIGCRL" cert.pem
t "verify: CRL past its nextUpdate"
expect_fail 1 "证书撤销列表已过期" "${VERIFY[@]}" --crl good.crl \
    --at "$(date -u -d '+8 days' '+%Y-%m-%d %H:%M:%S')" fine.pem
"$G" ca crl --dir other -o other.crl >/dev/null
t "verify: only another CA's CRL"
expect_fail 1 "无法确定证书状态" "${VERIFY[@]}" --crl other.crl fine.pem
expect_out "不是此证书签发者的"
t "verify: another CA's CRL beside ours"
expect_ok "${VERIFY[@]}" --crl other.crl --crl good.crl fine.pem
t "show: truncated CRL"
expect_fail 1 "数据格式错误" "$G" show trunc.good.crl
t "show: oversize CRL"
expect_fail 1 "输入数据过大" "$G" show "$BIGCRL"
t "show: a DER CRL is fine"
expect_ok "$G" show good.crl.der
expect_out "证书撤销列表"

# --- CSRs -----------------------------------------------------------------------------
SIGN=("$G" ca sign --dir ca --username bob --uscc $USCC --org "$ORG" -o out.pem)
openssl req -new -newkey rsa:2048 -nodes -keyout rsa.key -subj "/C=CN/O=X/CN=rsa" \
    -out rsa.csr 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout p256.key -subj "/C=CN/O=X/CN=p256" -out p256.csr 2>/dev/null
# Flip the last byte of the DER: it lies inside the signature's s.
cp good.csr.der badsig.csr.der
LAST=$(tail -c 1 badsig.csr.der | od -An -tu1 | tr -d ' ')
printf "\\x$(printf '%02x' $((LAST ^ 0x01)))" |
    dd of=badsig.csr.der bs=1 seek=$(($(wc -c <badsig.csr.der) - 1)) conv=notrunc 2>/dev/null
pem_of "CERTIFICATE REQUEST" badsig.csr.der >badsig.csr
check "fixture: the flipped CSR differs" differs good.csr.der badsig.csr.der
openssl req -in badsig.csr -verify -noout -vfyopt $D >"$OUT" 2>&1 || true
check "fixture: openssl agrees the flipped CSR is bad" lacks "verify OK" "$OUT"

t "ca sign: CSR with an RSA key"
expect_fail 1 "证书请求无效：密钥不是SM2密钥 (invalid certificate request: key is not an SM2 key)" "${SIGN[@]}" --csr rsa.csr
t "ca sign: CSR with a P-256 key"
expect_fail 1 "密钥不是SM2密钥" "${SIGN[@]}" --csr p256.csr
t "ca sign: CSR with a broken signature"
expect_fail 1 "证书请求无效：签名验证失败 (invalid certificate request: signature verification failed)" "${SIGN[@]}" --csr badsig.csr
t "ca sign: CSR DER with a broken signature"
expect_fail 1 "签名验证失败" "${SIGN[@]}" --csr badsig.csr.der
t "ca sign: truncated PEM CSR"
expect_fail 1 "数据格式错误" "${SIGN[@]}" --csr trunc.good.csr
t "ca sign: truncated DER CSR"
expect_fail 1 "数据格式错误" "${SIGN[@]}" --csr trunc.good.csr.der
t "ca sign: DER CSR with a trailing byte"
expect_fail 1 "数据末尾有多余内容" "${SIGN[@]}" --csr trailing.good.csr.der
t "ca sign: garbage CSR"
expect_fail 1 "数据格式错误" "${SIGN[@]}" --csr garbage.bin
t "ca sign: oversize CSR"
expect_fail 1 "输入数据过大" "${SIGN[@]}" --csr big.csr
t "ca sign: a certificate instead of a CSR"
expect_fail 1 "证书请求无效" "${SIGN[@]}" --csr cert.pem
t "show: CSR with a broken signature says so"
expect_ok "$G" show badsig.csr
expect_out "无效 (invalid)"

# --- 统一社会信用代码 --------------------------------------------------------------
t "ca sign: wrong check character"
expect_fail 1 "第18位校验位错误，应为 3" "$G" ca sign --dir ca --csr good.csr \
    --username bob --uscc 91350100M000100Y44 --org "$ORG" -o out.pem
t "ca sign: invalid character"
expect_fail 1 "第14位字符 'I' 不合法" "$G" ca sign --dir ca --csr good.csr \
    --username bob --uscc 91350100M0001I0Y43 --org "$ORG" -o out.pem
t "ca sign: wrong length"
expect_fail 1 "长度应为18位" "$G" ca sign --dir ca --csr good.csr \
    --username bob --uscc 12345 --org "$ORG" -o out.pem
t "uscc: wrong check character"
expect_fail 1 "第18位校验位错误，应为 3" "$G" uscc 91350100M000100Y44

# --- keys and passphrases ----------------------------------------------------------
REQ=("$G" req --subject "/C=CN/O=$ORG/CN=alice" -o new.csr)
t "req: wrong key passphrase"
expect_fail 1 "口令错误或私钥已损坏 (wrong passphrase or corrupt private key)" \
    "${REQ[@]}" --key enc.key --pass-file wrong.pass
t "req: encrypted key without a passphrase"
expect_fail 1 "私钥已加密，请用 --pass-file 提供口令" "${REQ[@]}" --key enc.key
t "req: empty passphrase file"
expect_fail 1 "口令文件为空或无效" "${REQ[@]}" --key enc.key --pass-file empty.pass
t "req: missing passphrase file"
expect_fail 1 "文件读写失败" "${REQ[@]}" --key enc.key --pass-file nosuch.pass
t "req: truncated key"
expect_fail 1 "user.key" "${REQ[@]}" --key trunc.user.key
expect_out "数据格式错误"
t "req: garbage key"
expect_fail 1 "garbage.bin" "${REQ[@]}" --key garbage.bin
t "req: oversize key"
expect_fail 1 "输入数据过大" "${REQ[@]}" --key big.key
t "req: an RSA key"
expect_fail 1 "密钥不是SM2密钥" "${REQ[@]}" --key rsa.key
t "req: a P-256 key"
expect_fail 1 "密钥不是SM2密钥" "${REQ[@]}" --key p256.key
t "ca sign: wrong CA passphrase"
expect_fail 1 "口令错误或私钥已损坏" "$G" ca sign --dir ca --pass-file wrong.pass \
    --csr good.csr --username bob --uscc $USCC --org "$ORG" -o out.pem

# --- missing files and folders ------------------------------------------------------
t "verify: missing certificate"
expect_fail 2 "文件读写失败" "${VERIFY[@]}" nosuch.pem
t "verify: missing root"
expect_fail 2 "文件读写失败" "$G" verify --root nosuch.pem cert.pem
t "verify: missing CRL"
expect_fail 2 "文件读写失败" "${VERIFY[@]}" --crl nosuch.crl cert.pem
t "show: missing file"
expect_fail 1 "文件读写失败" "$G" show nosuch.pem
t "req: missing key"
expect_fail 1 "文件读写失败" "${REQ[@]}" --key nosuch.key
t "ca sign: missing CSR"
expect_fail 1 "文件读写失败" "${SIGN[@]}" --csr nosuch.csr
t "ca sign: missing CA folder"
expect_fail 1 "CA目录不存在" "$G" ca sign --dir nosuch --csr good.csr \
    --username bob --uscc $USCC --org "$ORG" -o out.pem
t "ca sign: a folder that is not a CA"
mkdir -p notca
expect_fail 1 "不是CA目录" "$G" ca sign --dir notca --csr good.csr \
    --username bob --uscc $USCC --org "$ORG" -o out.pem
t "ca sign: output folder missing"
expect_fail 1 "输出文件所在目录不存在" "$G" ca sign --dir ca --csr good.csr \
    --username bob --uscc $USCC --org "$ORG" -o nodir/out.pem
t "ca crl: output folder missing"
expect_fail 1 "输出文件所在目录不存在" "$G" ca crl --dir ca -o nodir/x.crl
t "keygen: output folder missing"
expect_fail 1 "输出文件所在目录不存在" "$G" keygen -o nodir/k.pem
t "req: output is a folder"
expect_fail 1 "输出路径是一个目录" "$G" req --key user.key \
    --subject "/C=CN/O=$ORG/CN=alice" -o ca
ln -s cert.pem link.pem
t "ca crl: output is a symlink"
expect_fail 1 "输出路径不是普通文件" "$G" ca crl --dir ca -o link.pem
t "ca init: parent folder missing"
expect_fail 1 "文件读写失败" "$G" ca init --dir nodir/ca

# --- option values ----------------------------------------------------------------
t "ca sign: --days 0"
expect_fail 2 "有效天数应为" "${SIGN[@]}" --csr good.csr --days 0
t "ca sign: --days not a number"
expect_fail 2 "有效天数应为" "${SIGN[@]}" --csr good.csr --days 3y
t "ca sign: --days past the issuing CA"
expect_fail 1 "有效期超出签发CA证书的有效期" "${SIGN[@]}" --csr good.csr --days 5000
t "ca sign: missing --uscc"
expect_fail 2 "缺少必需的选项" "$G" ca sign --dir ca --csr good.csr \
    --username bob --org "$ORG" -o out.pem
t "ca init: a non-http CRL URL"
expect_fail 1 "参数无效" "$G" ca init --dir ca3 --crl-url ftp://x/y.crl
t "req: subject with an unknown attribute"
expect_fail 1 "证书主题格式错误" "${REQ[@]}" --key user.key --subject "/C=CN/XX=y/CN=a"

# --- the CA's own files ----------------------------------------------------------------
chmod 755 ca/private
t "ca sign: private/ readable by others"
expect_fail 1 "文件权限不安全 (unsafe file permissions)" "${SIGN[@]}" --csr good.csr
expect_out "chmod 700 ca/private"
chmod 700 ca/private
chmod 644 ca/private/issuing.key
t "ca revoke: issuing key readable by others"
expect_fail 1 "chmod 600" "$G" ca revoke --dir ca --serial 1234
chmod 600 ca/private/issuing.key
cp ca/index.tsv index.saved
printf 'garbage line\n' >>ca/index.tsv
t "ca sign: damaged index.tsv"
expect_fail 1 "数据格式错误" "${SIGN[@]}" --csr good.csr
t "ca crl: damaged index.tsv"
expect_fail 1 "数据格式错误" "$G" ca crl --dir ca -o x.crl
cp index.saved ca/index.tsv

finish
