/*
 * gmpki_bench.c - rates of libgmpki's operations, each as operations per
 * second and as a ratio to the raw SM2 sign or verify rate measured in the
 * same run (the floor every certificate operation stands on).
 *
 *   build/gmpki_bench [seconds-per-case]     (default 2)
 *
 * Cases run one after another on one thread; on a 2-core machine with
 * nothing else running, figures repeat within a few percent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gmpki/gmpki.h"

#define BENCH_NAME "gmpki_bench"
#include "bench.h"

static double bench_seconds = 2.0;

typedef int (*bench_fn)(void *arg);

/* Runs fn until bench_seconds pass; returns operations per second. */
static double
bench_run(bench_fn fn, void *arg)
{
	double start = now_sec(), elapsed;
	long n = 0;

	do {
		int i;

		for (i = 0; i < 8; i++) {
			if (fn(arg) != 0) {
				fprintf(stderr, "gmpki_bench: operation failed\n");
				exit(1);
			}
			n++;
		}
		elapsed = now_sec() - start;
	} while (elapsed < bench_seconds);
	return (double)n / elapsed;
}

struct fixture {
	EVP_PKEY *root_key, *ca_key, *ee_key, *ocsp_key;
	X509 *root, *ca, *ee, *ocsp;
	STACK_OF(X509) *untrusted;
	unsigned char msg[512];
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen;
	unsigned char *csr_der;
	size_t csr_len;
	X509_CRL *crl;
	unsigned char *ocsp_req;
	size_t ocsp_req_len;
	unsigned char *ocsp_resp;
	size_t ocsp_resp_len;
	X509_NAME *ee_name;
	unsigned char *big;
	size_t big_len;
};

static struct fixture fx;

static int
do_sm2_sign(void *arg)
{
	(void)arg;
	fx.siglen = sizeof(fx.sig);
	return gmpki_sm2_sign(fx.ee_key, NULL, fx.msg, sizeof(fx.msg), fx.sig,
	    &fx.siglen);
}

static int
do_sm2_verify(void *arg)
{
	(void)arg;
	return gmpki_sm2_verify(fx.ee_key, NULL, fx.msg, sizeof(fx.msg), fx.sig,
	    fx.siglen);
}

static int
do_csr_verify(void *arg)
{
	X509_REQ *req = NULL;
	int rc;

	(void)arg;
	rc = gmpki_csr_parse_verify(fx.csr_der, fx.csr_len, NULL, &req);
	X509_REQ_free(req);
	return rc;
}

static int
do_issue_ee(void *arg)
{
	struct gmpki_issue_params p;
	X509 *x = NULL;
	int rc;

	(void)arg;
	memset(&p, 0, sizeof(p));
	p.kind = GMPKI_CERT_EE_SIGN;
	p.subject = fx.ee_name;
	p.subject_key = fx.ee_key;
	p.issuer_cert = fx.ca;
	p.issuer_key = fx.ca_key;
	p.uscc = "91350100M000100Y43";
	p.crl_url = "http://127.0.0.1:8440/crl";
	p.ocsp_url = "http://127.0.0.1:8440/ocsp";
	rc = gmpki_cert_issue(&p, &x);
	X509_free(x);
	return rc;
}

static int
do_chain_verify(void *arg)
{
	struct gmpki_verify_opts o;

	(void)arg;
	memset(&o, 0, sizeof(o));
	o.root = fx.root;
	o.untrusted = fx.untrusted;
	return gmpki_verify_cert(fx.ee, &o, NULL);
}

static int
do_crl_verify(void *arg)
{
	(void)arg;
	return gmpki_crl_verify(fx.crl, fx.ca, 0, NULL);
}

static int
respond_lookup(void *arg, const ASN1_INTEGER *serial,
    struct gmpki_ocsp_status *st)
{
	(void)arg;
	(void)serial;
	memset(st, 0, sizeof(*st));
	st->status = GMPKI_STATUS_GOOD;
	st->reason = -1;
	return 0;
}

