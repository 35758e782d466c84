/*
 * http.c - certsvc's HTTP layer over libmicrohttpd (MHD).
 *
 * One request goes through, in this order, before any handler runs:
 *   1. the path, decoded from the raw request URI by us (MHD's decoded
 *      url silently stops at a %00), must not hold "..", "//", a
 *      backslash, a control character or invalid UTF-8: else 400 (the
 *      one exception: "//" made by escaped slashes, "%2F%2F", on a route
 *      flagged SVC_ROUTE_ENCODED_SLASH, which OCSP GET needs);
 *   2. the route table: unknown path 404, known path with another method
 *      405 with Allow;
 *   3. the Host header must be one of allowed_hosts (DNS rebinding
 *      defence: a page on evil.example whose name now resolves to
 *      127.0.0.1 still sends Host: evil.example): else 421 (400 when
 *      absent);
 *   4. the body is bounded by the route's max_body: a larger
 *      Content-Length is answered 413 at once, before the body is read; a
 *      chunked body is counted as it arrives and never buffered past the
 *      limit.
 * Then a pooled database connection (unless SVC_ROUTE_NO_DB), the handler,
 * and the response with the security headers of every answer (see
 * docs/CERTSVC-HTTP.md for each header and why).
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "app.h"
#include "gmpki/gmpki.h"
#include "page.h"
#include "svc_error.h"

#define HTTP_CONN_LIMIT 256
#define HTTP_CONN_TIMEOUT 30          /* seconds of idleness */
#define HTTP_DISCARD_MAX (1u << 20)   /* body bytes dropped before closing */
#define HTTP_RESP_LIMIT (64u << 20)
#define HTTP_STOP_WAIT_MS 10000
#define LANG_COOKIE_AGE (365 * 24 * 3600)

/*
 * form-action and connect-src admit the certificate helper on loopback:
 * 下载证书 and 废除证书 post a form to http://127.0.0.1:PORT/v1/... and the
 * pages' own script pings the helper (docs/HELPER-PROTOCOL.md).  Only
 * loopback is admitted, and script-src 'self' keeps any injected script
 * from using that.
 */
static const char csp[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; "
    "connect-src 'self' http://127.0.0.1:* http://localhost:*; "
    "form-action 'self' http://127.0.0.1:* http://localhost:*; "
    "frame-ancestors 'none'; base-uri 'none'";

/* An IP address, binary, for comparing. */
struct ipaddr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char a[16];
};

struct svc_http {
	struct MHD_Daemon *d;
	struct ipaddr proxies[SVC_MAX_PROXIES];
	int nproxies;
	const struct svc_route *routes;
	struct svc_app *app;
	char **hosts;            /* NULL: any Host */
	void *user;
	int (*error_page)(struct svc_resp *, struct svc_req *, int, int);
	size_t nhosts;
	int port;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int active;              /* requests between URI and completion */
};

/* One request's state, from the request line to its completion. */
struct rq {
	struct svc_http *h;
	char *raw_uri;
	char *path;              /* decoded; NULL when invalid */
	const struct svc_route *route;
	struct svc_buf body;
	size_t discarded;
	int started;
	int answered;            /* a response was queued early */
	int too_large;
	const char *lang;
	int lang_from_query;     /* ?lang= given: remember it in a cookie */
	char addr[INET6_ADDRSTRLEN];
};

/* ------------------------------------------------------------------ */
/* text checks and decoding                                             */

