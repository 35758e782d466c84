/*
 * gmpki/crypto.h - SM3, HMAC-SM3, SM4-CBC, PBKDF2-HMAC-SM3, random bytes.
 * All through OpenSSL 3 libcrypto.
 */
#ifndef GMPKI_CRYPTO_H
#define GMPKI_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMPKI_SM3_LEN 32
#define GMPKI_SM4_KEY_LEN 16
#define GMPKI_SM4_BLOCK_LEN 16

/* SM3 digest of data (GB/T 32905-2016) into out[32]. */
int gmpki_sm3(const void *data, size_t len, uint8_t out[GMPKI_SM3_LEN]);

/* Incremental SM3.  ctx is opaque; gmpki_sm3_final frees it. */
typedef struct gmpki_sm3_ctx gmpki_sm3_ctx;
int gmpki_sm3_new(gmpki_sm3_ctx **out);
int gmpki_sm3_update(gmpki_sm3_ctx *ctx, const void *data, size_t len);
int gmpki_sm3_final(gmpki_sm3_ctx *ctx, uint8_t out[GMPKI_SM3_LEN]);
void gmpki_sm3_free(gmpki_sm3_ctx *ctx);

/* HMAC-SM3 (RFC 2104 with SM3) into out[32]. */
int gmpki_hmac_sm3(const void *key, size_t keylen, const void *data,
    size_t len, uint8_t out[GMPKI_SM3_LEN]);

/*
 * PBKDF2 (RFC 8018 §5.2) with HMAC-SM3 as the PRF.  iter >= 1, outlen >= 1.
 */
int gmpki_pbkdf2_sm3(const void *pass, size_t passlen, const void *salt,
    size_t saltlen, uint32_t iter, uint8_t *out, size_t outlen);

/*
 * SM4-CBC (GB/T 32907-2016) with PKCS#7 padding.  out must hold
 * len + 16 bytes for encryption and len bytes for decryption; *outlen gets
 * the length written.  A bad padding on decryption is GMPKI_ERR_DECODE.
 */
int gmpki_sm4_cbc_encrypt(const uint8_t key[GMPKI_SM4_KEY_LEN],
    const uint8_t iv[GMPKI_SM4_BLOCK_LEN], const void *in, size_t len,
    uint8_t *out, size_t *outlen);
int gmpki_sm4_cbc_decrypt(const uint8_t key[GMPKI_SM4_KEY_LEN],
    const uint8_t iv[GMPKI_SM4_BLOCK_LEN], const void *in, size_t len,
    uint8_t *out, size_t *outlen);

/* Cryptographically secure random bytes (OpenSSL's DRBG). */
int gmpki_random(void *buf, size_t len);

/* Lower-case hex of data into out (2*len+1 bytes, NUL-terminated). */
void gmpki_hex(const void *data, size_t len, char *out);

/* Constant-time comparison: 1 when equal, 0 otherwise. */
int gmpki_memeq(const void *a, const void *b, size_t len);

/* Wipe a secret (OPENSSL_cleanse). */
void gmpki_wipe(void *p, size_t len);

#ifdef __cplusplus
}
#endif
#endif
