/*
 * db_sqlite.c - the SQLite backend of db.h ("sqlite:PATH").
 *
 * One connection per thread (the pool hands them out), so connections are
 * opened SQLITE_OPEN_NOMUTEX ("multi-thread" mode): SQLite's own per-call
 * mutex would only cost.  Every connection runs in WAL mode with foreign
 * keys on, synchronous=NORMAL (durable at checkpoints, never corrupt) and a
 * 5 s busy timeout, and transactions start with BEGIN IMMEDIATE so writers
 * queue at BEGIN instead of failing at their first write.
 *
 * Parameters: the shared SQL text uses PostgreSQL's $1, $2, ...  SQLite
 * reads "$1" as a *named* parameter and numbers names in order of first
 * appearance, so "... $2 ... $1" would swap them.  Binds therefore look the
 * name "$<idx>" up (sqlite3_bind_parameter_index) and so always bind by
 * the number written in the SQL, as PostgreSQL does.
 */
#include "db_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "gmpki/error.h"
#include "svc_error.h"

#define SQLITE_BUSY_MS 5000

struct sqlite_db {
	struct svc_db base;	/* first: db.c sees only this */
	sqlite3 *h;
};

struct sqlite_stmt {
	struct svc_stmt base;	/* first */
	sqlite3_stmt *s;
	sqlite3 *h;
	int64_t changes;
};

static int
sqlite_map(int rc)
{
	switch (rc) {
	case SQLITE_OK:
		return 0;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return SVC_ERR_DB_CONFLICT;
	case SQLITE_NOMEM:
		return GMPKI_ERR_NOMEM;
	default:
		return SVC_ERR_DB;
	}
}

/*
 * Creates the database file with mode 0600 before SQLite opens it (SQLite
 * would use 0644 less the umask), and narrows an existing file that is
 * open to group or others.  The -wal and -shm files SQLite creates later
 * copy the main file's mode.  Setting the umask instead would race with
 * the server's other threads.
 */
static int
sqlite_secure_file(const char *path)
{
	struct stat sb;
	int fd;

	/*
	 * Never open() and close() an existing database file here: closing
	 * ANY descriptor of a file drops all of this process's POSIX locks on
	 * it (fcntl(2)), including the ones SQLite's other connections hold,
	 * and another process would then think it is the last user and delete
	 * the -wal and -shm files under us.  Existing files are checked and
	 * tightened by path; only a new file is created (O_EXCL: no
	 * connection can have it open yet).
	 */
	if (lstat(path, &sb) == -1) {
		if (errno != ENOENT)
			return SVC_ERR_DB;
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd == -1 && errno != EEXIST)
			return SVC_ERR_DB;
		if (fd != -1)
			close(fd);
		if (lstat(path, &sb) == -1)
			return SVC_ERR_DB;
	}
	if (!S_ISREG(sb.st_mode))
		return SVC_ERR_DB;
	if ((sb.st_mode & 077) != 0) {
		if (chmod(path, 0600) == -1 || lstat(path, &sb) == -1 ||
		    !S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0)
			return GMPKI_ERR_PERMISSION;
	}
	return 0;
}

