/*
 * show.c - gmpki show: a certificate, certificate request or CRL (PEM or
 * DER) in human-readable form, Chinese labels with English.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "cli.h"
#include "gmpki/gmpki.h"

static const char show_usage[] =
    "用法 (usage): gmpki show FILE\n"
    "\n"
    "显示证书、证书请求或证书撤销列表 (show a certificate, a certificate\n"
    "request or a CRL; PEM or DER, recognised automatically).\n";

/* Terminal columns of UTF-8 text: CJK characters take two. */
static size_t
columns(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	for (; *p != '\0'; p++) {
		if (*p < 0x80)
			w++;
		else if (*p >= 0xe0 && *p < 0xf0)
			w += 2;	/* a 3-byte sequence: CJK in these labels */
		else if (*p >= 0xc0)
			w++;
	}
	return w;
}

#define LABEL_COLUMNS 36

static void
line(const char *label, const char *value)
{
	size_t w = columns(label);

	printf("%s%*s%s\n", label, w < LABEL_COLUMNS ?
	    (int)(LABEL_COLUMNS - w) : 1, "",
	    value != NULL && *value != '\0' ? value : "-");
}

static void
line_time(const char *label, time_t t)
{
	char buf[32];

	gmpki_time_format(t, buf, sizeof(buf));
	line(label, buf);
}

static void
key_usage_str(unsigned ku, char *out, size_t outlen)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "cRLSign" },
		{ KU_ENCIPHER_ONLY, "encipherOnly" },
		{ KU_DECIPHER_ONLY, "decipherOnly" },
	};
	size_t i, off = 0;
	int n;

	out[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(ku & names[i].bit))
			continue;
		n = snprintf(out + off, outlen - off, "%s%s", off ? ", " : "",
		    names[i].name);
		if (n < 0 || (size_t)n >= outlen - off)
			return;
		off += (size_t)n;
	}
}

static int
show_cert(X509 *cert)
{
	struct gmpki_cert_info *info;
	char buf[256];
	int rc;

	if ((info = calloc(1, sizeof(*info))) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rc = gmpki_cert_info_get(cert, info)) != 0) {
		free(info);
		return rc;
	}
	line("类型 (Type):", info->is_ca ? "CA证书 (CA certificate)" :
	    "证书 (Certificate)");
	line("主题 (Subject):", info->subject);
	line("用户名 (Username, CN):", info->cn);
	line("企业名称 (Organization, O):", info->org);
	line("企业代码 (USCC):", info->uscc);
	line("签发者 (Issuer):", info->issuer);
	line("序列号 (Serial):", info->serial);
	line_time("有效期自 (Not before):", info->not_before);
	line_time("有效期至 (Not after):", info->not_after);
	snprintf(buf, sizeof(buf), "%lld 天 (days)",
	    (long long)((info->not_after - info->not_before) / 86400));
	line("有效天数 (Validity):", buf);
	line("签名算法 (Signature algorithm):", info->sig_alg);
	line("公钥算法 (Public key):", info->is_sm2 ? "SM2" :
	    "非SM2 (not SM2)");
	if (info->is_ca) {
		if (info->path_len >= 0)
			snprintf(buf, sizeof(buf), "是 (yes), pathLen %d",
			    info->path_len);
		else
			snprintf(buf, sizeof(buf), "是 (yes)");
	} else
		snprintf(buf, sizeof(buf), "否 (no)");
	line("CA:", buf);
	key_usage_str(info->key_usage, buf, sizeof(buf));
	line("密钥用法 (Key usage):", buf);
	line("CRL分发点 (CRL distribution point):", info->crl_url);
	line("OCSP地址 (OCSP URL):", info->ocsp_url);
	line("SM3指纹 (SM3 fingerprint):", info->sm3_fp);
	line("SHA-256指纹 (SHA-256 fingerprint):", info->sha256_fp);
	free(info);
	return 0;
}

