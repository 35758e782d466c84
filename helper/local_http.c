/*
 * local_http.c - the helper's loopback HTTP server for the browser: the
 * protocol endpoints the service's pages use (docs/HELPER-PROTOCOL.md:
 * /v1/ping, /v1/enroll, /v1/revoked) and the console pages (证书管理,
 * 企业信息, 环境检查, 清除身份认证信息).  docs/HELPER-HTTP.md has the rules
 * and why; in short:
 *
 *   - it listens on 127.0.0.1:cfg.port only and accepts only the Hosts
 *     "127.0.0.1:PORT" and "localhost:PORT": a page on evil.example whose
 *     name was rebound to 127.0.0.1 still sends Host: evil.example, and is
 *     refused (421) by svc/http.c before any handler runs;
 *   - a POST to /v1/ needs Origin equal to the configured service's
 *     origin; /v1/ping gives Access-Control-Allow-Origin to that origin
 *     and to the registered reporting systems' origins of the service's
 *     signed directory (others: 403, and no CORS header);
 *   - the console needs the per-launch token (written 0600 by the daemon,
 *     printed by `certhelper console`), traded once for an HttpOnly
 *     SameSite=Strict session cookie; every console form carries the
 *     session's CSRF token and must come from the helper's own origin;
 *   - no endpoint returns a private key: the handlers call the ops of
 *     ops.c, which never hand one out.
 *
 * The HTTP layer is the service's (svc/http.c: routing, Host check,
 * bounded bodies, security headers); the pages are templates under
 * web/helper/, embedded like the service's, with the same three tags.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "certauth/certauth.h"
#include "gmpki/gmpki.h"
#include "helper.h"
#include "http.h"
#include "log.h"
#include "page.h"
#include "svc_error.h"

#define LH_THREADS 4
#define LH_FORM_MAX 8192          /* ticket, service, return: small */
#define LH_PAGE_LIMIT (1u << 20)
#define LH_SESSIONS 8
#define LH_SESSION_TTL (12 * 3600)
#define LH_COOKIE "certhelper_console"
#define LH_SECRET_LEN 43          /* 32 random bytes, base64url */
#define LH_MAX_VARS 24
#define LH_CONSENTS 32
#define LH_CONSENT_TTL 120     /* seconds: the window's token */

struct lh_session {
	char id[LH_SECRET_LEN + 1];
	char csrf[LH_SECRET_LEN + 1];
	time_t expires;
};

/* An open 客户身份验证 window: what it was opened for. */
struct lh_consent {
	char token[LH_SECRET_LEN + 1];
	char rp[64];
	char challenge[CERTAUTH_CHALLENGE_LEN + 1];
	char username[129];
	time_t expires;
};

struct lh_server {
	struct helper_ctx *h;
	struct svc_http *http;
	char host_ip[32];
	char host_name[32];
	char self_ip[48];         /* http://127.0.0.1:PORT */
	char self_name[48];       /* http://localhost:PORT */
	const char *hosts[3];
	pthread_mutex_t lock;     /* sessions */
	struct lh_session sess[LH_SESSIONS];
	struct lh_consent consent[LH_CONSENTS]; /* lock */
};

static struct lh_server *
srv_of(struct svc_req *r)
{
	return r->user;
}

/* ------------------------------------------------------------------ */
/* secrets                                                              */

/* 32 random bytes as base64url without padding (43 characters). */
static int
secret_make(char out[LH_SECRET_LEN + 1])
{
	unsigned char raw[32];
	char b64[48];
	size_t i, j;
	int rc;

	if ((rc = gmpki_random(raw, sizeof(raw))) != 0)
		return rc;
	EVP_EncodeBlock((unsigned char *)b64, raw, sizeof(raw));
	gmpki_wipe(raw, sizeof(raw));
	for (i = 0, j = 0; b64[i] != '\0' && b64[i] != '=' &&
	    j < LH_SECRET_LEN; i++)
		out[j++] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	out[j] = '\0';
	gmpki_wipe(b64, sizeof(b64));
	return j == LH_SECRET_LEN ? 0 : GMPKI_ERR_INTERNAL;
}

/* Constant-time equality of a secret with a value from the request. */
static int
secret_eq(const char *secret, const char *given)
{
	size_t n = strlen(secret);

	if (given == NULL || n == 0 || strlen(given) != n)
		return 0;
	return CRYPTO_memcmp(secret, given, n) == 0;
}

/* ------------------------------------------------------------------ */
/* origins (RFC 6454 §6.1: scheme "://" host [":" port])                 */

/*
 * The origin of an http(s) URL, lower-cased, without the default port;
 * *rest points past it (the path, "?" or "#", or "").  -1 for anything
 * else: another scheme, userinfo, an empty host, a bad port.
 */
static int
url_origin(const char *url, char *out, size_t outlen, const char **rest)
{
	const char *p, *host, *end, *colon;
	char port[8] = "";
	size_t hlen, i;
	int https, n;

	if (url == NULL)
		return -1;
	if (strncasecmp(url, "http://", 7) == 0) {
		https = 0;
		host = url + 7;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		https = 1;
		host = url + 8;
	} else
		return -1;
	end = host + strcspn(host, "/?#");
	for (p = host; p < end; p++)
		if (*p == '@' || *p == '\\' || (unsigned char)*p <= 0x20 ||
		    (unsigned char)*p >= 0x7f)
			return -1;
	if (host[0] == '[') {
		if ((p = memchr(host, ']', (size_t)(end - host))) == NULL)
			return -1;
		colon = p + 1 < end ? p + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return -1;
	} else
		colon = memchr(host, ':', (size_t)(end - host));
	hlen = (size_t)((colon != NULL ? colon : end) - host);
	if (hlen == 0)
		return -1;
	if (colon != NULL) {
		size_t plen = (size_t)(end - colon - 1);
		long v;

		if (plen == 0 || plen > 5 ||
		    strspn(colon + 1, "0123456789") < plen)
			return -1;
		memcpy(port, colon + 1, plen);
		port[plen] = '\0';
		v = strtol(port, NULL, 10);
		if (v < 1 || v > 65535)
			return -1;
		if ((!https && v == 80) || (https && v == 443))
			port[0] = '\0';
		else
			snprintf(port, sizeof(port), "%ld", v);
	}
	n = snprintf(out, outlen, "%s://%.*s%s%s", https ? "https" : "http",
	    (int)hlen, host, port[0] != '\0' ? ":" : "", port);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	if (rest != NULL)
		*rest = end;
	return 0;
}

int
helper_url_origin(const char *url, char *out, size_t outlen)
{
	const char *rest;

	if (url_origin(url, out, outlen, &rest) != 0 || *rest != '\0')
		return -1;
	return 0;
}

/* The configured service's URL and origin; -1 when not set up. */
static int
service_origin(struct lh_server *s, char *url, size_t urllen, char *origin,
    size_t originlen)
{
	int rc;

	pthread_mutex_lock(&s->h->lock);
	snprintf(url, urllen, "%s", s->h->cfg.service_url);
	pthread_mutex_unlock(&s->h->lock);
	rc = url[0] != '\0' ? url_origin(url, origin, originlen, NULL) : -1;
	if (rc != 0)
		origin[0] = '\0';
	return rc;
}

/* The request's Origin is the configured service's. */
static int
origin_is_service(struct svc_req *r, const char *service_origin)
{
	const char *o = svc_req_header(r, "Origin"), *rest;
	char norm[300];

	if (o == NULL || service_origin[0] == '\0' ||
	    url_origin(o, norm, sizeof(norm), &rest) != 0 || *rest != '\0')
		return 0;
	return strcmp(norm, service_origin) == 0;
}

/* "service" names the configured service: its origin, maybe with "/". */
static int
service_param_ok(const char *v, const char *service_origin)
{
	char norm[300];
	const char *rest;

	if (v == NULL || url_origin(v, norm, sizeof(norm), &rest) != 0)
		return 0;
	return strcmp(norm, service_origin) == 0 &&
	    (rest[0] == '\0' || strcmp(rest, "/") == 0);
}

/* "return" is a page of the configured service: same origin, a path. */
static int
return_param_ok(const char *v, const char *service_origin)
{
	char norm[300];
	const char *rest, *p;

	if (v == NULL || strlen(v) > 1024 ||
	    url_origin(v, norm, sizeof(norm), &rest) != 0 ||
	    strcmp(norm, service_origin) != 0 || rest[0] != '/')
		return 0;
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' ||
		    *p == '\\' || *p == '<' || *p == '>')
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* pages: web/helper/TMPL inside web/helper/layout.html                 */

struct lh_vars {
	struct svc_var v[LH_MAX_VARS];
	size_t n;
};

static void
var_set(struct lh_vars *vs, const char *k, const char *v)
{
	if (vs->n < LH_MAX_VARS) {
		vs->v[vs->n].key = k;
		vs->v[vs->n].value = v != NULL ? v : "";
		vs->n++;
	}
}

static const char *
var_get(const struct svc_var *v, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(v[i].key) == len &&
		    memcmp(v[i].key, name, len) == 0)
			return v[i].value;
	return NULL;
}

