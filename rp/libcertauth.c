/*
 * libcertauth.c - verifying a certificate login (docs/LOGIN-PROTOCOL.md).
 */
#include "certauth/certauth.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>

#include "gmpki/gmpki.h"

#include "certauth_internal.h"

#define DAY_SECS (24L * 60 * 60)
#define MAX_RP_ID 128
#define MAX_ORIGIN 256
#define MAX_USERNAME 128

/* --- errors ---------------------------------------------------------- */

const char *
certauth_strerror(int code)
{
	switch (code) {
#define X(name, c, zh, en) case c: return zh;
	CERTAUTH_ERROR_TABLE(X)
#undef X
	}
	return "系统内部错误，请稍后再试";
}

const char *
certauth_strerror_en(int code)
{
	switch (code) {
#define X(name, c, zh, en) case c: return en;
	CERTAUTH_ERROR_TABLE(X)
#undef X
	}
	return "unknown error";
}

const char *
certauth_errname(int code)
{
	switch (code) {
#define X(name, c, zh, en) case c: return #name;
	CERTAUTH_ERROR_TABLE(X)
#undef X
	}
	return "UNKNOWN";
}

const char *
certauth_revocation_source_name(int source)
{
	switch (source) {
	case CERTAUTH_REVOCATION_OCSP:
		return "ocsp";
	case CERTAUTH_REVOCATION_OCSP_CACHE:
		return "ocsp-cache";
	case CERTAUTH_REVOCATION_CRL:
		return "crl";
	case CERTAUTH_REVOCATION_CRL_CACHE:
		return "crl-cache";
	case CERTAUTH_REVOCATION_CALLBACK:
		return "callback";
	case CERTAUTH_REVOCATION_CRL_CONFIG:
		return "crl-config";
	default:
		return "none";
	}
}

/* --- context and challenges --------------------------------------------- */

struct challenge {
	char value[CERTAUTH_CHALLENGE_LEN + 1];
	uint8_t session[GMPKI_SM3_LEN];
	time_t created_at;
};

struct certauth_ctx {
	char *rp_id, *origin, *helper_url, *sm2_id;
	X509 *root;
	int warn_days;
	size_t max_challenges;
	time_t (*now)(void *);
	void *now_arg;
	struct certauth_revocation *rev; /* sources, cache (own mutex) */

	pthread_mutex_t lock;   /* guards the table below */
	struct challenge *tab;
	size_t n, cap;
};

static time_t
ctx_now(const certauth_ctx *ctx)
{
	return ctx->now != NULL ? ctx->now(ctx->now_arg) : time(NULL);
}

static int
dup_str(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	*out = strdup(s);
	return *out == NULL ? CERTAUTH_ERR_NOMEM : 0;
}

void
certauth_ctx_free(certauth_ctx *ctx)
{
	if (ctx == NULL)
		return;
	pthread_mutex_destroy(&ctx->lock);
	if (ctx->tab != NULL)
		gmpki_wipe(ctx->tab, ctx->cap * sizeof(*ctx->tab));
	free(ctx->tab);
	free(ctx->rp_id);
	free(ctx->origin);
	free(ctx->helper_url);
	free(ctx->sm2_id);
	X509_free(ctx->root);
	certauth_revocation_free(ctx->rev);
	free(ctx);
}

