/*
 * helper.h - the certificate helper's daemon context and the operations
 * shared by its interfaces: the Unix socket that the `certhelper` CLI talks
 * to (ipc.c, daemon.c) and the loopback HTTP server for the browser and the
 * console pages (local_http.c).  docs/CERTHELPER.md has the process model.
 *
 * The operations (ops.c) return 0 or a negative code: GMPKI_ERR_* from
 * libgmpki, or HELPER_ERR_* below.  When they fail they fill a struct
 * helper_msg (may be NULL) with the words to show: the error table's, or
 * the service's own message when the service refused.  They never print.
 */
#ifndef HELPER_HELPER_H
#define HELPER_HELPER_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "hconfig.h"
#include "keystore.h"

#define HELPER_VERSION "0.1.0"

/* The console token: 32 random bytes, base64url without padding. */
#define HELPER_TOKEN_LEN 43

/* A certificate is 即将到期 (expiring soon) this long before notAfter. */
#define HELPER_EXPIRY_WARN_SECS (30 * 24 * 3600)

/* The helper's own codes, after libgmpki's (which end above -100). */
#define HELPER_ERROR_TABLE(X)                                                  \
	X(NOT_RUNNING, -101, "证书助手未运行，请执行 certhelper start",          \
	  "certhelper is not running: run certhelper start")                   \
	X(RUNNING, -102, "证书助手已在运行", "certhelper is already running")  \
	X(NOT_SET_UP, -103,                                                    \
	  "尚未配置在线服务，请执行 certhelper setup --service URL",             \
	  "no service configured: run certhelper setup --service URL")         \
	X(ROOT_MISMATCH, -104, "根证书指纹与指定的不一致",                       \
	  "the root certificate's fingerprint is not the one given")           \
	X(NETWORK, -105, "无法连接在线服务", "cannot reach the online service") \
	X(SERVICE, -106, "在线服务拒绝了请求", "the online service refused")   \
	X(PROTOCOL, -107, "通信数据格式错误", "malformed message")            \
	X(FOREIGN_CHAIN, -108, "证书链不通向已固定的根证书",                     \
	  "the chain does not lead to the pinned root")                        \
	X(NOT_REVOKED, -109, "在线服务未确认该证书已废除",                       \
	  "the service does not say the certificate is revoked")               \
	X(PEER, -110, "拒绝其他用户的连接", "connection from another user refused")

enum helper_error {
#define HELPER_ERROR_ENUM(name, code, zh, en) HELPER_ERR_##name = (code),
	HELPER_ERROR_TABLE(HELPER_ERROR_ENUM)
#undef HELPER_ERROR_ENUM
};

/* Messages for HELPER_ERR_* and, through libgmpki, GMPKI_ERR_* codes. */
const char *helper_strerror(int code);
const char *helper_strerror_en(int code);
const char *helper_errname(int code);

/* What went wrong, in words: name ("TICKET_INVALID"), Chinese, English. */
struct helper_msg {
	char name[48];
	char zh[512];
	char en[512];
};

/* Fills m from the error table for code (m may be NULL). */
void helper_msg_set(struct helper_msg *m, int code);

/* The daemon. */
struct helper_ctx {
	struct helper_config cfg;
	helper_keystore *ks;
	X509 *root;             /* the pinned root: keystore_dir/root.pem,
	                           its SM3 equal to cfg.root_sm3; NULL until
	                           `certhelper setup` */
	char console_token[HELPER_TOKEN_LEN + 1];
	void *http;             /* local_http.c's server, or NULL */
	struct helper_directory *dir; /* the verified reporting-system
	                           directory (directory.c), or NULL; lock */
	time_t dir_fetched_at;  /* last fetch attempt (any outcome); lock */
	pthread_mutex_t lock;   /* keystore, root and cfg */
	volatile sig_atomic_t stop;
};

/* The path of the pinned root certificate: cfg->keystore_dir/root.pem. */
int helper_root_path(const struct helper_config *cfg, char *out, size_t len);

/*
 * Loads the pinned root of cfg: NULL (and 0) when cfg.root_sm3 is empty;
 * GMPKI_ERR_IO/DECODE when root.pem is missing or bad;
 * HELPER_ERR_ROOT_MISMATCH when its SM3 is not cfg.root_sm3.
 */
int helper_root_load(const struct helper_config *cfg, X509 **out);

/* ---- local status ------------------------------------------------------ */

enum helper_local_status {
	HELPER_LOCAL_VALID = 0,         /* 有效 */
	HELPER_LOCAL_EXPIRING,          /* 即将到期: within 30 days */
	HELPER_LOCAL_EXPIRED,           /* 已过期 */
	HELPER_LOCAL_NOT_YET_VALID,     /* 尚未生效 */
	HELPER_LOCAL_CORRUPT,           /* 损坏: unreadable on disk */
};

int helper_local_status(time_t not_before, time_t not_after, time_t now);
const char *helper_local_status_zh(int st);
const char *helper_local_status_name(int st); /* "valid", "expiring" ... */

/* ---- operations (ops.c) ------------------------------------------------ */

