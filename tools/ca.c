/*
 * ca.c - gmpki ca {init,sign,revoke,crl}: the two-tier CA of lib/ca.c kept
 * in a directory (docs/CA-DIRECTORY.md).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "gmpki/gmpki.h"

static const char ca_usage[] =
    "用法 (usage): gmpki ca <init|sign|revoke|crl> [选项 options]\n"
    "\n"
    "  init    创建CA目录：根CA与签发CA (create a CA folder: root + issuing CA)\n"
    "  sign    按证书请求签发用户证书 (issue a user certificate for a CSR)\n"
    "  revoke  废除证书 (revoke a certificate)\n"
    "  crl     生成证书撤销列表 (issue a CRL)\n"
    "\n"
    "每个子命令都有 --help (each has --help).\n";

static const char init_usage[] =
    "用法 (usage): gmpki ca init --dir CADIR [--name NAME] [--pass-file FILE]\n"
    "                    [--crl-url URL] [--ocsp-url URL]\n"
    "\n"
    "创建CA目录 (create a CA folder, mode 0700).\n"
    "  --dir CADIR         CA目录，不能已含CA (CA folder; must not hold a CA)\n"
    "  --name NAME         CA名称 (CA name), 默认 (default) \"CertHelper CA\"\n"
    "  --pass-file FILE    私钥口令文件；省略时生成随机口令写入\n"
    "                      CADIR/private/passphrase (key passphrase file;\n"
    "                      without it a random one is written there)\n"
    "  --crl-url URL       写入用户证书的CRL分发点 (CRL distribution point)\n"
    "  --ocsp-url URL      写入用户证书的OCSP地址 (OCSP responder URL)\n"
    "  -h, --help          显示帮助 (show this help)\n";

static const char sign_usage[] =
    "用法 (usage): gmpki ca sign --dir CADIR --csr REQ.pem --username USER\n"
    "                    --uscc CODE --org NAME [--days N] [--pass-file FILE]\n"
    "                    -o CERT.pem\n"
    "\n"
    "签发用户签名证书 (issue an end-entity signing certificate).\n"
    "  --dir CADIR         CA目录 (CA folder)\n"
    "  --csr REQ.pem       SM2证书请求，验证其签名 (SM2 CSR, its signature is\n"
    "                      checked; only its key is used)\n"
    "  --username USER     用户名，证书的CN (user name: the CN)\n"
    "  --uscc CODE         统一社会信用代码 (unified social credit code)\n"
    "  --org NAME          企业名称，证书的O (enterprise name: the O)\n"
    "  --days N            有效天数，默认3年 (validity in days; default 3 years)\n"
    "  --pass-file FILE    CA私钥口令文件 (CA key passphrase file; default\n"
    "                      CADIR/private/passphrase)\n"
    "  -o, --out CERT.pem  输出证书 (output certificate)\n"
    "  -h, --help          显示帮助 (show this help)\n";

static const char revoke_usage[] =
    "用法 (usage): gmpki ca revoke --dir CADIR --serial HEX [--reason R]\n"
    "                    [--pass-file FILE]\n"
    "\n"
    "废除证书 (revoke a certificate issued by this CA).\n"
    "  --dir CADIR         CA目录 (CA folder)\n"
    "  --serial HEX        证书序列号，十六进制，不区分大小写\n"
    "                      (serial number in hex, any case)\n"
    "  --reason R          废除原因 (reason, RFC 5280): unspecified (默认),\n"
    "                      keyCompromise, cACompromise, affiliationChanged,\n"
    "                      superseded, cessationOfOperation, certificateHold,\n"
    "                      privilegeWithdrawn, aACompromise\n"
    "  --pass-file FILE    CA私钥口令文件 (CA key passphrase file)\n"
    "  -h, --help          显示帮助 (show this help)\n";

static const char crl_usage[] =
    "用法 (usage): gmpki ca crl --dir CADIR -o CRL.pem [--pass-file FILE]\n"
    "\n"
    "生成证书撤销列表，7天有效 (issue a CRL valid for 7 days).\n"
    "  --dir CADIR         CA目录 (CA folder)\n"
    "  -o, --out CRL.pem   输出文件 (output file)\n"
    "  --pass-file FILE    CA私钥口令文件 (CA key passphrase file)\n"
    "  -h, --help          显示帮助 (show this help)\n";

/* Opens the CA, saying what is wrong in the user's terms. */
static int
open_ca(const char *cmd, const char *dir, const char *pass_file,
    gmpki_ca **ca)
{
	char path[PATH_MAX], *pass = NULL;
	size_t passlen = 0;
	struct stat st;
	int rc;

	*ca = NULL;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_message(cmd, "CA目录不存在", "CA folder does not exist", dir);
		return CLI_FAIL;
	}
	if (snprintf(path, sizeof(path), "%s/root.pem", dir) >=
	    (int)sizeof(path) || access(path, F_OK) != 0) {
		cli_message(cmd, "不是CA目录（缺少 root.pem）",
		    "not a CA folder (root.pem is missing)", dir);
		return CLI_FAIL;
	}
	if (cli_pass_read(cmd, pass_file, &pass, &passlen) != 0)
		return CLI_FAIL;
	rc = gmpki_ca_open(dir, pass, passlen, ca);
	cli_pass_free(pass, passlen);
	if (rc == GMPKI_ERR_PERMISSION) {
		cli_error(cmd, dir, rc);
		fprintf(stderr, "  CA私钥目录或文件可被他人访问，请执行 (the CA's "
		    "private folder or keys are open to others; run):\n"
		    "  chmod 700 %s/private; chmod 600 %s/private/*\n", dir, dir);
		return CLI_FAIL;
	}
	if (rc == GMPKI_ERR_IO && pass_file == NULL) {
		cli_message(cmd, "无法读取CA文件；若口令不在 private/passphrase，"
		    "请用 --pass-file",
		    "cannot read the CA's files; if the passphrase is not in "
		    "private/passphrase, give --pass-file", dir);
		return CLI_FAIL;
	}
	if (rc != 0) {
		cli_error(cmd, dir, rc);
		return CLI_FAIL;
	}
	return 0;
}

