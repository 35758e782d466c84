/*
 * sm2.c - SM2 keys and the one module through which every SM2 signature in
 * CertHelper is made and checked.
 *
 * GB/T 32918.2-2016 §6.1: the signature is over SM3(Z_A || M), with
 * Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A).  OpenSSL
 * 3.0 puts an EMPTY ID into Z_A unless one is set on the signing context
 * (EVP_PKEY_CTX_set1_id); nothing else in the GM world interoperates with
 * that, so every context made here carries the ID (GM/T 0009-2012 §10 default
 * "1234567812345678" when the caller passes NULL).
 *
 * Verification does not rely on X509_verify / X509_CRL_verify /
 * OCSP_basic_verify, which cannot take the ID in 3.0: the TBS bytes are
 * cut from the DER encoding (SEQUENCE { tbs, AlgorithmIdentifier,
 * BIT STRING }) and checked with an ID-carrying context.
 */
#include "gmpki/gmpki.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/x509.h>

static const char *
sm2_id(const char *id)
{
	return id != NULL ? id : GMPKI_SM2_DEFAULT_ID;
}

int
gmpki_sm2_keygen(EVP_PKEY **out)
{
	EVP_PKEY *k;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	/* "SM2" gives an SM2-type key; ("EC", "SM2") would give an EC-type key
	 * that signs ECDSA (notes: openssl3-sm2 §8). */
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2")) == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_CRYPTO;
	}
	*out = k;
	return 0;
}

/* 1 when key's group is the SM2 curve (whatever its key type says). */
static int
on_sm2_curve(const EVP_PKEY *key)
{
	char group[64];
	size_t glen = 0;

	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &glen)) {
		ERR_clear_error();
		return 0;
	}
	return strcmp(group, "SM2") == 0;
}

int
gmpki_sm2_is_sm2(const EVP_PKEY *key)
{
	if (key == NULL)
		return 0;
	/* Loaded keys report get_id -1 in 3.0: is_a is the reliable test. */
	if (EVP_PKEY_is_a(key, "SM2"))
		return 1;
	return EVP_PKEY_is_a(key, "EC") && on_sm2_curve(key);
}

int
gmpki_sm2_key_normalize(EVP_PKEY *key, EVP_PKEY **out)
{
	EVP_PKEY_CTX *pc = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY *k = NULL;
	int sel, rc = GMPKI_ERR_CRYPTO;

	if (key == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (EVP_PKEY_is_a(key, "SM2")) {
		if (!EVP_PKEY_up_ref(key))
			return GMPKI_ERR_INTERNAL;
		*out = key;
		return 0;
	}
	if (!EVP_PKEY_is_a(key, "EC") || !on_sm2_curve(key))
		return GMPKI_ERR_KEY_NOT_SM2;
	/* An EC-type key on the SM2 curve: carry its parameters over to an
	 * SM2-type key so that signing uses SM2, not ECDSA. */
	sel = EVP_PKEY_PUBLIC_KEY;
	{
		BIGNUM *priv = NULL;
		if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &priv)) {
			sel = EVP_PKEY_KEYPAIR;
			BN_clear_free(priv);
		}
		ERR_clear_error();
	}
	if (!EVP_PKEY_todata(key, sel, &params))
		goto out;
	if ((pc = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pc) <= 0 ||
	    EVP_PKEY_fromdata(pc, &k, sel, params) <= 0)
		goto out;
	*out = k;
	k = NULL;
	rc = 0;
out:
	if (rc != 0)
		ERR_clear_error();
	/* 3.0 has no OSSL_PARAM_clear_free: wipe private values first. */
	if (params != NULL)
		for (OSSL_PARAM *q = params; q->key != NULL; q++)
			if (q->data != NULL)
				OPENSSL_cleanse(q->data, q->data_size);
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(k);
	return rc;
}

