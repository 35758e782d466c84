/*
 * buf.h - a growable byte buffer with a hard limit, and the escaping
 * helpers every page uses.  Appending past the limit fails and leaves the
 * buffer marked; svc_buf_ok() tells.
 */
#ifndef SVC_BUF_H
#define SVC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct svc_buf {
	char *data;      /* NUL-terminated while ok */
	size_t len;
	size_t cap;
	size_t limit;    /* 0: 16 MiB */
	int failed;
};

void svc_buf_init(struct svc_buf *b, size_t limit);
void svc_buf_free(struct svc_buf *b);   /* wipes and frees */
int svc_buf_ok(const struct svc_buf *b);
int svc_buf_add(struct svc_buf *b, const void *p, size_t len);
int svc_buf_str(struct svc_buf *b, const char *s);
int svc_buf_printf(struct svc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* HTML text and attribute escaping: & < > " ' (and ` =). */
int svc_buf_html(struct svc_buf *b, const char *s);
/* application/x-www-form-urlencoded / URL component escaping. */
int svc_buf_url(struct svc_buf *b, const char *s);
/* A JSON string's contents (without quotes). */
int svc_buf_json(struct svc_buf *b, const char *s);
/* Takes the data out (caller frees); the buffer is reset. */
char *svc_buf_take(struct svc_buf *b, size_t *len);

#endif
