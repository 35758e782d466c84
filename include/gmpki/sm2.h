/*
 * gmpki/sm2.h - SM2 keys, and the one module through which all SM2 signing
 * and verification in CertHelper goes.
 *
 * GB/T 32918.2 §5.5 (GM/T 0003.2): the signer's Z = SM3(ENTL || ID || a ||
 * b || xG || yG || xA || yA) is hashed in front of the message.  OpenSSL 3.0
 * uses an EMPTY ID unless one is set on the signing context, which nothing
 * else interoperates with; here the ID is always set: NULL means the
 * GM/T 0009 default "1234567812345678".
 */
#ifndef GMPKI_SM2_H
#define GMPKI_SM2_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMPKI_SM2_DEFAULT_ID "1234567812345678"
#define GMPKI_SM2_MAX_SIG_LEN 80 /* DER SEQUENCE of two 256-bit INTEGERs */

/* A new SM2 key pair on the SM2 recommended curve (an "SM2" EVP_PKEY). */
int gmpki_sm2_keygen(EVP_PKEY **out);

/*
 * 1 when key is an SM2 key (loaded keys report odd ids in 3.0: this uses
 * EVP_PKEY_is_a and the curve), else 0.
 */
int gmpki_sm2_is_sm2(const EVP_PKEY *key);

/*
 * Returns in *out an "SM2"-type key for key: up-ref'ed when it already is,
 * converted when it is an EC key on the SM2 curve, GMPKI_ERR_KEY_NOT_SM2
 * otherwise (RSA, P-256, ...).
 */
int gmpki_sm2_key_normalize(EVP_PKEY *key, EVP_PKEY **out);

/* 1 when priv and pub hold the same public point. */
int gmpki_sm2_key_match(const EVP_PKEY *priv, const EVP_PKEY *pub);

/*
 * A digest-sign or digest-verify context (SM3, ID set) for key.  id NULL
 * means the default ID.  Free with EVP_MD_CTX_free.
 */
int gmpki_sm2_sign_ctx(EVP_PKEY *key, const char *id, EVP_MD_CTX **out);
int gmpki_sm2_verify_ctx(EVP_PKEY *key, const char *id, EVP_MD_CTX **out);

/* SM2-with-SM3 signature (DER) over msg; sig must hold GMPKI_SM2_MAX_SIG_LEN. */
int gmpki_sm2_sign(EVP_PKEY *key, const char *id, const void *msg,
    size_t len, unsigned char *sig, size_t *siglen);
/* 0 when sig is a valid signature of msg, GMPKI_ERR_SIGNATURE otherwise. */
int gmpki_sm2_verify(EVP_PKEY *key, const char *id, const void *msg,
    size_t len, const unsigned char *sig, size_t siglen);

/* Sign ASN.1 objects with SM2-with-SM3 (1.2.156.10197.1.501) and the ID. */
int gmpki_sm2_sign_cert(X509 *cert, EVP_PKEY *key, const char *id);
int gmpki_sm2_sign_req(X509_REQ *req, EVP_PKEY *key, const char *id);
int gmpki_sm2_sign_crl(X509_CRL *crl, EVP_PKEY *key, const char *id);
int gmpki_sm2_sign_ocsp(OCSP_BASICRESP *bs, X509 *signer, EVP_PKEY *key,
    const char *id, STACK_OF(X509) *certs);

/*
 * Verify those signatures with the ID (OpenSSL 3.0's X509_CRL_verify and
 * OCSP_basic_verify cannot take one: these verify the TBS bytes directly).
 * 0 or GMPKI_ERR_SIGNATURE; GMPKI_ERR_KEY_NOT_SM2 when pub is not SM2.
 */
int gmpki_sm2_verify_cert(X509 *cert, EVP_PKEY *pub, const char *id);
int gmpki_sm2_verify_req(X509_REQ *req, const char *id);
int gmpki_sm2_verify_crl(X509_CRL *crl, EVP_PKEY *pub, const char *id);
int gmpki_sm2_verify_ocsp(OCSP_BASICRESP *bs, EVP_PKEY *pub, const char *id);

/* Sets the SM2 ID on an object OpenSSL will verify later (X509_verify_cert). */
int gmpki_sm2_set_cert_id(X509 *cert, const char *id);

#ifdef __cplusplus
}
#endif
#endif
