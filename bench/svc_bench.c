/*
 * svc_bench.c - requests per second a running certsvc answers, from N
 * client threads on loopback, and the ratio to the raw SM2 sign rate of
 * one thread measured in the same run (an OCSP answer is one SM2 signature;
 * the server has as many cores as this machine).
 *
 *   svc_bench URL ISSUING.pem CERT.pem [seconds] [threads]
 *
 * Cases: POST /ocsp (parse, database lookup, sign), GET
 * /api/v1/certs/SERIAL/status (database lookup, JSON), GET /ca/root.pem
 * (static).  bench/svc_bench.sh sets up a service and runs this.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "gmpki/gmpki.h"

struct job {
	const char *url;
	const unsigned char *body; /* POST body, or NULL for GET */
	size_t body_len;
	const char *content_type;
	double seconds;
	long ok, failed;
};

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
discard(void *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct curl_slist *hdr = NULL;
	CURL *c = curl_easy_init();
	double end = now_sec() + j->seconds;
	char h[128];

	if (c == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, j->url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (j->body != NULL) {
		snprintf(h, sizeof(h), "Content-Type: %s", j->content_type);
		hdr = curl_slist_append(hdr, h);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, j->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)j->body_len);
	}
	while (now_sec() < end) {
		long code = 0;

		if (curl_easy_perform(c) == CURLE_OK &&
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) ==
		    CURLE_OK && code == 200)
			j->ok++;
		else
			j->failed++;
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return NULL;
}

/* Runs threads copies of proto; returns requests per second. */
static double
run(const struct job *proto, int threads, long *failed)
{
	pthread_t th[64];
	struct job jobs[64];
	double start = now_sec(), elapsed;
	long ok = 0;
	int i;

	*failed = 0;
	for (i = 0; i < threads; i++) {
		jobs[i] = *proto;
		pthread_create(&th[i], NULL, worker, &jobs[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		ok += jobs[i].ok;
		*failed += jobs[i].failed;
	}
	elapsed = now_sec() - start;
	return (double)ok / elapsed;
}

static double
raw_sign_rate(double seconds)
{
	EVP_PKEY *k = NULL;
	unsigned char msg[512], sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen;
	double start, end;
	long n = 0;

	memset(msg, 'm', sizeof(msg));
	if (gmpki_sm2_keygen(&k) != 0)
		return 0;
	start = now_sec();
	end = start + seconds;
	while (now_sec() < end) {
		siglen = sizeof(sig);
		if (gmpki_sm2_sign(k, NULL, msg, sizeof(msg), sig, &siglen) != 0)
			break;
		n++;
	}
	EVP_PKEY_free(k);
	return (double)n / (now_sec() - start);
}

int
main(int argc, char **argv)
{
	X509 *issuer = NULL, *cert = NULL;
	OCSP_REQUEST *req = NULL;
	struct gmpki_cert_info info;
	unsigned char *der = NULL;
	size_t derlen = 0;
	char url[512];
	struct job j;
	double seconds = 3, sign, rate;
	long failed;
	int threads = 4, rc;

	if (argc < 4) {
		fprintf(stderr, "usage: svc_bench URL ISSUING.pem CERT.pem "
		    "[seconds] [threads]\n");
		return 2;
	}
	if (argc > 4)
		seconds = atof(argv[4]);
	if (argc > 5)
		threads = atoi(argv[5]);
	if (seconds <= 0 || threads < 1 || threads > 64)
		return 2;
	if (gmpki_init() != 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	if ((rc = gmpki_cert_load(argv[2], &issuer)) != 0 ||
	    (rc = gmpki_cert_load(argv[3], &cert)) != 0 ||
	    (rc = gmpki_cert_info_get(cert, &info)) != 0 ||
	    (rc = gmpki_ocsp_request_create(cert, issuer, 0, 0, &req)) != 0 ||
	    (rc = gmpki_ocsp_request_to_der(req, &der, &derlen)) != 0) {
		fprintf(stderr, "svc_bench: %s\n", gmpki_strerror_en(rc));
		return 1;
	}

	sign = raw_sign_rate(seconds);
	printf("certsvc benchmark: %s, %d client threads, %.1f s per case\n",
	    argv[1], threads, seconds);
	printf("%-40s %12s %10s\n", "case", "req/s", "ratio S");
	printf("%-40s %12.1f %10.3f\n", "raw SM2 sign, 1 thread (in-process)",
	    sign, 1.0);

	memset(&j, 0, sizeof(j));
	j.seconds = seconds;
	snprintf(url, sizeof(url), "%s/ocsp", argv[1]);
	j.url = url;
	j.body = der;
	j.body_len = derlen;
	j.content_type = "application/ocsp-request";
	rate = run(&j, threads, &failed);
	printf("%-40s %12.1f %10.3f%s\n", "POST /ocsp (lookup + SM2 sign)", rate,
	    rate / sign, failed ? "  (errors!)" : "");

	memset(&j, 0, sizeof(j));
	j.seconds = seconds;
	snprintf(url, sizeof(url), "%s/api/v1/certs/%s/status", argv[1],
	    info.serial);
	j.url = url;
	rate = run(&j, threads, &failed);
	printf("%-40s %12.1f %10.3f%s\n", "GET /api/v1/certs/S/status", rate,
	    rate / sign, failed ? "  (errors!)" : "");

	memset(&j, 0, sizeof(j));
	j.seconds = seconds;
	snprintf(url, sizeof(url), "%s/ca/root.pem", argv[1]);
	j.url = url;
	rate = run(&j, threads, &failed);
	printf("%-40s %12.1f %10.3f%s\n", "GET /ca/root.pem", rate,
	    rate / sign, failed ? "  (errors!)" : "");

	free(der);
	OCSP_REQUEST_free(req);
	X509_free(cert);
	X509_free(issuer);
	curl_global_cleanup();
	return 0;
}
