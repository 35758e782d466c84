/*
 * fuzz_directory.c - the helper's check of the service's signed
 * reporting-system directory (GET SERVICE/api/v1/rp), the one document the
 * helper takes from the network and trusts once verified:
 * helper_directory_verify (JSON envelope, base64, PEM, path to the pinned
 * root, documentSigning EKU, SM2 signature, then the directory's JSON).
 *
 * Input: a mode byte, then bytes.  Mode bit 0 clear: the bytes are the
 * whole answer.  Set: the bytes are the directory itself, which the
 * harness signs with its document signer and wraps in a well-formed
 * answer, so the fuzzer reaches the parser behind the signature.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "fuzz.h"
#include "gmpki/gmpki.h"
#include "helper.h"

#define SERVICE "http://127.0.0.1:8440"

static EVP_PKEY *ds_key;
static X509 *root;
static char *ds_pem, *root_pem;

static void
setup(void)
{
	EVP_PKEY *rk = NULL;
	X509 *ds;
	size_t n;

	if (gmpki_init() != 0 || gmpki_sm2_keygen(&rk) != 0 ||
	    gmpki_sm2_keygen(&ds_key) != 0)
		abort();
	root = fuzz_issue(GMPKI_CERT_ROOT, "/C=CN/O=Fuzz/CN=Fuzz Root", rk, NULL,
	    rk);
	ds = fuzz_issue(GMPKI_CERT_DOCSIGN, "/C=CN/O=Fuzz/CN=Fuzz 目录签名", ds_key,
	    root, rk);
	if (gmpki_cert_to_pem(ds, &ds_pem, &n) != 0 ||
	    gmpki_cert_to_pem(root, &root_pem, &n) != 0)
		abort();
	X509_free(ds);
	EVP_PKEY_free(rk);
}

static char *
b64(const unsigned char *p, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out != NULL)
		EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	return out;
}

/* A well-formed answer around directory bytes d, signed. */
static char *
wrap(const unsigned char *d, size_t len)
{
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = sizeof(sig);
	char *d64 = NULL, *s64 = NULL, *out = NULL;
	json_t *j;

	if (len == 0 || gmpki_sm2_sign(ds_key, NULL, d, len, sig,
	    &siglen) != 0 ||
	    (d64 = b64(d, len)) == NULL || (s64 = b64(sig, siglen)) == NULL)
		goto out;
	if ((j = json_pack("{s:s, s:s, s:s, s:s}", "directory", d64,
	    "signature", s64, "signer", ds_pem, "chain", root_pem)) != NULL) {
		out = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
out:
	free(d64);
	free(s64);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct helper_directory *dir = NULL;
	struct helper_msg m;
	char *body = NULL;
	int rc;

	if (root == NULL)
		setup();
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if ((body = wrap(data + 1, size - 1)) == NULL)
			return 0;
		rc = helper_directory_verify(root, SERVICE,
		    (const unsigned char *)body, strlen(body), 0, &dir, &m);
	} else
		rc = helper_directory_verify(root, SERVICE, data + 1, size - 1,
		    0, &dir, &m);
	if ((rc == 0) != (dir != NULL))
		abort();
	helper_directory_free(dir);
	free(body);
	return 0;
}
