/*
 * cmd_common.c - what every admin command (import, account, rp, certs,
 * audit, demo) shares: opening DATA, the operator named in the audit log,
 * error messages and exit codes, reading passwords, and printing stored
 * text safely.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "csv.h"
#include "gmpki/cert.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "gmpki/pkcs8.h"
#include "password.h"
#include "store.h"
#include "svc_error.h"


/*
 * The actor of admin audit rows: "admin", or "admin:NAME" with NAME the
 * invoking login ($SUDO_USER under sudo, else $USER), reduced to
 * [A-Za-z0-9_.-] so that it cannot forge another field.  It is a record
 * of who ran the command, not an authentication: whoever can run certsvc
 * on DATA can write the database anyway.
 */
static void
admin_actor(char *out, size_t outlen)
{
	const char *who = getenv("SUDO_USER");
	size_t n = 0, i;
	char name[65];

	if (who == NULL || *who == '\0')
		who = getenv("USER");
	if (who != NULL)
		for (i = 0; who[i] != '\0' && n < sizeof(name) - 1; i++)
			if ((who[i] >= 'a' && who[i] <= 'z') ||
			    (who[i] >= 'A' && who[i] <= 'Z') ||
			    (who[i] >= '0' && who[i] <= '9') ||
			    who[i] == '_' || who[i] == '.' || who[i] == '-')
				name[n++] = who[i];
	name[n] = '\0';
	if (n == 0)
		snprintf(out, outlen, "admin");
	else
		snprintf(out, outlen, "admin:%s", name);
}

void
admin_message(const char *cmd, const char *zh, const char *en,
    const char *arg)
{
	fprintf(stderr, "certsvc: %s: %s (%s)", cmd, zh, en);
	if (arg != NULL) {
		fputs(": ", stderr);
		admin_print(stderr, arg);
	}
	fputc('\n', stderr);
}

int
admin_exit_code(int rc)
{
	switch (rc) {
	case 0:
		return CMD_OK;
	case SVC_ERR_DB:
	case SVC_ERR_SIGNER:
	case GMPKI_ERR_INTERNAL:
	case GMPKI_ERR_NOMEM:
	case GMPKI_ERR_CRYPTO:
	case GMPKI_ERR_IO:
		return CMD_INTERNAL;
	default:
		/* Everything else is about the input: refused, not found. */
		return CMD_FAIL;
	}
}

int
admin_error(const char *cmd, const char *what, int rc)
{
	fprintf(stderr, "certsvc: %s: ", cmd);
	if (what != NULL) {
		admin_print(stderr, what);
		fputs(": ", stderr);
	}
	fprintf(stderr, "%s (%s)\n", svc_strerror(rc), svc_strerror_en(rc));
	return admin_exit_code(rc);
}

int
admin_usage_error(const char *cmd, const char *zh, const char *en,
    const char *arg)
{
	admin_message(cmd, zh, en, arg);
	fprintf(stderr, "certsvc: %s: 请看 --help (see --help)\n", cmd);
	return CMD_USAGE;
}

/* getopt_long's '?' as a usage error naming the option. */
static int
admin_bad_option(const char *cmd, int argc, char **argv)
{
	const char *opt = optind > 0 && optind <= argc ? argv[optind - 1] :
	    "?";

	return admin_usage_error(cmd, "选项无效或缺少参数",
	    "unknown option or missing argument", opt);
}

#define CMD_OPTS_MAX 12		/* options of one subcommand, at most */

