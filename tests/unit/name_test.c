/* name_test.c - parsing, printing and building distinguished names. */
#include "test.h"

#define USCC "91350100M000100Y43"	/* GB 32100-2015's example */

static void
test_round_trip(void)
{
	X509_NAME *n = NULL;
	char buf[512];
	const X509_NAME_ENTRY *e;

	CHECK_OK(gmpki_name_parse("/C=CN/O=测试企业有限公司/CN=user01", &n));
	CHECK(n != NULL && X509_NAME_entry_count(n) == 3);
	CHECK_OK(gmpki_name_print(n, buf, sizeof(buf)));
	CHECK_STR(buf, "C=CN, O=测试企业有限公司, CN=user01");
	/* C is a PrintableString, the rest UTF8String (RFC 5280 §4.1.2.4). */
	e = X509_NAME_get_entry(n, 0);
	CHECK(ASN1_STRING_type(X509_NAME_ENTRY_get_data(e)) ==
	    V_ASN1_PRINTABLESTRING);
	e = X509_NAME_get_entry(n, 1);
	CHECK(ASN1_STRING_type(X509_NAME_ENTRY_get_data(e)) ==
	    V_ASN1_UTF8STRING);
	CHECK_OK(gmpki_name_get(n, NID_organizationName, buf, sizeof(buf)));
	CHECK_STR(buf, "测试企业有限公司");
	CHECK_OK(gmpki_name_get(n, NID_commonName, buf, sizeof(buf)));
	CHECK_STR(buf, "user01");
	CHECK_RC(gmpki_name_get(n, NID_localityName, buf, sizeof(buf)),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_STR(buf, "");
	CHECK_RC(gmpki_name_get(n, NID_organizationName, buf, 5),
	    GMPKI_ERR_TOO_LARGE);
	CHECK_RC(gmpki_name_print(n, buf, 10), GMPKI_ERR_TOO_LARGE);
	CHECK_STR(buf, "");
	X509_NAME_free(n);

	/* Every known key, case-insensitive keys. */
	CHECK_OK(gmpki_name_parse("/c=CN/ST=北京/L=海淀/O=x/OU=y/cn=z"
	    "/serialNumber=ABC-1/organizationIdentifier=" USCC
	    "/emailAddress=a@b.cn", &n));
	CHECK_OK(gmpki_name_print(n, buf, sizeof(buf)));
	CHECK_STR(buf, "C=CN, ST=北京, L=海淀, O=x, OU=y, CN=z, "
	    "serialNumber=ABC-1, organizationIdentifier=" USCC
	    ", emailAddress=a@b.cn");
	X509_NAME_free(n);
}

static void
test_escapes(void)
{
	X509_NAME *n = NULL;
	char buf[512];

	/* '\' takes the next character: '/', '\', '=' in values. */
	CHECK_OK(gmpki_name_parse("/O=A\\/B\\\\C=D,E+F/CN=\\ x", &n));
	CHECK_OK(gmpki_name_get(n, NID_organizationName, buf, sizeof(buf)));
	CHECK_STR(buf, "A/B\\C=D,E+F");
	CHECK_OK(gmpki_name_print(n, buf, sizeof(buf)));
	/* RFC 4514 §2.4: , + \ = escaped, a leading space escaped. */
	CHECK_STR(buf, "O=A/B\\\\C\\=D\\,E\\+F, CN=\\ x");
	X509_NAME_free(n);
}

static void
test_bad(void)
{
	X509_NAME *n = (X509_NAME *)1;
	char big[GMPKI_MAX_NAME_LEN + 16], val[GMPKI_MAX_RDN_VALUE + 16];

	CHECK_RC(gmpki_name_parse(NULL, &n), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_name_parse("/CN=x", NULL), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_name_parse("", &n), GMPKI_ERR_SUBJECT);
	CHECK(n == NULL);
	CHECK_RC(gmpki_name_parse("/", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("CN=x", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=x/", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=x//O=y", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/XX=y", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/=y", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/UID=y", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=/O=x", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=x\\", &n), GMPKI_ERR_SUBJECT);
	/* Invalid UTF-8: lone continuation, truncated, overlong, surrogate. */
	CHECK_RC(gmpki_name_parse("/CN=\x80", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=\xe6\xb5", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=\xc0\xaf", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=\xed\xa0\x80", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=\xf4\x90\x80\x80", &n),
	    GMPKI_ERR_SUBJECT);
	/* Control characters, C0, DEL and C1. */
	CHECK_RC(gmpki_name_parse("/CN=a\nb", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=a\tb", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=a\x7f", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/CN=a\xc2\x85", &n), GMPKI_ERR_SUBJECT);
	/* C: exactly two upper-case letters. */
	CHECK_RC(gmpki_name_parse("/C=CHN", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/C=C", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/C=cn", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/C=中国", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/serialNumber=a_b", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_parse("/emailAddress=用户@b.cn", &n),
	    GMPKI_ERR_SUBJECT);
	/* One value over GMPKI_MAX_RDN_VALUE bytes; exactly at it is fine. */
	memcpy(val, "/CN=", 4);
	memset(val + 4, 'a', GMPKI_MAX_RDN_VALUE);
	val[4 + GMPKI_MAX_RDN_VALUE] = '\0';
	CHECK_OK(gmpki_name_parse(val, &n));
	X509_NAME_free(n);
	n = NULL;
	val[4 + GMPKI_MAX_RDN_VALUE] = 'a';
	val[5 + GMPKI_MAX_RDN_VALUE] = '\0';
	CHECK_RC(gmpki_name_parse(val, &n), GMPKI_ERR_SUBJECT);
	/* The whole string over GMPKI_MAX_NAME_LEN. */
	{
		size_t off = 0;

		while (off + 8 <= GMPKI_MAX_NAME_LEN + 8) {
			memcpy(big + off, "/OU=abcd", 8);
			off += 8;
		}
		big[off] = '\0';
		CHECK(strlen(big) > GMPKI_MAX_NAME_LEN);
		CHECK_RC(gmpki_name_parse(big, &n), GMPKI_ERR_SUBJECT);
		big[GMPKI_MAX_NAME_LEN] = '\0';	/* ends "/OU=abcd" */
		CHECK_OK(gmpki_name_parse(big, &n));
		X509_NAME_free(n);
		n = NULL;
	}
}

static void
test_ee(void)
{
	X509_NAME *n = NULL;
	char buf[1024], o[512];
	size_t i;

	CHECK_OK(gmpki_name_ee("北京某某科技有限公司", USCC, "user01", &n));
	CHECK_OK(gmpki_name_print(n, buf, sizeof(buf)));
	CHECK_STR(buf, "C=CN, O=北京某某科技有限公司, organizationIdentifier="
	    USCC ", CN=user01");
	CHECK_OK(gmpki_name_get(n, NID_organizationIdentifier, buf,
	    sizeof(buf)));
	CHECK_STR(buf, USCC);
	X509_NAME_free(n);
	n = NULL;

	/* The USCC's own error codes. */
	CHECK_RC(gmpki_name_ee("x", "91350100M000100Y4", "u", &n),
	    GMPKI_ERR_USCC_LENGTH);
	CHECK_RC(gmpki_name_ee("x", "91350100M000100I43", "u", &n),
	    GMPKI_ERR_USCC_CHAR);
	CHECK_RC(gmpki_name_ee("x", "91350100M000100Y44", "u", &n),
	    GMPKI_ERR_USCC_CHECK);
	CHECK_RC(gmpki_name_ee(NULL, USCC, "u", &n), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_name_ee("", USCC, "u", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_ee("x", USCC, "", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_ee("x\x01", USCC, "u", &n), GMPKI_ERR_SUBJECT);
	CHECK_RC(gmpki_name_ee("x", USCC, "u\xff", &n), GMPKI_ERR_SUBJECT);
	CHECK(n == NULL);

	/* CN: 64 characters (ub-common-name) in Chinese fit, 65 do not. */
	o[0] = '\0';
	for (i = 0; i < 64; i++)
		strcat(o, "用");
	CHECK_OK(gmpki_name_ee("x", USCC, o, &n));
	X509_NAME_free(n);
	n = NULL;
	strcat(o, "用");
	CHECK_RC(gmpki_name_ee("x", USCC, o, &n), GMPKI_ERR_SUBJECT);
	/* O: 128 ASCII characters fit, 129 do not; 85 CJK characters
	 * (255 bytes) fit, 86 (258 bytes > GMPKI_MAX_RDN_VALUE) do not. */
	memset(o, 'a', 128);
	o[128] = '\0';
	CHECK_OK(gmpki_name_ee(o, USCC, "u", &n));
	X509_NAME_free(n);
	n = NULL;
	o[128] = 'a';
	o[129] = '\0';
	CHECK_RC(gmpki_name_ee(o, USCC, "u", &n), GMPKI_ERR_SUBJECT);
	o[0] = '\0';
	for (i = 0; i < 85; i++)
		strcat(o, "企");
	CHECK_OK(gmpki_name_ee(o, USCC, "u", &n));
	X509_NAME_free(n);
	n = NULL;
	strcat(o, "企");
	CHECK_RC(gmpki_name_ee(o, USCC, "u", &n), GMPKI_ERR_SUBJECT);
}

int
main(void)
{
	if (gmpki_init() != 0)
		return 1;
	RUN(test_round_trip);
	RUN(test_escapes);
	RUN(test_bad);
	RUN(test_ee);
	TEST_MAIN_END();
}