/*
 * The service's template language (svc/template.c): {{name}} escaped,
 * {{{name}}} raw (only HTML this file built with svc_buf_html), {{t:key}}
 * the text of svc/i18n.c.  Values are not scanned again.
 */
static int
expand_text(struct svc_buf *out, const char *t, size_t tlen,
    const char *lang, const struct svc_var *v, size_t n)
{
	const char *end = t + tlen, *open, *close, *name, *val;
	char key[65];
	size_t len, i;
	int raw, rc;

	while (t < end) {
		if ((open = memmem(t, (size_t)(end - t), "{{", 2)) == NULL)
			return svc_buf_add(out, t, (size_t)(end - t));
		if ((rc = svc_buf_add(out, t, (size_t)(open - t))) != 0)
			return rc;
		raw = open + 2 < end && open[2] == '{';
		name = open + (raw ? 3 : 2);
		close = memmem(name, (size_t)(end - name), raw ? "}}}" : "}}",
		    raw ? 3 : 2);
		if (close == NULL)
			return GMPKI_ERR_DECODE;
		len = (size_t)(close - name);
		if (len == 0 || len >= sizeof(key))
			return GMPKI_ERR_DECODE;
		for (i = 0; i < len; i++)
			if (!isalnum((unsigned char)name[i]) &&
			    strchr("_.-:", name[i]) == NULL)
				return GMPKI_ERR_DECODE;
		if (len > 2 && memcmp(name, "t:", 2) == 0) {
			memcpy(key, name + 2, len - 2);
			key[len - 2] = '\0';
			val = svc_t(lang, key);
		} else if ((val = var_get(v, n, name, len)) == NULL)
			val = "";
		if ((rc = raw ? svc_buf_str(out, val) :
		    svc_buf_html(out, val)) != 0)
			return rc;
		t = close + (raw ? 3 : 2);
	}
	return 0;
}

static int
expand_asset(struct svc_buf *out, const char *tmpl, const char *lang,
    const struct svc_var *v, size_t n)
{
	char path[96];
	const unsigned char *t;
	size_t len;

	if (snprintf(path, sizeof(path), "helper/%s", tmpl) >=
	    (int)sizeof(path) || (t = svc_asset(path, &len, NULL)) == NULL)
		return GMPKI_ERR_NOT_FOUND;
	return expand_text(out, (const char *)t, len, lang, v, n);
}

static int
is_en(const struct svc_req *r)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0;
}

/* The current GET page with ?lang=other (and its id), for the switch. */
static void
switch_href(struct svc_buf *b, struct svc_req *r)
{
	const char *id = svc_req_query(r, "id");

	if (strcmp(r->method, "GET") != 0 ||
	    strncmp(r->path, "/console", 8) != 0) {
		svc_buf_printf(b, "/?lang=%s", is_en(r) ? "zh" : "en");
		return;
	}
	svc_buf_str(b, r->path);
	svc_buf_printf(b, "?lang=%s", is_en(r) ? "zh" : "en");
	if (id != NULL) {
		svc_buf_str(b, "&id=");
		svc_buf_url(b, id);
	}
}

/* Renders TMPL in the layout; console 1 shows the console's menu. */
static int
render(struct svc_resp *w, struct svc_req *r, int status, const char *tmpl,
    const struct lh_vars *vs, int console)
{
	struct svc_buf content, page, href;
	struct lh_vars lv;
	const char *lang = is_en(r) ? "en" : "zh", *title;
	int rc;

	svc_buf_init(&content, LH_PAGE_LIMIT);
	svc_buf_init(&page, LH_PAGE_LIMIT);
	svc_buf_init(&href, 2048);
	if ((rc = expand_asset(&content, tmpl, lang, vs->v, vs->n)) != 0)
		goto out;
	switch_href(&href, r);
	if ((title = var_get(vs->v, vs->n, "title", 5)) == NULL)
		title = svc_t(lang, "hc.title");
	memset(&lv, 0, sizeof(lv));
	var_set(&lv, "content", content.data != NULL ? content.data : "");
	var_set(&lv, "title", title);
	var_set(&lv, "html_lang", is_en(r) ? "en" : "zh-CN");
	var_set(&lv, "switch_href", svc_buf_ok(&href) ? href.data : "/");
	var_set(&lv, "switch_html_lang", is_en(r) ? "zh-CN" : "en");
	var_set(&lv, "console", console ? "1" : "");
	if ((rc = expand_asset(&page, console ? "layout_console.html" :
	    "layout.html", lang, lv.v, lv.n)) != 0)
		goto out;
	if (!svc_buf_ok(&page)) {
		rc = GMPKI_ERR_TOO_LARGE;
		goto out;
	}
	rc = svc_resp_bytes(w, status, "text/html; charset=utf-8", page.data,
	    page.len);
	/* The console's own forms then carry Origin (with no-referrer a
	 * browser sends Origin: null); other sites still get nothing. */
	if (rc == 0)
		rc = svc_resp_header(w, "Referrer-Policy", "same-origin");
out:
	svc_buf_free(&content);
	svc_buf_free(&page);
	svc_buf_free(&href);
	return rc;
}

/* A message page: heading, the words in both languages, a way back. */
static int
message(struct svc_resp *w, struct svc_req *r, int status, const char *kind,
    const char *heading, const char *zh, const char *en, const char *name,
    const char *back_href, const char *back_text, int console)
{
	struct lh_vars vs;

	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", heading);
	var_set(&vs, "kind", kind);
	var_set(&vs, "role", strcmp(kind, "error") == 0 ? "alert" : "status");
	var_set(&vs, "heading", heading);
	var_set(&vs, "zh", zh);
	var_set(&vs, "en", en);
	var_set(&vs, "code", name);
	var_set(&vs, "back_href", back_href);
	var_set(&vs, "back_text", back_text);
	return render(w, r, status, "message.html", &vs, console);
}

static const char *
T(struct svc_req *r, const char *key)
{
	return svc_t(is_en(r) ? "en" : "zh", key);
}

/* The layer's own errors (404, 405, 421, 413 ...) in the helper's look. */
static int
error_page(struct svc_resp *w, struct svc_req *r, int status, int code)
{
	char st[16];

	snprintf(st, sizeof(st), "%d", status);
	return message(w, r, status, "error", T(r, "hc.error"),
	    svc_strerror(code), svc_strerror_en(code), svc_errname(code), "/",
	    T(r, "hc.home"), 0);
}

/* A refused request: 403 with the reason in both languages. */
static int
forbidden(struct svc_resp *w, struct svc_req *r, const char *zh,
    const char *en)
{
	return message(w, r, 403, "error", T(r, "hc.forbidden"), zh, en,
	    "FORBIDDEN", "", "", 0);
}

static void
fmt_time(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, len, "-");
}

/* ------------------------------------------------------------------ */
/* GET / and /static/                                                   */

static int
h_home(struct svc_req *r, struct svc_resp *w)
{
	struct lh_vars vs;
	char ver[32];

	memset(&vs, 0, sizeof(vs));
	snprintf(ver, sizeof(ver), "%s", HELPER_VERSION);
	var_set(&vs, "version", ver);
	return render(w, r, 200, "home.html", &vs, 0);
}

