/*
 * keystore_test.c - the helper's keystore (helper/keystore.c): identities
 * side by side, PINs, file modes, permission checks, damaged files on disk,
 * leftovers of a crash, deletion and the remembered choices.
 */
#include "test.h"
#include "fixture.h"

#include "keystore.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#define USCC_A "91350100M000100Y43"
#define USCC_B "91110108551385082Q"
#define PIN "246810"

static char tmpdir[] = "/tmp/helper_keystore_test.XXXXXX";
static char ksdir[512];

static EVP_PKEY *root_key, *iss_key;
static X509 *root, *iss;

/* A path under the keystore (static buffers, rotated). */
static const char *
kpath(const char *rel)
{
	return fx_path(ksdir, rel);
}

static const char *
ipath(const char *id, const char *file)
{
	static char buf[4][768];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/identities/%s%s%s", ksdir, id,
	    file != NULL ? "/" : "", file != NULL ? file : "");
	return buf[i];
}

/* The whole file into *out (malloc'ed), or -1. */
static long
slurp(const char *path, unsigned char **out)
{
	size_t len = 0;

	if (gmpki_file_read(path, 1 << 20, out, &len) != 0)
		return -1;
	return (long)len;
}

/* Replaces path's content with its first n bytes of data, mode 0600. */
static void
put(const char *path, const unsigned char *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, data, n) == (ssize_t)n);
	close(fd);
}

static void
make_cas(void)
{
	fx_ca_pair("/C=CN/O=测试CA/CN=Test Root CA",
	    "/C=CN/O=测试CA/CN=Test Issuing CA", 0, 0, 0, &root_key, &root,
	    &iss_key, &iss);
}

/* A new key and its end-entity certificate from the issuing CA. */
static void
make_ee(const char *org, const char *uscc, const char *user, EVP_PKEY **key,
    X509 **cert)
{
	struct gmpki_issue_params p;
	X509_NAME *n = NULL;

	*key = NULL;
	*cert = NULL;
	CHECK_OK(gmpki_sm2_keygen(key));
	CHECK_OK(gmpki_name_ee(org, uscc, user, &n));
	memset(&p, 0, sizeof(p));
	p.kind = GMPKI_CERT_EE_SIGN;
	p.subject = n;
	p.subject_key = *key;
	p.issuer_cert = iss;
	p.issuer_key = iss_key;
	p.uscc = uscc;
	CHECK_OK(gmpki_cert_issue(&p, cert));
	X509_NAME_free(n);
}

static STACK_OF(X509) *
chain_of_cas(void)
{
	STACK_OF(X509) *sk = sk_X509_new_null();

	X509_up_ref(iss);
	sk_X509_push(sk, iss);
	X509_up_ref(root);
	sk_X509_push(sk, root);
	return sk;
}

/* Two identities used by most cases: A without a PIN, B with one. */
static EVP_PKEY *key_a, *key_b;
static X509 *cert_a, *cert_b;
static char id_a[HELPER_ID_LEN + 1], id_b[HELPER_ID_LEN + 1];

/* --- list collection --------------------------------------------------- */

struct seen {
	struct helper_identity idn[8];
	int rc[8];
	int n;
};

static int
collect(void *arg, const struct helper_identity *idn, int rc)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->idn[s->n] = *idn;
		s->rc[s->n] = rc;
	}
	s->n++;
	return 0;
}

static int
stop_at_first(void *arg, const struct helper_identity *idn, int rc)
{
	(void)idn;
	(void)rc;
	(*(int *)arg)++;
	return 42;
}

static void
list_of(helper_keystore *ks, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	CHECK_OK(helper_keystore_list(ks, collect, s));
}

/* The rc list() reports for id, or 1 when it is not listed. */
static int
listed_rc(const struct seen *s, const char *id)
{
	int i;

	for (i = 0; i < s->n && i < 8; i++)
		if (strcmp(s->idn[i].id, id) == 0)
			return s->rc[i];
	return 1;
}

