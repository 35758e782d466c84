/*
 * ca.c - a two-tier CA (root + issuing CA) kept in a directory: the CA of
 * the gmpki tool, and the key holder the online service opens.
 *
 * docs/CA-DIRECTORY.md describes the layout.  Every file is written whole
 * and atomically (gmpki_file_write: temporary file, fsync, rename), so a
 * reader never sees half a file; read-modify-write cycles of index.tsv and
 * crlnumber hold an flock on DIR/.lock so that two writers do not lose
 * each other's updates.
 *
 * index.tsv has one line per issued certificate, six TAB-separated fields:
 *   serial    upper-case hex without leading zeros (gmpki_serial_hex)
 *   state     V (valid) or R (revoked)
 *   notAfter  YYYYMMDDHHMMSSZ (UTC)
 *   revoked   YYYYMMDDHHMMSSZ, or "-" while valid
 *   reason    RFC 5280 §5.3.1 name ("keyCompromise"), or "-" while valid
 *   subject   "C=CN, O=..., CN=..." (gmpki_name_print)
 * It is parsed strictly: anything else is GMPKI_ERR_DECODE, so that a
 * damaged index stops the CA instead of silently dropping revocations.
 */
#include "gmpki/gmpki.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#define CA_DEFAULT_NAME "CertHelper CA"
#define CA_MAX_NAME 128         /* bytes of the CA name                    */
#define CA_MAX_URL 1024         /* bytes of a CRL or OCSP URL              */
#define CA_MAX_CONF (16 * 1024)
#define CA_MAX_INDEX (256 * 1024 * 1024)
#define CA_MAX_DAYS 36500       /* a hundred years                         */
#define CA_PASS_RANDOM 32       /* bytes of a generated passphrase         */
#define CA_CRL_DAYS 7           /* nextUpdate = thisUpdate + 7 days        */
#define CA_TIME_LEN 15          /* YYYYMMDDHHMMSSZ                         */

struct gmpki_ca {
	char *dir;
	X509 *root;
	X509 *issuing;
	EVP_PKEY *key;
	STACK_OF(X509) *chain;
	char *name;
	char *crl_url;
	char *ocsp_url;
};

/* A loaded index: records in file order. */
struct ca_index {
	struct gmpki_ca_record *rec;
	size_t n, cap;
};

static int
ca_path(char *out, size_t outlen, const char *dir, const char *name)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= outlen)
		return GMPKI_ERR_ARG;
	return 0;
}

/* 1 when s holds a control character (or DEL). */
static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

static int
check_url(const char *u)
{
	if (u == NULL || *u == '\0')
		return 0;
	/* What gmpki_cert_issue will put in certificates: http(s) only. */
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return GMPKI_ERR_ARG;
	if (strlen(u) > CA_MAX_URL || has_ctrl(u) || strchr(u, ' ') != NULL)
		return GMPKI_ERR_ARG;
	return 0;
}

/* C=CN, O=org, CN=cn (C as PrintableString, the rest UTF8String). */
static int
ca_name(const char *org, const char *cn, X509_NAME **out)
{
	X509_NAME *n;

	*out = NULL;
	if ((n = X509_NAME_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if (!X509_NAME_add_entry_by_NID(n, NID_countryName,
	    V_ASN1_PRINTABLESTRING, (const unsigned char *)"CN", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_NID(n, NID_organizationName, MBSTRING_UTF8,
	    (const unsigned char *)org, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0)) {
		ERR_clear_error();
		X509_NAME_free(n);
		return GMPKI_ERR_SUBJECT;
	}
	*out = n;
	return 0;
}

static int
write_cert(const char *path, X509 *cert)
{
	char *pem = NULL;
	size_t len = 0;
	int rc;

	if ((rc = gmpki_cert_to_pem(cert, &pem, &len)) != 0)
		return rc;
	rc = gmpki_file_write(path, pem, len, 0644, 1);
	free(pem);
	return rc;
}

/*
 * What gmpki_ca_init made, to take it away again on failure.  Paths are
 * kept in creation order and removed in reverse.
 */
#define CA_INIT_MAX_CREATED 16
struct created {
	char path[CA_INIT_MAX_CREATED][PATH_MAX];
	int is_dir[CA_INIT_MAX_CREATED];
	int n;
};

static void
created_add(struct created *c, const char *path, int is_dir)
{
	if (c->n >= CA_INIT_MAX_CREATED)
		return;
	/* path came through ca_path, so it fits. */
	snprintf(c->path[c->n], sizeof(c->path[c->n]), "%s", path);
	c->is_dir[c->n] = is_dir;
	c->n++;
}

static void
created_undo(struct created *c)
{
	while (c->n > 0) {
		c->n--;
		if (c->is_dir[c->n])
			rmdir(c->path[c->n]);
		else
			unlink(c->path[c->n]);
	}
}

/* Writes a new file and remembers it; excl: never over an existing one. */
static int
init_file(struct created *c, const char *dir, const char *name,
    const void *data, size_t len, mode_t mode)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = ca_path(path, sizeof(path), dir, name)) != 0)
		return rc;
	if ((rc = gmpki_file_write(path, data, len, mode, 1)) != 0)
		return rc;
	created_add(c, path, 0);
	return 0;
}

