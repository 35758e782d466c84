/*
 * directory.c - the service's signed reporting-system directory
 * (GET SERVICE/api/v1/rp, docs/CERTSVC.md "the signed reporting-system
 * directory"): which reporting systems (联网直报系统) may talk to the
 * helper from a browser.
 *
 *   {"directory": base64(D), "signature": base64(SM2(D)),
 *    "signer": PEM of the DOCSIGN certificate, "chain": PEM issuing, root}
 *
 * Verification, in this order, before a byte of D is parsed:
 *   1. signer chains to the PINNED root (h->root) through chain, which is
 *      only ever untrusted input (the answer's own root is never trusted);
 *   2. signer carries extendedKeyUsage id-kp-documentSigning (RFC 9336);
 *   3. signature is SM2-with-SM3, default ID, over exactly the decoded
 *      bytes of directory;
 *   4. D: version 1, "service" equal to the configured service URL, and
 *      issued_at not older than the copy already held (no replay of an old
 *      directory to bring back a removed system).
 * The verified answer is kept in keystore_dir/directory.json (0600) and is
 * verified again when it is loaded, so the daemon works offline until the
 * next refresh.  A failed refresh leaves the previous directory in place.
 */
#include "helper.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "gmpki/gmpki.h"
#include "log.h"

#define DIR_MAX_ANSWER (1024 * 1024)
#define DIR_MAX_SYSTEMS 4096
#define DIR_FILE "directory.json"
#define DIR_CONNECT_TIMEOUT 10L
#define DIR_TIMEOUT 30L

void
helper_directory_free(struct helper_directory *d)
{
	if (d == NULL)
		return;
	free(d->systems);
	free(d);
}

/* ---- verification ------------------------------------------------------- */

/* Strict base64 (RFC 4648 §4, padded, no white space) of a JSON string. */
static int
b64_decode(json_t *s, unsigned char **out, size_t *outlen, size_t max)
{
	const char *in;
	size_t len, i, pad = 0;
	unsigned char *buf;
	int n;

	*out = NULL;
	if (!json_is_string(s))
		return HELPER_ERR_PROTOCOL;
	in = json_string_value(s);
	len = json_string_length(s);
	if (len == 0 || len % 4 != 0 || len / 4 * 3 > max || len > INT_MAX)
		return HELPER_ERR_PROTOCOL;
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == '=') {
			if (i < len - 2)
				return HELPER_ERR_PROTOCOL;
			pad++;
		} else if (pad != 0 || !(isalnum((unsigned char)c) ||
		    c == '+' || c == '/'))
			return HELPER_ERR_PROTOCOL;
	}
	if ((buf = malloc(len / 4 * 3 + 1)) == NULL)
		return GMPKI_ERR_NOMEM;
	n = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)len);
	if (n < 0 || (size_t)n < pad) {
		free(buf);
		return HELPER_ERR_PROTOCOL;
	}
	*outlen = (size_t)n - pad;
	buf[*outlen] = '\0';
	*out = buf;
	return 0;
}

/* 1 when cert's extendedKeyUsage lists id-kp-documentSigning. */
static int
has_docsign_eku(X509 *cert)
{
	EXTENDED_KEY_USAGE *eku;
	char oid[64];
	int i, found = 0, crit = 0;

	eku = X509_get_ext_d2i(cert, NID_ext_key_usage, &crit, NULL);
	if (eku == NULL)
		return 0;
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		if (OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, i),
		    1) > 0 && strcmp(oid, GMPKI_OID_KP_DOCUMENT_SIGNING) == 0)
			found = 1;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

/* a and b name the same service: equal but for trailing slashes. */
static int
same_service(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (lb > 0 && b[lb - 1] == '/')
		lb--;
	return la > 0 && la == lb && memcmp(a, b, la) == 0;
}

static int
copy_field(json_t *o, const char *key, char *dst, size_t len)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	size_t i, n;

	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n >= len || strlen(s) != n)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/* D, already verified: version, service, the systems. */
