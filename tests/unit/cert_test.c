/*
 * cert_test.c - issuing to the profile (root -> issuing CA -> EE, OCSP,
 * DOCSIGN), reading certificates back, serials and times; interop with the
 * openssl CLI, which verifies SM2 certificates link by link with -vfyopt
 * distid.
 */
#include "test.h"
#include "fixture.h"

#include <stdint.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define D "-vfyopt distid:1234567812345678"

static char tmpdir[] = "/tmp/cert_test.XXXXXX";
static EVP_PKEY *root_key, *ca_key, *ee_key;
static X509 *root, *ca, *ee;

/* Runs a shell command in tmpdir: its exit status, output in out. */
static int
run(const char *cmd, char *out, size_t outlen)
{
	return fx_run(tmpdir, cmd, out, outlen);
}

static int
write_cert(X509 *x, const char *name)
{
	char path[256], *pem = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((rc = gmpki_cert_to_pem(x, &pem, &len)) != 0)
		return rc;
	rc = gmpki_file_write(path, pem, len, 0644, 0);
	free(pem);
	return rc;
}

/* A key loaded back from PEM, as a CSR or key file gives it (odd ids). */
static EVP_PKEY *
loaded_key(void)
{
	EVP_PKEY *k = NULL, *l = NULL;
	BIO *b = BIO_new(BIO_s_mem());

	if (gmpki_sm2_keygen(&k) == 0 &&
	    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL))
		l = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	EVP_PKEY_free(k);
	return l;
}

static X509_NAME *
name(const char *s)
{
	X509_NAME *n = NULL;

	if (gmpki_name_parse(s, &n) != 0)
		return NULL;
	return n;
}

static void
init_params(struct gmpki_issue_params *p, enum gmpki_cert_kind kind,
    const X509_NAME *subj, EVP_PKEY *skey, X509 *icert, EVP_PKEY *ikey)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->subject = subj;
	p->subject_key = skey;
	p->issuer_cert = icert;
	p->issuer_key = ikey;
}

