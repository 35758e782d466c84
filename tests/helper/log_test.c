/*
 * log_test.c - the daemon's log: lines with time and level, control
 * characters masked (one event, one line), mode 0600, and rotation to
 * FILE.1 past the size limit with one old file kept.
 */
#include "test.h"
#include "fixture.h"

#include "log.h"

#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/helper_log_test.XXXXXX";

static long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void
test_lines(void)
{
	char path[128], *s;
	struct stat st;

	snprintf(path, sizeof(path), "%s/a.log", tmpdir);
	CHECK_OK(helper_log_open(path, 0));
	helper_log(HELPER_LOG_INFO, "hello %d", 42);
	helper_log(HELPER_LOG_ERROR, "two\nlines\x1b[31m");
	helper_log_close();
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	s = fx_slurp(path, NULL);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK(strstr(s, " INFO hello 42\n") != NULL);
		/* the newline and the escape are masked: still two lines */
		CHECK(strstr(s, " ERROR two?lines?[31m\n") != NULL);
		CHECK(s[4] == '-' && s[10] == 'T');
	}
	free(s);
}

static void
test_rotation(void)
{
	char path[128], old[140], *s;
	int i;

	snprintf(path, sizeof(path), "%s/r.log", tmpdir);
	snprintf(old, sizeof(old), "%s.1", path);
	CHECK_OK(helper_log_open(path, 1000));
	for (i = 0; i < 40; i++)
		helper_log(HELPER_LOG_INFO, "line %02d %s", i,
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	helper_log_close();
	CHECK(file_size(path) > 0 && file_size(path) <= 1000);
	CHECK(file_size(old) > 0 && file_size(old) <= 1000);
	/* the newest line is in FILE, one older file only */
	s = fx_slurp(path, NULL);
	CHECK(s != NULL && strstr(s, "line 39") != NULL);
	free(s);
	snprintf(old, sizeof(old), "%s.2", path);
	CHECK(file_size(old) == -1);
}

static void
test_refuses_symlink(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/link.log", tmpdir);
	CHECK(symlink("/etc/passwd", path) == 0);
	CHECK_RC(helper_log_open(path, 0), GMPKI_ERR_IO);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	RUN(test_lines);
	RUN(test_rotation);
	RUN(test_refuses_symlink);
	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
