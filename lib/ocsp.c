/*
 * ocsp.c - OCSP (RFC 6960) requests, a responder and response checks, with
 * basic responses signed SM2-with-SM3.
 *
 * OpenSSL 3.0's OCSP_basic_verify always fails for SM2, because it sets no
 * ID (notes/openssl3-sm2.md §4).  Here the signature over ResponseData goes
 * through gmpki_sm2_verify_ocsp, and the responder's authorisation (RFC 6960
 * §4.2.2.2) is checked by hand: the CA itself, or a certificate the CA
 * issued (signature checked with the ID) with id-kp-OCSPSigning.
 *
 * Policy (docs/REVOCATION.md):
 *   CertID hash: SM3 by default, SHA-1 on request; the responder answers
 *     SM3, SHA-1 and SHA-256 CertIDs.
 *   Requests: 1 to GMPKI_OCSP_MAX_REQUESTS single requests; a nonce, when
 *     present, 1 to 32 bytes (RFC 8954 §2.1); request signatures are not
 *     checked (none are needed: anyone may ask).
 *   Nonce: echoed; the checker requires it back when the request had one.
 *   Freshness: thisUpdate <= at + 5 min; nextUpdate > at; a response
 *     without nextUpdate is fresh for 24 hours after its thisUpdate.
 */
#include "gmpki/gmpki.h"

#include "der.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define GMPKI_OCSP_MAX_REQUESTS 10
#define OCSP_NONCE_LEN 16
#define OCSP_NONCE_MAX 32        /* RFC 8954 §2.1: OCTET STRING (SIZE(1..32)) */
#define OCSP_SKEW_SECS 300       /* clock skew allowed for thisUpdate */
#define OCSP_MAX_AGE (24L * 60 * 60) /* no nextUpdate: fresh this long */

/* CertID hash algorithms understood (RFC 6960 §4.1.1 leaves it open). */
static const EVP_MD *
certid_md(const ASN1_OBJECT *alg)
{
	switch (OBJ_obj2nid(alg)) {
	case NID_sm3:
		return EVP_sm3();
	case NID_sha1:
		return EVP_sha1();
	case NID_sha256:
		return EVP_sha256();
	default:
		return NULL;
	}
}

int
gmpki_ocsp_request_create(X509 *cert, X509 *issuer, int sha1, int nonce,
    OCSP_REQUEST **out)
{
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *id = NULL;
	int rc = GMPKI_ERR_NOMEM;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (cert == NULL || issuer == NULL)
		return GMPKI_ERR_ARG;
	/* The CertID hashes the issuer's name and key: they must belong to
	 * the certificate's issuer or the responder cannot find it. */
	if (X509_NAME_cmp(X509_get_issuer_name(cert),
	    X509_get_subject_name(issuer)) != 0)
		return GMPKI_ERR_ARG;
	/* RFC 6960 §4.1.1: CertID { hashAlgorithm, issuerNameHash,
	 * issuerKeyHash, serialNumber }. */
	if ((id = OCSP_cert_to_id(sha1 ? EVP_sha1() : EVP_sm3(), cert,
	    issuer)) == NULL) {
		rc = GMPKI_ERR_CRYPTO;
		goto out;
	}
	if ((req = OCSP_REQUEST_new()) == NULL ||
	    OCSP_request_add0_id(req, id) == NULL)
		goto out;
	id = NULL;
	/* RFC 8954 §2.1: a random nonce (16 bytes, within 1..32). */
	if (nonce && !OCSP_request_add1_nonce(req, NULL, OCSP_NONCE_LEN)) {
		rc = GMPKI_ERR_CRYPTO;
		goto out;
	}
	*out = req;
	req = NULL;
	rc = 0;
out:
	ERR_clear_error();
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	return rc;
}

