/*
 * main.c - the `certhelper` command (证书助手): the daemon, its control
 * (start, stop, status) and the CLI that talks to it over the Unix socket
 * (list, show, status ID, export, delete, clear, enroll, console).  setup,
 * install and uninstall are in install.c.
 *
 * Only this file and install.c print.  Messages: "certhelper: CMD: 中文
 * (English)" on stderr.  Exit: 0 success, 1 failure, 2 usage, 3 (status)
 * not running.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gmpki/gmpki.h"
#include "helper.h"
#include "ipc.h"

#define EXIT_USAGE 2
#define EXIT_NOT_RUNNING 3

extern char **environ;

static const char *cmd = "certhelper";

/* ---- output --------------------------------------------------------------- */

static void
say_err(const char *zh, const char *en)
{
	fprintf(stderr, "certhelper: %s: %s (%s)\n", cmd, zh, en);
}

static void
say_code(int code)
{
	say_err(helper_strerror(code), helper_strerror_en(code));
}

static void
say_msg(int code, const struct helper_msg *m)
{
	if (m != NULL && m->zh[0] != '\0')
		say_err(m->zh, m->en);
	else
		say_code(code);
}

static int
usage_err(const char *zh, const char *en)
{
	say_err(zh, en);
	fprintf(stderr, "用法见 (usage): certhelper --help\n");
	return EXIT_USAGE;
}

/* Prints s with control characters masked: names come from certificates. */
static void
put_clean(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* Columns s takes on a terminal: East Asian wide characters take two. */
static size_t
disp_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	unsigned cp;
	int n;

	while (*p != '\0') {
		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0 && p[1] != '\0') {
			cp = (unsigned)(*p & 0x1f) << 6 | (p[1] & 0x3f);
			n = 2;
		} else if ((*p & 0xf0) == 0xe0 && p[1] != '\0' && p[2] != '\0') {
			cp = (unsigned)(*p & 0x0f) << 12 |
			    (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			n = 3;
		} else if ((*p & 0xf8) == 0xf0 && p[1] != '\0' && p[2] != '\0' &&
		    p[3] != '\0') {
			cp = 0x10000;
			n = 4;
		} else {
			cp = '?';
			n = 1;
		}
		w += (cp >= 0x1100 && cp <= 0x115f) ||
		    (cp >= 0x2e80 && cp <= 0xa4cf) ||
		    (cp >= 0xac00 && cp <= 0xd7a3) ||
		    (cp >= 0xf900 && cp <= 0xfaff) ||
		    (cp >= 0xfe30 && cp <= 0xfe4f) ||
		    (cp >= 0xff00 && cp <= 0xff60) ||
		    (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x10000 ? 2 : 1;
		p += n;
	}
	return w;
}

static void
put_col(const char *s, size_t width)
{
	size_t w = disp_width(s);

	put_clean(s);
	while (w++ < width)
		putchar(' ');
	putchar(' ');
	putchar(' ');
}

static const char *
tfmt(time_t t, char *buf, size_t len)
{
	if (t == 0)
		return "-";
	gmpki_time_format(t, buf, len);
	return buf;
}

/* ---- configuration and the socket ------------------------------------------------ */

static int
config_get(struct helper_config *cfg)
{
	char err[512];
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = helper_config_paths(cfg)) != 0) {
		say_err("无法确定配置目录 (HOME 未设置?)",
		    "cannot find the configuration folders (HOME unset?)");
		return rc;
	}
	err[0] = '\0';
	if ((rc = helper_config_load(cfg, err, sizeof(err))) != 0) {
		fprintf(stderr, "certhelper: %s: 配置文件错误 (configuration "
		    "error): %s: %s\n", cmd, cfg->config_file,
		    err[0] != '\0' ? err : helper_strerror(rc));
		return rc;
	}
	return 0;
}

/*
 * Sends req (taking it) to the daemon; prints the failure and returns
 * NULL, or the answer when it is {"ok": true}.
 */
