/*
 * keystore.c - the helper's keystore (keystore.h; docs/HELPER-KEYS.md says
 * what protects the keys and what does not).
 *
 * Layout under DIR (mode 0700, every file 0600, no symlinks anywhere):
 *   .storekey                  64 hex digits: the passphrase of keys that
 *                              have no PIN
 *   .lock                      flock'ed by writers (other processes)
 *   identities/ID/             key.pem, cert.pem, chain.pem, meta
 *   identities/.tmp-XXXXXX/    an identity being written or deleted
 *   choices                    "rp_id=ID" lines
 *
 * Writers hold ks->mu (threads of the daemon) and then an flock on
 * DIR/.lock (other processes, e.g. a CLI beside the daemon).  Readers take
 * no lock: an identity appears by one rename() and disappears by one
 * rename() to a dot name before its files are removed, so a reader sees it
 * whole or not at all.
 *
 * meta is "key = value" lines, every key below exactly once, in any order;
 * it is parsed strictly and checked against the certificate, so that a
 * damaged or edited identity is reported instead of half-believed.
 */
#include "keystore.h"

#include "gmpki/gmpki.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#define KS_STOREKEY_BYTES 32
#define KS_STOREKEY_HEX (2 * KS_STOREKEY_BYTES)
#define KS_MAX_META (8 * 1024)
#define KS_MAX_CHOICES (256 * 1024)
#define KS_MAX_RP_ID 63
#define KS_TMP_PREFIX ".tmp-"
#define KS_MAX_IDS 100000	/* folders list() will look at */

struct helper_keystore {
	char dir[PATH_MAX];
	char ids[PATH_MAX];		/* DIR/identities */
	char storekey[KS_STOREKEY_HEX + 1];
	pthread_mutex_t mu;
};

/* --- paths and file checks -------------------------------------------- */

static int
ks_path(char *out, size_t outlen, const char *a, const char *b)
{
	int n = snprintf(out, outlen, "%s/%s", a, b);

	if (n < 0 || (size_t)n >= outlen)
		return GMPKI_ERR_ARG;
	return 0;
}

static int
ks_path3(char *out, size_t outlen, const char *a, const char *b,
    const char *c)
{
	int n = snprintf(out, outlen, "%s/%s/%s", a, b, c);

	if (n < 0 || (size_t)n >= outlen)
		return GMPKI_ERR_ARG;
	return 0;
}

/*
 * The object at path must be ours, of the wanted kind, not a symlink and
 * closed to group and others.  Missing: GMPKI_ERR_NOT_FOUND.  The folders
 * above are checked the same way, so nobody else can swap a file between
 * this check and the read that follows it.
 */
static int
check_private(const char *path, int want_dir, struct stat *out)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? GMPKI_ERR_NOT_FOUND : GMPKI_ERR_IO;
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return GMPKI_ERR_PERMISSION;	/* symlinks included */
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		return GMPKI_ERR_PERMISSION;
	if (out != NULL)
		*out = st;
	return 0;
}

/* A private file read to max bytes (caller frees, wiping secrets). */
static int
read_private(const char *path, size_t max, unsigned char **buf, size_t *len)
{
	int rc;

	*buf = NULL;
	*len = 0;
	if ((rc = check_private(path, 0, NULL)) != 0)
		return rc;
	return gmpki_file_read(path, max, buf, len);
}

static void
free_secret(unsigned char *buf, size_t len)
{
	if (buf != NULL) {
		gmpki_wipe(buf, len);
		free(buf);
	}
}

static int
fsync_dir(const char *path)
{
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW)) < 0)
		return GMPKI_ERR_IO;
	if (fsync(fd) != 0)
		rc = GMPKI_ERR_IO;
	close(fd);
	return rc;
}

/* A new file (never over an existing one), mode 0600, written and fsync'ed. */
static int
write_new(const char *path, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0)
		return errno == EEXIST ? GMPKI_ERR_EXISTS : GMPKI_ERR_IO;
	if (fchmod(fd, 0600) != 0)
		goto fail;
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0)
		return GMPKI_ERR_IO;
	return 0;
fail:
	close(fd);
	return GMPKI_ERR_IO;
}

/*
 * Overwrites a key file with zeros of its length and syncs before it is
 * unlinked.  Best effort: on SSDs and journaling or copy-on-write file
 * systems the old blocks may survive elsewhere (docs/HELPER-KEYS.md).
 */
static int
wipe_file(const char *path)
{
	static const unsigned char zero[4096];
	struct stat st;
	off_t left;
	ssize_t n;
	int fd, rc = GMPKI_ERR_IO;

	if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : GMPKI_ERR_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	for (left = st.st_size; left > 0; left -= n) {
		n = write(fd, zero, left > (off_t)sizeof(zero) ?
		    sizeof(zero) : (size_t)left);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			goto out;
	}
	if (fsync(fd) != 0)
		goto out;
	rc = 0;
out:
	close(fd);
	return rc;
}

/*
 * Removes an identity folder that is out of sight (a dot name): the key
 * is overwritten first, then every entry and the folder go.  Subfolders
 * are not ours and stop the removal (GMPKI_ERR_IO).
 */
static int
purge_dir(const char *path)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (ks_path(p, sizeof(p), path, "key.pem") != 0)
		return GMPKI_ERR_ARG;
	if (wipe_file(p) != 0)
		rc = GMPKI_ERR_IO;
	if ((d = opendir(path)) == NULL)
		return GMPKI_ERR_IO;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (ks_path(p, sizeof(p), path, de->d_name) != 0 ||
		    unlink(p) != 0)
			rc = GMPKI_ERR_IO;
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = GMPKI_ERR_IO;
	return rc;
}

