/*
 * ca_test.c - the directory-backed two-tier CA (lib/ca.c): init, open and
 * its permission checks, issuing, the index, revocation and CRLs, and
 * every error each function documents.
 */
#include "test.h"
#include "fixture.h"

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#define PASS "correct horse battery staple"
#define ITER 1000	/* keep PBKDF2 cheap in tests */

static char tmpdir[] = "/tmp/gmpki_ca_test.XXXXXX";

/* A path under the test folder. */
static const char *
tpath(const char *rel)
{
	return fx_path(tmpdir, rel);
}

static int
put(const char *path, const char *s)
{
	return gmpki_file_write(path, s, strlen(s), 0644, 0);
}

static int
copy_file(const char *from, const char *to, mode_t mode)
{
	size_t len;
	char *s = fx_slurp(from, &len);
	int rc;

	if (s == NULL)
		return -1;
	rc = gmpki_file_write(to, s, len, mode, 0);
	free(s);
	return rc;
}

static int
init_ca(const char *name, const char *pass)
{
	struct gmpki_ca_init_params p;

	memset(&p, 0, sizeof(p));
	p.dir = tpath(name);
	p.name = "Test CA";
	p.pass = pass;
	p.passlen = pass != NULL ? strlen(pass) : 0;
	p.crl_url = "http://crl.example.cn/issuing.crl";
	p.ocsp_url = "http://ocsp.example.cn";
	p.kdf_iter = ITER;
	return gmpki_ca_init(&p);
}

static gmpki_ca *
open_ca(const char *name)
{
	gmpki_ca *ca = NULL;

	CHECK_OK(gmpki_ca_open(tpath(name), PASS, strlen(PASS), &ca));
	return ca;
}

static EVP_PKEY *
new_key(void)
{
	EVP_PKEY *k = NULL;

	CHECK_OK(gmpki_sm2_keygen(&k));
	return k;
}

static X509_REQ *
new_csr(EVP_PKEY *k)
{
	X509_REQ *req = NULL;

	CHECK_OK(gmpki_csr_create(k, NULL, NULL, &req));
	return req;
}

static void
ee_request(struct gmpki_ee_request *r, EVP_PKEY *pub, const char *user)
{
	memset(r, 0, sizeof(*r));
	r->pubkey = pub;
	r->username = user;
	r->uscc = USCC;
	r->org = "测试企业有限公司";
}

static int
count_certs(const char *dir)
{
	char cmd[600];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls %s/certs | wc -l", dir);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

/* Serial hex without leading zeros, as index.tsv keys it. */
static void
strip_zeros(char *s)
{
	size_t skip = 0, n = strlen(s);

	while (skip + 1 < n && s[skip] == '0')
		skip++;
	memmove(s, s + skip, n - skip + 1);
}

/* --- init --------------------------------------------------------------- */

static void
test_init_layout(void)
{
	STACK_OF(X509) *chain = NULL;
	X509 *root = NULL, *iss = NULL;
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));
	char *s;

	CHECK_OK(init_ca("a", PASS));
	CHECK(fx_mode_of(tpath("a")) == 0700);
	CHECK(fx_mode_of(tpath("a/private")) == 0700);
	CHECK(fx_mode_of(tpath("a/private/root.key")) == 0600);
	CHECK(fx_mode_of(tpath("a/private/issuing.key")) == 0600);
	CHECK(!fx_exists(tpath("a/private/passphrase")));
	CHECK(fx_mode_of(tpath("a/root.pem")) == 0644);
	CHECK(fx_exists(tpath("a/certs")));

	/* Keys are encrypted. */
	s = fx_slurp(tpath("a/private/issuing.key"), NULL);
	CHECK(s != NULL && strstr(s, "ENCRYPTED PRIVATE KEY") != NULL);
	free(s);

	CHECK_OK(gmpki_cert_load(tpath("a/root.pem"), &root));
	CHECK_OK(gmpki_cert_load(tpath("a/issuing.pem"), &iss));
	CHECK_OK(gmpki_cert_info_get(root, info));
	CHECK_STR(info->subject, "C=CN, O=Test CA, CN=Test CA Root CA");
	CHECK(info->is_ca && info->self_signed && info->is_sm2);
	CHECK_OK(gmpki_cert_info_get(iss, info));
	CHECK_STR(info->subject, "C=CN, O=Test CA, CN=Test CA Issuing CA");
	CHECK_STR(info->issuer, "C=CN, O=Test CA, CN=Test CA Root CA");
	CHECK(info->is_ca && info->path_len == 0);
	CHECK_OK(gmpki_sm2_verify_cert(iss, X509_get0_pubkey(root), NULL));

	/* chain.pem: issuing, then root. */
	CHECK_OK(gmpki_certs_load(tpath("a/chain.pem"), &chain));
	CHECK(chain != NULL && sk_X509_num(chain) == 2);
	if (chain != NULL && sk_X509_num(chain) == 2) {
		CHECK(X509_cmp(sk_X509_value(chain, 0), iss) == 0);
		CHECK(X509_cmp(sk_X509_value(chain, 1), root) == 0);
	}

	s = fx_slurp(tpath("a/ca.conf"), NULL);
	CHECK(s != NULL && strstr(s, "name = Test CA\n") != NULL);
	CHECK(s != NULL &&
	    strstr(s, "crl_url = http://crl.example.cn/issuing.crl\n") != NULL);
	CHECK(s != NULL && strstr(s, "ocsp_url = http://ocsp.example.cn\n") !=
	    NULL);
	free(s);
	s = fx_slurp(tpath("a/index.tsv"), NULL);
	CHECK_STR(s, "");
	free(s);
	s = fx_slurp(tpath("a/crlnumber"), NULL);
	CHECK_STR(s, "1\n");
	free(s);

	sk_X509_pop_free(chain, X509_free);
	X509_free(root);
	X509_free(iss);
	free(info);
}