static json_t *
call(const struct helper_config *cfg, json_t *req, int timeout)
{
	struct helper_msg m;
	json_t *resp = NULL, *msg, *en, *code;
	int rc;

	if (req == NULL) {
		say_code(GMPKI_ERR_NOMEM);
		return NULL;
	}
	rc = helper_ipc_call(cfg->socket_path, req, timeout, &resp);
	json_decref(req);
	if (rc != 0) {
		if (rc == HELPER_ERR_PROTOCOL || rc == GMPKI_ERR_IO) {
			say_err("证书助手无应答", "certhelper did not answer");
		} else {
			say_code(rc);
		}
		return NULL;
	}
	if (json_is_true(json_object_get(resp, "ok")))
		return resp;
	msg = json_object_get(resp, "message");
	en = json_object_get(resp, "message_en");
	code = json_object_get(resp, "code");
	memset(&m, 0, sizeof(m));
	if (json_is_string(msg) && json_is_string(en)) {
		snprintf(m.zh, sizeof(m.zh), "%s", json_string_value(msg));
		snprintf(m.en, sizeof(m.en), "%s", json_string_value(en));
	}
	say_msg(json_is_integer(code) ? (int)json_integer_value(code) :
	    HELPER_ERR_PROTOCOL, &m);
	json_decref(resp);
	return NULL;
}

static const char *
jstr(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_string(v) ? json_string_value(v) : "";
}

static time_t
jtime(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_integer(v) ? (time_t)json_integer_value(v) : 0;
}

