/*
 * api.c - the JSON API the certificate helper calls
 * (docs/HELPER-PROTOCOL.md §2, §4), the CA certificate downloads and the
 * CRL.  Every error is {"error": NAME, "message": 中文, "message_en": …}
 * (svc_resp_error_json); docs/CERTSVC.md lists each status and code.
 */
#include "routes.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "app.h"
#include "gmpki/gmpki.h"
#include "serial.h"
#include "service.h"
#include "svc_error.h"

#define TICKET_MAX 128

/* "application/json", optionally with parameters (charset=utf-8). */
static int
is_json_type(const char *ct)
{
	static const char t[] = "application/json";
	size_t n = sizeof(t) - 1;

	return ct != NULL && strncasecmp(ct, t, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Sends obj (consumed) as the JSON body with status. */
static int
send_json(struct svc_resp *w, int status, json_t *obj)
{
	char *s;
	int rc;

	if (obj == NULL)
		return GMPKI_ERR_NOMEM;
	s = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (s == NULL)
		return GMPKI_ERR_NOMEM;
	rc = svc_resp_json(w, status, s);
	free(s);
	return rc;
}

/* The HTTP status of an enrollment error. */
static int
enroll_status(int rc)
{
	switch (rc) {
	case SVC_ERR_TICKET_INVALID:
	case SVC_ERR_ACCOUNT_DISABLED:
	case SVC_ERR_ACCOUNT_NOT_FOUND:
		return 403;
	case GMPKI_ERR_DECODE:
	case GMPKI_ERR_TRAILING:
	case GMPKI_ERR_TOO_LARGE:
	case GMPKI_ERR_KEY_NOT_SM2:
	case GMPKI_ERR_SIGNATURE:
	case GMPKI_ERR_CSR_INVALID:
	case GMPKI_ERR_ARG:
	case SVC_ERR_BAD_REQUEST:
		return 400;
	default:
		/* The signer, the database, or account data the profile
		 * refuses: not the client's fault. */
		return 500;
	}
}

/* A string member, present, without NUL bytes, at most max bytes. */
static const char *
member_str(json_t *obj, const char *key, size_t max, size_t *len)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	*len = json_string_length(v);
	if (*len == 0 || *len > max || strlen(s) != *len)
		return NULL;
	return s;
}

/*
 * POST /api/v1/enroll {"ticket", "csr"} -> 200 {"serial", "certificate",
 * "chain", "not_before", "not_after"}.
 */
int
svc_api_enroll(struct svc_req *r, struct svc_resp *w)
{
	struct svc_enroll_result res;
	json_error_t jerr;
	json_t *in = NULL, *out;
	const char *ticket, *csr;
	size_t tlen = 0, clen = 0;
	int rc;

	if (!is_json_type(r->content_type))
		return svc_resp_error_json(w, 400, SVC_ERR_BAD_REQUEST);
	/* The body is bounded by the route (64 KiB) before we get here. */
	in = json_loadb((const char *)r->body, r->body_len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(in) ||
	    (ticket = member_str(in, "ticket", TICKET_MAX, &tlen)) == NULL ||
	    (csr = member_str(in, "csr", SVC_API_BODY_MAX, &clen)) == NULL) {
		json_decref(in);
		return svc_resp_error_json(w, 400, SVC_ERR_BAD_REQUEST);
	}
	rc = svc_enroll(r->app, r->db, ticket, csr, clen, r->remote_addr,
	    r->now, &res);
	json_decref(in);
	if (rc != 0)
		return svc_resp_error_json(w, enroll_status(rc), rc);
	out = json_pack("{s:s, s:s, s:s, s:I, s:I}",
	    "serial", res.serial,
	    "certificate", res.cert_pem,
	    "chain", res.chain_pem,
	    "not_before", (json_int_t)res.not_before,
	    "not_after", (json_int_t)res.not_after);
	svc_enroll_result_clear(&res);
	return send_json(w, 200, out);
}

/* 1-40 hex digits. */
static int
serial_syntax_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/*
 * GET /api/v1/certs/{serial}/status -> {"serial", "status":
 * "good"|"revoked"|"unknown", "revoked_at", "reason", "not_after"}; the
 * last three are null when they do not apply.  An unknown serial is a
 * 200 "unknown", as OCSP answers it.
 */
int
svc_api_cert_status(struct svc_req *r, struct svc_resp *w)
{
	static const char prefix[] = "/api/v1/certs/", suffix[] = "/status";
	const char *s = r->path + sizeof(prefix) - 1, *slash;
	char raw[41], norm[41];
	struct svc_cert c;
	json_t *out;
	int rc;

	if ((slash = strchr(s, '/')) == NULL || strcmp(slash, suffix) != 0 ||
	    !serial_syntax_ok(s, (size_t)(slash - s)))
		return svc_resp_error_json(w, 400, SVC_ERR_BAD_REQUEST);
	memcpy(raw, s, (size_t)(slash - s));
	raw[slash - s] = '\0';
	if (svc_serial_normalize(raw, norm) != 0)
		return svc_resp_error_json(w, 400, SVC_ERR_BAD_REQUEST);
	rc = svc_cert_find(r->db, norm, 0, &c);
	if (rc == GMPKI_ERR_NOT_FOUND)
		return send_json(w, 200, json_pack("{s:s, s:s, s:n, s:n, s:n}",
		    "serial", norm, "status", "unknown", "revoked_at",
		    "reason", "not_after"));
	if (rc != 0)
		return svc_resp_error_json(w, 500, rc);
	if (c.status == SVC_CERT_REVOKED)
		out = json_pack("{s:s, s:s, s:I, s:s, s:I}", "serial", norm,
		    "status", "revoked", "revoked_at", (json_int_t)c.revoked_at,
		    "reason", gmpki_reason_name(c.reason),
		    "not_after", (json_int_t)c.not_after);
	else
		out = json_pack("{s:s, s:s, s:n, s:n, s:I}", "serial", norm,
		    "status", "good", "revoked_at", "reason",
		    "not_after", (json_int_t)c.not_after);
	svc_cert_clear(&c);
	return send_json(w, 200, out);
}

/* ---- CA certificates and the CRL ------------------------------------ */

static int
send_pem_certs(struct svc_resp *w, X509 **certs, int n)
{
	struct svc_buf b;
	char *pem;
	size_t len;
	int i, rc = 0;

	svc_buf_init(&b, GMPKI_MAX_CHAIN_SIZE);
	for (i = 0; i < n && rc == 0; i++) {
		if (certs[i] == NULL) {
			rc = GMPKI_ERR_INTERNAL;
			break;
		}
		if ((rc = gmpki_cert_to_pem(certs[i], &pem, &len)) == 0) {
			svc_buf_add(&b, pem, len);
			free(pem);
		}
	}
	if (rc == 0 && !svc_buf_ok(&b))
		rc = GMPKI_ERR_TOO_LARGE;
	if (rc == 0 && (rc = svc_resp_bytes(w, 200, "application/x-pem-file",
	    b.data, b.len)) == 0)
		w->cacheable = 1;	/* changes only with a new CA */
	svc_buf_free(&b);
	return rc;
}

int
svc_api_ca_root(struct svc_req *r, struct svc_resp *w)
{
	X509 *c[1] = { r->app->root };

	return send_pem_certs(w, c, 1);
}

int
svc_api_ca_issuing(struct svc_req *r, struct svc_resp *w)
{
	X509 *c[1] = { r->app->issuing };

	return send_pem_certs(w, c, 1);
}

/* issuing, then root: the order of docs/HELPER-PROTOCOL.md. */
int
svc_api_ca_chain(struct svc_req *r, struct svc_resp *w)
{
	X509 *c[2] = { r->app->issuing, r->app->root };

	return send_pem_certs(w, c, 2);
}

/* GET /crl: the cached CRL, DER (RFC 5280 §4.2.1.13 / RFC 2585 §4.2
 * application/pkix-crl), or PEM with ?pem=1. */
int
svc_api_crl(struct svc_req *r, struct svc_resp *w)
{
	struct svc_app *app = r->app;
	const char *pem = svc_req_query(r, "pem");
	unsigned char *der = NULL;
	char *text = NULL;
	size_t len = 0, tlen = 0;
	int rc;

	pthread_mutex_lock(&app->crl_lock);
	if (app->crl_der != NULL && (der = malloc(app->crl_len)) != NULL) {
		memcpy(der, app->crl_der, app->crl_len);
		len = app->crl_len;
	}
	pthread_mutex_unlock(&app->crl_lock);
	if (der == NULL)
		return svc_resp_error_page(w, r, 503, SVC_ERR_SIGNER);
	if (pem != NULL && strcmp(pem, "1") == 0) {
		if ((rc = gmpki_pem_encode("X509 CRL", der, len, &text,
		    &tlen)) == 0)
			rc = svc_resp_bytes(w, 200, "application/x-pem-file",
			    text, tlen);
		free(text);
	} else
		rc = svc_resp_bytes(w, 200, "application/pkix-crl", der, len);
	free(der);
	return rc;
}
