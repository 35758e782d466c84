/*
 * certauth/certauth.h - libcertauth: verify a certificate login to a
 * reporting system (联网直报系统).  The protocol is docs/LOGIN-PROTOCOL.md.
 *
 * A reporting system (the "RP") embeds this library:
 *
 *   1. after checking username and password, it creates a single-use
 *      challenge bound to the user's session and sends the browser to the
 *      certificate helper's consent page;
 *   2. the helper posts back (to the RP's registered return URL) the form
 *      fields statement, signature, certificate and chain;
 *   3. the RP calls certauth_verify() and logs the user in on 0.
 *
 * No globals; a context may be shared by threads (the challenge table and
 * the revocation cache each have a mutex of the context, everything else
 * is read-only after certauth_ctx_new).  Call gmpki_init() (or
 * certauth_ctx_new, which does, and also initialises libcurl when
 * fetch_revocation is set) once from main() before starting threads.
 *
 * Example (error handling shortened):
 *
 *   struct certauth_config cfg = { 0 };
 *   cfg.rp_id = "wanfeng-zhibao";
 *   cfg.origin = "https://zhibao.example.cn";
 *   cfg.root = root;                // X509 *: the CA's root, pinned
 *   certauth_ctx *ca;
 *   if (certauth_ctx_new(&cfg, &ca) != 0) abort();
 *
 *   // login step 1: password was right
 *   char chal[CERTAUTH_CHALLENGE_LEN + 1], url[1024];
 *   certauth_challenge_new(ca, session_id, chal);
 *   certauth_redirect_url(ca, chal, username, url, sizeof(url));
 *   // answer 303 See Other, Location: url
 *
 *   // login step 2: POST to the return URL
 *   struct certauth_result r;
 *   int rc = certauth_verify(ca, session_id, form("statement"),
 *       form("signature"), form("certificate"), form("chain"),
 *       username, &r);
 *   if (rc != 0)
 *       show_error(r.message_zh);          // e.g. 证书已过期，请重新申请证书
 *   else {
 *       login(r.username, r.uscc, r.org, r.not_after);
 *       if (r.expiring_soon)
 *           show_warning(r.message_zh);    // 您的证书即将到期
 *   }
 *   certauth_ctx_free(ca);
 */
#ifndef CERTAUTH_CERTAUTH_H
#define CERTAUTH_CERTAUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CERTAUTH_CHALLENGE_LEN 43        /* 32 random bytes, base64url  */
#define CERTAUTH_CHALLENGE_TTL 120       /* seconds                     */
#define CERTAUTH_MAX_STATEMENT 4096      /* decoded statement bytes     */
#define CERTAUTH_MAX_SIGNATURE_B64 128   /* base64url of the DER sig    */
#define CERTAUTH_MAX_PEM (64 * 1024)     /* certificate, and chain      */
#define CERTAUTH_DEFAULT_WARN_DAYS 30
#define CERTAUTH_DEFAULT_MAX_CHALLENGES 10000
#define CERTAUTH_DEFAULT_HELPER_URL "http://127.0.0.1:17380"
#define CERTAUTH_DEFAULT_FETCH_TIMEOUT_MS 5000
#define CERTAUTH_MAX_FETCH_TIMEOUT_MS 600000
#define CERTAUTH_DEFAULT_MAX_CACHE 10000  /* cached OCSP answers          */
#define CERTAUTH_MAX_CACHED_CRLS 16       /* cached CRLs (one per URL)   */
#define CERTAUTH_MAX_CRL_FETCH (4 * 1024 * 1024) /* bytes of a fetched CRL */
#define CERTAUTH_MAX_URL 500              /* bytes of a fetched URL     */