static const char *
local_zh(const char *name)
{
	static const char *const names[] = { "valid", "expiring", "expired",
	    "not_yet_valid", "corrupt" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return helper_local_status_zh(i);
	return helper_local_status_zh(HELPER_LOCAL_CORRUPT);
}

/* ---- daemon, start, stop, status ------------------------------------------------- */

static int
cmd_daemon(int argc, char **argv)
{
	struct helper_config cfg;
	struct helper_msg m;
	int rc;

	(void)argv;
	if (argc != 1)
		return usage_err("多余的参数", "too many arguments");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	memset(&m, 0, sizeof(m));
	if ((rc = helper_daemon_run(&cfg, &m)) != 0) {
		say_msg(rc, &m);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* The daemon's answer to ping, or NULL (nothing printed). */
static json_t *
ping(const struct helper_config *cfg)
{
	json_t *req, *resp = NULL;

	if ((req = json_pack("{s:s}", "cmd", "ping")) == NULL)
		return NULL;
	if (helper_ipc_call(cfg->socket_path, req, 2, &resp) != 0 ||
	    !json_is_true(json_object_get(resp, "ok"))) {
		json_decref(resp);
		resp = NULL;
	}
	json_decref(req);
	return resp;
}

static int
cmd_start(int argc, char **argv)
{
	struct helper_config cfg;
	struct helper_msg m;
	char buf[sizeof(m.zh) + sizeof(m.en) + 2];
	json_t *p;
	pid_t pid;
	ssize_t n;
	int fds[2], st, i, fd, rc;

	(void)argv;
	if (argc != 1)
		return usage_err("多余的参数", "too many arguments");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if (helper_daemon_running(&cfg) == 1) {
		printf("证书助手已在运行 (certhelper is already running)\n");
		return EXIT_SUCCESS;
	}
	/* The child tells what went wrong through the pipe, since its
	 * stdio is /dev/null. */
	if (pipe2(fds, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		say_code(GMPKI_ERR_INTERNAL);
		return EXIT_FAILURE;
	}
	if (pid == 0) {
		close(fds[0]);
		setsid();
		umask(077);
		if (chdir("/") != 0)
			_exit(EXIT_FAILURE);
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		memset(&m, 0, sizeof(m));
		if ((rc = helper_daemon_run(&cfg, &m)) != 0) {
			if (m.zh[0] == '\0')
				helper_msg_set(&m, rc);
			n = snprintf(buf, sizeof(buf), "%s\n%s", m.zh, m.en);
			if (n > 0)
				(void)!write(fds[1], buf, (size_t)n);
			_exit(EXIT_FAILURE);
		}
		_exit(EXIT_SUCCESS);
	}
	close(fds[1]);
	for (i = 0; i < 50; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			memset(buf, 0, sizeof(buf));
			n = read(fds[0], buf, sizeof(buf) - 1);
			close(fds[0]);
			if (n > 0 && strchr(buf, '\n') != NULL) {
				*strchr(buf, '\n') = '\0';
				say_err(buf, buf + strlen(buf) + 1);
			} else {
				say_err("证书助手启动失败", "certhelper did not start");
			}
			return EXIT_FAILURE;
		}
		if ((p = ping(&cfg)) != NULL) {
			close(fds[0]);
			printf("证书助手已启动 (certhelper started): pid %ld\n",
			    (long)json_integer_value(json_object_get(p, "pid")));
			json_decref(p);
			return EXIT_SUCCESS;
		}
		usleep(100 * 1000);
	}
	close(fds[0]);
	fprintf(stderr, "certhelper: start: 证书助手未在5秒内应答，见日志 %s "
	    "(certhelper did not answer within 5 s, see the log)\n",
	    cfg.log_path);
	return EXIT_FAILURE;
}

static int
cmd_stop(int argc, char **argv)
{
	struct helper_config cfg;
	json_t *resp;
	int i;

	(void)argv;
	if (argc != 1)
		return usage_err("多余的参数", "too many arguments");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if (helper_daemon_running(&cfg) != 1) {
		printf("证书助手未运行 (certhelper is not running)\n");
		return EXIT_SUCCESS;
	}
	if ((resp = call(&cfg, json_pack("{s:s}", "cmd", "shutdown"), 5)) ==
	    NULL)
		return EXIT_FAILURE;
	json_decref(resp);
	/* The lock goes when the process has finished its requests. */
	for (i = 0; i < 350; i++) {
		if (helper_daemon_running(&cfg) == 0) {
			printf("证书助手已停止 (certhelper stopped)\n");
			return EXIT_SUCCESS;
		}
		usleep(100 * 1000);
	}
	say_err("证书助手未在35秒内停止", "certhelper did not stop within 35 s");
	return EXIT_FAILURE;
}

static int
cmd_daemon_status(void)
{
	struct helper_config cfg;
	json_t *p;

	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if (helper_daemon_running(&cfg) != 1) {
		printf("证书助手未运行 (certhelper is not running)\n");
		return EXIT_NOT_RUNNING;
	}
	if ((p = ping(&cfg)) == NULL) {
		say_err("证书助手正在运行，但套接字无应答",
		    "certhelper is running but its socket does not answer");
		return EXIT_FAILURE;
	}
	printf("证书助手正在运行 (certhelper is running): pid %ld, "
	    "端口 (port) %d%s\n",
	    (long)json_integer_value(json_object_get(p, "pid")),
	    (int)json_integer_value(json_object_get(p, "port")),
	    json_is_true(json_object_get(p, "http")) ? "" :
	    " (网页接口未启用 loopback HTTP not built)");
	printf("套接字 (socket): %s\n日志 (log): %s\n", cfg.socket_path,
	    cfg.log_path);
	if (cfg.service_url[0] != '\0')
		printf("在线服务 (service): %s\n", cfg.service_url);
	else
		printf("在线服务 (service): 未配置 (not set up)\n");
	json_decref(p);
	return EXIT_SUCCESS;
}

/* ---- certificate management -------------------------------------------------------- */

static int
cmd_list(int argc, char **argv)
{
	struct helper_config cfg;
	char t[40];
	json_t *resp, *arr, *e;
	size_t i;

	(void)argv;
	if (argc != 1)
		return usage_err("多余的参数", "too many arguments");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if ((resp = call(&cfg, json_pack("{s:s}", "cmd", "list"), 30)) == NULL)
		return EXIT_FAILURE;
	arr = json_object_get(resp, "identities");
	if (json_array_size(arr) == 0) {
		printf("没有证书 (no certificates)\n");
		json_decref(resp);
		return EXIT_SUCCESS;
	}
	put_col("ID", HELPER_ID_LEN);
	put_col("用户名", 12);
	put_col("企业名称", 28);
	put_col("有效期至", 23);
	printf("状态\n");
	json_array_foreach(arr, i, e) {
		int corrupt = strcmp(jstr(e, "local"), "corrupt") == 0;

		put_col(jstr(e, "id"), HELPER_ID_LEN);
		put_col(corrupt ? "-" : jstr(e, "username"), 12);
		put_col(corrupt ? "-" : jstr(e, "org"), 28);
		put_col(corrupt ? "-" : tfmt(jtime(e, "not_after"), t,
		    sizeof(t)), 23);
		printf("%s", local_zh(jstr(e, "local")));
		if (corrupt) {
			printf(" (");
			put_clean(jstr(e, "message"));
			printf(")");
		}
		putchar('\n');
	}
	json_decref(resp);
	return EXIT_SUCCESS;
}

static int
need_id(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		usage_err("缺少证书ID", "missing certificate ID");
		return 0;
	}
	return 1;
}

static void
line(const char *label, const char *value)
{
	put_col(label, 28);
	put_clean(value);
	putchar('\n');
}

static int
cmd_show(int argc, char **argv)
{
	struct helper_config cfg;
	char a[40], b[40], v[100];
	json_t *resp, *idn;

	if (!need_id(argc, argv))
		return EXIT_USAGE;
	if (argc != 2)
		return usage_err("多余的参数", "too many arguments");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if ((resp = call(&cfg, json_pack("{s:s, s:s}", "cmd", "show", "id",
	    argv[1]), 30)) == NULL)
		return EXIT_FAILURE;
	idn = json_object_get(resp, "identity");
	line("证书ID (ID):", jstr(idn, "id"));
	line("主题 (subject):", jstr(resp, "subject"));
	line("颁发者 (issuer):", jstr(resp, "issuer"));
	line("序列号 (serial):", jstr(idn, "serial"));
	snprintf(v, sizeof(v), "%s 至 (to) %s",
	    tfmt(jtime(idn, "not_before"), a, sizeof(a)),
	    tfmt(jtime(idn, "not_after"), b, sizeof(b)));
	line("有效期 (validity):", v);
	line("用户名 (username):", jstr(idn, "username"));
	line("企业代码 (USCC):", jstr(idn, "uscc"));
	line("企业名称 (enterprise):", jstr(idn, "org"));
	line("SM3 指纹 (fingerprint):", jstr(idn, "sm3"));
	line("SHA-256 指纹 (fingerprint):", jstr(resp, "sha256"));
	line("下载自 (service):", jstr(idn, "service"));
	line("私钥保护 (key protection):", json_is_true(json_object_get(idn,
	    "has_pin")) ? "PIN" : "证书库密钥 (keystore key)");
	snprintf(v, sizeof(v), "%s (%s)", local_zh(jstr(idn, "local")),
	    jstr(idn, "local"));
	line("本地状态 (local status):", v);
	json_decref(resp);
	return EXIT_SUCCESS;
}

static const char *
reason_text(int r)
{
	static const char *const zh[] = { "未指定 (unspecified)",
	    "密钥泄露 (keyCompromise)", "CA泄露 (cACompromise)",
	    "隶属关系变更 (affiliationChanged)", "被取代 (superseded)",
	    "停止使用 (cessationOfOperation)", "证书冻结 (certificateHold)",
	    "-", "从CRL删除 (removeFromCRL)", "权限撤销 (privilegeWithdrawn)",
	    "AA泄露 (aACompromise)" };

	if (r < 0 || r > 10)
		return "未说明 (none given)";
	return zh[r];
}

static int
cmd_cert_status(int argc, char **argv)
{
	struct helper_config cfg;
	char t[40];
	const char *s;
	json_t *resp;

	if (argc != 2)
		return usage_err("多余的参数", "too many arguments");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if ((resp = call(&cfg, json_pack("{s:s, s:s}", "cmd", "status", "id",
	    argv[1]), 90)) == NULL)
		return EXIT_FAILURE;
	s = jstr(resp, "status");
	line("序列号 (serial):", jstr(resp, "serial"));
	if (strcmp(s, "good") == 0) {
		line("证书状态 (status):", "正常 (good)");
	} else if (strcmp(s, "revoked") == 0) {
		line("证书状态 (status):", "已废除 (revoked)");
		line("废除时间 (revoked at):", tfmt(jtime(resp, "revoked_at"),
		    t, sizeof(t)));
		line("废除原因 (reason):", reason_text((int)json_integer_value(
		    json_object_get(resp, "reason"))));
	} else {
		line("证书状态 (status):", "未知 (unknown)");
	}
	line("有效期至 (valid until):", tfmt(jtime(resp, "not_after"), t,
	    sizeof(t)));
	line("本地状态 (local status):", local_zh(jstr(resp, "local")));
	line("查询时间 (answer of):", tfmt(jtime(resp, "this_update"), t,
	    sizeof(t)));
	json_decref(resp);
	return EXIT_SUCCESS;
}

static int
cmd_status(int argc, char **argv)
{
	if (argc == 1)
		return cmd_daemon_status();
	if (argv[1][0] == '-')
		return usage_err("未知选项", "unknown option");
	return cmd_cert_status(argc, argv);
}

static int
cmd_export(int argc, char **argv)
{
	struct helper_config cfg;
	const char *id = NULL, *outpath = NULL;
	unsigned char *der = NULL;
	const char *data;
	size_t len;
	json_t *resp;
	int i, want_der = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--der") == 0)
			want_der = 1;
		else if (strcmp(argv[i], "--pem") == 0)
			want_der = 0;
		else if ((strcmp(argv[i], "-o") == 0 ||
		    strcmp(argv[i], "--out") == 0) && i + 1 < argc)
			outpath = argv[++i];
		else if (argv[i][0] != '-' && id == NULL)
			id = argv[i];
		else
			return usage_err("参数错误", "bad arguments");
	}
	if (id == NULL)
		return usage_err("缺少证书ID", "missing certificate ID");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if ((resp = call(&cfg, json_pack("{s:s, s:s, s:b}", "cmd", "export",
	    "id", id, "der", want_der), 30)) == NULL)
		return EXIT_FAILURE;
	if (want_der) {
		const char *b64 = jstr(resp, "der");
		size_t blen = strlen(b64);
		int n;

		if (blen == 0 || blen % 4 != 0 ||
		    (der = malloc(blen / 4 * 3 + 1)) == NULL ||
		    (n = EVP_DecodeBlock(der, (const unsigned char *)b64,
		    (int)blen)) < 0) {
			say_code(HELPER_ERR_PROTOCOL);
			free(der);
			json_decref(resp);
			return EXIT_FAILURE;
		}
		len = (size_t)n - (blen >= 1 && b64[blen - 1] == '=') -
		    (blen >= 2 && b64[blen - 2] == '=');
		data = (const char *)der;
	} else {
		data = jstr(resp, "pem");
		len = strlen(data);
	}
	rc = EXIT_SUCCESS;
	if (outpath != NULL) {
		int w = gmpki_file_write(outpath, data, len, 0644, 1);

		if (w == GMPKI_ERR_EXISTS) {
			fprintf(stderr, "certhelper: export: 文件已存在 (file "
			    "exists): %s\n", outpath);
			rc = EXIT_FAILURE;
		} else if (w != 0) {
			fprintf(stderr, "certhelper: export: %s: %s (%s)\n",
			    outpath, helper_strerror(w), helper_strerror_en(w));
			rc = EXIT_FAILURE;
		} else {
			fprintf(stderr, "certhelper: export: 已导出证书 "
			    "(certificate exported): %s\n", outpath);
		}
	} else if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		say_code(GMPKI_ERR_IO);
		rc = EXIT_FAILURE;
	}
	free(der);
	json_decref(resp);
	return rc;
}