/* mkdir -p with 0700 for every folder made; existing ones are kept. */
static int
mkdir_parents(const char *dir)
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

/* --- locking ------------------------------------------------------------ */

static int
ks_lock(helper_keystore *ks, int *fd)
{
	char path[PATH_MAX];
	struct stat st;
	int rc;

	*fd = -1;
	if ((rc = ks_path(path, sizeof(path), ks->dir, ".lock")) != 0)
		return rc;
	if ((rc = pthread_mutex_lock(&ks->mu)) != 0)
		return GMPKI_ERR_INTERNAL;
	if ((*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) < 0) {
		rc = GMPKI_ERR_IO;
		goto fail;
	}
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		rc = GMPKI_ERR_PERMISSION;
		goto fail;
	}
	while (flock(*fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			rc = GMPKI_ERR_IO;
			goto fail;
		}
	}
	return 0;
fail:
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	pthread_mutex_unlock(&ks->mu);
	return rc;
}

static void
ks_unlock(helper_keystore *ks, int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
	pthread_mutex_unlock(&ks->mu);
}

/* --- names ------------------------------------------------------------- */

static int
is_lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

static int
id_valid(const char *id)
{
	return id != NULL && strlen(id) == HELPER_ID_LEN &&
	    is_lower_hex(id, HELPER_ID_LEN);
}

/* [a-z0-9-]{1,63}: the reporting system's id in the signed directory. */
static int
rp_id_valid(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return n >= 1 && n <= KS_MAX_RP_ID;
}

/* 1 when s holds a control character (newlines included) or DEL. */
static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* --- the store key ------------------------------------------------------ */

static int
storekey_parse(const unsigned char *buf, size_t len, char out[])
{
	if (len == KS_STOREKEY_HEX + 1 && buf[KS_STOREKEY_HEX] == '\n')
		len--;
	if (len != KS_STOREKEY_HEX)
		return GMPKI_ERR_DECODE;
	memcpy(out, buf, KS_STOREKEY_HEX);
	out[KS_STOREKEY_HEX] = '\0';
	if (!is_lower_hex(out, KS_STOREKEY_HEX)) {
		gmpki_wipe(out, KS_STOREKEY_HEX);
		return GMPKI_ERR_DECODE;
	}
	return 0;
}

/* Reads DIR/.storekey, making it on first use (under the lock). */
static int
storekey_load(helper_keystore *ks)
{
	unsigned char rnd[KS_STOREKEY_BYTES], *buf = NULL;
	char path[PATH_MAX], hex[KS_STOREKEY_HEX + 2];
	size_t len = 0;
	int rc;

	if ((rc = ks_path(path, sizeof(path), ks->dir, ".storekey")) != 0)
		return rc;
	rc = read_private(path, KS_STOREKEY_HEX + 1, &buf, &len);
	if (rc == GMPKI_ERR_NOT_FOUND) {
		if ((rc = gmpki_random(rnd, sizeof(rnd))) != 0)
			return rc;
		gmpki_hex(rnd, sizeof(rnd), hex);
		gmpki_wipe(rnd, sizeof(rnd));
		hex[KS_STOREKEY_HEX] = '\n';
		/* excl: another process may have made one just now. */
		rc = gmpki_file_write(path, hex, KS_STOREKEY_HEX + 1, 0600, 1);
		gmpki_wipe(hex, sizeof(hex));
		if (rc != 0 && rc != GMPKI_ERR_EXISTS)
			return rc;
		if ((rc = fsync_dir(ks->dir)) != 0)
			return rc;
		rc = read_private(path, KS_STOREKEY_HEX + 1, &buf, &len);
	}
	if (rc == GMPKI_ERR_TOO_LARGE)
		rc = GMPKI_ERR_DECODE;
	if (rc == 0)
		rc = storekey_parse(buf, len, ks->storekey);
	free_secret(buf, len);
	return rc;
}

/* Removes identities/.tmp-* left by a crash in the middle of add or
 * delete (under the lock, so never one being written now). */
static void
clean_leftovers(helper_keystore *ks)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = opendir(ks->ids)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, KS_TMP_PREFIX,
		    strlen(KS_TMP_PREFIX)) != 0)
			continue;
		if (ks_path(path, sizeof(path), ks->ids, de->d_name) != 0 ||
		    lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			purge_dir(path);
		else
			unlink(path);
	}
	closedir(d);
}

/* --- open and close ---------------------------------------------------- */

static int
open_dir(const char *path)
{
	int rc = check_private(path, 1, NULL);

	if (rc == GMPKI_ERR_NOT_FOUND) {
		/* chmod: whatever the umask, the folder is 0700. */
		if (mkdir(path, 0700) == 0) {
			if (chmod(path, 0700) != 0)
				return GMPKI_ERR_IO;
		} else if (errno != EEXIST)
			return GMPKI_ERR_IO;
		rc = check_private(path, 1, NULL);
	}
	return rc;
}

