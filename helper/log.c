/*
 * log.c - the daemon's log file, with size-based rotation (log.h).
 *
 * The file is reopened after a rotation by this process only; nothing else
 * writes it.  Rotation is rename(FILE, FILE.1) then a new FILE: a crash in
 * between leaves FILE.1 and no FILE, which the next line creates.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gmpki/error.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -1;
static long log_max;
static long log_size;
static char log_path[PATH_MAX];

static const char *const levels[] = { "ERROR", "WARN", "INFO", "DEBUG" };

static int
log_reopen(void)
{
	struct stat st;
	int fd;

	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0)
		return GMPKI_ERR_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return GMPKI_ERR_IO;
	}
	/* An old file made with a looser mode is tightened. */
	if ((st.st_mode & 077) != 0)
		(void)fchmod(fd, 0600);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	log_size = (long)st.st_size;
	return 0;
}

int
helper_log_open(const char *path, long max_bytes)
{
	int rc;

	if (path == NULL || strlen(path) >= sizeof(log_path) - 2)
		return GMPKI_ERR_ARG;
	pthread_mutex_lock(&log_lock);
	memcpy(log_path, path, strlen(path) + 1);
	log_max = max_bytes;
	rc = log_reopen();
	pthread_mutex_unlock(&log_lock);
	return rc;
}

void
helper_log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	pthread_mutex_unlock(&log_lock);
}

/* Called with the lock held: FILE -> FILE.1 (replacing it), new FILE. */
static void
log_rotate(void)
{
	char old[PATH_MAX + 2];
	int n;

	n = snprintf(old, sizeof(old), "%s.1", log_path);
	if (n < 0 || (size_t)n >= sizeof(old))
		return;
	if (rename(log_path, old) != 0 && errno != ENOENT)
		return;
	(void)log_reopen();
}

void
helper_log(int level, const char *fmt, ...)
{
	char line[2048], ts[32];
	struct tm tm;
	time_t now;
	va_list ap;
	size_t len;
	int n, i;

	if (level < HELPER_LOG_ERROR || level > HELPER_LOG_DEBUG)
		level = HELPER_LOG_INFO;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s %s ", ts, levels[level]);
	if (n < 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	/* One event, one line: control characters from peers are masked. */
	len = strlen(line);
	for (i = n; (size_t)i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[len++] = '\n';
	line[len] = '\0';

	pthread_mutex_lock(&log_lock);
	if (log_fd < 0) {
		(void)!write(STDERR_FILENO, line, len);
	} else {
		if (log_max > 0 && log_size > 0 &&
		    log_size + (long)len > log_max)
			log_rotate();
		if (write(log_fd, line, len) == (ssize_t)len)
			log_size += (long)len;
	}
	pthread_mutex_unlock(&log_lock);
}
