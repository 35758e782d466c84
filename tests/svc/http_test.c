/*
 * http_test.c - the HTTP layer (http.c), pages (template.c, i18n.c) and
 * static files, driven over loopback with libcurl against a toy route
 * table.  The app has no database pool: routes flagged SVC_ROUTE_NO_DB
 * run, the others must answer 503.
 */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdatomic.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "app.h"
#include "http.h"
#include "page.h"
#include "svc_error.h"

/* The generated table of embedded files (scripts/embed.cmake). */
struct web_asset {
	const char *path;
	const unsigned char *data;
	size_t len;
	const char *type;
};
extern const struct web_asset web_assets[];

static atomic_int body_calls;
static atomic_int slow_done;

/* ---------------- toy handlers ---------------- */

static int
text_page(struct svc_resp *w, struct svc_buf *b)
{
	int rc = svc_resp_bytes(w, 200, "text/plain; charset=utf-8", b->data,
	    b->len);

	svc_buf_free(b);
	return rc;
}

/* "name=[value]" per asked name, HTML-escaped, "name=absent" if absent. */
static void
echo_value(struct svc_buf *b, const char *name, const char *v)
{
	svc_buf_printf(b, "%s=", name);
	if (v == NULL)
		svc_buf_str(b, "absent");
	else {
		svc_buf_str(b, "[");
		svc_buf_html(b, v);
		svc_buf_str(b, "]");
	}
	svc_buf_str(b, "\n");
}

static int
h_echo(struct svc_req *r, struct svc_resp *w)
{
	struct svc_buf b;

	svc_buf_init(&b, 0);
	echo_value(&b, "q", svc_req_query(r, "q"));
	echo_value(&b, "x", svc_req_query(r, "x"));
	echo_value(&b, "addr", r->remote_addr);
	echo_value(&b, "lang", r->lang);
	return text_page(w, &b);
}

static int
h_form(struct svc_req *r, struct svc_resp *w)
{
	struct svc_buf b;

	svc_buf_init(&b, 0);
	echo_value(&b, "name", svc_req_form(r, "name"));
	echo_value(&b, "city", svc_req_form(r, "city"));
	echo_value(&b, "flag", svc_req_form(r, "flag"));
	echo_value(&b, "q", svc_req_query(r, "q"));
	return text_page(w, &b);
}

static int
h_cookie(struct svc_req *r, struct svc_resp *w)
{
	struct svc_buf b;
	int rc;

	svc_buf_init(&b, 0);
	echo_value(&b, "sid", svc_req_cookie(r, "sid"));
	echo_value(&b, "ua", svc_req_header(r, "X-Test"));
	if ((rc = svc_resp_cookie(w, r, "sid", "abc123", 600)) != 0)
		return rc;
	return text_page(w, &b);
}

static int
h_json(struct svc_req *r, struct svc_resp *w)
{
	(void)r;
	return svc_resp_json(w, 200, "{\"ok\":true}");
}

static int
h_body(struct svc_req *r, struct svc_resp *w)
{
	char json[64];

	body_calls++;
	snprintf(json, sizeof(json), "{\"len\":%zu}", r->body_len);
	return svc_resp_json(w, 200, json);
}

static int
h_page(struct svc_req *r, struct svc_resp *w)
{
	struct svc_var v[3] = {
		{"message", svc_req_query(r, "q")},
		{"status", "200"},
		{"code", "OK"},
	};

	return svc_render(w, r, 200, "error.html", v, 3);
}

static int
h_fail(struct svc_req *r, struct svc_resp *w)
{
	(void)r;
	(void)w;
	return SVC_ERR_SIGNER;
}

static int
h_nothing(struct svc_req *r, struct svc_resp *w)
{
	(void)r;
	(void)w;
	return 0;
}

static int
h_missing_template(struct svc_req *r, struct svc_resp *w)
{
	return svc_render(w, r, 200, "no-such.html", NULL, 0);
}

static int
h_slow(struct svc_req *r, struct svc_resp *w)
{
	struct timespec ts = {0, 300 * 1000 * 1000};

	(void)r;
	nanosleep(&ts, NULL);
	slow_done++;
	return svc_resp_bytes(w, 200, "text/plain", "slow", 4);
}

static int
h_redirect(struct svc_req *r, struct svc_resp *w)
{
	(void)r;
	return svc_resp_redirect(w, "/echo?q=moved");
}

static int
h_db(struct svc_req *r, struct svc_resp *w)
{
	(void)r;
	return svc_resp_bytes(w, 200, "text/plain", "db", 2);
}

/* svc_http_opts.user, as the handler sees it. */
static int
h_user(struct svc_req *r, struct svc_resp *w)
{
	const char *u = r->user != NULL ? r->user : "none";

	return svc_resp_bytes(w, 200, "text/plain", u, strlen(u));
}

/* svc_http_opts.error_page: the layer's own answers in another layout. */
static int
own_error_page(struct svc_resp *w, struct svc_req *r, int status, int code)
{
	char text[128];

	snprintf(text, sizeof(text), "own error %d %s %s", status,
	    svc_errname(code), r->user != NULL ? (const char *)r->user : "");
	return svc_resp_bytes(w, status, "text/plain; charset=utf-8", text,
	    strlen(text));
}

/* A page that must send its origin with the form it posts elsewhere. */
static int
h_refpol(struct svc_req *r, struct svc_resp *w)
{
	(void)r;
	svc_resp_header(w, "Referrer-Policy", "strict-origin");
	return svc_resp_bytes(w, 200, "text/plain", "rp", 2);
}

