/*
 * hconfig_test.c - the helper's paths from a fake environment (XDG Base
 * Directory rules), the defaults, certhelper.conf errors naming the line,
 * and the save/load round trip.
 */
#include "test.h"
#include "fixture.h"

#include "hconfig.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT_SM3 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char tmpdir[] = "/tmp/helper_hconfig_test.XXXXXX";
static char home[600];

/* A path under the fake HOME. */
static const char *
hpath(const char *rel)
{
	return fx_path(home, rel);
}

static void
clean_env(void)
{
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_RUNTIME_DIR");
}

/* Writes text as the configuration file (mode 0600). */
static void
write_conf(const struct helper_config *c, const char *text)
{
	int fd;

	/* The folders save() would make. */
	mkdir(hpath(".config"), 0700);
	mkdir(c->config_dir, 0700);
	unlink(c->config_file);
	fd = open(c->config_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void
test_paths_default(void)
{
	struct helper_config c;

	clean_env();
	CHECK_OK(helper_config_paths(&c));
	CHECK_STR(c.config_dir, hpath(".config/certhelper"));
	CHECK_STR(c.config_file, hpath(".config/certhelper/certhelper.conf"));
	CHECK_STR(c.keystore_dir, hpath(".local/share/certhelper/keystore"));
	CHECK_STR(c.state_dir, hpath(".local/state/certhelper"));
	CHECK_STR(c.runtime_dir, hpath(".local/state/certhelper"));
	CHECK_STR(c.socket_path,
	    hpath(".local/state/certhelper/certhelper.sock"));
	CHECK_STR(c.lock_path,
	    hpath(".local/state/certhelper/certhelper.lock"));
	CHECK_STR(c.log_path, hpath(".local/state/certhelper/certhelper.log"));
	/* Defaults of the settings. */
	CHECK(c.port == HELPER_DEFAULT_PORT);
	CHECK(c.log_max_bytes == 1024 * 1024);
	CHECK_STR(c.service_url, "");
	CHECK_STR(c.root_sm3, "");
}

static void
test_paths_xdg(void)
{
	struct helper_config c;

	clean_env();
	setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1234", 1);
	CHECK_OK(helper_config_paths(&c));
	CHECK_STR(c.config_dir, "/xdg/conf/certhelper");
	CHECK_STR(c.config_file, "/xdg/conf/certhelper/certhelper.conf");
	CHECK_STR(c.keystore_dir, "/xdg/data/certhelper/keystore");
	CHECK_STR(c.state_dir, "/xdg/state/certhelper");
	CHECK_STR(c.runtime_dir, "/run/user/1234/certhelper");
	CHECK_STR(c.socket_path, "/run/user/1234/certhelper/certhelper.sock");
	CHECK_STR(c.lock_path, "/run/user/1234/certhelper/certhelper.lock");
	CHECK_STR(c.log_path, "/xdg/state/certhelper/certhelper.log");

	/* XDG: relative paths (and empty ones) are ignored. */
	setenv("XDG_CONFIG_HOME", "relative/conf", 1);
	setenv("XDG_DATA_HOME", "", 1);
	setenv("XDG_STATE_HOME", "./state", 1);
	setenv("XDG_RUNTIME_DIR", "run", 1);
	CHECK_OK(helper_config_paths(&c));
	CHECK_STR(c.config_dir, hpath(".config/certhelper"));
	CHECK_STR(c.keystore_dir, hpath(".local/share/certhelper/keystore"));
	CHECK_STR(c.state_dir, hpath(".local/state/certhelper"));
	CHECK_STR(c.runtime_dir, hpath(".local/state/certhelper"));

	/* No HOME, an empty or a relative one. */
	clean_env();
	unsetenv("HOME");
	CHECK_RC(helper_config_paths(&c), GMPKI_ERR_ARG);
	setenv("HOME", "", 1);
	CHECK_RC(helper_config_paths(&c), GMPKI_ERR_ARG);
	setenv("HOME", "home/user", 1);
	CHECK_RC(helper_config_paths(&c), GMPKI_ERR_ARG);
	CHECK_RC(helper_config_paths(NULL), GMPKI_ERR_ARG);
	/* HOME is needed even when every XDG variable is set. */
	unsetenv("HOME");
	setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
	CHECK_RC(helper_config_paths(&c), GMPKI_ERR_ARG);
	clean_env();
}

static void
test_load(void)
{
	struct helper_config c;
	char err[256];

	clean_env();
	CHECK_OK(helper_config_paths(&c));
	/* No file: the defaults. */
	CHECK_OK(helper_config_load(&c, err, sizeof(err)));
	CHECK(c.port == HELPER_DEFAULT_PORT);

	write_conf(&c, "# comment\n\n  service_url = https://tjj.example.cn/svc"
	    "  \nroot_sm3=" ROOT_SM3 "\r\nport = 18000\n"
	    "log_max_bytes = 65536");
	CHECK_OK(helper_config_load(&c, err, sizeof(err)));
	CHECK_STR(c.service_url, "https://tjj.example.cn/svc");
	CHECK_STR(c.root_sm3, ROOT_SM3);
	CHECK(c.port == 18000);
	CHECK(c.log_max_bytes == 65536);
	/* Paths are untouched by load. */
	CHECK_STR(c.keystore_dir, hpath(".local/share/certhelper/keystore"));

	/* Upper-case fingerprints are kept in lower case. */
	write_conf(&c, "root_sm3 = 0123456789ABCDEF0123456789ABCDEF"
	    "0123456789ABCDEF0123456789ABCDEF\n");
	CHECK_OK(helper_config_load(&c, err, sizeof(err)));
	CHECK_STR(c.root_sm3, ROOT_SM3);
}

/* text must be refused with want, and err must start with prefix. */
static void
load_bad(const char *text, int want, const char *prefix)
{
	struct helper_config c, before;
	char err[256];

	CHECK_OK(helper_config_paths(&c));
	snprintf(c.service_url, sizeof(c.service_url), "%s",
	    "http://keep.example");
	c.port = 20000;
	before = c;
	write_conf(&c, text);
	memset(err, 0, sizeof(err));
	CHECK_RC(helper_config_load(&c, err, sizeof(err)), want);
	if (strncmp(err, prefix, strlen(prefix)) != 0) {
		test_failures++;
		fprintf(stderr, "load_bad(\"%s\"): err \"%s\", want \"%s...\"\n",
		    text, err, prefix);
	}
	/* A bad file changes nothing. */
	CHECK(memcmp(&c, &before, sizeof(c)) == 0);
}

static void
test_load_errors(void)
{
	struct helper_config c;
	char err[256];

	clean_env();
	load_bad("port = 18000\nfoo = 1\n", GMPKI_ERR_ARG,
	    "line 2: unknown key \"foo\"");
	load_bad("# x\nport 18000\n", GMPKI_ERR_ARG, "line 2: expected");
	load_bad("port = 80\n", GMPKI_ERR_ARG, "line 1: port must be");
	load_bad("port = 65536\n", GMPKI_ERR_ARG, "line 1: port must be");
	load_bad("port = -1\n", GMPKI_ERR_ARG, "line 1: port must be");
	load_bad("port = 18000x\n", GMPKI_ERR_ARG, "line 1: port must be");
	load_bad("port =\n", GMPKI_ERR_ARG, "line 1: port must be");
	load_bad("\n\nport = 18000\nport = 18001\n", GMPKI_ERR_ARG,
	    "line 4: port is set twice");
	load_bad("service_url = ftp://x.example\n", GMPKI_ERR_ARG,
	    "line 1: service_url must be");
	load_bad("service_url = http://a b.example\n", GMPKI_ERR_ARG,
	    "line 1: service_url must be");
	load_bad("service_url = http://\n", GMPKI_ERR_ARG,
	    "line 1: service_url must be");
	load_bad("root_sm3 = 0123\n", GMPKI_ERR_ARG, "line 1: root_sm3 must be");
	load_bad("root_sm3 = " ROOT_SM3 "0\n", GMPKI_ERR_ARG,
	    "line 1: root_sm3 must be");
	load_bad("log_max_bytes = 65535\n", GMPKI_ERR_ARG,
	    "line 1: log_max_bytes must be");
	load_bad("log_max_bytes = 1073741825\n", GMPKI_ERR_ARG,
	    "line 1: log_max_bytes must be");

	/* A file others may write (it pins the root). */
	CHECK_OK(helper_config_paths(&c));
	write_conf(&c, "port = 18000\n");
	CHECK(chmod(c.config_file, 0622) == 0);
	CHECK_RC(helper_config_load(&c, err, sizeof(err)),
	    GMPKI_ERR_PERMISSION);
	CHECK(strstr(err, "certhelper.conf") != NULL);
	CHECK(c.port == HELPER_DEFAULT_PORT);
	/* Group-readable is no secret's loss: accepted. */
	CHECK(chmod(c.config_file, 0644) == 0);
	CHECK_OK(helper_config_load(&c, err, sizeof(err)));
	CHECK(c.port == 18000);
	/* Not a file. */
	CHECK(unlink(c.config_file) == 0);
	CHECK(mkdir(c.config_file, 0700) == 0);
	CHECK_RC(helper_config_load(&c, err, sizeof(err)), GMPKI_ERR_IO);
	CHECK(rmdir(c.config_file) == 0);
	/* Without paths. */
	memset(&c, 0, sizeof(c));
	CHECK_RC(helper_config_load(&c, err, sizeof(err)), GMPKI_ERR_ARG);
}

static void
test_save_round_trip(void)
{
	struct helper_config c, d;
	char err[256];

	clean_env();
	/* A fresh HOME: save makes the folders. */
	setenv("XDG_CONFIG_HOME", hpath("fresh/conf"), 1);
	CHECK_OK(helper_config_paths(&c));
	snprintf(c.service_url, sizeof(c.service_url), "%s",
	    "http://127.0.0.1:8443");
	snprintf(c.root_sm3, sizeof(c.root_sm3), "%s", ROOT_SM3);
	c.port = 17999;
	c.log_max_bytes = 5L * 1024 * 1024;
	CHECK_OK(helper_config_save(&c));
	CHECK(fx_mode_of(c.config_file) == 0600);
	CHECK(fx_mode_of(c.config_dir) == 0700);
	CHECK(fx_mode_of(hpath("fresh")) == 0700);

	CHECK_OK(helper_config_paths(&d));
	CHECK_OK(helper_config_load(&d, err, sizeof(err)));
	CHECK_STR(d.service_url, "http://127.0.0.1:8443");
	CHECK_STR(d.root_sm3, ROOT_SM3);
	CHECK(d.port == 17999);
	CHECK(d.log_max_bytes == 5L * 1024 * 1024);

	/* Empty URL and root (not configured yet) round-trip too. */
	c.service_url[0] = '\0';
	c.root_sm3[0] = '\0';
	CHECK_OK(helper_config_save(&c));
	CHECK_OK(helper_config_load(&d, err, sizeof(err)));
	CHECK_STR(d.service_url, "");
	CHECK_STR(d.root_sm3, "");
	CHECK(fx_mode_of(c.config_file) == 0600);

	/* What load would refuse is not written. */
	c.port = 80;
	CHECK_RC(helper_config_save(&c), GMPKI_ERR_ARG);
	c.port = 17999;
	snprintf(c.service_url, sizeof(c.service_url), "%s", "http://x\ny");
	CHECK_RC(helper_config_save(&c), GMPKI_ERR_ARG);
	c.service_url[0] = '\0';
	snprintf(c.root_sm3, sizeof(c.root_sm3), "%s", "xyz");
	CHECK_RC(helper_config_save(&c), GMPKI_ERR_ARG);
	c.root_sm3[0] = '\0';
	c.log_max_bytes = 1;
	CHECK_RC(helper_config_save(&c), GMPKI_ERR_ARG);
	CHECK_RC(helper_config_save(NULL), GMPKI_ERR_ARG);
	CHECK_OK(helper_config_load(&d, err, sizeof(err)));
	CHECK(d.port == 17999);
	clean_env();
}

int
main(void)
{
	if (gmpki_init() != 0 || mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	snprintf(home, sizeof(home), "%s/home", tmpdir);
	if (mkdir(home, 0700) != 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}

	RUN(test_paths_default);
	RUN(test_paths_xdg);
	RUN(test_load);
	RUN(test_load_errors);
	RUN(test_save_round_trip);

	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
