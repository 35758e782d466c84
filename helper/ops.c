/*
 * ops.c - the operations the CLI (over the Unix socket) and the console
 * pages (over loopback HTTP) share: list, show, status (online), export,
 * delete, clear, enroll, and the deletion of a revoked identity.  Also
 * the helper's error table and the pinned root.
 *
 * Locking: h->lock guards the keystore, h->root and h->cfg.  Network
 * calls run without it (a slow service must not stall list or ping): the
 * operation copies what it needs under the lock, talks to the service,
 * and takes the lock again to store.
 */
#include "helper.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "gmpki/gmpki.h"
#include "log.h"

/* ---- errors -------------------------------------------------------------- */

struct herr {
	int code;
	const char *name, *zh, *en;
};

static const struct herr herrs[] = {
#define HELPER_ERROR_ROW(name, code, zh, en) { code, #name, zh, en },
	HELPER_ERROR_TABLE(HELPER_ERROR_ROW)
#undef HELPER_ERROR_ROW
};

static const struct herr *
herr_find(int code)
{
	size_t i;

	for (i = 0; i < sizeof(herrs) / sizeof(herrs[0]); i++)
		if (herrs[i].code == code)
			return &herrs[i];
	return NULL;
}

const char *
helper_strerror(int code)
{
	const struct herr *e = herr_find(code);

	return e != NULL ? e->zh : gmpki_strerror(code);
}

const char *
helper_strerror_en(int code)
{
	const struct herr *e = herr_find(code);

	return e != NULL ? e->en : gmpki_strerror_en(code);
}

const char *
helper_errname(int code)
{
	const struct herr *e = herr_find(code);

	return e != NULL ? e->name : gmpki_errname(code);
}

void
helper_msg_set(struct helper_msg *m, int code)
{
	if (m == NULL)
		return;
	snprintf(m->name, sizeof(m->name), "%s", helper_errname(code));
	snprintf(m->zh, sizeof(m->zh), "%s", helper_strerror(code));
	snprintf(m->en, sizeof(m->en), "%s", helper_strerror_en(code));
}

/* Sets m for code unless the callee already said something. */
static int
fail(struct helper_msg *m, int code)
{
	if (m != NULL && m->zh[0] == '\0')
		helper_msg_set(m, code);
	return code;
}

static void
msg_clear(struct helper_msg *m)
{
	if (m != NULL)
		memset(m, 0, sizeof(*m));
}

/* ---- local status -------------------------------------------------------- */

int
helper_local_status(time_t not_before, time_t not_after, time_t now)
{
	if (now < not_before)
		return HELPER_LOCAL_NOT_YET_VALID;
	if (now > not_after)
		return HELPER_LOCAL_EXPIRED;
	if (not_after - now <= HELPER_EXPIRY_WARN_SECS)
		return HELPER_LOCAL_EXPIRING;
	return HELPER_LOCAL_VALID;
}

const char *
helper_local_status_zh(int st)
{
	switch (st) {
	case HELPER_LOCAL_VALID:
		return "有效";
	case HELPER_LOCAL_EXPIRING:
		return "即将到期";
	case HELPER_LOCAL_EXPIRED:
		return "已过期";
	case HELPER_LOCAL_NOT_YET_VALID:
		return "尚未生效";
	default:
		return "损坏";
	}
}

const char *
helper_local_status_name(int st)
{
	switch (st) {
	case HELPER_LOCAL_VALID:
		return "valid";
	case HELPER_LOCAL_EXPIRING:
		return "expiring";
	case HELPER_LOCAL_EXPIRED:
		return "expired";
	case HELPER_LOCAL_NOT_YET_VALID:
		return "not_yet_valid";
	default:
		return "corrupt";
	}
}

/* ---- the pinned root ------------------------------------------------------ */

int
helper_root_path(const struct helper_config *cfg, char *out, size_t len)
{
	int n;

	n = snprintf(out, len, "%s/root.pem", cfg->keystore_dir);
	return (n < 0 || (size_t)n >= len) ? GMPKI_ERR_ARG : 0;
}

