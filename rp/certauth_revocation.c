/*
 * certauth_revocation.c - the revocation step of a login (the comment
 * "The revocation step" in include/certauth/certauth.h, and
 * docs/LOGIN-PROTOCOL.md §6 step 7): OCSP from the callback or fetched
 * from the leaf's AIA URL and cached per (issuer key, serial) until
 * nextUpdate; failing that the CRL, configured or fetched from the leaf's
 * distribution point and cached per URL until nextUpdate.
 *
 * An OCSP answer is verified once (gmpki_ocsp_response_verify at the
 * context's clock); what is cached is its verdict, good or revoked, with
 * the window of instants at which the same check gives the same verdict
 * (gmpki_ocsp_status good_from/good_until: thisUpdate less the skew up to
 * nextUpdate, within the responder certificate's validity).  A fetched
 * verdict is reused while the clock is in its window; the callback's
 * answers are remembered by their SM3 too, so the same bytes handed in
 * again are not verified again.  A CRL is judged by gmpki_verify_cert at
 * every use.  The cache and the counters are guarded by the context's own
 * mutex (rv->lock), which is never held during network I/O or signature
 * checks: a cached CRL is up-ref'ed out under the lock and checked after
 * it is released.
 */
#include "certauth_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIAL_DER 64   /* RFC 5280 serials (20 octets) need 22 */
#define OCSP_REQUEST_TYPE "application/ocsp-request"

/* What one source said. */
enum answer {
	ANS_NONE,       /* no usable answer: the next source is asked       */
	ANS_GOOD,
	ANS_REVOKED,
	ANS_UNKNOWN,    /* a verified OCSP "unknown": final                 */
	ANS_NOMEM,
};

struct ocsp_key {
	unsigned char issuer_key[GMPKI_SM3_LEN]; /* SM3 of its public key */
	unsigned char serial[MAX_SERIAL_DER];    /* DER INTEGER           */
	size_t serial_len;
};

struct ocsp_entry {
	struct ocsp_key key;
	unsigned char sm3[GMPKI_SM3_LEN]; /* of the answer's DER          */
	enum answer verdict;              /* ANS_GOOD or ANS_REVOKED      */
	time_t from, until;               /* good_from, good_until        */
};

struct crl_entry {
	char *url;
	X509_CRL *crl;
	time_t next_update;
};

struct certauth_revocation {
	certauth_revocation_fn callback;
	void *callback_arg;
	STACK_OF(X509_CRL) *crls;
	int fetch;
	long timeout_ms;
	size_t max_ocsp;

	pthread_mutex_t lock;   /* guards everything below */
	struct ocsp_entry *ocsp;
	size_t n_ocsp, cap_ocsp;
	struct crl_entry crl[CERTAUTH_MAX_CACHED_CRLS];
	size_t n_crl;
	struct certauth_revocation_stats st;
};

/* --- context ---------------------------------------------------------- */

void
certauth_revocation_free(struct certauth_revocation *rv)
{
	size_t i;

	if (rv == NULL)
		return;
	free(rv->ocsp);
	for (i = 0; i < rv->n_crl; i++) {
		free(rv->crl[i].url);
		X509_CRL_free(rv->crl[i].crl);
	}
	sk_X509_CRL_pop_free(rv->crls, X509_CRL_free);
	if (rv->fetch)
		certauth_fetch_global_cleanup();
	pthread_mutex_destroy(&rv->lock);
	free(rv);
}

int
certauth_revocation_new(const struct certauth_config *cfg,
    struct certauth_revocation **out)
{
	struct certauth_revocation *rv;
	int i;

