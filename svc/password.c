/*
 * password.c - account passwords: PBKDF2-HMAC-SM3 (RFC 8018 §5.2 with SM3
 * as the PRF), a 16-byte random salt per hash, a 32-byte derived key.
 *
 * Stored form (password.h):
 *   pbkdf2-sm3$<iterations>$<salt>$<hash>
 * <iterations> is decimal without leading zeros; <salt> and <hash> are
 * standard base64 (RFC 4648 §4, "+/" alphabet, with "=" padding).  The
 * parser accepts only the canonical form this file writes: any other
 * encoding of the same bytes, other lengths, or stray characters are
 * GMPKI_ERR_DECODE, so one account cannot have two spellings of a hash.
 */
#include "password.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "svc_error.h"

#define PW_PREFIX "pbkdf2-sm3$"
#define PW_SALT_LEN 16
#define PW_HASH_LEN 32
#define PW_ITER_MAX 10000000u	/* bounds the work a stored hash can ask */
#define PW_MIN 8
#define PW_MAX 128

/* Standard base64 with padding of len bytes; out holds 4*ceil(len/3)+1. */
static void
pw_b64_encode(const uint8_t *in, size_t len, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

/*
 * Decodes exactly want bytes from the slen characters at s, accepting only
 * the canonical encoding (re-encoding must give the same characters).
 */
static int
pw_b64_decode(const char *s, size_t slen, uint8_t *out, size_t want)
{
	uint8_t tmp[64];
	char again[96];
	size_t pad = 0;
	int n;

	if (slen == 0 || slen % 4 != 0 || slen / 4 * 3 > sizeof(tmp) ||
	    want > sizeof(tmp) || (want + 2) / 3 * 4 != slen)
		return GMPKI_ERR_DECODE;
	n = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)slen);
	if (n < 0)
		return GMPKI_ERR_DECODE;
	if (s[slen - 1] == '=')
		pad++;
	if (s[slen - 2] == '=')
		pad++;
	if ((size_t)n < pad || (size_t)n - pad != want)
		return GMPKI_ERR_DECODE;
	pw_b64_encode(tmp, want, again);
	if (strlen(again) != slen || memcmp(again, s, slen) != 0) {
		gmpki_wipe(tmp, sizeof(tmp));
		return GMPKI_ERR_DECODE;
	}
	memcpy(out, tmp, want);
	gmpki_wipe(tmp, sizeof(tmp));
	return 0;
}

int
svc_password_policy(const char *password)
{
	size_t n;

	if (password == NULL)
		return GMPKI_ERR_ARG;
	n = strlen(password);
	if (n < PW_MIN)
		return SVC_ERR_PASSWORD_WEAK;
	if (n > PW_MAX)
		return GMPKI_ERR_TOO_LARGE;
	return 0;
}

int
svc_password_hash(const char *password, uint32_t iter, char *out,
    size_t outlen)
{
	uint8_t salt[PW_SALT_LEN], dk[PW_HASH_LEN];
	char salt64[(PW_SALT_LEN + 2) / 3 * 4 + 1];
	char dk64[(PW_HASH_LEN + 2) / 3 * 4 + 1];
	int n, rc;

	if (password == NULL || out == NULL || outlen == 0 || iter == 0 ||
	    iter > PW_ITER_MAX)
		return GMPKI_ERR_ARG;
	out[0] = '\0';
	if ((rc = gmpki_random(salt, sizeof(salt))) != 0)
		return rc;
	if ((rc = gmpki_pbkdf2_sm3(password, strlen(password), salt,
	    sizeof(salt), iter, dk, sizeof(dk))) != 0)
		goto out;
	pw_b64_encode(salt, sizeof(salt), salt64);
	pw_b64_encode(dk, sizeof(dk), dk64);
	n = snprintf(out, outlen, PW_PREFIX "%u$%s$%s", (unsigned)iter,
	    salt64, dk64);
	if (n < 0 || (size_t)n >= outlen) {
		gmpki_wipe(out, outlen);
		out[0] = '\0';
		rc = GMPKI_ERR_TOO_LARGE;
	}
out:
	gmpki_wipe(dk, sizeof(dk));
	gmpki_wipe(dk64, sizeof(dk64));
	return rc;
}

/* Parses the stored form into its iteration count, salt and hash. */
static int
pw_parse(const char *stored, uint32_t *iter, uint8_t salt[PW_SALT_LEN],
    uint8_t hash[PW_HASH_LEN])
{
	const char *p, *d1, *d2;
	uint64_t v = 0;

	if (strlen(stored) >= SVC_PWHASH_MAX)
		return GMPKI_ERR_DECODE;
	if (strncmp(stored, PW_PREFIX, sizeof(PW_PREFIX) - 1) != 0)
		return GMPKI_ERR_DECODE;
	p = stored + sizeof(PW_PREFIX) - 1;
	if (*p < '1' || *p > '9')	/* no sign, no leading zero */
		return GMPKI_ERR_DECODE;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > PW_ITER_MAX)
			return GMPKI_ERR_DECODE;
	}
	if (*p != '$')
		return GMPKI_ERR_DECODE;
	d1 = p + 1;
	if ((d2 = strchr(d1, '$')) == NULL || strchr(d2 + 1, '$') != NULL)
		return GMPKI_ERR_DECODE;
	if (pw_b64_decode(d1, (size_t)(d2 - d1), salt, PW_SALT_LEN) != 0 ||
	    pw_b64_decode(d2 + 1, strlen(d2 + 1), hash, PW_HASH_LEN) != 0)
		return GMPKI_ERR_DECODE;
	*iter = (uint32_t)v;
	return 0;
}

int
svc_password_check(const char *password, const char *stored)
{
	uint8_t salt[PW_SALT_LEN], want[PW_HASH_LEN], got[PW_HASH_LEN];
	uint32_t iter = 0;
	int rc;

	if (password == NULL || stored == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = pw_parse(stored, &iter, salt, want)) != 0)
		goto out;
	if ((rc = gmpki_pbkdf2_sm3(password, strlen(password), salt,
	    sizeof(salt), iter, got, sizeof(got))) != 0)
		goto out;
	rc = gmpki_memeq(got, want, sizeof(got)) ? 0 : SVC_ERR_LOGIN_FAILED;
out:
	gmpki_wipe(got, sizeof(got));
	gmpki_wipe(want, sizeof(want));
	return rc;
}
