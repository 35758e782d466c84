/*
 * enroll.c - svc_enroll: a ticket and a CSR become a certificate
 * (docs/HELPER-PROTOCOL.md §2, docs/ARCHITECTURE.md "Data flow").
 *
 * Order, so that bad input changes nothing:
 *   1. the CSR is parsed and checked (SM2 key, SM2-with-SM3 signature with
 *      the default ID) before the database is touched: a bad CSR leaves
 *      the ticket usable;
 *   2. one transaction: consume the ticket, read the account, revoke the
 *      previous certificates for a "reapply" ticket, issue through the
 *      signer with the subject from the account, store the certificate,
 *      write the audit rows (svc_audit_append_tx).  Any failure rolls all
 *      of it back, and a certificate the signer made is then dropped,
 *      never handed out;
 *   3. after the commit, a new CRL when something was revoked.
 */
#include "service.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "buf.h"
#include "gmpki/gmpki.h"
#include "serial.h"
#include "svc_error.h"

#define ENROLL_MAX_PREVIOUS 256

void
svc_enroll_result_clear(struct svc_enroll_result *r)
{
	if (r == NULL)
		return;
	free(r->cert_pem);
	free(r->chain_pem);
	memset(r, 0, sizeof(*r));
}

/* The chain as PEM, issuing CA first. */
static int
chain_pem(STACK_OF(X509) *chain, char **out)
{
	struct svc_buf b;
	char *pem;
	size_t len;
	int i, rc;

	*out = NULL;
	svc_buf_init(&b, GMPKI_MAX_CHAIN_SIZE);
	for (i = 0; i < sk_X509_num(chain); i++) {
		if ((rc = gmpki_cert_to_pem(sk_X509_value(chain, i), &pem,
		    &len)) != 0) {
			svc_buf_free(&b);
			return rc;
		}
		svc_buf_add(&b, pem, len);
		free(pem);
	}
	if (!svc_buf_ok(&b) || b.len == 0) {
		svc_buf_free(&b);
		return GMPKI_ERR_INTERNAL;
	}
	*out = svc_buf_take(&b, &len);
	return *out != NULL ? 0 : GMPKI_ERR_NOMEM;
}

struct previous {
	char serial[ENROLL_MAX_PREVIOUS][41];
	int n;
	int overflow;
};

static int
collect_valid(void *arg, const struct svc_cert *c)
{
	struct previous *p = arg;

	if (c->status != SVC_CERT_VALID)
		return 0;
	if (p->n >= ENROLL_MAX_PREVIOUS) {
		p->overflow = 1;
		return 1;
	}
	memcpy(p->serial[p->n++], c->serial, sizeof(c->serial));
	return 0;
}

/* Revokes the account's valid certificates (superseded); their serials
 * stay in *p for the audit rows. */
static int
revoke_previous(svc_db *db, const struct svc_account *a, time_t now,
    struct previous *p)
{
	int i, rc;

	rc = svc_cert_list_account(db, a->id, collect_valid, p);
	if (rc == 1 && p->overflow)
		rc = GMPKI_ERR_TOO_LARGE;
	for (i = 0; rc == 0 && i < p->n; i++)
		rc = svc_cert_revoke(db, p->serial[i], now,
		    GMPKI_REASON_SUPERSEDED);
	return rc;
}

/* The record of a new certificate, from the certificate itself. */
static int
cert_record(X509 *x, const struct svc_account *a, time_t now,
    struct svc_cert *c, struct gmpki_cert_info *info)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = gmpki_cert_info_get(x, info)) != 0)
		return rc;
	if (strlen(info->subject) >= sizeof(c->subject) ||
	    svc_serial_key(X509_get0_serialNumber(x), c->serial) != 0)
		return GMPKI_ERR_INTERNAL;
	memcpy(c->subject, info->subject, strlen(info->subject) + 1);
	memcpy(c->sm3_fp, info->sm3_fp, sizeof(c->sm3_fp));
	c->account_id = a->id;
	c->not_before = info->not_before;
	c->not_after = info->not_after;
	c->status = SVC_CERT_VALID;
	c->reason = -1;
	c->issued_at = now;
	return gmpki_cert_to_der(x, &c->der, &c->der_len);
}

