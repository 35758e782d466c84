/*
 * pages_auth.c - login and logout for 申请证书/下载证书, 重新申请证书 and
 * 废除证书: the login form with its image captcha, the captcha image, the
 * checks of POST /login, sessions and CSRF tokens.
 *
 * POST /login runs its checks in this order, each answering on its own
 * (docs/CERTSVC-PAGES.md):
 *   1. the per-address rate limit (svc_ratelimit_hit);
 *   2. the pre-session CSRF token (double-submit cookie);
 *   3. the captcha: single use, svc_captcha_check deletes it whatever the
 *      outcome; wrong, expired and already used each have their message;
 *   4. the account: unknown user and wrong password give the same
 *      "用户名或密码错误" after the same work (a dummy PBKDF2 for unknown
 *      users); a running automatic lockout (locked_until > now) answers
 *      账户已被锁定 without looking at the password; each wrong password
 *      counts towards the lockout (lockout_threshold, lockout_seconds);
 *   5. a new session (fresh token: no fixation), "sid" cookie HttpOnly
 *      SameSite=Strict, and a 303 to the purpose's page.
 */
#include "pages.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "captcha.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "page.h"
#include "password.h"
#include "svc_error.h"

#define PRECSRF_AGE 7200        /* seconds the pre-session token lives */

struct purpose {
	const char *path;       /* the login page */
	const char *name;       /* the session's purpose */
	const char *heading;    /* message keys */
	const char *intro;
	const char *next;       /* where a good login goes */
};

static const struct purpose purposes[] = {
	{"/apply", "apply", "nav.apply", "login.intro_apply", "/apply/cert"},
	{"/download", "apply", "nav.download", "login.intro_apply",
	    "/apply/cert"},
	{"/reapply", "reapply", "nav.reapply", "login.intro_reapply",
	    "/apply/cert"},
	{"/revoke", "revoke", "nav.revoke", "login.intro_revoke",
	    "/revoke/list"},
};

#define NPURPOSES (sizeof(purposes) / sizeof(purposes[0]))

static const struct purpose *
purpose_by_path(const char *path)
{
	size_t i;

	for (i = 0; i < NPURPOSES; i++)
		if (path != NULL && strcmp(purposes[i].path, path) == 0)
			return &purposes[i];
	return NULL;
}

/* The login page of a purpose name ("/download" only by its path). */
static const struct purpose *
purpose_by_name(const char *name, const char *page)
{
	const struct purpose *p;
	size_t i;

	if (page != NULL && (p = purpose_by_path(page)) != NULL &&
	    name != NULL && strcmp(p->name, name) == 0)
		return p;
	for (i = 0; i < NPURPOSES; i++)
		if (name != NULL && strcmp(purposes[i].name, name) == 0)
			return &purposes[i];
	return NULL;
}

/* ---- shared helpers ------------------------------------------------- */

int
pages_en(const struct svc_req *r)
{
	return r != NULL && r->lang != NULL && strcmp(r->lang, "en") == 0;
}

const char *
pages_t(const struct svc_req *r, const char *key)
{
	return svc_t(pages_en(r) ? "en" : "zh", key);
}

const char *
pages_strerror(const struct svc_req *r, int code)
{
	return pages_en(r) ? svc_strerror_en(code) : svc_strerror(code);
}

int
pages_message(struct svc_resp *w, struct svc_req *r, int status,
    const char *key)
{
	struct svc_var v[2];

	v[0].key = "title";
	v[0].value = pages_t(r, "error.title");
	v[1].key = "message";
	v[1].value = pages_t(r, key);
	return svc_render(w, r, status, "message.html", v, 2);
}

static int
token_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL || strlen(a) != SVC_TOKEN_LEN ||
	    strlen(b) != SVC_TOKEN_LEN)
		return 0;
	return gmpki_memeq(a, b, SVC_TOKEN_LEN);
}

int
pages_csrf_ok(struct svc_req *r, const struct svc_session *s)
{
	return token_eq(svc_req_form(r, "csrf"), s->csrf);
}

int
pages_csrf_refuse(struct svc_req *r, struct svc_resp *w)
{
	return svc_resp_error_page(w, r, 403, SVC_ERR_CSRF);
}

static const char *
precsrf_name(const struct svc_req *r)
{
	/* __Host- cookies must be Secure, so only under https (RFC 6265bis
	 * §4.1.3.2): then a sibling host cannot plant its own token. */
	if (r->app != NULL &&
	    strncasecmp(r->app->cfg.public_url, "https:", 6) == 0)
		return "__Host-pcsrf";
	return "pcsrf";
}