/* web/helper/NAME.(css|js): the name is [a-z0-9_-]+, nothing else. */
static int
h_static(struct svc_req *r, struct svc_resp *w)
{
	const char *name = r->path + strlen("/static/"), *dot, *type;
	const unsigned char *data;
	char path[96];
	size_t len, k;
	int rc;

	k = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	dot = name + k;
	if (k == 0 || k > 48 || (strcmp(dot, ".css") != 0 &&
	    strcmp(dot, ".js") != 0) ||
	    snprintf(path, sizeof(path), "helper/%s", name) >=
	    (int)sizeof(path) || (data = svc_asset(path, &len, &type)) == NULL)
		return error_page(w, r, 404, SVC_ERR_NOT_FOUND);
	if ((rc = svc_resp_bytes(w, 200, type, data, len)) != 0)
		return rc;
	w->cacheable = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* /v1/ping (HELPER-PROTOCOL.md §1)                                      */

static int
h_ping(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	char url[256], origin[300], json[128], norm[300], rp_id[64];
	const char *o = svc_req_header(r, "Origin"), *acao;

	snprintf(json, sizeof(json), "{\"ok\":true,\"version\":\"%s\"}",
	    HELPER_VERSION);
	service_origin(s, url, sizeof(url), origin, sizeof(origin));
	svc_resp_header(w, "Vary", "Origin");
	/* No Origin: not a cross-origin script (curl, a typed URL). */
	if (o == NULL)
		return svc_resp_json(w, 200, json);
	/* The service, or a reporting system of its signed directory
	 * (directory.c): they may know the helper runs.  Anything that
	 * changes state stays the service's alone. */
	if (origin_is_service(r, origin))
		acao = origin;
	else if (helper_url_origin(o, norm, sizeof(norm)) == 0 &&
	    helper_directory_origin_allowed(s->h, norm, rp_id))
		acao = norm;
	else
		return svc_resp_json(w, 403, "{\"ok\":false,\"error\":"
		    "\"FORBIDDEN_ORIGIN\"}");
	svc_resp_header(w, "Access-Control-Allow-Origin", acao);
	return svc_resp_json(w, 200, json);
}

/* ------------------------------------------------------------------ */
/* /v1/enroll and /v1/revoked (HELPER-PROTOCOL.md §2, §3)                 */

/*
 * The checks both posts share: Origin, service and return.  0 when they
 * pass (origin and ret filled); else the 403 page is in w and 1 returned.
 */
static int
v1_check(struct svc_req *r, struct svc_resp *w, char *origin, size_t olen,
    const char **ret)
{
	struct lh_server *s = srv_of(r);
	char url[256];

	if (service_origin(s, url, sizeof(url), origin, olen) != 0) {
		message(w, r, 503, "error", T(r, "hc.error"),
		    helper_strerror(HELPER_ERR_NOT_SET_UP),
		    helper_strerror_en(HELPER_ERR_NOT_SET_UP), "NOT_SET_UP",
		    "", "", 0);
		return 1;
	}
	if (!origin_is_service(r, origin)) {
		helper_log(HELPER_LOG_WARN, "%s refused: Origin %s is not the "
		    "service's", r->path, svc_req_header(r, "Origin") != NULL ?
		    "foreign" : "missing");
		forbidden(w, r, "请求不是来自已配置的在线服务，已拒绝。",
		    "The request does not come from the configured online "
		    "service: refused.");
		return 1;
	}
	if (!service_param_ok(svc_req_form(r, "service"), origin)) {
		forbidden(w, r, "请求中的在线服务地址与证书助手配置的不一致。",
		    "The service named in the request is not the one "
		    "certhelper is set up for.");
		return 1;
	}
	*ret = svc_req_form(r, "return");
	if (!return_param_ok(*ret, origin)) {
		forbidden(w, r, "返回地址不属于已配置的在线服务。",
		    "The return address is not a page of the configured "
		    "service.");
		return 1;
	}
	return 0;
}

static int
enroll_status(int rc)
{
	switch (rc) {
	case HELPER_ERR_NETWORK:
	case HELPER_ERR_PROTOCOL:
	case HELPER_ERR_FOREIGN_CHAIN:
		return 502;
	case HELPER_ERR_NOT_SET_UP:
		return 503;
	case HELPER_ERR_SERVICE:
	case GMPKI_ERR_ARG:
		return 400;
	default:
		return 500;
	}
}

static int
h_enroll(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	struct helper_enrolled res;
	struct helper_msg m;
	struct lh_vars vs;
	struct svc_buf link;
	char origin[300], nb[32], na[32];
	const char *ret, *ticket, *heading;
	int rc;

	if (v1_check(r, w, origin, sizeof(origin), &ret) != 0)
		return 0;
	ticket = svc_req_form(r, "ticket");
	memset(&m, 0, sizeof(m));
	rc = helper_op_enroll(s->h, ticket != NULL ? ticket : "", NULL, &res,
	    &m);
	/* ops.c may keep libgmpki's code with FOREIGN_CHAIN's words. */
	if (rc == GMPKI_ERR_CERT_UNTRUSTED ||
	    strcmp(m.name, "FOREIGN_CHAIN") == 0)
		rc = HELPER_ERR_FOREIGN_CHAIN;
	if (rc != 0) {
		helper_log(HELPER_LOG_WARN, "enroll from the browser failed: "
		    "%s", m.name[0] != '\0' ? m.name : helper_errname(rc));
		heading = rc == HELPER_ERR_FOREIGN_CHAIN ?
		    T(r, "hc.enroll.untrusted") : T(r, "hc.enroll.failed");
		return message(w, r, enroll_status(rc), "error", heading,
		    m.zh, m.en, m.name[0] != '\0' ? m.name :
		    helper_errname(rc), ret, T(r, "hc.back_service"), 0);
	}
	svc_buf_init(&link, 2048);
	svc_buf_str(&link, ret);
	svc_buf_str(&link, strchr(ret, '?') != NULL ? "&serial=" :
	    "?serial=");
	svc_buf_url(&link, res.serial);
	fmt_time(res.not_before, nb, sizeof(nb));
	fmt_time(res.not_after, na, sizeof(na));
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.enroll.ok"));
	var_set(&vs, "ok_href", svc_buf_ok(&link) ? link.data : ret);
	var_set(&vs, "username", res.username);
	var_set(&vs, "org", res.org);
	var_set(&vs, "uscc", res.uscc);
	var_set(&vs, "serial", res.serial);
	var_set(&vs, "id", res.id);
	var_set(&vs, "not_before", nb);
	var_set(&vs, "not_after", na);
	rc = render(w, r, 200, "enroll_ok.html", &vs, 0);
	svc_buf_free(&link);
	return rc;
}

static int
h_revoked(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	struct helper_msg m;
	char origin[300], id[HELPER_ID_LEN + 1];
	const char *ret, *serial;
	int rc;

	if (v1_check(r, w, origin, sizeof(origin), &ret) != 0)
		return 0;
	serial = svc_req_form(r, "serial");
	memset(&m, 0, sizeof(m));
	rc = helper_op_forget_revoked(s->h, serial, id, &m);
	if (rc == 0)
		return message(w, r, 200, "ok", T(r, "hc.revoked.deleted"),
		    "在线服务已确认该证书被废除，本机保存的密钥和证书已删除。",
		    "The service confirmed the revocation: the key and "
		    "certificate kept on this computer are deleted.",
		    "", ret, T(r, "hc.back_service"), 0);
	if (rc == GMPKI_ERR_NOT_FOUND)
		return message(w, r, 200, "ok", T(r, "hc.revoked.none"),
		    "本机没有保存该证书，无需删除。",
		    "This computer keeps no such certificate: nothing to "
		    "delete.", "", ret, T(r, "hc.back_service"), 0);
	if (rc == HELPER_ERR_NOT_REVOKED)
		return message(w, r, 409, "error", T(r, "hc.revoked.kept"),
		    "在线服务未确认该证书已废除，本机证书未删除。",
		    "The service does not say the certificate is revoked: "
		    "the certificate on this computer is kept.",
		    "NOT_REVOKED", ret, T(r, "hc.back_service"), 0);
	return message(w, r, enroll_status(rc), "error",
	    T(r, "hc.revoked.kept"), m.zh, m.en, m.name, ret,
	    T(r, "hc.back_service"), 0);
}

/* ------------------------------------------------------------------ */
/* the console: token, session, CSRF                                    */

/* The session of the request's cookie (copied into *out), or 0. */
static int
session_get(struct svc_req *r, struct lh_session *out)
{
	struct lh_server *s = srv_of(r);
	const char *c = svc_req_cookie(r, LH_COOKIE);
	int i, found = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < LH_SESSIONS; i++) {
		if (s->sess[i].id[0] == '\0' || s->sess[i].expires <= r->now)
			continue;
		if (secret_eq(s->sess[i].id, c)) {
			*out = s->sess[i];
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

/* A new session in the free (or oldest) slot. */
static int
session_new(struct svc_req *r, struct lh_session *out)
{
	struct lh_server *s = srv_of(r);
	struct lh_session n;
	int i, slot = 0, rc;

	memset(&n, 0, sizeof(n));
	if ((rc = secret_make(n.id)) != 0 || (rc = secret_make(n.csrf)) != 0)
		return rc;
	n.expires = r->now + LH_SESSION_TTL;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < LH_SESSIONS; i++) {
		if (s->sess[i].id[0] == '\0' || s->sess[i].expires <= r->now) {
			slot = i;
			break;
		}
		if (s->sess[i].expires < s->sess[slot].expires)
			slot = i;
	}
	s->sess[slot] = n;
	pthread_mutex_unlock(&s->lock);
	*out = n;
	gmpki_wipe(&n, sizeof(n));
	return 0;
}

static int
no_session(struct svc_req *r, struct svc_resp *w)
{
	struct lh_vars vs;

	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.console.locked"));
	return render(w, r, 403, "locked.html", &vs, 0);
}

/*
 * A console POST: from the helper's own pages (Origin, when sent, is
 * this server), with the session's CSRF token.
 */
static int
console_post_ok(struct svc_req *r, const struct lh_session *ss)
{
	struct lh_server *s = srv_of(r);
	const char *o = svc_req_header(r, "Origin");

	if (o != NULL && strcmp(o, s->self_ip) != 0 &&
	    strcmp(o, s->self_name) != 0)
		return 0;
	return secret_eq(ss->csrf, svc_req_form(r, "csrf"));
}

static int
csrf_refused(struct svc_req *r, struct svc_resp *w)
{
	helper_log(HELPER_LOG_WARN, "console %s refused: bad CSRF token or "
	    "Origin", r->path);
	return message(w, r, 403, "error", T(r, "hc.forbidden"),
	    "表单已失效或不是来自证书助手控制台，请重新打开页面后再试。",
	    "The form has expired or does not come from the console: "
	    "reload the page and try again.", "CSRF", "/console",
	    T(r, "hc.nav.certs"), 1);
}

/* GET /console: ?token= trades the launch token for a session. */
static int
h_console(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	struct helper_entry *e = NULL;
	struct lh_session ss;
	struct helper_msg m;
	struct svc_buf rows;
	struct lh_vars vs;
	const char *token = svc_req_query(r, "token");
	char na[32];
	size_t n = 0, i;
	int rc;

	if (token != NULL) {
		if (!secret_eq(s->h->console_token, token)) {
			helper_log(HELPER_LOG_WARN, "console: a wrong token");
			return no_session(r, w);
		}
		if ((rc = session_new(r, &ss)) != 0)
			return rc;
		rc = svc_resp_cookie(w, r, LH_COOKIE, ss.id, -1);
		gmpki_wipe(&ss, sizeof(ss));
		if (rc != 0)
			return rc;
		/* The token leaves the address bar and the history. */
		return svc_resp_redirect(w, "/console");
	}
	if (!session_get(r, &ss))
		return no_session(r, w);
	gmpki_wipe(&ss, sizeof(ss));
	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_list(s->h, &e, &n, &m)) != 0)
		return message(w, r, 500, "error", T(r, "hc.error"), m.zh,
		    m.en, m.name, "/console", T(r, "hc.nav.certs"), 1);
	svc_buf_init(&rows, LH_PAGE_LIMIT);
	for (i = 0; i < n; i++) {
		svc_buf_str(&rows, "<tr>");
		if (e[i].rc != 0) {
			svc_buf_str(&rows, "<td colspan=\"4\"><code>");
			svc_buf_html(&rows, e[i].idn.id);
			svc_buf_str(&rows, "</code></td><td class=\"bad\">");
			svc_buf_html(&rows, helper_local_status_zh(
			    HELPER_LOCAL_CORRUPT));
			svc_buf_str(&rows, "</td><td></td></tr>\n");
			continue;
		}
		fmt_time(e[i].idn.not_after, na, sizeof(na));
		svc_buf_str(&rows, "<td class=\"user\">");
		svc_buf_html(&rows, e[i].idn.username);
		svc_buf_str(&rows, "</td><td>");
		svc_buf_html(&rows, e[i].idn.org);
		svc_buf_str(&rows, "</td><td><code>");
		svc_buf_html(&rows, e[i].idn.uscc);
		svc_buf_str(&rows, "</code></td><td>");
		svc_buf_html(&rows, na);
		svc_buf_printf(&rows, "</td><td class=\"st-%s\">",
		    helper_local_status_name(e[i].local));
		svc_buf_html(&rows, helper_local_status_zh(e[i].local));
		svc_buf_str(&rows, "</td><td><a href=\"/console/cert?id=");
		svc_buf_url(&rows, e[i].idn.id);
		svc_buf_str(&rows, "\">");
		svc_buf_html(&rows, T(r, "hc.details"));
		svc_buf_str(&rows, "</a></td></tr>\n");
	}
	free(e);
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.nav.certs"));
	var_set(&vs, "rows", svc_buf_ok(&rows) && rows.data != NULL ?
	    rows.data : "");
	var_set(&vs, "empty", n == 0 ? "1" : "");
	rc = render(w, r, 200, n == 0 ? "console_empty.html" :
	    "console.html", &vs, 1);
	svc_buf_free(&rows);
	return rc;
}

