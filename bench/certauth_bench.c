/*
 * certauth_bench.c - rates of the reporting-system login (libcertauth):
 * what a reporting system pays per certificate login, as logins per
 * second and as a ratio to the raw SM2 verify rate measured in the same
 * run (a login is at least 3 SM2 verifications: statement, EE, CA).
 *
 *   build/rp/certauth_bench [logins]     (default 2000)
 *
 * Cases (one thread):
 *   sm2 sign / verify        the raw rates (the ratios' base)
 *   helper: statement+sign   what the helper does on 确定
 *   challenge_new            the password step's extra work
 *   verify, no revocation    certauth_verify: statement, signature,
 *                            chain to the root, validity, username
 *   verify + OCSP, kept      the same with one OCSP response handed in
 *                            by the revocation callback at every login:
 *                            verified once, its verdict reused (what a
 *                            fetched answer costs while it is cached)
 *   verify + OCSP, new       a different OCSP response at every login,
 *                            each verified (the first login after a
 *                            fetch)
 * Statements are made and signed before each timed verify run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certauth/certauth.h"
#include "gmpki/gmpki.h"

#define BENCH_NAME "certauth_bench"
#include "bench.h"

#define ORIGIN "https://zhibao.example.cn"
#define RP "bench"

static EVP_PKEY *root_key, *ca_key, *ee_key, *resp_key;
static X509 *root, *ca, *ee, *resp;
static char *ca_pem, *ee_pem, ee_fp[65];
static unsigned char *ocsp_der;
static size_t ocsp_len;
static unsigned char **fresh_der;   /* one new answer per login */
static size_t *fresh_len;
static int fresh_n, fresh_next;
static struct gmpki_ocsp_responder responder;

static int
lookup_good(void *arg, const ASN1_INTEGER *serial,
    struct gmpki_ocsp_status *st)
{
	(void)arg;
	(void)serial;
	memset(st, 0, sizeof(*st));
	st->status = GMPKI_STATUS_GOOD;
	st->reason = -1;
	return 0;
}

static void
setup(void)
{
	struct gmpki_ocsp_responder *r = &responder;
	OCSP_REQUEST *req = NULL;
	unsigned char *q = NULL;
	size_t qlen = 0, n;
	int rc;

	if ((rc = gmpki_sm2_keygen(&root_key)) != 0 ||
	    (rc = gmpki_sm2_keygen(&ca_key)) != 0 ||
	    (rc = gmpki_sm2_keygen(&ee_key)) != 0 ||
	    (rc = gmpki_sm2_keygen(&resp_key)) != 0)
		die("keygen", rc);
	root = issue(GMPKI_CERT_ROOT, "/C=CN/O=Bench/CN=Bench Root", root_key,
	    NULL, root_key);
	ca = issue(GMPKI_CERT_ISSUING, "/C=CN/O=Bench/CN=Bench CA", ca_key,
	    root, root_key);
	ee = issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01", ee_key,
	    ca, ca_key);
	resp = issue(GMPKI_CERT_OCSP, "/C=CN/O=Bench/CN=Bench OCSP", resp_key,
	    ca, ca_key);
	if ((rc = gmpki_cert_to_pem(ca, &ca_pem, &n)) != 0 ||
	    (rc = gmpki_cert_to_pem(ee, &ee_pem, &n)) != 0 ||
	    (rc = gmpki_cert_fingerprint_sm3(ee, ee_fp)) != 0)
		die("pem", rc);
	memset(r, 0, sizeof(*r));
	r->issuer = ca;
	r->signer = resp;
	r->signer_key = resp_key;
	r->validity_secs = 3600;
	r->lookup = lookup_good;
	if ((rc = gmpki_ocsp_request_create(ee, ca, 0, 0, &req)) != 0 ||
	    (rc = gmpki_ocsp_request_to_der(req, &q, &qlen)) != 0 ||
	    (rc = gmpki_ocsp_respond(r, q, qlen, 0, &ocsp_der,
	    &ocsp_len)) != 0)
		die("ocsp", rc);
	free(q);
	OCSP_REQUEST_free(req);
}