static int
show_csr(X509_REQ *req)
{
	char *subject = NULL, buf[GMPKI_MAX_NAME_LEN];
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;
	EVP_PKEY *pub;
	int rc;

	if ((subject = malloc(GMPKI_MAX_NAME_LEN * 2)) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rc = gmpki_name_print(X509_REQ_get_subject_name(req), subject,
	    GMPKI_MAX_NAME_LEN * 2)) != 0) {
		free(subject);
		return rc;
	}
	line("类型 (Type):", "证书请求 (Certificate request, PKCS#10)");
	line("主题 (Subject):", subject);
	free(subject);
	if (gmpki_name_get(X509_REQ_get_subject_name(req), NID_commonName, buf,
	    sizeof(buf)) == 0)
		line("用户名 (Username, CN):", buf);
	if (gmpki_name_get(X509_REQ_get_subject_name(req),
	    NID_organizationName, buf, sizeof(buf)) == 0)
		line("企业名称 (Organization, O):", buf);
	if (gmpki_name_get(X509_REQ_get_subject_name(req),
	    NID_organizationIdentifier, buf, sizeof(buf)) == 0)
		line("企业代码 (USCC):", buf);
	pub = X509_REQ_get0_pubkey(req);
	ERR_clear_error();
	if (pub == NULL)
		line("公钥算法 (Public key):", "无法解析 (cannot parse)");
	else if (gmpki_sm2_is_sm2(pub))
		line("公钥算法 (Public key):", "SM2");
	else {
		snprintf(buf, sizeof(buf), "%s, 非SM2 (not SM2)",
		    EVP_PKEY_get0_type_name(pub) != NULL ?
		    EVP_PKEY_get0_type_name(pub) : "?");
		line("公钥算法 (Public key):", buf);
	}
	X509_REQ_get0_signature(req, NULL, &alg);
	if (alg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	line("签名算法 (Signature algorithm):", obj != NULL &&
	    OBJ_obj2nid(obj) != NID_undef ? OBJ_nid2ln(OBJ_obj2nid(obj)) :
	    "?");
	rc = gmpki_sm2_verify_req(req, NULL);
	if (rc == 0)
		line("签名 (Signature):", "有效 (valid)");
	else {
		snprintf(buf, sizeof(buf), "无效 (invalid): %s (%s)",
		    gmpki_strerror(rc), gmpki_strerror_en(rc));
		line("签名 (Signature):", buf);
	}
	return 0;
}

static int
show_crl(X509_CRL *crl)
{
	STACK_OF(X509_REVOKED) *revs;
	X509_REVOKED *rev;
	ASN1_ENUMERATED *e;
	char *issuer, serial[84], buf[64];
	time_t t;
	long num;
	int i, n, reason, rc;

	if ((issuer = malloc(GMPKI_MAX_NAME_LEN * 2)) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rc = gmpki_name_print(X509_CRL_get_issuer(crl), issuer,
	    GMPKI_MAX_NAME_LEN * 2)) != 0) {
		free(issuer);
		return rc;
	}
	line("类型 (Type):", "证书撤销列表 (CRL)");
	line("签发者 (Issuer):", issuer);
	free(issuer);
	if (gmpki_asn1_time_to_time(X509_CRL_get0_lastUpdate(crl), &t) == 0)
		line_time("本次更新 (This update):", t);
	else
		line("本次更新 (This update):", "无效 (invalid)");
	if (X509_CRL_get0_nextUpdate(crl) == NULL)
		line("下次更新 (Next update):", "-");
	else if (gmpki_asn1_time_to_time(X509_CRL_get0_nextUpdate(crl),
	    &t) == 0)
		line_time("下次更新 (Next update):", t);
	else
		line("下次更新 (Next update):", "无效 (invalid)");
	if ((num = gmpki_crl_number(crl)) >= 0)
		snprintf(buf, sizeof(buf), "%ld", num);
	else
		snprintf(buf, sizeof(buf), "-");
	line("CRL编号 (CRL number):", buf);
	revs = X509_CRL_get_REVOKED(crl);
	n = sk_X509_REVOKED_num(revs);
	snprintf(buf, sizeof(buf), "%d", n < 0 ? 0 : n);
	line("已废除证书数 (Revoked certificates):", buf);
	for (i = 0; i < n; i++) {
		rev = sk_X509_REVOKED_value(revs, i);
		if (gmpki_serial_hex(X509_REVOKED_get0_serialNumber(rev),
		    serial, sizeof(serial)) != 0)
			snprintf(serial, sizeof(serial), "?");
		if (gmpki_asn1_time_to_time(
		    X509_REVOKED_get0_revocationDate(rev), &t) != 0)
			t = 0;
		gmpki_time_format(t, buf, sizeof(buf));
		reason = GMPKI_REASON_UNSPECIFIED;
		if ((e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL,
		    NULL)) != NULL) {
			reason = (int)ASN1_ENUMERATED_get(e);
			ASN1_ENUMERATED_free(e);
		}
		ERR_clear_error();
		printf("  序列号 (Serial): %s\n"
		    "    废除时间 (Revoked at): %s\n"
		    "    原因 (Reason): %s (%s)\n", serial, buf,
		    gmpki_reason_label_zh(reason), gmpki_reason_name(reason));
	}
	return 0;
}