struct helper_entry {
	struct helper_identity idn;     /* only id when rc != 0 */
	int rc;                         /* 0, or why it is unreadable */
	int local;                      /* enum helper_local_status */
};

/* Every identity, in order of ID; free *out with free(). */
int helper_op_list(struct helper_ctx *h, struct helper_entry **out,
    size_t *n, struct helper_msg *m);

struct helper_view {
	struct helper_identity idn;
	char subject[512];
	char issuer[512];
	char sha256_fp[65];
	char ocsp_url[512];
	int local;
};

int helper_op_show(struct helper_ctx *h, const char *id,
    struct helper_view *v, struct helper_msg *m);

struct helper_online {
	int status;                     /* enum gmpki_cert_status */
	time_t revoked_at;
	int reason;                     /* CRLReason, -1 when absent */
	time_t this_update, next_update;
	time_t not_after;
	int local;
	char serial[41];
};

/*
 * Asks the service's OCSP responder (POST SERVICE/ocsp, with a nonce)
 * about identity id and checks the answer with gmpki_ocsp_response_verify:
 * signed by the issuing CA or its delegated responder, the issuing CA
 * chained to the pinned root, nonce, freshness.
 */
int helper_op_status(struct helper_ctx *h, const char *id,
    struct helper_online *st, struct helper_msg *m);

/* The certificate of id, PEM or DER (never the key); free *out. */
int helper_op_export(struct helper_ctx *h, const char *id, int der,
    unsigned char **out, size_t *outlen, struct helper_msg *m);

int helper_op_delete(struct helper_ctx *h, const char *id,
    struct helper_msg *m);

/* 清除身份认证信息: forgets every remembered certificate choice. */
int helper_op_clear(struct helper_ctx *h, struct helper_msg *m);

struct helper_enrolled {
	char id[HELPER_ID_LEN + 1];
	char serial[41];
	char username[65];
	char org[257];
	char uscc[19];
	time_t not_before, not_after;
};

/*
 * 下载证书: a new SM2 key, a CSR (gmpki_csr_create, default SM2 ID), POST
 * SERVICE/api/v1/enroll with the ticket, then the returned certificate
 * must chain to the pinned root (gmpki_verify_cert) and hold our key
 * before key and certificate are stored (helper_keystore_add).  The key
 * never leaves this process.  pin NULL or "": the key is kept under the
 * keystore key; otherwise under the PIN (docs/HELPER-KEYS.md).  A service
 * refusal is HELPER_ERR_SERVICE with the service's message in m.
 */
int helper_op_enroll(struct helper_ctx *h, const char *ticket,
    const char *pin, struct helper_enrolled *res, struct helper_msg *m);

/*
 * 废除证书 on a borrowed computer: deletes the identity holding serial,
 * but only when the service's OCSP answer (verified) says it is revoked
 * (HELPER_ERR_NOT_REVOKED otherwise).  GMPKI_ERR_NOT_FOUND when no
 * identity holds it.  id_out (may be NULL) gets the deleted identity.
 */
int helper_op_forget_revoked(struct helper_ctx *h, const char *serial,
    char id_out[HELPER_ID_LEN + 1], struct helper_msg *m);

/* Re-reads the configuration and the pinned root (after setup). */
int helper_op_reload(struct helper_ctx *h, struct helper_msg *m);

/* ---- the service's API (service_client.c, libcurl) ----------------------- */

/* Call once from main() before any thread: libcurl's global set-up. */
int helper_svc_global_init(void);

/* 1 when url is an http:// or https:// URL we are willing to call. */
int helper_service_url_ok(const char *url);

/* GET SERVICE/ca/root.pem: one certificate, a self-signed SM2 CA. */
int helper_svc_fetch_root(const char *service, X509 **out,
    struct helper_msg *m);

/*
 * POST SERVICE/api/v1/enroll {"ticket","csr"}: the issued certificate and
 * the chain (issuing, root) as the service sent them (not yet checked).
 * A refusal is HELPER_ERR_SERVICE with the service's words in m.
 */
int helper_svc_enroll(const char *service, const char *ticket,
    const char *csr_pem, X509 **cert, STACK_OF(X509) **chain,
    struct helper_msg *m);

/* POST SERVICE/ocsp (application/ocsp-request): the DER answer. */
int helper_svc_ocsp(const char *service, const unsigned char *req,
    size_t reqlen, unsigned char **resp, size_t *resplen,
    struct helper_msg *m);

/* ---- the reporting-system directory (directory.c) ------------------------ */

/* A reporting system (联网直报系统) of the service's signed directory. */
struct helper_rp {
	char id[64];
	char name[256];
	char origin[256];       /* normalised: scheme://host[:port] */
	char return_url[1024];
};

struct helper_directory {
	long long issued_at;
	char service[256];      /* the service URL it was verified for */
	size_t n;
	struct helper_rp *systems;
};

void helper_directory_free(struct helper_directory *d);