static void
test_init_random_pass(void)
{
	gmpki_ca *ca = NULL;
	char *s;
	size_t len = 0, i;
	int hex = 1;

	CHECK_OK(init_ca("rp", NULL));
	CHECK(fx_mode_of(tpath("rp/private/passphrase")) == 0600);
	s = fx_slurp(tpath("rp/private/passphrase"), &len);
	CHECK(s != NULL && len == 65 && s[64] == '\n');
	for (i = 0; s != NULL && i < 64; i++)
		if (!strchr("0123456789abcdef", s[i]))
			hex = 0;
	CHECK(hex);
	/* Opens with the file's passphrase, or the same one given. */
	CHECK_OK(gmpki_ca_open(tpath("rp"), NULL, 0, &ca));
	gmpki_ca_free(ca);
	ca = NULL;
	if (s != NULL)
		CHECK_OK(gmpki_ca_open(tpath("rp"), s, 64, &ca));
	gmpki_ca_free(ca);
	ca = NULL;
	CHECK_RC(gmpki_ca_open(tpath("rp"), PASS, strlen(PASS), &ca),
	    GMPKI_ERR_PASSPHRASE);
	CHECK(ca == NULL);
	free(s);
}

static void
test_init_errors(void)
{
	struct gmpki_ca_init_params p;
	char *s;

	CHECK_RC(gmpki_ca_init(NULL), GMPKI_ERR_ARG);
	memset(&p, 0, sizeof(p));
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);
	p.dir = "";
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);

	/* A CA is never overwritten. */
	CHECK_OK(init_ca("twice", PASS));
	s = fx_slurp(tpath("twice/root.pem"), NULL);
	CHECK_RC(init_ca("twice", PASS), GMPKI_ERR_EXISTS);
	{
		char *t = fx_slurp(tpath("twice/root.pem"), NULL);
		CHECK(s != NULL && t != NULL && strcmp(s, t) == 0);
		free(t);
	}
	free(s);

	memset(&p, 0, sizeof(p));
	p.dir = tpath("bad");
	p.kdf_iter = ITER;
	p.name = "Bad\nName";
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);
	p.name = "";
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);
	p.name = NULL;
	p.crl_url = "ftp://crl.example.cn/x.crl";
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);
	p.crl_url = "http://crl.example.cn/a b";
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);
	p.crl_url = NULL;
	p.ocsp_url = "http://ocsp\n.example.cn";
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);
	p.ocsp_url = NULL;
	p.pass = "x";
	p.passlen = 0;
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_ARG);
	CHECK(!fx_exists(tpath("bad")));

	/* A missing parent folder. */
	p.pass = NULL;
	p.dir = tpath("no/such/parent");
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_IO);

	/* A plain file where the folder should be. */
	CHECK_OK(put(tpath("afile"), "x"));
	p.dir = tpath("afile");
	CHECK_RC(gmpki_ca_init(&p), GMPKI_ERR_EXISTS);
}

/* A failure late in init takes away everything init made, and only that. */
static void
test_init_cleanup(void)
{
	CHECK(mkdir(tpath("pre"), 0755) == 0);
	CHECK_OK(put(tpath("pre/index.tsv"), "mine\n"));
	CHECK_RC(init_ca("pre", PASS), GMPKI_ERR_EXISTS);
	CHECK(fx_exists(tpath("pre")));
	CHECK(!fx_exists(tpath("pre/root.pem")));
	CHECK(!fx_exists(tpath("pre/issuing.pem")));
	CHECK(!fx_exists(tpath("pre/chain.pem")));
	CHECK(!fx_exists(tpath("pre/ca.conf")));
	CHECK(!fx_exists(tpath("pre/private")));
	CHECK(!fx_exists(tpath("pre/certs")));
	{
		char *s = fx_slurp(tpath("pre/index.tsv"), NULL);
		CHECK_STR(s, "mine\n");
		free(s);
	}
	/* A fresh folder made by init goes away too (random passphrase
	 * file included). */
	CHECK(mkdir(tpath("pre2"), 0755) == 0);
	CHECK(mkdir(tpath("pre2/certs"), 0755) == 0);
	CHECK_RC(init_ca("pre2", NULL), GMPKI_ERR_EXISTS);
	CHECK(!fx_exists(tpath("pre2/private")));
	CHECK(fx_exists(tpath("pre2/certs")));
}

/* --- open ----------------------------------------------------------------- */

