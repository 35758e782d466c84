/*
 * cmd_certs.c - certsvc certs list|show|revoke: the issued certificates.
 *
 * revoke goes through svc_revoke (service.h), the operation the 废除证书
 * page uses too, so the rule, the audit row and the new CRL are the same
 * whoever revokes; the CRL is signed by the signer process, which this
 * command starts for the purpose (certs_app_start).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "app.h"
#include "cmd.h"
#include "gmpki/cert.h"
#include "gmpki/crl.h"
#include "gmpki/error.h"
#include "gmpki/io.h"
#include "gmpki/pkcs8.h"
#include "gmpki/crypto.h"
#include "serial.h"
#include "service.h"
#include "store.h"
#include "svc_error.h"

static const char certs_usage[] =
    "用法 (usage):\n"
    "  certsvc certs list --data DIR [--username U] [--status valid|revoked]\n"
    "  certsvc certs show --data DIR --serial HEX\n"
    "  certsvc certs revoke --data DIR --serial HEX [--reason NAME]\n"
    "                       [--ca-pass-file FILE]\n"
    "\n"
    "list: 证书列表，最新的在前 (certificates, newest first).\n"
    "show: 证书详细信息 (one certificate in detail).\n"
    "revoke: 废除证书并更新CRL (revoke and regenerate the CRL).\n"
    "--reason: RFC 5280 原因名称 (reason name): unspecified (默认 default),\n"
    "     keyCompromise, affiliationChanged, superseded,\n"
    "     cessationOfOperation, certificateHold, privilegeWithdrawn\n"
    "     (或其编号 or its number)\n"
    "--ca-pass-file: CA口令文件，同 serve (the CA passphrase file, as for\n"
    "     serve); 默认 DIR/ca/private/passphrase\n"
    "退出码 (exit codes): 0 成功, 1 输入被拒绝或证书不存在, 2 用法错误,\n"
    "     3 内部错误\n";

struct certs_opts {
	const char *data, *username, *status, *serial, *reason, *passfile;
};

/* Parses the options a subcommand accepts; CMD_OK, CMD_HELP or exit code. */
static int
certs_getopt(const char *cmd, int argc, char **argv, const char *accept,
    struct certs_opts *o)
{
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &o->data, NULL },
		{ "username", 'u', 1, &o->username, NULL },
		{ "status", 's', 1, &o->status, NULL },
		{ "serial", 'n', 1, &o->serial, NULL },
		{ "reason", 'r', 1, &o->reason, NULL },
		{ "ca-pass-file", 'p', 1, &o->passfile, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};

	memset(o, 0, sizeof(*o));
	return cmd_getopt(cmd, certs_usage, argc, argv, opts, accept, 0);
}

/* HEX (any case, leading zeros) to the stored form; 0 or exit code. */
static int
certs_serial(const char *cmd, const char *hex, char out[SVC_SERIAL_MAX + 1])
{
	if (hex == NULL)
		return admin_usage_error(cmd, "缺少 --serial", "missing --serial",
		    NULL);
	if (svc_serial_normalize(hex, out) != 0) {
		admin_message(cmd, "序列号应为1-40位十六进制数",
		    "serial must be 1-40 hex digits", hex);
		return CMD_FAIL;
	}
	return CMD_OK;
}

struct certs_list {
	int status;		/* 0: all */
	int count;
	int header;
};

static int
certs_row(void *arg, const struct svc_cert *c)
{
	struct certs_list *l = arg;
	char na[40], rv[40];

	if (l->status != 0 && c->status != l->status)
		return 0;
	if (!l->header) {
		printf("%-40s  %-16s  %-20s  %-23s  %s\n", "序列号 (serial)",
		    "状态 (status)", "用户名 (username)",
		    "有效期至 (not after)", "废除 (revoked)");
		l->header = 1;
	}
	l->count++;
	admin_time(c->not_after, na, sizeof(na));
	printf("%-40s  %-16s  ", c->serial, c->status == SVC_CERT_REVOKED ?
	    "revoked 已废除" : "valid 有效");
	admin_print_col(stdout, c->username, 20);
	printf("  %-23s", na);
	if (c->status == SVC_CERT_REVOKED) {
		admin_time(c->revoked_at, rv, sizeof(rv));
		printf("  %s %s", rv, gmpki_reason_name(c->reason));
	}
	putchar('\n');
	return 0;
}