int
certauth_ctx_new(const struct certauth_config *cfg, certauth_ctx **out)
{
	certauth_ctx *ctx;
	int rc = 0;

	if (out != NULL)
		*out = NULL;
	if (cfg == NULL || out == NULL || cfg->rp_id == NULL ||
	    cfg->rp_id[0] == '\0' || strlen(cfg->rp_id) > MAX_RP_ID ||
	    cfg->origin == NULL || cfg->origin[0] == '\0' ||
	    strlen(cfg->origin) > MAX_ORIGIN || cfg->root == NULL)
		return CERTAUTH_ERR_ARG;
	if (gmpki_init() != 0)
		return CERTAUTH_ERR_INTERNAL;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return CERTAUTH_ERR_NOMEM;
	if (pthread_mutex_init(&ctx->lock, NULL) != 0) {
		free(ctx);
		return CERTAUTH_ERR_INTERNAL;
	}
	if ((rc = dup_str(cfg->rp_id, &ctx->rp_id)) != 0 ||
	    (rc = dup_str(cfg->origin, &ctx->origin)) != 0 ||
	    (rc = dup_str(cfg->helper_url != NULL ? cfg->helper_url :
	    CERTAUTH_DEFAULT_HELPER_URL, &ctx->helper_url)) != 0 ||
	    (rc = dup_str(cfg->sm2_id, &ctx->sm2_id)) != 0) {
		certauth_ctx_free(ctx);
		return rc;
	}
	if (X509_up_ref(cfg->root) != 1) {
		certauth_ctx_free(ctx);
		return CERTAUTH_ERR_INTERNAL;
	}
	ctx->root = cfg->root;
	/* The trust anchor's self-signature, once (gmpki_verify_cert is told
	 * root_checked at every login). */
	if (X509_get0_pubkey(ctx->root) == NULL ||
	    gmpki_sm2_verify_cert(ctx->root, X509_get0_pubkey(ctx->root),
	    ctx->sm2_id) != 0) {
		ERR_clear_error();
		certauth_ctx_free(ctx);
		return CERTAUTH_ERR_UNTRUSTED;
	}
	ctx->warn_days = cfg->warn_days == 0 ? CERTAUTH_DEFAULT_WARN_DAYS :
	    cfg->warn_days;
	ctx->max_challenges = cfg->max_challenges == 0 ?
	    CERTAUTH_DEFAULT_MAX_CHALLENGES : cfg->max_challenges;
	ctx->now = cfg->now;
	ctx->now_arg = cfg->now_arg;
	if ((rc = certauth_revocation_new(cfg, &ctx->rev)) != 0) {
		certauth_ctx_free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int
certauth_revocation_stats(certauth_ctx *ctx,
    struct certauth_revocation_stats *out)
{
	if (ctx == NULL || out == NULL)
		return CERTAUTH_ERR_ARG;
	certauth_revocation_get_stats(ctx->rev, out);
	return 0;
}

/* Drops expired entries; lock held. */
static void
purge_locked(certauth_ctx *ctx, time_t now)
{
	size_t i = 0;

	while (i < ctx->n) {
		struct challenge *c = &ctx->tab[i];
		if (now - c->created_at >= CERTAUTH_CHALLENGE_TTL ||
		    c->created_at > now + CERTAUTH_CHALLENGE_TTL) {
			ctx->tab[i] = ctx->tab[ctx->n - 1];
			gmpki_wipe(&ctx->tab[ctx->n - 1], sizeof(*c));
			ctx->n--;
		} else
			i++;
	}
}

int
certauth_challenge_new(certauth_ctx *ctx, const char *session_id,
    char out[CERTAUTH_CHALLENGE_LEN + 1])
{
	unsigned char rnd[32];
	struct challenge c;
	char *b64 = NULL;
	time_t now;
	int rc = 0;

	if (ctx == NULL || session_id == NULL || session_id[0] == '\0' ||
	    out == NULL)
		return CERTAUTH_ERR_ARG;
	out[0] = '\0';
	memset(&c, 0, sizeof(c));
	if (gmpki_random(rnd, sizeof(rnd)) != 0 ||
	    gmpki_sm3(session_id, strlen(session_id), c.session) != 0)
		return CERTAUTH_ERR_INTERNAL;
	if ((rc = certauth_b64url_encode(rnd, sizeof(rnd), &b64)) != 0)
		return rc;
	gmpki_wipe(rnd, sizeof(rnd));
	if (strlen(b64) != CERTAUTH_CHALLENGE_LEN) {
		free(b64);
		return CERTAUTH_ERR_INTERNAL;
	}
	memcpy(c.value, b64, CERTAUTH_CHALLENGE_LEN + 1);
	free(b64);

	pthread_mutex_lock(&ctx->lock);
	now = ctx_now(ctx);
	c.created_at = now;
	purge_locked(ctx, now);
	if (ctx->n >= ctx->max_challenges)
		rc = CERTAUTH_ERR_BUSY;
	else if (ctx->n == ctx->cap) {
		size_t ncap = ctx->cap == 0 ? 16 : ctx->cap * 2;
		struct challenge *t;
		if (ncap > ctx->max_challenges)
			ncap = ctx->max_challenges;
		t = realloc(ctx->tab, ncap * sizeof(*t));
		if (t == NULL)
			rc = CERTAUTH_ERR_NOMEM;
		else {
			ctx->tab = t;
			ctx->cap = ncap;
		}
	}
	if (rc == 0)
		ctx->tab[ctx->n++] = c;
	pthread_mutex_unlock(&ctx->lock);
	if (rc == 0)
		memcpy(out, c.value, CERTAUTH_CHALLENGE_LEN + 1);
	gmpki_wipe(&c, sizeof(c));
	return rc;
}

size_t
certauth_challenge_count(certauth_ctx *ctx)
{
	size_t n;

	if (ctx == NULL)
		return 0;
	pthread_mutex_lock(&ctx->lock);
	purge_locked(ctx, ctx_now(ctx));
	n = ctx->n;
	pthread_mutex_unlock(&ctx->lock);
	return n;
}

/*
 * Finds and removes (consumes) the challenge.  Returns 1 and fills *c when
 * it was pending, 0 when unknown or already used.
 */
static int
challenge_take(certauth_ctx *ctx, const char *value, struct challenge *c)
{
	size_t i;
	int found = 0;

	if (strlen(value) != CERTAUTH_CHALLENGE_LEN)
		return 0;
	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < ctx->n; i++) {
		if (gmpki_memeq(ctx->tab[i].value, value,
		    CERTAUTH_CHALLENGE_LEN)) {
			*c = ctx->tab[i];
			ctx->tab[i] = ctx->tab[ctx->n - 1];
			gmpki_wipe(&ctx->tab[ctx->n - 1], sizeof(*c));
			ctx->n--;
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	return found;
}

/* --- redirect URL ------------------------------------------------------- */

static int
url_append(char *buf, size_t len, size_t *pos, const char *s, int escape)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = !escape || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~';
		size_t need = plain ? 1 : 3;
		if (*pos + need >= len)
			return CERTAUTH_ERR_TOO_LARGE;
		if (plain)
			buf[(*pos)++] = (char)ch;
		else {
			buf[(*pos)++] = '%';
			buf[(*pos)++] = hex[ch >> 4];
			buf[(*pos)++] = hex[ch & 15];
		}
	}
	buf[*pos] = '\0';
	return 0;
}

int
certauth_redirect_url(certauth_ctx *ctx, const char *challenge,
    const char *username, char *buf, size_t len)
{
	size_t pos = 0;
	int rc;

	if (ctx == NULL || challenge == NULL || username == NULL ||
	    buf == NULL || len == 0)
		return CERTAUTH_ERR_ARG;
	buf[0] = '\0';
	if ((rc = url_append(buf, len, &pos, ctx->helper_url, 0)) != 0 ||
	    (rc = url_append(buf, len, &pos, "/v1/login?rp=", 0)) != 0 ||
	    (rc = url_append(buf, len, &pos, ctx->rp_id, 1)) != 0 ||
	    (rc = url_append(buf, len, &pos, "&challenge=", 0)) != 0 ||
	    (rc = url_append(buf, len, &pos, challenge, 1)) != 0 ||
	    (rc = url_append(buf, len, &pos, "&username=", 0)) != 0 ||
	    (rc = url_append(buf, len, &pos, username, 1)) != 0) {
		buf[0] = '\0';
		return rc;
	}
	return 0;
}

/* --- base64url ------------------------------------------------------------ */

static const char b64url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
certauth_b64url_encode(const void *in, size_t len, char **out)
{
	const unsigned char *p = in;
	size_t i, o = 0;
	char *s;

	if (out == NULL || (in == NULL && len > 0))
		return CERTAUTH_ERR_ARG;
	*out = NULL;
	if (len > SIZE_MAX / 2)
		return CERTAUTH_ERR_TOO_LARGE;
	s = malloc(len / 3 * 4 + 5);
	if (s == NULL)
		return CERTAUTH_ERR_NOMEM;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
		    p[i + 2];
		s[o++] = b64url_alpha[v >> 18 & 63];
		s[o++] = b64url_alpha[v >> 12 & 63];
		s[o++] = b64url_alpha[v >> 6 & 63];
		s[o++] = b64url_alpha[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		s[o++] = b64url_alpha[v >> 18 & 63];
		s[o++] = b64url_alpha[v >> 12 & 63];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		s[o++] = b64url_alpha[v >> 18 & 63];
		s[o++] = b64url_alpha[v >> 12 & 63];
		s[o++] = b64url_alpha[v >> 6 & 63];
	}
	s[o] = '\0';
	*out = s;
	return 0;
}

static int
b64url_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
certauth_b64url_decode(const char *in, size_t inlen, unsigned char **out,
    size_t *outlen)
{
	unsigned char *d;
	size_t i, o = 0, rem = inlen % 4;
	uint32_t acc = 0;
	int bits = 0;

	if (in == NULL || out == NULL || outlen == NULL)
		return CERTAUTH_ERR_ARG;
	*out = NULL;
	*outlen = 0;
	if (rem == 1)
		return CERTAUTH_ERR_MALFORMED;
	d = malloc(inlen / 4 * 3 + 3);
	if (d == NULL)
		return CERTAUTH_ERR_NOMEM;
	for (i = 0; i < inlen; i++) {
		int v = b64url_val((unsigned char)in[i]);
		if (v < 0) {
			free(d);
			return CERTAUTH_ERR_MALFORMED;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) { /* non-zero leftover bits: not the canonical form */
		free(d);
		return CERTAUTH_ERR_MALFORMED;
	}
	*out = d;
	*outlen = o;
	return 0;
}

/* --- the canonical statement ---------------------------------------------- */

struct sbuf {
	char *p;
	size_t n, cap;
	int err;
};

static void
sb_add(struct sbuf *b, const char *s, size_t len)
{
	if (b->err)
		return;
	if (b->n + len + 1 > b->cap) {
		size_t ncap = b->cap == 0 ? 512 : b->cap;
		char *t;
		while (ncap < b->n + len + 1)
			ncap *= 2;
		t = realloc(b->p, ncap);
		if (t == NULL) {
			b->err = CERTAUTH_ERR_NOMEM;
			return;
		}
		b->p = t;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* A JSON string: only '"', '\\' and U+0000..U+001F are escaped. */
static void
sb_json_str(struct sbuf *b, const char *s)
{
	char esc[8];

	sb_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"')
			sb_add(b, "\\\"", 2);
		else if (ch == '\\')
			sb_add(b, "\\\\", 2);
		else if (ch < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			sb_add(b, esc, 6);
		} else
			sb_add(b, (const char *)s, 1);
	}
	sb_add(b, "\"", 1);
}

int
certauth_statement_encode(const struct certauth_statement *st, char **out,
    size_t *outlen)
{
	struct sbuf b = { NULL, 0, 0, 0 };
	char num[32];

	if (out != NULL)
		*out = NULL;
	if (st == NULL || out == NULL || st->challenge == NULL ||
	    st->rp == NULL || st->origin == NULL || st->username == NULL ||
	    st->cert_sm3 == NULL || st->time < 0)
		return CERTAUTH_ERR_ARG;
	sb_str(&b, "{\"v\":1,\"challenge\":");
	sb_json_str(&b, st->challenge);
	sb_str(&b, ",\"rp\":");
	sb_json_str(&b, st->rp);
	sb_str(&b, ",\"origin\":");
	sb_json_str(&b, st->origin);
	sb_str(&b, ",\"username\":");
	sb_json_str(&b, st->username);
	sb_str(&b, ",\"cert_sm3\":");
	sb_json_str(&b, st->cert_sm3);
	snprintf(num, sizeof(num), ",\"time\":%lld}", (long long)st->time);
	sb_str(&b, num);
	if (b.err) {
		free(b.p);
		return b.err;
	}
	*out = b.p;
	if (outlen != NULL)
		*outlen = b.n;
	return 0;
}

/* --- verification --------------------------------------------------------- */

static int
fail(struct certauth_result *res, int code, const char *detail)
{
	res->code = code;
	res->message_zh = certauth_strerror(code);
	res->message_en = certauth_strerror_en(code);
	res->detail = detail;
	return code;
}

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

struct parsed {
	json_t *root;
	const char *challenge, *rp, *origin, *username, *cert_sm3;
	json_int_t time;
};

/* Parses statement bytes; MALFORMED unless they are the canonical form. */
static int
statement_parse(const unsigned char *bytes, size_t len, struct parsed *p,
    const char **detail)
{
	static const char *keys[] = { "v", "challenge", "rp", "origin",
	    "username", "cert_sm3", "time" };
	struct certauth_statement st;
	json_error_t jerr;
	json_t *v, *t;
	char *canon = NULL;
	size_t clen = 0, i;
	int rc;

	memset(p, 0, sizeof(*p));
	p->root = json_loadb((const char *)bytes, len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (p->root == NULL || !json_is_object(p->root)) {
		*detail = "statement is not a JSON object";
		return CERTAUTH_ERR_MALFORMED;
	}
	if (json_object_size(p->root) != sizeof(keys) / sizeof(keys[0])) {
		*detail = "statement has missing or extra members";
		return CERTAUTH_ERR_MALFORMED;
	}
	for (i = 1; i <= 5; i++) {
		json_t *s = json_object_get(p->root, keys[i]);
		if (!json_is_string(s) || json_string_length(s) == 0 ||
		    json_string_length(s) != strlen(json_string_value(s))) {
			*detail = "statement member is not a non-empty string";
			return CERTAUTH_ERR_MALFORMED;
		}
	}
	v = json_object_get(p->root, "v");
	t = json_object_get(p->root, "time");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		*detail = "statement version is not 1";
		return CERTAUTH_ERR_MALFORMED;
	}
	if (!json_is_integer(t) || json_integer_value(t) < 0) {
		*detail = "statement time is not a non-negative integer";
		return CERTAUTH_ERR_MALFORMED;
	}
	p->challenge = json_string_value(json_object_get(p->root, "challenge"));
	p->rp = json_string_value(json_object_get(p->root, "rp"));
	p->origin = json_string_value(json_object_get(p->root, "origin"));
	p->username = json_string_value(json_object_get(p->root, "username"));
	p->cert_sm3 = json_string_value(json_object_get(p->root, "cert_sm3"));
	p->time = json_integer_value(t);
	if (strlen(p->challenge) != CERTAUTH_CHALLENGE_LEN ||
	    strlen(p->rp) > MAX_RP_ID || strlen(p->origin) > MAX_ORIGIN ||
	    strlen(p->username) > MAX_USERNAME || !is_hex64(p->cert_sm3)) {
		*detail = "statement member has a bad length or form";
		return CERTAUTH_ERR_MALFORMED;
	}
	st.challenge = p->challenge;
	st.rp = p->rp;
	st.origin = p->origin;
	st.username = p->username;
	st.cert_sm3 = p->cert_sm3;
	st.time = (int64_t)p->time;
	if ((rc = certauth_statement_encode(&st, &canon, &clen)) != 0) {
		*detail = "statement could not be re-encoded";
		return rc;
	}
	rc = 0;
	if (clen != len || memcmp(canon, bytes, len) != 0) {
		*detail = "statement is not in canonical form";
		rc = CERTAUTH_ERR_MALFORMED;
	}
	free(canon);
	return rc;
}

/* The certificate in chain (or the root) that issued cert, or NULL. */
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

static int
map_chain_error(int grc, const struct gmpki_verify_result *vr,
    struct certauth_result *res)
{
	switch (grc) {
	case GMPKI_ERR_CERT_EXPIRED:
		if (vr->depth == 0)
			return fail(res, CERTAUTH_ERR_EXPIRED,
			    "certificate has expired");
		return fail(res, CERTAUTH_ERR_UNTRUSTED,
		    "a CA certificate in the chain has expired");
	case GMPKI_ERR_CERT_NOT_YET_VALID:
		if (vr->depth == 0)
			return fail(res, CERTAUTH_ERR_NOT_YET_VALID,
			    "certificate is not yet valid");
		return fail(res, CERTAUTH_ERR_UNTRUSTED,
		    "a CA certificate in the chain is not yet valid");
	case GMPKI_ERR_CERT_REVOKED:
		return fail(res, CERTAUTH_ERR_REVOKED,
		    "certificate has been revoked");
	case GMPKI_ERR_REVOCATION_UNKNOWN:
	case GMPKI_ERR_OCSP_INVALID:
	case GMPKI_ERR_OCSP_STALE:
	case GMPKI_ERR_DECODE:
	case GMPKI_ERR_SIGNATURE:
		return fail(res, CERTAUTH_ERR_REVOCATION_UNKNOWN,
		    "no usable OCSP answer");
	case GMPKI_ERR_NOMEM:
		return fail(res, CERTAUTH_ERR_NOMEM, "out of memory");
	default:
		return fail(res, CERTAUTH_ERR_UNTRUSTED,
		    "certificate does not chain to the configured root");
	}
}

/*
 * The checks of docs/LOGIN-PROTOCOL.md §6.  session_id NULL is
 * certauth_verify_statement: step 3 then checks the statement's time
 * instead of the challenge table (nothing is consumed).
 */
static int
verify_impl(certauth_ctx *ctx, const char *session_id,
    const char *statement_b64, const char *signature_b64,
    const char *cert_pem, const char *chain_pem, const char *username,
    struct certauth_result *res)
{
	struct parsed p;
	struct challenge chal;
	struct gmpki_verify_opts vo;
	struct gmpki_verify_result vr;
	struct gmpki_cert_info *info = NULL;
	unsigned char *stmt = NULL, *sig = NULL;
	unsigned char sess[GMPKI_SM3_LEN];
	size_t stmt_len = 0, sig_len = 0, len;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *pub;
	const char *detail = NULL;
	char fp[65];
	time_t now;
	int rc, grc, i;

	memset(&p, 0, sizeof(p));
	memset(&chal, 0, sizeof(chal));
	if (res == NULL)
		return CERTAUTH_ERR_ARG;
	memset(res, 0, sizeof(*res));
	if (ctx == NULL || (session_id != NULL && session_id[0] == '\0') ||
	    statement_b64 == NULL || signature_b64 == NULL ||
	    cert_pem == NULL || username == NULL)
		return fail(res, CERTAUTH_ERR_ARG, "missing argument");
	now = ctx_now(ctx);

	/* 1. Bounded parsing. */
	len = strnlen(statement_b64, (CERTAUTH_MAX_STATEMENT + 2) / 3 * 4 + 1);
	if (len > (CERTAUTH_MAX_STATEMENT + 2) / 3 * 4) {
		rc = fail(res, CERTAUTH_ERR_TOO_LARGE, "statement too large");
		goto out;
	}
	if (strnlen(signature_b64, CERTAUTH_MAX_SIGNATURE_B64 + 1) >
	    CERTAUTH_MAX_SIGNATURE_B64 ||
	    strnlen(cert_pem, CERTAUTH_MAX_PEM + 1) > CERTAUTH_MAX_PEM ||
	    (chain_pem != NULL &&
	    strnlen(chain_pem, CERTAUTH_MAX_PEM + 1) > CERTAUTH_MAX_PEM) ||
	    strnlen(username, MAX_USERNAME + 1) > MAX_USERNAME) {
		rc = fail(res, CERTAUTH_ERR_TOO_LARGE,
		    "signature, certificate, chain or username too large");
		goto out;
	}
	if (certauth_b64url_decode(statement_b64, len, &stmt, &stmt_len) != 0 ||
	    stmt_len == 0) {
		rc = fail(res, CERTAUTH_ERR_MALFORMED,
		    "statement is not base64url");
		goto out;
	}
	if (stmt_len > CERTAUTH_MAX_STATEMENT) {
		rc = fail(res, CERTAUTH_ERR_TOO_LARGE, "statement too large");
		goto out;
	}
	if (certauth_b64url_decode(signature_b64, strlen(signature_b64), &sig,
	    &sig_len) != 0 || sig_len == 0 || sig_len > GMPKI_SM2_MAX_SIG_LEN) {
		rc = fail(res, CERTAUTH_ERR_MALFORMED,
		    "signature is not base64url of an SM2 signature");
		goto out;
	}
	if (!gmpki_is_pem((const unsigned char *)cert_pem, strlen(cert_pem)) ||
	    gmpki_cert_from_mem((const unsigned char *)cert_pem,
	    strlen(cert_pem), &cert) != 0) {
		rc = fail(res, CERTAUTH_ERR_MALFORMED,
		    "certificate is not one PEM certificate");
		goto out;
	}
	if (chain_pem != NULL && chain_pem[0] != '\0' &&
	    (!gmpki_is_pem((const unsigned char *)chain_pem,
	    strlen(chain_pem)) ||
	    gmpki_certs_from_mem((const unsigned char *)chain_pem,
	    strlen(chain_pem), &chain) != 0)) {
		rc = fail(res, CERTAUTH_ERR_MALFORMED,
		    "chain is not PEM certificates");
		goto out;
	}
	/* Ours, parsed here: the SM2 ID goes on them so that path validation
	 * uses them as they are instead of copies. */
	if (gmpki_sm2_set_cert_id(cert, ctx->sm2_id) != 0) {
		rc = fail(res, CERTAUTH_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		if (gmpki_sm2_set_cert_id(sk_X509_value(chain, i),
		    ctx->sm2_id) != 0) {
			rc = fail(res, CERTAUTH_ERR_NOMEM, "out of memory");
			goto out;
		}

	/* 2. Canonical form. */
	if ((rc = statement_parse(stmt, stmt_len, &p, &detail)) != 0) {
		rc = fail(res, rc, detail);
		goto out;
	}
	res->statement_time = (time_t)p.time;
	snprintf(res->challenge, sizeof(res->challenge), "%s", p.challenge);

	/* 3. Challenge: known and unused (consumed now), fresh, our session.
	 *    Without the challenge table (certauth_verify_statement): the
	 *    statement's time is within the TTL of now, either way. */
	if (session_id == NULL) {
		if ((time_t)p.time <= now - CERTAUTH_CHALLENGE_TTL ||
		    (time_t)p.time >= now + CERTAUTH_CHALLENGE_TTL) {
			rc = fail(res, CERTAUTH_ERR_CHALLENGE,
			    "statement time is not within 120 s of now");
			goto out;
		}
	} else {
		if (!challenge_take(ctx, p.challenge, &chal)) {
			rc = fail(res, CERTAUTH_ERR_CHALLENGE,
			    "challenge unknown or already used");
			goto out;
		}
		if (now - chal.created_at >= CERTAUTH_CHALLENGE_TTL ||
		    now < chal.created_at) {
			rc = fail(res, CERTAUTH_ERR_CHALLENGE,
			    "challenge expired");
			goto out;
		}
		if (gmpki_sm3(session_id, strlen(session_id), sess) != 0) {
			rc = fail(res, CERTAUTH_ERR_INTERNAL, "SM3 failed");
			goto out;
		}
		if (!gmpki_memeq(sess, chal.session, sizeof(sess))) {
			rc = fail(res, CERTAUTH_ERR_CHALLENGE,
			    "challenge was issued to another session");
			goto out;
		}
	}

	/* 4. Ours. */
	if (strcmp(p.rp, ctx->rp_id) != 0) {
		rc = fail(res, CERTAUTH_ERR_RP,
		    "statement is for another reporting system");
		goto out;
	}
	if (strcmp(p.origin, ctx->origin) != 0) {
		rc = fail(res, CERTAUTH_ERR_RP,
		    "statement is for another origin");
		goto out;
	}

	/* 5. Signature with the certificate's key, default ID. */
	pub = X509_get0_pubkey(cert);
	if (pub == NULL || !gmpki_sm2_is_sm2(pub) ||
	    gmpki_sm2_verify(pub, NULL, stmt, stmt_len, sig, sig_len) != 0) {
		rc = fail(res, CERTAUTH_ERR_SIGNATURE,
		    "SM2 signature over the statement does not verify");
		goto out;
	}

	/* 6. The statement names this certificate. */
	if (gmpki_cert_fingerprint_sm3(cert, fp) != 0) {
		rc = fail(res, CERTAUTH_ERR_INTERNAL, "SM3 failed");
		goto out;
	}
	if (strcmp(fp, p.cert_sm3) != 0) {
		rc = fail(res, CERTAUTH_ERR_CERT_MISMATCH,
		    "cert_sm3 is not the SM3 of the certificate");
		goto out;
	}

	info = calloc(1, sizeof(*info));
	if (info == NULL) {
		rc = fail(res, CERTAUTH_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (gmpki_cert_info_get(cert, info) != 0) {
		rc = fail(res, CERTAUTH_ERR_MALFORMED,
		    "certificate fields cannot be read");
		goto out;
	}
	snprintf(res->username, sizeof(res->username), "%s", info->cn);
	snprintf(res->uscc, sizeof(res->uscc), "%s", info->uscc);
	snprintf(res->org, sizeof(res->org), "%s", info->org);
	snprintf(res->serial, sizeof(res->serial), "%s", info->serial);
	memcpy(res->cert_sm3, fp, sizeof(fp));
	res->not_before = info->not_before;
	res->not_after = info->not_after;
	res->days_left = info->not_after > now ?
	    (int)((info->not_after - now) / DAY_SECS) : 0;

	/* 7+8. Chain to the root and validity at ctx time; then revocation. */
	memset(&vo, 0, sizeof(vo));
	vo.root = ctx->root;
	vo.untrusted = chain;
	vo.at = now;
	vo.sm2_id = ctx->sm2_id;
	vo.root_checked = 1;
	memset(&vr, 0, sizeof(vr));
	if ((grc = gmpki_verify_cert(cert, &vo, &vr)) != 0) {
		rc = map_chain_error(grc, &vr, res);
		goto out;
	}
	if (certauth_revocation_enabled(ctx->rev)) {
		X509 *issuer = find_issuer(cert, chain, ctx->root);
		if (issuer == NULL) {
			rc = fail(res, CERTAUTH_ERR_REVOCATION_UNKNOWN,
			    "the certificate's issuer is not in the chain");
			goto out;
		}
		if ((rc = certauth_revocation_check(ctx->rev, cert, issuer,
		    &vo, info->ocsp_url, info->crl_url, res, &detail)) != 0) {
			rc = fail(res, rc, detail);
			goto out;
		}
	}
	/* Belt and braces: the leaf's own validity at ctx time. */
	if (now > info->not_after) {
		rc = fail(res, CERTAUTH_ERR_EXPIRED, "certificate has expired");
		goto out;
	}
	if (now < info->not_before) {
		rc = fail(res, CERTAUTH_ERR_NOT_YET_VALID,
		    "certificate is not yet valid");
		goto out;
	}

	/* 9. Username: the session's, the statement's and the CN agree. */
	if (strcmp(info->cn, username) != 0 ||
	    strcmp(p.username, username) != 0) {
		rc = fail(res, CERTAUTH_ERR_USERNAME,
		    "certificate CN or statement username is not the user's");
		goto out;
	}

	/* 10. Success, maybe with the expiry warning. */
	rc = fail(res, CERTAUTH_OK, certauth_revocation_enabled(ctx->rev) ?
	    "login verified" : "login verified; revocation not checked");
	if (ctx->warn_days > 0 &&
	    info->not_after - now <= (time_t)ctx->warn_days * DAY_SECS) {
		res->expiring_soon = 1;
		res->message_zh = CERTAUTH_MSG_EXPIRING_ZH;
		res->message_en = CERTAUTH_MSG_EXPIRING_EN;
	}
out:
	if (rc != 0) {
		/* Identity fields only describe a verified login. */
		res->expiring_soon = 0;
	}
	json_decref(p.root);
	free(stmt);
	free(sig);
	free(info);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	gmpki_wipe(&chal, sizeof(chal));
	return rc;
}

int
certauth_verify(certauth_ctx *ctx, const char *session_id,
    const char *statement_b64, const char *signature_b64,
    const char *cert_pem, const char *chain_pem, const char *username,
    struct certauth_result *res)
{
	if (res != NULL && (session_id == NULL || session_id[0] == '\0')) {
		memset(res, 0, sizeof(*res));
		return fail(res, CERTAUTH_ERR_ARG, "missing argument");
	}
	return verify_impl(ctx, session_id, statement_b64, signature_b64,
	    cert_pem, chain_pem, username, res);
}

int
certauth_verify_statement(certauth_ctx *ctx, const char *statement_b64,
    const char *signature_b64, const char *cert_pem, const char *chain_pem,
    const char *username, struct certauth_result *res)
{
	return verify_impl(ctx, NULL, statement_b64, signature_b64, cert_pem,
	    chain_pem, username, res);
}