/* The identity named by ?id= or the form's id, shown; 0 or a page sent. */
static int
view_get(struct svc_req *r, struct svc_resp *w, const char *id,
    struct helper_view *v)
{
	struct helper_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_show(srv_of(r)->h, id != NULL ? id : "", v,
	    &m)) != 0) {
		message(w, r, rc == GMPKI_ERR_NOT_FOUND ? 404 : 400, "error",
		    T(r, "hc.error"), m.zh, m.en, m.name, "/console",
		    T(r, "hc.nav.certs"), 1);
		return 1;
	}
	return 0;
}

static void
view_vars(struct svc_req *r, struct lh_vars *vs, const struct helper_view *v,
    char nb[32], char na[32])
{
	fmt_time(v->idn.not_before, nb, 32);
	fmt_time(v->idn.not_after, na, 32);
	var_set(vs, "id", v->idn.id);
	var_set(vs, "username", v->idn.username);
	var_set(vs, "org", v->idn.org);
	var_set(vs, "uscc", v->idn.uscc);
	var_set(vs, "serial", v->idn.serial);
	var_set(vs, "subject", v->subject);
	var_set(vs, "issuer", v->issuer);
	var_set(vs, "not_before", nb);
	var_set(vs, "not_after", na);
	var_set(vs, "sm3_fp", v->idn.sm3_fp);
	var_set(vs, "sha256_fp", v->sha256_fp);
	var_set(vs, "service", v->idn.service);
	var_set(vs, "local", helper_local_status_zh(v->local));
	var_set(vs, "local_name", helper_local_status_name(v->local));
	(void)r;
}

static int
h_cert(struct svc_req *r, struct svc_resp *w)
{
	struct lh_session ss;
	struct helper_view v;
	struct lh_vars vs;
	char nb[32], na[32];

	if (!session_get(r, &ss))
		return no_session(r, w);
	gmpki_wipe(&ss, sizeof(ss));
	if (view_get(r, w, svc_req_query(r, "id"), &v) != 0)
		return 0;
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.cert.heading"));
	view_vars(r, &vs, &v, nb, na);
	return render(w, r, 200, "cert.html", &vs, 1);
}

/* 在线状态查询: the service's OCSP answer, signature checked (ops.c). */
static int
h_status(struct svc_req *r, struct svc_resp *w)
{
	struct helper_online on;
	struct lh_session ss;
	struct helper_view v;
	struct helper_msg m;
	struct lh_vars vs;
	char nb[32], na[32], ra[32], tu[32];
	const char *st, *stname;
	int rc;

	if (!session_get(r, &ss))
		return no_session(r, w);
	gmpki_wipe(&ss, sizeof(ss));
	if (view_get(r, w, svc_req_query(r, "id"), &v) != 0)
		return 0;
	memset(&vs, 0, sizeof(vs));
	memset(&m, 0, sizeof(m));
	var_set(&vs, "title", T(r, "hc.status.heading"));
	view_vars(r, &vs, &v, nb, na);
	rc = helper_op_status(srv_of(r)->h, v.idn.id, &on, &m);
	if (rc != 0) {
		st = T(r, "hc.status.unknown");
		stname = "unknown";
		var_set(&vs, "why_zh", m.zh);
		var_set(&vs, "why_en", m.en);
	} else if (on.status == GMPKI_STATUS_GOOD) {
		st = T(r, "hc.status.good");
		stname = "good";
	} else if (on.status == GMPKI_STATUS_REVOKED) {
		st = T(r, "hc.status.revoked");
		stname = "revoked";
		fmt_time(on.revoked_at, ra, sizeof(ra));
		var_set(&vs, "revoked_at", ra);
		var_set(&vs, "reason", on.reason >= 0 ?
		    gmpki_reason_name(on.reason) : "");
	} else {
		st = T(r, "hc.status.unknown");
		stname = "unknown";
	}
	if (rc == 0) {
		fmt_time(on.this_update, tu, sizeof(tu));
		var_set(&vs, "this_update", tu);
	}
	var_set(&vs, "online", st);
	var_set(&vs, "online_name", stname);
	return render(w, r, 200, "status.html", &vs, 1);
}

static int
h_delete_form(struct svc_req *r, struct svc_resp *w)
{
	struct lh_session ss;
	struct helper_view v;
	struct lh_vars vs;
	char nb[32], na[32];
	int rc;

	if (!session_get(r, &ss))
		return no_session(r, w);
	if (view_get(r, w, svc_req_query(r, "id"), &v) != 0) {
		gmpki_wipe(&ss, sizeof(ss));
		return 0;
	}
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.delete.heading"));
	view_vars(r, &vs, &v, nb, na);
	var_set(&vs, "csrf", ss.csrf);
	rc = render(w, r, 200, "delete.html", &vs, 1);
	gmpki_wipe(&ss, sizeof(ss));
	return rc;
}

static int
h_delete(struct svc_req *r, struct svc_resp *w)
{
	struct lh_session ss;
	struct helper_msg m;
	const char *id;
	int ok, rc;

	if (!session_get(r, &ss))
		return no_session(r, w);
	ok = console_post_ok(r, &ss);
	gmpki_wipe(&ss, sizeof(ss));
	if (!ok)
		return csrf_refused(r, w);
	id = svc_req_form(r, "id");
	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_delete(srv_of(r)->h, id != NULL ? id : "",
	    &m)) != 0)
		return message(w, r, rc == GMPKI_ERR_NOT_FOUND ? 404 : 400,
		    "error", T(r, "hc.error"), m.zh, m.en, m.name, "/console",
		    T(r, "hc.nav.certs"), 1);
	helper_log(HELPER_LOG_INFO, "console: identity %s deleted", id);
	return message(w, r, 200, "ok", T(r, "hc.delete.done"),
	    "证书及其密钥已从本机删除。",
	    "The certificate and its key are deleted from this computer.",
	    "", "/console", T(r, "hc.nav.certs"), 1);
}