static int
ca_init_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "crl-url", required_argument, NULL, 'c' },
		{ "ocsp-url", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "ca init", *pass_file = NULL;
	struct gmpki_ca_init_params p;
	char *pass = NULL;
	size_t passlen = 0;
	int c, rc;

	memset(&p, 0, sizeof(p));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			p.dir = optarg;
			break;
		case 'n':
			p.name = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 'c':
			p.crl_url = optarg;
			break;
		case 'O':
			p.ocsp_url = optarg;
			break;
		case 'h':
			fputs(init_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "多余的参数", "unexpected argument",
		    argv[optind]);
	if (p.dir == NULL)
		return cli_usage_error(cmd, "缺少 --dir CA目录",
		    "missing --dir CA folder", NULL);
	if (p.name != NULL && *p.name == '\0')
		return cli_usage_error(cmd, "CA名称不能为空",
		    "the CA name must not be empty", NULL);
	if (cli_pass_read(cmd, pass_file, &pass, &passlen) != 0)
		return CLI_FAIL;
	p.pass = pass;
	p.passlen = passlen;
	rc = gmpki_ca_init(&p);
	cli_pass_free(pass, passlen);
	if (rc == GMPKI_ERR_EXISTS) {
		cli_message(cmd, "该目录已含CA，不会覆盖",
		    "the folder already holds a CA and is not overwritten",
		    p.dir);
		return CLI_FAIL;
	}
	if (rc != 0) {
		cli_error(cmd, p.dir, rc);
		return CLI_FAIL;
	}
	printf("已创建CA (CA created): %s\n"
	    "  根CA证书 (root certificate):       %s/root.pem\n"
	    "  签发CA证书 (issuing certificate):  %s/issuing.pem\n"
	    "  证书链 (chain):                    %s/chain.pem\n"
	    "  私钥 (keys, encrypted, 0600):       %s/private/\n",
	    p.dir, p.dir, p.dir, p.dir, p.dir);
	if (pass_file == NULL)
		printf("  口令 (passphrase):                 %s/private/passphrase\n"
		    "注意：口令与私钥存放在同一台机器上；生产环境请用 --pass-file "
		    "并把根CA私钥移到离线介质 (docs/CA-DIRECTORY.md).\n"
		    "Note: the passphrase sits beside the keys; in production use "
		    "--pass-file and take the root key offline.\n", p.dir);
	return CLI_OK;
}