#define ND SVC_ROUTE_NO_DB
static const struct svc_route routes[] = {
	{"GET", "/echo", h_echo, 0, ND},
	{"GET", "/user", h_user, 0, ND},
	{"GET", "/refpol", h_refpol, 0, ND},
	{"POST", "/form", h_form, 1024, ND},
	{"GET", "/cookie", h_cookie, 0, ND},
	{"GET", "/json", h_json, 0, ND},
	{"POST", "/api/v1/body", h_body, 16, ND},
	{"GET", "/page", h_page, 0, ND},
	{"GET", "/fail", h_fail, 0, ND},
	{"GET", "/nothing", h_nothing, 0, ND},
	{"GET", "/notemplate", h_missing_template, 0, ND},
	{"GET", "/slow", h_slow, 0, ND},
	{"GET", "/redirect", h_redirect, 0, ND},
	{"GET", "/db", h_db, 0, 0},
	{"GET", "/static/", svc_static_handler, 0, SVC_ROUTE_PREFIX | ND},
	{"GET", "/", h_page, 0, ND},
	{NULL, NULL, NULL, 0, 0},
};

/* ---------------- the client ---------------- */

struct resp {
	long status;
	CURLcode cc;
	struct svc_buf headers;
	struct svc_buf body;
};

static int port;

static size_t
on_data(char *p, size_t size, size_t n, void *cls)
{
	svc_buf_add(cls, p, size * n);
	return size * n;
}

/* Streams a chunked body of chunked_left bytes. */
struct upload {
	size_t left;
};

static size_t
on_read(char *p, size_t size, size_t n, void *cls)
{
	struct upload *u = cls;
	size_t k = size * n < u->left ? size * n : u->left;

	memset(p, 'z', k);
	u->left -= k;
	return k;
}

static void
resp_free(struct resp *r)
{
	svc_buf_free(&r->headers);
	svc_buf_free(&r->body);
}

/*
 * One request.  method NULL: GET (or POST when body is set); chunked > 0
 * sends that many bytes with Transfer-Encoding: chunked.  hdrs: extra
 * request headers, NULL-terminated.
 */
static void
fetch_ex(struct resp *out, const char *method, const char *path,
    const char *body, size_t bodylen, size_t chunked, const char **hdrs)
{
	CURL *c = curl_easy_init();
	struct curl_slist *sl = NULL;
	struct upload up = {chunked};
	char url[1024];
	int i;

	memset(out, 0, sizeof(*out));
	svc_buf_init(&out->headers, 0);
	svc_buf_init(&out->body, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)bodylen);
	} else if (chunked > 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
		sl = curl_slist_append(sl, "Transfer-Encoding: chunked");
	}
	if (method != NULL) {
		if (strcmp(method, "HEAD") == 0)
			curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		else
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	sl = curl_slist_append(sl, "Expect:");
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		sl = curl_slist_append(sl, hdrs[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
	out->cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(sl);
	curl_easy_cleanup(c);
}

static void
fetch(struct resp *out, const char *path)
{
	fetch_ex(out, NULL, path, NULL, 0, 0, NULL);
}

static void
post(struct resp *out, const char *path, const char *body)
{
	static const char *form[] = {
	    "Content-Type: application/x-www-form-urlencoded", NULL};

	fetch_ex(out, NULL, path, body, strlen(body), 0, form);
}

/* The value of response header name (the last one), or NULL. */
static const char *
header(struct resp *r, const char *name, char *out, size_t outlen)
{
	const char *p = r->headers.data, *eol, *found = NULL;
	size_t n = strlen(name), len = 0;

	for (; p != NULL && *p != '\0'; p = eol + 1) {
		if ((eol = strchr(p, '\n')) == NULL)
			break;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			found = p + n + 1;
			while (*found == ' ')
				found++;
			len = (size_t)(eol - found);
			if (len > 0 && found[len - 1] == '\r')
				len--;
		}
	}
	if (found == NULL || len >= outlen)
		return NULL;
	memcpy(out, found, len);
	out[len] = '\0';
	return out;
}

static int
body_has(struct resp *r, const char *s)
{
	return r->body.data != NULL && strstr(r->body.data, s) != NULL;
}

static int
header_is(struct resp *r, const char *name, const char *want)
{
	char v[1024];
	const char *got = header(r, name, v, sizeof(v));

	if (got == NULL || strcmp(got, want) != 0) {
		fprintf(stderr, "  header %s is \"%s\", want \"%s\"\n", name,
		    got ? got : "(none)", want);
		return 0;
	}
	return 1;
}

static const char want_csp[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; "
    "connect-src 'self' http://127.0.0.1:* http://localhost:*; "
    "form-action 'self' http://127.0.0.1:* http://localhost:*; "
    "frame-ancestors 'none'; base-uri 'none'";

/* Every answer carries these (http.h): one CHECK per response. */
static int
secure_headers(struct resp *r)
{
	char v[64];
	const char *cc = header(r, "Cache-Control", v, sizeof(v));

	return r->cc == CURLE_OK &&
	    header_is(r, "Content-Security-Policy", want_csp) &&
	    header_is(r, "X-Content-Type-Options", "nosniff") &&
	    header_is(r, "X-Frame-Options", "DENY") &&
	    header_is(r, "Referrer-Policy", "no-referrer") && cc != NULL &&
	    (strcmp(cc, "no-store") == 0 ||
	    strcmp(cc, "public, max-age=3600") == 0);
}

/* status and the security headers, for one request. */
#define CHECK_RESP(r, want)                                                    \
	do {                                                                   \
		CHECK((r)->status == (want));                                  \
		if ((r)->status != (want))                                     \
			fprintf(stderr, "  status %ld (curl %d), body: %.200s\n", \
			    (r)->status, (int)(r)->cc,                         \
			    (r)->body.data ? (r)->body.data : "");             \
		CHECK(secure_headers(r));                                      \
	} while (0)

/* ---------------- cases ---------------- */

static void
test_routing(void)
{
	struct resp r;
	char v[128];

	fetch(&r, "/echo?q=1");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "q=[1]\n"));
	CHECK(header_is(&r, "Cache-Control", "no-store"));
	resp_free(&r);

	fetch(&r, "/nope");
	CHECK_RESP(&r, 404);
	CHECK(body_has(&r, "页面不存在"));
	CHECK(header_is(&r, "Content-Type", "text/html; charset=utf-8"));
	resp_free(&r);

	/* Exact patterns do not match longer paths. */
	fetch(&r, "/echo/more");
	CHECK_RESP(&r, 404);
	resp_free(&r);

	fetch(&r, "/form");
	CHECK_RESP(&r, 405);
	CHECK(header_is(&r, "Allow", "POST"));
	CHECK(body_has(&r, "请求方法不被允许"));
	resp_free(&r);

	fetch_ex(&r, "DELETE", "/echo", NULL, 0, 0, NULL);
	CHECK_RESP(&r, 405);
	CHECK(header(&r, "Allow", v, sizeof(v)) != NULL &&
	    strstr(v, "GET") != NULL && strstr(v, "HEAD") != NULL);
	resp_free(&r);

	fetch_ex(&r, "HEAD", "/echo", NULL, 0, 0, NULL);
	CHECK_RESP(&r, 200);
	CHECK(r.body.len == 0);
	resp_free(&r);

	/* API paths answer errors in JSON. */
	fetch(&r, "/api/v1/nope");
	CHECK_RESP(&r, 404);
	CHECK(header_is(&r, "Content-Type", "application/json; charset=utf-8"));
	{
		json_error_t je;
		json_t *j = json_loads(r.body.data ? r.body.data : "", 0, &je);

		CHECK(j != NULL);
		CHECK_STR(json_string_value(json_object_get(j, "error")),
		    "NOT_FOUND");
		CHECK_STR(json_string_value(json_object_get(j, "message")),
		    "页面不存在");
		CHECK_STR(json_string_value(json_object_get(j, "message_en")),
		    "not found");
		json_decref(j);
	}
	resp_free(&r);

	fetch(&r, "/json");
	CHECK_RESP(&r, 200);
	CHECK(header_is(&r, "Content-Type", "application/json; charset=utf-8"));
	CHECK(body_has(&r, "{\"ok\":true}"));
	resp_free(&r);

	fetch(&r, "/redirect");
	CHECK_RESP(&r, 303);
	CHECK(header_is(&r, "Location", "/echo?q=moved"));
	resp_free(&r);
}

