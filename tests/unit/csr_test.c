/*
 * csr_test.c - PKCS#10 requests: ours verify in the openssl CLI, the CLI's
 * verify here, and every malformed or foreign request gets its own error.
 */
#include "test.h"
#include "fixture.h"

#include <unistd.h>

#define D "distid:1234567812345678"

static char tmpdir[] = "/tmp/csr_test.XXXXXX";

/* fx_run in tmpdir. */
static int
run(const char *cmd, char *out, size_t outlen)
{
	return fx_run(tmpdir, cmd, out, outlen);
}

static int
put(const char *name, const void *data, size_t len)
{
	return gmpki_file_write(fx_path(tmpdir, name), data, len, 0644, 0);
}

/* Reads tmpdir/name; NULL-terminated, free() it. */
static unsigned char *
get(const char *name, size_t *len)
{
	return (unsigned char *)fx_slurp(fx_path(tmpdir, name), len);
}

static unsigned char *
der_of(X509_REQ *req, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_X509_REQ(req, &der);

	*len = n > 0 ? (size_t)n : 0;
	return der;
}

/* A request signed with id, as PEM in tmpdir/name. */
static X509_REQ *
make(const char *name, const char *id)
{
	EVP_PKEY *k = NULL;
	X509_NAME *n = NULL;
	X509_REQ *req = NULL;
	char *pem = NULL;
	size_t len = 0;

	if (gmpki_sm2_keygen(&k) == 0 &&
	    gmpki_name_parse("/C=CN/O=测试企业/CN=user01", &n) == 0 &&
	    gmpki_csr_create(k, n, id, &req) == 0 &&
	    gmpki_csr_to_pem(req, &pem, &len) == 0)
		put(name, pem, len);
	free(pem);
	X509_NAME_free(n);
	EVP_PKEY_free(k);
	return req;
}

static void
test_create_verify(void)
{
	X509_REQ *req = make("ours.csr", NULL), *back = NULL;
	unsigned char *der = NULL, *pem = NULL;
	size_t derlen = 0, pemlen = 0;
	char out[4096], buf[256];

	CHECK(req != NULL);
	if (req == NULL)
		return;
	CHECK(X509_REQ_get_version(req) == 0);
	CHECK(X509_REQ_get_signature_nid(req) == NID_SM2_with_SM3);
	der = der_of(req, &derlen);
	CHECK_OK(gmpki_csr_parse_verify(der, derlen, NULL, &back));
	X509_REQ_free(back);
	back = NULL;
	CHECK_OK(gmpki_csr_parse_verify(der, derlen, GMPKI_SM2_DEFAULT_ID,
	    &back));
	X509_REQ_free(back);
	back = NULL;
	CHECK((pem = get("ours.csr", &pemlen)) != NULL);
	CHECK(pemlen > 30 && memcmp(pem, "-----BEGIN CERTIFICATE REQUEST-----",
	    35) == 0);
	CHECK_OK(gmpki_csr_parse_verify(pem, pemlen, NULL, &back));
	if (back != NULL) {
		CHECK_OK(gmpki_name_get(X509_REQ_get_subject_name(back),
		    NID_organizationName, buf, sizeof(buf)));
		CHECK_STR(buf, "测试企业");
	}
	X509_REQ_free(back);
	back = NULL;
	/* Another ID: the Z value differs, the signature fails. */
	CHECK_RC(gmpki_csr_parse_verify(pem, pemlen, "another id", &back),
	    GMPKI_ERR_SIGNATURE);
	CHECK(back == NULL);

	/* The CLI verifies it with the ID.  It exits 0 either way: read it. */
	CHECK(run("openssl req -verify -noout -vfyopt " D " -in ours.csr", out,
	    sizeof(out)) == 0);
	CHECK(strstr(out, "verify OK") != NULL);
	CHECK(strstr(out, "verify failure") == NULL);
	/* Without the ID it fails, which shows the check above is real. */
	run("openssl req -verify -noout -in ours.csr", out, sizeof(out));
	CHECK(strstr(out, "verify failure") != NULL);
	CHECK(strstr(out, "verify OK") == NULL);

	/* No subject at all is allowed (RFC 2986 permits an empty name). */
	{
		EVP_PKEY *k = NULL;
		X509_REQ *r = NULL;

		CHECK_OK(gmpki_sm2_keygen(&k));
		CHECK_OK(gmpki_csr_create(k, NULL, NULL, &r));
		CHECK(r != NULL &&
		    X509_NAME_entry_count(X509_REQ_get_subject_name(r)) == 0);
		X509_REQ_free(r);
		EVP_PKEY_free(k);
	}
	OPENSSL_free(der);
	free(pem);
	X509_REQ_free(req);
}

