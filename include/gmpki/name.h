/*
 * gmpki/name.h - distinguished names: the "/C=CN/O=…/CN=…" form the CLI
 * takes, and the one-line form the library prints.
 */
#ifndef GMPKI_NAME_H
#define GMPKI_NAME_H

#include <stddef.h>

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMPKI_MAX_NAME_LEN 1024 /* a subject string, in bytes */
#define GMPKI_MAX_RDN_VALUE 256 /* one attribute value, in bytes (UTF-8) */

/*
 * Parses "/C=CN/O=企业/CN=user" (a '\' escapes the next character) into a
 * name with UTF8String values (C as PrintableString).  Known keys: C, ST, L,
 * O, OU, CN, serialNumber, organizationIdentifier, emailAddress.  Empty
 * values, unknown keys, invalid UTF-8 and control characters are
 * GMPKI_ERR_SUBJECT.
 */
int gmpki_name_parse(const char *s, X509_NAME **out);

/* Prints name as "C=CN, O=企业, CN=user" (RFC 2253 order reversed to the
 * encoding order, UTF-8) into out; GMPKI_ERR_TOO_LARGE when it does not fit. */
int gmpki_name_print(const X509_NAME *name, char *out, size_t outlen);

/* The first value of attribute nid as UTF-8 into out ("" and GMPKI_ERR_NOT_FOUND
 * when absent). */
int gmpki_name_get(const X509_NAME *name, int nid, char *out, size_t outlen);

/*
 * The subject of an end-entity certificate (GM/T 0015 profile, see
 * docs/CERT-PROFILE.md): C=CN, O=<org>, organizationIdentifier=<uscc>,
 * CN=<username>.  Validates the code and the lengths.
 */
int gmpki_name_ee(const char *org, const char *uscc, const char *username,
    X509_NAME **out);

#ifdef __cplusplus
}
#endif
#endif
