/*
 * cmd_rp.c - certsvc rp add|list: the reporting-system directory (联网直报
 * 系统: the 万峰 and 同方 entries and the provinces' own systems) that the
 * portal lists and the helper trusts for the login protocol.
 *
 * Origins are kept in the form browsers send them (RFC 6454 §6.2): a
 * lower-case scheme (http or https) and host, the port only when it is not
 * the scheme's default, nothing after.  A return URL must lie under its
 * origin (origin + "/" + path), so a statement is only ever posted back to
 * the system that asked for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "csv.h"
#include "gmpki/error.h"
#include "store.h"
#include "svc_error.h"

static const char rp_usage[] =
    "用法 (usage):\n"
    "  certsvc rp add --data DIR --id ID --name NAME --type TYPE\n"
    "                 --vendor VENDOR [--province P] --origin URL\n"
    "                 --return-url URL\n"
    "  certsvc rp list --data DIR [--json]\n"
    "\n"
    "--id: 1-63位 a-z 0-9 - (1-63 of a-z 0-9 -), e.g. wanfeng\n"
    "--origin: http(s)://主机[:端口]，小写，无路径，不写默认端口\n"
    "     (scheme://host[:port], lower case, no path, no default port)\n"
    "--return-url: 必须在该源之下 (must be under the origin):\n"
    "     ORIGIN/path\n"
    "--province: 自建系统的省份；全国系统留空\n"
    "     (the province of a self-built system; none for national ones)\n"
    "退出码 (exit codes): 0 成功, 1 输入被拒绝, 2 用法错误, 3 内部错误\n";

/* [a-z0-9-]{1,63}: it appears in URLs and statements. */
static int
rp_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 63)
		return 0;
	for (; *id != '\0'; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' &&
		    *id <= '9') || *id == '-'))
			return 0;
	return 1;
}

/*
 * Checks origin; on error *zh / *en say what is wrong.  Hosts: DNS names
 * (labels of [a-z0-9-], not starting or ending with '-'), IPv4 dotted
 * quads, or [IPv6] (hex digits, ':' and '.').
 */
static int
rp_origin_ok(const char *o, const char **zh, const char **en)
{
	const char *h, *p;
	size_t scheme_len, label = 0;
	long port = 0;
	int https, digits = 0;

	*zh = "源格式应为 http(s)://主机[:端口]";
	*en = "origin must be http(s)://host[:port]";
	if (strncmp(o, "https://", 8) == 0) {
		https = 1;
		scheme_len = 8;
	} else if (strncmp(o, "http://", 7) == 0) {
		https = 0;
		scheme_len = 7;
	} else
		return 0;
	h = p = o + scheme_len;
	if (*p == '[') {
		for (p++; *p != ']'; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' &&
			    *p <= 'f') || *p == ':' || *p == '.'))
				goto badhost;
		if (p == h + 1)
			goto badhost;
		p++;
	} else {
		for (; *p != '\0' && *p != ':' && *p != '/'; p++) {
			if (*p == '.') {
				if (label == 0 || p[-1] == '-')
					goto badhost;
				label = 0;
				continue;
			}
			if (*p >= 'A' && *p <= 'Z') {
				*zh = "源应为小写（浏览器发送的形式）";
				*en = "origin must be lower case (as browsers "
				    "send it)";
				return 0;
			}
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' &&
			    *p <= '9') || (*p == '-' && label > 0)))
				goto badhost;
			label++;
		}
		if (p == h || label == 0 || p[-1] == '-')
			goto badhost;
	}
	if (*p == ':') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (digits == 0 && *p == '0')
				goto badport;
			port = port * 10 + (*p - '0');
			if (++digits > 5)
				goto badport;
		}
		if (digits == 0 || port > 65535)
			goto badport;
		if ((https && port == 443) || (!https && port == 80)) {
			*zh = "源中不应写默认端口（浏览器不发送）";
			*en = "origin must omit the default port (browsers "
			    "do)";
			return 0;
		}
	}
	if (*p != '\0') {
		*zh = "源只含协议、主机和端口，不含路径";
		*en = "origin is scheme, host and port only, no path";
		return 0;
	}
	return 1;
badhost:
	*zh = "源的主机名无效";
	*en = "invalid host in the origin";
	return 0;
badport:
	*zh = "源的端口无效（1-65535）";
	*en = "invalid port in the origin (1-65535)";
	return 0;
}

