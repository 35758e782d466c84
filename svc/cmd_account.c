/*
 * cmd_account.c - certsvc account add|lock|unlock|passwd|show: one
 * enterprise account at a time.  Every change is one transaction and one
 * audit row (actor "admin[:LOGIN]", cmd_audit.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "csv.h"
#include "gmpki/crl.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "gmpki/uscc.h"
#include "password.h"
#include "store.h"
#include "svc_error.h"

static const char account_usage[] =
    "用法 (usage):\n"
    "  certsvc account add --data DIR --username U --uscc CODE --org NAME\n"
    "                      [--region R] --password-file F|-\n"
    "  certsvc account lock --data DIR --username U\n"
    "  certsvc account unlock --data DIR --username U\n"
    "  certsvc account passwd --data DIR --username U --password-file F|-\n"
    "  certsvc account show --data DIR --username U\n"
    "\n"
    "add: 新建账户；企业（按统一社会信用代码）不存在时一并新建\n"
    "     (add an account, and its enterprise when the code is new).\n"
    "lock: 锁定账户直到解锁 (lock until unlocked).\n"
    "unlock: 解锁，并清除登录失败计数和自动锁定\n"
    "     (unlock; also clears the failed-login count and lockout).\n"
    "passwd: 重设口令 (set a new password).\n"
    "--password-file: 文件第一行为口令，\"-\" 为标准输入\n"
    "     (first line of the file is the password; \"-\" reads stdin).\n"
    "用户名 (username): 3-64位 A-Z a-z 0-9 _ . -，以字母或数字开头.\n"
    "退出码 (exit codes): 0 成功, 1 输入被拒绝或账户不存在, 2 用法错误,\n"
    "     3 内部错误\n";

struct account_opts {
	const char *data, *username, *uscc, *org, *region, *pwfile;
};

/* Parses the options a subcommand accepts; CMD_OK, CMD_HELP or exit code. */
static int
account_getopt(const char *cmd, int argc, char **argv, const char *accept,
    struct account_opts *o)
{
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &o->data, NULL },
		{ "username", 'u', 1, &o->username, NULL },
		{ "uscc", 'c', 1, &o->uscc, NULL },
		{ "org", 'o', 1, &o->org, NULL },
		{ "region", 'r', 1, &o->region, NULL },
		{ "password-file", 'p', 1, &o->pwfile, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	int ret;

	memset(o, 0, sizeof(*o));
	if ((ret = cmd_getopt(cmd, account_usage, argc, argv, opts, accept,
	    0)) != CMD_OK)
		return ret;
	if (o->username == NULL)
		return admin_usage_error(cmd, "缺少 --username",
		    "missing --username", NULL);
	return CMD_OK;
}