static int
init_cert(struct created *c, const char *dir, const char *name, X509 *cert)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = ca_path(path, sizeof(path), dir, name)) != 0)
		return rc;
	if ((rc = write_cert(path, cert)) != 0)
		return rc;
	created_add(c, path, 0);
	return 0;
}

static int
init_key(struct created *c, const char *dir, const char *name, EVP_PKEY *key,
    const char *pass, size_t passlen, uint32_t iter)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = ca_path(path, sizeof(path), dir, name)) != 0)
		return rc;
	if ((rc = gmpki_key_save(path, key, pass, passlen, iter, 0)) != 0)
		return rc;
	created_add(c, path, 0);
	return 0;
}

/* mkdir with exactly mode (umask aside); an existing path is EXISTS. */
static int
init_mkdir(struct created *c, const char *path, mode_t mode)
{
	if (mkdir(path, mode) != 0)
		return errno == EEXIST ? GMPKI_ERR_EXISTS : GMPKI_ERR_IO;
	created_add(c, path, 1);
	if (chmod(path, mode) != 0)
		return GMPKI_ERR_IO;
	return 0;
}

int
gmpki_ca_init(const struct gmpki_ca_init_params *p)
{
	struct created *c = NULL;
	const char *name, *pass;
	char *conf = NULL, *chain = NULL, *pem = NULL;
	char path[PATH_MAX], cn[CA_MAX_NAME + 32], genpass[2 * CA_PASS_RANDOM + 2];
	unsigned char rnd[CA_PASS_RANDOM];
	size_t passlen, conflen = 0, chainlen = 0, pemlen = 0;
	EVP_PKEY *root_key = NULL, *iss_key = NULL;
	X509_NAME *root_name = NULL, *iss_name = NULL;
	X509 *root = NULL, *iss = NULL;
	struct gmpki_issue_params ip;
	struct stat st;
	int rc;

	if (p == NULL || p->dir == NULL || *p->dir == '\0')
		return GMPKI_ERR_ARG;
	name = p->name != NULL ? p->name : CA_DEFAULT_NAME;
	if (*name == '\0' || strlen(name) > CA_MAX_NAME || has_ctrl(name))
		return GMPKI_ERR_ARG;
	if ((rc = check_url(p->crl_url)) != 0 ||
	    (rc = check_url(p->ocsp_url)) != 0)
		return rc;
	if (p->pass != NULL && (p->passlen == 0 ||
	    p->passlen > GMPKI_MAX_PASS_LEN))
		return GMPKI_ERR_ARG;
	/* The longest file name below is private/passphrase. */
	if (strlen(p->dir) + 32 >= PATH_MAX)
		return GMPKI_ERR_ARG;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return GMPKI_ERR_NOMEM;

	/* An existing (empty or unrelated) folder is used as it is; a CA in
	 * it is never overwritten. */
	if (mkdir(p->dir, 0700) == 0) {
		created_add(c, p->dir, 1);
		if (chmod(p->dir, 0700) != 0) {
			rc = GMPKI_ERR_IO;
			goto out;
		}
	} else if (errno != EEXIST) {
		rc = GMPKI_ERR_IO;
		goto out;
	} else if (stat(p->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = GMPKI_ERR_EXISTS;
		goto out;
	}
	if ((rc = ca_path(path, sizeof(path), p->dir, "root.pem")) != 0)
		goto out;
	if (access(path, F_OK) == 0) {
		rc = GMPKI_ERR_EXISTS;
		goto out;
	}
	if ((rc = ca_path(path, sizeof(path), p->dir, "private")) != 0 ||
	    (rc = init_mkdir(c, path, 0700)) != 0)
		goto out;
	if ((rc = ca_path(path, sizeof(path), p->dir, "certs")) != 0 ||
	    (rc = init_mkdir(c, path, 0755)) != 0)
		goto out;

	if (p->pass != NULL) {
		pass = p->pass;
		passlen = p->passlen;
	} else {
		/* No passphrase given: a random one, kept beside the keys
		 * (docs/CA-DIRECTORY.md says what that trades away). */
		if ((rc = gmpki_random(rnd, sizeof(rnd))) != 0)
			goto out;
		gmpki_hex(rnd, sizeof(rnd), genpass);
		passlen = 2 * CA_PASS_RANDOM;
		genpass[passlen] = '\n';
		if ((rc = init_file(c, p->dir, "private/passphrase", genpass,
		    passlen + 1, 0600)) != 0)
			goto out;
		genpass[passlen] = '\0';
		pass = genpass;
	}

	if ((rc = gmpki_sm2_keygen(&root_key)) != 0 ||
	    (rc = gmpki_sm2_keygen(&iss_key)) != 0)
		goto out;
	snprintf(cn, sizeof(cn), "%s Root CA", name);
	if ((rc = ca_name(name, cn, &root_name)) != 0)
		goto out;
	snprintf(cn, sizeof(cn), "%s Issuing CA", name);
	if ((rc = ca_name(name, cn, &iss_name)) != 0)
		goto out;

	memset(&ip, 0, sizeof(ip));
	ip.kind = GMPKI_CERT_ROOT;
	ip.subject = root_name;
	ip.subject_key = root_key;
	ip.issuer_key = root_key;
	if ((rc = gmpki_cert_issue(&ip, &root)) != 0)
		goto out;
	memset(&ip, 0, sizeof(ip));
	ip.kind = GMPKI_CERT_ISSUING;
	ip.subject = iss_name;
	ip.subject_key = iss_key;
	ip.issuer_cert = root;
	ip.issuer_key = root_key;
	if ((rc = gmpki_cert_issue(&ip, &iss)) != 0)
		goto out;

	if ((rc = init_key(c, p->dir, "private/root.key", root_key, pass,
	    passlen, p->kdf_iter)) != 0 ||
	    (rc = init_key(c, p->dir, "private/issuing.key", iss_key, pass,
	    passlen, p->kdf_iter)) != 0)
		goto out;
	if ((rc = init_cert(c, p->dir, "root.pem", root)) != 0 ||
	    (rc = init_cert(c, p->dir, "issuing.pem", iss)) != 0)
		goto out;

	/* chain.pem: the issuing CA, then the root (RFC 8446 §4.4.2 order). */
	if ((rc = gmpki_cert_to_pem(iss, &chain, &chainlen)) != 0 ||
	    (rc = gmpki_cert_to_pem(root, &pem, &pemlen)) != 0)
		goto out;
	{
		char *both = realloc(chain, chainlen + pemlen + 1);

		if (both == NULL) {
			rc = GMPKI_ERR_NOMEM;
			goto out;
		}
		chain = both;
		memcpy(chain + chainlen, pem, pemlen + 1);
		chainlen += pemlen;
	}
	if ((rc = init_file(c, p->dir, "chain.pem", chain, chainlen,
	    0644)) != 0)
		goto out;

	conflen = CA_MAX_NAME + 2 * CA_MAX_URL + 128;
	if ((conf = malloc(conflen)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	{
		int n = snprintf(conf, conflen, "# CertHelper CA (gmpki ca init)\n"
		    "name = %s\ncrl_url = %s\nocsp_url = %s\n", name,
		    p->crl_url != NULL ? p->crl_url : "",
		    p->ocsp_url != NULL ? p->ocsp_url : "");

		if (n < 0 || (size_t)n >= conflen) {
			rc = GMPKI_ERR_INTERNAL;
			goto out;
		}
		conflen = (size_t)n;
	}
	if ((rc = init_file(c, p->dir, "ca.conf", conf, conflen, 0644)) != 0 ||
	    (rc = init_file(c, p->dir, "index.tsv", "", 0, 0644)) != 0 ||
	    (rc = init_file(c, p->dir, "crlnumber", "1\n", 2, 0644)) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0 && c != NULL)
		created_undo(c);
	gmpki_wipe(genpass, sizeof(genpass));
	gmpki_wipe(rnd, sizeof(rnd));
	free(c);
	free(conf);
	free(chain);
	free(pem);
	X509_NAME_free(root_name);
	X509_NAME_free(iss_name);
	X509_free(root);
	X509_free(iss);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(iss_key);
	return rc;
}

/* 0 when path is safe for a secret: owner-only access (mode & 077 == 0). */
static int
check_private(const char *path, int want_dir, int may_be_missing)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT && may_be_missing ? 0 : GMPKI_ERR_IO;
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return GMPKI_ERR_PERMISSION;
	if ((st.st_mode & 077) != 0)
		return GMPKI_ERR_PERMISSION;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* ca.conf: "key = value" lines, '#' comments, blank lines. */
static int
conf_load(gmpki_ca *ca)
{
	char path[PATH_MAX];
	unsigned char *buf = NULL;
	size_t len = 0;
	char *line, *next, *eq, *k, *v, **dst;
	int rc;

	if ((rc = ca_path(path, sizeof(path), ca->dir, "ca.conf")) != 0)
		return rc;
	if ((rc = gmpki_file_read(path, CA_MAX_CONF, &buf, &len)) != 0)
		return rc;
	if (memchr(buf, '\0', len) != NULL) {
		rc = GMPKI_ERR_DECODE;
		goto out;
	}
	for (line = (char *)buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			rc = GMPKI_ERR_DECODE;
			goto out;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
		if (strcmp(k, "name") == 0)
			dst = &ca->name;
		else if (strcmp(k, "crl_url") == 0)
			dst = &ca->crl_url;
		else if (strcmp(k, "ocsp_url") == 0)
			dst = &ca->ocsp_url;
		else {
			rc = GMPKI_ERR_DECODE;
			goto out;
		}
		if (*dst != NULL || has_ctrl(v) || (dst != &ca->name &&
		    check_url(v) != 0)) {
			rc = GMPKI_ERR_DECODE;
			goto out;
		}
		if ((*dst = strdup(v)) == NULL) {
			rc = GMPKI_ERR_NOMEM;
			goto out;
		}
	}
	if (ca->name == NULL || *ca->name == '\0') {
		rc = GMPKI_ERR_DECODE;
		goto out;
	}
	if ((ca->crl_url == NULL && (ca->crl_url = strdup("")) == NULL) ||
	    (ca->ocsp_url == NULL && (ca->ocsp_url = strdup("")) == NULL)) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int
gmpki_ca_open(const char *dir, const char *pass, size_t passlen,
    gmpki_ca **out)
{
	gmpki_ca *ca = NULL;
	char path[PATH_MAX];
	char *filepass = NULL;
	size_t filepasslen = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (dir == NULL || *dir == '\0' || out == NULL ||
	    (pass != NULL && passlen == 0))
		return GMPKI_ERR_ARG;
	if (strlen(dir) + 32 >= PATH_MAX)
		return GMPKI_ERR_ARG;
	if ((ca = calloc(1, sizeof(*ca))) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((ca->dir = strdup(dir)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}

	/* Refuse keys that others could have read: they may be copied. */
	ca_path(path, sizeof(path), dir, "private");
	if ((rc = check_private(path, 1, 0)) != 0)
		goto out;
	ca_path(path, sizeof(path), dir, "private/issuing.key");
	if ((rc = check_private(path, 0, 0)) != 0)
		goto out;
	/* The root key may have been taken offline after init. */
	ca_path(path, sizeof(path), dir, "private/root.key");
	if ((rc = check_private(path, 0, 1)) != 0)
		goto out;

	ca_path(path, sizeof(path), dir, "root.pem");
	if ((rc = gmpki_cert_load(path, &ca->root)) != 0)
		goto out;
	ca_path(path, sizeof(path), dir, "issuing.pem");
	if ((rc = gmpki_cert_load(path, &ca->issuing)) != 0)
		goto out;
	if ((rc = conf_load(ca)) != 0)
		goto out;

	if (pass == NULL) {
		ca_path(path, sizeof(path), dir, "private/passphrase");
		if ((rc = check_private(path, 0, 0)) != 0)
			goto out;
		if ((rc = gmpki_pass_file_read(path, &filepass,
		    &filepasslen)) != 0)
			goto out;
		pass = filepass;
		passlen = filepasslen;
	}
	ca_path(path, sizeof(path), dir, "private/issuing.key");
	if ((rc = gmpki_key_load(path, pass, passlen, &ca->key)) != 0)
		goto out;
	if (!gmpki_sm2_key_match(ca->key, X509_get0_pubkey(ca->issuing))) {
		rc = GMPKI_ERR_KEY_MISMATCH;
		goto out;
	}
	/* The issuing certificate must be the root's (a swapped file would
	 * otherwise give certificates that chain nowhere). */
	if (gmpki_sm2_verify_cert(ca->issuing, X509_get0_pubkey(ca->root),
	    NULL) != 0) {
		rc = GMPKI_ERR_CERT_CHAIN;
		goto out;
	}

	if ((ca->chain = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(ca->chain, ca->issuing)) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	X509_up_ref(ca->issuing);
	if (!sk_X509_push(ca->chain, ca->root)) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	X509_up_ref(ca->root);
	*out = ca;
	ca = NULL;
	rc = 0;
out:
	if (filepass != NULL) {
		gmpki_wipe(filepass, filepasslen);
		free(filepass);
	}
	gmpki_ca_free(ca);
	return rc;
}

void
gmpki_ca_free(gmpki_ca *ca)
{
	if (ca == NULL)
		return;
	EVP_PKEY_free(ca->key);	/* OpenSSL clears the private scalar */
	X509_free(ca->root);
	X509_free(ca->issuing);
	sk_X509_pop_free(ca->chain, X509_free);
	free(ca->dir);
	free(ca->name);
	free(ca->crl_url);
	free(ca->ocsp_url);
	free(ca);
}

X509 *
gmpki_ca_root(const gmpki_ca *ca)
{
	return ca != NULL ? ca->root : NULL;
}

X509 *
gmpki_ca_issuing(const gmpki_ca *ca)
{
	return ca != NULL ? ca->issuing : NULL;
}

EVP_PKEY *
gmpki_ca_issuing_key(const gmpki_ca *ca)
{
	return ca != NULL ? ca->key : NULL;
}

STACK_OF(X509) *
gmpki_ca_chain(const gmpki_ca *ca)
{
	return ca != NULL ? ca->chain : NULL;
}

const char *
gmpki_ca_crl_url(const gmpki_ca *ca)
{
	return ca != NULL && ca->crl_url != NULL ? ca->crl_url : "";
}

const char *
gmpki_ca_ocsp_url(const gmpki_ca *ca)
{
	return ca != NULL && ca->ocsp_url != NULL ? ca->ocsp_url : "";
}

static const char *
url_or_null(const char *u)
{
	return u != NULL && *u != '\0' ? u : NULL;
}

int
gmpki_ca_issue_ee(const gmpki_ca *ca, const struct gmpki_ee_request *r,
    X509 **out)
{
	struct gmpki_issue_params ip;
	X509_NAME *subject = NULL;
	EVP_PKEY *key;
	time_t nb;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (ca == NULL || r == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	if ((r->csr == NULL) == (r->pubkey == NULL))
		return GMPKI_ERR_ARG;
	if (r->days < 0 || r->days > CA_MAX_DAYS || r->not_before < 0)
		return GMPKI_ERR_ARG;
	if (r->csr != NULL) {
		if ((key = X509_REQ_get0_pubkey(r->csr)) == NULL) {
			ERR_clear_error();
			return GMPKI_ERR_CSR_INVALID;
		}
	} else
		key = r->pubkey;
	if (!gmpki_sm2_is_sm2(key))
		return GMPKI_ERR_KEY_NOT_SM2;
	if ((rc = gmpki_name_ee(r->org, r->uscc, r->username, &subject)) != 0)
		return rc;

	nb = r->not_before != 0 ? r->not_before : time(NULL);
	memset(&ip, 0, sizeof(ip));
	ip.kind = GMPKI_CERT_EE_SIGN;
	ip.subject = subject;
	ip.subject_key = key;
	ip.issuer_cert = ca->issuing;
	ip.issuer_key = ca->key;
	ip.not_before = nb;
	if (r->days > 0)
		ip.not_after = nb + (time_t)r->days * 86400;
	else
		ip.years = GMPKI_DEFAULT_EE_YEARS;
	ip.uscc = r->uscc;
	ip.crl_url = url_or_null(ca->crl_url);
	ip.ocsp_url = url_or_null(ca->ocsp_url);
	rc = gmpki_cert_issue(&ip, out);
	X509_NAME_free(subject);
	return rc;
}

/*
 * A delegated certificate (OCSP responder or document signer) named
 * C=CN, O=<ca>, CN=cn: one calendar year from now, or until the issuing
 * CA's end when that comes sooner (a renewal late in the CA's life still
 * works, and nothing outlives its issuer).
 */
static int
issue_delegated(const gmpki_ca *ca, enum gmpki_cert_kind kind,
    EVP_PKEY *key, const char *cn, X509 **out)
{
	struct gmpki_issue_params ip;
	X509_NAME *subject = NULL;
	time_t now = time(NULL), ca_end = 0;
	int rc;

	if (*cn == '\0' || has_ctrl(cn))
		return GMPKI_ERR_SUBJECT;
	if (!gmpki_sm2_is_sm2(key))
		return GMPKI_ERR_KEY_NOT_SM2;
	if ((rc = gmpki_asn1_time_to_time(X509_get0_notAfter(ca->issuing),
	    &ca_end)) != 0)
		return rc;
	if (ca_end <= now)
		return GMPKI_ERR_CERT_EXPIRED;
	if ((rc = ca_name(ca->name, cn, &subject)) != 0)
		return rc;
	memset(&ip, 0, sizeof(ip));
	ip.kind = kind;
	ip.subject = subject;
	ip.subject_key = key;
	ip.issuer_cert = ca->issuing;
	ip.issuer_key = ca->key;
	ip.not_before = now;
	if (ca_end < now + 366L * 86400)
		ip.not_after = ca_end;
	else
		ip.years = 1;
	if (kind == GMPKI_CERT_DOCSIGN) {
		/* Relying parties check the document signer's status; an
		 * OCSP responder's is not checked (id-pkix-ocsp-nocheck). */
		ip.crl_url = url_or_null(ca->crl_url);
		ip.ocsp_url = url_or_null(ca->ocsp_url);
	}
	rc = gmpki_cert_issue(&ip, out);
	X509_NAME_free(subject);
	return rc;
}

int
gmpki_ca_issue_ocsp_signer(const gmpki_ca *ca, EVP_PKEY *key,
    const char *name, X509 **out)
{
	char cn[CA_MAX_NAME + 32];

	if (out != NULL)
		*out = NULL;
	if (ca == NULL || key == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	if (name == NULL) {
		snprintf(cn, sizeof(cn), "%s OCSP Responder", ca->name);
		name = cn;
	}
	return issue_delegated(ca, GMPKI_CERT_OCSP, key, name, out);
}

int
gmpki_ca_issue_delegated(const gmpki_ca *ca, enum gmpki_cert_kind kind,
    EVP_PKEY *key, X509 **out)
{
	char cn[CA_MAX_NAME + 32];

	if (out != NULL)
		*out = NULL;
	if (ca == NULL || key == NULL || out == NULL ||
	    (kind != GMPKI_CERT_OCSP && kind != GMPKI_CERT_DOCSIGN))
		return GMPKI_ERR_ARG;
	snprintf(cn, sizeof(cn), "%s %s", ca->name, kind == GMPKI_CERT_OCSP ?
	    "OCSP Responder" : "目录签名");
	return issue_delegated(ca, kind, key, cn, out);
}

/* --- the file-backed records ------------------------------------------ */

/* An exclusive flock on DIR/.lock; *fd to close when done. */
static int
ca_lock(const char *dir, int *fd)
{
	char path[PATH_MAX];
	int rc;

	*fd = -1;
	if ((rc = ca_path(path, sizeof(path), dir, ".lock")) != 0)
		return rc;
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0)
		return GMPKI_ERR_IO;
	while (flock(*fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(*fd);
			*fd = -1;
			return GMPKI_ERR_IO;
		}
	}
	return 0;
}

static void
ca_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

static void
time_str(time_t t, char out[CA_TIME_LEN + 1])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, CA_TIME_LEN + 1, "%Y%m%d%H%M%SZ", &tm) !=
	    CA_TIME_LEN)
		snprintf(out, CA_TIME_LEN + 1, "%s", "00000000000000Z");
}

/* YYYYMMDDHHMMSSZ to time_t, rejecting out-of-range fields. */
static int
time_parse(const char *s, time_t *out)
{
	struct tm tm, back;
	time_t t;
	int i, v[6], w[6] = { 4, 2, 2, 2, 2, 2 }, off = 0;

	if (strlen(s) != CA_TIME_LEN || s[CA_TIME_LEN - 1] != 'Z')
		return GMPKI_ERR_DECODE;
	for (i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return GMPKI_ERR_DECODE;
	for (i = 0; i < 6; i++) {
		int j;

		v[i] = 0;
		for (j = 0; j < w[i]; j++)
			v[i] = v[i] * 10 + (s[off + j] - '0');
		off += w[i];
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	if ((t = timegm(&tm)) == (time_t)-1 || gmtime_r(&t, &back) == NULL)
		return GMPKI_ERR_DECODE;
	/* timegm normalises 31 February: a round trip catches it. */
	if (back.tm_year != v[0] - 1900 || back.tm_mon != v[1] - 1 ||
	    back.tm_mday != v[2] || back.tm_hour != v[3] ||
	    back.tm_min != v[4] || back.tm_sec != v[5])
		return GMPKI_ERR_DECODE;
	*out = t;
	return 0;
}

/* 1 when s is upper-case hex without leading zeros, as gmpki_serial_hex
 * writes it. */
static int
serial_canonical(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= sizeof(((struct gmpki_ca_record *)0)->serial))
		return 0;
	if (s[0] == '0' && n > 1)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/*
 * The serial as index.tsv keys it: gmpki_serial_hex, then without leading
 * zeros (gmpki_serial_hex keeps whole bytes, "04AB", in lib/cert.c as of
 * this writing; cert.h promises no leading zeros: normalise here either
 * way so that one certificate always has one key).
 */
static int
serial_key(const ASN1_INTEGER *sn, char *out, size_t outlen)
{
	size_t n, skip = 0;
	int rc;

	if ((rc = gmpki_serial_hex(sn, out, outlen)) != 0)
		return rc;
	n = strlen(out);
	while (skip + 1 < n && out[skip] == '0')
		skip++;
	memmove(out, out + skip, n - skip + 1);
	return 0;
}

static int
reason_valid(int reason)
{
	/* RFC 5280 §5.3.1: 7 is unused; removeFromCRL (8) is for delta CRLs
	 * only, which this CA does not issue. */
	return reason >= GMPKI_REASON_UNSPECIFIED &&
	    reason <= GMPKI_REASON_AA_COMPROMISE && reason != 7 &&
	    reason != GMPKI_REASON_REMOVE_FROM_CRL;
}

static int
index_push(struct ca_index *ix, const struct gmpki_ca_record *r)
{
	if (ix->n == ix->cap) {
		size_t ncap = ix->cap == 0 ? 64 : ix->cap * 2;
		struct gmpki_ca_record *nr;

		if (ncap > SIZE_MAX / sizeof(*nr))
			return GMPKI_ERR_NOMEM;
		if ((nr = realloc(ix->rec, ncap * sizeof(*nr))) == NULL)
			return GMPKI_ERR_NOMEM;
		ix->rec = nr;
		ix->cap = ncap;
	}
	ix->rec[ix->n++] = *r;
	return 0;
}

static void
index_free(struct ca_index *ix)
{
	free(ix->rec);
	ix->rec = NULL;
	ix->n = ix->cap = 0;
}

static const struct gmpki_ca_record *
index_find(const struct ca_index *ix, const char *serial)
{
	size_t i;

	for (i = 0; i < ix->n; i++)
		if (strcmp(ix->rec[i].serial, serial) == 0)
			return &ix->rec[i];
	return NULL;
}

/* One line (without its '\n') into r. */
static int
index_parse_line(char *line, struct gmpki_ca_record *r)
{
	char *f[6], *p = line, *tab;
	int i, reason;

	for (i = 0; i < 6; i++) {
		f[i] = p;
		tab = strchr(p, '\t');
		if (i < 5) {
			if (tab == NULL)
				return GMPKI_ERR_DECODE;
			*tab = '\0';
			p = tab + 1;
		} else if (tab != NULL)
			return GMPKI_ERR_DECODE;
	}
	memset(r, 0, sizeof(*r));
	if (!serial_canonical(f[0]))
		return GMPKI_ERR_DECODE;
	snprintf(r->serial, sizeof(r->serial), "%s", f[0]);
	if (strcmp(f[1], "V") != 0 && strcmp(f[1], "R") != 0)
		return GMPKI_ERR_DECODE;
	r->state = f[1][0];
	if (time_parse(f[2], &r->not_after) != 0)
		return GMPKI_ERR_DECODE;
	if (r->state == 'V') {
		if (strcmp(f[3], "-") != 0 || strcmp(f[4], "-") != 0)
			return GMPKI_ERR_DECODE;
		r->revoked_at = 0;
		r->reason = 0;
	} else {
		if (time_parse(f[3], &r->revoked_at) != 0)
			return GMPKI_ERR_DECODE;
		reason = gmpki_reason_from_name(f[4]);
		if (!reason_valid(reason) ||
		    strcmp(gmpki_reason_name(reason), f[4]) != 0)
			return GMPKI_ERR_DECODE;
		r->reason = reason;
	}
	if (*f[5] == '\0' || strlen(f[5]) >= sizeof(r->subject) ||
	    has_ctrl(f[5]))
		return GMPKI_ERR_DECODE;
	snprintf(r->subject, sizeof(r->subject), "%s", f[5]);
	return 0;
}

/* Reads DIR/index.tsv strictly: every line complete, no duplicates. */
static int
index_load(const char *dir, struct ca_index *ix)
{
	char path[PATH_MAX];
	unsigned char *buf = NULL;
	size_t len = 0;
	char *line, *nl, *end;
	struct gmpki_ca_record r;
	int rc;

	memset(ix, 0, sizeof(*ix));
	if ((rc = ca_path(path, sizeof(path), dir, "index.tsv")) != 0)
		return rc;
	if ((rc = gmpki_file_read(path, CA_MAX_INDEX, &buf, &len)) != 0)
		return rc;
	rc = GMPKI_ERR_DECODE;
	if (memchr(buf, '\0', len) != NULL)
		goto out;
	if (len > 0 && buf[len - 1] != '\n')
		goto out;	/* a cut last line */
	end = (char *)buf + len;
	for (line = (char *)buf; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		*nl = '\0';
		if ((rc = index_parse_line(line, &r)) != 0)
			goto out;
		if (index_find(ix, r.serial) != NULL) {
			rc = GMPKI_ERR_DECODE;
			goto out;
		}
		if ((rc = index_push(ix, &r)) != 0)
			goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		index_free(ix);
	free(buf);
	return rc;
}

/* Rewrites DIR/index.tsv whole from ix. */
static int
index_save(const char *dir, const struct ca_index *ix)
{
	char path[PATH_MAX], na[CA_TIME_LEN + 1], ra[CA_TIME_LEN + 1];
	const struct gmpki_ca_record *r;
	char *buf;
	size_t cap, off = 0, i;
	int n, rc;

	if ((rc = ca_path(path, sizeof(path), dir, "index.tsv")) != 0)
		return rc;
	/* serial 80 + subject 512 + the rest, per line. */
	if (ix->n > SIZE_MAX / 700 - 1)
		return GMPKI_ERR_NOMEM;
	cap = (ix->n + 1) * 700;
	if ((buf = malloc(cap)) == NULL)
		return GMPKI_ERR_NOMEM;
	for (i = 0; i < ix->n; i++) {
		r = &ix->rec[i];
		time_str(r->not_after, na);
		if (r->state == 'R')
			time_str(r->revoked_at, ra);
		n = snprintf(buf + off, cap - off, "%s\t%c\t%s\t%s\t%s\t%s\n",
		    r->serial, r->state, na, r->state == 'R' ? ra : "-",
		    r->state == 'R' ? gmpki_reason_name(r->reason) : "-",
		    r->subject);
		if (n < 0 || (size_t)n >= cap - off) {
			free(buf);
			return GMPKI_ERR_INTERNAL;
		}
		off += (size_t)n;
	}
	rc = gmpki_file_write(path, buf, off, 0644, 0);
	free(buf);
	return rc;
}

int
gmpki_ca_sign(gmpki_ca *ca, const struct gmpki_ee_request *r, X509 **out)
{
	struct ca_index ix = { NULL, 0, 0 };
	struct gmpki_ca_record rec;
	char path[PATH_MAX], name[PATH_MAX];
	X509 *cert = NULL;
	int fd = -1, rc, tries;

	if (out != NULL)
		*out = NULL;
	if (ca == NULL || r == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = ca_lock(ca->dir, &fd)) != 0)
		return rc;
	/* A damaged index stops here, before anything is issued. */
	if ((rc = index_load(ca->dir, &ix)) != 0)
		goto out;
	/* 128 random bits do not collide; if they ever do, draw again. */
	for (tries = 0; tries < 3; tries++) {
		X509_free(cert);
		cert = NULL;
		if ((rc = gmpki_ca_issue_ee(ca, r, &cert)) != 0)
			goto out;
		memset(&rec, 0, sizeof(rec));
		if ((rc = serial_key(X509_get0_serialNumber(cert),
		    rec.serial, sizeof(rec.serial))) != 0)
			goto out;
		if (index_find(&ix, rec.serial) == NULL)
			break;
	}
	if (tries == 3) {
		rc = GMPKI_ERR_INTERNAL;
		goto out;
	}
	rec.state = 'V';
	if ((rc = gmpki_asn1_time_to_time(X509_get0_notAfter(cert),
	    &rec.not_after)) != 0)
		goto out;
	if ((rc = gmpki_name_print(X509_get_subject_name(cert), rec.subject,
	    sizeof(rec.subject))) != 0)
		goto out;
	if (has_ctrl(rec.subject)) {
		rc = GMPKI_ERR_SUBJECT;
		goto out;
	}
	if ((rc = index_push(&ix, &rec)) != 0)
		goto out;
	snprintf(name, sizeof(name), "certs/%s.pem", rec.serial);
	if ((rc = ca_path(path, sizeof(path), ca->dir, name)) != 0)
		goto out;
	if ((rc = write_cert(path, cert)) != 0)
		goto out;
	if ((rc = index_save(ca->dir, &ix)) != 0) {
		unlink(path);
		goto out;
	}
	*out = cert;
	cert = NULL;
	rc = 0;
out:
	ca_unlock(fd);
	index_free(&ix);
	X509_free(cert);
	return rc;
}

int
gmpki_ca_revoke(gmpki_ca *ca, const char *serial_hex, int reason, time_t at)
{
	struct ca_index ix = { NULL, 0, 0 };
	struct gmpki_ca_record *rec = NULL;
	ASN1_INTEGER *sn = NULL;
	char serial[2 * 40 + 2];
	size_t i;
	int fd = -1, rc;

	if (ca == NULL || serial_hex == NULL || !reason_valid(reason) ||
	    at < 0)
		return GMPKI_ERR_ARG;
	/* Normalise: case and leading zeros do not matter to the user. */
	if ((rc = gmpki_serial_from_hex(serial_hex, &sn)) != 0)
		return rc;
	rc = serial_key(sn, serial, sizeof(serial));
	ASN1_INTEGER_free(sn);
	if (rc != 0)
		return rc;
	if ((rc = ca_lock(ca->dir, &fd)) != 0)
		return rc;
	if ((rc = index_load(ca->dir, &ix)) != 0)
		goto out;
	for (i = 0; i < ix.n; i++)
		if (strcmp(ix.rec[i].serial, serial) == 0)
			rec = &ix.rec[i];
	if (rec == NULL) {
		rc = GMPKI_ERR_NOT_FOUND;
		goto out;
	}
	if (rec->state == 'R') {
		rc = GMPKI_ERR_ALREADY_REVOKED;
		goto out;
	}
	rec->state = 'R';
	rec->revoked_at = at != 0 ? at : time(NULL);
	rec->reason = reason;
	rc = index_save(ca->dir, &ix);
out:
	ca_unlock(fd);
	index_free(&ix);
	return rc;
}

/* DIR/crlnumber: a positive decimal number, optionally ending in '\n'. */
static int
crlnumber_load(const char *dir, long *out)
{
	char path[PATH_MAX];
	unsigned char *buf = NULL;
	size_t len = 0, i;
	long v = 0;
	int rc;

	if ((rc = ca_path(path, sizeof(path), dir, "crlnumber")) != 0)
		return rc;
	if ((rc = gmpki_file_read(path, 64, &buf, &len)) != 0)
		return rc;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = GMPKI_ERR_DECODE;
	if (len == 0 || len > 18 || buf[0] == '0')
		goto out;
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			goto out;
		v = v * 10 + (buf[i] - '0');
	}
	*out = v;
	rc = 0;
out:
	free(buf);
	return rc;
}

int
gmpki_ca_crl(gmpki_ca *ca, time_t at, X509_CRL **out)
{
	struct ca_index ix = { NULL, 0, 0 };
	struct gmpki_revoked *ent = NULL;
	ASN1_INTEGER **sns = NULL;
	X509_CRL *crl = NULL;
	char path[PATH_MAX], num[32];
	size_t i, n = 0;
	long number;
	int fd = -1, rc, len;

	if (out != NULL)
		*out = NULL;
	if (ca == NULL || out == NULL || at < 0)
		return GMPKI_ERR_ARG;
	if (at == 0)
		at = time(NULL);
	if ((rc = ca_lock(ca->dir, &fd)) != 0)
		return rc;
	if ((rc = crlnumber_load(ca->dir, &number)) != 0 ||
	    (rc = index_load(ca->dir, &ix)) != 0)
		goto out;
	if (ix.n > 0 && ((ent = calloc(ix.n, sizeof(*ent))) == NULL ||
	    (sns = calloc(ix.n, sizeof(*sns))) == NULL)) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < ix.n; i++) {
		if (ix.rec[i].state != 'R')
			continue;
		if ((rc = gmpki_serial_from_hex(ix.rec[i].serial,
		    &sns[n])) != 0)
			goto out;
		ent[n].serial = sns[n];
		ent[n].revoked_at = ix.rec[i].revoked_at;
		ent[n].reason = ix.rec[i].reason;
		n++;
	}
	/* RFC 5280 §5.2.3: cRLNumber increases with every CRL issued. */
	if ((rc = gmpki_crl_create(ca->issuing, ca->key, ent, n, number, at,
	    at + (time_t)CA_CRL_DAYS * 86400, NULL, &crl)) != 0)
		goto out;
	len = snprintf(num, sizeof(num), "%ld\n", number + 1);
	if ((rc = ca_path(path, sizeof(path), ca->dir, "crlnumber")) != 0 ||
	    (rc = gmpki_file_write(path, num, (size_t)len, 0644, 0)) != 0)
		goto out;
	*out = crl;
	crl = NULL;
	rc = 0;
out:
	ca_unlock(fd);
	for (i = 0; i < n; i++)
		ASN1_INTEGER_free(sns[i]);
	free(sns);
	free(ent);
	X509_CRL_free(crl);
	index_free(&ix);
	return rc;
}

int
gmpki_ca_records(const gmpki_ca *ca,
    int (*fn)(void *arg, const struct gmpki_ca_record *rec), void *arg)
{
	struct ca_index ix;
	size_t i;
	int rc;

	if (ca == NULL || fn == NULL)
		return GMPKI_ERR_ARG;
	/* index.tsv is replaced by rename, so a read needs no lock. */
	if ((rc = index_load(ca->dir, &ix)) != 0)
		return rc;
	for (i = 0; i < ix.n; i++)
		if ((rc = fn(arg, &ix.rec[i])) != 0)
			break;
	index_free(&ix);
	return rc;
}