static int
do_ocsp_respond(void *arg)
{
	struct gmpki_ocsp_responder r;
	unsigned char *out = NULL;
	size_t outlen = 0;
	int rc;

	(void)arg;
	memset(&r, 0, sizeof(r));
	r.issuer = fx.ca;
	r.signer = fx.ocsp;
	r.signer_key = fx.ocsp_key;
	r.validity_secs = 3600;
	r.lookup = respond_lookup;
	rc = gmpki_ocsp_respond(&r, fx.ocsp_req, fx.ocsp_req_len, 0, &out,
	    &outlen);
	free(out);
	return rc;
}

static int
do_ocsp_verify(void *arg)
{
	struct gmpki_ocsp_status st;

	(void)arg;
	return gmpki_ocsp_response_verify(fx.ocsp_resp, fx.ocsp_resp_len,
	    fx.ee, fx.ca, NULL, 0, NULL, &st);
}

static int
do_sm3_1m(void *arg)
{
	uint8_t d[GMPKI_SM3_LEN];

	(void)arg;
	return gmpki_sm3(fx.big, fx.big_len, d);
}

static int
do_sm4_1m(void *arg)
{
	static uint8_t out[(1 << 20) + 16];
	uint8_t key[16] = {1}, iv[16] = {2};
	size_t outlen;

	(void)arg;
	return gmpki_sm4_cbc_encrypt(key, iv, fx.big, fx.big_len, out,
	    &outlen);
}

static int
do_pbkdf2_100k(void *arg)
{
	uint8_t out[32];

	(void)arg;
	return gmpki_pbkdf2_sm3("passphrase", 10, "saltsaltsaltsalt", 16,
	    100000, out, sizeof(out));
}

static void
setup(void)
{
	struct gmpki_revoked *rev;
	ASN1_INTEGER **serials;
	X509_REQ *req = NULL;
	OCSP_REQUEST *oreq = NULL;
	struct gmpki_ocsp_responder r;
	int rc, i, nrev = 1000;

	if ((rc = gmpki_sm2_keygen(&fx.root_key)) != 0 ||
	    (rc = gmpki_sm2_keygen(&fx.ca_key)) != 0 ||
	    (rc = gmpki_sm2_keygen(&fx.ee_key)) != 0 ||
	    (rc = gmpki_sm2_keygen(&fx.ocsp_key)) != 0)
		die("keygen", rc);
	fx.root = issue(GMPKI_CERT_ROOT, "/C=CN/O=Bench/CN=Bench Root",
	    fx.root_key, NULL, fx.root_key);
	fx.ca = issue(GMPKI_CERT_ISSUING, "/C=CN/O=Bench/CN=Bench CA",
	    fx.ca_key, fx.root, fx.root_key);
	fx.ee = issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=bench",
	    fx.ee_key, fx.ca, fx.ca_key);
	fx.ocsp = issue(GMPKI_CERT_OCSP, "/C=CN/O=Bench/CN=Bench OCSP",
	    fx.ocsp_key, fx.ca, fx.ca_key);
	fx.untrusted = sk_X509_new_null();
	sk_X509_push(fx.untrusted, fx.ca);
	if ((rc = gmpki_name_ee("测试企业", "91350100M000100Y43", "bench",
	    &fx.ee_name)) != 0)
		die("name_ee", rc);
	memset(fx.msg, 'm', sizeof(fx.msg));

	if ((rc = gmpki_csr_create(fx.ee_key, fx.ee_name, NULL, &req)) != 0)
		die("csr", rc);
	{
		unsigned char *p = NULL;
		int n = i2d_X509_REQ(req, &p);

		fx.csr_der = malloc((size_t)n);
		memcpy(fx.csr_der, p, (size_t)n);
		fx.csr_len = (size_t)n;
		OPENSSL_free(p);
	}
	X509_REQ_free(req);

	/* A CRL of 1,000 entries, the size of a busy week. */
	rev = calloc((size_t)nrev, sizeof(*rev));
	serials = calloc((size_t)nrev, sizeof(*serials));
	for (i = 0; i < nrev; i++) {
		gmpki_serial_random(&serials[i]);
		rev[i].serial = serials[i];
		rev[i].revoked_at = time(NULL) - 60;
		rev[i].reason = GMPKI_REASON_SUPERSEDED;
	}
	if ((rc = gmpki_crl_create(fx.ca, fx.ca_key, rev, (size_t)nrev, 1, 0, 0,
	    NULL, &fx.crl)) != 0)
		die("crl", rc);
	for (i = 0; i < nrev; i++)
		ASN1_INTEGER_free(serials[i]);
	free(serials);
	free(rev);

	if ((rc = gmpki_ocsp_request_create(fx.ee, fx.ca, 0, 1, &oreq)) != 0 ||
	    (rc = gmpki_ocsp_request_to_der(oreq, &fx.ocsp_req,
	    &fx.ocsp_req_len)) != 0)
		die("ocsp request", rc);
	OCSP_REQUEST_free(oreq);
	memset(&r, 0, sizeof(r));
	r.issuer = fx.ca;
	r.signer = fx.ocsp;
	r.signer_key = fx.ocsp_key;
	r.validity_secs = 3600;
	r.lookup = respond_lookup;
	if ((rc = gmpki_ocsp_respond(&r, fx.ocsp_req, fx.ocsp_req_len, 0,
	    &fx.ocsp_resp, &fx.ocsp_resp_len)) != 0)
		die("ocsp respond", rc);

	fx.big_len = 1 << 20;
	fx.big = malloc(fx.big_len);
	memset(fx.big, 'b', fx.big_len);
}