int
svc_enroll(struct svc_app *app, svc_db *db, const char *ticket,
    const char *csr_pem, size_t csr_len, const char *addr, time_t now,
    struct svc_enroll_result *out)
{
	struct gmpki_cert_info info;
	struct previous *prev = NULL;
	struct svc_account a;
	struct svc_cert c;
	X509_REQ *req = NULL;
	X509 *x = NULL;
	char purpose[16], detail[96];
	int64_t account_id = 0;
	size_t len;
	int i, rc, in_tx = 0;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (app == NULL || db == NULL || ticket == NULL || csr_pem == NULL ||
	    out == NULL)
		return GMPKI_ERR_ARG;
	if (addr == NULL)
		addr = "";

	/* 1. The CSR: only its key is used; its subject is ignored. */
	if (csr_len == 0)
		return GMPKI_ERR_DECODE;
	if ((rc = gmpki_csr_parse_verify((const unsigned char *)csr_pem,
	    csr_len, NULL, &req)) != 0)
		return rc;

	/* 2. One transaction. */
	if ((prev = calloc(1, sizeof(*prev))) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	if ((rc = svc_db_begin(db)) != 0)
		goto out;
	in_tx = 1;
	if ((rc = svc_ticket_consume(db, ticket, now, &account_id,
	    purpose)) != 0)
		goto out;
	if ((rc = svc_account_get(db, account_id, &a)) != 0) {
		/* The ticket's account is gone: the ticket is no good. */
		if (rc == SVC_ERR_ACCOUNT_NOT_FOUND ||
		    rc == GMPKI_ERR_NOT_FOUND)
			rc = SVC_ERR_TICKET_INVALID;
		goto out;
	}
	if (a.state != SVC_ACCOUNT_ACTIVE) {
		rc = SVC_ERR_ACCOUNT_DISABLED;
		goto out;
	}
	if (strcmp(purpose, "reapply") == 0 &&
	    (rc = revoke_previous(db, &a, now, prev)) != 0)
		goto out;
	if ((rc = svc_signer_issue_ee(app->signer, X509_REQ_get0_pubkey(req),
	    a.username, a.uscc, a.org, &x)) != 0)
		goto out;
	if ((rc = cert_record(x, &a, now, &c, &info)) != 0 ||
	    (rc = svc_cert_add(db, &c)) != 0)
		goto out;
	if ((rc = gmpki_cert_to_pem(x, &out->cert_pem, &len)) != 0 ||
	    (rc = chain_pem(app->chain, &out->chain_pem)) != 0)
		goto out;
	/* 3. The audit rows, in the same transaction as what they record. */
	for (i = 0; i < prev->n; i++)
		if ((rc = svc_audit_append_tx(db, now, a.username, "revoke",
		    prev->serial[i], "superseded (reapply)", addr)) != 0)
			goto out;
	snprintf(detail, sizeof(detail), "%s; sm3 %.16s", purpose, c.sm3_fp);
	if ((rc = svc_audit_append_tx(db, now, a.username, "issue", c.serial,
	    detail, addr)) != 0)
		goto out;
	if ((rc = svc_db_commit(db)) != 0)
		goto out;
	in_tx = 0;
	memcpy(out->serial, c.serial, sizeof(out->serial));
	out->not_before = (time_t)c.not_before;
	out->not_after = (time_t)c.not_after;

	/* 4. The certificate is issued whatever happens to the CRL; the
	 * housekeeping thread retries at its next round. */
	if (prev->n > 0)
		(void)svc_crl_refresh(app, db, now);
out:
	if (in_tx)
		svc_db_rollback(db);
	if (rc != 0)
		svc_enroll_result_clear(out);
	free(prev);
	svc_cert_clear(&c);
	X509_free(x);
	X509_REQ_free(req);
	return rc;
}
