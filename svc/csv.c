/*
 * csv.c - the bounded RFC 4180 reader of csv.h.
 *
 * RFC 4180 §2 grammar, with the two liberties csv.h lists (LF alone ends
 * a record; a leading UTF-8 BOM is skipped):
 *   file    = record *(CRLF record) [CRLF]
 *   record  = field *(COMMA field)
 *   field   = escaped / non-escaped
 *   escaped = DQUOTE *(TEXTDATA / COMMA / CR / LF / 2DQUOTE) DQUOTE
 * Every byte goes into a buffer of fixed size, so a hostile file costs at
 * most max_record bytes of memory however it is shaped.
 */
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "svc_error.h"

int
svc_csv_init(struct svc_csv *c, const void *data, size_t len,
    size_t max_record)
{
	if (c == NULL || (data == NULL && len != 0))
		return GMPKI_ERR_ARG;
	memset(c, 0, sizeof(*c));
	if (max_record == 0)
		max_record = SVC_CSV_RECORD_MAX;
	if (max_record > SIZE_MAX - SVC_CSV_MAX_FIELDS - 1)
		return GMPKI_ERR_ARG;
	if ((c->buf = malloc(max_record + SVC_CSV_MAX_FIELDS + 1)) == NULL)
		return GMPKI_ERR_NOMEM;
	c->max_record = max_record;
	c->p = data;
	c->end = c->p + len;
	c->line = 1;
	/* The UTF-8 encoding of U+FEFF, which Excel puts first. */
	if (len >= 3 && c->p[0] == 0xEF && c->p[1] == 0xBB && c->p[2] == 0xBF) {
		c->p += 3;
		c->bom = 1;
	}
	return 0;
}

void
svc_csv_free(struct svc_csv *c)
{
	if (c == NULL)
		return;
	if (c->buf != NULL) {
		gmpki_wipe(c->buf, c->max_record + SVC_CSV_MAX_FIELDS + 1);
		free(c->buf);
	}
	memset(c, 0, sizeof(*c));
}

static int
csv_fail(struct svc_csv *c, enum svc_csv_err e, size_t line)
{
	c->err = e;
	c->err_line = line;
	return SVC_ERR_CSV;
}

int
svc_csv_next(struct svc_csv *c, struct svc_csv_record *r)
{
	size_t used = 0, start, qline, i;
	unsigned char ch;
	int quoted, eor = 0;

	if (c == NULL || r == NULL || c->buf == NULL)
		return GMPKI_ERR_ARG;
	memset(r, 0, sizeof(*r));
	if (c->err != SVC_CSV_OK)
		return SVC_ERR_CSV;	/* errors are final */
	if (c->p >= c->end)
		return 0;
	r->line = c->line;
	while (!eor) {
		if (r->nfields == SVC_CSV_MAX_FIELDS)
			return csv_fail(c, SVC_CSV_TOO_MANY, c->line);
		start = used;
		quoted = c->p < c->end && *c->p == '"';
		qline = c->line;
		if (quoted)
			c->p++;
		for (;;) {
			if (c->p >= c->end) {
				if (quoted)
					return csv_fail(c,
					    SVC_CSV_UNTERMINATED, qline);
				eor = 1;
				break;
			}
			ch = *c->p;
			if (ch == '\0')
				return csv_fail(c, SVC_CSV_NUL, c->line);
			if (quoted && ch == '"') {
				if (c->p + 1 < c->end && c->p[1] == '"') {
					c->p++;		/* 2DQUOTE: one '"' */
				} else {
					c->p++;
					quoted = 0;
					/*
					 * Only a separator may follow.  The
					 * line named is where the quoted
					 * field began: a stray quote there
					 * is the usual cause.
					 */
					if (c->p < c->end && *c->p != ',' &&
					    *c->p != '\n' && *c->p != '\r')
						return csv_fail(c,
						    SVC_CSV_AFTER_QUOTE, qline);
					continue;
				}
			} else if (!quoted) {
				if (ch == ',') {
					c->p++;
					break;
				}
				if (ch == '\n') {
					c->p++;
					c->line++;
					eor = 1;
					break;
				}
				if (ch == '\r') {
					if (c->p + 1 < c->end &&
					    c->p[1] == '\n') {
						c->p += 2;
						c->line++;
						eor = 1;
						break;
					}
					return csv_fail(c, SVC_CSV_BARE_CR,
					    c->line);
				}
				if (ch == '"')
					return csv_fail(c, SVC_CSV_BARE_QUOTE,
					    c->line);
			} else if (ch == '\n')
				c->line++;
			/* used counts one NUL per finished field. */
			if (used - r->nfields >= c->max_record)
				return csv_fail(c, SVC_CSV_TOO_LONG, r->line);
			c->buf[used++] = (char)ch;
			c->p++;
		}
		r->field[r->nfields] = c->buf + start;
		r->len[r->nfields] = used - start;
		r->nfields++;
		c->buf[used++] = '\0';	/* room: SVC_CSV_MAX_FIELDS extra */
	}
	for (i = 0; i < r->nfields; i++)
		if (!svc_utf8_valid(r->field[i], r->len[i]))
			return csv_fail(c, SVC_CSV_UTF8, r->line);
	return 1;
}