int
pages_precsrf_get(struct svc_req *r, struct svc_resp *w,
    char out[SVC_TOKEN_LEN + 1])
{
	const char *c = svc_req_cookie(r, precsrf_name(r));
	int rc;

	if (c != NULL && strlen(c) == SVC_TOKEN_LEN) {
		memcpy(out, c, SVC_TOKEN_LEN + 1);
		return 0;
	}
	if ((rc = svc_token_new(out)) != 0)
		return rc;
	return svc_resp_cookie(w, r, precsrf_name(r), out, PRECSRF_AGE);
}

int
pages_precsrf_ok(struct svc_req *r)
{
	return token_eq(svc_req_form(r, "csrf"),
	    svc_req_cookie(r, precsrf_name(r)));
}

static int
mask_of(const char *purpose)
{
	if (strcmp(purpose, "apply") == 0)
		return PAGES_APPLY;
	if (strcmp(purpose, "reapply") == 0)
		return PAGES_REAPPLY;
	if (strcmp(purpose, "revoke") == 0)
		return PAGES_REVOKE;
	return 0;
}

int
pages_session(struct svc_req *r, struct svc_resp *w, unsigned mask,
    struct pages_ctx *c)
{
	const char *sid = svc_req_cookie(r, "sid");
	int rc;

	memset(c, 0, sizeof(*c));
	if (sid != NULL && strlen(sid) == SVC_TOKEN_LEN &&
	    svc_session_find(r->db, sid, r->now, &c->s) == 0 &&
	    (mask_of(c->s.purpose) & mask) != 0 &&
	    svc_account_get(r->db, c->s.account_id, &c->a) == 0 &&
	    c->a.state == SVC_ACCOUNT_ACTIVE) {
		memcpy(c->sid, sid, SVC_TOKEN_LEN + 1);
		return 1;
	}
	memset(c, 0, sizeof(*c));
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) {
		rc = svc_resp_redirect(w, (mask & PAGES_REVOKE) != 0 &&
		    (mask & (PAGES_APPLY | PAGES_REAPPLY)) == 0 ?
		    "/revoke" : "/apply");
		if (rc != 0)
			svc_resp_error_page(w, r, 401, SVC_ERR_SESSION);
		return 0;
	}
	svc_resp_error_page(w, r, 401, SVC_ERR_SESSION);
	return 0;
}

int
pages_session_post(struct svc_req *r, struct svc_resp *w, unsigned mask,
    struct pages_ctx *c)
{
	if (!pages_session(r, w, mask, c))
		return 0;
	if (pages_csrf_ok(r, &c->s))
		return 1;
	gmpki_wipe(c, sizeof(*c));
	pages_csrf_refuse(r, w);
	return 0;
}

/* ---- the login form ------------------------------------------------- */

/*
 * Renders the login page for purpose p with a fresh captcha.  message is
 * shown above the form (already translated), username refilled.
 */
static int
login_render(struct svc_req *r, struct svc_resp *w, int status,
    const struct purpose *p, const char *message, const char *username)
{
	char answer[SVC_CAPTCHA_LEN + 1], cid[SVC_TOKEN_LEN + 1];
	char csrf[SVC_TOKEN_LEN + 1], cts[24];
	struct svc_var v[12];
	size_t n = 0;
	int rc;

	if ((rc = svc_captcha_answer_new(answer)) != 0 ||
	    (rc = svc_captcha_create(r->db, answer, r->now,
	    r->app->cfg.captcha_ttl, cid)) != 0)
		return svc_resp_error_page(w, r, 503, rc);
	gmpki_wipe(answer, sizeof(answer));
	if ((rc = pages_precsrf_get(r, w, csrf)) != 0)
		return svc_resp_error_page(w, r, 500, rc);
	snprintf(cts, sizeof(cts), "%lld", (long long)r->now);

	v[n].key = "title";
	v[n++].value = pages_t(r, p->heading);
	v[n].key = "heading";
	v[n++].value = pages_t(r, p->heading);
	v[n].key = "intro";
	v[n++].value = pages_t(r, p->intro);
	v[n].key = "purpose";
	v[n++].value = p->name;
	v[n].key = "page";
	v[n++].value = p->path;
	v[n].key = "csrf";
	v[n++].value = csrf;
	v[n].key = "cid";
	v[n++].value = cid;
	v[n].key = "cts";
	v[n++].value = cts;
	v[n].key = "message";
	v[n++].value = message != NULL ? message : "";
	v[n].key = "message_hidden";
	v[n++].value = message != NULL ? "" : "hidden";
	v[n].key = "username";
	v[n++].value = username != NULL ? username : "";
	v[n].key = "steps_hidden";
	v[n++].value = strcmp(p->name, "revoke") == 0 ? "hidden" : "";
	return svc_render(w, r, status, "login.html", v, n);
}