int
gmpki_sm2_key_match(const EVP_PKEY *priv, const EVP_PKEY *pub)
{
	unsigned char a[133], b[133];
	size_t alen = 0, blen = 0;

	if (priv == NULL || pub == NULL)
		return 0;
	if (!EVP_PKEY_get_octet_string_param(priv, OSSL_PKEY_PARAM_PUB_KEY, a,
	    sizeof(a), &alen) ||
	    !EVP_PKEY_get_octet_string_param(pub, OSSL_PKEY_PARAM_PUB_KEY, b,
	    sizeof(b), &blen)) {
		ERR_clear_error();
		return 0;
	}
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int
make_ctx(EVP_PKEY *key, const char *id, int sign, EVP_MD_CTX **out)
{
	EVP_MD_CTX *m = NULL;
	EVP_PKEY_CTX *pc = NULL;
	const char *use = sm2_id(id);
	int rc;

	if (key == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (!EVP_PKEY_is_a(key, "SM2"))
		return GMPKI_ERR_KEY_NOT_SM2;
	if ((m = EVP_MD_CTX_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if (sign)
		rc = EVP_DigestSignInit_ex(m, &pc, "SM3", NULL, NULL, key, NULL);
	else
		rc = EVP_DigestVerifyInit_ex(m, &pc, "SM3", NULL, NULL, key,
		    NULL);
	/* The ID must be set after Init and before the first Update; passing
	 * it as an Init parameter fails silently in 3.0. */
	if (rc != 1 || EVP_PKEY_CTX_set1_id(pc, use, strlen(use)) != 1) {
		EVP_MD_CTX_free(m);
		ERR_clear_error();
		return GMPKI_ERR_CRYPTO;
	}
	*out = m;
	return 0;
}

int
gmpki_sm2_sign_ctx(EVP_PKEY *key, const char *id, EVP_MD_CTX **out)
{
	return make_ctx(key, id, 1, out);
}

int
gmpki_sm2_verify_ctx(EVP_PKEY *key, const char *id, EVP_MD_CTX **out)
{
	return make_ctx(key, id, 0, out);
}

int
gmpki_sm2_sign(EVP_PKEY *key, const char *id, const void *msg, size_t len,
    unsigned char *sig, size_t *siglen)
{
	EVP_MD_CTX *m = NULL;
	size_t n = GMPKI_SM2_MAX_SIG_LEN;
	int rc;

	if ((msg == NULL && len != 0) || sig == NULL || siglen == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = make_ctx(key, id, 1, &m)) != 0)
		return rc;
	if (EVP_DigestSign(m, sig, &n, msg, len) != 1) {
		ERR_clear_error();
		rc = GMPKI_ERR_CRYPTO;
	} else
		*siglen = n;
	EVP_MD_CTX_free(m);
	return rc;
}

/*
 * The end of every use of a context from make_ctx: ok (what the OpenSSL
 * call answered) gives 0, otherwise fail; the error queue is cleared and
 * the context freed.
 */
static int
ctx_done(EVP_MD_CTX *m, int ok, int fail)
{
	ERR_clear_error();
	EVP_MD_CTX_free(m);
	return ok ? 0 : fail;
}

int
gmpki_sm2_verify(EVP_PKEY *key, const char *id, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *m = NULL;
	int rc;

	if ((msg == NULL && len != 0) || sig == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = make_ctx(key, id, 0, &m)) != 0)
		return rc;
	return ctx_done(m, EVP_DigestVerify(m, sig, siglen, msg, len) == 1,
	    GMPKI_ERR_SIGNATURE);
}

/* What sign_x509 signs. */
enum x509_obj { OBJ_CERT, OBJ_REQ, OBJ_CRL };

/* Signs a certificate, request or CRL (obj, of kind) in place. */
static int
sign_x509(enum x509_obj kind, void *obj, EVP_PKEY *key, const char *id)
{
	EVP_MD_CTX *m = NULL;
	int rc, n = 0;

	if (obj == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = make_ctx(key, id, 1, &m)) != 0)
		return rc;
	/* Each returns the signature length (70-72) on success. */
	switch (kind) {
	case OBJ_CERT:
		n = X509_sign_ctx(obj, m);
		break;
	case OBJ_REQ:
		n = X509_REQ_sign_ctx(obj, m);
		break;
	case OBJ_CRL:
		n = X509_CRL_sign_ctx(obj, m);
		break;
	}
	return ctx_done(m, n > 0, GMPKI_ERR_CRYPTO);
}

int
gmpki_sm2_sign_cert(X509 *cert, EVP_PKEY *key, const char *id)
{
	return sign_x509(OBJ_CERT, cert, key, id);
}

int
gmpki_sm2_sign_req(X509_REQ *req, EVP_PKEY *key, const char *id)
{
	return sign_x509(OBJ_REQ, req, key, id);
}

int
gmpki_sm2_sign_crl(X509_CRL *crl, EVP_PKEY *key, const char *id)
{
	return sign_x509(OBJ_CRL, crl, key, id);
}

int
gmpki_sm2_sign_ocsp(OCSP_BASICRESP *bs, X509 *signer, EVP_PKEY *key,
    const char *id, STACK_OF(X509) *certs)
{
	EVP_MD_CTX *m = NULL;
	int rc;

	if (bs == NULL || signer == NULL)
		return GMPKI_ERR_ARG;
	if (!gmpki_sm2_key_match(key, X509_get0_pubkey(signer)))
		return GMPKI_ERR_KEY_MISMATCH;
	if ((rc = make_ctx(key, id, 1, &m)) != 0)
		return rc;
	/* RFC 6960 §4.2.1: ResponderID byKey (SHA-1 of the key) so that a
	 * renamed responder still matches. */
	return ctx_done(m,
	    OCSP_basic_sign_ctx(bs, signer, m, certs, OCSP_RESPID_KEY) == 1,
	    GMPKI_ERR_CRYPTO);
}

/*
 * Checks a DER SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING, ... }:
 * the algorithm is SM2-with-SM3 without parameters (GM/T 0006; a NULL
 * parameter is tolerated as some encoders write it), the BIT STRING has no
 * unused bits, and the signature verifies over the exact tbs bytes.
 * allow_more admits elements after the signature (OCSP's certs).
 * inner_alg requires the first SEQUENCE inside tbs (the signature field of
 * tbsCertificate and tbsCertList) to equal the outer AlgorithmIdentifier
 * byte for byte (RFC 5280 §4.1.1.2, §5.1.1.2).
 */
static int
verify_signed_der(const unsigned char *der, long len, EVP_PKEY *pub,
    const char *id, int allow_more, int inner_alg)
{
	const unsigned char *p = der, *end, *tbs;
	long clen, tlen;
	int tag, cls, inf;
	X509_ALGOR *alg = NULL;
	ASN1_BIT_STRING *sig = NULL;
	const ASN1_OBJECT *aobj;
	int ptype;
	EVP_MD_CTX *m = NULL;
	int rc = GMPKI_ERR_SIGNATURE;

	if (der == NULL || len <= 0 || pub == NULL)
		return GMPKI_ERR_ARG;
	if (!gmpki_sm2_is_sm2(pub))
		return GMPKI_ERR_KEY_NOT_SM2;
	inf = ASN1_get_object(&p, &clen, &tag, &cls, len);
	if ((inf & 0x80) || inf != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE ||
	    cls != V_ASN1_UNIVERSAL)
		goto out;
	end = p + clen;
	tbs = p;
	inf = ASN1_get_object(&p, &tlen, &tag, &cls, end - p);
	if ((inf & 0x80) || tag != V_ASN1_SEQUENCE || cls != V_ASN1_UNIVERSAL)
		goto out;
	if (tlen > end - p)
		goto out;
	{
		const unsigned char *tbs_in = p, *tbs_end = p + tlen;
		const unsigned char *inner = NULL, *alg_start;
		long inner_len = 0;

		/* The first SEQUENCE among tbs's elements, for inner_alg. */
		while (inner_alg && tbs_in < tbs_end) {
			const unsigned char *el = tbs_in;
			long elen;

			inf = ASN1_get_object(&tbs_in, &elen, &tag, &cls,
			    tbs_end - tbs_in);
			if ((inf & 0x80) || elen > tbs_end - tbs_in)
				goto out;
			tbs_in += elen;
			if (tag == V_ASN1_SEQUENCE && cls == V_ASN1_UNIVERSAL) {
				inner = el;
				inner_len = tbs_in - el;
				break;
			}
		}
		if (inner_alg && inner == NULL)
			goto out;
		p = tbs_end;
		alg_start = p;
		if ((alg = d2i_X509_ALGOR(NULL, &p, end - p)) == NULL)
			goto out;
		if (inner_alg && (p - alg_start != inner_len ||
		    memcmp(alg_start, inner, (size_t)inner_len) != 0))
			goto out;
		if ((sig = d2i_ASN1_BIT_STRING(NULL, &p, end - p)) == NULL)
			goto out;
		if (!allow_more && p != end)
			goto out;
		X509_ALGOR_get0(&aobj, &ptype, NULL, alg);
		if (OBJ_obj2nid(aobj) != NID_SM2_with_SM3 ||
		    (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL))
			goto out;
		if (sig->flags & 0x07) /* unused bits */
			goto out;
		{
			EVP_PKEY *k = NULL;
			if (gmpki_sm2_key_normalize(pub, &k) != 0)
				goto out;
			rc = make_ctx(k, id, 0, &m);
			EVP_PKEY_free(k);
			if (rc != 0)
				goto out;
		}
		rc = EVP_DigestVerify(m, sig->data, (size_t)sig->length, tbs,
		    (size_t)(tbs_end - tbs)) == 1 ? 0 : GMPKI_ERR_SIGNATURE;
	}
out:
	ERR_clear_error();
	EVP_MD_CTX_free(m);
	X509_ALGOR_free(alg);
	ASN1_BIT_STRING_free(sig);
	return rc;
}

/*
 * Checks the signature of obj, a parsed object of type it, over its DER:
 * for a parsed certificate, request or CRL that is the original bytes
 * (cached), for an OCSP response its encoding.
 */
static int
verify_item(const ASN1_ITEM *it, const void *obj, EVP_PKEY *pub,
    const char *id, int allow_more, int inner_alg)
{
	unsigned char *der = NULL;
	int len, rc;

	if ((len = ASN1_item_i2d((const ASN1_VALUE *)obj, &der, it)) <= 0) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	rc = verify_signed_der(der, len, pub, id, allow_more, inner_alg);
	OPENSSL_free(der);
	return rc;
}

int
gmpki_sm2_verify_cert(X509 *cert, EVP_PKEY *pub, const char *id)
{
	if (cert == NULL || pub == NULL)
		return GMPKI_ERR_ARG;
	return verify_item(ASN1_ITEM_rptr(X509), cert, pub, id, 0, 1);
}

int
gmpki_sm2_verify_req(X509_REQ *req, const char *id)
{
	EVP_PKEY *pub;

	if (req == NULL)
		return GMPKI_ERR_ARG;
	if ((pub = X509_REQ_get0_pubkey(req)) == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	if (!gmpki_sm2_is_sm2(pub))
		return GMPKI_ERR_KEY_NOT_SM2;
	return verify_item(ASN1_ITEM_rptr(X509_REQ), req, pub, id, 0, 0);
}

int
gmpki_sm2_verify_crl(X509_CRL *crl, EVP_PKEY *pub, const char *id)
{
	if (crl == NULL || pub == NULL)
		return GMPKI_ERR_ARG;
	return verify_item(ASN1_ITEM_rptr(X509_CRL), crl, pub, id, 0, 1);
}

int
gmpki_sm2_verify_ocsp(OCSP_BASICRESP *bs, EVP_PKEY *pub, const char *id)
{
	if (bs == NULL || pub == NULL)
		return GMPKI_ERR_ARG;
	/* BasicOCSPResponse (RFC 6960 §4.2.1) = SEQUENCE { tbsResponseData,
	 * signatureAlgorithm, signature, certs [0] OPTIONAL }. */
	return verify_item(ASN1_ITEM_rptr(OCSP_BASICRESP), bs, pub, id, 1, 0);
}

int
gmpki_sm2_set_cert_id(X509 *cert, const char *id)
{
	ASN1_OCTET_STRING *v;
	const char *use = sm2_id(id);

	if (cert == NULL)
		return GMPKI_ERR_ARG;
	if ((v = ASN1_OCTET_STRING_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if (!ASN1_OCTET_STRING_set(v, (const unsigned char *)use,
	    (int)strlen(use))) {
		ASN1_OCTET_STRING_free(v);
		return GMPKI_ERR_NOMEM;
	}
	/* Takes ownership and frees any previous ID. */
	X509_set0_distinguishing_id(cert, v);
	return 0;
}