static void
test_chain(void)
{
	struct gmpki_issue_params p;
	struct gmpki_cert_info info;
	X509_NAME *rn = name("/C=CN/O=国家统计局/CN=NBS Root CA");
	X509_NAME *cn = name("/C=CN/O=国家统计局/CN=NBS Issuing CA 1");
	X509_NAME *en = NULL;
	X509_REQ *req = NULL;
	unsigned char *der;
	int derlen;
	char out[16384];
	time_t now = time(NULL);
	struct tm a, b;

	CHECK(rn != NULL && cn != NULL);
	CHECK_OK(gmpki_sm2_keygen(&root_key));
	CHECK_OK(gmpki_sm2_keygen(&ca_key));
	CHECK((ee_key = loaded_key()) != NULL);
	CHECK_OK(gmpki_name_ee("北京测试科技有限公司", USCC, "user01", &en));

	init_params(&p, GMPKI_CERT_ROOT, rn, root_key, NULL, root_key);
	CHECK_OK(gmpki_cert_issue(&p, &root));
	init_params(&p, GMPKI_CERT_ISSUING, cn, ca_key, root, root_key);
	p.crl_url = "http://pki.example.cn/crl/root.crl";
	CHECK_OK(gmpki_cert_issue(&p, &ca));
	/* The EE key arrives in a CSR: issue to the request's public key. */
	CHECK_OK(gmpki_csr_create(ee_key, en, NULL, &req));
	if (req != NULL) {
		der = NULL;
		derlen = i2d_X509_REQ(req, &der);
		X509_REQ_free(req);
		req = NULL;
		CHECK_OK(gmpki_csr_parse_verify(der, derlen > 0 ?
		    (size_t)derlen : 0, NULL, &req));
		OPENSSL_free(der);
	}
	if (req == NULL)
		goto out;
	init_params(&p, GMPKI_CERT_EE_SIGN, en, X509_REQ_get0_pubkey(req), ca,
	    ca_key);
	p.uscc = USCC;
	p.crl_url = "http://pki.example.cn/crl/ca1.crl";
	p.ocsp_url = "http://pki.example.cn/ocsp";
	p.ca_issuers_url = "https://pki.example.cn/ca1.cer";
	CHECK_OK(gmpki_cert_issue(&p, &ee));
	if (root == NULL || ca == NULL || ee == NULL)
		goto out;
	CHECK(gmpki_sm2_key_match(ee_key, X509_get0_pubkey(ee)));

	/* Each link verifies with its issuer's key and the default ID. */
	CHECK_OK(gmpki_sm2_verify_cert(root, root_key, NULL));
	CHECK_OK(gmpki_sm2_verify_cert(ca, root_key, NULL));
	CHECK_OK(gmpki_sm2_verify_cert(ee, ca_key, NULL));
	CHECK_RC(gmpki_sm2_verify_cert(ee, root_key, NULL),
	    GMPKI_ERR_SIGNATURE);
	CHECK_RC(gmpki_sm2_verify_cert(ee, ca_key, "another id"),
	    GMPKI_ERR_SIGNATURE);

	CHECK_OK(gmpki_cert_info_get(ee, &info));
	CHECK_STR(info.cn, "user01");
	CHECK_STR(info.org, "北京测试科技有限公司");
	CHECK_STR(info.country, "CN");
	CHECK_STR(info.uscc, USCC);
	CHECK_STR(info.subject, "C=CN, O=北京测试科技有限公司, "
	    "organizationIdentifier=" USCC ", CN=user01");
	CHECK_STR(info.issuer, "C=CN, O=国家统计局, CN=NBS Issuing CA 1");
	/* 16 bytes, first byte 01..7F: 31 or 32 hex digits, no leading 0. */
	CHECK(strlen(info.serial) == 31 || strlen(info.serial) == 32);
	CHECK(strspn(info.serial, "0123456789ABCDEF") == strlen(info.serial));
	CHECK(info.serial[0] != '0');
	CHECK_STR(info.sig_alg, "SM2-with-SM3");
	CHECK_STR(info.crl_url, "http://pki.example.cn/crl/ca1.crl");
	CHECK_STR(info.ocsp_url, "http://pki.example.cn/ocsp");
	CHECK(info.is_ca == 0 && info.path_len == -1);
	CHECK(info.key_usage == KU_DIGITAL_SIGNATURE);
	CHECK(info.is_sm2 == 1 && info.self_signed == 0);
	CHECK(strlen(info.sm3_fp) == 64 && strlen(info.sha256_fp) == 64);
	{
		char fp[65];

		CHECK_OK(gmpki_cert_fingerprint_sm3(ee, fp));
		CHECK_STR(fp, info.sm3_fp);
	}
	/* 3 calendar years, from now. */
	CHECK(info.not_before >= now - 5 && info.not_before <= now + 5);
	gmtime_r(&info.not_before, &a);
	gmtime_r(&info.not_after, &b);
	CHECK(b.tm_year == a.tm_year + 3 && b.tm_mon == a.tm_mon &&
	    b.tm_mday == a.tm_mday && b.tm_hour == a.tm_hour &&
	    b.tm_min == a.tm_min && b.tm_sec == a.tm_sec);

	CHECK_OK(gmpki_cert_info_get(ca, &info));
	CHECK(info.is_ca == 1 && info.path_len == 0);
	CHECK(info.key_usage == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
	CHECK_STR(info.uscc, "");
	CHECK_STR(info.crl_url, "http://pki.example.cn/crl/root.crl");
	CHECK_STR(info.ocsp_url, "");
	gmtime_r(&info.not_before, &a);
	gmtime_r(&info.not_after, &b);
	CHECK(b.tm_year == a.tm_year + 10);

	CHECK_OK(gmpki_cert_info_get(root, &info));
	CHECK(info.is_ca == 1 && info.path_len == -1 && info.self_signed);
	CHECK_STR(info.subject, info.issuer);
	gmtime_r(&info.not_before, &a);
	gmtime_r(&info.not_after, &b);
	CHECK(b.tm_year == a.tm_year + 20);
	/* Root AKI is its own SKI; the issuing CA's AKI is the root's SKI. */
	CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(root),
	    X509_get0_subject_key_id(root)) == 0);
	CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(ca),
	    X509_get0_subject_key_id(root)) == 0);
	CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(ee),
	    X509_get0_subject_key_id(ca)) == 0);
	CHECK(ASN1_STRING_length(X509_get0_subject_key_id(ee)) == 20);
	CHECK(ASN1_STRING_length(X509_get0_serialNumber(ee)) == 16);

	/* The openssl CLI verifies each link (notes/openssl3-sm2.md §2). */
	CHECK_OK(write_cert(root, "root.pem"));
	CHECK_OK(write_cert(ca, "ca.pem"));
	CHECK_OK(write_cert(ee, "ee.pem"));
	CHECK(run("openssl verify " D " -CAfile root.pem ca.pem", out,
	    sizeof(out)) == 0);
	CHECK(strstr(out, "ca.pem: OK") != NULL);
	CHECK(run("openssl verify " D " -partial_chain -CAfile ca.pem ee.pem",
	    out, sizeof(out)) == 0);
	CHECK(strstr(out, "ee.pem: OK") != NULL);
	/* Without the ID the CLI fails: the check is real. */
	CHECK(run("openssl verify -partial_chain -CAfile ca.pem ee.pem", out,
	    sizeof(out)) != 0);
	CHECK(strstr(out, "ee.pem: OK") == NULL);

	CHECK(run("openssl x509 -text -noout -in ee.pem", out,
	    sizeof(out)) == 0);
	CHECK(strstr(out, "SM2-with-SM3") != NULL);
	CHECK(strstr(out, "1.2.156.10260.4.1.4") != NULL);
	CHECK(strstr(out, "CN = user01") != NULL);
	CHECK(strstr(out, "CA:FALSE") != NULL);
	CHECK(strstr(out, "X509v3 Key Usage: critical") != NULL);
	CHECK(strstr(out, "Digital Signature") != NULL);
	CHECK(strstr(out, "Non Repudiation") == NULL);
	CHECK(strstr(out, "TLS Web Client Authentication") != NULL);
	CHECK(strstr(out, "OCSP - URI:http://pki.example.cn/ocsp") != NULL);
	CHECK(strstr(out, "CA Issuers - URI:https://pki.example.cn/ca1.cer") !=
	    NULL);
	CHECK(strstr(out, "URI:http://pki.example.cn/crl/ca1.crl") != NULL);
	CHECK(strstr(out, "Version: 3 (0x2)") != NULL);
	CHECK(run("openssl x509 -text -noout -in ca.pem", out,
	    sizeof(out)) == 0);
	CHECK(strstr(out, "CA:TRUE, pathlen:0") != NULL);
	CHECK(strstr(out, "Certificate Sign, CRL Sign") != NULL);
	CHECK(run("openssl x509 -text -noout -in root.pem", out,
	    sizeof(out)) == 0);
	CHECK(strstr(out, "CA:TRUE") != NULL && strstr(out, "pathlen") == NULL);
	/* The extension's value is a PrintableString with the code. */
	CHECK(run("openssl asn1parse -in ee.pem -strparse $(openssl asn1parse "
	    "-in ee.pem | grep -A1 1.2.156.10260.4.1.4 | tail -1 | "
	    "cut -d: -f1)", out, sizeof(out)) == 0);
	CHECK(strstr(out, "PRINTABLESTRING   :" USCC) != NULL);