/* y, yes or 是 on stdin. */
static int
confirmed(void)
{
	char buf[64];
	size_t n;

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return 0;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return strcmp(buf, "y") == 0 || strcmp(buf, "Y") == 0 ||
	    strcmp(buf, "yes") == 0 || strcmp(buf, "是") == 0;
}

static int
cmd_delete(int argc, char **argv)
{
	struct helper_config cfg;
	const char *id = NULL;
	json_t *resp, *idn;
	int i, yes = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--yes") == 0 || strcmp(argv[i], "-y") == 0)
			yes = 1;
		else if (argv[i][0] != '-' && id == NULL)
			id = argv[i];
		else
			return usage_err("参数错误", "bad arguments");
	}
	if (id == NULL)
		return usage_err("缺少证书ID", "missing certificate ID");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if (!yes) {
		if ((resp = call(&cfg, json_pack("{s:s, s:s}", "cmd", "show",
		    "id", id), 30)) == NULL)
			return EXIT_FAILURE;
		idn = json_object_get(resp, "identity");
		fprintf(stderr, "将删除证书 %s (%s, %s) 及其私钥，不可恢复。\n"
		    "This deletes the certificate and its private key for "
		    "good.\n确定删除吗 (delete)? [y/N] ", jstr(idn, "id"),
		    jstr(idn, "username"), jstr(idn, "org"));
		json_decref(resp);
		if (!confirmed()) {
			say_err("已取消，未删除", "cancelled, nothing deleted");
			return EXIT_FAILURE;
		}
	}
	if ((resp = call(&cfg, json_pack("{s:s, s:s}", "cmd", "delete", "id",
	    id), 30)) == NULL)
		return EXIT_FAILURE;
	json_decref(resp);
	printf("已删除证书 (certificate deleted): %s\n", id);
	return EXIT_SUCCESS;
}

