#!/bin/bash
# admin_cli.sh - certsvc's admin commands on a real data directory: import,
# account, rp, certs, audit and demo.  Every refused input gets its clear
# message (checked in Chinese, with the line it names), its documented exit
# code, and leaves the database as it was (`rejected` compares the tables
# before and after).  Certificates come from a real enrollment: `certsvc
# serve` on a free loopback port, a ticket row written the way the store
# writes one (SM3 of the token, as the 下载证书 page would), and a CSR made
# with gmpki.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/serve.bash"

: "${CERTSVC:?set CERTSVC to the certsvc binary}"
: "${SRC_DIR:?set SRC_DIR to the source tree}"
S=$CERTSVC
G=$GMPKI
DATA=$T/data
DB=$DATA/certsvc.db
CSV=$SRC_DIR/tests/data
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT
cd "$W"

"$S" init --data "$DATA" >/dev/null
# Fewer PBKDF2 iterations than production: hashing speed is not under test.
sed -i 's/^pbkdf2_iter *=.*/pbkdf2_iter = 1000/' "$DATA/certsvc.conf"

sql() {
	sqlite3 -batch "$DB" "$@"
}

# Everything an admin command may change.
db_state() {
	sql "SELECT id, uscc, name, region FROM enterprises ORDER BY id;
	    SELECT id, username, enterprise_id, pwhash, state, failed_logins,
	    locked_until FROM accounts ORDER BY id;
	    SELECT id, name, origin, return_url FROM reporting_systems
	    ORDER BY id;
	    SELECT serial, status, revoked_at, reason FROM certificates
	    ORDER BY serial;
	    SELECT COUNT(*) FROM audit_log;"
}

# rejected CODE MSG CMD...: CMD exits CODE, prints MSG, changes nothing.
rejected() {
	local want=$1 msg=$2 rc=0 before after
	shift 2
	before=$(db_state)
	"$@" >"$OUT" 2>&1 || rc=$?
	after=$(db_state)
	if [ "$rc" -ne "$want" ]; then
		fail "exit $rc, want $want: $*"
	elif ! grep -qF -- "$msg" "$OUT"; then
		fail "message lacks \"$msg\": $*"
	elif [ "$before" != "$after" ]; then
		fail "the database changed: $*"
	else
		pass "$*"
	fi
}

# --- demo ---------------------------------------------------------------------
t "demo loads enterprises, accounts and reporting systems"
expect_ok "$S" demo --data "$DATA"
expect_out "demo1  口令 Demo@2026a"
expect_out "91110108551385082Q"
expect_out "http://127.0.0.1:8450"
check "demo: 3 accounts" [ "$(sql 'SELECT COUNT(*) FROM accounts')" = 3 ]
check "demo: 3 reporting systems" \
    [ "$(sql 'SELECT COUNT(*) FROM reporting_systems')" = 3 ]
t "demo again adds nothing"
expect_ok "$S" demo --data "$DATA"
expect_out "added 0 enterprises, 0 accounts, 0 reporting systems"
check "demo again: still 3 accounts" \
    [ "$(sql 'SELECT COUNT(*) FROM accounts')" = 3 ]
check "config records the demo" grep -q '^demo = 1' "$DATA/certsvc.conf"

# --- import -------------------------------------------------------------------
t "import: BOM, CRLF, header, quoted commas and quotes"
expect_ok "$S" import --data "$DATA" "$CSV/import_good.csv"
expect_out "imported 4 accounts, 3 enterprises"
t "import: the quoted name is stored unquoted"
expect_ok "$S" account show --data "$DATA" --username zj-gamma
expect_out '杭州"伽马"网络有限公司'
check "import: a name with a comma" [ "$(sql "SELECT name FROM enterprises
    WHERE uscc = '91440300MA5FXXXX1Y'")" = "深圳贝塔电子有限公司,南山分公司" ]
check "import: one enterprise for two accounts" [ "$(sql "SELECT COUNT(*)
    FROM accounts a JOIN enterprises e ON e.id = a.enterprise_id
    WHERE e.uscc = '91310115MA1K3YJ01C'")" = 2 ]

t "import: one bad code among good lines imports nothing"
rejected 1 "line 4: 统一社会信用代码校验位错误：第18位应为 8" \
    "$S" import --data "$DATA" "$CSV/import_one_bad_code.csv"
expect_out "没有导入任何数据 (nothing imported)"
t "import: a good line's user was not imported"
rejected 1 "账户不存在" "$S" account show --data "$DATA" --username good01