int
main(int argc, char **argv)
{
	double sign, verify, rate;

	if (argc > 1)
		bench_seconds = atof(argv[1]);
	if (bench_seconds <= 0)
		bench_seconds = 2.0;
	if (gmpki_init() != 0)
		return 1;
	setup();

	printf("libgmpki benchmark: %.1f s per case, one thread, OpenSSL %s\n",
	    bench_seconds, OpenSSL_version(OPENSSL_VERSION_STRING));
	printf("%-44s %12s %10s\n", "operation", "ops/s", "ratio");
	sign = bench_run(do_sm2_sign, NULL);
	printf("%-44s %12.1f %10s\n", "raw SM2 sign (512 B, ID set)", sign, "1.000 S");
	verify = bench_run(do_sm2_verify, NULL);
	printf("%-44s %12.1f %10s\n", "raw SM2 verify (512 B, ID set)", verify,
	    "1.000 V");

#define ROW(label, fn, base, tag)                                              \
	do {                                                                   \
		rate = bench_run(fn, NULL);                                    \
		printf("%-44s %12.1f %8.3f %s\n", label, rate, rate / (base),  \
		    tag);                                                      \
	} while (0)
	ROW("CSR parse + verify", do_csr_verify, verify, "V");
	ROW("EE certificate issue (sign)", do_issue_ee, sign, "S");
	ROW("path validation root->CA->EE", do_chain_verify, verify, "V");
	ROW("CRL verify, 1000 entries", do_crl_verify, verify, "V");
	ROW("OCSP respond (parse, sign)", do_ocsp_respond, sign, "S");
	ROW("OCSP response verify", do_ocsp_verify, verify, "V");
	ROW("SM3 over 1 MiB", do_sm3_1m, sign, "S");
	ROW("SM4-CBC encrypt 1 MiB", do_sm4_1m, sign, "S");
	ROW("PBKDF2-HMAC-SM3, 100000 iterations", do_pbkdf2_100k, sign, "S");
#undef ROW
	printf("ratio: rate / raw SM2 sign rate (S) or verify rate (V) of this run\n");
	return 0;
}
