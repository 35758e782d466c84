/*
 * hconfig.c - the helper's paths (XDG Base Directory Specification 0.8)
 * and its configuration file (hconfig.h).
 *
 * XDG: "All paths set in these environment variables must be absolute.
 * If an implementation encounters a relative path in any of these
 * variables it should consider the path invalid and ignore it."  Folders
 * the helper makes are 0700, as the specification asks.
 *
 * certhelper.conf holds the pinned root (root_sm3): a file others can
 * write, or that belongs to someone else, is refused rather than trusted.
 * A bad file changes nothing: it is parsed into a copy first.
 */
#include "hconfig.h"
#include "config.h"

#include "gmpki/gmpki.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HCONF_MAX_FILE (64 * 1024)
#define HCONF_DEFAULT_LOG_MAX (1024L * 1024)
#define HCONF_MIN_LOG_MAX (64L * 1024)
#define HCONF_MAX_LOG_MAX (1024L * 1024 * 1024)
#define HCONF_MIN_PORT 1024
#define HCONF_MAX_PORT 65535

static int
cat(char *out, size_t outlen, const char *a, const char *b)
{
	int n = snprintf(out, outlen, "%s%s", a, b);

	if (n < 0 || (size_t)n >= outlen)
		return GMPKI_ERR_ARG;
	return 0;
}

/* $name when set to an absolute path, else NULL (XDG: relative is invalid). */
static const char *
xdg_var(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] == '/' ? v : NULL;
}

/* $var/certhelper, or $HOME/fallback/certhelper. */
static int
xdg_dir(char *out, size_t outlen, const char *var, const char *home,
    const char *fallback)
{
	const char *v = xdg_var(var);
	int n;

	if (v != NULL)
		n = snprintf(out, outlen, "%s/certhelper", v);
	else
		n = snprintf(out, outlen, "%s/%s/certhelper", home, fallback);
	if (n < 0 || (size_t)n >= outlen)
		return GMPKI_ERR_ARG;
	return 0;
}

int
helper_config_paths(struct helper_config *c)
{
	const char *home, *rt;
	char data[PATH_MAX];
	int rc;

	if (c == NULL)
		return GMPKI_ERR_ARG;
	memset(c, 0, sizeof(*c));
	c->port = HELPER_DEFAULT_PORT;
	c->log_max_bytes = HCONF_DEFAULT_LOG_MAX;
	/* Every default below hangs off HOME: without it there is no
	 * sensible place for keys. */
	if ((home = getenv("HOME")) == NULL || home[0] != '/')
		return GMPKI_ERR_ARG;
	if ((rc = xdg_dir(c->config_dir, sizeof(c->config_dir),
	    "XDG_CONFIG_HOME", home, ".config")) != 0 ||
	    (rc = xdg_dir(data, sizeof(data), "XDG_DATA_HOME", home,
	    ".local/share")) != 0 ||
	    (rc = xdg_dir(c->state_dir, sizeof(c->state_dir),
	    "XDG_STATE_HOME", home, ".local/state")) != 0)
		return rc;
	if ((rc = cat(c->keystore_dir, sizeof(c->keystore_dir), data,
	    "/keystore")) != 0 ||
	    (rc = cat(c->config_file, sizeof(c->config_file), c->config_dir,
	    "/certhelper.conf")) != 0)
		return rc;
	/* XDG_RUNTIME_DIR has no default in the specification: without it
	 * the socket and lock live in the state folder. */
	if ((rt = xdg_var("XDG_RUNTIME_DIR")) != NULL)
		rc = cat(c->runtime_dir, sizeof(c->runtime_dir), rt,
		    "/certhelper");
	else
		rc = cat(c->runtime_dir, sizeof(c->runtime_dir), c->state_dir,
		    "");
	if (rc != 0 ||
	    (rc = cat(c->socket_path, sizeof(c->socket_path), c->runtime_dir,
	    "/certhelper.sock")) != 0 ||
	    (rc = cat(c->lock_path, sizeof(c->lock_path), c->runtime_dir,
	    "/certhelper.lock")) != 0 ||
	    (rc = cat(c->log_path, sizeof(c->log_path), c->state_dir,
	    "/certhelper.log")) != 0)
		return rc;
	return 0;
}

