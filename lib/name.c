/*
 * name.c - distinguished names: parsing the "/C=CN/O=企业/CN=user" form,
 * printing the one-line "C=CN, O=企业, CN=user" form, and building the
 * subject of an end-entity certificate (docs/CERT-PROFILE.md).
 *
 * RFC 5280 §4.1.2.4: new certificates MUST encode DirectoryString values as
 * PrintableString or UTF8String.  Values here are UTF8String, except:
 *   - countryName: PrintableString of exactly two letters (X.520, ISO 3166;
 *     RFC 5280 Appendix A: X520countryName SIZE (2));
 *   - serialNumber: PrintableString (X.520 X520SerialNumber);
 *   - emailAddress: IA5String (PKCS #9, RFC 5280 Appendix A).
 * Entries are built from the exact bytes given (X509_NAME_add_entry_by_NID
 * with an explicit string type), so OpenSSL's MBSTRING code never picks a
 * different string type or applies its own size table.
 */
#include "gmpki/gmpki.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

/* RFC 5280 Appendix A: ub-common-name 64. */
#define EE_CN_MAX_CHARS 64
/*
 * RFC 5280 Appendix A has ub-organization-name 64, but the O of an
 * enterprise certificate must be the registered 企业名称 verbatim and a few
 * registered names (branches, 分公司 ... 营业部) run past 64 characters.
 * We allow 128 characters; the value must still fit GMPKI_MAX_RDN_VALUE
 * bytes so that every subject we issue parses back with gmpki_name_parse.
 */
#define EE_O_MAX_CHARS 128

struct name_key {
	const char *key;	/* as written in "/KEY=value" and printed */
	int nid;
	int type;		/* V_ASN1_* string type of the value */
};

static const struct name_key name_keys[] = {
	{ "C", NID_countryName, V_ASN1_PRINTABLESTRING },
	{ "ST", NID_stateOrProvinceName, V_ASN1_UTF8STRING },
	{ "L", NID_localityName, V_ASN1_UTF8STRING },
	{ "O", NID_organizationName, V_ASN1_UTF8STRING },
	{ "OU", NID_organizationalUnitName, V_ASN1_UTF8STRING },
	{ "CN", NID_commonName, V_ASN1_UTF8STRING },
	{ "serialNumber", NID_serialNumber, V_ASN1_PRINTABLESTRING },
	{ "organizationIdentifier", NID_organizationIdentifier,
	    V_ASN1_UTF8STRING },
	{ "emailAddress", NID_pkcs9_emailAddress, V_ASN1_IA5STRING },
};
#define NAME_NKEYS (sizeof(name_keys) / sizeof(name_keys[0]))

static const struct name_key *
key_by_name(const char *k, size_t klen)
{
	size_t i;

	for (i = 0; i < NAME_NKEYS; i++)
		if (strlen(name_keys[i].key) == klen &&
		    strncasecmp(name_keys[i].key, k, klen) == 0)
			return &name_keys[i];
	return NULL;
}

static const struct name_key *
key_by_nid(int nid)
{
	size_t i;

	for (i = 0; i < NAME_NKEYS; i++)
		if (name_keys[i].nid == nid)
			return &name_keys[i];
	return NULL;
}

/*
 * Strict UTF-8 (RFC 3629 §4): no overlong forms, no surrogates, nothing
 * above U+10FFFF; and no control characters (C0, DEL, C1), which have no
 * place in a name and make printed names lie.  Counts the characters into
 * *nchars.  Returns 1 when acceptable.
 */
static int
utf8_ok(const unsigned char *s, size_t len, size_t *nchars)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned c = s[i], cp, need, min;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			i++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (len - i - 1 < need)
			return 0;
		for (i++; need > 0; need--, i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		if (cp >= 0x80 && cp <= 0x9f)	/* C1 controls */
			return 0;
		n++;
	}
	if (nchars != NULL)
		*nchars = n;
	return 1;
}

/* X.680 §41.4 PrintableString: A-Z a-z 0-9 space ' ( ) + , - . / : = ? */
static int
printable_ok(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr(" '()+,-./:=?", c) != NULL)
			continue;
		return 0;
	}
	return 1;
}

