/*
 * pages.h - the server-rendered pages of the online service (在线服务系统):
 * the portal (企业用户入口), the login for 申请证书/下载证书, 重新申请证书
 * and 废除证书, the certificate page that hands a ticket to the helper, the
 * revoke list, 证书状态查询 and 帮助.  docs/CERTSVC-PAGES.md has the page
 * map, the flows and the session/CSRF design.
 *
 * The handlers are the route table's (SVC_PAGE_ROUTES, below); the pages_*
 * helpers are shared by svc/pages_*.c only.
 */
#ifndef SVC_PAGES_H
#define SVC_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "page.h"
#include "store.h"

/* pages_portal.c */
int svc_page_portal(struct svc_req *r, struct svc_resp *w);
/* pages_auth.c */
int svc_page_login_form(struct svc_req *r, struct svc_resp *w);
int svc_page_login(struct svc_req *r, struct svc_resp *w);
int svc_page_logout(struct svc_req *r, struct svc_resp *w);
int svc_page_captcha(struct svc_req *r, struct svc_resp *w);
/* pages_apply.c */
int svc_page_apply_cert(struct svc_req *r, struct svc_resp *w);
int svc_page_apply_ticket(struct svc_req *r, struct svc_resp *w);
int svc_page_apply_done(struct svc_req *r, struct svc_resp *w);
/* pages_revoke.c */
int svc_page_revoke_list(struct svc_req *r, struct svc_resp *w);
int svc_page_revoke_confirm(struct svc_req *r, struct svc_resp *w);
int svc_page_revoke_do(struct svc_req *r, struct svc_resp *w);
int svc_page_revoke_done(struct svc_req *r, struct svc_resp *w);
/* pages_status.c */
int svc_page_status_form(struct svc_req *r, struct svc_resp *w);
int svc_page_status(struct svc_req *r, struct svc_resp *w);
/* pages_help.c */
int svc_page_help(struct svc_req *r, struct svc_resp *w);

/* Form posts are small: a login is well under 1 KiB. */
#define SVC_PAGE_FORM_MAX 4096

/* The pages' entries of the route table (svc/routes.c). */
#define SVC_PAGE_ROUTES                                                        \
	{"GET", "/", svc_page_portal, 0, 0},                                   \
	{"GET", "/apply", svc_page_login_form, 0, 0},                          \
	{"GET", "/download", svc_page_login_form, 0, 0},                       \
	{"GET", "/reapply", svc_page_login_form, 0, 0},                        \
	{"GET", "/revoke", svc_page_login_form, 0, 0},                         \
	{"POST", "/login", svc_page_login, SVC_PAGE_FORM_MAX, 0},              \
	{"POST", "/logout", svc_page_logout, SVC_PAGE_FORM_MAX, 0},            \
	{"GET", "/captcha/", svc_page_captcha, 0, SVC_ROUTE_PREFIX},           \
	{"GET", "/apply/cert", svc_page_apply_cert, 0, 0},                     \
	{"POST", "/apply/ticket", svc_page_apply_ticket, SVC_PAGE_FORM_MAX, 0},\
	{"GET", "/apply/done", svc_page_apply_done, 0, 0},                     \
	{"GET", "/revoke/list", svc_page_revoke_list, 0, 0},                   \
	{"GET", "/revoke/confirm", svc_page_revoke_confirm, 0, 0},             \
	{"POST", "/revoke/do", svc_page_revoke_do, SVC_PAGE_FORM_MAX, 0},      \
	{"GET", "/revoke/done", svc_page_revoke_done, 0, 0},                   \
	{"GET", "/status", svc_page_status_form, 0, 0},                        \
	{"POST", "/status", svc_page_status, SVC_PAGE_FORM_MAX, 0},            \
	{"GET", "/help", svc_page_help, 0, SVC_ROUTE_NO_DB}

/* ---- shared by pages_*.c -------------------------------------------- */

/* Session purposes, as a mask for pages_session(). */
#define PAGES_APPLY 1
#define PAGES_REAPPLY 2
#define PAGES_REVOKE 4