/* A request signed with another ID: both the CLI and we refuse it. */
static void
test_other_id(void)
{
	X509_REQ *req = make("other.csr", "9999999999999999"), *back = NULL;
	unsigned char *pem = NULL;
	size_t len = 0;
	char out[4096];

	CHECK(req != NULL);
	run("openssl req -verify -noout -vfyopt " D " -in other.csr", out,
	    sizeof(out));
	CHECK(strstr(out, "verify failure") != NULL);
	CHECK(strstr(out, "verify OK") == NULL);
	run("openssl req -verify -noout -vfyopt distid:9999999999999999 "
	    "-in other.csr", out, sizeof(out));
	CHECK(strstr(out, "verify OK") != NULL);
	CHECK((pem = get("other.csr", &len)) != NULL);
	CHECK_RC(gmpki_csr_parse_verify(pem, len, NULL, &back),
	    GMPKI_ERR_SIGNATURE);
	CHECK_OK(gmpki_csr_parse_verify(pem, len, "9999999999999999", &back));
	X509_REQ_free(back);
	free(pem);
	X509_REQ_free(req);
}

/* Requests made by the openssl CLI. */
static void
test_cli_requests(void)
{
	X509_REQ *back = NULL;
	unsigned char *pem = NULL;
	size_t len = 0;
	char out[4096], buf[256];

	CHECK(run("openssl genpkey -algorithm SM2 -out sm2.key", out,
	    sizeof(out)) == 0);
	CHECK(run("openssl req -new -key sm2.key -sm3 -sigopt " D
	    " -subj '/C=CN/O=测试/CN=u1' -out cli.csr", out, sizeof(out)) == 0);
	CHECK((pem = get("cli.csr", &len)) != NULL);
	if (pem != NULL) {
		CHECK_OK(gmpki_csr_parse_verify(pem, len, NULL, &back));
		if (back != NULL) {
			CHECK_OK(gmpki_name_get(X509_REQ_get_subject_name(back),
			    NID_commonName, buf, sizeof(buf)));
			CHECK_STR(buf, "u1");
		}
		X509_REQ_free(back);
		back = NULL;
		free(pem);
	}
	/* With -utf8 the CLI encodes the Chinese O as UTF8String. */
	CHECK(run("openssl req -new -key sm2.key -sm3 -sigopt " D
	    " -utf8 -subj '/C=CN/O=测试/CN=u1' -outform DER -out cli.der", out,
	    sizeof(out)) == 0);
	CHECK((pem = get("cli.der", &len)) != NULL);
	if (pem != NULL) {
		CHECK_OK(gmpki_csr_parse_verify(pem, len, NULL, &back));
		if (back != NULL) {
			CHECK_OK(gmpki_name_get(X509_REQ_get_subject_name(back),
			    NID_organizationName, buf, sizeof(buf)));
			CHECK_STR(buf, "测试");
		}
		X509_REQ_free(back);
		back = NULL;
		free(pem);
	}
	/* The CLI without -sigopt signs with an empty ID: refused. */
	CHECK(run("openssl req -new -key sm2.key -sm3 -subj '/CN=u1' "
	    "-out noid.csr", out, sizeof(out)) == 0);
	CHECK((pem = get("noid.csr", &len)) != NULL);
	CHECK_RC(gmpki_csr_parse_verify(pem, len, NULL, &back),
	    GMPKI_ERR_SIGNATURE);
	free(pem);

	/* RSA and P-256 requests: not SM2. */
	CHECK(run("openssl req -new -newkey rsa:2048 -nodes -keyout rsa.key "
	    "-subj '/CN=rsa' -out rsa.csr", out, sizeof(out)) == 0);
	CHECK((pem = get("rsa.csr", &len)) != NULL);
	CHECK_RC(gmpki_csr_parse_verify(pem, len, NULL, &back),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK(back == NULL);
	free(pem);
	CHECK(run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout p256.key -subj '/CN=p256' -out p256.csr", out,
	    sizeof(out)) == 0);
	CHECK((pem = get("p256.csr", &len)) != NULL);
	CHECK_RC(gmpki_csr_parse_verify(pem, len, NULL, &back),
	    GMPKI_ERR_KEY_NOT_SM2);
	/* Parsing alone (for display) accepts them. */
	CHECK_OK(gmpki_csr_parse(pem, len, &back));
	X509_REQ_free(back);
	free(pem);
	/* RSA and P-256 keys cannot make our requests either. */
	{
		EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)2048);
		EVP_PKEY *p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		X509_REQ *r = NULL;

		CHECK_RC(gmpki_csr_create(rsa, NULL, NULL, &r),
		    GMPKI_ERR_KEY_NOT_SM2);
		CHECK_RC(gmpki_csr_create(p256, NULL, NULL, &r),
		    GMPKI_ERR_KEY_NOT_SM2);
		CHECK(r == NULL);
		CHECK_RC(gmpki_csr_create(NULL, NULL, NULL, &r), GMPKI_ERR_ARG);
		EVP_PKEY_free(rsa);
		EVP_PKEY_free(p256);
	}
}