/* Checks value for key k and adds it to name. */
static int
add_value(X509_NAME *name, const struct name_key *k, const unsigned char *v,
    size_t vlen)
{
	if (vlen == 0 || vlen > GMPKI_MAX_RDN_VALUE || !utf8_ok(v, vlen, NULL))
		return GMPKI_ERR_SUBJECT;
	if (k->nid == NID_countryName) {
		/* ISO 3166-1 alpha-2 codes are upper-case letters. */
		if (vlen != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' ||
		    v[1] > 'Z')
			return GMPKI_ERR_SUBJECT;
	} else if (k->type == V_ASN1_PRINTABLESTRING) {
		if (!printable_ok(v, vlen))
			return GMPKI_ERR_SUBJECT;
	} else if (k->type == V_ASN1_IA5STRING) {
		size_t i;

		for (i = 0; i < vlen; i++)
			if (v[i] >= 0x80)
				return GMPKI_ERR_SUBJECT;
	}
	if (!X509_NAME_add_entry_by_NID(name, k->nid, k->type, v, (int)vlen,
	    -1, 0)) {
		ERR_clear_error();
		return GMPKI_ERR_NOMEM;
	}
	return 0;
}

int
gmpki_name_parse(const char *s, X509_NAME **out)
{
	X509_NAME *name = NULL;
	unsigned char *val = NULL;
	const struct name_key *k;
	size_t len, i, klen, vlen;
	const char *key;
	int rc = GMPKI_ERR_SUBJECT;

	if (s == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	len = strnlen(s, GMPKI_MAX_NAME_LEN + 1);
	if (len > GMPKI_MAX_NAME_LEN || len < 2 || s[0] != '/')
		return GMPKI_ERR_SUBJECT;
	if ((name = X509_NAME_new()) == NULL ||
	    (val = malloc(len + 1)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	i = 1;
	while (i < len) {
		/* KEY: up to '=' (no escapes, no '/'). */
		key = s + i;
		for (klen = 0; i < len && s[i] != '=' && s[i] != '/'; i++)
			klen++;
		if (i == len || s[i] != '=' ||
		    (k = key_by_name(key, klen)) == NULL) {
			rc = GMPKI_ERR_SUBJECT;
			goto out;
		}
		i++;
		/* value: up to an unescaped '/'; '\' takes the next byte. */
		for (vlen = 0; i < len && s[i] != '/'; i++) {
			if (s[i] == '\\') {
				if (++i == len) {
					rc = GMPKI_ERR_SUBJECT;
					goto out;
				}
			}
			val[vlen++] = (unsigned char)s[i];
		}
		if ((rc = add_value(name, k, val, vlen)) != 0)
			goto out;
		/* Skip the '/'; a trailing '/' is an empty attribute. */
		if (i < len && ++i == len) {
			rc = GMPKI_ERR_SUBJECT;
			goto out;
		}
	}
	*out = name;
	name = NULL;
	rc = 0;
out:
	free(val);
	X509_NAME_free(name);
	return rc;
}

/* A growing output buffer bounded by outlen; overflow is remembered. */
struct strbuf {
	char *p;
	size_t len, cap;
	int overflow;
};

static void
sb_add(struct strbuf *b, const void *s, size_t n)
{
	if (b->overflow || n >= b->cap - b->len) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/*
 * Appends a value escaped in the manner of RFC 4514 §2.4: '\' before
 * , + " \ < > ; = and a leading '#' or space or a trailing space; control
 * bytes (possible in names from other issuers) as \XX.
 */
static void
sb_add_escaped(struct strbuf *b, const unsigned char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = v[i];

		if (c < 0x20 || c == 0x7f) {
			char e[3] = { '\\', hex[c >> 4], hex[c & 15] };

			sb_add(b, e, 3);
			continue;
		}
		if (strchr(",+\"\\<>;=", c) != NULL ||
		    (i == 0 && (c == '#' || c == ' ')) ||
		    (i == n - 1 && c == ' '))
			sb_add(b, "\\", 1);
		sb_add(b, &c, 1);
	}
}

int
gmpki_name_print(const X509_NAME *name, char *out, size_t outlen)
{
	struct strbuf b = { out, 0, outlen, 0 };
	int i, n, rc = 0;

	if (name == NULL || out == NULL || outlen == 0)
		return GMPKI_ERR_ARG;
	out[0] = '\0';
	n = X509_NAME_entry_count(name);
	for (i = 0; i < n; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);
		const struct name_key *k = key_by_nid(OBJ_obj2nid(obj));
		unsigned char *u = NULL;
		char oid[80];
		int ulen;

		if (i > 0)
			sb_add(&b, ", ", 2);
		if (k != NULL)
			sb_add(&b, k->key, strlen(k->key));
		else {
			/* RFC 4514 §2.3: an unknown type as its dotted OID. */
			if (OBJ_obj2txt(oid, sizeof(oid), obj, 1) <= 0) {
				rc = GMPKI_ERR_DECODE;
				goto out;
			}
			sb_add(&b, oid, strlen(oid));
		}
		sb_add(&b, "=", 1);
		ulen = ASN1_STRING_to_UTF8(&u,
		    X509_NAME_ENTRY_get_data(e));
		if (ulen < 0) {
			ERR_clear_error();
			rc = GMPKI_ERR_DECODE;
			goto out;
		}
		sb_add_escaped(&b, u, (size_t)ulen);
		OPENSSL_free(u);
	}
	if (b.overflow)
		rc = GMPKI_ERR_TOO_LARGE;
out:
	if (rc != 0)
		out[0] = '\0';
	return rc;
}

int
gmpki_name_get(const X509_NAME *name, int nid, char *out, size_t outlen)
{
	const X509_NAME_ENTRY *e;
	unsigned char *u = NULL;
	int i, ulen, rc;

	if (name == NULL || out == NULL || outlen == 0)
		return GMPKI_ERR_ARG;
	out[0] = '\0';
	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return GMPKI_ERR_NOT_FOUND;
	e = X509_NAME_get_entry(name, i);
	if ((ulen = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e))) < 0) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	if (memchr(u, '\0', (size_t)ulen) != NULL)
		rc = GMPKI_ERR_DECODE;	/* would be cut silently */
	else if ((size_t)ulen >= outlen)
		rc = GMPKI_ERR_TOO_LARGE;
	else {
		memcpy(out, u, (size_t)ulen);
		out[ulen] = '\0';
		rc = 0;
	}
	OPENSSL_free(u);
	return rc;
}