/* X(name, code, 中文 (what the user sees), English).  Append, never renumber. */
#define CERTAUTH_ERROR_TABLE(X)                                                \
	X(OK, 0, "登录成功", "login succeeded")                                \
	X(INTERNAL, -1, "系统内部错误，请稍后再试", "internal error")          \
	X(NOMEM, -2, "系统内部错误，请稍后再试", "out of memory")              \
	X(ARG, -3, "参数无效", "invalid argument")                             \
	X(TOO_LARGE, -4, "登录数据过大", "login data too large")               \
	X(MALFORMED, -5, "登录数据格式错误", "malformed login data")           \
	X(CHALLENGE, -6, "身份验证已失效，请重新登录",                          \
	  "authentication has expired, please log in again")                   \
	X(RP, -7, "登录请求不属于本系统",                                       \
	  "login statement is for another system")                             \
	X(SIGNATURE, -8, "签名验证失败", "signature verification failed")      \
	X(CERT_MISMATCH, -9, "签名证书与登录声明不符",                          \
	  "certificate does not match the statement")                          \
	X(UNTRUSTED, -10, "证书不受信任", "certificate is not trusted")        \
	X(EXPIRED, -11, "证书已过期，请重新申请证书",                           \
	  "certificate has expired, please apply for a new one")               \
	X(NOT_YET_VALID, -12, "证书尚未生效", "certificate is not yet valid")  \
	X(REVOKED, -13, "证书已被废除", "certificate has been revoked")        \
	X(REVOCATION_UNKNOWN, -14, "无法确认证书状态，请稍后再试",              \
	  "certificate status unknown, please try again later")                \
	X(USERNAME, -15, "该证书与用户名不匹配",                                \
	  "certificate does not match the username")                           \
	X(BUSY, -16, "登录请求过多，请稍后再试",                                \
	  "too many pending logins, please try again later")

enum certauth_error {
#define CERTAUTH_ERROR_ENUM(name, code, zh, en) CERTAUTH_ERR_##name = (code),
	CERTAUTH_ERROR_TABLE(CERTAUTH_ERROR_ENUM)
#undef CERTAUTH_ERROR_ENUM
};
#define CERTAUTH_OK CERTAUTH_ERR_OK

/* The warning shown on a successful login within warn_days of expiry. */
#define CERTAUTH_MSG_EXPIRING_ZH "您的证书即将到期"
#define CERTAUTH_MSG_EXPIRING_EN "your certificate expires soon"

/* User-visible message for code (Chinese / English); never NULL. */
const char *certauth_strerror(int code);
const char *certauth_strerror_en(int code);
/* Symbolic name without the prefix, e.g. "EXPIRED"; never NULL. */
const char *certauth_errname(int code);

/*
 * Revocation input: fill *der (malloc'ed; the library free()s it) and
 * *len with a DER OCSPResponse about cert, issued by issuer, and return 0;
 * any other return means "no answer" (the login then fails with
 * CERTAUTH_ERR_REVOCATION_UNKNOWN unless a CRL source answers, see
 * struct certauth_config).  Called only for a certificate that already
 * chains to the root, statement and signature checked, from the thread
 * calling certauth_verify, without the context's lock held.
 */
typedef int (*certauth_revocation_fn)(void *arg, X509 *cert, X509 *issuer,
    unsigned char **der, size_t *len);

/*
 * The revocation step (docs/LOGIN-PROTOCOL.md §6 step 7), for a leaf that
 * already chains to the root:
 *
 *   1. OCSP: the answer of the revocation callback when one is set, else,
 *      with fetch_revocation, a cached answer or one fetched from the
 *      leaf's AIA OCSP URL (HTTP POST, no nonce).  A verified "good" is
 *      final, and so are "revoked" and "unknown" (the CA's responder does
 *      not know a certificate that carries its CA's signature).  No
 *      answer, or one that does not verify, falls through to 2.
 *   2. CRL: the configured crls when one of them is issued by the leaf's
 *      issuer, else, with fetch_revocation, a cached CRL or one fetched
 *      from the leaf's CRL distribution point (HTTP GET, DER or PEM, at
 *      most CERTAUTH_MAX_CRL_FETCH bytes).  Listed: REVOKED; verified
 *      and not listed: good.
 *   3. Neither answered: CERTAUTH_ERR_REVOCATION_UNKNOWN.
 *
 * With no source at all (no callback, no crls, fetch_revocation 0) the
 * status is not checked and the result says so.  Every answer is checked
 * at the context's clock (signature with the SM2 ID, responder or CRL
 * issuer, freshness).  An OCSP answer is verified once and its verdict
 * kept per (issuer key, serial) - a callback's also per the answer's
 * SM3 - for the window in which the same check gives the same verdict
 * (thisUpdate less 5 minutes to nextUpdate, within the responder
 * certificate's validity); outside it the answer is asked for again.
 * Fetched CRLs are kept per URL until their nextUpdate and checked again
 * at every use.  Answers without nextUpdate are not kept.  The lock is
 * never held during network I/O; two threads missing the cache at once
 * may both fetch.
 */