static void
test_malformed(void)
{
	X509_REQ *req = make("m.csr", NULL), *back = (X509_REQ *)1;
	unsigned char *der = NULL, *pem = NULL, *buf = NULL;
	size_t derlen = 0, pemlen = 0, i;
	char *s;

	if (req == NULL) {
		CHECK(req != NULL);
		return;
	}
	der = der_of(req, &derlen);
	pem = get("m.csr", &pemlen);
	CHECK(der != NULL && pem != NULL);
	if (der == NULL || pem == NULL)
		goto out;
	buf = malloc(4 * GMPKI_MAX_CSR_SIZE + 16);

	/* Flipped bit in the signature value (the last byte). */
	memcpy(buf, der, derlen);
	buf[derlen - 1] ^= 0x01;
	CHECK_RC(gmpki_csr_parse_verify(buf, derlen, NULL, &back),
	    GMPKI_ERR_SIGNATURE);
	CHECK(back == NULL);
	/* Flipped bit in the subject: the signed bytes changed. */
	memcpy(buf, der, derlen);
	for (i = 0; i + 6 < derlen; i++)
		if (memcmp(buf + i, "user01", 6) == 0) {
			buf[i] ^= 0x01;
			break;
		}
	CHECK(i + 6 < derlen);
	CHECK_RC(gmpki_csr_parse_verify(buf, derlen, NULL, &back),
	    GMPKI_ERR_SIGNATURE);

	/* Truncated DER (a few cuts) and truncated PEM. */
	CHECK_RC(gmpki_csr_parse_verify(der, derlen - 1, NULL, &back),
	    GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_csr_parse_verify(der, derlen / 2, NULL, &back),
	    GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_csr_parse_verify(der, 1, NULL, &back),
	    GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_csr_parse_verify(der, 0, NULL, &back),
	    GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_csr_parse(der, derlen - 10, &back), GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_csr_parse_verify(pem, pemlen / 2, NULL, &back),
	    GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_csr_parse_verify(pem, pemlen - 30, NULL, &back),
	    GMPKI_ERR_DECODE);
	/* PEM whose base64 body is cut but whose armour is whole. */
	{
		char *body = strchr((char *)pem, '\n') + 1;
		size_t head = (size_t)(body - (char *)pem);
		static const char end[] = "-----END CERTIFICATE REQUEST-----\n";

		memcpy(buf, pem, head);
		memcpy(buf + head, body, 64);	/* one full line + 0 */
		memcpy(buf + head + 64, "\n", 1);
		memcpy(buf + head + 65, end, sizeof(end) - 1);
		CHECK_RC(gmpki_csr_parse_verify(buf, head + 65 +
		    sizeof(end) - 1, NULL, &back), GMPKI_ERR_DECODE);
	}
	/* Garbage. */
	CHECK_RC(gmpki_csr_parse_verify((const unsigned char *)"hello world",
	    11, NULL, &back), GMPKI_ERR_DECODE);
	{
		static const char bad[] = "-----BEGIN CERTIFICATE REQUEST-----\n"
		    "!!!!\n-----END CERTIFICATE REQUEST-----\n";

		CHECK_RC(gmpki_csr_parse_verify((const unsigned char *)bad,
		    sizeof(bad) - 1, NULL, &back), GMPKI_ERR_DECODE);
	}

	/* Trailing garbage after the DER and after the PEM. */
	memcpy(buf, der, derlen);
	buf[derlen] = 0x00;
	CHECK_RC(gmpki_csr_parse_verify(buf, derlen + 1, NULL, &back),
	    GMPKI_ERR_TRAILING);
	memcpy(buf + derlen, der, derlen);	/* two requests back to back */
	CHECK_RC(gmpki_csr_parse_verify(buf, 2 * derlen, NULL, &back),
	    GMPKI_ERR_TRAILING);
	memcpy(buf, pem, pemlen);
	memcpy(buf + pemlen, "garbage\n", 8);
	CHECK_RC(gmpki_csr_parse_verify(buf, pemlen + 8, NULL, &back),
	    GMPKI_ERR_TRAILING);
	/* Trailing white space after PEM is fine. */
	memcpy(buf + pemlen, "\n\n  \n", 5);
	CHECK_OK(gmpki_csr_parse_verify(buf, pemlen + 5, NULL, &back));
	X509_REQ_free(back);
	back = NULL;

	/* Labels: NEW CERTIFICATE REQUEST is accepted, CERTIFICATE is not. */
	{
		char *p2 = NULL;
		size_t p2len = 0;

		CHECK_OK(gmpki_pem_encode("NEW CERTIFICATE REQUEST", der,
		    derlen, &p2, &p2len));
		CHECK_OK(gmpki_csr_parse_verify((unsigned char *)p2, p2len,
		    NULL, &back));
		X509_REQ_free(back);
		back = NULL;
		free(p2);
		CHECK_OK(gmpki_pem_encode("CERTIFICATE", der, derlen, &p2,
		    &p2len));
		CHECK_RC(gmpki_csr_parse_verify((unsigned char *)p2, p2len,
		    NULL, &back), GMPKI_ERR_DECODE);
		free(p2);
	}

	/* Oversize: DER over GMPKI_MAX_CSR_SIZE, PEM over twice that. */
	memset(buf, 0x30, GMPKI_MAX_CSR_SIZE + 1);
	CHECK_RC(gmpki_csr_parse_verify(buf, GMPKI_MAX_CSR_SIZE + 1, NULL,
	    &back), GMPKI_ERR_TOO_LARGE);
	memcpy(buf, pem, pemlen);
	memset(buf + pemlen, '\n', 2 * GMPKI_MAX_CSR_SIZE);
	CHECK_RC(gmpki_csr_parse_verify(buf, pemlen + 2 * GMPKI_MAX_CSR_SIZE,
	    NULL, &back), GMPKI_ERR_TOO_LARGE);
	/* A PEM block within the PEM bound whose DER is over the DER bound. */
	{
		char *p2 = NULL;
		size_t p2len = 0;
		unsigned char *big = calloc(1, GMPKI_MAX_CSR_SIZE + 100);

		big[0] = 0x30;
		big[1] = 0x83;	/* three length bytes */
		big[2] = (GMPKI_MAX_CSR_SIZE + 95) >> 16;
		big[3] = ((GMPKI_MAX_CSR_SIZE + 95) >> 8) & 0xff;
		big[4] = (GMPKI_MAX_CSR_SIZE + 95) & 0xff;
		CHECK_OK(gmpki_pem_encode("CERTIFICATE REQUEST", big,
		    GMPKI_MAX_CSR_SIZE + 100, &p2, &p2len));
		CHECK(p2len < 2 * GMPKI_MAX_CSR_SIZE);
		CHECK_RC(gmpki_csr_parse_verify((unsigned char *)p2, p2len,
		    NULL, &back), GMPKI_ERR_TOO_LARGE);
		free(p2);
		free(big);
	}

	/* Version 1 (only 0 is defined): refused even though signed. */
	{
		EVP_PKEY *k = NULL;
		X509_REQ *r = NULL;
		unsigned char *d = NULL;
		size_t dlen = 0;

		CHECK_OK(gmpki_sm2_keygen(&k));
		r = X509_REQ_new();
		X509_REQ_set_version(r, 1);
		X509_REQ_set_pubkey(r, k);
		CHECK_OK(gmpki_sm2_sign_req(r, k, NULL));
		d = der_of(r, &dlen);
		CHECK_RC(gmpki_csr_parse_verify(d, dlen, NULL, &back),
		    GMPKI_ERR_CSR_INVALID);
		OPENSSL_free(d);
		X509_REQ_free(r);
		EVP_PKEY_free(k);
	}

	CHECK_RC(gmpki_csr_parse_verify(NULL, 0, NULL, &back), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_csr_parse_verify(der, derlen, NULL, NULL),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_csr_to_pem(NULL, &s, NULL), GMPKI_ERR_ARG);
out:
	free(buf);
	free(pem);
	OPENSSL_free(der);
	X509_REQ_free(req);
}