	*out = NULL;
	if (cfg->fetch_timeout_ms < 0 ||
	    cfg->fetch_timeout_ms > CERTAUTH_MAX_FETCH_TIMEOUT_MS)
		return CERTAUTH_ERR_ARG;
	if ((rv = calloc(1, sizeof(*rv))) == NULL)
		return CERTAUTH_ERR_NOMEM;
	if (pthread_mutex_init(&rv->lock, NULL) != 0) {
		free(rv);
		return CERTAUTH_ERR_INTERNAL;
	}
	rv->callback = cfg->revocation;
	rv->callback_arg = cfg->revocation_arg;
	rv->timeout_ms = cfg->fetch_timeout_ms == 0 ?
	    CERTAUTH_DEFAULT_FETCH_TIMEOUT_MS : cfg->fetch_timeout_ms;
	rv->max_ocsp = cfg->max_cache == 0 ? CERTAUTH_DEFAULT_MAX_CACHE :
	    cfg->max_cache;
	if (cfg->crls != NULL && sk_X509_CRL_num(cfg->crls) > 0) {
		if ((rv->crls = sk_X509_CRL_new_null()) == NULL) {
			certauth_revocation_free(rv);
			return CERTAUTH_ERR_NOMEM;
		}
		for (i = 0; i < sk_X509_CRL_num(cfg->crls); i++) {
			X509_CRL *c = sk_X509_CRL_value(cfg->crls, i);

			if (c == NULL || X509_CRL_up_ref(c) != 1) {
				certauth_revocation_free(rv);
				return CERTAUTH_ERR_ARG;
			}
			if (!sk_X509_CRL_push(rv->crls, c)) {
				X509_CRL_free(c);
				certauth_revocation_free(rv);
				return CERTAUTH_ERR_NOMEM;
			}
		}
	}
	if (cfg->fetch_revocation) {
		if (certauth_fetch_global_init() != 0) {
			certauth_revocation_free(rv);
			return CERTAUTH_ERR_INTERNAL;
		}
		rv->fetch = 1;
	}
	*out = rv;
	return 0;
}

int
certauth_revocation_enabled(const struct certauth_revocation *rv)
{
	return rv != NULL && (rv->callback != NULL || rv->crls != NULL ||
	    rv->fetch);
}

void
certauth_revocation_get_stats(struct certauth_revocation *rv,
    struct certauth_revocation_stats *out)
{
	pthread_mutex_lock(&rv->lock);
	*out = rv->st;
	out->ocsp_cached = rv->n_ocsp;
	out->crl_cached = rv->n_crl;
	pthread_mutex_unlock(&rv->lock);
}

/* Adds one to a counter. */
static void
count(struct certauth_revocation *rv, uint64_t *counter)
{
	pthread_mutex_lock(&rv->lock);
	(*counter)++;
	pthread_mutex_unlock(&rv->lock);
}

/* --- the OCSP cache ------------------------------------------------------- */

static int
ocsp_key_make(X509 *cert, X509 *issuer, struct ocsp_key *k)
{
	const ASN1_BIT_STRING *pk = X509_get0_pubkey_bitstr(issuer);
	const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
	unsigned char *p;
	int n;

	memset(k, 0, sizeof(*k));
	if (pk == NULL || serial == NULL ||
	    gmpki_sm3(ASN1_STRING_get0_data(pk), (size_t)ASN1_STRING_length(pk),
	    k->issuer_key) != 0)
		return -1;
	n = i2d_ASN1_INTEGER(serial, NULL);
	if (n <= 0 || n > MAX_SERIAL_DER)
		return -1;
	p = k->serial;
	if (i2d_ASN1_INTEGER(serial, &p) != n)
		return -1;
	k->serial_len = (size_t)n;
	return 0;
}

static int
ocsp_key_eq(const struct ocsp_key *a, const struct ocsp_key *b)
{
	return a->serial_len == b->serial_len &&
	    memcmp(a->serial, b->serial, a->serial_len) == 0 &&
	    memcmp(a->issuer_key, b->issuer_key, sizeof(a->issuer_key)) == 0;
}

static void
ocsp_remove_locked(struct certauth_revocation *rv, size_t i)
{
	rv->ocsp[i] = rv->ocsp[rv->n_ocsp - 1];
	memset(&rv->ocsp[rv->n_ocsp - 1], 0, sizeof(rv->ocsp[0]));
	rv->n_ocsp--;
}

static size_t
ocsp_find_locked(struct certauth_revocation *rv, const struct ocsp_key *k)
{
	size_t i;

	for (i = 0; i < rv->n_ocsp; i++)
		if (ocsp_key_eq(&rv->ocsp[i].key, k))
			return i;
	return SIZE_MAX;
}

/*
 * The verdict cached for k while now is in its window (one outside it is
 * dropped); with sm3, only when it was reached from those bytes.  1 found
 * (*verdict set), 0 not.
 */