static void
test_handler_errors(void)
{
	struct resp r;

	/* An error with no response set: 500 page with the code's text. */
	fetch(&r, "/fail");
	CHECK_RESP(&r, 500);
	CHECK(body_has(&r, "证书签发服务不可用"));
	resp_free(&r);

	fetch(&r, "/nothing");
	CHECK_RESP(&r, 500);
	resp_free(&r);

	fetch(&r, "/notemplate");
	CHECK_RESP(&r, 500);
	resp_free(&r);

	/* A database route without a pool. */
	fetch(&r, "/db");
	CHECK_RESP(&r, 503);
	CHECK(body_has(&r, "数据库错误"));
	resp_free(&r);
}

static void
test_host(void)
{
	struct resp r;
	char evil[64], local[64];
	const char *h1[] = {evil, NULL}, *h2[] = {local, NULL};
	const char *h3[] = {"Host: 127.0.0.1.evil.example", NULL};
	const char *h4[] = {"Host: [::2]:80", NULL};
	const char *h5[] = {"Host: [::1]:80", NULL};
	const char *h6[] = {"Host: 127.0.0.1:80:80", NULL};
	const char *h7[] = {"Host:", NULL};

	snprintf(evil, sizeof(evil), "Host: evil.example:%d", port);
	snprintf(local, sizeof(local), "Host: localhost:%d", port);
	fetch_ex(&r, NULL, "/echo?q=1", NULL, 0, 0, h1);
	CHECK_RESP(&r, 421);
	CHECK(body_has(&r, "请求来源不被允许"));
	CHECK(!body_has(&r, "q=[1]"));
	resp_free(&r);

	fetch_ex(&r, NULL, "/echo?q=1", NULL, 0, 0, h3);
	CHECK_RESP(&r, 421);
	resp_free(&r);

	fetch_ex(&r, NULL, "/echo?q=1", NULL, 0, 0, h4);
	CHECK_RESP(&r, 421);
	resp_free(&r);

	fetch_ex(&r, NULL, "/echo?q=1", NULL, 0, 0, h6);
	CHECK_RESP(&r, 421);
	resp_free(&r);

	fetch_ex(&r, NULL, "/echo?q=1", NULL, 0, 0, h7);
	CHECK(r.status == 400);
	CHECK(!body_has(&r, "q=[1]"));
	resp_free(&r);

	fetch_ex(&r, NULL, "/echo?q=1", NULL, 0, 0, h5);
	CHECK_RESP(&r, 200);
	resp_free(&r);

	fetch_ex(&r, NULL, "/echo?q=1", NULL, 0, 0, h2);
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "q=[1]"));
	resp_free(&r);
}

static void
test_traversal(void)
{
	static const char *bad[] = {
		"/static/../../etc/passwd",
		"/static/%2e%2e/%2e%2e/etc/passwd",
		"/static/%2E%2E%2Fstyle.css",
		"/static/..%2fstyle.css",
		"/static//style.css",
		"/static/%2fstyle.css",
		"/static/style.css%00.png",
		"/static/%5c..%5cstyle.css",
		"/static/style%ZZ.css",
		"/static/%ff.css",
		"/echo%0a",
	};
	static const char *missing[] = {
		"/static/layout.html",
		"/static/STYLE.CSS",
		"/static/nope.css",
		"/static/style.css.bak",
		"/static/",
		"/static/.css",
	};
	struct resp r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fetch(&r, bad[i]);
		CHECK_RESP(&r, 400);
		if (r.status != 400)
			fprintf(stderr, "  for %s\n", bad[i]);
		CHECK(!body_has(&r, "root:"));
		resp_free(&r);
	}
	for (i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		fetch(&r, missing[i]);
		CHECK_RESP(&r, 404);
		if (r.status != 404)
			fprintf(stderr, "  for %s\n", missing[i]);
		resp_free(&r);
	}
}

