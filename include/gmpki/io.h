/*
 * gmpki/io.h - bounded reading and decoding of PEM and DER objects, and
 * careful writing of files (atomic, with a chosen mode).
 *
 * Every loader takes bytes that may be PEM or DER: PEM is recognised by its
 * "-----BEGIN " line.  A single-object loader rejects anything after the
 * object other than white space (GMPKI_ERR_TRAILING), input over its limit
 * (GMPKI_ERR_TOO_LARGE), and bytes that do not parse (GMPKI_ERR_DECODE).
 */
#ifndef GMPKI_IO_H
#define GMPKI_IO_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Size limits of one encoded object. */
#define GMPKI_MAX_CERT_SIZE (64 * 1024)
#define GMPKI_MAX_CSR_SIZE (64 * 1024)
#define GMPKI_MAX_KEY_SIZE (16 * 1024)
#define GMPKI_MAX_CHAIN_SIZE (256 * 1024)
#define GMPKI_MAX_CRL_SIZE (64 * 1024 * 1024)
#define GMPKI_MAX_OCSP_SIZE (64 * 1024)

/*
 * Reads at most max bytes of path into a new NUL-terminated buffer
 * (free with free(); gmpki_wipe first for secrets).  A larger file is
 * GMPKI_ERR_TOO_LARGE, a missing or unreadable one GMPKI_ERR_IO.
 */
int gmpki_file_read(const char *path, size_t max, unsigned char **out,
    size_t *outlen);

/*
 * Writes data to path atomically (temporary file in the same folder, fsync,
 * rename) with the given mode (e.g. 0600).  With excl, an existing path is
 * GMPKI_ERR_EXISTS and is left alone.
 */
int gmpki_file_write(const char *path, const void *data, size_t len,
    mode_t mode, int excl);

/*
 * Decodes exactly one PEM block with the given label ("CERTIFICATE") into
 * DER.  Anything but white space around the block is GMPKI_ERR_TRAILING.
 * *der is malloc'ed.  Accepts label NULL for any label (returned in
 * label_out if non-NULL, malloc'ed).
 */
int gmpki_pem_decode_one(const unsigned char *in, size_t len,
    const char *label, unsigned char **der, size_t *derlen, char **label_out);

/* PEM-encodes DER with label; *out is a malloc'ed NUL-terminated string. */
int gmpki_pem_encode(const char *label, const unsigned char *der,
    size_t derlen, char **out, size_t *outlen);

/* 1 when the bytes look like PEM (start, after white space, with -----BEGIN). */
int gmpki_is_pem(const unsigned char *in, size_t len);

/* Certificates: one object, PEM or DER. */
int gmpki_cert_from_mem(const unsigned char *in, size_t len, X509 **out);
int gmpki_cert_load(const char *path, X509 **out);
/* A chain file: one or more PEM certificates (or one DER); at most 16. */
int gmpki_certs_from_mem(const unsigned char *in, size_t len,
    STACK_OF(X509) **out);
int gmpki_certs_load(const char *path, STACK_OF(X509) **out);
/* Certificate to PEM (malloc'ed string) or DER (malloc'ed). */
int gmpki_cert_to_pem(X509 *cert, char **out, size_t *outlen);
int gmpki_cert_to_der(X509 *cert, unsigned char **out, size_t *outlen);

#ifdef __cplusplus
}
#endif
#endif
