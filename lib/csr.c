/*
 * csr.c - PKCS#10 certification requests (RFC 2986) with SM2-with-SM3.
 *
 * A CSR from outside is hostile input: it is size-bounded before decoding,
 * must be exactly one object (no trailing bytes), must carry an SM2 key,
 * must be signed with SM2-with-SM3 (1.2.156.10197.1.501) and the signature
 * must verify with the SM2 user ID (GB/T 32918.2 §6.1 Z_A): the
 * proof-of-possession of RFC 2986 §3.
 */
#include "gmpki/gmpki.h"

#include "der.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

int
gmpki_csr_create(EVP_PKEY *key, const X509_NAME *subject, const char *id,
    X509_REQ **out)
{
	EVP_PKEY *k = NULL;
	X509_REQ *req = NULL;
	int rc;

	if (key == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	/* An EC-type key on the SM2 curve would sign ECDSA (notes §8). */
	if ((rc = gmpki_sm2_key_normalize(key, &k)) != 0)
		return rc;
	rc = GMPKI_ERR_NOMEM;
	/* RFC 2986 §4.1: version is 0 (v1). */
	if ((req = X509_REQ_new()) == NULL ||
	    !X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    (subject != NULL && !X509_REQ_set_subject_name(req, subject)) ||
	    !X509_REQ_set_pubkey(req, k))
		goto out;
	if ((rc = gmpki_sm2_sign_req(req, k, id)) != 0)
		goto out;
	*out = req;
	req = NULL;
	rc = 0;
out:
	ERR_clear_error();
	X509_REQ_free(req);
	EVP_PKEY_free(k);
	return rc;
}

int
gmpki_csr_parse(const unsigned char *in, size_t len, X509_REQ **out)
{
	unsigned char *der = NULL;
	size_t derlen = 0;
	char *label = NULL;
	ASN1_VALUE *v = NULL;
	int rc;

	if (in == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (gmpki_is_pem(in, len)) {
		/* PEM is 4/3 of the DER plus line ends and armour. */
		if (len > 2 * (size_t)GMPKI_MAX_CSR_SIZE)
			return GMPKI_ERR_TOO_LARGE;
		if ((rc = gmpki_pem_decode_one(in, len, NULL, &der, &derlen,
		    &label)) != 0)
			return rc;
		/* RFC 7468 §7; "NEW CERTIFICATE REQUEST" is what Netscape and
		 * some Windows tools still write. */
		if (strcmp(label, "CERTIFICATE REQUEST") != 0 &&
		    strcmp(label, "NEW CERTIFICATE REQUEST") != 0) {
			rc = GMPKI_ERR_DECODE;
			goto out;
		}
		in = der;
		len = derlen;
	}
	rc = gmpki_d2i_whole(ASN1_ITEM_rptr(X509_REQ), in, len,
	    GMPKI_MAX_CSR_SIZE, &v);
	*out = (X509_REQ *)v;
out:
	free(label);
	free(der);
	return rc;
}

int
gmpki_csr_parse_verify(const unsigned char *in, size_t len, const char *id,
    X509_REQ **out)
{
	X509_REQ *req = NULL;
	EVP_PKEY *pub;
	int rc;

	if (in == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if ((rc = gmpki_csr_parse(in, len, &req)) != 0)
		return rc;
	/* RFC 2986 §4.1: version 0 is the only one defined. */
	if (X509_REQ_get_version(req) != X509_REQ_VERSION_1) {
		rc = GMPKI_ERR_CSR_INVALID;
		goto out;
	}
	if ((pub = X509_REQ_get0_pubkey(req)) == NULL) {
		rc = GMPKI_ERR_DECODE;
		goto out;
	}
	if (!gmpki_sm2_is_sm2(pub)) {
		rc = GMPKI_ERR_KEY_NOT_SM2;
		goto out;
	}
	/* GM/T 0015 / GM/T 0006: SM2-with-SM3 only (sm2.c checks it again
	 * on the DER, together with the absent parameters). */
	if (X509_REQ_get_signature_nid(req) != NID_SM2_with_SM3) {
		rc = GMPKI_ERR_SIGNATURE;
		goto out;
	}
	if ((rc = gmpki_sm2_verify_req(req, id)) != 0) {
		if (rc != GMPKI_ERR_KEY_NOT_SM2 && rc != GMPKI_ERR_DECODE)
			rc = GMPKI_ERR_SIGNATURE;
		goto out;
	}
	*out = req;
	req = NULL;
out:
	ERR_clear_error();
	X509_REQ_free(req);
	return rc;
}

int
gmpki_csr_to_pem(X509_REQ *req, char **out, size_t *outlen)
{
	unsigned char *der = NULL;
	int len;

	if (req == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	len = i2d_X509_REQ(req, &der);
	return gmpki_i2d_pem("CERTIFICATE REQUEST", der, len, out, outlen);
}