/* --- values ------------------------------------------------------------- */

/* An http(s) URL with a host, no white space or control characters. */
static int
url_valid(const char *u)
{
	const char *host, *p;

	if (strncmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		host = u + 7;
	else
		return 0;
	if (*host == '\0' || *host == '/' || *host == '?' || *host == '#')
		return 0;
	for (p = u; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f)
			return 0;
	return 1;
}

static int
sm3_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return s[64] == '\0';
}

/* A decimal number in [min, max]: digits only, no sign. */
static int
parse_range(const char *v, long min, long max, long *out)
{
	long n = 0;
	size_t i, len = strlen(v);

	if (len == 0 || len > 10)
		return 0;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		n = n * 10 + (v[i] - '0');
	}
	if (n < min || n > max)
		return 0;
	*out = n;
	return 1;
}

static void
errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* One "key = value" into c; 0, or GMPKI_ERR_ARG with err set. */
static int
config_set(struct helper_config *c, const char *k, const char *v,
    unsigned line, char *err, size_t errlen)
{
	long n;
	size_t i;

	if (strcmp(k, "service_url") == 0) {
		/* Empty: no service configured yet. */
		if (*v != '\0' && (strlen(v) >= sizeof(c->service_url) ||
		    !url_valid(v))) {
			errf(err, errlen, "line %u: service_url must be an "
			    "http:// or https:// URL without spaces, at most "
			    "%zu bytes", line, sizeof(c->service_url) - 1);
			return GMPKI_ERR_ARG;
		}
		snprintf(c->service_url, sizeof(c->service_url), "%s", v);
	} else if (strcmp(k, "root_sm3") == 0) {
		/* Empty: no root pinned yet. */
		if (*v != '\0' && !sm3_valid(v)) {
			errf(err, errlen, "line %u: root_sm3 must be 64 hex "
			    "digits (the root certificate's SM3 fingerprint)",
			    line);
			return GMPKI_ERR_ARG;
		}
		for (i = 0; v[i] != '\0'; i++)
			c->root_sm3[i] = (char)tolower((unsigned char)v[i]);
		c->root_sm3[i] = '\0';
	} else if (strcmp(k, "port") == 0) {
		if (!parse_range(v, HCONF_MIN_PORT, HCONF_MAX_PORT, &n)) {
			errf(err, errlen, "line %u: port must be a number "
			    "from %d to %d", line, HCONF_MIN_PORT,
			    HCONF_MAX_PORT);
			return GMPKI_ERR_ARG;
		}
		c->port = (int)n;
	} else if (strcmp(k, "log_max_bytes") == 0) {
		if (!parse_range(v, HCONF_MIN_LOG_MAX, HCONF_MAX_LOG_MAX,
		    &n)) {
			errf(err, errlen, "line %u: log_max_bytes must be a "
			    "number from %ld (64 KiB) to %ld (1 GiB)", line,
			    HCONF_MIN_LOG_MAX, HCONF_MAX_LOG_MAX);
			return GMPKI_ERR_ARG;
		}
		c->log_max_bytes = n;
	} else {
		errf(err, errlen, "line %u: unknown key \"%.64s\"", line, k);
		return GMPKI_ERR_ARG;
	}
	return 0;
}

/* --- load and save ------------------------------------------------------ */

static const char *const config_keys[] = {
	"service_url", "root_sm3", "port", "log_max_bytes",
};
#define CONFIG_NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

struct parse_state {
	struct helper_config *c;
	int seen[CONFIG_NKEYS];
	char *err;
	size_t errlen;
};

static int
config_one(void *arg, char *k, char *v, int line)
{
	struct parse_state *st = arg;
	size_t i;

	for (i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(k, config_keys[i]) == 0)
			break;
	if (i < CONFIG_NKEYS) {
		if (st->seen[i]) {
			errf(st->err, st->errlen, "line %d: %s is set twice",
			    line, k);
			return GMPKI_ERR_ARG;
		}
		st->seen[i] = 1;
	}
	return config_set(st->c, k, v, (unsigned)line, st->err, st->errlen);
}

