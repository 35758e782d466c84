/*
 * store_cert.c - issued certificates: add, find, list, revoke.
 */
#include "store_priv.h"

#include <stdlib.h>
#include <string.h>

#include "gmpki/error.h"
#include "gmpki/io.h"

#define CERT_SELECT                                                           \
	"SELECT c.serial, c.account_id, a.username, c.subject, c.not_before,"  \
	" c.not_after, c.status, c.revoked_at, c.reason, c.sm3_fp,"           \
	" c.issued_at, c.der"                                                 \
	" FROM certificates c JOIN accounts a ON a.id = c.account_id"

/* RFC 5280 §5.3.1 CRLReason: 0-10 without the unused value 7. */
static int
cert_reason_ok(int reason)
{
	return reason >= 0 && reason <= 10 && reason != 7;
}

/* Upper-case hex, 1-40 digits (RFC 5280 §4.1.2.2: at most 20 octets),
 * no leading zero. */
static int
cert_serial_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 40 || s[0] == '0')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

static int
cert_fp_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[64] == '\0';
}

void
svc_cert_clear(struct svc_cert *c)
{
	if (c == NULL)
		return;
	free(c->der);
	memset(c, 0, sizeof(*c));
}

int
svc_cert_add(svc_db *db, const struct svc_cert *c)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || c == NULL || c->der == NULL || c->der_len == 0)
		return GMPKI_ERR_ARG;
	if (c->der_len > GMPKI_MAX_CERT_SIZE)
		return GMPKI_ERR_TOO_LARGE;
	if (memchr(c->serial, '\0', sizeof(c->serial)) == NULL ||
	    !cert_serial_ok(c->serial) ||
	    memchr(c->sm3_fp, '\0', sizeof(c->sm3_fp)) == NULL ||
	    !cert_fp_ok(c->sm3_fp) ||
	    memchr(c->subject, '\0', sizeof(c->subject)) == NULL ||
	    c->subject[0] == '\0' ||
	    (c->status != SVC_CERT_VALID && c->status != SVC_CERT_REVOKED) ||
	    (c->status == SVC_CERT_REVOKED && !cert_reason_ok(c->reason)))
		return GMPKI_ERR_ARG;
	if ((rc = store_prepare(db, &st, "INSERT INTO certificates"
	    " (serial, account_id, subject, not_before, not_after, status,"
	    " revoked_at, reason, sm3_fp, der, issued_at) VALUES"
	    " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", "titiit",
	    c->serial, c->account_id, c->subject, c->not_before,
	    c->not_after, c->status == SVC_CERT_VALID ? "V" : "R")) != 0)
		return rc;
	if (c->status == SVC_CERT_REVOKED) {
		if ((rc = svc_stmt_bind_int64(st, 7, c->revoked_at)) == 0)
			rc = svc_stmt_bind_int64(st, 8, c->reason);
	} else if ((rc = svc_stmt_bind_null(st, 7)) == 0)
		rc = svc_stmt_bind_null(st, 8);
	if (rc == 0 && (rc = svc_stmt_bind_text(st, 9, c->sm3_fp)) == 0 &&
	    (rc = svc_stmt_bind_blob(st, 10, c->der, c->der_len)) == 0 &&
	    (rc = svc_stmt_bind_int64(st, 11, c->issued_at)) == 0 &&
	    (rc = svc_stmt_step(st)) == SVC_DONE)
		rc = 0;
	else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	return rc;
}

/* Fills c from a CERT_SELECT row; the DER only when with_der. */
static int
cert_row(svc_stmt *st, int with_der, struct svc_cert *c)
{
	const char *status;
	const void *der;
	size_t len;
	int64_t reason;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = store_col_text(st, 0, c->serial, sizeof(c->serial))) != 0 ||
	    (rc = store_col_text(st, 2, c->username, sizeof(c->username))) !=
	    0 || (rc = store_col_text(st, 3, c->subject, sizeof(c->subject))) !=
	    0 || (rc = store_col_text(st, 9, c->sm3_fp, sizeof(c->sm3_fp))) !=
	    0)
		return rc;
	c->account_id = svc_stmt_int64(st, 1);
	c->not_before = svc_stmt_int64(st, 4);
	c->not_after = svc_stmt_int64(st, 5);
	c->issued_at = svc_stmt_int64(st, 10);
	if ((status = svc_stmt_text(st, 6)) == NULL)
		return SVC_ERR_DB;
	if (strcmp(status, "V") == 0) {
		c->status = SVC_CERT_VALID;
		c->reason = -1;
	} else if (strcmp(status, "R") == 0) {
		c->status = SVC_CERT_REVOKED;
		c->revoked_at = svc_stmt_int64(st, 7);
		reason = svc_stmt_int64(st, 8);
		if (svc_stmt_is_null(st, 8) || reason < 0 || reason > 10)
			return SVC_ERR_DB;
		c->reason = (int)reason;
	} else
		return SVC_ERR_DB;
	if (with_der) {
		der = svc_stmt_blob(st, 11, &len);
		if (der == NULL || len == 0 || len > GMPKI_MAX_CERT_SIZE)
			return SVC_ERR_DB;
		if ((c->der = malloc(len)) == NULL)
			return GMPKI_ERR_NOMEM;
		memcpy(c->der, der, len);
		c->der_len = len;
	}
	return 0;
}