int
helper_keystore_open(const char *dir, helper_keystore **out)
{
	helper_keystore *ks = NULL;
	char parent[PATH_MAX], *slash;
	int fd = -1, rc, have_mu = 0;

	if (out != NULL)
		*out = NULL;
	if (dir == NULL || *dir == '\0' || out == NULL)
		return GMPKI_ERR_ARG;
	/* The longest name below is identities/.tmp-XXXXXX/chain.pem. */
	if (strlen(dir) + 64 >= PATH_MAX)
		return GMPKI_ERR_ARG;
	if ((ks = calloc(1, sizeof(*ks))) == NULL)
		return GMPKI_ERR_NOMEM;
	snprintf(ks->dir, sizeof(ks->dir), "%s", dir);
	snprintf(ks->ids, sizeof(ks->ids), "%s/identities", dir);
	if (pthread_mutex_init(&ks->mu, NULL) != 0) {
		rc = GMPKI_ERR_INTERNAL;
		goto out;
	}
	have_mu = 1;

	/* XDG Base Directory: folders made for us are 0700. */
	if (check_private(dir, 1, NULL) == GMPKI_ERR_NOT_FOUND) {
		snprintf(parent, sizeof(parent), "%s", dir);
		if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
			*slash = '\0';
			if ((rc = mkdir_parents(parent)) != 0)
				goto out;
		}
	}
	if ((rc = open_dir(ks->dir)) != 0 || (rc = open_dir(ks->ids)) != 0)
		goto out;
	if ((rc = ks_lock(ks, &fd)) != 0)
		goto out;
	if ((rc = storekey_load(ks)) == 0)
		clean_leftovers(ks);
	ks_unlock(ks, fd);
	if (rc != 0)
		goto out;
	*out = ks;
	ks = NULL;
out:
	if (ks != NULL) {
		if (have_mu)
			pthread_mutex_destroy(&ks->mu);
		gmpki_wipe(ks, sizeof(*ks));
		free(ks);
	}
	return rc;
}

void
helper_keystore_close(helper_keystore *ks)
{
	if (ks == NULL)
		return;
	pthread_mutex_destroy(&ks->mu);
	gmpki_wipe(ks, sizeof(*ks));
	free(ks);
}

/* --- meta ---------------------------------------------------------------- */

enum {
	M_SERIAL, M_USERNAME, M_USCC, M_ORG, M_ISSUER, M_SERVICE, M_SM3,
	M_NOT_BEFORE, M_NOT_AFTER, M_CREATED_AT, M_HAS_PIN, M_COUNT
};

static const char *const meta_keys[M_COUNT] = {
	"serial", "username", "uscc", "org", "issuer", "service", "sm3",
	"not_before", "not_after", "created_at", "has_pin",
};

static int
meta_format(const struct helper_identity *m, char **out, size_t *outlen)
{
	char *buf;
	size_t cap = KS_MAX_META;
	int n;

	*out = NULL;
	if ((buf = malloc(cap)) == NULL)
		return GMPKI_ERR_NOMEM;
	n = snprintf(buf, cap,
	    "serial = %s\nusername = %s\nuscc = %s\norg = %s\nissuer = %s\n"
	    "service = %s\nsm3 = %s\nnot_before = %lld\nnot_after = %lld\n"
	    "created_at = %lld\nhas_pin = %d\n",
	    m->serial, m->username, m->uscc, m->org, m->issuer, m->service,
	    m->sm3_fp, (long long)m->not_before, (long long)m->not_after,
	    (long long)m->created_at, m->has_pin ? 1 : 0);
	if (n < 0 || (size_t)n >= cap) {
		free(buf);
		return GMPKI_ERR_INTERNAL;
	}
	*out = buf;
	*outlen = (size_t)n;
	return 0;
}

static int
copy_value(char *dst, size_t dstlen, const char *v, int may_be_empty)
{
	size_t n = strlen(v);

	if (n >= dstlen || (n == 0 && !may_be_empty) || has_ctrl(v))
		return GMPKI_ERR_DECODE;
	memcpy(dst, v, n + 1);
	return 0;
}

/* A decimal time_t, 0 or more, no sign, no leading zeros. */
static int
parse_time(const char *v, time_t *out)
{
	long long t = 0;
	size_t i, n = strlen(v);

	if (n == 0 || n > 15 || (v[0] == '0' && n > 1))
		return GMPKI_ERR_DECODE;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return GMPKI_ERR_DECODE;
		t = t * 10 + (v[i] - '0');
	}
	*out = (time_t)t;
	return 0;
}

static int
serial_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

static int
meta_set(struct helper_identity *m, int k, const char *v)
{
	switch (k) {
	case M_SERIAL:
		if (!serial_valid(v))
			return GMPKI_ERR_DECODE;
		return copy_value(m->serial, sizeof(m->serial), v, 0);
	case M_USERNAME:
		return copy_value(m->username, sizeof(m->username), v, 0);
	case M_USCC:
		return copy_value(m->uscc, sizeof(m->uscc), v, 1);
	case M_ORG:
		return copy_value(m->org, sizeof(m->org), v, 1);
	case M_ISSUER:
		return copy_value(m->issuer, sizeof(m->issuer), v, 0);
	case M_SERVICE:
		return copy_value(m->service, sizeof(m->service), v, 1);
	case M_SM3:
		if (strlen(v) != 64 || !is_lower_hex(v, 64))
			return GMPKI_ERR_DECODE;
		return copy_value(m->sm3_fp, sizeof(m->sm3_fp), v, 0);
	case M_NOT_BEFORE:
		return parse_time(v, &m->not_before);
	case M_NOT_AFTER:
		return parse_time(v, &m->not_after);
	case M_CREATED_AT:
		return parse_time(v, &m->created_at);
	case M_HAS_PIN:
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return GMPKI_ERR_DECODE;
		m->has_pin = v[0] == '1';
		return 0;
	}
	return GMPKI_ERR_DECODE;
}

/* Parses meta strictly: "key = value\n" lines, each key exactly once. */
static int
meta_parse(unsigned char *buf, size_t len, struct helper_identity *m)
{
	char *line, *nl, *end, *sep;
	int seen[M_COUNT] = { 0 }, k, rc;

	if (len == 0 || memchr(buf, '\0', len) != NULL ||
	    buf[len - 1] != '\n')
		return GMPKI_ERR_DECODE;	/* empty, binary or cut short */
	end = (char *)buf + len;
	for (line = (char *)buf; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		*nl = '\0';
		if ((sep = strstr(line, " = ")) == NULL)
			return GMPKI_ERR_DECODE;
		*sep = '\0';
		for (k = 0; k < M_COUNT; k++)
			if (strcmp(line, meta_keys[k]) == 0)
				break;
		if (k == M_COUNT || seen[k])
			return GMPKI_ERR_DECODE;
		seen[k] = 1;
		if ((rc = meta_set(m, k, sep + 3)) != 0)
			return rc;
	}
	for (k = 0; k < M_COUNT; k++)
		if (!seen[k])
			return GMPKI_ERR_DECODE;
	return 0;
}

