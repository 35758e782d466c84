/*
 * store_token.c - the short-lived secrets: enrollment tickets, captchas
 * and sessions, and their expiry.
 *
 * Tickets and sessions are bearer tokens (svc_token_new) and are stored
 * only as hex(SM3(token)): a copy of the database gives no usable token.
 * A token that is not 43 base64url characters is refused before any
 * lookup, as unknown.
 */
#include "store_priv.h"

#include <string.h>

#include "gmpki/crypto.h"
#include "gmpki/error.h"

#define CAPTCHA_ANSWER_MAX 32

/* [a-z_]{1,15}: "apply", "reapply", "revoke". */
static int
purpose_ok(const char *p)
{
	size_t n;

	if (p == NULL || (n = strlen(p)) == 0 || n > 15)
		return 0;
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return 0;
	return 1;
}

/* ---- enrollment tickets --------------------------------------------- */

int
svc_ticket_create(svc_db *db, int64_t account_id, const char *purpose,
    int64_t now, int ttl, char token_out[SVC_TOKEN_LEN + 1])
{
	char hash[65];
	int rc;

	if (token_out != NULL)
		token_out[0] = '\0';
	if (db == NULL || token_out == NULL || !purpose_ok(purpose) ||
	    ttl <= 0)
		return GMPKI_ERR_ARG;
	if ((rc = svc_token_new(token_out)) != 0 ||
	    (rc = store_token_hash(token_out, hash)) != 0)
		goto fail;
	if ((rc = store_run(db, NULL, "INSERT INTO tickets (token_hash,"
	    " account_id, purpose, expires_at, used_at) VALUES"
	    " ($1, $2, $3, $4, NULL)", "titi", hash, account_id, purpose,
	    now + ttl)) != 0)
		goto fail;
	return 0;
fail:
	gmpki_wipe(token_out, SVC_TOKEN_LEN + 1);
	token_out[0] = '\0';
	return rc;
}

/*
 * The single UPDATE is the whole decision: of two racing consumers only
 * one changes the row (used_at IS NULL is re-checked under the write
 * lock), so only one gets the account.  Reading the row afterwards is
 * safe because a used ticket never changes again.
 */
int
svc_ticket_consume(svc_db *db, const char *token, int64_t now,
    int64_t *account_id, char purpose_out[16])
{
	svc_stmt *st = NULL;
	char hash[65];
	int64_t n = 0;
	int rc;

	if (account_id != NULL)
		*account_id = 0;
	if (purpose_out != NULL)
		purpose_out[0] = '\0';
	if (db == NULL || account_id == NULL || purpose_out == NULL)
		return GMPKI_ERR_ARG;
	if (!store_token_valid(token))
		return SVC_ERR_TICKET_INVALID;
	if ((rc = store_token_hash(token, hash)) != 0)
		return rc;
	if ((rc = store_run(db, &n, "UPDATE tickets SET used_at = $2"
	    " WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
	    "ti", hash, now)) != 0)
		return rc;
	if (n != 1)
		return SVC_ERR_TICKET_INVALID;
	if ((rc = store_prepare(db, &st, "SELECT account_id, purpose"
	    " FROM tickets WHERE token_hash = $1", "t", hash)) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		*account_id = svc_stmt_int64(st, 0);
		rc = store_col_text(st, 1, purpose_out, 16);
	} else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0) {
		*account_id = 0;
		purpose_out[0] = '\0';
	}
	return rc;
}

/* ---- captchas ------------------------------------------------------- */

static int
captcha_answer_ok(const char *a)
{
	return store_check_str(a, 1, CAPTCHA_ANSWER_MAX, 0) == 0;
}

int
svc_captcha_create(svc_db *db, const char *answer, int64_t now, int ttl,
    char id_out[SVC_TOKEN_LEN + 1])
{
	int rc;

	if (id_out != NULL)
		id_out[0] = '\0';
	if (db == NULL || id_out == NULL || !captcha_answer_ok(answer) ||
	    ttl <= 0)
		return GMPKI_ERR_ARG;
	if ((rc = svc_token_new(id_out)) != 0)
		return rc;
	if ((rc = store_run(db, NULL, "INSERT INTO captchas (id, answer,"
	    " created_at, expires_at) VALUES ($1, $2, $3, $4)", "ttii", id_out,
	    answer, now, now + ttl)) != 0)
		id_out[0] = '\0';
	return rc;
}

/* ASCII case-insensitive equality of two strings, without early exit. */
static int
captcha_equal(const char *a, const char *b)
{
	size_t n = strlen(a), i;
	unsigned diff;
	unsigned char x, y;

	if (strlen(b) != n)
		return 0;
	for (diff = 0, i = 0; i < n; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		diff |= (unsigned)(x ^ y);
	}
	return diff == 0;
}

/*
 * Reads and deletes the record in one transaction: whatever the answer,
 * the captcha is gone, and of two concurrent checks only the one whose
 * DELETE removed the row may succeed.
 */
