/*
 * pages_test.c - the online service's pages against a real `certsvc serve`
 * on loopback, driven with libcurl (kcgi / rpki-client style: one
 * behaviour per case).  The data directory comes from `certsvc init`;
 * accounts and reporting systems are added through store.h from this
 * process; captcha answers are read honestly from the database
 * (svc_captcha_answer), there is no bypass in the server.
 *
 * Each group of cases talks from its own loopback source address
 * (127.0.0.N) so that the per-address login rate limit can be tested
 * without the other cases running into it.
 */
#include "test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "gmpki/csr.h"
#include "gmpki/sm2.h"
#include "password.h"
#include "store.h"
#include "svc_test_util.h"

#define RATE_LIMIT 60          /* per address and minute, set in the config */

static char top[PATH_MAX];     /* the temporary directory */
static char dir[PATH_MAX];     /* its data/, made by certsvc init */
static char certsvc[PATH_MAX];
static char base[64];
static int port;
static pid_t server = -1;
static svc_db *db;
static struct svc_config cfg;
static int quiet;              /* while waiting for the server */

/* ---- HTTP client ---------------------------------------------------- */

struct client {
	CURL *c;
	char addr[16];         /* source address, 127.0.0.N */
};

struct resp {
	long status;
	struct svc_buf body;
	struct svc_buf hdr;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct svc_buf *b = arg;

	return svc_buf_add(b, p, size * n) == 0 ? size * n : 0;
}

