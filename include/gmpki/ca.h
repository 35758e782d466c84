/*
 * gmpki/ca.h - a two-tier CA (root + issuing CA) kept in a directory.
 *
 * Layout (docs/CA-DIRECTORY.md):
 *   DIR/root.pem  DIR/issuing.pem  DIR/chain.pem (issuing, then root)
 *   DIR/ca.conf                 name, URLs (key = value lines)
 *   DIR/private/       0700     root.key, issuing.key: encrypted PKCS#8 0600
 *   DIR/private/passphrase 0600 only when no passphrase was given at init
 *   DIR/certs/SERIAL.pem        every certificate issued by gmpki_ca_sign
 *   DIR/index.tsv               serial, V|R, notAfter, revoked_at, reason, subject
 *   DIR/crlnumber
 * The online service keeps its records in its database instead and uses
 * only gmpki_ca_init / gmpki_ca_open / gmpki_ca_issue_ee.
 */
#ifndef GMPKI_CA_H
#define GMPKI_CA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gmpki_ca_init_params {
	const char *dir;      /* created 0700; must not hold a CA already     */
	const char *name;     /* CA name, e.g. "CertHelper CA"; NULL: default */
	const char *pass;     /* key passphrase; NULL: a random one is written
	                         to DIR/private/passphrase (0600)             */
	size_t passlen;
	const char *crl_url;  /* put in issued certificates; may be NULL      */
	const char *ocsp_url;
	uint32_t kdf_iter;    /* 0: GMPKI_PBKDF2_DEFAULT_ITER                 */
};

int gmpki_ca_init(const struct gmpki_ca_init_params *p);

typedef struct gmpki_ca gmpki_ca;

/*
 * Opens the CA in dir and decrypts the issuing key (pass NULL: read
 * DIR/private/passphrase).  Refuses a private/ folder or key file that
 * others can read (GMPKI_ERR_PERMISSION).
 */
int gmpki_ca_open(const char *dir, const char *pass, size_t passlen,
    gmpki_ca **out);
void gmpki_ca_free(gmpki_ca *ca);

X509 *gmpki_ca_root(const gmpki_ca *ca);
X509 *gmpki_ca_issuing(const gmpki_ca *ca);
EVP_PKEY *gmpki_ca_issuing_key(const gmpki_ca *ca);
STACK_OF(X509) *gmpki_ca_chain(const gmpki_ca *ca); /* issuing, root */
const char *gmpki_ca_crl_url(const gmpki_ca *ca);   /* "" when unset */
const char *gmpki_ca_ocsp_url(const gmpki_ca *ca);

struct gmpki_ee_request {
	X509_REQ *csr;        /* verified SM2 CSR: only its key is used       */
	EVP_PKEY *pubkey;     /* or the key directly (csr NULL)               */
	const char *username; /* CN                                           */
	const char *uscc;     /* 统一社会信用代码, validated                  */
	const char *org;      /* O: 企业名称                                  */
	int days;             /* 0: three calendar years                      */
	time_t not_before;    /* 0: now                                       */
};

/* Issues an end-entity signing certificate; records nothing. */
int gmpki_ca_issue_ee(const gmpki_ca *ca, const struct gmpki_ee_request *r,
    X509 **out);

/* Issues a delegated OCSP responder certificate for key (CN name, NULL:
 * "<ca> OCSP Responder"): one year, or until the issuing CA's end when
 * that is sooner. */
int gmpki_ca_issue_ocsp_signer(const gmpki_ca *ca, EVP_PKEY *key,
    const char *name, X509 **out);

/* The delegated certificates a service runs with, named by the CA:
 * GMPKI_CERT_OCSP ("<ca> OCSP Responder") or GMPKI_CERT_DOCSIGN ("<ca>
 * 目录签名", RFC 9336, with the CA's CRL and OCSP URLs); one year, or
 * until the issuing CA's end when that is sooner.  GMPKI_ERR_ARG for
 * another kind, GMPKI_ERR_KEY_NOT_SM2, GMPKI_ERR_CERT_EXPIRED when the
 * issuing CA has ended. */
int gmpki_ca_issue_delegated(const gmpki_ca *ca, enum gmpki_cert_kind kind,
    EVP_PKEY *key, X509 **out);

/* File-backed records (the gmpki tool's CA). */
int gmpki_ca_sign(gmpki_ca *ca, const struct gmpki_ee_request *r, X509 **out);
int gmpki_ca_revoke(gmpki_ca *ca, const char *serial_hex, int reason,
    time_t at);
/* A new CRL of every revoked record, cRLNumber incremented, nextUpdate
 * at + 7 days. */
int gmpki_ca_crl(gmpki_ca *ca, time_t at, X509_CRL **out);

/* One record of DIR/index.tsv. */
struct gmpki_ca_record {
	char serial[80];
	char state;        /* 'V' valid, 'R' revoked */
	time_t not_after;
	time_t revoked_at; /* 0 unless revoked */
	int reason;
	char subject[512];
};
/* Calls fn for each record in order; stops and returns fn's non-zero value. */
int gmpki_ca_records(const gmpki_ca *ca,
    int (*fn)(void *arg, const struct gmpki_ca_record *rec), void *arg);

#ifdef __cplusplus
}
#endif
#endif
