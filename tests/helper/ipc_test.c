/*
 * ipc_test.c - the Unix-socket protocol: frames both ways, every bad frame
 * refused (zero or oversize length before anything is read, truncated,
 * not JSON, not an object, duplicate members), the socket's folder and
 * mode, a stale socket replaced and a file in its place kept, the peer
 * check, and the daemon's dispatch of bad requests (unknown command,
 * missing or hostile arguments) and of list on an empty keystore.
 */
#include "test.h"
#include "fixture.h"

#include "helper.h"
#include "ipc.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/helper_ipc_test.XXXXXX";

/* Writes raw bytes into one end of a socketpair and reads a frame at the
 * other end. */
static int
recv_raw(const void *bytes, size_t len)
{
	json_t *j = NULL;
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return -999;
	if (write(sv[0], bytes, len) != (ssize_t)len)
		return -998;
	close(sv[0]);
	rc = helper_ipc_recv(sv[1], &j);
	close(sv[1]);
	json_decref(j);
	return rc;
}

static int
recv_frame(const char *body)
{
	unsigned char buf[256];
	size_t n = strlen(body);

	buf[0] = 0;
	buf[1] = 0;
	buf[2] = (unsigned char)(n >> 8);
	buf[3] = (unsigned char)n;
	memcpy(buf + 4, body, n);
	return recv_raw(buf, n + 4);
}

static void
test_frames(void)
{
	static const unsigned char zero[4] = { 0, 0, 0, 0 };
	static const unsigned char huge[4] = { 0, 1, 0, 1 };	/* 64 KiB + 1 */
	static const unsigned char short_body[6] = { 0, 0, 0, 9, '{', '}' };
	json_t *in, *out = NULL, *big;
	char *s;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	in = json_pack("{s:s, s:s}", "cmd", "show", "id", "中文");
	CHECK_OK(helper_ipc_send(sv[0], in));
	CHECK_OK(helper_ipc_recv(sv[1], &out));
	CHECK(out != NULL && json_equal(in, out));
	json_decref(in);
	json_decref(out);

	/* over the bound: refused by the sender too */
	s = calloc(1, HELPER_IPC_MAX + 1);
	memset(s, 'a', HELPER_IPC_MAX);
	big = json_pack("{s:s}", "x", s);
	CHECK_RC(helper_ipc_send(sv[0], big), GMPKI_ERR_TOO_LARGE);
	json_decref(big);
	free(s);
	close(sv[0]);
	close(sv[1]);

	CHECK_RC(recv_raw(zero, sizeof(zero)), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_raw(huge, sizeof(huge)), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_raw(short_body, sizeof(short_body)), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_raw(zero, 2), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_frame("not json"), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_frame("[\"cmd\"]"), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_frame("{\"cmd\":\"a\",\"cmd\":\"b\"}"), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_frame("{\"cmd\":\"a\\u0000b\"}"), HELPER_ERR_PROTOCOL);
	CHECK_RC(recv_frame("{\"cmd\":\"ping\"} x"), HELPER_ERR_PROTOCOL);
	CHECK_OK(recv_frame("{\"cmd\":\"ping\"}"));
}

static void
test_socket(void)
{
	char dir[128], path[160], open_dir[128], open_path[160];
	struct stat st;
	json_t *req, *resp = NULL;
	int fd, fd2, c;

	snprintf(dir, sizeof(dir), "%s/run/certhelper", tmpdir);
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	CHECK_RC(helper_ipc_connect(path, &c), HELPER_ERR_NOT_RUNNING);
	CHECK_OK(helper_ipc_listen(path, &fd));
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK_OK(helper_ipc_connect(path, &c));
	fd2 = accept(fd, NULL, NULL);
	CHECK(fd2 >= 0);
	CHECK_OK(helper_ipc_peer_ok(fd2));
	close(c);
	close(fd2);
	close(fd);
	/* a stale socket (nobody listening) is replaced */
	CHECK_OK(helper_ipc_listen(path, &fd));
	close(fd);
	/* a client whose daemon is gone gets NOT_RUNNING */
	req = json_pack("{s:s}", "cmd", "ping");
	CHECK_RC(helper_ipc_call(path, req, 1, &resp), HELPER_ERR_NOT_RUNNING);
	json_decref(req);
	/* a file in its place is not removed */
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	CHECK_RC(helper_ipc_listen(path, &fd), GMPKI_ERR_EXISTS);
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode));
	/* a folder others can enter is refused */
	snprintf(open_dir, sizeof(open_dir), "%s/open", tmpdir);
	snprintf(open_path, sizeof(open_path), "%s/s.sock", open_dir);
	CHECK(mkdir(open_dir, 0755) == 0);
	CHECK(chmod(open_dir, 0755) == 0);
	CHECK_RC(helper_ipc_listen(open_path, &fd), GMPKI_ERR_PERMISSION);
	/* a path too long for sun_path */
	{
		char lng[200];

		memset(lng, 'a', sizeof(lng) - 1);
		lng[0] = '/';
		lng[sizeof(lng) - 1] = '\0';
		CHECK_RC(helper_ipc_listen(lng, &fd), GMPKI_ERR_ARG);
	}
}

