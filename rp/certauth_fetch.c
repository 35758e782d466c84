/*
 * certauth_fetch.c - the revocation step's HTTP client: one bounded
 * exchange with libcurl per call (a fresh handle, so calls from several
 * threads share nothing).  http and https only, no redirects, one time
 * limit for connecting and transferring, a cap on the answer's size
 * (checked against Content-Length before the body and again while it
 * arrives), no content decoding.  Proxies come from the environment as
 * libcurl reads them (http_proxy, no_proxy, ...).
 */
#include "certauth_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

struct answer {
	unsigned char *buf;
	size_t len, cap, max;
	int too_large, nomem;
};

int
certauth_fetch_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 :
	    CERTAUTH_ERR_INTERNAL;
}

void
certauth_fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

int
certauth_fetch_url_ok(const char *url)
{
	size_t i, n;

	if (url == NULL)
		return 0;
	n = strnlen(url, CERTAUTH_MAX_URL + 1);
	if (n > CERTAUTH_MAX_URL)
		return 0;
	if (!(n > 7 && strncasecmp(url, "http://", 7) == 0) &&
	    !(n > 8 && strncasecmp(url, "https://", 8) == 0))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 ||
		    (unsigned char)url[i] >= 0x7f)
			return 0;
	return 1;
}

/* CURLOPT_WRITEFUNCTION: append, refusing more than a->max bytes. */
static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t add, ncap;
	unsigned char *t;

	if (n != 0 && size > SIZE_MAX / n)
		return 0;
	add = size * n;
	if (add > a->max - a->len) {
		a->too_large = 1;
		return 0;
	}
	if (a->len + add + 1 > a->cap) {
		ncap = a->cap == 0 ? 4096 : a->cap;
		while (ncap < a->len + add + 1)
			ncap *= 2;
		if (ncap > a->max + 1)
			ncap = a->max + 1;
		if ((t = realloc(a->buf, ncap)) == NULL) {
			a->nomem = 1;
			return 0;
		}
		a->buf = t;
		a->cap = ncap;
	}
	memcpy(a->buf + a->len, p, add);
	a->len += add;
	a->buf[a->len] = '\0';
	return add;
}

int
certauth_fetch(const char *url, const char *ctype, const unsigned char *body,
    size_t bodylen, size_t max, long timeout_ms, unsigned char **out,
    size_t *outlen, const char **why)
{
	struct answer a;
	struct curl_slist *hdrs = NULL;
	char ct[96];
	long status = 0;
	CURLcode cc;
	CURL *c;
	int rc;

	*out = NULL;
	*outlen = 0;
	*why = NULL;
	memset(&a, 0, sizeof(a));
	a.max = max;
	if (!certauth_fetch_url_ok(url)) {
		*why = "URL is not http or https, or too long";
		return CERTAUTH_ERR_REVOCATION_UNKNOWN;
	}
	if ((c = curl_easy_init()) == NULL) {
		*why = "out of memory";
		return CERTAUTH_ERR_NOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "libcertauth");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	if (body != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		if ((hdrs = curl_slist_append(NULL, ct)) == NULL) {
			*why = "out of memory";
			rc = CERTAUTH_ERR_NOMEM;
			goto out;
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)bodylen);
	}
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (a.nomem) {
		*why = "out of memory";
		rc = CERTAUTH_ERR_NOMEM;
	} else if (a.too_large || cc == CURLE_FILESIZE_EXCEEDED) {
		*why = "answer is larger than allowed";
		rc = CERTAUTH_ERR_TOO_LARGE;
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		*why = "timed out";
		rc = CERTAUTH_ERR_REVOCATION_UNKNOWN;
	} else if (cc != CURLE_OK) {
		*why = "cannot connect or transfer";
		rc = CERTAUTH_ERR_REVOCATION_UNKNOWN;
	} else if (status != 200) {
		*why = "HTTP status is not 200";
		rc = CERTAUTH_ERR_REVOCATION_UNKNOWN;
	} else if (a.len == 0) {
		*why = "answer is empty";
		rc = CERTAUTH_ERR_REVOCATION_UNKNOWN;
	} else {
		*out = a.buf;
		*outlen = a.len;
		a.buf = NULL;
		rc = 0;
	}
out:
	free(a.buf);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return rc;
}