/*
 * Fills the certificate-derived fields of m from info.  Values that do
 * not fit, or that hold control characters (a newline would forge a meta
 * line), are GMPKI_ERR_SUBJECT: such a certificate is refused, not cut.
 */
static int
meta_from_cert(const struct gmpki_cert_info *info,
    struct helper_identity *m)
{
	if (strlen(info->serial) >= sizeof(m->serial) ||
	    strlen(info->cn) >= sizeof(m->username) ||
	    strlen(info->uscc) >= sizeof(m->uscc) ||
	    strlen(info->org) >= sizeof(m->org) ||
	    strlen(info->issuer) >= sizeof(m->issuer) ||
	    has_ctrl(info->cn) || has_ctrl(info->uscc) ||
	    has_ctrl(info->org) || has_ctrl(info->issuer) ||
	    !serial_valid(info->serial) || info->cn[0] == '\0' ||
	    info->issuer[0] == '\0' || info->not_before < 0 ||
	    info->not_after < 0)
		return GMPKI_ERR_SUBJECT;
	/* Lengths checked above: plain copies (snprintf here trips GCC's
	 * -Wformat-truncation, which cannot see the checks). */
	memcpy(m->serial, info->serial, strlen(info->serial) + 1);
	memcpy(m->username, info->cn, strlen(info->cn) + 1);
	memcpy(m->uscc, info->uscc, strlen(info->uscc) + 1);
	memcpy(m->org, info->org, strlen(info->org) + 1);
	memcpy(m->issuer, info->issuer, strlen(info->issuer) + 1);
	if (strlen(info->sm3_fp) >= sizeof(m->sm3_fp))
		return GMPKI_ERR_SUBJECT;
	memcpy(m->sm3_fp, info->sm3_fp, strlen(info->sm3_fp) + 1);
	m->not_before = info->not_before;
	m->not_after = info->not_after;
	return 0;
}

/* --- reading an identity ----------------------------------------------- */

static int
certs_parse(const unsigned char *buf, size_t len, STACK_OF(X509) **out)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n')
			return gmpki_certs_from_mem(buf, len, out);
	/* No chain was given. */
	if ((*out = sk_X509_new_null()) == NULL)
		return GMPKI_ERR_NOMEM;
	return 0;
}

/*
 * Loads and checks identities/ID: folder and files private, meta strict,
 * the certificate whole, SM2, with the SM3 fingerprint the ID and meta
 * name and the fields meta holds, the chain parses, key.pem present and
 * within GMPKI_MAX_KEY_SIZE (it is not decrypted here: that may need the
 * PIN).  On failure idn holds only the ID.
 */
static int
identity_load(helper_keystore *ks, const char *id,
    struct helper_identity *idn, X509 **certp, STACK_OF(X509) **chainp)
{
	struct helper_identity m, c;
	struct gmpki_cert_info *info = NULL;
	unsigned char *buf = NULL;
	char dir[PATH_MAX], path[PATH_MAX];
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	struct stat st;
	size_t len = 0;
	int rc;

	memset(idn, 0, sizeof(*idn));
	snprintf(idn->id, sizeof(idn->id), "%s", id);
	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	if ((rc = ks_path(dir, sizeof(dir), ks->ids, id)) != 0)
		return rc;
	if ((rc = check_private(dir, 1, NULL)) != 0)
		return rc;

	if ((rc = ks_path(path, sizeof(path), dir, "meta")) != 0 ||
	    (rc = read_private(path, KS_MAX_META, &buf, &len)) != 0)
		goto out;
	rc = meta_parse(buf, len, &m);
	free(buf);
	buf = NULL;
	if (rc != 0)
		goto out;

