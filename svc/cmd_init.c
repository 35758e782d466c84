/*
 * cmd_init.c - certsvc init --data DIR [--name CA名称] [--public-url URL]
 *                          [--listen ADDR:PORT]
 *
 * Creates a data directory (docs/CERTSVC.md "Data directory"):
 *   DIR/                0700
 *   DIR/certsvc.conf    0600  the configuration
 *   DIR/ca/             0700  the two-tier CA (gmpki_ca_init): root and
 *                             issuing keys encrypted, a random passphrase
 *                             in ca/private/passphrase (0600)
 *   DIR/keys/           0700  the delegated keys, PKCS#8 unencrypted 0600:
 *                             ocsp.key + ocsp.pem (OCSP responder),
 *                             docsign.key + docsign.pem (directory signer)
 *   DIR/certsvc.db      0600  SQLite, migrated to the newest schema
 *
 * Why the delegated keys are not encrypted while the CA keys are: serve
 * uses them in the web process on every OCSP answer and directory
 * request, without an operator at hand, so a passphrase would have to sit
 * beside them and would protect nothing.  What they can do is narrow and
 * short-lived: a 1-year responder certificate (OCSP answers for this CA's
 * certificates) and a 1-year document-signing certificate (the directory);
 * both are replaced by issuing new ones.  The CA keys can mint any
 * certificate for years; they are opened only in the signer process, and
 * the operator may move ca/private/passphrase off the data disk
 * (serve --ca-pass-file) so that a copy of DIR alone does not give them.
 *
 * A failed init removes what it created: nothing half-made is left.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/x509.h>

#include "cmd.h"
#include "config.h"
#include "db.h"
#include "gmpki/gmpki.h"
#include "keys.h"
#include "store.h"
#include "svc_error.h"

#define INIT_DEFAULT_NAME "CertHelper CA"

struct init_opts {
	const char *data;
	const char *name;
	const char *public_url;
	const char *listen;
};

static const char init_usage[] = "usage: certsvc init --data DIR "
    "[--name CA名称] [--public-url URL] [--listen ADDR:PORT]\n";

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

/* 1 when dir exists and holds nothing. */
static int
dir_empty(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int empty = 1;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static int
join(char *out, size_t outlen, const char *a, const char *b)
{
	int n = snprintf(out, outlen, "%s/%s", a, b);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* http(s)://host... without a trailing '/', printable ASCII only. */
static int
public_url_ok(char *url, size_t max)
{
	size_t n = strlen(url), i;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return 0;
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	if (n + sizeof("/ocsp") > max || n <= 8 ||
	    url[strncmp(url, "https", 5) == 0 ? 8 : 7] == '\0')
		return 0;
	for (i = 0; i < n; i++)
		if (url[i] <= 0x20 || url[i] >= 0x7f)
			return 0;
	return 1;
}

/* The OCSP responder and the document signer, in DIR/keys. */
static int
init_delegated(const struct svc_config *c, const char **what)
{
	static const struct {
		enum gmpki_cert_kind kind;
		int which;
		const char *what;
	} d[] = {
		{ GMPKI_CERT_OCSP, SVC_KEY_OCSP, "OCSP responder" },
		{ GMPKI_CERT_DOCSIGN, SVC_KEY_DOCSIGN, "document signer" },
	};
	char keys[PATH_MAX];
	gmpki_ca *ca = NULL;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	size_t i;
	int rc = 0;

	if (join(keys, sizeof(keys), c->data_dir, "keys") != 0)
		return GMPKI_ERR_ARG;
	if (mkdir(keys, 0700) != 0)
		return GMPKI_ERR_IO;
	if ((rc = gmpki_ca_open(c->ca_dir, NULL, 0, &ca)) != 0)
		return rc;
	for (i = 0; i < sizeof(d) / sizeof(d[0]) && rc == 0; i++) {
		*what = d[i].what;
		if ((rc = gmpki_sm2_keygen(&k)) == 0 &&
		    (rc = gmpki_ca_issue_delegated(ca, d[i].kind, k, &x)) == 0)
			rc = svc_keys_save(c->data_dir, d[i].which, k, x, 0);
		EVP_PKEY_free(k);
		X509_free(x);
		k = NULL;
		x = NULL;
	}
	gmpki_ca_free(ca);
	return rc;
}

static int
init_db(const struct svc_config *c, const char *name)
{
	char detail[600];
	svc_db *db = NULL;
	int rc;

	if ((rc = svc_db_open(c->database, &db)) != 0)
		return rc;
	if ((rc = svc_db_migrate(db)) == 0) {
		snprintf(detail, sizeof(detail), "CA %s; %s", name,
		    c->public_url);
		rc = svc_audit_append(db, (int64_t)time(NULL), "admin", "init",
		    c->data_dir, detail, "");
	}
	svc_db_close(db);
	return rc;
}

int
cmd_init_main(int argc, char **argv)
{
	struct init_opts o = { NULL, NULL, NULL, NULL };
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &o.data, NULL },
		{ "name", 'n', 1, &o.name, NULL },
		{ "public-url", 'u', 1, &o.public_url, NULL },
		{ "listen", 'l', 1, &o.listen, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct gmpki_ca_init_params cp;
	struct svc_config c;
	struct stat st;
	char dir[PATH_MAX], crl[300], ocsp[300];
	char addr[64];
	const char *step = "", *what = "";
	int rc, port = 0, created = 0;

	if ((rc = cmd_getopt("init", init_usage, argc, argv, opts, NULL,
	    CMD_OPT_PLAIN)) != CMD_OK)
		return cmd_status(rc);
	if (optind != argc || o.data == NULL || o.data[0] == '\0') {
		fputs(init_usage, stderr);
		return CMD_USAGE;
	}
	if (o.name == NULL)
		o.name = INIT_DEFAULT_NAME;
	if (o.name[0] == '\0' || strlen(o.name) > 128) {
		fprintf(stderr, "certsvc: init: --name: 1 to 128 bytes\n");
		return CMD_USAGE;
	}
	if (o.listen != NULL && cmd_listen_parse(o.listen, addr, sizeof(addr),
	    &port, 0) != 0) {
		fprintf(stderr, "certsvc: init: --listen: expected ADDR:PORT"
		    " (port 1-65535)\n");
		return CMD_USAGE;
	}

	/* The directory: new, or existing and empty; never a used one. */
	if (stat(o.data, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !dir_empty(o.data)) {
			fprintf(stderr, "certsvc: init: %s: exists and is not"
			    " an empty directory (already initialised?);"
			    " nothing changed\n", o.data);
			return CMD_FAIL;
		}
		if (chmod(o.data, 0700) != 0) {
			fprintf(stderr, "certsvc: init: %s: %s\n", o.data,
			    strerror(errno));
			return CMD_FAIL;
		}
	} else if (errno != ENOENT || mkdir(o.data, 0700) != 0) {
		fprintf(stderr, "certsvc: init: %s: %s\n", o.data,
		    strerror(errno));
		return CMD_FAIL;
	} else
		created = 1;
	if (realpath(o.data, dir) == NULL || strlen(dir) + 32 >= sizeof(c.data_dir)) {
		fprintf(stderr, "certsvc: init: %s: path too long\n", o.data);
		rc = GMPKI_ERR_ARG;
		goto fail_quiet;
	}

	/* The configuration. */
	step = "configuration";
	svc_config_defaults(&c, dir);
	if (o.listen != NULL) {
		snprintf(c.listen_addr, sizeof(c.listen_addr), "%s", addr);
		c.port = port;
		snprintf(c.public_url, sizeof(c.public_url),
		    strchr(addr, ':') != NULL ? "http://[%s]:%d" : "http://%s:%d",
		    addr, port);
	}
	if (o.public_url != NULL) {
		if (strlen(o.public_url) >= sizeof(c.public_url)) {
			rc = SVC_ERR_CONFIG;
			goto fail;
		}
		snprintf(c.public_url, sizeof(c.public_url), "%s",
		    o.public_url);
	}
	if (!public_url_ok(c.public_url, sizeof(c.public_url))) {
		fprintf(stderr, "certsvc: init: --public-url: expected"
		    " http://HOST[:PORT] or https://...\n");
		rc = SVC_ERR_CONFIG;
		goto fail_quiet;
	}
	if ((rc = svc_config_write(&c)) != 0)
		goto fail;

	/* The CA. */
	step = "CA";
	snprintf(crl, sizeof(crl), "%s/crl", c.public_url);
	snprintf(ocsp, sizeof(ocsp), "%s/ocsp", c.public_url);
	memset(&cp, 0, sizeof(cp));
	cp.dir = c.ca_dir;
	cp.name = o.name;
	cp.crl_url = crl;
	cp.ocsp_url = ocsp;
	if ((rc = gmpki_ca_init(&cp)) != 0)
		goto fail;

	/* The delegated keys. */
	step = "delegated keys";
	if ((rc = init_delegated(&c, &what)) != 0) {
		step = what;
		goto fail;
	}

	/* The database. */
	step = "database";
	if ((rc = init_db(&c, o.name)) != 0)
		goto fail;

	printf("certsvc: init: created %s\n", dir);
	printf("  certsvc.conf       configuration (listen %s, public_url %s)"
	    "\n", o.listen != NULL ? o.listen : "127.0.0.1:8440",
	    c.public_url);
	printf("  ca/                CA \"%s\": root.pem, issuing.pem,"
	    " chain.pem; keys encrypted in ca/private/\n", o.name);
	printf("  keys/ocsp.*        delegated OCSP responder (1 year)\n");
	printf("  keys/docsign.*     directory signer (1 year)\n");
	printf("  certsvc.db         database (SQLite, migrated)\n");
	printf("  CRL %s, OCSP %s\n", crl, ocsp);
	printf("next: certsvc serve --data %s\n", dir);
	return CMD_OK;

fail:
	fprintf(stderr, "certsvc: init: %s: %s\n", step, svc_strerror(rc));
fail_quiet:
	/* Leave nothing half-made: what we created goes. */
	nftw(o.data, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	/* An existing empty directory is left as it was found: empty. */
	if (!created)
		mkdir(o.data, 0700);
	return CMD_FAIL;
}