/* RFC 8954 §2.1: at most one nonce, an OCTET STRING of 1 to 32 bytes. */
static int
request_nonce_ok(OCSP_REQUEST *req)
{
	X509_EXTENSION *ext;
	const ASN1_OCTET_STRING *val;
	ASN1_OCTET_STRING *n = NULL;
	const unsigned char *p;
	int i, ok;

	i = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1);
	if (i < 0)
		return 1;
	if (OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, i) >= 0)
		return 0;
	ext = OCSP_REQUEST_get_ext(req, i);
	val = X509_EXTENSION_get_data(ext);
	p = val->data;
	n = d2i_ASN1_OCTET_STRING(NULL, &p, val->length);
	ok = n != NULL && p == val->data + val->length && n->length >= 1 &&
	    n->length <= OCSP_NONCE_MAX;
	ASN1_OCTET_STRING_free(n);
	ERR_clear_error();
	return ok;
}

/*
 * Garbage, trailing bytes, no or more than GMPKI_OCSP_MAX_REQUESTS single
 * requests and bad nonces are GMPKI_ERR_OCSP_REQUEST (the responder answers
 * all of them malformedRequest); over GMPKI_MAX_OCSP_SIZE is
 * GMPKI_ERR_TOO_LARGE, so that an HTTP front end can say 413.
 */
int
gmpki_ocsp_request_parse(const unsigned char *der, size_t len,
    OCSP_REQUEST **out)
{
	const unsigned char *p = der;
	OCSP_REQUEST *req = NULL;
	int n, rc = GMPKI_ERR_OCSP_REQUEST;

	if (out == NULL || (der == NULL && len != 0))
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (len > GMPKI_MAX_OCSP_SIZE)
		return GMPKI_ERR_TOO_LARGE;
	if (len == 0)
		return GMPKI_ERR_OCSP_REQUEST;
	if ((req = d2i_OCSP_REQUEST(NULL, &p, (long)len)) == NULL)
		goto out;
	if ((size_t)(p - der) != len)
		goto out;
	n = OCSP_request_onereq_count(req);
	if (n < 1 || n > GMPKI_OCSP_MAX_REQUESTS)
		goto out;
	if (!request_nonce_ok(req))
		goto out;
	*out = req;
	req = NULL;
	rc = 0;
out:
	ERR_clear_error();
	OCSP_REQUEST_free(req);
	return rc;
}

