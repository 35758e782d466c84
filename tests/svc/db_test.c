/* db_test.c - the storage engine: SQLite backend, parameters, errors,
 * file mode, migrations, the connection pool. */
#include "test.h"

#include <pthread.h>
#include <sys/stat.h>

#include "db.h"
#include "svc_error.h"
#include "svc_test_util.h"

static char dir[256];
static char url[600];
static char dbpath[512];

static void
fresh(void)
{
	svc_test_rmdir(dir);
	svc_test_tmpdir(dir, sizeof(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/certsvc.db", dir);
	snprintf(url, sizeof(url), "sqlite:%s", dbpath);
}

static int64_t
count(svc_db *db, const char *sql)
{
	svc_stmt *st = NULL;
	int64_t n = -1;

	if (svc_db_prepare(db, sql, &st) == 0 && svc_stmt_step(st) == SVC_ROW)
		n = svc_stmt_int64(st, 0);
	svc_stmt_free(st);
	return n;
}

/* "$1"-style parameters bind by the number written, in any order. */
static void
test_params_by_number(void)
{
	svc_db *db = NULL;
	svc_stmt *st = NULL;

	fresh();
	CHECK_OK(svc_db_open(url, &db));
	CHECK_OK(svc_db_prepare(db, "SELECT $2, $1, $2 || $1", &st));
	CHECK_OK(svc_stmt_bind_text(st, 1, "a"));
	CHECK_OK(svc_stmt_bind_text(st, 2, "b"));
	CHECK_RC(svc_stmt_step(st), SVC_ROW);
	CHECK_STR(svc_stmt_text(st, 0), "b");
	CHECK_STR(svc_stmt_text(st, 1), "a");
	CHECK_STR(svc_stmt_text(st, 2), "ba");
	CHECK_RC(svc_stmt_step(st), SVC_DONE);
	/* A parameter the SQL does not have is refused, not ignored. */
	CHECK_RC(svc_stmt_bind_text(st, 3, "c"), GMPKI_ERR_ARG);
	svc_stmt_free(st);

	st = NULL;
	CHECK_OK(svc_db_prepare(db, "SELECT $1 + $3, $2 IS NULL", &st));
	CHECK_OK(svc_stmt_bind_int64(st, 3, 40));
	CHECK_OK(svc_stmt_bind_int64(st, 1, 2));
	CHECK_OK(svc_stmt_bind_null(st, 2));
	CHECK_RC(svc_stmt_step(st), SVC_ROW);
	CHECK(svc_stmt_int64(st, 0) == 42);
	CHECK(svc_stmt_int64(st, 1) == 1);
	svc_stmt_free(st);

	/* Several statements in one prepare are refused. */
	st = NULL;
	CHECK_RC(svc_db_prepare(db, "SELECT 1; SELECT 2", &st), GMPKI_ERR_ARG);
	CHECK(st == NULL);
	svc_db_close(db);
}

static void
test_types_and_errors(void)
{
	static const unsigned char bin[] = { 0, 1, 0xff, 0, 'x' };
	svc_db *db = NULL;
	svc_stmt *st = NULL;
	const unsigned char *p;
	size_t len = 99;

	fresh();
	CHECK_OK(svc_db_open(url, &db));
	CHECK_OK(svc_db_exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY,"
	    " u TEXT UNIQUE, v BLOB, n BIGINT NOT NULL)"));
	CHECK_OK(svc_db_prepare(db, "INSERT INTO t VALUES ($1, $2, $3, $4)",
	    &st));
	CHECK_OK(svc_stmt_bind_text(st, 1, "k1"));
	CHECK_OK(svc_stmt_bind_text(st, 2, "u1"));
	CHECK_OK(svc_stmt_bind_blob(st, 3, bin, sizeof(bin)));
	CHECK_OK(svc_stmt_bind_int64(st, 4, INT64_MIN));
	CHECK_RC(svc_stmt_step(st), SVC_DONE);
	CHECK(svc_stmt_changes(st) == 1);
	svc_stmt_free(st);

	CHECK_OK(svc_db_prepare(db, "SELECT v, n, u, NULL FROM t", &st));
	CHECK_RC(svc_stmt_step(st), SVC_ROW);
	p = svc_stmt_blob(st, 0, &len);
	CHECK(len == sizeof(bin) && p != NULL && memcmp(p, bin, len) == 0);
	CHECK(svc_stmt_int64(st, 1) == INT64_MIN);
	CHECK(!svc_stmt_is_null(st, 2));
	CHECK(svc_stmt_is_null(st, 3));
	CHECK(svc_stmt_text(st, 3) == NULL);
	svc_stmt_free(st);

	/* Primary key and unique violations are conflicts ... */
	CHECK_RC(svc_db_exec(db, "INSERT INTO t VALUES ('k1', 'u2', x'', 1)"),
	    SVC_ERR_DB_CONFLICT);
	CHECK_OK(svc_db_prepare(db, "INSERT INTO t VALUES ($1, $2, NULL, 1)",
	    &st));
	CHECK_OK(svc_stmt_bind_text(st, 1, "k2"));
	CHECK_OK(svc_stmt_bind_text(st, 2, "u1"));
	CHECK_RC(svc_stmt_step(st), SVC_ERR_DB_CONFLICT);
	svc_stmt_free(st);
	/* ... other failures are plain database errors. */
	CHECK_RC(svc_db_exec(db, "INSERT INTO t VALUES ('k3', 'u3', NULL,"
	    " NULL)"), SVC_ERR_DB);
	CHECK_RC(svc_db_exec(db, "SELEKT 1"), SVC_ERR_DB);
	st = NULL;
	CHECK_RC(svc_db_prepare(db, "SELECT * FROM missing", &st), SVC_ERR_DB);

	/* Transactions. */
	CHECK_OK(svc_db_begin(db));
	CHECK_OK(svc_db_exec(db, "DELETE FROM t"));
	CHECK_OK(svc_db_rollback(db));
	CHECK(count(db, "SELECT COUNT(*) FROM t") == 1);
	CHECK_OK(svc_db_begin(db));
	CHECK_OK(svc_db_exec(db, "DELETE FROM t"));
	CHECK_OK(svc_db_commit(db));
	CHECK(count(db, "SELECT COUNT(*) FROM t") == 0);
	svc_db_close(db);
}

static void
test_open_urls(void)
{
	svc_db *db = (svc_db *)&db;

	fresh();
	CHECK_RC(svc_db_open("mysql://localhost/x", &db), SVC_ERR_CONFIG);
	CHECK(db == NULL);
	CHECK_RC(svc_db_open("postgresql://localhost/x", &db), SVC_ERR_CONFIG);
	CHECK_RC(svc_db_open("sqlite:", &db), SVC_ERR_CONFIG);
	CHECK_RC(svc_db_open("/tmp/x.db", &db), SVC_ERR_CONFIG);
	CHECK_RC(svc_db_open(NULL, &db), SVC_ERR_CONFIG);
	CHECK_RC(svc_db_open("sqlite:/nonexistent-dir/x/y.db", &db),
	    SVC_ERR_DB);
	CHECK(db == NULL);
}

/* The database and its WAL files are readable by the owner only. */
static void
test_file_mode(void)
{
	char wal[600];
	struct stat sb;
	svc_db *db = NULL;

	fresh();
	CHECK_OK(svc_db_open(url, &db));
	CHECK_OK(svc_db_exec(db, "CREATE TABLE t (x INTEGER)"));
	CHECK_OK(svc_db_exec(db, "INSERT INTO t VALUES (1)"));
	CHECK(stat(dbpath, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	snprintf(wal, sizeof(wal), "%s-wal", dbpath);
	CHECK(stat(wal, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	svc_db_close(db);

	/* An existing file open to others is narrowed. */
	CHECK(chmod(dbpath, 0644) == 0);
	db = NULL;
	CHECK_OK(svc_db_open(url, &db));
	CHECK(stat(dbpath, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	svc_db_close(db);
}

static void
test_migrate(void)
{
	static const char *tables[] = { "enterprises", "accounts",
	    "certificates", "tickets", "captchas", "sessions",
	    "reporting_systems", "audit_log", "settings" };
	char sql[128];
	svc_db *db = NULL;
	size_t i;

	fresh();
	CHECK_OK(svc_db_open(url, &db));
	CHECK(svc_db_schema_version(db) == 0);
	CHECK_OK(svc_db_migrate(db));
	CHECK(svc_db_schema_version(db) == 1);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s",
		    tables[i]);
		CHECK(count(db, sql) == 0);
	}
	CHECK_OK(svc_db_exec(db, "INSERT INTO settings VALUES ('k', 'v')"));
	/* Again on the same and on a new connection: nothing changes. */
	CHECK_OK(svc_db_migrate(db));
	svc_db_close(db);
	db = NULL;
	CHECK_OK(svc_db_open(url, &db));
	CHECK_OK(svc_db_migrate(db));
	CHECK(svc_db_schema_version(db) == 1);
	CHECK(count(db, "SELECT COUNT(*) FROM schema_version") == 1);
	CHECK(count(db, "SELECT COUNT(*) FROM settings") == 1);
	/* Foreign keys are enforced. */
	CHECK_RC(svc_db_exec(db, "INSERT INTO accounts (username,"
	    " enterprise_id, pwhash, created_at) VALUES ('x', 999, 'h', 0)"),
	    SVC_ERR_DB);
	/* A database from a newer certsvc is refused. */
	CHECK_OK(svc_db_exec(db, "INSERT INTO schema_version VALUES (99, 0)"));
	CHECK_RC(svc_db_migrate(db), SVC_ERR_DB);
	svc_db_close(db);
}

struct pool_arg {
	svc_db_pool *pool;
	pthread_mutex_t *mu;
	int *in_use, *max_in_use;
	int fails;
};

static void *
pool_worker(void *p)
{
	struct pool_arg *a = p;
	svc_db *db;
	int i;

	for (i = 0; i < 50; i++) {
		db = svc_db_pool_get(a->pool);
		pthread_mutex_lock(a->mu);
		if (++*a->in_use > *a->max_in_use)
			*a->max_in_use = *a->in_use;
		pthread_mutex_unlock(a->mu);
		if (db == NULL || svc_db_exec(db,
		    "INSERT INTO t VALUES (1)") != 0)
			a->fails++;
		usleep(100);
		pthread_mutex_lock(a->mu);
		--*a->in_use;
		pthread_mutex_unlock(a->mu);
		svc_db_pool_put(a->pool, db);
	}
	return NULL;
}

/* 4 threads share 2 connections; get blocks, never hands one out twice. */
static void
test_pool(void)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct pool_arg args[4];
	pthread_t th[4];
	svc_db_pool *pool = NULL;
	svc_db *db, *db2;
	int i, in_use = 0, max_in_use = 0;

	fresh();
	CHECK_RC(svc_db_pool_open(url, 0, &pool), GMPKI_ERR_ARG);
	CHECK_RC(svc_db_pool_open("nosuch:x", 2, &pool), SVC_ERR_CONFIG);
	CHECK(pool == NULL);
	CHECK_OK(svc_db_pool_open(url, 2, &pool));
	db = svc_db_pool_get(pool);
	CHECK_OK(svc_db_exec(db, "CREATE TABLE t (x INTEGER)"));
	svc_db_pool_put(pool, db);
	for (i = 0; i < 4; i++) {
		args[i] = (struct pool_arg){ pool, &mu, &in_use, &max_in_use,
		    0 };
		CHECK(pthread_create(&th[i], NULL, pool_worker, &args[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(args[i].fails == 0);
	}
	CHECK(max_in_use >= 1 && max_in_use <= 2);
	db = svc_db_pool_get(pool);
	db2 = svc_db_pool_get(pool);
	CHECK(db != NULL && db2 != NULL && db != db2);
	CHECK(count(db, "SELECT COUNT(*) FROM t") == 200);
	svc_db_pool_put(pool, db);
	svc_db_pool_put(pool, db2);
	svc_db_pool_close(pool);
}

/* Rows another process (the sqlite3 CLI, a fresh program: a forked child
 * would inherit this process's SQLite lock bookkeeping) sees in t. */
static int64_t
count_in_child(void)
{
	char cmd[700];
	long long n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'SELECT count(*) FROM t'",
	    dbpath);
	if ((p = popen(cmd, "r")) == NULL)
		return -2;
	if (fscanf(p, "%lld", &n) != 1)
		n = -3;
	pclose(p);
	return (int64_t)n;
}

/*
 * Opening a second connection must not drop the first one's POSIX locks
 * (closing any descriptor of the file would): otherwise another process
 * closing the database deletes the -wal file still in use here, and the
 * writes made after that are lost to everyone else.
 */
static void
test_second_process_keeps_wal(void)
{
	svc_db *c1 = NULL, *c2 = NULL;

	fresh();
	CHECK_OK(svc_db_open(url, &c1));
	CHECK_OK(svc_db_exec(c1, "CREATE TABLE t (x INTEGER)"));
	CHECK_OK(svc_db_exec(c1, "INSERT INTO t VALUES (1)"));
	CHECK_OK(svc_db_open(url, &c2));
	CHECK(count_in_child() == 1);
	CHECK_OK(svc_db_exec(c1, "INSERT INTO t VALUES (2)"));
	CHECK(count_in_child() == 2);
	CHECK_OK(svc_db_exec(c2, "INSERT INTO t VALUES (3)"));
	CHECK(count_in_child() == 3);
	svc_db_close(c2);
	svc_db_close(c1);
}

int
main(void)
{
	svc_test_tmpdir(dir, sizeof(dir));
	RUN(test_params_by_number);
	RUN(test_types_and_errors);
	RUN(test_open_urls);
	RUN(test_file_mode);
	RUN(test_migrate);
	RUN(test_pool);
	RUN(test_second_process_keeps_wal);
	svc_test_rmdir(dir);
	TEST_MAIN_END();
}
