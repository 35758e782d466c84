/*
 * api_test.c - certsvc's JSON API, CA downloads, OCSP and CRL, driven
 * over loopback against the real binary: `certsvc init` into a temporary
 * directory, `certsvc serve --listen 127.0.0.1:0`, the port read from its
 * one line of output.  Enterprises, accounts, tickets and reporting
 * systems are made through store.h in this process, as the admin CLI and
 * the login page do (the database is SQLite WAL, shared by both
 * processes).  The openssl CLI is the oracle for OCSP and CRL structure;
 * the signatures it cannot check (SM2 ID) are checked with libgmpki.
 */
#include "test.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "app.h"
#include "config.h"
#include "password.h"
#include "serial.h"
#include "service.h"
#include "store.h"
#include "svc_error.h"

#define USCC "91350100M000100Y43"
#define USCC2 "91110108551385082Q"
#define ORG "测试<b>企业</b>有限公司"
#define RESP_MAX (4 * 1024 * 1024)

static char tmp[512], data[600], bin[1024];
static pid_t srv = -1;
static int port;
static svc_db *db;
static int64_t acct_a, acct_b;
static X509 *root, *issuing;
static STACK_OF(X509) *chain;
static X509 *ee1, *ee3;
static char serial1[41], serial2[41], serial3[41];
static struct svc_app app;	/* this process's own, for svc_revoke */

struct resp {
	long status;
	char ctype[128];
	char cache[128];
	unsigned char *body;
	size_t len;
};

