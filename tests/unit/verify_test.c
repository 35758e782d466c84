/* verify_test.c - SM2 path validation with validity, trust and revocation. */
#include "test.h"
#include "fixture.h"

#include <time.h>


static time_t now;

/*
 * root -> ca -> { ee (valid now, 3 years), ee_expired, ee_future,
 * responder }; root2 -> ca2 -> ee2: another PKI with other keys.
 */
static EVP_PKEY *root_key, *ca_key, *ee_key, *resp_key, *root2_key, *ca2_key;
static EVP_PKEY *evil_key;
static X509 *root, *ca, *ee, *ee_expired, *ee_future, *responder;
static X509 *root2, *ca2, *ee2;

static void
pki_setup(void)
{
	time_t nb = now - 10 * DAY;

	fx_ca_pair(FX_ROOT_NAME, FX_CA_NAME, now - 2 * YEAR, now + 20 * YEAR,
	    now + 10 * YEAR, &root_key, &root, &ca_key, &ca);
	/* Defaults: valid from now for 3 years. */
	ee = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01",
	    &ee_key, ca, ca_key, now - DAY, 0);
	ee_expired = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=old",
	    &ee_key, ca, ca_key, now - YEAR, now - DAY);
	ee_future = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=future",
	    &ee_key, ca, ca_key, now + DAY, now + YEAR);
	responder = fx_issue(GMPKI_CERT_OCSP, FX_OCSP_NAME, &resp_key, ca,
	    ca_key, nb, now + YEAR);
	fx_ca_pair("/C=CN/O=Other/CN=Other Root", "/C=CN/O=Other/CN=Other CA",
	    nb, now + 20 * YEAR, now + 10 * YEAR, &root2_key, &root2, &ca2_key,
	    &ca2);
	ee2 = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01",
	    &ee_key, ca2, ca2_key, nb, now + YEAR);
	CHECK_OK(gmpki_sm2_keygen(&evil_key));
}

static void
pki_free(void)
{
	X509 *certs[] = { root, ca, ee, ee_expired, ee_future, responder,
	    root2, ca2, ee2 };
	EVP_PKEY *keys[] = { root_key, ca_key, ee_key, resp_key, root2_key,
	    ca2_key, evil_key };

	fx_free(certs, FX_N(certs), keys, FX_N(keys));
}

static STACK_OF(X509) *
stack_of(X509 *a)
{
	STACK_OF(X509) *sk = sk_X509_new_null();

	if (a != NULL)
		sk_X509_push(sk, a);
	return sk;
}

static void
opts_init(struct gmpki_verify_opts *o, STACK_OF(X509) *untrusted)
{
	memset(o, 0, sizeof(*o));
	o->root = root;
	o->untrusted = untrusted;
}

/* A parsed copy of x after a change: the cached encoding is the new one. */
static X509 *
reparse(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *y;
	int len = i2d_X509(x, &der);

	p = der;
	y = d2i_X509(NULL, &p, len);
	OPENSSL_free(der);
	X509_free(x);
	CHECK(y != NULL);
	return y;
}

static void
test_good_chain(void)
{
	struct gmpki_verify_opts o;
	struct gmpki_verify_result res;
	STACK_OF(X509) *inter = stack_of(ca);

	opts_init(&o, inter);
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	CHECK(res.depth == 0 && res.x509_error == 0);
	CHECK(res.revocation_checked == 0 && res.status == GMPKI_STATUS_UNKNOWN);
	CHECK_OK(gmpki_verify_cert(ee, &o, NULL));
	/* The intermediate and the root themselves. */
	CHECK_OK(gmpki_verify_cert(ca, &o, &res));
	CHECK_OK(gmpki_verify_cert(root, &o, &res));
	/* The ID is part of every signature: another ID fails. */
	o.sm2_id = "another-id";
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	o.sm2_id = GMPKI_SM2_DEFAULT_ID;
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	/* Arguments. */
	o.root = NULL;
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_verify_cert(NULL, &o, &res), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_verify_cert(ee, NULL, &res), GMPKI_ERR_ARG);
	sk_X509_free(inter);
}