static int
ocsp_cache_get(struct certauth_revocation *rv, const struct ocsp_key *k,
    time_t now, const unsigned char *sm3, enum answer *verdict)
{
	size_t i;
	int found = 0;

	pthread_mutex_lock(&rv->lock);
	i = ocsp_find_locked(rv, k);
	if (i != SIZE_MAX && (now < rv->ocsp[i].from ||
	    now >= rv->ocsp[i].until))
		ocsp_remove_locked(rv, i);
	else if (i != SIZE_MAX && (sm3 == NULL ||
	    memcmp(rv->ocsp[i].sm3, sm3, GMPKI_SM3_LEN) == 0)) {
		*verdict = rv->ocsp[i].verdict;
		found = 1;
	}
	pthread_mutex_unlock(&rv->lock);
	return found;
}

/* Keeps a verdict for its window.  When the cache is full the entries
 * outside their window go first, then the one whose window ends
 * soonest.  Out of memory only means the verdict is not kept. */
static void
ocsp_cache_put(struct certauth_revocation *rv, const struct ocsp_key *k,
    const unsigned char *sm3, enum answer verdict, time_t from,
    time_t until, time_t now)
{
	size_t i, j;

	pthread_mutex_lock(&rv->lock);
	i = ocsp_find_locked(rv, k);
	if (i == SIZE_MAX && rv->n_ocsp >= rv->max_ocsp) {
		for (j = rv->n_ocsp; j > 0; j--)
			if (now < rv->ocsp[j - 1].from ||
			    now >= rv->ocsp[j - 1].until)
				ocsp_remove_locked(rv, j - 1);
		if (rv->n_ocsp >= rv->max_ocsp) {
			size_t soonest = 0;
			for (j = 1; j < rv->n_ocsp; j++)
				if (rv->ocsp[j].until <
				    rv->ocsp[soonest].until)
					soonest = j;
			ocsp_remove_locked(rv, soonest);
		}
	}
	if (i == SIZE_MAX && rv->n_ocsp == rv->cap_ocsp) {
		size_t ncap = rv->cap_ocsp == 0 ? 16 : rv->cap_ocsp * 2;
		struct ocsp_entry *t;

		if (ncap > rv->max_ocsp)
			ncap = rv->max_ocsp;
		if ((t = realloc(rv->ocsp, ncap * sizeof(*t))) == NULL) {
			pthread_mutex_unlock(&rv->lock);
			return;
		}
		rv->ocsp = t;
		rv->cap_ocsp = ncap;
	}
	if (i == SIZE_MAX) {
		i = rv->n_ocsp++;
		rv->ocsp[i].key = *k;
	}
	memcpy(rv->ocsp[i].sm3, sm3, GMPKI_SM3_LEN);
	rv->ocsp[i].verdict = verdict;
	rv->ocsp[i].from = from;
	rv->ocsp[i].until = until;
	pthread_mutex_unlock(&rv->lock);
}

/* --- the CRL cache ------------------------------------------------------------ */

static void
crl_remove_locked(struct certauth_revocation *rv, size_t i)
{
	free(rv->crl[i].url);
	X509_CRL_free(rv->crl[i].crl);
	rv->crl[i] = rv->crl[rv->n_crl - 1];
	memset(&rv->crl[rv->n_crl - 1], 0, sizeof(rv->crl[0]));
	rv->n_crl--;
}

static size_t
crl_find_locked(struct certauth_revocation *rv, const char *url)
{
	size_t i;

	for (i = 0; i < rv->n_crl; i++)
		if (strcmp(rv->crl[i].url, url) == 0)
			return i;
	return SIZE_MAX;
}

/* The CRL cached for url (up-ref'ed) while now is before its nextUpdate;
 * NULL otherwise (an expired one is dropped). */
static X509_CRL *
crl_cache_get(struct certauth_revocation *rv, const char *url, time_t now)
{
	X509_CRL *crl = NULL;
	size_t i;

	pthread_mutex_lock(&rv->lock);
	i = crl_find_locked(rv, url);
	if (i != SIZE_MAX && now >= rv->crl[i].next_update)
		crl_remove_locked(rv, i);
	else if (i != SIZE_MAX && X509_CRL_up_ref(rv->crl[i].crl) == 1)
		crl = rv->crl[i].crl;
	pthread_mutex_unlock(&rv->lock);
	return crl;
}