static void
test_open_accessors(void)
{
	gmpki_ca *ca;
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));
	STACK_OF(X509) *chain;

	CHECK(gmpki_ca_root(NULL) == NULL && gmpki_ca_issuing(NULL) == NULL &&
	    gmpki_ca_issuing_key(NULL) == NULL && gmpki_ca_chain(NULL) == NULL);
	CHECK_STR(gmpki_ca_crl_url(NULL), "");
	CHECK_STR(gmpki_ca_ocsp_url(NULL), "");
	if ((ca = open_ca("a")) == NULL) {
		free(info);
		return;
	}
	CHECK(gmpki_ca_root(ca) != NULL && gmpki_ca_issuing(ca) != NULL);
	CHECK(gmpki_sm2_key_match(gmpki_ca_issuing_key(ca),
	    X509_get0_pubkey(gmpki_ca_issuing(ca))));
	chain = gmpki_ca_chain(ca);
	CHECK(sk_X509_num(chain) == 2);
	CHECK(sk_X509_value(chain, 0) == gmpki_ca_issuing(ca));
	CHECK(sk_X509_value(chain, 1) == gmpki_ca_root(ca));
	CHECK_STR(gmpki_ca_crl_url(ca), "http://crl.example.cn/issuing.crl");
	CHECK_STR(gmpki_ca_ocsp_url(ca), "http://ocsp.example.cn");
	CHECK_OK(gmpki_cert_info_get(gmpki_ca_root(ca), info));
	CHECK_STR(info->cn, "Test CA Root CA");
	gmpki_ca_free(ca);
	gmpki_ca_free(NULL);
	free(info);
}

static void
test_open_errors(void)
{
	gmpki_ca *ca = (gmpki_ca *)&ca;
	char d[512];

	CHECK_RC(gmpki_ca_open(NULL, PASS, strlen(PASS), &ca), GMPKI_ERR_ARG);
	CHECK(ca == NULL);
	CHECK_RC(gmpki_ca_open(tpath("a"), PASS, strlen(PASS), NULL),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_open(tpath("a"), PASS, 0, &ca), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_open(tpath("missing"), PASS, strlen(PASS),
	    &ca), GMPKI_ERR_IO);
	CHECK_RC(gmpki_ca_open(tpath("a"), "wrong", 5, &ca),
	    GMPKI_ERR_PASSPHRASE);
	/* No passphrase given and no passphrase file. */
	CHECK_RC(gmpki_ca_open(tpath("a"), NULL, 0, &ca), GMPKI_ERR_IO);

	/* Permissions: a fresh CA per case, to leave "a" alone. */
	CHECK_OK(init_ca("perm", NULL));
	snprintf(d, sizeof(d), "%s", tpath("perm"));
	CHECK(chmod(tpath("perm/private"), 0750) == 0);
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_PERMISSION);
	CHECK(chmod(tpath("perm/private"), 0701) == 0);
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_PERMISSION);
	CHECK(chmod(tpath("perm/private"), 0700) == 0);
	CHECK(chmod(tpath("perm/private/issuing.key"), 0640) == 0);
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_PERMISSION);
	CHECK(chmod(tpath("perm/private/issuing.key"), 0604) == 0);
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_PERMISSION);
	CHECK(chmod(tpath("perm/private/issuing.key"), 0600) == 0);
	CHECK(chmod(tpath("perm/private/root.key"), 0644) == 0);
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_PERMISSION);
	CHECK(chmod(tpath("perm/private/root.key"), 0600) == 0);
	CHECK(chmod(tpath("perm/private/passphrase"), 0644) == 0);
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_PERMISSION);
	CHECK(chmod(tpath("perm/private/passphrase"), 0600) == 0);
	CHECK_OK(gmpki_ca_open(d, NULL, 0, &ca));
	gmpki_ca_free(ca);
	ca = NULL;

	/* The root key taken offline: the CA still opens. */
	CHECK(rename(tpath("perm/private/root.key"),
	    tpath("perm/root.key.offline")) == 0);
	CHECK_OK(gmpki_ca_open(d, NULL, 0, &ca));
	gmpki_ca_free(ca);
	ca = NULL;

	/* The issuing key replaced by another key: KEY_MISMATCH. */
	CHECK_OK(copy_file(tpath("perm/root.key.offline"),
	    tpath("perm/private/issuing.key"), 0600));
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_KEY_MISMATCH);
	CHECK(ca == NULL);

	/* Another CA's root.pem: the issuing certificate chains nowhere. */
	CHECK_OK(init_ca("perm2", NULL));
	snprintf(d, sizeof(d), "%s", tpath("perm2"));
	CHECK_OK(copy_file(tpath("a/root.pem"),
	    tpath("perm2/root.pem"), 0644));
	CHECK_RC(gmpki_ca_open(d, NULL, 0, &ca), GMPKI_ERR_CERT_CHAIN);

	/* ca.conf damaged, unknown key, duplicate key, missing. */
	CHECK_OK(init_ca("conf", PASS));
	snprintf(d, sizeof(d), "%s", tpath("conf"));
	CHECK_OK(put(tpath("conf/ca.conf"), "name Test\n"));
	CHECK_RC(gmpki_ca_open(d, PASS, strlen(PASS), &ca), GMPKI_ERR_DECODE);
	CHECK_OK(put(tpath("conf/ca.conf"), "name = A\ncolour = red\n"));
	CHECK_RC(gmpki_ca_open(d, PASS, strlen(PASS), &ca), GMPKI_ERR_DECODE);
	CHECK_OK(put(tpath("conf/ca.conf"), "name = A\nname = B\n"));
	CHECK_RC(gmpki_ca_open(d, PASS, strlen(PASS), &ca), GMPKI_ERR_DECODE);
	CHECK_OK(put(tpath("conf/ca.conf"), "crl_url = \n"));
	CHECK_RC(gmpki_ca_open(d, PASS, strlen(PASS), &ca), GMPKI_ERR_DECODE);
	CHECK_OK(put(tpath("conf/ca.conf"),
	    "name = A\ncrl_url = file:///etc/passwd\n"));
	CHECK_RC(gmpki_ca_open(d, PASS, strlen(PASS), &ca), GMPKI_ERR_DECODE);
	/* Comments, blank lines and spacing are fine; URLs may be absent. */
	CHECK_OK(put(tpath("conf/ca.conf"),
	    "# comment\n\n  name=Other Name  \n"));
	CHECK_OK(gmpki_ca_open(d, PASS, strlen(PASS), &ca));
	CHECK_STR(gmpki_ca_crl_url(ca), "");
	gmpki_ca_free(ca);
	ca = NULL;
	CHECK(unlink(tpath("conf/ca.conf")) == 0);
	CHECK_RC(gmpki_ca_open(d, PASS, strlen(PASS), &ca), GMPKI_ERR_IO);
	/* A damaged certificate. */
	CHECK_OK(put(tpath("conf/issuing.pem"), "garbage\n"));
	CHECK_RC(gmpki_ca_open(d, PASS, strlen(PASS), &ca), GMPKI_ERR_DECODE);
	CHECK(ca == NULL);
}

