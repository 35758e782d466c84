/*
 * pkcs8_test.c - SM2 private keys in PKCS#8: our own round trips, keys
 * written by the openssl CLI (generated at test time), keys that are not
 * SM2, and hostile input.  The openssl CLI checks what we write.
 *
 * OpenSSL 3.0's CLI cannot open our encrypted keys: it has no hmacWithSM3
 * (PBKDF2 PRF 1.2.156.10197.1.401.2 gives "unsupported prf"), so the CLI
 * checks the structure of encrypted keys with asn1parse and the contents of
 * plain keys with `openssl pkey`.  That is expected, not a defect.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "test.h"
#include "fixture.h"

static char tmpdir[] = "/tmp/gmpki-pkcs8-XXXXXX";

/* A path in the temporary folder. */
static const char *
tpath(const char *name)
{
	return fx_path(tmpdir, name);
}

/* Runs a shell command quietly; 0 when it exited with 0. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs a command and captures its stdout (NUL-terminated, truncated). */
static int
capture(const char *cmd, char *out, size_t max)
{
	FILE *fp;
	size_t n;

	out[0] = '\0';
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, max - 1, fp);
	out[n] = '\0';
	return pclose(fp) == 0 ? 0 : -1;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	return (unsigned char *)fx_slurp(path, len);
}

/* Same public point and same private scalar. */
static int
same_key(const EVP_PKEY *a, const EVP_PKEY *b)
{
	BIGNUM *da = NULL, *db = NULL;
	int eq;

	if (a == NULL || b == NULL || EVP_PKEY_eq(a, b) != 1)
		return 0;
	eq = EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_PRIV_KEY, &da) &&
	    EVP_PKEY_get_bn_param(b, OSSL_PKEY_PARAM_PRIV_KEY, &db) &&
	    BN_cmp(da, db) == 0;
	BN_clear_free(da);
	BN_clear_free(db);
	return eq;
}

/* Our public key as PEM SubjectPublicKeyInfo, to compare with the CLI. */
static int
pubkey_pem(EVP_PKEY *k, char *out, size_t max)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = -1;

	if (b != NULL && PEM_write_bio_PUBKEY(b, k))
		n = BIO_read(b, out, (int)max - 1);
	BIO_free(b);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	return 0;
}

/* The key signs, and the signature verifies with the other key. */
static int
signs_for(EVP_PKEY *signer, EVP_PKEY *verifier)
{
	static const char msg[] = "CertHelper pkcs8 test message";
	unsigned char sig[GMPKI_SM2_MAX_SIG_LEN];
	size_t siglen = 0;

	if (gmpki_sm2_sign(signer, NULL, msg, sizeof(msg) - 1, sig,
	    &siglen) != 0)
		return 0;
	return gmpki_sm2_verify(verifier, NULL, msg, sizeof(msg) - 1, sig,
	    siglen) == 0;
}