static int
ca_sign_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "csr", required_argument, NULL, 'r' },
		{ "username", required_argument, NULL, 'u' },
		{ "uscc", required_argument, NULL, 'U' },
		{ "org", required_argument, NULL, 'g' },
		{ "days", required_argument, NULL, 'D' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "ca sign", *dir = NULL, *csrfile = NULL;
	const char *pass_file = NULL, *out = NULL, *days_s = NULL;
	struct gmpki_ee_request r;
	struct gmpki_cert_info *info = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, pemlen = 0;
	char *pem = NULL, na[32];
	X509_REQ *csr = NULL;
	X509 *cert = NULL;
	gmpki_ca *ca = NULL;
	int c, rc, ret = CLI_FAIL;

	memset(&r, 0, sizeof(r));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'r':
			csrfile = optarg;
			break;
		case 'u':
			r.username = optarg;
			break;
		case 'U':
			r.uscc = optarg;
			break;
		case 'g':
			r.org = optarg;
			break;
		case 'D':
			days_s = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(sign_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "多余的参数", "unexpected argument",
		    argv[optind]);
	if (dir == NULL || csrfile == NULL || r.username == NULL ||
	    r.uscc == NULL || r.org == NULL || out == NULL)
		return cli_usage_error(cmd, "缺少必需的选项",
		    "missing a required option",
		    dir == NULL ? "--dir" : csrfile == NULL ? "--csr" :
		    r.username == NULL ? "--username" : r.uscc == NULL ?
		    "--uscc" : r.org == NULL ? "--org" : "-o");
	if (days_s != NULL && cli_parse_int(days_s, 1, 36500, &r.days) != 0)
		return cli_usage_error(cmd, "有效天数应为1到36500之间的整数",
		    "--days must be a whole number from 1 to 36500", days_s);
	/* Everything is checked before the CA is touched. */
	if (cli_uscc_check(cmd, r.uscc) != 0)
		return CLI_FAIL;
	if (cli_output_check(cmd, out, 0) != 0)
		return CLI_FAIL;
	if ((rc = gmpki_file_read(csrfile, 2 * GMPKI_MAX_CSR_SIZE, &buf,
	    &len)) != 0) {
		cli_error(cmd, csrfile, rc);
		goto out;
	}
	if ((rc = gmpki_csr_parse_verify(buf, len, NULL, &csr)) != 0) {
		fprintf(stderr, "gmpki: %s: %s: 证书请求无效：%s (invalid "
		    "certificate request: %s)\n", cmd, csrfile,
		    gmpki_strerror(rc), gmpki_strerror_en(rc));
		goto out;
	}
	r.csr = csr;
	if (open_ca(cmd, dir, pass_file, &ca) != 0)
		goto out;
	if (r.days > 0) {
		time_t ina;

		/* lib/cert.c refuses a certificate that outlives its issuer;
		 * say so here rather than "invalid argument". */
		if (gmpki_asn1_time_to_time(X509_get0_notAfter(
		    gmpki_ca_issuing(ca)), &ina) == 0 &&
		    time(NULL) + (time_t)r.days * 86400 > ina) {
			cli_message(cmd, "有效期超出签发CA证书的有效期",
			    "the validity would outlast the issuing CA "
			    "certificate", days_s);
			goto out;
		}
	}
	if ((rc = gmpki_ca_sign(ca, &r, &cert)) != 0) {
		cli_error(cmd, NULL, rc);
		goto out;
	}
	if ((rc = gmpki_cert_to_pem(cert, &pem, &pemlen)) != 0) {
		cli_error(cmd, NULL, rc);
		goto out;
	}
	if (cli_write(cmd, out, pem, pemlen, 0644, 0) != 0)
		goto out;
	if ((info = calloc(1, sizeof(*info))) != NULL &&
	    gmpki_cert_info_get(cert, info) == 0) {
		gmpki_time_format(info->not_after, na, sizeof(na));
		printf("已签发证书 (certificate issued): %s\n"
		    "  序列号 (Serial):        %s\n"
		    "  主题 (Subject):         %s\n"
		    "  有效期至 (Not after):   %s\n", out, info->serial,
		    info->subject, na);
	} else
		printf("已签发证书 (certificate issued): %s\n", out);
	ret = CLI_OK;
out:
	free(info);
	free(buf);
	free(pem);
	X509_REQ_free(csr);
	X509_free(cert);
	gmpki_ca_free(ca);
	return ret;
}

