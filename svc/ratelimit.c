/*
 * ratelimit.c - login attempts per client address in fixed one-minute
 * windows, in memory.
 *
 * The table is bounded (RL_MAX entries) so a flood of addresses cannot
 * grow it: when it is full, entries of past windows are dropped (they
 * would start from zero anyway); if every entry is of the current window,
 * the one under a rotating hand is evicted.  Such a flood can thus make
 * the limiter forget some addresses; the per-account lockout (5 wrong
 * passwords) still holds for them.  Buckets are chosen by a hash keyed
 * with random bytes, so addresses cannot be picked to collide.
 */
#include "ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gmpki/gmpki.h"
#include "svc_error.h"

#define RL_MAX 65536
#define RL_BUCKETS 16384
#define RL_ADDR 64
#define RL_NONE (-1)

struct rl_entry {
	char addr[RL_ADDR];
	time_t window;
	int count;
	int32_t next;            /* in the bucket chain or the free list */
	int used;
};

struct svc_ratelimit {
	pthread_mutex_t lock;
	int per_minute;
	uint64_t key[2];
	int32_t buckets[RL_BUCKETS];
	struct rl_entry *e;      /* RL_MAX entries */
	int32_t free_list;
	size_t nused;
	size_t hand;             /* next eviction candidate */
	time_t swept;            /* window of the last sweep */
};

/* FNV-1a seeded with a random key, and a final avalanche: chains stay
 * short and an outsider cannot choose addresses that share a bucket. */
static uint32_t
rl_hash(const struct svc_ratelimit *rl, const char *addr)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ rl->key[0];
	const unsigned char *p;

	for (p = (const unsigned char *)addr; *p != '\0'; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= rl->key[1];
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)(h % RL_BUCKETS);
}

int
svc_ratelimit_new(int per_minute, struct svc_ratelimit **out)
{
	struct svc_ratelimit *rl;
	int32_t i;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (per_minute <= 0)
		return GMPKI_ERR_ARG;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rl->e = calloc(RL_MAX, sizeof(*rl->e))) == NULL) {
		free(rl);
		return GMPKI_ERR_NOMEM;
	}
	if (gmpki_random(rl->key, sizeof(rl->key)) != 0) {
		free(rl->e);
		free(rl);
		return GMPKI_ERR_CRYPTO;
	}
	rl->per_minute = per_minute;
	for (i = 0; i < RL_BUCKETS; i++)
		rl->buckets[i] = RL_NONE;
	for (i = 0; i < RL_MAX; i++)
		rl->e[i].next = i + 1 < RL_MAX ? i + 1 : RL_NONE;
	rl->free_list = 0;
	pthread_mutex_init(&rl->lock, NULL);
	*out = rl;
	return 0;
}

/* Unlinks entry i from its bucket chain and returns it to the free list. */
static void
rl_drop(struct svc_ratelimit *rl, int32_t i)
{
	int32_t *pp;

	pp = &rl->buckets[rl_hash(rl, rl->e[i].addr)];
	while (*pp != RL_NONE && *pp != i)
		pp = &rl->e[*pp].next;
	if (*pp == i)
		*pp = rl->e[i].next;
	memset(&rl->e[i], 0, sizeof(rl->e[i]));
	rl->e[i].next = rl->free_list;
	rl->free_list = i;
	rl->nused--;
}

/* Frees one entry when the table is full. */
static void
rl_make_room(struct svc_ratelimit *rl, time_t window)
{
	size_t i;

	if (rl->swept != window) {
		rl->swept = window;
		for (i = 0; i < RL_MAX; i++)
			if (rl->e[i].used && rl->e[i].window != window)
				rl_drop(rl, (int32_t)i);
	}
	if (rl->free_list != RL_NONE)
		return;
	rl->hand = (rl->hand + 1) % RL_MAX;
	rl_drop(rl, (int32_t)rl->hand);
}

int
svc_ratelimit_hit(struct svc_ratelimit *rl, const char *addr, time_t now)
{
	struct rl_entry *e = NULL;
	time_t window;
	uint32_t b;
	int32_t i;
	int rc = 0;

	if (rl == NULL || addr == NULL || strlen(addr) >= RL_ADDR)
		return GMPKI_ERR_ARG;
	window = now - now % 60;
	pthread_mutex_lock(&rl->lock);
	b = rl_hash(rl, addr);
	for (i = rl->buckets[b]; i != RL_NONE; i = rl->e[i].next)
		if (strcmp(rl->e[i].addr, addr) == 0) {
			e = &rl->e[i];
			break;
		}
	if (e == NULL) {
		if (rl->free_list == RL_NONE)
			rl_make_room(rl, window);
		i = rl->free_list;
		e = &rl->e[i];
		rl->free_list = e->next;
		memcpy(e->addr, addr, strlen(addr) + 1);
		e->used = 1;
		e->window = window;
		e->count = 0;
		e->next = rl->buckets[b];
		rl->buckets[b] = i;
		rl->nused++;
	}
	if (e->window != window) {
		e->window = window;
		e->count = 0;
	}
	if (e->count >= rl->per_minute)
		rc = SVC_ERR_RATE_LIMITED;
	else
		e->count++;
	pthread_mutex_unlock(&rl->lock);
	return rc;
}

void
svc_ratelimit_free(struct svc_ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->e);
	free(rl);
}
