/*
 * keystore.h - the helper's keystore: each identity is an SM2 key (never
 * leaves this machine), its certificate and chain, and a small metadata
 * file, under DIR (mode 0700; files 0600):
 *
 *   DIR/.storekey              32 random bytes (hex), the passphrase of keys
 *                              without a PIN (see docs/HELPER-KEYS.md)
 *   DIR/identities/ID/key.pem  encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SM3,
 *                              SM4-CBC)
 *   DIR/identities/ID/cert.pem, chain.pem (issuing, root), meta
 *   DIR/choices                remembered choices: reporting system -> ID
 *
 * ID is the first 16 hex digits of the certificate's SM3 fingerprint.
 * An identity is written in a temporary folder, each file fsync'ed, and
 * then renamed into place: it appears whole or not at all.  A corrupt or
 * unreadable identity is reported by list() and skipped; the others keep
 * working.
 */
#ifndef HELPER_KEYSTORE_H
#define HELPER_KEYSTORE_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define HELPER_ID_LEN 16

struct helper_identity {
	char id[HELPER_ID_LEN + 1];
	char serial[41];
	char username[65];          /* CN */
	char uscc[19];              /* 企业代码 */
	char org[257];              /* 企业名称 */
	char issuer[512];
	char service[256];          /* the service URL it was downloaded from */
	char sm3_fp[65];
	time_t not_before, not_after;
	time_t created_at;
	int has_pin;                /* key protected by the user's PIN */
};

typedef struct helper_keystore helper_keystore;

/* Opens (creating when absent) the keystore in dir; refuses a dir or file
 * that others can read or write (GMPKI_ERR_PERMISSION). */
int helper_keystore_open(const char *dir, helper_keystore **out);
void helper_keystore_close(helper_keystore *ks);

/*
 * Stores a new identity: key must match cert (GMPKI_ERR_KEY_MISMATCH);
 * pin NULL or "" means no PIN.  id_out gets the identity's ID.  An
 * identity with the same certificate is GMPKI_ERR_EXISTS.
 */
int helper_keystore_add(helper_keystore *ks, EVP_PKEY *key, X509 *cert,
    STACK_OF(X509) *chain, const char *service, const char *pin,
    char id_out[HELPER_ID_LEN + 1]);

/*
 * Calls fn for each identity, in order of ID.  A corrupt identity is
 * passed with rc != 0 (its GMPKI_ERR_* code) and only id filled; fn's
 * non-zero return stops the walk and is returned.
 */
int helper_keystore_list(helper_keystore *ks,
    int (*fn)(void *arg, const struct helper_identity *idn, int rc),
    void *arg);

/* The identity's metadata, certificate and chain (either may be NULL). */
int helper_keystore_get(helper_keystore *ks, const char *id,
    struct helper_identity *idn, X509 **cert, STACK_OF(X509) **chain);

/* Decrypts the private key: a wrong or missing PIN is GMPKI_ERR_PASSPHRASE. */
int helper_keystore_key(helper_keystore *ks, const char *id, const char *pin,
    EVP_PKEY **out);

/* The identity holding the certificate with this serial (hex, any case). */
int helper_keystore_find_serial(helper_keystore *ks, const char *serial,
    char id_out[HELPER_ID_LEN + 1]);

/* Deletes an identity (its key is overwritten before unlinking). */
int helper_keystore_delete(helper_keystore *ks, const char *id);

/* Remembered certificate choices for reporting systems (清除身份认证信息
 * forgets them all). */
int helper_keystore_remember(helper_keystore *ks, const char *rp_id,
    const char *id);
int helper_keystore_recall(helper_keystore *ks, const char *rp_id,
    char id_out[HELPER_ID_LEN + 1]);
int helper_keystore_forget_all(helper_keystore *ks);

#endif
