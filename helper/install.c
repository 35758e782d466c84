/*
 * install.c - `certhelper setup`, `install` and `uninstall`: the seed's
 * 安装证书助手 (§3.3: 默认设置 / 自定义设置, autostart at login, a desktop
 * shortcut) for a Linux desktop user, without root.
 *
 *   binary     PREFIX/bin/certhelper (PREFIX: --prefix, default ~/.local)
 *   autostart  a systemd user unit ($XDG_CONFIG_HOME/systemd/user/
 *              certhelper.service, enabled and started) when a user
 *              session bus exists, else an XDG autostart entry
 *              ($XDG_CONFIG_HOME/autostart/certhelper.desktop)
 *   launcher   $XDG_DATA_HOME/applications/certhelper.desktop (证书助手),
 *              opening the console through `certhelper console --open`
 *   manifest   $XDG_CONFIG_HOME/certhelper/installed: the files written,
 *              which uninstall removes (and nothing else)
 *
 * These are main-level commands: they print and return exit codes.
 */
#include "helper.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "gmpki/gmpki.h"
#include "ipc.h"

#define EXIT_USAGE 2
#define MANIFEST_MAX (16 * 1024)

extern char **environ;

static const char *cmd = "setup";

static void
say(const char *zh, const char *en)
{
	fprintf(stderr, "certhelper: %s: %s (%s)\n", cmd, zh, en);
}

static void
say_msg(int code, const struct helper_msg *m)
{
	if (m != NULL && m->zh[0] != '\0')
		say(m->zh, m->en);
	else
		say(helper_strerror(code), helper_strerror_en(code));
}

static int
usage_err(const char *zh, const char *en)
{
	say(zh, en);
	fprintf(stderr, "用法见 (usage): certhelper --help\n");
	return EXIT_USAGE;
}

