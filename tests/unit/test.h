/*
 * test.h - the unit-test harness: CHECK macros that report file:line and
 * count failures; main() of each *_test.c runs its cases with RUN().
 */
#ifndef GMPKI_TEST_H
#define GMPKI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/gmpki.h"

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                            \
	do {                                                                   \
		test_checks++;                                                 \
		if (!(cond)) {                                                 \
			test_failures++;                                       \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                  \
		}                                                              \
	} while (0)

/* Expects an int-returning call to give exactly want (a GMPKI_ERR_* code). */
#define CHECK_RC(call, want)                                                   \
	do {                                                                   \
		int rc_ = (call);                                              \
		test_checks++;                                                 \
		if (rc_ != (want)) {                                           \
			test_failures++;                                       \
			fprintf(stderr,                                        \
			    "%s:%d: %s gave %d (%s), want %d (%s)\n",          \
			    __FILE__, __LINE__, #call, rc_,                    \
			    gmpki_errname(rc_), (int)(want),                   \
			    gmpki_errname(want));                              \
		}                                                              \
	} while (0)

#define CHECK_OK(call) CHECK_RC(call, 0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		test_checks++;                                                 \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                       \
			test_failures++;                                       \
			fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n",  \
			    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
		}                                                              \
	} while (0)

#define RUN(fn)                                                                \
	do {                                                                   \
		int before_ = test_failures;                                   \
		fn();                                                          \
		fprintf(stderr, "%s %s\n",                                     \
		    test_failures == before_ ? "ok  " : "FAIL", #fn);          \
	} while (0)

#define TEST_MAIN_END()                                                        \
	do {                                                                   \
		fprintf(stderr, "%d checks, %d failed\n", test_checks,         \
		    test_failures);                                            \
		return test_failures == 0 && test_checks > 0 ? 0 : 1;          \
	} while (0)

/* Hex string to bytes; returns the length, or -1. */
static inline long
test_unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = strlen(hex), i;

	if (n % 2 != 0 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return (long)(n / 2);
}

#endif
