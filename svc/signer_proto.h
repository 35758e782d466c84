/*
 * signer_proto.h - the wire format between certsvc and its signer process
 * (signer.c), shared with tests/svc/signer_test.c, which sends hostile
 * frames.  Everything is big-endian; every length is checked against the
 * bound of its field before anything is read or allocated.
 *
 * Request frame:   u32 type, u32 body length, body
 * Response frame:  i32 code (0 or GMPKI_ERR_* / SVC_ERR_*), u32 length,
 *                  body (the DER of the certificate or CRL when code is 0,
 *                  empty otherwise)
 *
 * ISSUE_EE body (each field u16 length, bytes):
 *   subjectPublicKeyInfo DER (SM2), username, uscc, org
 * ISSUE_DELEGATED body:
 *   u8 kind (GMPKI_CERT_OCSP or GMPKI_CERT_DOCSIGN), then the SM2
 *   subjectPublicKeyInfo DER (u16 length, bytes); the signer names the
 *   certificate itself (gmpki_ca_issue_delegated)
 * SIGN_CRL body:
 *   i64 cRLNumber, i64 thisUpdate, i64 nextUpdate, u32 n, then n entries of
 *   u8 serial length (1..20), 20 bytes serial (big-endian magnitude, left
 *   aligned, zero padded), i64 revocationDate, u8 reason
 *
 * A frame of an unknown type, over its bound, or whose body does not
 * decode exactly is malformed: the signer closes the connection and exits
 * (it has one connection; the service answers SVC_ERR_SIGNER from then on).
 * A well-formed request the profile refuses (a bad USCC, a non-SM2 key,
 * a name too long) gets its error code and the connection stays open.
 */
#ifndef SVC_SIGNER_PROTO_H
#define SVC_SIGNER_PROTO_H

#include <stdint.h>

#include "signer.h"

enum svc_signer_msg {
	SVC_SIGNER_ISSUE_EE = 1,
	SVC_SIGNER_SIGN_CRL = 2,
	SVC_SIGNER_ISSUE_DELEGATED = 3,
};

#define SVC_SIGNER_HDR_LEN 8
#define SVC_SIGNER_MAX_EE_BODY (64 * 1024)
#define SVC_SIGNER_MAX_SPKI 1024          /* an SM2 SPKI is 91 bytes     */
#define SVC_SIGNER_MAX_DELEGATED_BODY (3 + SVC_SIGNER_MAX_SPKI)
#define SVC_SIGNER_MAX_FIELD 1024         /* username, uscc, org (bytes) */
#define SVC_SIGNER_CRL_FIXED 28           /* number, times, count        */
#define SVC_SIGNER_CRL_ENTRY 30           /* 1 + 20 + 8 + 1              */
#define SVC_SIGNER_MAX_CRL_ENTRIES 1000000
#define SVC_SIGNER_MAX_CRL_BODY                                               \
	(SVC_SIGNER_CRL_FIXED +                                               \
	    SVC_SIGNER_CRL_ENTRY * SVC_SIGNER_MAX_CRL_ENTRIES)
#define SVC_SIGNER_MAX_RESP (64 * 1024 * 1024) /* GMPKI_MAX_CRL_SIZE     */
#define SVC_SIGNER_TIMEOUT 120            /* seconds for one answer      */

/* The parent's end of the socket (tests only: to send raw frames). */
int svc_signer_fd(struct svc_signer *s);
/* The child's pid (tests only), or -1. */
int svc_signer_pid(struct svc_signer *s);

#endif
