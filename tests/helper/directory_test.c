/*
 * directory_test.c - the signed reporting-system directory
 * (helper/directory.c): a good directory is accepted; a flipped byte of
 * the directory or of the signature, a signer of another root, a signer
 * without id-kp-documentSigning (the OCSP responder, the issuing CA), a
 * directory of another service, an older directory (replay), malformed
 * answers are refused; the held copy answers origin_allowed and is saved
 * 0600 for the next start.
 */
#include "test.h"
#include "fixture.h"

#include "helper.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

/* nothing listens on the discard port: fetches fail as offline */
#define SERVICE "http://127.0.0.1:9"
#define OTHER "http://127.0.0.1:10"

static EVP_PKEY *root_key, *ca_key, *doc_key, *ocsp_key;
static EVP_PKEY *root2_key, *ca2_key, *doc2_key;
static X509 *root, *ca, *doc, *ocsp, *root2, *ca2, *doc2;

static void
pki_setup(void)
{
	fx_ca_pair("/C=CN/O=T/CN=Root", "/C=CN/O=T/CN=CA", 0, 0, 0, &root_key,
	    &root, &ca_key, &ca);
	doc = fx_issue(GMPKI_CERT_DOCSIGN, "/C=CN/O=T/CN=Doc", &doc_key, ca,
	    ca_key, 0, 0);
	ocsp = fx_issue(GMPKI_CERT_OCSP, "/C=CN/O=T/CN=OCSP", &ocsp_key, ca,
	    ca_key, 0, 0);
	/* Another root and CA under the same names, with other keys. */
	fx_ca_pair("/C=CN/O=T/CN=Root", "/C=CN/O=T/CN=CA", 0, 0, 0, &root2_key,
	    &root2, &ca2_key, &ca2);
	doc2 = fx_issue(GMPKI_CERT_DOCSIGN, "/C=CN/O=T/CN=Doc", &doc2_key, ca2,
	    ca2_key, 0, 0);
}

static char *
b64(const unsigned char *p, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	return out;
}

enum tamper { T_NONE, T_DIR, T_SIG };

/* The directory D for service issued at t, signed by key/signer. */
static char *
answer(const char *service, long long t, EVP_PKEY *key, X509 *signer,
    X509 *c1, X509 *c2, enum tamper tm)
{
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = sizeof(sig);
	char d[1024], *d64, *s64, *sp, *cp, *out;
	json_t *j;

	snprintf(d, sizeof(d), "{\"version\":1,\"issued_at\":%lld,"
	    "\"service\":\"%s\",\"systems\":["
	    "{\"id\":\"wanfeng\",\"name\":\"万峰\",\"type\":\"t\","
	    "\"vendor\":\"v\",\"province\":\"p\","
	    "\"origin\":\"http://127.0.0.1:8450\","
	    "\"return_url\":\"http://127.0.0.1:8450/auth/return\"},"
	    "{\"id\":\"bad\",\"name\":\"x\",\"origin\":\"ftp://x\","
	    "\"return_url\":\"ftp://x/\"},"
	    "{\"id\":\"tongfang\",\"name\":\"同方\","
	    "\"origin\":\"HTTPS://RP.Example:443\","
	    "\"return_url\":\"https://rp.example/r\"}]}", t, service);
	CHECK_OK(gmpki_sm2_sign(key, NULL, d, strlen(d), sig, &siglen));
	if (tm == T_DIR)
		d[10] ^= 0x01;	/* "issued_at" -> still JSON-ish, other bytes */
	if (tm == T_SIG)
		sig[siglen - 3] ^= 0x01;
	d64 = b64((unsigned char *)d, strlen(d));
	s64 = b64(sig, siglen);
	sp = fx_pem(signer, NULL);
	cp = fx_pem(c1, c2);
	j = json_pack("{s:s, s:s, s:s, s:s}", "directory", d64, "signature",
	    s64, "signer", sp, "chain", cp);
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	free(d64);
	free(s64);
	free(sp);
	free(cp);
	return out;
}

static int
verify(const char *body)
{
	struct helper_directory *d = NULL;
	struct helper_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	rc = helper_directory_verify(root, SERVICE, (const unsigned char *)body,
	    strlen(body), 0, &d, &m);
	CHECK((rc == 0) == (d != NULL));
	if (rc != 0)
		CHECK(m.zh[0] != '\0');
	helper_directory_free(d);
	return rc;
}

