/*
 * app.h - what every certsvc request handler can reach.
 */
#ifndef SVC_APP_H
#define SVC_APP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "config.h"
#include "db.h"
#include "keys.h"
#include "ratelimit.h"
#include "signer.h"

struct svc_app {
	struct svc_config cfg;
	svc_db_pool *pool;
	X509 *root;               /* trust anchor                          */
	X509 *issuing;            /* issuing CA (its key is in the signer) */
	STACK_OF(X509) *chain;    /* issuing, root                         */
	/* The delegated pairs (keys.h: SVC_KEY_OCSP, the responder;
	 * SVC_KEY_DOCSIGN, the directory's signer, RFC 9336), renewed while
	 * serving: read them with svc_keys_get only. */
	pthread_rwlock_t keys_lock;
	X509 *dcert[SVC_KEY_COUNT];
	EVP_PKEY *dkey[SVC_KEY_COUNT];
	struct timespec dmtime[SVC_KEY_COUNT][2]; /* files as loaded     */
	struct svc_signer *signer;
	struct svc_ratelimit *rl;
	pthread_mutex_t crl_lock; /* guards the cached CRL                 */
	unsigned char *crl_der;
	size_t crl_len;
	time_t crl_made;
	int64_t crl_number;       /* cRLNumber of the cached CRL            */
};

#endif
