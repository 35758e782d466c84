/*
 * cmd_demo.c - certsvc demo: loads the demonstration enterprises, accounts
 * and reporting systems, and prints the logins.  Idempotent: what exists
 * already is left as it is (a changed demo password stays changed), what
 * is missing is added, in one transaction.
 *
 * The passwords are printed and written in the documentation: demo data
 * is for a laptop or a test machine, never for a production service.
 * The reporting systems' origins are the loopback ports the sample
 * reporting system (reportsys) listens on: 8450 (万峰), 8451 (同方) and
 * 8452 (福建省), with the login statement posted to /certauth/return.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "config.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "password.h"
#include "store.h"
#include "svc_error.h"

static const char demo_usage[] =
    "用法 (usage): certsvc demo --data DIR\n"
    "\n"
    "载入演示数据：3个企业、账户 demo1/demo2/demo3 和3个直报系统；可重复运行\n"
    "(load demo data: 3 enterprises, accounts demo1/demo2/demo3 and 3\n"
    "reporting systems; running it again adds only what is missing).\n"
    "演示口令会被打印，仅供演示 (the demo passwords are printed: demo only).\n";

static const struct demo_enterprise {
	const char *uscc, *name, *region;
} demo_enterprises[] = {
	/* Valid GB 32100-2015 codes (check characters computed). */
	{ "91350100M000100Y43", "福州闽江示范科技有限公司", "福建省福州市" },
	{ "91110108551385082Q", "北京海淀示范软件有限公司", "北京市海淀区" },
	{ "91110000600037341L", "北京示范统计数据服务有限公司", "北京市" },
};

static const struct demo_account {
	const char *username, *password;
	int enterprise;
} demo_accounts[] = {
	{ "demo1", "Demo@2026a", 0 },
	{ "demo2", "Demo@2026b", 1 },
	{ "demo3", "Demo@2026c", 2 },
};

static const struct svc_rp demo_rps[] = {
	{ "wanfeng", "万峰联网直报系统", "一套表联网直报", "万峰", "",
	    "http://127.0.0.1:8450", "http://127.0.0.1:8450/certauth/return" },
	{ "tongfang", "同方联网直报系统", "一套表联网直报", "同方", "",
	    "http://127.0.0.1:8451", "http://127.0.0.1:8451/certauth/return" },
	{ "fujian", "福建省联网直报系统", "一套表联网直报", "自建", "福建省",
	    "http://127.0.0.1:8452", "http://127.0.0.1:8452/certauth/return" },
};

#define DEMO_N(a) (sizeof(a) / sizeof((a)[0]))

static int
demo_load(struct admin *a, char pwhash[][SVC_PWHASH_MAX], int added[3])
{
	struct svc_enterprise e;
	struct svc_account acc;
	struct svc_rp rp;
	int64_t ent_id[DEMO_N(demo_enterprises)];
	size_t i;
	int rc;

	for (i = 0; i < DEMO_N(demo_enterprises); i++) {
		rc = svc_enterprise_find(a->db, demo_enterprises[i].uscc, &e);
		if (rc == 0)
			ent_id[i] = e.id;
		else if (rc == GMPKI_ERR_NOT_FOUND) {
			if ((rc = svc_enterprise_add(a->db,
			    demo_enterprises[i].uscc, demo_enterprises[i].name,
			    demo_enterprises[i].region, &ent_id[i])) != 0)
				return rc;
			added[0]++;
		} else
			return rc;
	}
	for (i = 0; i < DEMO_N(demo_accounts); i++) {
		rc = svc_account_find(a->db, demo_accounts[i].username, &acc);
		gmpki_wipe(acc.pwhash, sizeof(acc.pwhash));
		if (rc == 0)
			continue;
		if (rc != SVC_ERR_ACCOUNT_NOT_FOUND)
			return rc;
		if ((rc = svc_account_add(a->db, demo_accounts[i].username,
		    ent_id[demo_accounts[i].enterprise], pwhash[i],
		    (int64_t)time(NULL), NULL)) != 0)
			return rc;
		added[1]++;
	}
	for (i = 0; i < DEMO_N(demo_rps); i++) {
		rc = svc_rp_find(a->db, demo_rps[i].id, &rp);
		if (rc == 0)
			continue;
		if (rc != SVC_ERR_RP_NOT_FOUND)
			return rc;
		if ((rc = svc_rp_add(a->db, &demo_rps[i])) != 0)
			return rc;
		added[2]++;
	}
	return 0;
}

int
cmd_demo_main(int argc, char **argv)
{
	const char *cmd = "demo", *data = NULL;
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &data, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	char pwhash[DEMO_N(demo_accounts)][SVC_PWHASH_MAX], detail[128];
	const struct demo_enterprise *de;
	struct admin a;
	int added[3] = { 0, 0, 0 };
	size_t i;
	int rc, ret;

	if ((ret = admin_start(&a, cmd, demo_usage, argc, argv, opts, &data)) !=
	    CMD_OK)
		return cmd_status(ret);
	memset(pwhash, 0, sizeof(pwhash));
	/* Hashing is slow (pbkdf2_iter): before the write lock is taken. */
	for (i = 0; i < DEMO_N(demo_accounts); i++)
		if ((rc = svc_password_hash(demo_accounts[i].password,
		    a.cfg.pbkdf2_iter, pwhash[i], sizeof(pwhash[i]))) != 0) {
			ret = admin_error(cmd, "password", rc);
			goto out;
		}
	if ((ret = admin_begin(&a)) != CMD_OK)
		goto out;
	if ((rc = demo_load(&a, pwhash, added)) != 0) {
		ret = admin_abort(&a, NULL, rc);
		goto out;
	}
	snprintf(detail, sizeof(detail), "added %d enterprises, %d accounts, "
	    "%d reporting systems", added[0], added[1], added[2]);
	if ((ret = admin_commit(&a, NULL, "demo_load", "", detail)) != CMD_OK)
		goto out;
	/* Informational: the configuration says demo data was loaded. */
	if (!a.cfg.demo) {
		a.cfg.demo = 1;
		if ((rc = svc_config_write(&a.cfg)) != 0)
			admin_error(cmd, "certsvc.conf", rc);
	}
	printf("演示数据已载入 (demo data loaded): 新增 %d 个企业、%d 个账户、"
	    "%d 个直报系统 (%s)\n", added[0], added[1], added[2], detail);
	printf("仅供演示，切勿用于生产 (demo only, never in production).\n\n");
	printf("演示账户 (demo logins):\n");
	for (i = 0; i < DEMO_N(demo_accounts); i++) {
		de = &demo_enterprises[demo_accounts[i].enterprise];
		printf("  用户名 %s  口令 %s  %s  %s\n",
		    demo_accounts[i].username, demo_accounts[i].password,
		    de->uscc, de->name);
	}
	printf("\n直报系统 (reporting systems):\n");
	for (i = 0; i < DEMO_N(demo_rps); i++)
		printf("  %-9s %s  %s\n", demo_rps[i].id, demo_rps[i].name,
		    demo_rps[i].origin);
	ret = CMD_OK;
out:
	gmpki_wipe(pwhash, sizeof(pwhash));
	admin_close(&a);
	return ret;
}