int
svc_captcha_check(svc_db *db, const char *id, const char *answer,
    int64_t now)
{
	char stored[CAPTCHA_ANSWER_MAX + 1];
	svc_stmt *st = NULL;
	int64_t expires = 0, n = 0;
	int rc, found = 0;

	if (db == NULL || answer == NULL)
		return GMPKI_ERR_ARG;
	if (!store_token_valid(id))
		return SVC_ERR_CAPTCHA_EXPIRED;
	stored[0] = '\0';
	if ((rc = svc_db_begin(db)) != 0)
		return rc;
	if ((rc = store_prepare(db, &st, "SELECT answer, expires_at"
	    " FROM captchas WHERE id = $1", "t", id)) != 0)
		goto fail;
	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		found = 1;
		expires = svc_stmt_int64(st, 1);
		rc = store_col_text(st, 0, stored, sizeof(stored));
	} else
		rc = rc == SVC_DONE ? 0 : store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0)
		goto fail;
	if (found && (rc = store_run(db, &n, "DELETE FROM captchas"
	    " WHERE id = $1", "t", id)) != 0)
		goto fail;
	if ((rc = svc_db_commit(db)) != 0)
		goto fail;
	if (!found || n != 1 || expires <= now)
		return SVC_ERR_CAPTCHA_EXPIRED;
	return captcha_equal(stored, answer) ? 0 : SVC_ERR_CAPTCHA_WRONG;
fail:
	svc_db_rollback(db);
	return rc;
}

int
svc_captcha_answer(svc_db *db, const char *id, int64_t now, char *out,
    size_t outlen)
{
	svc_stmt *st = NULL;
	const char *a;
	size_t len;
	int rc;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (db == NULL || out == NULL || outlen == 0)
		return GMPKI_ERR_ARG;
	if (!store_token_valid(id))
		return SVC_ERR_CAPTCHA_EXPIRED;
	if ((rc = store_prepare(db, &st, "SELECT answer FROM captchas"
	    " WHERE id = $1 AND expires_at > $2", "ti", id, now)) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		if ((a = svc_stmt_text(st, 0)) == NULL)
			rc = SVC_ERR_DB;
		else if ((len = strlen(a)) >= outlen)
			rc = GMPKI_ERR_TOO_LARGE;
		else {
			memcpy(out, a, len + 1);
			rc = 0;
		}
	} else if (rc == SVC_DONE)
		rc = SVC_ERR_CAPTCHA_EXPIRED;
	else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	return rc;
}

/* ---- sessions ------------------------------------------------------- */

int
svc_session_create(svc_db *db, int64_t account_id, const char *purpose,
    int64_t now, int ttl, char token_out[SVC_TOKEN_LEN + 1],
    char csrf_out[SVC_TOKEN_LEN + 1])
{
	char hash[65];
	int rc;

	if (token_out != NULL)
		token_out[0] = '\0';
	if (csrf_out != NULL)
		csrf_out[0] = '\0';
	if (db == NULL || token_out == NULL || csrf_out == NULL ||
	    !purpose_ok(purpose) || ttl <= 0)
		return GMPKI_ERR_ARG;
	if ((rc = svc_token_new(token_out)) != 0 ||
	    (rc = svc_token_new(csrf_out)) != 0 ||
	    (rc = store_token_hash(token_out, hash)) != 0)
		goto fail;
	if ((rc = store_run(db, NULL, "INSERT INTO sessions (token_hash,"
	    " account_id, purpose, csrf, expires_at) VALUES"
	    " ($1, $2, $3, $4, $5)", "titti", hash, account_id, purpose,
	    csrf_out, now + ttl)) != 0)
		goto fail;
	return 0;
fail:
	gmpki_wipe(token_out, SVC_TOKEN_LEN + 1);
	gmpki_wipe(csrf_out, SVC_TOKEN_LEN + 1);
	token_out[0] = csrf_out[0] = '\0';
	return rc;
}

int
svc_session_find(svc_db *db, const char *token, int64_t now,
    struct svc_session *s)
{
	svc_stmt *st = NULL;
	char hash[65];
	int rc;

	if (db == NULL || s == NULL)
		return GMPKI_ERR_ARG;
	memset(s, 0, sizeof(*s));
	if (!store_token_valid(token))
		return SVC_ERR_SESSION;
	if ((rc = store_token_hash(token, hash)) != 0)
		return rc;
	if ((rc = store_prepare(db, &st, "SELECT account_id, purpose, csrf,"
	    " expires_at FROM sessions WHERE token_hash = $1"
	    " AND expires_at > $2", "ti", hash, now)) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW) {
		s->account_id = svc_stmt_int64(st, 0);
		s->expires_at = svc_stmt_int64(st, 3);
		if ((rc = store_col_text(st, 1, s->purpose,
		    sizeof(s->purpose))) == 0)
			rc = store_col_text(st, 2, s->csrf, sizeof(s->csrf));
	} else if (rc == SVC_DONE)
		rc = SVC_ERR_SESSION;
	else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0)
		memset(s, 0, sizeof(*s));
	return rc;
}

/* Deleting an unknown or expired session is not an error (logout). */
int
svc_session_delete(svc_db *db, const char *token)
{
	char hash[65];
	int rc;

	if (db == NULL)
		return GMPKI_ERR_ARG;
	if (!store_token_valid(token))
		return 0;
	if ((rc = store_token_hash(token, hash)) != 0)
		return rc;
	return store_run(db, NULL, "DELETE FROM sessions WHERE token_hash = $1",
	    "t", hash);
}

int
svc_store_expire(svc_db *db, int64_t now)
{
	int rc;

	if (db == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = svc_db_begin(db)) != 0)
		return rc;
	if ((rc = store_run(db, NULL, "DELETE FROM sessions"
	    " WHERE expires_at <= $1", "i", now)) != 0 ||
	    (rc = store_run(db, NULL, "DELETE FROM tickets"
	    " WHERE expires_at <= $1", "i", now)) != 0 ||
	    (rc = store_run(db, NULL, "DELETE FROM captchas"
	    " WHERE expires_at <= $1", "i", now)) != 0 ||
	    (rc = svc_db_commit(db)) != 0) {
		svc_db_rollback(db);
		return rc;
	}
	return 0;
}