int
helper_root_load(const struct helper_config *cfg, X509 **out)
{
	char path[PATH_MAX + 16], fp[65];
	X509 *root = NULL;
	int rc;

	*out = NULL;
	if (cfg->root_sm3[0] == '\0')
		return 0;
	if ((rc = helper_root_path(cfg, path, sizeof(path))) != 0 ||
	    (rc = gmpki_cert_load(path, &root)) != 0)
		return rc;
	/* The configuration's fingerprint is what was pinned; a root.pem
	 * changed on disk since is not trusted. */
	if ((rc = gmpki_cert_fingerprint_sm3(root, fp)) != 0 ||
	    strcasecmp(fp, cfg->root_sm3) != 0) {
		X509_free(root);
		return rc != 0 ? rc : HELPER_ERR_ROOT_MISMATCH;
	}
	*out = root;
	return 0;
}

/* ---- arguments ------------------------------------------------------------ */

/* An identity ID: HELPER_ID_LEN hex digits, folded to lower case. */
static int
id_norm(const char *id, char out[HELPER_ID_LEN + 1])
{
	size_t i;

	if (id == NULL || strlen(id) != HELPER_ID_LEN)
		return GMPKI_ERR_ARG;
	for (i = 0; i < HELPER_ID_LEN; i++) {
		if (!isxdigit((unsigned char)id[i]))
			return GMPKI_ERR_ARG;
		out[i] = (char)tolower((unsigned char)id[i]);
	}
	out[HELPER_ID_LEN] = '\0';
	return 0;
}

static int
id_bad(struct helper_msg *m)
{
	helper_msg_set(m, GMPKI_ERR_ARG);
	if (m != NULL) {
		snprintf(m->zh, sizeof(m->zh),
		    "证书ID应为%d位十六进制数字 (见 certhelper list)",
		    HELPER_ID_LEN);
		snprintf(m->en, sizeof(m->en),
		    "a certificate ID is %d hex digits (see certhelper list)",
		    HELPER_ID_LEN);
	}
	return GMPKI_ERR_ARG;
}

static int
not_found(struct helper_msg *m, const char *id)
{
	helper_msg_set(m, GMPKI_ERR_NOT_FOUND);
	if (m != NULL) {
		snprintf(m->zh, sizeof(m->zh), "未找到证书 %s", id);
		snprintf(m->en, sizeof(m->en), "no certificate %s", id);
	}
	return GMPKI_ERR_NOT_FOUND;
}

/* A ticket as the service makes them: base64url, bounded. */
static int
ticket_ok(const char *t)
{
	size_t i, len = strlen(t);

	if (len == 0 || len > 128)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '-' && t[i] != '_')
			return 0;
	return 1;
}

/* ---- list, show, export, delete, clear ------------------------------------- */

struct list_acc {
	struct helper_entry *e;
	size_t n, cap;
	time_t now;
};

static int
list_one(void *arg, const struct helper_identity *idn, int rc)
{
	struct list_acc *a = arg;
	struct helper_entry *p;

	if (a->n == a->cap) {
		size_t cap = a->cap != 0 ? a->cap * 2 : 8;

		if ((p = realloc(a->e, cap * sizeof(*p))) == NULL)
			return GMPKI_ERR_NOMEM;
		a->e = p;
		a->cap = cap;
	}
	p = &a->e[a->n++];
	memset(p, 0, sizeof(*p));
	if (rc != 0) {
		snprintf(p->idn.id, sizeof(p->idn.id), "%s", idn->id);
		p->rc = rc;
		p->local = HELPER_LOCAL_CORRUPT;
	} else {
		p->idn = *idn;
		p->local = helper_local_status(idn->not_before,
		    idn->not_after, a->now);
	}
	return 0;
}

int
helper_op_list(struct helper_ctx *h, struct helper_entry **out, size_t *n,
    struct helper_msg *m)
{
	struct list_acc a = { NULL, 0, 0, time(NULL) };
	int rc;

