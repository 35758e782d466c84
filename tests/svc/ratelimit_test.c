/* ratelimit_test.c - per-address login attempt limit (fixed windows). */
#include "test.h"

#include <stdio.h>

#include "ratelimit.h"
#include "svc_error.h"

static void
test_window(void)
{
	struct svc_ratelimit *rl = NULL;
	time_t t = 1700000040;          /* the start of a minute */
	int i, ok = 0;

	CHECK_OK(svc_ratelimit_new(5, &rl));
	for (i = 0; i < 5; i++)
		ok += svc_ratelimit_hit(rl, "192.0.2.1", t + i) == 0;
	CHECK(ok == 5);
	CHECK_RC(svc_ratelimit_hit(rl, "192.0.2.1", t + 10),
	    SVC_ERR_RATE_LIMITED);
	CHECK_RC(svc_ratelimit_hit(rl, "192.0.2.1", t + 59),
	    SVC_ERR_RATE_LIMITED);
	/* Other addresses have their own count. */
	CHECK_OK(svc_ratelimit_hit(rl, "192.0.2.2", t + 59));
	CHECK_OK(svc_ratelimit_hit(rl, "2001:db8::1", t + 59));
	/* The next window starts again from zero. */
	for (i = 0, ok = 0; i < 5; i++)
		ok += svc_ratelimit_hit(rl, "192.0.2.1", t + 60 + i) == 0;
	CHECK(ok == 5);
	CHECK_RC(svc_ratelimit_hit(rl, "192.0.2.1", t + 119),
	    SVC_ERR_RATE_LIMITED);
	CHECK_OK(svc_ratelimit_hit(rl, "192.0.2.1", t + 120));
	svc_ratelimit_free(rl);
	svc_ratelimit_free(NULL);
}

static void
test_args(void)
{
	struct svc_ratelimit *rl = NULL;
	char longaddr[100];

	CHECK_RC(svc_ratelimit_new(0, &rl), GMPKI_ERR_ARG);
	CHECK(rl == NULL);
	CHECK_RC(svc_ratelimit_new(1, NULL), GMPKI_ERR_ARG);
	CHECK_OK(svc_ratelimit_new(1, &rl));
	memset(longaddr, 'a', sizeof(longaddr) - 1);
	longaddr[sizeof(longaddr) - 1] = '\0';
	CHECK_RC(svc_ratelimit_hit(rl, longaddr, 0), GMPKI_ERR_ARG);
	CHECK_RC(svc_ratelimit_hit(rl, NULL, 0), GMPKI_ERR_ARG);
	CHECK_RC(svc_ratelimit_hit(NULL, "x", 0), GMPKI_ERR_ARG);
	svc_ratelimit_free(rl);
}

/* More addresses than the table holds: it stays bounded and working. */
static void
test_flood(void)
{
	struct svc_ratelimit *rl = NULL;
	char a[32];
	time_t t = 1700000040;
	int i, bad = 0;

	CHECK_OK(svc_ratelimit_new(2, &rl));
	/* Past windows are swept when the table fills... */
	for (i = 0; i < 70000; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.%d", i >> 16, (i >> 8) & 255,
		    i & 255);
		if (svc_ratelimit_hit(rl, a, t + (i < 40000 ? 0 : 60)) != 0)
			bad++;
	}
	CHECK(bad == 0);
	/* ... and a full current window evicts, never fails. */
	for (i = 0; i < 70000; i++) {
		snprintf(a, sizeof(a), "f%d", i);
		if (svc_ratelimit_hit(rl, a, t + 60) != 0)
			bad++;
	}
	CHECK(bad == 0);
	CHECK_OK(svc_ratelimit_hit(rl, "198.51.100.7", t + 61));
	CHECK_OK(svc_ratelimit_hit(rl, "198.51.100.7", t + 62));
	CHECK_RC(svc_ratelimit_hit(rl, "198.51.100.7", t + 63),
	    SVC_ERR_RATE_LIMITED);
	svc_ratelimit_free(rl);
}

int
main(void)
{
	RUN(test_window);
	RUN(test_args);
	RUN(test_flood);
	TEST_MAIN_END();
}
