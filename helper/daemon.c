/*
 * daemon.c - `certhelper daemon`: one per user, in the foreground (systemd
 * or `certhelper start` detach it).
 *
 *   lock     flock(LOCK_EX|LOCK_NB) on cfg.lock_path, held for the
 *            process's life: the kernel drops it when the process dies, so
 *            a crash never leaves a stale lock.  The file holds the pid.
 *   socket   cfg.socket_path, 0600 in a 0700 folder; one thread per
 *            connection (at most HELPER_MAX_CONN at once), each checked
 *            with SO_PEERCRED and given HELPER_IPC_IO_TIMEOUT to talk.
 *   token    runtime_dir/console-token (0600): a fresh random token per
 *            launch that the console pages demand (local_http.c).
 *   stop     SIGTERM, SIGINT or the "shutdown" command: the socket and the
 *            HTTP server close, running requests finish (up to 30 s), the
 *            token file is removed, and the lock goes with the process.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gmpki/gmpki.h"
#include "ipc.h"
#include "log.h"

#define HELPER_MAX_CONN 16
#define HELPER_DRAIN_SECS 30

static volatile sig_atomic_t *stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	if (stop_flag != NULL)
		*stop_flag = 1;
}

int
helper_mkdirs(const char *dir, int mode)
{
	char p[PATH_MAX];
	struct stat st;
	size_t i, len = strlen(dir);

	if (len == 0 || len >= sizeof(p))
		return GMPKI_ERR_ARG;
	memcpy(p, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
			return GMPKI_ERR_IO;
		if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
			return GMPKI_ERR_IO;
		if (i < len)
			p[i] = '/';
	}
	return 0;
}

/* The parent folder of path, made 0700 when absent. */
static int
mkparent(const char *path)
{
	char d[PATH_MAX];
	const char *s = strrchr(path, '/');

	if (s == NULL || s == path || (size_t)(s - path) >= sizeof(d))
		return GMPKI_ERR_ARG;
	memcpy(d, path, (size_t)(s - path));
	d[s - path] = '\0';
	return helper_mkdirs(d, 0700);
}

/* ---- the lock --------------------------------------------------------------- */

static int
lock_take(const struct helper_config *cfg, int *fd_out)
{
	char pid[32];
	int fd, n, rc;

	*fd_out = -1;
	if ((rc = mkparent(cfg->lock_path)) != 0)
		return rc;
	fd = open(cfg->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return GMPKI_ERR_IO;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? HELPER_ERR_RUNNING : GMPKI_ERR_IO;
		close(fd);
		return rc;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		close(fd);
		return GMPKI_ERR_IO;
	}
	*fd_out = fd;
	return 0;
}

int
helper_daemon_running(const struct helper_config *cfg)
{
	int fd, rc;

	fd = open(cfg->lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : GMPKI_ERR_IO;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		rc = 0;
	} else {
		rc = errno == EWOULDBLOCK ? 1 : GMPKI_ERR_IO;
	}
	close(fd);	/* drops our shared lock, if we got it */
	return rc;
}

/* ---- the console token -------------------------------------------------------- */

static int
token_path(const struct helper_config *cfg, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/console-token", cfg->runtime_dir);

	return (n < 0 || (size_t)n >= len) ? GMPKI_ERR_ARG : 0;
}

static int
token_make(struct helper_ctx *h)
{
	unsigned char raw[32];
	char b64[48], path[PATH_MAX + 16];
	size_t i, j;
	int rc;

	if ((rc = gmpki_random(raw, sizeof(raw))) != 0)
		return rc;
	EVP_EncodeBlock((unsigned char *)b64, raw, sizeof(raw));
	gmpki_wipe(raw, sizeof(raw));
	/* base64url without padding: safe in a URL query. */
	for (i = 0, j = 0; b64[i] != '\0' && b64[i] != '='; i++)
		h->console_token[j++] = b64[i] == '+' ? '-' :
		    b64[i] == '/' ? '_' : b64[i];
	h->console_token[j] = '\0';
	gmpki_wipe(b64, sizeof(b64));
	if (j != HELPER_TOKEN_LEN)
		return GMPKI_ERR_INTERNAL;
	if ((rc = token_path(&h->cfg, path, sizeof(path))) != 0)
		return rc;
	return gmpki_file_write(path, h->console_token, HELPER_TOKEN_LEN, 0600,
	    0);
}