static void
test_roundtrip_plain(void)
{
	EVP_PKEY *k = NULL, *k2 = NULL, *other = NULL;
	char *pem = NULL;
	size_t pemlen = 0;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_sm2_keygen(&other));
	CHECK_OK(gmpki_key_to_pem(k, NULL, 0, 0, &pem, &pemlen));
	CHECK(pem != NULL && pemlen == strlen(pem));
	CHECK(pem != NULL &&
	    strncmp(pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
	CHECK(gmpki_key_is_encrypted((unsigned char *)pem, pemlen) == 0);
	CHECK_OK(gmpki_key_from_mem((unsigned char *)pem, pemlen, NULL, 0,
	    &k2));
	CHECK(same_key(k, k2));
	CHECK(!same_key(other, k2));
	CHECK(k2 != NULL && EVP_PKEY_is_a(k2, "SM2"));
	/* A pass given for a plain key is not needed and does no harm. */
	EVP_PKEY_free(k2);
	k2 = NULL;
	CHECK_OK(gmpki_key_from_mem((unsigned char *)pem, pemlen, "x", 1,
	    &k2));
	CHECK(same_key(k, k2));
	gmpki_wipe(pem, pemlen);
	free(pem);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(other);
}

static void
test_roundtrip_encrypted(void)
{
	static const char pass[] = "correct horse battery";
	EVP_PKEY *k = NULL, *k2 = NULL;
	char *pem = NULL, *pem2 = NULL;
	size_t pemlen = 0, pemlen2 = 0;
	const unsigned char *u;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_key_to_pem(k, pass, strlen(pass), 1000, &pem,
	    &pemlen));
	CHECK(pem != NULL && strncmp(pem,
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38) == 0);
	u = (const unsigned char *)pem;
	CHECK(gmpki_key_is_encrypted(u, pemlen) == 1);
	CHECK_OK(gmpki_key_from_mem(u, pemlen, pass, strlen(pass), &k2));
	CHECK(same_key(k, k2));
	CHECK(k2 != NULL && EVP_PKEY_is_a(k2, "SM2"));
	EVP_PKEY_free(k2);
	k2 = NULL;

	/* Wrong, missing, truncated, extended and empty passphrases. */
	CHECK_RC(gmpki_key_from_mem(u, pemlen, "correct horse batterz",
	    strlen(pass), &k2), GMPKI_ERR_PASSPHRASE);
	CHECK_RC(gmpki_key_from_mem(u, pemlen, NULL, 0, &k2),
	    GMPKI_ERR_PASSPHRASE);
	CHECK_RC(gmpki_key_from_mem(u, pemlen, pass, strlen(pass) - 1, &k2),
	    GMPKI_ERR_PASSPHRASE);
	CHECK_RC(gmpki_key_from_mem(u, pemlen, "correct horse battery!",
	    strlen(pass) + 1, &k2), GMPKI_ERR_PASSPHRASE);
	CHECK_RC(gmpki_key_from_mem(u, pemlen, "", 0, &k2),
	    GMPKI_ERR_PASSPHRASE);
	CHECK(k2 == NULL);

	/* Fresh salt and IV every time. */
	CHECK_OK(gmpki_key_to_pem(k, pass, strlen(pass), 1000, &pem2,
	    &pemlen2));
	CHECK(pem2 != NULL && (pemlen != pemlen2 ||
	    memcmp(pem, pem2, pemlen) != 0));
	free(pem2);
	pem2 = NULL;

	/* An empty passphrase is refused for writing. */
	CHECK_RC(gmpki_key_to_pem(k, "", 0, 1000, &pem2, &pemlen2),
	    GMPKI_ERR_ARG);
	CHECK(pem2 == NULL);
	CHECK_RC(gmpki_key_to_pem(k, pass, GMPKI_MAX_PASS_LEN + 1, 1000,
	    &pem2, &pemlen2), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_key_to_pem(k, pass, strlen(pass),
	    GMPKI_PBKDF2_MAX_ITER + 1, &pem2, &pemlen2), GMPKI_ERR_ARG);
	free(pem);
	EVP_PKEY_free(k);
}

/* What we write, as the openssl CLI sees it. */
static void
test_asn1parse(void)
{
	static char out[16384];
	char cmd[1024], *p;
	EVP_PKEY *k = NULL, *k2 = NULL;
	const char *f = tpath("enc-asn1.pem"), *fd = tpath("enc-default.pem");
	int octets16 = 0;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_key_save(f, k, "xyz", 3, 1000, 0));
	snprintf(cmd, sizeof(cmd), "openssl asn1parse -in %s", f);
	CHECK(capture(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, ":PBES2") != NULL);
	CHECK(strstr(out, ":PBKDF2") != NULL);
	CHECK(strstr(out, ":1.2.156.10197.1.401.2\n") != NULL);
	CHECK(strstr(out, ":sm4-cbc") != NULL);
	CHECK(strstr(out, "INTEGER           :03E8") != NULL);
	CHECK(strstr(out, "hmacWithSHA") == NULL);
	/* The salt and the IV: two 16-byte OCTET STRINGs. */
	for (p = out; (p = strstr(p, "l=  16 prim: OCTET STRING")) != NULL;
	    p++)
		octets16++;
	CHECK(octets16 == 2);
	CHECK_OK(gmpki_key_load(f, "xyz", 3, &k2));
	CHECK(same_key(k, k2));

	/* iter 0: GMPKI_PBKDF2_DEFAULT_ITER (100000 = 0x0186A0). */
	CHECK_OK(gmpki_key_save(fd, k, "xyz", 3, 0, 0));
	snprintf(cmd, sizeof(cmd), "openssl asn1parse -in %s", fd);
	CHECK(capture(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, "INTEGER           :0186A0") != NULL);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
}

/* A plain key we wrote, opened by `openssl pkey`: the same public key. */
static void
test_cli_reads_plain(void)
{
	static char cli[4096], ours[4096];
	char cmd[1024];
	const char *f = tpath("plain.pem");
	EVP_PKEY *k = NULL;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_key_save(f, k, NULL, 0, 0, 0));
	snprintf(cmd, sizeof(cmd), "openssl pkey -in %s -pubout", f);
	CHECK(capture(cmd, cli, sizeof(cli)) == 0);
	CHECK(pubkey_pem(k, ours, sizeof(ours)) == 0);
	CHECK(strstr(cli, "-----BEGIN PUBLIC KEY-----") != NULL);
	CHECK_STR(cli, ours);
	EVP_PKEY_free(k);
}

