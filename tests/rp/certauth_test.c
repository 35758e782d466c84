/* certauth_test.c - libcertauth: every login outcome, with certificates made
 * by libgmpki, statements signed here, and an injected clock. */
#include "test.h"
#include "fixture.h"

#include <pthread.h>
#include <time.h>

#include "certauth/certauth.h"

#define RP_ID "wanfeng-zhibao"
#define ORIGIN "https://zhibao.example.cn"

static time_t base;            /* real time at start */
static time_t clock_now;       /* what the context sees */

static EVP_PKEY *root_key, *ca_key, *ee_key, *resp_key, *root2_key, *ca2_key;
static X509 *root, *ca, *ee, *ee_expired, *ee_future, *ee_soon, *ee_other;
static X509 *responder, *root2, *ca2, *ee2;
static char *ca_pem, *ca2_pem;

static time_t
test_clock(void *arg)
{
	(void)arg;
	return clock_now;
}

static void
pki_setup(void)
{
	time_t nb = base - 10 * DAY;

	fx_ca_pair(FX_ROOT_NAME, FX_CA_NAME, base - 2 * YEAR, base + 20 * YEAR,
	    base + 10 * YEAR, &root_key, &root, &ca_key, &ca);
	ee = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01",
	    &ee_key, ca, ca_key, base - DAY, base + YEAR);
	ee_expired = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01",
	    &ee_key, ca, ca_key, base - YEAR, base - DAY);
	ee_future = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01",
	    &ee_key, ca, ca_key, base + DAY, base + YEAR);
	ee_soon = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01",
	    &ee_key, ca, ca_key, base - YEAR, base + 10 * DAY);
	ee_other = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user02",
	    &ee_key, ca, ca_key, base - DAY, base + YEAR);
	responder = fx_issue(GMPKI_CERT_OCSP, FX_OCSP_NAME, &resp_key, ca,
	    ca_key, nb, base + YEAR);
	/* Another CA under the same names, with other keys. */
	fx_ca_pair(FX_ROOT_NAME, FX_CA_NAME, nb, base + 20 * YEAR,
	    base + 10 * YEAR, &root2_key, &root2, &ca2_key, &ca2);
	ee2 = fx_issue(GMPKI_CERT_EE_SIGN, "/C=CN/O=测试企业/CN=user01",
	    &ee_key, ca2, ca2_key, nb, base + YEAR);
	ca_pem = fx_pem(ca, NULL);
	ca2_pem = fx_pem(ca2, NULL);
}

static void
pki_free(void)
{
	X509 *certs[] = { root, ca, ee, ee_expired, ee_future, ee_soon,
	    ee_other, responder, root2, ca2, ee2 };
	EVP_PKEY *keys[] = { root_key, ca_key, ee_key, resp_key, root2_key,
	    ca2_key };

	fx_free(certs, FX_N(certs), keys, FX_N(keys));
	free(ca_pem);
	free(ca2_pem);
}

/* --- OCSP through the revocation callback ------------------------------- */

static X509 *ocsp_revoked;   /* the certificate the responder says is revoked */
static int ocsp_calls;
static int ocsp_refuse;
static int ocsp_unknown;     /* the responder does not know any certificate */
static time_t ocsp_shift;    /* added to the responder's clock */

static int
lookup(void *arg, const ASN1_INTEGER *serial, struct gmpki_ocsp_status *st)
{
	(void)arg;
	if (ocsp_unknown)
		st->status = GMPKI_STATUS_UNKNOWN;
	else if (ocsp_revoked != NULL && ASN1_INTEGER_cmp(serial,
	    X509_get0_serialNumber(ocsp_revoked)) == 0) {
		st->status = GMPKI_STATUS_REVOKED;
		st->revoked_at = clock_now - 500;
		st->reason = GMPKI_REASON_KEY_COMPROMISE;
	} else
		st->status = GMPKI_STATUS_GOOD;
	return 0;
}

static int
revocation_cb(void *arg, X509 *cert, X509 *issuer, unsigned char **der,
    size_t *len)
{
	struct gmpki_ocsp_responder r;

	(void)arg;
	ocsp_calls++;
	if (ocsp_refuse)
		return -1;
	CHECK(X509_cmp(issuer, ca) == 0);
	fx_responder(&r, ca, responder, resp_key, 3600, lookup);
	return fx_ocsp_ask(&r, cert, issuer, 0, 0, clock_now + ocsp_shift, NULL,
	    der, len);
}

/* --- helpers -------------------------------------------------------------- */

/* A context with the test clock; revocation by the callback (with_ocsp),
 * the CRLs crls, and fetching (fetch), as asked. */
static certauth_ctx *
ctx_make_rev(int with_ocsp, STACK_OF(X509_CRL) *crls, int fetch)
{
	struct certauth_config cfg;
	certauth_ctx *c = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = RP_ID;
	cfg.origin = ORIGIN;
	cfg.root = root;
	cfg.now = test_clock;
	if (with_ocsp)
		cfg.revocation = revocation_cb;
	cfg.crls = crls;
	cfg.fetch_revocation = fetch;
	CHECK_OK(certauth_ctx_new(&cfg, &c));
	return c;
}

static certauth_ctx *
ctx_make(int with_ocsp)
{
	return ctx_make_rev(with_ocsp, NULL, 0);
}

/* A posted login: the base64url fields and PEMs, owned here. */
struct login {
	char *statement, *signature, *cert, *chain;
	char *raw;      /* the statement bytes */
};

