/*
 * accounts.c - reportsys's accounts file: one "username:hash" line per
 * account, the hash in svc/password.h's form (PBKDF2-HMAC-SM3).  A real
 * reporting system has its own user database; the sample keeps a file
 * the demo setup writes with the service's demo accounts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gmpki/gmpki.h"
#include "password.h"
#include "reportsys.h"
#include "svc_error.h"

int
rs_username_ok(const char *u)
{
	size_t n;

	if (u == NULL || (n = strlen(u)) == 0 || n > RS_MAX_USERNAME)
		return 0;
	/* The service's account names: letters, digits, "._-@". */
	return strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-@") == n;
}

void
rs_accounts_free(struct rs_accounts *a)
{
	if (a == NULL)
		return;
	if (a->a != NULL)
		gmpki_wipe(a->a, a->n * sizeof(*a->a));
	free(a->a);
	a->a = NULL;
	a->n = 0;
}

/* Parses text (NUL-terminated, modified) into out. */
static int
parse(char *text, const char *path, struct rs_accounts *out, char *err,
    size_t errlen)
{
	char *line, *next, *colon;
	size_t cap = 0, i;
	int lineno = 0;

	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected username:hash",
			    path, lineno);
			return GMPKI_ERR_DECODE;
		}
		*colon = '\0';
		if (!rs_username_ok(line) ||
		    strlen(colon + 1) >= sizeof(out->a[0].hash) ||
		    strncmp(colon + 1, "pbkdf2-sm3$", 11) != 0) {
			snprintf(err, errlen, "%s:%d: bad username or hash",
			    path, lineno);
			return GMPKI_ERR_DECODE;
		}
		for (i = 0; i < out->n; i++)
			if (strcmp(out->a[i].username, line) == 0) {
				snprintf(err, errlen, "%s:%d: %s appears twice",
				    path, lineno, line);
				return GMPKI_ERR_DECODE;
			}
		if (out->n == RS_MAX_ACCOUNTS) {
			snprintf(err, errlen, "%s: more than %d accounts", path,
			    RS_MAX_ACCOUNTS);
			return GMPKI_ERR_TOO_LARGE;
		}
		if (out->n == cap) {
			struct rs_account *na;

			cap = cap == 0 ? 16 : cap * 2;
			if ((na = realloc(out->a, cap * sizeof(*na))) == NULL)
				return GMPKI_ERR_NOMEM;
			out->a = na;
		}
		snprintf(out->a[out->n].username,
		    sizeof(out->a[out->n].username), "%s", line);
		snprintf(out->a[out->n].hash, sizeof(out->a[out->n].hash), "%s",
		    colon + 1);
		out->n++;
	}
	return 0;
}

static int
load_text(const char *path, char **text, int missing_ok, char *err,
    size_t errlen)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc;

	*text = NULL;
	if (missing_ok && access(path, F_OK) != 0 && errno == ENOENT)
		rc = GMPKI_ERR_NOT_FOUND;
	else
		rc = gmpki_file_read(path, RS_ACCOUNTS_MAX_BYTES, &data, &len);
	if (rc == GMPKI_ERR_NOT_FOUND && missing_ok) {
		data = NULL;
		len = 0;
	} else if (rc != 0) {
		snprintf(err, errlen, "%s: %s", path, gmpki_strerror_en(rc));
		return rc;
	}
	if ((*text = malloc(len + 1)) == NULL) {
		free(data);
		return GMPKI_ERR_NOMEM;
	}
	if (len > 0)
		memcpy(*text, data, len);
	(*text)[len] = '\0';
	free(data);
	if (strlen(*text) != len) {
		snprintf(err, errlen, "%s: NUL byte in the file", path);
		free(*text);
		*text = NULL;
		return GMPKI_ERR_DECODE;
	}
	return 0;
}

int
rs_accounts_load(const char *path, struct rs_accounts *out, char *err,
    size_t errlen)
{
	char *text;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load_text(path, &text, 0, err, errlen)) != 0)
		return rc;
	rc = parse(text, path, out, err, errlen);
	gmpki_wipe(text, strlen(text));
	free(text);
	if (rc != 0)
		rs_accounts_free(out);
	return rc;
}

int
rs_accounts_find(const struct rs_accounts *a, const char *username)
{
	size_t i;

	for (i = 0; username != NULL && i < a->n; i++)
		if (strcmp(a->a[i].username, username) == 0)
			return (int)i;
	return -1;
}

int
rs_accounts_check(const struct rs_accounts *a, const char *username,
    const char *password)
{
	/* An unknown username costs one PBKDF2 like a known one: a hash no
	 * password matches (in practice), with the first account's count. */
	char dummy[128];
	const char *stored = NULL;
	unsigned long iter = 12000;
	size_t i;
	int rc;

	if (a->n > 0)
		iter = strtoul(a->a[0].hash + 11, NULL, 10);
	snprintf(dummy, sizeof(dummy), "pbkdf2-sm3$%lu$"
	    "AAAAAAAAAAAAAAAAAAAAAA==$"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", iter);

	if (username != NULL)
		for (i = 0; i < a->n; i++)
			if (strcmp(a->a[i].username, username) == 0)
				stored = a->a[i].hash;
	if (password == NULL)
		password = "";
	if (stored == NULL) {
		/* the same work with an answer that cannot match */
		(void)svc_password_check(password, dummy);
		return SVC_ERR_LOGIN_FAILED;
	}
	rc = svc_password_check(password, stored);
	return rc == 0 ? 0 : SVC_ERR_LOGIN_FAILED;
}

int
rs_accounts_set(const char *path, const char *username, const char *password,
    uint32_t iter, char *err, size_t errlen)
{
	struct rs_accounts a;
	char *text = NULL, hash[SVC_PWHASH_MAX];
	char *out = NULL;
	size_t i, cap, pos = 0;
	int rc, found = 0;

	memset(&a, 0, sizeof(a));
	if (!rs_username_ok(username)) {
		snprintf(err, errlen, "bad username (letters, digits, ._-@; at "
		    "most %d)", RS_MAX_USERNAME);
		return GMPKI_ERR_ARG;
	}
	if ((rc = svc_password_policy(password)) != 0) {
		snprintf(err, errlen, "password: 8 to 128 bytes");
		return rc;
	}
	if ((rc = load_text(path, &text, 1, err, errlen)) != 0)
		return rc;
	rc = parse(text, path, &a, err, errlen);
	free(text);
	if (rc != 0)
		goto out;
	if ((rc = svc_password_hash(password, iter, hash, sizeof(hash))) != 0) {
		snprintf(err, errlen, "hashing failed");
		goto out;
	}
	cap = (a.n + 1) * (RS_MAX_USERNAME + sizeof(a.a[0].hash) + 2) + 1;
	if ((out = malloc(cap)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < a.n; i++) {
		const char *h = a.a[i].hash;

		if (strcmp(a.a[i].username, username) == 0) {
			h = hash;
			found = 1;
		}
		pos += (size_t)snprintf(out + pos, cap - pos, "%s:%s\n",
		    a.a[i].username, h);
	}
	if (!found)
		pos += (size_t)snprintf(out + pos, cap - pos, "%s:%s\n",
		    username, hash);
	if ((rc = gmpki_file_write(path, out, pos, 0600, 0)) != 0)
		snprintf(err, errlen, "%s: %s", path, gmpki_strerror_en(rc));
out:
	if (out != NULL) {
		gmpki_wipe(out, pos);
		free(out);
	}
	rs_accounts_free(&a);
	return rc;
}
