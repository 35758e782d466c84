/*
 * gmpki/pkcs8.h - SM2 private keys in PKCS#8, plain or encrypted.
 *
 * Encrypted keys are written as GmSSL writes them: PBES2 (RFC 8018 §6.2)
 * with PBKDF2, PRF HMAC-SM3 under 1.2.156.10197.1.401.2, and SM4-CBC.
 * Read: that, PRF 1.2.156.10197.1.401.3.1 (GM/T 0091-2020), and
 * PBKDF2-HMAC-SHA256 + SM4-CBC (as `openssl pkcs8 -topk8 -v2 sm4-cbc`
 * writes), and plain PKCS#8 / "EC PRIVATE KEY" / "SM2 PRIVATE KEY" SM2 keys,
 * PEM or DER.  PBES1, scrypt and legacy "Proc-Type" PEM encryption are
 * GMPKI_ERR_DECODE.  Keys come back as "SM2"-type EVP_PKEYs.
 * Requires gmpki_init().  OpenSSL 3.0's own CLI cannot open the encrypted
 * keys written here (it has no hmacWithSM3); plain ones it can.
 */
#ifndef GMPKI_PKCS8_H
#define GMPKI_PKCS8_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMPKI_PBKDF2_DEFAULT_ITER 100000
/* Higher iteration counts are refused on reading (GMPKI_ERR_TOO_LARGE) and
 * writing (GMPKI_ERR_ARG): several seconds of PBKDF2-HMAC-SM3 on one core. */
#define GMPKI_PBKDF2_MAX_ITER 10000000
#define GMPKI_MAX_PASS_LEN 1024

/*
 * Key to PEM.  pass NULL: plain "PRIVATE KEY".  Otherwise "ENCRYPTED
 * PRIVATE KEY" with a random 16-byte salt and iter iterations (0 means
 * GMPKI_PBKDF2_DEFAULT_ITER).  *out is malloc'ed; wipe it before free.
 */
int gmpki_key_to_pem(EVP_PKEY *key, const char *pass, size_t passlen,
    uint32_t iter, char **out, size_t *outlen);

/*
 * PEM or DER key bytes to an SM2 key.  An encrypted key without a pass,
 * or with a wrong one, is GMPKI_ERR_PASSPHRASE; a non-SM2 key
 * GMPKI_ERR_KEY_NOT_SM2.
 */
int gmpki_key_from_mem(const unsigned char *in, size_t len, const char *pass,
    size_t passlen, EVP_PKEY **out);

/* The same through files; written with mode 0600, never over an existing file
 * unless overwrite is set. */
int gmpki_key_save(const char *path, EVP_PKEY *key, const char *pass,
    size_t passlen, uint32_t iter, int overwrite);
int gmpki_key_load(const char *path, const char *pass, size_t passlen,
    EVP_PKEY **out);

/* 1 when the bytes hold an encrypted private key. */
int gmpki_key_is_encrypted(const unsigned char *in, size_t len);

/*
 * Reads a passphrase file: the first line, without its line end; at most
 * GMPKI_MAX_PASS_LEN bytes; empty is GMPKI_ERR_ARG.  *out is malloc'ed and
 * NUL-terminated; wipe and free it.
 */
int gmpki_pass_file_read(const char *path, char **out, size_t *outlen);

#ifdef __cplusplus
}
#endif
#endif
