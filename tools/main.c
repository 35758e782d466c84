/*
 * main.c - the gmpki command: registers what OpenSSL 3.0 lacks, then hands
 * the command line to one file per subcommand (GmSSL's <cmd>_main layout).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gmpki/gmpki.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *zh, *en;
} commands[] = {
	{ "keygen", keygen_main, "生成SM2私钥", "generate an SM2 private key" },
	{ "req", req_main, "生成证书请求 (PKCS#10)",
	    "make a certificate request (PKCS#10)" },
	{ "ca", ca_main, "CA：init/sign/revoke/crl",
	    "the CA: init/sign/revoke/crl" },
	{ "verify", verify_main, "验证证书", "verify a certificate" },
	{ "show", show_main, "显示证书、证书请求或撤销列表",
	    "show a certificate, request or CRL" },
	{ "uscc", uscc_main, "校验统一社会信用代码",
	    "check a unified social credit code" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "用法 (usage): gmpki <子命令 subcommand> [选项 options]\n\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s (%s)\n", commands[i].name, commands[i].zh,
		    commands[i].en);
	fprintf(f, "\n每个子命令都有 --help (every subcommand has --help).\n"
	    "退出码 (exit codes): 0 成功 (success), 1 失败 (failure), "
	    "2 用法错误 (usage error)\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (gmpki_init() != 0) {
		fprintf(stderr, "gmpki: 初始化失败 (initialisation failed)\n");
		return CLI_FAIL;
	}
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("gmpki %s\n", GMPKI_VERSION);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "gmpki: 未知子命令 (unknown subcommand): %s\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