static int
ca_revoke_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "serial", required_argument, NULL, 's' },
		{ "reason", required_argument, NULL, 'r' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "ca revoke", *dir = NULL, *serial = NULL;
	const char *reason_s = NULL, *pass_file = NULL;
	gmpki_ca *ca = NULL;
	int c, rc, reason = GMPKI_REASON_UNSPECIFIED, ret = CLI_FAIL;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 's':
			serial = optarg;
			break;
		case 'r':
			reason_s = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 'h':
			fputs(revoke_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "多余的参数", "unexpected argument",
		    argv[optind]);
	if (dir == NULL || serial == NULL)
		return cli_usage_error(cmd, "缺少必需的选项",
		    "missing a required option",
		    dir == NULL ? "--dir" : "--serial");
	if (reason_s != NULL) {
		reason = gmpki_reason_from_name(reason_s);
		if (reason < 0 || reason == 7 ||
		    reason == GMPKI_REASON_REMOVE_FROM_CRL)
			return cli_usage_error(cmd, "未知的废除原因",
			    "unknown revocation reason", reason_s);
	}
	if (open_ca(cmd, dir, pass_file, &ca) != 0)
		return CLI_FAIL;
	rc = gmpki_ca_revoke(ca, serial, reason, 0);
	if (rc == GMPKI_ERR_ARG)
		cli_message(cmd, "序列号格式错误，应为十六进制",
		    "malformed serial number, hex expected", serial);
	else if (rc == GMPKI_ERR_NOT_FOUND)
		cli_message(cmd, "本CA没有签发过此序列号的证书",
		    "this CA issued no certificate with that serial", serial);
	else if (rc != 0)
		cli_error(cmd, serial, rc);
	else {
		printf("已废除证书 (certificate revoked): %s, 原因 (reason): %s "
		    "(%s)\n", serial, gmpki_reason_label_zh(reason),
		    gmpki_reason_name(reason));
		ret = CLI_OK;
	}
	gmpki_ca_free(ca);
	return ret;
}

static int
ca_crl_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "ca crl", *dir = NULL, *out = NULL;
	const char *pass_file = NULL;
	gmpki_ca *ca = NULL;
	X509_CRL *crl = NULL;
	char *pem = NULL;
	size_t pemlen = 0;
	int c, rc, ret = CLI_FAIL;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 'h':
			fputs(crl_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "多余的参数", "unexpected argument",
		    argv[optind]);
	if (dir == NULL || out == NULL)
		return cli_usage_error(cmd, "缺少必需的选项",
		    "missing a required option", dir == NULL ? "--dir" : "-o");
	if (cli_output_check(cmd, out, 0) != 0)
		return CLI_FAIL;
	if (open_ca(cmd, dir, pass_file, &ca) != 0)
		return CLI_FAIL;
	if ((rc = gmpki_ca_crl(ca, 0, &crl)) != 0 ||
	    (rc = gmpki_crl_to_pem(crl, &pem, &pemlen)) != 0) {
		cli_error(cmd, NULL, rc);
		goto out;
	}
	if (cli_write(cmd, out, pem, pemlen, 0644, 0) != 0)
		goto out;
	printf("已生成证书撤销列表 (CRL written): %s, 编号 (number) %ld, "
	    "%d 个已废除证书 (revoked entries)\n", out, gmpki_crl_number(crl),
	    sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)));
	ret = CLI_OK;
out:
	free(pem);
	X509_CRL_free(crl);
	gmpki_ca_free(ca);
	return ret;
}

int
ca_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(ca_usage, stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(ca_usage, stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "init") == 0)
		return ca_init_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "sign") == 0)
		return ca_sign_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0)
		return ca_revoke_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "crl") == 0)
		return ca_crl_main(argc - 1, argv + 1);
	fprintf(stderr, "gmpki: ca: 未知子命令 (unknown subcommand): %s\n",
	    argv[1]);
	fputs(ca_usage, stderr);
	return CLI_USAGE;
}
