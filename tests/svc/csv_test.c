/*
 * csv_test.c - the bounded RFC 4180 reader (svc/csv.c): quoting, embedded
 * separators and line breaks, CRLF, the BOM, and every refusal with the
 * line it names.
 */
#include "test.h"

#include "csv.h"
#include "svc_error.h"

/*
 * Reads all of in (len bytes) and renders it as "f|f|f/f|f/" (records
 * separated by '/', fields by '|') with each record's line as "@N:" in
 * front.  Returns the reader's last result (0 at a clean end).
 */
static int
render(const char *in, size_t len, size_t max, char *out, size_t outlen,
    struct svc_csv *cp)
{
	struct svc_csv_record r;
	size_t i, n = 0;
	int rc, w;

	out[0] = '\0';
	if ((rc = svc_csv_init(cp, in, len, max)) != 0)
		return rc;
	while ((rc = svc_csv_next(cp, &r)) == 1) {
		w = snprintf(out + n, outlen - n, "@%zu:", r.line);
		if (w < 0 || (size_t)w >= outlen - n)
			return -1;
		n += (size_t)w;
		for (i = 0; i < r.nfields; i++) {
			w = snprintf(out + n, outlen - n, "%s%s", r.field[i],
			    i + 1 < r.nfields ? "|" : "/");
			if (w < 0 || (size_t)w >= outlen - n)
				return -1;
			n += (size_t)w;
			CHECK(strlen(r.field[i]) == r.len[i]);
		}
	}
	return rc;
}

/* Expects in to read as want. */
#define CHECK_CSV(in, want)                                                    \
	do {                                                                   \
		struct svc_csv c_;                                             \
		char out_[1024];                                               \
		CHECK_OK(render(in, sizeof(in) - 1, 0, out_, sizeof(out_),     \
		    &c_));                                                     \
		CHECK_STR(out_, want);                                         \
		svc_csv_free(&c_);                                             \
	} while (0)

/* Expects in to fail with err on line. */
#define CHECK_CSV_ERR(in, max, want_err, want_line)                            \
	do {                                                                   \
		struct svc_csv c_;                                             \
		char out_[1024];                                               \
		CHECK_RC(render(in, sizeof(in) - 1, max, out_, sizeof(out_),   \
		    &c_), SVC_ERR_CSV);                                        \
		CHECK(c_.err == (want_err));                                   \
		CHECK(c_.err_line == (want_line));                             \
		svc_csv_free(&c_);                                             \
	} while (0)

static void
test_plain(void)
{
	CHECK_CSV("", "");
	CHECK_CSV("a,b,c", "@1:a|b|c/");
	CHECK_CSV("a,b,c\n", "@1:a|b|c/");
	CHECK_CSV("a,b\nc,d\n", "@1:a|b/@2:c|d/");
	/* RFC 4180 §2.1-2.2: CRLF, and the last record without one. */
	CHECK_CSV("a,b\r\nc,d\r\n", "@1:a|b/@2:c|d/");
	CHECK_CSV("a,b\r\nc,d", "@1:a|b/@2:c|d/");
	/* Empty fields and empty lines are kept for the caller. */
	CHECK_CSV(",,\n", "@1:||/");
	CHECK_CSV("a,\n", "@1:a|/");
	CHECK_CSV("a\n\nb\n", "@1:a/@2:/@3:b/");
	/* Spaces are part of a field (RFC 4180 §2.4). */
	CHECK_CSV(" a , b ", "@1: a | b /");
	CHECK_CSV("用户,统一社会信用代码\n", "@1:用户|统一社会信用代码/");
}

static void
test_quoted(void)
{
	/* §2.5-2.7: quotes, separators, line breaks and "" inside quotes. */
	CHECK_CSV("\"a\",\"b\"\n", "@1:a|b/");
	CHECK_CSV("\"a,b\",c\n", "@1:a,b|c/");
	CHECK_CSV("\"say \"\"hi\"\"\",x\n", "@1:say \"hi\"|x/");
	CHECK_CSV("\"\",\"\"\"\"\n", "@1:|\"/");
	CHECK_CSV("\"line1\nline2\",z\nnext\n", "@1:line1\nline2|z/@3:next/");
	CHECK_CSV("\"a\r\nb\"\r\nc\r\n", "@1:a\r\nb/@3:c/");
	CHECK_CSV("x,\"quoted at end\"", "@1:x|quoted at end/");
	CHECK_CSV("\"北京,海淀\",中文\n", "@1:北京,海淀|中文/");
}