static int
config_parse(struct helper_config *c, unsigned char *buf, size_t len,
    char *err, size_t errlen)
{
	struct parse_state st;
	int bad, rc;

	if (memchr(buf, '\0', len) != NULL) {
		errf(err, errlen, "%s: not a text file (NUL byte)",
		    c->config_file);
		return GMPKI_ERR_ARG;
	}
	memset(&st, 0, sizeof(st));
	st.c = c;
	st.err = err;
	st.errlen = errlen;
	/* buf is NUL-terminated (gmpki_file_read) */
	if ((rc = svc_conf_each((char *)buf, config_one, &st, &bad)) != 0 &&
	    bad != 0) {
		errf(err, errlen, "line %d: expected \"key = value\"", bad);
		return GMPKI_ERR_ARG;
	}
	return rc;
}

int
helper_config_load(struct helper_config *c, char *err, size_t errlen)
{
	struct helper_config *tmp = NULL;
	unsigned char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (c == NULL || c->config_file[0] == '\0') {
		errf(err, errlen, "no configuration path (HOME unset?)");
		return GMPKI_ERR_ARG;
	}
	if (stat(c->config_file, &st) != 0) {
		if (errno == ENOENT)
			return 0;	/* no file: the defaults */
		errf(err, errlen, "%s: %s", c->config_file, strerror(errno));
		return GMPKI_ERR_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		errf(err, errlen, "%s: not a regular file", c->config_file);
		return GMPKI_ERR_IO;
	}
	/* It pins the root: only its owner may change it. */
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		errf(err, errlen, "%s: writable by others or not owned by "
		    "this user (chmod 600)", c->config_file);
		return GMPKI_ERR_PERMISSION;
	}
	if ((rc = gmpki_file_read(c->config_file, HCONF_MAX_FILE, &buf,
	    &len)) != 0) {
		errf(err, errlen, "%s: %s", c->config_file,
		    rc == GMPKI_ERR_TOO_LARGE ? "larger than 64 KiB" :
		    "cannot be read");
		return rc;
	}
	if ((tmp = malloc(sizeof(*tmp))) == NULL) {
		free(buf);
		return GMPKI_ERR_NOMEM;
	}
	*tmp = *c;
	if ((rc = config_parse(tmp, buf, len, err, errlen)) == 0)
		*c = *tmp;
	free(tmp);
	free(buf);
	return rc;
}

/* mkdir -p: folders made are 0700 (XDG). */
static int
mkdir_p(const char *dir)
{
	char p[PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return GMPKI_ERR_ARG;
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) == 0) {
			if (chmod(p, 0700) != 0)
				return GMPKI_ERR_IO;
		} else if (errno != EEXIST)
			return GMPKI_ERR_IO;
		if (i < n)
			p[i] = '/';
	}
	return 0;
}

int
helper_config_save(const struct helper_config *c)
{
	struct helper_config chk;
	char buf[1024];
	int n, rc;

	if (c == NULL || c->config_dir[0] == '\0' ||
	    c->config_file[0] == '\0')
		return GMPKI_ERR_ARG;
	/* Never write what load would refuse. */
	chk = *c;
	if (memchr(c->service_url, '\0', sizeof(c->service_url)) == NULL ||
	    memchr(c->root_sm3, '\0', sizeof(c->root_sm3)) == NULL ||
	    config_set(&chk, "service_url", c->service_url, 0, NULL, 0) != 0 ||
	    config_set(&chk, "root_sm3", c->root_sm3, 0, NULL, 0) != 0 ||
	    c->port < HCONF_MIN_PORT || c->port > HCONF_MAX_PORT ||
	    c->log_max_bytes < HCONF_MIN_LOG_MAX ||
	    c->log_max_bytes > HCONF_MAX_LOG_MAX)
		return GMPKI_ERR_ARG;
	n = snprintf(buf, sizeof(buf),
	    "# certhelper configuration (certhelper(1))\n"
	    "service_url = %s\nroot_sm3 = %s\nport = %d\n"
	    "log_max_bytes = %ld\n",
	    c->service_url, chk.root_sm3, c->port, c->log_max_bytes);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return GMPKI_ERR_INTERNAL;
	if ((rc = mkdir_p(c->config_dir)) != 0)
		return rc;
	return gmpki_file_write(c->config_file, buf, (size_t)n, 0600, 0);
}