int
cmd_getopt(const char *cmd, const char *usage, int argc, char **argv,
    const struct cmd_opt *opts, const char *accept, unsigned flags)
{
	struct option lo[CMD_OPTS_MAX + 2];
	char letters[2 * CMD_OPTS_MAX + 3];
	const struct cmd_opt *o;
	size_t n, k = 0;
	int c, ret, plain = (flags & CMD_OPT_PLAIN) != 0;

	/* "+": an admin command's options end at its first operand. */
	if (!plain)
		letters[k++] = '+';
	for (n = 0; opts[n].name != NULL && n < CMD_OPTS_MAX; n++) {
		lo[n] = (struct option){ opts[n].name, opts[n].has_arg ?
		    required_argument : no_argument, NULL, opts[n].letter };
		if (!plain) {
			letters[k++] = (char)opts[n].letter;
			if (opts[n].has_arg)
				letters[k++] = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	letters[k++] = 'h';
	letters[k] = '\0';
	if (!plain)
		opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, letters, lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return CMD_HELP;
		}
		for (o = opts; o->name != NULL && o->letter != c; o++)
			;
		if (o->name == NULL || (accept != NULL &&
		    strchr(accept, c) == NULL)) {
			if (!plain)
				return admin_bad_option(cmd, argc, argv);
			fputs(usage, stderr);
			return CMD_USAGE;
		}
		*o->value = o->has_arg ? optarg : "";
		if (o->check != NULL && (ret = o->check(cmd, *o->value)) !=
		    CMD_OK)
			return ret;
	}
	if ((flags & (CMD_OPT_OPERANDS | CMD_OPT_PLAIN)) == 0 && optind != argc)
		return admin_usage_error(cmd, "多余的参数", "unexpected argument",
		    argv[optind]);
	return CMD_OK;
}

int
cmd_status(int ret)
{
	return ret == CMD_HELP ? CMD_OK : ret;
}

int
admin_dispatch(const char *group, const char *usage,
    const struct admin_sub *subs, int argc, char **argv)
{
	const struct admin_sub *sub;
	char cmd[64];

	if (argc < 2) {
		fputs(usage, stderr);
		return CMD_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return CMD_OK;
	}
	for (sub = subs; sub->name != NULL; sub++)
		if (strcmp(argv[1], sub->name) == 0) {
			snprintf(cmd, sizeof(cmd), "%s %s", group, sub->name);
			return sub->fn(cmd, argc - 1, argv + 1);
		}
	fprintf(stderr, "certsvc: %s: 未知子命令 (unknown subcommand): ", group);
	admin_print(stderr, argv[1]);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return CMD_USAGE;
}

int
admin_config(struct admin *a, const char *cmd, const char *data_dir)
{
	char err[512];

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	admin_actor(a->actor, sizeof(a->actor));
	if (data_dir == NULL)
		return admin_usage_error(cmd, "缺少 --data", "missing --data",
		    NULL);
	if (svc_config_load(data_dir, &a->cfg, err, sizeof(err)) != 0) {
		admin_message(cmd, "无法读取配置，请先运行 certsvc init",
		    "cannot load the configuration; run certsvc init first",
		    err);
		return CMD_FAIL;
	}
	return CMD_OK;
}

int
admin_db(struct admin *a)
{
	int rc;

	if ((rc = svc_db_open(a->cfg.database, &a->db)) != 0)
		return admin_error(a->cmd, a->cfg.database, rc);
	if ((rc = svc_db_migrate(a->db)) != 0) {
		svc_db_close(a->db);
		a->db = NULL;
		return admin_error(a->cmd, "schema", rc);
	}
	return CMD_OK;
}

int
admin_open(struct admin *a, const char *cmd, const char *data_dir)
{
	int ret;

	if ((ret = admin_config(a, cmd, data_dir)) != CMD_OK)
		return ret;
	return admin_db(a);
}

void
admin_close(struct admin *a)
{
	if (a == NULL)
		return;
	svc_db_close(a->db);
	a->db = NULL;
}

int
admin_start(struct admin *a, const char *cmd, const char *usage,
    int argc, char **argv, const struct cmd_opt *opts,
    const char *const *data)
{
	int ret;

	if ((ret = cmd_getopt(cmd, usage, argc, argv, opts, NULL, 0)) !=
	    CMD_OK)
		return ret;
	return admin_open(a, cmd, *data);
}

int
admin_begin(struct admin *a)
{
	int rc;

	if ((rc = svc_db_begin(a->db)) != 0)
		return admin_error(a->cmd, NULL, rc);
	return CMD_OK;
}