static void
crl_cache_forget(struct certauth_revocation *rv, const char *url,
    const X509_CRL *crl)
{
	size_t i;

	pthread_mutex_lock(&rv->lock);
	i = crl_find_locked(rv, url);
	if (i != SIZE_MAX && rv->crl[i].crl == crl)
		crl_remove_locked(rv, i);
	pthread_mutex_unlock(&rv->lock);
}

static void
crl_cache_put(struct certauth_revocation *rv, const char *url, X509_CRL *crl,
    time_t next_update, time_t now)
{
	char *u;
	size_t i, j;

	if ((u = strdup(url)) == NULL)
		return;
	if (X509_CRL_up_ref(crl) != 1) {
		free(u);
		return;
	}
	pthread_mutex_lock(&rv->lock);
	if ((i = crl_find_locked(rv, url)) != SIZE_MAX)
		crl_remove_locked(rv, i);
	if (rv->n_crl == CERTAUTH_MAX_CACHED_CRLS) {
		for (j = rv->n_crl; j > 0; j--)
			if (now >= rv->crl[j - 1].next_update)
				crl_remove_locked(rv, j - 1);
	}
	if (rv->n_crl == CERTAUTH_MAX_CACHED_CRLS) {
		size_t soonest = 0;
		for (j = 1; j < rv->n_crl; j++)
			if (rv->crl[j].next_update < rv->crl[soonest].next_update)
				soonest = j;
		crl_remove_locked(rv, soonest);
	}
	i = rv->n_crl++;
	rv->crl[i].url = u;
	rv->crl[i].crl = crl;
	rv->crl[i].next_update = next_update;
	pthread_mutex_unlock(&rv->lock);
}

/* --- judging an answer -------------------------------------------------------- */

/* gmpki_verify_cert with one revocation input, revocation required. */
static enum answer
judge(X509 *cert, const struct gmpki_verify_opts *base,
    const unsigned char *ocsp, size_t ocsp_len, STACK_OF(X509_CRL) *crls,
    int *grc)
{
	struct gmpki_verify_opts vo = *base;
	struct gmpki_verify_result vr;

	vo.ocsp_der = ocsp;
	vo.ocsp_len = ocsp_len;
	vo.crls = crls;
	vo.require_revocation = 1;
	memset(&vr, 0, sizeof(vr));
	*grc = gmpki_verify_cert(cert, &vo, &vr);
	switch (*grc) {
	case 0:
		return ANS_GOOD;
	case GMPKI_ERR_CERT_REVOKED:
		return ANS_REVOKED;
	case GMPKI_ERR_NOMEM:
		return ANS_NOMEM;
	case GMPKI_ERR_REVOCATION_UNKNOWN:
		/* Checked yet not covered: the responder said "unknown" (with
		 * an OCSP answer), or a CRL spoke only of a CA above. */
		return ocsp != NULL && vr.revocation_checked ? ANS_UNKNOWN :
		    ANS_NONE;
	default:
		return ANS_NONE;
	}
}

/*
 * An OCSP answer about cert, whose chain to the root (through issuer) the
 * caller has just validated at base->at: only the answer is checked
 * (signature, responder from issuer, CertID, freshness) - the same checks
 * gmpki_verify_cert makes of it, without validating the chain again.
 */
static enum answer
judge_ocsp(X509 *cert, X509 *issuer, const struct gmpki_verify_opts *base,
    const unsigned char *ocsp, size_t ocsp_len, int *grc,
    struct gmpki_ocsp_status *stp)
{
	struct gmpki_ocsp_status st;

	memset(&st, 0, sizeof(st));
	*grc = gmpki_ocsp_response_verify(ocsp, ocsp_len, cert, issuer, NULL,
	    base->at, base->sm2_id, &st);
	*stp = st;
	if (*grc == GMPKI_ERR_NOMEM)
		return ANS_NOMEM;
	if (*grc != 0)
		return ANS_NONE;
	switch (st.status) {
	case GMPKI_STATUS_GOOD:
		return ANS_GOOD;
	case GMPKI_STATUS_REVOKED:
		*grc = GMPKI_ERR_CERT_REVOKED;
		return ANS_REVOKED;
	default:
		/* §2.2: the responder does not know the certificate. */
		*grc = GMPKI_ERR_REVOCATION_UNKNOWN;
		return ANS_UNKNOWN;
	}
}

