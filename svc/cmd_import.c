/*
 * cmd_import.c - certsvc import: enterprises and accounts from a CSV file.
 *
 *   username,统一社会信用代码,企业名称,initial password
 *
 * All or nothing: every line is checked before anything is written, and
 * the writes are one transaction, so one bad line leaves the database as
 * it was and the message names the line.  The phases:
 *   1. read (at most IMPORT_FILE_MAX bytes) and parse (csv.c: UTF-8,
 *      RFC 4180, IMPORT_LINE_MAX bytes a record), checking each line and
 *      the file as a whole (a username twice; one code with two names);
 *   2. check against the database (existing usernames; a code already
 *      registered under another name);
 *   3. hash the passwords (PBKDF2-HMAC-SM3, the configured pbkdf2_iter:
 *      about 10 ms each, so on as many threads as there are CPUs, with
 *      progress on stderr every 1000 lines);
 *   4. one transaction: enterprises (once per code), the accounts and
 *      the audit row.
 * Passwords are wiped from memory as soon as they are hashed.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "csv.h"
#include "gmpki/crypto.h"
#include "gmpki/error.h"
#include "gmpki/io.h"
#include "gmpki/uscc.h"
#include "password.h"
#include "store.h"
#include "svc_error.h"

#define IMPORT_FILE_MAX (64u * 1024 * 1024)
#define IMPORT_LINE_MAX 4096
#define IMPORT_MAX_ERRORS 20	/* lines reported before giving up */
#define IMPORT_PROGRESS 1000
#define IMPORT_THREADS_MAX 16

static const char import_usage[] =
    "用法 (usage): certsvc import --data DIR FILE.csv\n"
    "\n"
    "从CSV文件导入企业和账户 (import enterprises and accounts from CSV).\n"
    "每行四列 (four columns a line):\n"
    "  用户名,统一社会信用代码,企业名称,初始密码\n"
    "  (username, unified social credit code, enterprise name, initial\n"
    "  password).  UTF-8 (可带BOM, BOM allowed); RFC 4180 quoting; 可选的\n"
    "  表头行 (optional header line), exactly one of:\n"
    "    用户名,统一社会信用代码,企业名称,初始密码\n"
    "    username,uscc,name,password\n"
    "任何一行有错则不导入任何数据 (one bad line imports nothing).\n"
    "退出码 (exit codes): 0 成功, 1 输入被拒绝, 2 用法错误, 3 内部错误\n";

static const char *const import_headers[][4] = {
	{ "用户名", "统一社会信用代码", "企业名称", "初始密码" },
	{ "username", "uscc", "name", "password" },
};

struct import_row {
	size_t line;
	char *username, *uscc, *org, *password;	/* one block at username */
	size_t first;		/* index of the first row with this code */
	char pwhash[SVC_PWHASH_MAX];
};

struct import {
	struct admin *a;
	struct import_row *rows;
	size_t n, cap;
	/* Open addressing, index + 1 of a row (0 empty); power-of-2 size. */
	size_t *by_user, *by_code, mask;
	int errors;
};

/* "certsvc: import: line N: 中文 (English)[: arg]" */
static void
import_line_error(struct import *im, size_t line, const char *zh,
    const char *en, const char *arg)
{
	im->errors++;
	if (im->errors > IMPORT_MAX_ERRORS)
		return;
	fprintf(stderr, "certsvc: import: line %zu: %s (%s)", line, zh, en);
	if (arg != NULL) {
		fputs(": ", stderr);
		admin_print(stderr, arg);
	}
	fputc('\n', stderr);
}

/* FNV-1a: the table holds at most half its slots, so chains stay short. */
static size_t
import_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/*
 * Looks key up in tab (key_of gives a row's key); returns the index + 1 of
 * the row that has it, or adds row idx and returns 0.
 */
static size_t
import_tab(struct import *im, size_t *tab, const char *key, int by_code,
    size_t idx)
{
	size_t h = import_hash(key) & im->mask, r;
	const char *k;

	while ((r = tab[h]) != 0) {
		k = by_code ? im->rows[r - 1].uscc : im->rows[r - 1].username;
		if (strcmp(k, key) == 0)
			return r;
		h = (h + 1) & im->mask;
	}
	tab[h] = idx + 1;
	return 0;
}

