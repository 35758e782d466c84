/*
 * certauth_verify.c - certauth-verify: checks a reporting-system login
 * statement (docs/LOGIN-PROTOCOL.md §4–§6) from files, for reporting
 * systems written in other languages.  Everything libcertauth checks,
 * through certauth_verify_statement, EXCEPT the challenge's single use
 * and session binding: those need the reporting system's own state, so
 * the caller must check that the reported challenge is one it issued to
 * this session and has not been used.  Revocation: with
 * --fetch-revocation the library's own OCSP/CRL fetching, with --ocsp a
 * DER OCSP response file (through the revocation callback), with --crl
 * CRL files (the configured crls); without any of them, not checked.
 *
 * Exit: 0 valid, 1 invalid, 2 usage or input error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "certauth/certauth.h"
#include "gmpki/gmpki.h"

#define PROG "certauth-verify"
#define EXIT_VALID 0
#define EXIT_INVALID 1
#define EXIT_USAGE 2

static void
usage(FILE *f)
{
	fputs(
"用法 (usage): certauth-verify --root ROOT.pem --rp ID --origin ORIGIN\n"
"                  --username U --statement FILE --signature FILE\n"
"                  --cert CERT.pem [--chain CHAIN.pem] [--at UNIX_SECONDS]\n"
"                  [--warn-days N] [--fetch-revocation] [--fetch-timeout MS]\n"
"                  [--ocsp FILE] [--crl FILE]... [--json]\n"
"\n"
"检查报表系统登录声明 (check a reporting-system login statement,\n"
"docs/LOGIN-PROTOCOL.md): 规范格式、SM2签名、证书链、有效期、用户名、\n"
"报表系统标识与来源 (canonical form, SM2 signature, chain to ROOT,\n"
"validity, username, reporting-system id and origin).\n"
"\n"
"注意 (NOTE): 不检查挑战值是否由您签发、是否已使用、是否属于本会话；\n"
"这需要报表系统自己的状态。调用方必须自行核对输出中的 challenge。\n"
"(The challenge's single use and session binding are NOT checked: they\n"
"need the reporting system's state.  The caller MUST check that the\n"
"reported challenge is one it issued to this session, unused, and then\n"
"mark it used.)  Freshness is checked: the statement's time must be less\n"
"than 120 s from --at (or now), either way.  Revocation is checked only\n"
"with --fetch-revocation, --ocsp or --crl.\n"
"\n"
"  --root ROOT.pem       信任的根证书 (the trusted root certificate)\n"
"  --rp ID               本系统的注册标识 (this system's registered id)\n"
"  --origin ORIGIN       本系统的注册来源 (registered origin)\n"
"  --username U          会话中的用户名 (the session's username)\n"
"  --statement FILE      登录声明：原始字节或base64url\n"
"                        (statement: the raw bytes, or base64url as posted)\n"
"  --signature FILE      签名：DER或base64url (signature: DER or base64url)\n"
"  --cert CERT.pem       签名证书 (the signing certificate, PEM)\n"
"  --chain CHAIN.pem     中间CA证书 (issuing CA certificates, PEM)\n"
"  --at UNIX_SECONDS     检查时间，默认当前 (check time; default now)\n"
"  --warn-days N         到期提醒天数，默认30，0不提醒\n"
"                        (expiry warning days; default 30, 0: never)\n"
"  --fetch-revocation    联网检查证书状态：证书中的OCSP地址，失败时用CRL分发点\n"
"                        (check revocation online: the certificate's OCSP\n"
"                        URL, falling back to its CRL distribution point)\n"
"  --fetch-timeout MS    每次联网的时限，默认5000毫秒\n"
"                        (time limit of each fetch; default 5000 ms)\n"
"  --ocsp FILE           使用此OCSP响应 (DER) 代替联网查询OCSP\n"
"                        (use this DER OCSP response instead of fetching one)\n"
"  --crl FILE            使用此CRL (DER或PEM，可重复) 代替下载CRL\n"
"                        (use this CRL, DER or PEM, repeatable, instead of\n"
"                        downloading one)\n"
"                        OCSP优先；OCSP无结果时用CRL；都无结果则无效\n"
"                        (OCSP first; the CRL when OCSP gives no answer;\n"
"                        neither: REVOCATION_UNKNOWN)\n"
"  --json                输出JSON (print JSON on stdout)\n"
"  -h, --help            显示帮助 (show this help)\n"
"\n"
"退出码 (exit): 0 有效 (valid), 1 无效 (invalid),\n"
"               2 用法或输入错误 (usage or input error)\n", f);
}

static int
usage_error(const char *zh, const char *en, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, PROG ": %s (%s): %s\n", zh, en, arg);
	else
		fprintf(stderr, PROG ": %s (%s)\n", zh, en);
	fprintf(stderr, PROG ": 用法见 (see) " PROG " --help\n");
	return EXIT_USAGE;
}

static int
input_error(const char *path, int grc)
{
	fprintf(stderr, PROG ": %s: %s (%s)\n", path, gmpki_strerror(grc),
	    gmpki_strerror_en(grc));
	return EXIT_USAGE;
}

/* A decimal integer in [min, max]; -1 if s is not one. */
static int
parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || s[0] == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
is_b64url(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * buf (len bytes) as base64url text: returned as is (surrounding white
 * space dropped) when it is all base64url characters, else encoded.
 * Raw statements start with '{' and DER signatures have 0x02 as their
 * third byte, so neither is ever mistaken for text.
 */
static int
as_b64url(const unsigned char *buf, size_t len, char **out)
{
	size_t a = 0, b = len, i;
	char *s;

	while (a < b && is_space(buf[a]))
		a++;
	while (b > a && is_space(buf[b - 1]))
		b--;
	for (i = a; i < b && is_b64url(buf[i]); i++)
		;
	if (i == b && b > a && buf[a] != '{') {
		if ((s = malloc(b - a + 1)) == NULL)
			return CERTAUTH_ERR_NOMEM;
		memcpy(s, buf + a, b - a);
		s[b - a] = '\0';
		*out = s;
		return 0;
	}
	return certauth_b64url_encode(buf, len, out);
}

static time_t
fixed_clock(void *arg)
{
	return *(const time_t *)arg;
}

struct ocsp_file {
	unsigned char *der;
	size_t len;
};

/* certauth_revocation_fn: a copy of the --ocsp file's bytes. */
static int
ocsp_from_file(void *arg, X509 *cert, X509 *issuer, unsigned char **der,
    size_t *len)
{
	const struct ocsp_file *f = arg;

	(void)cert;
	(void)issuer;
	if ((*der = malloc(f->len)) == NULL)
		return -1;
	memcpy(*der, f->der, f->len);
	*len = f->len;
	return 0;
}

static void
print_time(const char *label, time_t t)
{
	struct tm tm;
	char buf[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, sizeof(buf), "%lld", (long long)t);
	printf("%s %s UTC\n", label, buf);
}

static int
print_json(int rc, const struct certauth_result *r,
    const struct certauth_revocation_stats *st)
{
	json_t *j;
	char *s;
	int known = r->username[0] != '\0';

	j = json_pack("{s:b, s:s, s:s, s:s, s:s}",
	    "ok", rc == 0,
	    "code", certauth_errname(rc),
	    "message", r->message_zh != NULL ? r->message_zh :
	    certauth_strerror(rc),
	    "message_en", r->message_en != NULL ? r->message_en :
	    certauth_strerror_en(rc),
	    "detail", r->detail != NULL ? r->detail : "");
	if (j == NULL)
		return -1;
	json_object_set_new(j, "username",
	    known ? json_string(r->username) : json_null());
	json_object_set_new(j, "uscc",
	    known ? json_string(r->uscc) : json_null());
	json_object_set_new(j, "org",
	    known ? json_string(r->org) : json_null());
	json_object_set_new(j, "not_after",
	    known ? json_integer((json_int_t)r->not_after) : json_null());
	json_object_set_new(j, "expiring_soon",
	    json_boolean(rc == 0 && r->expiring_soon));
	json_object_set_new(j, "challenge", r->challenge[0] != '\0' ?
	    json_string(r->challenge) : json_null());
	json_object_set_new(j, "revocation_checked",
	    json_boolean(r->revocation_checked));
	json_object_set_new(j, "revocation_source", json_string(
	    certauth_revocation_source_name(r->revocation_source)));
	json_object_set_new(j, "ocsp_detail", r->ocsp_detail != NULL ?
	    json_string(r->ocsp_detail) : json_null());
	json_object_set_new(j, "crl_detail", r->crl_detail != NULL ?
	    json_string(r->crl_detail) : json_null());
	json_object_set_new(j, "revocation_stats", json_pack(
	    "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "ocsp_fetches", (json_int_t)st->ocsp_fetches,
	    "ocsp_cache_hits", (json_int_t)st->ocsp_cache_hits,
	    "crl_fetches", (json_int_t)st->crl_fetches,
	    "crl_cache_hits", (json_int_t)st->crl_cache_hits,
	    "failures", (json_int_t)st->failures,
	    "ocsp_errors", (json_int_t)st->ocsp_errors,
	    "crl_errors", (json_int_t)st->crl_errors));
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL)
		return -1;
	printf("%s\n", s);
	free(s);
	return 0;
}

