/*
 * i18n.c - the user-visible texts of certsvc's pages, Chinese first (the
 * seed's wording) and English.  Templates name them as {{t:key}}.
 *
 * The table is sorted by key (strcmp order) and searched with bsearch.
 * http_test looks up every {{t:key}} found in the embedded templates, so
 * a missing key, or one added out of order (which bsearch would miss),
 * fails the tests instead of showing the bare key on a page.
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"

struct msg {
	const char *key;
	const char *zh;
	const char *en;
};

/* Keep sorted by key (LC_ALL=C sort). */
static const struct msg msgs[] = {
	{"error.back", "返回首页", "Back to the home page"},
	{"error.heading", "无法完成您的请求", "Your request could not be completed"},
	{"error.status", "状态码", "Status"},
	{"error.title", "出错了", "Error"},
	{"footer.copyright", "国家统计局 版权所有",
	    "National Bureau of Statistics of China"},
	{"footer.help", "使用中遇到问题，请查看帮助或联系当地统计机构。",
	    "If something does not work, see Help or contact your local "
	    "statistics office."},
	{"lang.switch", "English", "中文"},
	{"lang.switch_title", "Switch to English", "切换到中文"},
	{"nav.apply", "申请证书", "Apply for a certificate"},
	{"nav.download", "下载证书", "Download certificate"},
	{"nav.help", "帮助", "Help"},
	{"nav.home", "首页", "Home"},
	{"nav.label", "主导航", "Main navigation"},
	{"nav.reapply", "重新申请证书", "Re-apply for a certificate"},
	{"nav.revoke", "废除证书", "Revoke certificate"},
	{"nav.service_label", "证书服务", "Certificate services"},
	{"nav.status", "证书状态查询", "Certificate status"},
	{"site.skip", "跳到主要内容", "Skip to main content"},
	{"site.title", "国家统计局在线服务系统", "NBS Online Service System"},
};

static int
msg_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct msg *)elem)->key);
}

const char *
svc_t(const char *lang, const char *key)
{
	const struct msg *m;

	if (key == NULL)
		return "";
	m = bsearch(key, msgs, sizeof(msgs) / sizeof(msgs[0]), sizeof(msgs[0]),
	    msg_cmp);
	if (m == NULL)
		return key;
	return lang != NULL && strcmp(lang, "en") == 0 ? m->en : m->zh;
}
