/*
 * cmd_serve.c - certsvc serve --data DIR [--listen ADDR:PORT]
 *                             [--ca-pass-file FILE]
 *
 * Start-up order matters:
 *   1. the configuration;
 *   2. the signer process (fork) - before any thread exists, so that the
 *      child is a copy of a single-threaded process;
 *   3. SIGINT/SIGTERM blocked, so that every thread started later inherits
 *      the mask and only the main thread takes them (sigwait);
 *   4. database pool, certificates and delegated keys, rate limiter, the
 *      first CRL;
 *   5. the HTTP server, then exactly one line on stdout:
 *        certsvc: listening on http://ADDR:PORT
 *      (tests start `serve --listen 127.0.0.1:0` and read the port there);
 *   6. the housekeeping thread: expired sessions/tickets/captchas go every
 *      minute, the CRL is remade every crl_interval (and after a refresh
 *      that failed).
 * SIGTERM or SIGINT: stop accepting, let requests finish (svc_http_stop),
 * stop the housekeeping thread, end the signer, free, exit 0.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/x509.h>

#include "app.h"
#include "cmd.h"
#include "gmpki/gmpki.h"
#include "http.h"
#include "routes.h"
#include "service.h"
#include "settings.h"
#include "store.h"
#include "svc_error.h"

#define HK_PERIOD 60      /* seconds between housekeeping rounds */
#define MAX_HOSTS 8

struct serve {
	struct svc_app app;
	struct svc_http *http;
	pthread_t hk;
	int hk_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stopping;
};

int
cmd_listen_parse(const char *s, char *addr, size_t addrlen, int *port,
    int allow_zero)
{
	const char *host = s, *end, *colon, *p;
	size_t hlen;
	long v = 0;

	if (s == NULL)
		return -1;
	if (*s == '[') {
		host = s + 1;
		if ((end = strchr(host, ']')) == NULL || end[1] != ':')
			return -1;
		colon = end + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    memchr(s, ':', (size_t)(colon - s)) != NULL)
			return -1;
		end = colon;
	}
	hlen = (size_t)(end - host);
	if (hlen == 0 || hlen >= addrlen)
		return -1;
	for (p = host; p < end; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '/' || *p == '@')
			return -1;
	if (colon[1] == '\0')
		return -1;
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 65535)
			return -1;
	}
	if (v == 0 && !allow_zero)
		return -1;
	memcpy(addr, host, hlen);
	addr[hlen] = '\0';
	*port = (int)v;
	return 0;
}

static const char serve_usage[] = "usage: certsvc serve --data DIR "
    "[--listen ADDR:PORT] [--ca-pass-file FILE]\n";

/* Certificates, chain and delegated keys into app; *what names a failure. */
static int
load_app(struct svc_app *app, const char **what)
{
	const struct svc_config *c = &app->cfg;
	char path[PATH_MAX + 32];
	int rc;

	*what = "ca/root.pem";
	snprintf(path, sizeof(path), "%s/root.pem", c->ca_dir);
	if ((rc = gmpki_cert_load(path, &app->root)) != 0)
		return rc;
	*what = "ca/issuing.pem";
	snprintf(path, sizeof(path), "%s/issuing.pem", c->ca_dir);
	if ((rc = gmpki_cert_load(path, &app->issuing)) != 0)
		return rc;
	*what = "ca/chain.pem";
	snprintf(path, sizeof(path), "%s/chain.pem", c->ca_dir);
	if ((rc = gmpki_certs_load(path, &app->chain)) != 0)
		return rc;
	if (sk_X509_num(app->chain) != 2)
		return GMPKI_ERR_CERT_CHAIN;
	return svc_keys_load(app, what);
}

static void
free_app(struct svc_app *app)
{
	X509_free(app->root);
	X509_free(app->issuing);
	sk_X509_pop_free(app->chain, X509_free);
	svc_keys_free(app);
	svc_ratelimit_free(app->rl);
	svc_db_pool_close(app->pool);
	free(app->crl_der);
	app->crl_der = NULL;
}

/* ---- allowed Host headers (DNS rebinding defence, http.c) ----------- */

/* host, "[host]" for IPv6, with ":port" unless port is 0. */
static int
hosts_add(char **hosts, int *n, const char *host, int port)
{
	char buf[300];
	int v6 = strchr(host, ':') != NULL && host[0] != '[', len;

	if (*n >= MAX_HOSTS)
		return 0;
	if (port > 0)
		len = snprintf(buf, sizeof(buf), v6 ? "[%s]:%d" : "%s:%d",
		    host, port);
	else
		len = snprintf(buf, sizeof(buf), v6 ? "[%s]" : "%s", host);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return 0;
	if ((hosts[*n] = strdup(buf)) == NULL)
		return GMPKI_ERR_NOMEM;
	(*n)++;
	return 0;
}

