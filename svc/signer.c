/*
 * signer.c - the signer process, which alone holds the issuing-CA key
 * (privilege separation as in OpenSSH's monitor and acme-client's
 * keyproc).  svc_signer_start forks it before certsvc starts any thread;
 * the child opens the CA, closes every other descriptor, and answers the
 * closed set of requests in signer_proto.h over a socketpair.  It checks
 * every field against the profile itself, so a bug in the HTTP side can
 * at worst ask for a well-formed end-entity certificate or CRL, never for
 * a CA certificate or a signature over chosen bytes.
 */
#include "signer_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "gmpki/gmpki.h"
#include "svc_error.h"

struct svc_signer {
	int fd;
	pid_t pid;
	int dead;              /* the stream is out of step or closed */
	pthread_mutex_t lock;  /* one request at a time */
};

/* ---- encoding ------------------------------------------------------- */

static void
put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
put_i64(unsigned char *p, int64_t s)
{
	uint64_t v = (uint64_t)s;
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

static uint16_t
get_u16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
get_i64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* A bounded reader over a frame body: never reads past the end. */
struct rd {
	const unsigned char *p;
	size_t left;
	int bad;
};

static const unsigned char *
rd_take(struct rd *r, size_t n)
{
	const unsigned char *p;

	if (r->bad || n > r->left) {
		r->bad = 1;
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

/* A u16-length field of at most max bytes. */
static const unsigned char *
rd_field(struct rd *r, size_t max, size_t *len)
{
	const unsigned char *p;

	if ((p = rd_take(r, 2)) == NULL)
		return NULL;
	*len = get_u16(p);
	if (*len > max) {
		r->bad = 1;
		return NULL;
	}
	return rd_take(r, *len);
}

/* ---- socket I/O ----------------------------------------------------- */

/* 0, or -1 on EOF before anything (eof set), error or timeout. */
static int
read_full(int fd, void *buf, size_t len, int *eof)
{
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t n;

	if (eof != NULL)
		*eof = 0;
	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && got == 0 && eof != NULL)
			*eof = 1;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int
write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- the child ------------------------------------------------------ */

static int
child_reply(int fd, int code, const unsigned char *body, size_t len)
{
	unsigned char hdr[SVC_SIGNER_HDR_LEN];

	put_u32(hdr, (uint32_t)code);
	put_u32(hdr + 4, (uint32_t)len);
	if (write_full(fd, hdr, sizeof(hdr)) != 0)
		return -1;
	return len > 0 ? write_full(fd, body, len) : 0;
}

/* A length-delimited string field as a C string: no NUL inside. */
static int
field_str(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	if (len >= outlen || memchr(p, '\0', len) != NULL)
		return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

/* SPKI DER to an SM2 key; 0 or the code to answer. */
static int
spki_to_sm2(const unsigned char *spki, size_t spkilen, EVP_PKEY **out)
{
	const unsigned char *q = spki;
	EVP_PKEY *pub;
	int rc;

	*out = NULL;
	if ((pub = d2i_PUBKEY(NULL, &q, (long)spkilen)) == NULL ||
	    q != spki + spkilen) {
		ERR_clear_error();
		EVP_PKEY_free(pub);
		return GMPKI_ERR_DECODE;
	}
	rc = gmpki_sm2_key_normalize(pub, out);
	EVP_PKEY_free(pub);
	return rc;
}

/*
 * ISSUE_EE.  Returns -1 for a malformed body (ends the connection), else
 * the answer's code with *der set when 0.
 */
static int
child_issue_ee(const gmpki_ca *ca, const unsigned char *body, size_t len,
    unsigned char **der, size_t *derlen)
{
	char username[SVC_SIGNER_MAX_FIELD + 1], uscc[SVC_SIGNER_MAX_FIELD + 1];
	char org[SVC_SIGNER_MAX_FIELD + 1];
	const unsigned char *spki, *u, *c, *o;
	size_t spkilen, ulen, clen, olen;
	struct gmpki_ee_request req;
	struct rd r = { body, len, 0 };
	EVP_PKEY *sm2 = NULL;
	X509 *cert = NULL;
	int rc;

	spki = rd_field(&r, SVC_SIGNER_MAX_SPKI, &spkilen);
	u = rd_field(&r, SVC_SIGNER_MAX_FIELD, &ulen);
	c = rd_field(&r, SVC_SIGNER_MAX_FIELD, &clen);
	o = rd_field(&r, SVC_SIGNER_MAX_FIELD, &olen);
	if (r.bad || r.left != 0 ||
	    field_str(u, ulen, username, sizeof(username)) != 0 ||
	    field_str(c, clen, uscc, sizeof(uscc)) != 0 ||
	    field_str(o, olen, org, sizeof(org)) != 0)
		return -1;

	/* The profile, checked here and not trusted from the caller. */
	if ((rc = gmpki_uscc_validate(uscc, NULL, NULL)) != 0)
		return rc;
	if ((rc = spki_to_sm2(spki, spkilen, &sm2)) != 0)
		goto out;
	memset(&req, 0, sizeof(req));
	req.pubkey = sm2;
	req.username = username;
	req.uscc = uscc;
	req.org = org;
	/* gmpki_ca_issue_ee builds the subject with gmpki_name_ee: lengths
	 * (CN 64, O 128 characters) and strict UTF-8 are checked there. */
	if ((rc = gmpki_ca_issue_ee(ca, &req, &cert)) != 0)
		goto out;
	rc = gmpki_cert_to_der(cert, der, derlen);
out:
	X509_free(cert);
	EVP_PKEY_free(sm2);
	return rc;
}

/* ISSUE_DELEGATED.  -1 for a malformed body, else the answer's code. */
static int
child_issue_delegated(const gmpki_ca *ca, const unsigned char *body,
    size_t len, unsigned char **der, size_t *derlen)
{
	struct rd r = { body, len, 0 };
	const unsigned char *kind, *spki;
	size_t spkilen;
	EVP_PKEY *sm2 = NULL;
	X509 *cert = NULL;
	int rc;

	kind = rd_take(&r, 1);
	spki = rd_field(&r, SVC_SIGNER_MAX_SPKI, &spkilen);
	if (r.bad || r.left != 0 || (kind[0] != GMPKI_CERT_OCSP &&
	    kind[0] != GMPKI_CERT_DOCSIGN))
		return -1;
	if ((rc = spki_to_sm2(spki, spkilen, &sm2)) != 0)
		return rc;
	if ((rc = gmpki_ca_issue_delegated(ca, (enum gmpki_cert_kind)kind[0],
	    sm2, &cert)) == 0)
		rc = gmpki_cert_to_der(cert, der, derlen);
	X509_free(cert);
	EVP_PKEY_free(sm2);
	return rc;
}

/* SIGN_CRL.  -1 for a malformed body, else the answer's code. */
static int
child_sign_crl(const gmpki_ca *ca, const unsigned char *body, size_t len,
    unsigned char **der, size_t *derlen)
{
	struct gmpki_revoked *e = NULL;
	const unsigned char *p;
	int64_t number, this_update, next_update;
	X509_CRL *crl = NULL;
	BIGNUM *bn = NULL;
	uint32_t n, i;
	unsigned slen;
	int rc = -1;

	if (len < SVC_SIGNER_CRL_FIXED)
		return -1;
	number = get_i64(body);
	this_update = get_i64(body + 8);
	next_update = get_i64(body + 16);
	n = get_u32(body + 24);
	if (n > SVC_SIGNER_MAX_CRL_ENTRIES ||
	    len != SVC_SIGNER_CRL_FIXED + (size_t)n * SVC_SIGNER_CRL_ENTRY)
		return -1;
	/* RFC 5280 §5.2.3: a non-negative, increasing cRLNumber. */
	if (number < 0 || this_update <= 0 || next_update <= this_update)
		return GMPKI_ERR_ARG;
	if (n > 0 && (e = calloc(n, sizeof(*e))) == NULL)
		return GMPKI_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		p = body + SVC_SIGNER_CRL_FIXED + (size_t)i * SVC_SIGNER_CRL_ENTRY;
		slen = p[0];
		if (slen < 1 || slen > 20 || p[1] == 0 || p[29] > 10) {
			rc = -1;
			goto out;
		}
		if ((bn = BN_bin2bn(p + 1, (int)slen, NULL)) == NULL ||
		    (e[i].serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL) {
			rc = GMPKI_ERR_NOMEM;
			goto out;
		}
		BN_free(bn);
		bn = NULL;
		e[i].revoked_at = (time_t)get_i64(p + 21);
		e[i].reason = p[29];
		if (e[i].revoked_at <= 0) {
			rc = GMPKI_ERR_ARG;
			goto out;
		}
	}
	/* gmpki_crl_create refuses reasons 7 and removeFromCRL. */
	if ((rc = gmpki_crl_create(gmpki_ca_issuing(ca),
	    gmpki_ca_issuing_key(ca), e, n, (long)number, (time_t)this_update,
	    (time_t)next_update, NULL, &crl)) != 0)
		goto out;
	rc = gmpki_crl_to_der(crl, der, derlen);
out:
	ERR_clear_error();
	BN_free(bn);
	if (e != NULL)
		for (i = 0; i < n; i++)
			ASN1_INTEGER_free((ASN1_INTEGER *)e[i].serial);
	free(e);
	X509_CRL_free(crl);
	return rc;
}

/* Serves requests until EOF or a malformed frame. */
static void
child_serve(int fd, const gmpki_ca *ca)
{
	unsigned char hdr[SVC_SIGNER_HDR_LEN], *body, *der;
	uint32_t type, len, max;
	size_t derlen;
	int rc, eof;

	for (;;) {
		if (read_full(fd, hdr, sizeof(hdr), &eof) != 0)
			return;
		type = get_u32(hdr);
		len = get_u32(hdr + 4);
		if (type == SVC_SIGNER_ISSUE_EE)
			max = SVC_SIGNER_MAX_EE_BODY;
		else if (type == SVC_SIGNER_SIGN_CRL)
			max = SVC_SIGNER_MAX_CRL_BODY;
		else if (type == SVC_SIGNER_ISSUE_DELEGATED)
			max = SVC_SIGNER_MAX_DELEGATED_BODY;
		else
			return;
		if (len > max)
			return;
		if ((body = malloc(len > 0 ? len : 1)) == NULL)
			return;
		if (read_full(fd, body, len, NULL) != 0) {
			free(body);
			return;
		}
		der = NULL;
		derlen = 0;
		if (type == SVC_SIGNER_ISSUE_EE)
			rc = child_issue_ee(ca, body, len, &der, &derlen);
		else if (type == SVC_SIGNER_ISSUE_DELEGATED)
			rc = child_issue_delegated(ca, body, len, &der,
			    &derlen);
		else
			rc = child_sign_crl(ca, body, len, &der, &derlen);
		free(body);
		if (rc == -1) {
			free(der);
			return;
		}
		if (rc != 0) {
			free(der);
			der = NULL;
			derlen = 0;
		}
		rc = child_reply(fd, rc, der, derlen);
		free(der);
		if (rc != 0)
			return;
	}
}

/* The child's life: never returns. */
static void
child_main(int fd, pid_t parent, const char *ca_dir, const char *pass,
    size_t passlen)
{
	gmpki_ca *ca = NULL;
	int devnull, rc;

	/* Dies with the service; no core dumps or ptrace of the key. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	prctl(PR_SET_DUMPABLE, 0);
	/* Operators stop the service, not the signer: it ends when its
	 * socket closes, after the requests in flight are answered. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	/* Every descriptor but the socket and stderr (sanitizer reports). */
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		if (devnull > 2)
			close(devnull);
	}
	if (fd > 3)
		close_range(3, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0U, 0);

	rc = gmpki_ca_open(ca_dir, pass, passlen, &ca);
	/* The first frame says whether the CA opened. */
	if (child_reply(fd, rc, NULL, 0) == 0 && rc == 0)
		child_serve(fd, ca);
	gmpki_ca_free(ca);
	close(fd);
	_exit(0);
}

/* ---- the parent ----------------------------------------------------- */

/* Reads one response frame; *body malloc'ed (NULL when empty). */
static int
parent_read(struct svc_signer *s, int *code, unsigned char **body,
    size_t *len)
{
	unsigned char hdr[SVC_SIGNER_HDR_LEN];
	uint32_t n;

	*body = NULL;
	*len = 0;
	if (read_full(s->fd, hdr, sizeof(hdr), NULL) != 0)
		return SVC_ERR_SIGNER;
	*code = (int32_t)get_u32(hdr);
	n = get_u32(hdr + 4);
	if (n > SVC_SIGNER_MAX_RESP || (*code != 0 && n != 0) || *code > 0)
		return SVC_ERR_SIGNER;
	if (n == 0)
		return 0;
	if ((*body = malloc(n)) == NULL)
		return SVC_ERR_SIGNER;
	if (read_full(s->fd, *body, n, NULL) != 0) {
		free(*body);
		*body = NULL;
		return SVC_ERR_SIGNER;
	}
	*len = n;
	return 0;
}

/* One request and its answer, under the lock.  *resp malloc'ed. */
static int
parent_call(struct svc_signer *s, uint32_t type, const unsigned char *body,
    size_t len, unsigned char **resp, size_t *resplen)
{
	unsigned char hdr[SVC_SIGNER_HDR_LEN];
	int rc, code = 0;

	*resp = NULL;
	*resplen = 0;
	put_u32(hdr, type);
	put_u32(hdr + 4, (uint32_t)len);
	pthread_mutex_lock(&s->lock);
	if (s->dead) {
		rc = SVC_ERR_SIGNER;
		goto out;
	}
	if (write_full(s->fd, hdr, sizeof(hdr)) != 0 ||
	    write_full(s->fd, body, len) != 0 ||
	    parent_read(s, &code, resp, resplen) != 0) {
		/* The stream may be out of step now: never use it again. */
		s->dead = 1;
		rc = SVC_ERR_SIGNER;
		goto out;
	}
	rc = code;
	if (rc == 0 && *resplen == 0)
		rc = SVC_ERR_SIGNER;
out:
	pthread_mutex_unlock(&s->lock);
	if (rc != 0) {
		free(*resp);
		*resp = NULL;
		*resplen = 0;
	}
	return rc;
}

int
svc_signer_start(const char *ca_dir, const char *pass, size_t passlen,
    struct svc_signer **out)
{
	struct svc_signer *s;
	struct timeval tv;
	unsigned char *body = NULL;
	size_t len;
	pid_t parent;
	int sv[2], rc, code = 0;

	if (out == NULL)
		return GMPKI_ERR_ARG;
	*out = NULL;
	if (ca_dir == NULL || (pass == NULL && passlen != 0))
		return GMPKI_ERR_ARG;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return GMPKI_ERR_NOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		free(s);
		return SVC_ERR_SIGNER;
	}
	parent = getpid();
	/* Nothing buffered may be written twice by the child. */
	fflush(NULL);
	if ((s->pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		free(s);
		return SVC_ERR_SIGNER;
	}
	if (s->pid == 0) {
		close(sv[0]);
		child_main(sv[1], parent, ca_dir, pass, passlen);
	}
	close(sv[1]);
	s->fd = sv[0];
	pthread_mutex_init(&s->lock, NULL);
	/* A signer that hangs must not hang the service's threads. */
	tv.tv_sec = SVC_SIGNER_TIMEOUT;
	tv.tv_usec = 0;
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	if ((rc = parent_read(s, &code, &body, &len)) == 0)
		rc = code;
	free(body);
	if (rc != 0) {
		s->dead = 1;
		svc_signer_stop(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* The SPKI DER of an SM2 key (OPENSSL_free it), or an error code. */
static int
spki_of(EVP_PKEY *pub, unsigned char **spki, int *len)
{
	*spki = NULL;
	if (!gmpki_sm2_is_sm2(pub))
		return GMPKI_ERR_KEY_NOT_SM2;
	if ((*len = i2d_PUBKEY(pub, spki)) <= 0 ||
	    *len > SVC_SIGNER_MAX_SPKI) {
		ERR_clear_error();
		OPENSSL_free(*spki);
		*spki = NULL;
		return GMPKI_ERR_KEY_NOT_SM2;
	}
	return 0;
}

/* The signer's answer as one certificate, nothing after it. */
static int
cert_of(const unsigned char *der, size_t len, X509 **out)
{
	const unsigned char *q = der;

	if ((*out = d2i_X509(NULL, &q, (long)len)) == NULL ||
	    q != der + len) {
		ERR_clear_error();
		X509_free(*out);
		*out = NULL;
		return SVC_ERR_SIGNER;
	}
	return 0;
}

int
svc_signer_issue_ee(struct svc_signer *s, EVP_PKEY *pub,
    const char *username, const char *uscc, const char *org, X509 **out)
{
	unsigned char *spki = NULL, *body = NULL, *p, *resp = NULL;
	size_t ul, cl, ol, len, resplen = 0;
	int spkilen, rc;

	if (out != NULL)
		*out = NULL;
	if (s == NULL || pub == NULL || username == NULL || uscc == NULL ||
	    org == NULL || out == NULL)
		return GMPKI_ERR_ARG;
	ul = strlen(username);
	cl = strlen(uscc);
	ol = strlen(org);
	if (ul > SVC_SIGNER_MAX_FIELD || cl > SVC_SIGNER_MAX_FIELD ||
	    ol > SVC_SIGNER_MAX_FIELD)
		return GMPKI_ERR_SUBJECT;
	if ((rc = spki_of(pub, &spki, &spkilen)) != 0)
		return rc;
	len = 8 + (size_t)spkilen + ul + cl + ol;
	if ((body = malloc(len)) == NULL) {
		rc = GMPKI_ERR_NOMEM;
		goto out;
	}
	p = body;
	put_u16(p, (uint16_t)spkilen);
	memcpy(p + 2, spki, (size_t)spkilen);
	p += 2 + spkilen;
	put_u16(p, (uint16_t)ul);
	memcpy(p + 2, username, ul);
	p += 2 + ul;
	put_u16(p, (uint16_t)cl);
	memcpy(p + 2, uscc, cl);
	p += 2 + cl;
	put_u16(p, (uint16_t)ol);
	memcpy(p + 2, org, ol);
	if ((rc = parent_call(s, SVC_SIGNER_ISSUE_EE, body, len, &resp,
	    &resplen)) == 0)
		rc = cert_of(resp, resplen, out);
out:
	OPENSSL_free(spki);
	free(body);
	free(resp);
	return rc;
}

int
svc_signer_issue_delegated(struct svc_signer *s, int kind, EVP_PKEY *pub,
    X509 **out)
{
	unsigned char *spki = NULL, body[SVC_SIGNER_MAX_DELEGATED_BODY];
	unsigned char *resp = NULL;
	size_t resplen = 0;
	int spkilen, rc;

	if (out != NULL)
		*out = NULL;
	if (s == NULL || pub == NULL || out == NULL ||
	    (kind != GMPKI_CERT_OCSP && kind != GMPKI_CERT_DOCSIGN))
		return GMPKI_ERR_ARG;
	if ((rc = spki_of(pub, &spki, &spkilen)) != 0)
		return rc;
	body[0] = (unsigned char)kind;
	put_u16(body + 1, (uint16_t)spkilen);
	memcpy(body + 3, spki, (size_t)spkilen);
	OPENSSL_free(spki);
	if ((rc = parent_call(s, SVC_SIGNER_ISSUE_DELEGATED, body,
	    3 + (size_t)spkilen, &resp, &resplen)) == 0)
		rc = cert_of(resp, resplen, out);
	free(resp);
	return rc;
}

int
svc_signer_sign_crl(struct svc_signer *s,
    const struct gmpki_revoked *entries, size_t n, long number,
    time_t this_update, time_t next_update, X509_CRL **out)
{
	unsigned char *body = NULL, *p, *resp = NULL;
	const unsigned char *q;
	size_t i, len, resplen = 0;
	BIGNUM *bn = NULL;
	int nb, rc;

	if (out != NULL)
		*out = NULL;
	if (s == NULL || out == NULL || (entries == NULL && n != 0))
		return GMPKI_ERR_ARG;
	if (n > SVC_SIGNER_MAX_CRL_ENTRIES)
		return GMPKI_ERR_TOO_LARGE;
	len = SVC_SIGNER_CRL_FIXED + n * SVC_SIGNER_CRL_ENTRY;
	if ((body = calloc(1, len)) == NULL)
		return GMPKI_ERR_NOMEM;
	put_i64(body, number);
	put_i64(body + 8, this_update);
	put_i64(body + 16, next_update);
	put_u32(body + 24, (uint32_t)n);
	for (i = 0; i < n; i++) {
		p = body + SVC_SIGNER_CRL_FIXED + i * SVC_SIGNER_CRL_ENTRY;
		if (entries[i].serial == NULL || entries[i].reason < 0 ||
		    entries[i].reason > 10 ||
		    (bn = ASN1_INTEGER_to_BN(entries[i].serial, NULL)) ==
		    NULL || BN_is_negative(bn) || (nb = BN_num_bytes(bn)) < 1 ||
		    nb > 20) {
			ERR_clear_error();
			rc = GMPKI_ERR_ARG;
			goto out;
		}
		p[0] = (unsigned char)nb;
		BN_bn2bin(bn, p + 1);
		BN_free(bn);
		bn = NULL;
		put_i64(p + 21, entries[i].revoked_at);
		p[29] = (unsigned char)entries[i].reason;
	}
	if ((rc = parent_call(s, SVC_SIGNER_SIGN_CRL, body, len, &resp,
	    &resplen)) != 0)
		goto out;
	q = resp;
	if ((*out = d2i_X509_CRL(NULL, &q, (long)resplen)) == NULL ||
	    q != resp + resplen) {
		ERR_clear_error();
		X509_CRL_free(*out);
		*out = NULL;
		rc = SVC_ERR_SIGNER;
	}
out:
	BN_free(bn);
	free(body);
	free(resp);
	return rc;
}

void
svc_signer_stop(struct svc_signer *s)
{
	int i, st;

	if (s == NULL)
		return;
	/* EOF on its socket ends the child; give it a moment, then kill. */
	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < 500; i++) {
		if (waitpid(s->pid, &st, WNOHANG) != 0)
			break;
		usleep(10000);
	}
	if (i == 500) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int
svc_signer_fd(struct svc_signer *s)
{
	return s != NULL ? s->fd : -1;
}

int
svc_signer_pid(struct svc_signer *s)
{
	return s != NULL ? (int)s->pid : -1;
}
