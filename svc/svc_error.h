/*
 * svc_error.h - error codes of the online service (certsvc), beyond the
 * library's GMPKI_ERR_* (which they extend: svc_strerror() answers both).
 * Codes are stable; the Chinese text is what users see (seed wording).
 */
#ifndef SVC_ERROR_H
#define SVC_ERROR_H

#define SVC_ERROR_TABLE(X)                                                     \
	X(DB, -1001, "数据库错误", "database error")                           \
	X(DB_CONFLICT, -1002, "数据已存在", "record already exists")           \
	X(LOGIN_FAILED, -1003, "用户名或密码错误", "wrong username or password") \
	X(ACCOUNT_LOCKED, -1004, "账户已被锁定，请15分钟后再试",                 \
	  "account locked, try again in 15 minutes")                           \
	X(CAPTCHA_WRONG, -1005, "验证码错误", "wrong captcha")                 \
	X(CAPTCHA_EXPIRED, -1006, "验证码已失效，请刷新验证码",                   \
	  "captcha expired, please refresh it")                                \
	X(RATE_LIMITED, -1007, "请求过于频繁，请稍后再试",                       \
	  "too many requests, try again later")                                \
	X(TICKET_INVALID, -1008, "下载凭证无效或已使用，请重新登录",               \
	  "enrollment ticket invalid or already used, log in again")           \
	X(CSRF, -1009, "页面已失效，请刷新后重试", "page expired, reload and retry") \
	X(SESSION, -1010, "登录已失效，请重新登录", "session expired, log in again") \
	X(BAD_REQUEST, -1011, "请求格式错误", "malformed request")             \
	X(BODY_TOO_LARGE, -1012, "请求数据过大", "request body too large")      \
	X(NOT_FOUND, -1013, "页面不存在", "not found")                         \
	X(CSV, -1014, "导入文件格式错误", "malformed import file")              \
	X(ACCOUNT_NOT_FOUND, -1015, "账户不存在", "no such account")            \
	X(ACCOUNT_DISABLED, -1016, "账户已停用", "account disabled")            \
	X(SIGNER, -1017, "证书签发服务不可用", "certificate signer unavailable") \
	X(AUDIT_BROKEN, -1018, "审计日志校验失败", "audit log chain is broken") \
	X(CONFIG, -1019, "配置错误", "configuration error")                     \
	X(HOST, -1020, "请求来源不被允许", "request origin not allowed")        \
	X(METHOD, -1021, "请求方法不被允许", "method not allowed")              \
	X(RP_NOT_FOUND, -1022, "未登记的直报系统", "reporting system not registered") \
	X(NO_CERT, -1023, "该账户没有有效证书", "the account has no valid certificate") \
	X(PASSWORD_WEAK, -1024, "口令不符合要求（至少8位）",                     \
	  "password too weak (at least 8 characters)")

enum svc_error {
#define SVC_ERROR_ENUM(name, code, zh, en) SVC_ERR_##name = (code),
	SVC_ERROR_TABLE(SVC_ERROR_ENUM)
#undef SVC_ERROR_ENUM
};

/* Chinese / English message for an SVC_ERR_* or GMPKI_ERR_* code. */
const char *svc_strerror(int code);
const char *svc_strerror_en(int code);
const char *svc_errname(int code);

#endif