int
svc_page_login_form(struct svc_req *r, struct svc_resp *w)
{
	const struct purpose *p = purpose_by_path(r->path);

	if (p == NULL)
		return svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
	return login_render(r, w, 200, p, NULL, NULL);
}

/* GET /captcha/<id>.png: the image of a live captcha. */
int
svc_page_captcha(struct svc_req *r, struct svc_resp *w)
{
	static const char prefix[] = "/captcha/";
	char id[SVC_TOKEN_LEN + 1], answer[SVC_CAPTCHA_LEN + 8];
	const char *name = r->path + sizeof(prefix) - 1;
	unsigned char *png = NULL;
	size_t len = 0;
	int rc;

	if (strlen(name) != SVC_TOKEN_LEN + 4 ||
	    strcmp(name + SVC_TOKEN_LEN, ".png") != 0)
		return svc_resp_error_page(w, r, 404, SVC_ERR_NOT_FOUND);
	memcpy(id, name, SVC_TOKEN_LEN);
	id[SVC_TOKEN_LEN] = '\0';
	if ((rc = svc_captcha_answer(r->db, id, r->now, answer,
	    sizeof(answer))) != 0)
		return svc_resp_error_page(w, r, 404, SVC_ERR_CAPTCHA_EXPIRED);
	rc = svc_captcha_png(answer, &png, &len);
	gmpki_wipe(answer, sizeof(answer));
	if (rc != 0)
		return svc_resp_error_page(w, r, 500, rc);
	rc = svc_resp_bytes(w, 200, "image/png", png, len);
	free(png);
	return rc;
}

/* ---- POST /login ---------------------------------------------------- */

/*
 * A stored hash of a random password at the configured cost: checking an
 * unknown user's password against it costs what a real check costs, so
 * the answer's timing does not tell which usernames exist.
 */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[SVC_PWHASH_MAX];
static uint32_t dummy_iter;

static void
dummy_check(const char *password, uint32_t iter)
{
	char stored[SVC_PWHASH_MAX], pw[SVC_TOKEN_LEN + 1];

	pthread_mutex_lock(&dummy_lock);
	if (dummy_iter != iter || dummy_hash[0] == '\0') {
		if (svc_token_new(pw) == 0 &&
		    svc_password_hash(pw, iter, dummy_hash,
		    sizeof(dummy_hash)) == 0)
			dummy_iter = iter;
		else
			dummy_hash[0] = '\0';
		gmpki_wipe(pw, sizeof(pw));
	}
	memcpy(stored, dummy_hash, sizeof(stored));
	pthread_mutex_unlock(&dummy_lock);
	if (stored[0] != '\0')
		(void)svc_password_check(password, stored);
}

/* Audit rows name the user as typed: bounded, and the audit code keeps
 * the text as data. */
static void
audit(struct svc_req *r, const char *user, const char *action,
    const char *detail)
{
	char actor[SVC_USERNAME_MAX + 1];

	snprintf(actor, sizeof(actor), "%s", user != NULL ? user : "");
	(void)svc_audit_append(r->db, r->now, actor, action, actor, detail,
	    r->remote_addr);
}

static int
login_fail(struct svc_req *r, struct svc_resp *w, int status,
    const struct purpose *p, const char *message, const char *username)
{
	/* The username is shown again only when it is one we could store:
	 * it is escaped either way. */
	if (username != NULL && strlen(username) > SVC_USERNAME_MAX)
		username = NULL;
	return login_render(r, w, status, p, message, username);
}