static int
cmd_clear(int argc, char **argv)
{
	struct helper_config cfg;
	json_t *resp;

	(void)argv;
	if (argc != 1)
		return usage_err("多余的参数", "too many arguments");
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if ((resp = call(&cfg, json_pack("{s:s}", "cmd", "clear"), 30)) == NULL)
		return EXIT_FAILURE;
	json_decref(resp);
	printf("已清除身份认证信息。请关闭浏览器，重新登录直报系统，"
	    "再选择证书。\n(The remembered certificate choices are cleared: "
	    "close the browser and log in to the reporting system again to "
	    "choose a certificate.)\n");
	return EXIT_SUCCESS;
}

static int
cmd_enroll(int argc, char **argv)
{
	struct helper_config cfg;
	char ticket[256], a[40];
	const char *t = NULL, *pinfile = NULL;
	char *pin = NULL;
	size_t pinlen = 0;
	json_t *resp, *req;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ticket") == 0 && i + 1 < argc)
			t = argv[++i];
		else if (strcmp(argv[i], "--pin-file") == 0 && i + 1 < argc)
			pinfile = argv[++i];
		else
			return usage_err("参数错误", "bad arguments");
	}
	if (t == NULL)
		return usage_err("缺少 --ticket", "missing --ticket");
	/* The optional PIN that will protect the new key: the first line of
	 * a file (never on the command line, where ps shows it). */
	if (pinfile != NULL) {
		if ((rc = gmpki_pass_file_read(pinfile, &pin, &pinlen)) != 0) {
			fprintf(stderr, "certhelper: enroll: PIN文件: %s (PIN "
			    "file: %s)\n", gmpki_strerror(rc),
			    gmpki_strerror_en(rc));
			return EXIT_FAILURE;
		}
		if (pinlen < 4 || pinlen > 64) {
			gmpki_wipe(pin, pinlen);
			free(pin);
			return usage_err("PIN长度应为4至64个字符",
			    "the PIN must be 4 to 64 characters");
		}
	}
	/* "--ticket -": read it from stdin, out of the process list. */
	if (strcmp(t, "-") == 0) {
		if (fgets(ticket, sizeof(ticket), stdin) == NULL)
			return usage_err("标准输入中没有票据", "no ticket on stdin");
		ticket[strcspn(ticket, "\r\n")] = '\0';
		t = ticket;
	}
	if (config_get(&cfg) != 0) {
		if (pin != NULL) {
			gmpki_wipe(pin, pinlen);
			free(pin);
		}
		return EXIT_FAILURE;
	}
	req = json_pack("{s:s, s:s}", "cmd", "enroll", "ticket", t);
	if (req != NULL && pin != NULL &&
	    json_object_set_new(req, "pin", json_string(pin)) != 0) {
		json_decref(req);
		req = NULL;
	}
	if (pin != NULL) {
		gmpki_wipe(pin, pinlen);
		free(pin);
	}
	resp = call(&cfg, req, 150);
	gmpki_wipe(ticket, sizeof(ticket));
	if (resp == NULL)
		return EXIT_FAILURE;
	printf("下载成功 (download succeeded)\n");
	line("证书ID (ID):", jstr(resp, "id"));
	line("用户名 (username):", jstr(resp, "username"));
	line("企业代码 (USCC):", jstr(resp, "uscc"));
	line("企业名称 (enterprise):", jstr(resp, "org"));
	line("序列号 (serial):", jstr(resp, "serial"));
	line("有效期至 (valid until):", tfmt(jtime(resp, "not_after"), a,
	    sizeof(a)));
	json_decref(resp);
	return EXIT_SUCCESS;
}

