/*
 * gmpki/gmpki.h - libgmpki, the national-crypto (SM2/SM3/SM4) PKI core of
 * CertHelper.  Include this one header to get the whole API.
 *
 * Conventions: functions return 0 or a negative GMPKI_ERR_* code; objects
 * handed back through an out-parameter belong to the caller; every *_free
 * accepts NULL; the library never prints, exits or keeps state beyond the
 * OIDs registered once by gmpki_init().
 */
#ifndef GMPKI_GMPKI_H
#define GMPKI_GMPKI_H

#include "gmpki/error.h"
#include "gmpki/crypto.h"
#include "gmpki/io.h"
#include "gmpki/sm2.h"
#include "gmpki/pkcs8.h"
#include "gmpki/uscc.h"
#include "gmpki/name.h"
#include "gmpki/csr.h"
#include "gmpki/cert.h"
#include "gmpki/crl.h"
#include "gmpki/ocsp.h"
#include "gmpki/verify.h"
#include "gmpki/ca.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GMPKI_VERSION "0.1.0"

/*
 * Registers what OpenSSL 3.0 lacks (hmacWithSM3 as a PBKDF2 PRF under
 * 1.2.156.10197.1.401.2 and 1.2.156.10197.1.401.3.1; the GM/T 0015
 * extension OIDs).  OpenSSL's OID table has no lock, so call this once from
 * main() before starting threads; later calls are no-ops.  Returns 0 or a
 * GMPKI_ERR_* code.
 */
int gmpki_init(void);

/* NIDs registered by gmpki_init() (NID_undef before it). */
int gmpki_nid_hmac_sm3(void);        /* 1.2.156.10197.1.401.2 (GmSSL)        */
int gmpki_nid_hmac_sm3_gmt0091(void);/* 1.2.156.10197.1.401.3.1 (GM/T 0091)  */
int gmpki_nid_uscc_ext(void);        /* 1.2.156.10260.4.1.4                  */

#ifdef __cplusplus
}
#endif
#endif
