/*
 * settings.h - small named values the service keeps in its database
 * (the settings table of migration 1), such as the last cRLNumber.
 */
#ifndef SVC_SETTINGS_H
#define SVC_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define SVC_SETTING_KEY_MAX 64
#define SVC_SETTING_VALUE_MAX 1024

/* The value of key into out; GMPKI_ERR_NOT_FOUND when unset. */
int svc_setting_get(svc_db *db, const char *key, char *out, size_t outlen);
/* Sets (inserts or replaces) key. */
int svc_setting_set(svc_db *db, const char *key, const char *value);

/*
 * Adds 1 to the integer kept under key (0 when unset) and gives the new
 * value, in its own transaction: two processes sharing the database never
 * get the same number (RFC 5280 §5.2.3 cRLNumber is monotonically
 * increasing).  Must not be called inside another transaction.
 */
int svc_setting_next(svc_db *db, const char *key, int64_t *out);

#endif
