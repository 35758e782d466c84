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

#include "app.h"
#include "gmpki/crl.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "page.h"
#include "service.h"
#include "svc_error.h"

struct rows {
	struct svc_buf *b;
	const struct svc_req *r;
	int n;
};

static int
revocable(const struct svc_cert *c, int64_t now)
{
	return c->status == SVC_CERT_VALID && c->not_after > now;
}

static int
revoke_row(void *arg, const struct svc_cert *c)
{
	struct rows *x = arg;
	char nb[32], na[32];

	pages_time(c->not_before, nb);
	pages_time(c->not_after, na);
	svc_buf_str(x->b, "<tr><td class=\"serial\">");
	svc_buf_html(x->b, c->serial);
	svc_buf_str(x->b, "</td><td>");
	svc_buf_html(x->b, c->subject);
	svc_buf_str(x->b, "</td><td>");
	svc_buf_html(x->b, nb);
	svc_buf_str(x->b, " – ");
	svc_buf_html(x->b, na);
	svc_buf_str(x->b, "</td><td class=\"status\">");
	svc_buf_html(x->b, pages_t(x->r, pages_cert_status_key(c,
	    x->r->now)));
	svc_buf_str(x->b, "</td><td>");
	if (revocable(c, x->r->now)) {
		/* A link to the confirmation page; revoke.js turns the click
		 * into the dialog. */
		svc_buf_str(x->b, "<a class=\"button danger revoke\" "
		    "href=\"/revoke/confirm?serial=");
		svc_buf_url(x->b, c->serial);
		svc_buf_str(x->b, "\" data-serial=\"");
		svc_buf_html(x->b, c->serial);
		svc_buf_str(x->b, "\">");
		svc_buf_html(x->b, pages_t(x->r, "revoke.button"));
		svc_buf_str(x->b, "</a>");
	}
	svc_buf_str(x->b, "</td></tr>\n");
	x->n++;
	return 0;
}

/* GET /revoke/list */
int
svc_page_revoke_list(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;
	struct svc_buf b;
	struct rows x;
	struct svc_var v[10];
	size_t n = 0;
	int rc;

	if (!pages_session(r, w, PAGES_REVOKE, &c))
		return 0;
	svc_buf_init(&b, 1u << 20);
	x.b = &b;
	x.r = r;
	x.n = 0;
	if ((rc = svc_cert_list_account(r->db, c.a.id, revoke_row, &x)) < 0) {
		svc_buf_free(&b);
		return svc_resp_error_page(w, r, 503, rc);
	}
	v[n].key = "title";
	v[n++].value = pages_t(r, "nav.revoke");
	v[n].key = "username";
	v[n++].value = c.a.username;
	v[n].key = "uscc";
	v[n++].value = c.a.uscc;
	v[n].key = "org";
	v[n++].value = c.a.org;
	v[n].key = "rows";
	v[n++].value = b.data != NULL ? b.data : "";
	v[n].key = "certs_hidden";
	v[n++].value = x.n > 0 ? "" : "hidden";
	v[n].key = "nocerts_hidden";
	v[n++].value = x.n > 0 ? "hidden" : "";
	v[n].key = "csrf";
	v[n++].value = c.s.csrf;
	rc = svc_render(w, r, 200, "revoke_list.html", v, n);
	svc_buf_free(&b);
	gmpki_wipe(&c, sizeof(c));
	return rc;
}

/* The account's certificate serial (normalised into serial), or a 404
 * page.  1 when found. */
static int
own_cert(struct svc_req *r, struct svc_resp *w, const struct pages_ctx *c,
    const char *in, char serial[41], struct svc_cert *cert)
{
	int rc;

	memset(cert, 0, sizeof(*cert));
	if (in == NULL || pages_serial_norm(in, serial) != 0) {
		svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
		return 0;
	}
	if ((rc = svc_cert_find(r->db, serial, 0, cert)) != 0 ||
	    cert->account_id != c->a.id) {
		svc_cert_clear(cert);
		if (rc != 0 && rc != GMPKI_ERR_NOT_FOUND &&
		    rc != SVC_ERR_NOT_FOUND)
			svc_resp_error_page(w, r, 503, rc);
		else
			svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
		return 0;
	}
	return 1;
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
	if (!own_cert(r, w, &c, svc_req_query(r, "serial"), serial, &cert)) {
		gmpki_wipe(&c, sizeof(c));
		return 0;
	}
	if (!revocable(&cert, r->now)) {
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
	struct svc_var v[8];
	char serial[41], helper[64], action[96];
	char ret[sizeof(r->app->cfg.public_url) + 64];
	size_t n = 0;
	int rc;

	if (!pages_session(r, w, PAGES_REVOKE, &c))
		return 0;
	if (!pages_csrf_ok(r, &c.s)) {
		gmpki_wipe(&c, sizeof(c));
		return pages_csrf_refuse(r, w);
	}
	if (!own_cert(r, w, &c, svc_req_form(r, "serial"), serial, &cert)) {
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

	pages_helper_url(r, helper, sizeof(helper));
	snprintf(action, sizeof(action), "%s/v1/revoked", helper);
	snprintf(ret, sizeof(ret), "%s/revoke/done?serial=%s",
	    r->app->cfg.public_url, serial);
	v[n].key = "title";
	v[n++].value = pages_t(r, "revoke.done_heading");
	v[n].key = "serial";
	v[n++].value = serial;
	v[n].key = "helper";
	v[n++].value = helper;
	v[n].key = "action";
	v[n++].value = action;
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
		return GMPKI_ERR_NOMEM;
	return svc_render(w, r, 200, "revoked.html", v, n);
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