static void
test_static(void)
{
	struct resp r;
	size_t len, len2 = 1;
	const char *type = NULL;
	const unsigned char *css = svc_asset("svc/style.css", &len, &type);

	CHECK(css != NULL && len > 100);
	CHECK_STR(type, "text/css; charset=utf-8");
	CHECK(svc_asset("svc/nope.css", &len2, NULL) == NULL && len2 == 0);
	CHECK(svc_asset(NULL, &len2, NULL) == NULL);
	fetch(&r, "/static/style.css");
	CHECK_RESP(&r, 200);
	CHECK(header_is(&r, "Content-Type", "text/css; charset=utf-8"));
	CHECK(header_is(&r, "Cache-Control", "public, max-age=3600"));
	CHECK(css != NULL && r.body.len == len &&
	    memcmp(r.body.data, css, len) == 0);
	resp_free(&r);
}

static void
test_body_limit(void)
{
	struct resp r;
	char *big;
	int before = body_calls;

	fetch_ex(&r, NULL, "/api/v1/body", "0123456789abcdef", 16, 0, NULL);
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "{\"len\":16}"));
	CHECK(body_calls == before + 1);
	resp_free(&r);

	before = body_calls;
	fetch_ex(&r, NULL, "/api/v1/body", "0123456789abcdefg", 17, 0, NULL);
	CHECK_RESP(&r, 413);
	CHECK(body_has(&r, "\"error\":\"BODY_TOO_LARGE\""));
	resp_free(&r);

	/* 2 MiB announced by Content-Length: refused before it is read. */
	big = malloc(2u << 20);
	CHECK(big != NULL);
	if (big != NULL) {
		memset(big, 'x', 2u << 20);
		fetch_ex(&r, NULL, "/api/v1/body", big, 2u << 20, 0, NULL);
		CHECK(r.status == 413 || r.cc == CURLE_SEND_ERROR ||
		    r.cc == CURLE_RECV_ERROR);
		if (r.status != 413)
			fprintf(stderr, "  2 MiB body: status %ld curl %d\n",
			    r.status, (int)r.cc);
		resp_free(&r);
		free(big);
	}

	/* Chunked: no length up front, counted as it arrives. */
	fetch_ex(&r, NULL, "/api/v1/body", NULL, 0, 100, NULL);
	CHECK_RESP(&r, 413);
	resp_free(&r);
	fetch_ex(&r, NULL, "/api/v1/body", NULL, 0, 10, NULL);
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "{\"len\":10}"));
	resp_free(&r);
	/* A chunked body past the discard bound: the connection is cut. */
	fetch_ex(&r, NULL, "/api/v1/body", NULL, 0, 3u << 20, NULL);
	CHECK(r.status == 413 || r.cc != CURLE_OK);
	resp_free(&r);
	CHECK(body_calls == before + 1);

	/* A route without a body allowed. */
	before = body_calls;
	fetch_ex(&r, "GET", "/echo", "x", 1, 0, NULL);
	CHECK_RESP(&r, 413);
	CHECK(body_has(&r, "请求数据过大"));
	resp_free(&r);
	fetch_ex(&r, "GET", "/echo", NULL, 0, 5, NULL);
	CHECK_RESP(&r, 413);
	resp_free(&r);
	CHECK(body_calls == before);
}

static void
test_form(void)
{
	struct resp r;

	/* '+' is a space, %XX decoded, UTF-8 Chinese kept. */
	post(&r, "/form?q=%E4%B8%AD+x",
	    "name=%E5%BC%A0+%E4%B8%89&city=a%2Bb%26c%3D&flag");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "name=[张 三]\n"));
	CHECK(body_has(&r, "city=[a+b&amp;c&#61;]\n"));
	CHECK(body_has(&r, "flag=[]\n"));
	CHECK(body_has(&r, "q=[中 x]\n"));
	resp_free(&r);

	/* Raw UTF-8, the first of duplicates. */
	post(&r, "/form", "name=王五&name=other&city=北京");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "name=[王五]\n"));
	CHECK(body_has(&r, "city=[北京]\n"));
	resp_free(&r);

	/* Invalid UTF-8, NUL, overlong, truncated, bad escapes: absent. */
	post(&r, "/form", "name=%FF%FE&city=a%00b&flag=%C0%AF");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "name=absent\n"));
	CHECK(body_has(&r, "city=absent\n"));
	CHECK(body_has(&r, "flag=absent\n"));
	resp_free(&r);
	post(&r, "/form", "name=%E5%BC&city=%zz&flag=%ED%A0%80");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "name=absent\n"));
	CHECK(body_has(&r, "city=absent\n"));
	CHECK(body_has(&r, "flag=absent\n"));
	resp_free(&r);

	/* Not a form content type: no form values. */
	fetch_ex(&r, NULL, "/form", "name=x", 6, 0, NULL);
	CHECK(r.status == 200);
	resp_free(&r);
	{
		const char *h[] = {"Content-Type: text/plain", NULL};

		fetch_ex(&r, NULL, "/form", "name=x", 6, 0, h);
		CHECK_RESP(&r, 200);
		CHECK(body_has(&r, "name=absent\n"));
		resp_free(&r);
	}
}

