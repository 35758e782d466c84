/*
 * cmd_keys.c - certsvc keys show|renew: the service's delegated keys, the
 * OCSP responder and the directory's document signer (keys.h).
 *
 * `serve` renews each by itself delegated_renew_days before its end;
 * `keys renew` is for the operator who wants a new pair now (a key that
 * may have leaked, a changed CA name).  It starts a signer for the
 * purpose, writes the new pair, and a running `serve` takes it within a
 * housekeeping round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "gmpki/gmpki.h"
#include "keys.h"
#include "signer.h"
#include "store.h"
#include "svc_error.h"

static const char keys_usage[] =
    "用法 (usage):\n"
    "  certsvc keys show --data DIR\n"
    "  certsvc keys renew --data DIR [--which ocsp|docsign|all]\n"
    "                     [--ca-pass-file FILE]\n"
    "\n"
    "show: OCSP响应者和目录签名证书的序列号与有效期 (serial and validity of\n"
    "     the OCSP responder's and the directory signer's certificates).\n"
    "renew: 立即换发新的密钥和证书 (a new key and certificate now; serve\n"
    "     also renews each delegated_renew_days before its end, and a\n"
    "     running serve picks the new pair up within a housekeeping round).\n"
    "--which: 默认 all (default all)\n"
    "--ca-pass-file: CA口令文件，同 serve (the CA passphrase file, as for\n"
    "     serve); 默认 DIR/ca/private/passphrase\n"
    "退出码 (exit codes): 0 成功, 1 失败, 2 用法错误, 3 内部错误\n";

struct keys_opts {
	const char *data, *which, *passfile;
};

static int
keys_getopt(const char *cmd, int argc, char **argv, const char *accept,
    struct keys_opts *o)
{
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &o->data, NULL },
		{ "which", 'w', 1, &o->which, NULL },
		{ "ca-pass-file", 'p', 1, &o->passfile, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};

	memset(o, 0, sizeof(*o));
	return cmd_getopt(cmd, keys_usage, argc, argv, opts, accept, 0);
}

/* "serial S, valid A .. B (N days left)" of cert. */
static void
print_pair(int which, X509 *cert, time_t now)
{
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));
	char nb[32], na[32];
	struct tm tm;

	if (info == NULL || gmpki_cert_info_get(cert, info) != 0) {
		free(info);
		return;
	}
	gmtime_r(&info->not_before, &tm);
	strftime(nb, sizeof(nb), "%Y-%m-%dT%H:%M:%SZ", &tm);
	gmtime_r(&info->not_after, &tm);
	strftime(na, sizeof(na), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Days left counted as started days: 365 on the day of issue. */
	printf("%-8s %s  %s .. %s  剩余 %lld 天 (days left)\n",
	    svc_key_name(which), info->serial, nb, na,
	    (long long)(info->not_after > now ?
	    (info->not_after - now + 86399) / 86400 : 0));
	free(info);
}

/* The issuing CA's certificate, which every pair must chain to. */
static int
issuing_load(struct admin *a, X509 **out)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/issuing.pem", a->cfg.ca_dir);
	return gmpki_cert_load(path, out);
}

static int
keys_show(const char *cmd, int argc, char **argv)
{
	struct keys_opts o;
	struct admin a;
	X509 *issuing = NULL, *cert;
	EVP_PKEY *key;
	int i, rc, ret;

	if ((ret = keys_getopt(cmd, argc, argv, "d", &o)) != CMD_OK)
		return cmd_status(ret);
	if ((ret = admin_config(&a, cmd, o.data)) != CMD_OK)
		return ret;
	if ((rc = issuing_load(&a, &issuing)) != 0)
		return admin_error(cmd, "ca/issuing.pem", rc);
	for (i = 0; i < SVC_KEY_COUNT; i++) {
		if ((rc = svc_keys_read(a.cfg.data_dir, i, issuing, &cert,
		    &key)) != 0) {
			ret = admin_error(cmd, svc_key_name(i), rc);
			break;
		}
		print_pair(i, cert, time(NULL));
		X509_free(cert);
		EVP_PKEY_free(key);
	}
	X509_free(issuing);
	admin_close(&a);
	return ret;
}

static int
keys_renew(const char *cmd, int argc, char **argv)
{
	struct keys_opts o;
	struct svc_signer *signer = NULL;
	struct admin a;
	X509 *cert;
	EVP_PKEY *key;
	char *pass = NULL, detail[128];
	size_t passlen = 0;
	int i, first = 0, last = SVC_KEY_COUNT - 1, rc, ret;

	if ((ret = keys_getopt(cmd, argc, argv, "dwp", &o)) != CMD_OK)
		return cmd_status(ret);
	if (o.which != NULL && strcmp(o.which, "all") != 0) {
		for (i = 0; i < SVC_KEY_COUNT; i++)
			if (strcmp(o.which, svc_key_name(i)) == 0)
				first = last = i;
		if (first != last)
			return admin_usage_error(cmd, "--which 只能是 ocsp、"
			    "docsign 或 all", "--which is ocsp, docsign or all",
			    o.which);
	}
	/* The signer is forked before the database is opened. */
	if ((ret = admin_config(&a, cmd, o.data)) != CMD_OK)
		return ret;
	if (o.passfile != NULL && (rc = gmpki_pass_file_read(o.passfile,
	    &pass, &passlen)) != 0) {
		ret = admin_error(cmd, o.passfile, rc);
		goto out;
	}
	rc = svc_signer_start(a.cfg.ca_dir, pass, passlen, &signer);
	if (pass != NULL) {
		gmpki_wipe(pass, passlen);
		free(pass);
	}
	if (rc != 0) {
		ret = admin_error(cmd, "signer", rc);
		goto out;
	}
	if ((ret = admin_db(&a)) != CMD_OK)
		goto out;
	for (i = first; i <= last; i++) {
		if ((rc = svc_keys_make(a.cfg.data_dir, i, signer, &cert,
		    &key)) != 0) {
			ret = admin_error(cmd, svc_key_name(i), rc);
			goto out;
		}
		print_pair(i, cert, time(NULL));
		memcpy(detail, "serial ", 7);
		if (gmpki_serial_hex(X509_get0_serialNumber(cert), detail + 7,
		    sizeof(detail) - 7) != 0)
			detail[7] = '\0';
		(void)svc_audit_append(a.db, (int64_t)time(NULL), a.actor,
		    "keys_renew", svc_key_name(i), detail, "cli");
		X509_free(cert);
		EVP_PKEY_free(key);
	}
	ret = CMD_OK;
out:
	svc_signer_stop(signer);
	admin_close(&a);
	return ret;
}

int
cmd_keys_main(int argc, char **argv)
{
	static const struct admin_sub subs[] = {
		{ "show", keys_show },
		{ "renew", keys_renew },
		{ NULL, NULL },
	};

	return admin_dispatch("keys", keys_usage, subs, argc, argv);
}
