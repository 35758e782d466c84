/*
 * cmd.h - the certsvc subcommands, one file each (cmd_<name>.c), wired by
 * main.c.  Each takes its own argv (argv[0] is the subcommand's name),
 * prints its own messages ("certsvc: <name>: ...") and returns the exit
 * status: 0 success, 1 failure, 2 usage error.  docs/CERTSVC.md documents
 * every subcommand.
 */
#ifndef SVC_CMD_H
#define SVC_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "db.h"

#define CMD_OK 0
#define CMD_FAIL 1
#define CMD_USAGE 2

/* cmd_getopt's answer after printing --help: the command exits 0. */
#define CMD_HELP (-1)

int cmd_init_main(int argc, char **argv);   /* cmd_init.c  */
int cmd_serve_main(int argc, char **argv);  /* cmd_serve.c */

/* One option of a subcommand: --NAME, and -LETTER for admin commands. */
struct cmd_opt {
	const char *name;
	int letter;		/* also what getopt_long returns for it */
	int has_arg;		/* 1: --NAME ARG; 0: a flag */
	const char **value;	/* gets the argument ("" for a flag) */
	/* NULL, or checks the argument as it is read: CMD_OK or the exit
	 * code, after printing. */
	int (*check)(const char *cmd, const char *arg);
};

/* cmd_getopt's flags. */
#define CMD_OPT_OPERANDS 1	/* operands are the caller's (from optind) */
#define CMD_OPT_PLAIN 2		/* init, serve: long options and -h only,
				 * getopt's own messages, usage on stderr;
				 * operands the caller's */

/*
 * Parses argv (argv[0] the subcommand) by opts, a table ending with a
 * NULL name, plus --help (-h), which prints usage on stdout and gives
 * CMD_HELP.  Admin commands (no CMD_OPT_PLAIN) stop at the first operand,
 * take -LETTER too, and refuse with admin messages an unknown option, one
 * without its argument, an option whose letter is not in accept (NULL:
 * all), and, without CMD_OPT_OPERANDS, any operand.  CMD_OK, CMD_HELP or
 * the exit code.
 */
int cmd_getopt(const char *cmd, const char *usage, int argc, char **argv,
    const struct cmd_opt *opts, const char *accept, unsigned flags);
/* The exit status for cmd_getopt's answer: CMD_HELP is success. */
int cmd_status(int ret);

/*
 * "HOST:PORT" or "[V6]:PORT" into addr and *port; port 0 only when
 * allow_zero.  0 or -1.  (cmd_serve.c; init uses it too.)
 */
int cmd_listen_parse(const char *s, char *addr, size_t addrlen, int *port,
    int allow_zero);

/* ---- the admin commands (cmd_import.c ... cmd_demo.c) ---------------- */

/* Admin commands also exit 3 for an internal failure (database, memory,
 * signer), so scripts can tell it from refused input (1). */
#define CMD_INTERNAL 3

int cmd_import_main(int argc, char **argv);   /* cmd_import.c  */
int cmd_account_main(int argc, char **argv);  /* cmd_account.c */
int cmd_rp_main(int argc, char **argv);       /* cmd_rp.c      */
int cmd_certs_main(int argc, char **argv);    /* cmd_certs.c   */
int cmd_keys_main(int argc, char **argv);     /* cmd_keys.c    */
int cmd_audit_main(int argc, char **argv);    /* cmd_audit.c   */
int cmd_demo_main(int argc, char **argv);     /* cmd_demo.c    */

/*
 * What the admin commands share (cmd_common.c): DATA opened, the operator
 * named in the audit log, messages "certsvc: CMD: 中文 (English)" and
 * their exit codes, passwords read from a file, stored text printed
 * safely.
 */
struct admin {
	const char *cmd;		/* "import", "account add", ... */
	struct svc_config cfg;
	svc_db *db;
	char actor[80];			/* "admin" or "admin:LOGIN" */
};

