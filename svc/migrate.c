/*
 * migrate.c - versioned schema migrations (docs/CERTSVC-STORAGE.md).
 *
 * schema_version holds one row per applied migration; the schema's version
 * is the largest.  Each migration runs in its own transaction together
 * with its schema_version row, so a failed migration leaves nothing behind
 * and two processes migrating at once apply it once (the second waits at
 * BEGIN IMMEDIATE, then sees the new version and skips).
 *
 * The SQL is written once for SQLite and PostgreSQL: "{ID}" and "{BLOB}"
 * are replaced with the backend's words (db_backend.h) - on SQLite
 * INTEGER PRIMARY KEY (the rowid) and BLOB, on PostgreSQL BIGINT GENERATED
 * BY DEFAULT AS IDENTITY PRIMARY KEY and BYTEA.  Times are Unix seconds in
 * BIGINT.  Migrations are append-only: a released one is never edited.
 */
#include "db_backend.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gmpki/error.h"
#include "svc_error.h"

static const char schema_version_ddl[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY,"
    " applied_at BIGINT NOT NULL)";

/* Version 1: the records of store.h. */
static const char migration_1[] =
    "CREATE TABLE enterprises ("
    " id {ID},"
    " uscc TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " region TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE accounts ("
    " id {ID},"
    " username TEXT NOT NULL UNIQUE,"
    " enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),"
    " pwhash TEXT NOT NULL,"
    " state INTEGER NOT NULL DEFAULT 0,"
    " failed_logins INTEGER NOT NULL DEFAULT 0,"
    " locked_until BIGINT NOT NULL DEFAULT 0,"
    " created_at BIGINT NOT NULL);"
    "CREATE INDEX accounts_enterprise ON accounts(enterprise_id);"
    "CREATE TABLE certificates ("
    " serial TEXT PRIMARY KEY,"
    " account_id BIGINT NOT NULL REFERENCES accounts(id),"
    " subject TEXT NOT NULL,"
    " not_before BIGINT NOT NULL,"
    " not_after BIGINT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('V', 'R')),"
    " revoked_at BIGINT,"
    " reason INTEGER,"
    " sm3_fp TEXT NOT NULL,"
    " der {BLOB} NOT NULL,"
    " issued_at BIGINT NOT NULL);"
    "CREATE INDEX certificates_account ON certificates(account_id);"
    "CREATE INDEX certificates_status ON certificates(status, not_after);"
    "CREATE TABLE tickets ("
    " token_hash TEXT PRIMARY KEY,"
    " account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " purpose TEXT NOT NULL,"
    " expires_at BIGINT NOT NULL,"
    " used_at BIGINT);"
    "CREATE TABLE captchas ("
    " id TEXT PRIMARY KEY,"
    " answer TEXT NOT NULL,"
    " created_at BIGINT NOT NULL,"
    " expires_at BIGINT NOT NULL);"
    "CREATE TABLE sessions ("
    " token_hash TEXT PRIMARY KEY,"
    " account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " purpose TEXT NOT NULL,"
    " csrf TEXT NOT NULL,"
    " expires_at BIGINT NOT NULL);"
    "CREATE INDEX sessions_expires ON sessions(expires_at);"
    "CREATE TABLE reporting_systems ("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " vendor TEXT NOT NULL,"
    " province TEXT NOT NULL,"
    " origin TEXT NOT NULL,"
    " return_url TEXT NOT NULL);"
    /* id is assigned by svc_audit_append (last + 1), never by a sequence:
     * PostgreSQL sequences leave gaps on rollback, and verify requires
     * consecutive ids. */
    "CREATE TABLE audit_log ("
    " id BIGINT PRIMARY KEY,"
    " at BIGINT NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " object TEXT NOT NULL,"
    " detail TEXT NOT NULL,"
    " addr TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE TABLE settings ("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);";

static const char *const migrations[] = {
	migration_1,
};
#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* Replaces {ID} and {BLOB} with the backend's words; *out malloc'ed. */
static int
migrate_expand(const struct svc_db_backend *be, const char *sql, char **out)
{
	static const char id_tok[] = "{ID}", blob_tok[] = "{BLOB}";
	size_t cap, n = 0, w;
	const char *p, *word;
	char *buf;

	*out = NULL;
	/* Each token is replaced by a word at most this much longer. */
	cap = strlen(sql) + 1;
	for (p = sql; (p = strchr(p, '{')) != NULL; p++)
		cap += strlen(be->ddl_id) + strlen(be->ddl_blob);
	if ((buf = malloc(cap)) == NULL)
		return GMPKI_ERR_NOMEM;
	for (p = sql; *p != '\0';) {
		word = NULL;
		if (strncmp(p, id_tok, sizeof(id_tok) - 1) == 0) {
			word = be->ddl_id;
			p += sizeof(id_tok) - 1;
		} else if (strncmp(p, blob_tok, sizeof(blob_tok) - 1) == 0) {
			word = be->ddl_blob;
			p += sizeof(blob_tok) - 1;
		}
		if (word != NULL) {
			w = strlen(word);
			if (n + w >= cap)
				goto overflow;
			memcpy(buf + n, word, w);
			n += w;
		} else {
			if (n + 1 >= cap)
				goto overflow;
			buf[n++] = *p++;
		}
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
overflow:
	free(buf);
	return GMPKI_ERR_INTERNAL;
}

static int
migrate_current(svc_db *db)
{
	svc_stmt *st = NULL;
	int64_t v;
	int rc;

	if ((rc = svc_db_exec(db, schema_version_ddl)) != 0)
		return rc;
	if ((rc = svc_db_prepare(db,
	    "SELECT COALESCE(MAX(version), 0) FROM schema_version", &st)) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		v = svc_stmt_int64(st, 0);
		rc = v >= 0 && v <= 1000000 ? (int)v : SVC_ERR_DB;
	} else if (rc == SVC_DONE)
		rc = SVC_ERR_DB;
	svc_stmt_free(st);
	return rc;
}

int
svc_db_schema_version(svc_db *db)
{
	if (db == NULL)
		return GMPKI_ERR_ARG;
	return migrate_current(db);
}

static int
migrate_one(svc_db *db, int version)
{
	svc_stmt *st = NULL;
	char *sql = NULL;
	int rc, cur;

	if ((rc = svc_db_begin(db)) != 0)
		return rc;
	if ((cur = migrate_current(db)) < 0) {
		rc = cur;
		goto fail;
	}
	if (cur >= version) {
		/* Applied already, perhaps by another process just now. */
		return svc_db_commit(db);
	}
	if (cur != version - 1) {
		rc = SVC_ERR_DB;
		goto fail;
	}
	if ((rc = migrate_expand(db->be, migrations[version - 1], &sql)) != 0 ||
	    (rc = svc_db_exec(db, sql)) != 0)
		goto fail;
	if ((rc = svc_db_prepare(db, "INSERT INTO schema_version"
	    " (version, applied_at) VALUES ($1, $2)", &st)) != 0 ||
	    (rc = svc_stmt_bind_int64(st, 1, version)) != 0 ||
	    (rc = svc_stmt_bind_int64(st, 2, (int64_t)time(NULL))) != 0 ||
	    (rc = svc_stmt_step(st)) != SVC_DONE) {
		if (rc >= 0)
			rc = SVC_ERR_DB;
		goto fail;
	}
	svc_stmt_free(st);
	free(sql);
	return svc_db_commit(db);
fail:
	svc_stmt_free(st);
	free(sql);
	svc_db_rollback(db);
	return rc;
}

int
svc_db_migrate(svc_db *db)
{
	int rc, v;

	if (db == NULL)
		return GMPKI_ERR_ARG;
	/* A database from a newer certsvc: refuse rather than guess. */
	if ((v = svc_db_schema_version(db)) < 0)
		return v;
	if (v > MIGRATION_COUNT)
		return SVC_ERR_DB;
	for (v = 1; v <= MIGRATION_COUNT; v++)
		if ((rc = migrate_one(db, v)) != 0)
			return rc;
	return 0;
}
