/*
 * verify.c - certificate path validation (RFC 5280 §6) for SM2 chains, and
 * revocation from CRLs (§6.3) or an OCSP response (RFC 6960).
 *
 * OpenSSL's X509_verify_cert builds the path and checks names, validity,
 * basicConstraints, pathLen and key usage.  It cannot check SM2 signatures
 * without the ID set on every certificate (notes/openssl3-sm2.md §2), and
 * the objects here belong to the caller, so:
 *   - the leaf and the untrusted certificates are duplicated and the ID is
 *     set on the copies (X509_dup does not copy it), so that OpenSSL checks
 *     their signatures with the ID the first time: one EC verification per
 *     link instead of a failed one and a second try (a certificate that
 *     already carries the ID, gmpki_sm2_set_cert_id, is used as it is:
 *     a copy costs a re-encoding and a re-parse);
 *   - the verify callback answers X509_V_ERR_CERT_SIGNATURE_FAILURE at
 *     depth d by checking chain[d] against chain[d+1]'s key with the ID
 *     (X509_STORE_CTX_get0_current_issuer is stale there: not used);
 *   - after a good path every link not already checked that way (one that
 *     OpenSSL accepted with an EMPTY ID, say) is checked with the ID, and
 *     the root's self-signature too (unless opts->root_checked: a caller
 *     that keeps one root checks it once), so no signature escapes the ID.
 * Revocation is done here, not with X509_V_FLAG_CRL_CHECK (which fails on
 * every SM2 CRL signature): each CRL is verified with gmpki_crl_verify,
 * and bad revocation input is an error, never silently skipped.
 */
#include "gmpki/gmpki.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* Longer chains than this are refused (two-tier CA: depth 2). */
#define VERIFY_MAX_DEPTH 8

struct verify_state {
	const char *sm2_id;
	unsigned checked;  /* bit d: link at depth d checked with the ID */
	int sig_rc;        /* our verdict on the last failed link */
};

/* 1 when x is one of the n certificates known to carry the ID. */
static int
has_id(X509 *x, X509 *const *with_id, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (with_id[i] == x)
			return 1;
	return 0;
}

/* 1 when x carries sm2_id already (gmpki_sm2_set_cert_id). */
static int
carries_id(X509 *x, const char *sm2_id)
{
	const ASN1_OCTET_STRING *id = X509_get0_distinguishing_id(x);
	const char *want = sm2_id != NULL ? sm2_id : GMPKI_SM2_DEFAULT_ID;
	size_t n = strlen(want);

	return id != NULL && (size_t)ASN1_STRING_length(id) == n &&
	    memcmp(ASN1_STRING_get0_data(id), want, n) == 0;
}

/* A copy of x with the SM2 ID set, or NULL. */
static X509 *
copy_with_id(X509 *x, const char *sm2_id)
{
	X509 *c = X509_dup(x);

	if (c != NULL && gmpki_sm2_set_cert_id(c, sm2_id) != 0) {
		X509_free(c);
		c = NULL;
	}
	return c;
}

/* Link at depth d of chain: d against d+1, the top against itself. */
static int
check_link(STACK_OF(X509) *chain, int d, const char *sm2_id)
{
	X509 *cur, *iss;
	EVP_PKEY *pub;
	int n = sk_X509_num(chain);

	if (d < 0 || d >= n)
		return GMPKI_ERR_INTERNAL;
	cur = sk_X509_value(chain, d);
	iss = d + 1 < n ? sk_X509_value(chain, d + 1) : cur;
	if ((pub = X509_get0_pubkey(iss)) == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_CERT_SIGNATURE;
	}
	return gmpki_sm2_verify_cert(cur, pub, sm2_id);
}

static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct verify_state *vs = X509_STORE_CTX_get_app_data(ctx);
	int d, rc;

	if (ok || vs == NULL ||
	    X509_STORE_CTX_get_error(ctx) != X509_V_ERR_CERT_SIGNATURE_FAILURE)
		return ok;
	d = X509_STORE_CTX_get_error_depth(ctx);
	rc = check_link(X509_STORE_CTX_get0_chain(ctx), d, vs->sm2_id);
	vs->sig_rc = rc;
	if (rc != 0)
		return 0;
	if (d < (int)(sizeof(vs->checked) * 8))
		vs->checked |= 1u << d;
	X509_STORE_CTX_set_error(ctx, X509_V_OK);
	return 1;
}

