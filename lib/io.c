/*
 * io.c - bounded file reads, atomic file writes, and strict PEM/DER
 * decoding (RFC 7468) of single objects and certificate chains.
 *
 * Nothing here trusts a length it did not count: files are read to a
 * limit, PEM is decoded by hand from a bounded buffer, and every DER object
 * must be consumed to its last byte.
 */
#include "gmpki/gmpki.h"

#include "der.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

int
gmpki_file_read(const char *path, size_t max, unsigned char **out,
    size_t *outlen)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t len = 0, cap;
	ssize_t n;
	int fd, rc = GMPKI_ERR_IO;

	if (path == NULL || out == NULL || outlen == NULL || max == 0 ||
	    max > SIZE_MAX / 2)
		return GMPKI_ERR_ARG;
	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return GMPKI_ERR_IO;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode))
		goto out;
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		rc = GMPKI_ERR_TOO_LARGE;
		goto out;
	}
	/* Read up to max + 1 bytes: the extra byte tells a pipe's excess. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	if ((buf = malloc(cap + 1)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			unsigned char *nb;

			if (ncap == cap)
				break;
			if ((nb = realloc(buf, ncap + 1)) == NULL) {
				rc = GMPKI_ERR_NOMEM;
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		rc = GMPKI_ERR_TOO_LARGE;
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	close(fd);
	return rc;
}

int
gmpki_file_write(const char *path, const void *data, size_t len, mode_t mode,
    int excl)
{
	char tmp[PATH_MAX];
	const unsigned char *p = data;
	size_t off = 0;
	ssize_t n;
	int fd, rc = GMPKI_ERR_IO;

	if (path == NULL || (data == NULL && len != 0))
		return GMPKI_ERR_ARG;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >=
	    (int)sizeof(tmp))
		return GMPKI_ERR_ARG;
	if (excl && access(path, F_OK) == 0)
		return GMPKI_ERR_EXISTS;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return GMPKI_ERR_IO;
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (excl) {
		/* link() fails if path exists: no window for a race. */
		if (link(tmp, path) != 0) {
			rc = errno == EEXIST ? GMPKI_ERR_EXISTS : GMPKI_ERR_IO;
			goto fail;
		}
		unlink(tmp);
	} else if (rename(tmp, path) != 0)
		goto fail;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
gmpki_is_pem(const unsigned char *in, size_t len)
{
	size_t i = 0;

	if (in == NULL)
		return 0;
	while (i < len && is_space(in[i]))
		i++;
	return len - i >= 11 && memcmp(in + i, "-----BEGIN ", 11) == 0;
}