/* Keys the openssl CLI writes: PKCS#8, SEC1, DER, encrypted, ecparam. */
static void
test_cli_written_keys(void)
{
	static char cli[4096], ours[4096], out[8192];
	char cmd[1024];
	const char *kf = tpath("cli.pem");
	EVP_PKEY *k = NULL, *k2 = NULL;
	unsigned char *buf = NULL;
	char *pem = NULL;
	size_t len = 0, pemlen = 0;

	CHECK(run("openssl genpkey -algorithm SM2 -out %s", kf) == 0);
	CHECK_OK(gmpki_key_load(kf, NULL, 0, &k));
	CHECK(k != NULL && gmpki_sm2_is_sm2(k) && EVP_PKEY_is_a(k, "SM2"));
	snprintf(cmd, sizeof(cmd), "openssl pkey -in %s -pubout", kf);
	CHECK(capture(cmd, cli, sizeof(cli)) == 0);
	CHECK(k != NULL && pubkey_pem(k, ours, sizeof(ours)) == 0);
	CHECK_STR(ours, cli);
	/* The loaded key still signs. */
	CHECK(k != NULL && signs_for(k, k));

	/* PBES2 + PBKDF2-HMAC-SHA256 + SM4-CBC, as `openssl pkcs8` writes. */
	CHECK(run("openssl pkcs8 -topk8 -v2 sm4-cbc -passout pass:xyz "
	    "-in %s -out %s", kf, tpath("cli-enc.pem")) == 0);
	snprintf(cmd, sizeof(cmd), "openssl asn1parse -in %s",
	    tpath("cli-enc.pem"));
	CHECK(capture(cmd, out, sizeof(out)) == 0);
	CHECK(strstr(out, ":hmacWithSHA256") != NULL);
	CHECK(strstr(out, ":sm4-cbc") != NULL);
	CHECK_OK(gmpki_key_load(tpath("cli-enc.pem"), "xyz", 3, &k2));
	CHECK(same_key(k, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;
	CHECK_RC(gmpki_key_load(tpath("cli-enc.pem"), "xyy", 3, &k2),
	    GMPKI_ERR_PASSPHRASE);
	CHECK_RC(gmpki_key_load(tpath("cli-enc.pem"), NULL, 0, &k2),
	    GMPKI_ERR_PASSPHRASE);

	/* SEC1 ECPrivateKey: DER as is, and PEM as "EC PRIVATE KEY". */
	CHECK(run("openssl ec -in %s -outform DER -out %s", kf,
	    tpath("sec1.der")) == 0);
	CHECK_OK(gmpki_key_load(tpath("sec1.der"), NULL, 0, &k2));
	CHECK(same_key(k, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;
	CHECK((buf = slurp(tpath("sec1.der"), &len)) != NULL);
	CHECK(buf != NULL && buf[0] == 0x30);
	CHECK_OK(gmpki_pem_encode("EC PRIVATE KEY", buf, len, &pem, &pemlen));
	CHECK_OK(gmpki_key_from_mem((unsigned char *)pem, pemlen, NULL, 0,
	    &k2));
	CHECK(same_key(k, k2));
	CHECK(k2 != NULL && signs_for(k2, k));
	EVP_PKEY_free(k2);
	k2 = NULL;
	free(pem);
	pem = NULL;
	free(buf);
	buf = NULL;

	/* 3.0's `openssl ec` labels an SM2 key "SM2 PRIVATE KEY". */
	CHECK(run("openssl ec -in %s -out %s", kf, tpath("sm2label.pem")) ==
	    0);
	CHECK((buf = slurp(tpath("sm2label.pem"), &len)) != NULL);
	CHECK(buf != NULL && strstr((char *)buf,
	    "-----BEGIN SM2 PRIVATE KEY-----") != NULL);
	free(buf);
	buf = NULL;
	CHECK_OK(gmpki_key_load(tpath("sm2label.pem"), NULL, 0, &k2));
	CHECK(same_key(k, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;

	/* PKCS#8 DER, plain. */
	CHECK(run("openssl pkcs8 -topk8 -nocrypt -in %s -outform DER -out %s",
	    kf, tpath("p8.der")) == 0);
	CHECK_OK(gmpki_key_load(tpath("p8.der"), NULL, 0, &k2));
	CHECK(same_key(k, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;

	/* Encrypted PKCS#8 DER. */
	CHECK(run("openssl pkcs8 -topk8 -v2 sm4-cbc -passout pass:xyz -in %s "
	    "-outform DER -out %s", kf, tpath("p8enc.der")) == 0);
	CHECK((buf = slurp(tpath("p8enc.der"), &len)) != NULL);
	CHECK(buf != NULL && gmpki_key_is_encrypted(buf, len) == 1);
	free(buf);
	buf = NULL;
	CHECK_OK(gmpki_key_load(tpath("p8enc.der"), "xyz", 3, &k2));
	CHECK(same_key(k, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;
	CHECK_RC(gmpki_key_load(tpath("p8enc.der"), "abc", 3, &k2),
	    GMPKI_ERR_PASSPHRASE);

	/* `openssl ecparam -genkey`: a parameters block, then the key. */
	CHECK(run("openssl ecparam -name SM2 -genkey -out %s", tpath(
	    "ecparam.pem")) == 0);
	CHECK((buf = slurp(tpath("ecparam.pem"), &len)) != NULL);
	CHECK(buf != NULL && strstr((char *)buf, " PARAMETERS-----") != NULL);
	free(buf);
	buf = NULL;
	CHECK_OK(gmpki_key_load(tpath("ecparam.pem"), NULL, 0, &k2));
	CHECK(k2 != NULL && signs_for(k2, k2));
	EVP_PKEY_free(k2);
	EVP_PKEY_free(k);
}

/*
 * PRF 1.2.156.10197.1.401.3.1 (GM/T 0091-2020), written in-process: the
 * 3.0 CLI knows no hmacWithSM3 under any OID.
 */
static void
test_read_gmt0091(void)
{
	/* DER of OBJECT IDENTIFIER 1.2.156.10197.1.401.3.1 */
	static const unsigned char oid[] = { 0x06, 0x0a, 0x2a, 0x81, 0x1c,
	    0xcf, 0x55, 0x01, 0x83, 0x11, 0x03, 0x01 };
	EVP_PKEY *k = NULL, *k2 = NULL;
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_SIG *sig = NULL;
	unsigned char *der = NULL;
	char *pem = NULL;
	size_t pemlen = 0;
	int derlen = 0;

	CHECK(gmpki_nid_hmac_sm3_gmt0091() != NID_undef);
	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK((p8inf = EVP_PKEY2PKCS8(k)) != NULL);
	CHECK((sig = PKCS8_encrypt_ex(gmpki_nid_hmac_sm3_gmt0091(),
	    EVP_sm4_cbc(), "pw0091", 6, NULL, 0, 2048, p8inf, NULL,
	    NULL)) != NULL);
	CHECK((derlen = i2d_X509_SIG(sig, &der)) > 0);
	CHECK(der != NULL && memmem(der, (size_t)derlen, oid,
	    sizeof(oid)) != NULL);
	CHECK_OK(gmpki_pem_encode("ENCRYPTED PRIVATE KEY", der,
	    (size_t)derlen, &pem, &pemlen));
	CHECK_OK(gmpki_key_from_mem((unsigned char *)pem, pemlen, "pw0091", 6,
	    &k2));
	CHECK(same_key(k, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;
	CHECK_RC(gmpki_key_from_mem((unsigned char *)pem, pemlen, "pw0092", 6,
	    &k2), GMPKI_ERR_PASSPHRASE);
	/* As bare DER too. */
	CHECK_OK(gmpki_key_from_mem(der, (size_t)derlen, "pw0091", 6, &k2));
	CHECK(same_key(k, k2));
	OPENSSL_free(der);
	free(pem);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
}

static void
test_not_sm2(void)
{
	static const struct {
		const char *name, *opts;
	} gens[] = {
		{ "rsa.pem", "-algorithm RSA -pkeyopt rsa_keygen_bits:1024" },
		{ "p256.pem", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256" },
		{ "ed25519.pem", "-algorithm ED25519" },
	};
	EVP_PKEY *k = NULL, *rsa = NULL;
	BIO *b;
	char *pem = NULL;
	size_t i, pemlen;

	for (i = 0; i < sizeof(gens) / sizeof(gens[0]); i++) {
		CHECK(run("openssl genpkey %s -out %s", gens[i].opts,
		    tpath(gens[i].name)) == 0);
		CHECK_RC(gmpki_key_load(tpath(gens[i].name), NULL, 0, &k),
		    GMPKI_ERR_KEY_NOT_SM2);
		CHECK(k == NULL);
	}
	/* Traditional RSA and SEC1 P-256 labels. */
	CHECK(run("openssl rsa -in %s -traditional -out %s",
	    tpath("rsa.pem"), tpath("rsa-trad.pem")) == 0);
	CHECK_RC(gmpki_key_load(tpath("rsa-trad.pem"), NULL, 0, &k),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK(run("openssl ec -in %s -out %s", tpath("p256.pem"),
	    tpath("p256-sec1.pem")) == 0);
	CHECK_RC(gmpki_key_load(tpath("p256-sec1.pem"), NULL, 0, &k),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK(run("openssl ec -in %s -outform DER -out %s", tpath("p256.pem"),
	    tpath("p256-sec1.der")) == 0);
	CHECK_RC(gmpki_key_load(tpath("p256-sec1.der"), NULL, 0, &k),
	    GMPKI_ERR_KEY_NOT_SM2);
	/* Encrypted P-256: the right pass opens it, and it is still no SM2. */
	CHECK(run("openssl pkcs8 -topk8 -v2 sm4-cbc -passout pass:xyz -in %s "
	    "-out %s", tpath("p256.pem"), tpath("p256-enc.pem")) == 0);
	CHECK_RC(gmpki_key_load(tpath("p256-enc.pem"), "xyz", 3, &k),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK_RC(gmpki_key_load(tpath("p256-enc.pem"), "xyzz", 4, &k),
	    GMPKI_ERR_PASSPHRASE);

	/* And we refuse to write a non-SM2 key. */
	CHECK((b = BIO_new_file(tpath("rsa.pem"), "r")) != NULL);
	if (b != NULL) {
		rsa = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	CHECK(rsa != NULL);
	CHECK_RC(gmpki_key_to_pem(rsa, NULL, 0, 0, &pem, &pemlen),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK_RC(gmpki_key_save(tpath("rsa-out.pem"), rsa, "x", 1, 0, 0),
	    GMPKI_ERR_KEY_NOT_SM2);
	CHECK(access(tpath("rsa-out.pem"), F_OK) != 0);
	EVP_PKEY_free(rsa);
}

static void
test_malformed(void)
{
	static unsigned char big[GMPKI_MAX_KEY_SIZE + 2];
	static const char junk[] = "this is not a key\n";
	EVP_PKEY *k = NULL, *k2 = NULL;
	char *pem = NULL, *buf = NULL;
	unsigned char *der = NULL, rnd[300];
	size_t pemlen = 0, derlen = 0, half;
	unsigned char *u;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_key_to_pem(k, NULL, 0, 0, &pem, &pemlen));
	u = (unsigned char *)pem;

	/* Truncated PEM: no END line, or cut mid-body. */
	half = pemlen / 2;
	CHECK_RC(gmpki_key_from_mem(u, half, NULL, 0, &k2), GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_key_from_mem(u, pemlen - 10, NULL, 0, &k2),
	    GMPKI_ERR_DECODE);
	/* Garbage: text, random bytes, nothing. */
	CHECK_RC(gmpki_key_from_mem((const unsigned char *)junk,
	    strlen(junk), NULL, 0, &k2), GMPKI_ERR_DECODE);
	CHECK_OK(gmpki_random(rnd, sizeof(rnd)));
	rnd[0] = 0x04;	/* not a SEQUENCE: no accidental structure */
	CHECK_RC(gmpki_key_from_mem(rnd, sizeof(rnd), NULL, 0, &k2),
	    GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_key_from_mem(u, 0, NULL, 0, &k2), GMPKI_ERR_DECODE);
	/* Another object's label. */
	CHECK_OK(gmpki_pem_decode_one(u, pemlen, "PRIVATE KEY", &der, &derlen,
	    NULL));
	{
		char *cert = NULL;
		size_t certlen = 0;

		CHECK_OK(gmpki_pem_encode("CERTIFICATE", der, derlen, &cert,
		    &certlen));
		CHECK_RC(gmpki_key_from_mem((unsigned char *)cert, certlen,
		    NULL, 0, &k2), GMPKI_ERR_DECODE);
		free(cert);
	}

	/* Trailing junk after the PEM block, and after the DER. */
	CHECK((buf = malloc(pemlen + sizeof(junk))) != NULL);
	if (buf != NULL) {
		memcpy(buf, pem, pemlen);
		memcpy(buf + pemlen, junk, sizeof(junk));
		CHECK_RC(gmpki_key_from_mem((unsigned char *)buf,
		    pemlen + strlen(junk), NULL, 0, &k2), GMPKI_ERR_TRAILING);
		/* White space after the block is fine. */
		memcpy(buf + pemlen, "\n\n  \n", 6);
		CHECK_OK(gmpki_key_from_mem((unsigned char *)buf, pemlen + 5,
		    NULL, 0, &k2));
		CHECK(same_key(k, k2));
		EVP_PKEY_free(k2);
		k2 = NULL;
		free(buf);
	}
	CHECK(der != NULL && derlen > 0 && derlen < sizeof(big));
	if (der != NULL) {
		memcpy(big, der, derlen);
		big[derlen] = 0x00;
		CHECK_OK(gmpki_key_from_mem(big, derlen, NULL, 0, &k2));
		EVP_PKEY_free(k2);
		k2 = NULL;
		CHECK_RC(gmpki_key_from_mem(big, derlen + 1, NULL, 0, &k2),
		    GMPKI_ERR_TRAILING);
		/* Trailing bytes inside the base64. */
		{
			char *p2 = NULL;
			size_t p2len = 0;

			CHECK_OK(gmpki_pem_encode("PRIVATE KEY", big,
			    derlen + 1, &p2, &p2len));
			CHECK_RC(gmpki_key_from_mem((unsigned char *)p2, p2len,
			    NULL, 0, &k2), GMPKI_ERR_TRAILING);
			free(p2);
		}
		/* Truncated DER. */
		CHECK_RC(gmpki_key_from_mem(big, derlen - 1, NULL, 0, &k2),
		    GMPKI_ERR_DECODE);
	}

	/* Oversize: refused before any parsing, in memory and on disk. */
	memset(big, ' ', sizeof(big));
	memcpy(big, pem, pemlen);
	CHECK_OK(gmpki_key_from_mem(big, GMPKI_MAX_KEY_SIZE, NULL, 0, &k2));
	EVP_PKEY_free(k2);
	k2 = NULL;
	CHECK_RC(gmpki_key_from_mem(big, GMPKI_MAX_KEY_SIZE + 1, NULL, 0,
	    &k2), GMPKI_ERR_TOO_LARGE);
	CHECK(fx_write_file(tpath("big.pem"), big, GMPKI_MAX_KEY_SIZE + 1) ==
	    0);
	CHECK_RC(gmpki_key_load(tpath("big.pem"), NULL, 0, &k2),
	    GMPKI_ERR_TOO_LARGE);
	CHECK(gmpki_key_is_encrypted(big, GMPKI_MAX_KEY_SIZE + 1) == 0);
	CHECK(k2 == NULL);

	/* Legacy "Proc-Type: 4,ENCRYPTED" PEM and PBES1 are not read. */
	CHECK(run("openssl genpkey -algorithm SM2 -out %s", tpath("l.pem")) ==
	    0);
	CHECK(run("openssl ec -in %s -aes128 -passout pass:xyz -out %s",
	    tpath("l.pem"), tpath("legacy.pem")) == 0);
	CHECK_RC(gmpki_key_load(tpath("legacy.pem"), "xyz", 3, &k2),
	    GMPKI_ERR_DECODE);
	CHECK(run("openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -passout pass:xyz "
	    "-in %s -out %s", tpath("l.pem"), tpath("pbes1.pem")) == 0);
	CHECK_RC(gmpki_key_load(tpath("pbes1.pem"), "xyz", 3, &k2),
	    GMPKI_ERR_DECODE);
	CHECK_RC(gmpki_key_load(tpath("missing.pem"), NULL, 0, &k2),
	    GMPKI_ERR_IO);

	/* Arguments. */
	CHECK_RC(gmpki_key_from_mem(NULL, 10, NULL, 0, &k2), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_key_from_mem(u, pemlen, NULL, 0, NULL), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_key_from_mem(u, pemlen, NULL, 3, &k2), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_key_to_pem(NULL, NULL, 0, 0, &pem, &pemlen),
	    GMPKI_ERR_ARG);
	CHECK_RC(gmpki_key_load(NULL, NULL, 0, &k2), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_key_save(NULL, k, NULL, 0, 0, 0), GMPKI_ERR_ARG);
	CHECK(gmpki_key_is_encrypted(NULL, 10) == 0);

	free(der);
	gmpki_wipe(u, pemlen);
	free(u);
	EVP_PKEY_free(k);
}

/*
 * An EC-type key on the SM2 curve (EVP_PKEY_Q_keygen(.., "EC", "SM2") or
 * `openssl genpkey -algorithm EC`) signs ECDSA in OpenSSL 3.0; what we
 * load must be an SM2-type key that signs SM2.
 */
static void
test_ec_type_on_sm2_curve(void)
{
	EVP_PKEY *ec = NULL, *k2 = NULL;
	char *pem = NULL;
	size_t pemlen = 0;

	CHECK((ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "SM2")) != NULL);
	CHECK(ec != NULL && !EVP_PKEY_is_a(ec, "SM2"));
	CHECK_OK(gmpki_key_to_pem(ec, "pw", 2, 1000, &pem, &pemlen));
	CHECK_OK(gmpki_key_from_mem((unsigned char *)pem, pemlen, "pw", 2,
	    &k2));
	CHECK(k2 != NULL && EVP_PKEY_is_a(k2, "SM2"));
	CHECK(k2 != NULL && signs_for(k2, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;

	CHECK(run("openssl genpkey -algorithm EC -pkeyopt "
	    "ec_paramgen_curve:SM2 -out %s", tpath("ec-sm2.pem")) == 0);
	CHECK_OK(gmpki_key_load(tpath("ec-sm2.pem"), NULL, 0, &k2));
	CHECK(k2 != NULL && EVP_PKEY_is_a(k2, "SM2"));
	CHECK(k2 != NULL && signs_for(k2, k2));
	free(pem);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(k2);
}

/* A public key alone cannot be written as a private key. */
static void
test_public_only(void)
{
	EVP_PKEY *k = NULL, *pub = NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	char *pem = NULL;
	size_t pemlen = 0;
	int n;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK((n = i2d_PUBKEY(k, &der)) > 0);
	p = der;
	CHECK((pub = d2i_PUBKEY(NULL, &p, n)) != NULL);
	CHECK(pub != NULL && gmpki_sm2_is_sm2(pub));
	CHECK(gmpki_key_to_pem(pub, NULL, 0, 0, &pem, &pemlen) != 0);
	CHECK(pem == NULL);
	OPENSSL_free(der);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(k);
}

/*
 * Hostile encryption parameters: an unknown PRF is DECODE (not a wrong
 * passphrase), a huge iteration count is TOO_LARGE and costs nothing.
 */
static void
test_hostile_params(void)
{
	static const unsigned char oid4012[] = { 0x06, 0x09, 0x2a, 0x81, 0x1c,
	    0xcf, 0x55, 0x01, 0x83, 0x11, 0x02 };
	EVP_PKEY *k = NULL, *k2 = NULL;
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_ALGOR *pbe;
	X509_SIG *sig = NULL;
	unsigned char *der = NULL, *at, salt[16];
	char *pem = NULL;
	size_t pemlen = 0, derlen = 0;
	int n;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_key_to_pem(k, "pw", 2, 1000, &pem, &pemlen));
	CHECK_OK(gmpki_pem_decode_one((unsigned char *)pem, pemlen, NULL,
	    &der, &derlen, NULL));
	CHECK(der != NULL && (at = memmem(der, derlen, oid4012,
	    sizeof(oid4012))) != NULL);
	if (der != NULL && at != NULL) {
		CHECK_OK(gmpki_key_from_mem(der, derlen, "pw", 2, &k2));
		CHECK(same_key(k, k2));
		EVP_PKEY_free(k2);
		k2 = NULL;
		at[sizeof(oid4012) - 1] = 0x09;	/* 401.9: no such PRF */
		CHECK_RC(gmpki_key_from_mem(der, derlen, "pw", 2, &k2),
		    GMPKI_ERR_DECODE);
	}
	free(der);
	der = NULL;
	free(pem);
	pem = NULL;

	/* GMPKI_PBKDF2_MAX_ITER + 1 iterations, built by hand. */
	memset(salt, 0x5a, sizeof(salt));
	CHECK((p8inf = EVP_PKEY2PKCS8(k)) != NULL);
	CHECK((pbe = PKCS5_pbe2_set_iv_ex(EVP_sm4_cbc(),
	    GMPKI_PBKDF2_MAX_ITER + 1, salt, sizeof(salt), NULL,
	    gmpki_nid_hmac_sm3(), NULL)) != NULL);
	/* Encrypting would run the PBKDF2: encrypt with 1 iteration and
	 * swap the parameters afterwards instead. */
	CHECK((sig = PKCS8_encrypt_ex(gmpki_nid_hmac_sm3(), EVP_sm4_cbc(),
	    "pw", 2, salt, sizeof(salt), 1, p8inf, NULL, NULL)) != NULL);
	if (sig != NULL && pbe != NULL) {
		X509_ALGOR *alg = NULL;

		X509_SIG_getm(sig, &alg, NULL);
		CHECK(X509_ALGOR_copy(alg, pbe) == 1);
		CHECK((n = i2d_X509_SIG(sig, &der)) > 0);
		CHECK_RC(gmpki_key_from_mem(der, (size_t)n, "pw", 2, &k2),
		    GMPKI_ERR_TOO_LARGE);
		OPENSSL_free(der);
	}
	X509_ALGOR_free(pbe);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	EVP_PKEY_free(k);
	ERR_clear_error();
}

static void
test_save_load_files(void)
{
	const char *f = tpath("saved.pem"), *fp = tpath("saved-plain.pem");
	EVP_PKEY *k = NULL, *k2 = NULL, *other = NULL;
	unsigned char *before = NULL, *after = NULL;
	size_t blen = 0, alen = 0;
	struct stat st;

	CHECK_OK(gmpki_sm2_keygen(&k));
	CHECK_OK(gmpki_sm2_keygen(&other));
	CHECK_OK(gmpki_key_save(f, k, "s3cret", 6, 1000, 0));
	CHECK(stat(f, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_OK(gmpki_key_save(fp, k, NULL, 0, 0, 0));
	CHECK(stat(fp, &st) == 0 && (st.st_mode & 0777) == 0600);

	/* No overwrite without being asked: the file stays as it was. */
	CHECK((before = slurp(f, &blen)) != NULL);
	CHECK_RC(gmpki_key_save(f, other, "s3cret", 6, 1000, 0),
	    GMPKI_ERR_EXISTS);
	CHECK((after = slurp(f, &alen)) != NULL);
	CHECK(before != NULL && after != NULL && blen == alen &&
	    memcmp(before, after, blen) == 0);
	CHECK_OK(gmpki_key_load(f, "s3cret", 6, &k2));
	CHECK(same_key(k, k2));
	EVP_PKEY_free(k2);
	k2 = NULL;

	/* With overwrite set, it is replaced, still 0600. */
	CHECK_OK(gmpki_key_save(f, other, "s3cret", 6, 1000, 1));
	CHECK(stat(f, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_OK(gmpki_key_load(f, "s3cret", 6, &k2));
	CHECK(same_key(other, k2));
	CHECK(!same_key(k, k2));
	CHECK(k2 != NULL && signs_for(k2, other));
	CHECK(k2 != NULL && !signs_for(k2, k));

	CHECK_RC(gmpki_key_save(tpath("no/such/dir/k.pem"), k, NULL, 0, 0, 0),
	    GMPKI_ERR_IO);
	free(before);
	free(after);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(other);
}

static void
check_pass_file(const char *content, size_t len, int want_rc,
    const char *want)
{
	const char *f = tpath("pass.txt");
	char *pass = (char *)"untouched";
	size_t plen = 99;

	CHECK(fx_write_file(f, content, len) == 0);
	CHECK_RC(gmpki_pass_file_read(f, &pass, &plen), want_rc);
	if (want_rc == 0) {
		CHECK_STR(pass, want);
		CHECK(plen == strlen(want));
		if (pass != NULL)
			gmpki_wipe(pass, plen);
		free(pass);
	} else
		CHECK(pass == NULL && plen == 0);
}

static void
test_pass_file(void)
{
	static char long_line[GMPKI_MAX_PASS_LEN + 3];
	static char want[GMPKI_MAX_PASS_LEN + 2];
	static char tail[100000];
	char *pass = NULL;
	size_t plen;

	check_pass_file("secret\n", 7, 0, "secret");
	check_pass_file("secret\r\n", 8, 0, "secret");
	check_pass_file("secret", 6, 0, "secret");
	check_pass_file("with space \t\nsecond line\n", 25, 0,
	    "with space \t");
	check_pass_file("\n", 1, GMPKI_ERR_ARG, NULL);
	check_pass_file("\r\n", 2, GMPKI_ERR_ARG, NULL);
	check_pass_file("", 0, GMPKI_ERR_ARG, NULL);
	check_pass_file("ab\0cd\n", 6, GMPKI_ERR_ARG, NULL);

	/* Exactly GMPKI_MAX_PASS_LEN is fine, with or without "\r\n". */
	memset(long_line, 'a', GMPKI_MAX_PASS_LEN);
	memset(want, 'a', GMPKI_MAX_PASS_LEN);
	want[GMPKI_MAX_PASS_LEN] = '\0';
	memcpy(long_line + GMPKI_MAX_PASS_LEN, "\r\n", 2);
	check_pass_file(long_line, GMPKI_MAX_PASS_LEN + 2, 0, want);
	check_pass_file(long_line, GMPKI_MAX_PASS_LEN, 0, want);
	/* One more byte is too long, with or without a line end. */
	memset(long_line, 'a', GMPKI_MAX_PASS_LEN + 1);
	long_line[GMPKI_MAX_PASS_LEN + 1] = '\n';
	check_pass_file(long_line, GMPKI_MAX_PASS_LEN + 2,
	    GMPKI_ERR_TOO_LARGE, NULL);
	check_pass_file(long_line, GMPKI_MAX_PASS_LEN + 1,
	    GMPKI_ERR_TOO_LARGE, NULL);

	/* A short first line in a big file: only the line is read. */
	memset(tail, 'x', sizeof(tail));
	memcpy(tail, "pw\n", 3);
	check_pass_file(tail, sizeof(tail), 0, "pw");

	CHECK_RC(gmpki_pass_file_read(tpath("nope.txt"), &pass, &plen),
	    GMPKI_ERR_IO);
	CHECK_RC(gmpki_pass_file_read(NULL, &pass, &plen), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_pass_file_read(tpath("pass.txt"), NULL, &plen),
	    GMPKI_ERR_ARG);

	/* The passphrase from a file opens a key saved with it. */
	{
		EVP_PKEY *k = NULL, *k2 = NULL;

		CHECK(fx_write_file(tpath("pass2.txt"), "file pass\n", 10) ==
		    0);
		CHECK_OK(gmpki_pass_file_read(tpath("pass2.txt"), &pass,
		    &plen));
		CHECK_OK(gmpki_sm2_keygen(&k));
		CHECK_OK(gmpki_key_save(tpath("pf.pem"), k, pass, plen, 1000,
		    0));
		CHECK_OK(gmpki_key_load(tpath("pf.pem"), "file pass", 9, &k2));
		CHECK(same_key(k, k2));
		if (pass != NULL)
			gmpki_wipe(pass, plen);
		free(pass);
		EVP_PKEY_free(k);
		EVP_PKEY_free(k2);
	}
}

int
main(void)
{
	if (gmpki_init() != 0) {
		fprintf(stderr, "gmpki_init failed\n");
		return 1;
	}
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_roundtrip_plain);
	RUN(test_roundtrip_encrypted);
	RUN(test_asn1parse);
	RUN(test_cli_reads_plain);
	RUN(test_cli_written_keys);
	RUN(test_read_gmt0091);
	RUN(test_not_sm2);
	RUN(test_malformed);
	RUN(test_ec_type_on_sm2_curve);
	RUN(test_public_only);
	RUN(test_hostile_params);
	RUN(test_save_load_files);
	RUN(test_pass_file);
	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
