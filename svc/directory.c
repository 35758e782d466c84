/*
 * directory.c - GET /api/v1/rp: the reporting-system directory, signed by
 * the service so that the certificate helper can tell which reporting
 * systems may ask it for a login (docs/CERTSVC.md "Signed directory").
 *
 *   {"directory": base64(D), "signature": base64(SM2(D)),
 *    "signer": PEM of the DOCSIGN certificate, "chain": PEM issuing, root}
 *   D = {"version":1,"issued_at":N,"service":PUBLIC_URL,
 *        "systems":[{"id","name","type","vendor","province","origin",
 *                    "return_url"}, ...]}
 *
 * D travels base64-encoded so that the signed bytes reach the verifier
 * exactly as signed: no JSON re-serialisation (key order, escapes, white
 * space) stands between signing and checking.  The signature is
 * SM2-with-SM3 with the default ID (GM/T 0009) by the delegated
 * document-signing key (GMPKI_CERT_DOCSIGN, RFC 9336), never by a CA key.
 */
#include "routes.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "app.h"
#include "buf.h"
#include "gmpki/gmpki.h"
#include "store.h"
#include "svc_error.h"

#define DIRECTORY_VERSION 1
#define DIRECTORY_MAX (8 * 1024 * 1024)

static int
add_rp(void *arg, const struct svc_rp *rp)
{
	json_t *systems = arg, *o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "id", rp->id, "name", rp->name, "type", rp->type,
	    "vendor", rp->vendor, "province", rp->province,
	    "origin", rp->origin, "return_url", rp->return_url);
	if (o == NULL || json_array_append_new(systems, o) != 0)
		return GMPKI_ERR_NOMEM;
	return 0;
}

/* base64 (RFC 4648 §4, no line breaks) of p into a new string. */
static char *
b64(const unsigned char *p, size_t len)
{
	char *out;

	if (len > DIRECTORY_MAX)
		return NULL;
	if ((out = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	return out;
}

static int
pem_of(X509 **certs, int n, char **out)
{
	struct svc_buf b;
	char *pem;
	size_t len;
	int i, rc;

	*out = NULL;
	svc_buf_init(&b, GMPKI_MAX_CHAIN_SIZE);
	for (i = 0; i < n; i++) {
		if (certs[i] == NULL) {
			svc_buf_free(&b);
			return GMPKI_ERR_INTERNAL;
		}
		if ((rc = gmpki_cert_to_pem(certs[i], &pem, &len)) != 0) {
			svc_buf_free(&b);
			return rc;
		}
		svc_buf_add(&b, pem, len);
		free(pem);
	}
	if (!svc_buf_ok(&b)) {
		svc_buf_free(&b);
		return GMPKI_ERR_TOO_LARGE;
	}
	*out = svc_buf_take(&b, &len);
	return *out != NULL ? 0 : GMPKI_ERR_NOMEM;
}

int
svc_api_rp(struct svc_req *r, struct svc_resp *w)
{
	struct svc_app *app = r->app;
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = sizeof(sig);
	json_t *dir = NULL, *systems, *out;
	char *d = NULL, *d64 = NULL, *s64 = NULL, *signer = NULL, *chain = NULL;
	X509 *certs[2], *ds_cert = NULL;
	EVP_PKEY *ds_key = NULL;
	int rc;

	if (svc_keys_get(app, SVC_KEY_DOCSIGN, &ds_cert, &ds_key) != 0)
		return svc_resp_error_json(w, 500, GMPKI_ERR_INTERNAL);
	if ((systems = json_array()) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	if ((rc = svc_rp_list(r->db, add_rp, systems)) != 0) {
		json_decref(systems);
		goto out;
	}
	/* "o" steals the reference to systems. */
	dir = json_pack("{s:i, s:I, s:s, s:o}", "version", DIRECTORY_VERSION,
	    "issued_at", (json_int_t)r->now, "service", app->cfg.public_url,
	    "systems", systems);
	if (dir == NULL ||
	    (d = json_dumps(dir, JSON_COMPACT)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	if ((rc = gmpki_sm2_sign(ds_key, NULL, d, strlen(d), sig,
	    &siglen)) != 0)
		goto out;
	certs[0] = ds_cert;
	if ((rc = pem_of(certs, 1, &signer)) != 0)
		goto out;
	certs[0] = app->issuing;
	certs[1] = app->root;
	if ((rc = pem_of(certs, 2, &chain)) != 0)
		goto out;
	if ((d64 = b64((unsigned char *)d, strlen(d))) == NULL ||
	    (s64 = b64(sig, siglen)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	out = json_pack("{s:s, s:s, s:s, s:s}", "directory", d64,
	    "signature", s64, "signer", signer, "chain", chain);
	if (out == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	free(d);
	d = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	rc = d != NULL ? svc_resp_json(w, 200, d) : GMPKI_ERR_NOMEM;
out:
	X509_free(ds_cert);
	EVP_PKEY_free(ds_key);
	json_decref(dir);
	free(d);
	free(d64);
	free(s64);
	free(signer);
	free(chain);
	if (rc != 0)
		return svc_resp_error_json(w, 500, rc);
	return 0;
}
