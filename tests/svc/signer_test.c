/*
 * signer_test.c - the signer process (svc/signer.c): issues end-entity
 * certificates that chain to the CA, signs CRLs, refuses what the profile
 * refuses while staying up, and ends its connection on malformed frames.
 */
#include "test.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "signer_proto.h"
#include "svc_error.h"

#define USCC "91350100M000100Y43"
#define USCC_BAD "91350100M000100Y44"
#define ORG "测试企业有限公司"

static char tmp[512], cadir[600];
static X509 *root;
static STACK_OF(X509) *chain;

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static struct svc_signer *
start(void)
{
	struct svc_signer *s = NULL;

	CHECK_OK(svc_signer_start(cadir, NULL, 0, &s));
	return s;
}

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Sends a raw frame header and body. */
static int
send_raw(struct svc_signer *s, uint32_t type, uint32_t len,
    const void *body, size_t bodylen)
{
	unsigned char hdr[8];

	be32(hdr, type);
	be32(hdr + 4, len);
	if (send(svc_signer_fd(s), hdr, 8, MSG_NOSIGNAL) != 8)
		return -1;
	if (bodylen > 0 && send(svc_signer_fd(s), body, bodylen,
	    MSG_NOSIGNAL) != (ssize_t)bodylen)
		return -1;
	return 0;
}

