/*
 * pages_revoke.c - 废除证书 (seed FAQ 8-9): the account's certificates with
 * a 废除 button each, the confirmation (a <dialog> opened by revoke.js;
 * without script the GET /revoke/confirm page), POST /revoke/do, and the
 * success page that tells the helper on this computer to delete its key
 * (docs/HELPER-PROTOCOL.md §3).
 */
#include "pages.h"

#include <stdio.h>
#include <string.h>

#include "gmpki/crl.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "page.h"
#include "service.h"
#include "svc_error.h"

/* GET /revoke/list */
int
svc_page_revoke_list(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	struct svc_var v[8];

	if (!pages_session(r, w, PAGES_REVOKE, &c))
		return 0;
	v[0].key = "title";
	v[0].value = pages_t(r, "nav.revoke");
	return pages_cert_list(r, w, &c, 1, "revoke_list.html", "rows", v, 1);
}

/* GET /revoke/confirm?serial=HEX: the confirmation without script. */
int
svc_page_revoke_confirm(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	struct svc_cert cert;
	struct svc_var v[6];
	char serial[41], na[32];
	size_t n = 0;
	int rc;

	if (!pages_session(r, w, PAGES_REVOKE, &c))
		return 0;
	if (!pages_own_cert(r, w, &c, svc_req_query(r, "serial"), serial,
	    &cert)) {
		gmpki_wipe(&c, sizeof(c));
		return 0;
	}
	if (!pages_revocable(&cert, r->now)) {
		svc_cert_clear(&cert);
		gmpki_wipe(&c, sizeof(c));
		return svc_resp_error_page(w, r, 409,
		    GMPKI_ERR_ALREADY_REVOKED);
	}
	pages_time(cert.not_after, na);
	v[n].key = "title";
	v[n++].value = pages_t(r, "revoke.confirm_heading");
	v[n].key = "serial";
	v[n++].value = cert.serial;
	v[n].key = "subject";
	v[n++].value = cert.subject;
	v[n].key = "not_after";
	v[n++].value = na;
	v[n].key = "csrf";
	v[n++].value = c.s.csrf;
	rc = svc_render(w, r, 200, "revoke_confirm.html", v, n);
	svc_cert_clear(&cert);
	gmpki_wipe(&c, sizeof(c));
	return rc;
}

/*
 * POST /revoke/do: serial + the session's CSRF token.  svc_revoke checks
 * again, in its transaction, that the certificate is this account's.
 */
int
svc_page_revoke_do(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	struct svc_cert cert;
	char serial[41], ret[64];
	int rc;

	if (!pages_session_post(r, w, PAGES_REVOKE, &c))
		return 0;
	if (!pages_own_cert(r, w, &c, svc_req_form(r, "serial"), serial,
	    &cert)) {
		gmpki_wipe(&c, sizeof(c));
		return 0;
	}
	svc_cert_clear(&cert);
	rc = svc_revoke(r->app, r->db, serial,
	    GMPKI_REASON_CESSATION_OF_OPERATION, c.a.id, c.a.username,
	    r->remote_addr, r->now);
	gmpki_wipe(&c, sizeof(c));
	if (rc == GMPKI_ERR_NOT_FOUND || rc == SVC_ERR_NOT_FOUND)
		return svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
	if (rc == GMPKI_ERR_ALREADY_REVOKED)
		return svc_resp_error_page(w, r, 409, rc);
	if (rc != 0)
		return svc_resp_error_page(w, r, 503, rc);

	snprintf(ret, sizeof(ret), "/revoke/done?serial=%s", serial);
	return pages_handoff(r, w, "revoked.html", "revoke.done_heading",
	    "/v1/revoked", ret, "serial", serial);
}

/*
 * GET /revoke/done?serial=HEX: where the helper returns after deleting
 * its key.  It shows only what 证书状态查询 shows anyone, so it needs no
 * session (the helper's origin may be another site: see apply_done).
 */
int
svc_page_revoke_done(struct svc_req *r, struct svc_resp *w)
{
	struct svc_cert cert;
	struct svc_var v[4];
	const char *q = svc_req_query(r, "serial");
	char serial[41];
	int rc;

	memset(&cert, 0, sizeof(cert));
	if (q == NULL || pages_serial_norm(q, serial) != 0 ||
	    svc_cert_find(r->db, serial, 0, &cert) != 0) {
		svc_cert_clear(&cert);
		return svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
	}
	v[0].key = "title";
	v[0].value = pages_t(r, "revoke.done_heading");
	v[1].key = "serial";
	v[1].value = cert.serial;
	v[2].key = "status";
	v[2].value = pages_t(r, pages_cert_status_key(&cert, r->now));
	rc = svc_render(w, r, 200, "revoke_done.html", v, 3);
	svc_cert_clear(&cert);
	return rc;
}
