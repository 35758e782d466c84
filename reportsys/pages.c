/*
 * pages.c - reportsys's HTTP side: the login page, the hand-over to the
 * certificate helper's 客户身份验证 window, the return URL that verifies
 * the posted login with libcertauth, the landing page 直报系统, logout.
 *
 * Two cookies, both HttpOnly, Path=/:
 *   rs_login    the short session between a right password and the
 *               helper's answer (login_ttl).  The helper posts from its
 *               own origin, so on an https reporting system this cookie
 *               must be SameSite=None; Secure (the statement, not the
 *               cookie, is what authenticates; the challenge is bound to
 *               this id).  On http://127.0.0.1 the helper's page is
 *               same-site and Strict works.
 *   rs_session  the logged-in session: SameSite=Strict, always.
 * The login form carries a double-submit CSRF token (cookie rs_form);
 * logout carries the session's CSRF token.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gmpki/gmpki.h"
#include "http.h"
#include "page.h"
#include "ratelimit.h"
#include "reportsys.h"
#include "svc_error.h"

#define RS_RETURN_MAX (256 * 1024)
#define RS_FORM_MAX 4096
#define RS_MAX_VARS 24

enum rs_state { RS_FREE = 0, RS_PRE, RS_IN };

struct rs_session {
	int state;
	char id[RS_SECRET_LEN + 1];
	char csrf[RS_SECRET_LEN + 1];
	char username[RS_MAX_USERNAME + 1];
	time_t expires;
	/* pre-login: the pending challenge (one per session, so reloading
	 * the hand-over page cannot fill libcertauth's table) */
	char challenge[CERTAUTH_CHALLENGE_LEN + 1];
	time_t challenge_at;
	/* logged in: from the verified certificate */
	char org[512];
	char uscc[40];
	char serial[80];
	time_t not_before, not_after;
	int days_left;
	int expiring;
	int revocation_checked;
};

/* Wrong passwords in a row, and the end of a running lockout. */
struct rs_lockout {
	int failed;
	time_t locked_until;
};

struct rs_server {
	const struct rs_config *cfg;
	certauth_ctx *ca;
	struct rs_accounts accounts;
	struct svc_ratelimit *rl;
	pthread_mutex_t lock;
	struct rs_session *sess;      /* cfg->max_sessions */
	struct rs_lockout *lockout;   /* per account, accounts.n */
	int https;
};

static struct rs_server *
srv(struct svc_req *r)
{
	return r->user;
}

/* ------------------------------------------------------------------ */
/* secrets, sessions                                                     */

static int
secret_make(char out[RS_SECRET_LEN + 1])
{
	unsigned char raw[32];
	char *b64 = NULL;
	int rc;

	if ((rc = gmpki_random(raw, sizeof(raw))) != 0)
		return rc;
	rc = certauth_b64url_encode(raw, sizeof(raw), &b64);
	gmpki_wipe(raw, sizeof(raw));
	if (rc != 0)
		return GMPKI_ERR_INTERNAL;
	if (strlen(b64) != RS_SECRET_LEN) {
		free(b64);
		return GMPKI_ERR_INTERNAL;
	}
	memcpy(out, b64, RS_SECRET_LEN + 1);
	gmpki_wipe(b64, RS_SECRET_LEN);
	free(b64);
	return 0;
}

static int
secret_eq(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL || (n = strlen(a)) == 0 || strlen(b) != n)
		return 0;
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* The session with this id and state (copied into out); 0 when found. */
static int
session_get(struct rs_server *s, const char *id, int state,
    struct rs_session *out)
{
	time_t now = time(NULL);
	int i, found = -1;

	if (id == NULL || strlen(id) != RS_SECRET_LEN)
		return -1;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->cfg->max_sessions; i++) {
		struct rs_session *e = &s->sess[i];

		if (e->state == RS_FREE)
			continue;
		if (e->expires <= now) {
			gmpki_wipe(e, sizeof(*e));
			continue;
		}
		if (e->state == state && secret_eq(e->id, id))
			found = i;
	}
	if (found >= 0)
		*out = s->sess[found];
	pthread_mutex_unlock(&s->lock);
	return found >= 0 ? 0 : -1;
}

