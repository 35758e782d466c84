/*
 * pkcs8.c - SM2 private keys in PKCS#8 (RFC 5208 / RFC 5958), plain or
 * encrypted with PBES2 (RFC 8018 §6.2).
 *
 * Written: PBES2 with PBKDF2 (RFC 8018 §5.2), PRF HMAC-SM3 under
 * 1.2.156.10197.1.401.2 (what GmSSL and most GM software write and read),
 * a random 16-byte salt, and SM4-CBC (GB/T 32907) with a random IV.
 * OpenSSL 3.0 has no hmacWithSM3 at all: gmpki_init() registers both OIDs
 * as PBE PRFs mapped to SM3, which is why this module requires it.
 *
 * Read: PBES2 + PBKDF2 with any PRF OpenSSL knows after gmpki_init() (so
 * 401.2, GM/T 0091-2020's 401.3.1, and hmacWithSHA256 as `openssl pkcs8
 * -topk8 -v2 sm4-cbc` writes) and any cipher OpenSSL knows; plain
 * "PRIVATE KEY" (PKCS#8) and "EC PRIVATE KEY" / "SM2 PRIVATE KEY" (SEC1
 * ECPrivateKey; OpenSSL 3.0's `openssl ec` labels SM2 keys "SM2 PRIVATE
 * KEY"), PEM or DER, optionally after the "EC PARAMETERS" / "SM2
 * PARAMETERS" block that `openssl ecparam -genkey` puts in front.
 * Refused: PBES1 and scrypt (DECODE), legacy "Proc-Type: 4,ENCRYPTED" PEM
 * (DECODE: convert it with `openssl pkcs8 -topk8`), iteration counts above
 * GMPKI_PBKDF2_MAX_ITER (TOO_LARGE: a hostile key file must not cost hours
 * of PBKDF2).
 *
 * Every parse is bounded: the input is limited to GMPKI_MAX_KEY_SIZE, the
 * DER goes through d2i with its exact length, and every byte must be used.
 * Every buffer that holds key material or a passphrase is wiped.
 */
#include "gmpki/gmpki.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#define PKCS8_SALT_LEN 16

enum key_kind {
	KIND_ANY,		/* DER of unknown kind */
	KIND_ENCRYPTED,		/* EncryptedPrivateKeyInfo (RFC 5958 §3) */
	KIND_PKCS8,		/* OneAsymmetricKey / PrivateKeyInfo */
	KIND_SEC1		/* ECPrivateKey (RFC 5915 §3) */
};

static void
wipe_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}

/* ---- writing ------------------------------------------------------------ */

/* PBES2 (RFC 8018 §6.2.1) around p8inf: PBKDF2-HMAC-SM3 (401.2), SM4-CBC. */
static int
encrypt_p8(PKCS8_PRIV_KEY_INFO *p8inf, const char *pass, size_t passlen,
    uint32_t iter, X509_SIG **out)
{
	unsigned char salt[PKCS8_SALT_LEN];
	X509_ALGOR *pbe = NULL;
	X509_SIG *sig;
	int nid = gmpki_nid_hmac_sm3();
	int rc;

	if (nid == NID_undef)
		return GMPKI_ERR_INTERNAL;	/* gmpki_init() not called */
	if ((rc = gmpki_random(salt, sizeof(salt))) != 0)
		return rc;
	/* aiv NULL: a random IV.  The PRF nid goes into PBKDF2-params. */
	pbe = PKCS5_pbe2_set_iv_ex(EVP_sm4_cbc(), (int)iter, salt,
	    sizeof(salt), NULL, nid, NULL);
	OPENSSL_cleanse(salt, sizeof(salt));
	if (pbe == NULL)
		return GMPKI_ERR_CRYPTO;
	/* Takes pbe on success only. */
	if ((sig = PKCS8_set0_pbe_ex(pass, (int)passlen, p8inf, pbe, NULL,
	    NULL)) == NULL) {
		X509_ALGOR_free(pbe);
		return GMPKI_ERR_CRYPTO;
	}
	*out = sig;
	return 0;
}

