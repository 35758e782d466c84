/*
 * store_priv.h - helpers shared by the store_*.c files (not a public
 * interface).  Rules they enforce everywhere:
 *  - input strings are checked against the size of the field they will
 *    be read back into: too long is GMPKI_ERR_TOO_LARGE, never cut;
 *  - a value read from the database that does not fit its field is
 *    SVC_ERR_DB (the database holds something certsvc never wrote);
 *  - all outside data goes through bound parameters.
 */
#ifndef SVC_STORE_PRIV_H
#define SVC_STORE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/*
 * Prepares sql and binds its parameters $1, $2, ... from the arguments,
 * one per character of fmt: 't' const char * (NULL binds NULL),
 * 'i' int64_t, 'b' const void * then size_t.
 */
int store_prepare(svc_db *db, svc_stmt **out, const char *sql,
    const char *fmt, ...);
/* Prepares, binds, steps once to the end; *changes (if not NULL) gets
 * the rows changed. */
int store_run(svc_db *db, int64_t *changes, const char *sql,
    const char *fmt, ...);
/* A step result that is not SVC_ROW / SVC_DONE as an error code. */
int store_step_err(int rc);

/* Checks a string parameter: NULL, shorter than min or longer than max
 * bytes, or (ctl == 0) holding control characters, fails. */
int store_check_str(const char *s, size_t min, size_t max, int ctl);
/* Copies column col (NULL reads as "") into dst of dstlen bytes. */
int store_col_text(svc_stmt *st, int col, char *dst, size_t dstlen);

/* A token from svc_token_new: 43 characters of the base64url alphabet. */
int store_token_valid(const char *token);
/* hex(SM3(token)), the form tokens are stored in. */
int store_token_hash(const char *token, char hex[65]);

#endif
