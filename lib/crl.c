/*
 * crl.c - X.509 v2 CRLs (RFC 5280 §5) signed with SM2-with-SM3.
 *
 * Profile of the CRLs made here (docs/REVOCATION.md):
 *   version v2, signature SM2-with-SM3, issuer = the CA's subject,
 *   thisUpdate / nextUpdate (RFC 5280 §5.1.2.4-5: UTCTime until 2049,
 *   GeneralizedTime after), one entry per revoked certificate with its
 *   revocationDate and a reasonCode entry extension (§5.3.1) unless the
 *   reason is unspecified, entries sorted by serial, and the CRL
 *   extensions authorityKeyIdentifier (§5.2.1) and cRLNumber (§5.2.3),
 *   both non-critical.
 *
 * OpenSSL 3.0's X509_CRL_verify cannot take the SM2 ID and always fails
 * (notes/openssl3-sm2.md §3): signatures go through gmpki_sm2_verify_crl.
 */
#include "gmpki/gmpki.h"

#include "der.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Default CRL lifetime when the caller gives no nextUpdate. */
#define CRL_DEFAULT_LIFETIME (7L * 24 * 60 * 60)
/*
 * Clock skew allowed between the CA and the relying party for thisUpdate
 * (the same 5 minutes the OCSP checks allow).  nextUpdate gets none.
 */
#define CRL_SKEW_SECS 300

struct reason_entry {
	int code;
	const char *name;  /* RFC 5280 §5.3.1 CRLReason identifier */
	const char *zh;
};

static const struct reason_entry reasons[] = {
	{ GMPKI_REASON_UNSPECIFIED, "unspecified", "未指定" },
	{ GMPKI_REASON_KEY_COMPROMISE, "keyCompromise", "密钥泄露" },
	{ GMPKI_REASON_CA_COMPROMISE, "cACompromise", "CA密钥泄露" },
	{ GMPKI_REASON_AFFILIATION_CHANGED, "affiliationChanged", "信息变更" },
	{ GMPKI_REASON_SUPERSEDED, "superseded", "已被取代" },
	{ GMPKI_REASON_CESSATION_OF_OPERATION, "cessationOfOperation",
	    "停止使用" },
	{ GMPKI_REASON_CERTIFICATE_HOLD, "certificateHold", "证书冻结" },
	{ GMPKI_REASON_REMOVE_FROM_CRL, "removeFromCRL", "从CRL中删除" },
	{ GMPKI_REASON_PRIVILEGE_WITHDRAWN, "privilegeWithdrawn", "权限撤销" },
	{ GMPKI_REASON_AA_COMPROMISE, "aACompromise", "属性权威密钥泄露" },
};

#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

static const struct reason_entry *
reason_find(int code)
{
	size_t i;

	for (i = 0; i < NREASONS; i++)
		if (reasons[i].code == code)
			return &reasons[i];
	return NULL;
}

int
gmpki_reason_from_name(const char *name)
{
	size_t i;
	char *end;
	long v;

	if (name == NULL || *name == '\0')
		return -1;
	for (i = 0; i < NREASONS; i++)
		if (strcasecmp(name, reasons[i].name) == 0)
			return reasons[i].code;
	/* The number itself, "0" to "10" (7 is unassigned). */
	if (name[0] < '0' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 10);
	if (*end != '\0' || reason_find((int)v) == NULL || v > 10)
		return -1;
	return (int)v;
}

const char *
gmpki_reason_name(int reason)
{
	const struct reason_entry *r = reason_find(reason);

	return r != NULL ? r->name : "unspecified";
}

const char *
gmpki_reason_label_zh(int reason)
{
	const struct reason_entry *r = reason_find(reason);

	return r != NULL ? r->zh : "未指定";
}

/*
 * A reason a full CRL entry may carry.  removeFromCRL only appears in
 * delta CRLs (RFC 5280 §5.3.1), which are not made here.
 */
static int
reason_ok_for_entry(int reason)
{
	return reason_find(reason) != NULL &&
	    reason != GMPKI_REASON_REMOVE_FROM_CRL;
}

/* DER round trip, so the object handed out behaves as a parsed one (its
 * cached lookup data and encoding are set up by d2i). */
static int
crl_reparse(X509_CRL *crl, X509_CRL **out)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	X509_CRL *c;
	int len;

	if ((len = i2d_X509_CRL(crl, &der)) <= 0) {
		ERR_clear_error();
		return GMPKI_ERR_INTERNAL;
	}
	p = der;
	c = d2i_X509_CRL(NULL, &p, len);
	OPENSSL_free(der);
	if (c == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_INTERNAL;
	}
	*out = c;
	return 0;
}