static int
cmd_console(int argc, char **argv)
{
	struct helper_config cfg;
	char token[HELPER_TOKEN_LEN + 1], url[128];
	char *args[3];
	json_t *p;
	pid_t pid;
	int i, open_it = 0, rc, st;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--open") == 0)
			open_it = 1;
		else
			return usage_err("参数错误", "bad arguments");
	}
	if (config_get(&cfg) != 0)
		return EXIT_FAILURE;
	if ((p = ping(&cfg)) == NULL) {
		say_code(HELPER_ERR_NOT_RUNNING);
		return EXIT_FAILURE;
	}
	if ((rc = helper_console_token_read(&cfg, token)) != 0) {
		say_code(rc);
		json_decref(p);
		return EXIT_FAILURE;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/console?token=%s",
	    (int)json_integer_value(json_object_get(p, "port")), token);
	gmpki_wipe(token, sizeof(token));
	if (!json_is_true(json_object_get(p, "http")))
		fprintf(stderr, "certhelper: console: 网页接口尚未启用 "
		    "(loopback HTTP not built)\n");
	json_decref(p);
	printf("%s\n", url);
	fflush(stdout);
	if (open_it) {
		args[0] = "xdg-open";
		args[1] = url;
		args[2] = NULL;
		if (posix_spawnp(&pid, "xdg-open", NULL, NULL, args,
		    environ) != 0 || waitpid(pid, &st, 0) != pid ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			say_err("无法打开浏览器 (xdg-open)",
			    "cannot open the browser (xdg-open)");
			return EXIT_FAILURE;
		}
	}
	return EXIT_SUCCESS;
}