t "import: a username twice names both lines"
rejected 1 "line 3: 用户名与第1行重复" \
    "$S" import --data "$DATA" "$CSV/import_dup_user.csv"
t "import: one code with two names names both lines"
rejected 1 "line 3: 统一社会信用代码 91500000MA60123458 在第1行的企业名称为" \
    "$S" import --data "$DATA" "$CSV/import_code_two_names.csv"
t "import: invalid UTF-8 (GBK) names the line"
rejected 1 "line 2: 不是有效的UTF-8编码" \
    "$S" import --data "$DATA" "$CSV/import_bad_utf8.csv"
t "import: text after a closing quote"
rejected 1 "line 2: 引号结束后还有多余字符" \
    "$S" import --data "$DATA" "$CSV/import_bad_quote.csv"
t "import: a stray quote names the line it opened on"
rejected 1 "line 2: 引号结束后还有多余字符" \
    "$S" import --data "$DATA" "$CSV/import_stray_quote.csv"
t "import: unterminated quote"
rejected 1 "line 3: 引号未闭合" \
    "$S" import --data "$DATA" "$CSV/import_unterminated.csv"
t "import: a header that is not exactly the columns"
rejected 1 "line 1: 表头应为" \
    "$S" import --data "$DATA" "$CSV/import_bad_header.csv"
t "import: every bad field named by line"
rejected 1 "line 1: 用户名无效" \
    "$S" import --data "$DATA" "$CSV/import_bad_fields.csv"
expect_out "line 2: 统一社会信用代码长度应为18位，实际为17个字符"
expect_out "line 3: 企业名称无效"
expect_out "line 4: 初始密码不符合要求"
expect_out "line 5: 应有4列，实际为3列"
t "import: position of a bad character"
printf 'pos01,9135010OM000100Y43,某企业,GoodPass01\n' >badchar.csv
rejected 1 "line 1: 统一社会信用代码含有非法字符：第8位 'O'" \
    "$S" import --data "$DATA" badchar.csv
t "import: existing usernames"
rejected 1 "line 2: 用户名已存在 (username already exists): sh_alpha" \
    "$S" import --data "$DATA" "$CSV/import_good.csv"
t "import: an existing code under another name"
printf 'newname1,91350100M000100Y43,另一个名字有限公司,GoodPass01\n' >rename.csv
rejected 1 "line 1: 统一社会信用代码 91350100M000100Y43 已登记" \
    "$S" import --data "$DATA" rename.csv
t "import: an oversize line"
{ printf 'long01,91350100M000100Y43,'; head -c 5000 /dev/zero | tr '\0' 'x'
    printf ',GoodPass01\n'; } >longline.csv
rejected 1 "line 1: 行过长" "$S" import --data "$DATA" longline.csv
t "import: a file over 64 MiB"
truncate -s 65M huge.csv
rejected 1 "文件超过64 MiB" "$S" import --data "$DATA" huge.csv
t "import: an empty file"
: >empty.csv
rejected 1 "文件中没有账户" "$S" import --data "$DATA" empty.csv
t "import: a NUL byte"
printf 'nul01,91350100M000100Y43,a\0b,GoodPass01\n' >nul.csv
rejected 1 "line 1: 含有NUL字符" "$S" import --data "$DATA" nul.csv
t "import: no file"
rejected 2 "应给出一个CSV文件" "$S" import --data "$DATA"
t "import: a missing file"
rejected 1 "无法读取文件" "$S" import --data "$DATA" nowhere.csv
t "import: unknown option"
rejected 2 "选项无效" "$S" import --data "$DATA" --bogus x.csv
t "import: no data directory"
rejected 1 "请先运行 certsvc init" "$S" import --data "$T/nowhere" \
    "$CSV/import_good.csv"

t "import: SQL and HTML in names are stored verbatim"
expect_ok "$S" import --data "$DATA" "$CSV/import_hostile_names.csv"
check "SQL metacharacters verbatim" [ "$(sql "SELECT name FROM enterprises
    WHERE uscc = '93350203MA2Y8Q0B1J'")" = "Robert'); DROP TABLE accounts;--" ]
check "HTML verbatim" [ "$(sql "SELECT name FROM enterprises
    WHERE uscc = '12100000400012345P'")" = '<script>alert("x")</script>&amp;' ]
check "format directives verbatim" [ "$(sql "SELECT name FROM enterprises
    WHERE uscc = '91110000MA01ABCD1M'")" = "100% 'quoted' \\ back\\slash %s %n" ]