/* verify() of answer(...); the answer is freed. */
static int
verify_answer(const char *service, EVP_PKEY *key, X509 *signer, X509 *c1,
    X509 *c2, enum tamper tm)
{
	char *a = answer(service, 1000, key, signer, c1, c2, tm);
	int rc = verify(a);

	free(a);
	return rc;
}

static void
test_good(void)
{
	struct helper_directory *d = NULL;
	char *a = answer(SERVICE, 1000, doc_key, doc, ca, root, T_NONE);

	CHECK_OK(helper_directory_verify(root, SERVICE, (unsigned char *)a,
	    strlen(a), 0, &d, NULL));
	if (d != NULL) {
		CHECK(d->n == 2);	/* the ftp:// entry is skipped */
		CHECK(d->issued_at == 1000);
		CHECK_STR(d->systems[0].id, "wanfeng");
		CHECK_STR(d->systems[0].origin, "http://127.0.0.1:8450");
		CHECK_STR(d->systems[1].origin, "https://rp.example");
	}
	helper_directory_free(d);
	/* a trailing slash on the configured URL is the same service */
	d = NULL;
	CHECK_OK(helper_directory_verify(root, SERVICE "/",
	    (unsigned char *)a, strlen(a), 0, &d, NULL));
	helper_directory_free(d);
	free(a);
}

static void
test_tampered(void)
{
	CHECK_RC(verify_answer(SERVICE, doc_key, doc, ca, root, T_DIR),
	    GMPKI_ERR_SIGNATURE);
	CHECK_RC(verify_answer(SERVICE, doc_key, doc, ca, root, T_SIG),
	    GMPKI_ERR_SIGNATURE);
	/* signed by the right key, but the signer field is another cert */
	CHECK_RC(verify_answer(SERVICE, ocsp_key, doc, ca, root, T_NONE),
	    GMPKI_ERR_SIGNATURE);
}

static void
test_foreign_root(void)
{
	/* another service's own, complete chain: its root is not ours */
	CHECK_RC(verify_answer(SERVICE, doc2_key, doc2, ca2, root2, T_NONE),
	    HELPER_ERR_FOREIGN_CHAIN);
	/* our chain sent along does not help a foreign signer */
	CHECK_RC(verify_answer(SERVICE, doc2_key, doc2, ca, root, T_NONE),
	    HELPER_ERR_FOREIGN_CHAIN);
}

static void
test_no_docsign_eku(void)
{
	CHECK_RC(verify_answer(SERVICE, ocsp_key, ocsp, ca, root, T_NONE),
	    GMPKI_ERR_CERT_PROFILE);
	CHECK_RC(verify_answer(SERVICE, ca_key, ca, root, NULL, T_NONE),
	    GMPKI_ERR_CERT_PROFILE);
}

static void
test_other_service_and_malformed(void)
{
	CHECK_RC(verify_answer(OTHER, doc_key, doc, ca, root, T_NONE),
	    HELPER_ERR_PROTOCOL);
	CHECK_RC(verify("{}"), HELPER_ERR_PROTOCOL);
	CHECK_RC(verify("not json"), HELPER_ERR_PROTOCOL);
	CHECK_RC(verify("{\"directory\":\"e30=\",\"signature\":\"!!!!\","
	    "\"signer\":\"x\",\"chain\":\"y\"}"), HELPER_ERR_PROTOCOL);
	CHECK_RC(helper_directory_verify(NULL, SERVICE,
	    (const unsigned char *)"{}", 2, 0, &(struct helper_directory *){
	    NULL }, NULL), HELPER_ERR_NOT_SET_UP);
}

