/*
 * pages_status.c - 证书状态查询: a serial number in, 正常 / 已废除 (when
 * and why) / 已过期 / 未知 out.  Public, like OCSP and the CRL; the form
 * still carries the pre-session CSRF token every form has.
 */
#include "pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gmpki/crl.h"
#include "gmpki/error.h"
#include "page.h"
#include "svc_error.h"

int
pages_serial_norm(const char *in, char out[41])
{
	size_t i, n;
	char ch;

	out[0] = '\0';
	if (in == NULL)
		return GMPKI_ERR_ARG;
	/* Accept what people copy: surrounding blanks, a 0x prefix, and
	 * colon-separated bytes as openssl prints them. */
	while (*in == ' ')
		in++;
	if (in[0] == '0' && (in[1] == 'x' || in[1] == 'X'))
		in += 2;
	for (n = 0, i = 0; in[i] != '\0'; i++) {
		ch = in[i];
		if (ch == ':')
			continue;
		if (ch == ' ') {
			while (in[i] == ' ')
				i++;
			if (in[i] != '\0')
				return GMPKI_ERR_ARG;
			break;
		}
		if (ch >= 'a' && ch <= 'f')
			ch = (char)(ch - 'a' + 'A');
		else if (!((ch >= '0' && ch <= '9') ||
		    (ch >= 'A' && ch <= 'F')))
			return GMPKI_ERR_ARG;
		if (n == 0 && ch == '0')
			continue;       /* leading zeros */
		if (n >= 40)
			return GMPKI_ERR_ARG;
		out[n++] = ch;
	}
	if (n == 0)
		return GMPKI_ERR_ARG;   /* empty, or zero: no such serial */
	out[n] = '\0';
	return 0;
}

void
pages_time(int64_t t, char out[32])
{
	struct tm tm;
	time_t bj = (time_t)(t + 8 * 3600);     /* 北京时间, UTC+8 */

	if (gmtime_r(&bj, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

const char *
pages_cert_status_key(const struct svc_cert *c, int64_t now)
{
	if (c->status == SVC_CERT_REVOKED)
		return "status.revoked";
	if (c->not_after <= now)
		return "status.expired";
	if (c->not_before > now)
		return "status.not_yet";
	return "status.good";
}

static const char *
reason_en(int reason)
{
	switch (reason) {
	case GMPKI_REASON_UNSPECIFIED:
		return "unspecified";
	case GMPKI_REASON_KEY_COMPROMISE:
		return "key compromise";
	case GMPKI_REASON_CA_COMPROMISE:
		return "CA compromise";
	case GMPKI_REASON_AFFILIATION_CHANGED:
		return "affiliation changed";
	case GMPKI_REASON_SUPERSEDED:
		return "superseded";
	case GMPKI_REASON_CESSATION_OF_OPERATION:
		return "cessation of operation";
	case GMPKI_REASON_CERTIFICATE_HOLD:
		return "certificate hold";
	case GMPKI_REASON_PRIVILEGE_WITHDRAWN:
		return "privilege withdrawn";
	default:
		return "other";
	}
}

static int
status_render(struct svc_req *r, struct svc_resp *w, int status,
    const char *serial_in, const char *result, const char *detail,
    const char *klass)
{
	char csrf[SVC_TOKEN_LEN + 1];
	struct svc_var v[8];
	size_t n = 0;
	int rc;

	if ((rc = pages_precsrf_get(r, w, csrf)) != 0)
		return svc_resp_error_page(w, r, 500, rc);
	v[n].key = "title";
	v[n++].value = pages_t(r, "nav.status");
	v[n].key = "csrf";
	v[n++].value = csrf;
	v[n].key = "serial";
	v[n++].value = serial_in != NULL ? serial_in : "";
	v[n].key = "result";
	v[n++].value = result != NULL ? result : "";
	v[n].key = "detail";
	v[n++].value = detail != NULL ? detail : "";
	v[n].key = "result_class";
	v[n++].value = klass != NULL ? klass : "";
	v[n].key = "result_hidden";
	v[n++].value = result != NULL ? "" : "hidden";
	return svc_render(w, r, status, "status.html", v, n);
}

/* GET /status */
int
svc_page_status_form(struct svc_req *r, struct svc_resp *w)
{
	return status_render(r, w, 200, NULL, NULL, NULL, NULL);
}

/* POST /status: serial, csrf */
int
svc_page_status(struct svc_req *r, struct svc_resp *w)
{
	const char *in = svc_req_form(r, "serial");
	struct svc_cert c;
	char serial[41], at[32], detail[160];
	const char *key;
	int rc;

	if (!pages_precsrf_ok(r))
		return pages_csrf_refuse(r, w);
	if (in == NULL || strlen(in) > 200 ||
	    pages_serial_norm(in, serial) != 0)
		return status_render(r, w, 400, in != NULL && strlen(in) <= 200 ?
		    in : "", pages_t(r, "status.bad_serial"), NULL, "alert");
	memset(&c, 0, sizeof(c));
	rc = svc_cert_find(r->db, serial, 0, &c);
	if (rc == GMPKI_ERR_NOT_FOUND || rc == SVC_ERR_NOT_FOUND) {
		svc_cert_clear(&c);
		return status_render(r, w, 200, serial,
		    pages_t(r, "status.unknown"), pages_t(r,
		    "status.unknown_detail"), "unknown");
	}
	if (rc != 0) {
		svc_cert_clear(&c);
		return svc_resp_error_page(w, r, 503, rc);
	}
	key = pages_cert_status_key(&c, r->now);
	detail[0] = '\0';
	if (c.status == SVC_CERT_REVOKED) {
		pages_time(c.revoked_at, at);
		snprintf(detail, sizeof(detail), "%s %s; %s %s",
		    pages_t(r, "status.revoked_at"), at,
		    pages_t(r, "status.reason"), pages_en(r) ?
		    reason_en(c.reason) : gmpki_reason_label_zh(c.reason));
	} else {
		pages_time(c.not_after, at);
		snprintf(detail, sizeof(detail), "%s %s",
		    pages_t(r, "status.valid_until"), at);
	}
	svc_cert_clear(&c);
	return status_render(r, w, 200, serial, pages_t(r, key), detail,
	    strcmp(key, "status.good") == 0 ? "good" : "bad");
}