/* Dispatches body and returns the answer's "error" ("" for ok). */
static char answer_err[64];

static const char *
dispatch(struct helper_ctx *h, const char *body)
{
	json_t *req, *resp = NULL;
	int stop = 0;

	answer_err[0] = '\0';
	req = json_loads(body, 0, NULL);
	if (req == NULL || helper_ipc_handle(h, req, &resp, &stop) != 0) {
		json_decref(req);
		return "(failed)";
	}
	if (!json_is_true(json_object_get(resp, "ok")))
		snprintf(answer_err, sizeof(answer_err), "%s",
		    json_string_value(json_object_get(resp, "error")));
	else if (json_object_get(resp, "identities") != NULL &&
	    json_array_size(json_object_get(resp, "identities")) != 0)
		snprintf(answer_err, sizeof(answer_err), "(not empty)");
	if (stop)
		snprintf(answer_err, sizeof(answer_err), "(stop)");
	json_decref(req);
	json_decref(resp);
	return answer_err;
}

static void
test_dispatch(void)
{
	struct helper_ctx *h;
	char ks[128];

	h = calloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	snprintf(ks, sizeof(ks), "%s/ks", tmpdir);
	CHECK_OK(helper_keystore_open(ks, &h->ks));
	CHECK_STR(dispatch(h, "{\"cmd\":\"ping\"}"), "");
	CHECK_STR(dispatch(h, "{\"cmd\":\"list\"}"), "");
	CHECK_STR(dispatch(h, "{\"cmd\":\"clear\"}"), "");
	CHECK_STR(dispatch(h, "{}"), "PROTOCOL");
	CHECK_STR(dispatch(h, "{\"cmd\":42}"), "PROTOCOL");
	CHECK_STR(dispatch(h, "{\"cmd\":\"format-disk\"}"), "PROTOCOL");
	CHECK_STR(dispatch(h, "{\"cmd\":\"show\"}"), "ARG");
	CHECK_STR(dispatch(h, "{\"cmd\":\"show\",\"id\":\"../../etc\"}"), "ARG");
	CHECK_STR(dispatch(h, "{\"cmd\":\"show\",\"id\":\"0123456789abcdeg\"}"),
	    "ARG");
	CHECK_STR(dispatch(h, "{\"cmd\":\"show\",\"id\":\"0123456789ABCDEF\"}"),
	    "NOT_FOUND");
	CHECK_STR(dispatch(h, "{\"cmd\":\"delete\",\"id\":\"0123456789abcdef\"}"),
	    "NOT_FOUND");
	CHECK_STR(dispatch(h, "{\"cmd\":\"export\",\"id\":\"\"}"), "ARG");
	CHECK_STR(dispatch(h, "{\"cmd\":\"enroll\"}"), "ARG");
	CHECK_STR(dispatch(h, "{\"cmd\":\"enroll\",\"ticket\":\"a b\"}"), "ARG");
	/* a well-formed ticket, but no service set up */
	CHECK_STR(dispatch(h, "{\"cmd\":\"enroll\",\"ticket\":\"abc_-1\"}"),
	    "NOT_SET_UP");
	CHECK_STR(dispatch(h, "{\"cmd\":\"revoked\",\"serial\":\"zz\"}"), "ARG");
	CHECK_STR(dispatch(h, "{\"cmd\":\"revoked\",\"serial\":\"0A\"}"),
	    "NOT_FOUND");
	CHECK_STR(dispatch(h, "{\"cmd\":\"shutdown\"}"), "(stop)");
	helper_keystore_close(h->ks);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static void
test_local_status(void)
{
	time_t now = 1800000000;

	CHECK(helper_local_status(now - 10, now + 31 * 86400, now) ==
	    HELPER_LOCAL_VALID);
	CHECK(helper_local_status(now - 10, now + 30 * 86400, now) ==
	    HELPER_LOCAL_EXPIRING);
	CHECK(helper_local_status(now - 10, now, now) == HELPER_LOCAL_EXPIRING);
	CHECK(helper_local_status(now - 10, now - 1, now) ==
	    HELPER_LOCAL_EXPIRED);
	CHECK(helper_local_status(now + 1, now + 86400, now) ==
	    HELPER_LOCAL_NOT_YET_VALID);
	CHECK_STR(helper_local_status_zh(HELPER_LOCAL_EXPIRING), "即将到期");
	CHECK_STR(helper_local_status_zh(HELPER_LOCAL_CORRUPT), "损坏");
	CHECK_STR(helper_strerror(HELPER_ERR_NOT_RUNNING),
	    "证书助手未运行，请执行 certhelper start");
	CHECK_STR(helper_errname(GMPKI_ERR_NOT_FOUND), "NOT_FOUND");
}

int
main(void)
{
	if (gmpki_init() != 0 || mkdtemp(tmpdir) == NULL)
		return 1;
	RUN(test_frames);
	RUN(test_socket);
	RUN(test_dispatch);
	RUN(test_local_status);
	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