/* Loads DATA/certsvc.conf, opens and migrates the database; prints on
 * error.  CMD_OK or an exit code. */
int admin_open(struct admin *a, const char *cmd, const char *data_dir);
/* The two halves of admin_open: a command that forks (certs revoke starts
 * the signer) does so between them, before the database is open. */
int admin_config(struct admin *a, const char *cmd, const char *data_dir);
int admin_db(struct admin *a);
void admin_close(struct admin *a);
/* The exit code for an SVC_ERR_* / GMPKI_ERR_* code. */
int admin_exit_code(int rc);
/* "certsvc: CMD: [WHAT: ]中文 (English)"; returns the exit code. */
int admin_error(const char *cmd, const char *what, int rc);
/* "certsvc: CMD: 中文 (English)[: ARG]" */
void admin_message(const char *cmd, const char *zh, const char *en,
    const char *arg);
/* The message and a pointer to --help; returns CMD_USAGE. */
int admin_usage_error(const char *cmd, const char *zh, const char *en,
    const char *arg);

/* A subcommand of an admin command; cmd is "GROUP NAME" ("rp add"). */
struct admin_sub {
	const char *name;
	int (*fn)(const char *cmd, int argc, char **argv);
};
/*
 * certsvc GROUP SUB ...: runs the sub of subs (ending with a NULL name)
 * that argv[1] names with argv + 1; usage for no subcommand (stderr,
 * exit 2), --help or -h (stdout, exit 0) or an unknown one (stderr,
 * exit 2).
 */
int admin_dispatch(const char *group, const char *usage,
    const struct admin_sub *subs, int argc, char **argv);
/* cmd_getopt (no operands), then admin_open of *data, which an option
 * fills: for subcommands with nothing to check in between.  CMD_OK,
 * CMD_HELP or the exit code. */
int admin_start(struct admin *a, const char *cmd, const char *usage,
    int argc, char **argv, const struct cmd_opt *opts,
    const char *const *data);
/*
 * admin_open, and with pwhash (len bytes) a password: the first line of
 * pwfile ("-": stdin) checked by svc_password_policy before DATA is
 * opened, then hashed at the configured cost.  Prints on error and closes
 * what it opened.  CMD_OK or the exit code.
 */
int admin_open_password(struct admin *a, const char *cmd,
    const char *data_dir, const char *pwfile, char *pwhash, size_t len);
/* svc_db_begin; prints on error.  CMD_OK or the exit code. */
int admin_begin(struct admin *a);
/* The audit row of the action (svc_audit_append_tx) and the commit; on
 * error admin_abort with what.  CMD_OK or the exit code. */
int admin_commit(struct admin *a, const char *what, const char *action,
    const char *object, const char *detail);
/* Rolls the open transaction back, prints, returns the exit code. */
int admin_abort(struct admin *a, const char *what, int rc);
/* admin_abort, where a conflict (what exists already) says zh (en). */
int admin_abort_exists(struct admin *a, const char *what, int rc,
    const char *zh, const char *en);
/* s with control characters as \xNN (no terminal escapes from data). */
void admin_print(FILE *f, const char *s);
/* s padded to width display columns (East Asian wide = 2). */
void admin_print_col(FILE *f, const char *s, size_t width);
size_t admin_width(const char *s);
/* "2026-11-25 17:03:30 UTC", "-" for 0. */
void admin_time(int64_t t, char *out, size_t outlen);
/* [A-Za-z0-9_.-]{3,64}, starting with a letter or digit. */
int admin_username_ok(const char *u);
/* 企业名称: UTF-8, 1-128 characters, no control characters, no space
 * (ASCII or U+3000) at either end. */
int admin_orgname_ok(const char *s);
/* A gmpki_uscc_validate failure in words, naming the position. */
void admin_uscc_explain(const char *code, int rc, size_t pos, char expected,
    char *zh, size_t zhlen, char *en, size_t enlen);

#endif