static int
h_clear_form(struct svc_req *r, struct svc_resp *w)
{
	struct lh_session ss;
	struct lh_vars vs;
	int rc;

	if (!session_get(r, &ss))
		return no_session(r, w);
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.nav.clear"));
	var_set(&vs, "csrf", ss.csrf);
	rc = render(w, r, 200, "clear.html", &vs, 1);
	gmpki_wipe(&ss, sizeof(ss));
	return rc;
}

static int
h_clear(struct svc_req *r, struct svc_resp *w)
{
	struct lh_session ss;
	struct helper_msg m;
	int ok, rc;

	if (!session_get(r, &ss))
		return no_session(r, w);
	ok = console_post_ok(r, &ss);
	gmpki_wipe(&ss, sizeof(ss));
	if (!ok)
		return csrf_refused(r, w);
	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_clear(srv_of(r)->h, &m)) != 0)
		return message(w, r, 500, "error", T(r, "hc.error"), m.zh,
		    m.en, m.name, "/console", T(r, "hc.nav.certs"), 1);
	return message(w, r, 200, "ok", T(r, "hc.clear.done"),
	    svc_t("zh", "hc.clear.done_msg"),
	    svc_t("en", "hc.clear.done_msg"), "", "/console",
	    T(r, "hc.nav.certs"), 1);
}

/* 企业信息: the enterprises of the certificates here, by 企业代码. */
static int
h_org(struct svc_req *r, struct svc_resp *w)
{
	struct helper_entry *e = NULL;
	struct lh_session ss;
	struct helper_msg m;
	struct svc_buf rows;
	struct lh_vars vs;
	size_t n = 0, i, j, count;
	int rc, seen;

	if (!session_get(r, &ss))
		return no_session(r, w);
	gmpki_wipe(&ss, sizeof(ss));
	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_list(srv_of(r)->h, &e, &n, &m)) != 0)
		return message(w, r, 500, "error", T(r, "hc.error"), m.zh,
		    m.en, m.name, "/console", T(r, "hc.nav.certs"), 1);
	svc_buf_init(&rows, LH_PAGE_LIMIT);
	for (i = 0; i < n; i++) {
		if (e[i].rc != 0)
			continue;
		for (j = 0, seen = 0; j < i && !seen; j++)
			seen = e[j].rc == 0 &&
			    strcmp(e[j].idn.uscc, e[i].idn.uscc) == 0;
		if (seen)
			continue;
		svc_buf_str(&rows, "<tr><td>");
		svc_buf_html(&rows, e[i].idn.org);
		svc_buf_str(&rows, "</td><td><code>");
		svc_buf_html(&rows, e[i].idn.uscc);
		svc_buf_str(&rows, "</code></td><td>");
		for (j = i, count = 0; j < n; j++) {
			if (e[j].rc != 0 ||
			    strcmp(e[j].idn.uscc, e[i].idn.uscc) != 0)
				continue;
			if (count++ > 0)
				svc_buf_str(&rows, ", ");
			svc_buf_html(&rows, e[j].idn.username);
		}
		svc_buf_printf(&rows, "</td><td>%zu</td></tr>\n", count);
	}
	free(e);
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.nav.org"));
	var_set(&vs, "rows", svc_buf_ok(&rows) && rows.data != NULL ?
	    rows.data : "");
	rc = render(w, r, 200, "org.html", &vs, 1);
	svc_buf_free(&rows);
	return rc;
}

/* ------------------------------------------------------------------ */
/* 环境检查 and 一键修复                                                  */

struct check_list {
	struct svc_buf b;
	int bad;
};

static void
check_row(struct check_list *c, struct svc_req *r, int ok, const char *what,
    const char *detail)
{
	svc_buf_printf(&c->b, "<tr class=\"%s\"><td>", ok ? "ok" : "bad");
	svc_buf_html(&c->b, what);
	svc_buf_str(&c->b, "</td><td>");
	svc_buf_html(&c->b, ok ? T(r, "hc.env.ok") : T(r, "hc.env.bad"));
	svc_buf_str(&c->b, "</td><td>");
	svc_buf_html(&c->b, detail);
	svc_buf_str(&c->b, "</td></tr>\n");
	if (!ok)
		c->bad++;
}

static int
h_env(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	struct helper_config cfg;
	struct helper_entry *e = NULL;
	struct check_list c;
	struct lh_session ss;
	struct helper_msg m;
	struct lh_vars vs;
	struct stat st;
	char detail[PATH_MAX + 64], fp[65];
	X509 *pinned = NULL, *fetched = NULL;
	size_t n = 0, i, bad = 0;
	int rc;

	if (!session_get(r, &ss))
		return no_session(r, w);
	pthread_mutex_lock(&s->h->lock);
	cfg = s->h->cfg;
	pthread_mutex_unlock(&s->h->lock);
	svc_buf_init(&c.b, LH_PAGE_LIMIT);
	c.bad = 0;

	/* 1. the service is configured and answers */
	if (cfg.service_url[0] == '\0')
		check_row(&c, r, 0, T(r, "hc.env.service"),
		    helper_strerror(HELPER_ERR_NOT_SET_UP));
	else {
		memset(&m, 0, sizeof(m));
		rc = helper_svc_fetch_root(cfg.service_url, &fetched, &m);
		snprintf(detail, sizeof(detail), "%s%s%s", cfg.service_url,
		    rc != 0 ? ": " : "", rc != 0 ? m.zh : "");
		check_row(&c, r, rc == 0, T(r, "hc.env.service"), detail);
	}
	/* 2. the pinned root is there, and is the service's */
	rc = helper_root_load(&cfg, &pinned);
	if (rc != 0 || pinned == NULL)
		check_row(&c, r, 0, T(r, "hc.env.root"), rc != 0 ?
		    helper_strerror(rc) :
		    helper_strerror(HELPER_ERR_NOT_SET_UP));
	else {
		snprintf(detail, sizeof(detail), "SM3 %s", cfg.root_sm3);
		check_row(&c, r, 1, T(r, "hc.env.root"), detail);
		if (fetched != NULL) {
			rc = gmpki_cert_fingerprint_sm3(fetched, fp);
			check_row(&c, r, rc == 0 &&
			    strcasecmp(fp, cfg.root_sm3) == 0,
			    T(r, "hc.env.root_match"), rc == 0 ? fp : "");
		}
	}
	X509_free(pinned);
	X509_free(fetched);
	/* 3. the keystore: a private folder, readable */
	if (stat(cfg.keystore_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		check_row(&c, r, 0, T(r, "hc.env.keystore"),
		    T(r, "hc.env.missing"));
	else {
		snprintf(detail, sizeof(detail), "%s (%04o)",
		    cfg.keystore_dir, (unsigned)(st.st_mode & 07777));
		check_row(&c, r, (st.st_mode & 077) == 0 &&
		    access(cfg.keystore_dir, R_OK | W_OK | X_OK) == 0,
		    T(r, "hc.env.keystore"), detail);
	}
	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_list(s->h, &e, &n, &m)) != 0)
		check_row(&c, r, 0, T(r, "hc.env.certs"), m.zh);
	else {
		for (i = 0; i < n; i++)
			bad += e[i].rc != 0;
		snprintf(detail, sizeof(detail), "%zu / %zu", n - bad, n);
		check_row(&c, r, bad == 0, T(r, "hc.env.certs"), detail);
	}
	free(e);
	/* 4. this port */
	snprintf(detail, sizeof(detail), "%s", s->self_ip);
	check_row(&c, r, 1, T(r, "hc.env.port"), detail);

	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.nav.env"));
	var_set(&vs, "rows", svc_buf_ok(&c.b) && c.b.data != NULL ?
	    c.b.data : "");
	var_set(&vs, "all_ok", c.bad == 0 ? "1" : "");
	var_set(&vs, "summary", c.bad == 0 ? T(r, "hc.env.all_ok") :
	    T(r, "hc.env.some_bad"));
	var_set(&vs, "csrf", ss.csrf);
	rc = render(w, r, 200, "env.html", &vs, 1);
	gmpki_wipe(&ss, sizeof(ss));
	svc_buf_free(&c.b);
	return rc;
}

/* What 一键修复 did, one line each. */
static struct svc_buf *repair_log;

static int
repair_one(const char *path, const struct stat *st, int flag,
    struct FTW *f)
{
	mode_t want;

	(void)f;
	if (flag == FTW_D || flag == FTW_DP)
		want = 0700;
	else if (flag == FTW_F)
		want = 0600;
	else
		return 0;	/* symbolic links and the unreadable: leave */
	if ((st->st_mode & 077) == 0)
		return 0;
	if (chmod(path, (st->st_mode & 0700) | (want & 0700)) == 0)
		svc_buf_printf(repair_log, "chmod %04o %s\n",
		    (unsigned)((st->st_mode & 0700) | (want & 0700)), path);
	else
		svc_buf_printf(repair_log, "chmod %s: %s\n", path,
		    strerror(errno));
	return 0;
}