/* The child closed its end (EOF) and exited with status 0. */
static void
expect_closed(struct svc_signer *s)
{
	unsigned char b[8];
	int st = -1;
	pid_t pid = svc_signer_pid(s);

	CHECK(recv(svc_signer_fd(s), b, sizeof(b), 0) == 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* An ISSUE_EE body from raw fields. */
static size_t
ee_body(unsigned char *b, const unsigned char *spki, size_t spkilen,
    const char *user, const char *uscc, const char *org)
{
	const char *f[3] = { user, uscc, org };
	size_t n = 0, l;
	int i;

	b[n++] = (unsigned char)(spkilen >> 8);
	b[n++] = (unsigned char)spkilen;
	memcpy(b + n, spki, spkilen);
	n += spkilen;
	for (i = 0; i < 3; i++) {
		l = strlen(f[i]);
		b[n++] = (unsigned char)(l >> 8);
		b[n++] = (unsigned char)l;
		memcpy(b + n, f[i], l);
		n += l;
	}
	return n;
}

static void
test_issue_ee(void)
{
	struct svc_signer *s = start();
	struct gmpki_verify_opts vo;
	struct gmpki_cert_info info;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	char longname[66];

	if (s == NULL)
		return;
	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(svc_signer_issue_ee(s, k, "zhangsan", USCC, ORG, &x));
	if (x != NULL) {
		memset(&vo, 0, sizeof(vo));
		vo.root = root;
		vo.untrusted = chain;
		CHECK_OK(gmpki_verify_cert(x, &vo, NULL));
		CHECK_OK(gmpki_cert_info_get(x, &info));
		CHECK_STR(info.cn, "zhangsan");
		CHECK_STR(info.org, ORG);
		CHECK_STR(info.uscc, USCC);
		CHECK(gmpki_sm2_key_match(k, X509_get0_pubkey(x)));
		CHECK(strstr(info.crl_url, "/crl") != NULL);
		CHECK(strstr(info.ocsp_url, "/ocsp") != NULL);
	}
	X509_free(x);
	x = NULL;

	/* Refusals keep the child up: the next request works. */
	CHECK_RC(svc_signer_issue_ee(s, k, "zhangsan", USCC_BAD, ORG, &x),
	    GMPKI_ERR_USCC_CHECK);
	CHECK_RC(svc_signer_issue_ee(s, k, "zhangsan", "123", ORG, &x),
	    GMPKI_ERR_USCC_LENGTH);
	memset(longname, 'a', 65);
	longname[65] = '\0';
	CHECK_RC(svc_signer_issue_ee(s, k, longname, USCC, ORG, &x),
	    GMPKI_ERR_SUBJECT);
	CHECK_RC(svc_signer_issue_ee(s, k, "zhangsan", USCC, "bad\xff", &x),
	    GMPKI_ERR_SUBJECT);
	CHECK_RC(svc_signer_issue_ee(s, k, "", USCC, ORG, &x),
	    GMPKI_ERR_SUBJECT);
	CHECK(x == NULL);
	CHECK_OK(svc_signer_issue_ee(s, k, "lisi", USCC, ORG, &x));
	CHECK(x != NULL);
	X509_free(x);
	EVP_PKEY_free(k);
	svc_signer_stop(s);
}

/* The child checks the key itself: RSA and P-256 keys sent raw. */
static void
test_foreign_keys(void)
{
	struct svc_signer *s = start();
	const char *alg[2] = { "RSA", "EC" };
	unsigned char body[4096], hdr[8], *spki = NULL;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	size_t n;
	int i, len;

	if (s == NULL)
		return;
	for (i = 0; i < 2; i++) {
		k = i == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, alg[i], (size_t)1024) :
		    EVP_PKEY_Q_keygen(NULL, NULL, alg[i], "P-256");
		CHECK(k != NULL);
		if (k == NULL)
			continue;
		CHECK_RC(svc_signer_issue_ee(s, k, "u", USCC, ORG, &x),
		    GMPKI_ERR_KEY_NOT_SM2);
		spki = NULL;
		len = i2d_PUBKEY(k, &spki);
		CHECK(len > 0 && len < 1024);
		n = ee_body(body, spki, (size_t)len, "u", USCC, ORG);
		CHECK(send_raw(s, SVC_SIGNER_ISSUE_EE, (uint32_t)n, body, n) ==
		    0);
		CHECK(recv(svc_signer_fd(s), hdr, 8, MSG_WAITALL) == 8);
		CHECK((int32_t)((uint32_t)hdr[0] << 24 | hdr[1] << 16 |
		    hdr[2] << 8 | hdr[3]) == GMPKI_ERR_KEY_NOT_SM2);
		CHECK(hdr[4] == 0 && hdr[5] == 0 && hdr[6] == 0 && hdr[7] == 0);
		OPENSSL_free(spki);
		EVP_PKEY_free(k);
	}
	/* Garbage where the key should be. */
	n = ee_body(body, (const unsigned char *)"\x30\x03\x02\x01\x01", 5,
	    "u", USCC, ORG);
	CHECK(send_raw(s, SVC_SIGNER_ISSUE_EE, (uint32_t)n, body, n) == 0);
	CHECK(recv(svc_signer_fd(s), hdr, 8, MSG_WAITALL) == 8);
	CHECK((int32_t)((uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 |
	    hdr[3]) == GMPKI_ERR_DECODE);
	svc_signer_stop(s);
}

/* ISSUE_DELEGATED: the two kinds, named by the signer; a foreign key and
 * garbage are answered with their codes and the connection stays. */
static void
test_issue_delegated(void)
{
	struct svc_signer *s = start();
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));
	unsigned char body[64], hdr[8];
	EVP_PKEY *k = NULL, *p256 = NULL;
	X509 *x = NULL;

	if (s == NULL || info == NULL)
		goto out;
	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(svc_signer_issue_delegated(s, GMPKI_CERT_OCSP, k, &x));
	CHECK_OK(gmpki_cert_info_get(x, info));
	CHECK(strstr(info->cn, "OCSP Responder") != NULL);
	CHECK(X509_get_extended_key_usage(x) & XKU_OCSP_SIGN);
	CHECK(gmpki_sm2_key_match(k, X509_get0_pubkey(x)));
	X509_free(x);
	x = NULL;
	CHECK_OK(svc_signer_issue_delegated(s, GMPKI_CERT_DOCSIGN, k, &x));
	CHECK_OK(gmpki_cert_info_get(x, info));
	CHECK(strstr(info->cn, "目录签名") != NULL);
	X509_free(x);
	x = NULL;
	CHECK_RC(svc_signer_issue_delegated(s, GMPKI_CERT_EE_SIGN, k, &x),
	    GMPKI_ERR_ARG);
	p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	CHECK(p256 != NULL);
	CHECK_RC(svc_signer_issue_delegated(s, GMPKI_CERT_OCSP, p256, &x),
	    GMPKI_ERR_KEY_NOT_SM2);
	/* Garbage where the key should be, sent raw: its code, and the
	 * signer goes on. */
	body[0] = GMPKI_CERT_OCSP;
	body[1] = 0;
	body[2] = 5;
	memcpy(body + 3, "\x30\x03\x02\x01\x01", 5);
	CHECK(send_raw(s, SVC_SIGNER_ISSUE_DELEGATED, 8, body, 8) == 0);
	CHECK(recv(svc_signer_fd(s), hdr, 8, MSG_WAITALL) == 8);
	CHECK((int32_t)((uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 |
	    hdr[3]) == GMPKI_ERR_DECODE);
	CHECK_OK(svc_signer_issue_delegated(s, GMPKI_CERT_OCSP, k, &x));
	CHECK(x != NULL);
	X509_free(x);
out:
	svc_signer_stop(s);
	EVP_PKEY_free(k);
	EVP_PKEY_free(p256);
	free(info);
}

static void
test_sign_crl(void)
{
	struct svc_signer *s = start();
	struct gmpki_revoked e[2];
	ASN1_INTEGER *a = NULL, *b = NULL, *c = NULL;
	X509_CRL *crl = NULL;
	time_t now = time(NULL), at = 0;
	int reason = -1;

	if (s == NULL)
		return;
	CHECK_OK(gmpki_serial_from_hex("7F00112233445566778899AABBCCDDEE", &a));
	CHECK_OK(gmpki_serial_from_hex("01", &b));
	CHECK_OK(gmpki_serial_from_hex("02", &c));
	e[0].serial = a;
	e[0].revoked_at = now - 100;
	e[0].reason = GMPKI_REASON_SUPERSEDED;
	e[1].serial = b;
	e[1].revoked_at = now - 50;
	e[1].reason = GMPKI_REASON_UNSPECIFIED;
	CHECK_OK(svc_signer_sign_crl(s, e, 2, 7, now, now + 86400, &crl));
	if (crl != NULL) {
		CHECK_OK(gmpki_crl_verify(crl, sk_X509_value(chain, 0), now,
		    NULL));
		CHECK(gmpki_crl_number(crl) == 7);
		CHECK_OK(gmpki_crl_find(crl, a, &at, &reason));
		CHECK(at == now - 100 && reason == GMPKI_REASON_SUPERSEDED);
		CHECK_OK(gmpki_crl_find(crl, b, &at, &reason));
		CHECK_RC(gmpki_crl_find(crl, c, &at, &reason),
		    GMPKI_ERR_NOT_FOUND);
	}
	X509_CRL_free(crl);
	crl = NULL;
	/* An empty CRL, and refusals that keep the connection. */
	CHECK_OK(svc_signer_sign_crl(s, NULL, 0, 8, now, now + 60, &crl));
	X509_CRL_free(crl);
	crl = NULL;
	CHECK_RC(svc_signer_sign_crl(s, e, 2, 9, now, now, &crl),
	    GMPKI_ERR_ARG);
	CHECK_RC(svc_signer_sign_crl(s, e, 2, -1, now, now + 60, &crl),
	    GMPKI_ERR_ARG);
	e[0].reason = 7;
	CHECK_RC(svc_signer_sign_crl(s, e, 1, 9, now, now + 60, &crl),
	    GMPKI_ERR_ARG);
	e[0].reason = GMPKI_REASON_KEY_COMPROMISE;
	CHECK_OK(svc_signer_sign_crl(s, e, 1, 10, now, now + 60, &crl));
	CHECK(crl != NULL);
	X509_CRL_free(crl);
	ASN1_INTEGER_free(a);
	ASN1_INTEGER_free(b);
	ASN1_INTEGER_free(c);
	svc_signer_stop(s);
}

/* Each malformed frame ends the child's connection; the service then
 * answers SVC_ERR_SIGNER without hanging. */
static void
test_malformed(void)
{
	unsigned char body[256];
	struct svc_signer *s;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	size_t n;
	int i;

	CHECK_OK(gmpki_sm2_keygen(&k));
	for (i = 0; i < 10; i++) {
		if ((s = start()) == NULL)
			break;
		switch (i) {
		case 0:	/* unknown type */
			CHECK(send_raw(s, 99, 0, NULL, 0) == 0);
			break;
		case 1:	/* over the bound: refused before any body */
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_EE,
			    SVC_SIGNER_MAX_EE_BODY + 1, NULL, 0) == 0);
			break;
		case 2:	/* a field longer than the body */
			body[0] = 0x01;
			body[1] = 0x00;
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_EE, 2, body, 2) ==
			    0);
			break;
		case 3:	/* trailing bytes after the four fields */
			n = ee_body(body, (const unsigned char *)"k", 1, "u",
			    USCC, ORG);
			body[n++] = 0;
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_EE, (uint32_t)n,
			    body, n) == 0);
			break;
		case 4:	/* CRL count disagrees with the length */
			memset(body, 0, sizeof(body));
			body[27] = 3;
			CHECK(send_raw(s, SVC_SIGNER_SIGN_CRL, 28, body, 28) ==
			    0);
			break;
		case 5:	/* a NUL inside a name */
			n = ee_body(body, (const unsigned char *)"k", 1, "u",
			    USCC, ORG);
			body[5] = 0;	/* the username's only byte */
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_EE, (uint32_t)n,
			    body, n) == 0);
			break;
		case 6:	/* ISSUE_DELEGATED of a kind it does not make */
			body[0] = GMPKI_CERT_EE_SIGN;
			body[1] = 0;
			body[2] = 1;
			body[3] = 'k';
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_DELEGATED, 4, body,
			    4) == 0);
			break;
		case 7:	/* ISSUE_DELEGATED over its bound */
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_DELEGATED,
			    SVC_SIGNER_MAX_DELEGATED_BODY + 1, NULL, 0) == 0);
			break;
		case 8:	/* ISSUE_DELEGATED with trailing bytes */
			body[0] = GMPKI_CERT_OCSP;
			body[1] = 0;
			body[2] = 1;
			body[3] = 'k';
			body[4] = 0;
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_DELEGATED, 5, body,
			    5) == 0);
			break;
		case 9:	/* ISSUE_DELEGATED without its key */
			body[0] = GMPKI_CERT_DOCSIGN;
			CHECK(send_raw(s, SVC_SIGNER_ISSUE_DELEGATED, 1, body,
			    1) == 0);
			break;
		}
		expect_closed(s);
		CHECK_RC(svc_signer_issue_ee(s, k, "u", USCC, ORG, &x),
		    SVC_ERR_SIGNER);
		CHECK(x == NULL);
		svc_signer_stop(s);
	}
	EVP_PKEY_free(k);
}

