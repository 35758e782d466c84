/*
 * ipc.c - the Unix-socket protocol of the daemon (ipc.h): framing, the
 * socket's creation and peer check, and the commands.
 *
 * The socket's own mode is not a reliable guard on every system (some
 * ignore it on connect), so the folder is 0700 as well and the peer's
 * uid is checked with SO_PEERCRED on every connection.
 */
#include "ipc.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gmpki/gmpki.h"
#include "log.h"

static int
sun_fill(struct sockaddr_un *sun, const char *path)
{
	size_t len = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len == 0 || len >= sizeof(sun->sun_path))
		return GMPKI_ERR_ARG;
	memcpy(sun->sun_path, path, len + 1);
	return 0;
}

/* The folder of path must be ours and closed to others. */
static int
socket_dir_check(const char *path)
{
	char dir[PATH_MAX];
	const char *slash;
	struct stat st;
	int rc;

	if ((slash = strrchr(path, '/')) == NULL || slash == path)
		return GMPKI_ERR_ARG;
	if ((size_t)(slash - path) >= sizeof(dir))
		return GMPKI_ERR_ARG;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if ((rc = helper_mkdirs(dir, 0700)) != 0)
		return rc;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return GMPKI_ERR_IO;
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		return GMPKI_ERR_PERMISSION;
	return 0;
}

int
helper_ipc_listen(const char *path, int *fd_out)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd, rc;

	*fd_out = -1;
	if ((rc = sun_fill(&sun, path)) != 0)
		return rc;
	if ((rc = socket_dir_check(path)) != 0)
		return rc;
	/* The daemon holds the lock, so a socket left here is stale. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return GMPKI_ERR_EXISTS;
		if (unlink(path) != 0)
			return GMPKI_ERR_IO;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return GMPKI_ERR_IO;
	old = umask(077);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || chmod(path, 0600) != 0 || listen(fd, 16) != 0) {
		close(fd);
		return GMPKI_ERR_IO;
	}
	*fd_out = fd;
	return 0;
}

int
helper_ipc_peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 ||
	    len != sizeof(cr))
		return HELPER_ERR_PEER;
	return cr.uid == geteuid() ? 0 : HELPER_ERR_PEER;
}

int
helper_ipc_connect(const char *path, int *fd_out)
{
	struct sockaddr_un sun;
	int fd, rc;

	*fd_out = -1;
	if ((rc = sun_fill(&sun, path)) != 0)
		return rc;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return GMPKI_ERR_IO;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		rc = (errno == ENOENT || errno == ECONNREFUSED ||
		    errno == ENOTDIR) ? HELPER_ERR_NOT_RUNNING : GMPKI_ERR_IO;
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return GMPKI_ERR_IO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return GMPKI_ERR_IO;
		if (n == 0)
			return HELPER_ERR_PROTOCOL;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
helper_ipc_send(int fd, json_t *msg)
{
	unsigned char hdr[4];
	char *s;
	size_t len;
	int rc;

	if ((s = json_dumps(msg, JSON_COMPACT)) == NULL)
		return GMPKI_ERR_NOMEM;
	len = strlen(s);
	if (len == 0 || len > HELPER_IPC_MAX) {
		free(s);
		return GMPKI_ERR_TOO_LARGE;
	}
	hdr[0] = (unsigned char)(len >> 24);
	hdr[1] = (unsigned char)(len >> 16);
	hdr[2] = (unsigned char)(len >> 8);
	hdr[3] = (unsigned char)len;
	if ((rc = write_all(fd, hdr, sizeof(hdr))) == 0)
		rc = write_all(fd, s, len);
	gmpki_wipe(s, len);	/* an enroll request carries a ticket */
	free(s);
	return rc;
}

int
helper_ipc_recv(int fd, json_t **out)
{
	unsigned char hdr[4], *buf;
	json_error_t jerr;
	json_t *j;
	uint32_t len;
	int rc;

	*out = NULL;
	if ((rc = read_all(fd, hdr, sizeof(hdr))) != 0)
		return rc;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	/* The length is the peer's word: bounded before anything is kept. */
	if (len == 0 || len > HELPER_IPC_MAX)
		return HELPER_ERR_PROTOCOL;
	if ((buf = malloc(len)) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rc = read_all(fd, buf, len)) != 0) {
		free(buf);
		return rc;
	}
	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	gmpki_wipe(buf, len);
	free(buf);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return HELPER_ERR_PROTOCOL;
	}
	*out = j;
	return 0;
}