/*
 * The audit row goes inside the command's write transaction
 * (svc_audit_append_tx), so it commits or rolls back with the change it
 * records.
 */
int
admin_commit(struct admin *a, const char *what, const char *action,
    const char *object, const char *detail)
{
	int rc;

	if ((rc = svc_audit_append_tx(a->db, (int64_t)time(NULL), a->actor,
	    action, object, detail, "cli")) != 0 ||
	    (rc = svc_db_commit(a->db)) != 0)
		return admin_abort(a, what, rc);
	return CMD_OK;
}

int
admin_abort(struct admin *a, const char *what, int rc)
{
	svc_db_rollback(a->db);
	return admin_error(a->cmd, what, rc);
}

int
admin_abort_exists(struct admin *a, const char *what, int rc,
    const char *zh, const char *en)
{
	if (rc != SVC_ERR_DB_CONFLICT)
		return admin_abort(a, what, rc);
	svc_db_rollback(a->db);
	admin_message(a->cmd, zh, en, what);
	return admin_exit_code(rc);
}

static void
admin_password_free(char *pw)
{
	if (pw == NULL)
		return;
	gmpki_wipe(pw, strlen(pw));
	free(pw);
}

/* The first line of path, checked; prints on error.  CMD_OK or exit code. */
static int
admin_password_read(const char *cmd, const char *path, char **out)
{
	size_t len = 0;
	int rc;

	*out = NULL;
	if (path == NULL)
		return admin_usage_error(cmd, "缺少 --password-file",
		    "missing --password-file", NULL);
	if (strcmp(path, "-") == 0)
		path = "/dev/stdin";
	if ((rc = gmpki_pass_file_read(path, out, &len)) != 0) {
		if (rc == GMPKI_ERR_ARG)
			admin_message(cmd, "口令文件为空或无效",
			    "password file is empty or invalid", path);
		else
			admin_error(cmd, path, rc);
		return CMD_FAIL;
	}
	if (!svc_utf8_valid(*out, len)) {
		admin_message(cmd, "口令不是有效的UTF-8编码",
		    "password is not valid UTF-8", NULL);
		rc = SVC_ERR_PASSWORD_WEAK;
	} else if ((rc = svc_password_policy(*out)) != 0)
		admin_error(cmd, "password", rc);
	if (rc != 0) {
		admin_password_free(*out);
		*out = NULL;
		return CMD_FAIL;
	}
	return CMD_OK;
}

int
admin_open_password(struct admin *a, const char *cmd,
    const char *data_dir, const char *pwfile, char *pwhash, size_t len)
{
	char *pw = NULL;
	int rc, ret;

	if (pwhash != NULL && (ret = admin_password_read(cmd, pwfile, &pw)) !=
	    CMD_OK)
		return ret;
	if ((ret = admin_open(a, cmd, data_dir)) != CMD_OK || pw == NULL) {
		admin_password_free(pw);
		return ret;
	}
	/* Hashing is slow (pbkdf2_iter): before the write lock is taken. */
	rc = svc_password_hash(pw, a->cfg.pbkdf2_iter, pwhash, len);
	admin_password_free(pw);
	if (rc != 0) {
		gmpki_wipe(pwhash, len);
		admin_close(a);
		return admin_error(cmd, "password", rc);
	}
	return CMD_OK;
}

void
admin_print(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02X", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

/* East Asian Wide and Fullwidth ranges (UAX #11), enough for names. */
static int
admin_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) ||
	    (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	    (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t
admin_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	uint32_t cp;
	int n;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f) {
			w += 4;			/* printed as \xNN */
			p++;
			continue;
		}
		if (*p < 0x80) {
			w++;
			p++;
			continue;
		}
		n = *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : 1;
		cp = *p & (0x3F >> n);
		for (p++; n > 0 && (*p & 0xC0) == 0x80; n--, p++)
			cp = cp << 6 | (*p & 0x3F);
		w += admin_wide(cp) ? 2 : 1;
	}
	return w;
}

