/*
 * main.c - certsvc, the online service (在线服务系统): dispatches to one
 * subcommand (cmd.h).  Only this file and the cmd_*.c files print.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "gmpki/gmpki.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "init", cmd_init_main,
	    "create a data directory: CA, keys, database, configuration" },
	{ "serve", cmd_serve_main, "run the service (HTTP, OCSP, CRL)" },
	{ "import", cmd_import_main,
	    "import enterprises and accounts from a CSV file" },
	{ "account", cmd_account_main,
	    "accounts: add, lock, unlock, passwd, show" },
	{ "rp", cmd_rp_main, "the reporting-system directory: add, list" },
	{ "certs", cmd_certs_main, "certificates: list, show, revoke" },
	{ "keys", cmd_keys_main,
	    "the OCSP responder's and directory signer's keys: show, renew" },
	{ "audit", cmd_audit_main, "the audit log: show, verify" },
	{ "demo", cmd_demo_main,
	    "load demo enterprises, accounts and reporting systems" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "usage: certsvc COMMAND [OPTIONS]   (certsvc COMMAND --help)"
	    "\n\ncommands:\n");
	for (c = cmds; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
}

int
main(int argc, char **argv)
{
	const struct cmd *c;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return CMD_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CMD_OK;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("certsvc %s\n", GMPKI_VERSION);
		return CMD_OK;
	}
	for (c = cmds; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			break;
	if (c->name == NULL) {
		fprintf(stderr, "certsvc: unknown command \"%.64s\"\n",
		    argv[1]);
		usage(stderr);
		return CMD_USAGE;
	}
	/* OpenSSL's OID table has no lock: before any thread. */
	if ((rc = gmpki_init()) != 0) {
		fprintf(stderr, "certsvc: %s\n", gmpki_strerror(rc));
		return CMD_FAIL;
	}
	return c->fn(argc - 1, argv + 1);
}
