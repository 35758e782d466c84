/*
 * revocation_driver.c - test helper for tests/rp/revocation_fetch.sh (not
 * installed): one libcertauth context with fetch_revocation and an
 * injected clock, kept across commands so that its revocation cache can
 * be watched.  It plays the helper's part too (statement and signature).
 *
 *   revocation_driver ROOT.pem CHAIN.pem CERT.pem KEY.pem USERNAME
 *
 * Commands on standard input, one answer line each on standard output:
 *
 *   verify UNIX_SECONDS     the clock is set, a challenge made, a statement
 *                           of that time signed and certauth_verify run:
 *                           "code=NAME source=NAME <stats> | ocsp: DETAIL
 *                           | crl: DETAIL"
 *   threads N UNIX_SECONDS  N threads verify at once: "ok=K <stats>"
 *                           (K of them returned 0)
 *   reset                   a new context (an empty cache): "reset"
 *   quit                    exits 0
 *
 * <stats> is certauth_revocation_stats: ocsp_fetches=N ocsp_cache_hits=N
 * crl_fetches=N crl_cache_hits=N failures=N ocsp_errors=N crl_errors=N
 * ocsp_cached=N crl_cached=N.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certauth/certauth.h"
#include "gmpki/gmpki.h"

#define RP_ID "wanfeng-zhibao"
#define ORIGIN "https://zhibao.example.cn"
#define MAX_THREADS 32

struct drv {
	X509 *root, *cert;
	EVP_PKEY *key;
	char *cert_pem, *chain_pem;
	const char *username;
	char fp[65];
	time_t clock;           /* set before threads start, read-only then */
	certauth_ctx *ctx;
};

static time_t
drv_clock(void *arg)
{
	return ((const struct drv *)arg)->clock;
}

static int
ctx_make(struct drv *d)
{
	struct certauth_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = RP_ID;
	cfg.origin = ORIGIN;
	cfg.root = d->root;
	cfg.now = drv_clock;
	cfg.now_arg = d;
	cfg.fetch_revocation = 1;
	cfg.fetch_timeout_ms = 2000;
	return certauth_ctx_new(&cfg, &d->ctx);
}

/* One login at d->clock; the code, and *res. */
static int
login(struct drv *d, const char *session, struct certauth_result *res)
{
	char chal[CERTAUTH_CHALLENGE_LEN + 1], *raw = NULL, *stmt = NULL;
	char *sig64 = NULL;
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	struct certauth_statement st;
	size_t rawlen = 0, siglen = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = certauth_challenge_new(d->ctx, session, chal)) != 0)
		return rc;
	st.challenge = chal;
	st.rp = RP_ID;
	st.origin = ORIGIN;
	st.username = d->username;
	st.cert_sm3 = d->fp;
	st.time = (int64_t)d->clock;
	if ((rc = certauth_statement_encode(&st, &raw, &rawlen)) != 0)
		return rc;
	if (gmpki_sm2_sign(d->key, NULL, raw, rawlen, sig, &siglen) != 0 ||
	    certauth_b64url_encode(raw, rawlen, &stmt) != 0 ||
	    certauth_b64url_encode(sig, siglen, &sig64) != 0)
		rc = CERTAUTH_ERR_INTERNAL;
	else
		rc = certauth_verify(d->ctx, session, stmt, sig64, d->cert_pem,
		    d->chain_pem, d->username, res);
	free(raw);
	free(stmt);
	free(sig64);
	return rc;
}

static void
print_stats(struct drv *d)
{
	struct certauth_revocation_stats s;

	memset(&s, 0, sizeof(s));
	certauth_revocation_stats(d->ctx, &s);
	printf("ocsp_fetches=%" PRIu64 " ocsp_cache_hits=%" PRIu64
	    " crl_fetches=%" PRIu64 " crl_cache_hits=%" PRIu64
	    " failures=%" PRIu64 " ocsp_errors=%" PRIu64
	    " crl_errors=%" PRIu64 " ocsp_cached=%zu crl_cached=%zu",
	    s.ocsp_fetches, s.ocsp_cache_hits, s.crl_fetches,
	    s.crl_cache_hits, s.failures, s.ocsp_errors, s.crl_errors,
	    s.ocsp_cached, s.crl_cached);
}

