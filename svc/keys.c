/*
 * keys.c - the delegated keys (keys.h): files, the signer's certificates,
 * and the service's current pair behind a read-write lock.
 *
 * Request threads take the pair up-ref'ed under the read lock and sign
 * with their own references, so a renewal (write lock, a pointer swap)
 * never waits for a signature and never frees a key in use.  The
 * housekeeping thread is the only writer.
 */
#include "keys.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "gmpki/gmpki.h"
#include "signer.h"
#include "svc_error.h"

#define DAY_SECS 86400

static const char *const names[SVC_KEY_COUNT] = { "ocsp", "docsign" };
static const int kinds[SVC_KEY_COUNT] = { GMPKI_CERT_OCSP,
    GMPKI_CERT_DOCSIGN };

const char *
svc_key_name(int which)
{
	return which >= 0 && which < SVC_KEY_COUNT ? names[which] : "?";
}

static int
key_path(char *out, size_t outlen, const char *dir, int which,
    const char *ext)
{
	int n = snprintf(out, outlen, "%s/keys/%s.%s", dir, names[which], ext);

	return n > 0 && (size_t)n < outlen ? 0 : GMPKI_ERR_ARG;
}

int
svc_keys_save(const char *data_dir, int which, EVP_PKEY *key, X509 *cert,
    int replace)
{
	char path[PATH_MAX], *pem = NULL;
	size_t len = 0;
	int rc;

	if (data_dir == NULL || which < 0 || which >= SVC_KEY_COUNT ||
	    key == NULL || cert == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = key_path(path, sizeof(path), data_dir, which, "key")) != 0 ||
	    (rc = gmpki_key_save(path, key, NULL, 0, 0, replace)) != 0)
		return rc;
	if ((rc = key_path(path, sizeof(path), data_dir, which, "pem")) != 0 ||
	    (rc = gmpki_cert_to_pem(cert, &pem, &len)) != 0)
		return rc;
	rc = gmpki_file_write(path, pem, len, 0644, !replace);
	free(pem);
	return rc;
}

/* The files' change times, to notice another process's new pair. */
static void
key_mtimes(const char *dir, int which, struct timespec t[2])
{
	char path[PATH_MAX];
	struct stat st;
	int i;

	memset(t, 0, 2 * sizeof(*t));
	for (i = 0; i < 2; i++)
		if (key_path(path, sizeof(path), dir, which,
		    i == 0 ? "key" : "pem") == 0 && stat(path, &st) == 0)
			t[i] = st.st_mtim;
}

int
svc_keys_read(const char *data_dir, int which, X509 *issuing, X509 **cert,
    EVP_PKEY **key)
{
	char path[PATH_MAX];
	struct stat st;
	EVP_PKEY *ipub;
	int rc;

	*cert = NULL;
	*key = NULL;
	if (which < 0 || which >= SVC_KEY_COUNT || issuing == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = key_path(path, sizeof(path), data_dir, which, "key")) != 0)
		return rc;
	if (stat(path, &st) != 0)
		return GMPKI_ERR_IO;
	if ((st.st_mode & 077) != 0)
		return GMPKI_ERR_PERMISSION;
	if ((rc = gmpki_key_load(path, NULL, 0, key)) != 0)
		goto fail;
	if ((rc = key_path(path, sizeof(path), data_dir, which, "pem")) != 0 ||
	    (rc = gmpki_cert_load(path, cert)) != 0)
		goto fail;
	rc = GMPKI_ERR_KEY_MISMATCH;
	if (!gmpki_sm2_key_match(*key, X509_get0_pubkey(*cert)))
		goto fail;
	/* Issued by our issuing CA, whatever else is in the folder. */
	rc = GMPKI_ERR_CERT_SIGNATURE;
	if ((ipub = X509_get0_pubkey(issuing)) == NULL ||
	    X509_check_issued(issuing, *cert) != X509_V_OK ||
	    gmpki_sm2_verify_cert(*cert, ipub, NULL) != 0)
		goto fail;
	return 0;
fail:
	X509_free(*cert);
	EVP_PKEY_free(*key);
	*cert = NULL;
	*key = NULL;
	return rc;
}

int
svc_keys_make(const char *data_dir, int which, struct svc_signer *signer,
    X509 **cert, EVP_PKEY **key)
{
	int rc;

	*cert = NULL;
	*key = NULL;
	if (which < 0 || which >= SVC_KEY_COUNT || signer == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = gmpki_sm2_keygen(key)) != 0 ||
	    (rc = svc_signer_issue_delegated(signer, kinds[which], *key,
	    cert)) != 0 ||
	    (rc = svc_keys_save(data_dir, which, *key, *cert, 1)) != 0) {
		X509_free(*cert);
		EVP_PKEY_free(*key);
		*cert = NULL;
		*key = NULL;
	}
	return rc;
}

