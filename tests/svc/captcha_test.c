/* captcha_test.c - captcha answers and images (libgd). */
#include "test.h"

#include <gd.h>

#include "captcha.h"

static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

static void
test_answers(void)
{
	char a[SVC_CAPTCHA_LEN + 1], first[SVC_CAPTCHA_LEN + 1];
	int i, j, bad = 0, differ = 0, seen[256];

	memset(seen, 0, sizeof(seen));
	CHECK_OK(svc_captcha_answer_new(first));
	for (i = 0; i < 100; i++) {
		CHECK_OK(svc_captcha_answer_new(a));
		if (strlen(a) != SVC_CAPTCHA_LEN)
			bad++;
		for (j = 0; a[j] != '\0'; j++) {
			if (strchr(alphabet, a[j]) == NULL)
				bad++;
			seen[(unsigned char)a[j]]++;
		}
		if (strcmp(a, first) != 0)
			differ++;
	}
	CHECK(bad == 0);
	CHECK(differ > 90);
	/* No look-alikes, ever. */
	CHECK(seen['0'] + seen['O'] + seen['1'] + seen['I'] + seen['L'] == 0);
	/* 400 draws over 31 characters: many distinct ones show up. */
	for (i = j = 0; i < 256; i++)
		j += seen[i] != 0;
	CHECK(j >= 25);
	CHECK_RC(svc_captcha_answer_new(NULL), GMPKI_ERR_ARG);
}

static void
test_png(void)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n'};
	unsigned char *png = NULL, *png2 = NULL;
	size_t len = 0, len2 = 0;
	gdImagePtr im;

	CHECK_OK(svc_captcha_png("AB3X", &png, &len));
	CHECK(png != NULL && len > 200 && len < 100000);
	CHECK(png != NULL && memcmp(png, sig, sizeof(sig)) == 0);
	im = png != NULL ? gdImageCreateFromPngPtr((int)len, png) : NULL;
	CHECK(im != NULL);
	if (im != NULL) {
		CHECK(gdImageSX(im) == 120 && gdImageSY(im) == 40);
		gdImageDestroy(im);
	}
	/* The same answer draws differently each time (rotation, noise). */
	CHECK_OK(svc_captcha_png("AB3X", &png2, &len2));
	CHECK(png2 != NULL && (len2 != len || memcmp(png, png2, len) != 0));
	free(png);
	free(png2);
}

static void
test_bad_answers(void)
{
	unsigned char *png = (unsigned char *)"x";
	size_t len = 1;

	CHECK_RC(svc_captcha_png(NULL, &png, &len), GMPKI_ERR_ARG);
	CHECK(png == NULL && len == 0);
	CHECK_RC(svc_captcha_png("ABC", &png, &len), GMPKI_ERR_ARG);
	CHECK_RC(svc_captcha_png("ABCDE", &png, &len), GMPKI_ERR_ARG);
	CHECK_RC(svc_captcha_png("AB0X", &png, &len), GMPKI_ERR_ARG);
	CHECK_RC(svc_captcha_png("ab3x", &png, &len), GMPKI_ERR_ARG);
	CHECK_RC(svc_captcha_png("AB3X", NULL, &len), GMPKI_ERR_ARG);
	CHECK(png == NULL);
}

int
main(void)
{
	RUN(test_answers);
	RUN(test_png);
	RUN(test_bad_answers);
	gdFontCacheShutdown();
	TEST_MAIN_END();
}