out:
	X509_REQ_free(req);
	X509_NAME_free(rn);
	X509_NAME_free(cn);
	X509_NAME_free(en);
}

static void
test_ocsp_cert(void)
{
	struct gmpki_issue_params p;
	struct gmpki_cert_info info;
	X509_NAME *n = name("/C=CN/O=国家统计局/CN=NBS OCSP 1");
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	char out[16384];
	struct tm a, b;

	CHECK_OK(gmpki_sm2_keygen(&k));
	init_params(&p, GMPKI_CERT_OCSP, n, k, ca, ca_key);
	p.ocsp_url = "http://pki.example.cn/ocsp";
	CHECK_OK(gmpki_cert_issue(&p, &x));
	if (x == NULL)
		goto out;
	CHECK_OK(gmpki_sm2_verify_cert(x, ca_key, NULL));
	CHECK_OK(gmpki_cert_info_get(x, &info));
	CHECK(info.key_usage == KU_DIGITAL_SIGNATURE && !info.is_ca);
	CHECK(X509_get_extended_key_usage(x) == XKU_OCSP_SIGN);
	CHECK(X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1) >= 0);
	CHECK_STR(info.ocsp_url, "");	/* nocheck: no OCSP URL */
	gmtime_r(&info.not_before, &a);
	gmtime_r(&info.not_after, &b);
	CHECK(b.tm_year == a.tm_year + 1);
	CHECK_OK(write_cert(x, "ocsp.pem"));
	CHECK(run("openssl x509 -text -noout -in ocsp.pem", out,
	    sizeof(out)) == 0);
	CHECK(strstr(out, "OCSP Signing") != NULL);
	CHECK(strstr(out, "OCSP No Check") != NULL);
	CHECK(run("openssl verify " D " -partial_chain -CAfile ca.pem "
	    "-purpose ocsphelper ocsp.pem", out, sizeof(out)) == 0);
	CHECK(strstr(out, "ocsp.pem: OK") != NULL);