static void
test_validity(void)
{
	struct gmpki_verify_opts o;
	struct gmpki_verify_result res;
	STACK_OF(X509) *inter = stack_of(ca);

	opts_init(&o, inter);
	CHECK_RC(gmpki_verify_cert(ee_expired, &o, &res),
	    GMPKI_ERR_CERT_EXPIRED);
	CHECK(res.depth == 0 && res.x509_error == X509_V_ERR_CERT_HAS_EXPIRED);
	CHECK_RC(gmpki_verify_cert(ee_future, &o, &res),
	    GMPKI_ERR_CERT_NOT_YET_VALID);
	CHECK(res.depth == 0 &&
	    res.x509_error == X509_V_ERR_CERT_NOT_YET_VALID);

	/* opts.at, both ways: the expired one was good half a year ago, the
	 * future one is good in two days ... */
	o.at = now - YEAR / 2;
	CHECK_OK(gmpki_verify_cert(ee_expired, &o, &res));
	o.at = now + 2 * DAY;
	CHECK_OK(gmpki_verify_cert(ee_future, &o, &res));
	/* ... and the one valid now is expired in 4 years and not yet valid
	 * 2 days ago. */
	o.at = now + 4 * YEAR;
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_EXPIRED);
	CHECK(res.depth == 0);
	o.at = now - 2 * DAY;
	CHECK_RC(gmpki_verify_cert(ee, &o, &res),
	    GMPKI_ERR_CERT_NOT_YET_VALID);
	/* The intermediate's validity counts too (10 years). */
	o.at = now + 11 * YEAR;
	CHECK_RC(gmpki_verify_cert(ca, &o, &res), GMPKI_ERR_CERT_EXPIRED);
	CHECK(res.depth == 0);
	/* An EE checked at a time only the intermediate is expired:
	 * impossible with this CA (nothing outlives its issuer), so ask at a
	 * time the root is not yet valid. */
	o.at = now - 3 * YEAR;
	CHECK_RC(gmpki_verify_cert(ca, &o, &res),
	    GMPKI_ERR_CERT_NOT_YET_VALID);
	sk_X509_free(inter);
}

