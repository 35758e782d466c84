/* svc_error_test.c - the certsvc error table and its fallback to libgmpki's. */
#include "test.h"

#include "svc_error.h"

static void
test_table(void)
{
	CHECK_STR(svc_errname(SVC_ERR_DB_CONFLICT), "DB_CONFLICT");
	CHECK_STR(svc_strerror(SVC_ERR_LOGIN_FAILED), "用户名或密码错误");
	CHECK_STR(svc_strerror_en(SVC_ERR_AUDIT_BROKEN),
	    "audit log chain is broken");
	CHECK_STR(svc_errname(SVC_ERR_PASSWORD_WEAK), "PASSWORD_WEAK");
	/* libgmpki's codes come from its table. */
	CHECK_STR(svc_errname(GMPKI_ERR_ALREADY_REVOKED), "ALREADY_REVOKED");
	CHECK_STR(svc_strerror(GMPKI_ERR_CERT_EXPIRED), "证书已过期");
	CHECK_STR(svc_strerror_en(0), "success");
	/* Unknown codes on either side. */
	CHECK_STR(svc_errname(-999), "UNKNOWN");
	CHECK_STR(svc_errname(-1999), "UNKNOWN");
	CHECK_STR(svc_strerror(-1999), "未知错误");
	CHECK_STR(svc_strerror_en(-1999), "unknown error");
}

int
main(void)
{
	RUN(test_table);
	TEST_MAIN_END();
}