out:
	X509_free(x);
	EVP_PKEY_free(k);
	X509_NAME_free(n);
}

/* The service's document signer (RFC 9336): KU digitalSignature only,
 * EKU id-kp-documentSigning and nothing else, 1 year, revocable. */
static void
test_docsign_cert(void)
{
	struct gmpki_issue_params p;
	struct gmpki_cert_info info;
	X509_NAME *n = name("/C=CN/O=国家统计局/CN=NBS Directory Signer");
	EXTENDED_KEY_USAGE *eku = NULL;
	EVP_PKEY *k = NULL;
	X509 *x = NULL, *y = NULL;
	char out[16384], oid[64];
	int crit = -1;
	struct tm a, b;

	CHECK_OK(gmpki_sm2_keygen(&k));
	init_params(&p, GMPKI_CERT_DOCSIGN, n, k, ca, ca_key);
	p.crl_url = "http://pki.example.cn/crl";
	p.ocsp_url = "http://pki.example.cn/ocsp";
	CHECK_OK(gmpki_cert_issue(&p, &x));
	if (x == NULL)
		goto out;
	CHECK_OK(gmpki_sm2_verify_cert(x, ca_key, NULL));
	CHECK_OK(gmpki_cert_info_get(x, &info));
	CHECK(info.key_usage == KU_DIGITAL_SIGNATURE && !info.is_ca);
	CHECK(X509_get_ext_by_NID(x, NID_key_usage, -1) >= 0 &&
	    X509_EXTENSION_get_critical(X509_get_ext(x,
	    X509_get_ext_by_NID(x, NID_key_usage, -1))));
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	CHECK(eku != NULL && sk_ASN1_OBJECT_num(eku) == 1 && crit == 0);
	if (eku != NULL && sk_ASN1_OBJECT_num(eku) == 1) {
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, 0), 1);
		CHECK_STR(oid, GMPKI_OID_KP_DOCUMENT_SIGNING);
	}
	/* Neither a client-auth nor an OCSP-signing certificate. */
	CHECK((X509_get_extended_key_usage(x) &
	    (XKU_SSL_CLIENT | XKU_OCSP_SIGN)) == 0);
	CHECK(X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1) < 0);
	CHECK(X509_get0_subject_key_id(x) != NULL);
	CHECK(X509_get0_authority_key_id(x) != NULL &&
	    ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x),
	    X509_get0_subject_key_id(ca)) == 0);
	CHECK_STR(info.ocsp_url, "http://pki.example.cn/ocsp");
	CHECK_STR(info.crl_url, "http://pki.example.cn/crl");
	gmtime_r(&info.not_before, &a);
	gmtime_r(&info.not_after, &b);
	CHECK(b.tm_year == a.tm_year + 1);
	/* Issued by a CA only: an issuer certificate is required. */
	init_params(&p, GMPKI_CERT_DOCSIGN, n, k, NULL, ca_key);
	CHECK_RC(gmpki_cert_issue(&p, &y), GMPKI_ERR_ARG);
	CHECK(y == NULL);
	CHECK_OK(write_cert(x, "docsign.pem"));
	CHECK(run("openssl x509 -text -noout -in docsign.pem", out,
	    sizeof(out)) == 0);
	CHECK(strstr(out, "1.3.6.1.5.5.7.3.36") != NULL ||
	    strstr(out, "Document Signing") != NULL);
	CHECK(run("openssl verify " D " -partial_chain -CAfile ca.pem "
	    "docsign.pem", out, sizeof(out)) == 0);
	CHECK(strstr(out, "docsign.pem: OK") != NULL);