static void
test_ctx(void)
{
	char dir[] = "/tmp/helper_directory_test.XXXXXX", path[600], id[64];
	struct helper_ctx *h = calloc(1, sizeof(*h));
	char *a1, *a2, *bad;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	pthread_mutex_init(&h->lock, NULL);
	snprintf(h->cfg.keystore_dir, sizeof(h->cfg.keystore_dir), "%s", dir);
	snprintf(h->cfg.service_url, sizeof(h->cfg.service_url), SERVICE);
	X509_up_ref(root);
	h->root = root;

	CHECK(!helper_directory_origin_allowed(h, "http://127.0.0.1:8450",
	    id));
	a1 = answer(SERVICE, 1000, doc_key, doc, ca, root, T_NONE);
	a2 = answer(SERVICE, 2000, doc_key, doc, ca, root, T_NONE);
	bad = answer(SERVICE, 3000, ocsp_key, ocsp, ca, root, T_NONE);
	CHECK_OK(helper_directory_accept(h, (unsigned char *)a2, strlen(a2),
	    1, NULL));
	CHECK(helper_directory_origin_allowed(h, "http://127.0.0.1:8450", id));
	CHECK_STR(id, "wanfeng");
	CHECK(helper_directory_origin_allowed(h, "https://rp.example:443",
	    NULL));
	CHECK(!helper_directory_origin_allowed(h, "http://127.0.0.1:8451",
	    id));
	CHECK_STR(id, "");
	CHECK(!helper_directory_origin_allowed(h, "http://evil.example", id));
	CHECK(!helper_directory_origin_allowed(h,
	    "http://127.0.0.1:8450/path", id));
	CHECK(!helper_directory_origin_allowed(h, "null", id));
	/* saved, 0600 */
	snprintf(path, sizeof(path), "%s/directory.json", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* an older one is a replay: refused, the held one stays */
	CHECK_RC(helper_directory_accept(h, (unsigned char *)a1, strlen(a1),
	    1, NULL), HELPER_ERR_PROTOCOL);
	CHECK(h->dir != NULL && h->dir->issued_at == 2000);
	/* a refused one leaves the previous directory */
	CHECK_RC(helper_directory_accept(h, (unsigned char *)bad, strlen(bad),
	    1, NULL), GMPKI_ERR_CERT_PROFILE);
	CHECK(helper_directory_origin_allowed(h, "http://127.0.0.1:8450", id));
	/* a directory held for another service counts for nothing */
	snprintf(h->cfg.service_url, sizeof(h->cfg.service_url), OTHER);
	CHECK(!helper_directory_origin_allowed(h, "http://127.0.0.1:8450",
	    id));
	/* offline start: the fetch fails, the saved copy is verified again
	 * and held */
	snprintf(h->cfg.service_url, sizeof(h->cfg.service_url), SERVICE);
	helper_directory_free(h->dir);
	h->dir = NULL;
	CHECK_RC(helper_directory_fetch(h, NULL), HELPER_ERR_NETWORK);
	CHECK(h->dir != NULL && h->dir->issued_at == 2000);
	CHECK(helper_directory_origin_allowed(h, "http://127.0.0.1:8450", id));
	/* the saved copy names SERVICE: refused for another one */
	helper_directory_free(h->dir);
	h->dir = NULL;
	snprintf(h->cfg.service_url, sizeof(h->cfg.service_url), OTHER);
	CHECK(helper_directory_fetch(h, NULL) != 0);
	CHECK(h->dir == NULL);
	/* a saved copy changed on disk is refused */
	snprintf(h->cfg.service_url, sizeof(h->cfg.service_url), SERVICE);
	{
		FILE *f = fopen(path, "r+");

		CHECK(f != NULL);
		if (f != NULL) {
			fseek(f, 20, SEEK_SET);
			fputc('A', f);
			fclose(f);
		}
	}
	CHECK(helper_directory_fetch(h, NULL) != 0);
	CHECK(h->dir == NULL);

	unlink(path);
	rmdir(dir);
	helper_directory_free(h->dir);
	X509_free(h->root);
	pthread_mutex_destroy(&h->lock);
	free(h);
	free(a1);
	free(a2);
	free(bad);
}

int
main(void)
{
	if (helper_svc_global_init() != 0)
		return 1;
	pki_setup();
	RUN(test_good);
	RUN(test_tampered);
	RUN(test_foreign_root);
	RUN(test_no_docsign_eku);
	RUN(test_other_service_and_malformed);
	RUN(test_ctx);
	{
		X509 *certs[] = { root, ca, doc, ocsp, root2, ca2, doc2 };
		EVP_PKEY *keys[] = { root_key, ca_key, doc_key, ocsp_key,
		    root2_key, ca2_key, doc2_key };

		fx_free(certs, FX_N(certs), keys, FX_N(keys));
	}
	TEST_MAIN_END();
}
