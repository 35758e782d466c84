/*
 * captcha.c - image captchas for the login forms, drawn with libgd.
 *
 * The answer is SVC_CAPTCHA_LEN characters from an alphabet without the
 * characters people confuse (0/O, 1/I/L), drawn from the CSPRNG without
 * modulo bias.  The image is 120x40 PNG: a light background, noise lines
 * and dots, each character in DejaVu Sans Bold with its own rotation,
 * offset and dark colour.  The captcha only slows scripted guessing; the
 * account lockout and the per-address rate limit are the real defence.
 */
#include "captcha.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gd.h>

#include "gmpki/gmpki.h"

#ifndef SVC_CAPTCHA_FONT
#define SVC_CAPTCHA_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#endif

#define CAPTCHA_W 120
#define CAPTCHA_H 40
#define CAPTCHA_PT 20.0
#define CAPTCHA_LINES 5
#define CAPTCHA_DOTS 150

/* No 0 O 1 I L: 31 characters.  Answers are compared case-insensitively
 * by the pages (users type lower case). */
static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define ALPHABET_LEN (sizeof(alphabet) - 1)

/* Random bytes for drawing, fetched in blocks. */
struct rnd {
	unsigned char buf[128];
	size_t pos;
	int err;
};

static unsigned
rnd_byte(struct rnd *r)
{
	if (r->pos == 0 || r->pos >= sizeof(r->buf)) {
		if (gmpki_random(r->buf, sizeof(r->buf)) != 0)
			r->err = 1;
		r->pos = 0;
	}
	return r->buf[r->pos++];
}

/* Uniform in [0, n) for n <= 256: bytes at or above the largest multiple
 * of n are drawn again, so no value is favoured. */
static unsigned
rnd_below(struct rnd *r, unsigned n)
{
	unsigned lim = 256 - 256 % n, b;

	do {
		b = rnd_byte(r);
	} while (b >= lim && !r->err);
	return b % n;
}

int
svc_captcha_answer_new(char out[SVC_CAPTCHA_LEN + 1])
{
	struct rnd r;
	int i;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < SVC_CAPTCHA_LEN; i++)
		out[i] = alphabet[rnd_below(&r, ALPHABET_LEN)];
	out[SVC_CAPTCHA_LEN] = '\0';
	gmpki_wipe(r.buf, sizeof(r.buf));
	if (r.err) {
		gmpki_wipe(out, SVC_CAPTCHA_LEN + 1);
		return GMPKI_ERR_CRYPTO;
	}
	return 0;
}

static pthread_once_t font_once = PTHREAD_ONCE_INIT;

/* gd's FreeType cache must be set up once before threads draw text. */
static void
font_cache_setup(void)
{
	(void)gdFontCacheSetup();
}

static int
answer_ok(const char *a)
{
	size_t i;

	if (a == NULL || strlen(a) != SVC_CAPTCHA_LEN)
		return 0;
	for (i = 0; i < SVC_CAPTCHA_LEN; i++)
		if (strchr(alphabet, a[i]) == NULL || a[i] == '\0')
			return 0;
	return 1;
}

int
svc_captcha_png(const char *answer, unsigned char **png, size_t *len)
{
	struct rnd r;
	gdImagePtr im;
	int brect[8], i, color, size = 0, rc = GMPKI_ERR_INTERNAL;
	char ch[2], *err;
	void *data = NULL;
	double angle;

	if (png == NULL || len == NULL)
		return GMPKI_ERR_ARG;
	*png = NULL;
	*len = 0;
	if (!answer_ok(answer))
		return GMPKI_ERR_ARG;
	pthread_once(&font_once, font_cache_setup);
	memset(&r, 0, sizeof(r));
	if ((im = gdImageCreateTrueColor(CAPTCHA_W, CAPTCHA_H)) == NULL)
		return GMPKI_ERR_NOMEM;

	gdImageFilledRectangle(im, 0, 0, CAPTCHA_W - 1, CAPTCHA_H - 1,
	    gdTrueColor(235 + (int)rnd_below(&r, 20),
	    235 + (int)rnd_below(&r, 20), 235 + (int)rnd_below(&r, 20)));
	gdImageSetThickness(im, 1);
	for (i = 0; i < CAPTCHA_LINES; i++) {
		color = gdTrueColor(120 + (int)rnd_below(&r, 100),
		    120 + (int)rnd_below(&r, 100),
		    120 + (int)rnd_below(&r, 100));
		gdImageLine(im, (int)rnd_below(&r, CAPTCHA_W),
		    (int)rnd_below(&r, CAPTCHA_H), (int)rnd_below(&r, CAPTCHA_W),
		    (int)rnd_below(&r, CAPTCHA_H), color);
	}
	for (i = 0; i < CAPTCHA_DOTS; i++)
		gdImageSetPixel(im, (int)rnd_below(&r, CAPTCHA_W),
		    (int)rnd_below(&r, CAPTCHA_H),
		    gdTrueColor((int)rnd_below(&r, 200),
		    (int)rnd_below(&r, 200), (int)rnd_below(&r, 200)));

	ch[1] = '\0';
	for (i = 0; i < SVC_CAPTCHA_LEN; i++) {
		ch[0] = answer[i];
		color = gdTrueColor((int)rnd_below(&r, 110),
		    (int)rnd_below(&r, 110), (int)rnd_below(&r, 110));
		/* -0.4 .. +0.4 radians (about 23 degrees either way). */
		angle = ((double)rnd_below(&r, 81) - 40.0) / 100.0;
		err = gdImageStringFT(im, brect, color, SVC_CAPTCHA_FONT,
		    CAPTCHA_PT, angle, 8 + i * 27 + (int)rnd_below(&r, 5),
		    29 + (int)rnd_below(&r, 6), ch);
		if (err != NULL)          /* e.g. the font cannot be opened */
			goto out;
	}
	if (r.err) {
		rc = GMPKI_ERR_CRYPTO;
		goto out;
	}
	if ((data = gdImagePngPtr(im, &size)) == NULL || size <= 0)
		goto out;
	if ((*png = malloc((size_t)size)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	memcpy(*png, data, (size_t)size);
	*len = (size_t)size;
	rc = 0;
out:
	if (data != NULL)
		gdFree(data);
	gdImageDestroy(im);
	gmpki_wipe(r.buf, sizeof(r.buf));
	return rc;
}