/* --- issuing ------------------------------------------------------------- */

static void
test_issue_ee(void)
{
	gmpki_ca *ca = open_ca("a");
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));
	struct gmpki_ee_request r;
	EVP_PKEY *k = new_key(), *p256 = NULL;
	X509_REQ *csr = new_csr(k);
	X509 *cert = NULL;
	struct tm a, b;
	time_t nb = 1767225600;	/* 2026-01-01 00:00:00 UTC */

	if (ca == NULL || info == NULL)
		goto out;
	/* From a CSR, default validity: three calendar years. */
	ee_request(&r, NULL, "alice");
	r.csr = csr;
	r.not_before = nb;
	CHECK_OK(gmpki_ca_issue_ee(ca, &r, &cert));
	CHECK_OK(gmpki_cert_info_get(cert, info));
	CHECK_STR(info->cn, "alice");
	CHECK_STR(info->org, "测试企业有限公司");
	CHECK_STR(info->uscc, USCC);
	CHECK_STR(info->country, "CN");
	CHECK_STR(info->crl_url, "http://crl.example.cn/issuing.crl");
	CHECK_STR(info->ocsp_url, "http://ocsp.example.cn");
	CHECK(!info->is_ca && info->is_sm2);
	CHECK(info->not_before == nb);
	gmtime_r(&info->not_before, &a);
	gmtime_r(&info->not_after, &b);
	CHECK(b.tm_year == a.tm_year + 3 && b.tm_mon == a.tm_mon &&
	    b.tm_mday == a.tm_mday);
	CHECK_OK(gmpki_sm2_verify_cert(cert, X509_get0_pubkey(
	    gmpki_ca_issuing(ca)), NULL));
	CHECK(gmpki_sm2_key_match(k, X509_get0_pubkey(cert)));
	X509_free(cert);
	cert = NULL;

	/* From a public key, 30 days. */
	ee_request(&r, k, "bob");
	r.days = 30;
	CHECK_OK(gmpki_ca_issue_ee(ca, &r, &cert));
	CHECK_OK(gmpki_cert_info_get(cert, info));
	CHECK(info->not_after - info->not_before == 30 * 86400);
	CHECK(labs((long)(info->not_before - time(NULL))) < 120);
	X509_free(cert);
	cert = NULL;

	/* Errors. */
	CHECK_RC(gmpki_ca_issue_ee(NULL, &r, &cert), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_ee(ca, NULL, &cert), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, NULL), GMPKI_ERR_ARG);
	r.csr = csr;	/* both */
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_ARG);
	r.csr = NULL;
	r.pubkey = NULL;	/* neither */
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_ARG);
	ee_request(&r, k, "bob");
	r.days = -1;
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_ARG);
	r.days = 36501;
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_ARG);
	r.days = 20 * 365;	/* outlives the issuing CA (10 years) */
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_ARG);
	ee_request(&r, k, "bob");
	r.uscc = "91350100M000100Y44";
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_USCC_CHECK);
	r.uscc = "9135";
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_USCC_LENGTH);
	ee_request(&r, k, "");
	CHECK(gmpki_ca_issue_ee(ca, &r, &cert) != 0);
	ee_request(&r, k, NULL);
	CHECK(gmpki_ca_issue_ee(ca, &r, &cert) != 0);
	p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	CHECK(p256 != NULL);
	ee_request(&r, p256, "bob");
	CHECK_RC(gmpki_ca_issue_ee(ca, &r, &cert), GMPKI_ERR_KEY_NOT_SM2);
	CHECK(cert == NULL);
out:
	EVP_PKEY_free(p256);
	X509_REQ_free(csr);
	EVP_PKEY_free(k);
	free(info);
	gmpki_ca_free(ca);
}

static void
test_issue_ocsp_signer(void)
{
	gmpki_ca *ca = open_ca("a");
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));
	EVP_PKEY *k = new_key();
	X509 *cert = NULL;

	if (ca == NULL || info == NULL)
		goto out;
	CHECK_OK(gmpki_ca_issue_ocsp_signer(ca, k, NULL, &cert));
	CHECK_OK(gmpki_cert_info_get(cert, info));
	CHECK_STR(info->subject, "C=CN, O=Test CA, CN=Test CA OCSP Responder");
	CHECK(!info->is_ca);
	CHECK(info->not_after - info->not_before >= 365 * 86400 &&
	    info->not_after - info->not_before <= 366 * 86400);
	CHECK(X509_get_extended_key_usage(cert) & XKU_OCSP_SIGN);
	X509_free(cert);
	cert = NULL;
	CHECK_OK(gmpki_ca_issue_ocsp_signer(ca, k, "ocsp1", &cert));
	CHECK_OK(gmpki_cert_info_get(cert, info));
	CHECK_STR(info->cn, "ocsp1");
	X509_free(cert);
	cert = NULL;
	CHECK_RC(gmpki_ca_issue_ocsp_signer(NULL, k, NULL, &cert),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_ocsp_signer(ca, NULL, NULL, &cert),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_ocsp_signer(ca, k, NULL, NULL), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_ocsp_signer(ca, k, "", &cert),
	    GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_ca_issue_ocsp_signer(ca, k, "a\nb", &cert),
	    GMPKI_ERR_SUBJECT);
	CHECK(cert == NULL);