enum certauth_revocation_source {
	CERTAUTH_REVOCATION_NONE = 0,       /* not checked, or no answer   */
	CERTAUTH_REVOCATION_OCSP = 1,       /* fetched OCSP answer         */
	CERTAUTH_REVOCATION_OCSP_CACHE = 2, /* cached OCSP answer          */
	CERTAUTH_REVOCATION_CRL = 3,        /* fetched CRL                 */
	CERTAUTH_REVOCATION_CRL_CACHE = 4,  /* cached CRL                  */
	CERTAUTH_REVOCATION_CALLBACK = 5,   /* the callback's OCSP answer  */
	CERTAUTH_REVOCATION_CRL_CONFIG = 6, /* one of the configured crls  */
};

/* "none", "ocsp", "ocsp-cache", "crl", "crl-cache", "callback",
 * "crl-config"; "none" for other values.  Never NULL. */
const char *certauth_revocation_source_name(int source);

struct certauth_config {
	const char *rp_id;        /* registered id in the service's directory */
	const char *origin;       /* registered origin, "https://host[:port]" */
	X509 *root;               /* trust anchor (up-ref'ed; caller keeps its) */
	int warn_days;            /* 0: 30; < 0: never warn                   */
	const char *helper_url;   /* NULL: "http://127.0.0.1:17380"           */
	size_t max_challenges;    /* pending challenges; 0: 10000             */
	time_t (*now)(void *arg); /* clock; NULL: time(NULL)                  */
	void *now_arg;
	certauth_revocation_fn revocation; /* NULL: status is not checked and
	                                      the result says so             */
	void *revocation_arg;
	const char *sm2_id;       /* chain signatures; NULL: default ID       */
	/* Revocation sources besides the callback (see the revocation step
	 * above).  Appended; a zeroed config leaves them off. */
	int fetch_revocation;     /* 1: fetch OCSP answers and CRLs from the
	                             leaf's URLs (http and https only, no
	                             redirects, proxies from the environment) */
	int fetch_timeout_ms;     /* per fetch, connection and transfer
	                             together; 0: 5000; at most 600000       */
	size_t max_cache;         /* cached OCSP answers; 0: 10000 (at most
	                             CERTAUTH_MAX_CACHED_CRLS CRLs are kept) */
	STACK_OF(X509_CRL) *crls; /* CRLs given by the caller (each up-ref'ed;
	                             the caller keeps its own), used instead of
	                             fetching when one is the leaf issuer's;
	                             NULL: none                              */
};

typedef struct certauth_ctx certauth_ctx;

/* Copies cfg (strings included) and checks the root's self-signature
 * (with sm2_id) once, here, not at every login.  0, CERTAUTH_ERR_ARG /
 * _NOMEM / _INTERNAL, or CERTAUTH_ERR_UNTRUSTED when cfg->root is not a
 * self-signed SM2 certificate whose signature verifies. */
int certauth_ctx_new(const struct certauth_config *cfg, certauth_ctx **out);
void certauth_ctx_free(certauth_ctx *ctx);

/*
 * A new challenge (CERTAUTH_CHALLENGE_LEN base64url characters and a NUL
 * into out) bound to session_id (any non-empty string; only its SM3 is
 * kept), valid CERTAUTH_CHALLENGE_TTL seconds, usable once.  Expired
 * challenges are dropped; CERTAUTH_ERR_BUSY when max_challenges are still
 * pending.
 */
int certauth_challenge_new(certauth_ctx *ctx, const char *session_id,
    char out[CERTAUTH_CHALLENGE_LEN + 1]);

/* Pending (unused, unexpired) challenges. */
size_t certauth_challenge_count(certauth_ctx *ctx);

/*
 * HELPER/v1/login?rp=ID&challenge=C&username=U (values percent-encoded)
 * into buf.  CERTAUTH_ERR_TOO_LARGE when it does not fit.
 */
int certauth_redirect_url(certauth_ctx *ctx, const char *challenge,
    const char *username, char *buf, size_t len);