int
gmpki_key_to_pem(EVP_PKEY *key, const char *pass, size_t passlen,
    uint32_t iter, char **out, size_t *outlen)
{
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_SIG *sig = NULL;
	unsigned char *der = NULL;
	const char *label;
	int derlen = 0, rc;

	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (key == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	/* An empty passphrase protects nothing: refuse to write one. */
	if (pass != NULL && (passlen == 0 || passlen > GMPKI_MAX_PASS_LEN))
		return GMPKI_ERR_ARG;
	if (iter == 0)
		iter = GMPKI_PBKDF2_DEFAULT_ITER;
	/* Never write what gmpki_key_from_mem would refuse to read. */
	if (iter > GMPKI_PBKDF2_MAX_ITER)
		return GMPKI_ERR_ARG;
	if (!gmpki_sm2_is_sm2(key))
		return GMPKI_ERR_KEY_NOT_SM2;
	/* Fails for a public-only key. */
	if ((p8inf = EVP_PKEY2PKCS8(key)) == NULL) {
		rc = GMPKI_ERR_ARG;
		goto out;
	}
	if (pass == NULL) {
		label = "PRIVATE KEY";
		derlen = i2d_PKCS8_PRIV_KEY_INFO(p8inf, &der);
	} else {
		label = "ENCRYPTED PRIVATE KEY";
		if ((rc = encrypt_p8(p8inf, pass, passlen, iter, &sig)) != 0)
			goto out;
		derlen = i2d_X509_SIG(sig, &der);
	}
	if (derlen <= 0 || der == NULL) {
		der = NULL;
		rc = GMPKI_ERR_CRYPTO;
		goto out;
	}
	rc = gmpki_pem_encode(label, der, (size_t)derlen, out, outlen);
 out:
	if (der != NULL) {
		OPENSSL_cleanse(der, (size_t)derlen);
		OPENSSL_free(der);
	}
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8inf);	/* clears the key octets */
	if (rc != 0)
		ERR_clear_error();
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

/*
 * Checks the encryption algorithm before any work is done on it: PBES2
 * with PBKDF2 (RFC 8018 §6.2, §A.2), a PRF and a cipher that OpenSSL knows
 * (so that "unsupported" is not reported as a wrong passphrase), and an
 * iteration count within bounds.
 */
static int
check_pbes2(const X509_SIG *sig)
{
	const X509_ALGOR *alg = NULL, *kdfalg, *enc;
	const ASN1_OBJECT *obj;
	const void *pval;
	PBE2PARAM *pbe2 = NULL;
	PBKDF2PARAM *kdf = NULL;
	uint64_t iter;
	int ptype, rc = GMPKI_ERR_DECODE;

	X509_SIG_get0(sig, &alg, NULL);
	if (alg == NULL)
		return GMPKI_ERR_DECODE;
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (OBJ_obj2nid(obj) != NID_pbes2 || ptype != V_ASN1_SEQUENCE)
		return GMPKI_ERR_DECODE;
	if ((pbe2 = ASN1_item_unpack(pval, ASN1_ITEM_rptr(PBE2PARAM))) ==
	    NULL)
		goto out;
	kdfalg = pbe2->keyfunc;
	enc = pbe2->encryption;
	if (kdfalg == NULL || enc == NULL)
		goto out;
	X509_ALGOR_get0(&obj, &ptype, &pval, kdfalg);
	if (OBJ_obj2nid(obj) != NID_id_pbkdf2 || ptype != V_ASN1_SEQUENCE)
		goto out;
	if ((kdf = ASN1_item_unpack(pval, ASN1_ITEM_rptr(PBKDF2PARAM))) ==
	    NULL)
		goto out;
	/* RFC 8018 §A.2: prf DEFAULT algid-hmacWithSHA1 when absent. */
	if (kdf->prf != NULL && !EVP_PBE_find(EVP_PBE_TYPE_PRF,
	    OBJ_obj2nid(kdf->prf->algorithm), NULL, NULL, NULL))
		goto out;
	if (EVP_get_cipherbyobj(enc->algorithm) == NULL)
		goto out;
	if (kdf->iter == NULL || !ASN1_INTEGER_get_uint64(&iter, kdf->iter) ||
	    iter < 1)
		goto out;
	if (iter > GMPKI_PBKDF2_MAX_ITER) {
		rc = GMPKI_ERR_TOO_LARGE;
		goto out;
	}
	rc = 0;
 out:
	PBKDF2PARAM_free(kdf);
	PBE2PARAM_free(pbe2);
	return rc;
}

/* PrivateKeyInfo to an SM2-type key. */
static int
p8inf_to_key(const PKCS8_PRIV_KEY_INFO *p8inf, EVP_PKEY **out)
{
	const ASN1_OBJECT *obj = NULL;
	EVP_PKEY *pk;
	int nid, rc;

	if (!PKCS8_pkey_get0(&obj, NULL, NULL, NULL, p8inf))
		return GMPKI_ERR_DECODE;
	/* GB/T 35276 / RFC 5480: id-ecPublicKey with the SM2 curve; some
	 * writers put the sm2 OID (1.2.156.10197.1.301) itself there. */
	nid = OBJ_obj2nid(obj);
	if (nid != NID_X9_62_id_ecPublicKey && nid != NID_sm2)
		return GMPKI_ERR_KEY_NOT_SM2;
	if ((pk = EVP_PKCS82PKEY(p8inf)) == NULL)
		return GMPKI_ERR_DECODE;
	rc = gmpki_sm2_key_normalize(pk, out);
	EVP_PKEY_free(pk);
	return rc;
}

static int
decode_encrypted(const unsigned char *der, size_t len, const char *pass,
    size_t passlen, EVP_PKEY **out)
{
	const unsigned char *p = der;
	X509_SIG *sig;
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	int rc;

	if ((sig = d2i_X509_SIG(NULL, &p, (long)len)) == NULL)
		return GMPKI_ERR_DECODE;
	if (p != der + len) {
		rc = GMPKI_ERR_TRAILING;
		goto out;
	}
	if ((rc = check_pbes2(sig)) != 0)
		goto out;
	if (pass == NULL) {
		rc = GMPKI_ERR_PASSPHRASE;
		goto out;
	}
	/*
	 * A wrong passphrase shows as a bad CBC padding or as plaintext that
	 * is no PrivateKeyInfo; the algorithms were checked above, so every
	 * failure here is "wrong passphrase or corrupt key".
	 */
	if ((p8inf = PKCS8_decrypt_ex(sig, pass, (int)passlen, NULL,
	    NULL)) == NULL) {
		rc = GMPKI_ERR_PASSPHRASE;
		goto out;
	}
	rc = p8inf_to_key(p8inf, out);
	if (rc == GMPKI_ERR_DECODE)
		rc = GMPKI_ERR_PASSPHRASE;
 out:
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	X509_SIG_free(sig);
	return rc;
}

static int
decode_pkcs8(const unsigned char *der, size_t len, EVP_PKEY **out)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8inf;
	int rc;

	if ((p8inf = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len)) == NULL)
		return GMPKI_ERR_DECODE;
	if (p != der + len)
		rc = GMPKI_ERR_TRAILING;
	else
		rc = p8inf_to_key(p8inf, out);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	return rc;
}