out:
	EXTENDED_KEY_USAGE_free(eku);
	X509_free(x);
	EVP_PKEY_free(k);
	X509_NAME_free(n);
}

/* A CA with the same name as ours but another key: its certs must fail. */
static void
test_foreign_issuer(void)
{
	struct gmpki_issue_params p;
	X509_NAME *rn = name("/C=CN/O=国家统计局/CN=NBS Root CA");
	X509_NAME *cn = name("/C=CN/O=国家统计局/CN=NBS Issuing CA 1");
	EVP_PKEY *evil_key = NULL;
	X509 *evil_root = NULL, *forged = NULL;
	char out[8192];

	CHECK_OK(gmpki_sm2_keygen(&evil_key));
	init_params(&p, GMPKI_CERT_ROOT, rn, evil_key, NULL, evil_key);
	CHECK_OK(gmpki_cert_issue(&p, &evil_root));
	init_params(&p, GMPKI_CERT_ISSUING, cn, ca_key, evil_root, evil_key);
	CHECK_OK(gmpki_cert_issue(&p, &forged));
	if (forged == NULL)
		goto out;
	CHECK(X509_NAME_cmp(X509_get_issuer_name(forged),
	    X509_get_subject_name(root)) == 0);
	CHECK_RC(gmpki_sm2_verify_cert(forged, root_key, NULL),
	    GMPKI_ERR_SIGNATURE);
	CHECK_OK(gmpki_sm2_verify_cert(forged, evil_key, NULL));
	CHECK_OK(write_cert(forged, "forged.pem"));
	CHECK(run("openssl verify " D " -CAfile root.pem forged.pem", out,
	    sizeof(out)) != 0);
	CHECK(strstr(out, "forged.pem: OK") == NULL);
	CHECK(strstr(out, "unable to get local issuer") != NULL);

	/* Same name AND same SKI as our root (its certificate copied, only the
	 * key swapped): the CLI finds our root and the signature fails. */
	X509_free(forged);
	forged = NULL;
	X509_free(evil_root);
	CHECK((evil_root = X509_dup(root)) != NULL);
	CHECK(X509_set_pubkey(evil_root, evil_key) == 1);
	init_params(&p, GMPKI_CERT_ISSUING, cn, ca_key, evil_root, evil_key);
	CHECK_OK(gmpki_cert_issue(&p, &forged));
	if (forged == NULL)
		goto out;
	CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(forged),
	    X509_get0_subject_key_id(root)) == 0);
	CHECK_RC(gmpki_sm2_verify_cert(forged, root_key, NULL),
	    GMPKI_ERR_SIGNATURE);
	CHECK_OK(write_cert(forged, "forged2.pem"));
	CHECK(run("openssl verify " D " -CAfile root.pem forged2.pem", out,
	    sizeof(out)) != 0);
	CHECK(strstr(out, "forged2.pem: OK") == NULL);
	CHECK(strstr(out, "certificate signature failure") != NULL);