static void
session_drop(struct rs_server *s, const char *id)
{
	int i;

	if (id == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->cfg->max_sessions; i++)
		if (s->sess[i].state != RS_FREE && secret_eq(s->sess[i].id, id))
			gmpki_wipe(&s->sess[i], sizeof(s->sess[i]));
	pthread_mutex_unlock(&s->lock);
}

/*
 * The session's pending challenge into out: the one it has while it is
 * younger than CERTAUTH_CHALLENGE_TTL - 30 s (time left to choose in the
 * window), else a new one.
 */
static int
session_challenge(struct rs_server *s, const struct rs_session *e,
    char out[CERTAUTH_CHALLENGE_LEN + 1])
{
	time_t now = time(NULL);
	int i, rc;

	if (e->challenge[0] != '\0' && now >= e->challenge_at &&
	    now - e->challenge_at < CERTAUTH_CHALLENGE_TTL - 30) {
		memcpy(out, e->challenge, CERTAUTH_CHALLENGE_LEN + 1);
		return 0;
	}
	if ((rc = certauth_challenge_new(s->ca, e->id, out)) != 0)
		return rc;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->cfg->max_sessions; i++)
		if (s->sess[i].state == RS_PRE &&
		    secret_eq(s->sess[i].id, e->id)) {
			memcpy(s->sess[i].challenge, out,
			    CERTAUTH_CHALLENGE_LEN + 1);
			s->sess[i].challenge_at = now;
		}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Stores e with fresh id and csrf (filled into e); 0 or an error. */
static int
session_put(struct rs_server *s, struct rs_session *e, int ttl)
{
	time_t now = time(NULL);
	int i, slot = -1, rc;

	if ((rc = secret_make(e->id)) != 0 || (rc = secret_make(e->csrf)) != 0)
		return rc;
	e->expires = now + ttl;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->cfg->max_sessions && slot < 0; i++)
		if (s->sess[i].state == RS_FREE || s->sess[i].expires <= now)
			slot = i;
	if (slot >= 0)
		s->sess[slot] = *e;
	pthread_mutex_unlock(&s->lock);
	return slot >= 0 ? 0 : SVC_ERR_RATE_LIMITED;
}

/* Set-Cookie: see the file comment.  max_age 0 deletes. */
static int
cookie(struct svc_resp *w, struct rs_server *s, const char *name,
    const char *value, int max_age, int cross_site)
{
	char line[256];

	snprintf(line, sizeof(line), "%s=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=%s%s", name, max_age == 0 ? "" : value, max_age,
	    cross_site && s->https ? "None" : "Strict",
	    s->https ? "; Secure" : "");
	return svc_resp_header(w, "Set-Cookie", line);
}

/* ------------------------------------------------------------------ */
/* pages                                                                 */

struct rs_vars {
	struct svc_var v[RS_MAX_VARS];
	size_t n;
};

static void
var(struct rs_vars *vs, const char *k, const char *v)
{
	if (vs->n < RS_MAX_VARS) {
		vs->v[vs->n].key = k;
		vs->v[vs->n].value = v != NULL ? v : "";
		vs->n++;
	}
}

static int
is_en(const struct svc_req *r)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0;
}

static const char *
T(struct svc_req *r, const char *key)
{
	return svc_t(is_en(r) ? "en" : "zh", key);
}

static int
render(struct svc_resp *w, struct svc_req *r, int status, const char *tmpl,
    struct rs_vars *vs)
{
	struct rs_server *s = srv(r);

	var(vs, "rs_name", is_en(r) ? s->cfg->name_en : s->cfg->name_zh);
	var(vs, "service_url", s->cfg->service_url);
	return svc_render_dir(w, r, status, "reportsys", tmpl, vs->v, vs->n);
}

static int
message(struct svc_resp *w, struct svc_req *r, int status, const char *heading,
    const char *zh, const char *en, const char *code, const char *hint)
{
	struct rs_vars vs;

	memset(&vs, 0, sizeof(vs));
	var(&vs, "title", heading);
	var(&vs, "heading", heading);
	var(&vs, "kind", status < 400 ? "info" : "error");
	var(&vs, "role", status < 400 ? "status" : "alert");
	var(&vs, "zh", zh);
	var(&vs, "en", en);
	var(&vs, "code", code);
	var(&vs, "hint", hint);
	var(&vs, "back_href", "/");
	var(&vs, "back_text", T(r, "rs.again"));
	return render(w, r, status, "message.html", &vs);
}