/* SEC1 / RFC 5915 ECPrivateKey; the curve decides SM2 or not. */
static int
decode_sec1(const unsigned char *der, size_t len, EVP_PKEY **out)
{
	const unsigned char *p = der;
	EVP_PKEY *pk;
	int rc;

	if ((pk = d2i_PrivateKey_ex(EVP_PKEY_EC, NULL, &p, (long)len, NULL,
	    NULL)) == NULL)
		return GMPKI_ERR_DECODE;
	if (p != der + len)
		rc = GMPKI_ERR_TRAILING;
	else
		rc = gmpki_sm2_key_normalize(pk, out);
	EVP_PKEY_free(pk);
	return rc;
}

static int
decode_der(const unsigned char *der, size_t len, enum key_kind kind,
    const char *pass, size_t passlen, EVP_PKEY **out)
{
	int rc;

	if (len == 0 || len > LONG_MAX)
		return GMPKI_ERR_DECODE;
	switch (kind) {
	case KIND_ENCRYPTED:
		return decode_encrypted(der, len, pass, passlen, out);
	case KIND_PKCS8:
		return decode_pkcs8(der, len, out);
	case KIND_SEC1:
		return decode_sec1(der, len, out);
	case KIND_ANY:
		break;
	}
	/*
	 * Bare DER: the three structures differ in their first field
	 * (SEQUENCE, INTEGER 0/1 then SEQUENCE, INTEGER 1 then OCTET
	 * STRING), so at most one of them parses.
	 */
	if ((rc = decode_encrypted(der, len, pass, passlen, out)) !=
	    GMPKI_ERR_DECODE)
		return rc;
	ERR_clear_error();
	if ((rc = decode_pkcs8(der, len, out)) != GMPKI_ERR_DECODE)
		return rc;
	ERR_clear_error();
	return decode_sec1(der, len, out);
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * `openssl ecparam -genkey` writes an "EC PARAMETERS" (3.0: "SM2
 * PARAMETERS") block before the key.  Returns the offset just past such a
 * block, or 0.  The key carries its own curve, so the block is not needed.
 */
static size_t
skip_params_block(const unsigned char *in, size_t len)
{
	static const char *const names[] = { "EC", "SM2" };
	char begin[64], end[64];
	const unsigned char *e;
	size_t i = 0, j, blen, elen;

	while (i < len && is_space(in[i]))
		i++;
	for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
		blen = (size_t)snprintf(begin, sizeof(begin),
		    "-----BEGIN %s PARAMETERS-----", names[j]);
		elen = (size_t)snprintf(end, sizeof(end),
		    "-----END %s PARAMETERS-----", names[j]);
		if (len - i < blen || memcmp(in + i, begin, blen) != 0)
			continue;
		e = memmem(in + i + blen, len - i - blen, end, elen);
		if (e == NULL)
			return 0;
		return (size_t)(e - in) + elen;
	}
	return 0;
}

static int
label_kind(const char *label, enum key_kind *kind)
{
	if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0)
		*kind = KIND_ENCRYPTED;
	else if (strcmp(label, "PRIVATE KEY") == 0)
		*kind = KIND_PKCS8;
	else if (strcmp(label, "EC PRIVATE KEY") == 0 ||
	    strcmp(label, "SM2 PRIVATE KEY") == 0)
		*kind = KIND_SEC1;
	else if (strcmp(label, "RSA PRIVATE KEY") == 0 ||
	    strcmp(label, "DSA PRIVATE KEY") == 0)
		return GMPKI_ERR_KEY_NOT_SM2;
	else
		return GMPKI_ERR_DECODE;
	return 0;
}

