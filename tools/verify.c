/*
 * verify.c - gmpki verify: path validation of a certificate to a given
 * root (RFC 5280 §6) with SM2 signatures, at a chosen time, optionally
 * with CRLs.  Exit 0 valid, 1 invalid, 2 usage or unreadable input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gmpki/gmpki.h"

#define VERIFY_MAX_CRLS 8

static const char verify_usage[] =
    "用法 (usage): gmpki verify --root ROOT.pem [--chain CHAIN.pem]\n"
    "                  [--crl CRL.pem]... [--at \"YYYY-MM-DD HH:MM:SS\"] CERT.pem\n"
    "\n"
    "验证证书 (verify a certificate).\n"
    "  --root ROOT.pem     信任的根CA证书 (trusted root certificate)\n"
    "  --chain CHAIN.pem   中间CA证书 (intermediate certificates)\n"
    "  --crl CRL.pem       证书撤销列表，可多次给出 (CRL; may be repeated;\n"
    "                      each is verified and must be current; one of\n"
    "                      them must be from the certificate's issuer)\n"
    "  --at TIME           验证时间，UTC (verification time, UTC; default now)\n"
    "  -h, --help          显示帮助 (show this help)\n"
    "\n"
    "输出 (output): \"OK: <主题 subject>\".\n"
    "退出码 (exit codes): 0 有效 (valid), 1 无效 (invalid),\n"
    "                     2 用法或输入错误 (usage or input error)\n";

static void
explain(const char *cmd, const char *certfile, int rc, X509 *cert,
    const struct gmpki_verify_result *res)
{
	struct gmpki_cert_info *info;
	char t[32];

	cli_error(cmd, certfile, rc);
	if ((info = calloc(1, sizeof(*info))) == NULL)
		return;
	if (res->depth == 0 && gmpki_cert_info_get(cert, info) == 0) {
		if (rc == GMPKI_ERR_CERT_EXPIRED) {
			gmpki_time_format(info->not_after, t, sizeof(t));
			fprintf(stderr, "  有效期至 (not after): %s\n", t);
		} else if (rc == GMPKI_ERR_CERT_NOT_YET_VALID) {
			gmpki_time_format(info->not_before, t, sizeof(t));
			fprintf(stderr, "  有效期自 (not before): %s\n", t);
		}
	}
	if (rc == GMPKI_ERR_CERT_REVOKED && res->revoked_at != 0) {
		gmpki_time_format(res->revoked_at, t, sizeof(t));
		fprintf(stderr, "  废除时间 (revoked at): %s, 原因 (reason): %s "
		    "(%s)\n", t, gmpki_reason_label_zh(res->reason),
		    gmpki_reason_name(res->reason));
	}
	if (rc == GMPKI_ERR_REVOCATION_UNKNOWN)
		fprintf(stderr, "  给出的证书撤销列表都不是此证书签发者的 (none of "
		    "the CRLs given is from the certificate's issuer)\n");
	if (res->depth > 0)
		fprintf(stderr, "  出错的证书在链中第%d层 (failing certificate at "
		    "depth %d)\n", res->depth, res->depth);
	free(info);
}

int
verify_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "chain", required_argument, NULL, 'c' },
		{ "crl", required_argument, NULL, 'l' },
		{ "at", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "verify", *rootfile = NULL, *chainfile = NULL;
	const char *crlfiles[VERIFY_MAX_CRLS], *certfile;
	struct gmpki_verify_opts vo;
	struct gmpki_verify_result res;
	struct gmpki_cert_info *info = NULL;
	X509 *root = NULL, *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	X509_CRL *crl = NULL;
	int ncrl = 0, c, i, rc, ret = CLI_USAGE;

	memset(&vo, 0, sizeof(vo));
	memset(&res, 0, sizeof(res));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rootfile = optarg;
			break;
		case 'c':
			chainfile = optarg;
			break;
		case 'l':
			if (ncrl == VERIFY_MAX_CRLS)
				return cli_usage_error(cmd, "--crl 太多",
				    "too many --crl", optarg);
			crlfiles[ncrl++] = optarg;
			break;
		case 'a':
			if (cli_parse_time(optarg, &vo.at) != 0)
				return cli_usage_error(cmd, "时间格式应为 "
				    "\"YYYY-MM-DD HH:MM:SS\"",
				    "time must be \"YYYY-MM-DD HH:MM:SS\"",
				    optarg);
			break;
		case 'h':
			fputs(verify_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (rootfile == NULL)
		return cli_usage_error(cmd, "缺少 --root 根CA证书",
		    "missing --root certificate", NULL);
	if (optind != argc - 1)
		return cli_usage_error(cmd, "应给出一个待验证的证书文件",
		    "give exactly one certificate file to verify",
		    optind < argc ? argv[argc - 1] : NULL);
	certfile = argv[optind];

	if ((rc = gmpki_cert_load(rootfile, &root)) != 0) {
		cli_error(cmd, rootfile, rc);
		goto out;
	}
	if (chainfile != NULL && (rc = gmpki_certs_load(chainfile,
	    &chain)) != 0) {
		cli_error(cmd, chainfile, rc);
		goto out;
	}
	if (ncrl > 0 && (crls = sk_X509_CRL_new_null()) == NULL) {
		cli_error(cmd, NULL, GMPKI_ERR_NOMEM);
		goto out;
	}
	for (i = 0; i < ncrl; i++) {
		if ((rc = gmpki_crl_load(crlfiles[i], &crl)) != 0) {
			cli_error(cmd, crlfiles[i], rc);
			goto out;
		}
		if (!sk_X509_CRL_push(crls, crl)) {
			cli_error(cmd, NULL, GMPKI_ERR_NOMEM);
			goto out;
		}
		crl = NULL;
	}
	if ((rc = gmpki_cert_load(certfile, &cert)) != 0) {
		cli_error(cmd, certfile, rc);
		goto out;
	}

	vo.root = root;
	vo.untrusted = chain;
	vo.crls = crls;
	/* A CRL given is a CRL meant to be used: one that does not speak
	 * about the certificate (another issuer's) is not a silent "OK". */
	vo.require_revocation = ncrl > 0;
	rc = gmpki_verify_cert(cert, &vo, &res);
	if (rc == GMPKI_ERR_ARG || rc == GMPKI_ERR_NOMEM ||
	    rc == GMPKI_ERR_INTERNAL) {
		cli_error(cmd, certfile, rc);
		goto out;
	}
	if (rc != 0) {
		explain(cmd, certfile, rc, cert, &res);
		ret = CLI_FAIL;
		goto out;
	}
	if ((info = calloc(1, sizeof(*info))) == NULL ||
	    (rc = gmpki_cert_info_get(cert, info)) != 0) {
		cli_error(cmd, certfile, info == NULL ? GMPKI_ERR_NOMEM : rc);
		goto out;
	}
	printf("OK: %s\n", info->subject);
	if (res.revocation_checked)
		printf("  已检查撤销状态：未废除 (revocation checked: not "
		    "revoked)\n");
	ret = CLI_OK;
out:
	free(info);
	X509_free(root);
	X509_free(cert);
	X509_CRL_free(crl);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return ret;
}