t "import: the hostile name is shown as it is"
expect_ok "$S" account show --data "$DATA" --username htmlx01
expect_out '<script>alert("x")</script>&amp;'

# --- account ------------------------------------------------------------------
printf 'Secret#2026\n' >pw
printf 'short\n' >weak
t "account add with a new enterprise, password on stdin"
expect_ok "$S" account add --data "$DATA" --username acme.ops \
    --uscc 91500000MA60123458 --org "重庆示例有限公司" --region 重庆市 \
    --password-file - <pw
expect_out "new enterprise"
t "account add to an existing enterprise"
expect_ok "$S" account add --data "$DATA" --username acme.ops2 \
    --uscc 91500000MA60123458 --org "重庆示例有限公司" --password-file pw
expect_no_out "new enterprise"
t "account add: existing username"
rejected 1 "用户名已存在" "$S" account add --data "$DATA" \
    --username acme.ops --uscc 91500000MA60123458 --org "重庆示例有限公司" \
    --password-file pw
t "account add: bad code names the position"
rejected 1 "第18位应为 8" "$S" account add --data "$DATA" --username x123 \
    --uscc 91500000MA60123459 --org "某企业" --password-file pw
t "account add: the code is registered under another name"
rejected 1 "已登记" "$S" account add --data "$DATA" --username x124 \
    --uscc 91500000MA60123458 --org "别的名字" --password-file pw
t "account add: weak password"
rejected 1 "口令不符合要求" "$S" account add --data "$DATA" --username x125 \
    --uscc 91500000MA60123458 --org "重庆示例有限公司" --password-file weak
t "account add: bad username"
rejected 1 "用户名无效" "$S" account add --data "$DATA" --username "a b" \
    --uscc 91500000MA60123458 --org "重庆示例有限公司" --password-file pw
t "account add: missing options"
rejected 2 "需要 --uscc" "$S" account add --data "$DATA" --username x126
t "account show: enterprise, region, state"
expect_ok "$S" account show --data "$DATA" --username acme.ops
expect_out "重庆示例有限公司"
expect_out "重庆市"
expect_out "正常 (active)"
t "account show: unknown user"
rejected 1 "账户不存在" "$S" account show --data "$DATA" --username nobody

t "account lock"
expect_ok "$S" account lock --data "$DATA" --username demo2
check "lock: state 1" [ "$(sql "SELECT state FROM accounts
    WHERE username = 'demo2'")" = 1 ]
t "account show: locked"
expect_ok "$S" account show --data "$DATA" --username demo2
expect_out "已锁定 (locked by an operator)"
# What five wrong passwords leave behind (the login page's lockout).
sql "UPDATE accounts SET failed_logins = 5,
    locked_until = strftime('%s', 'now') + 900 WHERE username = 'demo2'"
t "account unlock clears the lock, the counter and the lockout"
expect_ok "$S" account unlock --data "$DATA" --username demo2
check "unlock: cleared" [ "$(sql "SELECT state, failed_logins, locked_until
    FROM accounts WHERE username = 'demo2'")" = "0|0|0" ]
t "account show: unlocked"
expect_ok "$S" account show --data "$DATA" --username demo2
expect_out "连续登录失败 (failed logins): 0"
t "account lock: unknown user"
rejected 1 "账户不存在" "$S" account lock --data "$DATA" --username nobody

t "account passwd"
before=$(sql "SELECT pwhash FROM accounts WHERE username = 'demo3'")
printf 'Changed@2026\n' >pw2
expect_ok "$S" account passwd --data "$DATA" --username demo3 \
    --password-file pw2
after=$(sql "SELECT pwhash FROM accounts WHERE username = 'demo3'")
check "passwd: the hash changed" [ "$before" != "$after" ]
check "passwd: PBKDF2-SM3 with the configured iterations" \
    [ "${after#pbkdf2-sm3\$1000\$}" != "$after" ]
t "account passwd: weak password"
rejected 1 "口令不符合要求" "$S" account passwd --data "$DATA" \
    --username demo3 --password-file weak
t "account passwd: empty password file"
: >nopw
rejected 1 "口令文件为空或无效" "$S" account passwd --data "$DATA" \
    --username demo3 --password-file nopw
t "account: unknown subcommand"
rejected 2 "未知子命令" "$S" account frobnicate --data "$DATA"

# --- rp -----------------------------------------------------------------------
t "rp add"
expect_ok "$S" rp add --data "$DATA" --id gd-prov --name "广东省联网直报系统" \
    --type 一套表联网直报 --vendor 自建 --province 广东省 \
    --origin https://lwzb.gd.example:8443 \
    --return-url https://lwzb.gd.example:8443/certauth/return