static int
load_cfg(struct helper_config *cfg)
{
	char err[512];
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = helper_config_paths(cfg)) != 0) {
		say("无法确定配置目录 (HOME 未设置?)",
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

/* ---- setup ------------------------------------------------------------------- */

/* 64 hex digits, colons and case ignored, into out (lower case). */
static int
fp_norm(const char *in, char out[65])
{
	size_t j = 0;

	for (; *in != '\0'; in++) {
		if (*in == ':')
			continue;
		if (!isxdigit((unsigned char)*in) || j == 64)
			return GMPKI_ERR_ARG;
		out[j++] = (char)tolower((unsigned char)*in);
	}
	out[j] = '\0';
	return j == 64 ? 0 : GMPKI_ERR_ARG;
}

int
helper_setup(struct helper_config *cfg, const char *service,
    const char *root_sm3, char fp_out[65], struct helper_msg *m)
{
	helper_keystore *ks = NULL;
	char want[65], path[PATH_MAX + 16];
	char *pem = NULL;
	size_t pemlen = 0;
	X509 *root = NULL;
	int rc;

	fp_out[0] = '\0';
	if (!helper_service_url_ok(service)) {
		helper_msg_set(m, GMPKI_ERR_ARG);
		if (m != NULL) {
			snprintf(m->zh, sizeof(m->zh), "在线服务地址应为 http:// "
			    "或 https:// 网址");
			snprintf(m->en, sizeof(m->en), "the service must be an "
			    "http:// or https:// URL");
		}
		return GMPKI_ERR_ARG;
	}
	if (root_sm3 != NULL && fp_norm(root_sm3, want) != 0) {
		helper_msg_set(m, GMPKI_ERR_ARG);
		if (m != NULL) {
			snprintf(m->zh, sizeof(m->zh), "--root-sm3 应为64位十六"
			    "进制数字");
			snprintf(m->en, sizeof(m->en), "--root-sm3 takes 64 hex "
			    "digits");
		}
		return GMPKI_ERR_ARG;
	}
	if ((rc = helper_svc_fetch_root(service, &root, m)) != 0)
		return rc;
	if ((rc = gmpki_cert_fingerprint_sm3(root, fp_out)) != 0) {
		helper_msg_set(m, rc);
		goto out;
	}
	/* The secure path: the fingerprint came from elsewhere (the
	 * service's published notice) and must match what was fetched.
	 * Nothing is written before this check. */
	if (root_sm3 != NULL && strcmp(want, fp_out) != 0) {
		rc = HELPER_ERR_ROOT_MISMATCH;
		helper_msg_set(m, rc);
		if (m != NULL) {
			snprintf(m->zh, sizeof(m->zh), "根证书指纹不一致，拒绝"
			    "配置: 取得 %s，应为 %s", fp_out, want);
			snprintf(m->en, sizeof(m->en), "root fingerprint "
			    "mismatch, nothing set up: got %s, want %s", fp_out,
			    want);
		}
		goto out;
	}
	/* The keystore folder is made (0700) the keystore's own way. */
	if ((rc = helper_mkdirs(cfg->keystore_dir, 0700)) != 0 ||
	    (rc = helper_keystore_open(cfg->keystore_dir, &ks)) != 0) {
		helper_msg_set(m, rc);
		goto out;
	}
	helper_keystore_close(ks);
	if ((rc = gmpki_cert_to_pem(root, &pem, &pemlen)) != 0 ||
	    (rc = helper_root_path(cfg, path, sizeof(path))) != 0 ||
	    (rc = gmpki_file_write(path, pem, pemlen, 0600, 0)) != 0) {
		helper_msg_set(m, rc);
		goto out;
	}
	snprintf(cfg->service_url, sizeof(cfg->service_url), "%s", service);
	memcpy(cfg->root_sm3, fp_out, 65);
	if ((rc = helper_config_save(cfg)) != 0)
		helper_msg_set(m, rc);
out:
	free(pem);
	X509_free(root);
	return rc;
}

/* Tells a running daemon to re-read the configuration and the root. */
static void
reload_daemon(const struct helper_config *cfg)
{
	json_t *req, *resp = NULL;

	if (helper_daemon_running(cfg) != 1)
		return;
	if ((req = json_pack("{s:s}", "cmd", "reload")) == NULL)
		return;
	if (helper_ipc_call(cfg->socket_path, req, 10, &resp) == 0 &&
	    json_is_true(json_object_get(resp, "ok")))
		printf("运行中的证书助手已重新加载配置 (the running helper "
		    "reloaded its configuration)\n");
	else
		say("运行中的证书助手未能重新加载，请执行 certhelper stop 再 "
		    "start", "the running helper did not reload: stop and start "
		    "it");
	json_decref(req);
	json_decref(resp);
}

/* setup's work and its report, shared with install. */
static int
do_setup(struct helper_config *cfg, const char *service, const char *fp)
{
	struct helper_msg m;
	char got[65];
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = helper_setup(cfg, service, fp, got, &m)) != 0) {
		if (got[0] != '\0' && rc != HELPER_ERR_ROOT_MISMATCH)
			fprintf(stderr, "certhelper: %s: 根证书 SM3 指纹 "
			    "(root SM3 fingerprint): %s\n", cmd, got);
		say_msg(rc, &m);
		return EXIT_FAILURE;
	}
	printf("在线服务 (service): %s\n根证书 SM3 指纹 (root SM3 "
	    "fingerprint): %s\n", cfg->service_url, got);
	if (fp != NULL) {
		printf("根证书指纹已核对并固定 (root fingerprint checked and "
		    "pinned)\n");
	} else {
		printf("根证书已固定 (root pinned)\n");
		fprintf(stderr, "certhelper: %s: 警告: 未用 --root-sm3 核对，"
		    "根证书按首次取得的内容固定。请将上面的指纹与在线服务公布的"
		    "指纹核对 (warning: no --root-sm3, the root was trusted on "
		    "first use: compare the fingerprint above with the one the "
		    "service publishes)\n", cmd);
	}
	reload_daemon(cfg);
	return EXIT_SUCCESS;
}

int
helper_cmd_setup(int argc, char **argv)
{
	struct helper_config cfg;
	const char *service = NULL, *fp = NULL;
	int i;

	cmd = "setup";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--service") == 0 && i + 1 < argc)
			service = argv[++i];
		else if (strcmp(argv[i], "--root-sm3") == 0 && i + 1 < argc)
			fp = argv[++i];
		else
			return usage_err("参数错误", "bad arguments");
	}
	if (service == NULL)
		return usage_err("缺少 --service URL", "missing --service URL");
	if (load_cfg(&cfg) != 0)
		return EXIT_FAILURE;
	return do_setup(&cfg, service, fp);
}

/* ---- install --------------------------------------------------------------------- */

struct install_paths {
	char prefix[PATH_MAX];
	char bin[PATH_MAX];
	char unit[PATH_MAX];
	char autostart[PATH_MAX];
	char launcher[PATH_MAX];
	char manifest[PATH_MAX];
};

