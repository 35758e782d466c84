/*
 * crypto.c - SM3, HMAC-SM3, PBKDF2-HMAC-SM3, SM4-CBC and random bytes,
 * all through OpenSSL 3 libcrypto.
 *
 * OpenSSL takes int lengths almost everywhere; every size_t that crosses
 * into it is checked against INT_MAX first, so that no length is silently
 * truncated.
 */
#include "gmpki/gmpki.h"

#include <limits.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

struct gmpki_sm3_ctx {
	EVP_MD_CTX *md;
};

/* GB/T 32905-2016 §5: SM3, 256-bit output. */
int
gmpki_sm3(const void *data, size_t len, uint8_t out[GMPKI_SM3_LEN])
{
	unsigned int outl = 0;

	if ((data == NULL && len != 0) || out == NULL)
		return GMPKI_ERR_ARG;
	if (!EVP_Digest(len != 0 ? data : "", len, out, &outl, EVP_sm3(),
	    NULL) || outl != GMPKI_SM3_LEN)
		return GMPKI_ERR_CRYPTO;
	return 0;
}

int
gmpki_sm3_new(gmpki_sm3_ctx **out)
{
	gmpki_sm3_ctx *ctx;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((ctx->md = EVP_MD_CTX_new()) == NULL) {
		free(ctx);
		return GMPKI_ERR_NOMEM;
	}
	if (!EVP_DigestInit_ex2(ctx->md, EVP_sm3(), NULL)) {
		gmpki_sm3_free(ctx);
		return GMPKI_ERR_CRYPTO;
	}
	*out = ctx;
	return 0;
}

int
gmpki_sm3_update(gmpki_sm3_ctx *ctx, const void *data, size_t len)
{
	if (ctx == NULL || (data == NULL && len != 0))
		return GMPKI_ERR_ARG;
	if (len == 0)
		return 0;
	if (!EVP_DigestUpdate(ctx->md, data, len))
		return GMPKI_ERR_CRYPTO;
	return 0;
}

/* Always frees ctx, also on error, so that callers have one path. */
int
gmpki_sm3_final(gmpki_sm3_ctx *ctx, uint8_t out[GMPKI_SM3_LEN])
{
	unsigned int outl = 0;
	int rc = 0;

	if (ctx == NULL)
		return GMPKI_ERR_ARG;
	if (out == NULL)
		rc = GMPKI_ERR_ARG;
	else if (!EVP_DigestFinal_ex(ctx->md, out, &outl) ||
	    outl != GMPKI_SM3_LEN)
		rc = GMPKI_ERR_CRYPTO;
	gmpki_sm3_free(ctx);
	return rc;
}

void
gmpki_sm3_free(gmpki_sm3_ctx *ctx)
{
	if (ctx == NULL)
		return;
	EVP_MD_CTX_free(ctx->md);
	free(ctx);
}

/* RFC 2104 HMAC over SM3 (GB/T 32905, block size 64 bytes). */
int
gmpki_hmac_sm3(const void *key, size_t keylen, const void *data, size_t len,
    uint8_t out[GMPKI_SM3_LEN])
{
	unsigned int outl = 0;

	if ((key == NULL && keylen != 0) || (data == NULL && len != 0) ||
	    out == NULL || keylen > INT_MAX)
		return GMPKI_ERR_ARG;
	/* HMAC() treats (NULL, 0) specially; give it a real empty key. */
	if (HMAC(EVP_sm3(), keylen != 0 ? key : "", (int)keylen,
	    len != 0 ? data : (const void *)"", len, out, &outl) == NULL ||
	    outl != GMPKI_SM3_LEN)
		return GMPKI_ERR_CRYPTO;
	return 0;
}

/* RFC 8018 §5.2 PBKDF2, PRF = HMAC-SM3. */
int
gmpki_pbkdf2_sm3(const void *pass, size_t passlen, const void *salt,
    size_t saltlen, uint32_t iter, uint8_t *out, size_t outlen)
{
	if ((pass == NULL && passlen != 0) || (salt == NULL && saltlen != 0) ||
	    out == NULL || iter < 1 || outlen < 1 || passlen > INT_MAX ||
	    saltlen > INT_MAX || iter > INT_MAX || outlen > INT_MAX)
		return GMPKI_ERR_ARG;
	if (!PKCS5_PBKDF2_HMAC(passlen != 0 ? pass : "", (int)passlen,
	    saltlen != 0 ? salt : (const void *)"", (int)saltlen, (int)iter,
	    EVP_sm3(), (int)outlen, out)) {
		OPENSSL_cleanse(out, outlen);
		return GMPKI_ERR_CRYPTO;
	}
	return 0;
}

