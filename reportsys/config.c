/*
 * config.c - reportsys.conf: "key = value" lines, '#' comments, every key
 * optional except rp_id, origin, root, accounts and service_url.
 * docs/REPORTSYS.md lists them.
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/gmpki.h"
#include "config.h"
#include "http.h"
#include "reportsys.h"

#define CONF_MAX_BYTES (64 * 1024)

static void
defaults(struct rs_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen_addr, sizeof(c->listen_addr), "127.0.0.1");
	c->port = 8450;
	snprintf(c->name_zh, sizeof(c->name_zh), "联网直报系统");
	snprintf(c->name_en, sizeof(c->name_en), "Online Statistical Reporting");
	snprintf(c->helper_url, sizeof(c->helper_url), "%s",
	    CERTAUTH_DEFAULT_HELPER_URL);
	c->warn_days = CERTAUTH_DEFAULT_WARN_DAYS;
	c->revocation = 1;
	c->session_ttl = 1800;
	c->login_ttl = 300;
	c->rate_limit_per_minute = 30;
	c->lockout_threshold = 5;
	c->lockout_seconds = 900;
	c->threads = 4;
	c->max_sessions = 10000;
}

static int
int_value(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

/* "http(s)://host[:port]" and nothing after it. */
static int
origin_ok(const char *v, int path_allowed)
{
	const char *p;

	if (strncmp(v, "http://", 7) == 0)
		p = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		p = v + 8;
	else
		return 0;
	if (*p == '\0' || *p == '/' || *p == ':')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p == '/' && path_allowed)
			break;
		if (!isalnum((unsigned char)*p) && strchr(".-:[]", *p) == NULL)
			return 0;
	}
	return v[strlen(v) - 1] != '/';
}

int
rs_listen_parse(const char *v, struct rs_config *c)
{
	const char *colon = strrchr(v, ':');
	size_t n;

	if (colon == NULL)
		return -1;
	n = (size_t)(colon - v);
	if (n == 0 || n >= sizeof(c->listen_addr))
		return -1;
	if (int_value(colon + 1, 1, 65535, &c->port) != 0)
		return -1;
	memcpy(c->listen_addr, v, n);
	c->listen_addr[n] = '\0';
	return 0;
}