static int
import_header(const struct svc_csv_record *r)
{
	size_t i, k;

	for (k = 0; k < sizeof(import_headers) / sizeof(import_headers[0]);
	    k++) {
		if (r->nfields != 4)
			continue;
		for (i = 0; i < 4; i++)
			if (strcmp(r->field[i], import_headers[k][i]) != 0)
				break;
		if (i == 4)
			return 1;
	}
	return 0;
}

/* A header attempt: the code column holds a column name, not a code. */
static int
import_header_like(const struct svc_csv_record *r)
{
	return r->nfields >= 2 && (strcmp(r->field[1], "统一社会信用代码") ==
	    0 || strcasecmp(r->field[1], "uscc") == 0);
}

static int
import_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Checks one record and keeps it; line errors are counted in im. */
static int
import_record(struct import *im, const struct svc_csv_record *r)
{
	struct import_row *row, *other;
	char zh[1024], en[256], expected = '\0', num[32];
	size_t pos = 0, dup, i, len;
	char *block;
	int rc, bad = 0;

	if (r->nfields != 4) {
		snprintf(zh, sizeof(zh), "应有4列，实际为%zu列", r->nfields);
		snprintf(en, sizeof(en), "expected 4 columns, got %zu",
		    r->nfields);
		import_line_error(im, r->line, zh, en, NULL);
		return 0;
	}
	if (!admin_username_ok(r->field[0])) {
		import_line_error(im, r->line, "用户名无效：应为3-64位字母、数字"
		    "或 _ . -，以字母或数字开头", "invalid username: 3-64 of "
		    "A-Z a-z 0-9 _ . -, starting with a letter or digit",
		    r->field[0]);
		bad = 1;
	}
	if ((rc = gmpki_uscc_validate(r->field[1], &pos, &expected)) != 0) {
		admin_uscc_explain(r->field[1], rc, pos, expected, zh,
		    sizeof(zh), en, sizeof(en));
		import_line_error(im, r->line, zh, en, r->field[1]);
		bad = 1;
	}
	if (!admin_orgname_ok(r->field[2])) {
		import_line_error(im, r->line, "企业名称无效：应为1-128个字符，"
		    "不含控制字符，首尾无空格", "invalid enterprise name: 1-128 "
		    "characters, no control characters, no space at either end",
		    r->len[2] > 0 ? r->field[2] : NULL);
		bad = 1;
	}
	if (import_has_ctl(r->field[3]) ||
	    (rc = svc_password_policy(r->field[3])) != 0) {
		import_line_error(im, r->line, "初始密码不符合要求：8-128字节，"
		    "不含控制字符", "initial password refused: 8-128 bytes, no "
		    "control characters", NULL);
		bad = 1;
	}
	if (bad)
		return 0;

	if (im->n == im->cap)
		return GMPKI_ERR_INTERNAL;	/* cap counted the lines */
	row = &im->rows[im->n];
	memset(row, 0, sizeof(*row));
	len = 0;
	for (i = 0; i < 4; i++)
		len += r->len[i] + 1;
	if ((block = malloc(len)) == NULL)
		return GMPKI_ERR_NOMEM;
	row->line = r->line;
	row->username = block;
	memcpy(block, r->field[0], r->len[0] + 1);
	row->uscc = block += r->len[0] + 1;
	memcpy(block, r->field[1], r->len[1] + 1);
	row->org = block += r->len[1] + 1;
	memcpy(block, r->field[2], r->len[2] + 1);
	row->password = block += r->len[2] + 1;
	memcpy(block, r->field[3], r->len[3] + 1);

	if ((dup = import_tab(im, im->by_user, row->username, 0, im->n)) !=
	    0) {
		snprintf(num, sizeof(num), "%zu", im->rows[dup - 1].line);
		snprintf(zh, sizeof(zh), "用户名与第%s行重复", num);
		snprintf(en, sizeof(en), "username repeats line %s", num);
		import_line_error(im, r->line, zh, en, row->username);
	}
	row->first = im->n;
	if ((dup = import_tab(im, im->by_code, row->uscc, 1, im->n)) != 0) {
		other = &im->rows[dup - 1];
		row->first = dup - 1;
		if (strcmp(other->org, row->org) != 0) {
			snprintf(zh, sizeof(zh), "统一社会信用代码 %s 在第%zu行"
			    "的企业名称为“%s”，此行为“%s”", row->uscc,
			    other->line, other->org, row->org);
			snprintf(en, sizeof(en), "code %s has another "
			    "enterprise name on line %zu", row->uscc,
			    other->line);
			import_line_error(im, r->line, zh, en, NULL);
		}
	}
	/*
	 * A row that repeats another stays in the tables (so later lines are
	 * compared with it too) but is never written: errors stop the import.
	 */
	im->n++;
	return 0;
}