/*
 * RFC 5280 §5.2.1: the AKI keyIdentifier is the issuer's subject key
 * identifier; an issuer without one gets method 1 of §4.2.1.2 (SHA-1 of
 * the subjectPublicKey BIT STRING), which is what it would carry.
 */
static int
crl_add_aki(X509_CRL *crl, X509 *issuer)
{
	AUTHORITY_KEYID *aki = NULL;
	const ASN1_OCTET_STRING *ski;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int rc = GMPKI_ERR_NOMEM;

	if ((aki = AUTHORITY_KEYID_new()) == NULL)
		goto out;
	if ((ski = X509_get0_subject_key_id(issuer)) != NULL) {
		if ((aki->keyid = ASN1_OCTET_STRING_dup(ski)) == NULL)
			goto out;
	} else {
		if (!X509_pubkey_digest(issuer, EVP_sha1(), md, &mdlen)) {
			rc = GMPKI_ERR_CRYPTO;
			goto out;
		}
		if ((aki->keyid = ASN1_OCTET_STRING_new()) == NULL ||
		    !ASN1_OCTET_STRING_set(aki->keyid, md, (int)mdlen))
			goto out;
	}
	if (!X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, aki, 0,
	    X509V3_ADD_REPLACE))
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	AUTHORITY_KEYID_free(aki);
	return rc;
}

static int
crl_add_entry(X509_CRL *crl, const struct gmpki_revoked *e, time_t dflt)
{
	X509_REVOKED *rev = NULL;
	ASN1_TIME *t = NULL;
	ASN1_ENUMERATED *reason = NULL;
	int rc = GMPKI_ERR_NOMEM;

	if (e->serial == NULL || !reason_ok_for_entry(e->reason) ||
	    e->revoked_at < 0)
		return GMPKI_ERR_ARG;
	if ((rev = X509_REVOKED_new()) == NULL)
		goto out;
	if (!X509_REVOKED_set_serialNumber(rev, (ASN1_INTEGER *)e->serial))
		goto out;
	/* revocationDate (§5.1.2.6); 0 stands for the CRL's thisUpdate. */
	if ((t = ASN1_TIME_adj(NULL, e->revoked_at != 0 ? e->revoked_at :
	    dflt, 0, 0)) == NULL || !X509_REVOKED_set_revocationDate(rev, t))
		goto out;
	/* §5.3.1: "the reason code CRL entry extension SHOULD be absent
	 * instead of using the unspecified (0) reasonCode value". */
	if (e->reason != GMPKI_REASON_UNSPECIFIED) {
		if ((reason = ASN1_ENUMERATED_new()) == NULL ||
		    !ASN1_ENUMERATED_set(reason, e->reason) ||
		    !X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0,
		    0))
			goto out;
	}
	if (!X509_CRL_add0_revoked(crl, rev))
		goto out;
	rev = NULL;
	rc = 0;
out:
	ERR_clear_error();
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(t);
	X509_REVOKED_free(rev);
	return rc;
}

int
gmpki_crl_create(X509 *issuer_cert, EVP_PKEY *issuer_key,
    const struct gmpki_revoked *entries, size_t n, long crl_number,
    time_t this_update, time_t next_update, const char *sm2_id,
    X509_CRL **out)
{
	X509_CRL *crl = NULL;
	ASN1_TIME *t = NULL;
	ASN1_INTEGER *num = NULL;
	size_t i;
	int rc = GMPKI_ERR_NOMEM;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (issuer_cert == NULL || issuer_key == NULL ||
	    (entries == NULL && n != 0) || crl_number < 0 || this_update < 0 ||
	    next_update < 0)
		return GMPKI_ERR_ARG;
	if (!gmpki_sm2_key_match(issuer_key, X509_get0_pubkey(issuer_cert)))
		return GMPKI_ERR_KEY_MISMATCH;
	/* §4.2.1.3: a key used for CRL signatures needs cRLSign. */
	if ((X509_get_extension_flags(issuer_cert) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(issuer_cert) & KU_CRL_SIGN))
		return GMPKI_ERR_NOT_CA;
	if (this_update == 0)
		this_update = time(NULL);
	if (next_update == 0)
		next_update = this_update + CRL_DEFAULT_LIFETIME;
	if (next_update <= this_update)
		return GMPKI_ERR_ARG;

	if ((crl = X509_CRL_new()) == NULL)
		goto out;
	/* §5.1.2.1: v2 (value 1) because extensions are present. */
	if (!X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer_cert)))
		goto out;
	if ((t = ASN1_TIME_adj(NULL, this_update, 0, 0)) == NULL ||
	    !X509_CRL_set1_lastUpdate(crl, t))
		goto out;
	if (ASN1_TIME_adj(t, next_update, 0, 0) == NULL ||
	    !X509_CRL_set1_nextUpdate(crl, t))
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = crl_add_entry(crl, &entries[i], this_update)) != 0)
			goto out;
	rc = GMPKI_ERR_NOMEM;
	/* Sorted by serial: deterministic output, quick lookups. */
	if (!X509_CRL_sort(crl))
		goto out;
	if ((rc = crl_add_aki(crl, issuer_cert)) != 0)
		goto out;
	rc = GMPKI_ERR_NOMEM;
	/* §5.2.3: cRLNumber, a monotonically increasing INTEGER. */
	if ((num = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set_int64(num, crl_number) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0))
		goto out;
	if ((rc = gmpki_sm2_sign_crl(crl, issuer_key, sm2_id)) != 0)
		goto out;
	rc = crl_reparse(crl, out);
