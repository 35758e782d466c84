/*
 * password.h - account passwords: PBKDF2-HMAC-SM3 with a per-account
 * 16-byte salt.  Stored form:
 *   pbkdf2-sm3$<iterations>$<salt base64>$<hash base64>
 * The iteration count comes from the configuration (docs/CERTSVC.md has
 * the measurement: one check costs about 10 ms here).
 */
#ifndef SVC_PASSWORD_H
#define SVC_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define SVC_PWHASH_MAX 192

int svc_password_hash(const char *password, uint32_t iter, char *out,
    size_t outlen);
/* 0 when password matches stored (constant time), SVC_ERR_LOGIN_FAILED
 * when not, GMPKI_ERR_DECODE when stored is malformed. */
int svc_password_check(const char *password, const char *stored);
/* Minimum policy: at least 8 bytes, at most 128. */
int svc_password_policy(const char *password);

#endif
