/*
 * store.h - the online service's records, over db.h.  Every function takes
 * an open connection and returns 0 or an SVC_ERR_* / GMPKI_ERR_* code;
 * SVC_ERR_ACCOUNT_NOT_FOUND / GMPKI_ERR_NOT_FOUND when a lookup finds
 * nothing.  Secrets (tickets, session ids) are stored as SM3 hashes only;
 * captcha answers are stored as they are (short-lived, low value; the tests
 * read them to answer honestly).
 */
#ifndef SVC_STORE_H
#define SVC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "svc_error.h"

#define SVC_USERNAME_MAX 64   /* bytes */
#define SVC_ORGNAME_MAX 256   /* bytes, UTF-8 */
#define SVC_TOKEN_LEN 43      /* base64url of 32 random bytes */

struct svc_enterprise {
	int64_t id;
	char uscc[19];
	char name[SVC_ORGNAME_MAX + 1];
	char region[64];
};

enum svc_account_state {
	SVC_ACCOUNT_ACTIVE = 0,
	SVC_ACCOUNT_LOCKED = 1,   /* locked by an operator until unlocked */
	SVC_ACCOUNT_DISABLED = 2,
};

struct svc_account {
	int64_t id;
	char username[SVC_USERNAME_MAX + 1];
	int64_t enterprise_id;
	char uscc[19];                  /* joined from the enterprise */
	char org[SVC_ORGNAME_MAX + 1];  /* joined from the enterprise */
	char pwhash[192];               /* see password.h */
	int state;                      /* enum svc_account_state */
	int failed_logins;              /* consecutive */
	int64_t locked_until;           /* automatic lockout end, 0 if none */
	int64_t created_at;
};

/* Enterprises: insert (SVC_ERR_DB_CONFLICT if the code exists) or find. */
int svc_enterprise_add(svc_db *db, const char *uscc, const char *name,
    const char *region, int64_t *id_out);
int svc_enterprise_find(svc_db *db, const char *uscc, struct svc_enterprise *e);

/* Accounts. */
int svc_account_add(svc_db *db, const char *username, int64_t enterprise_id,
    const char *pwhash, int64_t now, int64_t *id_out);
int svc_account_find(svc_db *db, const char *username, struct svc_account *a);
int svc_account_get(svc_db *db, int64_t id, struct svc_account *a);
int svc_account_set_password(svc_db *db, int64_t id, const char *pwhash);
int svc_account_set_state(svc_db *db, int64_t id, int state);
/* After a failed login: failed_logins + 1; at threshold sets locked_until. */
int svc_account_login_failed(svc_db *db, int64_t id, int threshold,
    int64_t lock_until);
/* After a good login: failed_logins = 0, locked_until = 0. */
int svc_account_login_ok(svc_db *db, int64_t id);

/* Certificates. */
enum svc_cert_status { SVC_CERT_VALID = 'V', SVC_CERT_REVOKED = 'R' };

struct svc_cert {
	char serial[41];            /* upper-case hex, no leading zeros */
	int64_t account_id;
	char username[SVC_USERNAME_MAX + 1];
	char subject[512];
	int64_t not_before, not_after;
	int status;                 /* enum svc_cert_status */
	int64_t revoked_at;         /* 0 unless revoked */
	int reason;                 /* CRLReason, -1 unless revoked */
	char sm3_fp[65];
	int64_t issued_at;
	unsigned char *der;         /* malloc'ed when requested, else NULL */
	size_t der_len;
};
void svc_cert_clear(struct svc_cert *c); /* frees der */

int svc_cert_add(svc_db *db, const struct svc_cert *c);
/* with_der: also load the DER into c->der. */
int svc_cert_find(svc_db *db, const char *serial, int with_der,
    struct svc_cert *c);
/* Calls fn for each certificate of account (newest first); stops on non-0. */
int svc_cert_list_account(svc_db *db, int64_t account_id,
    int (*fn)(void *arg, const struct svc_cert *c), void *arg);
/* All certificates (admin), newest first, at most limit (0: all). */
int svc_cert_list_all(svc_db *db, int limit,
    int (*fn)(void *arg, const struct svc_cert *c), void *arg);
/* All revoked certificates whose notAfter > since (for the CRL). */
int svc_cert_list_revoked(svc_db *db, int64_t since,
    int (*fn)(void *arg, const struct svc_cert *c), void *arg);