static void
login_free(struct login *l)
{
	free(l->statement);
	free(l->signature);
	free(l->cert);
	free(l->raw);
	memset(l, 0, sizeof(*l));
}

/* Signs raw statement bytes with key (sign_over NULL: over raw itself). */
static void
login_sign(struct login *l, const char *raw, size_t rawlen,
    const char *sign_over, EVP_PKEY *key, X509 *cert, const char *chain)
{
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = 0;

	memset(l, 0, sizeof(*l));
	l->raw = malloc(rawlen + 1);
	memcpy(l->raw, raw, rawlen);
	l->raw[rawlen] = '\0';
	CHECK_OK(certauth_b64url_encode(raw, rawlen, &l->statement));
	if (sign_over == NULL)
		CHECK_OK(gmpki_sm2_sign(key, NULL, raw, rawlen, sig, &siglen));
	else
		CHECK_OK(gmpki_sm2_sign(key, NULL, sign_over,
		    strlen(sign_over), sig, &siglen));
	CHECK_OK(certauth_b64url_encode(sig, siglen, &l->signature));
	l->cert = fx_pem(cert, NULL);
	l->chain = (char *)chain;
}

struct opts {
	const char *rp, *origin, *username;
	X509 *cert;
	X509 *named_cert;     /* the certificate cert_sm3 names; NULL: cert */
	const char *chain;
	const char *sign_over;
};

static void
login_make(struct login *l, const char *challenge, const struct opts *o)
{
	struct certauth_statement st;
	char fp[65], *raw = NULL;
	size_t rawlen = 0;
	X509 *cert = o->cert != NULL ? o->cert : ee;

	CHECK_OK(gmpki_cert_fingerprint_sm3(o->named_cert != NULL ?
	    o->named_cert : cert, fp));
	st.challenge = challenge;
	st.rp = o->rp != NULL ? o->rp : RP_ID;
	st.origin = o->origin != NULL ? o->origin : ORIGIN;
	st.username = o->username != NULL ? o->username : "user01";
	st.cert_sm3 = fp;
	st.time = clock_now;
	CHECK_OK(certauth_statement_encode(&st, &raw, &rawlen));
	login_sign(l, raw, rawlen, o->sign_over, ee_key, cert,
	    o->chain != NULL ? o->chain : ca_pem);
	free(raw);
}

/* New challenge for session, login per o, verify; returns the code. */
static int
run(certauth_ctx *c, const char *session, const char *verify_session,
    const struct opts *o, struct certauth_result *r)
{
	char chal[CERTAUTH_CHALLENGE_LEN + 1];
	struct login l;
	int rc;

	CHECK_OK(certauth_challenge_new(c, session, chal));
	login_make(&l, chal, o);
	rc = certauth_verify(c, verify_session, l.statement, l.signature,
	    l.cert, l.chain, o->username != NULL ? o->username : "user01", r);
	login_free(&l);
	return rc;
}

/* --- tests ---------------------------------------------------------------- */

static void
test_codec(void)
{
	struct certauth_statement st;
	unsigned char *d = NULL;
	size_t n = 0;
	char *s = NULL;

	CHECK_OK(certauth_b64url_encode("\xfb\xff", 2, &s));
	CHECK_STR(s, "-_8");
	free(s);
	CHECK_OK(certauth_b64url_decode("-_8", 3, &d, &n));
	CHECK(n == 2 && d[0] == 0xfb && d[1] == 0xff);
	free(d);
	CHECK_RC(certauth_b64url_decode("-_9", 3, &d, &n),
	    CERTAUTH_ERR_MALFORMED); /* non-zero trailing bits */
	CHECK_RC(certauth_b64url_decode("-_8=", 4, &d, &n),
	    CERTAUTH_ERR_MALFORMED);
	CHECK_RC(certauth_b64url_decode("+/88", 4, &d, &n),
	    CERTAUTH_ERR_MALFORMED);
	CHECK_RC(certauth_b64url_decode("abcde", 5, &d, &n),
	    CERTAUTH_ERR_MALFORMED);

	/* The canonical form, byte for byte. */
	st.challenge = "c";
	st.rp = "rp\"\\";
	st.origin = "o\n";
	st.username = "用户";
	st.cert_sm3 = "ab";
	st.time = 1764090000;
	CHECK_OK(certauth_statement_encode(&st, &s, &n));
	CHECK_STR(s, "{\"v\":1,\"challenge\":\"c\",\"rp\":\"rp\\\"\\\\\","
	    "\"origin\":\"o\\u000a\",\"username\":\"用户\",\"cert_sm3\":\"ab\","
	    "\"time\":1764090000}");
	CHECK(n == strlen(s));
	free(s);
}

static void
test_messages(void)
{
	CHECK_STR(certauth_strerror(CERTAUTH_ERR_EXPIRED),
	    "证书已过期，请重新申请证书");
	CHECK_STR(certauth_strerror(CERTAUTH_ERR_NOT_YET_VALID), "证书尚未生效");
	CHECK_STR(certauth_strerror(CERTAUTH_ERR_USERNAME),
	    "该证书与用户名不匹配");
	CHECK_STR(certauth_strerror(CERTAUTH_ERR_REVOKED), "证书已被废除");
	CHECK_STR(certauth_strerror(CERTAUTH_ERR_UNTRUSTED), "证书不受信任");
	CHECK_STR(certauth_strerror(CERTAUTH_ERR_CHALLENGE),
	    "身份验证已失效，请重新登录");
	CHECK_STR(certauth_errname(CERTAUTH_ERR_RP), "RP");
	CHECK(certauth_strerror(-999) != NULL);
	CHECK(certauth_strerror_en(-999) != NULL);
}

