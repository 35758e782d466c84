/*
 * log.h - the daemon's log: one file (cfg.log_path, 0600), a line per
 * event "2026-11-25T17:03:30Z LEVEL message", rotated to FILE.1 when it
 * would grow past the configured size (one old file kept).  Thread-safe.
 * Before helper_log_open, or after helper_log_close, lines go to stderr:
 * the daemon's own foreground output, which systemd's journal keeps.
 * Never log secrets: keys, PINs, tickets, the console token.
 */
#ifndef HELPER_LOG_H
#define HELPER_LOG_H

enum helper_log_level {
	HELPER_LOG_ERROR = 0,
	HELPER_LOG_WARN,
	HELPER_LOG_INFO,
	HELPER_LOG_DEBUG,
};

/* Opens (appending, creating 0600) path; rotates past max_bytes (<= 0:
 * never).  GMPKI_ERR_IO when it cannot be opened. */
int helper_log_open(const char *path, long max_bytes);
void helper_log_close(void);

void helper_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
