/*
 * init.c - one-time registration of what OpenSSL 3.0 lacks.
 *
 * OpenSSL 3.0 has no hmacWithSM3 (no NID, "Unknown PRF algorithm"), so
 * PBES2 keys with PBKDF2-HMAC-SM3 can be neither read nor written until the
 * OID is created and mapped to SM3 as a PBE PRF.  Both OIDs in use are
 * registered: 1.2.156.10197.1.401.2 (what GmSSL and most GM software write)
 * and 1.2.156.10197.1.401.3.1 (GM/T 0091-2020's table).  The OID table has
 * no lock: gmpki_init() is to be called from main() before threads start.
 */
#include "gmpki/gmpki.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

static int nid_hmac_sm3 = NID_undef;
static int nid_hmac_sm3_gmt0091 = NID_undef;
static int nid_uscc_ext = NID_undef;
static int init_done;

static int
init_oid(const char *oid, const char *sn, const char *ln)
{
	int nid = OBJ_txt2nid(oid);

	if (nid == NID_undef)
		nid = OBJ_create(oid, sn, ln);
	return nid;
}

int
gmpki_init(void)
{
	if (init_done)
		return 0;
	nid_hmac_sm3 = init_oid("1.2.156.10197.1.401.2", "hmacWithSM3",
	    "hmacWithSM3");
	nid_hmac_sm3_gmt0091 = init_oid("1.2.156.10197.1.401.3.1",
	    "hmacWithSM3-GMT0091", "hmacWithSM3 (GM/T 0091-2020)");
	/* GM/T 0015-2012 §5.2.2.4: 企业工商注册号 private extension, which
	 * carries the 统一社会信用代码 since GB 32100-2015 replaced it. */
	nid_uscc_ext = init_oid("1.2.156.10260.4.1.4", "gmUSCC",
	    "GM/T 0015 Unified Social Credit Code");
	if (nid_hmac_sm3 == NID_undef || nid_hmac_sm3_gmt0091 == NID_undef ||
	    nid_uscc_ext == NID_undef)
		return GMPKI_ERR_INTERNAL;
	/* Map both PRF OIDs to HMAC over SM3 for PKCS5_v2_PBKDF2_keyivgen. */
	if (!EVP_PBE_find(EVP_PBE_TYPE_PRF, nid_hmac_sm3, NULL, NULL, NULL) &&
	    !EVP_PBE_alg_add_type(EVP_PBE_TYPE_PRF, nid_hmac_sm3, -1, NID_sm3,
	    NULL))
		return GMPKI_ERR_INTERNAL;
	if (!EVP_PBE_find(EVP_PBE_TYPE_PRF, nid_hmac_sm3_gmt0091, NULL, NULL,
	    NULL) && !EVP_PBE_alg_add_type(EVP_PBE_TYPE_PRF,
	    nid_hmac_sm3_gmt0091, -1, NID_sm3, NULL))
		return GMPKI_ERR_INTERNAL;
	init_done = 1;
	return 0;
}

int
gmpki_nid_hmac_sm3(void)
{
	return nid_hmac_sm3;
}

int
gmpki_nid_hmac_sm3_gmt0091(void)
{
	return nid_hmac_sm3_gmt0091;
}

int
gmpki_nid_uscc_ext(void)
{
	return nid_uscc_ext;
}