struct certauth_result {
	int code;                 /* what certauth_verify returned            */
	const char *message_zh;   /* to show the user (static)                */
	const char *message_en;
	const char *detail;       /* English detail for logs (static)         */
	/* Filled on success (and, where known, on certificate errors): */
	char username[512];       /* certificate CN                           */
	char uscc[40];            /* 统一社会信用代码                          */
	char org[512];            /* 企业名称                                  */
	char serial[80];
	char cert_sm3[65];
	time_t not_before, not_after;
	int days_left;            /* whole days until not_after               */
	int expiring_soon;        /* success with the 您的证书即将到期 warning */
	int revocation_checked;   /* 1 when an OCSP answer or CRL covered the
	                             certificate; 0 when no source is set  */
	time_t statement_time;    /* the helper's "time" (informational)      */
	char challenge[CERTAUTH_CHALLENGE_LEN + 1]; /* the statement's, once
	                                     its canonical form is checked  */
	/* Appended: the revocation step's outcome. */
	int revocation_source;    /* enum certauth_revocation_source: what
	                             answered (good, revoked, or the OCSP
	                             responder's "unknown"); NONE when nothing
	                             was asked or nothing answered          */
	const char *ocsp_detail;  /* English, static, for logs: why the OCSP
	                             step gave no answer ("timed out", "HTTP
	                             status is not 200", ...); NULL when
	                             it answered or was not tried          */
	const char *crl_detail;   /* the same for the CRL step              */
};

/*
 * Verifies a posted login (docs/LOGIN-PROTOCOL.md §6 lists the checks and
 * their order).  statement_b64 and signature_b64 are base64url without
 * padding; cert_pem the signer's certificate; chain_pem the intermediates
 * (may be NULL or empty); username the one the session logged in with.
 * The challenge is consumed as soon as it is found, whatever the outcome.
 * Returns 0 or CERTAUTH_ERR_*; res (required) gets the messages.
 */
int certauth_verify(certauth_ctx *ctx, const char *session_id,
    const char *statement_b64, const char *signature_b64,
    const char *cert_pem, const char *chain_pem, const char *username,
    struct certauth_result *res);

/*
 * The same checks without the RP's challenge table, for tools such as
 * certauth-verify that do not hold the RP's state: step 3 becomes "the
 * statement's time is less than CERTAUTH_CHALLENGE_TTL seconds from the
 * context's clock, either way" and nothing is consumed.  The caller MUST
 * itself check that res->challenge is one it issued, unused, to this
 * session; without that, a signed statement can be replayed.
 */
int certauth_verify_statement(certauth_ctx *ctx, const char *statement_b64,
    const char *signature_b64, const char *cert_pem, const char *chain_pem,
    const char *username, struct certauth_result *res);

/*
 * Counters of the revocation step since certauth_ctx_new, and what the
 * cache holds now.  0, or CERTAUTH_ERR_ARG.
 */
struct certauth_revocation_stats {
	uint64_t ocsp_fetches;    /* OCSP requests sent (any outcome)          */
	uint64_t ocsp_cache_hits; /* logins answered by a cached OCSP answer   */
	uint64_t crl_fetches;     /* CRL downloads attempted (any outcome)     */
	uint64_t crl_cache_hits;  /* logins answered by a cached CRL           */
	uint64_t failures;        /* revocation steps that ended unknown       */
	uint64_t ocsp_errors;     /* OCSP answers that were missing or unusable */
	uint64_t crl_errors;      /* CRLs that were missing or unusable        */
	size_t ocsp_cached;       /* OCSP answers in the cache now             */
	size_t crl_cached;        /* CRLs in the cache now                     */
};

int certauth_revocation_stats(certauth_ctx *ctx,
    struct certauth_revocation_stats *out);

/* --- building statements (the helper side, and tests) ----------------- */

struct certauth_statement {
	const char *challenge, *rp, *origin, *username;
	const char *cert_sm3;     /* lower-case hex SM3 of the certificate DER */
	int64_t time;             /* unix seconds                              */
};

/* The canonical JSON bytes of st (malloc'ed, NUL-terminated). */
int certauth_statement_encode(const struct certauth_statement *st,
    char **out, size_t *outlen);

/* base64url without padding (malloc'ed, NUL-terminated). */
int certauth_b64url_encode(const void *in, size_t len, char **out);
/* Strict decoding: the alphabet only, no padding, canonical final bits. */
int certauth_b64url_decode(const char *in, size_t inlen, unsigned char **out,
    size_t *outlen);

#ifdef __cplusplus
}
#endif
#endif