void
admin_print_col(FILE *f, const char *s, size_t width)
{
	size_t w = admin_width(s);

	admin_print(f, s);
	for (; w < width; w++)
		fputc(' ', f);
}

void
admin_time(int64_t t, char *out, size_t outlen)
{
	if (t == 0)
		snprintf(out, outlen, "-");
	else
		gmpki_time_format((time_t)t, out, outlen);
}

int
admin_username_ok(const char *u)
{
	size_t n;

	if (u == NULL || (n = strlen(u)) < 3 || n > SVC_USERNAME_MAX)
		return 0;
	if (!((u[0] >= 'A' && u[0] <= 'Z') || (u[0] >= 'a' && u[0] <= 'z') ||
	    (u[0] >= '0' && u[0] <= '9')))
		return 0;
	for (; *u != '\0'; u++)
		if (!((*u >= 'A' && *u <= 'Z') || (*u >= 'a' && *u <= 'z') ||
		    (*u >= '0' && *u <= '9') || *u == '_' || *u == '.' ||
		    *u == '-'))
			return 0;
	return 1;
}

int
admin_orgname_ok(const char *s)
{
	size_t n, i;

	if (s == NULL || (n = strlen(s)) == 0 || n > SVC_ORGNAME_MAX ||
	    !svc_utf8_valid(s, n) || svc_utf8_chars(s) > 128)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	/* ASCII space or U+3000 (ideographic space) at either end. */
	if (s[0] == ' ' || s[n - 1] == ' ' ||
	    strncmp(s, "\xE3\x80\x80", 3) == 0 ||
	    (n >= 3 && strcmp(s + n - 3, "\xE3\x80\x80") == 0))
		return 0;
	return 1;
}

void
admin_uscc_explain(const char *code, int rc, size_t pos, char expected,
    char *zh, size_t zhlen, char *en, size_t enlen)
{
	char c = pos > 0 && pos <= strlen(code) ? code[pos - 1] : '\0';
	size_t n;

	switch (rc) {
	case GMPKI_ERR_USCC_LENGTH:
		n = svc_utf8_valid(code, strlen(code)) ? svc_utf8_chars(code) :
		    strlen(code);
		snprintf(zh, zhlen, "%s，实际为%zu个字符", gmpki_strerror(rc), n);
		snprintf(en, enlen, "%s, got %zu", gmpki_strerror_en(rc), n);
		break;
	case GMPKI_ERR_USCC_CHAR:
		if (pos >= 3 && pos <= 8 && c > 0x20 && c < 0x7f) {
			snprintf(zh, zhlen, "%s：第%zu位 '%c'，第3-8位应为数字"
			    "（行政区划码）", gmpki_strerror(rc), pos, c);
			snprintf(en, enlen, "%s: '%c' at position %zu, positions "
			    "3-8 must be digits (division code)",
			    gmpki_strerror_en(rc), c, pos);
		} else if (c > 0x20 && c < 0x7f) {
			snprintf(zh, zhlen, "%s：第%zu位 '%c'（只用数字和大写字母，"
			    "不用 I、O、S、V、Z）", gmpki_strerror(rc), pos, c);
			snprintf(en, enlen, "%s: '%c' at position %zu (digits and "
			    "upper-case letters only, no I, O, S, V, Z)",
			    gmpki_strerror_en(rc), c, pos);
		} else {
			snprintf(zh, zhlen, "%s：第%zu位", gmpki_strerror(rc),
			    pos);
			snprintf(en, enlen, "%s: at position %zu",
			    gmpki_strerror_en(rc), pos);
		}
		break;
	case GMPKI_ERR_USCC_CHECK:
		snprintf(zh, zhlen, "%s：第%zu位应为 %c", gmpki_strerror(rc),
		    pos, expected);
		snprintf(en, enlen, "%s: position %zu should be %c",
		    gmpki_strerror_en(rc), pos, expected);
		break;
	default:
		snprintf(zh, zhlen, "%s", gmpki_strerror(rc));
		snprintf(en, enlen, "%s", gmpki_strerror_en(rc));
	}
}
