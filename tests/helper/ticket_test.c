/*
 * ticket_test.c - enrollment tickets for the helper's integration test,
 * made the way the service's 下载证书 page makes them (svc_ticket_create
 * on the service's own database), for trees where the pages are not
 * built.  daemon_cli.sh prefers the real pages (login with the captcha,
 * then POST /apply/ticket) and uses this only when /apply answers 404.
 *
 *   helper_ticket_test DB USERNAME apply|reapply   prints a new ticket
 *   helper_ticket_test                              self-test (ctest): a
 *       ticket made here is 43 base64url characters, bound to its
 *       account and purpose, and usable once.
 */
#include "test.h"
#include "fixture.h"

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "store.h"

static char tmpdir[] = "/tmp/helper_ticket_test.XXXXXX";

static int
make_ticket(const char *dbpath, const char *user, const char *purpose)
{
	char url[4200], tok[SVC_TOKEN_LEN + 1];
	struct svc_account a;
	svc_db *db = NULL;
	int rc;

	snprintf(url, sizeof(url), "sqlite:%s", dbpath);
	if ((rc = svc_db_open(url, &db)) != 0) {
		fprintf(stderr, "ticket: %s: cannot open (%d)\n", dbpath, rc);
		return 1;
	}
	if ((rc = svc_account_find(db, user, &a)) != 0) {
		fprintf(stderr, "ticket: no account %s (%d)\n", user, rc);
		svc_db_close(db);
		return 1;
	}
	/* ticket_ttl's default, 10 minutes */
	if ((rc = svc_ticket_create(db, a.id, purpose, (int64_t)time(NULL),
	    600, tok)) != 0) {
		fprintf(stderr, "ticket: svc_ticket_create: %d\n", rc);
		svc_db_close(db);
		return 1;
	}
	svc_db_close(db);
	printf("%s\n", tok);
	return 0;
}

static void
test_ticket(void)
{
	char url[128], t1[SVC_TOKEN_LEN + 1], t2[SVC_TOKEN_LEN + 1];
	char purpose[16];
	int64_t ent, acc, got, now = (int64_t)time(NULL);
	svc_db *db = NULL;
	size_t i;

	snprintf(url, sizeof(url), "sqlite:%s/t.db", tmpdir);
	CHECK_OK(svc_db_open(url, &db));
	if (db == NULL)
		return;
	CHECK_OK(svc_db_migrate(db));
	CHECK_OK(svc_enterprise_add(db, "91350100M000100Y43", "测试企业", "",
	    &ent));
	CHECK_OK(svc_account_add(db, "u1", ent, "x", now, &acc));
	CHECK_OK(svc_ticket_create(db, acc, "apply", now, 600, t1));
	CHECK_OK(svc_ticket_create(db, acc, "reapply", now, 600, t2));
	CHECK(strlen(t1) == SVC_TOKEN_LEN && strcmp(t1, t2) != 0);
	for (i = 0; i < strlen(t1); i++)
		CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", t1[i]) != NULL);
	CHECK_OK(svc_ticket_consume(db, t2, now, &got, purpose));
	CHECK(got == acc);
	CHECK_STR(purpose, "reapply");
	CHECK(svc_ticket_consume(db, t2, now, &got, purpose) != 0);
	CHECK_OK(svc_ticket_consume(db, t1, now, &got, purpose));
	CHECK_STR(purpose, "apply");
	svc_db_close(db);
}

int
main(int argc, char **argv)
{
	if (gmpki_init() != 0)
		return 1;
	if (argc == 4)
		return make_ticket(argv[1], argv[2], argv[3]);
	if (argc != 1) {
		fprintf(stderr, "usage: helper_ticket_test [DB USER PURPOSE]\n");
		return 2;
	}
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	RUN(test_ticket);
	fx_rm_rf(tmpdir);
	TEST_MAIN_END();
}
