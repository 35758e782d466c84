/*
 * gmpki/crl.h - X.509 v2 CRLs (RFC 5280 §5) signed with SM2-with-SM3.
 */
#ifndef GMPKI_CRL_H
#define GMPKI_CRL_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CRLReason (RFC 5280 §5.3.1); 7 is not used. */
enum gmpki_crl_reason {
	GMPKI_REASON_UNSPECIFIED = 0,
	GMPKI_REASON_KEY_COMPROMISE = 1,
	GMPKI_REASON_CA_COMPROMISE = 2,
	GMPKI_REASON_AFFILIATION_CHANGED = 3,
	GMPKI_REASON_SUPERSEDED = 4,
	GMPKI_REASON_CESSATION_OF_OPERATION = 5,
	GMPKI_REASON_CERTIFICATE_HOLD = 6,
	GMPKI_REASON_REMOVE_FROM_CRL = 8,
	GMPKI_REASON_PRIVILEGE_WITHDRAWN = 9,
	GMPKI_REASON_AA_COMPROMISE = 10,
};

/* "keyCompromise" etc. to the code (also accepts the number); -1 if unknown. */
int gmpki_reason_from_name(const char *name);
/* RFC 5280 name of a reason code ("unspecified" for unknown values). */
const char *gmpki_reason_name(int reason);
/* Chinese label of a reason code. */
const char *gmpki_reason_label_zh(int reason);

struct gmpki_revoked {
	const ASN1_INTEGER *serial;
	time_t revoked_at;
	int reason; /* enum gmpki_crl_reason; UNSPECIFIED omits the extension */
};

/*
 * A v2 CRL from issuer_cert/issuer_key with the entries, cRLNumber
 * crl_number, AKI, thisUpdate this_update (0: now) and nextUpdate
 * next_update (0: this_update + 7 days).
 */
int gmpki_crl_create(X509 *issuer_cert, EVP_PKEY *issuer_key,
    const struct gmpki_revoked *entries, size_t n, long crl_number,
    time_t this_update, time_t next_update, const char *sm2_id,
    X509_CRL **out);

/* Parses a CRL (PEM or DER, bounded, no trailing bytes); no checks. */
int gmpki_crl_parse(const unsigned char *in, size_t len, X509_CRL **out);
int gmpki_crl_load(const char *path, X509_CRL **out);

/*
 * Checks crl as issued by issuer: issuer name matches, the SM2 signature
 * verifies with the ID (OpenSSL 3.0's X509_CRL_verify cannot), and at time
 * at (0: now) thisUpdate <= at < nextUpdate (GMPKI_ERR_CRL_EXPIRED).
 */
int gmpki_crl_verify(X509_CRL *crl, X509 *issuer, time_t at,
    const char *sm2_id);

/*
 * Looks serial up: 0 and the entry's time and reason when listed,
 * GMPKI_ERR_NOT_FOUND when not.
 */
int gmpki_crl_find(X509_CRL *crl, const ASN1_INTEGER *serial,
    time_t *revoked_at, int *reason);

int gmpki_crl_to_pem(X509_CRL *crl, char **out, size_t *outlen);
int gmpki_crl_to_der(X509_CRL *crl, unsigned char **out, size_t *outlen);

/* cRLNumber, or -1 when absent. */
long gmpki_crl_number(X509_CRL *crl);

#ifdef __cplusplus
}
#endif
#endif
