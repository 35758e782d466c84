/*
 * keys.h - the service's delegated keys: the OCSP responder and the
 * directory's document signer (DIR/keys/{ocsp,docsign}.{key,pem}).  Their
 * certificates live one year; `certsvc serve` renews each through the
 * signer when fewer than delegated_renew_days are left, and picks up a
 * pair another process wrote (`certsvc keys renew`).  docs/CERTSVC.md §3.
 */
#ifndef SVC_KEYS_H
#define SVC_KEYS_H

#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct svc_app;
struct svc_signer;

enum svc_key_which {
	SVC_KEY_OCSP = 0,
	SVC_KEY_DOCSIGN = 1,
	SVC_KEY_COUNT
};

/* "ocsp" / "docsign": the files' base name. */
const char *svc_key_name(int which);

/* Writes DIR/keys/NAME.key (unencrypted PKCS#8, 0600) and then NAME.pem
 * (0644), each atomically; an existing pair is replaced only with
 * replace. */
int svc_keys_save(const char *data_dir, int which, EVP_PKEY *key, X509 *cert,
    int replace);

/* Reads DIR/keys/NAME.{key,pem}: the key readable by its owner only, the
 * pair matching, the certificate issued by issuing.  0 or a GMPKI_ERR_*. */
int svc_keys_read(const char *data_dir, int which, X509 *issuing,
    X509 **cert, EVP_PKEY **key);

/* A new key, its certificate from the signer (ISSUE_DELEGATED), saved. */
int svc_keys_make(const char *data_dir, int which, struct svc_signer *signer,
    X509 **cert, EVP_PKEY **key);

/* The service's current pair, up-ref'ed (free both), under the keys lock;
 * GMPKI_ERR_NOT_FOUND when none is loaded. */
int svc_keys_get(struct svc_app *app, int which, X509 **cert, EVP_PKEY **key);

/* Loads both pairs into app (serve's start). */
int svc_keys_load(struct svc_app *app, const char **what);
void svc_keys_free(struct svc_app *app);

/* A housekeeping round: a pair whose files changed is read again; a
 * certificate with fewer than delegated_renew_days left is renewed. */
void svc_keys_housekeeping(struct svc_app *app, time_t now);

#endif