static int
account_add(const char *cmd, int argc, char **argv)
{
	struct account_opts o;
	struct svc_enterprise e;
	struct admin a;
	char pwhash[SVC_PWHASH_MAX], zh[256], en[256], expected = '\0';
	char detail[256];
	int64_t eid = 0;
	size_t pos = 0;
	int rc, ret, new_ent = 0;

	if ((ret = account_getopt(cmd, argc, argv, "ducorp", &o)) != CMD_OK)
		return cmd_status(ret);
	if (o.uscc == NULL || o.org == NULL || o.pwfile == NULL)
		return admin_usage_error(cmd, "需要 --uscc、--org 和 "
		    "--password-file", "--uscc, --org and --password-file are "
		    "required", NULL);
	if (!admin_username_ok(o.username)) {
		admin_message(cmd, "用户名无效：应为3-64位字母、数字或 _ . -，"
		    "以字母或数字开头", "invalid username: 3-64 of A-Z a-z 0-9 "
		    "_ . -, starting with a letter or digit", o.username);
		return CMD_FAIL;
	}
	if ((rc = gmpki_uscc_validate(o.uscc, &pos, &expected)) != 0) {
		admin_uscc_explain(o.uscc, rc, pos, expected, zh, sizeof(zh),
		    en, sizeof(en));
		admin_message(cmd, zh, en, o.uscc);
		return CMD_FAIL;
	}
	if (!admin_orgname_ok(o.org)) {
		admin_message(cmd, "企业名称无效：应为1-128个字符，不含控制字符，"
		    "首尾无空格", "invalid enterprise name: 1-128 characters, "
		    "no control characters, no space at either end", o.org);
		return CMD_FAIL;
	}
	if (o.region == NULL)
		o.region = "";
	if (strlen(o.region) >= sizeof(e.region) ||
	    !svc_utf8_valid(o.region, strlen(o.region)) ||
	    strpbrk(o.region, "\t\r\n") != NULL) {
		admin_message(cmd, "地区无效：至多63字节的UTF-8文本",
		    "invalid region: at most 63 bytes of UTF-8 text", o.region);
		return CMD_FAIL;
	}
	if ((ret = admin_open_password(&a, cmd, o.data, o.pwfile, pwhash,
	    sizeof(pwhash))) != CMD_OK)
		return ret;
	if ((ret = admin_begin(&a)) != CMD_OK)
		goto out;
	rc = svc_enterprise_find(a.db, o.uscc, &e);
	if (rc == 0 && strcmp(e.name, o.org) != 0) {
		svc_db_rollback(a.db);
		fprintf(stderr, "certsvc: %s: 统一社会信用代码 %s 已登记，企业名称"
		    "为“", cmd, o.uscc);
		admin_print(stderr, e.name);
		fprintf(stderr, "” (code %s is already registered under another "
		    "enterprise name)\n", o.uscc);
		ret = CMD_FAIL;
		goto out;
	}
	if (rc == 0)
		eid = e.id;
	else if (rc == GMPKI_ERR_NOT_FOUND) {
		if ((rc = svc_enterprise_add(a.db, o.uscc, o.org, o.region,
		    &eid)) != 0) {
			ret = admin_abort(&a, o.uscc, rc);
			goto out;
		}
		new_ent = 1;
	} else {
		ret = admin_abort(&a, NULL, rc);
		goto out;
	}
	if ((rc = svc_account_add(a.db, o.username, eid, pwhash,
	    (int64_t)time(NULL), NULL)) != 0) {
		ret = admin_abort_exists(&a, o.username, rc, "用户名已存在",
		    "username already exists");
		goto out;
	}
	snprintf(detail, sizeof(detail), "uscc %s%s", o.uscc,
	    new_ent ? ", new enterprise" : "");
	if ((ret = admin_commit(&a, NULL, "account_add", o.username,
	    detail)) != CMD_OK)
		goto out;
	printf("已添加账户 %s (account added)%s\n", o.username,
	    new_ent ? "，并新建企业 (new enterprise)" : "");
out:
	gmpki_wipe(pwhash, sizeof(pwhash));
	admin_close(&a);
	return ret;
}

/* lock, unlock and passwd (argv[0]): find the account, change it, audit. */
enum account_change { ACCOUNT_LOCK, ACCOUNT_UNLOCK, ACCOUNT_PASSWD };

static int
account_change(const char *cmd, int argc, char **argv)
{
	enum account_change what = strcmp(argv[0], "lock") == 0 ?
	    ACCOUNT_LOCK : strcmp(argv[0], "unlock") == 0 ? ACCOUNT_UNLOCK :
	    ACCOUNT_PASSWD;
	static const char *const actions[] = { "account_lock",
	    "account_unlock", "account_passwd" };
	static const char *const done_zh[] = { "已锁定", "已解锁", "口令已重设" };
	static const char *const done_en[] = { "locked", "unlocked",
	    "password set" };
	struct account_opts o;
	struct svc_account acc;
	struct admin a;
	char pwhash[SVC_PWHASH_MAX];
	int rc, ret;

	if ((ret = account_getopt(cmd, argc, argv, what == ACCOUNT_PASSWD ?
	    "dup" : "du", &o)) != CMD_OK)
		return cmd_status(ret);
	if ((ret = admin_open_password(&a, cmd, o.data, o.pwfile,
	    what == ACCOUNT_PASSWD ? pwhash : NULL, sizeof(pwhash))) != CMD_OK)
		return ret;
	if ((ret = admin_begin(&a)) != CMD_OK)
		goto out;
	if ((rc = svc_account_find(a.db, o.username, &acc)) != 0) {
		ret = admin_abort(&a, o.username, rc);
		goto out;
	}
	gmpki_wipe(acc.pwhash, sizeof(acc.pwhash));
	switch (what) {
	case ACCOUNT_LOCK:
		rc = svc_account_set_state(a.db, acc.id, SVC_ACCOUNT_LOCKED);
		break;
	case ACCOUNT_UNLOCK:
		/* Also ends an automatic lockout (failed logins). */
		if ((rc = svc_account_set_state(a.db, acc.id,
		    SVC_ACCOUNT_ACTIVE)) == 0)
			rc = svc_account_login_ok(a.db, acc.id);
		break;
	case ACCOUNT_PASSWD:
		rc = svc_account_set_password(a.db, acc.id, pwhash);
		break;
	}
	ret = rc != 0 ? admin_abort(&a, o.username, rc) : admin_commit(&a,
	    o.username, actions[what], o.username, "");
	if (ret == CMD_OK)
		printf("账户 %s %s (account %s)\n", o.username, done_zh[what],
		    done_en[what]);
out:
	gmpki_wipe(pwhash, sizeof(pwhash));
	admin_close(&a);
	return ret;
}

