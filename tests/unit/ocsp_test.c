/* ocsp_test.c - OCSP requests, the responder and response checks with SM2. */
#include "test.h"
#include "fixture.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define VALIDITY 3600

static char tmpdir[] = "/tmp/ocsp_test.XXXXXX";
/* What the test writes in tmpdir: removed at the end, which empties it. */
static const char *const tmp_files[] = { "req.der", "revoked.der",
    "good.der", "chain.pem", "ocsp.pem" };
static time_t now;

/*
 * root -> ca -> { responder (id-kp-OCSPSigning), ee_good, ee_revoked,
 * ee_unknown, ee_signer (an EE used as a would-be responder) };
 * root2 -> ca2 -> { ee2, responder2 }: another CA with other keys.
 */
static EVP_PKEY *root_key, *ca_key, *resp_key, *ee_key;
static EVP_PKEY *root2_key, *ca2_key, *resp2_key;
static X509 *root, *ca, *responder, *ee_good, *ee_revoked, *ee_unknown;
static X509 *ee_signer, *root2, *ca2, *ee2, *responder2;

static void
pki_setup(void)
{
	time_t nb = now - DAY;

	fx_ca_pair(FX_ROOT_NAME, FX_CA_NAME, nb, now + 3650 * DAY,
	    now + 1825 * DAY, &root_key, &root, &ca_key, &ca);
	responder = fx_issue(GMPKI_CERT_OCSP, FX_OCSP_NAME, &resp_key, ca,
	    ca_key, nb, now + 365 * DAY);
	ee_good = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=good",
	    &ee_key, ca, ca_key, nb, now + 1000 * DAY);
	ee_revoked = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=revoked",
	    &ee_key, ca, ca_key, nb, now + 1000 * DAY);
	ee_unknown = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=unknown",
	    &ee_key, ca, ca_key, nb, now + 1000 * DAY);
	/* An EE with the responder's key, as a would-be responder. */
	ee_signer = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=signer",
	    &resp_key, ca, ca_key, nb, now + 1000 * DAY);
	fx_ca_pair("/C=CN/O=Other/CN=Other Root", "/C=CN/O=Other/CN=Other CA",
	    nb, now + 3650 * DAY, now + 1825 * DAY, &root2_key, &root2,
	    &ca2_key, &ca2);
	ee2 = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=other",
	    &ee_key, ca2, ca2_key, nb, now + 1000 * DAY);
	responder2 = fx_issue(GMPKI_CERT_OCSP, "/C=CN/O=Other/CN=Other OCSP",
	    &resp2_key, ca2, ca2_key, nb, now + 365 * DAY);
}

static void
pki_free(void)
{
	X509 *certs[] = { root, ca, responder, ee_good, ee_revoked,
	    ee_unknown, ee_signer, root2, ca2, ee2, responder2 };
	EVP_PKEY *keys[] = { root_key, ca_key, resp_key, ee_key, root2_key,
	    ca2_key, resp2_key };

	fx_free(certs, FX_N(certs), keys, FX_N(keys));
}

/* The CA's records: ee_good good, ee_revoked revoked, nothing else known. */
static int
lookup(void *arg, const ASN1_INTEGER *serial, struct gmpki_ocsp_status *st)
{
	int *calls = arg;

	if (calls != NULL)
		(*calls)++;
	if (ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(ee_good)) == 0)
		st->status = GMPKI_STATUS_GOOD;
	else if (ASN1_INTEGER_cmp(serial,
	    X509_get0_serialNumber(ee_revoked)) == 0) {
		st->status = GMPKI_STATUS_REVOKED;
		st->revoked_at = now - 1000;
		st->reason = GMPKI_REASON_KEY_COMPROMISE;
	} else
		st->status = GMPKI_STATUS_UNKNOWN;
	return 0;
}

static int
lookup_fails(void *arg, const ASN1_INTEGER *serial,
    struct gmpki_ocsp_status *st)
{
	(void)arg;
	(void)serial;
	(void)st;
	return GMPKI_ERR_IO;
}

static void
responder_init(struct gmpki_ocsp_responder *r, X509 *signer, EVP_PKEY *key)
{
	fx_responder(r, ca, signer, key, VALIDITY, lookup);
}