/*
 * Checks a GET SERVICE/api/v1/rp answer (docs/CERTSVC.md): the signer
 * chains to root (the pinned one; the answer's chain is untrusted input
 * only) at time at (0: now), carries id-kp-documentSigning, its SM2
 * signature (default ID) covers exactly the decoded directory bytes, and
 * D's version is 1 and its "service" is service.  Then *out holds the
 * systems.  HELPER_ERR_FOREIGN_CHAIN (or the gmpki_verify_cert code),
 * GMPKI_ERR_CERT_PROFILE (no documentSigning EKU), GMPKI_ERR_SIGNATURE,
 * HELPER_ERR_PROTOCOL (malformed, another service).
 */
int helper_directory_verify(X509 *root, const char *service,
    const unsigned char *body, size_t len, time_t at,
    struct helper_directory **out, struct helper_msg *m);

/*
 * Verifies body against h's pinned root and service URL and makes it
 * h->dir, unless it is older (issued_at) than the one held for the same
 * service (HELPER_ERR_PROTOCOL); with save, keeps body in
 * keystore_dir/directory.json (0600) for the next start.
 */
int helper_directory_accept(struct helper_ctx *h, const unsigned char *body,
    size_t len, int save, struct helper_msg *m);

/*
 * GET SERVICE/api/v1/rp (bounded, libcurl) and helper_directory_accept.
 * When h holds no directory yet, the saved copy is loaded (and verified)
 * first, so that a failed fetch leaves the daemon with it.  Failures are
 * logged; they leave the previous directory in place.
 */
int helper_directory_fetch(struct helper_ctx *h, struct helper_msg *m);

/* Directory refresh: every HELPER_DIR_REFRESH seconds in the daemon, and
 * when an unknown system asks, at most every HELPER_DIR_MIN_REFRESH. */
#define HELPER_DIR_REFRESH 3600
#define HELPER_DIR_MIN_REFRESH 10

/*
 * helper_directory_fetch when the last attempt is max_age seconds old or
 * more (one caller claims the attempt; others go on at once).  1 when it
 * fetched, 0 when it was too soon.
 */
int helper_directory_refresh_if_older(struct helper_ctx *h, int max_age);

/*
 * 1 when origin (an http(s) origin) is a registered system's origin in
 * the directory held for the configured service; rp_id_out (may be NULL)
 * gets its id.
 */
int helper_directory_origin_allowed(struct helper_ctx *h, const char *origin,
    char rp_id_out[64]);

/*
 * 1 when id is a registered system of the directory held for the
 * configured service; *out gets its entry (origin and return URL come from
 * here, never from a request).  0 (and *out zeroed) otherwise.
 */
int helper_directory_rp(struct helper_ctx *h, const char *id,
    struct helper_rp *out);

/*
 * The origin (RFC 6454) of url, lower-cased, without the default port,
 * when url is exactly an http(s) origin (nothing after host[:port]); -1
 * otherwise.  (local_http.c)
 */
int helper_url_origin(const char *url, char *out, size_t outlen);

/* ---- the daemon (daemon.c) ---------------------------------------------- */

/*
 * Runs the daemon in the foreground until SIGTERM/SIGINT or a shutdown
 * request: takes the per-user lock (HELPER_ERR_RUNNING when another holds
 * it), opens the log, the keystore and the pinned root, writes the
 * console token, serves the Unix socket and starts the loopback HTTP
 * server.  Returns 0 after a clean stop.  err gets a message for the
 * caller to print when it fails before logging works.
 */
int helper_daemon_run(struct helper_config *cfg, struct helper_msg *m);

/* 1 when a daemon holds cfg's lock, 0 when none, <0 on error. */
int helper_daemon_running(const struct helper_config *cfg);

/* Creates dir and its parents (mode 0700 for the ones it makes). */
int helper_mkdirs(const char *dir, int mode);

/* The console token the running daemon wrote (runtime_dir/console-token). */
int helper_console_token_read(const struct helper_config *cfg,
    char out[HELPER_TOKEN_LEN + 1]);

/* ---- the loopback HTTP server (local_http.c) ----------------------------- */

/*
 * Starts the browser-facing server on 127.0.0.1:cfg.port (/v1/ping,
 * /v1/enroll, /v1/revoked, the console and the consent page) and keeps it
 * in h->http; stop stops it.  Called by the daemon after the socket is up.
 * Until local_http.c lands, local_http_none.c provides both and starts
 * nothing.
 */
int helper_http_start(struct helper_ctx *h);
void helper_http_stop(struct helper_ctx *h);

/* ---- commands that run outside the daemon (install.c) --------------------- */

/*
 * These are main-level code: they parse their arguments, print what they
 * do as "certhelper: CMD: 中文 (English)" and return the exit status.
 */
int helper_cmd_setup(int argc, char **argv);
int helper_cmd_install(int argc, char **argv);
int helper_cmd_uninstall(int argc, char **argv);

/*
 * setup's work, for install: fetches SERVICE/ca/root.pem, checks its SM3
 * against root_sm3 when given (HELPER_ERR_ROOT_MISMATCH), saves it as
 * the pinned root (0600) and writes service_url and root_sm3 to the
 * configuration.  fp_out gets the fetched root's SM3 fingerprint.
 */
int helper_setup(struct helper_config *cfg, const char *service,
    const char *root_sm3, char fp_out[65], struct helper_msg *m);

#endif