static void
test_untrusted(void)
{
	struct gmpki_verify_opts o;
	struct gmpki_verify_result res;
	STACK_OF(X509) *inter = stack_of(ca), *inter2 = stack_of(ca2);

	/* Another CA's certificate, with its own intermediate. */
	opts_init(&o, inter2);
	CHECK_RC(gmpki_verify_cert(ee2, &o, &res), GMPKI_ERR_CERT_UNTRUSTED);
	CHECK(res.x509_error != 0);
	/* ... with ours: the issuer is not found. */
	o.untrusted = inter;
	CHECK_RC(gmpki_verify_cert(ee2, &o, &res), GMPKI_ERR_CERT_UNTRUSTED);
	/* ... trusted under its own root it is fine. */
	o.root = root2;
	o.untrusted = inter2;
	CHECK_OK(gmpki_verify_cert(ee2, &o, &res));
	/* The other root itself, self-signed, not our anchor. */
	opts_init(&o, inter);
	CHECK_RC(gmpki_verify_cert(root2, &o, &res), GMPKI_ERR_CERT_UNTRUSTED);
	CHECK(res.x509_error == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	/* Missing intermediate. */
	opts_init(&o, NULL);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_UNTRUSTED);
	CHECK(res.x509_error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	sk_X509_free(inter);
	sk_X509_free(inter2);
}

/*
 * Links that must fail on their signature.  Each forged certificate keeps
 * the names and key identifiers of the real one, so path building picks
 * it and only the signature check can tell.
 */
static void
test_bad_signatures(void)
{
	struct gmpki_verify_opts o;
	struct gmpki_verify_result res;
	STACK_OF(X509) *inter;
	X509 *fake;

	/* 1. The intermediate with the same name (and SKI) but another key,
	 *    properly signed by the root: the EE's signature fails. */
	fake = X509_dup(ca);
	CHECK(X509_set_pubkey(fake, evil_key) == 1);
	CHECK_OK(gmpki_sm2_sign_cert(fake, root_key, NULL));
	fake = reparse(fake);
	inter = stack_of(fake);
	opts_init(&o, inter);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 0 &&
	    res.x509_error == X509_V_ERR_CERT_SIGNATURE_FAILURE);
	/* The forged intermediate itself chains fine to the root. */
	CHECK_OK(gmpki_verify_cert(fake, &o, &res));
	sk_X509_free(inter);
	X509_free(fake);

	/* 2. The intermediate re-signed by a key that is not the root's
	 *    (same issuer name, same AKI). */
	fake = X509_dup(ca);
	CHECK_OK(gmpki_sm2_sign_cert(fake, evil_key, NULL));
	fake = reparse(fake);
	inter = stack_of(fake);
	opts_init(&o, inter);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 1);
	sk_X509_free(inter);
	X509_free(fake);

	/* 3. The intermediate signed by the root's key with an EMPTY SM2 ID
	 *    (X509_sign, as OpenSSL 3.0 does without the ID): OpenSSL's own
	 *    X509_verify accepts it, so a validator that checks only the
	 *    links OpenSSL rejects would let it through.  With the ID it is
	 *    a bad signature. */
	fake = X509_dup(ca);
	CHECK(X509_sign(fake, root_key, EVP_sm3()) > 0);
	fake = reparse(fake);
	CHECK(X509_verify(fake, X509_get0_pubkey(root)) == 1);
	CHECK_RC(gmpki_sm2_verify_cert(fake, X509_get0_pubkey(root), NULL),
	    GMPKI_ERR_SIGNATURE);
	inter = stack_of(fake);
	opts_init(&o, inter);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 1);
	sk_X509_free(inter);
	X509_free(fake);

	/* 4. The same for the leaf. */
	fake = X509_dup(ee);
	CHECK(X509_sign(fake, ca_key, EVP_sm3()) > 0);
	fake = reparse(fake);
	inter = stack_of(ca);
	opts_init(&o, inter);
	CHECK_RC(gmpki_verify_cert(fake, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 0);
	X509_free(fake);

	/* 5. A flipped bit in the leaf's signature. */
	{
		unsigned char *der = NULL;
		size_t len = 0;

		CHECK_OK(gmpki_cert_to_der(ee, &der, &len));
		der[len - 2] ^= 0x01;
		CHECK_OK(gmpki_cert_from_mem(der, len, &fake));
		CHECK_RC(gmpki_verify_cert(fake, &o, &res),
		    GMPKI_ERR_CERT_SIGNATURE);
		X509_free(fake);
		free(der);
	}

	/* 6. A root whose self-signature is broken (same name, key, SKI). */
	fake = X509_dup(root);
	CHECK(X509_sign(fake, root_key, EVP_sm3()) > 0);
	fake = reparse(fake);
	o.root = fake;
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 2);
	X509_free(fake);
	sk_X509_free(inter);
}

/* Certificates that already carry the ID are used as they are (no
 * copies); one carrying another ID is not trusted to have been checked
 * with ours; root_checked skips only the root's self-signature. */
