/*
 * gmpki/csr.h - PKCS#10 certification requests (RFC 2986), SM2-with-SM3.
 */
#ifndef GMPKI_CSR_H
#define GMPKI_CSR_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A CSR for key with subject (may be NULL: empty subject), signed with id. */
int gmpki_csr_create(EVP_PKEY *key, const X509_NAME *subject, const char *id,
    X509_REQ **out);

/*
 * Parses a CSR (PEM or DER, at most GMPKI_MAX_CSR_SIZE) and checks it: the
 * key must be SM2 (GMPKI_ERR_KEY_NOT_SM2), the signature algorithm
 * SM2-with-SM3 and the self-signature valid with id (GMPKI_ERR_SIGNATURE),
 * no trailing bytes.  Use this for every CSR from outside.
 */
int gmpki_csr_parse_verify(const unsigned char *in, size_t len,
    const char *id, X509_REQ **out);

/* Parses only (no checks): for display. */
int gmpki_csr_parse(const unsigned char *in, size_t len, X509_REQ **out);

int gmpki_csr_to_pem(X509_REQ *req, char **out, size_t *outlen);

#ifdef __cplusplus
}
#endif
#endif