int
svc_page_login(struct svc_req *r, struct svc_resp *w)
{
	const struct svc_config *cfg = &r->app->cfg;
	const struct purpose *p;
	const char *user, *pass, *answer, *cid, *cts, *old;
	char sid[SVC_TOKEN_LEN + 1], csrf[SVC_TOKEN_LEN + 1], detail[64];
	struct svc_account a;
	long long shown;
	char *end;
	int rc;

	p = purpose_by_name(svc_req_form(r, "purpose"),
	    svc_req_form(r, "page"));
	if ((rc = svc_ratelimit_hit(r->app->rl, r->remote_addr, r->now)) !=
	    0) {
		svc_resp_header(w, "Retry-After", "60");
		return svc_resp_error_page(w, r, 429, rc);
	}
	if (!pages_precsrf_ok(r))
		return pages_csrf_refuse(r, w);
	if (p == NULL)
		return svc_resp_error_page(w, r, 400, SVC_ERR_BAD_REQUEST);

	user = svc_req_form(r, "username");
	pass = svc_req_form(r, "password");
	answer = svc_req_form(r, "captcha");
	cid = svc_req_form(r, "cid");
	cts = svc_req_form(r, "cts");

	/* 3. the captcha, used up here whatever the answer */
	rc = svc_captcha_check(r->db, cid != NULL ? cid : "",
	    answer != NULL ? answer : "", r->now);
	if (rc == SVC_ERR_CAPTCHA_EXPIRED) {
		/*
		 * The store cannot tell an expired record from a used one:
		 * both are gone.  The form says when its captcha was shown;
		 * if that is within the captcha's lifetime, the record went
		 * because it was used.  The field only picks the wording.
		 */
		shown = cts != NULL ? strtoll(cts, &end, 10) : 0;
		if (cts != NULL && *end == '\0' && shown <= r->now &&
		    r->now - shown < cfg->captcha_ttl)
			return login_fail(r, w, 400, p,
			    pages_t(r, "login.captcha_used"), user);
		return login_fail(r, w, 400, p, pages_strerror(r, rc), user);
	}
	if (rc != 0)
		return login_fail(r, w, rc == SVC_ERR_CAPTCHA_WRONG ? 400 : 503,
		    p, pages_strerror(r, rc), user);

	/* 4. the account */
	if (user == NULL || pass == NULL || user[0] == '\0' ||
	    strlen(user) > SVC_USERNAME_MAX ||
	    (rc = svc_account_find(r->db, user, &a)) != 0) {
		dummy_check(pass != NULL ? pass : "", cfg->pbkdf2_iter);
		audit(r, user, "login_failed", "unknown user");
		return login_fail(r, w, 401, p,
		    pages_strerror(r, SVC_ERR_LOGIN_FAILED), user);
	}
	if (a.locked_until > r->now) {
		audit(r, a.username, "login_failed", "locked");
		return login_fail(r, w, 403, p,
		    pages_strerror(r, SVC_ERR_ACCOUNT_LOCKED), user);
	}
	if (svc_password_check(pass, a.pwhash) != 0) {
		(void)svc_account_login_failed(r->db, a.id,
		    cfg->lockout_threshold,
		    (int64_t)r->now + cfg->lockout_seconds);
		snprintf(detail, sizeof(detail), "wrong password (%d)",
		    a.failed_logins + 1);
		audit(r, a.username, "login_failed", detail);
		gmpki_wipe(&a, sizeof(a));
		return login_fail(r, w, 401, p,
		    pages_strerror(r, SVC_ERR_LOGIN_FAILED), user);
	}
	/* An operator's lock or a disabled account: told only to someone
	 * who knows the password. */
	if (a.state != SVC_ACCOUNT_ACTIVE) {
		audit(r, a.username, "login_failed", "account not active");
		gmpki_wipe(&a, sizeof(a));
		return login_fail(r, w, 403, p,
		    pages_strerror(r, SVC_ERR_ACCOUNT_DISABLED), user);
	}

	/* 5. a fresh session */
	if ((old = svc_req_cookie(r, "sid")) != NULL)
		(void)svc_session_delete(r->db, old);
	if ((rc = svc_account_login_ok(r->db, a.id)) != 0 ||
	    (rc = svc_session_create(r->db, a.id, p->name, r->now,
	    cfg->session_ttl, sid, csrf)) != 0) {
		gmpki_wipe(&a, sizeof(a));
		return svc_resp_error_page(w, r, 503, rc);
	}
	snprintf(detail, sizeof(detail), "purpose=%s", p->name);
	audit(r, a.username, "login", detail);
	gmpki_wipe(&a, sizeof(a));
	rc = svc_resp_cookie(w, r, "sid", sid, cfg->session_ttl);
	gmpki_wipe(sid, sizeof(sid));
	gmpki_wipe(csrf, sizeof(csrf));
	if (rc != 0)
		return svc_resp_error_page(w, r, 500, rc);
	return svc_resp_redirect(w, p->next);
}

/* POST /logout: the session's own CSRF token; the session goes. */
int
svc_page_logout(struct svc_req *r, struct svc_resp *w)
{
	struct pages_ctx c;

	if (!pages_session_post(r, w, PAGES_APPLY | PAGES_REAPPLY |
	    PAGES_REVOKE, &c))
		return 0;
	(void)svc_session_delete(r->db, c.sid);
	audit(r, c.a.username, "logout", "");
	svc_resp_cookie(w, r, "sid", "", 0);
	return svc_resp_redirect(w, "/");
}
