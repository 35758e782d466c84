/* password_test.c - PBKDF2-HMAC-SM3 password hashes and the policy. */
#include "test.h"

#include <openssl/evp.h>

#include "password.h"
#include "svc_error.h"

#define ITER 1000

static void
test_hash_check(void)
{
	char h1[SVC_PWHASH_MAX], h2[SVC_PWHASH_MAX];

	CHECK_OK(svc_password_hash("correct horse", ITER, h1, sizeof(h1)));
	CHECK_OK(svc_password_hash("correct horse", ITER, h2, sizeof(h2)));
	CHECK(strncmp(h1, "pbkdf2-sm3$1000$", 16) == 0);
	/* salt: 16 bytes = 24 base64 chars; hash: 32 bytes = 44 chars. */
	CHECK(strlen(h1) == 16 + 24 + 1 + 44);
	CHECK(strcmp(h1, h2) != 0);	/* a fresh salt each time */
	CHECK_OK(svc_password_check("correct horse", h1));
	CHECK_OK(svc_password_check("correct horse", h2));
	CHECK_RC(svc_password_check("correct horsE", h1),
	    SVC_ERR_LOGIN_FAILED);
	CHECK_RC(svc_password_check("", h1), SVC_ERR_LOGIN_FAILED);
	CHECK_RC(svc_password_check("correct horse ", h1),
	    SVC_ERR_LOGIN_FAILED);
	CHECK_OK(svc_password_hash("口令中文密码", ITER, h1, sizeof(h1)));
	CHECK_OK(svc_password_check("口令中文密码", h1));
	CHECK_RC(svc_password_hash("x", 0, h1, sizeof(h1)), GMPKI_ERR_ARG);
	CHECK_RC(svc_password_hash("x", ITER, h1, 40), GMPKI_ERR_TOO_LARGE);
	CHECK(h1[0] == '\0');
}

/* The stored hash is PBKDF2-HMAC-SM3(password, salt, iter, 32) exactly. */
static void
test_format_independent(void)
{
	char h[SVC_PWHASH_MAX], *salt64, *hash64;
	unsigned char salt[24], want[48], got[32];

	CHECK_OK(svc_password_hash("independent check", 1234, h, sizeof(h)));
	CHECK(strncmp(h, "pbkdf2-sm3$1234$", 16) == 0);
	salt64 = h + 16;
	hash64 = strchr(salt64, '$');
	CHECK(hash64 != NULL);
	if (hash64 == NULL)
		return;
	*hash64++ = '\0';
	CHECK(EVP_DecodeBlock(salt, (unsigned char *)salt64,
	    (int)strlen(salt64)) == 18);	/* 16 + 2 padding */
	CHECK(salt64[22] == '=' && salt64[23] == '=');
	CHECK(EVP_DecodeBlock(want, (unsigned char *)hash64,
	    (int)strlen(hash64)) == 33);	/* 32 + 1 padding */
	CHECK_OK(gmpki_pbkdf2_sm3("independent check", 17, salt, 16, 1234,
	    got, sizeof(got)));
	CHECK(memcmp(got, want, 32) == 0);
}

static void
test_malformed(void)
{
	char h[SVC_PWHASH_MAX], bad[SVC_PWHASH_MAX + 64];
	const char *salt = "AAAAAAAAAAAAAAAAAAAAAA==";
	const char *hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	char *p;

	CHECK_OK(svc_password_hash("password1", ITER, h, sizeof(h)));
	/* Well formed but wrong: a login failure, not a format error. */
	snprintf(bad, sizeof(bad), "pbkdf2-sm3$1000$%s$%s", salt, hash);
	CHECK_RC(svc_password_check("password1", bad), SVC_ERR_LOGIN_FAILED);
#define BAD(s) CHECK_RC(svc_password_check("password1", (s)), GMPKI_ERR_DECODE)
	BAD("");
	BAD("pbkdf2-sm3$");
	BAD("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$01000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$-1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAAA==");
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$");
	/* Salt of 15 bytes, hash of 33 bytes. */
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	/* Not canonical: unused bits set, missing padding, bad character,
	 * white space. */
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAAB==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAA*==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAAA==$ AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD("pbkdf2-sm3$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_");
#undef BAD
	/* A real hash with one character of its hash part changed. */
	snprintf(bad, sizeof(bad), "%s", h);
	p = bad + strlen(bad) - 3;
	*p = *p == 'A' ? 'B' : 'A';
	CHECK_RC(svc_password_check("password1", bad), SVC_ERR_LOGIN_FAILED);
	CHECK_RC(svc_password_check(NULL, h), GMPKI_ERR_ARG);
}

static void
test_policy(void)
{
	char s[200];

	CHECK_RC(svc_password_policy("1234567"), SVC_ERR_PASSWORD_WEAK);
	CHECK_RC(svc_password_policy(""), SVC_ERR_PASSWORD_WEAK);
	CHECK_OK(svc_password_policy("12345678"));
	memset(s, 'p', 128);
	s[128] = '\0';
	CHECK_OK(svc_password_policy(s));
	s[128] = 'p';
	s[129] = '\0';
	CHECK_RC(svc_password_policy(s), GMPKI_ERR_TOO_LARGE);
	/* Bytes, not characters: 3 Chinese characters are 9 bytes. */
	CHECK_OK(svc_password_policy("统计局"));
	CHECK_RC(svc_password_policy("统计"), SVC_ERR_PASSWORD_WEAK);
	CHECK_RC(svc_password_policy(NULL), GMPKI_ERR_ARG);
}

int
main(void)
{
	RUN(test_hash_check);
	RUN(test_format_independent);
	RUN(test_malformed);
	RUN(test_policy);
	TEST_MAIN_END();
}