	if ((rc = ks_path(path, sizeof(path), dir, "cert.pem")) != 0 ||
	    (rc = read_private(path, GMPKI_MAX_CERT_SIZE, &buf, &len)) != 0)
		goto out;
	rc = gmpki_cert_from_mem(buf, len, &cert);
	free(buf);
	buf = NULL;
	if (rc != 0)
		goto out;
	if ((info = malloc(sizeof(*info))) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	if ((rc = gmpki_cert_info_get(cert, info)) != 0)
		goto out;
	rc = GMPKI_ERR_DECODE;
	if (!info->is_sm2 || strcmp(info->sm3_fp, m.sm3_fp) != 0 ||
	    strncmp(info->sm3_fp, id, HELPER_ID_LEN) != 0)
		goto out;
	/* What meta says of the certificate must be what it holds. */
	if (meta_from_cert(info, &c) != 0 ||
	    strcmp(c.serial, m.serial) != 0 ||
	    strcmp(c.username, m.username) != 0 ||
	    strcmp(c.uscc, m.uscc) != 0 || strcmp(c.org, m.org) != 0 ||
	    strcmp(c.issuer, m.issuer) != 0 ||
	    c.not_before != m.not_before || c.not_after != m.not_after)
		goto out;

	if ((rc = ks_path(path, sizeof(path), dir, "chain.pem")) != 0 ||
	    (rc = read_private(path, GMPKI_MAX_CHAIN_SIZE, &buf, &len)) != 0)
		goto out;
	rc = certs_parse(buf, len, &chain);
	free(buf);
	buf = NULL;
	if (rc != 0)
		goto out;

	if ((rc = ks_path(path, sizeof(path), dir, "key.pem")) != 0 ||
	    (rc = check_private(path, 0, &st)) != 0)
		goto out;
	if (st.st_size > GMPKI_MAX_KEY_SIZE) {
		rc = GMPKI_ERR_TOO_LARGE;
		goto out;
	}

	*idn = m;
	snprintf(idn->id, sizeof(idn->id), "%s", id);
	if (certp != NULL) {
		*certp = cert;
		cert = NULL;
	}
	if (chainp != NULL) {
		*chainp = chain;
		chain = NULL;
	}
	rc = 0;
out:
	/* A file that vanished under a whole folder is damage, not absence. */
	if (rc == GMPKI_ERR_NOT_FOUND || rc == GMPKI_ERR_IO)
		rc = lstat(dir, &st) != 0 && errno == ENOENT ?
		    GMPKI_ERR_NOT_FOUND : GMPKI_ERR_DECODE;
	free(buf);
	free(info);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	ERR_clear_error();
	return rc;
}

/* --- add --------------------------------------------------------------- */

static int
write_identity_files(const char *tmp, const char *keypem, size_t keylen,
    X509 *cert, STACK_OF(X509) *chain, const struct helper_identity *m)
{
	char path[PATH_MAX], *pem = NULL, *all = NULL, *meta = NULL;
	size_t len = 0, alllen = 0, metalen = 0;
	int i, rc;

	if ((rc = ks_path(path, sizeof(path), tmp, "key.pem")) != 0 ||
	    (rc = write_new(path, keypem, keylen)) != 0)
		goto out;

	if ((rc = gmpki_cert_to_pem(cert, &pem, &len)) != 0)
		goto out;
	if ((rc = ks_path(path, sizeof(path), tmp, "cert.pem")) != 0 ||
	    (rc = write_new(path, pem, len)) != 0)
		goto out;
	free(pem);
	pem = NULL;

	/* chain.pem: as given (issuing CA, then root). */
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		char *grown;

		if ((rc = gmpki_cert_to_pem(sk_X509_value(chain, i), &pem,
		    &len)) != 0)
			goto out;
		if (alllen + len > GMPKI_MAX_CHAIN_SIZE) {
			rc = GMPKI_ERR_TOO_LARGE;
			goto out;
		}
		if ((grown = realloc(all, alllen + len + 1)) == NULL) {
			rc = GMPKI_ERR_NOMEM;
			goto out;
		}
		all = grown;
		memcpy(all + alllen, pem, len);
		alllen += len;
		free(pem);
		pem = NULL;
	}
	if ((rc = ks_path(path, sizeof(path), tmp, "chain.pem")) != 0 ||
	    (rc = write_new(path, all != NULL ? all : "", alllen)) != 0)
		goto out;

	if ((rc = meta_format(m, &meta, &metalen)) != 0)
		goto out;
	if ((rc = ks_path(path, sizeof(path), tmp, "meta")) != 0 ||
	    (rc = write_new(path, meta, metalen)) != 0)
		goto out;
	rc = fsync_dir(tmp);
out:
	free(pem);
	free(all);
	free(meta);
	return rc;
}

int
helper_keystore_add(helper_keystore *ks, EVP_PKEY *key, X509 *cert,
    STACK_OF(X509) *chain, const char *service, const char *pin,
    char id_out[HELPER_ID_LEN + 1])
{
	struct helper_identity m;
	struct gmpki_cert_info *info = NULL;
	char tmp[PATH_MAX], final[PATH_MAX], id[HELPER_ID_LEN + 1];
	char *keypem = NULL;
	const char *pass;
	size_t keylen = 0, passlen;
	EVP_PKEY *pub;
	struct stat st;
	int fd = -1, locked = 0, have_tmp = 0, i, rc;

	if (id_out != NULL)
		id_out[0] = '\0';
	if (ks == NULL || key == NULL || cert == NULL || id_out == NULL)
		return GMPKI_ERR_ARG;
	if (service == NULL)
		service = "";
	if (strlen(service) >= sizeof(m.service) || has_ctrl(service))
		return GMPKI_ERR_ARG;
	if (pin != NULL && *pin == '\0')
		pin = NULL;
	if (pin != NULL && strlen(pin) > GMPKI_MAX_PASS_LEN)
		return GMPKI_ERR_ARG;
	if ((pub = X509_get0_pubkey(cert)) == NULL) {
		ERR_clear_error();
		return GMPKI_ERR_DECODE;
	}
	if (!gmpki_sm2_is_sm2(pub) || !gmpki_sm2_is_sm2(key))
		return GMPKI_ERR_KEY_NOT_SM2;
	if (!gmpki_sm2_key_match(key, pub))
		return GMPKI_ERR_KEY_MISMATCH;
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		if (sk_X509_value(chain, i) == NULL)
			return GMPKI_ERR_ARG;

	memset(&m, 0, sizeof(m));
	if ((info = malloc(sizeof(*info))) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rc = gmpki_cert_info_get(cert, info)) != 0 ||
	    (rc = meta_from_cert(info, &m)) != 0)
		goto out;
	snprintf(m.service, sizeof(m.service), "%s", service);
	m.created_at = time(NULL);
	m.has_pin = pin != NULL;
	memcpy(id, info->sm3_fp, HELPER_ID_LEN);
	id[HELPER_ID_LEN] = '\0';
	snprintf(m.id, sizeof(m.id), "%s", id);
	if ((rc = ks_path(final, sizeof(final), ks->ids, id)) != 0 ||
	    (rc = ks_path(tmp, sizeof(tmp), ks->ids,
	    KS_TMP_PREFIX "XXXXXX")) != 0)
		goto out;
	/* Cheap refusal before the PBKDF2 below; checked again at rename. */
	if (lstat(final, &st) == 0) {
		rc = GMPKI_ERR_EXISTS;
		goto out;
	}

	pass = pin != NULL ? pin : ks->storekey;
	passlen = strlen(pass);
	if ((rc = gmpki_key_to_pem(key, pass, passlen,
	    GMPKI_PBKDF2_DEFAULT_ITER, &keypem, &keylen)) != 0)
		goto out;

	if ((rc = ks_lock(ks, &fd)) != 0)
		goto out;
	locked = 1;
	if (mkdtemp(tmp) == NULL) {
		rc = GMPKI_ERR_IO;
		goto out;
	}
	have_tmp = 1;
	if (chmod(tmp, 0700) != 0) {
		rc = GMPKI_ERR_IO;
		goto out;
	}
	if ((rc = write_identity_files(tmp, keypem, keylen, cert, chain,
	    &m)) != 0)
		goto out;
	/* rename() would replace an empty folder of that name: refuse any. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) != 0) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			rc = GMPKI_ERR_EXISTS;
		else if ((errno == EINVAL || errno == ENOSYS) &&
		    lstat(final, &st) != 0 && errno == ENOENT) {
			/* No RENAME_NOREPLACE here; the lock keeps our
			 * writers out, and the check above others. */
			rc = rename(tmp, final) == 0 ? 0 : GMPKI_ERR_IO;
		} else
			rc = GMPKI_ERR_IO;
		if (rc != 0)
			goto out;
	}
	have_tmp = 0;
	if ((rc = fsync_dir(ks->ids)) != 0)
		goto out;
	memcpy(id_out, id, HELPER_ID_LEN + 1);
	rc = 0;
