/*
 * gmpki/verify.h - certificate path validation (RFC 5280 §6) with SM2:
 * chain to a configured root at a given time, with revocation input.
 */
#ifndef GMPKI_VERIFY_H
#define GMPKI_VERIFY_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gmpki_verify_opts {
	X509 *root;                  /* the trust anchor (required)          */
	STACK_OF(X509) *untrusted;   /* intermediates, or NULL               */
	time_t at;                   /* 0: now                               */
	STACK_OF(X509_CRL) *crls;    /* revocation input: CRLs, or NULL.
	                                CRLs whose issuer is not in the chain
	                                are ignored; a chain issuer's CRL that
	                                fails its checks is an error.        */
	const unsigned char *ocsp_der; /* or a DER OCSPResponse for the leaf */
	size_t ocsp_len;
	int require_revocation;      /* no CRL or OCSP answer covering the LEAF
	                                is an error (intermediates are checked
	                                when a CRL for them is given)        */
	const char *sm2_id;          /* NULL: default ID                     */
	int root_checked;            /* the caller has verified root's
	                                self-signature with sm2_id
	                                (gmpki_sm2_verify_cert) once, say
	                                when loading it: not checked again   */
};

struct gmpki_verify_result {
	int depth;                   /* depth of the failing certificate (0 leaf) */
	int x509_error;              /* OpenSSL's X509_V_ERR_* (0 when none)  */
	int revocation_checked;      /* 1 when a CRL or OCSP answer was used  */
	int status;                  /* enum gmpki_cert_status of the leaf    */
	time_t revoked_at;
	int reason;
};

/*
 * Validates cert: chain to opts->root through opts->untrusted, every
 * signature with the SM2 ID, validity of every certificate at opts->at,
 * CA constraints, and revocation of every certificate below the root
 * from the CRLs (each verified) or of the leaf from the OCSP response.
 * Returns 0 or: GMPKI_ERR_CERT_EXPIRED, _NOT_YET_VALID, _UNTRUSTED (no
 * path to the root), _SIGNATURE, _REVOKED, _CHAIN (other failures),
 * _PROFILE (a key in the chain is not SM2), the code of bad revocation
 * input (GMPKI_ERR_CRL_*, GMPKI_ERR_OCSP_*, GMPKI_ERR_SIGNATURE for a CRL
 * or OCSP signature, GMPKI_ERR_DECODE ...), GMPKI_ERR_REVOCATION_UNKNOWN
 * when required and missing or when the responder says "unknown".  res
 * may be NULL; on GMPKI_ERR_CERT_REVOKED its depth, revoked_at and reason
 * describe the revoked certificate.  docs/REVOCATION.md has the policy.
 */
int gmpki_verify_cert(X509 *cert, const struct gmpki_verify_opts *opts,
    struct gmpki_verify_result *res);

#ifdef __cplusplus
}
#endif
#endif
