/*
 * service_client.c - the helper's calls to the online service
 * (docs/CERTSVC.md §5-6, docs/HELPER-PROTOCOL.md §4) over libcurl:
 * GET /ca/root.pem, POST /api/v1/enroll, POST /ocsp.
 *
 * Every answer is bounded while it arrives (a longer one is refused, not
 * cut), redirects are not followed, and only http and https are spoken.
 * Nothing the service sends is trusted here: the callers check the
 * certificates against the pinned root and the OCSP signatures.
 */
#include "helper.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "gmpki/gmpki.h"
#include "log.h"

#define SVC_CONNECT_TIMEOUT 10L
#define SVC_TIMEOUT 60L
#define SVC_MAX_ANSWER (256 * 1024)

int
helper_svc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 :
	    GMPKI_ERR_INTERNAL;
}

int
helper_service_url_ok(const char *url)
{
	size_t i, len;

	if (url == NULL)
		return 0;
	len = strlen(url);
	if (len == 0 || len >= 200)
		return 0;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f ||
		    url[i] == '"' || url[i] == '<' || url[i] == '>' ||
		    url[i] == '\\' || url[i] == '#' || url[i] == '?')
			return 0;
	return 1;
}

struct answer {
	unsigned char *buf;
	size_t len, max;
	int too_large;
};

static size_t
answer_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct answer *a = arg;
	size_t n = size * nmemb;
	unsigned char *p;

	if (n > a->max - a->len) {
		a->too_large = 1;
		return 0;	/* aborts the transfer */
	}
	if ((p = realloc(a->buf, a->len + n + 1)) == NULL)
		return 0;
	a->buf = p;
	memcpy(a->buf + a->len, data, n);
	a->len += n;
	a->buf[a->len] = '\0';
	return n;
}

/* SERVICE + path, with no doubled slash. */
static int
svc_url(const char *service, const char *path, char *out, size_t len)
{
	size_t sl;
	int n;

	if (!helper_service_url_ok(service))
		return GMPKI_ERR_ARG;
	sl = strlen(service);
	while (sl > 0 && service[sl - 1] == '/')
		sl--;
	n = snprintf(out, len, "%.*s%s", (int)sl, service, path);
	if (n < 0 || (size_t)n >= len)
		return GMPKI_ERR_ARG;
	return 0;
}

static void
msg_network(struct helper_msg *m, const char *url, const char *why)
{
	helper_msg_set(m, HELPER_ERR_NETWORK);
	if (m == NULL)
		return;
	snprintf(m->zh, sizeof(m->zh), "无法连接在线服务 %s: %s", url, why);
	snprintf(m->en, sizeof(m->en), "cannot reach the online service %s: %s",
	    url, why);
}

/*
 * One HTTP exchange.  body NULL: GET.  The answer (NUL-terminated) and
 * the status come back; transport failures are HELPER_ERR_NETWORK.
 */
static int
svc_exchange(const char *url, const char *ctype, const void *body,
    size_t bodylen, unsigned char **out, size_t *outlen, long *status,
    struct helper_msg *m)
{
	struct curl_slist *hdrs = NULL;
	struct answer a = { NULL, 0, SVC_MAX_ANSWER, 0 };
	char ctbuf[128];
	CURLcode cc;
	CURL *c;
	int rc = GMPKI_ERR_INTERNAL;