static const unsigned char *
find_bytes(const unsigned char *h, size_t hlen, const char *needle)
{
	size_t nlen = strlen(needle);

	if (nlen == 0 || hlen < nlen)
		return NULL;
	return memmem(h, hlen, needle, nlen);
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 (RFC 4648 §4) of body, white space between characters
 * allowed, '=' only at the end. */
static int
b64_decode(const unsigned char *in, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char *buf;
	size_t i, n = 0, pad = 0;
	unsigned acc = 0, bits = 0, count = 0;

	if ((buf = malloc(len / 4 * 3 + 3)) == NULL)
		return GMPKI_ERR_NOMEM;
	for (i = 0; i < len; i++) {
		int v;

		if (is_space(in[i]))
			continue;
		if (in[i] == '=') {
			pad++;
			count++;
			continue;
		}
		if (pad > 0 || (v = b64val(in[i])) < 0)
			goto bad;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		count++;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (count % 4 != 0 || pad > 2 || n == 0 || acc != 0)
		goto bad;
	*out = buf;
	*outlen = n;
	return 0;
bad:
	free(buf);
	return GMPKI_ERR_DECODE;
}

/*
 * Decodes the PEM block that starts at in[*pos] (after white space).
 * label NULL accepts any label.  Advances *pos past the END line.
 */
static int
pem_next(const unsigned char *in, size_t len, size_t *pos, const char *label,
    unsigned char **der, size_t *derlen, char **label_out)
{
	const unsigned char *p, *end = in + len, *lab, *labend, *body, *e;
	char endline[128];
	size_t lablen;
	int rc;

	p = in + *pos;
	while (p < end && is_space(*p))
		p++;
	if ((size_t)(end - p) < 11 || memcmp(p, "-----BEGIN ", 11) != 0)
		return GMPKI_ERR_DECODE;
	lab = p + 11;
	labend = find_bytes(lab, (size_t)(end - lab), "-----");
	if (labend == NULL || labend - lab == 0 || labend - lab > 64)
		return GMPKI_ERR_DECODE;
	lablen = (size_t)(labend - lab);
	if (memchr(lab, '\n', lablen) != NULL)
		return GMPKI_ERR_DECODE;
	if (label != NULL &&
	    (strlen(label) != lablen || memcmp(label, lab, lablen) != 0))
		return GMPKI_ERR_DECODE;
	body = labend + 5;
	snprintf(endline, sizeof(endline), "-----END %.*s-----", (int)lablen,
	    (const char *)lab);
	if ((e = find_bytes(body, (size_t)(end - body), endline)) == NULL)
		return GMPKI_ERR_DECODE;
	/* RFC 7468 §2: no headers; an "Proc-Type:" style block is refused. */
	if (memchr(body, ':', (size_t)(e - body)) != NULL)
		return GMPKI_ERR_DECODE;
	if ((rc = b64_decode(body, (size_t)(e - body), der, derlen)) != 0)
		return rc;
	if (label_out != NULL) {
		if ((*label_out = strndup((const char *)lab, lablen)) == NULL) {
			free(*der);
			*der = NULL;
			return GMPKI_ERR_NOMEM;
		}
	}
	*pos = (size_t)(e - in) + strlen(endline);
	return 0;
}

static int
only_space_from(const unsigned char *in, size_t len, size_t pos)
{
	for (; pos < len; pos++)
		if (!is_space(in[pos]))
			return 0;
	return 1;
}

int
gmpki_pem_decode_one(const unsigned char *in, size_t len, const char *label,
    unsigned char **der, size_t *derlen, char **label_out)
{
	size_t pos = 0;
	int rc;

	if (in == NULL || der == NULL || derlen == NULL)
		return GMPKI_ERR_ARG;
	*der = NULL;
	*derlen = 0;
	if (label_out != NULL)
		*label_out = NULL;
	if ((rc = pem_next(in, len, &pos, label, der, derlen, label_out)) != 0)
		return rc;
	if (!only_space_from(in, len, pos)) {
		OPENSSL_cleanse(*der, *derlen);
		free(*der);
		*der = NULL;
		*derlen = 0;
		if (label_out != NULL) {
			free(*label_out);
			*label_out = NULL;
		}
		return GMPKI_ERR_TRAILING;
	}
	return 0;
}

int
gmpki_pem_encode(const char *label, const unsigned char *der, size_t derlen,
    char **out, size_t *outlen)
{
	size_t lines, cap, off = 0, i;
	char *buf;
	int n;

	if (label == NULL || der == NULL || derlen == 0 || out == NULL ||
	    derlen > INT_MAX / 2)
		return GMPKI_ERR_ARG;
	lines = (derlen + 47) / 48;
	cap = 2 * strlen(label) + 40 + lines * 66;
	if ((buf = malloc(cap)) == NULL)
		return GMPKI_ERR_NOMEM;
	n = snprintf(buf, cap, "-----BEGIN %s-----\n", label);
	off = (size_t)n;
	for (i = 0; i < derlen; i += 48) {
		size_t chunk = derlen - i < 48 ? derlen - i : 48;

		off += (size_t)EVP_EncodeBlock((unsigned char *)buf + off,
		    der + i, (int)chunk);
		buf[off++] = '\n';
	}
	n = snprintf(buf + off, cap - off, "-----END %s-----\n", label);
	off += (size_t)n;
	*out = buf;
	if (outlen != NULL)
		*outlen = off;
	return 0;
}

int
gmpki_d2i_whole(const ASN1_ITEM *it, const unsigned char *der, size_t len,
    size_t max, ASN1_VALUE **out)
{
	const unsigned char *p = der;
	ASN1_VALUE *v;

	if (len == 0)
		return GMPKI_ERR_DECODE;
	if (len > max)
		return GMPKI_ERR_TOO_LARGE;
	if ((v = ASN1_item_d2i(NULL, &p, (long)len, it)) == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	if ((size_t)(p - der) != len) {
		ASN1_item_free(v, it);
		return GMPKI_ERR_TRAILING;
	}
	*out = v;
	return 0;
}

int
gmpki_decode_one(const ASN1_ITEM *it, const char *label,
    const unsigned char *in, size_t len, size_t max, ASN1_VALUE **out)
{
	unsigned char *der = NULL;
	size_t derlen = 0;
	int rc;

	if (!gmpki_is_pem(in, len))
		return gmpki_d2i_whole(it, in, len, max, out);
	/* PEM is 4/3 of the DER plus line ends and armour. */
	if (len > 2 * max)
		return GMPKI_ERR_TOO_LARGE;
	if ((rc = gmpki_pem_decode_one(in, len, label, &der, &derlen,
	    NULL)) != 0)
		return rc;
	rc = gmpki_d2i_whole(it, der, derlen, max, out);
	free(der);
	return rc;
}

/* DER bytes to X509, consuming every byte. */
static int
cert_from_der(const unsigned char *der, size_t len, X509 **out)
{
	ASN1_VALUE *v = NULL;
	int rc;

	rc = gmpki_d2i_whole(ASN1_ITEM_rptr(X509), der, len,
	    GMPKI_MAX_CERT_SIZE, &v);
	*out = (X509 *)v;
	return rc;
}

int
gmpki_cert_from_mem(const unsigned char *in, size_t len, X509 **out)
{
	ASN1_VALUE *v = NULL;
	int rc;

	if (in == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	rc = gmpki_decode_one(ASN1_ITEM_rptr(X509), "CERTIFICATE", in, len,
	    GMPKI_MAX_CERT_SIZE, &v);
	*out = (X509 *)v;
	return rc;
}

int
gmpki_cert_load(const char *path, X509 **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = gmpki_file_read(path, GMPKI_MAX_CERT_SIZE * 2, &buf,
	    &len)) != 0)
		return rc;
	rc = gmpki_cert_from_mem(buf, len, out);
	free(buf);
	return rc;
}

#define GMPKI_MAX_CHAIN_CERTS 16

int
gmpki_certs_from_mem(const unsigned char *in, size_t len, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL;
	unsigned char *der = NULL;
	size_t pos = 0, derlen;
	X509 *x = NULL;
	int rc;

	if (in == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (len > GMPKI_MAX_CHAIN_SIZE)
		return GMPKI_ERR_TOO_LARGE;
	if ((sk = sk_X509_new_null()) == NULL)
		return GMPKI_ERR_NOMEM;
	if (!gmpki_is_pem(in, len)) {
		if ((rc = cert_from_der(in, len, &x)) != 0)
			goto out;
		if (!sk_X509_push(sk, x)) {
			rc = GMPKI_ERR_NOMEM;
			goto out;
		}
		x = NULL;
	} else {
		while (!only_space_from(in, len, pos)) {
			if (sk_X509_num(sk) >= GMPKI_MAX_CHAIN_CERTS) {
				rc = GMPKI_ERR_TOO_LARGE;
				goto out;
			}
			if ((rc = pem_next(in, len, &pos, "CERTIFICATE", &der,
			    &derlen, NULL)) != 0) {
				/* Something that is not a further block. */
				if (sk_X509_num(sk) > 0 && rc == GMPKI_ERR_DECODE &&
				    !gmpki_is_pem(in + pos, len - pos))
					rc = GMPKI_ERR_TRAILING;
				goto out;
			}
			rc = cert_from_der(der, derlen, &x);
			free(der);
			der = NULL;
			if (rc != 0)
				goto out;
			if (!sk_X509_push(sk, x)) {
				rc = GMPKI_ERR_NOMEM;
				goto out;
			}
			x = NULL;
		}
		if (sk_X509_num(sk) == 0) {
			rc = GMPKI_ERR_DECODE;
			goto out;
		}
	}
	*out = sk;
	sk = NULL;
	rc = 0;
out:
	X509_free(x);
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

int
gmpki_certs_load(const char *path, STACK_OF(X509) **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = gmpki_file_read(path, GMPKI_MAX_CHAIN_SIZE, &buf, &len)) != 0)
		return rc;
	rc = gmpki_certs_from_mem(buf, len, out);
	free(buf);
	return rc;
}

int
gmpki_i2d_take(unsigned char *der, int len, unsigned char **out,
    size_t *outlen)
{
	unsigned char *copy;
	int rc = 0;

	if (len <= 0 || der == NULL) {
		ERR_clear_error();
		rc = GMPKI_ERR_INTERNAL;
	} else if ((copy = malloc((size_t)len)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
	} else {
		/* malloc'ed, so callers free() it like the rest of the
		 * library. */
		memcpy(copy, der, (size_t)len);
		*out = copy;
		*outlen = (size_t)len;
	}
	OPENSSL_free(der);
	return rc;
}

int
gmpki_i2d_pem(const char *label, unsigned char *der, int len, char **out,
    size_t *outlen)
{
	int rc;

	if (len <= 0 || der == NULL) {
		ERR_clear_error();
		rc = GMPKI_ERR_INTERNAL;
	} else
		rc = gmpki_pem_encode(label, der, (size_t)len, out, outlen);
	OPENSSL_free(der);
	return rc;
}

int
gmpki_cert_to_der(X509 *cert, unsigned char **out, size_t *outlen)
{
	unsigned char *der = NULL;
	int len;

	if (cert == NULL || out == NULL || outlen == NULL)
		return GMPKI_ERR_ARG;
	len = i2d_X509(cert, &der);
	return gmpki_i2d_take(der, len, out, outlen);
}

int
gmpki_cert_to_pem(X509 *cert, char **out, size_t *outlen)
{
	unsigned char *der = NULL;
	int len;

	if (cert == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	len = i2d_X509(cert, &der);
	return gmpki_i2d_pem("CERTIFICATE", der, len, out, outlen);
}
