/*
 * db.c - the storage engine seam of db.h: picks the backend from the URL
 * scheme and dispatches every call through its table (db_backend.h).
 * Adding PostgreSQL means one more row in db_schemes and a db_pg.c; no
 * caller changes.
 */
#include "db_backend.h"

#include <stddef.h>
#include <string.h>

#include "gmpki/error.h"
#include "svc_error.h"

static const struct {
	const char *prefix;
	const struct svc_db_backend *be;
} db_schemes[] = {
	{ "sqlite:", &svc_db_sqlite_backend },
};

int
svc_db_open(const char *url, svc_db **out)
{
	size_t i, n;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (url == NULL)
		return SVC_ERR_CONFIG;
	for (i = 0; i < sizeof(db_schemes) / sizeof(db_schemes[0]); i++) {
		n = strlen(db_schemes[i].prefix);
		if (strncmp(url, db_schemes[i].prefix, n) == 0)
			return db_schemes[i].be->open(url + n, out);
	}
	return SVC_ERR_CONFIG;
}

void
svc_db_close(svc_db *db)
{
	if (db != NULL)
		db->be->close(db);
}

int
svc_db_exec(svc_db *db, const char *sql)
{
	if (db == NULL || sql == NULL)
		return GMPKI_ERR_ARG;
	return db->be->exec(db, sql);
}

int
svc_db_begin(svc_db *db)
{
	if (db == NULL)
		return GMPKI_ERR_ARG;
	return db->be->begin(db);
}

int
svc_db_commit(svc_db *db)
{
	if (db == NULL)
		return GMPKI_ERR_ARG;
	return db->be->commit(db);
}

int
svc_db_rollback(svc_db *db)
{
	if (db == NULL)
		return GMPKI_ERR_ARG;
	return db->be->rollback(db);
}

int
svc_db_prepare(svc_db *db, const char *sql, svc_stmt **out)
{
	if (out != NULL)
		*out = NULL;
	if (db == NULL || sql == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	return db->be->prepare(db, sql, out);
}

int
svc_stmt_bind_text(svc_stmt *st, int idx, const char *s)
{
	if (st == NULL || idx < 1)
		return GMPKI_ERR_ARG;
	if (s == NULL)
		return st->be->bind_null(st, idx);
	return st->be->bind_text(st, idx, s);
}

int
svc_stmt_bind_int64(svc_stmt *st, int idx, int64_t v)
{
	if (st == NULL || idx < 1)
		return GMPKI_ERR_ARG;
	return st->be->bind_int64(st, idx, v);
}

int
svc_stmt_bind_blob(svc_stmt *st, int idx, const void *p, size_t len)
{
	if (st == NULL || idx < 1 || (p == NULL && len != 0))
		return GMPKI_ERR_ARG;
	return st->be->bind_blob(st, idx, p, len);
}

int
svc_stmt_bind_null(svc_stmt *st, int idx)
{
	if (st == NULL || idx < 1)
		return GMPKI_ERR_ARG;
	return st->be->bind_null(st, idx);
}

int
svc_stmt_step(svc_stmt *st)
{
	if (st == NULL)
		return GMPKI_ERR_ARG;
	return st->be->step(st);
}

int
svc_stmt_is_null(svc_stmt *st, int col)
{
	if (st == NULL || col < 0)
		return 1;
	return st->be->is_null(st, col);
}

const char *
svc_stmt_text(svc_stmt *st, int col)
{
	if (st == NULL || col < 0)
		return NULL;
	return st->be->text(st, col);
}

int64_t
svc_stmt_int64(svc_stmt *st, int col)
{
	if (st == NULL || col < 0)
		return 0;
	return st->be->int64(st, col);
}

const void *
svc_stmt_blob(svc_stmt *st, int col, size_t *len)
{
	if (len != NULL)
		*len = 0;
	if (st == NULL || col < 0 || len == NULL)
		return NULL;
	return st->be->blob(st, col, len);
}

int64_t
svc_stmt_changes(svc_stmt *st)
{
	if (st == NULL)
		return 0;
	return st->be->changes(st);
}

void
svc_stmt_free(svc_stmt *st)
{
	if (st != NULL)
		st->be->stmt_free(st);
}