static int
parse_directory(const unsigned char *d, size_t dlen, const char *service,
    struct helper_directory **out, struct helper_msg *m)
{
	struct helper_directory *dir = NULL;
	json_t *j, *ver, *iss, *svc, *sys, *o;
	size_t i, n;
	int rc = HELPER_ERR_PROTOCOL;

	*out = NULL;
	j = json_loadb((const char *)d, dlen, JSON_REJECT_DUPLICATES, NULL);
	ver = json_object_get(j, "version");
	iss = json_object_get(j, "issued_at");
	svc = json_object_get(j, "service");
	sys = json_object_get(j, "systems");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1 ||
	    !json_is_integer(iss) || json_integer_value(iss) <= 0 ||
	    !json_is_string(svc) || !json_is_array(sys) ||
	    json_array_size(sys) > DIR_MAX_SYSTEMS) {
		helper_msg_set(m, rc);
		goto out;
	}
	if (!same_service(json_string_value(svc), service)) {
		helper_log(HELPER_LOG_WARN, "directory: for service %s, not %s",
		    json_string_value(svc), service);
		helper_msg_set(m, rc);
		if (m != NULL) {
			snprintf(m->zh, sizeof(m->zh),
			    "直报系统目录不属于已配置的在线服务");
			snprintf(m->en, sizeof(m->en), "the directory is for "
			    "another service than the configured one");
		}
		goto out;
	}
	n = json_array_size(sys);
	if ((dir = calloc(1, sizeof(*dir))) == NULL ||
	    (dir->systems = calloc(n + 1, sizeof(*dir->systems))) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		helper_msg_set(m, rc);
		goto out;
	}
	dir->issued_at = (long long)json_integer_value(iss);
	snprintf(dir->service, sizeof(dir->service), "%s", service);
	json_array_foreach(sys, i, o) {
		struct helper_rp *rp = &dir->systems[dir->n];
		char raw[sizeof(rp->origin)];

		if (copy_field(o, "id", rp->id, sizeof(rp->id)) != 0 ||
		    copy_field(o, "name", rp->name, sizeof(rp->name)) != 0 ||
		    copy_field(o, "origin", raw, sizeof(raw)) != 0 ||
		    copy_field(o, "return_url", rp->return_url,
		    sizeof(rp->return_url)) != 0 ||
		    helper_url_origin(raw, rp->origin, sizeof(rp->origin)) != 0) {
			/* One bad entry costs that entry, not the others. */
			helper_log(HELPER_LOG_WARN, "directory: entry %zu "
			    "skipped (malformed)", i);
			memset(rp, 0, sizeof(*rp));
			continue;
		}
		dir->n++;
	}
	*out = dir;
	dir = NULL;
	rc = 0;
out:
	helper_directory_free(dir);
	json_decref(j);
	return rc;
}

static void
msg_refused(struct helper_msg *m, int rc, const char *zh, const char *en)
{
	helper_msg_set(m, rc);
	if (m == NULL)
		return;
	snprintf(m->zh, sizeof(m->zh), "直报系统目录无效: %s", zh);
	snprintf(m->en, sizeof(m->en), "the reporting-system directory is "
	    "not valid: %s", en);
}

int
helper_directory_verify(X509 *root, const char *service,
    const unsigned char *body, size_t len, time_t at,
    struct helper_directory **out, struct helper_msg *m)
{
	struct gmpki_verify_opts vo;
	struct gmpki_verify_result vr;
	json_t *j = NULL, *js, *jc;
	unsigned char *d = NULL, *sig = NULL;
	size_t dlen = 0, siglen = 0;
	X509 *signer = NULL;
	STACK_OF(X509) *chain = NULL;
	int rc;

