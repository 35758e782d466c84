/* config_test.c - certsvc.conf: defaults, write/load, errors by line. */
#include "test.h"

#include <sys/stat.h>

#include "config.h"
#include "svc_error.h"
#include "svc_test_util.h"

static char dir[256];

static void
put(const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/certsvc.conf", dir);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void
test_defaults(void)
{
	struct svc_config c;
	char want[600];

	svc_config_defaults(&c, "/var/lib/certsvc");
	CHECK_STR(c.data_dir, "/var/lib/certsvc");
	CHECK_STR(c.listen_addr, "127.0.0.1");
	CHECK(c.port == 8440);
	CHECK_STR(c.public_url, "http://127.0.0.1:8440");
	CHECK_STR(c.database, "sqlite:/var/lib/certsvc/certsvc.db");
	CHECK_STR(c.ca_dir, "/var/lib/certsvc/ca");
	CHECK(c.pbkdf2_iter >= 1000);
	CHECK(c.session_ttl == 1800 && c.ticket_ttl == 600 &&
	    c.captcha_ttl == 300);
	CHECK(c.lockout_threshold == 5 && c.lockout_seconds == 900);
	CHECK(c.rate_limit_per_minute == 30);
	CHECK(c.crl_interval == 86400 && c.crl_validity == 604800 &&
	    c.ocsp_validity == 3600);
	CHECK(c.helper_port == 17380 && c.threads == 4 && c.demo == 0);
	snprintf(want, sizeof(want), "sqlite:%s/certsvc.db", dir);
	svc_config_defaults(&c, dir);
	CHECK_STR(c.database, want);
}

static void
test_write_load(void)
{
	struct svc_config c, d;
	char path[512], err[256];
	struct stat sb;

	svc_config_defaults(&c, dir);
	snprintf(c.listen_addr, sizeof(c.listen_addr), "::1");
	c.port = 9443;
	snprintf(c.public_url, sizeof(c.public_url), "https://certs.example.cn");
	c.pbkdf2_iter = 54321;
	c.threads = 8;
	c.demo = 1;
	c.lockout_threshold = 3;
	snprintf(c.trusted_proxies, sizeof(c.trusted_proxies),
	    "127.0.0.1, ::1");
	CHECK_OK(svc_config_write(&c));
	snprintf(path, sizeof(path), "%s/certsvc.conf", dir);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_OK(svc_config_load(dir, &d, err, sizeof(err)));
	CHECK(err[0] == '\0');
	CHECK(memcmp(&c, &d, sizeof(c)) == 0);
	CHECK_STR(d.listen_addr, "::1");
	CHECK(d.port == 9443 && d.pbkdf2_iter == 54321 && d.demo == 1);
	CHECK_STR(d.trusted_proxies, "127.0.0.1, ::1");
	/* None: no line at all (an empty value would not load). */
	memset(c.trusted_proxies, 0, sizeof(c.trusted_proxies));
	CHECK_OK(svc_config_write(&c));
	CHECK_OK(svc_config_load(dir, &d, err, sizeof(err)));
	CHECK(memcmp(&c, &d, sizeof(c)) == 0);

	/* Values a file cannot hold are refused on writing. */
	snprintf(c.public_url, sizeof(c.public_url), "http://a\nthreads = 1");
	CHECK_RC(svc_config_write(&c), SVC_ERR_CONFIG);
}

static void
test_load_format(void)
{
	struct svc_config c;
	char err[256];

	put("# comment\n\n   # indented comment\n"
	    "  listen   =   0.0.0.0:8080  \r\n"
	    "public_url=https://x.example.cn/#frag\n"
	    "\tsession_ttl\t=\t60\n"
	    "database = sqlite:/srv/certsvc/db.sqlite\n");
	CHECK_OK(svc_config_load(dir, &c, err, sizeof(err)));
	CHECK_STR(c.listen_addr, "0.0.0.0");
	CHECK(c.port == 8080);
	CHECK_STR(c.public_url, "https://x.example.cn/#frag");
	CHECK(c.session_ttl == 60);
	CHECK_STR(c.database, "sqlite:/srv/certsvc/db.sqlite");
	CHECK(c.ticket_ttl == 600);	/* untouched keys keep defaults */
	put("");
	CHECK_OK(svc_config_load(dir, &c, err, sizeof(err)));
	CHECK(c.port == 8440);
}

/* Each bad file fails with SVC_ERR_CONFIG and names the right line. */
static void
test_load_errors(void)
{
	static const struct {
		const char *text;
		const char *want;	/* a prefix of err */
	} cases[] = {
		{ "threads = 4\n# c\nnosuch = 1\n", "line 3: unknown key" },
		{ "threads = four\n", "line 1: threads: expected a whole" },
		{ "\nthreads = 0\n", "line 2: threads: expected a whole" },
		{ "threads = 257\n", "line 1: threads" },
		{ "threads = -4\n", "line 1: threads" },
		{ "threads = 4x\n", "line 1: threads" },
		{ "threads = 99999999999999999999999\n", "line 1: threads" },
		{ "pbkdf2_iter = 10\n", "line 1: pbkdf2_iter" },
		{ "session_ttl =\n", "line 1: session_ttl" },
		{ "threads 4\n", "line 1: expected key = value" },
		{ " = 4\n", "line 1: expected key = value" },
		{ "threads = 4\nthreads = 5\n", "line 2: threads given twice" },
		{ "listen = 127.0.0.1\n", "line 1: listen" },
		{ "listen = 127.0.0.1:0\n", "line 1: listen" },
		{ "listen = :8440\n", "line 1: listen" },
		{ "listen = ::1:8440\n", "line 1: listen" },
		{ "listen = [::1]8440\n", "line 1: listen" },
		{ "public_url = ftp://x\n", "line 1: public_url" },
		{ "database = mysql://x\n", "line 1: database" },
		{ "ca_dir =   \n", "line 1: ca_dir" },
		{ "crl_interval = 90000\n\ncrl_validity = 86400\n",
		    "line 3: crl_validity (86400) is shorter" },
		{ "demo = 2\n", "line 1: demo" },
		{ "trusted_proxies = proxy.example\n",
		    "line 1: trusted_proxies: expected IP addresses" },
		{ "\ntrusted_proxies = 10.0.0.0/8\n",
		    "line 2: trusted_proxies: expected IP addresses" },
		{ "trusted_proxies =\n", "line 1: trusted_proxies" },
	};
	struct svc_config c;
	char err[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put(cases[i].text);
		err[0] = '\0';
		rc = svc_config_load(dir, &c, err, sizeof(err));
		CHECK_RC(rc, SVC_ERR_CONFIG);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0) {
			CHECK(!"error text");
			fprintf(stderr, "  case %zu: err \"%s\", want \"%s...\"\n",
			    i, err, cases[i].want);
		}
		/* A failed load leaves the defaults, not half a file. */
		CHECK(c.threads == 4);
	}
	/* IPv6 in brackets is fine. */
	put("listen = [::1]:8441\n");
	CHECK_OK(svc_config_load(dir, &c, err, sizeof(err)));
	CHECK_STR(c.listen_addr, "::1");
	CHECK(c.port == 8441);
	/* No file at all. */
	svc_test_rmdir(dir);
	CHECK_RC(svc_config_load(dir, &c, err, sizeof(err)), SVC_ERR_CONFIG);
	CHECK(strncmp(err, "certsvc.conf:", 13) == 0);
	svc_test_tmpdir(dir, sizeof(dir));
}

int
main(void)
{
	svc_test_tmpdir(dir, sizeof(dir));
	RUN(test_defaults);
	RUN(test_write_load);
	RUN(test_load_format);
	RUN(test_load_errors);
	svc_test_rmdir(dir);
	TEST_MAIN_END();
}