static int
certs_list(const char *cmd, int argc, char **argv)
{
	struct certs_opts o;
	struct certs_list l;
	struct svc_account acc;
	struct admin a;
	int rc, ret;

	if ((ret = certs_getopt(cmd, argc, argv, "dus", &o)) != CMD_OK)
		return cmd_status(ret);
	memset(&l, 0, sizeof(l));
	if (o.status != NULL) {
		if (strcmp(o.status, "valid") == 0)
			l.status = SVC_CERT_VALID;
		else if (strcmp(o.status, "revoked") == 0)
			l.status = SVC_CERT_REVOKED;
		else
			return admin_usage_error(cmd, "--status 应为 valid 或 "
			    "revoked", "--status must be valid or revoked",
			    o.status);
	}
	if ((ret = admin_open(&a, cmd, o.data)) != CMD_OK)
		return ret;
	if (o.username != NULL) {
		if ((rc = svc_account_find(a.db, o.username, &acc)) != 0) {
			ret = admin_error(cmd, o.username, rc);
			goto out;
		}
		rc = svc_cert_list_account(a.db, acc.id, certs_row, &l);
	} else
		rc = svc_cert_list_all(a.db, 0, certs_row, &l);
	if (rc != 0) {
		ret = admin_error(cmd, NULL, rc);
		goto out;
	}
	if (l.count == 0)
		printf("没有证书 (no certificates)\n");
	ret = CMD_OK;
out:
	admin_close(&a);
	return ret;
}

static void
certs_field(const char *label, const char *value)
{
	printf("%s", label);
	admin_print(stdout, value[0] != '\0' ? value : "-");
	putchar('\n');
}

static int
certs_show(const char *cmd, int argc, char **argv)
{
	struct gmpki_cert_info info;
	struct certs_opts o;
	struct svc_cert c;
	struct admin a;
	X509 *x = NULL;
	char serial[SVC_SERIAL_MAX + 1], t[40];
	int rc, ret;

	if ((ret = certs_getopt(cmd, argc, argv, "dn", &o)) != CMD_OK)
		return cmd_status(ret);
	if ((ret = certs_serial(cmd, o.serial, serial)) != CMD_OK)
		return ret;
	if ((ret = admin_open(&a, cmd, o.data)) != CMD_OK)
		return ret;
	memset(&c, 0, sizeof(c));
	if ((rc = svc_cert_find(a.db, serial, 1, &c)) != 0) {
		ret = admin_error(cmd, serial, rc);
		goto out;
	}
	if ((rc = gmpki_cert_from_mem(c.der, c.der_len, &x)) != 0 ||
	    (rc = gmpki_cert_info_get(x, &info)) != 0) {
		ret = admin_error(cmd, "stored certificate", rc);
		goto out;
	}
	certs_field("序列号 (serial):              ", info.serial);
	printf("状态 (status):                %s\n",
	    c.status == SVC_CERT_REVOKED ? "已废除 (revoked)" : "有效 (valid)");
	if (c.status == SVC_CERT_REVOKED) {
		admin_time(c.revoked_at, t, sizeof(t));
		printf("废除时间 (revoked at):        %s\n", t);
		printf("废除原因 (reason):            %s (%s)\n",
		    gmpki_reason_label_zh(c.reason),
		    gmpki_reason_name(c.reason));
	}
	certs_field("用户名 (username):            ", info.cn);
	certs_field("企业名称 (organization):      ", info.org);
	certs_field("统一社会信用代码 (USCC):      ", info.uscc);
	certs_field("使用者 (subject):             ", info.subject);
	certs_field("颁发者 (issuer):              ", info.issuer);
	gmpki_time_format(info.not_before, t, sizeof(t));
	printf("有效期自 (not before):        %s\n", t);
	gmpki_time_format(info.not_after, t, sizeof(t));
	printf("有效期至 (not after):         %s\n", t);
	admin_time(c.issued_at, t, sizeof(t));
	printf("签发时间 (issued):            %s\n", t);
	certs_field("签名算法 (signature):        ", info.sig_alg);
	printf("SM2公钥 (SM2 key):            %s\n", info.is_sm2 ? "是 (yes)" :
	    "否 (no)");
	certs_field("SM3指纹 (SM3 fingerprint):    ", info.sm3_fp);
	certs_field("CRL分发点 (CRL):              ", info.crl_url);
	certs_field("OCSP地址 (OCSP):              ", info.ocsp_url);
	ret = CMD_OK;
out:
	X509_free(x);
	svc_cert_clear(&c);
	admin_close(&a);
	return ret;
}

