/*
 * der.h - libgmpki's own helpers (not installed, not public API) for DER
 * objects of any ASN.1 type: decoding one object strictly, and handing out
 * what an OpenSSL i2d_* call wrote the way the rest of the library hands
 * out memory.  Defined in io.c.
 */
#ifndef GMPKI_LIB_DER_H
#define GMPKI_LIB_DER_H

#include <stddef.h>

#include <openssl/asn1.h>

/*
 * Exactly one DER object of type it (ASN1_ITEM_rptr(X509), ...) in
 * len bytes: empty or undecodable is GMPKI_ERR_DECODE, over max bytes
 * GMPKI_ERR_TOO_LARGE, bytes after the object GMPKI_ERR_TRAILING.
 * *out is set only on success.
 */
int gmpki_d2i_whole(const ASN1_ITEM *it, const unsigned char *der,
    size_t len, size_t max, ASN1_VALUE **out);

/*
 * The same for input that may also be one PEM block with label (at most
 * 2 * max bytes of PEM).
 */
int gmpki_decode_one(const ASN1_ITEM *it, const char *label,
    const unsigned char *in, size_t len, size_t max, ASN1_VALUE **out);

/*
 * Both below take der and len straight from `len = i2d_X(obj, &der)` (der
 * NULL before the call) and always free der; a len <= 0 (i2d failed) is
 * GMPKI_ERR_INTERNAL with the OpenSSL error queue cleared.
 */

/* The bytes as malloc'ed memory in *out, *outlen (untouched on error). */
int gmpki_i2d_take(unsigned char *der, int len, unsigned char **out,
    size_t *outlen);

/* The bytes PEM-encoded with label (gmpki_pem_encode). */
int gmpki_i2d_pem(const char *label, unsigned char *der, int len, char **out,
    size_t *outlen);

#endif
