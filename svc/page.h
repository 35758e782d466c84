/*
 * page.h - server-rendered pages.  Templates are files under web/svc/,
 * embedded into the binary at build time (web_assets.c, generated).
 *   {{name}}     the variable, HTML-escaped
 *   {{{name}}}   the variable raw: only for HTML the code built with
 *                svc_buf_html (never for outside data)
 *   {{t:key}}    the message key in the request's language (i18n.c)
 * A page is its template inside web/svc/layout.html ({{{content}}}).
 */
#ifndef SVC_PAGE_H
#define SVC_PAGE_H

#include <stddef.h>

#include "http.h"

struct svc_var {
	const char *key;
	const char *value;
};

int svc_render(struct svc_resp *w, struct svc_req *r, int status,
    const char *tmpl, const struct svc_var *vars, size_t nvars);

/* The same with the templates (layout.html included) of web/DIR/: lets
 * another program (reportsys) keep its own pages. */
int svc_render_dir(struct svc_resp *w, struct svc_req *r, int status,
    const char *dir, const char *tmpl, const struct svc_var *vars,
    size_t nvars);

/* The message for key in lang ("zh", "en"); the key itself if unknown. */
const char *svc_t(const char *lang, const char *key);

/* An embedded file by its path under web/ ("svc/style.css"): bytes,
 * length and MIME type; NULL when absent. */
const unsigned char *svc_asset(const char *path, size_t *len,
    const char **type);

/* GET /static/<file>: web/svc/<file> when the name matches
 * [a-z0-9_-]+\.(css|js|png|svg|ico), else 404; cacheable.  Route it as
 * {"GET", "/static/", svc_static_handler, 0,
 *  SVC_ROUTE_PREFIX | SVC_ROUTE_NO_DB}. */
int svc_static_handler(struct svc_req *r, struct svc_resp *w);
/* The same for the files of web/DIR/. */
int svc_static_dir(struct svc_req *r, struct svc_resp *w, const char *dir);

#endif