static void
test_ctx_args(void)
{
	struct certauth_config cfg;
	certauth_ctx *c = NULL;

	memset(&cfg, 0, sizeof(cfg));
	CHECK_RC(certauth_ctx_new(&cfg, &c), CERTAUTH_ERR_ARG);
	cfg.rp_id = RP_ID;
	cfg.origin = ORIGIN;
	CHECK_RC(certauth_ctx_new(&cfg, &c), CERTAUTH_ERR_ARG); /* no root */
	CHECK(c == NULL);
	cfg.root = root;
	cfg.fetch_timeout_ms = -1;
	CHECK_RC(certauth_ctx_new(&cfg, &c), CERTAUTH_ERR_ARG);
	cfg.fetch_timeout_ms = CERTAUTH_MAX_FETCH_TIMEOUT_MS + 1;
	CHECK_RC(certauth_ctx_new(&cfg, &c), CERTAUTH_ERR_ARG);
	cfg.fetch_timeout_ms = 0;
	CHECK_OK(certauth_ctx_new(&cfg, &c));
	certauth_ctx_free(c);
	certauth_ctx_free(NULL);
	c = NULL;

	/* The root's self-signature is checked once, here: a root signed with
	 * an empty SM2 ID (X509_sign), an intermediate given as the root, and
	 * the root under another ID are refused. */
	{
		X509 *bad = X509_dup(root);
		unsigned char *der = NULL;
		const unsigned char *q;
		int len;

		CHECK(X509_sign(bad, root_key, EVP_sm3()) > 0);
		len = i2d_X509(bad, &der);
		X509_free(bad);
		q = der;
		bad = d2i_X509(NULL, &q, len);
		OPENSSL_free(der);
		CHECK(bad != NULL);
		cfg.root = bad;
		CHECK_RC(certauth_ctx_new(&cfg, &c), CERTAUTH_ERR_UNTRUSTED);
		CHECK(c == NULL);
		X509_free(bad);
		cfg.root = ca;
		CHECK_RC(certauth_ctx_new(&cfg, &c), CERTAUTH_ERR_UNTRUSTED);
		cfg.root = root;
		cfg.sm2_id = "another-id";
		CHECK_RC(certauth_ctx_new(&cfg, &c), CERTAUTH_ERR_UNTRUSTED);
		CHECK(c == NULL);
	}
}

static void
test_redirect(void)
{
	certauth_ctx *c = ctx_make(0);
	char chal[CERTAUTH_CHALLENGE_LEN + 1], url[512], want[512];
	char small[40];

	CHECK_OK(certauth_challenge_new(c, "sess-1", chal));
	CHECK(strlen(chal) == CERTAUTH_CHALLENGE_LEN);
	CHECK(strspn(chal, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == CERTAUTH_CHALLENGE_LEN);
	CHECK_OK(certauth_redirect_url(c, chal, "user 01&x=用", url,
	    sizeof(url)));
	snprintf(want, sizeof(want), "http://127.0.0.1:17380/v1/login?rp="
	    RP_ID "&challenge=%s&username=user%%2001%%26x%%3D%%E7%%94%%A8",
	    chal);
	CHECK_STR(url, want);
	CHECK_RC(certauth_redirect_url(c, chal, "user01", small,
	    sizeof(small)), CERTAUTH_ERR_TOO_LARGE);
	CHECK_STR(small, "");
	CHECK_RC(certauth_challenge_new(c, "", chal), CERTAUTH_ERR_ARG);
	certauth_ctx_free(c);
}

static void
test_success(void)
{
	certauth_ctx *c = ctx_make(0);
	struct certauth_result r;
	struct opts o = { 0 };
	char fp[65];

	clock_now = base;
	CHECK_OK(run(c, "sess-1", "sess-1", &o, &r));
	CHECK(r.code == 0);
	CHECK_STR(r.username, "user01");
	CHECK_STR(r.uscc, USCC);
	CHECK_STR(r.org, "测试企业");
	CHECK(r.not_after == base + YEAR);
	CHECK(r.expiring_soon == 0);
	CHECK(r.revocation_checked == 0);
	CHECK(r.statement_time == base);
	CHECK(r.days_left == 365);
	CHECK_STR(r.message_zh, "登录成功");
	CHECK_OK(gmpki_cert_fingerprint_sm3(ee, fp));
	CHECK_STR(r.cert_sm3, fp);
	CHECK(strstr(r.detail, "revocation not checked") != NULL);
	/* Without a chain when the root issued the leaf directly is fine too:
	 * here the intermediate is needed, so no chain is untrusted. */
	o.chain = "";
	CHECK_RC(run(c, "sess-1", "sess-1", &o, &r), CERTAUTH_ERR_UNTRUSTED);
	CHECK(certauth_challenge_count(c) == 0);
	certauth_ctx_free(c);
}

static void
test_validity(void)
{
	certauth_ctx *c = ctx_make(0);
	struct certauth_result r;
	struct opts o = { 0 };

	clock_now = base;
	o.cert = ee_expired;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_EXPIRED);
	CHECK_STR(r.message_zh, "证书已过期，请重新申请证书");
	o.cert = ee_future;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_NOT_YET_VALID);
	CHECK_STR(r.message_zh, "证书尚未生效");

	/* The injected clock: ee itself after its end, and before its start. */
	o.cert = ee;
	clock_now = base + YEAR + 60;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_EXPIRED);
	clock_now = base - 2 * DAY;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_NOT_YET_VALID);

	/* Expiring soon: success with the warning; 30 days by default. */
	clock_now = base;
	o.cert = ee_soon;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.expiring_soon == 1 && r.days_left == 10);
	CHECK_STR(r.message_zh, "您的证书即将到期");
	CHECK_STR(r.username, "user01");
	/* ee at 31 days before its end: no warning; at 29: warning. */
	o.cert = ee;
	clock_now = base + YEAR - 31 * DAY;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.expiring_soon == 0);
	clock_now = base + YEAR - 29 * DAY;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.expiring_soon == 1);
	certauth_ctx_free(c);

	/* Configurable: 5 days. */
	{
		struct certauth_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		cfg.rp_id = RP_ID;
		cfg.origin = ORIGIN;
		cfg.root = root;
		cfg.now = test_clock;
		cfg.warn_days = 5;
		CHECK_OK(certauth_ctx_new(&cfg, &c));
		clock_now = base;
		o.cert = ee_soon;
		CHECK_OK(run(c, "s", "s", &o, &r));
		CHECK(r.expiring_soon == 0);
		CHECK_STR(r.message_zh, "登录成功");
		certauth_ctx_free(c);
	}
}

