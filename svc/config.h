/*
 * config.h - certsvc's configuration: DATA/certsvc.conf, "key = value"
 * lines, '#' comments.  Unknown keys and bad values are errors naming the
 * line.  docs/CERTSVC.md lists every key.
 */
#ifndef SVC_CONFIG_H
#define SVC_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct svc_config {
	char data_dir[PATH_MAX];
	char listen_addr[64];      /* listen = 127.0.0.1:8440 */
	int port;
	char public_url[256];      /* public_url = http://127.0.0.1:8440 */
	char database[PATH_MAX + 16]; /* database = sqlite:DATA/certsvc.db */
	char ca_dir[PATH_MAX];     /* ca_dir = DATA/ca */
	uint32_t pbkdf2_iter;      /* account password hashing */
	int session_ttl;           /* seconds, 1800 */
	int ticket_ttl;            /* 600 */
	int captcha_ttl;           /* 300 */
	int lockout_threshold;     /* 5 */
	int lockout_seconds;       /* 900 */
	int rate_limit_per_minute; /* per client address, login attempts: 30 */
	int crl_interval;          /* regenerate at least this often: 86400 */
	int housekeeping_interval; /* seconds between housekeeping rounds: 60 */
	int crl_validity;          /* nextUpdate - thisUpdate: 7 days */
	int ocsp_validity;         /* nextUpdate of OCSP answers: 3600 */
	int delegated_renew_days;  /* renew the OCSP responder's and the
	                              directory signer's certificates this
	                              many days before their end: 30 */
	int helper_port;           /* the certificate helper's loopback port */
	int threads;               /* HTTP thread pool: 4 */
	char trusted_proxies[256]; /* trusted_proxies = 127.0.0.1 (reverse
	                              proxies whose X-Forwarded-For is
	                              believed); "": none */
	int demo;                  /* demo data was loaded (informational) */
};

void svc_config_defaults(struct svc_config *c, const char *data_dir);
/* Loads DATA/certsvc.conf over the defaults; err gets "line N: ..." */
int svc_config_load(const char *data_dir, struct svc_config *c, char *err,
    size_t errlen);
/*
 * The line reader of every "key = value" file (certsvc.conf,
 * certhelper.conf, reportsys.conf): text (NUL-terminated) is modified in
 * place; blank lines and '#' lines are skipped; key and value are trimmed
 * of blanks.  fn gets each pair with its line number; its non-zero return
 * stops the reading and is returned.  A line without '=' or with an empty
 * key: *bad_line gets its number and SVC_ERR_CONFIG is returned (the
 * caller words the error).  (conf_lines.c)
 */
typedef int (*svc_conf_fn)(void *arg, char *key, char *val, int line);
int svc_conf_each(char *text, svc_conf_fn fn, void *arg, int *bad_line);

/* Writes DATA/certsvc.conf (0600). */
int svc_config_write(const struct svc_config *c);

#endif
