/*
 * store.c - the shared helpers of the store (store_priv.h), random tokens,
 * enterprises and accounts.  Certificates, tokens, reporting systems and
 * the audit log are in store_cert.c, store_token.c, store_rp.c and
 * store_audit.c.
 */
#include "store_priv.h"

#include <stdarg.h>
#include <string.h>

#include <openssl/evp.h>

#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "gmpki/uscc.h"

static int
store_vbind(svc_stmt *st, const char *fmt, va_list ap)
{
	const void *p;
	size_t len;
	int i, rc = 0;

	for (i = 0; fmt[i] != '\0' && rc == 0; i++) {
		switch (fmt[i]) {
		case 't':
			rc = svc_stmt_bind_text(st, i + 1, va_arg(ap,
			    const char *));
			break;
		case 'i':
			rc = svc_stmt_bind_int64(st, i + 1, va_arg(ap,
			    int64_t));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			len = va_arg(ap, size_t);
			rc = svc_stmt_bind_blob(st, i + 1, p, len);
			break;
		default:
			rc = GMPKI_ERR_INTERNAL;
		}
	}
	return rc;
}

int
store_prepare(svc_db *db, svc_stmt **out, const char *sql, const char *fmt,
    ...)
{
	va_list ap;
	int rc;

	if ((rc = svc_db_prepare(db, sql, out)) != 0)
		return rc;
	va_start(ap, fmt);
	rc = store_vbind(*out, fmt, ap);
	va_end(ap);
	if (rc != 0) {
		svc_stmt_free(*out);
		*out = NULL;
	}
	return rc;
}

int
store_step_err(int rc)
{
	return rc < 0 ? rc : SVC_ERR_DB;
}

int
store_run(svc_db *db, int64_t *changes, const char *sql, const char *fmt,
    ...)
{
	svc_stmt *st = NULL;
	va_list ap;
	int rc;

	if (changes != NULL)
		*changes = 0;
	if ((rc = svc_db_prepare(db, sql, &st)) != 0)
		return rc;
	va_start(ap, fmt);
	rc = store_vbind(st, fmt, ap);
	va_end(ap);
	if (rc == 0) {
		if ((rc = svc_stmt_step(st)) == SVC_DONE) {
			rc = 0;
			if (changes != NULL)
				*changes = svc_stmt_changes(st);
		} else
			rc = store_step_err(rc);
	}
	svc_stmt_free(st);
	return rc;
}

int
store_check_str(const char *s, size_t min, size_t max, int ctl)
{
	size_t n;

	if (s == NULL)
		return GMPKI_ERR_ARG;
	n = strlen(s);
	if (n > max)
		return GMPKI_ERR_TOO_LARGE;
	if (n < min)
		return GMPKI_ERR_ARG;
	if (!ctl)
		for (; *s != '\0'; s++)
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				return GMPKI_ERR_ARG;
	return 0;
}

int
store_col_text(svc_stmt *st, int col, char *dst, size_t dstlen)
{
	const char *s = svc_stmt_text(st, col);
	size_t n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (n >= dstlen)
		return SVC_ERR_DB;
	memcpy(dst, s, n + 1);
	return 0;
}

int
store_token_valid(const char *token)
{
	size_t i;
	char c;

	if (token == NULL)
		return 0;
	for (i = 0; i < SVC_TOKEN_LEN; i++) {
		c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return token[SVC_TOKEN_LEN] == '\0';
}

int
store_token_hash(const char *token, char hex[65])
{
	uint8_t md[GMPKI_SM3_LEN];
	int rc;

	if ((rc = gmpki_sm3(token, strlen(token), md)) != 0)
		return rc;
	gmpki_hex(md, sizeof(md), hex);
	return 0;
}

/* RFC 4648 §5 base64url without padding of 32 random bytes: 43 chars. */
int
svc_token_new(char out[SVC_TOKEN_LEN + 1])
{
	unsigned char raw[32], enc[45];
	int i, n, rc;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	out[0] = '\0';
	if ((rc = gmpki_random(raw, sizeof(raw))) != 0)
		return rc;
	n = EVP_EncodeBlock(enc, raw, sizeof(raw));	/* 44, one '=' */
	gmpki_wipe(raw, sizeof(raw));
	if (n != SVC_TOKEN_LEN + 1 || enc[SVC_TOKEN_LEN] != '=') {
		gmpki_wipe(enc, sizeof(enc));
		return GMPKI_ERR_INTERNAL;
	}
	for (i = 0; i < SVC_TOKEN_LEN; i++)
		out[i] = enc[i] == '+' ? '-' : enc[i] == '/' ? '_' :
		    (char)enc[i];
	out[SVC_TOKEN_LEN] = '\0';
	gmpki_wipe(enc, sizeof(enc));
	return 0;
}

/* ---- enterprises ---------------------------------------------------- */

/* An INSERT ... RETURNING id run to its end (so that the insert
 * completes); the id into *id_out when not NULL.  Frees st. */
static int
store_insert_id(svc_stmt *st, int64_t *id_out)
{
	int rc;

	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		if (id_out != NULL)
			*id_out = svc_stmt_int64(st, 0);
		rc = svc_stmt_step(st) == SVC_DONE ? 0 : SVC_ERR_DB;
	} else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	return rc;
}

