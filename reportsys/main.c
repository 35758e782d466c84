/*
 * reportsys - a sample 联网直报系统 with certificate login
 * (docs/REPORTSYS.md).
 *
 *   reportsys serve --config FILE [--listen ADDR:PORT]
 *   reportsys passwd --accounts FILE USERNAME   (password on stdin)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certauth/certauth.h"
#include "gmpki/gmpki.h"
#include "reportsys.h"

static void
usage(FILE *f)
{
	fputs("usage: reportsys serve --config FILE [--listen ADDR:PORT]\n"
	    "       reportsys passwd --accounts FILE [--iter N] USERNAME  "
	    "(password on stdin)\n"
	    "A sample online reporting system (联网直报系统) that logs users in\n"
	    "with a password and then a certificate through the certificate\n"
	    "helper (docs/REPORTSYS.md, docs/LOGIN-PROTOCOL.md).\n", f);
}

static int
cmd_serve(int argc, char **argv)
{
	struct rs_config c;
	const char *conf = NULL, *listen = NULL;
	char err[PATH_MAX + 256];
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (conf == NULL) {
		usage(stderr);
		return 2;
	}
	if (rs_config_load(conf, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "reportsys: %s\n", err);
		return 1;
	}
	if (listen != NULL && rs_listen_parse(listen, &c) != 0) {
		fprintf(stderr, "reportsys: --listen ADDR:PORT\n");
		return 2;
	}
	return rs_serve(&c) == 0 ? 0 : 1;
}

static int
cmd_passwd(int argc, char **argv)
{
	const char *file = NULL, *user = NULL;
	char pw[256], err[PATH_MAX + 256];
	unsigned long iter = 12000;
	size_t n;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--accounts") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--iter") == 0 && i + 1 < argc) {
			char *end;

			iter = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || iter < 1000 || iter > 10000000) {
				fprintf(stderr, "reportsys: --iter 1000.."
				    "10000000\n");
				return 2;
			}
		} else if (argv[i][0] != '-' && user == NULL)
			user = argv[i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (file == NULL || user == NULL) {
		usage(stderr);
		return 2;
	}
	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		fprintf(stderr, "reportsys: no password on stdin\n");
		return 1;
	}
	n = strlen(pw);
	while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	rc = rs_accounts_set(file, user, pw, (uint32_t)iter, err, sizeof(err));
	gmpki_wipe(pw, sizeof(pw));
	if (rc != 0) {
		fprintf(stderr, "reportsys: %s\n", err);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (gmpki_init() != 0) {
		fprintf(stderr, "reportsys: initialisation failed\n");
		return 1;
	}
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "passwd") == 0)
		return cmd_passwd(argc - 2, argv + 2);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