static const char *
path_of(const char *name)
{
	return fx_path(tmpdir, name);
}

/* The status code of a DER OCSPResponse, or -1. */
static int
response_status(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	int st = -1;

	if (resp != NULL)
		st = OCSP_response_status(resp);
	OCSP_RESPONSE_free(resp);
	return st;
}

static void
test_good_revoked_unknown(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	OCSP_REQUEST *req = NULL;
	unsigned char *resp = NULL;
	size_t len = 0;
	int calls = 0;

	responder_init(&r, responder, resp_key);
	r.lookup_arg = &calls;

	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 1, now, &req, &resp, &len));
	CHECK(response_status(resp, len) == OCSP_RESPONSE_STATUS_SUCCESSFUL);
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, req, now,
	    NULL, &st));
	CHECK(st.status == GMPKI_STATUS_GOOD && st.reason == -1);
	CHECK(st.this_update == now && st.next_update == now + VALIDITY);
	/* The window in which the same check says the same: its edges. */
	CHECK(st.good_from == now - 300 && st.good_until == now + VALIDITY);
	{
		struct gmpki_ocsp_status s2;
		time_t from = st.good_from, until = st.good_until;

		CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca,
		    NULL, from, NULL, &s2));
		CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca,
		    NULL, from - 1, NULL, &s2), GMPKI_ERR_OCSP_STALE);
		CHECK(s2.good_from == 0 && s2.good_until == 0);
		CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca,
		    NULL, until - 1, NULL, &s2));
		CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca,
		    NULL, until, NULL, &s2), GMPKI_ERR_OCSP_STALE);
	}
	/* Without the request (no nonce check) it still verifies. */
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL, now,
	    NULL, &st));
	/* The answer is about ee_good only. */
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now, NULL, &st), GMPKI_ERR_OCSP_INVALID);
	CHECK(st.status == GMPKI_STATUS_UNKNOWN);
	OCSP_REQUEST_free(req);
	free(resp);

	CHECK_OK(fx_ocsp_ask(&r, ee_revoked, ca, 0, 1, now, &req, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, req,
	    now, NULL, &st));
	CHECK(st.status == GMPKI_STATUS_REVOKED);
	CHECK(st.revoked_at == now - 1000);
	CHECK(st.reason == GMPKI_REASON_KEY_COMPROMISE);
	OCSP_REQUEST_free(req);
	free(resp);

	/* A serial the lookup does not know. */
	CHECK_OK(fx_ocsp_ask(&r, ee_unknown, ca, 0, 1, now, &req, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_unknown, ca, req,
	    now, NULL, &st));
	CHECK(st.status == GMPKI_STATUS_UNKNOWN);
	OCSP_REQUEST_free(req);
	free(resp);
	CHECK(calls == 3);

	/* A CertID of another CA: "unknown" without asking the lookup. */
	calls = 0;
	CHECK_OK(fx_ocsp_ask(&r, ee2, ca2, 0, 1, now, &req, &resp, &len));
	CHECK(calls == 0);
	{
		const unsigned char *p = resp;
		OCSP_RESPONSE *o = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
		OCSP_BASICRESP *bs = OCSP_response_get1_basic(o);
		OCSP_CERTID *id = OCSP_cert_to_id(EVP_sm3(), ee2, ca2);
		int status = -1;

		CHECK(OCSP_resp_find_status(bs, id, &status, NULL, NULL, NULL,
		    NULL) == 1);
		CHECK(status == V_OCSP_CERTSTATUS_UNKNOWN);
		OCSP_CERTID_free(id);
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(o);
	}
	/* Our responder does not speak for ca2. */
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee2, ca2, req, now,
	    NULL, &st), GMPKI_ERR_OCSP_INVALID);
	OCSP_REQUEST_free(req);
	free(resp);
}

/* The window narrowed to a delegated responder's validity, and an
 * answer without nextUpdate (24 hours from thisUpdate). */