struct thr {
	struct drv *d;
	char session[32];
	int rc;
};

static void *
thr_main(void *arg)
{
	struct thr *t = arg;
	struct certauth_result res;

	t->rc = login(t->d, t->session, &res);
	return NULL;
}

static int
load(const char *path, size_t max, char **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if ((rc = gmpki_file_read(path, max, &buf, &len)) != 0) {
		fprintf(stderr, "revocation_driver: %s: %s\n", path,
		    gmpki_strerror_en(rc));
		return rc;
	}
	*out = (char *)buf;
	return 0;
}

int
main(int argc, char **argv)
{
	struct drv d;
	char line[256];
	int ret = 1;

	memset(&d, 0, sizeof(d));
	if (argc != 6) {
		fprintf(stderr, "usage: revocation_driver ROOT CHAIN CERT KEY "
		    "USERNAME\n");
		return 2;
	}
	d.username = argv[5];
	if (gmpki_init() != 0 || gmpki_cert_load(argv[1], &d.root) != 0 ||
	    load(argv[2], 256 * 1024, &d.chain_pem) != 0 ||
	    load(argv[3], 64 * 1024, &d.cert_pem) != 0 ||
	    gmpki_cert_load(argv[3], &d.cert) != 0 ||
	    gmpki_key_load(argv[4], NULL, 0, &d.key) != 0 ||
	    gmpki_cert_fingerprint_sm3(d.cert, d.fp) != 0 ||
	    ctx_make(&d) != 0) {
		fprintf(stderr, "revocation_driver: cannot start\n");
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		long long at = 0;
		int n = 0;

		if (sscanf(line, "verify %lld", &at) == 1) {
			struct certauth_result res;
			int rc;

			d.clock = (time_t)at;
			rc = login(&d, "driver-session", &res);
			printf("code=%s source=%s ", certauth_errname(rc),
			    certauth_revocation_source_name(
			    res.revocation_source));
			print_stats(&d);
			printf(" | ocsp: %s | crl: %s\n",
			    res.ocsp_detail != NULL ? res.ocsp_detail : "-",
			    res.crl_detail != NULL ? res.crl_detail : "-");
		} else if (sscanf(line, "threads %d %lld", &n, &at) == 2 &&
		    n > 0 && n <= MAX_THREADS) {
			pthread_t th[MAX_THREADS];
			struct thr t[MAX_THREADS];
			int i, ok = 0;

			d.clock = (time_t)at;
			for (i = 0; i < n; i++) {
				t[i].d = &d;
				t[i].rc = -1;
				snprintf(t[i].session, sizeof(t[i].session),
				    "thread-%d", i);
				if (pthread_create(&th[i], NULL, thr_main,
				    &t[i]) != 0) {
					n = i;
					break;
				}
			}
			for (i = 0; i < n; i++) {
				pthread_join(th[i], NULL);
				ok += t[i].rc == 0;
			}
			printf("ok=%d ", ok);
			print_stats(&d);
			printf("\n");
		} else if (strcmp(line, "reset\n") == 0) {
			certauth_ctx_free(d.ctx);
			d.ctx = NULL;
			if (ctx_make(&d) != 0)
				goto out;
			printf("reset\n");
		} else if (strcmp(line, "quit\n") == 0) {
			ret = 0;
			break;
		} else
			printf("error: unknown command\n");
	}
out:
	certauth_ctx_free(d.ctx);
	X509_free(d.root);
	X509_free(d.cert);
	EVP_PKEY_free(d.key);
	free(d.cert_pem);
	free(d.chain_pem);
	return ret;
}