/* A required EE subject value: non-empty, UTF-8, no controls, <= max chars. */
static int
ee_value_ok(const char *v, size_t maxchars)
{
	size_t len, nchars = 0;

	len = strnlen(v, GMPKI_MAX_RDN_VALUE + 1);
	if (len == 0 || len > GMPKI_MAX_RDN_VALUE)
		return 0;
	if (!utf8_ok((const unsigned char *)v, len, &nchars))
		return 0;
	return nchars <= maxchars;
}

/*
 * GM/T 0015-2012 §5.2 (subject of a personal/enterprise certificate) as
 * this project fixes it: C=CN, O=<企业名称>, organizationIdentifier
 * (X.520 2.5.4.97)=<统一社会信用代码>, CN=<username>, in that encoding
 * order (most general first, RFC 5280 §4.1.2.4).
 */
int
gmpki_name_ee(const char *org, const char *uscc, const char *username,
    X509_NAME **out)
{
	X509_NAME *name = NULL;
	int rc;

	if (org == NULL || uscc == NULL || username == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if ((rc = gmpki_uscc_validate(uscc, NULL, NULL)) != 0)
		return rc;
	if (!ee_value_ok(org, EE_O_MAX_CHARS) ||
	    !ee_value_ok(username, EE_CN_MAX_CHARS))
		return GMPKI_ERR_SUBJECT;
	if ((name = X509_NAME_new()) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rc = add_value(name, key_by_nid(NID_countryName),
	    (const unsigned char *)"CN", 2)) != 0 ||
	    (rc = add_value(name, key_by_nid(NID_organizationName),
	    (const unsigned char *)org, strlen(org))) != 0 ||
	    (rc = add_value(name, key_by_nid(NID_organizationIdentifier),
	    (const unsigned char *)uscc, strlen(uscc))) != 0 ||
	    (rc = add_value(name, key_by_nid(NID_commonName),
	    (const unsigned char *)username, strlen(username))) != 0)
		goto out;
	*out = name;
	name = NULL;
out:
	X509_NAME_free(name);
	return rc;
}
