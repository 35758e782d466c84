/*
 * gmpki/ocsp.h - OCSP (RFC 6960): requests, and basic responses signed with
 * SM2-with-SM3 by a delegated responder or the CA.
 *
 * OpenSSL 3.0's OCSP_basic_verify cannot check an SM2 signature (it sets no
 * ID): gmpki_ocsp_response_verify checks the signature over the
 * ResponseData itself, then uses OpenSSL for the responder's chain.
 */
#ifndef GMPKI_OCSP_H
#define GMPKI_OCSP_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

enum gmpki_cert_status {
	GMPKI_STATUS_GOOD = 0,
	GMPKI_STATUS_REVOKED = 1,
	GMPKI_STATUS_UNKNOWN = 2,
};

/* One certificate's status, as the responder's lookup says or a response tells. */
struct gmpki_ocsp_status {
	int status;        /* enum gmpki_cert_status */
	time_t revoked_at; /* REVOKED only */
	int reason;        /* REVOKED only; -1 when absent */
	time_t this_update, next_update; /* next_update 0 when absent */
	/* gmpki_ocsp_response_verify: the instants at at which the same
	 * check gives the same answer, [good_from, good_until): thisUpdate
	 * less the skew, nextUpdate (or thisUpdate + 24 h), narrowed to a
	 * delegated responder's validity.  A caller that keeps the verdict
	 * (not the bytes) may reuse it while its clock is in there. */
	time_t good_from, good_until;
};

/* A request for cert issued by issuer (CertID with SM3, or SHA-1 when
 * sha1 is set), with a 16-byte random nonce when nonce is set. */
int gmpki_ocsp_request_create(X509 *cert, X509 *issuer, int sha1, int nonce,
    OCSP_REQUEST **out);

/* Parses a DER request (bounded, no trailing bytes). */
int gmpki_ocsp_request_parse(const unsigned char *der, size_t len,
    OCSP_REQUEST **out);
int gmpki_ocsp_request_to_der(OCSP_REQUEST *req, unsigned char **out,
    size_t *outlen);

/*
 * Responder lookup: fill st for serial.  Return 0, or a GMPKI_ERR_* code to
 * make the whole answer internalError.  Called only for CertIDs whose
 * issuer hashes match the issuer; others are answered "unknown".
 */
typedef int (*gmpki_ocsp_lookup_fn)(void *arg, const ASN1_INTEGER *serial,
    struct gmpki_ocsp_status *st);

struct gmpki_ocsp_responder {
	X509 *issuer;           /* the CA whose certificates are answered for */
	X509 *signer;           /* delegated responder (or the CA itself)    */
	EVP_PKEY *signer_key;
	STACK_OF(X509) *certs;  /* extra certificates to include, or NULL    */
	int validity_secs;      /* nextUpdate = now + this; 0: no nextUpdate  */
	gmpki_ocsp_lookup_fn lookup;
	void *lookup_arg;
	const char *sm2_id;
};

/*
 * Answers req (DER in, DER OCSPResponse out, malloc'ed).  A request that
 * does not parse gets a malformedRequest response (and GMPKI_ERR_OCSP_REQUEST
 * is returned with that response still in *out); a lookup failure
 * internalError.  The nonce is echoed (RFC 8954).  at 0 means now.
 */
int gmpki_ocsp_respond(const struct gmpki_ocsp_responder *r,
    const unsigned char *req_der, size_t req_len, time_t at,
    unsigned char **out, size_t *outlen);

/*
 * Checks a DER OCSPResponse about cert (issued by issuer) and fills st:
 * responseStatus successful, the SM2 signature (with the ID), a responder
 * that is issuer itself or carries id-kp-OCSPSigning from issuer, the
 * CertID matching cert, the nonce of req when req is given, and freshness
 * at time at (0: now): thisUpdate <= at + 5 min skew, nextUpdate > at
 * (GMPKI_ERR_OCSP_STALE).
 */
int gmpki_ocsp_response_verify(const unsigned char *der, size_t len,
    X509 *cert, X509 *issuer, OCSP_REQUEST *req, time_t at,
    const char *sm2_id, struct gmpki_ocsp_status *st);

#ifdef __cplusplus
}
#endif
#endif