static void
test_verdict_window(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	unsigned char *resp = NULL;
	EVP_PKEY *k = NULL;
	X509 *brief;
	size_t len = 0;

	brief = fx_issue(GMPKI_CERT_OCSP, FX_OCSP_NAME, &k, ca, ca_key,
	    now - 100, now + 600);
	responder_init(&r, brief, k);
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL, now,
	    NULL, &st));
	CHECK(st.good_from == now - 100 && st.good_until == now + 601);
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now - 100, NULL, &st));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now - 101, NULL, &st), GMPKI_ERR_OCSP_INVALID);
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now + 600, NULL, &st));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now + 601, NULL, &st), GMPKI_ERR_OCSP_INVALID);
	free(resp);

	responder_init(&r, responder, resp_key);
	r.validity_secs = 0;
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL, now,
	    NULL, &st));
	CHECK(st.next_update == 0);
	CHECK(st.good_from == now - 300 && st.good_until == now + DAY + 1);
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now + DAY, NULL, &st));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now + DAY + 1, NULL, &st), GMPKI_ERR_OCSP_STALE);
	free(resp);
	X509_free(brief);
	EVP_PKEY_free(k);
}

static void
test_sha1_and_ca_signed(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	OCSP_REQUEST *req = NULL;
	unsigned char *resp = NULL;
	size_t len = 0;

	/* A SHA-1 CertID is answered with the same CertID. */
	responder_init(&r, responder, resp_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_revoked, ca, 1, 1, now, &req, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, req,
	    now, NULL, &st));
	CHECK(st.status == GMPKI_STATUS_REVOKED &&
	    st.reason == GMPKI_REASON_KEY_COMPROMISE);
	{
		const unsigned char *p = resp;
		OCSP_RESPONSE *o = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
		OCSP_BASICRESP *bs = OCSP_response_get1_basic(o);
		ASN1_OBJECT *alg = NULL;

		OCSP_id_get0_info(NULL, &alg, NULL, NULL, (OCSP_CERTID *)
		    OCSP_SINGLERESP_get0_id(OCSP_resp_get0(bs, 0)));
		CHECK(OBJ_obj2nid(alg) == NID_sha1);
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(o);
	}
	OCSP_REQUEST_free(req);
	free(resp);

	/* The CA may sign its own answers (RFC 6960 §4.2.2.2). */
	responder_init(&r, ca, ca_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, &req, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, req, now,
	    NULL, &st));
	CHECK(st.status == GMPKI_STATUS_GOOD);
	CHECK(st.good_from == now - 300 && st.good_until == now + VALIDITY);
	/* A response with the wrong SM2 ID. */
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, req, now,
	    "another-id", &st), GMPKI_ERR_SIGNATURE);
	OCSP_REQUEST_free(req);
	free(resp);

	/* Signed with a non-default ID, verified with it. */
	responder_init(&r, responder, resp_key);
	r.sm2_id = "ocsp@certhelper";
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL, now,
	    NULL, &st), GMPKI_ERR_SIGNATURE);
	free(resp);
}

static void
test_nonce(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	OCSP_REQUEST *req = NULL, *req2 = NULL, *plain = NULL;
	OCSP_RESPONSE *o;
	OCSP_BASICRESP *bs;
	unsigned char *resp = NULL, *resp2 = NULL;
	const unsigned char *p;
	size_t len = 0, len2 = 0;

	responder_init(&r, responder, resp_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 1, now, &req, &resp, &len));
	/* Echoed (RFC 8954). */
	p = resp;
	o = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	bs = OCSP_response_get1_basic(o);
	CHECK(OCSP_check_nonce(req, bs) == 1);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(o);
	/* Another request's nonce: the answer is not to our question. */
	CHECK_OK(gmpki_ocsp_request_create(ee_good, ca, 0, 1, &req2));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, req2, now,
	    NULL, &st), GMPKI_ERR_OCSP_INVALID);
	/* We sent no nonce and one came back: refused too. */
	CHECK_OK(gmpki_ocsp_request_create(ee_good, ca, 0, 0, &plain));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, plain, now,
	    NULL, &st), GMPKI_ERR_OCSP_INVALID);
	/* We sent one and none came back (a response to a nonce-less
	 * request, replayed): refused. */
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp2, &len2));
	CHECK_RC(gmpki_ocsp_response_verify(resp2, len2, ee_good, ca, req, now,
	    NULL, &st), GMPKI_ERR_OCSP_INVALID);
	/* No nonce either way: fine. */
	CHECK_OK(gmpki_ocsp_response_verify(resp2, len2, ee_good, ca, plain,
	    now, NULL, &st));
	OCSP_REQUEST_free(req);
	OCSP_REQUEST_free(req2);
	OCSP_REQUEST_free(plain);
	free(resp);
	free(resp2);
}

