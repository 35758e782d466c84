/*
 * http.h - the HTTP layer of certsvc over libmicrohttpd: a route table,
 * bounded request bodies, parsed query/form/cookies, security headers on
 * every response, and a pooled database connection per request.
 *
 * Every response carries: Content-Security-Policy (default-src 'self';
 * no inline script), X-Content-Type-Options nosniff, X-Frame-Options DENY,
 * Referrer-Policy no-referrer, Cache-Control no-store for dynamic pages.
 */
#ifndef SVC_HTTP_H
#define SVC_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "db.h"

struct svc_app;

#define SVC_MAX_PARAMS 32
#define SVC_MAX_HEADERS 16

struct svc_kv {
	char *key;
	char *value;
};

struct svc_req {
	struct svc_app *app;
	svc_db *db;                 /* a pooled connection, for this request */
	const char *method;         /* "GET", "POST", ... */
	const char *path;           /* decoded, without the query */
	const char *remote_addr;    /* "127.0.0.1" */
	const unsigned char *body;  /* bounded by the route's max_body */
	size_t body_len;
	const char *content_type;
	time_t now;
	const char *lang;           /* "zh" (default) or "en" */
	/* parsed on demand: */
	struct svc_kv query[SVC_MAX_PARAMS];
	int nquery;
	struct svc_kv form[SVC_MAX_PARAMS];
	int nform;
	void *conn;                 /* struct MHD_Connection * */
	void *user;                 /* svc_http_opts.user */
};

/* Lookups (NULL when absent).  Values are NUL-terminated, URL-decoded;
 * a value with a NUL byte or invalid UTF-8 counts as absent. */
const char *svc_req_query(struct svc_req *r, const char *name);
const char *svc_req_form(struct svc_req *r, const char *name);
const char *svc_req_header(struct svc_req *r, const char *name);
const char *svc_req_cookie(struct svc_req *r, const char *name);

struct svc_resp {
	int status;
	char content_type[64];
	struct svc_buf body;
	struct svc_kv headers[SVC_MAX_HEADERS];
	int nheaders;
	int cacheable;              /* static assets: allow caching */
};

int svc_resp_header(struct svc_resp *w, const char *name, const char *value);
/* Set-Cookie with HttpOnly; SameSite=Strict; Path=/ (and Secure when the
 * service URL is https).  max_age 0 deletes the cookie. */
int svc_resp_cookie(struct svc_resp *w, struct svc_req *r, const char *name,
    const char *value, int max_age);
int svc_resp_redirect(struct svc_resp *w, const char *location);
int svc_resp_json(struct svc_resp *w, int status, const char *json);
int svc_resp_bytes(struct svc_resp *w, int status, const char *type,
    const void *p, size_t len);
/* An error page (HTML) or error JSON ({"error": NAME, "message": zh,
 * "message_en": en}) for an SVC_ERR_ / GMPKI_ERR_ code, with status. */
int svc_resp_error_page(struct svc_resp *w, struct svc_req *r, int status,
    int code);
int svc_resp_error_json(struct svc_resp *w, int status, int code);

typedef int (*svc_handler_fn)(struct svc_req *r, struct svc_resp *w);

enum svc_route_flags {
	SVC_ROUTE_PREFIX = 1,    /* pattern matches as a path prefix */
	SVC_ROUTE_NO_DB = 2,     /* handler needs no database connection */
	SVC_ROUTE_ENCODED_SLASH = 4, /* the tail may hold "%2F%2F" (OCSP GET
	                          * base64, RFC 6960 A.1); a literal "//" is
	                          * still refused */
};

struct svc_route {
	const char *method;      /* "GET", "POST" */
	const char *pattern;     /* "/apply", or a prefix with SVC_ROUTE_PREFIX */
	svc_handler_fn fn;
	size_t max_body;         /* 0: no body allowed */
	unsigned flags;
};

struct svc_http;

struct svc_http_opts {
	const char *listen_addr;   /* "127.0.0.1" */
	int port;                  /* 0: pick a free one (see svc_http_port) */
	int threads;               /* thread pool size */
	const char **allowed_hosts;/* Host header values accepted; NULL: any */
	void *user;                /* copied into every svc_req (app may be
	                              NULL: another program's state) */
	/* The error page for the layer's own answers (400, 404, 405, 413,
	 * 421, 500) outside /api/; NULL: svc_resp_error_page.  Lets another
	 * program (the helper) show them in its own layout. */
	int (*error_page)(struct svc_resp *w, struct svc_req *r, int status,
	    int code);
	/* Reverse proxies whose X-Forwarded-For is believed: "ADDR[, ADDR]"
	 * (IP literals, see svc_addr_list_check); NULL or "": none.  From
	 * such a peer, remote_addr is the rightmost X-Forwarded-For entry
	 * that is not itself a trusted proxy (docs/CERTSVC-HTTP.md). */
	const char *trusted_proxies;
};

#define SVC_MAX_PROXIES 8

/* A list of IP address literals separated by commas and/or spaces: how
 * many (0 for an empty list), or -1 when one is not an IPv4 or IPv6
 * address or there are more than SVC_MAX_PROXIES. */
int svc_addr_list_check(const char *s);

/* Starts serving routes (terminated by a {NULL} entry) in background
 * threads.  Unknown paths get 404, wrong methods 405, bodies over the
 * route's limit 413 - all before any handler runs. */
int svc_http_start(const struct svc_http_opts *o, const struct svc_route *routes,
    struct svc_app *app, struct svc_http **out);
int svc_http_port(const struct svc_http *h);
/* Stops accepting, lets running requests finish, frees. */
void svc_http_stop(struct svc_http *h);

#endif