static void
print_human(int rc, const struct certauth_result *r)
{
	if (rc == 0)
		printf(PROG ": 登录声明有效 (statement is valid)\n");
	else
		printf(PROG ": 登录声明无效 (statement is invalid): %s (%s)\n",
		    r->message_zh, r->message_en);
	printf("代码 (code): %s\n", certauth_errname(rc));
	if (r->detail != NULL)
		printf("详情 (detail): %s\n", r->detail);
	if (r->challenge[0] != '\0')
		printf("挑战值 (challenge): %s\n", r->challenge);
	if (r->username[0] != '\0') {
		printf("用户名 (username): %s\n", r->username);
		printf("企业名称 (org): %s\n", r->org);
		printf("统一社会信用代码 (USCC): %s\n", r->uscc);
		print_time("有效期至 (not after):", r->not_after);
	}
	if (r->revocation_checked)
		printf("证书状态 (revocation): 已检查 (checked), %s\n",
		    certauth_revocation_source_name(r->revocation_source));
	else if (rc == 0)
		printf("证书状态 (revocation): 未检查 (not checked)\n");
	if (r->ocsp_detail != NULL)
		printf("OCSP: %s\n", r->ocsp_detail);
	if (r->crl_detail != NULL)
		printf("CRL: %s\n", r->crl_detail);
	if (rc == 0 && r->expiring_soon)
		printf("提醒 (warning): %s (%s)\n", CERTAUTH_MSG_EXPIRING_ZH,
		    CERTAUTH_MSG_EXPIRING_EN);
	if (rc == 0)
		printf("注意 (note): 请核对挑战值由本系统签发、未使用、属于本会话 "
		    "(check the challenge is yours, unused, for this session)\n");
}