static void
test_challenge(void)
{
	certauth_ctx *c = ctx_make(0);
	char chal[CERTAUTH_CHALLENGE_LEN + 1], chal2[CERTAUTH_CHALLENGE_LEN + 1];
	struct certauth_result r;
	struct opts o = { 0 };
	struct login l;

	clock_now = base;
	/* Replay: the same post twice. */
	CHECK_OK(certauth_challenge_new(c, "s", chal));
	login_make(&l, chal, &o);
	CHECK_OK(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r));
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
	CHECK_STR(r.message_zh, "身份验证已失效，请重新登录");
	CHECK(r.username[0] == '\0');
	login_free(&l);

	/* Consumed even when the first use fails (username mismatch). */
	CHECK_OK(certauth_challenge_new(c, "s", chal));
	login_make(&l, chal, &o);
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user02", &r), CERTAUTH_ERR_USERNAME);
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
	login_free(&l);

	/* Unknown: a well-formed challenge this context never made. */
	login_make(&l, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &o);
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
	login_free(&l);

	/* Stale: 121 s later; 119 s is still fine. */
	CHECK_OK(certauth_challenge_new(c, "s", chal));
	CHECK_OK(certauth_challenge_new(c, "s", chal2));
	clock_now = base + 119;
	login_make(&l, chal2, &o);
	CHECK_OK(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r));
	login_free(&l);
	clock_now = base + 121;
	login_make(&l, chal, &o);
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
	CHECK_STR(r.message_zh, "身份验证已失效，请重新登录");
	login_free(&l);
	CHECK(certauth_challenge_count(c) == 0);

	/* Issued to another session (login CSRF): refused, and consumed. */
	clock_now = base;
	CHECK_RC(run(c, "victim", "attacker", &o, &r), CERTAUTH_ERR_CHALLENGE);
	CHECK(strstr(r.detail, "another session") != NULL);
	CHECK(certauth_challenge_count(c) == 0);
	certauth_ctx_free(c);

	/* A second context (another RP process) does not know the challenge. */
	{
		certauth_ctx *c1 = ctx_make(0), *c2 = ctx_make(0);
		CHECK_OK(certauth_challenge_new(c1, "s", chal));
		login_make(&l, chal, &o);
		CHECK_RC(certauth_verify(c2, "s", l.statement, l.signature,
		    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
		CHECK_OK(certauth_verify(c1, "s", l.statement, l.signature,
		    l.cert, l.chain, "user01", &r));
		login_free(&l);
		certauth_ctx_free(c1);
		certauth_ctx_free(c2);
	}
}

static void
test_busy(void)
{
	struct certauth_config cfg;
	certauth_ctx *c = NULL;
	char chal[CERTAUTH_CHALLENGE_LEN + 1];

	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = RP_ID;
	cfg.origin = ORIGIN;
	cfg.root = root;
	cfg.now = test_clock;
	cfg.max_challenges = 3;
	CHECK_OK(certauth_ctx_new(&cfg, &c));
	clock_now = base;
	CHECK_OK(certauth_challenge_new(c, "a", chal));
	CHECK_OK(certauth_challenge_new(c, "b", chal));
	CHECK_OK(certauth_challenge_new(c, "c", chal));
	CHECK_RC(certauth_challenge_new(c, "d", chal), CERTAUTH_ERR_BUSY);
	clock_now = base + 120; /* all three expired: room again */
	CHECK_OK(certauth_challenge_new(c, "d", chal));
	CHECK(certauth_challenge_count(c) == 1);
	certauth_ctx_free(c);
}

static void
test_binding(void)
{
	certauth_ctx *c = ctx_make(0);
	struct certauth_result r;
	struct opts o;

	clock_now = base;
	memset(&o, 0, sizeof(o));
	o.rp = "tongfang-zhibao";
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_RP);
	memset(&o, 0, sizeof(o));
	o.origin = "https://evil.example.cn";
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_RP);
	memset(&o, 0, sizeof(o));
	o.origin = ORIGIN "/";
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_RP);

	/* Signature over other bytes. */
	memset(&o, 0, sizeof(o));
	o.sign_over = "{\"v\":1}";
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_SIGNATURE);
	/* Signed by ee_key, presented with a certificate of another key. */
	{
		EVP_PKEY *k2 = NULL;
		X509 *other;
		CHECK_OK(gmpki_sm2_keygen(&k2));
		other = fx_issue(GMPKI_CERT_EE_SIGN,
		    "/C=CN/O=测试企业/CN=user01", &k2, ca, ca_key, base - DAY,
		    base + YEAR);
		memset(&o, 0, sizeof(o));
		o.cert = other;
		CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_SIGNATURE);
		X509_free(other);
		EVP_PKEY_free(k2);
	}
	/* cert_sm3 names another certificate (same key). */
	memset(&o, 0, sizeof(o));
	o.named_cert = ee_other;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_CERT_MISMATCH);

	/* Chain from another CA (same names, other keys). */
	memset(&o, 0, sizeof(o));
	o.cert = ee2;
	o.chain = ca2_pem;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_UNTRUSTED);
	CHECK_STR(r.message_zh, "证书不受信任");
	/* Our leaf with the foreign CA as "chain". */
	memset(&o, 0, sizeof(o));
	o.chain = ca2_pem;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_UNTRUSTED);

	/* Username: a second account's certificate; and the statement's. */
	memset(&o, 0, sizeof(o));
	o.cert = ee_other;
	o.username = "user01";
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_USERNAME);
	CHECK_STR(r.message_zh, "该证书与用户名不匹配");
	{
		char chal[CERTAUTH_CHALLENGE_LEN + 1];
		struct login l;
		memset(&o, 0, sizeof(o));
		o.username = "user02"; /* statement says user02, cert user01 */
		CHECK_OK(certauth_challenge_new(c, "s", chal));
		login_make(&l, chal, &o);
		CHECK_RC(certauth_verify(c, "s", l.statement, l.signature,
		    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_USERNAME);
		login_free(&l);
	}
	certauth_ctx_free(c);
}