static pthread_mutex_t repair_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * 一键修复: only local, undoable repairs.  It creates the helper's
 * missing folders (0700), takes group and other permissions off the
 * keystore's folders and files, and re-reads the configuration and the
 * pinned root.  It never downloads a root, a certificate or a key, and
 * never deletes anything: a wrong root needs `certhelper setup` again.
 */
static int
h_repair(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	struct helper_config cfg;
	struct lh_session ss;
	struct helper_msg m;
	struct svc_buf log;
	struct stat st;
	char path[PATH_MAX + 16];
	const char *dirs[3];
	int ok, rc, i;

	if (!session_get(r, &ss))
		return no_session(r, w);
	ok = console_post_ok(r, &ss);
	gmpki_wipe(&ss, sizeof(ss));
	if (!ok)
		return csrf_refused(r, w);
	pthread_mutex_lock(&s->h->lock);
	cfg = s->h->cfg;
	pthread_mutex_unlock(&s->h->lock);
	svc_buf_init(&log, 64 * 1024);
	dirs[0] = cfg.keystore_dir;
	dirs[1] = cfg.state_dir;
	dirs[2] = cfg.config_dir;
	for (i = 0; i < 3; i++) {
		if (stat(dirs[i], &st) == 0)
			continue;
		if (helper_mkdirs(dirs[i], 0700) == 0)
			svc_buf_printf(&log, "mkdir 0700 %s\n", dirs[i]);
		else
			svc_buf_printf(&log, "mkdir %s: %s\n", dirs[i],
			    strerror(errno));
	}
	if (snprintf(path, sizeof(path), "%s/identities", cfg.keystore_dir) <
	    (int)sizeof(path) && stat(path, &st) != 0) {
		if (mkdir(path, 0700) == 0)
			svc_buf_printf(&log, "mkdir 0700 %s\n", path);
	}
	pthread_mutex_lock(&repair_lock);
	repair_log = &log;
	nftw(cfg.keystore_dir, repair_one, 16, FTW_PHYS);
	repair_log = NULL;
	pthread_mutex_unlock(&repair_lock);
	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_reload(s->h, &m)) != 0)
		svc_buf_printf(&log, "reload: %s (%s)\n", m.zh, m.en);
	else
		svc_buf_str(&log, "reload: ok\n");
	helper_log(HELPER_LOG_INFO, "console: repair done");
	rc = message(w, r, 200, "ok", T(r, "hc.env.repaired"),
	    svc_buf_ok(&log) && log.data != NULL ? log.data : "",
	    T(r, "hc.env.repair_note"), "", "/console/env",
	    T(r, "hc.nav.env"), 1);
	svc_buf_free(&log);
	return rc;
}

/* ------------------------------------------------------------------ */
/* the reporting-system login: 客户身份验证 (docs/LOGIN-PROTOCOL.md §3-5)  */

/* Pending consent windows: token -> the request they were made for. */
static int
consent_new(struct lh_server *s, const char *rp, const char *challenge,
    const char *username, char token[LH_SECRET_LEN + 1])
{
	time_t now = time(NULL);
	size_t i, slot = 0;
	int rc;

	if ((rc = secret_make(token)) != 0)
		return rc;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < LH_CONSENTS; i++) {
		if (s->consent[i].token[0] == '\0' ||
		    s->consent[i].expires <= now) {
			slot = i;
			break;
		}
		if (s->consent[i].expires < s->consent[slot].expires)
			slot = i;
	}
	gmpki_wipe(&s->consent[slot], sizeof(s->consent[slot]));
	snprintf(s->consent[slot].token, sizeof(s->consent[slot].token), "%s",
	    token);
	snprintf(s->consent[slot].rp, sizeof(s->consent[slot].rp), "%s", rp);
	snprintf(s->consent[slot].challenge,
	    sizeof(s->consent[slot].challenge), "%s", challenge);
	snprintf(s->consent[slot].username,
	    sizeof(s->consent[slot].username), "%s", username);
	s->consent[slot].expires = now + LH_CONSENT_TTL;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Takes (single use) the pending consent named by token; 1 when found. */
static int
consent_take(struct lh_server *s, const char *token, struct lh_consent *out)
{
	time_t now = time(NULL);
	size_t i;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if (token == NULL)
		return 0;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < LH_CONSENTS; i++) {
		if (s->consent[i].token[0] == '\0' ||
		    !secret_eq(s->consent[i].token, token))
			continue;
		if (s->consent[i].expires > now) {
			*out = s->consent[i];
			found = 1;
		}
		gmpki_wipe(&s->consent[i], sizeof(s->consent[i]));
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

/* 1-128 bytes of UTF-8 without control characters. */
static int
username_ok(const char *u)
{
	const unsigned char *p = (const unsigned char *)u;
	size_t len, k, i;

	if (u == NULL || (len = strlen(u)) == 0 || len > 128)
		return 0;
	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			k = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			k = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			k = 3;
		else
			return 0;
		for (i = 1; i <= k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		if ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] > 0x9f) ||
		    (*p == 0xf0 && p[1] < 0x90) || (*p == 0xf4 && p[1] > 0x8f))
			return 0;
		if (*p == 0xc2 && p[1] <= 0x9f)
			return 0;	/* C1 controls: U+0080-U+009F */
		p += k + 1;
	}
	return 1;
}

/* 43 base64url characters, canonical, 32 bytes. */
static int
challenge_ok(const char *c)
{
	unsigned char *raw = NULL;
	size_t len = 0;
	int ok;

	if (c == NULL || strlen(c) != CERTAUTH_CHALLENGE_LEN)
		return 0;
	ok = certauth_b64url_decode(c, CERTAUTH_CHALLENGE_LEN, &raw, &len) == 0 &&
	    len == 32;
	free(raw);
	return ok;
}

/* The pinned root (a reference), or NULL. */
static X509 *
pinned_root(struct lh_server *s)
{
	X509 *root = NULL;

	pthread_mutex_lock(&s->h->lock);
	if (s->h->root != NULL && X509_up_ref(s->h->root))
		root = s->h->root;
	pthread_mutex_unlock(&s->h->lock);
	return root;
}

/*
 * The identity id, when its certificate chains to the pinned root now:
 * 0 and idn, cert and chain filled (either of the last two may be NULL).
 */
static int
login_identity(struct lh_server *s, const char *id,
    struct helper_identity *idn, X509 **cert_out, STACK_OF(X509) **chain_out)
{
	struct gmpki_verify_opts vo;
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL, *root;
	int rc;

