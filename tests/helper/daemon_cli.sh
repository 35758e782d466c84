#!/bin/bash
# daemon_cli.sh - the certhelper daemon and CLI against real certsvc
# processes on loopback.  Everything runs with its own HOME and XDG_*
# folders under the test's temporary folder; no systemd, no session bus.
#
#   daemon: start, status, a second daemon refused, the socket's modes,
#           SIGTERM, stop
#   setup:  the root fetched from the service and pinned; a wrong
#           --root-sm3 refused with nothing written
#   enroll: a ticket made the honest way (login with the captcha read from
#           the service's database, then POST /apply/ticket, as the page
#           does), 下载成功, list/show/status/export; a reused, a forged
#           and a malformed ticket; a chain that does not lead to the
#           pinned root (nothing stored); two certificates side by side
#   status: 正常, then 已废除 (superseded) after 重新申请证书
#   delete (confirmation), clear, a truncated keystore file (损坏, the
#   others keep working), install/uninstall into a temporary HOME.
#
# Env (ctest): CERTHELPER, CERTSVC, GMPKI, SRC_DIR, BUILD_DIR.  Needs curl,
# sqlite3, openssl.  Where the service's pages are not built (/apply is
# 404), tickets come from tests/helper/ticket_test.c, which calls
# svc_ticket_create on the service's database as the page would.
. "$(dirname "$0")/../lib.sh"

: "${CERTHELPER:?set CERTHELPER to the certhelper binary}"
. "$(dirname "$0")/svc_fixture.bash"
need daemon_cli curl sqlite3 openssl
# the daemon the install case below starts in a HOME of its own
HELPER_RUNS+=("$T/h2/run/certhelper")

# id_in_list USER: the ID of USER's valid certificate in `certhelper list`.
id_in_list() {
	"$H" list | awk -v u="$1" '$2 == u && $NF != "损坏" { print $1 }' | head -1
}

svc_start one
svc_start two
FP_ONE=$(sm3_of "$ROOT_one")
FP_TWO=$(sm3_of "$ROOT_two")
check "two services with different CAs" [ "$FP_ONE" != "$FP_TWO" ]

# --- the daemon -----------------------------------------------------------------
t "status before start: not running, exit 3"
expect_fail 3 "证书助手未运行" "$H" status
t "list without the daemon: the clear error"
expect_fail 1 "证书助手未运行，请执行 certhelper start (certhelper is not running: run certhelper start)" "$H" list
t "start"
expect_ok "$H" start
expect_out "证书助手已启动"
t "status: running, with the port"
expect_ok "$H" status
expect_out "证书助手正在运行"
expect_out "17380"
t "a second daemon is refused"
expect_fail 1 "证书助手已在运行 (certhelper is already running)" "$H" daemon
t "start again: already running, exit 0"
expect_ok "$H" start
expect_out "已在运行"
check "socket is 0600" mode_is "$RUN/certhelper.sock" 600
check "socket folder is 0700" mode_is "$RUN" 700
check "console token is 0600" mode_is "$RUN/console-token" 600
check "console token is 43 characters" [ "$(wc -c <"$RUN/console-token")" = 43 ]
check "log file is 0600" mode_is "$LOG" 600
t "list: empty"
expect_ok "$H" list
expect_out "没有证书"
t "console: the URL with the token"
expect_ok "$H" console
expect_out "http://127.0.0.1:17380/console?token=$(cat "$RUN/console-token")"
t "show: an ID that is not hex"
expect_fail 1 "证书ID应为16位十六进制数字" "$H" show ../../etc/passwd
t "show: unknown ID"
expect_fail 1 "未找到证书 0123456789abcdef" "$H" show 0123456789ABCDEF
t "enroll before setup"
expect_fail 1 "尚未配置在线服务" "$H" enroll --ticket AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
t "usage error: enroll without --ticket"
expect_fail 2 "缺少 --ticket" "$H" enroll

# --- setup ----------------------------------------------------------------------
t "setup: a --root-sm3 that is not the service's root is refused, nothing written"
expect_fail 1 "根证书指纹不一致" "$H" setup --service "$URL_one" --root-sm3 "$FP_TWO"
check "no configuration written" [ ! -e "$CONF" ]
t "setup: --root-sm3 that is not hex"
expect_fail 1 "--root-sm3 应为64位十六进制数字" "$H" setup --service "$URL_one" --root-sm3 xyz
t "setup: not an http URL"
expect_fail 1 "在线服务地址应为" "$H" setup --service "file:///etc/passwd"
t "setup: nothing listens there"
expect_fail 1 "无法连接在线服务" "$H" setup --service "http://127.0.0.1:1"
t "setup with the right --root-sm3 (upper case, as published)"
expect_ok "$H" setup --service "$URL_one" --root-sm3 "${FP_ONE^^}"
expect_out "$FP_ONE"
expect_out "根证书指纹已核对并固定"
expect_out "运行中的证书助手已重新加载配置"
check "config pins the root" grep -q "^root_sm3 = $FP_ONE" "$CONF"
check "config has the service" grep -q "^service_url = $URL_one" "$CONF"
check "root.pem is 0600" mode_is "$KS/root.pem" 600
check "root.pem is the service's root" [ "$(sm3_of "$KS/root.pem")" = "$FP_ONE" ]