out:
	ERR_clear_error();
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return rc;
}

int
gmpki_crl_parse(const unsigned char *in, size_t len, X509_CRL **out)
{
	ASN1_VALUE *v = NULL;
	int rc;

	if (in == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	/* RFC 7468 §5: the label is "X509 CRL". */
	rc = gmpki_decode_one(ASN1_ITEM_rptr(X509_CRL), "X509 CRL", in, len,
	    GMPKI_MAX_CRL_SIZE, &v);
	*out = (X509_CRL *)v;
	return rc;
}

int
gmpki_crl_load(const char *path, X509_CRL **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = gmpki_file_read(path, (size_t)GMPKI_MAX_CRL_SIZE * 2, &buf,
	    &len)) != 0)
		return rc;
	rc = gmpki_crl_parse(buf, len, out);
	free(buf);
	return rc;
}

/* The CRL and entry extensions this module processes (RFC 5280 §5.2, §5.3). */
static int
crl_ext_known(const X509_EXTENSION *ext)
{
	switch (OBJ_obj2nid(X509_EXTENSION_get_object(
	    (X509_EXTENSION *)ext))) {
	case NID_authority_key_identifier:
	case NID_crl_number:
	case NID_crl_reason:
	case NID_invalidity_date:
		return 1;
	default:
		return 0;
	}
}

/*
 * RFC 5280 §5.2: "If a CRL contains a critical extension that the
 * application cannot process, then the application MUST NOT use that CRL
 * to determine the status of certificates"; §5.3 says the same of entry
 * extensions.  Critical issuingDistributionPoint (partitioned CRLs),
 * deltaCRLIndicator and certificateIssuer (indirect CRLs) are not
 * supported and land here.
 */
static int
crl_has_unknown_critical(const X509_CRL *crl)
{
	STACK_OF(X509_REVOKED) *revs;
	int i, j;

	for (i = 0; i < X509_CRL_get_ext_count(crl); i++) {
		X509_EXTENSION *ext = X509_CRL_get_ext(crl, i);

		if (X509_EXTENSION_get_critical(ext) && !crl_ext_known(ext))
			return 1;
	}
	revs = X509_CRL_get_REVOKED((X509_CRL *)crl);
	for (i = 0; i < sk_X509_REVOKED_num(revs); i++) {
		const X509_REVOKED *rev = sk_X509_REVOKED_value(revs, i);

		for (j = 0; j < X509_REVOKED_get_ext_count(rev); j++) {
			X509_EXTENSION *ext = X509_REVOKED_get_ext(rev, j);

			if (X509_EXTENSION_get_critical(ext) &&
			    !crl_ext_known(ext))
				return 1;
		}
	}
	return 0;
}

/* §5.2.1: when both are present, the CRL's AKI keyIdentifier must name
 * the issuer's key. */
static int
crl_aki_matches(X509_CRL *crl, X509 *issuer)
{
	AUTHORITY_KEYID *aki;
	const ASN1_OCTET_STRING *ski;
	int crit = 0, ok = 1;

	aki = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, &crit,
	    NULL);
	if (aki == NULL) {
		ERR_clear_error();
		/* -1: absent; -2: present more than once, which is an error */
		return crit == -1;
	}
	ski = X509_get0_subject_key_id(issuer);
	if (aki->keyid != NULL && ski != NULL &&
	    ASN1_OCTET_STRING_cmp(aki->keyid, ski) != 0)
		ok = 0;
	AUTHORITY_KEYID_free(aki);
	return ok;
}

