/*
 * crypto_test.c - SM3, SM4, HMAC-SM3 and PBKDF2-SM3 against the GB/T
 * known answers and, for what the standards give no vectors for, against
 * the openssl CLI run at test time (the CLI is the oracle: no answers here
 * were computed by this code).
 */
#include <ctype.h>
#include <stdint.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "test.h"
#include "fixture.h"

static char tmpdir[] = "/tmp/gmpki-crypto-XXXXXX";

/* Runs cmd, keeps only the hex digits of its stdout, lower-cased. */
static int
oracle_hex(const char *cmd, char *out, size_t max)
{
	FILE *fp;
	size_t n = 0;
	int c;

	out[0] = '\0';
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	while ((c = fgetc(fp)) != EOF)
		if (isxdigit(c) && n + 1 < max)
			out[n++] = (char)tolower(c);
	out[n] = '\0';
	return pclose(fp) == 0 && n > 0 ? 0 : -1;
}

static void
check_sm3_hex(const void *data, size_t len, const char *want)
{
	uint8_t md[GMPKI_SM3_LEN];
	char hex[2 * GMPKI_SM3_LEN + 1];

	memset(md, 0, sizeof(md));
	CHECK_OK(gmpki_sm3(data, len, md));
	gmpki_hex(md, sizeof(md), hex);
	CHECK_STR(hex, want);
}