static void
set_timeouts(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs, .tv_usec = 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	tv.tv_sec = HELPER_IPC_IO_TIMEOUT;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int
helper_ipc_call(const char *path, json_t *req, int timeout_secs,
    json_t **resp)
{
	int fd, rc;

	*resp = NULL;
	if ((rc = helper_ipc_connect(path, &fd)) != 0)
		return rc;
	set_timeouts(fd, timeout_secs);
	if ((rc = helper_ipc_send(fd, req)) == 0)
		rc = helper_ipc_recv(fd, resp);
	close(fd);
	return rc;
}

/* ---- the daemon's side --------------------------------------------------- */

json_t *
helper_ipc_error(int code, const struct helper_msg *m)
{
	struct helper_msg tmp;

	if (m == NULL || m->zh[0] == '\0') {
		helper_msg_set(&tmp, code);
		m = &tmp;
	}
	return json_pack("{s:b, s:s, s:i, s:s, s:s}", "ok", 0,
	    "error", m->name[0] != '\0' ? m->name : helper_errname(code),
	    "code", code, "message", m->zh, "message_en", m->en);
}

static json_t *
ok_answer(void)
{
	return json_pack("{s:b}", "ok", 1);
}

/* A member that must be a non-empty string of at most max bytes. */
static const char *
str_arg(json_t *req, const char *name, size_t max)
{
	json_t *v = json_object_get(req, name);
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	if (s[0] == '\0' || json_string_length(v) > max)
		return NULL;
	return s;
}

static json_t *
identity_json(const struct helper_identity *idn, int rc, int local)
{
	json_t *o;

	if (rc != 0)
		return json_pack("{s:s, s:s, s:s, s:s}", "id", idn->id,
		    "local", helper_local_status_name(HELPER_LOCAL_CORRUPT),
		    "error", helper_errname(rc), "message", helper_strerror(rc));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, "
	    "s:I, s:s, s:b}",
	    "id", idn->id, "serial", idn->serial, "username", idn->username,
	    "uscc", idn->uscc, "org", idn->org, "issuer", idn->issuer,
	    "service", idn->service, "sm3", idn->sm3_fp,
	    "not_before", (json_int_t)idn->not_before,
	    "not_after", (json_int_t)idn->not_after,
	    "created_at", (json_int_t)idn->created_at,
	    "local", helper_local_status_name(local), "has_pin", idn->has_pin);
	return o;
}

static json_t *
cmd_ping(struct helper_ctx *h)
{
	int port;

	pthread_mutex_lock(&h->lock);
	port = h->cfg.port;
	pthread_mutex_unlock(&h->lock);
	return json_pack("{s:b, s:s, s:I, s:i, s:b}", "ok", 1,
	    "version", HELPER_VERSION, "pid", (json_int_t)getpid(),
	    "port", port, "http", h->http != NULL);
}

static json_t *
cmd_list(struct helper_ctx *h)
{
	struct helper_entry *e = NULL;
	struct helper_msg m;
	json_t *arr, *o;
	size_t n = 0, i;
	int rc;

	if ((rc = helper_op_list(h, &e, &n, &m)) != 0)
		return helper_ipc_error(rc, &m);
	if ((arr = json_array()) == NULL) {
		free(e);
		return NULL;
	}
	for (i = 0; i < n; i++)
		json_array_append_new(arr, identity_json(&e[i].idn, e[i].rc,
		    e[i].local));
	free(e);
	if ((o = ok_answer()) != NULL)
		json_object_set_new(o, "identities", arr);
	else
		json_decref(arr);
	return o;
}

static json_t *
cmd_show(struct helper_ctx *h, const char *id)
{
	struct helper_view v;
	struct helper_msg m;
	json_t *o;
	int rc;

	if ((rc = helper_op_show(h, id, &v, &m)) != 0)
		return helper_ipc_error(rc, &m);
	if ((o = ok_answer()) == NULL)
		return NULL;
	json_object_set_new(o, "identity", identity_json(&v.idn, 0, v.local));
	json_object_set_new(o, "subject", json_string(v.subject));
	json_object_set_new(o, "issuer", json_string(v.issuer));
	json_object_set_new(o, "sha256", json_string(v.sha256_fp));
	json_object_set_new(o, "ocsp_url", json_string(v.ocsp_url));
	return o;
}

static const char *
status_name(int st)
{
	switch (st) {
	case GMPKI_STATUS_GOOD:
		return "good";
	case GMPKI_STATUS_REVOKED:
		return "revoked";
	default:
		return "unknown";
	}
}

static json_t *
cmd_status(struct helper_ctx *h, const char *id)
{
	struct helper_online st;
	struct helper_msg m;
	int rc;

	if ((rc = helper_op_status(h, id, &st, &m)) != 0)
		return helper_ipc_error(rc, &m);
	return json_pack("{s:b, s:s, s:s, s:I, s:i, s:I, s:I, s:I, s:s}",
	    "ok", 1, "serial", st.serial, "status", status_name(st.status),
	    "revoked_at", (json_int_t)st.revoked_at, "reason", st.reason,
	    "this_update", (json_int_t)st.this_update,
	    "next_update", (json_int_t)st.next_update,
	    "not_after", (json_int_t)st.not_after,
	    "local", helper_local_status_name(st.local));
}