static void
test_bom(void)
{
	struct svc_csv c;
	char out[128];

	CHECK_OK(render("\xEF\xBB\xBF" "a,b\n", 7, 0, out, sizeof(out), &c));
	CHECK_STR(out, "@1:a|b/");
	CHECK(c.bom == 1);
	svc_csv_free(&c);
	/* Only at the start: later it is an ordinary (valid) character. */
	CHECK_OK(render("a\n\xEF\xBB\xBF" "b\n", 7, 0, out, sizeof(out), &c));
	CHECK_STR(out, "@1:a/@2:\xEF\xBB\xBF" "b/");
	CHECK(c.bom == 0);
	svc_csv_free(&c);
	/* A file that is only a BOM has no records. */
	CHECK_OK(render("\xEF\xBB\xBF", 3, 0, out, sizeof(out), &c));
	CHECK_STR(out, "");
	svc_csv_free(&c);
}

static void
test_bad_quotes(void)
{
	CHECK_CSV_ERR("a,b\nc\"d,e\n", 0, SVC_CSV_BARE_QUOTE, 2);
	CHECK_CSV_ERR("ok\n\"a\"b,c\n", 0, SVC_CSV_AFTER_QUOTE, 2);
	CHECK_CSV_ERR("\"a\" ,b\n", 0, SVC_CSV_AFTER_QUOTE, 1);
	/* A stray quote opens a field that swallows the next line break:
	 * the line named is where it opened. */
	CHECK_CSV_ERR("x\n\"a,b\nc,\"d\"\n", 0, SVC_CSV_AFTER_QUOTE, 2);
	/* The file ends inside quotes: the line the quote opened on. */
	CHECK_CSV_ERR("a\nb,\"open\nmore\nstill\n", 0, SVC_CSV_UNTERMINATED,
	    2);
	CHECK_CSV_ERR("\"", 0, SVC_CSV_UNTERMINATED, 1);
}

static void
test_bad_bytes(void)
{
	CHECK_CSV_ERR("a\rb\n", 0, SVC_CSV_BARE_CR, 1);
	CHECK_CSV_ERR("a\n\nb\r", 0, SVC_CSV_BARE_CR, 3);
	CHECK_CSV_ERR("a\nb\0c\n", 0, SVC_CSV_NUL, 2);
	CHECK_CSV_ERR("\"a\0\"\n", 0, SVC_CSV_NUL, 1);
	/* Invalid UTF-8 names the record's line. */
	CHECK_CSV_ERR("ok\nab\xFF" "c\n", 0, SVC_CSV_UTF8, 2);
	CHECK_CSV_ERR("ok\nok\n\"x\n\xC3\"\n", 0, SVC_CSV_UTF8, 3);
	/* GBK bytes (中 in GB 2312 is D6 D0) are not UTF-8. */
	CHECK_CSV_ERR("\xD6\xD0,b\n", 0, SVC_CSV_UTF8, 1);
}