static void
test_query_and_escaping(void)
{
	struct resp r;

	fetch(&r, "/echo?q=%3Cscript%3Ealert(1)%3C/script%3E&x=%22'%60");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "q=[&lt;script&gt;alert(1)&lt;/script&gt;]"));
	CHECK(body_has(&r, "x=[&quot;&#39;&#96;]"));
	CHECK(!body_has(&r, "<script>"));
	resp_free(&r);

	fetch(&r, "/echo?q=a%00b&x=%FF");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "q=absent\n"));
	CHECK(body_has(&r, "x=absent\n"));
	CHECK(body_has(&r, "addr=[127.0.0.1]\n"));
	resp_free(&r);

	/* In a page: escaped, and data is never read as a template tag. */
	fetch(&r, "/page?q=%3Cb%3Ehi%3C/b%3E%7B%7B%7Bcontent%7D%7D%7D");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "&lt;b&gt;hi&lt;/b&gt;{{{content}}}"));
	CHECK(!body_has(&r, "<b>hi"));
	resp_free(&r);
}

static void
test_cookies(void)
{
	struct resp r;
	const char *h[] = {"Cookie: sid=<i>x; other=1", "X-Test: 中文", NULL};

	fetch_ex(&r, NULL, "/cookie", NULL, 0, 0, h);
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "sid=[&lt;i&gt;x]\n"));
	CHECK(body_has(&r, "ua=[中文]\n"));
	CHECK(header_is(&r, "Set-Cookie",
	    "sid=abc123; Path=/; Max-Age=600; HttpOnly; SameSite=Strict"));
	resp_free(&r);
}

/* svc_resp_* directly: Secure under https, refused values. */
static void
test_resp_api(void)
{
	struct svc_app app;
	struct svc_req rq;
	struct svc_resp w;
	int i;

	memset(&app, 0, sizeof(app));
	memset(&rq, 0, sizeof(rq));
	memset(&w, 0, sizeof(w));
	snprintf(app.cfg.public_url, sizeof(app.cfg.public_url), "%s",
	    "https://certsvc.example");
	rq.app = &app;
	CHECK_OK(svc_resp_cookie(&w, &rq, "sid", "v", 0));
	CHECK(w.nheaders == 1 && strcmp(w.headers[0].value,
	    "sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure") == 0);
	CHECK_OK(svc_resp_cookie(&w, &rq, "s2", "v", -1));
	CHECK(w.nheaders == 2 && strcmp(w.headers[1].value,
	    "s2=v; Path=/; HttpOnly; SameSite=Strict; Secure") == 0);
	CHECK_RC(svc_resp_cookie(&w, &rq, "sid", "a;b", 10), GMPKI_ERR_ARG);
	CHECK_RC(svc_resp_cookie(&w, &rq, "sid", "a b", 10), GMPKI_ERR_ARG);
	CHECK_RC(svc_resp_cookie(&w, &rq, "s id", "ab", 10), GMPKI_ERR_ARG);
	CHECK_RC(svc_resp_header(&w, "X-A", "a\r\nSet-Cookie: x=1"),
	    GMPKI_ERR_ARG);
	CHECK_RC(svc_resp_header(&w, "X A", "a"), GMPKI_ERR_ARG);
	CHECK_RC(svc_resp_redirect(&w, "//evil.example/"), GMPKI_ERR_ARG);
	CHECK_RC(svc_resp_redirect(&w, "/\\evil.example/"), GMPKI_ERR_ARG);
	CHECK_RC(svc_resp_redirect(&w, "javascript:alert(1)"), GMPKI_ERR_ARG);
	CHECK(w.nheaders == 2);
	while (w.nheaders < SVC_MAX_HEADERS)
		CHECK_OK(svc_resp_header(&w, "X-Fill", "1"));
	CHECK_RC(svc_resp_header(&w, "X-More", "1"), GMPKI_ERR_TOO_LARGE);
	for (i = 0; i < w.nheaders; i++) {
		free(w.headers[i].key);
		free(w.headers[i].value);
	}
	/* A zeroed response takes a body. */
	CHECK_OK(svc_resp_error_json(&w, 400, SVC_ERR_CSRF));
	CHECK(w.status == 400 && w.body.data != NULL &&
	    strcmp(w.body.data, "{\"error\":\"CSRF\",\"message\":\""
	    "页面已失效，请刷新后重试\",\"message_en\":"
	    "\"page expired, reload and retry\"}") == 0);
	svc_buf_free(&w.body);
}

static void
test_lang(void)
{
	struct resp r;
	const char *en[] = {"Cookie: lang=en", NULL};

	fetch(&r, "/page?q=x");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "<html lang=\"zh-CN\">"));
	CHECK(body_has(&r, "国家统计局在线服务系统"));
	CHECK(body_has(&r, "重新申请证书"));
	CHECK(body_has(&r, "废除证书"));
	CHECK(body_has(&r, "href=\"/page?lang&#61;en\""));
	CHECK(body_has(&r, "<link rel=\"stylesheet\" href=\"/static/style.css\">"));
	CHECK(!body_has(&r, "<script") && !body_has(&r, "style=\""));
	CHECK(header(&r, "Set-Cookie", (char[8]){0}, 8) == NULL);
	resp_free(&r);

	fetch(&r, "/page?q=x&lang=en");
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "<html lang=\"en\">"));
	CHECK(body_has(&r, "NBS Online Service System"));
	CHECK(body_has(&r, "Revoke certificate"));
	CHECK(!body_has(&r, "国家统计局在线服务系统"));
	CHECK(body_has(&r, "href=\"/page?lang&#61;zh\""));
	CHECK(header_is(&r, "Set-Cookie", "lang=en; Path=/; Max-Age=31536000; "
	    "HttpOnly; SameSite=Strict"));
	resp_free(&r);

	fetch_ex(&r, NULL, "/page", NULL, 0, 0, en);
	CHECK_RESP(&r, 200);
	CHECK(body_has(&r, "NBS Online Service System"));
	resp_free(&r);

	/* Error pages follow the language too. */
	fetch_ex(&r, NULL, "/nope", NULL, 0, 0, en);
	CHECK_RESP(&r, 404);
	CHECK(body_has(&r, "not found"));
	CHECK(!body_has(&r, "页面不存在"));
	resp_free(&r);

	fetch(&r, "/echo?lang=en");
	CHECK(body_has(&r, "lang=[en]"));
	resp_free(&r);
	fetch(&r, "/echo?lang=fr");
	CHECK(body_has(&r, "lang=[zh]"));
	resp_free(&r);
}