int
helper_console_token_read(const struct helper_config *cfg,
    char out[HELPER_TOKEN_LEN + 1])
{
	char path[PATH_MAX + 16];
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if ((rc = token_path(cfg, path, sizeof(path))) != 0 ||
	    (rc = gmpki_file_read(path, 256, &buf, &len)) != 0)
		return rc;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len != HELPER_TOKEN_LEN) {
		gmpki_wipe(buf, len);
		free(buf);
		return GMPKI_ERR_DECODE;
	}
	memcpy(out, buf, HELPER_TOKEN_LEN);
	out[HELPER_TOKEN_LEN] = '\0';
	gmpki_wipe(buf, len);
	free(buf);
	return 0;
}

/* ---- connections ---------------------------------------------------------------- */

static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conn_done = PTHREAD_COND_INITIALIZER;
static int conn_active;

struct conn {
	struct helper_ctx *h;
	int fd;
};

static void *
conn_main(void *arg)
{
	struct conn *c = arg;
	struct timeval tv = { .tv_sec = HELPER_IPC_IO_TIMEOUT, .tv_usec = 0 };
	json_t *req = NULL, *resp = NULL;
	int stop_after = 0, rc;

	(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((rc = helper_ipc_recv(c->fd, &req)) != 0) {
		helper_log(HELPER_LOG_WARN, "socket: bad request: %s",
		    helper_errname(rc));
		resp = helper_ipc_error(HELPER_ERR_PROTOCOL, NULL);
	} else if (helper_ipc_handle(c->h, req, &resp, &stop_after) != 0) {
		resp = helper_ipc_error(GMPKI_ERR_NOMEM, NULL);
	}
	if (resp != NULL)
		(void)helper_ipc_send(c->fd, resp);
	json_decref(req);
	json_decref(resp);
	close(c->fd);
	if (stop_after)
		c->h->stop = 1;
	free(c);
	pthread_mutex_lock(&conn_lock);
	conn_active--;
	pthread_cond_broadcast(&conn_done);
	pthread_mutex_unlock(&conn_lock);
	return NULL;
}

static void
conn_accept(struct helper_ctx *h, int lfd)
{
	pthread_attr_t attr;
	pthread_t t;
	struct conn *c;
	int fd, busy;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (helper_ipc_peer_ok(fd) != 0) {
		helper_log(HELPER_LOG_WARN,
		    "socket: connection from another user refused");
		close(fd);
		return;
	}
	pthread_mutex_lock(&conn_lock);
	busy = conn_active >= HELPER_MAX_CONN;
	if (!busy)
		conn_active++;
	pthread_mutex_unlock(&conn_lock);
	if (busy || (c = malloc(sizeof(*c))) == NULL) {
		if (!busy) {
			pthread_mutex_lock(&conn_lock);
			conn_active--;
			pthread_mutex_unlock(&conn_lock);
		}
		close(fd);
		return;
	}
	c->h = h;
	c->fd = fd;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, conn_main, c) != 0) {
		close(fd);
		free(c);
		pthread_mutex_lock(&conn_lock);
		conn_active--;
		pthread_mutex_unlock(&conn_lock);
	}
	pthread_attr_destroy(&attr);
}

/* Waits for the running requests (an enroll may wait on the service);
 * returns how many are still running. */
static int
conn_drain(void)
{
	int left;

	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HELPER_DRAIN_SECS;
	pthread_mutex_lock(&conn_lock);
	while (conn_active > 0)
		if (pthread_cond_timedwait(&conn_done, &conn_lock, &until) ==
		    ETIMEDOUT)
			break;
	left = conn_active;
	pthread_mutex_unlock(&conn_lock);
	return left;
}

/* ---- the daemon ----------------------------------------------------------------- */

static void
msg_path(struct helper_msg *m, int code, const char *what, const char *path)
{
	helper_msg_set(m, code);
	if (m == NULL || code == HELPER_ERR_RUNNING)
		return;
	snprintf(m->zh, sizeof(m->zh), "%s %s: %s", what, path,
	    helper_strerror(code));
	snprintf(m->en, sizeof(m->en), "%s: %s", path,
	    helper_strerror_en(code));
}

