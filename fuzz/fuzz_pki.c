/*
 * fuzz_pki.c - libgmpki's parsers of outside bytes: what certsvc, the
 * helper and libcertauth take from the network or from files.  The first
 * byte chooses one:
 *   0 certificate (PEM or DER) and its information (gmpki_cert_info_get)
 *   1 CRL (gmpki_crl_parse), and a lookup of serial 1
 *   2 CSR (gmpki_csr_parse_verify: the enrollment API's check)
 *   3 OCSP request (gmpki_ocsp_request_parse), answered by a responder
 *     (gmpki_ocsp_respond: what GET/POST /ocsp runs)
 *   4 OCSP response about a fixed certificate (gmpki_ocsp_response_verify)
 *   5 private key (gmpki_key_from_mem, passphrase "fuzz")
 * The rest of the input is the bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "gmpki/gmpki.h"

static EVP_PKEY *ca_key;
static X509 *ca, *ee;

static int
lookup(void *arg, const ASN1_INTEGER *serial, struct gmpki_ocsp_status *st)
{
	(void)arg;
	(void)serial;
	st->status = GMPKI_STATUS_GOOD;
	return 0;
}

static void
setup(void)
{
	EVP_PKEY *k = NULL;

	if (gmpki_init() != 0 || gmpki_sm2_keygen(&ca_key) != 0 ||
	    gmpki_sm2_keygen(&k) != 0)
		abort();
	ca = fuzz_issue(GMPKI_CERT_ROOT, "/C=CN/O=Fuzz/CN=Fuzz CA", ca_key, NULL,
	    ca_key);
	ee = fuzz_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01", k, ca,
	    ca_key);
	EVP_PKEY_free(k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gmpki_ocsp_responder r;
	struct gmpki_ocsp_status st;
	struct gmpki_cert_info *info;
	OCSP_REQUEST *req = NULL;
	X509_CRL *crl = NULL;
	X509_REQ *csr = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	unsigned char *out = NULL;
	size_t outlen = 0;
	time_t at = 0;
	int reason = 0;

	if (ca == NULL)
		setup();
	if (size < 1)
		return 0;
	switch (data[0] % 6) {
	case 0:
		if (gmpki_cert_from_mem(data + 1, size - 1, &x) == 0 &&
		    (info = calloc(1, sizeof(*info))) != NULL) {
			(void)gmpki_cert_info_get(x, info);
			free(info);
		}
		X509_free(x);
		break;
	case 1:
		if (gmpki_crl_parse(data + 1, size - 1, &crl) == 0) {
			ASN1_INTEGER *one = ASN1_INTEGER_new();

			if (one != NULL && ASN1_INTEGER_set(one, 1) == 1)
				(void)gmpki_crl_find(crl, one, &at, &reason);
			ASN1_INTEGER_free(one);
			(void)gmpki_crl_verify(crl, ca, 0, NULL);
		}
		X509_CRL_free(crl);
		break;
	case 2:
		(void)gmpki_csr_parse_verify(data + 1, size - 1, NULL, &csr);
		X509_REQ_free(csr);
		break;
	case 3:
		if (gmpki_ocsp_request_parse(data + 1, size - 1, &req) == 0)
			OCSP_REQUEST_free(req);
		memset(&r, 0, sizeof(r));
		r.issuer = ca;
		r.signer = ca;
		r.signer_key = ca_key;
		r.validity_secs = 3600;
		r.lookup = lookup;
		(void)gmpki_ocsp_respond(&r, data + 1, size - 1, 0, &out,
		    &outlen);
		free(out);
		break;
	case 4:
		(void)gmpki_ocsp_response_verify(data + 1, size - 1, ee, ca,
		    NULL, 0, NULL, &st);
		break;
	case 5:
		(void)gmpki_key_from_mem(data + 1, size - 1, "fuzz", 4, &key);
		EVP_PKEY_free(key);
		break;
	}
	return 0;
}
