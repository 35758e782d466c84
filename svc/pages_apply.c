/*
 * pages_apply.c - 申请证书 / 下载证书 / 重新申请证书 after login (seed §4.2):
 * the certificate page with 企业代码 and 企业名称 and the 下载证书 button,
 * the hand-off of a single-use ticket to the certificate helper
 * (docs/HELPER-PROTOCOL.md §2), and the page the helper returns to with
 * the certificate's basic information.
 */
#include "pages.h"

#include <string.h>

#include "app.h"
#include "gmpki/crypto.h"
#include "page.h"
#include "svc_error.h"

/* GET /apply/cert */
int
svc_page_apply_cert(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	struct svc_var v[12];
	char helper[64];
	const char *heading;
	size_t n = 0;
	int reapply;

	if (!pages_session(r, w, PAGES_APPLY | PAGES_REAPPLY, &c))
		return 0;
	reapply = strcmp(c.s.purpose, "reapply") == 0;
	heading = pages_t(r, reapply ? "nav.reapply" : "nav.apply");
	pages_helper_url(r, helper, sizeof(helper));
	v[n].key = "title";
	v[n++].value = heading;
	v[n].key = "heading";
	v[n++].value = heading;
	v[n].key = "reapply_hidden";
	v[n++].value = reapply ? "" : "hidden";
	v[n].key = "helper";
	v[n++].value = helper;
	return pages_cert_list(r, w, &c, 0, "cert.html", "certs", v, n);
}

/*
 * POST /apply/ticket: a single-use ticket bound to the account and the
 * session's purpose (a "reapply" ticket makes the enroll API revoke the
 * account's previous certificates), and a page whose form carries it to
 * the helper.  helper.js submits the form when the helper answers its
 * ping; without script the 继续 button does.
 */
int
svc_page_apply_ticket(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	char ticket[SVC_TOKEN_LEN + 1];
	int rc;

	if (!pages_session_post(r, w, PAGES_APPLY | PAGES_REAPPLY, &c))
		return 0;
	if ((rc = svc_ticket_create(r->db, c.a.id, c.s.purpose, r->now,
	    r->app->cfg.ticket_ttl, ticket)) != 0) {
		gmpki_wipe(&c, sizeof(c));
		return svc_resp_error_page(w, r, 503, rc);
	}
	(void)svc_audit_append(r->db, r->now, c.a.username, "ticket",
	    c.a.username, c.s.purpose, r->remote_addr);
	rc = pages_handoff(r, w, "handoff.html", "nav.download", "/v1/enroll",
	    "/apply/done", "ticket", ticket);
	gmpki_wipe(ticket, sizeof(ticket));
	gmpki_wipe(&c, sizeof(c));
	return rc;
}

/*
 * GET /apply/done?serial=HEX: the certificate's basic information, for the
 * logged-in account's own certificates only (anything else is the same
 * 404 as an unknown serial).
 *
 * The helper's 确定 button brings the browser here from the helper's
 * origin.  Where that origin is another site, the browser does not send
 * the SameSite=Strict session cookie on that navigation; the page then
 * answers with a link to itself (followed by helper.js at once), a
 * same-site navigation that carries the cookie.  r=1 marks the second
 * visit, so a missing session cannot loop.
 */
int
svc_page_apply_done(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	struct svc_cert cert;
	struct svc_buf href;
	struct svc_var v[16];
	const char *q = svc_req_query(r, "serial"), *again;
	char serial[41], nb[32], na[32];
	size_t n = 0;
	int rc;

	if (q == NULL || pages_serial_norm(q, serial) != 0)
		return svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
	again = svc_req_query(r, "r");
	if (svc_req_cookie(r, "sid") == NULL &&
	    (again == NULL || strcmp(again, "1") != 0)) {
		svc_buf_init(&href, 256);
		svc_buf_str(&href, "/apply/done?serial=");
		svc_buf_url(&href, serial);
		svc_buf_str(&href, "&r=1");
		v[0].key = "title";
		v[0].value = pages_t(r, "done.heading");
		v[1].key = "href";
		v[1].value = href.data;
		rc = svc_render(w, r, 200, "done_wait.html", v, 2);
		svc_buf_free(&href);
		return rc;
	}
	if (!pages_session(r, w, PAGES_APPLY | PAGES_REAPPLY | PAGES_REVOKE,
	    &c))
		return 0;
	if (!pages_own_cert(r, w, &c, q, serial, &cert)) {
		gmpki_wipe(&c, sizeof(c));
		return 0;
	}
	pages_time(cert.not_before, nb);
	pages_time(cert.not_after, na);

	v[n].key = "title";
	v[n++].value = pages_t(r, "done.heading");
	v[n].key = "subject";
	v[n++].value = cert.subject;
	v[n].key = "uscc";
	v[n++].value = c.a.uscc;
	v[n].key = "org";
	v[n++].value = c.a.org;
	v[n].key = "username";
	v[n++].value = c.a.username;
	v[n].key = "serial";
	v[n++].value = cert.serial;
	v[n].key = "not_before";
	v[n++].value = nb;
	v[n].key = "not_after";
	v[n++].value = na;
	v[n].key = "fingerprint";
	v[n++].value = cert.sm3_fp;
	v[n].key = "status";
	v[n++].value = pages_t(r, pages_cert_status_key(&cert, r->now));
	v[n].key = "csrf";
	v[n++].value = c.s.csrf;
	rc = svc_render(w, r, 200, "done.html", v, n);
	svc_cert_clear(&cert);
	gmpki_wipe(&c, sizeof(c));
	return rc;
}