out:
	EVP_PKEY_free(k);
	free(info);
	gmpki_ca_free(ca);
}

/* The service's delegated pairs: names, key usages, revocation URLs. */
static void
test_issue_delegated(void)
{
	gmpki_ca *ca = open_ca("a");
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));
	EVP_PKEY *k = new_key(), *p256 = NULL;
	X509 *cert = NULL;

	if (ca == NULL || info == NULL)
		goto out;
	CHECK_OK(gmpki_ca_issue_delegated(ca, GMPKI_CERT_OCSP, k, &cert));
	CHECK_OK(gmpki_cert_info_get(cert, info));
	CHECK_STR(info->subject, "C=CN, O=Test CA, CN=Test CA OCSP Responder");
	CHECK(X509_get_extended_key_usage(cert) & XKU_OCSP_SIGN);
	/* id-pkix-ocsp-nocheck: no revocation pointers of its own. */
	CHECK_STR(info->crl_url, "");
	X509_free(cert);
	cert = NULL;
	CHECK_OK(gmpki_ca_issue_delegated(ca, GMPKI_CERT_DOCSIGN, k, &cert));
	CHECK_OK(gmpki_cert_info_get(cert, info));
	CHECK_STR(info->subject, "C=CN, O=Test CA, CN=Test CA 目录签名");
	CHECK_STR(info->crl_url, "http://crl.example.cn/issuing.crl");
	CHECK(!(X509_get_extended_key_usage(cert) & XKU_OCSP_SIGN));
	CHECK(info->not_after - info->not_before >= 365 * 86400 &&
	    info->not_after - info->not_before <= 366 * 86400);
	/* Chains to the issuing CA with the SM2 ID. */
	CHECK_OK(gmpki_sm2_verify_cert(cert, X509_get0_pubkey(
	    gmpki_ca_issuing(ca)), NULL));
	X509_free(cert);
	cert = NULL;
	CHECK_RC(gmpki_ca_issue_delegated(ca, GMPKI_CERT_EE_SIGN, k, &cert),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_delegated(ca, GMPKI_CERT_ROOT, k, &cert),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_delegated(NULL, GMPKI_CERT_OCSP, k, &cert),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_issue_delegated(ca, GMPKI_CERT_OCSP, NULL, &cert),
	    GMPKI_ERR_ARG);
	{
		EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC",
		    NULL);

		if (pc != NULL && EVP_PKEY_keygen_init(pc) > 0 &&
		    EVP_PKEY_CTX_set_group_name(pc, "P-256") > 0)
			EVP_PKEY_keygen(pc, &p256);
		EVP_PKEY_CTX_free(pc);
	}
	CHECK(p256 != NULL);
	CHECK_RC(gmpki_ca_issue_delegated(ca, GMPKI_CERT_DOCSIGN, p256, &cert),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK(cert == NULL);
out:
	EVP_PKEY_free(p256);
	EVP_PKEY_free(k);
	free(info);
	gmpki_ca_free(ca);
}

/* --- records ------------------------------------------------------------- */

struct collect {
	struct gmpki_ca_record rec[8];
	int n;
	int stop_at;	/* return 7 at this record (1-based); 0 never */
};

static int
collect_fn(void *arg, const struct gmpki_ca_record *rec)
{
	struct collect *c = arg;

	if (c->n < 8)
		c->rec[c->n] = *rec;
	c->n++;
	return c->n == c->stop_at ? 7 : 0;
}

static char serial1[80], serial2[80];