static const char *
account_state_label(const struct svc_account *acc, int64_t now)
{
	if (acc->state == SVC_ACCOUNT_LOCKED)
		return "已锁定 (locked by an operator)";
	if (acc->state == SVC_ACCOUNT_DISABLED)
		return "已停用 (disabled)";
	if (acc->locked_until > now)
		return "暂时锁定 (locked after failed logins)";
	return "正常 (active)";
}

static int
account_cert_row(void *arg, const struct svc_cert *c)
{
	char nb[40], na[40], rv[40];
	int *count = arg;

	(*count)++;
	admin_time(c->not_before, nb, sizeof(nb));
	admin_time(c->not_after, na, sizeof(na));
	printf("  %-40s  %s  %s - %s", c->serial,
	    c->status == SVC_CERT_REVOKED ? "已废除 (revoked)" :
	    "有效 (valid)  ", nb, na);
	if (c->status == SVC_CERT_REVOKED) {
		admin_time(c->revoked_at, rv, sizeof(rv));
		printf("  废除于 (revoked at) %s, %s (%s)", rv,
		    gmpki_reason_label_zh(c->reason),
		    gmpki_reason_name(c->reason));
	}
	putchar('\n');
	return 0;
}

static int
account_show(const char *cmd, int argc, char **argv)
{
	struct account_opts o;
	struct svc_account acc;
	struct svc_enterprise e;
	struct admin a;
	int64_t now = (int64_t)time(NULL);
	char t[40];
	int rc, ret, count = 0;

	if ((ret = account_getopt(cmd, argc, argv, "du", &o)) != CMD_OK)
		return cmd_status(ret);
	if ((ret = admin_open(&a, cmd, o.data)) != CMD_OK)
		return ret;
	if ((rc = svc_account_find(a.db, o.username, &acc)) != 0) {
		ret = admin_error(cmd, o.username, rc);
		goto out;
	}
	gmpki_wipe(acc.pwhash, sizeof(acc.pwhash));
	if (svc_enterprise_find(a.db, acc.uscc, &e) != 0)
		memset(&e, 0, sizeof(e));
	printf("用户名 (username):            ");
	admin_print(stdout, acc.username);
	printf("\n企业名称 (enterprise):        ");
	admin_print(stdout, acc.org);
	printf("\n统一社会信用代码 (USCC):      %s\n", acc.uscc);
	printf("地区 (region):                ");
	admin_print(stdout, e.region[0] != '\0' ? e.region : "-");
	printf("\n状态 (state):                 %s\n",
	    account_state_label(&acc, now));
	printf("连续登录失败 (failed logins): %d\n", acc.failed_logins);
	admin_time(acc.locked_until, t, sizeof(t));
	printf("自动锁定至 (locked until):    %s\n", t);
	admin_time(acc.created_at, t, sizeof(t));
	printf("创建时间 (created):           %s\n", t);
	printf("证书 (certificates):\n");
	if ((rc = svc_cert_list_account(a.db, acc.id, account_cert_row,
	    &count)) != 0) {
		ret = admin_error(cmd, "certificates", rc);
		goto out;
	}
	if (count == 0)
		printf("  无 (none)\n");
	ret = CMD_OK;
out:
	admin_close(&a);
	return ret;
}

int
cmd_account_main(int argc, char **argv)
{
	static const struct admin_sub subs[] = {
		{ "add", account_add },
		{ "lock", account_change },
		{ "unlock", account_change },
		{ "passwd", account_change },
		{ "show", account_show },
		{ NULL, NULL },
	};

	return admin_dispatch("account", account_usage, subs, argc, argv);
}
