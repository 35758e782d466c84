/* sm2_test.c - SM2 signing with the user ID: GB/T 32918 example, keys, contexts. */
#include "test.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>

/* GM/T 0003.5-2012 / GB/T 32918.5 annex: example on the recommended curve. */
#define VEC_D "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
#define VEC_PX "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
#define VEC_PY "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
#define VEC_R "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
#define VEC_S "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"

/* Builds an SM2 key from the vector's public point (and d when priv). */
static EVP_PKEY *
vector_key(int priv)
{
	unsigned char pub[65];
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	EVP_PKEY *k = NULL;
	BIGNUM *d = NULL;

	pub[0] = 0x04;
	test_unhex(VEC_PX, pub + 1, 32);
	test_unhex(VEC_PY, pub + 33, 32);
	OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0);
	OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, 65);
	if (priv) {
		BN_hex2bn(&d, VEC_D);
		OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d);
	}
	params = OSSL_PARAM_BLD_to_param(b);
	EVP_PKEY_fromdata_init(pc);
	EVP_PKEY_fromdata(pc, &k, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
	    params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(pc);
	BN_free(d);
	return k;
}

/* DER ECDSA-Sig-Value of the vector's (r, s). */
static int
vector_sig(unsigned char *out, size_t *outlen)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *p = out;
	int n;

	BN_hex2bn(&r, VEC_R);
	BN_hex2bn(&s, VEC_S);
	ECDSA_SIG_set0(sig, r, s);
	n = i2d_ECDSA_SIG(sig, &p);
	ECDSA_SIG_free(sig);
	*outlen = (size_t)n;
	return n > 0;
}

static void
test_standard_example(void)
{
	EVP_PKEY *pub = vector_key(0), *priv = vector_key(1);
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN], sig2[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = 0, sig2len = 0;
	const char *msg = "message digest";

	CHECK(pub != NULL && priv != NULL);
	CHECK(vector_sig(sig, &siglen));
	/* The standard's signature verifies with the default ID ... */
	CHECK_OK(gmpki_sm2_verify(pub, NULL, msg, strlen(msg), sig, siglen));
	CHECK_OK(gmpki_sm2_verify(pub, "1234567812345678", msg, strlen(msg),
	    sig, siglen));
	/* ... and not with another ID, another message, or a flipped bit. */
	CHECK_RC(gmpki_sm2_verify(pub, "", msg, strlen(msg), sig, siglen),
	    GMPKI_ERR_SIGNATURE);
	CHECK_RC(gmpki_sm2_verify(pub, NULL, "message digesT", 14, sig, siglen),
	    GMPKI_ERR_SIGNATURE);
	sig[siglen - 1] ^= 1;
	CHECK_RC(gmpki_sm2_verify(pub, NULL, msg, strlen(msg), sig, siglen),
	    GMPKI_ERR_SIGNATURE);
	/* d gives P: the private key's public point matches. */
	CHECK(gmpki_sm2_key_match(priv, pub));
	/* Signatures made with d verify under P (random k each time). */
	CHECK_OK(gmpki_sm2_sign(priv, NULL, msg, strlen(msg), sig2, &sig2len));
	CHECK_OK(gmpki_sm2_verify(pub, NULL, msg, strlen(msg), sig2, sig2len));
	EVP_PKEY_free(pub);
	EVP_PKEY_free(priv);
}

static void
test_keygen_and_normalize(void)
{
	EVP_PKEY *k = NULL, *ec = NULL, *n = NULL, *p256 = NULL;
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = 0;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK(gmpki_sm2_is_sm2(k));
	CHECK_OK(gmpki_sm2_sign(k, "alice@example", "x", 1, sig, &siglen));
	CHECK_OK(gmpki_sm2_verify(k, "alice@example", "x", 1, sig, siglen));
	CHECK_RC(gmpki_sm2_verify(k, NULL, "x", 1, sig, siglen),
	    GMPKI_ERR_SIGNATURE);

	/* An EC-type key on the SM2 curve is converted to an SM2 key. */
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "SM2");
	CHECK(ec != NULL && !EVP_PKEY_is_a(ec, "SM2"));
	CHECK(gmpki_sm2_is_sm2(ec));
	CHECK_RC(gmpki_sm2_sign(ec, NULL, "x", 1, sig, &siglen),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK_OK(gmpki_sm2_key_normalize(ec, &n));
	CHECK(n != NULL && EVP_PKEY_is_a(n, "SM2") && gmpki_sm2_key_match(n, ec));
	CHECK_OK(gmpki_sm2_sign(n, NULL, "x", 1, sig, &siglen));
	CHECK_OK(gmpki_sm2_verify(n, NULL, "x", 1, sig, siglen));

	/* P-256 is refused. */
	p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	CHECK(!gmpki_sm2_is_sm2(p256));
	EVP_PKEY_free(n);
	n = NULL;
	CHECK_RC(gmpki_sm2_key_normalize(p256, &n), GMPKI_ERR_KEY_NOT_SM2);
	CHECK(n == NULL);
	CHECK(!gmpki_sm2_key_match(k, n == NULL ? ec : n));
	EVP_PKEY_free(k);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(p256);
}

static void
test_errors(void)
{
	CHECK_STR(gmpki_strerror(GMPKI_ERR_CERT_EXPIRED), "证书已过期");
	CHECK_STR(gmpki_strerror_en(GMPKI_ERR_CERT_EXPIRED),
	    "certificate has expired");
	CHECK_STR(gmpki_errname(GMPKI_ERR_USCC_CHECK), "USCC_CHECK");
	CHECK_STR(gmpki_strerror(-9999), "未知错误");
}

int
main(void)
{
	CHECK_OK(gmpki_init());
	RUN(test_standard_example);
	RUN(test_keygen_and_normalize);
	RUN(test_errors);
	TEST_MAIN_END();
}
