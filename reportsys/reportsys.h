/*
 * reportsys.h - the sample reporting system (联网直报系统) that logs
 * enterprises in with a password and then a certificate through the
 * certificate helper (docs/LOGIN-PROTOCOL.md, docs/VENDOR-GUIDE.md).
 * It is what a vendor's system does, in a few hundred lines, on top of
 * libcertauth.
 */
#ifndef REPORTSYS_H
#define REPORTSYS_H

#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "certauth/certauth.h"

#define RS_SECRET_LEN 43          /* 32 random bytes, base64url */
#define RS_MAX_USERNAME 64
#define RS_MAX_ACCOUNTS 10000
#define RS_ACCOUNTS_MAX_BYTES (4u << 20)

struct rs_config {
	char listen_addr[64];      /* listen = 127.0.0.1:8450 */
	int port;
	char name_zh[128];         /* name = 万峰联网直报系统 */
	char name_en[128];         /* name_en = Wanfeng Online Reporting */
	char rp_id[64];            /* rp_id = wanfeng (the directory's id) */
	char origin[256];          /* origin = http://127.0.0.1:8450 */
	char root[PATH_MAX];       /* root = FILE (the CA's root, PEM) */
	char accounts[PATH_MAX];   /* accounts = FILE (reportsys passwd) */
	char helper_url[128];      /* helper_url = http://127.0.0.1:17380 */
	char service_url[256];     /* service_url = http://127.0.0.1:8440
	                              (required: 申请证书, 帮助, FAQ 5 links) */
	int warn_days;             /* warn_days = 30 */
	int revocation;            /* revocation = fetch | none */
	int session_ttl;           /* session_ttl = 1800 (seconds) */
	int login_ttl;             /* login_ttl = 300: password ok, no cert yet */
	int rate_limit_per_minute; /* rate_limit = 30 password tries/address */
	int lockout_threshold;     /* lockout_threshold = 5 wrong passwords */
	int lockout_seconds;       /* lockout_seconds = 900: then locked */
	char trusted_proxies[256]; /* trusted_proxies = 127.0.0.1 (whose
	                              X-Forwarded-For names the client) */
	int threads;               /* threads = 4 */
	int max_sessions;          /* max_sessions = 10000 */
};

/* Defaults, then FILE ("key = value" lines, '#' comments); a relative
 * root or accounts path is relative to FILE's folder.  err gets
 * "FILE:N: ..." for an unknown key or a bad value. */
int rs_config_load(const char *path, struct rs_config *c, char *err,
    size_t errlen);

/* "ADDR:PORT" into c's listen_addr and port; 0 or -1 (c unchanged). */
int rs_listen_parse(const char *v, struct rs_config *c);

/* Accounts: "username:pbkdf2-sm3$..." lines (svc/password.h's form). */
struct rs_account {
	char username[RS_MAX_USERNAME + 1];
	char hash[192];
};
struct rs_accounts {
	struct rs_account *a;
	size_t n;
};
int rs_accounts_load(const char *path, struct rs_accounts *out, char *err,
    size_t errlen);
void rs_accounts_free(struct rs_accounts *a);
/* 0 when username:password is right, SVC_ERR_LOGIN_FAILED otherwise (the
 * same work is done for an unknown username). */
int rs_accounts_check(const struct rs_accounts *a, const char *username,
    const char *password);
/* Adds or replaces username in FILE (created 0600), atomically. */
int rs_accounts_set(const char *path, const char *username,
    const char *password, uint32_t iter, char *err, size_t errlen);
int rs_username_ok(const char *u);
/* The index of username in a, or -1. */
int rs_accounts_find(const struct rs_accounts *a, const char *username);

/* Serving (pages.c). */
int rs_serve(const struct rs_config *c);

#endif
