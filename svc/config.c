/*
 * config.c - certsvc.conf: defaults, loading and writing.
 *
 * Format: one "key = value" per line; blank lines and lines whose first
 * non-blank character is '#' are ignored ('#' inside a value is part of
 * it).  Space around key and value is trimmed.  Every key may appear once;
 * an unknown key, a repeated key or a bad value fails the whole load with
 * "line N: ..." in err and SVC_ERR_CONFIG.  Keys, ranges and defaults are
 * listed in docs/CERTSVC-STORAGE.md.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "gmpki/io.h"
#include "http.h"
#include "svc_error.h"

#define CONF_NAME "certsvc.conf"
#define CONF_MAX (64 * 1024)

/*
 * Measured on the development machine (docs/CERTSVC-STORAGE.md): one
 * svc_password_check at 12000 iterations costs 9.7-10.0 ms of CPU (median
 * of 51), about 1200 PBKDF2-HMAC-SM3 iterations per millisecond.
 */
#define CONF_DEFAULT_PBKDF2_ITER 12000

enum conf_kind { CONF_INT, CONF_U32, CONF_STR, CONF_LISTEN };

struct conf_key {
	const char *name;
	enum conf_kind kind;
	size_t off;
	size_t size;		/* CONF_STR: the array's size */
	long long min, max;	/* CONF_INT, CONF_U32 */
};

#define CONF_OFF(f) offsetof(struct svc_config, f)
#define CONF_SIZE(f) sizeof(((struct svc_config *)0)->f)

static const struct conf_key conf_keys[] = {
	{ "listen", CONF_LISTEN, 0, 0, 0, 0 },
	{ "public_url", CONF_STR, CONF_OFF(public_url), CONF_SIZE(public_url),
	    0, 0 },
	{ "database", CONF_STR, CONF_OFF(database), CONF_SIZE(database), 0, 0 },
	{ "ca_dir", CONF_STR, CONF_OFF(ca_dir), CONF_SIZE(ca_dir), 0, 0 },
	{ "pbkdf2_iter", CONF_U32, CONF_OFF(pbkdf2_iter), 0, 1000, 10000000 },
	{ "session_ttl", CONF_INT, CONF_OFF(session_ttl), 0, 60, 86400 },
	{ "ticket_ttl", CONF_INT, CONF_OFF(ticket_ttl), 0, 60, 86400 },
	{ "captcha_ttl", CONF_INT, CONF_OFF(captcha_ttl), 0, 30, 3600 },
	{ "lockout_threshold", CONF_INT, CONF_OFF(lockout_threshold), 0, 1,
	    100 },
	{ "lockout_seconds", CONF_INT, CONF_OFF(lockout_seconds), 0, 1,
	    86400 },
	{ "rate_limit_per_minute", CONF_INT, CONF_OFF(rate_limit_per_minute),
	    0, 1, 100000 },
	{ "crl_interval", CONF_INT, CONF_OFF(crl_interval), 0, 60, 2592000 },
	{ "housekeeping_interval", CONF_INT, CONF_OFF(housekeeping_interval), 0,
	    1, 3600 },
	{ "crl_validity", CONF_INT, CONF_OFF(crl_validity), 0, 3600,
	    31536000 },
	{ "ocsp_validity", CONF_INT, CONF_OFF(ocsp_validity), 0, 60, 604800 },
	{ "delegated_renew_days", CONF_INT, CONF_OFF(delegated_renew_days), 0,
	    1, 180 },
	{ "helper_port", CONF_INT, CONF_OFF(helper_port), 0, 1, 65535 },
	{ "threads", CONF_INT, CONF_OFF(threads), 0, 1, 256 },
	{ "trusted_proxies", CONF_STR, CONF_OFF(trusted_proxies),
	    CONF_SIZE(trusted_proxies), 0, 0 },
	{ "demo", CONF_INT, CONF_OFF(demo), 0, 0, 1 },
};
#define CONF_NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