/* The layer's own answers (404, 405, 413, 421 ...). */
static int
error_page(struct svc_resp *w, struct svc_req *r, int status, int code)
{
	return message(w, r, status, T(r, "rs.err.heading"),
	    svc_strerror(code), svc_strerror_en(code), svc_errname(code), "");
}

static void
fmt_time(time_t t, char *out, size_t len)
{
	struct tm tm;

	/* 北京时间, whatever the server's zone */
	t += 8 * 3600;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, len, "-");
}

static int
login_page(struct svc_resp *w, struct svc_req *r, int status,
    const char *error, const char *username)
{
	struct rs_server *s = srv(r);
	struct rs_vars vs;
	char csrf[RS_SECRET_LEN + 1];
	int rc;

	if ((rc = secret_make(csrf)) != 0)
		return rc;
	memset(&vs, 0, sizeof(vs));
	var(&vs, "title", T(r, "rs.login.heading"));
	var(&vs, "error", error);
	var(&vs, "username", username);
	var(&vs, "csrf", csrf);
	rc = render(w, r, status, "login.html", &vs);
	if (rc == 0)
		rc = cookie(w, s, "rs_form", csrf, 3600, 0);
	return rc;
}

static int
home_page(struct svc_resp *w, struct svc_req *r, const struct rs_session *e)
{
	struct rs_vars vs;
	char nb[32], na[32], days[16];

	fmt_time(e->not_before, nb, sizeof(nb));
	fmt_time(e->not_after, na, sizeof(na));
	snprintf(days, sizeof(days), "%d", e->days_left);
	memset(&vs, 0, sizeof(vs));
	var(&vs, "title", T(r, "rs.home.heading"));
	var(&vs, "username", e->username);
	var(&vs, "org", e->org);
	var(&vs, "uscc", e->uscc);
	var(&vs, "serial", e->serial);
	var(&vs, "not_before", nb);
	var(&vs, "not_after", na);
	var(&vs, "days_left", days);
	var(&vs, "expiring", e->expiring ? "1" : "");
	var(&vs, "status", T(r, e->revocation_checked ? "rs.home.checked" :
	    "rs.home.unchecked"));
	var(&vs, "csrf", e->csrf);
	return render(w, r, 200, "home.html", &vs);
}

/* GET / */
static int
h_root(struct svc_req *r, struct svc_resp *w)
{
	struct rs_session e;

	if (session_get(srv(r), svc_req_cookie(r, "rs_session"), RS_IN,
	    &e) == 0) {
		int rc = home_page(w, r, &e);

		gmpki_wipe(&e, sizeof(e));
		return rc;
	}
	return login_page(w, r, 200, "", "");
}

/* Account idx's lockout is running (checked before the password, like
 * the service's 账户已被锁定). */
static int
account_locked(struct rs_server *s, int idx, time_t now)
{
	int locked;

	if (idx < 0)
		return 0;
	pthread_mutex_lock(&s->lock);
	locked = s->lockout[idx].locked_until > now;
	pthread_mutex_unlock(&s->lock);
	return locked;
}

/* A wrong password (ok 0) counts towards the lockout; a right one ends
 * the count. */
static void
account_tried(struct rs_server *s, int idx, int ok, time_t now)
{
	struct rs_lockout *l;

	if (idx < 0)
		return;
	pthread_mutex_lock(&s->lock);
	l = &s->lockout[idx];
	if (ok)
		l->failed = 0;
	else if (++l->failed >= s->cfg->lockout_threshold) {
		l->failed = 0;
		l->locked_until = now + s->cfg->lockout_seconds;
	}
	pthread_mutex_unlock(&s->lock);
}