	*out = NULL;
	if (root == NULL || service == NULL || service[0] == '\0') {
		helper_msg_set(m, HELPER_ERR_NOT_SET_UP);
		return HELPER_ERR_NOT_SET_UP;
	}
	if (len > DIR_MAX_ANSWER) {
		helper_msg_set(m, GMPKI_ERR_TOO_LARGE);
		return GMPKI_ERR_TOO_LARGE;
	}
	j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	js = json_object_get(j, "signer");
	jc = json_object_get(j, "chain");
	if (!json_is_object(j) || !json_is_string(js) || !json_is_string(jc) ||
	    (rc = b64_decode(json_object_get(j, "directory"), &d, &dlen,
	    DIR_MAX_ANSWER)) != 0 ||
	    (rc = b64_decode(json_object_get(j, "signature"), &sig, &siglen,
	    GMPKI_SM2_MAX_SIG_LEN)) != 0) {
		rc = HELPER_ERR_PROTOCOL;
		msg_refused(m, rc, "格式错误", "malformed");
		goto out;
	}
	if ((rc = gmpki_cert_from_mem((const unsigned char *)
	    json_string_value(js), json_string_length(js), &signer)) != 0 ||
	    (rc = gmpki_certs_from_mem((const unsigned char *)
	    json_string_value(jc), json_string_length(jc), &chain)) != 0) {
		msg_refused(m, rc, "签名证书无法解析",
		    "the signer's certificates do not decode");
		goto out;
	}
	/* 1. to the pinned root; the answer's chain is only untrusted. */
	memset(&vo, 0, sizeof(vo));
	vo.root = root;
	vo.untrusted = chain;
	vo.at = at;
	if ((rc = gmpki_verify_cert(signer, &vo, &vr)) != 0) {
		helper_log(HELPER_LOG_WARN, "directory: signer: %s",
		    helper_errname(rc));
		if (rc == GMPKI_ERR_CERT_UNTRUSTED || rc == GMPKI_ERR_CERT_CHAIN)
			rc = HELPER_ERR_FOREIGN_CHAIN;
		msg_refused(m, rc, "签名证书不通向已固定的根证书",
		    "the signer does not chain to the pinned root");
		goto out;
	}
	/* 2. a document signer, not any certificate of the CA. */
	if (!has_docsign_eku(signer)) {
		rc = GMPKI_ERR_CERT_PROFILE;
		helper_log(HELPER_LOG_WARN, "directory: signer lacks "
		    "id-kp-documentSigning");
		msg_refused(m, rc, "签名证书不是文档签名证书",
		    "the signer is not a document-signing certificate");
		goto out;
	}
	/* 3. over exactly the decoded bytes. */
	if ((rc = gmpki_sm2_verify(X509_get0_pubkey(signer), NULL, d, dlen,
	    sig, siglen)) != 0) {
		rc = GMPKI_ERR_SIGNATURE;
		helper_log(HELPER_LOG_WARN, "directory: bad signature");
		msg_refused(m, rc, "签名无效", "bad signature");
		goto out;
	}
	/* 4. only now is D read. */
	rc = parse_directory(d, dlen, service, out, m);
out:
	X509_free(signer);
	sk_X509_pop_free(chain, X509_free);
	json_decref(j);
	free(d);
	free(sig);
	return rc;
}

/* ---- holding it -------------------------------------------------------- */

static int
cache_path(struct helper_ctx *h, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s", h->cfg.keystore_dir, DIR_FILE);

	return n < 0 || (size_t)n >= len ? GMPKI_ERR_ARG : 0;
}

/*
 * What the daemon needs to verify, copied under the lock: the service URL
 * and the pinned root (up-ref'ed).
 */
static int
snapshot(struct helper_ctx *h, char *service, size_t len, X509 **root)
{
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	snprintf(service, len, "%s", h->cfg.service_url);
	*root = h->root;
	if (*root == NULL || service[0] == '\0')
		rc = HELPER_ERR_NOT_SET_UP;
	else
		X509_up_ref(*root);
	pthread_mutex_unlock(&h->lock);
	if (rc != 0)
		*root = NULL;
	return rc;
}

