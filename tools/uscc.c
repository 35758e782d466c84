/*
 * uscc.c - gmpki uscc: checks a 统一社会信用代码 (GB 32100-2015) and says
 * which position is wrong.  Exit 0 valid, 1 invalid, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "gmpki/gmpki.h"

static const char uscc_usage[] =
    "用法 (usage): gmpki uscc CODE\n"
    "\n"
    "校验18位统一社会信用代码 (check an 18-character unified social credit\n"
    "code, GB 32100-2015): 字符集 (character set)\n"
    "0123456789ABCDEFGHJKLMNPQRTUWXY, 第3-8位为数字 (positions 3-8 digits),\n"
    "第18位为校验位 (position 18 is the check character).\n"
    "退出码 (exit codes): 0 有效 (valid), 1 无效 (invalid), 2 用法错误 (usage)\n";

int
uscc_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "uscc", *code;
	char zh[256], en[256], expected = '\0';
	size_t pos = 0;
	int c, rc;

	opterr = 0;
	/* "+": a code is never an option, and stops option parsing. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(uscc_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(cmd, "应给出一个统一社会信用代码",
		    "give exactly one code", NULL);
	code = argv[optind];
	rc = gmpki_uscc_validate(code, &pos, &expected);
	cli_uscc_explain(code, rc, pos, expected, zh, sizeof(zh), en,
	    sizeof(en));
	if (rc == 0) {
		printf("%s: %s (%s)\n", code, zh, en);
		return CLI_OK;
	}
	fprintf(stderr, "gmpki: %s: %s: 无效 (invalid): %s (%s)\n", cmd, code,
	    zh, en);
	return CLI_FAIL;
}
