/*
 * pages_help.c - 帮助: the seed's questions (使用手册 §6, 常见问题解决方法)
 * answered in our words for this system, with the helper's commands where
 * the seed names Windows menus.  The text is all in help.html / i18n.c.
 */
#include "pages.h"

#include "page.h"

/* GET /help */
int
svc_page_help(struct svc_req *r, struct svc_resp *w)
{
	struct svc_var v[1];

	v[0].key = "title";
	v[0].value = pages_t(r, "nav.help");
	return svc_render(w, r, 200, "help.html", v, 1);
}