int
helper_directory_accept(struct helper_ctx *h, const unsigned char *body,
    size_t len, int save, struct helper_msg *m)
{
	struct helper_directory *dir = NULL, *old = NULL;
	char service[sizeof(h->cfg.service_url)], path[PATH_MAX];
	X509 *root = NULL;
	int rc;

	if ((rc = snapshot(h, service, sizeof(service), &root)) != 0) {
		helper_msg_set(m, rc);
		return rc;
	}
	rc = helper_directory_verify(root, service, body, len, 0, &dir, m);
	X509_free(root);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&h->lock);
	if (!same_service(h->cfg.service_url, service)) {
		/* reconfigured meanwhile: not for the service we now have */
		rc = HELPER_ERR_PROTOCOL;
	} else if (h->dir != NULL && same_service(h->dir->service, service) &&
	    dir->issued_at < h->dir->issued_at) {
		rc = HELPER_ERR_PROTOCOL;
	} else {
		old = h->dir;
		h->dir = dir;
		dir = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	helper_directory_free(old);
	if (rc != 0) {
		helper_log(HELPER_LOG_WARN, "directory: older than the one "
		    "held, or for another service: kept the one held");
		msg_refused(m, rc, "目录比已有的旧", "older than the one held");
		helper_directory_free(dir);
		return rc;
	}
	if (save && (rc = cache_path(h, path, sizeof(path))) == 0 &&
	    (rc = gmpki_file_write(path, body, len, 0600, 0)) != 0)
		helper_log(HELPER_LOG_WARN, "directory: cannot save %s: %s",
		    path, helper_errname(rc));
	return 0;
}

/* The copy saved by the last refresh, verified again. */
static int
load_cached(struct helper_ctx *h)
{
	char path[PATH_MAX];
	unsigned char *body = NULL;
	size_t len;
	int rc;

	if ((rc = cache_path(h, path, sizeof(path))) != 0 ||
	    (rc = gmpki_file_read(path, DIR_MAX_ANSWER, &body, &len)) != 0)
		return rc;
	rc = helper_directory_accept(h, body, len, 0, NULL);
	free(body);
	if (rc != 0)
		helper_log(HELPER_LOG_WARN, "directory: saved copy %s refused: "
		    "%s", path, helper_errname(rc));
	else
		helper_log(HELPER_LOG_INFO, "directory: saved copy loaded");
	return rc;
}

struct dir_answer {
	unsigned char *buf;
	size_t len;
	int too_large;
};

static size_t
dir_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct dir_answer *a = arg;
	size_t n = size * nmemb;
	unsigned char *p;

	if (n > DIR_MAX_ANSWER - a->len) {
		a->too_large = 1;
		return 0;
	}
	if ((p = realloc(a->buf, a->len + n + 1)) == NULL)
		return 0;
	a->buf = p;
	memcpy(a->buf + a->len, data, n);
	a->len += n;
	a->buf[a->len] = '\0';
	return n;
}

/* GET SERVICE/api/v1/rp, bounded, no redirects, http(s) only. */
static int
dir_get(const char *service, unsigned char **out, size_t *outlen,
    struct helper_msg *m)
{
	struct dir_answer a = { NULL, 0, 0 };
	char url[512];
	size_t sl;
	long status = 0;
	CURLcode cc;
	CURL *c;
	int n, rc;

	*out = NULL;
	if (!helper_service_url_ok(service)) {
		helper_msg_set(m, HELPER_ERR_NOT_SET_UP);
		return HELPER_ERR_NOT_SET_UP;
	}
	sl = strlen(service);
	while (sl > 0 && service[sl - 1] == '/')
		sl--;
	n = snprintf(url, sizeof(url), "%.*s/api/v1/rp", (int)sl, service);
	if (n < 0 || (size_t)n >= sizeof(url)) {
		helper_msg_set(m, GMPKI_ERR_ARG);
		return GMPKI_ERR_ARG;
	}
	if ((c = curl_easy_init()) == NULL)
		return GMPKI_ERR_NOMEM;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, DIR_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, DIR_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "certhelper/" HELPER_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, dir_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (a.too_large) {
		rc = GMPKI_ERR_TOO_LARGE;
		helper_msg_set(m, rc);
	} else if (cc != CURLE_OK) {
		helper_log(HELPER_LOG_WARN, "%s: %s", url,
		    curl_easy_strerror(cc));
		rc = HELPER_ERR_NETWORK;
		helper_msg_set(m, rc);
	} else if (status != 200 || a.buf == NULL) {
		helper_log(HELPER_LOG_WARN, "%s: HTTP %ld", url, status);
		rc = HELPER_ERR_SERVICE;
		helper_msg_set(m, rc);
	} else {
		*out = a.buf;
		*outlen = a.len;
		return 0;
	}
	free(a.buf);
	return rc;
}