	msg_clear(m);
	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&h->lock);
	rc = helper_keystore_list(h->ks, list_one, &a);
	pthread_mutex_unlock(&h->lock);
	if (rc != 0) {
		free(a.e);
		return fail(m, rc);
	}
	*out = a.e;
	*n = a.n;
	return 0;
}

/* keystore_get under the lock, with the ID checked first. */
static int
get_identity(struct helper_ctx *h, const char *id_in,
    char id[HELPER_ID_LEN + 1], struct helper_identity *idn, X509 **cert,
    STACK_OF(X509) **chain, struct helper_msg *m)
{
	int rc;

	if (id_norm(id_in, id) != 0)
		return id_bad(m);
	pthread_mutex_lock(&h->lock);
	rc = helper_keystore_get(h->ks, id, idn, cert, chain);
	pthread_mutex_unlock(&h->lock);
	if (rc == GMPKI_ERR_NOT_FOUND)
		return not_found(m, id);
	return rc != 0 ? fail(m, rc) : 0;
}

int
helper_op_show(struct helper_ctx *h, const char *id_in,
    struct helper_view *v, struct helper_msg *m)
{
	struct gmpki_cert_info *info = NULL;
	char id[HELPER_ID_LEN + 1];
	X509 *cert = NULL;
	int rc;

	msg_clear(m);
	memset(v, 0, sizeof(*v));
	if ((rc = get_identity(h, id_in, id, &v->idn, &cert, NULL, m)) != 0)
		return rc;
	if ((info = calloc(1, sizeof(*info))) == NULL) {
		rc = fail(m, GMPKI_ERR_NOMEM);
		goto out;
	}
	if ((rc = gmpki_cert_info_get(cert, info)) != 0) {
		fail(m, rc);
		goto out;
	}
	snprintf(v->subject, sizeof(v->subject), "%s", info->subject);
	snprintf(v->issuer, sizeof(v->issuer), "%s", info->issuer);
	snprintf(v->sha256_fp, sizeof(v->sha256_fp), "%s", info->sha256_fp);
	snprintf(v->ocsp_url, sizeof(v->ocsp_url), "%s", info->ocsp_url);
	v->local = helper_local_status(v->idn.not_before, v->idn.not_after,
	    time(NULL));
out:
	free(info);
	X509_free(cert);
	return rc;
}

int
helper_op_export(struct helper_ctx *h, const char *id_in, int der,
    unsigned char **out, size_t *outlen, struct helper_msg *m)
{
	char id[HELPER_ID_LEN + 1];
	struct helper_identity idn;
	X509 *cert = NULL;
	int rc;

	msg_clear(m);
	*out = NULL;
	*outlen = 0;
	if ((rc = get_identity(h, id_in, id, &idn, &cert, NULL, m)) != 0)
		return rc;
	/* The certificate only: this operation has no way to the key. */
	if (der)
		rc = gmpki_cert_to_der(cert, out, outlen);
	else
		rc = gmpki_cert_to_pem(cert, (char **)out, outlen);
	X509_free(cert);
	return rc != 0 ? fail(m, rc) : 0;
}

int
helper_op_delete(struct helper_ctx *h, const char *id_in,
    struct helper_msg *m)
{
	char id[HELPER_ID_LEN + 1];
	int rc;

	msg_clear(m);
	if (id_norm(id_in, id) != 0)
		return id_bad(m);
	pthread_mutex_lock(&h->lock);
	rc = helper_keystore_delete(h->ks, id);
	pthread_mutex_unlock(&h->lock);
	if (rc == GMPKI_ERR_NOT_FOUND)
		return not_found(m, id);
	if (rc != 0)
		return fail(m, rc);
	helper_log(HELPER_LOG_INFO, "deleted identity %s", id);
	return 0;
}

int
helper_op_clear(struct helper_ctx *h, struct helper_msg *m)
{
	int rc;

	msg_clear(m);
	pthread_mutex_lock(&h->lock);
	rc = helper_keystore_forget_all(h->ks);
	pthread_mutex_unlock(&h->lock);
	if (rc != 0)
		return fail(m, rc);
	helper_log(HELPER_LOG_INFO, "remembered certificate choices cleared");
	return 0;
}

