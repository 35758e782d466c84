/*
 * cert.c - issuing X.509 v3 certificates to the project's GM/T 0015-2012
 * profile (docs/CERT-PROFILE.md has the table per kind), random serials,
 * and reading a certificate into struct gmpki_cert_info.
 *
 * Extensions are built from OpenSSL's typed structures, never from
 * X509V3_EXT_conf strings: a URL with a ',' would otherwise be read as a
 * second value.  Signing goes through lib/sm2.c only, which sets the SM2
 * user ID; the result is verified once more before it is handed out.
 */
#include "gmpki/gmpki.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define MAX_URL_LEN 1024
#define MAX_YEARS 100

/* Copies src (n bytes) into out, cut at a UTF-8 character boundary. */
static void
copy_cut(char *out, size_t outlen, const char *src, size_t n)
{
	if (outlen == 0)
		return;
	if (n >= outlen) {
		n = outlen - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, src, n);
	out[n] = '\0';
}

static void
hex_lower(const unsigned char *b, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ----- serials ------------------------------------------------------------ */

/*
 * RFC 5280 §4.1.2.2: positive, at most 20 octets; CA/B BR §7.1 asks for 64
 * bits of CSPRNG output.  128 random bits with the top bit clear (positive)
 * and a non-zero first octet, so the DER INTEGER is exactly 16 octets.
 */
int
gmpki_serial_random(ASN1_INTEGER **out)
{
	unsigned char b[GMPKI_SERIAL_BYTES];
	ASN1_INTEGER *ai = NULL;
	int tries;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	for (tries = 0;; tries++) {
		if (tries > 64 || RAND_bytes(b, sizeof(b)) != 1) {
			ERR_clear_error();
			return GMPKI_ERR_CRYPTO;
		}
		b[0] &= 0x7f;
		if (b[0] != 0)
			break;
	}
	if ((ai = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_STRING_set(ai, b, sizeof(b))) {
		ASN1_INTEGER_free(ai);
		return GMPKI_ERR_NOMEM;
	}
	*out = ai;
	return 0;
}

int
gmpki_serial_hex(const ASN1_INTEGER *serial, char *out, size_t outlen)
{
	BIGNUM *bn = NULL;
	char *h = NULL;
	int rc = GMPKI_ERR_NOMEM;

	if (serial == NULL || out == NULL || outlen == 0)
		return GMPKI_ERR_ARG;
	out[0] = '\0';
	if ((bn = ASN1_INTEGER_to_BN(serial, NULL)) == NULL ||
	    (h = BN_bn2hex(bn)) == NULL)
		goto out;
	{
		/* BN_bn2hex writes whole bytes ("04AB"); cert.h promises no
		 * leading zeros, so every part of the system spells a serial
		 * one way ("4AB"). */
		const char *digits = h, *sign = "";
		size_t n;

		if (*digits == '-') {
			sign = "-";
			digits++;
		}
		while (digits[0] == '0' && digits[1] != '\0')
			digits++;
		n = strlen(sign) + strlen(digits);
		if (n >= outlen) {
			rc = GMPKI_ERR_TOO_LARGE;
			goto out;
		}
		snprintf(out, outlen, "%s%s", sign, digits);
	}
	rc = 0;
out:
	ERR_clear_error();
	OPENSSL_free(h);
	BN_free(bn);
	return rc;
}

int
gmpki_serial_from_hex(const char *hex, ASN1_INTEGER **out)
{
	BIGNUM *bn = NULL;
	ASN1_INTEGER *ai = NULL;
	size_t n, i;
	int rc = GMPKI_ERR_ARG;

	if (hex == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	/* RFC 5280 §4.1.2.2: at most 20 octets, i.e. 40 hex digits. */
	n = strnlen(hex, 41);
	if (n == 0 || n > 40)
		return GMPKI_ERR_ARG;
	for (i = 0; i < n; i++) {
		char c = hex[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return GMPKI_ERR_ARG;
	}
	if (BN_hex2bn(&bn, hex) != (int)n ||
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	*out = ai;
	rc = 0;
out:
	ERR_clear_error();
	BN_free(bn);
	return rc;
}

/* ----- time ----------------------------------------------------------------- */

void
gmpki_time_format(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (out == NULL || outlen == 0)
		return;
	out[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		out[0] = '\0';
}

int
gmpki_asn1_time_to_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;
	time_t v;

	if (t == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	/* ASN1_TIME_to_tm checks the UTCTime/GeneralizedTime syntax. */
	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	if ((v = timegm(&tm)) == (time_t)-1)
		return GMPKI_ERR_DECODE;
	*out = v;
	return 0;
}

/* t plus years calendar years; 29 February becomes 1 March (timegm). */
static int
add_years(time_t t, int years, time_t *out)
{
	struct tm tm;
	time_t v;

	if (gmtime_r(&t, &tm) == NULL)
		return GMPKI_ERR_ARG;
	tm.tm_year += years;
	if ((v = timegm(&tm)) == (time_t)-1)
		return GMPKI_ERR_ARG;
	*out = v;
	return 0;
}

/* ----- extensions ----------------------------------------------------------- */

/* An http(s) URI with no spaces, controls or non-ASCII (RFC 3986 §2). */
static int
url_ok(const char *u)
{
	size_t n, i;

	n = strnlen(u, MAX_URL_LEN + 1);
	if (n > MAX_URL_LEN)
		return 0;
	if (strncmp(u, "http://", 7) == 0)
		i = 7;
	else if (strncmp(u, "https://", 8) == 0)
		i = 8;
	else
		return 0;
	if (i == n || u[i] == '/')	/* an empty host */
		return 0;
	for (; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f)
			return 0;
	return 1;
}

static GENERAL_NAME *
uri_name(const char *u)
{
	GENERAL_NAME *gn = NULL;
	ASN1_IA5STRING *s = NULL;

	if ((gn = GENERAL_NAME_new()) == NULL ||
	    (s = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(s, u, (int)strlen(u))) {
		GENERAL_NAME_free(gn);
		ASN1_IA5STRING_free(s);
		return NULL;
	}
	GENERAL_NAME_set0_value(gn, GEN_URI, s);
	return gn;
}

/* Adds extension nid whose extnValue is the DER value (der, len). */
static int
add_ext_der(X509 *x, int nid, int crit, const unsigned char *der, int len)
{
	ASN1_OCTET_STRING *os = NULL;
	X509_EXTENSION *ext = NULL;
	int rc = GMPKI_ERR_NOMEM;

	if ((os = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(os, der, len) ||
	    (ext = X509_EXTENSION_create_by_NID(NULL, nid, crit, os)) == NULL ||
	    !X509_add_ext(x, ext, -1))
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	return rc;
}

/* RFC 5280 §4.2.1.9. */
static int
add_basic_constraints(X509 *x, int ca, int pathlen)
{
	BASIC_CONSTRAINTS *bc;
	int rc = GMPKI_ERR_NOMEM;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	bc->ca = ca ? 0xff : 0;
	if (pathlen >= 0) {
		if ((bc->pathlen = ASN1_INTEGER_new()) == NULL ||
		    !ASN1_INTEGER_set(bc->pathlen, pathlen))
			goto out;
	}
	/* Critical for every kind (RFC 5280 §4.2.1.9 requires it for CAs;
	 * for end entities it is allowed and makes the cA=FALSE binding). */
	if (X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	BASIC_CONSTRAINTS_free(bc);
	return rc;
}

/* RFC 5280 §4.2.1.3: bits are numbered digitalSignature(0) .. */
static int
add_key_usage(X509 *x, const int *bits, size_t nbits)
{
	ASN1_BIT_STRING *ku;
	size_t i;
	int rc = GMPKI_ERR_NOMEM;

	if ((ku = ASN1_BIT_STRING_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	for (i = 0; i < nbits; i++)
		if (!ASN1_BIT_STRING_set_bit(ku, bits[i], 1))
			goto out;
	/* "SHOULD mark this extension as critical" (§4.2.1.3). */
	if (X509_add1_ext_i2d(x, NID_key_usage, ku, 1, X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	ASN1_BIT_STRING_free(ku);
	return rc;
}

/* RFC 5280 §4.2.1.12, non-critical.  nid, or oid when nid is NID_undef
 * (a purpose OpenSSL has no NID for). */
static int
add_eku(X509 *x, int nid, const char *oid)
{
	EXTENDED_KEY_USAGE *eku;
	ASN1_OBJECT *obj;
	int rc = GMPKI_ERR_NOMEM;

	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL)
		return GMPKI_ERR_NOMEM;
	/* OBJ_txt2obj with no_name 1 makes a private object: nothing is
	 * added to OpenSSL's global table. */
	obj = nid != NID_undef ? OBJ_nid2obj(nid) : OBJ_txt2obj(oid, 1);
	if (obj == NULL || !sk_ASN1_OBJECT_push(eku, obj)) {
		ASN1_OBJECT_free(obj);
		goto out;
	}
	if (X509_add1_ext_i2d(x, NID_ext_key_usage, eku, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return rc;
}

/* SHA-1 of the subjectPublicKey BIT STRING (RFC 5280 §4.2.1.2 (1)). */
static int
key_id_of(X509 *x, ASN1_OCTET_STRING **out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	ASN1_OCTET_STRING *os;

	if (!X509_pubkey_digest(x, EVP_sha1(), md, &mdlen)) {
		ERR_clear_error();
		return GMPKI_ERR_CRYPTO;
	}
	if ((os = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(os, md, (int)mdlen)) {
		ASN1_OCTET_STRING_free(os);
		return GMPKI_ERR_NOMEM;
	}
	*out = os;
	return 0;
}

static int
add_ski(X509 *x, ASN1_OCTET_STRING **ski_out)
{
	ASN1_OCTET_STRING *ski = NULL;
	int rc;

	if ((rc = key_id_of(x, &ski)) != 0)
		return rc;
	if (X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0,
	    X509V3_ADD_DEFAULT) != 1) {
		ERR_clear_error();
		ASN1_OCTET_STRING_free(ski);
		return GMPKI_ERR_NOMEM;
	}
	*ski_out = ski;
	return 0;
}

/* RFC 5280 §4.2.1.1: keyIdentifier only, non-critical. */
static int
add_aki(X509 *x, const ASN1_OCTET_STRING *keyid)
{
	AUTHORITY_KEYID *aki;
	int rc = GMPKI_ERR_NOMEM;

	if ((aki = AUTHORITY_KEYID_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((aki->keyid = ASN1_OCTET_STRING_dup(keyid)) == NULL)
		goto out;
	if (X509_add1_ext_i2d(x, NID_authority_key_identifier, aki, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	AUTHORITY_KEYID_free(aki);
	return rc;
}

/* RFC 5280 §4.2.1.13: one DistributionPoint with a fullName URI. */
static int
add_crl_dp(X509 *x, const char *url)
{
	CRL_DIST_POINTS *dps = NULL;
	DIST_POINT *dp = NULL;
	GENERAL_NAME *gn = NULL;
	int rc = GMPKI_ERR_NOMEM;

	if ((dps = sk_DIST_POINT_new_null()) == NULL ||
	    (dp = DIST_POINT_new()) == NULL ||
	    (dp->distpoint = DIST_POINT_NAME_new()) == NULL ||
	    (dp->distpoint->name.fullname = GENERAL_NAMES_new()) == NULL ||
	    (gn = uri_name(url)) == NULL)
		goto out;
	dp->distpoint->type = 0;	/* fullName */
	if (!sk_GENERAL_NAME_push(dp->distpoint->name.fullname, gn))
		goto out;
	gn = NULL;
	if (!sk_DIST_POINT_push(dps, dp))
		goto out;
	dp = NULL;
	if (X509_add1_ext_i2d(x, NID_crl_distribution_points, dps, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	GENERAL_NAME_free(gn);
	DIST_POINT_free(dp);
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return rc;
}

static int
push_access(AUTHORITY_INFO_ACCESS *aia, int method, const char *url)
{
	ACCESS_DESCRIPTION *ad;
	GENERAL_NAME *gn;

	if ((ad = ACCESS_DESCRIPTION_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((gn = uri_name(url)) == NULL) {
		ACCESS_DESCRIPTION_free(ad);
		return GMPKI_ERR_NOMEM;
	}
	ASN1_OBJECT_free(ad->method);
	ad->method = OBJ_nid2obj(method);
	GENERAL_NAME_free(ad->location);
	ad->location = gn;
	if (!sk_ACCESS_DESCRIPTION_push(aia, ad)) {
		ACCESS_DESCRIPTION_free(ad);
		return GMPKI_ERR_NOMEM;
	}
	return 0;
}

/* RFC 5280 §4.2.2.1, non-critical: id-ad-ocsp and/or id-ad-caIssuers. */
static int
add_aia(X509 *x, const char *ocsp, const char *issuers)
{
	AUTHORITY_INFO_ACCESS *aia;
	int rc = GMPKI_ERR_NOMEM;

	if (ocsp == NULL && issuers == NULL)
		return 0;
	if ((aia = sk_ACCESS_DESCRIPTION_new_null()) == NULL)
		return GMPKI_ERR_NOMEM;
	if (ocsp != NULL && (rc = push_access(aia, NID_ad_OCSP, ocsp)) != 0)
		goto out;
	if (issuers != NULL &&
	    (rc = push_access(aia, NID_ad_ca_issuers, issuers)) != 0)
		goto out;
	rc = GMPKI_ERR_NOMEM;
	if (X509_add1_ext_i2d(x, NID_info_access, aia, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	sk_ACCESS_DESCRIPTION_pop_free(aia, ACCESS_DESCRIPTION_free);
	return rc;
}

/*
 * GM/T 0015-2012 §5.2.2.4 private extension 1.2.156.10260.4.1.4 (企业工商
 * 注册号, now the 统一社会信用代码): non-critical, extnValue the DER of a
 * PrintableString (the code's alphabet is digits and upper-case letters).
 */
static int
add_uscc_ext(X509 *x, const char *uscc)
{
	ASN1_PRINTABLESTRING *ps;
	unsigned char *der = NULL;
	int len, rc = GMPKI_ERR_NOMEM;

	if (gmpki_nid_uscc_ext() == NID_undef)
		return GMPKI_ERR_INTERNAL;	/* gmpki_init() not called */
	if ((ps = ASN1_PRINTABLESTRING_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if (!ASN1_STRING_set(ps, uscc, (int)strlen(uscc)) ||
	    (len = i2d_ASN1_PRINTABLESTRING(ps, &der)) <= 0)
		goto out;
	rc = add_ext_der(x, gmpki_nid_uscc_ext(), 0, der, len);
out:
	ERR_clear_error();
	OPENSSL_free(der);
	ASN1_PRINTABLESTRING_free(ps);
	return rc;
}

/* ----- issuing -------------------------------------------------------------- */

/* RFC 5280 §4.2.1.9 / §4.2.1.3: a CA certificate that may sign certs. */
static int
is_signing_ca(X509 *c)
{
	uint32_t fl = X509_get_extension_flags(c);

	if (!(fl & EXFLAG_CA) || !(fl & EXFLAG_BCONS))
		return 0;
	if (!(fl & EXFLAG_KUSAGE) || !(X509_get_key_usage(c) & KU_KEY_CERT_SIGN))
		return 0;
	return 1;
}

static int
has_entry(const X509_NAME *n, int nid)
{
	return X509_NAME_get_index_by_NID(n, nid, -1) >= 0;
}

static int
default_years(enum gmpki_cert_kind kind)
{
	switch (kind) {
	case GMPKI_CERT_ROOT:
		return 20;
	case GMPKI_CERT_ISSUING:
		return 10;
	case GMPKI_CERT_OCSP:
	case GMPKI_CERT_DOCSIGN:
		return 1;
	default:
		return GMPKI_DEFAULT_EE_YEARS;
	}
}

/* Checks the EE subject against the profile and the USCC parameter. */
static int
check_ee_subject(const struct gmpki_issue_params *p)
{
	char oi[64];
	int rc;

	if (!has_entry(p->subject, NID_countryName) ||
	    !has_entry(p->subject, NID_organizationName) ||
	    !has_entry(p->subject, NID_commonName))
		return GMPKI_ERR_SUBJECT;
	if (p->uscc == NULL)
		return GMPKI_ERR_USCC_LENGTH;
	if ((rc = gmpki_uscc_validate(p->uscc, NULL, NULL)) != 0)
		return rc;
	/* A subject organizationIdentifier must be the same code. */
	rc = gmpki_name_get(p->subject, NID_organizationIdentifier, oi,
	    sizeof(oi));
	if (rc == GMPKI_ERR_NOT_FOUND)
		return 0;
	if (rc != 0 || strcmp(oi, p->uscc) != 0)
		return GMPKI_ERR_SUBJECT;
	return 0;
}

static int
check_params(const struct gmpki_issue_params *p)
{
	if (p->subject == NULL || p->subject_key == NULL ||
	    p->issuer_key == NULL || p->years < 0 || p->years > MAX_YEARS)
		return GMPKI_ERR_ARG;
	switch (p->kind) {
	case GMPKI_CERT_ROOT:
		if (p->issuer_cert != NULL)
			return GMPKI_ERR_ARG;
		break;
	case GMPKI_CERT_ISSUING:
	case GMPKI_CERT_EE_SIGN:
	case GMPKI_CERT_OCSP:
	case GMPKI_CERT_DOCSIGN:
		if (p->issuer_cert == NULL)
			return GMPKI_ERR_ARG;
		break;
	default:
		return GMPKI_ERR_ARG;
	}
	if ((p->crl_url != NULL && !url_ok(p->crl_url)) ||
	    (p->ocsp_url != NULL && !url_ok(p->ocsp_url)) ||
	    (p->ca_issuers_url != NULL && !url_ok(p->ca_issuers_url)))
		return GMPKI_ERR_ARG;
	if (X509_NAME_entry_count(p->subject) == 0)
		return GMPKI_ERR_SUBJECT;
	return 0;
}

/* not_before / not_after from the params, checked against the issuer. */
static int
validity(const struct gmpki_issue_params *p, time_t *nb, time_t *na)
{
	time_t ina;
	int years, rc;

	*nb = p->not_before != 0 ? p->not_before : time(NULL);
	if (p->not_after != 0)
		*na = p->not_after;
	else {
		years = p->years != 0 ? p->years : default_years(p->kind);
		if ((rc = add_years(*nb, years, na)) != 0)
			return rc;
	}
	if (*na <= *nb)
		return GMPKI_ERR_ARG;
	if (p->issuer_cert != NULL) {
		/* Nothing may outlive its issuer: RFC 5280 allows it, but a
		 * chain that expires mid-way is a trap for relying parties. */
		if ((rc = gmpki_asn1_time_to_time(
		    X509_get0_notAfter(p->issuer_cert), &ina)) != 0)
			return rc;
		if (*na > ina)
			return GMPKI_ERR_ARG;
	}
	return 0;
}

static const int ku_ca[] = { 5, 6 };		/* keyCertSign, cRLSign */
static const int ku_sign[] = { 0 };		/* digitalSignature */

static int
add_profile_exts(X509 *x, const struct gmpki_issue_params *p)
{
	ASN1_OCTET_STRING *ski = NULL, *issuer_kid = NULL;
	const ASN1_OCTET_STRING *ikid;
	int rc;

	switch (p->kind) {
	case GMPKI_CERT_ROOT:
		rc = add_basic_constraints(x, 1, -1);
		break;
	case GMPKI_CERT_ISSUING:
		/* pathLen 0: an issuing CA issues end entities only. */
		rc = add_basic_constraints(x, 1, 0);
		break;
	default:
		rc = add_basic_constraints(x, 0, -1);
		break;
	}
	if (rc != 0)
		goto out;
	if (p->kind == GMPKI_CERT_ROOT || p->kind == GMPKI_CERT_ISSUING)
		rc = add_key_usage(x, ku_ca, 2);
	else
		rc = add_key_usage(x, ku_sign, 1);
	if (rc != 0)
		goto out;
	if (p->kind == GMPKI_CERT_EE_SIGN)
		rc = add_eku(x, NID_client_auth, NULL);
	else if (p->kind == GMPKI_CERT_OCSP)
		rc = add_eku(x, NID_OCSP_sign, NULL);	/* RFC 6960 §4.2.2.2 */
	else if (p->kind == GMPKI_CERT_DOCSIGN)
		/* RFC 9336 §3: signs documents (the service's signed
		 * reporting-system directory), nothing else. */
		rc = add_eku(x, NID_undef, GMPKI_OID_KP_DOCUMENT_SIGNING);
	if (rc != 0)
		goto out;
	if ((rc = add_ski(x, &ski)) != 0)
		goto out;
	/* A root carries AKI = its own SKI (RFC 5280 §4.2.1.1 allows it);
	 * others the issuer's SKI, or its key's SHA-1 when it has none. */
	if (p->kind == GMPKI_CERT_ROOT)
		ikid = ski;
	else if ((ikid = X509_get0_subject_key_id(p->issuer_cert)) == NULL) {
		if ((rc = key_id_of(p->issuer_cert, &issuer_kid)) != 0)
			goto out;
		ikid = issuer_kid;
	}
	if ((rc = add_aki(x, ikid)) != 0)
		goto out;
	/* A root has no CRL DP or AIA: nothing above it speaks for it. */
	if (p->kind != GMPKI_CERT_ROOT) {
		if (p->crl_url != NULL && (rc = add_crl_dp(x, p->crl_url)) != 0)
			goto out;
		/* An OCSP responder's own status is not asked (nocheck). */
		if ((rc = add_aia(x, p->kind == GMPKI_CERT_OCSP ? NULL :
		    p->ocsp_url, p->ca_issuers_url)) != 0)
			goto out;
	}
	if (p->kind == GMPKI_CERT_EE_SIGN &&
	    (rc = add_uscc_ext(x, p->uscc)) != 0)
		goto out;
	if (p->kind == GMPKI_CERT_OCSP) {
		/* RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck, value NULL. */
		static const unsigned char asn1_null[] = { 0x05, 0x00 };

		if ((rc = add_ext_der(x, NID_id_pkix_OCSP_noCheck, 0,
		    asn1_null, sizeof(asn1_null))) != 0)
			goto out;
	}
	rc = 0;
out:
	ASN1_OCTET_STRING_free(ski);
	ASN1_OCTET_STRING_free(issuer_kid);
	return rc;
}

int
gmpki_cert_issue(const struct gmpki_issue_params *p, X509 **out)
{
	EVP_PKEY *skey = NULL, *ikey = NULL;
	X509 *x = NULL, *y = NULL;
	ASN1_INTEGER *serial = NULL;
	unsigned char *der = NULL;
	const unsigned char *q;
	time_t nb, na;
	int len, rc;

	if (p == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if ((rc = check_params(p)) != 0)
		return rc;
	if ((rc = gmpki_sm2_key_normalize(p->subject_key, &skey)) != 0 ||
	    (rc = gmpki_sm2_key_normalize(p->issuer_key, &ikey)) != 0)
		goto out;
	if (p->kind == GMPKI_CERT_ROOT) {
		if (!gmpki_sm2_key_match(ikey, skey)) {
			rc = GMPKI_ERR_KEY_MISMATCH;
			goto out;
		}
	} else {
		if (!is_signing_ca(p->issuer_cert)) {
			rc = GMPKI_ERR_NOT_CA;
			goto out;
		}
		/* RFC 5280 §4.2.1.9: pathLenConstraint 0 forbids CA certs
		 * below the issuer. */
		if (p->kind == GMPKI_CERT_ISSUING &&
		    X509_get_pathlen(p->issuer_cert) == 0) {
			rc = GMPKI_ERR_NOT_CA;
			goto out;
		}
		if (!gmpki_sm2_key_match(ikey,
		    X509_get0_pubkey(p->issuer_cert))) {
			rc = GMPKI_ERR_KEY_MISMATCH;
			goto out;
		}
	}
	if (p->kind == GMPKI_CERT_EE_SIGN && (rc = check_ee_subject(p)) != 0)
		goto out;
	if ((rc = validity(p, &nb, &na)) != 0)
		goto out;
	if ((rc = gmpki_serial_random(&serial)) != 0)
		goto out;

	rc = GMPKI_ERR_NOMEM;
	if ((x = X509_new()) == NULL ||
	    !X509_set_version(x, X509_VERSION_3) ||
	    !X509_set_serialNumber(x, serial) ||
	    !X509_set_subject_name(x, p->subject) ||
	    !X509_set_issuer_name(x, p->kind == GMPKI_CERT_ROOT ? p->subject :
	    X509_get_subject_name(p->issuer_cert)) ||
	    /* RFC 5280 §4.1.2.5: UTCTime through 2049, then GeneralizedTime. */
	    ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL ||
	    !X509_set_pubkey(x, skey))
		goto out;
	if ((rc = add_profile_exts(x, p)) != 0)
		goto out;
	if ((rc = gmpki_sm2_sign_cert(x, ikey, p->sm2_id)) != 0)
		goto out;

	/* Hand back a freshly parsed copy (cached encoding and extension
	 * flags as any loaded certificate has), checked once more so that
	 * a faulty signature never leaves the CA. */
	rc = GMPKI_ERR_INTERNAL;
	if ((len = i2d_X509(x, &der)) <= 0)
		goto out;
	q = der;
	if ((y = d2i_X509(NULL, &q, len)) == NULL || q != der + len)
		goto out;
	if ((rc = gmpki_sm2_verify_cert(y, ikey, p->sm2_id)) != 0) {
		rc = GMPKI_ERR_CRYPTO;
		goto out;
	}
	*out = y;
	y = NULL;
	rc = 0;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	X509_free(y);
	X509_free(x);
	ASN1_INTEGER_free(serial);
	EVP_PKEY_free(skey);
	EVP_PKEY_free(ikey);
	return rc;
}

/* ----- reading -------------------------------------------------------------- */

/* Prints a name into out, cut at a UTF-8 boundary when too long. */
static int
name_print_cut(const X509_NAME *n, char *out, size_t outlen)
{
	char *buf = NULL, *nb;
	size_t cap = 4096;
	int rc;

	for (;;) {
		if ((nb = realloc(buf, cap)) == NULL) {
			rc = GMPKI_ERR_NOMEM;
			break;
		}
		buf = nb;
		rc = gmpki_name_print(n, buf, cap);
		if (rc != GMPKI_ERR_TOO_LARGE || cap >= 4 * GMPKI_MAX_CERT_SIZE)
			break;
		cap *= 4;
	}
	if (rc == 0)
		copy_cut(out, outlen, buf, strlen(buf));
	free(buf);
	return rc;
}

/* The first value of nid in n as UTF-8, cut to fit; "" when absent. */
static int
name_get_cut(const X509_NAME *n, int nid, char *out, size_t outlen)
{
	unsigned char *u = NULL;
	int i, ulen;

	out[0] = '\0';
	if ((i = X509_NAME_get_index_by_NID(n, nid, -1)) < 0)
		return 0;
	ulen = ASN1_STRING_to_UTF8(&u,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
	if (ulen < 0) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	/* An embedded NUL would silently cut the value. */
	if (memchr(u, '\0', (size_t)ulen) != NULL) {
		OPENSSL_free(u);
		return GMPKI_ERR_DECODE;
	}
	copy_cut(out, outlen, (const char *)u, (size_t)ulen);
	OPENSSL_free(u);
	return 0;
}

/* The USCC from the 1.2.156.10260.4.1.4 extension, if it is well-formed. */
static void
uscc_from_ext(X509 *cert, char *out, size_t outlen)
{
	const ASN1_OCTET_STRING *os;
	const unsigned char *q;
	ASN1_STRING *s = NULL;
	int i, k;

	out[0] = '\0';
	if (gmpki_nid_uscc_ext() == NID_undef ||
	    (i = X509_get_ext_by_NID(cert, gmpki_nid_uscc_ext(), -1)) < 0)
		return;
	os = X509_EXTENSION_get_data(X509_get_ext(cert, i));
	q = ASN1_STRING_get0_data(os);
	/* Other issuers may use UTF8String: accept any DirectoryString. */
	s = d2i_ASN1_PRINTABLE(NULL, &q, ASN1_STRING_length(os));
	if (s == NULL || q != ASN1_STRING_get0_data(os) + ASN1_STRING_length(os) ||
	    ASN1_STRING_length(s) <= 0 || (size_t)ASN1_STRING_length(s) >= outlen)
		goto out;
	for (k = 0; k < ASN1_STRING_length(s); k++) {
		unsigned char c = ASN1_STRING_get0_data(s)[k];

		if (c <= 0x20 || c >= 0x7f)
			goto out;
	}
	copy_cut(out, outlen, (const char *)ASN1_STRING_get0_data(s),
	    (size_t)ASN1_STRING_length(s));
out:
	ERR_clear_error();
	ASN1_STRING_free(s);
}

/* The first URI of a GENERAL_NAMES. */
static void
first_uri(GENERAL_NAMES *gns, char *out, size_t outlen)
{
	int i;

	for (i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, i);
		const ASN1_IA5STRING *u;

		if (gn->type != GEN_URI)
			continue;
		u = gn->d.uniformResourceIdentifier;
		if (memchr(ASN1_STRING_get0_data(u), '\0',
		    (size_t)ASN1_STRING_length(u)) != NULL)
			continue;
		copy_cut(out, outlen, (const char *)ASN1_STRING_get0_data(u),
		    (size_t)ASN1_STRING_length(u));
		return;
	}
}

static void
info_urls(X509 *cert, struct gmpki_cert_info *info)
{
	CRL_DIST_POINTS *dps;
	AUTHORITY_INFO_ACCESS *aia;
	int i;

	dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
	for (i = 0; i < sk_DIST_POINT_num(dps) && info->crl_url[0] == '\0';
	    i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint != NULL && dp->distpoint->type == 0)
			first_uri(dp->distpoint->name.fullname, info->crl_url,
			    sizeof(info->crl_url));
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	aia = X509_get_ext_d2i(cert, NID_info_access, NULL, NULL);
	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		GENERAL_NAMES *one;

		if (OBJ_obj2nid(ad->method) != NID_ad_OCSP)
			continue;
		if ((one = sk_GENERAL_NAME_new_null()) == NULL)
			break;
		if (sk_GENERAL_NAME_push(one, ad->location))
			first_uri(one, info->ocsp_url, sizeof(info->ocsp_url));
		sk_GENERAL_NAME_free(one);	/* the name stays in ad */
		if (info->ocsp_url[0] != '\0')
			break;
	}
	sk_ACCESS_DESCRIPTION_pop_free(aia, ACCESS_DESCRIPTION_free);
	ERR_clear_error();
}

static int
fingerprint(X509 *cert, const EVP_MD *md, char out[65])
{
	unsigned char *der = NULL, h[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	int len, rc = GMPKI_ERR_CRYPTO;

	out[0] = '\0';
	if ((len = i2d_X509(cert, &der)) <= 0) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	if (EVP_Digest(der, (size_t)len, h, &hlen, md, NULL) == 1 &&
	    hlen == 32) {
		hex_lower(h, hlen, out);
		rc = 0;
	}
	ERR_clear_error();
	OPENSSL_free(der);
	return rc;
}

int
gmpki_cert_fingerprint_sm3(X509 *cert, char out[65])
{
	if (cert == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	return fingerprint(cert, EVP_sm3(), out);
}

int
gmpki_cert_info_get(X509 *cert, struct gmpki_cert_info *info)
{
	const X509_NAME *subj, *iss;
	BASIC_CONSTRAINTS *bc;
	int nid, rc;

	if (cert == NULL || info == NULL)
		return GMPKI_ERR_ARG;
	memset(info, 0, sizeof(*info));
	info->path_len = -1;
	subj = X509_get_subject_name(cert);
	iss = X509_get_issuer_name(cert);
	if ((rc = name_print_cut(subj, info->subject,
	    sizeof(info->subject))) != 0 ||
	    (rc = name_print_cut(iss, info->issuer,
	    sizeof(info->issuer))) != 0 ||
	    (rc = name_get_cut(subj, NID_commonName, info->cn,
	    sizeof(info->cn))) != 0 ||
	    (rc = name_get_cut(subj, NID_organizationName, info->org,
	    sizeof(info->org))) != 0 ||
	    (rc = name_get_cut(subj, NID_countryName, info->country,
	    sizeof(info->country))) != 0)
		goto out;
	uscc_from_ext(cert, info->uscc, sizeof(info->uscc));
	if (info->uscc[0] == '\0' &&
	    (rc = name_get_cut(subj, NID_organizationIdentifier, info->uscc,
	    sizeof(info->uscc))) != 0)
		goto out;
	if ((rc = gmpki_serial_hex(X509_get0_serialNumber(cert), info->serial,
	    sizeof(info->serial))) != 0)
		goto out;
	if ((rc = gmpki_asn1_time_to_time(X509_get0_notBefore(cert),
	    &info->not_before)) != 0 ||
	    (rc = gmpki_asn1_time_to_time(X509_get0_notAfter(cert),
	    &info->not_after)) != 0)
		goto out;
	if ((rc = fingerprint(cert, EVP_sm3(), info->sm3_fp)) != 0 ||
	    (rc = fingerprint(cert, EVP_sha256(), info->sha256_fp)) != 0)
		goto out;
	info_urls(cert, info);
	nid = X509_get_signature_nid(cert);
	if (nid == NID_SM2_with_SM3)
		copy_cut(info->sig_alg, sizeof(info->sig_alg), "SM2-with-SM3",
		    12);
	else if (nid != NID_undef && OBJ_nid2sn(nid) != NULL)
		copy_cut(info->sig_alg, sizeof(info->sig_alg), OBJ_nid2sn(nid),
		    strlen(OBJ_nid2sn(nid)));
	else {
		const X509_ALGOR *alg;
		const ASN1_OBJECT *obj;

		X509_get0_signature(NULL, &alg, cert);
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
		if (OBJ_obj2txt(info->sig_alg, sizeof(info->sig_alg), obj,
		    1) <= 0)
			info->sig_alg[0] = '\0';
	}
	bc = X509_get_ext_d2i(cert, NID_basic_constraints, NULL, NULL);
	if (bc != NULL) {
		info->is_ca = bc->ca != 0;
		if (bc->pathlen != NULL) {
			long v = ASN1_INTEGER_get(bc->pathlen);

			info->path_len = v < 0 || v > INT_MAX ? INT_MAX : (int)v;
		}
		BASIC_CONSTRAINTS_free(bc);
	}
	/* X509_get_key_usage gives all bits when the extension is absent. */
	if (X509_get_extension_flags(cert) & EXFLAG_KUSAGE)
		info->key_usage = X509_get_key_usage(cert);
	info->is_sm2 = gmpki_sm2_is_sm2(X509_get0_pubkey(cert));
	info->self_signed = X509_NAME_cmp(subj, iss) == 0;
	rc = 0;
out:
	ERR_clear_error();
	return rc;
}