out:
	X509_free(evil_root);
	X509_free(forged);
	EVP_PKEY_free(evil_key);
	X509_NAME_free(rn);
	X509_NAME_free(cn);
}

static void
test_bad_params(void)
{
	struct gmpki_issue_params p;
	X509_NAME *en = NULL, *no_o = name("/C=CN/CN=user02");
	X509_NAME *cn = name("/C=CN/O=x/CN=sub CA");
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	EVP_PKEY *p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *k = NULL;
	X509 *x = (X509 *)1;
	time_t now = time(NULL);

	CHECK(rsa != NULL && p256 != NULL);
	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_name_ee("某企业", USCC, "user02", &en));

	CHECK_RC(gmpki_cert_issue(NULL, &x), GMPKI_ERR_ARG);
	init_params(&p, GMPKI_CERT_EE_SIGN, en, k, ca, ca_key);
	p.uscc = USCC;
	CHECK_RC(gmpki_cert_issue(&p, NULL), GMPKI_ERR_ARG);
	/* RSA and P-256 subject keys. */
	p.subject_key = rsa;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_KEY_NOT_SM2);
	CHECK(x == NULL);
	p.subject_key = p256;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_KEY_NOT_SM2);
	p.subject_key = k;
	p.issuer_key = p256;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_KEY_NOT_SM2);
	/* Issuer not a CA (an EE), issuer key mismatch. */
	init_params(&p, GMPKI_CERT_EE_SIGN, en, k, ee, ee_key);
	p.uscc = USCC;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_NOT_CA);
	init_params(&p, GMPKI_CERT_EE_SIGN, en, k, ca, root_key);
	p.uscc = USCC;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_KEY_MISMATCH);
	/* A root whose key is not the subject key. */
	init_params(&p, GMPKI_CERT_ROOT, cn, k, NULL, root_key);
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_KEY_MISMATCH);
	/* The issuing CA has pathLen 0: no CA below it. */
	init_params(&p, GMPKI_CERT_ISSUING, cn, k, ca, ca_key);
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_NOT_CA);
	/* Missing pieces. */
	init_params(&p, GMPKI_CERT_ISSUING, cn, k, NULL, ca_key);
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	init_params(&p, GMPKI_CERT_ROOT, cn, k, root, k);
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	init_params(&p, (enum gmpki_cert_kind)99, cn, k, ca, ca_key);
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);

	/* USCC: each of its own codes, and missing. */
	init_params(&p, GMPKI_CERT_EE_SIGN, en, k, ca, ca_key);
	p.uscc = "91350100M000100Y44";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_USCC_CHECK);
	p.uscc = "91350100M000100Y4";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_USCC_LENGTH);
	p.uscc = "91350100M000100O43";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_USCC_CHAR);
	p.uscc = NULL;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_USCC_LENGTH);
	/* A valid code that differs from the subject's organizationIdentifier. */
	p.uscc = "91110108551385082Q";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_SUBJECT);
	/* EE subject without O. */
	p.uscc = USCC;
	p.subject = no_o;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_SUBJECT);
	p.subject = en;

	/* Validity. */
	p.not_before = now;
	p.not_after = now;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.not_after = now - 1;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.not_after = 0;
	p.years = 11;	/* past the issuing CA's 10 years */
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.years = -1;
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.years = 0;

	/* URLs: http(s) only, no spaces or controls. */
	p.crl_url = "ftp://pki.example.cn/a.crl";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.crl_url = "http://pki.example.cn/a b.crl";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.crl_url = NULL;
	p.ocsp_url = "http://pki.example.cn/\nocsp";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.ocsp_url = "http://";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.ocsp_url = NULL;
	p.ca_issuers_url = "javascript:alert(1)";
	CHECK_RC(gmpki_cert_issue(&p, &x), GMPKI_ERR_ARG);
	p.ca_issuers_url = NULL;
	CHECK(x == NULL);

	/* And the same params are fine again. */
	CHECK_OK(gmpki_cert_issue(&p, &x));
	X509_free(x);

	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(k);
	X509_NAME_free(en);
	X509_NAME_free(no_o);
	X509_NAME_free(cn);
}