int
helper_directory_fetch(struct helper_ctx *h, struct helper_msg *m)
{
	char service[sizeof(h->cfg.service_url)];
	unsigned char *body = NULL;
	size_t len = 0;
	X509 *root = NULL;
	int rc, have;

	if ((rc = snapshot(h, service, sizeof(service), &root)) != 0) {
		helper_msg_set(m, rc);
		return rc;
	}
	X509_free(root);
	pthread_mutex_lock(&h->lock);
	have = h->dir != NULL;
	h->dir_fetched_at = time(NULL);
	pthread_mutex_unlock(&h->lock);
	if (!have)
		(void)load_cached(h);	/* offline until the refresh works */
	if ((rc = dir_get(service, &body, &len, m)) == 0)
		rc = helper_directory_accept(h, body, len, 1, m);
	free(body);
	pthread_mutex_lock(&h->lock);
	len = h->dir != NULL ? h->dir->n : 0;
	pthread_mutex_unlock(&h->lock);
	if (rc != 0)
		helper_log(HELPER_LOG_WARN, "directory refresh from %s failed: "
		    "%s (keeping %zu registered systems)", service,
		    helper_errname(rc), len);
	else
		helper_log(HELPER_LOG_INFO, "directory refreshed from %s: %zu "
		    "registered systems", service, len);
	return rc;
}

int
helper_directory_refresh_if_older(struct helper_ctx *h, int max_age)
{
	time_t now = time(NULL);
	int due;

	pthread_mutex_lock(&h->lock);
	due = h->root != NULL && (now - h->dir_fetched_at >= max_age ||
	    now < h->dir_fetched_at);
	if (due)
		h->dir_fetched_at = now;    /* claimed: others go on */
	pthread_mutex_unlock(&h->lock);
	if (due)
		(void)helper_directory_fetch(h, NULL);
	return due;
}

int
helper_directory_origin_allowed(struct helper_ctx *h, const char *origin,
    char rp_id_out[64])
{
	char norm[sizeof(((struct helper_rp *)0)->origin)];
	size_t i;
	int ok = 0;

	if (rp_id_out != NULL)
		rp_id_out[0] = '\0';
	if (origin == NULL ||
	    helper_url_origin(origin, norm, sizeof(norm)) != 0)
		return 0;
	pthread_mutex_lock(&h->lock);
	/* A directory of another service (before setup changed it) counts
	 * for nothing. */
	if (h->dir != NULL && same_service(h->dir->service,
	    h->cfg.service_url)) {
		for (i = 0; i < h->dir->n && !ok; i++) {
			if (strcmp(h->dir->systems[i].origin, norm) != 0)
				continue;
			ok = 1;
			if (rp_id_out != NULL)
				snprintf(rp_id_out, 64, "%s",
				    h->dir->systems[i].id);
		}
	}
	pthread_mutex_unlock(&h->lock);
	return ok;
}

int
helper_directory_rp(struct helper_ctx *h, const char *id,
    struct helper_rp *out)
{
	size_t i;
	int ok = 0;

	memset(out, 0, sizeof(*out));
	if (id == NULL || id[0] == '\0')
		return 0;
	pthread_mutex_lock(&h->lock);
	if (h->dir != NULL && same_service(h->dir->service,
	    h->cfg.service_url)) {
		for (i = 0; i < h->dir->n && !ok; i++) {
			if (strcmp(h->dir->systems[i].id, id) != 0)
				continue;
			*out = h->dir->systems[i];
			ok = 1;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return ok;
}