static void
test_caller_ids(void)
{
	struct gmpki_verify_opts o;
	struct gmpki_verify_result res;
	STACK_OF(X509) *inter;
	X509 *e = X509_dup(ee), *c = X509_dup(ca), *fake, *broot;

	CHECK_OK(gmpki_sm2_set_cert_id(e, NULL));
	CHECK_OK(gmpki_sm2_set_cert_id(c, NULL));
	inter = stack_of(c);
	opts_init(&o, inter);
	CHECK_OK(gmpki_verify_cert(e, &o, &res));
	o.sm2_id = "another-id";
	CHECK_RC(gmpki_verify_cert(e, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	o.sm2_id = NULL;
	/* Another ID on the caller's objects: copied with ours, fine. */
	CHECK_OK(gmpki_sm2_set_cert_id(e, "another-id"));
	CHECK_OK(gmpki_sm2_set_cert_id(c, "another-id"));
	CHECK_OK(gmpki_verify_cert(e, &o, &res));
	sk_X509_free(inter);

	/* The intermediate signed with an EMPTY ID (which OpenSSL's
	 * X509_verify accepts), carrying our ID or another one: refused. */
	fake = X509_dup(ca);
	CHECK(X509_sign(fake, root_key, EVP_sm3()) > 0);
	fake = reparse(fake);
	inter = stack_of(fake);
	opts_init(&o, inter);
	CHECK_OK(gmpki_sm2_set_cert_id(fake, NULL));
	CHECK_RC(gmpki_verify_cert(e, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 1);
	CHECK_OK(gmpki_sm2_set_cert_id(fake, ""));
	CHECK_RC(gmpki_verify_cert(e, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 1);
	o.root_checked = 1;
	CHECK_RC(gmpki_verify_cert(e, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	sk_X509_free(inter);
	X509_free(fake);

	/* root_checked: the caller's word for the root's self-signature
	 * only (a broken one passes, as documented; without the flag it is
	 * caught at depth 2). */
	broot = X509_dup(root);
	CHECK(X509_sign(broot, root_key, EVP_sm3()) > 0);
	broot = reparse(broot);
	inter = stack_of(ca);
	opts_init(&o, inter);
	o.root = broot;
	CHECK_RC(gmpki_verify_cert(e, &o, &res), GMPKI_ERR_CERT_SIGNATURE);
	CHECK(res.depth == 2);
	o.root_checked = 1;
	CHECK_OK(gmpki_verify_cert(e, &o, &res));
	sk_X509_free(inter);
	X509_free(broot);
	X509_free(e);
	X509_free(c);
}

static X509_CRL *
crl_of(X509 *issuer, EVP_PKEY *key, X509 *revoked, int reason, time_t tu,
    time_t nu)
{
	return fx_crl(issuer, key, revoked, now - 3000, reason, 7, tu, nu);
}

static void
test_crl(void)
{
	struct gmpki_verify_opts o;
	struct gmpki_verify_result res;
	STACK_OF(X509) *inter = stack_of(ca);
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	X509_CRL *good, *revoking, *arl_revoking_ca, *arl_empty, *expired;
	X509_CRL *other, *forged, *foreign;
	X509 *fake_ca;

	good = crl_of(ca, ca_key, ee_expired, GMPKI_REASON_SUPERSEDED,
	    now - 60, now + DAY);
	revoking = crl_of(ca, ca_key, ee, GMPKI_REASON_KEY_COMPROMISE,
	    now - 60, now + DAY);
	arl_revoking_ca = crl_of(root, root_key, ca,
	    GMPKI_REASON_CA_COMPROMISE, now - 60, now + DAY);
	arl_empty = crl_of(root, root_key, NULL, 0, now - 60, now + DAY);
	expired = crl_of(ca, ca_key, NULL, 0, now - 2 * DAY, now - DAY);
	foreign = crl_of(ca2, ca2_key, ee, GMPKI_REASON_KEY_COMPROMISE,
	    now - 60, now + DAY);
	/* A look-alike CA: same name, another key. */
	fake_ca = fx_issue(GMPKI_CERT_ISSUING, FX_CA_NAME, &evil_key, root,
	    root_key, now - DAY, now + YEAR);
	forged = crl_of(fake_ca, evil_key, NULL, 0, now - 60, now + DAY);
	other = NULL;

	opts_init(&o, inter);
	o.crls = crls;
	/* A good CRL that does not list ee. */
	sk_X509_CRL_push(crls, good);
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	CHECK(res.revocation_checked == 1 && res.status == GMPKI_STATUS_GOOD);
	o.require_revocation = 1;
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	/* A CRL of another CA is not about ee and changes nothing. */
	sk_X509_CRL_push(crls, foreign);
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	/* Revoked. */
	sk_X509_CRL_push(crls, revoking);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_REVOKED);
	CHECK(res.depth == 0 && res.status == GMPKI_STATUS_REVOKED);
	CHECK(res.revoked_at == now - 3000);
	CHECK(res.reason == GMPKI_REASON_KEY_COMPROMISE);
	CHECK(res.revocation_checked == 1);
	/* The expired EE is listed in "good" (superseded) and also expired:
	 * the path error comes first. */
	CHECK_RC(gmpki_verify_cert(ee_expired, &o, &res),
	    GMPKI_ERR_CERT_EXPIRED);
	o.at = now - YEAR / 2;
	/* Half a year ago the CRLs were not issued yet. */
	CHECK_RC(gmpki_verify_cert(ee_expired, &o, &res),
	    GMPKI_ERR_CRL_INVALID);
	o.at = 0;
	sk_X509_CRL_zero(crls);

	/* The intermediate revoked on the root's CRL (an ARL). */
	sk_X509_CRL_push(crls, good);
	sk_X509_CRL_push(crls, arl_revoking_ca);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CERT_REVOKED);
	CHECK(res.depth == 1 && res.reason == GMPKI_REASON_CA_COMPROMISE);
	sk_X509_CRL_zero(crls);
	sk_X509_CRL_push(crls, good);
	sk_X509_CRL_push(crls, arl_empty);
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	/* The ARL alone does not cover the leaf. */
	sk_X509_CRL_zero(crls);
	sk_X509_CRL_push(crls, arl_empty);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res),
	    GMPKI_ERR_REVOCATION_UNKNOWN);
	o.require_revocation = 0;
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	CHECK(res.status == GMPKI_STATUS_UNKNOWN);

	/* Bad revocation input is an error, not ignored. */
	sk_X509_CRL_zero(crls);
	sk_X509_CRL_push(crls, good);
	sk_X509_CRL_push(crls, forged);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_SIGNATURE);
	CHECK(res.depth == 0);
	sk_X509_CRL_zero(crls);
	sk_X509_CRL_push(crls, expired);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_CRL_EXPIRED);
	/* A flipped signature bit. */
	{
		unsigned char *der = NULL;
		size_t len = 0;

		CHECK_OK(gmpki_crl_to_der(good, &der, &len));
		der[len - 1] ^= 0x01;
		CHECK_OK(gmpki_crl_parse(der, len, &other));
		free(der);
	}
	sk_X509_CRL_zero(crls);
	sk_X509_CRL_push(crls, other);
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_SIGNATURE);

	sk_X509_CRL_free(crls);
	X509_CRL_free(good);
	X509_CRL_free(revoking);
	X509_CRL_free(arl_revoking_ca);
	X509_CRL_free(arl_empty);
	X509_CRL_free(expired);
	X509_CRL_free(foreign);
	X509_CRL_free(forged);
	X509_CRL_free(other);
	X509_free(fake_ca);
	sk_X509_free(inter);
}

