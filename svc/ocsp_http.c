/*
 * ocsp_http.c - the OCSP responder over HTTP (RFC 6960 Appendix A):
 *   POST /ocsp              body = DER OCSPRequest,
 *                           Content-Type application/ocsp-request
 *   GET  /ocsp/{base64}     the DER request, base64 and URL-encoded
 * Answers are DER OCSPResponses (application/ocsp-response) signed by the
 * delegated responder (GMPKI_CERT_OCSP, keys/ocsp.key), with the status
 * read from the certificates table at the time of the request: a
 * revocation is visible here at once, before the next CRL.  A serial the
 * table does not hold is "unknown" (RFC 6960 §2.2), and so is any
 * certificate of another issuer (gmpki_ocsp_respond never asks us).
 */
#include "routes.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "app.h"
#include "gmpki/gmpki.h"
#include "serial.h"
#include "store.h"
#include "svc_error.h"

#define OCSP_TYPE_REQ "application/ocsp-request"
#define OCSP_TYPE_RESP "application/ocsp-response"

struct lookup {
	svc_db *db;
};

/* gmpki_ocsp_lookup_fn: the certificates table. */
static int
ocsp_lookup(void *arg, const ASN1_INTEGER *serial, struct gmpki_ocsp_status *st)
{
	struct lookup *l = arg;
	struct svc_cert c;
	char hex[SVC_SERIAL_MAX + 1];
	int rc;

	memset(st, 0, sizeof(*st));
	st->reason = -1;
	/* Zero, negative or over 20 octets: never one of ours. */
	if (svc_serial_key(serial, hex) != 0) {
		st->status = GMPKI_STATUS_UNKNOWN;
		return 0;
	}
	rc = svc_cert_find(l->db, hex, 0, &c);
	if (rc == GMPKI_ERR_NOT_FOUND) {
		st->status = GMPKI_STATUS_UNKNOWN;
		return 0;
	}
	if (rc != 0)
		return rc;	/* internalError: better than a wrong answer */
	if (c.status == SVC_CERT_REVOKED) {
		st->status = GMPKI_STATUS_REVOKED;
		st->revoked_at = (time_t)c.revoked_at;
		/* As in the CRL (RFC 5280 §5.3.1): unspecified is left out. */
		st->reason = c.reason == GMPKI_REASON_UNSPECIFIED ? -1 :
		    c.reason;
	} else
		st->status = GMPKI_STATUS_GOOD;
	svc_cert_clear(&c);
	return 0;
}

/* Answers a DER request (NULL/0 for one that could not be read: a
 * malformedRequest response). */
static int
ocsp_answer(struct svc_req *r, struct svc_resp *w, const unsigned char *der,
    size_t len)
{
	static const unsigned char empty[1];
	struct svc_app *app = r->app;
	struct gmpki_ocsp_responder resp;
	struct lookup l;
	unsigned char *out = NULL;
	size_t outlen = 0;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	if ((rc = svc_keys_get(app, SVC_KEY_OCSP, &cert, &key)) != 0)
		return svc_resp_error_page(w, r, 500, rc);
	memset(&resp, 0, sizeof(resp));
	resp.issuer = app->issuing;
	resp.signer = cert;
	resp.signer_key = key;
	resp.validity_secs = app->cfg.ocsp_validity;
	l.db = r->db;
	resp.lookup = ocsp_lookup;
	resp.lookup_arg = &l;
	rc = gmpki_ocsp_respond(&resp, der != NULL ? der : empty, len,
	    r->now, &out, &outlen);
	X509_free(cert);
	EVP_PKEY_free(key);
	if (out == NULL)
		return svc_resp_error_page(w, r, 500,
		    rc != 0 ? rc : GMPKI_ERR_INTERNAL);
	/* malformedRequest and internalError are OCSPResponses too: the
	 * client reads the status from the body (RFC 6960 §2.3). */
	rc = svc_resp_bytes(w, 200, OCSP_TYPE_RESP, out, outlen);
	free(out);
	return rc;
}

static int
ocsp_type(const char *ct)
{
	size_t n = sizeof(OCSP_TYPE_REQ) - 1;

	return ct != NULL && strncasecmp(ct, OCSP_TYPE_REQ, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
svc_ocsp_post(struct svc_req *r, struct svc_resp *w)
{
	if (!ocsp_type(r->content_type))
		return svc_resp_error_page(w, r, 415, SVC_ERR_BAD_REQUEST);
	return ocsp_answer(r, w, r->body, r->body_len);
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict base64 (RFC 4648 §4): the standard alphabet, padded to a multiple
 * of 4; '=' only at the end.  *out malloc'ed.
 */
static int
b64_decode(const char *s, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(s), i, o = 0, pad = 0;
	unsigned char *buf;
	uint32_t v;
	int k, d;

	*out = NULL;
	*outlen = 0;
	if (n == 0 || n % 4 != 0 || n > 4 * ((GMPKI_MAX_OCSP_SIZE + 2) / 3))
		return GMPKI_ERR_DECODE;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	if ((buf = malloc(n / 4 * 3)) == NULL)
		return GMPKI_ERR_NOMEM;
	for (i = 0; i < n; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			if (i + k >= n - pad)
				d = 0;
			else if ((d = b64val((unsigned char)s[i + k])) < 0) {
				free(buf);
				return GMPKI_ERR_DECODE;
			}
			v = v << 6 | (uint32_t)d;
		}
		buf[o++] = (unsigned char)(v >> 16);
		buf[o++] = (unsigned char)(v >> 8);
		buf[o++] = (unsigned char)v;
	}
	*out = buf;
	*outlen = o - pad;
	return 0;
}

/*
 * GET /ocsp/{base64}: the path arrives percent-decoded (http.c), so
 * "%2F", "%2B" and "%3D" are '/', '+' and '='.  The route carries
 * SVC_ROUTE_ENCODED_SLASH, so base64 with two '/' in a row ("%2F%2F" as
 * RFC 6960 A.1 clients send it) reaches us; a literal "//" is refused by
 * the HTTP layer.
 */
int
svc_ocsp_get(struct svc_req *r, struct svc_resp *w)
{
	const char *b64 = r->path + sizeof("/ocsp/") - 1;
	unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	if (b64_decode(b64, &der, &len) != 0)
		return ocsp_answer(r, w, NULL, 0);
	rc = ocsp_answer(r, w, der, len);
	free(der);
	return rc;
}