out:
	if (have_tmp)
		purge_dir(tmp);
	if (locked)
		ks_unlock(ks, fd);
	if (keypem != NULL) {
		gmpki_wipe(keypem, keylen);
		free(keypem);
	}
	free(info);
	ERR_clear_error();
	return rc;
}

/* --- list, get, key ------------------------------------------------------ */

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The entries of identities/ but the dot ones, sorted. */
static int
list_names(helper_keystore *ks, char ***out, size_t *outn)
{
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	DIR *d;
	int rc = 0;

	*out = NULL;
	*outn = 0;
	if ((rc = check_private(ks->ids, 1, NULL)) != 0)
		return rc;
	if ((d = opendir(ks->ids)) == NULL)
		return GMPKI_ERR_IO;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == KS_MAX_IDS) {
			rc = GMPKI_ERR_TOO_LARGE;
			break;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((grown = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				rc = GMPKI_ERR_NOMEM;
				break;
			}
			names = grown;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = GMPKI_ERR_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc != 0) {
		free_names(names, n);
		return rc;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*outn = n;
	return 0;
}

int
helper_keystore_list(helper_keystore *ks,
    int (*fn)(void *arg, const struct helper_identity *idn, int rc),
    void *arg)
{
	struct helper_identity idn;
	char **names = NULL;
	size_t n = 0, i, j;
	int rc, lrc;

	if (ks == NULL || fn == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = list_names(ks, &names, &n)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (id_valid(names[i]))
			lrc = identity_load(ks, names[i], &idn, NULL, NULL);
		else {
			/* Not a name add() makes: shown, cut and made
			 * printable, so the user can find and remove it. */
			memset(&idn, 0, sizeof(idn));
			for (j = 0; j < HELPER_ID_LEN && names[i][j] != '\0';
			    j++)
				idn.id[j] = (names[i][j] > 0x20 &&
				    names[i][j] < 0x7f) ? names[i][j] : '?';
			lrc = GMPKI_ERR_DECODE;
		}
		if (lrc == GMPKI_ERR_NOT_FOUND)
			continue;	/* deleted since readdir */
		if ((rc = fn(arg, &idn, lrc)) != 0)
			break;
	}
	free_names(names, n);
	return rc;
}

int
helper_keystore_get(helper_keystore *ks, const char *id,
    struct helper_identity *idn, X509 **cert, STACK_OF(X509) **chain)
{
	struct helper_identity tmp;

	if (cert != NULL)
		*cert = NULL;
	if (chain != NULL)
		*chain = NULL;
	if (ks == NULL || !id_valid(id))
		return GMPKI_ERR_ARG;
	return identity_load(ks, id, idn != NULL ? idn : &tmp, cert, chain);
}

int
helper_keystore_key(helper_keystore *ks, const char *id, const char *pin,
    EVP_PKEY **out)
{
	struct helper_identity idn;
	unsigned char *buf = NULL;
	char path[PATH_MAX];
	const char *pass;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	size_t len = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (ks == NULL || !id_valid(id) || out == NULL)
		return GMPKI_ERR_ARG;
	if (pin != NULL && *pin == '\0')
		pin = NULL;
	if (pin != NULL && strlen(pin) > GMPKI_MAX_PASS_LEN)
		return GMPKI_ERR_PASSPHRASE;
	if ((rc = identity_load(ks, id, &idn, &cert, NULL)) != 0)
		return rc;
	if (idn.has_pin && pin == NULL) {
		rc = GMPKI_ERR_PASSPHRASE;
		goto out;
	}
	/* Without a PIN the store key opens it; a PIN given anyway is not
	 * what protects this key and is not used. */
	pass = idn.has_pin ? pin : ks->storekey;
	if ((rc = ks_path3(path, sizeof(path), ks->ids, id, "key.pem")) != 0)
		goto out;
	if ((rc = read_private(path, GMPKI_MAX_KEY_SIZE, &buf, &len)) != 0) {
		if (rc == GMPKI_ERR_NOT_FOUND || rc == GMPKI_ERR_IO)
			rc = GMPKI_ERR_DECODE;
		goto out;
	}
	/* A plain key where an encrypted one belongs was put there by
	 * someone else: refuse it. */
	if (len == 0 || !gmpki_key_is_encrypted(buf, len)) {
		rc = GMPKI_ERR_DECODE;
		goto out;
	}
	if ((rc = gmpki_key_from_mem(buf, len, pass, strlen(pass),
	    &key)) != 0)
		goto out;
	if (!gmpki_sm2_key_match(key, X509_get0_pubkey(cert))) {
		rc = GMPKI_ERR_KEY_MISMATCH;
		goto out;
	}
	*out = key;
	key = NULL;
out:
	free_secret(buf, len);
	EVP_PKEY_free(key);
	X509_free(cert);
	ERR_clear_error();
	return rc;
}

/* --- find_serial ------------------------------------------------------- */

/* Upper case, without leading zeros ("0" for zero); GMPKI_ERR_ARG if not hex. */
static int
serial_norm(const char *in, char *out, size_t outlen)
{
	size_t i, n;

	while (*in == '0' && in[1] != '\0')
		in++;
	n = strlen(in);
	if (n == 0 || n >= outlen)
		return GMPKI_ERR_ARG;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return GMPKI_ERR_ARG;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

int
helper_keystore_find_serial(helper_keystore *ks, const char *serial,
    char id_out[HELPER_ID_LEN + 1])
{
	struct helper_identity idn;
	char want[64], have[64], **names = NULL;
	size_t n = 0, i;
	int rc;

	if (id_out != NULL)
		id_out[0] = '\0';
	if (ks == NULL || serial == NULL || id_out == NULL)
		return GMPKI_ERR_ARG;
	/* 20 bytes at most (RFC 5280 §4.1.2.2), leading zeros aside. */
	if (strlen(serial) > 256 ||
	    (rc = serial_norm(serial, want, 41)) != 0)
		return GMPKI_ERR_ARG;
	if ((rc = list_names(ks, &names, &n)) != 0)
		return rc;
	rc = GMPKI_ERR_NOT_FOUND;
	for (i = 0; i < n; i++) {
		if (!id_valid(names[i]) ||
		    identity_load(ks, names[i], &idn, NULL, NULL) != 0)
			continue;
		if (serial_norm(idn.serial, have, sizeof(have)) == 0 &&
		    strcmp(have, want) == 0) {
			memcpy(id_out, idn.id, HELPER_ID_LEN + 1);
			rc = 0;
			break;
		}
	}
	free_names(names, n);
	return rc;
}

/* --- delete ---------------------------------------------------------------- */

int
helper_keystore_delete(helper_keystore *ks, const char *id)
{
	char path[PATH_MAX], gone[PATH_MAX];
	struct stat st;
	int fd = -1, rc;

	if (ks == NULL || !id_valid(id))
		return GMPKI_ERR_ARG;
	if ((rc = ks_path(path, sizeof(path), ks->ids, id)) != 0 ||
	    (rc = ks_path(gone, sizeof(gone), ks->ids,
	    KS_TMP_PREFIX "del-XXXXXX")) != 0)
		return rc;
	if ((rc = ks_lock(ks, &fd)) != 0)
		return rc;
	if (lstat(path, &st) != 0) {
		rc = errno == ENOENT ? GMPKI_ERR_NOT_FOUND : GMPKI_ERR_IO;
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = unlink(path) == 0 ? 0 : GMPKI_ERR_IO;
		goto out;
	}
	/*
	 * Out of sight first (one rename: readers see the identity whole or
	 * not at all), then the key overwritten and everything removed.  A
	 * crash in between leaves a .tmp-* folder that open() purges.
	 */
	if (mkdtemp(gone) == NULL) {
		rc = GMPKI_ERR_IO;
		goto out;
	}
	if (rename(path, gone) != 0) {
		rmdir(gone);
		rc = GMPKI_ERR_IO;
		goto out;
	}
	rc = purge_dir(gone);
	if (fsync_dir(ks->ids) != 0 && rc == 0)
		rc = GMPKI_ERR_IO;
out:
	ks_unlock(ks, fd);
	return rc;
}

/* --- remembered choices ----------------------------------------------------- */

struct choice {
	char rp[KS_MAX_RP_ID + 1];
	char id[HELPER_ID_LEN + 1];
};

struct choices {
	struct choice *c;
	size_t n;
};

static void
choices_free(struct choices *cs)
{
	free(cs->c);
	cs->c = NULL;
	cs->n = 0;
}

static struct choice *
choices_find(struct choices *cs, const char *rp)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].rp, rp) == 0)
			return &cs->c[i];
	return NULL;
}

