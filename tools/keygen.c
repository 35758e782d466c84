/*
 * keygen.c - gmpki keygen: a new SM2 key pair, written as PKCS#8 (encrypted
 * with PBKDF2-HMAC-SM3 + SM4-CBC when a passphrase file is given), mode
 * 0600, never over an existing file.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "gmpki/gmpki.h"

static const char keygen_usage[] =
    "用法 (usage): gmpki keygen -o KEY.pem [--pass-file FILE]\n"
    "\n"
    "生成SM2私钥 (generate an SM2 private key).\n"
    "  -o, --out KEY.pem   输出文件，不覆盖已有文件，权限0600\n"
    "                      (output file, never overwritten, mode 0600)\n"
    "  --pass-file FILE    用文件第一行的口令加密私钥\n"
    "                      (encrypt the key with the first line of FILE)\n"
    "  -h, --help          显示帮助 (show this help)\n";

int
keygen_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "keygen", *out = NULL, *pass_file = NULL;
	char *pass = NULL;
	size_t passlen = 0;
	EVP_PKEY *key = NULL;
	int c, rc, ret = CLI_FAIL;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 'h':
			fputs(keygen_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "多余的参数", "unexpected argument",
		    argv[optind]);
	if (out == NULL)
		return cli_usage_error(cmd, "缺少 -o 输出文件",
		    "missing -o output file", NULL);
	if (cli_output_check(cmd, out, 1) != 0)
		return CLI_FAIL;
	if (cli_pass_read(cmd, pass_file, &pass, &passlen) != 0)
		return CLI_FAIL;
	if ((rc = gmpki_sm2_keygen(&key)) != 0) {
		cli_error(cmd, NULL, rc);
		goto out;
	}
	if ((rc = gmpki_key_save(out, key, pass, passlen, 0, 0)) != 0) {
		cli_error(cmd, out, rc);
		goto out;
	}
	printf("已生成SM2私钥 (SM2 key written): %s%s\n", out,
	    pass != NULL ? " [已加密 encrypted]" : " [未加密 not encrypted]");
	ret = CLI_OK;
out:
	cli_pass_free(pass, passlen);
	EVP_PKEY_free(key);
	return ret;
}