/* Strict UTF-8 (RFC 3629): no overlong forms, surrogates or > U+10FFFF. */
static int
utf8_ok(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes s[0..len) into a new NUL-terminated string ('+' is a
 * space when plus).  NULL for a bad %-escape, a NUL byte or invalid UTF-8
 * (the caller treats the value as absent) or when out of memory.
 */
static char *
pct_decode(const char *s, size_t len, int plus)
{
	char *out, *o;
	size_t i;
	int hi, lo;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < len; i++) {
		if (s[i] == '%') {
			if (len - i < 3 ||
			    (hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				goto bad;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && s[i] == '+')
			*o++ = ' ';
		else
			*o++ = s[i];
		if (o[-1] == '\0')
			goto bad;
	}
	*o = '\0';
	if (!utf8_ok((unsigned char *)out, (size_t)(o - out)))
		goto bad;
	return out;
bad:
	free(out);
	return NULL;
}

/* The decoded path of a raw request URI, or NULL when it is not one we
 * serve: not origin-form, a bad escape, NUL, control characters, "..",
 * "//" or a backslash (before or after decoding).  A "//" that only
 * decoding made ("%2F%2F", "/%2F") is reported in *eslash instead, for
 * the route to allow or refuse. */
static char *
path_decode(const char *uri, int *eslash)
{
	const char *q;
	size_t n;
	char *p, *c;

	*eslash = 0;
	if (uri == NULL || uri[0] != '/')
		return NULL;
	q = strchr(uri, '?');
	n = q != NULL ? (size_t)(q - uri) : strlen(uri);
	if ((p = pct_decode(uri, n, 0)) == NULL)
		return NULL;
	for (c = (char *)uri; (size_t)(c - uri) + 1 < n; c++)
		if (c[0] == '/' && c[1] == '/')
			goto bad;
	if (strstr(p, "..") != NULL || strchr(p, '\\') != NULL)
		goto bad;
	*eslash = strstr(p, "//") != NULL;
	for (c = p; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			goto bad;
	return p;
bad:
	free(p);
	return NULL;
}

/* RFC 9110 §5.6.2 token. */
static int
token_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-.^_`|~", *s)))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* request lookups                                                      */

static void
kv_free(struct svc_kv *kv, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		if (kv[i].value != NULL) {
			gmpki_wipe(kv[i].value, strlen(kv[i].value));
			free(kv[i].value);
		}
		kv[i].key = kv[i].value = NULL;
	}
}

/* Adds a raw (still escaped) pair when both halves decode; silently
 * drops what does not (the value counts as absent) and what is past
 * SVC_MAX_PARAMS. */
static void
kv_add_raw(struct svc_kv *kv, int *n, const char *k, size_t klen,
    const char *v, size_t vlen)
{
	char *key, *val;

	if (*n >= SVC_MAX_PARAMS || klen == 0)
		return;
	if ((key = pct_decode(k, klen, 1)) == NULL)
		return;
	if ((val = pct_decode(v, vlen, 1)) == NULL) {
		free(key);
		return;
	}
	kv[*n].key = key;
	kv[*n].value = val;
	(*n)++;
}

/* application/x-www-form-urlencoded (WHATWG URL §5.1). */
static void
parse_urlencoded(struct svc_kv *kv, int *n, const char *s, size_t len)
{
	const char *end = s + len, *amp, *eq;

	*n = 0;
	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		if ((eq = memchr(s, '=', (size_t)(amp - s))) == NULL)
			kv_add_raw(kv, n, s, (size_t)(amp - s), "", 0);
		else
			kv_add_raw(kv, n, s, (size_t)(eq - s), eq + 1,
			    (size_t)(amp - eq - 1));
		s = amp + 1;
	}
}

static const char *
kv_find(const struct svc_kv *kv, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, name) == 0)
			return kv[i].value;
	return NULL;
}

const char *
svc_req_query(struct svc_req *r, const char *name)
{
	if (r == NULL || name == NULL)
		return NULL;
	if (r->nquery < 0)      /* http.c parses the query up front */
		r->nquery = 0;
	return kv_find(r->query, r->nquery, name);
}

static int
form_type(const char *ct)
{
	static const char t[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(t) - 1;

	return ct != NULL && strncasecmp(ct, t, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

const char *
svc_req_form(struct svc_req *r, const char *name)
{
	if (r == NULL || name == NULL)
		return NULL;
	if (r->nform < 0) {
		r->nform = 0;
		if (form_type(r->content_type) && r->body != NULL)
			parse_urlencoded(r->form, &r->nform,
			    (const char *)r->body, r->body_len);
	}
	return kv_find(r->form, r->nform, name);
}

static const char *
conn_value(struct svc_req *r, enum MHD_ValueKind kind, const char *name)
{
	const char *v;

	if (r == NULL || r->conn == NULL || name == NULL)
		return NULL;
	v = MHD_lookup_connection_value(r->conn, kind, name);
	if (v == NULL || !utf8_ok((const unsigned char *)v, strlen(v)))
		return NULL;
	return v;
}

const char *
svc_req_header(struct svc_req *r, const char *name)
{
	return conn_value(r, MHD_HEADER_KIND, name);
}

const char *
svc_req_cookie(struct svc_req *r, const char *name)
{
	return conn_value(r, MHD_COOKIE_KIND, name);
}

/* ------------------------------------------------------------------ */
/* responses                                                            */

static void
resp_init(struct svc_resp *w)
{
	memset(w, 0, sizeof(*w));
	svc_buf_init(&w->body, HTTP_RESP_LIMIT);
}

static void
resp_clear(struct svc_resp *w)
{
	kv_free(w->headers, w->nheaders);
	w->nheaders = 0;
	svc_buf_free(&w->body);
}

/* Replaces the body (a zeroed svc_resp made by a test works too). */
static int
resp_set(struct svc_resp *w, int status, const char *type, const void *p,
    size_t len)
{
	size_t limit = w->body.limit;

	svc_buf_free(&w->body);
	svc_buf_init(&w->body, limit != 0 ? limit : HTTP_RESP_LIMIT);
	w->status = 0;
	if (snprintf(w->content_type, sizeof(w->content_type), "%s", type) >=
	    (int)sizeof(w->content_type))
		return GMPKI_ERR_ARG;
	if (svc_buf_add(&w->body, p, len) != 0)
		return GMPKI_ERR_TOO_LARGE;
	w->status = status;
	return 0;
}

int
svc_resp_header(struct svc_resp *w, const char *name, const char *value)
{
	char *k, *v;

	if (w == NULL || !token_ok(name) || value == NULL ||
	    strpbrk(value, "\r\n") != NULL)
		return GMPKI_ERR_ARG;
	if (w->nheaders >= SVC_MAX_HEADERS)
		return GMPKI_ERR_TOO_LARGE;
	if ((k = strdup(name)) == NULL || (v = strdup(value)) == NULL) {
		free(k);
		return GMPKI_ERR_NOMEM;
	}
	w->headers[w->nheaders].key = k;
	w->headers[w->nheaders].value = v;
	w->nheaders++;
	return 0;
}

/* RFC 6265 §4.1.1 cookie-octet. */
static int
cookie_value_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' ||
		    c == ';' || c == '\\')
			return 0;
	}
	return 1;
}

int
svc_resp_cookie(struct svc_resp *w, struct svc_req *r, const char *name,
    const char *value, int max_age)
{
	char line[1024], age[32] = "";
	int secure = 0, n;

	if (w == NULL || !token_ok(name) || value == NULL ||
	    !cookie_value_ok(value))
		return GMPKI_ERR_ARG;
	if (r != NULL && r->app != NULL &&
	    strncasecmp(r->app->cfg.public_url, "https:", 6) == 0)
		secure = 1;
	/* max_age < 0: a session cookie, gone when the browser closes. */
	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%d", max_age);
	n = snprintf(line, sizeof(line),
	    "%s=%s; Path=/%s; HttpOnly; SameSite=Strict%s", name,
	    max_age == 0 ? "" : value, age, secure ? "; Secure" : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return GMPKI_ERR_TOO_LARGE;
	return svc_resp_header(w, "Set-Cookie", line);
}

int
svc_resp_redirect(struct svc_resp *w, const char *location)
{
	int rc;

	if (w == NULL || location == NULL)
		return GMPKI_ERR_ARG;
	/* A path on this site ("//host" would leave it), or an absolute URL
	 * the caller built from its configuration. */
	if (!((location[0] == '/' && location[1] != '/' &&
	    location[1] != '\\') ||
	    strncmp(location, "http://", 7) == 0 ||
	    strncmp(location, "https://", 8) == 0))
		return GMPKI_ERR_ARG;
	if ((rc = svc_resp_header(w, "Location", location)) != 0)
		return rc;
	return resp_set(w, 303, "text/plain; charset=utf-8", "", 0);
}

int
svc_resp_json(struct svc_resp *w, int status, const char *json)
{
	if (w == NULL || json == NULL)
		return GMPKI_ERR_ARG;
	return resp_set(w, status, "application/json; charset=utf-8", json,
	    strlen(json));
}

int
svc_resp_bytes(struct svc_resp *w, int status, const char *type,
    const void *p, size_t len)
{
	if (w == NULL || type == NULL || (p == NULL && len != 0))
		return GMPKI_ERR_ARG;
	return resp_set(w, status, type, p, len);
}

int
svc_resp_error_page(struct svc_resp *w, struct svc_req *r, int status,
    int code)
{
	char st[16];
	int en = r != NULL && r->lang != NULL && strcmp(r->lang, "en") == 0;
	struct svc_var v[4];
	static const char fallback[] = "Error";

	if (w == NULL)
		return GMPKI_ERR_ARG;
	snprintf(st, sizeof(st), "%d", status);
	v[0].key = "title";
	v[0].value = svc_t(en ? "en" : "zh", "error.title");
	v[1].key = "message";
	v[1].value = en ? svc_strerror_en(code) : svc_strerror(code);
	v[2].key = "status";
	v[2].value = st;
	v[3].key = "code";
	v[3].value = svc_errname(code);
	if (svc_render(w, r, status, "error.html", v, 4) == 0)
		return 0;
	/* A broken template must not hide the error itself. */
	return resp_set(w, status, "text/plain; charset=utf-8", fallback,
	    sizeof(fallback) - 1);
}

int
svc_resp_error_json(struct svc_resp *w, int status, int code)
{
	struct svc_buf b;
	int rc;

	if (w == NULL)
		return GMPKI_ERR_ARG;
	svc_buf_init(&b, 4096);
	svc_buf_str(&b, "{\"error\":\"");
	svc_buf_json(&b, svc_errname(code));
	svc_buf_str(&b, "\",\"message\":\"");
	svc_buf_json(&b, svc_strerror(code));
	svc_buf_str(&b, "\",\"message_en\":\"");
	svc_buf_json(&b, svc_strerror_en(code));
	svc_buf_str(&b, "\"}");
	rc = svc_buf_ok(&b) ? svc_resp_json(w, status, b.data) :
	    GMPKI_ERR_TOO_LARGE;
	svc_buf_free(&b);
	return rc;
}

/* ------------------------------------------------------------------ */
/* the MHD side                                                         */

static int
is_api(const char *path)
{
	return path != NULL && (strncmp(path, "/api/", 5) == 0 ||
	    strcmp(path, "/api") == 0);
}

/* An error answer in the form the path's clients read: JSON under /api/,
 * an HTML page elsewhere. */
static void
error_resp(const struct svc_http *h, struct svc_resp *w, struct svc_req *r,
    int status, int code)
{
	if (is_api(r->path))
		svc_resp_error_json(w, status, code);
	else if (h->error_page == NULL ||
	    h->error_page(w, r, status, code) != 0 || w->status != status)
		svc_resp_error_page(w, r, status, code);
}

static int
add_header(struct MHD_Response *m, const char *k, const char *v)
{
	return MHD_add_response_header(m, k, v) == MHD_YES ? 0 :
	    GMPKI_ERR_ARG;
}

static int
resp_has_header(const struct svc_resp *w, const char *name)
{
	int i;

	for (i = 0; i < w->nheaders; i++)
		if (strcasecmp(w->headers[i].key, name) == 0)
			return 1;
	return 0;
}

static enum MHD_Result
queue(struct MHD_Connection *c, struct svc_resp *w)
{
	struct MHD_Response *m;
	enum MHD_Result ret;
	int i, rc = 0;

	m = MHD_create_response_from_buffer(w->body.len,
	    w->body.data != NULL ? w->body.data : (char *)"",
	    MHD_RESPMEM_MUST_COPY);
	if (m == NULL)
		return MHD_NO;
	if (w->content_type[0] != '\0')
		rc |= add_header(m, MHD_HTTP_HEADER_CONTENT_TYPE,
		    w->content_type);
	/* A handler may give its own policy: the helper's page that posts a
	 * login statement must allow form-action to the reporting system's
	 * registered origin, which may be https and anywhere. */
	if (!resp_has_header(w, "Content-Security-Policy"))
		rc |= add_header(m, "Content-Security-Policy", csp);
	rc |= add_header(m, "X-Content-Type-Options", "nosniff");
	rc |= add_header(m, "X-Frame-Options", "DENY");
	/* A handler may ask for another policy: the hand-off pages need
	 * "strict-origin", or the form they post to the helper carries
	 * Origin: null (Fetch §3.1, "serializing a request origin"). */
	if (!resp_has_header(w, "Referrer-Policy"))
		rc |= add_header(m, "Referrer-Policy", "no-referrer");
	rc |= add_header(m, MHD_HTTP_HEADER_CACHE_CONTROL,
	    w->cacheable ? "public, max-age=3600" : "no-store");
	for (i = 0; i < w->nheaders; i++)
		rc |= add_header(m, w->headers[i].key, w->headers[i].value);
	if (rc != 0) {
		MHD_destroy_response(m);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, (unsigned)w->status, m);
	MHD_destroy_response(m);
	return ret;
}

/* The request's language: ?lang= wins, then the lang cookie; zh else. */
static const char *
pick_lang(struct MHD_Connection *c, int *from_query)
{
	const char *q, *k;

	*from_query = 0;
	q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
	if (q != NULL && (strcmp(q, "en") == 0 || strcmp(q, "zh") == 0)) {
		*from_query = 1;
		return strcmp(q, "en") == 0 ? "en" : "zh";
	}
	k = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "lang");
	return k != NULL && strcmp(k, "en") == 0 ? "en" : "zh";
}

static void
req_setup(struct svc_req *r, struct rq *q, struct MHD_Connection *c,
    const char *method)
{
	memset(r, 0, sizeof(*r));
	r->app = q->h->app;
	r->method = method;
	r->path = q->path != NULL ? q->path : "/";
	r->remote_addr = q->addr;
	r->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	r->now = time(NULL);
	r->lang = q->lang;
	r->nquery = 0;
	r->nform = -1;           /* parsed when first asked */
	r->conn = c;
	r->user = q->h->user;
}

static void
req_clear(struct svc_req *r)
{
	kv_free(r->query, r->nquery);
	if (r->nform > 0)
		kv_free(r->form, r->nform);
}

/* Answers now, before the handler (and before any body is read). */
static enum MHD_Result
answer_early(struct rq *q, struct MHD_Connection *c, const char *method,
    int status, int code, const char *allow)
{
	struct svc_req r;
	struct svc_resp w;
	enum MHD_Result ret;

	req_setup(&r, q, c, method);
	resp_init(&w);
	error_resp(q->h, &w, &r, status, code);
	if (allow != NULL)
		svc_resp_header(&w, "Allow", allow);
	q->answered = 1;
	ret = queue(c, &w);
	resp_clear(&w);
	req_clear(&r);
	return ret;
}

static int
method_is(const char *route_method, const char *method)
{
	if (strcmp(route_method, method) == 0)
		return 1;
	/* HEAD is GET without the body (MHD drops it). */
	return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static int
path_matches(const struct svc_route *rt, const char *path)
{
	if (rt->flags & SVC_ROUTE_PREFIX)
		return strncmp(path, rt->pattern, strlen(rt->pattern)) == 0;
	return strcmp(path, rt->pattern) == 0;
}

/* Appends method to the Allow list unless it is there. */
static void
allow_add(char *allow, size_t len, const char *m)
{
	size_t used = strlen(allow);

	if (strstr(allow, m) != NULL)
		return;
	snprintf(allow + used, len - used, "%s%s", used != 0 ? ", " : "", m);
}

/* The route for path and method; *allow lists the methods the path has. */
static const struct svc_route *
route_find(const struct svc_route *routes, const char *path,
    const char *method, char *allow, size_t allowlen, int *path_known)
{
	const struct svc_route *rt;
	int has_get = 0;

	*path_known = 0;
	allow[0] = '\0';
	for (rt = routes; rt->method != NULL; rt++) {
		if (!path_matches(rt, path))
			continue;
		if (method_is(rt->method, method))
			return rt;
		*path_known = 1;
		allow_add(allow, allowlen, rt->method);
		has_get |= strcmp(rt->method, "GET") == 0;
	}
	if (has_get)
		allow_add(allow, allowlen, "HEAD");
	return NULL;
}

/* The length of an allowed entry's name: "name", "name:port",
 * "[v6]:port". */
static size_t
entry_host_len(const char *e)
{
	const char *end;

	if (e[0] == '[')
		return (end = strchr(e, ']')) != NULL ?
		    (size_t)(end + 1 - e) : strlen(e);
	return (end = strchr(e, ':')) != NULL ? (size_t)(end - e) :
	    strlen(e);
}

/* Host as sent ("name[:port]", "[v6][:port]") against the allowed list:
 * an entry with a port must match exactly, one without any port; a Host
 * without a port matches an entry of the same name whatever its port. */
static int
host_allowed(const struct svc_http *h, const char *host)
{
	const char *end;
	size_t i, hlen, nlen;

	if (h->hosts == NULL)
		return 1;
	hlen = strlen(host);
	if (host[0] == '[') {
		if ((end = strchr(host, ']')) == NULL)
			return 0;
		end++;
	} else if ((end = strchr(host, ':')) == NULL)
		end = host + hlen;
	if (*end != '\0' && *end != ':')
		return 0;
	if (*end == ':' && (end[1] == '\0' ||
	    strspn(end + 1, "0123456789") != strlen(end + 1) ||
	    strlen(end + 1) > 5))
		return 0;
	nlen = (size_t)(end - host);
	for (i = 0; i < h->nhosts; i++) {
		if (strcasecmp(h->hosts[i], host) == 0)
			return 1;
		/* No port at all (OpenSSL 3.0's OCSP client sends none): the
		 * name decides, as the port does nothing against rebinding. */
		if (*end == '\0' && entry_host_len(h->hosts[i]) == nlen &&
		    strncasecmp(h->hosts[i], host, nlen) == 0)
			return 1;
		if (strchr(h->hosts[i], ':') == NULL ||
		    h->hosts[i][0] == '[') {
			if (strlen(h->hosts[i]) == nlen &&
			    strncasecmp(h->hosts[i], host, nlen) == 0)
				return 1;
		}
	}
	return 0;
}

/* s[0..n) as an IP literal (a v4-mapped v6 address is the v4 one). */
static int
ip_parse(const char *s, size_t n, struct ipaddr *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, ip->a) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, ip->a) != 1)
		return -1;
	ip->family = AF_INET6;
	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(void *)ip->a)) {
		memmove(ip->a, ip->a + 12, 4);
		memset(ip->a + 4, 0, 12);
		ip->family = AF_INET;
	}
	return 0;
}

/* Parses "A, B C" into out (up to max); the count or -1. */
static int
ip_list_parse(const char *s, struct ipaddr *out, int max)
{
	const char *sep = ", \t";
	size_t n;
	int count = 0;

	while (s != NULL && *s != '\0') {
		s += strspn(s, sep);
		if (*s == '\0')
			break;
		n = strcspn(s, sep);
		if (count == max || ip_parse(s, n, &out[count]) != 0)
			return -1;
		count++;
		s += n;
	}
	return count;
}

int
svc_addr_list_check(const char *s)
{
	struct ipaddr tmp[SVC_MAX_PROXIES];

	return ip_list_parse(s, tmp, SVC_MAX_PROXIES);
}

static int
is_proxy(const struct svc_http *h, const struct ipaddr *ip)
{
	int i;

	for (i = 0; i < h->nproxies; i++)
		if (h->proxies[i].family == ip->family &&
		    memcmp(h->proxies[i].a, ip->a, 16) == 0)
			return 1;
	return 0;
}

/* The X-Forwarded-For lines of a request, in order (at most 16). */
struct xff {
	const char *v[16];
	int n;
};

static enum MHD_Result
xff_collect(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct xff *x = cls;

	(void)kind;
	if (key != NULL && value != NULL &&
	    strcasecmp(key, "X-Forwarded-For") == 0 && x->n < 16)
		x->v[x->n++] = value;
	return MHD_YES;
}

/*
 * From a trusted proxy: the client is the rightmost X-Forwarded-For entry
 * that is not a trusted proxy (entries left of it are the client's own
 * say and could be anything).  A malformed entry on the way, no header,
 * or only proxies: the peer address stays.  out gets the canonical text.
 */
static void
client_from_xff(struct svc_http *h, struct MHD_Connection *c, char *out,
    size_t outlen)
{
	struct ipaddr peer, ip;
	struct xff x;
	size_t end, start;
	int i;

	if (h->nproxies == 0 || ip_parse(out, strlen(out), &peer) != 0 ||
	    !is_proxy(h, &peer))
		return;
	memset(&x, 0, sizeof(x));
	MHD_get_connection_values(c, MHD_HEADER_KIND, xff_collect, &x);
	for (i = x.n - 1; i >= 0; i--) {
		const char *v = x.v[i];

		for (end = strlen(v); end > 0; end = start > 0 ? start - 1 : 0) {
			size_t a, b;

			for (start = end; start > 0 && v[start - 1] != ',';
			    start--)
				;
			for (a = start; a < end && (v[a] == ' ' ||
			    v[a] == '\t'); a++)
				;
			for (b = end; b > a && (v[b - 1] == ' ' ||
			    v[b - 1] == '\t'); b--)
				;
			if (ip_parse(v + a, b - a, &ip) != 0)
				return;
			if (!is_proxy(h, &ip)) {
				inet_ntop(ip.family, ip.a, out,
				    (socklen_t)outlen);
				return;
			}
			if (start == 0)
				break;
		}
	}
}

/* First call: headers are in, the body is not.  Checks 1-4 above. */
static enum MHD_Result
begin(struct rq *q, struct MHD_Connection *c, const char *method)
{
	const char *host, *cl, *te;
	char allow[64], *end;
	unsigned long long len;
	int known, eslash;

	q->lang = pick_lang(c, &q->lang_from_query);
	client_from_xff(q->h, c, q->addr, sizeof(q->addr));
	if ((q->path = path_decode(q->raw_uri, &eslash)) == NULL)
		return answer_early(q, c, method, 400, SVC_ERR_BAD_REQUEST,
		    NULL);
	q->route = route_find(q->h->routes, q->path, method, allow,
	    sizeof(allow), &known);
	if (eslash && (q->route == NULL ||
	    !(q->route->flags & SVC_ROUTE_ENCODED_SLASH)))
		return answer_early(q, c, method, 400, SVC_ERR_BAD_REQUEST,
		    NULL);
	if (q->route == NULL)
		return answer_early(q, c, method, known ? 405 : 404,
		    known ? SVC_ERR_METHOD : SVC_ERR_NOT_FOUND,
		    known ? allow : NULL);
	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	if (host == NULL || host[0] == '\0')
		return answer_early(q, c, method, 400, SVC_ERR_HOST, NULL);
	if (!host_allowed(q->h, host))
		return answer_early(q, c, method, 421, SVC_ERR_HOST, NULL);

	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		len = strtoull(cl, &end, 10);
		if (cl[0] < '0' || cl[0] > '9' || *end != '\0' ||
		    errno != 0)
			return answer_early(q, c, method, 400,
			    SVC_ERR_BAD_REQUEST, NULL);
		if (len > q->route->max_body)
			return answer_early(q, c, method, 413,
			    SVC_ERR_BODY_TOO_LARGE, NULL);
	}
	te = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (te != NULL && q->route->max_body == 0)
		return answer_early(q, c, method, 413, SVC_ERR_BODY_TOO_LARGE,
		    NULL);
	svc_buf_init(&q->body, q->route->max_body != 0 ?
	    q->route->max_body : 1);
	return MHD_YES;
}

/* Body bytes: kept up to max_body, then counted and dropped. */
static enum MHD_Result
take_body(struct rq *q, const char *data, size_t n)
{
	if (!q->too_large && (q->body.len > q->route->max_body ||
	    n > q->route->max_body - q->body.len)) {
		q->too_large = 1;
		svc_buf_free(&q->body);
	}
	if (q->too_large) {
		q->discarded += n;
		/* Past this, stop reading: the connection closes. */
		return q->discarded > HTTP_DISCARD_MAX ? MHD_NO : MHD_YES;
	}
	return svc_buf_add(&q->body, data, n) == 0 ? MHD_YES : MHD_NO;
}

/* The query from the raw URI ('+' as space, like forms sent by GET). */
static void
parse_query(struct svc_req *r, const struct rq *q)
{
	const char *s = strchr(q->raw_uri, '?'), *hash;

	r->nquery = 0;
	if (s == NULL)
		return;
	s++;
	hash = strchr(s, '#');
	parse_urlencoded(r->query, &r->nquery, s,
	    hash != NULL ? (size_t)(hash - s) : strlen(s));
}

static enum MHD_Result
finish(struct rq *q, struct MHD_Connection *c, const char *method)
{
	static const unsigned char empty[1];
	struct svc_req r;
	struct svc_resp w;
	struct svc_app *app = q->h->app;
	enum MHD_Result ret;
	int rc;

	if (q->too_large)
		return answer_early(q, c, method, 413, SVC_ERR_BODY_TOO_LARGE,
		    NULL);
	req_setup(&r, q, c, method);
	parse_query(&r, q);
	r.body = q->body.data != NULL ? (unsigned char *)q->body.data : empty;
	r.body_len = q->body.len;
	resp_init(&w);
	if (q->lang_from_query)
		svc_resp_cookie(&w, &r, "lang", r.lang, LANG_COOKIE_AGE);

	if (!(q->route->flags & SVC_ROUTE_NO_DB)) {
		if (app == NULL || app->pool == NULL ||
		    (r.db = svc_db_pool_get(app->pool)) == NULL) {
			error_resp(q->h, &w, &r, 503, SVC_ERR_DB);
			goto send;
		}
	}
	rc = q->route->fn(&r, &w);
	if (r.db != NULL)
		svc_db_pool_put(app->pool, r.db);
	r.db = NULL;
	if ((rc != 0 && w.status == 0) || w.status < 100 || w.status > 599 ||
	    !svc_buf_ok(&w.body))
		error_resp(q->h, &w, &r, 500, rc != 0 ? rc : GMPKI_ERR_INTERNAL);
send:
	ret = queue(c, &w);
	resp_clear(&w);
	req_clear(&r);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct rq *q = *con_cls;

	(void)cls;
	(void)url;
	(void)version;
	if (q == NULL)
		return MHD_NO;
	if (q->answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (!q->started) {
		q->started = 1;
		return begin(q, c, method);
	}
	if (*upload_size != 0) {
		size_t n = *upload_size;

		*upload_size = 0;
		return take_body(q, upload, n);
	}
	return finish(q, c, method);
}

static void
addr_text(struct MHD_Connection *c, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	const struct sockaddr_in6 *s6;

	snprintf(out, outlen, "%s", "unknown");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, out, (socklen_t)outlen);
	} else if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		/* ::ffff:a.b.c.d is a v4 client on a dual-stack socket:
		 * one client, one rate-limit key. */
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], out,
			    (socklen_t)outlen);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, out,
			    (socklen_t)outlen);
	}
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct svc_http *h = cls;
	struct rq *q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	if ((q->raw_uri = strdup(uri != NULL ? uri : "")) == NULL) {
		free(q);
		return NULL;
	}
	q->h = h;
	q->lang = "zh";
	svc_buf_init(&q->body, 1);
	addr_text(c, q->addr, sizeof(q->addr));
	pthread_mutex_lock(&h->lock);
	h->active++;
	pthread_mutex_unlock(&h->lock);
	return q;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct svc_http *h = cls;
	struct rq *q = *con_cls;

	(void)c;
	(void)toe;
	if (q == NULL)
		return;
	*con_cls = NULL;
	svc_buf_free(&q->body);
	free(q->raw_uri);
	free(q->path);
	free(q);
	pthread_mutex_lock(&h->lock);
	if (--h->active == 0)
		pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->lock);
}

static void
hosts_free(struct svc_http *h)
{
	size_t i;

	for (i = 0; i < h->nhosts; i++)
		free(h->hosts[i]);
	free(h->hosts);
	h->hosts = NULL;
	h->nhosts = 0;
}

static int
hosts_copy(struct svc_http *h, const char **hosts)
{
	size_t n;

	if (hosts == NULL)
		return 0;
	for (n = 0; hosts[n] != NULL; n++)
		;
	if ((h->hosts = calloc(n + 1, sizeof(*h->hosts))) == NULL)
		return GMPKI_ERR_NOMEM;
	for (h->nhosts = 0; h->nhosts < n; h->nhosts++)
		if ((h->hosts[h->nhosts] = strdup(hosts[h->nhosts])) == NULL)
			return GMPKI_ERR_NOMEM;
	return 0;
}

int
svc_http_start(const struct svc_http_opts *o, const struct svc_route *routes,
    struct svc_app *app, struct svc_http **out)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	struct svc_http *h;
	unsigned int flags;
	char portstr[8];
	int rc;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (o == NULL || routes == NULL || o->port < 0 || o->port > 65535)
		return GMPKI_ERR_ARG;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return GMPKI_ERR_NOMEM;
	h->routes = routes;
	h->app = app;
	h->user = o->user;
	h->error_page = o->error_page;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->idle, NULL);
	if ((rc = hosts_copy(h, o->allowed_hosts)) != 0)
		goto fail;
	if ((h->nproxies = ip_list_parse(o->trusted_proxies, h->proxies,
	    SVC_MAX_PROXIES)) < 0) {
		rc = GMPKI_ERR_ARG;
		goto fail;
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(portstr, sizeof(portstr), "%d", o->port);
	if (getaddrinfo(o->listen_addr != NULL ? o->listen_addr : "127.0.0.1",
	    portstr, &hints, &ai) != 0 || ai == NULL ||
	    ai->ai_addrlen > sizeof(ss)) {
		rc = SVC_ERR_CONFIG;
		goto fail;
	}
	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	freeaddrinfo(ai);

	h->d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL,
	    on_request, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned int)(o->threads > 0 ? o->threads : 4),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_CONN_TIMEOUT,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		rc = SVC_ERR_CONFIG;
		goto fail;
	}
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di != NULL ? di->port : o->port;
	*out = h;
	return 0;
fail:
	hosts_free(h);
	pthread_cond_destroy(&h->idle);
	pthread_mutex_destroy(&h->lock);
	free(h);
	return rc;
}

int
svc_http_port(const struct svc_http *h)
{
	return h != NULL ? h->port : 0;
}

void
svc_http_stop(struct svc_http *h)
{
	struct timespec until;
	MHD_socket fd;

	if (h == NULL)
		return;
	/* Stop accepting; requests already read finish and are answered. */
	fd = MHD_quiesce_daemon(h->d);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HTTP_STOP_WAIT_MS / 1000;
	pthread_mutex_lock(&h->lock);
	while (h->active > 0)
		if (pthread_cond_timedwait(&h->idle, &h->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&h->lock);
	MHD_stop_daemon(h->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	hosts_free(h);
	pthread_cond_destroy(&h->idle);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
