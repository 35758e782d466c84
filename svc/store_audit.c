/*
 * store_audit.c - the audit log, chained with SM3 (GB/T 32905-2016).
 *
 *   canonical(row) = F(at) || F(actor) || F(action) || F(object)
 *                    || F(detail) || F(addr)
 *   F(s)           = u32be(len(s)) || s      (s's bytes, no NUL)
 *   at as a field  = its decimal digits ("%" PRId64, "-" if negative)
 *   hash_0         = 32 zero bytes
 *   hash_n         = SM3(hash_{n-1} || canonical(row n))   (raw 32 bytes)
 *   stored hash    = lower-case hex of hash_n
 *
 * The length prefixes make the encoding injective: ("ab", "c") and
 * ("a", "bc") hash differently.  Row ids are 1, 2, 3, ... with no gaps,
 * assigned by append itself (id = last + 1), so a deleted row shows as a
 * gap even where its neighbours' hashes were recomputed.  What a chain
 * cannot show is a removed tail, or a chain rewritten from the edit on
 * by someone who can write the database: docs/CERTSVC-STORAGE.md says how
 * operators anchor the head hash outside the database against that.
 */
#include "store_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gmpki/crypto.h"
#include "gmpki/error.h"

#define AUDIT_FIELD_MAX(f) (sizeof(((struct svc_audit *)0)->f) - 1)
#define AUDIT_RETRIES 5

static int
audit_field(gmpki_sm3_ctx *ctx, const char *s)
{
	size_t n = strlen(s);
	uint8_t len[4];
	int rc;

	if (n > UINT32_MAX)
		return GMPKI_ERR_TOO_LARGE;
	len[0] = (uint8_t)(n >> 24);
	len[1] = (uint8_t)(n >> 16);
	len[2] = (uint8_t)(n >> 8);
	len[3] = (uint8_t)n;
	if ((rc = gmpki_sm3_update(ctx, len, sizeof(len))) != 0)
		return rc;
	return gmpki_sm3_update(ctx, s, n);
}

/* hash_n from hash_{n-1} (raw) and the row's fields, as hex into out. */
static int
audit_hash(const uint8_t prev[GMPKI_SM3_LEN], int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    const char *addr, char out[65])
{
	gmpki_sm3_ctx *ctx = NULL;
	uint8_t md[GMPKI_SM3_LEN];
	char atbuf[24];
	int rc;

	snprintf(atbuf, sizeof(atbuf), "%" PRId64, at);
	if ((rc = gmpki_sm3_new(&ctx)) != 0)
		return rc;
	if ((rc = gmpki_sm3_update(ctx, prev, GMPKI_SM3_LEN)) != 0 ||
	    (rc = audit_field(ctx, atbuf)) != 0 ||
	    (rc = audit_field(ctx, actor)) != 0 ||
	    (rc = audit_field(ctx, action)) != 0 ||
	    (rc = audit_field(ctx, object)) != 0 ||
	    (rc = audit_field(ctx, detail)) != 0 ||
	    (rc = audit_field(ctx, addr)) != 0) {
		gmpki_sm3_free(ctx);
		return rc;
	}
	if ((rc = gmpki_sm3_final(ctx, md)) != 0)	/* frees ctx */
		return rc;
	gmpki_hex(md, sizeof(md), out);
	return 0;
}

/* 64 lower-case hex digits to 32 bytes; anything else is an error. */
static int
audit_unhex(const char *hex, uint8_t out[GMPKI_SM3_LEN])
{
	size_t i;
	int hi, lo;

	if (hex == NULL || strlen(hex) != 2 * GMPKI_SM3_LEN)
		return SVC_ERR_AUDIT_BROKEN;
	for (i = 0; i < GMPKI_SM3_LEN; i++) {
		hi = hex[2 * i];
		lo = hex[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' :
		    hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' :
		    lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			return SVC_ERR_AUDIT_BROKEN;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/*
 * Reads hash_{n-1} and inserts row n.  The caller holds a write
 * transaction (SQLite: BEGIN IMMEDIATE takes the write lock before the
 * last row is read, so no other append can slip in between).
 */
static int
audit_insert(svc_db *db, int64_t at, const char *actor, const char *action,
    const char *object, const char *detail, const char *addr)
{
	uint8_t prev[GMPKI_SM3_LEN];
	char hash[65];
	svc_stmt *st = NULL;
	int64_t last = 0;
	int rc;

	memset(prev, 0, sizeof(prev));
	if ((rc = store_prepare(db, &st, "SELECT id, hash FROM audit_log"
	    " ORDER BY id DESC LIMIT 1", "")) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		last = svc_stmt_int64(st, 0);
		rc = audit_unhex(svc_stmt_text(st, 1), prev);
	} else
		rc = rc == SVC_DONE ? 0 : store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0)
		return rc;
	if ((rc = audit_hash(prev, at, actor, action, object, detail, addr,
	    hash)) != 0)
		return rc;
	return store_run(db, NULL, "INSERT INTO audit_log (id, at, actor,"
	    " action, object, detail, addr, hash) VALUES"
	    " ($1, $2, $3, $4, $5, $6, $7, $8)", "iitttttt", last + 1, at,
	    actor, action, object, detail, addr, hash);
}

/* One append in a transaction of its own. */
static int
audit_append_once(svc_db *db, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    const char *addr)
{
	int rc;

	if ((rc = svc_db_begin(db)) != 0)
		return rc;
	if ((rc = audit_insert(db, at, actor, action, object, detail,
	    addr)) != 0) {
		svc_db_rollback(db);
		return rc;
	}
	return svc_db_commit(db);
}

/* NULLs to "", then the field bounds. */
static int
audit_check(const char **object, const char **detail, const char **addr,
    const char *actor, const char *action)
{
	int rc;

	if (*object == NULL)
		*object = "";
	if (*detail == NULL)
		*detail = "";
	if (*addr == NULL)
		*addr = "";
	if ((rc = store_check_str(actor, 1, AUDIT_FIELD_MAX(actor), 0)) != 0 ||
	    (rc = store_check_str(action, 1, AUDIT_FIELD_MAX(action), 0)) !=
	    0 || (rc = store_check_str(*object, 0, AUDIT_FIELD_MAX(object),
	    0)) != 0 || (rc = store_check_str(*detail, 0,
	    AUDIT_FIELD_MAX(detail), 1)) != 0 ||
	    (rc = store_check_str(*addr, 0, AUDIT_FIELD_MAX(addr), 0)) != 0)
		return rc;
	return 0;
}

int
svc_audit_append_tx(svc_db *db, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    const char *addr)
{
	int rc;

	if (db == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = audit_check(&object, &detail, &addr, actor, action)) != 0)
		return rc;
	return audit_insert(db, at, actor, action, object, detail, addr);
}

int
svc_audit_append(svc_db *db, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    const char *addr)
{
	int i, rc;

	if (db == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = audit_check(&object, &detail, &addr, actor, action)) != 0)
		return rc;
	/*
	 * On SQLite the write lock makes a conflict impossible; a backend
	 * whose BEGIN does not lock (PostgreSQL) may lose the race for id
	 * last + 1 to another append, and then simply goes again.
	 */
	for (i = 0; i < AUDIT_RETRIES; i++)
		if ((rc = audit_append_once(db, at, actor, action, object,
		    detail, addr)) != SVC_ERR_DB_CONFLICT)
			break;
	return rc;
}

