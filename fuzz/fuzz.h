/*
 * fuzz.h - the fuzz targets (fuzz/fuzz_*.c): each defines the libFuzzer
 * entry point.  Built two ways (fuzz/CMakeLists.txt):
 *   - always, with replay.c as main: ctest runs every file of
 *     fuzz/corpus/NAME/ through the target (a regression test, under
 *     ASan+UBSan in the sanitizer build);
 *   - with -DGMPKI_FUZZ=ON and clang, linked with libFuzzer for real
 *     fuzzing (scripts/fuzz.sh).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/gmpki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A certificate for a target's fixed world (an EE one with a valid USCC);
 * aborts on failure: a target without its world tests nothing. */
static inline X509 *
fuzz_issue(enum gmpki_cert_kind kind, const char *dn, EVP_PKEY *key,
    X509 *issuer, EVP_PKEY *issuer_key)
{
	struct gmpki_issue_params ip;
	X509_NAME *name = NULL;
	X509 *x = NULL;

	if (gmpki_name_parse(dn, &name) != 0)
		abort();
	memset(&ip, 0, sizeof(ip));
	ip.kind = kind;
	ip.subject = name;
	ip.subject_key = key;
	ip.issuer_cert = issuer;
	ip.issuer_key = issuer_key;
	if (kind == GMPKI_CERT_EE_SIGN)
		ip.uscc = "91350100M000100Y43";
	if (gmpki_cert_issue(&ip, &x) != 0)
		abort();
	X509_NAME_free(name);
	return x;
}

#endif