static int
map_x509_error(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return GMPKI_ERR_CERT_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return GMPKI_ERR_CERT_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		return GMPKI_ERR_CERT_UNTRUSTED;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return GMPKI_ERR_CERT_SIGNATURE;
	default:
		return GMPKI_ERR_CERT_CHAIN;
	}
}

/*
 * RFC 5280 §6.3: for each certificate below the root, the CRLs whose
 * issuer is the certificate's issuer.  Every such CRL must verify (a bad
 * one is an error); a listed serial is GMPKI_ERR_CERT_REVOKED.  covered[d]
 * says whether a good CRL spoke about depth d.
 */
static int
check_crls(STACK_OF(X509) *chain, STACK_OF(X509_CRL) *crls, time_t at,
    const char *sm2_id, int *covered, struct gmpki_verify_result *res)
{
	int n = sk_X509_num(chain), d, i, rc;

	for (d = 0; d + 1 < n; d++) {
		X509 *cur = sk_X509_value(chain, d);
		X509 *iss = sk_X509_value(chain, d + 1);

		for (i = 0; i < sk_X509_CRL_num(crls); i++) {
			X509_CRL *crl = sk_X509_CRL_value(crls, i);
			time_t t = 0;
			int reason = 0;

			if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
			    X509_get_issuer_name(cur)) != 0)
				continue;
			res->depth = d;
			if ((rc = gmpki_crl_verify(crl, iss, at, sm2_id)) != 0)
				return rc;
			covered[d] = 1;
			res->revocation_checked = 1;
			rc = gmpki_crl_find(crl, X509_get0_serialNumber(cur),
			    &t, &reason);
			if (rc == GMPKI_ERR_NOT_FOUND)
				continue;
			if (rc != 0)
				return rc;
			res->status = GMPKI_STATUS_REVOKED;
			res->revoked_at = t;
			res->reason = reason;
			return GMPKI_ERR_CERT_REVOKED;
		}
	}
	return 0;
}

/* RFC 6960 for the leaf: revoked, unknown, or good (covered). */
static int
check_ocsp(STACK_OF(X509) *chain, const struct gmpki_verify_opts *opts,
    time_t at, int *covered, struct gmpki_verify_result *res)
{
	struct gmpki_ocsp_status st;
	int rc;

	if (sk_X509_num(chain) < 2)
		return 0;
	res->depth = 0;
	if ((rc = gmpki_ocsp_response_verify(opts->ocsp_der, opts->ocsp_len,
	    sk_X509_value(chain, 0), sk_X509_value(chain, 1), NULL, at,
	    opts->sm2_id, &st)) != 0)
		return rc;
	res->revocation_checked = 1;
	switch (st.status) {
	case GMPKI_STATUS_GOOD:
		covered[0] = 1;
		return 0;
	case GMPKI_STATUS_REVOKED:
		res->status = GMPKI_STATUS_REVOKED;
		res->revoked_at = st.revoked_at;
		res->reason = st.reason;
		return GMPKI_ERR_CERT_REVOKED;
	default:
		/* §2.2: the responder does not know the certificate. */
		res->status = GMPKI_STATUS_UNKNOWN;
		return GMPKI_ERR_REVOCATION_UNKNOWN;
	}
}

int
gmpki_verify_cert(X509 *cert, const struct gmpki_verify_opts *opts,
    struct gmpki_verify_result *res)
{
	struct gmpki_verify_result dummy;
	struct verify_state vs;
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *chain = NULL, *untrusted = NULL;
	X509 *copies[VERIFY_MAX_DEPTH * 2 + 1];  /* made here, freed here */
	X509 *with_id[VERIFY_MAX_DEPTH * 2 + 1]; /* the path's candidates */
	int ncopies = 0, nwith = 0;
	int covered[VERIFY_MAX_DEPTH + 2];
	time_t at;
	int d, n, rc;

	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	res->status = GMPKI_STATUS_UNKNOWN;
	res->reason = -1;
	memset(covered, 0, sizeof(covered));
	if (cert == NULL || opts == NULL || opts->root == NULL ||
	    opts->at < 0 || (opts->ocsp_der == NULL && opts->ocsp_len != 0))
		return GMPKI_ERR_ARG;
	/* One instant for validity, CRLs and OCSP. */
	at = opts->at != 0 ? opts->at : time(NULL);
	memset(&vs, 0, sizeof(vs));
	vs.sm2_id = opts->sm2_id;