static void
test_sign_records(void)
{
	gmpki_ca *ca = open_ca("a");
	struct gmpki_ee_request r;
	struct collect c;
	EVP_PKEY *k = new_key();
	X509 *cert = NULL, *stored = NULL;
	char *idx = NULL, *idx2 = NULL;
	time_t na;

	if (ca == NULL)
		goto out;
	ee_request(&r, k, "alice");
	CHECK_OK(gmpki_ca_sign(ca, &r, &cert));
	CHECK_OK(gmpki_serial_hex(X509_get0_serialNumber(cert), serial1,
	    sizeof(serial1)));
	strip_zeros(serial1);
	{
		char rel[128];

		snprintf(rel, sizeof(rel), "a/certs/%s.pem", serial1);
		CHECK_OK(gmpki_cert_load(tpath(rel), &stored));
	}
	CHECK(stored != NULL && X509_cmp(stored, cert) == 0);
	CHECK_OK(gmpki_asn1_time_to_time(X509_get0_notAfter(cert), &na));
	X509_free(cert);
	cert = NULL;
	ee_request(&r, k, "bob");
	r.days = 10;
	CHECK_OK(gmpki_ca_sign(ca, &r, &cert));
	CHECK_OK(gmpki_serial_hex(X509_get0_serialNumber(cert), serial2,
	    sizeof(serial2)));
	strip_zeros(serial2);
	CHECK(strcmp(serial1, serial2) != 0);
	CHECK(count_certs(tpath("a")) == 2);

	memset(&c, 0, sizeof(c));
	CHECK_OK(gmpki_ca_records(ca, collect_fn, &c));
	CHECK(c.n == 2);
	CHECK_STR(c.rec[0].serial, serial1);
	CHECK_STR(c.rec[1].serial, serial2);
	CHECK(c.rec[0].state == 'V' && c.rec[0].revoked_at == 0);
	CHECK(c.rec[0].not_after == na);
	CHECK_STR(c.rec[0].subject, "C=CN, O=测试企业有限公司, "
	    "organizationIdentifier=" USCC ", CN=alice");
	/* fn's non-zero value stops the walk and is returned. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 1;
	CHECK_RC(gmpki_ca_records(ca, collect_fn, &c), 7);
	CHECK(c.n == 1);
	CHECK_RC(gmpki_ca_records(NULL, collect_fn, &c), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_records(ca, NULL, &c), GMPKI_ERR_ARG);

	/* A refused request records and writes nothing. */
	idx = fx_slurp(tpath("a/index.tsv"), NULL);
	X509_free(cert);
	cert = NULL;
	ee_request(&r, k, "carol");
	r.uscc = "91350100M000100Y44";
	CHECK_RC(gmpki_ca_sign(ca, &r, &cert), GMPKI_ERR_USCC_CHECK);
	CHECK(cert == NULL);
	CHECK_RC(gmpki_ca_sign(ca, NULL, &cert), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_sign(NULL, &r, &cert), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_sign(ca, &r, NULL), GMPKI_ERR_ARG);
	idx2 = fx_slurp(tpath("a/index.tsv"), NULL);
	CHECK(idx != NULL && idx2 != NULL && strcmp(idx, idx2) == 0);
	CHECK(count_certs(tpath("a")) == 2);
out:
	free(idx);
	free(idx2);
	X509_free(cert);
	X509_free(stored);
	EVP_PKEY_free(k);
	gmpki_ca_free(ca);
}

