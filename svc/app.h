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
#include "ratelimit.h"
#include "signer.h"

struct svc_app {
	struct svc_config cfg;
	svc_db_pool *pool;
	X509 *root;               /* trust anchor                          */
	X509 *issuing;            /* issuing CA (its key is in the signer) */
	STACK_OF(X509) *chain;    /* issuing, root                         */
	X509 *ocsp_cert;          /* delegated OCSP responder              */
	EVP_PKEY *ocsp_key;
	X509 *docsign_cert;       /* delegated document signer (RFC 9336): */
	EVP_PKEY *docsign_key;    /* signs the reporting-system directory  */
	struct svc_signer *signer;
	struct svc_ratelimit *rl;
	pthread_mutex_t crl_lock; /* guards the cached CRL                 */
	unsigned char *crl_der;
	size_t crl_len;
	time_t crl_made;
	int64_t crl_number;       /* cRLNumber of the cached CRL            */
};

#endif