static void
resp_free(struct resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	unsigned char *nb;

	if (r->len + size * n > RESP_MAX)
		return 0;
	if ((nb = realloc(r->body, r->len + size * n + 1)) == NULL)
		return 0;
	r->body = nb;
	memcpy(r->body + r->len, p, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t len = size * n;

	if (len > 15 && strncasecmp(p, "Cache-Control: ", 15) == 0)
		snprintf(r->cache, sizeof(r->cache), "%.*s", (int)(len - 17),
		    p + 15);
	return len;
}

/* One request; body NULL for GET.  host overrides the Host header. */
static int
http(const char *method, const char *path, const char *ctype,
    const void *body, size_t len, const char *host, struct resp *r)
{
	struct curl_slist *h = NULL;
	char url[4096], line[256];
	char *ct = NULL;
	CURL *c;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((c = curl_easy_init()) == NULL)
		return -1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body != NULL ?
		    body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
		snprintf(line, sizeof(line), "Content-Type:%s%s",
		    ctype != NULL ? " " : "", ctype != NULL ? ctype : "");
		h = curl_slist_append(h, line);
		/* No "Expect: 100-continue" round trip. */
		h = curl_slist_append(h, "Expect:");
	}
	if (host != NULL) {
		snprintf(line, sizeof(line), "Host: %s", host);
		h = curl_slist_append(h, line);
	}
	if (h != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(c) == CURLE_OK ? 0 : -1;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		snprintf(r->ctype, sizeof(r->ctype), "%s", ct);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

static int
get(const char *path, struct resp *r)
{
	return http("GET", path, NULL, NULL, 0, NULL, r);
}

/* The "error" member of a JSON error body, or "". */
static const char *
err_name(const struct resp *r, char *buf, size_t len)
{
	json_t *j = json_loadb((const char *)r->body, r->len, 0, NULL);
	const char *e = json_string_value(json_object_get(j, "error"));

	snprintf(buf, len, "%s", e != NULL ? e : "");
	json_decref(j);
	return buf;
}

/* Runs a shell command in tmp; output into out; the exit status. */
static int
run(const char *cmd, char *out, size_t outlen)
{
	char full[8192];
	FILE *f;
	size_t n = 0, k;
	int st;

	snprintf(full, sizeof(full), "cd '%s' && %s 2>&1", tmp, cmd);
	out[0] = '\0';
	if ((f = popen(full, "r")) == NULL)
		return -1;
	while (n + 1 < outlen && (k = fread(out + n, 1, outlen - 1 - n, f)) > 0)
		n += k;
	out[n] = '\0';
	while (fread(full, 1, sizeof(full), f) > 0)
		;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
write_pem(X509 *x, const char *name)
{
	char path[700], *pem = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	if ((rc = gmpki_cert_to_pem(x, &pem, &len)) != 0)
		return rc;
	rc = gmpki_file_write(path, pem, len, 0644, 0);
	free(pem);
	return rc;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

/* ---- server ---------------------------------------------------------- */

static int
start_server(void)
{
	char line[256], *p;
	struct pollfd pfd;
	size_t n = 0;
	int fds[2];
	ssize_t k;

	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	if ((srv = fork()) < 0)
		return -1;
	if (srv == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(bin, bin, "serve", "--data", data, "--listen",
		    "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	/* One line; an ASan build starts slowly. */
	while (n + 1 < sizeof(line) && strchr(line, '\n') == NULL) {
		line[n] = '\0';
		if (poll(&pfd, 1, 60000) <= 0)
			break;
		if ((k = read(fds[0], line + n, sizeof(line) - 1 - n)) <= 0)
			break;
		n += (size_t)k;
		line[n] = '\0';
	}
	close(fds[0]);
	line[n] = '\0';
	if ((p = strstr(line, "certsvc: listening on http://127.0.0.1:")) ==
	    NULL || line != p) {
		fprintf(stderr, "serve said: %s\n", line);
		return -1;
	}
	port = atoi(p + strlen("certsvc: listening on http://127.0.0.1:"));
	return port > 0 ? 0 : -1;
}

/* ---- requests ------------------------------------------------------- */

static char *
csr_pem(EVP_PKEY *key)
{
	X509_NAME *n = NULL;
	X509_REQ *req = NULL;
	char *pem = NULL;
	size_t len;

	/* A subject the service must ignore. */
	if (gmpki_name_parse("/C=CN/O=Evil Corp/CN=admin", &n) == 0 &&
	    gmpki_csr_create(key, n, NULL, &req) == 0)
		gmpki_csr_to_pem(req, &pem, &len);
	X509_REQ_free(req);
	X509_NAME_free(n);
	return pem;
}

/* An RSA CSR signed with SHA-256: well-formed, not SM2. */
static char *
rsa_csr_pem(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	X509_REQ *req = X509_REQ_new();
	BIO *b = BIO_new(BIO_s_mem());
	char *pem = NULL, *p;
	long len;

	if (k != NULL && req != NULL && b != NULL &&
	    X509_REQ_set_pubkey(req, k) &&
	    X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN",
	    MBSTRING_ASC, (const unsigned char *)"rsa", -1, -1, 0) &&
	    X509_REQ_sign(req, k, EVP_sha256()) > 0 &&
	    PEM_write_bio_X509_REQ(b, req) &&
	    (len = BIO_get_mem_data(b, &p)) > 0 &&
	    (pem = malloc((size_t)len + 1)) != NULL) {
		memcpy(pem, p, (size_t)len);
		pem[len] = '\0';
	}
	BIO_free(b);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
	return pem;
}

/* A good CSR with one bit of its signature flipped. */
static char *
bad_sig_csr_pem(EVP_PKEY *key)
{
	X509_REQ *req = NULL;
	X509_NAME *n = NULL;
	unsigned char *der = NULL;
	char *pem = NULL;
	size_t plen;
	int len;

	if (gmpki_name_parse("/CN=x", &n) != 0 ||
	    gmpki_csr_create(key, n, NULL, &req) != 0 ||
	    (len = i2d_X509_REQ(req, &der)) <= 0)
		goto out;
	der[len - 5] ^= 0x01;	/* inside the signature's s */
	gmpki_pem_encode("CERTIFICATE REQUEST", der, (size_t)len, &pem, &plen);
out:
	OPENSSL_free(der);
	X509_REQ_free(req);
	X509_NAME_free(n);
	return pem;
}

static int
enroll(const char *ticket, const char *csr, struct resp *r)
{
	json_t *j = json_pack("{s:s, s:s}", "ticket", ticket, "csr", csr);
	char *s = json_dumps(j, JSON_COMPACT);
	int rc;

	json_decref(j);
	rc = http("POST", "/api/v1/enroll", "application/json", s,
	    s != NULL ? strlen(s) : 0, NULL, r);
	free(s);
	return rc;
}

static void
ticket(int64_t account, const char *purpose, char t[SVC_TOKEN_LEN + 1])
{
	CHECK_OK(svc_ticket_create(db, account, purpose, (int64_t)time(NULL),
	    600, t));
}

/* Enrolls with a fresh ticket; the certificate and serial on success. */
static X509 *
enroll_ok(int64_t account, const char *purpose, EVP_PKEY *key,
    char serial[41])
{
	char t[SVC_TOKEN_LEN + 1], *csr = csr_pem(key);
	struct resp r;
	json_t *j;
	const char *pem, *sn;
	X509 *x = NULL;

	ticket(account, purpose, t);
	CHECK(csr != NULL);
	CHECK(enroll(t, csr, &r) == 0);
	CHECK(r.status == 200);
	j = json_loadb((const char *)r.body, r.len, 0, NULL);
	pem = json_string_value(json_object_get(j, "certificate"));
	sn = json_string_value(json_object_get(j, "serial"));
	CHECK(pem != NULL && sn != NULL);
	if (pem != NULL && sn != NULL) {
		CHECK_OK(gmpki_cert_from_mem((const unsigned char *)pem,
		    strlen(pem), &x));
		snprintf(serial, 41, "%s", sn);
		CHECK(json_integer_value(json_object_get(j, "not_after")) >
		    json_integer_value(json_object_get(j, "not_before")));
		CHECK_STR(json_string_value(json_object_get(j, "chain")) !=
		    NULL ? "chain" : "", "chain");
	}
	json_decref(j);
	resp_free(&r);
	free(csr);
	return x;
}

/* Status of serial via the API: "good", "revoked", "unknown"; reason. */
static void
status_of(const char *serial, char *st, size_t stlen, char *reason,
    size_t rlen)
{
	char path[128];
	struct resp r;
	json_t *j;
	const char *s, *re;

	st[0] = reason[0] = '\0';
	snprintf(path, sizeof(path), "/api/v1/certs/%s/status", serial);
	CHECK(get(path, &r) == 0 && r.status == 200);
	j = json_loadb((const char *)r.body, r.len, 0, NULL);
	s = json_string_value(json_object_get(j, "status"));
	re = json_string_value(json_object_get(j, "reason"));
	snprintf(st, stlen, "%s", s != NULL ? s : "");
	snprintf(reason, rlen, "%s", re != NULL ? re : "");
	json_decref(j);
	resp_free(&r);
}

/* ---- cases ----------------------------------------------------------- */

static void
test_init(void)
{
	char cmd[2048], out[4096], path[700];
	struct stat st;

	snprintf(path, sizeof(path), "%s", data);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700);
	snprintf(path, sizeof(path), "%s/keys/ocsp.key", data);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	snprintf(path, sizeof(path), "%s/keys/docsign.key", data);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	snprintf(path, sizeof(path), "%s/certsvc.conf", data);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	snprintf(path, sizeof(path), "%s/ca/private/root.key", data);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* An initialised directory is refused and left alone. */
	snprintf(cmd, sizeof(cmd), "'%s' init --data '%s'", bin, data);
	CHECK(run(cmd, out, sizeof(out)) == 1);
	CHECK(strstr(out, "already initialised") != NULL);
	snprintf(cmd, sizeof(cmd), "'%s' init --data '%s/x' --public-url "
	    "ftp://x", bin, tmp);
	CHECK(run(cmd, out, sizeof(out)) == 1);
	snprintf(path, sizeof(path), "%s/x", tmp);
	CHECK(stat(path, &st) != 0);	/* nothing half-made is left */
	snprintf(cmd, sizeof(cmd), "'%s' init", bin);
	CHECK(run(cmd, out, sizeof(out)) == 2);
	snprintf(cmd, sizeof(cmd), "'%s' nosuch", bin);
	CHECK(run(cmd, out, sizeof(out)) == 2);
}

static void
test_ca_downloads(void)
{
	struct resp r;
	X509 *x = NULL;

	CHECK(get("/ca/root.pem", &r) == 0 && r.status == 200);
	CHECK(strstr(r.cache, "max-age") != NULL);
	CHECK_OK(gmpki_cert_from_mem(r.body, r.len, &root));
	resp_free(&r);
	CHECK(get("/ca/issuing.pem", &r) == 0 && r.status == 200);
	CHECK_OK(gmpki_cert_from_mem(r.body, r.len, &issuing));
	resp_free(&r);
	CHECK(get("/ca/chain.pem", &r) == 0 && r.status == 200);
	CHECK_OK(gmpki_certs_from_mem(r.body, r.len, &chain));
	CHECK(chain != NULL && sk_X509_num(chain) == 2);
	if (chain != NULL && issuing != NULL && root != NULL) {
		CHECK(X509_cmp(sk_X509_value(chain, 0), issuing) == 0);
		CHECK(X509_cmp(sk_X509_value(chain, 1), root) == 0);
	}
	resp_free(&r);
	/* The Host header is checked (DNS rebinding). */
	CHECK(http("GET", "/ca/root.pem", NULL, NULL, 0, "evil.example", &r)
	    == 0 && r.status == 421);
	resp_free(&r);
	X509_free(x);
}

static void
test_enroll(void)
{
	struct gmpki_verify_opts vo;
	struct gmpki_cert_info info;
	EVP_PKEY *k = NULL;

	CHECK_OK(gmpki_sm2_keygen(&k));
	ee1 = enroll_ok(acct_a, "apply", k, serial1);
	if (ee1 == NULL)
		goto out;
	memset(&vo, 0, sizeof(vo));
	vo.root = root;
	vo.untrusted = chain;
	CHECK_OK(gmpki_verify_cert(ee1, &vo, NULL));
	CHECK_OK(gmpki_cert_info_get(ee1, &info));
	/* The subject is the account's, not the CSR's. */
	CHECK_STR(info.cn, "zhangsan");
	CHECK_STR(info.org, ORG);
	CHECK_STR(info.uscc, USCC);
	CHECK(strstr(info.subject, "Evil") == NULL);
	CHECK(gmpki_sm2_key_match(k, X509_get0_pubkey(ee1)));
	CHECK_OK(write_pem(ee1, "ee1.pem"));
out:
	EVP_PKEY_free(k);
}

static void
test_enroll_bad(void)
{
	char t[SVC_TOKEN_LEN + 1], t2[SVC_TOKEN_LEN + 1], e[64], *csr, *bad;
	char big[70 * 1024];
	const char *hostile[] = {
		"' OR '1'='1' --", "<script>alert(1)</script>",
		"\"; DROP TABLE tickets; --", "../../etc/passwd", "",
	};
	EVP_PKEY *k = NULL;
	struct resp r;
	size_t i;

	CHECK_OK(gmpki_sm2_keygen(&k));
	csr = csr_pem(k);

	/* A used ticket, an unknown one, hostile strings: 403. */
	ticket(acct_a, "apply", t);
	CHECK(enroll(t, csr, &r) == 0 && r.status == 200);
	if (r.status == 200) {
		json_t *j = json_loadb((const char *)r.body, r.len, 0, NULL);
		snprintf(serial2, sizeof(serial2), "%s",
		    json_string_value(json_object_get(j, "serial")));
		json_decref(j);
	}
	resp_free(&r);
	CHECK(enroll(t, csr, &r) == 0 && r.status == 403);
	CHECK_STR(err_name(&r, e, sizeof(e)), "TICKET_INVALID");
	CHECK(strstr((char *)r.body, "message_en") != NULL);
	resp_free(&r);
	CHECK_OK(svc_token_new(t2));
	CHECK(enroll(t2, csr, &r) == 0 && r.status == 403);
	CHECK_STR(err_name(&r, e, sizeof(e)), "TICKET_INVALID");
	resp_free(&r);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		CHECK(enroll(hostile[i], csr, &r) == 0);
		CHECK(r.status == 403 || (hostile[i][0] == '\0' &&
		    r.status == 400));
		CHECK(r.body != NULL && strstr((char *)r.body, "<script>") ==
		    NULL);
		resp_free(&r);
	}

	/* Bad CSRs (400) leave a good ticket usable. */
	ticket(acct_b, "apply", t2);
	CHECK((bad = rsa_csr_pem()) != NULL);
	CHECK(enroll(t2, bad, &r) == 0 && r.status == 400);
	CHECK_STR(err_name(&r, e, sizeof(e)), "KEY_NOT_SM2");
	resp_free(&r);
	free(bad);
	CHECK((bad = bad_sig_csr_pem(k)) != NULL);
	CHECK(enroll(t2, bad, &r) == 0 && r.status == 400);
	CHECK_STR(err_name(&r, e, sizeof(e)), "SIGNATURE");
	resp_free(&r);
	free(bad);
	CHECK(enroll(t2, "<b>not a CSR</b>'; DROP TABLE certificates; --",
	    &r) == 0 && r.status == 400);
	CHECK(strstr((char *)r.body, "<b>") == NULL);
	resp_free(&r);
	/* The ticket still works; the account is lisi's. */
	CHECK(enroll(t2, csr, &r) == 0 && r.status == 200);
	resp_free(&r);

	/* Transport: size, type, JSON shape. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"ticket\":\"x\",\"csr\":\"", 21);
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '}';
	CHECK(http("POST", "/api/v1/enroll", "application/json", big,
	    sizeof(big), NULL, &r) == 0 && r.status == 413);
	CHECK_STR(err_name(&r, e, sizeof(e)), "BODY_TOO_LARGE");
	resp_free(&r);
	ticket(acct_a, "apply", t);
	{
		json_t *j = json_pack("{s:s, s:s}", "ticket", t, "csr", csr);
		char *s = json_dumps(j, JSON_COMPACT);

		CHECK(http("POST", "/api/v1/enroll", "text/plain", s,
		    strlen(s), NULL, &r) == 0 && r.status == 400);
		CHECK_STR(err_name(&r, e, sizeof(e)), "BAD_REQUEST");
		resp_free(&r);
		CHECK(http("POST", "/api/v1/enroll", NULL, s, strlen(s), NULL,
		    &r) == 0 && r.status == 400);
		resp_free(&r);
		json_decref(j);
		free(s);
	}
	{
		const char *bodies[] = {
			"not json", "[1,2]", "{}", "{\"ticket\":\"a\"}",
			"{\"ticket\":1,\"csr\":\"x\"}",
			"{\"ticket\":\"a\",\"ticket\":\"b\",\"csr\":\"x\"}",
			"{\"ticket\":\"a\\u0000b\",\"csr\":\"x\"}",
		};

		for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
			CHECK(http("POST", "/api/v1/enroll",
			    "application/json; charset=utf-8", bodies[i],
			    strlen(bodies[i]), NULL, &r) == 0);
			CHECK(r.status == 400);
			resp_free(&r);
		}
	}
	/* The unused ticket t was not consumed by the refusals above. */
	CHECK(enroll(t, csr, &r) == 0 && r.status == 200);
	resp_free(&r);

	/* An expired ticket; a disabled account. */
	CHECK_OK(svc_ticket_create(db, acct_b, "apply",
	    (int64_t)time(NULL) - 7200, 60, t));
	CHECK(enroll(t, csr, &r) == 0 && r.status == 403);
	resp_free(&r);
	ticket(acct_b, "apply", t);
	CHECK_OK(svc_account_set_state(db, acct_b, SVC_ACCOUNT_DISABLED));
	CHECK(enroll(t, csr, &r) == 0 && r.status == 403);
	CHECK_STR(err_name(&r, e, sizeof(e)), "ACCOUNT_DISABLED");
	resp_free(&r);
	CHECK_OK(svc_account_set_state(db, acct_b, SVC_ACCOUNT_ACTIVE));
	/* GET is not a method of this path. */
	CHECK(get("/api/v1/enroll", &r) == 0 && r.status == 405);
	resp_free(&r);
	free(csr);
	EVP_PKEY_free(k);
}

static void
test_status(void)
{
	char st[32], re[64], path[128], lower[48];
	struct resp r;
	size_t i;

	status_of(serial1, st, sizeof(st), re, sizeof(re));
	CHECK_STR(st, "good");
	/* Lower case and leading zeros name the same certificate. */
	snprintf(lower, sizeof(lower), "00%s", serial1);
	for (i = 0; lower[i] != '\0'; i++)
		if (lower[i] >= 'A' && lower[i] <= 'F')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	if (strlen(lower) <= 40) {
		status_of(lower, st, sizeof(st), re, sizeof(re));
		CHECK_STR(st, "good");
	}
	status_of("ABCDEF0123", st, sizeof(st), re, sizeof(re));
	CHECK_STR(st, "unknown");
	{
		const char *bad[] = {
			"/api/v1/certs/XYZ/status",
			"/api/v1/certs/12345678901234567890123456789012345678901/status",
			"/api/v1/certs/AB/other", "/api/v1/certs/AB",
			"/api/v1/certs//status", "/api/v1/certs/%3Cb%3E/status",
			"/api/v1/certs/AB%27%20OR%201=1/status",
			"/api/v1/certs/0/status",
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			CHECK(get(bad[i], &r) == 0);
			CHECK(r.status == 400);
			resp_free(&r);
		}
	}
	snprintf(path, sizeof(path), "/api/v1/certs/%s/status", serial1);
	CHECK(get(path, &r) == 0 && strstr(r.ctype, "application/json") !=
	    NULL);
	resp_free(&r);
}

static int
count_audit(void *arg, const struct svc_audit *a)
{
	int *n = arg;

	if (strcmp(a->action, "issue") == 0)
		n[0]++;
	else if (strcmp(a->action, "revoke") == 0)
		n[1]++;
	else if (strcmp(a->action, "init") == 0)
		n[2]++;
	return 0;
}

static void
test_reapply(void)
{
	char st[32], re[64];
	int64_t rows = 0, bad = 0;
	EVP_PKEY *k = NULL;
	int n[3] = { 0, 0, 0 };

	CHECK_OK(gmpki_sm2_keygen(&k));
	ee3 = enroll_ok(acct_a, "reapply", k, serial3);
	CHECK(ee3 != NULL);
	if (ee3 != NULL)
		CHECK_OK(write_pem(ee3, "ee3.pem"));
	status_of(serial1, st, sizeof(st), re, sizeof(re));
	CHECK_STR(st, "revoked");
	CHECK_STR(re, "superseded");
	status_of(serial2, st, sizeof(st), re, sizeof(re));
	CHECK_STR(st, "revoked");
	status_of(serial3, st, sizeof(st), re, sizeof(re));
	CHECK_STR(st, "good");
	/* Audit: init, 5 issued so far, 3 revoked (zhangsan's apply certs
	 * serial1, serial2 and the one after the refusals); chain intact. */
	CHECK_OK(svc_audit_list(db, 0, 0, count_audit, n));
	CHECK(n[0] == 5 && n[1] == 3 && n[2] == 1);
	CHECK_OK(svc_audit_verify(db, &rows, &bad));
	EVP_PKEY_free(k);
}

/* openssl ocsp against our responder: structure and status. */
static void
test_ocsp_cli(void)
{
	char cmd[2048], out[16384], path[700];
	struct gmpki_ocsp_status st;
	unsigned char *der = NULL;
	size_t len = 0, i;
	X509 *ds = NULL;

	CHECK_OK(write_pem(issuing, "issuing.pem"));
	snprintf(cmd, sizeof(cmd), "openssl ocsp -issuer issuing.pem -sm3 "
	    "-cert ee1.pem -url http://127.0.0.1:%d/ocsp -resp_text -noverify"
	    " -respout r1.der", port);
	CHECK(run(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, "ee1.pem: revoked") != NULL);
	CHECK(strstr(out, "Superseded") != NULL ||
	    strstr(out, "superseded") != NULL);
	CHECK(strstr(out, "Response Type: Basic OCSP Response") != NULL);
	/* The signature the CLI cannot check (no SM2 ID): libgmpki. */
	snprintf(path, sizeof(path), "%s/r1.der", tmp);
	CHECK_OK(gmpki_file_read(path, 65536, &der, &len));
	if (der != NULL) {
		CHECK_OK(gmpki_ocsp_response_verify(der, len, ee1, issuing,
		    NULL, 0, NULL, &st));
		CHECK(st.status == GMPKI_STATUS_REVOKED);
		CHECK(st.reason == GMPKI_REASON_SUPERSEDED);
		/* producedAt (the first GeneralizedTime, tag 0x18 length
		 * 15) one second off: the signed bytes change. */
		for (i = 0; i + 17 < len; i++)
			if (der[i] == 0x18 && der[i + 1] == 15)
				break;
		CHECK(i + 17 < len);
		if (i + 17 < len) {
			der[i + 15] ^= 1;	/* a digit of the seconds */
			CHECK_RC(gmpki_ocsp_response_verify(der, len, ee1,
			    issuing, NULL, 0, NULL, &st), GMPKI_ERR_SIGNATURE);
		}
	}
	free(der);
	snprintf(cmd, sizeof(cmd), "openssl ocsp -issuer issuing.pem -sm3 "
	    "-cert ee3.pem -url http://127.0.0.1:%d/ocsp -resp_text -noverify",
	    port);
	CHECK(run(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, "ee3.pem: good") != NULL);
	/* SHA-1 CertIDs (the CLI's default) work too. */
	snprintf(cmd, sizeof(cmd), "openssl ocsp -issuer issuing.pem "
	    "-cert ee3.pem -url http://127.0.0.1:%d/ocsp -noverify", port);
	CHECK(run(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, "ee3.pem: good") != NULL);
	/* Issued by our CA but not in the table (the document signer). */
	snprintf(path, sizeof(path), "%s/keys/docsign.pem", data);
	CHECK_OK(gmpki_cert_load(path, &ds));
	if (ds != NULL) {
		CHECK_OK(write_pem(ds, "ds.pem"));
		snprintf(cmd, sizeof(cmd), "openssl ocsp -issuer issuing.pem "
		    "-sm3 -cert ds.pem -url http://127.0.0.1:%d/ocsp -noverify",
		    port);
		CHECK(run(cmd, out, sizeof(out)) == 0);
		CHECK(strstr(out, "ds.pem: unknown") != NULL);
	}
	X509_free(ds);
}

/* URL-encoded base64 of der (RFC 6960 A.1); 1 when the base64 holds
 * "//" (sent as "%2F%2F"), 0 when not, -1 when too long. */
static int
b64url(const unsigned char *der, size_t len, char *out, size_t outlen)
{
	unsigned char b[8192];
	size_t i, o = 0;

	if (len > 6000)
		return -1;
	EVP_EncodeBlock(b, der, (int)len);
	for (i = 0; b[i] != '\0' && o + 4 < outlen; i++) {
		if (b[i] == '+' || b[i] == '/' || b[i] == '=')
			o += (size_t)snprintf(out + o, outlen - o, "%%%02X",
			    b[i]);
		else
			out[o++] = (char)b[i];
	}
	out[o] = '\0';
	return strstr((char *)b, "//") != NULL;
}

static void
test_ocsp_c(void)
{
	struct gmpki_ocsp_status st;
	OCSP_REQUEST *req = NULL;
	OCSP_RESPONSE *resp;
	const unsigned char *q;
	unsigned char *der = NULL, big[70000];
	char path[12000];
	size_t len = 0;
	struct resp r;
	int i, sent = 0;

	/* POST with a nonce: checked, echoed, good. */
	CHECK_OK(gmpki_ocsp_request_create(ee3, issuing, 0, 1, &req));
	CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &len));
	CHECK(http("POST", "/ocsp", "application/ocsp-request", der, len,
	    NULL, &r) == 0 && r.status == 200);
	CHECK_STR(r.ctype, "application/ocsp-response");
	CHECK_OK(gmpki_ocsp_response_verify(r.body, r.len, ee3, issuing, req,
	    0, NULL, &st));
	CHECK(st.status == GMPKI_STATUS_GOOD);
	CHECK(st.next_update > st.this_update);
	resp_free(&r);
	free(der);
	der = NULL;
	OCSP_REQUEST_free(req);
	req = NULL;

	/* GET /ocsp/{url-encoded base64}: the first request as it comes,
	 * then new nonces until one's base64 holds "//" (sent "%2F%2F",
	 * which the route must accept), then that path with a literal "//"
	 * (refused, 400). */
	for (i = 0; i < 4000 && sent < 2; i++) {
		int dslash;

		CHECK_OK(gmpki_ocsp_request_create(ee1, issuing, 0, 1, &req));
		CHECK_OK(gmpki_ocsp_request_to_der(req, &der, &len));
		memcpy(path, "/ocsp/", 6);
		dslash = b64url(der, len, path + 6, sizeof(path) - 6);
		CHECK(dslash >= 0);
		if (i == 0 || dslash == 1) {
			sent += dslash == 1 ? 2 : 0;
			CHECK(get(path, &r) == 0 && r.status == 200);
			CHECK_OK(gmpki_ocsp_response_verify(r.body, r.len, ee1,
			    issuing, req, 0, NULL, &st));
			CHECK(st.status == GMPKI_STATUS_REVOKED);
			resp_free(&r);
		}
		if (dslash == 1) {
			char *s = strstr(path, "%2F%2F");

			CHECK(s != NULL);
			memmove(s + 2, s + 6, strlen(s + 6) + 1);
			s[0] = '/';
			s[1] = '/';
			CHECK(get(path, &r) == 0 && r.status == 400);
			resp_free(&r);
		}
		free(der);
		der = NULL;
		OCSP_REQUEST_free(req);
		req = NULL;
	}
	CHECK(sent == 2);
	/* "%2F%2F" on any other route is still refused. */
	CHECK(get("/ca/%2F%2Froot.pem", &r) == 0 && r.status == 400);
	resp_free(&r);

	/* Garbage: a malformedRequest OCSPResponse, not an HTML page. */
	CHECK(get("/ocsp/!!!notbase64", &r) == 0 && r.status == 200);
	q = r.body;
	resp = d2i_OCSP_RESPONSE(NULL, &q, (long)r.len);
	CHECK(resp != NULL && OCSP_response_status(resp) ==
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	OCSP_RESPONSE_free(resp);
	resp_free(&r);
	CHECK(http("POST", "/ocsp", "application/ocsp-request",
	    "<b>x</b>", 8, NULL, &r) == 0 && r.status == 200);
	q = r.body;
	resp = d2i_OCSP_RESPONSE(NULL, &q, (long)r.len);
	CHECK(resp != NULL && OCSP_response_status(resp) ==
	    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	OCSP_RESPONSE_free(resp);
	resp_free(&r);
	CHECK(http("POST", "/ocsp", "text/plain", "x", 1, NULL, &r) == 0 &&
	    r.status == 415);
	resp_free(&r);
	memset(big, 0x30, sizeof(big));
	CHECK(http("POST", "/ocsp", "application/ocsp-request", big,
	    sizeof(big), NULL, &r) == 0 && r.status == 413);
	resp_free(&r);
}

static void
test_crl(void)
{
	char cmd[1024], out[65536], path[700];
	X509_CRL *crl = NULL;
	ASN1_INTEGER *a = NULL;
	time_t at = 0;
	int reason = -1;
	struct resp r;

	CHECK(get("/crl", &r) == 0 && r.status == 200);
	CHECK_STR(r.ctype, "application/pkix-crl");
	CHECK_OK(gmpki_crl_parse(r.body, r.len, &crl));
	snprintf(path, sizeof(path), "%s/crl.der", tmp);
	CHECK_OK(gmpki_file_write(path, r.body, r.len, 0644, 0));
	resp_free(&r);
	if (crl == NULL)
		return;
	CHECK_OK(gmpki_crl_verify(crl, issuing, 0, NULL));
	CHECK(gmpki_crl_number(crl) >= 2);
	CHECK_OK(gmpki_serial_from_hex(serial1, &a));
	CHECK_OK(gmpki_crl_find(crl, a, &at, &reason));
	CHECK(reason == GMPKI_REASON_SUPERSEDED);
	ASN1_INTEGER_free(a);
	a = NULL;
	CHECK_OK(gmpki_serial_from_hex(serial3, &a));
	CHECK_RC(gmpki_crl_find(crl, a, &at, &reason), GMPKI_ERR_NOT_FOUND);
	ASN1_INTEGER_free(a);
	X509_CRL_free(crl);
	CHECK(run("openssl crl -inform DER -in crl.der -noout -text", out,
	    sizeof(out)) == 0);
	CHECK(strcasestr(out, serial1) != NULL);
	CHECK(strcasestr(out, serial2) != NULL);
	CHECK(strcasestr(out, serial3) == NULL);
	CHECK(strstr(out, "Superseded") != NULL);
	CHECK(strstr(out, "SM2-with-SM3") != NULL);
	CHECK(get("/crl?pem=1", &r) == 0 && r.status == 200);
	CHECK(r.body != NULL && strncmp((char *)r.body,
	    "-----BEGIN X509 CRL-----", 24) == 0);
	resp_free(&r);
	snprintf(cmd, sizeof(cmd), "test -s '%s/crl.der'", data);
	CHECK(run(cmd, out, sizeof(out)) == 0);
}

/* base64 to bytes (EVP_DecodeBlock keeps the padding's zero bytes). */
static unsigned char *
unb64(const char *s, size_t *len)
{
	size_t n = strlen(s);
	unsigned char *out = malloc(n / 4 * 3 + 1);
	int k;

	if (out == NULL || n % 4 != 0 ||
	    (k = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n)) < 0) {
		free(out);
		return NULL;
	}
	*len = (size_t)k - (n >= 1 && s[n - 1] == '=') -
	    (n >= 2 && s[n - 2] == '=');
	return out;
}

static void
test_directory(void)
{
	struct svc_rp rp;
	struct gmpki_verify_opts vo;
	EXTENDED_KEY_USAGE *eku = NULL;
	STACK_OF(X509) *dchain = NULL;
	json_t *j = NULL, *d = NULL, *sys;
	unsigned char *dir = NULL, *sig = NULL;
	size_t dlen = 0, slen = 0;
	const char *s;
	X509 *signer = NULL;
	char oid[64];
	struct resp r;

	memset(&rp, 0, sizeof(rp));
	snprintf(rp.id, sizeof(rp.id), "wanfeng");
	snprintf(rp.name, sizeof(rp.name), "万峰\"联网\"<直报>系统");
	snprintf(rp.type, sizeof(rp.type), "一套表");
	snprintf(rp.vendor, sizeof(rp.vendor), "万峰");
	snprintf(rp.origin, sizeof(rp.origin), "https://wf.example.cn");
	snprintf(rp.return_url, sizeof(rp.return_url),
	    "https://wf.example.cn/login/return");
	CHECK_OK(svc_rp_add(db, &rp));

	CHECK(get("/api/v1/rp", &r) == 0 && r.status == 200);
	j = json_loadb((const char *)r.body, r.len, 0, NULL);
	CHECK(j != NULL);
	s = json_string_value(json_object_get(j, "directory"));
	CHECK(s != NULL && (dir = unb64(s, &dlen)) != NULL);
	s = json_string_value(json_object_get(j, "signature"));
	CHECK(s != NULL && (sig = unb64(s, &slen)) != NULL);
	s = json_string_value(json_object_get(j, "signer"));
	CHECK(s != NULL && gmpki_cert_from_mem((const unsigned char *)s,
	    strlen(s), &signer) == 0);
	s = json_string_value(json_object_get(j, "chain"));
	CHECK(s != NULL && gmpki_certs_from_mem((const unsigned char *)s,
	    strlen(s), &dchain) == 0);
	if (dir == NULL || sig == NULL || signer == NULL || dchain == NULL)
		goto out;

	/* The rule of docs/CERTSVC.md: signer chains to the pinned root,
	 * has id-kp-documentSigning, and signed exactly these bytes. */
	memset(&vo, 0, sizeof(vo));
	vo.root = root;
	vo.untrusted = dchain;
	CHECK_OK(gmpki_verify_cert(signer, &vo, NULL));
	eku = X509_get_ext_d2i(signer, NID_ext_key_usage, NULL, NULL);
	CHECK(eku != NULL && sk_ASN1_OBJECT_num(eku) == 1);
	if (eku != NULL && sk_ASN1_OBJECT_num(eku) == 1) {
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, 0), 1);
		CHECK_STR(oid, GMPKI_OID_KP_DOCUMENT_SIGNING);
	}
	CHECK_OK(gmpki_sm2_verify(X509_get0_pubkey(signer), NULL, dir, dlen,
	    sig, slen));
	dir[dlen / 2] ^= 1;
	CHECK_RC(gmpki_sm2_verify(X509_get0_pubkey(signer), NULL, dir, dlen,
	    sig, slen), GMPKI_ERR_SIGNATURE);
	dir[dlen / 2] ^= 1;

	d = json_loadb((const char *)dir, dlen, JSON_REJECT_DUPLICATES, NULL);
	CHECK(d != NULL);
	CHECK(json_integer_value(json_object_get(d, "version")) == 1);
	CHECK(llabs((long long)json_integer_value(json_object_get(d,
	    "issued_at")) - (long long)time(NULL)) < 600);
	CHECK_STR(json_string_value(json_object_get(d, "service")),
	    "http://127.0.0.1:8440");
	sys = json_array_get(json_object_get(d, "systems"), 0);
	CHECK_STR(json_string_value(json_object_get(sys, "id")), "wanfeng");
	CHECK_STR(json_string_value(json_object_get(sys, "name")), rp.name);
	CHECK_STR(json_string_value(json_object_get(sys, "return_url")),
	    rp.return_url);
	CHECK_STR(json_string_value(json_object_get(sys, "province")), "");
out:
	json_decref(d);
	json_decref(j);
	EXTENDED_KEY_USAGE_free(eku);
	sk_X509_pop_free(dchain, X509_free);
	X509_free(signer);
	free(dir);
	free(sig);
	resp_free(&r);
}

