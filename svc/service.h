/*
 * service.h - the online service's operations, shared by the JSON API,
 * the pages and the admin CLI, so that each rule lives in one place.
 * Each runs in one database transaction and writes its audit row.
 */
#ifndef SVC_SERVICE_H
#define SVC_SERVICE_H

#include <stddef.h>
#include <time.h>

#include "app.h"
#include "db.h"
#include "store.h"

struct svc_enroll_result {
	char serial[41];
	char *cert_pem;      /* malloc'ed */
	char *chain_pem;     /* malloc'ed: issuing, root */
	time_t not_before, not_after;
};
void svc_enroll_result_clear(struct svc_enroll_result *r);

/*
 * POST /api/v1/enroll: consumes the ticket (single use), checks the CSR
 * (gmpki_csr_parse_verify: SM2 key, valid signature), issues through the
 * signer with the subject taken from the account (the CSR's subject is
 * ignored), stores the certificate; a "reapply" ticket also revokes the
 * account's previous valid certificates (superseded).  Regenerates the
 * CRL when it revoked anything.  addr is the client's, for the audit log.
 */
int svc_enroll(struct svc_app *app, svc_db *db, const char *ticket,
    const char *csr_pem, size_t csr_len, const char *addr, time_t now,
    struct svc_enroll_result *out);

/*
 * Revokes one certificate (GMPKI_ERR_NOT_FOUND, GMPKI_ERR_ALREADY_REVOKED),
 * audits it as actor, and regenerates the CRL.  account_id > 0 restricts
 * it to that account's certificates (the 废除证书 page); 0 for operators.
 */
int svc_revoke(struct svc_app *app, svc_db *db, const char *serial,
    int reason, int64_t account_id, const char *actor, const char *addr,
    time_t now);

/* Regenerates the CRL now (signer), caches it in app, writes
 * DATA/crl.der for static serving. */
int svc_crl_refresh(struct svc_app *app, svc_db *db, time_t now);

#endif