/* ORIGIN "/" then printable ASCII without '#', within the field. */
static int
rp_return_ok(const char *url, const char *origin, size_t max)
{
	size_t n = strlen(origin);

	if (strlen(url) > max || strncmp(url, origin, n) != 0 ||
	    url[n] != '/')
		return 0;
	for (url += n; *url != '\0'; url++)
		if (*url <= 0x20 || *url >= 0x7f || *url == '#')
			return 0;
	return 1;
}

/* Text fields: valid UTF-8 of 1 (min) to max bytes, no control chars. */
static int
rp_text_ok(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max || !svc_utf8_valid(s, n))
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

#define RP_MAX(f) (sizeof(((struct svc_rp *)0)->f) - 1)

static int
rp_add(const char *cmd, int argc, char **argv)
{
	const char *data = NULL, *id = NULL, *name = NULL, *type = NULL;
	const char *vendor = NULL, *province = "", *origin = NULL;
	const char *ret_url = NULL, *zh, *en;
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &data, NULL },
		{ "id", 'i', 1, &id, NULL },
		{ "name", 'n', 1, &name, NULL },
		{ "type", 't', 1, &type, NULL },
		{ "vendor", 'v', 1, &vendor, NULL },
		{ "province", 'p', 1, &province, NULL },
		{ "origin", 'o', 1, &origin, NULL },
		{ "return-url", 'r', 1, &ret_url, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct svc_rp rp;
	struct admin a;
	char detail[400];
	int rc, ret;

	if ((ret = cmd_getopt(cmd, rp_usage, argc, argv, opts, NULL, 0)) !=
	    CMD_OK)
		return cmd_status(ret);
	if (id == NULL || name == NULL || type == NULL || vendor == NULL ||
	    origin == NULL || ret_url == NULL)
		return admin_usage_error(cmd, "需要 --id、--name、--type、"
		    "--vendor、--origin 和 --return-url", "--id, --name, "
		    "--type, --vendor, --origin and --return-url are required",
		    NULL);
	if (!rp_id_ok(id)) {
		admin_message(cmd, "标识无效：应为1-63位 a-z 0-9 -",
		    "invalid id: 1-63 of a-z 0-9 -", id);
		return CMD_FAIL;
	}
	if (!rp_text_ok(name, 1, RP_MAX(name)) ||
	    !rp_text_ok(type, 1, RP_MAX(type)) ||
	    !rp_text_ok(vendor, 1, RP_MAX(vendor)) ||
	    !rp_text_ok(province, 0, RP_MAX(province))) {
		admin_message(cmd, "名称、类型、厂商或省份无效（UTF-8，无控制字符，"
		    "名称至多255字节，其余至多63字节）", "invalid name, type, "
		    "vendor or province (UTF-8, no control characters, name at "
		    "most 255 bytes, the others 63)", NULL);
		return CMD_FAIL;
	}
	if (strlen(origin) > RP_MAX(origin) || !rp_origin_ok(origin, &zh,
	    &en)) {
		if (strlen(origin) > RP_MAX(origin)) {
			zh = "源过长";
			en = "origin too long";
		}
		admin_message(cmd, zh, en, origin);
		return CMD_FAIL;
	}
	if (!rp_return_ok(ret_url, origin, RP_MAX(return_url))) {
		admin_message(cmd, "返回地址必须在源之下（源/路径），不含空格和 #",
		    "return URL must be under the origin (ORIGIN/path), no "
		    "spaces or #", ret_url);
		return CMD_FAIL;
	}
	memset(&rp, 0, sizeof(rp));
	snprintf(rp.id, sizeof(rp.id), "%s", id);
	snprintf(rp.name, sizeof(rp.name), "%s", name);
	snprintf(rp.type, sizeof(rp.type), "%s", type);
	snprintf(rp.vendor, sizeof(rp.vendor), "%s", vendor);
	snprintf(rp.province, sizeof(rp.province), "%s", province);
	snprintf(rp.origin, sizeof(rp.origin), "%s", origin);
	snprintf(rp.return_url, sizeof(rp.return_url), "%s", ret_url);
	if ((ret = admin_open(&a, cmd, data)) != CMD_OK)
		return ret;
	if ((ret = admin_begin(&a)) != CMD_OK)
		goto out;
	if ((rc = svc_rp_add(a.db, &rp)) != 0) {
		ret = admin_abort_exists(&a, id, rc, "该标识已登记",
		    "id already registered");
		goto out;
	}
	snprintf(detail, sizeof(detail), "origin %s", origin);
	if ((ret = admin_commit(&a, NULL, "rp_add", id, detail)) == CMD_OK)
		printf("已登记直报系统 %s (reporting system registered)\n", id);
out:
	admin_close(&a);
	return ret;
}

