/*
 * gmpki/cert.h - issuing certificates to the GM/T 0015 profile, and reading
 * them into a plain struct.  docs/CERT-PROFILE.md lists every field.
 */
#ifndef GMPKI_CERT_H
#define GMPKI_CERT_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMPKI_SERIAL_BYTES 16 /* random 128-bit positive serials */
#define GMPKI_DEFAULT_EE_YEARS 3

enum gmpki_cert_kind {
	GMPKI_CERT_ROOT = 1,   /* self-signed root CA                       */
	GMPKI_CERT_ISSUING,    /* issuing (subordinate) CA, pathLen 0       */
	GMPKI_CERT_EE_SIGN,    /* enterprise user's signing certificate     */
	GMPKI_CERT_OCSP,       /* delegated OCSP responder (RFC 6960 §4.2.2.2) */
	GMPKI_CERT_DOCSIGN,    /* the service's document signer (RFC 9336) */
};

/* id-kp-documentSigning (RFC 9336 §3); OpenSSL 3.0 has no NID for it. */
#define GMPKI_OID_KP_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

/* What the issuer decides; everything else comes from the profile. */
struct gmpki_issue_params {
	enum gmpki_cert_kind kind;
	const X509_NAME *subject;  /* required                               */
	EVP_PKEY *subject_key;     /* the subject's public key (SM2)         */
	X509 *issuer_cert;         /* NULL for a root                        */
	EVP_PKEY *issuer_key;      /* signing key (the subject's for a root) */
	time_t not_before;         /* 0: now                                 */
	time_t not_after;          /* 0: not_before + years (calendar)       */
	int years;                 /* 0: 3 for EE, 20 root, 10 issuing,
	                              1 OCSP and DOCSIGN */
	const char *uscc;          /* EE: 统一社会信用代码 for the extension  */
	const char *crl_url;       /* CRL distribution point URI, or NULL    */
	const char *ocsp_url;      /* AIA OCSP URI, or NULL                  */
	const char *ca_issuers_url;/* AIA caIssuers URI, or NULL             */
	const char *sm2_id;        /* NULL: default ID                       */
};

/*
 * Issues a certificate.  Validates the params (SM2 keys, issuer is a CA
 * whose key matches issuer_key, EE subject has C, O, CN and a valid USCC,
 * not_after > not_before and within the issuer's validity).
 */
int gmpki_cert_issue(const struct gmpki_issue_params *p, X509 **out);

/* A fresh random positive serial of GMPKI_SERIAL_BYTES bytes. */
int gmpki_serial_random(ASN1_INTEGER **out);

/* Serial as upper-case hex without leading zeros ("0" for zero). */
int gmpki_serial_hex(const ASN1_INTEGER *serial, char *out, size_t outlen);
/* Hex (upper or lower, at most 40 bytes) to a serial; GMPKI_ERR_ARG if bad. */
int gmpki_serial_from_hex(const char *hex, ASN1_INTEGER **out);

#define GMPKI_INFO_STR 512
struct gmpki_cert_info {
	char subject[GMPKI_INFO_STR];   /* "C=CN, O=…, CN=…"                 */
	char issuer[GMPKI_INFO_STR];
	char cn[GMPKI_INFO_STR];        /* username for EE certificates      */
	char org[GMPKI_INFO_STR];       /* O: 企业名称                        */
	char country[8];
	char uscc[40];                  /* 企业代码: from the extension, else
	                                   the subject attribute; "" if none */
	char serial[80];                /* upper-case hex                    */
	time_t not_before, not_after;
	char sm3_fp[65];                /* SM3 of the DER, lower-case hex    */
	char sha256_fp[65];
	char crl_url[GMPKI_INFO_STR];
	char ocsp_url[GMPKI_INFO_STR];
	char sig_alg[64];               /* e.g. "SM2-with-SM3"               */
	int is_ca;                      /* basicConstraints cA               */
	int path_len;                   /* -1 when absent                    */
	unsigned key_usage;             /* X509v3 KU bits (KU_* from OpenSSL), 0 absent */
	int is_sm2;                     /* public key is SM2                 */
	int self_signed;                /* subject == issuer                 */
};

/* Fills info from cert.  Strings that do not fit are cut at a UTF-8 boundary. */
int gmpki_cert_info_get(X509 *cert, struct gmpki_cert_info *info);

/* SM3 fingerprint of the DER encoding into out[65]. */
int gmpki_cert_fingerprint_sm3(X509 *cert, char out[65]);

/* Formats t as "2026-11-25 17:03:30 UTC" into out (at least 32 bytes). */
void gmpki_time_format(time_t t, char *out, size_t outlen);
/* ASN1_TIME to time_t; GMPKI_ERR_DECODE if invalid. */
int gmpki_asn1_time_to_time(const ASN1_TIME *t, time_t *out);

#ifdef __cplusplus
}
#endif
#endif
