/*
 * store_settings.c - the settings table: key/value text, one row a key.
 */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/error.h"
#include "svc_error.h"

static int
setting_key_ok(const char *key)
{
	size_t n;

	if (key == NULL || (n = strlen(key)) == 0 || n > SVC_SETTING_KEY_MAX)
		return 0;
	for (; *key != '\0'; key++)
		if (!((*key >= 'a' && *key <= 'z') || *key == '_' ||
		    (*key >= '0' && *key <= '9')))
			return 0;
	return 1;
}

int
svc_setting_get(svc_db *db, const char *key, char *out, size_t outlen)
{
	svc_stmt *st = NULL;
	const char *v;
	int rc;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (db == NULL || !setting_key_ok(key) || out == NULL || outlen == 0)
		return GMPKI_ERR_ARG;
	if ((rc = svc_db_prepare(db, "SELECT value FROM settings"
	    " WHERE key = $1", &st)) != 0)
		return rc;
	if ((rc = svc_stmt_bind_text(st, 1, key)) != 0)
		goto out;
	rc = svc_stmt_step(st);
	if (rc == SVC_ROW) {
		v = svc_stmt_text(st, 0);
		if (v == NULL || strlen(v) >= outlen)
			rc = SVC_ERR_DB;
		else {
			memcpy(out, v, strlen(v) + 1);
			rc = 0;
		}
	} else if (rc == SVC_DONE)
		rc = GMPKI_ERR_NOT_FOUND;
	else if (rc >= 0)
		rc = SVC_ERR_DB;
out:
	svc_stmt_free(st);
	return rc;
}

int
svc_setting_set(svc_db *db, const char *key, const char *value)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || !setting_key_ok(key) || value == NULL ||
	    strlen(value) > SVC_SETTING_VALUE_MAX)
		return GMPKI_ERR_ARG;
	/* Upsert: SQLite 3.24+ and PostgreSQL 9.5+ both have it. */
	if ((rc = svc_db_prepare(db, "INSERT INTO settings (key, value)"
	    " VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
	    &st)) != 0)
		return rc;
	if ((rc = svc_stmt_bind_text(st, 1, key)) == 0 &&
	    (rc = svc_stmt_bind_text(st, 2, value)) == 0) {
		rc = svc_stmt_step(st);
		rc = rc == SVC_DONE ? 0 : rc < 0 ? rc : SVC_ERR_DB;
	}
	svc_stmt_free(st);
	return rc;
}

int
svc_setting_next(svc_db *db, const char *key, int64_t *out)
{
	char buf[32], *end;
	long long v = 0;
	int rc;

	if (out != NULL)
		*out = 0;
	if (db == NULL || out == NULL || !setting_key_ok(key))
		return GMPKI_ERR_ARG;
	/* BEGIN IMMEDIATE takes the write lock first: read and write are
	 * one step for every other process. */
	if ((rc = svc_db_begin(db)) != 0)
		return rc;
	rc = svc_setting_get(db, key, buf, sizeof(buf));
	if (rc == 0) {
		v = strtoll(buf, &end, 10);
		if (end == buf || *end != '\0' || v < 0 || v >= INT64_MAX)
			rc = SVC_ERR_DB;
	} else if (rc == GMPKI_ERR_NOT_FOUND)
		rc = 0;
	if (rc == 0) {
		snprintf(buf, sizeof(buf), "%lld", v + 1);
		rc = svc_setting_set(db, key, buf);
	}
	if (rc != 0) {
		svc_db_rollback(db);
		return rc;
	}
	if ((rc = svc_db_commit(db)) != 0)
		return rc;
	*out = (int64_t)(v + 1);
	return 0;
}