static int
path_value(const char *v, const char *dir, char *out, size_t outlen)
{
	int n = v[0] == '/' ? snprintf(out, outlen, "%s", v) :
	    snprintf(out, outlen, "%s/%s", dir, v);

	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

static int
str_value(const char *v, char *out, size_t outlen)
{
	if (strlen(v) >= outlen || v[0] == '\0')
		return -1;
	snprintf(out, outlen, "%s", v);
	return 0;
}

static int
set_key(struct rs_config *c, const char *dir, const char *k, const char *v,
    const char **why)
{
	*why = "bad value";
	if (strcmp(k, "listen") == 0)
		return rs_listen_parse(v, c);
	if (strcmp(k, "name") == 0)
		return str_value(v, c->name_zh, sizeof(c->name_zh));
	if (strcmp(k, "name_en") == 0)
		return str_value(v, c->name_en, sizeof(c->name_en));
	if (strcmp(k, "rp_id") == 0) {
		*why = "rp_id: [a-z0-9-], 1 to 63 characters";
		if (strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    strlen(v))
			return -1;
		return str_value(v, c->rp_id, sizeof(c->rp_id));
	}
	if (strcmp(k, "origin") == 0) {
		*why = "origin: http(s)://host[:port], nothing after it";
		return origin_ok(v, 0) ? str_value(v, c->origin,
		    sizeof(c->origin)) : -1;
	}
	if (strcmp(k, "helper_url") == 0) {
		*why = "helper_url: http://127.0.0.1:PORT";
		return strncmp(v, "http://127.0.0.1:", 17) == 0 &&
		    origin_ok(v, 0) ? str_value(v, c->helper_url,
		    sizeof(c->helper_url)) : -1;
	}
	if (strcmp(k, "service_url") == 0) {
		*why = "service_url: http(s)://host[:port][/path]";
		return origin_ok(v, 1) ? str_value(v, c->service_url,
		    sizeof(c->service_url)) : -1;
	}
	if (strcmp(k, "root") == 0)
		return path_value(v, dir, c->root, sizeof(c->root));
	if (strcmp(k, "accounts") == 0)
		return path_value(v, dir, c->accounts, sizeof(c->accounts));
	if (strcmp(k, "warn_days") == 0)
		return int_value(v, -1, 3650, &c->warn_days);
	if (strcmp(k, "revocation") == 0) {
		*why = "revocation: fetch or none";
		if (strcmp(v, "fetch") == 0)
			c->revocation = 1;
		else if (strcmp(v, "none") == 0)
			c->revocation = 0;
		else
			return -1;
		return 0;
	}
	if (strcmp(k, "session_ttl") == 0)
		return int_value(v, 60, 86400, &c->session_ttl);
	if (strcmp(k, "login_ttl") == 0)
		return int_value(v, 30, 3600, &c->login_ttl);
	if (strcmp(k, "rate_limit") == 0)
		return int_value(v, 1, 100000, &c->rate_limit_per_minute);
	if (strcmp(k, "lockout_threshold") == 0)
		return int_value(v, 1, 100, &c->lockout_threshold);
	if (strcmp(k, "lockout_seconds") == 0)
		return int_value(v, 1, 86400, &c->lockout_seconds);
	if (strcmp(k, "trusted_proxies") == 0) {
		*why = "trusted_proxies: IP addresses (at most 8), e.g. "
		    "127.0.0.1";
		return svc_addr_list_check(v) > 0 ? str_value(v,
		    c->trusted_proxies, sizeof(c->trusted_proxies)) : -1;
	}
	if (strcmp(k, "threads") == 0)
		return int_value(v, 1, 64, &c->threads);
	if (strcmp(k, "max_sessions") == 0)
		return int_value(v, 10, 1000000, &c->max_sessions);
	*why = "unknown key";
	return -1;
}

struct load_state {
	struct rs_config *c;
	const char *path, *dir;
	char *err;
	size_t errlen;
};

static int
load_one(void *arg, char *k, char *v, int line)
{
	struct load_state *st = arg;
	const char *why;

	if (set_key(st->c, st->dir, k, v, &why) != 0) {
		snprintf(st->err, st->errlen, "%s:%d: %s: %s", st->path, line,
		    k, why);
		return GMPKI_ERR_DECODE;
	}
	return 0;
}

int
rs_config_load(const char *path, struct rs_config *c, char *err,
    size_t errlen)
{
	struct load_state st;
	unsigned char *data = NULL;
	char dirbuf[PATH_MAX];
	size_t len;
	int rc, bad;

	defaults(c);
	if ((rc = gmpki_file_read(path, CONF_MAX_BYTES, &data, &len)) != 0) {
		snprintf(err, errlen, "%s: %s", path, gmpki_strerror_en(rc));
		return rc;
	}
	snprintf(dirbuf, sizeof(dirbuf), "%s", path);
	memset(&st, 0, sizeof(st));
	st.c = c;
	st.path = path;
	st.dir = dirname(dirbuf);
	st.err = err;
	st.errlen = errlen;
	if (memchr(data, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: NUL byte in the file", path);
		rc = GMPKI_ERR_DECODE;
	} else if ((rc = svc_conf_each((char *)data, load_one, &st,
	    &bad)) != 0) {
		if (bad != 0)
			snprintf(err, errlen, "%s:%d: expected key = value",
			    path, bad);
		rc = GMPKI_ERR_DECODE;
	}
	free(data);
	if (rc == 0 && (c->rp_id[0] == '\0' || c->origin[0] == '\0' ||
	    c->root[0] == '\0' || c->accounts[0] == '\0' ||
	    c->service_url[0] == '\0')) {
		snprintf(err, errlen, "%s: rp_id, origin, root, accounts and "
		    "service_url are required", path);
		rc = GMPKI_ERR_DECODE;
	}
	return rc;
}