static int
sqlite_journal_wal(sqlite3 *h)
{
	sqlite3_stmt *s = NULL;
	const unsigned char *mode;
	int rc;

	if (sqlite3_prepare_v3(h, "PRAGMA journal_mode=WAL", -1, 0, &s,
	    NULL) != SQLITE_OK)
		return SVC_ERR_DB;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		rc = sqlite_map(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	else if ((mode = sqlite3_column_text(s, 0)) == NULL ||
	    strcmp((const char *)mode, "wal") != 0)
		rc = SVC_ERR_DB;	/* e.g. an in-memory database */
	else
		rc = 0;
	sqlite3_finalize(s);
	return rc;
}

static int
sqlite_open(const char *path, svc_db **out)
{
	struct sqlite_db *db;
	int rc;

	if (path == NULL || *path == '\0')
		return SVC_ERR_CONFIG;
	if ((rc = sqlite_secure_file(path)) != 0)
		return rc;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return GMPKI_ERR_NOMEM;
	db->base.be = &svc_db_sqlite_backend;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = SVC_ERR_DB;
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	if (sqlite3_busy_timeout(db->h, SQLITE_BUSY_MS) != SQLITE_OK ||
	    (rc = sqlite_journal_wal(db->h)) != 0 ||
	    sqlite3_exec(db->h, "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL) != SQLITE_OK) {
		if (rc == 0)
			rc = SVC_ERR_DB;
		goto fail;
	}
	*out = &db->base;
	return 0;
fail:
	sqlite3_close_v2(db->h);	/* accepts NULL */
	free(db);
	return rc;
}

static void
sqlite_close(svc_db *base)
{
	struct sqlite_db *db = (struct sqlite_db *)base;

	sqlite3_close_v2(db->h);
	free(db);
}

static int
sqlite_exec(svc_db *base, const char *sql)
{
	struct sqlite_db *db = (struct sqlite_db *)base;

	return sqlite_map(sqlite3_exec(db->h, sql, NULL, NULL, NULL));
}

static int
sqlite_begin(svc_db *base)
{
	return sqlite_exec(base, "BEGIN IMMEDIATE");
}

static int
sqlite_commit(svc_db *base)
{
	return sqlite_exec(base, "COMMIT");
}

static int
sqlite_rollback(svc_db *base)
{
	return sqlite_exec(base, "ROLLBACK");
}

static int
sqlite_prepare(svc_db *base, const char *sql, svc_stmt **out)
{
	struct sqlite_db *db = (struct sqlite_db *)base;
	struct sqlite_stmt *st;
	const char *tail = NULL;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return GMPKI_ERR_NOMEM;
	st->base.be = &svc_db_sqlite_backend;
	st->h = db->h;
	if (sqlite3_prepare_v3(db->h, sql, -1, 0, &st->s, &tail) !=
	    SQLITE_OK || st->s == NULL) {
		sqlite3_finalize(st->s);
		free(st);
		return SVC_ERR_DB;
	}
	/* One statement per prepare: trailing SQL would be silently ignored. */
	tail += strspn(tail, " \t\r\n;");
	if (*tail != '\0') {
		sqlite3_finalize(st->s);
		free(st);
		return GMPKI_ERR_ARG;
	}
	*out = &st->base;
	return 0;
}

/* The SQLite index of the parameter written "$idx" in the SQL text. */
static int
sqlite_param(struct sqlite_stmt *st, int idx)
{
	char name[16];
	int n;

	n = snprintf(name, sizeof(name), "$%d", idx);
	if (n < 0 || (size_t)n >= sizeof(name))
		return 0;
	return sqlite3_bind_parameter_index(st->s, name);
}

static int
sqlite_bind_text(svc_stmt *base, int idx, const char *s)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;
	int i;

	if ((i = sqlite_param(st, idx)) == 0)
		return GMPKI_ERR_ARG;
	return sqlite_map(sqlite3_bind_text64(st->s, i, s, strlen(s),
	    SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int
sqlite_bind_int64(svc_stmt *base, int idx, int64_t v)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;
	int i;

	if ((i = sqlite_param(st, idx)) == 0)
		return GMPKI_ERR_ARG;
	return sqlite_map(sqlite3_bind_int64(st->s, i, v));
}

static int
sqlite_bind_blob(svc_stmt *base, int idx, const void *p, size_t len)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;
	int i;

	if ((i = sqlite_param(st, idx)) == 0)
		return GMPKI_ERR_ARG;
	/* A zero-length blob, not NULL: p may be NULL when len is 0. */
	return sqlite_map(sqlite3_bind_blob64(st->s, i, len != 0 ? p : "",
	    len, SQLITE_TRANSIENT));
}

static int
sqlite_bind_null(svc_stmt *base, int idx)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;
	int i;

	if ((i = sqlite_param(st, idx)) == 0)
		return GMPKI_ERR_ARG;
	return sqlite_map(sqlite3_bind_null(st->s, i));
}

static int
sqlite_step(svc_stmt *base)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;
	int rc;

	rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return SVC_ROW;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_changes64(st->h);
		return SVC_DONE;
	}
	rc = sqlite_map(rc);
	return rc != 0 ? rc : SVC_ERR_DB;
}

static int
sqlite_col_is_null(svc_stmt *base, int col)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;

	return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

static const char *
sqlite_col_text(svc_stmt *base, int col)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;

	return (const char *)sqlite3_column_text(st->s, col);
}

static int64_t
sqlite_col_int64(svc_stmt *base, int col)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;

	return sqlite3_column_int64(st->s, col);
}

static const void *
sqlite_col_blob(svc_stmt *base, int col, size_t *len)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;
	const void *p;
	int n;

	p = sqlite3_column_blob(st->s, col);
	n = sqlite3_column_bytes(st->s, col);	/* after _blob, per the docs */
	*len = n > 0 ? (size_t)n : 0;
	return p;
}

static int64_t
sqlite_changes(svc_stmt *base)
{
	return ((struct sqlite_stmt *)base)->changes;
}

static void
sqlite_stmt_free(svc_stmt *base)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)base;

	sqlite3_finalize(st->s);
	free(st);
}

const struct svc_db_backend svc_db_sqlite_backend = {
	.name = "sqlite",
	.ddl_id = "INTEGER PRIMARY KEY",
	.ddl_blob = "BLOB",
	.open = sqlite_open,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.prepare = sqlite_prepare,
	.bind_text = sqlite_bind_text,
	.bind_int64 = sqlite_bind_int64,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.is_null = sqlite_col_is_null,
	.text = sqlite_col_text,
	.int64 = sqlite_col_int64,
	.blob = sqlite_col_blob,
	.changes = sqlite_changes,
	.stmt_free = sqlite_stmt_free,
};