/* Every {{t:key}} in every embedded template has both texts (this also
 * catches a key added out of order, which bsearch would miss). */
static void
test_i18n_keys(void)
{
	const struct web_asset *a;
	const char *p, *end;
	char key[80];
	size_t n;
	int keys = 0, bad = 0;

	for (a = web_assets; a->path != NULL; a++) {
		if (strstr(a->path, ".html") == NULL)
			continue;
		p = (const char *)a->data;
		while ((p = strstr(p, "{{t:")) != NULL) {
			p += 4;
			if ((end = strstr(p, "}}")) == NULL ||
			    (n = (size_t)(end - p)) >= sizeof(key)) {
				bad++;
				break;
			}
			memcpy(key, p, n);
			key[n] = '\0';
			keys++;
			if (strcmp(svc_t("zh", key), key) == 0 ||
			    strcmp(svc_t("en", key), key) == 0) {
				fprintf(stderr, "  %s: no text for %s\n",
				    a->path, key);
				bad++;
			}
		}
	}
	CHECK(keys > 10);
	CHECK(bad == 0);
	CHECK_STR(svc_t("zh", "site.title"), "国家统计局在线服务系统");
	CHECK_STR(svc_t("en", "site.title"), "NBS Online Service System");
	CHECK_STR(svc_t("xx", "nav.revoke"), "废除证书");
	CHECK_STR(svc_t("en", "no.such.key"), "no.such.key");
}

/* svc_render without a server: a missing template is an error and
 * leaves the response untouched. */
static void
test_render_direct(void)
{
	struct svc_resp w;
	struct svc_req rq;
	struct svc_var v[1] = {{"message", "<x>"}};

	memset(&w, 0, sizeof(w));
	memset(&rq, 0, sizeof(rq));
	CHECK_RC(svc_render(&w, &rq, 200, "missing.html", NULL, 0),
	    GMPKI_ERR_NOT_FOUND);
	CHECK(w.status == 0 && w.body.data == NULL);
	CHECK_RC(svc_render(&w, &rq, 200, "../svc/layout.html", NULL, 0),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_OK(svc_render(&w, &rq, 201, "error.html", v, 1));
	CHECK(w.status == 201 && w.body.data != NULL &&
	    strstr(w.body.data, "&lt;x&gt;") != NULL &&
	    strstr(w.body.data, "<title>出错了</title>") == NULL &&
	    strstr(w.body.data, "<title>国家统计局在线服务系统</title>") != NULL);
	svc_buf_free(&w.body);
}

/* Sends raw bytes, returns the first bytes of the answer in out. */
static void
raw_request(const char *req, size_t len, char *out, size_t outlen)
{
	struct sockaddr_in sa;
	size_t off = 0;
	ssize_t n;
	int fd;

	out[0] = '\0';
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		while (off < len && (n = send(fd, req + off, len - off,
		    MSG_NOSIGNAL)) > 0)
			off += (size_t)n;
		shutdown(fd, SHUT_WR);
		off = 0;
		while (off + 1 < outlen &&
		    (n = recv(fd, out + off, outlen - 1 - off, 0)) > 0)
			off += (size_t)n;
		out[off] = '\0';
	}
	close(fd);
}

/* Requests MHD itself refuses: no handler runs, nothing leaks (ASan). */
static void
test_malformed(void)
{
	static const char broken[] =
	    "GET /echo?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken\r\n\r\n";
	static const char head[] =
	    "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ";
	static const char v10[] = "GET /echo?q=1 HTTP/1.0\r\n\r\n";
	static const char absform[] =
	    "GET http://127.0.0.1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	char out[512], *big;
	size_t n = 64 * 1024;

	raw_request(broken, sizeof(broken) - 1, out, sizeof(out));
	CHECK(strncmp(out, "HTTP/1.1 4", 10) == 0);
	CHECK(strstr(out, "q=[1]") == NULL);
	if ((big = malloc(n)) == NULL)
		return;
	memcpy(big, head, strlen(head));
	memset(big + strlen(head), 'a', n - 4 - strlen(head));
	memcpy(big + n - 4, "\r\n\r\n", 4);
	raw_request(big, n, out, sizeof(out));
	CHECK(strncmp(out, "HTTP/1.1 4", 10) == 0 || out[0] == '\0');
	free(big);
	/* HTTP/1.0 without Host is still refused by our check. */
	raw_request(v10, strlen(v10), out, sizeof(out));
	CHECK(strncmp(out, "HTTP/1.0 400", 12) == 0 ||
	    strncmp(out, "HTTP/1.1 400", 12) == 0);
	CHECK(strstr(out, "q=[1]") == NULL);
	/* Absolute-form request target: not a path we serve. */
	raw_request(absform, strlen(absform), out, sizeof(out));
	CHECK(strncmp(out, "HTTP/1.1 400", 12) == 0);
}

struct worker {
	int id;
	int ok;
};

static void *
worker_main(void *arg)
{
	struct worker *wk = arg;
	struct resp r;
	char path[64], want[64];
	int i;

	for (i = 0; i < 25; i++) {
		snprintf(path, sizeof(path), "/echo?q=t%d-%d", wk->id, i);
		snprintf(want, sizeof(want), "q=[t%d-%d]\n", wk->id, i);
		fetch(&r, path);
		if (r.status == 200 && body_has(&r, want) && secure_headers(&r))
			wk->ok++;
		resp_free(&r);
	}
	return NULL;
}