int
svc_enterprise_add(svc_db *db, const char *uscc, const char *name,
    const char *region, int64_t *id_out)
{
	svc_stmt *st = NULL;
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	if (db == NULL || uscc == NULL)
		return GMPKI_ERR_ARG;
	if (region == NULL)
		region = "";
	/* GB 32100-2015: the code is validated before it is ever stored. */
	if ((rc = gmpki_uscc_validate(uscc, NULL, NULL)) != 0)
		return rc;
	if ((rc = store_check_str(name, 1, SVC_ORGNAME_MAX, 0)) != 0 ||
	    (rc = store_check_str(region, 0,
	    sizeof(((struct svc_enterprise *)0)->region) - 1, 0)) != 0)
		return rc;
	if ((rc = store_prepare(db, &st, "INSERT INTO enterprises"
	    " (uscc, name, region) VALUES ($1, $2, $3) RETURNING id", "ttt",
	    uscc, name, region)) != 0)
		return rc;
	return store_insert_id(st, id_out);
}

int
svc_enterprise_find(svc_db *db, const char *uscc, struct svc_enterprise *e)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || uscc == NULL || e == NULL)
		return GMPKI_ERR_ARG;
	memset(e, 0, sizeof(*e));
	if (strlen(uscc) >= sizeof(e->uscc))
		return GMPKI_ERR_NOT_FOUND;
	if ((rc = store_prepare(db, &st, "SELECT id, uscc, name, region"
	    " FROM enterprises WHERE uscc = $1", "t", uscc)) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		e->id = svc_stmt_int64(st, 0);
		if ((rc = store_col_text(st, 1, e->uscc, sizeof(e->uscc))) ==
		    0 && (rc = store_col_text(st, 2, e->name,
		    sizeof(e->name))) == 0)
			rc = store_col_text(st, 3, e->region,
			    sizeof(e->region));
	} else if (rc == SVC_DONE)
		rc = GMPKI_ERR_NOT_FOUND;
	else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0)
		memset(e, 0, sizeof(*e));
	return rc;
}

/* ---- accounts ------------------------------------------------------- */

#define ACCOUNT_SELECT                                                        \
	"SELECT a.id, a.username, a.enterprise_id, e.uscc, e.name,"           \
	" a.pwhash, a.state, a.failed_logins, a.locked_until, a.created_at"   \
	" FROM accounts a JOIN enterprises e ON e.id = a.enterprise_id"

static int
account_row(svc_stmt *st, struct svc_account *a)
{
	int64_t state, failed;
	int rc;

	a->id = svc_stmt_int64(st, 0);
	a->enterprise_id = svc_stmt_int64(st, 2);
	state = svc_stmt_int64(st, 6);
	failed = svc_stmt_int64(st, 7);
	a->locked_until = svc_stmt_int64(st, 8);
	a->created_at = svc_stmt_int64(st, 9);
	if (state < SVC_ACCOUNT_ACTIVE || state > SVC_ACCOUNT_DISABLED ||
	    failed < 0 || failed > 1000000)
		return SVC_ERR_DB;
	a->state = (int)state;
	a->failed_logins = (int)failed;
	if ((rc = store_col_text(st, 1, a->username, sizeof(a->username))) !=
	    0 || (rc = store_col_text(st, 3, a->uscc, sizeof(a->uscc))) != 0 ||
	    (rc = store_col_text(st, 4, a->org, sizeof(a->org))) != 0)
		return rc;
	return store_col_text(st, 5, a->pwhash, sizeof(a->pwhash));
}