/* n answers about ee, each signed anew (SM2 signatures are randomised,
 * so no two are the same bytes). */
static void
fresh_setup(int n)
{
	OCSP_REQUEST *req = NULL;
	unsigned char *q = NULL;
	size_t qlen = 0;
	int i, rc;

	if ((fresh_der = calloc((size_t)n, sizeof(*fresh_der))) == NULL ||
	    (fresh_len = calloc((size_t)n, sizeof(*fresh_len))) == NULL)
		die("calloc", -2);
	if ((rc = gmpki_ocsp_request_create(ee, ca, 0, 0, &req)) != 0 ||
	    (rc = gmpki_ocsp_request_to_der(req, &q, &qlen)) != 0)
		die("ocsp", rc);
	for (i = 0; i < n; i++)
		if ((rc = gmpki_ocsp_respond(&responder, q, qlen, 0,
		    &fresh_der[i], &fresh_len[i])) != 0)
			die("ocsp", rc);
	fresh_n = n;
	free(q);
	OCSP_REQUEST_free(req);
}

static int
revocation_fresh(void *arg, X509 *cert, X509 *issuer, unsigned char **der,
    size_t *len)
{
	(void)arg;
	(void)cert;
	(void)issuer;
	if (fresh_next >= fresh_n)
		return -1;
	*der = fresh_der[fresh_next];
	*len = fresh_len[fresh_next];
	fresh_der[fresh_next++] = NULL;
	return 0;
}

static int
revocation_cached(void *arg, X509 *cert, X509 *issuer, unsigned char **der,
    size_t *len)
{
	(void)arg;
	(void)cert;
	(void)issuer;
	if ((*der = malloc(ocsp_len)) == NULL)
		return -1;
	memcpy(*der, ocsp_der, ocsp_len);
	*len = ocsp_len;
	return 0;
}

struct login {
	char session[16];
	char *statement, *signature;
};

/* The helper's part: statement for challenge, signed. */
static void
make_login(const char *challenge, struct login *l)
{
	struct certauth_statement st;
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = sizeof(sig), rawlen = 0;
	char *raw = NULL;
	int rc;

	st.challenge = challenge;
	st.rp = RP;
	st.origin = ORIGIN;
	st.username = "user01";
	st.cert_sm3 = ee_fp;
	st.time = time(NULL);
	if ((rc = certauth_statement_encode(&st, &raw, &rawlen)) != 0 ||
	    (rc = gmpki_sm2_sign(ee_key, NULL, raw, rawlen, sig,
	    &siglen)) != 0 ||
	    (rc = certauth_b64url_encode(raw, rawlen, &l->statement)) != 0 ||
	    (rc = certauth_b64url_encode(sig, siglen, &l->signature)) != 0)
		die("statement", rc);
	free(raw);
}

/* n logins prepared, then n certauth_verify timed: logins/s. */
static double
bench_verify(int with_ocsp, int n, double *helper_rate, double *chal_rate)
{
	struct certauth_config cfg;
	struct certauth_result *res;
	struct login *l;
	certauth_ctx *c = NULL;
	char chal[CERTAUTH_CHALLENGE_LEN + 1];
	double t0, t1;
	int i, rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = RP;
	cfg.origin = ORIGIN;
	cfg.root = root;
	cfg.max_challenges = (size_t)n + 1;
	if (with_ocsp == 1)
		cfg.revocation = revocation_cached;
	else if (with_ocsp == 2)
		cfg.revocation = revocation_fresh;
	if ((rc = certauth_ctx_new(&cfg, &c)) != 0)
		die("ctx", rc);
	if ((l = calloc((size_t)n, sizeof(*l))) == NULL ||
	    (res = calloc(1, sizeof(*res))) == NULL)
		die("calloc", -2);
	t0 = now_sec();
	for (i = 0; i < n; i++) {
		snprintf(l[i].session, sizeof(l[i].session), "s%d", i);
		if ((rc = certauth_challenge_new(c, l[i].session, chal)) != 0)
			die("challenge", rc);
		/* keep the challenge: the statement names it */
		l[i].statement = strdup(chal);
	}
	t1 = now_sec();
	if (chal_rate != NULL)
		*chal_rate = n / (t1 - t0);
	t0 = now_sec();
	for (i = 0; i < n; i++) {
		char *c0 = l[i].statement;

		make_login(c0, &l[i]);
		free(c0);
	}
	t1 = now_sec();
	if (helper_rate != NULL)
		*helper_rate = n / (t1 - t0);
	t0 = now_sec();
	for (i = 0; i < n; i++) {
		rc = certauth_verify(c, l[i].session, l[i].statement,
		    l[i].signature, ee_pem, ca_pem, "user01", res);
		if (rc != 0)
			die(res->detail != NULL ? res->detail : "verify", rc);
		if (with_ocsp && !res->revocation_checked)
			die("revocation not checked", -1);
	}
	t1 = now_sec();
	for (i = 0; i < n; i++) {
		free(l[i].statement);
		free(l[i].signature);
	}
	free(l);
	free(res);
	certauth_ctx_free(c);
	return n / (t1 - t0);
}