/* 0 when the key opens, matches and signs something cert verifies. */
static int
signs(helper_keystore *ks, const char *id, const char *pin, X509 *cert)
{
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = 0;
	EVP_PKEY *k = NULL;
	int rc;

	if ((rc = helper_keystore_key(ks, id, pin, &k)) != 0)
		return rc;
	rc = gmpki_sm2_sign(k, NULL, "challenge", 9, sig, &siglen);
	if (rc == 0)
		rc = gmpki_sm2_verify(X509_get0_pubkey(cert), NULL,
		    "challenge", 9, sig, siglen);
	EVP_PKEY_free(k);
	return rc;
}

/* --- cases --------------------------------------------------------------- */

static void
test_open_creates(void)
{
	helper_keystore *ks = NULL;
	unsigned char *sk = NULL, *sk2 = NULL;
	long n, n2;

	/* Parents are made too (a fresh account has no ~/.local/share). */
	CHECK(!fx_exists(ksdir));
	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK(ks != NULL);
	CHECK(fx_mode_of(ksdir) == 0700);
	CHECK(fx_mode_of(kpath("identities")) == 0700);
	CHECK(fx_mode_of(kpath(".storekey")) == 0600);
	n = slurp(kpath(".storekey"), &sk);
	CHECK(n == 65);
	if (n == 65) {
		char hex[65];

		memcpy(hex, sk, 64);
		hex[64] = '\0';
		CHECK(strspn(hex, "0123456789abcdef") == 64);
		CHECK(sk[64] == '\n');
	}
	helper_keystore_close(ks);

	/* Reopening keeps the store key. */
	CHECK_OK(helper_keystore_open(ksdir, &ks));
	n2 = slurp(kpath(".storekey"), &sk2);
	CHECK(n2 == n && sk != NULL && sk2 != NULL &&
	    memcmp(sk, sk2, (size_t)n) == 0);
	helper_keystore_close(ks);
	free(sk);
	free(sk2);

	CHECK_RC(helper_keystore_open("", &ks), GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_open(NULL, &ks), GMPKI_ERR_ARG);
	helper_keystore_close(NULL);
}