/* DIR/choices, strictly: "rp_id=ID\n" lines, each rp_id once.  Absent:
 * no choices. */
static int
choices_load(helper_keystore *ks, struct choices *cs)
{
	char path[PATH_MAX], *line, *nl, *end, *eq;
	unsigned char *buf = NULL;
	size_t len = 0, lines = 0;
	int rc;

	memset(cs, 0, sizeof(*cs));
	if ((rc = ks_path(path, sizeof(path), ks->dir, "choices")) != 0)
		return rc;
	rc = read_private(path, KS_MAX_CHOICES, &buf, &len);
	if (rc == GMPKI_ERR_NOT_FOUND)
		return 0;
	if (rc != 0)
		return rc;
	rc = GMPKI_ERR_DECODE;
	if (memchr(buf, '\0', len) != NULL ||
	    (len > 0 && buf[len - 1] != '\n'))
		goto out;
	for (nl = (char *)buf; (nl = memchr(nl, '\n',
	    len - (size_t)(nl - (char *)buf))) != NULL; nl++)
		lines++;
	if (lines > 0 && (cs->c = calloc(lines, sizeof(*cs->c))) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	end = (char *)buf + len;
	for (line = (char *)buf; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		*nl = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			goto out;
		*eq = '\0';
		if (!rp_id_valid(line) || !id_valid(eq + 1) ||
		    choices_find(cs, line) != NULL)
			goto out;
		snprintf(cs->c[cs->n].rp, sizeof(cs->c[cs->n].rp), "%s", line);
		snprintf(cs->c[cs->n].id, sizeof(cs->c[cs->n].id), "%s",
		    eq + 1);
		cs->n++;
	}
	rc = 0;
out:
	if (rc != 0)
		choices_free(cs);
	free(buf);
	return rc;
}

/* Rewrites DIR/choices whole (temporary file, fsync, rename). */
static int
choices_save(helper_keystore *ks, const struct choices *cs)
{
	char path[PATH_MAX], *buf;
	size_t cap, off = 0, i;
	int n, rc;

	if ((rc = ks_path(path, sizeof(path), ks->dir, "choices")) != 0)
		return rc;
	cap = cs->n * (KS_MAX_RP_ID + HELPER_ID_LEN + 2) + 1;
	if ((buf = malloc(cap)) == NULL)
		return GMPKI_ERR_NOMEM;
	for (i = 0; i < cs->n; i++) {
		n = snprintf(buf + off, cap - off, "%s=%s\n", cs->c[i].rp,
		    cs->c[i].id);
		if (n < 0 || (size_t)n >= cap - off) {
			free(buf);
			return GMPKI_ERR_INTERNAL;
		}
		off += (size_t)n;
	}
	rc = gmpki_file_write(path, buf, off, 0600, 0);
	free(buf);
	if (rc == 0)
		rc = fsync_dir(ks->dir);
	return rc;
}

int
helper_keystore_remember(helper_keystore *ks, const char *rp_id,
    const char *id)
{
	struct choices cs = { NULL, 0 };
	struct choice *c, *grown;
	char path[PATH_MAX];
	struct stat st;
	int fd = -1, rc;

	if (ks == NULL || !rp_id_valid(rp_id) || !id_valid(id))
		return GMPKI_ERR_ARG;
	if ((rc = ks_path(path, sizeof(path), ks->ids, id)) != 0)
		return rc;
	if ((rc = ks_lock(ks, &fd)) != 0)
		return rc;
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = GMPKI_ERR_NOT_FOUND;
		goto out;
	}
	if ((rc = choices_load(ks, &cs)) != 0)
		goto out;
	if ((c = choices_find(&cs, rp_id)) == NULL) {
		if ((grown = realloc(cs.c, (cs.n + 1) * sizeof(*cs.c))) ==
		    NULL) {
			rc = GMPKI_ERR_NOMEM;
			goto out;
		}
		cs.c = grown;
		c = &cs.c[cs.n++];
		snprintf(c->rp, sizeof(c->rp), "%s", rp_id);
	}
	snprintf(c->id, sizeof(c->id), "%s", id);
	rc = choices_save(ks, &cs);
out:
	ks_unlock(ks, fd);
	choices_free(&cs);
	return rc;
}