/* ---- the service: what an operation needs from the configuration -------- */

struct svc_view {
	char service[256];
	X509 *root;
};

static int
svc_view_get(struct helper_ctx *h, struct svc_view *sv, struct helper_msg *m)
{
	int rc = 0;

	memset(sv, 0, sizeof(*sv));
	pthread_mutex_lock(&h->lock);
	if (h->cfg.service_url[0] == '\0' || h->cfg.root_sm3[0] == '\0')
		rc = HELPER_ERR_NOT_SET_UP;
	else if (h->root == NULL)
		/* pinned, but root.pem did not load: say why */
		rc = helper_root_load(&h->cfg, &sv->root);
	else if (X509_up_ref(h->root))
		sv->root = h->root;
	else
		rc = GMPKI_ERR_INTERNAL;
	if (rc == 0 && sv->root == NULL)
		rc = HELPER_ERR_NOT_SET_UP;
	snprintf(sv->service, sizeof(sv->service), "%s", h->cfg.service_url);
	pthread_mutex_unlock(&h->lock);
	if (rc != 0) {
		X509_free(sv->root);
		sv->root = NULL;
		return fail(m, rc);
	}
	return 0;
}

/* The certificate in chain (or the root) that issued cert. */
static X509 *
find_issuer(X509 *cert, STACK_OF(X509) *chain, X509 *root)
{
	int i;

	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		if (X509_check_issued(sk_X509_value(chain, i), cert) ==
		    X509_V_OK)
			return sk_X509_value(chain, i);
	if (X509_check_issued(root, cert) == X509_V_OK)
		return root;
	return NULL;
}

/*
 * The online status of cert: the issuer must itself chain to the pinned
 * root and have signed cert, so that an OCSP answer about (issuer,
 * serial) speaks about this certificate; then POST /ocsp with a nonce and
 * gmpki_ocsp_response_verify (responder signature with the SM2 ID, the
 * responder delegated by that issuer, CertID, nonce, freshness).
 */
static int
online_status(const struct svc_view *sv, X509 *cert, STACK_OF(X509) *chain,
    struct gmpki_ocsp_status *st, struct helper_msg *m)
{
	struct gmpki_verify_opts vo;
	OCSP_REQUEST *req = NULL;
	unsigned char *der = NULL, *resp = NULL;
	size_t derlen = 0, resplen = 0;
	X509 *issuer;
	int rc;

	if ((issuer = find_issuer(cert, chain, sv->root)) == NULL)
		return fail(m, HELPER_ERR_FOREIGN_CHAIN);
	if (issuer != sv->root) {
		memset(&vo, 0, sizeof(vo));
		vo.root = sv->root;
		vo.untrusted = chain;
		if ((rc = gmpki_verify_cert(issuer, &vo, NULL)) != 0)
			return fail(m, rc == GMPKI_ERR_CERT_UNTRUSTED ?
			    HELPER_ERR_FOREIGN_CHAIN : rc);
	}
	if ((rc = gmpki_sm2_verify_cert(cert, X509_get0_pubkey(issuer),
	    NULL)) != 0)
		return fail(m, GMPKI_ERR_CERT_SIGNATURE);

	if ((rc = gmpki_ocsp_request_create(cert, issuer, 0, 1, &req)) != 0 ||
	    (rc = gmpki_ocsp_request_to_der(req, &der, &derlen)) != 0) {
		fail(m, rc);
		goto out;
	}
	if ((rc = helper_svc_ocsp(sv->service, der, derlen, &resp, &resplen,
	    m)) != 0)
		goto out;
	if ((rc = gmpki_ocsp_response_verify(resp, resplen, cert, issuer, req,
	    0, NULL, st)) != 0) {
		helper_log(HELPER_LOG_WARN, "OCSP answer refused: %s",
		    helper_errname(rc));
		fail(m, rc);
	}
out:
	OCSP_REQUEST_free(req);
	free(der);
	free(resp);
	return rc;
}