static void
test_unauthorised_responders(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	unsigned char *resp = NULL;
	size_t len = 0;

	/* An EE certificate of the CA, without id-kp-OCSPSigning. */
	responder_init(&r, ee_signer, resp_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL, now,
	    NULL, &st), GMPKI_ERR_OCSP_INVALID);
	free(resp);
	/* A real responder, but of another CA. */
	responder_init(&r, responder2, resp2_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL, now,
	    NULL, &st), GMPKI_ERR_OCSP_INVALID);
	free(resp);
	/* Our responder, at a time its certificate (1 year) has expired. */
	responder_init(&r, responder, resp_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now + 400 * DAY, NULL,
	    &resp, &len));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now + 400 * DAY, NULL, &st), GMPKI_ERR_OCSP_INVALID);
	free(resp);
	/* The responder key does not match the responder certificate. */
	responder_init(&r, responder, ca_key);
	CHECK_RC(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len),
	    GMPKI_ERR_KEY_MISMATCH);
	CHECK(response_status(resp, len) ==
	    OCSP_RESPONSE_STATUS_INTERNALERROR);
	free(resp);
}

static void
test_tampered_and_stale(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	unsigned char *resp = NULL, *q;
	size_t len = 0;

	responder_init(&r, responder, resp_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_revoked, ca, 0, 0, now, NULL, &resp, &len));
	/* A byte in the middle of the signature value. */
	{
		const unsigned char *p = resp;
		OCSP_RESPONSE *o = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
		OCSP_BASICRESP *bs = OCSP_response_get1_basic(o);
		const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);

		q = memmem(resp, len, sig->data, (size_t)sig->length);
		CHECK(q != NULL);
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(o);
	}
	if (q != NULL) {
		q[20] ^= 0x40;
		CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca,
		    NULL, now, NULL, &st), GMPKI_ERR_SIGNATURE);
		CHECK(st.status == GMPKI_STATUS_UNKNOWN);
		q[20] ^= 0x40;
	}
	/* A byte of the ResponseData: the revocation time's last digit. */
	{
		char rt[32];
		struct tm tm;
		time_t t = now - 1000;
		unsigned char *d;

		gmtime_r(&t, &tm);
		strftime(rt, sizeof(rt), "%Y%m%d%H%M%SZ", &tm);
		d = memmem(resp, len, rt, strlen(rt));
		CHECK(d != NULL);
		if (d != NULL) {
			d[13] = d[13] == '0' ? '1' : '0';
			CHECK_RC(gmpki_ocsp_response_verify(resp, len,
			    ee_revoked, ca, NULL, now, NULL, &st),
			    GMPKI_ERR_SIGNATURE);
			d[13] = rt[13];
		}
	}
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now, NULL, &st));

	/* Freshness: nextUpdate exclusive, thisUpdate 5 minutes skew. */
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now + VALIDITY - 1, NULL, &st));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now + VALIDITY, NULL, &st), GMPKI_ERR_OCSP_STALE);
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now + 2 * DAY, NULL, &st), GMPKI_ERR_OCSP_STALE);
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now - 300, NULL, &st));
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now - 301, NULL, &st), GMPKI_ERR_OCSP_STALE);
	free(resp);

	/* No nextUpdate: fresh for 24 hours after thisUpdate. */
	r.validity_secs = 0;
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now + DAY, NULL, &st));
	CHECK(st.status == GMPKI_STATUS_GOOD && st.next_update == 0);
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL,
	    now + DAY + 1, NULL, &st), GMPKI_ERR_OCSP_STALE);
	free(resp);
}

