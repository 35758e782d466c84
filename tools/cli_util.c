/*
 * cli_util.c - helpers shared by the gmpki subcommands: error messages in
 * the house format, passphrase files, output files, small parsers.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gmpki/gmpki.h"

void
cli_error(const char *cmd, const char *what, int rc)
{
	if (what != NULL)
		fprintf(stderr, "gmpki: %s: %s: %s (%s)\n", cmd, what,
		    gmpki_strerror(rc), gmpki_strerror_en(rc));
	else
		fprintf(stderr, "gmpki: %s: %s (%s)\n", cmd,
		    gmpki_strerror(rc), gmpki_strerror_en(rc));
}

void
cli_message(const char *cmd, const char *zh, const char *en, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "gmpki: %s: %s (%s): %s\n", cmd, zh, en, arg);
	else
		fprintf(stderr, "gmpki: %s: %s (%s)\n", cmd, zh, en);
}

int
cli_usage_error(const char *cmd, const char *zh, const char *en,
    const char *arg)
{
	cli_message(cmd, zh, en, arg);
	fprintf(stderr, "gmpki: %s: 用法见 (see) gmpki %s --help\n", cmd, cmd);
	return CLI_USAGE;
}

int
cli_bad_option(const char *cmd, int argc, char **argv)
{
	const char *arg = optind > 0 && optind - 1 < argc ? argv[optind - 1] :
	    "?";

	return cli_usage_error(cmd, "未知选项或选项缺少参数",
	    "unknown option or missing option argument", arg);
}

int
cli_pass_read(const char *cmd, const char *path, char **pass,
    size_t *passlen)
{
	int rc;

	*pass = NULL;
	*passlen = 0;
	if (path == NULL)
		return 0;
	if ((rc = gmpki_pass_file_read(path, pass, passlen)) != 0) {
		if (rc == GMPKI_ERR_ARG)
			cli_message(cmd, "口令文件为空或无效",
			    "passphrase file is empty or invalid", path);
		else
			cli_error(cmd, path, rc);
		return CLI_FAIL;
	}
	return 0;
}

void
cli_pass_free(char *pass, size_t passlen)
{
	if (pass == NULL)
		return;
	gmpki_wipe(pass, passlen);
	free(pass);
}

int
cli_output_check(const char *cmd, const char *path, int excl)
{
	char dir[PATH_MAX];
	const char *slash;
	struct stat st;

	if (path == NULL || *path == '\0')
		return cli_usage_error(cmd, "缺少输出文件", "missing output file",
		    NULL);
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			cli_message(cmd, "输出路径是一个目录",
			    "output path is a directory", path);
			return CLI_FAIL;
		}
		/* Files are replaced by rename(): that would put a regular
		 * file in place of /dev/stdout or a symlink's name. */
		if (!S_ISREG(st.st_mode)) {
			cli_message(cmd, "输出路径不是普通文件",
			    "output path is not a regular file", path);
			return CLI_FAIL;
		}
		if (excl) {
			cli_error(cmd, path, GMPKI_ERR_EXISTS);
			return CLI_FAIL;
		}
	}
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else {
		cli_error(cmd, path, GMPKI_ERR_ARG);
		return CLI_FAIL;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_message(cmd, "输出文件所在目录不存在",
		    "output folder does not exist", dir);
		return CLI_FAIL;
	}
	if (access(dir, W_OK) != 0) {
		cli_message(cmd, "输出文件所在目录不可写",
		    "output folder is not writable", dir);
		return CLI_FAIL;
	}
	return 0;
}

int
cli_write(const char *cmd, const char *path, const void *data, size_t len,
    mode_t mode, int excl)
{
	int rc;

	if ((rc = gmpki_file_write(path, data, len, mode, excl)) != 0) {
		cli_error(cmd, path, rc);
		return CLI_FAIL;
	}
	return 0;
}

int
cli_parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int
cli_parse_time(const char *s, time_t *out)
{
	struct tm tm, back;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL)
		return -1;
	if ((end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) == NULL || *end != '\0') {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL ||
		    *end != '\0')
			return -1;
	}
	back = tm;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	/* timegm normalises 2026-02-31: refuse what it had to change. */
	if (tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon ||
	    tm.tm_year != back.tm_year || tm.tm_hour != back.tm_hour)
		return -1;
	*out = t;
	return 0;
}

void
cli_uscc_explain(const char *code, int rc, size_t pos, char expected,
    char *zh, size_t zhlen, char *en, size_t enlen)
{
	char c = pos > 0 ? code[pos - 1] : '\0';

	switch (rc) {
	case 0:
		snprintf(zh, zhlen, "有效");
		snprintf(en, enlen, "valid");
		break;
	case GMPKI_ERR_USCC_LENGTH:
		snprintf(zh, zhlen, "长度应为18位，实际为%zu位", strlen(code));
		snprintf(en, enlen, "must be 18 characters, got %zu",
		    strlen(code));
		break;
	case GMPKI_ERR_USCC_CHAR:
		if (pos >= 3 && pos <= 8 && c >= 0x21 && c < 0x7f) {
			snprintf(zh, zhlen,
			    "第%zu位字符 '%c' 错误，第3-8位应为数字（行政区划码）",
			    pos, c);
			snprintf(en, enlen, "character '%c' at position %zu is "
			    "wrong, positions 3-8 must be digits (division code)",
			    c, pos);
		} else if (c >= 'a' && c <= 'z') {
			snprintf(zh, zhlen, "第%zu位字符 '%c' 错误，应为大写字母",
			    pos, c);
			snprintf(en, enlen, "character '%c' at position %zu is "
			    "wrong, letters must be upper case", c, pos);
		} else if (c >= 0x21 && c < 0x7f) {
			snprintf(zh, zhlen, "第%zu位字符 '%c' 不合法（不使用 I、O、"
			    "S、V、Z）", pos, c);
			snprintf(en, enlen, "character '%c' at position %zu is "
			    "not allowed (I, O, S, V, Z are not used)", c, pos);
		} else {
			snprintf(zh, zhlen, "第%zu位字符不合法", pos);
			snprintf(en, enlen, "character at position %zu is not "
			    "allowed", pos);
		}
		break;
	case GMPKI_ERR_USCC_CHECK:
		snprintf(zh, zhlen, "第%zu位校验位错误，应为 %c", pos, expected);
		snprintf(en, enlen, "check character at position %zu is wrong, "
		    "expected %c", pos, expected);
		break;
	default:
		snprintf(zh, zhlen, "%s", gmpki_strerror(rc));
		snprintf(en, enlen, "%s", gmpki_strerror_en(rc));
		break;
	}
}

int
cli_uscc_check(const char *cmd, const char *code)
{
	char zh[256], en[256];
	size_t pos = 0;
	char expected = '\0';
	int rc;

	if ((rc = gmpki_uscc_validate(code, &pos, &expected)) == 0)
		return 0;
	cli_uscc_explain(code, rc, pos, expected, zh, sizeof(zh), en,
	    sizeof(en));
	fprintf(stderr, "gmpki: %s: 统一社会信用代码无效：%s (invalid unified "
	    "social credit code: %s): %s\n", cmd, zh, en, code);
	return CLI_FAIL;
}