static void
test_concurrent(void)
{
	pthread_t t[4];
	struct worker wk[4];
	int i, ok = 0;

	for (i = 0; i < 4; i++) {
		wk[i].id = i;
		wk[i].ok = 0;
		pthread_create(&t[i], NULL, worker_main, &wk[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ok += wk[i].ok;
	}
	CHECK(ok == 100);
}

static void *
slow_main(void *arg)
{
	struct resp *r = arg;

	fetch(r, "/slow");
	return NULL;
}

static struct svc_http *
start(struct svc_app *app, const char *addr)
{
	static const char *hosts[] = {"127.0.0.1", "localhost", "[::1]", NULL};
	struct svc_http_opts o;
	struct svc_http *h = NULL;

	memset(&o, 0, sizeof(o));
	o.listen_addr = addr;
	o.port = 0;
	o.threads = 4;
	o.allowed_hosts = hosts;
	if (svc_http_start(&o, routes, app, &h) != 0)
		return NULL;
	return h;
}

/* Stop while a request runs: it is answered, then nothing listens. */
static struct svc_http *server;

static void
test_graceful_stop(void)
{
	struct svc_http *h = server;

	struct timespec ts = {0, 50 * 1000 * 1000};
	struct resp slow, after;
	pthread_t t;

	slow_done = 0;
	memset(&slow, 0, sizeof(slow));
	pthread_create(&t, NULL, slow_main, &slow);
	nanosleep(&ts, NULL);
	svc_http_stop(h);
	pthread_join(t, NULL);
	CHECK(slow_done == 1);
	CHECK(slow.status == 200 && body_has(&slow, "slow"));
	resp_free(&slow);
	fetch(&after, "/echo");
	CHECK(after.cc == CURLE_COULDNT_CONNECT);
	resp_free(&after);
}

/* opts.user reaches every request; opts.error_page answers the layer's
 * own errors (404, 405, 421, 413, 500) outside /api/ only. */
static void
test_user_and_error_page(struct svc_app *app)
{
	static const char *hosts[] = {"127.0.0.1", NULL};
	static char marker[] = "marker-42";
	static const char *evil[] = {"Host: evil.example", NULL};
	struct svc_http_opts o;
	struct svc_http *h = NULL;
	struct resp r;
	int saved = port;

	memset(&o, 0, sizeof(o));
	o.listen_addr = "127.0.0.1";
	o.threads = 2;
	o.allowed_hosts = hosts;
	o.user = marker;
	o.error_page = own_error_page;
	CHECK_RC(svc_http_start(&o, routes, app, &h), 0);
	if (h == NULL)
		return;
	port = svc_http_port(h);
	fetch(&r, "/user");
	CHECK(r.status == 200 && body_has(&r, "marker-42"));
	resp_free(&r);
	fetch(&r, "/no-such-page");
	CHECK(r.status == 404 && body_has(&r, "own error 404 NOT_FOUND "
	    "marker-42"));
	resp_free(&r);
	fetch_ex(&r, NULL, "/echo", NULL, 0, 0, evil);
	CHECK(r.status == 421 && body_has(&r, "own error 421"));
	resp_free(&r);
	post(&r, "/echo", "a=b");
	CHECK(r.status == 405 && body_has(&r, "own error 405"));
	resp_free(&r);
	fetch(&r, "/fail");
	CHECK(r.status == 500 && body_has(&r, "own error 500"));
	resp_free(&r);
	/* /api/ keeps its JSON */
	fetch(&r, "/api/nothing");
	CHECK(r.status == 404 && body_has(&r, "\"error\":\"NOT_FOUND\""));
	resp_free(&r);
	svc_http_stop(h);
	port = saved;

	/* a handler's own Referrer-Policy replaces no-referrer, once */
	fetch(&r, "/refpol");
	CHECK(r.status == 200 && r.headers.data != NULL &&
	    strstr(r.headers.data, "Referrer-Policy: strict-origin") != NULL &&
	    strstr(r.headers.data, "no-referrer") == NULL);
	resp_free(&r);
	fetch(&r, "/user");
	CHECK(r.headers.data != NULL &&
	    strstr(r.headers.data, "Referrer-Policy: no-referrer") != NULL);
	resp_free(&r);

	/* without opts.user a handler sees NULL */
	fetch(&r, "/user");
	CHECK(r.status == 200 && body_has(&r, "none"));
	resp_free(&r);
}

static void
test_ipv6(struct svc_app *app)
{
	struct svc_http *h = start(app, "::1");
	struct resp r;
	CURL *c;
	char url[64];

	if (h == NULL) {
		fprintf(stderr, "  no IPv6 loopback here: skipped\n");
		return;
	}
	memset(&r, 0, sizeof(r));
	svc_buf_init(&r.body, 0);
	c = curl_easy_init();
	snprintf(url, sizeof(url), "http://[::1]:%d/echo", svc_http_port(h));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
	CHECK(curl_easy_perform(c) == CURLE_OK);
	curl_easy_cleanup(c);
	CHECK(body_has(&r, "addr=[::1]\n"));
	svc_buf_free(&r.body);
	svc_http_stop(h);
}

/* Allowed entries with ports: a Host without a port (OpenSSL 3.0's OCSP
 * client) matches by name; another port or name does not. */
static void
test_host_ports(struct svc_app *app)
{
	static const char *hosts[] = {"127.0.0.1:1", "localhost:1", NULL};
	static const struct {
		const char *hdr[2];
		long status;
	} cases[] = {
		{ {"Host: 127.0.0.1:1", NULL}, 200 },
		{ {"Host: 127.0.0.1", NULL}, 200 },
		{ {"Host: LOCALHOST", NULL}, 200 },
		{ {"Host: 127.0.0.1:2", NULL}, 421 },
		{ {"Host: 127.0.0.1:", NULL}, 421 },
		{ {"Host: evil.example", NULL}, 421 },
		{ {"Host: 127.0.0", NULL}, 421 },
		{ {"Host: 127.0.0.1.evil.example", NULL}, 421 },
	};
	struct svc_http_opts o;
	struct svc_http *h = NULL;
	struct resp r;
	int saved = port;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.listen_addr = "127.0.0.1";
	o.threads = 2;
	o.allowed_hosts = hosts;
	CHECK_RC(svc_http_start(&o, routes, app, &h), 0);
	if (h == NULL)
		return;
	port = svc_http_port(h);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fetch_ex(&r, NULL, "/echo", NULL, 0, 0,
		    (const char **)cases[i].hdr);
		if (r.status != cases[i].status)
			fprintf(stderr, "case %zu: %ld\n", i, r.status);
		CHECK(r.status == cases[i].status);
		resp_free(&r);
	}
	svc_http_stop(h);
	port = saved;
}

/* X-Forwarded-For: believed only from a trusted proxy; the rightmost
 * entry that is not a trusted proxy is the client. */
static void
test_trusted_proxies(struct svc_app *app)
{
	static const char *hosts[] = {"127.0.0.1", NULL};
	static const struct {
		const char *hdr[3];
		const char *addr;
	} cases[] = {
		{ {NULL}, "127.0.0.1" },
		{ {"X-Forwarded-For: 203.0.113.7", NULL}, "203.0.113.7" },
		{ {"X-Forwarded-For: 1.2.3.4, 203.0.113.7", NULL},
		    "203.0.113.7" },
		{ {"X-Forwarded-For: 203.0.113.7, 127.0.0.1", NULL},
		    "203.0.113.7" },
		{ {"X-Forwarded-For: 1.1.1.1",
		    "X-Forwarded-For: 198.51.100.2", NULL}, "198.51.100.2" },
		{ {"X-Forwarded-For: ::ffff:203.0.113.9", NULL},
		    "203.0.113.9" },
		{ {"X-Forwarded-For: 2001:DB8:0::1", NULL}, "2001:db8::1" },
		{ {"X-Forwarded-For: 203.0.113.7, <b>x</b>", NULL},
		    "127.0.0.1" },
		{ {"X-Forwarded-For: 203.0.113.7,,", NULL}, "127.0.0.1" },
		{ {"X-Forwarded-For: 203.0.113.7:5555", NULL}, "127.0.0.1" },
		{ {"X-Forwarded-For: 127.0.0.1", NULL}, "127.0.0.1" },
		{ {"X-Forwarded-For: ", NULL}, "127.0.0.1" },
	};
	struct svc_http_opts o;
	struct svc_http *h = NULL;
	struct resp r;
	char want[80];
	int saved = port;
	size_t i;

	CHECK(svc_addr_list_check("") == 0);
	CHECK(svc_addr_list_check(NULL) == 0);
	CHECK(svc_addr_list_check("127.0.0.1, ::1") == 2);
	CHECK(svc_addr_list_check(" 10.0.0.1 10.0.0.2,10.0.0.3 ") == 3);
	CHECK(svc_addr_list_check("10.0.0") == -1);
	CHECK(svc_addr_list_check("10.0.0.0/8") == -1);
	CHECK(svc_addr_list_check("proxy.example") == -1);
	CHECK(svc_addr_list_check("1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 "
	    "5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9") == -1);

	memset(&o, 0, sizeof(o));
	o.listen_addr = "127.0.0.1";
	o.threads = 2;
	o.allowed_hosts = hosts;
	o.trusted_proxies = "10.0.0.1, proxy";
	CHECK_RC(svc_http_start(&o, routes, app, &h), GMPKI_ERR_ARG);
	CHECK(h == NULL);

	/* Without trusted proxies (the main server) the header is noise. */
	fetch_ex(&r, NULL, "/echo", NULL, 0, 0, (const char **)cases[1].hdr);
	CHECK(body_has(&r, "addr=[127.0.0.1]\n"));
	resp_free(&r);

	o.trusted_proxies = "127.0.0.1 ::1";
	CHECK_RC(svc_http_start(&o, routes, app, &h), 0);
	if (h == NULL)
		return;
	port = svc_http_port(h);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fetch_ex(&r, NULL, "/echo", NULL, 0, 0, (const char **)cases[i].hdr);
		snprintf(want, sizeof(want), "addr=[%s]\n", cases[i].addr);
		CHECK_RESP(&r, 200);
		if (!body_has(&r, want))
			fprintf(stderr, "case %zu: want %s\n", i, want);
		CHECK(body_has(&r, want));
		resp_free(&r);
	}
	svc_http_stop(h);
	port = saved;
}