static void
test_malformed_requests(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	OCSP_REQUEST *req = NULL, *parsed = (OCSP_REQUEST *)1;
	unsigned char *resp = NULL, *der = NULL, *buf;
	size_t len = 0, derlen = 0;
	int i;

	responder_init(&r, responder, resp_key);
	/* Garbage: malformedRequest, and the error. */
	CHECK_RC(gmpki_ocsp_respond(&r, (const unsigned char *)"GET / HTTP",
	    10, now, &resp, &len), GMPKI_ERR_OCSP_REQUEST);
	CHECK(resp != NULL && response_status(resp, len) ==
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	/* Which is no answer to anything. */
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, ee_good, ca, NULL, now,
	    NULL, &st), GMPKI_ERR_OCSP_INVALID);
	free(resp);
	resp = NULL;
	/* Empty. */
	CHECK_RC(gmpki_ocsp_respond(&r, NULL, 0, now, &resp, &len),
	    GMPKI_ERR_OCSP_REQUEST);
	CHECK(response_status(resp, len) ==
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	free(resp);
	resp = NULL;

	CHECK_OK(gmpki_ocsp_request_create(ee_good, ca, 0, 1, &req));
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &derlen));
	/* Round trip. */
	CHECK_OK(gmpki_ocsp_request_parse(der, derlen, &parsed));
	CHECK(parsed != NULL && OCSP_request_onereq_count(parsed) == 1);
	OCSP_REQUEST_free(parsed);
	parsed = (OCSP_REQUEST *)1;
	/* Truncated, trailing byte. */
	CHECK_RC(gmpki_ocsp_request_parse(der, derlen - 1, &parsed),
	    GMPKI_ERR_OCSP_REQUEST);
	CHECK(parsed == NULL);
	buf = malloc(GMPKI_MAX_OCSP_SIZE + 1);
	memset(buf, 0, GMPKI_MAX_OCSP_SIZE + 1);
	memcpy(buf, der, derlen);
	CHECK_RC(gmpki_ocsp_request_parse(buf, derlen + 1, &parsed),
	    GMPKI_ERR_OCSP_REQUEST);
	CHECK_RC(gmpki_ocsp_respond(&r, buf, derlen + 1, now, &resp, &len),
	    GMPKI_ERR_OCSP_REQUEST);
	CHECK(response_status(resp, len) ==
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	free(resp);
	resp = NULL;
	/* Over the size limit. */
	CHECK_RC(gmpki_ocsp_request_parse(buf, GMPKI_MAX_OCSP_SIZE + 1,
	    &parsed), GMPKI_ERR_TOO_LARGE);
	CHECK_RC(gmpki_ocsp_respond(&r, buf, GMPKI_MAX_OCSP_SIZE + 1, now,
	    &resp, &len), GMPKI_ERR_OCSP_REQUEST);
	free(resp);
	resp = NULL;
	free(buf);
	free(der);
	der = NULL;
	OCSP_REQUEST_free(req);

	/* No CertID at all, and 11 of them (the limit is 10). */
	req = OCSP_REQUEST_new();
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &derlen));
	CHECK_RC(gmpki_ocsp_request_parse(der, derlen, &parsed),
	    GMPKI_ERR_OCSP_REQUEST);
	free(der);
	for (i = 0; i < 11; i++)
		OCSP_request_add0_id(req, OCSP_cert_to_id(EVP_sm3(), ee_good,
		    ca));
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &derlen));
	CHECK_RC(gmpki_ocsp_request_parse(der, derlen, &parsed),
	    GMPKI_ERR_OCSP_REQUEST);
	CHECK_RC(gmpki_ocsp_respond(&r, der, derlen, now, &resp, &len),
	    GMPKI_ERR_OCSP_REQUEST);
	free(resp);
	resp = NULL;
	free(der);
	OCSP_REQUEST_free(req);
	/* 10 are fine and all answered. */
	req = OCSP_REQUEST_new();
	for (i = 0; i < 10; i++)
		OCSP_request_add0_id(req, OCSP_cert_to_id(i % 2 ? EVP_sha1() :
		    EVP_sm3(), i < 5 ? ee_good : ee_revoked, ca));
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &derlen));
	CHECK_OK(gmpki_ocsp_respond(&r, der, derlen, now, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_revoked, ca, NULL,
	    now, NULL, &st));
	CHECK(st.status == GMPKI_STATUS_REVOKED);
	free(resp);
	resp = NULL;
	free(der);
	OCSP_REQUEST_free(req);

	/* A 33-byte nonce (RFC 8954 §2.1 allows 1 to 32). */
	req = NULL;
	CHECK_OK(gmpki_ocsp_request_create(ee_good, ca, 0, 0, &req));
	CHECK(OCSP_request_add1_nonce(req, NULL, 33) == 1);
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &derlen));
	CHECK_RC(gmpki_ocsp_respond(&r, der, derlen, now, &resp, &len),
	    GMPKI_ERR_OCSP_REQUEST);
	CHECK(response_status(resp, len) ==
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	free(resp);
	resp = NULL;
	free(der);
	OCSP_REQUEST_free(req);
	/* 32 bytes are fine. */
	req = NULL;
	CHECK_OK(gmpki_ocsp_request_create(ee_good, ca, 0, 0, &req));
	CHECK(OCSP_request_add1_nonce(req, NULL, 32) == 1);
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &derlen));
	CHECK_OK(gmpki_ocsp_respond(&r, der, derlen, now, &resp, &len));
	CHECK_OK(gmpki_ocsp_response_verify(resp, len, ee_good, ca, req, now,
	    NULL, &st));
	free(resp);
	resp = NULL;
	free(der);
	OCSP_REQUEST_free(req);

	/* A failing lookup: internalError, and its code. */
	r.lookup = lookup_fails;
	CHECK_RC(fx_ocsp_ask(&r, ee_good, ca, 0, 1, now, NULL, &resp, &len),
	    GMPKI_ERR_IO);
	CHECK(response_status(resp, len) ==
	    OCSP_RESPONSE_STATUS_INTERNALERROR);
	free(resp);
	resp = NULL;
	/* Arguments. */
	CHECK_RC(gmpki_ocsp_respond(NULL, der, 1, now, &resp, &len),
	    GMPKI_ERR_ARG);
	CHECK(resp == NULL);
	req = NULL;
	CHECK_RC(gmpki_ocsp_request_create(ee2, ca, 0, 1, &req), GMPKI_ERR_ARG);
	CHECK(req == NULL);
}

