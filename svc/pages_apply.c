/*
 * pages_apply.c - 申请证书 / 下载证书 / 重新申请证书 after login (seed §4.2):
 * the certificate page with 企业代码 and 企业名称 and the 下载证书 button,
 * the hand-off of a single-use ticket to the certificate helper
 * (docs/HELPER-PROTOCOL.md §2), and the page the helper returns to with
 * the certificate's basic information.
 */
#include "pages.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "page.h"
#include "svc_error.h"

void
pages_helper_url(const struct svc_req *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "http://127.0.0.1:%d", r->app->cfg.helper_port);
}

struct rows {
	struct svc_buf *b;
	const struct svc_req *r;
	int n;
};

static int
cert_row(void *arg, const struct svc_cert *c)
{
	struct rows *x = arg;
	char nb[32], na[32];

	pages_time(c->not_before, nb);
	pages_time(c->not_after, na);
	svc_buf_str(x->b, "<tr><td class=\"serial\">");
	svc_buf_html(x->b, c->serial);
	svc_buf_str(x->b, "</td><td>");
	svc_buf_html(x->b, nb);
	svc_buf_str(x->b, " – ");
	svc_buf_html(x->b, na);
	svc_buf_str(x->b, "</td><td>");
	svc_buf_html(x->b, pages_t(x->r, pages_cert_status_key(c,
	    x->r->now)));
	svc_buf_str(x->b, "</td></tr>\n");
	x->n++;
	return 0;
}

/* GET /apply/cert */
int
svc_page_apply_cert(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	struct svc_buf b;
	struct rows x;
	struct svc_var v[12];
	char helper[64];
	const char *heading;
	size_t n = 0;
	int rc, reapply;

	if (!pages_session(r, w, PAGES_APPLY | PAGES_REAPPLY, &c))
		return 0;
	reapply = strcmp(c.s.purpose, "reapply") == 0;
	heading = pages_t(r, reapply ? "nav.reapply" : "nav.apply");
	svc_buf_init(&b, 1u << 20);
	x.b = &b;
	x.r = r;
	x.n = 0;
	if ((rc = svc_cert_list_account(r->db, c.a.id, cert_row, &x)) < 0) {
		svc_buf_free(&b);
		return svc_resp_error_page(w, r, 503, rc);
	}
	pages_helper_url(r, helper, sizeof(helper));

	v[n].key = "title";
	v[n++].value = heading;
	v[n].key = "heading";
	v[n++].value = heading;
	v[n].key = "username";
	v[n++].value = c.a.username;
	v[n].key = "uscc";
	v[n++].value = c.a.uscc;
	v[n].key = "org";
	v[n++].value = c.a.org;
	v[n].key = "certs";
	v[n++].value = b.data != NULL ? b.data : "";
	v[n].key = "certs_hidden";
	v[n++].value = x.n > 0 ? "" : "hidden";
	v[n].key = "nocerts_hidden";
	v[n++].value = x.n > 0 ? "hidden" : "";
	v[n].key = "reapply_hidden";
	v[n++].value = reapply ? "" : "hidden";
	v[n].key = "csrf";
	v[n++].value = c.s.csrf;
	v[n].key = "helper";
	v[n++].value = helper;
	rc = svc_render(w, r, 200, "cert.html", v, n);
	svc_buf_free(&b);
	gmpki_wipe(&c, sizeof(c));
	return rc;
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
	struct svc_var v[8];
	char ticket[SVC_TOKEN_LEN + 1], helper[64], action[96];
	char ret[sizeof(r->app->cfg.public_url) + 16];
	size_t n = 0;
	int rc;

	if (!pages_session(r, w, PAGES_APPLY | PAGES_REAPPLY, &c))
		return 0;
	if (!pages_csrf_ok(r, &c.s)) {
		gmpki_wipe(&c, sizeof(c));
		return pages_csrf_refuse(r, w);
	}
	if ((rc = svc_ticket_create(r->db, c.a.id, c.s.purpose, r->now,
	    r->app->cfg.ticket_ttl, ticket)) != 0) {
		gmpki_wipe(&c, sizeof(c));
		return svc_resp_error_page(w, r, 503, rc);
	}
	(void)svc_audit_append(r->db, r->now, c.a.username, "ticket",
	    c.a.username, c.s.purpose, r->remote_addr);
	pages_helper_url(r, helper, sizeof(helper));
	snprintf(action, sizeof(action), "%s/v1/enroll", helper);
	snprintf(ret, sizeof(ret), "%s/apply/done", r->app->cfg.public_url);

	v[n].key = "title";
	v[n++].value = pages_t(r, "nav.download");
	v[n].key = "helper";
	v[n++].value = helper;
	v[n].key = "action";
	v[n++].value = action;
	v[n].key = "ticket";
	v[n++].value = ticket;
	v[n].key = "service";
	v[n++].value = r->app->cfg.public_url;
	v[n].key = "return";
	v[n++].value = ret;
	/*
	 * This page posts to the helper on another origin.  Under
	 * no-referrer Chromium sends "Origin: null", which the helper must
	 * refuse (any sandboxed page can send it); strict-origin sends our
	 * origin and never a path (docs/HELPER-HTTP.md).
	 */
	if (svc_resp_header(w, "Referrer-Policy", "strict-origin") != 0)
		rc = GMPKI_ERR_NOMEM;
	else
		rc = svc_render(w, r, 200, "handoff.html", v, n);
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
	memset(&cert, 0, sizeof(cert));
	if ((rc = svc_cert_find(r->db, serial, 0, &cert)) != 0 ||
	    cert.account_id != c.a.id) {
		svc_cert_clear(&cert);
		gmpki_wipe(&c, sizeof(c));
		if (rc != 0 && rc != GMPKI_ERR_NOT_FOUND &&
		    rc != SVC_ERR_NOT_FOUND)
			return svc_resp_error_page(w, r, 503, rc);
		return svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
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