int
helper_daemon_run(struct helper_config *cfg, struct helper_msg *m)
{
	struct helper_ctx *h;
	struct sigaction sa;
	struct pollfd pfd;
	char tpath[PATH_MAX + 16];
	int lock_fd = -1, lfd = -1, rc;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return GMPKI_ERR_NOMEM;
	h->cfg = *cfg;
	pthread_mutex_init(&h->lock, NULL);

	if ((rc = lock_take(&h->cfg, &lock_fd)) != 0) {
		msg_path(m, rc, "锁文件", h->cfg.lock_path);
		goto out;
	}
	if ((rc = mkparent(h->cfg.log_path)) != 0 ||
	    (rc = helper_log_open(h->cfg.log_path, h->cfg.log_max_bytes)) != 0) {
		msg_path(m, rc, "日志文件", h->cfg.log_path);
		goto out;
	}
	helper_log(HELPER_LOG_INFO, "certhelper %s starting, pid %ld",
	    HELPER_VERSION, (long)getpid());
	if ((rc = mkparent(h->cfg.keystore_dir)) != 0 ||
	    (rc = helper_keystore_open(h->cfg.keystore_dir, &h->ks)) != 0) {
		helper_log(HELPER_LOG_ERROR, "keystore %s: %s",
		    h->cfg.keystore_dir, helper_errname(rc));
		msg_path(m, rc, "证书库", h->cfg.keystore_dir);
		goto out;
	}
	/* A root that does not load is not fatal: list, show, export and
	 * delete still work; enroll and status say why they cannot. */
	if ((rc = helper_root_load(&h->cfg, &h->root)) != 0)
		helper_log(HELPER_LOG_ERROR, "pinned root: %s",
		    helper_errname(rc));
	else if (h->root == NULL)
		helper_log(HELPER_LOG_WARN, "no service set up yet "
		    "(certhelper setup --service URL --root-sm3 HEX)");
	if ((rc = helper_mkdirs(h->cfg.runtime_dir, 0700)) != 0 ||
	    (rc = token_make(h)) != 0) {
		helper_log(HELPER_LOG_ERROR, "console token: %s",
		    helper_errname(rc));
		msg_path(m, rc, "运行目录", h->cfg.runtime_dir);
		goto out;
	}
	if ((rc = helper_ipc_listen(h->cfg.socket_path, &lfd)) != 0) {
		helper_log(HELPER_LOG_ERROR, "socket %s: %s",
		    h->cfg.socket_path, helper_errname(rc));
		msg_path(m, rc, "套接字", h->cfg.socket_path);
		goto out;
	}

	stop_flag = &h->stop;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	/* The signed reporting-system directory (or the saved copy when the
	 * service cannot be reached); failures are logged inside. */
	if (h->root != NULL)
		(void)helper_directory_fetch(h, NULL);
	if ((rc = helper_http_start(h)) != 0)
		helper_log(HELPER_LOG_ERROR, "loopback HTTP on port %d: %s "
		    "(the socket keeps working)", h->cfg.port,
		    helper_errname(rc));
	helper_log(HELPER_LOG_INFO, "listening on %s", h->cfg.socket_path);

	pfd.fd = lfd;
	pfd.events = POLLIN;
	while (!h->stop) {
		/* The timeout bounds how long a stop request waits. */
		if (poll(&pfd, 1, 200) > 0 && (pfd.revents & POLLIN))
			conn_accept(h, lfd);
		/* systems registered since the last fetch (bounded by the
		 * fetch's timeout; the HTTP threads go on meanwhile) */
		(void)helper_directory_refresh_if_older(h, HELPER_DIR_REFRESH);
	}
	helper_log(HELPER_LOG_INFO, "stopping");
	close(lfd);
	lfd = -1;
	unlink(h->cfg.socket_path);
	helper_http_stop(h);
	if (token_path(&h->cfg, tpath, sizeof(tpath)) == 0)
		unlink(tpath);
	if (conn_drain() > 0) {
		/* A request still holds h: leave it to the exit that follows
		 * rather than free it under the thread. */
		helper_log(HELPER_LOG_WARN, "stopped with requests running");
		helper_log_close();
		close(lock_fd);
		return 0;
	}
	helper_log(HELPER_LOG_INFO, "stopped");
	rc = 0;
out:
	stop_flag = NULL;
	if (lfd >= 0)
		close(lfd);
	helper_keystore_close(h->ks);
	X509_free(h->root);
	helper_directory_free(h->dir);
	helper_log_close();
	gmpki_wipe(h->console_token, sizeof(h->console_token));
	pthread_mutex_destroy(&h->lock);
	free(h);
	if (lock_fd >= 0)
		close(lock_fd);	/* releases the lock */
	return rc;
}