/* Posts raw statement bytes (signed correctly) with a fresh challenge. */
static int
post_raw(certauth_ctx *c, const char *raw, struct certauth_result *r)
{
	struct login l;
	int rc;

	login_sign(&l, raw, strlen(raw), NULL, ee_key, ee, ca_pem);
	rc = certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", r);
	login_free(&l);
	return rc;
}

static void
test_malformed(void)
{
	certauth_ctx *c = ctx_make(0);
	char chal[CERTAUTH_CHALLENGE_LEN + 1], fp[65], raw[1024], *big;
	struct certauth_result r;
	struct opts o = { 0 };
	struct login l;
	size_t n;

	clock_now = base;
	CHECK_OK(gmpki_cert_fingerprint_sm3(ee, fp));
	CHECK_OK(certauth_challenge_new(c, "s", chal));

	/* Non-canonical: whitespace, key order, escapes, extra members. */
#define STMT(fmt) snprintf(raw, sizeof(raw), fmt, chal, fp)
	STMT("{\"v\":1, \"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\",\"time\":1}");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	CHECK(strstr(r.detail, "canonical") != NULL);
	STMT("{\"challenge\":\"%s\",\"v\":1,\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\",\"time\":1}");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	STMT("{\"v\":1,\"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user\\u00301\",\"cert_sm3\":\"%s\","
	    "\"time\":1}");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	STMT("{\"v\":1,\"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\","
	    "\"time\":1.0}");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	STMT("{\"v\":1,\"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\",\"time\":1,"
	    "\"x\":0}");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	STMT("{\"v\":1,\"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\",\"time\":1}\n");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	STMT("{\"v\":2,\"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\",\"time\":1}");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	/* Upper-case hex is not the canonical cert_sm3. */
	for (n = 0; fp[n] != '\0'; n++)
		if (fp[n] >= 'a' && fp[n] <= 'f')
			fp[n] = (char)(fp[n] - 'a' + 'A');
	STMT("{\"v\":1,\"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\",\"time\":1}");
	CHECK_RC(post_raw(c, raw, &r), CERTAUTH_ERR_MALFORMED);
	CHECK_OK(gmpki_cert_fingerprint_sm3(ee, fp));
	/* The canonical one, hand-written, passes; the challenge was never
	 * consumed by the malformed posts above (they failed earlier). */
	STMT("{\"v\":1,\"challenge\":\"%s\",\"rp\":\"" RP_ID "\",\"origin\":\""
	    ORIGIN "\",\"username\":\"user01\",\"cert_sm3\":\"%s\",\"time\":1}");
	CHECK_OK(post_raw(c, raw, &r));
	CHECK(r.statement_time == 1);
#undef STMT

	/* Truncated statement (base64url cut), and not base64url. */
	CHECK_OK(certauth_challenge_new(c, "s", chal));
	login_make(&l, chal, &o);
	l.statement[strlen(l.statement) / 2] = '\0';
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_MALFORMED);
	CHECK_RC(certauth_verify(c, "s", "", l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_MALFORMED);
	CHECK_RC(certauth_verify(c, "s", "eyJ2Ijox+/==", l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_MALFORMED);
	/* Truncated signature, certificate, chain. */
	l.signature[10] = '\0';
	CHECK_RC(certauth_verify(c, "s", "e30", l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_MALFORMED);
	login_free(&l);
	login_make(&l, chal, &o);
	l.cert[strlen(l.cert) / 2] = '\0';
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_MALFORMED);
	login_free(&l);
	login_make(&l, chal, &o);
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    "-----BEGIN CERTIFICATE-----\nAAAA\n", "user01", &r),
	    CERTAUTH_ERR_MALFORMED);
	/* The challenge survived all of that: it is consumed only once found. */
	CHECK_OK(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r));
	login_free(&l);

	/* Oversize: statement over 4 KiB decoded, and over the b64 bound. */
	big = malloc(CERTAUTH_MAX_PEM + 2);
	memset(big, 'A', CERTAUTH_MAX_PEM + 1);
	big[CERTAUTH_MAX_PEM + 1] = '\0';
	CHECK_OK(certauth_challenge_new(c, "s", chal));
	login_make(&l, chal, &o);
	CHECK_RC(certauth_verify(c, "s", big, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_TOO_LARGE);
	big[(CERTAUTH_MAX_STATEMENT + 2) / 3 * 4] = '\0'; /* 4097..4098 bytes */
	CHECK_RC(certauth_verify(c, "s", big, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_TOO_LARGE);
	memset(big, 'A', CERTAUTH_MAX_PEM + 1);
	big[CERTAUTH_MAX_PEM + 1] = '\0';
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, big,
	    l.chain, "user01", &r), CERTAUTH_ERR_TOO_LARGE);
	CHECK_RC(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    big, "user01", &r), CERTAUTH_ERR_TOO_LARGE);
	CHECK_RC(certauth_verify(c, "s", l.statement, big, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_TOO_LARGE);
	/* A signed, canonical statement over 4 KiB (huge username). */
	{
		struct certauth_statement st;
		char *raw2 = NULL, *uname = malloc(5000);
		size_t rawlen = 0;
		struct login l2;
		memset(uname, 'u', 4999);
		uname[4999] = '\0';
		st.challenge = chal;
		st.rp = RP_ID;
		st.origin = ORIGIN;
		st.username = uname;
		st.cert_sm3 = fp;
		st.time = 1;
		CHECK_OK(certauth_statement_encode(&st, &raw2, &rawlen));
		login_sign(&l2, raw2, rawlen, NULL, ee_key, ee, ca_pem);
		CHECK_RC(certauth_verify(c, "s", l2.statement, l2.signature,
		    l2.cert, l2.chain, "user01", &r), CERTAUTH_ERR_TOO_LARGE);
		login_free(&l2);
		free(raw2);
		free(uname);
	}
	CHECK_OK(certauth_verify(c, "s", l.statement, l.signature, l.cert,
	    l.chain, "user01", &r));
	login_free(&l);
	free(big);

	/* Missing arguments. */
	CHECK_RC(certauth_verify(c, "s", NULL, "", "", NULL, "u", &r),
	    CERTAUTH_ERR_ARG);
	CHECK_RC(certauth_verify(c, "s", "", "", "", NULL, "u", NULL),
	    CERTAUTH_ERR_ARG);
	certauth_ctx_free(c);
}