/* dst = a || b || z, or "" when that does not fit (never a cut value). */
static void
conf_set(char *dst, size_t size, const char *a, const char *b,
    const char *z)
{
	int n = snprintf(dst, size, "%s%s%s", a, b, z);

	if (n < 0 || (size_t)n >= size)
		dst[0] = '\0';
}

void
svc_config_defaults(struct svc_config *c, const char *data_dir)
{
	if (c == NULL)
		return;
	memset(c, 0, sizeof(*c));
	if (data_dir == NULL)
		data_dir = "";
	conf_set(c->data_dir, sizeof(c->data_dir), data_dir, "", "");
	conf_set(c->listen_addr, sizeof(c->listen_addr), "127.0.0.1", "", "");
	c->port = 8440;
	conf_set(c->public_url, sizeof(c->public_url),
	    "http://127.0.0.1:8440", "", "");
	/* Empty when data_dir is too long: opening "" fails loudly. */
	if (c->data_dir[0] != '\0') {
		conf_set(c->database, sizeof(c->database), "sqlite:",
		    c->data_dir, "/certsvc.db");
		conf_set(c->ca_dir, sizeof(c->ca_dir), c->data_dir, "/ca", "");
	}
	c->pbkdf2_iter = CONF_DEFAULT_PBKDF2_ITER;
	c->session_ttl = 1800;
	c->ticket_ttl = 600;
	c->captcha_ttl = 300;
	c->lockout_threshold = 5;
	c->lockout_seconds = 900;
	c->rate_limit_per_minute = 30;
	c->crl_interval = 86400;
	c->housekeeping_interval = 60;
	c->crl_validity = 604800;
	c->ocsp_validity = 3600;
	c->delegated_renew_days = 30;
	c->helper_port = 17380;
	c->threads = 4;
	c->demo = 0;
}

/* Decimal digits only, within [min, max]. */
static int
conf_int(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

/* "HOST:PORT" or "[V6ADDR]:PORT". */
static int
conf_listen(const char *v, struct svc_config *c)
{
	const char *colon, *host = v, *end;
	long long port;
	size_t hlen;

	if (*v == '[') {
		host = v + 1;
		if ((end = strchr(host, ']')) == NULL || end[1] != ':')
			return -1;
		colon = end + 1;
	} else {
		if ((colon = strrchr(v, ':')) == NULL ||
		    memchr(v, ':', (size_t)(colon - v)) != NULL)
			return -1;
		end = colon;
	}
	hlen = (size_t)(end - host);
	if (hlen == 0 || hlen >= sizeof(c->listen_addr) ||
	    memchr(host, ' ', hlen) != NULL || memchr(host, '\t', hlen) != NULL)
		return -1;
	if (conf_int(colon + 1, 1, 65535, &port) != 0)
		return -1;
	memcpy(c->listen_addr, host, hlen);
	c->listen_addr[hlen] = '\0';
	c->port = (int)port;
	return 0;
}

/* Checks a string value for its key; 0 or -1. */
static int
conf_str_ok(const char *key, const char *v)
{
	if (*v == '\0')
		return -1;
	if (strcmp(key, "public_url") == 0)
		return strncmp(v, "http://", 7) == 0 ||
		    strncmp(v, "https://", 8) == 0 ? 0 : -1;
	if (strcmp(key, "database") == 0)
		return strncmp(v, "sqlite:", 7) == 0 ||
		    strncmp(v, "postgresql://", 13) == 0 ? 0 : -1;
	if (strcmp(key, "trusted_proxies") == 0)
		return svc_addr_list_check(v) > 0 ? 0 : -1;
	return 0;
}

/* Applies one "key = value"; on error writes the reason to err. */
static int
conf_apply(struct svc_config *c, char *key, char *val, int seen[],
    char *err, size_t errlen, int line)
{
	const struct conf_key *k = NULL;
	long long v;
	size_t i, n;

	for (i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_keys[i].name, key) == 0) {
			k = &conf_keys[i];
			break;
		}
	if (k == NULL) {
		snprintf(err, errlen, "line %d: unknown key \"%.40s\"", line,
		    key);
		return SVC_ERR_CONFIG;
	}
	if (seen[i]) {
		snprintf(err, errlen, "line %d: %s given twice (first on line"
		    " %d)", line, k->name, seen[i]);
		return SVC_ERR_CONFIG;
	}
	seen[i] = line;
	switch (k->kind) {
	case CONF_LISTEN:
		if (conf_listen(val, c) != 0) {
			snprintf(err, errlen, "line %d: listen: expected"
			    " HOST:PORT or [IPV6]:PORT", line);
			return SVC_ERR_CONFIG;
		}
		break;
	case CONF_STR:
		n = strlen(val);
		if (conf_str_ok(k->name, val) != 0 || n >= k->size) {
			snprintf(err, errlen, "line %d: %s: %s", line, k->name,
			    n >= k->size ? "value too long" :
			    strcmp(k->name, "public_url") == 0 ?
			    "expected an http:// or https:// URL" :
			    strcmp(k->name, "database") == 0 ?
			    "expected sqlite:PATH or postgresql://..." :
			    strcmp(k->name, "trusted_proxies") == 0 ?
			    "expected IP addresses (at most 8), e.g. 127.0.0.1" :
			    "empty value");
			return SVC_ERR_CONFIG;
		}
		memcpy((char *)c + k->off, val, n + 1);
		break;
	case CONF_INT:
	case CONF_U32:
		if (conf_int(val, k->min, k->max, &v) != 0) {
			snprintf(err, errlen, "line %d: %s: expected a whole"
			    " number from %lld to %lld", line, k->name, k->min,
			    k->max);
			return SVC_ERR_CONFIG;
		}
		if (k->kind == CONF_U32)
			*(uint32_t *)(void *)((char *)c + k->off) = (uint32_t)v;
		else
			*(int *)(void *)((char *)c + k->off) = (int)v;
		break;
	}
	return 0;
}