int
gmpki_crl_verify(X509_CRL *crl, X509 *issuer, time_t at, const char *sm2_id)
{
	EVP_PKEY *pub;
	const ASN1_TIME *nu;
	time_t tu = 0, tn = 0;
	int rc;

	if (crl == NULL || issuer == NULL || at < 0)
		return GMPKI_ERR_ARG;
	if (at == 0)
		at = time(NULL);
	/* §6.3.3 (b)(1): the CRL issuer is the certificate's issuer. */
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(issuer)) != 0)
		return GMPKI_ERR_CRL_INVALID;
	/* §6.3.3 (f): the issuer's key must be allowed to sign CRLs. */
	if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(issuer) & KU_CRL_SIGN))
		return GMPKI_ERR_CRL_INVALID;
	if ((pub = X509_get0_pubkey(issuer)) == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_CRL_INVALID;
	}
	/* §6.3.3 (g): the signature, with the SM2 ID. */
	if ((rc = gmpki_sm2_verify_crl(crl, pub, sm2_id)) != 0)
		return rc == GMPKI_ERR_KEY_NOT_SM2 ? rc : GMPKI_ERR_SIGNATURE;
	if (!crl_aki_matches(crl, issuer) || crl_has_unknown_critical(crl))
		return GMPKI_ERR_CRL_INVALID;
	/* Extensions need v2 (§5.1.2.1). */
	if (X509_CRL_get_ext_count(crl) > 0 &&
	    X509_CRL_get_version(crl) != X509_CRL_VERSION_2)
		return GMPKI_ERR_CRL_INVALID;
	/* §5.1.2.4-5: usable from thisUpdate (5 min skew) until nextUpdate.
	 * A CRL without nextUpdate cannot be judged fresh: the CAs here always
	 * set it, so its absence is treated as expired. */
	if (gmpki_asn1_time_to_time(X509_CRL_get0_lastUpdate(crl), &tu) != 0)
		return GMPKI_ERR_CRL_INVALID;
	if (tu > at + CRL_SKEW_SECS)
		return GMPKI_ERR_CRL_INVALID;
	if ((nu = X509_CRL_get0_nextUpdate(crl)) == NULL)
		return GMPKI_ERR_CRL_EXPIRED;
	if (gmpki_asn1_time_to_time(nu, &tn) != 0)
		return GMPKI_ERR_CRL_INVALID;
	if (tn <= at)
		return GMPKI_ERR_CRL_EXPIRED;
	return 0;
}

int
gmpki_crl_find(X509_CRL *crl, const ASN1_INTEGER *serial,
    time_t *revoked_at, int *reason)
{
	X509_REVOKED *rev = NULL;
	ASN1_ENUMERATED *e;
	time_t t = 0;
	long v;
	int crit = 0, found;

	if (crl == NULL || serial == NULL)
		return GMPKI_ERR_ARG;
	found = X509_CRL_get0_by_serial(crl, &rev, serial);
	ERR_clear_error();
	/* 2: listed as removeFromCRL (delta CRLs), i.e. not revoked. */
	if (found != 1 || rev == NULL)
		return GMPKI_ERR_NOT_FOUND;
	if (gmpki_asn1_time_to_time(X509_REVOKED_get0_revocationDate(rev),
	    &t) != 0)
		return GMPKI_ERR_DECODE;
	/* §5.3.1: an absent reasonCode means unspecified. */
	v = GMPKI_REASON_UNSPECIFIED;
	e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL);
	if (e != NULL) {
		v = ASN1_ENUMERATED_get(e);
		ASN1_ENUMERATED_free(e);
		if (reason_find((int)v) == NULL || v > 10)
			return GMPKI_ERR_DECODE;
	} else if (crit != -1) {
		/* Present but undecodable (0) or repeated (-2). */
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	if (revoked_at != NULL)
		*revoked_at = t;
	if (reason != NULL)
		*reason = (int)v;
	return 0;
}

int
gmpki_crl_to_der(X509_CRL *crl, unsigned char **out, size_t *outlen)
{
	unsigned char *der = NULL;
	int len;

	if (crl == NULL || out == NULL || outlen == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	*outlen = 0;
	len = i2d_X509_CRL(crl, &der);
	return gmpki_i2d_take(der, len, out, outlen);
}

int
gmpki_crl_to_pem(X509_CRL *crl, char **out, size_t *outlen)
{
	unsigned char *der = NULL;
	int len;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (crl == NULL)
		return GMPKI_ERR_ARG;
	len = i2d_X509_CRL(crl, &der);
	return gmpki_i2d_pem("X509 CRL", der, len, out, outlen);
}

long
gmpki_crl_number(X509_CRL *crl)
{
	ASN1_INTEGER *num;
	int64_t v = -1;
	int crit = 0;

	if (crl == NULL)
		return -1;
	if ((num = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit,
	    NULL)) == NULL) {
		ERR_clear_error();
		return -1;
	}
	if (!ASN1_INTEGER_get_int64(&v, num) || v < 0 || v > LONG_MAX)
		v = -1;
	ERR_clear_error();
	ASN1_INTEGER_free(num);
	return (long)v;
}