/* A request feeds the issuing path: its key becomes the EE's key. */
static void
test_issue_from_csr(void)
{
	struct gmpki_issue_params p;
	X509_REQ *req = make("ee.csr", NULL), *back = NULL;
	X509_NAME *rn = NULL, *en = NULL;
	EVP_PKEY *rk = NULL;
	X509 *root = NULL, *ee = NULL;
	unsigned char *pem = NULL;
	size_t len = 0;

	CHECK((pem = get("ee.csr", &len)) != NULL);
	CHECK_OK(gmpki_csr_parse_verify(pem, len, NULL, &back));
	CHECK_OK(gmpki_sm2_keygen(&rk));
	CHECK_OK(gmpki_name_parse("/C=CN/O=测试CA/CN=root", &rn));
	memset(&p, 0, sizeof(p));
	p.kind = GMPKI_CERT_ROOT;
	p.subject = rn;
	p.subject_key = rk;
	p.issuer_key = rk;
	CHECK_OK(gmpki_cert_issue(&p, &root));
	CHECK_OK(gmpki_name_ee("测试企业", "91350100M000100Y43", "user01",
	    &en));
	if (back != NULL && root != NULL) {
		memset(&p, 0, sizeof(p));
		p.kind = GMPKI_CERT_EE_SIGN;
		p.subject = en;
		p.subject_key = X509_REQ_get0_pubkey(back);
		p.issuer_cert = root;
		p.issuer_key = rk;
		p.uscc = "91350100M000100Y43";
		CHECK_OK(gmpki_cert_issue(&p, &ee));
		CHECK(ee != NULL && EVP_PKEY_eq(X509_get0_pubkey(ee),
		    X509_REQ_get0_pubkey(req)) == 1);
		CHECK(ee != NULL && gmpki_sm2_verify_cert(ee, rk, NULL) == 0);
	}
	X509_free(ee);
	X509_free(root);
	X509_NAME_free(rn);
	X509_NAME_free(en);
	EVP_PKEY_free(rk);
	X509_REQ_free(back);
	X509_REQ_free(req);
	free(pem);
}

int
main(void)
{
	if (gmpki_init() != 0 || mkdtemp(tmpdir) == NULL)
		return 1;
	RUN(test_create_verify);
	RUN(test_other_id);
	RUN(test_cli_requests);
	RUN(test_malformed);
	RUN(test_issue_from_csr);
	if (getenv("GMPKI_TEST_KEEP") == NULL)
		fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