	if (cert_out != NULL)
		*cert_out = NULL;
	if (chain_out != NULL)
		*chain_out = NULL;
	if (id == NULL || strlen(id) != HELPER_ID_LEN ||
	    strspn(id, "0123456789abcdefABCDEF") != HELPER_ID_LEN)
		return GMPKI_ERR_NOT_FOUND;
	if ((root = pinned_root(s)) == NULL)
		return HELPER_ERR_NOT_SET_UP;
	pthread_mutex_lock(&s->h->lock);
	rc = helper_keystore_get(s->h->ks, id, idn, &cert, &chain);
	pthread_mutex_unlock(&s->h->lock);
	if (rc == 0) {
		memset(&vo, 0, sizeof(vo));
		vo.root = root;
		vo.untrusted = chain;
		rc = gmpki_verify_cert(cert, &vo, NULL);
		/* An expired (or not yet valid) certificate of our CA is still
		 * offered: the reporting system then says 证书已过期，请重新
		 * 申请证书 - the seed's words - instead of the window showing
		 * nothing.  It must chain to the root within its validity. */
		if ((rc == GMPKI_ERR_CERT_EXPIRED ||
		    rc == GMPKI_ERR_CERT_NOT_YET_VALID) &&
		    idn->not_after > idn->not_before) {
			vo.at = rc == GMPKI_ERR_CERT_EXPIRED ?
			    idn->not_after - 1 : idn->not_before;
			rc = gmpki_verify_cert(cert, &vo, NULL);
		}
	}
	X509_free(root);
	if (rc == 0 && cert_out != NULL) {
		*cert_out = cert;
		cert = NULL;
	}
	if (rc == 0 && chain_out != NULL) {
		*chain_out = chain;
		chain = NULL;
	}
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

/* The auto-submitting form to the RP's registered return URL. */
static int
post_page(struct svc_resp *w, struct svc_req *r, const struct helper_rp *rp,
    const char *const *names, const char *const *values, size_t n)
{
	struct svc_buf f;
	struct lh_vars vs;
	size_t i;
	int rc;

	svc_buf_init(&f, LH_PAGE_LIMIT);
	for (i = 0; i < n; i++) {
		svc_buf_str(&f, "<input type=\"hidden\" name=\"");
		svc_buf_html(&f, names[i]);
		svc_buf_str(&f, "\" value=\"");
		svc_buf_html(&f, values[i]);
		svc_buf_str(&f, "\">\n");
	}
	if (!svc_buf_ok(&f)) {
		svc_buf_free(&f);
		return error_page(w, r, 500, GMPKI_ERR_INTERNAL);
	}
	/*
	 * This page's form goes to the reporting system's registered origin
	 * (from the verified directory, normalised scheme://host[:port]):
	 * the default policy allows forms only to loopback, so this page
	 * names that one origin in form-action and nothing else.
	 */
	if (rp->origin[0] == '\0' ||
	    strcspn(rp->origin, " \t\r\n;,'\"") != strlen(rp->origin)) {
		svc_buf_free(&f);
		return error_page(w, r, 500, GMPKI_ERR_INTERNAL);
	}
	{
		char csp[512];
		int k = snprintf(csp, sizeof(csp), "default-src 'self'; "
		    "img-src 'self' data:; style-src 'self'; script-src 'self'; "
		    "connect-src 'self'; form-action %s; frame-ancestors 'none'; "
		    "base-uri 'none'", rp->origin);

		if (k < 0 || (size_t)k >= sizeof(csp) ||
		    svc_resp_header(w, "Content-Security-Policy", csp) != 0) {
			svc_buf_free(&f);
			return error_page(w, r, 500, GMPKI_ERR_INTERNAL);
		}
	}
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.login.heading"));
	var_set(&vs, "rp_name", rp->name);
	var_set(&vs, "action", rp->return_url);
	var_set(&vs, "fields", f.data != NULL ? f.data : "");
	rc = render(w, r, 200, "login_post.html", &vs, 0);
	svc_buf_free(&f);
	return rc;
}

static int
post_cancelled(struct svc_resp *w, struct svc_req *r,
    const struct helper_rp *rp)
{
	const char *names[] = {"error"}, *values[] = {"cancelled"};

	helper_log(HELPER_LOG_INFO, "login for %s cancelled", rp->id);
	return post_page(w, r, rp, names, values, 1);
}

/* PEM of certs, concatenated (malloc'ed). */
static char *
chain_pem(STACK_OF(X509) *chain)
{
	struct svc_buf b;
	char *pem, *out;
	size_t len;
	int i;

	svc_buf_init(&b, CERTAUTH_MAX_PEM);
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		if (gmpki_cert_to_pem(sk_X509_value(chain, i), &pem,
		    &len) != 0) {
			svc_buf_free(&b);
			return NULL;
		}
		svc_buf_add(&b, pem, len);
		free(pem);
	}
	out = svc_buf_ok(&b) ? strdup(b.data != NULL ? b.data : "") : NULL;
	svc_buf_free(&b);
	return out;
}

/*
 * Signs the canonical statement with identity id and answers the
 * auto-submitting page.  Returns 0 with the page in w, or the error
 * (GMPKI_ERR_PASSPHRASE for a wrong PIN) with nothing written.
 */
static int
sign_and_post(struct svc_resp *w, struct svc_req *r, struct lh_server *s,
    const struct helper_rp *rp, const char *challenge, const char *username,
    const char *id, const char *pin, int *written)
{
	struct certauth_statement st;
	struct helper_identity idn;
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	char fp[65], *stm = NULL, *stm64 = NULL, *sig64 = NULL;
	char *cpem = NULL, *chpem = NULL;
	const char *names[4], *values[4];
	size_t stmlen, siglen = sizeof(sig), clen, i;
	int rc;

	*written = 0;
	if ((rc = login_identity(s, id, &idn, &cert, &chain)) != 0)
		goto out;
	pthread_mutex_lock(&s->h->lock);
	rc = helper_keystore_key(s->h->ks, id, pin, &key);
	pthread_mutex_unlock(&s->h->lock);
	if (rc != 0)
		goto out;
	if ((rc = gmpki_cert_fingerprint_sm3(cert, fp)) != 0)
		goto out;
	for (i = 0; fp[i] != '\0'; i++)
		fp[i] = (char)tolower((unsigned char)fp[i]);
	memset(&st, 0, sizeof(st));
	st.challenge = challenge;
	st.rp = rp->id;
	st.origin = rp->origin;
	st.username = username;
	st.cert_sm3 = fp;
	st.time = (int64_t)time(NULL);
	if ((rc = certauth_statement_encode(&st, &stm, &stmlen)) != 0 ||
	    (rc = gmpki_sm2_sign(key, NULL, stm, stmlen, sig, &siglen)) != 0 ||
	    (rc = certauth_b64url_encode(stm, stmlen, &stm64)) != 0 ||
	    (rc = certauth_b64url_encode(sig, siglen, &sig64)) != 0 ||
	    (rc = gmpki_cert_to_pem(cert, &cpem, &clen)) != 0)
		goto out;
	if ((chpem = chain_pem(chain)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	names[0] = "statement";
	values[0] = stm64;
	names[1] = "signature";
	values[1] = sig64;
	names[2] = "certificate";
	values[2] = cpem;
	names[3] = "chain";
	values[3] = chpem;
	helper_log(HELPER_LOG_INFO, "login for %s signed with %s (%s)", rp->id,
	    id, idn.username);
	*written = 1;
	rc = post_page(w, r, rp, names, values, 4);
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	free(stm);
	free(stm64);
	free(sig64);
	free(cpem);
	free(chpem);
	return rc;
}

/* The 客户身份验证 window, with a fresh single-use token. */
static int
consent_page(struct svc_resp *w, struct svc_req *r, struct lh_server *s,
    const struct helper_rp *rp, const char *challenge, const char *username,
    const char *preselect, int pin_wrong)
{
	struct helper_entry *e = NULL;
	struct helper_identity idn;
	struct helper_msg m;
	struct svc_buf rows;
	struct lh_vars vs;
	char token[LH_SECRET_LEN + 1], nb[32], na[32];
	size_t n = 0, i, shown = 0;
	int pass, rc, checked = 0, any_pin = 0;

	memset(&m, 0, sizeof(m));
	if ((rc = helper_op_list(s->h, &e, &n, &m)) != 0)
		return message(w, r, 500, "error", T(r, "hc.error"), m.zh,
		    m.en, m.name, "/", T(r, "hc.home"), 0);
	svc_buf_init(&rows, LH_PAGE_LIMIT);
	/* the one whose CN is the username first, then the others */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (e[i].rc != 0 ||
			    (strcmp(e[i].idn.username, username) == 0) !=
			    (pass == 0))
				continue;
			if (login_identity(s, e[i].idn.id, &idn, NULL,
			    NULL) != 0)
				continue;
			fmt_time(idn.not_before, nb, sizeof(nb));
			fmt_time(idn.not_after, na, sizeof(na));
			svc_buf_str(&rows, "<li><label><input type=\"radio\" "
			    "name=\"id\" value=\"");
			svc_buf_html(&rows, idn.id);
			svc_buf_str(&rows, "\"");
			if (!checked && (preselect == NULL ||
			    strcmp(preselect, idn.id) == 0)) {
				svc_buf_str(&rows, " checked");
				checked = 1;
			}
			svc_buf_printf(&rows, " data-pin=\"%d\"> <span "
			    "class=\"user\">", idn.has_pin ? 1 : 0);
			svc_buf_html(&rows, idn.username);
			svc_buf_str(&rows, "</span> <span class=\"org\">");
			svc_buf_html(&rows, T(r, "hc.col.org"));
			svc_buf_str(&rows, ": ");
			svc_buf_html(&rows, idn.org);
			svc_buf_str(&rows, "</span> <span class=\"validity\">");
			svc_buf_html(&rows, T(r, "hc.login.validity"));
			svc_buf_str(&rows, ": ");
			svc_buf_html(&rows, nb);
			svc_buf_str(&rows, " ~ ");
			svc_buf_html(&rows, na);
			svc_buf_str(&rows, "</span>");
			if (idn.not_after < time(NULL)) {
				svc_buf_str(&rows, " <span class=\"expired\">");
				svc_buf_html(&rows, T(r, "status.expired"));
				svc_buf_str(&rows, "</span>");
			}
			svc_buf_str(&rows, "</label></li>\n");
			any_pin |= idn.has_pin;
			shown++;
		}
	}
	free(e);
	if (!svc_buf_ok(&rows)) {
		svc_buf_free(&rows);
		return error_page(w, r, 500, GMPKI_ERR_INTERNAL);
	}
	if ((rc = consent_new(s, rp->id, challenge, username, token)) != 0) {
		svc_buf_free(&rows);
		return error_page(w, r, 500, GMPKI_ERR_INTERNAL);
	}
	memset(&vs, 0, sizeof(vs));
	var_set(&vs, "title", T(r, "hc.login.heading"));
	var_set(&vs, "rp_name", rp->name);
	var_set(&vs, "rp_origin", rp->origin);
	var_set(&vs, "username", username);
	var_set(&vs, "rows", rows.data != NULL ? rows.data : "");
	var_set(&vs, "have", shown > 0 ? "1" : "");
	var_set(&vs, "none", shown == 0 ? T(r, "hc.login.none") : "");
	var_set(&vs, "any_pin", any_pin ? "1" : "");
	var_set(&vs, "error", pin_wrong ? T(r, "hc.login.pin_wrong") : "");
	var_set(&vs, "token", token);
	rc = render(w, r, pin_wrong ? 400 : 200, "consent.html", &vs, 0);
	gmpki_wipe(token, sizeof(token));
	svc_buf_free(&rows);
	return rc;
}

