/*
 * gmpki/error.h - the one error table of libgmpki.
 *
 * Every libgmpki function returns 0 (GMPKI_OK) on success or a negative
 * GMPKI_ERR_* code.  gmpki_strerror() gives the Chinese message that users
 * see, gmpki_strerror_en() the English one; gmpki_errname() the symbolic
 * name for logs and tests.  The library never prints.
 */
#ifndef GMPKI_ERROR_H
#define GMPKI_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, code, 中文, English).  Codes are stable: append, never renumber. */
#define GMPKI_ERROR_TABLE(X)                                                   \
	X(OK, 0, "成功", "success")                                            \
	X(INTERNAL, -1, "内部错误", "internal error")                          \
	X(NOMEM, -2, "内存不足", "out of memory")                              \
	X(ARG, -3, "参数无效", "invalid argument")                             \
	X(IO, -4, "文件读写失败", "file read or write failed")                 \
	X(TOO_LARGE, -5, "输入数据过大", "input too large")                    \
	X(DECODE, -6, "数据格式错误，无法解析", "malformed data, cannot parse") \
	X(TRAILING, -7, "数据末尾有多余内容", "trailing data after object")    \
	X(KEY_NOT_SM2, -8, "密钥不是SM2密钥", "key is not an SM2 key")         \
	X(SIGNATURE, -9, "签名验证失败", "signature verification failed")      \
	X(PASSPHRASE, -10, "口令错误或私钥已损坏",                              \
	  "wrong passphrase or corrupt private key")                           \
	X(CRYPTO, -11, "密码运算失败", "cryptographic operation failed")       \
	X(USCC_LENGTH, -12, "统一社会信用代码长度应为18位",                     \
	  "unified social credit code must be 18 characters")                  \
	X(USCC_CHAR, -13, "统一社会信用代码含有非法字符",                       \
	  "unified social credit code has an invalid character")               \
	X(USCC_CHECK, -14, "统一社会信用代码校验位错误",                        \
	  "unified social credit code check character is wrong")               \
	X(ORGCODE, -15, "组织机构代码无效", "invalid organization code")       \
	X(SUBJECT, -16, "证书主题格式错误", "malformed subject name")          \
	X(CERT_EXPIRED, -17, "证书已过期", "certificate has expired")          \
	X(CERT_NOT_YET_VALID, -18, "证书尚未生效",                              \
	  "certificate is not yet valid")                                      \
	X(CERT_UNTRUSTED, -19, "证书不受信任", "certificate is not trusted")   \
	X(CERT_REVOKED, -20, "证书已被废除", "certificate has been revoked")   \
	X(CERT_SIGNATURE, -21, "证书签名无效", "certificate signature is invalid") \
	X(CERT_CHAIN, -22, "证书链验证失败", "certificate chain is invalid")   \
	X(CERT_PROFILE, -23, "证书不符合规范", "certificate does not fit the profile") \
	X(REVOCATION_UNKNOWN, -24, "无法确定证书状态",                          \
	  "certificate revocation status unknown")                             \
	X(CRL_EXPIRED, -25, "证书撤销列表已过期",                               \
	  "certificate revocation list has expired")                           \
	X(CRL_INVALID, -26, "证书撤销列表无效", "certificate revocation list is invalid") \
	X(OCSP_INVALID, -27, "OCSP响应无效", "OCSP response is invalid")       \
	X(OCSP_STALE, -28, "OCSP响应已过期", "OCSP response is stale")         \
	X(OCSP_REQUEST, -29, "OCSP请求无效", "OCSP request is invalid")        \
	X(NOT_FOUND, -30, "未找到", "not found")                               \
	X(EXISTS, -31, "已存在", "already exists")                             \
	X(CSR_INVALID, -32, "证书请求无效", "certificate request is invalid")  \
	X(NOT_CA, -33, "签发者不是CA证书", "issuer is not a CA certificate")   \
	X(KEY_MISMATCH, -34, "私钥与证书不匹配", "private key does not match the certificate") \
	X(ALREADY_REVOKED, -35, "证书已被废除", "certificate is already revoked") \
	X(PERMISSION, -36, "文件权限不安全", "unsafe file permissions")

enum gmpki_error {
#define GMPKI_ERROR_ENUM(name, code, zh, en) GMPKI_ERR_##name = (code),
	GMPKI_ERROR_TABLE(GMPKI_ERROR_ENUM)
#undef GMPKI_ERROR_ENUM
};

#define GMPKI_OK GMPKI_ERR_OK

/* Chinese message for code; never NULL (unknown codes give a generic text). */
const char *gmpki_strerror(int code);
/* English message for code; never NULL. */
const char *gmpki_strerror_en(int code);
/* Symbolic name without the prefix, e.g. "CERT_EXPIRED"; never NULL. */
const char *gmpki_errname(int code);

#ifdef __cplusplus
}
#endif
#endif