	*out = NULL;
	*outlen = 0;
	*status = 0;
	if ((c = curl_easy_init()) == NULL)
		return GMPKI_ERR_NOMEM;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SVC_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SVC_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "certhelper/" HELPER_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, answer_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	if (body != NULL) {
		snprintf(ctbuf, sizeof(ctbuf), "Content-Type: %s", ctype);
		if ((hdrs = curl_slist_append(NULL, ctbuf)) == NULL) {
			rc = GMPKI_ERR_NOMEM;
			goto out;
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)bodylen);
	}
	cc = curl_easy_perform(c);
	if (a.too_large) {
		rc = GMPKI_ERR_TOO_LARGE;
		helper_msg_set(m, rc);
		goto out;
	}
	if (cc != CURLE_OK) {
		helper_log(HELPER_LOG_WARN, "%s: %s", url, curl_easy_strerror(cc));
		msg_network(m, url, curl_easy_strerror(cc));
		rc = HELPER_ERR_NETWORK;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (a.buf == NULL && (a.buf = calloc(1, 1)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	*out = a.buf;
	*outlen = a.len;
	a.buf = NULL;
	rc = 0;
out:
	free(a.buf);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return rc;
}

/* Copies s into dst, control characters masked (it will be printed). */
static void
copy_clean(char *dst, size_t len, const char *s)
{
	size_t i;

	snprintf(dst, len, "%s", s);
	for (i = 0; dst[i] != '\0'; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = ' ';
}

/* A non-200 answer: the service's error words, or the status. */
static int
svc_refused(const char *url, long status, const unsigned char *body,
    size_t len, struct helper_msg *m)
{
	json_t *j, *e, *zh, *en;

	helper_msg_set(m, HELPER_ERR_SERVICE);
	j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	e = json_object_get(j, "error");
	zh = json_object_get(j, "message");
	en = json_object_get(j, "message_en");
	helper_log(HELPER_LOG_WARN, "%s: HTTP %ld %s", url, status,
	    json_is_string(e) ? json_string_value(e) : "");
	if (m != NULL) {
		if (json_is_string(e))
			copy_clean(m->name, sizeof(m->name), json_string_value(e));
		if (json_is_string(zh) && json_is_string(en)) {
			char z[256], n[256];

			copy_clean(z, sizeof(z), json_string_value(zh));
			copy_clean(n, sizeof(n), json_string_value(en));
			snprintf(m->zh, sizeof(m->zh), "在线服务拒绝了请求: %s", z);
			snprintf(m->en, sizeof(m->en),
			    "the online service refused: %s", n);
		} else {
			snprintf(m->zh, sizeof(m->zh),
			    "在线服务拒绝了请求 (HTTP %ld)", status);
			snprintf(m->en, sizeof(m->en),
			    "the online service refused (HTTP %ld)", status);
		}
	}
	json_decref(j);
	return HELPER_ERR_SERVICE;
}

int
helper_svc_fetch_root(const char *service, X509 **out, struct helper_msg *m)
{
	char url[512];
	unsigned char *body = NULL;
	size_t len;
	long status;
	X509 *root = NULL;
	int rc;

	*out = NULL;
	if ((rc = svc_url(service, "/ca/root.pem", url, sizeof(url))) != 0) {
		helper_msg_set(m, rc);
		return rc;
	}
	if ((rc = svc_exchange(url, NULL, NULL, 0, &body, &len, &status, m)) != 0)
		return rc;
	if (status != 200) {
		rc = svc_refused(url, status, body, len, m);
		goto out;
	}
	if ((rc = gmpki_cert_from_mem(body, len, &root)) != 0) {
		helper_msg_set(m, rc);
		goto out;
	}
	/* A root: self-signed, with its self-signature valid (SM2, the ID). */
	if (X509_check_issued(root, root) != X509_V_OK ||
	    (rc = gmpki_sm2_verify_cert(root, X509_get0_pubkey(root),
	    NULL)) != 0) {
		rc = GMPKI_ERR_CERT_PROFILE;
		helper_msg_set(m, rc);
		goto out;
	}
	*out = root;
	root = NULL;
	rc = 0;
out:
	X509_free(root);
	free(body);
	return rc;
}

int
helper_svc_enroll(const char *service, const char *ticket,
    const char *csr_pem, X509 **cert, STACK_OF(X509) **chain,
    struct helper_msg *m)
{
	char url[512];
	unsigned char *body = NULL;
	char *req = NULL;
	size_t len;
	long status;
	json_t *j = NULL, *jc, *jch;
	X509 *c = NULL;
	STACK_OF(X509) *ch = NULL;
	int rc;

	*cert = NULL;
	*chain = NULL;
	if ((rc = svc_url(service, "/api/v1/enroll", url, sizeof(url))) != 0) {
		helper_msg_set(m, rc);
		return rc;
	}
	if ((j = json_pack("{s:s, s:s}", "ticket", ticket, "csr",
	    csr_pem)) == NULL || (req = json_dumps(j, JSON_COMPACT)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	json_decref(j);
	j = NULL;
	rc = svc_exchange(url, "application/json", req, strlen(req), &body,
	    &len, &status, m);
	gmpki_wipe(req, strlen(req));	/* the ticket */
	if (rc != 0)
		goto out;
	if (status != 200) {
		rc = svc_refused(url, status, body, len, m);
		goto out;
	}
	j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	jc = json_object_get(j, "certificate");
	jch = json_object_get(j, "chain");
	if (!json_is_string(jc) || !json_is_string(jch)) {
		rc = HELPER_ERR_PROTOCOL;
		helper_msg_set(m, rc);
		goto out;
	}
	if ((rc = gmpki_cert_from_mem((const unsigned char *)
	    json_string_value(jc), json_string_length(jc), &c)) != 0 ||
	    (rc = gmpki_certs_from_mem((const unsigned char *)
	    json_string_value(jch), json_string_length(jch), &ch)) != 0) {
		helper_msg_set(m, rc);
		goto out;
	}
	*cert = c;
	*chain = ch;
	c = NULL;
	ch = NULL;
	rc = 0;
out:
	if (rc != 0 && m != NULL && m->zh[0] == '\0')
		helper_msg_set(m, rc);
	X509_free(c);
	sk_X509_pop_free(ch, X509_free);
	json_decref(j);
	free(req);
	free(body);
	return rc;
}

int
helper_svc_ocsp(const char *service, const unsigned char *req,
    size_t reqlen, unsigned char **resp, size_t *resplen,
    struct helper_msg *m)
{
	char url[512];
	unsigned char *body = NULL;
	size_t len;
	long status;
	int rc;

	*resp = NULL;
	*resplen = 0;
	if ((rc = svc_url(service, "/ocsp", url, sizeof(url))) != 0) {
		helper_msg_set(m, rc);
		return rc;
	}
	if ((rc = svc_exchange(url, "application/ocsp-request", req, reqlen,
	    &body, &len, &status, m)) != 0)
		return rc;
	if (status != 200) {
		rc = svc_refused(url, status, body, len, m);
		free(body);
		return rc;
	}
	if (len > GMPKI_MAX_OCSP_SIZE) {
		free(body);
		helper_msg_set(m, GMPKI_ERR_TOO_LARGE);
		return GMPKI_ERR_TOO_LARGE;
	}
	*resp = body;
	*resplen = len;
	return 0;
}