static void
test_revocation(void)
{
	certauth_ctx *c = ctx_make(1);
	struct certauth_result r;
	struct opts o = { 0 };

	clock_now = base;
	ocsp_calls = 0;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.revocation_checked == 1 && ocsp_calls == 1);
	CHECK(strstr(r.detail, "not checked") == NULL);

	ocsp_revoked = ee;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOKED);
	CHECK_STR(r.message_zh, "证书已被废除");
	ocsp_revoked = NULL;

	/* No answer: status unknown, login refused. */
	ocsp_refuse = 1;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	ocsp_refuse = 0;

	/* A foreign chain never reaches the callback. */
	ocsp_calls = 0;
	o.cert = ee2;
	o.chain = ca2_pem;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_UNTRUSTED);
	CHECK(ocsp_calls == 0);
	/* Nor does a bad signature. */
	memset(&o, 0, sizeof(o));
	o.sign_over = "x";
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_SIGNATURE);
	CHECK(ocsp_calls == 0);
	certauth_ctx_free(c);
}

/* A CRL of issuer at clock_now, valid a day, listing revoked (or nothing). */
static STACK_OF(X509_CRL) *
crls_make(X509 *issuer, EVP_PKEY *key, X509 *revoked)
{
	STACK_OF(X509_CRL) *sk = sk_X509_CRL_new_null();
	X509_CRL *crl = fx_crl(issuer, key, revoked, clock_now - 100,
	    GMPKI_REASON_KEY_COMPROMISE, 1, clock_now - 60, clock_now + DAY);

	CHECK(sk != NULL && sk_X509_CRL_push(sk, crl) == 1);
	return sk;
}

/* OCSP first, the configured CRLs when it gives no answer; "revoked" and
 * "unknown" from the responder are final; the counters. */