/* Marks a valid certificate revoked; GMPKI_ERR_ALREADY_REVOKED if it is. */
int svc_cert_revoke(svc_db *db, const char *serial, int64_t at, int reason);

/*
 * Enrollment tickets (single use, bound to an account).  create writes the
 * new token (SVC_TOKEN_LEN chars + NUL) to token_out.  consume marks it used
 * and gives the account and purpose; a used, expired or unknown token is
 * SVC_ERR_TICKET_INVALID.  purpose: "apply" or "reapply".
 */
int svc_ticket_create(svc_db *db, int64_t account_id, const char *purpose,
    int64_t now, int ttl, char token_out[SVC_TOKEN_LEN + 1]);
int svc_ticket_consume(svc_db *db, const char *token, int64_t now,
    int64_t *account_id, char purpose_out[16]);

/*
 * Captchas: create stores answer under a new random id (token form);
 * check deletes the record whatever the outcome (single use) and answers
 * 0, SVC_ERR_CAPTCHA_WRONG (case-insensitive compare) or
 * SVC_ERR_CAPTCHA_EXPIRED (unknown, used or older than ttl).
 */
int svc_captcha_create(svc_db *db, const char *answer, int64_t now, int ttl,
    char id_out[SVC_TOKEN_LEN + 1]);
int svc_captcha_check(svc_db *db, const char *id, const char *answer,
    int64_t now);
/* The answer of a live captcha (for the image; and for tests). */
int svc_captcha_answer(svc_db *db, const char *id, int64_t now, char *out,
    size_t outlen);

/* Sessions: token in an HttpOnly cookie, CSRF token in forms. */
struct svc_session {
	int64_t account_id;
	char purpose[16];         /* "apply", "reapply", "revoke" */
	char csrf[SVC_TOKEN_LEN + 1];
	int64_t expires_at;
};
int svc_session_create(svc_db *db, int64_t account_id, const char *purpose,
    int64_t now, int ttl, char token_out[SVC_TOKEN_LEN + 1],
    char csrf_out[SVC_TOKEN_LEN + 1]);
int svc_session_find(svc_db *db, const char *token, int64_t now,
    struct svc_session *s);
int svc_session_delete(svc_db *db, const char *token);
/* Removes expired sessions, tickets and captchas. */
int svc_store_expire(svc_db *db, int64_t now);

/* The reporting-system directory. */
struct svc_rp {
	char id[64];          /* [a-z0-9-], e.g. "wanfeng" */
	char name[256];       /* 万峰联网直报系统 */
	char type[64];        /* reporting type, e.g. "一套表" */
	char vendor[64];      /* 万峰 / 同方 / 自建 */
	char province[64];    /* "" for national systems */
	char origin[256];     /* https://host[:port] */
	char return_url[512]; /* where the helper posts login statements */
};
int svc_rp_add(svc_db *db, const struct svc_rp *rp);
int svc_rp_find(svc_db *db, const char *id, struct svc_rp *rp);
int svc_rp_list(svc_db *db, int (*fn)(void *arg, const struct svc_rp *rp),
    void *arg);

/*
 * Audit log, chained with SM3: row n stores
 * hash_n = SM3(hash_{n-1} || canonical(row n)), hash_0 = 32 zero bytes.
 * verify walks every row and answers SVC_ERR_AUDIT_BROKEN with the first
 * bad row's id in *bad_id (an edited, inserted or deleted row).
 */
struct svc_audit {
	int64_t id;
	int64_t at;
	char actor[SVC_USERNAME_MAX + 16]; /* username, "admin", "system" */
	char action[32];                   /* login, login_failed, issue, ... */
	char object[128];                  /* serial, username, ... */
	char detail[512];
	char addr[64];
	char hash[65];
};
int svc_audit_append(svc_db *db, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    const char *addr);
/*
 * The same inside the caller's write transaction (svc_db_begin), so that
 * the audit row commits or rolls back with what it records.
 */
int svc_audit_append_tx(svc_db *db, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    const char *addr);
int svc_audit_list(svc_db *db, int64_t after_id, int limit,
    int (*fn)(void *arg, const struct svc_audit *a), void *arg);
int svc_audit_verify(svc_db *db, int64_t *rows, int64_t *bad_id);

/* A random token: base64url (no padding) of 32 random bytes. */
int svc_token_new(char out[SVC_TOKEN_LEN + 1]);

#endif
