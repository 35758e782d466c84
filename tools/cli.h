/*
 * cli.h - what the gmpki subcommands share: their entry points, the exit
 * codes (docs/GMPKI-CLI.md) and the helpers of cli_util.c.
 *
 * Each subcommand lives in its own file and exports <cmd>_main(argc, argv)
 * with argv[0] the subcommand's name.  Only these mains and cli_util.c
 * print; the library never does.
 */
#ifndef GMPKI_CLI_H
#define GMPKI_CLI_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define CLI_OK 0	/* success; for verify/uscc: valid                */
#define CLI_FAIL 1	/* the operation failed, or the answer is "invalid" */
#define CLI_USAGE 2	/* bad command line (verify: also unreadable input) */

int keygen_main(int argc, char **argv);
int req_main(int argc, char **argv);
int ca_main(int argc, char **argv);
int verify_main(int argc, char **argv);
int show_main(int argc, char **argv);
int uscc_main(int argc, char **argv);

/* "gmpki: <cmd>: [<what>: ]<中文> (<English>)" on stderr for a GMPKI_ERR_*. */
void cli_error(const char *cmd, const char *what, int rc);
/* "gmpki: <cmd>: <zh> (<en>)[: <arg>]" on stderr. */
void cli_message(const char *cmd, const char *zh, const char *en,
    const char *arg);
/* Usage error: the message, then a hint to --help.  Returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *zh, const char *en,
    const char *arg);
/* getopt_long's '?' (unknown option or missing argument).  CLI_USAGE. */
int cli_bad_option(const char *cmd, int argc, char **argv);

/*
 * Reads a passphrase file (first line).  On error prints and returns
 * CLI_FAIL; *pass is NULL when path is NULL.  Free with cli_pass_free.
 */
int cli_pass_read(const char *cmd, const char *path, char **pass,
    size_t *passlen);
void cli_pass_free(char *pass, size_t passlen);

/*
 * Checks that path can be written later (its folder exists and is
 * writable, path is not a folder; with excl, path does not exist), so
 * that a command fails before it changes anything.  Prints on error.
 */
int cli_output_check(const char *cmd, const char *path, int excl);
/* gmpki_file_write, printing on error.  0 or CLI_FAIL. */
int cli_write(const char *cmd, const char *path, const void *data, size_t len,
    mode_t mode, int excl);

/* A decimal int in [min, max]; -1 if s is not one. */
int cli_parse_int(const char *s, int min, int max, int *out);
/* "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (UTC) to time_t; -1 if bad. */
int cli_parse_time(const char *s, time_t *out);

/*
 * Explains a gmpki_uscc_validate result in both languages, naming the
 * position ("第18位校验位错误，应为 Y").
 */
void cli_uscc_explain(const char *code, int rc, size_t pos, char expected,
    char *zh, size_t zhlen, char *en, size_t enlen);
/* Validates code and prints the explanation on error: 0 or CLI_FAIL. */
int cli_uscc_check(const char *cmd, const char *code);

#endif