static int
import_parse(struct import *im, const unsigned char *buf, size_t len)
{
	struct svc_csv_record r;
	struct svc_csv csv;
	size_t lines = 1, i, tab = 2;
	int rc, first = 1;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			lines++;
	while (tab < 2 * lines)
		tab <<= 1;
	im->cap = lines;
	im->mask = tab - 1;
	if ((im->rows = calloc(lines, sizeof(*im->rows))) == NULL ||
	    (im->by_user = calloc(tab, sizeof(size_t))) == NULL ||
	    (im->by_code = calloc(tab, sizeof(size_t))) == NULL)
		return GMPKI_ERR_NOMEM;
	if ((rc = svc_csv_init(&csv, buf, len, IMPORT_LINE_MAX)) != 0)
		return rc;
	while ((rc = svc_csv_next(&csv, &r)) == 1) {
		if (r.nfields == 1 && r.len[0] == 0)
			continue;	/* a blank line */
		if (first) {
			first = 0;
			if (import_header(&r))
				continue;
			if (import_header_like(&r)) {
				import_line_error(im, r.line, "表头应为“用户名,"
				    "统一社会信用代码,企业名称,初始密码”",
				    "header must be exactly "
				    "\"username,uscc,name,password\"", NULL);
				continue;
			}
		}
		if ((rc = import_record(im, &r)) != 0)
			break;
	}
	if (rc == SVC_ERR_CSV) {
		import_line_error(im, csv.err_line,
		    svc_csv_strerror(csv.err), svc_csv_strerror_en(csv.err),
		    NULL);
		rc = 0;		/* counted in errors */
	}
	svc_csv_free(&csv);
	return rc;
}

/* Phase 2: what the database already holds. */
static int
import_check_db(struct import *im)
{
	struct svc_enterprise e;
	struct svc_account acc;
	struct import_row *row;
	char zh[700], en[256];
	size_t i;
	int rc;

	for (i = 0; i < im->n; i++) {
		row = &im->rows[i];
		rc = svc_account_find(im->a->db, row->username, &acc);
		gmpki_wipe(acc.pwhash, sizeof(acc.pwhash));
		if (rc == 0)
			import_line_error(im, row->line, "用户名已存在",
			    "username already exists", row->username);
		else if (rc != SVC_ERR_ACCOUNT_NOT_FOUND)
			return rc;
		if (row->first != i)
			continue;
		rc = svc_enterprise_find(im->a->db, row->uscc, &e);
		if (rc == 0 && strcmp(e.name, row->org) != 0) {
			snprintf(zh, sizeof(zh), "统一社会信用代码 %s 已登记，"
			    "企业名称为“%s”", row->uscc, e.name);
			snprintf(en, sizeof(en), "code %s is already registered "
			    "under another enterprise name", row->uscc);
			import_line_error(im, row->line, zh, en, NULL);
		} else if (rc != 0 && rc != GMPKI_ERR_NOT_FOUND)
			return rc;
	}
	return 0;
}