int
gmpki_key_from_mem(const unsigned char *in, size_t len, const char *pass,
    size_t passlen, EVP_PKEY **out)
{
	unsigned char *der = NULL;
	size_t derlen = 0, skip;
	char *label = NULL;
	enum key_kind kind = KIND_ANY;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (in == NULL || out == NULL || passlen > GMPKI_MAX_PASS_LEN ||
	    (pass == NULL && passlen != 0))
		return GMPKI_ERR_ARG;
	if (len > GMPKI_MAX_KEY_SIZE)
		return GMPKI_ERR_TOO_LARGE;
	if (len == 0)
		return GMPKI_ERR_DECODE;
	if (!gmpki_is_pem(in, len)) {
		rc = decode_der(in, len, KIND_ANY, pass, passlen, out);
		goto out;
	}
	skip = skip_params_block(in, len);
	if ((rc = gmpki_pem_decode_one(in + skip, len - skip, NULL, &der,
	    &derlen, &label)) != 0)
		goto out;
	if ((rc = label_kind(label, &kind)) != 0)
		goto out;
	rc = decode_der(der, derlen, kind, pass, passlen, out);
 out:
	wipe_free(der, derlen);
	free(label);
	if (rc != 0)
		ERR_clear_error();
	return rc;
}

int
gmpki_key_is_encrypted(const unsigned char *in, size_t len)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t derlen = 0, skip;
	X509_SIG *sig;
	int enc = 0;

	if (in == NULL || len == 0 || len > GMPKI_MAX_KEY_SIZE)
		return 0;
	if (gmpki_is_pem(in, len)) {
		skip = skip_params_block(in, len);
		enc = gmpki_pem_decode_one(in + skip, len - skip,
		    "ENCRYPTED PRIVATE KEY", &der, &derlen, NULL) == 0;
		wipe_free(der, derlen);
		return enc;
	}
	p = in;
	if ((sig = d2i_X509_SIG(NULL, &p, (long)len)) != NULL)
		enc = p == in + len;
	X509_SIG_free(sig);
	ERR_clear_error();
	return enc;
}