static const char *
ocsp_why(int grc)
{
	switch (grc) {
	case GMPKI_ERR_DECODE:
	case GMPKI_ERR_TRAILING:
		return "OCSP answer does not parse";
	case GMPKI_ERR_TOO_LARGE:
		return "OCSP answer is larger than allowed";
	case GMPKI_ERR_OCSP_STALE:
		return "OCSP answer is stale";
	case GMPKI_ERR_SIGNATURE:
		return "OCSP answer's signature does not verify";
	case GMPKI_ERR_OCSP_INVALID:
		return "OCSP answer is unsuccessful, not from the CA's "
		    "responder, or not about the certificate";
	default:
		return "OCSP answer does not verify";
	}
}

static const char *
crl_why(int grc)
{
	switch (grc) {
	case GMPKI_ERR_DECODE:
	case GMPKI_ERR_TRAILING:
	case GMPKI_ERR_TOO_LARGE:
		return "CRL does not parse";
	case GMPKI_ERR_CRL_EXPIRED:
		return "CRL is stale";
	case GMPKI_ERR_SIGNATURE:
		return "CRL's signature does not verify";
	case GMPKI_ERR_CRL_INVALID:
		return "CRL is not from the certificate's issuer, or invalid";
	case GMPKI_ERR_REVOCATION_UNKNOWN:
		return "no CRL of the certificate's issuer";
	default:
		return "CRL does not verify";
	}
}

/* --- the two steps ---------------------------------------------------------- */

/* Keeps a fresh verdict: good or revoked, from an answer with nextUpdate
 * (without one the responder means newer news is always to be had, RFC
 * 6960 §4.2.2.1), its window still open. */
static void
ocsp_keep(struct certauth_revocation *rv, const struct ocsp_key *k,
    const unsigned char *der, size_t len, enum answer a,
    const struct gmpki_ocsp_status *st, time_t now)
{
	unsigned char sm3[GMPKI_SM3_LEN];

	if ((a == ANS_GOOD || a == ANS_REVOKED) && st->next_update != 0 &&
	    st->good_from <= now &&
	    now < st->good_until && gmpki_sm3(der, len, sm3) == 0)
		ocsp_cache_put(rv, k, sm3, a, st->good_from, st->good_until,
		    now);
}

/* Step 1: OCSP from the callback, or cached, or fetched. */
static enum answer
ocsp_step(struct certauth_revocation *rv, X509 *cert, X509 *issuer,
    const struct gmpki_verify_opts *base, time_t now, const char *url,
    struct certauth_result *res)
{
	struct gmpki_ocsp_status st;
	struct ocsp_key key;
	OCSP_REQUEST *req = NULL;
	unsigned char *der = NULL, *q = NULL, sm3[GMPKI_SM3_LEN];
	size_t len = 0, qlen = 0;
	const char *why = NULL;
	enum answer a = ANS_NONE;
	int keyed, grc = 0, rc;

	keyed = ocsp_key_make(cert, issuer, &key) == 0;
	if (rv->callback != NULL) {
		if (rv->callback(rv->callback_arg, cert, issuer, &der,
		    &len) != 0 || der == NULL || len == 0 ||
		    len > GMPKI_MAX_OCSP_SIZE) {
			res->ocsp_detail = "the revocation callback gave no answer";
			goto none;
		}
		/* The same bytes as a verified answer: the same verdict. */
		if (keyed && gmpki_sm3(der, len, sm3) == 0 &&
		    ocsp_cache_get(rv, &key, now, sm3, &a)) {
			count(rv, &rv->st.ocsp_cache_hits);
			res->revocation_source = CERTAUTH_REVOCATION_CALLBACK;
			goto done;
		}
		a = judge_ocsp(cert, issuer, base, der, len, &grc, &st);
		if (a == ANS_NONE)
			res->ocsp_detail = ocsp_why(grc);
		else
			res->revocation_source = CERTAUTH_REVOCATION_CALLBACK;
		if (keyed)
			ocsp_keep(rv, &key, der, len, a, &st, now);
		goto done;
	}
	if (!rv->fetch)
		return ANS_NONE;        /* no OCSP source: not tried */