static int
login_refused(struct svc_resp *w, struct svc_req *r, int status,
    const char *key)
{
	char k2[64];

	snprintf(k2, sizeof(k2), "%s_msg", key);
	return message(w, r, status, "error", T(r, key), svc_t("zh", k2),
	    svc_t("en", k2), status == 403 ? "RP_UNKNOWN" : "BAD_REQUEST",
	    "", "", 0);
}

/* GET /v1/login?rp=&challenge=&username= */
static int
h_login(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	struct helper_identity idn;
	struct helper_rp rp;
	const char *rp_id = svc_req_query(r, "rp");
	const char *challenge = svc_req_query(r, "challenge");
	const char *username = svc_req_query(r, "username");
	char id[HELPER_ID_LEN + 1];
	int rc, written;

	/* a system registered since the last fetch: fetch again, at most
	 * every HELPER_DIR_MIN_REFRESH seconds whoever asks */
	if (!helper_directory_rp(s->h, rp_id, &rp) &&
	    (!helper_directory_refresh_if_older(s->h,
	    HELPER_DIR_MIN_REFRESH) || !helper_directory_rp(s->h, rp_id,
	    &rp))) {
		helper_log(HELPER_LOG_WARN, "login refused: reporting system "
		    "not in the directory");
		return login_refused(w, r, 403, "hc.login.unknown_rp");
	}
	if (!challenge_ok(challenge) || !username_ok(username))
		return login_refused(w, r, 400, "hc.login.bad");
	/* a remembered choice, for a key without a PIN: no window */
	id[0] = '\0';
	pthread_mutex_lock(&s->h->lock);
	rc = helper_keystore_recall(s->h->ks, rp.id, id);
	pthread_mutex_unlock(&s->h->lock);
	if (rc != 0)
		id[0] = '\0';
	if (id[0] != '\0' && login_identity(s, id, &idn, NULL, NULL) == 0 &&
	    !idn.has_pin) {
		rc = sign_and_post(w, r, s, &rp, challenge, username, id, NULL,
		    &written);
		if (rc == 0 || written)
			return rc;
		helper_log(HELPER_LOG_WARN, "login for %s: remembered %s "
		    "failed: %s", rp.id, id, helper_errname(rc));
	}
	return consent_page(w, r, s, &rp, challenge, username,
	    id[0] != '\0' ? id : NULL, 0);
}

/* POST /v1/login/confirm: 确定 or 取消 on the helper's own window. */
static int
h_login_confirm(struct svc_req *r, struct svc_resp *w)
{
	struct lh_server *s = srv_of(r);
	struct lh_consent c;
	struct helper_rp rp;
	const char *o = svc_req_header(r, "Origin");
	const char *action = svc_req_form(r, "action");
	const char *id = svc_req_form(r, "id");
	const char *pin = svc_req_form(r, "pin");
	const char *remember = svc_req_form(r, "remember");
	int rc, written;

	if (o == NULL || (strcmp(o, s->self_ip) != 0 &&
	    strcmp(o, s->self_name) != 0)) {
		helper_log(HELPER_LOG_WARN, "login confirm refused: Origin %s",
		    o != NULL ? o : "(none)");
		return forbidden(w, r, svc_t("zh", "hc.login.foreign_msg"),
		    svc_t("en", "hc.login.foreign_msg"));
	}
	if (!consent_take(s, svc_req_form(r, "token"), &c)) {
		helper_log(HELPER_LOG_WARN, "login confirm refused: no such "
		    "window (token missing, used or expired)");
		return forbidden(w, r, svc_t("zh", "hc.login.stale_msg"),
		    svc_t("en", "hc.login.stale_msg"));
	}
	if (!helper_directory_rp(s->h, c.rp, &rp)) {
		gmpki_wipe(&c, sizeof(c));
		return login_refused(w, r, 403, "hc.login.unknown_rp");
	}
	if (action != NULL && strcmp(action, "cancel") == 0) {
		gmpki_wipe(&c, sizeof(c));
		return post_cancelled(w, r, &rp);
	}
	rc = sign_and_post(w, r, s, &rp, c.challenge, c.username, id,
	    pin != NULL && pin[0] != '\0' ? pin : NULL, &written);
	if (rc == 0 && remember != NULL && strcmp(remember, "1") == 0) {
		pthread_mutex_lock(&s->h->lock);
		if (helper_keystore_remember(s->h->ks, rp.id, id) != 0)
			helper_log(HELPER_LOG_WARN, "cannot remember the "
			    "choice for %s", rp.id);
		pthread_mutex_unlock(&s->h->lock);
	}
	if (rc == 0 || written) {
		gmpki_wipe(&c, sizeof(c));
		return rc;
	}
	if (rc == GMPKI_ERR_PASSPHRASE)
		rc = consent_page(w, r, s, &rp, c.challenge, c.username, id, 1);
	else
		rc = message(w, r, rc == GMPKI_ERR_NOT_FOUND ||
		    rc == GMPKI_ERR_ARG ? 400 : 500, "error", T(r, "hc.error"),
		    helper_strerror(rc), helper_strerror_en(rc),
		    helper_errname(rc), "", "", 0);
	gmpki_wipe(&c, sizeof(c));
	return rc;
}

/* ------------------------------------------------------------------ */
/* the server                                                           */

#define ND SVC_ROUTE_NO_DB
static const struct svc_route lh_routes[] = {
	{"GET", "/v1/ping", h_ping, 0, ND},
	{"POST", "/v1/enroll", h_enroll, LH_FORM_MAX, ND},
	{"POST", "/v1/revoked", h_revoked, LH_FORM_MAX, ND},
	{"GET", "/v1/login", h_login, 0, ND},
	{"POST", "/v1/login/confirm", h_login_confirm, LH_FORM_MAX, ND},
	{"GET", "/console", h_console, 0, ND},
	{"GET", "/console/cert", h_cert, 0, ND},
	{"GET", "/console/status", h_status, 0, ND},
	{"GET", "/console/delete", h_delete_form, 0, ND},
	{"POST", "/console/delete", h_delete, LH_FORM_MAX, ND},
	{"GET", "/console/org", h_org, 0, ND},
	{"GET", "/console/clear", h_clear_form, 0, ND},
	{"POST", "/console/clear", h_clear, LH_FORM_MAX, ND},
	{"GET", "/console/env", h_env, 0, ND},
	{"POST", "/console/env", h_repair, LH_FORM_MAX, ND},
	{"GET", "/static/", h_static, 0, SVC_ROUTE_PREFIX | ND},
	{"GET", "/", h_home, 0, ND},
	{NULL, NULL, NULL, 0, 0},
};

int
helper_http_start(struct helper_ctx *h)
{
	struct svc_http_opts o;
	struct lh_server *s;
	int rc;

	h->http = NULL;
	if (h->cfg.port < 1 || h->cfg.port > 65535)
		return GMPKI_ERR_ARG;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return GMPKI_ERR_NOMEM;
	s->h = h;
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->host_ip, sizeof(s->host_ip), "127.0.0.1:%d", h->cfg.port);
	snprintf(s->host_name, sizeof(s->host_name), "localhost:%d",
	    h->cfg.port);
	snprintf(s->self_ip, sizeof(s->self_ip), "http://%s", s->host_ip);
	snprintf(s->self_name, sizeof(s->self_name), "http://%s",
	    s->host_name);
	/* Exactly these, with the port: no other name reaches a handler. */
	s->hosts[0] = s->host_ip;
	s->hosts[1] = s->host_name;
	s->hosts[2] = NULL;

	memset(&o, 0, sizeof(o));
	o.listen_addr = "127.0.0.1";
	o.port = h->cfg.port;
	o.threads = LH_THREADS;
	o.allowed_hosts = s->hosts;
	o.user = s;
	o.error_page = error_page;
	if ((rc = svc_http_start(&o, lh_routes, NULL, &s->http)) != 0) {
		helper_log(HELPER_LOG_ERROR, "cannot listen on 127.0.0.1:%d "
		    "(is another program using the port?)", h->cfg.port);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return rc;
	}
	h->http = s;
	helper_log(HELPER_LOG_INFO, "loopback HTTP on http://127.0.0.1:%d",
	    h->cfg.port);
	return 0;
}

void
helper_http_stop(struct helper_ctx *h)
{
	struct lh_server *s = h->http;

	if (s == NULL)
		return;
	svc_http_stop(s->http);
	gmpki_wipe(s->sess, sizeof(s->sess));
	gmpki_wipe(s->consent, sizeof(s->consent));
	pthread_mutex_destroy(&s->lock);
	free(s);
	h->http = NULL;
}
