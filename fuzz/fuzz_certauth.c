/*
 * fuzz_certauth.c - what a reporting system takes from the network: the
 * helper's posted statement, signature, certificate and chain, through
 * certauth_verify_statement (base64url, canonical JSON, PEM, signature,
 * path validation; docs/LOGIN-PROTOCOL.md §6).
 *
 * Input: a mode byte, then up to five fields separated by NUL bytes:
 * statement, signature, certificate PEM, chain PEM, username.  With the
 * mode's low bit set the first two are raw bytes the harness encodes in
 * base64url (so the fuzzer reaches the JSON parser), otherwise they go
 * in as they are (the decoder's turn).
 */
#include <stdlib.h>
#include <string.h>

#include "certauth/certauth.h"
#include "fuzz.h"
#include "gmpki/gmpki.h"

static certauth_ctx *ctx;

/* A self-signed root of its own: the fuzzed chains never reach it, but
 * everything before the path check runs. */
static int
setup(void)
{
	struct certauth_config cfg;
	EVP_PKEY *k = NULL;
	X509 *root;
	int rc;

	if (gmpki_init() != 0 || gmpki_sm2_keygen(&k) != 0)
		return -1;
	root = fuzz_issue(GMPKI_CERT_ROOT, "/C=CN/O=Fuzz/CN=Fuzz Root", k, NULL,
	    k);
	EVP_PKEY_free(k);
	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = "wanfeng";
	cfg.origin = "http://127.0.0.1:8450";
	cfg.root = root;
	rc = certauth_ctx_new(&cfg, &ctx);
	X509_free(root);
	return rc;
}

/* The next NUL-terminated field of [*p, end) as a new string. */
static char *
field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *z = memchr(*p, 0, (size_t)(end - *p));
	size_t n = z != NULL ? (size_t)(z - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, *p, n);
		s[n] = '\0';
	}
	*p = z != NULL ? z + 1 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct certauth_result res;
	const uint8_t *p, *end = data + size;
	char *f[5] = { NULL }, *enc;
	size_t len[2] = { 0, 0 };
	int i, raw;

	if (ctx == NULL && setup() != 0)
		abort();
	if (size < 1)
		return 0;
	raw = data[0] & 1;
	p = data + 1;
	for (i = 0; i < 5; i++) {
		if ((f[i] = field(&p, end)) == NULL)
			goto out;
		if (i < 2)
			len[i] = strlen(f[i]);
	}
	if (raw) {
		for (i = 0; i < 2; i++) {
			enc = NULL;
			if (certauth_b64url_encode(f[i], len[i], &enc) != 0)
				goto out;
			free(f[i]);
			f[i] = enc;
		}
	}
	memset(&res, 0, sizeof(res));
	(void)certauth_verify_statement(ctx, f[0], f[1], f[2], f[3], f[4],
	    &res);
	/* Whatever the outcome, the result's strings are usable. */
	if (certauth_strerror(res.code) == NULL || res.message_zh == NULL)
		abort();
out:
	for (i = 0; i < 5; i++)
		free(f[i]);
	return 0;
}