static void
client_init(struct client *cl, int n)
{
	memset(cl, 0, sizeof(*cl));
	snprintf(cl->addr, sizeof(cl->addr), "127.0.0.%d", n);
	cl->c = curl_easy_init();
	/* An empty cookie file turns the engine on: this client's jar. */
	curl_easy_setopt(cl->c, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(cl->c, CURLOPT_INTERFACE, cl->addr);
	curl_easy_setopt(cl->c, CURLOPT_TIMEOUT, 30L);
}

static void
client_free(struct client *cl)
{
	curl_easy_cleanup(cl->c);
	cl->c = NULL;
}

static void
resp_free(struct resp *r)
{
	svc_buf_free(&r->body);
	svc_buf_free(&r->hdr);
}

/* method "GET" or "POST" (body and type then); the body of r is
 * NUL-terminated text ("" when empty). */
static int
req(struct client *cl, const char *method, const char *path,
    const char *body, size_t blen, const char *type, struct resp *r)
{
	struct curl_slist *h = NULL;
	char url[1024], ct[128];
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	svc_buf_init(&r->body, 8u << 20);
	svc_buf_init(&r->hdr, 1u << 20);
	svc_buf_str(&r->body, "");
	svc_buf_str(&r->hdr, "");
	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_setopt(cl->c, CURLOPT_URL, url);
	curl_easy_setopt(cl->c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(cl->c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(cl->c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(cl->c, CURLOPT_HEADERDATA, &r->hdr);
	curl_easy_setopt(cl->c, CURLOPT_FOLLOWLOCATION, 0L);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(cl->c, CURLOPT_POST, 1L);
		curl_easy_setopt(cl->c, CURLOPT_POSTFIELDS, body != NULL ?
		    body : "");
		curl_easy_setopt(cl->c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(body != NULL ? blen : 0));
		snprintf(ct, sizeof(ct), "Content-Type: %s", type != NULL ?
		    type : "application/x-www-form-urlencoded");
		h = curl_slist_append(h, ct);
		h = curl_slist_append(h, "Expect:");
	} else
		curl_easy_setopt(cl->c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(cl->c, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(cl->c);
	curl_easy_setopt(cl->c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		if (!quiet)
			fprintf(stderr, "%s %s: %s\n", method, path,
			    curl_easy_strerror(rc));
		r->status = -1;
		return -1;
	}
	curl_easy_getinfo(cl->c, CURLINFO_RESPONSE_CODE, &r->status);
	return 0;
}

static int
get(struct client *cl, const char *path, struct resp *r)
{
	return req(cl, "GET", path, NULL, 0, NULL, r);
}

static int
post(struct client *cl, const char *path, const char *body, struct resp *r)
{
	return req(cl, "POST", path, body, strlen(body), NULL, r);
}

static int
has(const struct resp *r, const char *s)
{
	return r->body.data != NULL && strstr(r->body.data, s) != NULL;
}

static int
hdr_has(const struct resp *r, const char *s)
{
	return r->hdr.data != NULL && strcasestr(r->hdr.data, s) != NULL;
}

/* The value="..." of the input named name, its HTML escapes undone. */
static int
form_value(const struct resp *r, const char *name, char *out, size_t outlen)
{
	static const struct {
		const char *ent;
		char ch;
	} ents[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
		{"&#39;", '\''}, {"&#61;", '='}, {"&#96;", '`'},
	};
	char pat[128];
	const char *p, *q;
	size_t n = 0, i;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "name=\"%s\" value=\"", name);
	if (r->body.data == NULL || (p = strstr(r->body.data, pat)) == NULL)
		return -1;
	p += strlen(pat);
	if ((q = strchr(p, '"')) == NULL)
		return -1;
	while (p < q) {
		if (n + 1 >= outlen)
			return -1;
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (strncmp(p, ents[i].ent, strlen(ents[i].ent)) == 0)
				break;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			out[n++] = ents[i].ch;
			p += strlen(ents[i].ent);
		} else
			out[n++] = *p++;
	}
	out[n] = '\0';
	return 0;
}

/* Appends name=value (URL-encoded) to a form body. */
static void
field(struct svc_buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		svc_buf_str(b, "&");
	svc_buf_url(b, name);
	svc_buf_str(b, "=");
	svc_buf_url(b, value);
}

/* ---- the login form ------------------------------------------------- */

struct login_form {
	char csrf[64], cid[64], cts[32], purpose[16], page[16];
	char answer[16];
};

/* GET the login page and read its hidden fields and the captcha's answer
 * from the database. */
static int
login_form(struct client *cl, const char *page, struct login_form *f)
{
	struct resp r;
	int rc = -1;

	memset(f, 0, sizeof(*f));
	if (get(cl, page, &r) != 0 || r.status != 200)
		goto out;
	if (form_value(&r, "csrf", f->csrf, sizeof(f->csrf)) != 0 ||
	    form_value(&r, "cid", f->cid, sizeof(f->cid)) != 0 ||
	    form_value(&r, "cts", f->cts, sizeof(f->cts)) != 0 ||
	    form_value(&r, "purpose", f->purpose, sizeof(f->purpose)) != 0 ||
	    form_value(&r, "page", f->page, sizeof(f->page)) != 0)
		goto out;
	if (svc_captcha_answer(db, f->cid, time(NULL), f->answer,
	    sizeof(f->answer)) != 0)
		goto out;
	rc = 0;
out:
	resp_free(&r);
	return rc;
}

static int
login_post(struct client *cl, const struct login_form *f, const char *user,
    const char *pass, const char *answer, struct resp *r)
{
	struct svc_buf b;
	int rc;

	svc_buf_init(&b, 1u << 16);
	svc_buf_str(&b, "");
	field(&b, "csrf", f->csrf);
	field(&b, "purpose", f->purpose);
	field(&b, "page", f->page);
	field(&b, "cid", f->cid);
	field(&b, "cts", f->cts);
	field(&b, "username", user);
	field(&b, "password", pass);
	field(&b, "captcha", answer != NULL ? answer : f->answer);
	rc = post(cl, "/login", b.data, r);
	svc_buf_free(&b);
	return rc;
}

/* A full login; 0 when it ends in the 303 to the purpose's page. */
static int
login(struct client *cl, const char *page, const char *user,
    const char *pass)
{
	struct login_form f;
	struct resp r;
	int rc;

	if (login_form(cl, page, &f) != 0)
		return -1;
	rc = login_post(cl, &f, user, pass, NULL, &r) == 0 &&
	    r.status == 303 ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "login %s as %s: status %ld\n", page, user,
		    r.status);
	resp_free(&r);
	return rc;
}

/* The session's CSRF token from a logged-in page. */
static int
page_csrf(struct client *cl, const char *path, char out[64])
{
	struct resp r;
	int rc;

	rc = get(cl, path, &r) == 0 && r.status == 200 &&
	    form_value(&r, "csrf", out, 64) == 0 ? 0 : -1;
	resp_free(&r);
	return rc;
}

/* ---- the database from this side ---------------------------------- */

static int64_t
count(const char *sql)
{
	svc_stmt *st = NULL;
	int64_t n = -1;

	if (svc_db_prepare(db, sql, &st) != 0)
		return -1;
	if (svc_stmt_step(st) == SVC_ROW)
		n = svc_stmt_int64(st, 0);
	svc_stmt_free(st);
	return n;
}

static void
make_uscc(int n, char out[19])
{
	snprintf(out, 19, "91110108%08d0", n % 100000000);
	out[17] = gmpki_uscc_check_char(out);
	out[18] = '\0';
}

static int64_t
add_account(int n, const char *user, const char *org, const char *pass)
{
	char uscc[19], hash[SVC_PWHASH_MAX];
	int64_t ent = 0, id = 0;

	make_uscc(n, uscc);
	if (svc_enterprise_add(db, uscc, org, "北京", &ent) != 0 ||
	    svc_password_hash(pass, cfg.pbkdf2_iter, hash, sizeof(hash)) != 0 ||
	    svc_account_add(db, user, ent, hash, time(NULL), &id) != 0) {
		fprintf(stderr, "cannot add account %s\n", user);
		exit(1);
	}
	return id;
}

static void
add_rp(const char *id, const char *name, const char *vendor,
    const char *province, const char *origin)
{
	struct svc_rp rp;

	memset(&rp, 0, sizeof(rp));
	snprintf(rp.id, sizeof(rp.id), "%s", id);
	snprintf(rp.name, sizeof(rp.name), "%s", name);
	snprintf(rp.type, sizeof(rp.type), "%s", "一套表");
	snprintf(rp.vendor, sizeof(rp.vendor), "%s", vendor);
	snprintf(rp.province, sizeof(rp.province), "%s", province);
	snprintf(rp.origin, sizeof(rp.origin), "%s", origin);
	snprintf(rp.return_url, sizeof(rp.return_url), "%s/certlogin", origin);
	if (svc_rp_add(db, &rp) != 0) {
		fprintf(stderr, "cannot add reporting system %s\n", id);
		exit(1);
	}
}

/* ---- enrollment through the API, as the helper does it ------------- */

/* A ticket from the 下载证书 form of a logged-in apply/reapply client. */
static int
ticket(struct client *cl, char out[64])
{
	char csrf[64], body[128];
	struct resp r;
	int rc;

	if (page_csrf(cl, "/apply/cert", csrf) != 0)
		return -1;
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	/* The hand-off page posts to the helper: it must send our origin
	 * (strict-origin), not "Origin: null" (no-referrer). */
	rc = post(cl, "/apply/ticket", body, &r) == 0 && r.status == 200 &&
	    hdr_has(&r, "Referrer-Policy: strict-origin") &&
	    !hdr_has(&r, "Referrer-Policy: no-referrer") &&
	    form_value(&r, "ticket", out, 64) == 0 ? 0 : -1;
	resp_free(&r);
	return rc;
}

/* POST /api/v1/enroll with a CSR made here; the serial issued. */
static int
enroll(struct client *cl, const char *tk, char serial[41])
{
	EVP_PKEY *key = NULL;
	X509_REQ *csr = NULL;
	char *pem = NULL;
	size_t pemlen = 0;
	struct svc_buf b;
	struct resp r;
	const char *p, *q;
	int rc = -1;

	serial[0] = '\0';
	svc_buf_init(&b, 1u << 16);
	if (gmpki_sm2_keygen(&key) != 0 ||
	    gmpki_csr_create(key, NULL, NULL, &csr) != 0 ||
	    gmpki_csr_to_pem(csr, &pem, &pemlen) != 0)
		goto out;
	svc_buf_str(&b, "{\"ticket\":\"");
	svc_buf_json(&b, tk);
	svc_buf_str(&b, "\",\"csr\":\"");
	svc_buf_json(&b, pem);
	svc_buf_str(&b, "\"}");
	if (req(cl, "POST", "/api/v1/enroll", b.data, b.len,
	    "application/json", &r) != 0)
		goto out;
	if (r.status == 200 &&
	    (p = strstr(r.body.data, "\"serial\":")) != NULL &&
	    (p = strchr(p + 9, '"')) != NULL && (q = strchr(p + 1, '"')) !=
	    NULL && q - p - 1 > 0 && q - p - 1 <= 40) {
		memcpy(serial, p + 1, (size_t)(q - p - 1));
		serial[q - p - 1] = '\0';
		rc = 0;
	} else
		fprintf(stderr, "enroll: %ld %s\n", r.status, r.body.data);
	resp_free(&r);
out:
	svc_buf_free(&b);
	free(pem);
	X509_REQ_free(csr);
	EVP_PKEY_free(key);
	return rc;
}

/* A certificate for user, the honest way: login, 下载证书, API. */
static int
issue(const char *user, const char *pass, int addr, char serial[41])
{
	struct client cl;
	char tk[64];
	int rc = -1;

	client_init(&cl, addr);
	if (login(&cl, "/apply", user, pass) == 0 && ticket(&cl, tk) == 0)
		rc = enroll(&cl, tk, serial);
	client_free(&cl);
	return rc;
}

static int
cert_status(const char *serial)
{
	struct svc_cert c;
	int st;

	memset(&c, 0, sizeof(c));
	if (svc_cert_find(db, serial, 0, &c) != 0)
		return -1;
	st = c.status;
	svc_cert_clear(&c);
	return st;
}

/* ---- the cases ------------------------------------------------------ */

static void
test_portal(void)
{
	struct client cl;
	struct resp r;

	client_init(&cl, 2);
	CHECK(get(&cl, "/", &r) == 0 && r.status == 200);
	CHECK(has(&r, "企业用户入口"));
	CHECK(has(&r, "万峰入口"));
	CHECK(has(&r, "同方入口"));
	CHECK(has(&r, "href=\"https://wf.example.cn\""));
	CHECK(has(&r, "href=\"https://tf.example.cn\""));
	CHECK(has(&r, ">广东</a>"));
	CHECK(has(&r, "提示:若您所填报的直报网址不在列表中,"
	    "请联系当地统计局询问所需填报的网址"));
	CHECK(has(&r, "href=\"/apply\"") && has(&r, "href=\"/reapply\"") &&
	    has(&r, "href=\"/revoke\"") && has(&r, "href=\"/status\"") &&
	    has(&r, "href=\"/help\"") && has(&r, "href=\"/download\""));
	/* A directory entry cannot put a script URL or markup on the page. */
	CHECK(!has(&r, "javascript:"));
	CHECK(!has(&r, "<script>alert"));
	CHECK(has(&r, "&lt;script&gt;"));
	CHECK(hdr_has(&r, "Content-Security-Policy: default-src 'self'"));
	resp_free(&r);

	CHECK(get(&cl, "/?lang=en", &r) == 0 && r.status == 200);
	CHECK(has(&r, "Enterprise user entry"));
	resp_free(&r);
	CHECK(get(&cl, "/help?lang=zh", &r) == 0 && r.status == 200);
	CHECK(has(&r, "清除身份认证信息") && has(&r, "该页无法显示") &&
	    has(&r, "环境修复") && has(&r, "该证书与用户名不匹配"));
	resp_free(&r);
	client_free(&cl);
}

static void
test_login_ok(void)
{
	struct client cl;
	struct login_form f;
	struct resp r;

	client_init(&cl, 3);
	CHECK(get(&cl, "/apply", &r) == 0 && r.status == 200);
	CHECK(has(&r, "申请证书") && has(&r, "验证码") && has(&r, "刷新"));
	CHECK(has(&r, "src=\"/captcha/"));
	CHECK(has(&r, "certhelper install"));
	CHECK(hdr_has(&r, "Set-Cookie: pcsrf="));
	resp_free(&r);

	CHECK_OK(login_form(&cl, "/apply", &f));
	/* The captcha image of a live captcha is a PNG. */
	{
		char path[128];

		snprintf(path, sizeof(path), "/captcha/%s.png", f.cid);
		CHECK(get(&cl, path, &r) == 0 && r.status == 200);
		CHECK(r.body.len > 8 && memcmp(r.body.data, "\x89PNG", 4) == 0);
		resp_free(&r);
	}
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", NULL, &r) == 0);
	CHECK(r.status == 303);
	CHECK(hdr_has(&r, "Location: /apply/cert"));
	CHECK(hdr_has(&r, "Set-Cookie: sid="));
	CHECK(hdr_has(&r, "HttpOnly") && hdr_has(&r, "SameSite=Strict"));
	resp_free(&r);

	CHECK(get(&cl, "/apply/cert", &r) == 0 && r.status == 200);
	CHECK(has(&r, "企业代码") && has(&r, "企业名称") && has(&r, "下载证书"));
	CHECK(has(&r, "爱丽丝企业&lt;有限&gt;公司"));
	CHECK(has(&r, "data-helper=\"http://127.0.0.1:17380\""));
	CHECK(has(&r, "证书助手未运行") && has(&r, "certhelper start"));
	resp_free(&r);
	/* A revoke page needs a revoke login. */
	CHECK(get(&cl, "/revoke/list", &r) == 0 && r.status == 303);
	CHECK(hdr_has(&r, "Location: /revoke"));
	resp_free(&r);
	client_free(&cl);

	/* 下载证书 (同方) and 重新申请证书 log in the same way. */
	client_init(&cl, 3);
	CHECK_OK(login(&cl, "/download", "alice", "alice-pass-1"));
	CHECK(get(&cl, "/apply/cert", &r) == 0 && r.status == 200);
	resp_free(&r);
	client_free(&cl);
	client_init(&cl, 3);
	CHECK_OK(login(&cl, "/reapply", "alice", "alice-pass-1"));
	CHECK(get(&cl, "/apply/cert", &r) == 0 && r.status == 200);
	CHECK(has(&r, "重新申请证书"));
	resp_free(&r);
	client_free(&cl);
}

static void
test_captcha(void)
{
	struct client cl;
	struct login_form f;
	struct resp r;
	char wrong[16], id[SVC_TOKEN_LEN + 1];
	time_t now = time(NULL);

	client_init(&cl, 4);
	/* wrong */
	CHECK_OK(login_form(&cl, "/apply", &f));
	snprintf(wrong, sizeof(wrong), "%s", f.answer);
	wrong[0] = wrong[0] == '2' ? '3' : '2';
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", wrong, &r) == 0);
	CHECK(r.status == 400 && has(&r, "验证码错误"));
	CHECK(!hdr_has(&r, "Set-Cookie: sid="));
	resp_free(&r);
	/* ... and it is gone: the right answer now is too late. */
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", NULL, &r) == 0);
	CHECK(r.status == 400 && has(&r, "验证码已使用"));
	resp_free(&r);

	/* reused after a good login */
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", NULL, &r) == 0);
	CHECK(r.status == 303);
	resp_free(&r);
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", NULL, &r) == 0);
	CHECK(r.status == 400 && has(&r, "验证码已使用，请刷新验证码"));
	resp_free(&r);

	/* expired: made 400 s ago with the 300 s lifetime */
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK_OK(svc_captcha_create(db, "ABCD", now - 400, cfg.captcha_ttl,
	    id));
	snprintf(f.cid, sizeof(f.cid), "%s", id);
	snprintf(f.cts, sizeof(f.cts), "%lld", (long long)now - 400);
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", "ABCD", &r) == 0);
	CHECK(r.status == 400 && has(&r, "验证码已失效，请刷新验证码"));
	resp_free(&r);
	/* an expired captcha has no image either */
	CHECK_OK(svc_captcha_create(db, "ABCD", now - 400, cfg.captcha_ttl,
	    id));
	{
		char path[128];

		snprintf(path, sizeof(path), "/captcha/%s.png", id);
		CHECK(get(&cl, path, &r) == 0 && r.status == 404);
		resp_free(&r);
	}
	/* unknown id, and no id at all */
	CHECK_OK(login_form(&cl, "/apply", &f));
	snprintf(f.cid, sizeof(f.cid), "%s", "nope");
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", "ABCD", &r) == 0);
	CHECK(r.status == 400 && !hdr_has(&r, "Set-Cookie: sid="));
	resp_free(&r);
	client_free(&cl);
}

static void
test_lockout(void)
{
	struct client cl;
	struct login_form f;
	struct resp r, u;
	struct svc_account a;
	const char *m1, *m2;
	int i;

	client_init(&cl, 5);
	for (i = 0; i < cfg.lockout_threshold; i++) {
		CHECK_OK(login_form(&cl, "/apply", &f));
		CHECK(login_post(&cl, &f, "locky", "wrong-password", NULL,
		    &r) == 0);
		CHECK(r.status == 401 && has(&r, "用户名或密码错误"));
		resp_free(&r);
	}
	CHECK_OK(svc_account_find(db, "locky", &a));
	CHECK(a.failed_logins == cfg.lockout_threshold);
	CHECK(a.locked_until > time(NULL) + cfg.lockout_seconds - 60);
	/* Locked: even the right password does not open it. */
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK(login_post(&cl, &f, "locky", "locky-pass-1", NULL, &r) == 0);
	CHECK(r.status == 403 && has(&r, "账户已被锁定"));
	CHECK(!hdr_has(&r, "Set-Cookie: sid="));
	resp_free(&r);

	/* Unknown user and wrong password: the same answer. */
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK(login_post(&cl, &f, "alice", "not-her-password", NULL,
	    &r) == 0);
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK(login_post(&cl, &f, "nobody-here", "not-her-password", NULL,
	    &u) == 0);
	CHECK(r.status == 401 && u.status == 401);
	m1 = strstr(r.body.data, "id=\"login-message\"");
	m2 = strstr(u.body.data, "id=\"login-message\"");
	CHECK(m1 != NULL && m2 != NULL);
	if (m1 != NULL && m2 != NULL)
		CHECK(strncmp(m1, m2, (size_t)(strchr(m1, '<') - m1)) == 0);
	CHECK(has(&u, "用户名或密码错误"));
	resp_free(&r);
	resp_free(&u);
	/* alice's counter went up by one; a good login resets it. */
	CHECK_OK(svc_account_find(db, "alice", &a));
	CHECK(a.failed_logins == 1);
	CHECK_OK(login(&cl, "/apply", "alice", "alice-pass-1"));
	CHECK_OK(svc_account_find(db, "alice", &a));
	CHECK(a.failed_logins == 0);
	CHECK(count("SELECT count(*) FROM audit_log WHERE action = 'login_failed'"
	    " AND actor = 'locky'") >= cfg.lockout_threshold + 1);
	client_free(&cl);
}

static void
test_rate_limit(void)
{
	struct client cl, other;
	struct resp r;
	int i, limited = 0, first = -1;

	client_init(&cl, 99);
	for (i = 0; i < RATE_LIMIT + 5; i++) {
		CHECK(post(&cl, "/login", "username=x", &r) == 0);
		if (r.status == 429) {
			if (first < 0)
				first = i;
			limited++;
		}
		resp_free(&r);
	}
	CHECK(first == RATE_LIMIT);
	CHECK(limited == 5);
	CHECK(post(&cl, "/login", "username=x", &r) == 0);
	CHECK(r.status == 429 && has(&r, "请求过于频繁"));
	CHECK(hdr_has(&r, "Retry-After:"));
	resp_free(&r);
	/* Another address is not affected. */
	client_init(&other, 98);
	CHECK_OK(login(&other, "/apply", "alice", "alice-pass-1"));
	client_free(&other);
	client_free(&cl);
}

static void
test_csrf(void)
{
	struct client cl;
	struct login_form f;
	struct resp r;
	char csrf[64], serial[41], body[256];
	int64_t tickets, sessions;

	client_init(&cl, 6);
	/* login without / with a wrong pre-session token */
	sessions = count("SELECT count(*) FROM sessions");
	CHECK_OK(login_form(&cl, "/apply", &f));
	snprintf(f.csrf, sizeof(f.csrf), "%s", "");
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", NULL, &r) == 0);
	CHECK(r.status == 403 && has(&r, "页面已失效"));
	resp_free(&r);
	CHECK_OK(login_form(&cl, "/apply", &f));
	f.csrf[0] = f.csrf[0] == 'A' ? 'B' : 'A';
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", NULL, &r) == 0);
	CHECK(r.status == 403);
	resp_free(&r);
	CHECK(count("SELECT count(*) FROM sessions") == sessions);

	/* POST /apply/ticket without the session's token: no ticket */
	CHECK_OK(login(&cl, "/apply", "alice", "alice-pass-1"));
	tickets = count("SELECT count(*) FROM tickets");
	CHECK(post(&cl, "/apply/ticket", "", &r) == 0 && r.status == 403);
	resp_free(&r);
	CHECK_OK(login_form(&cl, "/apply", &f));  /* the pre-session token */
	snprintf(body, sizeof(body), "csrf=%s", f.csrf);
	CHECK(post(&cl, "/apply/ticket", body, &r) == 0 && r.status == 403);
	resp_free(&r);
	CHECK(count("SELECT count(*) FROM tickets") == tickets);

	/* POST /revoke/do without it: the certificate stays */
	CHECK_OK(issue("carol", "carol-pass-1", 6, serial));
	CHECK_OK(login(&cl, "/revoke", "carol", "carol-pass-1"));
	snprintf(body, sizeof(body), "serial=%s", serial);
	CHECK(post(&cl, "/revoke/do", body, &r) == 0 && r.status == 403);
	resp_free(&r);
	snprintf(body, sizeof(body), "serial=%s&csrf=%s", serial,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	CHECK(post(&cl, "/revoke/do", body, &r) == 0 && r.status == 403);
	resp_free(&r);
	CHECK(cert_status(serial) == SVC_CERT_VALID);

	/* POST /logout without it: still logged in */
	CHECK(post(&cl, "/logout", "", &r) == 0 && r.status == 403);
	resp_free(&r);
	CHECK_OK(page_csrf(&cl, "/revoke/list", csrf));
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	CHECK(post(&cl, "/logout", body, &r) == 0 && r.status == 303);
	resp_free(&r);
	CHECK(get(&cl, "/revoke/list", &r) == 0 && r.status == 303);
	resp_free(&r);

	/* 证书状态查询 without its token */
	snprintf(body, sizeof(body), "serial=%s", serial);
	CHECK(post(&cl, "/status", body, &r) == 0 && r.status == 403);
	resp_free(&r);
	client_free(&cl);
}

static void
test_hostile_input(void)
{
	static const char evil[] = "' OR '1'='1' --<script>alert(1)</script>\"";
	struct client cl;
	struct login_form f;
	struct resp r;
	struct svc_buf b;
	char csrf[64];
	int64_t accounts, certs;

	client_init(&cl, 7);
	accounts = count("SELECT count(*) FROM accounts");
	certs = count("SELECT count(*) FROM certificates");
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK(login_post(&cl, &f, evil, evil, NULL, &r) == 0);
	CHECK(r.status == 401 && has(&r, "用户名或密码错误"));
	CHECK(!has(&r, "<script>alert"));
	CHECK(has(&r, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	resp_free(&r);
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK(login_post(&cl, &f, "alice' --", "x' OR '1'='1", NULL, &r) == 0);
	CHECK(r.status == 401);
	resp_free(&r);
	/* in the captcha field too */
	CHECK_OK(login_form(&cl, "/apply", &f));
	CHECK(login_post(&cl, &f, "alice", "alice-pass-1", evil, &r) == 0);
	CHECK(r.status == 400 && !has(&r, "<script>alert"));
	resp_free(&r);

	/* serial fields */
	CHECK(get(&cl, "/status", &r) == 0 && r.status == 200);
	CHECK_OK(form_value(&r, "csrf", csrf, sizeof(csrf)));
	resp_free(&r);
	svc_buf_init(&b, 4096);
	svc_buf_str(&b, "");
	field(&b, "csrf", csrf);
	field(&b, "serial", evil);
	CHECK(post(&cl, "/status", b.data, &r) == 0);
	CHECK(r.status == 400 && has(&r, "序列号格式错误"));
	CHECK(!has(&r, "<script>alert") && has(&r, "&lt;script&gt;"));
	resp_free(&r);
	svc_buf_free(&b);

	CHECK_OK(login(&cl, "/revoke", "alice", "alice-pass-1"));
	CHECK_OK(page_csrf(&cl, "/revoke/list", csrf));
	svc_buf_init(&b, 4096);
	svc_buf_str(&b, "");
	field(&b, "csrf", csrf);
	field(&b, "serial", "1' OR 1=1 --");
	CHECK(post(&cl, "/revoke/do", b.data, &r) == 0 && r.status == 404);
	CHECK(!has(&r, "<script>"));
	resp_free(&r);
	svc_buf_free(&b);
	CHECK(get(&cl, "/revoke/confirm?serial=%3Cscript%3E", &r) == 0 &&
	    r.status == 404 && !has(&r, "<script>"));
	resp_free(&r);
	CHECK(get(&cl, "/apply/done?serial=%27%20OR%201%3D1", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	CHECK(count("SELECT count(*) FROM accounts") == accounts);
	CHECK(count("SELECT count(*) FROM certificates") == certs);
	CHECK(count("SELECT count(*) FROM certificates WHERE status = 'R'"
	    " AND account_id = (SELECT id FROM accounts WHERE"
	    " username = 'alice')") == 0);
	client_free(&cl);
}

static void
test_apply_ticket_done(void)
{
	struct client cl, other;
	struct resp r;
	char tk[64], serial[41], bob_serial[41], path[128], purpose[16];
	int64_t acct = 0;

	client_init(&cl, 8);
	CHECK_OK(login(&cl, "/apply", "dave", "dave-pass-1"));
	CHECK(get(&cl, "/apply/cert", &r) == 0 && r.status == 200);
	CHECK(has(&r, "本账户目前没有证书"));
	resp_free(&r);
	CHECK_OK(ticket(&cl, tk));
	CHECK(strlen(tk) == SVC_TOKEN_LEN);
	/* the hand-off form the helper gets */
	{
		char csrf[64], body[128], val[256];

		CHECK_OK(page_csrf(&cl, "/apply/cert", csrf));
		snprintf(body, sizeof(body), "csrf=%s", csrf);
		CHECK(post(&cl, "/apply/ticket", body, &r) == 0);
		CHECK(r.status == 200);
		CHECK(has(&r, "action=\"http://127.0.0.1:17380/v1/enroll\""));
		CHECK_OK(form_value(&r, "service", val, sizeof(val)));
		CHECK_STR(val, base);
		CHECK_OK(form_value(&r, "return", val, sizeof(val)));
		snprintf(path, sizeof(path), "%s/apply/done", base);
		CHECK_STR(val, path);
		CHECK(has(&r, "src=\"/static/helper.js\""));
		CHECK(has(&r, "继续"));
		resp_free(&r);
	}
	CHECK_OK(enroll(&cl, tk, serial));
	/* a ticket works once */
	CHECK(enroll(&cl, tk, path) != 0);
	CHECK(svc_ticket_consume(db, tk, time(NULL), &acct, purpose) ==
	    SVC_ERR_TICKET_INVALID);

	snprintf(path, sizeof(path), "/apply/done?serial=%s", serial);
	CHECK(get(&cl, path, &r) == 0 && r.status == 200);
	CHECK(has(&r, "下载成功") && has(&r, "主题") && has(&r, "SM3 指纹") &&
	    has(&r, "有效期") && has(&r, serial) && has(&r, "返回数据报送系统"));
	CHECK(has(&r, "CN&#61;dave"));   /* '=' is escaped too */
	CHECK(has(&r, "戴夫企业"));
	resp_free(&r);
	/* serial in lower case with leading zeros: the same certificate */
	{
		char low[48];
		size_t i;

		snprintf(low, sizeof(low), "00%s", serial);
		for (i = 0; low[i] != '\0'; i++)
			if (low[i] >= 'A' && low[i] <= 'F')
				low[i] = (char)(low[i] - 'A' + 'a');
		snprintf(path, sizeof(path), "/apply/done?serial=%s", low);
		CHECK(get(&cl, path, &r) == 0 && r.status == 200);
		resp_free(&r);
	}
	/* the certificate page now lists it */
	CHECK(get(&cl, "/apply/cert", &r) == 0 && has(&r, serial) &&
	    has(&r, "正常"));
	resp_free(&r);

	/* someone else's certificate: the same 404 as none at all */
	CHECK_OK(issue("bob", "bob-pass-1", 8, bob_serial));
	snprintf(path, sizeof(path), "/apply/done?serial=%s", bob_serial);
	CHECK(get(&cl, path, &r) == 0 && r.status == 404);
	CHECK(!has(&r, "CN&#61;bob") && !has(&r, "鲍勃"));
	resp_free(&r);
	CHECK(get(&cl, "/apply/done?serial=ABCDEF0123", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	/* without any session: the page that re-enters with the cookie, then
	 * the login */
	client_init(&other, 8);
	snprintf(path, sizeof(path), "/apply/done?serial=%s", serial);
	CHECK(get(&other, path, &r) == 0 && r.status == 200);
	CHECK(has(&r, "id=\"follow\"") && has(&r, "&amp;r&#61;1"));
	CHECK(!has(&r, "dave"));
	resp_free(&r);
	snprintf(path, sizeof(path), "/apply/done?serial=%s&r=1", serial);
	CHECK(get(&other, path, &r) == 0 && r.status == 303);
	resp_free(&r);
	client_free(&other);

	/* 重新申请证书: the new certificate supersedes the old one */
	client_init(&other, 8);
	CHECK_OK(login(&other, "/reapply", "dave", "dave-pass-1"));
	CHECK_OK(ticket(&other, tk));
	CHECK_OK(enroll(&other, tk, path));
	CHECK(strcmp(path, serial) != 0);
	CHECK(cert_status(serial) == SVC_CERT_REVOKED);
	CHECK(cert_status(path) == SVC_CERT_VALID);
	client_free(&other);
	client_free(&cl);
}

static void
test_revoke(void)
{
	struct client cl;
	struct resp r;
	char serial[41], bob_serial[41], csrf[64], body[256], path[256];
	char val[256];
	struct svc_cert c;

	CHECK_OK(issue("erin", "erin-pass-1", 9, serial));
	CHECK_OK(issue("bob", "bob-pass-1", 9, bob_serial));
	client_init(&cl, 9);
	/* an apply session does not reach the revoke pages */
	CHECK_OK(login(&cl, "/apply", "erin", "erin-pass-1"));
	CHECK(get(&cl, "/revoke/list", &r) == 0 && r.status == 303);
	resp_free(&r);
	CHECK_OK(login(&cl, "/revoke", "erin", "erin-pass-1"));
	CHECK(get(&cl, "/revoke/list", &r) == 0 && r.status == 200);
	CHECK(has(&r, serial) && has(&r, ">废除</a>"));
	CHECK(has(&r, "<dialog id=\"revoke-dialog\""));
	CHECK(has(&r, "确定") && has(&r, "取消"));
	CHECK(has(&r, "src=\"/static/revoke.js\""));
	CHECK(!has(&r, bob_serial));
	CHECK_OK(form_value(&r, "csrf", csrf, sizeof(csrf)));
	resp_free(&r);

	/* the confirmation page without script */
	snprintf(path, sizeof(path), "/revoke/confirm?serial=%s", serial);
	CHECK(get(&cl, path, &r) == 0 && r.status == 200);
	CHECK(has(&r, "action=\"/revoke/do\"") && has(&r, serial));
	resp_free(&r);
	snprintf(path, sizeof(path), "/revoke/confirm?serial=%s", bob_serial);
	CHECK(get(&cl, path, &r) == 0 && r.status == 404);
	resp_free(&r);

	/* bob's certificate through erin's session: 404, nothing changes */
	snprintf(body, sizeof(body), "csrf=%s&serial=%s", csrf, bob_serial);
	CHECK(post(&cl, "/revoke/do", body, &r) == 0 && r.status == 404);
	resp_free(&r);
	CHECK(cert_status(bob_serial) == SVC_CERT_VALID);

	snprintf(body, sizeof(body), "csrf=%s&serial=%s", csrf, serial);
	CHECK(post(&cl, "/revoke/do", body, &r) == 0 && r.status == 200);
	CHECK(has(&r, "证书已废除") && has(&r, serial));
	CHECK(has(&r, "action=\"http://127.0.0.1:17380/v1/revoked\""));
	CHECK_OK(form_value(&r, "return", val, sizeof(val)));
	snprintf(path, sizeof(path), "%s/revoke/done?serial=%s", base, serial);
	CHECK_STR(val, path);
	CHECK_OK(form_value(&r, "serial", val, sizeof(val)));
	CHECK_STR(val, serial);
	resp_free(&r);
	memset(&c, 0, sizeof(c));
	CHECK_OK(svc_cert_find(db, serial, 0, &c));
	CHECK(c.status == SVC_CERT_REVOKED);
	CHECK(c.reason == 5);      /* cessationOfOperation */
	svc_cert_clear(&c);
	CHECK(count("SELECT count(*) FROM audit_log WHERE action LIKE 'revoke%'")
	    >= 1);
	/* twice: refused, clearly */
	CHECK(post(&cl, "/revoke/do", body, &r) == 0 && r.status == 409);
	CHECK(has(&r, "证书已被废除"));
	resp_free(&r);
	CHECK(get(&cl, "/revoke/list", &r) == 0 && has(&r, "已废除"));
	resp_free(&r);

	/* where the helper comes back */
	snprintf(path, sizeof(path), "/revoke/done?serial=%s", serial);
	CHECK(get(&cl, path, &r) == 0 && r.status == 200 &&
	    has(&r, "已废除"));
	resp_free(&r);

	/* 证书状态查询 */
	CHECK(get(&cl, "/status", &r) == 0 && r.status == 200);
	CHECK_OK(form_value(&r, "csrf", csrf, sizeof(csrf)));
	resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&serial=%s", csrf, serial);
	CHECK(post(&cl, "/status", body, &r) == 0 && r.status == 200);
	CHECK(has(&r, "已废除") && has(&r, "废除时间") &&
	    has(&r, gmpki_reason_label_zh(GMPKI_REASON_CESSATION_OF_OPERATION)));
	resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&serial=%s", csrf, bob_serial);
	CHECK(post(&cl, "/status", body, &r) == 0 && r.status == 200);
	CHECK(has(&r, "<strong>正常</strong>"));
	resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&serial=ABCDEF987654321", csrf);
	CHECK(post(&cl, "/status", body, &r) == 0 && r.status == 200);
	CHECK(has(&r, "<strong>未知</strong>"));
	resp_free(&r);
	client_free(&cl);
}

static void
test_expired_status(void)
{
	struct client cl;
	struct resp r;
	struct svc_cert c;
	char csrf[64], body[256];
	static const unsigned char der[] = {0x30, 0x00};
	int64_t id;

	/* An old certificate record, put in by hand: 已过期. */
	id = count("SELECT id FROM accounts WHERE username = 'alice'");
	memset(&c, 0, sizeof(c));
	snprintf(c.serial, sizeof(c.serial), "%s", "7E57ABCDEF01");
	c.account_id = id;
	snprintf(c.subject, sizeof(c.subject), "%s", "C=CN, CN=alice");
	c.not_before = time(NULL) - 4 * 365 * 86400L;
	c.not_after = time(NULL) - 365 * 86400L;
	c.status = SVC_CERT_VALID;
	c.reason = -1;
	memset(c.sm3_fp, 'a', 64);
	c.issued_at = c.not_before;
	c.der = (unsigned char *)der;
	c.der_len = sizeof(der);
	CHECK_OK(svc_cert_add(db, &c));
	client_init(&cl, 10);
	CHECK(get(&cl, "/status", &r) == 0 && r.status == 200);
	CHECK_OK(form_value(&r, "csrf", csrf, sizeof(csrf)));
	resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&serial=7e:57:ab:cd:ef:01", csrf);
	CHECK(post(&cl, "/status", body, &r) == 0 && r.status == 200);
	CHECK(has(&r, "<strong>已过期</strong>"));
	resp_free(&r);
	client_free(&cl);
}

static void
test_static_and_limits(void)
{
	static const char *const bad[] = {
		"/static/../certsvc.conf", "/static/%2e%2e/certsvc.conf",
		"/static/..%2fcertsvc.conf", "/static/%2e%2e%2f%2e%2e%2fetc/passwd",
		"/static/layout.html", "/static/style.css%00.js",
		"/static//etc/passwd", "/static/.%2e/certsvc.db",
	};
	struct client cl;
	struct resp r;
	char *big;
	size_t i;

	client_init(&cl, 11);
	CHECK(get(&cl, "/static/helper.js", &r) == 0 && r.status == 200);
	CHECK(hdr_has(&r, "javascript"));
	resp_free(&r);
	CHECK(get(&cl, "/static/revoke.js", &r) == 0 && r.status == 200);
	resp_free(&r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(get(&cl, bad[i], &r) == 0);
		CHECK(r.status == 400 || r.status == 404);
		CHECK(!has(&r, "public_url") && !has(&r, "root:"));
		if (r.status != 400 && r.status != 404)
			fprintf(stderr, "  %s: %ld\n", bad[i], r.status);
		resp_free(&r);
	}
	/* bodies: a login form is small */
	big = malloc(64 * 1024);
	memset(big, 'a', 64 * 1024);
	memcpy(big, "username=", 9);
	CHECK(req(&cl, "POST", "/login", big, 64 * 1024, NULL, &r) == 0);
	CHECK(r.status == 413 && has(&r, "请求数据过大"));
	resp_free(&r);
	CHECK(req(&cl, "POST", "/revoke/do", big, 64 * 1024, NULL, &r) == 0);
	CHECK(r.status == 413);
	resp_free(&r);
	free(big);
	/* methods */
	CHECK(get(&cl, "/login", &r) == 0 && r.status == 405);
	resp_free(&r);
	CHECK(post(&cl, "/help", "x=1", &r) == 0 && r.status != 200);
	resp_free(&r);
	client_free(&cl);
}

/* ---- the server ----------------------------------------------------- */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
run(char *const argv[])
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, p = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		p = ntohs(sa.sin_port);
	close(fd);
	return p;
}

/* Rewrites "key = value" lines of DATA/certsvc.conf. */
static int
conf_set(const char *key, const char *value)
{
	char path[PATH_MAX + 32], line[1024];
	struct svc_buf b;
	size_t klen = strlen(key);
	int found = 0, rc = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/certsvc.conf", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	svc_buf_init(&b, 1u << 20);
	svc_buf_str(&b, "");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0 &&
		    (line[klen] == ' ' || line[klen] == '=')) {
			svc_buf_printf(&b, "%s = %s\n", key, value);
			found = 1;
		} else
			svc_buf_str(&b, line);
	}
	fclose(f);
	if (!found)
		svc_buf_printf(&b, "%s = %s\n", key, value);
	if ((f = fopen(path, "w")) != NULL) {
		rc = fwrite(b.data, 1, b.len, f) == b.len ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	svc_buf_free(&b);
	return rc;
}

static void
server_stop(void)
{
	int st;

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, &st, 0);
		server = -1;
	}
}

static void
setup(void)
{
	char *argv[10], listen[64], rl[16], log[PATH_MAX + 16], err[256];
	char exe[PATH_MAX];
	const char *e;
	struct client cl;
	struct resp r;
	ssize_t n;
	int i, fd;

	if ((e = getenv("CERTSVC")) != NULL && e[0] != '\0')
		snprintf(certsvc, sizeof(certsvc), "%s", e);
	else {
		/* beside this test program, in the build's svc/ */
		if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0)
			exit(1);
		exe[n] = '\0';
		snprintf(certsvc, sizeof(certsvc), "%s/certsvc", dirname(exe));
	}
	if (access(certsvc, X_OK) != 0) {
		fprintf(stderr, "pages_test: no certsvc at %s\n", certsvc);
		exit(1);
	}
	svc_test_tmpdir(top, sizeof(top));
	if (snprintf(dir, sizeof(dir), "%s/data", top) >= (int)sizeof(dir))
		exit(1);
	if ((port = free_port()) < 0)
		exit(1);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	argv[0] = certsvc;
	argv[1] = "init";
	argv[2] = "--data";
	argv[3] = dir;
	argv[4] = "--listen";
	argv[5] = listen;
	argv[6] = "--public-url";
	argv[7] = base;
	argv[8] = NULL;
	if (run(argv) != 0) {
		fprintf(stderr, "pages_test: certsvc init failed\n");
		exit(1);
	}
	snprintf(rl, sizeof(rl), "%d", RATE_LIMIT);
	if (conf_set("rate_limit_per_minute", rl) != 0 ||
	    svc_config_load(dir, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "pages_test: config: %s\n", err);
		exit(1);
	}
	if (strcmp(cfg.public_url, base) != 0 || cfg.port != port) {
		fprintf(stderr, "pages_test: init did not take --listen and"
		    " --public-url\n");
		exit(1);
	}
	if (svc_db_open(cfg.database, &db) != 0 || svc_db_migrate(db) != 0) {
		fprintf(stderr, "pages_test: cannot open %s\n", cfg.database);
		exit(1);
	}
	add_account(1, "alice", "爱丽丝企业<有限>公司", "alice-pass-1");
	add_account(2, "bob", "鲍勃企业", "bob-pass-1");
	add_account(3, "carol", "卡罗尔企业", "carol-pass-1");
	add_account(4, "dave", "戴夫企业", "dave-pass-1");
	add_account(5, "erin", "艾琳企业", "erin-pass-1");
	add_account(6, "locky", "锁定测试企业", "locky-pass-1");
	add_rp("wanfeng", "万峰联网直报系统", "万峰", "", "https://wf.example.cn");
	add_rp("tongfang", "同方联网直报系统", "同方", "",
	    "https://tf.example.cn");
	add_rp("gd", "广东省联网直报系统", "自建", "广东",
	    "https://gd.example.cn");
	add_rp("evil", "<script>alert(1)</script>", "自建", "某省",
	    "javascript:alert(1)");

	snprintf(log, sizeof(log), "%s/serve.log", dir);
	if ((server = fork()) < 0)
		exit(1);
	if (server == 0) {
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(certsvc, certsvc, "serve", "--data", dir, (char *)NULL);
		_exit(127);
	}
	client_init(&cl, 1);
	quiet = 1;
	for (i = 0; i < 200; i++) {
		if (get(&cl, "/help", &r) == 0 && r.status == 200) {
			resp_free(&r);
			break;
		}
		resp_free(&r);
		usleep(50 * 1000);
	}
	client_free(&cl);
	quiet = 0;
	if (i == 200) {
		fprintf(stderr, "pages_test: certsvc serve did not answer"
		    " (log: %s)\n", log);
		server_stop();
		exit(1);
	}
}

int
main(void)
{
	gmpki_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	setup();
	RUN(test_portal);
	RUN(test_login_ok);
	RUN(test_captcha);
	RUN(test_lockout);
	RUN(test_rate_limit);
	RUN(test_csrf);
	RUN(test_hostile_input);
	RUN(test_apply_ticket_done);
	RUN(test_revoke);
	RUN(test_expired_status);
	RUN(test_static_and_limits);
	server_stop();
	svc_db_close(db);
	if (test_failures == 0)
		rm_rf(top);
	else
		fprintf(stderr, "pages_test: data kept in %s\n", top);
	curl_global_cleanup();
	TEST_MAIN_END();
}