static void
test_response_decode_bad(void)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	unsigned char *resp = NULL, *buf;
	size_t len = 0;

	responder_init(&r, responder, resp_key);
	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 0, now, NULL, &resp, &len));
	buf = calloc(1, GMPKI_MAX_OCSP_SIZE + 1);
	memcpy(buf, resp, len);
	CHECK_RC(gmpki_ocsp_response_verify(buf, len + 1, ee_good, ca, NULL,
	    now, NULL, &st), GMPKI_ERR_TRAILING);
	CHECK_RC(gmpki_ocsp_response_verify(buf, len - 1, ee_good, ca, NULL,
	    now, NULL, &st), GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_ocsp_response_verify(buf, GMPKI_MAX_OCSP_SIZE + 1,
	    ee_good, ca, NULL, now, NULL, &st), GMPKI_ERR_TOO_LARGE);
	CHECK_RC(gmpki_ocsp_response_verify((const unsigned char *)"junk", 4,
	    ee_good, ca, NULL, now, NULL, &st), GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_ocsp_response_verify(buf, 0, ee_good, ca, NULL, now,
	    NULL, &st), GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_ocsp_response_verify(resp, len, NULL, ca, NULL, now,
	    NULL, &st), GMPKI_ERR_ARG);
	CHECK_OK(gmpki_ocsp_response_verify(buf, len, ee_good, ca, NULL, now,
	    NULL, &st));
	free(buf);
	free(resp);
}

/*
 * Interop with the openssl CLI: it parses our requests and prints our
 * responses.  It cannot verify their SM2 signatures: `openssl ocsp` has
 * no option to pass the SM2 ID for verification and OCSP_basic_verify
 * always fails for SM2 in 3.0 (notes/openssl3-sm2.md §4), so it reports
 * "Response Verify Failure" for a good response.  Signatures are checked
 * through the C API (gmpki_ocsp_response_verify) above.
 */
