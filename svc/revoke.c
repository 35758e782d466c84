/*
 * revoke.c - svc_revoke (废除证书, and operators' revocations) and
 * svc_crl_refresh, the CRL every revocation and the daily timer make.
 *
 * CRL (docs/REVOCATION.md §1): every revoked certificate that has not yet
 * expired (RFC 5280 §3.3: an entry may go once the certificate expires),
 * signed by the issuing CA in the signer process, thisUpdate now,
 * nextUpdate now + crl_validity, cRLNumber from the settings table so that
 * every process sharing the database counts on from the same number
 * (§5.2.3: monotonically increasing).  A number taken by a signing that
 * then fails is skipped: gaps are allowed, repeats are not.
 */
#include "service.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "gmpki/gmpki.h"
#include "serial.h"
#include "settings.h"
#include "svc_error.h"

#define CRL_NUMBER_KEY "crl_number"
#define CRL_FILE "crl.der"

int
svc_revoke(struct svc_app *app, svc_db *db, const char *serial,
    int reason, int64_t account_id, const char *actor, const char *addr,
    time_t now)
{
	struct svc_cert c;
	char norm[41];
	int rc;

	if (app == NULL || db == NULL || serial == NULL || actor == NULL)
		return GMPKI_ERR_ARG;
	/* RFC 5280 §5.3.1: 7 is unused; removeFromCRL only in delta CRLs. */
	if (reason < 0 || reason > 10 || reason == 7 ||
	    reason == GMPKI_REASON_REMOVE_FROM_CRL)
		return GMPKI_ERR_ARG;
	if (svc_serial_normalize(serial, norm) != 0)
		return GMPKI_ERR_NOT_FOUND;
	if (addr == NULL)
		addr = "";
	if ((rc = svc_db_begin(db)) != 0)
		return rc;
	if ((rc = svc_cert_find(db, norm, 0, &c)) != 0)
		goto fail;
	/* Another account's certificate is answered as if absent. */
	if (account_id > 0 && c.account_id != account_id) {
		rc = GMPKI_ERR_NOT_FOUND;
		goto fail;
	}
	if ((rc = svc_cert_revoke(db, norm, now, reason)) != 0 ||
	    (rc = svc_audit_append_tx(db, now, actor, "revoke", norm,
	    gmpki_reason_name(reason), addr)) != 0)
		goto fail;
	if ((rc = svc_db_commit(db)) != 0)
		goto fail;
	svc_cert_clear(&c);
	/* Revoked is revoked (OCSP answers from the table at once); a CRL
	 * that fails now is retried by the housekeeping thread. */
	(void)svc_crl_refresh(app, db, now);
	return 0;
fail:
	svc_cert_clear(&c);
	svc_db_rollback(db);
	return rc;
}

struct crl_list {
	struct gmpki_revoked *e;
	size_t n, cap;
	int rc;
};

static int
crl_collect(void *arg, const struct svc_cert *c)
{
	struct crl_list *l = arg;
	struct gmpki_revoked *ne;
	ASN1_INTEGER *a = NULL;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 64 : l->cap * 2;
		if ((ne = realloc(l->e, cap * sizeof(*ne))) == NULL) {
			l->rc = GMPKI_ERR_NOMEM;
			return 1;
		}
		l->e = ne;
		l->cap = cap;
	}
	if ((l->rc = gmpki_serial_from_hex(c->serial, &a)) != 0)
		return 1;
	l->e[l->n].serial = a;
	l->e[l->n].revoked_at = (time_t)c->revoked_at;
	l->e[l->n].reason = c->reason;
	l->n++;
	return 0;
}

static void
crl_list_free(struct crl_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		ASN1_INTEGER_free((ASN1_INTEGER *)l->e[i].serial);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

int
svc_crl_refresh(struct svc_app *app, svc_db *db, time_t now)
{
	struct crl_list l;
	X509_CRL *crl = NULL;
	unsigned char *der = NULL;
	char path[PATH_MAX + 16];
	int64_t number = 0;
	size_t len = 0;
	int rc, n;

	if (app == NULL || db == NULL)
		return GMPKI_ERR_ARG;
	memset(&l, 0, sizeof(l));
	/* One refresh at a time: numbers and the cache stay in order. */
	pthread_mutex_lock(&app->crl_lock);
	rc = svc_cert_list_revoked(db, (int64_t)now, crl_collect, &l);
	if (rc == 1 || l.rc != 0)
		rc = l.rc != 0 ? l.rc : GMPKI_ERR_INTERNAL;
	if (rc != 0)
		goto out;
	if ((rc = svc_setting_next(db, CRL_NUMBER_KEY, &number)) != 0)
		goto out;
	if ((rc = svc_signer_sign_crl(app->signer, l.e, l.n, (long)number,
	    now, now + app->cfg.crl_validity, &crl)) != 0)
		goto out;
	if ((rc = gmpki_crl_to_der(crl, &der, &len)) != 0)
		goto out;
	free(app->crl_der);
	app->crl_der = der;
	app->crl_len = len;
	app->crl_made = now;
	app->crl_number = number;
	der = NULL;
	/* A copy on disk for a static web server or an operator. */
	n = snprintf(path, sizeof(path), "%s/" CRL_FILE, app->cfg.data_dir);
	if (n > 0 && (size_t)n < sizeof(path))
		rc = gmpki_file_write(path, app->crl_der, app->crl_len, 0644,
		    0);
out:
	/* A failed refresh makes the timer try again at its next round. */
	if (rc != 0)
		app->crl_made = 0;
	pthread_mutex_unlock(&app->crl_lock);
	free(der);
	X509_CRL_free(crl);
	crl_list_free(&l);
	return rc;
}
