/*
 * db_pool.c - a fixed set of database connections shared by the HTTP
 * threads.  get blocks on a condition variable until a connection is free;
 * a connection is used by one thread at a time (SQLite connections are
 * opened without their own mutex, db_sqlite.c).
 */
#include "db.h"

#include <pthread.h>
#include <stdlib.h>

#include "gmpki/error.h"
#include "svc_error.h"

#define DB_POOL_MAX 256

struct svc_db_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int size;
	int nfree;
	svc_db **all;	/* every connection, for close */
	svc_db **idle;	/* a stack of free ones: idle[0 .. nfree-1] */
};

int
svc_db_pool_open(const char *url, int size, svc_db_pool **out)
{
	svc_db_pool *p;
	int i, rc;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (size < 1 || size > DB_POOL_MAX)
		return GMPKI_ERR_ARG;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return GMPKI_ERR_NOMEM;
	p->all = calloc((size_t)size, sizeof(*p->all));
	p->idle = calloc((size_t)size, sizeof(*p->idle));
	if (p->all == NULL || p->idle == NULL) {
		free(p->all);
		free(p->idle);
		free(p);
		return GMPKI_ERR_NOMEM;
	}
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p->all);
		free(p->idle);
		free(p);
		return GMPKI_ERR_INTERNAL;
	}
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		free(p->all);
		free(p->idle);
		free(p);
		return GMPKI_ERR_INTERNAL;
	}
	for (i = 0; i < size; i++) {
		if ((rc = svc_db_open(url, &p->all[i])) != 0) {
			p->size = i;
			svc_db_pool_close(p);
			return rc;
		}
		p->idle[i] = p->all[i];
	}
	p->size = p->nfree = size;
	*out = p;
	return 0;
}

svc_db *
svc_db_pool_get(svc_db_pool *p)
{
	svc_db *db;

	if (p == NULL)
		return NULL;
	pthread_mutex_lock(&p->mu);
	while (p->nfree == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	db = p->idle[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return db;
}

void
svc_db_pool_put(svc_db_pool *p, svc_db *db)
{
	if (p == NULL || db == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->nfree < p->size) {
		p->idle[p->nfree++] = db;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
}

/* Every connection must have been put back. */
void
svc_db_pool_close(svc_db_pool *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->size; i++)
		svc_db_close(p->all[i]);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->all);
	free(p->idle);
	free(p);
}