static int
conf_key_index(const char *name)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return (int)i;
	return 0;
}

struct conf_state {
	struct svc_config *c;
	int seen[CONF_NKEYS];
	char *err;
	size_t errlen;
};

static int
conf_one(void *arg, char *key, char *val, int line)
{
	struct conf_state *st = arg;

	return conf_apply(st->c, key, val, st->seen, st->err, st->errlen,
	    line);
}

static int
conf_parse(struct svc_config *c, char *buf, char *err, size_t errlen)
{
	struct conf_state st;
	int *seen = st.seen;
	int bad, rc, li, lv;

	memset(&st, 0, sizeof(st));
	st.c = c;
	st.err = err;
	st.errlen = errlen;
	if ((rc = svc_conf_each(buf, conf_one, &st, &bad)) != 0) {
		if (bad != 0)
			snprintf(err, errlen, "line %d: expected key = value",
			    bad);
		return rc;
	}
	/* A CRL must not expire before the next one is due. */
	if (c->crl_validity < c->crl_interval) {
		li = seen[conf_key_index("crl_interval")];
		lv = seen[conf_key_index("crl_validity")];
		snprintf(err, errlen, "line %d: crl_validity (%d) is shorter"
		    " than crl_interval (%d)", li > lv ? li : lv,
		    c->crl_validity, c->crl_interval);
		return SVC_ERR_CONFIG;
	}
	return 0;
}

