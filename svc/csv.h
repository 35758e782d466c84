/*
 * csv.h - a bounded RFC 4180 reader for the admin CLI's import files.
 *
 * The whole file is in memory (read with a size bound by the caller); the
 * reader hands out one record at a time, its fields unescaped and
 * NUL-terminated in a buffer it owns.  What it accepts:
 *  - RFC 4180 §2: fields separated by ',', records ended by CRLF, or by a
 *    lone LF (what most Unix tools write); the last record may lack one;
 *  - quoted fields ("...") holding ',', CR, LF and doubled quotes "";
 *  - one UTF-8 byte order mark at the very start (Excel writes it);
 * and what it refuses, each with the line it is on:
 *  - a quote inside an unquoted field, anything but ',' or a line end
 *    after a closing quote, a quoted field the file ends inside;
 *  - a CR not followed by LF outside quotes, a NUL byte;
 *  - invalid UTF-8 (RFC 3629 §3: no overlong forms, no surrogates,
 *    nothing above U+10FFFF);
 *  - a record longer than max_record bytes or with more than
 *    SVC_CSV_MAX_FIELDS fields.
 * An empty line is a record of one empty field; the caller decides what
 * that means.  Line numbers count LF-ended physical lines from 1, so a
 * record whose quoted field spans lines starts on record.line and the
 * next record's number is further on.
 */
#ifndef SVC_CSV_H
#define SVC_CSV_H

#include <stddef.h>

#define SVC_CSV_MAX_FIELDS 16
#define SVC_CSV_RECORD_MAX (64 * 1024)	/* default bytes per record */

enum svc_csv_err {
	SVC_CSV_OK = 0,
	SVC_CSV_BARE_QUOTE,	/* '"' inside an unquoted field */
	SVC_CSV_AFTER_QUOTE,	/* text after a closing quote */
	SVC_CSV_UNTERMINATED,	/* the file ends inside quotes */
	SVC_CSV_BARE_CR,	/* CR not followed by LF */
	SVC_CSV_NUL,		/* a NUL byte */
	SVC_CSV_UTF8,		/* invalid UTF-8 */
	SVC_CSV_TOO_LONG,	/* record longer than max_record */
	SVC_CSV_TOO_MANY,	/* more than SVC_CSV_MAX_FIELDS fields */
	SVC_CSV_NOMEM,
};

struct svc_csv_record {
	size_t line;		/* physical line the record starts on */
	size_t nfields;
	char *field[SVC_CSV_MAX_FIELDS];	/* into the reader's buffer */
	size_t len[SVC_CSV_MAX_FIELDS];
};

struct svc_csv {
	const unsigned char *p, *end;
	size_t line;		/* line of the next byte */
	size_t max_record;
	char *buf;		/* max_record + SVC_CSV_MAX_FIELDS + 1 */
	int bom;		/* the input started with a BOM */
	enum svc_csv_err err;
	size_t err_line;	/* where err was found */
};

/*
 * Starts reading data[0..len).  max_record 0 means SVC_CSV_RECORD_MAX.
 * The data must stay valid while the reader is used.  0 or
 * GMPKI_ERR_NOMEM.
 */
int svc_csv_init(struct svc_csv *c, const void *data, size_t len,
    size_t max_record);
/* Frees the buffer (wiped first: import files hold passwords). */
void svc_csv_free(struct svc_csv *c);
/*
 * The next record into r: 1, 0 at the end of the input, or SVC_ERR_CSV
 * with c->err and c->err_line set.  r's fields are valid until the next
 * call.
 */
int svc_csv_next(struct svc_csv *c, struct svc_csv_record *r);

/* Chinese and English text of an error. */
const char *svc_csv_strerror(enum svc_csv_err e);
const char *svc_csv_strerror_en(enum svc_csv_err e);

/* 1 when s[0..len) is valid UTF-8 (RFC 3629), else 0. */
int svc_utf8_valid(const char *s, size_t len);
/* The number of code points of valid UTF-8 s. */
size_t svc_utf8_chars(const char *s);

#endif