	if (keyed && ocsp_cache_get(rv, &key, now, NULL, &a)) {
		count(rv, &rv->st.ocsp_cache_hits);
		res->revocation_source = CERTAUTH_REVOCATION_OCSP_CACHE;
		return a;
	}
	if (url == NULL || url[0] == '\0') {
		res->ocsp_detail = "the certificate has no OCSP URL";
		goto none;
	}
	/* No nonce: the answer is the same for everyone until nextUpdate,
	 * so it can be cached (RFC 5019 style). */
	if ((rc = gmpki_ocsp_request_create(cert, issuer, 0, 0, &req)) != 0 ||
	    (rc = gmpki_ocsp_request_to_der(req, &q, &qlen)) != 0) {
		OCSP_REQUEST_free(req);
		if (rc == GMPKI_ERR_NOMEM)
			return ANS_NOMEM;
		res->ocsp_detail = "an OCSP request could not be made";
		goto none;
	}
	OCSP_REQUEST_free(req);
	count(rv, &rv->st.ocsp_fetches);
	rc = certauth_fetch(url, OCSP_REQUEST_TYPE, q, qlen, GMPKI_MAX_OCSP_SIZE,
	    rv->timeout_ms, &der, &len, &why);
	free(q);
	if (rc == CERTAUTH_ERR_NOMEM)
		return ANS_NOMEM;
	if (rc != 0) {
		res->ocsp_detail = why;
		goto none;
	}
	a = judge_ocsp(cert, issuer, base, der, len, &grc, &st);
	if (a == ANS_GOOD || a == ANS_REVOKED || a == ANS_UNKNOWN)
		res->revocation_source = CERTAUTH_REVOCATION_OCSP;
	else if (a == ANS_NONE)
		res->ocsp_detail = ocsp_why(grc);
	if (keyed)
		ocsp_keep(rv, &key, der, len, a, &st, now);
done:
	if (a == ANS_NONE)
		count(rv, &rv->st.ocsp_errors);
	free(der);
	return a;
none:
	count(rv, &rv->st.ocsp_errors);
	free(der);
	return ANS_NONE;
}

/* Whether one of crls is issued by issuer. */
static int
crls_cover(STACK_OF(X509_CRL) *crls, X509 *issuer)
{
	int i;

	for (i = 0; i < sk_X509_CRL_num(crls); i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(sk_X509_CRL_value(crls,
		    i)), X509_get_subject_name(issuer)) == 0)
			return 1;
	return 0;
}

/* One CRL judged: GOOD, REVOKED, NOMEM or NONE (crl_detail set). */
static enum answer
judge_crl(X509 *cert, const struct gmpki_verify_opts *base, X509_CRL *crl,
    struct certauth_result *res)
{
	STACK_OF(X509_CRL) *one;
	enum answer a;
	int grc = 0;

	if ((one = sk_X509_CRL_new_null()) == NULL ||
	    !sk_X509_CRL_push(one, crl)) {
		sk_X509_CRL_free(one);
		return ANS_NOMEM;
	}
	a = judge(cert, base, NULL, 0, one, &grc);
	sk_X509_CRL_free(one);
	if (a == ANS_UNKNOWN)
		a = ANS_NONE;
	if (a == ANS_NONE)
		res->crl_detail = crl_why(grc);
	return a;
}

/* Step 2: the configured CRLs, or a cached or fetched CRL. */
static enum answer
crl_step(struct certauth_revocation *rv, X509 *cert, X509 *issuer,
    const struct gmpki_verify_opts *base, time_t now, const char *url,
    struct certauth_result *res)
{
	unsigned char *der = NULL;
	size_t len = 0;
	const char *why = NULL;
	X509_CRL *crl = NULL;
	const ASN1_TIME *nu;
	time_t next = 0;
	enum answer a;
	int grc = 0, rc;

