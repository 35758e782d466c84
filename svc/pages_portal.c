/*
 * pages_portal.c - GET /: 企业用户入口 (seed §3.1).  The enterprise user
 * picks the reporting type (直报类型) and then the system entry: 万峰入口,
 * 同方入口, or the province for provinces that built their own system.
 * The entries come from the reporting-system directory (svc_rp_list).
 */
#include "pages.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "gmpki/error.h"
#include "page.h"
#include "svc_error.h"

#define PORTAL_MAX_RP 1000

struct rp_list {
	struct svc_rp *v;
	size_t n, cap;
};

static int
rp_collect(void *arg, const struct svc_rp *rp)
{
	struct rp_list *l = arg;
	struct svc_rp *nv;
	size_t cap;

	if (l->n >= PORTAL_MAX_RP)
		return 1;
	if (l->n == l->cap) {
		cap = l->cap != 0 ? l->cap * 2 : 16;
		if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL)
			return GMPKI_ERR_NOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *rp;
	return 0;
}

/* 万峰 first, then 同方 (the seed's order), then the provinces. */
static int
vendor_rank(const struct svc_rp *rp)
{
	if (rp->province[0] == '\0' && strcmp(rp->vendor, "万峰") == 0)
		return 0;
	if (rp->province[0] == '\0' && strcmp(rp->vendor, "同方") == 0)
		return 1;
	if (rp->province[0] == '\0')
		return 2;
	return 3;
}

static int
rp_cmp(const void *a, const void *b)
{
	const struct svc_rp *x = a, *y = b;
	int c;

	if ((c = strcmp(x->type, y->type)) != 0)
		return c;
	if ((c = vendor_rank(x) - vendor_rank(y)) != 0)
		return c;
	if ((c = strcmp(x->province, y->province)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

/* Only http(s) origins become links: a directory entry must not be able
 * to put a javascript: URL on the portal. */
static int
origin_linkable(const char *o)
{
	return strncmp(o, "https://", 8) == 0 || strncmp(o, "http://", 7) == 0;
}

static void
entry_html(struct svc_buf *b, const struct svc_req *r, const struct svc_rp *rp)
{
	svc_buf_str(b, "<li>");
	if (origin_linkable(rp->origin)) {
		svc_buf_str(b, "<a class=\"button entry\" href=\"");
		svc_buf_html(b, rp->origin);
		svc_buf_str(b, "\">");
	} else
		svc_buf_str(b, "<span class=\"button entry disabled\">");
	if (rp->province[0] != '\0')
		svc_buf_html(b, rp->province);
	else if (strcmp(rp->vendor, "万峰") == 0)
		svc_buf_html(b, pages_t(r, "portal.wanfeng"));
	else if (strcmp(rp->vendor, "同方") == 0)
		svc_buf_html(b, pages_t(r, "portal.tongfang"));
	else
		svc_buf_html(b, rp->vendor[0] != '\0' ? rp->vendor : rp->name);
	svc_buf_str(b, origin_linkable(rp->origin) ? "</a>" : "</span>");
	svc_buf_str(b, " <span class=\"muted\">");
	svc_buf_html(b, rp->name);
	svc_buf_str(b, "</span></li>\n");
}

/* One section per reporting type; national entries, then provinces. */
static void
entries_html(struct svc_buf *b, const struct svc_req *r,
    const struct rp_list *l)
{
	size_t i;
	int open = 0, prov = 0;

	if (l->n == 0) {
		svc_buf_str(b, "<p class=\"notice\">");
		svc_buf_html(b, pages_t(r, "portal.none"));
		svc_buf_str(b, "</p>\n");
		return;
	}
	for (i = 0; i < l->n; i++) {
		if (i == 0 || strcmp(l->v[i].type, l->v[i - 1].type) != 0) {
			if (open)
				svc_buf_str(b, "</ul></section>\n");
			svc_buf_str(b, "<section class=\"rp-type\"><h3>");
			svc_buf_html(b, l->v[i].type[0] != '\0' ? l->v[i].type :
			    pages_t(r, "portal.type_other"));
			svc_buf_str(b, "</h3>\n<ul class=\"entries\">\n");
			open = 1;
			prov = 0;
		}
		if (!prov && l->v[i].province[0] != '\0') {
			svc_buf_str(b, "</ul>\n<p class=\"muted\">");
			svc_buf_html(b, pages_t(r, "portal.provinces"));
			svc_buf_str(b, "</p>\n<ul class=\"entries provinces\">\n");
			prov = 1;
		}
		entry_html(b, r, &l->v[i]);
	}
	if (open)
		svc_buf_str(b, "</ul></section>\n");
}

int
svc_page_portal(struct svc_req *r, struct svc_resp *w)
{
	struct rp_list l = {NULL, 0, 0};
	struct svc_buf b;
	struct svc_var v[2];
	int rc;

	if ((rc = svc_rp_list(r->db, rp_collect, &l)) < 0) {
		free(l.v);
		return svc_resp_error_page(w, r, 503, rc);
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), rp_cmp);
	svc_buf_init(&b, 1u << 20);
	entries_html(&b, r, &l);
	free(l.v);
	if (!svc_buf_ok(&b)) {
		svc_buf_free(&b);
		return svc_resp_error_page(w, r, 500, GMPKI_ERR_TOO_LARGE);
	}
	v[0].key = "title";
	v[0].value = pages_t(r, "portal.heading");
	v[1].key = "entries";
	v[1].value = b.data != NULL ? b.data : "";
	rc = svc_render(w, r, 200, "portal.html", v, 2);
	svc_buf_free(&b);
	return rc;
}
