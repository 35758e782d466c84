/*
 * signer.h - the signer process.  The issuing-CA key lives only there:
 * `certsvc serve` forks it before starting any thread, the child opens the
 * CA (gmpki_ca_open), and then answers a closed set of typed requests over
 * a socketpair (OpenSSH's monitor, acme-client's keyproc):
 *   ISSUE_EE   {SM2 public key DER, username, uscc, org} -> certificate DER
 *   SIGN_CRL   {entries, number, thisUpdate, nextUpdate} -> CRL DER
 *   ISSUE_DELEGATED {OCSP or DOCSIGN, SM2 public key DER} -> certificate
 *              DER (the service's own responder and directory signer,
 *              named by the signer: gmpki_ca_issue_delegated)
 * It checks every field against the profile itself (a valid USCC, an SM2
 * key, bounded lengths) and signs nothing else.  Frames are length-prefixed
 * and bounded; a malformed frame ends the connection.
 */
#ifndef SVC_SIGNER_H
#define SVC_SIGNER_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gmpki/crl.h"

struct svc_signer;

int svc_signer_start(const char *ca_dir, const char *pass, size_t passlen,
    struct svc_signer **out);
/* Thread-safe (one request at a time over the socket). */
int svc_signer_issue_ee(struct svc_signer *s, EVP_PKEY *pub,
    const char *username, const char *uscc, const char *org, X509 **out);
/* kind: GMPKI_CERT_OCSP or GMPKI_CERT_DOCSIGN. */
int svc_signer_issue_delegated(struct svc_signer *s, int kind, EVP_PKEY *pub,
    X509 **out);
int svc_signer_sign_crl(struct svc_signer *s,
    const struct gmpki_revoked *entries, size_t n, long number,
    time_t this_update, time_t next_update, X509_CRL **out);
/* Ends the child and waits for it. */
void svc_signer_stop(struct svc_signer *s);

#endif