# --- enroll ---------------------------------------------------------------------
T1=$(ticket "$URL_one" "$DB_one" demo1 Demo@2026a apply)
check "a ticket from the page" [ ${#T1} -eq 43 ]
t "enroll: 下载成功"
expect_ok "$H" enroll --ticket "$T1"
expect_out "下载成功"
expect_out "demo1"
expect_out "91350100M000100Y43"
ID1=$(sed -n 's/^证书ID (ID): *//p' "$OUT")
check "enroll names the ID" [ ${#ID1} -eq 16 ]
t "list shows it"
expect_ok "$H" list
expect_out "$ID1"
expect_out "福州闽江示范科技有限公司"
expect_out "有效"
t "show"
expect_ok "$H" show "$ID1"
expect_out "CN=demo1"
expect_out "企业代码 (USCC):"
expect_out "91350100M000100Y43"
expect_out "企业名称 (enterprise):"
expect_out "O=福州闽江示范科技有限公司"
expect_out "有效 (valid)"
SERIAL1=$(sed -n 's/^序列号 (serial): *//p' "$OUT")
SM3_1=$(sed -n 's/^SM3 指纹 (fingerprint): *//p' "$OUT")
check "the ID is the start of the SM3 fingerprint" [ "${SM3_1:0:16}" = "$ID1" ]
t "status: 正常 (OCSP, signature checked)"
expect_ok "$H" status "$ID1"
expect_out "正常 (good)"
expect_out "$SERIAL1"
t "export: PEM, parsed by openssl, never a key"
expect_ok "$H" export "$ID1"
expect_no_out "PRIVATE KEY"
check "export PEM parses" openssl x509 -in "$OUT" -noout
check "export PEM is the certificate shown" [ "$(sm3_of "$OUT")" = "$SM3_1" ]
t "export --der -o"
expect_ok "$H" export "$ID1" --der -o "$T/c.der"
check "export DER parses" openssl x509 -inform DER -in "$T/c.der" -noout
check "export DER is the certificate" [ "$(openssl dgst -sm3 -r "$T/c.der" | cut -d' ' -f1)" = "$SM3_1" ]
t "export -o onto an existing file is refused"
expect_fail 1 "文件已存在" "$H" export "$ID1" -o "$T/c.der"
# openssl checks SM2 signatures link by link with the ID (tests/interop).
openssl x509 -inform DER -in "$T/c.der" -out "$T/c.pem"
t "openssl verify: the exported certificate under the issuing CA"
expect_ok openssl verify -vfyopt distid:1234567812345678 -partial_chain \
	-CAfile "$T/one/ca/issuing.pem" "$T/c.pem"
expect_out "c.pem: OK"
check "the key file is encrypted PKCS#8" grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$KS/identities/$ID1/key.pem"
check "the key file is 0600" mode_is "$KS/identities/$ID1/key.pem" 600

t "a reused ticket: the service's words, nothing stored"
expect_fail 1 "下载凭证无效或已使用" "$H" enroll --ticket "$T1"
t "a forged ticket"
expect_fail 1 "下载凭证无效或已使用" "$H" enroll --ticket "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
t "a malformed ticket is refused before the service"
expect_fail 1 "下载票据格式错误" "$H" enroll --ticket 'bad ticket!'

t "a second certificate beside the first (demo2)"
T2=$(ticket "$URL_one" "$DB_one" demo2 Demo@2026b apply)
expect_ok "$H" enroll --ticket - <<<"$T2"
expect_out "下载成功"
ID2=$(sed -n 's/^证书ID (ID): *//p' "$OUT")
t "list shows both"
expect_ok "$H" list
expect_out "$ID1"
expect_out "$ID2"
expect_out "北京海淀示范软件有限公司"

# --- a key under a PIN ------------------------------------------------------------
t "enroll: a PIN shorter than 4 characters is refused before the service"
printf '123\n' >"$W/short.pin"
TP=$(ticket "$URL_one" "$DB_one" demo3 Demo@2026c apply)
expect_fail 2 "PIN长度应为4至64个字符" "$H" enroll --ticket "$TP" --pin-file "$W/short.pin"
t "enroll --pin-file: the new key is kept under the PIN"
printf '246810\n' >"$W/good.pin"
expect_ok "$H" enroll --ticket "$TP" --pin-file "$W/good.pin"
IDP=$(sed -n 's/^证书ID (ID): *//p' "$OUT")
expect_ok "$H" show "$IDP"
expect_out "PIN"
expect_no_out "证书库密钥"
t "the others stay under the keystore key"
expect_ok "$H" show "$ID2"
expect_out "证书库密钥"
t "delete the PIN identity again"
expect_ok "$H" delete --yes "$IDP"

# --- 重新申请证书: the old one is revoked ---------------------------------------------
t "reapply: a new certificate for demo1"
T3=$(ticket "$URL_one" "$DB_one" demo1 Demo@2026a reapply)
expect_ok "$H" enroll --ticket "$T3"
ID3=$(sed -n 's/^证书ID (ID): *//p' "$OUT")
check "a new ID" [ -n "$ID3" ] && [ "$ID3" != "$ID1" ]
t "status of the old one: 已废除, superseded"
expect_ok "$H" status "$ID1"
expect_out "已废除 (revoked)"
expect_out "被取代 (superseded)"
expect_out "废除时间 (revoked at):"
t "status of the new one: 正常"
expect_ok "$H" status "$ID3"
expect_out "正常 (good)"

# --- delete, clear ------------------------------------------------------------------
t "delete: answered no, nothing deleted"
expect_fail 1 "已取消，未删除" "$H" delete "$ID1" <<<"n"
t "delete: no answer at all (stdin closed)"
expect_fail 1 "已取消，未删除" "$H" delete "$ID1" </dev/null
t "delete: answered y"
expect_ok "$H" delete "$ID1" <<<"y"
expect_out "已删除证书"
check "its folder is gone" [ ! -e "$KS/identities/$ID1" ]
t "list no longer shows it"
expect_ok "$H" list
expect_no_out "$ID1"
t "delete --yes of an unknown ID"
expect_fail 1 "未找到证书" "$H" delete --yes 0123456789abcdef
t "clear: 清除身份认证信息"
expect_ok "$H" clear
expect_out "已清除身份认证信息"

# --- a damaged keystore ----------------------------------------------------------------
: >"$T/trunc"
head -c 40 "$KS/identities/$ID2/cert.pem" >"$T/trunc"
cat "$T/trunc" >"$KS/identities/$ID2/cert.pem"
t "a truncated certificate file: 损坏 in the list"
expect_ok "$H" list
expect_out "$ID2"
expect_out "损坏"
check "the damaged one is 损坏" sh -c "'$H' list | grep '^$ID2' | grep -q 损坏"
check "the other is still 有效" sh -c "'$H' list | grep '^$ID3' | grep -q 有效"
t "the others keep working: show"
expect_ok "$H" show "$ID3"
expect_out "CN=demo1"
t "the others keep working: status"
expect_ok "$H" status "$ID3"
expect_out "正常 (good)"
t "show of the damaged one: an error, not a crash"
expect_fail 1 "certhelper: show:" "$H" show "$ID2"

# --- a chain that does not lead to the pinned root ---------------------------------------
# The helper pins service two's root; then its configuration is pointed
# at service one (as a hijacked or wrong service would answer): service
# one's certificate must be refused and nothing stored.
t "setup against the second service"
expect_ok "$H" setup --service "$URL_two" --root-sm3 "$FP_TWO"
check "root.pem is service two's" [ "$(sm3_of "$KS/root.pem")" = "$FP_TWO" ]
expect_ok "$H" stop
sed -i "s|^service_url = .*|service_url = $URL_one|" "$CONF"
expect_ok "$H" start
T4=$(ticket "$URL_one" "$DB_one" demo3 Demo@2026c apply)
t "enroll: a chain to another root is refused, nothing stored"
expect_fail 1 "证书链不通向已固定的根证书" "$H" enroll --ticket "$T4"
t "status of a certificate from another CA than the pinned one"
expect_fail 1 "证书链不通向已固定的根证书" "$H" status "$ID3"
t "a root.pem changed on disk is not trusted"
expect_ok "$H" stop
cp "$ROOT_one" "$KS/root.pem"
expect_ok "$H" start
T5=$(ticket "$URL_one" "$DB_one" demo3 Demo@2026c apply)
expect_fail 1 "根证书指纹与指定的不一致" "$H" enroll --ticket "$T5"
t "setup back to the first service"
expect_ok "$H" setup --service "$URL_one" --root-sm3 "$FP_ONE"
t "the first service's certificates work again"
expect_ok "$H" status "$ID3"
expect_out "正常 (good)"

# --- stop, SIGTERM ------------------------------------------------------------------------
t "stop"
expect_ok "$H" stop
expect_out "证书助手已停止"
t "status after stop: exit 3"
expect_fail 3 "证书助手未运行" "$H" status
check "socket removed" [ ! -e "$RUN/certhelper.sock" ]
check "console token removed" [ ! -e "$RUN/console-token" ]
t "stop when not running"
expect_ok "$H" stop
expect_out "证书助手未运行"
t "SIGTERM: a clean stop"
expect_ok "$H" start
DPID=$(cat "$RUN/certhelper.lock")
kill -TERM "$DPID"
for _ in $(seq 50); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
check "the daemon exited" sh -c "! kill -0 $DPID 2>/dev/null"
expect_fail 3 "证书助手未运行" "$H" status
check "log records the stop" grep -q " INFO stopped$" "$LOG"
t "the daemon in the foreground, stopped by SIGINT"
"$H" daemon >"$T/fg.out" 2>&1 &
FPID=$!
for _ in $(seq 50); do "$H" status >/dev/null 2>&1 && break; sleep 0.1; done
expect_ok "$H" list
expect_out "$ID3"
kill -INT "$FPID"
FRC=0
wait "$FPID" || FRC=$?
check "foreground daemon exits 0 on SIGINT" [ "$FRC" -eq 0 ]

# --- install / uninstall into a temporary HOME -------------------------------------------
H2=$T/h2
(
	export HOME=$H2/home
	export XDG_RUNTIME_DIR=$H2/run
	unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME
	mkdir -p "$HOME"
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	BIN=$HOME/.local/bin/certhelper
	AUTO=$HOME/.config/autostart/certhelper.desktop
	APP=$HOME/.local/share/applications/certhelper.desktop
	UNIT=$HOME/.config/systemd/user/certhelper.service
	KS2=$HOME/.local/share/certhelper/keystore

	t "install: binary, XDG autostart, launcher, setup, start"
	expect_ok "$H" install --service "$URL_one" --root-sm3 "$FP_ONE"
	expect_out "安装完成"
	check "binary installed, executable" [ -x "$BIN" ]
	check "XDG autostart entry (no systemd here)" grep -q "^Exec=$BIN start$" "$AUTO"
	check "no systemd unit" [ ! -e "$UNIT" ]
	check "launcher: Name=证书助手" grep -q "^Name=证书助手$" "$APP"
	check "launcher opens the console" grep -q "^Exec=$BIN console --open$" "$APP"
	t "the installed helper runs"
	expect_ok "$BIN" status
	expect_out "证书助手正在运行"
	t "and enrolls"
	T6=$(ticket "$URL_one" "$DB_one" demo3 Demo@2026c apply)
	expect_ok "$BIN" enroll --ticket "$T6"
	expect_out "下载成功"
	t "uninstall (default: keep the keystore)"
	expect_ok "$BIN" uninstall
	expect_out "证书库已保留"
	check "binary removed" [ ! -e "$BIN" ]
	check "autostart removed" [ ! -e "$AUTO" ]
	check "launcher removed" [ ! -e "$APP" ]
	check "daemon stopped" sh -c "! '$H' status >/dev/null 2>&1"
	check "keystore kept" [ -n "$(ls "$KS2/identities")" ]
	t "install --prefix, --no-start"
	expect_ok "$H" install --prefix "$H2/opt" --no-start
	check "binary under the prefix" [ -x "$H2/opt/bin/certhelper" ]
	check "autostart names it" grep -q "^Exec=$H2/opt/bin/certhelper start$" "$AUTO"
	check "not started" sh -c "! '$H' status >/dev/null 2>&1"
	t "uninstall: both flags is a usage error"
	expect_fail 2 "只能选一个" "$H" uninstall --keep-keys --delete-keys
	t "uninstall --delete-keys"
	expect_ok "$H" uninstall --delete-keys
	expect_out "已删除证书库"
	check "prefix binary removed" [ ! -e "$H2/opt/bin/certhelper" ]
	check "launcher removed" [ ! -e "$APP" ]
	check "keystore removed" [ ! -e "$KS2" ]
	check "configuration removed" [ ! -e "$HOME/.config/certhelper" ]
	check "no sanitizer reports from certhelper" [ -z "$(ls "$T/san")" ]
	finish
) || exit 1