/* Drops rp_id's choice when it still names id (under the lock). */
static int
forget_stale(helper_keystore *ks, const char *rp_id, const char *id)
{
	struct choices cs = { NULL, 0 };
	struct choice *c;
	int fd = -1, rc;

	if ((rc = ks_lock(ks, &fd)) != 0)
		return rc;
	if ((rc = choices_load(ks, &cs)) != 0)
		goto out;
	if ((c = choices_find(&cs, rp_id)) != NULL &&
	    strcmp(c->id, id) == 0) {
		*c = cs.c[cs.n - 1];
		cs.n--;
		rc = choices_save(ks, &cs);
	}
out:
	ks_unlock(ks, fd);
	choices_free(&cs);
	return rc;
}

int
helper_keystore_recall(helper_keystore *ks, const char *rp_id,
    char id_out[HELPER_ID_LEN + 1])
{
	struct choices cs = { NULL, 0 };
	struct choice *c;
	char path[PATH_MAX], id[HELPER_ID_LEN + 1];
	struct stat st;
	int rc;

	if (id_out != NULL)
		id_out[0] = '\0';
	if (ks == NULL || !rp_id_valid(rp_id) || id_out == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = choices_load(ks, &cs)) != 0)
		return rc;
	if ((c = choices_find(&cs, rp_id)) == NULL) {
		choices_free(&cs);
		return GMPKI_ERR_NOT_FOUND;
	}
	memcpy(id, c->id, sizeof(id));
	choices_free(&cs);
	if ((rc = ks_path(path, sizeof(path), ks->ids, id)) != 0)
		return rc;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT)
			return GMPKI_ERR_IO;
		/* The identity was deleted: the choice goes with it. */
		if ((rc = forget_stale(ks, rp_id, id)) != 0)
			return rc;
		return GMPKI_ERR_NOT_FOUND;
	}
	memcpy(id_out, id, sizeof(id));
	return 0;
}

int
helper_keystore_forget_all(helper_keystore *ks)
{
	char path[PATH_MAX];
	int fd = -1, rc;

	if (ks == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = ks_path(path, sizeof(path), ks->dir, "choices")) != 0)
		return rc;
	if ((rc = ks_lock(ks, &fd)) != 0)
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		rc = GMPKI_ERR_IO;
	else
		rc = fsync_dir(ks->dir);
	ks_unlock(ks, fd);
	return rc;
}
