/*
 * buf.c - a growable byte buffer with a hard limit, and the escaping
 * helpers (HTML, URL, JSON) every page and API answer is built with.
 *
 * The buffer may hold secrets (form bodies with passwords, tickets), so
 * every block it gives up - on growth, take and free - is wiped first.
 * Once an append fails (limit or memory) the buffer stays failed: callers
 * may append a whole page and check svc_buf_ok() once at the end.
 */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/gmpki.h"

#define SVC_BUF_DEFAULT_LIMIT (16u * 1024 * 1024)
#define SVC_BUF_MIN_CAP 256

void
svc_buf_init(struct svc_buf *b, size_t limit)
{
	if (b == NULL)
		return;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit != 0 ? limit : SVC_BUF_DEFAULT_LIMIT;
	b->failed = 0;
}

void
svc_buf_free(struct svc_buf *b)
{
	size_t limit;

	if (b == NULL)
		return;
	limit = b->limit;
	if (b->data != NULL) {
		gmpki_wipe(b->data, b->cap);
		free(b->data);
	}
	svc_buf_init(b, limit);
}

int
svc_buf_ok(const struct svc_buf *b)
{
	return b != NULL && !b->failed;
}

/* Makes room for n more bytes plus the terminating NUL. */
static int
buf_reserve(struct svc_buf *b, size_t n)
{
	size_t need, ncap;
	char *p;

	if (b->failed)
		return GMPKI_ERR_TOO_LARGE;
	if (n > b->limit || b->len > b->limit - n) {
		b->failed = 1;
		return GMPKI_ERR_TOO_LARGE;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap < SVC_BUF_MIN_CAP ? SVC_BUF_MIN_CAP : b->cap;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->limit + 1)
		ncap = b->limit + 1;
	/* malloc + copy + wipe rather than realloc: the old block may hold
	 * a password and realloc would free it unwiped. */
	if ((p = malloc(ncap)) == NULL) {
		b->failed = 1;
		return GMPKI_ERR_NOMEM;
	}
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		gmpki_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
svc_buf_add(struct svc_buf *b, const void *p, size_t len)
{
	int rc;

	if (b == NULL || (p == NULL && len != 0))
		return GMPKI_ERR_ARG;
	if ((rc = buf_reserve(b, len)) != 0)
		return rc;
	if (len != 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
svc_buf_str(struct svc_buf *b, const char *s)
{
	if (s == NULL)
		return GMPKI_ERR_ARG;
	return svc_buf_add(b, s, strlen(s));
}

int
svc_buf_printf(struct svc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	if (b == NULL || fmt == NULL)
		return GMPKI_ERR_ARG;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return GMPKI_ERR_ARG;
	if ((rc = buf_reserve(b, (size_t)n)) != 0)
		return rc;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		return GMPKI_ERR_ARG;
	}
	b->len += (size_t)n;
	return 0;
}

/*
 * HTML escaping for text and quoted or unquoted attribute values (OWASP
 * XSS prevention rule 1 and 2): besides & < > " ', the backtick (old IE
 * attribute delimiter) and '=' (unquoted attribute injection).
 */
int
svc_buf_html(struct svc_buf *b, const char *s)
{
	const char *run, *rep;
	int rc;

	if (b == NULL || s == NULL)
		return GMPKI_ERR_ARG;
	for (run = s; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '`':
			rep = "&#96;";
			break;
		case '=':
			rep = "&#61;";
			break;
		default:
			continue;
		}
		if ((rc = svc_buf_add(b, run, (size_t)(s - run))) != 0 ||
		    (rc = svc_buf_str(b, rep)) != 0)
			return rc;
		run = s + 1;
	}
	return svc_buf_add(b, run, (size_t)(s - run));
}

/* RFC 3986 §2.3: only unreserved characters stay; everything else,
 * space included, becomes %XX (valid in a path segment, a query and a
 * form body alike). */
int
svc_buf_url(struct svc_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char esc[3];
	int rc;

	if (b == NULL || s == NULL)
		return GMPKI_ERR_ARG;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			rc = svc_buf_add(b, p, 1);
		} else {
			esc[0] = '%';
			esc[1] = hex[*p >> 4];
			esc[2] = hex[*p & 0x0f];
			rc = svc_buf_add(b, esc, 3);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * RFC 8259 §7: " and \ and the control characters U+0000..U+001F must be
 * escaped.  We also escape DEL, and < > & as \u003c etc. so a JSON value
 * can never close a <script> element or start markup if it ends up in HTML.
 */
int
svc_buf_json(struct svc_buf *b, const char *s)
{
	const unsigned char *p;
	char esc[8];
	int rc;

	if (b == NULL || s == NULL)
		return GMPKI_ERR_ARG;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			rc = svc_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			rc = svc_buf_add(b, "\\\\", 2);
			break;
		case '\b':
			rc = svc_buf_add(b, "\\b", 2);
			break;
		case '\f':
			rc = svc_buf_add(b, "\\f", 2);
			break;
		case '\n':
			rc = svc_buf_add(b, "\\n", 2);
			break;
		case '\r':
			rc = svc_buf_add(b, "\\r", 2);
			break;
		case '\t':
			rc = svc_buf_add(b, "\\t", 2);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' ||
			    *p == '&') {
				snprintf(esc, sizeof(esc), "\\u%04x",
				    (unsigned)*p);
				rc = svc_buf_add(b, esc, 6);
			} else
				rc = svc_buf_add(b, p, 1);
			break;
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

char *
svc_buf_take(struct svc_buf *b, size_t *len)
{
	char *p;

	if (len != NULL)
		*len = 0;
	if (b == NULL || b->failed)
		return NULL;
	if (b->data == NULL) {
		if ((p = calloc(1, 1)) == NULL)
			return NULL;
	} else
		p = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	svc_buf_init(b, b->limit);
	return p;
}
