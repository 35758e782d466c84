/*
 * pages_certs.c - the logged-in account's certificates, for the 申请证书
 * and 废除证书 pages (pages_apply.c, pages_revoke.c): the table of them,
 * the lookup of one of them by serial, and the page that hands a ticket
 * or a revocation to the certificate helper.
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

int
pages_revocable(const struct svc_cert *c, int64_t now)
{
	return c->status == SVC_CERT_VALID && c->not_after > now;
}

struct rows {
	struct svc_buf *b;
	const struct svc_req *r;
	int revoke;		/* 废除证书: the subject and a button too */
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
	if (x->revoke) {
		svc_buf_html(x->b, c->subject);
		svc_buf_str(x->b, "</td><td>");
	}
	svc_buf_html(x->b, nb);
	svc_buf_str(x->b, " – ");
	svc_buf_html(x->b, na);
	svc_buf_str(x->b, x->revoke ? "</td><td class=\"status\">" :
	    "</td><td>");
	svc_buf_html(x->b, pages_t(x->r, pages_cert_status_key(c,
	    x->r->now)));
	if (x->revoke) {
		svc_buf_str(x->b, "</td><td>");
		/* A link to the confirmation page; revoke.js turns the click
		 * into the dialog. */
		if (pages_revocable(c, x->r->now)) {
			svc_buf_str(x->b, "<a class=\"button danger revoke\" "
			    "href=\"/revoke/confirm?serial=");
			svc_buf_url(x->b, c->serial);
			svc_buf_str(x->b, "\" data-serial=\"");
			svc_buf_html(x->b, c->serial);
			svc_buf_str(x->b, "\">");
			svc_buf_html(x->b, pages_t(x->r, "revoke.button"));
			svc_buf_str(x->b, "</a>");
		}
	}
	svc_buf_str(x->b, "</td></tr>\n");
	x->n++;
	return 0;
}

int
pages_cert_list(struct svc_req *r, struct svc_resp *w, struct pages_ctx *c,
    int revoke, const char *tmpl, const char *rows_key, struct svc_var *v,
    size_t n)
{
	struct svc_buf b;
	struct rows x;
	int rc;

	svc_buf_init(&b, 1u << 20);
	x.b = &b;
	x.r = r;
	x.revoke = revoke;
	x.n = 0;
	if ((rc = svc_cert_list_account(r->db, c->a.id, cert_row, &x)) < 0) {
		svc_buf_free(&b);
		gmpki_wipe(c, sizeof(*c));
		return svc_resp_error_page(w, r, 503, rc);
	}
	v[n].key = "username";
	v[n++].value = c->a.username;
	v[n].key = "uscc";
	v[n++].value = c->a.uscc;
	v[n].key = "org";
	v[n++].value = c->a.org;
	v[n].key = rows_key;
	v[n++].value = b.data != NULL ? b.data : "";
	v[n].key = "certs_hidden";
	v[n++].value = x.n > 0 ? "" : "hidden";
	v[n].key = "nocerts_hidden";
	v[n++].value = x.n > 0 ? "hidden" : "";
	v[n].key = "csrf";
	v[n++].value = c->s.csrf;
	rc = svc_render(w, r, 200, tmpl, v, n);
	svc_buf_free(&b);
	gmpki_wipe(c, sizeof(*c));
	return rc;
}

int
pages_own_cert(struct svc_req *r, struct svc_resp *w,
    const struct pages_ctx *c, const char *in, char serial[41],
    struct svc_cert *cert)
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

int
pages_handoff(struct svc_req *r, struct svc_resp *w, const char *tmpl,
    const char *title_key, const char *helper_path, const char *ret_path,
    const char *key, const char *value)
{
	struct svc_var v[8];
	char helper[64], action[96];
	char ret[sizeof(r->app->cfg.public_url) + 64];
	size_t n = 0;

	pages_helper_url(r, helper, sizeof(helper));
	snprintf(action, sizeof(action), "%s%s", helper, helper_path);
	snprintf(ret, sizeof(ret), "%s%s", r->app->cfg.public_url, ret_path);
	v[n].key = "title";
	v[n++].value = pages_t(r, title_key);
	v[n].key = key;
	v[n++].value = value;
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
	return svc_render(w, r, 200, tmpl, v, n);
}