static double
bench_raw(int sign, int n)
{
	unsigned char msg[256] = {1}, sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = sizeof(sig);
	double t0;
	int i, rc;

	if ((rc = gmpki_sm2_sign(ee_key, NULL, msg, sizeof(msg), sig,
	    &siglen)) != 0)
		die("sign", rc);
	t0 = now_sec();
	for (i = 0; i < n; i++) {
		if (sign) {
			siglen = sizeof(sig);
			rc = gmpki_sm2_sign(ee_key, NULL, msg, sizeof(msg),
			    sig, &siglen);
		} else
			rc = gmpki_sm2_verify(ee_key, NULL, msg, sizeof(msg),
			    sig, siglen);
		if (rc != 0)
			die("sm2", rc);
	}
	return n / (now_sec() - t0);
}

int
main(int argc, char **argv)
{
	double sign, verify, helper, chal, plain, ocsp, fresh;
	int n = argc > 1 ? atoi(argv[1]) : 2000;

	if (n < 10 || n > 1000000) {
		fprintf(stderr, "usage: certauth_bench [logins 10..1000000]\n");
		return 2;
	}
	if (gmpki_init() != 0)
		die("init", -1);
	setup();
	(void)bench_raw(1, n / 4);      /* warm-up: clocks and caches */
	sign = bench_raw(1, n);
	verify = bench_raw(0, n);
	plain = bench_verify(0, n, &helper, &chal);
	ocsp = bench_verify(1, n, NULL, NULL);
	fresh_setup(n);
	fresh = bench_verify(2, n, NULL, NULL);
	printf("certauth_bench: %d logins per case, one thread\n", n);
	printf("  %-34s %9.0f/s  1.000 S\n", "raw SM2 sign", sign);
	printf("  %-34s %9.0f/s  1.000 V\n", "raw SM2 verify", verify);
	printf("  %-34s %9.0f/s  %.3f S\n", "helper: statement + SM2 sign",
	    helper, helper / sign);
	printf("  %-34s %9.0f/s  %.1f V\n", "RP: challenge_new", chal,
	    chal / verify);
	printf("  %-34s %9.0f/s  %.3f V\n", "RP: verify, no revocation", plain,
	    plain / verify);
	printf("  %-34s %9.0f/s  %.3f V\n", "RP: verify + OCSP, kept", ocsp,
	    ocsp / verify);
	printf("  %-34s %9.0f/s  %.3f V\n", "RP: verify + OCSP, new", fresh,
	    fresh / verify);
	X509_free(root);
	X509_free(ca);
	X509_free(ee);
	X509_free(resp);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(ee_key);
	EVP_PKEY_free(resp_key);
	free(ca_pem);
	free(ee_pem);
	free(ocsp_der);
	for (n = 0; n < fresh_n; n++)
		free(fresh_der[n]);
	free(fresh_der);
	free(fresh_len);
	return 0;
}
