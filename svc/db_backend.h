/*
 * db_backend.h - private to the storage engine: the table of functions a
 * backend (db_sqlite.c now, db_pg.c later) gives db.c, which dispatches the
 * public db.h calls through it.
 *
 * A backend's connection and statement structs start with struct svc_db /
 * struct svc_stmt, so db.c reaches the table from either handle and the
 * backend casts back to its own type.
 */
#ifndef SVC_DB_BACKEND_H
#define SVC_DB_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct svc_db_backend {
	const char *name;	/* "sqlite" */
	/*
	 * DDL words that differ between SQL dialects; migrate.c replaces
	 * "{ID}" and "{BLOB}" in its schema text with these.
	 */
	const char *ddl_id;	/* an auto-assigned BIGINT primary key */
	const char *ddl_blob;	/* a byte string: BLOB / BYTEA */

	/* rest is the URL after the scheme ("sqlite:" -> the path). */
	int (*open)(const char *url, svc_db **out);
	void (*close)(svc_db *db);
	int (*exec)(svc_db *db, const char *sql);
	int (*begin)(svc_db *db);
	int (*commit)(svc_db *db);
	int (*rollback)(svc_db *db);
	int (*prepare)(svc_db *db, const char *sql, svc_stmt **out);
	int (*bind_text)(svc_stmt *st, int idx, const char *s);
	int (*bind_int64)(svc_stmt *st, int idx, int64_t v);
	int (*bind_blob)(svc_stmt *st, int idx, const void *p, size_t len);
	int (*bind_null)(svc_stmt *st, int idx);
	int (*step)(svc_stmt *st);
	int (*is_null)(svc_stmt *st, int col);
	const char *(*text)(svc_stmt *st, int col);
	int64_t (*int64)(svc_stmt *st, int col);
	const void *(*blob)(svc_stmt *st, int col, size_t *len);
	int64_t (*changes)(svc_stmt *st);
	void (*stmt_free)(svc_stmt *st);
};

/* The head of every backend connection and statement. */
struct svc_db {
	const struct svc_db_backend *be;
};

struct svc_stmt {
	const struct svc_db_backend *be;
};

/* The backends (one per file). */
extern const struct svc_db_backend svc_db_sqlite_backend;

#endif