int
svc_config_load(const char *data_dir, struct svc_config *c, char *err,
    size_t errlen)
{
	char path[PATH_MAX + 32];
	unsigned char *buf = NULL;
	size_t len = 0;
	int n, rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (data_dir == NULL || c == NULL || err == NULL || errlen == 0)
		return GMPKI_ERR_ARG;
	/* Room for data_dir + "/certsvc.db" in database. */
	if (*data_dir == '\0' || strlen(data_dir) + 16 >= sizeof(c->data_dir)) {
		snprintf(err, errlen, "data directory name empty or too long");
		return SVC_ERR_CONFIG;
	}
	svc_config_defaults(c, data_dir);
	n = snprintf(path, sizeof(path), "%s/" CONF_NAME, data_dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return SVC_ERR_CONFIG;
	if ((rc = gmpki_file_read(path, CONF_MAX, &buf, &len)) != 0) {
		snprintf(err, errlen, "%s: %s", CONF_NAME,
		    gmpki_strerror_en(rc));
		return SVC_ERR_CONFIG;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: contains a NUL byte", CONF_NAME);
		rc = SVC_ERR_CONFIG;
	} else
		rc = conf_parse(c, (char *)buf, err, errlen);
	free(buf);
	if (rc != 0)
		svc_config_defaults(c, data_dir);
	return rc;
}

/* A string that reads back as itself: no line breaks, no edge blanks. */
static int
conf_writable(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || strchr(s, '\n') != NULL || strchr(s, '\r') != NULL)
		return 0;
	return s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' &&
	    s[n - 1] != '\t';
}

int
svc_config_write(const struct svc_config *c)
{
	char path[PATH_MAX + 32], listen[80];
	char *buf;
	size_t cap = 3 * PATH_MAX + 2048;
	int n, rc;

	if (c == NULL || c->data_dir[0] == '\0')
		return GMPKI_ERR_ARG;
	if (!conf_writable(c->listen_addr) || !conf_writable(c->public_url) ||
	    !conf_writable(c->database) || !conf_writable(c->ca_dir) ||
	    conf_str_ok("public_url", c->public_url) != 0 ||
	    conf_str_ok("database", c->database) != 0)
		return SVC_ERR_CONFIG;
	n = snprintf(listen, sizeof(listen), strchr(c->listen_addr, ':') !=
	    NULL ? "[%s]:%d" : "%s:%d", c->listen_addr, c->port);
	if (n < 0 || (size_t)n >= sizeof(listen))
		return SVC_ERR_CONFIG;
	n = snprintf(path, sizeof(path), "%s/" CONF_NAME, c->data_dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return SVC_ERR_CONFIG;
	if ((buf = malloc(cap)) == NULL)
		return GMPKI_ERR_NOMEM;
	n = snprintf(buf, cap,
	    "# certsvc configuration (docs/CERTSVC-STORAGE.md lists the keys)\n"
	    "listen = %s\n"
	    "public_url = %s\n"
	    "database = %s\n"
	    "ca_dir = %s\n"
	    "pbkdf2_iter = %u\n"
	    "session_ttl = %d\n"
	    "ticket_ttl = %d\n"
	    "captcha_ttl = %d\n"
	    "lockout_threshold = %d\n"
	    "lockout_seconds = %d\n"
	    "rate_limit_per_minute = %d\n"
	    "crl_interval = %d\n"
	    "housekeeping_interval = %d\n"
	    "crl_validity = %d\n"
	    "ocsp_validity = %d\n"
	    "delegated_renew_days = %d\n"
	    "helper_port = %d\n"
	    "threads = %d\n"
	    "demo = %d\n",
	    listen, c->public_url, c->database, c->ca_dir,
	    (unsigned)c->pbkdf2_iter, c->session_ttl, c->ticket_ttl,
	    c->captcha_ttl, c->lockout_threshold, c->lockout_seconds,
	    c->rate_limit_per_minute, c->crl_interval,
	    c->housekeeping_interval, c->crl_validity,
	    c->ocsp_validity, c->delegated_renew_days, c->helper_port,
	    c->threads, c->demo);
	if (n >= 0 && (size_t)n < cap && c->trusted_proxies[0] != '\0') {
		int m = snprintf(buf + n, cap - (size_t)n,
		    "trusted_proxies = %s\n", c->trusted_proxies);

		n = m < 0 ? m : n + m;
	}
	if (n < 0 || (size_t)n >= cap)
		rc = SVC_ERR_CONFIG;
	else
		rc = gmpki_file_write(path, buf, (size_t)n, 0600, 0);
	free(buf);
	return rc;
}