int
svc_audit_list(svc_db *db, int64_t after_id, int limit,
    int (*fn)(void *arg, const struct svc_audit *a), void *arg)
{
	struct svc_audit a;
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || fn == NULL || limit < 0)
		return GMPKI_ERR_ARG;
	if (limit == 0)
		rc = store_prepare(db, &st, "SELECT id, at, actor, action,"
		    " object, detail, addr, hash FROM audit_log WHERE id > $1"
		    " ORDER BY id", "i", after_id);
	else
		rc = store_prepare(db, &st, "SELECT id, at, actor, action,"
		    " object, detail, addr, hash FROM audit_log WHERE id > $1"
		    " ORDER BY id LIMIT $2", "ii", after_id, (int64_t)limit);
	if (rc != 0)
		return rc;
	while ((rc = svc_stmt_step(st)) == SVC_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = svc_stmt_int64(st, 0);
		a.at = svc_stmt_int64(st, 1);
		if ((rc = store_col_text(st, 2, a.actor, sizeof(a.actor))) !=
		    0 || (rc = store_col_text(st, 3, a.action,
		    sizeof(a.action))) != 0 || (rc = store_col_text(st, 4,
		    a.object, sizeof(a.object))) != 0 ||
		    (rc = store_col_text(st, 5, a.detail,
		    sizeof(a.detail))) != 0 || (rc = store_col_text(st, 6,
		    a.addr, sizeof(a.addr))) != 0 ||
		    (rc = store_col_text(st, 7, a.hash, sizeof(a.hash))) != 0)
			break;
		if ((rc = fn(arg, &a)) != 0)
			break;
	}
	if (rc == SVC_DONE)
		rc = 0;
	svc_stmt_free(st);
	return rc;
}

/*
 * Recomputes the chain from row 1 in one statement (one consistent
 * snapshot; appends going on meanwhile are not seen).  The first row that
 * is not id previous + 1, or whose stored hash differs from the
 * recomputed one, is reported; *rows counts the rows found good.
 */
int
svc_audit_verify(svc_db *db, int64_t *rows, int64_t *bad_id)
{
	uint8_t prev[GMPKI_SM3_LEN];
	const char *f[6], *stored;
	char hash[65];
	svc_stmt *st = NULL;
	int64_t id = 0, want = 1, good = 0;
	int i, rc;

	if (rows != NULL)
		*rows = 0;
	if (bad_id != NULL)
		*bad_id = 0;
	if (db == NULL)
		return GMPKI_ERR_ARG;
	memset(prev, 0, sizeof(prev));
	if ((rc = store_prepare(db, &st, "SELECT id, at, actor, action,"
	    " object, detail, addr, hash FROM audit_log ORDER BY id", "")) != 0)
		return rc;
	while ((rc = svc_stmt_step(st)) == SVC_ROW) {
		id = svc_stmt_int64(st, 0);
		for (i = 0; i < 6; i++)
			f[i] = svc_stmt_text(st, 2 + i);
		stored = f[5];
		if (id != want || f[0] == NULL || f[1] == NULL ||
		    f[2] == NULL || f[3] == NULL || f[4] == NULL ||
		    stored == NULL) {
			rc = SVC_ERR_AUDIT_BROKEN;
			break;
		}
		if ((rc = audit_hash(prev, svc_stmt_int64(st, 1), f[0], f[1],
		    f[2], f[3], f[4], hash)) != 0)
			break;
		if (strcmp(hash, stored) != 0) {
			rc = SVC_ERR_AUDIT_BROKEN;
			break;
		}
		(void)audit_unhex(hash, prev);
		good++;
		want++;
	}
	if (rc == SVC_DONE)
		rc = 0;
	else if (rc == SVC_ERR_AUDIT_BROKEN && bad_id != NULL)
		*bad_id = id;
	svc_stmt_free(st);
	if (rows != NULL)
		*rows = good;
	return rc;
}