int
svc_cert_find(svc_db *db, const char *serial, int with_der,
    struct svc_cert *c)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || serial == NULL || c == NULL)
		return GMPKI_ERR_ARG;
	memset(c, 0, sizeof(*c));
	if (strlen(serial) >= sizeof(c->serial))
		return GMPKI_ERR_NOT_FOUND;
	if ((rc = store_prepare(db, &st, CERT_SELECT " WHERE c.serial = $1",
	    "t", serial)) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW)
		rc = cert_row(st, with_der, c);
	else if (rc == SVC_DONE)
		rc = GMPKI_ERR_NOT_FOUND;
	else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0)
		svc_cert_clear(c);
	return rc;
}

/* Calls fn for each row of a prepared CERT_SELECT; fn's non-0 stops. */
static int
cert_each(svc_stmt *st, int (*fn)(void *, const struct svc_cert *),
    void *arg)
{
	struct svc_cert c;
	int rc;

	while ((rc = svc_stmt_step(st)) == SVC_ROW) {
		if ((rc = cert_row(st, 0, &c)) != 0)
			break;
		if ((rc = fn(arg, &c)) != 0)
			break;
	}
	if (rc == SVC_DONE)
		rc = 0;
	svc_stmt_free(st);
	return rc;
}

int
svc_cert_list_account(svc_db *db, int64_t account_id,
    int (*fn)(void *arg, const struct svc_cert *c), void *arg)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || fn == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = store_prepare(db, &st, CERT_SELECT " WHERE c.account_id = $1"
	    " ORDER BY c.issued_at DESC, c.serial DESC", "i",
	    account_id)) != 0)
		return rc;
	return cert_each(st, fn, arg);
}

int
svc_cert_list_all(svc_db *db, int limit,
    int (*fn)(void *arg, const struct svc_cert *c), void *arg)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || fn == NULL || limit < 0)
		return GMPKI_ERR_ARG;
	if (limit == 0)
		rc = store_prepare(db, &st, CERT_SELECT
		    " ORDER BY c.issued_at DESC, c.serial DESC", "");
	else
		rc = store_prepare(db, &st, CERT_SELECT
		    " ORDER BY c.issued_at DESC, c.serial DESC LIMIT $1", "i",
		    (int64_t)limit);
	if (rc != 0)
		return rc;
	return cert_each(st, fn, arg);
}

int
svc_cert_list_revoked(svc_db *db, int64_t since,
    int (*fn)(void *arg, const struct svc_cert *c), void *arg)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || fn == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = store_prepare(db, &st, CERT_SELECT " WHERE c.status = 'R'"
	    " AND c.not_after > $1 ORDER BY c.revoked_at, c.serial", "i",
	    since)) != 0)
		return rc;
	return cert_each(st, fn, arg);
}

/*
 * One conditional UPDATE marks the certificate revoked, so of two racing
 * revocations exactly one changes the row; the other learns why not.
 */
int
svc_cert_revoke(svc_db *db, const char *serial, int64_t at, int reason)
{
	struct svc_cert c;
	int64_t n = 0;
	int rc;

	if (db == NULL || serial == NULL || !cert_reason_ok(reason))
		return GMPKI_ERR_ARG;
	if ((rc = store_run(db, &n, "UPDATE certificates SET status = 'R',"
	    " revoked_at = $2, reason = $3 WHERE serial = $1 AND status = 'V'",
	    "tii", serial, at, (int64_t)reason)) != 0)
		return rc;
	if (n == 1)
		return 0;
	if ((rc = svc_cert_find(db, serial, 0, &c)) != 0)
		return rc;
	rc = c.status == SVC_CERT_REVOKED ? GMPKI_ERR_ALREADY_REVOKED :
	    SVC_ERR_DB;
	svc_cert_clear(&c);
	return rc;
}