/* GB/T 32905-2016 appendix A, examples 1 and 2. */
static void
test_sm3_vectors(void)
{
	char abcd16[65];
	int i;

	check_sm3_hex("abc", 3,
	    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	for (i = 0; i < 16; i++)
		memcpy(abcd16 + 4 * i, "abcd", 4);
	check_sm3_hex(abcd16, 64,
	    "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

/* The empty message is not in the standard: openssl dgst is the oracle. */
static void
test_sm3_empty(void)
{
	char want[128];

	CHECK(oracle_hex("openssl dgst -sm3 -r /dev/null | cut -d' ' -f1", want,
	    sizeof(want)) == 0);
	CHECK(strlen(want) == 64);
	check_sm3_hex(NULL, 0, want);
	check_sm3_hex("", 0, want);
}

static void
test_sm3_incremental(void)
{
	static const size_t splits[] = { 0, 1, 3, 55, 56, 63, 64, 65, 127,
	    128, 129, 500, 999, 1000 };
	unsigned char msg[1000];
	uint8_t one[GMPKI_SM3_LEN], inc[GMPKI_SM3_LEN];
	gmpki_sm3_ctx *ctx;
	size_t i, s;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	CHECK_OK(gmpki_sm3(msg, sizeof(msg), one));
	for (i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		s = splits[i];
		memset(inc, 0, sizeof(inc));
		ctx = NULL;
		CHECK_OK(gmpki_sm3_new(&ctx));
		if (ctx == NULL)
			continue;
		CHECK_OK(gmpki_sm3_update(ctx, msg, s));
		CHECK_OK(gmpki_sm3_update(ctx, NULL, 0));
		CHECK_OK(gmpki_sm3_update(ctx, msg + s, sizeof(msg) - s));
		CHECK_OK(gmpki_sm3_final(ctx, inc));
		CHECK(memcmp(one, inc, sizeof(one)) == 0);
	}
	/* Byte by byte, "abc". */
	CHECK_OK(gmpki_sm3_new(&ctx));
	CHECK_OK(gmpki_sm3_update(ctx, "a", 1));
	CHECK_OK(gmpki_sm3_update(ctx, "b", 1));
	CHECK_OK(gmpki_sm3_update(ctx, "c", 1));
	CHECK_OK(gmpki_sm3_final(ctx, inc));
	CHECK_OK(gmpki_sm3("abc", 3, one));
	CHECK(memcmp(one, inc, sizeof(one)) == 0);
	/* A different message gives a different digest. */
	CHECK_OK(gmpki_sm3("abd", 3, inc));
	CHECK(memcmp(one, inc, sizeof(one)) != 0);

	/* Abandoned contexts, NULL handling. */
	CHECK_OK(gmpki_sm3_new(&ctx));
	CHECK_OK(gmpki_sm3_update(ctx, "x", 1));
	gmpki_sm3_free(ctx);
	gmpki_sm3_free(NULL);
	CHECK_RC(gmpki_sm3_new(NULL), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm3_update(NULL, "x", 1), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm3_final(NULL, inc), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm3(NULL, 1, inc), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm3("x", 1, NULL), GMPKI_ERR_ARG);
	/* final frees the context also when it refuses its arguments. */
	CHECK_OK(gmpki_sm3_new(&ctx));
	CHECK_RC(gmpki_sm3_final(ctx, NULL), GMPKI_ERR_ARG);
}

/* One raw SM4 block operation, padding off (the test's own reference). */
static int
sm4_ecb_block(const unsigned char *key, const unsigned char *in,
    unsigned char *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, m = 0, ok;

	ok = c != NULL && EVP_EncryptInit_ex2(c, EVP_sm4_ecb(), key, NULL,
	    NULL) && EVP_CIPHER_CTX_set_padding(c, 0) &&
	    EVP_EncryptUpdate(c, out, &n, in, 16) &&
	    EVP_EncryptFinal_ex(c, out + n, &m) && n + m == 16;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* GB/T 32907-2016 appendix A, examples 1 and 2. */
static void
test_sm4_vectors(void)
{
	unsigned char key[16], blk[16], want[16], ct[32], zero_iv[16];
	size_t ctlen = 0;
	long i;

	CHECK(test_unhex("0123456789abcdeffedcba9876543210", key, 16) == 16);
	CHECK(test_unhex("681edf34d206965e86b3e94f536e4246", want, 16) == 16);
	memcpy(blk, key, 16);
	CHECK(sm4_ecb_block(key, blk, blk) == 0);
	CHECK(memcmp(blk, want, 16) == 0);

	/* Our CBC with a zero IV: the first block is the ECB block. */
	memset(zero_iv, 0, sizeof(zero_iv));
	CHECK_OK(gmpki_sm4_cbc_encrypt(key, zero_iv, key, 16, ct, &ctlen));
	CHECK(ctlen == 32);
	CHECK(memcmp(ct, want, 16) == 0);

	CHECK(test_unhex("595298c7c6fd271f0402f804c33d3f66", want, 16) == 16);
	memcpy(blk, key, 16);
	for (i = 0; i < 1000000; i++)
		if (sm4_ecb_block(key, blk, blk) != 0)
			break;
	CHECK(i == 1000000);
	CHECK(memcmp(blk, want, 16) == 0);
}

static void
test_sm4_cbc_roundtrip(void)
{
	unsigned char key[16], iv[16], pt[100], ct[116], back[116];
	size_t len, ctlen, backlen;

	CHECK_OK(gmpki_random(key, sizeof(key)));
	CHECK_OK(gmpki_random(iv, sizeof(iv)));
	CHECK_OK(gmpki_random(pt, sizeof(pt)));
	for (len = 0; len <= sizeof(pt); len++) {
		ctlen = backlen = 0;
		CHECK_OK(gmpki_sm4_cbc_encrypt(key, iv, pt, len, ct, &ctlen));
		/* PKCS#7 always adds 1..16 bytes. */
		CHECK(ctlen == (len / 16 + 1) * 16);
		CHECK_OK(gmpki_sm4_cbc_decrypt(key, iv, ct, ctlen, back,
		    &backlen));
		CHECK(backlen == len);
		CHECK(memcmp(back, pt, len) == 0);
	}
	/* NULL input with length 0 encrypts to one padding block. */
	CHECK_OK(gmpki_sm4_cbc_encrypt(key, iv, NULL, 0, ct, &ctlen));
	CHECK(ctlen == 16);
}

/* Against `openssl enc -sm4-cbc` (PKCS#7 padding by default). */
static void
test_sm4_cbc_cli(void)
{
	static const char keyhex[] = "000102030405060708090a0b0c0d0e0f";
	static const char ivhex[] = "f0e0d0c0b0a090807060504030201000";
	static const char msg[] = "CertHelper SM4-CBC interop, 37 bytes";
	unsigned char key[16], iv[16], ct[64];
	char path[256], cmd[1024], want[256], got[129];
	size_t ctlen = 0;

	snprintf(path, sizeof(path), "%s/sm4.in", tmpdir);
	CHECK(fx_write_file(path, msg, strlen(msg)) == 0);
	snprintf(cmd, sizeof(cmd), "openssl enc -sm4-cbc -K %s -iv %s "
	    "-in %s | od -An -tx1 -v", keyhex, ivhex, path);
	CHECK(oracle_hex(cmd, want, sizeof(want)) == 0);
	test_unhex(keyhex, key, 16);
	test_unhex(ivhex, iv, 16);
	CHECK_OK(gmpki_sm4_cbc_encrypt(key, iv, msg, strlen(msg), ct, &ctlen));
	CHECK(ctlen == 48);
	gmpki_hex(ct, ctlen, got);
	CHECK_STR(got, want);
}

/*
 * Builds a one-block ciphertext whose plaintext ends in the given bytes,
 * with padding off, so that the bad padding is certain, not probable.
 */
static void
check_bad_padding(const unsigned char *key, const unsigned char *iv,
    const unsigned char *tail, size_t taillen)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned char pt[16], ct[16], out[16];
	int n = 0;
	size_t outlen = 99;

	memset(pt, 'A', sizeof(pt));
	memcpy(pt + 16 - taillen, tail, taillen);
	CHECK(c != NULL && EVP_EncryptInit_ex2(c, EVP_sm4_cbc(), key, iv,
	    NULL) && EVP_CIPHER_CTX_set_padding(c, 0) &&
	    EVP_EncryptUpdate(c, ct, &n, pt, 16) && n == 16);
	EVP_CIPHER_CTX_free(c);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, ct, 16, out, &outlen),
	    GMPKI_ERR_DECODE);
	CHECK(outlen == 0);
}

static void
test_sm4_cbc_errors(void)
{
	static const unsigned char zero[] = { 0x00 };
	static const unsigned char seventeen[] = { 0x11 };
	static const unsigned char mixed[] = { 0x03, 0x03, 0x02 };
	static const unsigned char short3[] = { 0x41, 0x03, 0x03 };
	static const unsigned char good[] = { 0x02, 0x02 };
	unsigned char key[16], iv[16], ct[48], out[48];
	size_t outlen;

	memset(key, 0x11, sizeof(key));
	memset(iv, 0x22, sizeof(iv));
	check_bad_padding(key, iv, zero, sizeof(zero));
	check_bad_padding(key, iv, seventeen, sizeof(seventeen));
	check_bad_padding(key, iv, mixed, sizeof(mixed));
	check_bad_padding(key, iv, short3, sizeof(short3));

	/* Sanity: the same builder with a good padding decrypts. */
	{
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		unsigned char pt[16];
		int n = 0;

		memset(pt, 'A', 16);
		memcpy(pt + 14, good, 2);
		CHECK(c != NULL && EVP_EncryptInit_ex2(c, EVP_sm4_cbc(), key,
		    iv, NULL) && EVP_CIPHER_CTX_set_padding(c, 0) &&
		    EVP_EncryptUpdate(c, ct, &n, pt, 16) && n == 16);
		EVP_CIPHER_CTX_free(c);
		CHECK_OK(gmpki_sm4_cbc_decrypt(key, iv, ct, 16, out, &outlen));
		CHECK(outlen == 14 && memcmp(out, pt, 14) == 0);
	}

	/* A valid two-block ciphertext for the argument checks below. */
	CHECK_OK(gmpki_sm4_cbc_encrypt(key, iv, "0123456789abcdef!", 17, ct,
	    &outlen));
	CHECK(outlen == 32);

	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, ct, 0, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, ct, 15, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, ct, 17, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, ct, 31, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(NULL, iv, ct, 32, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, NULL, ct, 32, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, NULL, 32, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, ct, 32, NULL, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_decrypt(key, iv, ct, 32, out, NULL),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_encrypt(NULL, iv, "x", 1, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_encrypt(key, NULL, "x", 1, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_encrypt(key, iv, NULL, 1, out, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_encrypt(key, iv, "x", 1, NULL, &outlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_sm4_cbc_encrypt(key, iv, "x", 1, out, NULL),
	    GMPKI_ERR_ARG);
	CHECK_OK(gmpki_sm4_cbc_decrypt(key, iv, ct, 32, out, &outlen));
	CHECK(outlen == 17 && memcmp(out, "0123456789abcdef!", 17) == 0);
}

static void
check_hmac_cli(const unsigned char *key, size_t keylen,
    const unsigned char *data, size_t len)
{
	char keyhex[2 * 200 + 1], path[256], cmd[1024], want[128],
	    got[2 * GMPKI_SM3_LEN + 1];
	uint8_t mac[GMPKI_SM3_LEN];

	gmpki_hex(key, keylen, keyhex);
	snprintf(path, sizeof(path), "%s/hmac.in", tmpdir);
	CHECK(fx_write_file(path, data, len) == 0);
	snprintf(cmd, sizeof(cmd), "openssl mac -digest SM3 -macopt hexkey:%s "
	    "-in %s HMAC", keyhex, path);
	CHECK(oracle_hex(cmd, want, sizeof(want)) == 0);
	CHECK(strlen(want) == 64);
	CHECK_OK(gmpki_hmac_sm3(key, keylen, data, len, mac));
	gmpki_hex(mac, sizeof(mac), got);
	CHECK_STR(got, want);
}

static void
test_hmac_sm3(void)
{
	unsigned char key[200], data[300];
	uint8_t a[GMPKI_SM3_LEN], b[GMPKI_SM3_LEN];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(0xa0 + i);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 13);
	check_hmac_cli(key, 16, (const unsigned char *)"hello", 5);
	check_hmac_cli(key, 64, data, 64);	/* key = one SM3 block */
	check_hmac_cli(key, 65, data, 300);	/* key hashed first */
	check_hmac_cli(key, 200, data, 1);
	check_hmac_cli(key, 1, data, 0);	/* empty message */

	/* Key and message both matter. */
	CHECK_OK(gmpki_hmac_sm3(key, 16, "hello", 5, a));
	CHECK_OK(gmpki_hmac_sm3(key, 15, "hello", 5, b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_OK(gmpki_hmac_sm3(key, 16, "hellp", 5, b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_OK(gmpki_hmac_sm3(NULL, 0, "hello", 5, b));
	CHECK_RC(gmpki_hmac_sm3(NULL, 1, "x", 1, a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_hmac_sm3(key, 1, NULL, 1, a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_hmac_sm3(key, 1, "x", 1, NULL), GMPKI_ERR_ARG);
}

static void
check_pbkdf2_cli(const char *pass, const char *salt, uint32_t iter,
    size_t outlen)
{
	char cmd[1024], want[512], got[2 * 128 + 1];
	uint8_t dk[128];

	snprintf(cmd, sizeof(cmd), "openssl kdf -keylen %zu -kdfopt digest:SM3 "
	    "-kdfopt pass:%s -kdfopt salt:%s -kdfopt iter:%u PBKDF2", outlen,
	    pass, salt, iter);
	CHECK(oracle_hex(cmd, want, sizeof(want)) == 0);
	CHECK(strlen(want) == 2 * outlen);
	memset(dk, 0, sizeof(dk));
	CHECK_OK(gmpki_pbkdf2_sm3(pass, strlen(pass), salt, strlen(salt),
	    iter, dk, outlen));
	gmpki_hex(dk, outlen, got);
	CHECK_STR(got, want);
}

static void
test_pbkdf2_sm3(void)
{
	uint8_t a[32], b[32];

	check_pbkdf2_cli("password", "saltsaltsaltsalt", 1000, 32);
	check_pbkdf2_cli("password", "salt", 1, 32);
	check_pbkdf2_cli("pass", "NaCl", 2, 16);
	/* More than one PRF block (RFC 8018 §5.2 step 2: l = 3). */
	check_pbkdf2_cli("CertHelper", "0123456789abcdef", 1000, 70);

	CHECK_OK(gmpki_pbkdf2_sm3("p", 1, "s", 1, 10, a, sizeof(a)));
	CHECK_OK(gmpki_pbkdf2_sm3("p", 1, "s", 1, 11, b, sizeof(b)));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_RC(gmpki_pbkdf2_sm3("p", 1, "s", 1, 0, a, sizeof(a)),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_pbkdf2_sm3("p", 1, "s", 1, 1, a, 0), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_pbkdf2_sm3("p", 1, "s", 1, 1, NULL, 32), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_pbkdf2_sm3(NULL, 1, "s", 1, 1, a, 32), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_pbkdf2_sm3("p", 1, NULL, 1, 1, a, 32), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_pbkdf2_sm3("p", 1, "s", 1, 0x80000000u, a, 32),
	    GMPKI_ERR_ARG);
}

static void
test_random(void)
{
	unsigned char a[32], b[32], zero[32];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(zero, 0, sizeof(zero));
	CHECK_OK(gmpki_random(a, sizeof(a)));
	CHECK_OK(gmpki_random(b, sizeof(b)));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0);
	CHECK_OK(gmpki_random(NULL, 0));
	CHECK_RC(gmpki_random(NULL, 1), GMPKI_ERR_ARG);
}

static void
test_helpers(void)
{
	static const unsigned char bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xab,
	    0xff };
	char hex[2 * sizeof(bytes) + 1];
	unsigned char secret[8];
	size_t i, nonzero = 0;

	memset(hex, 'Z', sizeof(hex));
	gmpki_hex(bytes, sizeof(bytes), hex);
	CHECK_STR(hex, "00017f80abff");
	gmpki_hex(bytes, 0, hex);
	CHECK_STR(hex, "");

	CHECK(gmpki_memeq("abc", "abc", 3) == 1);
	CHECK(gmpki_memeq("abc", "abd", 3) == 0);
	CHECK(gmpki_memeq("xbc", "abc", 3) == 0);
	CHECK(gmpki_memeq("abc", "abd", 2) == 1);
	CHECK(gmpki_memeq(NULL, NULL, 0) == 1);

	memset(secret, 0x5a, sizeof(secret));
	gmpki_wipe(secret, sizeof(secret));
	for (i = 0; i < sizeof(secret); i++)
		nonzero += secret[i] != 0;
	CHECK(nonzero == 0);
	gmpki_wipe(NULL, 10);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_sm3_vectors);
	RUN(test_sm3_empty);
	RUN(test_sm3_incremental);
	RUN(test_sm4_vectors);
	RUN(test_sm4_cbc_roundtrip);
	RUN(test_sm4_cbc_cli);
	RUN(test_sm4_cbc_errors);
	RUN(test_hmac_sm3);
	RUN(test_pbkdf2_sm3);
	RUN(test_random);
	RUN(test_helpers);
	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