/* ---- main ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *zh, *en;
} commands[] = {
	{ "daemon", cmd_daemon, "在前台运行证书助手 (供 systemd)",
	    "run the helper in the foreground (for systemd)" },
	{ "start", cmd_start, "在后台启动证书助手", "start the helper" },
	{ "stop", cmd_stop, "停止证书助手", "stop the helper" },
	{ "status", cmd_status, "证书助手是否运行; status ID: 证书在线状态",
	    "is the helper running; status ID: a certificate's online status" },
	{ "setup", helper_cmd_setup, "配置在线服务并固定根证书",
	    "set the service and pin its root" },
	{ "list", cmd_list, "证书列表", "list certificates" },
	{ "show", cmd_show, "证书信息", "show a certificate" },
	{ "export", cmd_export, "导出证书 (不含私钥)",
	    "export a certificate (never the key)" },
	{ "delete", cmd_delete, "删除证书及私钥", "delete a certificate and key" },
	{ "clear", cmd_clear, "清除身份认证信息",
	    "forget remembered certificate choices" },
	{ "enroll", cmd_enroll, "下载证书 (--ticket [--pin-file])",
	    "download a certificate (--ticket [--pin-file])" },
	{ "console", cmd_console, "证书助手控制台地址 (--open 打开)",
	    "the console URL (--open opens it)" },
	{ "install", helper_cmd_install, "安装并设置开机自启",
	    "install, with autostart at login" },
	{ "uninstall", helper_cmd_uninstall, "卸载", "uninstall" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "证书助手 (certhelper) %s\n"
	    "用法 (usage): certhelper <子命令 command> [选项 options]\n\n",
	    HELPER_VERSION);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s (%s)\n", commands[i].name,
		    commands[i].zh, commands[i].en);
	fprintf(f, "\n  export ID [--der] [-o FILE]   delete ID [--yes]   "
	    "enroll --ticket T|-\n"
	    "  setup --service URL [--root-sm3 HEX]\n"
	    "  install [--prefix DIR] [--service URL] [--root-sm3 HEX] "
	    "[--no-start]\n"
	    "  uninstall [--keep-keys|--delete-keys]\n\n"
	    "退出码 (exit codes): 0 成功 (success), 1 失败 (failure), "
	    "2 用法错误 (usage), 3 未运行 (status: not running)\n"
	    "详见 (see) man certhelper\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (gmpki_init() != 0 || helper_svc_global_init() != 0) {
		fprintf(stderr, "certhelper: 初始化失败 (initialisation "
		    "failed)\n");
		return EXIT_FAILURE;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("certhelper %s\n", HELPER_VERSION);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			cmd = commands[i].name;
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "certhelper: 未知子命令 (unknown command): %s\n",
	    argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