/* Phase 3: hashing on worker threads; the main thread reports. */
struct import_hashing {
	struct import_row *rows;
	size_t n, next, done;
	uint32_t iter;
	int rc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *
import_hash_worker(void *arg)
{
	struct import_hashing *h = arg;
	struct import_row *row;
	size_t i;
	int rc;

	for (;;) {
		pthread_mutex_lock(&h->mu);
		if (h->rc != 0 || h->next >= h->n) {
			pthread_mutex_unlock(&h->mu);
			return NULL;
		}
		i = h->next++;
		pthread_mutex_unlock(&h->mu);
		row = &h->rows[i];
		rc = svc_password_hash(row->password, h->iter, row->pwhash,
		    sizeof(row->pwhash));
		gmpki_wipe(row->password, strlen(row->password));
		pthread_mutex_lock(&h->mu);
		if (rc != 0 && h->rc == 0)
			h->rc = rc;
		h->done++;
		pthread_cond_signal(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
}

static int
import_hash_all(struct import *im)
{
	struct import_hashing h;
	pthread_t th[IMPORT_THREADS_MAX];
	struct timespec t0, t1;
	size_t reported = 0;
	long ncpu;
	double secs;
	int nth, started, i;

	memset(&h, 0, sizeof(h));
	h.rows = im->rows;
	h.n = im->n;
	h.iter = im->a->cfg.pbkdf2_iter;
	pthread_mutex_init(&h.mu, NULL);
	pthread_cond_init(&h.cv, NULL);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	nth = ncpu < 1 ? 1 : ncpu > IMPORT_THREADS_MAX ? IMPORT_THREADS_MAX :
	    (int)ncpu;
	if ((size_t)nth > im->n)
		nth = (int)im->n;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (started = 0; started < nth; started++)
		if (pthread_create(&th[started], NULL, import_hash_worker,
		    &h) != 0)
			break;
	if (started == 0)
		(void)import_hash_worker(&h);	/* no threads: do it here */
	pthread_mutex_lock(&h.mu);
	/* On an error the workers stop taking rows; wait for those taken. */
	while (h.rc == 0 ? h.done < h.n : h.done < h.next) {
		pthread_cond_wait(&h.cv, &h.mu);
		if (h.done / IMPORT_PROGRESS > reported / IMPORT_PROGRESS &&
		    h.done < h.n) {
			reported = h.done;
			fprintf(stderr, "certsvc: import: %zu/%zu 口令已处理 "
			    "(passwords hashed)\n", h.done, h.n);
		}
	}
	pthread_mutex_unlock(&h.mu);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (h.rc == 0 && h.n >= IMPORT_PROGRESS)
		fprintf(stderr, "certsvc: import: %zu 口令用时 %.1f 秒，%d 线程 "
		    "(%zu passwords hashed in %.1f s on %d threads, %.0f/s)\n",
		    h.n, secs, started > 0 ? started : 1, h.n, secs,
		    started > 0 ? started : 1, secs > 0 ? (double)h.n / secs :
		    0.0);
	pthread_cond_destroy(&h.cv);
	pthread_mutex_destroy(&h.mu);
	return h.rc;
}

/*
 * Phase 4: one transaction with its audit row (object: the file's name,
 * detail ends with the file's SM3).  *accounts and *enterprises count the
 * rows written.
 */
static int
import_write(struct import *im, const char *object, const char *sm3,
    size_t *accounts, size_t *enterprises)
{
	char detail[256];
	svc_db *db = im->a->db;
	struct svc_enterprise e;
	struct import_row *row = NULL;
	int64_t *ent_id = NULL, id;
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int rc;

	*accounts = *enterprises = 0;
	if ((ent_id = calloc(im->n, sizeof(*ent_id))) == NULL)
		return admin_error(im->a->cmd, NULL, GMPKI_ERR_NOMEM);
	if ((rc = admin_begin(im->a)) != CMD_OK) {
		free(ent_id);
		return rc;
	}
	for (i = 0; i < im->n; i++) {
		row = &im->rows[i];
		if (row->first == i) {
			rc = svc_enterprise_find(db, row->uscc, &e);
			if (rc == 0 && strcmp(e.name, row->org) == 0)
				id = e.id;
			else if (rc == GMPKI_ERR_NOT_FOUND) {
				if ((rc = svc_enterprise_add(db, row->uscc,
				    row->org, "", &id)) != 0)
					goto fail;
				(*enterprises)++;
			} else {
				/* Registered meanwhile under another name. */
				if (rc == 0)
					rc = SVC_ERR_DB_CONFLICT;
				goto fail;
			}
			ent_id[i] = id;
		} else
			ent_id[i] = ent_id[row->first];
		if ((rc = svc_account_add(db, row->username, ent_id[i],
		    row->pwhash, now, NULL)) != 0)
			goto fail;
		(*accounts)++;
		if ((i + 1) % 100000 == 0)
			fprintf(stderr, "certsvc: import: %zu/%zu 已写入 "
			    "(written)\n", i + 1, im->n);
	}
	free(ent_id);
	snprintf(detail, sizeof(detail), "imported %zu accounts, %zu "
	    "enterprises; file sm3 %s", *accounts, *enterprises, sm3);
	if ((rc = admin_commit(im->a, NULL, "import", object, detail)) !=
	    CMD_OK)
		*accounts = *enterprises = 0;
	return rc;
fail:
	free(ent_id);
	svc_db_rollback(db);
	*accounts = *enterprises = 0;
	fprintf(stderr, "certsvc: import: line %zu: %s (%s)\n",
	    row != NULL ? row->line : 0, svc_strerror(rc),
	    svc_strerror_en(rc));
	fprintf(stderr, "certsvc: import: 没有导入任何数据 (nothing "
	    "imported)\n");
	return admin_exit_code(rc);
}

static void
import_free(struct import *im)
{
	size_t i;

	for (i = 0; i < im->n; i++) {
		if (im->rows[i].username == NULL)
			continue;
		gmpki_wipe(im->rows[i].password, strlen(im->rows[i].password));
		free(im->rows[i].username);
	}
	if (im->rows != NULL)
		gmpki_wipe(im->rows, im->cap * sizeof(*im->rows));
	free(im->rows);
	free(im->by_user);
	free(im->by_code);
}

/*
 * The file's name for the audit row's object: its last component, control
 * characters as '?', cut at a character boundary to fit the field.
 */
static void
import_object(const char *path, char *out, size_t outlen)
{
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
	    path;
	size_t n = 0;

	for (; *base != '\0' && n + 1 < outlen; base++)
		out[n++] = (unsigned char)*base < 0x20 || *base == 0x7f ? '?' :
		    *base;
	/* Do not end inside a UTF-8 sequence. */
	if (((unsigned char)*base & 0xC0) == 0x80) {
		while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;	/* the sequence's lead byte */
	}
	out[n] = '\0';
}

/* The file's SM3, for the audit row: which file was imported. */
static void
import_digest(const unsigned char *buf, size_t len, char hex[65])
{
	uint8_t md[GMPKI_SM3_LEN];

	if (gmpki_sm3(buf, len, md) == 0)
		gmpki_hex(md, sizeof(md), hex);
	else
		snprintf(hex, 65, "-");
}

int
cmd_import_main(int argc, char **argv)
{
	const char *cmd = "import", *data = NULL, *path;
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &data, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	unsigned char *buf = NULL;
	struct import im;
	struct admin a;
	size_t len = 0, accounts = 0, enterprises = 0;
	char sm3[65], object[120];
	int rc, ret;

	if ((ret = cmd_getopt(cmd, import_usage, argc, argv, opts, NULL,
	    CMD_OPT_OPERANDS)) != CMD_OK)
		return cmd_status(ret);
	if (optind != argc - 1)
		return admin_usage_error(cmd, "应给出一个CSV文件",
		    "give exactly one CSV file", NULL);
	path = argv[optind];
	if ((ret = admin_open(&a, cmd, data)) != CMD_OK)
		return ret;
	memset(&im, 0, sizeof(im));
	im.a = &a;
	if ((rc = gmpki_file_read(path, IMPORT_FILE_MAX, &buf, &len)) != 0) {
		if (rc == GMPKI_ERR_TOO_LARGE)
			admin_message(cmd, "文件超过64 MiB，请分批导入",
			    "file larger than 64 MiB, import it in parts", path);
		else
			admin_message(cmd, "无法读取文件", "cannot read the file",
			    path);
		ret = CMD_FAIL;
		goto out;
	}
	import_digest(buf, len, sm3);
	if ((rc = import_parse(&im, buf, len)) != 0) {
		ret = admin_error(cmd, NULL, rc);
		goto out;
	}
	if (im.errors == 0 && im.n == 0) {
		admin_message(cmd, "文件中没有账户", "no accounts in the file",
		    path);
		ret = CMD_FAIL;
		goto out;
	}
	if (im.errors == 0 && (rc = import_check_db(&im)) != 0) {
		ret = admin_error(cmd, NULL, rc);
		goto out;
	}
	if (im.errors > 0) {
		if (im.errors > IMPORT_MAX_ERRORS)
			fprintf(stderr, "certsvc: import: 另有 %d 处错误未列出 "
			    "(%d more errors not shown)\n",
			    im.errors - IMPORT_MAX_ERRORS,
			    im.errors - IMPORT_MAX_ERRORS);
		fprintf(stderr, "certsvc: import: 没有导入任何数据 (nothing "
		    "imported)\n");
		ret = CMD_FAIL;
		goto out;
	}
	if ((rc = import_hash_all(&im)) != 0) {
		ret = admin_error(cmd, "password", rc);
		goto out;
	}
	import_object(path, object, sizeof(object));
	if ((ret = import_write(&im, object, sm3, &accounts,
	    &enterprises)) != CMD_OK)
		goto out;
	printf("已导入 %zu 个账户、%zu 个企业 (imported %zu accounts, %zu "
	    "enterprises)\n", accounts, enterprises, accounts, enterprises);
out:
	import_free(&im);
	if (buf != NULL) {
		gmpki_wipe(buf, len);
		free(buf);
	}
	admin_close(&a);
	return ret;
}
