/*
 * captcha.h - image captchas drawn with libgd: 4 characters from an
 * alphabet without look-alikes (no 0/O, 1/I/L), noise lines and dots,
 * each character rotated; PNG in memory.
 */
#ifndef SVC_CAPTCHA_H
#define SVC_CAPTCHA_H

#include <stddef.h>

#define SVC_CAPTCHA_LEN 4

/* A random answer (SVC_CAPTCHA_LEN characters + NUL). */
int svc_captcha_answer_new(char out[SVC_CAPTCHA_LEN + 1]);
/* Draws answer; *png is malloc'ed. */
int svc_captcha_png(const char *answer, unsigned char **png, size_t *len);

#endif
