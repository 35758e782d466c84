/*
 * certauth_internal.h - what libcertauth's files share and do not export:
 * the revocation step (certauth_revocation.c) and its HTTP client
 * (certauth_fetch.c).  The public API is include/certauth/certauth.h.
 */
#ifndef CERTAUTH_INTERNAL_H
#define CERTAUTH_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "certauth/certauth.h"
#include "gmpki/gmpki.h"

/* --- certauth_fetch.c ---------------------------------------------------- */

/* curl_global_init / _cleanup, paired per context (libcurl counts them). */
int certauth_fetch_global_init(void);
void certauth_fetch_global_cleanup(void);

/* 1 when url is http:// or https://, at most CERTAUTH_MAX_URL bytes,
 * printable ASCII without spaces. */
int certauth_fetch_url_ok(const char *url);

/*
 * One HTTP exchange: POST body (Content-Type ctype) when body is not NULL,
 * else GET.  No redirects, http and https only, connection and transfer
 * within timeout_ms, at most max bytes of answer.  On 0, *out (malloc'ed,
 * NUL-terminated) and *outlen hold a 200 answer.  Otherwise
 * CERTAUTH_ERR_NOMEM, CERTAUTH_ERR_TOO_LARGE (answer over max) or
 * CERTAUTH_ERR_REVOCATION_UNKNOWN (bad URL, network, timeout, status not
 * 200), with *why a static English phrase for logs.
 */
int certauth_fetch(const char *url, const char *ctype,
    const unsigned char *body, size_t bodylen, size_t max, long timeout_ms,
    unsigned char **out, size_t *outlen, const char **why);

/* --- certauth_revocation.c ----------------------------------------------- */

/* The revocation sources of a context, its caches and counters. */
struct certauth_revocation;

/* From cfg's revocation, crls, fetch_revocation, fetch_timeout_ms and
 * max_cache.  0 or CERTAUTH_ERR_ARG / _NOMEM / _INTERNAL. */
int certauth_revocation_new(const struct certauth_config *cfg,
    struct certauth_revocation **out);
void certauth_revocation_free(struct certauth_revocation *rv);

/* 1 when any source is configured. */
int certauth_revocation_enabled(const struct certauth_revocation *rv);

/*
 * The revocation step for cert (issued by issuer), which already chains
 * to base->root at base->at: every answer is checked with
 * gmpki_verify_cert(cert, base + the answer, revocation required).
 * ocsp_url / crl_url are the leaf's (empty or NULL: none).  Fills
 * res->revocation_checked, _source, ocsp_detail, crl_detail.  Returns 0
 * (good), CERTAUTH_ERR_REVOKED, CERTAUTH_ERR_REVOCATION_UNKNOWN or
 * CERTAUTH_ERR_NOMEM, with *detail a static English phrase.
 */
int certauth_revocation_check(struct certauth_revocation *rv, X509 *cert,
    X509 *issuer, const struct gmpki_verify_opts *base, const char *ocsp_url,
    const char *crl_url, struct certauth_result *res, const char **detail);

void certauth_revocation_get_stats(struct certauth_revocation *rv,
    struct certauth_revocation_stats *out);

#endif