int
helper_op_status(struct helper_ctx *h, const char *id_in,
    struct helper_online *out, struct helper_msg *m)
{
	struct gmpki_ocsp_status st;
	struct helper_identity idn;
	struct svc_view sv;
	char id[HELPER_ID_LEN + 1];
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	int rc;

	msg_clear(m);
	memset(out, 0, sizeof(*out));
	if ((rc = get_identity(h, id_in, id, &idn, &cert, &chain, m)) != 0)
		return rc;
	if ((rc = svc_view_get(h, &sv, m)) != 0)
		goto out;
	if ((rc = online_status(&sv, cert, chain, &st, m)) != 0)
		goto out;
	out->status = st.status;
	out->revoked_at = st.revoked_at;
	out->reason = st.status == GMPKI_STATUS_REVOKED ? st.reason : -1;
	out->this_update = st.this_update;
	out->next_update = st.next_update;
	out->not_after = idn.not_after;
	out->local = helper_local_status(idn.not_before, idn.not_after,
	    time(NULL));
	snprintf(out->serial, sizeof(out->serial), "%s", idn.serial);
out:
	X509_free(sv.root);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

int
helper_op_forget_revoked(struct helper_ctx *h, const char *serial,
    char id_out[HELPER_ID_LEN + 1], struct helper_msg *m)
{
	struct gmpki_ocsp_status st;
	struct helper_identity idn;
	struct svc_view sv;
	char id[HELPER_ID_LEN + 1];
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	size_t i;
	int rc;

	msg_clear(m);
	memset(&sv, 0, sizeof(sv));
	if (id_out != NULL)
		id_out[0] = '\0';
	if (serial == NULL || serial[0] == '\0' || strlen(serial) > 40)
		return fail(m, GMPKI_ERR_ARG);
	for (i = 0; serial[i] != '\0'; i++)
		if (!isxdigit((unsigned char)serial[i]))
			return fail(m, GMPKI_ERR_ARG);
	pthread_mutex_lock(&h->lock);
	rc = helper_keystore_find_serial(h->ks, serial, id);
	pthread_mutex_unlock(&h->lock);
	if (rc != 0)
		return fail(m, rc);
	if ((rc = get_identity(h, id, id, &idn, &cert, &chain, m)) != 0)
		return rc;
	if ((rc = svc_view_get(h, &sv, m)) != 0 ||
	    (rc = online_status(&sv, cert, chain, &st, m)) != 0)
		goto out;
	/* Only the service's signed word deletes a key. */
	if (st.status != GMPKI_STATUS_REVOKED) {
		rc = fail(m, HELPER_ERR_NOT_REVOKED);
		goto out;
	}
	pthread_mutex_lock(&h->lock);
	rc = helper_keystore_delete(h->ks, id);
	pthread_mutex_unlock(&h->lock);
	if (rc != 0) {
		fail(m, rc);
		goto out;
	}
	helper_log(HELPER_LOG_INFO, "identity %s deleted: serial %s revoked",
	    id, idn.serial);
	if (id_out != NULL)
		memcpy(id_out, id, HELPER_ID_LEN + 1);
out:
	X509_free(sv.root);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

/* ---- enroll ----------------------------------------------------------------- */

int
helper_op_enroll(struct helper_ctx *h, const char *ticket,
    const char *pin, struct helper_enrolled *res, struct helper_msg *m)
{
	struct gmpki_verify_opts vo;
	struct gmpki_verify_result vr;
	struct helper_identity idn;
	struct svc_view sv;
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	char *csr = NULL;
	size_t csrlen = 0;
	int rc;

	msg_clear(m);
	memset(res, 0, sizeof(*res));
	if (ticket == NULL || !ticket_ok(ticket)) {
		helper_msg_set(m, GMPKI_ERR_ARG);
		if (m != NULL) {
			snprintf(m->zh, sizeof(m->zh), "下载票据格式错误");
			snprintf(m->en, sizeof(m->en), "malformed ticket");
		}
		return GMPKI_ERR_ARG;
	}
	if ((rc = svc_view_get(h, &sv, m)) != 0)
		return rc;

	/* The key is made here and never leaves this process; the CSR's
	 * subject is left empty: the service takes it from the account. */
	if ((rc = gmpki_sm2_keygen(&key)) != 0 ||
	    (rc = gmpki_csr_create(key, NULL, NULL, &req)) != 0 ||
	    (rc = gmpki_csr_to_pem(req, &csr, &csrlen)) != 0) {
		fail(m, rc);
		goto out;
	}
	if ((rc = helper_svc_enroll(sv.service, ticket, csr, &cert, &chain,
	    m)) != 0)
		goto out;

	/* What came back must lead to the root pinned at setup ... */
	memset(&vo, 0, sizeof(vo));
	vo.root = sv.root;
	vo.untrusted = chain;
	if ((rc = gmpki_verify_cert(cert, &vo, &vr)) != 0) {
		helper_log(HELPER_LOG_WARN, "enroll: certificate refused: %s "
		    "(depth %d, X509 error %d)", helper_errname(rc), vr.depth,
		    vr.x509_error);
		fail(m, rc == GMPKI_ERR_CERT_UNTRUSTED ?
		    HELPER_ERR_FOREIGN_CHAIN : rc);
		goto out;
	}
	/* ... and certify the key we made, not someone else's. */
	if (!gmpki_sm2_key_match(key, X509_get0_pubkey(cert))) {
		rc = fail(m, GMPKI_ERR_KEY_MISMATCH);
		goto out;
	}

	pthread_mutex_lock(&h->lock);
	rc = helper_keystore_add(h->ks, key, cert, chain, sv.service, pin,
	    res->id);
	if (rc == 0)
		rc = helper_keystore_get(h->ks, res->id, &idn, NULL, NULL);
	pthread_mutex_unlock(&h->lock);
	if (rc != 0) {
		fail(m, rc);
		goto out;
	}
	snprintf(res->serial, sizeof(res->serial), "%s", idn.serial);
	snprintf(res->username, sizeof(res->username), "%s", idn.username);
	snprintf(res->org, sizeof(res->org), "%s", idn.org);
	snprintf(res->uscc, sizeof(res->uscc), "%s", idn.uscc);
	res->not_before = idn.not_before;
	res->not_after = idn.not_after;
	helper_log(HELPER_LOG_INFO, "enrolled identity %s, serial %s",
	    res->id, res->serial);
out:
	EVP_PKEY_free(key);	/* OpenSSL clears the private scalar */
	X509_REQ_free(req);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	X509_free(sv.root);
	free(csr);
	return rc;
}

/* ---- reload --------------------------------------------------------------- */

int
helper_op_reload(struct helper_ctx *h, struct helper_msg *m)
{
	struct helper_config *cfg;
	char err[256];
	X509 *root = NULL;
	int rc;

	msg_clear(m);
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return fail(m, GMPKI_ERR_NOMEM);
	if ((rc = helper_config_paths(cfg)) != 0 ||
	    (rc = helper_config_load(cfg, err, sizeof(err))) != 0) {
		free(cfg);
		return fail(m, rc);
	}
	if ((rc = helper_root_load(cfg, &root)) != 0) {
		free(cfg);
		return fail(m, rc);
	}
	pthread_mutex_lock(&h->lock);
	/* Paths stay as the daemon started with them; the settings follow
	 * the file.  The port applies from the next start. */
	memcpy(h->cfg.service_url, cfg->service_url,
	    sizeof(h->cfg.service_url));
	memcpy(h->cfg.root_sm3, cfg->root_sm3, sizeof(h->cfg.root_sm3));
	h->cfg.log_max_bytes = cfg->log_max_bytes;
	X509_free(h->root);
	h->root = root;
	pthread_mutex_unlock(&h->lock);
	helper_log(HELPER_LOG_INFO, "configuration reloaded: service %s",
	    cfg->service_url);
	free(cfg);
	/* A failed refresh is logged and keeps the directory held. */
	if (root != NULL)
		(void)helper_directory_fetch(h, NULL);
	return 0;
}