/* POST /login: username and password, then the helper. */
static int
h_login(struct svc_req *r, struct svc_resp *w)
{
	struct rs_server *s = srv(r);
	const char *user = svc_req_form(r, "username");
	const char *pass = svc_req_form(r, "password");
	struct rs_session e;
	int rc, idx;

	if (!secret_eq(svc_req_cookie(r, "rs_form"), svc_req_form(r, "csrf")))
		return login_page(w, r, 403, T(r, "rs.form_stale"), "");
	if (svc_ratelimit_hit(s->rl, r->remote_addr, r->now) != 0)
		return login_page(w, r, 429, T(r, "rs.login.rate"), "");
	idx = rs_username_ok(user) ? rs_accounts_find(&s->accounts, user) : -1;
	if (account_locked(s, idx, r->now)) {
		fprintf(stderr, "reportsys: login %s: locked\n", user);
		return login_page(w, r, 403, T(r, "rs.login.locked"), user);
	}
	if (!rs_username_ok(user) || pass == NULL || strlen(pass) > 128 ||
	    rs_accounts_check(&s->accounts, user, pass) != 0) {
		account_tried(s, idx, 0, r->now);
		return login_page(w, r, 401, T(r, "rs.login.failed"),
		    rs_username_ok(user) ? user : "");
	}
	account_tried(s, idx, 1, r->now);
	/* a new login replaces whatever this browser had */
	session_drop(s, svc_req_cookie(r, "rs_login"));
	session_drop(s, svc_req_cookie(r, "rs_session"));
	memset(&e, 0, sizeof(e));
	e.state = RS_PRE;
	snprintf(e.username, sizeof(e.username), "%s", user);
	if ((rc = session_put(s, &e, s->cfg->login_ttl)) != 0)
		return message(w, r, 503, T(r, "rs.err.heading"),
		    certauth_strerror(CERTAUTH_ERR_BUSY),
		    certauth_strerror_en(CERTAUTH_ERR_BUSY), "BUSY", "");
	if ((rc = cookie(w, s, "rs_login", e.id, s->cfg->login_ttl, 1)) != 0 ||
	    (rc = cookie(w, s, "rs_session", "", 0, 0)) != 0)
		return rc;
	gmpki_wipe(&e, sizeof(e));
	return svc_resp_redirect(w, "/certauth/start");
}

/* GET /certauth/start: a new challenge, then the helper's window. */
static int
h_start(struct svc_req *r, struct svc_resp *w)
{
	struct rs_server *s = srv(r);
	struct rs_session e;
	struct rs_vars vs;
	char chal[CERTAUTH_CHALLENGE_LEN + 1], url[1024];
	int rc;

	if (session_get(s, svc_req_cookie(r, "rs_login"), RS_PRE, &e) != 0)
		return svc_resp_redirect(w, "/");
	rc = session_challenge(s, &e, chal);
	if (rc == 0)
		rc = certauth_redirect_url(s->ca, chal, e.username, url,
		    sizeof(url));
	gmpki_wipe(&e, sizeof(e));
	if (rc != 0)
		return message(w, r, rc == CERTAUTH_ERR_BUSY ? 503 : 500,
		    T(r, "rs.err.heading"), certauth_strerror(rc),
		    certauth_strerror_en(rc), certauth_errname(rc), "");
	memset(&vs, 0, sizeof(vs));
	var(&vs, "title", T(r, "rs.start.heading"));
	var(&vs, "helper_url", s->cfg->helper_url);
	var(&vs, "next", url);
	return render(w, r, 200, "start.html", &vs);
}