static void
test_validity_years(void)
{
	struct gmpki_issue_params p;
	struct gmpki_cert_info info;
	X509_NAME *en = NULL;
	X509 *x = NULL;
	char buf[64];

	CHECK_OK(gmpki_name_ee("某企业", USCC, "user03", &en));
	init_params(&p, GMPKI_CERT_EE_SIGN, en, ee_key, root, root_key);
	p.uscc = USCC;
	/* 2028-02-29 12:00:00 UTC + 3 years = 2031-03-01 (no 29 Feb). */
	p.not_before = 1835438400;
	CHECK_OK(gmpki_cert_issue(&p, &x));
	CHECK_OK(gmpki_cert_info_get(x, &info));
	gmpki_time_format(info.not_before, buf, sizeof(buf));
	CHECK_STR(buf, "2028-02-29 12:00:00 UTC");
	gmpki_time_format(info.not_after, buf, sizeof(buf));
	CHECK_STR(buf, "2031-03-01 12:00:00 UTC");
	X509_free(x);
	x = NULL;
	/* An explicit not_after is taken as is. */
	p.not_before = 1795000000;
	p.not_after = 1795000000 + 86400;
	CHECK_OK(gmpki_cert_issue(&p, &x));
	CHECK_OK(gmpki_cert_info_get(x, &info));
	CHECK(info.not_before == 1795000000 &&
	    info.not_after == 1795000000 + 86400);
	X509_free(x);
	X509_NAME_free(en);

	gmpki_time_format(1795626210, buf, sizeof(buf));
	CHECK_STR(buf, "2026-11-25 17:03:30 UTC");
	gmpki_time_format(0, buf, 5);
	CHECK_STR(buf, "");
	{
		ASN1_TIME *t = ASN1_TIME_new();
		time_t v = 0;

		/* 2050 onwards is GeneralizedTime (RFC 5280 §4.1.2.5). */
		CHECK(ASN1_TIME_set(t, 2556144000) != NULL);
		CHECK(ASN1_STRING_type(t) == V_ASN1_GENERALIZEDTIME);
		CHECK_OK(gmpki_asn1_time_to_time(t, &v));
		CHECK(v == 2556144000);
		CHECK(ASN1_TIME_set_string(t, "261125170330Z"));
		CHECK_OK(gmpki_asn1_time_to_time(t, &v));
		CHECK(v == 1795626210);
		ASN1_STRING_set(t, "2611251703", 10);
		CHECK_RC(gmpki_asn1_time_to_time(t, &v), GMPKI_ERR_DECODE);
		CHECK_RC(gmpki_asn1_time_to_time(NULL, &v), GMPKI_ERR_ARG);
		ASN1_TIME_free(t);
	}
}

