/* store_test.c - the online service's records (store.h) on SQLite. */
#include "test.h"

#include <inttypes.h>
#include <pthread.h>

#include "db.h"
#include "store.h"
#include "svc_error.h"
#include "svc_test_util.h"

static char dir[256];
static char url[600];
static svc_db *db;

/* SQL metacharacters, HTML, format directives and UTF-8 in one place. */
static const char *const hostile[] = {
	"'; DROP TABLE accounts; --",
	"<script>alert(\"x\")</script>&amp;",
	"\" OR 1=1 -- $1 ? :a @b %s %n \\ `",
	"Robert'); DELETE FROM enterprises;--",
	"北京统计'\"<>&局",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

/* A fresh database in a fresh directory, migrated. */
static void
setup(void)
{
	svc_test_tmpdir(dir, sizeof(dir));
	snprintf(url, sizeof(url), "sqlite:%s/certsvc.db", dir);
	db = NULL;
	if (svc_db_open(url, &db) != 0 || svc_db_migrate(db) != 0) {
		fprintf(stderr, "setup failed\n");
		exit(1);
	}
}

static void
teardown(void)
{
	svc_db_close(db);
	db = NULL;
	svc_test_rmdir(dir);
}

static int64_t
count(const char *sql)
{
	svc_stmt *st = NULL;
	int64_t n = -1;

	if (svc_db_prepare(db, sql, &st) == 0 && svc_stmt_step(st) == SVC_ROW)
		n = svc_stmt_int64(st, 0);
	svc_stmt_free(st);
	return n;
}

/* A valid 统一社会信用代码 whose positions 9-16 spell n. */
static void
make_uscc(int n, char out[19])
{
	snprintf(out, 19, "91110108%08d0", n % 100000000);
	out[17] = gmpki_uscc_check_char(out);
	out[18] = '\0';
}

static int64_t
add_enterprise(int n)
{
	char uscc[19];
	int64_t id = 0;

	make_uscc(n, uscc);
	if (svc_enterprise_add(db, uscc, "测试企业", "北京", &id) != 0)
		return -1;
	return id;
}

static int64_t
add_account(const char *username, int64_t ent)
{
	int64_t id = 0;

	if (svc_account_add(db, username, ent, "pbkdf2-sm3$1$x$y", 1000,
	    &id) != 0)
		return -1;
	return id;
}

static void
test_token_new(void)
{
	char a[SVC_TOKEN_LEN + 1], b[SVC_TOKEN_LEN + 1];
	size_t i;

	CHECK_OK(svc_token_new(a));
	CHECK_OK(svc_token_new(b));
	CHECK(strlen(a) == SVC_TOKEN_LEN && strlen(b) == SVC_TOKEN_LEN);
	CHECK(strcmp(a, b) != 0);
	for (i = 0; i < SVC_TOKEN_LEN; i++)
		CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", a[i]) != NULL && a[i] != '\0');
}

static void
test_enterprise(void)
{
	struct svc_enterprise e;
	char uscc[19], bad[19], longname[SVC_ORGNAME_MAX + 2];
	int64_t id = 0, id2 = 0;

	setup();
	make_uscc(1, uscc);
	CHECK_OK(svc_enterprise_add(db, uscc, "国家统计局测试企业", "北京",
	    &id));
	CHECK(id > 0);
	CHECK_OK(svc_enterprise_find(db, uscc, &e));
	CHECK(e.id == id);
	CHECK_STR(e.uscc, uscc);
	CHECK_STR(e.name, "国家统计局测试企业");
	CHECK_STR(e.region, "北京");
	/* The same code again is a conflict, whatever the name. */
	CHECK_RC(svc_enterprise_add(db, uscc, "另一家", "", &id2),
	    SVC_ERR_DB_CONFLICT);
	CHECK(id2 == 0);
	/* Codes are validated before storing. */
	memcpy(bad, uscc, sizeof(bad));
	bad[17] = bad[17] == '0' ? '1' : '0';
	CHECK_RC(svc_enterprise_add(db, bad, "x", "", NULL),
	    GMPKI_ERR_USCC_CHECK);
	CHECK_RC(svc_enterprise_add(db, "123", "x", "", NULL),
	    GMPKI_ERR_USCC_LENGTH);
	/* Too long is an error, never a cut value. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	make_uscc(2, uscc);
	CHECK_RC(svc_enterprise_add(db, uscc, longname, "", NULL),
	    GMPKI_ERR_TOO_LARGE);
	longname[SVC_ORGNAME_MAX] = '\0';
	CHECK_OK(svc_enterprise_add(db, uscc, longname, NULL, NULL));
	CHECK_OK(svc_enterprise_find(db, uscc, &e));
	CHECK(strlen(e.name) == SVC_ORGNAME_MAX);
	CHECK_RC(svc_enterprise_add(db, uscc, "", "", NULL), GMPKI_ERR_ARG);
	make_uscc(3, uscc);
	CHECK_RC(svc_enterprise_find(db, uscc, &e), GMPKI_ERR_NOT_FOUND);
	/* A value too long for the struct, put there behind our back. */
	make_uscc(1, uscc);
	CHECK_OK(svc_db_exec(db, "UPDATE enterprises SET region ="
	    " '0123456789012345678901234567890123456789012345678901234567890"
	    "1234567890'"));
	CHECK_RC(svc_enterprise_find(db, uscc, &e), SVC_ERR_DB);
	teardown();
}

static void
test_account(void)
{
	struct svc_account a;
	char longuser[SVC_USERNAME_MAX + 2];
	int64_t ent, id, id2 = 0;

	setup();
	ent = add_enterprise(1);
	CHECK(ent > 0);
	CHECK_OK(svc_account_add(db, "zhangsan", ent, "pbkdf2-sm3$1$a$b",
	    1700000000, &id));
	CHECK(id > 0);
	CHECK_OK(svc_account_find(db, "zhangsan", &a));
	CHECK(a.id == id && a.enterprise_id == ent);
	CHECK_STR(a.username, "zhangsan");
	CHECK_STR(a.org, "测试企业");
	CHECK(strlen(a.uscc) == 18);
	CHECK_STR(a.pwhash, "pbkdf2-sm3$1$a$b");
	CHECK(a.state == SVC_ACCOUNT_ACTIVE && a.failed_logins == 0 &&
	    a.locked_until == 0 && a.created_at == 1700000000);
	CHECK_OK(svc_account_get(db, id, &a));
	CHECK_STR(a.username, "zhangsan");
	/* Duplicate usernames conflict, also under another enterprise. */
	CHECK_RC(svc_account_add(db, "zhangsan", add_enterprise(2), "h", 1,
	    &id2), SVC_ERR_DB_CONFLICT);
	CHECK(id2 == 0);
	/* An enterprise that does not exist. */
	CHECK_RC(svc_account_add(db, "lisi", 9999, "h", 1, NULL), SVC_ERR_DB);
	memset(longuser, 'u', sizeof(longuser) - 1);
	longuser[sizeof(longuser) - 1] = '\0';
	CHECK_RC(svc_account_add(db, longuser, ent, "h", 1, NULL),
	    GMPKI_ERR_TOO_LARGE);
	CHECK_RC(svc_account_add(db, "", ent, "h", 1, NULL), GMPKI_ERR_ARG);
	CHECK_RC(svc_account_add(db, "a\nb", ent, "h", 1, NULL),
	    GMPKI_ERR_ARG);
	CHECK_RC(svc_account_find(db, longuser, &a),
	    SVC_ERR_ACCOUNT_NOT_FOUND);
	CHECK_RC(svc_account_find(db, "nobody", &a),
	    SVC_ERR_ACCOUNT_NOT_FOUND);
	CHECK_RC(svc_account_get(db, 9999, &a), SVC_ERR_ACCOUNT_NOT_FOUND);

	CHECK_OK(svc_account_set_password(db, id, "pbkdf2-sm3$2$c$d"));
	CHECK_OK(svc_account_set_state(db, id, SVC_ACCOUNT_DISABLED));
	CHECK_OK(svc_account_find(db, "zhangsan", &a));
	CHECK_STR(a.pwhash, "pbkdf2-sm3$2$c$d");
	CHECK(a.state == SVC_ACCOUNT_DISABLED);
	CHECK_OK(svc_account_set_state(db, id, SVC_ACCOUNT_LOCKED));
	CHECK_OK(svc_account_get(db, id, &a));
	CHECK(a.state == SVC_ACCOUNT_LOCKED);
	CHECK_RC(svc_account_set_state(db, id, 7), GMPKI_ERR_ARG);
	CHECK_RC(svc_account_set_state(db, 9999, 0),
	    SVC_ERR_ACCOUNT_NOT_FOUND);
	CHECK_RC(svc_account_set_password(db, 9999, "h"),
	    SVC_ERR_ACCOUNT_NOT_FOUND);
	teardown();
}

static void
test_lockout(void)
{
	struct svc_account a;
	int64_t id;
	int i;

	setup();
	id = add_account("wangwu", add_enterprise(1));
	for (i = 1; i <= 4; i++) {
		CHECK_OK(svc_account_login_failed(db, id, 5, 5000));
		CHECK_OK(svc_account_get(db, id, &a));
		CHECK(a.failed_logins == i && a.locked_until == 0);
	}
	/* The fifth consecutive failure locks until the given time. */
	CHECK_OK(svc_account_login_failed(db, id, 5, 5000));
	CHECK_OK(svc_account_get(db, id, &a));
	CHECK(a.failed_logins == 5 && a.locked_until == 5000);
	/* Past the threshold every failure extends the lock. */
	CHECK_OK(svc_account_login_failed(db, id, 5, 6000));
	CHECK_OK(svc_account_get(db, id, &a));
	CHECK(a.failed_logins == 6 && a.locked_until == 6000);
	/* A good login clears both. */
	CHECK_OK(svc_account_login_ok(db, id));
	CHECK_OK(svc_account_get(db, id, &a));
	CHECK(a.failed_logins == 0 && a.locked_until == 0);
	CHECK_OK(svc_account_login_failed(db, id, 5, 7000));
	CHECK_OK(svc_account_get(db, id, &a));
	CHECK(a.failed_logins == 1 && a.locked_until == 0);
	CHECK_RC(svc_account_login_failed(db, id, 0, 1), GMPKI_ERR_ARG);
	CHECK_RC(svc_account_login_failed(db, 9999, 5, 1),
	    SVC_ERR_ACCOUNT_NOT_FOUND);
	CHECK_RC(svc_account_login_ok(db, 9999), SVC_ERR_ACCOUNT_NOT_FOUND);
	teardown();
}

static void
cert_init(struct svc_cert *c, const char *serial, int64_t account,
    int64_t issued)
{
	static unsigned char der[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

	memset(c, 0, sizeof(*c));
	snprintf(c->serial, sizeof(c->serial), "%s", serial);
	c->account_id = account;
	snprintf(c->subject, sizeof(c->subject), "C=CN, O=测试企业, CN=u%s",
	    serial);
	c->not_before = issued;
	c->not_after = issued + 3 * 365 * 86400;
	c->status = SVC_CERT_VALID;
	c->reason = -1;
	memset(c->sm3_fp, 'a', 64);
	c->issued_at = issued;
	c->der = der;
	c->der_len = sizeof(der);
}

struct collect {
	char serials[8][64];
	int n, stop_after;
};

static int
collect_cert(void *arg, const struct svc_cert *c)
{
	struct collect *k = arg;

	if (k->n < 8)
		snprintf(k->serials[k->n], 64, "%s", c->serial);
	k->n++;
	if (c->der != NULL)
		return -99;	/* lists never load the DER */
	return k->stop_after != 0 && k->n >= k->stop_after ? 7 : 0;
}

static void
test_cert(void)
{
	struct svc_cert c, got;
	struct collect k;
	int64_t acc, acc2;

	setup();
	acc = add_account("zhaoliu", add_enterprise(1));
	acc2 = add_account("sunqi", add_enterprise(2));
	cert_init(&c, "1A2B", acc, 1000);
	CHECK_OK(svc_cert_add(db, &c));
	CHECK_RC(svc_cert_add(db, &c), SVC_ERR_DB_CONFLICT);
	cert_init(&c, "3C", acc, 3000);
	CHECK_OK(svc_cert_add(db, &c));
	cert_init(&c, "2F", acc, 2000);
	CHECK_OK(svc_cert_add(db, &c));
	cert_init(&c, "4D", acc2, 4000);
	CHECK_OK(svc_cert_add(db, &c));
	/* Serial form: upper-case hex without leading zeros. */
	cert_init(&c, "abc", acc, 1);
	CHECK_RC(svc_cert_add(db, &c), GMPKI_ERR_ARG);
	cert_init(&c, "0ABC", acc, 1);
	CHECK_RC(svc_cert_add(db, &c), GMPKI_ERR_ARG);
	cert_init(&c, "ABC", 9999, 1);
	CHECK_RC(svc_cert_add(db, &c), SVC_ERR_DB);	/* no such account */
	cert_init(&c, "ABC", acc, 1);
	c.der_len = GMPKI_MAX_CERT_SIZE + 1;	/* never read: refused first */
	CHECK_RC(svc_cert_add(db, &c), GMPKI_ERR_TOO_LARGE);

	CHECK_OK(svc_cert_find(db, "1A2B", 1, &got));
	CHECK_STR(got.serial, "1A2B");
	CHECK_STR(got.username, "zhaoliu");
	CHECK(got.account_id == acc && got.status == SVC_CERT_VALID &&
	    got.reason == -1 && got.revoked_at == 0 && got.issued_at == 1000 &&
	    got.not_after == 1000 + 3 * 365 * 86400);
	CHECK(got.der != NULL && got.der_len == 5 && got.der[0] == 0x30);
	CHECK(strlen(got.sm3_fp) == 64);
	svc_cert_clear(&got);
	CHECK(got.der == NULL);
	CHECK_OK(svc_cert_find(db, "1A2B", 0, &got));
	CHECK(got.der == NULL);
	CHECK_RC(svc_cert_find(db, "FFFF", 0, &got), GMPKI_ERR_NOT_FOUND);
	CHECK_RC(svc_cert_find(db, "'; --", 0, &got), GMPKI_ERR_NOT_FOUND);

	/* Per account, newest first. */
	memset(&k, 0, sizeof(k));
	CHECK_OK(svc_cert_list_account(db, acc, collect_cert, &k));
	CHECK(k.n == 3);
	CHECK_STR(k.serials[0], "3C");
	CHECK_STR(k.serials[1], "2F");
	CHECK_STR(k.serials[2], "1A2B");
	memset(&k, 0, sizeof(k));
	k.stop_after = 1;
	CHECK_RC(svc_cert_list_account(db, acc, collect_cert, &k), 7);
	CHECK(k.n == 1);
	memset(&k, 0, sizeof(k));
	CHECK_OK(svc_cert_list_all(db, 0, collect_cert, &k));
	CHECK(k.n == 4);
	CHECK_STR(k.serials[0], "4D");
	memset(&k, 0, sizeof(k));
	CHECK_OK(svc_cert_list_all(db, 2, collect_cert, &k));
	CHECK(k.n == 2);

	/* Revocation: once. */
	CHECK_OK(svc_cert_revoke(db, "2F", 5000, 4));
	CHECK_RC(svc_cert_revoke(db, "2F", 6000, 1), GMPKI_ERR_ALREADY_REVOKED);
	CHECK_RC(svc_cert_revoke(db, "FFFF", 6000, 1), GMPKI_ERR_NOT_FOUND);
	CHECK_RC(svc_cert_revoke(db, "3C", 6000, 7), GMPKI_ERR_ARG);
	CHECK_OK(svc_cert_find(db, "2F", 0, &got));
	CHECK(got.status == SVC_CERT_REVOKED && got.revoked_at == 5000 &&
	    got.reason == 4);
	CHECK_OK(svc_cert_revoke(db, "4D", 5500, 0));
	memset(&k, 0, sizeof(k));
	CHECK_OK(svc_cert_list_revoked(db, 0, collect_cert, &k));
	CHECK(k.n == 2);
	CHECK_STR(k.serials[0], "2F");
	CHECK_STR(k.serials[1], "4D");
	/* Expired revoked certificates leave the CRL. */
	memset(&k, 0, sizeof(k));
	CHECK_OK(svc_cert_list_revoked(db, 3000 + 3 * 365 * 86400,
	    collect_cert, &k));
	CHECK(k.n == 1);
	CHECK_STR(k.serials[0], "4D");
	teardown();
}

struct race {
	const char *url;
	pthread_barrier_t *bar;
	char (*tokens)[SVC_TOKEN_LEN + 1];
	int ntokens;
	int wins, errors;
};

static void *
race_consumer(void *p)
{
	struct race *r = p;
	svc_db *mydb = NULL;
	char purpose[16];
	int64_t acc;
	int i, rc;

	if (svc_db_open(r->url, &mydb) != 0) {
		r->errors++;
		mydb = NULL;
	}
	for (i = 0; i < r->ntokens; i++) {
		pthread_barrier_wait(r->bar);
		if (mydb == NULL)
			continue;
		rc = svc_ticket_consume(mydb, r->tokens[i], 100, &acc,
		    purpose);
		if (rc == 0)
			r->wins++;
		else if (rc != SVC_ERR_TICKET_INVALID)
			r->errors++;
	}
	svc_db_close(mydb);
	return NULL;
}

static void
test_ticket(void)
{
	char tok[SVC_TOKEN_LEN + 1], tok2[SVC_TOKEN_LEN + 1], hash[65];
	char purpose[16], sql[256];
	unsigned char md[32];
	int64_t acc, got = 0;

	setup();
	acc = add_account("ticket", add_enterprise(1));
	CHECK_OK(svc_ticket_create(db, acc, "apply", 100, 600, tok));
	CHECK(strlen(tok) == SVC_TOKEN_LEN);
	/* Only hex(SM3(token)) is stored. */
	gmpki_sm3(tok, strlen(tok), md);
	gmpki_hex(md, sizeof(md), hash);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM tickets WHERE"
	    " token_hash = '%s'", hash);
	CHECK(count(sql) == 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM tickets WHERE"
	    " token_hash = '%s'", tok);
	CHECK(count(sql) == 0);

	CHECK_OK(svc_ticket_consume(db, tok, 200, &got, purpose));
	CHECK(got == acc);
	CHECK_STR(purpose, "apply");
	/* Single use. */
	CHECK_RC(svc_ticket_consume(db, tok, 201, &got, purpose),
	    SVC_ERR_TICKET_INVALID);
	CHECK(got == 0 && purpose[0] == '\0');
	/* Expired: valid until now < created + ttl. */
	CHECK_OK(svc_ticket_create(db, acc, "reapply", 100, 600, tok2));
	CHECK_RC(svc_ticket_consume(db, tok2, 700, &got, purpose),
	    SVC_ERR_TICKET_INVALID);
	CHECK_OK(svc_ticket_consume(db, tok2, 699, &got, purpose));
	CHECK_STR(purpose, "reapply");
	/* Unknown, malformed. */
	CHECK_OK(svc_token_new(tok2));
	CHECK_RC(svc_ticket_consume(db, tok2, 100, &got, purpose),
	    SVC_ERR_TICKET_INVALID);
	CHECK_RC(svc_ticket_consume(db, "' OR 1=1 --", 100, &got, purpose),
	    SVC_ERR_TICKET_INVALID);
	CHECK_RC(svc_ticket_consume(db, "", 100, &got, purpose),
	    SVC_ERR_TICKET_INVALID);
	CHECK_RC(svc_ticket_create(db, acc, "Apply!", 100, 600, tok2),
	    GMPKI_ERR_ARG);
	CHECK_RC(svc_ticket_create(db, acc, "apply", 100, 0, tok2),
	    GMPKI_ERR_ARG);
	CHECK_RC(svc_ticket_create(db, 9999, "apply", 100, 60, tok2),
	    SVC_ERR_DB);
	CHECK(tok2[0] == '\0');
	teardown();
}

/* Two connections race to consume each of 40 tickets: one wins each. */
static void
test_ticket_race(void)
{
	static char tokens[40][SVC_TOKEN_LEN + 1];
	pthread_barrier_t bar;
	struct race r[2];
	pthread_t th[2];
	int64_t acc;
	int i;

	setup();
	acc = add_account("racer", add_enterprise(1));
	for (i = 0; i < 40; i++)
		CHECK_OK(svc_ticket_create(db, acc, "apply", 0, 600,
		    tokens[i]));
	pthread_barrier_init(&bar, NULL, 2);
	for (i = 0; i < 2; i++) {
		r[i] = (struct race){ url, &bar, tokens, 40, 0, 0 };
		CHECK(pthread_create(&th[i], NULL, race_consumer, &r[i]) == 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	CHECK(r[0].errors == 0 && r[1].errors == 0);
	CHECK(r[0].wins + r[1].wins == 40);
	fprintf(stderr, "  ticket race: %d / %d wins\n", r[0].wins, r[1].wins);
	CHECK(count("SELECT COUNT(*) FROM tickets WHERE used_at IS NULL") ==
	    0);
	teardown();
}

static void
test_captcha(void)
{
	char id[SVC_TOKEN_LEN + 1], ans[16], small[3];

	setup();
	CHECK_OK(svc_captcha_create(db, "aB3x", 100, 300, id));
	CHECK_OK(svc_captcha_answer(db, id, 150, ans, sizeof(ans)));
	CHECK_STR(ans, "aB3x");
	CHECK_RC(svc_captcha_answer(db, id, 150, small, sizeof(small)),
	    GMPKI_ERR_TOO_LARGE);
	CHECK_RC(svc_captcha_answer(db, id, 400, ans, sizeof(ans)),
	    SVC_ERR_CAPTCHA_EXPIRED);
	/* Case-insensitive, single use. */
	CHECK_OK(svc_captcha_check(db, id, "AB3X", 200));
	CHECK_RC(svc_captcha_check(db, id, "aB3x", 200),
	    SVC_ERR_CAPTCHA_EXPIRED);
	CHECK_RC(svc_captcha_answer(db, id, 200, ans, sizeof(ans)),
	    SVC_ERR_CAPTCHA_EXPIRED);
	/* A wrong answer uses it up too. */
	CHECK_OK(svc_captcha_create(db, "k7Pq", 100, 300, id));
	CHECK_RC(svc_captcha_check(db, id, "k7P", 200), SVC_ERR_CAPTCHA_WRONG);
	CHECK_RC(svc_captcha_check(db, id, "k7Pq", 200),
	    SVC_ERR_CAPTCHA_EXPIRED);
	/* Expired: the right answer is too late, and the row goes. */
	CHECK_OK(svc_captcha_create(db, "zz99", 100, 300, id));
	CHECK_RC(svc_captcha_check(db, id, "zz99", 400),
	    SVC_ERR_CAPTCHA_EXPIRED);
	CHECK(count("SELECT COUNT(*) FROM captchas") == 0);
	/* Unknown and malformed ids. */
	CHECK_OK(svc_token_new(id));
	CHECK_RC(svc_captcha_check(db, id, "x", 100), SVC_ERR_CAPTCHA_EXPIRED);
	CHECK_RC(svc_captcha_check(db, "'; DELETE FROM captchas; --", "x",
	    100), SVC_ERR_CAPTCHA_EXPIRED);
	CHECK_RC(svc_captcha_create(db, "", 100, 300, id), GMPKI_ERR_ARG);
	teardown();
}

static void
test_session(void)
{
	char tok[SVC_TOKEN_LEN + 1], csrf[SVC_TOKEN_LEN + 1];
	char tok2[SVC_TOKEN_LEN + 1], csrf2[SVC_TOKEN_LEN + 1];
	char id[SVC_TOKEN_LEN + 1];
	struct svc_session s;
	int64_t acc;

	setup();
	acc = add_account("sess", add_enterprise(1));
	CHECK_OK(svc_session_create(db, acc, "revoke", 1000, 1800, tok, csrf));
	CHECK(strlen(tok) == SVC_TOKEN_LEN && strlen(csrf) == SVC_TOKEN_LEN);
	CHECK(strcmp(tok, csrf) != 0);
	CHECK_OK(svc_session_find(db, tok, 2799, &s));
	CHECK(s.account_id == acc && s.expires_at == 2800);
	CHECK_STR(s.purpose, "revoke");
	CHECK_STR(s.csrf, csrf);
	CHECK_RC(svc_session_find(db, tok, 2800, &s), SVC_ERR_SESSION);
	CHECK(s.account_id == 0);
	CHECK_RC(svc_session_find(db, csrf, 1000, &s), SVC_ERR_SESSION);
	CHECK_RC(svc_session_find(db, "x", 1000, &s), SVC_ERR_SESSION);
	CHECK_OK(svc_session_delete(db, tok));
	CHECK_RC(svc_session_find(db, tok, 1000, &s), SVC_ERR_SESSION);
	CHECK_OK(svc_session_delete(db, tok));	/* logout twice is fine */
	CHECK_RC(svc_session_create(db, acc, "", 1000, 60, tok, csrf),
	    GMPKI_ERR_ARG);

	/* Expiry sweeps sessions, tickets and captchas past their time. */
	CHECK_OK(svc_session_create(db, acc, "apply", 1000, 100, tok, csrf));
	CHECK_OK(svc_session_create(db, acc, "apply", 1000, 1000, tok2,
	    csrf2));
	CHECK_OK(svc_ticket_create(db, acc, "apply", 1000, 100, id));
	CHECK_OK(svc_ticket_create(db, acc, "apply", 1000, 1000, id));
	CHECK_OK(svc_captcha_create(db, "ab", 1000, 100, id));
	CHECK_OK(svc_captcha_create(db, "ab", 1000, 1000, id));
	CHECK_OK(svc_store_expire(db, 1100));
	CHECK(count("SELECT COUNT(*) FROM sessions") == 1);
	CHECK(count("SELECT COUNT(*) FROM tickets") == 1);
	CHECK(count("SELECT COUNT(*) FROM captchas") == 1);
	CHECK_OK(svc_session_find(db, tok2, 1100, &s));
	teardown();
}

static int
collect_rp(void *arg, const struct svc_rp *rp)
{
	struct collect *k = arg;

	if (k->n < 8)
		snprintf(k->serials[k->n], 64, "%s", rp->id);
	k->n++;
	return 0;
}

static void
rp_init(struct svc_rp *rp, const char *id)
{
	memset(rp, 0, sizeof(*rp));
	snprintf(rp->id, sizeof(rp->id), "%s", id);
	snprintf(rp->name, sizeof(rp->name), "万峰联网直报系统");
	snprintf(rp->type, sizeof(rp->type), "一套表");
	snprintf(rp->vendor, sizeof(rp->vendor), "万峰");
	snprintf(rp->origin, sizeof(rp->origin), "https://wf.example.cn");
	snprintf(rp->return_url, sizeof(rp->return_url),
	    "https://wf.example.cn/certlogin");
}

static int
rp_equal(const struct svc_rp *a, const struct svc_rp *b)
{
	return strcmp(a->id, b->id) == 0 && strcmp(a->name, b->name) == 0 &&
	    strcmp(a->type, b->type) == 0 &&
	    strcmp(a->vendor, b->vendor) == 0 &&
	    strcmp(a->province, b->province) == 0 &&
	    strcmp(a->origin, b->origin) == 0 &&
	    strcmp(a->return_url, b->return_url) == 0;
}

static void
test_rp(void)
{
	struct svc_rp rp, got;
	struct collect k;

	setup();
	rp_init(&rp, "wanfeng");
	CHECK_OK(svc_rp_add(db, &rp));
	CHECK_RC(svc_rp_add(db, &rp), SVC_ERR_DB_CONFLICT);
	rp_init(&rp, "tongfang");
	snprintf(rp.vendor, sizeof(rp.vendor), "同方");
	snprintf(rp.province, sizeof(rp.province), "广东");
	CHECK_OK(svc_rp_add(db, &rp));
	CHECK_OK(svc_rp_find(db, "tongfang", &got));
	CHECK(rp_equal(&rp, &got));
	CHECK_RC(svc_rp_find(db, "nosuch", &got), SVC_ERR_RP_NOT_FOUND);
	CHECK_RC(svc_rp_find(db, "' OR ''='", &got), SVC_ERR_RP_NOT_FOUND);
	rp_init(&rp, "Bad_Id");
	CHECK_RC(svc_rp_add(db, &rp), GMPKI_ERR_ARG);
	rp_init(&rp, "noorigin");
	rp.origin[0] = '\0';
	CHECK_RC(svc_rp_add(db, &rp), GMPKI_ERR_ARG);
	memset(&k, 0, sizeof(k));
	CHECK_OK(svc_rp_list(db, collect_rp, &k));
	CHECK(k.n == 2);
	CHECK_STR(k.serials[0], "tongfang");
	CHECK_STR(k.serials[1], "wanfeng");
	teardown();
}

/* Every text field keeps SQL metacharacters and HTML verbatim. */
static void
test_hostile_text(void)
{
	struct svc_enterprise e;
	struct svc_account a;
	struct svc_cert c, got;
	struct svc_rp rp, rgot;
	struct svc_session s;
	char uscc[19], id[SVC_TOKEN_LEN + 1], tok[SVC_TOKEN_LEN + 1];
	char csrf[SVC_TOKEN_LEN + 1], ans[40], cap[33];
	int64_t ent, acc, rows = 0, bad = 0;
	size_t i;

	setup();
	for (i = 0; i < NHOSTILE; i++) {
		const char *h = hostile[i];

		make_uscc((int)i + 10, uscc);
		CHECK_OK(svc_enterprise_add(db, uscc, h, h, &ent));
		CHECK_OK(svc_enterprise_find(db, uscc, &e));
		CHECK_STR(e.name, h);
		CHECK_STR(e.region, h);
		CHECK_OK(svc_account_add(db, h, ent, h, 1, &acc));
		CHECK_OK(svc_account_find(db, h, &a));
		CHECK(a.id == acc);
		CHECK_STR(a.username, h);
		CHECK_STR(a.org, h);
		CHECK_STR(a.pwhash, h);

		cert_init(&c, "ABC", acc, 1);
		snprintf(c.serial, sizeof(c.serial), "%X", (unsigned)(i + 1));
		snprintf(c.subject, sizeof(c.subject), "%s", h);
		CHECK_OK(svc_cert_add(db, &c));
		CHECK_OK(svc_cert_find(db, c.serial, 0, &got));
		CHECK_STR(got.subject, h);
		CHECK_STR(got.username, h);

		rp_init(&rp, "rp");
		snprintf(rp.id, sizeof(rp.id), "rp-%zu", i);
		snprintf(rp.name, sizeof(rp.name), "%s", h);
		snprintf(rp.type, sizeof(rp.type), "%s", h);
		snprintf(rp.vendor, sizeof(rp.vendor), "%s", h);
		snprintf(rp.province, sizeof(rp.province), "%s", h);
		snprintf(rp.origin, sizeof(rp.origin), "%s", h);
		snprintf(rp.return_url, sizeof(rp.return_url), "%s", h);
		CHECK_OK(svc_rp_add(db, &rp));
		CHECK_OK(svc_rp_find(db, rp.id, &rgot));
		CHECK(rp_equal(&rp, &rgot));

		CHECK_OK(svc_audit_append(db, 1, h, "login", h, h, h));

		/* Captcha answers are at most 32 bytes. */
		snprintf(cap, sizeof(cap), "%.32s", h);
		CHECK_OK(svc_captcha_create(db, cap, 1, 300, id));
		CHECK_OK(svc_captcha_answer(db, id, 2, ans, sizeof(ans)));
		CHECK_STR(ans, cap);
		CHECK_OK(svc_captcha_check(db, id, cap, 2));

		CHECK_OK(svc_session_create(db, acc, "apply", 1, 60, tok,
		    csrf));
		CHECK_OK(svc_session_find(db, tok, 2, &s));
		CHECK(s.account_id == acc);
	}
	CHECK_OK(svc_audit_verify(db, &rows, &bad));
	CHECK(rows == (int64_t)NHOSTILE);
	CHECK(count("SELECT COUNT(*) FROM enterprises") == (int64_t)NHOSTILE);
	CHECK(count("SELECT COUNT(*) FROM accounts") == (int64_t)NHOSTILE);
	teardown();
}

struct audit_rows {
	struct svc_audit first, last;
	int n;
	int64_t prev_id;
	int ordered;
};

static int
collect_audit(void *arg, const struct svc_audit *a)
{
	struct audit_rows *k = arg;

	if (k->n == 0)
		k->first = *a;
	k->last = *a;
	if (a->id != k->prev_id + 1)
		k->ordered = 0;
	k->prev_id = a->id;
	k->n++;
	return 0;
}

struct appender {
	const char *url;
	int who, errors;
};

static void *
audit_appender(void *p)
{
	struct appender *ap = p;
	svc_db *mydb = NULL;
	char detail[64];
	int i;

	if (svc_db_open(ap->url, &mydb) != 0) {
		ap->errors = 50;
		return NULL;
	}
	for (i = 0; i < 50; i++) {
		snprintf(detail, sizeof(detail), "thread %d row %d", ap->who,
		    i);
		if (svc_audit_append(mydb, 1700000000 + i, "system", "test",
		    "obj", detail, "127.0.0.1") != 0)
			ap->errors++;
	}
	svc_db_close(mydb);
	return NULL;
}

/* hash_1 recomputed here from the definition in store.h and the docs. */
static void
expected_hash1(const struct svc_audit *a, char out[65])
{
	const char *f[6];
	unsigned char buf[2048], md[32];
	char at[24];
	size_t n = 32, len;
	int i;

	snprintf(at, sizeof(at), "%" PRId64, a->at);
	f[0] = at;
	f[1] = a->actor;
	f[2] = a->action;
	f[3] = a->object;
	f[4] = a->detail;
	f[5] = a->addr;
	memset(buf, 0, 32);
	for (i = 0; i < 6; i++) {
		len = strlen(f[i]);
		buf[n++] = (unsigned char)(len >> 24);
		buf[n++] = (unsigned char)(len >> 16);
		buf[n++] = (unsigned char)(len >> 8);
		buf[n++] = (unsigned char)len;
		memcpy(buf + n, f[i], len);
		n += len;
	}
	gmpki_sm3(buf, n, md);
	gmpki_hex(md, sizeof(md), out);
}

static void
test_audit(void)
{
	struct appender ap[2];
	struct audit_rows k;
	pthread_t th[2];
	char want[65], big[600];
	int64_t rows = 0, bad = 0;
	int i;

	setup();
	CHECK_OK(svc_audit_verify(db, &rows, &bad));
	CHECK(rows == 0 && bad == 0);
	for (i = 0; i < 2; i++) {
		ap[i] = (struct appender){ url, i, 0 };
		CHECK(pthread_create(&th[i], NULL, audit_appender, &ap[i]) ==
		    0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		CHECK(ap[i].errors == 0);
	}
	CHECK_OK(svc_audit_verify(db, &rows, &bad));
	CHECK(rows == 100 && bad == 0);

	memset(&k, 0, sizeof(k));
	k.ordered = 1;
	CHECK_OK(svc_audit_list(db, 0, 0, collect_audit, &k));
	CHECK(k.n == 100 && k.ordered && k.first.id == 1 && k.last.id == 100);
	CHECK_STR(k.first.actor, "system");
	CHECK_STR(k.first.addr, "127.0.0.1");
	expected_hash1(&k.first, want);
	CHECK_STR(k.first.hash, want);
	memset(&k, 0, sizeof(k));
	k.prev_id = 10;
	k.ordered = 1;
	CHECK_OK(svc_audit_list(db, 10, 5, collect_audit, &k));
	CHECK(k.n == 5 && k.ordered && k.first.id == 11 && k.last.id == 15);

	/* Limits and required fields. */
	memset(big, 'd', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_RC(svc_audit_append(db, 1, "system", "x", "", big, ""),
	    GMPKI_ERR_TOO_LARGE);
	CHECK_RC(svc_audit_append(db, 1, "", "x", "", "", ""), GMPKI_ERR_ARG);
	CHECK_OK(svc_audit_append(db, 2, "admin", "import", NULL, "a\nb",
	    NULL));
	CHECK_OK(svc_audit_verify(db, &rows, &bad));
	CHECK(rows == 101);

	/* An edited detail is found, with its row. */
	CHECK_OK(svc_db_exec(db, "UPDATE audit_log SET detail = 'nothing'"
	    " WHERE id = 37"));
	CHECK_RC(svc_audit_verify(db, &rows, &bad), SVC_ERR_AUDIT_BROKEN);
	CHECK(bad == 37 && rows == 36);
	teardown();

	/* A deleted middle row, and an edit with the hash recomputed from
	 * the edit on but ids left with a gap. */
	setup();
	for (i = 0; i < 10; i++)
		CHECK_OK(svc_audit_append(db, i, "system", "a", "o", "d", ""));
	CHECK_OK(svc_db_exec(db, "DELETE FROM audit_log WHERE id = 5"));
	CHECK_RC(svc_audit_verify(db, &rows, &bad), SVC_ERR_AUDIT_BROKEN);
	CHECK(bad == 6 && rows == 4);
	/* Closing the gap by renumbering still breaks the chain at 5. */
	CHECK_OK(svc_db_exec(db, "UPDATE audit_log SET id = id - 1"
	    " WHERE id > 5"));
	CHECK_RC(svc_audit_verify(db, &rows, &bad), SVC_ERR_AUDIT_BROKEN);
	CHECK(bad == 5);
	teardown();

	/* Two rows swapped (all columns but the id), and an inserted row. */
	setup();
	for (i = 0; i < 10; i++)
		CHECK_OK(svc_audit_append(db, i, "system", "a", "o", "d", ""));
	CHECK_OK(svc_db_exec(db, "UPDATE audit_log SET id = 1000 WHERE id = 3;"
	    "UPDATE audit_log SET id = 3 WHERE id = 4;"
	    "UPDATE audit_log SET id = 4 WHERE id = 1000"));
	CHECK_RC(svc_audit_verify(db, &rows, &bad), SVC_ERR_AUDIT_BROKEN);
	CHECK(bad == 3);
	teardown();

	setup();
	for (i = 0; i < 10; i++)
		CHECK_OK(svc_audit_append(db, i, "system", "a", "o", "d", ""));
	CHECK_OK(svc_db_exec(db, "INSERT INTO audit_log VALUES (11, 5,"
	    " 'admin', 'revoke', 'x', 'y', '', (SELECT hash FROM audit_log"
	    " WHERE id = 10))"));
	CHECK_RC(svc_audit_verify(db, &rows, &bad), SVC_ERR_AUDIT_BROKEN);
	CHECK(bad == 11 && rows == 10);
	/* A garbage last hash stops further appends rather than chaining. */
	CHECK_OK(svc_db_exec(db, "UPDATE audit_log SET hash = 'zz'"
	    " WHERE id = 11"));
	CHECK_RC(svc_audit_append(db, 1, "system", "a", "", "", ""),
	    SVC_ERR_AUDIT_BROKEN);
	teardown();
}

/* svc_audit_append_tx: the row commits or rolls back with the caller's
 * transaction, and the chain stays whole either way. */
static void
test_audit_in_transaction(void)
{
	int64_t rows = 0, bad = 0;

	setup();
	CHECK_OK(svc_audit_append(db, 100, "admin", "init", "", "", ""));
	CHECK_OK(svc_db_begin(db));
	CHECK_OK(svc_audit_append_tx(db, 101, "u1", "issue", "AB", "x", ""));
	CHECK_OK(svc_db_rollback(db));
	CHECK(count("SELECT count(*) FROM audit_log") == 1);
	CHECK_OK(svc_db_begin(db));
	CHECK_OK(svc_audit_append_tx(db, 102, "u1", "issue", "CD", "y", ""));
	CHECK_OK(svc_audit_append_tx(db, 102, "u1", "revoke", "AB", NULL,
	    NULL));
	CHECK_OK(svc_db_commit(db));
	CHECK(count("SELECT count(*) FROM audit_log") == 3);
	CHECK_OK(svc_audit_verify(db, &rows, &bad));
	CHECK(rows == 3 && bad == 0);
	/* Bad fields are refused before anything is written. */
	CHECK_OK(svc_db_begin(db));
	CHECK(svc_audit_append_tx(db, 103, "", "issue", "", "", "") != 0);
	CHECK_OK(svc_db_rollback(db));
	CHECK_RC(svc_audit_append_tx(NULL, 103, "a", "b", "", "", ""),
	    GMPKI_ERR_ARG);
	teardown();
}

int
main(void)
{
	RUN(test_token_new);
	RUN(test_enterprise);
	RUN(test_account);
	RUN(test_lockout);
	RUN(test_cert);
	RUN(test_ticket);
	RUN(test_ticket_race);
	RUN(test_captcha);
	RUN(test_session);
	RUN(test_rp);
	RUN(test_hostile_text);
	RUN(test_audit);
	RUN(test_audit_in_transaction);
	TEST_MAIN_END();
}
