/*
 * sign_statement.c - test helper for tests/rp/certauth_verify.sh (not
 * installed): plays the certificate helper's part of the login protocol.
 *
 *   sign_statement make CERT.pem CHALLENGE RP ORIGIN USERNAME TIME OUT
 *       writes the canonical statement bytes naming CERT (its SM3)
 *   sign_statement sign KEY.pem STATEMENT OUT
 *       writes the DER SM2 signature (default ID) over STATEMENT's bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certauth/certauth.h"
#include "gmpki/gmpki.h"

static int
die(const char *what, int rc)
{
	fprintf(stderr, "sign_statement: %s: %d %s\n", what, rc,
	    gmpki_strerror_en(rc));
	return 1;
}

int
main(int argc, char **argv)
{
	int rc;

	if (gmpki_init() != 0)
		return die("init", -1);
	if (argc == 9 && strcmp(argv[1], "make") == 0) {
		struct certauth_statement st;
		X509 *cert = NULL;
		char fp[65], *raw = NULL;
		size_t len = 0;

		if ((rc = gmpki_cert_load(argv[2], &cert)) != 0)
			return die(argv[2], rc);
		if ((rc = gmpki_cert_fingerprint_sm3(cert, fp)) != 0)
			return die("fingerprint", rc);
		st.challenge = argv[3];
		st.rp = argv[4];
		st.origin = argv[5];
		st.username = argv[6];
		st.cert_sm3 = fp;
		st.time = strtoll(argv[7], NULL, 10);
		if ((rc = certauth_statement_encode(&st, &raw, &len)) != 0)
			return die("encode", rc);
		if ((rc = gmpki_file_write(argv[8], raw, len, 0644, 0)) != 0)
			return die(argv[8], rc);
		free(raw);
		X509_free(cert);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "sign") == 0) {
		unsigned char sig[GMPKI_SM2_MAX_SIG_LEN], *stmt = NULL;
		size_t siglen = 0, len = 0;
		EVP_PKEY *key = NULL;

		if ((rc = gmpki_key_load(argv[2], NULL, 0, &key)) != 0)
			return die(argv[2], rc);
		if ((rc = gmpki_file_read(argv[3], 1 << 20, &stmt, &len)) != 0)
			return die(argv[3], rc);
		if ((rc = gmpki_sm2_sign(key, NULL, stmt, len, sig,
		    &siglen)) != 0)
			return die("sign", rc);
		if ((rc = gmpki_file_write(argv[4], sig, siglen, 0644, 0)) != 0)
			return die(argv[4], rc);
		free(stmt);
		EVP_PKEY_free(key);
		return 0;
	}
	fprintf(stderr, "usage: sign_statement make CERT CHALLENGE RP ORIGIN "
	    "USERNAME TIME OUT | sign KEY STATEMENT OUT\n");
	return 2;
}