/*
 * The listen address and localhost with the port; with port 0 (picked by
 * the kernel, as tests do) the names alone, which http.c matches with any
 * port - the name is what a rebinding attack changes.  And the public
 * URL's host[:port] as written, the name clients use behind a proxy.
 */
static int
hosts_build(const struct svc_config *c, char **hosts)
{
	const char *u = c->public_url, *h, *e;
	char host[256];
	int n = 0, rc = 0;

	rc |= hosts_add(hosts, &n, c->listen_addr, c->port);
	rc |= hosts_add(hosts, &n, "localhost", c->port);
	if (strcmp(c->listen_addr, "0.0.0.0") == 0 ||
	    strcmp(c->listen_addr, "::") == 0)
		rc |= hosts_add(hosts, &n, "127.0.0.1", c->port);
	if ((h = strstr(u, "://")) != NULL) {
		h += 3;
		e = h + strcspn(h, "/?#");
		if (e > h && (size_t)(e - h) < sizeof(host) &&
		    memchr(h, '@', (size_t)(e - h)) == NULL) {
			memcpy(host, h, (size_t)(e - h));
			host[e - h] = '\0';
			/* "name[:port]" or "[v6][:port]": taken as it is. */
			if (n < MAX_HOSTS &&
			    (hosts[n++] = strdup(host)) == NULL)
				rc = GMPKI_ERR_NOMEM;
		}
	}
	hosts[n] = NULL;
	return rc;
}

/* ---- housekeeping ---------------------------------------------------- */

/*
 * 1 when another process sharing the database (an operator's
 * `certsvc certs revoke`) has made a newer CRL than the cached one: the
 * served CRL must then be remade within a round, not after crl_interval.
 */
static int
crl_made_elsewhere(svc_db *db, int64_t cached)
{
	char v[32], *end;
	long long n;

	if (svc_setting_get(db, "crl_number", v, sizeof(v)) != 0)
		return 0;
	n = strtoll(v, &end, 10);
	return end != v && *end == '\0' && n > cached;
}

static void *
housekeeping(void *arg)
{
	struct serve *s = arg;
	struct svc_app *app = &s->app;
	struct timespec until;
	time_t now, made;
	int64_t number;
	svc_db *db;
	int period, rc;

	period = app->cfg.housekeeping_interval;
	if (period <= 0 || period > app->cfg.crl_interval)
		period = app->cfg.crl_interval < HK_PERIOD ?
		    app->cfg.crl_interval : HK_PERIOD;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += period;
		while (!s->stopping &&
		    pthread_cond_timedwait(&s->cond, &s->lock, &until) == 0)
			;
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		pthread_mutex_unlock(&s->lock);

		now = time(NULL);
		if ((db = svc_db_pool_get(app->pool)) == NULL)
			continue;
		(void)svc_store_expire(db, (int64_t)now);
		pthread_mutex_lock(&app->crl_lock);
		made = app->crl_made;
		number = app->crl_number;
		pthread_mutex_unlock(&app->crl_lock);
		if (made == 0 || now - made >= app->cfg.crl_interval ||
		    crl_made_elsewhere(db, number)) {
			if ((rc = svc_crl_refresh(app, db, now)) != 0)
				fprintf(stderr, "certsvc: serve: CRL: %s\n",
				    svc_strerror_en(rc));
		}
		svc_db_pool_put(app->pool, db);
		svc_keys_housekeeping(app, now);
	}
	return NULL;
}