static void
test_revocation_sources(void)
{
	STACK_OF(X509_CRL) *good, *listing, *roots;
	struct certauth_revocation_stats st;
	struct certauth_result r;
	struct opts o = { 0 };
	certauth_ctx *c;

	clock_now = base;
	good = crls_make(ca, ca_key, NULL);
	listing = crls_make(ca, ca_key, ee);
	roots = crls_make(root, root_key, NULL);

	/* The callback answers: its source. */
	c = ctx_make_rev(1, good, 0);
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_CALLBACK);
	CHECK_STR(certauth_revocation_source_name(r.revocation_source),
	    "callback");
	CHECK(r.ocsp_detail == NULL && r.crl_detail == NULL);
	/* No OCSP answer: the configured CRL answers. */
	ocsp_refuse = 1;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_CRL_CONFIG);
	CHECK(r.revocation_checked == 1);
	CHECK(r.ocsp_detail != NULL && strstr(r.ocsp_detail, "callback"));
	ocsp_refuse = 0;
	/* "unknown" from the responder is final, even with a good CRL. */
	ocsp_unknown = 1;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	CHECK(strstr(r.detail, "does not know") != NULL);
	ocsp_unknown = 0;
	/* "revoked" from the responder is final, even with a good CRL. */
	ocsp_revoked = ee;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOKED);
	CHECK(strstr(r.detail, "(OCSP)") != NULL);
	ocsp_revoked = NULL;
	/* A stale OCSP answer (its nextUpdate an hour ago) falls through
	 * to the CRL. */
	ocsp_shift = -2 * 3600;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_CRL_CONFIG);
	CHECK_STR(r.ocsp_detail, "OCSP answer is stale");
	ocsp_shift = 0;
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.failures == 1 && st.ocsp_errors == 2);
	CHECK(st.ocsp_fetches == 0 && st.crl_fetches == 0);
	certauth_ctx_free(c);

	/* A CRL listing the certificate. */
	c = ctx_make_rev(0, listing, 0);
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOKED);
	CHECK_STR(r.message_zh, "证书已被废除");
	CHECK(strstr(r.detail, "(CRL)") != NULL);
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_CRL_CONFIG);
	/* ... that has expired: unknown. */
	clock_now = base + 2 * DAY;
	o.cert = ee;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	CHECK_STR(r.crl_detail, "CRL is stale");
	clock_now = base;
	certauth_ctx_free(c);

	/* Only the root's CRL (about the CA, not the leaf): not covered. */
	c = ctx_make_rev(0, roots, 0);
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	CHECK_STR(r.crl_detail, "no configured CRL of the certificate's issuer");
	certauth_ctx_free(c);

	/* Fetching, for a certificate without URLs: no network, unknown. */
	memset(&o, 0, sizeof(o));
	c = ctx_make_rev(0, NULL, 1);
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	CHECK_STR(r.message_zh, "无法确认证书状态，请稍后再试");
	CHECK_STR(r.ocsp_detail, "the certificate has no OCSP URL");
	CHECK_STR(r.crl_detail, "the certificate has no CRL distribution point");
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_NONE);
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.failures == 1 && st.ocsp_errors == 1 && st.crl_errors == 1);
	CHECK(st.ocsp_fetches == 0 && st.crl_fetches == 0);
	CHECK(st.ocsp_cached == 0 && st.crl_cached == 0);
	certauth_ctx_free(c);

	/* Without any source nothing is checked, and the result says so. */
	c = ctx_make_rev(0, NULL, 0);
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.revocation_checked == 0);
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_NONE);
	CHECK(strstr(r.detail, "not checked") != NULL);
	CHECK_RC(certauth_revocation_stats(NULL, &st), CERTAUTH_ERR_ARG);
	certauth_ctx_free(c);

	CHECK_STR(certauth_revocation_source_name(99), "none");
	sk_X509_CRL_pop_free(good, X509_CRL_free);
	sk_X509_CRL_pop_free(listing, X509_CRL_free);
	sk_X509_CRL_pop_free(roots, X509_CRL_free);
}

/* --- a verified OCSP answer's verdict is kept for its window ----------- */

static unsigned char *replay_der;   /* the answer the callback hands in */
static size_t replay_len;
static int replay_calls;

static int
replay_cb(void *arg, X509 *cert, X509 *issuer, unsigned char **der,
    size_t *len)
{
	(void)arg;
	(void)cert;
	(void)issuer;
	replay_calls++;
	if ((*der = malloc(replay_len)) == NULL)
		return -1;
	memcpy(*der, replay_der, replay_len);
	*len = replay_len;
	return 0;
}

/* One answer about ee made at clock_now by signer, valid secs. */
static void
replay_make(X509 *signer, EVP_PKEY *key, int secs)
{
	struct gmpki_ocsp_responder r;

	free(replay_der);
	replay_der = NULL;
	fx_responder(&r, ca, signer, key, secs, lookup);
	CHECK_OK(fx_ocsp_ask(&r, ee, ca, 0, 0, clock_now, NULL, &replay_der,
	    &replay_len));
}

static void
test_ocsp_verdicts(void)
{
	struct certauth_config cfg;
	struct certauth_revocation_stats st;
	struct certauth_result r;
	struct opts o = { 0 };
	certauth_ctx *c = NULL;
	EVP_PKEY *k2 = NULL;
	X509 *short_resp;

	clock_now = base;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = RP_ID;
	cfg.origin = ORIGIN;
	cfg.root = root;
	cfg.now = test_clock;
	cfg.revocation = replay_cb;
	CHECK_OK(certauth_ctx_new(&cfg, &c));

	/* The same bytes twice: verified once, the second login reuses the
	 * verdict (a cache hit), both good. */
	replay_make(responder, resp_key, 3600);
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_CALLBACK);
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 0 && st.ocsp_cached == 1);
	clock_now = base + 1800;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK(r.revocation_source == CERTAUTH_REVOCATION_CALLBACK);
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 1);
	/* At nextUpdate the window closes: the same bytes are judged again,
	 * stale, and with no other source the status is unknown. */
	clock_now = base + 3600;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	CHECK_STR(r.ocsp_detail, "OCSP answer is stale");
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 1 && st.ocsp_cached == 0);
	/* A clock gone back before thisUpdate (less the 5-minute skew). */
	clock_now = base;
	replay_make(responder, resp_key, 3600);
	CHECK_OK(run(c, "s", "s", &o, &r));
	clock_now = base - 301;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	CHECK_STR(r.ocsp_detail, "OCSP answer is stale");

	/* A revoked verdict is kept too: REVOKED both times. */
	clock_now = base;
	ocsp_revoked = ee;
	replay_make(responder, resp_key, 3600);
	ocsp_revoked = NULL;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOKED);
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOKED);
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 2);
	/* Other bytes for the same certificate are verified, not matched
	 * against the kept verdict: a good answer now says good. */
	replay_make(responder, resp_key, 3600);
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 2);

	/* A delegated responder whose certificate ends before the answer's
	 * nextUpdate: the verdict lasts only as long as the responder. */
	short_resp = fx_issue(GMPKI_CERT_OCSP, FX_OCSP_NAME, &k2, ca, ca_key,
	    base - DAY, base + 600);
	replay_make(short_resp, k2, 3600);
	CHECK_OK(run(c, "s", "s", &o, &r));
	clock_now = base + 600;
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 3);
	clock_now = base + 601;
	CHECK_RC(run(c, "s", "s", &o, &r), CERTAUTH_ERR_REVOCATION_UNKNOWN);
	CHECK(r.ocsp_detail != NULL &&
	    strstr(r.ocsp_detail, "not from the CA's responder") != NULL);
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 3);
	/* An answer without nextUpdate ("newer news is always to be had")
	 * is verified at every use, never kept. */
	clock_now = base;
	replay_make(responder, resp_key, 0);
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK_OK(run(c, "s", "s", &o, &r));
	CHECK_OK(certauth_revocation_stats(c, &st));
	CHECK(st.ocsp_cache_hits == 3);
	CHECK(replay_calls == 13);

	clock_now = base;
	certauth_ctx_free(c);
	X509_free(short_resp);
	EVP_PKEY_free(k2);
	free(replay_der);
	replay_der = NULL;
}