struct rp_rows {
	struct svc_rp *v;
	size_t n, cap;
};

static int
rp_collect(void *arg, const struct svc_rp *rp)
{
	struct rp_rows *l = arg;
	struct svc_rp *nv;

	if (l->n == l->cap) {
		if (l->cap >= 100000)
			return GMPKI_ERR_TOO_LARGE;
		if ((nv = reallocarray(l->v, l->cap ? l->cap * 2 : 16,
		    sizeof(*nv))) == NULL)
			return GMPKI_ERR_NOMEM;
		l->v = nv;
		l->cap = l->cap ? l->cap * 2 : 16;
	}
	l->v[l->n++] = *rp;
	return 0;
}

static int
rp_list_json(const struct rp_rows *l)
{
	json_t *arr, *o;
	char *s;
	size_t i;

	if ((arr = json_array()) == NULL)
		return GMPKI_ERR_NOMEM;
	for (i = 0; i < l->n; i++) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", l->v[i].id, "name", l->v[i].name,
		    "type", l->v[i].type, "vendor", l->v[i].vendor,
		    "province", l->v[i].province, "origin", l->v[i].origin,
		    "return_url", l->v[i].return_url);
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return GMPKI_ERR_NOMEM;
		}
	}
	s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	if (s == NULL)
		return GMPKI_ERR_NOMEM;
	printf("%s\n", s);
	free(s);
	return 0;
}

/* The table's columns of one system. */
static void
rp_fields(const struct svc_rp *rp, const char *f[7])
{
	f[0] = rp->id;
	f[1] = rp->name;
	f[2] = rp->type;
	f[3] = rp->vendor;
	f[4] = rp->province[0] != '\0' ? rp->province : "-";
	f[5] = rp->origin;
	f[6] = rp->return_url;
}

static void
rp_list_table(const struct rp_rows *l)
{
	static const char *const head[] = { "标识 (id)", "名称 (name)",
	    "类型 (type)", "厂商 (vendor)", "省份 (province)", "源 (origin)",
	    "返回地址 (return URL)" };
	size_t w[7], i, k, x;
	const char *f[7];

	for (k = 0; k < 7; k++)
		w[k] = admin_width(head[k]);
	for (i = 0; i < l->n; i++) {
		rp_fields(&l->v[i], f);
		for (k = 0; k < 7; k++)
			if ((x = admin_width(f[k])) > w[k])
				w[k] = x;
	}
	for (k = 0; k < 7; k++)
		admin_print_col(stdout, head[k], k < 6 ? w[k] + 2 : 0);
	putchar('\n');
	for (i = 0; i < l->n; i++) {
		rp_fields(&l->v[i], f);
		for (k = 0; k < 7; k++)
			admin_print_col(stdout, f[k], k < 6 ? w[k] + 2 : 0);
		putchar('\n');
	}
}

static int
rp_list(const char *cmd, int argc, char **argv)
{
	const char *data = NULL, *json = NULL;
	const struct cmd_opt opts[] = {
		{ "data", 'd', 1, &data, NULL },
		{ "json", 'j', 0, &json, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct rp_rows l;
	struct admin a;
	int rc, ret;

	if ((ret = admin_start(&a, cmd, rp_usage, argc, argv, opts, &data)) !=
	    CMD_OK)
		return cmd_status(ret);
	memset(&l, 0, sizeof(l));
	if ((rc = svc_rp_list(a.db, rp_collect, &l)) != 0)
		ret = admin_error(cmd, NULL, rc);
	else if (json != NULL) {
		if ((rc = rp_list_json(&l)) != 0)
			ret = admin_error(cmd, NULL, rc);
	} else
		rp_list_table(&l);
	free(l.v);
	admin_close(&a);
	return ret;
}

int
cmd_rp_main(int argc, char **argv)
{
	static const struct admin_sub subs[] = {
		{ "add", rp_add },
		{ "list", rp_list },
		{ NULL, NULL },
	};

	return admin_dispatch("rp", rp_usage, subs, argc, argv);
}
