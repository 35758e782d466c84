/*
 * bench.h - what the benchmark programs share (header only): a monotonic
 * clock, dying with a message, and issuing a certificate of our profile.
 * Each program defines BENCH_NAME before including it.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gmpki/gmpki.h"

#ifndef BENCH_NAME
#error "define BENCH_NAME before including bench.h"
#endif

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, int rc)
{
	fprintf(stderr, BENCH_NAME ": %s: %d %s\n", what, rc,
	    gmpki_strerror_en(rc));
	exit(1);
}

/* A certificate of kind for subj's key, signed by ikey (icert NULL: self). */
static X509 *
issue(int kind, const char *subj, EVP_PKEY *key, X509 *icert, EVP_PKEY *ikey)
{
	struct gmpki_issue_params p;
	X509_NAME *name = NULL;
	X509 *x = NULL;
	int rc;

	if ((rc = gmpki_name_parse(subj, &name)) != 0)
		die("name", rc);
	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.subject = name;
	p.subject_key = key;
	p.issuer_cert = icert;
	p.issuer_key = ikey;
	if (kind == GMPKI_CERT_EE_SIGN)
		p.uscc = "91350100M000100Y43";
	if ((rc = gmpki_cert_issue(&p, &x)) != 0)
		die("issue", rc);
	X509_NAME_free(name);
	return x;
}

#endif