enum { O_ROOT = 256, O_RP, O_ORIGIN, O_USER, O_STMT, O_SIG, O_CERT,
	O_CHAIN, O_AT, O_WARN, O_JSON, O_FETCH, O_TIMEOUT, O_OCSP, O_CRL };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, O_ROOT },
		{ "rp", required_argument, NULL, O_RP },
		{ "origin", required_argument, NULL, O_ORIGIN },
		{ "username", required_argument, NULL, O_USER },
		{ "statement", required_argument, NULL, O_STMT },
		{ "signature", required_argument, NULL, O_SIG },
		{ "cert", required_argument, NULL, O_CERT },
		{ "chain", required_argument, NULL, O_CHAIN },
		{ "at", required_argument, NULL, O_AT },
		{ "warn-days", required_argument, NULL, O_WARN },
		{ "json", no_argument, NULL, O_JSON },
		{ "fetch-revocation", no_argument, NULL, O_FETCH },
		{ "fetch-timeout", required_argument, NULL, O_TIMEOUT },
		{ "ocsp", required_argument, NULL, O_OCSP },
		{ "crl", required_argument, NULL, O_CRL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *root_path = NULL, *rp = NULL, *origin = NULL;
	const char *username = NULL, *stmt_path = NULL, *sig_path = NULL;
	const char *cert_path = NULL, *chain_path = NULL, *ocsp_path = NULL;
	const char *crl_paths[8];
	int ncrl = 0, fetch = 0, timeout_ms = 0;
	struct ocsp_file ocsp = { NULL, 0 };
	struct certauth_revocation_stats st;
	STACK_OF(X509_CRL) *crls = NULL;
	unsigned char *stmt = NULL, *sig = NULL, *cert = NULL, *chain = NULL;
	size_t stmt_len = 0, sig_len = 0, cert_len = 0, chain_len = 0;
	char *stmt_b64 = NULL, *sig_b64 = NULL;
	struct certauth_config cfg;
	struct certauth_result res;
	certauth_ctx *ctx = NULL;
	X509 *root = NULL;
	long long v;
	time_t at = 0;
	int c, json = 0, have_at = 0, warn_days = CERTAUTH_DEFAULT_WARN_DAYS;
	int rc, grc, ret = EXIT_USAGE;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_ROOT: root_path = optarg; break;
		case O_RP: rp = optarg; break;
		case O_ORIGIN: origin = optarg; break;
		case O_USER: username = optarg; break;
		case O_STMT: stmt_path = optarg; break;
		case O_SIG: sig_path = optarg; break;
		case O_CERT: cert_path = optarg; break;
		case O_CHAIN: chain_path = optarg; break;
		case O_AT:
			if (parse_ll(optarg, 0, 253402300799LL, &v) != 0)
				return usage_error("时间无效", "invalid --at",
				    optarg);
			at = (time_t)v;
			have_at = 1;
			break;
		case O_WARN:
			if (parse_ll(optarg, 0, 36500, &v) != 0)
				return usage_error("天数无效",
				    "invalid --warn-days", optarg);
			warn_days = v == 0 ? -1 : (int)v;
			break;
		case O_JSON: json = 1; break;
		case O_FETCH: fetch = 1; break;
		case O_TIMEOUT:
			if (parse_ll(optarg, 1, CERTAUTH_MAX_FETCH_TIMEOUT_MS,
			    &v) != 0)
				return usage_error("时限无效",
				    "invalid --fetch-timeout", optarg);
			timeout_ms = (int)v;
			break;
		case O_OCSP: ocsp_path = optarg; break;
		case O_CRL:
			if (ncrl == (int)(sizeof(crl_paths) /
			    sizeof(crl_paths[0])))
				return usage_error("CRL文件过多",
				    "too many --crl files", optarg);
			crl_paths[ncrl++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_VALID;
		default:
			return usage_error("未知选项或选项缺少参数",
			    "unknown option or missing option argument",
			    optind > 0 && optind - 1 < argc ?
			    argv[optind - 1] : "?");
		}
	}
	if (optind < argc)
		return usage_error("多余的参数", "unexpected argument",
		    argv[optind]);
	if (root_path == NULL || rp == NULL || origin == NULL ||
	    username == NULL || stmt_path == NULL || sig_path == NULL ||
	    cert_path == NULL)
		return usage_error("缺少必需的选项", "missing required option",
		    NULL);
	if (gmpki_init() != 0) {
		fprintf(stderr, PROG ": 初始化失败 (initialisation failed)\n");
		return EXIT_USAGE;
	}
	if (!have_at)
		at = time(NULL);

	if ((grc = gmpki_cert_load(root_path, &root)) != 0) {
		ret = input_error(root_path, grc);
		goto out;
	}
	/* Twice the protocol's limits, so that the library says TOO_LARGE. */
	if ((grc = gmpki_file_read(stmt_path, 4 * CERTAUTH_MAX_STATEMENT,
	    &stmt, &stmt_len)) != 0) {
		ret = input_error(stmt_path, grc);
		goto out;
	}
	if ((grc = gmpki_file_read(sig_path, 2 * CERTAUTH_MAX_SIGNATURE_B64,
	    &sig, &sig_len)) != 0) {
		ret = input_error(sig_path, grc);
		goto out;
	}
	if ((grc = gmpki_file_read(cert_path, 2 * CERTAUTH_MAX_PEM, &cert,
	    &cert_len)) != 0) {
		ret = input_error(cert_path, grc);
		goto out;
	}
	if (chain_path != NULL && (grc = gmpki_file_read(chain_path,
	    2 * CERTAUTH_MAX_PEM, &chain, &chain_len)) != 0) {
		ret = input_error(chain_path, grc);
		goto out;
	}
	if (ocsp_path != NULL && (grc = gmpki_file_read(ocsp_path,
	    GMPKI_MAX_OCSP_SIZE, &ocsp.der, &ocsp.len)) != 0) {
		ret = input_error(ocsp_path, grc);
		goto out;
	}
	for (c = 0; c < ncrl; c++) {
		X509_CRL *crl = NULL;

		if ((grc = gmpki_crl_load(crl_paths[c], &crl)) != 0) {
			ret = input_error(crl_paths[c], grc);
			goto out;
		}
		if ((crls == NULL && (crls = sk_X509_CRL_new_null()) == NULL) ||
		    !sk_X509_CRL_push(crls, crl)) {
			X509_CRL_free(crl);
			fprintf(stderr, PROG ": 内存不足 (out of memory)\n");
			goto out;
		}
	}
	if (as_b64url(stmt, stmt_len, &stmt_b64) != 0 ||
	    as_b64url(sig, sig_len, &sig_b64) != 0) {
		fprintf(stderr, PROG ": 内存不足 (out of memory)\n");
		goto out;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = rp;
	cfg.origin = origin;
	cfg.root = root;
	cfg.warn_days = warn_days;
	cfg.now = fixed_clock;
	cfg.now_arg = &at;
	cfg.fetch_revocation = fetch;
	cfg.fetch_timeout_ms = timeout_ms;
	cfg.crls = crls;
	if (ocsp_path != NULL) {
		cfg.revocation = ocsp_from_file;
		cfg.revocation_arg = &ocsp;
	}
	if ((rc = certauth_ctx_new(&cfg, &ctx)) != 0) {
		ret = usage_error(certauth_strerror(rc), rc == CERTAUTH_ERR_ARG ?
		    "invalid --rp or --origin" : certauth_strerror_en(rc),
		    NULL);
		goto out;
	}
	rc = certauth_verify_statement(ctx, stmt_b64, sig_b64,
	    (const char *)cert, (const char *)chain, username, &res);
	if (rc == CERTAUTH_ERR_ARG || rc == CERTAUTH_ERR_NOMEM ||
	    rc == CERTAUTH_ERR_INTERNAL) {
		fprintf(stderr, PROG ": %s (%s)%s%s\n", res.message_zh,
		    res.message_en, res.detail != NULL ? ": " : "",
		    res.detail != NULL ? res.detail : "");
		goto out;
	}
	if (certauth_revocation_stats(ctx, &st) != 0)
		memset(&st, 0, sizeof(st));
	if (json) {
		if (print_json(rc, &res, &st) != 0) {
			fprintf(stderr, PROG ": 内存不足 (out of memory)\n");
			goto out;
		}
	} else
		print_human(rc, &res);
	ret = rc == 0 ? EXIT_VALID : EXIT_INVALID;
out:
	if (fflush(stdout) != 0)
		ret = EXIT_USAGE;
	certauth_ctx_free(ctx);
	X509_free(root);
	free(stmt);
	free(sig);
	free(cert);
	free(chain);
	free(ocsp.der);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	free(stmt_b64);
	free(sig_b64);
	return ret;
}
