/*
 * fixture.h - what the C tests share beyond test.h's checks: certificates
 * made with libgmpki (a root and issuing CA, end entities, an OCSP
 * responder and its answers, CRLs, PEM), temporary folders and files, and
 * shell commands with their output.
 *
 * Static inline, like test.h: every test is one source file.  The helpers
 * that make something check each step with CHECK_OK, so a failure shows
 * at the line of the call that failed, counted like any other check.
 */
#ifndef GMPKI_TEST_FIXTURE_H
#define GMPKI_TEST_FIXTURE_H

#include "test.h"

#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USCC "91350100M000100Y43"	/* GB 32100-2015's example */
#define DAY (24L * 60 * 60)
#define YEAR (365L * DAY)

/* The names of the usual test CA, and of its OCSP responder. */
#define FX_ROOT_NAME "/C=CN/O=CertHelper/CN=Test Root"
#define FX_CA_NAME "/C=CN/O=CertHelper/CN=Test CA"
#define FX_OCSP_NAME "/C=CN/O=CertHelper/CN=Test OCSP"

/* The number of elements of an array. */
#define FX_N(a) (sizeof(a) / sizeof((a)[0]))

/* --- certificates ------------------------------------------------------- */

/*
 * A certificate of kind for subject ("/C=CN/O=…/CN=…") and *key (a new SM2
 * key when *key is NULL), issued by issuer with issuer_key, or self-signed
 * when issuer_key is NULL; valid from nb to na (0: the library's
 * defaults).  An end entity carries USCC.
 */
static inline X509 *
fx_issue(enum gmpki_cert_kind kind, const char *subject, EVP_PKEY **key,
    X509 *issuer, EVP_PKEY *issuer_key, time_t nb, time_t na)
{
	struct gmpki_issue_params p;
	X509_NAME *name = NULL;
	X509 *x = NULL;

	if (*key == NULL)
		CHECK_OK(gmpki_sm2_keygen(key));
	memset(&p, 0, sizeof(p));
	CHECK_OK(gmpki_name_parse(subject, &name));
	p.kind = kind;
	p.subject = name;
	p.subject_key = *key;
	p.issuer_cert = issuer;
	p.issuer_key = issuer_key != NULL ? issuer_key : *key;
	p.not_before = nb;
	p.not_after = na;
	p.uscc = USCC;
	CHECK_OK(gmpki_cert_issue(&p, &x));
	X509_NAME_free(name);
	return x;
}

/*
 * A root (root_name, valid nb to root_na) and an issuing CA under it
 * (ca_name, nb to ca_na), each with a new key unless one is given.
 */
static inline void
fx_ca_pair(const char *root_name, const char *ca_name, time_t nb,
    time_t root_na, time_t ca_na, EVP_PKEY **root_key, X509 **root,
    EVP_PKEY **ca_key, X509 **ca)
{
	*root = fx_issue(GMPKI_CERT_ROOT, root_name, root_key, NULL, NULL, nb,
	    root_na);
	*ca = fx_issue(GMPKI_CERT_ISSUING, ca_name, ca_key, *root, *root_key,
	    nb, ca_na);
}

/* Frees what a test made: n certificates and m keys (NULLs allowed). */
static inline void
fx_free(X509 *const *certs, size_t n, EVP_PKEY *const *keys, size_t m)
{
	size_t i;

	for (i = 0; i < n; i++)
		X509_free(certs[i]);
	for (i = 0; i < m; i++)
		EVP_PKEY_free(keys[i]);
}

/* The PEM of a, followed by b's unless b is NULL; free() it. */
static inline char *
fx_pem(X509 *a, X509 *b)
{
	char *pa = NULL, *pb = NULL, *out;
	size_t la = 0, lb = 0;

	CHECK_OK(gmpki_cert_to_pem(a, &pa, &la));
	if (b != NULL)
		CHECK_OK(gmpki_cert_to_pem(b, &pb, &lb));
	if ((out = malloc(la + lb + 1)) != NULL) {
		memcpy(out, pa != NULL ? pa : "", la);
		memcpy(out + la, pb != NULL ? pb : "", lb);
		out[la + lb] = '\0';
	}
	free(pa);
	free(pb);
	return out;
}

/* Writes fx_pem(a, b) to path (0644); 0 or a GMPKI_ERR_* code. */
static inline int
fx_write_pem(const char *path, X509 *a, X509 *b)
{
	char *pem = fx_pem(a, b);
	int rc;

	if (pem == NULL)
		return GMPKI_ERR_NOMEM;
	rc = gmpki_file_write(path, pem, strlen(pem), 0644, 0);
	free(pem);
	return rc;
}

