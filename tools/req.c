/*
 * req.c - gmpki req: a PKCS#10 request (RFC 2986) signed with
 * SM2-with-SM3 and the GM/T 0009 default SM2 ID.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "gmpki/gmpki.h"

static const char req_usage[] =
    "用法 (usage): gmpki req --key KEY.pem [--pass-file FILE]\n"
    "                  --subject \"/C=CN/O=企业名称/CN=用户名\" -o REQ.pem\n"
    "\n"
    "生成证书请求 (make a certificate request, SM2-with-SM3).\n"
    "  --key KEY.pem       SM2私钥 (SM2 private key; PEM or DER, PKCS#8 or\n"
    "                      \"EC PRIVATE KEY\")\n"
    "  --pass-file FILE    私钥口令文件 (passphrase file of an encrypted key)\n"
    "  --subject DN        证书主题，'/' 分隔，'\\' 转义\n"
    "                      (subject, '/'-separated, '\\' escapes)\n"
    "  -o, --out REQ.pem   输出文件 (output file)\n"
    "  -h, --help          显示帮助 (show this help)\n";

int
req_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "subject", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "req", *out = NULL, *pass_file = NULL;
	const char *keyfile = NULL, *subject = NULL;
	char *pass = NULL, *pem = NULL;
	size_t passlen = 0, pemlen = 0;
	EVP_PKEY *key = NULL;
	X509_NAME *name = NULL;
	X509_REQ *req = NULL;
	int c, rc, ret = CLI_FAIL;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keyfile = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 's':
			subject = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(req_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "多余的参数", "unexpected argument",
		    argv[optind]);
	if (keyfile == NULL)
		return cli_usage_error(cmd, "缺少 --key 私钥文件",
		    "missing --key key file", NULL);
	if (subject == NULL)
		return cli_usage_error(cmd, "缺少 --subject 证书主题",
		    "missing --subject", NULL);
	if (out == NULL)
		return cli_usage_error(cmd, "缺少 -o 输出文件",
		    "missing -o output file", NULL);
	if ((rc = gmpki_name_parse(subject, &name)) != 0) {
		cli_error(cmd, subject, rc);
		return CLI_FAIL;
	}
	if (cli_output_check(cmd, out, 0) != 0)
		goto out;
	if (cli_pass_read(cmd, pass_file, &pass, &passlen) != 0)
		goto out;
	if ((rc = gmpki_key_load(keyfile, pass, passlen, &key)) != 0) {
		if (rc == GMPKI_ERR_PASSPHRASE && pass == NULL)
			cli_message(cmd, "私钥已加密，请用 --pass-file 提供口令",
			    "the key is encrypted: give its passphrase with "
			    "--pass-file", keyfile);
		else
			cli_error(cmd, keyfile, rc);
		goto out;
	}
	if ((rc = gmpki_csr_create(key, name, NULL, &req)) != 0 ||
	    (rc = gmpki_csr_to_pem(req, &pem, &pemlen)) != 0) {
		cli_error(cmd, NULL, rc);
		goto out;
	}
	if (cli_write(cmd, out, pem, pemlen, 0644, 0) != 0)
		goto out;
	printf("已生成证书请求 (certificate request written): %s\n", out);
	ret = CLI_OK;
out:
	cli_pass_free(pass, passlen);
	free(pem);
	X509_REQ_free(req);
	X509_NAME_free(name);
	EVP_PKEY_free(key);
	return ret;
}