/* The label of a PEM file, or NULL for DER; *rc set on a PEM error. */
static int
pem_label(const unsigned char *buf, size_t len, char **label)
{
	unsigned char *der = NULL;
	size_t derlen = 0;
	int rc;

	*label = NULL;
	if (!gmpki_is_pem(buf, len))
		return 0;
	rc = gmpki_pem_decode_one(buf, len, NULL, &der, &derlen, label);
	free(der);
	return rc;
}

int
show_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "show", *file;
	unsigned char *buf = NULL;
	size_t len = 0;
	char *label = NULL;
	X509 *cert = NULL;
	X509_REQ *req = NULL;
	X509_CRL *crl = NULL;
	int c, rc, r1 = 0, r2 = 0, r3 = 0, ret = CLI_FAIL;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(show_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(cmd, argc, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(cmd, "应给出一个文件",
		    "give exactly one file", NULL);
	file = argv[optind];
	if ((rc = gmpki_file_read(file, GMPKI_MAX_CRL_SIZE, &buf, &len)) != 0) {
		cli_error(cmd, file, rc);
		return CLI_FAIL;
	}
	if ((rc = pem_label(buf, len, &label)) != 0) {
		cli_error(cmd, file, rc);
		goto out;
	}
	if (label != NULL) {
		if (strcmp(label, "CERTIFICATE") == 0)
			rc = gmpki_cert_from_mem(buf, len, &cert);
		else if (strcmp(label, "CERTIFICATE REQUEST") == 0 ||
		    strcmp(label, "NEW CERTIFICATE REQUEST") == 0)
			rc = gmpki_csr_parse(buf, len, &req);
		else if (strcmp(label, "X509 CRL") == 0)
			rc = gmpki_crl_parse(buf, len, &crl);
		else {
			cli_message(cmd, "不支持的文件类型，只能显示证书、证书请求"
			    "或证书撤销列表", "unsupported file type: only "
			    "certificates, requests and CRLs are shown", label);
			goto out;
		}
	} else if ((r1 = gmpki_cert_from_mem(buf, len, &cert)) != 0 &&
	    (r2 = gmpki_csr_parse(buf, len, &req)) != 0 &&
	    (r3 = gmpki_crl_parse(buf, len, &crl)) != 0) {
		/* DER that is none of the three: the most telling reason. */
		if (r1 == GMPKI_ERR_TOO_LARGE || r2 == GMPKI_ERR_TOO_LARGE ||
		    r3 == GMPKI_ERR_TOO_LARGE)
			rc = GMPKI_ERR_TOO_LARGE;
		else if (r1 == GMPKI_ERR_TRAILING || r2 == GMPKI_ERR_TRAILING ||
		    r3 == GMPKI_ERR_TRAILING)
			rc = GMPKI_ERR_TRAILING;
		else
			rc = GMPKI_ERR_DECODE;
	}
	if (rc != 0) {
		cli_error(cmd, file, rc);
		goto out;
	}
	if (cert != NULL)
		rc = show_cert(cert);
	else if (req != NULL)
		rc = show_csr(req);
	else
		rc = show_crl(crl);
	if (rc != 0) {
		cli_error(cmd, file, rc);
		goto out;
	}
	ret = CLI_OK;
out:
	free(label);
	free(buf);
	X509_free(cert);
	X509_REQ_free(req);
	X509_CRL_free(crl);
	return ret;
}