/*
 * A CRL of issuer (signed with key), number, thisUpdate tu and nextUpdate
 * nu, listing revoked (revoked_at, reason) or, when revoked is NULL,
 * nothing.
 */
static inline X509_CRL *
fx_crl(X509 *issuer, EVP_PKEY *key, X509 *revoked, time_t revoked_at,
    int reason, long number, time_t tu, time_t nu)
{
	struct gmpki_revoked e;
	X509_CRL *crl = NULL;

	memset(&e, 0, sizeof(e));
	if (revoked != NULL)
		e.serial = X509_get0_serialNumber(revoked);
	e.revoked_at = revoked_at;
	e.reason = reason;
	CHECK_OK(gmpki_crl_create(issuer, key, &e, revoked != NULL ? 1 : 0,
	    number, tu, nu, NULL, &crl));
	return crl;
}

/* --- OCSP --------------------------------------------------------------- */

/* A responder for issuer's certificates, signing as signer with key. */
static inline void
fx_responder(struct gmpki_ocsp_responder *r, X509 *issuer, X509 *signer,
    EVP_PKEY *key, int validity_secs, gmpki_ocsp_lookup_fn lookup)
{
	*r = (struct gmpki_ocsp_responder){ .issuer = issuer, .signer = signer,
	    .signer_key = key, .validity_secs = validity_secs,
	    .lookup = lookup };
}

/*
 * r's answer at time at to a request for cert (from issuer; a SHA-1
 * CertID with sha1, a nonce with nonce): the DER response in *out, the
 * request in *reqp unless reqp is NULL; gmpki_ocsp_respond's code.
 */
static inline int
fx_ocsp_ask(const struct gmpki_ocsp_responder *r, X509 *cert, X509 *issuer,
    int sha1, int nonce, time_t at, OCSP_REQUEST **reqp, unsigned char **out,
    size_t *outlen)
{
	OCSP_REQUEST *req = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	CHECK_OK(gmpki_ocsp_request_create(cert, issuer, sha1, nonce, &req));
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &len));
	rc = gmpki_ocsp_respond(r, der, len, at, out, outlen);
	free(der);
	if (reqp != NULL)
		*reqp = req;
	else
		OCSP_REQUEST_free(req);
	return rc;
}

/* --- files and commands ------------------------------------------------- */

static inline int
fx_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes path and everything below it (links are not followed). */
static inline void
fx_rm_rf(const char *path)
{
	nftw(path, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir/rel, in one of 8 static buffers taken in turn (a few at once). */
static inline const char *
fx_path(const char *dir, const char *rel)
{
	static char buf[8][1024];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, rel);
	return buf[i];
}

/*
 * Removes the n files named in dir, then dir, which must be empty by then
 * (a check: a test leaves nothing behind it did not name).
 */
static inline void
fx_rm_files(const char *dir, const char *const *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		unlink(fx_path(dir, files[i]));
	CHECK(rmdir(dir) == 0);
}

/* The permission bits of path itself (a link is not followed), or -1. */
static inline int
fx_mode_of(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

/* 1 when there is something at path (a link counts, even a dangling one). */
static inline int
fx_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/*
 * The file (at most 1 MiB) as a NUL-terminated string to free(), its
 * length in *len unless len is NULL; NULL when it cannot be read.
 */
static inline char *
fx_slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	size_t n = 0;

	if (len != NULL)
		*len = 0;
	if (gmpki_file_read(path, 1 << 20, &buf, &n) != 0)
		return NULL;
	if (len != NULL)
		*len = n;
	return (char *)buf;
}

/* Writes len bytes to path with stdio (not the library under test). */
static inline int
fx_write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	int ok;

	if (fp == NULL)
		return -1;
	ok = fwrite(data, 1, len, fp) == len;
	return fclose(fp) == 0 && ok ? 0 : -1;
}

/*
 * Runs cmd with the shell, in dir unless dir is NULL, its stdout and
 * stderr into out (NUL-terminated, cut at outlen - 1; the rest is read
 * and dropped).  The exit status, or -1 when it did not run or exit.
 */
static inline int
fx_run(const char *dir, const char *cmd, char *out, size_t outlen)
{
	char full[4096];
	FILE *f;
	size_t n = 0, r;
	int st;

	if (dir != NULL)
		snprintf(full, sizeof(full), "cd %s && %s 2>&1", dir, cmd);
	else
		snprintf(full, sizeof(full), "%s 2>&1", cmd);
	out[0] = '\0';
	if ((f = popen(full, "r")) == NULL)
		return -1;
	while (n + 1 < outlen && (r = fread(out + n, 1, outlen - 1 - n, f)) > 0)
		n += r;
	out[n] = '\0';
	while (fread(full, 1, sizeof(full), f) > 0)
		;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