t "rp add: the id exists"
rejected 1 "该标识已登记" "$S" rp add --data "$DATA" --id gd-prov --name x \
    --type t --vendor v --origin https://a.example \
    --return-url https://a.example/r
rp_bad_origin() {
	t "rp add: origin $1"
	rejected 1 "$2" "$S" rp add --data "$DATA" --id bad --name x --type t \
	    --vendor v --origin "$1" --return-url "$1/r"
}
rp_bad_origin "https://a.example/path" "不含路径"
rp_bad_origin "https://A.example" "源应为小写"
rp_bad_origin "https://a.example:443" "不应写默认端口"
rp_bad_origin "http://a.example:80" "不应写默认端口"
rp_bad_origin "ftp://a.example" "源格式应为"
rp_bad_origin "https://user@a.example" "主机名无效"
rp_bad_origin "https://a.example:99999" "端口无效"
rp_bad_origin "https://a..example" "主机名无效"
rp_bad_origin "https://" "主机名无效"
rp_bad_return() {
	t "rp add: return URL $1"
	rejected 1 "返回地址必须在源之下" "$S" rp add --data "$DATA" --id bad \
	    --name x --type t --vendor v --origin http://127.0.0.1:8450 \
	    --return-url "$1"
}
rp_bad_return "http://127.0.0.1:8451/r"
rp_bad_return "http://127.0.0.1:84501/r"
rp_bad_return "http://127.0.0.1:8450"
rp_bad_return "http://127.0.0.1:8450.evil.example/r"
rp_bad_return "https://127.0.0.1:8450/r"
rp_bad_return "http://127.0.0.1:8450/r#frag"
rp_bad_return "http://127.0.0.1:8450/a b"
t "rp add: bad id"
rejected 1 "标识无效" "$S" rp add --data "$DATA" --id Bad_Id --name x \
    --type t --vendor v --origin https://a.example --return-url https://a.example/r
