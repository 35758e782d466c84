/* buf_test.c - the bounded buffer and its HTML, URL and JSON escaping. */
#include "test.h"

#include "buf.h"

static void
test_add_and_take(void)
{
	struct svc_buf b;
	char *p;
	size_t len;

	svc_buf_init(&b, 0);
	CHECK(b.limit == 16u * 1024 * 1024);
	CHECK(svc_buf_ok(&b));
	/* An untouched buffer gives an empty string, not NULL. */
	p = svc_buf_take(&b, &len);
	CHECK(p != NULL && len == 0 && p[0] == '\0');
	free(p);

	CHECK_OK(svc_buf_str(&b, "abc"));
	CHECK_OK(svc_buf_add(&b, "\0def", 4));
	CHECK_OK(svc_buf_add(&b, NULL, 0));
	CHECK(b.len == 7);
	CHECK(memcmp(b.data, "abc\0def", 8) == 0);
	CHECK_RC(svc_buf_add(&b, NULL, 1), GMPKI_ERR_ARG);
	CHECK_RC(svc_buf_str(&b, NULL), GMPKI_ERR_ARG);
	p = svc_buf_take(&b, &len);
	CHECK(p != NULL && len == 7 && p[7] == '\0');
	CHECK(b.data == NULL && b.len == 0 && svc_buf_ok(&b));
	free(p);
	svc_buf_free(&b);
	svc_buf_free(NULL);
}

static void
test_growth(void)
{
	struct svc_buf b;
	size_t i;
	int bad = 0;

	svc_buf_init(&b, 0);
	for (i = 0; i < 100000; i++)
		if (svc_buf_add(&b, "0123456789", 10) != 0)
			bad++;
	CHECK(bad == 0);
	CHECK(b.len == 1000000 && b.cap > b.len && b.data[b.len] == '\0');
	CHECK(memcmp(b.data + 999990, "0123456789", 10) == 0);
	svc_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
}

static void
test_limit(void)
{
	struct svc_buf b;

	svc_buf_init(&b, 8);
	CHECK_OK(svc_buf_str(&b, "12345678"));   /* exactly the limit */
	CHECK(svc_buf_ok(&b));
	CHECK_RC(svc_buf_str(&b, "9"), GMPKI_ERR_TOO_LARGE);
	CHECK(!svc_buf_ok(&b));
	/* A failed buffer stays failed, even for what would fit. */
	CHECK_RC(svc_buf_add(&b, "", 0), GMPKI_ERR_TOO_LARGE);
	CHECK(svc_buf_take(&b, NULL) == NULL);
	svc_buf_free(&b);
	CHECK(svc_buf_ok(&b) && b.limit == 8);

	/* One append bigger than the limit, and a size_t overflow attempt. */
	CHECK_RC(svc_buf_add(&b, "123456789", 9), GMPKI_ERR_TOO_LARGE);
	svc_buf_free(&b);
	CHECK_OK(svc_buf_str(&b, "1"));
	CHECK_RC(svc_buf_add(&b, "x", SIZE_MAX), GMPKI_ERR_TOO_LARGE);
	svc_buf_free(&b);

	/* Escaping counts the escaped length against the limit. */
	CHECK_RC(svc_buf_html(&b, "<<<"), GMPKI_ERR_TOO_LARGE);
	svc_buf_free(&b);
	CHECK_RC(svc_buf_printf(&b, "%s", "123456789"), GMPKI_ERR_TOO_LARGE);
	CHECK(!svc_buf_ok(&b));
	svc_buf_free(&b);
}

static void
test_printf(void)
{
	struct svc_buf b;
	char big[3000];

	svc_buf_init(&b, 0);
	CHECK_OK(svc_buf_printf(&b, "%d-%s-%05.1f", 42, "x", 3.5));
	CHECK_STR(b.data, "42-x-003.5");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_OK(svc_buf_printf(&b, "[%s]", big));
	CHECK(b.len == 10 + 2 + 2999);
	CHECK(b.data[10] == '[' && b.data[b.len - 1] == ']');
	CHECK_OK(svc_buf_printf(&b, "%s", ""));
	CHECK(b.len == 10 + 2 + 2999);
	svc_buf_free(&b);
}