const char *
svc_csv_strerror(enum svc_csv_err e)
{
	switch (e) {
	case SVC_CSV_OK:
		return "成功";
	case SVC_CSV_BARE_QUOTE:
		return "未加引号的字段中含有引号";
	case SVC_CSV_AFTER_QUOTE:
		return "引号结束后还有多余字符";
	case SVC_CSV_UNTERMINATED:
		return "引号未闭合";
	case SVC_CSV_BARE_CR:
		return "含有单独的回车符";
	case SVC_CSV_NUL:
		return "含有NUL字符";
	case SVC_CSV_UTF8:
		return "不是有效的UTF-8编码";
	case SVC_CSV_TOO_LONG:
		return "行过长";
	case SVC_CSV_TOO_MANY:
		return "字段过多";
	case SVC_CSV_NOMEM:
		return "内存不足";
	}
	return "导入文件格式错误";
}

const char *
svc_csv_strerror_en(enum svc_csv_err e)
{
	switch (e) {
	case SVC_CSV_OK:
		return "success";
	case SVC_CSV_BARE_QUOTE:
		return "quote inside an unquoted field";
	case SVC_CSV_AFTER_QUOTE:
		return "characters after a closing quote";
	case SVC_CSV_UNTERMINATED:
		return "quoted field is not closed";
	case SVC_CSV_BARE_CR:
		return "carriage return without line feed";
	case SVC_CSV_NUL:
		return "NUL byte";
	case SVC_CSV_UTF8:
		return "invalid UTF-8";
	case SVC_CSV_TOO_LONG:
		return "line too long";
	case SVC_CSV_TOO_MANY:
		return "too many fields";
	case SVC_CSV_NOMEM:
		return "out of memory";
	}
	return "malformed import file";
}

/*
 * RFC 3629 §4, the UTF8-octets grammar: the second byte's range depends on
 * the first, which rules out overlong forms (C0, C1, E0 80-9F, F0 80-8F),
 * surrogates (ED A0-BF) and code points above U+10FFFF (F4 90-BF, F5-FF).
 */
int
svc_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	unsigned char lo, hi;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xBF;
		if (p[i] >= 0xC2 && p[i] <= 0xDF)
			n = 1;
		else if (p[i] >= 0xE0 && p[i] <= 0xEF) {
			n = 2;
			if (p[i] == 0xE0)
				lo = 0xA0;
			else if (p[i] == 0xED)
				hi = 0x9F;
		} else if (p[i] >= 0xF0 && p[i] <= 0xF4) {
			n = 3;
			if (p[i] == 0xF0)
				lo = 0x90;
			else if (p[i] == 0xF4)
				hi = 0x8F;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (k = 2; k <= n; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
		i += n + 1;
	}
	return 1;
}

size_t
svc_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}