static void
test_bounds(void)
{
	static char big[200];
	struct svc_csv c;
	struct svc_csv_record r;
	char out[1024];
	size_t i;

	/* Exactly max bytes of content is fine; one more is not. */
	CHECK_OK(render("abcd,ef\n", 8, 6, out, sizeof(out), &c));
	CHECK_STR(out, "@1:abcd|ef/");
	svc_csv_free(&c);
	CHECK_CSV_ERR("ok\nabcd,efg\n", 6, SVC_CSV_TOO_LONG, 2);
	/* A long line inside quotes counts the same. */
	CHECK_CSV_ERR("\"abc\ndefgh\"\n", 6, SVC_CSV_TOO_LONG, 1);

	/* SVC_CSV_MAX_FIELDS fields are fine, one more is not. */
	for (i = 0; i < SVC_CSV_MAX_FIELDS - 1; i++)
		big[i] = ',';
	big[i] = '\n';
	CHECK_OK(svc_csv_init(&c, big, i + 1, 0));
	CHECK(svc_csv_next(&c, &r) == 1 && r.nfields == SVC_CSV_MAX_FIELDS);
	CHECK(svc_csv_next(&c, &r) == 0);
	svc_csv_free(&c);
	big[i] = ',';
	big[i + 1] = '\n';
	CHECK_OK(svc_csv_init(&c, big, i + 2, 0));
	CHECK_RC(svc_csv_next(&c, &r), SVC_ERR_CSV);
	CHECK(c.err == SVC_CSV_TOO_MANY && c.err_line == 1);
	/* Errors are final. */
	CHECK_RC(svc_csv_next(&c, &r), SVC_ERR_CSV);
	svc_csv_free(&c);
	svc_csv_free(NULL);
	CHECK_RC(svc_csv_init(&c, NULL, 1, 0), GMPKI_ERR_ARG);
	CHECK(svc_csv_strerror(SVC_CSV_UTF8)[0] != '\0');
	CHECK_STR(svc_csv_strerror_en(SVC_CSV_TOO_LONG), "line too long");
}

static void
test_utf8(void)
{
	static const struct {
		const char *s;
		int valid;
	} cases[] = {
		{ "", 1 },
		{ "plain ASCII", 1 },
		{ "统一社会信用代码", 1 },
		{ "\xF0\x9F\x98\x80", 1 },		/* U+1F600 */
		{ "\xF4\x8F\xBF\xBF", 1 },		/* U+10FFFF */
		{ "\xC0\xAF", 0 },			/* overlong '/' */
		{ "\xC1\xBF", 0 },
		{ "\xE0\x80\xAF", 0 },			/* overlong */
		{ "\xF0\x80\x80\xAF", 0 },		/* overlong */
		{ "\xED\xA0\x80", 0 },			/* U+D800 surrogate */
		{ "\xF4\x90\x80\x80", 0 },		/* above U+10FFFF */
		{ "\xF5\x80\x80\x80", 0 },
		{ "\x80", 0 },				/* lone continuation */
		{ "\xE4\xB8", 0 },			/* truncated 中 */
		{ "\xE4\x41\xAD", 0 },
		{ "\xFE", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (svc_utf8_valid(cases[i].s, strlen(cases[i].s)) !=
		    cases[i].valid)
			fprintf(stderr, "utf8 case %zu\n", i);
		CHECK(svc_utf8_valid(cases[i].s, strlen(cases[i].s)) ==
		    cases[i].valid);
	}
	CHECK(svc_utf8_chars("") == 0);
	CHECK(svc_utf8_chars("abc") == 3);
	CHECK(svc_utf8_chars("统一社会") == 4);
}

/*
 * Random input over the bytes that matter, under ASan in CI: every run
 * ends in 0 or SVC_ERR_CSV, fields stay within max and are terminated.
 */
static void
test_random(void)
{
	static const char alphabet[] = "a,\"\r\n\xC3\xA9\xFF";
	struct svc_csv c;
	struct svc_csv_record r;
	unsigned char in[64];
	unsigned seed = 12345;
	size_t i, len, total;
	int rc, n, bad = 0;

	for (n = 0; n < 20000; n++) {
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(in);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (unsigned char)alphabet[(seed >> 16) %
			    (sizeof(alphabet) - 1)];
		}
		if (svc_csv_init(&c, in, len, 16) != 0) {
			bad++;
			continue;
		}
		while ((rc = svc_csv_next(&c, &r)) == 1) {
			for (i = total = 0; i < r.nfields; i++) {
				total += r.len[i];
				if (r.field[i][r.len[i]] != '\0')
					bad++;
			}
			if (total > 16 || r.nfields == 0)
				bad++;
		}
		if (rc != 0 && rc != SVC_ERR_CSV)
			bad++;
		svc_csv_free(&c);
	}
	CHECK(bad == 0);
}

int
main(void)
{
	RUN(test_plain);
	RUN(test_quoted);
	RUN(test_bom);
	RUN(test_bad_quotes);
	RUN(test_bad_bytes);
	RUN(test_bounds);
	RUN(test_utf8);
	RUN(test_random);
	TEST_MAIN_END();
}