static json_t *
cmd_export(struct helper_ctx *h, const char *id, int der)
{
	struct helper_msg m;
	unsigned char *out = NULL;
	char *b64 = NULL;
	size_t len = 0;
	json_t *o = NULL;
	int rc;

	if ((rc = helper_op_export(h, id, der, &out, &len, &m)) != 0)
		return helper_ipc_error(rc, &m);
	if (!der) {
		o = json_pack("{s:b, s:s%}", "ok", 1, "pem", (char *)out, len);
	} else if ((b64 = malloc(4 * ((len + 2) / 3) + 1)) != NULL) {
		EVP_EncodeBlock((unsigned char *)b64, out, (int)len);
		o = json_pack("{s:b, s:s}", "ok", 1, "der", b64);
	}
	free(b64);
	free(out);
	return o;
}

static json_t *
cmd_enroll(struct helper_ctx *h, const char *ticket, const char *pin)
{
	struct helper_enrolled e;
	struct helper_msg m;
	int rc;

	if ((rc = helper_op_enroll(h, ticket, pin, &e, &m)) != 0)
		return helper_ipc_error(rc, &m);
	return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "ok", 1,
	    "id", e.id, "serial", e.serial, "username", e.username,
	    "org", e.org, "uscc", e.uscc, "not_before", (json_int_t)e.not_before,
	    "not_after", (json_int_t)e.not_after);
}

static json_t *
cmd_revoked(struct helper_ctx *h, const char *serial)
{
	char id[HELPER_ID_LEN + 1];
	struct helper_msg m;
	int rc;

	if ((rc = helper_op_forget_revoked(h, serial, id, &m)) != 0)
		return helper_ipc_error(rc, &m);
	return json_pack("{s:b, s:s}", "ok", 1, "id", id);
}

static json_t *
simple(int rc, const struct helper_msg *m)
{
	return rc == 0 ? ok_answer() : helper_ipc_error(rc, m);
}

int
helper_ipc_handle(struct helper_ctx *h, json_t *req, json_t **resp,
    int *stop_after)
{
	struct helper_msg m;
	const char *cmd, *arg;
	json_t *o = NULL;

	*resp = NULL;
	*stop_after = 0;
	memset(&m, 0, sizeof(m));
	if ((cmd = str_arg(req, "cmd", 32)) == NULL) {
		*resp = helper_ipc_error(HELPER_ERR_PROTOCOL, NULL);
		return *resp != NULL ? 0 : GMPKI_ERR_NOMEM;
	}
	if (strcmp(cmd, "ping") == 0) {
		o = cmd_ping(h);
	} else if (strcmp(cmd, "list") == 0) {
		o = cmd_list(h);
	} else if (strcmp(cmd, "clear") == 0) {
		o = simple(helper_op_clear(h, &m), &m);
	} else if (strcmp(cmd, "reload") == 0) {
		o = simple(helper_op_reload(h, &m), &m);
	} else if (strcmp(cmd, "shutdown") == 0) {
		helper_log(HELPER_LOG_INFO, "shutdown requested over the socket");
		*stop_after = 1;
		o = ok_answer();
	} else if (strcmp(cmd, "show") == 0 || strcmp(cmd, "status") == 0 ||
	    strcmp(cmd, "export") == 0 || strcmp(cmd, "delete") == 0) {
		if ((arg = str_arg(req, "id", 64)) == NULL)
			o = helper_ipc_error(GMPKI_ERR_ARG, NULL);
		else if (cmd[0] == 's' && cmd[1] == 'h')
			o = cmd_show(h, arg);
		else if (cmd[0] == 's')
			o = cmd_status(h, arg);
		else if (cmd[0] == 'e')
			o = cmd_export(h, arg,
			    json_is_true(json_object_get(req, "der")));
		else
			o = simple(helper_op_delete(h, arg, &m), &m);
	} else if (strcmp(cmd, "enroll") == 0) {
		const char *pin = NULL;

		/* An optional PIN (4 to 64 bytes) protects the new key. */
		if (json_object_get(req, "pin") != NULL &&
		    (pin = str_arg(req, "pin", 64)) != NULL &&
		    (strlen(pin) < 4 || strlen(pin) !=
		    json_string_length(json_object_get(req, "pin"))))
			pin = NULL;
		if ((arg = str_arg(req, "ticket", 256)) == NULL ||
		    (json_object_get(req, "pin") != NULL && pin == NULL))
			o = helper_ipc_error(GMPKI_ERR_ARG, NULL);
		else
			o = cmd_enroll(h, arg, pin);
	} else if (strcmp(cmd, "revoked") == 0) {
		if ((arg = str_arg(req, "serial", 64)) == NULL)
			o = helper_ipc_error(GMPKI_ERR_ARG, NULL);
		else
			o = cmd_revoked(h, arg);
	} else {
		helper_msg_set(&m, HELPER_ERR_PROTOCOL);
		snprintf(m.zh, sizeof(m.zh), "未知命令 %.32s", cmd);
		snprintf(m.en, sizeof(m.en), "unknown command %.32s", cmd);
		o = helper_ipc_error(HELPER_ERR_PROTOCOL, &m);
	}
	*resp = o;
	return o != NULL ? 0 : GMPKI_ERR_NOMEM;
}