/* POST /certauth/return: what the helper's window posted. */
static int
h_return(struct svc_req *r, struct svc_resp *w)
{
	struct rs_server *s = srv(r);
	struct certauth_result *res = NULL;
	struct rs_session e, in;
	const char *id = svc_req_cookie(r, "rs_login");
	const char *err = svc_req_form(r, "error");
	char hint[64];
	int rc;

	if (session_get(s, id, RS_PRE, &e) != 0)
		return message(w, r, 403, T(r, "rs.err.heading"),
		    certauth_strerror(CERTAUTH_ERR_CHALLENGE),
		    certauth_strerror_en(CERTAUTH_ERR_CHALLENGE), "CHALLENGE",
		    T(r, "rs.hint.CHALLENGE"));
	/* one answer per password login, whatever it is */
	session_drop(s, e.id);
	cookie(w, s, "rs_login", "", 0, 1);
	if (err != NULL) {
		gmpki_wipe(&e, sizeof(e));
		return message(w, r, 200, T(r, "rs.cancelled"),
		    T(r, "rs.cancelled"), svc_t("en", "rs.cancelled"),
		    "CANCELLED", T(r, "rs.cancelled_msg"));
	}
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return GMPKI_ERR_NOMEM;
	rc = certauth_verify(s->ca, e.id, svc_req_form(r, "statement"),
	    svc_req_form(r, "signature"), svc_req_form(r, "certificate"),
	    svc_req_form(r, "chain"), e.username, res);
	fprintf(stderr, "reportsys: login %s: %s (%s; revocation: %s%s%s%s%s)\n",
	    e.username, certauth_errname(rc),
	    res->detail != NULL ? res->detail : "",
	    certauth_revocation_source_name(res->revocation_source),
	    res->ocsp_detail != NULL ? "; OCSP: " : "",
	    res->ocsp_detail != NULL ? res->ocsp_detail : "",
	    res->crl_detail != NULL ? "; CRL: " : "",
	    res->crl_detail != NULL ? res->crl_detail : "");
	if (rc != 0) {
		snprintf(hint, sizeof(hint), "rs.hint.%s", certauth_errname(rc));
		rc = message(w, r, 403, T(r, "rs.err.heading"),
		    res->message_zh, res->message_en, certauth_errname(rc),
		    strcmp(T(r, hint), hint) != 0 ? T(r, hint) : "");
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.state = RS_IN;
	snprintf(in.username, sizeof(in.username), "%s", e.username);
	snprintf(in.org, sizeof(in.org), "%s", res->org);
	snprintf(in.uscc, sizeof(in.uscc), "%s", res->uscc);
	snprintf(in.serial, sizeof(in.serial), "%s", res->serial);
	in.not_before = res->not_before;
	in.not_after = res->not_after;
	in.days_left = res->days_left;
	in.expiring = res->expiring_soon;
	in.revocation_checked = res->revocation_checked;
	if ((rc = session_put(s, &in, s->cfg->session_ttl)) != 0) {
		rc = message(w, r, 503, T(r, "rs.err.heading"),
		    certauth_strerror(CERTAUTH_ERR_BUSY),
		    certauth_strerror_en(CERTAUTH_ERR_BUSY), "BUSY", "");
		goto out;
	}
	/* Not a redirect: this answers the helper's cross-site POST, and a
	 * redirect would carry that to GET /, where a browser withholds the
	 * SameSite=Strict session cookie on https.  The page's refresh is a
	 * navigation of our own origin. */
	if ((rc = cookie(w, s, "rs_session", in.id, s->cfg->session_ttl,
	    0)) == 0) {
		struct rs_vars vs;

		memset(&vs, 0, sizeof(vs));
		var(&vs, "title", T(r, "rs.entered"));
		var(&vs, "head", "<meta http-equiv=\"refresh\" content=\"0; "
		    "url=/\">");
		rc = render(w, r, 200, "entered.html", &vs);
	}
	gmpki_wipe(&in, sizeof(in));
out:
	gmpki_wipe(&e, sizeof(e));
	free(res);
	return rc;
}

/* POST /logout */
static int
h_logout(struct svc_req *r, struct svc_resp *w)
{
	struct rs_server *s = srv(r);
	struct rs_session e;

	if (session_get(s, svc_req_cookie(r, "rs_session"), RS_IN, &e) != 0)
		return svc_resp_redirect(w, "/");
	if (!secret_eq(e.csrf, svc_req_form(r, "csrf"))) {
		gmpki_wipe(&e, sizeof(e));
		return message(w, r, 403, T(r, "rs.err.heading"),
		    svc_t("zh", "rs.form_stale"), svc_t("en", "rs.form_stale"),
		    "CSRF", "");
	}
	session_drop(s, e.id);
	gmpki_wipe(&e, sizeof(e));
	cookie(w, s, "rs_session", "", 0, 0);
	return svc_resp_redirect(w, "/");
}

static int
h_static(struct svc_req *r, struct svc_resp *w)
{
	/* the service's helper check, shared (web/svc/helper.js) */
	if (strcmp(r->path, "/static/helper.js") == 0)
		return svc_static_dir(r, w, "svc");
	return svc_static_dir(r, w, "reportsys");
}

static const struct svc_route routes[] = {
	{"GET", "/", h_root, 0, SVC_ROUTE_NO_DB},
	{"POST", "/login", h_login, RS_FORM_MAX, SVC_ROUTE_NO_DB},
	{"GET", "/certauth/start", h_start, 0, SVC_ROUTE_NO_DB},
	{"POST", "/certauth/return", h_return, RS_RETURN_MAX, SVC_ROUTE_NO_DB},
	{"POST", "/logout", h_logout, RS_FORM_MAX, SVC_ROUTE_NO_DB},
	{"GET", "/static/", h_static, 0, SVC_ROUTE_PREFIX | SVC_ROUTE_NO_DB},
	{NULL, NULL, NULL, 0, 0},
};

/* ------------------------------------------------------------------ */

int
rs_serve(const struct rs_config *c)
{
	struct rs_server s;
	struct certauth_config cc;
	struct svc_http_opts o;
	struct svc_http *h = NULL;
	sigset_t sigs;
	int sig;
	X509 *root = NULL;
	char err[512], host_ip[80], host_name[80], origin_host[300];
	const char *hosts[4];
	const char *p;
	int rc, n = 0;

	memset(&s, 0, sizeof(s));
	s.cfg = c;
	s.https = strncmp(c->origin, "https:", 6) == 0;
	pthread_mutex_init(&s.lock, NULL);
	if ((rc = gmpki_cert_load(c->root, &root)) != 0) {
		fprintf(stderr, "reportsys: %s: %s\n", c->root,
		    gmpki_strerror_en(rc));
		goto out;
	}
	if ((rc = rs_accounts_load(c->accounts, &s.accounts, err,
	    sizeof(err))) != 0) {
		fprintf(stderr, "reportsys: %s\n", err);
		goto out;
	}
	memset(&cc, 0, sizeof(cc));
	cc.rp_id = c->rp_id;
	cc.origin = c->origin;
	cc.root = root;
	cc.warn_days = c->warn_days == 0 ? -1 : c->warn_days;
	cc.helper_url = c->helper_url;
	cc.fetch_revocation = c->revocation;  /* OCSP from the AIA, then CRL */
	if ((rc = certauth_ctx_new(&cc, &s.ca)) != 0) {
		fprintf(stderr, "reportsys: certauth: %s\n",
		    certauth_strerror_en(rc));
		goto out;
	}
	if ((s.sess = calloc((size_t)c->max_sessions, sizeof(*s.sess))) ==
	    NULL || (s.lockout = calloc(s.accounts.n + 1,
	    sizeof(*s.lockout))) == NULL ||
	    svc_ratelimit_new(c->rate_limit_per_minute, &s.rl) != 0) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}

	/* Host allow-list: the listening address and the origin's host. */
	snprintf(host_ip, sizeof(host_ip), "%s:%d", c->listen_addr, c->port);
	snprintf(host_name, sizeof(host_name), "localhost:%d", c->port);
	hosts[n++] = host_ip;
	hosts[n++] = host_name;
	p = strstr(c->origin, "://") + 3;
	snprintf(origin_host, sizeof(origin_host), "%s", p);
	if (strcmp(origin_host, host_ip) != 0)
		hosts[n++] = origin_host;
	hosts[n] = NULL;

	/* the HTTP threads inherit the mask: only sigwait below sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	memset(&o, 0, sizeof(o));
	o.listen_addr = c->listen_addr;
	o.port = c->port;
	o.threads = c->threads;
	o.allowed_hosts = hosts;
	o.user = &s;
	o.error_page = error_page;
	o.trusted_proxies = c->trusted_proxies;
	if ((rc = svc_http_start(&o, routes, NULL, &h)) != 0) {
		fprintf(stderr, "reportsys: cannot listen on %s:%d: %s\n",
		    c->listen_addr, c->port, svc_strerror_en(rc));
		goto out;
	}
	printf("reportsys: %s (%s) listening on http://%s:%d/\n", c->name_zh,
	    c->rp_id, c->listen_addr, svc_http_port(h));
	fflush(stdout);
	sigwait(&sigs, &sig);
	svc_http_stop(h);
	rc = 0;
out:
	certauth_ctx_free(s.ca);
	X509_free(root);
	rs_accounts_free(&s.accounts);
	if (s.sess != NULL) {
		gmpki_wipe(s.sess, (size_t)c->max_sessions * sizeof(*s.sess));
		free(s.sess);
	}
	free(s.lockout);
	svc_ratelimit_free(s.rl);
	pthread_mutex_destroy(&s.lock);
	return rc;
}