static int
account_fetch(svc_stmt *st, struct svc_account *a)
{
	int rc;

	if ((rc = svc_stmt_step(st)) == SVC_ROW)
		rc = account_row(st, a);
	else if (rc == SVC_DONE)
		rc = SVC_ERR_ACCOUNT_NOT_FOUND;
	else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0) {
		gmpki_wipe(a->pwhash, sizeof(a->pwhash));
		memset(a, 0, sizeof(*a));
	}
	return rc;
}

int
svc_account_add(svc_db *db, const char *username, int64_t enterprise_id,
    const char *pwhash, int64_t now, int64_t *id_out)
{
	svc_stmt *st = NULL;
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	if (db == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = store_check_str(username, 1, SVC_USERNAME_MAX, 0)) != 0 ||
	    (rc = store_check_str(pwhash, 1,
	    sizeof(((struct svc_account *)0)->pwhash) - 1, 0)) != 0)
		return rc;
	if ((rc = store_prepare(db, &st, "INSERT INTO accounts"
	    " (username, enterprise_id, pwhash, state, failed_logins,"
	    " locked_until, created_at) VALUES ($1, $2, $3, 0, 0, 0, $4)"
	    " RETURNING id", "titi", username, enterprise_id, pwhash,
	    now)) != 0)
		return rc;
	return store_insert_id(st, id_out);
}

int
svc_account_find(svc_db *db, const char *username, struct svc_account *a)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || username == NULL || a == NULL)
		return GMPKI_ERR_ARG;
	memset(a, 0, sizeof(*a));
	if (strlen(username) > SVC_USERNAME_MAX)
		return SVC_ERR_ACCOUNT_NOT_FOUND;
	if ((rc = store_prepare(db, &st, ACCOUNT_SELECT
	    " WHERE a.username = $1", "t", username)) != 0)
		return rc;
	return account_fetch(st, a);
}

int
svc_account_get(svc_db *db, int64_t id, struct svc_account *a)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || a == NULL)
		return GMPKI_ERR_ARG;
	memset(a, 0, sizeof(*a));
	if ((rc = store_prepare(db, &st, ACCOUNT_SELECT " WHERE a.id = $1",
	    "i", id)) != 0)
		return rc;
	return account_fetch(st, a);
}

/* Runs an UPDATE of one account; no row changed is ACCOUNT_NOT_FOUND. */
static int
account_update(int rc, int64_t changes)
{
	if (rc != 0)
		return rc;
	return changes == 1 ? 0 : SVC_ERR_ACCOUNT_NOT_FOUND;
}

int
svc_account_set_password(svc_db *db, int64_t id, const char *pwhash)
{
	int64_t n = 0;
	int rc;

	if (db == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = store_check_str(pwhash, 1,
	    sizeof(((struct svc_account *)0)->pwhash) - 1, 0)) != 0)
		return rc;
	rc = store_run(db, &n, "UPDATE accounts SET pwhash = $2"
	    " WHERE id = $1", "it", id, pwhash);
	return account_update(rc, n);
}

int
svc_account_set_state(svc_db *db, int64_t id, int state)
{
	int64_t n = 0;
	int rc;

	if (db == NULL || state < SVC_ACCOUNT_ACTIVE ||
	    state > SVC_ACCOUNT_DISABLED)
		return GMPKI_ERR_ARG;
	rc = store_run(db, &n, "UPDATE accounts SET state = $2 WHERE id = $1",
	    "ii", id, (int64_t)state);
	return account_update(rc, n);
}

/*
 * One statement, so concurrent failures each count: the right-hand sides
 * see the row before the update (SQLite and PostgreSQL alike).  The count
 * is kept past the threshold until a good login, so after a lockout ends
 * every further wrong password locks again at once.
 */
int
svc_account_login_failed(svc_db *db, int64_t id, int threshold,
    int64_t lock_until)
{
	int64_t n = 0;
	int rc;

	if (db == NULL || threshold < 1)
		return GMPKI_ERR_ARG;
	rc = store_run(db, &n, "UPDATE accounts SET"
	    " failed_logins = failed_logins + 1,"
	    " locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3"
	    " ELSE locked_until END WHERE id = $1", "iii", id,
	    (int64_t)threshold, lock_until);
	return account_update(rc, n);
}

int
svc_account_login_ok(svc_db *db, int64_t id)
{
	int64_t n = 0;
	int rc;

	if (db == NULL)
		return GMPKI_ERR_ARG;
	rc = store_run(db, &n, "UPDATE accounts SET failed_logins = 0,"
	    " locked_until = 0 WHERE id = $1", "i", id);
	return account_update(rc, n);
}
