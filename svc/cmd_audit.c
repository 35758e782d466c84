/*
 * cmd_audit.c - certsvc audit show|verify.
 *
 * The audit log is chained with SM3 (store_audit.c): verify recomputes the
 * chain and names the first row that was edited, inserted or deleted.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "gmpki/error.h"
#include "store.h"
#include "svc_error.h"

static const char audit_usage[] =
    "用法 (usage):\n"
    "  certsvc audit show --data DIR [--last N]\n"
    "  certsvc audit verify --data DIR\n"
    "\n"
    "show: 最近 N 条审计记录 (the last N audit rows, default 20, at most\n"
    "      100000), tab-separated: id, time (UTC), actor, action, object,\n"
    "      detail, address.\n"
    "verify: 重新计算SM3链 (recompute the SM3 chain); exit 0 when intact,\n"
    "      1 naming the first edited, inserted or deleted row.\n";

#define AUDIT_LAST_MAX 100000

struct audit_ring {
	struct svc_audit *v;
	size_t cap, n, next;
};

static int
audit_keep(void *arg, const struct svc_audit *row)
{
	struct audit_ring *r = arg;

	r->v[r->next] = *row;
	r->next = (r->next + 1) % r->cap;
	if (r->n < r->cap)
		r->n++;
	return 0;
}

static void
audit_row_print(const struct svc_audit *row)
{
	char when[40];

	admin_time(row->at, when, sizeof(when));
	printf("%" PRId64 "\t%s\t", row->id, when);
	admin_print(stdout, row->actor);
	putchar('\t');
	admin_print(stdout, row->action);
	putchar('\t');
	admin_print(stdout, row->object);
	putchar('\t');
	admin_print(stdout, row->detail);
	putchar('\t');
	admin_print(stdout, row->addr);
	putchar('\n');
}

/* --last N, checked as it is read. */
static int
audit_last_check(const char *cmd, const char *arg)
{
	char *end;
	long last = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || last < 1 || last > AUDIT_LAST_MAX)
		return admin_usage_error(cmd, "--last 应为1到100000之间的整数",
		    "--last must be an integer from 1 to 100000", arg);
	return CMD_OK;
}

static int
audit_show(const char *cmd, int argc, char **argv)
{
	const char *data = NULL, *last = NULL;
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &data, NULL },
		{ "last", 'n', 1, &last, audit_last_check },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct audit_ring ring;
	struct admin a;
	size_t i;
	int rc, ret;

	if ((ret = admin_start(&a, cmd, audit_usage, argc, argv, opts,
	    &data)) != CMD_OK)
		return cmd_status(ret);
	memset(&ring, 0, sizeof(ring));
	ring.cap = last != NULL ? (size_t)strtol(last, NULL, 10) : 20;
	if ((ring.v = calloc(ring.cap, sizeof(*ring.v))) == NULL) {
		admin_close(&a);
		return admin_error(cmd, NULL, GMPKI_ERR_NOMEM);
	}
	/* One pass over the log keeping the last N: no count query needed. */
	if ((rc = svc_audit_list(a.db, 0, 0, audit_keep, &ring)) != 0)
		ret = admin_error(cmd, NULL, rc);
	else {
		printf("id\ttime\tactor\taction\tobject\tdetail\taddr\n");
		for (i = 0; i < ring.n; i++)
			audit_row_print(&ring.v[(ring.next + ring.cap - ring.n +
			    i) % ring.cap]);
		ret = CMD_OK;
	}
	free(ring.v);
	admin_close(&a);
	return ret;
}

static int
audit_verify(const char *cmd, int argc, char **argv)
{
	const char *data = NULL;
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &data, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct audit_ring ring;
	struct svc_audit head;
	struct admin a;
	int64_t rows = 0, bad = 0;
	char id[32];
	int rc, ret;

	if ((ret = admin_start(&a, cmd, audit_usage, argc, argv, opts,
	    &data)) != CMD_OK)
		return cmd_status(ret);
	rc = svc_audit_verify(a.db, &rows, &bad);
	if (rc == SVC_ERR_AUDIT_BROKEN) {
		snprintf(id, sizeof(id), "%" PRId64, bad);
		fprintf(stderr, "certsvc: %s: %s (%s): 第 %s 行起被改动、插入或"
		    "删除 (first bad row: id %s); 之前 %" PRId64 " 行完整 (%"
		    PRId64 " rows before it intact)\n", cmd,
		    svc_strerror(rc), svc_strerror_en(rc), id, id, rows, rows);
		ret = CMD_FAIL;
	} else if (rc != 0)
		ret = admin_error(cmd, NULL, rc);
	else {
		printf("审计日志完整 (audit log intact): %" PRId64 " rows\n",
		    rows);
		/* The head hash, for anchoring outside the database. */
		memset(&ring, 0, sizeof(ring));
		memset(&head, 0, sizeof(head));
		ring.v = &head;
		ring.cap = 1;
		if (rows > 0 && svc_audit_list(a.db, rows - 1, 1, audit_keep,
		    &ring) == 0 && ring.n == 1)
			printf("最新记录 (head): id %" PRId64 " sm3 %s\n",
			    head.id, head.hash);
		ret = CMD_OK;
	}
	admin_close(&a);
	return ret;
}

int
cmd_audit_main(int argc, char **argv)
{
	static const struct admin_sub subs[] = {
		{ "show", audit_show },
		{ "verify", audit_verify },
		{ NULL, NULL },
	};

	return admin_dispatch("audit", audit_usage, subs, argc, argv);
}