/* ---- files -------------------------------------------------------------- */

int
gmpki_key_save(const char *path, EVP_PKEY *key, const char *pass,
    size_t passlen, uint32_t iter, int overwrite)
{
	char *pem = NULL;
	size_t pemlen = 0;
	int rc;

	if (path == NULL || key == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = gmpki_key_to_pem(key, pass, passlen, iter, &pem,
	    &pemlen)) != 0)
		return rc;
	/* Private keys are for their owner's eyes only. */
	rc = gmpki_file_write(path, pem, pemlen, 0600, !overwrite);
	wipe_free(pem, pemlen);
	return rc;
}

int
gmpki_key_load(const char *path, const char *pass, size_t passlen,
    EVP_PKEY **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = gmpki_file_read(path, GMPKI_MAX_KEY_SIZE, &buf, &len)) != 0)
		return rc;
	rc = gmpki_key_from_mem(buf, len, pass, passlen, out);
	wipe_free(buf, len);
	return rc;
}

/*
 * The first line of path, like `openssl -passin file:`: read at most
 * GMPKI_MAX_PASS_LEN + 2 bytes (room for "\r\n"), never the rest of the
 * file.
 */
int
gmpki_pass_file_read(const char *path, char **out, size_t *outlen)
{
	char buf[GMPKI_MAX_PASS_LEN + 2], *nl, *pass;
	size_t len = 0, n;
	ssize_t r;
	int fd, rc;

	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (path == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return GMPKI_ERR_IO;
	while (len < sizeof(buf)) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = GMPKI_ERR_IO;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	if ((nl = memchr(buf, '\n', len)) != NULL)
		n = (size_t)(nl - buf);
	else if (len == sizeof(buf)) {
		rc = GMPKI_ERR_TOO_LARGE;	/* no line end in reach */
		goto out;
	} else
		n = len;			/* last line without "\n" */
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n == 0 || memchr(buf, '\0', n) != NULL) {
		rc = GMPKI_ERR_ARG;	/* empty, or not a text line */
		goto out;
	}
	if (n > GMPKI_MAX_PASS_LEN) {
		rc = GMPKI_ERR_TOO_LARGE;
		goto out;
	}
	if ((pass = malloc(n + 1)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	memcpy(pass, buf, n);
	pass[n] = '\0';
	*out = pass;
	if (outlen != NULL)
		*outlen = n;
	rc = 0;
 out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return rc;
}