static void
test_start_stop(void)
{
	struct svc_signer *s = NULL;
	char bad[700];
	pid_t pid;

	snprintf(bad, sizeof(bad), "%s/nowhere", tmp);
	CHECK(svc_signer_start(bad, NULL, 0, &s) < 0);
	CHECK(s == NULL);
	CHECK_RC(svc_signer_start(cadir, "wrong", 5, &s),
	    GMPKI_ERR_PASSPHRASE);
	CHECK(s == NULL);
	/* No child is left behind by the failures. */
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	if ((s = start()) == NULL)
		return;
	pid = svc_signer_pid(s);
	CHECK(pid > 0 && kill(pid, 0) == 0);
	svc_signer_stop(s);
	CHECK(kill(pid, 0) == -1 && errno == ESRCH);
	svc_signer_stop(NULL);
}

int
main(void)
{
	struct gmpki_ca_init_params p;
	char path[700];

	CHECK_OK(gmpki_init());
	snprintf(tmp, sizeof(tmp), "%s/signer-test-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		fprintf(stderr, "cannot make a temporary directory\n");
		return 1;
	}
	snprintf(cadir, sizeof(cadir), "%s/ca", tmp);
	memset(&p, 0, sizeof(p));
	p.dir = cadir;
	p.name = "测试CA";
	p.crl_url = "http://127.0.0.1:8440/crl";
	p.ocsp_url = "http://127.0.0.1:8440/ocsp";
	p.kdf_iter = 1000;
	CHECK_OK(gmpki_ca_init(&p));
	snprintf(path, sizeof(path), "%s/root.pem", cadir);
	CHECK_OK(gmpki_cert_load(path, &root));
	snprintf(path, sizeof(path), "%s/chain.pem", cadir);
	CHECK_OK(gmpki_certs_load(path, &chain));
	if (root != NULL && chain != NULL) {
		RUN(test_issue_ee);
		RUN(test_foreign_keys);
		RUN(test_issue_delegated);
		RUN(test_sign_crl);
		RUN(test_malformed);
		RUN(test_start_stop);
	}
	X509_free(root);
	sk_X509_pop_free(chain, X509_free);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	TEST_MAIN_END();
}