int
cmd_serve_main(int argc, char **argv)
{
	const char *data = NULL, *listen = NULL, *passfile = NULL, *what = "";
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &data, NULL },
		{ "listen", 'l', 1, &listen, NULL },
		{ "ca-pass-file", 'p', 1, &passfile, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct serve *s = NULL;
	struct svc_app *app;
	struct svc_http_opts ho;
	char err[256], addr[64], *hosts[MAX_HOSTS + 1], *pass = NULL;
	size_t passlen = 0;
	sigset_t set;
	svc_db *db;
	int rc, port = 0, sig, i, status = CMD_FAIL, lock_ok = 0;

	if ((rc = cmd_getopt("serve", serve_usage, argc, argv, opts, NULL,
	    CMD_OPT_PLAIN)) != CMD_OK)
		return cmd_status(rc);
	if (optind != argc || data == NULL) {
		fputs(serve_usage, stderr);
		return CMD_USAGE;
	}
	if (listen != NULL && cmd_listen_parse(listen, addr, sizeof(addr),
	    &port, 1) != 0) {
		fprintf(stderr, "certsvc: serve: --listen: expected ADDR:PORT"
		    "\n");
		return CMD_USAGE;
	}
	memset(hosts, 0, sizeof(hosts));
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CMD_FAIL;
	app = &s->app;

	/* 1. configuration */
	if ((rc = svc_config_load(data, &app->cfg, err, sizeof(err))) != 0) {
		fprintf(stderr, "certsvc: serve: %s/certsvc.conf: %s\n", data,
		    err[0] != '\0' ? err : svc_strerror_en(rc));
		goto out;
	}
	if (listen != NULL) {
		snprintf(app->cfg.listen_addr, sizeof(app->cfg.listen_addr),
		    "%s", addr);
		app->cfg.port = port;
	}

	/* 2. the signer, while this process has one thread */
	if (passfile != NULL && (rc = gmpki_pass_file_read(passfile, &pass,
	    &passlen)) != 0) {
		fprintf(stderr, "certsvc: serve: %s: %s\n", passfile,
		    svc_strerror_en(rc));
		goto out;
	}
	rc = svc_signer_start(app->cfg.ca_dir, pass, passlen, &app->signer);
	if (pass != NULL) {
		gmpki_wipe(pass, passlen);
		free(pass);
	}
	if (rc != 0) {
		fprintf(stderr, "certsvc: serve: signer: %s: %s\n",
		    app->cfg.ca_dir, svc_strerror_en(rc));
		goto out;
	}

	/* 3. signals: taken by sigwait in this thread only */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/* 4. storage, keys, first CRL */
	pthread_mutex_init(&app->crl_lock, NULL);
	pthread_rwlock_init(&app->keys_lock, NULL);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	lock_ok = 1;
	if ((rc = svc_db_pool_open(app->cfg.database, app->cfg.threads + 2,
	    &app->pool)) != 0) {
		fprintf(stderr, "certsvc: serve: database: %s\n",
		    svc_strerror_en(rc));
		goto out;
	}
	if ((rc = load_app(app, &what)) != 0) {
		fprintf(stderr, "certsvc: serve: %s/%s: %s\n",
		    app->cfg.data_dir, what, svc_strerror_en(rc));
		goto out;
	}
	if ((rc = svc_ratelimit_new(app->cfg.rate_limit_per_minute,
	    &app->rl)) != 0) {
		fprintf(stderr, "certsvc: serve: %s\n", svc_strerror_en(rc));
		goto out;
	}
	db = svc_db_pool_get(app->pool);
	rc = db != NULL ? svc_db_migrate(db) : SVC_ERR_DB;
	if (rc == 0)
		rc = svc_crl_refresh(app, db, time(NULL));
	if (db != NULL)
		svc_db_pool_put(app->pool, db);
	if (rc != 0) {
		fprintf(stderr, "certsvc: serve: first CRL: %s\n",
		    svc_strerror_en(rc));
		goto out;
	}

	/* 5. HTTP */
	if ((rc = hosts_build(&app->cfg, hosts)) != 0)
		goto out;
	memset(&ho, 0, sizeof(ho));
	ho.listen_addr = app->cfg.listen_addr;
	ho.port = app->cfg.port;
	ho.threads = app->cfg.threads;
	ho.allowed_hosts = (const char **)hosts;
	ho.trusted_proxies = app->cfg.trusted_proxies;
	if ((rc = svc_http_start(&ho, svc_routes(), app, &s->http)) != 0) {
		fprintf(stderr, "certsvc: serve: cannot listen on %s:%d: %s\n",
		    app->cfg.listen_addr, app->cfg.port, svc_strerror_en(rc));
		goto out;
	}

	/* 6. housekeeping */
	if (pthread_create(&s->hk, NULL, housekeeping, s) != 0) {
		fprintf(stderr, "certsvc: serve: cannot start a thread\n");
		goto out;
	}
	s->hk_started = 1;

	printf(strchr(app->cfg.listen_addr, ':') != NULL ?
	    "certsvc: listening on http://[%s]:%d\n" :
	    "certsvc: listening on http://%s:%d\n", app->cfg.listen_addr,
	    svc_http_port(s->http));
	fflush(stdout);

	for (;;) {
		if (sigwait(&set, &sig) == 0 &&
		    (sig == SIGTERM || sig == SIGINT))
			break;
	}
	fprintf(stderr, "certsvc: serve: %s, stopping\n",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	status = CMD_OK;
out:
	if (s->http != NULL)
		svc_http_stop(s->http);
	if (s->hk_started) {
		pthread_mutex_lock(&s->lock);
		s->stopping = 1;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->hk, NULL);
	}
	svc_signer_stop(app->signer);
	free_app(app);
	if (lock_ok) {
		pthread_mutex_destroy(&app->crl_lock);
		pthread_rwlock_destroy(&app->keys_lock);
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->cond);
	}
	for (i = 0; hosts[i] != NULL; i++)
		free(hosts[i]);
	free(s);
	return status;
}