int
svc_keys_get(struct svc_app *app, int which, X509 **cert, EVP_PKEY **key)
{
	int rc = GMPKI_ERR_NOT_FOUND;

	*cert = NULL;
	*key = NULL;
	if (which < 0 || which >= SVC_KEY_COUNT)
		return GMPKI_ERR_ARG;
	pthread_rwlock_rdlock(&app->keys_lock);
	if (app->dcert[which] != NULL && app->dkey[which] != NULL &&
	    X509_up_ref(app->dcert[which]) == 1) {
		if (EVP_PKEY_up_ref(app->dkey[which]) == 1) {
			*cert = app->dcert[which];
			*key = app->dkey[which];
			rc = 0;
		} else
			X509_free(app->dcert[which]);
	}
	pthread_rwlock_unlock(&app->keys_lock);
	return rc;
}

/* Makes (cert, key) current; the old pair goes when its last user is
 * done with it. */
static void
keys_set(struct svc_app *app, int which, X509 *cert, EVP_PKEY *key)
{
	X509 *oc;
	EVP_PKEY *ok;

	pthread_rwlock_wrlock(&app->keys_lock);
	oc = app->dcert[which];
	ok = app->dkey[which];
	app->dcert[which] = cert;
	app->dkey[which] = key;
	pthread_rwlock_unlock(&app->keys_lock);
	X509_free(oc);
	EVP_PKEY_free(ok);
}

int
svc_keys_load(struct svc_app *app, const char **what)
{
	static const char *const whats[SVC_KEY_COUNT] = {
		"keys/ocsp.key, keys/ocsp.pem",
		"keys/docsign.key, keys/docsign.pem" };
	X509 *cert;
	EVP_PKEY *key;
	int i, rc;

	for (i = 0; i < SVC_KEY_COUNT; i++) {
		*what = whats[i];
		key_mtimes(app->cfg.data_dir, i, app->dmtime[i]);
		if ((rc = svc_keys_read(app->cfg.data_dir, i, app->issuing,
		    &cert, &key)) != 0)
			return rc;
		keys_set(app, i, cert, key);
	}
	return 0;
}

void
svc_keys_free(struct svc_app *app)
{
	int i;

	for (i = 0; i < SVC_KEY_COUNT; i++) {
		X509_free(app->dcert[i]);
		EVP_PKEY_free(app->dkey[i]);
		app->dcert[i] = NULL;
		app->dkey[i] = NULL;
	}
}

static void
log_pair(const char *what, int which, X509 *cert)
{
	struct gmpki_cert_info *info = calloc(1, sizeof(*info));

	if (info != NULL && gmpki_cert_info_get(cert, info) == 0) {
		char until[32];
		struct tm tm;

		gmtime_r(&info->not_after, &tm);
		strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "certsvc: serve: keys/%s.pem %s: serial %s, "
		    "valid until %s\n", names[which], what, info->serial,
		    until);
	}
	free(info);
}

void
svc_keys_housekeeping(struct svc_app *app, time_t now)
{
	struct timespec t[2];
	X509 *cert;
	EVP_PKEY *key;
	time_t end, ca_end;
	int i, rc;

	for (i = 0; i < SVC_KEY_COUNT; i++) {
		/* Another process (`certsvc keys renew`) wrote a new pair:
		 * taken once both files are there and agree. */
		key_mtimes(app->cfg.data_dir, i, t);
		if (memcmp(t, app->dmtime[i], sizeof(t)) != 0 &&
		    svc_keys_read(app->cfg.data_dir, i, app->issuing, &cert,
		    &key) == 0) {
			memcpy(app->dmtime[i], t, sizeof(t));
			keys_set(app, i, cert, key);
			log_pair("reloaded", i, cert);
		}

		pthread_rwlock_rdlock(&app->keys_lock);
		end = 0;
		if (app->dcert[i] != NULL &&
		    gmpki_asn1_time_to_time(X509_get0_notAfter(app->dcert[i]),
		    &end) != 0)
			end = 0;
		pthread_rwlock_unlock(&app->keys_lock);
		if (end == 0 || end - now >
		    (time_t)app->cfg.delegated_renew_days * DAY_SECS)
			continue;
		/* Already ending with the issuing CA: a new one could not
		 * last longer (the CA itself needs renewing). */
		if (gmpki_asn1_time_to_time(X509_get0_notAfter(app->issuing),
		    &ca_end) != 0 || end >= ca_end)
			continue;
		if ((rc = svc_keys_make(app->cfg.data_dir, i, app->signer,
		    &cert, &key)) != 0) {
			fprintf(stderr, "certsvc: serve: keys/%s.pem ends in "
			    "%lld days and could not be renewed: %s\n",
			    names[i], (long long)((end - now) / DAY_SECS),
			    svc_strerror_en(rc));
			continue;
		}
		key_mtimes(app->cfg.data_dir, i, app->dmtime[i]);
		keys_set(app, i, cert, key);
		log_pair("renewed", i, cert);
	}
}