int
main(void)
{
	struct svc_app app;
	struct svc_http *h;
	struct svc_http_opts bad;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&app, 0, sizeof(app));
	snprintf(app.cfg.public_url, sizeof(app.cfg.public_url), "%s",
	    "http://127.0.0.1");

	memset(&bad, 0, sizeof(bad));
	bad.listen_addr = "not an address";
	CHECK(svc_http_start(&bad, routes, &app, &h) != 0);
	bad.listen_addr = "127.0.0.1";
	bad.port = 70000;
	CHECK_RC(svc_http_start(&bad, routes, &app, &h), GMPKI_ERR_ARG);

	h = start(&app, "127.0.0.1");
	CHECK(h != NULL);
	if (h == NULL)
		TEST_MAIN_END();
	port = svc_http_port(h);
	CHECK(port > 0);

	RUN(test_routing);
	RUN(test_handler_errors);
	RUN(test_host);
	RUN(test_traversal);
	RUN(test_static);
	RUN(test_body_limit);
	RUN(test_form);
	RUN(test_query_and_escaping);
	RUN(test_cookies);
	RUN(test_resp_api);
	RUN(test_lang);
	RUN(test_i18n_keys);
	RUN(test_render_direct);
	RUN(test_concurrent);
	RUN(test_malformed);
	test_user_and_error_page(&app);
	test_trusted_proxies(&app);
	test_host_ports(&app);
	server = h;
	RUN(test_graceful_stop);
	test_ipv6(&app);
	curl_global_cleanup();
	TEST_MAIN_END();
}