struct pages_ctx {
	struct svc_session s;
	struct svc_account a;
	char sid[SVC_TOKEN_LEN + 1];
};

int pages_en(const struct svc_req *r);
/* The message key in the request's language. */
const char *pages_t(const struct svc_req *r, const char *key);
/* The error text of an SVC_ERR_ / GMPKI_ERR_ code in the request's
 * language. */
const char *pages_strerror(const struct svc_req *r, int code);
/* A session-less error page saying what a message key says. */
int pages_message(struct svc_resp *w, struct svc_req *r, int status,
    const char *key);

/*
 * The logged-in visitor: the "sid" cookie's session, its purpose one of
 * mask, and its account (active).  1 when found (c filled); 0 when the
 * response was set instead (a GET is sent to the purpose's login page,
 * anything else gets the 登录已失效 page).
 */
int pages_session(struct svc_req *r, struct svc_resp *w, unsigned mask,
    struct pages_ctx *c);
/* pages_session for a form post, whose "csrf" field must also be the
 * session's token (else the 403 page, c wiped).  1 when both are right. */
int pages_session_post(struct svc_req *r, struct svc_resp *w, unsigned mask,
    struct pages_ctx *c);
/* The form's "csrf" field equals the session's token (constant time). */
int pages_csrf_ok(struct svc_req *r, const struct svc_session *s);
/* Refuses a POST whose CSRF token is missing or wrong: 403 page. */
int pages_csrf_refuse(struct svc_req *r, struct svc_resp *w);

/*
 * Forms shown before login (login, 证书状态查询) use a double-submit
 * token: a random value in an HttpOnly SameSite=Strict cookie ("pcsrf",
 * "__Host-pcsrf" under https) and the same value in the form.  get sets
 * the cookie when absent and gives the token for the form.
 */
int pages_precsrf_get(struct svc_req *r, struct svc_resp *w,
    char out[SVC_TOKEN_LEN + 1]);
int pages_precsrf_ok(struct svc_req *r);

/* Certificate serials as the store keeps them: upper-case hex without
 * leading zeros, 1..40 digits.  0 on success; the input must be hex. */
int pages_serial_norm(const char *in, char out[41]);
/* "2025-11-26 10:00:00" in Beijing time (UTC+8). */
void pages_time(int64_t t, char out[32]);

/* ---- the logged-in account's certificates (pages_certs.c) ----------- */

/* The helper's base URL, http://127.0.0.1:PORT. */
void pages_helper_url(const struct svc_req *r, char *out, size_t outlen);
/* 1 when c can still be revoked: valid and not expired. */
int pages_revocable(const struct svc_cert *c, int64_t now);
/*
 * The page tmpl listing c's account's certificates: serial, validity and
 * status a row (with revoke also the subject and a 废除 button); to the
 * page's own variables v[0..n) it adds the account's, rows_key (the rows'
 * HTML), certs_hidden, nocerts_hidden and csrf (v has room for 7 more).
 * Wipes c.
 */
int pages_cert_list(struct svc_req *r, struct svc_resp *w, struct pages_ctx *c,
    int revoke, const char *tmpl, const char *rows_key, struct svc_var *v,
    size_t n);
/* The account's certificate by the serial in (normalised into serial),
 * or the 404 (503) page.  1 when found. */
int pages_own_cert(struct svc_req *r, struct svc_resp *w,
    const struct pages_ctx *c, const char *in, char serial[41],
    struct svc_cert *cert);
/*
 * The page tmpl that posts to the helper: helper_path (/v1/...) on the
 * helper's URL, with key=value (the ticket, the serial) and the service's
 * URL with ret_path to come back to.  It sends the helper our origin.
 */
int pages_handoff(struct svc_req *r, struct svc_resp *w, const char *tmpl,
    const char *title_key, const char *helper_path, const char *ret_path,
    const char *key, const char *value);

/* The status word of a certificate at now: pages.status.* keys. */
const char *pages_cert_status_key(const struct svc_cert *c, int64_t now);

#endif