/*
 * What svc_revoke needs of an application: the configuration, the signer
 * (for the CRL) and the CRL lock; nothing of the web side.  The signer is
 * forked here, before any thread and before the database is opened, as
 * serve does.
 */
static int
certs_app_start(struct admin *a, const char *passfile, struct svc_app *app)
{
	char *pass = NULL;
	size_t passlen = 0;
	int rc;

	memset(app, 0, sizeof(*app));
	app->cfg = a->cfg;
	if (passfile != NULL && (rc = gmpki_pass_file_read(passfile, &pass,
	    &passlen)) != 0)
		return admin_error(a->cmd, passfile, rc);
	rc = svc_signer_start(app->cfg.ca_dir, pass, passlen, &app->signer);
	if (pass != NULL) {
		gmpki_wipe(pass, passlen);
		free(pass);
	}
	if (rc != 0)
		return admin_error(a->cmd, "signer", rc);
	pthread_mutex_init(&app->crl_lock, NULL);
	return CMD_OK;
}

static void
certs_app_stop(struct svc_app *app)
{
	if (app->signer == NULL)
		return;
	svc_signer_stop(app->signer);
	app->signer = NULL;
	pthread_mutex_destroy(&app->crl_lock);
	free(app->crl_der);
	app->crl_der = NULL;
}

static int
certs_revoke(const char *cmd, int argc, char **argv)
{
	struct certs_opts o;
	struct svc_app app;
	struct admin a;
	char serial[SVC_SERIAL_MAX + 1];
	int reason = GMPKI_REASON_UNSPECIFIED, rc, ret;

	if ((ret = certs_getopt(cmd, argc, argv, "dnrp", &o)) != CMD_OK)
		return cmd_status(ret);
	if ((ret = certs_serial(cmd, o.serial, serial)) != CMD_OK)
		return ret;
	/* RFC 5280 §5.3.1: 7 is unused, removeFromCRL is for delta CRLs. */
	if (o.reason != NULL && ((reason = gmpki_reason_from_name(o.reason)) <
	    0 || reason == 7 || reason == GMPKI_REASON_REMOVE_FROM_CRL))
		return admin_usage_error(cmd, "未知的废除原因",
		    "unknown revocation reason", o.reason);
	memset(&app, 0, sizeof(app));
	/* The signer is forked before the database is opened (SQLite
	 * connections must not cross a fork). */
	if ((ret = admin_config(&a, cmd, o.data)) != CMD_OK)
		return ret;
	if ((ret = certs_app_start(&a, o.passfile, &app)) != CMD_OK ||
	    (ret = admin_db(&a)) != CMD_OK)
		goto out;
	rc = svc_revoke(&app, a.db, serial, reason, 0, a.actor, "cli",
	    time(NULL));
	if (rc != 0) {
		ret = admin_error(cmd, serial, rc);
		goto out;
	}
	printf("证书 %s 已废除 (certificate revoked, %s)\n", serial,
	    gmpki_reason_name(reason));
	ret = CMD_OK;
out:
	certs_app_stop(&app);
	admin_close(&a);
	return ret;
}

int
cmd_certs_main(int argc, char **argv)
{
	static const struct admin_sub subs[] = {
		{ "list", certs_list },
		{ "show", certs_show },
		{ "revoke", certs_revoke },
		{ NULL, NULL },
	};

	return admin_dispatch("certs", certs_usage, subs, argc, argv);
}