static X509 *lookup_revoked;

static int
lookup(void *arg, const ASN1_INTEGER *serial, struct gmpki_ocsp_status *st)
{
	(void)arg;
	if (lookup_revoked != NULL && ASN1_INTEGER_cmp(serial,
	    X509_get0_serialNumber(lookup_revoked)) == 0) {
		st->status = GMPKI_STATUS_REVOKED;
		st->revoked_at = now - 500;
		st->reason = GMPKI_REASON_AFFILIATION_CHANGED;
	} else if (ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(ee)) == 0)
		st->status = GMPKI_STATUS_GOOD;
	else
		st->status = GMPKI_STATUS_UNKNOWN;
	return 0;
}

static int
ocsp_for(X509 *cert, unsigned char **out, size_t *outlen)
{
	struct gmpki_ocsp_responder r;

	fx_responder(&r, ca, responder, resp_key, 3600, lookup);
	return fx_ocsp_ask(&r, cert, ca, 0, 1, now, NULL, out, outlen);
}

static void
test_ocsp(void)
{
	struct gmpki_verify_opts o;
	struct gmpki_verify_result res;
	STACK_OF(X509) *inter = stack_of(ca);
	unsigned char *resp = NULL;
	size_t len = 0;
	X509 *ee_b;

	ee_b = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user02",
	    &ee_key, ca, ca_key, now - DAY, 0);
	opts_init(&o, inter);
	o.require_revocation = 1;

	/* Good. */
	CHECK_OK(ocsp_for(ee, &resp, &len));
	o.ocsp_der = resp;
	o.ocsp_len = len;
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	CHECK(res.revocation_checked == 1 && res.status == GMPKI_STATUS_GOOD);
	/* The same answer offered for another certificate. */
	CHECK_RC(gmpki_verify_cert(ee_b, &o, &res), GMPKI_ERR_OCSP_INVALID);
	/* Stale after nextUpdate (validity of the certs is fine then). */
	o.at = now + 2 * DAY;
	CHECK_RC(gmpki_verify_cert(ee, &o, &res), GMPKI_ERR_OCSP_STALE);
	o.at = 0;
	free(resp);

	/* Unknown to the responder. */
	CHECK_OK(ocsp_for(ee_b, &resp, &len));
	o.ocsp_der = resp;
	o.ocsp_len = len;
	CHECK_RC(gmpki_verify_cert(ee_b, &o, &res),
	    GMPKI_ERR_REVOCATION_UNKNOWN);
	CHECK(res.status == GMPKI_STATUS_UNKNOWN &&
	    res.revocation_checked == 1);
	free(resp);

	/* Revoked. */
	lookup_revoked = ee_b;
	CHECK_OK(ocsp_for(ee_b, &resp, &len));
	o.ocsp_der = resp;
	o.ocsp_len = len;
	CHECK_RC(gmpki_verify_cert(ee_b, &o, &res), GMPKI_ERR_CERT_REVOKED);
	CHECK(res.status == GMPKI_STATUS_REVOKED && res.depth == 0);
	CHECK(res.revoked_at == now - 500);
	CHECK(res.reason == GMPKI_REASON_AFFILIATION_CHANGED);
	/* Garbage in place of the response. */
	o.ocsp_len = 3;
	CHECK_RC(gmpki_verify_cert(ee_b, &o, &res), GMPKI_ERR_DECODE);
	free(resp);
	lookup_revoked = NULL;

	/* require_revocation without any input. */
	o.ocsp_der = NULL;
	o.ocsp_len = 0;
	CHECK_RC(gmpki_verify_cert(ee, &o, &res),
	    GMPKI_ERR_REVOCATION_UNKNOWN);
	CHECK(res.revocation_checked == 0);
	o.require_revocation = 0;
	CHECK_OK(gmpki_verify_cert(ee, &o, &res));
	X509_free(ee_b);
	sk_X509_free(inter);
}

int
main(void)
{
	CHECK_OK(gmpki_init());
	now = time(NULL);
	pki_setup();
	RUN(test_good_chain);
	RUN(test_validity);
	RUN(test_untrusted);
	RUN(test_bad_signatures);
	RUN(test_caller_ids);
	RUN(test_crl);
	RUN(test_ocsp);
	pki_free();
	TEST_MAIN_END();
}