static void
test_add_list_get(void)
{
	helper_keystore *ks = NULL;
	STACK_OF(X509) *chain = chain_of_cas(), *got_chain = NULL;
	struct helper_identity idn;
	struct gmpki_cert_info info;
	struct seen s;
	X509 *got = NULL;
	const char *first, *second;
	time_t before = time(NULL);
	int count = 0;

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	make_ee("北京测试科技有限公司", USCC_A, "user_a", &key_a, &cert_a);
	make_ee("福州样例贸易有限公司", USCC_B, "user_b", &key_b, &cert_b);

	CHECK_OK(helper_keystore_add(ks, key_a, cert_a, chain,
	    "http://127.0.0.1:8443", NULL, id_a));
	CHECK_OK(helper_keystore_add(ks, key_b, cert_b, chain,
	    "http://127.0.0.1:8443", PIN, id_b));
	CHECK(strlen(id_a) == HELPER_ID_LEN && strlen(id_b) == HELPER_ID_LEN);
	CHECK_OK(gmpki_cert_info_get(cert_a, &info));
	CHECK(strncmp(info.sm3_fp, id_a, HELPER_ID_LEN) == 0);

	/* Modes: folders 0700, files 0600. */
	CHECK(fx_mode_of(ipath(id_a, NULL)) == 0700);
	CHECK(fx_mode_of(ipath(id_a, "key.pem")) == 0600);
	CHECK(fx_mode_of(ipath(id_a, "cert.pem")) == 0600);
	CHECK(fx_mode_of(ipath(id_a, "chain.pem")) == 0600);
	CHECK(fx_mode_of(ipath(id_a, "meta")) == 0600);
	CHECK(fx_mode_of(ipath(id_b, "key.pem")) == 0600);

	/* The key on disk is encrypted, with or without a PIN. */
	{
		unsigned char *k = NULL;
		long n = slurp(ipath(id_a, "key.pem"), &k);

		CHECK(n > 0 && gmpki_key_is_encrypted(k, (size_t)n) == 1);
		if (n > 0)
			gmpki_wipe(k, (size_t)n);
		free(k);
	}

	/* list: in order of ID, all fields. */
	list_of(ks, &s);
	CHECK(s.n == 2);
	first = strcmp(id_a, id_b) < 0 ? id_a : id_b;
	second = first == id_a ? id_b : id_a;
	CHECK_STR(s.idn[0].id, first);
	CHECK_STR(s.idn[1].id, second);
	CHECK(s.rc[0] == 0 && s.rc[1] == 0);
	CHECK_RC(helper_keystore_list(ks, stop_at_first, &count), 42);
	CHECK(count == 1);

	CHECK_OK(helper_keystore_get(ks, id_a, &idn, &got, &got_chain));
	CHECK_STR(idn.id, id_a);
	CHECK_STR(idn.username, "user_a");
	CHECK_STR(idn.uscc, USCC_A);
	CHECK_STR(idn.org, "北京测试科技有限公司");
	CHECK_STR(idn.serial, info.serial);
	CHECK_STR(idn.issuer, info.issuer);
	CHECK_STR(idn.service, "http://127.0.0.1:8443");
	CHECK_STR(idn.sm3_fp, info.sm3_fp);
	CHECK(idn.not_before == info.not_before);
	CHECK(idn.not_after == info.not_after);
	CHECK(idn.created_at >= before && idn.created_at <= time(NULL));
	CHECK(idn.has_pin == 0);
	CHECK(got != NULL && X509_cmp(got, cert_a) == 0);
	CHECK(got_chain != NULL && sk_X509_num(got_chain) == 2);
	if (got_chain != NULL && sk_X509_num(got_chain) == 2) {
		CHECK(X509_cmp(sk_X509_value(got_chain, 0), iss) == 0);
		CHECK(X509_cmp(sk_X509_value(got_chain, 1), root) == 0);
	}
	X509_free(got);
	sk_X509_pop_free(got_chain, X509_free);
	CHECK_OK(helper_keystore_get(ks, id_b, &idn, NULL, NULL));
	CHECK(idn.has_pin == 1);
	CHECK_STR(idn.username, "user_b");
	/* get without outputs, and of what is not there. */
	CHECK_OK(helper_keystore_get(ks, id_a, NULL, NULL, NULL));
	CHECK_RC(helper_keystore_get(ks, "0000000000000000", &idn, NULL, NULL),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_RC(helper_keystore_get(ks, "../../etc/passwd", &idn, NULL,
	    NULL), GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_get(ks, "ABCDEF0123456789", &idn, NULL,
	    NULL), GMPKI_ERR_ARG);

	/* Keys: without a PIN the store key opens it. */
	CHECK_OK(signs(ks, id_a, NULL, cert_a));
	CHECK_OK(signs(ks, id_a, "", cert_a));
	/* With a PIN: right, wrong, missing, empty. */
	CHECK_OK(signs(ks, id_b, PIN, cert_b));
	CHECK_RC(signs(ks, id_b, "135790", cert_b), GMPKI_ERR_PASSPHRASE);
	CHECK_RC(signs(ks, id_b, NULL, cert_b), GMPKI_ERR_PASSPHRASE);
	CHECK_RC(signs(ks, id_b, "", cert_b), GMPKI_ERR_PASSPHRASE);
	{
		EVP_PKEY *k = NULL;

		CHECK_RC(helper_keystore_key(ks, "0000000000000000", NULL, &k),
		    GMPKI_ERR_NOT_FOUND);
		CHECK_RC(helper_keystore_key(ks, id_a, NULL, NULL),
		    GMPKI_ERR_ARG);
		CHECK(k == NULL);
	}

	/* A reopened keystore opens the same keys. */
	helper_keystore_close(ks);
	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK_OK(signs(ks, id_a, NULL, cert_a));
	helper_keystore_close(ks);
	sk_X509_pop_free(chain, X509_free);
}

static void
test_add_refusals(void)
{
	helper_keystore *ks = NULL;
	EVP_PKEY *p256 = NULL, *k = NULL;
	X509 *c = NULL;
	char id[HELPER_ID_LEN + 1];
	struct seen s;
	struct dirent *de;
	DIR *d;
	int tmps = 0;

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	/* The key of another certificate. */
	CHECK_RC(helper_keystore_add(ks, key_b, cert_a, NULL, NULL, NULL, id),
	    GMPKI_ERR_KEY_MISMATCH);
	CHECK(id[0] == '\0');
	/* A key that is not SM2. */
	p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	CHECK(p256 != NULL);
	CHECK_RC(helper_keystore_add(ks, p256, cert_a, NULL, NULL, NULL, id),
	    GMPKI_ERR_KEY_NOT_SM2);
	/* The same certificate again, with or without a PIN. */
	CHECK_RC(helper_keystore_add(ks, key_a, cert_a, NULL, NULL, NULL, id),
	    GMPKI_ERR_EXISTS);
	CHECK_RC(helper_keystore_add(ks, key_a, cert_a, NULL, NULL, PIN, id),
	    GMPKI_ERR_EXISTS);
	/* A service URL that would forge a meta line. */
	make_ee("测试公司", USCC_A, "user_c", &k, &c);
	CHECK_RC(helper_keystore_add(ks, k, c, NULL,
	    "http://x\nhas_pin = 0", NULL, id), GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_add(NULL, k, c, NULL, NULL, NULL, id),
	    GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_add(ks, NULL, c, NULL, NULL, NULL, id),
	    GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_add(ks, k, c, NULL, NULL, NULL, NULL),
	    GMPKI_ERR_ARG);

	/* Nothing changed: still two identities, no temporary folders. */
	list_of(ks, &s);
	CHECK(s.n == 2);
	if ((d = opendir(kpath("identities"))) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (strncmp(de->d_name, ".tmp-", 5) == 0)
				tmps++;
		closedir(d);
	}
	CHECK(tmps == 0);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(k);
	X509_free(c);
	helper_keystore_close(ks);
}

static void
test_permissions(void)
{
	helper_keystore *ks = NULL;
	char other[600];

	/* A group-readable keystore folder. */
	CHECK(chmod(ksdir, 0750) == 0);
	CHECK_RC(helper_keystore_open(ksdir, &ks), GMPKI_ERR_PERMISSION);
	CHECK(ks == NULL);
	CHECK(chmod(ksdir, 0700) == 0);
	/* identities/ open to others. */
	CHECK(chmod(kpath("identities"), 0711) == 0);
	CHECK_RC(helper_keystore_open(ksdir, &ks), GMPKI_ERR_PERMISSION);
	CHECK(chmod(kpath("identities"), 0700) == 0);
	/* A world-readable store key. */
	CHECK(chmod(kpath(".storekey"), 0644) == 0);
	CHECK_RC(helper_keystore_open(ksdir, &ks), GMPKI_ERR_PERMISSION);
	CHECK(chmod(kpath(".storekey"), 0600) == 0);
	/* The keystore folder as a symlink. */
	snprintf(other, sizeof(other), "%s/link", tmpdir);
	CHECK(symlink(ksdir, other) == 0);
	CHECK_RC(helper_keystore_open(other, &ks), GMPKI_ERR_PERMISSION);
	unlink(other);

	/* A group-readable file of one identity: that identity only. */
	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK(chmod(ipath(id_a, "cert.pem"), 0640) == 0);
	CHECK_RC(helper_keystore_get(ks, id_a, NULL, NULL, NULL),
	    GMPKI_ERR_PERMISSION);
	CHECK_OK(helper_keystore_get(ks, id_b, NULL, NULL, NULL));
	CHECK(chmod(ipath(id_a, "cert.pem"), 0600) == 0);
	/* key.pem replaced by a symlink. */
	CHECK(rename(ipath(id_a, "key.pem"), ipath(id_a, "key.real")) == 0);
	CHECK(symlink("key.real", ipath(id_a, "key.pem")) == 0);
	CHECK_RC(helper_keystore_get(ks, id_a, NULL, NULL, NULL),
	    GMPKI_ERR_PERMISSION);
	CHECK(unlink(ipath(id_a, "key.pem")) == 0);
	CHECK(rename(ipath(id_a, "key.real"), ipath(id_a, "key.pem")) == 0);
	CHECK_OK(signs(ks, id_a, NULL, cert_a));
	helper_keystore_close(ks);

	/* A damaged store key. */
	{
		unsigned char *sk = NULL;
		long n = slurp(kpath(".storekey"), &sk);

		CHECK(n == 65);
		put(kpath(".storekey"), sk, 40);
		CHECK_RC(helper_keystore_open(ksdir, &ks), GMPKI_ERR_DECODE);
		if (n == 65)
			put(kpath(".storekey"), sk, (size_t)n);
		CHECK_OK(helper_keystore_open(ksdir, &ks));
		helper_keystore_close(ks);
		free(sk);
	}
}

/*
 * One identity's file cut short on disk: list reports that identity with
 * its error and the other one fine; the other keeps working.
 */
static void
truncated(const char *file, int list_rc, int get_rc, int key_rc)
{
	helper_keystore *ks = NULL;
	unsigned char *orig = NULL;
	struct seen s;
	long n;

	n = slurp(ipath(id_a, file), &orig);
	CHECK(n > 10);
	if (n <= 10)
		return;
	put(ipath(id_a, file), orig, (size_t)n / 2);

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	list_of(ks, &s);
	CHECK(s.n == 2);
	CHECK(listed_rc(&s, id_a) == list_rc);
	CHECK(listed_rc(&s, id_b) == 0);
	CHECK_RC(helper_keystore_get(ks, id_a, NULL, NULL, NULL), get_rc);
	CHECK_RC(signs(ks, id_a, NULL, cert_a), key_rc);
	CHECK_OK(helper_keystore_get(ks, id_b, NULL, NULL, NULL));
	CHECK_OK(signs(ks, id_b, PIN, cert_b));
	helper_keystore_close(ks);

	put(ipath(id_a, file), orig, (size_t)n);
	gmpki_wipe(orig, (size_t)n);
	free(orig);
}

static void
test_truncated_files(void)
{
	helper_keystore *ks = NULL;
	struct seen s;

	truncated("cert.pem", GMPKI_ERR_DECODE, GMPKI_ERR_DECODE,
	    GMPKI_ERR_DECODE);
	truncated("meta", GMPKI_ERR_DECODE, GMPKI_ERR_DECODE,
	    GMPKI_ERR_DECODE);
	truncated("chain.pem", GMPKI_ERR_DECODE, GMPKI_ERR_DECODE,
	    GMPKI_ERR_DECODE);
	/* The key is not decrypted by list or get: key() tells. */
	truncated("key.pem", 0, 0, GMPKI_ERR_DECODE);

	/* A missing file, and meta that disagrees with the certificate. */
	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK(rename(ipath(id_a, "cert.pem"), ipath(id_a, "cert.old")) == 0);
	list_of(ks, &s);
	CHECK(listed_rc(&s, id_a) == GMPKI_ERR_DECODE);
	CHECK(rename(ipath(id_a, "cert.old"), ipath(id_a, "cert.pem")) == 0);
	{
		unsigned char *m = NULL;
		long n = slurp(ipath(id_a, "meta"), &m);
		char *p = n > 0 ? strstr((char *)m, "has_pin = 0") : NULL;

		CHECK(p != NULL);
		if (p != NULL) {
			/* "has_pin = 2" is not a value. */
			p[10] = '2';
			put(ipath(id_a, "meta"), m, (size_t)n);
			CHECK_RC(helper_keystore_get(ks, id_a, NULL, NULL,
			    NULL), GMPKI_ERR_DECODE);
			p[10] = '0';
		}
		p = n > 0 ? strstr((char *)m, "username = user_a") : NULL;
		CHECK(p != NULL);
		if (p != NULL) {
			/* A name the certificate does not hold. */
			p[16] = 'x';
			put(ipath(id_a, "meta"), m, (size_t)n);
			CHECK_RC(helper_keystore_get(ks, id_a, NULL, NULL,
			    NULL), GMPKI_ERR_DECODE);
			p[16] = 'a';
		}
		if (n > 0)
			put(ipath(id_a, "meta"), m, (size_t)n);
		free(m);
	}
	CHECK_OK(helper_keystore_get(ks, id_a, NULL, NULL, NULL));
	CHECK_OK(signs(ks, id_a, NULL, cert_a));

	/* Another identity's certificate put in this folder. */
	{
		unsigned char *a = NULL, *b = NULL;
		long na = slurp(ipath(id_a, "cert.pem"), &a);
		long nb = slurp(ipath(id_b, "cert.pem"), &b);
		int fd;

		CHECK(na > 0 && nb > 0);
		fd = open(ipath(id_a, "cert.pem"), O_WRONLY | O_TRUNC);
		CHECK(fd >= 0 && write(fd, b, (size_t)nb) == nb);
		close(fd);
		CHECK_RC(helper_keystore_get(ks, id_a, NULL, NULL, NULL),
		    GMPKI_ERR_DECODE);
		put(ipath(id_a, "cert.pem"), a, (size_t)na);
		free(a);
		free(b);
	}

	/* A folder whose name is not an ID is listed as damaged. */
	CHECK(mkdir(ipath("not-an-id", NULL), 0700) == 0);
	list_of(ks, &s);
	CHECK(s.n == 3);
	CHECK(listed_rc(&s, "not-an-id") == GMPKI_ERR_DECODE);
	CHECK(rmdir(ipath("not-an-id", NULL)) == 0);
	list_of(ks, &s);
	CHECK(s.n == 2 && s.rc[0] == 0 && s.rc[1] == 0);
	helper_keystore_close(ks);
}

static void
test_find_serial(void)
{
	helper_keystore *ks = NULL;
	struct gmpki_cert_info info;
	char id[HELPER_ID_LEN + 1], s[100];
	size_t i;

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK_OK(gmpki_cert_info_get(cert_b, &info));
	CHECK_OK(helper_keystore_find_serial(ks, info.serial, id));
	CHECK_STR(id, id_b);
	/* Lower case, with leading zeros. */
	snprintf(s, sizeof(s), "00%s", info.serial);
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
	memset(id, 0, sizeof(id));
	CHECK_OK(helper_keystore_find_serial(ks, s, id));
	CHECK_STR(id, id_b);
	CHECK_RC(helper_keystore_find_serial(ks, "1234ABCD", id),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_RC(helper_keystore_find_serial(ks, "12G4", id), GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_find_serial(ks, "", id), GMPKI_ERR_ARG);
	helper_keystore_close(ks);
}

static void
test_choices(void)
{
	helper_keystore *ks = NULL;
	char id[HELPER_ID_LEN + 1];
	unsigned char *buf = NULL;
	long n;

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK_RC(helper_keystore_recall(ks, "wanfeng", id),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_OK(helper_keystore_remember(ks, "wanfeng", id_a));
	CHECK_OK(helper_keystore_remember(ks, "tongfang-2", id_b));
	CHECK(fx_mode_of(kpath("choices")) == 0600);
	CHECK_OK(helper_keystore_recall(ks, "wanfeng", id));
	CHECK_STR(id, id_a);
	CHECK_OK(helper_keystore_recall(ks, "tongfang-2", id));
	CHECK_STR(id, id_b);
	/* Choosing again replaces. */
	CHECK_OK(helper_keystore_remember(ks, "wanfeng", id_b));
	CHECK_OK(helper_keystore_recall(ks, "wanfeng", id));
	CHECK_STR(id, id_b);
	n = slurp(kpath("choices"), &buf);
	CHECK(n == 2 * (HELPER_ID_LEN + 1) + 8 + 11);
	free(buf);

	CHECK_RC(helper_keystore_remember(ks, "Wanfeng", id_a), GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_remember(ks, "wan feng", id_a),
	    GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_remember(ks, "", id_a), GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_remember(ks,
	    "a123456789012345678901234567890123456789012345678901234567890123",
	    id_a), GMPKI_ERR_ARG);
	CHECK_RC(helper_keystore_remember(ks, "wanfeng", "0000000000000000"),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_RC(helper_keystore_recall(ks, "a=b", id), GMPKI_ERR_ARG);

	/* 清除身份认证信息 */
	CHECK_OK(helper_keystore_forget_all(ks));
	CHECK_RC(helper_keystore_recall(ks, "wanfeng", id),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_RC(helper_keystore_recall(ks, "tongfang-2", id),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_OK(helper_keystore_forget_all(ks));

	/* A damaged choices file is an error, and forgetting mends it. */
	CHECK_OK(helper_keystore_remember(ks, "wanfeng", id_a));
	n = slurp(kpath("choices"), &buf);
	CHECK(n > 4);
	if (n > 4)
		put(kpath("choices"), buf, (size_t)n - 4);
	free(buf);
	CHECK_RC(helper_keystore_recall(ks, "wanfeng", id), GMPKI_ERR_DECODE);
	CHECK_RC(helper_keystore_remember(ks, "wanfeng", id_a),
	    GMPKI_ERR_DECODE);
	CHECK_OK(helper_keystore_forget_all(ks));
	CHECK_OK(helper_keystore_remember(ks, "wanfeng", id_a));
	CHECK_OK(helper_keystore_recall(ks, "wanfeng", id));
	CHECK_STR(id, id_a);
	helper_keystore_close(ks);
}

static void
test_delete(void)
{
	helper_keystore *ks = NULL;
	char id[HELPER_ID_LEN + 1];
	unsigned char *buf = NULL;
	struct seen s;
	long n;

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK_OK(helper_keystore_remember(ks, "wanfeng", id_a));
	CHECK_OK(helper_keystore_remember(ks, "tongfang", id_b));
	CHECK_OK(helper_keystore_delete(ks, id_a));
	CHECK(!fx_exists(ipath(id_a, NULL)));
	CHECK_RC(helper_keystore_get(ks, id_a, NULL, NULL, NULL),
	    GMPKI_ERR_NOT_FOUND);
	CHECK_RC(helper_keystore_delete(ks, id_a), GMPKI_ERR_NOT_FOUND);
	CHECK_RC(helper_keystore_delete(ks, "xyz"), GMPKI_ERR_ARG);
	list_of(ks, &s);
	CHECK(s.n == 1 && strcmp(s.idn[0].id, id_b) == 0 && s.rc[0] == 0);

	/* The choice of a deleted identity is gone, and so is its line. */
	CHECK_RC(helper_keystore_recall(ks, "wanfeng", id),
	    GMPKI_ERR_NOT_FOUND);
	n = slurp(kpath("choices"), &buf);
	CHECK(n > 0 && strstr((char *)buf, "wanfeng") == NULL &&
	    strstr((char *)buf, "tongfang=") != NULL);
	free(buf);
	CHECK_OK(helper_keystore_recall(ks, "tongfang", id));
	CHECK_STR(id, id_b);
	CHECK_OK(signs(ks, id_b, PIN, cert_b));

	/* It can be added again. */
	CHECK_OK(helper_keystore_add(ks, key_a, cert_a, NULL, NULL, NULL, id));
	CHECK_STR(id, id_a);
	CHECK_OK(signs(ks, id_a, NULL, cert_a));
	helper_keystore_close(ks);
}

static void
test_leftovers(void)
{
	helper_keystore *ks = NULL;
	const char *tmp = ipath(".tmp-AbC123", NULL);
	const char *del = ipath(".tmp-del-xYz789", NULL);
	struct seen s;
	int fd;

	/* A crash in the middle of add, and one in the middle of delete. */
	CHECK(mkdir(tmp, 0700) == 0);
	CHECK(mkdir(del, 0700) == 0);
	fd = open(ipath(".tmp-AbC123", "key.pem"), O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && write(fd, "-----BEGIN", 10) == 10);
	close(fd);
	fd = open(ipath(".tmp-del-xYz789", "meta"), O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0);
	close(fd);

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK(!fx_exists(tmp));
	CHECK(!fx_exists(del));
	helper_keystore_close(ks);

	/* While open, list does not show one. */
	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK(mkdir(tmp, 0700) == 0);
	list_of(ks, &s);
	CHECK(s.n == 2 && s.rc[0] == 0 && s.rc[1] == 0);
	helper_keystore_close(ks);
	CHECK_OK(helper_keystore_open(ksdir, &ks));
	CHECK(!fx_exists(tmp));
	helper_keystore_close(ks);
}

/* Threads of the daemon adding at once. */
struct adder {
	helper_keystore *ks;
	EVP_PKEY *key;
	X509 *cert;
	int rc;
	char id[HELPER_ID_LEN + 1];
};

static void *
add_thread(void *arg)
{
	struct adder *a = arg;

	a->rc = helper_keystore_add(a->ks, a->key, a->cert, NULL, NULL, NULL,
	    a->id);
	return NULL;
}

static void
test_threads(void)
{
	helper_keystore *ks = NULL;
	struct adder a[4];
	pthread_t t[4];
	struct seen s;
	char user[16];
	int i;

	CHECK_OK(helper_keystore_open(ksdir, &ks));
	for (i = 0; i < 4; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].ks = ks;
		snprintf(user, sizeof(user), "user_t%d", i);
		make_ee("并发测试公司", USCC_A, user, &a[i].key, &a[i].cert);
	}
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, add_thread, &a[i]) == 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 4; i++)
		CHECK_OK(a[i].rc);
	list_of(ks, &s);
	CHECK(s.n == 6);
	for (i = 0; i < 6 && i < s.n; i++)
		CHECK(s.rc[i] == 0);
	for (i = 0; i < 4; i++) {
		CHECK_OK(signs(ks, a[i].id, NULL, a[i].cert));
		CHECK_OK(helper_keystore_delete(ks, a[i].id));
		EVP_PKEY_free(a[i].key);
		X509_free(a[i].cert);
	}
	list_of(ks, &s);
	CHECK(s.n == 2);
	helper_keystore_close(ks);
}

int
main(void)
{
	if (gmpki_init() != 0 || mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	snprintf(ksdir, sizeof(ksdir), "%s/share/certhelper/keystore", tmpdir);
	make_cas();

	RUN(test_open_creates);
	RUN(test_add_list_get);
	RUN(test_add_refusals);
	RUN(test_permissions);
	RUN(test_truncated_files);
	RUN(test_find_serial);
	RUN(test_choices);
	RUN(test_delete);
	RUN(test_leftovers);
	RUN(test_threads);

	EVP_PKEY_free(key_a);
	EVP_PKEY_free(key_b);
	X509_free(cert_a);
	X509_free(cert_b);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(iss_key);
	X509_free(root);
	X509_free(iss);
	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