static void
test_openssl_cli(void)
{
	struct gmpki_ocsp_responder r;
	OCSP_REQUEST *req = NULL;
	unsigned char *der = NULL, *resp = NULL;
	size_t derlen = 0, len = 0, n, i;
	static char out[65536];
	char cmd[1024], hex[80];
	const ASN1_INTEGER *sn;
	int st = -1, before = test_failures;

	CHECK_OK(gmpki_ocsp_request_create(ee_revoked, ca, 0, 1, &req));
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &derlen));
	CHECK_OK(gmpki_file_write(path_of("req.der"), der, derlen, 0644, 0));
	/* The serial as openssl prints it: every byte, upper-case hex. */
	sn = X509_get0_serialNumber(ee_revoked);
	n = (size_t)ASN1_STRING_length(sn);
	for (i = 0; i < n && 2 * i + 2 < sizeof(hex); i++)
		snprintf(hex + 2 * i, 3, "%02X", ASN1_STRING_get0_data(sn)[i]);
	snprintf(cmd, sizeof(cmd), "openssl ocsp -reqin %s -req_text",
	    path_of("req.der"));
	st = fx_run(NULL, cmd, out, sizeof(out));
	CHECK(st == 0);
	CHECK(strstr(out, "OCSP Request Data:") != NULL);
	CHECK(strstr(out, "Hash Algorithm: sm3") != NULL);
	CHECK(strstr(out, hex) != NULL);
	CHECK(strstr(out, "OCSP Nonce") != NULL);
	if (test_failures > before)
		fprintf(stderr, "openssl ocsp -req_text said:\n%s\n", out);

	responder_init(&r, responder, resp_key);
	CHECK_OK(gmpki_ocsp_respond(&r, der, derlen, now, &resp, &len));
	CHECK_OK(gmpki_file_write(path_of("revoked.der"), resp, len, 0644, 0));
	free(resp);
	snprintf(cmd, sizeof(cmd),
	    "openssl ocsp -respin %s -resp_text -noverify",
	    path_of("revoked.der"));
	st = fx_run(NULL, cmd, out, sizeof(out));
	CHECK(st == 0);
	CHECK(strstr(out, "OCSP Response Status: successful (0x0)") != NULL);
	CHECK(strstr(out, "Response Type: Basic OCSP Response") != NULL);
	CHECK(strstr(out, "Cert Status: revoked") != NULL);
	CHECK(strstr(out, "Revocation Reason: keyCompromise (0x1)") != NULL);
	CHECK(strstr(out, "Signature Algorithm: SM2-with-SM3") != NULL);
	CHECK(strstr(out, hex) != NULL);
	if (test_failures > before)
		fprintf(stderr, "openssl ocsp -resp_text said:\n%s\n", out);
	free(der);
	OCSP_REQUEST_free(req);

	CHECK_OK(fx_ocsp_ask(&r, ee_good, ca, 0, 1, now, NULL, &resp, &len));
	CHECK_OK(gmpki_file_write(path_of("good.der"), resp, len, 0644, 0));
	free(resp);
	snprintf(cmd, sizeof(cmd),
	    "openssl ocsp -respin %s -resp_text -noverify",
	    path_of("good.der"));
	st = fx_run(NULL, cmd, out, sizeof(out));
	CHECK(st == 0);
	CHECK(strstr(out, "Cert Status: good") != NULL);

	/* The CLI's own verification fails on the good response. */
	CHECK_OK(fx_write_pem(path_of("chain.pem"), ca, root));
	CHECK_OK(fx_write_pem(path_of("ocsp.pem"), responder, NULL));
	snprintf(cmd, sizeof(cmd), "openssl ocsp -respin %s -CAfile %s "
	    "-VAfile %s", path_of("good.der"), path_of("chain.pem"),
	    path_of("ocsp.pem"));
	st = fx_run(NULL, cmd, out, sizeof(out));
	CHECK(strstr(out, "Response Verify Failure") != NULL);
	CHECK(st != 0);
}

int
main(void)
{
	CHECK_OK(gmpki_init());
	now = time(NULL);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	pki_setup();
	RUN(test_good_revoked_unknown);
	RUN(test_sha1_and_ca_signed);
	RUN(test_verdict_window);
	RUN(test_nonce);
	RUN(test_unauthorised_responders);
	RUN(test_tampered_and_stale);
	RUN(test_malformed_requests);
	RUN(test_response_decode_bad);
	RUN(test_openssl_cli);
	pki_free();
	fx_rm_files(tmpdir, tmp_files, FX_N(tmp_files));
	TEST_MAIN_END();
}