	if (rv->crls != NULL && crls_cover(rv->crls, issuer)) {
		a = judge(cert, base, NULL, 0, rv->crls, &grc);
		if (a == ANS_UNKNOWN)
			a = ANS_NONE;
		if (a == ANS_NONE) {
			res->crl_detail = crl_why(grc);
			count(rv, &rv->st.crl_errors);
		} else
			res->revocation_source = CERTAUTH_REVOCATION_CRL_CONFIG;
		return a;
	}
	if (!rv->fetch) {
		if (rv->crls == NULL)
			return ANS_NONE;        /* no CRL source: not tried */
		res->crl_detail = "no configured CRL of the certificate's issuer";
		count(rv, &rv->st.crl_errors);
		return ANS_NONE;
	}
	if (url == NULL || url[0] == '\0' || !certauth_fetch_url_ok(url)) {
		res->crl_detail = url == NULL || url[0] == '\0' ?
		    "the certificate has no CRL distribution point" :
		    "URL is not http or https, or too long";
		count(rv, &rv->st.crl_errors);
		return ANS_NONE;
	}
	if ((crl = crl_cache_get(rv, url, now)) != NULL) {
		a = judge_crl(cert, base, crl, res);
		if (a == ANS_GOOD || a == ANS_REVOKED) {
			count(rv, &rv->st.crl_cache_hits);
			res->revocation_source = CERTAUTH_REVOCATION_CRL_CACHE;
			X509_CRL_free(crl);
			return a;
		}
		crl_cache_forget(rv, url, crl);
		count(rv, &rv->st.crl_errors);
		X509_CRL_free(crl);
		crl = NULL;
		res->crl_detail = NULL;
		if (a == ANS_NOMEM)
			return a;
	}
	count(rv, &rv->st.crl_fetches);
	rc = certauth_fetch(url, NULL, NULL, 0, CERTAUTH_MAX_CRL_FETCH,
	    rv->timeout_ms, &der, &len, &why);
	if (rc == CERTAUTH_ERR_NOMEM)
		return ANS_NOMEM;
	if (rc != 0) {
		res->crl_detail = why;
		count(rv, &rv->st.crl_errors);
		return ANS_NONE;
	}
	rc = gmpki_crl_parse(der, len, &crl);
	free(der);
	if (rc == GMPKI_ERR_NOMEM)
		return ANS_NOMEM;
	if (rc != 0) {
		res->crl_detail = crl_why(rc);
		count(rv, &rv->st.crl_errors);
		return ANS_NONE;
	}
	a = judge_crl(cert, base, crl, res);
	if (a == ANS_GOOD || a == ANS_REVOKED) {
		res->revocation_source = CERTAUTH_REVOCATION_CRL;
		nu = X509_CRL_get0_nextUpdate(crl);
		if (nu != NULL && gmpki_asn1_time_to_time(nu, &next) == 0 &&
		    next > now)
			crl_cache_put(rv, url, crl, next, now);
	} else if (a == ANS_NONE)
		count(rv, &rv->st.crl_errors);
	X509_CRL_free(crl);
	return a;
}

int
certauth_revocation_check(struct certauth_revocation *rv, X509 *cert,
    X509 *issuer, const struct gmpki_verify_opts *base, const char *ocsp_url,
    const char *crl_url, struct certauth_result *res, const char **detail)
{
	time_t now = base->at != 0 ? base->at : time(NULL);
	enum answer a;

	res->revocation_source = CERTAUTH_REVOCATION_NONE;
	res->ocsp_detail = NULL;
	res->crl_detail = NULL;
	a = ocsp_step(rv, cert, issuer, base, now, ocsp_url, res);
	if (a == ANS_NONE)
		a = crl_step(rv, cert, issuer, base, now, crl_url, res);
	switch (a) {
	case ANS_GOOD:
		res->revocation_checked = 1;
		*detail = NULL;
		return 0;
	case ANS_REVOKED:
		res->revocation_checked = 1;
		*detail = res->revocation_source == CERTAUTH_REVOCATION_CRL ||
		    res->revocation_source == CERTAUTH_REVOCATION_CRL_CACHE ||
		    res->revocation_source == CERTAUTH_REVOCATION_CRL_CONFIG ?
		    "certificate has been revoked (CRL)" :
		    "certificate has been revoked (OCSP)";
		return CERTAUTH_ERR_REVOKED;
	case ANS_NOMEM:
		res->revocation_source = CERTAUTH_REVOCATION_NONE;
		*detail = "out of memory";
		return CERTAUTH_ERR_NOMEM;
	case ANS_UNKNOWN:
		*detail = "the OCSP responder does not know the certificate";
		break;
	default:
		res->revocation_source = CERTAUTH_REVOCATION_NONE;
		*detail = res->crl_detail == NULL ?
		    "no usable OCSP answer" :
		    "neither OCSP nor the CRL gave a usable answer";
		break;
	}
	count(rv, &rv->st.failures);
	return CERTAUTH_ERR_REVOCATION_UNKNOWN;
}