/* $name, or $HOME/dflt when unset or not absolute (XDG Base Directory). */
static int
xdg_dir(const char *name, const char *dflt, char *out, size_t len)
{
	const char *v = getenv(name), *home = getenv("HOME");
	int n;

	if (v != NULL && v[0] == '/')
		n = snprintf(out, len, "%s", v);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, len, "%s/%s", home, dflt);
	else
		return GMPKI_ERR_ARG;
	return (n < 0 || (size_t)n >= len) ? GMPKI_ERR_ARG : 0;
}

static int
pathcat(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s/%s", a, b);

	return (n < 0 || (size_t)n >= len) ? GMPKI_ERR_ARG : 0;
}

static int
paths_get(const struct helper_config *cfg, const char *prefix,
    struct install_paths *p)
{
	char conf[PATH_MAX - 64], data[PATH_MAX - 64], b[PATH_MAX];
	const char *home = getenv("HOME");
	int n;

	memset(p, 0, sizeof(*p));
	if (prefix != NULL) {
		if (prefix[0] != '/')
			return GMPKI_ERR_ARG;
		n = snprintf(p->prefix, sizeof(p->prefix), "%s", prefix);
	} else if (home != NULL && home[0] == '/') {
		n = snprintf(p->prefix, sizeof(p->prefix), "%s/.local", home);
	} else {
		return GMPKI_ERR_ARG;
	}
	if (n < 0 || (size_t)n >= sizeof(p->prefix))
		return GMPKI_ERR_ARG;
	if (xdg_dir("XDG_CONFIG_HOME", ".config", conf, sizeof(conf)) != 0 ||
	    xdg_dir("XDG_DATA_HOME", ".local/share", data, sizeof(data)) != 0)
		return GMPKI_ERR_ARG;
	if (pathcat(b, sizeof(b), p->prefix, "bin") != 0 ||
	    pathcat(p->bin, sizeof(p->bin), b, "certhelper") != 0 ||
	    pathcat(p->unit, sizeof(p->unit), conf,
	    "systemd/user/certhelper.service") != 0 ||
	    pathcat(p->autostart, sizeof(p->autostart), conf,
	    "autostart/certhelper.desktop") != 0 ||
	    pathcat(p->launcher, sizeof(p->launcher), data,
	    "applications/certhelper.desktop") != 0 ||
	    pathcat(p->manifest, sizeof(p->manifest), cfg->config_dir,
	    "installed") != 0)
		return GMPKI_ERR_ARG;
	return 0;
}

/* Runs argv (PATH search); 0 when it exits 0.  quiet: output discarded. */
static int
run(char *const argv[], int quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	if (quiet) {
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
		    "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
		    "/dev/null", O_WRONLY, 0);
	}
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/*
 * A systemd user manager we can talk to: a session bus (the
 * DBUS_SESSION_BUS_ADDRESS, or XDG_RUNTIME_DIR/bus) and a systemctl that
 * answers.  CERTHELPER_NO_SYSTEMD=1 forces the XDG autostart path.
 */
static int
have_user_systemd(void)
{
	char *const argv[] = { "systemctl", "--user", "show-environment",
	    NULL };
	const char *rt = getenv("XDG_RUNTIME_DIR"), *nos;
	char bus[PATH_MAX];
	struct stat st;
	int bus_ok = 0;

	nos = getenv("CERTHELPER_NO_SYSTEMD");
	if (nos != NULL && strcmp(nos, "1") == 0)
		return 0;
	if (getenv("DBUS_SESSION_BUS_ADDRESS") != NULL)
		bus_ok = 1;
	else if (rt != NULL && pathcat(bus, sizeof(bus), rt, "bus") == 0 &&
	    stat(bus, &st) == 0 && S_ISSOCK(st.st_mode))
		bus_ok = 1;
	return bus_ok && run(argv, 1) == 0;
}

