/*
 * ratelimit.h - a per-client-address limit on login attempts (fixed
 * one-minute windows, in memory, thread-safe, bounded table).
 */
#ifndef SVC_RATELIMIT_H
#define SVC_RATELIMIT_H

#include <time.h>

struct svc_ratelimit;

int svc_ratelimit_new(int per_minute, struct svc_ratelimit **out);
/* 0 when addr may try now (and counts it), SVC_ERR_RATE_LIMITED if not. */
int svc_ratelimit_hit(struct svc_ratelimit *rl, const char *addr, time_t now);
void svc_ratelimit_free(struct svc_ratelimit *rl);

#endif