/* Escapes s with fn into a fresh buffer and compares with want. */
static int
escaped_is(int (*fn)(struct svc_buf *, const char *), const char *s,
    const char *want)
{
	struct svc_buf b;
	int ok;

	svc_buf_init(&b, 0);
	ok = fn(&b, s) == 0 && b.data != NULL && strcmp(b.data, want) == 0;
	if (!ok)
		fprintf(stderr, "  escaped \"%s\" to \"%s\", want \"%s\"\n", s,
		    b.data ? b.data : "(null)", want);
	svc_buf_free(&b);
	return ok;
}

static void
test_html(void)
{
	CHECK(escaped_is(svc_buf_html, "&", "&amp;"));
	CHECK(escaped_is(svc_buf_html, "<", "&lt;"));
	CHECK(escaped_is(svc_buf_html, ">", "&gt;"));
	CHECK(escaped_is(svc_buf_html, "\"", "&quot;"));
	CHECK(escaped_is(svc_buf_html, "'", "&#39;"));
	CHECK(escaped_is(svc_buf_html, "`", "&#96;"));
	CHECK(escaped_is(svc_buf_html, "=", "&#61;"));
	CHECK(escaped_is(svc_buf_html, "", ""));
	CHECK(escaped_is(svc_buf_html, "国家统计局 ok/", "国家统计局 ok/"));
	CHECK(escaped_is(svc_buf_html, "<script>alert('x')</script>",
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
	CHECK(escaped_is(svc_buf_html, "a\" onmouseover=x b",
	    "a&quot; onmouseover&#61;x b"));
	CHECK(escaped_is(svc_buf_html, "&amp;", "&amp;amp;"));
	CHECK_RC(svc_buf_html(NULL, "x"), GMPKI_ERR_ARG);
}

static void
test_url(void)
{
	CHECK(escaped_is(svc_buf_url, "AZaz09-._~", "AZaz09-._~"));
	CHECK(escaped_is(svc_buf_url, "a b+c&d=e/f?g#h%",
	    "a%20b%2Bc%26d%3De%2Ff%3Fg%23h%25"));
	CHECK(escaped_is(svc_buf_url, "中", "%E4%B8%AD"));
	CHECK(escaped_is(svc_buf_url, "\x01\x7f", "%01%7F"));
}

static void
test_json(void)
{
	CHECK(escaped_is(svc_buf_json, "plain 中文", "plain 中文"));
	CHECK(escaped_is(svc_buf_json, "\"", "\\\""));
	CHECK(escaped_is(svc_buf_json, "\\", "\\\\"));
	CHECK(escaped_is(svc_buf_json, "\b\f\n\r\t", "\\b\\f\\n\\r\\t"));
	CHECK(escaped_is(svc_buf_json, "\x01\x1f\x7f", "\\u0001\\u001f\\u007f"));
	CHECK(escaped_is(svc_buf_json, "</script>&",
	    "\\u003c/script\\u003e\\u0026"));
	CHECK(escaped_is(svc_buf_json, "/'", "/'"));
}

/* Every control character comes out as an escape, never raw. */
static void
test_json_all_controls(void)
{
	struct svc_buf b;
	char s[2];
	int c, bad = 0;
	size_t i;

	for (c = 1; c < 0x20; c++) {
		s[0] = (char)c;
		s[1] = '\0';
		svc_buf_init(&b, 0);
		if (svc_buf_json(&b, s) != 0 || b.len < 2 || b.data[0] != '\\')
			bad++;
		for (i = 0; i < b.len; i++)
			if ((unsigned char)b.data[i] < 0x20)
				bad++;
		svc_buf_free(&b);
	}
	CHECK(bad == 0);
}

int
main(void)
{
	RUN(test_add_and_take);
	RUN(test_growth);
	RUN(test_limit);
	RUN(test_printf);
	RUN(test_html);
	RUN(test_url);
	RUN(test_json);
	RUN(test_json_all_controls);
	TEST_MAIN_END();
}