/*
 * GB/T 32907-2016 SM4 in CBC mode with PKCS#7 padding (RFC 5652 §6.3):
 * OpenSSL's default block padding.  CBC gives no integrity; callers that
 * need it MAC the ciphertext (or use it inside PBES2 where the key parser
 * catches corruption).
 */
static int
sm4_cbc(int enc, const uint8_t *key, const uint8_t *iv, const void *in,
    size_t len, uint8_t *out, size_t *outlen)
{
	EVP_CIPHER_CTX *ctx = NULL;
	int n1 = 0, n2 = 0, rc;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if (!EVP_CipherInit_ex2(ctx, EVP_sm4_cbc(), key, iv, enc, NULL)) {
		rc = GMPKI_ERR_CRYPTO;
		goto out;
	}
	if (len != 0 && !EVP_CipherUpdate(ctx, out, &n1, in, (int)len)) {
		rc = GMPKI_ERR_CRYPTO;
		goto out;
	}
	if (!EVP_CipherFinal_ex(ctx, out + n1, &n2)) {
		/* On decryption the only failure left is the padding. */
		rc = enc ? GMPKI_ERR_CRYPTO : GMPKI_ERR_DECODE;
		goto out;
	}
	*outlen = (size_t)n1 + (size_t)n2;
	rc = 0;
 out:
	if (rc != 0) {
		/* Leave no partial plaintext behind. */
		OPENSSL_cleanse(out, enc ? len + GMPKI_SM4_BLOCK_LEN : len);
		*outlen = 0;
	}
	EVP_CIPHER_CTX_free(ctx);	/* cleanses the key schedule */
	return rc;
}

int
gmpki_sm4_cbc_encrypt(const uint8_t key[GMPKI_SM4_KEY_LEN],
    const uint8_t iv[GMPKI_SM4_BLOCK_LEN], const void *in, size_t len,
    uint8_t *out, size_t *outlen)
{
	if (outlen != NULL)
		*outlen = 0;
	if (key == NULL || iv == NULL || (in == NULL && len != 0) ||
	    out == NULL || outlen == NULL ||
	    len > (size_t)INT_MAX - GMPKI_SM4_BLOCK_LEN)
		return GMPKI_ERR_ARG;
	return sm4_cbc(1, key, iv, in, len, out, outlen);
}

int
gmpki_sm4_cbc_decrypt(const uint8_t key[GMPKI_SM4_KEY_LEN],
    const uint8_t iv[GMPKI_SM4_BLOCK_LEN], const void *in, size_t len,
    uint8_t *out, size_t *outlen)
{
	if (outlen != NULL)
		*outlen = 0;
	/* Padded ciphertext is at least one whole block, always whole blocks. */
	if (key == NULL || iv == NULL || in == NULL || out == NULL ||
	    outlen == NULL || len == 0 || len % GMPKI_SM4_BLOCK_LEN != 0 ||
	    len > (size_t)INT_MAX - GMPKI_SM4_BLOCK_LEN)
		return GMPKI_ERR_ARG;
	return sm4_cbc(0, key, iv, in, len, out, outlen);
}

int
gmpki_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t n;

	if (buf == NULL && len != 0)
		return GMPKI_ERR_ARG;
	while (len > 0) {
		n = len > INT_MAX ? INT_MAX : len;
		if (RAND_bytes(p, (int)n) != 1)
			return GMPKI_ERR_CRYPTO;
		p += n;
		len -= n;
	}
	return 0;
}

void
gmpki_hex(const void *data, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t i;

	if (out == NULL)
		return;
	for (i = 0; p != NULL && i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * i] = '\0';
}

int
gmpki_memeq(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return 1;
	if (a == NULL || b == NULL)
		return 0;
	return CRYPTO_memcmp(a, b, len) == 0;
}

void
gmpki_wipe(void *p, size_t len)
{
	if (p != NULL && len != 0)
		OPENSSL_cleanse(p, len);
}