static void
test_serial(void)
{
	ASN1_INTEGER *a = NULL, *b = NULL;
	char h[80], h2[80];
	int i;

	for (i = 0; i < 50; i++) {
		CHECK_OK(gmpki_serial_random(&a));
		CHECK(ASN1_STRING_length(a) == GMPKI_SERIAL_BYTES);
		CHECK(ASN1_STRING_type(a) == V_ASN1_INTEGER);
		CHECK(ASN1_STRING_get0_data(a)[0] != 0 &&
		    ASN1_STRING_get0_data(a)[0] < 0x80);
		CHECK_OK(gmpki_serial_hex(a, h, sizeof(h)));
		CHECK(strlen(h) == 31 || strlen(h) == 32);
		CHECK_OK(gmpki_serial_from_hex(h, &b));
		CHECK(ASN1_INTEGER_cmp(a, b) == 0);
		ASN1_INTEGER_free(a);
		ASN1_INTEGER_free(b);
		a = b = NULL;
	}
	CHECK_OK(gmpki_serial_from_hex("00ab", &a));
	CHECK_OK(gmpki_serial_hex(a, h, sizeof(h)));
	CHECK_STR(h, "AB");
	CHECK_RC(gmpki_serial_hex(a, h, 2), GMPKI_ERR_TOO_LARGE);
	ASN1_INTEGER_free(a);
	a = NULL;
	/* A serial whose first byte is below 0x10: no leading zero nibble. */
	CHECK_OK(gmpki_serial_from_hex("04555B", &a));
	CHECK_OK(gmpki_serial_hex(a, h, sizeof(h)));
	CHECK_STR(h, "4555B");
	ASN1_INTEGER_free(a);
	a = NULL;
	CHECK_OK(gmpki_serial_from_hex("0", &a));
	CHECK_OK(gmpki_serial_hex(a, h, sizeof(h)));
	CHECK_STR(h, "0");
	ASN1_INTEGER_free(a);
	a = NULL;
	memset(h2, 'F', 40);
	h2[40] = '\0';
	CHECK_OK(gmpki_serial_from_hex(h2, &a));
	ASN1_INTEGER_free(a);
	a = (ASN1_INTEGER *)1;
	h2[40] = 'F';
	h2[41] = '\0';
	CHECK_RC(gmpki_serial_from_hex(h2, &a), GMPKI_ERR_ARG);
	CHECK(a == NULL);
	CHECK_RC(gmpki_serial_from_hex("", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex("-1A", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex("+1A", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex("0x1A", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex("1A ", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex(" 1A", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex("1G", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex("1a:2b", &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_from_hex(NULL, &a), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_serial_random(NULL), GMPKI_ERR_ARG);
}

static void
test_info_foreign(void)
{
	struct gmpki_cert_info info;
	X509 *x = NULL;
	char out[4096];
	unsigned char *buf = NULL;
	size_t len = 0;
	char path[256];

	/* An RSA certificate made by the CLI reads as not SM2. */
	CHECK(run("openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key "
	    "-out rsa.pem -subj '/C=CN/O=foreign/CN=rsa' -days 30", out,
	    sizeof(out)) == 0);
	snprintf(path, sizeof(path), "%s/rsa.pem", tmpdir);
	CHECK_OK(gmpki_file_read(path, 65536, &buf, &len));
	if (buf == NULL)
		return;
	CHECK_OK(gmpki_cert_from_mem(buf, len, &x));
	if (x != NULL) {
		CHECK_OK(gmpki_cert_info_get(x, &info));
		CHECK_STR(info.sig_alg, "RSA-SHA256");
		CHECK(info.is_sm2 == 0 && info.self_signed == 1);
		CHECK_STR(info.cn, "rsa");
		CHECK_STR(info.uscc, "");
		CHECK_RC(gmpki_cert_info_get(x, NULL), GMPKI_ERR_ARG);
	}
	X509_free(x);
	free(buf);
}

int
main(void)
{
	if (gmpki_init() != 0 || mkdtemp(tmpdir) == NULL)
		return 1;
	RUN(test_chain);
	if (root != NULL && ca != NULL && ee != NULL) {
		RUN(test_ocsp_cert);
		RUN(test_docsign_cert);
		RUN(test_foreign_issuer);
		RUN(test_bad_params);
		RUN(test_validity_years);
	}
	RUN(test_serial);
	RUN(test_info_foreign);
	X509_free(root);
	X509_free(ca);
	X509_free(ee);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(ee_key);
	if (getenv("GMPKI_TEST_KEEP") == NULL)
		fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