/* Copies the running binary to dst (atomically, 0755). */
static int
copy_self(const char *dst)
{
	char tmp[PATH_MAX + 16], buf[65536];
	struct stat a, b;
	ssize_t n;
	int in, out, rc = GMPKI_ERR_IO;


	if (stat("/proc/self/exe", &a) != 0)
		return GMPKI_ERR_IO;
	if (stat(dst, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;	/* installing the installed copy */
	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", dst, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return GMPKI_ERR_ARG;
	if ((in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
		return GMPKI_ERR_IO;
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0) {
		close(in);
		return GMPKI_ERR_IO;
	}
	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (write(out, buf, (size_t)n) != n)
			goto out;
	}
	if (fchmod(out, 0755) != 0 || fsync(out) != 0)
		goto out;
	if (close(out) != 0) {
		out = -1;
		goto out;
	}
	out = -1;
	if (rename(tmp, dst) != 0)
		goto out;
	rc = 0;
out:
	if (out >= 0)
		close(out);
	close(in);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* A path usable in a desktop entry's Exec and a unit's ExecStart as is. */
static int
path_plain(const char *p)
{
	for (; *p != '\0'; p++)
		if ((unsigned char)*p < 0x21 || strchr("\"'`$\\%;&|<>()*?[]#~=",
		    *p) != NULL)
			return 0;
	return 1;
}

static int
write_text(const char *path, const char *text)
{
	char d[PATH_MAX];
	const char *s = strrchr(path, '/');
	int rc;

	if (s == NULL || (size_t)(s - path) >= sizeof(d))
		return GMPKI_ERR_ARG;
	memcpy(d, path, (size_t)(s - path));
	d[s - path] = '\0';
	if ((rc = helper_mkdirs(d, 0755)) != 0)
		return rc;
	return gmpki_file_write(path, text, strlen(text), 0644, 0);
}

static int
stop_running(const struct helper_config *cfg)
{
	json_t *req, *resp = NULL;
	int i;

	if (helper_daemon_running(cfg) != 1)
		return 0;
	if ((req = json_pack("{s:s}", "cmd", "shutdown")) != NULL)
		(void)helper_ipc_call(cfg->socket_path, req, 5, &resp);
	json_decref(req);
	json_decref(resp);
	for (i = 0; i < 350; i++) {
		if (helper_daemon_running(cfg) == 0)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

/* Starts the installed binary's daemon with `certhelper start`. */
static int
start_installed(const char *bin)
{
	char *const argv[] = { (char *)bin, "start", NULL };

	return run(argv, 0);
}

int
helper_cmd_install(int argc, char **argv)
{
	struct helper_config cfg;
	struct install_paths p;
	const char *prefix = NULL, *service = NULL, *fp = NULL;
	char text[4 * PATH_MAX], manifest[4 * PATH_MAX + 64];
	char *const reload[] = { "systemctl", "--user", "daemon-reload", NULL };
	char *const enable[] = { "systemctl", "--user", "enable", "--now",
	    "certhelper.service", NULL };
	int i, rc, use_systemd, no_start = 0, n;

	cmd = "install";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc)
			prefix = argv[++i];
		else if (strcmp(argv[i], "--service") == 0 && i + 1 < argc)
			service = argv[++i];
		else if (strcmp(argv[i], "--root-sm3") == 0 && i + 1 < argc)
			fp = argv[++i];
		else if (strcmp(argv[i], "--no-start") == 0)
			no_start = 1;
		else
			return usage_err("参数错误", "bad arguments");
	}
	if (fp != NULL && service == NULL)
		return usage_err("--root-sm3 需要 --service",
		    "--root-sm3 needs --service");
	if (load_cfg(&cfg) != 0)
		return EXIT_FAILURE;
	if (paths_get(&cfg, prefix, &p) != 0)
		return usage_err("--prefix 应为绝对路径 (或 HOME 未设置)",
		    "--prefix must be an absolute path (or HOME is unset)");
	if (!path_plain(p.bin)) {
		say("安装路径含有空格或特殊字符，请换一个 --prefix",
		    "the install path holds blanks or special characters: "
		    "choose another --prefix");
		return EXIT_FAILURE;
	}

	/* 1. the binary */
	{
		char d[PATH_MAX];

		if ((rc = pathcat(d, sizeof(d), p.prefix, "bin")) != 0 ||
		    (rc = helper_mkdirs(d, 0755)) != 0 ||
		    (rc = copy_self(p.bin)) != 0) {
			fprintf(stderr, "certhelper: install: %s: %s (%s)\n",
			    p.bin, helper_strerror(rc), helper_strerror_en(rc));
			return EXIT_FAILURE;
		}
	}
	printf("已安装 (installed): %s\n", p.bin);

	/* Settings first: the daemon started below reads them. */
	if (service != NULL && do_setup(&cfg, service, fp) != EXIT_SUCCESS)
		return EXIT_FAILURE;

	/* 2. autostart at login (提示: 证书助手后台已配置开机自启设置) */
	use_systemd = have_user_systemd();
	if (use_systemd) {
		n = snprintf(text, sizeof(text),
		    "[Unit]\n"
		    "Description=证书助手 certificate helper (certhelper)\n"
		    "Documentation=man:certhelper(1)\n\n"
		    "[Service]\n"
		    "Type=simple\n"
		    "ExecStart=%s daemon\n"
		    "Restart=on-failure\n"
		    "RestartSec=5\n\n"
		    "[Install]\n"
		    "WantedBy=default.target\n", p.bin);
		if (n < 0 || (size_t)n >= sizeof(text) ||
		    (rc = write_text(p.unit, text)) != 0) {
			say("无法写入 systemd 用户单元",
			    "cannot write the systemd user unit");
			return EXIT_FAILURE;
		}
		printf("开机自启 (autostart): %s\n", p.unit);
	} else {
		n = snprintf(text, sizeof(text),
		    "[Desktop Entry]\n"
		    "Type=Application\n"
		    "Name=证书助手\n"
		    "Name[en]=Certificate helper\n"
		    "Comment=证书助手后台服务 (certhelper daemon)\n"
		    "Exec=%s start\n"
		    "Terminal=false\n"
		    "NoDisplay=true\n"
		    "X-GNOME-Autostart-enabled=true\n", p.bin);
		if (n < 0 || (size_t)n >= sizeof(text) ||
		    (rc = write_text(p.autostart, text)) != 0) {
			say("无法写入自启动项", "cannot write the autostart entry");
			return EXIT_FAILURE;
		}
		printf("开机自启 (autostart, XDG): %s\n", p.autostart);
	}

	/* 3. the desktop launcher (安装成功后在桌面上生成快捷方式) */
	n = snprintf(text, sizeof(text),
	    "[Desktop Entry]\n"
	    "Type=Application\n"
	    "Name=证书助手\n"
	    "Name[en]=Certificate helper\n"
	    "GenericName=证书管理\n"
	    "Comment=证书管理、证书状态查询、清除身份认证信息\n"
	    "Comment[en]=Certificates, status, forget certificate choices\n"
	    "Exec=%s console --open\n"
	    "Icon=security-high\n"
	    "Terminal=false\n"
	    "Categories=Utility;Security;\n", p.bin);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    (rc = write_text(p.launcher, text)) != 0) {
		say("无法写入桌面快捷方式", "cannot write the desktop launcher");
		return EXIT_FAILURE;
	}
	printf("桌面快捷方式 (launcher): %s\n", p.launcher);

	/* 4. what uninstall removes */
	n = snprintf(manifest, sizeof(manifest), "%s\n%s\n%s\n", p.bin,
	    use_systemd ? p.unit : p.autostart, p.launcher);
	if (n < 0 || (size_t)n >= sizeof(manifest) ||
	    helper_mkdirs(cfg.config_dir, 0700) != 0 ||
	    gmpki_file_write(p.manifest, manifest, (size_t)n, 0600, 0) != 0) {
		say("无法写入安装清单", "cannot write the install manifest");
		return EXIT_FAILURE;
	}

	/* 5. start it */
	if (no_start) {
		printf("安装完成 (installed); 启动 (start): %s start\n", p.bin);
		return EXIT_SUCCESS;
	}
	if (stop_running(&cfg) != 0) {
		say("无法停止正在运行的证书助手", "cannot stop the running helper");
		return EXIT_FAILURE;
	}
	if (use_systemd) {
		if (run(reload, 0) != 0 || run(enable, 0) != 0) {
			say("systemctl --user enable --now 失败",
			    "systemctl --user enable --now failed");
			return EXIT_FAILURE;
		}
		printf("已启用并启动 (enabled and started): certhelper.service\n");
	} else if (start_installed(p.bin) != 0) {
		say("证书助手未能启动", "certhelper did not start");
		return EXIT_FAILURE;
	}
	printf("安装完成，证书助手已启动 (installed, and certhelper is "
	    "running)\n");
	return EXIT_SUCCESS;
}

/* ---- uninstall ----------------------------------------------------------------- */

/* The manifest's lines: only files with the names install writes. */
static int
manifest_name_ok(const char *path)
{
	const char *b = strrchr(path, '/');

	if (path[0] != '/' || b == NULL || strstr(path, "/../") != NULL)
		return 0;
	b++;
	return strcmp(b, "certhelper") == 0 ||
	    strcmp(b, "certhelper.service") == 0 ||
	    strcmp(b, "certhelper.desktop") == 0;
}

static int
remove_file(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return -1;
	if (unlink(path) != 0)
		return -1;
	printf("已删除 (removed): %s\n", path);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(path) != 0 ? -1 : 0;
	return unlink(path) != 0 ? -1 : 0;
}

static int
rm_tree(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Every identity deleted through the keystore (keys overwritten first). */
static int
wipe_one(void *arg, const struct helper_identity *idn, int rc)
{
	(void)rc;
	(void)helper_keystore_delete(arg, idn->id);
	return 0;
}

int
helper_cmd_uninstall(int argc, char **argv)
{
	struct helper_config cfg;
	struct install_paths p;
	helper_keystore *ks = NULL;
	unsigned char *man = NULL;
	size_t len = 0;
	char *line, *save = NULL;
	char *const disable[] = { "systemctl", "--user", "disable", "--now",
	    "certhelper.service", NULL };
	char *const reload[] = { "systemctl", "--user", "daemon-reload", NULL };
	const char *prefix = NULL;
	struct stat st;
	int i, keep = 0, del = 0, failed = 0;

	cmd = "uninstall";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--keep-keys") == 0)
			keep = 1;
		else if (strcmp(argv[i], "--delete-keys") == 0)
			del = 1;
		else if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc)
			prefix = argv[++i];
		else
			return usage_err("参数错误", "bad arguments");
	}
	if (keep && del)
		return usage_err("--keep-keys 与 --delete-keys 只能选一个",
		    "--keep-keys and --delete-keys exclude each other");
	if (load_cfg(&cfg) != 0)
		return EXIT_FAILURE;
	if (paths_get(&cfg, prefix, &p) != 0)
		return usage_err("--prefix 应为绝对路径",
		    "--prefix must be an absolute path");

	/* Stop it: through systemd when a unit is there, then the socket. */
	if (lstat(p.unit, &st) == 0 && have_user_systemd())
		(void)run(disable, 1);
	if (stop_running(&cfg) != 0) {
		say("无法停止正在运行的证书助手", "cannot stop the running helper");
		return EXIT_FAILURE;
	}

	/* What install wrote; without a manifest, the fixed places (and the
	 * binary only under an explicit --prefix). */
	if (gmpki_file_read(p.manifest, MANIFEST_MAX, &man, &len) == 0) {
		for (line = strtok_r((char *)man, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if (manifest_name_ok(line) && remove_file(line) != 0)
				failed = 1;
		free(man);
	}
	if (remove_file(p.unit) != 0 || remove_file(p.autostart) != 0 ||
	    remove_file(p.launcher) != 0)
		failed = 1;
	if (prefix != NULL && remove_file(p.bin) != 0)
		failed = 1;
	(void)unlink(p.manifest);
	if (lstat(p.unit, &st) != 0 && have_user_systemd())
		(void)run(reload, 1);

	if (del) {
		/* Keys first, each overwritten by the keystore, then the rest:
		 * the pinned root, the configuration, the log. */
		if (helper_keystore_open(cfg.keystore_dir, &ks) == 0) {
			(void)helper_keystore_list(ks, wipe_one, ks);
			helper_keystore_close(ks);
		}
		if (rm_tree(cfg.keystore_dir) != 0) {
			fprintf(stderr, "certhelper: uninstall: 无法删除证书库 "
			    "(cannot delete the keystore): %s\n",
			    cfg.keystore_dir);
			return EXIT_FAILURE;
		}
		printf("已删除证书库、私钥和证书 (keystore, keys and "
		    "certificates deleted): %s\n", cfg.keystore_dir);
		if (rm_tree(cfg.config_dir) != 0 || rm_tree(cfg.state_dir) != 0)
			failed = 1;
		else
			printf("已删除配置和日志 (configuration and log "
			    "deleted)\n");
	} else {
		printf("证书库已保留 (keystore kept): %s\n"
		    "彻底删除私钥和证书 (to delete keys and certificates): "
		    "certhelper uninstall --delete-keys\n", cfg.keystore_dir);
	}
	if (failed) {
		say("部分文件未能删除", "some files could not be removed");
		return EXIT_FAILURE;
	}
	printf("卸载完成 (uninstalled)\n");
	return EXIT_SUCCESS;
}