/* svc_revoke in this process (as the pages and the admin CLI call it),
 * seen by the server through the shared database. */
static void
test_revoke(void)
{
	char st[32], re[64], cmd[1024], out[8192];
	long before;

	CHECK_RC(svc_revoke(&app, db, serial3, GMPKI_REASON_KEY_COMPROMISE,
	    acct_b, "lisi", "127.0.0.1", time(NULL)), GMPKI_ERR_NOT_FOUND);
	CHECK_RC(svc_revoke(&app, db, "ABCDEF", 0, 0, "admin", "", time(NULL)),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_RC(svc_revoke(&app, db, "xyz'--", 0, 0, "admin", "", time(NULL)),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_RC(svc_revoke(&app, db, serial3, 7, 0, "admin", "", time(NULL)),
	    GMPKI_ERR_ARG);
	status_of(serial3, st, sizeof(st), re, sizeof(re));
	CHECK_STR(st, "good");	/* the refusals changed nothing */
	CHECK_OK(svc_revoke(&app, db, serial3, GMPKI_REASON_KEY_COMPROMISE,
	    acct_a, "zhangsan", "127.0.0.1", time(NULL)));
	CHECK_RC(svc_revoke(&app, db, serial3, GMPKI_REASON_KEY_COMPROMISE,
	    0, "admin", "", time(NULL)), GMPKI_ERR_ALREADY_REVOKED);
	status_of(serial3, st, sizeof(st), re, sizeof(re));
	CHECK_STR(st, "revoked");
	CHECK_STR(re, "keyCompromise");
	snprintf(cmd, sizeof(cmd), "openssl ocsp -issuer issuing.pem -sm3 "
	    "-cert ee3.pem -url http://127.0.0.1:%d/ocsp -resp_text -noverify",
	    port);
	CHECK(run(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, "ee3.pem: revoked") != NULL);
	CHECK(strstr(out, "Key Compromise") != NULL ||
	    strstr(out, "keyCompromise") != NULL);
	/* This process's CRL lists it, numbered after the server's. */
	if (app.crl_der != NULL) {
		X509_CRL *crl = NULL;
		ASN1_INTEGER *a = NULL;
		time_t at;
		int reason;

		CHECK_OK(gmpki_crl_parse(app.crl_der, app.crl_len, &crl));
		CHECK_OK(gmpki_serial_from_hex(serial3, &a));
		if (crl != NULL && a != NULL) {
			CHECK_OK(gmpki_crl_find(crl, a, &at, &reason));
			CHECK(reason == GMPKI_REASON_KEY_COMPROMISE);
			before = gmpki_crl_number(crl);
			CHECK(before >= 3);
		}
		ASN1_INTEGER_free(a);
		X509_CRL_free(crl);
	} else
		CHECK(app.crl_der != NULL);
}

static void
test_sigterm(void)
{
	int st = -1, i;
	pid_t w = 0;

	CHECK(kill(srv, SIGTERM) == 0);
	for (i = 0; i < 200 && w == 0; i++) {
		w = waitpid(srv, &st, WNOHANG);
		if (w == 0)
			usleep(50000);
	}
	CHECK(w == srv);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (w != srv)
		kill(srv, SIGKILL);
	srv = -1;
}

/* ---- setup ---------------------------------------------------------- */

static int
setup_db(void)
{
	char url[700], pw[SVC_PWHASH_MAX];
	int64_t e1 = 0, e2 = 0, now = (int64_t)time(NULL);

	snprintf(url, sizeof(url), "sqlite:%s/certsvc.db", data);
	if (svc_db_open(url, &db) != 0)
		return -1;
	CHECK_OK(svc_password_hash("correct horse", 1000, pw, sizeof(pw)));
	CHECK_OK(svc_enterprise_add(db, USCC, ORG, "北京", &e1));
	CHECK_OK(svc_enterprise_add(db, USCC2, "另一家企业", "上海", &e2));
	CHECK_OK(svc_account_add(db, "zhangsan", e1, pw, now, &acct_a));
	CHECK_OK(svc_account_add(db, "lisi", e2, pw, now, &acct_b));
	return acct_a > 0 && acct_b > 0 ? 0 : -1;
}

int
main(void)
{
	char cmd[2048], out[4096], err[256], *slash;
	ssize_t n;
	int ok = 0;

	snprintf(tmp, sizeof(tmp), "%s/api-test-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(data, sizeof(data), "%s/data", tmp);
	if ((n = readlink("/proc/self/exe", bin, sizeof(bin) - 16)) <= 0)
		return 1;
	bin[n] = '\0';
	if ((slash = strrchr(bin, '/')) == NULL)
		return 1;
	snprintf(slash + 1, sizeof(bin) - (size_t)(slash + 1 - bin),
	    "certsvc");
	CHECK_OK(gmpki_init());

	snprintf(cmd, sizeof(cmd), "'%s' init --data '%s' --name 测试CA",
	    bin, data);
	CHECK(run(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, "certsvc: init: created") != NULL);
	/* This process's own service context, for svc_revoke: its signer
	 * is forked now, before curl or anything else starts a thread. */
	CHECK_OK(svc_config_load(data, &app.cfg, err, sizeof(err)));
	CHECK_OK(svc_signer_start(app.cfg.ca_dir, NULL, 0, &app.signer));
	pthread_mutex_init(&app.crl_lock, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	if (app.signer != NULL && setup_db() == 0 && start_server() == 0) {
		ok = 1;
		RUN(test_init);
		RUN(test_ca_downloads);
	}
	if (ok && root != NULL && issuing != NULL && chain != NULL) {
		RUN(test_enroll);
		RUN(test_enroll_bad);
		RUN(test_status);
		RUN(test_reapply);
		if (ee1 != NULL && ee3 != NULL) {
			RUN(test_ocsp_cli);
			RUN(test_ocsp_c);
			RUN(test_crl);
			RUN(test_directory);
			RUN(test_revoke);
		}
	}
	if (srv > 0)
		RUN(test_sigterm);
	CHECK(ok);

	svc_signer_stop(app.signer);
	free(app.crl_der);
	pthread_mutex_destroy(&app.crl_lock);
	svc_db_close(db);
	X509_free(root);
	X509_free(issuing);
	X509_free(ee1);
	X509_free(ee3);
	sk_X509_pop_free(chain, X509_free);
	curl_global_cleanup();
	if (getenv("SVC_TEST_KEEP") == NULL)
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	TEST_MAIN_END();
}
