/*
 * db.h - the storage engine seam: one connection, prepared statements with
 * typed binds, transactions, and a pool for the server's threads.
 *
 * SQL text is written once for every backend: parameters are $1, $2, ...
 * numbered in order of first appearance (SQLite takes "$1" as a named
 * parameter and numbers it in that order; PostgreSQL takes it natively).
 * Times are INTEGER Unix seconds; binary values BLOB (SQLite) / BYTEA.
 * Only parameterised SQL is ever run with outside data.
 *
 * Backends: "sqlite:PATH" (WAL, foreign keys on, busy timeout) now;
 * "postgresql://..." later, behind the same functions.
 */
#ifndef SVC_DB_H
#define SVC_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct svc_db svc_db;
typedef struct svc_stmt svc_stmt;
typedef struct svc_db_pool svc_db_pool;

#define SVC_ROW 1
#define SVC_DONE 0

int svc_db_open(const char *url, svc_db **out);
void svc_db_close(svc_db *db);

/* Runs SQL without parameters or rows (DDL, several statements allowed). */
int svc_db_exec(svc_db *db, const char *sql);

/* Transactions (SQLite: BEGIN IMMEDIATE, so writers queue at the start). */
int svc_db_begin(svc_db *db);
int svc_db_commit(svc_db *db);
int svc_db_rollback(svc_db *db);

int svc_db_prepare(svc_db *db, const char *sql, svc_stmt **out);
int svc_stmt_bind_text(svc_stmt *st, int idx, const char *s); /* 1-based */
int svc_stmt_bind_int64(svc_stmt *st, int idx, int64_t v);
int svc_stmt_bind_blob(svc_stmt *st, int idx, const void *p, size_t len);
int svc_stmt_bind_null(svc_stmt *st, int idx);
/* SVC_ROW, SVC_DONE, SVC_ERR_DB, or SVC_ERR_DB_CONFLICT (unique/PK). */
int svc_stmt_step(svc_stmt *st);
/* Column accessors for the current row (0-based); text NULL when NULL. */
int svc_stmt_is_null(svc_stmt *st, int col);
const char *svc_stmt_text(svc_stmt *st, int col);
int64_t svc_stmt_int64(svc_stmt *st, int col);
const void *svc_stmt_blob(svc_stmt *st, int col, size_t *len);
/* Rows changed by the last step of an INSERT/UPDATE/DELETE. */
int64_t svc_stmt_changes(svc_stmt *st);
void svc_stmt_free(svc_stmt *st);

/* Schema version (PRAGMA user_version / a table), and migrations to the
 * newest version, each in its own transaction.  Defined in migrate.c. */
int svc_db_migrate(svc_db *db);
int svc_db_schema_version(svc_db *db);

/* A fixed set of connections; get blocks until one is free. */
int svc_db_pool_open(const char *url, int size, svc_db_pool **out);
svc_db *svc_db_pool_get(svc_db_pool *pool);
void svc_db_pool_put(svc_db_pool *pool, svc_db *db);
void svc_db_pool_close(svc_db_pool *pool);

#endif