static void
test_revoke(void)
{
	gmpki_ca *ca = open_ca("a");
	struct collect c;
	char lower[90], *idx = NULL, *idx2 = NULL;
	size_t i;
	time_t at = 1767225600;

	if (ca == NULL || serial1[0] == '\0')
		goto out;
	/* Lower case and leading zeros name the same serial. */
	snprintf(lower, sizeof(lower), "00%s", serial1);
	for (i = 0; lower[i] != '\0'; i++)
		if (lower[i] >= 'A' && lower[i] <= 'F')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	CHECK_OK(gmpki_ca_revoke(ca, lower, GMPKI_REASON_KEY_COMPROMISE, at));
	memset(&c, 0, sizeof(c));
	CHECK_OK(gmpki_ca_records(ca, collect_fn, &c));
	CHECK(c.n == 2);
	CHECK(c.rec[0].state == 'R' && c.rec[0].revoked_at == at &&
	    c.rec[0].reason == GMPKI_REASON_KEY_COMPROMISE);
	CHECK(c.rec[1].state == 'V');
	idx = fx_slurp(tpath("a/index.tsv"), NULL);
	CHECK(idx != NULL && strstr(idx, "\tR\t") != NULL &&
	    strstr(idx, "\t20260101000000Z\tkeyCompromise\t") != NULL);

	CHECK_RC(gmpki_ca_revoke(ca, serial1, GMPKI_REASON_SUPERSEDED, 0),
	    GMPKI_ERR_ALREADY_REVOKED);
	CHECK_RC(gmpki_ca_revoke(ca, "ABCDEF0123", 0, 0), GMPKI_ERR_NOT_FOUND);
	CHECK_RC(gmpki_ca_revoke(ca, "xyz", 0, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(ca, "", 0, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(ca, NULL, 0, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(NULL, serial2, 0, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(ca, serial2, 7, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(ca, serial2, GMPKI_REASON_REMOVE_FROM_CRL, 0),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(ca, serial2, -1, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(ca, serial2, 11, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_revoke(ca, serial2, 0, -5), GMPKI_ERR_ARG);
	idx2 = fx_slurp(tpath("a/index.tsv"), NULL);
	CHECK(idx != NULL && idx2 != NULL && strcmp(idx, idx2) == 0);
out:
	free(idx);
	free(idx2);
	gmpki_ca_free(ca);
}

static void
test_crl(void)
{
	gmpki_ca *ca = open_ca("a");
	X509_CRL *crl = NULL;
	ASN1_INTEGER *sn = NULL;
	time_t at = 1767225600 + 3600, t, nu;
	int reason = -1;
	char *s;

	if (ca == NULL || serial1[0] == '\0')
		goto out;
	CHECK_OK(gmpki_ca_crl(ca, at, &crl));
	CHECK(gmpki_crl_number(crl) == 1);
	CHECK_OK(gmpki_crl_verify(crl, gmpki_ca_issuing(ca), at + 60, NULL));
	CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) == 1);
	CHECK_OK(gmpki_serial_from_hex(serial1, &sn));
	CHECK_OK(gmpki_crl_find(crl, sn, &t, &reason));
	CHECK(t == 1767225600 && reason == GMPKI_REASON_KEY_COMPROMISE);
	ASN1_INTEGER_free(sn);
	sn = NULL;
	CHECK_OK(gmpki_serial_from_hex(serial2, &sn));
	CHECK_RC(gmpki_crl_find(crl, sn, &t, &reason), GMPKI_ERR_NOT_FOUND);
	CHECK_OK(gmpki_asn1_time_to_time(X509_CRL_get0_nextUpdate(crl), &nu));
	CHECK(nu == at + 7 * 86400);
	CHECK_OK(gmpki_asn1_time_to_time(X509_CRL_get0_lastUpdate(crl), &t));
	CHECK(t == at);
	s = fx_slurp(tpath("a/crlnumber"), NULL);
	CHECK_STR(s, "2\n");
	free(s);
	X509_CRL_free(crl);
	crl = NULL;
	/* The number goes up with every CRL. */
	CHECK_OK(gmpki_ca_crl(ca, 0, &crl));
	CHECK(gmpki_crl_number(crl) == 2);
	X509_CRL_free(crl);
	crl = NULL;

	CHECK_RC(gmpki_ca_crl(NULL, 0, &crl), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_crl(ca, 0, NULL), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_ca_crl(ca, -1, &crl), GMPKI_ERR_ARG);
out:
	ASN1_INTEGER_free(sn);
	X509_CRL_free(crl);
	gmpki_ca_free(ca);
}

/* An empty CA gives an empty CRL. */
static void
test_crl_empty(void)
{
	gmpki_ca *ca;
	X509_CRL *crl = NULL;

	CHECK_OK(init_ca("empty", PASS));
	if ((ca = open_ca("empty")) == NULL)
		return;
	CHECK_OK(gmpki_ca_crl(ca, 0, &crl));
	CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) <= 0);
	CHECK(gmpki_crl_number(crl) == 1);
	X509_CRL_free(crl);
	gmpki_ca_free(ca);
}

/*
 * A serial whose first byte is below 0x10: one key in index.tsv however
 * it is written (BN_bn2hex gives "0A..", the index "A..").
 */
static void
test_serial_leading_zero(void)
{
	gmpki_ca *ca;
	struct gmpki_ee_request r;
	struct collect c;
	EVP_PKEY *k = new_key();
	X509 *cert = NULL;
	X509_CRL *crl = NULL;
	const ASN1_INTEGER *sn;
	char hex[80], padded[90];
	int i, found = 0;

	CHECK_OK(init_ca("lz", PASS));
	if ((ca = open_ca("lz")) == NULL)
		goto out;
	ee_request(&r, k, "zero");
	for (i = 0; i < 400 && !found; i++) {
		X509_free(cert);
		cert = NULL;
		CHECK_OK(gmpki_ca_sign(ca, &r, &cert));
		if (cert == NULL)
			break;
		sn = X509_get0_serialNumber(cert);
		found = ASN1_STRING_length(sn) > 0 &&
		    ASN1_STRING_get0_data(sn)[0] < 0x10;
	}
	CHECK(found);
	if (!found)
		goto out;
	CHECK_OK(gmpki_serial_hex(X509_get0_serialNumber(cert), hex,
	    sizeof(hex)));
	strip_zeros(hex);
	CHECK(hex[0] != '0');
	{
		char rel[128];

		snprintf(rel, sizeof(rel), "lz/certs/%s.pem", hex);
		CHECK(fx_exists(tpath(rel)));
	}
	snprintf(padded, sizeof(padded), "000%s", hex);
	CHECK_OK(gmpki_ca_revoke(ca, padded, GMPKI_REASON_SUPERSEDED, 0));
	CHECK_RC(gmpki_ca_revoke(ca, hex, GMPKI_REASON_SUPERSEDED, 0),
	    GMPKI_ERR_ALREADY_REVOKED);
	memset(&c, 0, sizeof(c));
	CHECK_OK(gmpki_ca_records(ca, collect_fn, &c));
	CHECK(c.n == i);
	CHECK_OK(gmpki_ca_crl(ca, 0, &crl));
	CHECK_RC(gmpki_crl_find(crl, X509_get0_serialNumber(cert), NULL,
	    NULL), 0);
out:
	X509_CRL_free(crl);
	X509_free(cert);
	EVP_PKEY_free(k);
	gmpki_ca_free(ca);
}

/* --- a damaged index or crlnumber stops every operation ------------------ */

static int
count_fn(void *arg, const struct gmpki_ca_record *rec)
{
	(void)rec;
	(*(int *)arg)++;
	return 0;
}

static void
test_index_strict(void)
{
	static const char *const bad[] = {
		"ABC\tV\t20290101000000Z\t-\t-\tC=CN, CN=x",	/* no '\n' */
		"abc\tV\t20290101000000Z\t-\t-\tC=CN, CN=x\n",	/* lower */
		"0ABC\tV\t20290101000000Z\t-\t-\tC=CN, CN=x\n",	/* zero */
		"AXC\tV\t20290101000000Z\t-\t-\tC=CN, CN=x\n",	/* not hex */
		"\tV\t20290101000000Z\t-\t-\tC=CN, CN=x\n",	/* empty */
		"ABC\tV\t20290101000000Z\t-\tC=CN, CN=x\n",	/* 5 fields */
		"ABC\tV\t20290101000000Z\t-\t-\tC=CN\tCN=x\n",	/* 7 fields */
		"ABC\tX\t20290101000000Z\t-\t-\tC=CN, CN=x\n",	/* state */
		"ABC\tVV\t20290101000000Z\t-\t-\tC=CN, CN=x\n",
		"ABC\tV\t20291301000000Z\t-\t-\tC=CN, CN=x\n",	/* month 13 */
		"ABC\tV\t20290231000000Z\t-\t-\tC=CN, CN=x\n",	/* 31 Feb */
		"ABC\tV\t2029010100000Z\t-\t-\tC=CN, CN=x\n",	/* short */
		"ABC\tV\t20290101000000\t-\t-\tC=CN, CN=x\n",	/* no Z */
		"ABC\tV\t20290101000000Z\t20260101000000Z\t-\tC=CN, CN=x\n",
		"ABC\tR\t20290101000000Z\t-\t-\tC=CN, CN=x\n",
		"ABC\tR\t20290101000000Z\t20260101000000Z\tfoo\tC=CN, CN=x\n",
		"ABC\tR\t20290101000000Z\t20260101000000Z\t1\tC=CN, CN=x\n",
		"ABC\tR\t20290101000000Z\t20260101000000Z\tremoveFromCRL\tC=CN\n",
		"ABC\tV\t20290101000000Z\t-\t-\t\n",		/* no subject */
		"ABC\tV\t20290101000000Z\t-\t-\tC=CN\r\n",	/* CR */
		"\n",						/* blank */
		"ABC\tV\t20290101000000Z\t-\t-\tC=CN, CN=x\n"
		"ABC\tV\t20290101000000Z\t-\t-\tC=CN, CN=y\n",	/* twice */
	};
	static const char good[] =
	    "ABC\tV\t20290101000000Z\t-\t-\tC=CN, CN=x\n"
	    "1\tR\t20290101000000Z\t20260101000000Z\tunspecified\tC=CN, CN=y\n"
	    "0\tR\t20290101000000Z\t20260101000000Z\taACompromise\tC=CN, CN=z\n";
	gmpki_ca *ca;
	struct gmpki_ee_request r;
	EVP_PKEY *k = new_key();
	X509 *cert = NULL;
	X509_CRL *crl = NULL;
	char idx[512];
	size_t i;
	int n;

	snprintf(idx, sizeof(idx), "%s", tpath("strict/index.tsv"));
	CHECK_OK(init_ca("strict", PASS));
	if ((ca = open_ca("strict")) == NULL)
		goto out;
	ee_request(&r, k, "alice");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_OK(put(idx, bad[i]));
		n = 0;
		CHECK_RC(gmpki_ca_records(ca, count_fn, &n), GMPKI_ERR_DECODE);
		CHECK(n == 0);
		CHECK_RC(gmpki_ca_sign(ca, &r, &cert), GMPKI_ERR_DECODE);
		CHECK_RC(gmpki_ca_revoke(ca, "ABC", 0, 0), GMPKI_ERR_DECODE);
		CHECK_RC(gmpki_ca_crl(ca, 0, &crl), GMPKI_ERR_DECODE);
	}
	CHECK(count_certs(tpath("strict")) == 0);
	/* NUL inside the file. */
	CHECK_OK(gmpki_file_write(idx, "ABC\tV\0", 6, 0644, 0));
	CHECK_RC(gmpki_ca_records(ca, count_fn, &n), GMPKI_ERR_DECODE);
	/* The crlnumber was not spent by the refused CRLs. */
	{
		char *s = fx_slurp(tpath("strict/crlnumber"), NULL);
		CHECK_STR(s, "1\n");
		free(s);
	}
	CHECK_OK(put(idx, good));
	n = 0;
	CHECK_OK(gmpki_ca_records(ca, count_fn, &n));
	CHECK(n == 3);
	CHECK_OK(gmpki_ca_crl(ca, 0, &crl));
	CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) == 2);
	X509_CRL_free(crl);
	crl = NULL;

	/* A damaged crlnumber. */
	{
		static const char *const badnum[] = { "", "\n", "0\n", "-1\n",
		    "01\n", "1x\n", "12345678901234567890\n", "1\n\n" };

		for (i = 0; i < sizeof(badnum) / sizeof(badnum[0]); i++) {
			CHECK_OK(put(tpath("strict/crlnumber"),
			    badnum[i]));
			CHECK_RC(gmpki_ca_crl(ca, 0, &crl), GMPKI_ERR_DECODE);
		}
		CHECK_OK(put(tpath("strict/crlnumber"), "41"));
		CHECK_OK(gmpki_ca_crl(ca, 0, &crl));
		CHECK(gmpki_crl_number(crl) == 41);
		X509_CRL_free(crl);
		crl = NULL;
		CHECK(unlink(tpath("strict/crlnumber")) == 0);
		CHECK_RC(gmpki_ca_crl(ca, 0, &crl), GMPKI_ERR_IO);
	}
	CHECK(unlink(idx) == 0);
	CHECK_RC(gmpki_ca_records(ca, count_fn, &n), GMPKI_ERR_IO);
	CHECK_RC(gmpki_ca_sign(ca, &r, &cert), GMPKI_ERR_IO);
	CHECK(cert == NULL && crl == NULL);
	gmpki_ca_free(ca);
out:
	EVP_PKEY_free(k);
}

int
main(void)
{
	if (gmpki_init() != 0 || mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	umask(022);
	RUN(test_init_layout);
	RUN(test_init_random_pass);
	RUN(test_init_errors);
	RUN(test_init_cleanup);
	RUN(test_open_accessors);
	RUN(test_open_errors);
	RUN(test_issue_ee);
	RUN(test_issue_ocsp_signer);
	RUN(test_issue_delegated);
	RUN(test_sign_records);
	RUN(test_revoke);
	RUN(test_crl);
	RUN(test_crl_empty);
	RUN(test_serial_leading_zero);
	RUN(test_index_strict);
	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