t "rp add: missing options"
rejected 2 "--return-url" "$S" rp add --data "$DATA" --id x
t "rp list"
expect_ok "$S" rp list --data "$DATA"
expect_out "广东省联网直报系统"
expect_out "https://lwzb.gd.example:8443/certauth/return"
t "rp list --json"
expect_ok "$S" rp list --data "$DATA" --json
check "rp list --json: 4 systems" [ "$(jq length "$OUT")" = 4 ]
check "rp list --json: fields" [ "$(jq -r '.[] | select(.id == "wanfeng") |
    .vendor + " " + .origin' "$OUT")" = "万峰 http://127.0.0.1:8450" ]

# --- certs (a real enrollment through certsvc serve) ----------------------------
# ticket USER: a ticket row as svc_ticket_create writes it (SM3 of the
# token); prints the token.  Written before serve starts: nothing but
# certsvc touches the database while it runs.
ticket() {
	local tok hash
	tok=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
	hash=$(printf '%s' "$tok" | openssl dgst -sm3 | awk '{print $NF}')
	sql "INSERT INTO tickets (token_hash, account_id, purpose, expires_at)
	    SELECT '$hash', id, 'apply', strftime('%s', 'now') + 600
	    FROM accounts WHERE username = '$1'"
	printf '%s' "$tok"
}
# enroll USER TOKEN: a certificate; prints its serial ("" on failure).
enroll() {
	local k
	k=$(mktemp -u "$W/$1.XXXXXX")
	"$G" keygen -o "$k.key" >/dev/null
	"$G" req --key "$k.key" --subject "/C=CN/O=x/CN=$1" -o "$k.csr" \
	    >/dev/null
	jq -n --arg t "$2" --rawfile c "$k.csr" '{ticket: $t, csr: $c}' |
	    curl -sf -H 'Content-Type: application/json' --data-binary @- \
	    "$URL/api/v1/enroll" | jq -r .serial
}
TICKET1=$(ticket demo1)
TICKET2=$(ticket demo1)
TICKET3=$(ticket demo3)
serve_start serve
check "serve started" [ -n "$URL" ]
SERIAL1=$(enroll demo1 "$TICKET1") || SERIAL1=""
SERIAL2=$(enroll demo1 "$TICKET2") || SERIAL2=""
SERIAL3=$(enroll demo3 "$TICKET3") || SERIAL3=""
kill "$SPID"
wait "$SPID" || true
SPID=""
enrolled() {
	[ -n "$SERIAL1" ] && [ -n "$SERIAL2" ] && [ -n "$SERIAL3" ]
}
check "enrolled three certificates" enrolled

t "certs list"
expect_ok "$S" certs list --data "$DATA"
expect_out "$SERIAL1"
expect_out "$SERIAL3"
t "certs list --username"
expect_ok "$S" certs list --data "$DATA" --username demo3
expect_out "$SERIAL3"
expect_no_out "$SERIAL1"
t "certs show: Chinese labels from the stored certificate"
expect_ok "$S" certs show --data "$DATA" --serial "$SERIAL1"
expect_out "统一社会信用代码 (USCC):      91350100M000100Y43"
expect_out "企业名称 (organization):      福州闽江示范科技有限公司"
expect_out "用户名 (username):            demo1"
expect_out "有效 (valid)"
t "certs show: lower case with leading zeros finds it"
expect_ok "$S" certs show --data "$DATA" --serial \
    "00$(printf '%s' "$SERIAL1" | tr 'A-F' 'a-f')"
expect_out "$SERIAL1"
t "certs show: unknown serial"
rejected 1 "未找到" "$S" certs show --data "$DATA" --serial ABCDEF
t "certs show: not hex"
rejected 1 "序列号应为1-40位十六进制数" "$S" certs show --data "$DATA" \
    --serial "12'; DROP TABLE certificates;--"

t "certs revoke"
expect_ok "$S" certs revoke --data "$DATA" --serial "$SERIAL1" \
    --reason keyCompromise
check "revoke: status R, keyCompromise" [ "$(sql "SELECT status, reason
    FROM certificates WHERE serial = '$SERIAL1'")" = "R|1" ]
t "revoke: the CRL lists it"
expect_ok "$G" show "$DATA/crl.der"
expect_out "$SERIAL1"
t "certs list --status revoked"
expect_ok "$S" certs list --data "$DATA" --status revoked
expect_out "$SERIAL1"
expect_no_out "$SERIAL2"
t "certs list --status valid"
expect_ok "$S" certs list --data "$DATA" --status valid
expect_out "$SERIAL2"
expect_no_out "$SERIAL1"
t "account show lists the certificates"
expect_ok "$S" account show --data "$DATA" --username demo1
expect_out "$SERIAL1"
expect_out "keyCompromise"
t "certs revoke: twice"
rejected 1 "证书已被废除" "$S" certs revoke --data "$DATA" --serial "$SERIAL1"
t "certs revoke: unknown serial"
rejected 1 "未找到" "$S" certs revoke --data "$DATA" --serial 0123ABCD
t "certs revoke: unknown reason"
rejected 2 "未知的废除原因" "$S" certs revoke --data "$DATA" \
    --serial "$SERIAL2" --reason removeFromCRL
t "certs list: bad status"
rejected 2 "--status" "$S" certs list --data "$DATA" --status expired

# --- audit --------------------------------------------------------------------
t "audit records the operator"
USER=opsuser SUDO_USER= "$S" account lock --data "$DATA" --username demo3 \
    >/dev/null
SUDO_USER=root "$S" account unlock --data "$DATA" --username demo3 >/dev/null
expect_ok "$S" audit show --data "$DATA" --last 3
expect_out "admin:opsuser	account_lock	demo3"
expect_out "admin:root	account_unlock	demo3"
t "audit show: the admin actions are there"
expect_ok "$S" audit show --data "$DATA" --last 1000
expect_out "import	import_good.csv	imported 4 accounts, 3 enterprises"
expect_out "rp_add	gd-prov"
expect_out "account_passwd	demo3"
expect_out "revoke	$SERIAL1	keyCompromise"
expect_out "demo_load"
t "audit show: bad --last"
rejected 2 "--last" "$S" audit show --data "$DATA" --last 0
t "audit verify: intact"
expect_ok "$S" audit verify --data "$DATA"
expect_out "审计日志完整 (audit log intact)"
t "audit verify: an edited row is named"
orig=$(sql "SELECT detail FROM audit_log WHERE id = 3")
sql "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 3"
rejected 1 "first bad row: id 3" "$S" audit verify --data "$DATA"
expect_out "审计日志校验失败"
t "audit verify: intact again once the row is restored"
sql "UPDATE audit_log SET detail = '${orig//\'/\'\'}' WHERE id = 3"
expect_ok "$S" audit verify --data "$DATA"
t "audit verify: a deleted row is named"
last=$(sql "SELECT MAX(id) FROM audit_log")
sql "DELETE FROM audit_log WHERE id = $((last - 1))"
rejected 1 "first bad row: id $last" "$S" audit verify --data "$DATA"

finish