	rc = GMPKI_ERR_NOMEM;
	if (opts->untrusted != NULL &&
	    sk_X509_num(opts->untrusted) > VERIFY_MAX_DEPTH * 2) {
		rc = GMPKI_ERR_CERT_CHAIN;
		goto out;
	}
	if (carries_id(cert, opts->sm2_id))
		with_id[nwith++] = cert;
	else {
		if ((copies[ncopies] = copy_with_id(cert, opts->sm2_id)) ==
		    NULL)
			goto out;
		with_id[nwith++] = copies[ncopies++];
	}
	if ((untrusted = sk_X509_new_null()) == NULL)
		goto out;
	for (d = 0; opts->untrusted != NULL &&
	    d < sk_X509_num(opts->untrusted); d++) {
		X509 *c = sk_X509_value(opts->untrusted, d);

		if (!carries_id(c, opts->sm2_id)) {
			if ((c = copy_with_id(c, opts->sm2_id)) == NULL)
				goto out;
			copies[ncopies++] = c;
		}
		with_id[nwith++] = c;
		if (!sk_X509_push(untrusted, c))
			goto out;
	}
	if ((store = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(store, opts->root) ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, store, with_id[0], untrusted))
		goto out;
	/* RFC 5280 §6.1.3 (a)(2): validity at the chosen time. */
	X509_STORE_CTX_set_time(ctx, 0, at);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	X509_STORE_CTX_set_depth(ctx, VERIFY_MAX_DEPTH);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	if (!X509_STORE_CTX_set_app_data(ctx, &vs))
		goto out;

	if (X509_verify_cert(ctx) != 1) {
		int err = X509_STORE_CTX_get_error(ctx);

		res->x509_error = err;
		res->depth = X509_STORE_CTX_get_error_depth(ctx);
		rc = map_x509_error(err);
		if (err == X509_V_ERR_CERT_SIGNATURE_FAILURE &&
		    vs.sig_rc == GMPKI_ERR_KEY_NOT_SM2)
			rc = GMPKI_ERR_CERT_PROFILE;
		goto out;
	}
	if ((chain = X509_STORE_CTX_get1_chain(ctx)) == NULL)
		goto out;
	n = sk_X509_num(chain);
	if (n < 1 || n > VERIFY_MAX_DEPTH + 1) {
		rc = GMPKI_ERR_CERT_CHAIN;
		goto out;
	}
	/* Every link with the ID, including the root's self-signature (a
	 * trust anchor that is not what it claims to be is a broken file). */
	for (d = 0; d < n; d++) {
		X509 *cur = sk_X509_value(chain, d);

		if (vs.checked & (1u << d))
			continue;
		/* The root, checked once by the caller. */
		if (d + 1 == n && opts->root_checked &&
		    X509_cmp(cur, opts->root) == 0)
			continue;
		/* Carrying the ID, signed SM2-with-SM3 by an SM2 key below
		 * the top: OpenSSL has just checked it with the ID. */
		if (d + 1 < n && has_id(cur, with_id, nwith) &&
		    X509_get_signature_nid(cur) == NID_SM2_with_SM3 &&
		    gmpki_sm2_is_sm2(X509_get0_pubkey(sk_X509_value(chain,
		    d + 1))))
			continue;
		if ((rc = check_link(chain, d, opts->sm2_id)) != 0) {
			res->depth = d;
			res->x509_error = X509_V_ERR_CERT_SIGNATURE_FAILURE;
			rc = rc == GMPKI_ERR_KEY_NOT_SM2 ?
			    GMPKI_ERR_CERT_PROFILE : GMPKI_ERR_CERT_SIGNATURE;
			goto out;
		}
	}

	/* Revocation: CRLs for every certificate below the root, then the
	 * OCSP answer for the leaf. */
	if (opts->crls != NULL &&
	    (rc = check_crls(chain, opts->crls, at, opts->sm2_id, covered,
	    res)) != 0)
		goto out;
	if (opts->ocsp_der != NULL &&
	    (rc = check_ocsp(chain, opts, at, covered, res)) != 0)
		goto out;
	res->depth = 0;
	if (covered[0])
		res->status = GMPKI_STATUS_GOOD;
	/* A self-signed leaf (the root itself) has nothing to revoke it. */
	if (opts->require_revocation && n > 1 && !covered[0]) {
		rc = GMPKI_ERR_REVOCATION_UNKNOWN;
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);
	while (ncopies > 0)
		X509_free(copies[--ncopies]);
	return rc;
}