/* Threads creating and verifying logins on one context. */
struct thr {
	certauth_ctx *c;
	int ok;
	char session[16];
};

/* certauth_verify_statement: the same checks without the challenge table;
 * freshness from the statement's time; nothing consumed. */
static void
test_verify_statement(void)
{
	certauth_ctx *c = ctx_make(0);
	struct certauth_result r;
	struct login l;
	struct opts o = { 0 };
	const char *chal = "q2b1Yb6lU3nQ0bCqS4oB1m6wq8VvC7iJ0rM5XxkqZc8";

	clock_now = base;
	login_make(&l, chal, &o);   /* statement time = base */
	CHECK_OK(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r));
	CHECK_STR(r.challenge, chal);
	CHECK_STR(r.username, "user01");
	CHECK_STR(r.org, "测试企业");
	CHECK(r.statement_time == base);
	/* Nothing is consumed: the same statement verifies again. */
	CHECK_OK(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r));
	/* The regular entry point still wants its own challenge. */
	CHECK_RC(certauth_verify(c, "sess-1", l.statement, l.signature,
	    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
	CHECK_STR(r.challenge, chal);
	CHECK_RC(certauth_verify(c, NULL, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_ARG);
	/* Freshness: less than the TTL either way. */
	clock_now = base + CERTAUTH_CHALLENGE_TTL - 1;
	CHECK_OK(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r));
	clock_now = base + CERTAUTH_CHALLENGE_TTL;
	CHECK_RC(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
	clock_now = base - CERTAUTH_CHALLENGE_TTL + 1;
	CHECK_OK(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r));
	clock_now = base - CERTAUTH_CHALLENGE_TTL;
	CHECK_RC(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_CHALLENGE);
	clock_now = base;
	/* The other checks are the same code. */
	CHECK_RC(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user02", &r), CERTAUTH_ERR_USERNAME);
	CHECK_RC(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, ca2_pem, "user01", &r), CERTAUTH_ERR_UNTRUSTED);
	CHECK_RC(certauth_verify_statement(c, l.statement, "AAAA",
	    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_SIGNATURE);
	CHECK_RC(certauth_verify_statement(c, NULL, l.signature, l.cert,
	    l.chain, "user01", &r), CERTAUTH_ERR_ARG);
	login_free(&l);
	o.rp = "other-rp";
	login_make(&l, chal, &o);
	CHECK_RC(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_RP);
	login_free(&l);
	o.rp = NULL;
	o.cert = ee_expired;
	login_make(&l, chal, &o);
	CHECK_RC(certauth_verify_statement(c, l.statement, l.signature,
	    l.cert, l.chain, "user01", &r), CERTAUTH_ERR_EXPIRED);
	login_free(&l);
	certauth_ctx_free(c);
}

static void *
thr_main(void *arg)
{
	struct thr *t = arg;
	struct certauth_result r;
	struct opts o = { 0 };
	int i;

	for (i = 0; i < 10; i++)
		if (run(t->c, t->session, t->session, &o, &r) == 0)
			t->ok++;
	return NULL;
}

static void
test_threads(void)
{
	certauth_ctx *c = ctx_make(0);
	pthread_t th[4];
	struct thr t[4];
	int i;

	clock_now = base;
	for (i = 0; i < 4; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].c = c;
		snprintf(t[i].session, sizeof(t[i].session), "sess-%d", i);
		CHECK(pthread_create(&th[i], NULL, thr_main, &t[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(t[i].ok == 10);
	}
	CHECK(certauth_challenge_count(c) == 0);
	certauth_ctx_free(c);
}

int
main(void)
{
	CHECK_OK(gmpki_init());
	base = time(NULL);
	clock_now = base;
	pki_setup();
	RUN(test_codec);
	RUN(test_messages);
	RUN(test_ctx_args);
	RUN(test_redirect);
	RUN(test_success);
	RUN(test_validity);
	RUN(test_challenge);
	RUN(test_busy);
	RUN(test_binding);
	RUN(test_malformed);
	RUN(test_revocation);
	RUN(test_revocation_sources);
	RUN(test_ocsp_verdicts);
	RUN(test_verify_statement);
	RUN(test_threads);
	pki_free();
	TEST_MAIN_END();
}