int
gmpki_ocsp_request_to_der(OCSP_REQUEST *req, unsigned char **out,
    size_t *outlen)
{
	unsigned char *der = NULL;
	int len;

	if (req == NULL || out == NULL || outlen == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	*outlen = 0;
	len = i2d_OCSP_REQUEST(req, &der);
	return gmpki_i2d_take(der, len, out, outlen);
}

/* An OCSPResponse with status and no body (RFC 6960 §4.2.1), as DER. */
static int
status_response(int status, unsigned char **out, size_t *outlen)
{
	OCSP_RESPONSE *resp;
	unsigned char *der = NULL;
	int len;

	if ((resp = OCSP_response_create(status, NULL)) == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_NOMEM;
	}
	len = i2d_OCSP_RESPONSE(resp, &der);
	OCSP_RESPONSE_free(resp);
	return gmpki_i2d_take(der, len, out, outlen);
}

/*
 * RFC 6960 §4.2.2.3 / §4.1.1: does cid name a certificate of issuer?  The
 * issuer's name and key hashes are computed with the CertID's own hash
 * algorithm and compared.
 */
static int
certid_is_for(OCSP_CERTID *cid, X509 *issuer)
{
	ASN1_OBJECT *alg = NULL;
	OCSP_CERTID *mine;
	const EVP_MD *md;
	int match;

	if (!OCSP_id_get0_info(NULL, &alg, NULL, NULL, cid) || alg == NULL)
		return 0;
	if ((md = certid_md(alg)) == NULL)
		return 0;
	if ((mine = OCSP_cert_to_id(md, NULL, issuer)) == NULL) {
		ERR_clear_error();
		return -1;
	}
	match = OCSP_id_issuer_cmp(mine, cid) == 0;
	OCSP_CERTID_free(mine);
	return match;
}

/* Adds one SingleResponse (RFC 6960 §4.2.1) for cid. */
static int
add_single(const struct gmpki_ocsp_responder *r, OCSP_BASICRESP *bs,
    OCSP_CERTID *cid, ASN1_TIME *thisupd, ASN1_TIME *nextupd)
{
	struct gmpki_ocsp_status st;
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *revtime = NULL;
	int match, status, reason = OCSP_REVOKED_STATUS_NOSTATUS;
	int rc;

	memset(&st, 0, sizeof(st));
	st.status = GMPKI_STATUS_UNKNOWN;
	st.reason = -1;
	if ((match = certid_is_for(cid, r->issuer)) < 0)
		return GMPKI_ERR_CRYPTO;
	/* §2.2: "unknown" when the responder does not know the issuer (or
	 * the hash algorithm); the lookup is asked about our CA only. */
	if (match) {
		OCSP_id_get0_info(NULL, NULL, NULL, &serial, cid);
		if (serial == NULL)
			return GMPKI_ERR_INTERNAL;
		if ((rc = r->lookup(r->lookup_arg, serial, &st)) != 0)
			return rc;
	}
	switch (st.status) {
	case GMPKI_STATUS_GOOD:
		status = V_OCSP_CERTSTATUS_GOOD;
		break;
	case GMPKI_STATUS_REVOKED:
		status = V_OCSP_CERTSTATUS_REVOKED;
		/* revocationReason is optional (§4.2.1); -1 leaves it out. */
		if (st.reason != -1) {
			if (st.reason < 0 || st.reason > 10 || st.reason == 7)
				return GMPKI_ERR_INTERNAL;
			reason = st.reason;
		}
		if (st.revoked_at <= 0)
			return GMPKI_ERR_INTERNAL;
		if ((revtime = ASN1_TIME_adj(NULL, st.revoked_at, 0, 0)) ==
		    NULL)
			return GMPKI_ERR_NOMEM;
		break;
	case GMPKI_STATUS_UNKNOWN:
		status = V_OCSP_CERTSTATUS_UNKNOWN;
		break;
	default:
		return GMPKI_ERR_INTERNAL;
	}
	/* The CertID is answered exactly as asked (§4.2.1): add1 copies it. */
	rc = OCSP_basic_add1_status(bs, cid, status, reason, revtime, thisupd,
	    nextupd) != NULL ? 0 : GMPKI_ERR_NOMEM;
	ERR_clear_error();
	ASN1_TIME_free(revtime);
	return rc;
}

int
gmpki_ocsp_respond(const struct gmpki_ocsp_responder *r,
    const unsigned char *req_der, size_t req_len, time_t at,
    unsigned char **out, size_t *outlen)
{
	OCSP_REQUEST *req = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_RESPONSE *resp = NULL;
	ASN1_TIME *thisupd = NULL, *nextupd = NULL;
	unsigned char *der = NULL;
	int i, n, len, rc;

	if (out == NULL || outlen == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	*outlen = 0;
	if (r == NULL || r->issuer == NULL || r->signer == NULL ||
	    r->signer_key == NULL || r->lookup == NULL ||
	    r->validity_secs < 0 || at < 0)
		return GMPKI_ERR_ARG;
	if (at == 0)
		at = time(NULL);

	/* §2.3: a request that does not parse gets malformedRequest. */
	if (gmpki_ocsp_request_parse(req_der, req_len, &req) != 0) {
		if ((rc = status_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
		    out, outlen)) != 0)
			return rc;
		return GMPKI_ERR_OCSP_REQUEST;
	}

	rc = GMPKI_ERR_NOMEM;
	if ((bs = OCSP_BASICRESP_new()) == NULL ||
	    (thisupd = ASN1_TIME_adj(NULL, at, 0, 0)) == NULL)
		goto out;
	/* §4.2.2.1: thisUpdate = at; nextUpdate = at + validity, or absent
	 * ("newer information is available all the time"). */
	if (r->validity_secs > 0 &&
	    (nextupd = ASN1_TIME_adj(NULL, at, 0, r->validity_secs)) == NULL)
		goto out;
	n = OCSP_request_onereq_count(req);
	for (i = 0; i < n; i++) {
		OCSP_CERTID *cid = OCSP_onereq_get0_id(
		    OCSP_request_onereq_get0(req, i));

		if ((rc = add_single(r, bs, cid, thisupd, nextupd)) != 0)
			goto out;
	}
	/* RFC 8954 §2.1 / RFC 6960 §4.4.1: echo the nonce (2: none asked). */
	if (OCSP_copy_nonce(bs, req) <= 0) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	/* §4.2.1: signed by the responder, its certificate included. */
	if ((rc = gmpki_sm2_sign_ocsp(bs, r->signer, r->signer_key, r->sm2_id,
	    r->certs)) != 0)
		goto out;
	if ((resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL,
	    bs)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	len = i2d_OCSP_RESPONSE(resp, &der);
	rc = gmpki_i2d_take(der, len, out, outlen);
out:
	ERR_clear_error();
	/* §2.3: a responder that fails answers internalError. */
	if (rc != 0 && *out == NULL)
		(void)status_response(OCSP_RESPONSE_STATUS_INTERNALERROR, out,
		    outlen);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	return rc;
}

/* validity of cert covers at */
static int
cert_valid_at(X509 *cert, time_t at)
{
	time_t nb = 0, na = 0;

	if (gmpki_asn1_time_to_time(X509_get0_notBefore(cert), &nb) != 0 ||
	    gmpki_asn1_time_to_time(X509_get0_notAfter(cert), &na) != 0)
		return 0;
	return nb <= at && at <= na;
}

/*
 * RFC 6960 §4.2.2.2: the response must be signed by the CA that issued the
 * certificate, or by a responder whose certificate that CA issued with
 * id-kp-OCSPSigning in its extendedKeyUsage.  The responder certificate's
 * signature is checked with the SM2 ID.  Its own revocation status is not
 * checked (id-pkix-ocsp-nocheck, §4.2.2.2.1: responder certificates are
 * short-lived).
 */
static int
signer_authorised(X509 *signer, X509 *issuer, time_t at, const char *sm2_id)
{
	EVP_PKEY *ipub;
	int ok;

	if (X509_cmp(signer, issuer) == 0)
		return 1;
	if ((ipub = X509_get0_pubkey(issuer)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	/* Name chaining, AKI/SKI and the issuer's keyCertSign. */
	ok = X509_check_issued(issuer, signer) == X509_V_OK &&
	    gmpki_sm2_verify_cert(signer, ipub, sm2_id) == 0 &&
	    (X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) &&
	    (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN) &&
	    cert_valid_at(signer, at);
	ERR_clear_error();
	return ok;
}

/* The SingleResponse for cert, whatever CertID hash the responder used. */
static OCSP_SINGLERESP *
find_single(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer)
{
	const EVP_MD *mds[3];
	OCSP_CERTID *id;
	size_t i;
	int idx;

	mds[0] = EVP_sm3();
	mds[1] = EVP_sha1();
	mds[2] = EVP_sha256();
	for (i = 0; i < sizeof(mds) / sizeof(mds[0]); i++) {
		if ((id = OCSP_cert_to_id(mds[i], cert, issuer)) == NULL)
			continue;
		idx = OCSP_resp_find(bs, id, -1);
		OCSP_CERTID_free(id);
		if (idx >= 0)
			return OCSP_resp_get0(bs, idx);
	}
	ERR_clear_error();
	return NULL;
}

int
gmpki_ocsp_response_verify(const unsigned char *der, size_t len,
    X509 *cert, X509 *issuer, OCSP_REQUEST *req, time_t at,
    const char *sm2_id, struct gmpki_ocsp_status *st)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_SINGLERESP *single;
	STACK_OF(X509) *extra = NULL;
	X509 *signer = NULL;
	ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
	EVP_PKEY *spub;
	time_t tu = 0, tn = 0, tr = 0;
	int status, reason = -1, rc;

	if (st != NULL) {
		memset(st, 0, sizeof(*st));
		st->status = GMPKI_STATUS_UNKNOWN;
		st->reason = -1;
	}
	if (der == NULL || cert == NULL || issuer == NULL || st == NULL ||
	    at < 0)
		return GMPKI_ERR_ARG;
	if (at == 0)
		at = time(NULL);
	if (len > GMPKI_MAX_OCSP_SIZE)
		return GMPKI_ERR_TOO_LARGE;
	if (len == 0)
		return GMPKI_ERR_DECODE;
	if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL) {
		rc = GMPKI_ERR_DECODE;
		goto out;
	}
	if ((size_t)(p - der) != len) {
		rc = GMPKI_ERR_TRAILING;
		goto out;
	}
	rc = GMPKI_ERR_OCSP_INVALID;
	/* §4.2.1: only "successful" carries a response. */
	if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
		goto out;
	if ((bs = OCSP_response_get1_basic(resp)) == NULL)
		goto out;
	/* §4.2.1: ResponderID names the signer, in the response's certs or
	 * the issuer itself. */
	if ((extra = sk_X509_new_null()) == NULL || !sk_X509_push(extra,
	    issuer)) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	if (OCSP_resp_get0_signer(bs, &signer, extra) <= 0 || signer == NULL)
		goto out;
	if ((spub = X509_get0_pubkey(signer)) == NULL)
		goto out;
	/* §3.2 (1)(2): the signature, with the SM2 ID, before anything
	 * in the response is believed. */
	if ((rc = gmpki_sm2_verify_ocsp(bs, spub, sm2_id)) != 0) {
		if (rc != GMPKI_ERR_KEY_NOT_SM2)
			rc = GMPKI_ERR_SIGNATURE;
		goto out;
	}
	rc = GMPKI_ERR_OCSP_INVALID;
	/* §3.2 (4): an authorised responder. */
	if (!signer_authorised(signer, issuer, at, sm2_id))
		goto out;
	/* §3.2 (1): the response is about this certificate. */
	if ((single = find_single(bs, cert, issuer)) == NULL)
		goto out;
	/* RFC 8954 §2.1: when we sent a nonce it must come back unchanged
	 * (1); without one, no nonce may come back either (2). */
	if (req != NULL) {
		int nr = OCSP_check_nonce(req, bs);

		if (nr != 1 && nr != 2)
			goto out;
	}
	status = OCSP_single_get0_status(single, &reason, &revtime, &thisupd,
	    &nextupd);
	if (thisupd == NULL ||
	    gmpki_asn1_time_to_time(thisupd, &tu) != 0 ||
	    (nextupd != NULL && gmpki_asn1_time_to_time(nextupd, &tn) != 0))
		goto out;
	/* §3.2 (5)(6), §4.2.2.1: thisUpdate recent enough (5 minutes skew),
	 * nextUpdate in the future; without nextUpdate, 24 hours at most. */
	rc = GMPKI_ERR_OCSP_STALE;
	if (tu > at + OCSP_SKEW_SECS)
		goto out;
	if (nextupd != NULL && tn <= at)
		goto out;
	if (nextupd == NULL && at - tu > OCSP_MAX_AGE)
		goto out;
	rc = GMPKI_ERR_OCSP_INVALID;
	switch (status) {
	case V_OCSP_CERTSTATUS_GOOD:
		st->status = GMPKI_STATUS_GOOD;
		break;
	case V_OCSP_CERTSTATUS_REVOKED:
		if (revtime == NULL ||
		    gmpki_asn1_time_to_time(revtime, &tr) != 0)
			goto out;
		st->status = GMPKI_STATUS_REVOKED;
		st->revoked_at = tr;
		st->reason = reason >= 0 ? reason : -1;
		break;
	case V_OCSP_CERTSTATUS_UNKNOWN:
		st->status = GMPKI_STATUS_UNKNOWN;
		break;
	default:
		goto out;
	}
	st->this_update = tu;
	st->next_update = nextupd != NULL ? tn : 0;
	/* The same checks as above, solved for at. */
	st->good_from = tu - OCSP_SKEW_SECS;
	st->good_until = nextupd != NULL ? tn : tu + OCSP_MAX_AGE + 1;
	if (X509_cmp(signer, issuer) != 0) {
		time_t nb = 0, na = 0;

		if (gmpki_asn1_time_to_time(X509_get0_notBefore(signer),
		    &nb) != 0 ||
		    gmpki_asn1_time_to_time(X509_get0_notAfter(signer),
		    &na) != 0)
			goto out;
		if (nb > st->good_from)
			st->good_from = nb;
		if (na < st->good_until - 1)
			st->good_until = na + 1;
	}
	rc = 0;
out:
	ERR_clear_error();
	if (rc != 0) {
		st->status = GMPKI_STATUS_UNKNOWN;
		st->revoked_at = 0;
		st->reason = -1;
		st->good_from = st->good_until = 0;
	}
	sk_X509_free(extra);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	return rc;
}
